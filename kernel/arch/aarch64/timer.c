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

#include "aarch64.h"

#define CTL_ENABLE   1u
#define NS_PER_S     1000000000UL

static uint64_t freq, period_ticks, next_deadline;

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
 * pending one-shot (timer_set_oneshot); off when there is neither. */
static uint64_t oneshot = UINT64_MAX;

static void program(void)
{
    uint64_t at = period_ticks ? next_deadline : UINT64_MAX;
    if (oneshot < at)
        at = oneshot;
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
    /* Fixed deadlines do not drift; if we fell behind, skip ahead. */
    uint64_t now = counter();
    bool due = false;
    if (period_ticks && now >= next_deadline) {
        next_deadline += period_ticks;
        if (next_deadline <= now)
            next_deadline = now + period_ticks;
        due = true;
    }
    if (now >= oneshot) {
        oneshot = UINT64_MAX;
        due = true;
    }
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
        period_ticks = 0;
        oneshot = UINT64_MAX;
        A64_SYSREG_WRITE(cntv_ctl_el0, 0);
        irq_mask(a64_plat.timer_irq);
    } else {
        period_ticks = period_ns / NS_PER_S * freq + period_ns % NS_PER_S * freq / NS_PER_S;
        if (!period_ticks)
            period_ticks = 1;
        next_deadline = counter() + period_ticks;
        program();
        irq_attach(a64_plat.timer_irq, timer_handler, NULL);
    }
    cpu_irq_restore(was);
}

/* at_ns in counter ticks, rounded up so that it never fires early. */
void timer_set_oneshot(uint64_t at_ns)
{
    if (!freq || !period_ticks)
        return;                 /* no tick, no scheduler: nothing to wake */
    uint64_t at = a64_plat.entry_ticks + at_ns / NS_PER_S * freq +
                  (at_ns % NS_PER_S * freq + NS_PER_S - 1) / NS_PER_S;
    if (at >= oneshot)
        return;
    oneshot = at;
    if (at < next_deadline)
        program();
}
