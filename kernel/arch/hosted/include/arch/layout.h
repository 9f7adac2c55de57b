/*
 * The hosted "port": the kernel runs as a Linux x86_64 process, for
 * testing the portable core without QEMU. "Physical memory" is a memfd
 * mapped at KERN_PHYS_MAP; kernel VM reservations live in a PROT_NONE
 * region at KERN_VM_BASE, and mmu_map maps memfd pages there.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define PAGE_SIZE 4096ul
#define KERN_PHYS_MAP 0x200000000000ul
#define KERN_VM_BASE 0x300000000000ul
#define KERN_VM_END 0x310000000000ul     /* 16 TiB */
#define KERN_BASE 0x400000ul             /* the executable, linked as usual */
#define HOSTED_RAM (256ul << 20)

#endif
