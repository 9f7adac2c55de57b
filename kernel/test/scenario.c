/*
 * Scenario domains: a manifest entry carrying the word "scenario" among
 * its ARGs (user/test/manifest.txt). The test kernel runs its entry
 * export, () -> i32, on a thread of its own; it prints "scenario NAME: ok"
 * or "scenario NAME: FAILED: reason" itself and returns 0 when it passed.
 * A trap or a missing entry is reported here in the same form.
 */
#include <arch/timer.h>
#include <kern/domain.h>
#include <kern/kernel.h>
#include <kern/sched.h>

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

/* Runs d's entry on a thread of its own and waits up to wait_ms: 0 when
 * it passed, 1 when it failed, -1 when it is still running. */
static int run_one(domain_t *d, uint64_t wait_ms)
{
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
