/*
 * Kernel thread switching (kernel/include/arch/context.h), AAPCS64. The
 * kernel runs on SP_EL0, so "sp" here is the thread's stack. A switched-out
 * thread's stack holds, from its saved sp upwards (160 bytes):
 *     x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 d8 d9 ... d15
 * (the callee-saved general registers, frame pointer, link register and
 * the callee-saved low halves of v8-v15).
 */
    .text
/* void arch_context_switch(uintptr_t *save_sp, uintptr_t new_sp) */
    .global arch_context_switch
    .type arch_context_switch, %function
arch_context_switch:
    sub     sp, sp, #160
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mov     x2, sp
    str     x2, [x0]
    mov     sp, x1
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #160
    ret
    .size arch_context_switch, . - arch_context_switch

/* A new thread's first instructions: x19 = entry, x20 = arg, x29 = 0
 * (the end of the frame chain). */
    .type context_trampoline, %function
context_trampoline:
    bl      cpu_irq_enable
    mov     x0, x20
    blr     x19
    brk     #0
    .size context_trampoline, . - context_trampoline

/* void arch_context_init(uintptr_t *sp, uintptr_t stack_top,
 *                        void (*entry)(void *), void *arg)
 * Builds the frame arch_context_switch pops, below a zeroed 16-byte frame
 * record at the top; every other saved register starts as zero. */
    .global arch_context_init
    .type arch_context_init, %function
arch_context_init:
    and     x1, x1, #~15
    stp     xzr, xzr, [x1, #-16]!
    sub     x1, x1, #160
    stp     x2, x3, [x1, #0]          /* x19 = entry, x20 = arg */
    stp     xzr, xzr, [x1, #16]
    stp     xzr, xzr, [x1, #32]
    stp     xzr, xzr, [x1, #48]
    stp     xzr, xzr, [x1, #64]
    adr     x4, context_trampoline
    stp     xzr, x4, [x1, #80]        /* x29 = 0, x30 = trampoline */
    stp     xzr, xzr, [x1, #96]
    stp     xzr, xzr, [x1, #112]
    stp     xzr, xzr, [x1, #128]
    stp     xzr, xzr, [x1, #144]
    str     x1, [x0]
    ret
    .size arch_context_init, . - arch_context_init
