/*
 * libFuzzer target: the host-call layer with 2-4 domains at once
 * (docs/faults-injection.md). Every domain runs hc.wasm (tests/kfuzz/gen_hostcalls.sh: every
 * athanor host call, an endpoint handler "hm" that traps, grows, stores,
 * recurses or makes host calls of its own, and helpers). The input is a
 * program of steps; each step is one of
 *
 *   - a host call made by one domain, on one of four simulated threads, its
 *     arguments drawn from what that domain holds: its live handles,
 *     handles other domains hold or held, pointers and lengths near its
 *     memory's end, page offsets, rights masks, timeouts; a call into an
 *     endpoint gets a handler operation and arguments in the server's
 *     terms (its handles, its memory). Optionally made from deep in the
 *     caller's stack, and optionally preempted at its k-th safe point;
 *   - the domain's own code: memory.grow, a store, a load, a trap, a spin;
 *   - the supervisor: reset, restart, kill, stop/start, sup_tick;
 *   - time: the clock jumps, leases expire (cap_tick), back-offs end;
 *   - a flood of cap_dup (handle counts past 256).
 *
 * Blocking points switch threads: the shim's waitq_wait runs further steps
 * of the input on other threads while the caller waits (the message may
 * arrive, the server may be reset, the lease may expire), then wakes it or
 * times it out; a preempted call does the same at a safe point. After
 * every step the kernel invariants are checked (invariant.c); a violation
 * aborts with the finding it matches.
 *
 * KFUZZ_KNOWN=1,2,... (environment) turns off the checks for those known
 * findings (docs/faults.md lists them) and avoids the steps that would crash on them, so a run gets
 * past bugs already known. KFUZZ_TRACE=1 prints the steps.
 */
#include "invariant.h"
#include "kshim.h"
#include "kworld.h"

#include <kern/ipc.h>
#include <kern/sched.h>
#include <kern/supervise.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ the world */

static const char *const sections[] = {
    "a hc.wasm prio=3 mem=3 queue=4 handles=64\n"
    "    endpoint a.h handler=hm\n"
    "    channel a.q recv\n"
    "    buffer a.b pages=2\n"
    "    endpoint b.h\n"
    "    channel b.q rights=send,transfer,derive\n"
    "    buffer b.r rights=read,map,derive,transfer\n"
    "    domain b rights=control\n",
    "b hc.wasm prio=4 restart=never mem=64 queue=2 handles=300\n"
    "    endpoint b.h handler=hm\n"
    "    channel b.q recv\n"
    "    buffer b.r pages=1\n"
    "    endpoint a.h rights=call,derive,transfer,revoke\n"
    "    channel a.q rights=send,derive,transfer,revoke\n"
    "    buffer a.b rights=read,map\n",
    "c hc.wasm reentrant restart=2 mem=2 budget=5 heartbeat=100\n"
    "    endpoint c.h handler=hm\n"
    "    endpoint a.h\n"
    "    endpoint b.h rights=call,derive,revoke\n"
    "    channel a.q\n"
    "    buffer a.b rights=read,write,map,derive\n"
    "    domain a rights=control\n"
    "    domain b rights=control\n",
    "d hc.wasm mem=2 queue=3 handles=40\n"
    "    endpoint d.h handler=hm\n"
    "    channel d.q recv\n"
    "    endpoint c.h\n"
    "    endpoint b.h\n"
    "    channel a.q rights=send,transfer\n"
    "    domain c rights=control\n"
    "    domain d rights=control\n",
};
static const char *const names[] = {"a.h", "a.q", "a.b", "b.h", "b.q", "b.r", "c.h",
                                    "d.h", "d.q", "a", "b", "c", "d", "nope"};
#define NNAMES (sizeof names / sizeof names[0])
#define NAMES_AT 1024u          /* where names sit in a domain's memory, 16 bytes apart */
#define MAX_DOMS 4
#define NTHREADS 4
#define MAX_DEPTH 3             /* nested thread switches */
#define MAX_STEPS 48
#define CALL_DEPTH 512          /* the world's max_call_depth (> IPC_ROOM_FRAMES) */

static ipc_world_t w;
static domain_t *doms[MAX_DOMS];
static int ndoms;
static unsigned skip;           /* KFUZZ_KNOWN */
static bool trace;

/* ------------------------------------------------------------ input */

static const uint8_t *in_p;
static size_t in_n;

static uint8_t byte(void)
{
    if (!in_n)
        return 0;
    in_n--;
    return *in_p++;
}

