/*
 * The compiled tier, architecture-independent part (see jit.h and
 * docs/compiler.md).
 */
#include "jit.h"
#include "numeric.h"
#include "ops.h"
#include "simd.h"

/* ------------------------------------------------------------ platform defaults */

/* Executable memory is an optional part of the platform seam: a platform
 * without it (these weak defaults) runs everything in the interpreter. */
__attribute__((weak)) void *wasm_plat_code_alloc(size_t size)
{
    (void)size;
    return NULL;
}

__attribute__((weak)) bool wasm_plat_code_seal(void *p, size_t size)
{
    (void)p;
    (void)size;
    return false;
}

__attribute__((weak)) void wasm_plat_code_free(void *p, size_t size)
{
    (void)p;
    (void)size;
}

__attribute__((weak)) void wasm_plat_code_symbol(const void *start, size_t size, const char *name,
                                                 size_t len, uint32_t index)
{
    (void)start;
    (void)size;
    (void)name;
    (void)len;
    (void)index;
}

/* ------------------------------------------------------------ op decoding */

static const int8_t op_words_tab[] = {
#define WASM_OP_WORDS(name, n) (int8_t)(n),
    WASM_ALL_OPS(WASM_OP_WORDS)
#undef WASM_OP_WORDS
};

int wasmi_jit_op_words(uint32_t op, const uint32_t *ip)
{
    if (op >= OP_COUNT)
        return -1;
    if (op == OP_BR_TABLE)
        return 4 + (int)ip[2];
    if (op == OP_SIMD || op == OP_SIMD_M) {
        /* the kind is in bits 8..15 of the sub word (simd.h); SIMD_M has
         * its memory index first */
        uint32_t m = op == OP_SIMD_M, kind = ip[2 + m] >> 8;
        if (kind == SK_BAD || kind >= sizeof wasmi_simd_words)
            return -1;
        return (int)(wasmi_simd_words[kind] + m);
    }
    return op_words_tab[op] < 0 ? -1 : 1 + op_words_tab[op];
}

typedef struct rev {
    int32_t off;
    uint16_t op;
} rev_t;

/* Threaded code holds handler offsets in op words; map them back. */
static int op_of(const rev_t *rev, uint32_t n, uint32_t w)
{
    if (!rev)
        return w < OP_COUNT ? (int)w : -1;
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (rev[mid].off < (int32_t)w)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && rev[lo].off == (int32_t)w ? rev[lo].op : -1;
}

static rev_t *build_rev(const wasm_runtime_t *rt)
{
    if (!rt->dispatch)
        return NULL;
    rev_t *r = wasm_plat_alloc(OP_COUNT * sizeof *r);
    if (!r)
        return NULL;
    for (uint32_t i = 0; i < OP_COUNT; i++) {
        rev_t v = {rt->dispatch[i], (uint16_t)i};
        uint32_t k = i;
        while (k > 0 && r[k - 1].off > v.off) {
            r[k] = r[k - 1];
            k--;
        }
        r[k] = v;
    }
    return r;
}

static bool decode_with(jit_fn_t *fn, const rev_t *rev)
{
    const wasmi_funcdef_t *d = fn->d;
    fn->op = wasm_plat_alloc((d->code_len + 1) * sizeof *fn->op);
    if (!fn->op)
        return false;
    for (uint32_t i = 0; i < d->code_len; i++)
        fn->op[i] = 0xFFFF;
    for (uint32_t pc = 0; pc < d->code_len;) {
        int op = op_of(rev, OP_COUNT, d->code[pc]);
        if (op < 0)
            return false;
        int n = wasmi_jit_op_words((uint32_t)op, d->code + pc);
        if (n < 0 || pc + (uint32_t)n > d->code_len)
            return false;
        /* the interpreter's own SIMD handlers have OP_SIMD's layout */
        fn->op[pc] = (uint16_t)(op >= OP_V_LOAD && op <= OP_V_F64_DIV ? OP_SIMD : op);
        pc += (uint32_t)n;
    }
    return true;
}

void *wasmi_jit_opmap_new(const wasm_runtime_t *rt, bool *ok)
{
    rev_t *rev = build_rev(rt);
    *ok = !rt->dispatch || rev;
    return rev;
}

bool wasmi_jit_decode(jit_fn_t *fn, const void *opmap)
{
    return decode_with(fn, opmap);
}

