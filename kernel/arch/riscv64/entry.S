/*
 * riscv64 kernel entry. OpenSBI enters _start in S-mode with the MMU off at
 * the physical load address (0x80200000), a0 = hart id, a1 = DTB physical
 * address. We clear .bss, build a boot page table out of 1 GiB pages
 * (identity map of the kernel's gigabyte for the jump, the physical map at
 * KERN_PHYS_MAP, the kernel window at KERN_BASE), turn on Sv39, jump to the
 * link address and call rv_boot(hartid, dtb, entry_time) on the boot stack.
 * mmu_init later replaces this table with the final W^X one.
 */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define GIGA_SHIFT 30
#define SSTATUS_FS_INITIAL (1 << 13)

    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    rdtime s2                   /* the kernel's time zero */
    csrci sstatus, 2            /* SIE off: kmain starts with interrupts off */
    csrw sie, zero
    csrw sip, zero
    mv s0, a0
    mv s1, a1

    /* The image must sit 2 MiB into a gigabyte, as linked. */
    lla t0, _start
    li t1, (1 << GIGA_SHIFT) - 1
    and t2, t0, t1
    li t3, 0x200000
    bne t2, t3, .Lbadload

    /* Clear .bss (physical addresses: lla is pc-relative). */
    lla t0, __bss_start
    lla t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:
    /* Physical map: root[256 + i] -> i GiB, R+W, for 64 GiB. */
    lla a2, boot_pt
    li t0, 0
    li t1, 64
    li t4, PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D
3:  slli t2, t0, 28             /* (i << 30) >> 12 << 10 */
    or t2, t2, t4
    addi t3, t0, 256
    slli t3, t3, 3
    add t3, t3, a2
    sd t2, 0(t3)
    addi t0, t0, 1
    blt t0, t1, 3b

    /* The kernel's gigabyte: identity (for the jump) and at KERN_BASE. */
    lla t0, _start
    srli t0, t0, GIGA_SHIFT     /* gigabyte number */
    slli t2, t0, 28
    ori t2, t2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    slli t3, t0, 3
    add t3, t3, a2
    sd t2, 0(t3)                /* identity */
    ori t2, t2, PTE_G
    li t3, 510 * 8              /* 0xffffffff_80000000 */
    add t3, t3, a2
    sd t2, 0(t3)

    srli t0, a2, 12
    li t1, 8 << 60              /* Sv39 */
    or t0, t0, t1
    sfence.vma
    csrw satp, t0
    sfence.vma

    ld t0, .Lhigh
    jr t0
    .balign 8
.Lhigh:
    .dword .Lhigh_entry

.Lhigh_entry:
    lla sp, boot_stack_top
    li fp, 0
    li gp, 0
    li tp, 0
    li t0, SSTATUS_FS_INITIAL
    csrs sstatus, t0
    csrw fcsr, zero
    lla t0, rv_early_trap
    csrw stvec, t0
    mv a0, s0
    mv a1, s1
    mv a2, s2
    call rv_boot
4:  wfi
    j 4b

/*
 * arch_call_on_stack(top, fn, arg): fn(arg) with sp = top, back on the old
 * stack afterwards. Our frame record links the new stack's frames to the
 * old ones for backtraces.
 */
    .section .text
    .globl arch_call_on_stack
arch_call_on_stack:
    addi sp, sp, -32
    sd ra, 24(sp)
    sd s0, 16(sp)
    sd s1, 8(sp)
    addi s0, sp, 32
    mv s1, sp
    mv sp, a0
    mv t0, a1
    mv a0, a2
    jalr t0
    mv sp, s1
    ld ra, 24(sp)
    ld s0, 16(sp)
    ld s1, 8(sp)
    addi sp, sp, 32
    ret

    .section .text.entry, "ax", @progbits
    /* Loaded at the wrong address: say so through the SBI legacy console. */
.Lbadload:
    lla s3, .Lbadmsg
    j .Lfail

    /* Traps before cpu_init: nothing to report with but the message. */
    .balign 4
    .globl rv_early_trap
rv_early_trap:
    lla s3, .Learlymsg

    /* Prints the string at s3 and the poweroff line, then SBI system reset
     * (shutdown, system failure): a failure, not a hang. */
.Lfail:
    li s4, 0
5:  lbu a0, 0(s3)
    beqz a0, 6f
    li a7, 1                    /* legacy console_putchar */
    ecall
    addi s3, s3, 1
    j 5b
6:  bnez s4, 7f
    li s4, 1
    lla s3, .Loffmsg
    j 5b
7:  li a0, 0                    /* shutdown */
    li a1, 1                    /* system failure */
    li a6, 0
    li a7, 0x53525354           /* SRST */
    ecall
8:  wfi
    j 8b

    .section .rodata
.Lbadmsg:
    .asciz "athanor: riscv64 kernel not loaded at a gigabyte + 2 MiB\n"
.Learlymsg:
    .asciz "athanor: trap before cpu_init\n"
.Loffmsg:
    .asciz "athanor: poweroff status 1\n"

    .section .bss
    .balign 4096
    .globl boot_pt
boot_pt:
    .skip 4096

    /* Boot stack with a guard page below it (left unmapped by mmu_init).
     * The core assumes 6 KiB below kmain's frame (kernel/core/stack.c). */
    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_guard, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack:
    .skip 8 * 1024
boot_stack_top:
