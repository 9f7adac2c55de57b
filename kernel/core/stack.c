/*
 * Kernel stacks: reservations with an unmapped guard page below, so an
 * overflow faults instead of silently overwriting the neighbour. We also
 * track the bounds of the stack the kernel currently runs on, which the
 * engine asks for (wasm_plat_stack_bounds) to stop deep recursion early.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "core.h"

/* The port's boot stack has no recorded size; we assume this much below
 * kmain's frame (ports: make the boot stack at least this big). Only
 * kmain's machine layer runs on it (pmm_init .. timer_init, then the
 * power-off): everything after runs on stage2's own stack (kstack_run).
 * Its measured peak is under 2 KiB on each port (docs/boot.md, "Size"):
 * the ports' boot stacks are 8 KiB. */
#define KSTACK_BOOT_ASSUMED (6u * 1024u)

static uintptr_t cur_lo, cur_hi;

void *kstack_alloc(size_t size)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    uint8_t *va = vm_reserve(size, PAGE_SIZE);
    if (!va)
        return NULL;
    if (!vm_commit(va, size, MMU_READ | MMU_WRITE)) {
        vm_release(va, size);
        return NULL;
    }
    return va + size;
}

void kstack_boot(uintptr_t here)
{
    cur_hi = ALIGN_UP(here, PAGE_SIZE);
    cur_lo = cur_hi - KSTACK_BOOT_ASSUMED;
}

void kstack_current(uintptr_t *lo, uintptr_t *hi)
{
    *lo = cur_lo;
    *hi = cur_hi;
}

/* The scheduler, switching threads: the stack we now run on. */
void kstack_set_current(uintptr_t lo, uintptr_t hi)
{
    cur_lo = lo;
    cur_hi = hi;
}

/* Runs fn(arg) on a fresh kernel stack of size bytes (when the port can
 * switch stacks; otherwise on the current one), then frees the stack. */
void kstack_run(size_t size, void (*fn)(void *), void *arg)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    uint8_t *top = arch_call_on_stack ? kstack_alloc(size) : NULL;
    if (!top) {
        fn(arg);
        return;
    }
    uintptr_t olo = cur_lo, ohi = cur_hi;
    cur_lo = (uintptr_t)top - size;
    cur_hi = (uintptr_t)top;
    arch_call_on_stack((uintptr_t)top, fn, arg);
    cur_lo = olo;
    cur_hi = ohi;
    vm_release(top - size, size);
}
