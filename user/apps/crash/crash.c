/*
 * bin/crash: a program that traps (`run crash`, docs/shell.md): a load far
 * outside its linear memory, two calls deep, so the trap report carries a
 * backtrace. The kernel contains it; the shell stays.
 */
#include <athanor.h>

__attribute__((noinline)) static int32_t load(volatile int32_t *p)
{
    return *p;
}

__attribute__((noinline)) static int32_t walk(uint32_t at)
{
    return load((volatile int32_t *)(uintptr_t)at) + 1;
}

ATH_EXPORT("_start") int32_t _start(void)
{
    ath_print("crash: reading 0xfffffff0, outside my memory\n");
    return walk(0xfffffff0u);
}
