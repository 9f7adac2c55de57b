/*
 * Unit tests for the Wasm 3.0 additions: tail calls (return_call,
 * return_call_indirect), extended constant expressions, multiple memories
 * and fixed-width SIMD, through the public API. The spec suites cover the
 * semantics; these cover what they do not: constant stack across instances,
 * tail calls to host functions, hostile constant expressions, the v128 cell
 * layout at the API.
 */
#include "unit.h"

#include "wasm_builder.h"

#include <wasm/wasm.h>

typedef struct penv {
    wasm_exec_t *ex;
    wasm_module_t *mod;
    wasm_instance_t *inst;
    wasm_error_t err;
    wasm_trap_t trap;
} penv_t;

static bool penv_open(penv_t *e, wasm_runtime_t *rt, wmod_t *m, wasm_linker_t *l)
{
    memset(e, 0, sizeof *e);
    e->ex = wasm_exec_new(rt);
    e->mod = wm_load(m, rt, &e->err);
    wm_free(m);
    if (e->mod)
        e->inst = wasm_instantiate(e->mod, l, e->ex, &e->err, &e->trap);
    if (!e->inst)
        fprintf(stderr, "  penv: %s (trap %s)\n", e->err.message,
                wasm_trap_kind_name(e->trap.kind));
    return e->inst != NULL;
}

static void penv_close(penv_t *e)
{
    wasm_instance_free(e->inst);
    wasm_module_free(e->mod);
    wasm_exec_free(e->ex);
}

static wasm_trap_kind_t pcall(penv_t *e, const char *name, const uint64_t *args, uint64_t *res)
{
    wasm_func_t *f = wasm_instance_func(e->inst, name);
    if (!f)
        return WASM_TRAP_KIND_COUNT;
    memset(&e->trap, 0, sizeof e->trap);
    return wasm_call(e->ex, f, args, res, &e->trap);
}

enum { W_RETURN_CALL = 0x12, W_RETURN_CALL_INDIRECT = 0x13, W_I64_EQZ = 0x50 };

/* even(n) / odd(n) in two instances, each a tail call through a shared
 * table into the other; each stores n in its own memory first. */
static void parity_module(wmod_t *m, bool is_even, bool import_table)
{
    wm_init(m);
    uint32_t t = wm_type(m, "I", "I");
    if (import_table)
        wm_import_table(m, "a", "tab", 2);
    else
        wm_table(m, 'r', 2, 0, 0);
    wm_memory(m, 1, 0, 0);
    uint32_t f = wm_func(m, t, "",
                         CODE(W_I32_CONST, 0, W_LGET, 0, W_I64_STORE, 3, 0,
                              W_LGET, 0, W_I64_EQZ, W_IF, W_VOID,
                              W_I64_CONST, is_even ? 1 : 0, W_RETURN, W_END,
                              W_LGET, 0, W_I64_CONST, 1, W_I64_SUB,
                              W_I32_CONST, is_even ? 1 : 0, W_RETURN_CALL_INDIRECT, (uint8_t)t, 0,
                              W_END));
    wm_elem(m, CODE(0x00, W_I32_CONST, is_even ? 0 : 1, W_END, 1, (uint8_t)f));
    wm_export(m, is_even ? "even" : "odd", WASM_EXTERN_FUNC, f);
    if (!import_table)
        wm_export(m, "tab", WASM_EXTERN_TABLE, 0);
}

