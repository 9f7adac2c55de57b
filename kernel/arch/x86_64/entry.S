/*
 * Interrupt and exception entry for all 256 vectors. Each stub pushes an
 * error code (0 when the CPU pushes none) and its vector number, then the
 * common path saves the general registers (an x86_frame_t, see x86.h) and
 * the FPU/SSE state (fxsave: interrupts may arrive while Wasm code uses
 * floating point), calls x86_trap(frame), and restores it all. x86_trap may
 * change frame->rip to resume elsewhere.
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .balign 16
x86_trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rbx               /* the frame; rbx is callee-saved */
    and $-16, %rsp
    sub $512, %rsp
    fxsave64 (%rsp)
    cld
    mov %rbx, %rdi
    call x86_trap
    fxrstor64 (%rsp)
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                /* vector and error code */
    iretq

    .macro vector n
    .balign 16
x86_vec_\n:
    .if !HAS_ERR(\n)
    push $0
    .endif
    push $\n
    jmp x86_trap_common
    .endm

    .altmacro
    .set i, 0
    .rept 256
    vector %i
    .set i, i + 1
    .endr

/* x86_vectors[v]: the entry point of vector v, for the IDT. */
    .macro vecaddr n
    .quad x86_vec_\n
    .endm
    .section .rodata
    .balign 8
    .globl x86_vectors
x86_vectors:
    .set i, 0
    .rept 256
    vecaddr %i
    .set i, i + 1
    .endr

/* void arch_call_on_stack(uintptr_t top, void (*fn)(void *), void *arg):
 * runs fn(arg) on the stack below top, then returns on the old stack. The
 * frame pointer chain links the new stack to the old one. */
    .text
    .globl arch_call_on_stack
arch_call_on_stack:
    push %rbp
    mov %rsp, %rbp
    and $-16, %rdi
    mov %rdi, %rsp
    mov %rdx, %rdi
    call *%rsi
    mov %rbp, %rsp
    pop %rbp
    ret
