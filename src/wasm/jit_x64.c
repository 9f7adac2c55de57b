/*
 * The compiled tier's x86_64 back end: internal code (ops.h) to machine
 * code, one pass per function, slots in registers (docs/compiler.md).
 *
 * Registers in compiled code:
 *   r12 exec context    r13 frame (fp)     r14 linear memory base
 *   r15 memory object   rbx instance       rsp native stack
 *   r11 fuel slice (ex->fuel + r11 is the fuel; see safepoint)
 *   rsi rdi rbp r8-r10  slots (callee-saved among compiled functions)
 *   xmm2-xmm15          slots (callee-saved among compiled functions)
 *   rax rcx rdx xmm0-1  scratch
 * Every value has one canonical 64-bit form wherever it lives (i32 and f32
 * zero-extended), so any slot can live anywhere and moves are plain copies.
 *
 * A call passes the callee's frame in r13 (the caller's frame + base, as in
 * the interpreter) and its control record in rdx; a direct call also passes
 * the first scalar arguments in rax, rcx and takes a single result from rax (reg_args,
 * ret_rax). A compiled function's entry checks the control stack, the value
 * stack and the native stack, writes its control record (backtraces, call
 * depth; see prologue), saves the slot registers it uses and passes a
 * safe point. A trap jumps to a stub that reloads the native stack pointer
 * saved by the entry trampoline and returns the trap code to C
 * (wasmi_jit_enter), which reads the backtrace from the control records.
 */
#include "jit_emit.h"
#include "ops.h"
#include "simd.h"

#if defined(__x86_64__)

#include <stddef.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define REX_ R12   /* exec context */
#define RFP R13
#define RMB R14
#define RMO R15
#define RIN RBX

#define RFUEL R11  /* the fuel slice while compiled code runs (see safepoint) */
#define FUEL_SLICE 4096

/* r15 (the memory object) is only read by explicit bounds checks: with
 * guard regions it is a seventh slot register. */
static const uint8_t slot_gpr[] = {RSI, RDI, RBP, R8, R9, R10, R15};
#define NGPR 7
#define NXMM 14    /* xmm2..xmm15 */
/* v128 slots kept in registers for a whole function (vpin_choose): the k-th
 * in xmm15 - k, taken from the float slot registers of that function. */
#define NVPIN 6
#define XMM0 0
#define XMM1 1

enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP, CC_L,
       CC_GE, CC_LE, CC_G };

/* cc of the ten integer comparisons in ops.h order: eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u */
static const uint8_t cmp_cc[10] = {CC_E, CC_NE, CC_L, CC_B, CC_G, CC_A, CC_LE, CC_BE, CC_GE, CC_AE};

typedef struct simd_const {
    uint32_t at;              /* rel32 of a RIP-relative operand */
    uint32_t w[4];            /* its 16 bytes */
} simd_const_t;

typedef struct spstub {
    uint32_t j1, resume;      /* the jump to the stub, where to go back */
} spstub_t;

typedef struct jc {
    jit_buf_t b;              /* the code and its fixups (to rel32s) */
    wasm_module_t *m;
    jit_fn_t *fn;
    const uint32_t *code;
    uint32_t *noff;           /* [code_len] native offset of each op word */
    spstub_t *sp;
    uint32_t nsp, spcap;
    uint32_t stub[WASM_TRAP_KIND_COUNT];
    uint32_t unwind, tramp;   /* unwind: ex->ctl_top already names the frames */
    uint32_t unwind_body;     /* unwind from a body: ctl_top from [rsp] first */
    uint32_t entry_trap;      /* stack exhausted at an entry: ctl_top = rdx */
    uint32_t *def_off;        /* native offset of each def's entry */
    uint32_t *reg_off;        /* and of its entry with the first arguments in registers (reg_args) */
    uint32_t nin;             /* this function's arguments in rax, rcx (at reg_off) */
    uint8_t npush;            /* slot GPRs this function saves */
    uint8_t pushed[NGPR];
    uint8_t nxsave;           /* slot XMMs it saves */
    uint16_t xmask;           /* which */
    uint8_t gmask;            /* slot GPRs it uses (and saves) */
    uint32_t xarea;           /* bytes reserved below the pushes */
    bool sse41, ssse3;
    simd_const_t *pool;       /* the current function's 16-byte constants (SIMD) */
    uint32_t npool, poolcap;
    uint32_t xc[2], xc_end;   /* SIMD: the v128 slot xmm0/xmm1 hold, valid at xc_end */
    int xlast;                /* SIMD: the one of them the last result was stored from */
    bool xdirty[2];           /* SIMD: that slot's frame cells are not written yet */
    bool xreads_done;         /* SIMD: the current op has read all its operands */
    uint8_t *tgt;             /* SIMD: [code_len + 1] branch targets of function tgt_def - 1 */
    uint32_t tgt_def, tgt_cap;
    bool guard;               /* bounds by guard regions, no explicit checks */
    bool bad;                 /* a slot had no location: interpret the function */
    uint32_t ins;             /* the instruction being compiled (live ranges) */
    uint8_t *target;          /* [code_len] 1 where a branch lands, | 2 a backward one, | 4 a forward one */
    uint32_t *chk;            /* [code_len] a loop header's safe point, just before it */
    int fcc;                  /* >= 0: the flags hold the last comparison (cc), for this op */
    uint32_t callee;          /* the def a direct call or tail call goes to (| CALL_REG) */
    bool rec;                 /* the function's control record names it (lazy_record) */
    bool rdx_next;            /* rdx still holds the next record, as [rsp] (lazy_record) */
    uint8_t *norec;           /* [code_len + 1] 1: a forward branch without the record lands here */
    uint32_t vpin[NVPIN];     /* v128 slots living in xmm15, xmm14, ... (vpin_choose) */
    uint32_t nvpin;
    uint32_t kc[2][2], nkc;   /* SIMD: slots set to constants just before this v128 op */
    uint32_t kz[8][4], nkz;   /* SIMD: the last v128.const results: slot, pc, instruction, elided */
    uint16_t zx;              /* registers whose last write was a 32-bit op (see zx_after) */
    int zdef;                 /* >= 0: the current op wrote that register with a 32-bit op */
    bool kst;                 /* the value of this op, a store, is the constant kstv (store_const) */
    uint32_t kstv;
} jc_t;

/* ------------------------------------------------------------ buffer */

static void put1(jc_t *c, uint32_t b)
{
    if (WASM_UNLIKELY(c->b.len == c->b.cap) && !wasmi_jit_grow(&c->b))
        return;
    c->b.p[c->b.len++] = (uint8_t)b;
}

static void put4(jc_t *c, uint32_t v)
{
    put1(c, v);
    put1(c, v >> 8);
    put1(c, v >> 16);
    put1(c, v >> 24);
}

static void put8(jc_t *c, uint64_t v)
{
    put4(c, (uint32_t)v);
    put4(c, (uint32_t)(v >> 32));
}

static void patch4(jc_t *c, uint32_t at, uint32_t v)
{
    if (c->b.oom || at + 4 > c->b.len)
        return;
    c->b.p[at] = (uint8_t)v;
    c->b.p[at + 1] = (uint8_t)(v >> 8);
    c->b.p[at + 2] = (uint8_t)(v >> 16);
    c->b.p[at + 3] = (uint8_t)(v >> 24);
}

/* Points the rel32 at `at` to native offset `to`. */
static void link(jc_t *c, uint32_t at, uint32_t to)
{
    patch4(c, at, to - (at + 4));
}

/* ------------------------------------------------------------ encoding */

static void opcode(jc_t *c, uint32_t opc)
{
    if (opc > 0xFFFF)
        put1(c, opc >> 16);
    if (opc > 0xFF)
        put1(c, opc >> 8);
    put1(c, opc);
}

/* [base + index*2^sc + disp]; index < 0: none. */
static void modrm_mem(jc_t *c, int r, int base, int index, int sc, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    if (index < 0 && (base & 7) != 4) {
        put1(c, (uint32_t)(mod << 6 | (r & 7) << 3 | (base & 7)));
    } else {
        put1(c, (uint32_t)(mod << 6 | (r & 7) << 3 | 4));
        put1(c, (uint32_t)(sc << 6 | ((index < 0 ? 4 : index) & 7) << 3 | (base & 7)));
    }
    if (mod == 1)
        put1(c, (uint32_t)disp);
    else if (mod == 2)
        put4(c, (uint32_t)disp);
}

/* op r, [mem]. byte: r is an 8-bit register (needs REX for sil/dil/bpl). */
static void insn_m(jc_t *c, int pfx, int w, uint32_t opc, int r, int base, int index, int sc,
                   int32_t disp, bool byte)
{
    if (pfx)
        put1(c, (uint32_t)pfx);
    int rex = (w ? 8 : 0) | (r & 8 ? 4 : 0) | (index >= 0 && (index & 8) ? 2 : 0) |
              (base & 8 ? 1 : 0);
    if (rex || (byte && r >= 4))
        put1(c, (uint32_t)(0x40 | rex));
    opcode(c, opc);
    modrm_mem(c, r, base, index, sc, disp);
}

/* op r, rm (both registers). */
static void insn_r(jc_t *c, int pfx, int w, uint32_t opc, int r, int rm)
{
    if (pfx)
        put1(c, (uint32_t)pfx);
    int rex = (w ? 8 : 0) | (r & 8 ? 4 : 0) | (rm & 8 ? 1 : 0);
    if (rex)
        put1(c, (uint32_t)(0x40 | rex));
    opcode(c, opc);
    put1(c, (uint32_t)(0xC0 | (r & 7) << 3 | (rm & 7)));
}

/* An operand: a register or the frame slot [r13 + disp]. */
typedef struct rm {
    bool mem;
    int reg;
    int32_t disp;
} rm_t;

static void insn_rm(jc_t *c, int pfx, int w, uint32_t opc, int r, rm_t m)
{
    if (m.mem)
        insn_m(c, pfx, w, opc, r, RFP, -1, 0, m.disp, false);
    else
        insn_r(c, pfx, w, opc, r, m.reg);
}

static void ctx_m(jc_t *c, int w, uint32_t opc, int r, size_t off)
{
    insn_m(c, 0, w, opc, r, REX_, -1, 0, (int32_t)off, false);
}

static void mov_rr(jc_t *c, int d, int s)
{
    if (d != s)
        insn_r(c, 0, 1, 0x8B, d, s);
}

static void mov_ri64(jc_t *c, int r, uint64_t v)
{
    if (v <= 0xFFFFFFFFu) {
        if (v == 0) {
            insn_r(c, 0, 0, 0x33, r, r);   /* xor r32, r32 */
            return;
        }
        if (r & 8)
            put1(c, 0x41);
        put1(c, 0xB8 + (uint32_t)(r & 7));
        put4(c, (uint32_t)v);
        return;
    }
    put1(c, 0x48 | (r & 8 ? 1 : 0));
    put1(c, 0xB8 + (uint32_t)(r & 7));
    put8(c, v);
}

/* group-1 ALU with immediate: /digit (0 add, 1 or, 4 and, 5 sub, 6 xor, 7 cmp) */
static void alu_i(jc_t *c, int w, int digit, rm_t m, int32_t imm)
{
    bool b8 = imm >= -128 && imm <= 127;
    insn_rm(c, 0, w, b8 ? 0x83 : 0x81, digit, m);
    if (b8)
        put1(c, (uint32_t)imm);
    else
        put4(c, (uint32_t)imm);
}

static rm_t R(int r) { return (rm_t){false, r, 0}; }

static uint32_t jcc(jc_t *c, int cc)
{
    put1(c, 0x0F);
    put1(c, 0x80 + (uint32_t)cc);
    put4(c, 0);
    return c->b.len - 4;
}

static uint32_t jmp(jc_t *c)
{
    put1(c, 0xE9);
    put4(c, 0);
    return c->b.len - 4;
}

static void jcc_to(jc_t *c, int cc, uint32_t to) { link(c, jcc(c, cc), to); }
static void jmp_to(jc_t *c, uint32_t to) { link(c, jmp(c), to); }
static void bind(jc_t *c, uint32_t at) { link(c, at, c->b.len); }

static void call_abs(jc_t *c, const void *fn)
{
    mov_ri64(c, RAX, (uint64_t)(uintptr_t)fn);
    insn_r(c, 0, 0, 0xFF, 2, RAX);   /* call rax */
}

/* ------------------------------------------------------------ slots */

static int32_t sdisp(uint32_t s) { return (int32_t)(s * 8u); }

/* Direct calls pass the leading scalar arguments (one cell each, up to
 * NARGREG of them) in rax and rcx: they enter the callee at reg_off, past
 * its entry proper (def_off, `mov rax, [r13]; mov rcx, [r13 + 8]`, where
 * every other path, which passes all arguments in their cells, comes in).
 * The callee takes them from there (a cell is written only if its
 * parameter lives there), so the caller neither stores them nor does the
 * callee load what was just stored. */
#define CALL_REG 0x80000000u
#define NARGREG 2
static const uint8_t arg_gpr[NARGREG] = {RAX, RCX};
static uint32_t reg_args(const wasmi_functype_t *t)
{
    uint32_t n = 0;
    while (n < NARGREG && n < t->nparams && t->types[n] != WASM_V128)
        n++;
    return n;
}
/* The entry proper of a function taking n arguments in registers: loads
 * them from their cells (4 bytes each), then falls into reg_off. */
static void arg_head(jc_t *c, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        insn_m(c, 0, 1, 0x8B, arg_gpr[k], RFP, -1, 0, sdisp(k), false);   /* mov arg, [r13 + 8k] */
}

/* Where slot s lives at the current instruction, as it reads its operands
 * (def false) or as it writes its results (def true): with live ranges
 * (jit_ra.c) the location of the web holding s there, else the slot's own. */
static void where(jc_t *c, uint32_t s, bool def, int *k, int *r)
{
    const jit_fn_t *fn = c->fn;
    if (!fn->rstart) {
        *k = fn->lk[s];
        *r = fn->lr[s];
        return;
    }
    uint32_t run = wasmi_jit_run_at(fn, s, 2 * c->ins + def);
    if (run == UINT32_MAX) {
        c->bad = true;   /* (the allocator gives every operand a run) */
        *k = JL_MEM;
        *r = 0;
        return;
    }
    *k = fn->wk[fn->rweb[run]];
    *r = fn->wr[fn->rweb[run]];
}

/* Whether slot s holds a value as the current instruction reads. */
static bool occupied(jc_t *c, uint32_t s)
{
    return !c->fn->rstart || wasmi_jit_run_at(c->fn, s, 2 * c->ins) != UINT32_MAX;
}

static int lkind_at(jc_t *c, uint32_t s, bool def)
{
    int k, r;
    where(c, s, def, &k, &r);
    return k;
}

static int lgpr_at(jc_t *c, uint32_t s, bool def)
{
    int k, r;
    where(c, s, def, &k, &r);
    return slot_gpr[r];
}

static int lxmm_at(jc_t *c, uint32_t s, bool def)
{
    int k, r;
    where(c, s, def, &k, &r);
    return 2 + r;
}

/* An operand as read, and a result as written. */
static int lkind(jc_t *c, uint32_t s) { return lkind_at(c, s, false); }
static int lgpr(jc_t *c, uint32_t s) { return lgpr_at(c, s, false); }
static int lxmm(jc_t *c, uint32_t s) { return lxmm_at(c, s, false); }
static int dkind(jc_t *c, uint32_t s) { return lkind_at(c, s, true); }
static int dgpr(jc_t *c, uint32_t s) { return lgpr_at(c, s, true); }
static int dxmm(jc_t *c, uint32_t s) { return lxmm_at(c, s, true); }
static bool in_gpr(jc_t *c, uint32_t s, int r) { return lkind(c, s) == JL_GPR && lgpr(c, s) == r; }
static bool in_xmm(jc_t *c, uint32_t s, int x) { return lkind(c, s) == JL_XMM && lxmm(c, s) == x; }

/* The instruction just emitted wrote r with a 32-bit operation (which zeroes
 * bits 32-63 in hardware); if r is the register of the current op's result
 * d, that result's register is known zero-extended (see zx_after). */