TEST(tail_call_constant_stack_across_instances)
{
    /* 50 frames of call depth; the loop below makes a million tail calls. */
    wasm_config_t cfg = {.max_call_depth = 50};
    wasm_runtime_t *rt = wasm_runtime_new(&cfg);
    wmod_t m;
    penv_t a, b;
    uint64_t r = 7;
    parity_module(&m, true, false);
    CHECK(penv_open(&a, rt, &m, NULL));
    wasm_linker_t *l = wasm_linker_new(rt);
    CHECK(wasm_linker_define_instance(l, "a", 1, a.inst));
    parity_module(&m, false, true);
    CHECK(penv_open(&b, rt, &m, l));
    CHECK_EQ(pcall(&a, "even", (uint64_t[]){1000001}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(pcall(&a, "even", (uint64_t[]){1000000}, &r), WASM_OK);
    CHECK_EQ(r, 1);
    /* each instance wrote its own memory: the tail call switched memories */
    uint64_t va, vb;
    memcpy(&va, wasm_memory_data(wasm_instance_memory(a.inst, 0)), 8);
    memcpy(&vb, wasm_memory_data(wasm_instance_memory(b.inst, 0)), 8);
    CHECK_EQ(va, 0);
    CHECK_EQ(vb, 1);
    /* a trap after many tail calls: the backtrace has no tail-called frames */
    wasm_extern_t tab;
    CHECK(wasm_instance_export(a.inst, "tab", 3, &tab));
    CHECK(wasm_table_set(tab.u.table, 0, 0));
    CHECK_EQ(pcall(&b, "odd", (uint64_t[]){5}, &r), WASM_TRAP_UNINITIALIZED_ELEM);
    CHECK_EQ(b.trap.nframes, 1);
    penv_close(&b);
    penv_close(&a);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

static wasm_trap_kind_t host_triple(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    (*(int *)user)++;
    cells[0] = (uint32_t)(cells[0] * 3);
    return WASM_OK;
}

TEST(tail_call_to_host_function)
{
    static const wasm_valtype_t i[] = {WASM_I32};
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    int calls = 0;
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_extern_t x = {.kind = WASM_EXTERN_FUNC};
    x.u.func = wasm_func_new_host(rt, i, 1, i, 1, host_triple, &calls, "triple");
    CHECK(wasm_linker_define(l, "env", 3, "triple", 6, x));
    wmod_t m;
    penv_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t t = wm_type(&m, "i", "i");
    uint32_t h = wm_import_func(&m, "env", "triple", t);
    /* f(x) = triple(x + 1) as a tail call; g(x) = f(x) + 1000 (a normal call) */
    uint32_t f = wm_func(&m, t, "", CODE(W_LGET, 0, W_I32_CONST, 1, W_I32_ADD,
                                         W_RETURN_CALL, (uint8_t)h, W_END));
    wm_export(&m, "f", WASM_EXTERN_FUNC, f);
    wm_export(&m, "g", WASM_EXTERN_FUNC,
              wm_func(&m, t, "", CODE(W_LGET, 0, W_CALL, (uint8_t)f, W_I32_CONST, 0xE8, 0x07,
                                      W_I32_ADD, W_END)));
    CHECK(penv_open(&e, rt, &m, l));
    CHECK_EQ(pcall(&e, "f", (uint64_t[]){4}, &r), WASM_OK);
    CHECK_EQ(r, 15);
    CHECK_EQ(pcall(&e, "g", (uint64_t[]){4}, &r), WASM_OK);
    CHECK_EQ(r, 1015);
    CHECK_EQ(calls, 2);
    penv_close(&e);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

TEST(tail_call_validation)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_error_t err;
    wmod_t m;
    /* results differ: (i32)->(i64) tail-calls (i32)->(i32) */
    wm_init(&m);
    uint32_t ti = wm_type(&m, "i", "i"), tI = wm_type(&m, "i", "I");
    uint32_t g = wm_func(&m, ti, "", CODE(W_LGET, 0, W_END));
    wm_func(&m, tI, "", CODE(W_LGET, 0, W_RETURN_CALL, (uint8_t)g, W_END));
    wasm_module_t *mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod == NULL);
    CHECK(strstr(err.message, "type mismatch") != NULL);
    /* unknown function */
    wm_init(&m);
    ti = wm_type(&m, "", "");
    wm_func(&m, ti, "", CODE(W_RETURN_CALL, 9, W_END));
    mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod == NULL);
    wasm_runtime_free(rt);
}

/* A module with one global of type `type` initialised by `init` (with its
 * end), importing an i32 global "env" "g" when import is set. */
static wasm_module_t *global_module(wasm_runtime_t *rt, char type, bool import,
                                    const uint8_t *init, size_t n, wasm_error_t *err)
{
    wmod_t m;
    wm_init(&m);
    if (import)
        wm_import_global(&m, "env", "g", 'i', 0);
    wm_global(&m, type, 0, init, n);
    wm_export(&m, "x", WASM_EXTERN_GLOBAL, import ? 1 : 0);
    wasm_module_t *mod = wm_load(&m, rt, err);
    wm_free(&m);
    return mod;
}

TEST(extended_const_expressions)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_exec_t *ex = wasm_exec_new(rt);
    wasm_error_t err;
    wasm_trap_t trap;
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_extern_t x = {.kind = WASM_EXTERN_GLOBAL};
    x.u.global = wasm_global_new(rt, WASM_I32, false, 40);
    CHECK(wasm_linker_define(l, "env", 3, "g", 1, x));
    /* (g * 3 - 20) + 0x7fffffff wraps in 32 bits */
    wasm_module_t *mod = global_module(
        rt, 'i', true,
        CODE(W_GGET, 0, W_I32_CONST, 3, W_I32_MUL, W_I32_CONST, 20, W_I32_SUB,
             W_I32_CONST, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, W_I32_ADD, W_END), &err);
    CHECK(mod != NULL);
    wasm_instance_t *inst = wasm_instantiate(mod, l, ex, &err, &trap);
    CHECK(inst != NULL);
    wasm_extern_t out;
    CHECK(wasm_instance_export(inst, "x", 1, &out));
    CHECK_EQ(wasm_global_get(out.u.global), (uint32_t)(100u + 0x7fffffffu));
    wasm_instance_free(inst);
    wasm_module_free(mod);
    /* i64 arithmetic */
    mod = global_module(rt, 'I', false,
                        CODE(W_I64_CONST, 0x7F, W_I64_CONST, 2, W_I64_MUL, W_END), &err);
    CHECK(mod != NULL);
    inst = wasm_instantiate(mod, NULL, ex, &err, &trap);
    CHECK(inst != NULL);
    CHECK(wasm_instance_export(inst, "x", 1, &out));
    CHECK_EQ(wasm_global_get(out.u.global), (uint64_t)-2);
    wasm_instance_free(inst);
    wasm_module_free(mod);
    /* hostile: mixed types, too few operands, leftovers, non-constant ops */
    CHECK(!global_module(rt, 'i', false, CODE(W_I32_CONST, 1, W_I64_CONST, 1, W_I32_ADD, W_END),
                         &err));
    CHECK(!global_module(rt, 'i', false, CODE(W_I32_CONST, 1, W_I32_ADD, W_END), &err));
    CHECK(!global_module(rt, 'i', false, CODE(W_I32_CONST, 1, W_I32_CONST, 1, W_END), &err));
    CHECK(!global_module(rt, 'i', false,
                         CODE(W_I32_CONST, 1, W_I32_CONST, 1, W_I32_DIV_S, W_END), &err));
    CHECK(!global_module(rt, 'I', false, CODE(W_I32_CONST, 1, W_I32_CONST, 1, W_I32_ADD, W_END),
                         &err));
    /* deeper than the evaluator's stack: a clear error, no overflow */
    uint8_t deep[2 * 100 + 100 + 1];
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        deep[n++] = W_I32_CONST, deep[n++] = 1;
    for (int i = 0; i < 99; i++)
        deep[n++] = W_I32_ADD;
    deep[n++] = W_END;
    CHECK(!global_module(rt, 'i', false, deep, n, &err));
    CHECK(strstr(err.message, "too deep") != NULL);
    /* within the limit it evaluates: 64 ones summed */
    n = 0;
    for (int i = 0; i < 64; i++)
        deep[n++] = W_I32_CONST, deep[n++] = 1;
    for (int i = 0; i < 63; i++)
        deep[n++] = W_I32_ADD;
    deep[n++] = W_END;
    mod = global_module(rt, 'i', false, deep, n, &err);
    CHECK(mod != NULL);
    inst = wasm_instantiate(mod, NULL, ex, &err, &trap);
    CHECK(inst != NULL);
    CHECK(wasm_instance_export(inst, "x", 1, &out));
    CHECK_EQ(wasm_global_get(out.u.global), 64);
    wasm_instance_free(inst);
    wasm_module_free(mod);
    wasm_linker_free(l);
    wasm_exec_free(ex);
    wasm_runtime_free(rt);
}

