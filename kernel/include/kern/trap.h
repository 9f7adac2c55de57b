/*
 * Exceptions: each port catches every exception and fault and describes it
 * to trap_exception(), which prints the kind, the register dump and a
 * backtrace, then panics -- unless a self-test announced it expects exactly
 * this kind of trap.
 */
#ifndef KERN_TRAP_H
#define KERN_TRAP_H

#include <stdbool.h>
#include <stdint.h>

enum trap_class {
    TRAP_BREAKPOINT,      /* int3 / brk / ebreak */
    TRAP_PAGE_FAULT,      /* any translation or permission fault */
    TRAP_ILLEGAL,         /* undefined / illegal instruction */
    TRAP_ALIGNMENT,
    TRAP_DIVIDE,          /* x86 #DE */
    TRAP_OTHER,
};

typedef struct trap_info {
    enum trap_class cls;
    const char *name;             /* e.g. "page fault (write, not present)" */
    uintptr_t pc, sp, fp;
    uintptr_t addr;               /* faulting address when known, else 0 */
    uint32_t nregs;
    const char *const *regnames;  /* nregs names ... */
    const uint64_t *regs;         /* ... and values */
} trap_info_t;

/* Returns true when the trap was expected: the port then resumes after the
 * faulting instruction (breakpoints) or at trap_resume_pc (other faults). */
bool trap_exception(const trap_info_t *t);

/* Ports call this first for every page fault (before trap_exception):
 * true when the fault is handled. *resume_pc 0: a copy-on-write write to
 * a snapshotted linear memory (or a write to a read-only lend) is fixed
 * and the port must resume AT the faulting instruction (same pc, nothing
 * else changed). Otherwise compiled Wasm touched a guard region (out of
 * bounds): the port resumes at *resume_pc, the code's trap stub. */
bool trap_fixup(const trap_info_t *t, uintptr_t *resume_pc);

/* Self-tests: expect one trap of class cls; if resume_pc is non-zero the
 * port resumes there (it must be the address of a function-local label or a
 * recovery function the test provides). */
void trap_expect(enum trap_class cls, uintptr_t resume_pc);
extern volatile int trap_seen;
extern volatile uintptr_t trap_resume_pc;

#endif
