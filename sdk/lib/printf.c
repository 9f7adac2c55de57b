/*
 * ath_printf: a line of console text assembled here and handed to the
 * kernel with one debug_print. Each debug_print reaches the console whole,
 * so another domain's output cannot land inside a line printed this way
 * (piecewise ath_print calls can be interleaved with a driver's or the
 * sensor broker's lines). Formats: %s %c %d %i %u %x with the flags '-'
 * and '0', a width, and the length l or ll; %%. A conversion it does not
 * know is copied as written and takes no argument.
 */
#include <athanor.h>
#include <stdarg.h>
#include <stdbool.h>

typedef struct {
    char b[256];
    int32_t n;
} out_t;

static void out_flush(out_t *o)
{
    if (o->n > 0)
        ath_debug_print(o->b, o->n);
    o->n = 0;
}

/* Out of line, as out_num: printing is not hot, and every module that
 * prints links this (1.4 KB of code instead of 1.8 KB inlined). */
static __attribute__((noinline)) void out_c(out_t *o, char c)
{
    if (o->n == (int32_t)sizeof o->b)
        out_flush(o);           /* longer than a line: printed in parts */
    o->b[o->n++] = c;
}

/* u in base, after a '-' when neg, in width: padded on the left with pad
 * (' ' or '0', which goes after the sign), or on the right when left. */
static __attribute__((noinline)) void out_num(out_t *o, uint64_t u, bool neg, unsigned base, int width, char pad, bool left)
{
    char t[24];
    int k = 0;
    do
        t[k++] = "0123456789abcdef"[u % base];
    while ((u /= base) != 0);
    int len = k + (neg ? 1 : 0);
    if (neg && pad == '0')
        out_c(o, '-');
    for (; !left && width > len; width--)
        out_c(o, pad);
    if (neg && pad != '0')
        out_c(o, '-');
    while (k)
        out_c(o, t[--k]);
    for (; left && width > len; width--)
        out_c(o, ' ');
}

static void ath_vprintf(const char *fmt, va_list ap)
{
    out_t o;
    o.n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out_c(&o, *p);
            continue;
        }
        const char *start = p++;
        char pad = ' ';
        bool left = false;
        int width = 0, lng = 0;
        for (; *p == '-' || *p == '0'; p++)
            if (*p == '-')
                left = true;
            else
                pad = '0';
        if (left)
            pad = ' ';
        while (*p >= '0' && *p <= '9' && width < 64)
            width = width * 10 + (*p++ - '0');
        while (*p == 'l' && lng < 2)
            lng++, p++;
        switch (*p) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = 0;
            while (s[len])
                len++;
            for (; !left && width > len; width--)
                out_c(&o, ' ');
            for (; *s; s++)
                out_c(&o, *s);
            for (; left && width > len; width--)
                out_c(&o, ' ');
            break;
        }
        case 'c':
            out_c(&o, (char)va_arg(ap, int));
            break;
        case 'd':
        case 'i': {
            int64_t v = lng == 2 ? va_arg(ap, long long) : lng ? va_arg(ap, long) : va_arg(ap, int);
            out_num(&o, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0, 10, width, pad, left);
            break;
        }
        case 'u':
        case 'x': {
            uint64_t u = lng == 2 ? va_arg(ap, unsigned long long)
                       : lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            out_num(&o, u, false, *p == 'x' ? 16 : 10, width, pad, left);
            break;
        }
        case '%':
            out_c(&o, '%');
            break;
        default:                /* not a conversion this knows: as written */
            for (; start <= p && *start; start++)
                out_c(&o, *start);
            if (!*p)
                p--;
            break;
        }
    }
    out_flush(&o);
}

void ath_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ath_vprintf(fmt, ap);
    va_end(ap);
}
