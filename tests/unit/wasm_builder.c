/* Assembles Wasm binaries for the unit tests (see wasm_builder.h). */
#include "wasm_builder.h"

#include <stdlib.h>
#include <string.h>

void wb_bytes(wb_t *w, const void *p, size_t n)
{
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 64;
        while (cap < w->n + n)
            cap *= 2;
        w->b = realloc(w->b, cap);
        if (!w->b)
            abort();
        w->cap = cap;
    }
    if (n)
        memcpy(w->b + w->n, p, n);
    w->n += n;
}

void wb_byte(wb_t *w, uint8_t v)
{
    wb_bytes(w, &v, 1);
}

void wb_u32(wb_t *w, uint32_t v)
{
    do {
        uint8_t c = v & 0x7F;
        v >>= 7;
        wb_byte(w, v ? c | 0x80 : c);
    } while (v);
}

void wb_s64(wb_t *w, int64_t v)
{
    for (;;) {
        uint8_t c = v & 0x7F;
        v >>= 7;  /* arithmetic shift: clang sign-extends */
        if ((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40))) {
            wb_byte(w, c);
            return;
        }
        wb_byte(w, c | 0x80);
    }
}

void wb_name(wb_t *w, const char *s)
{
    wb_u32(w, (uint32_t)strlen(s));
    wb_bytes(w, s, strlen(s));
}

void wb_free(wb_t *w)
{
    free(w->b);
    memset(w, 0, sizeof *w);
}

uint8_t wb_valtype(char c)
{
    switch (c) {
    case 'i': return 0x7F;
    case 'I': return 0x7E;
    case 'f': return 0x7D;
    case 'F': return 0x7C;
    case 'r': return 0x70;
    case 'e': return 0x6F;
    case 'v': return 0x7B;
    }
    abort();
}

void wm_init(wmod_t *m)
{
    memset(m, 0, sizeof *m);
    m->datacount = -1;
}

void wm_free(wmod_t *m)
{
    for (int i = 0; i < WM_NSEC; i++)
        wb_free(&m->sec[i]);
    wb_free(&m->names);
}

static void valtypes(wb_t *w, const char *s)
{
    wb_u32(w, (uint32_t)strlen(s));
    for (; *s; s++)
        wb_byte(w, wb_valtype(*s));
}

uint32_t wm_type(wmod_t *m, const char *params, const char *results)
{
    wb_byte(&m->sec[1], 0x60);
    valtypes(&m->sec[1], params);
    valtypes(&m->sec[1], results);
    return m->count[1]++;
}

static void import_head(wmod_t *m, const char *mod, const char *name, uint8_t kind)
{
    wb_name(&m->sec[2], mod);
    wb_name(&m->sec[2], name);
    wb_byte(&m->sec[2], kind);
    m->count[2]++;
}

uint32_t wm_import_func(wmod_t *m, const char *mod, const char *name, uint32_t type)
{
    import_head(m, mod, name, 0);
    wb_u32(&m->sec[2], type);
    return m->nfuncs++;
}

void wm_import_global(wmod_t *m, const char *mod, const char *name, char type, int mut)
{
    import_head(m, mod, name, 3);
    wb_byte(&m->sec[2], wb_valtype(type));
    wb_byte(&m->sec[2], mut ? 1 : 0);
}

void wm_import_memory(wmod_t *m, const char *mod, const char *name, uint32_t min)
{
    import_head(m, mod, name, 2);
    wb_byte(&m->sec[2], 0);
    wb_u32(&m->sec[2], min);
}

void wm_import_table(wmod_t *m, const char *mod, const char *name, uint32_t min)
{
    import_head(m, mod, name, 1);
    wb_byte(&m->sec[2], 0x70);
    wb_byte(&m->sec[2], 0);
    wb_u32(&m->sec[2], min);
}

uint32_t wm_func_raw(wmod_t *m, uint32_t type, const uint8_t *entry, size_t n)
{
    wb_u32(&m->sec[3], type);
    m->count[3]++;
    wb_u32(&m->sec[10], (uint32_t)n);
    wb_bytes(&m->sec[10], entry, n);
    m->count[10]++;
    return m->nfuncs++;
}

uint32_t wm_func(wmod_t *m, uint32_t type, const char *locals, const uint8_t *body, size_t n)
{
    wb_t e = {0};
    wb_u32(&e, (uint32_t)strlen(locals));
    for (const char *s = locals; *s; s++) {
        wb_u32(&e, 1);
        wb_byte(&e, wb_valtype(*s));
    }
    wb_bytes(&e, body, n);
    uint32_t idx = wm_func_raw(m, type, e.b, e.n);
    wb_free(&e);
    return idx;
}

