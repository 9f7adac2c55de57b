/*
 * kprintf: formatted output to the console. Supports the conversions the
 * kernel uses: %d %i %u %x %X %o %c %s %p %% with the l, ll, z length
 * modifiers, a field width, '0' and '-' flags and a precision for %s
 * (including %.*s). Interrupts are held off per call so lines printed from
 * an interrupt handler do not land in the middle of another line. Every
 * byte printed is also kept in the kernel log ring (klog_tail, the shell's
 * dmesg).
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <kern/kernel.h>

#include "core.h"

void kcons_putc(char c);        /* dev.c: the console hand-off to the driver domain */

#define KLOG_SIZE 16384u
static char klog[KLOG_SIZE];
static uint64_t klog_len;       /* bytes ever logged */

/* athanor.quiet (make run QUIET=1): the log only, nothing on the console,
 * so that only a program's own output is seen there. */
bool klog_quiet;

static void log_putc(char c)
{
    klog[klog_len++ % KLOG_SIZE] = c;
    if (!klog_quiet)
        kcons_putc(c);
}
#define console_putc log_putc

size_t klog_tail(char *buf, size_t cap)
{
    bool was = cpu_irq_save();
    uint64_t have = klog_len < KLOG_SIZE ? klog_len : KLOG_SIZE;
    size_t n = cap < have ? cap : (size_t)have;
    for (size_t i = 0; i < n; i++)
        buf[i] = klog[(klog_len - n + i) % KLOG_SIZE];
    cpu_irq_restore(was);
    return n;
}

typedef struct fmt_spec {
    int width, prec;
    bool zero, left;
    int len;           /* 0 int, 1 long, 2 long long, 3 size_t */
} fmt_spec_t;

static void pad(int n, char c)
{
    while (n-- > 0)
        console_putc(c);
}

static void put_str(const char *s, const fmt_spec_t *f)
{
    if (!s)
        s = "(null)";
    int n = 0;
    while (s[n] && (f->prec < 0 || n < f->prec))
        n++;
    if (!f->left)
        pad(f->width - n, ' ');
    for (int i = 0; i < n; i++)
        console_putc(s[i]);
    if (f->left)
        pad(f->width - n, ' ');
}

static void put_num(uint64_t v, unsigned base, bool neg, bool upper, const fmt_spec_t *f)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (!f->left && !f->zero)
        pad(f->width - len, ' ');
    if (neg)
        console_putc('-');
    if (!f->left && f->zero)
        pad(f->width - len, '0');
    while (n)
        console_putc(buf[--n]);
    if (f->left)
        pad(f->width - len, ' ');
}

static int64_t arg_signed(va_list *ap, int len)
{
    switch (len) {
    case 0: return va_arg(*ap, int);
    case 1: return va_arg(*ap, long);
    case 2: return va_arg(*ap, long long);
    default: return (int64_t)va_arg(*ap, size_t);
    }
}

static uint64_t arg_unsigned(va_list *ap, int len)
{
    switch (len) {
    case 0: return va_arg(*ap, unsigned);
    case 1: return va_arg(*ap, unsigned long);
    case 2: return va_arg(*ap, unsigned long long);
    default: return va_arg(*ap, size_t);
    }
}

/* Parses flags, width, precision and length at *pp; leaves *pp on the
 * conversion character. */
static void parse_spec(const char **pp, va_list *ap, fmt_spec_t *f)
{
    const char *p = *pp;
    *f = (fmt_spec_t){0, -1, false, false, 0};
    for (;; p++) {
        if (*p == '0')
            f->zero = true;
        else if (*p == '-')
            f->left = true;
        else
            break;
    }
    if (*p == '*') {
        f->width = va_arg(*ap, int);
        p++;
    }
    while (*p >= '0' && *p <= '9')
        f->width = f->width * 10 + (*p++ - '0');
    if (*p == '.') {
        p++;
        f->prec = 0;
        if (*p == '*') {
            f->prec = va_arg(*ap, int);
            p++;
        }
        while (*p >= '0' && *p <= '9')
            f->prec = f->prec * 10 + (*p++ - '0');
    }
    if (*p == 'z') {
        f->len = 3;
        p++;
    }
    while (*p == 'l' && f->len < 2) {
        f->len++;
        p++;
    }
    *pp = p;
}

static void convert(char c, va_list *ap, const fmt_spec_t *f)
{
    int64_t s;
    switch (c) {
    case 'd':
    case 'i':
        s = arg_signed(ap, f->len);
        put_num(s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, false, f);
        break;
    case 'u': put_num(arg_unsigned(ap, f->len), 10, false, false, f); break;
    case 'x': put_num(arg_unsigned(ap, f->len), 16, false, false, f); break;
    case 'X': put_num(arg_unsigned(ap, f->len), 16, false, true, f); break;
    case 'o': put_num(arg_unsigned(ap, f->len), 8, false, false, f); break;
    case 'c': console_putc((char)va_arg(*ap, int)); break;
    case 's': put_str(va_arg(*ap, const char *), f); break;
    case 'p':
        console_putc('0');
        console_putc('x');
        put_num((uintptr_t)va_arg(*ap, void *), 16, false, false, f);
        break;
    case '%': console_putc('%'); break;
    default:
        console_putc('%');
        console_putc(c);
        break;
    }
}

void kvprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    bool was = cpu_irq_save();
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            console_putc(*p);
            continue;
        }
        p++;
        fmt_spec_t f;
        parse_spec(&p, &aq, &f);
        if (!*p)
            break;
        convert(*p, &aq, &f);
    }
    cpu_irq_restore(was);
    va_end(aq);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
