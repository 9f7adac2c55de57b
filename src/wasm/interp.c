/*
 * The interpreter: runs the internal code of ops.h.
 *
 * State lives in a few locals the compiler keeps in registers: ip (next
 * word), fp (frame: locals then operand slots), mem/memsize (linear memory 0
 * of the running instance), inst, func, ctl (next free control record) and
 * fuel. Wasm-to-Wasm calls do not recurse in C: a call pushes a control
 * record and switches ip/fp, so deep Wasm recursion cannot overflow the
 * native stack; only host calls (and host calls back into Wasm) use it.
 *
 * The callee's frame starts at the caller's first argument slot, so
 * arguments are never copied, and results are left where the arguments
 * were, which is where the caller's compiler expects them.
 *
 * Dispatch: with GNU C labels-as-values (default), each handler ends with an
 * indirect jump through the next op word, which holds the handler's offset
 * from the first label (direct threading, compact 32-bit code). Build with
 * -DWASM_NO_THREADED for a portable switch.
 *
 * Safe points: function entry and every backward jump (loop back-edges)
 * decrement the fuel counter and test the interrupt flag; -DWASM_NO_SAFEPOINTS
 * removes them, to measure their cost.
 */
#include "internal.h"
#include "jit.h"
#include "numeric.h"
#include "ops.h"

#if !defined(WASM_NO_THREADED) && (defined(__GNUC__) || defined(__clang__))
#define WASM_THREADED 1
#endif

#define U32(i) ((uint32_t)fp[ip[i]])
#define S32(i) ((int32_t)(uint32_t)fp[ip[i]])
#define U64(i) (fp[ip[i]])
#define S64(i) ((int64_t)fp[ip[i]])
#define F32(i) wasmi_f32((uint32_t)fp[ip[i]])
#define F64(i) wasmi_f64(fp[ip[i]])
#define IMM(i) (ip[i])
#define PUT32(i, v) (fp[ip[i]] = (uint64_t)(uint32_t)(v))
#define PUT64(i, v) (fp[ip[i]] = (uint64_t)(v))
#define PUTF32(i, v) (fp[ip[i]] = (uint64_t)wasmi_f32_bits(v))
#define PUTF64(i, v) (fp[ip[i]] = wasmi_f64_bits(v))

#if WASM_THREADED
#define CASE(name) L_##name:
#define DISPATCH() goto *(const void *)((const char *)&&L_I32_EQZ + (int32_t)*ip)
#else
#define CASE(name) case OP_##name:
#define DISPATCH() goto dispatch
#endif
#define NEXT(n) do { ip += (n); DISPATCH(); } while (0)

#define TRAP(k) do { trap = (k); goto trapped; } while (0)

#ifdef WASM_NO_SAFEPOINTS
#define SAFEPOINT() do { } while (0)
#else
#define SAFEPOINT()                                                   \
    do {                                                              \
        if (WASM_UNLIKELY(--ex->fuel <= 0 || ex->interrupt)) {        \
            wasm_trap_kind_t k_ = safepoint_slow(ex);                 \
            if (k_ != WASM_OK)                                        \
                TRAP(k_);                                             \
            memsize = cs.inst->mem ? cs.inst->mem->size : 0;          \
        }                                                             \
    } while (0)
#endif

/* Relative jump from the current op word; backward jumps are safe points. */
#define JUMP(off)                                                     \
    do {                                                              \
        int32_t o_ = (int32_t)(off);                                  \
        if (o_ <= 0)                                                  \
            SAFEPOINT();                                              \
        ip += o_;                                                     \
        DISPATCH();                                                   \
    } while (0)

#define BIN32(name, expr) CASE(name) { uint32_t a = U32(2), b = U32(3); PUT32(1, expr); NEXT(4); }
#define BIN64(name, expr) CASE(name) { uint64_t a = U64(2), b = U64(3); PUT64(1, expr); NEXT(4); }
#define IMM32(name, expr) CASE(name) { uint32_t a = U32(2), b = IMM(3); PUT32(1, expr); NEXT(4); }
#define IMM64(name, expr) CASE(name) { uint64_t a = U64(2), b = (uint64_t)(int64_t)(int32_t)IMM(3); PUT64(1, expr); NEXT(4); }
#define CMP64(name, expr) CASE(name) { uint64_t a = U64(2), b = U64(3); PUT32(1, expr); NEXT(4); }
#define CMP64I(name, expr) CASE(name) { uint64_t a = U64(2), b = (uint64_t)(int64_t)(int32_t)IMM(3); PUT32(1, expr); NEXT(4); }
#define UN32(name, expr) CASE(name) { uint32_t a = U32(2); PUT32(1, expr); NEXT(3); }
#define UN64(name, expr) CASE(name) { uint64_t a = U64(2); PUT64(1, expr); NEXT(3); }
#define BINF32(name, expr) CASE(name) { float a = F32(2), b = F32(3); PUTF32(1, expr); NEXT(4); }
#define BINF64(name, expr) CASE(name) { double a = F64(2), b = F64(3); PUTF64(1, expr); NEXT(4); }
#define CMPF32(name, expr) CASE(name) { float a = F32(2), b = F32(3); PUT32(1, expr); NEXT(4); }
#define CMPF64(name, expr) CASE(name) { double a = F64(2), b = F64(3); PUT32(1, expr); NEXT(4); }
#define UNF32(name, expr) CASE(name) { float a = F32(2); PUTF32(1, expr); NEXT(3); }
#define UNF64(name, expr) CASE(name) { double a = F64(2); PUTF64(1, expr); NEXT(3); }
#define BR2(name, T, op) CASE(name) { if ((T)fp[ip[1]] op (T)fp[ip[2]]) JUMP(ip[3]); NEXT(4); }
#define BRI(name, T, op) CASE(name) { if ((T)fp[ip[1]] op (T)(int32_t)ip[2]) JUMP(ip[3]); NEXT(4); }
#define BRZ(name, T, op) CASE(name) { if ((T)fp[ip[1]] op 0) JUMP(ip[2]); NEXT(3); }

/* Effective address check: ea + n must lie within memory (and stays
 * within it under speculation: wasmi_spec_clamp). */
#define EA(slot, off, n)                                              \
    uint64_t ea = (uint64_t)(uint32_t)fp[ip[slot]] + ip[off];        \
    if (WASM_UNLIKELY(ea + (n) > memsize))                            \
        TRAP(WASM_TRAP_OOB_MEMORY);                                   \
    ea = wasmi_spec_clamp(ea, ea + (n), memsize)
