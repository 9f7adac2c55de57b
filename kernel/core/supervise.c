/*
 * Containment, supervision and instant reset: see kern/supervise.h and
 * docs/faults.md. The policy state lives in each domain (domain_sup_t);
 * the supervisor thread only drives sup_tick.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/supervise.h>
#include <wasm/wasm.h>

#include "overlay.h"

#define BACKOFF_FIRST_MS 10
#define BACKOFF_MAX_MS 5000
/* Fault and restart reports logged per domain per second; the rest are
 * counted and summed up in the next window's first report. */
#define LOG_BURST 8
#define LOG_WINDOW_NS 1000000000ull

/* Every live handle of t in a fresh array (*n of them), or NULL when out
 * of memory. */
static cap_handle_t *all_handles(cap_table_t *t, uint32_t *n)
{
    uint32_t count = cap_table_count(t);
    cap_handle_t *hs = kmalloc(((size_t)count + 1) * sizeof *hs);
    *n = hs ? cap_table_handles(t, hs, count) : 0;
    if (*n > count)
        *n = count;
    return hs;
}

void sup_loaded(domain_t *d)
{
    domain_sup_t *s = &d->sup;
    s->last_beat = timer_now_ns();
    if (!s->trap)
        s->trap = kmalloc(sizeof(wasm_trap_t));
    kfree(s->init_caps);
    /* All of them, whatever their number: a reset goes back to exactly
     * this set. Without the list there is no reset. */
    s->init_caps = all_handles(d->caps, &s->ninit_caps);
    for (int i = 0; i < d->nnames; i++) {
        kobj_type_t t;
        domain_name_t *nm = &d->names[i];
        nm->dropped = false;
        if (cap_info(d->caps, nm->h, &nm->init_rights, &t) != CAP_OK)
            nm->init_rights = 0;
    }
    s->snap = s->init_caps && wasm_instance_snapshot(d->inst);
    if (!s->snap)
        kprintf("athanor: domain %s: no snapshot (reset unavailable)\n", d->name);
}

void sup_forget(domain_t *d)
{
    kfree(d->sup.trap);
    kfree(d->sup.init_caps);
    d->sup.trap = NULL;
    d->sup.init_caps = NULL;
}

void sup_run_begin(domain_t *d, wasm_exec_t *ex)
{
    /* The exec keeps its fuel: a call runs on its caller's budget, so
     * calling an endpoint must not refill it. */
    d->sup.run_ex = ex;
    d->sup.run_thread = thread_current();
    d->sup.killed = false;
    /* Only a domain with a CPU budget pays for a clock read per call: the
     * call path must stay close to a function call (docs/ipc.md). */
    d->sup.run_since = d->sup.budget_ms ? timer_now_ns() : 0;
    if (d->sup.trap)
        d->sup.trap->kind = WASM_OK;
}

void sup_run_end(domain_t *d)
{
    /* Stopped by stop_run: the caller gets back the budget it had then. */
    if (d->sup.killed && d->sup.run_ex)
        wasm_exec_set_fuel(d->sup.run_ex, d->sup.killed_fuel);
    d->sup.run_since = 0;
    d->sup.run_ex = NULL;
}

/* Stops d's running call at its next safe point. Fuel, not the interrupt
 * flag: a scheduler hook may take the interrupt for a preemption, and an
 * interrupt left set would stop the caller too. The killed flag tells
 * sup_run_end to give the caller its fuel back and the trap is d's. */
/* CPU time, charged by the scheduler at every switch to the domain of the
 * running thread. A migrated call runs on its caller's thread, so its time
 * is the caller's, as with LRPC. */
void domain_charge_cpu(struct domain *d, uint64_t ns)
{
    d->sup.cpu_ns += ns;
}

