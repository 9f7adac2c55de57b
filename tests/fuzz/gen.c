/*
 * Valid-module generator for the fuzzer (see gen.h).
 *
 * Code is generated as trees: gen_value(T) emits instructions that leave
 * exactly one T on the stack, gen_stmt() emits instructions that leave the
 * stack as it was. Blocks keep a label stack of the types a branch to each
 * label carries, so branches always pass the right values. After an
 * unconditional branch the stack is polymorphic, and the tree code that
 * follows is still well typed, so the module stays valid.
 *
 * Module shape: a few function types (params and results of every value
 * type), up to MAX_IMPORTS imported functions "env"."iN", up to MAX_DEFS
 * defined functions exported as "fN", table 0 (funcref, holding every
 * function from index 0), table 1 (externref), optionally memory 0 with an
 * active and a passive data segment (and sometimes a memory 1 that some
 * accesses name), and globals 0..5 (mutable i32, i64, f32, f64, funcref,
 * externref; the integer ones sometimes with extended constant
 * initialisers). v128 is a value type like the others (params, results,
 * locals, blocks), made and used by every kind of SIMD instruction; tail
 * calls end some statement lists.
 */
#include "gen.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C, V128 = 0x7B, FREF = 0x70, XREF = 0x6F };

#define MAX_TYPES 8
#define MAX_PARAMS 4
#define MAX_RESULTS 3
#define MAX_IMPORTS 2
#define MAX_DEFS 8
#define MAX_FUNCS (MAX_IMPORTS + MAX_DEFS)
#define MAX_DEPTH 6
#define MAX_LABELS 64
#define NGLOBALS 6
#define NLOCAL_EXTRA 7

static const uint8_t global_types[NGLOBALS] = {I32, I64, F32, F64, FREF, XREF};

typedef struct buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
} buf_t;

typedef struct ftype {
    uint8_t np, nr;
    uint8_t t[MAX_PARAMS + MAX_RESULTS];   /* params, then results */
} ftype_t;

typedef struct label {
    uint8_t n;
    uint8_t t[MAX_PARAMS > MAX_RESULTS ? MAX_PARAMS : MAX_RESULTS];
} label_t;

typedef struct gen {
    const uint8_t *in, *end;
    ftype_t types[MAX_TYPES];
    uint32_t ntypes, nimports, nfuncs;
    uint32_t func_type[MAX_FUNCS];
    bool has_mem, mem_has_max, has_mem2;
    uint32_t mem_min, mem_max, table_min;
    /* The body being generated. */
    buf_t *b;
    const struct ftype *cur;      /* the type of the function being generated */
    uint8_t locals[MAX_PARAMS + NLOCAL_EXTRA];
    uint32_t nlocals;
    label_t labels[MAX_LABELS];
    uint32_t nlabels;
    int budget;
} gen_t;

/* ------------------------------------------------------------ output */

static void put(buf_t *b, uint8_t v)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = v;
}

static void put_uleb(buf_t *b, uint64_t v)
{
    do {
        uint8_t byte = v & 0x7F;
        v >>= 7;
        put(b, byte | (v ? 0x80 : 0));
    } while (v);
}

static void put_sleb(buf_t *b, int64_t v)
{
    for (;;) {
        uint8_t byte = v & 0x7F;
        v >>= 7;    /* arithmetic shift: clang defines it for signed values */
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        put(b, byte | (done ? 0 : 0x80));
        if (done)
            return;
    }
}

static void put_buf(buf_t *b, const buf_t *src)
{
    for (size_t i = 0; i < src->len; i++)
        put(b, src->p[i]);
    b->oom |= src->oom;
}

/* Appends section id with the contents of s, and empties s. */
static void put_section(buf_t *out, uint8_t id, buf_t *s)
{
    put(out, id);
    put_uleb(out, s->len);
    put_buf(out, s);
    s->len = 0;
}

/* ------------------------------------------------------------ choices */

/* A choice in [0, n): one input byte (two when n > 256), 0 once the
 * input is used up. */
static uint32_t pick(gen_t *g, uint32_t n)
{
    if (n <= 1 || g->in >= g->end)
        return 0;
    uint32_t v = *g->in++;
    if (n > 256 && g->in < g->end)
        v = v << 8 | *g->in++;
    return v % n;
}

static uint64_t pick_bits(gen_t *g, int nbytes)
{
    uint64_t v = 0;
    for (int i = 0; i < nbytes; i++)
        v = v << 8 | pick(g, 256);
    return v;
}

static uint8_t pick_valtype(gen_t *g)
{
    static const uint8_t t[9] = {I32, I32, I64, F32, F64, I64, FREF, XREF, V128};
    return t[pick(g, 9)];
}

static bool is_num(uint8_t t)
{
    return t == I32 || t == I64 || t == F32 || t == F64;
}

/* ------------------------------------------------------------ leaves */

static const uint64_t int_edges[] = {
    0, 1, 2, 7, 8, 31, 32, 63, 64, 0x7F, 0x80, 0xFF, 0xFFFF, 0x10000, 65535 - 3,
    0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ull, 0x7FFFFFFFFFFFFFFFull,
    0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull,
};
static const uint32_t f32_edges[] = {
    0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000,
    0xFFC00000, 0x7FA00000, 0x00000001, 0x7F7FFFFF, 0x4F000000, 0xCF000000, 0x5F000000,
    0x4F800000, 0x3F000000,
};
static const uint64_t f64_edges[] = {
    0, 0x8000000000000000ull, 0x3FF0000000000000ull, 0xBFF0000000000000ull,
    0x7FF0000000000000ull, 0xFFF0000000000000ull, 0x7FF8000000000000ull,
    0x7FF4000000000000ull, 1, 0x7FEFFFFFFFFFFFFFull, 0x41E0000000000000ull,
    0xC1E0000000000000ull, 0x43E0000000000000ull, 0x41F0000000000000ull,
    0x3FE0000000000000ull, 0xC3E0000000000000ull,
};
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t pick_int(gen_t *g, int nbytes)
{
    switch (pick(g, 4)) {
    case 0: return pick(g, 16);
    case 1: return int_edges[pick(g, NELEMS(int_edges))];
    case 2: return pick_bits(g, nbytes);
    default: return (uint64_t)-(int64_t)pick(g, 16);
    }
}

