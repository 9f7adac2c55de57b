/*
 * The arch seam, part 2: the MMU. The kernel runs in the higher half with
 * all physical memory mapped at KERN_PHYS_MAP (see the port's
 * <arch/layout.h>, included below, which defines KERN_PHYS_MAP,
 * KERN_VM_BASE/KERN_VM_END (the range for reservations: heaps, linear
 * memories, stacks) and PAGE_SIZE).
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/layout.h>

enum {
    MMU_READ = 1,
    MMU_WRITE = 2,
    MMU_EXEC = 4,
    MMU_DEVICE = 8,   /* uncached device memory */
    MMU_NOFENCE = 16, /* mmu_map only: the caller ends the run with mmu_flush over it */
};

/* Builds the final kernel page tables: kernel text R+X, rodata R,
 * data/bss R+W (W^X everywhere), the physical map R+W, then switches to
 * them. Needs the frame allocator (kern/pmm.h) to be up. */
void mmu_init(void);

/* Maps [va, va+size) to [pa, pa+size) with flags (page multiples). Page
 * table pages come from the frame allocator. False when out of memory or
 * when a page is already mapped. With MMU_NOFENCE a port may leave the
 * fence for the new entries to the caller, who maps a run of scattered
 * frames and then calls mmu_flush over the whole range once before using
 * it (riscv64: QEMU flushes its whole TLB for every sfence.vma). */
bool mmu_map(uintptr_t va, uint64_t pa, size_t size, unsigned flags);

/* Unmaps [va, va+size); flushes the TLB. Returns nothing: unmapped holes are fine. */
void mmu_unmap(uintptr_t va, size_t size);

/* Points the 4 KiB page mapped at va to frame pa with flags and returns
 * the frame it had, or (uint64_t)-1 when nothing is mapped at va by a
 * 4 KiB page. One page-table entry written, no TLB flush: a run of remaps
 * ends with mmu_flush over their range, and the new entries hold from
 * then on (aarch64 leaves them invalid until then: break-before-make for
 * the whole run, one invalidation). Callers keep interrupts off from the
 * first remap to the flush. Copy-on-write snapshots use it
 * (wasm_platform.c). */
uint64_t mmu_remap(uintptr_t va, uint64_t pa, unsigned flags);

/* Ends a run of mmu_remap calls within [va, va+size): flushes the TLB. */
void mmu_flush(uintptr_t va, size_t size);

/* Makes instructions just written at [va, va+size) (through this same
 * mapping, before it became executable; the TLB already flushed) visible
 * to instruction fetch on every CPU: nothing on x86_64 (coherent caches),
 * clean to the point of unification and invalidate the instruction cache
 * on aarch64 (dc cvau, ic ivau, dsb, isb), fence.i on riscv64. The
 * compiled tier's code pages call it when sealed (wasm_platform.c). */
void arch_code_sync(uintptr_t va, size_t size);

/* Makes the physical map's view of frame pa read-only (writable false)
 * or read-write again, splitting a large page of the physical map that
 * covers it, and flushes the TLB for it. False when out of memory for the
 * split. The compiled tier's sealed code frames are read-only through
 * every address (wasm_platform.c): no mapping of code is ever writable. */
bool mmu_physmap_protect(uint64_t pa, bool writable);

/* Frames the splits of large pages have taken for page tables (kept by the
 * kernel's tables for good): leak checks count them out. */
size_t mmu_split_frames(void);

/* Physical address of a mapped virtual address, or (uint64_t)-1. */
uint64_t mmu_translate(uintptr_t va);

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(pa + KERN_PHYS_MAP); }

#endif
