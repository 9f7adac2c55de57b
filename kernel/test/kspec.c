/*
 * kspec: runs a subset of the WebAssembly spec suite inside the kernel, from
 * the blob that tools/spec2bin.c writes (format in kern/kspec.h).
 *
 * Freestanding: it uses the public engine API, kprintf and kmalloc/kfree
 * only, so the same file also runs on the host (tests/spec/kspec_host.c).
 *
 * The blob is checked in full before anything runs (bounds, record kinds,
 * value types, per-file command counts, checksum), so that running can
 * trust its structure. The commands then run like tests/spec/runner.c runs
 * them: each file gets a fresh runtime with the "spectest" module; every
 * command but "register" counts as one test.
 */
#include <kern/kernel.h>
#include <kern/kspec.h>
#include <wasm/wasm.h>

#include "spectest.h"

/* Safe points per call or instantiation before a test counts as hung.
 * The subset needs far fewer (measured on the host: see docs/kspec.md). */
#define KSPEC_FUEL 10000000ull
/* Failure lines printed before the rest are only counted. */
#define KSPEC_SHOW 100
/* Arguments and results that fit on the C stack; more go to the heap. */
#define KSPEC_CELLS 16

/* The engine's limits for the spec run: smaller than its defaults, so that
 * kernel heap and address space stay modest. memory_grow.wast needs 803
 * pages in one memory; call.wast's runaway recursion must still hit a limit. */
static const wasm_config_t kspec_config = {
    .max_call_depth = 4096,
    .value_stack_cells = 1u << 16,
    .max_memory_pages = 1024,
    .max_table_elems = 1u << 20,
};

/* ------------------------------------------------------------ blob reader */

typedef struct kstr {
    const uint8_t *p;
    uint32_t n;
} kstr_t;

/* A list of encoded values, decoded on use (the blob has been checked). */
typedef struct kvals {
    const uint8_t *p;
    uint32_t n;
} kvals_t;

typedef struct kval {
    uint8_t type, kind;
    uint64_t bits;
} kval_t;

typedef struct kaction {
    uint8_t type;            /* KSPEC_INVOKE or KSPEC_GET */
    kstr_t mod, field;
    kvals_t args;
} kaction_t;

/* One record, as read. Fields a record kind does not have stay zero. */
typedef struct kcmd {
    uint8_t op;
    uint32_t line, count;
    kstr_t name, as, bytes, text;
    kaction_t act;
    kvals_t expected;
} kcmd_t;

typedef struct krd {
    const uint8_t *p, *end, *start;
    const char *err;         /* first error, or NULL */
} krd_t;

#define KVAL_SIZE 10

static bool rd_fail(krd_t *r, const char *why)
{
    if (!r->err)
        r->err = why;
    r->p = r->end;
    return false;
}

static bool rd_need(krd_t *r, size_t n)
{
    return (size_t)(r->end - r->p) >= n || rd_fail(r, "record runs past the end");
}

