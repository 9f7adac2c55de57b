/*
 * The binary decoder: turns a module's bytes into a wasm_module_t and
 * validates everything except function bodies (compile.c does those).
 *
 * Every section is read through a wasmi_reader_t bounded by the section's
 * declared size, so no read can escape it; every vector count is checked
 * against the bytes left before anything is allocated. Errors name the
 * section and the offset of the offending byte.
 */
#include <wasm/platform.h>

#include "module.h"

enum {
    SEC_CUSTOM = 0, SEC_TYPE, SEC_IMPORT, SEC_FUNCTION, SEC_TABLE, SEC_MEMORY, SEC_GLOBAL,
    SEC_EXPORT, SEC_START, SEC_ELEMENT, SEC_CODE, SEC_DATA, SEC_DATACOUNT, SEC_COUNT
};

/* Opcodes that can appear in a constant expression. */
enum {
    OP_END = 0x0B, OP_GLOBAL_GET = 0x23, OP_I32_CONST = 0x41, OP_I64_CONST = 0x42,
    OP_F32_CONST = 0x43, OP_F64_CONST = 0x44, OP_REF_NULL = 0xD0, OP_REF_FUNC = 0xD2,
};

static const char *const section_names[SEC_COUNT] = {
    "custom", "type",    "import", "function", "table", "memory",   "global",
    "export", "start", "element", "code",     "data",  "datacount",
};

/* Position of each section id in the required order (custom excluded). */
static const uint8_t section_rank[SEC_COUNT] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

typedef struct dec {
    wasm_module_t *m;
    wasmi_reader_t r;             /* the section being decoded */
    uint32_t ndefs;              /* entries in the function section */
    bool have_code, have_data;
    const uint8_t *names, *names_end;  /* the "name" section payload, read last */
} dec_t;

/* ------------------------------------------------------------ helpers */

/* Fails with the error located at byte offset `off` instead of the reader's
 * position (for checks made after the offending item was read). */
static bool fail_at(wasmi_reader_t *r, uint32_t off, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    const uint8_t *save = r->p;

    va_start(ap, fmt);
    wasmi_vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->p = r->base + off;
    wasmi_rd_fail(r, "%s", msg);
    r->p = save;
    return false;
}

static size_t left(const wasmi_reader_t *r)
{
    return (size_t)(r->end - r->p);
}

/* Zeroed array of n items; n has been bounded by the input size. */
static void *alloc_array(wasmi_reader_t *r, size_t n, size_t size)
{
    void *p;

    if (n > SIZE_MAX / size - 1)
        return wasmi_rd_fail(r, "out of memory"), NULL;
    p = wasm_plat_alloc(n ? n * size : 1);
    if (!p)
        wasmi_rd_fail(r, "out of memory");
    return p;
}

/* Grows *arr from old to new items (zeroing the new ones). */
static bool grow_array(wasmi_reader_t *r, void **arr, size_t old, size_t new_, size_t size)
{
    void *p;

    if (new_ > SIZE_MAX / size - 1)
        return wasmi_rd_fail(r, "out of memory");
    if (!*arr) {
        *arr = alloc_array(r, new_, size);
        return *arr != NULL;
    }
    p = wasm_plat_realloc(*arr, old * size, new_ ? new_ * size : 1);
    if (!p)
        return wasmi_rd_fail(r, "out of memory");
    *arr = p;
    return true;
}

/* Reads a vector count. Every item takes a byte at least, so a count above
 * the bytes left fails at once. */
static bool rd_count(wasmi_reader_t *r, uint32_t *n)
{
    uint32_t at = wasmi_rd_offset(r);

    if (!wasmi_rd_u32(r, n))
        return false;
    if (*n > left(r))
        return fail_at(r, at, "unexpected end: count %u does not fit in the section", *n);
    return true;
}

/* Like rd_count, for items of at least min_bytes when valid. At most *cap
 * (<= *n) of them fit: the caller allocates cap items and fails on reaching
 * item cap (vec_room). Allocations stay proportional to the input, yet the
 * items before that still get their own, more precise, errors. */
static bool rd_vec(wasmi_reader_t *r, uint32_t min_bytes, uint32_t *n, uint32_t *cap)
{
    size_t fit;

    if (!rd_count(r, n))
        return false;
    fit = left(r) / min_bytes + 1;
    *cap = *n < fit ? *n : (uint32_t)fit;
    return true;
}

static bool vec_room(wasmi_reader_t *r, uint32_t i, uint32_t cap)
{
    return i < cap || wasmi_rd_fail(r, "unexpected end: vector items do not fit in the section");
}

static bool rd_valtype(wasmi_reader_t *r, uint8_t *t)
{
    if (!wasmi_rd_u8(r, t))
        return false;
    if (wasmi_is_numtype(*t) || wasmi_is_reftype(*t) || *t == WASM_V128)
        return true;
    r->p--;
    return wasmi_rd_fail(r, "malformed value type 0x%x", *t);
}

