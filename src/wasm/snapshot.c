/*
 * Instance snapshot and reset: zero unwanted persistence.
 *
 * Taking a snapshot copies nothing from linear memory: the memory's pages
 * are made read-only and watched. The first write to a page faults; the
 * platform hands the fault to wasm_memory_write_fault, which keeps the
 * page's snapshot contents, records it as dirty and makes it writable
 * again, and the write is retried. A reset puts each dirty page back and
 * protects it again, so it costs time proportional to the pages written
 * since the snapshot, not to the memory's size. Memory grown after the
 * snapshot is released. Globals, tables and segment state are small and
 * copied outright.
 *
 * Two ways to keep a page's snapshot contents, chosen by the platform:
 *  - frames (the kernel): the page's frame itself stays the snapshot; the
 *    write fault maps a private copy in its place (wasm_plat_vm_private)
 *    and a reset points the page back at the snapshot frame and frees the
 *    copy (wasm_plat_vm_restore): a page-table entry per page, one flush;
 *  - copies (a platform without frames): the fault saves a heap copy and
 *    the reset copies it back.
 *
 * With frames, a page whose bytes are all zero at the snapshot keeps no
 * frame (wasm_plat_vm_share_zero): it maps the platform's shared zero
 * frame, read-only; its first write gets a fresh zeroed frame instead of a
 * copy, and a reset maps the zero frame back. Memory grown while a
 * snapshot exists is committed the same way (wasm_plat_vm_commit_zero):
 * a page of it gets a frame at its first write, and the reset releases it
 * as before. The watch covers the whole reservation for that.
 *
 * With frames, every page of the snapshot not written since holds one
 * frame promised by the platform (wasm_plat_vm_promise): npages - ndirty
 * in all. A write fault takes its frame from that promise and a reset
 * promises again the frames it gives back, so the first write to a page
 * never meets an empty allocator; a snapshot the platform cannot promise
 * fails.
 *
 * Invariants while a snapshot exists: a page in [0, snap->npages) is
 * writable iff saved[page] != 0 iff it appears once in dirty[] -- unless
 * cover[page] is set: then the platform has laid a frame of its own over
 * the page (wasm_memory_cover), its write faults are not ours, and saved
 * and dirty say what the page will be when the overlay leaves.
 */
#include "internal.h"

static bool memory_snapshot(wasm_memory_t *mem)
{
    wasmi_mem_snap_t *s = wasm_plat_alloc(sizeof *s);
    if (!s)
        return false;
    s->psize = wasm_plat_page_size();
    s->pages = mem->pages;
    s->npages = mem->size / s->psize;
    s->frames = wasm_plat_vm_frames();
    s->saved = wasm_plat_alloc((size_t)(s->npages + 1) * sizeof(uint64_t));
    s->dirty = wasm_plat_alloc((size_t)(s->npages + 1) * sizeof(uint64_t));
    s->tokens = s->frames ? wasm_plat_alloc((size_t)(s->npages + 1) * sizeof(uint64_t)) : NULL;
    s->cover = wasm_plat_alloc((size_t)s->npages + 1);
    if (!s->saved || !s->dirty || (s->frames && !s->tokens) || !s->cover ||
        !wasm_plat_vm_watch(mem->base, (size_t)mem->reserved, mem))
        goto fail;
    if (mem->size && !wasm_plat_vm_protect(mem->base, (size_t)mem->size, false))
        goto unwatch;
    /* Each page's first write will need a frame: promised now, so that the
     * write cannot fail later (a write fault has nowhere to report it). */
    if (s->frames && s->npages) {
        wasm_plat_vm_share_zero(mem->base, (size_t)mem->size);
        if (!wasm_plat_vm_promise((size_t)s->npages)) {
            wasm_plat_vm_protect(mem->base, (size_t)mem->size, true);
            goto unwatch;
        }
    }
    mem->snap = s;
    return true;
unwatch:
    wasm_plat_vm_watch(mem->base, (size_t)mem->reserved, NULL);
fail:
    wasm_plat_free(s->saved);
    wasm_plat_free(s->dirty);
    wasm_plat_free(s->tokens);
    wasm_plat_free(s->cover);
    wasm_plat_free(s);
    return false;
}

