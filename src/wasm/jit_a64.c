/*
 * The compiled tier's aarch64 back end: internal code (ops.h) to machine
 * code, one pass per function, slots in registers (docs/compiler.md). The
 * same design as jit_x64.c; only the instructions differ.
 *
 * Registers in compiled code:
 *   x19 exec context    x20 frame (fp)     x21 linear memory base
 *   x22 memory object   x23 instance       x24 fuel (ex->fuel around C calls)
 *   x3-x7 x9-x15 x25-x28   slots (16)
 *   v3-v7 v16-v31 v8-v15   slots (29)
 *   x0-x2 x16 v0-v2        scratch; x17 only builds addresses and constants
 *   x30 link register, saved by every compiled function; x18, x29 untouched
 * Slot registers are callee-saved among compiled functions (a function saves
 * the ones it uses); around a call to C a function also saves the slot
 * registers C may clobber (x3-x7, x9-x15, v3-v7, v16-v31) that it does not
 * use itself, since its callers' values live there. x19-x28 and the low 64
 * bits of v8-v15 are callee-saved in C already (AAPCS64).
 * Every value has one canonical 64-bit form (i32 and f32 zero-extended):
 * a 32-bit W or S register write zeroes the rest, so this holds by itself.
 */
#include "jit_emit.h"
#include "ops.h"
#include "simd.h"

#if defined(__aarch64__)

#include <stddef.h>

#define X0 0
#define X1 1
#define X2 2
#define X16 16
#define X17 17
#define XZR 31
#define SP 31
#define LR 30
#define REX_ 19   /* exec context */
#define RFP 20
#define RMB 21
#define RMO 22
#define RIN 23
#define RFUEL 24
#define V0 0
#define V1 1
#define V2 2