static bool rd_reftype(wasmi_reader_t *r, uint8_t *t)
{
    if (!wasmi_rd_u8(r, t))
        return false;
    if (wasmi_is_reftype(*t))
        return true;
    r->p--;
    return wasmi_rd_fail(r, "malformed reference type 0x%x", *t);
}

static bool rd_limits(wasmi_reader_t *r, wasmi_limits_t *l)
{
    uint8_t flags;

    if (!wasmi_rd_u8(r, &flags))
        return false;
    if (flags > 1) {
        r->p--;
        /* The flags are a u32 LEB128 in spirit: 0x81 is an overlong 1. */
        if (flags & 0x80)
            return wasmi_rd_fail(r, "integer representation too long: limits flags");
        return wasmi_rd_fail(r, "integer too large: limits flags 0x%x", flags);
    }
    l->has_max = flags == 1;
    if (!wasmi_rd_u32(r, &l->min))
        return false;
    if (l->has_max && !wasmi_rd_u32(r, &l->max))
        return false;
    if (!l->has_max)
        l->max = UINT32_MAX;
    return true;
}

static bool rd_tabletype(wasmi_reader_t *r, wasmi_tabletype_t *t)
{
    uint32_t at;

    if (!rd_reftype(r, &t->elem))
        return false;
    at = wasmi_rd_offset(r);
    if (!rd_limits(r, &t->lim))
        return false;
    if (t->lim.has_max && t->lim.min > t->lim.max)
        return fail_at(r, at, "size minimum must not be greater than maximum");
    return true;
}

static bool rd_memtype(wasmi_reader_t *r, wasmi_limits_t *l)
{
    uint32_t at = wasmi_rd_offset(r);

    if (!rd_limits(r, l))
        return false;
    if (l->min > WASM_MAX_PAGES || (l->has_max && l->max > WASM_MAX_PAGES))
        return fail_at(r, at, "memory size must be at most 65536 pages (4GiB)");
    if (l->has_max && l->min > l->max)
        return fail_at(r, at, "size minimum must not be greater than maximum");
    return true;
}

static bool rd_globaltype(wasmi_reader_t *r, wasmi_globaltype_t *g)
{
    uint8_t mut;

    if (!rd_valtype(r, &g->type) || !wasmi_rd_u8(r, &mut))
        return false;
    if (mut > 1) {
        r->p--;
        return wasmi_rd_fail(r, "malformed mutability 0x%x", mut);
    }
    g->mut = mut == 1;
    return true;
}

/* Records that function x may be named by ref.func inside bodies. The
 * bitmap is made on first use: by then the function index space is final,
 * since only sections after the function section reference functions. */
static bool declare_func(dec_t *d, uint32_t x)
{
    wasm_module_t *m = d->m;

    if (!m->declared_funcs) {
        m->declared_funcs = alloc_array(&d->r, ((size_t)m->nfuncs + 7) / 8, 1);
        if (!m->declared_funcs)
            return false;
    }
    m->declared_funcs[x / 8] |= (uint8_t)(1u << (x % 8));
    return true;
}

/* ------------------------------------------------------------ constant expressions */

static bool is_const_op(uint8_t op)
{
    return op == OP_GLOBAL_GET || (op >= OP_I32_CONST && op <= OP_F64_CONST) ||
           op == OP_REF_NULL || op == OP_REF_FUNC || op == 0xFD;
}

/* global.get in a constant expression sees only imported, immutable globals. */
static bool const_global(dec_t *d, uint32_t at, wasmi_constexpr_t *ce)
{
    wasm_module_t *m = d->m;

    if (!wasmi_rd_u32(&d->r, &ce->index))
        return false;
    if (ce->index >= m->nglobal_imports)
        return fail_at(&d->r, at, "unknown global %u", ce->index);
    if (m->globals[ce->index].mut)
        return fail_at(&d->r, at, "constant expression required: global %u is mutable",
                       ce->index);
    ce->kind = WASM_CONST_GLOBAL_GET;
    ce->type = m->globals[ce->index].type;
    return true;
}

