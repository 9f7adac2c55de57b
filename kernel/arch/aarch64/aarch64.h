/*
 * Internals of the aarch64 port, shared by its files only.
 */
#ifndef AARCH64_H
#define AARCH64_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/layout.h>
#include <kern/boot.h>

#define A64_MAX_VMMIO 32

/* What the device tree told us (filled by aarch64_boot before kmain). */
typedef struct a64_platform {
    uint64_t uart_pa;            /* PL011 */
    uint32_t uart_irq;           /* its GIC INTID, 0 if unknown */
    int gic_version;             /* 2 or 3 (0: none found) */
    uint64_t gicd_pa, gicd_size; /* distributor */
    uint64_t gicc_pa, gicc_size; /* GICv2 CPU interface */
    uint64_t gicr_pa, gicr_size; /* GICv3 redistributors */
    unsigned timer_irq;          /* virtual timer INTID (PPI 11 + 16 = 27) */
    bool psci_hvc;               /* PSCI conduit: hvc (true) or smc */
    bool have_psci;
    bool semihosting;             /* athanor.semihosting: QEMU -semihosting, exit with a status */
    uint64_t entry_ticks;        /* CNTVCT at _start: the reset point */
    boot_mem_t mem[BOOT_MAX_MEM];
    int nmem;
    struct { uint64_t pa, size; unsigned irq; } vmmio[A64_MAX_VMMIO];   /* virtio,mmio slots */
    int nvmmio;
} a64_platform_t;

extern a64_platform_t a64_plat;

/* The exception frame vectors.S builds; offsets are fixed there. */
typedef struct a64_frame {
    uint64_t x[31];
    uint64_t sp, elr, spsr, esr, far;
    uint64_t fpsr, fpcr;
    __uint128_t q[32];
} a64_frame_t;

_Static_assert(sizeof(a64_frame_t) == 816, "vectors.S FRAME_SIZE");
_Static_assert(__builtin_offsetof(a64_frame_t, sp) == 248, "vectors.S OFF_SP");
_Static_assert(__builtin_offsetof(a64_frame_t, far) == 280, "vectors.S OFF_FAR");
_Static_assert(__builtin_offsetof(a64_frame_t, q) == 304, "vectors.S OFF_Q");

/* Linker script and entry.S symbols. */
extern char __kernel_start[], __text_end[], __rodata_end[], __data_end[];
extern char __bss_start[], __bss_end[], __kernel_end[];
extern char boot_stack_guard[], boot_stack_top[], exc_stack_guard[], exc_stack_top[];
extern uint64_t early_hi_l0[512], early_pm_l1[512];
extern char early_tables_start[];
/* The physical address of a kernel image address. */
static inline uint64_t kimg_pa(const void *va)
{
    return (uint64_t)(uintptr_t)va - KERN_IMAGE_OFFSET;
}
extern char aarch64_vectors[];

void aarch64_exception(a64_frame_t *f, unsigned kind);
/* The interrupt path (gic.c): acknowledge, dispatch, end of interrupt. */
void gic_handle_irq(void);
/* True when va can be read (mapped in the kernel tables). */
bool mmu_readable(uintptr_t va);

#define A64_SYSREG_READ(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })
#define A64_SYSREG_WRITE(name, v) __asm__ volatile("msr " #name ", %0" :: "r"((uint64_t)(v)) : "memory")

static inline void mmio_write32(uint64_t va, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(va) : "memory");
}

static inline uint32_t mmio_read32(uint64_t va)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(va) : "memory");
    return v;
}

#endif