static void zx_def(jc_t *c, uint32_t d, int r)
{
    if (dkind(c, d) == JL_GPR && dgpr(c, d) == r)
        c->zdef = r;
}

/* movq gpr <- xmm: 66 REX.W 0F 7E /r (reg = xmm) */
static void movq_gx(jc_t *c, int g, int x) { insn_r(c, 0x66, 1, 0x0F7E, x, g); }
/* movq xmm <- gpr: 66 REX.W 0F 6E /r */
static void movq_xg(jc_t *c, int x, int g) { insn_r(c, 0x66, 1, 0x0F6E, x, g); }
static void movaps(jc_t *c, int d, int s)
{
    if (d != s)
        insn_r(c, 0, 0, 0x0F28, d, s);
}

/* The slot as an integer operand: its register, its frame cell, or scratch
 * loaded from its XMM register. */
static rm_t rm_g(jc_t *c, uint32_t s, int scratch)
{
    switch (lkind(c, s)) {
    case JL_GPR: return R(lgpr(c, s));
    case JL_XMM: movq_gx(c, scratch, lxmm(c, s)); return R(scratch);
    default: return (rm_t){true, 0, sdisp(s)};
    }
}

static rm_t rm_x(jc_t *c, uint32_t s, int xscratch)
{
    switch (lkind(c, s)) {
    case JL_XMM: return R(lxmm(c, s));
    case JL_GPR: movq_xg(c, xscratch, lgpr(c, s)); return R(xscratch);
    default: return (rm_t){true, 0, sdisp(s)};
    }
}

/* r = slot (w: 64-bit; 32-bit loads zero-extend). */
static void ld_g(jc_t *c, int w, int r, uint32_t s)
{
    if (in_gpr(c, s, r))
        return;
    if (lkind(c, s) == JL_XMM)
        movq_gx(c, r, lxmm(c, s));
    else
        insn_rm(c, 0, w, 0x8B, r, rm_g(c, s, r));
}

static void ld_x(jc_t *c, int x, uint32_t s)
{
    switch (lkind(c, s)) {
    case JL_XMM: movaps(c, x, lxmm(c, s)); break;
    case JL_GPR: movq_xg(c, x, lgpr(c, s)); break;
    default: insn_m(c, 0xF3, 0, 0x0F7E, x, RFP, -1, 0, sdisp(s), false); break;  /* movq */
    }
}

/* slot = r (all 64 bits, already canonical). */
static void st_g(jc_t *c, uint32_t s, int r)
{
    switch (dkind(c, s)) {
    case JL_GPR: mov_rr(c, dgpr(c, s), r); break;
    case JL_XMM: movq_xg(c, dxmm(c, s), r); break;
    default: insn_m(c, 0, 1, 0x89, r, RFP, -1, 0, sdisp(s), false); break;
    }
}

static void st_x(jc_t *c, uint32_t s, int x)
{
    switch (dkind(c, s)) {
    case JL_XMM: movaps(c, dxmm(c, s), x); break;
    case JL_GPR: movq_gx(c, dgpr(c, s), x); break;
    default: insn_m(c, 0x66, 0, 0x0FD6, x, RFP, -1, 0, sdisp(s), false); break;  /* movq */
    }
}

static int dst_g(jc_t *c, uint32_t s, int scratch)
{
    return dkind(c, s) == JL_GPR ? dgpr(c, s) : scratch;
}

static int dst_x(jc_t *c, uint32_t s, int scratch)
{
    return dkind(c, s) == JL_XMM ? dxmm(c, s) : scratch;
}

static void mov_slot(jc_t *c, uint32_t d, uint32_t s)
{
    /* d and s may be one slot in two webs (two places) */
    switch (dkind(c, d)) {
    case JL_GPR: ld_g(c, 1, dgpr(c, d), s); break;
    case JL_XMM: ld_x(c, dxmm(c, d), s); break;
    default:
        if (lkind(c, s) == JL_GPR) {
            st_g(c, d, lgpr(c, s));
        } else if (lkind(c, s) == JL_XMM) {
            st_x(c, d, lxmm(c, s));
        } else if (d != s) {
            ld_g(c, 1, RAX, s);
            st_g(c, d, RAX);
        }
    }
}

/* Register-resident slots in [lo, hi) to their frame cells, and back. */
static void spill_range(jc_t *c, uint32_t lo, uint32_t hi)
{
    uint32_t n = c->fn->d->frame_cells;
    for (uint32_t s = lo; s < hi && s < n; s++) {
        if (lkind(c, s) == JL_GPR)
            insn_m(c, 0, 1, 0x89, lgpr(c, s), RFP, -1, 0, sdisp(s), false);
        else if (lkind(c, s) == JL_XMM)
            insn_m(c, 0x66, 0, 0x0FD6, lxmm(c, s), RFP, -1, 0, sdisp(s), false);
    }
}

/* def: the slots as the instruction writes them (results), else as it
 * reads them (parameters at the entry). */
static void reload_range(jc_t *c, uint32_t lo, uint32_t hi, bool def)
{
    uint32_t n = c->fn->d->frame_cells;
    for (uint32_t s = lo; s < hi && s < n; s++) {
        if (lkind_at(c, s, def) == JL_GPR)
            insn_m(c, 0, 1, 0x8B, lgpr_at(c, s, def), RFP, -1, 0, sdisp(s), false);
        else if (lkind_at(c, s, def) == JL_XMM)
            insn_m(c, 0xF3, 0, 0x0F7E, lxmm_at(c, s, def), RFP, -1, 0, sdisp(s), false);
    }
}

/* The operands a slow op reads, to their cells; what it wrote, back. */
static void spill_uses(jc_t *c, const jit_ops_t *o)
{
    for (uint32_t k = 0; k < o->n; k++)
        if (!o->def[k])
            spill_range(c, o->s[k], o->s[k] + 1);
    spill_range(c, o->ulo, o->uhi);
}

static void reload_defs(jc_t *c, const jit_ops_t *o)
{
    for (uint32_t k = 0; k < o->n; k++)
        if (o->def[k])
            reload_range(c, o->s[k], o->s[k] + 1, true);
    reload_range(c, o->dlo, o->dhi, true);
}

/* ------------------------------------------------------------ safe points, traps */

static void trap_jcc(jc_t *c, int cc, wasm_trap_kind_t k) { jcc_to(c, cc, c->stub[k]); }

static bool safepoint(jc_t *c)
{
#ifdef WASM_NO_SAFEPOINTS
    (void)c;
    return true;   /* make bench measures their cost with an engine without them */
#endif
    /* sub r11, 1; jle stub. The fuel is ex->fuel + r11: r11 holds a slice
     * of at most FUEL_SLICE units, and only when it runs out does the
     * stub (out of line) look at the interrupt flag and the fuel left,
     * and take the next slice. So a safe point costs one register
     * decrement, and an interrupt is seen within FUEL_SLICE safe points. */
    insn_r(c, 0, 1, 0x83, 5, RFUEL);   /* sub r11, 1 */
    put1(c, 1);
    uint32_t j1 = jcc(c, CC_LE);
    if (c->nsp == c->spcap) {
        spstub_t *q = wasmi_jit_more(&c->b, c->sp, &c->spcap, sizeof *q, 16);
        if (!q)
            return false;
        c->sp = q;
    }
    c->sp[c->nsp++] = (spstub_t){j1, c->b.len};
    return true;
}

/* A call to C (SysV); the caller has placed the arguments. rsp is 16-byte
 * aligned in every compiled function body. C may clobber rsi, rdi, r8-r11
 * and every xmm register: the slot registers, the function's own values and
 * its callers' (they are callee-saved among compiled functions), are saved
 * around the call. The C function reads only the operands the caller wrote
 * to their cells. */
static uint32_t foreign(jc_t *c, uint8_t *regs, uint32_t *ng)
{
    (void)c;
    uint32_t n = 0;
    for (int i = 0; i < NGPR; i++)
        if (slot_gpr[i] != RBP && slot_gpr[i] != R15)   /* callee-saved in C */
            regs[n++] = (uint8_t)i;
    *ng = n;
    for (int i = 0; i < NXMM; i++)
        regs[n++] = (uint8_t)(NGPR + i);
    return n;
}

/* ex->fuel += r11: the whole fuel to C (r11 is 0 after it returns). */
static void fuel_out(jc_t *c)
{
    ctx_m(c, 1, 0x01, RFUEL, offsetof(wasm_exec_t, fuel));   /* add [r12+fuel], r11 */
}

/* r11 = 0 (no flags changed): the next safe point takes a slice. */
static void fuel_in(jc_t *c)
{
    put1(c, 0x41);
    put1(c, 0xB8 + (RFUEL & 7));
    put4(c, 0);
}

/* Before the arguments are placed, at the body's rsp (rcx is free). Also
 * hands the fuel and the control stack to C: ex->ctl_top = [rsp], the
 * record after this function's (compiled code keeps it in its frame, see
 * prologue), so that C, the interpreter and the backtrace see every
 * compiled frame. */
static void save_foreign(jc_t *c)
{
    insn_m(c, 0, 1, 0x8B, RCX, RSP, -1, 0, 0, false);        /* mov rcx, [rsp] */
    ctx_m(c, 1, 0x89, RCX, offsetof(wasm_exec_t, ctl_top));   /* the control stack to C */
    fuel_out(c);
    uint8_t regs[NGPR + NXMM];
    uint32_t ng, n = foreign(c, regs, &ng);
    uint32_t area = (ng * 8 + (n - ng) * 16 + 15) & ~15u;   /* whole xmm registers */
    if (area)
        alu_i(c, 1, 5, R(RSP), (int32_t)area);
    for (uint32_t k = 0; k < n; k++) {
        if (k < ng)
            insn_m(c, 0, 1, 0x89, slot_gpr[regs[k]], RSP, -1, 0, (int32_t)(8 * k), false);
        else
            insn_m(c, 0xF3, 0, 0x0F7F, 2 + regs[k] - NGPR, RSP, -1, 0, (int32_t)(8 * ng + 16 * (k - ng)),
                   false);
    }
}

/* After the call; keeps rax and the flags. */
static void restore_foreign(jc_t *c)
{
    uint8_t regs[NGPR + NXMM];
    uint32_t ng, n = foreign(c, regs, &ng);
    uint32_t area = (ng * 8 + (n - ng) * 16 + 15) & ~15u;
    for (uint32_t k = 0; k < n; k++) {
        if (k < ng)
            insn_m(c, 0, 1, 0x8B, slot_gpr[regs[k]], RSP, -1, 0, (int32_t)(8 * k), false);
        else
            insn_m(c, 0xF3, 0, 0x0F6F, 2 + regs[k] - NGPR, RSP, -1, 0, (int32_t)(8 * ng + 16 * (k - ng)),
                   false);
    }
    if (area)
        insn_m(c, 0, 1, 0x8D, RSP, RSP, -1, 0, (int32_t)area, false);   /* lea: flags kept */
    fuel_in(c);
}

/* eax != 0 after a helper: it is a trap code; unwind with it. */
static void check_trap(jc_t *c)
{
    insn_r(c, 0, 0, 0x85, RAX, RAX);   /* test eax, eax */
    jcc_to(c, CC_NE, c->unwind);
}

/* ------------------------------------------------------------ function frame */

/* The function's control record names it, written from the body: [rsp] is
 * the next record, so its own is [rsp] - 1 record. rax, rcx; flags kept. */
static void write_record(jc_t *c)
{
    int r = c->rdx_next ? RDX : RAX;   /* (rdx: no reload of what the entry just stored) */
    if (!c->rdx_next)
        insn_m(c, 0, 1, 0x8B, RAX, RSP, -1, 0, 0, false);
    insn_m(c, 0, 1, 0x8B, RCX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, funcs), false);
    insn_m(c, 0, 1, 0x8B, RCX, RCX, -1, 0, (int32_t)(c->fn->func_index * 8), false);
    insn_m(c, 0, 1, 0x89, RCX, r, -1, 0,
           (int32_t)offsetof(wasmi_ctl_t, func) - (int32_t)sizeof(wasmi_ctl_t), false);
}

/* The record is written lazily: an entry reserves it (the call-depth check,
 * rdx + 1 record kept at [rsp]) but names the function in it only before
 * the first op that could let anyone read it: one that may trap or fault
 * (the backtrace), call (a callee's backtrace) or call C (save_foreign).
 * The ops below do none of these, so a path made of them alone, such as a
 * recursion's base case (fib's n < 2, ack's m == 0, tak's y >= x), returns
 * without the store. The safe-point stubs write it themselves (out of line)
 * before they call C. A join takes the record as written only if every
 * path into it wrote it; a loop is entered with it written, so that no
 * iteration writes it again. */
static bool record_free(uint32_t op)
{
    return op <= OP_I64_GE_U ||                                      /* integer compares */
           (op >= OP_I32_ADD && op <= OP_I32_MUL) || (op >= OP_I32_AND && op <= OP_I32_ROTR) ||
           (op >= OP_I64_ADD && op <= OP_I64_MUL) || (op >= OP_I64_AND && op <= OP_I64_ROTR) ||
           op == OP_I32_WRAP_I64 || op == OP_I64_EXTEND_I32_S || op == OP_I64_EXTEND_I32_U ||
           (op >= OP_I32_EQ_I && op <= OP_I64_GE_U_I) ||               /* immediate forms */
           (op >= OP_BR_I32_EQ && op <= OP_BR_I64_NEZ) ||             /* fused branches */
           op == OP_BR || op == OP_BR_TABLE || op == OP_RETURN0 || op == OP_RETURN1 ||
           op == OP_RETURN || op == OP_MOV || op == OP_CONST32 || op == OP_CONST64 ||
           op == OP_SELECT;
}

/* Before op (at pc): the record written if op needs it, or if it branches
 * into a loop; else its forward branches carry "not written". */
static void lazy_record(jc_t *c, uint32_t pc, uint32_t op)
{
    if (c->rec)
        return;
    jit_ops_t o;
    bool ok = record_free(op) && wasmi_jit_operands(c->m, c->code + pc, op, &o);
    for (uint32_t k = 0; ok && k < o.ntgt; k++) {
        uint32_t t = pc + (uint32_t)(o.tgt ? o.tgt[k] : o.tgt1);
        ok = t > pc && t <= c->fn->d->code_len && !(c->target[t] & 2);
    }
    if (!ok) {
        write_record(c);
        c->rec = true;
        return;
    }
    for (uint32_t k = 0; k < o.ntgt; k++)
        c->norec[pc + (uint32_t)(o.tgt ? o.tgt[k] : o.tgt1)] = 1;
}

/* The control stack while compiled code runs: every call passes the
 * callee its control record in rdx (the caller's own + 1); the callee checks
 * it against ctl_end, writes itself into it and keeps the next one in the
 * lowest word of its frame, [rsp], from where its calls, its traps (the
 * unwind stub) and its calls to C (save_foreign) take it. ex->ctl_top is
 * written only for C. So no call reads or writes ex->ctl_top: before, each
 * entry loaded it and stored it, and each return decremented it in memory,
 * a chain of store-to-load forwardings through every call and return. */
