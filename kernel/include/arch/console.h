/*
 * The arch seam, part 5: the early console (x86_64: COM1 16550; aarch64:
 * PL011; riscv64: SBI console or the 16550 at the address the device tree
 * gives). Polled; usable before anything else is up, and by panic.
 */
#ifndef ARCH_CONSOLE_H
#define ARCH_CONSOLE_H

void console_init(void);
void console_putc(char c);
/* Next input byte, or -1 when none is waiting. */
int console_getc(void);

#endif
