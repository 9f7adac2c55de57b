/*
 * Early console: the 16550 UART at COM1 (I/O port 0x3f8), polled,
 * 115200 8N1. Usable before anything else is up, and by panic.
 */
#include <arch/console.h>

#include "x86.h"

#define COM1 0x3f8
enum { UART_DATA = 0, UART_IER = 1, UART_FCR = 2, UART_LCR = 3, UART_MCR = 4, UART_LSR = 5 };
enum { LSR_DATA_READY = 0x01, LSR_THR_EMPTY = 0x20 };

void console_init(void)
{
    outb(COM1 + UART_IER, 0x00);        /* no UART interrupts: polled */
    outb(COM1 + UART_LCR, 0x80);        /* divisor latch: 115200 / 1 */
    outb(COM1 + UART_DATA, 0x01);
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x03);        /* 8 bits, no parity, 1 stop */
    outb(COM1 + UART_FCR, 0xc7);        /* FIFOs on and cleared */
    outb(COM1 + UART_MCR, 0x03);        /* DTR, RTS */
}

static void uart_put(char c)
{
    /* Bounded: a missing UART must not hang the kernel. */
    for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); i++)
        __asm__ volatile("pause");
    outb(COM1 + UART_DATA, (uint8_t)c);
}

/* A serial terminal needs CR LF; the terminal QEMU gives is raw. */
void console_putc(char c)
{
    if (c == '\n')
        uart_put('\r');
    uart_put(c);
}

int console_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + UART_DATA);
}

void x86_puts(const char *s)
{
    while (*s)
        console_putc(*s++);
}

void x86_puthex(uint64_t v)
{
    x86_puts("0x");
    for (int i = 60; i >= 0; i -= 4)
        console_putc("0123456789abcdef"[(v >> i) & 0xf]);
}

/* COM1 raises ISA IRQ 4; the MADT may route it to another GSI. */
bool arch_console_device(uint64_t *phys, unsigned *irq, int *kind)
{
    *phys = COM1;
    *irq = x86_madt.isa_gsi[4];
    *kind = ARCH_CONS_16550_IO;
    return true;
}