static void gen_const(gen_t *g, uint8_t t)
{
    buf_t *b = g->b;
    uint64_t v;
    switch (t) {
    case I32:
        put(b, 0x41);
        put_sleb(b, (int32_t)(uint32_t)pick_int(g, 4));
        break;
    case I64:
        put(b, 0x42);
        put_sleb(b, (int64_t)pick_int(g, 8));
        break;
    case F32:
        v = pick(g, 2) ? f32_edges[pick(g, NELEMS(f32_edges))] : pick_bits(g, 4);
        put(b, 0x43);
        for (int i = 0; i < 4; i++)
            put(b, (uint8_t)(v >> (8 * i)));
        break;
    case F64:
        v = pick(g, 2) ? f64_edges[pick(g, NELEMS(f64_edges))] : pick_bits(g, 8);
        put(b, 0x44);
        for (int i = 0; i < 8; i++)
            put(b, (uint8_t)(v >> (8 * i)));
        break;
    case V128:
        put(b, 0xFD);
        put(b, 0x0C);
        for (int i = 0; i < 4; i++) {
            uint32_t w = pick(g, 3) ? f32_edges[pick(g, NELEMS(f32_edges))]
                                    : (uint32_t)pick_int(g, 4);
            for (int k = 0; k < 4; k++)
                put(b, (uint8_t)(w >> (8 * k)));
        }
        break;
    default:  /* a reference type */
        put(b, 0xD0);
        put(b, t);
        break;
    }
}

/* local.get of a local of type t, or a constant when there is none. */
static void gen_leaf(gen_t *g, uint8_t t)
{
    uint32_t start = pick(g, g->nlocals);
    for (uint32_t k = 0; k < g->nlocals && pick(g, 2); k++) {
        uint32_t i = (start + k) % g->nlocals;
        if (g->locals[i] == t) {
            put(g->b, 0x20);
            put_uleb(g->b, i);
            return;
        }
    }
    gen_const(g, t);
}

/* ------------------------------------------------------------ opcodes */

typedef struct conv { uint16_t op; uint8_t from, to; } conv_t;  /* op >= 0x100: 0xFC op-0x100 */

static const conv_t convs[] = {
    {0xA7, I64, I32}, {0xA8, F32, I32}, {0xA9, F32, I32}, {0xAA, F64, I32}, {0xAB, F64, I32},
    {0xAC, I32, I64}, {0xAD, I32, I64}, {0xAE, F32, I64}, {0xAF, F32, I64}, {0xB0, F64, I64},
    {0xB1, F64, I64}, {0xB2, I32, F32}, {0xB3, I32, F32}, {0xB4, I64, F32}, {0xB5, I64, F32},
    {0xB6, F64, F32}, {0xB7, I32, F64}, {0xB8, I32, F64}, {0xB9, I64, F64}, {0xBA, I64, F64},
    {0xBB, F32, F64}, {0xBC, F32, I32}, {0xBD, F64, I64}, {0xBE, I32, F32}, {0xBF, I64, F64},
    {0x100, F32, I32}, {0x101, F32, I32}, {0x102, F64, I32}, {0x103, F64, I32},
    {0x104, F32, I64}, {0x105, F32, I64}, {0x106, F64, I64}, {0x107, F64, I64},
};

typedef struct memop { uint8_t op, t, align; } memop_t;   /* align: log2 of natural */

static const memop_t loads[] = {
    {0x28, I32, 2}, {0x2C, I32, 0}, {0x2D, I32, 0}, {0x2E, I32, 1}, {0x2F, I32, 1},
    {0x29, I64, 3}, {0x30, I64, 0}, {0x31, I64, 0}, {0x32, I64, 1}, {0x33, I64, 1},
    {0x34, I64, 2}, {0x35, I64, 2}, {0x2A, F32, 2}, {0x2B, F64, 3},
};
static const memop_t stores[] = {
    {0x36, I32, 2}, {0x3A, I32, 0}, {0x3B, I32, 1}, {0x37, I64, 3}, {0x3C, I64, 0},
    {0x3D, I64, 1}, {0x3E, I64, 2}, {0x38, F32, 2}, {0x39, F64, 3},
};

/* Index of t among I32, I64, F32, F64. */
static int numidx(uint8_t t)
{
    return t == I32 ? 0 : t == I64 ? 1 : t == F32 ? 2 : 3;
}

/* Same-type unary and binary operators, and comparisons, per numeric type. */
static const uint8_t unops[4][7] = {
    {0x67, 0x68, 0x69, 0xC0, 0xC1, 0x45, 0x67},
    {0x79, 0x7A, 0x7B, 0xC2, 0xC3, 0xC4, 0x79},
    {0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91},
    {0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F},
};
static const uint8_t binop_first[4] = {0x6A, 0x7C, 0x92, 0xA0};
static const uint8_t binop_count[4] = {15, 15, 7, 7};
static const uint8_t cmp_first[4] = {0x46, 0x51, 0x5B, 0x61};
static const uint8_t cmp_count[4] = {10, 10, 6, 6};

static void gen_value(gen_t *g, uint8_t t, int depth);
static void gen_stmts(gen_t *g, int depth, uint32_t max);
static void put_simd(gen_t *g, uint32_t sub);
typedef struct oprange { uint16_t lo, hi; } oprange_t;
static uint32_t pick_op(gen_t *g, const oprange_t *r, uint32_t n);
static const oprange_t simd_test[5];

static void gen_values(gen_t *g, const uint8_t *t, uint32_t n, int depth)
{
    for (uint32_t i = 0; i < n; i++)
        gen_value(g, t[i], depth);
}

/* An address: mostly a small constant, so that most accesses land. */
static void gen_addr(gen_t *g, int depth)
{
    if (pick(g, 4) == 0) {
        gen_value(g, I32, depth);
        return;
    }
    put(g->b, 0x41);
    put_sleb(g->b, (int32_t)(pick(g, 2) ? pick(g, 256) : g->mem_min * 65536u - pick(g, 16)));
}

