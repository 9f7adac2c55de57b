/*
 * Modules, linking and instantiation; memory and table objects.
 *
 * A module is immutable once loaded and may be instantiated many times. An
 * instance points at its module's code; imported objects are shared by
 * pointer, so a call to an imported Wasm function is a direct call into the
 * exporting instance (no wrapper, no copy).
 *
 * Linear memory: the whole possible range (declared maximum, or the runtime
 * limit) is reserved once; growing commits pages. A memory never moves, so
 * compiled code may cache its base and other domains' pages can later be
 * mapped into it.
 */
#include "internal.h"
#include "jit.h"

/* ------------------------------------------------------------ memories */

bool wasmi_memory_init_obj(wasm_memory_t *mem, uint32_t min, uint32_t max, bool has_max,
                          uint32_t limit, bool guard)
{
    uint32_t top = has_max && max < limit ? max : limit;
    if (min > top)
        return false;
    mem->reserved = (uint64_t)top * WASM_PAGE_SIZE;
    if (mem->reserved == 0)
        mem->reserved = WASM_PAGE_SIZE;
    if (guard && sizeof(size_t) >= 8) {
        mem->reserved = WASM_GUARD_RESERVE;
        mem->guarded = true;
    }
    mem->base = wasm_plat_vm_reserve((size_t)mem->reserved);
    if (!mem->base)
        return false;
    if (!wasm_plat_vm_commit(mem->base, (size_t)min * WASM_PAGE_SIZE)) {
        wasm_plat_vm_release(mem->base, (size_t)mem->reserved);
        mem->base = NULL;
        return false;
    }
    mem->pages = min;
    mem->size = (uint64_t)min * WASM_PAGE_SIZE;
    mem->max_pages = top;
    mem->has_max = has_max;
    return true;
}

void wasmi_memory_release_obj(wasm_memory_t *mem)
{
    if (mem && mem->base)
        wasm_plat_vm_release(mem->base, (size_t)mem->reserved);
}

int64_t wasmi_memory_grow_to(wasm_memory_t *mem, uint32_t delta, uint32_t limit)
{
    uint32_t old = mem->pages;
    uint64_t want = (uint64_t)old + delta;
    if (want > mem->max_pages || want > limit)
        return -1;
    /* Under a snapshot with frames, grown pages are the zero frame's until
     * written (snapshot.c). */
    bool lazy = mem->snap && mem->snap->frames;
    size_t grow = (size_t)delta * WASM_PAGE_SIZE;
    if (delta && !(lazy ? wasm_plat_vm_commit_zero(mem->base + mem->size, grow)
                        : wasm_plat_vm_commit(mem->base + mem->size, grow)))
        return -1;
    mem->pages = (uint32_t)want;
    mem->size = want * WASM_PAGE_SIZE;
    return old;
}

uint8_t *wasm_memory_data(wasm_memory_t *mem)
{
    return mem->base;
}

uint64_t wasm_memory_size(const wasm_memory_t *mem)
{
    return mem->size;
}

int64_t wasm_memory_grow(wasm_memory_t *mem, uint32_t delta_pages)
{
    return wasmi_memory_grow_to(mem, delta_pages, UINT32_MAX);
}

/* ------------------------------------------------------------ tables */

bool wasmi_table_init_obj(wasm_table_t *t, uint8_t elem, uint32_t min, uint32_t max,
                         bool has_max)
{
    t->elem = elem;
    t->size = min;
    t->max = has_max ? max : UINT32_MAX;
    t->has_max = has_max;
    t->cap = min ? min : 1;
    t->elems = wasm_plat_alloc((size_t)t->cap * sizeof(uint64_t));
    return t->elems != NULL;
}

int64_t wasmi_table_grow_to(wasm_table_t *t, uint32_t delta, uint64_t init, uint32_t limit)
{
    uint32_t old = t->size;
    uint64_t want = (uint64_t)old + delta;
    if (want > t->max || (limit && want > limit))
        return -1;
    if (want > t->cap) {
        uint64_t ncap = (uint64_t)t->cap * 2;
        if (ncap < want)
            ncap = want;
        if (ncap > t->max)
            ncap = want;
        uint64_t *p = wasm_plat_realloc(t->elems, (size_t)t->cap * 8, (size_t)ncap * 8);
        if (!p)
            return -1;
        t->elems = p;
        t->cap = (uint32_t)ncap;
    }
    for (uint64_t i = old; i < want; i++)
        t->elems[i] = init;
    t->size = (uint32_t)want;
    return old;
}

