/*
 * The reset benchmark ("athanor.bench-reset" on a test kernel's command
 * line; make bench-reset [ARCH=...], mk/faults.mk), on the kernel's clock:
 *   reset        wasm_instance_reset after 1, 16 and 256 pages were dirtied
 *                by Wasm stores, in a 2 MiB and a 16 MiB memory (the cost
 *                follows the pages dirtied, not the memory's size);
 *   memcpy       the same bytes copied;
 *   instantiate  a fresh instance of the same module (reset.wasm);
 *   restart      RB_RESTARTS cycles of a server domain trapping in a call
 *                (scenario/trapsrv.wasm op(1): writes a word, traps), the
 *                supervisor's fault log, reset and re-issued capabilities,
 *                and the client's first call answered (op(2) = 1234):
 *                p50, p99, max.
 * Each reset, memcpy and instantiate figure is the median of RB_RUNS runs.
 * The last line is the one `make bench-reset` promises:
 *   reset: 256 pages R us, memcpy 1MiB M us, instantiate I us; restart p50 A us p99 B us max C us
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

#define RB_RUNS 11
#define RB_RESTARTS 10000

static const char rb_manifest[] =
    "rbsrv scenario/trapsrv.wasm restart=100000000\n"
    "    endpoint rb.op handler=op\n"
    "rbcli scenario/callee.wasm\n"
    "    endpoint rb.op\n";

/* Shell sort, then the q-th per mille. */
static uint64_t rb_pct(uint64_t *v, uint32_t n, uint32_t q)
{
    for (uint32_t gap = n / 2; gap; gap /= 2)
        for (uint32_t i = gap; i < n; i++)
            for (uint32_t j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
                uint64_t t = v[j];
                v[j] = v[j - gap];
                v[j - gap] = t;
            }
    uint32_t at = (uint32_t)((uint64_t)n * q / 1000);
    return v[at < n ? at : n - 1];
}

/* ns as microseconds with one decimal, for "%llu.%llu". */
#define RB_US(ns) (unsigned long long)(((ns) + 50) / 1000), \
                  (unsigned long long)(((ns) + 50) / 100 % 10)

static bool rb_poke(wasm_exec_t *ex, wasm_instance_t *inst, uint32_t addr, uint32_t v)
{
    uint64_t args[2] = {addr, v};
    wasm_func_t *f = wasm_instance_func(inst, "poke");
    return f && wasm_call(ex, f, args, NULL, NULL) == WASM_OK;
}

/* Median ns of resetting `pages` dirtied pages of inst (snapshotted). */
static uint64_t rb_reset(wasm_exec_t *ex, wasm_instance_t *inst, uint32_t pages)
{
    uint64_t t[RB_RUNS];
    for (int r = 0; r < RB_RUNS; r++) {
        for (uint32_t p = 0; p < pages; p++)
            if (!rb_poke(ex, inst, p * (uint32_t)PAGE_SIZE + 16, p + 1))
                return 0;
        uint64_t t0 = timer_now_ns();
        int64_t n = wasm_instance_reset(inst);
        t[r] = timer_now_ns() - t0;
        if (n != (int64_t)pages)
            return 0;
    }
    return rb_pct(t, RB_RUNS, 500);
}

static uint64_t rb_memcpy(uint8_t *dst, const uint8_t *src, size_t len)
{
    uint64_t t[RB_RUNS];
    for (int r = 0; r < RB_RUNS; r++) {
        uint64_t t0 = timer_now_ns();
        memcpy(dst, src, len);
        __asm__ volatile("" ::"r"(dst) : "memory");
        t[r] = timer_now_ns() - t0;
    }
    return rb_pct(t, RB_RUNS, 500);
}

/* Reset figures for 1, 16, 256 pages, in a memory of `mib` MiB (the
 * module's 2, or grown before the snapshot), into out[3]. */
static bool rb_resets(wasm_runtime_t *rt, wasm_exec_t *ex, wasm_module_t *m, uint32_t mib,
                      uint64_t out[3])
{
    static const uint32_t counts[3] = {1, 16, 256};
    wasm_error_t err;
    wasm_instance_t *inst = wasm_instantiate(m, NULL, ex, &err, NULL);
    bool ok = inst != NULL;
    (void)rt;
    if (ok && mib > 2)
        ok = wasm_memory_grow(wasm_instance_memory(inst, 0), (mib - 2) * 16) >= 0;
    ok = ok && wasm_instance_snapshot(inst);
    for (int i = 0; ok && i < 3; i++)
        ok = (out[i] = rb_reset(ex, inst, counts[i])) != 0;
    if (inst)
        wasm_instance_free(inst);
    return ok;
}

static uint64_t rb_instantiate(wasm_exec_t *ex, wasm_module_t *m)
{
    uint64_t t[RB_RUNS];
    wasm_error_t err;
    for (int r = 0; r < RB_RUNS; r++) {
        uint64_t t0 = timer_now_ns();
        wasm_instance_t *inst = wasm_instantiate(m, NULL, ex, &err, NULL);
        t[r] = timer_now_ns() - t0;
        if (!inst)
            return 0;
        wasm_instance_free(inst);
    }
    return rb_pct(t, RB_RUNS, 500);
}

