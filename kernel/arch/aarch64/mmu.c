/*
 * Kernel page tables: 48-bit VAs, 4 KiB granule, four levels, all in TTBR1.
 * mmu_init replaces the early 1 GiB-block tables of entry.S with final
 * ones: text R+X, rodata R, data/bss R+W, boot-stack guard pages unmapped,
 * RAM in the physical map with 2 MiB blocks (R+W, never executable), the
 * devices this port drives as device memory. SCTLR_EL1.WXN makes W^X a
 * hardware rule as well.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/kernel.h>
#include <kern/trap.h>

#include "aarch64.h"

#define PTE_VALID     (1UL << 0)
#define PTE_TABLE     (1UL << 1)      /* table (levels 0-2) or page (level 3) */
#define PTE_ATTR(i)   ((uint64_t)(i) << 2)
#define PTE_RO        (1UL << 7)      /* AP[2] */
#define PTE_ISH       (3UL << 8)
#define PTE_AF        (1UL << 10)
#define PTE_PXN       (1UL << 53)
#define PTE_UXN       (1UL << 54)
#define PTE_ADDR      0x0000fffffffff000UL
#define ATTR_NORMAL   0
#define ATTR_DEVICE   1
#define SCTLR_WXN     (1UL << 19)

static uint64_t *kern_l0;     /* the final TTBR1 root (physical-map address) */

static unsigned index_at(uintptr_t va, int level)
{
    return (unsigned)(va >> (39 - 9 * level)) & 511;
}

static uint64_t level_size(int level)
{
    return 1UL << (39 - 9 * level);
}

static uint64_t *root(void)
{
    if (kern_l0)
        return kern_l0;
    return phys_to_virt(A64_SYSREG_READ(ttbr1_el1) & PTE_ADDR);
}

/* Descriptor attributes for mmu_map flags. Writable never means
 * executable: W^X wins over a caller asking for both. */
static uint64_t pte_attrs(unsigned flags)
{
    uint64_t a = PTE_AF | PTE_UXN;
    if (flags & MMU_DEVICE)
        a |= PTE_ATTR(ATTR_DEVICE) | PTE_PXN;
    else
        a |= PTE_ATTR(ATTR_NORMAL) | PTE_ISH;
    if (!(flags & MMU_WRITE))
        a |= PTE_RO;
    if (!(flags & MMU_EXEC) || (flags & MMU_WRITE))
        a |= PTE_PXN;
    return a;
}

/* TLB maintenance is local (no "is" broadcast, dsb nsh): the kernel runs
 * on one CPU, whose TLB is the only one holding its translations. A
 * broadcast costs more: QEMU's TCG leaves the translated code and waits for
 * every vCPU to sync on each one. An SMP port must use the inner-shareable
 * forms (tlbi ...is, dsb ish). */
static void tlb_flush_va(uintptr_t va)
{
    __asm__ volatile("dsb nshst; tlbi vaae1, %0; dsb nsh; isb"
                     :: "r"((va >> 12) & ((1UL << 44) - 1)) : "memory");
}

static void tlb_flush_all(void)
{
    __asm__ volatile("dsb nshst; tlbi vmalle1; dsb nsh; isb" ::: "memory");
}

/* One page past the VM area, mapped only for the moment split_block needs
 * it: nothing else lives between KERN_VM_END and the image. */
#define SPLIT_ALIAS KERN_VM_END

static size_t split_frames;       /* mmu_split_frames */

/* Replaces the block descriptor *e (at level) with a table of 512 entries
 * mapping the same range with the same attributes. Break before make: the
 * descriptor goes invalid, the TLB forgets it, then the table goes in.
 * The physical map maps page tables too, so the page holding *e may lie
 * inside the very block being broken, where the make would fault: then the
 * make goes through an alias of that page at SPLIT_ALIAS. Between the
 * break and the make nothing else touches memory (the stack may lie in
 * the block as well): one asm block. */