uint32_t wasm_table_size(const wasm_table_t *t)
{
    return t->size;
}

bool wasm_table_get(const wasm_table_t *t, uint32_t i, uint64_t *out)
{
    if (i >= t->size)
        return false;
    *out = t->elems[i];
    return true;
}

bool wasm_table_set(wasm_table_t *t, uint32_t i, uint64_t ref)
{
    if (i >= t->size)
        return false;
    t->elems[i] = ref;
    return true;
}

wasm_valtype_t wasm_global_type(const wasm_global_t *g)
{
    return (wasm_valtype_t)g->type;
}

uint64_t wasm_global_get(const wasm_global_t *g)
{
    return g->value;
}

void wasm_global_set(wasm_global_t *g, uint64_t v)
{
    g->value = wasmi_cell_canon(g->type, v);
}

void wasm_global_get_v128(const wasm_global_t *g, uint64_t out[2])
{
    out[0] = g->value;
    out[1] = g->hi;
}

void wasm_global_set_v128(wasm_global_t *g, const uint64_t v[2])
{
    g->value = v[0];
    g->hi = v[1];
}

/* ------------------------------------------------------------ modules */

wasm_module_t *wasm_module_load(wasm_runtime_t *rt, const uint8_t *bytes, size_t len,
                                wasm_error_t *err)
{
    wasm_error_t dummy;
    if (!err)
        err = &dummy;
    err->message[0] = 0;
    err->section = NULL;
    err->offset = 0;
    wasm_module_t *m = wasm_plat_alloc(sizeof *m);
    if (!m) {
        wasmi_set_error(err, NULL, 0, "out of memory");
        return NULL;
    }
    m->rt = rt;
    m->len = len;
    m->refs = 1;
    m->engine = rt->engine;
    m->jit_lo = rt->jit_lo;
    m->jit_hi = rt->jit_hi;
    m->bytes = wasm_plat_alloc(len ? len : 1);
    if (!m->bytes) {
        wasm_plat_free(m);
        wasmi_set_error(err, NULL, 0, "out of memory");
        return NULL;
    }
    if (len)
        __builtin_memcpy(m->bytes, bytes, len);
    bool ok = wasmi_decode(m, err);
    for (uint32_t i = 0; ok && i < m->nfuncs - m->nfunc_imports; i++)
        ok = wasmi_compile(m, i, err);
    if (ok && rt->engine == WASM_ENGINE_COMPILED)
        wasmi_jit_compile(m);
    if (!ok) {
        wasm_module_free(m);
        return NULL;
    }
    return m;
}

/* A loaded module is never written again (instances keep their state
 * apart), so instances of identical bytes can share one translation. */
wasm_module_t *wasm_module_reuse(wasm_module_t *m, wasm_runtime_t *rt, const uint8_t *bytes,
                                 size_t len)
{
    if (!m || m->rt != rt || m->len != len || m->engine != rt->engine ||
        m->jit_lo != rt->jit_lo || m->jit_hi != rt->jit_hi || m->refs == UINT32_MAX ||
        (len && __builtin_memcmp(m->bytes, bytes, len)))
        return NULL;
    m->refs++;
    return m;
}

void wasm_module_free(wasm_module_t *m)
{
    if (!m || --m->refs)
        return;
    wasmi_jit_free(m);
    wasmi_module_release(m);
    wasm_plat_free(m->bytes);
    wasm_plat_free(m);
}

uint32_t wasm_module_import_count(const wasm_module_t *m)
{
    return m->nimports;
}

void wasm_module_import(const wasm_module_t *m, uint32_t i, wasm_import_desc_t *out)
{
    const wasmi_import_t *im = &m->imports[i];
    out->module = im->module;
    out->module_len = im->module_len;
    out->name = im->name;
    out->name_len = im->name_len;
    out->kind = (wasm_extern_kind_t)im->kind;
}

bool wasm_module_has_start(const wasm_module_t *m)
{
    return m->has_start;
}

uint32_t wasm_module_export_count(const wasm_module_t *m)
{
    return m->nexports;
}

void wasm_module_export(const wasm_module_t *m, uint32_t i, wasm_export_desc_t *out)
{
    const wasmi_export_t *e = &m->exports[i];
    out->name = e->name;
    out->name_len = e->name_len;
    out->kind = (wasm_extern_kind_t)e->kind;
    out->index = e->index;
}

