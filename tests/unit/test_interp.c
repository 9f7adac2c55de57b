/*
 * Unit tests for execution (interp.c, runtime.c, instance.c) through the
 * public API only: numeric edge cases, control flow, calls, memories,
 * tables, globals, linking, host functions, traps, fuel and interrupts.
 * Modules are assembled with wasm_builder.h.
 */
#include "unit.h"

#include <unistd.h>
#include "wasm_builder.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include <wasm/wasm.h>

/* ------------------------------------------------------------ helpers */

typedef struct env {
    wasm_runtime_t *rt;
    wasm_exec_t *ex;
    wasm_module_t *mod;
    wasm_instance_t *inst;
    wasm_error_t err;
    wasm_trap_t trap;
} env_t;

/* Loads and instantiates m (then freed) with imports from l (may be NULL). */
static bool env_open_rt(env_t *e, wasm_runtime_t *rt, wmod_t *m, wasm_linker_t *l)
{
    memset(e, 0, sizeof *e);
    e->rt = rt;
    e->ex = wasm_exec_new(rt);
    e->mod = wm_load(m, rt, &e->err);
    wm_free(m);
    if (e->mod)
        e->inst = wasm_instantiate(e->mod, l, e->ex, &e->err, &e->trap);
    if (!e->inst)
        fprintf(stderr, "  env: %s (trap %s)\n", e->err.message,
                wasm_trap_kind_name(e->trap.kind));
    return e->inst != NULL;
}

static bool env_open(env_t *e, wmod_t *m)
{
    return env_open_rt(e, wasm_runtime_new(NULL), m, NULL);
}

/* Frees everything env_open made, including the runtime. */
static void env_close(env_t *e)
{
    wasm_instance_free(e->inst);
    wasm_module_free(e->mod);
    wasm_exec_free(e->ex);
    wasm_runtime_free(e->rt);
}

static __attribute__((unused)) void env_close_keep_rt(env_t *e)
{
    wasm_instance_free(e->inst);
    wasm_module_free(e->mod);
    wasm_exec_free(e->ex);
}

static wasm_trap_kind_t call(env_t *e, const char *name, const uint64_t *args, uint64_t *res)
{
    wasm_func_t *f = wasm_instance_func(e->inst, name);
    if (!f) {
        fprintf(stderr, "  no export %s\n", name);
        return WASM_TRAP_KIND_COUNT;
    }
    memset(&e->trap, 0, sizeof e->trap);
    return wasm_call(e->ex, f, args, res, &e->trap);
}

/*
 * Runs a single function (params)->(results) with `body` on args. Returns
 * the trap kind (WASM_TRAP_KIND_COUNT if the module failed to load).
 */
static wasm_trap_kind_t run(const char *params, const char *results, const uint8_t *body,
                            size_t n, const uint64_t *args, uint64_t *res)
{
    wmod_t m;
    env_t e;
    wm_init(&m);
    wm_export(&m, "f", WASM_EXTERN_FUNC, wm_func(&m, wm_type(&m, params, results), "", body, n));
    wasm_trap_kind_t k = WASM_TRAP_KIND_COUNT;
    if (env_open(&e, &m))
        k = call(&e, "f", args, res);
    env_close(&e);
    return k;
}

/* Binary and unary operators; op2 takes an optional 0xFC sub-opcode. */
static wasm_trap_kind_t bin(const char *pp, char r, uint8_t op, uint64_t a, uint64_t b,
                            uint64_t *out)
{
    char rs[2] = {r, 0};
    *out = 0xDEADBEEF;
    return run(pp, rs, CODE(W_LGET, 0, W_LGET, 1, op, W_END), (uint64_t[]){a, b}, out);
}

static wasm_trap_kind_t un(char p, char r, uint8_t op, uint8_t sub, uint64_t a, uint64_t *out)
{
    char ps[2] = {p, 0}, rs[2] = {r, 0};
    *out = 0xDEADBEEF;
    if (op == W_FC)
        return run(ps, rs, CODE(W_LGET, 0, W_FC, sub, W_END), &a, out);
    return run(ps, rs, CODE(W_LGET, 0, op, W_END), &a, out);
}