static bool split_block(uint64_t *e, int level)
{
    uint64_t pa = pmm_alloc();
    if (!pa)
        return false;
    uint64_t *t = phys_to_virt(pa), sub = level_size(level + 1);
    uint64_t attrs = *e & ~PTE_ADDR & ~(PTE_VALID | PTE_TABLE);
    uint64_t type = level + 1 == 3 ? PTE_VALID | PTE_TABLE : PTE_VALID;
    uint64_t blk = *e & PTE_ADDR & ~(level_size(level) - 1);
    for (int i = 0; i < 512; i++)
        t[i] = (blk + i * sub) | attrs | type;
    uint64_t epa = (uintptr_t)e - KERN_PHYS_MAP;
    uint64_t *make = e;
    bool alias = epa - blk < level_size(level);
    if (alias) {
        if (!mmu_map(SPLIT_ALIAS, epa & ~(PAGE_SIZE - 1), PAGE_SIZE, MMU_READ | MMU_WRITE)) {
            pmm_free(pa);
            return false;
        }
        make = (uint64_t *)(SPLIT_ALIAS + (epa & (PAGE_SIZE - 1)));
    }
    __asm__ volatile("dsb ishst\n\t"
                     "str xzr, [%0]\n\t"
                     "dsb nshst\n\ttlbi vmalle1\n\tdsb nsh\n\tisb\n\t"
                     "str %2, [%1]\n\t"
                     "dsb ishst\n\tisb"
                     :: "r"(e), "r"(make), "r"(pa | PTE_TABLE | PTE_VALID) : "memory");
    if (alias)
        mmu_unmap(SPLIT_ALIAS, PAGE_SIZE);
    split_frames++;
    return true;
}

/* The entry for va at level `want` (3: a page, 2: a 2 MiB block),
 * creating tables on the way when alloc. Blocks met on the way are split
 * when split is set; otherwise the walk fails there. */
static uint64_t *walk(uintptr_t va, int want, bool alloc, bool split)
{
    uint64_t *t = root();
    for (int level = 0; level < want; level++) {
        uint64_t *e = &t[index_at(va, level)];
        if (!(*e & PTE_VALID)) {
            if (!alloc)
                return NULL;
            uint64_t pa = pmm_alloc();
            if (!pa)
                return NULL;
            *e = pa | PTE_TABLE | PTE_VALID;
        } else if (!(*e & PTE_TABLE)) {
            if (!split || !split_block(e, level))
                return NULL;
        }
        t = phys_to_virt(*e & PTE_ADDR);
    }
    return &t[index_at(va, want)];
}

bool mmu_map(uintptr_t va, uint64_t pa, size_t size, unsigned flags)
{
    uint64_t attrs = pte_attrs(flags);
    bool was = cpu_irq_save(), ok = true;
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *e = walk(va + off, 3, true, false);
        if (!e || (*e & PTE_VALID)) {
            ok = false;
            break;
        }
        *e = (pa + off) | attrs | PTE_TABLE | PTE_VALID;
    }
    /* invalid -> valid needs no TLB flush, only ordering before use */
    __asm__ volatile("dsb ishst; isb" ::: "memory");
    cpu_irq_restore(was);
    return ok;
}

void mmu_unmap(uintptr_t va, size_t size)
{
    bool was = cpu_irq_save();
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *e = walk(va + off, 3, false, true);
        if (e && (*e & PTE_VALID)) {
            *e = 0;
            tlb_flush_va(va + off);
        }
    }
    cpu_irq_restore(was);
}

/* Changing a valid entry's output address needs break-before-make: the
 * entry goes invalid, its TLB entry is invalidated, then the new one is
 * written. For a run of remaps, mmu_remap breaks (the entry becomes
 * invalid) and queues the make; remap_drain invalidates the TLB once for
 * the queue and makes them all: page by page up to REMAP_BY_VA entries
 * (their addresses are kept), the whole TLB at once for more. */
#define REMAP_QUEUE 512     /* a 2 MiB run (512 pages) is one flush */
#define REMAP_BY_VA 16
static struct { uint64_t *e, pte; } remapq[REMAP_QUEUE];
static uintptr_t remapq_va[REMAP_BY_VA];
static int nremapq;

static void remap_drain(void)
{
    if (!nremapq)
        return;
    __asm__ volatile("dsb nshst" ::: "memory");
    if (nremapq > REMAP_BY_VA) {
        __asm__ volatile("tlbi vmalle1" ::: "memory");
    } else {
        for (int i = 0; i < nremapq; i++)
            __asm__ volatile("tlbi vaae1, %0" ::"r"((remapq_va[i] >> 12) & ((1UL << 44) - 1))
                             : "memory");
    }
    __asm__ volatile("dsb nsh" ::: "memory");
    for (int i = 0; i < nremapq; i++)
        *remapq[i].e = remapq[i].pte;
    __asm__ volatile("dsb ishst; isb" ::: "memory");
    nremapq = 0;
}

