/*
 * The processor: GDT with a TSS (an IST stack for double faults, NMIs and
 * machine checks, so a kernel stack overflow is still reported), the IDT
 * for all 256 vectors, the FPU/SSE, trap reporting, interrupt flag,
 * poweroff and backtraces.
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/trap.h>

#include "x86.h"

typedef struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} tss64_t;

typedef struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, reserved;
} idt_gate_t;

extern uint64_t x86_gdt[];
extern const uint64_t x86_vectors[256];
extern char x86_ist_stack_top[];

static tss64_t tss;
static idt_gate_t idt[256];

const char *arch_name(void) { return "x86_64"; }

static void load_tss(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof tss - 1;
    tss.ist[0] = (uint64_t)(uintptr_t)x86_ist_stack_top;
    tss.iomap_base = sizeof tss;
    /* 64-bit available TSS descriptor (type 9, present): 16 bytes at 0x18. */
    x86_gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
                 ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    x86_gdt[4] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"(0x18));
}

static void load_idt(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t a = x86_vectors[v];
        /* Double fault, NMI and machine check run on the IST stack. */
        uint8_t ist = (v == 2 || v == 8 || v == 18) ? 1 : 0;
        idt[v] = (idt_gate_t){ (uint16_t)a, 0x08, ist, 0x8e, (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
    }
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } p = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(p));
}

/* CR0.EM=0, MP=1, NE=1; CR4.OSFXSR, OSXMMEXCPT (boot.S set them too: the
 * compiler may use SSE anywhere); x87 and MXCSR to their defaults. */
static void fpu_init(void)
{
    uint64_t cr0, cr4;
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~((1UL << 2) | (1UL << 3))) | (1UL << 1) | (1UL << 5);
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1UL << 9) | (1UL << 10);
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

void cpu_init(void)
{
    load_tss();
    load_idt();
    fpu_init();
}

void cpu_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
void cpu_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

bool cpu_irq_save(void)
{
    uint64_t fl;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(fl) : : "memory");
    return fl & (1 << 9);
}

void cpu_irq_restore(bool was_on)
{
    if (was_on)
        cpu_irq_enable();
}

/* sti takes effect after the next instruction, so no interrupt slips in
 * between it and hlt. The caller's interrupt state is kept. */
void cpu_idle(void)
{
    bool was_on = cpu_irq_save();
    __asm__ volatile("sti; hlt" ::: "memory");
    if (!was_on)
        cpu_irq_disable();
}

void arch_poweroff(int status)
{
    cpu_irq_disable();
    kprintf("athanor: poweroff status %d\n", status);
    outl(0xf4, (uint32_t)status);   /* QEMU isa-debug-exit: exits (status << 1) | 1 */
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* The keyboard controller's reset line; a triple fault if that fails. */
void arch_reboot(void)
{
    cpu_irq_disable();
    outb(0x64, 0xfe);
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(none));
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* A frame pointer is followed only if it is aligned and its two words are
 * mapped kernel memory: a backtrace must never fault. */
static bool fp_ok(uintptr_t fp)
{
    if (fp & 7 || fp < KERN_PHYS_MAP)
        return false;
    return mmu_translate(fp) != (uint64_t)-1 && mmu_translate(fp + 8) != (uint64_t)-1;
}

void arch_backtrace(uintptr_t fp, void (*fn)(uintptr_t pc, void *arg), void *arg, int max)
{
    if (!fp)
        fp = (uintptr_t)__builtin_frame_address(0);
    for (int n = 0; n < max && fp_ok(fp); n++) {
        uintptr_t next = ((uintptr_t *)fp)[0], pc = ((uintptr_t *)fp)[1];
        if (!pc)
            break;
        fn(pc, arg);
        if (next <= fp)
            break;
        fp = next;
    }
}

#ifdef ATHANOR_TEST
void arch_fault_selftest_breakpoint(void)
{
    __asm__ volatile("int3" ::: "memory");
}
#endif

bool arch_io_supported(void)
{
    return true;
}

uint32_t arch_io_in(uint16_t port, int size)
{
    uint32_t v = 0;
    if (size == 1)
        v = inb(port);
    else if (size == 2)
        __asm__ volatile("inw %1, %w0" : "=a"(v) : "Nd"(port));
    else if (size == 4)
        __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void arch_io_out(uint16_t port, int size, uint32_t v)
{
    if (size == 1)
        outb(port, (uint8_t)v);
    else if (size == 2)
        __asm__ volatile("outw %w0, %1" : : "a"(v), "Nd"(port));
    else if (size == 4)
        outl(port, v);
}