static void prologue(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    const wasmi_funcdef_t *d = fn->d;
    /* Save the slot registers this function uses: first, so that the
     * arguments in rax and rcx (reg_args) go to their parameters' registers
     * before the checks below need rcx. (The checks then see rsp lower by
     * the saves, well within the native margin; a failed check unwinds to
     * the trampoline's rsp whatever was pushed.) */
    bool used_g[NGPR] = {0}, used_x[NXMM] = {0};
    uint32_t nloc = fn->rstart ? fn->nruns : d->frame_cells;
    const uint8_t *lk = fn->rstart ? fn->wk : fn->lk, *lr = fn->rstart ? fn->wr : fn->lr;
    for (uint32_t s = 0; s < nloc; s++) {
        if (fn->rstart && fn->rweb[s] != s)
            continue;   /* not a web's root run */
        if (lk[s] == JL_GPR)
            used_g[lr[s]] = true;
        else if (lk[s] == JL_XMM || lk[s] == JL_V128)
            used_x[lr[s]] = true;
    }
    c->npush = 0;
    c->gmask = 0;
    for (int i = 0; i < NGPR; i++)
        if (used_g[i]) {
            c->gmask |= (uint8_t)(1u << i);
            int r = slot_gpr[i];
            if (r & 8)
                put1(c, 0x41);
            put1(c, 0x50 + (uint32_t)(r & 7));
            c->pushed[c->npush++] = (uint8_t)r;
        }
    for (uint32_t k = 0; k < c->nvpin; k++)
        used_x[NXMM - 1 - k] = true;
    c->nxsave = 0;
    c->xmask = 0;
    for (int i = 0; i < NXMM; i++) {
        c->nxsave += used_x[i];
        c->xmask |= (uint16_t)(used_x[i] << i);
    }
    /* entry rsp = 8 mod 16; after pushes and the area it must be 0 mod 16.
     * The area: [rsp] the next control record, then the xmm saves (whole
     * registers: a caller may keep a v128 in one, NVPIN). */
    uint32_t area = 8 + c->nxsave * 16u;
    if ((8 + c->npush * 8u + area) % 16)
        area += 8;
    c->xarea = area;
    alu_i(c, 1, 5, R(RSP), (int32_t)area);
    for (int i = 0, k = 0; i < NXMM; i++)
        if (used_x[i])
            insn_m(c, 0xF3, 0, 0x0F7F, 2 + i, RSP, -1, 0, 8 + 16 * k++, false);   /* movdqu */
    c->ins = 0;
    uint32_t nmem = 0;
    for (uint32_t s = fn->nparams; s < d->nlocals; s++)
        nmem += occupied(c, s) && lkind(c, s) == JL_MEM;
    /* The arguments in rax, rcx (reg_args): to their registers, else (or
     * when more than eight locals are zeroed with rep stosq, which takes
     * rdi, below) to their cells, which lie in the caller's frame. */
    bool inreg[NARGREG] = {0};
    for (uint32_t k = 0; k < c->nin; k++) {
        inreg[k] = nmem <= 8 && occupied(c, k) && (lkind(c, k) == JL_GPR || lkind(c, k) == JL_XMM);
        if (!inreg[k])
            insn_m(c, 0, 1, 0x89, arg_gpr[k], RFP, -1, 0, sdisp(k), false);   /* mov [r13 + 8k], arg */
        else if (lkind(c, k) == JL_GPR)
            mov_rr(c, lgpr(c, k), arg_gpr[k]);
        else
            movq_xg(c, lxmm(c, k), arg_gpr[k]);
    }
    /* Call depth, native stack, value stack (each out of line at entry_trap,
     * which names the caller as the innermost frame), then the record. */
    ctx_m(c, 1, 0x3B, RDX, offsetof(wasm_exec_t, ctl_end));   /* cmp rdx, [ctl_end] */
    jcc_to(c, CC_AE, c->entry_trap);
    ctx_m(c, 1, 0x3B, RSP, offsetof(wasm_exec_t, native_lo));
    jcc_to(c, CC_B, c->entry_trap);
    insn_m(c, 0, 1, 0x8D, RCX, RFP, -1, 0, sdisp(d->frame_cells), false);   /* lea */
    ctx_m(c, 1, 0x3B, RCX, offsetof(wasm_exec_t, stack_end));
    jcc_to(c, CC_A, c->entry_trap);
    if (c->rec) {   /* (else later: lazy_record) */
        insn_m(c, 0, 1, 0x8B, RCX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, funcs), false);
        insn_m(c, 0, 1, 0x8B, RCX, RCX, -1, 0, (int32_t)(fn->func_index * 8), false);
        insn_m(c, 0, 1, 0x89, RCX, RDX, -1, 0, (int32_t)offsetof(wasmi_ctl_t, func), false);
    }
    insn_m(c, 0, 1, 0x8D, RDX, RDX, -1, 0, (int32_t)sizeof(wasmi_ctl_t), false);   /* lea rdx, next */
    insn_m(c, 0, 1, 0x89, RDX, RSP, -1, 0, 0, false);   /* mov [rsp], rdx */
    /* Zero the declared locals live at the entry, load the parameters. */
    if (nmem > 8) {
        /* rep stosq over all declared locals: rdi, rcx, rax are free here */
        insn_m(c, 0, 1, 0x8D, RDI, RFP, -1, 0, sdisp(fn->nparams), false);
        mov_ri64(c, RCX, d->nlocals - fn->nparams);
        insn_r(c, 0, 0, 0x33, RAX, RAX);
        put1(c, 0xF3);
        put1(c, 0x48);
        put1(c, 0xAB);
    } else if (nmem) {
        insn_r(c, 0, 0, 0x33, RAX, RAX);
        for (uint32_t s = fn->nparams; s < d->nlocals; s++)
            if (occupied(c, s) && lkind(c, s) == JL_MEM)
                insn_m(c, 0, 1, 0x89, RAX, RFP, -1, 0, sdisp(s), false);
    }
    for (uint32_t s = 0; s < fn->nparams; s++) {
        if (!occupied(c, s) || (s < NARGREG && inreg[s]))
            continue;
        if (lkind(c, s) == JL_V128)   /* a whole v128 parameter */
            insn_m(c, 0xF3, 0, 0x0F6F, lxmm(c, s), RFP, -1, 0, sdisp(s), false);   /* movdqu */
        else
            reload_range(c, s, s + 1, false);
    }
    for (uint32_t s = fn->nparams; s < d->nlocals; s++) {
        if (!occupied(c, s))
            continue;
        if (lkind(c, s) == JL_GPR)
            insn_r(c, 0, 0, 0x33, lgpr(c, s), lgpr(c, s));
        else if (lkind(c, s) == JL_XMM || lkind(c, s) == JL_V128)
            insn_r(c, 0, 0, 0x0F57, lxmm(c, s), lxmm(c, s));   /* xorps: all 128 bits */
    }
    /* Pinned v128s: a parameter from its cells; a local (or an operand
     * slot, written before it is read) starts at zero. */
    for (uint32_t k = 0; k < c->nvpin; k++) {
        int x = 15 - (int)k;
        if (c->vpin[k] < fn->nparams)
            insn_m(c, 0xF3, 0, 0x0F6F, x, RFP, -1, 0, sdisp(c->vpin[k]), false);   /* movdqu */
        else
            insn_r(c, 0, 0, 0x0F57, x, x);
    }
    safepoint(c);
}

/* Restores the caller's slot registers and frees the native frame (the
 * control record needs nothing: the caller's [rsp] still names its next). */
static void leave_frame(jc_t *c)
{
    /* restore in reverse */
    for (int i = 0, k = 0; i < NXMM; i++)
        if (c->xmask >> i & 1)
            insn_m(c, 0xF3, 0, 0x0F6F, 2 + i, RSP, -1, 0, 8 + 16 * k++, false);   /* movdqu */
    alu_i(c, 1, 0, R(RSP), (int32_t)c->xarea);
    for (int i = c->npush - 1; i >= 0; i--) {
        int r = c->pushed[i];
        if (r & 8)
            put1(c, 0x41);
        put1(c, 0x58 + (uint32_t)(r & 7));
    }
}

/* The results are in their cells (the return ops put them there). */
static void epilogue(jc_t *c)
{
    leave_frame(c);
    put1(c, 0xC3);
}

/* ------------------------------------------------------------ branches */

/* A backward branch goes to its target's safe point, which lies just
 * before the target (compile_body): the back-edge is one jump, and code
 * entering the loop from above jumps over the safe point. */
static void br_to(jc_t *c, uint32_t pc, int32_t off)
{
    uint32_t target = (uint32_t)((int32_t)pc + off);
    if (off <= 0 && c->chk[target] == UINT32_MAX)
        c->bad = true;   /* (not an instruction: compile.c never makes one) */
    else if (off <= 0)
        jmp_to(c, c->chk[target]);
    else
        wasmi_jit_addfix(&c->b, &c->b.fx, jmp(c), target);
}

static void br_cc(jc_t *c, int cc, uint32_t pc, int32_t off)
{
    uint32_t target = (uint32_t)((int32_t)pc + off);
    if (off <= 0 && c->chk[target] == UINT32_MAX)
        c->bad = true;
    else if (off <= 0)
        jcc_to(c, cc, c->chk[target]);
    else
        wasmi_jit_addfix(&c->b, &c->b.fx, jcc(c, cc), target);
}

/* cmp a, b for an integer comparison (b a slot, or an immediate). */
static void cmp_slots(jc_t *c, int w, uint32_t a, uint32_t b)
{
    rm_t mb = rm_g(c, b, RCX);
    if (lkind(c, a) == JL_GPR) {
        insn_rm(c, 0, w, 0x3B, lgpr(c, a), mb);
    } else {
        ld_g(c, w, RAX, a);
        insn_rm(c, 0, w, 0x3B, RAX, mb);
    }
}

static void cmp_imm(jc_t *c, int w, uint32_t a, int32_t imm)
{
    alu_i(c, w, 7, rm_g(c, a, RAX), imm);
}

static void setcc_to(jc_t *c, int cc, uint32_t d);

/* The comparison's result: flags for the next op when it was fused with
 * it (see fusable), else 0 or 1 in slot d. */
static void cmp_result(jc_t *c, int cc, uint32_t d, bool fuse)
{
    if (fuse) {
        c->fcc = cc;
        return;
    }
    setcc_to(c, cc, d);
}

static void setcc_to(jc_t *c, int cc, uint32_t d)
{
    put1(c, 0x0F);
    put1(c, 0x90 + (uint32_t)cc);
    put1(c, 0xC0);                       /* setcc al */
    int r = dst_g(c, d, RAX);
    insn_r(c, 0, 0, 0x0FB6, r, RAX);     /* movzx r32, al: into d's register */
    zx_def(c, d, r);
    st_g(c, d, r);
}

/* ------------------------------------------------------------ arithmetic */

/* d = a op b, op in its "op r, r/m" form. */
static void ibin(jc_t *c, int w, uint32_t opc, uint32_t d, uint32_t a, uint32_t b, bool commut)
{
    int r = dst_g(c, d, RAX);
    if (r != RAX && in_gpr(c, b, r) && !in_gpr(c, a, r)) {
        if (commut) {
            uint32_t t = a;
            a = b;
            b = t;
        } else {
            r = RAX;
        }
    }
    ld_g(c, w, r, a);
    insn_rm(c, 0, w, opc, r, rm_g(c, b, RCX));
    if (!w)
        zx_def(c, d, r);
    st_g(c, d, r);
}

static void ibin_imm(jc_t *c, int w, int digit, uint32_t d, uint32_t a, int32_t imm)
{
    int r = dst_g(c, d, RAX);
    ld_g(c, w, r, a);
    alu_i(c, w, digit, R(r), imm);
    if (!w)
        zx_def(c, d, r);
    st_g(c, d, r);
}

/* shifts and rotates: digit 0 rol, 1 ror, 4 shl, 5 shr, 7 sar */
static void ishift(jc_t *c, int w, int digit, uint32_t d, uint32_t a, uint32_t b)
{
    ld_g(c, w, RCX, b);
    int r = dst_g(c, d, RAX);
    ld_g(c, w, r, a);
    insn_r(c, 0, w, 0xD3, digit, r);
    if (!w)
        zx_def(c, d, r);
    st_g(c, d, r);
}

static void ishift_imm(jc_t *c, int w, int digit, uint32_t d, uint32_t a, uint32_t imm)
{
    int r = dst_g(c, d, RAX);
    ld_g(c, w, r, a);
    insn_r(c, 0, w, 0xC1, digit, r);
    put1(c, imm & (w ? 63u : 31u));
    if (!w)
        zx_def(c, d, r);
    st_g(c, d, r);
}

static void idiv(jc_t *c, int w, bool sgn, bool rem, uint32_t d, uint32_t a, uint32_t b)
{
    ld_g(c, w, RCX, b);
    ld_g(c, w, RAX, a);
    insn_r(c, 0, w, 0x85, RCX, RCX);
    trap_jcc(c, CC_E, WASM_TRAP_DIV_ZERO);
    uint32_t done = 0;
    bool have_done = false;
    if (sgn) {
        alu_i(c, w, 7, R(RCX), -1);
        uint32_t go = jcc(c, CC_NE);
        if (rem) {
            insn_r(c, 0, 0, 0x33, RDX, RDX);
            done = jmp(c);
            have_done = true;
        } else {
            alu_i(c, w, 7, R(RAX), 1);   /* a - 1 overflows only for the minimum */
            trap_jcc(c, CC_O, WASM_TRAP_INT_OVERFLOW);
        }
        bind(c, go);
        if (w)
            put1(c, 0x48);
        put1(c, 0x99);                      /* cdq / cqo */
        insn_r(c, 0, w, 0xF7, 7, RCX);     /* idiv */
    } else {
        insn_r(c, 0, 0, 0x33, RDX, RDX);
        insn_r(c, 0, w, 0xF7, 6, RCX);     /* div */
    }
    if (have_done)
        bind(c, done);
    st_g(c, d, rem ? RDX : RAX);
}

/* d = a op b on floats: pfx F3 (f32) or F2 (f64); opc 0x0F58 add, 59 mul, 5C sub, 5E div.
 * Never commuted: with two NaN operands SSE returns the first one's, so
 * a op b and b op a differ in the NaN's sign and payload, which copysign
 * or a reinterpret then shows (the spec allows either; the interpreter
 * keeps the order, and the tiers agree: the differential fuzzer's seed
 * 5004, module 41861). */
static void fbin(jc_t *c, int pfx, uint32_t opc, uint32_t d, uint32_t a, uint32_t b)
{
    int x = dst_x(c, d, XMM0);
    if (x != XMM0 && in_xmm(c, b, x) && !in_xmm(c, a, x))
        x = XMM0;
    ld_x(c, x, a);
    insn_rm(c, pfx, 0, opc, x, rm_x(c, b, XMM1));
    st_x(c, d, x);
}

static void fcmp(jc_t *c, bool f64, int kind, uint32_t d, uint32_t a, uint32_t b, bool fuse)
{
    /* kind: 0 eq 1 ne 2 lt 3 gt 4 le 5 ge */
    uint32_t x = a, y = b;
    int cc = CC_A;
    if (kind == 2 || kind == 4) {
        x = b;
        y = a;
    }
    if (kind == 4 || kind == 5)
        cc = CC_AE;
    ld_x(c, XMM0, x);
    insn_rm(c, f64 ? 0x66 : 0, 0, 0x0F2E, XMM0, rm_x(c, y, XMM1));   /* ucomis */
    if (kind == 0 || kind == 1) {
        put1(c, 0x0F);
        put1(c, kind == 0 ? 0x94 : 0x95);
        put1(c, 0xC0);   /* sete/setne al */
        put1(c, 0x0F);
        put1(c, kind == 0 ? 0x9B : 0x9A);
        put1(c, 0xC1);   /* setnp/setp cl */
        put1(c, kind == 0 ? 0x20 : 0x08);
        put1(c, 0xC8);   /* and/or al, cl */
        insn_r(c, 0, 0, 0x0FB6, RAX, RAX);
        st_g(c, d, RAX);
    } else {
        cmp_result(c, cc, d, fuse);   /* A and AE are false for NaN */
    }
}

/* ------------------------------------------------------------ memory */

/* Sets up the address of an access of n bytes at slot a + off of memory
 * mem: returns the index register for [*base + index + disp]; traps out of
 * bounds. Memory 0 has its base in r14 and its object in r15; any other
 * memory's object is loaded from the instance (into rdx, then its base), and
 * is checked as memory 0 is: by its guard region (every memory of a runtime
 * with guard regions has one, imported ones too: instance.c refuses others)
 * or explicitly. */
