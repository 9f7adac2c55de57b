/*
 * Overlays onto a domain's linear memory: the steps device mappings
 * (dev.c) and buffer mappings (ipc.c) share (overlay.h).
 */
#include <arch/mmu.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <wasm/wasm.h>

#include "overlay.h"

int overlay_place_ok(domain_t *d, uint32_t offset, uint64_t len)
{
    wasm_memory_t *mem = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
    if (!mem || d->state != DOMAIN_READY || offset % PAGE_SIZE ||
        offset + len > wasm_memory_size(mem))
        return IPC_EMAPPED;
    if (d->nmaps == DOMAIN_MAX_MAPS)
        return IPC_ELIMIT;
    for (int i = 0; i < d->nmaps; i++)
        if (offset < (uint64_t)d->map_off[i] + d->map_len[i] && d->map_off[i] < offset + len)
            return IPC_EMAPPED;
    return 0;
}

uintptr_t overlay_va(domain_t *d, uint32_t offset)
{
    return (uintptr_t)wasm_memory_data(wasm_instance_memory(d->inst, 0)) + offset;
}

void overlay_save(domain_t *d, uint32_t offset, uint64_t *saved, uint32_t npages)
{
    wasm_memory_t *mem = wasm_instance_memory(d->inst, 0);
    uintptr_t va = overlay_va(d, offset);
    for (uint32_t i = 0; i < npages; i++) {
        void *p = (void *)(va + (uintptr_t)i * PAGE_SIZE);
        saved[i] = mmu_translate((uintptr_t)p);
        bool clean = wasm_memory_cover(mem, p, true);
        if (saved[i] != (uint64_t)-1 && (clean || vm_is_zero_frame(saved[i])))
            saved[i] |= OVERLAY_SAVED_RO;
    }
}

void overlay_restore(domain_t *d, uint32_t offset, const uint64_t *saved, uint32_t npages)
{
    wasm_memory_t *mem = wasm_instance_memory(d->inst, 0);
    uintptr_t va = overlay_va(d, offset);
    for (uint32_t i = 0; i < npages; i++) {
        void *p = (void *)(va + (uintptr_t)i * PAGE_SIZE);
        wasm_memory_cover(mem, p, false);
        if (saved[i] == (uint64_t)-1)
            continue;
        unsigned ro = saved[i] & OVERLAY_SAVED_RO;
        if (!mmu_map((uintptr_t)p, saved[i] & ~(uint64_t)OVERLAY_SAVED_RO, PAGE_SIZE,
                     MMU_READ | (ro ? 0 : MMU_WRITE) | MMU_NOFENCE))
            panic("overlay_restore: cannot put back a page of %s", d->name);
    }
    mmu_flush(va, (size_t)npages * PAGE_SIZE);
}

void overlay_track(domain_t *d, uint32_t offset, uint64_t len, kobj_t *obj,
                   cap_table_t *holder, cap_handle_t h)
{
    int i = d->nmaps++;
    d->map_off[i] = offset;
    d->map_len[i] = (uint32_t)len;
    d->map_obj[i] = obj;
    d->map_holder[i] = holder;
    d->map_h[i] = h;
}

void overlay_unmap_all(domain_t *d)
{
    while (d->nmaps) {
        int n = d->nmaps, i = n - 1;
        kobj_t *o = d->map_obj[i];
        o->ops->on_revoke(o, d->map_holder[i], d->map_h[i]);
        if (d->nmaps >= n)
            panic("overlay: a mapping of %s would not leave", d->name);
    }
}

void overlay_untrack(domain_t *d, uint32_t offset, uint64_t *saved)
{
    kfree(saved);
    for (int i = 0; i < d->nmaps; i++)
        if (d->map_off[i] == offset) {
            d->nmaps--;
            d->map_off[i] = d->map_off[d->nmaps];
            d->map_len[i] = d->map_len[d->nmaps];
            d->map_obj[i] = d->map_obj[d->nmaps];
            d->map_holder[i] = d->map_holder[d->nmaps];
            d->map_h[i] = d->map_h[d->nmaps];
            return;
        }
}
