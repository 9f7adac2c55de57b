/*
 * The fault-injection campaign (docs/faults-injection.md),
 * modeled on MINIX 3's: every injection mutates one instruction of a driver
 * domain's code (tools/faults/wmut.c), loads the mutant as the driver domain
 * of a kernel domain system (domain_load: instantiated, snapshotted), drives
 * it through its endpoints with a fixed workload, and when it traps lets
 * the kernel's supervisor contain it (domain_fault: fault log, capabilities
 * re-issued, snapshot restart) and times the recovery from the fault to
 * the restarted driver's first answer.
 *
 * The "kernel" is the portable kernel code (cap, domain, ipc, hostcall,
 * supervise) running in a child process over the host-test shim: a crash or hang of
 * that process is a kernel crash. The parent keeps the counts, starts a new
 * child after a crash (from the next injection) and prints
 *   faults: N injected, K kernel crashes, T traps, R restarts, recovery p50 X us p99 Y us
 *
 * usage: faults [-n N] [-s SEED] [-m driver.wasm] [-C checked.wasm] [-j JOBS] [-v]
 *        (-C: the driver built with its self-checks, run with them on;
 *        faults still go only into the plain driver's code)
 *        faults -m driver.wasm -s SEED --one I [-o mutant.wasm]   (replay one)
 */
#include "wmut.h"

#include "kshim.h"

#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/supervise.h>
#include <wasm/wasm.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUEL 2000000000      /* safe points per call: a backstop (compiled code runs 20M in a few ms); hangs are the watchdog's */
#define TICK_US 2000         /* the supervisor's tick (CPU time) */
#define CHUNK 2000           /* injections per child process */
#define HANG_SECONDS 20      /* one injection taking longer: the kernel hung */

enum { OUT_CLEAN, OUT_WRONG, OUT_TRAP, OUT_DETECTED, OUT_FALSE, OUT_PERSIST, OUT_REJECT,
       OUT_NORECOVER, OUT_NONE, OUT_KINDS };
static const char *const out_name[OUT_KINDS] = {
    "ran clean", "wrong answers (undetected)", "trapped and restarted",
    "wrong answer caught by a self-check", "self-check failed on a right answer",
    "restarted, trapped again", "rejected at load", "restart failed", "no site",
};

/* The domain system: the driver (its code: the current mutant) and a
 * client holding an endpoint capability for each handler. restart=N: the
 * supervisor restarts at once, every time (no back-off). With -c each
 * endpoint also runs the driver's self-check (check=, blkdrv.c *_ck). */
#define DRV_LINE "blkdrv blkdrv.wasm mem=32 restart=1000000000 budget=20\n"
#define EP(h, ck) "    endpoint blk." h " handler=" h ck "\n"
#define DRV_EPS(c1, c2, c3, c4, c5, c6) \
    EP("init", c1) EP("blk_write", c2) EP("blk_read", c3) EP("tx_put", c4) \
    EP("tx_drain", c5) EP("status", c6)
static const char manifest_plain[] = DRV_LINE DRV_EPS("", "", "", "", "", "")
    "client client.wasm\n"
    "    endpoint blk.init\n"
    "    endpoint blk.blk_write\n"
    "    endpoint blk.blk_read\n"
    "    endpoint blk.tx_put\n"
    "    endpoint blk.tx_drain\n"
    "    endpoint blk.status\n";
static const char manifest_checked[] = DRV_LINE
    DRV_EPS(" check=init_ck", " check=blk_write_ck", " check=blk_read_ck", " check=tx_put_ck",
            " check=tx_drain_ck", " check=status_ck")
    "client client.wasm\n"
    "    endpoint blk.init\n"
    "    endpoint blk.blk_write\n"
    "    endpoint blk.blk_read\n"
    "    endpoint blk.tx_put\n"
    "    endpoint blk.tx_drain\n"
    "    endpoint blk.status\n";
static const uint8_t empty_module[] = {0, 'a', 's', 'm', 1, 0, 0, 0};

