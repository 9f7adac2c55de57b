/*
 * The portable side of time: the port's periodic timer interrupt calls
 * timer_tick(); the count is what the timer self-test watches advance.
 */
#include <arch/timer.h>
#include <kern/sched.h>

#include "core.h"

static volatile uint64_t ticks;

void timer_tick(void)
{
    ticks++;
    sched_tick(timer_now_ns());
}

uint64_t timer_ticks(void)
{
    return ticks;
}
