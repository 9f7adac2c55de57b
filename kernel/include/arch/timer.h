/*
 * The arch seam, part 4: time (x86_64: LAPIC timer calibrated against the
 * PIT or HPET, TSC for the clock; aarch64: generic timer; riscv64: time CSR
 * and the SBI timer).
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

/* Starts the clock; after this timer_now_ns works. */
void timer_init(void);
/* Monotonic nanoseconds since timer_reset_point (the kernel's entry). */
uint64_t timer_now_ns(void);
/* Periodic tick interrupt every period_ns; each tick calls timer_tick()
 * (portable, kernel/core/time.c) from interrupt context. 0 stops it. */
void timer_set_periodic(uint64_t period_ns);
void timer_tick(void);
/* One more timer interrupt at at_ns (timer_now_ns's clock), besides the
 * periodic tick, which it does not move: it too calls timer_tick(). Only
 * the earliest pending one is kept (a later request than one pending is
 * ignored; one in the past fires at once). The scheduler asks for its
 * earliest sleeper's deadline, so sleepers (the lease reaper among them)
 * wake on time rather than at the next tick. Interrupts off. */
void timer_set_oneshot(uint64_t at_ns);

#endif
