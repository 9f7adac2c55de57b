/*
 * From entry.S to kmain: read the device tree QEMU hands over, record the
 * devices this port drives, extend the early physical map so RAM and those
 * devices are reachable, bring up the console and build the boot_info_t.
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/devices.h>
#include <arch/mmu.h>
#include <kern/boot.h>
#include <kern/kernel.h>

#include "aarch64.h"
#include "fdt.h"

a64_platform_t a64_plat;

static boot_info_t boot_info;
static char cmdline_buf[2560];     /* make run CMD= puts a hex-encoded command here */

/* Early block descriptor attributes (1 GiB blocks in early_pm_l1). */
#define EARLY_NORMAL  0x701UL                                  /* AF, ISH, attr0 */
#define EARLY_DEVICE  (0x405UL | 1UL << 53 | 1UL << 54)        /* AF, attr1, PXN UXN */

static void copy_str(char *dst, size_t max, const char *src, uint32_t len)
{
    size_t i = 0;
    for (; i + 1 < max && i < len && src[i]; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

static void note_memory(const fdt_node_t *n)
{
    uint64_t base, size;
    for (int i = 0; fdt_reg(n, i, &base, &size); i++)
        if (size && a64_plat.nmem < BOOT_MAX_MEM) {
            a64_plat.mem[a64_plat.nmem].base = base;
            a64_plat.mem[a64_plat.nmem].len = size;
            a64_plat.nmem++;
        }
}

/* The virtual timer's PPI is the third of the four "interrupts" triples
 * (secure phys, non-secure phys, virtual, hypervisor). */
static void note_timer(const fdt_node_t *n)
{
    uint32_t len;
    const void *p = fdt_prop(n, "interrupts", &len);
    if (p && len >= 36 && fdt_cell(p, len, 6) == 1)
        a64_plat.timer_irq = fdt_cell(p, len, 7) + 16;
}

static void note_psci(const fdt_node_t *n)
{
    uint32_t len;
    const char *m = fdt_prop(n, "method", &len);
    if (!m || len < 3)
        return;
    a64_plat.have_psci = true;
    a64_plat.psci_hvc = m[0] == 'h' && m[1] == 'v' && m[2] == 'c';
}

/* A virtio-mmio slot: its window and SPI (interrupts = <0 spi flags>). */
static void note_virtio_mmio(const fdt_node_t *n)
{
    uint32_t len;
    uint64_t pa, size;
    const void *irq = fdt_prop(n, "interrupts", &len);
    if (a64_plat.nvmmio == A64_MAX_VMMIO || !fdt_reg(n, 0, &pa, &size) || !irq || len < 8 ||
        fdt_cell(irq, len, 0) != 0)
        return;
    a64_plat.vmmio[a64_plat.nvmmio].pa = pa;
    a64_plat.vmmio[a64_plat.nvmmio].size = size;
    a64_plat.vmmio[a64_plat.nvmmio].irq = fdt_cell(irq, len, 1) + 32;
    a64_plat.nvmmio++;
}

bool arch_virtio_mmio_slot(int i, uint64_t *pa, uint64_t *size, unsigned *irq)
{
    if (i < 0 || i >= a64_plat.nvmmio)
        return false;
    *pa = a64_plat.vmmio[i].pa;
    *size = a64_plat.vmmio[i].size;
    *irq = a64_plat.vmmio[i].irq;
    return true;
}

static bool scan_node(const fdt_node_t *n, void *arg)
{
    uint32_t len;
    const char *dt = fdt_prop(n, "device_type", &len);
    (void)arg;
    if (dt && len >= 7 && dt[0] == 'm' && fdt_name_is(n, "memory"))
        note_memory(n);
    else if (fdt_compatible(n, "arm,pl011") && !a64_plat.uart_pa) {
        uint64_t size;
        fdt_reg(n, 0, &a64_plat.uart_pa, &size);
        /* interrupts = <type number flags>: SPIs start at INTID 32, PPIs at 16. */
        const void *irq = fdt_prop(n, "interrupts", &len);
        if (irq && len >= 8)
            a64_plat.uart_irq = fdt_cell(irq, len, 1) + (fdt_cell(irq, len, 0) ? 16 : 32);
    } else if (fdt_compatible(n, "arm,cortex-a15-gic") || fdt_compatible(n, "arm,gic-400")) {
        a64_plat.gic_version = 2;
        fdt_reg(n, 0, &a64_plat.gicd_pa, &a64_plat.gicd_size);
        fdt_reg(n, 1, &a64_plat.gicc_pa, &a64_plat.gicc_size);
    } else if (fdt_compatible(n, "arm,gic-v3")) {
        a64_plat.gic_version = 3;
        fdt_reg(n, 0, &a64_plat.gicd_pa, &a64_plat.gicd_size);
        fdt_reg(n, 1, &a64_plat.gicr_pa, &a64_plat.gicr_size);   /* first region */
    } else if (fdt_compatible(n, "arm,armv8-timer"))
        note_timer(n);
    else if (fdt_compatible(n, "arm,psci-0.2") || fdt_compatible(n, "arm,psci-1.0") ||
             fdt_compatible(n, "arm,psci"))
        note_psci(n);
    else if (fdt_compatible(n, "virtio,mmio"))
        note_virtio_mmio(n);
    else if (n->depth == 1 && fdt_name_is(n, "chosen")) {
        const char *args = fdt_prop(n, "bootargs", &len);
        if (args)
            copy_str(cmdline_buf, sizeof cmdline_buf, args, len);
        static const char semi[] = "athanor.semihosting";
        for (const char *p = cmdline_buf; *p; p++)
            if ((p == cmdline_buf || p[-1] == ' ') && !memcmp(p, semi, sizeof semi - 1) &&
                (p[sizeof semi - 1] == ' ' || !p[sizeof semi - 1]))
                a64_plat.semihosting = true;
    }
    return true;
}

/* Maps the GiB holding pa in the early physical map, unless it is mapped. */
static void early_map_gib(uint64_t pa, uint64_t attrs)
{
    uint64_t i = pa >> 30;
    if (i >= 512 || early_pm_l1[i])
        return;
    early_pm_l1[i] = (i << 30) | attrs;
    __asm__ volatile("dsb ishst; isb" ::: "memory");
}

static void early_map(void)
{
    for (int i = 0; i < a64_plat.nmem; i++)
        for (uint64_t pa = a64_plat.mem[i].base & ~((1UL << 30) - 1);
             pa < a64_plat.mem[i].base + a64_plat.mem[i].len; pa += 1UL << 30)
            early_map_gib(pa, EARLY_NORMAL);
    if (a64_plat.uart_pa)
        early_map_gib(a64_plat.uart_pa, EARLY_DEVICE);
    if (a64_plat.gicd_pa)
        early_map_gib(a64_plat.gicd_pa, EARLY_DEVICE);
    if (a64_plat.gicc_pa)
        early_map_gib(a64_plat.gicc_pa, EARLY_DEVICE);
    if (a64_plat.gicr_pa)
        early_map_gib(a64_plat.gicr_pa, EARLY_DEVICE);
}

/* The blob: x0 at entry if it holds one, else the start of RAM, where QEMU
 * puts it for bare-metal (non-Linux) images. Both are in the GiB the
 * early tables map. */
static uint64_t find_dtb(uint64_t x0, fdt_t *f)
{
    if (x0 && (x0 >> 30) == (KERN_LOAD_PHYS >> 30) && fdt_open(f, phys_to_virt(x0)))
        return x0;
    if (fdt_open(f, phys_to_virt(KERN_PHYS_BASE)))
        return KERN_PHYS_BASE;
    return 0;
}

static void fill_boot_info(uint64_t dtb, const fdt_t *f)
{
    boot_info_t *bi = &boot_info;
    for (int i = 0; i < a64_plat.nmem; i++)
        bi->mem[i] = a64_plat.mem[i];
    bi->nmem = a64_plat.nmem;
    bi->kernel_phys_start = (uint64_t)(uintptr_t)__kernel_start - KERN_IMAGE_OFFSET;
    bi->kernel_phys_end = (uint64_t)(uintptr_t)__kernel_end - KERN_IMAGE_OFFSET;
    bi->reserved_start = dtb;
    bi->reserved_end = (dtb + f->totalsize + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    bi->dtb_phys = dtb;
    bi->acpi_rsdp_phys = 0;
    bi->cmdline = cmdline_buf;
}

/* Called by entry.S in the higher half, on the boot stack, MMU on. */
__attribute__((noreturn)) void aarch64_boot(uint64_t entry_ticks, uint64_t x0)
{
    fdt_t f;
    uint64_t tcr = A64_SYSREG_READ(tcr_el1);
    A64_SYSREG_WRITE(tcr_el1, tcr | 1UL << 7);   /* EPD0: no more TTBR0 walks */
    __asm__ volatile("isb; tlbi vmalle1; dsb nsh; isb" ::: "memory");

    a64_plat.entry_ticks = entry_ticks;
    uint64_t dtb = find_dtb(x0, &f);
    if (!dtb) {
        /* No device tree: nothing to learn the console from. Try the PL011
         * of QEMU virt so the failure is at least visible. */
        a64_plat.uart_pa = 0x09000000;
        early_map();
        console_init();
        for (const char *s = "athanor: no device tree, halting\n"; *s; s++)
            console_putc(*s);
        for (;;)
            __asm__ volatile("wfe");
    }
    fdt_walk(&f, scan_node, NULL);
    early_map();
    console_init();
    fill_boot_info(dtb, &f);
    kmain(&boot_info);
}
