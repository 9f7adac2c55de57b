/*
 * The deadlines every port's timer keeps (kernel/arch/x86_64/timer.c,
 * aarch64/timer.c, riscv64/timer.c), in the port's own units (counter
 * ticks, or TSC nanoseconds): the periodic scheduler tick and the one
 * one-shot the scheduler asks for (timer_set_oneshot). A port's hardware
 * counts down to, or compares against, the nearer of the two; what is due
 * at an interrupt, and when the next one is, is decided here once.
 */
#ifndef KERN_TICKDUE_H
#define KERN_TICKDUE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct tick_deadlines {
    uint64_t period;        /* between periodic ticks; 0: no tick */
    uint64_t next;          /* the next periodic tick */
    uint64_t oneshot;       /* the pending one-shot; UINT64_MAX: none */
} tick_deadlines_t;

#define TICK_DEADLINES_OFF ((tick_deadlines_t){0, UINT64_MAX, UINT64_MAX})

/* Starts the periodic tick at now + period (0: stops it, and the one-shot). */
static inline void tick_start(tick_deadlines_t *t, uint64_t now, uint64_t period)
{
    t->period = period;
    t->next = period ? now + period : UINT64_MAX;
    if (!period)
        t->oneshot = UINT64_MAX;
}

/* The nearer deadline: what the hardware is set to (UINT64_MAX: none). */
static inline uint64_t tick_nearest(const tick_deadlines_t *t)
{
    return t->next < t->oneshot ? t->next : t->oneshot;
}

/* At a timer interrupt at now: whether the scheduler's tick is due (the
 * periodic tick, counted due up to `early` before its time when the
 * interrupt's source and the clock are calibrated apart, or the one-shot).
 * Fixed deadlines do not drift; one that fell behind is skipped, not made
 * up in a burst. */
static inline bool tick_due(tick_deadlines_t *t, uint64_t now, uint64_t early)
{
    bool due = false;
    if (t->period && now + early >= t->next) {
        t->next += t->period;
        if (t->next <= now)
            t->next = now + t->period;
        due = true;
    }
    if (now >= t->oneshot) {
        t->oneshot = UINT64_MAX;
        due = true;
    }
    return due;
}

/* Asks for a one-shot at `at`: true when the hardware must be set again
 * (it is now the nearest deadline). Without a periodic tick there is no
 * scheduler to wake: nothing is kept. */
static inline bool tick_oneshot(tick_deadlines_t *t, uint64_t at)
{
    uint64_t was = tick_nearest(t);
    if (!t->period || at >= t->oneshot)
        return false;
    t->oneshot = at;
    return at < was;
}

#endif
