/*
 * Kernel virtual address space in [KERN_VM_BASE, KERN_VM_END): heaps,
 * linear memories and stacks live in reservations carved from it.
 *
 * The range is a sorted table of segments, each free or reserved; reserve
 * is first fit and splits a free segment, release merges neighbours again.
 * A reservation remembers its guard (unmapped bytes below the usable part)
 * so vm_release(va, size) gets the guard back too. Committing maps fresh
 * zeroed frames; decommitting unmaps them and returns the frames (but the
 * shared zero frame, vm_zero_frame, which a page may map read-only).
 *
 * The table itself is the range's first reservation, committed a page at a
 * time as it grows (seg_room): a page holds 102 segments, and a booted
 * system uses a few hundred, where a static worst case (VM_MAX_SEGS) would
 * take 160 KiB of bss whatever the machine does. Its pages are never
 * decommitted: the table keeps the size of its peak.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "core.h"

#define VM_MAX_SEGS 4096
#define SEG_TABLE ALIGN_UP(VM_MAX_SEGS * sizeof(vm_seg_t), PAGE_SIZE)

typedef struct vm_seg {
    uintptr_t base;    /* start, including the guard */
    uintptr_t len;
    uintptr_t guard;
    uintptr_t top;     /* end of the highest page ever committed, or 0 */
    bool used;
    bool lazy;         /* vm_reserve_lazy: committed at first touch */
    size_t promised;   /* frames promised for its zero-frame pages (lazy ones,
                          vm_commit_promised ones) not given frames yet */
} vm_seg_t;

static vm_seg_t *segs;          /* at KERN_VM_BASE, SEG_TABLE bytes reserved */
static int nsegs;
static size_t seg_bytes;        /* of the table, committed */

/* Commits pages of the table until it holds n segments; false when n is
 * past VM_MAX_SEGS or no frame is left. Called with interrupts off. */
static bool seg_room(int n)
{
    while (seg_bytes < (size_t)n * sizeof(vm_seg_t)) {
        if (seg_bytes == SEG_TABLE)
            return false;
        uint64_t pa = pmm_alloc();
        if (!pa || !mmu_map((uintptr_t)segs + seg_bytes, pa, PAGE_SIZE, MMU_READ | MMU_WRITE)) {
            if (pa)
                pmm_free(pa);
            return false;
        }
        seg_bytes += PAGE_SIZE;
    }
    return true;
}

static void vm_setup(void)
{
    segs = (vm_seg_t *)KERN_VM_BASE;
    if (!seg_room(2))
        panic("vm: no frame for the reservation table");
    segs[0] = (vm_seg_t){KERN_VM_BASE, SEG_TABLE, 0, 0, true, false, 0};
    segs[1] = (vm_seg_t){KERN_VM_BASE + SEG_TABLE, (uintptr_t)KERN_VM_END - KERN_VM_BASE - SEG_TABLE,
                         0, 0, false, false, 0};
    nsegs = 2;
}

static void seg_insert(int at, vm_seg_t s)
{
    memmove(&segs[at + 1], &segs[at], (size_t)(nsegs - at) * sizeof segs[0]);
    segs[at] = s;
    nsegs++;
}

static void seg_remove(int at)
{
    memmove(&segs[at], &segs[at + 1], (size_t)(nsegs - at - 1) * sizeof segs[0]);
    nsegs--;
}

void *vm_reserve(size_t size, size_t guard)
{
    if (size == 0)
        return NULL;
    uintptr_t g = ALIGN_UP(guard, PAGE_SIZE), need = ALIGN_UP(size, PAGE_SIZE) + g;
    if (need < size)
        return NULL;
    bool was = cpu_irq_save();
    if (nsegs == 0)
        vm_setup();
    void *va = NULL;
    for (int i = 0; i < nsegs; i++) {
        vm_seg_t *s = &segs[i];
        if (s->used || s->len < need)
            continue;
        if (s->len > need) {
            if (!seg_room(nsegs + 1))
                break;
            seg_insert(i + 1, (vm_seg_t){s->base + need, s->len - need, 0, 0, false, false, 0});
            s = &segs[i];
            s->len = need;
        }
        s->used = true;
        s->guard = g;
        va = (void *)(s->base + g);
        break;
    }
    cpu_irq_restore(was);
    return va;
}

/* Index of the reservation whose usable part starts at va, or -1. */
static int seg_find(uintptr_t va)
{
    for (int i = 0; i < nsegs; i++)
        if (segs[i].used && segs[i].base + segs[i].guard == va)
            return i;
    return -1;
}

