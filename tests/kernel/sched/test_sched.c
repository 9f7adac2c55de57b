/*
 * The scheduler (kernel/core/sched.c) on a fake clock (shim.c): priorities
 * and round robin, preemption at a safe point when a higher priority thread
 * is woken (wake latency zero) or a sleeper's deadline comes (the one-shot
 * timer: latency one safe point, not the next tick), sleep order, wait queues (FIFO, deadlines), CPU time charged to
 * domains, and every thread's stack and struct freed after it exits. The
 * test runs on the boot thread (priority 16); the threads it starts have
 * lower priorities, so they run when it blocks in sched_join_wait.
 */
#include "schedtest.h"

#include <arch/cpu.h>
#include <kern/tickdue.h>

#include "unit.h"
#include "kshim.h"

#define MS SCHED_TEST_MS
#define US (SCHED_TEST_MS / 1000)

static char trace[1024];
static int ntrace;
static sched_join_t join;

static void note(char c)
{
    if (ntrace < (int)sizeof trace - 1)
        trace[ntrace++] = c;
    trace[ntrace] = 0;
}

static void reset(void)
{
    sched_init();
    ntrace = 0;
    trace[0] = 0;
    join.done = 0;
}

/* A thread "running Wasm": n quanta of work, a safe point after each. */
typedef struct guest {
    char id;
    bool wake_first;         /* wake before attaching the exec (kernel code) */
    int n, wake_at;
    uint64_t quantum;
    waitq_t *wake;           /* woken (wake_one) after quantum wake_at */
    uint64_t woke_at;        /* the fake time of that wake */
} guest_t;

static void guest(void *p)
{
    guest_t *g = p;
    if (g->wake_first) {
        g->woke_at = sched_test_now;
        waitq_wake_one(g->wake);
    }
    wasm_exec_t *ex = sched_test_exec_new();
    thread_set_exec(thread_current(), ex);
    for (int i = 0; i < g->n; i++) {
        sched_test_work(g->quantum);
        note(g->id);
        if (i + 1 == g->wake_at) {
            g->woke_at = sched_test_now;
            waitq_wake_one(g->wake);
        }
        if (sched_test_safepoint(ex) != WASM_OK)
            note('!');
    }
    thread_set_exec(thread_current(), NULL);
    sched_test_exec_free(ex);
    sched_join_signal(&join);
}

/* A kernel thread that waits on q (deadline 0: none), then notes id. */
typedef struct waiter {
    char id;
    waitq_t *q;
    uint64_t deadline, ran_at;
    bool woken;
} waiter_t;

static void waiter(void *p)
{
    waiter_t *w = p;
    bool on = cpu_irq_save();
    (void)on;
    w->woken = waitq_wait(w->q, w->deadline);
    w->ran_at = sched_test_now;
    note(w->id);
    sched_join_signal(&join);
}

/* A kernel thread that sleeps ns, then notes id. */
typedef struct sleeper {
    char id;
    uint64_t ns, deadline, ran_at;
} sleeper_t;

static void sleeper(void *p)
{
    sleeper_t *s = p;
    s->deadline = sched_test_now + s->ns;
    sched_sleep_ns(s->ns);
    s->ran_at = sched_test_now;
    note(s->id);
    sched_join_signal(&join);
}

