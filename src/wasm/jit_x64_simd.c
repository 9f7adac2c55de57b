/*
 * The x86_64 back end's SIMD (v128) emitters. Included by jit_x64.c (it uses
 * that file's assembler and slot helpers); not compiled on its own.
 *
 * A v128 value lives in an XMM slot register (jit_ra.c allocates v128 webs
 * like float ones: vreg_at) or in its two frame cells, [r13 + 8*slot],
 * loaded with movdqu into the two scratch registers xmm0 and xmm1 (legacy
 * SSE needs 16-byte aligned memory operands, and frame cells are only 8-byte
 * aligned). An op computes its result in the result's register when it has
 * one (vout, vdone), else in xmm0/xmm1, stored later (vst). SSE2 is the
 * baseline (every x86_64 has it, and it is all
 * QEMU's default "qemu64" CPU offers); SSSE3 and SSE4.1 forms are used when
 * the CPU has them (probed once per runtime). What has no short form on the
 * CPU at hand -- and the instructions whose Wasm rules need more than a few
 * instructions (float min/max, saturating float-to-int, unsigned
 * conversions, i8x16 shifts, popcnt, extended multiplies, ...) -- runs
 * through wasmi_jit_simd, the interpreter's own executor, out of line: the
 * function stays compiled and gets exactly the interpreter's results.
 * docs/engine.md lists which is which.
 */

enum { NEED_SSE2, NEED_SSSE3, NEED_SSE41 };

/* Flags of a table entry: compute b op a; invert the result. */
#define SW 1
#define NT 2

typedef struct vop {
    uint8_t pfx, need, flags, imm;   /* imm: cmpps/roundps immediate, 0xFF none */
    uint32_t opc;
} vop_t;

static bool have(jc_t *c, int need)
{
    return need == NEED_SSE2 || (need == NEED_SSSE3 && c->ssse3) ||
           (need == NEED_SSE41 && c->sse41);
}

/* ------------------------------------------------------------ moves */

/* Which v128 slot xmm0 and xmm1 hold (c->xc), so that an op reading the
 * value the previous op left there takes it from the register instead of
 * waiting for a store to be forwarded: valid from one SIMD op to the next
 * only (at c->xc_end, when that is not a branch target).
 *
 * A result is first only in its register (c->xdirty): its store to the
 * frame is emitted when something else needs the register or the frame
 * cells, at the end of the op when the next op is not a SIMD op that can
 * take it from the register, and never when the value is dead by then
 * (live ranges, jit_ra.c): a v128 that only feeds the next SIMD op never
 * touches the frame. */
#define XC_NONE UINT32_MAX

/* The XMM register holding v128 slot s at the current op, as the op reads
 * it (def false) or as it writes it (def true), or -1: in its cells. With
 * live ranges, the register of the slot's web there (JL_V128, jit_ra.c);
 * else a slot vpin_choose kept in one for the whole function. */
static int vreg_at(const jc_t *c, uint32_t s, bool def)
{
    const jit_fn_t *fn = c->fn;
    if (fn->rstart) {
        uint32_t run = wasmi_jit_run_at(fn, s, 2 * c->ins + def);
        if (run == UINT32_MAX || fn->wk[fn->rweb[run]] != JL_V128)
            return -1;
        return 2 + fn->wr[fn->rweb[run]];
    }
    for (uint32_t k = 0; k < c->nvpin; k++)
        if (c->vpin[k] == s)
            return 15 - (int)k;
    return -1;
}

static int vreg(const jc_t *c, uint32_t s) { return vreg_at(c, s, false); }

/* Before an op reads the cells of slot s itself (def: the cells of its
 * result, about to be patched): a value in a register to them. */
static void vpin_out(jc_t *c, uint32_t s, bool def)
{
    int r = vreg_at(c, s, def);
    if (r >= 0)
        insn_m(c, 0xF3, 0, 0x0F7F, r, RFP, -1, 0, sdisp(s), false);   /* movdqu */
}

/* Whether slot s was just set to a constant by a CONST32 between the
 * previous v128 op and this one (see the end of emit_v128_op); *v gets it. */
static bool kslot(const jc_t *c, uint32_t s, uint32_t *v)
{
    for (uint32_t k = 0; k < c->nkc; k++)
        if (c->kc[k][0] == s) {
            *v = c->kc[k][1];
            return true;
        }
    return false;
}

/* After an op wrote the cells of its result s itself: the result's
 * register, if it has one, from them. */
static void vpin_in(jc_t *c, uint32_t s)
{
    int r = vreg_at(c, s, true);
    if (r >= 0)
        insn_m(c, 0xF3, 0, 0x0F6F, r, RFP, -1, 0, sdisp(s), false);   /* movdqu */
}

/* Whether the value in cells s, s+1 is read after the current op. Without
 * live ranges: assume so. */
static bool xneeded(jc_t *c, uint32_t s)
{
    const jit_fn_t *fn = c->fn;
    if (!fn->rstart)
        return true;
    uint32_t p = 2 * c->ins + 2;
    return wasmi_jit_run_at(fn, s, p) != UINT32_MAX || wasmi_jit_run_at(fn, s + 1, p) != UINT32_MAX;
}

static void xflush(jc_t *c, int x)
{
    if (c->xdirty[x]) {
        insn_m(c, 0xF3, 0, 0x0F7F, x, RFP, -1, 0, sdisp(c->xc[x]), false);   /* movdqu */
        c->xdirty[x] = false;
    }
}

static void xflush_all(jc_t *c)
{
    xflush(c, XMM0);
    xflush(c, XMM1);
}

/* Before the frame cells of slot s are read other than through vld (def:
 * those of the op's result, as vst left it). */
static void xflush_slot(jc_t *c, uint32_t s, bool def)
{
    for (int x = 0; x < 2; x++)
        if (c->xc[x] == s)
            xflush(c, x);
    vpin_out(c, s, def);
}

/* Before an instruction writes register x: its value goes to the frame
 * unless nothing reads it any more. */
static void xclobber(jc_t *c, int x)
{
    if (x > XMM1)
        return;   /* a slot register (a result's own): not a cache */
    if (c->xdirty[x] && !(c->xreads_done && !xneeded(c, c->xc[x])))
        xflush(c, x);
    c->xdirty[x] = false;
    c->xc[x] = XC_NONE;
}

/* Cells [s, s+n) of the frame were written other than by vst: a value
 * cached over them is gone (a write to one cell of a v128 ends it). */
static void xkill(jc_t *c, uint32_t s, uint32_t n)
{
    for (int x = 0; x < 2; x++)
        if (c->xc[x] != XC_NONE && c->xc[x] < s + n && s < c->xc[x] + 2) {
            c->xc[x] = XC_NONE;
            c->xdirty[x] = false;
        }
}

static void vld(jc_t *c, int x, uint32_t s)   /* movdqu x, [r13 + 8s] */
{
    int r = vreg(c, s);
    if (r >= 0) {
        /* (never cached in xmm0/xmm1: only its own register is written) */
        xclobber(c, x);
        movaps(c, x, r);
        return;
    }
    if (c->xc[x] == s)
        return;
    xclobber(c, x);
    if (c->xc[x ^ 1] == s)
        movaps(c, x, x ^ 1);
    else
        insn_m(c, 0xF3, 0, 0x0F6F, x, RFP, -1, 0, sdisp(s), false);
    c->xc[x] = s;
}

/* Slot s = x (stored later, or never: see above; at once without live
 * ranges). */
static void vst(jc_t *c, uint32_t s, int x)
{
    int r = vreg_at(c, s, true);
    if (r >= 0) {
        xkill(c, s, 2);   /* (a copy of an older value of s in its cells) */
        movaps(c, r, x);
        c->xlast = x;
        return;
    }
    if (c->xc[x] != s)
        xclobber(c, x);   /* (MOV128: x held the source) */
    xkill(c, s, 2);
    c->xc[x] = s;
    c->xdirty[x] = true;
    c->xlast = x;
    if (!c->fn->rstart)
        xflush(c, x);
}

/* Register r (any XMM: a result's own register too) = v128 operand s:
 * from its register, from xmm0/xmm1 when they hold it, else its cells. */
static void vmov_to(jc_t *c, int r, uint32_t s)
{
    if (r <= XMM1) {
        vld(c, r, s);
        return;
    }
    int q = vreg(c, s);
    if (q < 0)
        q = c->xc[XMM0] == s ? XMM0 : c->xc[XMM1] == s ? XMM1 : -1;
    if (q >= 0)
        movaps(c, r, q);
    else
        insn_m(c, 0xF3, 0, 0x0F6F, r, RFP, -1, 0, sdisp(s), false);   /* movdqu */
}

/* A register holding v128 operand s, to be read only: its own, xmm0/xmm1
 * when they hold it, else x loaded. */
static int vsrc(jc_t *c, uint32_t s, int x)
{
    int r = vreg(c, s);
    if (r >= 0)
        return r;
    if (c->xc[XMM0] == s)
        return XMM0;
    if (c->xc[XMM1] == s)
        return XMM1;
    vld(c, x, s);
    return x;
}

/* The register an op computes its result d in: d's own (then vdone after
 * it), else x (then vst). */
static int vout(jc_t *c, uint32_t d, int x)
{
    int r = vreg_at(c, d, true);
    return r >= 0 ? r : x;
}

/* The result d was computed in register r: where it lives (vst), or
 * already there. */
static void vdone(jc_t *c, uint32_t d, int r)
{
    if (r > XMM1)
        xkill(c, d, 2);   /* (r is d's own: a copy of an older d is stale) */
    else
        vst(c, d, r);
}

