/*
 * Every SIMD lane operation (unary, binary, shift, test, bitselect) gives
 * the same bits on the compiled tier as on the interpreter, NaN payloads
 * included: the spec suite accepts any NaN where Wasm leaves it open, but
 * the tiers must agree (a lane conversion or reinterpret would show the
 * difference). Each operation runs alone and twice in a row (the second on
 * the first's result, so the compiled tier's register cache of v128 values
 * is crossed), over lanes of special values: quiet and signalling NaNs with
 * payloads and both signs, infinities, zeros of both signs, denormals, the
 * edges of the integer conversions, and integer edge patterns. Where the
 * host has no compiled tier both runs interpret, and the test checks
 * nothing more than that they run.
 */
#include "unit.h"

#include "wasm_builder.h"

#include "simd.h"

#include <stdlib.h>

#include <wasm/wasm.h>

/* 64-bit lane patterns: f64 specials, pairs of f32 specials, integers. */
static const uint64_t pat[] = {
    0x7FF8000000000000ull, 0xFFF8000000000123ull, 0x7FF4000000000001ull, 0xFFF0000000000ABCull,
    0x7FF0000000000000ull, 0xFFF0000000000000ull, 0x8000000000000000ull, 0x0000000000000001ull,
    0x3FF0000000000000ull, 0xC1E0000000000000ull, 0x41E0000000000000ull, 0x4330000000000001ull,
    0x7FC00000FFC00001ull, 0x7FA00000FF800001ull, 0x7FC12345FFA54321ull, 0x7F8000003F800000ull,
    0xFF80000080000000ull, 0x000000017F7FFFFFull, 0xCF0000004F000000ull, 0x3F000000BF000001ull,
    0x4F8000004B000001ull, 0x800000007FFFFFFFull, 0xFFFF800000007FFFull, 0x808080807F7F7F7Full,
    0xFFFFFFFFFFFFFFFFull, 0x0000000000000000ull,
};
#define NPAT (sizeof pat / sizeof pat[0])

/* The two v128 arguments of pair (i, j). */
static void args_of(size_t i, size_t j, uint64_t a[4])
{
    a[0] = pat[i], a[1] = pat[(i + 5) % NPAT];
    a[2] = pat[j], a[3] = pat[(j + 11) % NPAT];
}

static size_t leb(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        p[n++] = b | (v ? 0x80 : 0);
    } while (v);
    return n;
}

typedef struct tenv {
    wasm_runtime_t *rt;
    wasm_exec_t *ex;
    wasm_module_t *mod;
    wasm_instance_t *inst;
} tenv_t;

/* A module with, for each lane op sub, "o<sub>" (the op once) and
 * "t<sub>" (the op on its own result; for tests and shifts, on a fresh
 * operand after a not, so two ops still run back to back). */
static void build(wmod_t *m)
{
    uint32_t tu = wm_type(m, "v", "v"), tb = wm_type(m, "vv", "v"), ts = wm_type(m, "vi", "v");
    uint32_t tt = wm_type(m, "v", "i"), t3 = wm_type(m, "vvv", "v");
    for (uint32_t sub = 0; sub < 256; sub++) {
        wasmi_simd_info_t in = wasmi_simd_describe(sub);
        uint8_t op[4] = {0xFD}, body[64];
        size_t no = 1 + leb(op + 1, sub);
        uint32_t type;
        int nargs;
        switch (in.kind) {
        case SK_UNARY: type = tu, nargs = 1; break;
        case SK_BINARY: type = tb, nargs = 2; break;
        case SK_SHIFT: type = ts, nargs = 2; break;
        case SK_TEST: type = tt, nargs = 1; break;
        case SK_TERNARY: type = t3, nargs = 3; break;
        default: continue;
        }
        for (int twice = 0; twice < 2; twice++) {
            size_t n = 0;
            for (int k = 0; k < nargs; k++) {
                body[n++] = W_LGET, body[n++] = (uint8_t)k;
                if (k == 0 && twice && (in.kind == SK_TEST || in.kind == SK_SHIFT))
                    body[n++] = 0xFD, body[n++] = 0x4D;   /* v128.not first */
            }
            memcpy(body + n, op, no), n += no;
            if (twice && in.kind != SK_TEST && in.kind != SK_SHIFT) {
                for (int k = 1; k < nargs; k++)
                    body[n++] = W_LGET, body[n++] = (uint8_t)k;
                memcpy(body + n, op, no), n += no;
            }
            body[n++] = W_END;
            char name[8];
            snprintf(name, sizeof name, "%c%u", twice ? 't' : 'o', sub);
            wm_export(m, name, WASM_EXTERN_FUNC, wm_func(m, type, "", body, n));
        }
    }
}