static uint32_t word32(void)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | byte();
    return v;
}

/* ------------------------------------------------------------ clock */

static uint64_t fake_ns;

uint64_t timer_now_ns(void)
{
    return fake_ns;
}

/* ------------------------------------------------------------ threads */

struct thread {
    int id;
    wasm_exec_t *ex;
    struct thread *next;        /* on a waitq */
    waitq_t *q;
    bool busy;                  /* on the C stack: running, blocked or preempted */
    bool woken;
    int preempt;                /* safe points left before a switch (0: none) */
    domain_t *running;          /* the domain whose code it runs at top level */
};

static struct thread threads[NTHREADS + 1];    /* the last one: the supervisor */
static struct thread *cur;
static int depth;
static int steps_left;
static long nested_steps;       /* steps run at blocking points and preemptions */

thread_t *thread_current(void)
{
    return cur;
}

static void run_steps(int n);

static void dequeue(struct thread *t)
{
    waitq_t *q = t->q;
    struct thread **pp = &q->head, *prev = NULL;
    while (*pp && *pp != t)
        prev = *pp, pp = &(*pp)->next;
    if (*pp) {
        *pp = t->next;
        if (q->tail == t)
            q->tail = prev;
    }
    t->next = NULL;
    t->q = NULL;
}

/* A blocking point: other threads run some steps of the input, then the
 * waiter is woken (something called waitq_wake_*) or times out. A wait
 * nothing ends (deadline 0) times out too: the harness cannot block. */
bool waitq_wait(waitq_t *q, uint64_t deadline)
{
    struct thread *me = cur;
    if (!me || depth >= MAX_DEPTH)
        return false;
    me->woken = false;
    me->q = q;
    me->next = NULL;
    if (q->tail)
        q->tail->next = me;
    else
        q->head = me;
    q->tail = me;
    uint8_t b = byte();
    if (trace)
        fprintf(stderr, "%*s[thread %d blocks]\n", depth * 2, "", me->id);
    /* Finding 3 skipped: the domain it waits in is not reset meanwhile
     * (its snapshot is hidden from domain_reset). */
    domain_t *in = me->running;
    bool hide = (skip >> 3 & 1) && in && in->sup.snap;
    if (hide)
        in->sup.snap = false;
    nested_steps++;
    depth++;
    run_steps(b % 4);
    if (b & 0x80) {     /* time passes while it waits: the lease reaper runs */
        fake_ns += 1000000;
        cap_tick(&w.sys.space, fake_ns);
    }
    depth--;
    if (hide)
        in->sup.snap = true;
    cur = me;
    if (me->q)
        dequeue(me);
    if (trace)
        fprintf(stderr, "%*s[thread %d %s]\n", depth * 2, "", me->id, me->woken ? "woken" : "times out");
    (void)deadline;
    return me->woken;
}

/* A kill or the watchdog ends a wait in the domain it stops: the waiter
 * times out when the steps run meanwhile are done. */
bool thread_cancel_wait(thread_t *t)
{
    if (!t || !t->q)
        return false;
    if (trace)
        fprintf(stderr, "%*s[thread %d: its wait cancelled]\n", depth * 2, "", t->id);
    dequeue(t);
    t->woken = false;
    return true;
}

int waitq_wake_one(waitq_t *q)
{
    struct thread *t = q->head;
    if (!t)
        return 0;
    dequeue(t);
    t->woken = true;
    return 1;
}

int waitq_wake_all(waitq_t *q)
{
    int n = 0;
    while (waitq_wake_one(q))
        n++;
    return n;
}

/* The safe-point hook: a preemption on the thread's k-th safe point runs
 * other threads' steps; a kill (ipc_exec_killed) or an interrupt that is
 * not ours stops the code, as the scheduler's hook does. */
static wasm_trap_kind_t safepoint(wasm_exec_t *ex, void *user)
{
    struct thread *t = user;
    if (doms[0] && ipc_exec_killed(doms[0], ex))
        return WASM_TRAP_INTERRUPTED;
    if (t->preempt <= 0)
        return WASM_TRAP_INTERRUPTED;
    if (--t->preempt > 0)
        return WASM_OK;     /* the flag stays set: the next safe point comes back */
    wasm_exec_clear_interrupt(ex);
    if (depth < MAX_DEPTH) {
        struct thread *me = cur;
        if (trace)
            fprintf(stderr, "%*s[thread %d preempted]\n", depth * 2, "", t->id);
        nested_steps++;
        depth++;
        run_steps(1 + byte() % 3);
        depth--;
        cur = me;
    }
    return WASM_OK;
}

