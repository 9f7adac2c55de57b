/*
 * The compiled tier's code buffer and fixup lists, shared by the back ends
 * (jit_emit.h).
 */
#include "jit_emit.h"

__attribute__((noinline, cold)) bool wasmi_jit_grow(jit_buf_t *b)
{
    uint32_t ncap = b->cap ? b->cap * 2 : 4096;
    uint8_t *q = b->oom ? NULL : wasm_plat_realloc(b->p, b->cap, ncap);
    if (!q) {
        b->oom = true;
        b->len = 0;   /* keep writing into what we have; the result is discarded */
        return b->cap != 0;   /* (4096 or more) */
    }
    b->p = q;
    b->cap = ncap;
    return true;
}

__attribute__((noinline, cold)) void *wasmi_jit_more(jit_buf_t *b, void *v, uint32_t *cap,
                                                     size_t size, uint32_t first)
{
    uint32_t ncap = *cap ? *cap * 2 : first;
    void *q = wasm_plat_realloc(v, *cap * size, ncap * size);
    if (!q) {
        b->oom = true;
        return NULL;
    }
    *cap = ncap;
    return q;
}

uint8_t *wasmi_jit_install(const jit_buf_t *b, size_t *size)
{
    size_t n = ((size_t)b->len + 4095) & ~(size_t)4095;
    uint8_t *code = wasm_plat_code_alloc(n);
    if (!code)
        return NULL;
    __builtin_memcpy(code, b->p, b->len);
    if (!wasm_plat_code_seal(code, n)) {
        wasm_plat_code_free(code, n);
        return NULL;
    }
    *size = n;
    return code;
}

void wasmi_jit_publish(wasm_module_t *m, wasmi_jit_t *j, uint8_t *code, size_t size, bool guard,
                       uint32_t tramp, const uint32_t *def_off, const bool *ok)
{
    j->code = code;
    j->size = size;
    j->guard = guard;
    j->enter = (uint32_t (*)(wasm_exec_t *, wasm_func_t *, uint64_t *, void *))(void *)(code + tramp);
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
        m->defs[i].native = ok[i] ? code + def_off[i] : NULL;
        j->ncompiled += ok[i];
        j->nfallback += !ok[i];
    }
}

void wasmi_jit_buf_free(jit_buf_t *b)
{
    wasm_plat_free(b->p);
    wasm_plat_free(b->fx.v);
    wasm_plat_free(b->cfx.v);
}
