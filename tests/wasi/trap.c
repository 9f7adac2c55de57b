/* Traps (unreachable) two calls deep: the runner prints a backtrace. */
#include <stdio.h>

__attribute__((noinline)) static void inner(int x)
{
    if (x > 0)
        __builtin_trap();
}

__attribute__((noinline)) void outer(int x)
{
    inner(x + 1);
}

int main(int argc, char **argv)
{
    (void)argv;
    printf("before trap\n");
    fflush(stdout);
    outer(argc);
    printf("after trap\n");
    return 0;
}
