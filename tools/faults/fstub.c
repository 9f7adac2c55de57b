/* The scheduler as the fault campaign sees it: one thread, nothing to wait
 * for (a non-reentrant driver is never busy: calls are not nested). */
#include <kern/sched.h>

#include <stdbool.h>
#include <stdint.h>

__attribute__((weak)) int waitq_wake_one(waitq_t *q) { (void)q; return 0; }
__attribute__((weak)) int waitq_wake_all(waitq_t *q) { (void)q; return 0; }
__attribute__((weak)) bool waitq_wait(waitq_t *q, uint64_t deadline)
{
    (void)q, (void)deadline;
    return false;
}
__attribute__((weak)) thread_t *thread_current(void) { return 0; }
__attribute__((weak)) bool thread_cancel_wait(thread_t *t) { (void)t; return false; }
__attribute__((weak)) void sched_sleep_ns(uint64_t ns) { (void)ns; }
__attribute__((weak)) void sched_yield(void) {}

/* Supervision hooks (kern/supervise.h, being written): no-ops unless
 * kernel/core/supervise.c is linked in. The campaign restarts the driver
 * itself (tools/faults/faults.c: restart). */
struct domain;
struct wasm_exec;
__attribute__((weak)) void sup_loaded(struct domain *d) { (void)d; }
__attribute__((weak)) void sup_forget(struct domain *d) { (void)d; }
__attribute__((weak)) void sup_run_begin(struct domain *d, struct wasm_exec *ex) { (void)d, (void)ex; }
__attribute__((weak)) void sup_run_end(struct domain *d) { (void)d; }
__attribute__((weak)) void domain_fault(struct domain *d, int kind, const char *why)
{
    (void)d, (void)kind, (void)why;
}
__attribute__((weak)) void sup_heartbeat(struct domain *d) { (void)d; }
struct wasm_linker;
__attribute__((weak)) bool sup_hostcalls_define(struct wasm_linker *l, struct domain *d)
{
    (void)l, (void)d;
    return true;
}
/* sup_start's supervisor thread: none here (sup_tick is not driven). */
__attribute__((weak)) thread_t *thread_create(struct domain *d, const char *name, int prio,
                                              void (*fn)(void *), void *arg, size_t stack)
{
    (void)d, (void)name, (void)prio, (void)fn, (void)arg, (void)stack;
    return 0;
}
