/*
 * Four-level x86_64 page tables. mmu_init builds the kernel's final tables
 * from the frame allocator: the image with W^X page permissions (and
 * unmapped guard pages below the boot and IST stacks), a physical map of
 * RAM and ACPI memory at KERN_PHYS_MAP (no execute; the image's text and
 * rodata read-only there too), and the device windows mapped so far. The
 * boot identity map is gone afterwards. mmu_map and friends work on the
 * live tables (the boot tables before mmu_init).
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/kernel.h>
#include <kern/trap.h>

#include "x86.h"

enum {
    PTE_P = 1 << 0, PTE_W = 1 << 1, PTE_PWT = 1 << 3, PTE_PCD = 1 << 4,
    PTE_PS = 1 << 7, PTE_G = 1 << 8,
};
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL
#define SIZE_2M 0x200000UL

static bool mmu_ready;
static size_t split_frames;       /* mmu_split_frames */            /* the live tables come from the frame allocator */
typedef struct device_window {
    uint64_t pa, size;
} device_window_t;
static device_window_t devices[16];
static int ndevices;

static uint64_t nx(void) { return x86_has_nx ? PTE_NX : 0; }

static uint64_t *table(uint64_t e) { return phys_to_virt(e & PTE_ADDR); }
static unsigned idx(uintptr_t va, int level) { return (va >> (12 + 9 * (level - 1))) & 511; }

/* The entry for va at level (1: 4 KiB page, 2: 2 MiB page) under root,
 * creating tables when create. NULL when absent, out of memory, or a large
 * page is in the way. */
static uint64_t *walk(uint64_t root, uintptr_t va, int level, bool create)
{
    uint64_t *t = phys_to_virt(root);
    for (int l = 4; l > level; l--) {
        uint64_t *e = &t[idx(va, l)];
        if (!(*e & PTE_P)) {
            uint64_t pa = create ? pmm_alloc() : 0;
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W;
        } else if (*e & PTE_PS)
            return NULL;
        t = table(*e);
    }
    return &t[idx(va, level)];
}

static uint64_t pte_flags(unsigned flags)
{
    uint64_t f = PTE_P | PTE_G;
    if (flags & MMU_WRITE)
        f |= PTE_W;
    if (!(flags & MMU_EXEC))
        f |= nx();
    if (flags & MMU_DEVICE)
        f |= PTE_PCD | PTE_PWT;
    return f;
}

static uint64_t root_now(void) { return read_cr3() & PTE_ADDR; }

/* Frees the page-table pages on va's path that became empty. Only tables
 * from the frame allocator (after mmu_init) are freed. */
static void prune(uint64_t root, uintptr_t va)
{
    uint64_t *path[4];
    uint64_t *t = phys_to_virt(root);
    for (int l = 4; l > 1; l--) {
        uint64_t *e = &t[idx(va, l)];
        if (!(*e & PTE_P) || (*e & PTE_PS))
            return;
        path[l - 1] = e;
        t = table(*e);
    }
    for (int l = 1; l < 4; l++) {
        uint64_t *tab = table(*path[l]);
        for (int i = 0; i < 512; i++)
            if (tab[i])
                return;
        pmm_free(*path[l] & PTE_ADDR);
        *path[l] = 0;
    }
}

/* The size of the hole at va when a table on its path is missing (the
 * span of the missing entry), else 0. */
static uint64_t hole_at(uint64_t root, uintptr_t va)
{
    uint64_t *t = phys_to_virt(root);
    for (int l = 4; l > 1; l--) {
        uint64_t e = t[idx(va, l)];
        if (!(e & PTE_P))
            return 1UL << (12 + 9 * (l - 1));
        if (e & PTE_PS)
            return 0;
        t = table(e);
    }
    return 0;
}