uint64_t mmu_remap(uintptr_t va, uint64_t pa, unsigned flags)
{
    uint64_t *e = walk(va, 3, false, false);
    if (!e || !(*e & PTE_VALID))
        return (uint64_t)-1;
    uint64_t old = *e & PTE_ADDR;
    if (nremapq == REMAP_QUEUE)
        remap_drain();
    *e = 0;
    remapq[nremapq].e = e;
    remapq[nremapq].pte = pa | pte_attrs(flags) | PTE_TABLE | PTE_VALID;
    if (nremapq < REMAP_BY_VA)
        remapq_va[nremapq] = va;
    nremapq++;
    return old;
}

void mmu_flush(uintptr_t va, size_t size)
{
    (void)va, (void)size;
    remap_drain();
}

/* The instruction cache is not coherent with data stores: clean the
 * data cache lines to the point of unification, invalidate the
 * instruction cache lines, and resynchronise the fetch stream. Line sizes
 * come from CTR_EL0 (DminLine bits 16-19, IminLine bits 0-3, log2 of
 * words). */
void arch_code_sync(uintptr_t va, size_t size)
{
    uint64_t ctr = A64_SYSREG_READ(ctr_el0);
    uintptr_t dline = 4UL << ((ctr >> 16) & 15), iline = 4UL << (ctr & 15);
    for (uintptr_t a = va & ~(dline - 1); a < va + size; a += dline)
        __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
    __asm__ volatile("dsb ish" ::: "memory");
    for (uintptr_t a = va & ~(iline - 1); a < va + size; a += iline)
        __asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
    __asm__ volatile("dsb ish\n\tisb" ::: "memory");
}

/* The physical map uses 2 MiB blocks: the one covering pa is split
 * (split_block), then pa's page changes permission only, which needs no
 * break-before-make. */
bool mmu_physmap_protect(uint64_t pa, bool writable)
{
    uintptr_t va = (uintptr_t)phys_to_virt(pa & ~(uint64_t)(PAGE_SIZE - 1));
    bool was = cpu_irq_save(), ok = false;
    uint64_t *e = walk(va, 3, false, true);
    if (e && (*e & PTE_VALID)) {
        *e = writable ? *e & ~PTE_RO : *e | PTE_RO;
        tlb_flush_va(va);
        ok = true;
    }
    cpu_irq_restore(was);
    return ok;
}

size_t mmu_split_frames(void)
{
    return split_frames;
}

uint64_t mmu_translate(uintptr_t va)
{
    if (va < KERN_PHYS_MAP)
        return (uint64_t)-1;
    uint64_t *t = root();
    for (int level = 0; level < 4; level++) {
        uint64_t e = t[index_at(va, level)];
        if (!(e & PTE_VALID))
            return (uint64_t)-1;
        if (level == 3 || !(e & PTE_TABLE)) {
            if (level == 0)
                return (uint64_t)-1;       /* no 512 GiB blocks */
            uint64_t sz = level_size(level);
            return (e & PTE_ADDR & ~(sz - 1)) | (va & (sz - 1));
        }
        t = phys_to_virt(e & PTE_ADDR);
    }
    return (uint64_t)-1;
}

bool mmu_readable(uintptr_t va)
{
    return mmu_translate(va) != (uint64_t)-1;
}

/* Maps [pa, pa+size) at pa + KERN_PHYS_MAP with 2 MiB blocks where
 * aligned, pages elsewhere. */
static void map_phys_range(uint64_t pa, uint64_t size, unsigned flags)
{
    const uint64_t big = level_size(2);
    uint64_t end = pa + size, attrs = pte_attrs(flags);
    pa &= ~(PAGE_SIZE - 1);
    while (pa < end) {
        uintptr_t va = (uintptr_t)phys_to_virt(pa);
        if (!(pa & (big - 1)) && end - pa >= big) {
            uint64_t *e = walk(va, 2, true, false);
            if (!e)
                panic("mmu_init: out of memory for the physical map");
            if (!(*e & PTE_VALID))
                *e = pa | attrs | PTE_VALID;
            pa += big;
        } else {
            if (mmu_translate(va) == (uint64_t)-1 && !mmu_map(va, pa, PAGE_SIZE, flags))
                panic("mmu_init: cannot map %llx", (unsigned long long)pa);
            pa += PAGE_SIZE;
        }
    }
}

