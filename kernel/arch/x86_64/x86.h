/*
 * x86_64 port internals: port I/O, MSRs, control registers, and the
 * declarations shared between the port's files. Not part of the arch seam.
 */
#ifndef X86_H
#define X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/boot.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

/* The interrupt frame built by entry.S (lowest address first). */
typedef struct x86_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
} x86_frame_t;

/* Interrupt vectors. */
enum {
    X86_VEC_PIC = 0x20,        /* 0x20..0x2f: the masked legacy PIC (spurious only) */
    X86_VEC_GSI = 0x30,        /* 0x30 + GSI: IOAPIC inputs */
    X86_NGSI = 0xc0,
    X86_VEC_TIMER = 0xf0,      /* LAPIC timer */
    X86_VEC_SPURIOUS = 0xff,
};

/* The firmware's memory map, all types, kept for mmu_init's physical map. */
typedef struct x86_mmap_entry {
    uint64_t base, len;
    uint32_t type;             /* 1 usable, 3 ACPI reclaimable, 4 ACPI NVS, ... */
} x86_mmap_entry_t;
#define X86_MAX_MMAP 64
extern x86_mmap_entry_t x86_mmap[X86_MAX_MMAP];
extern int x86_nmmap;
extern uint64_t x86_rsdp_phys;
extern bool x86_has_nx;
extern uint64_t x86_boot_tsc;      /* TSC at the 32-bit entry: the clock's zero */

/* Linker-script and boot.S symbols (virtual addresses). */
extern char _kernel_start[], _etext[], _erodata[], _edata[], _end[];
extern char boot_pml4[], boot_stack_guard[], boot_stack_top[], x86_ist_guard[];
static inline uint64_t x86_kva_to_phys(const void *p) { return (uint64_t)(uintptr_t)p - 0xffffffff80000000UL; }

/* mmu.c */
void x86_map_device(uint64_t pa, size_t size);   /* at phys_to_virt(pa), uncached; panics if out */
void x86_map_firmware(uint64_t pa, size_t size); /* read-only at phys_to_virt(pa), for ACPI */
/* acpi.c */
typedef struct x86_ioapic {
    uint64_t phys;
    volatile uint32_t *regs;
    uint32_t gsi_base, ngsi;
} x86_ioapic_t;
typedef struct x86_madt {
    uint64_t lapic_phys;
    int nioapic;
    x86_ioapic_t ioapic[8];
    uint16_t gsi_flags[X86_NGSI];  /* MPS INTI flags per GSI from overrides; 0 = bus default */
    uint8_t isa_gsi[16];           /* ISA IRQ -> GSI */
    bool found;
} x86_madt_t;
extern x86_madt_t x86_madt;
void acpi_parse(void);
/* apic.c */
void lapic_setup(void);
void x86_timer_interrupt(void);     /* timer.c: the LAPIC timer's vector */
void lapic_eoi(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
/* console.c */
void x86_puts(const char *s);
void x86_puthex(uint64_t v);

#endif