void vm_release(void *va, size_t size)
{
    if (!va)
        return;
    bool was = cpu_irq_save();
    int i = seg_find((uintptr_t)va);
    if (i < 0)
        panic("vm_release: %p is not a reservation", va);
    vm_seg_t *s = &segs[i];
    if (ALIGN_UP(size, PAGE_SIZE) > s->len - s->guard)
        panic("vm_release: %p: size %zu exceeds the reservation", va, size);
    if (s->top > (uintptr_t)va)
        vm_decommit(va, s->top - (uintptr_t)va);
    if (s->promised)
        pmm_unpromise(s->promised);
    s->used = false;
    s->lazy = false;
    s->promised = 0;
    s->guard = 0;
    s->top = 0;
    if (i + 1 < nsegs && !segs[i + 1].used) {
        s->len += segs[i + 1].len;
        seg_remove(i + 1);
    }
    if (i > 0 && !segs[i - 1].used) {
        segs[i - 1].len += segs[i].len;
        seg_remove(i);
    }
    cpu_irq_restore(was);
}

/* Index of the segment containing va, or -1 (binary search: sorted). */
static int seg_containing(uintptr_t va)
{
    int lo = 0, hi = nsegs - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (va < segs[mid].base)
            hi = mid - 1;
        else if (va - segs[mid].base >= segs[mid].len)
            lo = mid + 1;
        else
            return mid;
    }
    return -1;
}

/* Commits [va, va+size). Pages already mapped keep their contents. On
 * failure the pages this call mapped are unmapped again -- exactly, when
 * none of the range was mapped before (the engine's case: growth always
 * commits fresh pages); otherwise the pages mapped so far stay committed. */
bool vm_commit(void *va, size_t size, unsigned mmu_flags)
{
    uintptr_t start = ALIGN_DOWN((uintptr_t)va, PAGE_SIZE);
    uintptr_t end = ALIGN_UP((uintptr_t)va + size, PAGE_SIZE);
    bool was = cpu_irq_save();
    int si = seg_containing(start);
    if (si >= 0 && segs[si].top < end)
        segs[si].top = end;
    cpu_irq_restore(was);
    bool fresh = true;
    for (uintptr_t p = start; p < end && fresh; p += PAGE_SIZE)
        fresh = mmu_translate(p) == (uint64_t)-1;
    for (uintptr_t p = start; p < end; p += PAGE_SIZE) {
        if (!fresh && mmu_translate(p) != (uint64_t)-1)
            continue;
        uint64_t pa = pmm_alloc();
        if (!pa || !mmu_map(p, pa, PAGE_SIZE, mmu_flags)) {
            if (pa)
                pmm_free(pa);
            if (fresh)
                vm_decommit((void *)start, p - start);
            return false;
        }
    }
    return true;
}

/* The shared zero frame (kern/kernel.h): taken at the first call, never
 * freed, read-only in the physical map so no kernel address writes it;
 * every other mapping of it is read-only too. */
static uint64_t zero_pa;

uint64_t vm_zero_frame(void)
{
    if (zero_pa)
        return zero_pa;
    uint64_t pa = pmm_alloc();
    if (!pa)
        return 0;
    bool was = cpu_irq_save();
    if (!zero_pa && mmu_physmap_protect(pa, false)) {
        zero_pa = pa;
        pa = 0;
    }
    cpu_irq_restore(was);
    if (pa) {
        mmu_physmap_protect(pa, true);
        pmm_free(pa);
    }
    return zero_pa;
}

bool vm_is_zero_frame(uint64_t pa)
{
    return zero_pa && ALIGN_DOWN(pa, PAGE_SIZE) == zero_pa;
}

bool vm_commit_zero(void *va, size_t size)
{
    uintptr_t start = ALIGN_DOWN((uintptr_t)va, PAGE_SIZE);
    uintptr_t end = ALIGN_UP((uintptr_t)va + size, PAGE_SIZE);
    uint64_t z = vm_zero_frame();
    if (!z)
        return false;
    bool was = cpu_irq_save();
    int si = seg_containing(start);
    if (si >= 0 && segs[si].top < end)
        segs[si].top = end;     /* vm_release unmaps them too */
    cpu_irq_restore(was);
    for (uintptr_t p = start; p < end; p += PAGE_SIZE)
        if (!mmu_map(p, z, PAGE_SIZE, MMU_READ | MMU_NOFENCE)) {
            mmu_flush(start, p - start);
            vm_decommit((void *)start, p - start);
            return false;
        }
    mmu_flush(start, end - start);
    return true;
}