/* One workload step: handler and arguments. */
static const struct { const char *h; int64_t a, b; } work[] = {
    {"init", 0, 0},      {"blk_write", 3, 77}, {"blk_read", 0, 16}, {"tx_put", 'A', 0},
    {"tx_put", 'z', 0},  {"tx_drain", 8, 0},   {"blk_write", 16, 1}, {"blk_read", 10, 10},
    {"blk_write", 15, 5}, {"blk_read", 15, 1}, {"tx_drain", 1, 0},  {"status", 0, 0},
};
#define NWORK (sizeof work / sizeof work[0])
static const char *const handlers[] = {"init", "blk_write", "blk_read", "tx_put", "tx_drain",
                                       "status"};
#define NHANDLERS (sizeof handlers / sizeof handlers[0])

typedef struct rec {
    uint32_t i;
    uint8_t out, kind, restarts;
    uint8_t plain_out;     /* with -C: the same fault without the self-checks */
    uint32_t recov_ns;
} rec_t;

typedef struct world {
    wasm_runtime_t *rt;
    wasm_exec_t *ex;
    domsys_t sys;
    domain_t *drv, *cli;
    bool checks;
    const uint8_t *orig;
    size_t orig_len;
    int64_t golden[NWORK];
} world_t;

/* The driver's code for the next load (domsys_t.find_file has no context). */
static const uint8_t *cur_code;
static size_t cur_len;

static int verbose;

/* The kernel's clock here (it replaces the shim's): the process's CPU
 * time. The "machine" runs only while the process does, so the watchdog's
 * budget and the recovery times do not count the host's other load. */
uint64_t timer_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
    return timer_now_ns();
}

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static bool files(const char *n, const uint8_t **d, size_t *l)
{
    if (!strcmp(n, "blkdrv.wasm"))
        *d = cur_code, *l = cur_len;
    else if (!strcmp(n, "client.wasm"))
        *d = empty_module, *l = sizeof empty_module;
    else
        return false;
    return true;
}

/* The client's current handle for handler h (re-issued after each fault,
 * so looked up as athanor.cap_find would), or 0. */
static cap_handle_t handle(world_t *w, const char *h)
{
    char name[32] = "blk.";
    cap_handle_t c = 0;
    strncat(name, h, sizeof name - 5);
    domain_cap_find(w->cli, name, strlen(name), &c);
    return c;
}

/* Loads bytes as the driver's code through the kernel's domain_load
 * (instantiate, snapshot): 0 ready, or OUT_REJECT. The endpoints stay;
 * their cached functions are resolved again. */
static int drv_load(world_t *w, const uint8_t *bytes, size_t len)
{
    domain_t *d = w->drv;
    for (size_t i = 0; i < NHANDLERS; i++) {
        kobj_t *o;
        if (cap_lookup(w->cli->caps, handle(w, handlers[i]), KOBJ_ENDPOINT, CAP_R_CALL, &o) == CAP_OK)
            ((endpoint_t *)o)->fn = NULL;
    }
    if (d->inst)
        wasm_instance_free(d->inst);
    if (d->mod)
        wasm_module_free(d->mod);
    d->inst = NULL, d->mod = NULL, d->state = DOMAIN_DEAD;
    return domain_load(d, "blkdrv.wasm", bytes, len) ? 0 : OUT_REJECT;
}

/* A client call through the endpoint capability for handler h: 0 or an error. */
static int call(world_t *w, const char *h, int64_t a, int64_t b, int64_t *res)
{
    uint64_t args[4] = {(uint64_t)a, (uint64_t)b, 0, 0}, r = 0;
    wasm_exec_set_fuel(w->ex, FUEL);
    int e = ipc_call(w->cli->caps, w->ex, handle(w, h), args, 0, &r);
    *res = (int64_t)r;
    return e;
}