static const uint8_t slot_gpr[] = {9, 10, 11, 12, 13, 14, 15, 3, 4, 5, 6, 7, 25, 26, 27, 28};
#define NGPR 16
static const uint8_t slot_vr[] = {16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
                                  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
#define NVR 29
/* C may clobber the slot registers below these indices */
#define NGPR_VOLATILE 12
#define NVR_VOLATILE 21

enum { CC_EQ, CC_NE, CC_HS, CC_LO, CC_MI, CC_PL, CC_VS, CC_VC, CC_HI, CC_LS, CC_GE, CC_LT,
       CC_GT, CC_LE };

/* cc of the ten integer comparisons in ops.h order: eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u */
static const uint8_t cmp_cc[10] = {CC_EQ, CC_NE, CC_LT, CC_LO, CC_GT, CC_HI, CC_LE, CC_LS, CC_GE,
                                   CC_HS};

typedef struct spstub {
    uint32_t j1, j2, resume;  /* the two branches to the stub, where to go back */
} spstub_t;

/* Module-level targets a function branches to through its own tail stubs. */
#define FAR_UNWIND WASM_TRAP_KIND_COUNT
#define NFAR (WASM_TRAP_KIND_COUNT + 1)

/* SIMD (jit_a64_simd.c): which v128 slot each of NQ vector registers holds
 * between consecutive v128 ops, and the function's 16-byte constants. */
#define NQ 8
#define NVR_SIMD 24   /* a function with v128 ops leaves v11-v15 to them */
typedef struct qconst {
    uint32_t at, w[4];        /* the ldr q at `at` loads w */
} qconst_t;

typedef struct qcache {
    uint32_t slot[NQ];        /* the v128 slot each register holds, or QS_NONE */
    bool dirty[NQ];           /* its frame cells are not written yet */
    uint32_t age[NQ], clock;  /* least recently used goes first */
    uint8_t lock;             /* registers the current op uses */
    uint32_t end;             /* pc after the last v128 op */
    uint8_t *tgt;             /* [code_len + 1] branch targets of the function */
    uint32_t tgt_cap, tgt_def;
    qconst_t *pool;
    uint32_t npool, poolcap;
} qcache_t;

typedef struct jc {
    jit_buf_t b;              /* the code and its fixups (to B/BL: 26-bit fields, else 19) */
    bool range;               /* a branch out of range: the function is interpreted */
    wasm_module_t *m;
    jit_fn_t *fn;
    const uint32_t *code;
    uint32_t *noff;           /* [code_len] native offset of each op word */
    jit_fixes_t ffx;          /* branches to module-level targets (trap stubs, unwind) */
    spstub_t *sp;
    uint32_t nsp, spcap;
    uint32_t far[NFAR];       /* module offsets of the trap stubs and unwind */
    uint32_t tramp;
    uint32_t *def_off;        /* native offset of each def's entry */
    uint32_t gmask;           /* slot GPRs this function uses (and saves) */
    uint32_t vmask;           /* slot vector registers it uses (and saves) */
    uint32_t area;            /* bytes of its native frame */
    bool guard;               /* bounds by guard regions, no explicit checks */
    bool simd;                /* the function has v128 ops: v11-v15 are theirs */
    qcache_t q;
} jc_t;

/* ------------------------------------------------------------ buffer */

static void emit(jc_t *c, uint32_t insn)
{
    wasmi_jit_emit32(&c->b, insn);
}

static uint32_t get4(jc_t *c, uint32_t at)
{
    uint32_t v;
    __builtin_memcpy(&v, c->b.p + at, 4);
    return v;
}

/* Points the branch at `at` (B/BL: 26-bit field; B.cond/CBZ/CBNZ: 19-bit)
 * to native offset `to`. */
static void link(jc_t *c, uint32_t at, uint32_t to)
{
    if (c->b.oom || at + 4 > c->b.len)
        return;
    int64_t delta = ((int64_t)to - (int64_t)at) / 4;
    uint32_t insn = get4(c, at);
    if ((insn & 0x7C000000u) == 0x14000000u) {   /* B, BL */
        if (delta < -(1 << 25) || delta >= (1 << 25))
            c->range = true;
        insn = (insn & 0xFC000000u) | ((uint32_t)delta & 0x03FFFFFFu);
    } else {
        if (delta < -(1 << 18) || delta >= (1 << 18))
            c->range = true;
        insn = (insn & ~(0x7FFFFu << 5)) | (((uint32_t)delta & 0x7FFFFu) << 5);
    }
    __builtin_memcpy(c->b.p + at, &insn, 4);
}

/* ------------------------------------------------------------ encoding */

static uint32_t SF(int w) { return w ? 0x80000000u : 0; }

/* rd = rn op rm, the three-register data-processing forms */
static void rrr(jc_t *c, int w, uint32_t base, int d, int n, int m)
{
    emit(c, SF(w) | base | (uint32_t)m << 16 | (uint32_t)n << 5 | (uint32_t)d);
}

enum {
    I_ADD = 0x0B000000, I_SUB = 0x4B000000, I_SUBS = 0x6B000000, I_AND = 0x0A000000,
    I_ORR = 0x2A000000, I_EOR = 0x4A000000, I_MUL = 0x1B007C00, I_SDIV = 0x1AC00C00,
    I_UDIV = 0x1AC00800, I_LSLV = 0x1AC02000, I_LSRV = 0x1AC02400, I_ASRV = 0x1AC02800,
    I_RORV = 0x1AC02C00,
};

static void mov_rr(jc_t *c, int d, int s)
{
    if (d != s)
        rrr(c, 1, I_ORR, d, XZR, s);
}

/* d = s zero-extended from 32 bits */
static void mov_w(jc_t *c, int d, int s) { rrr(c, 0, I_ORR, d, XZR, s); }

static void mov_imm(jc_t *c, int r, uint64_t v, int w)
{
    if (!w)
        v = (uint32_t)v;
    int nh = w ? 4 : 2, zeros = 0, ones = 0;
    for (int i = 0; i < nh; i++) {
        uint32_t h = (uint32_t)(v >> (16 * i)) & 0xFFFF;
        zeros += h == 0;
        ones += h == 0xFFFF;
    }
    bool inv = ones > zeros;
    bool first = true;
    for (int i = 0; i < nh; i++) {
        uint32_t h = (uint32_t)(v >> (16 * i)) & 0xFFFF;
        if (h == (inv ? 0xFFFFu : 0u))
            continue;
        if (first)   /* movn / movz */
            emit(c, SF(w) | (inv ? 0x12800000u : 0x52800000u) | (uint32_t)i << 21 |
                        (inv ? ~h & 0xFFFF : h) << 5 | (uint32_t)r);
        else         /* movk */
            emit(c, SF(w) | 0x72800000u | (uint32_t)i << 21 | h << 5 | (uint32_t)r);
        first = false;
    }
    if (first)
        emit(c, SF(w) | (inv ? 0x12800000u : 0x52800000u) | (uint32_t)r);
}

/* The N:immr:imms field of a logical immediate, or false if v has none. */
static bool logimm(uint64_t v, int w, uint32_t *enc)
{
    if (!w)
        v = (v & 0xFFFFFFFFu) | v << 32;
    if (v == 0 || v == ~(uint64_t)0)
        return false;
    uint32_t size = 64;
    while (size > 2) {
        uint32_t h = size / 2;
        uint64_t mask = ((uint64_t)1 << h) - 1;
        if ((v & mask) != ((v >> h) & mask))
            break;
        size = h;
    }
    uint64_t mask = size == 64 ? ~(uint64_t)0 : ((uint64_t)1 << size) - 1;
    uint64_t e = v & mask;
    uint32_t ones = (uint32_t)__builtin_popcountll(e);
    uint64_t run = ((uint64_t)1 << ones) - 1;   /* ones < 64 here */
    for (uint32_t r = 0; r < size; r++) {
        uint64_t rot = r ? ((e >> r) | (e << (size - r))) & mask : e;
        if (rot == run) {
            uint32_t immr = (size - r) % size;
            uint32_t imms = ((~(size - 1) << 1) & 0x3F) | (ones - 1);
            *enc = (size == 64 ? 1u << 22 : 0) | immr << 16 | imms << 10;
            return true;
        }
    }
    return false;
}

/* d = n op imm for and (0x12000000), orr (0x32000000), eor (0x52000000). */
static void logic_imm(jc_t *c, int w, uint32_t opi, uint32_t opr, int d, int n, uint64_t imm)
{
    uint32_t enc;
    if (logimm(imm, w, &enc)) {
        emit(c, SF(w) | opi | enc | (uint32_t)n << 5 | (uint32_t)d);
    } else {
        mov_imm(c, X16, imm, w);
        rrr(c, w, opr, d, n, X16);
    }
}

/* d = n + imm (sub: n - imm); d or n may be sp. Uses x17 for large values. */
static void add_imm(jc_t *c, int w, int d, int n, int64_t imm)
{
    bool sub = imm < 0;
    uint64_t u = sub ? (uint64_t)-imm : (uint64_t)imm;
    uint32_t op = SF(w) | (sub ? 0x51000000u : 0x11000000u);
    if (u < 4096) {
        if (u || d != n)
            emit(c, op | (uint32_t)u << 10 | (uint32_t)n << 5 | (uint32_t)d);
    } else if (u < (1u << 24) && !(u & 0xFFF)) {
        emit(c, op | 1u << 22 | (uint32_t)(u >> 12) << 10 | (uint32_t)n << 5 | (uint32_t)d);
    } else {
        mov_imm(c, X17, u, 1);
        /* add/sub extended register (uxtx): n may be sp */
        emit(c, SF(w) | (sub ? 0x4B206000u : 0x0B206000u) | X17 << 16 | (uint32_t)n << 5 |
                    (uint32_t)d);
    }
}

/* cmp n, imm */
static void cmp_imm(jc_t *c, int w, int n, int64_t imm)
{
    if (!w)
        imm = (int32_t)imm;
    if (imm >= 0 && imm < 4096)
        emit(c, SF(w) | 0x71000000u | (uint32_t)imm << 10 | (uint32_t)n << 5 | XZR);
    else if (imm < 0 && imm > -4096)
        emit(c, SF(w) | 0x31000000u | (uint32_t)-imm << 10 | (uint32_t)n << 5 | XZR);
    else {
        mov_imm(c, X16, (uint64_t)imm, w);
        rrr(c, w, I_SUBS, XZR, n, X16);
    }
}

/* Loads and stores, by their unsigned-offset opcodes. */
enum {
    LDRB = 0x39400000, LDRSBX = 0x39800000, LDRSBW = 0x39C00000, LDRH = 0x79400000,
    LDRSHX = 0x79800000, LDRSHW = 0x79C00000, LDRW = 0xB9400000, LDRSW = 0xB9800000,
    LDRX = 0xF9400000, STRB = 0x39000000, STRH = 0x79000000, STRW = 0xB9000000,
    STRX = 0xF9000000, LDRS = 0xBD400000, LDRD = 0xFD400000, STRS = 0xBD000000,
    STRD = 0xFD000000,
};

static int ldst_size(uint32_t opc) { return (int)(opc >> 30); }

/* opc rt, [rn + disp] (x17 builds a disp no form reaches). */
static void ldst(jc_t *c, uint32_t opc, int rt, int rn, int64_t disp)
{
    int sz = ldst_size(opc);
    if (disp >= 0 && !(disp & ((1 << sz) - 1)) && (disp >> sz) < 4096) {
        emit(c, opc | (uint32_t)(disp >> sz) << 10 | (uint32_t)rn << 5 | (uint32_t)rt);
    } else if (disp >= -256 && disp < 256) {
        emit(c, (opc & ~0x01000000u) | ((uint32_t)disp & 0x1FF) << 12 | (uint32_t)rn << 5 |
                    (uint32_t)rt);
    } else {
        mov_imm(c, X17, (uint64_t)disp, 1);
        emit(c, (opc & ~0x01000000u) | 0x00206800u | X17 << 16 | (uint32_t)rn << 5 |
                    (uint32_t)rt);
    }
}

/* opc rt, [rn + wm, uxtw] */
static void ldst_uxtw(jc_t *c, uint32_t opc, int rt, int rn, int m)
{
    emit(c, (opc & ~0x01000000u) | 0x00204800u | (uint32_t)m << 16 | (uint32_t)rn << 5 |
                (uint32_t)rt);
}

static void ctx_ld(jc_t *c, int r, size_t off) { ldst(c, LDRX, r, REX_, (int64_t)off); }
static void ctx_st(jc_t *c, int r, size_t off) { ldst(c, STRX, r, REX_, (int64_t)off); }

/* Branch placeholders: their position, linked later. */
static uint32_t b_cc(jc_t *c, int cc)
{
    emit(c, 0x54000000u | (uint32_t)cc);
    return c->b.len - 4;
}

static uint32_t b_(jc_t *c)
{
    emit(c, 0x14000000u);
    return c->b.len - 4;
}

static uint32_t cbz(jc_t *c, int w, int r, bool nz)
{
    emit(c, SF(w) | (nz ? 0x35000000u : 0x34000000u) | (uint32_t)r);
    return c->b.len - 4;
}

static void bind(jc_t *c, uint32_t at) { link(c, at, c->b.len); }

static void call_abs(jc_t *c, const void *fn)
{
    mov_imm(c, X16, (uint64_t)(uintptr_t)fn, 1);
    emit(c, 0xD63F0000u | X16 << 5);   /* blr x16 */
}

static void cset(jc_t *c, int d, int cc)
{
    /* csinc wd, wzr, wzr, !cc */
    emit(c, 0x1A9F07E0u | (uint32_t)(cc ^ 1) << 12 | (uint32_t)d);
}

/* Vector-register moves and transfers. */
static void fmov_xd(jc_t *c, int x, int v) { emit(c, 0x9E660000u | (uint32_t)v << 5 | (uint32_t)x); }
static void fmov_dx(jc_t *c, int v, int x) { emit(c, 0x9E670000u | (uint32_t)x << 5 | (uint32_t)v); }
static void fmov_dd(jc_t *c, int d, int s)
{
    if (d != s)
        emit(c, 0x1E604000u | (uint32_t)s << 5 | (uint32_t)d);
}

/* ------------------------------------------------------------ slots */

static int64_t sdisp(uint32_t s) { return (int64_t)s * 8; }
static int lkind(jc_t *c, uint32_t s) { return c->fn->lk[s]; }
static int lgpr(jc_t *c, uint32_t s) { return slot_gpr[c->fn->lr[s]]; }
static int lvr(jc_t *c, uint32_t s) { return slot_vr[c->fn->lr[s]]; }

/* The slot's value in an X register: its own, or `scratch` loaded. */
static int gsrc(jc_t *c, uint32_t s, int scratch)
{
    switch (lkind(c, s)) {
    case JL_GPR: return lgpr(c, s);
    case JL_XMM: fmov_xd(c, scratch, lvr(c, s)); return scratch;
    default: ldst(c, LDRX, scratch, RFP, sdisp(s)); return scratch;
    }
}

static int vsrc(jc_t *c, uint32_t s, int scratch)
{
    switch (lkind(c, s)) {
    case JL_XMM: return lvr(c, s);
    case JL_GPR: fmov_dx(c, scratch, lgpr(c, s)); return scratch;
    default: ldst(c, LDRD, scratch, RFP, sdisp(s)); return scratch;
    }
}

/* Where to compute a result for slot s: its register, or scratch. */
static int gdst(jc_t *c, uint32_t s, int scratch)
{
    return lkind(c, s) == JL_GPR ? lgpr(c, s) : scratch;
}

static int vdst(jc_t *c, uint32_t s, int scratch)
{
    return lkind(c, s) == JL_XMM ? lvr(c, s) : scratch;
}

/* slot = r (all 64 bits, canonical). */
static void gput(jc_t *c, uint32_t s, int r)
{
    switch (lkind(c, s)) {
    case JL_GPR: mov_rr(c, lgpr(c, s), r); break;
    case JL_XMM: fmov_dx(c, lvr(c, s), r); break;
    default: ldst(c, STRX, r, RFP, sdisp(s)); break;
    }
}

static void vput(jc_t *c, uint32_t s, int v)
{
    switch (lkind(c, s)) {
    case JL_XMM: fmov_dd(c, lvr(c, s), v); break;
    case JL_GPR: fmov_xd(c, lgpr(c, s), v); break;
    default: ldst(c, STRD, v, RFP, sdisp(s)); break;
    }
}

static void mov_slot(jc_t *c, uint32_t d, uint32_t s)
{
    if (d == s)
        return;
    switch (lkind(c, d)) {
    case JL_GPR: {
        int r = gsrc(c, s, lgpr(c, d));
        mov_rr(c, lgpr(c, d), r);
        break;
    }
    case JL_XMM: {
        int v = vsrc(c, s, lvr(c, d));
        fmov_dd(c, lvr(c, d), v);
        break;
    }
    default:
        if (lkind(c, s) == JL_XMM)
            vput(c, d, lvr(c, s));
        else
            gput(c, d, gsrc(c, s, X0));
    }
}

/* Register-resident slots in [lo, hi) to their frame cells, and back. */
static void spill_range(jc_t *c, uint32_t lo, uint32_t hi)
{
    uint32_t n = c->fn->d->frame_cells;
    for (uint32_t s = lo; s < hi && s < n; s++) {
        if (lkind(c, s) == JL_GPR)
            ldst(c, STRX, lgpr(c, s), RFP, sdisp(s));
        else if (lkind(c, s) == JL_XMM)
            ldst(c, STRD, lvr(c, s), RFP, sdisp(s));
    }
}

static void reload_range(jc_t *c, uint32_t lo, uint32_t hi)
{
    uint32_t n = c->fn->d->frame_cells;
    for (uint32_t s = lo; s < hi && s < n; s++) {
        if (lkind(c, s) == JL_GPR)
            ldst(c, LDRX, lgpr(c, s), RFP, sdisp(s));
        else if (lkind(c, s) == JL_XMM)
            ldst(c, LDRD, lvr(c, s), RFP, sdisp(s));
    }
}

static void spill_all(jc_t *c) { spill_range(c, 0, UINT32_MAX); }
static void reload_all(jc_t *c) { reload_range(c, 0, UINT32_MAX); }

/* ------------------------------------------------------------ safe points, traps */

/* A branch to a module-level target (trap stub or unwind): to the
 * function's own `b target` at its end (conditional branches reach 1 MiB). */
static void far_fix(jc_t *c, uint32_t at, uint32_t target)
{
    wasmi_jit_addfix(&c->b, &c->ffx, at, target);
}

static void trap_cc(jc_t *c, int cc, wasm_trap_kind_t k) { far_fix(c, b_cc(c, cc), k); }

static bool safepoint(jc_t *c)
{
#ifdef WASM_NO_SAFEPOINTS
    (void)c;
    return true;   /* make bench measures their cost with an engine without them */
#endif
    /* subs x24, x24, #1; b.le slow; ldr w16, [x19+interrupt]; cbnz w16, slow */
    emit(c, 0xF1000400u | RFUEL << 5 | RFUEL);
    uint32_t j1 = b_cc(c, CC_LE);
    ldst(c, LDRW, X16, REX_, (int64_t)offsetof(wasm_exec_t, interrupt));
    uint32_t j2 = cbz(c, 0, X16, true);
    if (c->nsp == c->spcap) {
        spstub_t *q = wasmi_jit_more(&c->b, c->sp, &c->spcap, sizeof *q, 16);
        if (!q)
            return false;
        c->sp = q;
    }
    c->sp[c->nsp++] = (spstub_t){j1, j2, c->b.len};
    return true;
}

/* The slot registers C may clobber that this function does not use: they
 * hold its callers' values. Returns how many, their register numbers in
 * regs (GPRs first, *ng of them, then vector registers). */
static uint32_t foreign(jc_t *c, uint8_t *regs, uint32_t *ng)
{
    uint32_t n = 0;
    for (int i = 0; i < NGPR_VOLATILE; i++)
        if (!(c->gmask >> i & 1))
            regs[n++] = slot_gpr[i];
    *ng = n;
    for (int i = 0; i < NVR_VOLATILE; i++)
        if (!(c->vmask >> i & 1))
            regs[n++] = slot_vr[i];
    return n;
}

/* Before the arguments are placed. Also hands the fuel to C. */
static void save_foreign(jc_t *c)
{
    ctx_st(c, RFUEL, offsetof(wasm_exec_t, fuel));
    uint8_t regs[NGPR + NVR];
    uint32_t ng, n = foreign(c, regs, &ng);
    uint32_t area = (n * 8 + 15) & ~15u;
    if (area)
        add_imm(c, 1, SP, SP, -(int64_t)area);
    for (uint32_t k = 0; k < n; k++)
        ldst(c, k < ng ? STRX : STRD, regs[k], SP, 8 * k);
}

/* After the call; keeps x0. */
static void restore_foreign(jc_t *c)
{
    uint8_t regs[NGPR + NVR];
    uint32_t ng, n = foreign(c, regs, &ng);
    uint32_t area = (n * 8 + 15) & ~15u;
    for (uint32_t k = 0; k < n; k++)
        ldst(c, k < ng ? LDRX : LDRD, regs[k], SP, 8 * k);
    if (area)
        add_imm(c, 1, SP, SP, area);
    ctx_ld(c, RFUEL, offsetof(wasm_exec_t, fuel));
}

/* w0 != 0 after a helper: it is a trap code; unwind with it. */
static void check_trap(jc_t *c) { far_fix(c, cbz(c, 0, X0, true), FAR_UNWIND); }

/* ------------------------------------------------------------ function frame */

/* The frame: x30 at [sp], then the slot registers the function uses. */
static void save_regs(jc_t *c, bool load)
{
    uint32_t k = 1;
    for (int i = 0; i < NGPR; i++)
        if (c->gmask >> i & 1)
            ldst(c, load ? LDRX : STRX, slot_gpr[i], SP, 8 * k++);
    for (int i = 0; i < NVR; i++)
        if (c->vmask >> i & 1)
            ldst(c, load ? LDRD : STRD, slot_vr[i], SP, 8 * k++);
}

static void prologue(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    const wasmi_funcdef_t *d = fn->d;
    /* Call depth, native stack, value stack, then the control record. */
    ctx_ld(c, X0, offsetof(wasm_exec_t, ctl_top));
    ctx_ld(c, X1, offsetof(wasm_exec_t, ctl_end));
    rrr(c, 1, I_SUBS, XZR, X0, X1);
    trap_cc(c, CC_HS, WASM_TRAP_STACK_EXHAUSTED);
    add_imm(c, 1, X16, SP, 0);   /* mov x16, sp */
    ctx_ld(c, X1, offsetof(wasm_exec_t, native_lo));
    rrr(c, 1, I_SUBS, XZR, X16, X1);
    trap_cc(c, CC_LO, WASM_TRAP_STACK_EXHAUSTED);
    add_imm(c, 1, X2, RFP, sdisp(d->frame_cells));
    ctx_ld(c, X1, offsetof(wasm_exec_t, stack_end));
    rrr(c, 1, I_SUBS, XZR, X2, X1);
    trap_cc(c, CC_HI, WASM_TRAP_STACK_EXHAUSTED);
    ldst(c, LDRX, X1, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
    ldst(c, LDRX, X1, X1, (int64_t)fn->func_index * 8);
    ldst(c, STRX, X1, X0, (int64_t)offsetof(wasmi_ctl_t, func));
    add_imm(c, 1, X0, X0, (int64_t)sizeof(wasmi_ctl_t));
    ctx_st(c, X0, offsetof(wasm_exec_t, ctl_top));
    /* The native frame: x30 and the slot registers this function uses. */
    c->gmask = c->vmask = 0;
    for (uint32_t s = 0; s < d->frame_cells; s++) {
        if (fn->lk[s] == JL_GPR)
            c->gmask |= 1u << fn->lr[s];
        else if (fn->lk[s] == JL_XMM)
            c->vmask |= 1u << fn->lr[s];
    }
    if (c->simd)
        c->vmask |= ((1u << NVR) - 1) & ~((1u << NVR_SIMD) - 1);   /* saved for the callers */
    uint32_t nsave = 1 + (uint32_t)__builtin_popcount(c->gmask) + (uint32_t)__builtin_popcount(c->vmask);
    c->area = (nsave * 8 + 15) & ~15u;
    add_imm(c, 1, SP, SP, -(int64_t)c->area);
    ldst(c, STRX, LR, SP, 0);
    save_regs(c, false);
    /* Zero the declared locals, load the parameters. */
    uint32_t nmem = 0;
    for (uint32_t s = fn->nparams; s < d->nlocals; s++)
        nmem += fn->lk[s] == JL_MEM;
    if (nmem > 16) {
        /* a loop over all declared locals: x0 = address, x1 = count */
        add_imm(c, 1, X0, RFP, sdisp(fn->nparams));
        mov_imm(c, X1, d->nlocals - fn->nparams, 1);
        uint32_t top = c->b.len;
        emit(c, 0xF8008400u | XZR | X0 << 5);          /* str xzr, [x0], #8 */
        emit(c, 0xF1000400u | X1 << 5 | X1);           /* subs x1, x1, #1 */
        link(c, b_cc(c, CC_NE), top);
    } else if (nmem) {
        for (uint32_t s = fn->nparams; s < d->nlocals; s++)
            if (fn->lk[s] == JL_MEM)
                ldst(c, STRX, XZR, RFP, sdisp(s));
    }
    reload_range(c, 0, fn->nparams);
    for (uint32_t s = fn->nparams; s < d->nlocals; s++) {
        if (fn->lk[s] == JL_GPR)
            mov_rr(c, lgpr(c, s), XZR);
        else if (fn->lk[s] == JL_XMM)
            fmov_dx(c, lvr(c, s), XZR);
    }
    safepoint(c);
}

/* Restores the caller's slot registers and x30, pops the native frame and
 * the control record. */
static void leave_frame(jc_t *c)
{
    save_regs(c, true);
    ldst(c, LDRX, LR, SP, 0);
    add_imm(c, 1, SP, SP, c->area);
    ctx_ld(c, X16, offsetof(wasm_exec_t, ctl_top));
    add_imm(c, 1, X16, X16, -(int64_t)sizeof(wasmi_ctl_t));
    ctx_st(c, X16, offsetof(wasm_exec_t, ctl_top));
}

static void epilogue(jc_t *c)
{
    spill_range(c, 0, c->fn->nresults);
    leave_frame(c);
    emit(c, 0xD65F03C0u);   /* ret */
}

/* ------------------------------------------------------------ branches */

static void br_to(jc_t *c, uint32_t pc, int32_t off)
{
    if (off <= 0)
        safepoint(c);
    wasmi_jit_addfix(&c->b, &c->b.fx, b_(c), (uint32_t)((int32_t)pc + off));
}

static void br_cc(jc_t *c, int cc, uint32_t pc, int32_t off)
{
    uint32_t target = (uint32_t)((int32_t)pc + off);
    if (off <= 0) {
        uint32_t skip = b_cc(c, cc ^ 1);
        safepoint(c);
        wasmi_jit_addfix(&c->b, &c->b.fx, b_(c), target);
        bind(c, skip);
    } else {
        wasmi_jit_addfix(&c->b, &c->b.fx, b_cc(c, cc), target);
    }
}

/* cmp a, b for an integer comparison */
static void cmp_slots(jc_t *c, int w, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, X0), rb = gsrc(c, b, X1);
    rrr(c, w, I_SUBS, XZR, ra, rb);
}

static void cmp_slot_imm(jc_t *c, int w, uint32_t a, int64_t imm)
{
    cmp_imm(c, w, gsrc(c, a, X0), imm);
}

static void setcc_to(jc_t *c, int cc, uint32_t d)
{
    int r = gdst(c, d, X0);
    cset(c, r, cc);
    gput(c, d, r);
}

/* ------------------------------------------------------------ arithmetic */

static void ibin(jc_t *c, int w, uint32_t base, uint32_t d, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, X0), rb = gsrc(c, b, X1);
    int r = gdst(c, d, X0);
    rrr(c, w, base, r, ra, rb);
    gput(c, d, r);
}