/* Reads the single instruction of a constant expression. */
static bool const_instr(dec_t *d, uint8_t op, uint32_t at, wasmi_constexpr_t *ce)
{
    wasmi_reader_t *r = &d->r;
    int32_t i32;
    int64_t i64;
    uint32_t f32;

    switch (op) {
    case OP_I32_CONST:
        ce->kind = WASM_CONST_I32, ce->type = WASM_I32;
        if (!wasmi_rd_s32(r, &i32))
            return false;
        ce->value = (uint32_t)i32;
        return true;
    case OP_I64_CONST:
        ce->kind = WASM_CONST_I64, ce->type = WASM_I64;
        if (!wasmi_rd_s64(r, &i64))
            return false;
        ce->value = (uint64_t)i64;
        return true;
    case OP_F32_CONST:
        ce->kind = WASM_CONST_F32, ce->type = WASM_F32;
        if (!wasmi_rd_fixed32(r, &f32))
            return false;
        ce->value = f32;
        return true;
    case OP_F64_CONST:
        ce->kind = WASM_CONST_F64, ce->type = WASM_F64;
        return wasmi_rd_fixed64(r, &ce->value);
    case OP_REF_NULL:
        ce->kind = WASM_CONST_REF_NULL;
        return rd_reftype(r, &ce->type);
    case OP_REF_FUNC:
        ce->kind = WASM_CONST_REF_FUNC, ce->type = WASM_FUNCREF;
        if (!wasmi_rd_u32(r, &ce->index))
            return false;
        if (ce->index >= d->m->nfuncs)
            return fail_at(r, at, "unknown function %u", ce->index);
        return declare_func(d, ce->index);
    case OP_GLOBAL_GET:
        return const_global(d, at, ce);
    case 0xFD: { /* v128.const: the only constant SIMD instruction */
        uint32_t sub;
        const uint8_t *b;
        if (!wasmi_rd_u32(r, &sub))
            return false;
        if (sub != 12)
            return fail_at(r, at, "constant expression required: opcode 0xfd %u", sub);
        if (!wasmi_rd_bytes(r, 16, &b))
            return false;
        ce->kind = WASM_CONST_V128, ce->type = WASM_V128;
        __builtin_memcpy(&ce->value, b, 8);
        __builtin_memcpy(&ce->hi, b + 8, 8);
        return true;
    }
    case OP_END:
        return fail_at(r, at, "type mismatch: empty constant expression, expected a value");
    default:
        return fail_at(r, at, "constant expression required: opcode 0x%x", op);
    }
}

/* Extended constant expressions: i32/i64 add, sub and mul. */
static bool const_arith(uint8_t op, uint8_t *type)
{
    if (op >= 0x6A && op <= 0x6C)
        return *type = WASM_I32, true;
    if (op >= 0x7C && op <= 0x7E)
        return *type = WASM_I64, true;
    return false;
}

/* Something follows the first instruction of a constant expression: a
 * sequence of constant instructions and (extended constants) i32/i64
 * add/sub/mul, validated with a small type stack. It is kept as
 * WASM_CONST_EXPR: the bytes are evaluated at instantiation. */
static bool const_seq(dec_t *d, uint8_t want, uint32_t start, uint8_t op, wasmi_constexpr_t *ce)
{
    wasmi_reader_t *r = &d->r;
    wasmi_constexpr_t scratch;
    uint8_t types[WASM_CONST_MAX_DEPTH];
    uint32_t depth = 1, max = 1, at;
    uint8_t t;

    types[0] = ce->type;
    for (;;) {
        at = wasmi_rd_offset(r) - 1;
        if (op == OP_END)
            break;
        if (const_arith(op, &t)) {
            if (depth < 2 || types[depth - 1] != t || types[depth - 2] != t)
                return fail_at(r, at, "type mismatch: %s arithmetic in a constant expression",
                               wasm_valtype_name(t));
            depth--;
        } else if (is_const_op(op)) {
            if (!const_instr(d, op, at, &scratch))
                return false;
            if (depth == WASM_CONST_MAX_DEPTH)
                return fail_at(r, at, "constant expression too deep (limit %u values)",
                               WASM_CONST_MAX_DEPTH);
            types[depth++] = scratch.type;
            if (depth > max)
                max = depth;
        } else {
            return fail_at(r, at, "constant expression required: opcode 0x%x", op);
        }
        if (!wasmi_rd_u8(r, &op))
            return false;
    }
    if (depth != 1)
        return fail_at(r, at, "type mismatch: constant expression leaves %u values", depth);
    if (types[0] != want)
        return fail_at(r, start, "type mismatch: constant expression has type %s, expected %s",
                       wasm_valtype_name(types[0]), wasm_valtype_name(want));
    ce->kind = WASM_CONST_EXPR;
    ce->type = want;
    ce->index = start;
    ce->value = 0;
    return true;
}

/* A constant expression whose value must have type `want`. The common one
 * instruction then `end` is stored decoded; longer ones by const_seq. */
static bool rd_const(dec_t *d, uint8_t want, wasmi_constexpr_t *ce)
{
    wasmi_reader_t *r = &d->r;
    uint32_t at = wasmi_rd_offset(r);
    uint8_t op;

    if (!wasmi_rd_u8(r, &op) || !const_instr(d, op, at, ce))
        return false;
    if (!wasmi_rd_u8(r, &op))
        return false;
    if (op != OP_END)
        return const_seq(d, want, at, op, ce);
    if (ce->type != want)
        return fail_at(r, at, "type mismatch: constant expression has type %s, expected %s",
                       wasm_valtype_name(ce->type), wasm_valtype_name(want));
    return true;
}

/* ------------------------------------------------------------ type section */

/* Checks n value types starting at the reader and steps over them. */
static bool skip_valtypes(wasmi_reader_t *r, uint32_t n)
{
    uint8_t t;

    for (uint32_t i = 0; i < n; i++)
        if (!rd_valtype(r, &t))
            return false;
    return true;
}

