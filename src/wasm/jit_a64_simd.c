/*
 * The aarch64 back end's SIMD (v128) emitters, in NEON. Included by
 * jit_a64.c (it uses that file's assembler and slot helpers); not compiled
 * on its own.
 *
 * A v128 lives in its two frame cells (jit.c pins them), so an op loads its
 * v128 operands with `ldr q` from [x20 + 8*slot] and its result goes back
 * there. Between consecutive v128 ops (the next one not a branch target) the
 * values stay in registers: a small cache of eight registers, v0-v2 (always
 * scratch) and v11-v15 (slot registers a function with v128 ops gives up;
 * its prologue saves their low halves for its callers, as for any slot
 * register it uses), records which slot each holds and whether the frame
 * still needs the store. A chain of v128 ops thus loads each operand once
 * and stores each result once, at the chain's end; any other op, a branch
 * target, or a call to C ends the chain (C does not keep the upper halves
 * of v8-v15, and the executor reads the frame).
 *
 * The results are the interpreter's (simd.c, interp.c), bit for bit, NaNs
 * included:
 *   - float add/sub/mul/div: the engine's NaN rule (numeric.h,
 *     wasmi_nan_first32/64: a NaN in the first operand, quieted, else the
 *     second's, else the hardware's). NEON picks a signalling NaN before a
 *     quiet one, so a quiet NaN in a with a signalling one in b would give
 *     b's: the code selects a | quiet bit wherever a is a NaN;
 *   - float min/max: fmin/fmax, whose NaN choice is the one of the `a + b`
 *     the interpreter returns for a NaN operand (both are the architecture's
 *     FPProcessNaNs), and which order -0 below +0 as Wasm does;
 *   - abs/neg are fabs/fneg (sign bit only, payload kept), the roundings
 *     frint*, the conversions scvtf/ucvtf/fcvtz* (saturating, NaN to 0),
 *     fcvtn/fcvtl: the operations the interpreter's C is compiled to.
 * Multi-memory accesses (SIMD_M) go out of line, through the interpreter's
 * executor (wasmi_jit_simd), like any op this file does not know.
 */

/* The cache's registers: index i holds qreg[i]. */
static const uint8_t qreg[NQ] = {0, 1, 2, 11, 12, 13, 14, 15};
#define QS_NONE UINT32_MAX

/* ------------------------------------------------------------ frame and cache */

/* ldr/str q v, [x20 + 8s] (x17 builds a far address; x16 is left alone,
 * since it may hold a memory operand's address) */
static void q_frame(jc_t *c, bool st, int v, uint32_t s)
{
    int64_t d = sdisp(s);
    uint32_t opc = st ? 0x3D800000u : 0x3DC00000u;   /* str/ldr q, offset scaled by 16 */
    if (!(d & 15) && d / 16 < 4096) {
        emit(c, opc | (uint32_t)(d / 16) << 10 | RFP << 5 | (uint32_t)v);
    } else if (d < 256) {   /* stur/ldur q */
        emit(c, (st ? 0x3C800000u : 0x3CC00000u) | ((uint32_t)d & 0x1FF) << 12 | RFP << 5 |
                    (uint32_t)v);
    } else {
        add_imm(c, 1, X17, RFP, d);
        emit(c, opc | X17 << 5 | (uint32_t)v);
    }
}

static void qflush(jc_t *c, int i)
{
    if (c->q.dirty[i]) {
        q_frame(c, true, qreg[i], c->q.slot[i]);
        c->q.dirty[i] = false;
    }
}

static void qflush_all(jc_t *c)
{
    for (int i = 0; i < NQ; i++)
        qflush(c, i);
}

static void qforget_all(jc_t *c)
{
    for (int i = 0; i < NQ; i++) {
        c->q.slot[i] = QS_NONE;
        c->q.dirty[i] = false;
    }
}

static bool q_overlap(uint32_t v, uint32_t s, uint32_t n)
{
    return v != QS_NONE && v < s + n && s < v + 2;
}

/* Cells [s, s+n) are about to be written other than through the cache: a
 * v128 cached over them goes to the frame first (it is dead, but its store
 * must not land after the write) and is forgotten. */
static void qkill(jc_t *c, uint32_t s, uint32_t n)
{
    for (int i = 0; i < NQ; i++)
        if (q_overlap(c->q.slot[i], s, n)) {
            qflush(c, i);
            c->q.slot[i] = QS_NONE;
        }
}

/* A register for a new value: a free one, else the least recently used
 * one not in use by this op (stored first if the frame needs its value). */
static int qpick(jc_t *c)
{
    int best = -1;
    for (int i = 0; i < NQ; i++) {
        if (c->q.lock >> i & 1)
            continue;
        if (c->q.slot[i] == QS_NONE) {
            best = i;
            break;
        }
        if (best < 0 || c->q.age[i] < c->q.age[best])
            best = i;
    }
    /* (an op locks at most six registers: there is always one) */
    qflush(c, best);
    c->q.slot[best] = QS_NONE;
    c->q.lock |= (uint8_t)(1u << best);
    c->q.age[best] = ++c->q.clock;
    return best;
}

