/*
 * Kernel thread switching (kernel/include/arch/context.h), x86_64 SysV.
 * A switched-out thread's stack holds, from its saved sp upwards:
 *     [mxcsr:4 | x87 control word:2 | pad:2] r15 r14 r13 r12 rbx rbp ret
 * i.e. the callee-saved registers, the callee-saved parts of the FP state
 * (MXCSR control bits and the x87 control word: the XMM registers are all
 * caller-saved), and the return address. The hosted port includes this
 * file too (same ABI).
 */
#define DEFAULT_MXCSR 0x1f80
#define DEFAULT_FCW   0x037f

    .text
/* void arch_context_switch(uintptr_t *save_sp, uintptr_t new_sp) */
    .globl arch_context_switch
    .type arch_context_switch, @function
arch_context_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size arch_context_switch, . - arch_context_switch

/* A new thread's first instructions: rbx = entry, r12 = arg, rsp 16-byte
 * aligned, rbp 0 (the end of the frame chain). */
    .type context_trampoline, @function
context_trampoline:
    call cpu_irq_enable
    mov %r12, %rdi
    call *%rbx
    ud2
    .size context_trampoline, . - context_trampoline

/* void arch_context_init(uintptr_t *sp, uintptr_t stack_top,
 *                        void (*entry)(void *), void *arg)
 * Builds the frame arch_context_switch pops: 8 slots below a zeroed
 * 16-byte frame record at the top. */
    .globl arch_context_init
    .type arch_context_init, @function
arch_context_init:
    and $-16, %rsi
    movq $0, -8(%rsi)
    movq $0, -16(%rsi)
    lea -80(%rsi), %rax
    movl $DEFAULT_MXCSR, (%rax)
    movl $DEFAULT_FCW, 4(%rax)
    movq $0, 8(%rax)              /* r15 */
    movq $0, 16(%rax)             /* r14 */
    movq $0, 24(%rax)             /* r13 */
    mov %rcx, 32(%rax)            /* r12 = arg */
    mov %rdx, 40(%rax)            /* rbx = entry */
    movq $0, 48(%rax)             /* rbp */
    lea context_trampoline(%rip), %rcx
    mov %rcx, 56(%rax)            /* ret */
    mov %rax, (%rdi)
    ret
    .size arch_context_init, . - arch_context_init

    .section .note.GNU-stack, "", @progbits     /* hosted: no executable stack */
