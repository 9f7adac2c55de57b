/*
 * Interrupt controllers: the local APIC (timer, end of interrupt) and the
 * IOAPICs (device interrupts by GSI), found through the ACPI MADT. The
 * legacy 8259 PICs are remapped out of the exception vectors and masked.
 * GSI n arrives on vector X86_VEC_GSI + n.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <kern/kernel.h>

#include "x86.h"

enum {
    LAPIC_ID = 0x20, LAPIC_TPR = 0x80, LAPIC_EOI = 0xb0, LAPIC_SVR = 0xf0,
    LAPIC_LVT_LINT0 = 0x350, LAPIC_LVT_LINT1 = 0x360, LAPIC_LVT_ERROR = 0x370,
};
#define IA32_APIC_BASE 0x1b
#define LVT_MASKED (1u << 16)

static volatile uint32_t *lapic;
static bool irq_ready;

uint32_t lapic_read(uint32_t reg) { return lapic[reg / 4]; }
void lapic_write(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; }
void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

/* The 8259 pair: initialised with vectors 0x20..0x2f (so a spurious one
 * cannot pose as an exception), then every line masked. */
static void pic_disable(void)
{
    static const uint8_t init[2][4] = { { 0x11, X86_VEC_PIC, 4, 1 }, { 0x11, X86_VEC_PIC + 8, 2, 1 } };
    for (int i = 0; i < 4; i++) {
        outb(0x20 + (i ? 1 : 0), init[0][i]);
        outb(0xa0 + (i ? 1 : 0), init[1][i]);
    }
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* Maps and enables the local APIC (idempotent: timer_init may come first). */
void lapic_setup(void)
{
    if (lapic)
        return;
    acpi_parse();
    pic_disable();
    x86_map_device(x86_madt.lapic_phys, PAGE_SIZE);
    wrmsr(IA32_APIC_BASE, (x86_madt.lapic_phys & ~0xfffUL) | (1 << 11));
    lapic = phys_to_virt(x86_madt.lapic_phys);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, 0x100 | X86_VEC_SPURIOUS);
}

static uint32_t ioapic_read(x86_ioapic_t *io, uint32_t reg)
{
    io->regs[0] = reg;
    return io->regs[4];
}

static void ioapic_write(x86_ioapic_t *io, uint32_t reg, uint32_t v)
{
    io->regs[0] = reg;
    io->regs[4] = v;
}

static x86_ioapic_t *ioapic_of(unsigned gsi)
{
    for (int i = 0; i < x86_madt.nioapic; i++) {
        x86_ioapic_t *io = &x86_madt.ioapic[i];
        if (gsi >= io->gsi_base && gsi < io->gsi_base + io->ngsi)
            return io;
    }
    return NULL;
}

void irq_init(void)
{
    lapic_setup();
    for (int i = 0; i < x86_madt.nioapic; i++) {
        x86_ioapic_t *io = &x86_madt.ioapic[i];
        x86_map_device(io->phys, PAGE_SIZE);
        io->regs = phys_to_virt(io->phys);
        io->ngsi = ((ioapic_read(io, 1) >> 16) & 0xff) + 1;
        for (uint32_t n = 0; n < io->ngsi; n++)
            ioapic_write(io, 0x10 + 2 * n, LVT_MASKED);
    }
    irq_ready = true;
    kprintf("x86_64: LAPIC at 0x%llx, %d IOAPIC(s), the first at 0x%llx with %u inputs%s\n",
            (unsigned long long)x86_madt.lapic_phys, x86_madt.nioapic,
            (unsigned long long)x86_madt.ioapic[0].phys, x86_madt.ioapic[0].ngsi,
            x86_rsdp_phys ? " (ACPI MADT)" : "");
}

/* Redirection entry for gsi: its vector, to this CPU, with the polarity
 * and trigger mode of its bus (ISA: high, edge; others: low, level) unless
 * an override said otherwise. */
static void ioapic_route(unsigned gsi, bool masked)
{
    x86_ioapic_t *io = ioapic_of(gsi);
    if (!io || gsi >= X86_NGSI)
        panic("irq: no IOAPIC input for GSI %u", gsi);
    uint16_t fl = x86_madt.gsi_flags[gsi];
    bool isa = gsi < 16 || (fl & 0x8000);
    bool low = (fl & 3) == 3 || ((fl & 3) == 0 && !isa);
    bool level = ((fl >> 2) & 3) == 3 || (((fl >> 2) & 3) == 0 && !isa);
    uint32_t lo = (X86_VEC_GSI + gsi) | (low ? 1u << 13 : 0) | (level ? 1u << 15 : 0) |
                  (masked ? LVT_MASKED : 0);
    uint32_t n = gsi - io->gsi_base;
    ioapic_write(io, 0x11 + 2 * n, (lapic_read(LAPIC_ID) >> 24) << 24);
    ioapic_write(io, 0x10 + 2 * n, lo);
}

void irq_mask(unsigned irq)
{
    if (!irq_ready)
        panic("irq_mask: irq_init has not run");
    ioapic_route(irq, true);
}

void irq_unmask(unsigned irq)
{
    if (!irq_ready)
        panic("irq_unmask: irq_init has not run");
    ioapic_route(irq, false);
}

void irq_attach(unsigned irq, irq_handler_t fn, void *arg)
{
    irq_set_handler(irq, fn, arg);
    irq_unmask(irq);
}

/* Called by the portable irq_dispatch after the handler. */
void arch_irq_eoi(unsigned irq)
{
    (void)irq;
    lapic_eoi();
}
