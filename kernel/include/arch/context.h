/*
 * The arch seam, part 6: switching kernel threads. A thread's context is its
 * saved stack pointer; arch_context_switch pushes the callee-saved
 * registers (general purpose AND floating point: x86_64 the x87/SSE control
 * words, aarch64 d8-d15, riscv64 fs0-fs11) on the current stack, stores sp
 * in *save, loads new_sp and pops the other thread's registers. Switching
 * happens only at calls (yield, block, Wasm safe points), so caller-saved
 * state is already saved by the compiler; interrupt entries save the full
 * FP state themselves.
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>

/* Prepares a new stack so that the first switch to *sp runs entry(arg)
 * with interrupts enabled; entry must never return. */
void arch_context_init(uintptr_t *sp, uintptr_t stack_top, void (*entry)(void *), void *arg);
void arch_context_switch(uintptr_t *save_sp, uintptr_t new_sp);

#endif
