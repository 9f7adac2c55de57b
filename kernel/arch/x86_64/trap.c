/*
 * x86_trap: every vector lands here from entry.S. Exceptions (0..31) are
 * described to the portable trap_exception(); interrupts go to the timer
 * or to irq_dispatch (whose arch_irq_eoi signals the LAPIC).
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/trap.h>
#include <arch/mmu.h>

#include "x86.h"

static const char *const exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range exceeded",
    "invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
    "invalid TSS", "segment not present", "stack-segment fault", "general protection fault",
    "page fault", "reserved 15", "x87 floating-point error", "alignment check", "machine check",
    "SIMD floating-point exception", "virtualization exception", "control protection exception",
    "reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26", "reserved 27",
    "hypervisor injection", "VMM communication", "security exception", "reserved 31",
};

static const char *const reg_names[] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11",
    "r12", "r13", "r14", "r15", "rip", "rflags", "cs", "ss", "error", "cr2",
};

static enum trap_class exc_class(uint64_t v)
{
    switch (v) {
    case 0: return TRAP_DIVIDE;
    case 3: return TRAP_BREAKPOINT;
    case 6: return TRAP_ILLEGAL;
    case 14: return TRAP_PAGE_FAULT;
    case 17: return TRAP_ALIGNMENT;
    default: return TRAP_OTHER;
    }
}

/* "page fault (write, not present)" from the error code bits. */
static const char *pf_name(uint64_t err)
{
    static const char *const names[8] = {
        "page fault (read, not present)", "page fault (read, protection)",
        "page fault (write, not present)", "page fault (write, protection)",
        "page fault (exec, not present)", "page fault (exec, protection)",
        "page fault (exec, not present)", "page fault (exec, protection)",
    };
    if (err & 8)
        return "page fault (reserved bit set)";
    return names[(err & 1) | (err & 2) | ((err >> 2) & 4)];
}

/* A double fault whose last page fault hit just below the interrupted
 * stack pointer is, almost surely, a kernel stack running into its guard. */
static bool stack_overflow(const x86_frame_t *f, uint64_t cr2)
{
    return f->vector == 8 && cr2 < f->rsp && f->rsp - cr2 <= PAGE_SIZE;
}

static void exception(x86_frame_t *f)
{
    uint64_t cr2 = (f->vector == 14 || f->vector == 8) ? read_cr2() : 0;
    uint64_t regs[] = {
        f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp, f->rsp, f->r8, f->r9,
        f->r10, f->r11, f->r12, f->r13, f->r14, f->r15, f->rip, f->rflags, f->cs, f->ss,
        f->error, cr2,
    };
    trap_info_t t = {
        .cls = exc_class(f->vector),
        .name = f->vector == 14 ? pf_name(f->error)
                : stack_overflow(f, cr2) ? "double fault (kernel stack overflow into a guard page)"
                : exc_names[f->vector],
        .pc = f->rip, .sp = f->rsp, .fp = f->rbp, .addr = cr2,
        .nregs = cr2 ? 22 : 21,
        .regnames = reg_names, .regs = regs,
    };
    /* A copy-on-write fault is fixed and retried at the same rip; an
     * out-of-bounds access by compiled Wasm resumes at its trap stub. */
    uintptr_t fixed_pc = 0;
    if (f->vector == 14 && trap_fixup(&t, &fixed_pc)) {
        if (fixed_pc)
            f->rip = fixed_pc;
        return;
    }
    if (!trap_exception(&t))
        panic("x86_trap: unexpected %s", t.name);
    /* Expected: a breakpoint resumes after int3 (rip already points
     * there); any other fault resumes where the self-test asked, or, for
     * a call into a non-executable page, returns to the caller. */
    if (t.cls == TRAP_BREAKPOINT)
        return;
    if (trap_resume_pc)
        f->rip = trap_resume_pc;
    else if (f->vector == 14 && (f->error & 16) && cr2 == f->rip) {
        f->rip = *(uint64_t *)f->rsp;
        f->rsp += 8;
    } else
        panic("x86_trap: %s expected but nowhere to resume", t.name);
}

void x86_trap(x86_frame_t *f)
{
    uint64_t v = f->vector;
    if (v < 32)
        exception(f);
    else if (v == X86_VEC_TIMER) {
        x86_timer_interrupt();
        lapic_eoi();
    } else if (v >= X86_VEC_GSI && v < X86_VEC_GSI + X86_NGSI) {
        irq_dispatch((unsigned)(v - X86_VEC_GSI));   /* ends with arch_irq_eoi */
    }
    /* The legacy PIC's spurious vectors and the LAPIC spurious vector
     * take no end of interrupt. */
}
