/*
 * spec_runner: runs one wast2json output file through the public engine API.
 *
 *   spec_runner [-v] [--text=skip|wat2wasm] [--wat-flag=FLAG] [--engine=interp|compiled]
 *               [--bounds=explicit] [--progress FILE] file.json
 *
 * Every command but "register" counts once: module (must load and
 * instantiate), action, and each assert_*. Like wabt's spectest-interp, a
 * module command is a test of its own. The runner prints
 *   # <file>: N commands (M module)
 * first, one line per failure ("file:line: command: expected ..., got ..."),
 * one "SKIP file:line: command: reason" line per skip, and ends with
 *   <file>: P passed, F failed, S skipped
 * With --progress it rewrites "P F S LINE COMMAND" into FILE before and after
 * every command, so that a caller can still count what ran, and see what was
 * running, if the process dies.
 *
 * Text-format modules (only under assert_malformed in the core suite) are
 * skipped by default (--text=skip): the engine takes binary modules only, so
 * rejecting the text would test wabt, not the engine. --text=wat2wasm sends
 * them to wat2wasm and passes the command when it rejects the text.
 */
#include "json.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Safe points per invoke or instantiation before a test counts as hung. */
#define SPEC_FUEL 1000000000ull

typedef struct spec_mod {
    char *name;              /* "$M" from the script, or NULL */
    int line;                /* where the module command was */
    wasm_module_t *mod;
    wasm_instance_t *inst;   /* NULL when the module failed to load/instantiate */
} spec_mod_t;

typedef struct runner {
    const char *dir;         /* directory of the JSON file, for module files */
    const char *src;         /* the .wast name, for messages */
    bool verbose, text_skip;
    const char *wat_flag;         /* e.g. --enable-tail-call for a proposal's suite */
    wasm_engine_t engine;    /* --engine=...; default: the engine's default */
    uint32_t fn_compiled, fn_interp;   /* functions of the modules loaded, by tier */
    wasm_bounds_t bounds;    /* --bounds=explicit: no guard regions */
    int progress_fd;
    wasm_runtime_t *rt;
    wasm_linker_t *linker;
    wasm_exec_t *ex;
    spec_mod_t *mods;
    size_t nmods, capmods;
    long current;            /* index into mods of the last module, or -1 */
    int passed, failed, skipped;
    int line;                /* of the command being run */
    const char *cmd;         /* its type */
} runner_t;

/* What one command needs from an expected or argument value. */
enum { VAL_EXACT, VAL_NAN_CANON, VAL_NAN_ARITH, VAL_ANY };

typedef struct spec_val {
    wasm_valtype_t type;
    int kind;                /* VAL_* */
    uint64_t bits;
    /* v128: the 16 bytes (bits, hi), and per lane of lane_type a VAL_* kind
     * (a float lane may expect a NaN) */
    uint64_t hi;
    wasm_valtype_t lane_type; /* WASM_I32 for i8/i16/i32 lanes, ... */
    int lane_bytes, nlanes;
    int lane_kind[16];
} spec_val_t;

static uint32_t cells_of(wasm_valtype_t t)
{
    return t == WASM_V128 ? 2 : 1;
}

/* ------------------------------------------------------------ reporting */

static void save_progress(runner_t *r)
{
    if (r->progress_fd < 0)
        return;
    char buf[96];
    int n = snprintf(buf, sizeof buf, "%10d %10d %10d %8d %-24.24s\n", r->passed, r->failed,
                     r->skipped, r->line, r->cmd ? r->cmd : "-");
    if (pwrite(r->progress_fd, buf, (size_t)n, 0) != n)
        r->progress_fd = -1;
}

static void pass(runner_t *r)
{
    r->passed++;
    save_progress(r);
}

/* Counts a failure and prints "file:line: command: <message>". */
__attribute__((format(printf, 2, 3))) static void fail(runner_t *r, const char *fmt, ...)
{
    va_list ap;
    printf("%s:%d: %s: ", r->src, r->line, r->cmd);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    r->failed++;
    save_progress(r);
}

static void skip(runner_t *r, const char *reason)
{
    printf("SKIP %s:%d: %s: %s\n", r->src, r->line, r->cmd, reason);
    fflush(stdout);
    r->skipped++;
    save_progress(r);
}

/* Writes a value as "i32:4294967295 (0xffffffff)" and the like; vp points
 * at its cells (two for a v128). */