/* The supervisor's tick as the kernel runs it (a timer interrupt; the
 * supervisor thread's sup_tick): SIGVTALRM every TICK_US of CPU time sets
 * the exec's interrupt flag, and the next safe point runs sup_tick, whose
 * watchdog stops a driver call running past its budget= (a hang): the
 * driver traps out of fuel, and it is the driver's fault. */
static wasm_exec_t *volatile tick_ex[2];     /* the worlds' execs (-C: two) */

static void on_tick(int sig)
{
    (void)sig;
    for (int i = 0; i < 2; i++)
        if (tick_ex[i])
            wasm_exec_interrupt(tick_ex[i]);
}

static wasm_trap_kind_t tick_hook(wasm_exec_t *ex, void *user)
{
    wasm_exec_clear_interrupt(ex);
    sup_tick(user, now_ns());
    return WASM_OK;
}

static void tick_start(world_t *w)
{
    struct itimerval it = {{0, TICK_US}, {0, TICK_US}};
    tick_ex[tick_ex[0] != NULL] = w->ex;
    wasm_exec_set_safepoint_hook(w->ex, tick_hook, &w->sys);
    signal(SIGVTALRM, on_tick);
    setitimer(ITIMER_VIRTUAL, &it, NULL);
}

static void tick_stop(wasm_exec_t *ex)
{
    struct itimerval it = {{0, 0}, {0, 0}};
    for (int i = 0; i < 2; i++)
        if (tick_ex[i] == ex)
            tick_ex[i] = NULL;
    if (!tick_ex[0] && !tick_ex[1])
        setitimer(ITIMER_VIRTUAL, &it, NULL);
}

static bool world_up(world_t *w, const uint8_t *orig, size_t len, bool checks)
{
    memset(w, 0, sizeof *w);
    w->checks = checks;
    w->orig = orig, w->orig_len = len;
    cur_code = orig, cur_len = len;
    if (!(w->rt = wasm_runtime_new(NULL)) || !domsys_init(&w->sys, w->rt, files) ||
        !(w->ex = wasm_exec_new(w->rt)))
        return false;
    if (checks)
        domsys_load_manifest(&w->sys, manifest_checked, sizeof manifest_checked - 1);
    else
        domsys_load_manifest(&w->sys, manifest_plain, sizeof manifest_plain - 1);
    if (!(w->cli = domain_find(&w->sys, "client")) || !(w->drv = domain_find(&w->sys, "blkdrv")) ||
        w->drv->state != DOMAIN_READY || !w->drv->sup.snap)
        return false;
    tick_start(w);
    for (size_t s = 0; s < NWORK; s++)
        if (call(w, work[s].h, work[s].a, work[s].b, &w->golden[s]))
            return false;
    return true;
}

static void world_down(world_t *w)
{
    tick_stop(w->ex);
    domsys_fini(&w->sys);
    wasm_exec_free(w->ex);
    wasm_runtime_free(w->rt);
}

/* After the trapping call: the supervisor has logged the fault, re-issued
 * the driver's capabilities and reset it to its snapshot (domain_fault ->
 * domain_restart). The restarted driver must answer its first call
 * (status) exactly as right after its load (the reset undid the workload's
 * state); *ns runs from the fault to that answer. The mutant's code is
 * what restarts, so the fault may come back (OUT_PERSIST). */
static int recover(world_t *w, uint32_t restarts0, int64_t fresh, int out, rec_t *rc)
{
    int64_t r;
    domain_t *d = w->drv;
    if (d->state != DOMAIN_READY || d->sup.restarts != restarts0 + 1)
        return OUT_NORECOVER;
    rc->restarts = 1;
    int e = call(w, "status", 0, 0, &r);
    uint64_t t = now_ns();
    if (e == IPC_ETRAP) {
        rc->restarts = (uint8_t)(d->sup.restarts - restarts0);
        return OUT_PERSIST;
    }
    if (e || r != fresh)
        return OUT_NORECOVER;
    uint64_t ns = t - d->sup.fault_at;
    rc->recov_ns = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
    return out;
}

