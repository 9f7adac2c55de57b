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

/* Stacks get their first page now and the rest at their first touch
 * (vm_reserve_lazy: frames promised now, so the touch cannot fail); a
 * guard page below. Most contexts use a few KiB of their 512 KiB. */
void *wasm_plat_stack_alloc(size_t size)
{
    return vm_reserve_lazy(size ? size : 1, PAGE_SIZE, PAGE_SIZE);
}

void wasm_plat_stack_free(void *p, size_t size)
{
    vm_release(p, size ? size : 1);
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

/* The engine decommits only memory grown since a snapshot (its reset):
 * pages of it still the zero frame's give back their promised frames. */
void wasm_plat_vm_decommit(void *addr, size_t size)
{
    vm_decommit_promised(addr, size);
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
    bool ok = true;
    bool was = cpu_irq_save();
    for (uintptr_t p = va; p < end; p += PAGE_SIZE) {
        uint64_t pa = mmu_translate(p);
        if (pa == (uint64_t)-1)
            continue;
        if (writable && vm_is_zero_frame(pa)) {    /* a frame of its own first */
            uint64_t f = pmm_alloc();
            if (!f) {
                ok = false;
                continue;
            }
            pa = f;
        }
        if (mmu_remap(p, ALIGN_DOWN(pa, PAGE_SIZE), flags) == (uint64_t)-1)
            panic("wasm_plat_vm_protect: cannot remap %p", (void *)p);
    }
    mmu_flush(va, end - va);
    cpu_irq_restore(was);
    return ok;
}

static bool page_zero(uint64_t pa)
{
    const uint64_t *w = phys_to_virt(pa);
    for (size_t i = 0; i < PAGE_SIZE / 8; i++)
        if (w[i])
            return false;
    return true;
}

size_t wasm_plat_vm_share_zero(void *addr, size_t size)
{
    uintptr_t va = ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE);
    uintptr_t end = ALIGN_UP((uintptr_t)addr + size, PAGE_SIZE);
    uint64_t z = vm_zero_frame();
    size_t n = 0;
    for (uintptr_t p = va; z && p < end; p += PAGE_SIZE) {
        bool was = cpu_irq_save();
        uint64_t pa = mmu_translate(p);
        bool share = pa != (uint64_t)-1 && !vm_is_zero_frame(pa) &&
                     page_zero(ALIGN_DOWN(pa, PAGE_SIZE));
        if (share) {
            if (mmu_remap(p, z, MMU_READ) == (uint64_t)-1)
                panic("wasm_plat_vm_share_zero: %p not mapped", (void *)p);
            mmu_flush(p, PAGE_SIZE);        /* before the frame is anyone else's */
            pmm_free_irqoff(ALIGN_DOWN(pa, PAGE_SIZE));
            n++;
        }
        cpu_irq_restore(was);
    }
    return n;
}

bool wasm_plat_vm_fill_zero(void *addr)
{
    return vm_fill_promised((uintptr_t)addr);
}

/* Grown memory under a snapshot: frames promised now, given at first
 * write, so memory.grow still fails when they are not there, never the
 * write. */
bool wasm_plat_vm_commit_zero(void *addr, size_t size)
{
    return size == 0 || vm_commit_promised(addr, size);
}

/* Private frames: the snapshot keeps the frame a page had at the snapshot
 * (the token is its physical address + 1, so never 0); the first write
 * maps a copy in its place, and a reset maps the kept frame back and frees
 * the copy. A page all zero at the snapshot keeps no frame: it maps the
 * shared zero frame (vm_zero_frame, read-only everywhere), its first write
 * gets a fresh zeroed frame, and a reset maps the zero frame back. */
bool wasm_plat_vm_frames(void)
{
    return true;
}

/* A snapshot's pages not written yet hold promised frames (pmm_promise):
 * the first write takes one, a reset promises the copies it frees again. */
bool wasm_plat_vm_promise(size_t n)
{
    return pmm_promise(n);
}

void wasm_plat_vm_unpromise(size_t n)
{
    pmm_unpromise(n);
}