/* ------------------------------------------------------------ linker */

typedef struct link_entry {
    char *module, *name;
    uint32_t module_len, name_len;
    wasm_extern_t ext;
} link_entry_t;

struct wasm_linker {
    wasm_runtime_t *rt;
    link_entry_t *e;
    uint32_t n, cap;
};

wasm_linker_t *wasm_linker_new(wasm_runtime_t *rt)
{
    wasm_linker_t *l = wasm_plat_alloc(sizeof *l);
    if (l)
        l->rt = rt;
    return l;
}

void wasm_linker_free(wasm_linker_t *l)
{
    if (!l)
        return;
    for (uint32_t i = 0; i < l->n; i++) {
        wasm_plat_free(l->e[i].module);
        wasm_plat_free(l->e[i].name);
    }
    wasm_plat_free(l->e);
    wasm_plat_free(l);
}

static char *dup_bytes(const char *s, uint32_t n)
{
    char *p = wasm_plat_alloc((size_t)n + 1);
    if (p && n)
        __builtin_memcpy(p, s, n);
    return p;
}

bool wasm_linker_define(wasm_linker_t *l, const char *module, uint32_t module_len,
                        const char *name, uint32_t name_len, wasm_extern_t ext)
{
    if (l->n == l->cap) {
        uint32_t ncap = l->cap ? l->cap * 2 : 16;
        void *p = wasm_plat_realloc(l->e, l->cap * sizeof(link_entry_t),
                                    ncap * sizeof(link_entry_t));
        if (!p)
            return false;
        l->e = p;
        l->cap = ncap;
    }
    link_entry_t *e = &l->e[l->n];
    e->module = dup_bytes(module, module_len);
    e->name = dup_bytes(name, name_len);
    if (!e->module || !e->name) {
        wasm_plat_free(e->module);
        wasm_plat_free(e->name);
        return false;
    }
    e->module_len = module_len;
    e->name_len = name_len;
    e->ext = ext;
    l->n++;
    return true;
}

bool wasm_linker_define_instance(wasm_linker_t *l, const char *module, uint32_t module_len,
                                 wasm_instance_t *inst)
{
    const wasm_module_t *m = inst->m;
    for (uint32_t i = 0; i < m->nexports; i++) {
        wasm_extern_t ext;
        const wasmi_export_t *x = &m->exports[i];
        if (!wasm_instance_export(inst, x->name, x->name_len, &ext) ||
            !wasm_linker_define(l, module, module_len, x->name, x->name_len, ext))
            return false;
    }
    return true;
}

static bool same(const char *a, uint32_t an, const char *b, uint32_t bn)
{
    return an == bn && (an == 0 || __builtin_memcmp(a, b, an) == 0);
}

/* The latest definition wins, so re-registering a name replaces it. */
static const wasm_extern_t *linker_find(const wasm_linker_t *l, const wasmi_import_t *im)
{
    for (uint32_t i = l ? l->n : 0; i-- > 0;) {
        const link_entry_t *e = &l->e[i];
        if (same(e->module, e->module_len, im->module, im->module_len) &&
            same(e->name, e->name_len, im->name, im->name_len))
            return &e->ext;
    }
    return NULL;
}

/* ------------------------------------------------------------ instances */

static bool limits_match(uint32_t size, bool has_max, uint32_t max, const wasmi_limits_t *want)
{
    if (size < want->min)
        return false;
    if (want->has_max && (!has_max || max > want->max))
        return false;
    return true;
}

