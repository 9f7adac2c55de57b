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
    if (!mem || offset % PAGE_SIZE || offset + len > wasm_memory_size(mem))
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

void overlay_save(uintptr_t va, uint64_t *saved, uint32_t npages)
{
    for (uint32_t i = 0; i < npages; i++)
        saved[i] = mmu_translate(va + (uintptr_t)i * PAGE_SIZE);
}

void overlay_track(domain_t *d, uint32_t offset, uint64_t len)
{
    d->map_off[d->nmaps] = offset;
    d->map_len[d->nmaps] = (uint32_t)len;
    d->nmaps++;
}

void overlay_untrack(domain_t *d, uint32_t offset, uint64_t *saved)
{
    kfree(saved);
    for (int i = 0; i < d->nmaps; i++)
        if (d->map_off[i] == offset) {
            d->nmaps--;
            d->map_off[i] = d->map_off[d->nmaps];
            d->map_len[i] = d->map_len[d->nmaps];
            return;
        }
}