static int mem_addr_m(jc_t *c, uint32_t mem, uint32_t a, uint32_t off, uint32_t n, int32_t *disp,
                      int *base)
{
    /* Zero-extend the address here: a host function or an embedder may have
     * left a cell with upper bits set, and the upper bits must never reach
     * the address (the interpreter reads only the low 32 bits too). */
    int idx = RAX;
    if (c->guard && off <= 0x7FFFFFF0u && lkind(c, a) == JL_GPR && (c->zx >> lgpr(c, a) & 1))
        idx = lgpr(c, a);   /* written by a 32-bit op of ours since the last join: zx_after */
    else if (lkind(c, a) == JL_GPR)
        insn_r(c, 0, 0, 0x8B, RAX, lgpr(c, a));   /* mov eax, r32 */
    else
        ld_g(c, 0, RAX, a);
    if (off > 0x7FFFFFF0u) {
        /* large offset: rax = index + off (64-bit, cannot wrap) */
        mov_ri64(c, RDX, off);
        insn_r(c, 0, 1, 0x03, RAX, RDX);   /* add rax, rdx */
        idx = RAX;
        off = 0;
    }
    *base = RMB;
    if (mem) {
        insn_m(c, 0, 1, 0x8B, RDX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, mems), false);
        insn_m(c, 0, 1, 0x8B, RDX, RDX, -1, 0, (int32_t)(mem * 8), false);
        if (!c->guard) {
            /* as below, with the object in rdx: rax = index + off; rax + n
             * > size -> trap; rax masked to 0 unless in bounds (mov keeps
             * the flags) */
            if (off)
                insn_m(c, 0, 1, 0x8D, RAX, RAX, -1, 0, (int32_t)off, false);   /* lea rax */
            off = 0;
            insn_m(c, 0, 1, 0x8D, RCX, RAX, -1, 0, (int32_t)n, false);         /* lea rcx */
            insn_m(c, 0, 1, 0x3B, RCX, RDX, -1, 0, (int32_t)offsetof(wasm_memory_t, size), false);
            trap_jcc(c, CC_A, WASM_TRAP_OOB_MEMORY);
#ifndef WASM_NO_SPEC_MASK
            put1(c, 0xB9);                                                      /* mov ecx, 0 */
            put4(c, 0);
            insn_r(c, 0, 1, 0x0F47, RAX, RCX);                                  /* cmova: 0 unless in bounds */
#endif
        }
        insn_m(c, 0, 1, 0x8B, RDX, RDX, -1, 0, (int32_t)offsetof(wasm_memory_t, base), false);
        *base = RDX;
        *disp = (int32_t)off;
        return idx;
    }
    if (!c->guard) {
#ifndef WASM_NO_SPEC_MASK
        /* explicit check: rax = index + off; rax + n > size -> trap; then rax
         * is masked to 0 unless in bounds, without a branch (a cmov is a data
         * dependency, never predicted): a mispredicted check reads offset 0,
         * never past the memory (docs/privacy.md) */
        if (off)
            insn_m(c, 0, 1, 0x8D, RAX, RAX, -1, 0, (int32_t)off, false);   /* lea rax */
        off = 0;
        insn_r(c, 0, 0, 0x33, RCX, RCX);                                    /* xor ecx, ecx */
        insn_m(c, 0, 1, 0x8D, RDX, RAX, -1, 0, (int32_t)n, false);         /* lea rdx */
        insn_m(c, 0, 1, 0x3B, RDX, RMO, -1, 0, (int32_t)offsetof(wasm_memory_t, size), false);
        trap_jcc(c, CC_A, WASM_TRAP_OOB_MEMORY);
        insn_r(c, 0, 1, 0x0F47, RAX, RCX);                                  /* cmova rax, rcx */
#else
        /* explicit check: index + off + n > size -> trap */
        insn_m(c, 0, 1, 0x8D, RDX, idx, -1, 0, (int32_t)(off + n), false);   /* lea rdx */
        insn_m(c, 0, 1, 0x3B, RDX, RMO, -1, 0, (int32_t)offsetof(wasm_memory_t, size), false);
        trap_jcc(c, CC_A, WASM_TRAP_OOB_MEMORY);
#endif
    }
    /* else: the reservation covers index + off + n; past the memory's size
     * it is unmapped, and the fault resumes at the region's stub (offset 0) */
    *disp = (int32_t)off;
    return idx;
}

/* An access to memory 0 (base in r14). */
static int mem_addr(jc_t *c, uint32_t a, uint32_t off, uint32_t n, int32_t *disp)
{
    int base;
    return mem_addr_m(c, 0, a, off, n, disp, &base);
}

static void load_op(jc_t *c, uint32_t mem, uint32_t op, uint32_t d, uint32_t a, uint32_t off)
{
    static const struct { uint8_t n, w; uint32_t opc; } L[] = {
        [OP_I32_LOAD - OP_I32_LOAD] = {4, 0, 0x8B}, [OP_I64_LOAD - OP_I32_LOAD] = {8, 1, 0x8B},
        [OP_F32_LOAD - OP_I32_LOAD] = {4, 0, 0x8B}, [OP_F64_LOAD - OP_I32_LOAD] = {8, 1, 0x8B},
        [OP_I32_LOAD8_S - OP_I32_LOAD] = {1, 0, 0x0FBE}, [OP_I32_LOAD8_U - OP_I32_LOAD] = {1, 0, 0x0FB6},
        [OP_I32_LOAD16_S - OP_I32_LOAD] = {2, 0, 0x0FBF}, [OP_I32_LOAD16_U - OP_I32_LOAD] = {2, 0, 0x0FB7},
        [OP_I64_LOAD8_S - OP_I32_LOAD] = {1, 1, 0x0FBE}, [OP_I64_LOAD8_U - OP_I32_LOAD] = {1, 0, 0x0FB6},
        [OP_I64_LOAD16_S - OP_I32_LOAD] = {2, 1, 0x0FBF}, [OP_I64_LOAD16_U - OP_I32_LOAD] = {2, 0, 0x0FB7},
        [OP_I64_LOAD32_S - OP_I32_LOAD] = {4, 1, 0x63}, [OP_I64_LOAD32_U - OP_I32_LOAD] = {4, 0, 0x8B},
    };
    uint32_t k = op - OP_I32_LOAD;
    int32_t disp;
    int mb;
    int idx = mem_addr_m(c, mem, a, off, L[k].n, &disp, &mb);
    if ((op == OP_F32_LOAD || op == OP_F64_LOAD) && dkind(c, d) == JL_XMM) {
        if (op == OP_F32_LOAD)
            insn_m(c, 0x66, 0, 0x0F6E, dxmm(c, d), mb, idx, 0, disp, false);   /* movd */
        else
            insn_m(c, 0xF3, 0, 0x0F7E, dxmm(c, d), mb, idx, 0, disp, false);   /* movq */
        return;
    }
    int r = dst_g(c, d, RCX);
    insn_m(c, 0, L[k].w, L[k].opc, r, mb, idx, 0, disp, false);
    if (!L[k].w)
        zx_def(c, d, r);
    st_g(c, d, r);
}

static void store_op(jc_t *c, uint32_t mem, uint32_t op, uint32_t a, uint32_t v, uint32_t off)
{
    static const uint8_t N[] = {4, 8, 4, 8, 1, 2, 1, 2, 4};
    uint32_t k = op - OP_I32_STORE;
    int32_t disp;
    int mb;
    int idx = mem_addr_m(c, mem, a, off, N[k], &disp, &mb);
    if ((op == OP_F32_STORE || op == OP_F64_STORE) && lkind(c, v) == JL_XMM) {
        if (op == OP_F32_STORE)
            insn_m(c, 0x66, 0, 0x0F7E, lxmm(c, v), mb, idx, 0, disp, false);   /* movd */
        else
            insn_m(c, 0x66, 0, 0x0FD6, lxmm(c, v), mb, idx, 0, disp, false);   /* movq */
        return;
    }
    int r;
    if (c->kst) {
        /* the constant the op before would have put in v (store_const) */
        static const uint32_t K[] = {[1] = 0xC6, [2] = 0xC7, [4] = 0xC7};
        insn_m(c, N[k] == 2 ? 0x66 : 0, 0, K[N[k]], 0, mb, idx, 0, disp, false);
        put1(c, c->kstv);
        if (N[k] > 1)
            put1(c, c->kstv >> 8);
        if (N[k] > 2) {
            put1(c, c->kstv >> 16);
            put1(c, c->kstv >> 24);
        }
        return;
    }
    if (lkind(c, v) == JL_GPR) {
        r = lgpr(c, v);
    } else {
        ld_g(c, 1, RCX, v);
        r = RCX;
    }
    switch (N[k]) {
    case 1: insn_m(c, 0, 0, 0x88, r, mb, idx, 0, disp, true); break;
    case 2: insn_m(c, 0x66, 0, 0x89, r, mb, idx, 0, disp, false); break;
    case 4: insn_m(c, 0, 0, 0x89, r, mb, idx, 0, disp, false); break;
    default: insn_m(c, 0, 1, 0x89, r, mb, idx, 0, disp, false); break;
    }
}

/* A constant d whose only reader is the next op, an i32 store of it (not
 * as its address): the store writes it as an immediate, and the constant
 * is not materialised (c->kst). */
static bool store_const(jc_t *c, uint32_t pc, uint32_t nw, uint32_t d)
{
    if (!c->fn->rstart)
        return false;
    uint32_t n = pc + nw;
    if (n >= c->fn->d->code_len || c->target[n])
        return false;
    const uint32_t *q = c->code + n;
    uint32_t nop = c->fn->op[n];
    if ((nop != OP_I32_STORE && nop != OP_I32_STORE8 && nop != OP_I32_STORE16) || q[2] != d ||
        q[1] == d)
        return false;
    /* dead after the store: not held at its write point */
    return wasmi_jit_run_at(c->fn, d, 2 * (c->ins + 1) + 1) == UINT32_MAX;
}

/* ------------------------------------------------------------ calls */

/* ip of a slow op: the helper reads the operands from the frame. */
static void slowop(jc_t *c, uint32_t pc, uint32_t op)
{
    jit_ops_t o;
    if (!wasmi_jit_operands(c->m, c->code + pc, op, &o)) {
        c->bad = true;
        return;
    }
    spill_uses(c, &o);
    save_foreign(c);
    mov_rr(c, RDI, REX_);
    mov_rr(c, RSI, RIN);
    mov_rr(c, RDX, RFP);
    mov_ri64(c, RCX, (uint64_t)(uintptr_t)(c->code + pc));
    mov_ri64(c, R8, op);
    call_abs(c, (const void *)wasmi_jit_slowop);
    restore_foreign(c);
    reload_defs(c, &o);
    check_trap(c);
}

static void lea_fp(jc_t *c, int32_t delta)
{
    if (delta)
        insn_m(c, 0, 1, 0x8D, RFP, RFP, -1, 0, delta, false);
}

/* A call to a compiled function of this instance. In a module whose code
 * tail-calls imports or through tables (m->tail_out), the callee may return
 * with another instance's rbx/r14/r15 (a tail call to another instance
 * switched them and never returned): those calls save them around. */
static void call_near(jc_t *c, bool rel, int reg)
{
    bool keep = c->m->tail_out;
    if (keep) {
        put1(c, 0x53);                   /* push rbx */
        put1(c, 0x41); put1(c, 0x56);    /* push r14 */
        put1(c, 0x41); put1(c, 0x57);    /* push r15 */
        put1(c, 0x41); put1(c, 0x57);    /* push r15 (alignment) */
    }
    insn_m(c, 0, 1, 0x8B, RDX, RSP, -1, 0, keep ? 32 : 0, false);   /* rdx = the callee's record */
    if (rel) {
        put1(c, 0xE8);                   /* call rel32, fixed up by the caller */
        put4(c, 0);
    } else {
        insn_r(c, 0, 0, 0xFF, 2, reg);   /* call reg */
    }
    uint32_t at = c->b.len - 4;
    if (keep) {
        put1(c, 0x41); put1(c, 0x5F);
        put1(c, 0x41); put1(c, 0x5F);
        put1(c, 0x41); put1(c, 0x5E);
        put1(c, 0x5B);
    }
    if (rel)
        wasmi_jit_addfix(&c->b, &c->b.cfx, at, c->callee);
}

/* Call through a wasm_func_t in rax: compiled (same instance or not),
 * interpreted, or host. */
static void call_func(jc_t *c, uint32_t base, uint32_t np, uint32_t nr)
{
    spill_range(c, base, base + np);
    insn_m(c, 0, 1, 0x8B, RCX, RAX, -1, 0, (int32_t)offsetof(wasm_func_t, native), false);
    insn_r(c, 0, 1, 0x85, RCX, RCX);
    uint32_t slow = jcc(c, CC_E);
    insn_m(c, 0, 1, 0x8B, RDX, RAX, -1, 0, (int32_t)offsetof(wasm_func_t, inst), false);
    insn_r(c, 0, 1, 0x3B, RDX, RIN);
    uint32_t cross = jcc(c, CC_NE);
    lea_fp(c, sdisp(base));
    call_near(c, false, RCX);
    lea_fp(c, -sdisp(base));
    uint32_t done1 = jmp(c);
    /* another instance: switch instance and memory around the call */
    bind(c, cross);
    put1(c, 0x53);                   /* push rbx */
    put1(c, 0x41); put1(c, 0x56);    /* push r14 */
    put1(c, 0x41); put1(c, 0x57);    /* push r15 */
    put1(c, 0x41); put1(c, 0x57);    /* push r15 (alignment) */
    mov_rr(c, RIN, RDX);
    insn_m(c, 0, 1, 0x8B, RMO, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, mem), false);
    insn_r(c, 0, 0, 0x33, RMB, RMB);
    insn_r(c, 0, 1, 0x85, RMO, RMO);
    uint32_t nomem = jcc(c, CC_E);
    insn_m(c, 0, 1, 0x8B, RMB, RMO, -1, 0, (int32_t)offsetof(wasm_memory_t, base), false);
    bind(c, nomem);
    insn_m(c, 0, 1, 0x8B, RDX, RSP, -1, 0, 32, false);   /* rdx = the callee's record */
    lea_fp(c, sdisp(base));
    insn_r(c, 0, 0, 0xFF, 2, RCX);
    lea_fp(c, -sdisp(base));
    put1(c, 0x41); put1(c, 0x5F);
    put1(c, 0x41); put1(c, 0x5F);
    put1(c, 0x41); put1(c, 0x5E);
    put1(c, 0x5B);
    uint32_t done2 = jmp(c);
    /* interpreted or host: through C */
    bind(c, slow);
    save_foreign(c);
    mov_rr(c, RSI, RAX);
    mov_rr(c, RDI, REX_);
    insn_m(c, 0, 1, 0x8D, RDX, RFP, -1, 0, sdisp(base), false);
    mov_rr(c, RCX, RIN);
    insn_m(c, 0, 1, 0x8D, R8, RFP, -1, 0, sdisp(c->fn->d->frame_cells), false);
    call_abs(c, (const void *)wasmi_jit_call_slow);
    restore_foreign(c);
    check_trap(c);
    bind(c, done1);
    bind(c, done2);
    reload_range(c, base, base + nr, true);
}

/* rax = the function at index elem of table tidx, checked (bounds, null,
 * type canon) as the interpreter checks it. */
static void indirect_func(jc_t *c, uint32_t tidx, uint32_t canon, uint32_t elem)
{
    ld_g(c, 0, RCX, elem);
    insn_m(c, 0, 1, 0x8B, RAX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, tables), false);
    insn_m(c, 0, 1, 0x8B, RAX, RAX, -1, 0, (int32_t)(tidx * 8), false);
#ifndef WASM_NO_SPEC_MASK
    insn_r(c, 0, 0, 0x33, RDX, RDX);   /* xor edx, edx: the mask's 0 */
#endif
    insn_m(c, 0, 0, 0x3B, RCX, RAX, -1, 0, (int32_t)offsetof(wasm_table_t, size), false);
    trap_jcc(c, CC_AE, WASM_TRAP_OOB_TABLE);
#ifndef WASM_NO_SPEC_MASK
    /* masked without a branch: a mispredicted check reads slot 0 */
    insn_r(c, 0, 0, 0x0F43, RCX, RDX);   /* cmovae ecx, edx */
