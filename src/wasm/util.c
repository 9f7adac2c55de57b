/*
 * Small freestanding helpers shared by the engine: the bounded byte reader
 * used by the decoder and the compiler (LEB128, fixed-width, names), UTF-8
 * validation, a minimal snprintf and load-error formatting.
 */
#include "module.h"

/* ------------------------------------------------------------ errors */

/* Formats the reason after the "<section> section, offset 0x..: " prefix. */
static void set_error_v(wasm_error_t *err, const char *section, uint32_t offset,
                        const char *fmt, va_list ap)
{
    size_t n;

    if (!err)
        return;
    err->section = section;
    err->offset = offset;
    if (section)
        n = wasmi_fmt(err->message, sizeof err->message, "%s section, offset 0x%x: ", section,
                     offset);
    else
        n = wasmi_fmt(err->message, sizeof err->message, "module, offset 0x%x: ", offset);
    if (n >= sizeof err->message)
        return;
    wasmi_vfmt(err->message + n, sizeof err->message - n, fmt, ap);
}

void wasmi_set_error(wasm_error_t *err, const char *section, uint32_t offset, const char *fmt,
                    ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_error_v(err, section, offset, fmt, ap);
    va_end(ap);
}

uint32_t wasmi_rd_offset(const wasmi_reader_t *r)
{
    return (uint32_t)(r->p - r->base);
}

/* Marks the reader failed; only the first failure writes the error, so the
 * innermost, most precise reason survives the unwinding callers. */
bool wasmi_rd_fail(wasmi_reader_t *r, const char *fmt, ...)
{
    va_list ap;

    if (r->failed)
        return false;
    r->failed = true;
    va_start(ap, fmt);
    set_error_v(r->err, r->section, wasmi_rd_offset(r), fmt, ap);
    va_end(ap);
    return false;
}

/* ------------------------------------------------------------ reader */

bool wasmi_rd_u8(wasmi_reader_t *r, uint8_t *out)
{
    if (r->failed)
        return false;
    if (r->p >= r->end)
        return wasmi_rd_fail(r, "unexpected end");
    *out = *r->p++;
    return true;
}

/* Unsigned LEB128 of at most `bits` bits (bits < 64). The spec allows at most
 * ceil(bits/7) bytes, and the unused high bits of the last byte must be 0. */
static bool rd_uleb(wasmi_reader_t *r, unsigned bits, uint64_t *out)
{
    unsigned maxbytes = (bits + 6) / 7, shift = 0;
    uint64_t v = 0;
    const uint8_t *start = r->p;

    if (r->failed)
        return false;
    for (unsigned i = 0;; i++, shift += 7) {
        if (r->p >= r->end)
            return wasmi_rd_fail(r, "unexpected end");
        uint8_t b = *r->p++;
        if (i == maxbytes - 1) {
            unsigned left = bits - shift;  /* value bits held by this byte */
            if (b & 0x80) {
                r->p = start;
                return wasmi_rd_fail(r, "integer representation too long");
            }
            if (left < 7 && (b & (0x7Fu & ~((1u << left) - 1)))) {
                r->p = start;
                return wasmi_rd_fail(r, "integer too large");
            }
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            break;
    }
    *out = v;
    return true;
}

/* Signed LEB128 of at most `bits` bits (bits <= 64). In the last allowed byte
 * the bits above the value must all equal its sign bit. */
static bool rd_sleb(wasmi_reader_t *r, unsigned bits, int64_t *out)
{
    unsigned maxbytes = (bits + 6) / 7, shift = 0;
    uint64_t v = 0;
    uint8_t b;
    const uint8_t *start = r->p;

    if (r->failed)
        return false;
    for (unsigned i = 0;; i++, shift += 7) {
        if (r->p >= r->end)
            return wasmi_rd_fail(r, "unexpected end");
        b = *r->p++;
        if (i == maxbytes - 1) {
            unsigned left = bits - shift;  /* 1..7 value bits, top one is the sign */
            uint8_t mask = (uint8_t)((0x7Fu << (left - 1)) & 0x7F);
            if (b & 0x80) {
                r->p = start;
                return wasmi_rd_fail(r, "integer representation too long");
            }
            if ((b & mask) != 0 && (b & mask) != mask) {
                r->p = start;
                return wasmi_rd_fail(r, "integer too large");
            }
        }
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80))
            break;
    }
    shift += 7;
    if (shift < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    *out = (int64_t)v;
    return true;
}

