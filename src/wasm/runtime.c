/*
 * Runtime-wide services: configuration, canonical function types, host
 * objects, execution contexts, calls into Wasm and traps.
 *
 * Canonical types: every function type any module declares is interned in
 * rt->canon, so two types are equal exactly when their ids are. This makes
 * call_indirect's signature check, across modules, a single comparison.
 */
#include "internal.h"
#include "jit.h"

#define NATIVE_STACK_MARGIN (64u * 1024u)

static const wasm_config_t default_config = {
    .max_call_depth = 20000,
    .value_stack_cells = 1u << 20,
    .max_memory_pages = WASM_MAX_PAGES,
    .max_table_elems = 10000000,
};

wasm_runtime_t *wasm_runtime_new(const wasm_config_t *config)
{
    wasm_runtime_t *rt = wasm_plat_alloc(sizeof *rt);
    if (!rt)
        return NULL;
    rt->cfg = default_config;
    if (config) {
        if (config->max_call_depth)
            rt->cfg.max_call_depth = config->max_call_depth;
        if (config->value_stack_cells)
            rt->cfg.value_stack_cells = config->value_stack_cells;
        if (config->max_memory_pages && config->max_memory_pages <= WASM_MAX_PAGES)
            rt->cfg.max_memory_pages = config->max_memory_pages;
        if (config->max_table_elems)
            rt->cfg.max_table_elems = config->max_table_elems;
        rt->cfg.engine = config->engine;
        rt->cfg.bounds = config->bounds;
    }
    rt->dispatch = wasmi_interp_dispatch_table();
    wasm_runtime_set_engine(rt, rt->cfg.engine);
    rt->jit_hi = UINT32_MAX;
    return rt;
}

void wasm_runtime_set_jit_filter(wasm_runtime_t *rt, uint32_t lo, uint32_t hi)
{
    rt->jit_lo = lo;
    rt->jit_hi = hi;
}

wasm_engine_t wasm_runtime_set_engine(wasm_runtime_t *rt, wasm_engine_t engine)
{
    bool can = wasmi_jit_available(rt);
    rt->engine = engine == WASM_ENGINE_INTERP || !can ? WASM_ENGINE_INTERP : WASM_ENGINE_COMPILED;
    /* Guard regions: decided once, before any memory exists, for every
     * memory of the runtime (modules compiled later may import them). */
    if (!rt->guard_decided) {
        rt->guard_decided = true;
        rt->guard = false;
        if (can && rt->cfg.bounds != WASM_BOUNDS_EXPLICIT && sizeof(size_t) >= 8) {
            void *p = wasm_plat_vm_reserve((size_t)WASM_GUARD_RESERVE);
            if (p) {
                wasm_plat_vm_release(p, (size_t)WASM_GUARD_RESERVE);
                rt->guard = true;
            }
        }
    }
    return (wasm_engine_t)rt->engine;
}

void wasm_runtime_free(wasm_runtime_t *rt)
{
    if (!rt)
        return;
    wasmi_hostobj_t *h = rt->hostobjs;
    while (h) {
        wasmi_hostobj_t *next = h->next;
        h->release(h->obj);
        wasm_plat_free(h);
        h = next;
    }
    for (uint32_t i = 0; i < rt->ncanon; i++)
        wasm_plat_free(rt->canon[i].types);
    wasm_plat_free(rt->canon);
    wasm_plat_free(rt);
}

static uint32_t type_hash(const uint8_t *types, uint32_t np, uint32_t nr)
{
    uint32_t h = 2166136261u ^ np ^ (nr << 16);
    for (uint32_t i = 0; i < np + nr; i++)
        h = (h ^ types[i]) * 16777619u;
    return h;
}

uint32_t wasmi_rt_intern_type(wasm_runtime_t *rt, const uint8_t *types, uint32_t np, uint32_t nr)
{
    uint32_t h = type_hash(types, np, nr);
    for (uint32_t i = 0; i < rt->ncanon; i++) {
        wasmi_canon_type_t *c = &rt->canon[i];
        if (c->hash == h && c->nparams == np && c->nresults == nr &&
            (np + nr == 0 || __builtin_memcmp(c->types, types, np + nr) == 0))
            return i;
    }
    if (rt->ncanon == rt->canon_cap) {
        uint32_t ncap = rt->canon_cap ? rt->canon_cap * 2 : 32;
        void *p = wasm_plat_realloc(rt->canon, rt->canon_cap * sizeof(wasmi_canon_type_t),
                                    ncap * sizeof(wasmi_canon_type_t));
        if (!p)
            return UINT32_MAX;
        rt->canon = p;
        rt->canon_cap = ncap;
    }
    uint8_t *copy = wasm_plat_alloc(np + nr + 1);
    if (!copy)
        return UINT32_MAX;
    if (np + nr)
        __builtin_memcpy(copy, types, np + nr);
    wasmi_canon_type_t *c = &rt->canon[rt->ncanon];
    c->types = copy;
    c->nparams = np;
    c->nresults = nr;
    c->hash = h;
    return rt->ncanon++;
}