/* ------------------------------------------------------------ SIMD */

#define V128_CONST(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15) \
    0xFD, 0x0C, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15
#define I32X4_ADD 0xFD, 0xAE, 0x01
#define I32X4_SPLAT 0xFD, 0x11
#define I32X4_EXTRACT(l) 0xFD, 0x1B, l

/* (i32 a, v128 v, i64 b) -> (v128 v + splat(a), i32 wrap(b)) */
static const uint8_t mix_body[] = {
    W_LGET, 1, W_LGET, 0, I32X4_SPLAT, I32X4_ADD, W_LGET, 2, 0xA7 /* i32.wrap_i64 */, W_END,
};

static wasm_trap_kind_t host_swap(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    uint64_t t = cells[0];
    cells[0] = cells[1], cells[1] = t;
    cells[2] = (uint32_t)cells[2] + 1;   /* the i32 after the v128 */
    return WASM_OK;
}

TEST(simd_v128_cells_at_the_api_and_across_calls)
{
    static const wasm_valtype_t vi[] = {WASM_V128, WASM_I32};
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_extern_t x = {.kind = WASM_EXTERN_FUNC};
    x.u.func = wasm_func_new_host(rt, vi, 2, vi, 2, host_swap, NULL, "swap");
    CHECK(wasm_linker_define(l, "env", 3, "swap", 4, x));
    wmod_t m;
    penv_t e;
    wm_init(&m);
    uint32_t tswap = wm_type(&m, "vi", "vi");
    uint32_t swap = wm_import_func(&m, "env", "swap", tswap);
    uint32_t mix = wm_func(&m, wm_type(&m, "ivI", "vi"), "", mix_body, sizeof mix_body);
    wm_export(&m, "mix", WASM_EXTERN_FUNC, mix);
    /* caller(a): (v, k) = mix(a, [1,2,3,4], 0x100000005); (v, k) = swap(v, k);
     * lane 3 of v (now lane 1 + a) * 1000 + k, with an i32 local after a
     * v128 local to check the locals' cells */
    wm_export(&m, "caller", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "i"), "vi",
                      CODE(W_LGET, 0,
                           V128_CONST(1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0),
                           W_I64_CONST, 0x85, 0x80, 0x80, 0x80, 0x10, W_CALL, (uint8_t)mix,
                           W_CALL, (uint8_t)swap, W_LSET, 2, W_LSET, 1,
                           W_LGET, 1, I32X4_EXTRACT(3), W_I32_CONST, 0xE8, 0x07, W_I32_MUL,
                           W_LGET, 2, W_I32_ADD, W_END)));
    /* a v128 global, set from Wasm, read through the API */
    wm_global(&m, 'v', 1, CODE(V128_CONST(9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9), W_END));
    wm_export(&m, "g", WASM_EXTERN_GLOBAL, 0);
    wm_export(&m, "setg", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "v", ""), "", CODE(W_LGET, 0, W_GSET, 0, W_END)));
    CHECK(penv_open(&e, rt, &m, l));

    /* mix through wasm_call: arguments and results are cells, two per v128 */
    uint64_t res[3] = {0, 0, 0};
    uint64_t in[4] = {10, 0x0000000200000001ull, 0x0000000400000003ull, 0x700000007ull};
    CHECK_EQ(pcall(&e, "mix", in, res), WASM_OK);
    CHECK_EQ(res[0], 0x0000000C0000000Bull);
    CHECK_EQ(res[1], 0x0000000E0000000Dull);
    CHECK_EQ(res[2], 7);

    uint64_t r = 0;
    CHECK_EQ(pcall(&e, "caller", (uint64_t[]){100}, &r), WASM_OK);
    /* mix: [101,102,103,104], k = 5; swap: [103,104,101,102], k = 6 */
    CHECK_EQ(r, 102 * 1000 + 6);

    wasm_extern_t g;
    uint64_t gv[2];
    CHECK(wasm_instance_export(e.inst, "g", 1, &g));
    CHECK_EQ(wasm_global_type(g.u.global), WASM_V128);
    wasm_global_get_v128(g.u.global, gv);
    CHECK_EQ(gv[0], 0x0909090909090909ull);
    CHECK_EQ(gv[1], 0x0909090909090909ull);
    CHECK_EQ(pcall(&e, "setg", (uint64_t[]){0x1122334455667788ull, 0x99AABBCCDDEEFF00ull}, NULL),
             WASM_OK);
    wasm_global_get_v128(g.u.global, gv);
    CHECK_EQ(gv[0], 0x1122334455667788ull);
    CHECK_EQ(gv[1], (int64_t)0x99AABBCCDDEEFF00ull);
    penv_close(&e);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