/* riscv64 promises no misaligned access, so a copy of unknown alignment
 * becomes byte accesses, which device registers mapped into a driver's
 * memory (virtio-mmio: 32-bit only) refuse: an aligned address gets one
 * access of the width the program asked for (volatile, so the compiler
 * cannot merge it with the byte-wise branch). */
#if defined(__riscv)
#define MEM_RD(v, p, n)                                                        \
    do {                                                                       \
        if (((uintptr_t)(p) & ((n) - 1)) == 0)                                 \
            (v) = *(const volatile __typeof__(v) *)(const void *)(p);        \
        else                                                                   \
            __builtin_memcpy(&(v), (p), (n));                                  \
    } while (0)
#define MEM_WR(p, v, n)                                                        \
    do {                                                                       \
        if (((uintptr_t)(p) & ((n) - 1)) == 0)                                 \
            *(volatile __typeof__(v) *)(void *)(p) = (v);                    \
        else                                                                   \
            __builtin_memcpy((p), &(v), (n));                                  \
    } while (0)
#else
#define MEM_RD(v, p, n) __builtin_memcpy(&(v), (p), (n))
#define MEM_WR(p, v, n) __builtin_memcpy((p), &(v), (n))
#endif
#define LOAD(name, T, n, put)                                         \
    CASE(name) { EA(2, 3, n); T v; MEM_RD(v, mem + ea, n); put(1, v); NEXT(4); }
#define STORE(name, T, n)                                             \
    CASE(name) { EA(1, 3, n); T v = (T)fp[ip[2]]; MEM_WR(mem + ea, v, n); NEXT(4); }

/* v128 lanes for the SIMD handlers: d = a op b over 16-byte vectors. */
typedef uint8_t vu8 __attribute__((vector_size(16)));
typedef uint16_t vu16 __attribute__((vector_size(16)));
typedef uint32_t vu32 __attribute__((vector_size(16)));
typedef uint64_t vu64 __attribute__((vector_size(16)));
typedef float vf32 __attribute__((vector_size(16)));
typedef double vf64 __attribute__((vector_size(16)));
#define VBIN(name, T, expr)                                           \
    CASE(name) {                                                      \
        T a, b, r;                                                    \
        __builtin_memcpy(&a, fp + ip[3], 16);                         \
        __builtin_memcpy(&b, fp + ip[4], 16);                         \
        r = expr;                                                     \
        __builtin_memcpy(fp + ip[1], &r, 16);                         \
        NEXT(5);                                                      \
    }

/* i8x16.shuffle, out of line: its 48 bytes of buffers would otherwise
 * enlarge the interpreter's frame. */
static __attribute__((noinline)) void v_shuffle(uint64_t *fp, const uint32_t *ip)
{
    uint8_t ab[32], r[16];
    __builtin_memcpy(ab, fp + ip[3], 16);
    __builtin_memcpy(ab + 16, fp + ip[4], 16);
    const uint8_t *lane = (const uint8_t *)(ip + 5);
    for (uint32_t i = 0; i < 16; i++)
        r[i] = ab[lane[i] & 31];
    __builtin_memcpy(fp + ip[1], r, 16);
}

static inline uint32_t rotl32(uint32_t a, uint32_t b) { b &= 31; return (a << b) | (a >> ((32 - b) & 31)); }
static inline uint32_t rotr32(uint32_t a, uint32_t b) { b &= 31; return (a >> b) | (a << ((32 - b) & 31)); }
static inline uint64_t rotl64(uint64_t a, uint64_t b) { b &= 63; return (a << b) | (a >> ((64 - b) & 63)); }
static inline uint64_t rotr64(uint64_t a, uint64_t b) { b &= 63; return (a >> b) | (a << ((64 - b) & 63)); }

/* A safe point found fuel exhausted or the interrupt flag set. With a hook
 * (a scheduler's preemption point) the hook decides: WASM_OK resumes the
 * code, anything else stops it with that trap. */
#ifndef WASM_NO_SAFEPOINTS
__attribute__((noinline)) static wasm_trap_kind_t safepoint_slow(wasm_exec_t *ex)
{
    if (ex->fuel <= 0) {
        ex->fuel = 0;   /* signed: a nested call that spent it all cannot wrap it */
        return WASM_TRAP_OUT_OF_FUEL;
    }
    if (ex->interrupt && ex->hook)
        return ex->hook(ex, ex->hook_user);
    return ex->interrupt ? WASM_TRAP_INTERRUPTED : WASM_OK;
}
#endif

/* Out-of-line helpers for the bulk and table instructions. Each returns
 * WASM_OK or a trap kind. */
static wasm_trap_kind_t memory_init(wasm_instance_t *inst, uint32_t seg, uint32_t d, uint32_t s,
                                    uint32_t n)
{
    const wasmi_data_t *ds = &inst->m->datas[seg];
    uint64_t len = inst->data_dropped[seg] ? 0 : ds->len;
    wasm_memory_t *mem = inst->mem;
    if ((uint64_t)s + n > len || (uint64_t)d + n > mem->size)
        return WASM_TRAP_OOB_MEMORY;
    if (n)
        __builtin_memcpy(mem->base + d, ds->bytes + s, n);
    return WASM_OK;
}

static wasm_trap_kind_t table_init(wasm_instance_t *inst, uint32_t ti, uint32_t seg, uint32_t d,
                                   uint32_t s, uint32_t n)
{
    wasm_table_t *t = inst->tables[ti];
    uint64_t len = inst->elem_len[seg];
    if ((uint64_t)s + n > len || (uint64_t)d + n > t->size)
        return WASM_TRAP_OOB_TABLE;
    if (n)
        __builtin_memcpy(t->elems + d, inst->elem_items[seg] + s, (size_t)n * 8);
    return WASM_OK;
}

static wasm_trap_kind_t table_copy(wasm_instance_t *inst, uint32_t dt, uint32_t st, uint32_t d,
                                   uint32_t s, uint32_t n)
{
    wasm_table_t *a = inst->tables[dt], *b = inst->tables[st];
    if ((uint64_t)s + n > b->size || (uint64_t)d + n > a->size)
        return WASM_TRAP_OOB_TABLE;
    if (n)
        __builtin_memmove(a->elems + d, b->elems + s, (size_t)n * 8);
    return WASM_OK;
}