/* d = a + imm, a - imm */
static void iadd_imm(jc_t *c, int w, bool sub, uint32_t d, uint32_t a, uint32_t imm)
{
    /* (i32: the sign-extended immediate is the same modulo 2^32) */
    int64_t v = (int64_t)(int32_t)imm;
    if (sub)
        v = -v;
    int ra = gsrc(c, a, X0), r = gdst(c, d, X0);
    if (v > -4096 && v < 4096) {
        add_imm(c, w, r, ra, v);
    } else {
        mov_imm(c, X16, (uint64_t)v, w);
        rrr(c, w, I_ADD, r, ra, X16);
    }
    gput(c, d, r);
}

static void ilogic_imm(jc_t *c, int w, uint32_t opi, uint32_t opr, uint32_t d, uint32_t a,
                       uint32_t imm)
{
    uint64_t v = w ? (uint64_t)(int64_t)(int32_t)imm : imm;
    int ra = gsrc(c, a, X0), r = gdst(c, d, X0);
    logic_imm(c, w, opi, opr, r, ra, v);
    gput(c, d, r);
}

/* kind 0 shl, 1 shr_u, 2 shr_s by a constant */
static void ishift_imm(jc_t *c, int w, int kind, uint32_t d, uint32_t a, uint32_t imm)
{
    uint32_t bits = w ? 64 : 32, s = imm & (bits - 1);
    int ra = gsrc(c, a, X0), r = gdst(c, d, X0);
    uint32_t immr, imms, op = kind == 2 ? 0x13000000u : 0x53000000u;   /* sbfm / ubfm */
    if (kind == 0) {
        immr = (bits - s) & (bits - 1);
        imms = bits - 1 - s;
    } else {
        immr = s;
        imms = bits - 1;
    }
    emit(c, SF(w) | op | (w ? 1u << 22 : 0) | immr << 16 | imms << 10 | (uint32_t)ra << 5 |
                (uint32_t)r);
    gput(c, d, r);
}

static void irot(jc_t *c, int w, bool left, uint32_t d, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, X0), rb = gsrc(c, b, X1);
    int r = gdst(c, d, X0);
    if (left) {
        rrr(c, w, I_SUB, X16, XZR, rb);   /* neg */
        rb = X16;
    }
    rrr(c, w, I_RORV, r, ra, rb);
    gput(c, d, r);
}

static void idiv(jc_t *c, int w, bool sgn, bool rem, uint32_t d, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, X0), rb = gsrc(c, b, X1);
    far_fix(c, cbz(c, w, rb, false), WASM_TRAP_DIV_ZERO);
    if (sgn && !rem) {
        /* cmn b, #1; ccmp a, #1, #0, eq; b.vs overflow (a - 1 overflows only for the minimum) */
        emit(c, SF(w) | 0x31000400u | (uint32_t)rb << 5 | XZR);
        emit(c, SF(w) | 0x7A400800u | 1u << 16 | CC_EQ << 12 | (uint32_t)ra << 5);
        trap_cc(c, CC_VS, WASM_TRAP_INT_OVERFLOW);
    }
    int r = gdst(c, d, X0);
    if (rem) {
        /* the minimum rem -1: sdiv gives the minimum, and a - q*b = 0 */
        rrr(c, w, sgn ? I_SDIV : I_UDIV, X16, ra, rb);
        emit(c, SF(w) | 0x1B008000u | (uint32_t)rb << 16 | (uint32_t)ra << 10 | X16 << 5 |
                    (uint32_t)r);   /* msub r, x16, b, a */
    } else {
        rrr(c, w, sgn ? I_SDIV : I_UDIV, r, ra, rb);
    }
    gput(c, d, r);
}

/* d = a op b on floats (ftype 0 single, 1 double) */
static void fbin(jc_t *c, bool f64, uint32_t base, uint32_t d, uint32_t a, uint32_t b)
{
    int va = vsrc(c, a, V0), vb = vsrc(c, b, V1);
    int v = vdst(c, d, V0);
    emit(c, base | (f64 ? 1u << 22 : 0) | (uint32_t)vb << 16 | (uint32_t)va << 5 | (uint32_t)v);
    vput(c, d, v);
}

