/*
 * The compiled tier's riscv64 (RV64GC) back end: internal code (ops.h) to
 * machine code, one pass per function, slots in registers (docs/compiler.md).
 * The same design as jit_x64.c and jit_a64.c; only the instructions differ.
 *
 * Registers in compiled code (ABI names):
 *   s1 exec context    s2 frame (fp)      s3 linear memory base
 *   s4 memory object   s5 instance        s6 fuel (ex->fuel around C calls)
 *   a2-a7 t3-t5 s7-s11   slots (14)
 *   t0-t2 a0 a1 ft0-ft2  scratch; t6 only builds addresses and constants
 *   ra saved by every compiled function; gp, tp, s0 untouched
 * Float slots live in integer registers or frame cells, never in float
 * registers: an f32 in a float register is NaN-boxed (upper bits all ones),
 * which is not the canonical form, so float operations load their operands
 * into scratch float registers and put results back as canonical bits.
 * Every value has one canonical 64-bit form (i32 and f32 zero-extended); the
 * RV64 32-bit operations sign-extend, so their results are zero-extended
 * again (slli/srli by 32).
 */
#include "jit_emit.h"
#include "ops.h"

#if defined(__riscv) && __riscv_xlen == 64

#include <stddef.h>

#define ZERO 0
#define RA 1
#define SP 2
#define T0 5
#define T1 6
#define T2 7
#define A0 10
#define A1 11
#define T6 31
#define REX_ 9    /* s1: exec context */
#define RFP 18    /* s2 */
#define RMB 19    /* s3 */
#define RMO 20    /* s4 */
#define RIN 21    /* s5 */
#define RFUEL 22  /* s6 */
#define F0 0
#define F1 1
#define F2 2

static const uint8_t slot_gpr[] = {12, 13, 14, 15, 16, 17, 28, 29, 30, 23, 24, 25, 26, 27};
#define NGPR 14
#define NGPR_VOLATILE 9   /* C may clobber the slot registers below this index */

/* Branch conditions: funct3 of beq bne blt bge bltu bgeu; the inverse is ^1. */
enum { B_EQ = 0, B_NE = 1, B_LT = 4, B_GE = 5, B_LTU = 6, B_GEU = 7 };

/* The ten integer comparisons of ops.h (eq ne lt_s lt_u gt_s gt_u le_s le_u
 * ge_s ge_u) as a branch condition, operands swapped or not. */
static const struct { uint8_t f3, swap, sgn; } cmp_br[10] = {
    {B_EQ, 0, 0}, {B_NE, 0, 0}, {B_LT, 0, 1}, {B_LTU, 0, 0}, {B_LT, 1, 1},
    {B_LTU, 1, 0}, {B_GE, 1, 1}, {B_GEU, 1, 0}, {B_GE, 0, 1}, {B_GEU, 0, 0},
};

typedef struct spstub {
    uint32_t j1, j2, resume;
} spstub_t;

#define FAR_UNWIND WASM_TRAP_KIND_COUNT
#define NFAR (WASM_TRAP_KIND_COUNT + 1)