bool wasmi_rt_add_hostobj(wasm_runtime_t *rt, void *obj, void (*release)(void *))
{
    wasmi_hostobj_t *h = wasm_plat_alloc(sizeof *h);
    if (!h)
        return false;
    h->obj = obj;
    h->release = release;
    h->next = rt->hostobjs;
    rt->hostobjs = h;
    return true;
}

/* ------------------------------------------------------------ host objects */

static void release_func(void *p)
{
    wasm_func_t *f = p;
    wasm_plat_free(f->own_type.types);
    wasm_plat_free(f);
}

wasm_func_t *wasm_func_new_host(wasm_runtime_t *rt, const wasm_valtype_t *params,
                                uint32_t nparams, const wasm_valtype_t *results,
                                uint32_t nresults, wasm_host_fn_t fn, void *user,
                                const char *debug_name)
{
    wasm_func_t *f = wasm_plat_alloc(sizeof *f);
    uint8_t *types = wasm_plat_alloc(nparams + nresults + 1);
    if (!f || !types) {
        wasm_plat_free(f);
        wasm_plat_free(types);
        return NULL;
    }
    for (uint32_t i = 0; i < nparams; i++)
        types[i] = (uint8_t)params[i];
    for (uint32_t i = 0; i < nresults; i++)
        types[nparams + i] = (uint8_t)results[i];
    f->kind = WASM_FUNC_HOST;
    f->own_type.types = types;
    f->own_type.nparams = nparams;
    f->own_type.nresults = nresults;
    f->own_type.pcells = wasmi_types_cells(types, nparams);
    f->own_type.rcells = wasmi_types_cells(types + nparams, nresults);
    f->own_type.canon = wasmi_rt_intern_type(rt, types, nparams, nresults);
    f->canon = f->own_type.canon;
    f->type = &f->own_type;
    f->fn = fn;
    f->user = user;
    f->name = debug_name;
    if (f->canon == UINT32_MAX || !wasmi_rt_add_hostobj(rt, f, release_func)) {
        release_func(f);
        return NULL;
    }
    return f;
}

static void release_memory(void *p)
{
    wasmi_memory_release_obj(p);
    wasm_plat_free(p);
}

wasm_memory_t *wasm_memory_new(wasm_runtime_t *rt, uint32_t min_pages, uint32_t max_pages,
                               bool has_max)
{
    wasm_memory_t *m = wasm_plat_alloc(sizeof *m);
    if (!m)
        return NULL;
    if (!wasmi_memory_init_obj(m, min_pages, max_pages, has_max, rt->cfg.max_memory_pages,
                              rt->guard) ||
        !wasmi_rt_add_hostobj(rt, m, release_memory)) {
        release_memory(m);
        return NULL;
    }
    return m;
}

static void release_table(void *p)
{
    wasm_table_t *t = p;
    wasm_plat_free(t->elems);
    wasm_plat_free(t);
}

wasm_table_t *wasm_table_new(wasm_runtime_t *rt, wasm_valtype_t elem, uint32_t min,
                             uint32_t max, bool has_max)
{
    if (min > rt->cfg.max_table_elems)
        return NULL;
    wasm_table_t *t = wasm_plat_alloc(sizeof *t);
    if (!t)
        return NULL;
    if (!wasmi_table_init_obj(t, (uint8_t)elem, min, max, has_max) ||
        !wasmi_rt_add_hostobj(rt, t, release_table)) {
        release_table(t);
        return NULL;
    }
    return t;
}

wasm_global_t *wasm_global_new(wasm_runtime_t *rt, wasm_valtype_t type, bool mutable_,
                               uint64_t value)
{
    wasm_global_t *g = wasm_plat_alloc(sizeof *g);
    if (!g)
        return NULL;
    g->type = (uint8_t)type;
    g->mut = mutable_;
    g->value = wasmi_cell_canon(g->type, value);
    g->hi = 0;
    if (!wasmi_rt_add_hostobj(rt, g, wasm_plat_free)) {
        wasm_plat_free(g);
        return NULL;
    }
    return g;
}

void wasm_func_type(const wasm_func_t *f, const uint8_t **params, uint32_t *nparams,
                    const uint8_t **results, uint32_t *nresults)
{
    *nparams = f->type->nparams;
    *nresults = f->type->nresults;
    *params = f->type->types;
    *results = f->type->types + f->type->nparams;
}