bool wasmi_rd_u32(wasmi_reader_t *r, uint32_t *out)
{
    uint64_t v;

    if (!rd_uleb(r, 32, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

bool wasmi_rd_s32(wasmi_reader_t *r, int32_t *out)
{
    int64_t v;

    if (!rd_sleb(r, 32, &v))
        return false;
    *out = (int32_t)v;
    return true;
}

bool wasmi_rd_s33(wasmi_reader_t *r, int64_t *out)
{
    return rd_sleb(r, 33, out);
}

bool wasmi_rd_s64(wasmi_reader_t *r, int64_t *out)
{
    return rd_sleb(r, 64, out);
}

bool wasmi_rd_fixed32(wasmi_reader_t *r, uint32_t *out)
{
    if (r->failed)
        return false;
    if (r->end - r->p < 4)
        return wasmi_rd_fail(r, "unexpected end");
    *out = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
           (uint32_t)r->p[3] << 24;
    r->p += 4;
    return true;
}

bool wasmi_rd_fixed64(wasmi_reader_t *r, uint64_t *out)
{
    uint32_t lo, hi;

    if (!wasmi_rd_fixed32(r, &lo) || !wasmi_rd_fixed32(r, &hi))
        return false;
    *out = (uint64_t)hi << 32 | lo;
    return true;
}

bool wasmi_rd_bytes(wasmi_reader_t *r, uint32_t n, const uint8_t **out)
{
    if (r->failed)
        return false;
    if ((size_t)(r->end - r->p) < n)
        return wasmi_rd_fail(r, "unexpected end: length out of bounds");
    *out = r->p;
    r->p += n;
    return true;
}

bool wasmi_rd_name(wasmi_reader_t *r, const char **name, uint32_t *len)
{
    uint32_t n;
    const uint8_t *s;

    if (!wasmi_rd_u32(r, &n))
        return false;
    if ((size_t)(r->end - r->p) < n)
        return wasmi_rd_fail(r, "length out of bounds");
    if (!wasmi_rd_bytes(r, n, &s))
        return false;
    if (!wasmi_utf8_valid(s, n)) {
        r->p = s;
        return wasmi_rd_fail(r, "malformed UTF-8 encoding");
    }
    *name = (const char *)s;
    *len = n;
    return true;
}

/* ------------------------------------------------------------ UTF-8 */

/* Well-formed UTF-8 per Unicode: shortest forms only, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF. */
bool wasmi_utf8_valid(const uint8_t *s, uint32_t len)
{
    uint32_t i = 0;

    while (i < len) {
        uint8_t c = s[i];
        uint32_t n;
        uint8_t lo = 0x80, hi = 0xBF;  /* range of the second byte */

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3;
        else
            return false;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (len - i <= n)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (uint32_t k = 2; k <= n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += n + 1;
    }
    return true;
}

/* ------------------------------------------------------------ formatting */

typedef struct fmtbuf {
    char *buf;
    size_t cap, len;  /* len counts every byte, even those that did not fit */
} fmtbuf_t;

static void put_c(fmtbuf_t *f, char c)
{
    if (f->cap && f->len < f->cap - 1)
        f->buf[f->len] = c;
    f->len++;
}

static void put_s(fmtbuf_t *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_c(f, s[i]);
}

/* Writes v in base 10 or 16, padded to width with '0' or ' '. */
static void put_u(fmtbuf_t *f, uint64_t v, unsigned base, bool neg, unsigned width, bool zero,
                  bool left)
{
    char tmp[24];
    unsigned n = 0, total;

    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    total = n + (neg ? 1 : 0);
    if (neg && zero)
        put_c(f, '-');
    for (; !left && total < width; total++)
        put_c(f, zero ? '0' : ' ');
    if (neg && !zero)
        put_c(f, '-');
    while (n)
        put_c(f, tmp[--n]);
    for (; left && total < width; total++)
        put_c(f, ' ');
}

static size_t bounded_strlen(const char *s, int prec)
{
    size_t n = 0;

    while ((prec < 0 || n < (size_t)prec) && s[n])
        n++;
    return n;
}

/* Handles one conversion starting just after '%'; returns the rest of fmt. */
static const char *fmt_one(fmtbuf_t *f, const char *fmt, va_list *ap)
{
    bool zero = false, left = false;
    unsigned width = 0;
    int prec = -1, lng = 0;
    uint64_t u;
    int64_t s;

    for (;; fmt++) {
        if (*fmt == '0')
            zero = true;
        else if (*fmt == '-')
            left = true;
        else
            break;
    }
    while (*fmt >= '0' && *fmt <= '9')
        width = width * 10 + (unsigned)(*fmt++ - '0');
    if (fmt[0] == '.' && fmt[1] == '*') {
        prec = va_arg(*ap, int);
        fmt += 2;
    }
    if (*fmt == 'z') {
        lng = 3;
        fmt++;
    }
    while (*fmt == 'l') {
        lng++;
        fmt++;
    }
    switch (*fmt) {
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (!str)
            str = "(null)";
        size_t n = bounded_strlen(str, prec);
        for (size_t k = n; !left && k < width; k++)
            put_c(f, ' ');
        put_s(f, str, n);
        for (size_t k = n; left && k < width; k++)
            put_c(f, ' ');
        break;
    }
    case 'c':
        put_c(f, (char)va_arg(*ap, int));
        break;
    case 'd':
    case 'i':
        s = lng >= 2 ? va_arg(*ap, long long) : lng == 1 ? va_arg(*ap, long)
                                                         : va_arg(*ap, int);
        u = s < 0 ? 0 - (uint64_t)s : (uint64_t)s;
        put_u(f, u, 10, s < 0, width, zero && !left, left);
        break;
    case 'u':
    case 'x':
        u = lng == 3 ? va_arg(*ap, size_t) : lng == 2 ? va_arg(*ap, unsigned long long)
            : lng == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned);
        put_u(f, u, *fmt == 'x' ? 16 : 10, false, width, zero && !left, left);
        break;
    case 'p':
        put_s(f, "0x", 2);
        put_u(f, (uint64_t)(uintptr_t)va_arg(*ap, void *), 16, false, 0, false, false);
        break;
    case '%':
        put_c(f, '%');
        break;
    case '\0':
        return fmt;
    default:
        /* Unknown conversion: show it rather than guess at its argument. */
        put_c(f, '%');
        put_c(f, *fmt);
        break;
    }
    return fmt + 1;
}

size_t wasmi_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
    fmtbuf_t f = {buf, cap, 0};
    va_list aq;

    va_copy(aq, ap);
    while (*fmt) {
        if (*fmt != '%')
            put_c(&f, *fmt++);
        else
            fmt = fmt_one(&f, fmt + 1, &aq);
    }
    va_end(aq);
    if (cap)
        buf[f.len < cap ? f.len : cap - 1] = '\0';
    return f.len;
}

size_t wasmi_fmt(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = wasmi_vfmt(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

const char *wasm_valtype_name(uint8_t type)
{
    switch (type) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_V128: return "v128";
    case WASM_FUNCREF: return "funcref";
    case WASM_EXTERNREF: return "externref";
    default: return "unknown";
    }
}