static uint8_t rd_u8(krd_t *r)
{
    return rd_need(r, 1) ? *r->p++ : 0;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static uint32_t rd_u32(krd_t *r)
{
    if (!rd_need(r, 4))
        return 0;
    uint32_t v = get_u32(r->p);
    r->p += 4;
    return v;
}

static kstr_t rd_str(krd_t *r)
{
    kstr_t s = {0, 0};
    uint32_t n = rd_u32(r);
    if (!rd_need(r, n))
        return s;
    s.p = r->p;
    s.n = n;
    r->p += n;
    return s;
}

static bool valtype_ok(uint8_t t)
{
    return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 ||
           t == WASM_FUNCREF || t == WASM_EXTERNREF || t == WASM_V128;
}

/* Slots (= cells) a value of type t takes: a v128 takes two. */
static uint32_t slots_of(uint8_t t)
{
    return t == WASM_V128 ? 2 : 1;
}

static kval_t val_at(kvals_t v, uint32_t i)
{
    const uint8_t *p = v.p + (size_t)i * KVAL_SIZE;
    kval_t k = {p[0], p[1], get_u64(p + 2)};
    return k;
}

/* Reads a value list and checks every value's type and kind. */
static kvals_t rd_vals(krd_t *r)
{
    kvals_t v = {0, 0};
    uint32_t n = rd_u32(r);
    if (!rd_need(r, (size_t)n * KVAL_SIZE))
        return v;
    v.p = r->p;
    v.n = n;
    r->p += (size_t)n * KVAL_SIZE;
    for (uint32_t i = 0; i < n; i++) {
        kval_t k = val_at(v, i);
        if (k.type == WASM_V128) {
            /* two slots: shape and low half, NaN mask and high half */
            if (i + 1 >= n || val_at(v, i + 1).type != WASM_V128 || k.kind > KSPEC_F64X2)
                rd_fail(r, "bad v128 value");
            i++;
            continue;
        }
        if (!valtype_ok(k.type) || k.kind > KSPEC_ANY)
            rd_fail(r, "bad value type or kind");
        bool narrow = k.type == WASM_I32 || k.type == WASM_F32;
        if (k.kind == KSPEC_EXACT && narrow && k.bits >> 32)
            rd_fail(r, "32-bit value with high bits set");
    }
    return v;
}

static kaction_t rd_action(krd_t *r)
{
    kaction_t a;
    a.type = rd_u8(r);
    a.mod = rd_str(r);
    a.field = rd_str(r);
    a.args = rd_vals(r);
    if (a.type > KSPEC_GET || (a.type == KSPEC_GET && a.args.n))
        rd_fail(r, "bad action");
    return a;
}

/* Reads one record into c. Returns false at a malformed record. */
static bool rd_cmd(krd_t *r, kcmd_t *c)
{
    __builtin_memset(c, 0, sizeof *c);
    c->op = rd_u8(r);
    if (c->op >= KSPEC_OP_COUNT)
        return rd_fail(r, "unknown record kind");
    if (c->op == KSPEC_END)
        return !r->err;
    if (c->op == KSPEC_FILE) {
        c->name = rd_str(r);
        c->count = rd_u32(r);
        if (c->name.n == 0 || c->name.n > 200)
            rd_fail(r, "bad file name");
        return !r->err;
    }
    c->line = rd_u32(r);
    switch (c->op) {
    case KSPEC_MODULE: c->name = rd_str(r); c->bytes = rd_str(r); break;
    case KSPEC_REGISTER: c->as = rd_str(r); c->name = rd_str(r); break;
    case KSPEC_ACTION: c->act = rd_action(r); break;
    case KSPEC_ASSERT_RETURN: c->act = rd_action(r); c->expected = rd_vals(r); break;
    case KSPEC_ASSERT_TRAP:
    case KSPEC_ASSERT_EXHAUSTION: c->act = rd_action(r); c->text = rd_str(r); break;
    default: c->bytes = rd_str(r); c->text = rd_str(r); break;
    }
    return !r->err;
}

/* FNV-1a, 32 bits, as tools/spec2bin.c computes it. */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Checks the header and walks every record. On success r reads the body. */
static bool check_blob(const uint8_t *blob, size_t len, krd_t *r, const char **why)
{
    *why = NULL;
    if (!blob || len < KSPEC_HEADER_SIZE)
        return *why = "shorter than its header", false;
    for (int i = 0; i < 8; i++)
        if (blob[i] != (uint8_t)KSPEC_MAGIC[i])
            return *why = "bad magic (not a spec2bin blob)", false;
    if (get_u32(blob + 8) != KSPEC_VERSION)
        return *why = "unknown format version", false;
    uint32_t body = get_u32(blob + 12);
    if (body != len - KSPEC_HEADER_SIZE)
        return *why = "body length does not match the blob size", false;
    if (get_u32(blob + 16) != fnv1a(blob + KSPEC_HEADER_SIZE, body))
        return *why = "checksum mismatch (blob damaged)", false;
    krd_t w = {blob + KSPEC_HEADER_SIZE, blob + len, blob + KSPEC_HEADER_SIZE, NULL};
    kcmd_t c;
    bool infile = false;
    uint32_t left = 0;
    while (rd_cmd(&w, &c)) {
        if (c.op == KSPEC_FILE || c.op == KSPEC_END) {
            if (infile && left != 0)
                return *why = "file command count does not match its records", false;
            if (c.op == KSPEC_END)
                break;
            infile = true;
            left = c.count;
        } else if (!infile) {
            return *why = "command before the first file record", false;
        } else if (c.op != KSPEC_REGISTER && left-- == 0) {
            return *why = "more commands than the file record says", false;
        }
    }
    if (w.err)
        return *why = w.err, false;
    if (w.p != w.end)
        return *why = "bytes after the end record", false;
    *r = (krd_t){blob + KSPEC_HEADER_SIZE, blob + len, blob + KSPEC_HEADER_SIZE, NULL};
    return true;
}

/* ------------------------------------------------------------ output lines */

/* A line under construction; kprintf only ever sees "%s". */
typedef struct kline {
    char buf[400];
    size_t n;
} kline_t;

static void ln_ch(kline_t *l, char c)
{
    if (l->n + 1 < sizeof l->buf)
        l->buf[l->n++] = c;
    l->buf[l->n] = 0;
}

static void ln_s(kline_t *l, const char *s)
{
    while (*s)
        ln_ch(l, *s++);
}

/* Bytes from the blob: control characters and non-ASCII are escaped. */
static void ln_kstr(kline_t *l, kstr_t s)
{
    static const char hex[] = "0123456789abcdef";
    for (uint32_t i = 0; i < s.n; i++) {
        uint8_t c = s.p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            ln_ch(l, (char)c);
        } else {
            ln_s(l, "\\x");
            ln_ch(l, hex[c >> 4]);
            ln_ch(l, hex[c & 15]);
        }
    }
}

