/*
 * The arch seam, part 5: the early console (x86_64: COM1 16550; aarch64:
 * PL011; riscv64: SBI console or the 16550 at the address the device tree
 * gives). Polled; usable before anything else is up, and by panic.
 */
#ifndef ARCH_CONSOLE_H
#define ARCH_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

void console_init(void);
void console_putc(char c);
/* Next input byte, or -1 when none is waiting. */
int console_getc(void);

/* For the console driver domain (docs/drivers.md): the UART behind the early
 * console, as the port found it (ACPI / device tree), so a Wasm driver can
 * be given exactly its registers and interrupt. *phys is the I/O port base
 * for ARCH_CONS_16550_IO, else the physical address of byte-wide registers
 * (16550: reg-shift 0); *irq is the interrupt controller's number. False
 * when there is none a driver could own (SBI console, hosted). */
enum { ARCH_CONS_NONE, ARCH_CONS_16550_IO, ARCH_CONS_16550_MMIO, ARCH_CONS_PL011 };
bool arch_console_device(uint64_t *phys, unsigned *irq, int *kind);

#endif
