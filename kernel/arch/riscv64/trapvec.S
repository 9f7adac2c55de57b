/*
 * The S-mode trap vector (stvec, direct mode). Every trap and interrupt
 * lands here, in the kernel: we save x1-x31, sepc, sstatus, scause, stval,
 * fcsr and f0-f31 in a frame on the current stack and call rv_trap(frame).
 * tp always points at rv_percpu (the kernel uses no TLS): two scratch slots,
 * the trap nesting depth, and an emergency stack. A trap taken while
 * another is being entered (typically the frame store hitting a stack guard
 * page) switches to the emergency stack so it can still be reported; the
 * outer trap's sepc and stval are kept in rv_percpu for that report.
 *
 * Frame layout (8-byte slots): 0-30 x1-x31, 31 sepc, 32 sstatus, 33 scause,
 * 34 stval, 35 fcsr, 36-67 f0-f31, 68-69 a frame record (old fp, sepc)
 * so backtraces from inside a handler walk on into the interrupted code.
 * Keep in step with rv_frame_t (cpu.c).
 */
#define FRAME_SIZE (70 * 8)
#define PC_SCRATCH0 0
#define PC_SCRATCH1 8
#define PC_DEPTH    16
#define PC_EMERG    24
#define PC_SEPC     32
#define PC_STVAL    40

    .section .text
    .balign 4
    .globl rv_trap_vector
rv_trap_vector:
    sd t0, PC_SCRATCH0(tp)
    sd t1, PC_SCRATCH1(tp)
    ld t0, PC_DEPTH(tp)
    addi t1, t0, 1
    sd t1, PC_DEPTH(tp)
    mv t1, sp
    bnez t0, 1f
    csrr t0, sepc               /* kept in case the frame stores fault */
    sd t0, PC_SEPC(tp)
    csrr t0, stval
    sd t0, PC_STVAL(tp)
    j 2f