/* op x, y (both XMM) with an optional imm8: x changes. */
static void vrr(jc_t *c, int pfx, uint32_t opc, int x, int y)
{
    xclobber(c, x);
    insn_r(c, pfx, 0, opc, x, y);
}

static void vri(jc_t *c, int pfx, uint32_t opc, int x, int y, uint32_t imm)
{
    xclobber(c, x);
    insn_r(c, pfx, 0, opc, x, y);
    put1(c, imm);
}

/* Shift by an immediate: 66 0F 71/72/73 /digit ib (w: 0 word, 1 dword, 2 qword). */
static void vshi(jc_t *c, int w, int digit, int x, uint32_t n)
{
    xclobber(c, x);
    insn_r(c, 0x66, 0, 0x0F71 + (uint32_t)w, digit, x);
    put1(c, n);
}

/* Marks the branch targets of the current function in c->tgt (once per
 * function); a new function starts with nothing cached. */
static bool simd_targets(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    uint32_t len = fn->d->code_len;
    if (c->tgt_def == fn->def_index + 1)
        return true;
    if (len + 1 > c->tgt_cap) {
        uint8_t *q = wasm_plat_realloc(c->tgt, c->tgt_cap, len + 1);
        if (!q) {
            c->b.oom = true;
            return false;
        }
        c->tgt = q;
        c->tgt_cap = len + 1;
    }
    __builtin_memset(c->tgt, 0, len + 1);
    for (uint32_t pc = 0; pc < len; pc++) {
        uint32_t op = fn->op[pc], n = 0;
        const uint32_t *ip = c->code + pc;
        int32_t off[2];
        if (op == 0xFFFF)
            continue;
        if (op == OP_BR)
            off[n++] = (int32_t)ip[1];
        else if (op >= OP_BR_I32_EQ && op < OP_BR_I32_EQZ)
            off[n++] = (int32_t)ip[3];
        else if (op >= OP_BR_I32_EQZ && op <= OP_BR_I64_NEZ)
            off[n++] = (int32_t)ip[2];
        for (uint32_t k = 0; k < n; k++)
            if ((int64_t)pc + off[k] >= 0 && (int64_t)pc + off[k] <= len)
                c->tgt[pc + (uint32_t)off[k]] = 1;
        if (op == OP_BR_TABLE)
            for (uint32_t k = 0; k <= ip[2] && pc + 3 + k < len; k++) {
                int64_t t = (int64_t)pc + (int32_t)ip[3 + k];
                if (t >= 0 && t <= len)
                    c->tgt[t] = 1;
            }
    }
    c->tgt_def = fn->def_index + 1;
    c->nkz = 0;
    c->xc_end = XC_NONE;
    c->xdirty[0] = c->xdirty[1] = false;
    return true;
}

static void ones(jc_t *c, int x) { vrr(c, 0x66, 0x0F76, x, x); }    /* pcmpeqd x, x */
static void zero(jc_t *c, int x) { vrr(c, 0x66, 0x0FEF, x, x); }    /* pxor x, x */

/* A 16-byte constant in the function's pool, read RIP-relative by
 * "pfx opc x, [rip + disp32]" (no immediate may follow). */
static void vrip(jc_t *c, int pfx, uint32_t opc, int x, const uint32_t w[4])
{
    if (c->npool == c->poolcap) {
        simd_const_t *q = wasmi_jit_more(&c->b, c->pool, &c->poolcap, sizeof *q, 8);
        if (!q)
            return;
        c->pool = q;
    }
    xclobber(c, x);
    if (pfx)
        put1(c, (uint32_t)pfx);
    if (x & 8)
        put1(c, 0x44);                        /* REX.R: xmm8-xmm15 */
    opcode(c, opc);
    put1(c, (uint32_t)((x & 7) << 3 | 5));   /* mod 00, rm 101: rip + disp32 */
    put4(c, 0);
    simd_const_t *k = &c->pool[c->npool++];
    k->at = c->b.len - 4;
    for (int i = 0; i < 4; i++)
        k->w[i] = w[i];
}

/* The pool, after the function's code: 16-byte aligned (legacy SSE memory
 * operands must be). */
static void simd_pool_flush(jc_t *c)
{
    if (!c->npool)
        return;
    while (c->b.len % 16)
        put1(c, 0xCC);
    for (uint32_t i = 0; i < c->npool; i++) {
        link(c, c->pool[i].at, c->b.len);
        for (int k = 0; k < 4; k++)
            put4(c, c->pool[i].w[k]);
    }
    c->npool = 0;
}

/* ------------------------------------------------------------ out of line */

/* Any SIMD op through the interpreter's executor (ip at its OP_SIMD words,
 * memory mem). v128 operands are in the frame already; scalar operands go
 * to their cells and a scalar result comes back (save_foreign keeps every
 * slot register across the call). */
static void simd_helper(jc_t *c, const uint32_t *ip, uint32_t mem)
{
    jit_simd_slots_t ss;
    uint32_t kind = ip[2] >> 8;
    bool sdef = kind == SK_EXTRACT || kind == SK_TEST;   /* s[0] is the result */
    bool vdef = !sdef && kind != SK_STORE && kind != SK_STORELANE;   /* v[0] is */
    wasmi_jit_simd_slots(ip, &ss);
    xflush_all(c);   /* the executor reads the frame, and may change both */
    xkill(c, 0, UINT32_MAX);
    for (uint32_t k = sdef; k < ss.ns; k++)
        spill_range(c, ss.s[k], ss.s[k] + 1);
    for (uint32_t k = vdef; k < ss.nv; k++)
        vpin_out(c, ss.v[k], false);
    save_foreign(c);
    mov_rr(c, RDI, RIN);
    mov_rr(c, RSI, RFP);
    mov_ri64(c, RDX, (uint64_t)(uintptr_t)ip);
    mov_ri64(c, RCX, mem);
    call_abs(c, (const void *)wasmi_jit_simd);
    restore_foreign(c);
    if (sdef)
        reload_range(c, ss.s[0], ss.s[0] + 1, true);
    if (vdef)
        vpin_in(c, ss.v[0]);
    check_trap(c);
}

/* ------------------------------------------------------------ tables */

/* Two-operand ops d = a op b in one instruction (SW: b op a; NT: then not). */
static bool binary_op(uint32_t sub, vop_t *v)
{
    static const uint32_t eqo[3] = {0x0F74, 0x0F75, 0x0F76}, gto[3] = {0x0F64, 0x0F65, 0x0F66};
    *v = (vop_t){0x66, NEED_SSE2, 0, 0xFF, 0};
    if (sub >= 0x23 && sub <= 0x40) {   /* i8/i16/i32 comparisons, signed and equality */
        uint32_t sh = (sub - 0x23) / 10, k = (sub - 0x23) % 10;
        switch (k) {
        case 0: v->opc = eqo[sh]; return true;
        case 1: v->opc = eqo[sh], v->flags = NT; return true;
        case 2: v->opc = gto[sh], v->flags = SW; return true;         /* lt_s */
        case 4: v->opc = gto[sh]; return true;                        /* gt_s */
        case 6: v->opc = gto[sh], v->flags = NT; return true;         /* le_s */
        case 8: v->opc = gto[sh], v->flags = SW | NT; return true;    /* ge_s */
        default: return false;                                        /* unsigned: below */
        }
    }
    if (sub >= 0x41 && sub <= 0x4C) {   /* float comparisons: cmpps/cmppd */
        static const uint8_t imm[6] = {0, 4, 1, 1, 2, 2}, sw[6] = {0, 0, 0, SW, 0, SW};
        uint32_t k = (sub - 0x41) % 6;
        v->pfx = sub >= 0x47 ? 0x66 : 0;
        v->opc = 0x0FC2, v->imm = imm[k], v->flags = sw[k];
        return true;
    }
    static const struct { uint8_t sub, pfx, need, flags; uint32_t opc; } t[] = {
        {0x4E, 0x66, 0, 0, 0x0FDB}, {0x4F, 0x66, 0, SW, 0x0FDF}, {0x50, 0x66, 0, 0, 0x0FEB},
        {0x51, 0x66, 0, 0, 0x0FEF},
        {0x65, 0x66, 0, 0, 0x0F63}, {0x66, 0x66, 0, 0, 0x0F67},
        {0x6E, 0x66, 0, 0, 0x0FFC}, {0x6F, 0x66, 0, 0, 0x0FEC}, {0x70, 0x66, 0, 0, 0x0FDC},
        {0x71, 0x66, 0, 0, 0x0FF8}, {0x72, 0x66, 0, 0, 0x0FE8}, {0x73, 0x66, 0, 0, 0x0FD8},
        {0x76, 0x66, 2, 0, 0x0F3838}, {0x77, 0x66, 0, 0, 0x0FDA}, {0x78, 0x66, 2, 0, 0x0F383C},
        {0x79, 0x66, 0, 0, 0x0FDE}, {0x7B, 0x66, 0, 0, 0x0FE0},
        {0x85, 0x66, 0, 0, 0x0F6B}, {0x86, 0x66, 2, 0, 0x0F382B},
        {0x8E, 0x66, 0, 0, 0x0FFD}, {0x8F, 0x66, 0, 0, 0x0FED}, {0x90, 0x66, 0, 0, 0x0FDD},
        {0x91, 0x66, 0, 0, 0x0FF9}, {0x92, 0x66, 0, 0, 0x0FE9}, {0x93, 0x66, 0, 0, 0x0FD9},
        {0x95, 0x66, 0, 0, 0x0FD5}, {0x96, 0x66, 0, 0, 0x0FEA}, {0x97, 0x66, 2, 0, 0x0F383A},
        {0x98, 0x66, 0, 0, 0x0FEE}, {0x99, 0x66, 2, 0, 0x0F383E}, {0x9B, 0x66, 0, 0, 0x0FE3},
        {0xAE, 0x66, 0, 0, 0x0FFE}, {0xB1, 0x66, 0, 0, 0x0FFA}, {0xB5, 0x66, 2, 0, 0x0F3840},
        {0xB6, 0x66, 2, 0, 0x0F3839}, {0xB7, 0x66, 2, 0, 0x0F383B}, {0xB8, 0x66, 2, 0, 0x0F383D},
        {0xB9, 0x66, 2, 0, 0x0F383F}, {0xBA, 0x66, 0, 0, 0x0FF5},
        {0xCE, 0x66, 0, 0, 0x0FD4}, {0xD1, 0x66, 0, 0, 0x0FFB},
        {0xD6, 0x66, 2, 0, 0x0F3829}, {0xD7, 0x66, 2, NT, 0x0F3829},
        /* float arithmetic: IEEE per lane; pmin/pmax are minps/maxps with
         * the operands swapped (they return the second operand for NaN and
         * for equal values, as pmin's b < a ? b : a does) */
        {0xE4, 0, 0, 0, 0x0F58}, {0xE5, 0, 0, 0, 0x0F5C}, {0xE6, 0, 0, 0, 0x0F59},
        {0xE7, 0, 0, 0, 0x0F5E}, {0xEA, 0, 0, SW, 0x0F5D}, {0xEB, 0, 0, SW, 0x0F5F},
        {0xF0, 0x66, 0, 0, 0x0F58}, {0xF1, 0x66, 0, 0, 0x0F5C}, {0xF2, 0x66, 0, 0, 0x0F59},
        {0xF3, 0x66, 0, 0, 0x0F5E}, {0xF6, 0x66, 0, SW, 0x0F5D}, {0xF7, 0x66, 0, SW, 0x0F5F},
    };
    for (uint32_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].sub == sub) {
            *v = (vop_t){t[i].pfx, t[i].need, t[i].flags, 0xFF, t[i].opc};
            return true;
        }
    return false;
}