static void put_memarg(gen_t *g, uint8_t natural)
{
    if (g->has_mem2 && pick(g, 4) == 0) {
        put_uleb(g->b, pick(g, natural + 1u) | 0x40);   /* memory index follows */
        put_uleb(g->b, 1);
    } else {
        put_uleb(g->b, pick(g, natural + 1u));
    }
    put_uleb(g->b, pick(g, 8) ? pick(g, 64) : pick_int(g, 4) & 0xFFFFFFFFu);
}

/* A memory index after memory.size and the like. */
static void put_memidx(gen_t *g)
{
    put_uleb(g->b, g->has_mem2 && pick(g, 4) == 0 ? 1 : 0);
}

/* ------------------------------------------------------------ control */

static void push_label(gen_t *g, const uint8_t *t, uint32_t n)
{
    label_t *l = &g->labels[g->nlabels++];
    l->n = (uint8_t)n;
    if (n)
        memcpy(l->t, t, n);
}

/* A block, loop or if (op 0x02/0x03/0x04) taking params and leaving
 * results. bt is the block type: 0x40, a value type, or a type index. */
static void gen_block(gen_t *g, uint8_t op, int64_t bt, const uint8_t *params, uint32_t np,
                      const uint8_t *results, uint32_t nr, int depth)
{
    gen_values(g, params, np, depth + 1);
    if (op == 0x04)
        gen_value(g, I32, depth + 1);
    put(g->b, op);
    put_sleb(g->b, bt);
    if (op == 0x03)
        push_label(g, params, np);
    else
        push_label(g, results, nr);
    bool with_else = op == 0x04 && (np || nr || pick(g, 2));
    for (int arm = 0; arm < (with_else ? 2 : 1); arm++) {
        if (arm)
            put(g->b, 0x05);
        gen_stmts(g, depth + 1, 3);
        for (uint32_t i = 0; i < np; i++)
            put(g->b, 0x1A);   /* drop the params: the tree code makes its own values */
        gen_values(g, results, nr, depth + 1);
    }
    g->nlabels--;
    put(g->b, 0x0B);
}

/* A block of any shape whose results are dropped. */
static void gen_any_block(gen_t *g, int depth)
{
    static const uint8_t ops[3] = {0x02, 0x03, 0x04};
    uint8_t op = ops[pick(g, 3)];
    uint32_t which = pick(g, 3);
    if (which == 0 || g->nlabels + 1 >= MAX_LABELS) {
        gen_block(g, op, 0x40 - 0x80, NULL, 0, NULL, 0, depth);   /* empty */
    } else if (which == 1) {
        uint8_t t = pick_valtype(g);
        gen_block(g, op, (int64_t)t - 0x80, NULL, 0, &t, 1, depth);   /* one-byte s33 */
        put(g->b, 0x1A);
    } else {
        uint32_t ti = pick(g, g->ntypes);
        const ftype_t *ft = &g->types[ti];
        gen_block(g, op, ti, ft->t, ft->np, ft->t + ft->np, ft->nr, depth);
        for (uint32_t i = 0; i < ft->nr; i++)
            put(g->b, 0x1A);
    }
}

/* The relative depth of a randomly chosen enclosing label. */
static uint32_t pick_label(gen_t *g)
{
    return pick(g, g->nlabels);
}

/* br_table to labels whose types match the default label's. */
static void gen_br_table(gen_t *g, int depth)
{
    uint32_t def = pick_label(g);
    const label_t *dl = &g->labels[g->nlabels - 1 - def];
    uint32_t targets[4], n = 0;
    for (uint32_t k = 0; k < 4; k++) {
        uint32_t d = pick_label(g);
        const label_t *l = &g->labels[g->nlabels - 1 - d];
        if (l->n == dl->n && memcmp(l->t, dl->t, l->n) == 0)
            targets[n++] = d;
    }
    gen_values(g, dl->t, dl->n, depth + 1);
    gen_value(g, I32, depth + 1);
    put(g->b, 0x0E);
    put_uleb(g->b, n);
    for (uint32_t k = 0; k < n; k++)
        put_uleb(g->b, targets[k]);
    put_uleb(g->b, def);
}

/* call (or call_indirect through table 0) of a random function or type;
 * returns its type. */
static const ftype_t *gen_call(gen_t *g, int depth)
{
    if (pick(g, 3)) {
        uint32_t f = pick(g, g->nfuncs);
        const ftype_t *ft = &g->types[g->func_type[f]];
        gen_values(g, ft->t, ft->np, depth + 1);
        put(g->b, 0x10);
        put_uleb(g->b, f);
        return ft;
    }
    uint32_t ti = pick(g, g->ntypes);
    const ftype_t *ft = &g->types[ti];
    gen_values(g, ft->t, ft->np, depth + 1);
    put(g->b, 0x41);
    put_sleb(g->b, (int32_t)pick(g, g->table_min + 2));   /* past the end now and then */
    put(g->b, 0x11);
    put_uleb(g->b, ti);
    put(g->b, 0x00);
    return ft;
}

/* ------------------------------------------------------------ values */

/* Finds a label carrying exactly [t]; returns its relative depth or -1. */
static int64_t label_of(gen_t *g, uint8_t t)
{
    uint32_t start = pick(g, g->nlabels);
    for (uint32_t k = 0; k < g->nlabels; k++) {
        uint32_t d = (start + k) % g->nlabels;
        const label_t *l = &g->labels[g->nlabels - 1 - d];
        if (l->n == 1 && l->t[0] == t)
            return d;
    }
    return -1;
}

/* A local of type t, or -1. */
static int64_t local_of(gen_t *g, uint8_t t)
{
    uint32_t start = pick(g, g->nlocals);
    for (uint32_t k = 0; k < g->nlocals; k++) {
        uint32_t i = (start + k) % g->nlocals;
        if (g->locals[i] == t)
            return i;
    }
    return -1;
}

static void put_fc(gen_t *g, uint32_t sub)
{
    put(g->b, 0xFC);
    put_uleb(g->b, sub);
}

static void gen_small_i32(gen_t *g, int depth)
{
    if (pick(g, 4) == 0) {
        gen_value(g, I32, depth);
        return;
    }
    put(g->b, 0x41);
    put_sleb(g->b, (int32_t)pick(g, 64));
}