static bool rd_functype(dec_t *d, wasmi_functype_t *ft)
{
    wasmi_reader_t *r = &d->r;
    const uint8_t *params, *results;
    uint8_t form;
    uint32_t np, nr;

    if (!wasmi_rd_u8(r, &form))
        return false;
    if (form != 0x60) {
        r->p--;
        return wasmi_rd_fail(r, "malformed function type form 0x%x (expected 0x60)", form);
    }
    if (!rd_count(r, &np))
        return false;
    params = r->p;
    if (!skip_valtypes(r, np) || !rd_count(r, &nr))
        return false;
    results = r->p;
    if (!skip_valtypes(r, nr))
        return false;
    ft->types = alloc_array(r, (size_t)np + nr, 1);
    if (!ft->types)
        return false;
    __builtin_memcpy(ft->types, params, np);
    __builtin_memcpy(ft->types + np, results, nr);
    ft->nparams = np;
    ft->nresults = nr;
    ft->pcells = wasmi_types_cells(ft->types, np);
    ft->rcells = wasmi_types_cells(ft->types + np, nr);
    ft->canon = wasmi_rt_intern_type(d->m->rt, ft->types, np, nr);
    if (ft->canon == UINT32_MAX)
        return wasmi_rd_fail(r, "out of memory");
    return true;
}

static bool sec_type(dec_t *d)
{
    wasm_module_t *m = d->m;
    uint32_t n, cap;

    if (!rd_vec(&d->r, 3, &n, &cap))
        return false;
    m->types = alloc_array(&d->r, cap, sizeof *m->types);
    if (!m->types)
        return false;
    m->ntypes = cap;
    for (uint32_t i = 0; i < n; i++)
        if (!vec_room(&d->r, i, cap) || !rd_functype(d, &m->types[i]))
            return false;
    return true;
}

/* ------------------------------------------------------------ import section */

static bool rd_import(dec_t *d, wasmi_import_t *im)
{
    wasmi_reader_t *r = &d->r;
    uint32_t at;

    if (!wasmi_rd_name(r, &im->module, &im->module_len) ||
        !wasmi_rd_name(r, &im->name, &im->name_len) || !wasmi_rd_u8(r, &im->kind))
        return false;
    at = wasmi_rd_offset(r);
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
        if (!wasmi_rd_u32(r, &im->u.type_idx))
            return false;
        if (im->u.type_idx >= d->m->ntypes)
            return fail_at(r, at, "unknown type %u", im->u.type_idx);
        return true;
    case WASM_EXTERN_TABLE:
        return rd_tabletype(r, &im->u.table);
    case WASM_EXTERN_MEMORY:
        return rd_memtype(r, &im->u.mem);
    case WASM_EXTERN_GLOBAL:
        return rd_globaltype(r, &im->u.global);
    default:
        return fail_at(r, at - 1, "malformed import kind 0x%x", im->kind);
    }
}

/* Builds the imported prefix of each index space. */
static bool import_spaces(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t nf = 0, nt = 0, nm = 0, ng = 0;

    for (uint32_t i = 0; i < m->nimports; i++) {
        nf += m->imports[i].kind == WASM_EXTERN_FUNC;
        nt += m->imports[i].kind == WASM_EXTERN_TABLE;
        nm += m->imports[i].kind == WASM_EXTERN_MEMORY;
        ng += m->imports[i].kind == WASM_EXTERN_GLOBAL;
    }
    if (nm > WASM_MAX_MEMORIES)
        return wasmi_rd_fail(r, "too many memories (limit %u)", WASM_MAX_MEMORIES);
    if (!(m->func_type = alloc_array(r, nf, sizeof *m->func_type)) ||
        !(m->tables = alloc_array(r, nt, sizeof *m->tables)) ||
        !(m->mems = alloc_array(r, nm, sizeof *m->mems)) ||
        !(m->globals = alloc_array(r, ng, sizeof *m->globals)))
        return false;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasmi_import_t *im = &m->imports[i];
        if (im->kind == WASM_EXTERN_FUNC)
            m->func_type[m->nfuncs++] = im->u.type_idx;
        else if (im->kind == WASM_EXTERN_TABLE)
            m->tables[m->ntables++] = im->u.table;
        else if (im->kind == WASM_EXTERN_MEMORY)
            m->mems[m->nmems++] = im->u.mem;
        else
            m->globals[m->nglobals++] = im->u.global;
    }
    m->nfunc_imports = nf, m->ntable_imports = nt;
    m->nmem_imports = nm, m->nglobal_imports = ng;
    return true;
}

static bool sec_import(dec_t *d)
{
    wasm_module_t *m = d->m;
    uint32_t n, cap;

    if (!rd_vec(&d->r, 4, &n, &cap))
        return false;
    m->imports = alloc_array(&d->r, cap, sizeof *m->imports);
    if (!m->imports)
        return false;
    m->nimports = cap;
    for (uint32_t i = 0; i < n; i++)
        if (!vec_room(&d->r, i, cap) || !rd_import(d, &m->imports[i]))
            return false;
    return import_spaces(d);
}

/* ------------------------------------------------------------ function, table, memory */

