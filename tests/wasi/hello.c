/* stdout and stderr, exit status 0. */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    fprintf(stderr, "hello, stderr\n");
    fputs("line without newline at exit", stdout);
    return 0;
}