#endif
    insn_m(c, 0, 1, 0x8B, RDX, RAX, -1, 0, (int32_t)offsetof(wasm_table_t, elems), false);
    insn_m(c, 0, 1, 0x8B, RAX, RDX, RCX, 3, 0, false);
    insn_r(c, 0, 1, 0x85, RAX, RAX);
    trap_jcc(c, CC_E, WASM_TRAP_UNINITIALIZED_ELEM);
    insn_m(c, 0, 0, 0x81, 7, RAX, -1, 0, (int32_t)offsetof(wasm_func_t, canon), false);
    put4(c, canon);
    trap_jcc(c, CC_NE, WASM_TRAP_INDIRECT_MISMATCH);
}

/* ------------------------------------------------------------ tail calls */

/* A tail call replaces the running function: its arguments move down to
 * fp[0..) (already in their cells; upwards, so each cell is read before it
 * is written), the function restores its caller's registers and pops its
 * control record, and jumps to the callee with the caller's return address
 * on top of the native stack. The callee's entry then does what any entry
 * does (stack checks, its own control record, a safe point), so a loop of
 * tail calls runs in constant native, control and value stack, with the
 * interpreter's traps, backtraces and fuel. */
static void tail_args(jc_t *c, uint32_t base, uint32_t np)
{
    for (uint32_t k = 0; base && k < np; k++) {
        insn_m(c, 0, 1, 0x8B, RDX, RFP, -1, 0, sdisp(base + k), false);
        insn_m(c, 0, 1, 0x89, RDX, RFP, -1, 0, sdisp(k), false);
    }
}

/* return_call of def `def` of this module (compiled, or its interpreter
 * thunk, which then runs in place of this function). */
/* rdx = this function's own control record, for the callee that replaces it. */
static void tail_record(jc_t *c)
{
    insn_m(c, 0, 1, 0x8B, RDX, RSP, -1, 0, 0, false);
    insn_m(c, 0, 1, 0x8D, RDX, RDX, -1, 0, -(int32_t)sizeof(wasmi_ctl_t), false);
}

static void tail_direct(jc_t *c, uint32_t base, uint32_t np, uint32_t def)
{
    spill_range(c, base, base + np);
    tail_args(c, base, np);
    tail_record(c);
    leave_frame(c);
    put1(c, 0xE9);   /* jmp rel32 */
    put4(c, 0);
    wasmi_jit_addfix(&c->b, &c->b.cfx, c->b.len - 4, def);
}

/* return_call through the wasm_func_t in rax. A compiled callee of another
 * instance gets that instance's rbx/r14/r15 and returns to our caller with
 * them: every caller that expects its own back
 * saves them (call_near, the cross-instance path of call_func, the entry
 * trampoline). An interpreted or host callee goes through C
 * (wasmi_jit_tail_slow). */
static void tail_func(jc_t *c, uint32_t base, uint32_t np)
{
    spill_range(c, base, base + np);
    insn_m(c, 0, 1, 0x8B, RCX, RAX, -1, 0, (int32_t)offsetof(wasm_func_t, native), false);
    insn_r(c, 0, 1, 0x85, RCX, RCX);
    uint32_t slow = jcc(c, CC_E);
    tail_args(c, base, np);
    tail_record(c);
    leave_frame(c);
    insn_m(c, 0, 1, 0x3B, RIN, RAX, -1, 0, (int32_t)offsetof(wasm_func_t, inst), false);   /* cmp rbx, [rax+inst] */
    uint32_t same = jcc(c, CC_E);
    /* (r15 too, as call_func does: the callee's module may check bounds
     * explicitly; with guard regions r15 is a slot register of whoever we
     * return to, who saved it with rbx and r14) */
    insn_m(c, 0, 1, 0x8B, RIN, RAX, -1, 0, (int32_t)offsetof(wasm_func_t, inst), false);
    insn_m(c, 0, 1, 0x8B, RMO, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, mem), false);
    insn_r(c, 0, 0, 0x33, RMB, RMB);
    insn_r(c, 0, 1, 0x85, RMO, RMO);
    uint32_t nomem = jcc(c, CC_E);
    insn_m(c, 0, 1, 0x8B, RMB, RMO, -1, 0, (int32_t)offsetof(wasm_memory_t, base), false);
    bind(c, nomem);
    bind(c, same);
    insn_r(c, 0, 0, 0xFF, 4, RCX);   /* jmp rcx */
    bind(c, slow);
    save_foreign(c);
    mov_rr(c, RSI, RAX);
    mov_rr(c, RDI, REX_);
    mov_rr(c, RDX, RFP);
    insn_m(c, 0, 1, 0x8D, RCX, RFP, -1, 0, sdisp(c->fn->d->frame_cells), false);
    mov_rr(c, R8, RIN);
    mov_ri64(c, R9, base);
    call_abs(c, (const void *)wasmi_jit_tail_slow);
    restore_foreign(c);
    check_trap(c);
    if (c->fn->nresults == 1)
        insn_m(c, 0, 1, 0x8B, RAX, RFP, -1, 0, 0, false);   /* (ret_rax) */
    epilogue(c);   /* the results are in fp[0..) */
}

/* MEMX (ops.h): loads and stores of another memory than 0 inline, the rest
 * (size, grow, init, copy, fill) in C. */
static void memx_op(jc_t *c, uint32_t pc, const uint32_t *ip)
{
    uint32_t wop = ip[2], mem = ip[3];
    if (wop >= 0x28 && wop <= 0x35)
        load_op(c, mem, OP_I32_LOAD + (wop - 0x28), ip[1], ip[4], ip[7]);
    else if (wop >= 0x36 && wop <= 0x3E)
        store_op(c, mem, OP_I32_STORE + (wop - 0x36), ip[4], ip[5], ip[7]);
    else
        slowop(c, pc, OP_MEMX);
}

#include "jit_x64_simd.c"   /* the SIMD emitters */

/* ------------------------------------------------------------ one function */

/* Whether the comparison at pc (result d) can leave its result in the
 * flags for the next op: a branch on d or a select by d, which no branch
 * enters, with d dead after it and not its other operand (live ranges
 * tell). */
static bool fusable(jc_t *c, uint32_t pc, uint32_t nw, uint32_t op, uint32_t d)
{
    if (!c->fn->rstart)
        return false;
    bool icmp = op <= OP_I64_GE_U || (op >= OP_I32_EQ_I && op <= OP_I32_GE_U_I) ||
                (op >= OP_I64_EQ_I && op <= OP_I64_GE_U_I);
    bool fcmpk = (op >= OP_F32_LT && op <= OP_F32_GE) || (op >= OP_F64_LT && op <= OP_F64_GE);
    if (!icmp && !fcmpk)
        return false;
    if (op >= OP_F32_EQ && op <= OP_F64_GE && !fcmpk)
        return false;   /* eq, ne: two flags */
    uint32_t n = pc + nw;
    if (n >= c->fn->d->code_len || c->target[n])
        return false;
    const uint32_t *q = c->code + n;
    uint32_t nop = c->fn->op[n];
    if (nop == OP_BR_I32_EQZ || nop == OP_BR_I32_NEZ) {
        if (q[1] != d)
            return false;
    } else if (nop == OP_SELECT) {
        if (q[4] != d || q[2] == d || q[3] == d)
            return false;
    } else {
        return false;
    }
    /* dead after the next op: not held at its write point */
    return wasmi_jit_run_at(c->fn, d, 2 * (c->ins + 1) + 1) == UINT32_MAX;
}

/* Result cell k = slot s, wherever s lives. */
static void ret_cell(jc_t *c, uint32_t k, uint32_t s)
{
    if (k == s && lkind(c, s) == JL_MEM)
        return;
    switch (lkind(c, s)) {
    case JL_GPR: insn_m(c, 0, 1, 0x89, lgpr(c, s), RFP, -1, 0, sdisp(k), false); break;
    case JL_XMM: insn_m(c, 0x66, 0, 0x0FD6, lxmm(c, s), RFP, -1, 0, sdisp(k), false); break;
    default:
        insn_m(c, 0, 1, 0x8B, RAX, RFP, -1, 0, sdisp(s), false);
        insn_m(c, 0, 1, 0x89, RAX, RFP, -1, 0, sdisp(k), false);
    }
}

/* A function with one result cell also returns it in rax (its cell is
 * written too): a direct call takes it from there instead of loading the
 * cell the callee has just stored (a store-to-load forwarding on every
 * call's critical path). rax = slot s, after ret_cell(c, 0, s). */
static void ret_rax(jc_t *c, uint32_t s)
{
    if (c->fn->nresults != 1)
        return;
    switch (lkind(c, s)) {
    case JL_GPR: mov_rr(c, RAX, lgpr(c, s)); break;
    case JL_XMM: movq_gx(c, RAX, lxmm(c, s)); break;
    default:
        if (s == 0)   /* (else ret_cell left it in rax) */
            insn_m(c, 0, 1, 0x8B, RAX, RFP, -1, 0, 0, false);
    }
}

/* After a direct call of a function with one result cell: rax to the
 * result's register (its cell holds it already). */
static void call_result(jc_t *c, uint32_t s)
{
    if (s >= c->fn->d->frame_cells)
        return;
    if (dkind(c, s) == JL_GPR)
        mov_rr(c, dgpr(c, s), RAX);
    else if (dkind(c, s) == JL_XMM)
        movq_xg(c, dxmm(c, s), RAX);
}

static bool compile_body(jc_t *c);

/* Which slot registers hold a value zero-extended by the hardware (c->zx),
 * so that an access can use the register as its index without the `mov
 * eax, r32` (mem_addr_m). The proof is about the machine, not about the
 * canonical form of values: a register is in c->zx only while the last
 * instruction that wrote it is a 32-bit operation this back end emitted
 * as the result of an op (zx_def), on the one path from there. So
 *   - a branch target empties the set (another path comes in there),
 *   - after an op that only writes its results' registers (the ops below;
 *     their saves and restores around calls to C are bit for bit), the
 *     registers of its results leave the set, then the one it wrote with a
 *     32-bit operation (zx_def) joins it,
 *   - after any other op (calls, tail calls, slow ops, everything not
 *     listed) the set is empty.
 * Even if a value's canonical form were broken elsewhere, an index taken
 * from the set is below 2^32 and the access stays in the reservation. */
static bool zx_keeps(uint32_t op)
{
    if (op <= OP_I64_GE_U || (op >= OP_I32_EQ_I && op <= OP_I32_GE_U_I) ||
        (op >= OP_I64_EQ_I && op <= OP_I64_GE_U_I))
        return true;   /* integer comparisons: cmp, setcc in rax */
    switch (op) {
    case OP_F32_EQ: case OP_F32_NE: case OP_F32_LT: case OP_F32_GT: case OP_F32_LE: case OP_F32_GE:
    case OP_F64_EQ: case OP_F64_NE: case OP_F64_LT: case OP_F64_GT: case OP_F64_LE: case OP_F64_GE:
    case OP_I32_CLZ: case OP_I64_CLZ: case OP_I32_CTZ: case OP_I64_CTZ:
    case OP_I32_ADD: case OP_I32_SUB: case OP_I32_MUL: case OP_I32_AND: case OP_I32_OR:
    case OP_I32_XOR: case OP_I64_ADD: case OP_I64_SUB: case OP_I64_MUL: case OP_I64_AND:
    case OP_I64_OR: case OP_I64_XOR:
    case OP_I32_DIV_S: case OP_I32_DIV_U: case OP_I32_REM_S: case OP_I32_REM_U:
    case OP_I64_DIV_S: case OP_I64_DIV_U: case OP_I64_REM_S: case OP_I64_REM_U:
    case OP_I32_SHL: case OP_I32_SHR_S: case OP_I32_SHR_U: case OP_I32_ROTL: case OP_I32_ROTR:
    case OP_I64_SHL: case OP_I64_SHR_S: case OP_I64_SHR_U: case OP_I64_ROTL: case OP_I64_ROTR:
    case OP_I32_ADD_I: case OP_I32_SUB_I: case OP_I32_AND_I: case OP_I32_OR_I: case OP_I32_XOR_I:
    case OP_I64_ADD_I: case OP_I64_SUB_I: case OP_I64_AND_I: case OP_I64_OR_I: case OP_I64_XOR_I:
    case OP_I32_MUL_I: case OP_I64_MUL_I:
    case OP_I32_SHL_I: case OP_I32_SHR_S_I: case OP_I32_SHR_U_I:
    case OP_I64_SHL_I: case OP_I64_SHR_S_I: case OP_I64_SHR_U_I:
    case OP_F32_ADD: case OP_F32_SUB: case OP_F32_MUL: case OP_F32_DIV:
    case OP_F64_ADD: case OP_F64_SUB: case OP_F64_MUL: case OP_F64_DIV:
    case OP_F32_SQRT: case OP_F64_SQRT: case OP_F32_ABS: case OP_F32_NEG:
    case OP_F64_ABS: case OP_F64_NEG: case OP_F32_COPYSIGN: case OP_F64_COPYSIGN:
    case OP_I32_WRAP_I64: case OP_I64_EXTEND_I32_U: case OP_I64_EXTEND_I32_S:
    case OP_I64_EXTEND32_S: case OP_I32_EXTEND8_S: case OP_I32_EXTEND16_S:
    case OP_I64_EXTEND8_S: case OP_I64_EXTEND16_S:
    case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I64_S: case OP_F64_CONVERT_I32_S:
    case OP_F64_CONVERT_I64_S: case OP_F32_CONVERT_I32_U: case OP_F64_CONVERT_I32_U:
    case OP_F32_DEMOTE_F64: case OP_F64_PROMOTE_F32:
    case OP_I32_REINTERPRET_F32: case OP_I64_REINTERPRET_F64: case OP_F32_REINTERPRET_I32:
    case OP_F64_REINTERPRET_I64: case OP_MOV:
    case OP_REF_IS_NULL: case OP_MEMORY_SIZE:
    case OP_BR_I32_EQ: case OP_BR_I32_NE: case OP_BR_I32_LT_S: case OP_BR_I32_LT_U:
    case OP_BR_I32_GT_S: case OP_BR_I32_GT_U: case OP_BR_I32_LE_S: case OP_BR_I32_LE_U:
    case OP_BR_I32_GE_S: case OP_BR_I32_GE_U:
    case OP_BR_I64_EQ: case OP_BR_I64_NE: case OP_BR_I64_LT_S: case OP_BR_I64_LT_U:
    case OP_BR_I64_GT_S: case OP_BR_I64_GT_U: case OP_BR_I64_LE_S: case OP_BR_I64_LE_U:
    case OP_BR_I64_GE_S: case OP_BR_I64_GE_U:
    case OP_BR_I32_EQ_I: case OP_BR_I32_NE_I: case OP_BR_I32_LT_S_I: case OP_BR_I32_LT_U_I:
    case OP_BR_I32_GT_S_I: case OP_BR_I32_GT_U_I: case OP_BR_I32_LE_S_I:
    case OP_BR_I32_LE_U_I: case OP_BR_I32_GE_S_I: case OP_BR_I32_GE_U_I:
    case OP_BR_I32_EQZ: case OP_BR_I32_NEZ: case OP_BR_I64_EQZ: case OP_BR_I64_NEZ:
    case OP_CONST32: case OP_CONST64: case OP_SELECT: case OP_GLOBAL_GET: case OP_GLOBAL_SET:
    case OP_I32_LOAD: case OP_I64_LOAD: case OP_F32_LOAD: case OP_F64_LOAD:
    case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I32_LOAD16_S: case OP_I32_LOAD16_U:
    case OP_I64_LOAD8_S: case OP_I64_LOAD8_U: case OP_I64_LOAD16_S: case OP_I64_LOAD16_U:
    case OP_I64_LOAD32_S: case OP_I64_LOAD32_U:
    case OP_I32_STORE: case OP_I64_STORE: case OP_F32_STORE: case OP_F64_STORE:
    case OP_I32_STORE8: case OP_I32_STORE16: case OP_I64_STORE8: case OP_I64_STORE16:
    case OP_I64_STORE32:
    case OP_MOV128: case OP_SIMD:
        return true;
    default:
        return false;
    }
}

