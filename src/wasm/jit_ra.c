/*
 * Register allocation by live range for the compiled tier (docs/compiler.md,
 * "Register allocation").
 *
 * compile.c reuses a slot for many values: an operand-stack slot holds an
 * address, then a loaded double, then a loop counter. Giving a slot one
 * location for the whole function (wasmi_jit_alloc_slots) therefore makes
 * every value of a busy slot compete as one, and a short temporary that
 * lost takes a store and a load. Here each slot is split into *webs*:
 *
 *  1. Liveness: a backward data-flow pass over the instructions gives the
 *     slots live into each one (bitsets, iterated to a fixed point).
 *  2. A slot *occupies* an instruction when it is live into it or defined
 *     by it. Maximal runs of consecutive occupied instructions are *runs*.
 *  3. Every branch edge i -> j (other than the fall-through) joins, for each
 *     slot live into j, its run at i with its run at j (union-find). A web
 *     is a class of joined runs: every definition reaching a use, and every
 *     path between them, lies in one web, so a web may live anywhere
 *     without moves at block boundaries.
 *  4. Webs, heaviest first (uses weighted by 8^loop depth), each take the
 *     first register of their class (integer or float, by the ops using
 *     them) that no web placed before holds anywhere in their hull [first,
 *     last instruction]; a web that finds none lives in its slot's frame
 *     cell. Short temporaries thus share registers, and a long-lived web
 *     loses its register to the hot ones it would block. A whole v128 is a
 *     web of its low cells in the float class (when asked: x86_64), whose
 *     high cells' web matches it run for run and takes nothing.
 *
 * Two webs of one slot never hold values at the same time, so they share
 * the slot's cell when both are in memory.
 */
#include "jit.h"
#include "ops.h"
#include "simd.h"

/* ------------------------------------------------------------ operands */

static bool is_float_op(uint32_t op)
{
    return (op >= OP_F32_EQ && op <= OP_F64_GE) || (op >= OP_F32_ABS && op <= OP_F64_COPYSIGN) ||
           op == OP_F32_DEMOTE_F64 || op == OP_F64_PROMOTE_F32;
}

static bool float_src(uint32_t op)
{
    return (op >= OP_F32_EQ && op <= OP_F64_GE) || (op >= OP_F32_ABS && op <= OP_F64_COPYSIGN) ||
           op == OP_F32_DEMOTE_F64 || op == OP_F64_PROMOTE_F32 ||
           (op >= OP_I32_TRUNC_F32_S && op <= OP_I32_TRUNC_F64_U) ||
           (op >= OP_I64_TRUNC_F32_S && op <= OP_I64_TRUNC_F64_U) ||
           (op >= OP_I32_TRUNC_SAT_F32_S && op <= OP_I64_TRUNC_SAT_F64_U);
}

static bool float_dst(uint32_t op)
{
    return (is_float_op(op) && !(op >= OP_F32_EQ && op <= OP_F64_GE)) ||
           (op >= OP_F32_CONVERT_I32_S && op <= OP_F64_PROMOTE_F32);
}

static void add(jit_ops_t *o, uint32_t s, bool def, int cls)
{
    o->s[o->n] = s;
    o->def[o->n] = def;
    o->cls[o->n] = (int8_t)cls;
    o->n++;
}

#define INT 0
#define FLT 1
#define ANY (-1)
#define V128 2    /* the low cell of a v128 */
#define V128H 3   /* its high cell (the next slot) */

static void add128(jit_ops_t *o, uint32_t s, bool def)
{
    add(o, s, def, V128);
    add(o, s + 1, def, V128H);
}

/* MEMX d wop mem s0 s1 s2 off (ops.h, memx.c): the slots each kind uses. */
static void memx_operands(const uint32_t *ip, jit_ops_t *o)
{
    uint32_t wop = ip[2];
    switch (wop) {
    case 0x3F:                                   /* memory.size */
        add(o, ip[1], true, INT);
        return;
    case 0x40:                                   /* memory.grow */
        add(o, ip[1], true, INT);
        add(o, ip[4], false, INT);
        return;
    case 0x108: case 0x10A: case 0x10B:          /* init, copy, fill */
        add(o, ip[4], false, INT);
        add(o, ip[5], false, INT);
        add(o, ip[6], false, INT);
        return;
    default:
        break;
    }
    if (wop >= 0x36) {                           /* stores: [s0 + off] = s1 */
        add(o, ip[4], false, INT);
        add(o, ip[5], false, wop == 0x38 || wop == 0x39 ? FLT : INT);
    } else {                                     /* loads: d = [s0 + off] */
        add(o, ip[1], true, wop == 0x2A || wop == 0x2B ? FLT : INT);
        add(o, ip[4], false, INT);
    }
}