static uint64_t f32b(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t f64b(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

#define I32(x) ((uint64_t)(uint32_t)(int32_t)(x))
#define F32_NAN 0x7FC00000u
#define F64_NAN 0x7FF8000000000000ull

static bool is_nan32(uint64_t b)
{
    return (b >> 32) == 0 && (b & 0x7F800000) == 0x7F800000 && (b & 0x7FFFFF);
}

static bool is_nan64(uint64_t b)
{
    return (b & 0x7FF0000000000000ull) == 0x7FF0000000000000ull && (b & 0xFFFFFFFFFFFFFull);
}

/* ------------------------------------------------------------ numerics */

TEST(interp_int_div_rem)
{
    uint64_t r;
    CHECK_EQ(bin("ii", 'i', W_I32_DIV_S, I32(-7), 2, &r), WASM_OK);
    CHECK_EQ(r, I32(-3));
    CHECK_EQ(bin("ii", 'i', W_I32_REM_S, I32(-7), 2, &r), WASM_OK);
    CHECK_EQ(r, I32(-1));
    CHECK_EQ(bin("ii", 'i', W_I32_DIV_U, I32(-7), 2, &r), WASM_OK);
    CHECK_EQ(r, 0x7FFFFFFCu);
    CHECK_EQ(bin("ii", 'i', W_I32_DIV_S, 1, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("ii", 'i', W_I32_DIV_U, 1, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("ii", 'i', W_I32_REM_S, 1, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("ii", 'i', W_I32_REM_U, 1, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("ii", 'i', W_I32_DIV_S, 0x80000000u, I32(-1), &r), WASM_TRAP_INT_OVERFLOW);
    CHECK_EQ(bin("ii", 'i', W_I32_REM_S, 0x80000000u, I32(-1), &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(bin("ii", 'i', W_I32_DIV_U, 0x80000000u, I32(-1), &r), WASM_OK);
    CHECK_EQ(r, 0);

    CHECK_EQ(bin("II", 'I', W_I64_DIV_S, (uint64_t)INT64_MIN, (uint64_t)-1, &r),
             WASM_TRAP_INT_OVERFLOW);
    CHECK_EQ(bin("II", 'I', W_I64_REM_S, (uint64_t)INT64_MIN, (uint64_t)-1, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(bin("II", 'I', W_I64_DIV_S, 5, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("II", 'I', W_I64_DIV_U, 5, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("II", 'I', W_I64_REM_S, 5, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("II", 'I', W_I64_REM_U, 5, 0, &r), WASM_TRAP_DIV_ZERO);
    CHECK_EQ(bin("II", 'I', W_I64_REM_S, (uint64_t)-7, 2, &r), WASM_OK);
    CHECK_EQ(r, (uint64_t)-1);
    CHECK_EQ(bin("II", 'I', W_I64_DIV_U, (uint64_t)-1, 2, &r), WASM_OK);
    CHECK_EQ(r, 0x7FFFFFFFFFFFFFFFull);
}

TEST(interp_shifts_rotates_mod_width)
{
    uint64_t r;
    CHECK_EQ(bin("ii", 'i', W_I32_SHL, 1, 33, &r), WASM_OK);
    CHECK_EQ(r, 2);
    CHECK_EQ(bin("ii", 'i', W_I32_SHR_U, 0x80000000u, 32, &r), WASM_OK);
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(bin("ii", 'i', W_I32_SHR_S, 0x80000000u, 63, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    CHECK_EQ(bin("ii", 'i', W_I32_SHR_U, 0x80000000u, I32(-1), &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(bin("ii", 'i', W_I32_ROTL, 0x80000001u, 1, &r), WASM_OK);
    CHECK_EQ(r, 3);
    CHECK_EQ(bin("ii", 'i', W_I32_ROTR, 1, 33, &r), WASM_OK);
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(bin("ii", 'i', W_I32_ROTL, 0x12345678u, 32, &r), WASM_OK);
    CHECK_EQ(r, 0x12345678u);
    CHECK_EQ(bin("II", 'I', W_I64_SHL, 1, 65, &r), WASM_OK);
    CHECK_EQ(r, 2);
    CHECK_EQ(bin("II", 'I', W_I64_SHR_S, 0x8000000000000000ull, 127, &r), WASM_OK);
    CHECK_EQ(r, UINT64_MAX);
    CHECK_EQ(bin("II", 'I', W_I64_SHR_U, 0x8000000000000000ull, 64, &r), WASM_OK);
    CHECK_EQ(r, 0x8000000000000000ull);
    CHECK_EQ(bin("II", 'I', W_I64_ROTL, 0x8000000000000001ull, 65, &r), WASM_OK);
    CHECK_EQ(r, 3);
    CHECK_EQ(bin("II", 'I', W_I64_ROTR, 1, 64 + 4, &r), WASM_OK);
    CHECK_EQ(r, 0x1000000000000000ull);
}

TEST(interp_clz_ctz_popcnt)
{
    uint64_t r;
    CHECK_EQ(un('i', 'i', W_I32_CLZ, 0, 0, &r), WASM_OK);
    CHECK_EQ(r, 32);
    CHECK_EQ(un('i', 'i', W_I32_CTZ, 0, 0, &r), WASM_OK);
    CHECK_EQ(r, 32);
    CHECK_EQ(un('I', 'I', W_I64_CLZ, 0, 0, &r), WASM_OK);
    CHECK_EQ(r, 64);
    CHECK_EQ(un('I', 'I', W_I64_CTZ, 0, 0, &r), WASM_OK);
    CHECK_EQ(r, 64);
    CHECK_EQ(un('i', 'i', W_I32_CLZ, 0, 1, &r), WASM_OK);
    CHECK_EQ(r, 31);
    CHECK_EQ(un('i', 'i', W_I32_CTZ, 0, 0x80000000u, &r), WASM_OK);
    CHECK_EQ(r, 31);
    CHECK_EQ(un('I', 'I', W_I64_CTZ, 0, 0x100000000ull, &r), WASM_OK);
    CHECK_EQ(r, 32);
    CHECK_EQ(un('i', 'i', W_I32_POPCNT, 0, 0xF0F0F0F1u, &r), WASM_OK);
    CHECK_EQ(r, 17);
}

TEST(interp_float_min_max_zero_nan)
{
    uint64_t r;
    CHECK_EQ(bin("ff", 'f', W_F32_MIN, f32b(0.0f), f32b(-0.0f), &r), WASM_OK);
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(bin("ff", 'f', W_F32_MIN, f32b(-0.0f), f32b(0.0f), &r), WASM_OK);
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(bin("ff", 'f', W_F32_MAX, f32b(-0.0f), f32b(0.0f), &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(bin("ff", 'f', W_F32_MAX, f32b(0.0f), f32b(-0.0f), &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(bin("ff", 'f', W_F32_MIN, F32_NAN, f32b(1.0f), &r), WASM_OK);
    CHECK(is_nan32(r));
    CHECK_EQ(bin("ff", 'f', W_F32_MAX, f32b(1.0f), F32_NAN, &r), WASM_OK);
    CHECK(is_nan32(r));
    CHECK_EQ(bin("ff", 'f', W_F32_MIN, f32b(-1.0f), f32b(2.0f), &r), WASM_OK);
    CHECK_EQ(r, f32b(-1.0f));
    CHECK_EQ(bin("FF", 'F', W_F64_MIN, f64b(0.0), f64b(-0.0), &r), WASM_OK);
    CHECK_EQ(r, 0x8000000000000000ull);
    CHECK_EQ(bin("FF", 'F', W_F64_MAX, f64b(-0.0), f64b(0.0), &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(bin("FF", 'F', W_F64_MAX, F64_NAN, f64b(-3.0), &r), WASM_OK);
    CHECK(is_nan64(r));
    CHECK_EQ(bin("FF", 'F', W_F64_MIN, f64b(-3.0), F64_NAN, &r), WASM_OK);
    CHECK(is_nan64(r));
}

TEST(interp_nearest_ties_to_even)
{
    static const struct { double in, out; } cases[] = {
        {2.5, 2.0}, {3.5, 4.0}, {-2.5, -2.0}, {0.5, 0.0}, {-0.5, -0.0},
        {1.5, 2.0}, {-1.5, -2.0}, {4.4999, 4.0}, {1e20, 1e20},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t r;
        CHECK_EQ(un('F', 'F', W_F64_NEAREST, 0, f64b(cases[i].in), &r), WASM_OK);
        CHECK_EQ(r, f64b(cases[i].out));
        CHECK_EQ(un('f', 'f', W_F32_NEAREST, 0, f32b((float)cases[i].in), &r), WASM_OK);
        CHECK_EQ(r, f32b((float)cases[i].out));
    }
}

TEST(interp_trunc_traps_and_sat)
{
    uint64_t r;
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_S, 0, F32_NAN, &r), WASM_TRAP_INVALID_CONVERSION);
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_S, 0, f32b(2147483648.0f), &r),
             WASM_TRAP_INT_OVERFLOW);
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_S, 0, f32b(-2147483904.0f), &r),
             WASM_TRAP_INT_OVERFLOW);
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_S, 0, f32b(-2147483648.0f), &r), WASM_OK);
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_S, 0, f32b(-1.9f), &r), WASM_OK);
    CHECK_EQ(r, I32(-1));
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_U, 0, f32b(-1.0f), &r), WASM_TRAP_INT_OVERFLOW);
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_U, 0, f32b(-0.9f), &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(un('f', 'i', W_I32_TRUNC_F32_U, 0, f32b(4294967040.0f), &r), WASM_OK);
    CHECK_EQ(r, 4294967040u);
    CHECK_EQ(un('F', 'i', W_I32_TRUNC_F64_S, 0, f64b(2147483647.9), &r), WASM_OK);
    CHECK_EQ(r, 0x7FFFFFFFu);
    CHECK_EQ(un('F', 'i', W_I32_TRUNC_F64_S, 0, f64b(2147483648.0), &r),
             WASM_TRAP_INT_OVERFLOW);
    CHECK_EQ(un('F', 'I', W_I64_TRUNC_F64_S, 0, f64b(9223372036854775808.0), &r),
             WASM_TRAP_INT_OVERFLOW);
    CHECK_EQ(un('F', 'I', W_I64_TRUNC_F64_S, 0, F64_NAN, &r), WASM_TRAP_INVALID_CONVERSION);

    /* saturating forms never trap */
    CHECK_EQ(un('f', 'i', W_FC, W_FC_I32_TRUNC_SAT_F32_S, F32_NAN, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(un('f', 'i', W_FC, W_FC_I32_TRUNC_SAT_F32_S, f32b(3e9f), &r), WASM_OK);
    CHECK_EQ(r, 0x7FFFFFFFu);
    CHECK_EQ(un('f', 'i', W_FC, W_FC_I32_TRUNC_SAT_F32_S, f32b(-3e9f), &r), WASM_OK);
    CHECK_EQ(r, 0x80000000u);
    CHECK_EQ(un('f', 'i', W_FC, W_FC_I32_TRUNC_SAT_F32_U, f32b(-1.0f), &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(un('f', 'i', W_FC, W_FC_I32_TRUNC_SAT_F32_U, f32b(5e9f), &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    CHECK_EQ(un('F', 'i', W_FC, W_FC_I32_TRUNC_SAT_F64_S, f64b(-7.7), &r), WASM_OK);
    CHECK_EQ(r, I32(-7));
    CHECK_EQ(un('F', 'I', W_FC, W_FC_I64_TRUNC_SAT_F64_S, f64b(1e19), &r), WASM_OK);
    CHECK_EQ(r, 0x7FFFFFFFFFFFFFFFull);
    CHECK_EQ(un('F', 'I', W_FC, W_FC_I64_TRUNC_SAT_F64_S, f64b(-1e19), &r), WASM_OK);
    CHECK_EQ(r, 0x8000000000000000ull);
    CHECK_EQ(un('F', 'I', W_FC, W_FC_I64_TRUNC_SAT_F64_S, F64_NAN, &r), WASM_OK);
    CHECK_EQ(r, 0);
}

/* ------------------------------------------------------------ control */

TEST(interp_locals_and_params)
{
    /* (i32 a, i64 b) -> i64 with i64 locals l2, l3: l2 = a; result l3 + b + l2 */
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t f = wm_func(&m, wm_type(&m, "iI", "I"), "II",
                         CODE(W_LGET, 0, W_I64_EXTEND_I32_S, W_LSET, 2, W_LGET, 3, W_LGET, 1,
                              W_I64_ADD, W_LGET, 2, W_I64_ADD, W_LGET, 3, W_I64_CONST, 1,
                              W_I64_ADD, W_LSET, 3, W_END));
    wm_export(&m, "f", WASM_EXTERN_FUNC, f);
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "f", (uint64_t[]){I32(-5), 1000}, &r), WASM_OK);
    CHECK_EQ(r, 995);
    /* locals are zeroed again on every call (l3 was set to 1 above) */
    CHECK_EQ(call(&e, "f", (uint64_t[]){0, 0}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(call(&e, "f", (uint64_t[]){0x7FFFFFFF, 1}, &r), WASM_OK);
    CHECK_EQ(r, 0x80000000ull);
    env_close(&e);
}

TEST(interp_multi_value_blocks)
{
    wmod_t m;
    env_t e;
    uint64_t r[3] = {0};
    wm_init(&m);
    uint8_t bt = (uint8_t)wm_type(&m, "ii", "iii");  /* block [i32 i32] -> [i32 i32 i32] */
    uint8_t lt = (uint8_t)wm_type(&m, "ii", "i");    /* loop [acc n] -> [sum] */
    uint8_t it = (uint8_t)wm_type(&m, "i", "ii");    /* if [acc] -> [acc n] */
    uint32_t two = wm_type(&m, "", "iI");
    uint32_t f = wm_func(&m, wm_type(&m, "", "iii"), "",
                         CODE(W_I32_CONST, 1, W_I32_CONST, 2, W_BLOCK, bt, W_I32_ADD,
                              W_I32_CONST, 10, W_I32_CONST, 20, W_END, W_END));
    wm_export(&m, "block", WASM_EXTERN_FUNC, f);
    /* sum n..1 with the accumulator and counter carried as loop params */
    f = wm_func(&m, wm_type(&m, "i", "i"), "i",
                CODE(W_I32_CONST, 0, W_LGET, 0, W_LOOP, lt, W_LSET, 1, W_LGET, 1, W_I32_ADD,
                     W_LGET, 1, W_I32_CONST, 1, W_I32_SUB, W_LTEE, 1, W_IF, it, W_LGET, 1,
                     W_BR, 1, W_ELSE, W_LGET, 1, W_END, W_DROP, W_END, W_END));
    wm_export(&m, "loop", WASM_EXTERN_FUNC, f);
    uint32_t g = wm_func(&m, two, "", CODE(W_I32_CONST, 7, W_I64_CONST, 0xC0, 0x00, W_END));
    wm_export(&m, "two", WASM_EXTERN_FUNC, g);
    /* (i32, i64) from a call: extend the i32 and subtract the i64 */
    f = wm_func(&m, wm_type(&m, "", "I"), "I",
                CODE(W_CALL, (uint8_t)g, W_LSET, 0, W_I64_EXTEND_I32_S, W_LGET, 0, W_I64_SUB,
                     W_END));
    wm_export(&m, "sub", WASM_EXTERN_FUNC, f);
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "block", NULL, r), WASM_OK);
    CHECK_EQ(r[0], 3);
    CHECK_EQ(r[1], 10);
    CHECK_EQ(r[2], 20);
    CHECK_EQ(call(&e, "loop", (uint64_t[]){100}, r), WASM_OK);
    CHECK_EQ(r[0], 5050);
    CHECK_EQ(call(&e, "loop", (uint64_t[]){1}, r), WASM_OK);
    CHECK_EQ(r[0], 1);
    CHECK_EQ(call(&e, "two", NULL, r), WASM_OK);
    CHECK_EQ(r[0], 7);
    CHECK_EQ(r[1], 64);
    CHECK_EQ(call(&e, "sub", NULL, r), WASM_OK);
    CHECK_EQ(r[0], (uint64_t)-57);
    env_close(&e);
}

TEST(interp_br_table_with_results)
{
    static const uint32_t idx[] = {0, 1, 2, 3, 9, 0xFFFFFFFF};
    static const uint32_t want[] = {111, 110, 100, 100, 100, 100};
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        uint64_t r = 0;
        CHECK_EQ(run("i", "i",
                     CODE(W_BLOCK, W_T_I32, W_BLOCK, W_T_I32, W_BLOCK, W_T_I32, W_I32_CONST,
                          0xE4, 0x00, W_LGET, 0, W_BR_TABLE, 2, 0, 1, 2, W_END, W_I32_CONST, 1,
                          W_I32_ADD, W_END, W_I32_CONST, 10, W_I32_ADD, W_END, W_END),
                     (uint64_t[]){idx[i]}, &r),
                 WASM_OK);
        CHECK_EQ(r, want[i]);
    }
}

TEST(interp_loop_and_recursion)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t ti = wm_type(&m, "i", "i");
    /* fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), function 0 */
    wm_export(&m, "fib", WASM_EXTERN_FUNC,
              wm_func(&m, ti, "",
                      CODE(W_LGET, 0, W_I32_CONST, 2, W_I32_LT_S, W_IF, W_T_I32, W_LGET, 0,
                           W_ELSE, W_LGET, 0, W_I32_CONST, 1, W_I32_SUB, W_CALL, 0, W_LGET, 0,
                           W_I32_CONST, 2, W_I32_SUB, W_CALL, 0, W_I32_ADD, W_END, W_END)));
    /* sum of 1..n with a plain loop and br_if */
    wm_export(&m, "sum", WASM_EXTERN_FUNC,
              wm_func(&m, ti, "i",
                      CODE(W_BLOCK, W_VOID, W_LOOP, W_VOID, W_LGET, 0, W_I32_EQZ, W_BR_IF, 1,
                           W_LGET, 1, W_LGET, 0, W_I32_ADD, W_LSET, 1, W_LGET, 0, W_I32_CONST,
                           1, W_I32_SUB, W_LSET, 0, W_BR, 0, W_END, W_END, W_LGET, 1, W_END)));
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "fib", (uint64_t[]){20}, &r), WASM_OK);
    CHECK_EQ(r, 6765);
    CHECK_EQ(call(&e, "fib", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){100000}, &r), WASM_OK);
    CHECK_EQ(r, (uint32_t)(100000ull * 100001 / 2));
    CHECK_EQ(call(&e, "sum", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    env_close(&e);
}

TEST(interp_call_indirect)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t t0 = wm_type(&m, "", "i"), t1 = wm_type(&m, "i", "i");
    uint32_t t2 = wm_type(&m, "", "i");  /* structurally equal to t0 */
    wm_func(&m, t0, "", CODE(W_I32_CONST, 42, W_END));                 /* 0 */
    wm_func(&m, t1, "", CODE(W_LGET, 0, W_END));                       /* 1 */
    wm_export(&m, "call", WASM_EXTERN_FUNC,
              wm_func(&m, t1, "", CODE(W_LGET, 0, W_CALL_INDIRECT, (uint8_t)t0, 0, W_END)));
    wm_func(&m, t2, "", CODE(W_I32_CONST, 43, W_END));                 /* 3 */
    wm_table(&m, 'r', 4, 0, 0);
    wm_elem(&m, CODE(0, W_I32_CONST, 0, W_END, 2, 0, 1));
    wm_elem(&m, CODE(0, W_I32_CONST, 3, W_END, 1, 3));
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "call", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 42);
    CHECK_EQ(call(&e, "call", (uint64_t[]){3}, &r), WASM_OK);
    CHECK_EQ(r, 43);
    CHECK_EQ(call(&e, "call", (uint64_t[]){1}, &r), WASM_TRAP_INDIRECT_MISMATCH);
    CHECK_EQ(e.trap.kind, WASM_TRAP_INDIRECT_MISMATCH);
    CHECK_EQ(call(&e, "call", (uint64_t[]){2}, &r), WASM_TRAP_UNINITIALIZED_ELEM);
    CHECK_EQ(call(&e, "call", (uint64_t[]){4}, &r), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(call(&e, "call", (uint64_t[]){0xFFFFFFFF}, &r), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(call(&e, "call", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 42);
    env_close(&e);
}

/* ------------------------------------------------------------ memory */

TEST(interp_memory_boundary)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t ti = wm_type(&m, "i", "i"), tii = wm_type(&m, "ii", "");
    wm_memory(&m, 1, 0, 0);
    wm_export(&m, "load8", WASM_EXTERN_FUNC,
              wm_func(&m, ti, "", CODE(W_LGET, 0, W_I32_LOAD8_U, 0, 0, W_END)));
    wm_export(&m, "load32", WASM_EXTERN_FUNC,
              wm_func(&m, ti, "", CODE(W_LGET, 0, W_I32_LOAD, 2, 0, W_END)));
    wm_export(&m, "load32off4", WASM_EXTERN_FUNC,
              wm_func(&m, ti, "", CODE(W_LGET, 0, W_I32_LOAD, 2, 4, W_END)));
    wm_export(&m, "store32", WASM_EXTERN_FUNC,
              wm_func(&m, tii, "", CODE(W_LGET, 0, W_LGET, 1, W_I32_STORE, 2, 0, W_END)));
    wm_export(&m, "store8", WASM_EXTERN_FUNC,
              wm_func(&m, tii, "", CODE(W_LGET, 0, W_LGET, 1, W_I32_STORE8, 0, 0, W_END)));
    CHECK(env_open(&e, &m));
    wasm_memory_t *mem = wasm_instance_memory(e.inst, 0);
    CHECK(mem != NULL);
    CHECK_EQ(wasm_memory_size(mem), 65536);
    uint8_t *d = wasm_memory_data(mem);
    d[65535] = 0xAB;
    CHECK_EQ(call(&e, "load8", (uint64_t[]){65535}, &r), WASM_OK);
    CHECK_EQ(r, 0xAB);
    CHECK_EQ(call(&e, "load8", (uint64_t[]){65536}, &r), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "load32", (uint64_t[]){65532}, &r), WASM_OK);
    CHECK_EQ(r, 0xAB000000u);
    CHECK_EQ(call(&e, "load32", (uint64_t[]){65533}, &r), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "load32", (uint64_t[]){0xFFFFFFFC}, &r), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "load32off4", (uint64_t[]){65528}, &r), WASM_OK);
    CHECK_EQ(r, 0xAB000000u);
    CHECK_EQ(call(&e, "load32off4", (uint64_t[]){65529}, &r), WASM_TRAP_OOB_MEMORY);
    /* address + offset must not wrap around 32 bits */
    CHECK_EQ(call(&e, "load32off4", (uint64_t[]){0xFFFFFFFE}, &r), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "store8", (uint64_t[]){65535, 0x1CD}, NULL), WASM_OK);
    CHECK_EQ(d[65535], 0xCD);
    CHECK_EQ(call(&e, "store8", (uint64_t[]){65536, 1}, NULL), WASM_TRAP_OOB_MEMORY);
    /* a store that does not fit writes nothing */
    CHECK_EQ(call(&e, "store32", (uint64_t[]){65533, 0x01020304}, NULL),
             WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(d[65533], 0);
    CHECK_EQ(d[65534], 0);
    CHECK_EQ(d[65535], 0xCD);
    CHECK_EQ(call(&e, "store32", (uint64_t[]){65532, 0x01020304}, NULL), WASM_OK);
    CHECK_EQ(d[65532], 4);
    CHECK_EQ(d[65535], 1);
    env_close(&e);
}

static void grow_module(wmod_t *m, uint32_t min, uint32_t max, int has_max)
{
    wm_init(m);
    wm_memory(m, min, max, has_max);
    wm_export(m, "grow", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", "i"), "", CODE(W_LGET, 0, W_MEM_GROW, 0, W_END)));
    wm_export(m, "size", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "", "i"), "", CODE(W_MEM_SIZE, 0, W_END)));
    wm_export(m, "load8", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", "i"), "", CODE(W_LGET, 0, W_I32_LOAD8_U, 0, 0, W_END)));
}

TEST(interp_memory_grow_and_limits)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    grow_module(&m, 1, 3, 1);
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(call(&e, "load8", (uint64_t[]){2 * 65536 - 1}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(call(&e, "load8", (uint64_t[]){2 * 65536}, &r), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 2);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 3);
    CHECK_EQ(call(&e, "size", NULL, &r), WASM_OK);
    CHECK_EQ(r, 3);
    CHECK_EQ(wasm_memory_size(wasm_instance_memory(e.inst, 0)), 3 * 65536);
    /* the host sees the same memory and the same limits */
    CHECK_EQ(wasm_memory_grow(wasm_instance_memory(e.inst, 0), 1), -1);
    env_close(&e);

    /* no declared maximum, but a per-instance limit of 2 pages */
    grow_module(&m, 1, 0, 0);
    CHECK(env_open(&e, &m));
    wasm_instance_set_limits(e.inst, 2, 0);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){2}, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    CHECK_EQ(call(&e, "size", NULL, &r), WASM_OK);
    CHECK_EQ(r, 2);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){0x10000}, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    env_close(&e);

    /* the runtime-wide limit applies too */
    wasm_config_t cfg = {0};
    cfg.max_memory_pages = 4;
    grow_module(&m, 1, 0, 0);
    CHECK(env_open_rt(&e, wasm_runtime_new(&cfg), &m, NULL));
    CHECK_EQ(call(&e, "grow", (uint64_t[]){3}, &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    env_close(&e);
}

TEST(interp_bulk_memory)
{
    wmod_t m;
    env_t e;
    uint32_t t3 = 0;
    wm_init(&m);
    t3 = wm_type(&m, "iii", "");
    wm_memory(&m, 1, 0, 0);
    wm_datacount(&m, 1);
    wm_data(&m, CODE(1, 8, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'));
    wm_export(&m, "init", WASM_EXTERN_FUNC,
              wm_func(&m, t3, "", CODE(W_LGET, 0, W_LGET, 1, W_LGET, 2, W_FC, W_FC_MEMORY_INIT,
                                       0, 0, W_END)));
    wm_export(&m, "copy", WASM_EXTERN_FUNC,
              wm_func(&m, t3, "", CODE(W_LGET, 0, W_LGET, 1, W_LGET, 2, W_FC, W_FC_MEMORY_COPY,
                                       0, 0, W_END)));
    wm_export(&m, "fill", WASM_EXTERN_FUNC,
              wm_func(&m, t3, "", CODE(W_LGET, 0, W_LGET, 1, W_LGET, 2, W_FC, W_FC_MEMORY_FILL,
                                       0, W_END)));
    wm_export(&m, "drop", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "", ""), "", CODE(W_FC, W_FC_DATA_DROP, 0, W_END)));
    CHECK(env_open(&e, &m));
    uint8_t *d = wasm_memory_data(wasm_instance_memory(e.inst, 0));
    /* passive segments are not applied at instantiation */
    CHECK_EQ(d[0], 0);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 0, 8}, NULL), WASM_OK);
    CHECK(!memcmp(d, "abcdefgh", 8));
    CHECK_EQ(call(&e, "copy", (uint64_t[]){2, 0, 6}, NULL), WASM_OK);
    CHECK(!memcmp(d, "ababcdef", 8));
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 0, 8}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){0, 2, 6}, NULL), WASM_OK);
    CHECK(!memcmp(d, "cdefghgh", 8));
    CHECK_EQ(call(&e, "fill", (uint64_t[]){1, 0x17A, 3}, NULL), WASM_OK);
    CHECK(!memcmp(d, "czzzghgh", 8));
    CHECK_EQ(call(&e, "init", (uint64_t[]){100, 5, 3}, NULL), WASM_OK);
    CHECK(!memcmp(d + 100, "fgh", 3));
    /* out of bounds: trap before writing anything */
    d[65530] = 0x11;
    CHECK_EQ(call(&e, "fill", (uint64_t[]){65530, 0, 7}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(d[65530], 0x11);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){65530, 0, 7}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(d[65530], 0x11);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){0, 65530, 7}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(d[0], 'c');
    CHECK_EQ(call(&e, "copy", (uint64_t[]){65536, 0, 0}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){65537, 0, 0}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "fill", (uint64_t[]){65536, 0, 0}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 4, 5}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "init", (uint64_t[]){65535, 0, 2}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 8, 0}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 9, 0}, NULL), WASM_TRAP_OOB_MEMORY);
    /* after data.drop the segment has length 0 */
    CHECK_EQ(call(&e, "drop", NULL, NULL), WASM_OK);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 0, 1}, NULL), WASM_TRAP_OOB_MEMORY);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 0, 0}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "drop", NULL, NULL), WASM_OK);
    CHECK_EQ(d[0], 'c');
    env_close(&e);
}