static void gen_ref(gen_t *g, uint8_t t, int depth)
{
    buf_t *b = g->b;
    switch (pick(g, 7)) {
    case 0: gen_const(g, t); return;
    case 1: gen_leaf(g, t); return;
    case 2: put(b, 0x23); put(b, t == FREF ? 4 : 5); return;
    case 3:
        if (t == FREF) {
            put(b, 0xD2);
            put_uleb(b, pick(g, g->nfuncs));
            return;
        }
        break;
    case 4:
        gen_small_i32(g, depth + 1);
        put(b, 0x25);
        put(b, t == FREF ? 0 : 1);
        return;
    case 5:
        gen_value(g, t, depth + 1);
        gen_value(g, t, depth + 1);
        gen_value(g, I32, depth + 1);
        put(b, 0x1C); put(b, 1); put(b, t);
        return;
    case 6:
        gen_block(g, 0x02, (int64_t)t - 0x80, NULL, 0, &t, 1, depth);
        return;
    }
    gen_const(g, t);
}

/* Comparisons and tests: anything to i32. */
static void gen_test(gen_t *g, int depth)
{
    uint8_t s = pick_valtype(g);
    if (s == V128) {
        gen_value(g, V128, depth + 1);
        put_simd(g, pick_op(g, simd_test, NELEMS(simd_test)));
        return;
    }
    if (!is_num(s)) {
        gen_value(g, s, depth + 1);
        put(g->b, 0xD1);   /* ref.is_null */
        return;
    }
    int ks = numidx(s);
    if (ks < 2 && pick(g, 4) == 0) {
        gen_value(g, s, depth + 1);
        put(g->b, s == I32 ? 0x45 : 0x50);
        return;
    }
    gen_value(g, s, depth + 1);
    gen_value(g, s, depth + 1);
    put(g->b, (uint8_t)(cmp_first[ks] + pick(g, cmp_count[ks])));
}

static void gen_convert(gen_t *g, uint8_t t, int depth)
{
    const conv_t *c[NELEMS(convs)];
    uint32_t n = 0;
    for (uint32_t i = 0; i < NELEMS(convs); i++)
        if (convs[i].to == t)
            c[n++] = &convs[i];
    const conv_t *cv = c[pick(g, n)];
    gen_value(g, cv->from, depth + 1);
    if (cv->op >= 0x100)
        put_fc(g, cv->op - 0x100u);
    else
        put(g->b, (uint8_t)cv->op);
}

static void gen_load(gen_t *g, uint8_t t, int depth)
{
    const memop_t *c[NELEMS(loads)];
    uint32_t n = 0;
    for (uint32_t i = 0; i < NELEMS(loads); i++)
        if (loads[i].t == t)
            c[n++] = &loads[i];
    const memop_t *op = c[pick(g, n)];
    gen_addr(g, depth + 1);
    put(g->b, op->op);
    put_memarg(g, op->align);
}

/* A call of a function returning exactly [t]; false if there is none. */
static bool gen_call_to(gen_t *g, uint8_t t, int depth)
{
    uint32_t start = pick(g, g->nfuncs);
    for (uint32_t k = 0; k < g->nfuncs; k++) {
        uint32_t f = (start + k) % g->nfuncs;
        const ftype_t *ft = &g->types[g->func_type[f]];
        if (ft->nr == 1 && ft->t[ft->np] == t) {
            gen_values(g, ft->t, ft->np, depth + 1);
            put(g->b, 0x10);
            put_uleb(g->b, f);
            return true;
        }
    }
    return false;
}

/* i32 values only the memory and tables give. */
static void gen_sizes(gen_t *g, int depth)
{
    switch (pick(g, 4)) {
    case 0:
        if (g->has_mem) { put(g->b, 0x3F); put_memidx(g); return; }
        break;
    case 1:
        if (g->has_mem) {
            gen_small_i32(g, depth + 1);
            put(g->b, 0x40); put_memidx(g);
            return;
        }
        break;
    case 2: {
        uint32_t tab = pick(g, 2);
        gen_ref(g, tab ? XREF : FREF, depth + 1);
        gen_small_i32(g, depth + 1);
        put_fc(g, 15);
        put(g->b, (uint8_t)tab);
        return;
    }
    }
    put_fc(g, 16);
    put(g->b, (uint8_t)pick(g, 2));
}

/* ------------------------------------------------------------ SIMD */

/* SIMD opcodes by signature (from the opcode table of the SIMD spec), as
 * inclusive ranges. */
static const oprange_t simd_unary[] = {   /* v128 -> v128 */
    {0x4D, 0x4D}, {0x5E, 0x62}, {0x67, 0x6A}, {0x74, 0x75}, {0x7A, 0x7A}, {0x7C, 0x81},
    {0x87, 0x8A}, {0x94, 0x94}, {0xA0, 0xA1}, {0xA7, 0xAA}, {0xC0, 0xC1}, {0xC7, 0xCA},
    {0xE0, 0xE1}, {0xE3, 0xE3}, {0xEC, 0xED}, {0xEF, 0xEF}, {0xF8, 0xFF},
};
static const oprange_t simd_binary[] = {  /* v128 v128 -> v128 */
    {0x0E, 0x0E}, {0x23, 0x4C}, {0x4E, 0x51}, {0x65, 0x66}, {0x6E, 0x73}, {0x76, 0x79},
    {0x7B, 0x7B}, {0x82, 0x82}, {0x85, 0x86}, {0x8E, 0x93}, {0x95, 0x99}, {0x9B, 0x9F},
    {0xAE, 0xAE}, {0xB1, 0xB1}, {0xB5, 0xBA}, {0xBC, 0xBF}, {0xCE, 0xCE}, {0xD1, 0xD1},
    {0xD5, 0xDF}, {0xE4, 0xEB}, {0xF0, 0xF7},
};
static const oprange_t simd_shift[] = {   /* v128 i32 -> v128 */
    {0x6B, 0x6D}, {0x8B, 0x8D}, {0xAB, 0xAD}, {0xCB, 0xCD},
};
static const oprange_t simd_test[5] = {   /* v128 -> i32 */
    {0x53, 0x53}, {0x63, 0x64}, {0x83, 0x84}, {0xA3, 0xA4}, {0xC3, 0xC4},
};