bool wasm_plat_vm_private(void *addr, uint64_t *token)
{
    uintptr_t va = ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE);
    bool was = cpu_irq_save();
    uint64_t pa = mmu_translate(va);
    uint64_t copy = pa == (uint64_t)-1 ? 0 : pmm_alloc_promised();
    if (copy) {
        pa = ALIGN_DOWN(pa, PAGE_SIZE);
        if (!vm_is_zero_frame(pa))      /* pmm_alloc's frame is zero already */
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
    if (n) {
        mmu_flush(lo, hi - lo);
        if (!pmm_promise(n))    /* the n frames just freed: cannot fail */
            panic("wasm_plat_vm_restore: %zu frames freed, not promised again", n);
    }
    cpu_irq_restore(was);
}

void wasm_plat_vm_drop(uint64_t token)
{
    if (!vm_is_zero_frame(token - 1))
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

/* ------------------------------------------------------------ code pages
 *
 * The compiled tier's machine code (docs/compiler.md, "The kernel"). Each
 * module's code is one reservation in the kernel's VM range with an
 * unmapped guard page below: code_alloc maps fresh frames read-write and
 * not executable; the engine copies the code in; code_seal rewrites every
 * entry to read-execute (never writable again), flushes the TLB and lets
 * the port make the instruction stream see the bytes (arch_code_sync:
 * nothing on x86_64, cache cleaning on aarch64, fence.i on riscv64). No
 * mapping is ever writable and executable at once. Sealing also makes the
 * frames read-only in the physical map (which maps all RAM read-write), so
 * no address writes code: a kernel bug cannot change compiled code either.
 * code_free makes them writable there again, then unmaps and frees them
 * when the module is freed.
 *
 * Code memory is the kernel's, not a domain's: domains of the same file
 * share one module (domain_load), so no one domain owns its code. The
 * boot report prints the total (kwasm_code_bytes). */

/* The regions, in a table that doubles when full (32 entries first): one
 * per compiled module alive, a few dozen at the prompt. Entries are named
 * by index outside the interrupts-off sections, as growing moves them. */
typedef struct code_region {
    uintptr_t base, end;           /* base 0: free slot */
    bool sealed;
    bool ro_alias;                 /* physical-map views made read-only */
} code_region_t;

static code_region_t *code_regions;
static int ncode_regions;
static size_t code_bytes;

/* Index of the region at base (0: a free one), or -1. Interrupts off. */
static int code_find(uintptr_t base)
{
    for (int i = 0; i < ncode_regions; i++)
        if (code_regions[i].base == base)
            return i;
    return -1;
}

/* Takes a free entry (its base set to 1: taken), growing the table when
 * none is free; -1 when out of memory. */
static int code_take(void)
{
    for (;;) {
        bool was = cpu_irq_save();
        int i = code_find(0), n = ncode_regions;
        if (i >= 0)
            code_regions[i].base = 1;
        cpu_irq_restore(was);
        if (i >= 0)
            return i;
        code_region_t *t = kmalloc((size_t)(n ? 2 * n : 32) * sizeof *t), *old = t;
        if (!t)
            return -1;
        was = cpu_irq_save();
        if (ncode_regions == n) {          /* nobody grew it meanwhile */
            if (n)
                memcpy(t, code_regions, (size_t)n * sizeof *t);
            old = code_regions;
            code_regions = t;
            ncode_regions = n ? 2 * n : 32;
        }
        cpu_irq_restore(was);
        kfree(old);
    }
}

void *wasm_plat_code_alloc(size_t size)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size == 0)
        return NULL;
    int i = code_take();
    if (i < 0)
        return NULL;
    uint8_t *va = vm_reserve(size, PAGE_SIZE);
    if (va && !vm_commit(va, size, MMU_READ | MMU_WRITE)) {
        vm_release(va, size);
        va = NULL;
    }
    bool was = cpu_irq_save();
    code_region_t *r = &code_regions[i];
    if (va) {
        r->end = (uintptr_t)va + size;
        r->sealed = false;
        r->ro_alias = false;
        r->base = (uintptr_t)va;
        code_bytes += size;
    } else {
        r->base = 0;
    }
    cpu_irq_restore(was);
    return va;
}

