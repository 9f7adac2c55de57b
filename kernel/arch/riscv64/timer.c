/*
 * Time: the time CSR (rdtime) counts at the device tree's
 * timebase-frequency; the tick and the one-shot interrupts come from the
 * SBI TIME extension (set_timer), delivered as the S-mode timer interrupt
 * (STIE).
 */
#include <arch/timer.h>
#include <kern/kernel.h>

#include "rv.h"

#define NS 1000000000UL

static uint64_t period_ticks, next_deadline;

/* Reads the timebase-frequency (rv_boot, so the clock is right from the start). */
void rv_timer_setup(void)
{
    const fdt_t *f = &rv_plat.fdt;
    uint64_t hz = 0;
    int cpus = fdt_path(f, "/cpus");
    if (cpus >= 0 && !fdt_prop_u64(f, cpus, "timebase-frequency", &hz)) {
        int depth = 0;
        for (int n = fdt_next_node(f, cpus, &depth); n >= 0 && depth > 0 && !hz;
             n = fdt_next_node(f, n, &depth))
            if (depth == 1)
                fdt_prop_u64(f, n, "timebase-frequency", &hz);
    }
    if (!hz) {
        kprintf("riscv64: no timebase-frequency in the device tree, assuming 10 MHz\n");
        hz = 10000000;
    }
    rv_plat.timebase_hz = hz;
}

void timer_init(void)
{
    if (!rv_plat.timebase_hz)
        rv_timer_setup();
    csr_clear(sie, SIE_STIE);
}

static uint64_t ticks_to_ns(uint64_t t)
{
    uint64_t hz = rv_plat.timebase_hz ? rv_plat.timebase_hz : 10000000;
    return t / hz * NS + t % hz * NS / hz;
}

uint64_t timer_now_ns(void)
{
    return ticks_to_ns(rv_rdtime() - rv_plat.entry_time);
}

static void sbi_set_timer(uint64_t when)
{
    sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0, 0);
}

/* The SBI timer is a compare value: the nearer of the next periodic tick
 * and the pending one-shot (timer_set_oneshot). */
static uint64_t oneshot = UINT64_MAX;

static void program(void)
{
    sbi_set_timer(oneshot < next_deadline ? oneshot : next_deadline);
}

void timer_set_periodic(uint64_t period_ns)
{
    uint64_t hz = rv_plat.timebase_hz;
    if (!period_ns || !hz) {
        period_ticks = 0;
        oneshot = UINT64_MAX;
        csr_clear(sie, SIE_STIE);
        sbi_set_timer(UINT64_MAX);
        return;
    }
    period_ticks = period_ns / NS * hz + period_ns % NS * hz / NS;
    if (!period_ticks)
        period_ticks = 1;
    next_deadline = rv_rdtime() + period_ticks;
    program();
    csr_set(sie, SIE_STIE);
}

/* at_ns in timebase ticks, rounded up so that it never fires early. */
void timer_set_oneshot(uint64_t at_ns)
{
    uint64_t hz = rv_plat.timebase_hz;
    if (!period_ticks || !hz)
        return;                 /* no tick, no scheduler: nothing to wake */
    uint64_t at = rv_plat.entry_time + at_ns / NS * hz + (at_ns % NS * hz + NS - 1) / NS;
    if (at >= oneshot)
        return;
    oneshot = at;
    if (at < next_deadline)
        program();
}

/* The S-mode timer interrupt: program the next deadline (skipping missed
 * ones rather than firing a burst), then tick when the periodic tick or
 * the one-shot was due. */
void rv_timer_interrupt(void)
{
    if (!period_ticks) {
        sbi_set_timer(UINT64_MAX);
        return;
    }
    uint64_t now = rv_rdtime();
    bool due = false;
    if (now >= next_deadline) {
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