/* ------------------------------------------------------------ tables */

static uint64_t tab_at(env_t *e, const char *name, uint32_t i)
{
    wasm_extern_t x;
    uint64_t v = 0xBAD;
    if (wasm_instance_export(e->inst, name, (uint32_t)strlen(name), &x) &&
        x.kind == WASM_EXTERN_TABLE)
        wasm_table_get(x.u.table, i, &v);
    return v;
}

TEST(interp_tables_externref)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    wm_table(&m, 'e', 2, 5, 1);
    wm_export(&m, "t", WASM_EXTERN_TABLE, 0);
    wm_export(&m, "get", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "e"), "", CODE(W_LGET, 0, W_TGET, 0, W_END)));
    wm_export(&m, "set", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "ie", ""), "", CODE(W_LGET, 0, W_LGET, 1, W_TSET, 0,
                                                          W_END)));
    wm_export(&m, "grow", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "ei", "i"), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_FC, W_FC_TABLE_GROW, 0, W_END)));
    wm_export(&m, "size", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "", "i"), "", CODE(W_FC, W_FC_TABLE_SIZE, 0, W_END)));
    wm_export(&m, "fill", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "iei", ""), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_LGET, 2, W_FC, W_FC_TABLE_FILL, 0, W_END)));
    wm_export(&m, "copy", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "iii", ""), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_LGET, 2, W_FC, W_FC_TABLE_COPY, 0, 0,
                           W_END)));
    wm_export(&m, "isnull", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "i"), "",
                      CODE(W_LGET, 0, W_TGET, 0, W_REF_IS_NULL, W_END)));
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "set", (uint64_t[]){0, 0x1111}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "get", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 0x1111);
    CHECK_EQ(call(&e, "get", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(call(&e, "isnull", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(call(&e, "isnull", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(call(&e, "get", (uint64_t[]){2}, &r), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(call(&e, "set", (uint64_t[]){2, 1}, NULL), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){0x22, 2}, &r), WASM_OK);
    CHECK_EQ(r, 2);
    CHECK_EQ(call(&e, "get", (uint64_t[]){3}, &r), WASM_OK);
    CHECK_EQ(r, 0x22);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){0, 2}, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);  /* max is 5 */
    CHECK_EQ(call(&e, "grow", (uint64_t[]){0, 1}, &r), WASM_OK);
    CHECK_EQ(r, 4);
    CHECK_EQ(call(&e, "size", NULL, &r), WASM_OK);
    CHECK_EQ(r, 5);
    CHECK_EQ(call(&e, "fill", (uint64_t[]){1, 0x33, 3}, NULL), WASM_OK);
    CHECK_EQ(tab_at(&e, "t", 0), 0x1111);
    CHECK_EQ(tab_at(&e, "t", 1), 0x33);
    CHECK_EQ(tab_at(&e, "t", 3), 0x33);
    CHECK_EQ(tab_at(&e, "t", 4), 0);
    CHECK_EQ(call(&e, "fill", (uint64_t[]){4, 0x44, 2}, NULL), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(tab_at(&e, "t", 4), 0);
    CHECK_EQ(call(&e, "set", (uint64_t[]){2, 0x55}, NULL), WASM_OK);
    /* [1111 33 55 33 0]: overlapping copies in both directions */
    CHECK_EQ(call(&e, "copy", (uint64_t[]){1, 0, 4}, NULL), WASM_OK);
    CHECK_EQ(tab_at(&e, "t", 0), 0x1111);
    CHECK_EQ(tab_at(&e, "t", 1), 0x1111);
    CHECK_EQ(tab_at(&e, "t", 2), 0x33);
    CHECK_EQ(tab_at(&e, "t", 3), 0x55);
    CHECK_EQ(tab_at(&e, "t", 4), 0x33);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){0, 2, 3}, NULL), WASM_OK);
    CHECK_EQ(tab_at(&e, "t", 0), 0x33);
    CHECK_EQ(tab_at(&e, "t", 1), 0x55);
    CHECK_EQ(tab_at(&e, "t", 2), 0x33);
    CHECK_EQ(tab_at(&e, "t", 3), 0x55);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){3, 0, 3}, NULL), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(tab_at(&e, "t", 3), 0x55);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){5, 0, 0}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "copy", (uint64_t[]){6, 0, 0}, NULL), WASM_TRAP_OOB_TABLE);
    env_close(&e);
}