/* The register holding v128 slot s (loaded if not cached), for this op. */
static int vin(jc_t *c, uint32_t s)
{
    int i;
    for (i = 0; i < NQ; i++)
        if (c->q.slot[i] == s)
            break;
    if (i == NQ) {
        i = qpick(c);
        q_frame(c, false, qreg[i], s);
        c->q.slot[i] = s;
    }
    c->q.lock |= (uint8_t)(1u << i);
    c->q.age[i] = ++c->q.clock;
    return qreg[i];
}

/* A scratch register for this op. */
static int vtmp(jc_t *c) { return qreg[qpick(c)]; }

/* v128 slot s = register v (a vtmp): stored when the chain ends. */
static void vout(jc_t *c, uint32_t s, int v)
{
    int k = 0;
    for (int i = 0; i < NQ; i++) {
        if (qreg[i] == v) {
            k = i;
            continue;
        }
        if (c->q.slot[i] == s) {   /* the old value, overwritten whole */
            c->q.slot[i] = QS_NONE;
            c->q.dirty[i] = false;
        } else if (q_overlap(c->q.slot[i], s, 2)) {
            qflush(c, i);
            c->q.slot[i] = QS_NONE;
        }
    }
    c->q.slot[k] = s;
    c->q.dirty[k] = true;
    c->q.age[k] = ++c->q.clock;
}

/* Scalar slot d is about to be written by this op. */
static int sdst(jc_t *c, uint32_t d, int scratch)
{
    if (lkind(c, d) == JL_MEM)
        qkill(c, d, 1);
    return gdst(c, d, scratch);
}

/* ------------------------------------------------------------ encodings */

/* three registers: base | m << 16 | n << 5 | d */
static void v3(jc_t *c, uint32_t base, int d, int n, int m)
{
    emit(c, base | (uint32_t)m << 16 | (uint32_t)n << 5 | (uint32_t)d);
}

static void v2(jc_t *c, uint32_t base, int d, int n) { v3(c, base, d, n, 0); }

static void vmov(jc_t *c, int d, int s)
{
    if (d != s)
        v3(c, 0x4EA01C00u, d, s, s);   /* orr d.16b, s.16b, s.16b */
}

/* A 16-byte constant from the function's pool (ldr q, literal). */
static void vconst(jc_t *c, int v, const uint32_t w[4])
{
    if (!(w[0] | w[1] | w[2] | w[3])) {
        emit(c, 0x6F00E400u | (uint32_t)v);   /* movi v.2d, #0 */
        return;
    }
    if ((w[0] & w[1] & w[2] & w[3]) == 0xFFFFFFFFu) {
        emit(c, 0x6F07E7E0u | (uint32_t)v);   /* movi v.2d, #-1 */
        return;
    }
    if (c->q.npool == c->q.poolcap) {
        qconst_t *p = wasmi_jit_more(&c->b, c->q.pool, &c->q.poolcap, sizeof *p, 8);
        if (!p)
            return;
        c->q.pool = p;
    }
    qconst_t *k = &c->q.pool[c->q.npool++];
    k->at = c->b.len;
    for (int i = 0; i < 4; i++)
        k->w[i] = w[i];
    emit(c, 0x9C000000u | (uint32_t)v);   /* ldr q v, <pool>: linked by simd_pool_flush */
}

/* The pool, after the function's code, 16-byte aligned. */
static void simd_pool_flush(jc_t *c)
{
    if (!c->q.npool)
        return;
    while (c->b.len % 16)
        emit(c, 0);   /* udf: never executed */
    for (uint32_t i = 0; i < c->q.npool; i++) {
        link(c, c->q.pool[i].at, c->b.len);
        for (int k = 0; k < 4; k++)
            emit(c, c->q.pool[i].w[k]);
    }
    c->q.npool = 0;
}

/* x16 = the address of an n-byte access to memory 0 at [slot a + off],
 * checked as mem_access checks scalar accesses (explicitly, masked against
 * speculation, or by the guard region's fault). Uses x0, x2, x17. */
static void vaddr(jc_t *c, uint32_t a, uint32_t off, uint32_t n)
{
    int idx = lkind(c, a) == JL_GPR ? lgpr(c, a) : gsrc(c, a, X0);
    if (!c->guard) {
        mov_w(c, X16, idx);
        add_imm(c, 1, X16, X16, off);
        add_imm(c, 1, X17, X16, n);
        ldst(c, LDRX, X2, RMO, (int64_t)offsetof(wasm_memory_t, size));
        rrr(c, 1, I_SUBS, XZR, X17, X2);
        trap_cc(c, CC_HI, WASM_TRAP_OOB_MEMORY);
        emit(c, 0x9A800000u | XZR << 16 | CC_LS << 12 | X16 << 5 | X16);   /* csel x16, x16, xzr, ls */
        emit(c, 0xD503229Fu);                                              /* csdb */
        rrr(c, 1, I_ADD, X16, RMB, X16);
        return;
    }
    emit(c, 0x8B204000u | (uint32_t)idx << 16 | RMB << 5 | X16);   /* add x16, x21, w, uxtw */
    add_imm(c, 1, X16, X16, off);
}

