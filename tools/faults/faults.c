/*
 * The fault-injection campaign (docs/faults-injection.md),
 * modeled on MINIX 3's: every injection mutates one instruction of a driver
 * domain's code (tools/faults/wmut.c), loads the mutant as the driver domain
 * of a kernel domain system, drives it through its endpoints with a fixed
 * workload, and when it traps restarts it (the original code, instantiated
 * again) and times the recovery until it answers again.
 *
 * The "kernel" is the portable kernel code (cap, domain, ipc, hostcall)
 * running in a child process over the host-test shim: a crash or hang of
 * that process is a kernel crash. The parent keeps the counts, starts a new
 * child after a crash (from the next injection) and prints
 *   faults: N injected, K kernel crashes, T traps, R restarts, recovery p50 X us p99 Y us
 *
 * usage: faults [-n N] [-s SEED] [-m driver.wasm] [-j JOBS] [-v]
 *        faults -m driver.wasm -s SEED --one I [-o mutant.wasm]   (replay one)
 */
#include "wmut.h"

#include "kshim.h"

#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <wasm/wasm.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUEL 200000          /* safe points per call: the original needs well under 1% */
#define CHUNK 2000           /* injections per child process */
#define HANG_SECONDS 20      /* one injection taking longer: the kernel hung */

enum { OUT_CLEAN, OUT_WRONG, OUT_TRAP, OUT_REJECT, OUT_NORECOVER, OUT_NONE, OUT_KINDS };
static const char *const out_name[OUT_KINDS] = {
    "ran clean", "wrong answers (undetected)", "trapped and restarted", "rejected at load",
    "restart failed", "no site",
};

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
    uint8_t out, kind;
    uint32_t recov_ns;
} rec_t;

typedef struct world {
    wasm_runtime_t *rt;
    wasm_exec_t *ex;
    domsys_t sys;
    domain_t *drv, *cli;
    endpoint_t *ep[NHANDLERS];
    cap_handle_t h[NHANDLERS];
    const uint8_t *orig;
    size_t orig_len;
    int64_t golden[NWORK];
} world_t;

static int verbose;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static bool no_files(const char *n, const uint8_t **d, size_t *l)
{
    (void)n, (void)d, (void)l;
    return false;
}

/* (Re)instantiates the driver from bytes: 0 ready, OUT_REJECT when the
 * module does not validate or link, OUT_TRAP when its start trapped. The
 * endpoints stay; their cached functions are resolved again. */
static int drv_load(world_t *w, const uint8_t *bytes, size_t len)
{
    static wasm_trap_t trap;
    domain_t *d = w->drv;
    wasm_error_t err = {0};
    if (d->inst)
        wasm_instance_free(d->inst);
    if (d->mod)
        wasm_module_free(d->mod);
    d->inst = NULL, d->state = DOMAIN_DEAD;
    for (size_t i = 0; i < NHANDLERS; i++)
        w->ep[i]->fn = NULL;
    if (!(d->mod = wasm_module_load(w->rt, bytes, len, &err)))
        return OUT_REJECT;
    trap.kind = WASM_OK;
    d->inst = wasm_instantiate(d->mod, d->linker, w->sys.boot_ex, &err, &trap);
    if (!d->inst) {
        wasm_module_free(d->mod);
        d->mod = NULL;
        return trap.kind != WASM_OK ? OUT_TRAP : OUT_REJECT;
    }
    wasm_instance_set_limits(d->inst, d->lim.mem_pages, 0);
    d->state = DOMAIN_READY;
    return 0;
}

/* A client call through the endpoint capability named h: 0 or an error. */
static int call(world_t *w, const char *h, int64_t a, int64_t b, int64_t *res)
{
    size_t k = 0;
    while (strcmp(handlers[k], h))
        k++;
    uint64_t args[4] = {(uint64_t)a, (uint64_t)b, 0, 0}, r = 0;
    wasm_exec_set_fuel(w->ex, FUEL);
    int e = ipc_call(w->cli->caps, w->ex, w->h[k], args, 0, &r);
    *res = (int64_t)r;
    return e;
}

static bool world_up(world_t *w, const uint8_t *orig, size_t len)
{
    memset(w, 0, sizeof *w);
    w->orig = orig, w->orig_len = len;
    domain_limits_t lim = {32, 100, 16, 8, DOMAIN_DEFAULT_TABLE_ELEMS};
    if (!(w->rt = wasm_runtime_new(NULL)) || !domsys_init(&w->sys, w->rt, no_files) ||
        !(w->ex = wasm_exec_new(w->rt)) || !(w->cli = domain_create(&w->sys, "client", NULL, 5)) ||
        !(w->drv = domain_create(&w->sys, "blkdrv", &lim, 3)))
        return false;
    for (size_t i = 0; i < NHANDLERS; i++)
        if (!(w->ep[i] = endpoint_create(w->drv, handlers[i])) ||
            domain_grant_root(w->cli, handlers[i], &w->ep[i]->obj, CAP_R_CALL, &w->h[i]))
            return false;
    if (drv_load(w, orig, len))
        return false;
    for (size_t s = 0; s < NWORK; s++)
        if (call(w, work[s].h, work[s].a, work[s].b, &w->golden[s]))
            return false;
    return true;
}

static void world_down(world_t *w)
{
    for (size_t i = 0; i < NHANDLERS; i++)
        if (w->ep[i])
            kobj_unref(&w->ep[i]->obj);
    domsys_fini(&w->sys);
    wasm_exec_free(w->ex);
    wasm_runtime_free(w->rt);
}

/* Restart after a trap: the original code again, then one call that must
 * answer. *ns: from the trap to that answer. */
