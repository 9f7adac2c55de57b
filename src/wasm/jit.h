/*
 * The compiled tier (docs/compiler.md): internal code (ops.h) to machine
 * code, one function at a time, with the interpreter as the fallback for any
 * function the back end does not compile.
 *
 * jit.c holds what every back end shares: the op decoder for threaded code,
 * slot allocation, the entry wrapper that turns an unwound run into a trap
 * with a backtrace, and the C helpers compiled code calls (slow ops, calls to
 * interpreted or host functions, safe points). jit_<arch>.c is the back end.
 */
#ifndef WASM_JIT_H
#define WASM_JIT_H

#include "internal.h"

/* A trap code returned by compiled code: the kind, plus this flag when a
 * nested run (interpreter, host call) already recorded its own frames. */
#define WASM_JIT_NESTED 0x100u

/* Where a slot lives in compiled code. JL_V128: a whole v128 in an XMM
 * register (the web of its low cell; x86_64's live ranges only). */
enum { JL_MEM, JL_GPR, JL_XMM, JL_V128 };

/* A module's machine code: one W^X region. */
typedef struct wasmi_jit {
    uint8_t *code;
    size_t size;              /* mapped bytes */
    /* enter(ex, f, fp, native entry): 0, or a trap code */
    uint32_t (*enter)(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp, void *entry);
    uint32_t ncompiled, nfallback;
    bool guard;               /* its memory accesses rely on guard regions */
} wasmi_jit_t;

/* Op decoding and per-function analysis, shared by the back ends. */
typedef struct jit_fn {
    wasm_module_t *m;
    const wasmi_funcdef_t *d;
    uint32_t def_index, func_index;
    uint32_t nparams, nresults;
    uint16_t *op;             /* [code_len] op at each op word, 0xFFFF elsewhere */
    uint8_t *lk, *lr;         /* [frame_cells] location kind and register */
    /* Live ranges (jit_ra.c; NULL when each slot keeps one location): the
     * runs of each slot s are rstart[s]..rstart[s+1]-1, instructions
     * rlo..rhi, in web rweb (a run index); a web lives at wk/wr[web]. */
    uint32_t *rstart, *rlo, *rhi, *rweb;
    uint8_t *wk, *wr;
    uint32_t nruns;
} jit_fn_t;

/* The slots an instruction reads and writes (jit_ra.c): up to eight single
 * operands (def: written; cls: 0 integer, 1 float, -1 either), a range
 * read and a range written (calls, returns), and where control goes next:
 * the next instruction (fall) and ntgt branch targets relative to the op,
 * tgt1 or tgt[0..ntgt). */
typedef struct jit_ops {
    uint32_t n, s[8];
    bool def[8];
    int8_t cls[8];            /* 2: the low cell of a v128, 3: its high cell */
    uint32_t ulo, uhi, dlo, dhi;
    bool fall;
    uint32_t ntgt;
    int32_t tgt1;
    const int32_t *tgt;
} jit_ops_t;

/* Sets fn up, zeroed, for def i of m (its counts in cells: a v128 takes
 * two), before wasmi_jit_decode. */
void wasmi_jit_fn_init(jit_fn_t *fn, wasm_module_t *m, uint32_t i);
int wasmi_jit_op_words(uint32_t op, const uint32_t *ip);   /* words incl. the op; -1 unknown */
/* Decodes d's code into fn->op; false if an op is not one of ops.h's. */
bool wasmi_jit_decode(jit_fn_t *fn, const void *opmap);
/* The map from threaded op words back to ops (free with wasm_plat_free);
 * NULL with *ok when the code is not threaded. */
void *wasmi_jit_opmap_new(const wasm_runtime_t *rt, bool *ok);
/* Allocates up to ngpr / nxmm slots to registers by use count weighted by
 * loop depth; fills fn->lk/lr with register *indices* 0..n-1. */
bool wasmi_jit_alloc_slots(jit_fn_t *fn, uint32_t ngpr, uint32_t nxmm);
void wasmi_jit_fn_free(jit_fn_t *fn);
/* Frees only what the register allocator made (wasmi_jit_alloc_ranges):
 * its failure path, and part of wasmi_jit_fn_free. */
void wasmi_jit_fn_free_ranges(jit_fn_t *fn);
/* Allocation by live range (jit_ra.c): false when the function is too big
 * or uses an op the back ends do not compile; then use alloc_slots. v128:
 * v128 values may take XMM registers too (JL_V128), else they stay in
 * their cells. */
bool wasmi_jit_alloc_ranges(jit_fn_t *fn, uint32_t ngpr, uint32_t nxmm, bool v128);
bool wasmi_jit_operands(const wasm_module_t *m, const uint32_t *ip, uint32_t op, jit_ops_t *o);
uint32_t wasmi_jit_run_at(const jit_fn_t *fn, uint32_t s, uint32_t i);

/* The slots of a SIMD op (ip at its OP_SIMD words, simd.h): the v128 ones
 * (two cells each; the allocator keeps them in the frame, so back ends
 * address them as memory) and the scalar ones, with whether each scalar is
 * a float. Stores and lane stores have no result slot. */
typedef struct jit_simd_slots {
    uint32_t v[4], nv;
    uint32_t s[2], ns;
    bool sf[2];
} jit_simd_slots_t;
void wasmi_jit_simd_slots(const uint32_t *ip, jit_simd_slots_t *o);

/* Back end entry points. */
bool wasmi_jit_arch_available(void);
bool wasmi_jit_arch_compile(wasm_module_t *m, wasmi_jit_t *j);

/* Called by the engine. */
bool wasmi_jit_available(const wasm_runtime_t *rt);
void wasmi_jit_compile(wasm_module_t *m);   /* best effort: functions it cannot do stay interpreted */
void wasmi_jit_free(wasm_module_t *m);
wasm_trap_kind_t wasmi_jit_enter(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp);

/* Helpers called from compiled code (SysV ABI on x86_64). */
uint32_t wasmi_jit_safepoint(wasm_exec_t *ex);
uint32_t wasmi_jit_call_slow(wasm_exec_t *ex, wasm_func_t *f, uint64_t *nfp,
                            wasm_instance_t *caller, uint64_t *sp);
/* A tail call to an interpreted or host f with its arguments at fp[base..)
 * (jit.c): 0 with the results at fp[0..), or a trap code. */
uint32_t wasmi_jit_tail_slow(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp, uint64_t *sp,
                            wasm_instance_t *caller, uint32_t base);
uint32_t wasmi_jit_slowop(wasm_exec_t *ex, wasm_instance_t *inst, uint64_t *fp,
                         const uint32_t *ip, uint32_t op);
/* One SIMD op out of line (ip at its OP_SIMD words) on memory mem of inst:
 * 0, or WASM_TRAP_OOB_MEMORY. */
uint32_t wasmi_jit_simd(wasm_instance_t *inst, uint64_t *fp, const uint32_t *ip, uint32_t mem);

#endif