/* The slots an instruction reads and writes, and where it may go next.
 * False for an op the compiled tier does not handle: such a function is
 * interpreted anyway. */
bool wasmi_jit_operands(const wasm_module_t *m, const uint32_t *ip, uint32_t op, jit_ops_t *o)
{
    o->n = 0;
    o->ulo = o->uhi = o->dlo = o->dhi = 0;
    o->fall = true;
    o->ntgt = 0;
    o->tgt = NULL;
    if (op <= OP_I64_TRUNC_SAT_F64_U) {
        int nw = wasmi_jit_op_words(op, ip) - 1;
        add(o, ip[1], true, float_dst(op) ? FLT : INT);
        add(o, ip[2], false, float_src(op) ? FLT : INT);
        if (nw == 3)
            add(o, ip[3], false, float_src(op) ? FLT : INT);
        if (op == OP_I32_REINTERPRET_F32 || op == OP_I64_REINTERPRET_F64 ||
            op == OP_F32_REINTERPRET_I32 || op == OP_F64_REINTERPRET_I64)
            o->cls[0] = o->cls[1] = ANY;
        return true;
    }
    if (op <= OP_I64_GE_U_I) {
        add(o, ip[1], true, INT);
        add(o, ip[2], false, INT);
        return true;
    }
    if (op < OP_BR_I32_EQZ) {
        add(o, ip[1], false, INT);
        if (!(op >= OP_BR_I32_EQ_I && op <= OP_BR_I32_GE_U_I))
            add(o, ip[2], false, INT);
        o->ntgt = 1;
        o->tgt1 = (int32_t)ip[3];
        return true;
    }
    if (op <= OP_BR_I64_NEZ) {
        add(o, ip[1], false, INT);
        o->ntgt = 1;
        o->tgt1 = (int32_t)ip[2];
        return true;
    }
    switch (op) {
    case OP_UNREACHABLE: case OP_RETURN0:
        o->fall = false;
        return true;
    case OP_BR:
        o->fall = false;
        o->ntgt = 1;
        o->tgt1 = (int32_t)ip[1];
        return true;
    case OP_BR_TABLE:
        add(o, ip[1], false, INT);
        o->fall = false;
        o->ntgt = ip[2] + 1;
        o->tgt = (const int32_t *)(ip + 3);
        return true;
    case OP_RETURN1:
        add(o, ip[1], false, ANY);
        o->fall = false;
        return true;
    case OP_RETURN:
        o->ulo = ip[1];
        o->uhi = ip[1] + ip[2];
        o->fall = false;
        return true;
    case OP_CALL: case OP_CALL_INDIRECT: {
        uint32_t base, np, nr;
        if (op == OP_CALL) {
            if (ip[1] >= m->nfuncs)
                return false;
            const wasmi_functype_t *t = &m->types[m->func_type[ip[1]]];
            base = ip[2];
            np = t->pcells;
            nr = t->rcells;
        } else {
            const wasmi_canon_type_t *ct = &m->rt->canon[ip[2]];
            base = ip[4];
            np = wasmi_types_cells(ct->types, ct->nparams);
            nr = wasmi_types_cells(ct->types + ct->nparams, ct->nresults);
            add(o, ip[3], false, INT);
        }
        o->ulo = base;
        o->uhi = base + np;
        o->dlo = base;
        o->dhi = base + nr;
        return true;
    }
    case OP_RETURN_CALL: case OP_RETURN_CALL_INDIRECT: {
        /* the arguments are read; the callee's results are this function's */
        uint32_t base, np;
        if (op == OP_RETURN_CALL) {
            if (ip[1] >= m->nfuncs)
                return false;
            base = ip[2];
            np = m->types[m->func_type[ip[1]]].pcells;
        } else {
            const wasmi_canon_type_t *ct = &m->rt->canon[ip[2]];
            base = ip[4];
            np = wasmi_types_cells(ct->types, ct->nparams);
            add(o, ip[3], false, INT);
        }
        o->ulo = base;
        o->uhi = base + np;
        o->fall = false;
        return true;
    }
    case OP_MEMX:
        memx_operands(ip, o);
        return true;
    case OP_SAFEPOINT: case OP_DATA_DROP: case OP_ELEM_DROP:
        return true;
    case OP_MOV:
        add(o, ip[1], true, ANY);
        add(o, ip[2], false, ANY);
        return true;
    case OP_CONST32: case OP_CONST64: case OP_GLOBAL_GET: case OP_MEMORY_SIZE:
    case OP_REF_FUNC: case OP_TABLE_SIZE:
        add(o, ip[1], true, ANY);
        return true;
    case OP_SELECT:
        add(o, ip[1], true, ANY);
        add(o, ip[2], false, ANY);
        add(o, ip[3], false, ANY);
        add(o, ip[4], false, INT);
        return true;
    case OP_GLOBAL_SET:
        add(o, ip[1], false, ANY);
        return true;
    case OP_I32_LOAD: case OP_I64_LOAD: case OP_F32_LOAD: case OP_F64_LOAD:
    case OP_I32_LOAD8_S: case OP_I32_LOAD8_U: case OP_I32_LOAD16_S: case OP_I32_LOAD16_U:
    case OP_I64_LOAD8_S: case OP_I64_LOAD8_U: case OP_I64_LOAD16_S: case OP_I64_LOAD16_U:
    case OP_I64_LOAD32_S: case OP_I64_LOAD32_U:
        add(o, ip[1], true, op == OP_F32_LOAD || op == OP_F64_LOAD ? FLT : INT);
        add(o, ip[2], false, INT);
        return true;
    case OP_I32_STORE: case OP_I64_STORE: case OP_F32_STORE: case OP_F64_STORE:
    case OP_I32_STORE8: case OP_I32_STORE16: case OP_I64_STORE8: case OP_I64_STORE16:
    case OP_I64_STORE32:
        add(o, ip[1], false, INT);
        add(o, ip[2], false, op == OP_F32_STORE || op == OP_F64_STORE ? FLT : INT);
        return true;
    case OP_MEMORY_GROW: case OP_REF_IS_NULL:
        add(o, ip[1], true, INT);
        add(o, ip[2], false, ANY);
        return true;
    case OP_MEMORY_INIT:
        add(o, ip[2], false, INT);
        add(o, ip[3], false, INT);
        add(o, ip[4], false, INT);
        return true;
    case OP_MEMORY_COPY: case OP_MEMORY_FILL:
        add(o, ip[1], false, INT);
        add(o, ip[2], false, INT);
        add(o, ip[3], false, INT);
        return true;
    case OP_TABLE_GET:
        add(o, ip[1], true, ANY);
        add(o, ip[3], false, INT);
        return true;
    case OP_TABLE_SET:
        add(o, ip[2], false, INT);
        add(o, ip[3], false, ANY);
        return true;
    case OP_TABLE_GROW:
        add(o, ip[1], true, INT);
        add(o, ip[3], false, ANY);
        add(o, ip[4], false, INT);
        return true;
    case OP_TABLE_FILL:
        add(o, ip[2], false, INT);
        add(o, ip[3], false, ANY);
        add(o, ip[4], false, INT);
        return true;
    case OP_TABLE_COPY: case OP_TABLE_INIT:
        add(o, ip[3], false, INT);
        add(o, ip[4], false, INT);
        add(o, ip[5], false, INT);
        return true;
    case OP_MOV128:
        add128(o, ip[1], true);
        add128(o, ip[2], false);
        return true;
    case OP_SELECT128:
        add128(o, ip[1], true);
        add128(o, ip[2], false);
        add128(o, ip[3], false);
        add(o, ip[4], false, INT);
        return true;
    case OP_GLOBAL_GET128: case OP_GLOBAL_SET128:
        add128(o, ip[1], op == OP_GLOBAL_GET128);
        return true;
    case OP_SIMD: case OP_SIMD_M: {
        /* the v128 operands (the result first, when it is one) and the
         * scalars (the result first for extract_lane and the tests) */
        const uint32_t *q = ip + (op == OP_SIMD_M);
        uint32_t kind = q[2] >> 8;
        bool vres = kind != SK_STORE && kind != SK_STORELANE && kind != SK_EXTRACT &&
                    kind != SK_TEST;
        bool sres = kind == SK_EXTRACT || kind == SK_TEST;
        jit_simd_slots_t ss;
        wasmi_jit_simd_slots(q, &ss);
        for (uint32_t k = 0; k < ss.nv; k++)
            add128(o, ss.v[k], vres && k == 0);
        for (uint32_t k = 0; k < ss.ns; k++)
            add(o, ss.s[k], sres && k == 0, ss.sf[k] ? FLT : INT);
        return true;
    }
    default:
        return false;
    }
}

