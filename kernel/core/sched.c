/*
 * Threads and the scheduler: fixed priorities, round robin within one.
 *
 * Data structures (all touched only with interrupts disabled; one CPU):
 *  - ready[p]: FIFO of READY threads of priority p, linked through next;
 *    bit p of ready_mask is set iff ready[p] is non-empty. The running
 *    thread and the idle thread are never on a ready queue.
 *  - a waitq_t: FIFO of BLOCKED threads, linked through next; a blocked
 *    thread's wq names the queue it is on.
 *  - sleepers: SLEEPING threads and BLOCKED threads with a deadline, sorted
 *    by deadline, linked through snext; on_sleep says a thread is on it.
 *  - zombies: DEAD threads whose stack and struct are freed later by
 *    another thread (reap), since a thread cannot free the stack it is on.
 *
 * The tick (interrupt context) never switches: it wakes sleepers whose
 * deadline passed and, when the running thread should give way (a higher
 * priority is ready, or its slice is used up and its own priority has
 * another ready thread), sets need_resched and, if the thread runs Wasm,
 * the exec's interrupt flag, so the engine calls our safe-point hook,
 * which yields. Kernel code switches only in yield, sleep, wait and exit.
 *
 * CPU time: at every switch the outgoing thread is charged for the time
 * since the last switch (interrupt handlers are charged to whoever they
 * interrupted); the idle threads' time is the idle time.
 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <wasm/wasm.h>

#include "core.h"

#define SCHED_TICK_NS 1000000ull            /* 1 ms */
#define SCHED_STACK_DEFAULT (32u * 1024u)
#define THREAD_NAME_LEN 24

struct thread {
    uintptr_t sp;                 /* saved context while not running */
    thread_t *next;               /* ready queue or wait queue link */
    thread_t *snext;              /* sleepers link */
    waitq_t *wq;                  /* the queue it is blocked on */
    uint64_t deadline;            /* on sleepers: when to wake */
    uint64_t cpu_ns;              /* charged so far (not counting now) */
    uint64_t slice_start;         /* when it last got the CPU */
    uintptr_t stack_lo, stack_hi; /* kernel stack bounds (for the engine) */
    size_t stack_size;            /* 0: not ours to free (thread 0) */
    struct domain *dom;
    struct wasm_exec *ex;
    void (*fn)(void *);
    void *arg;
    int prio;
    thread_state_t state;
    bool on_sleep, woken, is_idle;
    volatile bool preempt;        /* the tick asked ex to stop at a safe point */
    char name[THREAD_NAME_LEN];
};

static struct {
    bool up;
    thread_t *cur, *idle, *zombies, *sleepers;
    thread_t *ready_head[SCHED_PRIOS], *ready_tail[SCHED_PRIOS];
    uint32_t ready_mask;
    volatile bool need_resched;
    uint64_t run_start;           /* when cur got the CPU */
    uint64_t switches, idle_ns;
    uint64_t charged_ns;          /* charged to every thread, idle included */
} S;

/* ------------------------------------------------------------ queues */

static int highest_ready(void)
{
    return S.ready_mask ? 31 - __builtin_clz(S.ready_mask) : -1;
}

static void ready_push(thread_t *t)
{
    t->next = NULL;
    if (S.ready_tail[t->prio])
        S.ready_tail[t->prio]->next = t;
    else
        S.ready_head[t->prio] = t;
    S.ready_tail[t->prio] = t;
    S.ready_mask |= 1u << t->prio;
}

static thread_t *ready_pop(void)
{
    int p = highest_ready();
    if (p < 0)
        return NULL;
    thread_t *t = S.ready_head[p];
    S.ready_head[p] = t->next;
    if (!t->next) {
        S.ready_tail[p] = NULL;
        S.ready_mask &= ~(1u << p);
    }
    t->next = NULL;
    return t;
}

static void waitq_push(waitq_t *q, thread_t *t)
{
    t->next = NULL;
    if (q->tail)
        q->tail->next = t;
    else
        q->head = t;
    q->tail = t;
    t->wq = q;
}

static void waitq_remove(waitq_t *q, thread_t *t)
{
    thread_t *prev = NULL;
    for (thread_t *p = q->head; p; prev = p, p = p->next) {
        if (p != t)
            continue;
        if (prev)
            prev->next = t->next;
        else
            q->head = t->next;
        if (q->tail == t)
            q->tail = prev;
        break;
    }
    t->next = NULL;
    t->wq = NULL;
}

/* A sleeper wakes at its deadline, not at the next tick: the port raises
 * one timer interrupt at the earliest sleeper's deadline besides the
 * periodic tick (timer_set_oneshot), so a lease ends, and a thread
 * sleeping 300 us wakes, within an interrupt's and a switch's time. */