static wasm_trap_kind_t table_fill(wasm_table_t *t, uint32_t i, uint64_t v, uint32_t n)
{
    if ((uint64_t)i + n > t->size)
        return WASM_TRAP_OOB_TABLE;
    for (uint32_t k = 0; k < n; k++)
        t->elems[i + k] = v;
    return WASM_OK;
}

/* Records the backtrace: the trapping function, then its callers. */
static void record_trap(wasm_exec_t *ex, wasm_trap_kind_t k, wasm_func_t *func,
                        wasmi_ctl_t *ctl, wasmi_ctl_t *base, bool append)
{
    wasm_trap_t *t = &ex->last_trap;
    t->kind = k;
    if (!append)
        t->nframes = 0;
    wasm_func_t *f = func;
    while (f && t->nframes < WASM_TRAP_MAX_FRAMES) {
        wasm_frame_info_t *fi = &t->frames[t->nframes++];
        fi->instance = f->inst;
        fi->func_index = f->index;
        fi->name = wasmi_func_name(f, &fi->name_len);
        fi->code_offset = f->def ? f->def->body_off : 0;
        if (ctl <= base)
            break;
        ctl--;
        f = ctl->func;
    }
}

typedef struct interp_cold {
    wasm_func_t *func;            /* running function */
    wasm_instance_t *inst;        /* its instance */
    wasmi_ctl_t *ctl;              /* next free control record */
} interp_cold_t;

__attribute__((noinline)) static void keep_in_memory(interp_cold_t *cs)
{
    __asm__ volatile("" : : "r"(cs) : "memory");
}

