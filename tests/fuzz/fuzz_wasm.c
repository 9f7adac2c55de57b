/*
 * libFuzzer target for the whole engine: a module is loaded (decoded,
 * validated, compiled), instantiated against harmless host imports, and
 * every exported function is called with zero arguments under a fuel limit.
 * Whatever the input, the engine must answer with an error or a trap: never
 * crash, hang, read out of bounds or leak.
 *
 * The first byte picks where the module comes from:
 *   0x00 (as in "\0asm")  the input is the module, arbitrary bytes;
 *   anything else         the rest is a recipe for gen.c, which always
 *                         makes a valid module. Then the engine must also
 *                         load and link it: a refusal aborts, with the
 *                         engine's message. FUZZ_DUMP=file saves the module.
 *
 * Each input gets its own runtime. Host objects belong to the runtime, so
 * freeing it frees every import we made; anything left over is an engine
 * leak that LeakSanitizer reports.
 *
 * The public API names an import's kind but not its type, so the target
 * reads the types from the decoded module (module.h): it is a test of the
 * engine and may look inside it.
 */
#include <wasm/wasm.h>

#include "gen.h"
#include "module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Small limits keep one input fast: the fuzzer looks for wrong answers, not
 * for how big a memory the host can hand out. */
#define FUZZ_FUEL 100000
#define FUZZ_MAX_PAGES 256       /* 16 MiB per memory */
#define FUZZ_MAX_ELEMS 100000
#define FUZZ_CALL_DEPTH 2000
#define FUZZ_STACK_CELLS (1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every imported function: write zeros of its result types. user is the
 * module's wasmi_functype_t, which outlives the instance. */
static wasm_trap_kind_t fuzz_host_zero(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    const wasmi_functype_t *ft = user;
    (void)ctx;
    for (uint32_t i = 0; i < ft->rcells; i++)   /* two cells per v128 */
        cells[i] = 0;
    return WASM_OK;
}

/* A host object matching import im of m, or false when the runtime refuses
 * to make one (e.g. a memory larger than the configured limit). */
