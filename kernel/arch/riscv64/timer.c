/*
 * Time: the time CSR (rdtime) counts at the device tree's
 * timebase-frequency; the tick and the one-shot interrupts come from the
 * SBI TIME extension (set_timer), delivered as the S-mode timer interrupt
 * (STIE).
 */
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/tickdue.h>

#include "rv.h"

#define NS 1000000000UL

static tick_deadlines_t dl = TICK_DEADLINES_OFF;    /* in timebase ticks */

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
 * and the pending one-shot (kern/tickdue.h). */
static void program(void)
{
    sbi_set_timer(tick_nearest(&dl));
}

void timer_set_periodic(uint64_t period_ns)
{
    uint64_t hz = rv_plat.timebase_hz;
    if (!period_ns || !hz) {
        tick_start(&dl, 0, 0);
        csr_clear(sie, SIE_STIE);
        sbi_set_timer(UINT64_MAX);
        return;
    }
    uint64_t period = period_ns / NS * hz + period_ns % NS * hz / NS;
    tick_start(&dl, rv_rdtime(), period ? period : 1);
    program();
    csr_set(sie, SIE_STIE);
}

/* at_ns in timebase ticks, rounded up so that it never fires early. */
void timer_set_oneshot(uint64_t at_ns)
{
    uint64_t hz = rv_plat.timebase_hz;
    if (!hz)
        return;
    uint64_t at = rv_plat.entry_time + at_ns / NS * hz + (at_ns % NS * hz + NS - 1) / NS;
    if (tick_oneshot(&dl, at))
        program();
}

/* The S-mode timer interrupt: program the next deadline (skipping missed
 * ones rather than firing a burst), then tick when the periodic tick or
 * the one-shot was due. */
void rv_timer_interrupt(void)
{
    if (!dl.period) {
        sbi_set_timer(UINT64_MAX);
        return;
    }
    bool due = tick_due(&dl, rv_rdtime(), 0);
    program();
    if (due)
        timer_tick();
}