/* A branch carrying (v128, i64) to a label below other values: each value
 * goes home by the label's types, not by the sizes of whatever sits at
 * those stack positions now (an i64 below made the i64 land in the v128's
 * high half and the caller read a stale cell: the differential fuzzer's
 * seed 2004, module 20440). br, br_table, and br_table out of a loop. */
TEST(simd_branch_values_go_home_by_label_types)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wmod_t m;
    penv_t e;
    wm_init(&m);
    uint32_t t = wm_type(&m, "", "vI");
#define BELOW_AND_VALUES W_I64_CONST, 99, V128_CONST(1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0), \
                         W_I64_CONST, 0x79 /* -7 */
    wm_export(&m, "br", WASM_EXTERN_FUNC,
              wm_func(&m, t, "", CODE(BELOW_AND_VALUES, W_BR, 0, W_END)));
    wm_export(&m, "brtable", WASM_EXTERN_FUNC,
              wm_func(&m, t, "", CODE(BELOW_AND_VALUES, W_I32_CONST, 0, W_BR_TABLE, 1, 0, 0,
                                      W_END)));
    /* block (v128 i64) ( i64 99  loop (i64) ( v128 i64 -7 i32 0 br_table 1 1 ) drop ) */
    wm_export(&m, "loop", WASM_EXTERN_FUNC,
              wm_func(&m, t, "", CODE(W_BLOCK, (uint8_t)t, W_I64_CONST, 99, W_LOOP, 0x7E,
                                      V128_CONST(1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0),
                                      W_I64_CONST, 0x79, W_I32_CONST, 0, W_BR_TABLE, 1, 1, 1,
                                      W_END, W_UNREACHABLE, W_END, W_END)));