typedef struct jc {
    jit_buf_t b;              /* the code and its fixups (to JALs, branches, AUIPC + JALR) */
    bool range;
    wasm_module_t *m;
    jit_fn_t *fn;
    const uint32_t *code;
    uint32_t *noff;
    jit_fixes_t ffx;          /* branches to module-level targets (trap stubs, unwind) */
    spstub_t *sp;
    uint32_t nsp, spcap;
    uint32_t far[NFAR];
    uint32_t tramp;
    uint32_t *def_off;
    uint32_t gmask;
    uint32_t area;
    bool guard;
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

static void put4at(jc_t *c, uint32_t at, uint32_t v) { __builtin_memcpy(c->b.p + at, &v, 4); }

/* Points the jump at `at` to native offset `to`: a JAL (1 MiB), a branch
 * (4 KiB), or an AUIPC + JALR pair (2 GiB). */
static void link(jc_t *c, uint32_t at, uint32_t to)
{
    if (c->b.oom || at + 4 > c->b.len)
        return;
    int64_t off = (int64_t)to - (int64_t)at;
    uint32_t insn = get4(c, at), u = (uint32_t)off;
    switch (insn & 0x7F) {
    case 0x6F:   /* jal */
        if (off < -(1 << 20) || off >= (1 << 20))
            c->range = true;
        insn = (insn & 0xFFF) | (u >> 20 & 1) << 31 | (u >> 1 & 0x3FF) << 21 | (u >> 11 & 1) << 20 |
               (u >> 12 & 0xFF) << 12;
        put4at(c, at, insn);
        break;
    case 0x63:   /* branch */
        if (off < -(1 << 12) || off >= (1 << 12))
            c->range = true;
        insn = (insn & 0x01FFF07F) | (u >> 12 & 1) << 31 | (u >> 5 & 0x3F) << 25 |
               (u >> 1 & 0xF) << 8 | (u >> 11 & 1) << 7;
        put4at(c, at, insn);
        break;
    case 0x17: { /* auipc + jalr */
        if (at + 8 > c->b.len || off < -((int64_t)1 << 31) || off >= ((int64_t)1 << 31) - 0x800) {
            c->range = true;
            break;
        }
        uint32_t hi = (uint32_t)((off + 0x800) >> 12), lo = (uint32_t)(off - ((int64_t)(int32_t)(hi << 12)));
        put4at(c, at, (insn & 0xFFF) | hi << 12);
        put4at(c, at + 4, (get4(c, at + 4) & 0xFFFFF) | (lo & 0xFFF) << 20);
        break;
    }
    default:
        c->range = true;
    }
}

/* ------------------------------------------------------------ encoding */

static void r_(jc_t *c, uint32_t op, uint32_t f3, uint32_t f7, int rd, int rs1, int rs2)
{
    emit(c, f7 << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | f3 << 12 | (uint32_t)rd << 7 | op);
}

static void i_(jc_t *c, uint32_t op, uint32_t f3, int rd, int rs1, int32_t imm)
{
    emit(c, ((uint32_t)imm & 0xFFF) << 20 | (uint32_t)rs1 << 15 | f3 << 12 | (uint32_t)rd << 7 | op);
}

static void s_(jc_t *c, uint32_t op, uint32_t f3, int rs1, int rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    emit(c, (u >> 5 & 0x7F) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | f3 << 12 |
                (u & 0x1F) << 7 | op);
}

enum { OP = 0x33, OP32 = 0x3B, OPI = 0x13, OPI32 = 0x1B, LOAD = 0x03, STORE = 0x23,
       LOADFP = 0x07, STOREFP = 0x27, OPFP = 0x53 };

static bool fits12(int64_t v) { return v >= -2048 && v < 2048; }

static void addi(jc_t *c, int rd, int rs, int32_t imm) { i_(c, OPI, 0, rd, rs, imm); }
static void mv(jc_t *c, int rd, int rs)
{
    if (rd != rs)
        addi(c, rd, rs, 0);
}
static void slli(jc_t *c, int rd, int rs, uint32_t sh) { i_(c, OPI, 1, rd, rs, (int32_t)(sh & 63)); }
static void srli(jc_t *c, int rd, int rs, uint32_t sh) { i_(c, OPI, 5, rd, rs, (int32_t)(sh & 63)); }
static void srai(jc_t *c, int rd, int rs, uint32_t sh) { i_(c, OPI, 5, rd, rs, (int32_t)(0x400 | (sh & 63))); }
static void zext32(jc_t *c, int rd, int rs)
{
    slli(c, rd, rs, 32);
    srli(c, rd, rd, 32);
}
static void sext32(jc_t *c, int rd, int rs) { i_(c, OPI32, 0, rd, rs, 0); }   /* addiw */

static void li(jc_t *c, int rd, int64_t v)
{
    if (v >= INT32_MIN && v <= INT32_MAX) {
        int64_t hi = (v + 0x800) >> 12, lo = v - (hi << 12);
        if (hi) {
            emit(c, ((uint32_t)hi & 0xFFFFF) << 12 | (uint32_t)rd << 7 | 0x37);   /* lui */
            if (lo)
                i_(c, OPI32, 0, rd, rd, (int32_t)lo);                              /* addiw */
        } else {
            addi(c, rd, ZERO, (int32_t)lo);
        }
        return;
    }
    /* the upper part (recursively), shifted, plus the sign-extended low 12 bits */
    int64_t lo = (int64_t)((uint64_t)v << 52) >> 52;
    int64_t hi = (int64_t)((uint64_t)v - (uint64_t)lo) >> 12;   /* not 0: v is not an int32 */
    uint32_t sh = 12;
    while (!(hi & 1)) {
        hi >>= 1;
        sh++;
    }
    li(c, rd, hi);
    slli(c, rd, rd, sh);
    if (lo)
        addi(c, rd, rd, (int32_t)lo);
}

/* rd = rs + imm (any size; t6 holds a large one). */
static void addi_any(jc_t *c, int rd, int rs, int64_t imm)
{
    if (fits12(imm)) {
        if (imm || rd != rs)
            addi(c, rd, rs, (int32_t)imm);
    } else {
        li(c, T6, imm);
        r_(c, OP, 0, 0, rd, rs, T6);
    }
}

/* Loads (funct3: lb 0, lh 1, lw 2, ld 3, lbu 4, lhu 5, lwu 6) and stores
 * (sb 0, sh 1, sw 2, sd 3) at [base + disp]; t6 reaches far ones. */
static void ld_(jc_t *c, uint32_t op, uint32_t f3, int rd, int base, int64_t disp)
{
    if (!fits12(disp)) {
        li(c, T6, disp);
        r_(c, OP, 0, 0, T6, T6, base);
        base = T6;
        disp = 0;
    }
    i_(c, op, f3, rd, base, (int32_t)disp);
}

static void st_(jc_t *c, uint32_t op, uint32_t f3, int rs, int base, int64_t disp)
{
    if (!fits12(disp)) {
        li(c, T6, disp);
        r_(c, OP, 0, 0, T6, T6, base);
        base = T6;
        disp = 0;
    }
    s_(c, op, f3, base, rs, (int32_t)disp);
}

static void ldx(jc_t *c, int rd, int base, int64_t disp) { ld_(c, LOAD, 3, rd, base, disp); }
static void stx(jc_t *c, int rs, int base, int64_t disp) { st_(c, STORE, 3, rs, base, disp); }
static void ldw(jc_t *c, int rd, int base, int64_t disp) { ld_(c, LOAD, 6, rd, base, disp); }  /* lwu */

static void ctx_ld(jc_t *c, int r, size_t off) { ldx(c, r, REX_, (int64_t)off); }
static void ctx_st(jc_t *c, int r, size_t off) { stx(c, r, REX_, (int64_t)off); }

/* Jump placeholders: their position, linked later. */
static uint32_t jal_(jc_t *c, int rd)
{
    emit(c, (uint32_t)rd << 7 | 0x6F);
    return c->b.len - 4;
}

/* A conditional jump of 1 MiB: the inverse branch over a jal. */
static uint32_t bcc(jc_t *c, uint32_t f3, int rs1, int rs2)
{
    /* b!cond rs1, rs2, +8 */
    emit(c, (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | (f3 ^ 1) << 12 | 4u << 8 | 0x63);
    return jal_(c, ZERO);
}

static void bind(jc_t *c, uint32_t at) { link(c, at, c->b.len); }

static void call_abs(jc_t *c, const void *fn)
{
    li(c, T6, (int64_t)(uintptr_t)fn);
    i_(c, 0x67, 0, RA, T6, 0);   /* jalr ra, 0(t6) */
}

/* ------------------------------------------------------------ slots */

static int64_t sdisp(uint32_t s) { return (int64_t)s * 8; }
static int lkind(jc_t *c, uint32_t s) { return c->fn->lk[s]; }
static int lgpr(jc_t *c, uint32_t s) { return slot_gpr[c->fn->lr[s]]; }

static int gsrc(jc_t *c, uint32_t s, int scratch)
{
    if (lkind(c, s) == JL_GPR)
        return lgpr(c, s);
    ldx(c, scratch, RFP, sdisp(s));
    return scratch;
}

static int gdst(jc_t *c, uint32_t s, int scratch)
{
    return lkind(c, s) == JL_GPR ? lgpr(c, s) : scratch;
}

static void gput(jc_t *c, uint32_t s, int r)
{
    if (lkind(c, s) == JL_GPR)
        mv(c, lgpr(c, s), r);
    else
        stx(c, r, RFP, sdisp(s));
}

/* A float operand in scratch float register f (f32: NaN-boxed by fmv.w.x). */
static int fsrc(jc_t *c, bool f64, uint32_t s, int f)
{
    if (lkind(c, s) == JL_GPR)
        r_(c, OPFP, 0, f64 ? 0x79 : 0x78, f, lgpr(c, s), 0);   /* fmv.d.x / fmv.w.x */
    else
        ld_(c, LOADFP, f64 ? 3 : 2, f, RFP, sdisp(s));         /* fld / flw */
    return f;
}

/* slot = float register f as canonical bits */
static void fput(jc_t *c, bool f64, uint32_t s, int f)
{
    int r = gdst(c, s, T0);
    r_(c, OPFP, 0, f64 ? 0x71 : 0x70, r, f, 0);   /* fmv.x.d / fmv.x.w */
    if (!f64)
        zext32(c, r, r);
    gput(c, s, r);
}

static void mov_slot(jc_t *c, uint32_t d, uint32_t s)
{
    if (d == s)
        return;
    if (lkind(c, d) == JL_GPR)
        mv(c, lgpr(c, d), gsrc(c, s, lgpr(c, d)));
    else
        gput(c, d, gsrc(c, s, T0));
}

static void spill_range(jc_t *c, uint32_t lo, uint32_t hi)
{
    uint32_t n = c->fn->d->frame_cells;
    for (uint32_t s = lo; s < hi && s < n; s++)
        if (lkind(c, s) == JL_GPR)
            stx(c, lgpr(c, s), RFP, sdisp(s));
}

static void reload_range(jc_t *c, uint32_t lo, uint32_t hi)
{
    uint32_t n = c->fn->d->frame_cells;
    for (uint32_t s = lo; s < hi && s < n; s++)
        if (lkind(c, s) == JL_GPR)
            ldx(c, lgpr(c, s), RFP, sdisp(s));
}

static void spill_all(jc_t *c) { spill_range(c, 0, UINT32_MAX); }
static void reload_all(jc_t *c) { reload_range(c, 0, UINT32_MAX); }

/* ------------------------------------------------------------ safe points, traps */

static void far_fix(jc_t *c, uint32_t at, uint32_t target)
{
    wasmi_jit_addfix(&c->b, &c->ffx, at, target);
}

static void trap_if(jc_t *c, uint32_t f3, int rs1, int rs2, wasm_trap_kind_t k)
{
    far_fix(c, bcc(c, f3, rs1, rs2), k);
}

static bool safepoint(jc_t *c)
{
#ifdef WASM_NO_SAFEPOINTS
    (void)c;
    return true;
#endif
    addi(c, RFUEL, RFUEL, -1);
    uint32_t j1 = bcc(c, B_GE, ZERO, RFUEL);   /* fuel <= 0 */
    ldw(c, T0, REX_, (int64_t)offsetof(wasm_exec_t, interrupt));
    uint32_t j2 = bcc(c, B_NE, T0, ZERO);
    if (c->nsp == c->spcap) {
        spstub_t *q = wasmi_jit_more(&c->b, c->sp, &c->spcap, sizeof *q, 16);
        if (!q)
            return false;
        c->sp = q;
    }
    c->sp[c->nsp++] = (spstub_t){j1, j2, c->b.len};
    return true;
}

static uint32_t foreign(jc_t *c, uint8_t *regs)
{
    uint32_t n = 0;
    for (int i = 0; i < NGPR_VOLATILE; i++)
        if (!(c->gmask >> i & 1))
            regs[n++] = slot_gpr[i];
    return n;
}

static void save_foreign(jc_t *c)
{
    ctx_st(c, RFUEL, offsetof(wasm_exec_t, fuel));
    uint8_t regs[NGPR];
    uint32_t n = foreign(c, regs);
    uint32_t area = (n * 8 + 15) & ~15u;
    if (area)
        addi(c, SP, SP, -(int32_t)area);
    for (uint32_t k = 0; k < n; k++)
        stx(c, regs[k], SP, 8 * k);
}

static void restore_foreign(jc_t *c)
{
    uint8_t regs[NGPR];
    uint32_t n = foreign(c, regs);
    uint32_t area = (n * 8 + 15) & ~15u;
    for (uint32_t k = 0; k < n; k++)
        ldx(c, regs[k], SP, 8 * k);
    if (area)
        addi(c, SP, SP, (int32_t)area);
    ctx_ld(c, RFUEL, offsetof(wasm_exec_t, fuel));
}

/* a0 != 0 after a helper: a trap code; unwind with it. */
static void check_trap(jc_t *c) { far_fix(c, bcc(c, B_NE, A0, ZERO), FAR_UNWIND); }

/* ------------------------------------------------------------ function frame */

static void save_regs(jc_t *c, bool load)
{
    uint32_t k = 1;
    for (int i = 0; i < NGPR; i++)
        if (c->gmask >> i & 1) {
            if (load)
                ldx(c, slot_gpr[i], SP, 8 * k++);
            else
                stx(c, slot_gpr[i], SP, 8 * k++);
        }
}

static void prologue(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    const wasmi_funcdef_t *d = fn->d;
    ctx_ld(c, T0, offsetof(wasm_exec_t, ctl_top));
    ctx_ld(c, T1, offsetof(wasm_exec_t, ctl_end));
    trap_if(c, B_GEU, T0, T1, WASM_TRAP_STACK_EXHAUSTED);
    ctx_ld(c, T1, offsetof(wasm_exec_t, native_lo));
    trap_if(c, B_LTU, SP, T1, WASM_TRAP_STACK_EXHAUSTED);
    addi_any(c, T2, RFP, sdisp(d->frame_cells));
    ctx_ld(c, T1, offsetof(wasm_exec_t, stack_end));
    trap_if(c, B_LTU, T1, T2, WASM_TRAP_STACK_EXHAUSTED);
    ldx(c, T1, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
    ldx(c, T1, T1, (int64_t)fn->func_index * 8);
    stx(c, T1, T0, (int64_t)offsetof(wasmi_ctl_t, func));
    addi(c, T0, T0, (int32_t)sizeof(wasmi_ctl_t));
    ctx_st(c, T0, offsetof(wasm_exec_t, ctl_top));
    c->gmask = 0;
    for (uint32_t s = 0; s < d->frame_cells; s++)
        if (fn->lk[s] == JL_GPR)
            c->gmask |= 1u << fn->lr[s];
    uint32_t nsave = 1 + (uint32_t)__builtin_popcount(c->gmask);
    c->area = (nsave * 8 + 15) & ~15u;
    addi(c, SP, SP, -(int32_t)c->area);
    stx(c, RA, SP, 0);
    save_regs(c, false);
    uint32_t nmem = 0;
    for (uint32_t s = fn->nparams; s < d->nlocals; s++)
        nmem += fn->lk[s] == JL_MEM;
    if (nmem > 16) {
        addi_any(c, T0, RFP, sdisp(fn->nparams));
        li(c, T1, d->nlocals - fn->nparams);
        uint32_t top = c->b.len;
        stx(c, ZERO, T0, 0);
        addi(c, T0, T0, 8);
        addi(c, T1, T1, -1);
        uint32_t b = c->b.len;
        emit(c, (uint32_t)ZERO << 20 | (uint32_t)T1 << 15 | B_NE << 12 | 0x63);   /* bnez t1, top */
        link(c, b, top);
    } else if (nmem) {
        for (uint32_t s = fn->nparams; s < d->nlocals; s++)
            if (fn->lk[s] == JL_MEM)
                stx(c, ZERO, RFP, sdisp(s));
    }
    reload_range(c, 0, fn->nparams);
    for (uint32_t s = fn->nparams; s < d->nlocals; s++)
        if (fn->lk[s] == JL_GPR)
            mv(c, lgpr(c, s), ZERO);
    safepoint(c);
}

/* Restores the caller's slot registers and ra, pops the native frame and
 * the control record. */
static void leave_frame(jc_t *c)
{
    save_regs(c, true);
    ldx(c, RA, SP, 0);
    addi(c, SP, SP, (int32_t)c->area);
    ctx_ld(c, T0, offsetof(wasm_exec_t, ctl_top));
    addi(c, T0, T0, -(int32_t)sizeof(wasmi_ctl_t));
    ctx_st(c, T0, offsetof(wasm_exec_t, ctl_top));
}

static void epilogue(jc_t *c)
{
    spill_range(c, 0, c->fn->nresults);
    leave_frame(c);
    i_(c, 0x67, 0, ZERO, RA, 0);   /* ret */
}

/* ------------------------------------------------------------ branches */

static void br_to(jc_t *c, uint32_t pc, int32_t off)
{
    if (off <= 0)
        safepoint(c);
    wasmi_jit_addfix(&c->b, &c->b.fx, jal_(c, ZERO), (uint32_t)((int32_t)pc + off));
}

/* jump to pc + off when rs1 <f3> rs2 */
static void br_if(jc_t *c, uint32_t f3, int rs1, int rs2, uint32_t pc, int32_t off)
{
    uint32_t target = (uint32_t)((int32_t)pc + off);
    if (off <= 0) {
        uint32_t skip = bcc(c, f3 ^ 1, rs1, rs2);
        safepoint(c);
        wasmi_jit_addfix(&c->b, &c->b.fx, jal_(c, ZERO), target);
        bind(c, skip);
    } else {
        wasmi_jit_addfix(&c->b, &c->b.fx, bcc(c, f3, rs1, rs2), target);
    }
}

/* Operands of an integer comparison k (0..9) in registers: *a, *b, in the
 * order the branch wants; i32 signed comparisons on sign-extended copies. */
static void cmp_operands(jc_t *c, int w, int k, uint32_t sa, bool imm, uint32_t sb, int *ra, int *rb)
{
    int x = gsrc(c, sa, T0), y;
    if (imm) {
        int64_t v = w || cmp_br[k].sgn ? (int64_t)(int32_t)sb : (int64_t)sb;
        y = T1;
        li(c, T1, v);
    } else {
        y = gsrc(c, sb, T1);
    }
    if (!w && cmp_br[k].sgn) {
        sext32(c, T0, x);
        x = T0;
        if (!imm) {
            sext32(c, T1, y);
            y = T1;
        }
    }
    *ra = cmp_br[k].swap ? y : x;
    *rb = cmp_br[k].swap ? x : y;
}

/* d = (a <cond> b) as 0/1 */
static void setcc(jc_t *c, uint32_t f3, int a, int b, uint32_t d)
{
    int r = gdst(c, d, T0);
    switch (f3) {
    case B_EQ: case B_NE:
        r_(c, OP, 4, 0, T2, a, b);                    /* xor */
        if (f3 == B_EQ)
            i_(c, OPI, 3, r, T2, 1);                  /* sltiu r, t2, 1 */
        else
            r_(c, OP, 3, 0, r, ZERO, T2);             /* sltu r, zero, t2 */
        break;
    default: {
        bool uns = f3 == B_LTU || f3 == B_GEU;
        r_(c, OP, uns ? 3 : 2, 0, r, a, b);           /* slt(u) */
        if (f3 == B_GE || f3 == B_GEU)
            i_(c, OPI, 4, r, r, 1);                   /* xori 1 */
    }
    }
    gput(c, d, r);
}

/* ------------------------------------------------------------ arithmetic */

/* d = a op b: op R-type (funct3, funct7) on OP (64-bit) or OP32 (then zero-extended) */
static void ibin(jc_t *c, int w, uint32_t f3, uint32_t f7, uint32_t d, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, T0), rb = gsrc(c, b, T1);
    int r = gdst(c, d, T0);
    r_(c, w ? OP : OP32, f3, f7, r, ra, rb);
    if (!w)
        zext32(c, r, r);
    gput(c, d, r);
}

/* and/or/xor for i32 need no OP32 form: canonical inputs give canonical results */
static void ilogic(jc_t *c, uint32_t f3, uint32_t d, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, T0), rb = gsrc(c, b, T1);
    int r = gdst(c, d, T0);
    r_(c, OP, f3, 0, r, ra, rb);
    gput(c, d, r);
}

static void ibin_imm(jc_t *c, int w, uint32_t f3, uint32_t f7, uint32_t d, uint32_t a, uint32_t imm,
                     bool logic)
{
    int64_t v = w ? (int64_t)(int32_t)imm : (logic ? (int64_t)imm : (int64_t)(int32_t)imm);
    int ra = gsrc(c, a, T0), r = gdst(c, d, T0);
    if (f3 == 0 && f7 == 0 && fits12(v)) {              /* add */
        i_(c, w ? OPI : OPI32, 0, r, ra, (int32_t)v);
    } else if (logic && fits12(v) && (w || v >= 0)) {   /* andi/ori/xori, canonical result */
        i_(c, OPI, f3, r, ra, (int32_t)v);
    } else {
        li(c, T1, v);
        r_(c, (w || logic) ? OP : OP32, f3, f7, r, ra, T1);
    }
    if (!w && !logic)
        zext32(c, r, r);
    gput(c, d, r);
}

/* kind 0 shl, 1 shr_u, 2 shr_s by a constant */
static void ishift_imm(jc_t *c, int w, int kind, uint32_t d, uint32_t a, uint32_t imm)
{
    uint32_t s = imm & (w ? 63u : 31u);
    int ra = gsrc(c, a, T0), r = gdst(c, d, T0);
    if (w) {
        if (kind == 0) slli(c, r, ra, s);
        else if (kind == 1) srli(c, r, ra, s);
        else srai(c, r, ra, s);
    } else {
        uint32_t f3 = kind == 0 ? 1 : 5;
        i_(c, OPI32, f3, r, ra, (int32_t)(s | (kind == 2 ? 0x400u : 0)));   /* slliw/srliw/sraiw */
        zext32(c, r, r);
    }
    gput(c, d, r);
}

static void irot(jc_t *c, int w, bool left, uint32_t d, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, T0), rb = gsrc(c, b, T1);
    uint32_t op = w ? OP : OP32;
    /* rotl = (a << b) | (a >> -b); rotr the other way round (shifts mask their count) */
    r_(c, op, left ? 1 : 5, 0, T2, ra, rb);
    r_(c, op, 0, 0x20, A1, ZERO, rb);             /* neg(w) */
    r_(c, op, left ? 5 : 1, 0, A1, ra, A1);
    int r = gdst(c, d, T0);
    r_(c, OP, 6, 0, r, T2, A1);                    /* or */
    if (!w)
        zext32(c, r, r);
    gput(c, d, r);
}