void wasmi_jit_fn_init(jit_fn_t *fn, wasm_module_t *m, uint32_t i)
{
    __builtin_memset(fn, 0, sizeof *fn);
    fn->m = m;
    fn->d = &m->defs[i];
    fn->def_index = i;
    fn->func_index = m->nfunc_imports + i;
    const wasmi_functype_t *t = &m->types[fn->d->type_idx];
    fn->nparams = t->pcells;
    fn->nresults = t->rcells;
}

void wasmi_jit_fn_free_ranges(jit_fn_t *fn)
{
    wasm_plat_free(fn->rstart);
    wasm_plat_free(fn->rlo);
    wasm_plat_free(fn->rhi);
    wasm_plat_free(fn->rweb);
    wasm_plat_free(fn->wk);
    wasm_plat_free(fn->wr);
    fn->rstart = fn->rlo = fn->rhi = fn->rweb = NULL;
    fn->wk = fn->wr = NULL;
}

void wasmi_jit_fn_free(jit_fn_t *fn)
{
    wasm_plat_free(fn->op);
    wasm_plat_free(fn->lk);
    wasm_plat_free(fn->lr);
    fn->op = NULL;
    fn->lk = fn->lr = NULL;
    wasmi_jit_fn_free_ranges(fn);
}

/* ------------------------------------------------------------ slot allocation */

static bool is_float_op(uint32_t op)
{
    return (op >= OP_F32_EQ && op <= OP_F64_GE) || (op >= OP_F32_ABS && op <= OP_F64_COPYSIGN) ||
           op == OP_F32_DEMOTE_F64 || op == OP_F64_PROMOTE_F32 || op == OP_F32_LOAD ||
           op == OP_F64_LOAD;
}

/* Float operands of an op that is not itself float (conversions). */
static bool float_src(uint32_t op)
{
    return (op >= OP_I32_TRUNC_F32_S && op <= OP_I32_TRUNC_F64_U) ||
           (op >= OP_I64_TRUNC_F32_S && op <= OP_I64_TRUNC_F64_U) ||
           (op >= OP_I32_TRUNC_SAT_F32_S && op <= OP_I64_TRUNC_SAT_F64_U);
}

static bool float_dst(uint32_t op)
{
    return op >= OP_F32_CONVERT_I32_S && op <= OP_F64_PROMOTE_F32;
}

void wasmi_jit_simd_slots(const uint32_t *ip, jit_simd_slots_t *o)
{
    uint32_t sub = ip[2] & 0xFF, kind = ip[2] >> 8;
    wasmi_simd_info_t in = wasmi_simd_describe(sub);
    bool fs = in.scalar == 0x7D || in.scalar == 0x7C;   /* f32, f64 */
    o->nv = o->ns = 0;
    o->sf[0] = o->sf[1] = false;
#define V(i) (o->v[o->nv++] = ip[i])
#define S(i, f) (o->sf[o->ns] = (f), o->s[o->ns++] = ip[i])
    switch (kind) {
    case SK_LOAD: V(1); S(3, false); break;
    case SK_STORE: S(3, false); V(4); break;
    case SK_CONST: V(1); break;
    case SK_SHUFFLE: case SK_BINARY: V(1); V(3); V(4); break;
    case SK_SPLAT: V(1); S(3, fs); break;
    case SK_EXTRACT: S(1, fs); V(3); break;
    case SK_REPLACE: V(1); V(3); S(4, fs); break;
    case SK_LOADLANE: V(1); S(3, false); V(4); break;
    case SK_STORELANE: S(3, false); V(4); break;
    case SK_TEST: S(1, false); V(3); break;
    case SK_SHIFT: V(1); V(3); S(4, false); break;
    case SK_UNARY: V(1); V(3); break;
    case SK_TERNARY: V(1); V(3); V(4); V(5); break;
    default: break;
    }
#undef V
#undef S
}

typedef struct slotw {
    uint64_t wi, wf;          /* weighted integer / float uses */
} slotw_t;

static void use(slotw_t *w, uint32_t nslots, uint32_t s, bool f, uint64_t weight)
{
    if (s >= nslots)
        return;
    if (f)
        w[s].wf += weight;
    else
        w[s].wi += weight;
}

/* A v128 in cells s and s+1 stays in the frame: SIMD code addresses it
 * there, 16 bytes at once. */
static void pin128(uint8_t *pin, uint32_t nslots, uint32_t s)
{
    if (s < nslots)
        pin[s] = pin[s + 1] = 1;
}