static uint32_t pick_op(gen_t *g, const oprange_t *r, uint32_t n)
{
    uint32_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += r[i].hi - r[i].lo + 1u;
    uint32_t k = pick(g, total);
    for (uint32_t i = 0; i < n; i++) {
        if (k <= (uint32_t)(r[i].hi - r[i].lo))
            return r[i].lo + k;
        k -= r[i].hi - r[i].lo + 1u;
    }
    return r[0].lo;
}

static void put_simd(gen_t *g, uint32_t sub)
{
    put(g->b, 0xFD);
    put_uleb(g->b, sub);
}

/* Lane shapes: splat opcode, scalar type, lanes, extract opcode (the
 * signed one for i8/i16), replace opcode. */
static const struct { uint8_t splat, t, lanes, extract, replace; } shapes[6] = {
    {0x0F, I32, 16, 0x15, 0x17}, {0x10, I32, 8, 0x18, 0x1A}, {0x11, I32, 4, 0x1B, 0x1C},
    {0x12, I64, 2, 0x1D, 0x1E}, {0x13, F32, 4, 0x1F, 0x20}, {0x14, F64, 2, 0x21, 0x22},
};

/* v128 loads: opcode and log2 of the natural alignment. */
static const uint8_t simd_loads[][2] = {
    {0x00, 4}, {0x01, 3}, {0x02, 3}, {0x03, 3}, {0x04, 3}, {0x05, 3}, {0x06, 3},
    {0x07, 0}, {0x08, 1}, {0x09, 2}, {0x0A, 3}, {0x5C, 2}, {0x5D, 3},
};

static void gen_v128(gen_t *g, int depth)
{
    buf_t *b = g->b;
    uint32_t k;
    switch (pick(g, 14)) {
    case 0: gen_const(g, V128); return;
    case 1: gen_leaf(g, V128); return;
    case 2:
        k = pick(g, 6);
        gen_value(g, shapes[k].t, depth + 1);
        put_simd(g, shapes[k].splat);
        return;
    case 3:
        gen_value(g, V128, depth + 1);
        put_simd(g, pick_op(g, simd_unary, NELEMS(simd_unary)));
        return;
    case 4: case 5:
        gen_value(g, V128, depth + 1);
        gen_value(g, V128, depth + 1);
        put_simd(g, pick_op(g, simd_binary, NELEMS(simd_binary)));
        return;
    case 6:
        gen_value(g, V128, depth + 1);
        gen_small_i32(g, depth + 1);
        put_simd(g, pick_op(g, simd_shift, NELEMS(simd_shift)));
        return;
    case 7:
        gen_value(g, V128, depth + 1);
        gen_value(g, V128, depth + 1);
        gen_value(g, V128, depth + 1);
        put_simd(g, 0x52);   /* bitselect */
        return;
    case 8:
        k = pick(g, 6);
        gen_value(g, V128, depth + 1);
        gen_value(g, shapes[k].t, depth + 1);
        put_simd(g, shapes[k].replace);
        put(b, (uint8_t)pick(g, shapes[k].lanes));
        return;
    case 9:
        gen_value(g, V128, depth + 1);
        gen_value(g, V128, depth + 1);
        put_simd(g, 0x0D);
        for (int i = 0; i < 16; i++)
            put(b, (uint8_t)pick(g, 32));
        return;
    case 10:
        if (g->has_mem) {
            k = pick(g, NELEMS(simd_loads));
            gen_addr(g, depth + 1);
            put_simd(g, simd_loads[k][0]);
            put_memarg(g, simd_loads[k][1]);
            return;
        }
        break;
    case 11:
        if (g->has_mem) {
            k = pick(g, 4);   /* load8/16/32/64_lane */
            gen_addr(g, depth + 1);
            gen_value(g, V128, depth + 1);
            put_simd(g, 0x54 + k);
            put_memarg(g, (uint8_t)k);
            put(b, (uint8_t)pick(g, 16u >> k));
            return;
        }
        break;
    case 12:
        gen_value(g, V128, depth + 1);
        gen_value(g, V128, depth + 1);
        gen_value(g, I32, depth + 1);
        if (pick(g, 2)) {
            put(b, 0x1B);
        } else {
            put(b, 0x1C); put(b, 1); put(b, V128);
        }
        return;
    case 13: {
        uint8_t t = V128;
        gen_block(g, (uint8_t)(0x02 + pick(g, 3)), (int64_t)t - 0x80, NULL, 0, &t, 1, depth);
        return;
    }
    }
    gen_const(g, V128);
}

/* A scalar of type t taken from a v128: a lane, or (i32) a test. */
static void gen_from_v128(gen_t *g, uint8_t t, int depth)
{
    if (t == I32 && pick(g, 3) == 0) {
        gen_value(g, V128, depth + 1);
        put_simd(g, pick_op(g, simd_test, NELEMS(simd_test)));
        return;
    }
    uint32_t c[6], n = 0;
    for (uint32_t k = 0; k < 6; k++)
        if (shapes[k].t == t)
            c[n++] = k;
    uint32_t k = c[pick(g, n)];
    gen_value(g, V128, depth + 1);
    /* i8/i16 lanes have a signed and an unsigned extract */
    put_simd(g, shapes[k].extract + (k < 2 ? pick(g, 2) : 0u));
    put(g->b, (uint8_t)pick(g, shapes[k].lanes));
}