static bool link_import(wasm_instance_t *inst, const wasmi_import_t *im, const wasm_extern_t *x,
                        uint32_t *counts, wasm_error_t *err)
{
    const wasm_module_t *m = inst->m;
    const char *why = NULL;
    if (x->kind != im->kind) {
        why = "incompatible import type (kind)";
    } else if (im->kind == WASM_EXTERN_FUNC) {
        if (x->u.func->canon != m->types[im->u.type_idx].canon)
            why = "incompatible import type (function signature)";
        else
            inst->funcs[counts[0]++] = x->u.func;
    } else if (im->kind == WASM_EXTERN_TABLE) {
        wasm_table_t *t = x->u.table;
        if (t->elem != im->u.table.elem ||
            !limits_match(t->size, t->has_max, t->max, &im->u.table.lim))
            why = "incompatible import type (table)";
        else
            inst->tables[counts[1]++] = t;
    } else if (im->kind == WASM_EXTERN_MEMORY) {
        wasm_memory_t *mem = x->u.memory;
        if (!limits_match(mem->pages, mem->has_max, mem->max_pages, &im->u.mem))
            why = "incompatible import type (memory limits)";
        else if (m->jit && ((wasmi_jit_t *)m->jit)->guard && !mem->guarded)
            why = "memory without guard regions for compiled code (another runtime's?)";
        else
            inst->mems[counts[2]++] = mem;
    } else {
        wasm_global_t *g = x->u.global;
        if (g->type != im->u.global.type || g->mut != im->u.global.mut)
            why = "incompatible import type (global)";
        else
            inst->globals[counts[3]++] = g;
    }
    if (why)
        wasmi_set_error(err, "import", 0, "%s: %.*s.%.*s", why, (int)im->module_len, im->module,
                       (int)im->name_len, im->name);
    return why == NULL;
}

static uint64_t eval_const(wasm_instance_t *inst, const wasmi_constexpr_t *e);

/* Evaluates a validated extended constant expression (module.h). */
static uint64_t eval_const_expr(wasm_instance_t *inst, const wasmi_constexpr_t *e)
{
    wasm_module_t *m = inst->m;
    wasmi_reader_t r = {m->bytes, m->bytes + e->index, m->bytes + m->len, "constant", NULL, false};
    uint64_t st[WASM_CONST_MAX_DEPTH];
    uint32_t n = 0;
    uint8_t op;
    while (wasmi_rd_u8(&r, &op) && op != 0x0B) {
        wasmi_constexpr_t one = {0, 0, 0, 0, 0};
        const uint8_t *skip;
        int32_t i32;
        int64_t i64;
        uint32_t f32;
        switch (op) {
        case 0x6A: n--, st[n - 1] = (uint32_t)(st[n - 1] + st[n]); continue;
        case 0x6B: n--, st[n - 1] = (uint32_t)(st[n - 1] - st[n]); continue;
        case 0x6C: n--, st[n - 1] = (uint32_t)(st[n - 1] * st[n]); continue;
        case 0x7C: n--, st[n - 1] = st[n - 1] + st[n]; continue;
        case 0x7D: n--, st[n - 1] = st[n - 1] - st[n]; continue;
        case 0x7E: n--, st[n - 1] = st[n - 1] * st[n]; continue;
        case 0x41: wasmi_rd_s32(&r, &i32), one.value = (uint32_t)i32; break;
        case 0x42: wasmi_rd_s64(&r, &i64), one.value = (uint64_t)i64; break;
        case 0x43: wasmi_rd_fixed32(&r, &f32), one.value = f32; break;
        case 0x44: wasmi_rd_fixed64(&r, &one.value); break;
        case 0xD0: wasmi_rd_u8(&r, &one.type), one.kind = WASM_CONST_REF_NULL; break;
        case 0xD2: wasmi_rd_u32(&r, &one.index), one.kind = WASM_CONST_REF_FUNC; break;
        case 0xFD: wasmi_rd_u32(&r, &f32), wasmi_rd_bytes(&r, 16, &skip); break; /* unused */
        default: wasmi_rd_u32(&r, &one.index), one.kind = WASM_CONST_GLOBAL_GET; break;
        }
        st[n++] = eval_const(inst, &one);
    }
    return n ? st[0] : 0;
}

static uint64_t eval_const(wasm_instance_t *inst, const wasmi_constexpr_t *e)
{
    switch (e->kind) {
    case WASM_CONST_EXPR:
        return eval_const_expr(inst, e);
    case WASM_CONST_GLOBAL_GET:
        return inst->globals[e->index]->value;
    case WASM_CONST_REF_FUNC:
        return (uint64_t)(uintptr_t)inst->funcs[e->index];
    case WASM_CONST_REF_NULL:
        return 0;
    default:
        return e->value;
    }
}