/* Integer ops whose operands may be swapped (the float ones are not: the
 * NaN an x86 instruction returns depends on the order). */
static bool commutes(uint32_t sub)
{
    if (sub >= 0x23 && sub <= 0x40)
        return (sub - 0x23) % 10 < 2;   /* eq, ne */
    switch (sub) {
    case 0x4E: case 0x50: case 0x51:                        /* and or xor */
    case 0x6E: case 0x6F: case 0x70: case 0x76: case 0x77:  /* i8x16 add, add_sat, min, max */
    case 0x78: case 0x79: case 0x7B:                        /* avgr_u */
    case 0x8E: case 0x8F: case 0x90: case 0x95: case 0x96:  /* i16x8 add, add_sat, mul, min, max */
    case 0x97: case 0x98: case 0x99: case 0x9B:
    case 0xAE: case 0xB5: case 0xB6: case 0xB7: case 0xB8:  /* i32x4 add, mul, min, max */
    case 0xB9: case 0xBA:                                   /* dot_i16x8_s */
    case 0xCE: case 0xD6: case 0xD7:                        /* i64x2 add, eq, ne */
        return true;
    default:
        return false;
    }
}

/* The v128.const (its c->kz entry) whose value v128 operand s of the op at
 * pc is known to hold: one of the last few consts defined s shortly before,
 * the value reaching here is that one (the same live-range run of both
 * cells: no other definition in between) and no branch lands in between
 * (no other path brings another); or NULL. */
#define NKZ 8
static const uint32_t *vconst(jc_t *c, uint32_t s, uint32_t pc)
{
    const jit_fn_t *fn = c->fn;
    if (!fn->rstart)
        return NULL;
    for (uint32_t k = 0; k < NKZ && k < c->nkz; k++) {
        const uint32_t *z = c->kz[k];
        if (z[0] != s || z[1] >= pc || pc - z[1] > 256)
            continue;
        bool same = true;
        for (uint32_t h = 0; h < 2; h++) {
            uint32_t r = wasmi_jit_run_at(fn, s + h, 2 * c->ins);
            same &= r != UINT32_MAX && r == wasmi_jit_run_at(fn, s + h, 2 * z[2] + 1);
        }
        for (uint32_t p = z[1] + 1; same && p <= pc; p++)
            same = !(c->target[p] & 1);
        if (same)
            return z;
    }
    return NULL;
}

/* Whether v128 operand s of the op at pc is known to be zero (vconst). */
static bool vzero(jc_t *c, uint32_t s, uint32_t pc)
{
    const uint32_t *z = vconst(c, s, pc);
    const uint32_t *w = z ? c->code + z[1] + 3 : NULL;
    return w && !(w[0] | w[1] | w[2] | w[3]);
}

/* Whether the OP_SIMD at ip reads v128 slot s, when s holds a constant
 * (zero: all zero), only from the constant pool or not at all: a binary op
 * with s its second operand only (emit_binary: "op rd, [rip + k]"), or a
 * shuffle of a zero (emit_shuffle: pshufb's zero lanes). Keep in step with
 * those two. */
static bool kreader(jc_t *c, const uint32_t *ip, uint32_t s, bool zero)
{
    uint32_t sub = ip[2] & 0xFF, kind = ip[2] >> 8;
    vop_t v;
    if (kind == SK_SHUFFLE)
        return zero && c->ssse3;
    if (kind != SK_BINARY || sub == 0x0E || !binary_op(sub, &v) || !have(c, v.need) || v.imm != 0xFF)
        return false;
    uint32_t a = v.flags & SW ? ip[4] : ip[3], b = v.flags & SW ? ip[3] : ip[4];
    return b == s && a != s;
}

/* Whether the v128.const at ip (result d) need not be made at all: while
 * its value lives, within the next few ops of one straight line (no branch,
 * no branch target: vconst finds it there), only kreader ops read it. */
static bool kelide(jc_t *c, const uint32_t *ip, uint32_t d)
{
    const jit_fn_t *fn = c->fn;
    if (!fn->rstart)
        return false;
    uint32_t pc = (uint32_t)(ip - c->code), len = fn->d->code_len;
    uint32_t r0 = wasmi_jit_run_at(fn, d, 2 * c->ins + 1), r1 = wasmi_jit_run_at(fn, d + 1, 2 * c->ins + 1);
    bool zero = !(ip[3] | ip[4] | ip[5] | ip[6]);
    uint32_t p = pc + (uint32_t)wasmi_jit_op_words(OP_SIMD, ip);
    for (uint32_t j = c->ins + 1, n = 0;; j++, n++) {
        bool l0 = r0 != UINT32_MAX && wasmi_jit_run_at(fn, d, 2 * j) == r0;
        bool l1 = r1 != UINT32_MAX && wasmi_jit_run_at(fn, d + 1, 2 * j) == r1;
        if (!l0 && !l1)
            return true;   /* dead from here */
        if (n >= NKZ - 2 || p >= len || (c->target[p] & 1) || p - pc > 256)
            return false;
        uint32_t op = fn->op[p];
        const uint32_t *q = c->code + p;
        jit_ops_t o;
        int nw = wasmi_jit_op_words(op, q);
        if (nw <= 0 || !wasmi_jit_operands(fn->m, q, op, &o) || !o.fall || o.ntgt)
            return false;
        bool reads = o.ulo < o.uhi && o.ulo <= d + 1 && d < o.uhi;
        for (uint32_t k = 0; k < o.n; k++)
            reads |= !o.def[k] && (o.s[k] == d || o.s[k] == d + 1);
        if (reads && !(op == OP_SIMD && l0 && l1 && kreader(c, q, d, zero)))
            return false;
        p += (uint32_t)nw;
    }
}

/* The NOT of the NT ops: rd ^= all ones (in the scratch register rd is
 * not). */
static void binary_not(jc_t *c, const vop_t *v, int rd)
{
    if (v->flags & NT) {
        int t = rd == XMM1 ? XMM0 : XMM1;
        ones(c, t);
        vrr(c, 0x66, 0x0FEF, rd, t);
    }
}

/* rd = rd op rs by table entry v: its instruction (with the immediate of
 * cmpps/cmppd), then the NOT of the NT ops. */
static void binary_insn(jc_t *c, const vop_t *v, int rd, int rs)
{
    if (v->imm != 0xFF)
        vri(c, v->pfx, v->opc, rd, rs, v->imm);
    else
        vrr(c, v->pfx, v->opc, rd, rs);
    binary_not(c, v, rd);
}

static void emit_binary(jc_t *c, const vop_t *v, uint32_t sub, uint32_t d, uint32_t a, uint32_t b,
                        uint32_t pc)
{
    if (v->flags & SW) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    const uint32_t *z = vconst(c, b, pc);
    if (z && z[3]) {
        /* b a constant never made (kelide, kreader): rd = a; rd op= [pool] */
        int rd = vout(c, d, XMM0);
        vmov_to(c, rd, a);
        c->xreads_done = true;
        vrip(c, v->pfx, v->opc, rd, c->code + z[1] + 3);
        binary_not(c, v, rd);
        vdone(c, d, rd);
        return;
    }
    int rd = vreg_at(c, d, true), ra = vreg(c, a), rb = vreg(c, b);
    if (rd >= 0 && rd == rb && rd != ra && commutes(sub)) {
        uint32_t t = a;
        a = b;
        b = t;
        rb = ra;
        ra = rd;
    }
    if (rd >= 0 && (rd != rb || ra == rb)) {
        /* in d's register: rd = a; rd op= b (rd holds no b that it would
         * lose first) */
        int xb = vsrc(c, b, c->xc[XMM1] == a ? XMM0 : XMM1);
        vmov_to(c, rd, a);
        c->xreads_done = true;
        binary_insn(c, v, rd, xb);
        vdone(c, d, rd);
        return;
    }
    /* a goes to the register that holds it already, or else to the one
     * not holding b */
    int xa = c->xc[XMM0] == a ? XMM0 : c->xc[XMM1] == a ? XMM1 : c->xc[XMM0] == b ? XMM1 : XMM0;
    int xb = xa ^ 1;
    vld(c, xa, a);
    if (rb >= 0)
        xb = rb;
    else
        vld(c, xb, b);
    c->xreads_done = true;
    binary_insn(c, v, xa, xb);
    vst(c, d, xa);
}

