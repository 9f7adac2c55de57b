/*
 * Early console: the PL011 UART the device tree names, polled. Reached
 * through the physical map (the early tables map its GiB as device
 * memory; mmu_init maps its page as device memory at the same address).
 */
#include <arch/console.h>
#include <arch/mmu.h>

#include "aarch64.h"

#define UART_DR    0x00
#define UART_FR    0x18
#define UART_LCRH  0x2c
#define UART_CR    0x30
#define UART_IMSC  0x38
#define FR_RXFE    (1u << 4)
#define FR_TXFF    (1u << 5)

static uint64_t uart_va;

void console_init(void)
{
    if (!a64_plat.uart_pa)
        return;
    uart_va = (uint64_t)(uintptr_t)phys_to_virt(a64_plat.uart_pa);
    mmio_write32(uart_va + UART_IMSC, 0);           /* polled: no interrupts */
    mmio_write32(uart_va + UART_LCRH, 0x70);        /* 8N1, FIFOs on */
    mmio_write32(uart_va + UART_CR, 0x301);         /* UART, TX, RX enabled */
}

void console_putc(char c)
{
    if (!uart_va)
        return;
    if (c == '\n')
        console_putc('\r');
    while (mmio_read32(uart_va + UART_FR) & FR_TXFF)
        ;
    mmio_write32(uart_va + UART_DR, (uint8_t)c);
}

int console_getc(void)
{
    if (!uart_va || (mmio_read32(uart_va + UART_FR) & FR_RXFE))
        return -1;
    return (int)(mmio_read32(uart_va + UART_DR) & 0xff);
}

bool arch_console_device(uint64_t *phys, unsigned *irq, int *kind)
{
    if (!a64_plat.uart_pa || !a64_plat.uart_irq)
        return false;
    *phys = a64_plat.uart_pa;
    *irq = a64_plat.uart_irq;
    *kind = ARCH_CONS_PL011;
    return true;
}