/* one-operand float op: base with ftype 0 (single) */
static void fun(jc_t *c, bool f64, uint32_t base, uint32_t d, uint32_t a)
{
    int va = vsrc(c, a, V0);
    int v = vdst(c, d, V0);
    emit(c, base | (f64 ? 1u << 22 : 0) | (uint32_t)va << 5 | (uint32_t)v);
    vput(c, d, v);
}

static void fcmp(jc_t *c, bool f64, int kind, uint32_t d, uint32_t a, uint32_t b)
{
    /* kind: 0 eq 1 ne 2 lt 3 gt 4 le 5 ge; unordered sets C and V */
    static const uint8_t cc[] = {CC_EQ, CC_NE, CC_MI, CC_GT, CC_LS, CC_GE};
    int va = vsrc(c, a, V0), vb = vsrc(c, b, V1);
    emit(c, 0x1E202000u | (f64 ? 1u << 22 : 0) | (uint32_t)vb << 16 | (uint32_t)va << 5);
    setcc_to(c, cc[kind], d);
}

/* ------------------------------------------------------------ memory */

/* The access opc of register rt at linear memory [slot a + off], n bytes;
 * traps out of bounds (explicitly, or by the guard region's fault). */
static void mem_access_m(jc_t *c, uint32_t mem, uint32_t opc, int rt, uint32_t a, uint32_t off,
                         uint32_t n)
{
    /* Only the low 32 bits of the address slot count (uxtw): a host function
     * or an embedder may have left upper bits set in a cell. */
    int idx = lkind(c, a) == JL_GPR ? lgpr(c, a) : gsrc(c, a, X0);
    /* Memory 0's object and base live in x22 and x21; another memory's
     * object is loaded from the instance into x2 (its size then in x0, its
     * base in x2), with the same checks. */
    int obj = RMO, base = RMB, size = X2;
    if (mem) {
        ldst(c, LDRX, X2, RIN, (int64_t)offsetof(wasm_instance_t, mems));
        ldst(c, LDRX, X2, X2, (int64_t)mem * 8);
        obj = base = X2;
        size = X0;
    }
    if (!c->guard) {
        /* explicit check: x16 = index + off; x16 + n > size -> trap; then
         * x16 is masked to 0 unless in bounds, without a branch (csel, and
         * csdb so no later instruction speculates on an unresolved csel):
         * a mispredicted check reads offset 0, never past the memory */
        mov_w(c, X16, idx);
        add_imm(c, 1, X16, X16, off);
        add_imm(c, 1, X17, X16, n);
        ldst(c, LDRX, size, obj, (int64_t)offsetof(wasm_memory_t, size));
        rrr(c, 1, I_SUBS, XZR, X17, size);
        trap_cc(c, CC_HI, WASM_TRAP_OOB_MEMORY);
        emit(c, 0x9A800000u | XZR << 16 | CC_LS << 12 | X16 << 5 | X16);   /* csel x16, x16, xzr, ls */
        emit(c, 0xD503229Fu);                                              /* csdb */
        if (mem)
            ldst(c, LDRX, X2, X2, (int64_t)offsetof(wasm_memory_t, base));
        emit(c, (opc & ~0x01000000u) | 0x00206800u | X16 << 16 | (uint32_t)base << 5 |
                    (uint32_t)rt);
        return;
    }
    /* Guard regions: the reservation covers index + off + n; past the
     * memory's size it is unmapped, and the fault resumes at the region's
     * stub (offset 0). A mispredicted access stays inside the reservation. */
    if (mem)
        ldst(c, LDRX, X2, X2, (int64_t)offsetof(wasm_memory_t, base));
    if (off == 0) {
        ldst_uxtw(c, opc, rt, base, idx);
    } else {
        emit(c, 0x8B204000u | (uint32_t)idx << 16 | (uint32_t)base << 5 | X16);   /* add x16, base, w, uxtw */
        ldst(c, opc, rt, X16, off);
    }
}

/* An access to memory 0 (base in x21, object in x22). */
static void mem_access(jc_t *c, uint32_t opc, int rt, uint32_t a, uint32_t off, uint32_t n)
{
    mem_access_m(c, 0, opc, rt, a, off, n);
}

/* An access to memory mem. */
static void mem_access_any(jc_t *c, uint32_t mem, uint32_t opc, int rt, uint32_t a, uint32_t off,
                           uint32_t n)
{
    if (mem)
        mem_access_m(c, mem, opc, rt, a, off, n);
    else
        mem_access(c, opc, rt, a, off, n);
}

static void load_op(jc_t *c, uint32_t mem, uint32_t op, uint32_t d, uint32_t a, uint32_t off)
{
    static const struct { uint8_t n; uint32_t opc; } L[] = {
        [OP_I32_LOAD - OP_I32_LOAD] = {4, LDRW}, [OP_I64_LOAD - OP_I32_LOAD] = {8, LDRX},
        [OP_F32_LOAD - OP_I32_LOAD] = {4, LDRW}, [OP_F64_LOAD - OP_I32_LOAD] = {8, LDRX},
        [OP_I32_LOAD8_S - OP_I32_LOAD] = {1, LDRSBW}, [OP_I32_LOAD8_U - OP_I32_LOAD] = {1, LDRB},
        [OP_I32_LOAD16_S - OP_I32_LOAD] = {2, LDRSHW}, [OP_I32_LOAD16_U - OP_I32_LOAD] = {2, LDRH},
        [OP_I64_LOAD8_S - OP_I32_LOAD] = {1, LDRSBX}, [OP_I64_LOAD8_U - OP_I32_LOAD] = {1, LDRB},
        [OP_I64_LOAD16_S - OP_I32_LOAD] = {2, LDRSHX}, [OP_I64_LOAD16_U - OP_I32_LOAD] = {2, LDRH},
        [OP_I64_LOAD32_S - OP_I32_LOAD] = {4, LDRSW}, [OP_I64_LOAD32_U - OP_I32_LOAD] = {4, LDRW},
    };
    uint32_t k = op - OP_I32_LOAD;
    if ((op == OP_F32_LOAD || op == OP_F64_LOAD) && lkind(c, d) == JL_XMM) {
        mem_access_any(c, mem, op == OP_F32_LOAD ? LDRS : LDRD, lvr(c, d), a, off, L[k].n);
        return;
    }
    int r = gdst(c, d, X1);
    mem_access_any(c, mem, L[k].opc, r, a, off, L[k].n);
    gput(c, d, r);
}

static void store_op(jc_t *c, uint32_t mem, uint32_t op, uint32_t a, uint32_t v, uint32_t off)
{
    static const uint8_t N[] = {4, 8, 4, 8, 1, 2, 1, 2, 4};
    static const uint32_t S[] = {STRW, STRX, STRW, STRX, STRB, STRH, STRB, STRH, STRW};
    uint32_t k = op - OP_I32_STORE;
    if ((op == OP_F32_STORE || op == OP_F64_STORE) && lkind(c, v) == JL_XMM) {
        mem_access_any(c, mem, op == OP_F32_STORE ? STRS : STRD, lvr(c, v), a, off, N[k]);
        return;
    }
    int r = gsrc(c, v, X1);
    mem_access_any(c, mem, S[k], r, a, off, N[k]);
}

/* ------------------------------------------------------------ calls */

/* A slow op: the helper reads the operands from the frame. */
static void slowop(jc_t *c, uint32_t pc, uint32_t op)
{
    spill_all(c);
    save_foreign(c);
    mov_rr(c, X0, REX_);
    mov_rr(c, X1, RIN);
    mov_rr(c, X2, RFP);
    mov_imm(c, 3, (uint64_t)(uintptr_t)(c->code + pc), 1);
    mov_imm(c, 4, op, 1);
    call_abs(c, (const void *)wasmi_jit_slowop);
    restore_foreign(c);
    reload_all(c);
    check_trap(c);
}

/* Switches to the instance in x2 (memory base and object too). */
static void load_instance(jc_t *c, int inst)
{
    mov_rr(c, RIN, inst);
    ldst(c, LDRX, RMO, RIN, (int64_t)offsetof(wasm_instance_t, mem));
    mov_rr(c, RMB, XZR);
    uint32_t nomem = cbz(c, 1, RMO, false);
    ldst(c, LDRX, RMB, RMO, (int64_t)offsetof(wasm_memory_t, base));
    bind(c, nomem);
}

/* A call to a compiled function of this instance (bl to def `callee`, or
 * blr reg). In a module whose code tail-calls imports or through tables
 * (m->tail_out) the callee may return with another instance's x21-x23 (a
 * tail call to another instance switched them): those calls save them. */
static void call_near(jc_t *c, bool rel, int reg, uint32_t callee)
{
    bool keep = c->m->tail_out;
    if (keep) {
        emit(c, 0xA9BF5BF5u);             /* stp x21, x22, [sp, #-16]! */
        emit(c, 0xA9BF7FF7u);             /* stp x23, xzr, [sp, #-16]! */
    }
    if (rel) {
        emit(c, 0x94000000u);             /* bl */
        wasmi_jit_addfix(&c->b, &c->b.cfx, c->b.len - 4, callee);
    } else {
        emit(c, 0xD63F0000u | (uint32_t)reg << 5);   /* blr reg */
    }
    if (keep) {
        emit(c, 0xF84107F7u);             /* ldr x23, [sp], #16 */
        emit(c, 0xA8C15BF5u);             /* ldp x21, x22, [sp], #16 */
    }
}

/* Call through a wasm_func_t in x0: compiled (same instance or not),
 * interpreted, or host. */
static void call_func(jc_t *c, uint32_t base, uint32_t np, uint32_t nr)
{
    spill_range(c, base, base + np);
    ldst(c, LDRX, X1, X0, (int64_t)offsetof(wasm_func_t, native));
    uint32_t slow = cbz(c, 1, X1, false);
    ldst(c, LDRX, X2, X0, (int64_t)offsetof(wasm_func_t, inst));
    rrr(c, 1, I_SUBS, XZR, X2, RIN);
    uint32_t cross = b_cc(c, CC_NE);
    add_imm(c, 1, RFP, RFP, sdisp(base));
    call_near(c, false, X1, 0);
    add_imm(c, 1, RFP, RFP, -sdisp(base));
    uint32_t done1 = b_(c);
    /* another instance: switch instance and memory around the call */
    bind(c, cross);
    emit(c, 0xA9BF5BF5u);             /* stp x21, x22, [sp, #-16]! */
    emit(c, 0xA9BF7FF7u);             /* stp x23, xzr, [sp, #-16]! */
    load_instance(c, X2);
    add_imm(c, 1, RFP, RFP, sdisp(base));
    emit(c, 0xD63F0000u | X1 << 5);
    add_imm(c, 1, RFP, RFP, -sdisp(base));
    emit(c, 0xF84107F7u);             /* ldr x23, [sp], #16 */
    emit(c, 0xA8C15BF5u);             /* ldp x21, x22, [sp], #16 */
    uint32_t done2 = b_(c);
    /* interpreted or host: through C */
    bind(c, slow);
    spill_all(c);
    save_foreign(c);
    mov_rr(c, X1, X0);
    mov_rr(c, X0, REX_);
    add_imm(c, 1, X2, RFP, sdisp(base));
    mov_rr(c, 3, RIN);
    add_imm(c, 1, 4, RFP, sdisp(c->fn->d->frame_cells));
    call_abs(c, (const void *)wasmi_jit_call_slow);
    restore_foreign(c);
    reload_all(c);
    check_trap(c);
    bind(c, done1);
    bind(c, done2);
    reload_range(c, base, base + nr);
}