/* ld1/st1 {v.T}[lane], [x16] for an n-byte lane */
static void vlane_mem(jc_t *c, bool st, int v, uint32_t n, uint32_t lane)
{
    uint32_t q, s, size, opcode;
    switch (n) {
    case 1: q = lane >> 3, s = lane >> 2 & 1, size = lane & 3, opcode = 0; break;
    case 2: q = lane >> 2, s = lane >> 1 & 1, size = (lane & 1) << 1, opcode = 2; break;
    case 4: q = lane >> 1, s = lane & 1, size = 0, opcode = 4; break;
    default: q = lane & 1, s = 0, size = 1, opcode = 4; break;
    }
    emit(c, (st ? 0x0D000000u : 0x0D400000u) | q << 30 | opcode << 13 | s << 12 | size << 10 |
                X16 << 5 | (uint32_t)v);
}

/* imm5 of a lane of n bytes (dup, ins, umov, smov) */
static uint32_t imm5(uint32_t n, uint32_t lane)
{
    uint32_t sz = n == 1 ? 0 : n == 2 ? 1 : n == 4 ? 2 : 3;
    return (lane << (sz + 1) | 1u << sz) << 16;
}

/* ------------------------------------------------------------ binary ops */

/* d = a op b in one instruction (SW: b op a; NT: then not). */
#define SW 1
#define NT 2

static bool binary_op(uint32_t sub, uint32_t *opc, int *flags)
{
    *flags = 0;
    if ((sub >= 0x23 && sub <= 0x40) || (sub >= 0xD6 && sub <= 0xDB)) {   /* integer compares */
        uint32_t size, k;
        if (sub >= 0xD6) {
            static const uint8_t k64[6] = {0, 1, 2, 4, 6, 8};   /* eq ne lt_s gt_s le_s ge_s */
            size = 3, k = k64[sub - 0xD6];
        } else {
            size = (sub - 0x23) / 10, k = (sub - 0x23) % 10;
        }
        /* k: 0 eq, 1 ne, then lt gt le ge, each signed then unsigned */
        static const uint32_t base[10] = {
            0x6E208C00u, 0x6E208C00u,   /* cmeq */
            0x4E203400u, 0x6E203400u,   /* cmgt, cmhi (b, a) */
            0x4E203400u, 0x6E203400u,   /* cmgt, cmhi */
            0x4E203C00u, 0x6E203C00u,   /* cmge, cmhs (b, a) */
            0x4E203C00u, 0x6E203C00u,   /* cmge, cmhs */
        };
        static const uint8_t fl[10] = {0, NT, SW, SW, 0, 0, SW, SW, 0, 0};
        *opc = base[k] | size << 22;
        *flags = fl[k];
        return true;
    }
    if (sub >= 0x41 && sub <= 0x4C) {   /* float compares: eq ne lt gt le ge */
        static const uint32_t base[6] = {0x4E20E400u, 0x4E20E400u, 0x6EA0E400u, 0x6EA0E400u,
                                         0x6E20E400u, 0x6E20E400u};   /* fcmeq fcmgt fcmge */
        static const uint8_t fl[6] = {0, NT, SW, 0, SW, 0};
        uint32_t k = (sub - 0x41) % 6;
        *opc = base[k] | (sub >= 0x47 ? 1u << 22 : 0);
        *flags = fl[k];
        return true;
    }
    static const struct { uint8_t sub; uint32_t opc; } t[] = {
        {0x4E, 0x4E201C00u}, {0x4F, 0x4E601C00u}, {0x50, 0x4EA01C00u}, {0x51, 0x6E201C00u},
        /* i8x16 */
        {0x6E, 0x4E208400u}, {0x6F, 0x4E200C00u}, {0x70, 0x6E200C00u}, {0x71, 0x6E208400u},
        {0x72, 0x4E202C00u}, {0x73, 0x6E202C00u}, {0x76, 0x4E206C00u}, {0x77, 0x6E206C00u},
        {0x78, 0x4E206400u}, {0x79, 0x6E206400u}, {0x7B, 0x6E201400u},
        /* i16x8 (sqrdmulh is q15mulr_sat_s: (a*b + 2^14) >> 15, saturated) */
        {0x82, 0x6E60B400u},
        {0x8E, 0x4E608400u}, {0x8F, 0x4E600C00u}, {0x90, 0x6E600C00u}, {0x91, 0x6E608400u},
        {0x92, 0x4E602C00u}, {0x93, 0x6E602C00u}, {0x95, 0x4E609C00u}, {0x96, 0x4E606C00u},
        {0x97, 0x6E606C00u}, {0x98, 0x4E606400u}, {0x99, 0x6E606400u}, {0x9B, 0x6E601400u},
        /* extmul: smull(2) / umull(2) */
        {0x9C, 0x0E20C000u}, {0x9D, 0x4E20C000u}, {0x9E, 0x2E20C000u}, {0x9F, 0x6E20C000u},
        /* i32x4 */
        {0xAE, 0x4EA08400u}, {0xB1, 0x6EA08400u}, {0xB5, 0x4EA09C00u}, {0xB6, 0x4EA06C00u},
        {0xB7, 0x6EA06C00u}, {0xB8, 0x4EA06400u}, {0xB9, 0x6EA06400u},
        {0xBC, 0x0E60C000u}, {0xBD, 0x4E60C000u}, {0xBE, 0x2E60C000u}, {0xBF, 0x6E60C000u},
        /* i64x2 */
        {0xCE, 0x4EE08400u}, {0xD1, 0x6EE08400u},
        {0xDC, 0x0EA0C000u}, {0xDD, 0x4EA0C000u}, {0xDE, 0x2EA0C000u}, {0xDF, 0x6EA0C000u},
        /* float min/max: fmin/fmax (see the top of the file) */
        {0xE8, 0x4EA0F400u}, {0xE9, 0x4E20F400u}, {0xF4, 0x4EE0F400u}, {0xF5, 0x4E60F400u},
    };
    for (uint32_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].sub == sub) {
            *opc = t[i].opc;
            return true;
        }
    return false;
}

