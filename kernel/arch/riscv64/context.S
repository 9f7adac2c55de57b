/*
 * Kernel thread switching (kernel/include/arch/context.h), RISC-V LP64D.
 * A switched-out thread's stack holds, from its saved sp upwards (208
 * bytes): ra s0 s1 ... s11 fs0 fs1 ... fs11 (and one pad slot). tp is the
 * per-CPU pointer (trapvec.S), the same in every thread: never switched.
 */
#define FRAME (26 * 8)

    .section .text
    .balign 4
/* void arch_context_switch(uintptr_t *save_sp, uintptr_t new_sp) */
    .globl arch_context_switch
    .type arch_context_switch, @function
arch_context_switch:
    addi sp, sp, -FRAME
    sd ra, 0*8(sp)
    sd s0, 1*8(sp)
    sd s1, 2*8(sp)
    sd s2, 3*8(sp)
    sd s3, 4*8(sp)
    sd s4, 5*8(sp)
    sd s5, 6*8(sp)
    sd s6, 7*8(sp)
    sd s7, 8*8(sp)
    sd s8, 9*8(sp)
    sd s9, 10*8(sp)
    sd s10, 11*8(sp)
    sd s11, 12*8(sp)
    fsd fs0, 13*8(sp)
    fsd fs1, 14*8(sp)
    fsd fs2, 15*8(sp)
    fsd fs3, 16*8(sp)
    fsd fs4, 17*8(sp)
    fsd fs5, 18*8(sp)
    fsd fs6, 19*8(sp)
    fsd fs7, 20*8(sp)
    fsd fs8, 21*8(sp)
    fsd fs9, 22*8(sp)
    fsd fs10, 23*8(sp)
    fsd fs11, 24*8(sp)
    sd sp, 0(a0)
    mv sp, a1
    ld ra, 0*8(sp)
    ld s0, 1*8(sp)
    ld s1, 2*8(sp)
    ld s2, 3*8(sp)
    ld s3, 4*8(sp)
    ld s4, 5*8(sp)
    ld s5, 6*8(sp)
    ld s6, 7*8(sp)
    ld s7, 8*8(sp)
    ld s8, 9*8(sp)
    ld s9, 10*8(sp)
    ld s10, 11*8(sp)
    ld s11, 12*8(sp)
    fld fs0, 13*8(sp)
    fld fs1, 14*8(sp)
    fld fs2, 15*8(sp)
    fld fs3, 16*8(sp)
    fld fs4, 17*8(sp)
    fld fs5, 18*8(sp)
    fld fs6, 19*8(sp)
    fld fs7, 20*8(sp)
    fld fs8, 21*8(sp)
    fld fs9, 22*8(sp)
    fld fs10, 23*8(sp)
    fld fs11, 24*8(sp)
    addi sp, sp, FRAME
    ret
    .size arch_context_switch, . - arch_context_switch

/* A new thread's first instructions: s1 = entry, s2 = arg, s0 = 0 (the
 * end of the frame chain). */
    .type context_trampoline, @function
context_trampoline:
    call cpu_irq_enable
    mv a0, s2
    jalr s1
    ebreak
    .size context_trampoline, . - context_trampoline

/* void arch_context_init(uintptr_t *sp, uintptr_t stack_top,
 *                        void (*entry)(void *), void *arg)
 * Builds the frame arch_context_switch pops below a zeroed 16-byte frame
 * record at the top; the other saved registers start as zero. */
    .globl arch_context_init
    .type arch_context_init, @function
arch_context_init:
    andi a1, a1, -16
    addi a1, a1, -16
    sd zero, 0(a1)
    sd zero, 8(a1)
    addi a1, a1, -FRAME
    mv t0, a1
    addi t1, a1, FRAME
1:  sd zero, 0(t0)
    addi t0, t0, 8
    bltu t0, t1, 1b
    lla t0, context_trampoline
    sd t0, 0*8(a1)                /* ra */
    sd a2, 2*8(a1)                /* s1 = entry */
    sd a3, 3*8(a1)                /* s2 = arg */
    sd a1, 0(a0)
    ret
    .size arch_context_init, . - arch_context_init