/* The mutant of injection i (seed s) into buf: its length, or 0. */
static size_t mutant(const wmut_t *m, uint64_t s, uint32_t i, uint8_t *buf, size_t cap,
                     uint8_t *kind)
{
    uint64_t r = mix(s ^ mix(i));
    uint32_t site;
    for (int t = 0; t < WMUT_KINDS; t++) {
        *kind = (uint8_t)((r + (uint64_t)t) % WMUT_KINDS);
        size_t n = wmut_apply(m, (wmut_kind_t)*kind, mix(r), buf, cap, &site);
        if (n) {
            if (verbose)
                fprintf(stderr, "faults: injection %u: %s at instruction %u (offset %u)\n", i,
                        wmut_kind_name(*kind), site, m->insn[site].off);
            return n;
        }
    }
    return 0;
}

/* One injection: its record. The first call (status, which writes
 * nothing) gives the state a reset must bring back. */
static rec_t inject(world_t *w, const wmut_t *m, uint64_t seed, uint32_t i, uint8_t *buf)
{
    rec_t rc = {i, OUT_NONE, 0, 0, OUT_NONE, 0};
    size_t n = mutant(m, seed, i, buf, w->orig_len + 64, &rc.kind);
    if (!n)
        return rc;
    cur_code = buf, cur_len = n;
    if (drv_load(w, buf, n) == OUT_REJECT) {
        rc.out = OUT_REJECT;
        return rc;
    }
    int64_t fresh;
    uint32_t restarts0 = w->drv->sup.restarts;
    int e = call(w, "status", 0, 0, &fresh);
    if (e == IPC_ETRAP) {
        rc.out = OUT_PERSIST;     /* no state to compare with: it traps again */
        rc.restarts = (uint8_t)(w->drv->sup.restarts - restarts0);
        return rc;
    }
    rc.out = e ? OUT_WRONG : OUT_CLEAN;
    for (size_t s = 0; s < NWORK; s++) {
        int64_t r;
        restarts0 = w->drv->sup.restarts;
        e = call(w, work[s].h, work[s].a, work[s].b, &r);
        if (e == IPC_ETRAP) {
            /* A self-check that failed: the kernel kept the handler's
             * answer in r (the client got IPC_ETRAP): was it wrong? */
            const char *why = w->drv->sup.last_why;
            int out = OUT_TRAP;
            if (why && !strcmp(why, "self-check failed"))
                out = rc.out == OUT_WRONG || r != w->golden[s] ? OUT_DETECTED : OUT_FALSE;
            rc.out = (uint8_t)recover(w, restarts0, fresh, out, &rc);
            return rc;
        }
        if (e || r != w->golden[s])
            rc.out = OUT_WRONG;
    }
    return rc;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *b = malloc(1 << 20);
    *len = b ? fread(b, 1, 1 << 20, f) : 0;
    fclose(f);
    return b;
}

static const uint8_t *g_orig, *g_plain;
static size_t g_len, g_plain_len;

/* The driver's mutation sites. With self-checks (-C) the driver is the
 * checked build, whose first functions are the plain build's, byte for
 * byte: faults go only into those, so a seed injects the same faults with
 * and without the checks. */
static bool decode_sites(wmut_t *m)
{
    wmut_t p;
    if (!wmut_decode(m, g_orig, g_len))
        return false;
    if (!g_plain)
        return true;
    bool same = wmut_decode(&p, g_plain, g_plain_len) && p.nfn <= m->nfn;
    for (uint32_t f = 0; same && f < p.nfn; f++)
        same = p.fn[f].end - p.fn[f].body == m->fn[f].end - m->fn[f].body &&
               !memcmp(p.bytes + p.fn[f].body, m->bytes + m->fn[f].body, p.fn[f].end - p.fn[f].body);
    if (same)
        m->nsites = p.ninsn;
    else
        fprintf(stderr, "faults: the checked driver's first functions are not the plain driver's\n");
    wmut_free(&p);
    return same;
}

