/*
 * Integer comparisons in every form the compiler emits (compile.c: binop's
 * constant-operand variants, fuse_compare's compare-and-branch ops), checked
 * against C over edge values. A compare reaches a different interpreter op
 * depending on where its operands come from and who consumes the result:
 *
 *   vv   local, local, op          -> OP_I32_LT_U (two slots)
 *   vc   local, const, op          -> OP_I32_LT_U_I (constant operand)
 *   cv   const, local, op          -> two slots (the constant is on the left)
 *   B    ... op, br_if             -> fused OP_BR_I32_LT_U ("jump if true")
 *   C    ... const op, br_if       -> fused OP_BR_I32_LT_U_I
 *   V    ... op, br_if carrying a value -> fused with the negated compare
 *        ("jump over the value moves if false")
 *   W    ... const op, br_if carrying a value -> the negated constant form
 *   I J  ... op, if (two slots / constant): the compare's value, then a test
 *
 * Each form is compared with the plain C result, so a single op computed
 * signed instead of unsigned (or with its branch sense flipped) fails. The
 * arithmetic operators with a constant-operand form are checked the same
 * way (two locals, local op constant, constant op local).
 */
#include "unit.h"

#include "wasm_builder.h"

#include <stdlib.h>

#include <wasm/wasm.h>

/* The ten binary compares in opcode order, and C references. */
enum { NCMP = 10 };
static const char *const cmp_name[NCMP] = {"eq", "ne", "lt_s", "lt_u", "gt_s",
                                           "gt_u", "le_s", "le_u", "ge_s", "ge_u"};

static int ref_cmp(int k, uint64_t a, uint64_t b, bool is64)
{
    int64_t sa = is64 ? (int64_t)a : (int64_t)(int32_t)a;
    int64_t sb = is64 ? (int64_t)b : (int64_t)(int32_t)b;
    uint64_t ua = is64 ? a : (uint32_t)a, ub = is64 ? b : (uint32_t)b;
    switch (k) {
    case 0: return ua == ub;
    case 1: return ua != ub;
    case 2: return sa < sb;
    case 3: return ua < ub;
    case 4: return sa > sb;
    case 5: return ua > ub;
    case 6: return sa <= sb;
    case 7: return ua <= ub;
    case 8: return sa >= sb;
    default: return ua >= ub;
    }
}

/* Edge values; for i32 only the low 32 bits count. */
static const uint64_t edges32[] = {0, 1, 2, 0x7FFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001,
                                   0xFFFFFFFE, 0xFFFFFFFF, 100, 0xFFFFFF9C /* -100 */};
static const uint64_t edges64[] = {0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                   0x100000000ull, 0x7FFFFFFFFFFFFFFFull,
                                   0x8000000000000000ull, 0x8000000000000001ull,
                                   0xFFFFFFFF80000000ull, 0xFFFFFFFFFFFFFFFEull,
                                   0xFFFFFFFFFFFFFFFFull, 100, (uint64_t)-100};
#define NE32 (sizeof edges32 / sizeof edges32[0])
#define NE64 (sizeof edges64 / sizeof edges64[0])

/* A body under construction (the builder's byte buffer). */
static void push_const(wb_t *w, bool is64, uint64_t c)
{
    wb_byte(w, is64 ? W_I64_CONST : W_I32_CONST);
    wb_s64(w, is64 ? (int64_t)c : (int64_t)(int32_t)c);
}

/* Operands for form: 'v' two locals, 'c' local then const, 'l' const then local. */
static void push_operands(wb_t *w, bool is64, char how, uint64_t c)
{
    if (how == 'l') {
        push_const(w, is64, c);
        wb_byte(w, W_LGET), wb_byte(w, 0);
        return;
    }
    wb_byte(w, W_LGET), wb_byte(w, 0);
    if (how == 'c')
        push_const(w, is64, c);
    else
        wb_byte(w, W_LGET), wb_byte(w, 1);
}

/*
 * Adds the function "<form><k>" computing compare k of the operands as 0/1:
 *   form 'v' 'c' 'l': the value itself;
 *   form 'B' 'C': block; operands; op; br_if 0; 0; return; end; 1 (the branch decides);
 *   form 'V' 'W': block (result i32); 1; operands; op; br_if 0; drop; 0; end;
 *   form 'I' 'J': operands; op; if (result i32) 1 else 0 end.
 * opcode is the binary compare (or eqz when k < 0).
 */
