/*
 * Fault models over decoded code (see wmut.h). The decoder reads the
 * module's sections, and for the code section every function body as an
 * instruction stream (MVP, sign-extension, saturating conversions, bulk
 * memory and reference types; no SIMD). A mutation re-encodes the chosen
 * instruction and fixes the body and section sizes around it.
 */
#include "wmut.h"

#ifdef CAMP_KERNEL      /* in a test kernel (kernel/test/faultcamp.c) */
#include <kern/kernel.h>
#define calloc(n, size) kmalloc((n) * (size))     /* n is at most 100,000 */
#define realloc krealloc
#define free kfree
#else
#include <stdlib.h>
#include <string.h>
#endif

typedef struct rd {
    const uint8_t *p;
    size_t pos, end;
    int bad;
} rd_t;

static uint64_t uleb(rd_t *r)
{
    uint64_t v = 0;
    for (int s = 0; s < 70; s += 7) {
        if (r->pos >= r->end)
            break;
        uint8_t b = r->p[r->pos++];
        v |= (uint64_t)(b & 0x7f) << (s < 64 ? s : 63);
        if (!(b & 0x80))
            return v;
    }
    r->bad = 1;
    return 0;
}

static int64_t sleb(rd_t *r)
{
    uint64_t v = 0;
    int s = 0;
    for (; s < 70; s += 7) {
        if (r->pos >= r->end)
            break;
        uint8_t b = r->p[r->pos++];
        v |= (uint64_t)(b & 0x7f) << (s < 64 ? s : 63);
        if (!(b & 0x80)) {
            s += 7;
            if (s < 64 && (b & 0x40))
                v |= ~0ull << s;
            return (int64_t)v;
        }
    }
    r->bad = 1;
    return 0;
}

static void skip(rd_t *r, size_t n)
{
    if (r->end - r->pos < n)
        r->bad = 1, r->pos = r->end;
    else
        r->pos += n;
}

static size_t put_uleb(uint8_t *o, uint64_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        o[n++] = b | (v ? 0x80 : 0);
    } while (v);
    return n;
}

static size_t put_sleb(uint8_t *o, int64_t v)
{
    size_t n = 0;
    for (;;) {
        uint8_t b = v & 0x7f;
        v >>= 7;
        if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
            o[n++] = b;
            return n;
        }
        o[n++] = b | 0x80;
    }
}

/* The immediates after the 0xFC prefix's sub-opcode. */
static void fc_imm(rd_t *r, uint32_t sub)
{
    switch (sub) {
    case 8: uleb(r); skip(r, 1); break;          /* memory.init */
    case 9: case 13: case 15: case 16: case 17: uleb(r); break;
    case 10: skip(r, 2); break;                   /* memory.copy */
    case 11: skip(r, 1); break;                   /* memory.fill */
    case 12: case 14: uleb(r); uleb(r); break;    /* table.init / table.copy */
    default: if (sub > 17) r->bad = 1; break;
    }
}

/* One instruction at r->pos into *in. */
static void insn(rd_t *r, wmut_insn_t *in)
{
    in->off = (uint32_t)r->pos;
    in->imm = 0, in->sub = 0, in->align = 0;
    uint8_t op = in->op = r->p[r->pos++];
    if (op == 0x02 || op == 0x03 || op == 0x04)
        sleb(r);
    else if (op == 0x0C || op == 0x0D || op == 0x10 || (op >= 0x20 && op <= 0x26) || op == 0xD2)
        uleb(r);
    else if (op == 0x0E) {
        uint64_t n = uleb(r);
        for (uint64_t i = 0; i <= n && !r->bad; i++)
            uleb(r);
    } else if (op == 0x11) {
        uleb(r), uleb(r);
    } else if (op == 0x1C) {
        skip(r, uleb(r));
    } else if (op >= 0x28 && op <= 0x3E) {
        in->align = (uint32_t)uleb(r);
        in->imm = (int64_t)uleb(r);
    } else if (op == 0x3F || op == 0x40 || op == 0xD0) {
        skip(r, 1);
    } else if (op == 0x41 || op == 0x42) {
        in->imm = sleb(r);
    } else if (op == 0x43) {
        skip(r, 4);
    } else if (op == 0x44) {
        skip(r, 8);
    } else if (op == 0xFC) {
        in->sub = (uint32_t)uleb(r);
        fc_imm(r, in->sub);
    } else if (op > 0xD2 || (op >= 0x06 && op <= 0x0A) || (op >= 0x12 && op <= 0x19) ||
               (op >= 0x1D && op <= 0x1F) || op == 0x27) {
        r->bad = 1;   /* exceptions, tail calls, SIMD ...: not in the model */
    }
    in->len = (uint32_t)(r->pos - in->off);
}

