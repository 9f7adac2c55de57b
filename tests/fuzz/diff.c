/*
 * Differential fuzzer: the compiled tier against the interpreter.
 *
 * Each module comes from a random recipe for gen.c (tests/fuzz/gen.h), so it
 * is valid. It is loaded into two runtimes, one interpreting and one
 * compiling, instantiated in both with the same fuel, and every exported
 * function is called twice in both (zero arguments, then arguments drawn
 * from the recipe's seed). After each step the two must agree exactly on:
 *   - the trap kind (or success) and every result (NaNs compare as NaN:
 *     Wasm leaves their payload open),
 *   - the fuel left (both tiers count the same safe points),
 *   - the linear memory's size and bytes, and every global.
 * The one allowed difference: when either side exhausts its stack, the depth
 * at which that happens may differ; both must report it, and the module's
 * remaining state is not compared.
 *
 *   diff_fuzz [-n MODULES] [-s SEED] [-l MAXLEN] [-q] [-b] [-x] [recipe ...]
 *
 * Without files it runs MODULES random recipes (default 1000) from SEED;
 * with files it replays them. -b makes the compiled side check bounds
 * explicitly instead of relying on guard regions. -x links each function
 * import to a second instance of the same module (an export of the same
 * type) where one fits, so calls and tail calls cross instances; the
 * peer's memory and globals are compared too. Before the last line it
 * prints how many of the compiled side's functions were compiled (a back
 * end that compiled nothing would agree with the interpreter everywhere). A mismatch saves the recipe as
 * build/fuzz/diff-SEED-N.bin, prints the replay command and exits 1. The
 * last line is "diff-fuzz: N modules, C calls, T traps, 0 mismatches".
 *
 * It looks inside the engine (module.h, internal.h) to read every global,
 * as the fuzz target does: it is a test of the engine.
 */
#include <wasm/wasm.h>

#include "gen.h"
#include "internal.h"
#include "module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FUEL 20000
#define MAX_PAGES 64
#define MAX_ELEMS 10000
#define CALL_DEPTH 500
#define STACK_CELLS (1u << 15)

typedef struct side {
    wasm_runtime_t *rt;
    wasm_module_t *m;
    wasm_linker_t *l;
    wasm_exec_t *ex;
    wasm_instance_t *inst;
    wasm_instance_t *peer;    /* -x: the module's second instance, whose functions it imports */
    wasm_linker_t *l0;        /* -x: the host's imports, which the peer takes */
} side_t;

static uint64_t calls, traps, stack_outs;
static uint64_t fn_compiled, fn_interpreted;   /* functions of the compiled side, by tier */
static bool explicit_bounds;                   /* -b: explicit bounds checks, no guard regions */
static bool peer_imports;                      /* -x: function imports from a second instance */
static uint64_t peer_links;                    /* -x: imports linked to the peer (compiled side) */
static bool quiet;

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static wasm_trap_kind_t host_zero(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    const wasmi_functype_t *ft = user;
    (void)ctx;
    for (uint32_t i = 0; i < ft->rcells; i++)     /* a v128 result takes two cells */
        cells[i] = 0;
    return WASM_OK;
}

static bool make_import(wasm_runtime_t *rt, wasm_module_t *m, const wasmi_import_t *im,
                        wasm_extern_t *out)
{
    out->kind = (wasm_extern_kind_t)im->kind;
    switch (im->kind) {
    case WASM_EXTERN_FUNC: {
        wasmi_functype_t *ft = &m->types[im->u.type_idx];
        wasm_valtype_t vt[64];
        if (ft->nparams + ft->nresults > 64)
            return false;
        for (uint32_t i = 0; i < ft->nparams + ft->nresults; i++)
            vt[i] = (wasm_valtype_t)ft->types[i];
        out->u.func = wasm_func_new_host(rt, vt, ft->nparams, vt + ft->nparams, ft->nresults,
                                         host_zero, ft, "zero");
        return out->u.func != NULL;
    }
    case WASM_EXTERN_TABLE:
        out->u.table = wasm_table_new(rt, (wasm_valtype_t)im->u.table.elem, im->u.table.lim.min,
                                      im->u.table.lim.max, im->u.table.lim.has_max);
        return out->u.table != NULL;
    case WASM_EXTERN_MEMORY:
        out->u.memory = wasm_memory_new(rt, im->u.mem.min, im->u.mem.max, im->u.mem.has_max);
        return out->u.memory != NULL;
    case WASM_EXTERN_GLOBAL:
        out->u.global = wasm_global_new(rt, (wasm_valtype_t)im->u.global.type,
                                        im->u.global.mut, 0);
        return out->u.global != NULL;
    }
    return false;
}

