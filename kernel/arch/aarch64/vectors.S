/*
 * Exception vectors (VBAR_EL1): 16 entries of 0x80 bytes. Each pushes a
 * full a64_frame_t (see aarch64.h: x0-x30, sp, elr, spsr, esr, far, fpsr,
 * fpcr, q0-q31) on the exception stack and calls
 * aarch64_exception(frame, kind), kind = entry index 0..15. The C side may
 * change frame->elr (to resume elsewhere); everything is restored on the
 * way out. FP/SIMD state is saved because interrupts may arrive while
 * Wasm runs floating-point code and the handlers are compiled C.
 */
#define FRAME_SIZE 816
#define OFF_SP     248
#define OFF_SPSR   264
#define OFF_FAR    280
#define OFF_FPCR   296
#define OFF_Q      304

.macro VENTRY kind
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\kind
    b       exc_common
.endm

    .text
    .balign 2048
    .global aarch64_vectors
aarch64_vectors:
    VENTRY 0
    VENTRY 1
    VENTRY 2
    VENTRY 3
    VENTRY 4
    VENTRY 5
    VENTRY 6
    VENTRY 7
    VENTRY 8
    VENTRY 9
    VENTRY 10
    VENTRY 11
    VENTRY 12
    VENTRY 13
    VENTRY 14
    VENTRY 15

exc_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]

    /* The interrupted sp: SP_EL0 if it ran with SPSel = 0, else ours. */
    mrs     x2, spsr_el1
    tst     x2, #1
    b.ne    1f
    mrs     x3, sp_el0
    b       2f
1:  add     x3, sp, #FRAME_SIZE
2:  mrs     x4, elr_el1
    stp     x3, x4, [sp, #OFF_SP]
    mrs     x5, esr_el1
    stp     x2, x5, [sp, #OFF_SPSR]
    mrs     x6, far_el1
    mrs     x7, fpsr
    stp     x6, x7, [sp, #OFF_FAR]
    mrs     x8, fpcr
    str     x8, [sp, #OFF_FPCR]
    add     x9, sp, #OFF_Q
    stp     q0, q1, [x9, #0]
    stp     q2, q3, [x9, #32]
    stp     q4, q5, [x9, #64]
    stp     q6, q7, [x9, #96]
    stp     q8, q9, [x9, #128]
    stp     q10, q11, [x9, #160]
    stp     q12, q13, [x9, #192]
    stp     q14, q15, [x9, #224]
    stp     q16, q17, [x9, #256]
    stp     q18, q19, [x9, #288]
    stp     q20, q21, [x9, #320]
    stp     q22, q23, [x9, #352]
    stp     q24, q25, [x9, #384]
    stp     q26, q27, [x9, #416]
    stp     q28, q29, [x9, #448]
    stp     q30, q31, [x9, #480]

    mov     x0, sp
    mov     x29, #0                     /* backtraces inside the handler end here */
    bl      aarch64_exception

    add     x9, sp, #OFF_Q
    ldp     q0, q1, [x9, #0]
    ldp     q2, q3, [x9, #32]
    ldp     q4, q5, [x9, #64]
    ldp     q6, q7, [x9, #96]
    ldp     q8, q9, [x9, #128]
    ldp     q10, q11, [x9, #160]
    ldp     q12, q13, [x9, #192]
    ldp     q14, q15, [x9, #224]
    ldp     q16, q17, [x9, #256]
    ldp     q18, q19, [x9, #288]
    ldp     q20, q21, [x9, #320]
    ldp     q22, q23, [x9, #352]
    ldp     q24, q25, [x9, #384]
    ldp     q26, q27, [x9, #416]
    ldp     q28, q29, [x9, #448]
    ldp     q30, q31, [x9, #480]
    ldr     x8, [sp, #OFF_FPCR]
    msr     fpcr, x8
    ldp     x6, x7, [sp, #OFF_FAR]
    msr     fpsr, x7
    ldp     x2, x5, [sp, #OFF_SPSR]
    msr     spsr_el1, x2
    ldp     x3, x4, [sp, #OFF_SP]
    msr     elr_el1, x4

    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret
