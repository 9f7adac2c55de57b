/*
 * Time: the TSC is the clock (timer_now_ns), the LAPIC timer gives the
 * periodic tick. Both are calibrated against the PIT's channel 2, which
 * counts at a fixed 1.193182 MHz and whose output can be polled through
 * port 0x61 without any interrupt.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/kernel.h>

#include "x86.h"

enum { LAPIC_LVT_TIMER = 0x320, LAPIC_TIMER_INIT = 0x380, LAPIC_TIMER_CUR = 0x390, LAPIC_TIMER_DIV = 0x3e0 };
#define PIT_HZ 1193182u
#define CALIB_MS 20u

static uint64_t tsc_hz, tsc_mult;   /* ns = (tsc delta * tsc_mult) >> 32 */
static uint64_t lapic_hz;           /* LAPIC timer counts per second (divide by 16) */

/* Runs PIT channel 2 for ms milliseconds (one-shot, gate driven by port
 * 0x61 bit 0, output read back on bit 5) and measures the TSC and the
 * LAPIC timer across it. */
static void pit_measure(unsigned ms, uint64_t *tsc, uint32_t *lapic_ticks)
{
    uint32_t count = PIT_HZ / 1000 * ms;
    uint8_t gate = inb(0x61) & ~0x03;   /* speaker off, gate low */
    outb(0x61, gate);
    outb(0x43, 0xb0);                    /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, (count >> 8) & 0xff);
    lapic_write(LAPIC_TIMER_DIV, 0x3);   /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, 1u << 16);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    uint64_t t0 = rdtsc();
    outb(0x61, gate | 0x01);             /* go */
    while (!(inb(0x61) & 0x20))
        __asm__ volatile("pause");
    *tsc = rdtsc() - t0;
    *lapic_ticks = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    outb(0x61, gate);
}

void timer_init(void)
{
    uint64_t tsc;
    uint32_t lt;
    if (tsc_hz)
        return;
    lapic_setup();
    bool on = cpu_irq_save();
    pit_measure(CALIB_MS, &tsc, &lt);
    cpu_irq_restore(on);
    /* PIT counts are whole; 16-bit: 20 ms = 23863 fits. */
    uint64_t pit_ticks = PIT_HZ / 1000 * CALIB_MS;
    tsc_hz = tsc * PIT_HZ / pit_ticks;
    lapic_hz = (uint64_t)lt * PIT_HZ / pit_ticks;
    if (!tsc_hz || !lapic_hz)
        panic("timer_init: calibration failed (tsc %lu, lapic %lu)", (unsigned long)tsc,
              (unsigned long)lt);
    tsc_mult = (1000000000UL << 32) / tsc_hz;
}

uint64_t timer_now_ns(void)
{
    if (!tsc_mult)
        return 0;
    unsigned __int128 d = rdtsc() - x86_boot_tsc;
    return (uint64_t)((d * tsc_mult) >> 32);
}

void timer_set_periodic(uint64_t period_ns)
{
    if (!lapic_hz)
        timer_init();
    if (!period_ns) {
        lapic_write(LAPIC_LVT_TIMER, 1u << 16);
        lapic_write(LAPIC_TIMER_INIT, 0);
        return;
    }
    if (period_ns > 10000000000UL)
        period_ns = 10000000000UL;          /* keeps the product below 2^64 */
    uint64_t count = period_ns * lapic_hz / 1000000000u;
    if (count == 0)
        count = 1;
    if (count > 0xffffffff)
        count = 0xffffffff;
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_LVT_TIMER, X86_VEC_TIMER | (1u << 17));   /* periodic */
    lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}