/* Maps the image range [start, end) with flags, skipping guard pages. */
static void map_image(const char *start, const char *end, unsigned flags)
{
    for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE) {
        if (va == (uintptr_t)boot_stack_guard || va == (uintptr_t)exc_stack_guard)
            continue;
        if (!mmu_map(va, va - KERN_IMAGE_OFFSET, PAGE_SIZE, flags))
            panic("mmu_init: cannot map the kernel image at %p", (void *)va);
    }
}

static void map_device(uint64_t pa, uint64_t size)
{
    if (pa && size)
        map_phys_range(pa, (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
                       MMU_READ | MMU_WRITE | MMU_DEVICE);
}

/* Counts leaf entries under table t (at level) that are writable and
 * executable at EL1. */
static int count_wx(const uint64_t *t, int level)
{
    int n = 0;
    for (int i = 0; i < 512; i++) {
        uint64_t e = t[i];
        if (!(e & PTE_VALID))
            continue;
        if (level < 3 && (e & PTE_TABLE))
            n += count_wx(phys_to_virt(e & PTE_ADDR), level + 1);
        else if (!(e & PTE_RO) && !(e & PTE_PXN))
            n++;
    }
    return n;
}

/* A data page holding "ret": calling it must fault (PXN), and the trap
 * handler resumes at the caller's return address. */
static void check_nx(void)
{
    static uint32_t not_code[4] = { 0xd65f03c0, 0xd65f03c0 };   /* ret */
    trap_expect(TRAP_PAGE_FAULT, 0);
    ((void (*)(void))(uintptr_t)not_code)();
    if (trap_seen != 1)
        panic("mmu_init: kernel data is executable");
}

void mmu_init(void)
{
    uint64_t l0 = pmm_alloc();
    if (!l0)
        panic("mmu_init: no frame for the root table");
    kern_l0 = phys_to_virt(l0);   /* walk() builds here from now on */
    map_image(__kernel_start, __text_end, MMU_READ | MMU_EXEC);
    map_image(__text_end, __rodata_end, MMU_READ);
    map_image(__rodata_end, __kernel_end, MMU_READ | MMU_WRITE);
    for (int i = 0; i < a64_plat.nmem; i++)
        map_phys_range(a64_plat.mem[i].base, a64_plat.mem[i].len, MMU_READ | MMU_WRITE);
    map_device(a64_plat.uart_pa, PAGE_SIZE);
    map_device(a64_plat.gicd_pa, a64_plat.gicd_size);
    map_device(a64_plat.gicc_pa, a64_plat.gicc_size);
    map_device(a64_plat.gicr_pa, a64_plat.gicr_size);

    /* The early tables map the same kernel and physical-map addresses to
     * the same frames, so switching under our feet is safe. */
    __asm__ volatile("dsb ish" ::: "memory");
    A64_SYSREG_WRITE(ttbr1_el1, l0);
    __asm__ volatile("isb" ::: "memory");
    tlb_flush_all();
    A64_SYSREG_WRITE(sctlr_el1, A64_SYSREG_READ(sctlr_el1) | SCTLR_WXN);
    __asm__ volatile("isb" ::: "memory");
    tlb_flush_all();
    /* The early tables (entry.S: five pages; TTBR0's identity map is off
     * since aarch64_boot set EPD0) are not walked any more, and the guard
     * pages are not mapped: their frames go to the allocator. */
    pmm_give_boot(kimg_pa(early_tables_start), 5 * PAGE_SIZE);
    pmm_give_boot(kimg_pa(boot_stack_guard), PAGE_SIZE);
    pmm_give_boot(kimg_pa(exc_stack_guard), PAGE_SIZE);
    int wx = count_wx(kern_l0, 0);
    if (wx)
        panic("mmu_init: %d mappings are writable and executable", wx);
    check_nx();
}