static struct thread *free_thread(void)
{
    for (int i = 0; i < NTHREADS; i++)
        if (!threads[i].busy)
            return &threads[i];
    return NULL;
}

/* ------------------------------------------------------------ findings */

static void fail(int finding, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\nkfuzz-multi: INVARIANT VIOLATED (%s", finding ? "known finding " : "new");
    if (finding)
        fprintf(stderr, "%d", finding);
    fprintf(stderr, "): ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

static void check_reset(domain_t *d)
{
    kinv_report_t r;
    if (!kinv_check_reset(d, skip, &r))
        fail(r.finding, "%s", r.why);
}

/* After every step: the invariants, and for each domain reset during it
 * (by the supervisor, a restart after a fault, dom_reset) the reset's. */
static uint32_t resets_seen[MAX_DOMS];

static void check(void)
{
    kinv_report_t r;
    for (int i = 0; i < ndoms; i++)
        if (doms[i]->sup.resets != resets_seen[i]) {
            resets_seen[i] = doms[i]->sup.resets;
            check_reset(doms[i]);
        }
    if (!kinv_check(&w.sys, depth == 0, skip, &r))
        fail(r.finding, "%s", r.why);
}

/* A domain some thread is running, blocked or preempted in (its own code
 * or a call into it). */
static bool on_stack(domain_t *d)
{
    for (int i = 0; i < NTHREADS; i++)
        if (threads[i].busy && threads[i].running == d)
            return true;
    return d->active != 0;
}

static bool dom_alive(domain_t *d)
{
    for (int i = 0; i < ndoms; i++)
        if (doms[i] == d)
            return true;
    return false;
}

/* ------------------------------------------------------------ arguments */

typedef struct hc {
    char name[32];
    const char *shape;
} hc_t;

static hc_t calls[64];
static int ncalls;

/* Argument letters per host call (docs/hostcalls.md); X: unknown. */
static const struct { const char *name, *shape; } shapes[] = {
    {"debug_print", "PL"}, {"arch", "PL"}, {"args", "PL"}, {"uptime_ns", ""},
    {"cap_find", "NL"}, {"cap_info", "H"}, {"cap_dup", "HR"}, {"cap_lease", "HRT"},
    {"cap_drop", "H"}, {"cap_revoke", "H"}, {"call", "EAAAAP"}, {"call_timeout", "EAAAAPT"},
    {"call_lend", "EBRAAAP"}, {"send", "HPLH"}, {"recv", "HPLPT"}, {"notify", "H"},
    {"wait", "HT"}, {"buf_new", "S"}, {"buf_map", "HO"}, {"buf_unmap", "H"},
    {"heartbeat", ""}, {"dom_info", "HSPL"}, {"dom_kill", "H"}, {"dom_restart", "H"},
    {"dom_reset", "H"},
};

static uint32_t recent[16];     /* handle values seen lately, any domain */
static int nrecent;

static void remember(uint32_t h)
{
    recent[nrecent++ % 16] = h;
}

static uint64_t mem_size(domain_t *d)
{
    wasm_memory_t *m = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
    return m ? wasm_memory_size(m) : 0;
}

/* A handle d holds, the v-th live one (0 if none); of type t if any such. */
static uint32_t held(domain_t *d, uint8_t v, kobj_type_t t)
{
    static cap_handle_t hs[CAP_MAX_HANDLES];
    uint32_t n = d->caps ? cap_table_handles(d->caps, hs, CAP_MAX_HANDLES) : 0;
    if (n > CAP_MAX_HANDLES)
        n = CAP_MAX_HANDLES;
    if (!n)
        return 0;
    if (t != KOBJ_ANY) {
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++) {
            kobj_type_t ty;
            if (cap_info(d->caps, hs[i], NULL, &ty) == CAP_OK && ty == t)
                hs[m++] = hs[i];
        }
        if (m)
            n = m;
    }
    return hs[v % n];
}

static uint64_t handle_arg(domain_t *d, kobj_type_t t)
{
    uint8_t sel = byte(), v = byte();
    switch (sel % 8) {
    case 5: return recent[v % 16];
    case 6: return v < 128 ? 0 : (uint64_t)v << 14 | (v & 7);   /* 0 or forged */
    case 7: return held(doms[v % ndoms], sel >> 3, t);          /* someone else's */
    default: return held(d, v, t);
    }
}

static uint64_t ptr_arg(domain_t *d)
{
    uint8_t sel = byte(), v = byte();
    uint64_t size = mem_size(d);
    switch (sel % 8) {
    case 0: return NAMES_AT + 16u * (v % NNAMES);
    case 1: return size - (v % 16);
    case 2: return size - 4096 + v * 16u;
    case 3: return 4096ull * (v % 40) + (sel >> 3);
    case 4: return 2048 + v;
    case 5: return size + v;
    case 6: return (uint64_t)v << 24;
    default: return word32();
    }
}

static uint64_t len_arg(void)
{
    static const uint64_t l[] = {0, 1, 3, 4, 8, 16, 63, 64, 65, 4096, 65536, 0xffffffff};
    uint8_t v = byte();
    return v < 192 ? l[v % 12] : word32();
}

static uint64_t rights_arg(void)
{
    static const uint32_t r[] = {CAP_R_SAME, CAP_R_READ, CAP_R_READ | CAP_R_MAP, CAP_R_CALL,
                                 CAP_R_SEND | CAP_R_TRANSFER, CAP_R_RECV, CAP_R_ALL,
                                 CAP_R_READ | CAP_R_WRITE | CAP_R_MAP, CAP_R_READ | CAP_R_WRITE,
                                 CAP_R_DERIVE | CAP_R_CALL, CAP_R_TRANSFER | CAP_R_READ | CAP_R_MAP,
                                 CAP_R_CONTROL, 0, 1u << 12};
    uint8_t v = byte();
    return v < 240 ? r[v % 14] : v;
}

static uint64_t time_arg(void)
{
    static const uint64_t t[] = {0, 1000, 1000000, 1000000000, UINT64_MAX, 5000000};
    return t[byte() % 6];
}

static uint64_t offset_arg(domain_t *d)
{
    uint8_t sel = byte(), v = byte();
    uint64_t pages = mem_size(d) / 4096;
    switch (sel % 4) {
    case 0: case 1: return 4096ull * (v % (pages + 2));
    case 2: return pages ? 4096ull * (pages - 1 - v % pages) : 0;
    default: return 4096ull * v + (sel >> 2);
    }
}

static uint64_t small_arg(void)
{
    static const uint64_t s[] = {1, 2, 3, 4, 0, 4096, 4097, 0xffffffff};
    return s[byte() % 8];
}

/* The arguments of a call into endpoint handle h of d: an operation of the
 * handler hm, with its arguments in the server's terms. */
static void handler_args(domain_t *d, uint64_t h, uint64_t a[4], uint64_t lent_hint)
{
    kobj_t *o;
    domain_t *s = d;
    if (cap_lookup(d->caps, (cap_handle_t)h, KOBJ_ENDPOINT, 0, &o) == CAP_OK &&
        ((endpoint_t *)o)->server)
        s = ((endpoint_t *)o)->server;
    uint8_t op = byte();
    a[0] = op % 10;
    a[1] = a[2] = a[3] = 0;
    switch (op % 10) {
    case 2: case 3: {       /* a host call of the server's own */
        int k = byte() % ncalls;
        a[1] = (uint64_t)k;
        const char *sh = calls[k].shape;
        for (int i = 0; i < 2 && sh[i]; i++) {
            uint64_t v;
            switch (sh[i]) {
            case 'H': case 'E': case 'B': v = handle_arg(s, KOBJ_ANY); break;
            case 'O': v = offset_arg(s); break;
            case 'P': case 'N': v = ptr_arg(s); break;
            case 'R': v = rights_arg(); break;
            case 'T': v = time_arg(); break;
            default: v = small_arg();
            }
            a[2 + i] = v;
        }
        if (op % 10 == 3)   /* hc(b, d, c): d is the lent handle in a lend */
            a[3] = a[2], a[2] = lent_hint;
        break;
    }
    case 4: a[1] = byte() % 3; break;
    case 5: case 6: case 9: a[1] = offset_arg(s) + (byte() % 3 == 0 ? byte() : 0); a[2] = byte(); break;
    case 8: a[1] = byte() % 2 ? 3 : CALL_DEPTH; break;
    default: a[1] = byte();
    }
}

/* ------------------------------------------------------------ steps */

/* Runs export f of d on a free thread, as d's own code (sup_run_begin, a
 * trap faults d, as the loader does for an entry). */
static int64_t run_own(domain_t *d, const char *fn, uint64_t *args, int preempt)
{
    struct thread *t = free_thread(), *me = cur;
    wasm_func_t *f = d->inst ? wasm_instance_func(d->inst, fn) : NULL;
    if (!t || !f || d->state != DOMAIN_READY)
        return -3000;
    uint64_t r[1] = {0};
    t->busy = true;
    t->running = d;
    t->preempt = preempt;
    cur = t;
    wasm_exec_set_fuel(t->ex, 20000);
    if (preempt)
        wasm_exec_interrupt(t->ex);
    sup_run_begin(d, t->ex);
    wasm_trap_kind_t k = wasm_call(t->ex, f, args, r, d->sup.trap);
    sup_run_end(d);
    wasm_exec_clear_interrupt(t->ex);
    t->preempt = 0;
    t->running = NULL;
    if (k != WASM_OK) {     /* on d's thread still, as in the loader */
        if (trace)
            fprintf(stderr, "%*s  trap %s in %s\n", depth * 2, "", wasm_trap_kind_name(k), d->name);
        domain_fault(d, k, "its entry trapped");
    }
    t->busy = false;
    cur = me;
    return k == WASM_OK ? (int64_t)r[0] : -2000 - (int64_t)k;
}

/* The names cap_find looks up, in d's memory (the domain writes them
 * itself; not over a mapping). */
static void put_names(domain_t *d)
{
    uint64_t size = mem_size(d);
    for (int i = 0; i < d->nmaps; i++)
        if (d->map_off[i] < NAMES_AT + 16 * NNAMES && NAMES_AT < d->map_off[i] + d->map_len[i])
            return;
    if (size < NAMES_AT + 16 * NNAMES)
        return;
    uint8_t *m = wasm_memory_data(wasm_instance_memory(d->inst, 0));
    for (size_t i = 0; i < NNAMES; i++)
        if (memcmp(m + NAMES_AT + 16 * i, names[i], strlen(names[i]) + 1))
            memcpy(m + NAMES_AT + 16 * i, names[i], strlen(names[i]) + 1);
}

static void step_hostcall(domain_t *d, int k)
{
    uint8_t how = byte();
    /* frames deep: none, a few, just enough room for the handler
     * (IPC_ROOM_FRAMES), just too little, nearly all */
    static const int depths[8] = {0, 0, 0, 0, 3, CALL_DEPTH - IPC_ROOM_FRAMES - 8,
                                  CALL_DEPTH - IPC_ROOM_FRAMES + 4, CALL_DEPTH - 3};
    int dep = depths[how >> 2 & 7], preempt = how & 3;
    const char *sh = calls[k].shape;
    uint64_t a[9] = {0}, *x = a + 2;
    int nx = 0;
    uint64_t lent = 0;
    for (const char *p = sh; *p && nx < 7; p++) {
        switch (*p) {
        case 'H': x[nx++] = handle_arg(d, KOBJ_ANY); break;
        case 'E': x[nx++] = handle_arg(d, KOBJ_ENDPOINT); break;
        case 'B': x[nx++] = lent = handle_arg(d, KOBJ_BUFFER); break;
        case 'P': x[nx++] = ptr_arg(d); break;
        case 'N': {
            uint8_t v = byte();
            x[nx++] = v < 224 ? NAMES_AT + 16u * (v % NNAMES) : ptr_arg(d);
            if (p[1] == 'L') {
                x[nx++] = v < 224 ? strlen(names[v % NNAMES]) : len_arg();
                p++;
            }
            break;
        }
        case 'L': x[nx++] = len_arg(); break;
        case 'R': x[nx++] = rights_arg(); break;
        case 'T': x[nx++] = time_arg(); break;
        case 'O': x[nx++] = offset_arg(d); break;
        case 'S': x[nx++] = small_arg(); break;
        case 'A': {
            /* the handler's (a0..a3): a call passes 4, a lend 3 and the lent handle */
            uint64_t h[4];
            handler_args(d, x[0], h, lent);
            int n = sh[1] == 'B' ? 3 : 4;
            for (int i = 0; i < n && nx < 7; i++)
                x[nx++] = h[i];
            while (*p == 'A' && p[1] == 'A')
                p++;
            break;
        }
        default: x[nx++] = byte() % 2 ? (uint64_t)(int64_t)(int8_t)byte() : word32();
        }
    }
    put_names(d);
    a[0] = (uint64_t)dep;
    a[1] = (uint64_t)k;
    /* A call into an endpoint: its server, for the checks after it. */
    bool is_call = sh[0] == 'E';
    kobj_t *eo = NULL, *bo = NULL;
    domain_t *srv = NULL;
    if (is_call && cap_lookup(d->caps, (cap_handle_t)x[0], KOBJ_ENDPOINT, 0, &eo) == CAP_OK)
        srv = ((endpoint_t *)eo)->server;
    else
        eo = NULL;
    if (is_call && sh[1] == 'B' && cap_lookup(d->caps, (cap_handle_t)x[1], KOBJ_BUFFER, 0, &bo))
        bo = NULL;
    /* Finding 2 skipped: the endpoint and the lent buffer are held by a
     * reference for the length of the call, as the fix will hold them. */
    bool hold = (skip >> 2 & 1) != 0;
    if (hold && eo)
        kobj_ref(eo);
    if (hold && bo)
        kobj_ref(bo);
    uint32_t faults0 = srv ? srv->sup.faults : 0;
    bool ro0 = srv && srv->ro_kill;
    long nested0 = nested_steps;
    if (trace) {
        fprintf(stderr, "%*s%s: %s(", depth * 2, "", d->name, calls[k].name);
        for (int i = 0; i < nx; i++)
            fprintf(stderr, "%s%#llx", i ? ", " : "", (unsigned long long)x[i]);
        fprintf(stderr, ")%s%s\n", dep ? " deep" : "", preempt ? " preempted" : "");
    }
    int64_t r = run_own(d, "dhc", a, preempt);
    if (trace)
        fprintf(stderr, "%*s  -> %lld\n", depth * 2, "", (long long)r);
    /* A handler doing a+b cannot trap; if the server faulted all the
     * same, with nothing else run meanwhile, the trap was the caller's
     * (its call depth) and was charged to the server. */
    if (srv && srv != d && !(skip >> 6 & 1) && x[sh[1] == 'B' ? 3 : 1] % 10 == 0 && !ro0 &&
        nested_steps == nested0 && dom_alive(srv) && srv->sup.faults != faults0)
        fail(6, "%s faulted (%s) in a call from %s its handler could not trap in",
             srv->name, wasm_trap_kind_name((wasm_trap_kind_t)srv->sup.last_trap), d->name);
    if (hold && eo)
        kobj_unref(eo);
    if (hold && bo)
        kobj_unref(bo);
    if (r > 0 && r < (1ll << 31))
        remember((uint32_t)r);
    /* recv on a channel it still may receive on failed on a capability
     * error: the message's capability, which died in transit, wedges the
     * queue (finding 4, docs/faults.md; the kernel drops it and delivers). */
    kobj_t *co;
    if (!strcmp(calls[k].name, "recv") && r >= CAP_EEXPIRED && r <= CAP_ESTALE &&
        !(skip >> 4 & 1) && d->caps &&
        cap_lookup(d->caps, (cap_handle_t)x[0], KOBJ_CHANNEL, CAP_R_RECV, &co) == CAP_OK)
        fail(4, "%s: recv failed (%lld) on a live channel: a capability in transit wedges it",
             d->name, (long long)r);
}

static void step_memory(domain_t *d)
{
    uint8_t op = byte();
    uint64_t a[2] = {0, 0};
    switch (op % 5) {
    case 0: a[0] = op >> 3 & 3; run_own(d, "grow", a, 0); break;
    case 1: a[0] = offset_arg(d) + byte(); a[1] = byte(); run_own(d, "st", a, op >> 6); break;
    case 2: a[0] = offset_arg(d) + byte(); run_own(d, "ld", a, 0); break;
    case 3: run_own(d, "boom", a, 0); break;
    default: run_own(d, "spin", a, op >> 6); break;
    }
    if (trace)
        fprintf(stderr, "%*s%s: memory op %d\n", depth * 2, "", d->name, op % 5);
}

/* The supervisor's actions run on its own thread, with no domain. */
static void step_supervisor(domain_t *d)
{
    uint8_t op = byte();
    struct thread *me = cur;
    cur = &threads[NTHREADS];
    if (trace)
        fprintf(stderr, "%*ssupervisor: op %d on %s\n", depth * 2, "", op % 6, d->name);
    /* Finding 3: a reset under a thread blocked in the domain's host call
     * writes into released memory later. */
    bool guard = (skip >> 3 & 1) && on_stack(d);
    /* The grants its manifest names: a reset goes back to them, re-issued
     * ones (a fault of their owner derives them anew) included. */
    bool live[DOMAIN_MAX_NAMES];
    kobj_t *o;
    for (int i = 0; i < d->nnames; i++)
        live[i] = d->caps && cap_lookup(d->caps, d->names[i].h, KOBJ_ANY, 0, &o) == CAP_OK;
    switch (op % 6) {
    case 0:
        if (!guard)
            domain_reset(d);
        break;
    case 1:
        if (!guard)
            domain_restart(d);
        break;
    case 2: domain_kill(d); break;
    case 3: domain_stop(d); break;
    case 4: domain_start(d); break;
    default: sup_tick(&w.sys, fake_ns); break;
    }
    for (int i = 0; i < d->nnames && op % 6 < 2 && !(skip >> 11 & 1); i++)
        if (live[i] && cap_lookup(d->caps, d->names[i].h, KOBJ_ANY, 0, &o) != CAP_OK)
            fail(11, "%s: its reset dropped its grant %s (handle %#x)", d->name, d->names[i].name,
                 d->names[i].h);
    cur = me;
}

static void step_time(void)
{
    static const uint64_t dt[] = {1000, 1000000, 10000000, 100000000, 2000000000};
    uint8_t v = byte();
    fake_ns += dt[v % 5];
    size_t n = cap_tick(&w.sys.space, fake_ns);
    if (v & 8)
        sup_tick(&w.sys, fake_ns);
    if (trace)
        fprintf(stderr, "%*stime +%llu ns: %zu leases ended\n", depth * 2, "",
                (unsigned long long)dt[v % 5], n);
}

static void step_flood(domain_t *d)
{
    uint32_t h = (uint32_t)handle_arg(d, KOBJ_ANY);
    int n = 1 + byte() * 2;
    cap_handle_t got;
    for (int i = 0; i < n; i++)
        if (cap_derive(d->caps, h, CAP_R_SAME, d->caps, &got) != CAP_OK)
            break;
    if (trace)
        fprintf(stderr, "%*s%s: cap_dup(%#x) x%d\n", depth * 2, "", d->name, h, n);
}

static void run_steps(int n)
{
    for (int i = 0; i < n && in_n && steps_left > 0; i++) {
        steps_left--;
        uint8_t b = byte();
        domain_t *d = doms[(b >> 4) % ndoms];
        switch (b & 15) {
        case 0: case 1: case 2: case 3: case 4: case 5:
            step_hostcall(d, byte() % ncalls);
            break;
        case 6: case 7: {   /* a call into an endpoint */
            int k = byte() % 3;
            const char *want = k == 0 ? "call" : k == 1 ? "call_timeout" : "call_lend";
            for (k = 0; k < ncalls && strcmp(calls[k].name, want); k++)
                ;
            if (k < ncalls)
                step_hostcall(d, k);
            break;
        }
        case 8: case 9: step_memory(d); break;
        case 10: case 11: step_supervisor(d); break;
        case 12: step_time(); break;
        case 13: step_flood(d); break;
        default: step_hostcall(d, byte() % ncalls); break;
        }
        check();
    }
}

/* ------------------------------------------------------------ the page-fault path */

/* trap_fixup's part for the harness: a write to a read-only buffer
 * mapping goes to a scratch page and the writer is killed (ipc.c); the
 * engine's copy-on-write faults are the hosted platform's own handler's. */
static struct sigaction old_segv;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    uintptr_t a = (uintptr_t)si->si_addr;
    for (int i = 0; i < ndoms; i++) {
        wasm_memory_t *m = doms[i] && doms[i]->inst ? wasm_instance_memory(doms[i]->inst, 0) : NULL;
        if (m && wasm_memory_write_fault(m, (void *)a))
            return;
    }
    /* trap_fixup asks ipc_ro_write_fault only for a thread with a domain
     * (trap.c); on another thread (the supervisor's) the fault is a
     * kernel panic, unless finding 9 is skipped. */
    bool domain_thread = cur && cur != &threads[NTHREADS];
    if ((domain_thread || (skip >> 9 & 1)) && ndoms && ipc_ro_write_fault(&w.sys, a))
        return;
    for (int i = 0; i < ndoms && !domain_thread; i++) {
        domain_t *d = doms[i];
        uintptr_t base = d && d->inst ? (uintptr_t)wasm_memory_data(wasm_instance_memory(d->inst, 0)) : 0;
        for (int k = 0; base && k < d->nmaps; k++)
            if (a >= base + d->map_off[k] && a < base + d->map_off[k] + d->map_len[k]) {
                static const char msg[] = "\nkfuzz-multi: INVARIANT VIOLATED (known finding 9): a write "
                                          "into a read-only buffer mapping from a thread with no domain "
                                          "(trap_fixup would panic)\n";
                if (write(2, msg, sizeof msg - 1) < 0)
                    abort();
                abort();
            }
    }
    /* Not ours: the previous handler's (the engine platform's: compiled
     * code's guard pages, then ASan's). Staying installed: the next fault
     * may be ours again. */
    if (old_segv.sa_flags & SA_SIGINFO)
        old_segv.sa_sigaction(sig, si, uc);
    else
        sigaction(SIGSEGV, &old_segv, NULL);   /* returning re-faults into it */
}

/* ------------------------------------------------------------ libFuzzer */

/* Each input builds and frees a world of several instances: a quarantine
 * of 16 MiB still covers the frees of one input (a use after free inside
 * it is caught) and keeps the allocator's pages warm; short allocation
 * stacks halve the cost of a malloc. */
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=16:malloc_context_size=8";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    kworld_init((*argv)[0]);
    /* a list of finding numbers: "1,7,10" */
    for (const char *k = getenv("KFUZZ_KNOWN"); k && *k;) {
        char *end;
        long n = strtol(k, &end, 10);
        if (end == k) {
            k++;
            continue;
        }
        if (n > 0 && n < 32)
            skip |= 1u << n;
        k = end;
    }
    trace = getenv("KFUZZ_TRACE") != NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    in_p = data;
    in_n = size;
    static char text[2048];
    ndoms = 2 + byte() % 3;
    text[0] = 0;
    for (int i = 0; i < ndoms; i++)
        strcat(text, sections[i]);
    fake_ns = 1000000000ull;
    /* The runtime and the threads' execs (value stacks of 256 KiB: the
     * room IPC_ROOM_CELLS promises a handler, and more) outlive worlds:
     * allocating them for each input costs more than the input. The
     * runtime keeps the host functions of every world made on it, so it
     * is made anew every 64 inputs; nothing else of it carries over. */
    static wasm_runtime_t *rt;
    static int rt_uses;
    if (rt && rt_uses++ == 64) {
        for (int i = 0; i < NTHREADS; i++)
            wasm_exec_free(threads[i].ex);
        kworld_forget(rt);
        wasm_runtime_free(rt);
        rt = NULL;
    }
    if (!rt) {
        wasm_config_t cfg = {.max_call_depth = CALL_DEPTH, .value_stack_cells = 1u << 15,
                             .max_memory_pages = 16, .max_table_elems = 1000};
        if (!(rt = wasm_runtime_new(&cfg)))
            abort();
        rt_uses = 0;
        for (int i = 0; i < NTHREADS; i++)
            if (!(threads[i].ex = wasm_exec_new(rt)))
                abort();
    }
    kworld_up_in(&w, rt, text, strlen(text));
    static const char *const dn[MAX_DOMS] = {"a", "b", "c", "d"};
    for (int i = 0; i < ndoms; i++) {
        doms[i] = domain_find(&w.sys, dn[i]);
        if (!doms[i] || doms[i]->state != DOMAIN_READY) {
            fprintf(stderr, "kfuzz-multi: domain %s did not come up:\n%s", dn[i], w.log);
            abort();
        }
    }
    if (!ncalls) {
        const wasm_module_t *m = wasm_instance_module(doms[0]->inst);
        for (uint32_t i = 0; i < wasm_module_import_count(m) && ncalls < 64; i++) {
            wasm_import_desc_t id;
            wasm_module_import(m, i, &id);
            hc_t *c = &calls[ncalls++];
            snprintf(c->name, sizeof c->name, "%.*s", (int)id.name_len, id.name);
            c->shape = "XXXXXXX";
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                if (!strcmp(shapes[s].name, c->name))
                    c->shape = shapes[s].shape;
        }
    }
    for (int i = 0; i <= NTHREADS; i++) {
        struct thread *t = &threads[i];
        wasm_exec_t *ex = t->ex;
        memset(t, 0, sizeof *t);
        t->id = i;
        if ((t->ex = ex)) {
            wasm_exec_clear_interrupt(ex);
            wasm_exec_set_safepoint_hook(ex, safepoint, t);
        }
    }
    memset(recent, 0, sizeof recent);
    memset(resets_seen, 0, sizeof resets_seen);
    nrecent = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, &old_segv);
    kinv_note_init(&w.sys);
    cur = NULL;
    depth = 0;
    steps_left = MAX_STEPS;
    check();
    while (in_n && steps_left > 0)
        run_steps(1);
    sigaction(SIGSEGV, &old_segv, NULL);
    memset(doms, 0, sizeof doms);
    ndoms = 0;
    kworld_down_keep(&w);
    return 0;
}
