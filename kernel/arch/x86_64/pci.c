/*
 * PCI configuration space through the legacy mechanism (ports 0xcf8 /
 * 0xcfc, PCI Local Bus 3.0 section 3.2.2.3.2), for the device registry
 * (kernel/core/devices.c). SeaBIOS has assigned the BARs below 4 GiB.
 */
#include <arch/cpu.h>
#include <arch/devices.h>

#include "x86.h"

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

static uint32_t cfg_addr(uint32_t bdf, uint32_t off)
{
    return 1u << 31 | (bdf & 0xffff) << 8 | (off & 0xfc);
}

bool arch_pci_present(void)
{
    return true;
}

uint32_t arch_pci_read32(uint32_t bdf, uint32_t off)
{
    bool on = cpu_irq_save();
    outl(PCI_ADDR, cfg_addr(bdf, off));
    uint32_t v = inl(PCI_DATA);
    cpu_irq_restore(on);
    return v;
}

void arch_pci_write32(uint32_t bdf, uint32_t off, uint32_t v)
{
    bool on = cpu_irq_save();
    outl(PCI_ADDR, cfg_addr(bdf, off));
    outl(PCI_DATA, v);
    cpu_irq_restore(on);
}

/* q35 with QEMU's ACPI tables: on bus 0, slots below 0x18 reach PIRQ E..H
 * rotated by slot (the DSDT's _PRT), and the ICH9 wires PIRQ E..H to
 * IOAPIC inputs 20..23 in APIC mode. */
unsigned arch_pci_irq(uint32_t bdf, unsigned pin)
{
    unsigned slot = (bdf >> 3) & 31;
    if (pin < 1 || pin > 4 || (bdf >> 8) != 0 || slot >= 0x18)
        return 0;
    return 20 + ((slot + pin - 1) & 3);
}