static void gen_value(gen_t *g, uint8_t t, int depth)
{
    if (depth >= MAX_DEPTH || --g->budget <= 0 || g->nlabels + 1 >= MAX_LABELS) {
        gen_leaf(g, t);
        return;
    }
    if (t == V128) {
        gen_v128(g, depth);
        return;
    }
    if (!is_num(t)) {
        gen_ref(g, t, depth);
        return;
    }
    int k = numidx(t);
    int64_t i;
    buf_t *b = g->b;
    switch (pick(g, 21)) {
    case 0: gen_const(g, t); return;
    case 1: gen_leaf(g, t); return;
    case 2: put(b, 0x23); put(b, (uint8_t)k); return;
    case 3:
        gen_value(g, t, depth + 1);
        put(b, unops[k][pick(g, 7)]);
        return;
    case 4: case 5:
        gen_value(g, t, depth + 1);
        gen_value(g, t, depth + 1);
        put(b, (uint8_t)(binop_first[k] + pick(g, binop_count[k])));
        return;
    case 6:
        if (t == I32) {
            gen_test(g, depth);
            return;
        }
        /* fall through */
    case 7: gen_convert(g, t, depth); return;
    case 8:
        if (g->has_mem) {
            gen_load(g, t, depth);
            return;
        }
        break;
    case 9:
        if (gen_call_to(g, t, depth))
            return;
        break;
    case 10: gen_block(g, 0x02, (int64_t)t - 0x80, NULL, 0, &t, 1, depth); return;
    case 11: gen_block(g, 0x04, (int64_t)t - 0x80, NULL, 0, &t, 1, depth); return;
    case 12: gen_block(g, 0x03, (int64_t)t - 0x80, NULL, 0, &t, 1, depth); return;
    case 13:
        gen_value(g, t, depth + 1);
        gen_value(g, t, depth + 1);
        gen_value(g, I32, depth + 1);
        put(b, 0x1B);
        return;
    case 14:
        if ((i = local_of(g, t)) >= 0) {
            gen_value(g, t, depth + 1);
            put(b, 0x22);
            put_uleb(b, (uint64_t)i);
            return;
        }
        break;
    case 15:
        if ((i = label_of(g, t)) >= 0) {
            gen_value(g, t, depth + 1);
            gen_value(g, I32, depth + 1);
            put(b, 0x0D);
            put_uleb(b, (uint64_t)i);
            return;
        }
        break;
    case 16:
        if (t == I32) {
            gen_sizes(g, depth);
            return;
        }
        break;
    case 17: gen_from_v128(g, t, depth); return;
    }
    gen_leaf(g, t);
}

/* ------------------------------------------------------------ statements */

static void gen_branch(gen_t *g, uint8_t op, int depth)
{
    uint32_t d = pick_label(g);
    const label_t *l = &g->labels[g->nlabels - 1 - d];
    gen_values(g, l->t, l->n, depth + 1);
    if (op == 0x0D)
        gen_value(g, I32, depth + 1);
    put(g->b, op);
    put_uleb(g->b, d);
    if (op == 0x0D)
        for (uint32_t i = 0; i < l->n; i++)
            put(g->b, 0x1A);
}

static void gen_mem_bulk(gen_t *g, int depth)
{
    switch (pick(g, 4)) {
    case 0:
        gen_addr(g, depth + 1);
        gen_value(g, I32, depth + 1);
        gen_small_i32(g, depth + 1);
        put_fc(g, 11); put_memidx(g);
        return;
    case 1:
        gen_addr(g, depth + 1);
        gen_addr(g, depth + 1);
        gen_small_i32(g, depth + 1);
        put_fc(g, 10); put_memidx(g); put_memidx(g);
        return;
    case 2:
        gen_addr(g, depth + 1);
        gen_small_i32(g, depth + 1);
        gen_small_i32(g, depth + 1);
        put_fc(g, 8); put(g->b, (uint8_t)pick(g, 2)); put_memidx(g);
        return;
    default:
        put_fc(g, 9); put(g->b, (uint8_t)pick(g, 2));
        return;
    }
}

static void gen_table_op(gen_t *g, int depth)
{
    uint8_t tab = (uint8_t)pick(g, 2);
    uint8_t rt = tab ? XREF : FREF;
    switch (pick(g, 5)) {
    case 0:
        gen_small_i32(g, depth + 1);
        gen_value(g, rt, depth + 1);
        put(g->b, 0x26); put(g->b, tab);
        return;
    case 1:
        gen_small_i32(g, depth + 1);
        gen_value(g, rt, depth + 1);
        gen_small_i32(g, depth + 1);
        put_fc(g, 17); put(g->b, tab);
        return;
    case 2:
        gen_small_i32(g, depth + 1);
        gen_small_i32(g, depth + 1);
        gen_small_i32(g, depth + 1);
        put_fc(g, 14); put(g->b, tab); put(g->b, tab);
        return;
    case 3:   /* the element segments hold funcrefs: table 0 only */
        gen_small_i32(g, depth + 1);
        gen_small_i32(g, depth + 1);
        gen_small_i32(g, depth + 1);
        put_fc(g, 12); put(g->b, (uint8_t)pick(g, 2)); put(g->b, 0);
        return;
    default:
        put_fc(g, 13); put(g->b, (uint8_t)pick(g, 2));
        return;
    }
}

static bool same_results(const ftype_t *a, const ftype_t *b)
{
    return a->nr == b->nr && memcmp(a->t + a->np, b->t + b->np, a->nr) == 0;
}

/* return_call or return_call_indirect of a function (type) with the
 * running function's results; false when there is none. */
static bool gen_tail_call(gen_t *g, int depth)
{
    if (pick(g, 2)) {
        uint32_t start = pick(g, g->nfuncs);
        for (uint32_t k = 0; k < g->nfuncs; k++) {
            uint32_t f = (start + k) % g->nfuncs;
            const ftype_t *ft = &g->types[g->func_type[f]];
            if (same_results(ft, g->cur)) {
                gen_values(g, ft->t, ft->np, depth + 1);
                put(g->b, 0x12);
                put_uleb(g->b, f);
                return true;
            }
        }
        return false;
    }
    uint32_t start = pick(g, g->ntypes);
    for (uint32_t k = 0; k < g->ntypes; k++) {
        uint32_t ti = (start + k) % g->ntypes;
        const ftype_t *ft = &g->types[ti];
        if (same_results(ft, g->cur)) {
            gen_values(g, ft->t, ft->np, depth + 1);
            put(g->b, 0x41);
            put_sleb(g->b, (int32_t)pick(g, g->table_min + 2));
            put(g->b, 0x13);
            put_uleb(g->b, ti);
            put(g->b, 0x00);
            return true;
        }
    }
    return false;
}