static int push(wmut_t *m, const wmut_insn_t *in, uint32_t *cap)
{
    if (m->ninsn == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        wmut_insn_t *n = realloc(m->insn, *cap * sizeof *n);
        if (!n)
            return 0;
        m->insn = n;
    }
    m->insn[m->ninsn++] = *in;
    return 1;
}

static int body(wmut_t *m, rd_t *r, wmut_func_t *f, uint32_t *cap)
{
    uint64_t ngroups = uleb(r);
    for (uint64_t i = 0; i < ngroups && !r->bad; i++)
        uleb(r), skip(r, 1);
    f->first = m->ninsn;
    while (!r->bad && r->pos < r->end) {
        wmut_insn_t in;
        insn(r, &in);
        if (!push(m, &in, cap))
            return 0;
    }
    f->count = m->ninsn - f->first;
    return !r->bad;
}

static int code(wmut_t *m, rd_t *r)
{
    uint64_t n = uleb(r);
    uint32_t cap = 0;
    if (r->bad || n > 100000 || !(m->fn = calloc(n ? n : 1, sizeof *m->fn)))
        return 0;
    for (; m->nfn < n; m->nfn++) {
        wmut_func_t *f = &m->fn[m->nfn];
        f->size_off = (uint32_t)r->pos;
        uint64_t sz = uleb(r);
        f->size_len = (uint32_t)(r->pos - f->size_off);
        f->body = (uint32_t)r->pos;
        if (r->bad || sz > r->end - r->pos)
            return 0;
        f->end = (uint32_t)(r->pos + sz);
        rd_t b = {r->p, r->pos, f->end, 0};
        if (!body(m, &b, f, &cap))
            return 0;
        r->pos = f->end;
    }
    return 1;
}

int wmut_decode(wmut_t *m, const uint8_t *bytes, size_t len)
{
    memset(m, 0, sizeof *m);
    m->bytes = bytes, m->len = len;
    rd_t r = {bytes, 8, len, len < 8};
    while (!r.bad && r.pos < r.end) {
        uint8_t id = bytes[r.pos++];
        size_t szpos = r.pos;
        uint64_t sz = uleb(&r);
        if (r.bad || sz > r.end - r.pos)
            return 0;
        if (id == 10) {
            m->code_off = (uint32_t)r.pos;
            m->code_size_len = (uint32_t)(r.pos - szpos);
            m->code_end = (uint32_t)(r.pos + sz);
            rd_t c = {bytes, r.pos, m->code_end, 0};
            if (!code(m, &c))
                return 0;
        }
        r.pos += sz;
    }
    m->nsites = m->ninsn;
    return !r.bad && m->code_off;
}

void wmut_free(wmut_t *m)
{
    free(m->fn);
    free(m->insn);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------ fault models */

/* The negation of a comparison opcode, or 0. */
static uint8_t negate(uint8_t op)
{
    static const uint8_t pair[][2] = {
        {0x46, 0x47}, {0x48, 0x4E}, {0x49, 0x4F}, {0x4A, 0x4C}, {0x4B, 0x4D},
        {0x51, 0x52}, {0x53, 0x59}, {0x54, 0x5A}, {0x55, 0x57}, {0x56, 0x58},
    };
    for (size_t i = 0; i < sizeof pair / sizeof pair[0]; i++) {
        if (pair[i][0] == op)
            return pair[i][1];
        if (pair[i][1] == op)
            return pair[i][0];
    }
    return 0;
}

/* How many values the no-op replacing op must drop to keep the stack
 * shape (0: nop), or -1 when no such no-op exists. */
static int nop_drops(uint8_t op)
{
    if (op == 0x45 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7B) ||
        (op >= 0x8B && op <= 0x91) || (op >= 0x99 && op <= 0x9F) || (op >= 0xC0 && op <= 0xC4) ||
        op == 0x22 || op == 0x28 || (op >= 0x2C && op <= 0x2F) || op == 0x01)
        return 0;   /* t -> t */
    if ((op >= 0x46 && op <= 0x4F) || (op >= 0x6A && op <= 0x78) || (op >= 0x7C && op <= 0x8A) ||
        (op >= 0x92 && op <= 0x98) || (op >= 0xA0 && op <= 0xA6) || op == 0x21 || op == 0x24 ||
        op == 0x1A)
        return 1;   /* t t -> t, or t -> nothing */
    if (op >= 0x36 && op <= 0x3E)
        return 2;   /* stores */
    return -1;
}

