/*
 * The arch seam, part 6: where the port finds devices for the portable
 * device registry (kernel/core/devices.c; docs/devices.md). A port offers
 * virtio-mmio slots (aarch64, riscv64: from the device tree) or a PCI
 * configuration space (x86_64: the legacy 0xcf8/0xcfc ports). Each
 * function is optional (weak): a port without one has no such transport.
 */
#ifndef ARCH_DEVICES_H
#define ARCH_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

/* The i-th virtio-mmio slot the device tree lists (i from 0): its
 * register window and interrupt number. False past the last. */
__attribute__((weak)) bool arch_virtio_mmio_slot(int i, uint64_t *pa, uint64_t *size,
                                                 unsigned *irq);

/* PCI configuration space, 32-bit aligned accesses; bdf = bus << 8 |
 * device << 3 | function. arch_pci_present is false where there is none. */
__attribute__((weak)) bool arch_pci_present(void);
__attribute__((weak)) uint32_t arch_pci_read32(uint32_t bdf, uint32_t off);
__attribute__((weak)) void arch_pci_write32(uint32_t bdf, uint32_t off, uint32_t v);
/* The interrupt number of the function's INTx pin (1 = INTA .. 4 = INTD),
 * 0 when unknown. */
__attribute__((weak)) unsigned arch_pci_irq(uint32_t bdf, unsigned pin);

#endif