static int count(const char *s, char c)
{
    int n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

TEST(sched_priority_round_robin)
{
    reset();
    guest_t a = {.id = 'A', .n = 30, .quantum = MS}, b = {.id = 'B', .n = 30, .quantum = MS};
    guest_t c = {.id = 'C', .n = 3, .quantum = MS};
    CHECK(thread_create(NULL, "c", 3, guest, &c, 0));
    CHECK(thread_create(NULL, "a", 5, guest, &a, 0));
    CHECK(thread_create(NULL, "b", 5, guest, &b, 0));
    CHECK(sched_join_wait(&join, 3, 0));
    CHECK_EQ(count(trace, 'A'), 30);
    CHECK_EQ(count(trace, 'B'), 30);
    CHECK(strcmp(trace + 60, "CCC") == 0);       /* the lower priority waits for both */
    /* round robin: runs of one 10 ms slice (11 quanta when the slice started
     * between ticks), alternating */
    int runs = 0;
    for (int i = 0; i < 60;) {
        int j = i;
        while (j < 60 && trace[j] == trace[i])
            j++;
        CHECK_EQ(trace[i], runs % 2 ? 'B' : 'A');
        CHECK(j == 60 || (j - i >= 10 && j - i <= 11));
        runs++;
        i = j;
    }
    CHECK(runs >= 5);
    CHECK(!strchr(trace, '!'));
}

TEST(sched_wake_preempts_lower_priority)
{
    reset();
    waitq_t q = {0};
    waiter_t h = {.id = 'H', .q = &q};
    guest_t l = {.id = 'l', .n = 20, .quantum = 100 * US, .wake_at = 5, .wake = &q};
    CHECK(thread_create(NULL, "h", 8, waiter, &h, 0));
    CHECK(thread_create(NULL, "l", 4, guest, &l, 0));
    CHECK(sched_join_wait(&join, 2, 0));
    CHECK(h.woken);
    /* H ran at l's first safe point after the wake, not at the next tick */
    CHECK(strncmp(trace, "lllllH", 6) == 0);
    CHECK_EQ(h.ran_at - l.woke_at, 0);          /* the wake latency */
    CHECK_EQ(count(trace, 'l'), 20);
}

/* The ports' deadline logic (kern/tickdue.h). */
TEST(tick_deadlines)
{
    tick_deadlines_t t = TICK_DEADLINES_OFF;
    CHECK_EQ(tick_nearest(&t), UINT64_MAX);
    CHECK(!tick_oneshot(&t, 50));               /* no tick: no scheduler to wake */
    CHECK_EQ(t.oneshot, UINT64_MAX);
    tick_start(&t, 1000, 100);
    CHECK_EQ(tick_nearest(&t), 1100);
    CHECK(!tick_due(&t, 1099, 0));
    CHECK(tick_due(&t, 1090, 10));              /* within `early` of its time */
    CHECK_EQ(t.next, 1200);
    CHECK(tick_due(&t, 1205, 0));
    CHECK_EQ(t.next, 1300);                     /* fixed multiples: no drift */
    CHECK(tick_due(&t, 1750, 0));
    CHECK_EQ(t.next, 1850);                     /* fell behind: skipped, no burst */
    CHECK(!tick_due(&t, 1751, 0));
    CHECK(tick_oneshot(&t, 1800));              /* nearer: set the hardware again */
    CHECK_EQ(tick_nearest(&t), 1800);
    CHECK(!tick_oneshot(&t, 1820));             /* later than the pending one */
    CHECK_EQ(t.oneshot, 1800);
    CHECK(!tick_due(&t, 1799, 0));
    CHECK(tick_due(&t, 1800, 0));               /* the one-shot */
    CHECK_EQ(t.oneshot, UINT64_MAX);
    CHECK_EQ(t.next, 1850);
    CHECK(!tick_oneshot(&t, 1900));             /* after the next tick: nothing to set */
    CHECK_EQ(t.oneshot, 1900);
    CHECK_EQ(tick_nearest(&t), 1850);
    tick_start(&t, 0, 0);
    CHECK_EQ(tick_nearest(&t), UINT64_MAX);
    CHECK(!tick_due(&t, 5000, 0));
}

/* thread_cancel_wait ends a wait without a deadline and a long sleep at
 * once, as a timeout would (the supervisor's kill of a blocked run). */
TEST(sched_cancel_wait)
{
    reset();
    waitq_t q = {0};
    waiter_t w = {.id = 'W', .q = &q};
    sleeper_t z = {.id = 'Z', .ns = 10000 * MS};
    thread_t *tw = thread_create(NULL, "w", 8, waiter, &w, 0);
    thread_t *tz = thread_create(NULL, "z", 8, sleeper, &z, 0);
    CHECK(tw && tz);
    sched_sleep_ns(MS);                         /* both block */
    CHECK_EQ(thread_state(tw), THREAD_BLOCKED);
    CHECK_EQ(thread_state(tz), THREAD_SLEEPING);
    CHECK(!thread_cancel_wait(thread_current()));   /* not waiting */
    uint64_t at = sched_test_now;
    CHECK(thread_cancel_wait(tw));
    CHECK(thread_cancel_wait(tz));
    CHECK(!q.head && !q.tail);
    CHECK(sched_join_wait(&join, 2, 0));
    CHECK(!w.woken);                            /* as a timeout, not a wake */
    CHECK(w.ran_at - at <= MS && z.ran_at - at <= MS);
    CHECK(z.ran_at < z.deadline);
    CHECK_EQ(waitq_wake_one(&q), 0);
}

/* A higher-priority thread woken while the waker ran kernel code (nothing
 * to interrupt then) runs at the next tick once the waker is in Wasm. */
TEST(sched_tick_preempts_for_higher_priority)
{
    reset();
    waitq_t q = {0};
    waiter_t h = {.id = 'H', .q = &q};
    guest_t l = {.id = 'l', .n = 50, .quantum = 100 * US, .wake_first = true, .wake = &q};
    CHECK(thread_create(NULL, "h", 8, waiter, &h, 0));
    CHECK(thread_create(NULL, "l", 4, guest, &l, 0));
    CHECK(sched_join_wait(&join, 2, 0));
    CHECK(h.woken);
    CHECK(h.ran_at - l.woke_at <= MS);          /* one tick, not the whole 5 ms run */
    const char *at = strchr(trace, 'H');
    CHECK(at && at - trace <= 10);
}

TEST(sched_sleeper_wakes_at_its_deadline)
{
    reset();
    sleeper_t s = {.id = 'S', .ns = 2450 * US};
    guest_t l = {.id = 'l', .n = 50, .quantum = 100 * US};
    CHECK(thread_create(NULL, "s", 10, sleeper, &s, 0));
    CHECK(thread_create(NULL, "l", 4, guest, &l, 0));
    CHECK(sched_join_wait(&join, 2, 0));
    CHECK(s.ran_at >= s.deadline);
    /* The wake latency: the one-shot interrupt at the deadline (2.45 ms,
     * between two ticks), then the spinner's next safe point (one quantum),
     * not the next tick (550 us later). */
    CHECK(s.ran_at - s.deadline <= 100 * US);
    const char *at = strchr(trace, 'S');
    CHECK(at && at - trace >= 25 && at - trace <= 35);   /* it preempted the spinner */
}

TEST(sched_sleepers_wake_in_deadline_order)
{
    reset();
    sleeper_t a = {.id = 'a', .ns = 5 * MS}, b = {.id = 'b', .ns = 1 * MS},
              c = {.id = 'c', .ns = 3 * MS}, d = {.id = 'd', .ns = 3 * MS};
    uint64_t t0 = sched_test_now;
    CHECK(thread_create(NULL, "a", 10, sleeper, &a, 0));
    CHECK(thread_create(NULL, "b", 10, sleeper, &b, 0));
    CHECK(thread_create(NULL, "c", 10, sleeper, &c, 0));
    CHECK(thread_create(NULL, "d", 10, sleeper, &d, 0));
    CHECK(sched_join_wait(&join, 4, 0));
    CHECK(strcmp(trace, "bcda") == 0);
    CHECK(a.ran_at >= t0 + 5 * MS && a.ran_at <= t0 + 6 * MS);
    CHECK(b.ran_at >= t0 + 1 * MS && b.ran_at <= t0 + 2 * MS);
    /* idle: each wakes at its own deadline (the one-shot), off the ticks */
    sleeper_t e = {.id = 'e', .ns = 1300 * US}, f = {.id = 'f', .ns = 700 * US};
    CHECK(thread_create(NULL, "e", 10, sleeper, &e, 0));
    CHECK(thread_create(NULL, "f", 10, sleeper, &f, 0));
    CHECK(sched_join_wait(&join, 6, 0));
    CHECK(strcmp(trace, "bcdafe") == 0);
    CHECK_EQ(e.ran_at, e.deadline);
    CHECK_EQ(f.ran_at, f.deadline);
}

TEST(sched_waitq_fifo_and_deadline)
{
    reset();
    waitq_t q = {0}, q2 = {0};
    waiter_t w1 = {.id = '1', .q = &q}, w2 = {.id = '2', .q = &q}, w3 = {.id = '3', .q = &q};
    waiter_t t = {.id = 'T', .q = &q2, .deadline = sched_test_now + 5 * MS};
    CHECK(thread_create(NULL, "w1", 10, waiter, &w1, 0));
    CHECK(thread_create(NULL, "w2", 10, waiter, &w2, 0));
    CHECK(thread_create(NULL, "w3", 10, waiter, &w3, 0));
    CHECK(thread_create(NULL, "t", 10, waiter, &t, 0));
    sched_sleep_ns(MS / 2);                  /* all four block */
    CHECK_EQ(ntrace, 0);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(waitq_wake_one(&q), 1);
        sched_sleep_ns(MS / 2);
    }
    CHECK(strcmp(trace, "123") == 0);
    CHECK_EQ(waitq_wake_one(&q), 0);
    CHECK(sched_join_wait(&join, 4, 0));
    CHECK(strcmp(trace, "123T") == 0);
    CHECK(w1.woken && w2.woken && w3.woken);
    CHECK(!t.woken);                          /* timed out */
    CHECK_EQ(t.ran_at, t.deadline);           /* the one-shot at its deadline, idle */
    CHECK(!q2.head && !q2.tail);              /* and left its queue */
    CHECK_EQ(waitq_wake_one(&q2), 0);
    /* a deadline already past: false at once, no switch */
    uint64_t sw = sched_switches();
    bool on = cpu_irq_save();
    (void)on;
    CHECK(!waitq_wait(&q, sched_test_now));
    CHECK_EQ(sched_switches(), sw);
}

