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
#include "campaign.h"

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

#define TICK_US 2000         /* the supervisor's tick (CPU time) */
#define CHUNK 2000           /* injections per child process */
#define HANG_SECONDS 20      /* one injection taking longer: the kernel hung */

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
    sup_tick(user, timer_now_ns());
    return WASM_OK;
}

static void tick_start(camp_world_t *w)
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

/* A world as the hosted campaign runs it: the core's (campaign.c) on a
 * runtime and an exec of its own, with the watchdog's tick. */
typedef struct world {
    wasm_runtime_t *rt;
    camp_world_t c;
} world_t;

static bool world_up(world_t *w, const uint8_t *orig, size_t len, bool checks)
{
    wasm_exec_t *ex;
    if (!(w->rt = wasm_runtime_new(NULL)) || !(ex = wasm_exec_new(w->rt)) ||
        !camp_world_up(&w->c, w->rt, ex, orig, len, checks))
        return false;
    tick_start(&w->c);
    return camp_world_golden(&w->c);
}

static void world_down(world_t *w)
{
    tick_stop(w->c.ex);
    camp_world_down(&w->c);
    wasm_exec_free(w->c.ex);
    wasm_runtime_free(w->rt);
}

static camp_rec_t inject(world_t *w, const wmut_t *m, uint64_t seed, uint32_t i, uint8_t *buf)
{
    if (verbose) {
        uint8_t kind;
        uint32_t site;
        if (camp_mutant(m, seed, i, buf, w->c.orig_len + 64, &kind, &site))
            fprintf(stderr, "faults: injection %u: %s at instruction %u (offset %u)\n", i,
                    wmut_kind_name(kind), site, m->insn[site].off);
    }
    return camp_inject(&w->c, m, seed, i, buf);
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
        camp_rec_t rc = inject(&w, &m, seed, i, buf);
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

/* Collects job j; a crash counts against the injection after the last
 * one reported, and the rest of the range runs in a new child. */
/* SIGINT/SIGTERM: stop, and report the injections done so far. */
static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void job_finish(camp_stats_t *st, job_t *j)
{
    for (;;) {
        camp_rec_t rc;
        uint32_t next = j->from;
        ssize_t n;
        if (stopping)       /* the next jobs of a stopped run: what they sent */
            kill(j->pid, SIGKILL);
        while ((n = read(j->fd, &rc, sizeof rc)) == sizeof rc) {
            camp_tally(st, &rc);
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

static double pct_us(const camp_stats_t *st, uint32_t per_mille)
{
    return camp_recov_pct(st, per_mille) / 1000.0;
}

/* -C: what the self-checks changed, fault by fault. */
static void report_checks(const camp_stats_t *st)
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

static void report(camp_stats_t *st)
{
    qsort(st->recov, st->nrecov, sizeof *st->recov, cmp_u32);
    if (g_plain)
        report_checks(st);
    for (int k = 0; k < WMUT_KINDS; k++) {
        fprintf(stderr, "faults: %-11s", wmut_kind_name((wmut_kind_t)k));
        for (int o = 0; o < OUT_NONE; o++)
            fprintf(stderr, " %s %llu%s", camp_out_name[o], (unsigned long long)st->kind_out[k][o],
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
           (unsigned long long)camp_traps(st), (unsigned long long)st->restarts, pct_us(st, 500),
           pct_us(st, 990));
}

static int campaign(uint32_t n, int jobs)
{
    camp_stats_t st = {0};
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
        uint32_t site;
        size_t n = camp_mutant(&m, g_seed, i, buf, g_len + 64, &kind, &site);
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(buf, 1, n, f) != n)
            return 2;
        fclose(f);
    }
    camp_rec_t rc = inject(&w, &m, g_seed, i, buf);
    printf("faults: injection %u (%s): %s, recovery %.1f us\n", i,
           wmut_kind_name((wmut_kind_t)rc.kind), camp_out_name[rc.out], rc.recov_ns / 1000.0);
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
