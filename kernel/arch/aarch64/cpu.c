/*
 * The processor: vectors, FPU, interrupt masking, PSCI poweroff,
 * frame-pointer backtraces and the breakpoint self-test.
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <kern/kernel.h>

#include "aarch64.h"

#define PSCI_SYSTEM_OFF 0x84000008u

const char *arch_name(void)
{
    return "aarch64";
}

/* entry.S already installed the vectors and enabled FP/SIMD (C code may
 * use SIMD registers from the start); doing it again here keeps the
 * contract explicit. */
void cpu_init(void)
{
    A64_SYSREG_WRITE(cpacr_el1, 3UL << 20);
    A64_SYSREG_WRITE(vbar_el1, (uint64_t)(uintptr_t)aarch64_vectors);
    __asm__ volatile("isb" ::: "memory");
}

void cpu_irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}

void cpu_irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}

bool cpu_irq_save(void)
{
    uint64_t daif = A64_SYSREG_READ(daif);
    cpu_irq_disable();
    return !(daif & (1u << 7));
}

void cpu_irq_restore(bool was_on)
{
    if (was_on)
        cpu_irq_enable();
}

/* wfi wakes on a pending interrupt even while masked, so unmasking after
 * it cannot lose a wakeup. */
void cpu_idle(void)
{
    __asm__ volatile("wfi; msr daifclr, #2; isb" ::: "memory");
}

static void put_str(const char *s)
{
    while (*s)
        console_putc(*s++);
}

static void put_dec(int v)
{
    char buf[12];
    int i = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do
        buf[i++] = (char)('0' + u % 10);
    while ((u /= 10) && i < 11);
    if (v < 0)
        console_putc('-');
    while (i)
        console_putc(buf[--i]);
}

/* PSCI SYSTEM_OFF has no status: the harness reads the line we print. */
__attribute__((noreturn)) void arch_poweroff(int status)
{
    cpu_irq_disable();
    put_str("athanor: poweroff status ");
    put_dec(status);
    put_str("\n");
    if (a64_plat.semihosting) {
        /* SYS_EXIT_EXTENDED (0x20): ADP_Stopped_ApplicationExit with the
         * status, which QEMU (-semihosting) exits with. */
        static volatile uint64_t block[2];
        block[0] = 0x20026;
        block[1] = (uint64_t)(uint32_t)status;
        register uint64_t x0 __asm__("x0") = 0x20;
        register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
        __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    }
    if (a64_plat.have_psci) {
        register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
        if (a64_plat.psci_hvc)
            __asm__ volatile("hvc #0" : "+r"(x0) :: "x1", "x2", "x3", "memory");
        else
            __asm__ volatile("smc #0" : "+r"(x0) :: "x1", "x2", "x3", "memory");
    }
    put_str("athanor: PSCI SYSTEM_OFF failed, halting\n");
    for (;;)
        __asm__ volatile("wfi");
}

#define PSCI_SYSTEM_RESET 0x84000009u

__attribute__((noreturn)) void arch_reboot(void)
{
    cpu_irq_disable();
    if (a64_plat.have_psci) {
        register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_RESET;
        if (a64_plat.psci_hvc)
            __asm__ volatile("hvc #0" : "+r"(x0) :: "x1", "x2", "x3", "memory");
        else
            __asm__ volatile("smc #0" : "+r"(x0) :: "x1", "x2", "x3", "memory");
    }
    put_str("athanor: PSCI SYSTEM_RESET failed, halting\n");
    for (;;)
        __asm__ volatile("wfi");
}

/* Frame records are {previous x29, x30}; stop at anything unmapped,
 * misaligned or not moving up the stack. */
void arch_backtrace(uintptr_t fp, void (*fn)(uintptr_t pc, void *arg), void *arg, int max)
{
    if (!fp)
        fp = (uintptr_t)__builtin_frame_address(0);
    for (int i = 0; i < max && fp; i++) {
        if ((fp & 7) || !mmu_readable(fp) || !mmu_readable(fp + 8))
            break;
        const uintptr_t *rec = (const uintptr_t *)fp;
        uintptr_t next = rec[0], lr = rec[1];
        if (!lr)
            break;
        fn(lr, arg);
        if (next <= fp)
            break;
        fp = next;
    }
}

/* brk reports its own address; aarch64_exception resumes after it. */
#ifdef ATHANOR_TEST
void arch_fault_selftest_breakpoint(void)
{
    __asm__ volatile("brk #0x42" ::: "memory");
}
#endif

