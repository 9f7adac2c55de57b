/*
 * bin/spin: a program that never ends by itself (`run spin`, then Ctrl-C
 * at the shell stops it: docs/shell.md).
 */
#include <athanor.h>

ATH_EXPORT("_start") int32_t _start(void)
{
    ath_print("spin: running until stopped (Ctrl-C)\n");
    volatile uint64_t n = 0;
    for (;;)
        n++;
}
