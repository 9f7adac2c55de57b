/*
 * The host calls a driver module imports from "athanor" (docs/drivers.md,
 * docs/hostcalls.md), declared here until the C SDK (sdk/) provides them,
 * plus the few helpers the drivers share. wasm32: pointers are i32.
 */
#ifndef ATHANOR_DEV_H
#define ATHANOR_DEV_H

#include <stdint.h>

#define IMPORT(n) __attribute__((import_module("athanor"), import_name(#n)))
#define EXPORT(n) __attribute__((export_name(#n)))

IMPORT(debug_print) void at_debug_print(const char *p, uint32_t len);
IMPORT(cap_find) int32_t at_cap_find(const char *name, uint32_t len);
IMPORT(irq_wait) int32_t at_irq_wait(int32_t h, uint64_t timeout_ns);
IMPORT(irq_ack) int32_t at_irq_ack(int32_t h);
IMPORT(mmio_map) int32_t at_mmio_map(int32_t h, uint32_t offset);
IMPORT(mmio_unmap) int32_t at_mmio_unmap(int32_t h);
IMPORT(io_in) int64_t at_io_in(int32_t h, uint32_t off, uint32_t size);
IMPORT(io_out) int32_t at_io_out(int32_t h, uint32_t off, uint32_t size, uint32_t v);
IMPORT(console_attach) int32_t at_console_attach(int32_t irq_h);
IMPORT(console_read) int32_t at_console_read(char *p, uint32_t cap);
IMPORT(console_input) int32_t at_console_input(const char *p, uint32_t len);

#define MS 1000000ull
#define PAGE 4096u

static inline uint32_t str_len(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

static inline void print(const char *s)
{
    at_debug_print(s, str_len(s));
}

/* The handle granted under name, or a negative error. */
static inline int32_t cap(const char *name)
{
    return at_cap_find(name, str_len(name));
}

/* A line of input being typed: echoed byte by byte, delivered whole. */
typedef struct line {
    char buf[120];
    uint32_t len;
} line_t;

/* Feeds one received byte; on a line end, prints "<tag>: echo <line>",
 * hands the line to the kernel's console input and starts a new one.
 * Returns what to echo to the terminal (0: nothing). */
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
        at_debug_print(msg, n);
        l->buf[l->len++] = '\n';
        at_console_input(l->buf, l->len);
        l->len = 0;
        return '\n';
    }
    if (l->len < sizeof l->buf - 1)
        l->buf[l->len++] = c;
    return c;
}

#endif