static void side_free(side_t *s)
{
    if (s->inst)
        wasm_instance_free(s->inst);
    if (s->peer)
        wasm_instance_free(s->peer);
    if (s->l0)
        wasm_linker_free(s->l0);
    if (s->ex)
        wasm_exec_free(s->ex);
    if (s->l)
        wasm_linker_free(s->l);
    if (s->m)
        wasm_module_free(s->m);
    if (s->rt)
        wasm_runtime_free(s->rt);
    memset(s, 0, sizeof *s);
}

static bool same_type(const wasmi_functype_t *a, const wasmi_functype_t *b)
{
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           !memcmp(a->types, b->types, a->nparams + a->nresults);
}

/* -x: a second instance of the module (the peer, on the host's imports)
 * supplies each function import that one of its exports matches in type,
 * so calls and tail calls to imports cross instances (on the compiled tier,
 * the instance registers switch). Both sides pick the same exports. A peer
 * whose start traps leaves the host's imports. */
static const char *link_peer(side_t *s, const wasm_extern_t *ext)
{
    wasm_error_t err;
    wasm_trap_t t;
    wasm_exec_set_fuel(s->ex, FUEL);
    s->peer = wasm_instantiate(s->m, s->l, s->ex, &err, &t);
    if (!s->peer)
        return NULL;
    s->l0 = s->l;
    s->l = wasm_linker_new(s->rt);
    if (!s->l)
        return "out of memory";
    const wasm_module_t *m = s->m;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasmi_import_t *im = &m->imports[i];
        wasm_extern_t x = ext[i];
        for (uint32_t k = 0; im->kind == WASM_EXTERN_FUNC && k < m->nexports; k++) {
            const wasmi_export_t *e = &m->exports[(i * 3 + k) % m->nexports];
            wasm_extern_t px;
            if (e->kind == WASM_EXTERN_FUNC &&
                same_type(&m->types[m->func_type[e->index]], &m->types[im->u.type_idx]) &&
                wasm_instance_export(s->peer, e->name, e->name_len, &px)) {
                x = px;
                peer_links += s->rt->engine == WASM_ENGINE_COMPILED;
                break;
            }
        }
        wasm_linker_define(s->l, im->module, im->module_len, im->name, im->name_len, x);
    }
    return NULL;
}

/* Loads and links; the instance is made by the caller (it may trap). */
static const char *side_new(side_t *s, wasm_engine_t engine, const uint8_t *bin, size_t len)
{
    wasm_config_t cfg = {
        .max_call_depth = CALL_DEPTH, .value_stack_cells = STACK_CELLS,
        .max_memory_pages = MAX_PAGES, .max_table_elems = MAX_ELEMS, .engine = engine,
        .bounds = explicit_bounds ? WASM_BOUNDS_EXPLICIT : WASM_BOUNDS_DEFAULT,
    };
    static wasm_error_t err;
    s->rt = wasm_runtime_new(&cfg);
    if (!s->rt)
        return "out of memory";
    if (engine == WASM_ENGINE_COMPILED &&
        wasm_runtime_set_engine(s->rt, engine) != WASM_ENGINE_COMPILED)
        return "no compiled tier on this host";
    s->m = wasm_module_load(s->rt, bin, len, &err);
    if (!s->m)
        return err.message;
    if (engine == WASM_ENGINE_COMPILED) {
        uint32_t nc, ni;
        wasm_module_tiers(s->m, &nc, &ni);
        fn_compiled += nc;
        fn_interpreted += ni;
    }
    s->l = wasm_linker_new(s->rt);
    s->ex = wasm_exec_new(s->rt);
    if (!s->l || !s->ex)
        return "out of memory";
    wasm_extern_t ext[64];
    if (s->m->nimports > 64)
        return "too many imports";
    for (uint32_t i = 0; i < s->m->nimports; i++) {
        const wasmi_import_t *im = &s->m->imports[i];
        if (!make_import(s->rt, s->m, im, &ext[i]))
            return "cannot make an import";
        wasm_linker_define(s->l, im->module, im->module_len, im->name, im->name_len, ext[i]);
    }
    if (peer_imports && s->m->nfunc_imports)
        return link_peer(s, ext);
    return NULL;
}

static bool is_nan(uint8_t t, uint64_t v)
{
    if (t == WASM_F32)
        return ((v >> 23) & 0xFF) == 0xFF && (v & 0x7FFFFF);
    if (t == WASM_F64)
        return ((v >> 52) & 0x7FF) == 0x7FF && (v & 0xFFFFFFFFFFFFFull);
    return false;
}

