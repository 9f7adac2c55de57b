/*
 * Threads and the scheduler (kernel/core/sched.c). Portable: the only
 * machine-specific part is <arch/context.h>.
 *
 * Policy: fixed priorities (0 = lowest .. SCHED_PRIOS-1), round robin
 * within a priority. The timer tick charges the running thread and, when
 * its slice is used up or a higher priority thread is ready, asks it to
 * yield: kernel code yields when it blocks or calls sched_yield; Wasm code
 * is preempted at its next safe point (wasm_exec_set_safepoint_hook), so a
 * domain spinning in a loop cannot keep the CPU. The idle thread halts
 * the CPU (cpu_idle) when nothing is ready.
 */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_PRIOS 32
#define SCHED_SLICE_NS 10000000ull  /* 10 ms */

struct domain;
struct wasm_exec;
typedef struct thread thread_t;

typedef enum thread_state {
    THREAD_READY, THREAD_RUNNING, THREAD_BLOCKED, THREAD_SLEEPING, THREAD_DEAD
} thread_state_t;

/* A queue of blocked threads (FIFO). Zero-initialised is empty. */
typedef struct waitq {
    thread_t *head, *tail;
} waitq_t;

void sched_init(void);                     /* the calling context becomes thread 0 */
/* Creates a ready thread running fn(arg) on a fresh kernel stack with a
 * guard page. domain may be NULL (kernel thread). NULL when out of memory. */
thread_t *thread_create(struct domain *d, const char *name, int prio,
                        void (*fn)(void *), void *arg, size_t stack_size);
__attribute__((noreturn)) void thread_exit(void);
thread_t *thread_current(void);
const char *thread_name(const thread_t *t);
struct domain *thread_domain(const thread_t *t);
uint64_t thread_cpu_ns(const thread_t *t);   /* CPU time used so far */
thread_state_t thread_state(const thread_t *t);
/* Attaches the Wasm exec context the thread runs, so the tick can preempt
 * it at a safe point (sets the exec's interrupt flag + hook). */
void thread_set_exec(thread_t *t, struct wasm_exec *ex);

void sched_yield(void);
void sched_sleep_until(uint64_t deadline_ns);
void sched_sleep_ns(uint64_t ns);

/* Blocks the current thread on q until woken or until deadline_ns
 * (0: no deadline). Returns true when woken, false on timeout. Call with
 * interrupts disabled (cpu_irq_save); they are restored on return, i.e.
 * enabled: re-check the condition under a new cpu_irq_save. */
bool waitq_wait(waitq_t *q, uint64_t deadline_ns);
/* Wakes the first / every waiter; safe from interrupt handlers. Returns the
 * number woken. */
int waitq_wake_one(waitq_t *q);
int waitq_wake_all(waitq_t *q);
/* Ends t's wait (waitq_wait or a sleep) now, as its deadline would: the
 * supervisor stopping a run blocked in a host call without a timeout
 * (docs/faults.md). False when t was not waiting. */
bool thread_cancel_wait(thread_t *t);

/* Called by timer_tick (interrupt context). */
void sched_tick(uint64_t now_ns);

/* Runs the scheduler forever on the boot thread (it becomes the idle thread). */
__attribute__((noreturn)) void sched_run_idle(void);

/* Optional, defined by the domain code (struct domain is opaque here):
 * called with interrupts off each time ns of CPU time are charged to a
 * thread of domain d (at every switch), so a domain's total includes its
 * threads that have exited (docs/scheduler.md). */
__attribute__((weak)) void domain_charge_cpu(struct domain *d, uint64_t ns);
/* Optional, defined by the IPC code: whether ex runs a call into a domain
 * of d's system that must be stopped (ro_kill: it wrote to a read-only
 * lend). The safe-point hook asks before taking an interrupt for a
 * preemption, so such a kill is never swallowed by a yield. */
__attribute__((weak)) bool ipc_exec_killed(struct domain *d, struct wasm_exec *ex);

/* Statistics for tests and the shell. */
uint64_t sched_switches(void);
uint64_t sched_idle_ns(void);
/* CPU time charged to every thread so far, the idle thread and the running
 * thread's current run included: it follows the clock. *now_out (when not
 * NULL) gets the clock reading it used, so that a caller comparing it with
 * elapsed time reads both at one instant (a host stalling QEMU between two
 * readings would otherwise count against one of them). */
uint64_t sched_cpu_total_ns(uint64_t *now_out);

#endif
