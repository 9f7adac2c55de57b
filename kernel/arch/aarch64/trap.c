/*
 * Exceptions: vectors.S saves a frame and calls aarch64_exception. IRQs go
 * to the GIC; synchronous exceptions are classified from ESR_EL1 and handed
 * to trap_exception (kern/trap.h), which reports and panics unless a
 * self-test expected them.
 */
#include <arch/cpu.h>
#include <kern/kernel.h>
#include <kern/trap.h>

#include "aarch64.h"

/* ESR_EL1 exception classes. */
#define EC_UNKNOWN      0x00
#define EC_FP           0x07
#define EC_ILLEGAL      0x0e
#define EC_SVC64        0x15
#define EC_IABT_LOW     0x20
#define EC_IABT         0x21
#define EC_PC_ALIGN     0x22
#define EC_DABT_LOW     0x24
#define EC_DABT         0x25
#define EC_SP_ALIGN     0x26
#define EC_SERROR       0x2f
#define EC_BRK64        0x3c

static const char *const regnames[36] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
    "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22",
    "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp", "elr", "spsr",
    "esr", "far",
};

static const char *const kind_names[16] = {
    "sync (EL1t)", "irq (EL1t)", "fiq (EL1t)", "serror (EL1t)",
    "sync (EL1h)", "irq (EL1h)", "fiq (EL1h)", "serror (EL1h)",
    "sync (EL0, AArch64)", "irq (EL0, AArch64)", "fiq (EL0, AArch64)", "serror (EL0, AArch64)",
    "sync (EL0, AArch32)", "irq (EL0, AArch32)", "fiq (EL0, AArch32)", "serror (EL0, AArch32)",
};

/* Fault status codes (DFSC/IFSC) to a trap class and a phrase. */
static enum trap_class abort_class(uint32_t fsc, const char **what)
{
    switch (fsc >> 2) {
    case 1: *what = "translation fault"; return TRAP_PAGE_FAULT;
    case 2: *what = "access flag fault"; return TRAP_PAGE_FAULT;
    case 3: *what = "permission fault"; return TRAP_PAGE_FAULT;
    case 0: *what = "address size fault"; return TRAP_PAGE_FAULT;
    }
    if (fsc == 0x21) {
        *what = "alignment fault";
        return TRAP_ALIGNMENT;
    }
    *what = "external or other abort";
    return TRAP_OTHER;
}

static char namebuf[96];

/* namebuf = a + b + c (single CPU, so one static buffer is enough). */
static const char *compose(const char *a, const char *b, const char *c)
{
    size_t n = 0;
    for (const char *parts[3] = { a, b, c }, **p = parts; p < parts + 3; p++)
        for (const char *s = *p; s && *s && n + 1 < sizeof namebuf; s++)
            namebuf[n++] = *s;
    namebuf[n] = 0;
    return namebuf;
}

/* Classifies a synchronous exception from its syndrome. */
static void classify(const a64_frame_t *f, trap_info_t *t)
{
    uint32_t ec = (uint32_t)(f->esr >> 26) & 0x3f, iss = (uint32_t)f->esr & 0x1ffffff;
    const char *what;
    t->cls = TRAP_OTHER;
    switch (ec) {
    case EC_BRK64:
        t->cls = TRAP_BREAKPOINT;
        t->name = "breakpoint (brk)";
        break;
    case EC_DABT: case EC_DABT_LOW:
        t->cls = abort_class(iss & 0x3f, &what);
        t->addr = f->far;
        t->name = compose("page fault (", (iss & (1u << 6)) ? "write, " : "read, ", what);
        t->name = compose(t->name, ")", NULL);
        break;
    case EC_IABT: case EC_IABT_LOW:
        t->cls = abort_class(iss & 0x3f, &what);
        t->addr = f->far;
        t->name = compose("page fault (instruction fetch, ", what, ")");
        break;
    case EC_UNKNOWN: t->cls = TRAP_ILLEGAL; t->name = "undefined instruction"; break;
    case EC_ILLEGAL: t->cls = TRAP_ILLEGAL; t->name = "illegal execution state"; break;
    case EC_PC_ALIGN:
        t->cls = TRAP_ALIGNMENT, t->addr = f->far, t->name = "pc alignment fault";
        break;
    case EC_SP_ALIGN: t->cls = TRAP_ALIGNMENT; t->name = "sp alignment fault"; break;
    case EC_FP: t->name = "FP/SIMD access trapped"; break;
    case EC_SVC64: t->name = "svc from the kernel"; break;
    case EC_SERROR: t->name = "SError"; break;
    default: t->name = "unexpected synchronous exception"; break;
    }
}

static int depth;

void aarch64_exception(a64_frame_t *f, unsigned kind)
{
    unsigned type = kind & 3;
    if (type == 1 && kind < 8) {
        gic_handle_irq();
        return;
    }
    if (++depth > 2) {
        /* Faulting while reporting a fault: say the least and stop. */
        arch_poweroff(99);
    }
    trap_info_t t = { TRAP_OTHER, kind_names[kind & 15], f->elr, f->sp, f->x[29], 0,
                      36, regnames, f->x };
    if (type == 0 && kind < 8)
        classify(f, &t);
    uintptr_t fixed_pc = 0;
    if (t.cls == TRAP_PAGE_FAULT && trap_fixup(&t, &fixed_pc)) {
        if (fixed_pc)
            f->elr = fixed_pc;   /* compiled Wasm out of bounds: its trap stub */
        depth--;    /* else copy-on-write fixed: retry at the same elr */
        return;
    }
    uintptr_t resume = trap_resume_pc;
    if (!trap_exception(&t))
        panic("unhandled exception: %s", t.name);
    /* Expected by a self-test: resume where it asked; else after the
     * instruction (brk and data aborts report their own address), or, for
     * a fetch from a non-executable page, back at the caller (x30). */
    uint32_t ec = (uint32_t)(f->esr >> 26) & 0x3f;
    if (resume)
        f->elr = resume;
    else if (type == 0 && kind < 8 && ec == EC_IABT)
        f->elr = f->x[30];
    else
        f->elr += 4;
    depth--;
}
