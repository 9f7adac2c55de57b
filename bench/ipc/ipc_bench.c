/*
 * The IPC benchmark (make bench-ipc), hosted build, one process:
 *   call      client -> server round trip through an endpoint (4 i64, 1 i64)
 *   local     the same add4 called inside the client
 *   pipe      8 bytes there and back between two Linux processes
 *   move      a 1 MiB buffer moved client -> server (send, recv, map)
 *   copy      1 MiB memcpy from the client's memory into the server's
 * Each is the median of RUNS runs. Prints the one "ipc: ..." line.
 */
#include "../../tests/kernel/ipctest.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 7
#define COPY_AT (20u * 65536)   /* where the copy lands: the end of the server memory before it grows */

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

static double median(double *v)
{
    qsort(v, RUNS, sizeof *v, cmp);
    return v[RUNS / 2];
}

static cap_handle_t named(domain_t *d, const char *n)
{
    cap_handle_t h = 0;
    domain_cap_find(d, n, strlen(n), &h);
    return h;
}

/* ns per iteration of client export fn(h, n). */
static double per_call(ipc_world_t *w, const char *fn, cap_handle_t h, uint32_t n)
{
    uint64_t args[2] = {h, n};
    double t = now_ns();
    int64_t r = ipc_invoke(w, w->client, fn, args);
    t = now_ns() - t;
    if (r < 0) {
        fprintf(stderr, "ipc bench: %s failed: %lld\n", fn, (long long)r);
        exit(1);
    }
    return t / n;
}

static double pipe_rt(int n)
{
    int ab[2], ba[2];
    char c = 0;
    if (pipe(ab) || pipe(ba))
        exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < n; i++)
            if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    double t = now_ns();
    for (int i = 0; i < n; i++)
        if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
            exit(1);
    t = now_ns() - t;
    waitpid(pid, NULL, 0);
    close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
    return t / n;
}

/* One move: send from a (unmapping it there), recv in b, map in b. */
static double move_once(domain_t *a, domain_t *b, const char *box, cap_handle_t *h)
{
    char m = 'm', r;
    cap_handle_t nh;
    double t = now_ns();
    if (ipc_send(a->caps, named(a, box), &m, 1, *h) ||
        ipc_recv(b->caps, named(b, box), &r, 1, &nh, 0) != 1 ||
        buf_map(b, b->caps, nh, 0))
        exit(1);
    t = now_ns() - t;
    *h = nh;
    return t;
}

/* On a thread of its own: the hosted engine platform asks glibc for the
 * stack bounds on every wasm_call, which on the main thread parses
 * /proc/self/maps (~90 us); on other threads it is cheap. */
void *ipc_bench_run(void *arg)
{
    (void)arg;
    static const char manifest[] = IPC_TEST_MANIFEST "    buffer big pages=256\n";
    ipc_world_t w;
    if (!ipc_world_up(&w, manifest))
        exit(1);
    cap_handle_t ep = named(w.client, "srv.add"), big = named(w.client, "big");
    double call[RUNS], local[RUNS], pip[RUNS], mv[RUNS], cp[RUNS];
    static uint8_t src[1 << 20];
    per_call(&w, "bench_call", ep, 100000);      /* warm up */
    for (int i = 0; i < RUNS; i++) {
        call[i] = per_call(&w, "bench_call", ep, 200000);
        local[i] = per_call(&w, "bench_local", ep, 200000);
        pip[i] = pipe_rt(5000);
    }
    /* The copy lands above the pages the move maps (the server's memory
     * grows for it): on the hosted shim, remapping pages the host has
     * populated and dirtied costs Linux ~1 us a page to tear down, a cost
     * of the emulation that the kernel's page tables do not have. */
    if (buf_map(w.client, w.client->caps, big, 0) ||
        wasm_memory_grow(wasm_instance_memory(w.server->inst, 0), 20) < 0)
        exit(1);
    for (int i = -2; i < RUNS; i++) {     /* two warm-up rounds */
        double m = move_once(w.client, w.server, "srvbox", &big);
        move_once(w.server, w.client, "inbox", &big);
        uint8_t *dst = wasm_memory_data(wasm_instance_memory(w.server->inst, 0)) + COPY_AT;
        /* Touch every destination page first: page faults of the host are
         * not a copy's cost (the kernel maps linear memory eagerly). */
        for (size_t o = 0; o < sizeof src; o += 4096)
            ((volatile uint8_t *)dst)[o] = 0;
        double t = now_ns();
        memcpy(dst, src, sizeof src);
        __asm__ volatile("" ::"r"(dst) : "memory");
        t = now_ns() - t;
        src[i + 2] ^= dst[100 + i + 2];
        if (i >= 0)
            mv[i] = m, cp[i] = t;
    }
    printf("ipc: call %.0f ns, local call %.0f ns, pipe %.0f ns, move 1MiB %.0f ns, copy 1MiB %.0f ns\n",
           median(call), median(local), median(pip), median(mv), median(cp));
    ipc_world_down(&w);
    return NULL;
}
