/*
 * bin/hello: a program the shell runs (`run hello [ARGS]`, docs/shell.md).
 * It greets, prints its arguments one per line and returns how many there
 * were: its exit status.
 */
#include <athanor.h>

ATH_EXPORT("_start") int32_t _start(void)
{
    char arch[32], args[256];
    ath_arch_name(arch, (int32_t)sizeof arch);
    int32_t n = ath_args(args, (int32_t)sizeof args - 1);
    n = n < 0 ? 0 : n < (int32_t)sizeof args - 1 ? n : (int32_t)sizeof args - 1;
    args[n] = 0;
    ath_printf("hello from bin/hello.wasm on %s\n", arch);
    int32_t count = 0;
    for (int32_t i = 0; i < n;) {
        while (i < n && args[i] == ' ')
            i++;
        if (i == n)
            break;
        int32_t s = i;
        while (i < n && args[i] != ' ')
            i++;
        count++;
        args[i] = 0;            /* the word's end: a space, or the NUL after the last */
        ath_printf("  arg %d: %s\n", count, args + s);
        if (i < n)
            i++;                /* past the space just overwritten */
    }
    return count;
}
