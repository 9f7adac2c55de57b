/*
 * Hostile modules (docs/hostile.md), run by the test-mode kernel on every
 * port and on the hosted port: the domains of the boot image's
 * hostile/manifest.txt (user/test/hostile/) in a domain system of
 * their own. "svc" is the neighbour; a prober thread calls its svc.echo
 * every PROBE_EVERY and checks each answer. Every other domain is one
 * hostile case: its entry runs on a thread of its own with a CPU budget
 * (fuel) while the prober keeps calling svc. Its manifest words say what
 * must happen:
 *    expect=KIND   the trap kind that must stop it (wasm_trap_kind_t, as
 *                  in expect_names), "ok" (it returns 0: every abuse was
 *                  refused), or "invalid" (rejected at load, in one line)
 *    fuel=N        its budget in safe points (default DEFAULT_FUEL)
 *    kill=MS       no budget: it runs as the domain's entry and the
 *                  harness kills the domain (domain_kill, the dom_kill
 *                  path) after MS ms; its tier must be the runtime's
 *                  default (compiled where the port has one)
 *    blocked=1     with kill=: its thread must be blocked in a host call
 *                  (a wait nothing ends) when the kill comes, and the kill
 *                  must still stop it (thread_cancel_wait)
 * A case is contained when the expected outcome happened, the kernel did
 * not panic, and every probe during it was answered correctly (at least
 * MIN_PROBES of them). Each prints "hostile NAME: contained (...)" or
 * "hostile NAME: FAILED: reason"; hostile_run returns the number failed.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/supervise.h>
#include <kern/sysctl.h>
#include <wasm/wasm.h>

#include "core.h"
#include "ktest.h"

#define MS 1000000ull
#define PRIO_DRIVER (SCHED_PRIOS - 3)
#define PRIO_PROBER (SCHED_PRIOS - 5)
#define PRIO_HOSTILE 8
#define HOSTILE_STACK (128u * 1024u)    /* the engine wants 64 KiB of margin */
#define PROBE_EVERY (2 * MS)
#define PROBE_TIMEOUT (200 * MS)
#define MIN_PROBES 3
#define CASE_WALL (3000 * MS)           /* its budget must stop it well before */
#define DEFAULT_FUEL 200000u
#define EXPECT_INVALID (-1)

static const struct { const char *name; int kind; } expect_names[] = {
    {"ok", WASM_OK},
    {"unreachable", WASM_TRAP_UNREACHABLE},
    {"oob_memory", WASM_TRAP_OOB_MEMORY},
    {"oob_table", WASM_TRAP_OOB_TABLE},
    {"int_overflow", WASM_TRAP_INT_OVERFLOW},
    {"div_zero", WASM_TRAP_DIV_ZERO},
    {"invalid_conversion", WASM_TRAP_INVALID_CONVERSION},
    {"indirect_mismatch", WASM_TRAP_INDIRECT_MISMATCH},
    {"uninitialized_elem", WASM_TRAP_UNINITIALIZED_ELEM},
    {"null_ref", WASM_TRAP_NULL_REF},
    {"stack_exhausted", WASM_TRAP_STACK_EXHAUSTED},
    {"interrupted", WASM_TRAP_INTERRUPTED},
    {"out_of_fuel", WASM_TRAP_OUT_OF_FUEL},
    {"host", WASM_TRAP_HOST},
    {"invalid", EXPECT_INVALID},
};

/* ------------------------------------------------------------ the prober */

typedef struct prober {
    domain_t *svc;
    cap_handle_t h;                 /* svc.echo in svc's own table */
    sched_join_t join;
    volatile bool stop;
    volatile uint64_t seq, ok, failed, last_ok_ns, max_gap_ns;
    volatile int last_err;
} prober_t;

/* Calls svc.echo(seq, 7) every PROBE_EVERY: the answer must be seq*3+7. */
static void prober_thread(void *arg)
{
    prober_t *p = arg;
    wasm_exec_t *ex = wasm_exec_new(p->svc->sys->rt);
    while (ex && !p->stop) {
        sched_sleep_ns(PROBE_EVERY);
        uint64_t seq = ++p->seq, r = 0, a[4] = {seq, 7, 0, 0};
        int e = ipc_call(p->svc->caps, ex, p->h, a, PROBE_TIMEOUT, &r);
        uint64_t now = timer_now_ns();
        if (e == 0 && r == seq * 3 + 7) {
            if (now - p->last_ok_ns > p->max_gap_ns)
                p->max_gap_ns = now - p->last_ok_ns;
            p->last_ok_ns = now;
            p->ok++;
        } else {
            p->failed++;
            p->last_err = e ? e : 1;
        }
    }
    if (ex)
        wasm_exec_free(ex);
    else
        p->failed++, p->last_err = CAP_ENOMEM;
    sched_join_signal(&p->join);
    thread_exit();
}