/* ------------------------------------------------------------ allocation */

typedef struct run {
    uint32_t slot, lo, hi;    /* instructions lo..hi */
} run_t;

/* The run of slot s holding instruction i (CSR over slots), or UINT32_MAX. */
uint32_t wasmi_jit_run_at(const jit_fn_t *fn, uint32_t s, uint32_t i)
{
    uint32_t lo = fn->rstart[s], hi = fn->rstart[s + 1];
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (fn->rlo[mid] > i)
            hi = mid;
        else if (fn->rhi[mid] < i)
            lo = mid + 1;
        else
            return mid;
    }
    return UINT32_MAX;
}

static uint32_t find(uint32_t *up, uint32_t x)
{
    while (up[x] != x) {
        up[x] = up[up[x]];
        x = up[x];
    }
    return x;
}

/* Slot s is occupied at point p: extends its last run if that ended at
 * p - 1 (and ext), else starts a run. */
static bool occupy(run_t **runs, uint32_t *n, uint32_t *cap, uint32_t *last, uint32_t s,
                   uint32_t p, bool ext)
{
    if (ext && last[s] != UINT32_MAX && (*runs)[last[s]].hi + 1 == p) {
        (*runs)[last[s]].hi = p;
        return true;
    }
    if (*n == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 256;
        run_t *q = wasm_plat_realloc(*runs, *cap * sizeof *q, ncap * sizeof *q);
        if (!q)
            return false;
        *runs = q;
        *cap = ncap;
    }
    (*runs)[*n] = (run_t){s, p, p};
    last[s] = (*n)++;
    return true;
}

