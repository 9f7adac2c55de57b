/* The "spectest" module (spectest.h). */
#include "spectest.h"

static const spectest_print_t prints[] = {
    {"print", {WASM_I32, WASM_I32}, 0},
    {"print_i32", {WASM_I32, WASM_I32}, 1},
    {"print_i64", {WASM_I64, WASM_I32}, 1},
    {"print_f32", {WASM_F32, WASM_I32}, 1},
    {"print_f64", {WASM_F64, WASM_I32}, 1},
    {"print_i32_f32", {WASM_I32, WASM_F32}, 2},
    {"print_f64_f64", {WASM_F64, WASM_F64}, 2},
};

static const struct { const char *name; wasm_valtype_t t; uint64_t bits; } globals[] = {
    {"global_i32", WASM_I32, 666},
    {"global_i64", WASM_I64, 666},
    {"global_f32", WASM_F32, 0x4426a666u},            /* 666.6f */
    {"global_f64", WASM_F64, 0x4084d4cccccccccdull},  /* 666.6 */
};

static bool define(wasm_linker_t *l, const char *name, wasm_extern_t ext)
{
    uint32_t n = 0;
    while (name[n])
        n++;
    return wasm_linker_define(l, "spectest", 8, name, n, ext);
}

bool spectest_define(wasm_runtime_t *rt, wasm_linker_t *l, wasm_host_fn_t print)
{
    for (uint32_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
        wasm_extern_t e = {.kind = WASM_EXTERN_FUNC};
        e.u.func = wasm_func_new_host(rt, prints[i].params, prints[i].nparams, NULL, 0, print,
                                      (void *)&prints[i], prints[i].name);
        if (!e.u.func || !define(l, prints[i].name, e))
            return false;
    }
    for (uint32_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        wasm_extern_t e = {.kind = WASM_EXTERN_GLOBAL};
        e.u.global = wasm_global_new(rt, globals[i].t, false, globals[i].bits);
        if (!e.u.global || !define(l, globals[i].name, e))
            return false;
    }
    wasm_extern_t t = {.kind = WASM_EXTERN_TABLE};
    t.u.table = wasm_table_new(rt, WASM_FUNCREF, 10, 20, true);
    wasm_extern_t m = {.kind = WASM_EXTERN_MEMORY};
    m.u.memory = wasm_memory_new(rt, 1, 2, true);
    return t.u.table && m.u.memory && define(l, "table", t) && define(l, "memory", m);
}
