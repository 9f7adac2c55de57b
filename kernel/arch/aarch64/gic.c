/*
 * The GIC, version 2 ("arm,cortex-a15-gic", QEMU virt's default and what
 * `make run` uses) or version 3 ("arm,gic-v3", -M virt,gic-version=3), at
 * the addresses the device tree gives, reached through the physical map.
 * INTIDs: 16-31 private to the CPU (PPIs: the timers), 32+ shared (SPIs).
 *
 * v2: distributor + memory-mapped CPU interface; PPIs are enabled in the
 * distributor's banked registers. v3: distributor (affinity routing) + one
 * redistributor per CPU (PPIs live there) + the ICC_* system registers.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "aarch64.h"

#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_IGROUPR     0x080
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ICPENDR     0x280
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_ICFGR       0xc00
#define GICD_IROUTER     0x6000
#define GICD_CTLR_RWP    (1u << 31)

#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_BPR         0x08
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10

#define GICR_WAKER       0x0014
#define GICR_SGI         0x10000          /* the SGI/PPI frame of a redistributor */
#define GICR_ISENABLER0  (GICR_SGI + 0x100)
#define GICR_ICENABLER0  (GICR_SGI + 0x180)
#define GICR_IGROUPR0    (GICR_SGI + 0x080)
#define GICR_ICPENDR0    (GICR_SGI + 0x280)
#define GICR_IPRIORITYR  (GICR_SGI + 0x400)

#define INTID_SPURIOUS   1020
#define PRIO_ALL         0xa0a0a0a0u

static uint64_t gicd, gicc, gicr;
static unsigned nlines;
static int version;