bool wasmi_jit_alloc_slots(jit_fn_t *fn, uint32_t ngpr, uint32_t nxmm)
{
    const wasmi_funcdef_t *d = fn->d;
    const uint32_t *code = d->code;
    uint32_t n = d->frame_cells, len = d->code_len;
    fn->lk = wasm_plat_alloc(n + 1);
    fn->lr = wasm_plat_alloc(n + 1);
    slotw_t *w = wasm_plat_alloc((n + 1) * sizeof *w);
    int32_t *depth = wasm_plat_alloc((len + 1) * sizeof *depth);
    uint8_t *pin = wasm_plat_alloc(n + 2);   /* cells of v128 values: kept in the frame */
    bool ok = fn->lk && fn->lr && w && depth && pin;
    if (!ok)
        goto out;
    /* Loop depth of each word: a backward branch at p to t covers [t, p]. */
    for (uint32_t pc = 0; pc < len; pc++) {
        uint32_t op = fn->op[pc];
        if (op == 0xFFFF)
            continue;
        int32_t off[2] = {1, 1};
        if (op == OP_BR)
            off[0] = (int32_t)code[pc + 1];
        else if (op >= OP_BR_I32_EQ && op < OP_BR_I32_EQZ)
            off[0] = (int32_t)code[pc + 3];
        else if (op >= OP_BR_I32_EQZ && op <= OP_BR_I64_NEZ)
            off[0] = (int32_t)code[pc + 2];
        for (int k = 0; k < 1; k++)
            if (off[k] <= 0 && (int64_t)pc + off[k] >= 0) {
                depth[pc + (uint32_t)off[k]]++;
                depth[pc + 1]--;
            }
    }
    for (uint32_t s = 0; s < n + 2; s++)
        pin[s] = 0;
    int32_t dep = 0;
    for (uint32_t pc = 0; pc < len; pc++) {
        dep += depth[pc];
        depth[pc] = dep;
    }
    for (uint32_t pc = 0; pc < len; pc++) {
        uint32_t op = fn->op[pc];
        if (op == 0xFFFF)
            continue;
        const uint32_t *ip = code + pc;
        int dd = depth[pc] > 6 ? 6 : depth[pc];
        uint64_t wt = (uint64_t)1 << (3 * dd);
        bool f = is_float_op(op);
        if (op <= OP_I64_TRUNC_SAT_F64_U) {
            int nw = op_words_tab[op];
            bool fd = f || float_dst(op), fs = f || float_src(op);
            if (op >= OP_F32_EQ && op <= OP_F64_GE)
                fd = false;   /* comparison results are i32 */
            use(w, n, ip[1], fd, wt);
            use(w, n, ip[2], fs, wt);
            if (nw == 3)
                use(w, n, ip[3], fs, wt);
        } else if (op <= OP_I64_GE_U_I) {
            use(w, n, ip[1], false, wt);
            use(w, n, ip[2], false, wt);
        } else if (op < OP_BR_I32_EQZ) {
            use(w, n, ip[1], false, wt);
            if (!(op >= OP_BR_I32_EQ_I && op <= OP_BR_I32_GE_U_I))
                use(w, n, ip[2], false, wt);
        } else if (op <= OP_BR_I64_NEZ) {
            use(w, n, ip[1], false, wt);
        } else if (op == OP_MOV) {
            /* a move counts for both ends' classes as they already are */
            bool fm = w[ip[2] < n ? ip[2] : 0].wf > w[ip[2] < n ? ip[2] : 0].wi;
            use(w, n, ip[1], fm, wt);
            use(w, n, ip[2], fm, wt);
        } else if (op >= OP_I32_LOAD && op <= OP_I64_LOAD32_U) {
            use(w, n, ip[1], f, wt);
            use(w, n, ip[2], false, wt);
        } else if (op >= OP_I32_STORE && op <= OP_I64_STORE32) {
            use(w, n, ip[1], false, wt);
            use(w, n, ip[2], op == OP_F32_STORE || op == OP_F64_STORE, wt);
        } else if (op == OP_SELECT) {
            use(w, n, ip[1], false, wt);
            use(w, n, ip[2], false, wt);
            use(w, n, ip[3], false, wt);
            use(w, n, ip[4], false, wt);
        } else if (op == OP_CONST32 || op == OP_CONST64 || op == OP_GLOBAL_GET ||
                   op == OP_GLOBAL_SET || op == OP_RETURN1) {
            use(w, n, ip[1], false, wt);
        } else if (op == OP_BR_TABLE) {
            use(w, n, ip[1], false, wt);
        } else if (op == OP_MEMX && ip[2] >= 0x28 && ip[2] <= 0x35) {   /* other memories */
            use(w, n, ip[1], ip[2] == 0x2A || ip[2] == 0x2B, wt);
            use(w, n, ip[4], false, wt);
        } else if (op == OP_MEMX && ip[2] >= 0x36 && ip[2] <= 0x3E) {
            use(w, n, ip[4], false, wt);
            use(w, n, ip[5], ip[2] == 0x38 || ip[2] == 0x39, wt);
        } else if (op == OP_MOV128 || op == OP_GLOBAL_GET128 || op == OP_GLOBAL_SET128) {
            pin128(pin, n, ip[1]);
            if (op == OP_MOV128)
                pin128(pin, n, ip[2]);
        } else if (op == OP_SELECT128) {
            pin128(pin, n, ip[1]);
            pin128(pin, n, ip[2]);
            pin128(pin, n, ip[3]);
            use(w, n, ip[4], false, wt);
        } else if (op == OP_SIMD || op == OP_SIMD_M) {
            jit_simd_slots_t ss;
            wasmi_jit_simd_slots(ip + (op == OP_SIMD_M), &ss);
            for (uint32_t k = 0; k < ss.nv; k++)
                pin128(pin, n, ss.v[k]);
            for (uint32_t k = 0; k < ss.ns; k++)
                use(w, n, ss.s[k], ss.sf[k], wt);
        }
    }
    /* Greedy: the heaviest slots of each class get the registers. */
    for (uint32_t s = 0; s < n; s++) {
        fn->lk[s] = JL_MEM;
        fn->lr[s] = 0;
    }
    for (int cls = 0; cls < 2; cls++) {
        uint32_t nregs = cls ? nxmm : ngpr;
        for (uint32_t r = 0; r < nregs; r++) {
            uint64_t best = 0;
            uint32_t bs = n;
            for (uint32_t s = 0; s < n; s++) {
                if (fn->lk[s] != JL_MEM || pin[s])
                    continue;
                bool isf = w[s].wf > w[s].wi;
                if (isf != (cls == 1))
                    continue;
                uint64_t v = w[s].wf + w[s].wi;
                if (v > best) {
                    best = v;
                    bs = s;
                }
            }
            if (bs == n || best < 2)
                break;
            fn->lk[bs] = cls ? JL_XMM : JL_GPR;
            fn->lr[bs] = (uint8_t)r;
        }
    }
out:
    wasm_plat_free(w);
    wasm_plat_free(depth);
    wasm_plat_free(pin);
    return ok;
}