/* Unsigned comparisons: a <= b is min(a, b) == a, a >= b is max(a, b) == a;
 * lt and gt are their negations. pminub/pmaxub are SSE2, the 16- and
 * 32-bit forms SSE4.1. */
static bool emit_ucmp(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t b)
{
    static const uint32_t mn[3] = {0x0FDA, 0x0F383A, 0x0F383B}, mx[3] = {0x0FDE, 0x0F383E, 0x0F383F};
    static const uint32_t eq[3] = {0x0F74, 0x0F75, 0x0F76};
    uint32_t sh = (sub - 0x23) / 10, k = (sub - 0x23) % 10;
    if (sh > 0 && !c->sse41)
        return false;
    /* k: 3 lt_u, 5 gt_u, 7 le_u, 9 ge_u */
    bool useMin = k == 5 || k == 7, neg = k == 3 || k == 5;
    vld(c, XMM0, a);
    vld(c, XMM1, b);
    c->xreads_done = true;
    vrr(c, 0x66, useMin ? mn[sh] : mx[sh], XMM1, XMM0);   /* xmm1 = min/max(b, a) */
    vrr(c, 0x66, eq[sh], XMM0, XMM1);                     /* == a */
    if (neg) {
        ones(c, XMM1);
        vrr(c, 0x66, 0x0FEF, XMM0, XMM1);
    }
    vst(c, d, XMM0);
    return true;
}

/* Unary ops: d = op a. */
static bool emit_unary(jc_t *c, uint32_t sub, uint32_t d, uint32_t a)
{
    int W = vout(c, d, XMM0);   /* where the result is computed */
    int out = W;
    switch (sub) {
    case 0x4D:   /* v128.not */
        vmov_to(c, W, a);
        c->xreads_done = true;
        ones(c, XMM1);
        vrr(c, 0x66, 0x0FEF, W, XMM1);
        break;
    case 0x60: case 0x80: case 0xA0:   /* abs: pabsb/w/d (SSSE3) */
        if (!c->ssse3)
            return false;
        vmov_to(c, W, a);
        c->xreads_done = true;
        vrr(c, 0x66, sub == 0x60 ? 0x0F381C : sub == 0x80 ? 0x0F381D : 0x0F381E, W, W);
        break;
    case 0x61: case 0x81: case 0xA1: case 0xC1: {   /* neg: 0 - a */
        static const uint32_t sb[4] = {0x0FF8, 0x0FF9, 0x0FFA, 0x0FFB};
        vld(c, XMM0, a);
        c->xreads_done = true;
        zero(c, XMM1);
        vrr(c, 0x66, sb[sub == 0x61 ? 0 : sub == 0x81 ? 1 : sub == 0xA1 ? 2 : 3], XMM1, XMM0);
        out = XMM1;
        break;
    }
    case 0x5E:   /* f32x4.demote_f64x2_zero: cvtpd2ps (upper lanes 0) */
        vmov_to(c, W, a);
        c->xreads_done = true;
        vrr(c, 0x66, 0x0F5A, W, W);
        break;
    case 0x5F:   /* f64x2.promote_low_f32x4: cvtps2pd */
        vmov_to(c, W, a);
        c->xreads_done = true;
        vrr(c, 0, 0x0F5A, W, W);
        break;
    case 0x67: case 0x68: case 0x69: case 0x6A:   /* f32x4 ceil floor trunc nearest */
    case 0x74: case 0x75: case 0x7A: case 0x94: { /* f64x2 */
        if (!c->sse41)
            return false;
        bool f64 = sub >= 0x74;
        uint32_t mode = sub == 0x67 || sub == 0x74 ? 2 : sub == 0x68 || sub == 0x75 ? 1 :
                        sub == 0x69 || sub == 0x7A ? 3 : 0;
        vmov_to(c, W, a);
        c->xreads_done = true;
        vri(c, 0x66, f64 ? 0x0F3A09 : 0x0F3A08, W, W, mode | 8);   /* roundps/pd */
        break;
    }
    case 0xE0: case 0xE1: case 0xEC: case 0xED: {   /* float abs, neg: the sign bits */
        bool f64 = sub >= 0xEC, abs = sub == 0xE0 || sub == 0xEC;
        vmov_to(c, W, a);
        c->xreads_done = true;
        ones(c, XMM1);
        vshi(c, f64 ? 2 : 1, abs ? 2 : 6, XMM1, abs ? 1 : f64 ? 63 : 31);
        vrr(c, 0x66, abs ? 0x0FDB : 0x0FEF, W, XMM1);
        break;
    }
    case 0xE3: case 0xEF:   /* sqrt */
        vmov_to(c, W, a);
        c->xreads_done = true;
        vrr(c, sub == 0xEF ? 0x66 : 0, 0x0F51, W, W);
        break;
    case 0xFA:   /* f32x4.convert_i32x4_s: cvtdq2ps */
        vmov_to(c, W, a);
        c->xreads_done = true;
        vrr(c, 0, 0x0F5B, W, W);
        break;
    case 0xFE:   /* f64x2.convert_low_i32x4_s: cvtdq2pd */
        vmov_to(c, W, a);
        c->xreads_done = true;
        vrr(c, 0xF3, 0x0FE6, W, W);
        break;
    case 0x87: case 0x88: case 0x89: case 0x8A:     /* i16x8 from i8x16: low_s high_s low_u high_u */
    case 0xA7: case 0xA8: case 0xA9: case 0xAA:     /* i32x4 from i16x8 */
    case 0xC7: case 0xC8: case 0xC9: case 0xCA: {   /* i64x2 from i32x4 */
        uint32_t w = sub >= 0xC7 ? 2 : sub >= 0xA7 ? 1 : 0, k = (sub - 0x87) % 32;
        bool high = k & 1, sgn = k < 2;
        static const uint32_t lo[3] = {0x0F60, 0x0F61, 0x0F62}, hi[3] = {0x0F68, 0x0F69, 0x0F6A};
        vmov_to(c, W, a);
        c->xreads_done = true;
        if (!sgn) {
            zero(c, XMM1);
            vrr(c, 0x66, high ? hi[w] : lo[w], W, XMM1);   /* interleave with zeros */
        } else if (w < 2) {
            /* interleave with itself, then shift the copy down arithmetically */
            vrr(c, 0x66, high ? hi[w] : lo[w], W, W);
            vshi(c, w, 4, W, w ? 16 : 8);
        } else {
            xclobber(c, XMM1);
            movaps(c, XMM1, W);
            vshi(c, 1, 4, XMM1, 31);                          /* sign of each lane */
            vrr(c, 0x66, high ? hi[2] : lo[2], W, XMM1);
        }
        break;
    }
    default:
        return false;
    }
    if (out == W)
        vdone(c, d, W);
    else
        vst(c, d, out);
    return true;
}

/* ------------------------------------------------------------ lanes in registers */

/* The XMM register holding v128 operand s when one does (its own, or
 * xmm0/xmm1 holding it from the previous op), else -1: in its cells. */
static int vheld(jc_t *c, uint32_t s)
{
    int r = vreg(c, s);
    if (r >= 0)
        return r;
    return c->xc[XMM0] == s ? XMM0 : c->xc[XMM1] == s ? XMM1 : -1;
}

/* A general register holding scalar operand s: its own, else r loaded. */
static int sgpr(jc_t *c, uint32_t s, int r)
{
    if (lkind(c, s) == JL_GPR)
        return lgpr(c, s);
    ld_g(c, 1, r, s);
    return r;
}

static void insn_ri(jc_t *c, int pfx, int w, uint32_t opc, int r, int rm, uint32_t imm)
{
    insn_r(c, pfx, w, opc, r, rm);
    put1(c, imm);
}

/* General register g = lane k (n bytes) of the v128 in XMM register v,
 * zero-extended to 64 bits (sx: sign-extended to 32, then zero-extended):
 * movd/movq for lane 0, pextrw, pextrb/d/q (SSE4.1); on SSE2 bytes come
 * from pextrw (shifted for an odd lane), dwords and the high qword from
 * pshufd into xmm0 or xmm1 (whichever v is not). Uses rcx for bytes. */