static const char *fmt_val(char *buf, size_t cap, wasm_valtype_t t, const uint64_t *vp)
{
    uint64_t v = vp[0];
    switch (t) {
    case WASM_V128: {
        uint32_t w[4];
        memcpy(w, vp, 16);
        snprintf(buf, cap, "v128:i32x4 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32
                 " 0x%08" PRIx32, w[0], w[1], w[2], w[3]);
        break;
    }
    case WASM_I32: snprintf(buf, cap, "i32:%" PRIu32 " (0x%" PRIx32 ")", (uint32_t)v, (uint32_t)v); break;
    case WASM_I64: snprintf(buf, cap, "i64:%" PRIu64 " (0x%" PRIx64 ")", v, v); break;
    case WASM_F32: {
        float f;
        uint32_t lo = (uint32_t)v;
        memcpy(&f, &lo, 4);
        snprintf(buf, cap, "f32:0x%08" PRIx32 " (%.9g)", lo, (double)f);
        break;
    }
    case WASM_F64: {
        double d;
        memcpy(&d, &v, 8);
        snprintf(buf, cap, "f64:0x%016" PRIx64 " (%.17g)", v, d);
        break;
    }
    case WASM_FUNCREF: snprintf(buf, cap, v ? "funcref:0x%" PRIx64 : "funcref:null", v); break;
    case WASM_EXTERNREF:
        if (v)
            snprintf(buf, cap, "externref:%" PRIu64, v - 1);
        else
            snprintf(buf, cap, "externref:null");
        break;
    default: snprintf(buf, cap, "type 0x%x:0x%" PRIx64, (unsigned)t, v); break;
    }
    return buf;
}

static const char *fmt_expected(char *buf, size_t cap, const spec_val_t *e)
{
    const char *tn = e->type == WASM_F32 ? "f32" : e->type == WASM_F64 ? "f64" : "ref";
    if (e->kind == VAL_NAN_CANON)
        snprintf(buf, cap, "%s:nan:canonical", tn);
    else if (e->kind == VAL_NAN_ARITH)
        snprintf(buf, cap, "%s:nan:arithmetic", tn);
    else if (e->kind == VAL_ANY)
        snprintf(buf, cap, "%s:non-null", tn);
    else
        fmt_val(buf, cap, e->type, (const uint64_t[2]){e->bits, e->hi});
    return buf;
}

/* ------------------------------------------------------------ values */

static bool parse_type(const char *s, wasm_valtype_t *t)
{
    static const struct { const char *name; wasm_valtype_t t; } types[] = {
        {"i32", WASM_I32}, {"i64", WASM_I64}, {"f32", WASM_F32}, {"f64", WASM_F64},
        {"funcref", WASM_FUNCREF}, {"externref", WASM_EXTERNREF}, {"v128", WASM_V128},
    };
    for (size_t i = 0; s && i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(s, types[i].name) == 0) {
            *t = types[i].t;
            return true;
        }
    }
    return false;
}

/* Parses {"type": "v128", "lane_type": L, "value": [lanes]}: each lane the
 * decimal unsigned bits, or nan:canonical / nan:arithmetic in float lanes. */
static bool parse_v128(const json_t *j, spec_val_t *out, char *why, size_t cap)
{
    static const struct { const char *name; int bytes; wasm_valtype_t t; } lt[] = {
        {"i8", 1, WASM_I32}, {"i16", 2, WASM_I32}, {"i32", 4, WASM_I32},
        {"i64", 8, WASM_I64}, {"f32", 4, WASM_F32}, {"f64", 8, WASM_F64},
    };
    const char *ls = json_get_str(j, "lane_type", NULL);
    const json_t *vals = json_get(j, "value");
    size_t k = 0;
    while (k < sizeof lt / sizeof lt[0] && (!ls || strcmp(ls, lt[k].name) != 0))
        k++;
    if (k == sizeof lt / sizeof lt[0])
        return snprintf(why, cap, "v128 with unknown lane type '%s'", ls ? ls : "?"), false;
    out->lane_type = lt[k].t;
    out->lane_bytes = lt[k].bytes;
    out->nlanes = 16 / lt[k].bytes;
    if (!vals || json_count(vals) != (size_t)out->nlanes)
        return snprintf(why, cap, "v128 needs %d lanes", out->nlanes), false;
    uint8_t bytes[16];
    memset(bytes, 0, sizeof bytes);
    for (int i = 0; i < out->nlanes; i++) {
        const json_t *lv = json_at(vals, (size_t)i);
        const char *s = lv ? json_str(lv, NULL) : NULL;
        bool isfloat = out->lane_type == WASM_F32 || out->lane_type == WASM_F64;
        out->lane_kind[i] = VAL_EXACT;
        if (!s)
            return snprintf(why, cap, "v128 lane %d is not a string", i), false;
        if (isfloat && strcmp(s, "nan:canonical") == 0) {
            out->lane_kind[i] = VAL_NAN_CANON;
            continue;
        }
        if (isfloat && strcmp(s, "nan:arithmetic") == 0) {
            out->lane_kind[i] = VAL_NAN_ARITH;
            continue;
        }
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *end || s[0] == '-' ||
            (out->lane_bytes < 8 && v >> (8 * out->lane_bytes)))
            return snprintf(why, cap, "bad v128 lane '%s'", s), false;
        memcpy(bytes + i * out->lane_bytes, &v, (size_t)out->lane_bytes);
    }
    memcpy(&out->bits, bytes, 8);
    memcpy(&out->hi, bytes + 8, 8);
    return true;
}

/* Parses {"type": T, "value": V}. Numbers are decimal strings of the
 * unsigned bit pattern; externref N becomes the host word N+1 so that 0
 * stays null. A missing value means "any non-null" (refs) or "any". */