static char why[512];

/* Instance state: memory and globals. */
static bool same_state(side_t *a, side_t *b)
{
    wasm_memory_t *ma = wasm_instance_memory(a->inst, 0), *mb = wasm_instance_memory(b->inst, 0);
    if (!ma != !mb) {
        snprintf(why, sizeof why, "memory presence differs");
        return false;
    }
    if (ma) {
        uint64_t sa = wasm_memory_size(ma), sb = wasm_memory_size(mb);
        if (sa != sb) {
            snprintf(why, sizeof why, "memory size %llu vs %llu", (unsigned long long)sa,
                     (unsigned long long)sb);
            return false;
        }
        const uint8_t *da = wasm_memory_data(ma), *db = wasm_memory_data(mb);
        if (sa && memcmp(da, db, sa)) {
            uint64_t k = 0;
            while (da[k] == db[k])
                k++;
            snprintf(why, sizeof why, "memory differs at %llu: %02x vs %02x",
                     (unsigned long long)k, da[k], db[k]);
            return false;
        }
    }
    for (uint32_t i = 0; i < a->m->nglobals; i++) {
        uint64_t va = a->inst->globals[i]->value, vb = b->inst->globals[i]->value;
        uint8_t t = a->m->globals[i].type;
        if (t == WASM_V128 && a->inst->globals[i]->hi != b->inst->globals[i]->hi) {
            snprintf(why, sizeof why, "global %u: v128 high halves differ", i);
            return false;
        }
        if (t == WASM_FUNCREF || t == WASM_EXTERNREF) {
            if (!va != !vb) {
                snprintf(why, sizeof why, "global %u: null vs non-null", i);
                return false;
            }
            continue;
        }
        if (va != vb && !(is_nan(t, va) && is_nan(t, vb))) {
            snprintf(why, sizeof why, "global %u: %llx vs %llx", i, (unsigned long long)va,
                     (unsigned long long)vb);
            return false;
        }
    }
    return true;
}

/* One call on both sides. Returns false on a mismatch; *stop when a stack
 * exhaustion makes further comparison meaningless. */
static bool compare_call(side_t *a, side_t *b, const char *name, uint32_t name_len,
                         const uint64_t *args, bool *stop)
{
    wasm_extern_t ea, eb;
    if (!wasm_instance_export(a->inst, name, name_len, &ea) ||
        !wasm_instance_export(b->inst, name, name_len, &eb)) {
        snprintf(why, sizeof why, "export lookup failed");
        return false;
    }
    const uint8_t *params, *results;
    uint32_t np, nr;
    wasm_func_type(ea.u.func, &params, &np, &results, &nr);
    uint64_t ra[64] = {0}, rb[64] = {0};
    if (nr > 64)
        return true;
    wasm_trap_t ta, tb;
    wasm_exec_set_fuel(a->ex, FUEL);
    wasm_exec_set_fuel(b->ex, FUEL);
    wasm_trap_kind_t ka = wasm_call(a->ex, ea.u.func, args, ra, &ta);
    wasm_trap_kind_t kb = wasm_call(b->ex, eb.u.func, args, rb, &tb);
    calls++;
    traps += ka != WASM_OK;
    if (ka == WASM_TRAP_STACK_EXHAUSTED || kb == WASM_TRAP_STACK_EXHAUSTED) {
        stack_outs++;
        *stop = true;
        if (ka != kb) {
            snprintf(why, sizeof why, "%.*s: trap %s vs %s", (int)name_len, name,
                     wasm_trap_kind_name(ka), wasm_trap_kind_name(kb));
            return false;
        }
        return true;
    }
    if (ka != kb) {
        snprintf(why, sizeof why, "%.*s: interp %s, compiled %s", (int)name_len, name,
                 wasm_trap_kind_name(ka), wasm_trap_kind_name(kb));
        return false;
    }
    if (ka == WASM_OK) {
        /* results are cells: a v128 takes two */
        for (uint32_t i = 0, c = 0; i < nr && c + 1 < 64; c += wasmi_cells(results[i]), i++) {
            bool same = ra[c] == rb[c] || (is_nan(results[i], ra[c]) && is_nan(results[i], rb[c]));
            if (results[i] == WASM_FUNCREF || results[i] == WASM_EXTERNREF)
                same = !ra[c] == !rb[c];
            if (results[i] == WASM_V128)
                same = ra[c] == rb[c] && ra[c + 1] == rb[c + 1];
            if (!same && results[i] == WASM_V128) {
                snprintf(why, sizeof why, "%.*s: result %u: v128 %016llx%016llx vs %016llx%016llx",
                         (int)name_len, name, i, (unsigned long long)ra[c + 1],
                         (unsigned long long)ra[c], (unsigned long long)rb[c + 1],
                         (unsigned long long)rb[c]);
                return false;
            }
            if (!same) {
                snprintf(why, sizeof why, "%.*s: result %u: %llx vs %llx", (int)name_len, name, i,
                         (unsigned long long)ra[c], (unsigned long long)rb[c]);
                return false;
            }
        }
    } else if (ta.nframes == 0 || tb.nframes == 0 ||
               ta.frames[0].func_index != tb.frames[0].func_index) {
        snprintf(why, sizeof why, "%.*s: trap %s raised in func %u vs %u (%u, %u frames)",
                 (int)name_len, name, wasm_trap_kind_name(ka),
                 ta.nframes ? ta.frames[0].func_index : 9999,
                 tb.nframes ? tb.frames[0].func_index : 9999, ta.nframes, tb.nframes);
        /* host traps carry no frames on either tier */
        if (ka != WASM_TRAP_HOST)
            return false;
    }
    if (wasm_exec_fuel(a->ex) != wasm_exec_fuel(b->ex)) {
        snprintf(why, sizeof why, "%.*s (%s): fuel left %llu vs %llu", (int)name_len, name,
                 wasm_trap_kind_name(ka), (unsigned long long)wasm_exec_fuel(a->ex),
                 (unsigned long long)wasm_exec_fuel(b->ex));
        return false;
    }
    if (!same_state(a, b))
        return false;
    if (a->peer && b->peer) {
        side_t pa = {.m = a->m, .inst = a->peer}, pb = {.m = b->m, .inst = b->peer};
        if (!same_state(&pa, &pb)) {
            memmove(why + 6, why, sizeof why - 7);
            memcpy(why, "peer: ", 6);
            return false;
        }
    }
    return true;
}