TEST(interp_table_init_elem_drop_and_limits)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t t0 = wm_type(&m, "", "i"), t3 = wm_type(&m, "iii", "");
    wm_func(&m, t0, "", CODE(W_I32_CONST, 11, W_END));   /* 0 */
    wm_func(&m, t0, "", CODE(W_I32_CONST, 22, W_END));   /* 1 */
    wm_table(&m, 'r', 4, 0, 0);
    wm_elem(&m, CODE(1, 0, 2, 0, 1));                     /* passive [f0 f1] */
    wm_export(&m, "init", WASM_EXTERN_FUNC,
              wm_func(&m, t3, "", CODE(W_LGET, 0, W_LGET, 1, W_LGET, 2, W_FC, W_FC_TABLE_INIT,
                                       0, 0, W_END)));
    wm_export(&m, "drop", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "", ""), "", CODE(W_FC, W_FC_ELEM_DROP, 0, W_END)));
    wm_export(&m, "call", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "i"), "",
                      CODE(W_LGET, 0, W_CALL_INDIRECT, (uint8_t)t0, 0, W_END)));
    wm_export(&m, "grow", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", "i"), "",
                      CODE(W_REF_NULL, W_T_FUNCREF, W_LGET, 0, W_FC, W_FC_TABLE_GROW, 0, W_END)));
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "call", (uint64_t[]){1}, &r), WASM_TRAP_UNINITIALIZED_ELEM);
    CHECK_EQ(call(&e, "init", (uint64_t[]){1, 0, 2}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "call", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 11);
    CHECK_EQ(call(&e, "call", (uint64_t[]){2}, &r), WASM_OK);
    CHECK_EQ(r, 22);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 1, 1}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "call", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 22);
    CHECK_EQ(call(&e, "init", (uint64_t[]){3, 0, 2}, NULL), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(call(&e, "call", (uint64_t[]){3}, &r), WASM_TRAP_UNINITIALIZED_ELEM);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 1, 2}, NULL), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(call(&e, "drop", NULL, NULL), WASM_OK);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 0, 1}, NULL), WASM_TRAP_OOB_TABLE);
    CHECK_EQ(call(&e, "init", (uint64_t[]){0, 0, 0}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "call", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 22);
    /* per-instance table limit */
    wasm_instance_set_limits(e.inst, 0, 6);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){3}, &r), WASM_OK);
    CHECK_EQ(r, 0xFFFFFFFFu);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){2}, &r), WASM_OK);
    CHECK_EQ(r, 4);
    CHECK_EQ(call(&e, "call", (uint64_t[]){5}, &r), WASM_TRAP_UNINITIALIZED_ELEM);
    CHECK_EQ(call(&e, "call", (uint64_t[]){6}, &r), WASM_TRAP_OOB_TABLE);
    env_close(&e);
}

/* ------------------------------------------------------------ linking */

static void global_user(wmod_t *m)
{
    wm_init(m);
    wm_import_global(m, "env", "g", 'i', 1);
    wm_export(m, "get", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "", "i"), "", CODE(W_GGET, 0, W_END)));
    wm_export(m, "set", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", ""), "", CODE(W_LGET, 0, W_GSET, 0, W_END)));
}