/* The slots live out of the instruction at pc (o: its operands). */
static void live_out(const jit_fn_t *fn, const jit_ops_t *o, const uint32_t *code, uint32_t pc,
                     const uint32_t *idx, const uint64_t *live, uint32_t W, uint32_t ni,
                     uint64_t *out)
{
    (void)fn;
    (void)code;
    uint32_t i = idx[pc];
    for (uint32_t w = 0; w < W; w++)
        out[w] = o->fall && i + 1 < ni ? live[(size_t)(i + 1) * W + w] : 0;
    for (uint32_t k = 0; k < o->ntgt; k++) {
        uint32_t j = idx[pc + (uint32_t)(o->tgt ? o->tgt[k] : o->tgt1)];
        for (uint32_t w = 0; w < W; w++)
            out[w] |= live[(size_t)j * W + w];
    }
}

/* Sorts v[0..n) by w[v[i]], heaviest first (merge sort, t: scratch). */
static void sort_by_weight(uint32_t *v, uint32_t *t, uint32_t n, const uint64_t *w)
{
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                t[k++] = w[v[j]] > w[v[i]] ? v[j++] : v[i++];
            while (i < mid)
                t[k++] = v[i++];
            while (j < hi)
                t[k++] = v[j++];
        }
        for (uint32_t k = 0; k < n; k++)
            v[k] = t[k];
    }
}

/* Whether bits lo..hi of b are all clear; set them. */
static bool span_free(const uint64_t *b, uint32_t lo, uint32_t hi)
{
    for (uint32_t i = lo; i <= hi;) {
        if ((i & 63) == 0 && i + 63 <= hi) {
            if (b[i >> 6])
                return false;
            i += 64;
        } else {
            if (b[i >> 6] >> (i & 63) & 1)
                return false;
            i++;
        }
    }
    return true;
}

static void span_set(uint64_t *b, uint32_t lo, uint32_t hi)
{
    for (uint32_t i = lo; i <= hi;) {
        if ((i & 63) == 0 && i + 63 <= hi) {
            b[i >> 6] = ~(uint64_t)0;
            i += 64;
        } else {
            b[i >> 6] |= (uint64_t)1 << (i & 63);
            i++;
        }
    }
}

/* Bitset words per instruction above which a function keeps one location
 * per slot (the liveness sets would take more than 4 MiB). */
#define RA_MAX_WORDS (512u * 1024u)

#define BIT(v, s) ((v)[(s) >> 6] >> ((s) & 63) & 1)
#define SETB(v, s) ((v)[(s) >> 6] |= (uint64_t)1 << ((s) & 63))
#define CLRB(v, s) ((v)[(s) >> 6] &= ~((uint64_t)1 << ((s) & 63)))