static bool fuzz_make_import(wasm_runtime_t *rt, wasm_module_t *m, const wasmi_import_t *im,
                             wasm_extern_t *out)
{
    out->kind = (wasm_extern_kind_t)im->kind;
    switch (im->kind) {
    case WASM_EXTERN_FUNC: {
        wasmi_functype_t *ft = &m->types[im->u.type_idx];
        /* The module keeps types as bytes; the API takes wasm_valtype_t. */
        wasm_valtype_t *vt = calloc((size_t)ft->nparams + ft->nresults + 1, sizeof *vt);
        if (!vt)
            return false;
        for (uint32_t i = 0; i < ft->nparams + ft->nresults; i++)
            vt[i] = (wasm_valtype_t)ft->types[i];
        out->u.func = wasm_func_new_host(rt, vt, ft->nparams, vt + ft->nparams, ft->nresults,
                                         fuzz_host_zero, ft, "fuzz.zero");
        free(vt);
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

/* A linker defining every import of m, or NULL if one can't be made. */
static wasm_linker_t *fuzz_linker(wasm_runtime_t *rt, wasm_module_t *m)
{
    wasm_linker_t *l = wasm_linker_new(rt);
    if (!l)
        return NULL;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasmi_import_t *im = &m->imports[i];
        wasm_extern_t ext;
        if (!fuzz_make_import(rt, m, im, &ext)) {
            wasm_linker_free(l);
            return NULL;
        }
        /* A repeated (module, name) may be refused: the first definition
         * stands and instantiation reports any type mismatch. */
        wasm_linker_define(l, im->module, im->module_len, im->name, im->name_len, ext);
    }
    return l;
}

/* Calls f with zero arguments on fresh fuel; the result is ignored, but a
 * trap is formatted to exercise the trap-reporting path too. */
static void fuzz_call(wasm_exec_t *ex, wasm_func_t *f)
{
    const uint8_t *params, *results;
    uint32_t np, nr;
    wasm_func_type(f, &params, &np, &results, &nr);
    uint64_t *args = calloc(2 * (size_t)np + 1, sizeof *args);   /* cells: two per v128 */
    uint64_t *res = calloc(2 * (size_t)nr + 1, sizeof *res);
    wasm_trap_t trap;
    char buf[1024];
    if (args && res) {
        wasm_exec_set_fuel(ex, FUZZ_FUEL);
        wasm_exec_clear_interrupt(ex);
        if (wasm_call(ex, f, args, res, &trap) != WASM_OK)
            wasm_trap_format(&trap, buf, sizeof buf);
    }
    free(args);
    free(res);
}

/* The engine refused a generated, valid module. */
static void fuzz_refused(const char *what, const char *msg)
{
    fprintf(stderr, "fuzz: the engine refused to %s a valid generated module: %s\n", what, msg);
    abort();
}

/* Instantiates m and calls each exported function once. valid: m was
 * generated, so linking must succeed (the start function may still trap). */
static void fuzz_run(wasm_runtime_t *rt, wasm_module_t *m, bool valid)
{
    wasm_linker_t *l = fuzz_linker(rt, m);
    wasm_exec_t *ex = wasm_exec_new(rt);
    wasm_error_t err;
    wasm_trap_t trap;
    if (!l || !ex) {
        if (valid)
            fuzz_refused("link", "cannot make its imports");
        goto out;
    }
    wasm_exec_set_fuel(ex, FUZZ_FUEL);
    trap.kind = WASM_OK;
    wasm_instance_t *inst = wasm_instantiate(m, l, ex, &err, &trap);
    if (!inst) {
        if (valid && trap.kind == WASM_OK)
            fuzz_refused("link", err.message);
        goto out;
    }
    uint32_t n = wasm_module_export_count(m);
    for (uint32_t i = 0; i < n; i++) {
        wasm_export_desc_t d;
        wasm_extern_t ext;
        wasm_module_export(m, i, &d);
        if (d.kind != WASM_EXTERN_FUNC)
            continue;
        if (wasm_instance_export(inst, d.name, d.name_len, &ext) && ext.kind == WASM_EXTERN_FUNC)
            fuzz_call(ex, ext.u.func);
    }
    wasm_instance_free(inst);
out:
    if (ex)
        wasm_exec_free(ex);
    if (l)
        wasm_linker_free(l);
}

/* Saves a generated module where FUZZ_DUMP says, for replaying elsewhere. */
static void fuzz_dump(const uint8_t *bytes, size_t len)
{
    const char *path = getenv("FUZZ_DUMP");
    FILE *f = path ? fopen(path, "wb") : NULL;
    if (f) {
        fwrite(bytes, 1, len, f);
        fclose(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wasm_config_t cfg = {
        .max_call_depth = FUZZ_CALL_DEPTH,
        .value_stack_cells = FUZZ_STACK_CELLS,
        .max_memory_pages = FUZZ_MAX_PAGES,
        .max_table_elems = FUZZ_MAX_ELEMS,
    };
    uint8_t *gen = NULL;
    bool valid = size > 0 && data[0] != 0;
    if (valid) {
        gen = fuzz_gen_module(data + 1, size - 1, &size);
        if (!gen)
            return 0;
        data = gen;
        fuzz_dump(data, size);
    }
    wasm_runtime_t *rt = wasm_runtime_new(&cfg);
    if (rt) {
        wasm_error_t err;
        wasm_module_t *m = wasm_module_load(rt, data, size, &err);
        if (m) {
            fuzz_run(rt, m, valid);
            wasm_module_free(m);
        } else if (valid) {
            fuzz_refused("load", err.message);
        }
        wasm_runtime_free(rt);
    }
    free(gen);
    return 0;
}
