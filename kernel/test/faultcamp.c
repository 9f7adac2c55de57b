/*
 * The fault campaign inside a test kernel ("athanor.faults=N [athanor.faults-seed=S]"
 * on its command line; make faults ARCH=..., mk/faults.mk;
 * docs/faults-injection.md): the same injections as the hosted campaign
 * (tools/faults/campaign.c, built into this kernel), here on the real
 * kernel: its page tables and copy-on-write snapshots, its scheduler, and
 * its supervisor thread, whose watchdog stops a mutant that hangs (the
 * campaign's thread is preempted like any other). The driver is
 * faults/blkdrv.wasm from the boot image.
 *
 * A kernel crash here is a panic: QEMU ends without the summary line, and
 * the harness counts it. Afterwards every frame and heap object the
 * campaign took must be back. Prints, as the hosted campaign does,
 *   faults: N injected, K kernel crashes, T traps, R restarts, recovery p50 X us p99 Y us
 * (K is 0: the line is only reached alive), then "faults: ok" or why not.
 * Without athanor.faults= on the command line it returns -1 at once.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/supervise.h>

#include "campaign.h"
#include "core.h"
#include "ktest.h"

/* The value of KEY=NUMBER on the command line, or dflt. */
static uint64_t arg_u64(const char *cmdline, const char *key, uint64_t dflt)
{
    size_t k = strlen(key);
    for (const char *p = cmdline; *p; p++)
        if ((p == cmdline || p[-1] == ' ') && !memcmp(p, key, k) && p[k] == '=') {
            uint64_t v = 0;
            for (p += k + 1; *p >= '0' && *p <= '9' && v < 100000000000ull; p++)
                v = v * 10 + (uint64_t)(*p - '0');
            return v;
        }
    return dflt;
}

static void sort_u32(uint32_t *v, size_t n)
{
    for (size_t gap = n / 2; gap; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
                uint32_t t = v[j];
                v[j] = v[j - gap];
                v[j - gap] = t;
            }
}

/* The unmutated driver brought up in w and its golden answers taken; the
 * world stays up. The driver's 20 ms CPU budget is on the kernel clock,
 * which runs on while the host takes the CPU away from QEMU's vCPU, so on
 * a loaded host an unmutated init can overrun it (seen once, riscv64, in a
 * CI run beside other jobs): a failure is printed and retried, twice. A
 * driver that really does not load or answer fails all three. */
static bool up_golden(camp_world_t *w, wasm_runtime_t *rt, wasm_exec_t *ex, const uint8_t *orig,
                      size_t len)
{
    for (int attempt = 1; attempt <= 3; attempt++) {
        if (camp_world_up(w, rt, ex, orig, len, false) && camp_world_golden(w))
            return true;
        camp_world_down(w);
        kprintf("faults: the unmutated driver did not load or answer (attempt %d of 3)\n",
                attempt);
    }
    return false;
}

/* A world brought up, run once and taken down, on a runtime of its own:
 * the page tables the kernel grows for its memories stay (they are the
 * kernel's, not the campaign's), so the leak check counts from after it. */
static bool warm_up(camp_world_t *w, const uint8_t *orig, size_t len)
{
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    bool ok = false;
    if (ex) {
        thread_set_exec(thread_current(), ex);
        if ((ok = up_golden(w, rt, ex, orig, len)))
            camp_world_down(w);
        thread_set_exec(thread_current(), NULL);
    }
    wasm_exec_free(ex);
    wasm_runtime_free(rt);
    return ok;
}

#define US(ns) (unsigned long long)(((ns) + 50) / 1000), (unsigned long long)(((ns) + 50) / 100 % 10)

