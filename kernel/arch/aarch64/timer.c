/*
 * The ARM generic timer: CNTVCT_EL0 is the clock (counting at CNTFRQ_EL0,
 * from the reset point entry.S recorded), the EL1 virtual timer (the PPI
 * the device tree names, normally INTID 27) gives the periodic tick and
 * the one-shot interrupts.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/tickdue.h>

#include "aarch64.h"

#define CTL_ENABLE   1u
#define NS_PER_S     1000000000UL

static uint64_t freq;
static tick_deadlines_t dl = TICK_DEADLINES_OFF;    /* in counter ticks */

static uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory");
    return v;
}

void timer_init(void)
{
    freq = A64_SYSREG_READ(cntfrq_el0);
    if (!freq)
        panic("timer_init: CNTFRQ_EL0 is 0");
    if (!a64_plat.timer_irq)
        panic("timer_init: no virtual timer interrupt in the device tree");
}

/* ticks * 1e9 / freq without overflowing 64 bits for years of uptime. */
uint64_t timer_now_ns(void)
{
    if (!freq)
        timer_init();
    uint64_t t = counter() - a64_plat.entry_ticks;
    return t / freq * NS_PER_S + t % freq * NS_PER_S / freq;
}

/* The compare value: the nearer of the next periodic tick and the
 * pending one-shot (kern/tickdue.h); off when there is neither. */
static void program(void)
{
    uint64_t at = tick_nearest(&dl);
    if (at == UINT64_MAX) {
        A64_SYSREG_WRITE(cntv_ctl_el0, 0);
    } else {
        A64_SYSREG_WRITE(cntv_cval_el0, at);
        A64_SYSREG_WRITE(cntv_ctl_el0, CTL_ENABLE);
    }
    __asm__ volatile("isb" ::: "memory");
}

static void timer_handler(unsigned irq, void *arg)
{
    (void)irq, (void)arg;
    bool due = tick_due(&dl, counter(), 0);
    program();
    if (due)
        timer_tick();
}

void timer_set_periodic(uint64_t period_ns)
{
    if (!freq)
        timer_init();
    bool was = cpu_irq_save();
    if (!period_ns) {
        tick_start(&dl, 0, 0);
        A64_SYSREG_WRITE(cntv_ctl_el0, 0);
        irq_mask(a64_plat.timer_irq);
    } else {
        uint64_t period = period_ns / NS_PER_S * freq + period_ns % NS_PER_S * freq / NS_PER_S;
        tick_start(&dl, counter(), period ? period : 1);
        program();
        irq_attach(a64_plat.timer_irq, timer_handler, NULL);
    }
    cpu_irq_restore(was);
}

/* at_ns in counter ticks, rounded up so that it never fires early. */
void timer_set_oneshot(uint64_t at_ns)
{
    if (!freq)
        return;
    uint64_t at = a64_plat.entry_ticks + at_ns / NS_PER_S * freq +
                  (at_ns % NS_PER_S * freq + NS_PER_S - 1) / NS_PER_S;
    if (tick_oneshot(&dl, at))
        program();
}