bool wasm_plat_code_seal(void *p, size_t size)
{
    uintptr_t va = (uintptr_t)p;
    size = ALIGN_UP(size, PAGE_SIZE);
    bool was = cpu_irq_save();
    int i = va ? code_find(va) : -1;
    code_region_t *r = i >= 0 ? &code_regions[i] : NULL;
    if (!r || r->sealed || va + size > r->end) {
        cpu_irq_restore(was);
        return false;
    }
    for (uintptr_t a = va; a < va + size; a += PAGE_SIZE) {
        uint64_t pa = mmu_translate(a);
        if (pa == (uint64_t)-1 ||
            mmu_remap(a, ALIGN_DOWN(pa, PAGE_SIZE), MMU_READ | MMU_EXEC) == (uint64_t)-1)
            panic("wasm_plat_code_seal: %p not mapped", (void *)a);
    }
    mmu_flush(va, size);
    arch_code_sync(va, size);
    r->ro_alias = true;
    bool ok = true;
    for (uintptr_t a = va; a < va + size && ok; a += PAGE_SIZE)
        ok = mmu_physmap_protect(mmu_translate(a), false);
    r->sealed = ok;        /* else out of memory: the engine interprets */
    cpu_irq_restore(was);
    return ok;
}

/* The frames of r writable through the physical map again (before they
 * go back to the frame allocator). */
static void code_unprotect(code_region_t *r)
{
    for (uintptr_t a = r->base; a < r->end; a += PAGE_SIZE) {
        uint64_t pa = mmu_translate(a);
        if (pa != (uint64_t)-1 && !mmu_physmap_protect(pa, true))
            panic("wasm_plat_code_free: frame %#lx stays read-only", (unsigned long)pa);
    }
}

void wasm_plat_code_free(void *p, size_t size)
{
    uintptr_t va = (uintptr_t)p;
    bool was = cpu_irq_save();
    int i = va ? code_find(va) : -1;
    code_region_t *r = i >= 0 ? &code_regions[i] : NULL;
    if (r) {
        size = r->end - r->base;
        if (r->ro_alias)
            code_unprotect(r);
        r->base = 0;
        code_bytes -= size;
    }
    cpu_irq_restore(was);
    if (r)
        vm_release(p, size);
}

size_t kwasm_code_bytes(void)
{
    return code_bytes;
}

bool kwasm_code_region(uintptr_t pc, uintptr_t *base, uintptr_t *end)
{
    bool was = cpu_irq_save(), found = false;
    for (int i = 0; i < ncode_regions && !found; i++) {
        code_region_t *r = &code_regions[i];
        if (r->base > 1 && r->sealed && pc >= r->base && pc < r->end) {
            if (base)
                *base = r->base;
            if (end)
                *end = r->end;
            found = true;
        }
    }
    cpu_irq_restore(was);
    return found;
}

/* The tier of the kernel's runtimes and of domains without engine=:
 * compiled where the port has a back end, unless the command line says
 * athanor.engine=interp (main.c; for measuring one against the other). */
static uint32_t kwasm_engine_default = WASM_ENGINE_DEFAULT;

void kwasm_set_engine(uint32_t engine)
{
    kwasm_engine_default = engine;
}

uint32_t kwasm_engine(void)
{
    return kwasm_engine_default;
}

/* How compiled code checks memory bounds in the kernel. A guarded memory
 * reserves 8 GiB + 64 KiB of the VM range (only its pages in use are
 * mapped); guard regions are used where the range holds at least
 * KWASM_GUARDED_MIN of them (x86_64: 62 TiB, about 7,900; aarch64: 127
 * TiB), else explicit checks (riscv64's Sv39 range of 188 GiB would hold
 * 23). docs/compiler.md, "The kernel". */
#define KWASM_GUARD_BYTES ((8ull << 30) + (64u << 10))
#define KWASM_GUARDED_MIN 1024u

uint32_t kwasm_bounds(void)
{
    uint64_t range = (uint64_t)(KERN_VM_END - KERN_VM_BASE);
    return range / KWASM_GUARD_BYTES >= KWASM_GUARDED_MIN ? WASM_BOUNDS_DEFAULT
                                                          : WASM_BOUNDS_EXPLICIT;
}

/* The kernel's runtime: modest limits, since every byte of the value stack
 * is committed memory and each linear memory reserves its maximum (with
 * guard regions, 8 GiB of address space: only its used pages are mapped). */
wasm_runtime_t *kwasm_runtime(void)
{
    wasm_config_t cfg = {
        .max_call_depth = 4096,
        .value_stack_cells = 1u << 16,
        .max_memory_pages = 1024,      /* 64 MiB per memory */
        .max_table_elems = 1u << 16,
        .bounds = kwasm_bounds(),
        .engine = kwasm_engine_default,
    };
    return wasm_runtime_new(&cfg);
}
