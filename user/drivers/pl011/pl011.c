/*
 * The PL011 UART driver (aarch64 virt), a Wasm domain: its registers are
 * mapped into this module's memory. It owns the console: it takes the
 * kernel's output queue and writes it out, and passes on what is typed,
 * read on its receive interrupt (athanor_dev.h).
 *
 * Capabilities (granted by the manifest, nothing else): console.irq,
 * console.mmio, and in the product image the channel console.in.
 */
#include "athanor_dev.h"

enum { DR = 0x00, FR = 0x18, IMSC = 0x38, ICR = 0x44 };
enum { FR_RXFE = 1u << 4, FR_TXFF = 1u << 5, INT_RX = 1u << 4, INT_RT = 1u << 6 };

static uint8_t regs_page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static volatile uint32_t *regs;

static uint32_t rd(uint32_t off)
{
    return regs[off / 4];
}

static void wr(uint32_t off, uint32_t v)
{
    regs[off / 4] = v;
}

static void put(char c)
{
    for (int i = 0; i < 100000 && (rd(FR) & FR_TXFF); i++)
        ;
    wr(DR, (uint8_t)c);
}

static int get(void)
{
    return (rd(FR) & FR_RXFE) ? -1 : (int)(rd(DR) & 0xff);
}

static void rx_done(void)
{
    wr(ICR, INT_RX | INT_RT);
}

static const uart_ops_t ops = {"uart", get, put, rx_done};

ATH_EXPORT("_start") void _start(void)
{
    int32_t irq = ath_cap_find("console.irq"), m = ath_cap_find("console.mmio");
    int32_t off = irq >= 0 && m >= 0 ? ath_mmio_map(m, (uint32_t)(uintptr_t)regs_page) : -1;
    if (off < 0) {
        ath_print("pl011: no UART granted to this domain; exiting\n");
        return;
    }
    regs = (volatile uint32_t *)(regs_page + off);
    wr(ICR, 0x7ff);
    wr(IMSC, INT_RX | INT_RT);          /* receive and receive-timeout interrupts */
    if (ath_console_attach(irq) < 0) {
        ath_print("pl011: cannot take the console; exiting\n");
        return;
    }
    ath_print("pl011: driver domain owns the console (irq, registers)\n");
    cons_run(irq, &ops);
}
