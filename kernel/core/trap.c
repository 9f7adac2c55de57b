/*
 * The portable half of exception handling: the port describes a trap, we
 * print it (kind, pc, faulting address, registers, backtrace) and panic --
 * unless a self-test announced with trap_expect() that it wants exactly
 * this kind of trap, in which case we count it and let the port resume.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/trap.h>

#include "core.h"

volatile int trap_seen;
volatile uintptr_t trap_resume_pc;

/* The expectation is armed by trap_expect and consumed by one trap. */
static volatile int expect_armed;
static volatile enum trap_class expect_cls;

void trap_expect(enum trap_class cls, uintptr_t resume_pc)
{
    expect_cls = cls;
    trap_resume_pc = resume_pc;
    trap_seen = 0;
    expect_armed = 1;
}

void trap_disarm(void)
{
    expect_armed = 0;
}

static void bt_line(uintptr_t pc, void *arg)
{
    int *n = arg;
    kprintf("  #%d %p\n", (*n)++, (void *)pc);
}

/* Prints the frame-pointer chain starting at fp (0: our caller's). */
void trap_backtrace(uintptr_t fp)
{
    int n = 0;
    kprintf("backtrace:\n");
    arch_backtrace(fp, bt_line, &n, 32);
    if (n == 0)
        kprintf("  (empty)\n");
}

static void dump_regs(const trap_info_t *t)
{
    for (uint32_t i = 0; i < t->nregs; i++) {
        const char *name = t->regnames ? t->regnames[i] : "?";
        kprintf("%6s=%016llx%s", name, (unsigned long long)t->regs[i],
                (i % 4 == 3 || i + 1 == t->nregs) ? "\n" : " ");
    }
}

bool trap_fixup(const trap_info_t *t, uintptr_t *resume_pc)
{
    *resume_pc = 0;
    /* Whether it was a write is left to the engine: it only fixes pages it
     * protected itself, so a read fault there is not "fixed" twice. */
    if (t->cls != TRAP_PAGE_FAULT || !t->addr)
        return false;
    if (vm_lazy_fault(t->addr) || kwasm_write_fault(t->addr))
        return true;
    /* A domain writing to a read-only buffer mapping (a read-only lend):
     * the write goes to a scratch page and the call traps (ipc.c). */
    thread_t *cur = thread_current();
    domain_t *d = cur ? thread_domain(cur) : NULL;
    if (d && ipc_ro_write_fault(d->sys, t->addr))
        return true;
    /* Compiled Wasm reaching into the unmapped part of a linear memory's
     * reservation (guard regions, docs/compiler.md): an out-of-bounds
     * trap. The region's first byte is its out-of-bounds stub, which
     * unwinds to the entry trampoline like any trap. Only data faults in
     * the VM range count: a fetch fault (pc == addr) is not compiled code
     * running, and no linear memory lies elsewhere. */
    uintptr_t base;
    if (t->addr != t->pc && t->addr >= KERN_VM_BASE && t->addr < KERN_VM_END &&
        kwasm_code_region(t->pc, &base, NULL)) {
        *resume_pc = base;
        return true;
    }
    return false;
}

bool trap_exception(const trap_info_t *t)
{
    if (expect_armed && t->cls == expect_cls) {
        expect_armed = 0;
        trap_seen++;
        return true;
    }
    cpu_irq_disable();
    kprintf("\nEXCEPTION: %s at pc=%p addr=%p sp=%p\n", t->name ? t->name : "?",
            (void *)t->pc, (void *)t->addr, (void *)t->sp);
    if (expect_armed)
        kprintf("(a self-test expected a trap of class %d, got class %d)\n", (int)expect_cls,
                (int)t->cls);
    dump_regs(t);
    kprintf("  #0 %p (faulting pc)\n", (void *)t->pc);
    if (t->fp)
        trap_backtrace(t->fp);
    panic("unhandled exception: %s", t->name ? t->name : "?");
}
