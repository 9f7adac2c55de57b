/*
 * riscv64 processor: trap entry (C side), FPU, interrupt enable, idle,
 * poweroff through SBI system reset, frame-pointer backtraces.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <kern/kernel.h>
#include <kern/trap.h>

#include "rv.h"

/* The frame trapvec.S builds; x[i] is register x(i+1). */
typedef struct rv_frame {
    uint64_t x[31];
    uint64_t sepc, sstatus, scause, stval, fcsr;
    uint64_t f[32];
    uint64_t rec_fp, rec_pc;
} rv_frame_t;

_Static_assert(sizeof(rv_frame_t) == 70 * 8, "rv_frame_t matches trapvec.S");

/* Reached through tp by trapvec.S (offsets fixed there). */
typedef struct rv_percpu {
    uint64_t scratch0, scratch1;
    uint64_t depth;
    uint64_t emergency_top;
    uint64_t outer_sepc, outer_stval;     /* of the outermost trap */
} rv_percpu_t;

rv_percpu_t rv_percpu;
static uint8_t emergency_stack[16384] __attribute__((aligned(16)));

enum { NREGS = 35 };
static const char *const reg_names[NREGS] = {
    "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2",
    "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
    "s9", "s10", "s11", "t3", "t4", "t5", "t6", "sepc", "scause", "stval", "sstatus",
};

const char *arch_name(void) { return "riscv64"; }

void cpu_init(void)
{
    rv_percpu.emergency_top = (uint64_t)(uintptr_t)(emergency_stack + sizeof emergency_stack);
    __asm__ volatile("mv tp, %0" ::"r"(&rv_percpu));
    csr_write(stvec, (uintptr_t)rv_trap_vector);
    /* FPU on: FS = Initial; the trap entry saves f0-f31 and fcsr always. */
    csr_clear(sstatus, SSTATUS_FS);
    csr_set(sstatus, SSTATUS_FS_INITIAL);
    __asm__ volatile("fscsr zero");
}

void cpu_irq_enable(void) { csr_set(sstatus, SSTATUS_SIE); }
void cpu_irq_disable(void) { csr_clear(sstatus, SSTATUS_SIE); }

bool cpu_irq_save(void)
{
    uint64_t old;
    __asm__ volatile("csrrc %0, sstatus, %1" : "=r"(old) : "r"(SSTATUS_SIE) : "memory");
    return old & SSTATUS_SIE;
}

void cpu_irq_restore(bool was_on)
{
    if (was_on)
        cpu_irq_enable();
}

void cpu_idle(void)
{
    cpu_irq_enable();
    __asm__ volatile("wfi" ::: "memory");
}

__attribute__((noreturn)) void arch_poweroff(int status)
{
    kprintf("athanor: poweroff status %d\n", status);
    cpu_irq_disable();
    /* QEMU's test finisher exits with the status: 0x5555 passes, code << 16
     * | 0x3333 fails with code. */
    if (rv_plat.test_pa)
        *(volatile uint32_t *)phys_to_virt(rv_plat.test_pa) =
            status ? (uint32_t)(status & 0xffff) << 16 | 0x3333 : 0x5555;
    /* SRST: type 0 = shutdown; reason 0 = none, 1 = system failure. */
    sbi_call(SBI_EXT_SRST, 0, 0, status ? 1 : 0, 0, 0);
    sbi_call(0x08, 0, 0, 0, 0, 0);          /* legacy shutdown */
    for (;;)
        __asm__ volatile("wfi");
}

__attribute__((noreturn)) void arch_reboot(void)
{
    cpu_irq_disable();
    sbi_call(SBI_EXT_SRST, 1, 0, 0, 0, 0);  /* type 1 = cold reboot */
    kprintf("athanor: SBI reboot failed, halting\n");
    for (;;)
        __asm__ volatile("wfi");
}

/* A frame record is usable if it is aligned, in the kernel half and mapped. */
static bool frame_ok(uintptr_t fp)
{
    return fp >= KERN_PHYS_MAP && (fp & 7) == 0 && mmu_translate(fp - 16) != (uint64_t)-1 &&
           mmu_translate(fp - 8) != (uint64_t)-1;
}

/* RISC-V frame records: ra at fp-8, the caller's fp at fp-16. */
void arch_backtrace(uintptr_t fp, void (*fn)(uintptr_t pc, void *arg), void *arg, int max)
{
    if (fp == 0)
        fp = (uintptr_t)__builtin_frame_address(0);
    for (int i = 0; i < max && frame_ok(fp); i++) {
        uintptr_t pc = ((uintptr_t *)fp)[-1], next = ((uintptr_t *)fp)[-2];
        if (pc == 0)
            break;
        fn(pc, arg);
        if (next <= fp)
            break;
        fp = next;
    }
}