static int applies(const wmut_insn_t *in, wmut_kind_t k)
{
    switch (k) {
    case WMUT_BRANCH: return in->op == 0x0D || in->op == 0x04;
    case WMUT_COMPARE: return negate(in->op) != 0;
    case WMUT_CONST: return in->op == 0x41 || in->op == 0x42;
    case WMUT_OFFSET: return in->op >= 0x28 && in->op <= 0x3E;
    case WMUT_NOP: return nop_drops(in->op) >= 0;
    case WMUT_UNREACHABLE:
        return !(in->op >= 0x02 && in->op <= 0x05) && in->op != 0x0B && in->op != 0x00;
    default: return 0;
    }
}

static int64_t corrupt_const(const wmut_insn_t *in, uint64_t v)
{
    int bits = in->op == 0x41 ? 32 : 64;
    int64_t x = in->imm;
    switch (v % 5) {
    case 0: x ^= (int64_t)(1ull << ((v >> 8) % (unsigned)bits)); break;
    case 1: x += 1; break;
    case 2: x -= 1; break;
    case 3: x = 0; break;
    default: x = (int64_t)(v * 0x9E3779B97F4A7C15ull); break;
    }
    return bits == 32 ? (int64_t)(int32_t)x : x;
}

static uint64_t corrupt_offset(const wmut_insn_t *in, uint64_t v)
{
    uint32_t x = (uint32_t)in->imm;
    switch (v % 4) {
    case 0: x ^= 1u << ((v >> 8) % 16); break;   /* near: may stay in bounds */
    case 1: x ^= 1u << ((v >> 8) % 32); break;
    case 2: x += (uint32_t)(v >> 8) % 64; break;
    default: x = (uint32_t)(v >> 16); break;
    }
    return x;
}

/* The new encoding of instruction in under fault k. */
static size_t replace(const wmut_t *m, const wmut_insn_t *in, wmut_kind_t k, uint64_t v,
                      uint8_t *o)
{
    size_t n = 0;
    switch (k) {
    case WMUT_BRANCH:
        o[n++] = 0x45;
        memcpy(o + n, m->bytes + in->off, in->len);
        return n + in->len;
    case WMUT_COMPARE:
        o[0] = negate(in->op);
        return 1;
    case WMUT_CONST:
        o[n++] = in->op;
        return n + put_sleb(o + n, corrupt_const(in, v));
    case WMUT_OFFSET:
        o[n++] = in->op;
        n += put_uleb(o + n, in->align);
        return n + put_uleb(o + n, corrupt_offset(in, v));
    case WMUT_NOP: {
        int d = nop_drops(in->op);
        if (d == 0)
            o[n++] = 0x01;
        while (d-- > 0)
            o[n++] = 0x1A;
        return n;
    }
    default:
        o[0] = 0x00;
        return 1;
    }
}

size_t wmut_apply(const wmut_t *m, wmut_kind_t k, uint64_t r, uint8_t *out, size_t cap,
                  uint32_t *site)
{
    uint32_t ncand = 0;
    for (uint32_t i = 0; i < m->nsites && i < m->ninsn; i++)
        ncand += applies(&m->insn[i], k);
    if (!ncand || cap < m->len + 32)
        return 0;
    uint32_t pick = (uint32_t)(r % ncand), i = 0;
    for (;; i++)
        if (applies(&m->insn[i], k) && pick-- == 0)
            break;
    const wmut_insn_t *in = &m->insn[i];
    const wmut_func_t *f = m->fn;
    while (!(in->off >= f->body && in->off < f->end))
        f++;
    uint8_t rep[24];
    size_t rn = replace(m, in, k, r >> 20, rep);
    long delta = (long)rn - (long)in->len;
    uint8_t tmp[10];
    uint64_t fsize = (uint64_t)((long)(f->end - f->body) + delta);
    size_t fsl = put_uleb(tmp, fsize);
    uint64_t csize = (uint64_t)((long)(m->code_end - m->code_off) + delta + (long)fsl -
                                (long)f->size_len);
    size_t n = m->code_off - m->code_size_len;
    memcpy(out, m->bytes, n);
    n += put_uleb(out + n, csize);
    memcpy(out + n, m->bytes + m->code_off, f->size_off - m->code_off);
    n += f->size_off - m->code_off;
    n += put_uleb(out + n, fsize);
    memcpy(out + n, m->bytes + f->body, in->off - f->body);
    n += in->off - f->body;
    memcpy(out + n, rep, rn);
    n += rn;
    memcpy(out + n, m->bytes + in->off + in->len, m->len - in->off - in->len);
    n += m->len - in->off - in->len;
    *site = i;
    return n;
}

const char *wmut_kind_name(wmut_kind_t k)
{
    static const char *const names[WMUT_KINDS] = {
        "branch", "compare", "const", "offset", "nop", "unreachable",
    };
    return k < WMUT_KINDS ? names[k] : "?";
}
