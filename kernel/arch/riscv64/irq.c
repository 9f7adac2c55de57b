/*
 * The PLIC (RISC-V platform-level interrupt controller) for the boot hart's
 * S-mode context. Register map (PLIC spec 1.0.0): source priorities at
 * 4*src, enable bits at 0x2000 + 0x80*ctx, threshold at 0x200000 +
 * 0x1000*ctx, claim/complete 4 bytes after the threshold.
 */
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "rv.h"

#define PLIC_ENABLE(ctx)    (0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)     (0x200004 + 0x1000 * (ctx))

static volatile uint32_t *plic(uint64_t off)
{
    return (volatile uint32_t *)((uintptr_t)phys_to_virt(rv_plat.plic_pa) + off);
}

/* The phandle of the interrupt controller inside the boot hart's cpu node. */
static bool hart_intc(const fdt_t *f, uint32_t *phandle)
{
    int cpus = fdt_path(f, "/cpus"), depth = 0;
    for (int n = fdt_next_node(f, cpus, &depth); cpus >= 0 && n >= 0 && depth > 0;
         n = fdt_next_node(f, n, &depth)) {
        uint64_t reg, size;
        if (depth != 1 || !fdt_prop_is(f, n, "device_type", "cpu") ||
            !fdt_reg(f, n, 0, &reg, &size) || reg != rv_plat.hartid)
            continue;
        int d = 0;
        for (int c = fdt_next_node(f, n, &d); c >= 0 && d > 0; c = fdt_next_node(f, c, &d))
            if (fdt_is_compatible(f, c, "riscv,cpu-intc"))
                return fdt_prop_u32(f, c, "phandle", phandle);
    }
    return false;
}

/* Context whose interrupts-extended entry is (this hart's intc, 9 = S-mode
 * external interrupt). */
static int s_context(const fdt_t *f, int node)
{
    uint32_t intc;
    int len;
    const uint8_t *p = fdt_prop(f, node, "interrupts-extended", &len);
    if (p && hart_intc(f, &intc))
        for (int i = 0; (i + 1) * 8 <= len; i++)
            if (fdt_be32(p + 8 * i) == intc && fdt_be32(p + 8 * i + 4) == 9)
                return i;
    return (int)(2 * rv_plat.hartid + 1);    /* QEMU virt's numbering */
}

/* Finds the PLIC in the device tree (rv_boot, before mmu_init maps it). */
void rv_plic_setup(void)
{
    const fdt_t *f = &rv_plat.fdt;
    int n = fdt_find_compatible(f, -1, "sifive,plic-1.0.0");
    if (n < 0)
        n = fdt_find_compatible(f, -1, "riscv,plic0");
    uint64_t pa, size;
    if (n < 0 || !fdt_reg(f, n, 0, &pa, &size) || pa + size > KERN_PHYS_MAP_SIZE)
        return;
    uint32_t ndev = 0;
    fdt_prop_u32(f, n, "riscv,ndev", &ndev);
    rv_plat.plic_ndev = ndev > 1023 ? 1023 : ndev;
    rv_plat.plic_ctx = s_context(f, n);
    rv_plat.plic_size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    rv_plat.plic_pa = pa;
}

void irq_init(void)
{
    if (!rv_plat.plic_pa) {
        kprintf("riscv64: no PLIC in the device tree; no device interrupts\n");
        return;
    }
    int ctx = rv_plat.plic_ctx;
    for (uint32_t w = 0; w <= rv_plat.plic_ndev / 32; w++)
        *plic(PLIC_ENABLE(ctx) + 4 * w) = 0;
    for (uint32_t src = 1; src <= rv_plat.plic_ndev; src++)
        *plic(4 * src) = 1;
    *plic(PLIC_THRESHOLD(ctx)) = 0;
    /* drain anything claimed before us */
    for (uint32_t id; (id = *plic(PLIC_CLAIM(ctx))) != 0;)
        *plic(PLIC_CLAIM(ctx)) = id;
    csr_set(sie, SIE_SEIE);
}

static void enable_bit(unsigned irq, bool on)
{
    if (!rv_plat.plic_pa || irq == 0 || irq > rv_plat.plic_ndev)
        return;
    volatile uint32_t *w = plic(PLIC_ENABLE(rv_plat.plic_ctx) + 4 * (irq / 32));
    if (on)
        *w |= 1U << (irq % 32);
    else
        *w &= ~(1U << (irq % 32));
}

void irq_mask(unsigned irq) { enable_bit(irq, false); }
void irq_unmask(unsigned irq) { enable_bit(irq, true); }

/* S-mode external interrupt: claim, dispatch, complete until none is left.
 * Completion happens here, so the port leaves arch_irq_eoi undefined. */
void rv_plic_external(void)
{
    if (!rv_plat.plic_pa)
        return;
    volatile uint32_t *claim = plic(PLIC_CLAIM(rv_plat.plic_ctx));
    for (uint32_t id; (id = *claim) != 0;) {
        irq_dispatch(id);
        *claim = id;
    }
}

void irq_attach(unsigned irq, irq_handler_t fn, void *arg)
{
    if (!rv_plat.plic_pa || irq == 0 || irq > rv_plat.plic_ndev)
        panic("irq_attach: no PLIC source %u", irq);
    irq_set_handler(irq, fn, arg);
    irq_unmask(irq);
}