static bool parse_val(const json_t *j, spec_val_t *out, char *why, size_t cap)
{
    const char *ts = json_get_str(j, "type", NULL);
    const char *vs = json_get_str(j, "value", NULL);
    memset(out, 0, sizeof *out);
    if (!parse_type(ts, &out->type))
        return snprintf(why, cap, "unknown value type '%s'", ts ? ts : "?"), false;
    if (out->type == WASM_V128)
        return parse_v128(j, out, why, cap);
    bool isfloat = out->type == WASM_F32 || out->type == WASM_F64;
    bool isref = out->type == WASM_FUNCREF || out->type == WASM_EXTERNREF;
    if (!vs) {
        out->kind = VAL_ANY;
        return true;
    }
    if (isfloat && strcmp(vs, "nan:canonical") == 0) {
        out->kind = VAL_NAN_CANON;
        return true;
    }
    if (isfloat && strcmp(vs, "nan:arithmetic") == 0) {
        out->kind = VAL_NAN_ARITH;
        return true;
    }
    if (isref && strcmp(vs, "null") == 0)
        return true;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(vs, &end, 10);
    bool narrow = out->type == WASM_I32 || out->type == WASM_F32;
    if (errno || end == vs || *end || vs[0] == '-' || (narrow && v > UINT32_MAX))
        return snprintf(why, cap, "bad %s value '%s'", ts, vs), false;
    if (out->type == WASM_FUNCREF)
        return snprintf(why, cap, "funcref constant %s has no meaning here", vs), false;
    out->bits = out->type == WASM_EXTERNREF ? (uint64_t)v + 1 : (uint64_t)v;
    return true;
}