/* ------------------------------------------------------------ engine interface */

bool wasmi_jit_available(const wasm_runtime_t *rt)
{
    (void)rt;
    if (!wasmi_jit_arch_available())
        return false;
    /* the platform must be able to give executable memory */
    size_t ps = wasm_plat_page_size();
    void *p = wasm_plat_code_alloc(ps);
    if (!p)
        return false;
    wasm_plat_code_free(p, ps);
    return true;
}

void wasmi_jit_compile(wasm_module_t *m)
{
    if (!wasmi_jit_arch_available() || m->nfuncs == m->nfunc_imports)
        return;
    wasmi_jit_t *j = wasm_plat_alloc(sizeof *j);
    if (!j)
        return;
    if (!wasmi_jit_arch_compile(m, j)) {
        for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++)
            m->defs[i].native = NULL;
        wasm_plat_free(j);
        return;
    }
    m->jit = j;
    /* Profiler symbols: each compiled body runs to the next one's entry
     * (bodies are laid out in definition order), the last to the region's end. */
    uint32_t n = m->nfuncs - m->nfunc_imports;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = m->defs[i].native, *e = j->code + j->size;
        if (!s)
            continue;
        for (uint32_t k = i + 1; k < n; k++)
            if (m->defs[k].native) {
                if ((const uint8_t *)m->defs[k].native > s)
                    e = m->defs[k].native;
                break;
            }
        const wasmi_name_t *nm = m->func_names ? &m->func_names[m->nfunc_imports + i] : NULL;
        wasm_plat_code_symbol(s, (size_t)(e - s), nm ? nm->name : NULL, nm && nm->name ? nm->len : 0,
                              m->nfunc_imports + i);
    }
}

void wasm_module_tiers(const wasm_module_t *m, uint32_t *compiled, uint32_t *interpreted)
{
    uint32_t n = m->nfuncs - m->nfunc_imports, k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += m->defs[i].native != NULL;
    *compiled = k;
    *interpreted = n - k;
}

bool wasm_module_code(const wasm_module_t *m, const uint8_t **code, size_t *size)
{
    const wasmi_jit_t *j = m->jit;
    if (!j || !j->code)
        return false;
    *code = j->code;
    *size = j->size;
    return true;
}