static wasm_trap_kind_t run(wasm_exec_t *ex, wasm_func_t *entry, uint64_t *fp,
                            const int32_t **table_out)
{
#if WASM_THREADED
    static const int32_t labels[] = {
#define WASM_LABEL(name, n) (int32_t)((const char *)&&L_##name - (const char *)&&L_I32_EQZ),
        WASM_ALL_OPS(WASM_LABEL)
#undef WASM_LABEL
    };
    if (table_out) {
        *table_out = labels;
        return WASM_OK;
    }
#else
    if (table_out) {
        *table_out = NULL;
        return WASM_OK;
    }
#endif
    /* Only ip, fp, mem and memsize are hot; the rest lives in `cs`, whose
     * address escapes so the compiler keeps it in memory and the hot four
     * keep their registers in this large function. */
    interp_cold_t cs;
    cs.func = entry;
    cs.inst = entry->inst;
    cs.ctl = ex->ctl_top;
    keep_in_memory(&cs);
    wasm_trap_kind_t trap = WASM_OK;
    bool nested_trap = false;     /* a compiled callee recorded its frames */
    wasmi_ctl_t *base = ex->ctl_top;
    uint8_t *mem = cs.inst->mem ? cs.inst->mem->base : NULL;
    uint64_t memsize = cs.inst->mem ? cs.inst->mem->size : 0;
    const uint32_t *ip = entry->def->code;
    wasm_func_t *callee;
    uint64_t *nfp;

    if (ex->fuel <= 0)
        TRAP(WASM_TRAP_OUT_OF_FUEL);
    if (fp + entry->def->frame_cells > ex->stack_end || cs.ctl + 1 >= ex->ctl_end)
        TRAP(WASM_TRAP_STACK_EXHAUSTED);
    cs.ctl->ip = NULL;
    cs.ctl->fp = NULL;
    cs.ctl->func = NULL;      /* sentinel: returning to it leaves run() */
    cs.ctl++;
    for (uint32_t i = entry->type->pcells; i < entry->def->nlocals; i++)
        fp[i] = 0;
    SAFEPOINT();

#if WASM_THREADED
    DISPATCH();
#else
dispatch:
    switch (*ip) {
#endif
    CASE(I32_EQZ) { PUT32(1, U32(2) == 0); NEXT(3); }
    BIN32(I32_EQ, a == b) BIN32(I32_NE, a != b)
    BIN32(I32_LT_S, (int32_t)a < (int32_t)b) BIN32(I32_LT_U, a < b)
    BIN32(I32_GT_S, (int32_t)a > (int32_t)b) BIN32(I32_GT_U, a > b)
    BIN32(I32_LE_S, (int32_t)a <= (int32_t)b) BIN32(I32_LE_U, a <= b)
    BIN32(I32_GE_S, (int32_t)a >= (int32_t)b) BIN32(I32_GE_U, a >= b)
    CASE(I64_EQZ) { PUT32(1, U64(2) == 0); NEXT(3); }
    CMP64(I64_EQ, a == b) CMP64(I64_NE, a != b)
    CMP64(I64_LT_S, (int64_t)a < (int64_t)b) CMP64(I64_LT_U, a < b)
    CMP64(I64_GT_S, (int64_t)a > (int64_t)b) CMP64(I64_GT_U, a > b)
    CMP64(I64_LE_S, (int64_t)a <= (int64_t)b) CMP64(I64_LE_U, a <= b)
    CMP64(I64_GE_S, (int64_t)a >= (int64_t)b) CMP64(I64_GE_U, a >= b)
    CMPF32(F32_EQ, a == b) CMPF32(F32_NE, a != b) CMPF32(F32_LT, a < b)
    CMPF32(F32_GT, a > b) CMPF32(F32_LE, a <= b) CMPF32(F32_GE, a >= b)
    CMPF64(F64_EQ, a == b) CMPF64(F64_NE, a != b) CMPF64(F64_LT, a < b)
    CMPF64(F64_GT, a > b) CMPF64(F64_LE, a <= b) CMPF64(F64_GE, a >= b)
    UN32(I32_CLZ, a ? (uint32_t)__builtin_clz(a) : 32)
    UN32(I32_CTZ, a ? (uint32_t)__builtin_ctz(a) : 32)
    UN32(I32_POPCNT, (uint32_t)__builtin_popcount(a))
    BIN32(I32_ADD, a + b) BIN32(I32_SUB, a - b) BIN32(I32_MUL, a * b)
    CASE(I32_DIV_S) {
        int32_t a = S32(2), b = S32(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        if (WASM_UNLIKELY(a == INT32_MIN && b == -1)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT32(1, a / b); NEXT(4);
    }
    CASE(I32_DIV_U) {
        uint32_t a = U32(2), b = U32(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        PUT32(1, a / b); NEXT(4);
    }
    CASE(I32_REM_S) {
        int32_t a = S32(2), b = S32(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        PUT32(1, b == -1 ? 0 : a % b); NEXT(4);
    }
    CASE(I32_REM_U) {
        uint32_t a = U32(2), b = U32(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        PUT32(1, a % b); NEXT(4);
    }
    BIN32(I32_AND, a & b) BIN32(I32_OR, a | b) BIN32(I32_XOR, a ^ b)
    BIN32(I32_SHL, a << (b & 31)) BIN32(I32_SHR_S, (uint32_t)((int32_t)a >> (b & 31)))
    BIN32(I32_SHR_U, a >> (b & 31)) BIN32(I32_ROTL, rotl32(a, b)) BIN32(I32_ROTR, rotr32(a, b))
    UN64(I64_CLZ, a ? (uint64_t)__builtin_clzll(a) : 64)
    UN64(I64_CTZ, a ? (uint64_t)__builtin_ctzll(a) : 64)
    UN64(I64_POPCNT, (uint64_t)__builtin_popcountll(a))
    BIN64(I64_ADD, a + b) BIN64(I64_SUB, a - b) BIN64(I64_MUL, a * b)
    CASE(I64_DIV_S) {
        int64_t a = S64(2), b = S64(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        if (WASM_UNLIKELY(a == INT64_MIN && b == -1)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT64(1, a / b); NEXT(4);
    }
    CASE(I64_DIV_U) {
        uint64_t a = U64(2), b = U64(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        PUT64(1, a / b); NEXT(4);
    }
    CASE(I64_REM_S) {
        int64_t a = S64(2), b = S64(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        PUT64(1, b == -1 ? 0 : a % b); NEXT(4);
    }
    CASE(I64_REM_U) {
        uint64_t a = U64(2), b = U64(3);
        if (WASM_UNLIKELY(b == 0)) TRAP(WASM_TRAP_DIV_ZERO);
        PUT64(1, a % b); NEXT(4);
    }
    BIN64(I64_AND, a & b) BIN64(I64_OR, a | b) BIN64(I64_XOR, a ^ b)
    BIN64(I64_SHL, a << (b & 63)) BIN64(I64_SHR_S, (uint64_t)((int64_t)a >> (b & 63)))
    BIN64(I64_SHR_U, a >> (b & 63)) BIN64(I64_ROTL, rotl64(a, b)) BIN64(I64_ROTR, rotr64(a, b))
    CASE(F32_ABS) { PUT32(1, U32(2) & 0x7FFFFFFFu); NEXT(3); }
    CASE(F32_NEG) { PUT32(1, U32(2) ^ 0x80000000u); NEXT(3); }
    UNF32(F32_CEIL, wasmi_f32_ceil(a)) UNF32(F32_FLOOR, wasmi_f32_floor(a))
    UNF32(F32_TRUNC, wasmi_f32_trunc(a)) UNF32(F32_NEAREST, wasmi_f32_nearest(a))
    UNF32(F32_SQRT, __builtin_sqrtf(a))
    BINF32(F32_ADD, a + b) BINF32(F32_SUB, a - b) BINF32(F32_MUL, a * b) BINF32(F32_DIV, a / b)
    BINF32(F32_MIN, wasmi_f32_min(a, b)) BINF32(F32_MAX, wasmi_f32_max(a, b))
    CASE(F32_COPYSIGN) { PUT32(1, (U32(2) & 0x7FFFFFFFu) | (U32(3) & 0x80000000u)); NEXT(4); }
    CASE(F64_ABS) { PUT64(1, U64(2) & 0x7FFFFFFFFFFFFFFFull); NEXT(3); }
    CASE(F64_NEG) { PUT64(1, U64(2) ^ 0x8000000000000000ull); NEXT(3); }
    UNF64(F64_CEIL, wasmi_f64_ceil(a)) UNF64(F64_FLOOR, wasmi_f64_floor(a))
    UNF64(F64_TRUNC, wasmi_f64_trunc(a)) UNF64(F64_NEAREST, wasmi_f64_nearest(a))
    UNF64(F64_SQRT, __builtin_sqrt(a))
    BINF64(F64_ADD, a + b) BINF64(F64_SUB, a - b) BINF64(F64_MUL, a * b) BINF64(F64_DIV, a / b)
    BINF64(F64_MIN, wasmi_f64_min(a, b)) BINF64(F64_MAX, wasmi_f64_max(a, b))
    CASE(F64_COPYSIGN) {
        PUT64(1, (U64(2) & 0x7FFFFFFFFFFFFFFFull) | (U64(3) & 0x8000000000000000ull));
        NEXT(4);
    }
    CASE(I32_WRAP_I64) { PUT32(1, (uint32_t)U64(2)); NEXT(3); }
    CASE(I32_TRUNC_F32_S) {
        float a = F32(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i32_s(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT32(1, (int32_t)a); NEXT(3);
    }
    CASE(I32_TRUNC_F32_U) {
        float a = F32(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i32_u(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT32(1, (uint32_t)a); NEXT(3);
    }
    CASE(I32_TRUNC_F64_S) {
        double a = F64(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i32_s(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT32(1, (int32_t)a); NEXT(3);
    }
    CASE(I32_TRUNC_F64_U) {
        double a = F64(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i32_u(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT32(1, (uint32_t)a); NEXT(3);
    }
    CASE(I64_EXTEND_I32_S) { PUT64(1, (int64_t)S32(2)); NEXT(3); }
    CASE(I64_EXTEND_I32_U) { PUT64(1, U32(2)); NEXT(3); }
    CASE(I64_TRUNC_F32_S) {
        float a = F32(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i64_s(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT64(1, (int64_t)a); NEXT(3);
    }
    CASE(I64_TRUNC_F32_U) {
        float a = F32(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i64_u(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT64(1, (uint64_t)a); NEXT(3);
    }
    CASE(I64_TRUNC_F64_S) {
        double a = F64(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i64_s(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT64(1, (int64_t)a); NEXT(3);
    }
    CASE(I64_TRUNC_F64_U) {
        double a = F64(2);
        if (a != a) TRAP(WASM_TRAP_INVALID_CONVERSION);
        if (!wasmi_fits_i64_u(a)) TRAP(WASM_TRAP_INT_OVERFLOW);
        PUT64(1, (uint64_t)a); NEXT(3);
    }
    CASE(F32_CONVERT_I32_S) { PUTF32(1, (float)S32(2)); NEXT(3); }
    CASE(F32_CONVERT_I32_U) { PUTF32(1, (float)U32(2)); NEXT(3); }
    CASE(F32_CONVERT_I64_S) { PUTF32(1, (float)S64(2)); NEXT(3); }
    CASE(F32_CONVERT_I64_U) { PUTF32(1, (float)U64(2)); NEXT(3); }
    CASE(F32_DEMOTE_F64) { PUTF32(1, (float)F64(2)); NEXT(3); }
    CASE(F64_CONVERT_I32_S) { PUTF64(1, (double)S32(2)); NEXT(3); }
    CASE(F64_CONVERT_I32_U) { PUTF64(1, (double)U32(2)); NEXT(3); }
    CASE(F64_CONVERT_I64_S) { PUTF64(1, (double)S64(2)); NEXT(3); }
    CASE(F64_CONVERT_I64_U) { PUTF64(1, (double)U64(2)); NEXT(3); }
    CASE(F64_PROMOTE_F32) { PUTF64(1, (double)F32(2)); NEXT(3); }
    /* The compiler never emits reinterprets (they only retype a value). */
    CASE(I32_REINTERPRET_F32) CASE(F32_REINTERPRET_I32) { PUT32(1, U32(2)); NEXT(3); }
    CASE(I64_REINTERPRET_F64) CASE(F64_REINTERPRET_I64) { PUT64(1, U64(2)); NEXT(3); }
    UN32(I32_EXTEND8_S, (uint32_t)(int32_t)(int8_t)a)
    UN32(I32_EXTEND16_S, (uint32_t)(int32_t)(int16_t)a)
    UN64(I64_EXTEND8_S, (uint64_t)(int64_t)(int8_t)a)
    UN64(I64_EXTEND16_S, (uint64_t)(int64_t)(int16_t)a)
    UN64(I64_EXTEND32_S, (uint64_t)(int64_t)(int32_t)a)
    CASE(I32_TRUNC_SAT_F32_S) { PUT32(1, wasmi_sat_i32_s(F32(2))); NEXT(3); }
    CASE(I32_TRUNC_SAT_F32_U) { PUT32(1, wasmi_sat_i32_u(F32(2))); NEXT(3); }
    CASE(I32_TRUNC_SAT_F64_S) { PUT32(1, wasmi_sat_i32_s(F64(2))); NEXT(3); }
    CASE(I32_TRUNC_SAT_F64_U) { PUT32(1, wasmi_sat_i32_u(F64(2))); NEXT(3); }
    CASE(I64_TRUNC_SAT_F32_S) { PUT64(1, wasmi_sat_i64_s(F32(2))); NEXT(3); }
    CASE(I64_TRUNC_SAT_F32_U) { PUT64(1, wasmi_sat_i64_u(F32(2))); NEXT(3); }
    CASE(I64_TRUNC_SAT_F64_S) { PUT64(1, wasmi_sat_i64_s(F64(2))); NEXT(3); }
    CASE(I64_TRUNC_SAT_F64_U) { PUT64(1, wasmi_sat_i64_u(F64(2))); NEXT(3); }

    IMM32(I32_EQ_I, a == b) IMM32(I32_NE_I, a != b)
    IMM32(I32_LT_S_I, (int32_t)a < (int32_t)b) IMM32(I32_LT_U_I, a < b)
    IMM32(I32_GT_S_I, (int32_t)a > (int32_t)b) IMM32(I32_GT_U_I, a > b)
    IMM32(I32_LE_S_I, (int32_t)a <= (int32_t)b) IMM32(I32_LE_U_I, a <= b)
    IMM32(I32_GE_S_I, (int32_t)a >= (int32_t)b) IMM32(I32_GE_U_I, a >= b)
    IMM32(I32_ADD_I, a + b) IMM32(I32_SUB_I, a - b) IMM32(I32_MUL_I, a * b)
    IMM32(I32_AND_I, a & b) IMM32(I32_OR_I, a | b) IMM32(I32_XOR_I, a ^ b)
    IMM32(I32_SHL_I, a << (b & 31)) IMM32(I32_SHR_S_I, (uint32_t)((int32_t)a >> (b & 31)))
    IMM32(I32_SHR_U_I, a >> (b & 31))
    IMM64(I64_ADD_I, a + b) IMM64(I64_SUB_I, a - b) IMM64(I64_MUL_I, a * b)
    IMM64(I64_AND_I, a & b) IMM64(I64_OR_I, a | b) IMM64(I64_XOR_I, a ^ b)
    IMM64(I64_SHL_I, a << (b & 63)) IMM64(I64_SHR_S_I, (uint64_t)((int64_t)a >> (b & 63)))
    IMM64(I64_SHR_U_I, a >> (b & 63))
    CMP64I(I64_EQ_I, a == b) CMP64I(I64_NE_I, a != b)
    CMP64I(I64_LT_S_I, (int64_t)a < (int64_t)b) CMP64I(I64_LT_U_I, a < b)
    CMP64I(I64_GT_S_I, (int64_t)a > (int64_t)b) CMP64I(I64_GT_U_I, a > b)
    CMP64I(I64_LE_S_I, (int64_t)a <= (int64_t)b) CMP64I(I64_LE_U_I, a <= b)
    CMP64I(I64_GE_S_I, (int64_t)a >= (int64_t)b) CMP64I(I64_GE_U_I, a >= b)

    BR2(BR_I32_EQ, uint32_t, ==) BR2(BR_I32_NE, uint32_t, !=)
    BR2(BR_I32_LT_S, int32_t, <) BR2(BR_I32_LT_U, uint32_t, <)
    BR2(BR_I32_GT_S, int32_t, >) BR2(BR_I32_GT_U, uint32_t, >)
    BR2(BR_I32_LE_S, int32_t, <=) BR2(BR_I32_LE_U, uint32_t, <=)
    BR2(BR_I32_GE_S, int32_t, >=) BR2(BR_I32_GE_U, uint32_t, >=)
    BRI(BR_I32_EQ_I, uint32_t, ==) BRI(BR_I32_NE_I, uint32_t, !=)
    BRI(BR_I32_LT_S_I, int32_t, <) BRI(BR_I32_LT_U_I, uint32_t, <)
    BRI(BR_I32_GT_S_I, int32_t, >) BRI(BR_I32_GT_U_I, uint32_t, >)
    BRI(BR_I32_LE_S_I, int32_t, <=) BRI(BR_I32_LE_U_I, uint32_t, <=)
    BRI(BR_I32_GE_S_I, int32_t, >=) BRI(BR_I32_GE_U_I, uint32_t, >=)
    BR2(BR_I64_EQ, uint64_t, ==) BR2(BR_I64_NE, uint64_t, !=)
    BR2(BR_I64_LT_S, int64_t, <) BR2(BR_I64_LT_U, uint64_t, <)
    BR2(BR_I64_GT_S, int64_t, >) BR2(BR_I64_GT_U, uint64_t, >)
    BR2(BR_I64_LE_S, int64_t, <=) BR2(BR_I64_LE_U, uint64_t, <=)
    BR2(BR_I64_GE_S, int64_t, >=) BR2(BR_I64_GE_U, uint64_t, >=)
    BRZ(BR_I32_EQZ, uint32_t, ==) BRZ(BR_I32_NEZ, uint32_t, !=)
    BRZ(BR_I64_EQZ, uint64_t, ==) BRZ(BR_I64_NEZ, uint64_t, !=)

    CASE(UNREACHABLE) TRAP(WASM_TRAP_UNREACHABLE);
    CASE(BR) JUMP(ip[1]);
    CASE(BR_TABLE) {
        uint32_t i = U32(1), n = ip[2];
        JUMP(ip[3 + (i < n ? i : n)]);
    }
    CASE(RETURN1) { fp[0] = fp[ip[1]]; goto do_return; }
    CASE(RETURN) {
        uint32_t s = ip[1], n = ip[2];
        for (uint32_t i = 0; i < n; i++)
            fp[i] = fp[s + i];
        goto do_return;
    }
    CASE(RETURN0)
    do_return:
        cs.ctl--;
        if (WASM_UNLIKELY(cs.ctl->func == NULL))
            goto done;
        ip = cs.ctl->ip;
        fp = cs.ctl->fp;
        cs.func = cs.ctl->func;
        if (WASM_UNLIKELY(cs.func->inst != cs.inst)) {
            cs.inst = cs.func->inst;
            mem = cs.inst->mem ? cs.inst->mem->base : NULL;
        }
        memsize = cs.inst->mem ? cs.inst->mem->size : 0;
        DISPATCH();
    CASE(CALL) {
        callee = cs.inst->funcs[ip[1]];
        nfp = fp + ip[2];
        ip += 3;
        goto do_call;
    }
    CASE(CALL_INDIRECT) {
        wasm_table_t *t = cs.inst->tables[ip[1]];
        uint32_t i = U32(3);
        if (WASM_UNLIKELY(i >= t->size))
            TRAP(WASM_TRAP_OOB_TABLE);
        callee = (wasm_func_t *)(uintptr_t)t->elems[wasmi_spec_clamp(i, (uint64_t)i + 1, t->size)];
        if (WASM_UNLIKELY(!callee))
            TRAP(WASM_TRAP_UNINITIALIZED_ELEM);
        if (WASM_UNLIKELY(callee->canon != ip[2]))
            TRAP(WASM_TRAP_INDIRECT_MISMATCH);
        nfp = fp + ip[4];
        ip += 5;
        goto do_call;
    }
    do_call: {
        if (callee->kind == WASM_FUNC_HOST) {
            ex->sp = fp + cs.func->def->frame_cells;
            ex->ctl_top = cs.ctl;
            wasm_trap_kind_t k = wasmi_call_host(ex, cs.inst, callee, nfp);
            memsize = cs.inst->mem ? cs.inst->mem->size : 0;
            if (k != WASM_OK)
                TRAP(k);
            DISPATCH();
        }
        if (callee->native) {
            /* compiled callee: its own frames on the control stack above ours */
            ex->ctl_top = cs.ctl;
            wasm_trap_kind_t k = wasmi_jit_enter(ex, callee, nfp);
            memsize = cs.inst->mem ? cs.inst->mem->size : 0;
            if (k != WASM_OK) {
                nested_trap = true;
                TRAP(k);
            }
            DISPATCH();
        }
        const wasmi_funcdef_t *d = callee->def;
        if (WASM_UNLIKELY(nfp + d->frame_cells > ex->stack_end || cs.ctl >= ex->ctl_end))
            TRAP(WASM_TRAP_STACK_EXHAUSTED);
        cs.ctl->ip = ip;
        cs.ctl->fp = fp;
        cs.ctl->func = cs.func;
        cs.ctl++;
        for (uint32_t i = callee->type->pcells; i < d->nlocals; i++)
            nfp[i] = 0;
        fp = nfp;
        cs.func = callee;
        if (WASM_UNLIKELY(callee->inst != cs.inst)) {
            cs.inst = callee->inst;
            mem = cs.inst->mem ? cs.inst->mem->base : NULL;
            memsize = cs.inst->mem ? cs.inst->mem->size : 0;
        }
        ip = d->code;
        SAFEPOINT();
        DISPATCH();
    }
    CASE(RETURN_CALL) {
        callee = cs.inst->funcs[ip[1]];
        nfp = fp + ip[2];
        goto do_tail_call;
    }
    CASE(RETURN_CALL_INDIRECT) {
        wasm_table_t *t = cs.inst->tables[ip[1]];
        uint32_t i = U32(3);
        if (WASM_UNLIKELY(i >= t->size))
            TRAP(WASM_TRAP_OOB_TABLE);
        callee = (wasm_func_t *)(uintptr_t)t->elems[wasmi_spec_clamp(i, (uint64_t)i + 1, t->size)];
        if (WASM_UNLIKELY(!callee))
            TRAP(WASM_TRAP_UNINITIALIZED_ELEM);
        if (WASM_UNLIKELY(callee->canon != ip[2]))
            TRAP(WASM_TRAP_INDIRECT_MISMATCH);
        nfp = fp + ip[4];
        goto do_tail_call;
    }
    /* A tail call reuses the running function's frame and control record:
     * the arguments move down to fp[0..), the callee starts there and
     * returns straight to our caller, so a loop of tail calls (also across
     * instances) runs in constant stack. A host callee runs as a normal call
     * whose results are then returned. */
    do_tail_call: {
        if (callee->kind == WASM_FUNC_HOST) {
            ex->sp = fp + cs.func->def->frame_cells;
            ex->ctl_top = cs.ctl;
            wasm_trap_kind_t k = wasmi_call_host(ex, cs.inst, callee, nfp);
            if (k != WASM_OK)
                TRAP(k);
            for (uint32_t i = 0, n = callee->type->rcells; i < n; i++)
                fp[i] = nfp[i];
            goto do_return;
        }
        const wasmi_funcdef_t *d = callee->def;
        if (WASM_UNLIKELY(fp + d->frame_cells > ex->stack_end))
            TRAP(WASM_TRAP_STACK_EXHAUSTED);
        uint32_t np = callee->type->pcells;
        for (uint32_t i = 0; i < np; i++)
            fp[i] = nfp[i];
        for (uint32_t i = np; i < d->nlocals; i++)
            fp[i] = 0;
        cs.func = callee;
        if (WASM_UNLIKELY(callee->inst != cs.inst)) {
            cs.inst = callee->inst;
            mem = cs.inst->mem ? cs.inst->mem->base : NULL;
            memsize = cs.inst->mem ? cs.inst->mem->size : 0;
        }
        ip = d->code;
        SAFEPOINT();
        DISPATCH();
    }
    CASE(SAFEPOINT) { SAFEPOINT(); NEXT(1); }
    CASE(MOV) { fp[ip[1]] = fp[ip[2]]; NEXT(3); }
    CASE(CONST32) { fp[ip[1]] = ip[2]; NEXT(3); }
    CASE(CONST64) { fp[ip[1]] = (uint64_t)ip[2] | ((uint64_t)ip[3] << 32); NEXT(4); }
    CASE(SELECT) { fp[ip[1]] = U32(4) ? fp[ip[2]] : fp[ip[3]]; NEXT(5); }
    CASE(GLOBAL_GET) { fp[ip[1]] = cs.inst->globals[ip[2]]->value; NEXT(3); }
    CASE(GLOBAL_SET) { cs.inst->globals[ip[2]]->value = fp[ip[1]]; NEXT(3); }
    LOAD(I32_LOAD, uint32_t, 4, PUT32) LOAD(I64_LOAD, uint64_t, 8, PUT64)
    LOAD(F32_LOAD, uint32_t, 4, PUT32) LOAD(F64_LOAD, uint64_t, 8, PUT64)
    LOAD(I32_LOAD8_S, int8_t, 1, PUT32) LOAD(I32_LOAD8_U, uint8_t, 1, PUT32)
    LOAD(I32_LOAD16_S, int16_t, 2, PUT32) LOAD(I32_LOAD16_U, uint16_t, 2, PUT32)
    LOAD(I64_LOAD8_S, int8_t, 1, PUT64) LOAD(I64_LOAD8_U, uint8_t, 1, PUT64)
    LOAD(I64_LOAD16_S, int16_t, 2, PUT64) LOAD(I64_LOAD16_U, uint16_t, 2, PUT64)
    LOAD(I64_LOAD32_S, int32_t, 4, PUT64) LOAD(I64_LOAD32_U, uint32_t, 4, PUT64)
    STORE(I32_STORE, uint32_t, 4) STORE(I64_STORE, uint64_t, 8)
    STORE(F32_STORE, uint32_t, 4) STORE(F64_STORE, uint64_t, 8)
    STORE(I32_STORE8, uint8_t, 1) STORE(I32_STORE16, uint16_t, 2)
    STORE(I64_STORE8, uint8_t, 1) STORE(I64_STORE16, uint16_t, 2) STORE(I64_STORE32, uint32_t, 4)
    CASE(MEMORY_SIZE) { PUT32(1, cs.inst->mem->pages); NEXT(2); }
    CASE(MEMORY_GROW) {
        int64_t r = wasmi_memory_grow_to(cs.inst->mem, U32(2), cs.inst->max_mem_pages);
        memsize = cs.inst->mem->size;
        PUT32(1, (uint32_t)r);
        NEXT(3);
    }
    CASE(MEMORY_INIT) {
        wasm_trap_kind_t k = memory_init(cs.inst, ip[1], U32(2), U32(3), U32(4));
        if (k) TRAP(k);
        NEXT(5);
    }
    CASE(DATA_DROP) { cs.inst->data_dropped[ip[1]] = 1; NEXT(2); }
    CASE(MEMORY_COPY) {
        uint32_t d = U32(1), s = U32(2), n = U32(3);
        if ((uint64_t)s + n > memsize || (uint64_t)d + n > memsize)
            TRAP(WASM_TRAP_OOB_MEMORY);
        __builtin_memmove(mem + wasmi_spec_clamp(d, (uint64_t)d + n, memsize),
                          mem + wasmi_spec_clamp(s, (uint64_t)s + n, memsize), n);
        NEXT(4);
    }
    CASE(MEMORY_FILL) {
        uint32_t d = U32(1), n = U32(3);
        if ((uint64_t)d + n > memsize)
            TRAP(WASM_TRAP_OOB_MEMORY);
        __builtin_memset(mem + wasmi_spec_clamp(d, (uint64_t)d + n, memsize), (int)(uint8_t)U32(2), n);
        NEXT(4);
    }
    CASE(TABLE_GET) {
        wasm_table_t *t = cs.inst->tables[ip[2]];
        uint32_t i = U32(3);
        if (i >= t->size) TRAP(WASM_TRAP_OOB_TABLE);
        fp[ip[1]] = t->elems[wasmi_spec_clamp(i, (uint64_t)i + 1, t->size)];
        NEXT(4);
    }
    CASE(TABLE_SET) {
        wasm_table_t *t = cs.inst->tables[ip[1]];
        uint32_t i = U32(2);
        if (i >= t->size) TRAP(WASM_TRAP_OOB_TABLE);
        t->elems[wasmi_spec_clamp(i, (uint64_t)i + 1, t->size)] = fp[ip[3]];
        NEXT(4);
    }
    CASE(TABLE_SIZE) { PUT32(1, cs.inst->tables[ip[2]]->size); NEXT(3); }
    CASE(TABLE_GROW) {
        int64_t r = wasmi_instance_table_grow(cs.inst, ip[2], U32(4), fp[ip[3]]);
        PUT32(1, (uint32_t)r);
        NEXT(5);
    }
    CASE(TABLE_FILL) {
        wasm_trap_kind_t k = table_fill(cs.inst->tables[ip[1]], U32(2), fp[ip[3]], U32(4));
        if (k) TRAP(k);
        NEXT(5);
    }
    CASE(TABLE_COPY) {
        wasm_trap_kind_t k = table_copy(cs.inst, ip[1], ip[2], U32(3), U32(4), U32(5));
        if (k) TRAP(k);
        NEXT(6);
    }
    CASE(TABLE_INIT) {
        wasm_trap_kind_t k = table_init(cs.inst, ip[1], ip[2], U32(3), U32(4), U32(5));
        if (k) TRAP(k);
        NEXT(6);
    }
    CASE(ELEM_DROP) { cs.inst->elem_len[ip[1]] = 0; NEXT(2); }
    CASE(REF_FUNC) { fp[ip[1]] = (uint64_t)(uintptr_t)cs.inst->funcs[ip[2]]; NEXT(3); }
    CASE(REF_IS_NULL) { PUT32(1, U64(2) == 0); NEXT(3); }
    CASE(MOV128) {
        uint64_t lo = fp[ip[2]], hi = fp[ip[2] + 1];
        fp[ip[1]] = lo, fp[ip[1] + 1] = hi;
        NEXT(3);
    }
    CASE(SELECT128) {
        uint32_t s = U32(4) ? ip[2] : ip[3];
        uint64_t lo = fp[s], hi = fp[s + 1];
        fp[ip[1]] = lo, fp[ip[1] + 1] = hi;
        NEXT(5);
    }
    CASE(GLOBAL_GET128) {
        wasm_global_t *g = cs.inst->globals[ip[2]];
        fp[ip[1]] = g->value, fp[ip[1] + 1] = g->hi;
        NEXT(3);
    }
    CASE(GLOBAL_SET128) {
        wasm_global_t *g = cs.inst->globals[ip[2]];
        g->value = fp[ip[1]], g->hi = fp[ip[1] + 1];
        NEXT(3);
    }
    CASE(MEMX) {
        wasm_trap_kind_t k = wasmi_memx_exec(ip, fp, cs.inst);
        if (WASM_UNLIKELY(k != WASM_OK))
            TRAP(k);
        /* memory 0 may be another index's memory too (imported twice) */
        memsize = cs.inst->mem ? cs.inst->mem->size : 0;
        NEXT(8);
    }
    CASE(SIMD_M) {
        wasm_memory_t *mm = cs.inst->mems[ip[1]];
        const uint32_t *next = wasmi_simd_exec(ip + 1, fp, mm->base, mm->size);
        if (WASM_UNLIKELY(!next))
            TRAP(WASM_TRAP_OOB_MEMORY);
        ip = next;
        DISPATCH();
    }
    CASE(SIMD) {
        const uint32_t *next = wasmi_simd_exec(ip, fp, mem, memsize);
        if (WASM_UNLIKELY(!next))
            TRAP(WASM_TRAP_OOB_MEMORY);
        ip = next;
        DISPATCH();
    }
    /* The commonest SIMD instructions, inline (ops.h; simd.c has the rest).
     * The operands are read before the result is written: they may share
     * cells with it. */
    CASE(V_LOAD) { EA(3, 4, 16); __builtin_memcpy(fp + ip[1], mem + ea, 16); NEXT(5); }
    CASE(V_STORE) { EA(3, 5, 16); __builtin_memcpy(mem + ea, fp + ip[4], 16); NEXT(6); }
    CASE(V_CONST) { __builtin_memcpy(fp + ip[1], ip + 3, 16); NEXT(7); }
    CASE(V_SHUFFLE) { v_shuffle(fp, ip); NEXT(9); }
    CASE(V_SPLAT32) { uint64_t x = U32(3); fp[ip[1]] = fp[ip[1] + 1] = x | x << 32; NEXT(4); }
    CASE(V_SPLAT64) { uint64_t x = U64(3); fp[ip[1]] = fp[ip[1] + 1] = x; NEXT(4); }
    CASE(V_EXTRACT32) {
        uint32_t x;
        __builtin_memcpy(&x, (const uint8_t *)(fp + ip[3]) + 4 * ip[4], 4);
        PUT32(1, x);
        NEXT(5);
    }
    CASE(V_EXTRACT64) { PUT64(1, fp[ip[3] + ip[4]]); NEXT(5); }
    VBIN(V_AND, vu64, a & b) VBIN(V_ANDNOT, vu64, a & ~b) VBIN(V_OR, vu64, a | b)
    VBIN(V_XOR, vu64, a ^ b)
    VBIN(V_I8_ADD, vu8, a + b) VBIN(V_I8_SUB, vu8, a - b)
    VBIN(V_I16_ADD, vu16, a + b) VBIN(V_I16_SUB, vu16, a - b) VBIN(V_I16_MUL, vu16, a * b)
    VBIN(V_I32_ADD, vu32, a + b) VBIN(V_I32_SUB, vu32, a - b) VBIN(V_I32_MUL, vu32, a * b)
    VBIN(V_I64_ADD, vu64, a + b) VBIN(V_I64_SUB, vu64, a - b) VBIN(V_I64_MUL, vu64, a * b)
    /* float lanes: a op b's NaN as SSE gives it (numeric.h) */
#define VF32(x) (vf32) wasmi_nan_first32((wasmi_u32x4)(x), (wasmi_u32x4)a, (wasmi_u32x4)b)
#define VF64(x) (vf64) wasmi_nan_first64((wasmi_u64x2)(x), (wasmi_u64x2)a, (wasmi_u64x2)b)
    VBIN(V_F32_ADD, vf32, VF32(a + b)) VBIN(V_F32_SUB, vf32, VF32(a - b))
    VBIN(V_F32_MUL, vf32, VF32(a * b)) VBIN(V_F32_DIV, vf32, VF32(a / b))
    VBIN(V_F64_ADD, vf64, VF64(a + b)) VBIN(V_F64_SUB, vf64, VF64(a - b))
    VBIN(V_F64_MUL, vf64, VF64(a * b)) VBIN(V_F64_DIV, vf64, VF64(a / b))
#undef VF32
#undef VF64
#if !WASM_THREADED
    default:
        TRAP(WASM_TRAP_UNREACHABLE);
    }
#endif

done:
    ex->ctl_top = base;
    return WASM_OK;
trapped:
    record_trap(ex, trap, cs.func, cs.ctl, base + 1, nested_trap);
    ex->ctl_top = base;
    return trap;
}

const int32_t *wasmi_interp_dispatch_table(void)
{
    const int32_t *t = NULL;
    run(NULL, NULL, NULL, &t);
    return t;
}

wasm_trap_kind_t wasmi_interp(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp)
{
    if (f->native)
        return wasmi_jit_enter(ex, f, fp);
    return run(ex, f, fp, NULL);
}