static bool sec_function(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t n, t, at;
    void *ft = m->func_type;

    if (!rd_count(r, &n))
        return false;
    if (!grow_array(r, &ft, m->nfuncs, (size_t)m->nfuncs + n, sizeof *m->func_type))
        return false;
    m->func_type = ft;
    m->defs = alloc_array(r, n, sizeof *m->defs);
    if (!m->defs)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        at = wasmi_rd_offset(r);
        if (!wasmi_rd_u32(r, &t))
            return false;
        if (t >= m->ntypes)
            return fail_at(r, at, "unknown type %u", t);
        m->func_type[m->nfuncs + i] = t;
        m->defs[i].type_idx = t;
    }
    m->nfuncs += n;
    d->ndefs = n;
    return true;
}

static bool sec_table(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t n, cap;
    void *t = m->tables;

    if (!rd_vec(r, 3, &n, &cap))
        return false;
    if (!grow_array(r, &t, m->ntables, (size_t)m->ntables + cap, sizeof *m->tables))
        return false;
    m->tables = t;
    for (uint32_t i = 0; i < n; i++)
        if (!vec_room(r, i, cap) || !rd_tabletype(r, &m->tables[m->ntables + i]))
            return false;
    m->ntables += n;
    return true;
}

static bool sec_memory(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t n, cap, at = wasmi_rd_offset(r);
    void *mem = m->mems;

    if (!rd_vec(r, 2, &n, &cap))
        return false;
    if ((uint64_t)m->nmems + n > WASM_MAX_MEMORIES)
        return fail_at(r, at, "too many memories (limit %u)", WASM_MAX_MEMORIES);
    if (!grow_array(r, &mem, m->nmems, (size_t)m->nmems + cap, sizeof *m->mems))
        return false;
    m->mems = mem;
    for (uint32_t i = 0; i < n; i++)
        if (!vec_room(r, i, cap) || !rd_memtype(r, &m->mems[m->nmems + i]))
            return false;
    m->nmems += n;
    return true;
}

/* ------------------------------------------------------------ global section */

static bool sec_global(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t n, cap;
    void *g = m->globals;

    if (!rd_vec(r, 4, &n, &cap))
        return false;
    if (!grow_array(r, &g, m->nglobals, (size_t)m->nglobals + cap, sizeof *m->globals))
        return false;
    m->globals = g;
    m->global_inits = alloc_array(r, cap, sizeof *m->global_inits);
    if (!m->global_inits)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        wasmi_globaltype_t *gt = &m->globals[m->nglobals + i];
        if (!vec_room(r, i, cap) || !rd_globaltype(r, gt) || !rd_const(d, gt->type, &m->global_inits[i]))
            return false;
    }
    m->nglobals += n;
    return true;
}

/* ------------------------------------------------------------ export section */