/* Float add/sub/mul/div with the engine's NaN rule: r where a is not a
 * NaN, else a with its quiet bit set. */
static void emit_farith(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t b)
{
    static const uint32_t op[4] = {0x4E20D400u, 0x4EA0D400u, 0x6E20DC00u, 0x6E20FC00u};
    bool f64 = sub >= 0xF0;
    uint32_t sz = f64 ? 1u << 22 : 0;
    int va = vin(c, a), vb = vin(c, b);
    int vr = vtmp(c), vm = vtmp(c), vq = vtmp(c);
    v3(c, op[sub - (f64 ? 0xF0 : 0xE4)] | sz, vr, va, vb);
    v3(c, 0x4E20E400u | sz, vm, va, va);                     /* fcmeq: a is not a NaN */
    if (f64) {
        emit(c, 0xD2E00100u | X16);                          /* movz x16, #0x0008, lsl #48 */
        v2(c, 0x4E080C00u, vq, X16);                         /* dup vq.2d, x16 */
    } else {
        emit(c, 0x4F024400u | (uint32_t)vq);                 /* movi vq.4s, #0x40, lsl #16 */
    }
    v3(c, 0x4EA01C00u, vq, vq, va);                          /* orr: a, quieted */
    v3(c, 0x6E601C00u, vm, vr, vq);                          /* bsl */
    vout(c, d, vm);
}

static bool emit_binary(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t b)
{
    uint32_t opc;
    int flags;
    if ((sub >= 0xE4 && sub <= 0xE7) || (sub >= 0xF0 && sub <= 0xF3)) {
        emit_farith(c, sub, d, a, b);
        return true;
    }
    if (binary_op(sub, &opc, &flags)) {
        int va = vin(c, a), vb = vin(c, b), vr = vtmp(c);
        if (flags & SW)
            v3(c, opc, vr, vb, va);
        else
            v3(c, opc, vr, va, vb);
        if (flags & NT)
            v2(c, 0x6E205800u, vr, vr);   /* not */
        vout(c, d, vr);
        return true;
    }
    int va = vin(c, a), vb = vin(c, b), vr = vtmp(c);
    switch (sub) {
    case 0x0E:   /* swizzle: tbl gives 0 for indices >= 16, as Wasm wants */
        v3(c, 0x4E000000u, vr, va, vb);
        break;
    case 0x65: case 0x66: case 0x85: case 0x86: {   /* narrow: sqxtn(2) / sqxtun(2) */
        uint32_t size = sub >= 0x85 ? 1u << 22 : 0;
        uint32_t lo = (sub & 1 ? 0x0E214800u : 0x2E212800u) | size;
        v2(c, lo, vr, va);
        v2(c, lo | 0x40000000u, vr, vb);
        break;
    }
    case 0xBA: {   /* dot: smull, smull2, addp */
        int vt = vtmp(c);
        v3(c, 0x0E60C000u, vr, va, vb);
        v3(c, 0x4E60C000u, vt, va, vb);
        v3(c, 0x4EA0BC00u, vr, vr, vt);
        break;
    }
    case 0xD5:   /* i64x2.mul: no NEON form; through x0-x2 */
        emit(c, 0x4E083C00u | (uint32_t)va << 5 | X0);                /* umov x0, va.d[0] */
        emit(c, 0x4E083C00u | (uint32_t)vb << 5 | X1);
        rrr(c, 1, I_MUL, X0, X0, X1);
        emit(c, 0x4E183C00u | (uint32_t)va << 5 | X1);                /* umov x1, va.d[1] */
        emit(c, 0x4E183C00u | (uint32_t)vb << 5 | X2);
        rrr(c, 1, I_MUL, X1, X1, X2);
        fmov_dx(c, vr, X0);
        emit(c, 0x4E181C00u | X1 << 5 | (uint32_t)vr);                /* ins vr.d[1], x1 */
        break;
    case 0xEA: case 0xEB: case 0xF6: case 0xF7: {
        /* pmin: b < a ? b : a; pmax: a < b ? b : a (fcmgt, then bsl picks b) */
        uint32_t sz = sub >= 0xF6 ? 1u << 22 : 0;
        bool min = sub == 0xEA || sub == 0xF6;
        v3(c, 0x6EA0E400u | sz, vr, min ? va : vb, min ? vb : va);
        v3(c, 0x6E601C00u, vr, vb, va);
        break;
    }
    default:
        return false;
    }
    vout(c, d, vr);
    return true;
}

/* ------------------------------------------------------------ unary ops */

