/*
 * The arch seam, part 3: interrupt controllers (x86_64: LAPIC + IOAPIC;
 * aarch64: GICv2 or GICv3; riscv64: PLIC). Interrupt numbers are the
 * controller's own (GSI / INTID / PLIC source).
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdint.h>

typedef void (*irq_handler_t)(unsigned irq, void *arg);

/* Finds and initialises the controllers (from ACPI/MADT or the device
 * tree), all device interrupts masked. */
void irq_init(void);
/* Installs a handler for a device interrupt and unmasks it. */
void irq_attach(unsigned irq, irq_handler_t fn, void *arg);
void irq_mask(unsigned irq);
void irq_unmask(unsigned irq);

/* Called by the port's interrupt entry with the interrupt number; runs the
 * handler and signals end of interrupt. Portable (kernel/core/irq.c). */
void irq_dispatch(unsigned irq);

#endif