static void zx_after(jc_t *c, uint32_t op, const uint32_t *ip)
{
    jit_ops_t o;
    if (!c->zx && c->zdef < 0)
        return;
    if (!zx_keeps(op) || !wasmi_jit_operands(c->m, ip, op, &o)) {
        c->zx = 0;
        return;
    }
    for (uint32_t k = 0; k < o.n; k++)
        if (o.def[k] && dkind(c, o.s[k]) == JL_GPR)
            c->zx &= (uint16_t)~(1u << dgpr(c, o.s[k]));
    for (uint32_t s = o.dlo; s < o.dhi; s++)
        if (dkind(c, s) == JL_GPR)
            c->zx &= (uint16_t)~(1u << dgpr(c, s));
    if (c->zdef >= 0)
        c->zx |= (uint16_t)(1u << c->zdef);
}

static bool compile_fn(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    const wasmi_funcdef_t *d = fn->d;
    const uint32_t *code = d->code;
    wasm_module_t *m = c->m;
    c->b.fx.n = 0;
    c->nsp = 0;
    c->bad = false;
    c->npool = 0;
    c->fcc = -1;
    c->target = wasm_plat_alloc(d->code_len + 1);
    c->chk = wasm_plat_alloc((d->code_len + 1) * sizeof *c->chk);
    c->norec = wasm_plat_alloc(d->code_len + 1);
    bool ok = c->target && c->chk && c->norec;
    for (uint32_t pc = 0; ok && pc <= d->code_len; pc++) {
        c->target[pc] = 0;
        c->norec[pc] = 0;
        c->chk[pc] = UINT32_MAX;
    }
    for (uint32_t pc = 0; ok && pc < d->code_len;) {
        jit_ops_t o;
        uint32_t op = fn->op[pc];
        int nw = wasmi_jit_op_words(op, code + pc);
        if (nw <= 0)
            break;
        if (wasmi_jit_operands(m, code + pc, op, &o))
            for (uint32_t k = 0; k < o.ntgt; k++) {
                uint32_t t = pc + (uint32_t)(o.tgt ? o.tgt[k] : o.tgt1);
                if (t < d->code_len)
                    c->target[t] |= t <= pc ? 3 : 5;   /* 4: a forward branch */
            }
        pc += (uint32_t)nw;
    }
    ok = ok && compile_body(c);
    wasm_plat_free(c->target);
    wasm_plat_free(c->chk);
    wasm_plat_free(c->norec);
    c->target = NULL;
    c->chk = NULL;
    c->norec = NULL;
    return ok;
}