1:  ld sp, PC_EMERG(tp)
2:  addi sp, sp, -FRAME_SIZE
    sd x1, 0*8(sp)
    sd t1, 1*8(sp)              /* the interrupted sp */
    sd x3, 2*8(sp)
    sd x4, 3*8(sp)
    ld t0, PC_SCRATCH0(tp)
    sd t0, 4*8(sp)              /* x5 = t0 */
    ld t0, PC_SCRATCH1(tp)
    sd t0, 5*8(sp)              /* x6 = t1 */
    sd x7, 6*8(sp)
    sd x8, 7*8(sp)
    sd x9, 8*8(sp)
    sd x10, 9*8(sp)
    sd x11, 10*8(sp)
    sd x12, 11*8(sp)
    sd x13, 12*8(sp)
    sd x14, 13*8(sp)
    sd x15, 14*8(sp)
    sd x16, 15*8(sp)
    sd x17, 16*8(sp)
    sd x18, 17*8(sp)
    sd x19, 18*8(sp)
    sd x20, 19*8(sp)
    sd x21, 20*8(sp)
    sd x22, 21*8(sp)
    sd x23, 22*8(sp)
    sd x24, 23*8(sp)
    sd x25, 24*8(sp)
    sd x26, 25*8(sp)
    sd x27, 26*8(sp)
    sd x28, 27*8(sp)
    sd x29, 28*8(sp)
    sd x30, 29*8(sp)
    sd x31, 30*8(sp)
    csrr t0, sepc
    sd t0, 31*8(sp)
    csrr t0, sstatus
    sd t0, 32*8(sp)
    csrr t0, scause
    sd t0, 33*8(sp)
    csrr t0, stval
    sd t0, 34*8(sp)
    frcsr t0
    sd t0, 35*8(sp)
    fsd f0, 36*8(sp)
    fsd f1, 37*8(sp)
    fsd f2, 38*8(sp)
    fsd f3, 39*8(sp)
    fsd f4, 40*8(sp)
    fsd f5, 41*8(sp)
    fsd f6, 42*8(sp)
    fsd f7, 43*8(sp)
    fsd f8, 44*8(sp)
    fsd f9, 45*8(sp)
    fsd f10, 46*8(sp)
    fsd f11, 47*8(sp)
    fsd f12, 48*8(sp)
    fsd f13, 49*8(sp)
    fsd f14, 50*8(sp)
    fsd f15, 51*8(sp)
    fsd f16, 52*8(sp)
    fsd f17, 53*8(sp)
    fsd f18, 54*8(sp)
    fsd f19, 55*8(sp)
    fsd f20, 56*8(sp)
    fsd f21, 57*8(sp)
    fsd f22, 58*8(sp)
    fsd f23, 59*8(sp)
    fsd f24, 60*8(sp)
    fsd f25, 61*8(sp)
    fsd f26, 62*8(sp)
    fsd f27, 63*8(sp)
    fsd f28, 64*8(sp)
    fsd f29, 65*8(sp)
    fsd f30, 66*8(sp)
    fsd f31, 67*8(sp)

    sd x8, 68*8(sp)
    ld t0, 31*8(sp)
    sd t0, 69*8(sp)
    addi fp, sp, FRAME_SIZE
    mv a0, sp
    call rv_trap

    ld t0, 31*8(sp)
    csrw sepc, t0
    ld t0, 32*8(sp)
    csrw sstatus, t0
    ld t0, 35*8(sp)
    fscsr t0
    fld f0, 36*8(sp)
    fld f1, 37*8(sp)
    fld f2, 38*8(sp)
    fld f3, 39*8(sp)
    fld f4, 40*8(sp)
    fld f5, 41*8(sp)
    fld f6, 42*8(sp)
    fld f7, 43*8(sp)
    fld f8, 44*8(sp)
    fld f9, 45*8(sp)
    fld f10, 46*8(sp)
    fld f11, 47*8(sp)
    fld f12, 48*8(sp)
    fld f13, 49*8(sp)
    fld f14, 50*8(sp)
    fld f15, 51*8(sp)
    fld f16, 52*8(sp)
    fld f17, 53*8(sp)
    fld f18, 54*8(sp)
    fld f19, 55*8(sp)
    fld f20, 56*8(sp)
    fld f21, 57*8(sp)
    fld f22, 58*8(sp)
    fld f23, 59*8(sp)
    fld f24, 60*8(sp)
    fld f25, 61*8(sp)
    fld f26, 62*8(sp)
    fld f27, 63*8(sp)
    fld f28, 64*8(sp)
    fld f29, 65*8(sp)
    fld f30, 66*8(sp)
    fld f31, 67*8(sp)
    ld t0, PC_DEPTH(tp)
    addi t0, t0, -1
    sd t0, PC_DEPTH(tp)
    ld x1, 0*8(sp)
    ld x3, 2*8(sp)
    ld x4, 3*8(sp)
    ld x5, 4*8(sp)
    ld x6, 5*8(sp)
    ld x7, 6*8(sp)
    ld x8, 7*8(sp)
    ld x9, 8*8(sp)
    ld x10, 9*8(sp)
    ld x11, 10*8(sp)
    ld x12, 11*8(sp)
    ld x13, 12*8(sp)
    ld x14, 13*8(sp)
    ld x15, 14*8(sp)
    ld x16, 15*8(sp)
    ld x17, 16*8(sp)
    ld x18, 17*8(sp)
    ld x19, 18*8(sp)
    ld x20, 19*8(sp)
    ld x21, 20*8(sp)
    ld x22, 21*8(sp)
    ld x23, 22*8(sp)
    ld x24, 23*8(sp)
    ld x25, 24*8(sp)
    ld x26, 25*8(sp)
    ld x27, 26*8(sp)
    ld x28, 27*8(sp)
    ld x29, 28*8(sp)
    ld x30, 29*8(sp)
    ld x31, 30*8(sp)
    ld sp, 1*8(sp)
    sret