bool wasm_memory_write_fault(wasm_memory_t *mem, void *addr)
{
    wasmi_mem_snap_t *s = mem->snap;
    uintptr_t a = (uintptr_t)addr, b = (uintptr_t)mem->base;
    if (!s || a < b || a - b >= mem->size)
        return false;
    uint64_t page = (a - b) / s->psize;
    uint8_t *p = mem->base + page * s->psize;
    if (page >= s->npages)      /* grown since: a page of the zero frame, or not ours */
        return s->frames && wasm_plat_vm_fill_zero(p);
    if (s->saved[page] || s->cover[page])
        return false;   /* already writable, or an overlay's: not copy-on-write */
    uint64_t keep = 0;
    if (s->frames) {
        if (!wasm_plat_vm_private(p, &keep))
            return false;
    } else {
        uint8_t *copy = wasm_plat_alloc(s->psize);
        if (!copy)
            return false;
        __builtin_memcpy(copy, p, s->psize);
        if (!wasm_plat_vm_protect(p, s->psize, true)) {
            wasm_plat_free(copy);
            return false;
        }
        keep = (uint64_t)(uintptr_t)copy;
    }
    s->saved[page] = keep;
    if (s->frames)
        s->tokens[s->ndirty] = keep;
    s->dirty[s->ndirty++] = page;
    return true;
}

bool wasm_memory_cover(wasm_memory_t *mem, void *addr, bool covered)
{
    wasmi_mem_snap_t *s = mem->snap;
    uintptr_t a = (uintptr_t)addr, b = (uintptr_t)mem->base;
    if (!s || a < b || a - b >= s->npages * s->psize)
        return false;
    uint64_t page = (a - b) / s->psize;
    s->cover[page] = covered;
    return s->saved[page] == 0;
}

/* Returns the number of pages restored. */
static int64_t memory_reset(wasm_memory_t *mem)
{
    wasmi_mem_snap_t *s = mem->snap;
    int64_t n = (int64_t)s->ndirty;
    if (s->frames)
        wasm_plat_vm_restore(mem->base, s->dirty, s->tokens, (size_t)s->ndirty);
    for (uint64_t i = 0; i < s->ndirty; i++) {
        uint64_t page = s->dirty[i];
        if (!s->frames) {
            uint8_t *p = mem->base + page * s->psize;
            uint8_t *copy = (uint8_t *)(uintptr_t)s->saved[page];
            __builtin_memcpy(p, copy, s->psize);
            wasm_plat_vm_protect(p, s->psize, false);
            wasm_plat_free(copy);
        }
        s->saved[page] = 0;
    }
    s->ndirty = 0;
    if (mem->pages > s->pages) {
        uint64_t keep = (uint64_t)s->pages * WASM_PAGE_SIZE;
        wasm_plat_vm_decommit(mem->base + keep, (size_t)(mem->size - keep));
        n += (int64_t)((mem->size - keep) / s->psize);
        mem->pages = s->pages;
        mem->size = keep;
    }
    return n;
}

void wasmi_memory_snap_free(wasm_memory_t *mem)
{
    wasmi_mem_snap_t *s = mem ? mem->snap : NULL;
    if (!s)
        return;
    for (uint64_t i = 0; i < s->ndirty; i++) {
        if (s->frames)
            wasm_plat_vm_drop(s->tokens[i]);
        else
            wasm_plat_free((void *)(uintptr_t)s->saved[s->dirty[i]]);
    }
    wasm_plat_vm_watch(mem->base, (size_t)(s->npages * s->psize), NULL);
    /* The promises of the pages never written give the zero pages their
     * frames as they become writable. */
    if (s->frames && s->npages)
        wasm_plat_vm_unpromise((size_t)(s->npages - s->ndirty));
    if (s->npages)
        wasm_plat_vm_protect(mem->base, (size_t)(s->npages * s->psize), true);
    wasm_plat_free(s->saved);
    wasm_plat_free(s->dirty);
    wasm_plat_free(s->tokens);
    wasm_plat_free(s->cover);
    wasm_plat_free(s);
    mem->snap = NULL;
}