static void stop_run(domain_t *d)
{
    domain_sup_t *s = &d->sup;
    if (!s->run_ex || s->killed)
        return;
    s->killed_fuel = wasm_exec_fuel(s->run_ex);
    s->killed = true;
    wasm_exec_set_fuel(s->run_ex, 1);
    /* Blocked in a host call (a recv, an irq wait without a timeout): the
     * call returns as if timed out, and the next safe point stops the run. */
    thread_cancel_wait(s->run_thread);
}

/* Stops d's entry run (a thread running its entry export) at its next safe
 * point, as stop_run does for a call; loader_run_entry then reports it
 * stopped, not as a fault of its own. */
static void stop_entry(domain_t *d)
{
    domain_sup_t *s = &d->sup;
    if (s->entry_ex && !s->entry_stop) {
        s->entry_stop = true;
        wasm_exec_set_fuel(s->entry_ex, 1);
        thread_cancel_wait(s->entry_thread);    /* as stop_run */
    }
}

static const char *kind_name(int kind)
{
    return kind == WASM_TRAP_OUT_OF_FUEL ? "CPU budget exceeded" : wasm_trap_kind_name((wasm_trap_kind_t)kind);
}

/* Whether a report about d is logged now. A domain faulting in a loop
 * would otherwise spend its restarts on the console: past LOG_BURST reports
 * in a window they are only counted, and nothing is formatted for them
 * (the trap's details stay in d->sup.trap, formatted when logged). */
static bool log_ok(domain_t *d)
{
    domain_sup_t *s = &d->sup;
    uint64_t now = timer_now_ns();
    if (now - s->log_since >= LOG_WINDOW_NS) {
        if (s->log_quiet)
            kprintf("athanor: domain %s: %u fault and restart reports not logged (%u faults, "
                    "%u restarts in all)\n", d->name, s->log_quiet, s->faults, s->restarts);
        s->log_since = now;
        s->log_n = s->log_quiet = 0;
    }
    if (s->log_n < LOG_BURST) {
        s->log_n++;
        return true;
    }
    s->log_quiet++;
    return false;
}

/* The Wasm backtrace of the last trap, indented. */
static void log_trap(domain_t *d)
{
    static char buf[1024];   /* one fault is logged at a time (one CPU) */
    if (!d->sup.trap || d->sup.trap->kind == WASM_OK)
        return;
    wasm_trap_format(d->sup.trap, buf, sizeof buf);
    kprintf("%s\n", buf);
}

static void schedule_restart(domain_t *d, uint64_t now)
{
    domain_sup_t *s = &d->sup;
    if (s->policy == DOMAIN_RESTART_NEVER ||
        (s->policy == DOMAIN_RESTART_LIMIT && s->restarts >= s->max_restarts)) {
        kprintf("athanor: domain %s: not restarted (policy %s, %u restarts)\n", d->name,
                s->policy == DOMAIN_RESTART_NEVER ? "never" : "limit reached", s->restarts);
        s->restart_at = 0;
        return;
    }
    uint64_t delay = s->policy == DOMAIN_RESTART_BACKOFF ? s->backoff_ms : 0;
    s->restart_at = now + delay * 1000000u + 1;
    if (delay == 0 && d->active == 0)
        domain_restart(d);
}

void domain_fault(domain_t *d, int kind, const char *why)
{
    domain_sup_t *s = &d->sup;
    s->faults++;
    s->last_trap = kind;
    s->fault_at = timer_now_ns();
    s->last_why = why;
    if (d->state == DOMAIN_FAULTED)
        return;     /* a second trap of the same fault (another thread) */
    if (log_ok(d)) {
        kprintf("athanor: domain %s fault: %s (%s)\n", d->name, kind_name(kind), why);
        log_trap(d);
    }
    if (d->state != DOMAIN_READY)
        return;
    d->state = DOMAIN_FAULTED;
    stop_entry(d);      /* a fault in a call stops its entry thread too */
    domain_reissue(d);
    ipc_reap(d->sys);
    /* Waiters need no wake-up here: each leave() wakes the next caller,
     * which finds the state changed and returns IPC_ESTOPPED. */
    schedule_restart(d, s->fault_at);
}

