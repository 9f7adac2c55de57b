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

/* The finished code copied into a new region, sealed (W^X): its address
 * with its mapped size in *size, or NULL (no memory, or not sealed). */
uint8_t *wasmi_jit_install(const jit_buf_t *b, size_t *size);

/* Frees the buffer and its fixup lists. */
void wasmi_jit_buf_free(jit_buf_t *b);

#endif