#ifdef ATHANOR_TEST
void arch_fault_selftest_breakpoint(void)
{
    trap_expect(TRAP_BREAKPOINT, 0);
    __asm__ volatile("ebreak" ::: "memory");
}
#endif

static const char *exception_name(uint64_t code, enum trap_class *cls)
{
    static const struct { enum trap_class cls; const char *name; } tab[16] = {
        {TRAP_ALIGNMENT, "instruction address misaligned"},
        {TRAP_PAGE_FAULT, "instruction access fault"},
        {TRAP_ILLEGAL, "illegal instruction"},
        {TRAP_BREAKPOINT, "breakpoint"},
        {TRAP_ALIGNMENT, "load address misaligned"},
        {TRAP_PAGE_FAULT, "load access fault"},
        {TRAP_ALIGNMENT, "store address misaligned"},
        {TRAP_PAGE_FAULT, "store access fault"},
        {TRAP_OTHER, "environment call from U-mode"},
        {TRAP_OTHER, "environment call from S-mode"},
        {TRAP_OTHER, "reserved exception 10"},
        {TRAP_OTHER, "environment call from M-mode"},
        {TRAP_PAGE_FAULT, "page fault (instruction fetch)"},
        {TRAP_PAGE_FAULT, "page fault (load)"},
        {TRAP_OTHER, "reserved exception 14"},
        {TRAP_PAGE_FAULT, "page fault (store)"},
    };
    if (code >= 16) {
        *cls = TRAP_OTHER;
        return "unknown exception";
    }
    *cls = tab[code].cls;
    return tab[code].name;
}

static void exception(rv_frame_t *tf)
{
    uint64_t regs[NREGS];
    for (int i = 0; i < 31; i++)
        regs[i] = tf->x[i];
    regs[31] = tf->sepc;
    regs[32] = tf->scause;
    regs[33] = tf->stval;
    regs[34] = tf->sstatus;
    trap_info_t t = {.pc = tf->sepc, .sp = tf->x[1], .fp = tf->x[7],
                     .nregs = NREGS, .regnames = reg_names, .regs = regs};
    t.name = exception_name(tf->scause, &t.cls);
    if (t.cls == TRAP_PAGE_FAULT || t.cls == TRAP_ALIGNMENT)
        t.addr = tf->stval;
    if (rv_percpu.depth > 1) {
        /* the frame store faulted: report the trap that was being entered */
        t.name = "fault while entering a trap handler (kernel stack overflow?)";
        t.pc = rv_percpu.outer_sepc;
        t.addr = rv_percpu.outer_stval;
    }
    /* A copy-on-write fault is fixed and retried at the same sepc; an
     * out-of-bounds access by compiled Wasm resumes at its trap stub. */
    uintptr_t fixed_pc = 0;
    if (rv_percpu.depth <= 1 && trap_fixup(&t, &fixed_pc)) {
        if (fixed_pc)
            tf->sepc = fixed_pc;
        return;
    }
    if (!trap_exception(&t))
        panic("rv_trap: %s at %#lx", t.name, (unsigned long)tf->sepc);
    if (t.cls == TRAP_BREAKPOINT) {
        /* ebreak is 4 bytes, c.ebreak 2: the low bits of the opcode tell */
        uint16_t half = *(const uint16_t *)(uintptr_t)tf->sepc;
        tf->sepc += (half & 3) == 3 ? 4 : 2;
    } else if (trap_resume_pc) {
        tf->sepc = trap_resume_pc;
    } else {
        panic("rv_trap: expected %s at %#lx but no resume point", t.name, (unsigned long)tf->sepc);
    }
}

/* Called by trapvec.S with the saved frame; may change sepc to resume elsewhere. */
void rv_trap(rv_frame_t *tf)
{
    if (rv_percpu.depth > 3) {
        /* faulting while reporting a fault: nothing left to trust */
        sbi_call(SBI_EXT_SRST, 0, 0, 1, 0, 0);
        for (;;)
            __asm__ volatile("wfi");
    }
    if (!(tf->scause >> 63)) {
        exception(tf);
        return;
    }
    switch (tf->scause & ~(1UL << 63)) {
    case 5:
        rv_timer_interrupt();
        break;
    case 9:
        rv_plic_external();
        break;
    case 1:
        csr_clear(sip, SIE_SSIE);
        break;
    default:
        panic("rv_trap: unexpected interrupt, scause %#lx", (unsigned long)tf->scause);
    }
}