static void add_form(wmod_t *m, uint32_t type, bool is64, char form, int k, uint8_t opcode,
                     uint64_t c)
{
    wb_t w = {0};
    char how = strchr("cCJW", form) ? 'c' : form == 'l' ? 'l' : 'v';
    if (form == 'V' || form == 'W') {
        /* block (result i32); 1; operands; op; br_if 0; drop; 0; end */
        wb_byte(&w, W_BLOCK), wb_byte(&w, W_T_I32);
        wb_byte(&w, W_I32_CONST), wb_s64(&w, 1);
        if (k < 0)
            wb_byte(&w, W_LGET), wb_byte(&w, 0);
        else
            push_operands(&w, is64, how, c);
        wb_byte(&w, opcode);
        wb_byte(&w, W_BR_IF), wb_byte(&w, 0);
        wb_byte(&w, W_DROP);
        wb_byte(&w, W_I32_CONST), wb_s64(&w, 0);
        wb_byte(&w, W_END);
    } else if (form == 'B' || form == 'C') {
        /* block; operands; op; br_if 0; i32.const 0; return; end; i32.const 1 */
        wb_byte(&w, W_BLOCK), wb_byte(&w, W_VOID);
        if (k < 0)
            wb_byte(&w, W_LGET), wb_byte(&w, 0);
        else
            push_operands(&w, is64, how, c);
        wb_byte(&w, opcode);
        wb_byte(&w, W_BR_IF), wb_byte(&w, 0);
        wb_byte(&w, W_I32_CONST), wb_s64(&w, 0);
        wb_byte(&w, W_RETURN);
        wb_byte(&w, W_END);
        wb_byte(&w, W_I32_CONST), wb_s64(&w, 1);
    } else {
        if (k < 0)
            wb_byte(&w, W_LGET), wb_byte(&w, 0);
        else
            push_operands(&w, is64, how, c);
        wb_byte(&w, opcode);
        if (form == 'I' || form == 'J') {
            wb_byte(&w, W_IF), wb_byte(&w, W_T_I32);
            wb_byte(&w, W_I32_CONST), wb_s64(&w, 1);
            wb_byte(&w, W_ELSE);
            wb_byte(&w, W_I32_CONST), wb_s64(&w, 0);
            wb_byte(&w, W_END);
        }
    }
    wb_byte(&w, W_END);
    char name[16];
    snprintf(name, sizeof name, "%c%d", form, k < 0 ? 99 : k);
    wm_export(m, name, WASM_EXTERN_FUNC, wm_func(m, type, "", w.b, w.n));
    wb_free(&w);
}

typedef struct cenv {
    wasm_runtime_t *rt;
    wasm_exec_t *ex;
    wasm_module_t *mod;
    wasm_instance_t *inst;
} cenv_t;

/* Builds the module of every form for type is64 and constant c. */
/* The tier under test: every check runs on the interpreter and on the
 * compiled tier (which falls back to the interpreter where there is none). */
static wasm_engine_t tier;

static wasm_runtime_t *tier_runtime(void)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    if (rt)
        wasm_runtime_set_engine(rt, tier);
    return rt;
}

static bool cenv_open(cenv_t *e, bool is64, uint64_t c)
{
    static const char forms[] = "vclBCVWIJ";
    wmod_t m;
    wasm_error_t err;
    wasm_trap_t trap;
    wm_init(&m);
    uint32_t t = wm_type(&m, is64 ? "II" : "ii", "i");
    uint32_t t1 = wm_type(&m, is64 ? "I" : "i", "i");
    uint8_t base = is64 ? 0x51 : 0x46, eqz = is64 ? 0x50 : W_I32_EQZ;
    for (const char *f = forms; *f; f++) {
        for (int k = 0; k < NCMP; k++)
            add_form(&m, t, is64, *f, k, (uint8_t)(base + k), c);
        if (*f == 'v' || *f == 'B' || *f == 'V' || *f == 'I')
            add_form(&m, t1, is64, *f, -1, eqz, 0);
    }
    memset(e, 0, sizeof *e);
    e->rt = tier_runtime();
    e->ex = wasm_exec_new(e->rt);
    e->mod = wm_load(&m, e->rt, &err);
    wm_free(&m);
    if (e->mod)
        e->inst = wasm_instantiate(e->mod, NULL, e->ex, &err, &trap);
    if (!e->inst)
        fprintf(stderr, "  cmp module: %s\n", err.message);
    return e->inst != NULL;
}

static void cenv_close(cenv_t *e)
{
    wasm_instance_free(e->inst);
    wasm_module_free(e->mod);
    wasm_exec_free(e->ex);
    wasm_runtime_free(e->rt);
}

