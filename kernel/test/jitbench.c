/*
 * The compiled tier's bench inside the kernel ("athanor.bench-jit" on the
 * command line, or make ARCH=... bench-jit-qemu; docs/compiler.md): every
 * Wasm module of the boot image is loaded JITB_RUNS times on each tier,
 * on the kernel's clock:
 *   interp    decode, validate, translate to internal code
 *   compiled  the same, then machine code into sealed code pages
 * The difference is what the compiled tier costs at load. Figures are MB
 * (10^6 bytes) of Wasm per second over all modules, the median of the
 * runs, which alternate between the tiers (the boot's drivers may still
 * be busy: the bench waits JITB_SETTLE_MS first). Then a run of e2e.wasm's
 * prime_sum(20000) on both tiers, as a check that the kernel's compiled
 * code runs at compiled speed, and the deepest recursion each tier
 * reaches on a driver's 128 KiB stack (compiled frames live on the native
 * stack, which the interpreter's do not).
 */
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <wasm/wasm.h>

#include "core.h"
#include "ktest.h"

#define JITB_RUNS 7
#define JITB_SETTLE_MS 300

static bool is_wasm(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !memcmp(name + n - 5, ".wasm", 5);
}

static void sort_u64(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Loads every module of the boot image once on rt's tier; the time in ns,
 * the bytes of the modules that loaded, their functions by tier. */
static uint64_t load_all(wasm_runtime_t *rt, uint64_t *bytes, uint64_t *nmods,
                         uint64_t *fc, uint64_t *fi)
{
    const char *name;
    const uint8_t *data;
    size_t len;
    wasm_error_t err;
    uint64_t total = 0;
    *bytes = *nmods = *fc = *fi = 0;
    for (uint32_t i = 0; bootimg_entry(i, &name, &data, &len); i++) {
        if (!is_wasm(name))
            continue;
        uint64_t t0 = timer_now_ns();
        wasm_module_t *m = wasm_module_load(rt, data, len, &err);
        uint64_t t1 = timer_now_ns();
        if (!m)
            continue;      /* the deliberately broken test modules */
        uint32_t nc, ni;
        wasm_module_tiers(m, &nc, &ni);
        wasm_module_free(m);
        total += t1 - t0;
        *bytes += len;
        *nmods += 1;
        *fc += nc;
        *fi += ni;
    }
    return total;
}

/* MB/s as "X.Y" from bytes in ns. */
static void put_rate(const char *what, uint64_t bytes, uint64_t ns)
{
    uint64_t tenths = ns ? bytes * 10000ull / ns : 0;   /* bytes/us = MB/s; x10 */
    kprintf("jit: %s %llu.%03llu ms, %llu.%llu MB/s\n", what, (unsigned long long)(ns / 1000000),
            (unsigned long long)(ns / 1000 % 1000), (unsigned long long)(tenths / 10),
            (unsigned long long)(tenths % 10));
}

/* prime_sum(20000) of e2e.wasm on tier engine: its time in ns, 0 on failure. */
static uint64_t run_e2e(wasm_engine_t engine)
{
    const uint8_t *data;
    size_t len;
    wasm_error_t err;
    uint64_t ns = 0;
    if (!bootimg_find("test/e2e.wasm", &data, &len))
        return 0;
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    if (ex)
        wasm_runtime_set_engine(rt, engine);
    wasm_module_t *m = ex ? wasm_module_load(rt, data, len, &err) : NULL;
    wasm_instance_t *inst = m ? wasm_instantiate(m, NULL, ex, &err, NULL) : NULL;
    wasm_func_t *f = inst ? wasm_instance_func(inst, "prime_sum") : NULL;
    uint64_t a[1] = {20000}, r[1] = {0};
    if (f) {
        uint64_t t0 = timer_now_ns();
        if (wasm_call(ex, f, a, r, NULL) == WASM_OK && r[0] == 21171191)
            ns = timer_now_ns() - t0;
    }
    wasm_instance_free(inst);
    wasm_module_free(m);
    if (ex)
        wasm_exec_free(ex);
    wasm_runtime_free(rt);
    return ns;
}

#define JITB_DRIVER_STACK (128u * 1024u)

typedef struct depth_probe {
    sched_join_t join;
    uint32_t depth[2];          /* deepest f(n) that returned n, per tier */
} depth_probe_t;

static uint32_t deepest(wasm_engine_t engine)
{
    wasm_error_t err;
    uint32_t lo = 0;
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    if (ex)
        wasm_runtime_set_engine(rt, engine);
    wasm_module_t *m = ex ? wasm_module_load(rt, depth_wasm, depth_wasm_len, &err) : NULL;
    wasm_instance_t *inst = m ? wasm_instantiate(m, NULL, ex, &err, NULL) : NULL;
    wasm_func_t *f = inst ? wasm_instance_func(inst, "f") : NULL;
    for (uint32_t hi = 1u << 16; f && lo + 1 < hi;) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint64_t a[1] = {mid}, r[1] = {0};
        if (wasm_call(ex, f, a, r, NULL) == WASM_OK && r[0] == mid)
            lo = mid;
        else
            hi = mid;
    }
    wasm_instance_free(inst);
    wasm_module_free(m);
    if (ex)
        wasm_exec_free(ex);
    wasm_runtime_free(rt);
    return lo;
}