static bool emit_unary(jc_t *c, uint32_t sub, uint32_t d, uint32_t a)
{
    static const struct { uint8_t sub; uint32_t opc; } t[] = {
        {0x4D, 0x6E205800u},                                         /* not */
        {0x5E, 0x0E616800u}, {0x5F, 0x0E617800u},                    /* fcvtn, fcvtl */
        {0x60, 0x4E20B800u}, {0x80, 0x4E60B800u}, {0xA0, 0x4EA0B800u}, {0xC0, 0x4EE0B800u},
        {0x61, 0x6E20B800u}, {0x81, 0x6E60B800u}, {0xA1, 0x6EA0B800u}, {0xC1, 0x6EE0B800u},
        {0x62, 0x4E205800u},                                         /* cnt */
        /* frintp, frintm, frintz, frintn */
        {0x67, 0x4EA18800u}, {0x68, 0x4E219800u}, {0x69, 0x4EA19800u}, {0x6A, 0x4E218800u},
        {0x74, 0x4EE18800u}, {0x75, 0x4E619800u}, {0x7A, 0x4EE19800u}, {0x94, 0x4E618800u},
        /* extadd_pairwise: saddlp, uaddlp */
        {0x7C, 0x4E202800u}, {0x7D, 0x6E202800u}, {0x7E, 0x4E602800u}, {0x7F, 0x6E602800u},
        /* extend low/high, signed/unsigned: sshll(2), ushll(2) #0 */
        {0x87, 0x0F08A400u}, {0x88, 0x4F08A400u}, {0x89, 0x2F08A400u}, {0x8A, 0x6F08A400u},
        {0xA7, 0x0F10A400u}, {0xA8, 0x4F10A400u}, {0xA9, 0x2F10A400u}, {0xAA, 0x6F10A400u},
        {0xC7, 0x0F20A400u}, {0xC8, 0x4F20A400u}, {0xC9, 0x2F20A400u}, {0xCA, 0x6F20A400u},
        /* fabs, fneg (the sign bit only), fsqrt */
        {0xE0, 0x4EA0F800u}, {0xE1, 0x6EA0F800u}, {0xE3, 0x6EA1F800u},
        {0xEC, 0x4EE0F800u}, {0xED, 0x6EE0F800u}, {0xEF, 0x6EE1F800u},
        /* fcvtzs, fcvtzu (saturating, NaN to 0), scvtf, ucvtf */
        {0xF8, 0x4EA1B800u}, {0xF9, 0x6EA1B800u}, {0xFA, 0x4E21D800u}, {0xFB, 0x6E21D800u},
    };
    int va = vin(c, a), vr = vtmp(c);
    switch (sub) {
    case 0xFC: case 0xFD:   /* trunc_sat_f64x2_zero: fcvtz* to 64 bits, then narrow saturating */
        v2(c, sub == 0xFC ? 0x4EE1B800u : 0x6EE1B800u, vr, va);
        v2(c, sub == 0xFC ? 0x0EA14800u : 0x2EA14800u, vr, vr);   /* sqxtn / uqxtn .2s */
        break;
    case 0xFE: case 0xFF:   /* convert_low_i32x4: widen exactly, then convert */
        v2(c, sub == 0xFE ? 0x0F20A400u : 0x2F20A400u, vr, va);
        v2(c, sub == 0xFE ? 0x4E61D800u : 0x6E61D800u, vr, vr);
        break;
    default: {
        uint32_t i;
        for (i = 0; i < sizeof t / sizeof t[0]; i++)
            if (t[i].sub == sub)
                break;
        if (i == sizeof t / sizeof t[0])
            return false;
        v2(c, t[i].opc, vr, va);
    }
    }
    vout(c, d, vr);
    return true;
}

/* ------------------------------------------------------------ tests, shifts */