static void ln_u(kline_t *l, uint64_t v)
{
    char d[24];
    int n = 0;
    do
        d[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n > 0)
        ln_ch(l, d[--n]);
}

static void ln_hex(kline_t *l, uint64_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    ln_s(l, "0x");
    for (int i = digits - 1; i >= 0; i--)
        ln_ch(l, hex[(v >> (4 * i)) & 15]);
}

/* "i32:0x0000002a", "f64:nan:canonical", "externref:null" ... */
static void ln_val(kline_t *l, kval_t v)
{
    ln_s(l, wasm_valtype_name(v.type));
    ln_ch(l, ':');
    bool ref = v.type == WASM_FUNCREF || v.type == WASM_EXTERNREF;
    if (v.kind == KSPEC_NAN_CANON)
        ln_s(l, "nan:canonical");
    else if (v.kind == KSPEC_NAN_ARITH)
        ln_s(l, "nan:arithmetic");
    else if (v.kind == KSPEC_ANY)
        ln_s(l, ref ? "non-null" : "any");
    else if (ref && v.bits == 0)
        ln_s(l, "null");
    else if (v.type == WASM_EXTERNREF)
        ln_u(l, v.bits - 1);             /* the script's number */
    else if (v.type == WASM_V128)
        ln_hex(l, v.bits, 16);           /* one half: the caller prints both */
    else
        ln_hex(l, v.bits, v.type == WASM_I32 || v.type == WASM_F32 ? 8 : 16);
}

/* ------------------------------------------------------------ runner state */

typedef struct kmod {
    kstr_t name;             /* "$M" or none */
    uint32_t line;
    wasm_module_t *mod;
    wasm_instance_t *inst;   /* NULL when it failed to load or instantiate */
} kmod_t;

typedef struct ks {
    wasm_runtime_t *rt;
    wasm_linker_t *linker;
    wasm_exec_t *ex;
    kmod_t *mods;
    uint32_t nmods, capmods;
    int64_t current;         /* index of the latest module command, or -1 */
    kstr_t file;
    const kcmd_t *cmd;
    int passed, failed, file_passed, file_failed, files;
    uint64_t max_fuel;       /* most safe points one call or instantiation used */
    uint32_t engine;         /* wasm_engine_t of every runtime of the run */
    uint32_t bounds;         /* and its wasm_bounds_t */
    const char *tag;         /* "kspec", or "kspec interp" for a second run */
    uint32_t engine_used;    /* the tier the runtimes had (DEFAULT resolved) */
    uint64_t fn_compiled, fn_interp;   /* defined functions of loaded modules, by tier */
} ks_t;

static const char *op_name(uint8_t op)
{
    static const char *const names[KSPEC_OP_COUNT] = {
        "end", "file", "module", "register", "action", "assert_return", "assert_trap",
        "assert_exhaustion", "assert_trap", "assert_unlinkable", "assert_invalid",
        "assert_malformed",
    };
    return op < KSPEC_OP_COUNT ? names[op] : "?";
}

static void pass(ks_t *s)
{
    s->passed++;
    s->file_passed++;
}

/* Counts a failure and starts its line: "kspec FAIL file:line: command: ".
 * Returns false when the line is not to be printed (too many already). */
static bool fail_start(ks_t *s, kline_t *l)
{
    s->failed++;
    s->file_failed++;
    l->n = 0;
    l->buf[0] = 0;
    if (s->failed > KSPEC_SHOW)
        return false;
    ln_s(l, "kspec FAIL ");
    ln_kstr(l, s->file);
    ln_ch(l, ':');
    ln_u(l, s->cmd->line);
    ln_s(l, ": ");
    ln_s(l, op_name(s->cmd->op));
    ln_s(l, ": ");
    if (s->cmd->act.field.p) {
        ln_kstr(l, s->cmd->act.field);
        ln_s(l, ": ");
    }
    return true;
}

static void fail_end(ks_t *s, kline_t *l)
{
    if (s->failed <= KSPEC_SHOW)
        kprintf("%s\n", l->buf);
}

/* A failure with a fixed message and an optional detail. */
static void fail(ks_t *s, const char *msg, const char *detail)
{
    kline_t l;
    if (!fail_start(s, &l))
        return;
    ln_s(&l, msg);
    if (detail) {
        ln_s(&l, ": ");
        ln_s(&l, detail);
    }
    fail_end(s, &l);
}

