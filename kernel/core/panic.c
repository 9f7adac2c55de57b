/*
 * panic: the end of the road for a broken kernel invariant. Prints the
 * reason and a backtrace, then powers the machine off with status 2 so a
 * test harness sees a failure at once instead of waiting for a timeout.
 */
#include <arch/cpu.h>
#include <kern/kernel.h>

#include "core.h"

void kcons_release(void);

static volatile int panicking;

void panic(const char *fmt, ...)
{
    cpu_irq_disable();
    klog_quiet = false;     /* a panic is always shown */
    kcons_release();    /* dev.c: from here on, straight to the UART */
    if (panicking++) {
        /* A panic while panicking (say, the backtrace faulted): stop here. */
        kprintf("\npanic: recursive panic\n");
        arch_poweroff(2);
    }
    va_list ap;
    va_start(ap, fmt);
    kprintf("\npanic: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    trap_backtrace((uintptr_t)__builtin_frame_address(0));
    arch_poweroff(2);
}