static cap_handle_t rb_find(domain_t *d)
{
    cap_handle_t h = 0;
    domain_cap_find(d, "rb.op", 5, &h);
    return h;
}

/* RB_RESTARTS trap -> restart -> answer cycles; p50/p99/max into out[3]. */
static bool rb_restarts(wasm_runtime_t *rt, wasm_exec_t *ex, uint64_t out[3])
{
    static domsys_t sys;
    if (!domsys_init(&sys, rt, bootimg_find))
        return false;
    domsys_load_manifest(&sys, rb_manifest, sizeof rb_manifest - 1);
    domain_t *s = domain_find(&sys, "rbsrv"), *c = domain_find(&sys, "rbcli");
    uint64_t *t = kmalloc(RB_RESTARTS * sizeof *t);
    bool ok = s && c && t && s->state == DOMAIN_READY && c->state == DOMAIN_READY && s->sup.snap;
    uint32_t faults0 = ok ? s->sup.faults : 0;
    for (uint32_t i = 0; ok && i < RB_RESTARTS; i++) {
        uint64_t boom[4] = {1, 0, 0, 0}, ask[4] = {2, 0, 0, 0}, r = 0;
        uint64_t t0 = timer_now_ns();
        int e = ipc_call(c->caps, ex, rb_find(c), boom, 0, &r);
        int e2 = ipc_call(c->caps, ex, rb_find(c), ask, 0, &r);
        t[i] = timer_now_ns() - t0;
        if (e != IPC_ETRAP || e2 != 0 || r != 1234) {
            kprintf("reset bench: restart %u: trap %d, then %d (%llu)\n", i, e, e2,
                    (unsigned long long)r);
            ok = false;
        }
    }
    if (ok && (s->sup.faults - faults0 != RB_RESTARTS || s->sup.restarts != RB_RESTARTS)) {
        kprintf("reset bench: %u faults, %u restarts\n", s->sup.faults - faults0, s->sup.restarts);
        ok = false;
    }
    if (ok) {
        out[0] = rb_pct(t, RB_RESTARTS, 500);
        out[1] = rb_pct(t, RB_RESTARTS, 990);
        out[2] = t[RB_RESTARTS - 1];
    }
    kfree(t);
    domsys_fini(&sys);
    return ok;
}

int resetbench_run(void)
{
    wasm_error_t err;
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    wasm_module_t *m = ex ? wasm_module_load(rt, reset_wasm, reset_wasm_len, &err) : NULL;
    uint8_t *a = kmalloc(1u << 20), *b = kmalloc(1u << 20);
    uint64_t small[3], big[3], cp[3], inst = 0, rs[3];
    bool ok = m && a && b;
    if (ok) {
        thread_set_exec(thread_current(), ex);
        memset(a, 0x5a, 1u << 20);
        memset(b, 0xa5, 1u << 20);
        ok = rb_resets(rt, ex, m, 2, small) && rb_resets(rt, ex, m, 16, big);
        cp[0] = rb_memcpy(b, a, PAGE_SIZE);
        cp[1] = rb_memcpy(b, a, 16 * PAGE_SIZE);
        cp[2] = rb_memcpy(b, a, 256 * PAGE_SIZE);
        ok = ok && (inst = rb_instantiate(ex, m)) != 0;
        ok = ok && rb_restarts(rt, ex, rs);
        thread_set_exec(thread_current(), NULL);
    }
    if (ok) {
        static const char *const what[3] = {"1", "16", "256"};
        for (int i = 0; i < 3; i++)
            kprintf("reset bench (%s): %s pages: reset %llu.%llu us (2 MiB memory), %llu.%llu us "
                    "(16 MiB), memcpy %llu.%llu us\n", arch_name(), what[i], RB_US(small[i]),
                    RB_US(big[i]), RB_US(cp[i]));
        kprintf("reset bench (%s): %d restarts (trap, fault log, reset, capabilities "
                "re-issued, next call answered)\n", arch_name(), RB_RESTARTS);
        kprintf("reset: 256 pages %llu.%llu us, memcpy 1MiB %llu.%llu us, instantiate %llu.%llu us; "
                "restart p50 %llu.%llu us p99 %llu.%llu us max %llu.%llu us\n", RB_US(small[2]),
                RB_US(cp[2]), RB_US(inst), RB_US(rs[0]), RB_US(rs[1]), RB_US(rs[2]));
    } else {
        kprintf("reset bench: FAILED\n");
    }
    kfree(a);
    kfree(b);
    if (m)
        wasm_module_free(m);
    if (ex)
        wasm_exec_free(ex);
    if (rt)
        wasm_runtime_free(rt);
    return ok ? 0 : 1;
}