static void lane_to_gpr(jc_t *c, int v, uint32_t n, uint32_t k, int g, bool sx)
{
    if (n == 2) {
        insn_ri(c, 0x66, 0, 0x0FC5, g, v, k);            /* pextrw g, v, k */
        if (sx)
            insn_r(c, 0, 0, 0x0FBF, g, g);               /* movsx g, g16 */
        return;
    }
    if (n == 1) {
        if (c->sse41 && !sx) {
            insn_ri(c, 0x66, 0, 0x0F3A14, v, g, k);      /* pextrb g, v, k */
            return;
        }
        if (c->sse41) {
            insn_ri(c, 0x66, 0, 0x0F3A14, v, RCX, k);
        } else {
            insn_ri(c, 0x66, 0, 0x0FC5, RCX, v, k / 2);  /* pextrw ecx, v, k/2 */
            if (k & 1)
                insn_ri(c, 0, 0, 0xC1, 5, RCX, 8);       /* shr ecx, 8 */
        }
        insn_r(c, 0, 0, sx ? 0x0FBE : 0x0FB6, g, RCX);  /* movsx/movzx g, cl */
        return;
    }
    int q = n == 8;
    if (k == 0) {
        insn_r(c, 0x66, q, 0x0F7E, v, g);                /* movd/movq g, v */
    } else if (c->sse41) {
        insn_ri(c, 0x66, q, 0x0F3A16, v, g, k);          /* pextrd/pextrq g, v, k */
    } else {
        int t = v == XMM0 ? XMM1 : XMM0;
        xclobber(c, t);
        insn_ri(c, 0x66, 0, 0x0F70, t, v, q ? 0xEE : k); /* pshufd t, v */
        insn_r(c, 0x66, q, 0x0F7E, t, g);
    }
}

/* XMM register x = lane k of the v128 in XMM register v as a canonical
 * f32 (bits 32-63 zero) or f64: a register move or pshufd for f64;
 * insertps with the other lanes zeroed (SSE4.1), else pshufd and a
 * shift left and back of the qword. */
static void lane_to_xmm(jc_t *c, int v, bool f64, uint32_t k, int x)
{
    xclobber(c, x);
    if (f64) {
        if (k)
            insn_ri(c, 0x66, 0, 0x0F70, x, v, 0xEE);     /* pshufd x, v, lanes 2 3 2 3 */
        else
            movaps(c, x, v);
    } else if (c->sse41) {
        insn_ri(c, 0x66, 0, 0x0F3A21, x, v, k << 6 | 0x0E);   /* insertps: lane k, zeroes */
    } else {
        if (k || x != v)
            insn_ri(c, 0x66, 0, 0x0F70, x, v, k);        /* pshufd x, v: lane k to 0 */
        vshi(c, 2, 6, x, 32);                            /* psllq */
        vshi(c, 2, 2, x, 32);                            /* psrlq */
    }
}

/* Lane k (n bytes) of the v128 in XMM register W = the low n bytes of
 * general register g: pinsrw, pinsrb/d/q (SSE4.1); on SSE2 a byte is
 * merged into its word (through rax, rdx), a dword is two pinsrw (movss
 * for lane 0), a qword goes through xmm1 (movsd for lane 0, punpcklqdq
 * for lane 1). W is never xmm1. */
static void lane_from_gpr(jc_t *c, int W, uint32_t n, uint32_t k, int g)
{
    xclobber(c, W);
    if (n == 2) {
        insn_ri(c, 0x66, 0, 0x0FC4, W, g, k);            /* pinsrw W, g, k */
        return;
    }
    if (c->sse41) {
        insn_ri(c, 0x66, n == 8, n == 1 ? 0x0F3A20 : 0x0F3A22, W, g, k);   /* pinsrb/d/q */
        return;
    }
    if (n == 1) {
        insn_ri(c, 0x66, 0, 0x0FC5, RAX, W, k / 2);      /* pextrw eax, W, k/2 */
        insn_r(c, 0, 0, 0x89, g, RDX);                   /* mov edx, g */
        insn_r(c, 0, 0, 0x0FB6, RDX, RDX);               /* movzx edx, dl */
        if (k & 1)
            insn_ri(c, 0, 0, 0xC1, 4, RDX, 8);           /* shl edx, 8 */
        alu_i(c, 0, 4, R(RAX), k & 1 ? 0xFF : 0xFF00);   /* and eax: the other byte */
        insn_r(c, 0, 0, 0x09, RDX, RAX);                 /* or eax, edx */
        insn_ri(c, 0x66, 0, 0x0FC4, W, RAX, k / 2);      /* pinsrw W, eax, k/2 */
        return;
    }
    if (k == 0 || n == 8) {
        xclobber(c, XMM1);
        insn_r(c, 0x66, n == 8, 0x0F6E, XMM1, g);        /* movd/movq xmm1, g */
        if (k == 0)
            insn_r(c, n == 8 ? 0xF2 : 0xF3, 0, 0x0F10, W, XMM1);   /* movsd/movss W, xmm1 */
        else
            insn_r(c, 0x66, 0, 0x0F6C, W, XMM1);         /* punpcklqdq W, xmm1 */
        return;
    }
    insn_ri(c, 0x66, 0, 0x0FC4, W, g, 2 * k);            /* pinsrw W, g, 2k */
    insn_r(c, 0, 0, 0x89, g, RAX);                       /* mov eax, g */
    insn_ri(c, 0, 0, 0xC1, 5, RAX, 16);                  /* shr eax, 16 */
    insn_ri(c, 0x66, 0, 0x0FC4, W, RAX, 2 * k + 1);      /* pinsrw W, eax, 2k+1 */
}

/* Lane k of the v128 in W = the f32 or f64 in XMM register xs (not W):
 * movss/movsd for lane 0, movlhps for f64 lane 1, insertps (SSE4.1), else
 * through eax. */
static void lane_from_xmm(jc_t *c, int W, bool f64, uint32_t k, int xs)
{
    xclobber(c, W);
    if (f64 && k)
        insn_r(c, 0, 0, 0x0F16, W, xs);                  /* movlhps W, xs */
    else if (k == 0)
        insn_r(c, f64 ? 0xF2 : 0xF3, 0, 0x0F10, W, xs);  /* movsd/movss W, xs */
    else if (c->sse41)
        insn_ri(c, 0x66, 0, 0x0F3A21, W, xs, k << 4);    /* insertps W, xs: to lane k */
    else {
        insn_r(c, 0x66, 0, 0x0F7E, xs, RAX);             /* movd eax, xs */
        lane_from_gpr(c, W, 4, k, RAX);
    }
}

/* ------------------------------------------------------------ by kind */

/* Loads: the whole v128, extends, splats, zero-extending. */
static bool emit_load(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t off)
{
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    if (sub == 0x05 && !c->sse41)
        return false;   /* i64x2.load32x2_s: pmovsxdq */
    int32_t disp;
    int idx = mem_addr(c, a, off, in.size, &disp);
    if (sub == 0x00) {
        /* into d's register, else the one not holding the previous op's
         * result */
        int x = vout(c, d, c->xc[c->xlast] != XC_NONE ? c->xlast ^ 1 : XMM0);
        xclobber(c, x);
        insn_m(c, 0xF3, 0, 0x0F6F, x, RMB, idx, 0, disp, false);   /* movdqu */
        vdone(c, d, x);
        return true;
    }
    /* in d's register, else xmm0 (xmm1: a zero for the unsigned extends) */
    int W = vout(c, d, XMM0);
    xclobber(c, W);
    xclobber(c, XMM1);
    switch (sub) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
        insn_m(c, 0xF3, 0, 0x0F7E, W, RMB, idx, 0, disp, false);   /* movq */
        if (sub == 0x05) {
            vrr(c, 0x66, 0x0F3825, W, W);                             /* pmovsxdq */
        } else if (sub & 1) {                                       /* signed */
            uint32_t w = (sub - 1) / 2;
            vrr(c, 0x66, w ? 0x0F61 : 0x0F60, W, W);
            vshi(c, w, 4, W, w ? 16 : 8);
        } else {
            uint32_t w = (sub - 1) / 2;
            zero(c, XMM1);
            vrr(c, 0x66, 0x0F60 + w, W, XMM1);
        }
        break;
    case 0x07: case 0x08:   /* load8/16_splat: the byte or word times 0x01010101 / 0x00010001 */
        insn_m(c, 0, 0, sub == 0x07 ? 0x0FB6 : 0x0FB7, RCX, RMB, idx, 0, disp, false);
        insn_r(c, 0, 0, 0x69, RCX, RCX);
        put4(c, sub == 0x07 ? 0x01010101u : 0x00010001u);
        movq_xg(c, W, RCX);
        vri(c, 0x66, 0x0F70, W, W, 0);   /* pshufd 0 */
        break;
    case 0x09:
        insn_m(c, 0x66, 0, 0x0F6E, W, RMB, idx, 0, disp, false);   /* movd */
        vri(c, 0x66, 0x0F70, W, W, 0);
        break;
    case 0x0A:
        insn_m(c, 0xF3, 0, 0x0F7E, W, RMB, idx, 0, disp, false);   /* movq */
        vrr(c, 0x66, 0x0F6C, W, W);                                  /* punpcklqdq */
        break;
    case 0x5C:
        insn_m(c, 0x66, 0, 0x0F6E, W, RMB, idx, 0, disp, false);   /* movd: upper lanes 0 */
        break;
    case 0x5D:
        insn_m(c, 0xF3, 0, 0x0F7E, W, RMB, idx, 0, disp, false);   /* movq: upper lanes 0 */
        break;
    default:
        return false;
    }
    vdone(c, d, W);
    return true;
}

/* A lane between memory and the frame through rcx: n bytes. */
static void lane_mov(jc_t *c, bool to_mem, uint32_t n, int base, int idx, int32_t disp)
{
    static const uint32_t ld[4] = {0x0FB6, 0x0FB7, 0x8B, 0x8B};
    uint32_t k = n == 1 ? 0 : n == 2 ? 1 : n == 4 ? 2 : 3;
    if (!to_mem) {
        insn_m(c, 0, k == 3, ld[k], RCX, base, idx, 0, disp, false);
        return;
    }
    if (n == 1)
        insn_m(c, 0, 0, 0x88, RCX, base, idx, 0, disp, true);
    else if (n == 2)
        insn_m(c, 0x66, 0, 0x89, RCX, base, idx, 0, disp, false);
    else
        insn_m(c, 0, n == 8, 0x89, RCX, base, idx, 0, disp, false);
}