static bool alloc_arrays(wasm_instance_t *inst)
{
    const wasm_module_t *m = inst->m;
    uint32_t ndefs = m->nfuncs - m->nfunc_imports;
    inst->funcs = wasm_plat_alloc((m->nfuncs + 1) * sizeof(void *));
    inst->own_funcs = wasm_plat_alloc((ndefs + 1) * sizeof(wasm_func_t));
    inst->tables = wasm_plat_alloc((m->ntables + 1) * sizeof(void *));
    inst->own_tables = wasm_plat_alloc((m->ntables + 1) * sizeof(wasm_table_t));
    inst->mems = wasm_plat_alloc((m->nmems + 1) * sizeof(void *));
    inst->globals = wasm_plat_alloc((m->nglobals + 1) * sizeof(void *));
    inst->own_globals = wasm_plat_alloc((m->nglobals + 1) * sizeof(wasm_global_t));
    inst->elem_items = wasm_plat_alloc((m->nelems + 1) * sizeof(void *));
    inst->elem_len = wasm_plat_alloc((m->nelems + 1) * sizeof(uint32_t));
    inst->data_dropped = wasm_plat_alloc(m->ndatas + 1);
    return inst->funcs && inst->own_funcs && inst->tables && inst->own_tables && inst->mems &&
           inst->globals && inst->own_globals && inst->elem_items && inst->elem_len &&
           inst->data_dropped;
}

/* Creates the objects the module defines. */
static bool define_objects(wasm_instance_t *inst, wasm_error_t *err)
{
    wasm_module_t *m = inst->m;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        wasm_func_t *f = &inst->own_funcs[i - m->nfunc_imports];
        f->kind = WASM_FUNC_WASM;
        f->type = &m->types[m->func_type[i]];
        f->canon = f->type->canon;
        f->inst = inst;
        f->def = &m->defs[i - m->nfunc_imports];
        f->native = f->def->native;
        f->index = i;
        inst->funcs[i] = f;
    }
    uint64_t total = 0;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        const wasmi_tabletype_t *tt = &m->tables[i];
        total += tt->lim.min;
        if (total > inst->max_table_elems) {
            wasmi_set_error(err, "table", 0, "tables too large (%llu elements, limit %u)",
                           (unsigned long long)total, inst->max_table_elems);
            return false;
        }
        if (tt->lim.min > inst->rt->cfg.max_table_elems) {
            wasmi_set_error(err, "table", 0, "table %u too large (%u elements)", i, tt->lim.min);
            return false;
        }
        if (!wasmi_table_init_obj(&inst->own_tables[i], tt->elem, tt->lim.min, tt->lim.max,
                                 tt->lim.has_max)) {
            wasmi_set_error(err, "table", 0, "out of memory for table %u", i);
            return false;
        }
        inst->tables[i] = &inst->own_tables[i];
    }
    if (m->nmems > m->nmem_imports) {
        uint32_t n = m->nmems - m->nmem_imports;
        uint32_t top = inst->max_mem_pages < inst->rt->cfg.max_memory_pages
                     ? inst->max_mem_pages : inst->rt->cfg.max_memory_pages;
        inst->own_mems = wasm_plat_alloc(n * sizeof(wasm_memory_t));
        if (!inst->own_mems) {
            wasmi_set_error(err, "memory", 0, "out of memory");
            return false;
        }
        __builtin_memset(inst->own_mems, 0, n * sizeof(wasm_memory_t));
        inst->own_mem = inst->own_mems;
        for (uint32_t i = 0; i < n; i++) {
            const wasmi_limits_t *l = &m->mems[m->nmem_imports + i];
            if (l->min > top) {
                wasmi_set_error(err, "memory", 0, "memory of %u pages exceeds the limit of %u",
                               l->min, top);
                return false;
            }
            if (!wasmi_memory_init_obj(&inst->own_mems[i], l->min, l->max, l->has_max, top,
                                      inst->rt->guard)) {
                wasmi_set_error(err, "memory", 0, "cannot reserve memory %u of %u pages",
                               m->nmem_imports + i, l->min);
                return false;
            }
            inst->nown_mems = i + 1;
            inst->mems[m->nmem_imports + i] = &inst->own_mems[i];
        }
    }
    inst->mem = m->nmems ? inst->mems[0] : NULL;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        wasm_global_t *g = &inst->own_globals[i];
        g->type = m->globals[i].type;
        g->mut = m->globals[i].mut;
        const wasmi_constexpr_t *ce = &m->global_inits[i - m->nglobal_imports];
        g->value = eval_const(inst, ce);
        g->hi = ce->kind == WASM_CONST_V128 ? ce->hi
                : ce->kind == WASM_CONST_GLOBAL_GET ? inst->globals[ce->index]->hi : 0;
        inst->globals[i] = g;
    }
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wasmi_elem_t *e = &m->elems[i];
        inst->elem_items[i] = wasm_plat_alloc(((size_t)e->count + 1) * sizeof(uint64_t));
        if (!inst->elem_items[i]) {
            wasmi_set_error(err, "element", 0, "out of memory");
            return false;
        }
        for (uint32_t k = 0; k < e->count; k++)
            inst->elem_items[i][k] = eval_const(inst, &e->items[k]);
        inst->elem_len[i] = e->count;
    }
    return true;
}

