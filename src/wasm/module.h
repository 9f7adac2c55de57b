/*
 * Decoded module: what the binary decoder (decode.c) produces and the function
 * compiler (compile.c) and instantiation (instance.c) consume.
 *
 * Invariants once wasmi_decode() has returned true:
 *  - every index stored here (type, function, table, memory, global, element,
 *    data) is in range for its index space;
 *  - every constant expression is valid and of the type its user expects;
 *  - names are valid UTF-8 and point into m->bytes (the module's own copy);
 *  - function bodies are NOT validated yet: compile.c does that.
 * Index spaces put imports first, in import order, as the spec says.
 */
#ifndef WASM_MODULE_H
#define WASM_MODULE_H

#include <stdarg.h>
#include <wasm/wasm.h>

#define WASM_PAGE_SIZE 65536u
#define WASM_MAX_PAGES 65536u
/* Memories per module (imports included): each reserves address space for
 * its maximum size, so this is an implementation limit. */
#define WASM_MAX_MEMORIES 100u

typedef struct wasmi_functype {
    uint32_t nparams, nresults;
    uint8_t *types;   /* nparams param types, then nresults result types (owned) */
    uint32_t canon;   /* runtime-wide id: equal ids <=> structurally equal types */
    /* Cells the params and results take (wasmi_cells): a v128 takes two. */
    uint32_t pcells, rcells;
} wasmi_functype_t;

typedef struct wasmi_limits {
    uint32_t min, max;
    bool has_max;
} wasmi_limits_t;

typedef struct wasmi_tabletype {
    uint8_t elem;     /* WASM_FUNCREF or WASM_EXTERNREF */
    wasmi_limits_t lim;
} wasmi_tabletype_t;

typedef struct wasmi_globaltype {
    uint8_t type;     /* a wasm_valtype_t */
    bool mut;
} wasmi_globaltype_t;

/* A constant expression. The usual one instruction then `end` is stored
 * decoded; a longer one (extended constants: i32/i64 add, sub, mul over
 * constants and global.get) is WASM_CONST_EXPR, re-read from the module's
 * bytes at instantiation with a stack of at most WASM_CONST_MAX_DEPTH values
 * (an implementation limit the decoder enforces). */
#define WASM_CONST_MAX_DEPTH 64
enum {
    WASM_CONST_I32,        /* value holds the i32 (zero-extended) */
    WASM_CONST_I64,
    WASM_CONST_F32,        /* value holds the bits */
    WASM_CONST_F64,
    WASM_CONST_REF_NULL,   /* type says which reference type */
    WASM_CONST_REF_FUNC,   /* index = function index */
    WASM_CONST_GLOBAL_GET, /* index = global index (an imported, immutable global) */
    WASM_CONST_EXPR,       /* index = offset in m->bytes of its first instruction */
    WASM_CONST_V128,       /* value = low 64 bits, hi = high 64 bits */
};

typedef struct wasmi_constexpr {
    uint8_t kind;     /* WASM_CONST_* */
    uint8_t type;     /* the value type it produces */
    uint32_t index;
    uint64_t value;
    uint64_t hi;      /* v128 only */
} wasmi_constexpr_t;

typedef struct wasmi_import {
    const char *module; uint32_t module_len;
    const char *name;   uint32_t name_len;
    uint8_t kind;     /* wasm_extern_kind_t */
    union {
        uint32_t type_idx;        /* func */
        wasmi_tabletype_t table;
        wasmi_limits_t mem;
        wasmi_globaltype_t global;
    } u;
} wasmi_import_t;

typedef struct wasmi_export {
    const char *name; uint32_t name_len;
    uint8_t kind;     /* wasm_extern_kind_t */
    uint32_t index;
} wasmi_export_t;

enum { WASM_SEG_ACTIVE, WASM_SEG_PASSIVE, WASM_SEG_DECLARATIVE };

typedef struct wasmi_elem {
    uint8_t mode;             /* WASM_SEG_* */
    uint8_t type;             /* WASM_FUNCREF or WASM_EXTERNREF */
    uint32_t table;           /* active only */
    wasmi_constexpr_t offset;  /* active only; type i32 */
    uint32_t count;
    wasmi_constexpr_t *items;  /* count items (owned); each of type `type` */
} wasmi_elem_t;

typedef struct wasmi_data {
    uint8_t mode;             /* WASM_SEG_ACTIVE or WASM_SEG_PASSIVE */
    uint32_t mem;
    wasmi_constexpr_t offset;  /* active only; type i32 */
    const uint8_t *bytes;     /* into m->bytes */
    uint32_t len;
} wasmi_data_t;

/* A function defined by the module (not imported). */
typedef struct wasmi_funcdef {
    uint32_t type_idx;
    uint32_t body_off;        /* offset in m->bytes of the body (after its size) */
    uint32_t body_len;
    /* Filled by compile.c: */
    uint32_t *code;           /* internal code, see compile.h (owned) */
    uint32_t code_len;        /* in 32-bit words */
    uint32_t nlocals;         /* CELLS of params + declared locals (a v128 takes two) */
    uint32_t frame_cells;     /* nlocals + the deepest operand stack */
    uint32_t *offsets;        /* optional map code index -> body offset; may be NULL */
    void *native;             /* compiled entry (jit.h), or NULL */
} wasmi_funcdef_t;

typedef struct wasmi_name {
    const char *name;         /* NULL when the name section gives none */
    uint32_t len;
} wasmi_name_t;