static void emit_shuffle(jc_t *c, const uint32_t *ip)
{
    uint32_t ma[4] = {0}, mb[4] = {0};
    bool usea = false, useb = false;
    const uint32_t *w = ip + 5;
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t l = (w[i / 4] >> (8 * (i % 4))) & 0xFF;
        uint32_t xa = l < 16 ? l : 0x80, xb = l >= 16 ? l - 16 : 0x80;
        usea |= l < 16;
        useb |= l >= 16;
        ma[i / 4] |= xa << (8 * (i % 4));
        mb[i / 4] |= xb << (8 * (i % 4));
    }
    /* lanes from a zero operand: pshufb's zero lanes (0x80) of the other
     * operand's mask already; a widening shuffle with zero is one pshufb */
    uint32_t pc = (uint32_t)(ip - c->code);
    usea = usea && !vzero(c, ip[3], pc);
    useb = useb && !vzero(c, ip[4], pc);
    /* in the result's register unless b, read second, is there */
    int x = vout(c, ip[1], XMM0);
    if (usea && useb && x > XMM1 && x == vreg(c, ip[4]))
        x = XMM0;
    if (usea) {
        vmov_to(c, x, ip[3]);
        vrip(c, 0x66, 0x0F3800, x, ma);   /* pshufb */
    }
    if (useb && usea) {
        vld(c, XMM1, ip[4]);
        vrip(c, 0x66, 0x0F3800, XMM1, mb);
        vrr(c, 0x66, 0x0FEB, x, XMM1);    /* por */
    } else if (useb) {
        vmov_to(c, x, ip[4]);
        vrip(c, 0x66, 0x0F3800, x, mb);
    } else if (!usea) {
        zero(c, x);
    }
    c->xreads_done = true;
    vdone(c, ip[1], x);
}

/* One OP_SIMD instruction (ip at its words); mem != 0: SIMD_M on that
 * memory, always out of line. */