static bool kstr_eq(kstr_t a, kstr_t b)
{
    if (a.n != b.n)
        return false;
    for (uint32_t i = 0; i < a.n; i++)
        if (a.p[i] != b.p[i])
            return false;
    return true;
}

/* Does text begin with prefix? */
static bool kstr_prefix(kstr_t text, const char *prefix)
{
    uint32_t i = 0;
    for (; prefix[i]; i++)
        if (i >= text.n || text.p[i] != (uint8_t)prefix[i])
            return false;
    return true;
}

static kmod_t *add_mod(ks_t *s)
{
    if (s->nmods == s->capmods) {
        uint32_t cap = s->capmods ? s->capmods * 2 : 32;
        kmod_t *m = kmalloc((size_t)cap * sizeof *m);
        if (!m)
            return NULL;
        if (s->nmods)
            __builtin_memcpy(m, s->mods, (size_t)s->nmods * sizeof *m);
        kfree(s->mods);
        s->mods = m;
        s->capmods = cap;
    }
    kmod_t *m = &s->mods[s->nmods++];
    __builtin_memset(m, 0, sizeof *m);
    return m;
}

/* The module a command names ("$M"), or the latest one. */
static kmod_t *find_mod(ks_t *s, kstr_t name)
{
    if (name.n == 0)
        return s->current >= 0 ? &s->mods[s->current] : NULL;
    for (uint32_t i = s->nmods; i-- > 0;)
        if (kstr_eq(s->mods[i].name, name))
            return &s->mods[i];
    return NULL;
}

/* ------------------------------------------------------------ spectest */

static wasm_trap_kind_t spectest_print(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    (void)ctx, (void)cells, (void)user;
    return WASM_OK;
}

/* Frees everything of the current file (instances before modules, since
 * instances may import from each other). */
static void file_end(ks_t *s)
{
    for (uint32_t i = s->nmods; i-- > 0;)
        if (s->mods[i].inst)
            wasm_instance_free(s->mods[i].inst);
    for (uint32_t i = s->nmods; i-- > 0;)
        if (s->mods[i].mod)
            wasm_module_free(s->mods[i].mod);
    kfree(s->mods);
    if (s->linker)
        wasm_linker_free(s->linker);
    if (s->ex)
        wasm_exec_free(s->ex);
    if (s->rt)
        wasm_runtime_free(s->rt);
    s->mods = NULL;
    s->nmods = s->capmods = 0;
    s->linker = NULL;
    s->ex = NULL;
    s->rt = NULL;
    s->current = -1;
}

static bool file_begin(ks_t *s)
{
    s->file_passed = s->file_failed = 0;
    wasm_config_t cfg = kspec_config;
    cfg.engine = s->engine;
    cfg.bounds = s->bounds;
    s->rt = wasm_runtime_new(&cfg);
    if (s->rt)
        s->engine_used = wasm_runtime_set_engine(s->rt, (wasm_engine_t)s->engine);
    s->linker = s->rt ? wasm_linker_new(s->rt) : NULL;
    s->ex = s->rt ? wasm_exec_new(s->rt) : NULL;
    return s->linker && s->ex && spectest_define(s->rt, s->linker, spectest_print);
}

static void file_report(ks_t *s)
{
    /* A second run (another tier) names only the files that failed. */
    if (s->engine == WASM_ENGINE_INTERP && !s->file_failed)
        return;
    kline_t l = {.n = 0};
    ln_s(&l, "kspec file ");
    ln_kstr(&l, s->file);
    ln_s(&l, ": ");
    ln_u(&l, (uint64_t)s->file_passed);
    ln_s(&l, " passed, ");
    ln_u(&l, (uint64_t)s->file_failed);
    ln_s(&l, " failed");
    kprintf("%s\n", l.buf);
}

/* ------------------------------------------------------------ actions */

enum { ACT_OK, ACT_TRAP, ACT_ERROR };

/* What an action did. Results live in cells (res_buf, or the heap when
 * they do not fit). */
typedef struct kout {
    int status;
    const char *why;         /* ACT_ERROR */
    wasm_trap_kind_t trap;   /* ACT_TRAP */
    uint32_t nres;
    const uint8_t *types;
    uint64_t *res;
    uint64_t res_buf[KSPEC_CELLS];
    uint8_t get_type;        /* the type of a "get" result */
} kout_t;

static void out_free(kout_t *o)
{
    if (o->res && o->res != o->res_buf)
        kfree(o->res);
    o->res = NULL;
}

static int act_error(kout_t *o, const char *why)
{
    o->why = why;
    return o->status = ACT_ERROR;
}

static uint64_t *cells(uint64_t *buf, uint32_t n)
{
    return n <= KSPEC_CELLS ? buf : kmalloc((size_t)n * sizeof(uint64_t));
}