void vm_decommit(void *va, size_t size)
{
    uintptr_t start = ALIGN_DOWN((uintptr_t)va, PAGE_SIZE);
    uintptr_t end = ALIGN_UP((uintptr_t)va + size, PAGE_SIZE);
    for (uintptr_t p = start; p < end; p += PAGE_SIZE) {
        uint64_t pa = mmu_translate(p);
        if (pa == (uint64_t)-1)
            continue;
        mmu_unmap(p, PAGE_SIZE);
        if (!vm_is_zero_frame(pa))
            pmm_free(ALIGN_DOWN(pa, PAGE_SIZE));
    }
}

/* The segment holding va, or NULL. Interrupts off. */
static vm_seg_t *seg_of(uintptr_t va)
{
    int i = va >= KERN_VM_BASE && va < KERN_VM_END ? seg_containing(va) : -1;
    return i >= 0 && segs[i].used ? &segs[i] : NULL;
}

/* Gives the zero-frame page p of s one of its promised frames. Interrupts
 * off. */
static bool fill_promised(vm_seg_t *s, uintptr_t p)
{
    if (!s || !s->promised || p < s->base + s->guard || !vm_is_zero_frame(mmu_translate(p)))
        return false;
    if (mmu_remap(p, pmm_alloc_promised(), MMU_READ | MMU_WRITE) == (uint64_t)-1)
        panic("vm: %p not mapped", (void *)p);
    mmu_flush(p, PAGE_SIZE);
    s->promised--;
    return true;
}

bool vm_commit_promised(void *va, size_t size)
{
    size_t n = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
    if (!pmm_promise(n))
        return false;
    if (!vm_commit_zero(va, size)) {
        pmm_unpromise(n);
        return false;
    }
    bool was = cpu_irq_save();
    vm_seg_t *s = seg_of((uintptr_t)va);
    if (!s)
        panic("vm_commit_promised: %p is not reserved", va);
    s->promised += n;
    cpu_irq_restore(was);
    return true;
}

bool vm_fill_promised(uintptr_t va)
{
    bool was = cpu_irq_save();
    bool ok = fill_promised(seg_of(va), ALIGN_DOWN(va, PAGE_SIZE));
    cpu_irq_restore(was);
    return ok;
}

void vm_decommit_promised(void *va, size_t size)
{
    uintptr_t start = ALIGN_DOWN((uintptr_t)va, PAGE_SIZE);
    uintptr_t end = ALIGN_UP((uintptr_t)va + size, PAGE_SIZE);
    size_t n = 0;
    for (uintptr_t p = start; p < end; p += PAGE_SIZE)
        n += vm_is_zero_frame(mmu_translate(p));
    vm_decommit(va, size);
    bool was = cpu_irq_save();
    vm_seg_t *s = seg_of(start);
    if (!s || s->promised < n)
        panic("vm_decommit_promised: %zu zero pages, fewer promised", n);
    s->promised -= n;
    cpu_irq_restore(was);
    pmm_unpromise(n);
}

void *vm_reserve_lazy(size_t size, size_t guard, size_t first)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    first = ALIGN_UP(first, PAGE_SIZE);
    if (first > size)
        first = size;
    size_t later = (size - first) / PAGE_SIZE;
    if (!pmm_promise(later))
        return NULL;
    /* The rest maps the zero frame read-only, so its page tables exist
     * now: the first write only swaps a frame in (nothing to allocate
     * but the promised frame). */
    uint8_t *va = vm_reserve(size, guard);
    if (va && !(vm_commit(va, first, MMU_READ | MMU_WRITE) &&
                (first == size || vm_commit_zero(va + first, size - first)))) {
        vm_release(va, size);
        va = NULL;
    }
    if (!va) {
        pmm_unpromise(later);
        return NULL;
    }
    bool was = cpu_irq_save();
    vm_seg_t *s = &segs[seg_find((uintptr_t)va)];
    s->lazy = true;
    s->promised = later;
    cpu_irq_restore(was);
    return va;
}

bool vm_lazy_fault(uintptr_t addr)
{
    bool was = cpu_irq_save();
    vm_seg_t *s = seg_of(addr);
    bool ok = s && s->lazy && fill_promised(s, ALIGN_DOWN(addr, PAGE_SIZE));
    cpu_irq_restore(was);
    return ok;
}

/* Bytes of address space reserved, for the boot report. */
size_t vm_reserved_bytes(void)
{
    size_t n = 0;
    for (int i = 0; i < nsegs; i++)
        if (segs[i].used)
            n += segs[i].len;
    return n;
}
