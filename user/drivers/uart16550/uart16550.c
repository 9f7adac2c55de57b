/*
 * The 16550 UART driver, a Wasm domain (x86_64: I/O ports; riscv64:
 * registers mapped into this module's memory). It owns the console: it
 * takes the kernel's output queue and writes it out, and passes on what is
 * typed, read on its receive interrupt (athanor_dev.h: to the shell's
 * channel, or echoed and handed to the kernel line by line).
 *
 * Capabilities (granted by the manifest, nothing else): console.irq, either
 * console.ioport or console.mmio, and in the product image the channel
 * console.in.
 */
#include "athanor_dev.h"

enum { RBR = 0, THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
enum { LSR_DR = 0x01, LSR_THRE = 0x20 };

/* The page the registers are mapped over (mmio), in our own memory. */
static uint8_t regs_page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static volatile uint8_t *regs;
static int32_t io_h = -1;

static uint8_t rd(int r)
{
    return regs ? regs[r] : (uint8_t)ath_io_in(io_h, (uint32_t)r, 1);
}

static void wr(int r, uint8_t v)
{
    if (regs)
        regs[r] = v;
    else
        ath_io_out(io_h, (uint32_t)r, 1, v);
}

static void put(char c)
{
    for (int i = 0; i < 100000 && !(rd(LSR) & LSR_THRE); i++)
        ;
    wr(THR, (uint8_t)c);
}

static int get(void)
{
    return (rd(LSR) & LSR_DR) ? rd(RBR) : -1;
}

static const uart_ops_t ops = {"uart", get, put, 0};

static int setup(void)
{
    int32_t m = ath_cap_find("console.mmio");
    io_h = ath_cap_find("console.ioport");
    if (m >= 0) {
        int32_t off = ath_mmio_map(m, (uint32_t)(uintptr_t)regs_page);
        if (off < 0)
            return off;
        regs = regs_page + off;
    } else if (io_h < 0) {
        return io_h;
    }
    wr(IER, 0);
    wr(FCR, 0x01);          /* FIFOs on; not cleared: typed bytes may wait there */
    wr(MCR, 0x0b);          /* DTR, RTS, OUT2 (routes the interrupt) */
    wr(IER, 0x01);          /* interrupt on received data */
    return 0;
}

ATH_EXPORT("_start") void _start(void)
{
    int32_t irq = ath_cap_find("console.irq");
    if (irq < 0 || setup() < 0) {
        ath_print("uart16550: no UART granted to this domain; exiting\n");
        return;
    }
    if (ath_console_attach(irq) < 0) {
        ath_print("uart16550: cannot take the console; exiting\n");
        return;
    }
    ath_print("uart16550: driver domain owns the console (irq, registers)\n");
    cons_run(irq, &ops);
}