static bool compile_body(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    const wasmi_funcdef_t *d = fn->d;
    const uint32_t *code = d->code;
    wasm_module_t *m = c->m;
    /* written at the entry (from rdx) unless the first op can do without */
    c->rec = d->code_len == 0 || !record_free(fn->op[0]) || c->target[0];
    prologue(c);
    c->rdx_next = true;
    c->ins = 0;
    c->zx = 0;
    bool fell = true;   /* the last op may fall through to this one */
    for (uint32_t pc = 0; pc < d->code_len; c->ins++) {
        uint32_t op = fn->op[pc];
        const uint32_t *ip = code + pc;
        if (c->target[pc]) {   /* a join: written if written on every path in */
            c->zx = 0;   /* another path comes in (zx_after) */
            c->rec = (c->rec || !fell) && !c->norec[pc];
            c->rdx_next = c->rdx_next && !(c->target[pc] & 4);   /* (a forward branch in) */
        }
        c->zdef = -1;
        fell = !(op == OP_BR || op == OP_BR_TABLE || op == OP_RETURN0 || op == OP_RETURN1 ||
                 op == OP_RETURN || op == OP_UNREACHABLE || op == OP_RETURN_CALL ||
                 op == OP_RETURN_CALL_INDIRECT);
        if (c->target[pc] & 2) {
            if (!c->rec) {
                write_record(c);   /* a loop is entered with the record written */
                c->rec = true;
            }
            c->rdx_next = false;   /* (its back-edges) */
            /* a loop header: its back-edges' safe point, jumped over from above */
            uint32_t over = jmp(c);
            c->chk[pc] = c->b.len;
            safepoint(c);
            bind(c, over);
        }
        c->noff[pc] = c->b.len;
        lazy_record(c, pc, op);
        c->rdx_next = c->rdx_next && op != OP_SELECT;   /* (its scratch) */
        int nw = wasmi_jit_op_words(op, ip);
        if (nw <= 0)
            return false;
        uint32_t a1 = nw > 1 ? ip[1] : 0, a2 = nw > 2 ? ip[2] : 0, a3 = nw > 3 ? ip[3] : 0;
        int fcc = c->fcc;   /* flags of a comparison fused into this op */
        c->fcc = -1;
        bool kst = c->kst;   /* set by the op before for this one only */
        c->kst = false;
        bool fuse = fusable(c, pc, (uint32_t)nw, op, a1);
        switch (op) {
        /* comparisons to a value */
        case OP_I32_EQZ: case OP_I64_EQZ:
            cmp_imm(c, op == OP_I64_EQZ, a2, 0);
            cmp_result(c, CC_E, a1, fuse);
            break;
        case OP_I32_EQ: case OP_I32_NE: case OP_I32_LT_S: case OP_I32_LT_U: case OP_I32_GT_S:
        case OP_I32_GT_U: case OP_I32_LE_S: case OP_I32_LE_U: case OP_I32_GE_S: case OP_I32_GE_U:
            cmp_slots(c, 0, a2, a3);
            cmp_result(c, cmp_cc[op - OP_I32_EQ], a1, fuse);
            break;
        case OP_I64_EQ: case OP_I64_NE: case OP_I64_LT_S: case OP_I64_LT_U: case OP_I64_GT_S:
        case OP_I64_GT_U: case OP_I64_LE_S: case OP_I64_LE_U: case OP_I64_GE_S: case OP_I64_GE_U:
            cmp_slots(c, 1, a2, a3);
            cmp_result(c, cmp_cc[op - OP_I64_EQ], a1, fuse);
            break;
        case OP_I32_EQ_I: case OP_I32_NE_I: case OP_I32_LT_S_I: case OP_I32_LT_U_I:
        case OP_I32_GT_S_I: case OP_I32_GT_U_I: case OP_I32_LE_S_I: case OP_I32_LE_U_I:
        case OP_I32_GE_S_I: case OP_I32_GE_U_I:
            cmp_imm(c, 0, a2, (int32_t)a3);
            cmp_result(c, cmp_cc[op - OP_I32_EQ_I], a1, fuse);
            break;
        case OP_I64_EQ_I: case OP_I64_NE_I: case OP_I64_LT_S_I: case OP_I64_LT_U_I:
        case OP_I64_GT_S_I: case OP_I64_GT_U_I: case OP_I64_LE_S_I: case OP_I64_LE_U_I:
        case OP_I64_GE_S_I: case OP_I64_GE_U_I:
            cmp_imm(c, 1, a2, (int32_t)a3);
            cmp_result(c, cmp_cc[op - OP_I64_EQ_I], a1, fuse);
            break;
        case OP_F32_EQ: case OP_F32_NE: case OP_F32_LT: case OP_F32_GT: case OP_F32_LE:
        case OP_F32_GE:
            fcmp(c, false, (int)(op - OP_F32_EQ), a1, a2, a3, fuse);
            break;
        case OP_F64_EQ: case OP_F64_NE: case OP_F64_LT: case OP_F64_GT: case OP_F64_LE:
        case OP_F64_GE:
            fcmp(c, true, (int)(op - OP_F64_EQ), a1, a2, a3, fuse);
            break;
        /* integer arithmetic */
        case OP_I32_CLZ: case OP_I64_CLZ: {
            int w = op == OP_I64_CLZ;
            insn_rm(c, 0, w, 0x0FBD, RAX, rm_g(c, a2, RCX));   /* bsr */
            mov_ri64(c, RCX, w ? 127 : 63);
            insn_r(c, 0, w, 0x0F44, RAX, RCX);                 /* cmovz */
            alu_i(c, w, 6, R(RAX), w ? 63 : 31);
            st_g(c, a1, RAX);
            break;
        }
        case OP_I32_CTZ: case OP_I64_CTZ: {
            int w = op == OP_I64_CTZ;
            insn_rm(c, 0, w, 0x0FBC, RAX, rm_g(c, a2, RCX));   /* bsf */
            mov_ri64(c, RCX, w ? 64 : 32);
            insn_r(c, 0, w, 0x0F44, RAX, RCX);
            st_g(c, a1, RAX);
            break;
        }
        case OP_I32_ADD: ibin(c, 0, 0x03, a1, a2, a3, true); break;
        case OP_I32_SUB: ibin(c, 0, 0x2B, a1, a2, a3, false); break;
        case OP_I32_MUL: ibin(c, 0, 0x0FAF, a1, a2, a3, true); break;
        case OP_I32_AND: ibin(c, 0, 0x23, a1, a2, a3, true); break;
        case OP_I32_OR: ibin(c, 0, 0x0B, a1, a2, a3, true); break;
        case OP_I32_XOR: ibin(c, 0, 0x33, a1, a2, a3, true); break;
        case OP_I64_ADD: ibin(c, 1, 0x03, a1, a2, a3, true); break;
        case OP_I64_SUB: ibin(c, 1, 0x2B, a1, a2, a3, false); break;
        case OP_I64_MUL: ibin(c, 1, 0x0FAF, a1, a2, a3, true); break;
        case OP_I64_AND: ibin(c, 1, 0x23, a1, a2, a3, true); break;
        case OP_I64_OR: ibin(c, 1, 0x0B, a1, a2, a3, true); break;
        case OP_I64_XOR: ibin(c, 1, 0x33, a1, a2, a3, true); break;
        case OP_I32_DIV_S: idiv(c, 0, true, false, a1, a2, a3); break;
        case OP_I32_DIV_U: idiv(c, 0, false, false, a1, a2, a3); break;
        case OP_I32_REM_S: idiv(c, 0, true, true, a1, a2, a3); break;
        case OP_I32_REM_U: idiv(c, 0, false, true, a1, a2, a3); break;
        case OP_I64_DIV_S: idiv(c, 1, true, false, a1, a2, a3); break;
        case OP_I64_DIV_U: idiv(c, 1, false, false, a1, a2, a3); break;
        case OP_I64_REM_S: idiv(c, 1, true, true, a1, a2, a3); break;
        case OP_I64_REM_U: idiv(c, 1, false, true, a1, a2, a3); break;
        case OP_I32_SHL: ishift(c, 0, 4, a1, a2, a3); break;
        case OP_I32_SHR_S: ishift(c, 0, 7, a1, a2, a3); break;
        case OP_I32_SHR_U: ishift(c, 0, 5, a1, a2, a3); break;
        case OP_I32_ROTL: ishift(c, 0, 0, a1, a2, a3); break;
        case OP_I32_ROTR: ishift(c, 0, 1, a1, a2, a3); break;
        case OP_I64_SHL: ishift(c, 1, 4, a1, a2, a3); break;
        case OP_I64_SHR_S: ishift(c, 1, 7, a1, a2, a3); break;
        case OP_I64_SHR_U: ishift(c, 1, 5, a1, a2, a3); break;
        case OP_I64_ROTL: ishift(c, 1, 0, a1, a2, a3); break;
        case OP_I64_ROTR: ishift(c, 1, 1, a1, a2, a3); break;
        case OP_I32_ADD_I: ibin_imm(c, 0, 0, a1, a2, (int32_t)a3); break;
        case OP_I32_SUB_I: ibin_imm(c, 0, 5, a1, a2, (int32_t)a3); break;
        case OP_I32_AND_I: ibin_imm(c, 0, 4, a1, a2, (int32_t)a3); break;
        case OP_I32_OR_I: ibin_imm(c, 0, 1, a1, a2, (int32_t)a3); break;
        case OP_I32_XOR_I: ibin_imm(c, 0, 6, a1, a2, (int32_t)a3); break;
        case OP_I64_ADD_I: ibin_imm(c, 1, 0, a1, a2, (int32_t)a3); break;
        case OP_I64_SUB_I: ibin_imm(c, 1, 5, a1, a2, (int32_t)a3); break;
        case OP_I64_AND_I: ibin_imm(c, 1, 4, a1, a2, (int32_t)a3); break;
        case OP_I64_OR_I: ibin_imm(c, 1, 1, a1, a2, (int32_t)a3); break;
        case OP_I64_XOR_I: ibin_imm(c, 1, 6, a1, a2, (int32_t)a3); break;
        case OP_I32_MUL_I: case OP_I64_MUL_I: {
            int w = op == OP_I64_MUL_I;
            int r = dst_g(c, a1, RAX);
            insn_rm(c, 0, w, 0x69, r, rm_g(c, a2, RCX));   /* imul r, r/m, imm32 */
            put4(c, a3);
            if (!w)
                zx_def(c, a1, r);
            st_g(c, a1, r);
            break;
        }
        case OP_I32_SHL_I: ishift_imm(c, 0, 4, a1, a2, a3); break;
        case OP_I32_SHR_S_I: ishift_imm(c, 0, 7, a1, a2, a3); break;
        case OP_I32_SHR_U_I: ishift_imm(c, 0, 5, a1, a2, a3); break;
        case OP_I64_SHL_I: ishift_imm(c, 1, 4, a1, a2, a3); break;
        case OP_I64_SHR_S_I: ishift_imm(c, 1, 7, a1, a2, a3); break;
        case OP_I64_SHR_U_I: ishift_imm(c, 1, 5, a1, a2, a3); break;
        /* floats */
        case OP_F32_ADD: fbin(c, 0xF3, 0x0F58, a1, a2, a3); break;
        case OP_F32_SUB: fbin(c, 0xF3, 0x0F5C, a1, a2, a3); break;
        case OP_F32_MUL: fbin(c, 0xF3, 0x0F59, a1, a2, a3); break;
        case OP_F32_DIV: fbin(c, 0xF3, 0x0F5E, a1, a2, a3); break;
        case OP_F64_ADD: fbin(c, 0xF2, 0x0F58, a1, a2, a3); break;
        case OP_F64_SUB: fbin(c, 0xF2, 0x0F5C, a1, a2, a3); break;
        case OP_F64_MUL: fbin(c, 0xF2, 0x0F59, a1, a2, a3); break;
        case OP_F64_DIV: fbin(c, 0xF2, 0x0F5E, a1, a2, a3); break;
        case OP_F32_SQRT: case OP_F64_SQRT: {
            int x = dst_x(c, a1, XMM0);
            ld_x(c, x, a2);
            insn_r(c, op == OP_F32_SQRT ? 0xF3 : 0xF2, 0, 0x0F51, x, x);
            st_x(c, a1, x);
            break;
        }
        case OP_F32_CEIL: case OP_F32_FLOOR: case OP_F32_TRUNC: case OP_F32_NEAREST:
        case OP_F64_CEIL: case OP_F64_FLOOR: case OP_F64_TRUNC: case OP_F64_NEAREST: {
            if (!c->sse41) {
                slowop(c, pc, op);
                break;
            }
            bool f64 = op >= OP_F64_CEIL;
            uint32_t k = op - (f64 ? OP_F64_CEIL : OP_F32_CEIL);
            static const uint8_t mode[] = {10, 9, 11, 8};   /* ceil floor trunc nearest */
            int x = dst_x(c, a1, XMM0);
            ld_x(c, x, a2);
            insn_r(c, 0x66, 0, f64 ? 0x0F3A0B : 0x0F3A0A, x, x);
            put1(c, mode[k]);
            st_x(c, a1, x);
            break;
        }
        case OP_F32_ABS: case OP_F32_NEG: {
            int r = dst_g(c, a1, RAX);
            ld_g(c, 0, r, a2);
            alu_i(c, 0, op == OP_F32_ABS ? 4 : 6, R(r),
                  op == OP_F32_ABS ? 0x7FFFFFFF : (int32_t)0x80000000);
            st_g(c, a1, r);
            break;
        }
        case OP_F64_ABS: case OP_F64_NEG: {
            int r = dst_g(c, a1, RAX);
            ld_g(c, 1, r, a2);
            insn_r(c, 0, 1, 0x0FBA, op == OP_F64_ABS ? 6 : 7, r);   /* btr/btc r, 63 */
            put1(c, 63);
            st_g(c, a1, r);
            break;
        }
        case OP_F32_COPYSIGN:
            ld_g(c, 0, RCX, a3);
            ld_g(c, 0, RAX, a2);
            alu_i(c, 0, 4, R(RAX), 0x7FFFFFFF);
            alu_i(c, 0, 4, R(RCX), (int32_t)0x80000000);
            insn_r(c, 0, 0, 0x0B, RAX, RCX);
            st_g(c, a1, RAX);
            break;
        case OP_F64_COPYSIGN:
            ld_g(c, 1, RCX, a3);
            ld_g(c, 1, RAX, a2);
            insn_r(c, 0, 1, 0x0FBA, 6, RAX);
            put1(c, 63);
            insn_r(c, 0, 1, 0xC1, 5, RCX);   /* shr rcx, 63 */
            put1(c, 63);
            insn_r(c, 0, 1, 0xC1, 4, RCX);   /* shl rcx, 63 */
            put1(c, 63);
            insn_r(c, 0, 1, 0x0B, RAX, RCX);
            st_g(c, a1, RAX);
            break;
        /* conversions */
        case OP_I32_WRAP_I64: case OP_I64_EXTEND_I32_U: {
            int r = dst_g(c, a1, RAX);
            insn_rm(c, 0, 0, 0x8B, r, rm_g(c, a2, RAX));   /* mov r32: even in place */
            zx_def(c, a1, r);
            st_g(c, a1, r);
            break;
        }
        case OP_I64_EXTEND_I32_S: case OP_I64_EXTEND32_S: {
            int r = dst_g(c, a1, RAX);
            insn_rm(c, 0, 1, 0x63, r, rm_g(c, a2, RCX));   /* movsxd */
            st_g(c, a1, r);
            break;
        }
        case OP_I32_EXTEND8_S: case OP_I32_EXTEND16_S: case OP_I64_EXTEND8_S:
        case OP_I64_EXTEND16_S: {
            bool b8 = op == OP_I32_EXTEND8_S || op == OP_I64_EXTEND8_S;
            int w = op == OP_I64_EXTEND8_S || op == OP_I64_EXTEND16_S;
            ld_g(c, 0, RAX, a2);
            insn_r(c, 0, w, b8 ? 0x0FBE : 0x0FBF, RAX, RAX);
            st_g(c, a1, RAX);
            break;
        }
        case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I64_S: case OP_F64_CONVERT_I32_S:
        case OP_F64_CONVERT_I64_S: case OP_F32_CONVERT_I32_U: case OP_F64_CONVERT_I32_U: {
            jit_cvt_t t = wasmi_jit_cvt(op);
            bool f64 = t.f64;
            rm_t src;
            int w = t.i64;
            if (t.uns) {
                ld_g(c, 0, RAX, a2);   /* zero-extended: a signed 64-bit conversion is exact */
                src = R(RAX);
                w = 1;
            } else {
                src = rm_g(c, a2, RAX);
            }
            int x = dst_x(c, a1, XMM0);
            insn_r(c, 0, 0, 0x0F57, x, x);   /* xorps: f32 upper bits stay zero */
            insn_rm(c, f64 ? 0xF2 : 0xF3, w, 0x0F2A, x, src);
            st_x(c, a1, x);
            break;
        }
        case OP_F32_DEMOTE_F64: {
            ld_x(c, XMM1, a2);
            int x = dst_x(c, a1, XMM0);
            insn_r(c, 0, 0, 0x0F57, x, x);
            insn_r(c, 0xF2, 0, 0x0F5A, x, XMM1);
            st_x(c, a1, x);
            break;
        }
        case OP_F64_PROMOTE_F32: {
            int x = dst_x(c, a1, XMM0);
            insn_rm(c, 0xF3, 0, 0x0F5A, x, rm_x(c, a2, XMM1));
            st_x(c, a1, x);
            break;
        }
        case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F64_S: case OP_I64_TRUNC_F32_S:
        case OP_I64_TRUNC_F64_S: {
            bool f64 = op == OP_I32_TRUNC_F64_S || op == OP_I64_TRUNC_F64_S;
            int w = op == OP_I64_TRUNC_F32_S || op == OP_I64_TRUNC_F64_S;
            insn_rm(c, f64 ? 0xF2 : 0xF3, w, 0x0F2C, RAX, rm_x(c, a2, XMM1));   /* cvtt */
            alu_i(c, w, 7, R(RAX), 1);   /* the "indefinite" result is the minimum */
            uint32_t ok = jcc(c, CC_NO);
            slowop(c, pc, op);           /* NaN, overflow, or the minimum itself */
            uint32_t done = jmp(c);
            bind(c, ok);
            st_g(c, a1, RAX);
            bind(c, done);
            break;
        }
        case OP_I32_REINTERPRET_F32: case OP_I64_REINTERPRET_F64: case OP_F32_REINTERPRET_I32:
        case OP_F64_REINTERPRET_I64: case OP_MOV:
            mov_slot(c, a1, a2);
            break;
        case OP_I32_POPCNT: case OP_I64_POPCNT: case OP_F32_MIN: case OP_F32_MAX:
        case OP_F64_MIN: case OP_F64_MAX: case OP_I32_TRUNC_F32_U: case OP_I32_TRUNC_F64_U:
        case OP_I64_TRUNC_F32_U: case OP_I64_TRUNC_F64_U: case OP_F32_CONVERT_I64_U:
        case OP_F64_CONVERT_I64_U: case OP_I32_TRUNC_SAT_F32_S: case OP_I32_TRUNC_SAT_F32_U:
        case OP_I32_TRUNC_SAT_F64_S: case OP_I32_TRUNC_SAT_F64_U: case OP_I64_TRUNC_SAT_F32_S:
        case OP_I64_TRUNC_SAT_F32_U: case OP_I64_TRUNC_SAT_F64_S: case OP_I64_TRUNC_SAT_F64_U:
        case OP_MEMORY_GROW: case OP_MEMORY_INIT: case OP_DATA_DROP: case OP_MEMORY_COPY:
        case OP_MEMORY_FILL: case OP_TABLE_GET: case OP_TABLE_SET: case OP_TABLE_SIZE:
        case OP_TABLE_GROW: case OP_TABLE_FILL: case OP_TABLE_COPY: case OP_TABLE_INIT:
        case OP_ELEM_DROP: case OP_REF_FUNC:
            slowop(c, pc, op);
            break;
        case OP_REF_IS_NULL:
            cmp_imm(c, 1, a2, 0);
            setcc_to(c, CC_E, a1);
            break;
        case OP_MEMORY_SIZE:
            /* (r15 may be a slot register: see slot_gpr) */
            insn_m(c, 0, 1, 0x8B, RAX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, mem), false);
            insn_m(c, 0, 0, 0x8B, RAX, RAX, -1, 0, (int32_t)offsetof(wasm_memory_t, pages), false);
            st_g(c, a1, RAX);
            break;
        /* branches */
        case OP_BR_I32_EQ: case OP_BR_I32_NE: case OP_BR_I32_LT_S: case OP_BR_I32_LT_U:
        case OP_BR_I32_GT_S: case OP_BR_I32_GT_U: case OP_BR_I32_LE_S: case OP_BR_I32_LE_U:
        case OP_BR_I32_GE_S: case OP_BR_I32_GE_U:
            cmp_slots(c, 0, a1, a2);
            br_cc(c, cmp_cc[op - OP_BR_I32_EQ], pc, (int32_t)a3);
            break;
        case OP_BR_I64_EQ: case OP_BR_I64_NE: case OP_BR_I64_LT_S: case OP_BR_I64_LT_U:
        case OP_BR_I64_GT_S: case OP_BR_I64_GT_U: case OP_BR_I64_LE_S: case OP_BR_I64_LE_U:
        case OP_BR_I64_GE_S: case OP_BR_I64_GE_U:
            cmp_slots(c, 1, a1, a2);
            br_cc(c, cmp_cc[op - OP_BR_I64_EQ], pc, (int32_t)a3);
            break;
        case OP_BR_I32_EQ_I: case OP_BR_I32_NE_I: case OP_BR_I32_LT_S_I: case OP_BR_I32_LT_U_I:
        case OP_BR_I32_GT_S_I: case OP_BR_I32_GT_U_I: case OP_BR_I32_LE_S_I:
        case OP_BR_I32_LE_U_I: case OP_BR_I32_GE_S_I: case OP_BR_I32_GE_U_I:
            cmp_imm(c, 0, a1, (int32_t)a2);
            br_cc(c, cmp_cc[op - OP_BR_I32_EQ_I], pc, (int32_t)a3);
            break;
        case OP_BR_I32_EQZ: case OP_BR_I32_NEZ: case OP_BR_I64_EQZ: case OP_BR_I64_NEZ: {
            int w = op == OP_BR_I64_EQZ || op == OP_BR_I64_NEZ;
            if (fcc >= 0) {   /* the comparison just before, fused */
                br_cc(c, op == OP_BR_I32_NEZ ? fcc : fcc ^ 1, pc, (int32_t)a2);
                break;
            }
            if (lkind(c, a1) == JL_GPR)
                insn_r(c, 0, w, 0x85, lgpr(c, a1), lgpr(c, a1));
            else
                cmp_imm(c, w, a1, 0);
            br_cc(c, op == OP_BR_I32_EQZ || op == OP_BR_I64_EQZ ? CC_E : CC_NE, pc, (int32_t)a2);
            break;
        }
        case OP_BR:
            br_to(c, pc, (int32_t)a1);
            break;
        case OP_BR_TABLE: {
            uint32_t n = a2;
            ld_g(c, 0, RAX, a1);
            mov_ri64(c, RCX, n);
            insn_r(c, 0, 0, 0x3B, RAX, RCX);
            insn_r(c, 0, 0, 0x0F47, RAX, RCX);   /* cmova eax, ecx: clamp to default */
            /* lea rcx, [rip + table]; lea rax, [rax + rax*4]; add rax, rcx; jmp rax */
            put1(c, 0x48); put1(c, 0x8D); put1(c, 0x0D);
            uint32_t tabref = c->b.len;
            put4(c, 0);
            insn_m(c, 0, 1, 0x8D, RAX, RAX, RAX, 2, 0, false);
            insn_r(c, 0, 1, 0x03, RAX, RCX);
            insn_r(c, 0, 0, 0xFF, 4, RAX);
            link(c, tabref, c->b.len);
            for (uint32_t k = 0; k <= n; k++)
                br_to(c, pc, (int32_t)ip[3 + k]);   /* 5 bytes each */
            break;
        }
        case OP_UNREACHABLE:
            jmp_to(c, c->stub[WASM_TRAP_UNREACHABLE]);
            break;
        case OP_RETURN0:
            epilogue(c);
            break;
        case OP_RETURN1:
            ret_cell(c, 0, a1);
            ret_rax(c, a1);
            epilogue(c);
            break;
        case OP_RETURN:
            /* upwards: cell k is written after every source below it was read */
            for (uint32_t k = 0; k < a2; k++)
                ret_cell(c, k, a1 + k);
            if (a2 == 1)
                ret_rax(c, a1);
            epilogue(c);
            break;
        case OP_SAFEPOINT:
            safepoint(c);
            break;
        case OP_CONST32:
            if (store_const(c, pc, (uint32_t)nw, a1)) {
                c->kst = true;   /* for the next op only */
                c->kstv = a2;
                break;
            }
            if (dkind(c, a1) == JL_MEM && a2 < 0x80000000u) {
                insn_m(c, 0, 1, 0xC7, 0, RFP, -1, 0, sdisp(a1), false);
                put4(c, a2);
            } else {
                int r = dst_g(c, a1, RAX);
                mov_ri64(c, r, a2);   /* xor r32 or mov r32, imm32 */
                zx_def(c, a1, r);
                st_g(c, a1, r);
            }
            break;
        case OP_CONST64: {
            int r = dst_g(c, a1, RAX);
            mov_ri64(c, r, (uint64_t)a2 | (uint64_t)a3 << 32);
            st_g(c, a1, r);
            break;
        }
        case OP_SELECT: {
            rm_t mb = rm_g(c, a3, RCX);   /* (no flags change until the cmov) */
            ld_g(c, 1, RAX, a2);
            uint32_t cond = ip[4];
            if (fcc >= 0) {   /* the comparison just before, fused */
                insn_rm(c, 0, 1, 0x0F40 + (uint32_t)(fcc ^ 1), RAX, mb);   /* cmov !cc */
                st_g(c, a1, RAX);
                break;
            }
            if (lkind(c, cond) == JL_GPR) {
                insn_r(c, 0, 0, 0x85, lgpr(c, cond), lgpr(c, cond));
            } else {
                rm_t mc = rm_g(c, cond, RDX);
                alu_i(c, 0, 7, mc, 0);
            }
            insn_rm(c, 0, 1, 0x0F44, RAX, mb);   /* cmovz rax, b */
            st_g(c, a1, RAX);
            break;
        }
        case OP_GLOBAL_GET:
            insn_m(c, 0, 1, 0x8B, RAX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, globals), false);
            insn_m(c, 0, 1, 0x8B, RAX, RAX, -1, 0, (int32_t)(a2 * 8), false);
            insn_m(c, 0, 1, 0x8B, dst_g(c, a1, RAX), RAX, -1, 0,
                   (int32_t)offsetof(wasm_global_t, value), false);
            st_g(c, a1, dst_g(c, a1, RAX));
            break;
        case OP_GLOBAL_SET:
            ld_g(c, 1, RCX, a1);
            insn_m(c, 0, 1, 0x8B, RAX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, globals), false);
            insn_m(c, 0, 1, 0x8B, RAX, RAX, -1, 0, (int32_t)(a2 * 8), false);
            insn_m(c, 0, 1, 0x89, RCX, RAX, -1, 0, (int32_t)offsetof(wasm_global_t, value), false);
            break;
        case OP_I32_LOAD: case OP_I64_LOAD: case OP_F32_LOAD: case OP_F64_LOAD:
        case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I32_LOAD16_S: case OP_I32_LOAD16_U:
        case OP_I64_LOAD8_S: case OP_I64_LOAD8_U: case OP_I64_LOAD16_S: case OP_I64_LOAD16_U:
        case OP_I64_LOAD32_S: case OP_I64_LOAD32_U:
            load_op(c, 0, op, a1, a2, a3);
            break;
        case OP_I32_STORE: case OP_I64_STORE: case OP_F32_STORE: case OP_F64_STORE:
        case OP_I32_STORE8: case OP_I32_STORE16: case OP_I64_STORE8: case OP_I64_STORE16:
        case OP_I64_STORE32:
            c->kst = kst;
            store_op(c, 0, op, a1, a2, a3);
            c->kst = false;
            break;
        case OP_CALL: {
            uint32_t fidx = a1, base = a2;
            const wasmi_functype_t *t = &m->types[m->func_type[fidx]];
            if (fidx >= m->nfunc_imports) {
                uint32_t nin = reg_args(t);
                spill_range(c, base + nin, base + t->pcells);
                for (uint32_t k = 0; k < nin; k++)
                    ld_g(c, 1, arg_gpr[k], base + k);   /* the first arguments in rax, rcx */
                lea_fp(c, sdisp(base));
                c->callee = (fidx - m->nfunc_imports) | (nin ? CALL_REG : 0);
                call_near(c, true, 0);
                lea_fp(c, -sdisp(base));
                if (t->rcells == 1)
                    call_result(c, base);
                else
                    reload_range(c, base, base + t->rcells, true);
            } else {
                insn_m(c, 0, 1, 0x8B, RAX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, funcs), false);
                insn_m(c, 0, 1, 0x8B, RAX, RAX, -1, 0, (int32_t)(fidx * 8), false);
                call_func(c, base, t->pcells, t->rcells);
            }
            break;
        }
        case OP_CALL_INDIRECT: {
            uint32_t base = ip[4];
            const wasmi_canon_type_t *ct = &m->rt->canon[a2];
            indirect_func(c, a1, a2, a3);
            call_func(c, base, wasmi_types_cells(ct->types, ct->nparams),
                      wasmi_types_cells(ct->types + ct->nparams, ct->nresults));
            break;
        }
        case OP_RETURN_CALL: {
            uint32_t fidx = a1, base = a2;
            uint32_t np = m->types[m->func_type[fidx]].pcells;
            if (fidx >= m->nfunc_imports) {
                tail_direct(c, base, np, fidx - m->nfunc_imports);
            } else {
                insn_m(c, 0, 1, 0x8B, RAX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, funcs), false);
                insn_m(c, 0, 1, 0x8B, RAX, RAX, -1, 0, (int32_t)(fidx * 8), false);
                tail_func(c, base, np);
            }
            break;
        }
        case OP_RETURN_CALL_INDIRECT: {
            const wasmi_canon_type_t *ct = &m->rt->canon[a2];
            indirect_func(c, a1, a2, a3);
            tail_func(c, ip[4], wasmi_types_cells(ct->types, ct->nparams));
            break;
        }
        case OP_MEMX:
            memx_op(c, pc, ip);
            break;
        case OP_MOV128: case OP_SELECT128: case OP_GLOBAL_GET128: case OP_GLOBAL_SET128:
        case OP_SIMD: case OP_SIMD_M:
            emit_v128_op(c, op, ip);
            break;
        default:
            return false;   /* an op this back end does not know: interpret the function */
        }
        zx_after(c, op, ip);
        pc += (uint32_t)nw;
        if (c->b.oom || c->bad)
            return false;
    }
    c->noff[d->code_len] = c->b.len;
    jmp_to(c, c->stub[WASM_TRAP_UNREACHABLE]);   /* (the code never falls off its end) */
    /* Safe-point stubs: the next slice when no interrupt is pending and fuel
     * is left, else C (which traps when the fuel is out, or runs the
     * interrupt hook). */
    for (uint32_t i = 0; i < c->nsp; i++) {
        bind(c, c->sp[i].j1);
        insn_m(c, 0, 0, 0x83, 7, REX_, -1, 0, (int32_t)offsetof(wasm_exec_t, interrupt), false);
        put1(c, 0);                                          /* cmp dword [r12+interrupt], 0 */
        uint32_t intr = jcc(c, CC_NE);
        ctx_m(c, 1, 0x8B, RAX, offsetof(wasm_exec_t, fuel));   /* rax = ex->fuel + r11 */
        insn_r(c, 0, 1, 0x03, RAX, RFUEL);
        uint32_t out = jcc(c, CC_LE);
        mov_ri64(c, RFUEL, FUEL_SLICE);                      /* r11 = min(slice, rax) */
        insn_r(c, 0, 1, 0x3B, RAX, RFUEL);
        insn_r(c, 0, 1, 0x0F4C, RFUEL, RAX);                 /* cmovl r11, rax */
        insn_r(c, 0, 1, 0x2B, RAX, RFUEL);
        ctx_m(c, 1, 0x89, RAX, offsetof(wasm_exec_t, fuel));
        jmp_to(c, c->sp[i].resume);
        bind(c, intr);
        bind(c, out);
        c->rdx_next = false;
        write_record(c);   /* (lazy_record) */
        save_foreign(c);
        mov_rr(c, RDI, REX_);
        call_abs(c, (const void *)wasmi_jit_safepoint);
        restore_foreign(c);
        check_trap(c);
        insn_m(c, 0, 1, 0x8B, RDX, RSP, -1, 0, 0, false);   /* rdx = [rsp] again (rdx_next) */
        jmp_to(c, c->sp[i].resume);
    }
    simd_pool_flush(c);
    for (uint32_t i = 0; i < c->b.fx.n; i++)
        link(c, c->b.fx.v[i].at, c->noff[c->b.fx.v[i].target]);
    return !c->b.oom;
}

