/*
 * Early console: the 16550 UART the device tree names (/chosen stdout-path,
 * else the first "ns16550a"), polled, reached through the physical map.
 * Without one we fall back to the SBI legacy console calls.
 */
#include <arch/console.h>
#include <arch/mmu.h>

#include "rv.h"

#define UART_RBR 0   /* receive buffer (read) */
#define UART_THR 0   /* transmit holding (write) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20

static int uart_node_from_chosen(const fdt_t *f)
{
    int chosen = fdt_path(f, "/chosen");
    int len;
    const char *p = chosen >= 0 ? fdt_prop(f, chosen, "stdout-path", &len) : 0;
    if (!p || len <= 0 || p[len - 1] != 0)
        return -1;
    char path[128];
    int i = 0;
    for (; p[i] && p[i] != ':' && i < (int)sizeof path - 1; i++)
        path[i] = p[i];
    path[i] = 0;
    if (path[0] != '/') {      /* an alias */
        int aliases = fdt_path(f, "/aliases");
        const char *full = aliases >= 0 ? fdt_prop(f, aliases, path, 0) : 0;
        return full ? fdt_path(f, full) : -1;
    }
    return fdt_path(f, path);
}

/* Finds the UART in the device tree; called by rv_boot before kmain. */
void rv_uart_setup(void)
{
    const fdt_t *f = &rv_plat.fdt;
    if (!f->blob)
        return;
    int n = uart_node_from_chosen(f);
    if (n < 0 || !(fdt_is_compatible(f, n, "ns16550a") || fdt_is_compatible(f, n, "ns16550")))
        n = fdt_find_compatible(f, -1, "ns16550a");
    if (n < 0)
        n = fdt_find_compatible(f, -1, "ns16550");
    uint64_t pa, size;
    if (n < 0 || !fdt_reg(f, n, 0, &pa, &size) || pa + size > KERN_PHYS_MAP_SIZE)
        return;
    rv_plat.uart_shift = 0;
    rv_plat.uart_width = 1;
    fdt_prop_u32(f, n, "reg-shift", &rv_plat.uart_shift);
    fdt_prop_u32(f, n, "reg-io-width", &rv_plat.uart_width);
    rv_plat.uart_size = size;
    fdt_prop_u32(f, n, "interrupts", &rv_plat.uart_irq);
    rv_plat.uart_pa = pa;
    /* QEMU's test finisher: powering off through it gives QEMU an exit status. */
    int t = fdt_find_compatible(f, -1, "sifive,test1");
    if (t < 0)
        t = fdt_find_compatible(f, -1, "sifive,test0");
    uint64_t tpa, tsize;
    if (t >= 0 && fdt_reg(f, t, 0, &tpa, &tsize) && tpa + PAGE_SIZE <= KERN_PHYS_MAP_SIZE &&
        !(tpa & (PAGE_SIZE - 1)))
        rv_plat.test_found = tpa;
}

static volatile uint8_t *uart_reg(int r)
{
    return (volatile uint8_t *)phys_to_virt(rv_plat.uart_pa) + ((uintptr_t)r << rv_plat.uart_shift);
}

static uint8_t uart_in(int r)
{
    if (rv_plat.uart_width == 4)
        return (uint8_t)*(volatile uint32_t *)uart_reg(r);
    return *uart_reg(r);
}

static void uart_out(int r, uint8_t v)
{
    if (rv_plat.uart_width == 4)
        *(volatile uint32_t *)uart_reg(r) = v;
    else
        *uart_reg(r) = v;
}

/* OpenSBI already set the line up; we keep its baud rate and only make
 * sure of 8N1, FIFOs on, and no UART interrupts (we poll). */
void console_init(void)
{
    if (!rv_plat.uart_pa)
        return;
    uart_out(UART_IER, 0);
    uart_out(UART_LCR, 0x03);
    uart_out(UART_FCR, 0x07);
}

static void raw_putc(char c)
{
    if (!rv_plat.uart_pa) {
        sbi_call(0x01, 0, (unsigned char)c, 0, 0, 0);   /* legacy console_putchar */
        return;
    }
    while (!(uart_in(UART_LSR) & LSR_THRE))
        ;
    uart_out(UART_THR, (uint8_t)c);
}

void console_putc(char c)
{
    if (c == '\n')
        raw_putc('\r');
    raw_putc(c);
}

int console_getc(void)
{
    if (!rv_plat.uart_pa)
        return (int)sbi_call(0x02, 0, 0, 0, 0, 0);       /* legacy: -1 when none */
    if (!(uart_in(UART_LSR) & LSR_DR))
        return -1;
    return uart_in(UART_RBR);
}

/* Only the common layout (byte registers, no shift) is offered to a driver. */
bool arch_console_device(uint64_t *phys, unsigned *irq, int *kind)
{
    if (!rv_plat.uart_pa || !rv_plat.uart_irq || rv_plat.uart_shift || rv_plat.uart_width != 1)
        return false;
    *phys = rv_plat.uart_pa;
    *irq = rv_plat.uart_irq;
    *kind = ARCH_CONS_16550_MMIO;
    return true;
}
