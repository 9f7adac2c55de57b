/*
 * The arch seam, part 1: the processor. Every port (kernel/arch/<isa>/)
 * implements these; portable kernel code never asks which ISA it runs on.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Short ISA name: "x86_64", "aarch64", "riscv64". */
const char *arch_name(void);

/* Installs exception/trap vectors (every exception and fault is caught and
 * reported with a register dump and backtrace, then a clean panic) and
 * enables the floating-point unit. Called once, early, by kmain. */
void cpu_init(void);

/* Interrupts on/off on this CPU; cpu_irq_save returns the previous state. */
void cpu_irq_enable(void);
void cpu_irq_disable(void);
bool cpu_irq_save(void);           /* disables; returns true if they were on */
void cpu_irq_restore(bool was_on);

/* Waits for an interrupt (hlt / wfi) with interrupts enabled. */
void cpu_idle(void);

/* Powers the machine off with a status the test harness reads:
 * x86_64: isa-debug-exit (QEMU exits with (status << 1) | 1);
 * aarch64: PSCI SYSTEM_OFF (status printed on the console first);
 * riscv64: SBI system reset (shutdown; reason "system failure" when status != 0).
 * Every port prints "athanor: poweroff status <status>" before. */
__attribute__((noreturn)) void arch_poweroff(int status);
/* Resets the machine (QEMU with -no-reboot: exits with status 0). */
__attribute__((noreturn)) void arch_reboot(void);

/* Walks the frame-pointer chain starting at frame pointer fp and calls
 * fn(return_address) for up to max frames. fp == 0: the caller's frame.
 * The kernel is built with frame pointers. */
void arch_backtrace(uintptr_t fp, void (*fn)(uintptr_t pc, void *arg), void *arg, int max);

/* Test kernels only (-DATHANOR_TEST): a deliberate breakpoint for the
 * self-tests, with the fault handler in "expect" mode: see kern/trap.h. */
void arch_fault_selftest_breakpoint(void);   /* int3 / brk / ebreak */

/* Added by the core (kmain runs Wasm on a kstack_alloc'd stack, whose
 * bounds the engine checks): calls fn(arg) with the stack pointer set to
 * top (16-byte aligned; the new stack grows down from there) and returns
 * to the old stack when fn returns. A handful of instructions per port.
 * Weak: while a port lacks it, the core runs fn on the current stack. */
__attribute__((weak)) void arch_call_on_stack(uintptr_t top, void (*fn)(void *), void *arg);

/* For io-port capabilities (docs/drivers.md): port I/O of size 1, 2
 * or 4 bytes. Only x86_64 has an I/O space; elsewhere arch_io_supported is
 * false, arch_io_in returns 0 and arch_io_out does nothing. */
bool arch_io_supported(void);
uint32_t arch_io_in(uint16_t port, int size);
void arch_io_out(uint16_t port, int size, uint32_t v);

#endif