/* The tier in effect for the runtime opened last (compiled only where the
 * host has it). */
static wasm_engine_t got_tier;

static bool open_tier(tenv_t *e, wasm_engine_t tier)
{
    wmod_t m;
    wasm_error_t err;
    wasm_trap_t trap;
    memset(e, 0, sizeof *e);
    e->rt = wasm_runtime_new(NULL);
    if (!e->rt)
        return false;
    got_tier = wasm_runtime_set_engine(e->rt, tier);
    e->ex = wasm_exec_new(e->rt);
    wm_init(&m);
    build(&m);
    e->mod = wm_load(&m, e->rt, &err);
    wm_free(&m);
    if (e->mod)
        e->inst = wasm_instantiate(e->mod, NULL, e->ex, &err, &trap);
    if (!e->inst)
        fprintf(stderr, "  simd tiers: %s\n", err.message);
    return e->inst != NULL;
}

static void close_tier(tenv_t *e)
{
    wasm_instance_free(e->inst);
    wasm_module_free(e->mod);
    wasm_exec_free(e->ex);
    wasm_runtime_free(e->rt);
}

/* Calls name with v128 a (cells 0-1) and the kind's other arguments; the
 * result's cells in r (r[1] = 0 for an i32). */
static bool run(tenv_t *e, const char *name, uint32_t kind, const uint64_t a[4], uint32_t sh,
                uint64_t r[2])
{
    wasm_func_t *f = wasm_instance_func(e->inst, name);
    uint64_t args[6] = {a[0], a[1], a[2], a[3], a[2] ^ a[1], a[3] + a[0]};
    wasm_trap_t trap;
    if (kind == SK_SHIFT)
        args[2] = sh;
    r[0] = r[1] = 0;
    return f && wasm_call(e->ex, f, args, r, &trap) == WASM_OK;
}

TEST(simd_lane_ops_agree_between_tiers_bit_for_bit)
{
    static const uint32_t shifts[] = {0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 65, 0xFFFFFFFF};
    tenv_t ti, tc;
    CHECK(open_tier(&ti, WASM_ENGINE_INTERP));
    CHECK(open_tier(&tc, WASM_ENGINE_COMPILED));
    uint32_t nc = 0, nint = 0;
    wasm_module_tiers(tc.mod, &nc, &nint);
    if (got_tier == WASM_ENGINE_COMPILED)
        CHECK_EQ(nint, 0);   /* every function compiled, none left to the interpreter */
    uint64_t calls = 0;
    int fails = 0;
    for (uint32_t sub = 0; sub < 256; sub++) {
        uint32_t kind = wasmi_simd_describe(sub).kind;
        if (kind != SK_UNARY && kind != SK_BINARY && kind != SK_SHIFT && kind != SK_TEST &&
            kind != SK_TERNARY)
            continue;
        for (int twice = 0; twice < 2; twice++) {
            char name[8];
            snprintf(name, sizeof name, "%c%u", twice ? 't' : 'o', sub);
            for (size_t i = 0; i < NPAT; i++)
                for (size_t j = 0; j < NPAT; j++) {
                    uint64_t a[4], ri[2], rc[2];
                    uint32_t sh = shifts[(i + j) % (sizeof shifts / sizeof shifts[0])];
                    args_of(i, j, a);
                    bool oki = run(&ti, name, kind, a, sh, ri);
                    bool okc = run(&tc, name, kind, a, sh, rc);
                    calls++;
                    if (oki && okc && ri[0] == rc[0] && ri[1] == rc[1])
                        continue;
                    if (fails++ < 10)
                        fprintf(stderr,
                                "  %s: a=%016llx%016llx b=%016llx%016llx: interp %d %016llx%016llx, "
                                "compiled %d %016llx%016llx\n",
                                name, (unsigned long long)a[1], (unsigned long long)a[0],
                                (unsigned long long)a[3], (unsigned long long)a[2], oki,
                                (unsigned long long)ri[1], (unsigned long long)ri[0], okc,
                                (unsigned long long)rc[1], (unsigned long long)rc[0]);
                }
        }
    }
    close_tier(&ti);
    close_tier(&tc);
    CHECK(calls > 100000);
    CHECK_EQ(fails, 0);
}
