/*
 * Overlays: frames laid over a domain's linear memory 0 at a page-aligned
 * offset (device registers in dev.c, buffers in ipc.c). The caller keeps
 * its own record of the mapping; these are the steps both share: the
 * place check, saving the frames that were there, and the domain's list
 * of mapped ranges (d->map_off/map_len/nmaps).
 */
#ifndef OVERLAY_H
#define OVERLAY_H

#include <stdint.h>

#include <kern/domain.h>

/* Page aligned, inside memory 0, over no other mapping of d, and d has
 * room for one more: 0, or IPC_EMAPPED / IPC_ELIMIT. Only a loaded domain
 * maps (DOMAIN_READY, after its post-init snapshot): the snapshot covers a
 * domain's own pages, never an overlay's, so a reset can unmap them all. */
int overlay_place_ok(domain_t *d, uint32_t offset, uint64_t len);

/* The kernel address of offset in d's memory 0 (d must have one). */
uintptr_t overlay_va(domain_t *d, uint32_t offset);

/* saved[i] = the frame now under page i at offset in d's memory, with
 * OVERLAY_SAVED_RO set when the page is still its snapshot's (read-only
 * until its first write, which is copy-on-write) or maps the zero frame
 * (vm_zero_frame); (uint64_t)-1 where none
 * is mapped. The pages are marked covered for the engine
 * (wasm_memory_cover): a write fault there is the overlay's own, never a
 * copy-on-write one, so nothing is copied to save a page. */
#define OVERLAY_SAVED_RO 1u
void overlay_save(domain_t *d, uint32_t offset, uint64_t *saved, uint32_t npages);

/* Maps back what overlay_save saved (the overlay's frames are unmapped
 * already): each frame read-only or read-write as it was, and uncovers the
 * pages. One TLB flush for the range. */
void overlay_restore(domain_t *d, uint32_t offset, const uint64_t *saved, uint32_t npages);

/* Records [offset, offset+len) as mapped in d (overlay_place_ok said so)
 * under capability h of holder to obj, whose on_revoke(obj, holder, h)
 * unmaps it. */
void overlay_track(domain_t *d, uint32_t offset, uint64_t len, kobj_t *obj,
                   cap_table_t *holder, cap_handle_t h);

/* Unmaps every overlay of d (a reset: mappings are not part of the
 * snapshot). */
void overlay_unmap_all(domain_t *d);

/* Forgets d's mapping at offset and frees its saved frames (restored by
 * the caller already). */
void overlay_untrack(domain_t *d, uint32_t offset, uint64_t *saved);

#endif