static uint32_t name_hash(const char *s, uint32_t len)
{
    uint32_t h = 2166136261u;

    for (uint32_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static bool name_eq(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    if (alen != blen)
        return false;
    for (uint32_t i = 0; i < alen; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Rejects duplicate export names with an open-addressing hash set, so that
 * huge export sections stay linear. `ats` holds each export's offset. */
static bool check_export_names(dec_t *d, const uint32_t *ats)
{
    wasm_module_t *m = d->m;
    size_t cap = 16;
    uint32_t *slot;
    bool ok = true;

    while (cap < (size_t)m->nexports * 2)
        cap *= 2;
    slot = alloc_array(&d->r, cap, sizeof *slot);
    if (!slot)
        return false;
    for (uint32_t i = 0; i < m->nexports && ok; i++) {
        const wasmi_export_t *e = &m->exports[i];
        size_t h = name_hash(e->name, e->name_len) & (cap - 1);
        for (; slot[h]; h = (h + 1) & (cap - 1)) {
            const wasmi_export_t *o = &m->exports[slot[h] - 1];
            if (name_eq(o->name, o->name_len, e->name, e->name_len)) {
                ok = fail_at(&d->r, ats[i], "duplicate export name \"%.*s\"",
                             (int)(e->name_len > 64 ? 64 : e->name_len), e->name);
                break;
            }
        }
        slot[h] = i + 1;
    }
    wasm_plat_free(slot);
    return ok;
}

static bool rd_export(dec_t *d, wasmi_export_t *e)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    static const char *const what[4] = {"function", "table", "memory", "global"};
    uint32_t limit, at;

    if (!wasmi_rd_name(r, &e->name, &e->name_len) || !wasmi_rd_u8(r, &e->kind))
        return false;
    if (e->kind > WASM_EXTERN_GLOBAL)
        return fail_at(r, wasmi_rd_offset(r) - 1, "malformed export kind 0x%x", e->kind);
    at = wasmi_rd_offset(r);
    if (!wasmi_rd_u32(r, &e->index))
        return false;
    limit = e->kind == WASM_EXTERN_FUNC    ? m->nfuncs
            : e->kind == WASM_EXTERN_TABLE ? m->ntables
            : e->kind == WASM_EXTERN_MEMORY ? m->nmems
                                            : m->nglobals;
    if (e->index >= limit)
        return fail_at(r, at, "unknown %s %u", what[e->kind], e->index);
    if (e->kind == WASM_EXTERN_FUNC)
        return declare_func(d, e->index);
    return true;
}

static bool sec_export(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t n, cap, *ats;
    bool ok = true;

    if (!rd_vec(r, 3, &n, &cap))
        return false;
    m->exports = alloc_array(r, cap, sizeof *m->exports);
    if (!m->exports)
        return false;
    m->nexports = cap;
    ats = alloc_array(r, cap, sizeof *ats);
    if (!ats)
        return false;
    for (uint32_t i = 0; i < n && ok; i++) {
        ok = vec_room(r, i, cap);
        if (ok) {
            ats[i] = wasmi_rd_offset(r);
            ok = rd_export(d, &m->exports[i]);
        }
    }
    if (ok)
        ok = check_export_names(d, ats);
    wasm_plat_free(ats);
    return ok;
}

/* ------------------------------------------------------------ start section */

static bool sec_start(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t at = wasmi_rd_offset(r);
    const wasmi_functype_t *ft;

    if (!wasmi_rd_u32(r, &m->start))
        return false;
    if (m->start >= m->nfuncs)
        return fail_at(r, at, "unknown function %u", m->start);
    ft = &m->types[m->func_type[m->start]];
    if (ft->nparams || ft->nresults)
        return fail_at(r, at, "start function must have type [] -> []");
    m->has_start = true;
    return true;
}

/* ------------------------------------------------------------ element section */

/* The segment's items: function indices (flags bit 2 clear) or constant
 * expressions of the segment's type. */
static bool rd_elem_items(dec_t *d, wasmi_elem_t *e, bool exprs)
{
    wasmi_reader_t *r = &d->r;
    uint32_t at, n;

    if (!rd_vec(r, exprs ? 2 : 1, &n, &e->count))
        return false;
    e->items = alloc_array(r, e->count, sizeof *e->items);
    if (!e->items)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        wasmi_constexpr_t *ce = &e->items[i];
        if (!vec_room(r, i, e->count))
            return false;
        if (exprs) {
            if (!rd_const(d, e->type, ce))
                return false;
            continue;
        }
        at = wasmi_rd_offset(r);
        if (!wasmi_rd_u32(r, &ce->index))
            return false;
        if (ce->index >= d->m->nfuncs)
            return fail_at(r, at, "unknown function %u", ce->index);
        ce->kind = WASM_CONST_REF_FUNC, ce->type = WASM_FUNCREF;
        if (!declare_func(d, ce->index))
            return false;
    }
    return true;
}

/* Flags 0..7: bit 0 = not active, bit 1 = explicit table (active) or
 * declarative (not active), bit 2 = items are expressions. */
static bool rd_elem(dec_t *d, wasmi_elem_t *e)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t *r = &d->r;
    uint32_t flags, at = wasmi_rd_offset(r), tat;
    uint8_t kind;

    if (!wasmi_rd_u32(r, &flags))
        return false;
    if (flags > 7)
        return fail_at(r, at, "malformed elements segment kind %u", flags);
    e->mode = !(flags & 1) ? WASM_SEG_ACTIVE : (flags & 2) ? WASM_SEG_DECLARATIVE
                                                            : WASM_SEG_PASSIVE;
    e->type = WASM_FUNCREF;
    tat = wasmi_rd_offset(r);
    if (e->mode == WASM_SEG_ACTIVE) {
        if ((flags & 2) && !wasmi_rd_u32(r, &e->table))
            return false;
        if (e->table >= m->ntables)
            return fail_at(r, tat, "unknown table %u", e->table);
        if (!rd_const(d, WASM_I32, &e->offset))
            return false;
    }
    if ((flags & 3) && (flags & 4) && !rd_reftype(r, &e->type))
        return false;
    if ((flags & 3) && !(flags & 4)) {
        if (!wasmi_rd_u8(r, &kind))
            return false;
        if (kind != 0x00)
            return fail_at(r, wasmi_rd_offset(r) - 1, "malformed element kind 0x%x", kind);
    }
    if (!rd_elem_items(d, e, flags & 4))
        return false;
    if (e->mode == WASM_SEG_ACTIVE && m->tables[e->table].elem != e->type)
        return fail_at(r, at, "type mismatch: %s segment for a %s table",
                       wasm_valtype_name(e->type), wasm_valtype_name(m->tables[e->table].elem));
    return true;
}

static bool sec_element(dec_t *d)
{
    wasm_module_t *m = d->m;
    uint32_t n, cap;

    if (!rd_vec(&d->r, 3, &n, &cap))
        return false;
    m->elems = alloc_array(&d->r, cap, sizeof *m->elems);
    if (!m->elems)
        return false;
    m->nelems = cap;
    for (uint32_t i = 0; i < n; i++)
        if (!vec_room(&d->r, i, cap) || !rd_elem(d, &m->elems[i]))
            return false;
    return true;
}

/* ------------------------------------------------------------ code, data */

static bool sec_datacount(dec_t *d)
{
    if (!wasmi_rd_u32(&d->r, &d->m->datacount))
        return false;
    d->m->has_datacount = true;
    return true;
}

/* Records where each body lies; compile.c validates the bodies. */
static bool sec_code(dec_t *d)
{
    wasmi_reader_t *r = &d->r;
    uint32_t n, size, at = wasmi_rd_offset(r);
    const uint8_t *body;

    if (!rd_count(r, &n))
        return false;
    if (n != d->ndefs)
        return fail_at(r, at, "function and code section have inconsistent lengths "
                              "(%u bodies, %u functions)", n, d->ndefs);
    for (uint32_t i = 0; i < n; i++) {
        if (!wasmi_rd_u32(r, &size))
            return false;
        if (size > left(r))
            return wasmi_rd_fail(r, "unexpected end: function body of %u bytes", size);
        if (!wasmi_rd_bytes(r, size, &body))
            return false;
        d->m->defs[i].body_off = (uint32_t)(body - r->base);
        d->m->defs[i].body_len = size;
    }
    d->have_code = true;
    return true;
}

static bool rd_data(dec_t *d, wasmi_data_t *s)
{
    wasmi_reader_t *r = &d->r;
    uint32_t flags, at = wasmi_rd_offset(r), mat;

    if (!wasmi_rd_u32(r, &flags))
        return false;
    if (flags > 2)
        return fail_at(r, at, "malformed data segment kind %u", flags);
    s->mode = flags == 1 ? WASM_SEG_PASSIVE : WASM_SEG_ACTIVE;
    mat = wasmi_rd_offset(r);
    if (flags == 2 && !wasmi_rd_u32(r, &s->mem))
        return false;
    if (s->mode == WASM_SEG_ACTIVE) {
        if (s->mem >= d->m->nmems)
            return fail_at(r, mat, "unknown memory %u", s->mem);
        if (!rd_const(d, WASM_I32, &s->offset))
            return false;
    }
    if (!wasmi_rd_u32(r, &s->len))
        return false;
    if (s->len > left(r))
        return wasmi_rd_fail(r, "unexpected end: data segment of %u bytes", s->len);
    return wasmi_rd_bytes(r, s->len, &s->bytes);
}

static bool sec_data(dec_t *d)
{
    wasm_module_t *m = d->m;
    uint32_t n, cap, at = wasmi_rd_offset(&d->r);

    if (!rd_vec(&d->r, 2, &n, &cap))
        return false;
    if (m->has_datacount && m->datacount != n)
        return fail_at(&d->r, at, "data count and data section have inconsistent lengths");
    m->datas = alloc_array(&d->r, cap, sizeof *m->datas);
    if (!m->datas)
        return false;
    m->ndatas = cap;
    for (uint32_t i = 0; i < n; i++)
        if (!vec_room(&d->r, i, cap) || !rd_data(d, &m->datas[i]))
            return false;
    d->have_data = true;
    return true;
}

/* ------------------------------------------------------------ custom sections */

static bool sec_custom(dec_t *d)
{
    wasmi_reader_t *r = &d->r;
    const char *name;
    uint32_t len;

    if (!wasmi_rd_name(r, &name, &len))
        return false;
    if (name_eq(name, len, "name", 4) && !d->names) {
        d->names = r->p;
        d->names_end = r->end;
    }
    r->p = r->end;
    return true;
}

/* Reads the function-name map (name subsection 1). The name section is only
 * a hint: on any problem we keep what we have and stop, never fail. */
static void read_func_names(dec_t *d)
{
    wasm_module_t *m = d->m;
    wasmi_reader_t r = {d->r.base, d->names, d->names_end, "name", NULL, false};
    wasmi_reader_t sub;
    uint8_t id;
    uint32_t size, n, idx, len;
    const char *name;
    const uint8_t *body;

    do {
        if (r.p >= r.end || !wasmi_rd_u8(&r, &id) || !wasmi_rd_u32(&r, &size) ||
            !wasmi_rd_bytes(&r, size, &body))
            return;
    } while (id != 1);
    sub = (wasmi_reader_t){r.base, body, body + size, "name", NULL, false};
    if (!wasmi_rd_u32(&sub, &n))
        return;
    for (uint32_t i = 0; i < n; i++) {
        if (!wasmi_rd_u32(&sub, &idx) || !wasmi_rd_name(&sub, &name, &len) || idx >= m->nfuncs)
            return;
        m->func_names[idx].name = name;
        m->func_names[idx].len = len;
    }
}

/* ------------------------------------------------------------ driver */

static bool decode_section(dec_t *d, uint8_t id)
{
    switch (id) {
    case SEC_CUSTOM: return sec_custom(d);
    case SEC_TYPE: return sec_type(d);
    case SEC_IMPORT: return sec_import(d);
    case SEC_FUNCTION: return sec_function(d);
    case SEC_TABLE: return sec_table(d);
    case SEC_MEMORY: return sec_memory(d);
    case SEC_GLOBAL: return sec_global(d);
    case SEC_EXPORT: return sec_export(d);
    case SEC_START: return sec_start(d);
    case SEC_ELEMENT: return sec_element(d);
    case SEC_CODE: return sec_code(d);
    case SEC_DATA: return sec_data(d);
    default: return sec_datacount(d);
    }
}

static bool rd_header(wasmi_reader_t *r)
{
    const uint8_t *h;
    uint32_t v;

    if (left(r) < 4)
        return wasmi_rd_fail(r, "unexpected end: magic header not detected");
    if (!wasmi_rd_bytes(r, 4, &h))
        return false;
    if (h[0] != 0 || h[1] != 'a' || h[2] != 's' || h[3] != 'm') {
        r->p = h;
        return wasmi_rd_fail(r, "magic header not detected");
    }
    if (left(r) < 4)
        return wasmi_rd_fail(r, "unexpected end: unknown binary version");
    if (!wasmi_rd_fixed32(r, &v))
        return false;
    if (v != 1) {
        r->p -= 4;
        return wasmi_rd_fail(r, "unknown binary version 0x%x", v);
    }
    return true;
}

/* Walks the sections in order; `top` reads section headers. */
static bool decode_sections(dec_t *d, wasmi_reader_t *top)
{
    uint8_t id, last = 0;
    uint32_t size, at;

    while (top->p < top->end) {
        at = wasmi_rd_offset(top);
        if (!wasmi_rd_u8(top, &id) || !wasmi_rd_u32(top, &size))
            return false;
        if (id >= SEC_COUNT)
            return fail_at(top, at, "malformed section id %u", id);
        if (size > left(top))
            return wasmi_rd_fail(top, "length out of bounds: %s section of %u bytes",
                                section_names[id], size);
        if (id != SEC_CUSTOM && section_rank[id] <= last)
            return fail_at(top, at, "unexpected content after last section: %s section "
                                    "duplicated or out of order", section_names[id]);
        if (id != SEC_CUSTOM)
            last = section_rank[id];
        d->r.p = top->p;
        d->r.end = top->p + size;
        d->r.section = section_names[id];
        top->p += size;
        if (!decode_section(d, id))
            return false;
        if (d->r.p != d->r.end)
            return wasmi_rd_fail(&d->r, "section size mismatch");
    }
    return true;
}

/* Cross-section checks, then the tables that every module has. */
static bool finish(dec_t *d, wasmi_reader_t *top)
{
    wasm_module_t *m = d->m;

    if (d->ndefs && !d->have_code)
        return wasmi_rd_fail(top, "function and code section have inconsistent lengths "
                                 "(no code section for %u functions)", d->ndefs);
    if (m->has_datacount && !d->have_data && m->datacount)
        return wasmi_rd_fail(top, "data count and data section have inconsistent lengths");
    if (!m->declared_funcs) {
        m->declared_funcs = alloc_array(top, ((size_t)m->nfuncs + 7) / 8, 1);
        if (!m->declared_funcs)
            return false;
    }
    m->func_names = alloc_array(top, m->nfuncs, sizeof *m->func_names);
    if (!m->func_names)
        return false;
    if (d->names)
        read_func_names(d);
    return true;
}

bool wasmi_decode(wasm_module_t *m, wasm_error_t *err)
{
    dec_t d = {0};
    wasmi_reader_t top = {m->bytes, m->bytes, m->bytes, NULL, err, false};

    if (m->len > UINT32_MAX)
        return wasmi_rd_fail(&top, "module too large (%zu bytes)", m->len);
    if (m->bytes)
        top.end = m->bytes + m->len;
    d.m = m;
    d.r = top;
    if (!rd_header(&top) || !decode_sections(&d, &top))
        return false;
    return finish(&d, &top);
}

/* ------------------------------------------------------------ release */

static void free_ptr(void *p)
{
    if (p)
        wasm_plat_free(p);
}

/* Frees everything the module owns, including m->bytes, and clears the
 * pointers; the struct itself stays with the caller. */
void wasmi_module_release(wasm_module_t *m)
{
    uint32_t ndefs = m->defs ? m->nfuncs - m->nfunc_imports : 0;

    for (uint32_t i = 0; m->types && i < m->ntypes; i++)
        free_ptr(m->types[i].types);
    for (uint32_t i = 0; i < ndefs; i++) {
        free_ptr(m->defs[i].code);
        free_ptr(m->defs[i].offsets);
    }
    for (uint32_t i = 0; m->elems && i < m->nelems; i++)
        free_ptr(m->elems[i].items);
    free_ptr(m->types);
    free_ptr(m->imports);
    free_ptr(m->func_type);
    free_ptr(m->defs);
    free_ptr(m->func_names);
    free_ptr(m->tables);
    free_ptr(m->mems);
    free_ptr(m->globals);
    free_ptr(m->global_inits);
    free_ptr(m->exports);
    free_ptr(m->elems);
    free_ptr(m->datas);
    free_ptr(m->declared_funcs);
    free_ptr(m->bytes);
    m->types = NULL, m->ntypes = 0;
    m->imports = NULL, m->nimports = 0;
    m->func_type = NULL, m->defs = NULL, m->func_names = NULL, m->nfuncs = 0;
    m->tables = NULL, m->mems = NULL, m->globals = NULL, m->global_inits = NULL;
    m->exports = NULL, m->elems = NULL, m->datas = NULL, m->declared_funcs = NULL;
    m->bytes = NULL, m->len = 0;
}
