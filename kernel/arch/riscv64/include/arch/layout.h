/*
 * riscv64 (Sv39) kernel address-space layout. The upper half of Sv39 is
 * 0xffffffc0_00000000 .. 0xffffffff_ffffffff (256 GiB):
 *
 *   0xffffffc0_00000000  physical map: PA 0 .. 64 GiB at KERN_PHYS_MAP + PA
 *   0xffffffd0_00000000  KERN_VM_BASE: reservations (heap, linear memories,
 *                        stacks), pages mapped on demand
 *   0xffffffff_00000000  KERN_VM_END
 *   0xffffffff_80000000  KERN_BASE: the 1 GiB window holding the kernel
 *                        image, linked at KERN_BASE + 0x200000 and loaded at
 *                        PA 0x80200000 (VA = PA + KERN_VIRT_OFFSET)
 *
 * See docs/boot-riscv64.md.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define PAGE_SIZE        4096UL
#define PAGE_SHIFT       12

#define KERN_PHYS_MAP    0xffffffc000000000UL
#define KERN_PHYS_MAP_SIZE 0x1000000000UL      /* 64 GiB of physical addresses */
#define KERN_VM_BASE     0xffffffd000000000UL
#define KERN_VM_END      0xffffffff00000000UL
#define KERN_BASE        0xffffffff80000000UL
#define KERN_VIRT_OFFSET 0xffffffff00000000UL  /* kernel image VA - PA */

#endif
