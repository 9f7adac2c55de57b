/*
 * What the console drivers share on top of the C SDK (sdk/include/athanor.h,
 * which declares the device host calls: docs/drivers.md): the line editor
 * that echoes input and hands whole lines to the kernel. wasm32.
 */
#ifndef ATHANOR_DEV_H
#define ATHANOR_DEV_H

#include <athanor.h>

#define MS 1000000ll

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

#endif