void wasmi_instance_snap_free(wasm_instance_t *inst)
{
    wasmi_inst_snap_t *s = inst->snap;
    if (!s)
        return;
    if (s->table_elems)
        for (uint32_t i = 0; i < inst->ntables; i++)
            wasm_plat_free(s->table_elems[i]);
    wasm_plat_free(s->table_elems);
    wasm_plat_free(s->table_size);
    wasm_plat_free(s->globals);
    wasm_plat_free(s->elem_len);
    wasm_plat_free(s->data_dropped);
    wasm_plat_free(s);
    inst->snap = NULL;
    for (uint32_t i = 0; i < inst->nown_mems; i++)
        wasmi_memory_snap_free(&inst->own_mems[i]);
}

static bool copy_tables(wasm_instance_t *inst, wasmi_inst_snap_t *s)
{
    for (uint32_t i = inst->ntable_imports; i < inst->ntables; i++) {
        wasm_table_t *t = inst->tables[i];
        s->table_size[i] = t->size;
        s->table_elems[i] = wasm_plat_alloc(((size_t)t->size + 1) * sizeof(uint64_t));
        if (!s->table_elems[i])
            return false;
        if (t->size)
            __builtin_memcpy(s->table_elems[i], t->elems, (size_t)t->size * 8);
    }
    return true;
}

bool wasm_instance_snapshot(wasm_instance_t *inst)
{
    const wasm_module_t *m = inst->m;
    wasmi_instance_snap_free(inst);
    wasmi_inst_snap_t *s = wasm_plat_alloc(sizeof *s);
    if (!s)
        return false;
    inst->snap = s;
    s->globals = wasm_plat_alloc(((size_t)m->nglobals + 1) * 16);   /* value, hi */
    s->table_size = wasm_plat_alloc(((size_t)inst->ntables + 1) * 4);
    s->table_elems = wasm_plat_alloc(((size_t)inst->ntables + 1) * sizeof(uint64_t *));
    s->elem_len = wasm_plat_alloc(((size_t)m->nelems + 1) * 4);
    s->data_dropped = wasm_plat_alloc((size_t)m->ndatas + 1);
    bool ok = s->globals && s->table_size && s->table_elems && s->elem_len && s->data_dropped &&
              copy_tables(inst, s);
    /* Every memory it defines is made copy-on-write (imported ones are
     * their owner's to reset). */
    for (uint32_t i = 0; ok && i < inst->nown_mems; i++)
        ok = memory_snapshot(&inst->own_mems[i]);
    if (!ok) {
        wasmi_instance_snap_free(inst);
        return false;
    }
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
        s->globals[2 * i] = inst->globals[i]->value, s->globals[2 * i + 1] = inst->globals[i]->hi;
    if (m->nelems)
        __builtin_memcpy(s->elem_len, inst->elem_len, (size_t)m->nelems * 4);
    if (m->ndatas)
        __builtin_memcpy(s->data_dropped, inst->data_dropped, m->ndatas);
    return true;
}

int64_t wasm_instance_reset(wasm_instance_t *inst)
{
    wasmi_inst_snap_t *s = inst->snap;
    const wasm_module_t *m = inst->m;
    if (!s)
        return -1;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
        inst->globals[i]->value = s->globals[2 * i], inst->globals[i]->hi = s->globals[2 * i + 1];
    for (uint32_t i = inst->ntable_imports; i < inst->ntables; i++) {
        wasm_table_t *t = inst->tables[i];
        /* A table never shrinks below its snapshot size, so elems has room. */
        t->size = s->table_size[i];
        if (t->size)
            __builtin_memcpy(t->elems, s->table_elems[i], (size_t)t->size * 8);
    }
    if (m->nelems)
        __builtin_memcpy(inst->elem_len, s->elem_len, (size_t)m->nelems * 4);
    if (m->ndatas)
        __builtin_memcpy(inst->data_dropped, s->data_dropped, m->ndatas);
    int64_t pages = 0;
    for (uint32_t i = 0; i < inst->nown_mems; i++)
        pages += memory_reset(&inst->own_mems[i]);
    return pages;
}