int faultcamp_run(const char *cmdline)
{
    static camp_world_t w;       /* the supervisor thread keeps a pointer to w.sys */
    static camp_stats_t st;
    uint64_t asked = arg_u64(cmdline, "athanor.faults", UINT64_MAX);
    if (asked == UINT64_MAX)
        return -1;
    uint32_t n = asked > 10000000 ? 10000000 : (uint32_t)asked;
    uint64_t seed = arg_u64(cmdline, "athanor.faults-seed", 1);
    const uint8_t *orig;
    size_t len;
    if (!bootimg_find("faults/blkdrv.wasm", &orig, &len)) {
        kprintf("faults: FAILED: no faults/blkdrv.wasm in the boot image\n");
        return 1;
    }
    /* The supervisor of this domain system: a thread of its own, as the
     * boot manifest's has (made first: it stays after the campaign). */
    if (!sup_start(&w.sys)) {
        kprintf("faults: FAILED: no supervisor thread\n");
        return 1;
    }
    if (!warm_up(&w, orig, len)) {
        kprintf("faults: FAILED: the unmutated driver does not load or answer\n");
        return 1;
    }
    /* Everything from here on must be given back: a runtime of its own
     * (a runtime keeps its host functions until it is freed), the exec. */
    size_t frames0 = pmm_free_count(), objs0 = heap_objects(), heap0 = heap_bytes();
    size_t splits0 = mmu_split_frames();
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    if (ex)
        thread_set_exec(thread_current(), ex);
    wmut_t m;
    uint8_t *buf = kmalloc(len + 64);
    st.recov = kmalloc(sizeof *st.recov * (n + 1));
    bool decoded = ex && buf && st.recov && wmut_decode(&m, orig, len), ok = decoded, up = false;
    if (!ok)
        kprintf("faults: FAILED: out of memory, or the driver does not decode\n");
    else if (!(ok = up = up_golden(&w, rt, ex, orig, len)))
        kprintf("faults: FAILED: the unmutated driver does not load or answer\n");
    kprintf("faults: %u injections into %u instructions of faults/blkdrv.wasm (seed %llu) on %s\n",
            n, ok ? m.nsites : 0, (unsigned long long)seed, arch_name());
    uint64_t t0 = timer_now_ns();
    for (uint32_t i = 0; ok && i < n; i++) {
        camp_rec_t rc = camp_inject(&w, &m, seed, i, buf);
        camp_tally(&st, &rc);
        if ((i + 1) % 500 == 0 && i + 1 < n)
            kprintf("faults: %u of %u done\n", i + 1, n);
    }
    uint64_t secs = (timer_now_ns() - t0) / 1000000000ull;
    if (up)
        camp_world_down(&w);
    thread_set_exec(thread_current(), NULL);
    wasm_exec_free(ex);
    wasm_runtime_free(rt);
    if (decoded)
        wmut_free(&m);
    kfree(buf);
    if (!ok) {
        kfree(st.recov);
        return 1;
    }
    sort_u32(st.recov, st.nrecov);
    uint32_t p50 = camp_recov_pct(&st, 500), p99 = camp_recov_pct(&st, 990);
    kprintf("faults: totals: %llu ran clean, %llu wrong answers, %llu recovered after a restart, "
            "%llu trapped again after it, %llu rejected at load, %llu restart failures (%llu s)\n",
            (unsigned long long)st.out[OUT_CLEAN], (unsigned long long)st.out[OUT_WRONG],
            (unsigned long long)st.nrecov, (unsigned long long)st.out[OUT_PERSIST],
            (unsigned long long)st.out[OUT_REJECT], (unsigned long long)st.out[OUT_NORECOVER],
            (unsigned long long)secs);
    kprintf("faults: %llu injected, 0 kernel crashes, %llu traps, %llu restarts, recovery p50 "
            "%llu.%llu us p99 %llu.%llu us\n", (unsigned long long)st.injected,
            (unsigned long long)camp_traps(&st), (unsigned long long)st.restarts, US(p50), US(p99));
    kfree(st.recov);
    /* The heap keeps the pages it grew by: frames and heap pages together
     * must be back, and every object. The page tables that splitting the
     * physical map's large pages took stay the kernel's (the compiled
     * driver's code frames are read-only there, docs/compiler.md): counted
     * out. */
    size_t frames = pmm_free_count(), objs = heap_objects(), heap = heap_bytes();
    long lost = (long)(frames0 + heap0 / PAGE_SIZE) - (long)(frames + heap / PAGE_SIZE) -
                (long)(mmu_split_frames() - splits0);
    if (lost || objs != objs0) {
        kprintf("faults: FAILED: %ld frames and %ld heap objects not given back\n", lost,
                (long)objs - (long)objs0);
        return 1;
    }
    if (st.out[OUT_NORECOVER]) {
        kprintf("faults: FAILED: %llu restarts did not bring the driver back\n",
                (unsigned long long)st.out[OUT_NORECOVER]);
        return 1;
    }
    kprintf("faults: ok (%zu page-table frames from splitting the physical map kept)\n",
            mmu_split_frames() - splits0);
    return 0;
}
