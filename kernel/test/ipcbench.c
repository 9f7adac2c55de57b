/*
 * The IPC benchmark inside the kernel ("athanor.bench" on the command
 * line, or make ARCH=... bench-ipc-qemu): the hosted bench's measurements
 * (bench/ipc/ipc_bench.c) on the kernel's clock, over the same two test
 * modules (tests/kernel/ipc/{server,client}.wat, boot image entries
 * ipc/server.wasm and ipc/client.wasm) in a domain system of its own:
 *   call      client -> server round trip through an endpoint (4 i64, 1 i64)
 *   local     the same add4 called inside the client
 *   move      a 1 MiB buffer moved client -> server (send, recv, map)
 *   copy      1 MiB copied into the server's memory
 * No pipe: the kernel has no processes to compare with. Each figure is the
 * median of IPCB_RUNS runs.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <wasm/wasm.h>

#include "core.h"
#include "ktest.h"

#define IPCB_RUNS 5
#define IPCB_COPY (1u << 20)

static const char ipcb_manifest[] =
    "server ipc/server.wasm prio=3 mem=64\n"
    "    endpoint srv.add handler=add4\n"
    "    channel inbox rights=send\n"
    "    channel srvbox recv\n"
    "client ipc/client.wasm prio=7 queue=4 mem=64\n"
    "    endpoint srv.add\n"
    "    channel inbox recv\n"
    "    channel srvbox\n"
    "    buffer big pages=256\n";

static cap_handle_t ipcb_named(domain_t *d, const char *n)
{
    cap_handle_t h = 0;
    size_t len = 0;
    while (n[len])
        len++;
    domain_cap_find(d, n, len, &h);
    return h;
}

static uint64_t ipcb_median(uint64_t *v)
{
    for (int i = 1; i < IPCB_RUNS; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[IPCB_RUNS / 2];
}

/* ns per iteration of the client's export fn(h, n); 0 on failure. */
static uint64_t ipcb_per_call(wasm_exec_t *ex, domain_t *c, const char *fn, cap_handle_t h,
                              uint32_t n)
{
    wasm_func_t *f = wasm_instance_func(c->inst, fn);
    uint64_t args[2] = {h, n}, r[1];
    uint64_t t = timer_now_ns();
    if (!f || wasm_call(ex, f, args, r, NULL) != WASM_OK)
        return 0;
    return (timer_now_ns() - t) / n;
}

/* One move a -> b through channel box: send (unmaps it in a), recv, map
 * at 0 in b. Its time in ns, 0 on failure. */
static uint64_t ipcb_move(domain_t *a, domain_t *b, const char *box, cap_handle_t *h)
{
    char m = 'm', r;
    cap_handle_t nh;
    uint64_t t = timer_now_ns();
    if (ipc_send(a->caps, ipcb_named(a, box), &m, 1, *h) ||
        ipc_recv(b->caps, ipcb_named(b, box), &r, 1, &nh, 0) != 1 || buf_map(b, b->caps, nh, 0))
        return 0;
    t = timer_now_ns() - t;
    *h = nh;
    return t ? t : 1;
}

/* The copy: from the client's memory (above where the move maps) into the
 * server's, the same distance above. */
static uint64_t ipcb_copy(domain_t *c, domain_t *s)
{
    uint8_t *src = wasm_memory_data(wasm_instance_memory(c->inst, 0)) + IPCB_COPY + 65536;
    uint8_t *dst = wasm_memory_data(wasm_instance_memory(s->inst, 0)) + IPCB_COPY + 65536;
    uint64_t t = timer_now_ns();
    __builtin_memcpy(dst, src, IPCB_COPY);
    __asm__ volatile("" ::"r"(dst) : "memory");
    return timer_now_ns() - t;
}

static bool ipcb_measure(wasm_exec_t *ex, domain_t *c, domain_t *s, uint64_t out[4])
{
    uint64_t call[IPCB_RUNS], local[IPCB_RUNS], mv[IPCB_RUNS], cp[IPCB_RUNS];
    cap_handle_t ep = ipcb_named(c, "srv.add"), big = ipcb_named(c, "big");
    ipcb_per_call(ex, c, "bench_call", ep, 2000);      /* warm up */
    for (int i = 0; i < IPCB_RUNS; i++) {
        call[i] = ipcb_per_call(ex, c, "bench_call", ep, 20000);
        local[i] = ipcb_per_call(ex, c, "bench_local", ep, 20000);
        if (!call[i] || !local[i])
            return false;
    }
    /* Room for the copy above the 1 MiB the move maps at 0. */
    if (buf_map(c, c->caps, big, 0) || wasm_memory_grow(wasm_instance_memory(c->inst, 0), 20) < 0 ||
        wasm_memory_grow(wasm_instance_memory(s->inst, 0), 20) < 0)
        return false;
    for (int i = -1; i < IPCB_RUNS; i++) {        /* one warm-up round */
        uint64_t m = ipcb_move(c, s, "srvbox", &big);
        if (!m || !ipcb_move(s, c, "inbox", &big))
            return false;
        uint64_t t = ipcb_copy(c, s);
        if (i >= 0)
            mv[i] = m, cp[i] = t;
    }
    out[0] = ipcb_median(call), out[1] = ipcb_median(local);
    out[2] = ipcb_median(mv), out[3] = ipcb_median(cp);
    return true;
}

/* Prints the "ipc: ..." line; returns the number of failures (0 or 1). */
int ipcbench_run(void)
{
    static domsys_t sys;
    wasm_runtime_t *rt = kwasm_runtime();
    if (!rt || !domsys_init(&sys, rt, bootimg_find)) {
        kprintf("ipc bench: FAILED: no runtime\n");
        return 1;
    }
    domsys_load_manifest(&sys, ipcb_manifest, sizeof ipcb_manifest - 1);
    domain_t *s = domain_find(&sys, "server"), *c = domain_find(&sys, "client");
    wasm_exec_t *ex = wasm_exec_new(rt);
    uint64_t r[4];
    bool ok = s && c && s->state == DOMAIN_READY && c->state == DOMAIN_READY && ex;
    if (ok) {
        thread_set_exec(thread_current(), ex);
        ok = ipcb_measure(ex, c, s, r);
        thread_set_exec(thread_current(), NULL);
    }
    if (ok)
        kprintf("ipc: call %llu ns, local call %llu ns, move 1MiB %llu ns, copy 1MiB %llu ns (%s)\n",
                (unsigned long long)r[0], (unsigned long long)r[1], (unsigned long long)r[2],
                (unsigned long long)r[3], arch_name());
    else
        kprintf("ipc bench: FAILED\n");
    if (ex)
        wasm_exec_free(ex);
    domsys_fini(&sys);
    return ok ? 0 : 1;
}
