/*
 * The watched-range table both platforms keep for copy-on-write snapshots
 * (wasm_plat_vm_watch in platform.h): which linear memory a write fault at
 * an address belongs to. The platform owns the storage and its locking;
 * these only search and update it. Header-only, freestanding.
 */
#ifndef WASM_WATCH_H
#define WASM_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wasm_memory;

typedef struct wasm_watch {
    uintptr_t base, end;
    struct wasm_memory *mem;    /* NULL: a free slot */
} wasm_watch_t;

/* mem != NULL: records [base, base+size) for mem in a free slot; NULL:
 * forgets the range starting at base. False when the table is full or the
 * range is not there. */
static inline bool wasm_watch_set(wasm_watch_t *t, size_t n, void *base, size_t size,
                                  struct wasm_memory *mem)
{
    for (size_t i = 0; i < n; i++) {
        wasm_watch_t *w = &t[i];
        if (mem && !w->mem) {
            w->base = (uintptr_t)base;
            w->end = (uintptr_t)base + size;
            w->mem = mem;
            return true;
        }
        if (!mem && w->mem && w->base == (uintptr_t)base) {
            w->mem = NULL;
            return true;
        }
    }
    return false;
}

/* The memory whose watched range holds addr, or NULL. */
static inline struct wasm_memory *wasm_watch_find(const wasm_watch_t *t, size_t n, uintptr_t addr)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].mem && addr >= t[i].base && addr < t[i].end)
            return t[i].mem;
    return NULL;
}

#endif