static void idiv(jc_t *c, int w, bool sgn, bool rem, uint32_t d, uint32_t a, uint32_t b)
{
    int ra = gsrc(c, a, T0), rb = gsrc(c, b, T1);
    trap_if(c, B_EQ, rb, ZERO, WASM_TRAP_DIV_ZERO);   /* (canonical i32: zero is all zero) */
    if (sgn && !rem) {
        /* the minimum / -1 overflows */
        int sa = ra, sb = rb;
        if (!w) {
            sext32(c, T2, ra);
            sext32(c, A1, rb);
            sa = T2;
            sb = A1;
        }
        addi(c, A0, ZERO, -1);
        uint32_t ok = c->b.len;
        emit(c, (uint32_t)A0 << 20 | (uint32_t)sb << 15 | B_NE << 12 | 0x63);   /* bne sb, -1, ok */
        li(c, A0, w ? INT64_MIN : INT32_MIN);
        trap_if(c, B_EQ, sa, A0, WASM_TRAP_INT_OVERFLOW);
        link(c, ok, c->b.len);
    }
    int r = gdst(c, d, T0);
    /* div 4, divu 5, rem 6, remu 7 (muldiv funct7 1); the minimum rem -1 is 0 */
    r_(c, w ? OP : OP32, (rem ? 6u : 4u) | (sgn ? 0u : 1u), 1, r, ra, rb);
    if (!w)
        zext32(c, r, r);
    gput(c, d, r);
}