/* ------------------------------------------------------------ one case */

typedef struct hcase {
    domain_t *d;
    wasm_exec_t *ex;
    wasm_func_t *f;
    thread_t *th;                   /* the thread running its entry */
    bool blocked;                   /* blocked=1: blocked in a host call when killed */
    sched_join_t join;
    wasm_trap_kind_t kind;
    uint64_t result;
    wasm_trap_t trap;
} hcase_t;

static void hostile_thread(void *arg)
{
    hcase_t *c = arg;
    uint64_t r[1] = {0};
    thread_set_exec(thread_current(), c->ex);
    c->kind = wasm_call(c->ex, c->f, NULL, r, &c->trap);
    thread_set_exec(thread_current(), NULL);
    c->result = r[0];
    sched_join_signal(&c->join);
    thread_exit();
}

/* The value of word "key=..." in args into out[cap] (empty if absent). */
static void arg_value(const char *args, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    out[0] = 0;
    for (const char *s = args; *s;) {
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - s) > kl && memcmp(s, key, kl) == 0 && s[kl] == '=') {
            size_t n = (size_t)(e - s) - kl - 1;
            n = n < cap - 1 ? n : cap - 1;
            memcpy(out, s + kl + 1, n);
            out[n] = 0;
            return;
        }
        s = *e ? e + 1 : e;
    }
}

static bool parse_expect(const char *args, int *kind)
{
    char w[32];
    arg_value(args, "expect", w, sizeof w);
    for (size_t i = 0; i < ARRAY_LEN(expect_names); i++)
        if (strlen(w) == strlen(expect_names[i].name) &&
            memcmp(w, expect_names[i].name, strlen(w)) == 0) {
            *kind = expect_names[i].kind;
            return true;
        }
    return false;
}