static void gen_stmt(gen_t *g, int depth)
{
    uint32_t i;
    buf_t *b = g->b;
    switch (pick(g, 20)) {
    case 0: case 1:
        i = pick(g, g->nlocals);
        gen_value(g, g->locals[i], depth + 1);
        put(b, 0x21);
        put_uleb(b, i);
        return;
    case 2:
        i = pick(g, NGLOBALS);
        gen_value(g, global_types[i], depth + 1);
        put(b, 0x24);
        put(b, (uint8_t)i);
        return;
    case 3: case 4:
        if (g->has_mem) {
            const memop_t *op = &stores[pick(g, NELEMS(stores))];
            gen_addr(g, depth + 1);
            gen_value(g, op->t, depth + 1);
            put(b, op->op);
            put_memarg(g, op->align);
            return;
        }
        break;
    case 5:
        gen_value(g, pick_valtype(g), depth + 1);
        put(b, 0x1A);
        return;
    case 6: {
        const ftype_t *ft = gen_call(g, depth);
        for (i = 0; i < ft->nr; i++)
            put(b, 0x1A);
        return;
    }
    case 7: case 8:
        if (depth + 1 < MAX_DEPTH && g->nlabels + 1 < MAX_LABELS) {
            gen_any_block(g, depth);
            return;
        }
        break;
    case 9: gen_branch(g, 0x0D, depth); return;
    case 10:
        if (pick(g, 4) == 0) {
            gen_branch(g, 0x0C, depth);
            return;
        }
        break;
    case 11:
        if (pick(g, 3) == 0) {
            gen_br_table(g, depth);
            return;
        }
        break;
    case 12:
        if (pick(g, 4) == 0) {
            gen_values(g, g->labels[0].t, g->labels[0].n, depth + 1);
            put(b, 0x0F);
            return;
        }
        break;
    case 13:
        if (g->has_mem) {
            gen_mem_bulk(g, depth);
            return;
        }
        break;
    case 14: gen_table_op(g, depth); return;
    case 15:
        if (pick(g, 16) == 0) {
            put(b, 0x00);
            return;
        }
        break;
    case 16:
        if (g->has_mem) {   /* v128.store, v128.storeN_lane */
            uint32_t k = pick(g, 5);
            gen_addr(g, depth + 1);
            gen_value(g, V128, depth + 1);
            if (k == 4) {
                put_simd(g, 0x0B);
                put_memarg(g, 4);
            } else {
                put_simd(g, 0x58 + k);
                put_memarg(g, (uint8_t)k);
                put(b, (uint8_t)pick(g, 16u >> k));
            }
            return;
        }
        break;
    case 17:
        if (pick(g, 3) == 0 && gen_tail_call(g, depth))
            return;
        break;
    }
    put(b, 0x01);
}

static void gen_stmts(gen_t *g, int depth, uint32_t max)
{
    uint32_t n = pick(g, max + 1);
    for (uint32_t i = 0; i < n && g->budget > 0; i++) {
        g->budget--;
        gen_stmt(g, depth);
    }
}

/* ------------------------------------------------------------ module */

static const uint8_t extra_locals[NLOCAL_EXTRA] = {I32, I64, F32, F64, FREF, XREF, V128};

/* Appends the body of a function of type ft to code. */
static void gen_body(gen_t *g, buf_t *code, const ftype_t *ft)
{
    buf_t body = {0};
    g->b = &body;
    g->cur = ft;
    put_uleb(&body, NLOCAL_EXTRA);
    for (uint32_t i = 0; i < NLOCAL_EXTRA; i++) {
        put(&body, 1);
        put(&body, extra_locals[i]);
    }
    memcpy(g->locals, ft->t, ft->np);
    memcpy(g->locals + ft->np, extra_locals, NLOCAL_EXTRA);
    g->nlocals = ft->np + NLOCAL_EXTRA;
    g->nlabels = 0;
    push_label(g, ft->t + ft->np, ft->nr);
    g->budget = 20 + (int)pick(g, 300);
    gen_stmts(g, 0, 12);
    gen_values(g, ft->t + ft->np, ft->nr, 0);
    put(&body, 0x0B);
    put_uleb(code, body.len);
    put_buf(code, &body);
    free(body.p);
}

/* A name: prefix, then i in decimal unless i < 0. */
static void put_name(buf_t *b, const char *prefix, int i)
{
    char s[16];
    size_t n = strlen(prefix);
    memcpy(s, prefix, n);
    if (i >= 10)
        s[n++] = (char)('0' + i / 10);
    if (i >= 0)
        s[n++] = (char)('0' + i % 10);
    put_uleb(b, n);
    for (size_t k = 0; k < n; k++)
        put(b, (uint8_t)s[k]);
}

static void choose_shape(gen_t *g)
{
    g->ntypes = 1 + pick(g, MAX_TYPES);
    for (uint32_t i = 0; i < g->ntypes; i++) {
        ftype_t *ft = &g->types[i];
        ft->np = (uint8_t)pick(g, MAX_PARAMS + 1);
        ft->nr = (uint8_t)(pick(g, 3) ? pick(g, 2) : pick(g, MAX_RESULTS + 1));
        for (uint32_t k = 0; k < (uint32_t)ft->np + ft->nr; k++)
            ft->t[k] = pick_valtype(g);
    }
    g->nimports = pick(g, MAX_IMPORTS + 1);
    g->nfuncs = g->nimports + 1 + pick(g, MAX_DEFS);
    for (uint32_t f = 0; f < g->nfuncs; f++)
        g->func_type[f] = pick(g, g->ntypes);
    g->has_mem = pick(g, 4) != 0;
    g->has_mem2 = g->has_mem && pick(g, 4) == 0;
    g->mem_min = pick(g, 3);
    g->mem_has_max = pick(g, 2);
    g->mem_max = g->mem_min + pick(g, 4);
    g->table_min = g->nfuncs + pick(g, 4);
}