static void unmap_pages(uint64_t root, uintptr_t va, size_t size)
{
    uintptr_t end = va + size;
    for (uintptr_t a = va; a < end;) {
        uint64_t hole = hole_at(root, a);
        if (hole) {   /* nothing mapped up to the next boundary of that size */
            uintptr_t next = (a & ~(hole - 1)) + hole;
            if (next <= a)
                break;
            a = next;
            continue;
        }
        uint64_t *e = walk(root, a, 1, false);
        if (e && *e) {
            *e = 0;
            invlpg(a);
        }
        /* Check for empty tables once per page table (2 MiB) touched. */
        uintptr_t next = a + PAGE_SIZE;
        if (mmu_ready && (next >= end || !(next & (SIZE_2M - 1))))
            prune(root, a);
        if (next <= a)
            break;
        a = next;
    }
}

bool mmu_map(uintptr_t va, uint64_t pa, size_t size, unsigned flags)
{
    bool on = cpu_irq_save();
    uint64_t root = root_now(), f = pte_flags(flags);
    for (size_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *e = walk(root, va + off, 1, true);
        if (!e || *e) {
            unmap_pages(root, va, off);
            cpu_irq_restore(on);
            return false;
        }
        *e = (pa + off) | f;
    }
    cpu_irq_restore(on);
    return true;
}

void mmu_unmap(uintptr_t va, size_t size)
{
    bool on = cpu_irq_save();
    unmap_pages(root_now(), va, size);
    cpu_irq_restore(on);
}

uint64_t mmu_remap(uintptr_t va, uint64_t pa, unsigned flags)
{
    uint64_t *e = walk(root_now(), va, 1, false);
    if (!e || !(*e & PTE_P))
        return (uint64_t)-1;
    uint64_t old = *e & PTE_ADDR;
    *e = pa | pte_flags(flags);
    return old;
}

/* invlpg per page; past 64 pages, toggling CR4.PGE drops every entry
 * (the pages are global (PTE_G), so a CR3 reload would not). */
void mmu_flush(uintptr_t va, size_t size)
{
    if (size > 64 * PAGE_SIZE) {
        uint64_t cr4;
        bool on = cpu_irq_save();
        __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
        __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 & ~(1ull << 7)) : "memory");
        __asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
        cpu_irq_restore(on);
        return;
    }
    for (uintptr_t a = va & ~(uintptr_t)(PAGE_SIZE - 1); a < va + size; a += PAGE_SIZE)
        invlpg(a);
}

/* x86 keeps instruction fetch coherent with stores; the remap that made
 * the code executable already flushed the TLB. */
void arch_code_sync(uintptr_t va, size_t size)
{
    (void)va, (void)size;
}

/* The physical map uses 2 MiB pages: the one covering pa becomes a table
 * of 512 4 KiB pages with its flags (x86 needs no break-before-make), then
 * pa's page changes. */
bool mmu_physmap_protect(uint64_t pa, bool writable)
{
    uintptr_t va = (uintptr_t)phys_to_virt(pa & PTE_ADDR);
    bool on = cpu_irq_save(), ok = false;
    uint64_t *pde = walk(root_now(), va, 2, false);
    if (pde && (*pde & PTE_P) && (*pde & PTE_PS)) {
        uint64_t t = pmm_alloc();
        if (!t)
            goto out;
        split_frames++;
        uint64_t *pt = phys_to_virt(t);
        uint64_t base = *pde & PTE_ADDR & ~(SIZE_2M - 1);
        uint64_t f = *pde & (PTE_NX | 0x1ff) & ~(uint64_t)PTE_PS;   /* P W PWT PCD A D G NX */
        for (int i = 0; i < 512; i++)
            pt[i] = (base + (uint64_t)i * PAGE_SIZE) | f;
        *pde = t | PTE_P | PTE_W;
        mmu_flush(va & ~(SIZE_2M - 1), SIZE_2M);
    }
    uint64_t *e = walk(root_now(), va, 1, false);
    if (e && (*e & PTE_P)) {
        *e = writable ? *e | PTE_W : *e & ~(uint64_t)PTE_W;
        invlpg(va);
        ok = true;
    }
out:
    cpu_irq_restore(on);
    return ok;
}

