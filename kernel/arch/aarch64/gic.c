/*
 * GICv2 (QEMU virt's default, "arm,cortex-a15-gic"): distributor and CPU
 * interface at the addresses the device tree gives, reached through the
 * physical map. INTIDs: 16-31 private (PPIs, e.g. the timers), 32+ shared.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "aarch64.h"

#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ICPENDR     0x280
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_ICFGR       0xc00

#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_BPR         0x08
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10

#define INTID_SPURIOUS   1020

static uint64_t gicd, gicc;
static unsigned nlines;

void irq_init(void)
{
    if (gicd)
        return;
    if (!a64_plat.gicd_pa || !a64_plat.gicc_pa)
        panic("irq_init: no GICv2 in the device tree");
    gicd = (uint64_t)(uintptr_t)phys_to_virt(a64_plat.gicd_pa);
    gicc = (uint64_t)(uintptr_t)phys_to_virt(a64_plat.gicc_pa);
    nlines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
    if (nlines > 1020)
        nlines = 1020;

    mmio_write32(gicd + GICD_CTLR, 0);
    for (unsigned i = 0; i < nlines; i += 32) {
        mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
    }
    /* One priority for all; shared interrupts go to CPU 0, level-triggered. */
    for (unsigned i = 0; i < nlines; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
    for (unsigned i = 32; i < nlines; i += 4)
        mmio_write32(gicd + GICD_ITARGETSR + i, 0x01010101u);
    for (unsigned i = 32; i < nlines; i += 16)
        mmio_write32(gicd + GICD_ICFGR + i / 4, 0);
    mmio_write32(gicd + GICD_CTLR, 1);

    mmio_write32(gicc + GICC_PMR, 0xf0);    /* let every priority above 0xf0 in */
    mmio_write32(gicc + GICC_BPR, 0);
    mmio_write32(gicc + GICC_CTLR, 1);
}

void irq_mask(unsigned irq)
{
    if (!gicd || irq >= nlines)
        return;
    mmio_write32(gicd + GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void irq_unmask(unsigned irq)
{
    irq_init();
    if (irq >= nlines)
        panic("irq_unmask: interrupt %u beyond the GIC's %u", irq, nlines);
    mmio_write32(gicd + GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void irq_attach(unsigned irq, irq_handler_t fn, void *arg)
{
    irq_set_handler(irq, fn, arg);
    irq_unmask(irq);
}

/* From the vectors with interrupts masked: take every pending interrupt,
 * dispatch it, then signal its end (we do not define arch_irq_eoi: the
 * EOI write wants the IAR value exactly as read). */
void gic_handle_irq(void)
{
    if (!gicc)
        return;
    for (;;) {
        uint32_t iar = mmio_read32(gicc + GICC_IAR);
        unsigned id = iar & 0x3ff;
        if (id >= INTID_SPURIOUS)
            return;
        irq_dispatch(id);
        mmio_write32(gicc + GICC_EOIR, iar);
    }
}
