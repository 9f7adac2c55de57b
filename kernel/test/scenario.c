/*
 * Scenario domains: a manifest entry carrying the word "scenario" among
 * its ARGs (user/test/manifest.txt). The test kernel runs its entry
 * export, () -> i32, on a thread of its own; it prints "scenario NAME: ok"
 * or "scenario NAME: FAILED: reason" itself and returns 0 when it passed.
 * A trap or a missing entry is reported here in the same form.
 *
 * A scenario with the ARG word "killvblk" (fskill) runs beside a kernel
 * thread that kills the block driver domain vblk whenever a request is in
 * flight in it (a call running in it), then restarts it: twice, from a
 * thread other than the one the request runs on, as `kill vblk` typed at
 * a shell would.
 */
#include <arch/timer.h>
#include <kern/domain.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/supervise.h>

#include "core.h"
#include "ktest.h"

#define MS 1000000ull
#define SCENARIO_STACK (256u * 1024u)
#define SCENARIO_WAIT_MS 20000

typedef struct scenario_run {
    domain_t *d;
    volatile bool done;
    volatile bool failed;
} scenario_run_t;

static void scenario_thread(void *arg)
{
    scenario_run_t *s = arg;
    char tag[DOMAIN_NAME_MAX + 32];
    uint64_t res = 0;
    size_t n = strlen(s->d->name);
    memcpy(tag, "scenario ", 9);
    memcpy(tag + 9, s->d->name, n);
    memcpy(tag + 9 + n, ": FAILED", 9);
    s->failed = loader_run_entry(s->d, tag, &res) != 0 || (uint32_t)res != 0;
    s->done = true;
    thread_exit();
}

#define KILLS 2

typedef struct killer {
    domain_t *victim;
    volatile bool stop, done;
    int kills, in_flight;
} killer_t;

/* Kills k->victim with a call running in it once CALLS_BEFORE calls have
 * gone through it since the start (or its restart), so the kill lands in
 * the client's write loop, not in its set-up. */
#define CALLS_BEFORE 24

static void killer_thread(void *arg)
{
    killer_t *k = arg;
    domain_t *v = k->victim;
    uint64_t from = v->calls;
    while (k->kills < KILLS && !k->stop) {
        if (v->state != DOMAIN_READY || !v->active || v->calls - from < CALLS_BEFORE) {
            sched_sleep_ns(MS / 4);
            continue;
        }
        k->in_flight++;     /* a call is running in it: a request in flight */
        domain_kill(v);
        k->kills++;
        sched_sleep_ns(150 * MS);
        /* Accepted once the interrupted call has left it. */
        for (int i = 0; i < 1000 && !domain_restart(v); i++)
            sched_sleep_ns(2 * MS);
        from = v->calls;
    }
    k->done = true;
    thread_exit();
}

/* Runs d's entry on a thread of its own and waits up to wait_ms: 0 when
 * it passed, 1 when it failed, -1 when it is still running. */
static int run_one(domain_t *d, uint64_t wait_ms)
{
    static killer_t kill;
    kill = (killer_t){0};
    kill.done = true;
    if (str_has_word(d->args, "killvblk")) {
        kill.victim = domain_find(d->sys, "vblk");
        kill.done = false;
        if (!kill.victim || !thread_create(NULL, "killer", SCHED_PRIOS - 1, killer_thread, &kill, 16384)) {
            kprintf("scenario %s: FAILED: no block driver to kill, or no thread\n", d->name);
            return 1;
        }
    }
    if (d->state != DOMAIN_READY) {
        kprintf("scenario %s: FAILED: the domain did not load\n", d->name);
        return 1;
    }
    static scenario_run_t run;
    run = (scenario_run_t){d, false, false};
    if (!thread_create(d, d->name, d->prio, scenario_thread, &run, SCENARIO_STACK)) {
        kprintf("scenario %s: FAILED: no thread\n", d->name);
        return 1;
    }
    uint64_t end = timer_now_ns() + wait_ms * MS;
    while (!run.done && timer_now_ns() < end)
        sched_sleep_ns(2 * MS);
    kill.stop = true;
    while (!kill.done)
        sched_sleep_ns(2 * MS);
    if (kill.victim)
        kprintf("scenario %s: vblk killed %d time(s) with a request in flight\n", d->name,
                kill.in_flight);
    if (!run.done) {
        /* Its thread is stuck; the run record must outlive it. */
        kprintf("scenario %s: FAILED: still running after %d ms\n", d->name, (int)wait_ms);
        return -1;
    }
    return run.failed;
}

int scenario_run(void)
{
    int failed = 0;
    domsys_t *sys = loader_domsys();
    if (!sys)
        return 0;
    for (domain_t *d = sys->list; d; d = d->next) {
        if (!str_has_word(d->args, "scenario"))
            continue;
        int r = run_one(d, SCENARIO_WAIT_MS);
        if (r < 0)
            return failed + 1;
        failed += r;
    }
    return failed;
}

int scenario_run_named(const char *name, uint64_t wait_ms)
{
    domsys_t *sys = loader_domsys();
    domain_t *d = sys ? domain_find(sys, name) : NULL;
    if (!d) {
        kprintf("scenario %s: FAILED: no such domain\n", name);
        return 1;
    }
    return run_one(d, wait_ms) != 0;
}