/* any_true, all_true, bitmask: an i32 in slot d. */
static bool emit_test(jc_t *c, uint32_t sub, uint32_t d, uint32_t a)
{
    int va = vin(c, a), vt = vtmp(c);
    int cc = CC_NE;
    switch (sub) {
    case 0x53: v2(c, 0x6EB0A800u, vt, va); break;                 /* umaxv s */
    case 0x63: v2(c, 0x6E31A800u, vt, va); break;                 /* uminv b */
    case 0x83: v2(c, 0x6E71A800u, vt, va); break;                 /* uminv h */
    case 0xA3: v2(c, 0x6EB1A800u, vt, va); break;                 /* uminv s */
    case 0xC3:                                                    /* no lane == 0 */
        v2(c, 0x4EE09800u, vt, va);                               /* cmeq vt.2d, #0 */
        v2(c, 0x6EB0A800u, vt, vt);                               /* umaxv s */
        cc = CC_EQ;
        break;
    case 0x64: case 0x84: case 0xA4: case 0xC4: {
        /* each lane's sign as all ones, and-ed with its bit, summed */
        static const uint32_t bits[4][4] = {
            {0x08040201u, 0x80402010u, 0x08040201u, 0x80402010u},
            {0x00020001u, 0x00080004u, 0x00200010u, 0x00800040u},
            {1, 2, 4, 8},
            {1, 0, 2, 0},
        };
        uint32_t k = sub == 0x64 ? 0 : sub == 0x84 ? 1 : sub == 0xA4 ? 2 : 3;
        static const uint32_t sshr[4] = {0x4F090400u, 0x4F110400u, 0x4F210400u, 0x4F410400u};
        int vk = vtmp(c);
        v2(c, sshr[k], vt, va);
        vconst(c, vk, bits[k]);
        v3(c, 0x4E201C00u, vt, vt, vk);                           /* and */
        if (k == 0) {
            /* bytes 0-7 and 8-15 interleaved: halfword j = bit j | bit j+8 << 8 */
            v3(c, 0x6E004000u, vk, vt, vt);                       /* ext vk, vt, vt, #8 */
            v3(c, 0x4E003800u, vt, vt, vk);                       /* zip1 .16b */
            v2(c, 0x4E71B800u, vt, vt);                           /* addv h */
        } else if (k == 1) {
            v2(c, 0x4E71B800u, vt, vt);                           /* addv h */
        } else if (k == 2) {
            v2(c, 0x4EB1B800u, vt, vt);                           /* addv s */
        } else {
            v2(c, 0x5EF1B800u, vt, vt);                           /* addp d */
        }
        int r = sdst(c, d, X0);
        emit(c, 0x1E260000u | (uint32_t)vt << 5 | (uint32_t)r);   /* fmov w, s */
        gput(c, d, r);
        return true;
    }
    default:
        return false;
    }
    emit(c, 0x1E260000u | (uint32_t)vt << 5 | X0);                /* fmov w0, s */
    cmp_imm(c, 0, X0, 0);
    int r = sdst(c, d, X0);
    cset(c, r, cc);
    gput(c, d, r);
    return true;
}

/* Shifts by slot b modulo the lane width: ushl/sshl by the count (negated
 * for right shifts) in every lane. */
static bool emit_shift(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t b)
{
    uint32_t size = sub < 0x80 ? 0 : sub < 0xA0 ? 1 : sub < 0xC0 ? 2 : 3;
    uint32_t k = (sub & 0x1F) - 0x0B;   /* 0 shl, 1 shr_s, 2 shr_u */
    if (k > 2)
        return false;
    int va = vin(c, a), vt = vtmp(c);
    int rb = gsrc(c, b, X0);
    logic_imm(c, 0, 0x12000000u, I_AND, X16, rb, (8u << size) - 1);
    if (k)
        rrr(c, 0, I_SUB, X16, XZR, X16);                           /* neg */
    v2(c, 0x4E000C00u | imm5(1u << size, 0), vt, X16);               /* dup vt.T, w16 */
    v3(c, (k == 1 ? 0x4E204400u : 0x6E204400u) | size << 22, vt, va, vt);   /* sshl / ushl */
    vout(c, d, vt);
    return true;
}

/* ------------------------------------------------------------ memory, lanes */

static bool emit_load(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t off)
{
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    int vt = vtmp(c);
    vaddr(c, a, off, in.size);
    switch (sub) {
    case 0x00: emit(c, 0x3DC00000u | X16 << 5 | (uint32_t)vt); break;   /* ldr q */
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: {
        static const uint32_t ext[6] = {0x0F08A400u, 0x2F08A400u, 0x0F10A400u, 0x2F10A400u,
                                        0x0F20A400u, 0x2F20A400u};   /* sshll / ushll #0 */
        emit(c, 0xFD400000u | X16 << 5 | (uint32_t)vt);               /* ldr d */
        v2(c, ext[sub - 1], vt, vt);
        break;
    }
    case 0x07: case 0x08: case 0x09: case 0x0A:                        /* ld1r */
        emit(c, 0x4D40C000u | (sub - 0x07) << 10 | X16 << 5 | (uint32_t)vt);
        break;
    case 0x5C: emit(c, 0xBD400000u | X16 << 5 | (uint32_t)vt); break;   /* ldr s: the rest 0 */
    case 0x5D: emit(c, 0xFD400000u | X16 << 5 | (uint32_t)vt); break;   /* ldr d */
    default: return false;
    }
    vout(c, d, vt);
    return true;
}

static void emit_splat(jc_t *c, uint32_t sub, uint32_t d, uint32_t s)
{
    static const uint8_t n[6] = {1, 2, 4, 8, 4, 8};
    uint32_t w = n[sub - 0x0F];
    int vt = vtmp(c);
    if (lkind(c, s) == JL_XMM)
        v2(c, 0x4E000400u | imm5(w, 0), vt, lvr(c, s));   /* dup vt.T, vs.T[0] */
    else
        v2(c, 0x4E000C00u | imm5(w, 0), vt, gsrc(c, s, X0));   /* dup vt.T, w/x */
    vout(c, d, vt);
}

static void emit_extract(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t lane)
{
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    uint32_t n = 16u / in.lanes;
    int va = vin(c, a);
    if ((sub == 0x1F || sub == 0x21) && lkind(c, d) == JL_XMM) {
        v2(c, 0x5E000400u | imm5(n, lane), lvr(c, d), va);   /* mov s/d, va.T[lane] */
        return;
    }
    int r = sdst(c, d, X0);
    uint32_t opc = sub == 0x15 || sub == 0x18 ? 0x0E002C00u   /* smov w */
                 : n == 8 ? 0x4E003C00u : 0x0E003C00u;        /* umov x / w */
    v2(c, opc | imm5(n, lane), r, va);
    gput(c, d, r);
}