static void emit_simd(jc_t *c, const uint32_t *ip, uint32_t mem)
{
    uint32_t sub = ip[2] & 0xFF, kind = ip[2] >> 8, d = ip[1];
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    vop_t v;
    if (mem)
        goto helper;
    switch (kind) {
    case SK_LOAD:
        if (emit_load(c, sub, d, ip[3], ip[4]))
            return;
        break;
    case SK_STORE: {
        int32_t disp;
        int idx = mem_addr(c, ip[3], ip[5], 16, &disp);
        int x = vsrc(c, ip[4], XMM0);
        insn_m(c, 0xF3, 0, 0x0F7F, x, RMB, idx, 0, disp, false);
        return;
    }
    case SK_LOADLANE: {   /* d = v with lane from memory: into rcx, then inserted */
        int32_t disp;
        int idx = mem_addr(c, ip[3], ip[5], in.size, &disp);
        lane_mov(c, false, in.size, RMB, idx, disp);
        int W = vout(c, d, XMM0);
        vmov_to(c, W, ip[4]);
        c->xreads_done = true;
        lane_from_gpr(c, W, in.size, ip[6], RCX);
        vdone(c, d, W);
        return;
    }
    case SK_STORELANE: {
        int32_t disp;
        int idx = mem_addr(c, ip[3], ip[5], in.size, &disp);
        int v = vheld(c, ip[4]);
        if (v >= 0) {   /* extracted into rcx (idx is rax or the address's register) */
            c->xreads_done = true;
            lane_to_gpr(c, v, in.size, ip[6], RCX, false);
            lane_mov(c, true, in.size, RMB, idx, disp);
            return;
        }
        lane_mov(c, false, in.size, RFP, -1, sdisp(ip[4]) + (int32_t)(ip[6] * in.size));
        lane_mov(c, true, in.size, RMB, idx, disp);
        return;
    }
    case SK_CONST:
        /* one 16-byte store (from the pool, or zero): two 8-byte stores
         * read back by a 16-byte load would stall store forwarding */
        {
            /* remembered (vconst): a shuffle may read a zero without it,
             * a binary op a constant from the pool; not made at all when
             * only those read it (kelide) */
            uint32_t *z = c->kz[c->nkz++ % NKZ];
            z[0] = d, z[1] = (uint32_t)(ip - c->code), z[2] = c->ins, z[3] = 0;
            if (kelide(c, ip, d)) {
                z[3] = 1;
                xkill(c, d, 2);
                return;
            }
            int x = vout(c, d, XMM0);
            if (!(ip[3] | ip[4] | ip[5] | ip[6]))
                zero(c, x);
            else if (ip[3] == ip[4] && ip[3] == ip[5] && ip[3] == ip[6] && ip[3] == 0xFFFFFFFFu)
                ones(c, x);
            else
                vrip(c, 0xF3, 0x0F6F, x, ip + 3);   /* movdqu x, [rip + k] */
            vdone(c, d, x);
        }
        return;
    case SK_SHUFFLE:
        if (!c->ssse3)
            break;
        emit_shuffle(c, ip);
        return;
    case SK_BINARY:
        if (sub == 0x0E) {
            /* swizzle: indices >= 16 saturate to >= 0x80, which pshufb zeroes */
            static const uint32_t k70[4] = {0x70707070u, 0x70707070u, 0x70707070u, 0x70707070u};
            if (!c->ssse3)
                break;
            vld(c, XMM0, ip[3]);
            vld(c, XMM1, ip[4]);
            vrip(c, 0x66, 0x0FDC, XMM1, k70);        /* paddusb */
            vrr(c, 0x66, 0x0F3800, XMM0, XMM1);      /* pshufb */
            vst(c, d, XMM0);
            return;
        }
        if (binary_op(sub, &v)) {
            if (!have(c, v.need))
                break;
            emit_binary(c, &v, sub, d, ip[3], ip[4], (uint32_t)(ip - c->code));
            return;
        }
        if (sub >= 0x23 && sub <= 0x40 && emit_ucmp(c, sub, d, ip[3], ip[4]))
            return;
        break;
    case SK_UNARY:
        if (emit_unary(c, sub, d, ip[3]))
            return;
        break;
    case SK_TERNARY: {   /* bitselect: ((a ^ b) & c) ^ b */
        uint32_t pc = (uint32_t)(ip - c->code);
        int rb = vreg(c, ip[4]), rc = vreg(c, ip[5]), x = vout(c, d, XMM0);
        if (x == rb || x == rc)
            x = XMM0;
        if (vzero(c, ip[4], pc) && (rc >= 0 || x != XMM0 || c->xc[XMM1] == ip[5])) {
            /* b zero: a & c */
            int xc = rc >= 0 ? rc : vsrc(c, ip[5], XMM1);
            vmov_to(c, x, ip[3]);
            c->xreads_done = true;
            vrr(c, 0x66, 0x0FDB, x, xc);          /* pand */
            vdone(c, d, x);
            return;
        }
        if (rb >= 0 && rc >= 0) {
            /* both in registers: x = a; x ^= b; x &= c; x ^= b */
            vmov_to(c, x, ip[3]);
            c->xreads_done = true;
            vrr(c, 0x66, 0x0FEF, x, rb);
            vrr(c, 0x66, 0x0FDB, x, rc);
            vrr(c, 0x66, 0x0FEF, x, rb);
            vdone(c, d, x);
            return;
        }
        vld(c, XMM0, ip[3]);
        vld(c, XMM1, ip[4]);
        vrr(c, 0x66, 0x0FEF, XMM0, XMM1);
        vld(c, XMM1, ip[5]);
        vrr(c, 0x66, 0x0FDB, XMM0, XMM1);
        vld(c, XMM1, ip[4]);
        c->xreads_done = true;
        vrr(c, 0x66, 0x0FEF, XMM0, XMM1);
        vst(c, d, XMM0);
        return;
    }
    case SK_SPLAT:
        if ((sub == 0x13 || sub == 0x14) && lkind(c, ip[3]) == JL_XMM) {
            /* a float in its XMM register: one pshufd */
            int x = vout(c, d, XMM0);
            vri(c, 0x66, 0x0F70, x, lxmm(c, ip[3]), sub == 0x14 ? 0x44 : 0);
            vdone(c, d, x);
            return;
        }
        {
            /* from its general register (or rcx): movd/movq to xmm0; bytes
             * doubled into words (punpcklbw), words into the low four
             * (pshuflw), then pshufd into the result's register */
            int g = sgpr(c, ip[3], RCX), x = vout(c, d, XMM0), q = sub == 0x12 || sub == 0x14;
            xclobber(c, XMM0);
            insn_r(c, 0x66, q, 0x0F6E, XMM0, g);                /* movd/movq xmm0, g */
            if (sub == 0x0F)
                vrr(c, 0x66, 0x0F60, XMM0, XMM0);               /* punpcklbw */
            if (sub <= 0x10)
                vri(c, 0xF2, 0x0F70, XMM0, XMM0, 0);            /* pshuflw 0 */
            vri(c, 0x66, 0x0F70, x, XMM0, q ? 0x44 : 0);        /* pshufd x, xmm0: lanes 0 1 0 1 or 0 0 0 0 */
            vdone(c, d, x);
        }
        return;
    case SK_EXTRACT: {
        uint32_t n = in.lanes == 16 ? 1 : in.lanes == 8 ? 2 : in.lanes == 4 ? 4 : 8;
        int32_t at = sdisp(ip[3]) + (int32_t)(ip[4] * n);
        int v = vheld(c, ip[3]);
        if (v >= 0 && (sub == 0x1F || sub == 0x21)) {   /* f32, f64: register to register */
            c->xreads_done = true;
            int x = dst_x(c, d, XMM0);
            lane_to_xmm(c, v, sub == 0x21, ip[4], x);
            st_x(c, d, x);
            xkill(c, d, 1);
            return;
        }
        if (v >= 0) {
            c->xreads_done = true;
            int g = dst_g(c, d, RCX);
            lane_to_gpr(c, v, n, ip[4], g, sub == 0x15 || sub == 0x18);
            st_g(c, d, g);
            xkill(c, d, 1);
            return;
        }
        xflush_slot(c, ip[3], false);
        if (sub == 0x15 || sub == 0x18)   /* extract_lane_s: movsx ecx, byte/word */
            insn_m(c, 0, 0, sub == 0x15 ? 0x0FBE : 0x0FBF, RCX, RFP, -1, 0, at, false);
        else
            lane_mov(c, false, n, RFP, -1, at);
        st_g(c, d, RCX);
        xkill(c, d, 1);
        return;
    }
    case SK_REPLACE: {
        uint32_t n = in.lanes == 16 ? 1 : in.lanes == 8 ? 2 : in.lanes == 4 ? 4 : 8;
        /* in d's register (else xmm0): a, then the lane inserted; a
         * float from its XMM register, anything else from a general one */
        int W = vout(c, d, XMM0);
        if ((sub == 0x20 || sub == 0x22) && lkind(c, ip[4]) == JL_XMM) {
            int xs = lxmm(c, ip[4]);
            if (xs == W) {   /* (the scalar dies here: d may take its register) */
                xclobber(c, XMM1);
                movaps(c, XMM1, xs);
                xs = XMM1;
            }
            vmov_to(c, W, ip[3]);
            c->xreads_done = true;
            lane_from_xmm(c, W, sub == 0x22, ip[5], xs);
        } else {
            int g = sgpr(c, ip[4], RCX);
            vmov_to(c, W, ip[3]);
            c->xreads_done = true;
            lane_from_gpr(c, W, n, ip[5], g);
        }
        vdone(c, d, W);
        return;
    }
    case SK_TEST:
        if (sub == 0x53 && vheld(c, ip[3]) >= 0) {
            /* any_true in a register: ptest (SSE4.1), else no byte equal
             * to zero */
            int v = vheld(c, ip[3]);
            c->xreads_done = true;
            if (c->sse41) {
                insn_r(c, 0x66, 0, 0x0F3817, v, v);       /* ptest v, v */
            } else {
                int t = v == XMM1 ? XMM0 : XMM1;
                zero(c, t);
                vrr(c, 0x66, 0x0F74, t, v);                /* pcmpeqb t, v */
                insn_r(c, 0x66, 0, 0x0FD7, RAX, t);        /* pmovmskb eax, t */
                alu_i(c, 0, 7, R(RAX), 0xFFFF);            /* cmp eax, 0xFFFF */
            }
            setcc_to(c, CC_NE, d);
            xkill(c, d, 1);
            return;
        }
        if (sub == 0x53) {   /* any_true from the cells */
            xflush_slot(c, ip[3], false);
            insn_m(c, 0, 1, 0x8B, RAX, RFP, -1, 0, sdisp(ip[3]), false);
            insn_m(c, 0, 1, 0x0B, RAX, RFP, -1, 0, sdisp(ip[3]) + 8, false);   /* or */
            setcc_to(c, CC_NE, d);
            xkill(c, d, 1);
            return;
        }
        if (sub == 0x63 || sub == 0x83 || sub == 0xA3 || (sub == 0xC3 && c->sse41)) {
            /* all_true: no lane equals zero */
            uint32_t eq = sub == 0x63 ? 0x0F74 : sub == 0x83 ? 0x0F75 : sub == 0xA3 ? 0x0F76 : 0x0F3829;
            int v = vsrc(c, ip[3], XMM0), t = v == XMM1 ? XMM0 : XMM1;
            c->xreads_done = true;
            zero(c, t);
            vrr(c, 0x66, eq, t, v);
            insn_r(c, 0x66, 0, 0x0FD7, RAX, t);      /* pmovmskb eax, t */
            insn_r(c, 0, 0, 0x85, RAX, RAX);
            setcc_to(c, CC_E, d);
            xkill(c, d, 1);
            return;
        }
        if (sub == 0x64 || sub == 0x84 || sub == 0xA4 || sub == 0xC4) {   /* bitmask */
            if (sub == 0x84) {
                vld(c, XMM0, ip[3]);
                c->xreads_done = true;
                vrr(c, 0x66, 0x0F63, XMM0, XMM0);    /* packsswb: words to bytes */
                insn_r(c, 0x66, 0, 0x0FD7, RAX, XMM0);
                insn_r(c, 0, 0, 0x0FB6, RAX, RAX);   /* the low 8 */
            } else {
                int v = vsrc(c, ip[3], XMM0);        /* read in place */
                if (sub == 0x64)
                    insn_r(c, 0x66, 0, 0x0FD7, RAX, v);   /* pmovmskb */
                else
                    insn_r(c, sub == 0xC4 ? 0x66 : 0, 0, 0x0F50, RAX, v);   /* movmskps/pd */
            }
            st_g(c, d, RAX);
            xkill(c, d, 1);
            return;
        }
        break;
    case SK_SHIFT: {
        /* i16/i32/i64 lanes by the count modulo the lane width */
        static const struct { uint8_t sub, mask; uint32_t opc; } t[] = {
            {0x8B, 15, 0x0FF1}, {0x8C, 15, 0x0FE1}, {0x8D, 15, 0x0FD1},
            {0xAB, 31, 0x0FF2}, {0xAC, 31, 0x0FE2}, {0xAD, 31, 0x0FD2},
            {0xCB, 63, 0x0FF3}, {0xCD, 63, 0x0FD3},
        };
        uint32_t n;
        for (uint32_t i = 0; i < sizeof t / sizeof t[0]; i++)
            if (t[i].sub == sub && kslot(c, ip[4], &n)) {
                /* a constant count: the immediate form (66 0F 71/72/73 /6 shl,
                 * /4 shr_s, /2 shr_u), the count masked as Wasm masks it */
                uint32_t w = sub >= 0xCB ? 2 : sub >= 0xAB ? 1 : 0, k = (sub - 0x8B) % 32;
                int x = vout(c, d, XMM0);
                vmov_to(c, x, ip[3]);
                c->xreads_done = true;
                vshi(c, (int)w, k == 0 ? 6 : k == 1 ? 4 : 2, x, n & t[i].mask);
                vdone(c, d, x);
                return;
            }
        for (uint32_t i = 0; i < sizeof t / sizeof t[0]; i++)
            if (t[i].sub == sub) {
                ld_g(c, 0, RCX, ip[4]);
                alu_i(c, 0, 4, R(RCX), t[i].mask);
                vld(c, XMM0, ip[3]);
                c->xreads_done = true;
                xclobber(c, XMM1);
                movq_xg(c, XMM1, RCX);
                vrr(c, 0x66, t[i].opc, XMM0, XMM1);
                vst(c, d, XMM0);
                return;
            }
        if (sub == 0xCC && kslot(c, ip[4], &n)) {
            /* i64x2.shr_s by a constant: as below, m from the pool */
            uint64_t m = (1ull << 63) >> (n & 63);
            uint32_t mw[4] = {(uint32_t)m, (uint32_t)(m >> 32), (uint32_t)m, (uint32_t)(m >> 32)};
            int x = vout(c, d, XMM0);
            vmov_to(c, x, ip[3]);
            c->xreads_done = true;
            vshi(c, 2, 2, x, n & 63);            /* psrlq x, n */
            vrip(c, 0x66, 0x0FEF, x, mw);        /* pxor x, [m] */
            vrip(c, 0x66, 0x0FFB, x, mw);        /* psubq x, [m] */
            vdone(c, d, x);
            return;
        }
        if (sub == 0xCC) {
            /* i64x2.shr_s (no SSE instruction): the logical shift, then the
             * sign bit moved by the same count, m = 2^63 >> n, spread over
             * the vacated bits: (x >>u n ^ m) - m */
            ld_g(c, 0, RCX, ip[4]);
            alu_i(c, 0, 4, R(RCX), 63);
            vld(c, XMM0, ip[3]);
            c->xreads_done = true;
            xclobber(c, XMM1);
            movq_xg(c, XMM1, RCX);
            vrr(c, 0x66, 0x0FD3, XMM0, XMM1);   /* psrlq */
            mov_ri64(c, RAX, 1ull << 63);
            insn_r(c, 0, 1, 0xD3, 5, RAX);      /* shr rax, cl */
            movq_xg(c, XMM1, RAX);
            vrr(c, 0x66, 0x0F6C, XMM1, XMM1);   /* punpcklqdq */
            vrr(c, 0x66, 0x0FEF, XMM0, XMM1);   /* pxor */
            vrr(c, 0x66, 0x0FFB, XMM0, XMM1);   /* psubq */
            vst(c, d, XMM0);
            return;
        }
        break;
    }
    default:
        break;
    }
helper:
    simd_helper(c, ip, mem);
}