TEST(interp_shared_mutable_global)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_global_t *g = wasm_global_new(rt, WASM_I32, true, 5);
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_extern_t x = {.kind = WASM_EXTERN_GLOBAL, .u.global = g};
    CHECK(wasm_linker_define(l, "env", 3, "g", 1, x));
    wmod_t m;
    env_t a, b, c;
    uint64_t r = 0;
    global_user(&m);
    CHECK(env_open_rt(&a, rt, &m, l));
    global_user(&m);
    CHECK(env_open_rt(&b, rt, &m, l));
    CHECK_EQ(call(&b, "get", NULL, &r), WASM_OK);
    CHECK_EQ(r, 5);
    CHECK_EQ(call(&a, "set", (uint64_t[]){7}, NULL), WASM_OK);
    CHECK_EQ(call(&b, "get", NULL, &r), WASM_OK);
    CHECK_EQ(r, 7);
    CHECK_EQ(wasm_global_get(g), 7);
    wasm_global_set(g, 9);
    CHECK_EQ(call(&a, "get", NULL, &r), WASM_OK);
    CHECK_EQ(r, 9);

    /* a global defined and exported by a Wasm instance, imported by another */
    wm_init(&m);
    wm_global(&m, 'i', 1, CODE(W_I32_CONST, 3, W_END));
    wm_export(&m, "g", WASM_EXTERN_GLOBAL, 0);
    wm_export(&m, "set", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", ""), "", CODE(W_LGET, 0, W_GSET, 0, W_END)));
    CHECK(env_open_rt(&c, rt, &m, NULL));
    wasm_linker_t *l2 = wasm_linker_new(rt);
    CHECK(wasm_linker_define_instance(l2, "env", 3, c.inst));
    env_t d;
    global_user(&m);
    CHECK(env_open_rt(&d, rt, &m, l2));
    CHECK_EQ(call(&d, "get", NULL, &r), WASM_OK);
    CHECK_EQ(r, 3);
    CHECK_EQ(call(&c, "set", (uint64_t[]){11}, NULL), WASM_OK);
    CHECK_EQ(call(&d, "get", NULL, &r), WASM_OK);
    CHECK_EQ(r, 11);
    CHECK_EQ(call(&d, "set", (uint64_t[]){12}, NULL), WASM_OK);
    wasm_extern_t cg;
    CHECK(wasm_instance_export(c.inst, "g", 1, &cg));
    CHECK_EQ(wasm_global_get(cg.u.global), 12);

    /* importing a mutable global as immutable is a link error */
    wm_init(&m);
    wm_import_global(&m, "env", "g", 'i', 0);
    env_t bad;
    memset(&bad, 0, sizeof bad);
    bad.ex = wasm_exec_new(rt);
    bad.mod = wm_load(&m, rt, &bad.err);
    wm_free(&m);
    CHECK(bad.mod != NULL);
    CHECK(!wasm_instantiate(bad.mod, l, bad.ex, &bad.err, &bad.trap));
    CHECK_EQ(bad.trap.kind, WASM_OK);
    CHECK(strstr(bad.err.message, "env.g") != NULL);
    env_close_keep_rt(&bad);

    env_close_keep_rt(&d);
    env_close_keep_rt(&c);
    env_close_keep_rt(&b);
    env_close_keep_rt(&a);
    wasm_linker_free(l2);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

TEST(interp_cross_instance_call)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wmod_t m;
    env_t a, b;
    uint64_t r = 0;
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_export(&m, "store", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", ""), "",
                      CODE(W_I32_CONST, 0, W_LGET, 0, W_I32_STORE, 2, 0, W_END)));
    wm_export(&m, "div", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "ii", "i"), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_I32_DIV_S, W_END)));
    CHECK(env_open_rt(&a, rt, &m, NULL));
    wasm_linker_t *l = wasm_linker_new(rt);
    CHECK(wasm_linker_define_instance(l, "a", 1, a.inst));

    wm_init(&m);
    uint32_t st = wm_import_func(&m, "a", "store", wm_type(&m, "i", ""));
    uint32_t dv = wm_import_func(&m, "a", "div", wm_type(&m, "ii", "i"));
    wm_memory(&m, 1, 0, 0);
    wm_export(&m, "run", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", ""), "", CODE(W_LGET, 0, W_CALL, (uint8_t)st, W_END)));
    wm_export(&m, "div1", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "ii", "i"), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_CALL, (uint8_t)dv, W_I32_CONST, 1, W_I32_ADD,
                           W_END)));
    CHECK(env_open_rt(&b, rt, &m, l));
    CHECK_EQ(call(&b, "run", (uint64_t[]){0x0A0B0C0D}, NULL), WASM_OK);
    uint8_t *da = wasm_memory_data(wasm_instance_memory(a.inst, 0));
    uint8_t *db = wasm_memory_data(wasm_instance_memory(b.inst, 0));
    CHECK_EQ(da[0], 0x0D);
    CHECK_EQ(da[3], 0x0A);
    CHECK_EQ(db[0], 0);  /* the callee used its own memory */
    CHECK_EQ(call(&b, "div1", (uint64_t[]){100, 7}, &r), WASM_OK);
    CHECK_EQ(r, 15);
    /* a trap in A unwinds through B; frames name both instances */
    CHECK_EQ(call(&b, "div1", (uint64_t[]){1, 0}, &r), WASM_TRAP_DIV_ZERO);
    CHECK(b.trap.nframes >= 2);
    CHECK(b.trap.frames[0].instance == a.inst);
    CHECK(b.trap.frames[1].instance == b.inst);
    CHECK_EQ(b.trap.frames[0].func_index, 1);
    /* the export of A is the very same function object in both instances */
    wasm_extern_t xa;
    CHECK(wasm_instance_export(a.inst, "div", 3, &xa));
    CHECK_EQ(wasm_call(b.ex, xa.u.func, (uint64_t[]){9, 3}, &r, NULL), WASM_OK);
    CHECK_EQ(r, 3);
    env_close_keep_rt(&b);
    env_close_keep_rt(&a);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

/* ------------------------------------------------------------ host functions */

typedef struct host_state {
    int calls;
    wasm_func_t *inner;  /* re-entrancy: called while depth < max_depth */
    wasm_func_t *leaf;   /* called once max_depth is reached */
    int depth, max_depth;
    wasm_trap_kind_t inner_kind;
} host_state_t;

/* (i32 a, i64 b) -> (i64 a+b, i32 a*b) */
static wasm_trap_kind_t host_addmul(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    host_state_t *s = user;
    int32_t a = (int32_t)cells[0];
    int64_t b = (int64_t)cells[1];
    s->calls++;
    cells[0] = (uint64_t)(a + b);
    cells[1] = (uint32_t)(a * (int32_t)b);
    wasm_memory_t *mem = wasm_call_ctx_memory(ctx);
    if (mem)
        wasm_memory_data(mem)[0] = (uint8_t)s->calls;
    return WASM_OK;
}

static wasm_trap_kind_t host_fail(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    return wasm_call_ctx_fail(ctx, "boom");
}

static wasm_trap_kind_t host_exit(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    return wasm_call_ctx_exit(ctx, (int32_t)cells[0]);
}

/* (i32 x) -> i32: calls back into Wasm: inner(x) + 1 (or leaf(x) + 1) */
static wasm_trap_kind_t host_reenter(wasm_call_ctx_t *ctx, uint64_t *cells, void *user)
{
    host_state_t *s = user;
    uint64_t r = 0;
    wasm_trap_t t;
    wasm_func_t *f = s->depth++ < s->max_depth ? s->inner : s->leaf;
    wasm_trap_kind_t k = wasm_call(wasm_call_ctx_exec(ctx), f, cells, &r, &t);
    s->inner_kind = k;
    if (k != WASM_OK)
        return k;
    cells[0] = (uint32_t)(r + 1);
    return WASM_OK;
}

static wasm_linker_t *host_linker(wasm_runtime_t *rt, host_state_t *s)
{
    static const wasm_valtype_t iI[] = {WASM_I32, WASM_I64}, Ii[] = {WASM_I64, WASM_I32};
    static const wasm_valtype_t i[] = {WASM_I32};
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_extern_t x = {.kind = WASM_EXTERN_FUNC};
    x.u.func = wasm_func_new_host(rt, iI, 2, Ii, 2, host_addmul, s, "addmul");
    wasm_linker_define(l, "env", 3, "addmul", 6, x);
    x.u.func = wasm_func_new_host(rt, NULL, 0, NULL, 0, host_fail, s, "fail");
    wasm_linker_define(l, "env", 3, "fail", 4, x);
    x.u.func = wasm_func_new_host(rt, i, 1, NULL, 0, host_exit, s, "exit");
    wasm_linker_define(l, "env", 3, "exit", 4, x);
    x.u.func = wasm_func_new_host(rt, i, 1, i, 1, host_reenter, s, "reenter");
    wasm_linker_define(l, "env", 3, "reenter", 7, x);
    return l;
}

TEST(interp_host_functions)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    host_state_t s = {0};
    wasm_linker_t *l = host_linker(rt, &s);
    wmod_t m;
    env_t e;
    uint64_t r[2] = {0};
    wm_init(&m);
    uint32_t am = wm_import_func(&m, "env", "addmul", wm_type(&m, "iI", "Ii"));
    uint32_t fl = wm_import_func(&m, "env", "fail", wm_type(&m, "", ""));
    uint32_t ex = wm_import_func(&m, "env", "exit", wm_type(&m, "i", ""));
    wm_memory(&m, 1, 0, 0);
    wm_export(&m, "addmul", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "iI", "Ii"), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_CALL, (uint8_t)am, W_END)));
    wm_export(&m, "fail", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "", "i"), "",
                      CODE(W_CALL, (uint8_t)fl, W_I32_CONST, 1, W_END)));
    wm_export(&m, "exit", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "i", ""), "",
                      CODE(W_LGET, 0, W_CALL, (uint8_t)ex, W_UNREACHABLE, W_END)));
    wm_export(&m, "ok", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "", "i"), "", CODE(W_I32_CONST, 5, W_END)));
    CHECK(env_open_rt(&e, rt, &m, l));
    CHECK_EQ(call(&e, "addmul", (uint64_t[]){I32(-3), 10}, r), WASM_OK);
    CHECK_EQ(r[0], 7);
    CHECK_EQ(r[1], I32(-30));
    CHECK_EQ(s.calls, 1);
    CHECK_EQ(wasm_memory_data(wasm_instance_memory(e.inst, 0))[0], 1);
    CHECK_EQ(call(&e, "fail", NULL, r), WASM_TRAP_HOST);
    CHECK_EQ(e.trap.kind, WASM_TRAP_HOST);
    CHECK(strstr(e.trap.message, "boom") != NULL);
    CHECK_EQ(call(&e, "exit", (uint64_t[]){3}, NULL), WASM_TRAP_EXIT);
    CHECK_EQ(e.trap.exit_code, 3);
    CHECK_EQ(call(&e, "ok", NULL, r), WASM_OK);
    CHECK_EQ(r[0], 5);
    /* a host function called directly from the host */
    wasm_extern_t hx;
    CHECK(wasm_instance_export(e.inst, "addmul", 6, &hx));
    const uint8_t *ps, *rs;
    uint32_t np, nr;
    wasm_func_type(hx.u.func, &ps, &np, &rs, &nr);
    CHECK_EQ(np, 2);
    CHECK_EQ(ps[0], WASM_I32);
    CHECK_EQ(ps[1], WASM_I64);
    CHECK_EQ(nr, 2);
    CHECK_EQ(rs[0], WASM_I64);
    env_close_keep_rt(&e);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

