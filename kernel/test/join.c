/*
 * Join points for the test harness: the scheduler self-tests and the
 * hostile-module runner wait on them for their threads (ktest.h).
 */
#include <arch/cpu.h>
#include <kern/sched.h>

#include "ktest.h"

void sched_join_signal(sched_join_t *j)
{
    bool on = cpu_irq_save();
    j->done++;
    waitq_wake_all(&j->q);
    cpu_irq_restore(on);
}

bool sched_join_wait(sched_join_t *j, int n, uint64_t deadline_ns)
{
    for (;;) {
        bool on = cpu_irq_save();
        if (j->done >= n) {
            cpu_irq_restore(on);
            return true;
        }
        if (!waitq_wait(&j->q, deadline_ns))    /* returns with interrupts on */
            return j->done >= n;
    }
}
