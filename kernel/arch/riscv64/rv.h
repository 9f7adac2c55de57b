/*
 * Private to the riscv64 port: CSR access, SBI calls, and what the boot
 * code learned from the device tree.
 */
#ifndef RV_H
#define RV_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/layout.h>

#include "fdt.h"

#define csr_read(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint64_t)(v)))
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" ::"r"((uint64_t)(v)))
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"r"((uint64_t)(v)))

#define SSTATUS_SIE   (1UL << 1)
#define SSTATUS_SPIE  (1UL << 5)
#define SSTATUS_SPP   (1UL << 8)
#define SSTATUS_FS    (3UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SIE_SSIE      (1UL << 1)
#define SIE_STIE      (1UL << 5)
#define SIE_SEIE      (1UL << 9)

static inline uint64_t rv_rdtime(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

/* SBI call: a7 = extension, a6 = function; returns a0 (error), *value = a1. */
long sbi_call(long ext, long fid, long a0, long a1, long a2, long *value);

#define SBI_EXT_TIME 0x54494D45L
#define SBI_EXT_SRST 0x53525354L
#define SBI_EXT_BASE 0x10L

#define RV_MAX_RAM 16

typedef struct rv_region {
    uint64_t base, len;
} rv_region_t;

/* What rv_boot found in the device tree. */
typedef struct rv_platform {
    fdt_t fdt;
    uint64_t hartid;
    uint64_t entry_time;          /* rdtime at _start */
    uint64_t timebase_hz;
    uint64_t uart_pa, uart_size;  /* 0 if none: SBI console */
    uint32_t uart_shift, uart_width;
    uint32_t uart_irq;            /* its PLIC source, 0 if none */
    uint64_t plic_pa, plic_size;  /* 0 if none */
    uint64_t test_found;          /* QEMU's "sifive,test" finisher (exit status), 0 if none */
    uint64_t test_pa;             /* ... once mapped (mmu_init) */
    uint32_t plic_ndev;
    int plic_ctx;                 /* S-mode context of the boot hart */
    rv_region_t map[RV_MAX_RAM];  /* RAM the kernel may touch (physical map) */
    int nmap;
} rv_platform_t;

extern rv_platform_t rv_plat;

/* Linker-script symbols. */
extern char __kernel_start[], __text_end[], __rodata_end[], __data_end[];
extern char __bss_start[], __bss_end[], __kernel_end[];
extern char boot_stack_guard[], boot_stack_top[], boot_pt[];
extern char rv_trap_vector[];

static inline uint64_t kimg_pa(const void *va)
{
    return (uint64_t)(uintptr_t)va - KERN_VIRT_OFFSET;
}

/* Port-internal entry points. */
void rv_uart_setup(void);
void rv_plic_setup(void);
void rv_timer_setup(void);
void rv_plic_external(void);
void rv_timer_interrupt(void);

#endif