TEST(interp_host_reentrancy)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    host_state_t s = {0};
    wasm_linker_t *l = host_linker(rt, &s);
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t re = wm_import_func(&m, "env", "reenter", wm_type(&m, "i", "i"));
    uint32_t ti = wm_type(&m, "i", "i");
    wm_export(&m, "outer", WASM_EXTERN_FUNC,
              wm_func(&m, ti, "", CODE(W_LGET, 0, W_CALL, (uint8_t)re, W_I32_CONST, 0xE8, 0x07,
                                       W_I32_ADD, W_END)));
    wm_export(&m, "double", WASM_EXTERN_FUNC,
              wm_func(&m, ti, "", CODE(W_LGET, 0, W_LGET, 0, W_I32_ADD, W_END)));
    wm_export(&m, "bad", WASM_EXTERN_FUNC, wm_func(&m, ti, "", CODE(W_UNREACHABLE, W_END)));
    CHECK(env_open_rt(&e, rt, &m, l));
    wasm_func_t *outer = wasm_instance_func(e.inst, "outer");
    wasm_func_t *dbl = wasm_instance_func(e.inst, "double");
    s.inner = s.leaf = dbl;
    s.max_depth = 1;
    CHECK_EQ(call(&e, "outer", (uint64_t[]){5}, &r), WASM_OK);
    CHECK_EQ(r, 5 * 2 + 1 + 1000);
    CHECK_EQ(s.depth, 1);
    /* nested: outer -> host -> outer -> host -> double */
    s.inner = outer;
    s.depth = 0;
    s.max_depth = 1;
    CHECK_EQ(call(&e, "outer", (uint64_t[]){5}, &r), WASM_OK);
    CHECK_EQ(r, ((5 * 2 + 1) + 1000 + 1) + 1000);
    CHECK_EQ(s.depth, 2);
    /* a trap in the inner call propagates out of the outer one */
    s.inner = s.leaf = wasm_instance_func(e.inst, "bad");
    CHECK_EQ(call(&e, "outer", (uint64_t[]){5}, &r), WASM_TRAP_UNREACHABLE);
    CHECK_EQ(s.inner_kind, WASM_TRAP_UNREACHABLE);
    /* unbounded Wasm -> host -> Wasm recursion exhausts the native stack
     * cleanly (a trap, not a crash) */
    s.inner = outer;
    s.depth = 0;
    s.max_depth = 1 << 30;
    CHECK_EQ(call(&e, "outer", (uint64_t[]){5}, &r), WASM_TRAP_STACK_EXHAUSTED);
    CHECK(s.depth > 10);
    /* the exec context is still usable */
    s.inner = s.leaf = dbl;
    s.depth = 0;
    CHECK_EQ(call(&e, "outer", (uint64_t[]){7}, &r), WASM_OK);
    CHECK_EQ(r, 7 * 2 + 1 + 1000);
    env_close_keep_rt(&e);
    wasm_linker_free(l);
    wasm_runtime_free(rt);
}

/* ------------------------------------------------------------ traps */

TEST(interp_trap_backtrace_names)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    wm_init(&m);
    uint32_t tv = wm_type(&m, "", "");
    wm_func(&m, tv, "", CODE(W_UNREACHABLE, W_END));               /* 0 inner */
    wm_func(&m, tv, "", CODE(W_NOP, W_CALL, 0, W_END));            /* 1 middle */
    wm_func(&m, tv, "", CODE(W_CALL, 1, W_END));                   /* 2 outer */
    wm_export(&m, "run", WASM_EXTERN_FUNC, 2);
    wm_export(&m, "ok", WASM_EXTERN_FUNC,
              wm_func(&m, wm_type(&m, "", "i"), "", CODE(W_I32_CONST, 9, W_END)));
    wm_name(&m, 0, "inner");
    wm_name(&m, 1, "middle");
    wm_name(&m, 2, "outer");
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "run", NULL, NULL), WASM_TRAP_UNREACHABLE);
    CHECK_EQ(e.trap.kind, WASM_TRAP_UNREACHABLE);
    CHECK_EQ(e.trap.nframes, 3);
    CHECK(e.trap.frames[0].name != NULL);
    CHECK_EQ(e.trap.frames[0].name_len, 5);
    CHECK(!memcmp(e.trap.frames[0].name, "inner", 5));
    CHECK_EQ(e.trap.frames[0].func_index, 0);
    CHECK(e.trap.frames[0].instance == e.inst);
    CHECK(e.trap.frames[1].name && !memcmp(e.trap.frames[1].name, "middle", 6));
    CHECK_EQ(e.trap.frames[1].func_index, 1);
    CHECK(e.trap.frames[2].name && !memcmp(e.trap.frames[2].name, "outer", 5));
    CHECK(e.trap.frames[0].code_offset != e.trap.frames[1].code_offset);
    char buf[512];
    wasm_trap_format(&e.trap, buf, sizeof buf);
    CHECK(!strcmp(buf, "unreachable\n  at #0 inner (func 0)\n  at #1 middle (func 1)\n"
                       "  at #2 outer (func 2)"));
    /* the same exec context and instance keep working after the trap */
    CHECK_EQ(call(&e, "ok", NULL, &r), WASM_OK);
    CHECK_EQ(r, 9);
    CHECK_EQ(call(&e, "run", NULL, NULL), WASM_TRAP_UNREACHABLE);
    CHECK_EQ(e.trap.nframes, 3);
    env_close(&e);
}

TEST(interp_usable_after_trap)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wmod_t m;
    env_t a, b;
    uint64_t r = 0;
    for (int i = 0; i < 2; i++) {
        wm_init(&m);
        wm_memory(&m, 1, 0, 0);
        wm_export(&m, "div", WASM_EXTERN_FUNC,
                  wm_func(&m, wm_type(&m, "ii", "i"), "",
                          CODE(W_LGET, 0, W_LGET, 1, W_I32_DIV_U, W_END)));
        wm_export(&m, "oob", WASM_EXTERN_FUNC,
                  wm_func(&m, wm_type(&m, "", "i"), "",
                          CODE(W_I32_CONST, 0x7F, W_I32_LOAD, 2, 0x80, 0x80, 0x04, W_END)));
        CHECK(env_open_rt(i ? &b : &a, rt, &m, NULL));
    }
    /* b shares a's exec context for some calls */
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(call(&a, "div", (uint64_t[]){1, 0}, &r), WASM_TRAP_DIV_ZERO);
        CHECK_EQ(call(&a, "oob", NULL, &r), WASM_TRAP_OOB_MEMORY);
        CHECK_EQ(wasm_call(a.ex, wasm_instance_func(b.inst, "div"), (uint64_t[]){100, 3}, &r,
                           NULL),
                 WASM_OK);
        CHECK_EQ(r, 33);
        CHECK_EQ(call(&b, "div", (uint64_t[]){(uint64_t)i, 1}, &r), WASM_OK);
        CHECK_EQ(r, (uint64_t)i);
    }
    env_close_keep_rt(&b);
    env_close_keep_rt(&a);
    wasm_runtime_free(rt);
}

/* count(n) = n == 0 ? 0 : 1 + count(n - 1), with `locals` extra i64 locals */
static void count_module(wmod_t *m, const char *locals)
{
    wm_init(m);
    wm_export(m, "count", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", "i"), locals,
                      CODE(W_LGET, 0, W_I32_EQZ, W_IF, W_T_I32, W_I32_CONST, 0, W_ELSE,
                           W_LGET, 0, W_I32_CONST, 1, W_I32_SUB, W_CALL, 0, W_I32_CONST, 1,
                           W_I32_ADD, W_END, W_END)));
    wm_export(m, "forever", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "", ""), "", CODE(W_CALL, 1, W_END)));
}

TEST(interp_deep_recursion_traps)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    count_module(&m, "");
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "count", (uint64_t[]){10000}, &r), WASM_OK);
    CHECK_EQ(r, 10000);
    CHECK_EQ(call(&e, "forever", NULL, NULL), WASM_TRAP_STACK_EXHAUSTED);
    CHECK_EQ(e.trap.nframes, WASM_TRAP_MAX_FRAMES);
    CHECK_EQ(call(&e, "count", (uint64_t[]){1000000}, &r), WASM_TRAP_STACK_EXHAUSTED);
    CHECK_EQ(call(&e, "count", (uint64_t[]){100}, &r), WASM_OK);
    CHECK_EQ(r, 100);
    env_close(&e);

    /* a small call-depth limit */
    wasm_config_t cfg = {0};
    cfg.max_call_depth = 100;
    count_module(&m, "");
    CHECK(env_open_rt(&e, wasm_runtime_new(&cfg), &m, NULL));
    CHECK_EQ(call(&e, "count", (uint64_t[]){50}, &r), WASM_OK);
    CHECK_EQ(r, 50);
    CHECK_EQ(call(&e, "count", (uint64_t[]){200}, &r), WASM_TRAP_STACK_EXHAUSTED);
    CHECK_EQ(call(&e, "count", (uint64_t[]){50}, &r), WASM_OK);
    env_close(&e);

    /* a small value stack: frames with many locals run out of cells first */
    cfg.max_call_depth = 0;
    cfg.value_stack_cells = 4096;
    count_module(&m, "IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII");
    CHECK(env_open_rt(&e, wasm_runtime_new(&cfg), &m, NULL));
    CHECK_EQ(call(&e, "count", (uint64_t[]){10}, &r), WASM_OK);
    CHECK_EQ(r, 10);
    CHECK_EQ(call(&e, "count", (uint64_t[]){1000}, &r), WASM_TRAP_STACK_EXHAUSTED);
    CHECK_EQ(call(&e, "count", (uint64_t[]){10}, &r), WASM_OK);
    env_close(&e);
}

/* ------------------------------------------------------------ fuel, interrupts */

static void loop_module(wmod_t *m)
{
    wm_init(m);
    wm_export(m, "spin", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "", ""), "", CODE(W_LOOP, W_VOID, W_BR, 0, W_END, W_END)));
    wm_export(m, "sum", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", "i"), "i",
                      CODE(W_BLOCK, W_VOID, W_LOOP, W_VOID, W_LGET, 0, W_I32_EQZ, W_BR_IF, 1,
                           W_LGET, 1, W_LGET, 0, W_I32_ADD, W_LSET, 1, W_LGET, 0, W_I32_CONST,
                           1, W_I32_SUB, W_LSET, 0, W_BR, 0, W_END, W_END, W_LGET, 1, W_END)));
}

TEST(interp_fuel)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    loop_module(&m);
    CHECK(env_open(&e, &m));
    CHECK_EQ(wasm_exec_fuel(e.ex), UINT64_MAX);
    wasm_exec_set_fuel(e.ex, 1000);
    CHECK_EQ(call(&e, "spin", NULL, NULL), WASM_TRAP_OUT_OF_FUEL);
    CHECK_EQ(e.trap.kind, WASM_TRAP_OUT_OF_FUEL);
    CHECK_EQ(wasm_exec_fuel(e.ex), 0);
    /* still out of fuel */
    CHECK_EQ(call(&e, "sum", (uint64_t[]){10}, &r), WASM_TRAP_OUT_OF_FUEL);
    wasm_exec_set_fuel(e.ex, 1000);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){10}, &r), WASM_OK);
    CHECK_EQ(r, 55);
    uint64_t left = wasm_exec_fuel(e.ex);
    CHECK(left < 1000 - 10 && left > 0);
    /* the same work costs the same fuel */
    wasm_exec_set_fuel(e.ex, 1000);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){10}, &r), WASM_OK);
    CHECK_EQ(wasm_exec_fuel(e.ex), left);
    wasm_exec_set_fuel(e.ex, 1000);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){5000}, &r), WASM_TRAP_OUT_OF_FUEL);
    /* More fuel than the compiled tier keeps in a register at once (its
     * slices of 4,096, docs/compiler.md): the same cost, and a run that
     * needs several slices runs out exactly where its count says. */
    wasm_exec_set_fuel(e.ex, 1000000);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){10}, &r), WASM_OK);
    CHECK_EQ(wasm_exec_fuel(e.ex), 1000000 - (1000 - left));
    wasm_exec_set_fuel(e.ex, 1000000);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){20000}, &r), WASM_OK);
    uint64_t cost = 1000000 - wasm_exec_fuel(e.ex);
    CHECK(cost > 3 * 4096);
    wasm_exec_set_fuel(e.ex, cost + 1);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){20000}, &r), WASM_OK);
    CHECK_EQ(wasm_exec_fuel(e.ex), 1);
    wasm_exec_set_fuel(e.ex, cost);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){20000}, &r), WASM_TRAP_OUT_OF_FUEL);
    CHECK_EQ(wasm_exec_fuel(e.ex), 0);
    wasm_exec_set_fuel(e.ex, UINT64_MAX);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){5000}, &r), WASM_OK);
    CHECK_EQ(r, 5000u * 5001 / 2);
    env_close(&e);
}