static void emit_replace(jc_t *c, uint32_t sub, uint32_t d, uint32_t a, uint32_t s, uint32_t lane)
{
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    uint32_t n = 16u / in.lanes;
    int va = vin(c, a), vt = vtmp(c);
    vmov(c, vt, va);
    if ((sub == 0x20 || sub == 0x22) && lkind(c, s) == JL_XMM)
        v2(c, 0x6E000400u | imm5(n, lane), vt, lvr(c, s));   /* ins vt.T[lane], vs.T[0] */
    else
        v2(c, 0x4E001C00u | imm5(n, lane), vt, gsrc(c, s, X0));   /* ins vt.T[lane], w/x */
    vout(c, d, vt);
}

static void emit_shuffle(jc_t *c, uint32_t d, uint32_t a, uint32_t b, const uint32_t *w)
{
    uint32_t m[4] = {0};
    bool usea = false, useb = false;
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t l = (w[i / 4] >> (8 * (i % 4))) & 31;
        usea |= l < 16;
        useb |= l >= 16;
    }
    if (a == b)
        usea = true, useb = false;   /* one table: the lanes modulo 16 */
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t l = (w[i / 4] >> (8 * (i % 4))) & 31;
        if (!useb || !usea)
            l &= 15;
        m[i / 4] |= l << (8 * (i % 4));
    }
    if (!usea || !useb) {
        int vt = vin(c, usea ? a : b), vm = vtmp(c);
        vconst(c, vm, m);
        v3(c, 0x4E000000u, vm, vt, vm);   /* tbl vm, {vt}, vm */
        vout(c, d, vm);
        return;
    }
    /* two tables: tbl needs them in consecutive registers */
    int va = vin(c, a), vb = vin(c, b);
    int i;
    for (i = 0; i + 1 < NQ; i++)
        if (qreg[i] + 1 == qreg[i + 1] && !((c->q.lock >> i) & 3))
            break;
    if (i + 1 >= NQ) {   /* (never: two locked registers leave two pairs free) */
        c->range = true;
        return;
    }
    qflush(c, i);
    qflush(c, i + 1);
    c->q.slot[i] = c->q.slot[i + 1] = QS_NONE;
    c->q.lock |= (uint8_t)(3u << i);
    int t0 = qreg[i], vm = vtmp(c);
    vmov(c, t0, va);
    vmov(c, t0 + 1, vb);
    vconst(c, vm, m);
    v3(c, 0x4E002000u, vm, t0, vm);       /* tbl vm, {t0, t0+1}, vm */
    vout(c, d, vm);
}

/* ------------------------------------------------------------ dispatch */

/* Which pcs of the current function are branch targets (c->q.tgt), once
 * per function; a new function starts with nothing cached. */
static bool simd_targets(jc_t *c)
{
    jit_fn_t *fn = c->fn;
    uint32_t len = fn->d->code_len;
    if (c->q.tgt_def == fn->def_index + 1)
        return true;
    if (len + 1 > c->q.tgt_cap) {
        uint8_t *p = wasm_plat_realloc(c->q.tgt, c->q.tgt_cap, len + 1);
        if (!p) {
            c->b.oom = true;
            return false;
        }
        c->q.tgt = p;
        c->q.tgt_cap = len + 1;
    }
    __builtin_memset(c->q.tgt, 0, len + 1);
    for (uint32_t pc = 0; pc < len; pc++) {
        uint32_t op = fn->op[pc];
        const uint32_t *ip = c->code + pc;
        int32_t off;
        if (op == 0xFFFF)
            continue;
        if (op == OP_BR_TABLE) {
            for (uint32_t k = 0; k <= ip[2] && pc + 3 + k < len; k++) {
                int64_t t = (int64_t)pc + (int32_t)ip[3 + k];
                if (t >= 0 && t <= len)
                    c->q.tgt[t] = 1;
            }
            continue;
        }
        if (op == OP_BR)
            off = (int32_t)ip[1];
        else if (op >= OP_BR_I32_EQ && op < OP_BR_I32_EQZ)
            off = (int32_t)ip[3];
        else if (op >= OP_BR_I32_EQZ && op <= OP_BR_I64_NEZ)
            off = (int32_t)ip[2];
        else
            continue;
        if ((int64_t)pc + off >= 0 && (int64_t)pc + off <= len)
            c->q.tgt[pc + (uint32_t)off] = 1;
    }
    c->q.tgt_def = fn->def_index + 1;
    c->q.end = UINT32_MAX;
    c->q.npool = 0;
    qforget_all(c);
    return true;
}

static bool v128_op(uint32_t op)
{
    return op == OP_SIMD || op == OP_SIMD_M || op == OP_MOV128 || op == OP_SELECT128 ||
           op == OP_GLOBAL_GET128 || op == OP_GLOBAL_SET128;
}