int64_t wasm_module_func_code(const wasm_module_t *m, uint32_t func_index)
{
    const wasmi_jit_t *j = m->jit;
    if (func_index >= m->nfuncs)
        return -2;
    if (!j || !j->code || func_index < m->nfunc_imports)
        return -1;
    const uint8_t *p = m->defs[func_index - m->nfunc_imports].native;
    return p ? (int64_t)(p - (const uint8_t *)j->code) : -1;
}

void wasmi_jit_free(wasm_module_t *m)
{
    wasmi_jit_t *j = m->jit;
    if (!j)
        return;
    wasm_plat_code_free(j->code, j->size);
    wasm_plat_free(j);
    m->jit = NULL;
}

#define JIT_NATIVE_MARGIN (96u * 1024u)

wasm_trap_kind_t wasmi_jit_enter(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp)
{
    /* Asked at every entry: an exec context may run on another stack than
     * last time (in the kernel, a domain's boot exec runs start functions
     * on the boot stack and later calls on a thread's). */
    uintptr_t lo, hi;
    wasm_plat_stack_bounds(&lo, &hi);
    ex->native_lo = lo + JIT_NATIVE_MARGIN;
    wasmi_ctl_t *base = ex->ctl_top;
    const wasmi_jit_t *j = f->inst->m->jit;
    uint32_t r = j->enter(ex, f, fp, f->native);
    if (r == 0) {
        ex->ctl_top = base;   /* (x86_64 code writes it only for C, and leaves it) */
        return WASM_OK;
    }
    wasm_trap_kind_t k = (wasm_trap_kind_t)(r & 0xFFu);
    wasm_trap_t *t = &ex->last_trap;
    t->kind = k;
    if (!(r & WASM_JIT_NESTED))
        t->nframes = 0;
    /* Compiled frames push a record naming themselves: innermost is on top. */
    for (wasmi_ctl_t *c = ex->ctl_top; c > base && t->nframes < WASM_TRAP_MAX_FRAMES;) {
        c--;
        wasm_func_t *fn = c->func;
        wasm_frame_info_t *fi = &t->frames[t->nframes++];
        fi->instance = fn->inst;
        fi->func_index = fn->index;
        fi->name = wasmi_func_name(fn, &fi->name_len);
        fi->code_offset = fn->def ? fn->def->body_off : 0;
    }
    ex->ctl_top = base;
    return k;
}

/* ------------------------------------------------------------ helpers */

uint32_t wasmi_jit_safepoint(wasm_exec_t *ex)
{
    if (ex->fuel <= 0) {
        ex->fuel = 0;   /* signed: a nested call that spent it all cannot wrap it */
        return WASM_TRAP_OUT_OF_FUEL;
    }
    if (ex->interrupt && ex->hook)
        return ex->hook(ex, ex->hook_user);
    return ex->interrupt ? WASM_TRAP_INTERRUPTED : WASM_OK;
}

uint32_t wasmi_jit_call_slow(wasm_exec_t *ex, wasm_func_t *f, uint64_t *nfp,
                            wasm_instance_t *caller, uint64_t *sp)
{
    wasm_trap_kind_t k;
    if (f->kind == WASM_FUNC_HOST) {
        uint64_t *osp = ex->sp;
        ex->sp = sp;
        ex->last_trap.nframes = 0;
        k = wasmi_call_host(ex, caller, f, nfp);
        ex->sp = osp;
    } else {
        k = wasmi_interp(ex, f, nfp);
    }
    return k == WASM_OK ? 0 : (uint32_t)k | WASM_JIT_NESTED;
}

/* A tail call from compiled code to an interpreted or host function. A host
 * callee runs as a call from the running function (its control record stays,
 * as in the interpreter), then its results become the function's. An
 * interpreted callee replaces the running function: its control record goes,
 * the arguments move down to fp[0..), and the interpreter runs the callee in
 * that frame (and any tail calls it makes, in place). */
uint32_t wasmi_jit_tail_slow(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp, uint64_t *sp,
                            wasm_instance_t *caller, uint32_t base)
{
    if (f->kind == WASM_FUNC_HOST) {
        uint32_t k = wasmi_jit_call_slow(ex, f, fp + base, caller, sp);
        if (k == 0)
            __builtin_memmove(fp, fp + base, (size_t)f->type->rcells * 8);
        return k;
    }
    ex->ctl_top--;
    __builtin_memmove(fp, fp + base, (size_t)f->type->pcells * 8);
    wasm_trap_kind_t k = wasmi_interp(ex, f, fp);
    if (k != WASM_OK)
        return (uint32_t)k | WASM_JIT_NESTED;   /* the record stays gone: no frame of ours */
    ex->ctl_top++;   /* for the epilogue to pop */
    return 0;
}