static void put_types_imports_funcs(gen_t *g, buf_t *out, buf_t *s)
{
    put_uleb(s, g->ntypes);
    for (uint32_t i = 0; i < g->ntypes; i++) {
        const ftype_t *ft = &g->types[i];
        put(s, 0x60);
        put_uleb(s, ft->np);
        for (uint32_t k = 0; k < ft->np; k++)
            put(s, ft->t[k]);
        put_uleb(s, ft->nr);
        for (uint32_t k = 0; k < ft->nr; k++)
            put(s, ft->t[ft->np + k]);
    }
    put_section(out, 1, s);
    if (g->nimports) {
        put_uleb(s, g->nimports);
        for (uint32_t f = 0; f < g->nimports; f++) {
            put_name(s, "env", -1);
            put_name(s, "i", (int)f);
            put(s, 0x00);
            put_uleb(s, g->func_type[f]);
        }
        put_section(out, 2, s);
    }
    put_uleb(s, g->nfuncs - g->nimports);
    for (uint32_t f = g->nimports; f < g->nfuncs; f++)
        put_uleb(s, g->func_type[f]);
    put_section(out, 3, s);
}

/* Tables, memory, globals, exports, start. */
static void put_definitions(gen_t *g, buf_t *out, buf_t *s)
{
    put(s, 2);
    put(s, FREF);
    if (pick(g, 2)) {
        put(s, 0x01); put_uleb(s, g->table_min); put_uleb(s, g->table_min + pick(g, 8));
    } else {
        put(s, 0x00); put_uleb(s, g->table_min);
    }
    put(s, XREF); put(s, 0x00); put(s, 2);
    put_section(out, 4, s);
    if (g->has_mem) {
        put(s, 1 + g->has_mem2);
        put(s, g->mem_has_max);
        put_uleb(s, g->mem_min);
        if (g->mem_has_max)
            put_uleb(s, g->mem_max);
        if (g->has_mem2) {   /* memory 1: one page, up to two */
            put(s, 1); put(s, 1); put(s, 2);
        }
        put_section(out, 5, s);
    }
    put(s, NGLOBALS);
    for (uint32_t i = 0; i < NGLOBALS; i++) {
        put(s, global_types[i]);
        put(s, 0x01);
        if (global_types[i] == FREF) {
            put(s, 0xD2); put(s, 0);
        } else if (global_types[i] == XREF) {
            put(s, 0xD0); put(s, XREF);
        } else {
            g->b = s;
            gen_const(g, global_types[i]);
            if ((global_types[i] == I32 || global_types[i] == I64) && pick(g, 2)) {
                /* an extended constant expression: const op const */
                gen_const(g, global_types[i]);
                put(s, (uint8_t)((global_types[i] == I32 ? 0x6A : 0x7C) + pick(g, 3)));
            }
        }
        put(s, 0x0B);
    }
    put_section(out, 6, s);

    put_uleb(s, g->nfuncs - g->nimports + 1 + g->has_mem);
    for (uint32_t f = g->nimports; f < g->nfuncs; f++) {
        put_name(s, "f", (int)f);
        put(s, 0x00);
        put_uleb(s, f);
    }
    put_name(s, "tab", -1); put(s, 0x01); put(s, 0);
    if (g->has_mem) {
        put_name(s, "mem", -1); put(s, 0x02); put(s, 0);
    }
    put_section(out, 7, s);

    /* A start function must be [] -> []; it may trap or run out of fuel,
     * which only makes instantiation fail. */
    for (uint32_t f = g->nimports; f < g->nfuncs && pick(g, 4) == 0; f++) {
        const ftype_t *ft = &g->types[g->func_type[f]];
        if (ft->np == 0 && ft->nr == 0) {
            put_uleb(s, f);
            put_section(out, 8, s);
            break;
        }
    }
}

/* Element segments: 0 active at table 0 offset 0, 1 passive; both list
 * every function (which also declares them for ref.func). */
static void put_elems(gen_t *g, buf_t *out, buf_t *s)
{
    put(s, 2);
    put(s, 0x00);
    put(s, 0x41); put(s, 0); put(s, 0x0B);
    put_uleb(s, g->nfuncs);
    for (uint32_t f = 0; f < g->nfuncs; f++)
        put_uleb(s, f);
    put(s, 0x01);
    put(s, 0x00);
    put_uleb(s, g->nfuncs);
    for (uint32_t f = 0; f < g->nfuncs; f++)
        put_uleb(s, (f * 7 + 3) % g->nfuncs);
    put_section(out, 9, s);
}

/* Data segments: 0 active and in bounds, 1 passive. */
static void put_datas(gen_t *g, buf_t *out, buf_t *s, bool count_only)
{
    if (!g->has_mem)
        return;
    if (count_only) {
        put(s, 2);
        put_section(out, 12, s);
        return;
    }
    uint32_t off = g->mem_min ? pick(g, 256) : 0, len = g->mem_min ? pick(g, 16) : 0;
    put(s, 2);
    put(s, 0x00);
    put(s, 0x41); put_sleb(s, off); put(s, 0x0B);
    put_uleb(s, len);
    for (uint32_t i = 0; i < len; i++)
        put(s, (uint8_t)pick(g, 256));
    put(s, 0x01);
    len = pick(g, 32);
    put_uleb(s, len);
    for (uint32_t i = 0; i < len; i++)
        put(s, (uint8_t)pick(g, 256));
    put_section(out, 11, s);
}

uint8_t *fuzz_gen_module(const uint8_t *in, size_t n, size_t *len)
{
    static const uint8_t header[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    gen_t *g = calloc(1, sizeof *g);
    buf_t out = {0}, s = {0}, code = {0};
    if (!g)
        return NULL;
    g->in = in;
    g->end = in + n;
    for (size_t i = 0; i < sizeof header; i++)
        put(&out, header[i]);
    choose_shape(g);
    put_types_imports_funcs(g, &out, &s);
    put_definitions(g, &out, &s);
    put_elems(g, &out, &s);
    put_datas(g, &out, &s, true);
    put_uleb(&code, g->nfuncs - g->nimports);
    for (uint32_t f = g->nimports; f < g->nfuncs; f++)
        gen_body(g, &code, &g->types[g->func_type[f]]);
    put_section(&out, 10, &code);
    put_datas(g, &out, &s, false);
    free(s.p);
    free(code.p);
    free(g);
    if (out.oom || s.oom || code.oom) {
        free(out.p);
        return NULL;
    }
    *len = out.len;
    return out.p;
}