const char *wasmi_func_name(const wasm_func_t *f, uint32_t *len)
{
    *len = 0;
    if (f->kind == WASM_FUNC_HOST) {
        if (!f->name)
            return NULL;
        while (f->name[*len])
            (*len)++;
        return f->name;
    }
    const wasm_module_t *m = f->inst->m;
    if (m->func_names && f->index < m->nfuncs && m->func_names[f->index].name) {
        *len = m->func_names[f->index].len;
        return m->func_names[f->index].name;
    }
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == WASM_EXTERN_FUNC && m->exports[i].index == f->index) {
            *len = m->exports[i].name_len;
            return m->exports[i].name;
        }
    return NULL;
}

/* ------------------------------------------------------------ traps */

const char *wasm_trap_kind_name(wasm_trap_kind_t kind)
{
    static const char *const names[WASM_TRAP_KIND_COUNT] = {
        [WASM_OK] = "ok",
        [WASM_TRAP_UNREACHABLE] = "unreachable",
        [WASM_TRAP_OOB_MEMORY] = "out of bounds memory access",
        [WASM_TRAP_OOB_TABLE] = "out of bounds table access",
        [WASM_TRAP_INT_OVERFLOW] = "integer overflow",
        [WASM_TRAP_DIV_ZERO] = "integer divide by zero",
        [WASM_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
        [WASM_TRAP_INDIRECT_MISMATCH] = "indirect call type mismatch",
        [WASM_TRAP_UNINITIALIZED_ELEM] = "uninitialized element",
        [WASM_TRAP_NULL_REF] = "null reference",
        [WASM_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
        [WASM_TRAP_INTERRUPTED] = "interrupted",
        [WASM_TRAP_OUT_OF_FUEL] = "out of fuel",
        [WASM_TRAP_HOST] = "host error",
        [WASM_TRAP_EXIT] = "exit",
    };
    return (unsigned)kind < WASM_TRAP_KIND_COUNT ? names[kind] : "unknown trap";
}

size_t wasm_trap_format(const wasm_trap_t *trap, char *buf, size_t cap)
{
    size_t n = wasmi_fmt(buf, cap, "%s", wasm_trap_kind_name(trap->kind));
    if (trap->message[0])
        n += wasmi_fmt(buf + (n < cap ? n : cap), n < cap ? cap - n : 0, ": %s", trap->message);
    for (uint32_t i = 0; i < trap->nframes; i++) {
        const wasm_frame_info_t *f = &trap->frames[i];
        size_t at = n < cap ? n : cap;
        if (f->name)
            n += wasmi_fmt(buf + at, cap - at, "\n  at #%u %.*s (func %u)", i, (int)f->name_len,
                          f->name, f->func_index);
        else
            n += wasmi_fmt(buf + at, cap - at, "\n  at #%u func %u", i, f->func_index);
    }
    return n;
}

/* ------------------------------------------------------------ execution */

wasm_exec_t *wasm_exec_new(wasm_runtime_t *rt)
{
    wasm_exec_t *ex = wasm_plat_alloc(sizeof *ex);
    if (!ex)
        return NULL;
    ex->rt = rt;
    ex->stack_bytes = (size_t)rt->cfg.value_stack_cells * sizeof(uint64_t);
    ex->ctl_bytes = ((size_t)rt->cfg.max_call_depth + 2) * sizeof(wasmi_ctl_t);
    ex->stack = wasm_plat_stack_alloc(ex->stack_bytes);
    ex->ctl = wasm_plat_stack_alloc(ex->ctl_bytes);
    if (!ex->stack || !ex->ctl) {
        wasm_exec_free(ex);
        return NULL;
    }
    ex->stack_end = ex->stack + rt->cfg.value_stack_cells;
    ex->sp = ex->stack;
    ex->ctl_end = ex->ctl + rt->cfg.max_call_depth;
    ex->ctl_top = ex->ctl;
    ex->fuel = INT64_MAX;
    return ex;
}

void wasm_exec_free(wasm_exec_t *ex)
{
    if (!ex)
        return;
    if (ex->stack)
        wasm_plat_stack_free(ex->stack, ex->stack_bytes);
    if (ex->ctl)
        wasm_plat_stack_free(ex->ctl, ex->ctl_bytes);
    wasm_plat_free(ex);
}

void wasm_exec_interrupt(wasm_exec_t *ex)
{
    ex->interrupt = 1;
}

void wasm_exec_clear_interrupt(wasm_exec_t *ex)
{
    ex->interrupt = 0;
}

void wasm_exec_set_safepoint_hook(wasm_exec_t *ex, wasm_safepoint_fn_t fn, void *user)
{
    ex->hook = fn;
    ex->hook_user = user;
}

void wasm_exec_set_fuel(wasm_exec_t *ex, uint64_t fuel)
{
    ex->fuel = fuel >= (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)fuel;
}

uint64_t wasm_exec_fuel(const wasm_exec_t *ex)
{
    if (ex->fuel <= 0)
        return 0;
    return ex->fuel == INT64_MAX ? UINT64_MAX : (uint64_t)ex->fuel;
}

static void set_trap(wasm_exec_t *ex, wasm_trap_kind_t k, wasm_trap_t *out)
{
    if (!out)
        return;
    *out = ex->last_trap;
    out->kind = k;
    out->exit_code = ex->exit_code;
    out->message[0] = 0;
    if (k == WASM_TRAP_HOST)
        wasmi_fmt(out->message, sizeof out->message, "%s", ex->host_msg);
}

wasm_trap_kind_t wasmi_call_host(wasm_exec_t *ex, wasm_instance_t *caller, wasm_func_t *f,
                                uint64_t *cells)
{
    wasm_call_ctx_t ctx = {ex, caller, NULL, 0};
    wasm_trap_kind_t k = f->fn(&ctx, cells, f->user);
    const wasmi_functype_t *t = f->type;
    if (k == WASM_OK)
        wasmi_cells_canon(t->types + t->nparams, t->nresults, cells);
    return k;
}

bool wasm_exec_room(const wasm_exec_t *ex, uint32_t frames, uint32_t cells, uint32_t native)
{
    uintptr_t lo, hi, here = (uintptr_t)__builtin_frame_address(0);
    wasm_plat_stack_bounds(&lo, &hi);
    return here >= lo + NATIVE_STACK_MARGIN + native &&
           (uint64_t)(ex->ctl_end - ex->ctl_top) > frames &&
           (uint64_t)(ex->stack_end - ex->sp) > cells;
}

wasm_trap_kind_t wasm_call(wasm_exec_t *ex, wasm_func_t *f, const uint64_t *args,
                           uint64_t *results, wasm_trap_t *trap)
{
    uintptr_t lo, hi, here = (uintptr_t)__builtin_frame_address(0);
    wasm_plat_stack_bounds(&lo, &hi);
    ex->last_trap.nframes = 0;
    ex->last_trap.message[0] = 0;
    if (here < lo + NATIVE_STACK_MARGIN) {
        set_trap(ex, WASM_TRAP_STACK_EXHAUSTED, trap);
        return WASM_TRAP_STACK_EXHAUSTED;
    }
    uint32_t np = f->type->pcells, nr = f->type->rcells;
    uint64_t *sp = ex->sp;
    wasmi_ctl_t *ctl = ex->ctl_top;
    uint32_t need = np > nr ? np : nr;
    if (sp + need + 1 > ex->stack_end) {
        set_trap(ex, WASM_TRAP_STACK_EXHAUSTED, trap);
        return WASM_TRAP_STACK_EXHAUSTED;
    }
    for (uint32_t i = 0; i < np; i++)
        sp[i] = args[i];
    wasmi_cells_canon(f->type->types, f->type->nparams, sp);
    wasm_trap_kind_t k;
    if (f->kind == WASM_FUNC_HOST) {
        ex->sp = sp + need;
        k = wasmi_call_host(ex, NULL, f, sp);
        if (k != WASM_OK)
            ex->last_trap.nframes = 0;
    } else {
        k = wasmi_interp(ex, f, sp);
    }
    ex->sp = sp;
    ex->ctl_top = ctl;
    if (k == WASM_OK) {
        for (uint32_t i = 0; i < nr; i++)
            results[i] = sp[i];
    } else {
        set_trap(ex, k, trap);
    }
    return k;
}

/* ------------------------------------------------------------ call contexts */

wasm_memory_t *wasm_call_ctx_memory(wasm_call_ctx_t *ctx)
{
    return ctx->inst ? ctx->inst->mem : NULL;
}

wasm_instance_t *wasm_call_ctx_instance(wasm_call_ctx_t *ctx)
{
    return ctx->inst;
}

wasm_exec_t *wasm_call_ctx_exec(wasm_call_ctx_t *ctx)
{
    return ctx->ex;
}

wasm_trap_kind_t wasm_call_ctx_fail(wasm_call_ctx_t *ctx, const char *message)
{
    wasmi_fmt(ctx->ex->host_msg, sizeof ctx->ex->host_msg, "%s", message ? message : "");
    return WASM_TRAP_HOST;
}

wasm_trap_kind_t wasm_call_ctx_exit(wasm_call_ctx_t *ctx, int32_t code)
{
    ctx->ex->exit_code = code;
    return WASM_TRAP_EXIT;
}