/* Applies active segments in order, then runs start. Returns a trap kind. */
static wasm_trap_kind_t initialize(wasm_instance_t *inst, wasm_exec_t *ex, wasm_trap_t *trap)
{
    wasm_module_t *m = inst->m;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wasmi_elem_t *e = &m->elems[i];
        if (e->mode == WASM_SEG_ACTIVE) {
            wasm_table_t *t = inst->tables[e->table];
            uint32_t off = (uint32_t)eval_const(inst, &e->offset);
            if ((uint64_t)off + e->count > t->size)
                return WASM_TRAP_OOB_TABLE;
            for (uint32_t k = 0; k < e->count; k++)
                t->elems[off + k] = inst->elem_items[i][k];
        }
        if (e->mode != WASM_SEG_PASSIVE)
            inst->elem_len[i] = 0;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wasmi_data_t *d = &m->datas[i];
        if (d->mode != WASM_SEG_ACTIVE)
            continue;
        uint32_t off = (uint32_t)eval_const(inst, &d->offset);
        wasm_memory_t *mem = inst->mems[d->mem];
        if ((uint64_t)off + d->len > mem->size)
            return WASM_TRAP_OOB_MEMORY;
        if (d->len)
            __builtin_memcpy(mem->base + off, d->bytes, d->len);
        inst->data_dropped[i] = 1;
    }
    if (m->has_start)
        return wasm_call(ex, inst->funcs[m->start], NULL, NULL, trap);
    return WASM_OK;
}

static void release_instance(void *p)
{
    wasm_instance_free(p);
}

wasm_instance_t *wasm_instantiate(wasm_module_t *m, wasm_linker_t *imports, wasm_exec_t *ex,
                                  wasm_error_t *err, wasm_trap_t *trap)
{
    return wasm_instantiate_limited(m, imports, ex, 0, 0, err, trap);
}

wasm_instance_t *wasm_instantiate_limited(wasm_module_t *m, wasm_linker_t *imports,
                                          wasm_exec_t *ex, uint32_t max_memory_pages,
                                          uint32_t max_table_elems, wasm_error_t *err,
                                          wasm_trap_t *trap)
{
    wasm_error_t dummy_err;
    wasm_trap_t dummy_trap;
    if (!err)
        err = &dummy_err;
    if (!trap)
        trap = &dummy_trap;
    err->message[0] = 0;
    trap->kind = WASM_OK;
    trap->nframes = 0;
    trap->message[0] = 0;
    wasm_instance_t *inst = wasm_plat_alloc(sizeof *inst);
    if (!inst) {
        wasmi_set_error(err, NULL, 0, "out of memory");
        return NULL;
    }
    inst->rt = m->rt;
    inst->m = m;
    inst->max_mem_pages = max_memory_pages ? max_memory_pages : m->rt->cfg.max_memory_pages;
    inst->max_table_elems = max_table_elems ? max_table_elems : m->rt->cfg.max_table_elems;
    inst->ntable_imports = m->ntable_imports;
    inst->ntables = m->ntables;
    inst->nelems = m->nelems;
    if (!alloc_arrays(inst)) {
        wasmi_set_error(err, NULL, 0, "out of memory");
        wasm_instance_free(inst);
        return NULL;
    }
    uint32_t counts[4] = {0, 0, 0, 0};
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wasmi_import_t *im = &m->imports[i];
        const wasm_extern_t *x = linker_find(imports, im);
        if (!x) {
            wasmi_set_error(err, "import", 0, "unknown import: %.*s.%.*s", (int)im->module_len,
                           im->module, (int)im->name_len, im->name);
            wasm_instance_free(inst);
            return NULL;
        }
        if (!link_import(inst, im, x, counts, err)) {
            wasm_instance_free(inst);
            return NULL;
        }
    }
    if (!define_objects(inst, err)) {
        wasm_instance_free(inst);
        return NULL;
    }
    wasm_trap_kind_t k = initialize(inst, ex, trap);
    if (k != WASM_OK) {
        /* Segments already written to imported tables may refer to this
         * instance's functions: keep it alive until the runtime goes. */
        if (trap->kind == WASM_OK) {
            trap->kind = k;
            trap->nframes = 0;
        }
        if (!wasmi_rt_add_hostobj(m->rt, inst, release_instance))
            wasm_instance_free(inst);
        return NULL;
    }
    return inst;
}

