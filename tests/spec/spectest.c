/*
 * The "spectest" host module that the spec tests import from: the shared
 * definition (kernel/test/spectest.c) with print functions that print.
 */
#include "spec.h"
#include "spectest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

/* Prints each argument as "type:value"; the parameter types come from the
 * function itself (user points to its spectest_print_t). */
static wasm_trap_kind_t print_host(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    (void)ctx;
    const spectest_print_t *pf = user;
    if (!print_verbose)
        return WASM_OK;
    printf("spectest.%s:", pf->name);
    for (uint32_t i = 0; i < pf->nparams; i++)
        print_value(pf->params[i], cells[i]);
    printf("\n");
    return WASM_OK;
}

bool spec_define_spectest(wasm_runtime_t *rt, wasm_linker_t *l, bool verbose)
{
    print_verbose = verbose;
    return spectest_define(rt, l, print_host);
}