size_t mmu_split_frames(void)
{
    return split_frames;
}

uint64_t mmu_translate(uintptr_t va)
{
    uint64_t *t = phys_to_virt(root_now());
    for (int l = 4; l >= 1; l--) {
        uint64_t e = t[idx(va, l)];
        if (!(e & PTE_P))
            return (uint64_t)-1;
        if (l == 1 || (l < 4 && (e & PTE_PS))) {
            uint64_t span = 1UL << (12 + 9 * (l - 1));
            return (e & PTE_ADDR & ~(span - 1)) | (va & (span - 1));
        }
        t = table(e);
    }
    return (uint64_t)-1;
}

/* Whether va is mapped under root (by a page of any size). */
static bool covered(uint64_t root, uintptr_t va)
{
    uint64_t *t = phys_to_virt(root);
    for (int l = 4; l >= 1; l--) {
        uint64_t e = t[idx(va, l)];
        if (!(e & PTE_P))
            return false;
        if (l == 1 || (e & PTE_PS))
            return true;
        t = table(e);
    }
    return false;
}

/* Maps [pa, pa+size) at va in root during mmu_init: 2 MiB pages where
 * alignment allows; whatever is already mapped is kept. */
static void map_boot(uint64_t root, uintptr_t va, uint64_t pa, uint64_t size, uint64_t f)
{
    uint64_t end = pa + size;
    while (pa < end) {
        bool big = !(pa & (SIZE_2M - 1)) && !(va & (SIZE_2M - 1)) && end - pa >= SIZE_2M;
        uint64_t *pde = big ? walk(root, va, 2, false) : NULL;
        if (pde && *pde)
            big = false;   /* a page table is there already: fill it page by page */
        uint64_t step = big ? SIZE_2M : PAGE_SIZE;
        if (!covered(root, va)) {
            uint64_t *e = walk(root, va, big ? 2 : 1, true);
            if (!e)
                panic("mmu_init: out of memory");
            *e = pa | f | (big ? PTE_PS : 0);
        }
        pa += step;
        va += step;
    }
}