/* MOV128, SELECT128, GLOBAL_GET128/SET128, SIMD, SIMD_M. */
static void emit_v128_op(jc_t *c, uint32_t op, const uint32_t *ip)
{
    uint32_t pc = (uint32_t)(ip - c->code);
    if (!simd_targets(c))
        return;
    if (pc != c->xc_end || c->tgt[pc]) {
        if (c->xdirty[0] || c->xdirty[1])
            c->bad = true;   /* (never: a value is left unstored only for the next op) */
        c->xc[0] = c->xc[1] = XC_NONE;
        c->xdirty[0] = c->xdirty[1] = false;
        c->nkc = 0;
    }
    c->xreads_done = false;
    c->xc_end = pc + (uint32_t)wasmi_jit_op_words(op, ip);
    switch (op) {
    case OP_MOV128:
        if (ip[1] != ip[2] || vreg(c, ip[2]) != vreg_at(c, ip[1], true)) {
            int x = vout(c, ip[1], XMM0);
            vmov_to(c, x, ip[2]);
            c->xreads_done = true;
            vdone(c, ip[1], x);
        }
        break;
    case OP_SELECT128: {
        uint32_t cond = ip[4];
        xflush_all(c);   /* (no store may be emitted on one path only) */
        vld(c, XMM0, ip[2]);
        if (lkind(c, cond) == JL_GPR)
            insn_r(c, 0, 0, 0x85, lgpr(c, cond), lgpr(c, cond));
        else
            alu_i(c, 0, 7, rm_g(c, cond, RDX), 0);
        uint32_t keep = jcc(c, CC_NE);
        vld(c, XMM0, ip[3]);
        bind(c, keep);
        vst(c, ip[1], XMM0);
        break;
    }
    case OP_GLOBAL_GET128: case OP_GLOBAL_SET128:
        if (op == OP_GLOBAL_SET128)
            xflush_slot(c, ip[1], false);
        insn_m(c, 0, 1, 0x8B, RAX, RIN, -1, 0, (int32_t)offsetof(wasm_instance_t, globals), false);
        insn_m(c, 0, 1, 0x8B, RAX, RAX, -1, 0, (int32_t)(ip[2] * 8), false);
        for (int h = 0; h < 2; h++) {
            int32_t g = (int32_t)(h ? offsetof(wasm_global_t, hi) : offsetof(wasm_global_t, value));
            if (op == OP_GLOBAL_GET128) {
                insn_m(c, 0, 1, 0x8B, RCX, RAX, -1, 0, g, false);
                insn_m(c, 0, 1, 0x89, RCX, RFP, -1, 0, sdisp(ip[1]) + 8 * h, false);
                xkill(c, ip[1], 2);
                if (h)
                    vpin_in(c, ip[1]);
            } else {
                insn_m(c, 0, 1, 0x8B, RCX, RFP, -1, 0, sdisp(ip[1]) + 8 * h, false);
                insn_m(c, 0, 1, 0x89, RCX, RAX, -1, 0, g, false);
            }
        }
        break;
    case OP_SIMD:
        emit_simd(c, ip, 0);
        break;
    case OP_SIMD_M:
        emit_simd(c, ip + 1, ip[1]);
        break;
    default:
        break;
    }
    /* A result still only in its register: dropped when dead, kept for
     * the next op if that is a v128 op reached only from here, else
     * stored now. */
    uint32_t next = c->xc_end, len = c->fn->d->code_len;
    /* Scalar constants between two v128 ops (a shift count, a lane index)
     * do not end the chain: CONST32/CONST64 write a GPR, an XMM slot register
     * through rax, or their frame cell, never xmm0/xmm1; one whose cell a
     * cached v128 covers ends it. A CONST32 is remembered for the next op
     * (kslot: a shift by a constant takes the immediate form). */
    c->nkc = 0;
    while (next < len && (c->fn->op[next] == OP_CONST32 || c->fn->op[next] == OP_CONST64) &&
           !c->tgt[next] && c->nkc < 2) {
        const uint32_t *q = c->code + next;
        bool hit = false;
        for (int x = 0; x < 2; x++)
            hit |= c->xc[x] != XC_NONE && (q[1] == c->xc[x] || q[1] == c->xc[x] + 1);
        if (hit)
            break;
        for (uint32_t k = 0; k < c->nkc; k++)
            if (c->kc[k][0] == q[1])
                c->kc[k][0] = UINT32_MAX;   /* overwritten */
        if (c->fn->op[next] == OP_CONST32) {
            c->kc[c->nkc][0] = q[1];
            c->kc[c->nkc++][1] = q[2];
        }
        next += (uint32_t)wasmi_jit_op_words(c->fn->op[next], q);
    }
    uint32_t nop = next < len ? c->fn->op[next] : 0xFFFF;
    bool chain = (nop == OP_SIMD || nop == OP_SIMD_M || nop == OP_MOV128 || nop == OP_SELECT128 ||
                  nop == OP_GLOBAL_GET128 || nop == OP_GLOBAL_SET128) && !c->tgt[next];
    if (chain)
        c->xc_end = next;
    else
        c->nkc = 0;
    for (int x = 0; x < 2; x++) {
        if (c->xdirty[x] && !xneeded(c, c->xc[x]))
            c->xdirty[x] = false;
        if (!chain)
            xflush(c, x);
    }
}

/* ------------------------------------------------------------ v128 slots in registers */

/* Picks up to NVPIN v128 slots to keep in xmm15, xmm14, ... for the whole
 * function, so that a loop-carried vector (an accumulator, an induction
 * vector) stays in a register instead of going through its frame cells on
 * every iteration. A slot qualifies when every instruction that touches its
 * two cells uses them as one v128 at that base (never as a scalar, never as
 * the upper half of another v128, never in the range of a call, return or
 * branch with values), and it is used inside a loop; the heaviest (uses
 * weighted by 8^loop depth) go first. Code reaches a pinned v128 through
 * vld/vst (register moves); the few ops that address the cells themselves
 * (lane loads and stores, extract/replace_lane, any_true, v128 globals, the
 * out-of-line executor) find them written from the register first
 * (xflush_slot, vpin_out) and reload it after writing them (vpin_in). Slot
 * registers are saved whole (16 bytes) by the prologue and around calls to
 * C, so callees keep a caller's pinned v128. False only when an op cannot
 * be described (the function is interpreted anyway). */
static bool vpin_choose(jc_t *c, jit_fn_t *fn)
{
    enum { FREE, BASE, HALF, BAD };
    const wasmi_funcdef_t *d = fn->d;
    const uint32_t *code = d->code;
    uint32_t ns = d->frame_cells, len = d->code_len;
    c->nvpin = 0;
    if (ns < 2 || !len)
        return true;
    bool ok = true;
    uint8_t *role = wasm_plat_alloc(ns);
    uint64_t *w = wasm_plat_alloc(ns * sizeof *w);
    int32_t *depth = wasm_plat_alloc((len + 1) * sizeof *depth);
    jit_ops_t o;
    if (!role || !w || !depth)
        goto out;
    __builtin_memset(role, FREE, ns);
    __builtin_memset(w, 0, ns * sizeof *w);
    __builtin_memset(depth, 0, (len + 1) * sizeof *depth);
    bool v128 = false;
    for (uint32_t pc = 0; pc < len;) {
        uint32_t op = fn->op[pc];
        int nw = wasmi_jit_op_words(op, code + pc);
        if (nw <= 0 || !wasmi_jit_operands(c->m, code + pc, op, &o)) {
            ok = false;
            goto out;
        }
        for (uint32_t k = 0; k < o.ntgt; k++) {
            int64_t t = (int64_t)pc + (o.tgt ? o.tgt[k] : o.tgt1);
            if (t >= 0 && t <= pc) {   /* a loop: [t, pc] */
                depth[t]++;
                depth[pc + 1]--;
            }
        }
        v128 |= op == OP_MOV128 || op == OP_SELECT128 || op == OP_SIMD || op == OP_SIMD_M;
        pc += (uint32_t)nw;
    }
    if (!v128)
        goto out;
    for (uint32_t pc = 0, dd = 0; pc < len; pc++) {
        dd += (uint32_t)depth[pc];
        depth[pc] = (int32_t)dd;
    }
    for (uint32_t pc = 0; pc < len;) {
        uint32_t op = fn->op[pc];
        int nw = wasmi_jit_op_words(op, code + pc);
        wasmi_jit_operands(c->m, code + pc, op, &o);
        uint64_t wt = 1ull << (3 * (depth[pc] > 6 ? 6 : depth[pc]));
        for (uint32_t k = 0; k < o.n; k++) {
            uint32_t s = o.s[k];
            if (s >= ns)
                continue;
            if (o.cls[k] == 2 && k + 1 < o.n && o.cls[k + 1] == 3 && o.s[k + 1] == s + 1 && s + 1 < ns) {
                role[s] = role[s] == FREE || role[s] == BASE ? BASE : BAD;
                role[s + 1] = role[s + 1] == FREE || role[s + 1] == HALF ? HALF : BAD;
                w[s] += wt;
                k++;
            } else {
                role[s] = BAD;
            }
        }
        for (uint32_t s = o.ulo; s < o.uhi && s < ns; s++)
            role[s] = BAD;
        for (uint32_t s = o.dlo; s < o.dhi && s < ns; s++)
            role[s] = BAD;
        pc += (uint32_t)nw;
    }
    while (c->nvpin < NVPIN) {
        uint32_t best = UINT32_MAX;
        for (uint32_t s = 0; s + 1 < ns; s++)
            if (role[s] == BASE && role[s + 1] == HALF && w[s] >= 8 &&
                (best == UINT32_MAX || w[s] > w[best]))
                best = s;
        if (best == UINT32_MAX)
            break;
        c->vpin[c->nvpin++] = best;
        w[best] = 0;
    }
out:
    wasm_plat_free(role);
    wasm_plat_free(w);
    wasm_plat_free(depth);
    return ok;
}
