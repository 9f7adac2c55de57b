/* exit(argv[1]) or return from main with argv[2]; output before exit must
 * be flushed. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("exiting\n");
    if (argc > 2)
        return atoi(argv[2]);
    exit(argc > 1 ? atoi(argv[1]) : 0);
}