void wasm_instance_free(wasm_instance_t *inst)
{
    if (!inst)
        return;
    wasmi_instance_snap_free(inst);
    if (inst->own_tables)
        for (uint32_t i = inst->ntable_imports; i < inst->ntables; i++)
            wasm_plat_free(inst->own_tables[i].elems);
    for (uint32_t i = 0; i < inst->nown_mems; i++)
        wasmi_memory_release_obj(&inst->own_mems[i]);
    wasm_plat_free(inst->own_mems);
    wasm_plat_free(inst->mems);
    if (inst->elem_items)
        for (uint32_t i = 0; i < inst->nelems; i++)
            wasm_plat_free(inst->elem_items[i]);
    wasm_plat_free(inst->funcs);
    wasm_plat_free(inst->own_funcs);
    wasm_plat_free(inst->tables);
    wasm_plat_free(inst->own_tables);
    wasm_plat_free(inst->globals);
    wasm_plat_free(inst->own_globals);
    wasm_plat_free(inst->elem_items);
    wasm_plat_free(inst->elem_len);
    wasm_plat_free(inst->data_dropped);
    wasm_plat_free(inst);
}

bool wasm_instance_export(wasm_instance_t *inst, const char *name, uint32_t name_len,
                          wasm_extern_t *out)
{
    const wasm_module_t *m = inst->m;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wasmi_export_t *e = &m->exports[i];
        if (!same(e->name, e->name_len, name, name_len))
            continue;
        out->kind = (wasm_extern_kind_t)e->kind;
        switch (e->kind) {
        case WASM_EXTERN_FUNC: out->u.func = inst->funcs[e->index]; break;
        case WASM_EXTERN_TABLE: out->u.table = inst->tables[e->index]; break;
        case WASM_EXTERN_MEMORY: out->u.memory = inst->mems[e->index]; break;
        default: out->u.global = inst->globals[e->index]; break;
        }
        return true;
    }
    return false;
}

wasm_func_t *wasm_instance_func(wasm_instance_t *inst, const char *name)
{
    uint32_t n = 0;
    while (name[n])
        n++;
    wasm_extern_t x;
    if (!wasm_instance_export(inst, name, n, &x) || x.kind != WASM_EXTERN_FUNC)
        return NULL;
    return x.u.func;
}

wasm_memory_t *wasm_instance_memory(wasm_instance_t *inst, uint32_t index)
{
    return index < inst->m->nmems ? inst->mems[index] : NULL;
}

const wasm_module_t *wasm_instance_module(const wasm_instance_t *inst)
{
    return inst->m;
}

void wasm_instance_set_limits(wasm_instance_t *inst, uint32_t max_memory_pages,
                              uint32_t max_table_elems)
{
    inst->max_mem_pages = max_memory_pages ? max_memory_pages : inst->rt->cfg.max_memory_pages;
    inst->max_table_elems = max_table_elems ? max_table_elems : inst->rt->cfg.max_table_elems;
}

void wasm_instance_set_memory_limit(wasm_instance_t *inst, uint32_t max_memory_pages)
{
    inst->max_mem_pages = max_memory_pages;
}

int64_t wasmi_instance_table_grow(wasm_instance_t *inst, uint32_t table, uint32_t delta,
                                 uint64_t init)
{
    wasm_table_t *t = inst->tables[table];
    uint64_t total = delta;
    /* Own tables share the instance's budget; an imported one is its
     * owner's, bounded by its own maximum. */
    if (table >= inst->ntable_imports) {
        for (uint32_t i = inst->ntable_imports; i < inst->ntables; i++)
            total += inst->tables[i]->size;
        if (total > inst->max_table_elems)
            return -1;
    }
    return wasmi_table_grow_to(t, delta, init, inst->rt->cfg.max_table_elems);
}