#undef BELOW_AND_VALUES
    CHECK(penv_open(&e, rt, &m, NULL));
    static const char *const names[] = {"br", "brtable", "loop"};
    for (int i = 0; i < 3; i++) {
        uint64_t res[3] = {0, 0, 0};
        CHECK_EQ(pcall(&e, names[i], NULL, res), WASM_OK);
        CHECK_EQ(res[0], 1);
        CHECK_EQ(res[1], 2);
        CHECK_EQ(res[2], (int64_t)-7);
    }
    penv_close(&e);
    wasm_runtime_free(rt);
}

/* table.grow charges the sum of the instance's own tables against its
 * budget on both tiers (the compiled tier's slow path checked one table's
 * size: the differential fuzzer's seed 2006, module 64010, saw the two
 * tiers' fuel differ where one grow failed a call later). */
TEST(table_grow_budget_covers_all_tables_on_both_tiers)
{
    for (int tier = WASM_ENGINE_INTERP; tier <= WASM_ENGINE_COMPILED; tier++) {
        wasm_runtime_t *rt = wasm_runtime_new(NULL);
        if (wasm_runtime_set_engine(rt, (wasm_engine_t)tier) != (wasm_engine_t)tier) {
            wasm_runtime_free(rt);
            continue;      /* no compiled tier on this host */
        }
        wmod_t m;
        penv_t e;
        wm_init(&m);
        wm_table(&m, 'r', 1, 0, 0);
        wm_table(&m, 'r', 1, 0, 0);
        uint32_t t = wm_type(&m, "i", "i");
        /* grow0(n) = table.grow 0 (ref.null func, n); grow1 likewise */
        wm_export(&m, "grow0", WASM_EXTERN_FUNC,
                  wm_func(&m, t, "", CODE(0xD0, 0x70, W_LGET, 0, W_FC, 15, 0, W_END)));
        wm_export(&m, "grow1", WASM_EXTERN_FUNC,
                  wm_func(&m, t, "", CODE(0xD0, 0x70, W_LGET, 0, W_FC, 15, 1, W_END)));
        CHECK(penv_open(&e, rt, &m, NULL));
        wasm_instance_set_limits(e.inst, 0, 10);
        uint64_t r = 0;
        CHECK_EQ(pcall(&e, "grow0", (uint64_t[]){5}, &r), WASM_OK);
        CHECK_EQ((uint32_t)r, 1);                 /* sizes 6 + 1 */
        CHECK_EQ(pcall(&e, "grow1", (uint64_t[]){4}, &r), WASM_OK);
        CHECK_EQ((uint32_t)r, 0xFFFFFFFFu);       /* 6 + 5 > 10 */
        CHECK_EQ(pcall(&e, "grow1", (uint64_t[]){3}, &r), WASM_OK);
        CHECK_EQ((uint32_t)r, 1);                 /* 6 + 4 = 10 */
        CHECK_EQ(pcall(&e, "grow0", (uint64_t[]){1}, &r), WASM_OK);
        CHECK_EQ((uint32_t)r, 0xFFFFFFFFu);
        if (tier == WASM_ENGINE_COMPILED) {
            uint32_t nc = 0, ni = 0;
            wasm_module_tiers(e.mod, &nc, &ni);
            CHECK_EQ(nc, 2);                      /* the grows ran compiled */
        }
        penv_close(&e);
        wasm_runtime_free(rt);
    }
}

TEST(simd_validation_and_traps)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_error_t err;
    wmod_t m;
    /* a reserved SIMD opcode (0x9a) */
    wm_init(&m);
    wm_func(&m, wm_type(&m, "v", "v"), "", CODE(W_LGET, 0, 0xFD, 0x9A, 0x01, W_END));
    wasm_module_t *mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod == NULL);
    CHECK(strstr(err.message, "SIMD") != NULL);
    /* a lane index out of range */
    wm_init(&m);
    wm_func(&m, wm_type(&m, "v", "i"), "", CODE(W_LGET, 0, I32X4_EXTRACT(4), W_END));
    mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod == NULL);
    CHECK(strstr(err.message, "lane") != NULL);
    /* v128 where an i32 is wanted */
    wm_init(&m);
    wm_func(&m, wm_type(&m, "v", "i"), "", CODE(W_LGET, 0, W_END));
    mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod == NULL);
    /* v128.load at the last 15 bytes traps, at the last 16 works */
    penv_t e;
    uint64_t r[2];
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_export(&m, "ld", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "v"), "", CODE(W_LGET, 0, 0xFD, 0x00, 4, 0, W_END)));
    CHECK(penv_open(&e, rt, &m, NULL));
    CHECK_EQ(pcall(&e, "ld", (uint64_t[]){65536 - 16}, r), WASM_OK);
    CHECK_EQ(pcall(&e, "ld", (uint64_t[]){65536 - 15}, r), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(pcall(&e, "ld", (uint64_t[]){0xFFFFFFFFu}, r), WASM_TRAP_OOB_MEMORY);
    penv_close(&e);
    wasm_runtime_free(rt);
}