static int restart(world_t *w, uint64_t t_trap, uint32_t *ns)
{
    int64_t r;
    if (drv_load(w, w->orig, w->orig_len) || call(w, "init", 0, 0, &r) ||
        call(w, "status", 0, 0, &r))
        return OUT_NORECOVER;
    uint64_t d = now_ns() - t_trap;
    *ns = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
    return OUT_TRAP;
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

/* One injection: its record. */
static rec_t inject(world_t *w, const wmut_t *m, uint64_t seed, uint32_t i, uint8_t *buf)
{
    rec_t rc = {i, OUT_NONE, 0, 0};
    size_t n = mutant(m, seed, i, buf, w->orig_len + 64, &rc.kind);
    if (!n)
        return rc;
    int e = drv_load(w, buf, n);
    uint64_t t = now_ns();
    if (e == OUT_REJECT) {
        rc.out = OUT_REJECT;
        return rc;
    }
    if (e == OUT_TRAP) {
        rc.out = (uint8_t)restart(w, t, &rc.recov_ns);
        return rc;
    }
    rc.out = OUT_CLEAN;
    for (size_t s = 0; s < NWORK; s++) {
        int64_t r;
        e = call(w, work[s].h, work[s].a, work[s].b, &r);
        if (e == IPC_ETRAP) {
            rc.out = (uint8_t)restart(w, now_ns(), &rc.recov_ns);
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

/* The child: injections [from, to), one record each down fd. Afterwards
 * every kernel allocation must be back (as tests/kfuzz/kworld.c checks);
 * else, or on any other failure, a non-zero status, which fails the run. */
static int child(const uint8_t *orig, size_t len, uint64_t seed, uint32_t from, uint32_t to,
                 int fd)
{
    world_t w;
    wmut_t m;
    uint8_t *buf = malloc(len + 64);
    long live = kshim_live();
    if (!buf || !wmut_decode(&m, orig, len) || !world_up(&w, orig, len)) {
        fprintf(stderr, "faults: cannot set up the world\n");
        return 3;
    }
    for (uint32_t i = from; i < to; i++) {
        alarm(HANG_SECONDS);
        rec_t rc = inject(&w, &m, seed, i, buf);
        if (write(fd, &rc, sizeof rc) != sizeof rc)
            return 4;
    }
    alarm(0);
    world_down(&w);
    wmut_free(&m);
    free(buf);
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
    uint64_t injected, crashes, leaks;
    uint32_t *recov;
    size_t nrecov;
} stats_t;

typedef struct job {
    pid_t pid;
    int fd;
    uint32_t from, to;
} job_t;

static const uint8_t *g_orig;
static size_t g_len;
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
    if (rc->out == OUT_TRAP)
        st->recov[st->nrecov++] = rc->recov_ns;
}

/* Collects job j; a crash counts against the injection after the last
 * one reported, and the rest of the range runs in a new child. */
static void job_finish(stats_t *st, job_t *j)
{
    for (;;) {
        rec_t rc;
        uint32_t next = j->from;
        ssize_t n;
        while ((n = read(j->fd, &rc, sizeof rc)) == sizeof rc) {
            tally(st, &rc);
            next = rc.i + 1;
        }
        close(j->fd);
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

static void report(stats_t *st)
{
    qsort(st->recov, st->nrecov, sizeof *st->recov, cmp_u32);
    for (int k = 0; k < WMUT_KINDS; k++) {
        fprintf(stderr, "faults: %-11s", wmut_kind_name((wmut_kind_t)k));
        for (int o = 0; o < OUT_NONE; o++)
            fprintf(stderr, " %s %llu%s", out_name[o], (unsigned long long)st->kind_out[k][o],
                    o + 1 < OUT_NONE ? "," : "\n");
    }
    fprintf(stderr, "faults: totals: %llu ran clean, %llu wrong answers, %llu rejected at load, "
                    "%llu restart failures, %llu unclean child exits\n",
            (unsigned long long)st->out[OUT_CLEAN], (unsigned long long)st->out[OUT_WRONG],
            (unsigned long long)st->out[OUT_REJECT], (unsigned long long)st->out[OUT_NORECOVER],
            (unsigned long long)st->leaks);
    printf("faults: %llu injected, %llu kernel crashes, %llu traps, %llu restarts, "
           "recovery p50 %.1f us p99 %.1f us\n",
           (unsigned long long)st->injected, (unsigned long long)st->crashes,
           (unsigned long long)(st->out[OUT_TRAP] + st->out[OUT_NORECOVER]),
           (unsigned long long)st->nrecov, pct_us(st, 0.50), pct_us(st, 0.99));
}

static int campaign(uint32_t n, int jobs)
{
    stats_t st = {0};
    job_t *j = calloc((size_t)jobs, sizeof *j);
    if (!(st.recov = malloc(sizeof *st.recov * (n + 1))) || !j)
        return 2;
    for (uint32_t base = 0; base < n;) {
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
    if (!buf || !wmut_decode(&m, g_orig, g_len) || !world_up(&w, g_orig, g_len))
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
    const char *drv = "build/faults/blkdrv.wasm", *out = NULL;
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
        else {
            fprintf(stderr, "usage: faults [-n N] [-s SEED] [-m driver.wasm] [-j JOBS] [-v] "
                            "[--one I [-o mutant.wasm]]\n");
            return 2;
        }
    }
    if (!(g_orig = read_file(drv, &g_len))) {
        fprintf(stderr, "faults: cannot read %s: %s\n", drv, strerror(errno));
        return 2;
    }
    return one >= 0 ? replay((uint32_t)one, out) : campaign(n, jobs);
}
