/*
 * Sv39 page tables: three levels of 512 entries, 4 KiB pages, 2 MiB and
 * 1 GiB leaves. The kernel uses one root for everything (no user space
 * yet); all its mappings are global. R/W/X bits give W^X: text R+X, rodata
 * R, data/bss/physical map R+W (the physical map's view of text and rodata
 * is read-only). A and D are set up front so the hardware
 * never has to (or fault to) update them.
 */
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "rv.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
#define SATP_SV39 (8UL << 60)

static uint64_t kroot;        /* physical address of the kernel's root table */

static uint64_t *table(uint64_t pa) { return phys_to_virt(pa); }
static uint64_t pte_pa(uint64_t pte) { return (pte >> 10) << 12; }
static uint64_t pa_pte(uint64_t pa) { return (pa >> 12) << 10; }
static unsigned vpn(uintptr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

static void sfence_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
static void sfence_va(uintptr_t va) { __asm__ volatile("sfence.vma %0" ::"r"(va) : "memory"); }

/* Up to this many pages a map or unmap fences each page; more, it fences
 * everything once. QEMU 7.2 flushes its whole TLB for any sfence.vma, so
 * there a per-page fence of a 16-page lend cost 16 full flushes (and the
 * refills after each): one page keeps the precise fence for the common
 * single-page case, a run pays one flush. */
#define FENCE_PAGES 1

/* The PTE for va at `level` (0 = 4 KiB), creating tables on the way when
 * alloc. Stops early at a leaf of a bigger page: *hit gets its level. NULL
 * when a table is missing (and !alloc; *hit = the level of the invalid
 * entry) or out of memory. */
static uint64_t *walk(uint64_t root, uintptr_t va, int level, bool alloc, int *hit)
{
    uint64_t *t = table(root);
    for (int l = 2; l > level; l--) {
        uint64_t *pte = &t[vpn(va, l)];
        if ((*pte & PTE_V) && (*pte & PTE_LEAF)) {
            *hit = l;
            return pte;
        }
        if (!(*pte & PTE_V)) {
            *hit = l;
            if (!alloc)
                return 0;
            uint64_t pa = pmm_alloc();
            if (!pa)
                return 0;
            *pte = pa_pte(pa) | PTE_V;
        }
        t = table(pte_pa(*pte));
    }
    *hit = level;
    return &t[vpn(va, level)];
}

static uint64_t pte_flags(unsigned flags)
{
    uint64_t f = PTE_V | PTE_G | PTE_A | PTE_R;
    if (flags & MMU_WRITE)
        f |= PTE_W | PTE_D;
    if (flags & MMU_EXEC)
        f |= PTE_X;
    /* MMU_DEVICE needs nothing: on virt the PMAs make MMIO uncached (no Svpbmt). */
    return f;
}

/* Maps a range with the biggest pages alignment allows (boot-time only:
 * the physical map). */
static void map_big(uint64_t root, uintptr_t va, uint64_t pa, uint64_t size, uint64_t f)
{
    while (size) {
        int level = 0;
        for (int l = 2; l > 0; l--) {
            uint64_t big = 1UL << (12 + 9 * l);
            if (((va | pa) & (big - 1)) == 0 && size >= big) {
                level = l;
                break;
            }
        }
        int hit;
        uint64_t *pte = walk(root, va, level, true, &hit);
        if (!pte || hit != level || (*pte & PTE_V))
            panic("mmu: cannot map %#lx -> %#lx", (unsigned long)va, (unsigned long)pa);
        *pte = pa_pte(pa) | f;
        uint64_t step = 1UL << (12 + 9 * level);
        va += step, pa += step, size -= step;
    }
}

static void map_kernel(uint64_t root, char *start, char *end, uint64_t f)
{
    uintptr_t s = (uintptr_t)start, e = (uintptr_t)end;
    if (s <= (uintptr_t)boot_stack_guard && (uintptr_t)boot_stack_guard < e) {
        /* the boot stack's guard page stays unmapped */
        map_kernel(root, start, boot_stack_guard, f);
        map_kernel(root, boot_stack_guard + PAGE_SIZE, end, f);
        return;
    }
    for (; s < e; s += PAGE_SIZE)
        map_big(root, s, kimg_pa((void *)s), PAGE_SIZE, f);
}

/* The physical map of one RAM region, R+W, except the kernel's text and
 * rodata, whose alias there is read-only too (no writable view of code). */
static void map_phys(uint64_t root, uint64_t base, uint64_t len)
{
    uint64_t rw = PTE_V | PTE_G | PTE_A | PTE_D | PTE_R | PTE_W, ro = PTE_V | PTE_G | PTE_A | PTE_R;
    uint64_t end = base + len;
    uint64_t ks = kimg_pa(__kernel_start), ke = kimg_pa(__rodata_end);
    if (ke <= base || ks >= end) {
        map_big(root, KERN_PHYS_MAP + base, base, len, rw);
        return;
    }
    if (ks > base)
        map_big(root, KERN_PHYS_MAP + base, base, ks - base, rw);
    uint64_t s = ks > base ? ks : base, e = ke < end ? ke : end;
    map_big(root, KERN_PHYS_MAP + s, s, e - s, ro);
    if (ke < end)
        map_big(root, KERN_PHYS_MAP + ke, ke, end - ke, rw);
}

/* Counts leaves that are both writable and executable under table t. */
static int count_wx(uint64_t t, int level)
{
    int bad = 0;
    for (int i = 0; i < 512; i++) {
        uint64_t pte = table(t)[i];
        if (!(pte & PTE_V))
            continue;
        if (pte & PTE_LEAF)
            bad += (pte & PTE_W) && (pte & PTE_X);
        else if (level > 0)
            bad += count_wx(pte_pa(pte), level - 1);
    }
    return bad;
}

void mmu_init(void)
{
    uint64_t root = pmm_alloc();
    if (!root)
        panic("mmu_init: out of memory");
    for (int i = 0; i < rv_plat.nmap; i++)
        map_phys(root, rv_plat.map[i].base, rv_plat.map[i].len);
    uint64_t k = PTE_V | PTE_G | PTE_A;
    map_kernel(root, __kernel_start, __text_end, k | PTE_R | PTE_X);
    map_kernel(root, __text_end, __rodata_end, k | PTE_R);
    map_kernel(root, __rodata_end, __kernel_end, k | PTE_R | PTE_W | PTE_D);
    kroot = root;
    /* Devices at their physical-map addresses, so the console keeps working. */
    if (rv_plat.uart_pa) {
        uint64_t pa = rv_plat.uart_pa & ~(PAGE_SIZE - 1);
        uint64_t end = (rv_plat.uart_pa + rv_plat.uart_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        if (!mmu_map((uintptr_t)phys_to_virt(pa), pa, end - pa, MMU_READ | MMU_WRITE | MMU_DEVICE))
            panic("mmu_init: cannot map the UART");
    }
    if (rv_plat.test_found && mmu_map((uintptr_t)phys_to_virt(rv_plat.test_found),
                                      rv_plat.test_found, PAGE_SIZE,
                                      MMU_READ | MMU_WRITE | MMU_DEVICE))
        rv_plat.test_pa = rv_plat.test_found;
    if (rv_plat.plic_pa &&
        !mmu_map((uintptr_t)phys_to_virt(rv_plat.plic_pa), rv_plat.plic_pa, rv_plat.plic_size,
                 MMU_READ | MMU_WRITE | MMU_DEVICE))
        panic("mmu_init: cannot map the PLIC");
    int wx = count_wx(root, 2);
    if (wx)
        panic("mmu_init: %d writable and executable mappings", wx);
    csr_write(satp, SATP_SV39 | (root >> 12));
    sfence_all();
    /* The boot table (entry.S) is not walked any more, and the guard page
     * is not mapped: their frames go to the allocator. */
    pmm_give_boot(kimg_pa(boot_pt), PAGE_SIZE);
    pmm_give_boot(kimg_pa(boot_stack_guard), PAGE_SIZE);
}

void mmu_unmap(uintptr_t va, size_t size)
{
    if (!kroot)
        return;
    uintptr_t end = va + size;
    size_t n = size / PAGE_SIZE;
    for (uintptr_t p = va; p < end && p >= va;) {
        int hit;
        uint64_t *pte = walk(kroot, p, 0, false, &hit);
        if (!pte) {
            /* no table below this entry: skip everything it would cover */
            uint64_t span = 1UL << (12 + 9 * hit);
            p = (p & ~(span - 1)) + span;
            continue;
        }
        if (hit == 0 && (*pte & PTE_V)) {
            *pte = 0;
            if (n <= FENCE_PAGES)
                sfence_va(p);
        }
        p += PAGE_SIZE;
    }
    if (n > FENCE_PAGES)
        sfence_all();
}

bool mmu_map(uintptr_t va, uint64_t pa, size_t size, unsigned flags)
{
    if (!kroot)
        panic("mmu_map: before mmu_init");
    if ((flags & MMU_WRITE) && (flags & MMU_EXEC))
        return false;      /* W^X */
    if ((va | pa | size) & (PAGE_SIZE - 1))
        panic("mmu_map: unaligned %#lx -> %#lx (%#lx)", (unsigned long)va, (unsigned long)pa,
              (unsigned long)size);
    uint64_t f = pte_flags(flags);
    size_t n = size / PAGE_SIZE;
    for (size_t i = 0; i < n; i++) {
        int hit;
        uint64_t *pte = walk(kroot, va + i * PAGE_SIZE, 0, true, &hit);
        if (!pte || hit != 0 || (*pte & PTE_V)) {
            mmu_unmap(va, i * PAGE_SIZE);
            return false;
        }
        *pte = pa_pte(pa + i * PAGE_SIZE) | f;
    }
    /* Sv39 may cache invalid entries too: fence after filling them
     * (the caller does, with MMU_NOFENCE). */
    if (flags & MMU_NOFENCE)
        return true;
    if (n <= FENCE_PAGES)
        for (size_t i = 0; i < n; i++)
            sfence_va(va + i * PAGE_SIZE);
    else
        sfence_all();
    return true;
}

uint64_t mmu_remap(uintptr_t va, uint64_t pa, unsigned flags)
{
    int hit;
    uint64_t *pte = kroot ? walk(kroot, va, 0, false, &hit) : NULL;
    if (!pte || hit != 0 || !(*pte & PTE_V))
        return (uint64_t)-1;
    uint64_t old = pte_pa(*pte);
    *pte = pa_pte(pa) | pte_flags(flags);
    return old;
}

/* One fence for the run: QEMU flushes its whole TLB for any sfence.vma,
 * so a fence per page would cost a full flush each. */
void mmu_flush(uintptr_t va, size_t size)
{
    (void)va, (void)size;
    sfence_all();
}

/* Instruction fetch does not see stores until a fence.i on this hart
 * (Athanor runs on one). */
void arch_code_sync(uintptr_t va, size_t size)
{
    (void)va, (void)size;
    __asm__ volatile("fence.i" ::: "memory");
}

/* Walks the active table (satp), so it also works under the boot table. */
/* Replaces the leaf *pte of a level-`level` page (1: 2 MiB, 2: 1 GiB)
 * with a table of 512 leaves one level down, same flags and range. */
static size_t split_frames;       /* mmu_split_frames */

static bool split_leaf(uint64_t *pte, int level)
{
    uint64_t pa = pmm_alloc();
    if (!pa)
        return false;
    split_frames++;
    uint64_t *t = table(pa), sub = 1UL << (12 + 9 * (level - 1));
    uint64_t base = pte_pa(*pte), f = *pte & 0x3ff;
    for (int i = 0; i < 512; i++)
        t[i] = pa_pte(base + (uint64_t)i * sub) | f;
    *pte = pa_pte(pa) | PTE_V;
    return true;
}

/* The physical map uses 1 GiB and 2 MiB leaves: the ones covering pa are
 * split down to 4 KiB pages (Sv39 needs no break-before-make: one fence
 * after the change), then pa's page changes. */
bool mmu_physmap_protect(uint64_t pa, bool writable)
{
    uintptr_t va = (uintptr_t)phys_to_virt(pa & ~(uint64_t)(PAGE_SIZE - 1));
    bool split = false;
    int hit;
    uint64_t *pte;
    while ((pte = walk(kroot, va, 0, false, &hit)) && hit > 0) {
        if (!split_leaf(pte, hit))
            return false;
        split = true;
    }
    if (!pte || !(*pte & PTE_V))
        return false;
    *pte = writable ? *pte | PTE_W | PTE_D : *pte & ~PTE_W;
    if (split)
        sfence_all();
    else
        sfence_va(va);
    return true;
}

size_t mmu_split_frames(void)
{
    return split_frames;
}

uint64_t mmu_translate(uintptr_t va)
{
    if ((uintptr_t)((intptr_t)(va << 25) >> 25) != va)
        return (uint64_t)-1;      /* not a canonical Sv39 address */
    uint64_t root = (csr_read(satp) & ((1UL << 44) - 1)) << 12;
    int hit;
    uint64_t *pte = walk(root, va, 0, false, &hit);
    if (!pte || !(*pte & PTE_V) || !(*pte & PTE_LEAF))
        return (uint64_t)-1;
    uint64_t mask = (1UL << (12 + 9 * hit)) - 1;
    return (pte_pa(*pte) & ~mask) | (va & mask);
}