static bool nan_matches(wasm_valtype_t t, int kind, uint64_t v)
{
    if (t == WASM_F32) {
        uint32_t b = (uint32_t)v & 0x7fffffffu;
        return kind == VAL_NAN_CANON ? b == 0x7fc00000u : (b & 0x7fc00000u) == 0x7fc00000u;
    }
    uint64_t b = v & 0x7fffffffffffffffull;
    return kind == VAL_NAN_CANON ? b == 0x7ff8000000000000ull
                                 : (b & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

static bool val_matches(const spec_val_t *e, wasm_valtype_t t, const uint64_t *vp)
{
    uint64_t v = vp[0];
    if (t != e->type)
        return false;
    if (t == WASM_V128) {
        uint8_t got[16], want[16];
        memcpy(got, vp, 16);
        memcpy(want, &e->bits, 8);
        memcpy(want + 8, &e->hi, 8);
        for (int i = 0; i < e->nlanes; i++) {
            int n = e->lane_bytes;
            uint64_t g = 0;
            memcpy(&g, got + i * n, (size_t)n);
            if (e->lane_kind[i] != VAL_EXACT) {
                if (!nan_matches(e->lane_type, e->lane_kind[i], g))
                    return false;
            } else if (memcmp(got + i * n, want + i * n, (size_t)n) != 0) {
                return false;
            }
        }
        return true;
    }
    if (t == WASM_I32 || t == WASM_F32)
        v &= 0xffffffffu;
    switch (e->kind) {
    case VAL_NAN_CANON:
    case VAL_NAN_ARITH: return nan_matches(t, e->kind, v);
    case VAL_ANY: return v != 0 || !(t == WASM_FUNCREF || t == WASM_EXTERNREF);
    default: return v == e->bits;
    }
}

/* ------------------------------------------------------------ modules */

/* Reads a whole file into a malloc'd buffer; NULL with errno on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *d = realloc(data, cap);
            if (!d) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = d;
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return data;
}

static uint8_t *read_file(runner_t *r, const char *name, size_t *len, char *why, size_t cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", r->dir, name);
    uint8_t *data = (uint8_t *)slurp(path, len);
    if (!data)
        snprintf(why, cap, "cannot read %s: %s", path, strerror(errno));
    return data;
}

/* Loads the binary module file named by cmd. NULL on failure, with why. */
static wasm_module_t *load_module(runner_t *r, const json_t *cmd, char *why, size_t cap)
{
    const char *name = json_get_str(cmd, "filename", NULL);
    if (!name)
        return snprintf(why, cap, "command has no filename"), NULL;
    size_t len;
    uint8_t *bytes = read_file(r, name, &len, why, cap);
    if (!bytes)
        return NULL;
    wasm_error_t err;
    memset(&err, 0, sizeof err);
    wasm_module_t *m = wasm_module_load(r->rt, bytes, len, &err);
    free(bytes);
    if (!m) {
        snprintf(why, cap, "%s", err.message[0] ? err.message : "(no message)");
    } else {
        uint32_t nc, ni;
        wasm_module_tiers(m, &nc, &ni);
        r->fn_compiled += nc;
        r->fn_interp += ni;
    }
    return m;
}

/* Instantiates m against the linker with a fuel budget. */
static wasm_instance_t *instantiate(runner_t *r, wasm_module_t *m, wasm_error_t *err,
                                    wasm_trap_t *trap)
{
    memset(err, 0, sizeof *err);
    memset(trap, 0, sizeof *trap);
    wasm_exec_clear_interrupt(r->ex);
    wasm_exec_set_fuel(r->ex, SPEC_FUEL);
    return wasm_instantiate(m, r->linker, r->ex, err, trap);
}

static spec_mod_t *add_mod(runner_t *r)
{
    if (r->nmods == r->capmods) {
        size_t cap = r->capmods ? r->capmods * 2 : 16;
        spec_mod_t *m = realloc(r->mods, cap * sizeof *m);
        if (!m) {
            fprintf(stderr, "spec_runner: out of memory\n");
            exit(2);
        }
        r->mods = m;
        r->capmods = cap;
    }
    spec_mod_t *sm = &r->mods[r->nmods++];
    memset(sm, 0, sizeof *sm);
    return sm;
}

/* Finds the module a command refers to: by "$name", else the last one. */
static spec_mod_t *find_mod(runner_t *r, const char *name)
{
    if (!name)
        return r->current >= 0 ? &r->mods[r->current] : NULL;
    for (size_t i = r->nmods; i-- > 0;)
        if (r->mods[i].name && strcmp(r->mods[i].name, name) == 0)
            return &r->mods[i];
    return NULL;
}

/* "module": must load and instantiate. A broken module still becomes the
 * current one, so that the commands on it fail instead of hitting the
 * previous module. */
static void cmd_module(runner_t *r, const json_t *cmd)
{
    char why[300];
    spec_mod_t *sm = add_mod(r);
    const char *name = json_get_str(cmd, "name", NULL);
    sm->name = name ? strdup(name) : NULL;
    sm->line = r->line;
    r->current = (long)(sm - r->mods);
    sm->mod = load_module(r, cmd, why, sizeof why);
    if (!sm->mod) {
        fail(r, "FAILED TO LOAD, later commands on it fail: %s", why);
        return;
    }
    wasm_error_t err;
    wasm_trap_t trap;
    sm->inst = instantiate(r, sm->mod, &err, &trap);
    if (!sm->inst && trap.kind != WASM_OK)
        fail(r, "FAILED TO INSTANTIATE, later commands on it fail: trap: %s",
             wasm_trap_kind_name(trap.kind));
    else if (!sm->inst)
        fail(r, "FAILED TO LINK, later commands on it fail: %s", err.message);
    else
        pass(r);
}

/* "register": exports of the named (or last) module become importable under
 * "as". Does not count as a test. */
static void cmd_register(runner_t *r, const json_t *cmd)
{
    size_t aslen;
    const char *as = json_get_str(cmd, "as", &aslen);
    const char *name = json_get_str(cmd, "name", NULL);
    spec_mod_t *sm = find_mod(r, name);
    if (!as || !sm || !sm->inst) {
        printf("%s:%d: register: NOT REGISTERED (module %s %s)\n", r->src, r->line,
               name ? name : "(last)", sm ? "failed to load" : "not found");
        return;
    }
    if (!wasm_linker_define_instance(r->linker, as, (uint32_t)aslen, sm->inst))
        printf("%s:%d: register: wasm_linker_define_instance(\"%s\") failed\n", r->src,
               r->line, as);
}

/* ------------------------------------------------------------ actions */

enum { ACT_OK, ACT_TRAP, ACT_ERROR };

typedef struct outcome {
    int status;                   /* ACT_* */
    wasm_trap_t trap;             /* ACT_TRAP */
    uint32_t nres;
    wasm_valtype_t *types;        /* result types (malloc'd) */
    uint64_t *res;                /* malloc'd */
    char why[300];                /* ACT_ERROR */
} outcome_t;

static int act_error(outcome_t *o, const char *fmt, const char *arg)
{
    snprintf(o->why, sizeof o->why, fmt, arg);
    return o->status = ACT_ERROR;
}

/* Copies n one-byte type encodings from wasm_func_type() into a malloc'd
 * wasm_valtype_t array. */
static wasm_valtype_t *copy_types(const uint8_t *v, uint32_t n)
{
    wasm_valtype_t *t = calloc(n + 1, sizeof *t);
    for (uint32_t i = 0; t && i < n; i++)
        t[i] = (wasm_valtype_t)v[i];
    return t;
}

/* Converts the JSON arguments and checks them against the parameter types. */
static bool build_args(const json_t *args, const wasm_valtype_t *params, uint32_t np,
                       uint64_t *cells, outcome_t *o)
{
    if (json_count(args) != np) {
        snprintf(o->why, sizeof o->why, "%zu arguments given, function takes %" PRIu32,
                 json_count(args), np);
        return false;
    }
    for (uint32_t i = 0, c = 0; i < np; i++) {
        spec_val_t v;
        if (!parse_val(json_at(args, i), &v, o->why, sizeof o->why))
            return false;
        if (v.type != params[i] || v.kind != VAL_EXACT) {
            snprintf(o->why, sizeof o->why, "argument %" PRIu32 " has the wrong type", i);
            return false;
        }
        for (int l = 0; v.type == WASM_V128 && l < v.nlanes; l++)
            if (v.lane_kind[l] != VAL_EXACT) {
                snprintf(o->why, sizeof o->why, "argument %" PRIu32 " is not a constant", i);
                return false;
            }
        cells[c++] = v.bits;
        if (v.type == WASM_V128)
            cells[c++] = v.hi;
    }
    return true;
}

static int invoke(runner_t *r, wasm_instance_t *inst, const json_t *action, const char *field,
                  size_t flen, outcome_t *o)
{
    wasm_extern_t ext;
    if (!wasm_instance_export(inst, field, (uint32_t)flen, &ext) ||
        ext.kind != WASM_EXTERN_FUNC)
        return act_error(o, "no exported function \"%s\"", field);
    const uint8_t *ep, *er;
    uint32_t np;
    wasm_func_type(ext.u.func, &ep, &np, &er, &o->nres);
    wasm_valtype_t *params = copy_types(ep, np);
    o->types = copy_types(er, o->nres);
    uint64_t *args = calloc(2 * np + 1, sizeof *args);        /* cells: two per v128 */
    o->res = calloc(2 * o->nres + 1, sizeof *o->res);
    bool ok = params && o->types && args && o->res;
    if (!ok)
        act_error(o, "%s", "out of memory");
    else if (!build_args(json_get(action, "args"), params, np, args, o))
        ok = false, o->status = ACT_ERROR;
    free(params);
    if (!ok) {
        free(args);
        return o->status;
    }
    wasm_exec_clear_interrupt(r->ex);
    wasm_exec_set_fuel(r->ex, SPEC_FUEL);
    wasm_trap_kind_t k = wasm_call(r->ex, ext.u.func, args, o->res, &o->trap);
    free(args);
    o->trap.kind = k;
    return o->status = k == WASM_OK ? ACT_OK : ACT_TRAP;
}

static int get_global(wasm_instance_t *inst, const char *field, size_t flen, outcome_t *o)
{
    wasm_extern_t ext;
    if (!wasm_instance_export(inst, field, (uint32_t)flen, &ext) ||
        ext.kind != WASM_EXTERN_GLOBAL)
        return act_error(o, "no exported global \"%s\"", field);
    o->res = calloc(2, sizeof *o->res);
    o->types = calloc(1, sizeof *o->types);
    if (!o->res || !o->types)
        return act_error(o, "%s", "out of memory");
    o->types[0] = wasm_global_type(ext.u.global);
    o->nres = 1;
    if (o->types[0] == WASM_V128)
        wasm_global_get_v128(ext.u.global, o->res);
    else
        o->res[0] = wasm_global_get(ext.u.global);
    return o->status = ACT_OK;
}

/* Performs an "invoke" or "get" action; fills o and returns o->status. */
static int run_action(runner_t *r, const json_t *action, outcome_t *o)
{
    memset(o, 0, sizeof *o);
    const char *type = json_get_str(action, "type", NULL);
    const char *mname = json_get_str(action, "module", NULL);
    size_t flen;
    const char *field = json_get_str(action, "field", &flen);
    spec_mod_t *sm = find_mod(r, mname);
    if (!type || !field)
        return act_error(o, "%s", "malformed action");
    if (!sm)
        return act_error(o, "no module %s", mname ? mname : "defined yet");
    if (!sm->inst) {
        snprintf(o->why, sizeof o->why, "module (line %d) failed to load", sm->line);
        return o->status = ACT_ERROR;
    }
    if (strcmp(type, "invoke") == 0)
        return invoke(r, sm->inst, action, field, flen, o);
    if (strcmp(type, "get") == 0)
        return get_global(sm->inst, field, flen, o);
    return act_error(o, "unknown action type %s", type);
}

/* Describes an action outcome that was not what the command wanted. */
static const char *describe(const outcome_t *o, char *buf, size_t cap)
{
    if (o->status == ACT_ERROR)
        snprintf(buf, cap, "error: %s", o->why);
    else if (o->status == ACT_TRAP)
        snprintf(buf, cap, "trap: %s", wasm_trap_kind_name(o->trap.kind));
    else
        snprintf(buf, cap, "no trap");
    return buf;
}

/* The action's export name, escaped so that it cannot break output lines
 * (names.wast uses control characters and NUL). Returns a static buffer. */
static const char *action_field(const json_t *cmd)
{
    static char buf[200];
    size_t n, o = 0;
    const char *f = json_get_str(json_get(cmd, "action"), "field", &n);
    if (!f)
        return "?";
    for (size_t i = 0; i < n && o + 8 < sizeof buf; i++) {
        unsigned char c = (unsigned char)f[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
    }
    buf[o] = 0;
    return buf;
}

/* ------------------------------------------------------------ assertions */

/* Does trap kind k fit the reference interpreter's message text? Running out
 * of fuel or being interrupted never fits: that is a hang, not a trap. */
static bool trap_fits(const char *text, wasm_trap_kind_t k)
{
    static const struct { const char *prefix; wasm_trap_kind_t k1, k2; } map[] = {
        {"out of bounds memory access", WASM_TRAP_OOB_MEMORY, WASM_TRAP_OOB_MEMORY},
        {"out of bounds table access", WASM_TRAP_OOB_TABLE, WASM_TRAP_OOB_TABLE},
        {"undefined element", WASM_TRAP_OOB_TABLE, WASM_TRAP_UNINITIALIZED_ELEM},
        {"uninitialized element", WASM_TRAP_UNINITIALIZED_ELEM, WASM_TRAP_NULL_REF},
        {"indirect call type mismatch", WASM_TRAP_INDIRECT_MISMATCH, WASM_TRAP_INDIRECT_MISMATCH},
        {"integer divide by zero", WASM_TRAP_DIV_ZERO, WASM_TRAP_DIV_ZERO},
        {"integer overflow", WASM_TRAP_INT_OVERFLOW, WASM_TRAP_INT_OVERFLOW},
        {"invalid conversion to integer", WASM_TRAP_INVALID_CONVERSION, WASM_TRAP_INVALID_CONVERSION},
        {"unreachable", WASM_TRAP_UNREACHABLE, WASM_TRAP_UNREACHABLE},
        {"call stack exhausted", WASM_TRAP_STACK_EXHAUSTED, WASM_TRAP_STACK_EXHAUSTED},
        {"null", WASM_TRAP_NULL_REF, WASM_TRAP_NULL_REF},
    };
    if (k == WASM_OK || k == WASM_TRAP_OUT_OF_FUEL || k == WASM_TRAP_INTERRUPTED)
        return false;
    for (size_t i = 0; text && i < sizeof map / sizeof map[0]; i++)
        if (strncmp(text, map[i].prefix, strlen(map[i].prefix)) == 0)
            return k == map[i].k1 || k == map[i].k2;
    return true;
}

/* Compares results with the expected list; on mismatch fails the command. */
static void check_results(runner_t *r, const json_t *cmd, const outcome_t *o)
{
    const json_t *exp = json_get(cmd, "expected");
    char why[300], a[96], b[96];
    if (json_count(exp) != o->nres) {
        fail(r, "%s: expected %zu results, got %" PRIu32, action_field(cmd), json_count(exp),
             o->nres);
        return;
    }
    for (uint32_t i = 0, c = 0; i < o->nres; c += cells_of(o->types[i]), i++) {
        spec_val_t e;
        if (!parse_val(json_at(exp, i), &e, why, sizeof why)) {
            fail(r, "%s: %s", action_field(cmd), why);
            return;
        }
        if (!val_matches(&e, o->types[i], o->res + c)) {
            fail(r, "%s: result %" PRIu32 ": expected %s, got %s", action_field(cmd), i,
                 fmt_expected(a, sizeof a, &e), fmt_val(b, sizeof b, o->types[i], o->res + c));
            return;
        }
    }
    pass(r);
}

static void cmd_assert_return(runner_t *r, const json_t *cmd)
{
    outcome_t o;
    char buf[400];
    if (run_action(r, json_get(cmd, "action"), &o) == ACT_OK)
        check_results(r, cmd, &o);
    else
        fail(r, "%s: expected results, got %s", action_field(cmd), describe(&o, buf, sizeof buf));
    free(o.res);
    free(o.types);
}

static void cmd_action(runner_t *r, const json_t *cmd)
{
    outcome_t o;
    char buf[400];
    if (run_action(r, json_get(cmd, "action"), &o) == ACT_OK)
        pass(r);
    else
        fail(r, "%s: expected to run, got %s", action_field(cmd), describe(&o, buf, sizeof buf));
    free(o.res);
    free(o.types);
}

/* assert_trap / assert_exhaustion on an action. */
static void cmd_assert_trap_action(runner_t *r, const json_t *cmd, bool exhaustion)
{
    outcome_t o;
    char buf[400];
    const char *text = json_get_str(cmd, "text", NULL);
    run_action(r, json_get(cmd, "action"), &o);
    bool ok = o.status == ACT_TRAP &&
              (exhaustion ? o.trap.kind == WASM_TRAP_STACK_EXHAUSTED : trap_fits(text, o.trap.kind));
    if (ok)
        pass(r);
    else
        fail(r, "%s: expected trap \"%s\", got %s", action_field(cmd), text ? text : "?",
             describe(&o, buf, sizeof buf));
    free(o.res);
    free(o.types);
}

/* assert_trap on a module, assert_uninstantiable: loads, then instantiation
 * must trap. The module does not become the current one. */
static void cmd_assert_uninstantiable(runner_t *r, const json_t *cmd)
{
    char why[300];
    const char *text = json_get_str(cmd, "text", NULL);
    wasm_module_t *m = load_module(r, cmd, why, sizeof why);
    if (!m) {
        fail(r, "expected instantiation trap \"%s\", but load failed: %s", text, why);
        return;
    }
    wasm_error_t err;
    wasm_trap_t trap;
    wasm_instance_t *inst = instantiate(r, m, &err, &trap);
    /* Kept alive to the end: a failed or trapping instantiation may already
     * have written references to its functions into imported tables. */
    spec_mod_t *sm = add_mod(r);
    sm->mod = m;
    sm->inst = inst;
    sm->line = r->line;
    if (inst)
        fail(r, "expected instantiation trap \"%s\", but it instantiated", text);
    else if (trap.kind == WASM_OK)
        fail(r, "expected instantiation trap \"%s\", got link error: %s", text, err.message);
    else if (!trap_fits(text, trap.kind))
        fail(r, "expected instantiation trap \"%s\", got trap: %s", text,
             wasm_trap_kind_name(trap.kind));
    else
        pass(r);
}

static void cmd_assert_unlinkable(runner_t *r, const json_t *cmd)
{
    char why[300];
    const char *text = json_get_str(cmd, "text", NULL);
    wasm_module_t *m = load_module(r, cmd, why, sizeof why);
    if (!m) {
        fail(r, "expected link error \"%s\", but load failed: %s", text, why);
        return;
    }
    wasm_error_t err;
    wasm_trap_t trap;
    wasm_instance_t *inst = instantiate(r, m, &err, &trap);
    spec_mod_t *sm = add_mod(r);
    sm->mod = m;
    sm->inst = inst;
    sm->line = r->line;
    if (inst)
        fail(r, "expected link error \"%s\", but it instantiated", text);
    else if (trap.kind != WASM_OK)
        fail(r, "expected link error \"%s\", got trap: %s", text, wasm_trap_kind_name(trap.kind));
    else
        pass(r);
}

/* Runs "wat2wasm file -o /dev/null" quietly. Returns its exit status, 127
 * if it could not be run, or -1 if it died. */
static int run_wat2wasm(runner_t *r, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", r->dir, name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 127;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (r->wat_flag)
            execlp("wat2wasm", "wat2wasm", r->wat_flag, path, "-o", "/dev/null", (char *)NULL);
        else
            execlp("wat2wasm", "wat2wasm", path, "-o", "/dev/null", (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A text module that must be rejected. */
static void text_module(runner_t *r, const json_t *cmd, const char *text)
{
    const char *name = json_get_str(cmd, "filename", NULL);
    if (r->text_skip || !name) {
        skip(r, "text-format module: the engine takes binary only (rejecting it would test wabt)");
        return;
    }
    int st = run_wat2wasm(r, name);
    if (st == 127)
        skip(r, "text-format module and no wat2wasm to read it");
    else if (st == 0)
        fail(r, "expected \"%s\", but wat2wasm accepted %s", text, name);
    else if (st < 0)
        fail(r, "wat2wasm died on %s", name);
    else
        pass(r);
}

/* assert_invalid / assert_malformed: the module must not load. */
static void cmd_assert_bad_module(runner_t *r, const json_t *cmd)
{
    char why[300];
    const char *text = json_get_str(cmd, "text", NULL);
    const char *mt = json_get_str(cmd, "module_type", NULL);
    if (mt && strcmp(mt, "text") == 0) {
        text_module(r, cmd, text ? text : "?");
        return;
    }
    wasm_module_t *m = load_module(r, cmd, why, sizeof why);
    if (m && text && strcmp(text, "multiple memories") == 0) {
        /* Wasm 2.0's core tests forbid a second memory; the multi-memory
         * proposal (Wasm 3.0, proposals/multi-memory) allows it. */
        skip(r, "Wasm 2.0 rule superseded by multiple memories (Wasm 3.0)");
        wasm_module_free(m);
        return;
    }
    if (m) {
        fail(r, "expected \"%s\", but the module loaded", text ? text : "?");
        wasm_module_free(m);
        return;
    }
    if (r->verbose)
        printf("%s:%d: %s: ok: expected \"%s\", engine said: %s\n", r->src, r->line, r->cmd,
               text ? text : "?", why);
    pass(r);
}

/* ------------------------------------------------------------ driver */

static bool counts(const char *type)
{
    return strcmp(type, "register") != 0;
}

static void run_command(runner_t *r, const json_t *cmd)
{
    const char *t = r->cmd;
    if (strcmp(t, "module") == 0)
        cmd_module(r, cmd);
    else if (strcmp(t, "register") == 0)
        cmd_register(r, cmd);
    else if (strcmp(t, "action") == 0)
        cmd_action(r, cmd);
    else if (strcmp(t, "assert_return") == 0)
        cmd_assert_return(r, cmd);
    else if (strcmp(t, "assert_trap") == 0 && json_get(cmd, "action"))
        cmd_assert_trap_action(r, cmd, false);
    else if (strcmp(t, "assert_exhaustion") == 0)
        cmd_assert_trap_action(r, cmd, true);
    else if (strcmp(t, "assert_trap") == 0 || strcmp(t, "assert_uninstantiable") == 0)
        cmd_assert_uninstantiable(r, cmd);
    else if (strcmp(t, "assert_unlinkable") == 0)
        cmd_assert_unlinkable(r, cmd);
    else if (strcmp(t, "assert_invalid") == 0 || strcmp(t, "assert_malformed") == 0)
        cmd_assert_bad_module(r, cmd);
    else
        fail(r, "unknown command type");
}

static void usage(void)
{
    fprintf(stderr, "usage: spec_runner [-v] [--text=wat2wasm|skip] [--wat-flag=FLAG] "
                    "[--engine=interp|compiled] [--bounds=explicit] [--progress FILE] file.json\n");
    exit(2);
}


static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Creates the runtime, the linker with "spectest", and the exec context. */
static bool setup(runner_t *r)
{
    wasm_config_t cfg = {.engine = r->engine, .bounds = r->bounds};
    r->rt = wasm_runtime_new(&cfg);
    if (r->rt && r->engine == WASM_ENGINE_COMPILED &&
        wasm_runtime_set_engine(r->rt, r->engine) != WASM_ENGINE_COMPILED) {
        fprintf(stderr, "spec_runner: no compiled tier on this host\n");
        return false;
    }
    r->linker = r->rt ? wasm_linker_new(r->rt) : NULL;
    r->ex = r->rt ? wasm_exec_new(r->rt) : NULL;
    return r->linker && r->ex && spec_define_spectest(r->rt, r->linker, r->verbose);
}

static void teardown(runner_t *r)
{
    for (size_t i = r->nmods; i-- > 0;)
        if (r->mods[i].inst)
            wasm_instance_free(r->mods[i].inst);
    for (size_t i = r->nmods; i-- > 0;) {
        if (r->mods[i].mod)
            wasm_module_free(r->mods[i].mod);
        free(r->mods[i].name);
    }
    free(r->mods);
    if (r->linker)
        wasm_linker_free(r->linker);
    if (r->ex)
        wasm_exec_free(r->ex);
    if (r->rt)
        wasm_runtime_free(r->rt);
}

static void run_script(runner_t *r, const json_t *cmds)
{
    int total = 0, modules = 0;
    for (size_t i = 0; i < json_count(cmds); i++) {
        const char *t = json_get_str(json_at(cmds, i), "type", NULL);
        total += t && counts(t);
        modules += t && strcmp(t, "module") == 0;
    }
    printf("# %s: %d commands (%d module)\n", r->src, total, modules);
    fflush(stdout);
    save_progress(r);
    for (size_t i = 0; i < json_count(cmds); i++) {
        const json_t *cmd = json_at(cmds, i);
        r->line = (int)json_get_int(cmd, "line", 0);
        r->cmd = json_get_str(cmd, "type", NULL);
        if (!r->cmd)
            r->cmd = "?";
        save_progress(r);
        run_command(r, cmd);
    }
}

int main(int argc, char **argv)
{
    runner_t r = {.progress_fd = -1, .current = -1, .text_skip = true};
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            r.verbose = true;
        else if (strcmp(argv[i], "--engine=interp") == 0)
            r.engine = WASM_ENGINE_INTERP;
        else if (strcmp(argv[i], "--engine=compiled") == 0)
            r.engine = WASM_ENGINE_COMPILED;
        else if (strcmp(argv[i], "--bounds=explicit") == 0)
            r.bounds = WASM_BOUNDS_EXPLICIT;
        else if (strcmp(argv[i], "--text=skip") == 0)
            r.text_skip = true;
        else if (strcmp(argv[i], "--text=wat2wasm") == 0)
            r.text_skip = false;
        else if (strncmp(argv[i], "--wat-flag=", 11) == 0)
            r.wat_flag = argv[i] + 11;
        else if (strcmp(argv[i], "--progress") == 0 && i + 1 < argc)
            r.progress_fd = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        else if (argv[i][0] == '-' || path)
            usage();
        else
            path = argv[i];
    }
    if (!path)
        usage();
    size_t len;
    char *text = slurp(path, &len);
    char err[200];
    if (!text) {
        fprintf(stderr, "spec_runner: %s: %s\n", path, strerror(errno));
        return 2;
    }
    json_t *doc = json_parse(text, len, err, sizeof err);
    free(text);
    if (!doc) {
        fprintf(stderr, "spec_runner: %s: %s\n", path, err);
        return 2;
    }
    char *dir = strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    r.dir = slash ? dir : ".";
    const char *src = json_get_str(doc, "source_filename", NULL);
    r.src = base_name(src ? src : path);
    if (!setup(&r)) {
        fprintf(stderr, "spec_runner: cannot set up the runtime and spectest module\n");
        return 2;
    }
    run_script(&r, json_get(doc, "commands"));
    printf("%s: functions by tier: %u compiled, %u interpreted\n", r.src, r.fn_compiled,
           r.fn_interp);
    printf("%s: %d passed, %d failed, %d skipped\n", r.src, r.passed, r.failed, r.skipped);
    fflush(stdout);
    teardown(&r);
    json_free(doc);
    free(dir);
    return r.failed != 0;
}
