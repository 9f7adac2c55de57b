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

/* Added by the core. Portable (kernel/core/irq.c): records the handler that
 * irq_dispatch runs for irq; a port's irq_attach calls it, then unmasks. */
void irq_set_handler(unsigned irq, irq_handler_t fn, void *arg);
/* Optional, by the port: end of interrupt for irq. When the port defines it,
 * irq_dispatch calls it after the handler; a port that signals EOI in its
 * own entry code (after irq_dispatch returns) leaves it undefined. */
__attribute__((weak)) void arch_irq_eoi(unsigned irq);

#endif