static void depth_thread(void *arg)
{
    depth_probe_t *p = arg;
    p->depth[0] = deepest(WASM_ENGINE_INTERP);
    p->depth[1] = deepest(WASM_ENGINE_COMPILED);
    sched_join_signal(&p->join);
    thread_exit();
}

int jitbench_run(void)
{
    static const wasm_engine_t tiers[2] = {WASM_ENGINE_INTERP, WASM_ENGINE_COMPILED};
    uint64_t med[2] = {0, 0}, bytes = 0, nmods = 0, fc[2] = {0, 0}, fi[2] = {0, 0};
    wasm_runtime_t *rt = kwasm_runtime();
    if (!rt) {
        kprintf("jit: FAILED: no runtime\n");
        return 1;
    }
    bool compiled = wasm_runtime_set_engine(rt, WASM_ENGINE_COMPILED) == WASM_ENGINE_COMPILED;
    uint64_t ns[2][JITB_RUNS], diff[JITB_RUNS];
    sched_sleep_ns(JITB_SETTLE_MS * 1000000ull);
    for (int r = 0; r < JITB_RUNS; r++) {
        for (int t = 0; t < 2; t++) {
            wasm_runtime_set_engine(rt, tiers[t]);
            ns[t][r] = load_all(rt, &bytes, &nmods, &fc[t], &fi[t]);
        }
        diff[r] = ns[1][r] > ns[0][r] ? ns[1][r] - ns[0][r] : 0;
    }
    for (int t = 0; t < 2; t++) {
        sort_u64(ns[t], JITB_RUNS);
        med[t] = ns[t][JITB_RUNS / 2];
    }
    sort_u64(diff, JITB_RUNS);
    wasm_runtime_free(rt);
    kprintf("jit: %llu modules of the boot image, %llu bytes of Wasm, %s\n",
            (unsigned long long)nmods, (unsigned long long)bytes,
            compiled ? "compiled tier present" : "no compiled tier on this port");
    put_rate("load interp:", bytes, med[0]);
    if (compiled) {
        put_rate("load compiled:", bytes, med[1]);
        put_rate("machine code alone (median of the paired differences):", bytes,
                 diff[JITB_RUNS / 2]);
        kprintf("jit: %llu functions compiled, %llu interpreted\n", (unsigned long long)fc[1],
                (unsigned long long)fi[1]);
        uint64_t ti = run_e2e(WASM_ENGINE_INTERP), tc = run_e2e(WASM_ENGINE_COMPILED);
        if (!ti || !tc) {
            kprintf("jit: FAILED: e2e prime_sum did not run on both tiers\n");
            return 1;
        }
        kprintf("jit: prime_sum(20000): interp %llu us, compiled %llu us (%llu.%llux)\n",
                (unsigned long long)(ti / 1000), (unsigned long long)(tc / 1000),
                (unsigned long long)(ti / tc), (unsigned long long)(ti * 10 / tc % 10));
        static depth_probe_t dp;
        if (!thread_create(NULL, "jitdepth", 4, depth_thread, &dp, JITB_DRIVER_STACK) ||
            !sched_join_wait(&dp.join, 1, timer_now_ns() + 60000000000ull)) {
            kprintf("jit: FAILED: the depth probe did not run\n");
            return 1;
        }
        kprintf("jit: deepest recursion on a %u KiB stack: interp %u, compiled %u calls\n",
                JITB_DRIVER_STACK / 1024, dp.depth[0], dp.depth[1]);
    }
    return 0;
}
