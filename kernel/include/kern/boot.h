/*
 * What each port hands the portable kernel: kmain(&boot_info) is called on
 * the boot CPU with the MMU on, running in the higher half, on a kernel
 * stack, interrupts off. Everything comes from what the firmware handed
 * over (multiboot memory map, ACPI RSDP; device tree), not from constants.
 */
#ifndef KERN_BOOT_H
#define KERN_BOOT_H

#include <stdint.h>

#define BOOT_MAX_MEM 64

typedef struct boot_mem {
    uint64_t base, len;           /* usable RAM, physical */
} boot_mem_t;

typedef struct boot_info {
    boot_mem_t mem[BOOT_MAX_MEM];
    int nmem;
    uint64_t kernel_phys_start;   /* the loaded kernel image, physical: never allocated */
    uint64_t kernel_phys_end;
    uint64_t reserved_start;      /* another range to keep (e.g. DTB, multiboot info) */
    uint64_t reserved_end;
    uint64_t dtb_phys;            /* 0 if none */
    uint64_t acpi_rsdp_phys;      /* 0 if none */
    const char *cmdline;          /* "" if none */
} boot_info_t;

__attribute__((noreturn)) void kmain(boot_info_t *bi);

#endif
