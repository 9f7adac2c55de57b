/* getentropy and arc4random give bytes that differ between calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    unsigned char a[32], b[32], zero[32] = {0};
    if (getentropy(a, sizeof a) || getentropy(b, sizeof b)) {
        printf("getentropy failed\n");
        return 1;
    }
    printf("getentropy differs: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
    printf("getentropy nonzero: %s\n", memcmp(a, zero, sizeof a) ? "yes" : "no");
    unsigned x = arc4random(), y = arc4random(), z = arc4random();
    printf("arc4random varies: %s\n", x != y || y != z ? "yes" : "no");
    return 0;
}
