/* <arch/layout.h> for host tests of kernel code (tests/kernel/): the page
 * size the shim's "MMU" works in. Nothing else is used there. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H
#define PAGE_SIZE 4096ul
#define KERN_PHYS_MAP 0ul
#endif