/* Calls "<form><k>" on (a, b); returns 0/1, or -1 on a trap or no export. */
static int ccall(cenv_t *e, char form, int k, uint64_t a, uint64_t b)
{
    char name[16];
    snprintf(name, sizeof name, "%c%d", form, k < 0 ? 99 : k);
    wasm_func_t *f = wasm_instance_func(e->inst, name);
    if (!f)
        return -1;
    uint64_t args[2] = {a, b}, res = 0xDEAD;
    wasm_trap_t trap;
    if (wasm_call(e->ex, f, args, &res, &trap) != WASM_OK || res > 1)
        return -1;
    return (int)res;
}

static int fails;

static void expect(bool is64, char form, int k, uint64_t a, uint64_t b, int got, int want)
{
    if (got == want)
        return;
    if (fails++ < 10)
        fprintf(stderr, "  %s %s.%s form %c: a=0x%llx b=0x%llx: got %d, want %d\n",
                tier == WASM_ENGINE_INTERP ? "interp" : "compiled", is64 ? "i64" : "i32", k < 0 ? "eqz" : cmp_name[k], form,
                (unsigned long long)a, (unsigned long long)b, got, want);
}

/* Every form of every compare for one type, over all edge pairs. */
static void check_type(bool is64)
{
    const uint64_t *ev = is64 ? edges64 : edges32;
    size_t n = is64 ? NE64 : NE32;
    fails = 0;
    for (size_t ci = 0; ci < n; ci++) {
        uint64_t c = ev[ci];
        cenv_t e;
        if (!cenv_open(&e, is64, c)) {
            fails++;
            cenv_close(&e);
            continue;
        }
        for (size_t ai = 0; ai < n; ai++) {
            uint64_t a = ev[ai];
            for (int k = 0; k < NCMP; k++) {
                expect(is64, 'v', k, a, c, ccall(&e, 'v', k, a, c), ref_cmp(k, a, c, is64));
                expect(is64, 'B', k, a, c, ccall(&e, 'B', k, a, c), ref_cmp(k, a, c, is64));
                expect(is64, 'V', k, a, c, ccall(&e, 'V', k, a, c), ref_cmp(k, a, c, is64));
                expect(is64, 'I', k, a, c, ccall(&e, 'I', k, a, c), ref_cmp(k, a, c, is64));
                expect(is64, 'c', k, a, c, ccall(&e, 'c', k, a, 0), ref_cmp(k, a, c, is64));
                expect(is64, 'C', k, a, c, ccall(&e, 'C', k, a, 0), ref_cmp(k, a, c, is64));
                expect(is64, 'W', k, a, c, ccall(&e, 'W', k, a, 0), ref_cmp(k, a, c, is64));
                expect(is64, 'J', k, a, c, ccall(&e, 'J', k, a, 0), ref_cmp(k, a, c, is64));
                expect(is64, 'l', k, c, a, ccall(&e, 'l', k, a, 0), ref_cmp(k, c, a, is64));
            }
            if (ci == 0) {
                int z = is64 ? a == 0 : (uint32_t)a == 0;
                expect(is64, 'v', -1, a, 0, ccall(&e, 'v', -1, a, 0), z);
                expect(is64, 'B', -1, a, 0, ccall(&e, 'B', -1, a, 0), z);
                expect(is64, 'V', -1, a, 0, ccall(&e, 'V', -1, a, 0), z);
                expect(is64, 'I', -1, a, 0, ccall(&e, 'I', -1, a, 0), z);
            }
        }
        cenv_close(&e);
    }
}

TEST(cmp_i32_all_forms_edge_values)
{
    for (tier = WASM_ENGINE_INTERP; tier <= WASM_ENGINE_COMPILED; tier++) {
        check_type(false);
        CHECK_EQ(fails, 0);
    }
}

TEST(cmp_i64_all_forms_edge_values)
{
    for (tier = WASM_ENGINE_INTERP; tier <= WASM_ENGINE_COMPILED; tier++) {
        check_type(true);
        CHECK_EQ(fails, 0);
    }
}

/* ------------------------------------------------------------ arithmetic */

/* The binary operators that have a constant-operand form (compile.c's
 * imm_variant): add sub mul and or xor shl shr_s shr_u. */
enum { NARITH = 9 };
static const uint8_t arith32[NARITH] = {0x6A, 0x6B, 0x6C, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76};
static const uint8_t arith64[NARITH] = {0x7C, 0x7D, 0x7E, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88};

