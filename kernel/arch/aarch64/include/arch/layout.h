/*
 * aarch64 kernel memory layout (QEMU virt). 48-bit virtual addresses,
 * 4 KiB granule, four levels. TTBR1 (the upper half) holds everything the
 * kernel uses; TTBR0 only holds the identity map for the MMU switch and is
 * disabled afterwards, so low addresses (NULL) always fault.
 *
 *   0xffff000000000000  KERN_PHYS_MAP   all RAM (and device MMIO the port
 *                                       maps) at pa + KERN_PHYS_MAP
 *   0xffff800000000000  KERN_VM_BASE    reservations: heap, linear
 *   0xffffff0000000000  KERN_VM_END     memories, kernel stacks
 *   0xffffffff80000000  KERN_BASE       maps KERN_PHYS_BASE; the kernel
 *                                       image is linked at KERN_BASE +
 *                                       (KERN_LOAD_PHYS - KERN_PHYS_BASE)
 *
 * Only this port's files use KERN_PHYS_BASE and KERN_LOAD_PHYS: they are
 * where QEMU virt puts RAM and where the ELF asks to be loaded (the device
 * tree blob sits at the start of RAM, so the kernel loads 2 MiB above it).
 * The RAM size and every device address come from the device tree.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define PAGE_SIZE       4096UL
#define PAGE_SHIFT      12

#define KERN_PHYS_MAP   0xffff000000000000UL
#define KERN_VM_BASE    0xffff800000000000UL
#define KERN_VM_END     0xffffff0000000000UL
#define KERN_BASE       0xffffffff80000000UL

#define KERN_PHYS_BASE  0x40000000UL
#define KERN_LOAD_PHYS  0x40200000UL
/* Kernel image virtual address minus physical address. */
#define KERN_IMAGE_OFFSET (KERN_BASE - KERN_PHYS_BASE)

#endif