static void run_prepare(ks_t *s)
{
    wasm_exec_clear_interrupt(s->ex);
    wasm_exec_set_fuel(s->ex, KSPEC_FUEL);
}

static void run_done(ks_t *s)
{
    uint64_t used = KSPEC_FUEL - wasm_exec_fuel(s->ex);
    if (used > s->max_fuel)
        s->max_fuel = used;
}

static int invoke(ks_t *s, wasm_instance_t *inst, const kaction_t *a, kout_t *o)
{
    wasm_extern_t ext;
    if (!wasm_instance_export(inst, (const char *)a->field.p, a->field.n, &ext) ||
        ext.kind != WASM_EXTERN_FUNC)
        return act_error(o, "no such exported function");
    const uint8_t *params;
    uint32_t np;
    wasm_func_type(ext.u.func, &params, &np, &o->types, &o->nres);
    uint32_t ncells = 0;
    for (uint32_t i = 0; i < np; i++)
        ncells += slots_of(params[i]);
    if (ncells != a->args.n)
        return act_error(o, "wrong number of arguments");
    uint64_t arg_buf[KSPEC_CELLS], *args = cells(arg_buf, ncells + 1);
    o->res = cells(o->res_buf, 2 * o->nres + 1);
    if (!args || !o->res) {
        if (args != arg_buf)
            kfree(args);
        return act_error(o, "out of memory");
    }
    for (uint32_t i = 0, k = 0; i < np; k += slots_of(params[i]), i++) {
        kval_t v = val_at(a->args, k);
        bool exact = v.type == WASM_V128 ? val_at(a->args, k + 1).kind == 0
                                         : v.kind == KSPEC_EXACT;
        if (v.type != params[i] || !exact)
            o->why = "argument of the wrong type";
        args[k] = v.bits;
        if (params[i] == WASM_V128)
            args[k + 1] = val_at(a->args, k + 1).bits;
    }
    if (!o->why) {
        run_prepare(s);
        o->trap = wasm_call(s->ex, ext.u.func, args, o->res, NULL);
        run_done(s);
    }
    if (args != arg_buf)
        kfree(args);
    if (o->why)
        return o->status = ACT_ERROR;
    return o->status = o->trap == WASM_OK ? ACT_OK : ACT_TRAP;
}

static int get_global(wasm_instance_t *inst, const kaction_t *a, kout_t *o)
{
    wasm_extern_t ext;
    if (!wasm_instance_export(inst, (const char *)a->field.p, a->field.n, &ext) ||
        ext.kind != WASM_EXTERN_GLOBAL)
        return act_error(o, "no such exported global");
    o->get_type = (uint8_t)wasm_global_type(ext.u.global);
    o->types = &o->get_type;
    o->nres = 1;
    o->res = o->res_buf;
    if (o->get_type == WASM_V128)
        wasm_global_get_v128(ext.u.global, o->res);
    else
        o->res[0] = wasm_global_get(ext.u.global);
    return o->status = ACT_OK;
}

/* Performs the command's action; fills o and returns o->status. */
static int run_action(ks_t *s, const kaction_t *a, kout_t *o)
{
    __builtin_memset(o, 0, sizeof *o);
    kmod_t *m = find_mod(s, a->mod);
    if (!m)
        return act_error(o, "no such module");
    if (!m->inst)
        return act_error(o, "its module did not instantiate");
    if (a->type == KSPEC_INVOKE)
        return invoke(s, m->inst, a, o);
    return get_global(m->inst, a, o);
}

/* "error: why", "trap: kind" or "no trap" after a failure line. */
static void ln_outcome(kline_t *l, const kout_t *o)
{
    if (o->status == ACT_ERROR) {
        ln_s(l, "error: ");
        ln_s(l, o->why);
    } else if (o->status == ACT_TRAP) {
        ln_s(l, "trap: ");
        ln_s(l, wasm_trap_kind_name(o->trap));
    } else {
        ln_s(l, "no trap");
    }
}

/* ------------------------------------------------------------ assertions */