/* d = a op b on floats: funct7 of the single form (double = +1), rm dynamic */
static void fbin(jc_t *c, bool f64, uint32_t f7, uint32_t d, uint32_t a, uint32_t b)
{
    int fa = fsrc(c, f64, a, F0), fb = fsrc(c, f64, b, F1);
    r_(c, OPFP, 7, f7 | f64, F0, fa, fb);
    fput(c, f64, d, F0);
}

static void fcmp(jc_t *c, bool f64, int kind, uint32_t d, uint32_t a, uint32_t b)
{
    /* kind: 0 eq 1 ne 2 lt 3 gt 4 le 5 ge; feq/flt/fle give 0 for NaN */
    int fa = fsrc(c, f64, a, F0), fb = fsrc(c, f64, b, F1);
    int r = gdst(c, d, T0);
    uint32_t f3 = kind <= 1 ? 2 : (kind == 2 || kind == 3) ? 1 : 0;
    bool swap = kind == 3 || kind == 5;
    r_(c, OPFP, f3, 0x50 | f64, r, swap ? fb : fa, swap ? fa : fb);
    if (kind == 1)
        i_(c, OPI, 4, r, r, 1);
    gput(c, d, r);
}

/* ------------------------------------------------------------ memory */

/* The address of linear memory [slot a + off] of an n-byte access, as
 * base register + 12-bit displacement; traps out of bounds. */
static int mem_addr_m(jc_t *c, uint32_t mem, uint32_t a, uint32_t off, uint32_t n, int32_t *disp)
{
    int idx = gsrc(c, a, T0);
    zext32(c, T0, idx);   /* only the low 32 bits count */
    /* Memory 0's object and base live in s4 and s3; another memory's object
     * is loaded from the instance into a0 (its base then into t2), with the
     * same checks (the mask in t1). */
    int obj = RMO, base = RMB, mask = A0;
    if (mem) {
        ldx(c, A0, RIN, (int64_t)offsetof(wasm_instance_t, mems));
        ldx(c, A0, A0, (int64_t)mem * 8);
        obj = A0;
        base = T2;
        mask = T1;
    }
    if (!c->guard) {
        /* explicit check: t0 = index + off; t0 + n > size -> trap; then t0
         * is masked to 0 unless in bounds, without a branch, so that a
         * mispredicted check reads offset 0, never past the memory */
        addi_any(c, T0, T0, off);
        addi(c, T1, T0, (int32_t)n);
        ldx(c, T2, obj, (int64_t)offsetof(wasm_memory_t, size));
        trap_if(c, B_LTU, T2, T1, WASM_TRAP_OOB_MEMORY);
        r_(c, OP, 3, 0, mask, T2, T1);    /* sltu mask, size, end: 1 out of bounds */
        addi(c, mask, mask, -1);          /* 0 out of bounds, else all ones */
        r_(c, OP, 7, 0, T0, T0, mask);
        if (mem)
            ldx(c, T2, A0, (int64_t)offsetof(wasm_memory_t, base));
        r_(c, OP, 0, 0, T0, T0, base);
        *disp = 0;
        return T0;
    }
    /* Guard regions: the reservation covers index + off + n; past the
     * memory's size it is unmapped, and the fault resumes at the region's
     * stub (offset 0). A mispredicted access stays inside the reservation. */
    if (mem)
        ldx(c, T2, A0, (int64_t)offsetof(wasm_memory_t, base));
    r_(c, OP, 0, 0, T0, T0, base);
    if (fits12(off)) {
        *disp = (int32_t)off;
    } else {
        li(c, T1, off);
        r_(c, OP, 0, 0, T0, T0, T1);
        *disp = 0;
    }
    return T0;
}

/* An access to memory 0 (base in s3, object in s4). */
static int mem_addr(jc_t *c, uint32_t a, uint32_t off, uint32_t n, int32_t *disp)
{
    return mem_addr_m(c, 0, a, off, n, disp);
}

static int mem_addr_any(jc_t *c, uint32_t mem, uint32_t a, uint32_t off, uint32_t n, int32_t *disp)
{
    return mem ? mem_addr_m(c, mem, a, off, n, disp) : mem_addr(c, a, off, n, disp);
}

static void load_op(jc_t *c, uint32_t mem, uint32_t op, uint32_t d, uint32_t a, uint32_t off)
{
    static const struct { uint8_t n, f3; } L[] = {
        [OP_I32_LOAD - OP_I32_LOAD] = {4, 6}, [OP_I64_LOAD - OP_I32_LOAD] = {8, 3},
        [OP_F32_LOAD - OP_I32_LOAD] = {4, 6}, [OP_F64_LOAD - OP_I32_LOAD] = {8, 3},
        [OP_I32_LOAD8_S - OP_I32_LOAD] = {1, 0}, [OP_I32_LOAD8_U - OP_I32_LOAD] = {1, 4},
        [OP_I32_LOAD16_S - OP_I32_LOAD] = {2, 1}, [OP_I32_LOAD16_U - OP_I32_LOAD] = {2, 5},
        [OP_I64_LOAD8_S - OP_I32_LOAD] = {1, 0}, [OP_I64_LOAD8_U - OP_I32_LOAD] = {1, 4},
        [OP_I64_LOAD16_S - OP_I32_LOAD] = {2, 1}, [OP_I64_LOAD16_U - OP_I32_LOAD] = {2, 5},
        [OP_I64_LOAD32_S - OP_I32_LOAD] = {4, 2}, [OP_I64_LOAD32_U - OP_I32_LOAD] = {4, 6},
    };
    uint32_t k = op - OP_I32_LOAD;
    int32_t disp;
    int base = mem_addr_any(c, mem, a, off, L[k].n, &disp);
    int r = gdst(c, d, T1);
    i_(c, LOAD, L[k].f3, r, base, disp);
    /* i32 loads that sign-extend: back to the canonical zero-extended form */
    if (op == OP_I32_LOAD8_S || op == OP_I32_LOAD16_S)
        zext32(c, r, r);
    gput(c, d, r);
}

static void store_op(jc_t *c, uint32_t mem, uint32_t op, uint32_t a, uint32_t v, uint32_t off)
{
    static const uint8_t N[] = {4, 8, 4, 8, 1, 2, 1, 2, 4};
    static const uint8_t F3[] = {2, 3, 2, 3, 0, 1, 0, 1, 2};
    uint32_t k = op - OP_I32_STORE;
    int rv = gsrc(c, v, A1);
    int32_t disp;
    int base = mem_addr_any(c, mem, a, off, N[k], &disp);
    s_(c, STORE, F3[k], base, rv, disp);
}

/* ------------------------------------------------------------ calls */

static void slowop(jc_t *c, uint32_t pc, uint32_t op)
{
    spill_all(c);
    save_foreign(c);
    mv(c, A0, REX_);
    mv(c, A1, RIN);
    mv(c, 12, RFP);
    li(c, 13, (int64_t)(uintptr_t)(c->code + pc));
    li(c, 14, op);
    call_abs(c, (const void *)wasmi_jit_slowop);
    restore_foreign(c);
    reload_all(c);
    check_trap(c);
}

static void load_instance(jc_t *c, int inst)
{
    mv(c, RIN, inst);
    ldx(c, RMO, RIN, (int64_t)offsetof(wasm_instance_t, mem));
    mv(c, RMB, ZERO);
    uint32_t nomem = c->b.len;
    emit(c, (uint32_t)ZERO << 20 | (uint32_t)RMO << 15 | B_EQ << 12 | 0x63);   /* beqz s4 */
    ldx(c, RMB, RMO, (int64_t)offsetof(wasm_memory_t, base));
    link(c, nomem, c->b.len);
}

/* A call to a compiled function of this instance (auipc + jalr to def
 * `callee`, or jalr through reg). In a module whose code tail-calls imports
 * or through tables (m->tail_out) the callee may return with another
 * instance's s3-s5 (a tail call to another instance switched them): those
 * calls save them. */
static void call_near(jc_t *c, bool rel, int reg, uint32_t callee)
{
    bool keep = c->m->tail_out;
    if (keep) {
        addi(c, SP, SP, -32);
        stx(c, RMB, SP, 0);
        stx(c, RMO, SP, 8);
        stx(c, RIN, SP, 16);
    }
    if (rel) {
        emit(c, (uint32_t)RA << 7 | 0x17);            /* auipc ra, 0 */
        i_(c, 0x67, 0, RA, RA, 0);                    /* jalr ra, 0(ra) */
        wasmi_jit_addfix(&c->b, &c->b.cfx, c->b.len - 8, callee);
    } else {
        i_(c, 0x67, 0, RA, reg, 0);                   /* jalr ra, 0(reg) */
    }
    if (keep) {
        ldx(c, RMB, SP, 0);
        ldx(c, RMO, SP, 8);
        ldx(c, RIN, SP, 16);
        addi(c, SP, SP, 32);
    }
}