/* The child: injections [from, to), one record each down fd. Afterwards
 * every kernel allocation must be back (as tests/kfuzz/kworld.c checks);
 * else, or on any other failure, a non-zero status, which fails the run. */
static int child(const uint8_t *orig, size_t len, uint64_t seed, uint32_t from, uint32_t to,
                 int fd)
{
    world_t w, wp;
    wmut_t m, mp;
    /* One buffer per world: a loaded module may keep pointing into it. */
    uint8_t *buf = malloc(len + 64), *bufp = malloc(len + 64);
    long live = kshim_live();
    if (!buf || !bufp || !decode_sites(&m) || !world_up(&w, orig, len, g_plain != NULL) ||
        (g_plain && (!wmut_decode(&mp, g_plain, g_plain_len) ||
                     !world_up(&wp, g_plain, g_plain_len, false)))) {
        fprintf(stderr, "faults: cannot set up the world\n");
        return 3;
    }
    for (uint32_t i = from; i < to; i++) {
        alarm(HANG_SECONDS);
        rec_t rc = inject(&w, &m, seed, i, buf);
        if (g_plain)    /* the same fault in the plain driver */
            rc.plain_out = inject(&wp, &mp, seed, i, bufp).out;
        if (write(fd, &rc, sizeof rc) != sizeof rc)
            return 4;
    }
    alarm(0);
    world_down(&w);
    wmut_free(&m);
    if (g_plain) {
        world_down(&wp);
        wmut_free(&mp);
    }
    free(buf);
    free(bufp);
    if (kshim_live() != live) {
        fprintf(stderr, "faults: injections [%u,%u) leaked %ld kernel allocations\n", from, to,
                kshim_live() - live);
        return 5;
    }
    return 0;
}

/* ------------------------------------------------------------ the parent */

typedef struct stats {
    uint64_t out[OUT_KINDS], kind_out[WMUT_KINDS][OUT_KINDS];
    uint64_t injected, crashes, leaks, restarts;
    uint64_t cross[OUT_KINDS][OUT_KINDS];     /* -C: [without checks][with] */
    uint32_t *recov;
    size_t nrecov;
} stats_t;

typedef struct job {
    pid_t pid;
    int fd;
    uint32_t from, to;
} job_t;

static uint64_t g_seed;

static bool job_start(job_t *j, uint32_t from, uint32_t to)
{
    int p[2];
    if (pipe(p))
        return false;
    fflush(NULL);
    j->from = from, j->to = to;
    j->pid = fork();
    if (j->pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        close(p[0]);
        /* exit, not _exit: LeakSanitizer runs at exit (an ASan build). */
        exit(child(g_orig, g_len, g_seed, from, to, p[1]));
    }
    close(p[1]);
    j->fd = p[0];
    return j->pid > 0;
}

static void tally(stats_t *st, const rec_t *rc)
{
    st->injected += rc->out != OUT_NONE;
    st->out[rc->out]++;
    st->kind_out[rc->kind % WMUT_KINDS][rc->out]++;
    st->restarts += rc->restarts;
    st->cross[rc->plain_out % OUT_KINDS][rc->out]++;
    if (rc->out == OUT_TRAP || rc->out == OUT_DETECTED || rc->out == OUT_FALSE)
        st->recov[st->nrecov++] = rc->recov_ns;
}

/* Collects job j; a crash counts against the injection after the last
 * one reported, and the rest of the range runs in a new child. */