/* ------------------------------------------------------------ multiple memories */

TEST(multi_memory_ops_and_limits)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_error_t err;
    wmod_t m;
    penv_t e;
    uint64_t r = 0;
    /* more memories than the implementation limit: a clear error */
    wm_init(&m);
    for (int i = 0; i < 101; i++)
        wm_memory(&m, 0, 0, 0);
    wasm_module_t *mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod == NULL);
    CHECK(strstr(err.message, "too many memories") != NULL);

    /* memory 1 imported from a host memory that is also memory 0: a grow
     * through index 1 is seen by memory 0's cached size */
    wasm_memory_t *hm = wasm_memory_new(rt, 1, 4, true);
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_extern_t x = {.kind = WASM_EXTERN_MEMORY};
    x.u.memory = hm;
    CHECK(wasm_linker_define(l, "env", 3, "m", 1, x));
    wm_init(&m);
    wm_import_memory(&m, "env", "m", 1);
    wm_import_memory(&m, "env", "m", 1);
    wm_memory(&m, 1, 0, 0);   /* memory 2, its own */
    /* grow1(n): memory.grow 1 by n, then i32.load memory 0 at 65536 (OOB
     * unless the grow is seen); store2(a, v): i32.store to memory 2 */
    wm_export(&m, "grow1", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "i"), "",
                      CODE(W_LGET, 0, W_MEM_GROW, 1, W_DROP,
                           W_I32_CONST, 0x80, 0x80, 0x04, W_I32_LOAD, 2, 0, W_END)));
    wm_export(&m, "store2", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "ii", ""), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_I32_STORE, 0x42, 2, 0, W_END)));
    /* copy20(n): memory.copy 0 <- 2 of n bytes at 0; size2() */
    wm_export(&m, "copy20", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", ""), "",
                      CODE(W_I32_CONST, 0, W_I32_CONST, 0, W_LGET, 0,
                           W_FC, W_FC_MEMORY_COPY, 0, 2, W_END)));
    wm_export(&m, "size2", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "", "i"), "", CODE(W_MEM_SIZE, 2, W_END)));
    /* a v128.load8_lane from memory 2 */
    wm_export(&m, "lane2", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "i"), "",
                      CODE(W_LGET, 0, V128_CONST(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                           0xFD, 0x54, 0x40, 2, 0, 5, 0xFD, 0x16, 5, W_END)));
    CHECK(penv_open(&e, rt, &m, l));
    CHECK(wasm_instance_memory(e.inst, 0) == hm);
    CHECK(wasm_instance_memory(e.inst, 1) == hm);
    CHECK(wasm_instance_memory(e.inst, 2) != hm);
    CHECK(wasm_instance_memory(e.inst, 3) == NULL);
    CHECK_EQ(pcall(&e, "grow1", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(wasm_memory_size(hm), 2 * 65536);
    CHECK_EQ(pcall(&e, "store2", (uint64_t[]){65532, 0x01020304}, NULL), WASM_OK);
    CHECK_EQ(pcall(&e, "store2", (uint64_t[]){65533, 1}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(pcall(&e, "store2", (uint64_t[]){0, 0xAABBCCDD}, NULL), WASM_OK);
    CHECK_EQ(pcall(&e, "copy20", (uint64_t[]){4}, NULL), WASM_OK);
    CHECK_EQ(wasm_memory_data(hm)[0], 0xDD);
    CHECK_EQ(wasm_memory_data(hm)[3], 0xAA);
    CHECK_EQ(pcall(&e, "copy20", (uint64_t[]){65537}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(pcall(&e, "size2", NULL, &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(pcall(&e, "lane2", (uint64_t[]){3}, &r), WASM_OK);
    CHECK_EQ(r, 0xAA);
    CHECK_EQ(pcall(&e, "lane2", (uint64_t[]){65536}, &r), WASM_TRAP_OOB_MEMORY);
    penv_close(&e);
    /* two memories of its own: both copy-on-write under one snapshot; a
     * reset brings back each one's bytes and size */
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_memory(&m, 1, 0, 0);
    CHECK(penv_open(&e, rt, &m, NULL));
    wasm_memory_t *m0 = wasm_instance_memory(e.inst, 0), *m1 = wasm_instance_memory(e.inst, 1);
    CHECK(m0 && m1 && m0 != m1);
    wasm_memory_data(m0)[10] = 7;
    wasm_memory_data(m1)[20] = 9;
    CHECK(wasm_instance_snapshot(e.inst));
    wasm_memory_data(m0)[10] = 70;
    wasm_memory_data(m1)[20] = 90;
    wasm_memory_data(m1)[70000 % 65536] = 1;
    CHECK_EQ(wasm_memory_grow(m1, 1), 1);
    wasm_memory_data(m1)[65536 + 5] = 3;
    CHECK(wasm_instance_reset(e.inst) >= 2);
    CHECK_EQ(wasm_memory_data(m0)[10], 7);
    CHECK_EQ(wasm_memory_data(m1)[20], 9);
    CHECK_EQ(wasm_memory_data(m1)[70000 % 65536], 0);
    CHECK_EQ(wasm_memory_size(m1), 65536);
    wasm_memory_data(m1)[20] = 91;      /* copy-on-write again after the reset */
    CHECK(wasm_instance_reset(e.inst) >= 1);
    CHECK_EQ(wasm_memory_data(m1)[20], 9);
    penv_close(&e);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

/* The even/odd loop of tail calls with each instance on either tier: both
 * compiled, both interpreted, and mixed both ways. In every combination a
 * million tail calls run within 50 frames of call depth (and the native
 * stack's bound: compiled code traps "stack exhausted" when it runs low),
 * fuel runs out at the same tail call as on the interpreter, and a trap
 * after many tail calls names the same single frame. */
TEST(tail_call_loops_across_tiers)
{
    static const uint32_t tiers[4][2] = {
        {WASM_ENGINE_INTERP, WASM_ENGINE_INTERP}, {WASM_ENGINE_COMPILED, WASM_ENGINE_COMPILED},
        {WASM_ENGINE_COMPILED, WASM_ENGINE_INTERP}, {WASM_ENGINE_INTERP, WASM_ENGINE_COMPILED}};
    uint64_t ref_a = 0, ref_b = 0;
    uint32_t ref_index = 0;
    for (int k = 0; k < 4; k++) {
        wasm_config_t cfg = {.max_call_depth = 50};
        wasm_runtime_t *rt = wasm_runtime_new(&cfg);
        if (wasm_runtime_set_engine(rt, (wasm_engine_t)WASM_ENGINE_COMPILED) != WASM_ENGINE_COMPILED &&
            k > 0) {
            wasm_runtime_free(rt);
            continue;   /* no compiled tier on this host */
        }
        wmod_t m;
        penv_t a, b;
        uint64_t r = 7;
        wasm_runtime_set_engine(rt, (wasm_engine_t)tiers[k][0]);
        parity_module(&m, true, false);
        CHECK(penv_open(&a, rt, &m, NULL));
        wasm_linker_t *l = wasm_linker_new(rt);
        CHECK(wasm_linker_define_instance(l, "a", 1, a.inst));
        wasm_runtime_set_engine(rt, (wasm_engine_t)tiers[k][1]);
        parity_module(&m, false, true);
        CHECK(penv_open(&b, rt, &m, l));
        uint32_t nc, ni;
        wasm_module_tiers(a.mod, &nc, &ni);
        CHECK_EQ(tiers[k][0] == WASM_ENGINE_COMPILED ? nc : ni, 1);
        wasm_module_tiers(b.mod, &nc, &ni);
        CHECK_EQ(tiers[k][1] == WASM_ENGINE_COMPILED ? nc : ni, 1);
        CHECK_EQ(pcall(&a, "even", (uint64_t[]){1000001}, &r), WASM_OK);
        CHECK_EQ(r, 0);
        CHECK_EQ(pcall(&b, "odd", (uint64_t[]){1000000}, &r), WASM_OK);
        CHECK_EQ(r, 0);
        /* out of fuel in the middle: each memory holds the last n its
         * instance saw, the same on every tier */
        wasm_exec_set_fuel(a.ex, 12345);
        CHECK_EQ(pcall(&a, "even", (uint64_t[]){1000000}, &r), WASM_TRAP_OUT_OF_FUEL);
        CHECK_EQ(wasm_exec_fuel(a.ex), 0);
        wasm_exec_set_fuel(a.ex, UINT64_MAX);
        uint64_t va, vb;
        memcpy(&va, wasm_memory_data(wasm_instance_memory(a.inst, 0)), 8);
        memcpy(&vb, wasm_memory_data(wasm_instance_memory(b.inst, 0)), 8);
        CHECK(va > 1000000 - 12345 && va < 1000000);
        CHECK(va - vb == 1 || vb - va == 1);
        /* a trap after many tail calls: one frame, odd's */
        wasm_extern_t tab;
        CHECK(wasm_instance_export(a.inst, "tab", 3, &tab));
        CHECK(wasm_table_set(tab.u.table, 0, 0));
        CHECK_EQ(pcall(&b, "odd", (uint64_t[]){5001}, &r), WASM_TRAP_UNINITIALIZED_ELEM);
        CHECK_EQ(b.trap.nframes, 1);
        CHECK(b.trap.frames[0].instance == b.inst);
        if (k == 0) {
            ref_a = va, ref_b = vb, ref_index = b.trap.frames[0].func_index;
        } else {
            CHECK_EQ(va, ref_a);
            CHECK_EQ(vb, ref_b);
            CHECK_EQ(b.trap.frames[0].func_index, ref_index);
        }
        penv_close(&b);
        penv_close(&a);
        wasm_linker_free(l);
        wasm_runtime_free(rt);
    }
}

/* A tail call to another instance leaves that instance's registers (memory,
 * instance) to whoever the running function returns to: callers in this
 * instance that called it directly, through a table or through an import
 * of their own instance must get their own back. Here t() tail-calls
 * b.get (which reads b's memory) and each caller reads a's memory and a
 * global after the call. */
TEST(tail_call_to_another_instance_keeps_callers_instance)
{
    for (int tier = WASM_ENGINE_INTERP; tier <= WASM_ENGINE_COMPILED; tier++) {
        wasm_runtime_t *rt = wasm_runtime_new(NULL);
        if (wasm_runtime_set_engine(rt, (wasm_engine_t)tier) != (wasm_engine_t)tier) {
            wasm_runtime_free(rt);
            continue;
        }
        wmod_t m;
        penv_t a, b;
        uint64_t r = 0;
        /* b: get() = 100 + b.mem[0] (5) */
        wm_init(&m);
        wm_memory(&m, 1, 0, 0);
        wm_data(&m, CODE(0, W_I32_CONST, 0, W_END, 1, 5));
        wm_export(&m, "get", WASM_EXTERN_FUNC,
                  wm_func(&m, wm_type(&m, "", "i"), "",
                          CODE(W_I32_CONST, 0, W_I32_LOAD8_U, 0, 0, W_I32_CONST, 0xE4, 0x00, W_I32_ADD,
                               W_END)));
        CHECK(penv_open(&b, rt, &m, NULL));
        wasm_linker_t *l = wasm_linker_new(rt);
        CHECK(wasm_linker_define_instance(l, "b", 1, b.inst));
        /* a: mem[0] = 7, global 1000; t() = return_call b.get;
         * direct() = t() + mem[0] + global; viatable() = call_indirect t + ... */
        wm_init(&m);
        uint32_t ti = wm_type(&m, "", "i");
        uint32_t get = wm_import_func(&m, "b", "get", ti);
        wm_memory(&m, 1, 0, 0);
        wm_table(&m, 'r', 1, 0, 0);
        wm_global(&m, 'i', 0, CODE(W_I32_CONST, 0xE8, 0x07, W_END));
        wm_data(&m, CODE(0, W_I32_CONST, 0, W_END, 1, 7));
        uint32_t t = wm_func(&m, ti, "", CODE(W_RETURN_CALL, (uint8_t)get, W_END));
        wm_elem(&m, CODE(0x00, W_I32_CONST, 0, W_END, 1, (uint8_t)t));
        wm_export(&m, "direct", WASM_EXTERN_FUNC,
                  wm_func(&m, ti, "",
                          CODE(W_CALL, (uint8_t)t, W_I32_CONST, 0, W_I32_LOAD8_U, 0, 0, W_I32_ADD,
                               W_GGET, 0, W_I32_ADD, W_END)));
        wm_export(&m, "viatable", WASM_EXTERN_FUNC,
                  wm_func(&m, ti, "",
                          CODE(W_I32_CONST, 0, W_CALL_INDIRECT, (uint8_t)ti, 0,
                               W_I32_CONST, 0, W_I32_LOAD8_U, 0, 0, W_I32_ADD,
                               W_GGET, 0, W_I32_ADD, W_MEM_SIZE, 0, W_I32_ADD, W_END)));
        CHECK(penv_open(&a, rt, &m, l));
        if (tier == WASM_ENGINE_COMPILED) {
            uint32_t nc, ni;
            wasm_module_tiers(a.mod, &nc, &ni);
            CHECK_EQ(ni, 0);
        }
        for (int i = 0; i < 3; i++) {
            CHECK_EQ(pcall(&a, "direct", NULL, &r), WASM_OK);
            CHECK_EQ(r, 105 + 7 + 1000);
            CHECK_EQ(pcall(&a, "viatable", NULL, &r), WASM_OK);
            CHECK_EQ(r, 105 + 7 + 1000 + 1);
        }
        penv_close(&a);
        penv_close(&b);
        wasm_linker_free(l);
        wasm_runtime_free(rt);
    }
}
