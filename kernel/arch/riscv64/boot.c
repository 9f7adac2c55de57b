/*
 * riscv64 boot: entry.S calls rv_boot on the boot stack, running at the
 * link address under the boot page table. We read the device tree OpenSBI
 * handed over (memory, reserved ranges, console, command line), build the
 * boot_info_t and call kmain.
 */
#include <kern/boot.h>
#include <kern/kernel.h>
#include <arch/console.h>
#include <arch/mmu.h>

#include "rv.h"

rv_platform_t rv_plat;
static boot_info_t boot_info;

long sbi_call(long ext, long fid, long a0, long a1, long a2, long *value)
{
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r2 __asm__("a2") = a2;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    if (value)
        *value = r1;
    return r0;
}

/* Removes [base, base+len) from the region list, splitting where needed. */
static void region_remove(rv_region_t *r, int *n, int max, uint64_t base, uint64_t len)
{
    uint64_t end = base + len;
    for (int i = 0; i < *n; i++) {
        uint64_t rb = r[i].base, re = r[i].base + r[i].len;
        if (end <= rb || base >= re)
            continue;
        if (base > rb && end < re && *n < max) {      /* split in two */
            r[*n] = (rv_region_t){end, re - end};
            (*n)++;
            r[i].len = base - rb;
        } else if (base <= rb && end >= re) {
            r[i] = r[--(*n)];
            i--;
        } else if (base <= rb) {
            r[i] = (rv_region_t){end, re - end};
        } else {
            r[i].len = base - rb;
        }
    }
}

/* RAM from the /memory nodes, clipped to what the physical map covers. */
static int find_memory(rv_region_t *r, int max)
{
    const fdt_t *f = &rv_plat.fdt;
    int n = 0, depth = -1;
    for (int node = fdt_next_node(f, -1, &depth); node >= 0; node = fdt_next_node(f, node, &depth)) {
        if (depth != 1 || !fdt_prop_is(f, node, "device_type", "memory"))
            continue;
        uint64_t base, len;
        for (int i = 0; n < max && fdt_reg(f, node, i, &base, &len); i++) {
            if (base >= KERN_PHYS_MAP_SIZE)
                continue;
            if (len > KERN_PHYS_MAP_SIZE - base)
                len = KERN_PHYS_MAP_SIZE - base;
            if (len)
                r[n++] = (rv_region_t){base, len};
        }
    }
    return n;
}

/* Takes the firmware's reservations out: "no-map" ones (OpenSBI's own
 * memory) from the physical map too, all of them from usable RAM. */
static void remove_reserved(rv_region_t *usable, int *nusable)
{
    const fdt_t *f = &rv_plat.fdt;
    uint64_t base, len;
    for (int i = 0; fdt_mem_rsv(f, i, &base, &len); i++)
        region_remove(usable, nusable, BOOT_MAX_MEM, base, len);
    int rsv = fdt_path(f, "/reserved-memory");
    if (rsv < 0)
        return;
    int depth = 0;
    for (int n = fdt_next_node(f, rsv, &depth); n >= 0 && depth > 0; n = fdt_next_node(f, n, &depth)) {
        if (depth != 1)
            continue;
        for (int i = 0; fdt_reg(f, n, i, &base, &len); i++) {
            region_remove(usable, nusable, BOOT_MAX_MEM, base, len);
            if (fdt_prop(f, n, "no-map", 0))
                region_remove(rv_plat.map, &rv_plat.nmap, RV_MAX_RAM, base, len);
        }
    }
}

static void fill_memory(boot_info_t *bi)
{
    rv_region_t usable[BOOT_MAX_MEM];
    rv_plat.nmap = find_memory(rv_plat.map, RV_MAX_RAM);
    int n = find_memory(usable, BOOT_MAX_MEM);
    remove_reserved(usable, &n);
    for (int i = 0; i < n; i++) {
        /* pmm works in whole pages */
        uint64_t b = (usable[i].base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        uint64_t e = (usable[i].base + usable[i].len) & ~(PAGE_SIZE - 1);
        if (e > b)
            bi->mem[bi->nmem++] = (boot_mem_t){b, e - b};
    }
}

/* The i-th "virtio,mmio" node of the device tree (kept reserved): its
 * window and PLIC source. */
bool arch_virtio_mmio_slot(int i, uint64_t *pa, uint64_t *size, unsigned *irq)
{
    const fdt_t *f = &rv_plat.fdt;
    int n = -1;
    uint32_t src;
    if (!f->blob || i < 0)
        return false;
    for (int k = 0; k <= i; k++)
        if ((n = fdt_find_compatible(f, n, "virtio,mmio")) < 0)
            return false;
    if (!fdt_reg(f, n, 0, pa, size) || !fdt_prop_u32(f, n, "interrupts", &src))
        return false;
    *irq = src;
    return true;
}

__attribute__((noreturn)) void rv_boot(uint64_t hartid, uint64_t dtb_pa, uint64_t t0)
{
    boot_info_t *bi = &boot_info;
    rv_plat.hartid = hartid;
    rv_plat.entry_time = t0;
    if (dtb_pa && dtb_pa < KERN_PHYS_MAP_SIZE && fdt_init(&rv_plat.fdt, phys_to_virt(dtb_pa)))
        bi->dtb_phys = dtb_pa;
    rv_uart_setup();
    console_init();
    if (!bi->dtb_phys)
        panic("rv_boot: no device tree from the firmware (a1 = %#lx)", (unsigned long)dtb_pa);
    fill_memory(bi);
    rv_timer_setup();
    rv_plic_setup();
    bi->kernel_phys_start = kimg_pa(__kernel_start);
    bi->kernel_phys_end = kimg_pa(__kernel_end);
    bi->reserved_start = dtb_pa & ~(PAGE_SIZE - 1);
    bi->reserved_end = (dtb_pa + rv_plat.fdt.total_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    int chosen = fdt_path(&rv_plat.fdt, "/chosen");
    const char *args = chosen >= 0 ? fdt_prop(&rv_plat.fdt, chosen, "bootargs", 0) : 0;
    bi->cmdline = args ? args : "";
    kmain(bi);
}