/* Call through a wasm_func_t in a0. */
static void call_func(jc_t *c, uint32_t base, uint32_t np, uint32_t nr)
{
    spill_range(c, base, base + np);
    ldx(c, A1, A0, (int64_t)offsetof(wasm_func_t, native));
    uint32_t slow = bcc(c, B_EQ, A1, ZERO);
    ldx(c, T2, A0, (int64_t)offsetof(wasm_func_t, inst));
    uint32_t cross = bcc(c, B_NE, T2, RIN);
    addi_any(c, RFP, RFP, sdisp(base));
    call_near(c, false, A1, 0);
    addi_any(c, RFP, RFP, -sdisp(base));
    uint32_t done1 = jal_(c, ZERO);
    bind(c, cross);
    addi(c, SP, SP, -32);
    stx(c, RMB, SP, 0);
    stx(c, RMO, SP, 8);
    stx(c, RIN, SP, 16);
    load_instance(c, T2);
    addi_any(c, RFP, RFP, sdisp(base));
    i_(c, 0x67, 0, RA, A1, 0);
    addi_any(c, RFP, RFP, -sdisp(base));
    ldx(c, RMB, SP, 0);
    ldx(c, RMO, SP, 8);
    ldx(c, RIN, SP, 16);
    addi(c, SP, SP, 32);
    uint32_t done2 = jal_(c, ZERO);
    bind(c, slow);
    spill_all(c);
    save_foreign(c);
    mv(c, A1, A0);
    mv(c, A0, REX_);
    addi_any(c, 12, RFP, sdisp(base));
    mv(c, 13, RIN);
    addi_any(c, 14, RFP, sdisp(c->fn->d->frame_cells));
    call_abs(c, (const void *)wasmi_jit_call_slow);
    restore_foreign(c);
    reload_all(c);
    check_trap(c);
    bind(c, done1);
    bind(c, done2);
    reload_range(c, base, base + nr);
}

/* a0 = the function at index elem of table tidx, checked (bounds, null,
 * type canon) as the interpreter checks it. */
static void indirect_func(jc_t *c, uint32_t tidx, uint32_t canon, uint32_t elem)
{
    int re = gsrc(c, elem, T1);
    zext32(c, T1, re);
    ldx(c, A0, RIN, (int64_t)offsetof(wasm_instance_t, tables));
    ldx(c, A0, A0, (int64_t)tidx * 8);
    ldw(c, T2, A0, (int64_t)offsetof(wasm_table_t, size));
    trap_if(c, B_GEU, T1, T2, WASM_TRAP_OOB_TABLE);
    /* against speculation: the index is 0 unless in bounds */
    r_(c, OP, 3, 0, A1, T1, T2);    /* sltu: 1 in bounds */
    r_(c, OP, 0, 0x20, A1, ZERO, A1);
    r_(c, OP, 7, 0, T1, T1, A1);
    ldx(c, T2, A0, (int64_t)offsetof(wasm_table_t, elems));
    slli(c, T1, T1, 3);
    r_(c, OP, 0, 0, T2, T2, T1);
    ldx(c, A0, T2, 0);
    trap_if(c, B_EQ, A0, ZERO, WASM_TRAP_UNINITIALIZED_ELEM);
    ldw(c, T2, A0, (int64_t)offsetof(wasm_func_t, canon));
    li(c, T1, canon);
    trap_if(c, B_NE, T2, T1, WASM_TRAP_INDIRECT_MISMATCH);
}

/* ------------------------------------------------------------ tail calls */

/* As on x86_64 (jit_x64.c, tail calls): the arguments move down to fp[0..)
 * (upwards), the function leaves its frame and control record, and jumps
 * to the callee with the caller's ra. */
static void tail_args(jc_t *c, uint32_t base, uint32_t np)
{
    for (uint32_t k = 0; base && k < np; k++) {
        ldx(c, T0, RFP, sdisp(base + k));
        stx(c, T0, RFP, sdisp(k));
    }
}

/* return_call of def `def` of this module (compiled, or its thunk). */
static void tail_direct(jc_t *c, uint32_t base, uint32_t np, uint32_t def)
{
    spill_range(c, base, base + np);
    tail_args(c, base, np);
    leave_frame(c);
    emit(c, (uint32_t)T6 << 7 | 0x17);   /* auipc t6, 0 */
    i_(c, 0x67, 0, ZERO, T6, 0);         /* jalr zero, 0(t6) */
    wasmi_jit_addfix(&c->b, &c->b.cfx, c->b.len - 8, def);
}

/* return_call through the wasm_func_t in a0: a compiled callee of another
 * instance gets that instance's s3-s5, which every caller expecting its own
 * saves (call_near, call_func's cross path, the trampoline); an interpreted
 * or host callee goes through C (wasmi_jit_tail_slow). */