bool wasmi_jit_alloc_ranges(jit_fn_t *fn, uint32_t ngpr, uint32_t nxmm, bool v128)
{
    enum { VB = 1, VH = 2, VX = 4 };
    const wasmi_funcdef_t *d = fn->d;
    const uint32_t *code = d->code;
    uint32_t len = d->code_len, ns = d->frame_cells;
    uint32_t W = (ns + 63) / 64;
    uint32_t ni = 0;
    for (uint32_t pc = 0; pc < len; pc++)
        ni += fn->op[pc] != 0xFFFF;
    if (ni == 0 || W == 0 || (uint64_t)ni * W > RA_MAX_WORDS)
        return false;
    bool ok = false;
    uint32_t *ipc = wasm_plat_alloc(ni * sizeof *ipc);          /* instruction -> pc */
    uint32_t *idx = wasm_plat_alloc((len + 1) * sizeof *idx);   /* pc -> instruction */
    uint64_t *live = wasm_plat_alloc((size_t)(ni + 1) * W * sizeof *live);
    uint64_t *tmp = wasm_plat_alloc(W * sizeof *tmp);
    uint32_t *last = wasm_plat_alloc(ns * sizeof *last);
    int32_t *depth = wasm_plat_alloc((ni + 1) * sizeof *depth);
    run_t *runs = NULL;
    uint32_t *up = NULL, *order = NULL;
    uint64_t *wt = NULL, *wi = NULL, *wf = NULL;
    /* per web: VB a v128's low cell somewhere, VH its high cell, VX a scalar
     * or a cell of a call's or return's range */
    uint8_t *wv = NULL;
    uint32_t *pw = NULL, *cnt = NULL;
    /* hints between v128 webs (x86_64 computes d = a op b as d = a; d op=
     * b): per web a list (ehead, enext) of webs whose register it should
     * share (a and d: no copy) or avoid (b and d: b would be lost first) */
    uint32_t *ehead = NULL, *enext = NULL, *eto = NULL, ne = 0;
    uint8_t *eavoid = NULL;
    uint32_t *whi = NULL, *wlo = NULL, *act = NULL, *tmp32 = NULL;
    uint64_t *busy = NULL;
    uint32_t nruns = 0, rcap = 0;
    jit_ops_t o;
    if (!ipc || !idx || !live || !tmp || !last || !depth)
        goto out;
    for (uint32_t pc = 0, i = 0; pc < len; pc++) {
        idx[pc] = UINT32_MAX;
        if (fn->op[pc] != 0xFFFF) {
            idx[pc] = i;
            ipc[i++] = pc;
        }
    }
    idx[len] = UINT32_MAX;
    /* Check every operand and target once; loop depth by backward branches. */
    for (uint32_t i = 0; i <= ni; i++)
        depth[i] = 0;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t pc = ipc[i];
        if (!wasmi_jit_operands(fn->m, code + pc, fn->op[pc], &o))
            goto out;
        for (uint32_t k = 0; k < o.n; k++)
            if (o.s[k] >= ns)
                goto out;
        if (o.uhi > ns || o.dhi > ns || (o.fall && i + 1 >= ni))
            goto out;
        for (uint32_t k = 0; k < o.ntgt; k++) {
            int64_t t = (int64_t)pc + (o.tgt ? o.tgt[k] : o.tgt1);
            if (t < 0 || t >= len || idx[t] == UINT32_MAX)
                goto out;
            if (idx[t] <= i) {
                depth[idx[t]]++;
                depth[i + 1]--;
            }
        }
    }
    for (int32_t i = 0, dd = 0; i < (int32_t)ni; i++) {
        dd += depth[i];
        depth[i] = dd;
    }
    /* 1. Liveness to a fixed point: in = use | (out & ~def). */
    for (size_t k = 0; k < (size_t)ni * W; k++)
        live[k] = 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t i = ni; i-- > 0;) {
            uint32_t pc = ipc[i];
            wasmi_jit_operands(fn->m, code + pc, fn->op[pc], &o);
            for (uint32_t w = 0; w < W; w++)
                tmp[w] = o.fall ? live[(size_t)(i + 1) * W + w] : 0;
            for (uint32_t k = 0; k < o.ntgt; k++) {
                uint32_t j = idx[pc + (o.tgt ? o.tgt[k] : o.tgt1)];
                for (uint32_t w = 0; w < W; w++)
                    tmp[w] |= live[(size_t)j * W + w];
            }
            for (uint32_t k = 0; k < o.n; k++)
                if (o.def[k])
                    CLRB(tmp, o.s[k]);
            for (uint32_t s = o.dlo; s < o.dhi; s++)
                CLRB(tmp, s);
            for (uint32_t k = 0; k < o.n; k++)
                if (!o.def[k])
                    SETB(tmp, o.s[k]);
            for (uint32_t s = o.ulo; s < o.uhi; s++)
                SETB(tmp, s);
            uint64_t *in = live + (size_t)i * W;
            for (uint32_t w = 0; w < W; w++)
                if (in[w] != tmp[w]) {
                    in[w] = tmp[w];
                    changed = true;
                }
        }
    }
    /* 2. Runs of occupied points, in order of their first. Instruction i
     * has two points: 2i, where it reads (the slots live into it), and
     * 2i+1, where it writes (the slots it defines, and those live through
     * it). A definition always starts a run: the value it kills is another
     * web, which may live elsewhere (or share the register). */
    uint64_t *out = live + (size_t)ni * W;   /* one spare set */
    for (uint32_t s = 0; s < ns; s++)
        last[s] = UINT32_MAX;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t pc = ipc[i];
        wasmi_jit_operands(fn->m, code + pc, fn->op[pc], &o);
        const uint64_t *in = live + (size_t)i * W;
        for (uint32_t w = 0; w < W; w++)
            for (uint64_t b = in[w]; b; b &= b - 1)
                if (!occupy(&runs, &nruns, &rcap, last, w * 64 + (uint32_t)__builtin_ctzll(b), 2 * i, true))
                    goto out;
        live_out(fn, &o, code, pc, idx, live, W, ni, out);
        for (uint32_t w = 0; w < W; w++)
            tmp[w] = 0;
        for (uint32_t k = 0; k < o.n; k++)
            if (o.def[k])
                SETB(tmp, o.s[k]);
        for (uint32_t s = o.dlo; s < o.dhi; s++)
            SETB(tmp, s);
        for (uint32_t w = 0; w < W; w++) {
            for (uint64_t b = tmp[w]; b; b &= b - 1)
                if (!occupy(&runs, &nruns, &rcap, last, w * 64 + (uint32_t)__builtin_ctzll(b), 2 * i + 1, false))
                    goto out;
            for (uint64_t b = out[w] & ~tmp[w]; b; b &= b - 1)
                if (!occupy(&runs, &nruns, &rcap, last, w * 64 + (uint32_t)__builtin_ctzll(b), 2 * i + 1, true))
                    goto out;
        }
    }
    /* Per slot (CSR), in order of lo within a slot. */
    fn->rstart = wasm_plat_alloc((ns + 1) * sizeof *fn->rstart);
    fn->rlo = wasm_plat_alloc((nruns + 1) * sizeof *fn->rlo);
    fn->rhi = wasm_plat_alloc((nruns + 1) * sizeof *fn->rhi);
    fn->rweb = wasm_plat_alloc((nruns + 1) * sizeof *fn->rweb);
    up = wasm_plat_alloc((nruns + 1) * sizeof *up);
    order = wasm_plat_alloc((nruns + 1) * sizeof *order);   /* global run -> CSR index */
    if (!fn->rstart || !fn->rlo || !fn->rhi || !fn->rweb || !up || !order)
        goto out;
    for (uint32_t s = 0; s <= ns; s++)
        fn->rstart[s] = 0;
    for (uint32_t r = 0; r < nruns; r++)
        fn->rstart[runs[r].slot + 1]++;
    for (uint32_t s = 0; s < ns; s++)
        fn->rstart[s + 1] += fn->rstart[s];
    for (uint32_t s = 0; s < ns; s++)
        last[s] = fn->rstart[s];
    for (uint32_t r = 0; r < nruns; r++) {
        uint32_t k = last[runs[r].slot]++;
        fn->rlo[k] = runs[r].lo;
        fn->rhi[k] = runs[r].hi;
        order[r] = k;
        up[k] = k;
    }
    /* 3. Join the runs a branch edge carries a live slot across. */
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t pc = ipc[i];
        wasmi_jit_operands(fn->m, code + pc, fn->op[pc], &o);
        for (uint32_t k = 0; k < o.ntgt; k++) {
            uint32_t j = idx[pc + (o.tgt ? o.tgt[k] : o.tgt1)];
            if (j == i + 1)
                continue;   /* points 2i+1 and 2j are adjacent */
            const uint64_t *in = live + (size_t)j * W;
            for (uint32_t w = 0; w < W; w++)
                for (uint64_t b = in[w]; b; b &= b - 1) {
                    uint32_t s = w * 64 + (uint32_t)__builtin_ctzll(b);
                    uint32_t a = wasmi_jit_run_at(fn, s, 2 * i + 1);
                    uint32_t c = wasmi_jit_run_at(fn, s, 2 * j);
                    if (a == UINT32_MAX || c == UINT32_MAX)
                        goto out;
                    a = find(up, a);
                    c = find(up, c);
                    if (a != c)
                        up[a] = c;
                }
        }
    }
    for (uint32_t r = 0; r < nruns; r++)
        fn->rweb[r] = find(up, r);
    /* Weights and classes per web (indexed by its root run). */
    wt = wasm_plat_alloc((nruns + 1) * sizeof *wt);
    wi = wasm_plat_alloc((nruns + 1) * sizeof *wi);
    wf = wasm_plat_alloc((nruns + 1) * sizeof *wf);
    whi = wasm_plat_alloc((nruns + 1) * sizeof *whi);
    fn->wk = wasm_plat_alloc(nruns + 1);
    fn->wr = wasm_plat_alloc(nruns + 1);
    act = wasm_plat_alloc((nruns + 1) * sizeof *act);
    tmp32 = wasm_plat_alloc((nruns + 1) * sizeof *tmp32);
    wlo = wasm_plat_alloc((nruns + 1) * sizeof *wlo);
    wv = wasm_plat_alloc(nruns + 1);
    pw = wasm_plat_alloc((nruns + 1) * sizeof *pw);
    cnt = wasm_plat_alloc((nruns + 1) * sizeof *cnt);
    ehead = wasm_plat_alloc((nruns + 1) * sizeof *ehead);
    enext = wasm_plat_alloc((4 * (size_t)ni + 1) * sizeof *enext);
    eto = wasm_plat_alloc((4 * (size_t)ni + 1) * sizeof *eto);
    eavoid = wasm_plat_alloc(4 * (size_t)ni + 1);
    if (!wt || !wi || !wf || !whi || !fn->wk || !fn->wr || !act || !tmp32 || !wlo || !wv || !pw ||
        !cnt || !ehead || !enext || !eto || !eavoid)
        goto out;
    for (uint32_t r = 0; r < nruns; r++) {
        wt[r] = wi[r] = wf[r] = 0;
        wv[r] = 0;
        pw[r] = UINT32_MAX;
        cnt[r] = 0;
        ehead[r] = UINT32_MAX;
        whi[r] = 0;
        wlo[r] = UINT32_MAX;
        fn->wk[r] = JL_MEM;
        fn->wr[r] = 0;
    }
    for (uint32_t r = 0; r < nruns; r++) {
        uint32_t w = fn->rweb[r];
        if (fn->rhi[r] > whi[w])
            whi[w] = fn->rhi[r];
        if (fn->rlo[r] < wlo[w])
            wlo[w] = fn->rlo[r];
    }
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t pc = ipc[i];
        wasmi_jit_operands(fn->m, code + pc, fn->op[pc], &o);
        int dd = depth[i] > 6 ? 6 : depth[i] < 0 ? 0 : depth[i];
        uint64_t v = (uint64_t)1 << (3 * dd);
        for (uint32_t k = 0; k < o.n; k++) {
            uint32_t r = wasmi_jit_run_at(fn, o.s[k], 2 * i + o.def[k]);
            if (r == UINT32_MAX)
                goto out;
            uint32_t w = fn->rweb[r];
            wt[w] += v;
            if (o.cls[k] == INT)
                wi[w] += v;
            else if (o.cls[k] == FLT)
                wf[w] += v;
            wv[w] |= o.cls[k] == V128 ? VB : o.cls[k] == V128H ? VH : VX;
        }
        for (uint32_t s = o.ulo; s < o.uhi; s++) {
            uint32_t r = wasmi_jit_run_at(fn, s, 2 * i);
            if (r == UINT32_MAX)
                goto out;
            wt[fn->rweb[r]] += v;
            wv[fn->rweb[r]] |= VX;
        }
        for (uint32_t s = o.dlo; s < o.dhi; s++) {
            uint32_t r = wasmi_jit_run_at(fn, s, 2 * i + 1);
            if (r == UINT32_MAX)
                goto out;
            wt[fn->rweb[r]] += v;
            wv[fn->rweb[r]] |= VX;
        }
        uint32_t kind = fn->op[pc] == OP_SIMD ? code[pc + 2] >> 8 : 0;
        if ((kind == SK_BINARY || kind == SK_SHUFFLE) && o.n >= 6) {
            /* o.s: d, d + 1, a, a + 1, b, b + 1 */
            uint32_t wd = fn->rweb[wasmi_jit_run_at(fn, o.s[0], 2 * i + 1)];
            for (uint32_t k = 0; k < 2; k++) {
                uint32_t wx = fn->rweb[wasmi_jit_run_at(fn, o.s[2 + 2 * k], 2 * i)];
                if (wx == wd)
                    continue;
                eto[ne] = wx, eavoid[ne] = (uint8_t)k, enext[ne] = ehead[wd], ehead[wd] = ne++;
                eto[ne] = wd, eavoid[ne] = (uint8_t)k, enext[ne] = ehead[wx], ehead[wx] = ne++;
            }
        }
    }
    /* v128 webs that may take an XMM register (JL_V128): a web whose every
     * occurrence is the low cell of a v128 at its slot s, when the webs of
     * s + 1 over the same runs are one web whose every occurrence is the
     * high cell, run for run. That web (pw) stays "in memory" and is never
     * read as such: SIMD code reaches both halves through the low one. */
    for (uint32_t r = 0; r < nruns; r++)
        cnt[fn->rweb[r]]++;
    for (uint32_t s = 0; s < ns; s++)
        for (uint32_t k = fn->rstart[s]; k < fn->rstart[s + 1]; k++) {
            uint32_t w = fn->rweb[k];
            if (wv[w] != VB)
                continue;
            uint32_t k2 = s + 1 < ns ? wasmi_jit_run_at(fn, s + 1, fn->rlo[k]) : UINT32_MAX;
            uint32_t p = k2 == UINT32_MAX ? UINT32_MAX : fn->rweb[k2];
            if (p == UINT32_MAX || fn->rlo[k2] != fn->rlo[k] || fn->rhi[k2] != fn->rhi[k] ||
                wv[p] != VH || (pw[w] != UINT32_MAX && pw[w] != p))
                wv[w] |= VX;
            else
                pw[w] = p;
        }
    for (uint32_t r = 0; r < nruns; r++)
        if (fn->rweb[r] == r && wv[r] == VB && (pw[r] == UINT32_MAX || cnt[pw[r]] != cnt[r]))
            wv[r] |= VX;
    /* 4. Heaviest first: each web takes the first register of its class
     * free over its whole hull [lo, hi], else lives in its slot's cell. */
    uint32_t nw = 0, rw = (2 * ni + 63) / 64, nregs = ngpr + nxmm;
    for (uint32_t r = 0; r < nruns; r++)
        if (fn->rweb[r] == r)
            act[nw++] = r;
    sort_by_weight(act, tmp32, nw, wt);
    busy = wasm_plat_alloc(((size_t)nregs * rw + 1) * sizeof *busy);
    if (!busy)
        goto out;
    for (size_t k = 0; k < (size_t)nregs * rw; k++)
        busy[k] = 0;
    for (uint32_t k = 0; k < nw; k++) {
        uint32_t w = act[k];
        bool vec = wv[w] & (VB | VH), isf = wf[w] > wi[w] || vec;
        if (vec && (wv[w] != VB || !v128))
            continue;   /* a v128 cell SIMD code addresses in the frame */
        uint32_t r0 = isf ? ngpr : 0, r1 = isf ? nregs : ngpr;
        /* v128: the register of a web to share first, then any but those
         * of webs to avoid, then those */
        uint32_t pref = UINT32_MAX;
        uint64_t avoid = 0;
        for (uint32_t e = vec ? ehead[w] : UINT32_MAX; e != UINT32_MAX; e = enext[e])
            if (fn->wk[eto[e]] == JL_V128) {
                if (eavoid[e])
                    avoid |= (uint64_t)1 << fn->wr[eto[e]];
                else
                    pref = r0 + fn->wr[eto[e]];
            }
        for (uint32_t pass = 0, done = 0; pass < 3 && !done; pass++)
            for (uint32_t r = pass ? r0 : pref; r < r1; r++) {
                bool av = avoid >> (r - r0) & 1;
                uint64_t *b = busy + (size_t)r * rw;
                if ((pass < 2 ? !av : av) && span_free(b, wlo[w], whi[w])) {
                    span_set(b, wlo[w], whi[w]);
                    fn->wk[w] = vec ? JL_V128 : isf ? JL_XMM : JL_GPR;
                    fn->wr[w] = (uint8_t)(r - r0);
                    done = 1;
                    break;
                }
                if (!pass)
                    break;   /* (pass 0 tries pref only) */
            }
    }
    fn->nruns = nruns;
    ok = true;
out:
    if (!ok)
        wasmi_jit_fn_free_ranges(fn);
    wasm_plat_free(ipc);
    wasm_plat_free(idx);
    wasm_plat_free(live);
    wasm_plat_free(tmp);
    wasm_plat_free(last);
    wasm_plat_free(depth);
    wasm_plat_free(runs);
    wasm_plat_free(up);
    wasm_plat_free(order);
    wasm_plat_free(wt);
    wasm_plat_free(wi);
    wasm_plat_free(wf);
    wasm_plat_free(whi);
    wasm_plat_free(wlo);
    wasm_plat_free(wv);
    wasm_plat_free(pw);
    wasm_plat_free(cnt);
    wasm_plat_free(ehead);
    wasm_plat_free(enext);
    wasm_plat_free(eto);
    wasm_plat_free(eavoid);
    wasm_plat_free(act);
    wasm_plat_free(tmp32);
    wasm_plat_free(busy);
    return ok;
}