/* x0 = the function at index elem of table tidx, checked (bounds, null,
 * type canon) as the interpreter checks it. */
static void indirect_func(jc_t *c, uint32_t tidx, uint32_t canon, uint32_t elem)
{
    int re = gsrc(c, elem, X1);
    ldst(c, LDRX, X0, RIN, (int64_t)offsetof(wasm_instance_t, tables));
    ldst(c, LDRX, X0, X0, (int64_t)tidx * 8);
    ldst(c, LDRW, X2, X0, (int64_t)offsetof(wasm_table_t, size));
    rrr(c, 0, I_SUBS, XZR, re, X2);
    trap_cc(c, CC_HS, WASM_TRAP_OOB_TABLE);
    /* against speculation: the index is 0 unless in bounds */
    emit(c, 0x1A800000u | XZR << 16 | CC_LO << 12 | (uint32_t)re << 5 | X1);   /* csel w1, w, wzr, lo */
    emit(c, 0xD503229Fu);                                                    /* csdb */
    ldst(c, LDRX, X2, X0, (int64_t)offsetof(wasm_table_t, elems));
    /* ldr x0, [x2, w1, uxtw #3] */
    emit(c, 0xF8605800u | X1 << 16 | X2 << 5 | X0);
    far_fix(c, cbz(c, 1, X0, false), WASM_TRAP_UNINITIALIZED_ELEM);
    ldst(c, LDRW, X2, X0, (int64_t)offsetof(wasm_func_t, canon));
    cmp_imm(c, 0, X2, canon);
    trap_cc(c, CC_NE, WASM_TRAP_INDIRECT_MISMATCH);
}

/* ------------------------------------------------------------ tail calls */

/* As on x86_64 (jit_x64.c, tail calls): the arguments move down to fp[0..)
 * (upwards), the function leaves its frame and control record, and branches
 * to the callee with the caller's x30. */
static void tail_args(jc_t *c, uint32_t base, uint32_t np)
{
    for (uint32_t k = 0; base && k < np; k++) {
        ldst(c, LDRX, X16, RFP, sdisp(base + k));
        ldst(c, STRX, X16, RFP, sdisp(k));
    }
}

/* return_call of def `def` of this module (compiled, or its thunk). */
static void tail_direct(jc_t *c, uint32_t base, uint32_t np, uint32_t def)
{
    spill_range(c, base, base + np);
    tail_args(c, base, np);
    leave_frame(c);
    emit(c, 0x14000000u);   /* b */
    wasmi_jit_addfix(&c->b, &c->b.cfx, c->b.len - 4, def);
}

/* return_call through the wasm_func_t in x0: a compiled callee of another
 * instance gets that instance's x21-x23, which every caller expecting its
 * own saves (call_near, call_func's cross path, the trampoline); an
 * interpreted or host callee goes through C (wasmi_jit_tail_slow). */
