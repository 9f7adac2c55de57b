/*
 * Portable interrupt dispatch: a table from interrupt number (the
 * controller's own numbering) to handler. The port's interrupt entry calls
 * irq_dispatch; the port's irq_attach records handlers with irq_set_handler.
 *
 * The table holds the interrupts that have a handler, not one slot per
 * number: numbers go up to 1023 (GIC, PLIC) but a machine attaches a few
 * (the timer, at most DEV_MAX_IRQS device lines), and a lookup walks a
 * handful of entries.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <kern/kernel.h>

#include "core.h"

#define IRQ_MAX 1024          /* numbers are below this */
#define IRQ_SLOTS 64          /* handlers attached at once */

typedef struct irq_slot {
    unsigned irq;
    irq_handler_t fn;
    void *arg;
} irq_slot_t;

static irq_slot_t slots[IRQ_SLOTS];
static int nslots;
static uint64_t spurious;

/* irq's entry, or nslots when it has none. Interrupts off. */
static int slot_of(unsigned irq)
{
    int i = 0;
    while (i < nslots && slots[i].irq != irq)
        i++;
    return i;
}

/* Sets (fn non-NULL) or clears irq's handler. */
void irq_set_handler(unsigned irq, irq_handler_t fn, void *arg)
{
    if (irq >= IRQ_MAX)
        panic("irq_set_handler: interrupt %u out of range", irq);
    bool was = cpu_irq_save();
    int i = slot_of(irq);
    if (!fn) {
        if (i < nslots)
            slots[i] = slots[--nslots];
    } else {
        if (i == nslots && nslots == IRQ_SLOTS)
            panic("irq_set_handler: more than %d interrupts attached", IRQ_SLOTS);
        if (i == nslots)
            nslots++;
        slots[i] = (irq_slot_t){irq, fn, arg};
    }
    cpu_irq_restore(was);
}

void irq_dispatch(unsigned irq)
{
    int i = slot_of(irq);
    if (i < nslots) {
        slots[i].fn(irq, slots[i].arg);
    } else if (spurious++ < 8) {
        kprintf("irq: no handler for interrupt %u\n", irq);
    }
    if (arch_irq_eoi)
        arch_irq_eoi(irq);
}