static void sleep_insert(thread_t *t, uint64_t deadline)
{
    thread_t **pp = &S.sleepers;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->snext;
    t->deadline = deadline;
    t->snext = *pp;
    *pp = t;
    t->on_sleep = true;
    if (S.sleepers == t)
        timer_set_oneshot(deadline);
}

static void sleep_remove(thread_t *t)
{
    for (thread_t **pp = &S.sleepers; *pp; pp = &(*pp)->snext)
        if (*pp == t) {
            *pp = t->snext;
            break;
        }
    t->snext = NULL;
    t->on_sleep = false;
}

/* ------------------------------------------------------------ switching */

/* Asks the running thread to give way at its next yield point or, when
 * it runs Wasm, at the engine's next safe point. Interrupts off. */
static void request_resched(void)
{
    thread_t *c = S.cur;
    S.need_resched = true;
    if (c->ex && !c->is_idle) {
        c->preempt = true;
        wasm_exec_interrupt(c->ex);
    }
}

/* Makes t READY; asks for a switch if it outranks the running thread.
 * Interrupts off. */
static void make_ready(thread_t *t)
{
    t->state = THREAD_READY;
    ready_push(t);
    if (S.cur->is_idle || t->prio > S.cur->prio)
        request_resched();
}

static void charge(thread_t *t, uint64_t ns)
{
    t->cpu_ns += ns;
    S.charged_ns += ns;
    if (t->is_idle)
        S.idle_ns += ns;
    else if (t->dom && domain_charge_cpu)
        domain_charge_cpu(t->dom, ns);
}

/* Gives the CPU to the best ready thread (or idle). The caller has set
 * cur's state and, if it stays runnable, queued it. Interrupts off; they
 * are still off when this returns in the same thread, later. */
static void schedule(void)
{
    thread_t *prev = S.cur, *next = ready_pop();
    if (!next)
        next = prev->state == THREAD_RUNNING ? prev : S.idle;
    S.need_resched = false;
    uint64_t now = timer_now_ns();
    if (next == prev) {
        prev->state = THREAD_RUNNING;
        return;
    }
    if (prev->preempt) {
        /* Our request, not someone else's interrupt: take it back. */
        prev->preempt = false;
        wasm_exec_clear_interrupt(prev->ex);
    }
    charge(prev, now - S.run_start);
    S.run_start = now;
    next->state = THREAD_RUNNING;
    next->slice_start = now;
    S.cur = next;
    S.switches++;
    kstack_current(&prev->stack_lo, &prev->stack_hi);
    kstack_set_current(next->stack_lo, next->stack_hi);
    arch_context_switch(&prev->sp, next->sp);
}

/* ------------------------------------------------------------ threads */

/* Frees dead threads; called from thread context, never by a zombie. */
static void reap(void)
{
    for (;;) {
        bool on = cpu_irq_save();
        thread_t *t = S.zombies;
        if (t)
            S.zombies = t->next;
        cpu_irq_restore(on);
        if (!t)
            return;
        if (t->stack_size)
            vm_release((void *)t->stack_lo, t->stack_size);
        kfree(t);
    }
}

/* Every thread starts here (arch_context_init's entry), interrupts on. */
static void thread_start(void *arg)
{
    thread_t *t = arg;
    t->fn(t->arg);
    thread_exit();
}

static thread_t *thread_alloc(struct domain *d, const char *name, int prio)
{
    thread_t *t = kmalloc(sizeof *t);
    if (!t)
        return NULL;
    size_t i = 0;
    for (; name && name[i] && i < THREAD_NAME_LEN - 1; i++)
        t->name[i] = name[i];
    t->name[i] = 0;
    t->dom = d;
    t->prio = prio < 0 ? 0 : prio >= SCHED_PRIOS ? SCHED_PRIOS - 1 : prio;
    return t;
}

/* A thread with its own stack, ready to run fn(arg), not yet queued. */
static thread_t *thread_new(struct domain *d, const char *name, int prio,
                            void (*fn)(void *), void *arg, size_t stack_size)
{
    thread_t *t = thread_alloc(d, name, prio);
    if (!t)
        return NULL;
    stack_size = ALIGN_UP(stack_size ? stack_size : SCHED_STACK_DEFAULT, PAGE_SIZE);
    uint8_t *top = kstack_alloc(stack_size);
    if (!top) {
        kfree(t);
        return NULL;
    }
    t->stack_size = stack_size;
    t->stack_hi = (uintptr_t)top;
    t->stack_lo = t->stack_hi - stack_size;
    t->fn = fn;
    t->arg = arg;
    arch_context_init(&t->sp, t->stack_hi, thread_start, t);
    return t;
}