typedef struct spin_arg {
    env_t *e;
    wasm_trap_kind_t kind;
    volatile int started;
} spin_arg_t;

static void *spin_thread(void *p)
{
    spin_arg_t *a = p;
    a->started = 1;
    a->kind = call(a->e, "spin", NULL, NULL);
    return NULL;
}

TEST(interp_interrupt_from_thread)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    loop_module(&m);
    CHECK(env_open(&e, &m));
    spin_arg_t a = {&e, WASM_OK, 0};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, spin_thread, &a) == 0);
    while (!a.started)
        sched_yield();
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    wasm_exec_interrupt(e.ex);
    pthread_join(th, NULL);
    CHECK_EQ(a.kind, WASM_TRAP_INTERRUPTED);
    /* the flag stays set until cleared */
    CHECK_EQ(call(&e, "spin", NULL, NULL), WASM_TRAP_INTERRUPTED);
    wasm_exec_clear_interrupt(e.ex);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){100}, &r), WASM_OK);
    CHECK_EQ(r, 5050);
    env_close(&e);
}

/* ------------------------------------------------------------ instantiation */

TEST(interp_instantiation_traps)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_exec_t *ex = wasm_exec_new(rt);
    wasm_error_t err;
    wasm_trap_t trap;
    wmod_t m;
    /* a start function that traps */
    wm_init(&m);
    wm_start(&m, wm_func(&m, wm_type(&m, "", ""), "",
                         CODE(W_I32_CONST, 1, W_I32_CONST, 0, W_I32_DIV_S, W_DROP, W_END)));
    wasm_module_t *mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod != NULL);
    memset(&trap, 0, sizeof trap);
    CHECK(wasm_instantiate(mod, NULL, ex, &err, &trap) == NULL);
    CHECK_EQ(trap.kind, WASM_TRAP_DIV_ZERO);
    wasm_module_free(mod);

    /* an active data segment past the end of memory */
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_data(&m, CODE(0, W_I32_CONST, 0xFF, 0xFF, 0x03, W_END, 2, 'h', 'i'));  /* at 65535 */
    mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod != NULL);
    memset(&trap, 0, sizeof trap);
    CHECK(wasm_instantiate(mod, NULL, ex, &err, &trap) == NULL);
    CHECK_EQ(trap.kind, WASM_TRAP_OOB_MEMORY);
    wasm_module_free(mod);

    /* a missing import is a link error, not a trap */
    wm_init(&m);
    wm_import_func(&m, "env", "nope", wm_type(&m, "", ""));
    mod = wm_load(&m, rt, &err);
    wm_free(&m);
    CHECK(mod != NULL);
    wasm_linker_t *l = wasm_linker_new(rt);
    memset(&trap, 0, sizeof trap);
    memset(&err, 0, sizeof err);
    CHECK(wasm_instantiate(mod, l, ex, &err, &trap) == NULL);
    CHECK_EQ(trap.kind, WASM_OK);
    CHECK(strstr(err.message, "nope") != NULL);
    wasm_linker_free(l);
    wasm_module_free(mod);
    wasm_exec_free(ex);
    wasm_runtime_free(rt);
}

/* ------------------------------------------------------------ preemption hook */

typedef struct hook_state {
    int calls;
    wasm_trap_kind_t answer;
} hook_state_t;

static wasm_trap_kind_t count_hook(wasm_exec_t *ex, void *user)
{
    hook_state_t *h = user;
    h->calls++;
    wasm_exec_clear_interrupt(ex);
    return h->answer;
}

TEST(interp_safepoint_hook)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    loop_module(&m);
    CHECK(env_open(&e, &m));
    hook_state_t h = {0, WASM_OK};
    wasm_exec_set_safepoint_hook(e.ex, count_hook, &h);
    /* interrupted with a hook: the hook runs once, the code resumes */
    wasm_exec_interrupt(e.ex);
    CHECK_EQ(call(&e, "sum", (uint64_t[]){100}, &r), WASM_OK);
    CHECK_EQ(r, 5050);
    CHECK_EQ(h.calls, 1);
    /* the hook may stop the code instead */
    h.answer = WASM_TRAP_HOST;
    wasm_exec_interrupt(e.ex);
    CHECK_EQ(call(&e, "spin", NULL, NULL), WASM_TRAP_HOST);
    CHECK_EQ(h.calls, 2);
    /* no hook: an interrupt traps as before */
    wasm_exec_set_safepoint_hook(e.ex, NULL, NULL);
    wasm_exec_interrupt(e.ex);
    CHECK_EQ(call(&e, "spin", NULL, NULL), WASM_TRAP_INTERRUPTED);
    wasm_exec_clear_interrupt(e.ex);
    env_close(&e);
}

/* ------------------------------------------------------------ snapshot / reset */

static void snap_module(wmod_t *m)
{
    wm_init(m);
    wm_memory(m, 1, 4, 1);
    wm_global(m, 'i', 1, CODE(W_I32_CONST, 3, W_END));
    wm_export(m, "poke", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "ii", ""), "",
                      CODE(W_LGET, 0, W_LGET, 1, W_I32_STORE, 2, 0, W_END)));
    wm_export(m, "peek", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", "i"), "", CODE(W_LGET, 0, W_I32_LOAD, 2, 0, W_END)));
    wm_export(m, "setg", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", ""), "", CODE(W_LGET, 0, W_GSET, 0, W_END)));
    wm_export(m, "getg", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "", "i"), "", CODE(W_GGET, 0, W_END)));
    wm_export(m, "grow", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "i", "i"), "", CODE(W_LGET, 0, W_MEM_GROW, 0, W_END)));
    wm_export(m, "size", WASM_EXTERN_FUNC,
              wm_func(m, wm_type(m, "", "i"), "", CODE(W_MEM_SIZE, 0, W_END)));
}