static uint64_t parse_num(const char *args, const char *key)
{
    char w[24];
    uint64_t v = 0;
    arg_value(args, key, w, sizeof w);
    for (const char *s = w; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

static uint64_t parse_fuel(const char *args)
{
    uint64_t v = parse_num(args, "fuel");
    return v ? v : DEFAULT_FUEL;
}

/* kill=MS: the spinning entry is stopped the way a supervisor stops one
 * (domain_kill: fuel 1, taken at its next safe point, which for compiled
 * code is a loop back-edge), after MS ms in which the prober must still
 * get answers (the spinner is preempted). */
static const char *kill_after(hcase_t *c, uint64_t kill_ms, uint64_t t0)
{
    domain_t *d = c->d;
    if (sched_join_wait(&c->join, 1, t0 + kill_ms * MS))
        return "it ended before it was killed";
    if (c->blocked && thread_state(c->th) != THREAD_BLOCKED)
        return "it was not blocked in a host call when killed";
    domain_kill(d);
    return NULL;
}

/* Runs c's entry on a thread of its own until it ends, its budget stops
 * it, or (a failure) the wall-clock backstop interrupts it. NULL, or why
 * it could not be run or did not stop. *ns gets its run time. */
static const char *run_thread(hcase_t *c, uint64_t fuel, uint64_t kill_ms, uint64_t *ns)
{
    domain_t *d = c->d;
    c->f = wasm_instance_func(d->inst, d->entry);
    if (!c->f)
        return "no such entry export";
    c->ex = wasm_exec_new(d->sys->rt);
    if (!c->ex)
        return "out of memory for an exec";
    wasm_exec_set_fuel(c->ex, kill_ms ? UINT64_MAX : fuel);
    if (kill_ms)
        d->sup.entry_ex = c->ex;     /* what domain_kill stops */
    uint64_t t0 = timer_now_ns();
    if (!(c->th = thread_create(d, d->name, PRIO_HOSTILE, hostile_thread, c, HOSTILE_STACK))) {
        d->sup.entry_ex = NULL;
        return "no thread";
    }
    if (kill_ms)
        d->sup.entry_thread = c->th;
    const char *why = kill_ms ? kill_after(c, kill_ms, t0) : NULL;
    bool done = sched_join_wait(&c->join, 1, t0 + CASE_WALL);
    d->sup.entry_ex = NULL;
    d->sup.entry_thread = NULL;
    if (why && done)
        return why;
    *ns = timer_now_ns() - t0;
    if (done)
        return NULL;
    /* Not stopped by its budget: interrupt it (the scheduler's hook may
     * swallow one request as a preemption, so repeat). */
    for (int i = 0; i < 100 && !done; i++) {
        wasm_exec_interrupt(c->ex);
        done = sched_join_wait(&c->join, 1, timer_now_ns() + 10 * MS);
    }
    return done ? "its budget did not stop it (interrupted after the wall-clock limit)"
                : "still running after the wall-clock limit and 100 interrupts";
}

/* Compares what happened with what the manifest expects: NULL or why not. */
static const char *judge(const hcase_t *c, int expect)
{
    if ((int)c->kind != expect)
        return "not the expected outcome";
    if (expect == WASM_OK && (uint32_t)c->result != 0)
        return "it returned non-zero: the numbered check of the module let an abuse through";
    return NULL;
}

/* Waits (sleeping) until the prober has answered n more probes. */
static void probe_window(prober_t *p, uint64_t ok0, uint64_t n)
{
    uint64_t end = timer_now_ns() + 1000 * MS;
    while (p->ok - ok0 < n && p->failed == 0 && timer_now_ns() < end)
        sched_sleep_ns(PROBE_EVERY);
}

static void report(const domain_t *d, const hcase_t *c, int expect, const char *bad,
                   const prober_t *p, uint64_t ok, uint64_t failed, uint64_t ns)
{
    const char *got = expect == EXPECT_INVALID ? "rejected at load"
                    : c ? wasm_trap_kind_name(c->kind) : "not run";
    if (bad) {
        kprintf("hostile %s: FAILED: %s (got %s, expected %s, result %llu; svc answered %llu "
                "probes, failed %llu, last error %s)\n", d->name, bad, got,
                expect == EXPECT_INVALID ? "invalid" : wasm_trap_kind_name((wasm_trap_kind_t)expect),
                c ? (unsigned long long)c->result : 0ull, (unsigned long long)ok,
                (unsigned long long)failed, failed ? ipc_strerror(p->last_err) : "none");
        if (c && c->kind != WASM_OK && c->trap.message[0])
            kprintf("hostile %s: trap detail: %s\n", d->name, c->trap.message);
        return;
    }
    kprintf("hostile %s: contained (%s after %llu us; svc answered %llu/%llu probes, "
            "longest gap %llu us)\n", d->name, got, (unsigned long long)(ns / 1000),
            (unsigned long long)ok, (unsigned long long)(ok + failed),
            (unsigned long long)(p->max_gap_ns / 1000));
}

/* One hostile domain, judged and reported; returns 1 if it failed, 2 if
 * its thread could not be stopped (then nothing may be freed). */
static int run_case(domain_t *d, prober_t *p)
{
    int expect;
    if (!parse_expect(d->args, &expect)) {
        kprintf("hostile %s: FAILED: no valid expect= word in its manifest entry\n", d->name);
        return 1;
    }
    uint64_t ok0 = p->ok, fail0 = p->failed, ns = 0;
    p->max_gap_ns = 0;
    p->last_ok_ns = timer_now_ns();
    const char *bad = NULL;
    hcase_t *c = NULL;
    if (expect == EXPECT_INVALID) {
        if (d->state != DOMAIN_DEAD || d->inst)
            bad = "a malformed module was accepted";
    } else if (d->state != DOMAIN_READY) {
        bad = "did not load";
    } else if (!(c = kmalloc(sizeof *c))) {
        bad = "out of memory";
    } else {
        c->d = d;
        uint64_t kill_ms = parse_num(d->args, "kill");
        c->blocked = parse_num(d->args, "blocked") != 0;
        uint32_t nc = 0, ni = 0;
        wasm_module_tiers(d->mod, &nc, &ni);
        bool want = wasm_runtime_set_engine(d->sys->rt, WASM_ENGINE_DEFAULT) == WASM_ENGINE_COMPILED;
        if (kill_ms && (want ? ni != 0 : nc != 0))
            bad = "its module is not on the default tier";
        else
            bad = run_thread(c, parse_fuel(d->args), kill_ms, &ns);
        if (!bad)
            bad = judge(c, expect);
        if (c->kind != WASM_OK)
            d->traps++;
        domain_stop(d);     /* its activity ends here (docs/faults.md) */
    }
    probe_window(p, ok0, MIN_PROBES);
    uint64_t ok = p->ok - ok0, failed = p->failed - fail0;
    if (!bad && failed)
        bad = "the neighbour failed probes";
    else if (!bad && ok < MIN_PROBES)
        bad = "the neighbour answered too few probes";
    report(d, c, expect, bad, p, ok, failed, ns);
    if (c && c->ex && !c->join.done)
        return 2;           /* its thread still runs: case and exec stay */
    if (c) {
        if (c->ex)
            wasm_exec_free(c->ex);
        kfree(c);
    }
    return bad != NULL;
}

/* ------------------------------------------------------------ the driver */

typedef struct hrun {
    sched_join_t join;
    int failed, passed;
    bool stuck;             /* a hostile thread never stopped: keep everything */
    const char *text;
    size_t len;
} hrun_t;

/* The domains of sys in manifest order (the list is newest first). */
static int domains_in_order(domsys_t *sys, domain_t **out, int cap)
{
    int n = 0;
    for (domain_t *d = sys->list; d && n < cap; d = d->next)
        out[n++] = d;
    for (int i = 0; i < n / 2; i++) {
        domain_t *t = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = t;
    }
    return n;
}

static void hostile_cases(hrun_t *run, domsys_t *sys)
{
    static prober_t p;
    static domain_t *list[64];
    p = (prober_t){0};
    p.svc = domain_find(sys, "svc");
    if (!p.svc || p.svc->state != DOMAIN_READY ||
        domain_cap_find(p.svc, "svc.echo", 8, &p.h) != CAP_OK) {
        kprintf("hostile: FAILED: the neighbour svc (with endpoint svc.echo) did not load\n");
        run->failed++;
        return;
    }
    p.last_ok_ns = timer_now_ns();
    if (!thread_create(NULL, "prober", PRIO_PROBER, prober_thread, &p, HOSTILE_STACK)) {
        kprintf("hostile: FAILED: no prober thread\n");
        run->failed++;
        return;
    }
    int n = domains_in_order(sys, list, (int)ARRAY_LEN(list));
    for (int i = 0; i < n; i++) {
        if (list[i] == p.svc)
            continue;
        int r = run_case(list[i], &p);
        run->failed += r != 0;
        run->passed += r == 0;
        run->stuck |= r == 2;
    }
    p.stop = true;
    sched_join_wait(&p.join, 1, timer_now_ns() + 1000 * MS);
    kprintf("hostile: svc answered %llu probes, %llu failed, over %llu calls to it\n",
            (unsigned long long)p.ok, (unsigned long long)p.failed,
            (unsigned long long)p.svc->calls);
}

static void hostile_driver(void *arg)
{
    hrun_t *run = arg;
    static domsys_t sys;
    wasm_runtime_t *rt = kwasm_runtime();
    if (!rt || !domsys_init(&sys, rt, bootimg_find)) {
        kprintf("hostile: FAILED: out of memory\n");
        run->failed++;
    } else {
        /* Malformed modules are rejected here, one line each. */
        sys.system = sysctl_object();   /* for sysctl.readonly's "system" line */
        domsys_load_manifest(&sys, run->text, run->len);
        hostile_cases(run, &sys);
        if (!run->stuck)
            domsys_fini(&sys);
    }
    if (rt && !run->stuck)
        wasm_runtime_free(rt);
    sched_join_signal(&run->join);
    thread_exit();
}

int hostile_run(void)
{
    static hrun_t run;
    const uint8_t *text;
    if (!bootimg_find("hostile/manifest.txt", &text, &run.len)) {
        kprintf("hostile: skipped (no hostile/manifest.txt in the boot image)\n");
        return 0;
    }
    run.text = (const char *)text;
    uint64_t t0 = timer_now_ns();
    if (!thread_create(NULL, "hostile", PRIO_DRIVER, hostile_driver, &run, 64 * 1024)) {
        kprintf("hostile: FAILED: no driver thread\n");
        return 1;
    }
    if (!sched_join_wait(&run.join, 1, timer_now_ns() + 60000 * MS)) {
        kprintf("hostile: FAILED: the cases did not finish in 60 s\n");
        return 1;
    }
    kprintf("hostile: %d contained, %d failed (%llu ms)\n", run.passed, run.failed,
            (unsigned long long)((timer_now_ns() - t0) / MS));
    return run.failed;
}