static bool nan_matches(uint8_t t, int kind, uint64_t v)
{
    if (t == WASM_F32) {
        uint32_t b = (uint32_t)v & 0x7fffffffu;
        return kind == KSPEC_NAN_CANON ? b == 0x7fc00000u : (b & 0x7fc00000u) == 0x7fc00000u;
    }
    uint64_t b = v & 0x7fffffffffffffffull;
    return kind == KSPEC_NAN_CANON ? b == 0x7ff8000000000000ull
                                   : (b & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

/* A v128 result (cells v[0], v[1]) against the two slots e, e2. */
static bool v128_matches(kval_t e, kval_t e2, const uint64_t *v)
{
    int shape = e.kind, bytes = shape == KSPEC_F32X4 ? 4 : shape == KSPEC_F64X2 ? 8 : 1 << shape;
    uint64_t want[2] = {e.bits, e2.bits};
    for (int i = 0; i < 16 / bytes; i++) {
        int at = i * bytes, half = at / 8, sh = 8 * (at % 8);
        uint64_t m = bytes == 8 ? ~0ull : ((1ull << (8 * bytes)) - 1) << sh;
        int nan = (e2.kind >> (2 * i)) & 3;
        if (nan) {
            uint64_t lane = (v[half] & m) >> sh;
            if (!nan_matches(bytes == 4 ? WASM_F32 : WASM_F64, nan, lane))
                return false;
        } else if ((v[half] & m) != (want[half] & m)) {
            return false;
        }
    }
    return true;
}

static bool val_matches(kval_t e, uint8_t t, uint64_t v)
{
    bool ref = t == WASM_FUNCREF || t == WASM_EXTERNREF;
    if (t != e.type)
        return false;
    if (t == WASM_I32 || t == WASM_F32)
        v &= 0xffffffffu;
    switch (e.kind) {
    case KSPEC_NAN_CANON:
    case KSPEC_NAN_ARITH: return (t == WASM_F32 || t == WASM_F64) && nan_matches(t, e.kind, v);
    case KSPEC_ANY: return v != 0 || !ref;
    default: return v == e.bits;
    }
}

/* Does trap kind k fit the reference interpreter's message? Running out of
 * fuel or being interrupted never fits: that is a hang, not a trap. */
static bool trap_fits(kstr_t text, wasm_trap_kind_t k)
{
    static const struct { const char *prefix; wasm_trap_kind_t k1, k2; } map[] = {
        {"out of bounds memory access", WASM_TRAP_OOB_MEMORY, WASM_TRAP_OOB_MEMORY},
        {"out of bounds table access", WASM_TRAP_OOB_TABLE, WASM_TRAP_OOB_TABLE},
        {"undefined element", WASM_TRAP_OOB_TABLE, WASM_TRAP_UNINITIALIZED_ELEM},
        {"uninitialized element", WASM_TRAP_UNINITIALIZED_ELEM, WASM_TRAP_NULL_REF},
        {"indirect call type mismatch", WASM_TRAP_INDIRECT_MISMATCH,
         WASM_TRAP_INDIRECT_MISMATCH},
        {"integer divide by zero", WASM_TRAP_DIV_ZERO, WASM_TRAP_DIV_ZERO},
        {"integer overflow", WASM_TRAP_INT_OVERFLOW, WASM_TRAP_INT_OVERFLOW},
        {"invalid conversion to integer", WASM_TRAP_INVALID_CONVERSION,
         WASM_TRAP_INVALID_CONVERSION},
        {"unreachable", WASM_TRAP_UNREACHABLE, WASM_TRAP_UNREACHABLE},
        {"call stack exhausted", WASM_TRAP_STACK_EXHAUSTED, WASM_TRAP_STACK_EXHAUSTED},
        {"null", WASM_TRAP_NULL_REF, WASM_TRAP_NULL_REF},
    };
    if (k == WASM_OK || k == WASM_TRAP_OUT_OF_FUEL || k == WASM_TRAP_INTERRUPTED)
        return false;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (kstr_prefix(text, map[i].prefix))
            return k == map[i].k1 || k == map[i].k2;
    return true;
}

static void check_results(ks_t *s, const kout_t *o)
{
    kvals_t exp = s->cmd->expected;
    kline_t l;
    uint32_t ncells = 0;
    for (uint32_t i = 0; i < o->nres; i++)
        ncells += slots_of(o->types[i]);
    if (exp.n != ncells) {
        if (fail_start(s, &l)) {
            ln_s(&l, "expected ");
            ln_u(&l, exp.n);
            ln_s(&l, " result cells, got ");
            ln_u(&l, ncells);
            fail_end(s, &l);
        }
        return;
    }
    for (uint32_t i = 0, k = 0; i < o->nres; k += slots_of(o->types[i]), i++) {
        kval_t e = val_at(exp, k);
        if (o->types[i] == WASM_V128 && e.type == WASM_V128
                ? v128_matches(e, val_at(exp, k + 1), o->res + k)
                : val_matches(e, o->types[i], o->res[k]))
            continue;
        if (fail_start(s, &l)) {
            kval_t got = {o->types[i], KSPEC_EXACT, o->res[k]};
            if (got.type == WASM_I32 || got.type == WASM_F32)
                got.bits &= 0xffffffffu;
            ln_s(&l, "result ");
            ln_u(&l, i);
            ln_s(&l, ": expected ");
            ln_val(&l, e);
            ln_s(&l, ", got ");
            ln_val(&l, got);
            fail_end(s, &l);
        }
        return;
    }
    pass(s);
}

/* action, assert_return, assert_trap, assert_exhaustion. */
static void cmd_action(ks_t *s)
{
    const kcmd_t *c = s->cmd;
    kout_t o;
    kline_t l;
    int st = run_action(s, &c->act, &o);
    bool ok;
    if (c->op == KSPEC_ASSERT_RETURN && st == ACT_OK) {
        check_results(s, &o);
        out_free(&o);
        return;
    }
    if (c->op == KSPEC_ACTION || c->op == KSPEC_ASSERT_RETURN)
        ok = st == ACT_OK;
    else if (c->op == KSPEC_ASSERT_EXHAUSTION)
        ok = st == ACT_TRAP && o.trap == WASM_TRAP_STACK_EXHAUSTED;
    else
        ok = st == ACT_TRAP && trap_fits(c->text, o.trap);
    if (ok) {
        pass(s);
    } else if (fail_start(s, &l)) {
        if (c->op == KSPEC_ACTION || c->op == KSPEC_ASSERT_RETURN) {
            ln_s(&l, "expected results, got ");
        } else {
            ln_s(&l, "expected trap \"");
            ln_kstr(&l, c->text);
            ln_s(&l, "\", got ");
        }
        ln_outcome(&l, &o);
        fail_end(s, &l);
    }
    out_free(&o);
}

/* Loads the command's module bytes; on failure err says why. */
static wasm_module_t *load(ks_t *s, wasm_error_t *err)
{
    __builtin_memset(err, 0, sizeof *err);
    const kstr_t b = s->cmd->bytes;
    wasm_module_t *m = wasm_module_load(s->rt, b.p, b.n, err);
    if (m) {
        uint32_t nc, ni;
        wasm_module_tiers(m, &nc, &ni);
        s->fn_compiled += nc;
        s->fn_interp += ni;
    }
    if (!m && !err->message[0])
        __builtin_memcpy(err->message, "(no message)", 13);
    return m;
}

static wasm_instance_t *instantiate(ks_t *s, wasm_module_t *m, wasm_error_t *err,
                                    wasm_trap_t *trap)
{
    __builtin_memset(err, 0, sizeof *err);
    __builtin_memset(trap, 0, sizeof *trap);
    run_prepare(s);
    wasm_instance_t *inst = wasm_instantiate(m, s->linker, s->ex, err, trap);
    run_done(s);
    return inst;
}

/* "module": must load and instantiate. A broken module still becomes the
 * current one, so that commands on it fail instead of using the previous. */
static void cmd_module(ks_t *s)
{
    wasm_error_t err;
    wasm_trap_t trap;
    kmod_t *km = add_mod(s);
    if (!km) {
        fail(s, "out of memory", NULL);
        return;
    }
    km->name = s->cmd->name;
    km->line = s->cmd->line;
    s->current = (int64_t)(km - s->mods);
    km->mod = load(s, &err);
    if (!km->mod) {
        fail(s, "failed to load", err.message);
        return;
    }
    km->inst = instantiate(s, km->mod, &err, &trap);
    if (!km->inst && trap.kind != WASM_OK)
        fail(s, "instantiation trapped", wasm_trap_kind_name(trap.kind));
    else if (!km->inst)
        fail(s, "failed to link", err.message);
    else
        pass(s);
}

static void cmd_register(ks_t *s)
{
    kmod_t *m = find_mod(s, s->cmd->name);
    const kstr_t as = s->cmd->as;
    /* Not a test of its own: the commands that need it will fail. */
    if (!m || !m->inst ||
        !wasm_linker_define_instance(s->linker, (const char *)as.p, as.n, m->inst)) {
        kline_t l = {.n = 0};
        ln_s(&l, "kspec: ");
        ln_kstr(&l, s->file);
        ln_ch(&l, ':');
        ln_u(&l, s->cmd->line);
        ln_s(&l, ": register: not registered");
        kprintf("%s\n", l.buf);
    }
}

/* assert_trap on a module / assert_uninstantiable / assert_unlinkable:
 * loads, then instantiation must trap (or fail to link). The module stays
 * alive to the end of the file, since a failed instantiation may already
 * have written references to its functions into imported tables. */
static void cmd_bad_instance(ks_t *s)
{
    wasm_error_t err;
    wasm_trap_t trap;
    bool unlinkable = s->cmd->op == KSPEC_ASSERT_UNLINKABLE;
    wasm_module_t *m = load(s, &err);
    kmod_t *km = m ? add_mod(s) : NULL;
    if (!m) {
        fail(s, "load failed", err.message);
        return;
    }
    if (!km) {
        wasm_module_free(m);
        fail(s, "out of memory", NULL);
        return;
    }
    km->mod = m;
    km->line = s->cmd->line;
    km->inst = instantiate(s, m, &err, &trap);
    if (km->inst)
        fail(s, "it instantiated", NULL);
    else if (unlinkable && trap.kind != WASM_OK)
        fail(s, "expected a link error, got trap", wasm_trap_kind_name(trap.kind));
    else if (!unlinkable && trap.kind == WASM_OK)
        fail(s, "expected a trap, got link error", err.message);
    else if (!unlinkable && !trap_fits(s->cmd->text, trap.kind))
        fail(s, "wrong trap", wasm_trap_kind_name(trap.kind));
    else
        pass(s);
}

/* assert_invalid / assert_malformed (binary modules): must not load. */
static void cmd_bad_module(ks_t *s)
{
    wasm_error_t err;
    wasm_module_t *m = load(s, &err);
    if (!m) {
        pass(s);
        return;
    }
    wasm_module_free(m);
    kline_t l;
    if (fail_start(s, &l)) {
        ln_s(&l, "expected \"");
        ln_kstr(&l, s->cmd->text);
        ln_s(&l, "\", but the module loaded");
        fail_end(s, &l);
    }
}

/* ------------------------------------------------------------ driver */

static void run_cmd(ks_t *s)
{
    switch (s->cmd->op) {
    case KSPEC_MODULE: cmd_module(s); break;
    case KSPEC_REGISTER: cmd_register(s); break;
    case KSPEC_ACTION:
    case KSPEC_ASSERT_RETURN:
    case KSPEC_ASSERT_TRAP:
    case KSPEC_ASSERT_EXHAUSTION: cmd_action(s); break;
    case KSPEC_ASSERT_UNINSTANTIABLE:
    case KSPEC_ASSERT_UNLINKABLE: cmd_bad_instance(s); break;
    default: cmd_bad_module(s); break;
    }
}

/* Runs one file's records, up to (not including) the next FILE or END
 * record. If the runtime cannot be set up, all its commands fail. */
static void run_file(ks_t *s, krd_t *r, const kcmd_t *file)
{
    kcmd_t c;
    s->file = file->name;
    s->files++;
    bool ready = file_begin(s);
    if (!ready) {
        s->cmd = file;
        fail(s, "cannot set up the runtime and spectest", NULL);
        int rest = file->count > 1 ? (int)file->count - 1 : 0;
        s->failed += rest;
        s->file_failed += rest;
    }
    for (;;) {
        const uint8_t *at = r->p;
        rd_cmd(r, &c);
        if (c.op == KSPEC_FILE || c.op == KSPEC_END) {
            r->p = at;
            break;
        }
        s->cmd = &c;
        if (ready)
            run_cmd(s);
    }
    file_end(s);
    file_report(s);
}

int kspec_run(const uint8_t *blob, size_t len)
{
    return kspec_run_tier(blob, len, WASM_ENGINE_DEFAULT, WASM_BOUNDS_DEFAULT);
}

int kspec_run_tier(const uint8_t *blob, size_t len, uint32_t engine, uint32_t bounds)
{
    krd_t r;
    const char *why;
    const char *tag = engine == WASM_ENGINE_INTERP ? "kspec interp" : "kspec";
    if (!check_blob(blob, len, &r, &why)) {
        kprintf("%s: bad blob: %s\n", tag, why);
        kprintf("%s: 0 passed, 1 failed\n", tag);
        return -1;
    }
    ks_t s;
    __builtin_memset(&s, 0, sizeof s);
    s.current = -1;
    s.engine = engine;
    s.bounds = bounds;
    s.tag = tag;
    kcmd_t file;
    while (rd_cmd(&r, &file) && file.op == KSPEC_FILE)
        run_file(&s, &r, &file);
    if (s.failed > KSPEC_SHOW)
        kprintf("%s: %d more failures not shown\n", tag, s.failed - KSPEC_SHOW);
    kline_t l = {.n = 0};
    ln_s(&l, tag);
    ln_s(&l, ": ");
    ln_u(&l, (uint64_t)s.files);
    ln_s(&l, " files, at most ");
    ln_u(&l, s.max_fuel);
    ln_s(&l, " safe points in one call");
    kprintf("%s\n", l.buf);
    /* Which tier ran: the boot test requires compiled where the port has
     * a back end. */
    l.n = 0;
    ln_s(&l, tag);
    ln_s(&l, s.engine_used == WASM_ENGINE_COMPILED ? ": engine compiled, " : ": engine interp, ");
    ln_u(&l, s.fn_compiled);
    ln_s(&l, " functions compiled, ");
    ln_u(&l, s.fn_interp);
    ln_s(&l, " interpreted");
    kprintf("%s\n", l.buf);
    kprintf("%s: %d passed, %d failed\n", tag, s.passed, s.failed);
    return s.failed;
}