/* init_caps is in table-index order (cap_table_handles): binary search.
 * A manifest grant counts under its current handle too: domain_reissue
 * gives a grant a new handle when its object's owner faults, and the
 * grant is still part of the post-init set. */
static bool held_at_init(domain_t *d, cap_handle_t h)
{
    for (int i = 0; i < d->nnames; i++)
        if (d->names[i].h == h)
            return true;
    uint32_t lo = 0, hi = d->sup.ninit_caps, want = CAP_HANDLE_INDEX(h);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, at = CAP_HANDLE_INDEX(d->sup.init_caps[mid]);
        if (at == want)
            return d->sup.init_caps[mid] == h;
        if (at < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Back to the post-init capability set: gives back the manifest grants it
 * dropped itself, drops every capability acquired
 * since the snapshot and unmaps every overlay (all were mapped after it),
 * then empties the queues it receives on. False (nothing done) when out
 * of memory. */
static bool erase_since_init(domain_t *d)
{
    uint32_t n;
    /* What it dropped of its manifest grants comes back first (and is then
     * part of the set kept below, its queues drained like the rest). */
    domain_regrant_dropped(d);
    cap_handle_t *hs = all_handles(d->caps, &n);
    if (!hs)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        if (!held_at_init(d, hs[i]))
            cap_delete(d->caps, hs[i]);
    }
    overlay_unmap_all(d);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t rights;
        kobj_type_t type;
        if (cap_info(d->caps, hs[i], &rights, &type) == CAP_OK && type == KOBJ_CHANNEL &&
            (rights & CAP_R_RECV)) {
            uint8_t msg[IPC_MSG_MAX];
            cap_handle_t got;
            while (ipc_recv(d->caps, hs[i], msg, sizeof msg, &got, 0) >= 0)
                if (got)
                    cap_delete(d->caps, got);
            ipc_wait(d->caps, hs[i], 0);
        }
    }
    kfree(hs);
    ipc_reap(d->sys);   /* channels that went with what was dropped */
    return true;
}

int64_t domain_reset(domain_t *d)
{
    /* Never under a running call or entry run (a kill stops the run). */
    if (!d->sup.snap || d->active || d->sup.entry_ex)
        return -1;
    /* Capabilities and overlays first: every mapping goes (the domain's
     * own frames come back), so the reset writes and releases only the
     * domain's own pages, never a buffer's or a device's. */
    if (!erase_since_init(d))
        return -1;
    int64_t pages = wasm_instance_reset(d->inst);
    if (pages >= 0) {
        d->sup.resets++;
        /* Its memory is from before its entry ran: its entry thread (a
         * driver's) runs the entry again once it is ready. */
        waitq_wake_all(&d->sup.restarted);
    }
    return pages;
}

bool domain_restart(domain_t *d)
{
    domain_sup_t *s = &d->sup;
    if (d->active || d->state == DOMAIN_DEAD || d->state == DOMAIN_NEW)
        return false;
    /* Its entry still runs, or is ending after a kill or a fault: it is
     * stopped (if it was not) and the entry's thread restarts the domain
     * as soon as the run has ended (loader_run_entry), then runs the entry
     * anew. The restart is accepted now. */
    if (d->sup.entry_ex) {
        stop_entry(d);
        s->restart_pending = true;
        return true;
    }
    uint64_t t0 = timer_now_ns();
    int64_t pages = domain_reset(d);
    s->restarts++;
    s->restart_at = 0;
    s->last_beat = timer_now_ns();
    if (s->policy == DOMAIN_RESTART_BACKOFF)
        s->backoff_ms = s->backoff_ms ? (s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : s->backoff_ms * 2)
                                      : BACKOFF_FIRST_MS;
    d->state = DOMAIN_READY;
    waitq_wake_all(&s->restarted);     /* its entry thread: run the entry again */
    if (log_ok(d))
        kprintf("athanor: domain %s restarted (#%u, %lld pages reset in %llu us)\n", d->name,
                s->restarts, (long long)pages, (unsigned long long)((timer_now_ns() - t0) / 1000));
    return true;
}