static void dist_wait(void)
{
    while (mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
        ;
}

/* Distributor: everything masked and not pending, one priority, shared
 * interrupts level-triggered and delivered to CPU 0. */
static void dist_init(void)
{
    mmio_write32(gicd + GICD_CTLR, 0);
    if (version == 3)
        dist_wait();
    for (unsigned i = 0; i < nlines; i += 32) {
        mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
        if (version == 3)
            mmio_write32(gicd + GICD_IGROUPR + i / 8, 0xffffffffu);   /* group 1 */
    }
    for (unsigned i = 0; i < nlines; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR + i, PRIO_ALL);
    for (unsigned i = 32; i < nlines; i += 16)
        mmio_write32(gicd + GICD_ICFGR + i / 4, 0);
    if (version == 2) {
        for (unsigned i = 32; i < nlines; i += 4)
            mmio_write32(gicd + GICD_ITARGETSR + i, 0x01010101u);
        mmio_write32(gicd + GICD_CTLR, 1);
        return;
    }
    uint64_t mpidr = A64_SYSREG_READ(mpidr_el1);
    uint64_t aff = (mpidr & 0xffffffUL) | (mpidr & 0xff00000000UL);
    for (unsigned i = 32; i < nlines; i++) {
        mmio_write32(gicd + GICD_IROUTER + 8 * i, (uint32_t)aff);
        mmio_write32(gicd + GICD_IROUTER + 8 * i + 4, (uint32_t)(aff >> 32));
    }
    mmio_write32(gicd + GICD_CTLR, (1u << 4) | (1u << 1));   /* ARE, group 1 on */
    dist_wait();
}

/* GICv3: wake this CPU's redistributor (the first: we run on one CPU),
 * its PPIs/SGIs masked, group 1; then the system-register interface. */
static void redist_init(void)
{
    uint32_t w = mmio_read32(gicr + GICR_WAKER);
    mmio_write32(gicr + GICR_WAKER, w & ~(1u << 1));          /* ProcessorSleep */
    while (mmio_read32(gicr + GICR_WAKER) & (1u << 2))        /* ChildrenAsleep */
        ;
    mmio_write32(gicr + GICR_ICENABLER0, 0xffffffffu);
    mmio_write32(gicr + GICR_ICPENDR0, 0xffffffffu);
    mmio_write32(gicr + GICR_IGROUPR0, 0xffffffffu);
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(gicr + GICR_IPRIORITYR + i, PRIO_ALL);
    A64_SYSREG_WRITE(S3_0_C12_C12_5, A64_SYSREG_READ(S3_0_C12_C12_5) | 1);  /* ICC_SRE_EL1.SRE */
    __asm__ volatile("isb" ::: "memory");
    A64_SYSREG_WRITE(S3_0_C4_C6_0, 0xf0);      /* ICC_PMR_EL1 */
    A64_SYSREG_WRITE(S3_0_C12_C12_3, 0);       /* ICC_BPR1_EL1 */
    A64_SYSREG_WRITE(S3_0_C12_C12_7, 1);       /* ICC_IGRPEN1_EL1 */
    __asm__ volatile("isb" ::: "memory");
}

void irq_init(void)
{
    if (gicd)
        return;
    version = a64_plat.gic_version;
    if (!a64_plat.gicd_pa || (version == 2 && !a64_plat.gicc_pa) ||
        (version == 3 && !a64_plat.gicr_pa) || (version != 2 && version != 3))
        panic("irq_init: no GICv2 or GICv3 in the device tree");
    gicd = (uint64_t)(uintptr_t)phys_to_virt(a64_plat.gicd_pa);
    nlines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
    if (nlines > 1020)
        nlines = 1020;
    dist_init();
    if (version == 3) {
        gicr = (uint64_t)(uintptr_t)phys_to_virt(a64_plat.gicr_pa);
        redist_init();
        return;
    }
    gicc = (uint64_t)(uintptr_t)phys_to_virt(a64_plat.gicc_pa);
    mmio_write32(gicc + GICC_PMR, 0xf0);    /* let every priority above 0xf0 in */
    mmio_write32(gicc + GICC_BPR, 0);
    mmio_write32(gicc + GICC_CTLR, 1);
}

/* The enable registers of irq: the redistributor's for v3 PPIs/SGIs. */
static uint64_t enable_reg(unsigned irq, bool set)
{
    if (version == 3 && irq < 32)
        return gicr + (set ? GICR_ISENABLER0 : GICR_ICENABLER0);
    return gicd + (set ? GICD_ISENABLER : GICD_ICENABLER) + (irq / 32) * 4;
}

void irq_mask(unsigned irq)
{
    if (!gicd || irq >= nlines)
        return;
    mmio_write32(enable_reg(irq, false), 1u << (irq % 32));
}

void irq_unmask(unsigned irq)
{
    irq_init();
    if (irq >= nlines)
        panic("irq_unmask: interrupt %u beyond the GIC's %u", irq, nlines);
    mmio_write32(enable_reg(irq, true), 1u << (irq % 32));
}

void irq_attach(unsigned irq, irq_handler_t fn, void *arg)
{
    irq_set_handler(irq, fn, arg);
    irq_unmask(irq);
}

static uint32_t ack(void)
{
    if (version == 3)
        return (uint32_t)A64_SYSREG_READ(S3_0_C12_C12_0);   /* ICC_IAR1_EL1 */
    return mmio_read32(gicc + GICC_IAR);
}

static void eoi(uint32_t iar)
{
    if (version == 3)
        A64_SYSREG_WRITE(S3_0_C12_C12_1, iar);              /* ICC_EOIR1_EL1 */
    else
        mmio_write32(gicc + GICC_EOIR, iar);
}

/* From the vectors with interrupts masked: take every pending interrupt,
 * dispatch it, then signal its end (we do not define arch_irq_eoi: the
 * EOI write wants the acknowledged value exactly as read). */
void gic_handle_irq(void)
{
    if (!gicd)
        return;
    for (;;) {
        uint32_t iar = ack();
        unsigned id = iar & 0xffffff;
        if (id >= INTID_SPURIOUS && id < 1024)
            return;
        irq_dispatch(id);
        eoi(iar);
    }
}