#define U32(i) ((uint32_t)fp[ip[i]])
#define U64(i) (fp[ip[i]])
#define F32(i) wasmi_f32((uint32_t)fp[ip[i]])
#define F64(i) wasmi_f64(fp[ip[i]])
#define PUT32(i, v) (fp[ip[i]] = (uint64_t)(uint32_t)(v))
#define PUT64(i, v) (fp[ip[i]] = (uint64_t)(v))
#define PUTF32(i, v) (fp[ip[i]] = (uint64_t)wasmi_f32_bits(v))
#define PUTF64(i, v) (fp[ip[i]] = wasmi_f64_bits(v))

static uint32_t trunc_f(double a, bool fits, uint64_t *out, uint64_t v)
{
    if (a != a)
        return WASM_TRAP_INVALID_CONVERSION;
    if (!fits)
        return WASM_TRAP_INT_OVERFLOW;
    *out = v;
    return WASM_OK;
}

/* The ops compiled code leaves to C: rare, or with semantics (NaN, rounding,
 * saturation, bulk memory, tables) not worth open-coding. Same semantics as
 * interp.c, reading and writing the frame in memory. */
uint32_t wasmi_jit_slowop(wasm_exec_t *ex, wasm_instance_t *inst, uint64_t *fp,
                         const uint32_t *ip, uint32_t op)
{
    (void)ex;
    uint64_t r = 0;
    uint32_t k;
    switch (op) {
    case OP_I32_CLZ: PUT32(1, U32(2) ? __builtin_clz(U32(2)) : 32); return 0;
    case OP_I64_CLZ: PUT64(1, U64(2) ? __builtin_clzll(U64(2)) : 64); return 0;
    case OP_I32_CTZ: PUT32(1, U32(2) ? __builtin_ctz(U32(2)) : 32); return 0;
    case OP_I64_CTZ: PUT64(1, U64(2) ? __builtin_ctzll(U64(2)) : 64); return 0;
    case OP_I32_POPCNT: PUT32(1, __builtin_popcount(U32(2))); return 0;
    case OP_I64_POPCNT: PUT64(1, __builtin_popcountll(U64(2))); return 0;
    case OP_F32_CEIL: PUTF32(1, wasmi_f32_ceil(F32(2))); return 0;
    case OP_F32_FLOOR: PUTF32(1, wasmi_f32_floor(F32(2))); return 0;
    case OP_F32_TRUNC: PUTF32(1, wasmi_f32_trunc(F32(2))); return 0;
    case OP_F32_NEAREST: PUTF32(1, wasmi_f32_nearest(F32(2))); return 0;
    case OP_F64_CEIL: PUTF64(1, wasmi_f64_ceil(F64(2))); return 0;
    case OP_F64_FLOOR: PUTF64(1, wasmi_f64_floor(F64(2))); return 0;
    case OP_F64_TRUNC: PUTF64(1, wasmi_f64_trunc(F64(2))); return 0;
    case OP_F64_NEAREST: PUTF64(1, wasmi_f64_nearest(F64(2))); return 0;
    case OP_F32_MIN: PUTF32(1, wasmi_f32_min(F32(2), F32(3))); return 0;
    case OP_F32_MAX: PUTF32(1, wasmi_f32_max(F32(2), F32(3))); return 0;
    case OP_F64_MIN: PUTF64(1, wasmi_f64_min(F64(2), F64(3))); return 0;
    case OP_F64_MAX: PUTF64(1, wasmi_f64_max(F64(2), F64(3))); return 0;
    case OP_I32_TRUNC_F32_S: { float a = F32(2); k = trunc_f(a, wasmi_fits_i32_s(a), &r, (uint32_t)(int32_t)(a == a && wasmi_fits_i32_s(a) ? a : 0)); break; }
    case OP_I32_TRUNC_F32_U: { float a = F32(2); k = trunc_f(a, wasmi_fits_i32_u(a), &r, (uint32_t)(a == a && wasmi_fits_i32_u(a) ? a : 0)); break; }
    case OP_I32_TRUNC_F64_S: { double a = F64(2); k = trunc_f(a, wasmi_fits_i32_s(a), &r, (uint32_t)(int32_t)(a == a && wasmi_fits_i32_s(a) ? a : 0)); break; }
    case OP_I32_TRUNC_F64_U: { double a = F64(2); k = trunc_f(a, wasmi_fits_i32_u(a), &r, (uint32_t)(a == a && wasmi_fits_i32_u(a) ? a : 0)); break; }
    case OP_I64_TRUNC_F32_S: { float a = F32(2); k = trunc_f(a, wasmi_fits_i64_s(a), &r, (uint64_t)(int64_t)(a == a && wasmi_fits_i64_s(a) ? a : 0)); break; }
    case OP_I64_TRUNC_F32_U: { float a = F32(2); k = trunc_f(a, wasmi_fits_i64_u(a), &r, (uint64_t)(a == a && wasmi_fits_i64_u(a) ? a : 0)); break; }
    case OP_I64_TRUNC_F64_S: { double a = F64(2); k = trunc_f(a, wasmi_fits_i64_s(a), &r, (uint64_t)(int64_t)(a == a && wasmi_fits_i64_s(a) ? a : 0)); break; }
    case OP_I64_TRUNC_F64_U: { double a = F64(2); k = trunc_f(a, wasmi_fits_i64_u(a), &r, (uint64_t)(a == a && wasmi_fits_i64_u(a) ? a : 0)); break; }
    case OP_F32_CONVERT_I32_U: PUTF32(1, (float)U32(2)); return 0;
    case OP_F32_CONVERT_I64_U: PUTF32(1, (float)U64(2)); return 0;
    case OP_F64_CONVERT_I64_U: PUTF64(1, (double)U64(2)); return 0;
    case OP_I32_TRUNC_SAT_F32_S: PUT32(1, wasmi_sat_i32_s(F32(2))); return 0;
    case OP_I32_TRUNC_SAT_F32_U: PUT32(1, wasmi_sat_i32_u(F32(2))); return 0;
    case OP_I32_TRUNC_SAT_F64_S: PUT32(1, wasmi_sat_i32_s(F64(2))); return 0;
    case OP_I32_TRUNC_SAT_F64_U: PUT32(1, wasmi_sat_i32_u(F64(2))); return 0;
    case OP_I64_TRUNC_SAT_F32_S: PUT64(1, wasmi_sat_i64_s(F32(2))); return 0;
    case OP_I64_TRUNC_SAT_F32_U: PUT64(1, wasmi_sat_i64_u(F32(2))); return 0;
    case OP_I64_TRUNC_SAT_F64_S: PUT64(1, wasmi_sat_i64_s(F64(2))); return 0;
    case OP_I64_TRUNC_SAT_F64_U: PUT64(1, wasmi_sat_i64_u(F64(2))); return 0;
    case OP_MEMORY_SIZE: PUT32(1, inst->mem->pages); return 0;
    case OP_MEMORY_GROW:
        PUT32(1, (uint32_t)wasmi_memory_grow_to(inst->mem, U32(2), inst->max_mem_pages));
        return 0;
    case OP_MEMORY_INIT: {
        uint32_t seg = ip[1], d = U32(2), s = U32(3), n = U32(4);
        const wasmi_data_t *ds = &inst->m->datas[seg];
        uint64_t len = inst->data_dropped[seg] ? 0 : ds->len;
        if ((uint64_t)s + n > len || (uint64_t)d + n > inst->mem->size)
            return WASM_TRAP_OOB_MEMORY;
        if (n)
            __builtin_memcpy(inst->mem->base + d, ds->bytes + s, n);
        return 0;
    }
    case OP_DATA_DROP: inst->data_dropped[ip[1]] = 1; return 0;
    case OP_MEMORY_COPY: {
        uint32_t d = U32(1), s = U32(2), n = U32(3);
        uint64_t size = inst->mem->size;
        if ((uint64_t)s + n > size || (uint64_t)d + n > size)
            return WASM_TRAP_OOB_MEMORY;
        __builtin_memmove(inst->mem->base + d, inst->mem->base + s, n);
        return 0;
    }
    case OP_MEMORY_FILL: {
        uint32_t d = U32(1), n = U32(3);
        if ((uint64_t)d + n > inst->mem->size)
            return WASM_TRAP_OOB_MEMORY;
        __builtin_memset(inst->mem->base + d, (int)(uint8_t)U32(2), n);
        return 0;
    }
    case OP_TABLE_GET: {
        wasm_table_t *t = inst->tables[ip[2]];
        uint32_t i = U32(3);
        if (i >= t->size)
            return WASM_TRAP_OOB_TABLE;
        fp[ip[1]] = t->elems[i];
        return 0;
    }
    case OP_TABLE_SET: {
        wasm_table_t *t = inst->tables[ip[1]];
        uint32_t i = U32(2);
        if (i >= t->size)
            return WASM_TRAP_OOB_TABLE;
        t->elems[i] = fp[ip[3]];
        return 0;
    }
    case OP_TABLE_SIZE: PUT32(1, inst->tables[ip[2]]->size); return 0;
    case OP_TABLE_GROW:
        /* the instance's budget covers all its own tables together, as in
         * the interpreter (one table's size against it let a module with
         * several tables grow past it) */
        PUT32(1, (uint32_t)wasmi_instance_table_grow(inst, ip[2], U32(4), fp[ip[3]]));
        return 0;
    case OP_TABLE_FILL: {
        wasm_table_t *t = inst->tables[ip[1]];
        uint32_t i = U32(2), n = U32(4);
        if ((uint64_t)i + n > t->size)
            return WASM_TRAP_OOB_TABLE;
        for (uint32_t q = 0; q < n; q++)
            t->elems[i + q] = fp[ip[3]];
        return 0;
    }
    case OP_TABLE_COPY: {
        wasm_table_t *a = inst->tables[ip[1]], *b = inst->tables[ip[2]];
        uint32_t d = U32(3), s = U32(4), n = U32(5);
        if ((uint64_t)s + n > b->size || (uint64_t)d + n > a->size)
            return WASM_TRAP_OOB_TABLE;
        if (n)
            __builtin_memmove(a->elems + d, b->elems + s, (size_t)n * 8);
        return 0;
    }
    case OP_TABLE_INIT: {
        wasm_table_t *t = inst->tables[ip[1]];
        uint32_t seg = ip[2], d = U32(3), s = U32(4), n = U32(5);
        uint64_t len = inst->elem_len[seg];
        if ((uint64_t)s + n > len || (uint64_t)d + n > t->size)
            return WASM_TRAP_OOB_TABLE;
        if (n)
            __builtin_memcpy(t->elems + d, inst->elem_items[seg] + s, (size_t)n * 8);
        return 0;
    }
    case OP_ELEM_DROP: inst->elem_len[ip[1]] = 0; return 0;
    case OP_REF_FUNC: fp[ip[1]] = (uint64_t)(uintptr_t)inst->funcs[ip[2]]; return 0;
    case OP_REF_IS_NULL: PUT32(1, U64(2) == 0); return 0;
    /* v128 values (back ends without SIMD of their own: each op here) */
    case OP_MOV128: {
        uint64_t lo = fp[ip[2]], hi = fp[ip[2] + 1];
        fp[ip[1]] = lo, fp[ip[1] + 1] = hi;
        return 0;
    }
    case OP_SELECT128: {
        uint32_t s = U32(4) ? ip[2] : ip[3];
        uint64_t lo = fp[s], hi = fp[s + 1];
        fp[ip[1]] = lo, fp[ip[1] + 1] = hi;
        return 0;
    }
    case OP_GLOBAL_GET128: {
        wasm_global_t *g = inst->globals[ip[2]];
        fp[ip[1]] = g->value, fp[ip[1] + 1] = g->hi;
        return 0;
    }
    case OP_GLOBAL_SET128: {
        wasm_global_t *g = inst->globals[ip[2]];
        g->value = fp[ip[1]], g->hi = fp[ip[1] + 1];
        return 0;
    }
    case OP_MEMX: return wasmi_memx_exec(ip, fp, inst);   /* size, grow, init, copy, fill */
    case OP_SIMD: return wasmi_jit_simd(inst, fp, ip, 0);
    case OP_SIMD_M: return wasmi_jit_simd(inst, fp, ip + 1, ip[1]);
    default:
        return WASM_TRAP_UNREACHABLE;   /* the back end never routes other ops here */
    }
    if (k == WASM_OK) {
        bool is64 = op >= OP_I64_TRUNC_F32_S;
        fp[ip[1]] = is64 ? r : (uint32_t)r;
    }
    return k;
}

uint32_t wasmi_jit_simd(wasm_instance_t *inst, uint64_t *fp, const uint32_t *ip, uint32_t mem)
{
    wasm_memory_t *m = mem ? inst->mems[mem] : inst->mem;
    const uint32_t *next = wasmi_simd_exec(ip, fp, m ? m->base : NULL, m ? m->size : 0);
    return next ? 0 : WASM_TRAP_OOB_MEMORY;
}