void domain_kill(domain_t *d)
{
    if (d->state != DOMAIN_READY && d->state != DOMAIN_FAULTED)
        return;
    stop_run(d);
    stop_entry(d);
    if (d->state == DOMAIN_READY)
        domain_reissue(d);
    d->state = DOMAIN_STOPPED;
    d->sup.restart_at = 0;
    kprintf("athanor: domain %s killed\n", d->name);
}

void sup_heartbeat(domain_t *d)
{
    d->sup.last_beat = timer_now_ns();
}

/* One domain's watchdog: over its budget, or silent for two periods. */
static int watch(domain_t *d, uint64_t now)
{
    domain_sup_t *s = &d->sup;
    if (d->state != DOMAIN_READY)
        return 0;
    if (s->budget_ms && s->run_since && s->run_ex && now - s->run_since > s->budget_ms * 1000000ull) {
        s->hangs++;
        kprintf("athanor: domain %s hung: running over its %u ms budget, interrupted\n", d->name,
                s->budget_ms);
        stop_run(d);
        s->run_since = 0;
        return 1;
    }
    if (s->heartbeat_ms && now - s->last_beat > 2ull * s->heartbeat_ms * 1000000ull) {
        s->hangs++;
        stop_run(d);
        domain_fault(d, WASM_TRAP_INTERRUPTED, "missed heartbeats");
        return 1;
    }
    return 0;
}

int sup_tick(domsys_t *sys, uint64_t now_ns)
{
    int n = 0;
    for (domain_t *d = sys->list; d; d = d->next) {
        n += watch(d, now_ns);
        if (d->state == DOMAIN_FAULTED && d->sup.restart_at && now_ns >= d->sup.restart_at)
            n += domain_restart(d);
    }
    return n;
}

static void supervisor(void *arg)
{
    for (;;) {
        sched_sleep_ns(10 * 1000000ull);
        bool was = cpu_irq_save();
        sup_tick(arg, timer_now_ns());
        cpu_irq_restore(was);
    }
}

bool sup_start(domsys_t *sys)
{
    return thread_create(NULL, "supervisor", SCHED_PRIOS - 1, supervisor, sys, 16384) != NULL;
}

/* ------------------------------------------------------------ host calls */

#define RET(v) (c[0] = (uint64_t)(uint32_t)(int32_t)(v))

typedef struct line {
    char *p;
    uint32_t n, cap;
} line_t;

static void put_s(line_t *l, const char *s)
{
    for (; *s; s++, l->n++)
        if (l->n < l->cap)
            l->p[l->n] = *s;
}

static void put_u(line_t *l, const char *key, uint64_t v)
{
    char b[24];
    int i = sizeof b - 1;
    b[i] = 0;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    put_s(l, key);
    put_s(l, b + i);
}