/* One OP_SIMD instruction (ip at its words) in NEON; false: not here. */
static bool emit_simd(jc_t *c, const uint32_t *ip)
{
    uint32_t sub = ip[2] & 0xFF, kind = ip[2] >> 8, d = ip[1];
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    switch (kind) {
    case SK_LOAD:
        return emit_load(c, sub, d, ip[3], ip[4]);
    case SK_STORE: {
        int vv = vin(c, ip[4]);
        vaddr(c, ip[3], ip[5], 16);
        emit(c, 0x3D800000u | X16 << 5 | (uint32_t)vv);   /* str q */
        return true;
    }
    case SK_LOADLANE: {
        int vv = vin(c, ip[4]), vt = vtmp(c);
        vmov(c, vt, vv);
        vaddr(c, ip[3], ip[5], in.size);
        vlane_mem(c, false, vt, in.size, ip[6]);
        vout(c, d, vt);
        return true;
    }
    case SK_STORELANE: {
        int vv = vin(c, ip[4]);
        vaddr(c, ip[3], ip[5], in.size);
        vlane_mem(c, true, vv, in.size, ip[6]);
        return true;
    }
    case SK_CONST: {
        int vt = vtmp(c);
        vconst(c, vt, ip + 3);
        vout(c, d, vt);
        return true;
    }
    case SK_SHUFFLE:
        emit_shuffle(c, d, ip[3], ip[4], ip + 5);
        return true;
    case SK_SPLAT:
        emit_splat(c, sub, d, ip[3]);
        return true;
    case SK_EXTRACT:
        emit_extract(c, sub, d, ip[3], ip[4]);
        return true;
    case SK_REPLACE:
        emit_replace(c, sub, d, ip[3], ip[4], ip[5]);
        return true;
    case SK_TERNARY: {   /* bitselect: bsl with the mask c */
        int va = vin(c, ip[3]), vb = vin(c, ip[4]), vc = vin(c, ip[5]), vt = vtmp(c);
        vmov(c, vt, vc);
        v3(c, 0x6E601C00u, vt, va, vb);
        vout(c, d, vt);
        return true;
    }
    case SK_TEST:
        return emit_test(c, sub, d, ip[3]);
    case SK_SHIFT:
        return emit_shift(c, sub, d, ip[3], ip[4]);
    case SK_UNARY:
        return emit_unary(c, sub, d, ip[3]);
    case SK_BINARY:
        return emit_binary(c, sub, d, ip[3], ip[4]);
    default:
        return false;
    }
}

/* MOV128, SELECT128, GLOBAL_GET128/SET128, SIMD, SIMD_M at pc. */
static void emit_v128_op(jc_t *c, uint32_t pc, uint32_t op, const uint32_t *ip)
{
    _Static_assert(offsetof(wasm_global_t, hi) == offsetof(wasm_global_t, value) + 8,
                   "a v128 global's halves are adjacent");
    if (!simd_targets(c))
        return;
    if (pc != c->q.end || c->q.tgt[pc])
        qforget_all(c);   /* (nothing is dirty: a chain ends with its stores) */
    c->q.lock = 0;
    c->q.end = pc + (uint32_t)wasmi_jit_op_words(op, ip);
    switch (op) {
    case OP_MOV128:
        if (ip[1] != ip[2]) {
            int vs = vin(c, ip[2]), vt = vtmp(c);
            vmov(c, vt, vs);
            vout(c, ip[1], vt);
        }
        break;
    case OP_SELECT128: {
        int va = vin(c, ip[2]), vb = vin(c, ip[3]), vt = vtmp(c);
        cmp_imm(c, 0, gsrc(c, ip[4], X0), 0);
        emit(c, 0xDA9F03E0u | (uint32_t)(CC_NE ^ 1) << 12 | X16);   /* csetm x16, ne */
        v2(c, 0x4E080C00u, vt, X16);                                 /* dup vt.2d, x16 */
        v3(c, 0x6E601C00u, vt, va, vb);                              /* bsl */
        vout(c, ip[1], vt);
        break;
    }
    case OP_GLOBAL_GET128: case OP_GLOBAL_SET128: {
        int v = op == OP_GLOBAL_SET128 ? vin(c, ip[1]) : vtmp(c);
        ldst(c, LDRX, X0, RIN, (int64_t)offsetof(wasm_instance_t, globals));
        ldst(c, LDRX, X0, X0, (int64_t)ip[2] * 8);
        add_imm(c, 1, X0, X0, (int64_t)offsetof(wasm_global_t, value));
        emit(c, (op == OP_GLOBAL_SET128 ? 0x3D800000u : 0x3DC00000u) | X0 << 5 | (uint32_t)v);
        if (op == OP_GLOBAL_GET128)
            vout(c, ip[1], v);
        break;
    }
    case OP_SIMD:
        if (emit_simd(c, ip))
            break;
        /* fall through: out of line */
    default:
        /* through the interpreter's executor, which reads and writes the frame */
        qflush_all(c);
        qforget_all(c);
        slowop(c, pc, op);
        break;
    }
    /* The chain goes on into the next op if it is a v128 op that only this
     * one reaches; else every result goes to the frame now. */
    uint32_t next = c->q.end, nop = next < c->fn->d->code_len ? c->fn->op[next] : 0xFFFF;
    if (!v128_op(nop) || c->q.tgt[next]) {
        qflush_all(c);
        qforget_all(c);
    }
}