static void tail_func(jc_t *c, uint32_t base, uint32_t np)
{
    spill_range(c, base, base + np);
    ldx(c, A1, A0, (int64_t)offsetof(wasm_func_t, native));
    uint32_t slow = bcc(c, B_EQ, A1, ZERO);
    tail_args(c, base, np);
    leave_frame(c);
    ldx(c, T2, A0, (int64_t)offsetof(wasm_func_t, inst));
    uint32_t same = bcc(c, B_EQ, T2, RIN);
    load_instance(c, T2);
    bind(c, same);
    i_(c, 0x67, 0, ZERO, A1, 0);   /* jalr zero, 0(a1) */
    bind(c, slow);
    spill_all(c);
    save_foreign(c);
    mv(c, A1, A0);
    mv(c, A0, REX_);
    mv(c, 12, RFP);
    addi_any(c, 13, RFP, sdisp(c->fn->d->frame_cells));
    mv(c, 14, RIN);
    li(c, 15, base);
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

/* Trapping float-to-integer conversions: fcvt in the common case, the C
 * helper for NaN and anything out of range or at its edges. */
static void trunc_op(jc_t *c, uint32_t pc, uint32_t op, uint32_t d, uint32_t a)
{
    jit_cvt_t t = wasmi_jit_cvt(op);
    bool f64 = t.f64, to64 = t.i64, uns = t.uns;
    int fa = fsrc(c, f64, a, F0);
    r_(c, OPFP, 2, 0x50 | f64, T1, fa, fa);   /* feq t1, a, a: 0 for NaN */
    uint32_t s1 = bcc(c, B_EQ, T1, ZERO), s2;
    /* t0 = trunc(a) (rtz), 64-bit: fcvt.lu for i64_u, fcvt.l otherwise */
    r_(c, OPFP, 1, 0x60 | f64, T0, fa, (to64 && uns) ? 3 : 2);
    if (!to64 && !uns) {
        sext32(c, T1, T0);
        s2 = bcc(c, B_NE, T1, T0);
    } else if (!to64) {
        srli(c, T1, T0, 32);
        s2 = bcc(c, B_NE, T1, ZERO);
    } else if (!uns) {
        /* saturated at either end: t0 ^ (t0 >> 63) is the maximum */
        srai(c, T1, T0, 63);
        r_(c, OP, 4, 0, T1, T1, T0);
        li(c, T2, INT64_MAX);
        s2 = bcc(c, B_EQ, T1, T2);
    } else {
        /* 0 (maybe from a negative) or the maximum: t0 + 1 <= 1 unsigned */
        addi(c, T1, T0, 1);
        addi(c, T2, ZERO, 1);
        s2 = bcc(c, B_GEU, T2, T1);
    }
    if (!to64)
        zext32(c, T0, T0);
    gput(c, d, T0);
    uint32_t done = jal_(c, ZERO);
    bind(c, s1);
    bind(c, s2);
    slowop(c, pc, op);
    bind(c, done);
}

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
    prologue(c);
    for (uint32_t pc = 0; pc < d->code_len;) {
        uint32_t op = fn->op[pc];
        const uint32_t *ip = code + pc;
        c->noff[pc] = c->b.len;
        int nw = wasmi_jit_op_words(op, ip);
        if (nw <= 0)
            return false;
        uint32_t a1 = nw > 1 ? ip[1] : 0, a2 = nw > 2 ? ip[2] : 0, a3 = nw > 3 ? ip[3] : 0;
        int ra, rb;
        switch (op) {
        case OP_I32_EQZ: case OP_I64_EQZ: case OP_REF_IS_NULL: {
            int x = gsrc(c, a2, T0), r = gdst(c, a1, T0);
            i_(c, OPI, 3, r, x, 1);   /* sltiu r, x, 1 (canonical i32: zero is all zero) */
            gput(c, a1, r);
            break;
        }
        case OP_I32_EQ: case OP_I32_NE: case OP_I32_LT_S: case OP_I32_LT_U: case OP_I32_GT_S:
        case OP_I32_GT_U: case OP_I32_LE_S: case OP_I32_LE_U: case OP_I32_GE_S: case OP_I32_GE_U:
            cmp_operands(c, 0, (int)(op - OP_I32_EQ), a2, false, a3, &ra, &rb);
            setcc(c, cmp_br[op - OP_I32_EQ].f3, ra, rb, a1);
            break;
        case OP_I64_EQ: case OP_I64_NE: case OP_I64_LT_S: case OP_I64_LT_U: case OP_I64_GT_S:
        case OP_I64_GT_U: case OP_I64_LE_S: case OP_I64_LE_U: case OP_I64_GE_S: case OP_I64_GE_U:
            cmp_operands(c, 1, (int)(op - OP_I64_EQ), a2, false, a3, &ra, &rb);
            setcc(c, cmp_br[op - OP_I64_EQ].f3, ra, rb, a1);
            break;
        case OP_I32_EQ_I: case OP_I32_NE_I: case OP_I32_LT_S_I: case OP_I32_LT_U_I:
        case OP_I32_GT_S_I: case OP_I32_GT_U_I: case OP_I32_LE_S_I: case OP_I32_LE_U_I:
        case OP_I32_GE_S_I: case OP_I32_GE_U_I:
            cmp_operands(c, 0, (int)(op - OP_I32_EQ_I), a2, true, a3, &ra, &rb);
            setcc(c, cmp_br[op - OP_I32_EQ_I].f3, ra, rb, a1);
            break;
        case OP_I64_EQ_I: case OP_I64_NE_I: case OP_I64_LT_S_I: case OP_I64_LT_U_I:
        case OP_I64_GT_S_I: case OP_I64_GT_U_I: case OP_I64_LE_S_I: case OP_I64_LE_U_I:
        case OP_I64_GE_S_I: case OP_I64_GE_U_I:
            cmp_operands(c, 1, (int)(op - OP_I64_EQ_I), a2, true, a3, &ra, &rb);
            setcc(c, cmp_br[op - OP_I64_EQ_I].f3, ra, rb, a1);
            break;
        case OP_F32_EQ: case OP_F32_NE: case OP_F32_LT: case OP_F32_GT: case OP_F32_LE:
        case OP_F32_GE:
            fcmp(c, false, (int)(op - OP_F32_EQ), a1, a2, a3);
            break;
        case OP_F64_EQ: case OP_F64_NE: case OP_F64_LT: case OP_F64_GT: case OP_F64_LE:
        case OP_F64_GE:
            fcmp(c, true, (int)(op - OP_F64_EQ), a1, a2, a3);
            break;
        case OP_I32_ADD: ibin(c, 0, 0, 0, a1, a2, a3); break;
        case OP_I32_SUB: ibin(c, 0, 0, 0x20, a1, a2, a3); break;
        case OP_I32_MUL: ibin(c, 0, 0, 1, a1, a2, a3); break;
        case OP_I32_AND: ilogic(c, 7, a1, a2, a3); break;
        case OP_I32_OR: ilogic(c, 6, a1, a2, a3); break;
        case OP_I32_XOR: ilogic(c, 4, a1, a2, a3); break;
        case OP_I64_ADD: ibin(c, 1, 0, 0, a1, a2, a3); break;
        case OP_I64_SUB: ibin(c, 1, 0, 0x20, a1, a2, a3); break;
        case OP_I64_MUL: ibin(c, 1, 0, 1, a1, a2, a3); break;
        case OP_I64_AND: ilogic(c, 7, a1, a2, a3); break;
        case OP_I64_OR: ilogic(c, 6, a1, a2, a3); break;
        case OP_I64_XOR: ilogic(c, 4, a1, a2, a3); break;
        case OP_I32_DIV_S: idiv(c, 0, true, false, a1, a2, a3); break;
        case OP_I32_DIV_U: idiv(c, 0, false, false, a1, a2, a3); break;
        case OP_I32_REM_S: idiv(c, 0, true, true, a1, a2, a3); break;
        case OP_I32_REM_U: idiv(c, 0, false, true, a1, a2, a3); break;
        case OP_I64_DIV_S: idiv(c, 1, true, false, a1, a2, a3); break;
        case OP_I64_DIV_U: idiv(c, 1, false, false, a1, a2, a3); break;
        case OP_I64_REM_S: idiv(c, 1, true, true, a1, a2, a3); break;
        case OP_I64_REM_U: idiv(c, 1, false, true, a1, a2, a3); break;
        case OP_I32_SHL: ibin(c, 0, 1, 0, a1, a2, a3); break;
        case OP_I32_SHR_S: ibin(c, 0, 5, 0x20, a1, a2, a3); break;
        case OP_I32_SHR_U: ibin(c, 0, 5, 0, a1, a2, a3); break;
        case OP_I32_ROTL: irot(c, 0, true, a1, a2, a3); break;
        case OP_I32_ROTR: irot(c, 0, false, a1, a2, a3); break;
        case OP_I64_SHL: ibin(c, 1, 1, 0, a1, a2, a3); break;
        case OP_I64_SHR_S: ibin(c, 1, 5, 0x20, a1, a2, a3); break;
        case OP_I64_SHR_U: ibin(c, 1, 5, 0, a1, a2, a3); break;
        case OP_I64_ROTL: irot(c, 1, true, a1, a2, a3); break;
        case OP_I64_ROTR: irot(c, 1, false, a1, a2, a3); break;
        case OP_I32_ADD_I: ibin_imm(c, 0, 0, 0, a1, a2, a3, false); break;
        case OP_I32_SUB_I: ibin_imm(c, 0, 0, 0, a1, a2, (uint32_t)-(int64_t)(int32_t)a3, false); break;
        case OP_I64_ADD_I: ibin_imm(c, 1, 0, 0, a1, a2, a3, false); break;
        case OP_I64_SUB_I:
            if (a3 == 0x80000000u) {   /* - INT32_MIN does not fit the immediate */
                ra = gsrc(c, a2, T0);
                li(c, T1, (int64_t)(int32_t)a3);
                rb = gdst(c, a1, T0);
                r_(c, OP, 0, 0x20, rb, ra, T1);
                gput(c, a1, rb);
            } else {
                ibin_imm(c, 1, 0, 0, a1, a2, (uint32_t)-(int32_t)a3, false);
            }
            break;
        case OP_I32_MUL_I: ibin_imm(c, 0, 0, 1, a1, a2, a3, false); break;
        case OP_I64_MUL_I: ibin_imm(c, 1, 0, 1, a1, a2, a3, false); break;
        case OP_I32_AND_I: ibin_imm(c, 0, 7, 0, a1, a2, a3, true); break;
        case OP_I32_OR_I: ibin_imm(c, 0, 6, 0, a1, a2, a3, true); break;
        case OP_I32_XOR_I: ibin_imm(c, 0, 4, 0, a1, a2, a3, true); break;
        case OP_I64_AND_I: ibin_imm(c, 1, 7, 0, a1, a2, a3, true); break;
        case OP_I64_OR_I: ibin_imm(c, 1, 6, 0, a1, a2, a3, true); break;
        case OP_I64_XOR_I: ibin_imm(c, 1, 4, 0, a1, a2, a3, true); break;
        case OP_I32_SHL_I: ishift_imm(c, 0, 0, a1, a2, a3); break;
        case OP_I32_SHR_S_I: ishift_imm(c, 0, 2, a1, a2, a3); break;
        case OP_I32_SHR_U_I: ishift_imm(c, 0, 1, a1, a2, a3); break;
        case OP_I64_SHL_I: ishift_imm(c, 1, 0, a1, a2, a3); break;
        case OP_I64_SHR_S_I: ishift_imm(c, 1, 2, a1, a2, a3); break;
        case OP_I64_SHR_U_I: ishift_imm(c, 1, 1, a1, a2, a3); break;
        case OP_F32_ADD: fbin(c, false, 0x00, a1, a2, a3); break;
        case OP_F32_SUB: fbin(c, false, 0x04, a1, a2, a3); break;
        case OP_F32_MUL: fbin(c, false, 0x08, a1, a2, a3); break;
        case OP_F32_DIV: fbin(c, false, 0x0C, a1, a2, a3); break;
        case OP_F64_ADD: fbin(c, true, 0x00, a1, a2, a3); break;
        case OP_F64_SUB: fbin(c, true, 0x04, a1, a2, a3); break;
        case OP_F64_MUL: fbin(c, true, 0x08, a1, a2, a3); break;
        case OP_F64_DIV: fbin(c, true, 0x0C, a1, a2, a3); break;
        case OP_F32_SQRT: case OP_F64_SQRT: {
            bool f64 = op == OP_F64_SQRT;
            int fa = fsrc(c, f64, a2, F0);
            r_(c, OPFP, 7, 0x2C | f64, F0, fa, 0);
            fput(c, f64, a1, F0);
            break;
        }
        case OP_F32_ABS: case OP_F32_NEG: case OP_F64_ABS: case OP_F64_NEG: {
            /* sign-bit operations on the bits: NaN payloads are kept */
            bool f64 = op == OP_F64_ABS || op == OP_F64_NEG;
            bool abs = op == OP_F32_ABS || op == OP_F64_ABS;
            ra = gsrc(c, a2, T0);
            int r = gdst(c, a1, T0);
            li(c, T1, f64 ? INT64_MIN : 0x80000000);
            if (abs) {
                i_(c, OPI, 4, T1, T1, -1);     /* not */
                r_(c, OP, 7, 0, r, ra, T1);    /* and */
            } else {
                r_(c, OP, 4, 0, r, ra, T1);    /* xor */
            }
            gput(c, a1, r);
            break;
        }
        case OP_F32_COPYSIGN: case OP_F64_COPYSIGN: {
            bool f64 = op == OP_F64_COPYSIGN;
            ra = gsrc(c, a2, T0);
            rb = gsrc(c, a3, T1);
            li(c, T2, f64 ? INT64_MIN : 0x80000000);
            r_(c, OP, 7, 0, A1, rb, T2);       /* sign of b */
            i_(c, OPI, 4, T2, T2, -1);
            if (!f64)
                zext32(c, T2, T2);
            r_(c, OP, 7, 0, A0, ra, T2);       /* a without its sign */
            int r = gdst(c, a1, T0);
            r_(c, OP, 6, 0, r, A0, A1);
            gput(c, a1, r);
            break;
        }
        case OP_I32_WRAP_I64: case OP_I64_EXTEND_I32_U: {
            ra = gsrc(c, a2, T0);
            int r = gdst(c, a1, T0);
            zext32(c, r, ra);
            gput(c, a1, r);
            break;
        }
        case OP_I64_EXTEND_I32_S: case OP_I64_EXTEND32_S: {
            ra = gsrc(c, a2, T0);
            int r = gdst(c, a1, T0);
            sext32(c, r, ra);
            gput(c, a1, r);
            break;
        }
        case OP_I32_EXTEND8_S: case OP_I32_EXTEND16_S: case OP_I64_EXTEND8_S:
        case OP_I64_EXTEND16_S: {
            uint32_t bits = op == OP_I32_EXTEND8_S || op == OP_I64_EXTEND8_S ? 8 : 16;
            ra = gsrc(c, a2, T0);
            int r = gdst(c, a1, T0);
            slli(c, r, ra, 64 - bits);
            srai(c, r, r, 64 - bits);
            if (op == OP_I32_EXTEND8_S || op == OP_I32_EXTEND16_S)
                zext32(c, r, r);
            gput(c, a1, r);
            break;
        }
        case OP_F32_CONVERT_I32_S: case OP_F32_CONVERT_I32_U: case OP_F32_CONVERT_I64_S:
        case OP_F32_CONVERT_I64_U: case OP_F64_CONVERT_I32_S: case OP_F64_CONVERT_I32_U:
        case OP_F64_CONVERT_I64_S: case OP_F64_CONVERT_I64_U: {
            /* fcvt.s/d.w/wu/l/lu: one rounding, by the current (nearest) mode */
            jit_cvt_t t = wasmi_jit_cvt(op);
            bool f64 = t.f64;
            ra = gsrc(c, a2, T0);
            r_(c, OPFP, 7, 0x68 | f64, F0, ra, (t.i64 ? 2 : 0) | t.uns);
            fput(c, f64, a1, F0);
            break;
        }
        case OP_F32_DEMOTE_F64: {
            int fa = fsrc(c, true, a2, F0);
            r_(c, OPFP, 7, 0x20, F0, fa, 1);   /* fcvt.s.d */
            fput(c, false, a1, F0);
            break;
        }
        case OP_F64_PROMOTE_F32: {
            int fa = fsrc(c, false, a2, F0);
            r_(c, OPFP, 7, 0x21, F0, fa, 0);   /* fcvt.d.s */
            fput(c, true, a1, F0);
            break;
        }
        case OP_I32_TRUNC_F32_S: case OP_I32_TRUNC_F32_U: case OP_I32_TRUNC_F64_S:
        case OP_I32_TRUNC_F64_U: case OP_I64_TRUNC_F32_S: case OP_I64_TRUNC_F32_U:
        case OP_I64_TRUNC_F64_S: case OP_I64_TRUNC_F64_U:
            trunc_op(c, pc, op, a1, a2);
            break;
        case OP_I32_TRUNC_SAT_F32_S: case OP_I32_TRUNC_SAT_F32_U: case OP_I32_TRUNC_SAT_F64_S:
        case OP_I32_TRUNC_SAT_F64_U: case OP_I64_TRUNC_SAT_F32_S: case OP_I64_TRUNC_SAT_F32_U:
        case OP_I64_TRUNC_SAT_F64_S: case OP_I64_TRUNC_SAT_F64_U: {
            /* fcvt with rtz saturates; NaN gives 0 in Wasm (fcvt: the maximum) */
            jit_cvt_t t = wasmi_jit_cvt(op);
            bool w = t.i64, f64 = t.f64, uns = t.uns;
            int fa = fsrc(c, f64, a2, F0);
            int r = gdst(c, a1, T0);
            r_(c, OPFP, 1, 0x60 | f64, r, fa, (w ? 2 : 0) | (uns ? 1 : 0));
            r_(c, OPFP, 2, 0x50 | f64, T1, fa, fa);   /* feq: 1 unless NaN */
            r_(c, OP, 0, 0x20, T1, ZERO, T1);         /* 0 or all ones */
            r_(c, OP, 7, 0, r, r, T1);
            if (!w)
                zext32(c, r, r);
            gput(c, a1, r);
            break;
        }
        case OP_I32_REINTERPRET_F32: case OP_I64_REINTERPRET_F64: case OP_F32_REINTERPRET_I32:
        case OP_F64_REINTERPRET_I64: case OP_MOV:
            mov_slot(c, a1, a2);
            break;
        case OP_I32_CLZ: case OP_I64_CLZ: case OP_I32_CTZ: case OP_I64_CTZ:
        case OP_I32_POPCNT: case OP_I64_POPCNT:
        case OP_F32_CEIL: case OP_F32_FLOOR: case OP_F32_TRUNC: case OP_F32_NEAREST:
        case OP_F64_CEIL: case OP_F64_FLOOR: case OP_F64_TRUNC: case OP_F64_NEAREST:
        case OP_F32_MIN: case OP_F32_MAX: case OP_F64_MIN: case OP_F64_MAX:
        case OP_MEMORY_GROW: case OP_MEMORY_INIT: case OP_DATA_DROP: case OP_MEMORY_COPY:
        case OP_MEMORY_FILL: case OP_TABLE_GET: case OP_TABLE_SET: case OP_TABLE_SIZE:
        case OP_TABLE_GROW: case OP_TABLE_FILL: case OP_TABLE_COPY: case OP_TABLE_INIT:
        case OP_ELEM_DROP: case OP_REF_FUNC:
            slowop(c, pc, op);   /* (RV64GC has no bit counts or float roundings) */
            break;
        case OP_MOV128: case OP_SELECT128: case OP_GLOBAL_GET128: case OP_GLOBAL_SET128:
        case OP_SIMD: case OP_SIMD_M:
            slowop(c, pc, op);   /* v128: in C, the interpreter's SIMD executor (simd.c) */
            break;
        case OP_MEMORY_SIZE: {
            int r = gdst(c, a1, T0);
            ldw(c, r, RMO, (int64_t)offsetof(wasm_memory_t, pages));
            gput(c, a1, r);
            break;
        }
        case OP_BR_I32_EQ: case OP_BR_I32_NE: case OP_BR_I32_LT_S: case OP_BR_I32_LT_U:
        case OP_BR_I32_GT_S: case OP_BR_I32_GT_U: case OP_BR_I32_LE_S: case OP_BR_I32_LE_U:
        case OP_BR_I32_GE_S: case OP_BR_I32_GE_U:
            cmp_operands(c, 0, (int)(op - OP_BR_I32_EQ), a1, false, a2, &ra, &rb);
            br_if(c, cmp_br[op - OP_BR_I32_EQ].f3, ra, rb, pc, (int32_t)a3);
            break;
        case OP_BR_I64_EQ: case OP_BR_I64_NE: case OP_BR_I64_LT_S: case OP_BR_I64_LT_U:
        case OP_BR_I64_GT_S: case OP_BR_I64_GT_U: case OP_BR_I64_LE_S: case OP_BR_I64_LE_U:
        case OP_BR_I64_GE_S: case OP_BR_I64_GE_U:
            cmp_operands(c, 1, (int)(op - OP_BR_I64_EQ), a1, false, a2, &ra, &rb);
            br_if(c, cmp_br[op - OP_BR_I64_EQ].f3, ra, rb, pc, (int32_t)a3);
            break;
        case OP_BR_I32_EQ_I: case OP_BR_I32_NE_I: case OP_BR_I32_LT_S_I: case OP_BR_I32_LT_U_I:
        case OP_BR_I32_GT_S_I: case OP_BR_I32_GT_U_I: case OP_BR_I32_LE_S_I:
        case OP_BR_I32_LE_U_I: case OP_BR_I32_GE_S_I: case OP_BR_I32_GE_U_I:
            cmp_operands(c, 0, (int)(op - OP_BR_I32_EQ_I), a1, true, a2, &ra, &rb);
            br_if(c, cmp_br[op - OP_BR_I32_EQ_I].f3, ra, rb, pc, (int32_t)a3);
            break;
        case OP_BR_I32_EQZ: case OP_BR_I32_NEZ: case OP_BR_I64_EQZ: case OP_BR_I64_NEZ: {
            ra = gsrc(c, a1, T0);
            br_if(c, op == OP_BR_I32_EQZ || op == OP_BR_I64_EQZ ? B_EQ : B_NE, ra, ZERO, pc,
                  (int32_t)a2);
            break;
        }
        case OP_BR:
            br_to(c, pc, (int32_t)a1);
            break;
        case OP_BR_TABLE: {
            uint32_t n = a2;
            ra = gsrc(c, a1, T0);
            zext32(c, T0, ra);
            li(c, T1, n);
            uint32_t in = c->b.len;
            emit(c, (uint32_t)T1 << 20 | (uint32_t)T0 << 15 | B_LTU << 12 | 0x63);   /* bltu t0, t1 */
            mv(c, T0, T1);   /* clamp to the default */
            link(c, in, c->b.len);
            /* auipc t1, 0; slli t0, t0, 2; add t1, t1, t0; jalr zero, 16(t1) */
            emit(c, (uint32_t)T1 << 7 | 0x17);
            slli(c, T0, T0, 2);
            r_(c, OP, 0, 0, T1, T1, T0);
            i_(c, 0x67, 0, ZERO, T1, 16);
            uint32_t tab = c->b.len;
            uint32_t nback = 0;
            for (uint32_t k = 0; k <= n; k++) {
                int32_t off = (int32_t)ip[3 + k];
                if (off > 0) {
                    wasmi_jit_addfix(&c->b, &c->b.fx, jal_(c, ZERO), (uint32_t)((int32_t)pc + off));
                } else {
                    jal_(c, ZERO);
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
            far_fix(c, jal_(c, ZERO), WASM_TRAP_UNREACHABLE);
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
                stx(c, ZERO, RFP, sdisp(a1));
                break;
            }
            int r = gdst(c, a1, T0);
            li(c, r, (int64_t)v);
            gput(c, a1, r);
            break;
        }
        case OP_SELECT: {
            ra = gsrc(c, a2, T0);
            int rc = gsrc(c, ip[4], T2);
            mv(c, A1, ra);
            uint32_t keep = c->b.len;
            emit(c, (uint32_t)ZERO << 20 | (uint32_t)rc << 15 | B_NE << 12 | 0x63);   /* bnez c */
            mv(c, A1, gsrc(c, a3, T1));
            link(c, keep, c->b.len);
            gput(c, a1, A1);
            break;
        }
        case OP_GLOBAL_GET: {
            ldx(c, T0, RIN, (int64_t)offsetof(wasm_instance_t, globals));
            ldx(c, T0, T0, (int64_t)a2 * 8);
            int r = gdst(c, a1, T1);
            ldx(c, r, T0, (int64_t)offsetof(wasm_global_t, value));
            gput(c, a1, r);
            break;
        }
        case OP_GLOBAL_SET: {
            ldx(c, T0, RIN, (int64_t)offsetof(wasm_instance_t, globals));
            ldx(c, T0, T0, (int64_t)a2 * 8);
            int r = gsrc(c, a1, T1);
            stx(c, r, T0, (int64_t)offsetof(wasm_global_t, value));
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
                addi_any(c, RFP, RFP, sdisp(base));
                call_near(c, true, 0, fidx - m->nfunc_imports);
                addi_any(c, RFP, RFP, -sdisp(base));
                reload_range(c, base, base + t->rcells);
            } else {
                ldx(c, A0, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
                ldx(c, A0, A0, (int64_t)fidx * 8);
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
                ldx(c, A0, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
                ldx(c, A0, A0, (int64_t)a1 * 8);
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
            return false;
        }
        pc += (uint32_t)nw;
        if (c->b.oom)
            return false;
    }
    c->noff[d->code_len] = c->b.len;
    far_fix(c, jal_(c, ZERO), WASM_TRAP_UNREACHABLE);
    for (uint32_t i = 0; i < c->nsp; i++) {
        bind(c, c->sp[i].j1);
        bind(c, c->sp[i].j2);
        spill_all(c);
        save_foreign(c);
        mv(c, A0, REX_);
        call_abs(c, (const void *)wasmi_jit_safepoint);
        restore_foreign(c);
        reload_all(c);
        check_trap(c);
        link(c, jal_(c, ZERO), c->sp[i].resume);
    }
    for (uint32_t i = 0; i < c->b.fx.n; i++)
        link(c, c->b.fx.v[i].at, c->noff[c->b.fx.v[i].target]);
    /* The function's jumps to module-level targets: auipc + jalr each. */
    uint32_t here[NFAR];
    for (uint32_t k = 0; k < NFAR; k++)
        here[k] = UINT32_MAX;
    for (uint32_t i = 0; i < c->ffx.n; i++) {
        uint32_t k = c->ffx.v[i].target;
        if (here[k] == UINT32_MAX) {
            here[k] = c->b.len;
            emit(c, (uint32_t)T6 << 7 | 0x17);   /* auipc t6 */
            i_(c, 0x67, 0, ZERO, T6, 0);         /* jalr zero, 0(t6) */
            link(c, here[k], c->far[k]);
        }
        link(c, c->ffx.v[i].at, here[k]);
    }
    return !c->b.oom && !c->range;
}

/* A def the back end could not compile, called directly: interpret it. */
static void emit_thunk(jc_t *c, uint32_t func_index)
{
    uint32_t area = ((1 + NGPR_VOLATILE) * 8 + 15) & ~15u;
    addi(c, SP, SP, -(int32_t)area);
    stx(c, RA, SP, 0);
    for (int i = 0; i < NGPR_VOLATILE; i++)
        stx(c, slot_gpr[i], SP, 8 + 8 * i);
    ldx(c, A1, RIN, (int64_t)offsetof(wasm_instance_t, funcs));
    ldx(c, A1, A1, (int64_t)func_index * 8);
    mv(c, A0, REX_);
    mv(c, 12, RFP);
    mv(c, 13, RIN);
    mv(c, 14, ZERO);
    ctx_st(c, RFUEL, offsetof(wasm_exec_t, fuel));
    call_abs(c, (const void *)wasmi_jit_call_slow);
    ctx_ld(c, RFUEL, offsetof(wasm_exec_t, fuel));
    uint32_t ok = c->b.len;
    emit(c, (uint32_t)ZERO << 20 | (uint32_t)A0 << 15 | B_EQ << 12 | 0x63);   /* beqz a0 */
    uint32_t far = c->b.len;
    emit(c, (uint32_t)T6 << 7 | 0x17);
    i_(c, 0x67, 0, ZERO, T6, 0);
    link(c, far, c->far[FAR_UNWIND]);
    link(c, ok, c->b.len);
    for (int i = 0; i < NGPR_VOLATILE; i++)
        ldx(c, slot_gpr[i], SP, 8 + 8 * i);
    ldx(c, RA, SP, 0);
    addi(c, SP, SP, (int32_t)area);
    i_(c, 0x67, 0, ZERO, RA, 0);
}

/* Stubs and the entry trampoline, at the start of the region. Offset 0 is
 * the out-of-bounds stub: the platform's fault handler resumes there. */
static void emit_header(jc_t *c)
{
    uint32_t to_unwind[WASM_TRAP_KIND_COUNT];
    uint32_t n = 0;
    c->far[WASM_TRAP_OOB_MEMORY] = c->b.len;
    li(c, A0, WASM_TRAP_OOB_MEMORY);
    to_unwind[n++] = jal_(c, ZERO);
    for (uint32_t k = 1; k < WASM_TRAP_KIND_COUNT; k++) {
        if (k == WASM_TRAP_OOB_MEMORY)
            continue;
        c->far[k] = c->b.len;
        li(c, A0, k);
        to_unwind[n++] = jal_(c, ZERO);
    }
    c->far[FAR_UNWIND] = c->b.len;
    ctx_ld(c, SP, offsetof(wasm_exec_t, jit_sp));
    uint32_t to_exit = jal_(c, ZERO);
    for (uint32_t k = 0; k < n; k++)
        link(c, to_unwind[k], c->far[FAR_UNWIND]);
    /* uint32_t enter(ex = a0, f = a1, fp = a2, entry = a3): saves ra and
     * s0-s11 (a trap skips the compiled frames' epilogues) */
    c->tramp = c->b.len;
    addi(c, SP, SP, -112);
    stx(c, RA, SP, 0);
    stx(c, 8, SP, 8);
    stx(c, 9, SP, 16);
    for (int r = 18; r <= 27; r++)
        stx(c, r, SP, 24 + 8 * (r - 18));
    ldx(c, T0, A0, (int64_t)offsetof(wasm_exec_t, jit_sp));
    stx(c, T0, SP, 104);
    stx(c, SP, A0, (int64_t)offsetof(wasm_exec_t, jit_sp));
    mv(c, REX_, A0);
    mv(c, RFP, 12);
    ldx(c, T2, A1, (int64_t)offsetof(wasm_func_t, inst));
    load_instance(c, T2);
    ctx_ld(c, RFUEL, offsetof(wasm_exec_t, fuel));
    i_(c, 0x67, 0, RA, 13, 0);   /* jalr ra, 0(a3) */
    mv(c, A0, ZERO);
    bind(c, to_exit);
    ctx_st(c, RFUEL, offsetof(wasm_exec_t, fuel));
    ldx(c, T0, SP, 104);
    ctx_st(c, T0, offsetof(wasm_exec_t, jit_sp));
    ldx(c, RA, SP, 0);
    ldx(c, 8, SP, 8);
    ldx(c, 9, SP, 16);
    for (int r = 18; r <= 27; r++)
        ldx(c, r, SP, 24 + 8 * (r - 18));
    addi(c, SP, SP, 112);
    i_(c, 0x67, 0, ZERO, RA, 0);
}

/* Instruction-cache maintenance: fence.i makes this hart's instruction
 * fetches see the new code. Other harts need the platform: the hosted
 * wasm_plat_code_seal asks Linux (riscv_flush_icache, through
 * __builtin___clear_cache); a kernel sends a remote fence.i. */
static void sync_icache(void)
{
    __asm__ volatile("fence.i" : : : "memory");
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
                   wasmi_jit_decode(&fn, opmap) && wasmi_jit_alloc_slots(&fn, NGPR, 0);
        uint32_t ncfx = c.b.cfx.n;
        if (fok) {
            while (c.b.len % 16)
                addi(&c, ZERO, ZERO, 0);   /* nop */
            start = c.b.len;
            fok = compile_fn(&c);
        }
        if (c.b.oom)
            good = false;
        if (!fok) {
            c.b.len = start;
            c.b.cfx.n = ncfx;
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
    good = good && !c.b.oom && !c.range;
    uint8_t *code = NULL;
    size_t size = 0;
    if (good) {
        code = wasmi_jit_install(&c.b, &size);
        good = code != NULL;
    }
    if (good)
        sync_icache();
    if (good)
        wasmi_jit_publish(m, j, code, size, c.guard, c.tramp, c.def_off, ok);
    wasm_plat_free(opmap);
    wasm_plat_free(ok);
    wasm_plat_free(c.def_off);
    wasmi_jit_buf_free(&c.b);
    wasm_plat_free(c.ffx.v);
    wasm_plat_free(c.sp);
    return good;
}

#endif /* riscv64 */
