/*
 * Portable kernel services (kernel/core/). Conventions: a broken kernel
 * invariant panics with "function: reason"; functions that can fail for
 * ordinary reasons return false/NULL.
 */
#ifndef KERN_KERNEL_H
#define KERN_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ATHANOR_VERSION "0.1"

/* Console output through the early console (and later the console driver). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Physical frames (4 KiB), from the boot memory map, with accounting. */
void pmm_init(const void *boot_info);
uint64_t pmm_alloc(void);              /* zeroed frame, physical address; 0 when out */
uint64_t pmm_alloc_contig(size_t n);   /* n contiguous zeroed frames; 0 when none */
void pmm_free(uint64_t pa);
void pmm_free_irqoff(uint64_t pa);      /* the same, interrupts already off */
size_t pmm_free_count(void);
size_t pmm_total_count(void);
/* Frames of the kernel image that only the boot used (its page tables) or
 * that nothing uses (the frames under the boot stacks' guard pages, which
 * stay unmapped) join the free frames; a port calls it once its own
 * tables are in use (mmu_init). Returns the bytes given. */
size_t pmm_give_boot(uint64_t pa, size_t len);
size_t pmm_boot_given(void);           /* bytes pmm_give_boot gave, in all */
size_t pmm_bitmap_free(void);          /* free frames by the bitmap (a check) */
/* Promises: n free frames set aside for later (a lazily committed range,
 * vm_reserve_lazy), so taking one then cannot fail. pmm_alloc and
 * pmm_alloc_contig leave promised frames alone; pmm_alloc_promised takes
 * one of a promise (a broken promise panics); pmm_unpromise gives back
 * what was not taken. Promised frames are free: they count in
 * pmm_free_count, and pmm_promised_count says how many. */
bool pmm_promise(size_t n);
void pmm_unpromise(size_t n);
uint64_t pmm_alloc_promised(void);
size_t pmm_promised_count(void);

/* Kernel heap. */
void heap_init(void);
void *kmalloc(size_t size);            /* zeroed; NULL when out of memory */
void *krealloc(void *p, size_t size);
void kfree(void *p);

/* Kernel virtual ranges in [KERN_VM_BASE, KERN_VM_END): reserve address
 * space (nothing mapped), then map fresh zeroed frames into parts of it. */
void *vm_reserve(size_t size, size_t guard);   /* guard bytes left unmapped below */
bool vm_commit(void *va, size_t size, unsigned mmu_flags);
void vm_decommit(void *va, size_t size);       /* unmaps and frees the frames */
/* One frame of zeros, shared: a page whose bytes are all zero and are not
 * written yet maps it read-only instead of a frame of its own (engine
 * snapshots, wasm_platform.c). Never freed, never mapped writable; 0 when
 * no frame was left for it. vm_decommit leaves it alone. */
uint64_t vm_zero_frame(void);
bool vm_is_zero_frame(uint64_t pa);            /* pa (any byte) lies in it */
/* Maps every page of [va, va+size) (inside a reservation, none mapped) to
 * the zero frame, read-only; false when out of memory (nothing mapped). */
bool vm_commit_zero(void *va, size_t size);
void vm_release(void *va, size_t size);
/* A reservation of size bytes (guard below, as vm_reserve) whose first
 * `first` bytes are committed now and the rest page by page at their first
 * touch (vm_lazy_fault, from the page-fault path), from frames promised
 * now (pmm_promise): NULL when the address space or the frames are not
 * there, never a failure later. vm_release ends it and its promise. */
void *vm_reserve_lazy(size_t size, size_t guard, size_t first);
bool vm_lazy_fault(uintptr_t addr);            /* true: a page was committed */
/* Pages that take a frame when asked, from frames promised now: commit
 * maps [va, va+size) (in a reservation, none mapped) to the zero frame,
 * read-only, and promises a frame for each (false when it cannot:
 * nothing mapped); fill gives the zero-frame page at va one (false when
 * the page is not such a page); decommit_promised unmaps a range and
 * gives back the promises of its pages still unfilled. vm_release gives
 * back what is left. */
bool vm_commit_promised(void *va, size_t size);
bool vm_fill_promised(uintptr_t va);
void vm_decommit_promised(void *va, size_t size);

/* Kernel stacks with an unmapped guard page below. */
void *kstack_alloc(size_t size);               /* returns the top */

/* libc pieces the compiler and the engine need. */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Whether two NUL-terminated strings are equal. */
static inline bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

#endif