/* A def the back end could not compile, called directly: interpret it. Its
 * callers treat it as a compiled callee, so it saves every slot register. */
static void emit_thunk(jc_t *c, uint32_t func_index)
{
    ctx_m(c, 1, 0x89, RDX, offsetof(wasm_exec_t, ctl_top));   /* the interpreter's base */
    uint32_t nin = reg_args(&c->m->types[c->m->func_type[func_index]]);
    if (nin > 0)
        insn_m(c, 0, 1, 0x89, RAX, RFP, -1, 0, 0, false);   /* the first argument, to its cell */
    if (nin > 1)
        insn_m(c, 0, 1, 0x89, RCX, RFP, -1, 0, 8, false);   /* the second */
    for (int i = 0; i < NGPR; i++) {
        int r = slot_gpr[i];
        if (r == R15)
            continue;   /* callee-saved in C */
        if (r & 8)
            put1(c, 0x41);
        put1(c, 0x50 + (uint32_t)(r & 7));
    }
    /* 6 pushes: rsp = 8 mod 16; 14 whole xmm saves and 8 more bytes make it 0 */
    alu_i(c, 1, 5, R(RSP), NXMM * 16 + 8);
    for (int i = 0; i < NXMM; i++)
        insn_m(c, 0xF3, 0, 0x0F7F, 2 + i, RSP, -1, 0, 16 * i, false);
    insn_m(c, 0, 1, 0x8B, RSI, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, funcs), false);
    insn_m(c, 0, 1, 0x8B, RSI, RSI, -1, 0, (int32_t)(func_index * 8), false);
    mov_rr(c, RDI, REX_);
    mov_rr(c, RDX, RFP);
    mov_rr(c, RCX, RIN);
    insn_r(c, 0, 0, 0x33, R8, R8);
    fuel_out(c);
    call_abs(c, (const void *)wasmi_jit_call_slow);
    fuel_in(c);
    check_trap(c);
    const wasm_module_t *m = c->m;
    if (m->types[m->func_type[func_index]].rcells == 1)
        insn_m(c, 0, 1, 0x8B, RAX, RFP, -1, 0, 0, false);   /* the result in rax too (ret_rax) */
    for (int i = 0; i < NXMM; i++)
        insn_m(c, 0xF3, 0, 0x0F6F, 2 + i, RSP, -1, 0, 16 * i, false);
    alu_i(c, 1, 0, R(RSP), NXMM * 16 + 8);
    for (int i = NGPR - 1; i >= 0; i--) {
        int r = slot_gpr[i];
        if (r == R15)
            continue;
        if (r & 8)
            put1(c, 0x41);
        put1(c, 0x58 + (uint32_t)(r & 7));
    }
    put1(c, 0xC3);
}

/* Stubs and the entry trampoline, at the start of the region. Offset 0 is
 * the out-of-bounds stub: the platform's fault handler resumes there. */
static void emit_header(jc_t *c)
{
    uint32_t to_unwind[WASM_TRAP_KIND_COUNT];
    uint32_t n = 0;
    c->stub[WASM_TRAP_OOB_MEMORY] = c->b.len;   /* offset 0 */
    put1(c, 0xB8);
    put4(c, WASM_TRAP_OOB_MEMORY);
    to_unwind[n++] = jmp(c);
    for (uint32_t k = 1; k < WASM_TRAP_KIND_COUNT; k++) {
        if (k == WASM_TRAP_OOB_MEMORY)
            continue;
        c->stub[k] = c->b.len;
        put1(c, 0xB8);   /* mov eax, k */
        put4(c, k);
        to_unwind[n++] = jmp(c);
    }
    /* A trap in a body: the records up to the trapping function's name the
     * frames ([rsp] is the one after its own). */
    c->unwind_body = c->b.len;
    insn_m(c, 0, 1, 0x8B, RCX, RSP, -1, 0, 0, false);
    ctx_m(c, 1, 0x89, RCX, offsetof(wasm_exec_t, ctl_top));
    uint32_t to_raw = jmp(c);
    /* A stack check at an entry failed: rdx is the record the function
     * would have taken; its caller is the innermost frame. */
    c->entry_trap = c->b.len;
    ctx_m(c, 1, 0x89, RDX, offsetof(wasm_exec_t, ctl_top));
    put1(c, 0xB8);
    put4(c, WASM_TRAP_STACK_EXHAUSTED);
    c->unwind = c->b.len;
    bind(c, to_raw);
    ctx_m(c, 1, 0x8B, RSP, offsetof(wasm_exec_t, jit_sp));
    uint32_t to_exit = jmp(c);   /* (the exit path writes the fuel back) */
    for (uint32_t k = 0; k < n; k++)
        link(c, to_unwind[k], c->unwind_body);
    /* uint32_t enter(ex = rdi, f = rsi, fp = rdx, entry = rcx) */
    c->tramp = c->b.len;
    put1(c, 0x55);                      /* push rbp */
    put1(c, 0x53);                      /* push rbx */
    put1(c, 0x41); put1(c, 0x54);       /* push r12 */
    put1(c, 0x41); put1(c, 0x55);       /* push r13 */
    put1(c, 0x41); put1(c, 0x56);       /* push r14 */
    put1(c, 0x41); put1(c, 0x57);       /* push r15 */
    insn_m(c, 0, 0, 0xFF, 6, RDI, -1, 0, (int32_t)offsetof(wasm_exec_t, jit_sp), false);   /* push [rdi+jit_sp] */
    insn_m(c, 0, 1, 0x89, RSP, RDI, -1, 0, (int32_t)offsetof(wasm_exec_t, jit_sp), false);
    mov_rr(c, REX_, RDI);
    mov_rr(c, RFP, RDX);
    insn_m(c, 0, 1, 0x8B, RIN, RSI, -1, 0, (int32_t)offsetof(wasm_func_t, inst), false);
    insn_m(c, 0, 1, 0x8B, RMO, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, mem), false);
    insn_r(c, 0, 0, 0x33, RMB, RMB);
    insn_r(c, 0, 1, 0x85, RMO, RMO);
    uint32_t nomem = jcc(c, CC_E);
    insn_m(c, 0, 1, 0x8B, RMB, RMO, -1, 0, (int32_t)offsetof(wasm_memory_t, base), false);
    bind(c, nomem);
    fuel_in(c);                         /* the fuel stays in ex->fuel: no slice yet */
    ctx_m(c, 1, 0x8B, RDX, offsetof(wasm_exec_t, ctl_top));   /* the callee's record */
    insn_r(c, 0, 0, 0xFF, 2, RCX);      /* call rcx */
    insn_r(c, 0, 0, 0x33, RAX, RAX);
    bind(c, to_exit);
    fuel_out(c);
    insn_m(c, 0, 0, 0x8F, 0, REX_, -1, 0, (int32_t)offsetof(wasm_exec_t, jit_sp), false);  /* pop [r12+jit_sp] */
    put1(c, 0x41); put1(c, 0x5F);
    put1(c, 0x41); put1(c, 0x5E);
    put1(c, 0x41); put1(c, 0x5D);
    put1(c, 0x41); put1(c, 0x5C);
    put1(c, 0x5B);
    put1(c, 0x5D);
    put1(c, 0xC3);
}

/* cpuid traps to the hypervisor in a VM: probe once per runtime. */
#define CPU_PROBED 1u
#define CPU_SSE41 2u
#define CPU_SSSE3 4u

static uint32_t cpu_features(wasm_runtime_t *rt)
{
    if (!(rt->cpu & CPU_PROBED)) {
        uint32_t a = 1, b, cx = 0, d;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(cx), "=d"(d));
        rt->cpu = CPU_PROBED | ((cx >> 19) & 1 ? CPU_SSE41 : 0) | ((cx >> 9) & 1 ? CPU_SSSE3 : 0);
    }
    return rt->cpu;
}

bool wasmi_jit_arch_available(void)
{
    return true;
}

bool wasmi_jit_arch_compile(wasm_module_t *m, wasmi_jit_t *j)
{
    jc_t c;
    __builtin_memset(&c, 0, sizeof c);
    c.m = m;
    c.sse41 = cpu_features(m->rt) & CPU_SSE41;
    c.ssse3 = cpu_features(m->rt) & CPU_SSSE3;
    c.guard = m->rt->guard;
    uint32_t ndefs = m->nfuncs - m->nfunc_imports;
    c.def_off = wasm_plat_alloc((ndefs + 1) * sizeof *c.def_off);
    c.reg_off = wasm_plat_alloc((ndefs + 1) * sizeof *c.reg_off);
    bool *ok = wasm_plat_alloc(ndefs + 1);
    bool mapok;
    void *opmap = wasmi_jit_opmap_new(m->rt, &mapok);
    bool good = c.def_off && c.reg_off && ok && mapok;
    if (good)
        emit_header(&c);
    for (uint32_t i = 0; good && i < ndefs; i++) {
        jit_fn_t fn;
        wasmi_jit_fn_init(&fn, m, i);
        uint32_t start = c.b.len;
        c.fn = &fn;
        c.code = fn.d->code;
        c.noff = wasm_plat_alloc((fn.d->code_len + 1) * sizeof *c.noff);
        c.nvpin = 0;
        /* v128 values get XMM registers by live range; without live ranges
         * (a function too big for them), vpin_choose keeps a few v128 slots
         * in registers for the whole function */
        bool fok = c.noff && fn.func_index >= m->rt->jit_lo && fn.func_index < m->rt->jit_hi &&
                   wasmi_jit_decode(&fn, opmap) &&
                   (wasmi_jit_alloc_ranges(&fn, c.guard ? NGPR : NGPR - 1, NXMM, true) ||
                    (vpin_choose(&c, &fn) &&
                     wasmi_jit_alloc_slots(&fn, c.guard ? NGPR : NGPR - 1, NXMM - c.nvpin)));
        uint32_t ncfx = c.b.cfx.n, rstart = c.b.len;
        if (fok) {
            /* align the direct calls' entries to 16 bytes; the entry with
             * every argument in its cell loads the first ones (reg_args,
             * 4 bytes each) */
            c.nin = reg_args(&m->types[fn.d->type_idx]);
            while ((c.b.len + 4 * c.nin) % 16)
                put1(&c, 0x90);
            start = c.b.len;
            arg_head(&c, c.nin);
            rstart = c.b.len;
            fok = compile_fn(&c);
        }
        if (c.b.oom)
            good = false;
        if (!fok) {
            c.b.len = start;
            c.b.cfx.n = ncfx;   /* drop its call fixups */
        }
        ok[i] = fok;
        c.def_off[i] = start;
        c.reg_off[i] = fok ? rstart : start;
        wasm_plat_free(c.noff);
        c.noff = NULL;
        wasmi_jit_fn_free(&fn);
    }
    for (uint32_t i = 0; good && i < ndefs; i++)
        if (!ok[i]) {
            /* the same two entries (tail calls come in at def_off) */
            c.def_off[i] = c.b.len;
            arg_head(&c, reg_args(&m->types[m->defs[i].type_idx]));
            c.reg_off[i] = c.b.len;
            emit_thunk(&c, m->nfunc_imports + i);
        }
    for (uint32_t i = 0; good && i < c.b.cfx.n; i++)
        link(&c, c.b.cfx.v[i].at, c.b.cfx.v[i].target & CALL_REG ? c.reg_off[c.b.cfx.v[i].target & ~CALL_REG]
                                                           : c.def_off[c.b.cfx.v[i].target]);
    good = good && !c.b.oom;
    uint8_t *code = NULL;
    size_t size = 0;
    if (good) {
        code = wasmi_jit_install(&c.b, &size);
        good = code != NULL;
    }
    if (good)
        wasmi_jit_publish(m, j, code, size, c.guard, c.tramp, c.def_off, ok);
    wasm_plat_free(opmap);
    wasm_plat_free(ok);
    wasm_plat_free(c.def_off);
    wasm_plat_free(c.reg_off);
    wasmi_jit_buf_free(&c.b);
    wasm_plat_free(c.sp);
    wasm_plat_free(c.pool);
    wasm_plat_free(c.tgt);
    return good;
}

#elif !defined(__aarch64__) && !(defined(__riscv) && __riscv_xlen == 64)
/* no back end for this architecture (jit_a64.c: aarch64, jit_rv64.c: riscv64) */

bool wasmi_jit_arch_available(void)
{
    return false;
}

bool wasmi_jit_arch_compile(wasm_module_t *m, wasmi_jit_t *j)
{
    (void)m;
    (void)j;
    return false;
}

#endif