static void limits(wb_t *w, uint32_t min, uint32_t max, int has_max)
{
    wb_byte(w, has_max ? 1 : 0);
    wb_u32(w, min);
    if (has_max)
        wb_u32(w, max);
}

void wm_memory(wmod_t *m, uint32_t min, uint32_t max, int has_max)
{
    limits(&m->sec[5], min, max, has_max);
    m->count[5]++;
}

void wm_table(wmod_t *m, char elem, uint32_t min, uint32_t max, int has_max)
{
    wb_byte(&m->sec[4], wb_valtype(elem));
    limits(&m->sec[4], min, max, has_max);
    m->count[4]++;
}

void wm_global(wmod_t *m, char type, int mut, const uint8_t *init, size_t n)
{
    wb_byte(&m->sec[6], wb_valtype(type));
    wb_byte(&m->sec[6], mut ? 1 : 0);
    wb_bytes(&m->sec[6], init, n);
    m->count[6]++;
}

void wm_export(wmod_t *m, const char *name, wasm_extern_kind_t kind, uint32_t index)
{
    wb_name(&m->sec[7], name);
    wb_byte(&m->sec[7], (uint8_t)kind);
    wb_u32(&m->sec[7], index);
    m->count[7]++;
}

void wm_start(wmod_t *m, uint32_t func)
{
    m->has_start = 1;
    m->start = func;
}

void wm_elem(wmod_t *m, const uint8_t *seg, size_t n)
{
    wb_bytes(&m->sec[9], seg, n);
    m->count[9]++;
}

void wm_data(wmod_t *m, const uint8_t *seg, size_t n)
{
    wb_bytes(&m->sec[11], seg, n);
    m->count[11]++;
}

void wm_datacount(wmod_t *m, uint32_t n)
{
    m->datacount = (int)n;
}

void wm_name(wmod_t *m, uint32_t func, const char *name)
{
    wb_u32(&m->names, func);
    wb_name(&m->names, name);
    m->nnames++;
}

static void section(wb_t *out, uint8_t id, const wb_t *payload)
{
    wb_byte(out, id);
    wb_u32(out, (uint32_t)payload->n);
    wb_bytes(out, payload->b, payload->n);
}

/* Vector sections: the count, then the accumulated entries. */
static void vec_section(wb_t *out, wmod_t *m, uint8_t id)
{
    wb_t p = {0};
    if (!m->count[id])
        return;
    wb_u32(&p, m->count[id]);
    wb_bytes(&p, m->sec[id].b, m->sec[id].n);
    section(out, id, &p);
    wb_free(&p);
}

static void name_section(wb_t *out, wmod_t *m)
{
    wb_t p = {0}, sub = {0};
    wb_name(&p, "name");
    wb_u32(&sub, m->nnames);
    wb_bytes(&sub, m->names.b, m->names.n);
    wb_byte(&p, 1);  /* function names */
    wb_u32(&p, (uint32_t)sub.n);
    wb_bytes(&p, sub.b, sub.n);
    section(out, 0, &p);
    wb_free(&p);
    wb_free(&sub);
}

void wm_finish(wmod_t *m, wb_t *out)
{
    static const uint8_t order[] = {1, 2, 3, 4, 5, 6, 7};
    memset(out, 0, sizeof *out);
    wb_bytes(out, "\0asm\1\0\0\0", 8);
    for (size_t i = 0; i < sizeof order; i++)
        vec_section(out, m, order[i]);
    if (m->has_start) {
        wb_t p = {0};
        wb_u32(&p, m->start);
        section(out, 8, &p);
        wb_free(&p);
    }
    vec_section(out, m, 9);
    if (m->datacount >= 0) {
        wb_t p = {0};
        wb_u32(&p, (uint32_t)m->datacount);
        section(out, 12, &p);
        wb_free(&p);
    }
    vec_section(out, m, 10);
    vec_section(out, m, 11);
    if (m->nnames)
        name_section(out, m);
}

wasm_module_t *wm_load(wmod_t *m, wasm_runtime_t *rt, wasm_error_t *err)
{
    wb_t bin;
    wm_finish(m, &bin);
    wasm_module_t *mod = wasm_module_load(rt, bin.b, bin.n, err);
    wb_free(&bin);
    return mod;
}
