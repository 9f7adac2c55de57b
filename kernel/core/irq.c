/*
 * Portable interrupt dispatch: a table from interrupt number (the
 * controller's own numbering) to handler. The port's interrupt entry calls
 * irq_dispatch; the port's irq_attach records handlers with irq_set_handler.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <kern/kernel.h>

#include "core.h"

#define IRQ_MAX 1024

typedef struct irq_slot {
    irq_handler_t fn;
    void *arg;
    uint64_t count;
} irq_slot_t;

static irq_slot_t slots[IRQ_MAX];
static uint64_t spurious;

void irq_set_handler(unsigned irq, irq_handler_t fn, void *arg)
{
    if (irq >= IRQ_MAX)
        panic("irq_set_handler: interrupt %u out of range", irq);
    bool was = cpu_irq_save();
    slots[irq].fn = fn;
    slots[irq].arg = arg;
    cpu_irq_restore(was);
}

void irq_dispatch(unsigned irq)
{
    if (irq < IRQ_MAX && slots[irq].fn) {
        slots[irq].count++;
        slots[irq].fn(irq, slots[irq].arg);
    } else if (spurious++ < 8) {
        kprintf("irq: no handler for interrupt %u\n", irq);
    }
    if (arch_irq_eoi)
        arch_irq_eoi(irq);
}
