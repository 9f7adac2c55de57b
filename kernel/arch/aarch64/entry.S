/*
 * aarch64 kernel entry. QEMU virt jumps to _start (physical address, the
 * ELF entry) at EL1 (or EL2 with virtualization=on), MMU off, all
 * interrupts masked. We drop to EL1 if needed, enable the FPU, zero .bss,
 * build minimal early page tables (identity map of the kernel's 1 GiB of
 * RAM in TTBR0; the same GiB at KERN_BASE and in the physical map in
 * TTBR1), turn the MMU on, jump to the higher half and call
 * aarch64_boot(entry_counter, x0_at_entry) on the boot stack.
 *
 * Stacks: the kernel runs on SP_EL0 (PSTATE.SP = 0); exceptions switch to
 * SP_EL1, a separate exception stack. So a kernel stack overflow into its
 * guard page still gets a working handler and a clean report.
 */
#include <arch/layout.h>

#define BOOT_STACK_SIZE (8 * 1024)     /* kernel/core/stack.c assumes 6 KiB */
#define EXC_STACK_SIZE  (16 * 1024)

/* Early block descriptors (1 GiB): normal write-back memory, inner
 * shareable, access flag set, EL1 RWX (the final tables fix that). */
#define BLOCK_NORMAL    0x701
#define TABLE_DESC      0x3

#define MAIR_VALUE      0x04ff          /* attr0 normal WB, attr1 device nGnRE */
/* T0SZ = T1SZ = 16 (48-bit), 4 KiB granules, WBWA inner shareable walks. */
#define TCR_VALUE       0xb5103510
#define SCTLR_RES1      0x30d00800
#define SCTLR_MMU       ((1 << 0) | (1 << 2) | (1 << 3) | (1 << 12))  /* M C SA I */

    .section .text.entry, "ax"
    .global _start
_start:
    mrs     x19, cntvct_el0             /* the kernel's reset point */
    mov     x20, x0                     /* whatever the loader passed (DTB or 0) */

    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    cmp     x0, #2
    b.eq    from_el2
    cmp     x0, #1
    b.ne    halt                        /* EL3: not supported */
at_el1:
    msr     daifset, #0xf
    mov     x0, #(3 << 20)              /* CPACR_EL1.FPEN: no FP/SIMD traps */
    msr     cpacr_el1, x0
    isb

    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:
    bl      early_tables
    bl      mmu_on

    ldr     x0, =high_entry
    br      x0

/* EL2 (virtualization=on): make EL1 AArch64, let it use the counters and
 * timers, and return to at_el1 in EL1h with everything masked. */
from_el2:
    mov     x0, #(1 << 31)              /* HCR_EL2.RW */
    msr     hcr_el2, x0
    mov     x0, #3                      /* CNTHCTL_EL2.EL1PCTEN | EL1PCEN */
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mov     x0, #0x3c5                  /* EL1h, DAIF masked */
    msr     spsr_el2, x0
    adr     x0, at_el1
    msr     elr_el2, x0
    eret

halt:
    wfe
    b       halt

/* Early tables, all in .bss.pgtable (physical addresses: MMU still off). */
early_tables:
    adr     x3, _start
    lsr     x4, x3, #30                 /* 1 GiB index of the kernel's RAM */
    lsl     x5, x4, #30
    mov     x6, #BLOCK_NORMAL
    orr     x5, x5, x6                  /* block descriptor for that GiB */

    /* TTBR0: identity, L0[0] -> L1[gib] (RAM below 512 GiB). */
    adrp    x0, early_id_l0
    adrp    x1, early_id_l1
    orr     x2, x1, #TABLE_DESC
    str     x2, [x0]
    str     x5, [x1, x4, lsl #3]

    /* TTBR1: the physical map (L0 index 0) ... */
    adrp    x0, early_hi_l0
    adrp    x1, early_pm_l1
    orr     x2, x1, #TABLE_DESC
    str     x2, [x0]
    str     x5, [x1, x4, lsl #3]
    /* ... and the kernel image: KERN_BASE maps KERN_PHYS_BASE (L0 511). */
    adrp    x1, early_k_l1
    orr     x2, x1, #TABLE_DESC
    str     x2, [x0, #(511 * 8)]
    ldr     x7, =KERN_BASE
    ubfx    x7, x7, #30, #9
    ldr     x8, =KERN_PHYS_BASE
    mov     x6, #BLOCK_NORMAL
    orr     x8, x8, x6
    str     x8, [x1, x7, lsl #3]
    ret

mmu_on:
    ldr     x0, =MAIR_VALUE
    msr     mair_el1, x0
    ldr     x0, =TCR_VALUE
    mrs     x1, id_aa64mmfr0_el1
    and     x1, x1, #7                  /* PARange -> TCR.IPS */
    bfi     x0, x1, #32, #3
    msr     tcr_el1, x0
    adrp    x0, early_id_l0
    msr     ttbr0_el1, x0
    adrp    x0, early_hi_l0
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =(SCTLR_RES1 | SCTLR_MMU)
    msr     sctlr_el1, x0
    isb
    ret

/* Now at the linked (higher-half) addresses. */
high_entry:
    ldr     x0, =exc_stack_top
    mov     sp, x0                      /* SP_EL1: the exception stack */
    ldr     x0, =boot_stack_top
    msr     sp_el0, x0
    msr     spsel, #0                   /* the kernel runs on SP_EL0 */
    ldr     x0, =aarch64_vectors
    msr     vbar_el1, x0
    isb
    mov     x29, #0
    mov     x30, #0
    mov     x0, x19
    mov     x1, x20
    bl      aarch64_boot
    b       halt
    .ltorg

/* arch_call_on_stack(top, fn, arg): runs fn(arg) on the stack ending at
 * top (SP_EL0: the kernel's stack pointer), then returns on the old one.
 * The frame record links the new stack to the old for backtraces. */
    .text
    .global arch_call_on_stack
arch_call_on_stack:
    stp     x29, x30, [sp, #-16]!
    mov     x29, sp
    mov     x3, sp
    mov     sp, x0
    stp     x3, xzr, [sp, #-16]!
    mov     x0, x2
    blr     x1
    ldr     x3, [sp]
    mov     sp, x3
    ldp     x29, x30, [sp], #16
    ret

/* Boot stacks, each above an unmapped guard page (mmu_init skips them). */
    .section .bss.stack, "aw", @nobits
    .balign 4096
    .global boot_stack_guard, boot_stack_top, exc_stack_guard, exc_stack_top
boot_stack_guard:
    .skip   4096
    .skip   BOOT_STACK_SIZE
boot_stack_top:
exc_stack_guard:
    .skip   4096
    .skip   EXC_STACK_SIZE
exc_stack_top:

    .section .bss.pgtable, "aw", @nobits
    .balign 4096
    .global early_hi_l0, early_pm_l1, early_tables_start
early_tables_start:                     /* mmu_init frees the five tables */
early_id_l0: .skip 4096
early_id_l1: .skip 4096
early_hi_l0: .skip 4096
early_pm_l1: .skip 4096
early_k_l1:  .skip 4096
