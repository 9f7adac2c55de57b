/*
 * The "spectest" host module that the spec tests import from.
 */
#include "spec.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Prints each argument as "type:value"; the parameter types come from the
 * function itself (user points to the host function's descriptor). */
typedef struct print_fn {
    const char *name;
    wasm_valtype_t params[2];
    uint32_t nparams;
} print_fn_t;

/* Hosted test code: one runner per process, so a file-level flag will do. */
static bool print_verbose;

static void print_value(wasm_valtype_t t, uint64_t v)
{
    float f;
    double d;
    uint32_t lo = (uint32_t)v;
    switch (t) {
    case WASM_I32: printf(" i32:%" PRId32, (int32_t)lo); break;
    case WASM_I64: printf(" i64:%" PRId64, (int64_t)v); break;
    case WASM_F32: memcpy(&f, &lo, 4); printf(" f32:%g", (double)f); break;
    case WASM_F64: memcpy(&d, &v, 8); printf(" f64:%g", d); break;
    default: printf(" ?:0x%" PRIx64, v); break;
    }
}

static wasm_trap_kind_t print_host(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    const print_fn_t *pf = user;
    if (!print_verbose)
        return WASM_OK;
    printf("spectest.%s:", pf->name);
    for (uint32_t i = 0; i < pf->nparams; i++)
        print_value(pf->params[i], cells[i]);
    printf("\n");
    return WASM_OK;
}

static const print_fn_t print_fns[] = {
    {"print", {WASM_I32, WASM_I32}, 0},
    {"print_i32", {WASM_I32, WASM_I32}, 1},
    {"print_i64", {WASM_I64, WASM_I32}, 1},
    {"print_f32", {WASM_F32, WASM_I32}, 1},
    {"print_f64", {WASM_F64, WASM_I32}, 1},
    {"print_i32_f32", {WASM_I32, WASM_F32}, 2},
    {"print_f64_f64", {WASM_F64, WASM_F64}, 2},
};
#define NPRINT (sizeof print_fns / sizeof print_fns[0])

static bool define(wasm_linker_t *l, const char *name, wasm_extern_t ext)
{
    return wasm_linker_define(l, "spectest", 8, name, (uint32_t)strlen(name), ext);
}

static bool define_prints(wasm_runtime_t *rt, wasm_linker_t *l)
{
    for (size_t i = 0; i < NPRINT; i++) {
        const print_fn_t *pf = &print_fns[i];
        wasm_extern_t ext = {.kind = WASM_EXTERN_FUNC};
        ext.u.func = wasm_func_new_host(rt, pf->params, pf->nparams, NULL, 0, print_host, (void *)pf,
                                        pf->name);
        if (!ext.u.func || !define(l, pf->name, ext))
            return false;
    }
    return true;
}

static bool define_global(wasm_runtime_t *rt, wasm_linker_t *l, const char *name,
                          wasm_valtype_t t, uint64_t bits)
{
    wasm_extern_t ext = {.kind = WASM_EXTERN_GLOBAL};
    ext.u.global = wasm_global_new(rt, t, false, bits);
    return ext.u.global && define(l, name, ext);
}

bool spec_define_spectest(wasm_runtime_t *rt, wasm_linker_t *l, bool verbose)
{
    float f = 666.6f;
    double d = 666.6;
    uint32_t fbits;
    uint64_t dbits;
    memcpy(&fbits, &f, 4);
    memcpy(&dbits, &d, 8);
    print_verbose = verbose;
    if (!define_prints(rt, l) ||
        !define_global(rt, l, "global_i32", WASM_I32, 666) ||
        !define_global(rt, l, "global_i64", WASM_I64, 666) ||
        !define_global(rt, l, "global_f32", WASM_F32, fbits) ||
        !define_global(rt, l, "global_f64", WASM_F64, dbits))
        return false;
    wasm_extern_t t = {.kind = WASM_EXTERN_TABLE};
    t.u.table = wasm_table_new(rt, WASM_FUNCREF, 10, 20, true);
    wasm_extern_t m = {.kind = WASM_EXTERN_MEMORY};
    m.u.memory = wasm_memory_new(rt, 1, 2, true);
    return t.u.table && m.u.memory && define(l, "table", t) && define(l, "memory", m);
}
