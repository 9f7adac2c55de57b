/*
 * x86_64 entry: multiboot (v1) header, 32-bit protected-mode entry, initial
 * page tables, switch to long mode, jump to the higher half, call
 * x86_start(magic, mbi_phys) in start.c.
 *
 * The loader (QEMU -kernel, GRUB) enters _start32 in 32-bit protected mode,
 * paging off, EAX = 0x2badb002, EBX = physical address of the multiboot info.
 * Until paging is on every absolute address is physical: symbol - KERN_BASE.
 */
#include <arch/layout.h>

#define MB_MAGIC   0x1badb002
#define MB_FLAGS   0x00010003    /* page-align modules, memory info, address fields */

#define PHYS(x)    ((x) - KERN_BASE)

    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(mb_header)        /* header_addr */
    .long PHYS(_kernel_start)    /* load_addr */
    .long PHYS(_edata)           /* load_end_addr */
    .long PHYS(_end)             /* bss_end_addr */
    .long PHYS(_start32)         /* entry_addr */

    .section .boot.text, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    mov %eax, %edi               /* multiboot magic and info survive in edi/esi */
    mov %ebx, %esi
    rdtsc                        /* the kernel's clock starts here */
    mov %eax, PHYS(x86_boot_tsc)
    mov %edx, PHYS(x86_boot_tsc) + 4
    mov $PHYS(boot_stack_top), %esp

    /* Long mode available? (CPUID 0x80000001 EDX bit 29) */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc no_long_mode
    mov %edx, %ebp               /* keep the feature bits: NX is bit 20 */

    /* Page directory: the first 1 GiB in 2 MiB pages (present, writable, large). */
    mov $PHYS(boot_pd), %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, (%ebx, %ecx, 8)
    movl $0, 4(%ebx, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    /* That 1 GiB appears three times: identity (to survive enabling paging),
     * at KERN_PHYS_MAP (PML4 slot 256) and at KERN_BASE (PML4 511, PDPT 510). */
    mov $PHYS(boot_pd) + 3, %eax
    mov %eax, PHYS(boot_pdpt_low)
    mov %eax, PHYS(boot_pdpt_high) + 510 * 8
    mov $PHYS(boot_pdpt_low) + 3, %eax
    mov %eax, PHYS(boot_pml4)
    mov %eax, PHYS(boot_pml4) + 256 * 8
    mov $PHYS(boot_pdpt_high) + 3, %eax
    mov %eax, PHYS(boot_pml4) + 511 * 8
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3

    /* CR4: PAE, PGE, OSFXSR, OSXMMEXCPT (SSE usable from the first C line). */
    mov %cr4, %eax
    or $((1 << 5) | (1 << 7) | (1 << 9) | (1 << 10)), %eax
    mov %eax, %cr4

    /* EFER: long mode enable, and no-execute enable if the CPU has it. */
    mov $0xc0000080, %ecx
    rdmsr
    or $(1 << 8), %eax
    bt $20, %ebp
    jnc 2f
    or $(1 << 11), %eax
    movb $1, PHYS(x86_has_nx)
2:  wrmsr

    /* CR0: paging, write protect, FPU native errors, monitor coprocessor; no emulation. */
    mov %cr0, %eax
    and $~((1 << 2) | (1 << 3)), %eax
    or $((1 << 31) | (1 << 16) | (1 << 5) | (1 << 1) | 1), %eax
    mov %eax, %cr0

    lgdt PHYS(gdt_ptr32)
    ljmp $0x08, $PHYS(start64_low)

no_long_mode:
    /* Say so on COM1 (untouched since the loader), then stop. */
    mov $PHYS(msg_no_lm), %ebx
3:  movb (%ebx), %al
    test %al, %al
    jz 4f
    mov $0x3f8, %dx
    outb %al, %dx
    inc %ebx
    jmp 3b
4:  hlt
    jmp 4b

    .code64
start64_low:
    movabs $start64_high, %rax
    jmp *%rax

    .text
start64_high:
    lgdt gdt_ptr64
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp               /* the end of every backtrace */
    fninit
    /* edi = magic, esi = multiboot info (zero-extended by the 32-bit moves) */
    call x86_start
5:  cli
    hlt
    jmp 5b

    .section .rodata
msg_no_lm:
    .asciz "athanor: this CPU has no long mode\r\n"

/* GDT: null, 64-bit kernel code (0x08), data (0x10), 64-bit TSS (0x18, set by cpu_init). */
    .data
    .balign 16
    .globl x86_gdt
x86_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
    .quad 0, 0
x86_gdt_end:
gdt_ptr32:
    .word x86_gdt_end - x86_gdt - 1
    .long PHYS(x86_gdt)
    .balign 8
gdt_ptr64:
    .word x86_gdt_end - x86_gdt - 1
    .quad x86_gdt

    .globl x86_boot_tsc, x86_has_nx
    .balign 8
x86_boot_tsc:
    .quad 0
x86_has_nx:
    .byte 0

/* Boot page tables (replaced by mmu_init) and the boot stack, with an
 * unmapped guard page below it once mmu_init has run; mmu_init gives the
 * tables' frames and those under the two guard pages to the allocator. */
    .section .bss.boot, "aw", @nobits
    .balign 4096
    .globl boot_pml4, boot_stack_guard, boot_stack_top, x86_ist_guard, x86_ist_stack_top
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096
boot_stack_guard:
    .skip 4096
    .skip 8192                   /* 8 KiB: the core assumes 6 KiB below kmain */
boot_stack_top:
x86_ist_guard:
    .skip 4096
    .skip 16384
x86_ist_stack_top:
