/*
 * x86_64 memory layout (see docs/boot-x86_64.md).
 *
 *   0x0000_0000_0000_0000 ..   user half (unused for now; identity map only during boot)
 *   0xffff_8000_0000_0000      KERN_PHYS_MAP: all RAM (and ACPI tables, device MMIO on demand)
 *   0xffff_c000_0000_0000 ..   KERN_VM_BASE .. KERN_VM_END: reservations (heap, stacks,
 *   0xffff_fe00_0000_0000      Wasm linear memories), pages mapped on demand
 *   0xffff_ffff_8000_0000      KERN_BASE: the kernel image (-mcmodel=kernel), phys + KERN_BASE
 *
 * Usable from C, assembly and (by hand) the linker script kernel.ld.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#ifdef __ASSEMBLER__
#define X86_UL(x) x
#else
#define X86_UL(x) x##UL
#endif

#define PAGE_SIZE       4096
#define KERN_PHYS_MAP   X86_UL(0xffff800000000000)
#define KERN_VM_BASE    X86_UL(0xffffc00000000000)
#define KERN_VM_END     X86_UL(0xfffffe0000000000)
#define KERN_BASE       X86_UL(0xffffffff80000000)
/* Where the loader puts the image (physical); kernel.ld repeats it. */
#define KERN_LOAD_PHYS  X86_UL(0x100000)

#endif
