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

/* Copy-on-write for instance snapshots. protect remaps each committed page
 * to the same frame with or without MMU_WRITE (unmapping flushes the TLB
 * entry); watch records the range in a small registry that the page-fault
 * path (trap.c, kwasm_write_fault) consults. */
bool wasm_plat_vm_protect(void *addr, size_t size, bool writable)
{
    uintptr_t va = ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE);
    uintptr_t end = ALIGN_UP((uintptr_t)addr + size, PAGE_SIZE);
    unsigned flags = MMU_READ | (writable ? MMU_WRITE : 0);
    bool was = cpu_irq_save();
    for (; va < end; va += PAGE_SIZE) {
        uint64_t pa = mmu_translate(va);
        if (pa == (uint64_t)-1)
            continue;
        mmu_unmap(va, PAGE_SIZE);
        if (!mmu_map(va, ALIGN_DOWN(pa, PAGE_SIZE), PAGE_SIZE, flags))
            panic("wasm_plat_vm_protect: cannot remap %p", (void *)va);
    }
    cpu_irq_restore(was);
    return true;
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
