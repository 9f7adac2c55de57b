/*
 * Time: the TSC is the clock (timer_now_ns), the LAPIC timer gives the
 * periodic tick and the one-shot interrupts. Both are calibrated against the PIT's channel 2, which
 * counts at a fixed 1.193182 MHz and whose output can be polled through
 * port 0x61 without any interrupt.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/tickdue.h>

#include "x86.h"

enum { LAPIC_LVT_TIMER = 0x320, LAPIC_TIMER_INIT = 0x380, LAPIC_TIMER_CUR = 0x390, LAPIC_TIMER_DIV = 0x3e0 };
#define PIT_HZ 1193182u
#define CALIB_MS 10u

static uint64_t tsc_hz, tsc_mult;   /* ns = (tsc delta * tsc_mult) >> 32 */
static uint64_t lapic_hz;           /* LAPIC timer counts per second (divide by 16) */

/* One reading of the three clocks. The PIT counter is latched and read
 * between two TSC reads; the narrowest of a few brackets wins, so that
 * being preempted (a virtual CPU loses its host CPU now and then) while
 * reading cannot skew the calibration. */
typedef struct clock_sample {
    uint64_t tsc;
    uint16_t pit;
    uint32_t lapic;
} clock_sample_t;

static uint16_t pit_read(void)
{
    outb(0x43, 0x80);                    /* latch channel 2 */
    uint8_t lo = inb(0x42);
    return (uint16_t)(lo | inb(0x42) << 8);
}

static clock_sample_t sample(void)
{
    clock_sample_t s = {0};
    uint64_t best = ~0UL;
    for (int i = 0; i < 5; i++) {
        uint64_t t0 = rdtsc();
        uint16_t p = pit_read();
        uint32_t l = lapic_read(LAPIC_TIMER_CUR);
        uint64_t t1 = rdtsc();
        if (t1 - t0 < best) {
            best = t1 - t0;
            s = (clock_sample_t){ t0 + (t1 - t0) / 2, p, l };
        }
    }
    return s;
}

/* Lets PIT channel 2 count down from 0xffff (mode 0, gate on through
 * port 0x61 bit 0, speaker off) with the LAPIC timer free-running, and
 * measures the TSC and the LAPIC timer against CALIB_MS of PIT counts.
 * False when the count passed zero (its output, port 0x61 bit 5, went
 * high): the 16-bit counter wrapped, which happens when a virtual CPU
 * loses its host CPU for more than 55 ms meanwhile, and the PIT delta
 * would be short by a multiple of 65536 (a clock off by 2-10x). */
static bool calibrate(void)
{
    uint32_t want = PIT_HZ / 1000 * CALIB_MS;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);                    /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    lapic_write(LAPIC_TIMER_DIV, 0x3);   /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, 1u << 16);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    clock_sample_t a = sample();
    while ((uint16_t)(a.pit - pit_read()) < want)
        __asm__ volatile("pause");
    clock_sample_t b = sample();
    bool wrapped = inb(0x61) & 0x20;
    lapic_write(LAPIC_TIMER_INIT, 0);
    outb(0x61, inb(0x61) & ~0x03);
    uint64_t pit = (uint16_t)(a.pit - b.pit);
    if (wrapped || !pit)
        return false;
    tsc_hz = (b.tsc - a.tsc) * PIT_HZ / pit;
    lapic_hz = (uint64_t)(a.lapic - b.lapic) * PIT_HZ / pit;
    return true;
}

void timer_init(void)
{
    if (tsc_hz)
        return;
    lapic_setup();
    bool on = cpu_irq_save();
    int tries = 1;
    while (!calibrate() && tries < 10)
        tries++;
    cpu_irq_restore(on);
    if (!tsc_hz || !lapic_hz)
        panic("timer_init: calibration failed");
    if (tries > 1)
        kprintf("x86_64: timer calibration repeated: the PIT wrapped %d time(s)\n", tries - 1);
    tsc_mult = (1000000000UL << 32) / tsc_hz;
    kprintf("x86_64: TSC %lu kHz, LAPIC timer %lu kHz, calibrated %lu us after entry\n",
            (unsigned long)(tsc_hz / 1000), (unsigned long)(lapic_hz / 1000),
            (unsigned long)(timer_now_ns() / 1000));
}

uint64_t timer_now_ns(void)
{
    if (!tsc_mult)
        return 0;
    unsigned __int128 d = rdtsc() - x86_boot_tsc;
    return (uint64_t)((d * tsc_mult) >> 32);
}

/* The LAPIC timer runs one-shot, always counting down to the nearer of
 * the next periodic tick and the pending one-shot (timer_set_oneshot);
 * the ticks' times are fixed multiples of the period on the TSC clock, so
 * they do not drift with the reprogramming (kern/tickdue.h). */
static tick_deadlines_t dl = TICK_DEADLINES_OFF;    /* in TSC nanoseconds */

static void program(void)
{
    uint64_t at = tick_nearest(&dl);
    if (at == UINT64_MAX) {
        lapic_write(LAPIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = timer_now_ns(), d = at > now ? at - now : 0;
    if (d > 10000000000UL)
        d = 10000000000UL;
    /* rounded up, so that it does not fire before at (then it would fire twice) */
    uint64_t count = d / 1000000000u * lapic_hz + (d % 1000000000u * lapic_hz + 999999999u) / 1000000000u + 1;
    if (count > 0xffffffff)
        count = 0xffffffff;
    lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}

void timer_set_periodic(uint64_t period_ns)
{
    if (!lapic_hz)
        timer_init();
    bool on = cpu_irq_save();
    if (period_ns > 10000000000UL)
        period_ns = 10000000000UL;
    tick_start(&dl, timer_now_ns(), period_ns);
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_LVT_TIMER, X86_VEC_TIMER);        /* one-shot */
    program();
    cpu_irq_restore(on);
}

void timer_set_oneshot(uint64_t at_ns)
{
    if (tick_oneshot(&dl, at_ns))
        program();
}

/* The timer's vector (trap.c): a tick when the periodic one is due (or
 * within an eighth of a period: the LAPIC's and the TSC's rates are
 * calibrated apart), the one-shot when its time came; then the next. */
void x86_timer_interrupt(void)
{
    bool due = tick_due(&dl, timer_now_ns(), dl.period / 8);
    program();
    if (due)
        timer_tick();
}