thread_t *thread_create(struct domain *d, const char *name, int prio,
                        void (*fn)(void *), void *arg, size_t stack_size)
{
    if (!S.up)
        sched_init();
    reap();
    thread_t *t = thread_new(d, name, prio, fn, arg, stack_size);
    if (!t)
        return NULL;
    bool on = cpu_irq_save();
    make_ready(t);
    cpu_irq_restore(on);
    return t;
}

void thread_exit(void)
{
    cpu_irq_save();
    thread_t *t = S.cur;
    if (t->is_idle)
        panic("thread_exit: the idle thread cannot exit");
    if (t->ex)
        wasm_exec_set_safepoint_hook(t->ex, NULL, NULL);
    t->state = THREAD_DEAD;
    t->next = S.zombies;
    S.zombies = t;
    schedule();
    panic("thread_exit: a dead thread ran again");
}

thread_t *thread_current(void) { return S.cur; }
const char *thread_name(const thread_t *t) { return t->name; }
struct domain *thread_domain(const thread_t *t) { return t->dom; }
thread_state_t thread_state(const thread_t *t) { return t->state; }

uint64_t thread_cpu_ns(const thread_t *t)
{
    bool on = cpu_irq_save();
    uint64_t ns = t->cpu_ns;
    if (t == S.cur)
        ns += timer_now_ns() - S.run_start;
    cpu_irq_restore(on);
    return ns;
}

/* The engine's safe-point hook: yields when the tick asked for it; any
 * other interrupt (somebody stopping the exec) traps as usual. */
static wasm_trap_kind_t sched_safepoint(wasm_exec_t *ex, void *user)
{
    thread_t *t = user;
    if (!t->preempt)
        return WASM_TRAP_INTERRUPTED;
    /* The interrupt may also be a kill of the call ex runs: yielding would
     * clear it and resume the call. */
    if (ipc_exec_killed && ipc_exec_killed(t->dom, ex))
        return WASM_TRAP_HOST;
    bool on = cpu_irq_save();
    t->preempt = false;
    wasm_exec_clear_interrupt(ex);
    cpu_irq_restore(on);
    sched_yield();
    return WASM_OK;
}

void thread_set_exec(thread_t *t, struct wasm_exec *ex)
{
    bool on = cpu_irq_save();
    if (t->ex && t->ex != ex)
        wasm_exec_set_safepoint_hook(t->ex, NULL, NULL);
    t->ex = ex;
    t->preempt = false;
    if (ex)
        wasm_exec_set_safepoint_hook(ex, sched_safepoint, t);
    cpu_irq_restore(on);
}

/* ------------------------------------------------------------ blocking */

void sched_yield(void)
{
    bool on = cpu_irq_save();
    thread_t *c = S.cur;
    if (S.up && !c->is_idle) {
        c->state = THREAD_READY;
        ready_push(c);
        schedule();
    }
    cpu_irq_restore(on);
}

void sched_sleep_until(uint64_t deadline_ns)
{
    bool on = cpu_irq_save();
    if (S.up && S.cur->is_idle)
        panic("sched_sleep_until: the idle thread cannot sleep");
    if (S.up && timer_now_ns() < deadline_ns) {
        S.cur->state = THREAD_SLEEPING;
        sleep_insert(S.cur, deadline_ns);
        schedule();
    }
    cpu_irq_restore(on);
}

void sched_sleep_ns(uint64_t ns)
{
    sched_sleep_until(timer_now_ns() + ns);
}

/* Interrupts are off on entry (the caller checked its condition under
 * them) and on when we return: the thread blocked, other threads ran with
 * interrupts on, and the caller re-checks its condition anyway. */
bool waitq_wait(waitq_t *q, uint64_t deadline_ns)
{
    thread_t *c = S.cur;
    if (!c || (deadline_ns && timer_now_ns() >= deadline_ns)) {
        cpu_irq_enable();
        return false;
    }
    if (c->is_idle)
        panic("waitq_wait: the idle thread cannot block");
    c->state = THREAD_BLOCKED;
    c->woken = false;
    waitq_push(q, c);
    if (deadline_ns)
        sleep_insert(c, deadline_ns);
    schedule();
    bool woken = c->woken;
    cpu_irq_enable();
    return woken;
}

/* Moves q's first waiter to its ready queue; interrupts off. */
static bool wake_first(waitq_t *q)
{
    thread_t *t = q->head;
    if (!t)
        return false;
    waitq_remove(q, t);
    if (t->on_sleep)
        sleep_remove(t);
    t->woken = true;
    make_ready(t);
    return true;
}