static uint64_t page_down(uint64_t a) { return a & ~(uint64_t)(PAGE_SIZE - 1); }
static uint64_t page_up(uint64_t a) { return (a + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }

/* The image: text R+X, rodata R, data and bss R+W, the guard pages not at all. */
static void map_image(uint64_t root)
{
    uintptr_t k = (uintptr_t)_kernel_start, t = (uintptr_t)_etext, r = (uintptr_t)_erodata;
    uintptr_t e = (uintptr_t)_end;
    map_boot(root, k, x86_kva_to_phys(_kernel_start), t - k, PTE_P | PTE_G);
    map_boot(root, t, x86_kva_to_phys(_etext), r - t, PTE_P | PTE_G | nx());
    for (uintptr_t a = r; a < e; a += PAGE_SIZE) {
        if (a == (uintptr_t)boot_stack_guard || a == (uintptr_t)x86_ist_guard)
            continue;
        map_boot(root, a, x86_kva_to_phys((void *)a), PAGE_SIZE, PTE_P | PTE_W | PTE_G | nx());
    }
}

/* The physical map: the first MiB (BIOS data, the RSDP), RAM and ACPI
 * memory from the firmware's map. The image's text and rodata appear there
 * read-only, so no page of code is writable through any address. */
static void map_physmap(uint64_t root)
{
    uint64_t rw = PTE_P | PTE_W | PTE_G | nx();
    uint64_t ro_lo = x86_kva_to_phys(_kernel_start), ro_hi = x86_kva_to_phys(_erodata);
    map_boot(root, KERN_PHYS_MAP + ro_lo, ro_lo, ro_hi - ro_lo, PTE_P | PTE_G | nx());
    map_boot(root, KERN_PHYS_MAP, 0, 0x100000, rw);
    for (int i = 0; i < x86_nmmap; i++) {
        x86_mmap_entry_t *m = &x86_mmap[i];
        if (m->type != 1 && m->type != 3 && m->type != 4)
            continue;
        uint64_t lo = page_down(m->base), hi = page_up(m->base + m->len);
        map_boot(root, KERN_PHYS_MAP + lo, lo, hi - lo, rw);
    }
    for (int i = 0; i < ndevices; i++)
        map_boot(root, KERN_PHYS_MAP + devices[i].pa, devices[i].pa, devices[i].size,
                 PTE_P | PTE_W | PTE_G | PTE_PCD | PTE_PWT | nx());
}

/* Leaf entries under table t (a level-`level` table) that are writable
 * and executable. */
static int count_wx(const uint64_t *t, int level)
{
    int n = 0;
    for (int i = 0; i < 512; i++) {
        uint64_t e = t[i];
        if (!(e & PTE_P))
            continue;
        if (level > 1 && !(e & PTE_PS))
            n += count_wx(table(e), level - 1);
        else if ((e & PTE_W) && !(e & PTE_NX))
            n++;
    }
    return n;
}

/* A data page holding "ret": calling it must fault (NX); the trap handler
 * returns to the caller, as the ret would have. */
static void check_nx(void)
{
    static uint8_t not_code[16] = { 0xc3, 0xc3 };
    trap_expect(TRAP_PAGE_FAULT, 0);
    ((void (*)(void))(uintptr_t)not_code)();
    if (trap_seen != 1)
        panic("mmu_init: kernel data is executable");
}

void mmu_init(void)
{
    uint64_t root = pmm_alloc();
    if (!root)
        panic("mmu_init: out of memory");
    map_image(root);
    map_physmap(root);
    write_cr3(root);
    mmu_ready = true;
    /* The boot tables (boot.S: the four pages just below the boot stack's
     * guard page) are not walked any more, and the guard pages are not
     * mapped: their frames go to the allocator. */
    pmm_give_boot(x86_kva_to_phys(boot_pml4), 4 * PAGE_SIZE);
    pmm_give_boot(x86_kva_to_phys(boot_stack_guard), PAGE_SIZE);
    pmm_give_boot(x86_kva_to_phys(x86_ist_guard), PAGE_SIZE);
    if (!x86_has_nx) {
        kprintf("x86_64: no NX bit on this CPU: data pages stay executable\n");
        return;
    }
    int wx = count_wx(phys_to_virt(root), 4);
    if (wx)
        panic("mmu_init: %d mappings are writable and executable", wx);
    check_nx();
}

void x86_map_device(uint64_t pa, size_t size)
{
    uint64_t lo = page_down(pa), hi = page_up(pa + size);
    for (uint64_t a = lo; a < hi; a += PAGE_SIZE)
        if (mmu_translate((uintptr_t)phys_to_virt(a)) == (uint64_t)-1 &&
            !mmu_map((uintptr_t)phys_to_virt(a), a, PAGE_SIZE, MMU_READ | MMU_WRITE | MMU_DEVICE))
            panic("x86_map_device: out of memory");
    if (ndevices < (int)(sizeof devices / sizeof devices[0]))
        devices[ndevices++] = (device_window_t){ lo, hi - lo };
}

void x86_map_firmware(uint64_t pa, size_t size)
{
    for (uint64_t a = page_down(pa); a < page_up(pa + size); a += PAGE_SIZE)
        if (mmu_translate((uintptr_t)phys_to_virt(a)) == (uint64_t)-1 &&
            !mmu_map((uintptr_t)phys_to_virt(a), a, PAGE_SIZE, MMU_READ))
            panic("x86_map_firmware: out of memory");
}
