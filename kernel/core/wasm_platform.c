/*
 * The engine's platform (include/wasm/platform.h) on bare metal: the heap
 * for allocation, kprintf for logs, the arch clock for time, the tracked
 * kernel stack for stack bounds, and the kernel VM reservations for linear
 * memories (reserved address space, pages mapped when committed).
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <wasm/platform.h>
#include <wasm/watch.h>
#include <wasm/wasm.h>

#include "core.h"

void *wasm_plat_alloc(size_t size)
{
    return kmalloc(size);
}

void *wasm_plat_realloc(void *p, size_t old_size, size_t new_size)
{
    uint8_t *q = krealloc(p, new_size ? new_size : 1);
    if (q && new_size > old_size)
        memset(q + old_size, 0, new_size - old_size);
    return q;
}

void wasm_plat_free(void *p)
{
    kfree(p);
}

void wasm_plat_log(int level, const char *msg)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    kprintf("wasm %s: %s\n", level >= 0 && level <= WASM_LOG_ERROR ? names[level] : "log", msg);
}

uint64_t wasm_plat_time_ns(void)
{
    return timer_now_ns();
}

void wasm_plat_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
    kstack_current(lo, hi);
}

size_t wasm_plat_page_size(void)
{
    return PAGE_SIZE;
}

void *wasm_plat_vm_reserve(size_t size)
{
    /* A guard page below keeps one memory's underflow off its neighbour. */
    return vm_reserve(size, PAGE_SIZE);
}

bool wasm_plat_vm_commit(void *addr, size_t size)
{
    return size == 0 || vm_commit(addr, size, MMU_READ | MMU_WRITE);
}

void wasm_plat_vm_decommit(void *addr, size_t size)
{
    vm_decommit(addr, size);
}

void wasm_plat_vm_release(void *addr, size_t size)
{
    vm_release(addr, size);
}

/* Copy-on-write for instance snapshots. protect rewrites each committed
 * page's entry to the same frame with or without MMU_WRITE, then flushes
 * the range once; watch records the range in a small registry that the
 * page-fault path (trap.c, kwasm_write_fault) consults. */
bool wasm_plat_vm_protect(void *addr, size_t size, bool writable)
{
    uintptr_t va = ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE);
    uintptr_t end = ALIGN_UP((uintptr_t)addr + size, PAGE_SIZE);
    unsigned flags = MMU_READ | (writable ? MMU_WRITE : 0);
    bool was = cpu_irq_save();
    for (uintptr_t p = va; p < end; p += PAGE_SIZE) {
        uint64_t pa = mmu_translate(p);
        if (pa != (uint64_t)-1 && mmu_remap(p, ALIGN_DOWN(pa, PAGE_SIZE), flags) == (uint64_t)-1)
            panic("wasm_plat_vm_protect: cannot remap %p", (void *)p);
    }
    mmu_flush(va, end - va);
    cpu_irq_restore(was);
    return true;
}

/* Private frames: the snapshot keeps the frame a page had at the snapshot
 * (the token is its physical address + 1, so never 0); the first write
 * maps a copy in its place, and a reset maps the kept frame back and frees
 * the copy. */
bool wasm_plat_vm_frames(void)
{
    return true;
}

bool wasm_plat_vm_private(void *addr, uint64_t *token)
{
    uintptr_t va = ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE);
    bool was = cpu_irq_save();
    uint64_t pa = mmu_translate(va);
    uint64_t copy = pa == (uint64_t)-1 ? 0 : pmm_alloc();
    if (copy) {
        pa = ALIGN_DOWN(pa, PAGE_SIZE);
        memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
        if (mmu_remap(va, copy, MMU_READ | MMU_WRITE) == (uint64_t)-1)
            panic("wasm_plat_vm_private: %p not mapped", (void *)va);
        mmu_flush(va, PAGE_SIZE);
        *token = pa + 1;
    }
    cpu_irq_restore(was);
    return copy != 0;
}

void wasm_plat_vm_restore(void *base, const uint64_t *pages, const uint64_t *tokens, size_t n)
{
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    bool was = cpu_irq_save();
    for (size_t i = 0; i < n; i++) {
        uintptr_t va = (uintptr_t)base + (uintptr_t)pages[i] * PAGE_SIZE;
        uint64_t copy = mmu_remap(va, tokens[i] - 1, MMU_READ);
        if (copy == (uint64_t)-1)
            panic("wasm_plat_vm_restore: %p not mapped", (void *)va);
        pmm_free_irqoff(copy);
        lo = va < lo ? va : lo;
        hi = va + PAGE_SIZE > hi ? va + PAGE_SIZE : hi;
    }
    if (n)
        mmu_flush(lo, hi - lo);
    cpu_irq_restore(was);
}

void wasm_plat_vm_drop(uint64_t token)
{
    pmm_free(token - 1);
}

#define KWASM_WATCHES 128

static wasm_watch_t watches[KWASM_WATCHES];

bool wasm_plat_vm_watch(void *base, size_t size, struct wasm_memory *mem)
{
    bool was = cpu_irq_save();
    bool ok = wasm_watch_set(watches, KWASM_WATCHES, base, size, mem);
    cpu_irq_restore(was);
    return ok;
}

bool kwasm_write_fault(uintptr_t addr)
{
    struct wasm_memory *m = wasm_watch_find(watches, KWASM_WATCHES, addr);
    return m && wasm_memory_write_fault(m, (void *)addr);
}

/* The kernel's runtime: modest limits, since every byte of the value stack
 * is committed memory and each linear memory reserves its maximum. */
wasm_runtime_t *kwasm_runtime(void)
{
    wasm_config_t cfg = {
        .max_call_depth = 4096,
        .value_stack_cells = 1u << 16,
        .max_memory_pages = 1024,      /* 64 MiB per memory */
        .max_table_elems = 1u << 16,
    };
    return wasm_runtime_new(&cfg);
}
