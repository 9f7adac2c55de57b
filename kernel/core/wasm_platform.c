/*
 * The engine's platform (include/wasm/platform.h) on bare metal: the heap
 * for allocation, kprintf for logs, the arch clock for time, the tracked
 * kernel stack for stack bounds, and the kernel VM reservations for linear
 * memories (reserved address space, pages mapped when committed).
 */
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <wasm/platform.h>
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

/* Copy-on-write for instance snapshots: not wired to the kernel's page
 * fault path yet, so snapshots are refused in the kernel (the engine then
 * reports failure) rather than half-working. */
bool wasm_plat_vm_protect(void *addr, size_t size, bool writable)
{
    (void)addr;
    (void)size;
    (void)writable;
    return false;
}

bool wasm_plat_vm_watch(void *base, size_t size, struct wasm_memory *mem)
{
    (void)base;
    (void)size;
    return mem == NULL;
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