/* Runs one recipe; returns false on a mismatch (why[] says what). */
static bool run_recipe(const uint8_t *recipe, size_t n, uint64_t argseed)
{
    size_t len;
    uint8_t *bin = fuzz_gen_module(recipe, n, &len);
    if (!bin) {
        snprintf(why, sizeof why, "generator out of memory");
        return false;
    }
    const char *dump = getenv("DIFF_DUMP");   /* saves the module of a replay */
    FILE *df = dump ? fopen(dump, "wb") : NULL;
    if (df) {
        fwrite(bin, 1, len, df);
        fclose(df);
    }
    side_t a = {0}, b = {0};
    bool ok = true;
    const char *ea = side_new(&a, WASM_ENGINE_INTERP, bin, len);
    const char *eb = side_new(&b, WASM_ENGINE_COMPILED, bin, len);
    if (ea || eb) {
        snprintf(why, sizeof why, "setup: %s / %s", ea ? ea : "ok", eb ? eb : "ok");
        ok = false;
        goto out;
    }
    if (!a.peer != !b.peer) {
        snprintf(why, sizeof why, "peer instantiation: %s vs %s", a.peer ? "ok" : "trapped",
                 b.peer ? "ok" : "trapped");
        ok = false;
        goto out;
    }
    wasm_error_t err;
    wasm_trap_t ta, tb;
    ta.kind = tb.kind = WASM_OK;
    wasm_exec_set_fuel(a.ex, FUEL);
    wasm_exec_set_fuel(b.ex, FUEL);
    a.inst = wasm_instantiate(a.m, a.l, a.ex, &err, &ta);
    b.inst = wasm_instantiate(b.m, b.l, b.ex, &err, &tb);
    if (!a.inst != !b.inst || ta.kind != tb.kind) {
        if (ta.kind == WASM_TRAP_STACK_EXHAUSTED && tb.kind == WASM_TRAP_STACK_EXHAUSTED)
            goto out;
        snprintf(why, sizeof why, "instantiation: %s vs %s", wasm_trap_kind_name(ta.kind),
                 wasm_trap_kind_name(tb.kind));
        ok = false;
        goto out;
    }
    if (!a.inst)
        goto out;
    if (!same_state(&a, &b)) {
        ok = false;
        goto out;
    }
    uint32_t nx = wasm_module_export_count(a.m);
    bool stop = false;
    for (int round = 0; round < 2 && ok && !stop; round++) {
        for (uint32_t i = 0; i < nx && ok && !stop; i++) {
            wasm_export_desc_t d;
            wasm_module_export(a.m, i, &d);
            if (d.kind != WASM_EXTERN_FUNC)
                continue;
            uint64_t args[64] = {0};
            if (round == 1) {
                uint64_t s = argseed ^ i;
                for (int k = 0; k < 64; k++) {
                    uint64_t r = rng(&s);
                    /* small values often: they index memory and tables */
                    args[k] = (r & 3) == 0 ? r >> 60 : (r & 3) == 1 ? (uint32_t)r : r;
                }
                /* a reference from outside is null or a real one: random
                 * bits would be a forged pointer (the API takes the
                 * caller's word for it; seed 5005 module 77750 stored one
                 * in a table and called through it) */
                wasm_extern_t fx;
                const uint8_t *pt, *rt;
                uint32_t np, nr;
                if (wasm_instance_export(a.inst, d.name, d.name_len, &fx)) {
                    wasm_func_type(fx.u.func, &pt, &np, &rt, &nr);
                    for (uint32_t p = 0, c = 0; p < np && c < 64; c += wasmi_cells(pt[p]), p++)
                        if (pt[p] == WASM_FUNCREF || pt[p] == WASM_EXTERNREF)
                            args[c] = 0;
                }
            }
            ok = compare_call(&a, &b, d.name, d.name_len, args, &stop);
        }
    }
out:
    side_free(&a);
    side_free(&b);
    free(bin);
    return ok;
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1 << 20);
    *n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    uint64_t nmods = 1000, seed = 1, maxlen = 1024, first = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-q")) {
            quiet = true;
            continue;
        }
        if (!strcmp(argv[i], "-b")) {
            explicit_bounds = true;
            continue;
        }
        if (!strcmp(argv[i], "-x")) {
            peer_imports = true;
            continue;
        }
        if (i + 1 >= argc)
            break;
        if (!strcmp(argv[i], "-n"))
            nmods = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-s"))
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-l"))
            maxlen = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "-k"))     /* start at module K of the seed's run */
            first = strtoull(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "usage: diff_fuzz [-n MODULES] [-s SEED] [-k FIRST] [-l MAXLEN] [-q] [-b] [-x] [recipe ...]\n");
            return 2;
        }
    }
    uint64_t mods = 0;
    int bad = 0;
    time_t t0 = time(NULL);
    if (i < argc) {
        for (; i < argc; i++) {
            size_t n;
            uint8_t *r = read_file(argv[i], &n);
            if (!r) {
                fprintf(stderr, "diff-fuzz: cannot read %s\n", argv[i]);
                return 2;
            }
            mods++;
            if (!run_recipe(r, n, n)) {
                printf("MISMATCH %s: %s\n", argv[i], why);
                bad++;
            }
            free(r);
        }
    } else {
        uint8_t *r = malloc(maxlen + 1);
        for (uint64_t k = first; k < nmods && r; k++) {
            uint64_t s = seed * 1000003u + k;
            size_t n = 1 + rng(&s) % maxlen;
            for (size_t q = 0; q < n; q += 8) {
                uint64_t v = rng(&s);
                memcpy(r + q, &v, n - q < 8 ? n - q : 8);
            }
            mods++;
            if (!run_recipe(r, n, s)) {
                char path[256];
                snprintf(path, sizeof path, "build/fuzz/diff-%llu-%llu.bin",
                         (unsigned long long)seed, (unsigned long long)k);
                FILE *f = fopen(path, "wb");
                if (f) {
                    fwrite(r, 1, n, f);
                    fclose(f);
                }
                printf("MISMATCH module %llu (seed %llu): %s\n  replay: build/fuzz/diff_fuzz %s\n",
                       (unsigned long long)k, (unsigned long long)seed, why, path);
                bad++;
                break;
            }
            if (!quiet && (k + 1) % 10000 == 0)
                fprintf(stderr, "diff-fuzz: %llu modules, %lds\n", (unsigned long long)(k + 1),
                        (long)(time(NULL) - t0));
        }
        free(r);
    }
    printf("diff-fuzz: %llu functions compiled, %llu interpreted (the compiled side)\n",
           (unsigned long long)fn_compiled, (unsigned long long)fn_interpreted);
    if (peer_imports)
        printf("diff-fuzz: %llu function imports linked to a second instance (the compiled side)\n",
               (unsigned long long)peer_links);
    printf("diff-fuzz: %llu modules, %llu calls, %llu traps, %llu stack exhaustions, "
           "%d mismatches\n",
           (unsigned long long)mods, (unsigned long long)calls, (unsigned long long)traps,
           (unsigned long long)stack_outs, bad);
    return bad ? 1 : 0;
}
