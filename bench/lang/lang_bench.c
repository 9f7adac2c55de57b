/*
 * The language bench (make bench-lang), hosted kernel core, one process:
 * the cost of one call from a client domain into the same handler written
 * in C, Rust and AssemblyScript (user/test/lang/bench{c,rs,as}), each the
 * median of RUNS runs of N round trips, side by side, with the ratios to C.
 * Prints one "lang: ..." line. (bench/ipc/main.c runs it on a thread with
 * a large stack, under the name it calls.)
 */
#include "../../tests/kernel/ipctest.h"

#include <stdlib.h>
#include <time.h>

#define RUNS 7
#define N 200000

/* The modules, relative to where the shim reads them (build/san/ipc/). */
#define MOD "../../modules/lang/"
static const char manifest[] =
    "client client.wasm prio=7\n"
    "    endpoint c.op\n"
    "    endpoint rs.op\n"
    "    endpoint as.op\n"
    "csrv " MOD "benchc.wasm\n"
    "    endpoint c.op handler=op\n"
    "rssrv " MOD "benchrs.wasm\n"
    "    endpoint rs.op handler=op\n"
    "assrv " MOD "benchas.wasm\n"
    "    endpoint as.op handler=op\n";

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ns per round trip through the client's endpoint ep. */
static double per_call(ipc_world_t *w, const char *ep)
{
    cap_handle_t h = 0;
    if (domain_cap_find(w->client, ep, strlen(ep), &h)) {
        fprintf(stderr, "lang bench: no %s\n", ep);
        exit(1);
    }
    uint64_t args[2] = {h, N};
    double t = now_ns();
    int64_t r = ipc_invoke(w, w->client, "bench_call", args);
    t = now_ns() - t;
    /* bench_call sums the results: n + 1 + 2 + 3 for n = N .. 1. */
    int64_t want = (int64_t)N * (N + 1) / 2 + 6ll * N;
    if (r != want) {
        fprintf(stderr, "lang bench: %s: sum %lld, want %lld\n%s", ep, (long long)r,
                (long long)want, w->log);
        exit(1);
    }
    return t / N;
}

void *ipc_bench_run(void *arg)
{
    (void)arg;
    static const char *const eps[3] = {"c.op", "rs.op", "as.op"};
    ipc_world_t w;
    if (!ipc_world_up(&w, manifest)) {
        fprintf(stderr, "lang bench: world not up:\n%s", w.log);
        exit(1);
    }
    double t[3][RUNS], med[3];
    for (int k = 0; k < 3; k++)
        per_call(&w, eps[k]);        /* warm up */
    for (int i = 0; i < RUNS; i++)   /* interleaved: drift hits all three alike */
        for (int k = 0; k < 3; k++)
            t[k][i] = per_call(&w, eps[k]);
    for (int k = 0; k < 3; k++) {
        qsort(t[k], RUNS, sizeof t[k][0], cmp);
        med[k] = t[k][RUNS / 2];
    }
    printf("lang: call into C %.0f ns, Rust %.0f ns (%.2fx C), AssemblyScript %.0f ns (%.2fx C)\n",
           med[0], med[1], med[1] / med[0], med[2], med[2] / med[0]);
    ipc_world_down(&w);
    return NULL;
}