/* SIGINT/SIGTERM: stop, and report the injections done so far. */
static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void job_finish(stats_t *st, job_t *j)
{
    for (;;) {
        rec_t rc;
        uint32_t next = j->from;
        ssize_t n;
        if (stopping)       /* the next jobs of a stopped run: what they sent */
            kill(j->pid, SIGKILL);
        while ((n = read(j->fd, &rc, sizeof rc)) == sizeof rc) {
            tally(st, &rc);
            next = rc.i + 1;
        }
        close(j->fd);
        if (stopping) {     /* cut short: not a crash */
            kill(j->pid, SIGKILL);
            waitpid(j->pid, NULL, 0);
            return;
        }
        int status = 0;
        waitpid(j->pid, &status, 0);
        if (next >= j->to) {
            if (!WIFEXITED(status) || WEXITSTATUS(status))
                st->leaks++, fprintf(stderr, "faults: child for [%u,%u) ended with status %#x after "
                                             "its last injection\n", j->from, j->to, status);
            return;
        }
        st->crashes++, st->injected++;
        fprintf(stderr, "faults: KERNEL CRASH at injection %u (%s %d); replay: "
                        "faults -m DRIVER -s %llu --one %u\n", next,
                WIFSIGNALED(status) ? "signal" : "exit",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                (unsigned long long)g_seed, next);
        if (next + 1 >= j->to || !job_start(j, next + 1, j->to))
            return;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_us(const stats_t *st, double p)
{
    if (!st->nrecov)
        return 0;
    size_t k = (size_t)(p * (double)(st->nrecov - 1) + 0.5);
    return st->recov[k] / 1000.0;
}

/* -C: what the self-checks changed, fault by fault. */
static void report_checks(const stats_t *st)
{
    uint64_t wrong = 0, caught = 0, by_check = 0, still = 0, clean = 0, flagged = 0;
    for (int w = 0; w < OUT_KINDS; w++) {
        const uint64_t *c = st->cross[w];
        if (w == OUT_WRONG) {
            for (int o = 0; o < OUT_KINDS; o++)
                wrong += c[o];
            by_check = c[OUT_DETECTED] + c[OUT_FALSE];
            caught = wrong - c[OUT_WRONG] - c[OUT_CLEAN];
            still = c[OUT_WRONG];
        }
        if (w == OUT_CLEAN) {
            for (int o = 0; o < OUT_KINDS; o++)
                clean += c[o];
            flagged = c[OUT_DETECTED] + c[OUT_FALSE];
        }
    }
    fprintf(stderr, "faults: self-checks: of %llu faults that gave wrong answers without them, %llu "
                    "were caught (%llu by a self-check, the rest trapped), %llu still gave wrong "
                    "answers; of %llu that ran clean without them, %llu were flagged by a "
                    "self-check\n", (unsigned long long)wrong, (unsigned long long)caught,
            (unsigned long long)by_check, (unsigned long long)still, (unsigned long long)clean,
            (unsigned long long)flagged);
}

static void report(stats_t *st)
{
    qsort(st->recov, st->nrecov, sizeof *st->recov, cmp_u32);
    if (g_plain)
        report_checks(st);
    for (int k = 0; k < WMUT_KINDS; k++) {
        fprintf(stderr, "faults: %-11s", wmut_kind_name((wmut_kind_t)k));
        for (int o = 0; o < OUT_NONE; o++)
            fprintf(stderr, " %s %llu%s", out_name[o], (unsigned long long)st->kind_out[k][o],
                    o + 1 < OUT_NONE ? "," : "\n");
    }
    fprintf(stderr, "faults: totals: %llu ran clean, %llu wrong answers, %llu recovered after a "
                    "restart (trapped %llu, wrong answer caught by a self-check %llu, self-check "
                    "failed on a right answer %llu), %llu trapped again after it, %llu rejected at "
                    "load, %llu restart failures, %llu unclean child exits\n",
            (unsigned long long)st->out[OUT_CLEAN], (unsigned long long)st->out[OUT_WRONG],
            (unsigned long long)st->nrecov, (unsigned long long)st->out[OUT_TRAP],
            (unsigned long long)st->out[OUT_DETECTED], (unsigned long long)st->out[OUT_FALSE],
            (unsigned long long)st->out[OUT_PERSIST],
            (unsigned long long)st->out[OUT_REJECT], (unsigned long long)st->out[OUT_NORECOVER],
            (unsigned long long)st->leaks);
    printf("faults: %llu injected, %llu kernel crashes, %llu traps, %llu restarts, "
           "recovery p50 %.1f us p99 %.1f us\n",
           (unsigned long long)st->injected, (unsigned long long)st->crashes,
           (unsigned long long)(st->out[OUT_TRAP] + st->out[OUT_DETECTED] + st->out[OUT_FALSE] +
                                st->out[OUT_PERSIST] + st->out[OUT_NORECOVER]),
           (unsigned long long)st->restarts, pct_us(st, 0.50), pct_us(st, 0.99));
}

static int campaign(uint32_t n, int jobs)
{
    stats_t st = {0};
    job_t *j = calloc((size_t)jobs, sizeof *j);
    if (!(st.recov = malloc(sizeof *st.recov * (n + 1))) || !j)
        return 2;
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;     /* no SA_RESTART: a read returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    for (uint32_t base = 0; base < n && !stopping;) {
        int started = 0;
        for (; started < jobs && base < n; started++, base += CHUNK)
            if (!job_start(&j[started], base, base + CHUNK < n ? base + CHUNK : n))
                return 2;
        for (int k = 0; k < started; k++)
            job_finish(&st, &j[k]);
    }
    report(&st);
    fflush(stdout);
    free(j);
    free(st.recov);
    return st.crashes || st.leaks || st.out[OUT_NORECOVER] ? 1 : 0;
}

/* Replays injection i in this process, verbosely; -o keeps the mutant. */
static int replay(uint32_t i, const char *out)
{
    world_t w;
    wmut_t m;
    uint8_t *buf = malloc(g_len + 64);
    verbose = 1;
    if (!buf || !decode_sites(&m) || !world_up(&w, g_orig, g_len, g_plain != NULL))
        return 2;
    if (out) {
        uint8_t kind;
        size_t n = mutant(&m, g_seed, i, buf, g_len + 64, &kind);
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(buf, 1, n, f) != n)
            return 2;
        fclose(f);
    }
    rec_t rc = inject(&w, &m, g_seed, i, buf);
    printf("faults: injection %u (%s): %s, recovery %.1f us\n", i,
           wmut_kind_name((wmut_kind_t)rc.kind), out_name[rc.out], rc.recov_ns / 1000.0);
    world_down(&w);
    wmut_free(&m);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t n = 1000;
    long one = -1;
    int jobs = 1;
    const char *drv = "build/faults/blkdrv.wasm", *ckdrv = NULL, *out = NULL;
    g_seed = 1;
    for (int a = 1; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : "0";
        if (!strcmp(argv[a], "-n"))
            n = (uint32_t)strtoul(v, NULL, 0), a++;
        else if (!strcmp(argv[a], "-s"))
            g_seed = strtoull(v, NULL, 0), a++;
        else if (!strcmp(argv[a], "-m"))
            drv = v, a++;
        else if (!strcmp(argv[a], "-j"))
            jobs = atoi(v) > 0 ? atoi(v) : 1, a++;
        else if (!strcmp(argv[a], "-o"))
            out = v, a++;
        else if (!strcmp(argv[a], "--one"))
            one = strtol(v, NULL, 0), a++;
        else if (!strcmp(argv[a], "-v"))
            verbose = 1;
        else if (!strcmp(argv[a], "-C"))
            ckdrv = v, a++;
        else {
            fprintf(stderr, "usage: faults [-n N] [-s SEED] [-m driver.wasm] [-C checked.wasm] "
                            "[-j JOBS] [-v] [--one I [-o mutant.wasm]]\n");
            return 2;
        }
    }
    if (!(g_orig = read_file(drv, &g_len))) {
        fprintf(stderr, "faults: cannot read %s: %s\n", drv, strerror(errno));
        return 2;
    }
    if (ckdrv) {
        g_plain = g_orig, g_plain_len = g_len;

        if (!(g_orig = read_file(ckdrv, &g_len))) {
            fprintf(stderr, "faults: cannot read %s: %s\n", ckdrv, strerror(errno));
            return 2;
        }
    }
    return one >= 0 ? replay((uint32_t)one, out) : campaign(n, jobs);
}
