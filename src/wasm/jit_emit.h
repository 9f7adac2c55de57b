/*
 * What the compiled tier's back ends (jit_x64.c, jit_a64.c, jit_rv64.c)
 * share for writing machine code: the growing code buffer with its
 * out-of-memory rule, the lists of branches and calls to patch once their
 * targets are known, and putting the finished code in a sealed W^X region
 * (jit_buf.c). The encodings, and how a branch is patched, are each back
 * end's own.
 */
#ifndef WASM_JIT_EMIT_H
#define WASM_JIT_EMIT_H

#include "jit.h"
#include "ops.h"

/* A branch or call to patch: at the code offset `at`, to `target` (a word
 * index, a def index or a module-level target: the list says which). */
typedef struct jit_fix {
    uint32_t at;
    uint32_t target;
} jit_fix_t;

typedef struct jit_fixes {
    jit_fix_t *v;
    uint32_t n, cap;
} jit_fixes_t;

/* The code of a module being compiled, the first member of each back end's
 * compile context. Out of memory, oom is set and the code is written over
 * from the start, to be discarded: emitters need not check. */
typedef struct jit_buf {
    uint8_t *p;
    uint32_t len, cap;
    bool oom;
    jit_fixes_t fx;           /* label fixups of the current function (to word indices) */
    jit_fixes_t cfx;          /* call fixups, module-wide (to def indices) */
} jit_buf_t;

/* The buffer has no room for the next byte or instruction: doubles it.
 * Out of memory: sets oom and len = 0, to write over the code from the
 * start (it is discarded); false when there is no buffer at all. Out of
 * line and cold, with no argument but b, so that each inlined emit is a
 * compare and a store. */
bool wasmi_jit_grow(jit_buf_t *b);

/* Room for one more element in the array v of *cap elements of `size`
 * bytes, all in use: the array, grown (first elements when empty; *cap
 * updated), or NULL with b->oom set (v is still valid). */
void *wasmi_jit_more(jit_buf_t *b, void *v, uint32_t *cap, size_t size, uint32_t first);

/* Appends the fixup {at, target} to f; false when out of memory (oom). */
static inline bool wasmi_jit_addfix(jit_buf_t *b, jit_fixes_t *f, uint32_t at, uint32_t target)
{
    if (f->n == f->cap) {
        jit_fix_t *q = wasmi_jit_more(b, f->v, &f->cap, sizeof *q, 64);
        if (!q)
            return false;
        f->v = q;
    }
    f->v[f->n++] = (jit_fix_t){at, target};
    return true;
}

/* Appends a 32-bit instruction word (aarch64 and riscv64 are little-endian
 * here, as x86_64 is). */
static inline void wasmi_jit_emit32(jit_buf_t *b, uint32_t insn)
{
    if (WASM_UNLIKELY(b->len + 4 > b->cap) && !wasmi_jit_grow(b))
        return;
    __builtin_memcpy(b->p + b->len, &insn, 4);
    b->len += 4;
}

/* The shape of a conversion between floats and integers: the float is an
 * f64 (else f32), the integer an i64 (else i32), unsigned. For the
 * trapping truncations OP_I32_TRUNC_F32_S..OP_I64_TRUNC_F64_U (with the
 * two extends between), the saturating ones and OP_F32_CONVERT_I32_S..
 * OP_F64_CONVERT_I64_U, each group in ops.h's order: s, u; f32, f64 (or
 * i32, i64) inside i32, i64 (or f32, f64). */
typedef struct jit_cvt {
    bool f64, i64, uns;
} jit_cvt_t;

static inline jit_cvt_t wasmi_jit_cvt(uint32_t op)
{
    if (op >= OP_F32_CONVERT_I32_S && op <= OP_F64_CONVERT_I64_U) {
        bool f64 = op >= OP_F64_CONVERT_I32_S;
        uint32_t k = op - (f64 ? OP_F64_CONVERT_I32_S : OP_F32_CONVERT_I32_S);
        return (jit_cvt_t){f64, k >= 2, k & 1};
    }
    uint32_t k = op >= OP_I32_TRUNC_SAT_F32_S ? op - OP_I32_TRUNC_SAT_F32_S
                 : op >= OP_I64_TRUNC_F32_S   ? op - OP_I64_TRUNC_F32_S + 4
                                              : op - OP_I32_TRUNC_F32_S;
    return (jit_cvt_t){k & 2, k >= 4, k & 1};
}

/* The finished code copied into a new region, sealed (W^X): its address
 * with its mapped size in *size, or NULL (no memory, or not sealed). */
uint8_t *wasmi_jit_install(const jit_buf_t *b, size_t *size);

/* Gives m the installed code (j: its region, guard regions or not, the
 * entry trampoline at offset tramp) and each def i its native entry at
 * def_off[i], or NULL where ok[i] is false (it stays interpreted). */
void wasmi_jit_publish(wasm_module_t *m, wasmi_jit_t *j, uint8_t *code, size_t size, bool guard,
                       uint32_t tramp, const uint32_t *def_off, const bool *ok);

/* Frees the buffer and its fixup lists. */
void wasmi_jit_buf_free(jit_buf_t *b);

#endif