/* CPU time goes to the thread's domain at each switch. */
static uint64_t charged[2];
static char dom_tokens[2];

void domain_charge_cpu(struct domain *d, uint64_t ns)
{
    for (int i = 0; i < 2; i++)
        if ((void *)d == (void *)&dom_tokens[i])
            charged[i] += ns;
}

TEST(sched_cpu_time_charged_and_threads_freed)
{
    reset();
    sched_sleep_ns(2 * MS);     /* the idle loop frees the earlier tests' threads */
    sched_sleep_ns(2 * MS);
    long live = kshim_live(), stacks = sched_test_stacks;
    charged[0] = charged[1] = 0;
    guest_t a = {.id = 'a', .n = 7, .quantum = MS}, b = {.id = 'b', .n = 3, .quantum = MS};
    struct domain *da = (struct domain *)(void *)&dom_tokens[0];
    struct domain *db = (struct domain *)(void *)&dom_tokens[1];
    CHECK(thread_create(da, "a", 5, guest, &a, 0));
    CHECK(thread_create(db, "b", 5, guest, &b, 0));
    CHECK(kshim_live() == live + 2 && sched_test_stacks == stacks + 2);
    uint64_t idle0 = sched_idle_ns();
    CHECK(sched_join_wait(&join, 2, 0));
    CHECK_EQ(charged[0], 7 * MS);
    CHECK_EQ(charged[1], 3 * MS);
    CHECK_EQ(sched_idle_ns(), idle0);           /* never idle: always one ready */
    /* dead threads are freed by the next thread_create or the idle loop */
    sched_sleep_ns(2 * MS);
    CHECK(sched_idle_ns() - idle0 >= MS);
    CHECK_EQ(kshim_live(), live);
    CHECK_EQ(sched_test_stacks, stacks);
}