TEST(interp_snapshot_reset)
{
    wmod_t m;
    env_t e;
    uint64_t r = 0;
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    snap_module(&m);
    CHECK(env_open(&e, &m));
    CHECK_EQ(call(&e, "poke", (uint64_t[]){0, 7}, NULL), WASM_OK);   /* "init" state */
    CHECK(wasm_instance_snapshot(e.inst));
    /* nothing written yet: nothing to restore */
    CHECK_EQ(wasm_instance_reset(e.inst), 0);
    /* dirty three platform pages, the global, and grow the memory */
    CHECK_EQ(call(&e, "poke", (uint64_t[]){4, 1}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "poke", (uint64_t[]){8, 2}, NULL), WASM_OK);      /* same page */
    CHECK_EQ(call(&e, "poke", (uint64_t[]){(uint64_t)ps, 3}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "poke", (uint64_t[]){(uint64_t)ps * 3 + 8, 4}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "setg", (uint64_t[]){99}, NULL), WASM_OK);
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(r, 1);
    CHECK_EQ(call(&e, "poke", (uint64_t[]){65536 + 16, 5}, NULL), WASM_OK);
    /* reset: 3 dirtied pages + the grown 64 KiB */
    CHECK_EQ(wasm_instance_reset(e.inst), 3 + (int64_t)(65536 / ps));
    CHECK_EQ(call(&e, "peek", (uint64_t[]){0}, &r), WASM_OK);
    CHECK_EQ(r, 7);
    CHECK_EQ(call(&e, "peek", (uint64_t[]){4}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(call(&e, "peek", (uint64_t[]){(uint64_t)ps}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    CHECK_EQ(call(&e, "getg", NULL, &r), WASM_OK);
    CHECK_EQ(r, 3);
    CHECK_EQ(call(&e, "size", NULL, &r), WASM_OK);
    CHECK_EQ(r, 1);
    /* the grown page is gone: an access there traps */
    CHECK_EQ(call(&e, "peek", (uint64_t[]){65536 + 16}, &r), WASM_TRAP_OOB_MEMORY);
    /* and growing again gives zeroed memory */
    CHECK_EQ(call(&e, "grow", (uint64_t[]){1}, &r), WASM_OK);
    CHECK_EQ(call(&e, "peek", (uint64_t[]){65536 + 16}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    /* a second round works the same way */
    CHECK_EQ(call(&e, "poke", (uint64_t[]){4, 11}, NULL), WASM_OK);
    CHECK_EQ(wasm_instance_reset(e.inst), 1 + (int64_t)(65536 / ps));
    CHECK_EQ(call(&e, "peek", (uint64_t[]){4}, &r), WASM_OK);
    CHECK_EQ(r, 0);
    env_close(&e);
}

/* ------------------------------------------------------------ calls between tiers */

/* Calls as the compiled tier makes them (docs/compiler.md, "Calls"): the
 * control record passed to the callee, the first argument and a single
 * two arguments and a single result in registers on direct calls (integer and float), a function
 * whose locals start in their cells, tail calls, and every one of these
 * with the callee or the caller interpreted (jit filter): the thunk of an
 * interpreted callee stores the argument and loads the result. */
static void conv_module(wmod_t *m)
{
    static const uint8_t many[] = {
        W_LGET, 1,  W_LGET, 2,  W_I64_ADD, W_LGET, 3,  W_I64_ADD, W_LGET, 4,  W_I64_ADD,
        W_LGET, 5,  W_I64_ADD, W_LGET, 6,  W_I64_ADD, W_LGET, 7,  W_I64_ADD, W_LGET, 8,
        W_I64_ADD, W_LGET, 9,  W_I64_ADD, W_LGET, 10, W_I64_ADD, W_LGET, 11, W_I64_ADD,
        W_LGET, 12, W_I64_ADD, W_LGET, 13, W_I64_ADD, W_LGET, 14, W_I64_ADD, W_LGET, 15,
        W_I64_ADD, W_LGET, 16, W_I64_ADD, W_LGET, 17, W_I64_ADD, W_LGET, 18, W_I64_ADD,
        W_LGET, 19, W_I64_ADD, W_LGET, 20, W_I64_ADD,
        W_LGET, 0, W_CALL, 0, W_I64_EXTEND_I32_S, W_I64_ADD, W_END};
    wm_init(m);
    uint32_t tii = wm_type(m, "i", "i"), tFF = wm_type(m, "F", "F"), tiI = wm_type(m, "i", "I");
    uint32_t t_i = wm_type(m, "", "i");
    /* 0 fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2) */
    wm_func(m, tii, "", CODE(W_LGET, 0, W_I32_CONST, 2, W_I32_LT_S, W_IF, 0x7F, W_LGET, 0, W_ELSE,
                             W_LGET, 0, W_I32_CONST, 1, W_I32_SUB, W_CALL, 0, W_LGET, 0,
                             W_I32_CONST, 2, W_I32_SUB, W_CALL, 0, W_I32_ADD, W_END, W_END));
    /* 1 fsum(x) = x <= 0 ? 0 : x + fsum(x - 1) (f64.le 0x65, sub 0xA1, add 0xA0) */
    wm_func(m, tFF, "", CODE(W_LGET, 0, W_F64_CONST, 0, 0, 0, 0, 0, 0, 0, 0, 0x65, W_IF, 0x7C,
                             W_F64_CONST, 0, 0, 0, 0, 0, 0, 0, 0, W_ELSE, W_LGET, 0, W_LGET, 0,
                             W_F64_CONST, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0xA1, W_CALL, 1, 0xA0,
                             W_END, W_END));
    /* 2 many(n): twenty i64 locals read at the entry (zero), + fib(n) */
    wm_func(m, tiI, "IIIIIIIIIIIIIIIIIIII", many, sizeof many);
    /* 3 deep(n) = n == 0 ? boom() (through the table) : deep(n - 1) + 1 */
    wm_func(m, tii, "", CODE(W_LGET, 0, W_I32_EQZ, W_IF, 0x7F, W_I32_CONST, 0, W_CALL_INDIRECT,
                             (uint8_t)t_i, 0, W_ELSE, W_LGET, 0, W_I32_CONST, 1, W_I32_SUB,
                             W_CALL, 3, W_I32_CONST, 1, W_I32_ADD, W_END, W_END));
    /* 4 boom */
    wm_func(m, t_i, "", CODE(W_UNREACHABLE, W_END));
    /* 5 tail(n): return_call fib(n) */
    wm_func(m, tii, "", CODE(W_LGET, 0, 0x12, 0, W_END));
    /* 6 pair(a, b) = diff(b + 1, a) (two arguments in registers), 7 diff(a, b) = a - b */
    uint32_t tiii = wm_type(m, "ii", "i");
    wm_func(m, tiii, "", CODE(W_LGET, 1, W_I32_CONST, 1, W_I32_ADD, W_LGET, 0, W_CALL, 7, W_END));
    wm_func(m, tiii, "", CODE(W_LGET, 0, W_LGET, 1, W_I32_SUB, W_END));
    /* 8 leaf(n) = n + 1 and 10 dv(a, b) = (a + 3) / b start with ops that
     * need no control record (lazy_record in jit_x64.c): a safe point at
     * leaf's entry and dv's division by zero still name them; 9 lf(n) =
     * leaf(n) * 2, 11 ldv(a, b) = dv(a, b) + 1 */
    wm_func(m, tii, "", CODE(W_LGET, 0, W_I32_CONST, 1, W_I32_ADD, W_END));
    wm_func(m, tii, "", CODE(W_LGET, 0, W_CALL, 8, W_I32_CONST, 2, W_I32_MUL, W_END));
    wm_func(m, tiii, "", CODE(W_LGET, 0, W_I32_CONST, 3, W_I32_ADD, W_LGET, 1, W_I32_DIV_U, W_END));
    wm_func(m, tiii, "", CODE(W_LGET, 0, W_LGET, 1, W_CALL, 10, W_I32_CONST, 1, W_I32_ADD, W_END));
    /* 12 jdv(a, b): a join of a path that named itself (a call) and one that
     * did not (a != 0), then (a + 3) / b */
    wm_func(m, tiii, "", CODE(W_BLOCK, W_VOID, W_LGET, 0, W_BR_IF, 0, W_LGET, 0, W_CALL, 8, W_DROP,
                              W_END, W_LGET, 0, W_I32_CONST, 3, W_I32_ADD, W_LGET, 1, W_I32_DIV_U,
                              W_END));
    wm_table(m, 'r', 1, 0, 0);
    wm_elem(m, CODE(0, W_I32_CONST, 0, W_END, 1, 4));
    wm_export(m, "fib", WASM_EXTERN_FUNC, 0);
    wm_export(m, "fsum", WASM_EXTERN_FUNC, 1);
    wm_export(m, "many", WASM_EXTERN_FUNC, 2);
    wm_export(m, "deep", WASM_EXTERN_FUNC, 3);
    wm_export(m, "tail", WASM_EXTERN_FUNC, 5);
    wm_export(m, "pair", WASM_EXTERN_FUNC, 6);
    wm_export(m, "lf", WASM_EXTERN_FUNC, 9);
    wm_export(m, "ldv", WASM_EXTERN_FUNC, 11);
    wm_export(m, "jdv", WASM_EXTERN_FUNC, 12);
    wm_name(m, 3, "deep");
    wm_name(m, 4, "boom");
}

#ifndef LF_FUEL
#define LF_FUEL 2
#endif
TEST(calls_between_tiers)
{
    /* tier, and the functions compiled: lo..hi-1 */
    static const uint32_t cfgs[][3] = {{WASM_ENGINE_INTERP, 0, 0}, {WASM_ENGINE_COMPILED, 0, 6},
                                       {WASM_ENGINE_COMPILED, 1, 6}, {WASM_ENGINE_COMPILED, 0, 1},
                                       {WASM_ENGINE_COMPILED, 3, 4}, {WASM_ENGINE_COMPILED, 4, 6},
                                       {WASM_ENGINE_COMPILED, 6, 7}, {WASM_ENGINE_COMPILED, 7, 8},
                                       {WASM_ENGINE_COMPILED, 8, 13}, {WASM_ENGINE_COMPILED, 0, 13}};
    for (uint32_t k = 0; k < sizeof cfgs / sizeof cfgs[0]; k++) {
        wasm_runtime_t *rt = wasm_runtime_new(NULL);
        bool jit = wasm_runtime_set_engine(rt, (wasm_engine_t)cfgs[k][0]) == WASM_ENGINE_COMPILED;
        if (jit)
            wasm_runtime_set_jit_filter(rt, cfgs[k][1], cfgs[k][2]);
        wmod_t m;
        env_t e;
        uint64_t r = 0;
        conv_module(&m);
        CHECK(env_open_rt(&e, rt, &m, NULL));
        uint32_t nc = 0, ni = 0;
        wasm_module_tiers(e.mod, &nc, &ni);
        CHECK_EQ(nc, jit ? cfgs[k][2] - cfgs[k][1] : 0);
        CHECK_EQ(call(&e, "fib", (uint64_t[]){20}, &r), WASM_OK);
        CHECK_EQ(r, 6765);
        CHECK_EQ(call(&e, "fsum", (uint64_t[]){f64b(10.0)}, &r), WASM_OK);
        CHECK_EQ(r, f64b(55.0));
        CHECK_EQ(call(&e, "many", (uint64_t[]){15}, &r), WASM_OK);
        CHECK_EQ(r, 610);
        CHECK_EQ(call(&e, "tail", (uint64_t[]){12}, &r), WASM_OK);
        CHECK_EQ(r, 144);
        CHECK_EQ(call(&e, "pair", (uint64_t[]){3, 40}, &r), WASM_OK);
        CHECK_EQ(r, 38);
        CHECK_EQ(call(&e, "lf", (uint64_t[]){4}, &r), WASM_OK);
        CHECK_EQ(r, 10);
        CHECK_EQ(call(&e, "ldv", (uint64_t[]){9, 4}, &r), WASM_OK);
        CHECK_EQ(r, 4);
        /* traps in functions that had not named themselves yet: the
         * records at these depths hold fib's from the calls above */
        CHECK_EQ(call(&e, "fib", (uint64_t[]){12}, &r), WASM_OK);
        CHECK_EQ(call(&e, "ldv", (uint64_t[]){9, 0}, &r), WASM_TRAP_DIV_ZERO);
        CHECK_EQ(e.trap.nframes, 2);
        CHECK(e.trap.frames[0].func_index == 10);
        CHECK(e.trap.frames[1].func_index == 11);
        CHECK_EQ(call(&e, "jdv", (uint64_t[]){1, 2}, &r), WASM_OK);
        CHECK_EQ(r, 2);
        CHECK_EQ(call(&e, "fib", (uint64_t[]){12}, &r), WASM_OK);
        CHECK_EQ(call(&e, "jdv", (uint64_t[]){1, 0}, &r), WASM_TRAP_DIV_ZERO);
        CHECK_EQ(e.trap.nframes, 1);
        CHECK_EQ(e.trap.frames[0].func_index, 12);
        CHECK_EQ(call(&e, "fib", (uint64_t[]){12}, &r), WASM_OK);
        wasm_exec_set_fuel(e.ex, LF_FUEL);
        CHECK_EQ(call(&e, "lf", (uint64_t[]){4}, &r), WASM_TRAP_OUT_OF_FUEL);
        wasm_exec_set_fuel(e.ex, UINT64_MAX);
        CHECK_EQ(e.trap.nframes, 2);
        CHECK(e.trap.frames[0].func_index == 8);
        CHECK(e.trap.frames[1].func_index == 9);
        /* a trap names every frame, the compiled ones too */
        CHECK_EQ(call(&e, "deep", (uint64_t[]){5}, &r), WASM_TRAP_UNREACHABLE);
        CHECK_EQ(e.trap.nframes, 7);
        CHECK(e.trap.frames[0].name && !memcmp(e.trap.frames[0].name, "boom", 4));
        for (uint32_t i = 1; i < 7 && i < e.trap.nframes; i++)
            CHECK(e.trap.frames[i].name && !memcmp(e.trap.frames[i].name, "deep", 4));
        /* and the exec context is whole after it */
        CHECK_EQ(call(&e, "fib", (uint64_t[]){10}, &r), WASM_OK);
        CHECK_EQ(r, 55);
        env_close(&e);
    }
}