static const char *state_name(domain_state_t s)
{
    static const char *const names[] = {"new", "ready", "stopped", "dead", "faulted"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* The domain under control capability h of u's table, or NULL. */
static domain_t *controlled(domain_t *u, uint64_t h, int *err)
{
    kobj_t *o;
    *err = cap_lookup(u->caps, (cap_handle_t)h, KOBJ_DOMAIN, CAP_R_CONTROL, &o);
    return *err ? NULL : (domain_t *)o;
}

/* dom_info(h, index, buf, cap): one line about a domain. Its CPU time and
 * call count tell what it is doing, so they go only to whoever may know:
 * through a domain control capability, that domain alone (index 0); through
 * the system capability with the read right, the index-th domain of the
 * system (sysmon, the shell). */
static wasm_trap_kind_t hc_dom_info(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    int e;
    kobj_t *sys;
    domain_t *d = controlled(u, c[0], &e);
    wasm_memory_t *mem = wasm_call_ctx_memory(ctx);
    uint32_t ptr = (uint32_t)c[2], cap = (uint32_t)c[3];
    if (!d && cap_lookup(((domain_t *)u)->caps, (cap_handle_t)c[0], KOBJ_SYSTEM, CAP_R_READ,
                         &sys) == 0)
        e = 0;
    else if (!d)
        return RET(e), WASM_OK;
    if (!mem || (uint64_t)ptr + cap > wasm_memory_size(mem))
        return RET(IPC_EFAULT), WASM_OK;
    if (d) {
        if ((uint32_t)c[1] != 0)
            return RET(CAP_ENOENT), WASM_OK;
    } else {
        d = ((domain_t *)u)->sys->list;
        for (uint32_t i = 0; d && i < (uint32_t)c[1]; i++)
            d = d->next;
    }
    if (!d)
        return RET(CAP_ENOENT), WASM_OK;
    line_t l = {(char *)wasm_memory_data(mem) + ptr, 0, cap};
    wasm_memory_t *dm = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
    put_s(&l, d->name);
    put_s(&l, " ");
    put_s(&l, state_name(d->state));
    put_u(&l, " cpu_us=", d->sup.cpu_ns / 1000);
    put_u(&l, " mem=", dm ? wasm_memory_size(dm) : 0);
    put_u(&l, " restarts=", d->sup.restarts);
    put_u(&l, " faults=", d->sup.faults);
    put_u(&l, " hangs=", d->sup.hangs);
    put_u(&l, " calls=", d->calls);
    return RET(l.n), WASM_OK;
}

static wasm_trap_kind_t hc_dom_kill(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    int e;
    domain_t *d = controlled(u, c[0], &e);
    (void)ctx;
    if (d && d == u)
        e = IPC_EBUSY;      /* not itself: it is running this call */
    else if (d)
        domain_kill(d);
    return RET(e), WASM_OK;
}

static wasm_trap_kind_t hc_dom_restart(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    int e;
    domain_t *d = controlled(u, c[0], &e);
    (void)ctx;
    if (d && !domain_restart(d))
        e = IPC_EBUSY;
    return RET(e), WASM_OK;
}

/* dom_reset(ctl) -> pages restored, or a negative error. */
static wasm_trap_kind_t hc_dom_reset(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    int e;
    domain_t *d = controlled(u, c[0], &e);
    (void)ctx;
    int64_t pages = d ? domain_reset(d) : e;
    c[0] = (uint64_t)(d && pages < 0 ? IPC_EBUSY : pages);
    return WASM_OK;
}

static wasm_trap_kind_t hc_heartbeat(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    sup_heartbeat(u);
    return RET(0), WASM_OK;
}

static const struct { const char *name, *sig; wasm_host_fn_t fn; } sup_calls[] = {
    {"heartbeat", ":i", hc_heartbeat},
    {"dom_info", "iiii:i", hc_dom_info},
    {"dom_kill", "i:i", hc_dom_kill},
    {"dom_restart", "i:i", hc_dom_restart},
    {"dom_reset", "i:I", hc_dom_reset},
};

bool sup_hostcalls_define(wasm_linker_t *l, domain_t *d)
{
    wasm_runtime_t *rt = d->sys->rt;
    for (size_t i = 0; i < sizeof sup_calls / sizeof sup_calls[0]; i++) {
        wasm_valtype_t t[2][8];
        uint32_t n[2] = {0, 0}, side = 0;
        for (const char *s = sup_calls[i].sig; *s; s++) {
            if (*s == ':')
                side = 1;
            else
                t[side][n[side]++] = *s == 'I' ? WASM_I64 : WASM_I32;
        }
        const char *name = sup_calls[i].name;
        wasm_func_t *f = wasm_func_new_host(rt, t[0], n[0], t[1], n[1], sup_calls[i].fn, d, name);
        wasm_extern_t e = {.kind = WASM_EXTERN_FUNC, .u.func = f};
        if (!f || !wasm_linker_define(l, "athanor", 7, name, (uint32_t)strlen(name), e))
            return false;
    }
    return true;
}