static void tail_func(jc_t *c, uint32_t base, uint32_t np)
{
    spill_range(c, base, base + np);
    ldst(c, LDRX, X1, X0, (int64_t)offsetof(wasm_func_t, native));
    uint32_t slow = cbz(c, 1, X1, false);
    tail_args(c, base, np);
    leave_frame(c);
    ldst(c, LDRX, X2, X0, (int64_t)offsetof(wasm_func_t, inst));
    rrr(c, 1, I_SUBS, XZR, X2, RIN);
    uint32_t same = b_cc(c, CC_EQ);
    load_instance(c, X2);
    bind(c, same);
    emit(c, 0xD61F0000u | X1 << 5);   /* br x1 */
    bind(c, slow);
    spill_all(c);
    save_foreign(c);
    mov_rr(c, X1, X0);
    mov_rr(c, X0, REX_);
    mov_rr(c, X2, RFP);
    add_imm(c, 1, 3, RFP, sdisp(c->fn->d->frame_cells));
    mov_rr(c, 4, RIN);
    mov_imm(c, 5, base, 1);
    call_abs(c, (const void *)wasmi_jit_tail_slow);
    restore_foreign(c);
    check_trap(c);
    reload_range(c, 0, c->fn->nresults);   /* the results, in fp[0..) */
    epilogue(c);
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

/* ------------------------------------------------------------ one function */

/* Trapping float-to-integer conversions: fcvtz* in the common case, the C
 * helper (slowop) for NaN and anything out of range or at its edges. */
static void trunc_op(jc_t *c, uint32_t pc, uint32_t op, uint32_t d, uint32_t a)
{
    jit_cvt_t t = wasmi_jit_cvt(op);
    bool f64 = t.f64, to64 = t.i64, uns = t.uns;
    uint32_t ft = f64 ? 1u << 22 : 0;
    int va = vsrc(c, a, V0);
    uint32_t s1 = 0, s2;
    bool nan_check = !(to64 && uns);   /* fcvtzu of NaN gives 0, which goes slow below */
    if (nan_check) {
        emit(c, 0x1E202000u | ft | (uint32_t)va << 16 | (uint32_t)va << 5);   /* fcmp a, a */
        s1 = b_cc(c, CC_VS);
    }
    /* x0 = trunc(a), 64-bit: fcvtzu for i64_u, fcvtzs otherwise */
    emit(c, 0x9E380000u | ft | (to64 && uns ? 1u << 16 : 0) | (uint32_t)va << 5 | X0);
    if (!to64 && !uns) {
        emit(c, 0xEB20C000u | X0 << 16 | X0 << 5 | XZR);   /* cmp x0, w0, sxtw */
        s2 = b_cc(c, CC_NE);
    } else if (!to64) {
        emit(c, 0xD360FC00u | X0 << 5 | X16);              /* lsr x16, x0, #32 */
        s2 = cbz(c, 1, X16, true);
    } else if (!uns) {
        /* saturated (the minimum or the maximum): x16 = x0 ^ (x0 >> 63) is the maximum */
        emit(c, 0xCA80FC00u | X0 << 16 | X0 << 5 | X16);   /* eor x16, x0, x0, asr #63 */
        emit(c, 0xB1000400u | X16 << 5 | X16);             /* adds x16, x16, #1 */
        s2 = b_cc(c, CC_VS);
    } else {
        /* 0 (maybe from a negative) or the maximum */
        add_imm(c, 1, X16, X0, 1);
        cmp_imm(c, 1, X16, 1);
        s2 = b_cc(c, CC_LS);
    }
    if (!to64)
        mov_w(c, X0, X0);
    gput(c, d, X0);
    uint32_t done = b_(c);
    if (nan_check)
        bind(c, s1);
    bind(c, s2);
    slowop(c, pc, op);
    bind(c, done);
}

#include "jit_a64_simd.c"

static bool compile_fn(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    const wasmi_funcdef_t *d = fn->d;
    const uint32_t *code = d->code;
    wasm_module_t *m = c->m;
    c->b.fx.n = 0;
    c->ffx.n = 0;
    c->nsp = 0;
    c->range = false;
    c->q.npool = 0;   /* (a function given up on may have left constants) */
    prologue(c);
    for (uint32_t pc = 0; pc < d->code_len;) {
        uint32_t op = fn->op[pc];
        const uint32_t *ip = code + pc;
        c->noff[pc] = c->b.len;
        int nw = wasmi_jit_op_words(op, ip);
        if (nw <= 0)
            return false;
        uint32_t a1 = nw > 1 ? ip[1] : 0, a2 = nw > 2 ? ip[2] : 0, a3 = nw > 3 ? ip[3] : 0;
        switch (op) {
        /* comparisons to a value */
        case OP_I32_EQZ: case OP_I64_EQZ:
            cmp_slot_imm(c, op == OP_I64_EQZ, a2, 0);
            setcc_to(c, CC_EQ, a1);
            break;
        case OP_I32_EQ: case OP_I32_NE: case OP_I32_LT_S: case OP_I32_LT_U: case OP_I32_GT_S:
        case OP_I32_GT_U: case OP_I32_LE_S: case OP_I32_LE_U: case OP_I32_GE_S: case OP_I32_GE_U:
            cmp_slots(c, 0, a2, a3);
            setcc_to(c, cmp_cc[op - OP_I32_EQ], a1);
            break;
        case OP_I64_EQ: case OP_I64_NE: case OP_I64_LT_S: case OP_I64_LT_U: case OP_I64_GT_S:
        case OP_I64_GT_U: case OP_I64_LE_S: case OP_I64_LE_U: case OP_I64_GE_S: case OP_I64_GE_U:
            cmp_slots(c, 1, a2, a3);
            setcc_to(c, cmp_cc[op - OP_I64_EQ], a1);
            break;
        case OP_I32_EQ_I: case OP_I32_NE_I: case OP_I32_LT_S_I: case OP_I32_LT_U_I:
        case OP_I32_GT_S_I: case OP_I32_GT_U_I: case OP_I32_LE_S_I: case OP_I32_LE_U_I:
        case OP_I32_GE_S_I: case OP_I32_GE_U_I:
            cmp_slot_imm(c, 0, a2, (int32_t)a3);
            setcc_to(c, cmp_cc[op - OP_I32_EQ_I], a1);
            break;
        case OP_I64_EQ_I: case OP_I64_NE_I: case OP_I64_LT_S_I: case OP_I64_LT_U_I:
        case OP_I64_GT_S_I: case OP_I64_GT_U_I: case OP_I64_LE_S_I: case OP_I64_LE_U_I:
        case OP_I64_GE_S_I: case OP_I64_GE_U_I:
            cmp_slot_imm(c, 1, a2, (int32_t)a3);
            setcc_to(c, cmp_cc[op - OP_I64_EQ_I], a1);
            break;
        case OP_F32_EQ: case OP_F32_NE: case OP_F32_LT: case OP_F32_GT: case OP_F32_LE:
        case OP_F32_GE:
            fcmp(c, false, (int)(op - OP_F32_EQ), a1, a2, a3);
            break;
        case OP_F64_EQ: case OP_F64_NE: case OP_F64_LT: case OP_F64_GT: case OP_F64_LE:
        case OP_F64_GE:
            fcmp(c, true, (int)(op - OP_F64_EQ), a1, a2, a3);
            break;
        /* integer arithmetic */
        case OP_I32_CLZ: case OP_I64_CLZ: case OP_I32_CTZ: case OP_I64_CTZ: {
            int w = op == OP_I64_CLZ || op == OP_I64_CTZ;
            int ra = gsrc(c, a2, X0), r = gdst(c, a1, X0);
            if (op == OP_I32_CTZ || op == OP_I64_CTZ) {
                emit(c, SF(w) | 0x5AC00000u | (uint32_t)ra << 5 | X16);   /* rbit */
                ra = X16;
            }
            emit(c, SF(w) | 0x5AC01000u | (uint32_t)ra << 5 | (uint32_t)r);   /* clz */
            gput(c, a1, r);
            break;
        }
        case OP_I32_POPCNT: case OP_I64_POPCNT: {
            int ra = gsrc(c, a2, X0);
            if (op == OP_I32_POPCNT)
                emit(c, 0x1E270000u | (uint32_t)ra << 5 | V0);   /* fmov s0, w */
            else
                fmov_dx(c, V0, ra);
            emit(c, 0x0E205800u | V0 << 5 | V0);   /* cnt v0.8b, v0.8b */
            emit(c, 0x0E31B800u | V0 << 5 | V0);   /* addv b0, v0.8b */
            int r = gdst(c, a1, X0);
            emit(c, 0x1E260000u | V0 << 5 | (uint32_t)r);   /* fmov w, s0 */
            gput(c, a1, r);
            break;
        }
        case OP_I32_ADD: ibin(c, 0, I_ADD, a1, a2, a3); break;
        case OP_I32_SUB: ibin(c, 0, I_SUB, a1, a2, a3); break;
        case OP_I32_MUL: ibin(c, 0, I_MUL, a1, a2, a3); break;
        case OP_I32_AND: ibin(c, 0, I_AND, a1, a2, a3); break;
        case OP_I32_OR: ibin(c, 0, I_ORR, a1, a2, a3); break;
        case OP_I32_XOR: ibin(c, 0, I_EOR, a1, a2, a3); break;
        case OP_I64_ADD: ibin(c, 1, I_ADD, a1, a2, a3); break;
        case OP_I64_SUB: ibin(c, 1, I_SUB, a1, a2, a3); break;
        case OP_I64_MUL: ibin(c, 1, I_MUL, a1, a2, a3); break;
        case OP_I64_AND: ibin(c, 1, I_AND, a1, a2, a3); break;
        case OP_I64_OR: ibin(c, 1, I_ORR, a1, a2, a3); break;
        case OP_I64_XOR: ibin(c, 1, I_EOR, a1, a2, a3); break;
        case OP_I32_DIV_S: idiv(c, 0, true, false, a1, a2, a3); break;
        case OP_I32_DIV_U: idiv(c, 0, false, false, a1, a2, a3); break;
        case OP_I32_REM_S: idiv(c, 0, true, true, a1, a2, a3); break;
        case OP_I32_REM_U: idiv(c, 0, false, true, a1, a2, a3); break;
        case OP_I64_DIV_S: idiv(c, 1, true, false, a1, a2, a3); break;
        case OP_I64_DIV_U: idiv(c, 1, false, false, a1, a2, a3); break;
        case OP_I64_REM_S: idiv(c, 1, true, true, a1, a2, a3); break;
        case OP_I64_REM_U: idiv(c, 1, false, true, a1, a2, a3); break;
        case OP_I32_SHL: ibin(c, 0, I_LSLV, a1, a2, a3); break;
        case OP_I32_SHR_S: ibin(c, 0, I_ASRV, a1, a2, a3); break;
        case OP_I32_SHR_U: ibin(c, 0, I_LSRV, a1, a2, a3); break;
        case OP_I32_ROTL: irot(c, 0, true, a1, a2, a3); break;
        case OP_I32_ROTR: irot(c, 0, false, a1, a2, a3); break;
        case OP_I64_SHL: ibin(c, 1, I_LSLV, a1, a2, a3); break;
        case OP_I64_SHR_S: ibin(c, 1, I_ASRV, a1, a2, a3); break;
        case OP_I64_SHR_U: ibin(c, 1, I_LSRV, a1, a2, a3); break;
        case OP_I64_ROTL: irot(c, 1, true, a1, a2, a3); break;
        case OP_I64_ROTR: irot(c, 1, false, a1, a2, a3); break;
        case OP_I32_ADD_I: iadd_imm(c, 0, false, a1, a2, a3); break;
        case OP_I32_SUB_I: iadd_imm(c, 0, true, a1, a2, a3); break;
        case OP_I64_ADD_I: iadd_imm(c, 1, false, a1, a2, a3); break;
        case OP_I64_SUB_I: iadd_imm(c, 1, true, a1, a2, a3); break;
        case OP_I32_AND_I: ilogic_imm(c, 0, 0x12000000u, I_AND, a1, a2, a3); break;
        case OP_I32_OR_I: ilogic_imm(c, 0, 0x32000000u, I_ORR, a1, a2, a3); break;
        case OP_I32_XOR_I: ilogic_imm(c, 0, 0x52000000u, I_EOR, a1, a2, a3); break;
        case OP_I64_AND_I: ilogic_imm(c, 1, 0x12000000u, I_AND, a1, a2, a3); break;
        case OP_I64_OR_I: ilogic_imm(c, 1, 0x32000000u, I_ORR, a1, a2, a3); break;
        case OP_I64_XOR_I: ilogic_imm(c, 1, 0x52000000u, I_EOR, a1, a2, a3); break;
        case OP_I32_MUL_I: case OP_I64_MUL_I: {
            int w = op == OP_I64_MUL_I;
            int ra = gsrc(c, a2, X0), r = gdst(c, a1, X0);
            mov_imm(c, X16, w ? (uint64_t)(int64_t)(int32_t)a3 : a3, w);
            rrr(c, w, I_MUL, r, ra, X16);
            gput(c, a1, r);
            break;
        }
        case OP_I32_SHL_I: ishift_imm(c, 0, 0, a1, a2, a3); break;
        case OP_I32_SHR_S_I: ishift_imm(c, 0, 2, a1, a2, a3); break;
        case OP_I32_SHR_U_I: ishift_imm(c, 0, 1, a1, a2, a3); break;
        case OP_I64_SHL_I: ishift_imm(c, 1, 0, a1, a2, a3); break;
        case OP_I64_SHR_S_I: ishift_imm(c, 1, 2, a1, a2, a3); break;
        case OP_I64_SHR_U_I: ishift_imm(c, 1, 1, a1, a2, a3); break;
        /* floats */
        case OP_F32_ADD: fbin(c, false, 0x1E202800u, a1, a2, a3); break;
        case OP_F32_SUB: fbin(c, false, 0x1E203800u, a1, a2, a3); break;
        case OP_F32_MUL: fbin(c, false, 0x1E200800u, a1, a2, a3); break;
        case OP_F32_DIV: fbin(c, false, 0x1E201800u, a1, a2, a3); break;
        case OP_F64_ADD: fbin(c, true, 0x1E202800u, a1, a2, a3); break;
        case OP_F64_SUB: fbin(c, true, 0x1E203800u, a1, a2, a3); break;
        case OP_F64_MUL: fbin(c, true, 0x1E200800u, a1, a2, a3); break;
        case OP_F64_DIV: fbin(c, true, 0x1E201800u, a1, a2, a3); break;
        case OP_F32_SQRT: fun(c, false, 0x1E21C000u, a1, a2); break;
        case OP_F64_SQRT: fun(c, true, 0x1E21C000u, a1, a2); break;
        /* frintp, frintm, frintz, frintn: ceil, floor, trunc, nearest (ties to even) */
        case OP_F32_CEIL: fun(c, false, 0x1E24C000u, a1, a2); break;
        case OP_F32_FLOOR: fun(c, false, 0x1E254000u, a1, a2); break;
        case OP_F32_TRUNC: fun(c, false, 0x1E25C000u, a1, a2); break;
        case OP_F32_NEAREST: fun(c, false, 0x1E244000u, a1, a2); break;
        case OP_F64_CEIL: fun(c, true, 0x1E24C000u, a1, a2); break;
        case OP_F64_FLOOR: fun(c, true, 0x1E254000u, a1, a2); break;
        case OP_F64_TRUNC: fun(c, true, 0x1E25C000u, a1, a2); break;
        case OP_F64_NEAREST: fun(c, true, 0x1E244000u, a1, a2); break;
        case OP_F32_ABS: case OP_F32_NEG: case OP_F64_ABS: case OP_F64_NEG: {
            /* sign-bit operations on the bits: NaN payloads are kept */
            bool f64 = op == OP_F64_ABS || op == OP_F64_NEG;
            bool abs = op == OP_F32_ABS || op == OP_F64_ABS;
            if (lkind(c, a1) == JL_XMM) {
                fun(c, f64, abs ? 0x1E20C000u : 0x1E214000u, a1, a2);   /* fabs / fneg */
                break;
            }
            int ra = gsrc(c, a2, X0), r = gdst(c, a1, X0);
            uint64_t sign = f64 ? (uint64_t)1 << 63 : 0x80000000u;
            if (abs)
                logic_imm(c, f64, 0x12000000u, I_AND, r, ra, ~sign & (f64 ? ~(uint64_t)0 : 0xFFFFFFFFu));
            else
                logic_imm(c, f64, 0x52000000u, I_EOR, r, ra, sign);
            gput(c, a1, r);
            break;
        }
        case OP_F32_COPYSIGN: case OP_F64_COPYSIGN: {
            int w = op == OP_F64_COPYSIGN;
            uint64_t sign = w ? (uint64_t)1 << 63 : 0x80000000u;
            int ra = gsrc(c, a2, X0), rb = gsrc(c, a3, X1);
            logic_imm(c, w, 0x12000000u, I_AND, X0, ra, ~sign & (w ? ~(uint64_t)0 : 0xFFFFFFFFu));
            logic_imm(c, w, 0x12000000u, I_AND, X1, rb, sign);
            int r = gdst(c, a1, X0);
            rrr(c, w, I_ORR, r, X0, X1);
            gput(c, a1, r);
            break;
        }
        /* conversions */
        case OP_I32_WRAP_I64: case OP_I64_EXTEND_I32_U: {
            int ra = gsrc(c, a2, X0), r = gdst(c, a1, X0);
            mov_w(c, r, ra);   /* even in place */
            gput(c, a1, r);
            break;
        }
        case OP_I64_EXTEND_I32_S: case OP_I64_EXTEND32_S: case OP_I32_EXTEND8_S:
        case OP_I32_EXTEND16_S: case OP_I64_EXTEND8_S: case OP_I64_EXTEND16_S: {
            static const uint32_t sx[] = {
                [0] = 0x93407C00u,   /* sxtw x */
                [1] = 0x13001C00u,   /* sxtb w */
                [2] = 0x13003C00u,   /* sxth w */
                [3] = 0x93401C00u,   /* sxtb x */
                [4] = 0x93403C00u,   /* sxth x */
            };
            uint32_t k = op == OP_I32_EXTEND8_S ? 1 : op == OP_I32_EXTEND16_S ? 2 :
                         op == OP_I64_EXTEND8_S ? 3 : op == OP_I64_EXTEND16_S ? 4 : 0;
            int ra = gsrc(c, a2, X0), r = gdst(c, a1, X0);
            emit(c, sx[k] | (uint32_t)ra << 5 | (uint32_t)r);
            gput(c, a1, r);
            break;
        }
        case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I32_U: case OP_F32_CONVERT_I64_S:
        case OP_F32_CONVERT_I64_U: case OP_F64_CONVERT_I32_S: case OP_F64_CONVERT_I32_U:
        case OP_F64_CONVERT_I64_S: case OP_F64_CONVERT_I64_U: {
            /* scvtf / ucvtf: one rounding, by the current (nearest) mode */
            jit_cvt_t t = wasmi_jit_cvt(op);
            bool f64 = t.f64, w = t.i64, uns = t.uns;
            int ra = gsrc(c, a2, X0), v = vdst(c, a1, V0);
            emit(c, 0x1E220000u | SF(w) | (f64 ? 1u << 22 : 0) | (uns ? 1u << 16 : 0) |
                        (uint32_t)ra << 5 | (uint32_t)v);
            vput(c, a1, v);
            break;
        }
        case OP_F32_DEMOTE_F64: fun(c, false, 0x1E624000u, a1, a2); break;   /* fcvt s, d */
        case OP_F64_PROMOTE_F32: fun(c, false, 0x1E22C000u, a1, a2); break;  /* fcvt d, s */
        case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F32_U: case OP_I32_TRUNC_F64_S:
        case OP_I32_TRUNC_F64_U: case OP_I64_TRUNC_F32_S: case OP_I64_TRUNC_F32_U:
        case OP_I64_TRUNC_F64_S: case OP_I64_TRUNC_F64_U:
            trunc_op(c, pc, op, a1, a2);
            break;
        case OP_I32_TRUNC_SAT_F32_S: case OP_I32_TRUNC_SAT_F32_U: case OP_I32_TRUNC_SAT_F64_S:
        case OP_I32_TRUNC_SAT_F64_U: case OP_I64_TRUNC_SAT_F32_S: case OP_I64_TRUNC_SAT_F32_U:
        case OP_I64_TRUNC_SAT_F64_S: case OP_I64_TRUNC_SAT_F64_U: {
            /* fcvtzs / fcvtzu saturate, and give 0 for NaN: Wasm's semantics */
            jit_cvt_t t = wasmi_jit_cvt(op);
            bool w = t.i64, f64 = t.f64, uns = t.uns;
            int va = vsrc(c, a2, V0), r = gdst(c, a1, X0);
            emit(c, 0x1E380000u | SF(w) | (f64 ? 1u << 22 : 0) | (uns ? 1u << 16 : 0) |
                        (uint32_t)va << 5 | (uint32_t)r);
            gput(c, a1, r);
            break;
        }
        case OP_I32_REINTERPRET_F32: case OP_I64_REINTERPRET_F64: case OP_F32_REINTERPRET_I32:
        case OP_F64_REINTERPRET_I64: case OP_MOV:
            mov_slot(c, a1, a2);
            break;
        case OP_F32_MIN: case OP_F32_MAX: case OP_F64_MIN: case OP_F64_MAX:
        case OP_MEMORY_GROW: case OP_MEMORY_INIT: case OP_DATA_DROP: case OP_MEMORY_COPY:
        case OP_MEMORY_FILL: case OP_TABLE_GET: case OP_TABLE_SET: case OP_TABLE_SIZE:
        case OP_TABLE_GROW: case OP_TABLE_FILL: case OP_TABLE_COPY: case OP_TABLE_INIT:
        case OP_ELEM_DROP: case OP_REF_FUNC:
            slowop(c, pc, op);
            break;
        case OP_MOV128: case OP_SELECT128: case OP_GLOBAL_GET128: case OP_GLOBAL_SET128:
        case OP_SIMD: case OP_SIMD_M:
            emit_v128_op(c, pc, op, ip);   /* NEON (jit_a64_simd.c) */
            break;
        case OP_REF_IS_NULL:
            cmp_slot_imm(c, 1, a2, 0);
            setcc_to(c, CC_EQ, a1);
            break;
        case OP_MEMORY_SIZE: {
            int r = gdst(c, a1, X0);
            ldst(c, LDRW, r, RMO, (int64_t)offsetof(wasm_memory_t, pages));
            gput(c, a1, r);
            break;
        }
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
            cmp_slot_imm(c, 0, a1, (int32_t)a2);
            br_cc(c, cmp_cc[op - OP_BR_I32_EQ_I], pc, (int32_t)a3);
            break;
        case OP_BR_I32_EQZ: case OP_BR_I32_NEZ: case OP_BR_I64_EQZ: case OP_BR_I64_NEZ: {
            int w = op == OP_BR_I64_EQZ || op == OP_BR_I64_NEZ;
            cmp_slot_imm(c, w, a1, 0);
            br_cc(c, op == OP_BR_I32_EQZ || op == OP_BR_I64_EQZ ? CC_EQ : CC_NE, pc, (int32_t)a2);
            break;
        }
        case OP_BR:
            br_to(c, pc, (int32_t)a1);
            break;
        case OP_BR_TABLE: {
            uint32_t n = a2;
            int ri = gsrc(c, a1, X0);
            mov_imm(c, X1, n, 0);
            rrr(c, 0, I_SUBS, XZR, ri, X1);
            /* csel w0, wi, w1, lo: clamp to the default */
            emit(c, 0x1A800000u | X1 << 16 | CC_LO << 12 | (uint32_t)ri << 5 | X0);
            /* adr x1, table; add x1, x1, x0, lsl #2; br x1 */
            emit(c, 0x10000000u | (12u >> 2) << 5 | X1);
            emit(c, 0x8B000000u | X0 << 16 | 2u << 10 | X1 << 5 | X1);
            emit(c, 0xD61F0000u | X1 << 5);
            uint32_t tab = c->b.len;
            uint32_t nback = 0;
            for (uint32_t k = 0; k <= n; k++) {
                int32_t off = (int32_t)ip[3 + k];
                if (off > 0) {
                    wasmi_jit_addfix(&c->b, &c->b.fx, b_(c), (uint32_t)((int32_t)pc + off));
                } else {
                    b_(c);   /* to a safe-point stub, linked below */
                    nback++;
                }
            }
            if (nback) {
                for (uint32_t k = 0; k <= n; k++) {
                    int32_t off = (int32_t)ip[3 + k];
                    if (off > 0)
                        continue;
                    link(c, tab + 4 * k, c->b.len);
                    br_to(c, pc, off);
                }
            }
            break;
        }
        case OP_UNREACHABLE:
            far_fix(c, b_(c), WASM_TRAP_UNREACHABLE);
            break;
        case OP_RETURN0:
            epilogue(c);
            break;
        case OP_RETURN1:
            mov_slot(c, 0, a1);
            epilogue(c);
            break;
        case OP_RETURN:
            for (uint32_t k = 0; k < a2; k++)
                mov_slot(c, k, a1 + k);
            epilogue(c);
            break;
        case OP_SAFEPOINT:
            safepoint(c);
            break;
        case OP_CONST32: case OP_CONST64: {
            uint64_t v = op == OP_CONST32 ? a2 : (uint64_t)a2 | (uint64_t)a3 << 32;
            if (lkind(c, a1) == JL_MEM && v == 0) {
                ldst(c, STRX, XZR, RFP, sdisp(a1));
                break;
            }
            int r = gdst(c, a1, X0);
            mov_imm(c, r, v, 1);
            gput(c, a1, r);
            break;
        }
        case OP_SELECT: {
            int ra = gsrc(c, a2, X0), rb = gsrc(c, a3, X1), rc = gsrc(c, ip[4], X2);
            cmp_imm(c, 0, rc, 0);
            int r = gdst(c, a1, X0);
            emit(c, 0x9A800000u | (uint32_t)rb << 16 | CC_NE << 12 | (uint32_t)ra << 5 |
                        (uint32_t)r);   /* csel x, a, b, ne */
            gput(c, a1, r);
            break;
        }
        case OP_GLOBAL_GET: {
            ldst(c, LDRX, X0, RIN, (int64_t)offsetof(wasm_instance_t, globals));
            ldst(c, LDRX, X0, X0, (int64_t)a2 * 8);
            if (lkind(c, a1) == JL_XMM) {
                ldst(c, LDRD, lvr(c, a1), X0, (int64_t)offsetof(wasm_global_t, value));
                break;
            }
            int r = gdst(c, a1, X0);
            ldst(c, LDRX, r, X0, (int64_t)offsetof(wasm_global_t, value));
            gput(c, a1, r);
            break;
        }
        case OP_GLOBAL_SET: {
            ldst(c, LDRX, X0, RIN, (int64_t)offsetof(wasm_instance_t, globals));
            ldst(c, LDRX, X0, X0, (int64_t)a2 * 8);
            if (lkind(c, a1) == JL_XMM) {
                ldst(c, STRD, lvr(c, a1), X0, (int64_t)offsetof(wasm_global_t, value));
                break;
            }
            int r = gsrc(c, a1, X1);
            ldst(c, STRX, r, X0, (int64_t)offsetof(wasm_global_t, value));
            break;
        }
        case OP_I32_LOAD: case OP_I64_LOAD: case OP_F32_LOAD: case OP_F64_LOAD:
        case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I32_LOAD16_S: case OP_I32_LOAD16_U:
        case OP_I64_LOAD8_S: case OP_I64_LOAD8_U: case OP_I64_LOAD16_S: case OP_I64_LOAD16_U:
        case OP_I64_LOAD32_S: case OP_I64_LOAD32_U:
            load_op(c, 0, op, a1, a2, a3);
            break;
        case OP_I32_STORE: case OP_I64_STORE: case OP_F32_STORE: case OP_F64_STORE:
        case OP_I32_STORE8: case OP_I32_STORE16: case OP_I64_STORE8: case OP_I64_STORE16:
        case OP_I64_STORE32:
            store_op(c, 0, op, a1, a2, a3);
            break;
        case OP_CALL: {
            uint32_t fidx = a1, base = a2;
            const wasmi_functype_t *t = &m->types[m->func_type[fidx]];
            if (fidx >= m->nfunc_imports) {
                spill_range(c, base, base + t->pcells);
                add_imm(c, 1, RFP, RFP, sdisp(base));
                call_near(c, true, 0, fidx - m->nfunc_imports);
                add_imm(c, 1, RFP, RFP, -sdisp(base));
                reload_range(c, base, base + t->rcells);
            } else {
                ldst(c, LDRX, X0, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
                ldst(c, LDRX, X0, X0, (int64_t)fidx * 8);
                call_func(c, base, t->pcells, t->rcells);
            }
            break;
        }
        case OP_CALL_INDIRECT: {
            const wasmi_canon_type_t *ct = &m->rt->canon[a2];
            indirect_func(c, a1, a2, a3);
            call_func(c, ip[4], wasmi_types_cells(ct->types, ct->nparams),
                      wasmi_types_cells(ct->types + ct->nparams, ct->nresults));
            break;
        }
        case OP_RETURN_CALL: {
            uint32_t np = m->types[m->func_type[a1]].pcells;
            if (a1 >= m->nfunc_imports) {
                tail_direct(c, a2, np, a1 - m->nfunc_imports);
            } else {
                ldst(c, LDRX, X0, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
                ldst(c, LDRX, X0, X0, (int64_t)a1 * 8);
                tail_func(c, a2, np);
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
        default:
            return false;   /* an op this back end does not know: interpret the function */
        }
        pc += (uint32_t)nw;
        if (c->b.oom)
            return false;
    }
    c->noff[d->code_len] = c->b.len;
    far_fix(c, b_(c), WASM_TRAP_UNREACHABLE);   /* (the code never falls off its end) */
    /* Safe-point slow paths. */
    for (uint32_t i = 0; i < c->nsp; i++) {
        bind(c, c->sp[i].j1);
        bind(c, c->sp[i].j2);
        spill_all(c);
        save_foreign(c);
        mov_rr(c, X0, REX_);
        call_abs(c, (const void *)wasmi_jit_safepoint);
        restore_foreign(c);
        reload_all(c);
        check_trap(c);
        link(c, b_(c), c->sp[i].resume);
    }
    for (uint32_t i = 0; i < c->b.fx.n; i++)
        link(c, c->b.fx.v[i].at, c->noff[c->b.fx.v[i].target]);
    /* The function's branches to module-level targets, one `b` each. */
    uint32_t here[NFAR];
    for (uint32_t k = 0; k < NFAR; k++)
        here[k] = UINT32_MAX;
    for (uint32_t i = 0; i < c->ffx.n; i++) {
        uint32_t k = c->ffx.v[i].target;
        if (here[k] == UINT32_MAX) {
            here[k] = c->b.len;
            link(c, b_(c), c->far[k]);
        }
        link(c, c->ffx.v[i].at, here[k]);
    }
    simd_pool_flush(c);
    return !c->b.oom && !c->range;
}

/* A def the back end could not compile, called directly: interpret it. Its
 * callers treat it as a compiled callee, so it saves every slot register C
 * may clobber, and x30. */
static void emit_thunk(jc_t *c, uint32_t func_index)
{
    uint32_t area = ((1 + NGPR_VOLATILE + NVR_VOLATILE) * 8 + 15) & ~15u;
    add_imm(c, 1, SP, SP, -(int64_t)area);
    ldst(c, STRX, LR, SP, 0);
    for (int i = 0; i < NGPR_VOLATILE; i++)
        ldst(c, STRX, slot_gpr[i], SP, 8 + 8 * i);
    for (int i = 0; i < NVR_VOLATILE; i++)
        ldst(c, STRD, slot_vr[i], SP, 8 + 8 * (NGPR_VOLATILE + i));
    ldst(c, LDRX, X1, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
    ldst(c, LDRX, X1, X1, (int64_t)func_index * 8);
    mov_rr(c, X0, REX_);
    mov_rr(c, X2, RFP);
    mov_rr(c, 3, RIN);
    mov_rr(c, 4, XZR);
    ctx_st(c, RFUEL, offsetof(wasm_exec_t, fuel));
    call_abs(c, (const void *)wasmi_jit_call_slow);
    ctx_ld(c, RFUEL, offsetof(wasm_exec_t, fuel));
    uint32_t ok = cbz(c, 0, X0, false);
    link(c, b_(c), c->far[FAR_UNWIND]);
    bind(c, ok);
    for (int i = 0; i < NGPR_VOLATILE; i++)
        ldst(c, LDRX, slot_gpr[i], SP, 8 + 8 * i);
    for (int i = 0; i < NVR_VOLATILE; i++)
        ldst(c, LDRD, slot_vr[i], SP, 8 + 8 * (NGPR_VOLATILE + i));
    ldst(c, LDRX, LR, SP, 0);
    add_imm(c, 1, SP, SP, area);
    emit(c, 0xD65F03C0u);   /* ret */
}

/* Stubs and the entry trampoline, at the start of the region. Offset 0 is
 * the out-of-bounds stub: the platform's fault handler resumes there. */
static void emit_header(jc_t *c)
{
    uint32_t to_unwind[WASM_TRAP_KIND_COUNT];
    uint32_t n = 0;
    c->far[WASM_TRAP_OOB_MEMORY] = c->b.len;   /* offset 0 */
    mov_imm(c, X0, WASM_TRAP_OOB_MEMORY, 0);
    to_unwind[n++] = b_(c);
    for (uint32_t k = 1; k < WASM_TRAP_KIND_COUNT; k++) {
        if (k == WASM_TRAP_OOB_MEMORY)
            continue;
        c->far[k] = c->b.len;
        mov_imm(c, X0, k, 0);
        to_unwind[n++] = b_(c);
    }
    c->far[FAR_UNWIND] = c->b.len;
    ctx_ld(c, X16, offsetof(wasm_exec_t, jit_sp));
    add_imm(c, 1, SP, X16, 0);   /* mov sp, x16 */
    uint32_t to_exit = b_(c);   /* (the exit path writes the fuel back) */
    for (uint32_t k = 0; k < n; k++)
        link(c, to_unwind[k], c->far[FAR_UNWIND]);
    /* uint32_t enter(ex = x0, f = x1, fp = x2, entry = x3): saves every
     * callee-saved register compiled code uses (a trap skips the epilogues) */
    c->tramp = c->b.len;
    emit(c, 0xA9B47BFDu);   /* stp x29, x30, [sp, #-192]! */
    emit(c, 0x910003FDu);   /* mov x29, sp */
    emit(c, 0xA90153F3u);   /* stp x19, x20, [sp, #16] */
    emit(c, 0xA9025BF5u);   /* stp x21, x22, [sp, #32] */
    emit(c, 0xA90363F7u);   /* stp x23, x24, [sp, #48] */
    emit(c, 0xA9046BF9u);   /* stp x25, x26, [sp, #64] */
    emit(c, 0xA90573FBu);   /* stp x27, x28, [sp, #80] */
    emit(c, 0x6D0627E8u);   /* stp d8, d9, [sp, #96] */
    emit(c, 0x6D072FEAu);   /* stp d10, d11, [sp, #112] */
    emit(c, 0x6D0837ECu);   /* stp d12, d13, [sp, #128] */
    emit(c, 0x6D093FEEu);   /* stp d14, d15, [sp, #144] */
    ldst(c, LDRX, X16, X0, (int64_t)offsetof(wasm_exec_t, jit_sp));
    ldst(c, STRX, X16, SP, 160);
    add_imm(c, 1, X16, SP, 0);   /* mov x16, sp */
    ldst(c, STRX, X16, X0, (int64_t)offsetof(wasm_exec_t, jit_sp));
    mov_rr(c, REX_, X0);
    mov_rr(c, RFP, X2);
    ldst(c, LDRX, X2, X1, (int64_t)offsetof(wasm_func_t, inst));
    load_instance(c, X2);
    ctx_ld(c, RFUEL, offsetof(wasm_exec_t, fuel));
    emit(c, 0xD63F0000u | 3u << 5);   /* blr x3 */
    mov_rr(c, X0, XZR);
    bind(c, to_exit);
    ctx_st(c, RFUEL, offsetof(wasm_exec_t, fuel));
    ldst(c, LDRX, X16, SP, 160);
    ctx_st(c, X16, offsetof(wasm_exec_t, jit_sp));
    emit(c, 0xA94153F3u);   /* ldp x19, x20, [sp, #16] */
    emit(c, 0xA9425BF5u);   /* ldp x21, x22, [sp, #32] */
    emit(c, 0xA94363F7u);   /* ldp x23, x24, [sp, #48] */
    emit(c, 0xA9446BF9u);   /* ldp x25, x26, [sp, #64] */
    emit(c, 0xA94573FBu);   /* ldp x27, x28, [sp, #80] */
    emit(c, 0x6D4627E8u);   /* ldp d8, d9, [sp, #96] */
    emit(c, 0x6D472FEAu);   /* ldp d10, d11, [sp, #112] */
    emit(c, 0x6D4837ECu);   /* ldp d12, d13, [sp, #128] */
    emit(c, 0x6D493FEEu);   /* ldp d14, d15, [sp, #144] */
    emit(c, 0xA8CC7BFDu);   /* ldp x29, x30, [sp], #192 */
    emit(c, 0xD65F03C0u);   /* ret */
}

/* Instruction-cache maintenance for new code: clean the data cache to the
 * point of unification, invalidate the instruction cache, then synchronise
 * (line sizes from CTR_EL0, readable at EL0 on Linux and at EL1). */
static void sync_icache(const uint8_t *p, size_t n)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    uintptr_t dline = (uintptr_t)4 << ((ctr >> 16) & 15), iline = (uintptr_t)4 << (ctr & 15);
    uintptr_t a = (uintptr_t)p, e = a + n;
    for (uintptr_t x = a & ~(dline - 1); x < e; x += dline)
        __asm__ volatile("dc cvau, %0" : : "r"(x) : "memory");
    __asm__ volatile("dsb ish" : : : "memory");
    for (uintptr_t x = a & ~(iline - 1); x < e; x += iline)
        __asm__ volatile("ic ivau, %0" : : "r"(x) : "memory");
    __asm__ volatile("dsb ish\n\tisb" : : : "memory");
}

bool wasmi_jit_arch_available(void)
{
    return true;
}

/* Whether the function has v128 ops (decoded). */
static bool has_v128(const jit_fn_t *fn)
{
    for (uint32_t pc = 0; pc < fn->d->code_len; pc++)
        if (v128_op(fn->op[pc]))
            return true;
    return false;
}

bool wasmi_jit_arch_compile(wasm_module_t *m, wasmi_jit_t *j)
{
    jc_t c;
    __builtin_memset(&c, 0, sizeof c);
    c.m = m;
    c.guard = m->rt->guard;
    uint32_t ndefs = m->nfuncs - m->nfunc_imports;
    c.def_off = wasm_plat_alloc((ndefs + 1) * sizeof *c.def_off);
    bool *ok = wasm_plat_alloc(ndefs + 1);
    bool mapok;
    void *opmap = wasmi_jit_opmap_new(m->rt, &mapok);
    bool good = c.def_off && ok && mapok;
    if (good)
        emit_header(&c);
    for (uint32_t i = 0; good && i < ndefs; i++) {
        jit_fn_t fn;
        wasmi_jit_fn_init(&fn, m, i);
        uint32_t start = c.b.len;
        c.fn = &fn;
        c.code = fn.d->code;
        c.noff = wasm_plat_alloc((fn.d->code_len + 1) * sizeof *c.noff);
        bool fok = c.noff && fn.func_index >= m->rt->jit_lo && fn.func_index < m->rt->jit_hi &&
                   wasmi_jit_decode(&fn, opmap);
        c.simd = fok && has_v128(&fn);
        fok = fok && wasmi_jit_alloc_slots(&fn, NGPR, c.simd ? NVR_SIMD : NVR);
        uint32_t ncfx = c.b.cfx.n;
        if (fok) {
            while (c.b.len % 16)
                emit(&c, 0xD503201Fu);   /* nop: function entries 16-byte aligned */
            start = c.b.len;
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
        wasm_plat_free(c.noff);
        c.noff = NULL;
        wasmi_jit_fn_free(&fn);
    }
    for (uint32_t i = 0; good && i < ndefs; i++)
        if (!ok[i]) {
            c.def_off[i] = c.b.len;
            emit_thunk(&c, m->nfunc_imports + i);
        }
    c.range = false;
    for (uint32_t i = 0; good && i < c.b.cfx.n; i++)
        link(&c, c.b.cfx.v[i].at, c.def_off[c.b.cfx.v[i].target]);
    good = good && !c.b.oom && !c.range;   /* (over 128 MiB of code: interpret it all) */
    uint8_t *code = NULL;
    size_t size = 0;
    if (good) {
        code = wasmi_jit_install(&c.b, &size);
        good = code != NULL;
    }
    if (good)
        sync_icache(code, c.b.len);
    if (good)
        wasmi_jit_publish(m, j, code, size, c.guard, c.tramp, c.def_off, ok);
    wasm_plat_free(opmap);
    wasm_plat_free(ok);
    wasm_plat_free(c.def_off);
    wasmi_jit_buf_free(&c.b);
    wasm_plat_free(c.ffx.v);
    wasm_plat_free(c.sp);
    wasm_plat_free(c.q.tgt);
    wasm_plat_free(c.q.pool);
    return good;
}

#endif /* __aarch64__ */
