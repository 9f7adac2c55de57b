/*
 * From the multiboot hand-over to kmain: reads the multiboot information
 * (memory map, command line), finds the ACPI RSDP, extends the boot page
 * tables' physical map over all of RAM, and builds the boot_info_t.
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/boot.h>

#include "x86.h"

#define MB_BOOT_MAGIC 0x2badb002
enum { MBI_MEM = 1 << 0, MBI_CMDLINE = 1 << 2, MBI_MMAP = 1 << 6 };

/* The multiboot information structure (the fields used here). */
typedef struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} mb_info_t;

typedef struct __attribute__((packed)) mb_mmap {
    uint32_t size;
    uint64_t base, len;
    uint32_t type;
} mb_mmap_t;

x86_mmap_entry_t x86_mmap[X86_MAX_MMAP];
int x86_nmmap;
uint64_t x86_rsdp_phys;

static boot_info_t boot_info;
static char cmdline[2560];     /* make run CMD= puts a hex-encoded command here */
/* Page-table pages the early physical map needs beyond the first GiB come
 * from just after the image; kernel_phys_end then covers them. */
static uint64_t early_next;

static void add_mmap(uint64_t base, uint64_t len, uint32_t type)
{
    if (x86_nmmap < X86_MAX_MMAP && len)
        x86_mmap[x86_nmmap++] = (x86_mmap_entry_t){ base, len, type };
}

static void read_mmap(const mb_info_t *mb)
{
    if (mb->flags & MBI_MMAP) {
        uintptr_t p = (uintptr_t)phys_to_virt(mb->mmap_addr);
        uintptr_t end = p + mb->mmap_length;
        while (p + sizeof(mb_mmap_t) <= end) {
            const mb_mmap_t *e = (const mb_mmap_t *)p;
            add_mmap(e->base, e->len, e->type);
            p += e->size + 4;
        }
    } else if (mb->flags & MBI_MEM) {
        add_mmap(0, (uint64_t)mb->mem_lower << 10, 1);
        add_mmap(0x100000, (uint64_t)mb->mem_upper << 10, 1);
    }
}

static void read_cmdline(const mb_info_t *mb)
{
    if (!(mb->flags & MBI_CMDLINE))
        return;
    const char *s = phys_to_virt(mb->cmdline);
    for (size_t i = 0; i + 1 < sizeof cmdline && s[i]; i++)
        cmdline[i] = s[i];
}

static bool rsdp_ok(const uint8_t *p)
{
    static const char sig[8] = "RSD PTR ";
    uint8_t sum = 0;
    for (int i = 0; i < 8; i++)
        if (p[i] != (uint8_t)sig[i])
            return false;
    for (int i = 0; i < 20; i++)
        sum += p[i];
    return sum == 0;
}

static uint64_t rsdp_scan(uint64_t pa, uint64_t len)
{
    for (uint64_t a = pa; a + 20 <= pa + len; a += 16)
        if (rsdp_ok(phys_to_virt(a)))
            return a;
    return 0;
}

/* ACPI: the RSDP is on a 16-byte boundary in the first KiB of the EBDA
 * (segment at 0x40e) or in the BIOS area 0xe0000..0xfffff. */
static uint64_t find_rsdp(void)
{
    uint64_t ebda = (uint64_t)*(volatile uint16_t *)phys_to_virt(0x40e) << 4;
    uint64_t r = 0;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        r = rsdp_scan(ebda, 1024);
    return r ? r : rsdp_scan(0xe0000, 0x20000);
}

static uint64_t early_frame(void)
{
    uint64_t pa = early_next;
    early_next += PAGE_SIZE;
    __builtin_memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/* Maps one 2 MiB page of the physical map in the boot tables (below 1 GiB
 * the boot tables already have it). */
static void early_map_2m(uint64_t pa)
{
    uintptr_t va = (uintptr_t)phys_to_virt(pa);
    uint64_t *t = phys_to_virt(read_cr3() & ~0xfffUL);
    for (int shift = 39; shift > 21; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];
        if (!(*e & 1))
            *e = early_frame() | 3;
        t = phys_to_virt(*e & 0x000ffffffffff000UL);
    }
    uint64_t *e = &t[(va >> 21) & 511];
    if (!(*e & 1))
        *e = pa | 0x83;
}

static void early_physmap(void)
{
    for (int i = 0; i < x86_nmmap; i++) {
        x86_mmap_entry_t *m = &x86_mmap[i];
        if (m->type != 1 && m->type != 3 && m->type != 4)
            continue;
        uint64_t a = m->base & ~0x1fffffUL;
        for (; a < m->base + m->len; a += 0x200000)
            if (a >= (1UL << 30))
                early_map_2m(a);
    }
    write_cr3(read_cr3());
}

/* Usable RAM for the frame allocator: type 1, above 1 MiB (the BIOS areas
 * and physical page 0 are never handed out), whole pages. */
static void fill_boot_mem(void)
{
    for (int i = 0; i < x86_nmmap && boot_info.nmem < BOOT_MAX_MEM; i++) {
        x86_mmap_entry_t *m = &x86_mmap[i];
        uint64_t base = m->base, end = m->base + m->len;
        if (m->type != 1 || end <= 0x100000)
            continue;
        if (base < 0x100000)
            base = 0x100000;
        base = (base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
        end &= ~(uint64_t)(PAGE_SIZE - 1);
        if (end > base)
            boot_info.mem[boot_info.nmem++] = (boot_mem_t){ base, end - base };
    }
}

static void fail(const char *why)
{
    x86_puts("athanor: x86_64 boot: ");
    x86_puts(why);
    x86_puts("\n");
    arch_poweroff(3);
}

/* Called by boot.S in the higher half, on the boot stack, interrupts off. */
void x86_start(uint32_t magic, uint32_t mbi)
{
    console_init();
    if (magic != MB_BOOT_MAGIC)
        fail("not loaded by a multiboot loader");
    const mb_info_t *mb = phys_to_virt(mbi);
    read_mmap(mb);
    read_cmdline(mb);
    if (!x86_nmmap)
        fail("no memory map");
    x86_rsdp_phys = find_rsdp();
    early_next = x86_kva_to_phys(_end);
    early_physmap();
    fill_boot_mem();
    boot_info.kernel_phys_start = x86_kva_to_phys(_kernel_start);
    boot_info.kernel_phys_end = early_next;
    boot_info.acpi_rsdp_phys = x86_rsdp_phys;
    boot_info.cmdline = cmdline;
    kmain(&boot_info);
}