static uint64_t ref_arith(int k, uint64_t a, uint64_t b, bool is64)
{
    unsigned bits = is64 ? 64 : 32, sh = (unsigned)(b & (bits - 1));
    uint64_t mask = is64 ? ~0ull : 0xFFFFFFFFull, r;
    a &= mask, b &= mask;
    switch (k) {
    case 0: r = a + b; break;
    case 1: r = a - b; break;
    case 2: r = a * b; break;
    case 3: r = a & b; break;
    case 4: r = a | b; break;
    case 5: r = a ^ b; break;
    case 6: r = a << sh; break;
    case 7: r = is64 ? (uint64_t)((int64_t)a >> sh) : (uint64_t)(uint32_t)((int32_t)(uint32_t)a >> sh); break;
    default: r = a >> sh; break;
    }
    return r & mask;
}

/* Functions "v<k>" (two locals), "c<k>" (local, const c), "l<k>" (const c, local). */
static bool arith_open(cenv_t *e, bool is64, uint64_t c)
{
    wmod_t m;
    wasm_error_t err;
    wasm_trap_t trap;
    wm_init(&m);
    uint32_t t = wm_type(&m, is64 ? "II" : "ii", is64 ? "I" : "i");
    for (const char *f = "vcl"; *f; f++)
        for (int k = 0; k < NARITH; k++) {
            wb_t w = {0};
            push_operands(&w, is64, *f, c);
            wb_byte(&w, is64 ? arith64[k] : arith32[k]);
            wb_byte(&w, W_END);
            char name[16];
            snprintf(name, sizeof name, "%c%d", *f, k);
            wm_export(&m, name, WASM_EXTERN_FUNC, wm_func(&m, t, "", w.b, w.n));
            wb_free(&w);
        }
    memset(e, 0, sizeof *e);
    e->rt = tier_runtime();
    e->ex = wasm_exec_new(e->rt);
    e->mod = wm_load(&m, e->rt, &err);
    wm_free(&m);
    if (e->mod)
        e->inst = wasm_instantiate(e->mod, NULL, e->ex, &err, &trap);
    return e->inst != NULL;
}

static bool arith_call(cenv_t *e, char form, int k, uint64_t a, uint64_t b, uint64_t *res)
{
    char name[16];
    snprintf(name, sizeof name, "%c%d", form, k);
    wasm_func_t *f = wasm_instance_func(e->inst, name);
    uint64_t args[2] = {a, b};
    wasm_trap_t trap;
    return f && wasm_call(e->ex, f, args, res, &trap) == WASM_OK;
}

static void check_arith(bool is64)
{
    const uint64_t *ev = is64 ? edges64 : edges32;
    size_t n = is64 ? NE64 : NE32;
    uint64_t mask = is64 ? ~0ull : 0xFFFFFFFFull;
    fails = 0;
    for (size_t ci = 0; ci < n; ci++) {
        uint64_t c = ev[ci], got;
        cenv_t e;
        if (!arith_open(&e, is64, c)) {
            fails++;
            cenv_close(&e);
            continue;
        }
        for (size_t ai = 0; ai < n; ai++)
            for (int k = 0; k < NARITH; k++) {
                uint64_t a = ev[ai];
                static const char forms[] = "vcl";
                for (int fi = 0; fi < 3; fi++) {
                    char form = forms[fi];
                    uint64_t x = form == 'l' ? c : a, y = form == 'l' ? a : c;
                    uint64_t want = ref_arith(k, x, y, is64);
                    bool ok = arith_call(&e, form, k, a, form == 'v' ? c : 0, &got);
                    if (!ok || (got & mask) != want) {
                        if (fails++ < 10)
                            fprintf(stderr, "  %s op %d form %c: 0x%llx, 0x%llx: got 0x%llx, want 0x%llx\n",
                                    is64 ? "i64" : "i32", k, form, (unsigned long long)x,
                                    (unsigned long long)y, (unsigned long long)got,
                                    (unsigned long long)want);
                    }
                }
            }
        cenv_close(&e);
    }
}

TEST(arith_i32_constant_operand_forms)
{
    for (tier = WASM_ENGINE_INTERP; tier <= WASM_ENGINE_COMPILED; tier++) {
        check_arith(false);
        CHECK_EQ(fails, 0);
    }
}

TEST(arith_i64_constant_operand_forms)
{
    for (tier = WASM_ENGINE_INTERP; tier <= WASM_ENGINE_COMPILED; tier++) {
        check_arith(true);
        CHECK_EQ(fails, 0);
    }
}