bool thread_cancel_wait(thread_t *t)
{
    bool on = cpu_irq_save();
    bool waiting = t && (t->state == THREAD_BLOCKED || t->state == THREAD_SLEEPING) &&
                   (t->wq || t->on_sleep);
    if (waiting) {
        waitq_t *q = t->wq;
        if (q)
            waitq_remove(q, t);
        if (t->on_sleep)
            sleep_remove(t);
        t->woken = false;
        make_ready(t);
    }
    cpu_irq_restore(on);
    return waiting;
}

int waitq_wake_one(waitq_t *q)
{
    bool on = cpu_irq_save();
    int n = wake_first(q);
    cpu_irq_restore(on);
    return n;
}

int waitq_wake_all(waitq_t *q)
{
    bool on = cpu_irq_save();
    int n = 0;
    while (wake_first(q))
        n++;
    cpu_irq_restore(on);
    return n;
}

/* ------------------------------------------------------------ the tick */

/* Wakes every sleeper whose deadline has passed (a timed-out waiter also
 * leaves its queue, with woken false). Interrupts off. */
static void wake_sleepers(uint64_t now)
{
    while (S.sleepers && S.sleepers->deadline <= now) {
        thread_t *t = S.sleepers;
        sleep_remove(t);
        if (t->wq)
            waitq_remove(t->wq, t);
        make_ready(t);
    }
}

void sched_tick(uint64_t now_ns)
{
    if (!S.up)
        return;
    wake_sleepers(now_ns);
    if (S.sleepers)
        timer_set_oneshot(S.sleepers->deadline);   /* the next one, exactly */
    thread_t *c = S.cur;
    if (c->is_idle)
        return;            /* the idle loop looks at ready_mask itself */
    bool higher = highest_ready() > c->prio;
    bool expired = now_ns - c->slice_start >= SCHED_SLICE_NS &&
                   (S.ready_mask & (1u << c->prio));
    if (higher || expired)
        request_resched();
}

/* ------------------------------------------------------------ idle, init */

/* Halts until something is ready, then lets it run; frees dead threads
 * in between. Runs on an idle thread (never on a ready queue). */
__attribute__((noreturn)) static void idle_loop(void)
{
    for (;;) {
        cpu_irq_disable();
        if (!S.ready_mask) {
            /* cpu_idle enables interrupts and waits: the tick that makes
             * a thread ready is taken inside it. */
            cpu_idle();
            cpu_irq_disable();
        }
        if (S.ready_mask)
            schedule();
        cpu_irq_enable();
        reap();
    }
}

static void idle_entry(void *arg)
{
    (void)arg;
    idle_loop();
}

void sched_init(void)
{
    if (S.up)
        return;
    thread_t *t0 = thread_alloc(NULL, "boot", SCHED_PRIOS / 2);
    thread_t *idle = thread_new(NULL, "idle", 0, idle_entry, NULL, 0);
    if (!t0 || !idle)
        panic("sched_init: out of memory");
    idle->is_idle = true;
    idle->state = THREAD_READY;
    t0->state = THREAD_RUNNING;
    kstack_current(&t0->stack_lo, &t0->stack_hi);
    bool on = cpu_irq_save();
    S.cur = t0;
    S.idle = idle;
    S.run_start = t0->slice_start = timer_now_ns();
    S.up = true;
    cpu_irq_restore(on);
    timer_set_periodic(SCHED_TICK_NS);
}

void sched_run_idle(void)
{
    if (!S.up)
        sched_init();
    cpu_irq_disable();
    /* The boot thread takes the idle thread's place; the one sched_init
     * made is never switched to again. */
    uint64_t now = timer_now_ns();
    charge(S.cur, now - S.run_start);
    S.run_start = now;
    S.cur->is_idle = true;
    S.idle = S.cur;
    idle_loop();
}

uint64_t sched_switches(void)
{
    return S.switches;
}

uint64_t sched_cpu_total_ns(uint64_t *now_out)
{
    bool on = cpu_irq_save();
    uint64_t now = timer_now_ns(), ns = S.charged_ns;
    if (S.up)
        ns += now - S.run_start;
    cpu_irq_restore(on);
    if (now_out)
        *now_out = now;
    return ns;
}

uint64_t sched_idle_ns(void)
{
    bool on = cpu_irq_save();
    uint64_t ns = S.idle_ns;
    if (S.up && S.cur->is_idle)
        ns += timer_now_ns() - S.run_start;
    cpu_irq_restore(on);
    return ns;
}