struct wasm_module {
    wasm_runtime_t *rt;
    uint8_t *bytes;           /* owned copy of the binary */
    size_t len;
    uint32_t refs;            /* wasm_module_reuse adds one, wasm_module_free drops one */
    uint32_t engine;          /* the tier it was translated for, and the jit filter then */
    uint32_t jit_lo, jit_hi;

    uint32_t ntypes;
    wasmi_functype_t *types;

    uint32_t nimports;
    wasmi_import_t *imports;
    uint32_t nfunc_imports, ntable_imports, nmem_imports, nglobal_imports;

    uint32_t nfuncs;          /* imports + definitions */
    uint32_t *func_type;      /* [nfuncs] type index of every function */
    wasmi_funcdef_t *defs;     /* [nfuncs - nfunc_imports] */
    wasmi_name_t *func_names;  /* [nfuncs] from the name section */

    uint32_t ntables;         /* imports + definitions */
    wasmi_tabletype_t *tables; /* [ntables] */
    uint32_t nmems;
    wasmi_limits_t *mems;      /* [nmems] */
    uint32_t nglobals;
    wasmi_globaltype_t *globals;     /* [nglobals] */
    wasmi_constexpr_t *global_inits; /* [nglobals - nglobal_imports] */

    uint32_t nexports;
    wasmi_export_t *exports;

    bool has_start;
    uint32_t start;

    uint32_t nelems;
    wasmi_elem_t *elems;
    uint32_t ndatas;
    wasmi_data_t *datas;
    bool has_datacount;
    uint32_t datacount;

    /* C.refs: functions that may appear in ref.func inside bodies (referenced
     * from elements, exports or global initialisers). Bitmap of nfuncs bits. */
    uint8_t *declared_funcs;

    void *jit;                /* wasmi_jit_t: the module's machine code, or NULL */
    /* compile.c: a body tail-calls an import or through a table, so a call
     * may return with another instance's registers (jit.h) */
    bool tail_out;
};

/* ------------------------------------------------------------ decode.c */

/* Decodes and validates everything but function bodies. m->rt, m->bytes and
 * m->len are set by the caller. On failure fills err; the caller frees m with
 * wasmi_module_release(), which copes with a partly filled module. */
bool wasmi_decode(wasm_module_t *m, wasm_error_t *err);
/* Frees everything a module owns (but not the struct itself). */
void wasmi_module_release(wasm_module_t *m);

/* ------------------------------------------------------------ compile.c */

/* Validates body i (definition index) and translates it to internal code. */
bool wasmi_compile(wasm_module_t *m, uint32_t def_index, wasm_error_t *err);

/* ------------------------------------------------------------ util.c */

/* A bounded reader over module bytes. Reads past the end or malformed
 * encodings set `failed` and write the error once (the first one wins). */
typedef struct wasmi_reader {
    const uint8_t *base;      /* start of the module: offsets are from here */
    const uint8_t *p, *end;
    const char *section;      /* for error messages, e.g. "import" */
    wasm_error_t *err;
    bool failed;
} wasmi_reader_t;

bool wasmi_rd_fail(wasmi_reader_t *r, const char *fmt, ...);  /* always false */
bool wasmi_rd_u8(wasmi_reader_t *r, uint8_t *out);
bool wasmi_rd_u32(wasmi_reader_t *r, uint32_t *out);   /* unsigned LEB128, <= 5 bytes */
bool wasmi_rd_s32(wasmi_reader_t *r, int32_t *out);    /* signed LEB128 */
bool wasmi_rd_s33(wasmi_reader_t *r, int64_t *out);    /* block types */
bool wasmi_rd_s64(wasmi_reader_t *r, int64_t *out);
bool wasmi_rd_fixed32(wasmi_reader_t *r, uint32_t *out); /* little-endian (f32 bits) */
bool wasmi_rd_fixed64(wasmi_reader_t *r, uint64_t *out);
bool wasmi_rd_bytes(wasmi_reader_t *r, uint32_t n, const uint8_t **out);
/* A length-prefixed UTF-8 name. */
bool wasmi_rd_name(wasmi_reader_t *r, const char **name, uint32_t *len);
uint32_t wasmi_rd_offset(const wasmi_reader_t *r);

bool wasmi_utf8_valid(const uint8_t *s, uint32_t len);

/* Minimal snprintf: %s %.*s %c %d %u %x %lld %llu %llx %zu %p %%. Always
 * NUL-terminates; returns the length it would have written. */
size_t wasmi_fmt(char *buf, size_t cap, const char *fmt, ...);
size_t wasmi_vfmt(char *buf, size_t cap, const char *fmt, va_list ap);

/* Fills err with "<section> section, offset 0x<off>: <reason>". */
void wasmi_set_error(wasm_error_t *err, const char *section, uint32_t offset,
                    const char *fmt, ...);

/* ------------------------------------------------------------ runtime.c */

/* Interns a function type: returns its runtime-wide canonical id, or
 * UINT32_MAX when out of memory. */
uint32_t wasmi_rt_intern_type(wasm_runtime_t *rt, const uint8_t *types, uint32_t nparams,
                             uint32_t nresults);

static inline bool wasmi_is_reftype(uint8_t t) { return t == WASM_FUNCREF || t == WASM_EXTERNREF; }
static inline bool wasmi_is_numtype(uint8_t t)
{
    return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64;
}

/* Frame cells a value of type t takes: a v128 is two 64-bit cells, low half
 * first (its bytes in memory order: lane 0 at the lowest address); every
 * other value is one. */
static inline uint32_t wasmi_cells(uint8_t t) { return t == WASM_V128 ? 2 : 1; }

static inline uint32_t wasmi_types_cells(const uint8_t *t, uint32_t n)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++)
        c += wasmi_cells(t[i]);
    return c;
}

#endif
