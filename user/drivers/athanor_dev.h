/*
 * What the console drivers share on top of the C SDK (sdk/include/athanor.h,
 * which declares the device host calls: docs/drivers.md): the console loop
 * around a UART's byte operations. wasm32.
 *
 * Output: the kernel's console queue (ath_console_read), written out with
 * CR LF line ends. Input, in one of two modes:
 *   - raw (the driver holds a channel "console.in", the product image): the
 *     bytes go to that channel as they arrive, unchanged, in messages of up
 *     to ATH_MSG_MAX bytes; the shell behind it echoes and edits. While the
 *     channel is full the bytes wait here and in the UART's FIFO, whose
 *     interrupt stays masked: QEMU (a terminal) holds the rest, nothing is
 *     dropped;
 *   - line (no such channel, the test image): echoed byte by byte, and each
 *     line is handed whole to the kernel's console input (ath_console_input)
 *     after a "<tag>: echo <line>" report.
 */
#ifndef ATHANOR_DEV_H
#define ATHANOR_DEV_H

#include <athanor.h>
#include <stdbool.h>

#define MS 1000000ll

/* A UART, as the loop sees it. */
typedef struct uart_ops {
    const char *tag;            /* for the line-mode report */
    int (*getc)(void);          /* a received byte, or -1 */
    void (*putc)(char c);       /* waits while the transmitter is full */
    void (*rx_done)(void);      /* after draining input (clear interrupts), or NULL */
} uart_ops_t;

/* A line of input being typed (line mode): echoed byte by byte, delivered whole. */
typedef struct line {
    char buf[120];
    uint32_t len;
} line_t;

/* Line mode: feeds one received byte; on a line end, prints "<tag>: echo
 * <line>", hands the line to the kernel's console input and starts a new
 * one. Returns what to echo to the terminal (0: nothing). */
static inline char line_feed(line_t *l, const char *tag, char c)
{
    if (c == '\r' || c == '\n') {
        if (l->len == 0)
            return c == '\r' ? '\n' : 0;
        char msg[160];
        uint32_t n = 0;
        for (const char *t = tag; *t; t++)
            msg[n++] = *t;
        for (const char *t = ": echo "; *t; t++)
            msg[n++] = *t;
        for (uint32_t i = 0; i < l->len; i++)
            msg[n++] = l->buf[i];
        msg[n++] = '\n';
        ath_debug_print(msg, (int32_t)n);
        l->buf[l->len++] = '\n';
        ath_console_input(l->buf, (int32_t)l->len);
        l->len = 0;
        return '\n';
    }
    if (l->len < sizeof l->buf - 1)
        l->buf[l->len++] = c;
    return c;
}

/* Writes out what the kernel queued; a terminal wants CR LF. */
static inline void cons_drain_output(const uart_ops_t *u)
{
    char buf[256];
    int32_t n;
    while ((n = ath_console_read(buf, sizeof buf)) > 0)
        for (int32_t i = 0; i < n; i++) {
            if (buf[i] == '\n')
                u->putc('\r');
            u->putc(buf[i]);
        }
}

typedef struct cons_in {
    ath_handle_t ch;            /* "console.in" (raw mode), or < 0 */
    char pend[ATH_MSG_MAX];     /* raw mode: read, not yet sent */
    int32_t npend;
    line_t line;                /* line mode */
} cons_in_t;

/* Reads what the UART has. Returns false when raw bytes are waiting for
 * room in the channel (then the caller leaves the interrupt masked). */
static inline bool cons_drain_input(const uart_ops_t *u, cons_in_t *in)
{
    int c;
    if (in->ch < 0) {
        for (int i = 0; i < 64 && (c = u->getc()) >= 0; i++) {
            char e = line_feed(&in->line, u->tag, (char)c);
            if (e == '\n')
                u->putc('\r');
            if (e)
                u->putc(e);
        }
        return true;
    }
    for (;;) {
        while (in->npend < ATH_MSG_MAX && (c = u->getc()) >= 0)
            in->pend[in->npend++] = (char)c;
        if (in->npend == 0)
            return true;
        if (ath_send(in->ch, in->pend, in->npend, 0) < 0)
            return false;       /* full (or gone): keep them, try again soon */
        in->npend = 0;
    }
}

/* The driver's loop once it owns the console: wait for the interrupt (or
 * a kick: output queued), move input, then output. Never returns. */
static inline void cons_run(ath_handle_t irq, const uart_ops_t *u)
{
    static cons_in_t in;
    bool masked = false, flowing = true;
    in.ch = ath_cap_find("console.in");
    for (;;) {
        /* The timeout also covers an edge lost while the line was masked,
         * and retries a full channel soon. */
        if (ath_irq_wait(irq, flowing ? 50 * MS : 2 * MS) > 0)
            masked = true;
        flowing = cons_drain_input(u, &in);
        if (u->rx_done)
            u->rx_done();
        if (masked && flowing) {
            ath_irq_ack(irq);
            masked = false;
        }
        cons_drain_output(u);
    }
}

#endif
