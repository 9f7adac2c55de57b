/*
 * Kernel invariants (invariant.h), read from the kernel's own structures:
 * the domain list, every capability table reachable from it (domains'
 * tables and the parking tables of the channels they hold), the objects
 * those name, and the host shim's frames and page table. Reads only:
 * cap_table_handles, cap_lookup, cap_info, cap_parent, ipc_shim_lookup.
 */
#include "invariant.h"

#include "ipctest.h"
#include "../../kernel/core/overlay.h"   /* OVERLAY_SAVED_RO */

#include <arch/mmu.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wasm/wasm.h>

#define MAX_TABLES 128
#define MAX_CAPS 65536
#define SET_SLOTS (1u << 17)   /* power of two, > 2 * frames or objects checked */
#define MAX_DOMS 8

typedef struct cap_rec {
    cap_table_t *t;
    cap_handle_t h;
    kobj_t *obj;
    uint32_t rights;
} cap_rec_t;

static cap_table_t *tables[MAX_TABLES];
static bool parking[MAX_TABLES];
static int ntables;
static cap_rec_t caps[MAX_CAPS];
static int ncaps;
static cap_handle_t hbuf[CAP_MAX_HANDLES];

/* An open-addressed set of keys with a small value, emptied in O(1) by
 * advancing an epoch. */
typedef struct set {
    uint64_t key[SET_SLOTS];
    uint32_t epoch[SET_SLOTS];
    uint32_t val[SET_SLOTS];
    uint32_t now;
} set_t;

static set_t frames, objs;

static void set_clear(set_t *s)
{
    s->now++;
}

/* The slot of key (inserted with val 0 if new); NULL when full. */
static uint32_t *set_get(set_t *s, uint64_t key, bool *fresh)
{
    uint32_t i = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & (SET_SLOTS - 1);
    for (uint32_t n = 0; n < SET_SLOTS; n++, i = (i + 1) & (SET_SLOTS - 1)) {
        if (s->epoch[i] != s->now) {
            s->epoch[i] = s->now;
            s->key[i] = key;
            s->val[i] = 0;
            *fresh = true;
            return &s->val[i];
        }
        if (s->key[i] == key) {
            *fresh = false;
            return &s->val[i];
        }
    }
    return NULL;
}

static struct { domain_t *d; uint64_t mem; int nmaps; } init[MAX_DOMS];

static unsigned skip_mask;
static kinv_report_t *rep;
static bool failed;

/* Records a violation tagged with finding f unless that finding is
 * skipped; the first one wins. */
static void bad(int f, const char *fmt, ...)
{
    if (failed || (f && (skip_mask >> f & 1)))
        return;
    failed = true;
    rep->finding = f;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->why, sizeof rep->why, fmt, ap);
    va_end(ap);
}

static int table_index(cap_table_t *t)
{
    for (int i = 0; i < ntables; i++)
        if (tables[i] == t)
            return i;
    return -1;
}

static void add_table(cap_table_t *t, bool park)
{
    if (t && table_index(t) < 0 && ntables < MAX_TABLES) {
        parking[ntables] = park;
        tables[ntables++] = t;
    }
}

static const char *tname(cap_table_t *t)
{
    domain_t *d = cap_table_owner(t);
    int i = table_index(t);
    return i >= 0 && parking[i] ? "(parking)" : d ? d->name : "?";
}

static domain_t *dom_of(domsys_t *sys, domain_t *want)
{
    for (domain_t *d = sys->list; d; d = d->next)
        if (d == want)
            return d;
    return NULL;
}

void kinv_note_init(domsys_t *sys)
{
    int n = 0;
    memset(init, 0, sizeof init);
    for (domain_t *d = sys->list; d && n < MAX_DOMS; d = d->next, n++) {
        wasm_memory_t *mem = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
        init[n].d = d;
        init[n].mem = mem ? wasm_memory_size(mem) : 0;
        init[n].nmaps = d->nmaps;
    }
}

/* Every table and capability, each capability's derivation path. */
static void check_caps(domsys_t *sys)
{
    ntables = ncaps = 0;
    for (domain_t *d = sys->list; d; d = d->next)
        add_table(d->caps, false);
    for (int ti = 0; ti < ntables; ti++) {   /* grows as channels are found */
        cap_table_t *t = tables[ti];
        uint32_t n = cap_table_handles(t, hbuf, CAP_MAX_HANDLES);
        if (n > CAP_MAX_HANDLES)
            n = CAP_MAX_HANDLES;
        domain_t *d = parking[ti] ? NULL : cap_table_owner(t);
        if (d && n > d->lim.max_handles && d->lim.max_handles)
            bad(0, "%s holds %u capabilities over its limit of %u", d->name, n, d->lim.max_handles);
        for (uint32_t k = 0; k < n && ncaps < MAX_CAPS; k++) {
            cap_rec_t *c = &caps[ncaps];
            kobj_type_t type;
            if (cap_lookup(t, hbuf[k], KOBJ_ANY, 0, &c->obj) != CAP_OK ||
                cap_info(t, hbuf[k], &c->rights, &type) != CAP_OK) {
                bad(0, "%s: live handle %#x does not resolve", tname(t), hbuf[k]);
                continue;
            }
            c->t = t;
            c->h = hbuf[k];
            ncaps++;
            if (type == KOBJ_CHANNEL)
                add_table(((channel_t *)c->obj)->parking, true);
        }
    }
    set_clear(&objs);
    for (int i = 0; i < ncaps; i++) {
        cap_rec_t *c = &caps[i];
        bool fresh;
        uint32_t *cnt = set_get(&objs, (uint64_t)(uintptr_t)c->obj, &fresh);
        if (cnt)
            ++*cnt;
        if (cnt && *cnt > c->obj->refs)
            bad(0, "object %p (type %d) has %u capabilities but %u references", (void *)c->obj,
                c->obj->type, *cnt, c->obj->refs);
        /* The derivation path: each ancestor alive, same object, rights
         * never growing; a moved (parked) capability keeps no copies. */
        cap_table_t *t = c->t, *pt;
        cap_handle_t h = c->h, ph;
        uint32_t rights = c->rights;
        for (int depth = 0; depth < 64 && cap_parent(t, h, &pt, &ph) == CAP_OK; depth++) {
            kobj_t *po;
            uint32_t prights;
            int pi = table_index(pt);
            if (pi < 0) {
                bad(0, "%s: capability %#x derives from a table no domain or channel holds",
                    tname(c->t), c->h);
                break;
            }
            if (cap_lookup(pt, ph, KOBJ_ANY, 0, &po) != CAP_OK ||
                cap_info(pt, ph, &prights, NULL) != CAP_OK) {
                bad(0, "%s: capability %#x outlives its ancestor in %s", tname(c->t), c->h, tname(pt));
                break;
            }
            if (po != c->obj)
                bad(0, "%s: capability %#x and its ancestor %s:%#x name different objects",
                    tname(c->t), c->h, tname(pt), ph);
            if (rights & ~prights)
                bad(0, "%s: capability %#x has rights %#x beyond its ancestor's %#x", tname(c->t),
                    c->h, rights, prights);
            if (parking[pi])
                bad(7, "%s: capability %#x derives from a moved capability (in a channel's queue)",
                    tname(c->t), c->h);
            t = pt, h = ph, rights = prights;
        }
    }
}

/* The frame at page va of a memory: must not be owned by anyone else. */
static void own_frame(uint64_t pa, uint32_t tag, const char *what, const char *dom)
{
    bool fresh;
    if (!pa)
        return;
    int st = ipc_shim_frame_state(pa);
    if (st == SHIM_FRAME_FREE || st == SHIM_FRAME_NONE)
        bad(1, "%s of %s: frame %#llx is %s", what, dom, (unsigned long long)pa,
            st == SHIM_FRAME_FREE ? "free" : "not a frame");
    uint32_t *o = set_get(&frames, pa, &fresh);
    if (o && !fresh)
        bad(1, "%s of %s: frame %#llx has a second owner", what, dom, (unsigned long long)pa);
    if (o)
        *o = tag;
}

/* Buffers: frames owned once, mappings backed by live capabilities. */
static void check_buffers(domsys_t *sys, bool quiescent)
{
    long unsunk = 0;    /* read-only mappings holding the frame promised for a sink */
    set_clear(&frames);
    set_clear(&objs);
    for (int i = 0; i < ncaps; i++) {
        bool fresh;
        if (caps[i].obj->type != KOBJ_BUFFER)
            continue;
        uint32_t *seen = set_get(&objs, (uint64_t)(uintptr_t)caps[i].obj, &fresh);
        if (!seen || !fresh)
            continue;
        buf_t *b = (buf_t *)caps[i].obj;
        for (uint32_t p = 0; p < b->npages; p++)
            own_frame(b->frames[p], 1, "buffer page", "a buffer");
        if (quiescent && (b->ro_lends || b->rw_lent))
            bad(2, "buffer %p: a lend outlived its call (ro_lends %u, rw_lent %d)", (void *)b,
                b->ro_lends, b->rw_lent);
        if (b->payer && !dom_of(sys, b->payer))
            bad(0, "buffer %p: charged to a domain that is gone", (void *)b);
        /* Exactly one borrower: during a writable lend every mapping is the
         * borrower's (lend_to, lend_h) or the lender's (one domain); during
         * read-only lends writable mappings are all in one domain. */
        domain_t *other = NULL;
        for (uint32_t k = 0; k < b->nmaps && k < BUF_MAX_MAPS; k++) {
            buf_map_t *m = &b->maps[k];
            bool borrower = b->rw_lent && m->holder == b->lend_to && m->h == b->lend_h;
            if (borrower || (!b->rw_lent && !(b->ro_lends && m->writable)))
                continue;
            if (other && other != m->dom)
                bad(7, "buffer %p: %s and %s map it during a %s lend", (void *)b, other->name,
                    m->dom->name, b->rw_lent ? "writable" : "read-only");
            other = m->dom;
        }
        if (b->nmaps > BUF_MAX_MAPS) {
            bad(0, "buffer %p: %u mappings", (void *)b, b->nmaps);
            continue;
        }
        for (uint32_t k = 0; k < b->nmaps; k++) {
            buf_map_t *m = &b->maps[k];
            kobj_t *o;
            domain_t *d = dom_of(sys, m->dom);
            if (!d || !d->inst) {
                bad(1, "buffer %p: mapped into a domain that is gone", (void *)b);
                continue;
            }
            if (table_index(m->holder) < 0 || cap_lookup(m->holder, m->h, KOBJ_BUFFER, 0, &o) ||
                o != &b->obj)
                bad(1, "buffer mapped in %s at %#x: capability %#x is not live", d->name, m->offset, m->h);
            else if (cap_table_owner(m->holder) != d)
                bad(0, "buffer mapped in %s under a capability of %s", d->name, tname(m->holder));
            wasm_memory_t *mem = wasm_instance_memory(d->inst, 0);
            uint64_t len = (uint64_t)b->npages * PAGE_SIZE;
            if (!mem || m->offset + len > wasm_memory_size(mem)) {
                bad(3, "buffer mapped in %s at %#x+%#llx lies beyond its memory (%llu bytes)",
                    d->name, m->offset, (unsigned long long)len,
                    mem ? (unsigned long long)wasm_memory_size(mem) : 0ull);
                continue;
            }
            int ov;
            for (ov = 0; ov < d->nmaps; ov++)
                if (d->map_off[ov] == m->offset && d->map_len[ov] == len)
                    break;
            if (ov == d->nmaps)
                bad(0, "buffer mapped in %s at %#x: not in its overlay list", d->name, m->offset);
            uintptr_t va = (uintptr_t)wasm_memory_data(mem) + m->offset;
            for (uint32_t p = 0; p < b->npages; p++) {
                uint64_t pa = ipc_shim_lookup(va + (uintptr_t)p * PAGE_SIZE);
                if (pa != b->frames[p] && (m->writable || !pa || pa != m->sink))
                    bad(0, "buffer mapped in %s at %#x: page %u is neither the buffer's frame nor "
                        "the mapping's sink", d->name, m->offset, p);
                /* The memory's own frame, kept to be mapped back: tagged
                 * OVERLAY_SAVED_RO when it is still the snapshot's (the
                 * zero frame then is everyone's, not this mapping's). */
                uint64_t kept = m->saved ? m->saved[p] : (uint64_t)-1;
                uint64_t kpa = kept & ~(uint64_t)OVERLAY_SAVED_RO;
                if (kept != (uint64_t)-1 && !((kept & OVERLAY_SAVED_RO) && vm_is_zero_frame(kpa)))
                    own_frame(kpa, 3, "page kept under a mapping", d->name);
            }
            if (m->sink && m->writable)
                bad(0, "buffer mapped writable in %s at %#x has a sink", d->name, m->offset);
            unsunk += !m->writable && !m->sink;
            own_frame(m->sink, 2, "sink page", d->name);    /* one for all its pages */
        }
    }
    /* Nothing else promises frames in this world (the engine's platform is
     * the hosted one): each promise is a read-only mapping's. */
    if (unsunk != ipc_shim_promised)
        bad(0, "%ld frames promised, %ld read-only mappings without a sink", ipc_shim_promised,
            unsunk);
}

/* Each domain: overlays backed by mappings, pages outside them not a
 * buffer's, usage within limits. */
static void check_domains(domsys_t *sys, bool quiescent)
{
    for (domain_t *d = sys->list; d; d = d->next) {
        if (quiescent && (d->active || d->holder))
            bad(0, "%s: %u calls active with none in progress", d->name, d->active);
        if (d->nmaps < 0 || d->nmaps > DOMAIN_MAX_MAPS) {
            bad(0, "%s: %d overlays", d->name, d->nmaps);
            continue;
        }
        wasm_memory_t *mem = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
        if (!mem)
            continue;
        uint64_t size = wasm_memory_size(mem);
        /* mem= covers its linear memory and the buffers it made (4 KiB
         * pages, domain_charge), and the charge is what it made. */
        if (d->lim.mem_pages && size / PAGE_SIZE + d->buf_pages > 16ull * d->lim.mem_pages)
            bad(5, "%s: %llu KiB of memory and %llu of buffers over its limit of %u pages",
                d->name, (unsigned long long)(size / 1024),
                (unsigned long long)d->buf_pages * 4, d->lim.mem_pages);
        if (quiescent) {
            uint64_t made = 0;
            set_clear(&objs);
            for (int i = 0; i < ncaps; i++) {
                bool fresh;
                if (caps[i].obj->type != KOBJ_BUFFER ||
                    !set_get(&objs, (uint64_t)(uintptr_t)caps[i].obj, &fresh) || !fresh)
                    continue;
                if (((buf_t *)caps[i].obj)->payer == d)
                    made += ((buf_t *)caps[i].obj)->npages;
            }
            if (made != d->buf_pages)
                bad(5, "%s: charged %llu buffer pages, its buffers have %llu", d->name,
                    (unsigned long long)d->buf_pages, (unsigned long long)made);
        }
        for (int ov = 0; ov < d->nmaps; ov++) {
            kobj_t *o;
            bool found = false;
            if (table_index(d->map_holder[ov]) < 0 ||
                cap_lookup(d->map_holder[ov], d->map_h[ov], KOBJ_ANY, 0, &o) != CAP_OK ||
                o != d->map_obj[ov]) {
                bad(1, "%s: overlay at %#x+%#x is not backed by its live capability", d->name,
                    d->map_off[ov], d->map_len[ov]);
                continue;
            }
            if (o->type != KOBJ_BUFFER)
                continue;
            buf_t *b = (buf_t *)o;
            for (uint32_t k = 0; k < b->nmaps && k < BUF_MAX_MAPS; k++)
                found |= b->maps[k].dom == d && b->maps[k].offset == d->map_off[ov];
            if (!found)
                bad(1, "%s: overlay at %#x+%#x: its buffer has no such mapping", d->name,
                    d->map_off[ov], d->map_len[ov]);
        }
        uintptr_t base = (uintptr_t)wasm_memory_data(mem);
        for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
            bool in = false;
            for (int ov = 0; ov < d->nmaps && !in; ov++)
                in = off >= d->map_off[ov] && off < (uint64_t)d->map_off[ov] + d->map_len[ov];
            uint64_t pa = in ? 0 : ipc_shim_lookup(base + off);
            if (!pa)
                continue;
            bool fresh;
            uint32_t *o = set_get(&frames, pa, &fresh);
            int st = ipc_shim_frame_state(pa);
            if (o && !fresh && *o == 1)
                bad(1, "%s: page %#llx of its memory is a buffer's frame outside any mapping",
                    d->name, (unsigned long long)off);
            else if (o && !fresh)
                bad(1, "%s: page %#llx of its memory has a frame owned elsewhere", d->name,
                    (unsigned long long)off);
            else if (st == SHIM_FRAME_FREE || st == SHIM_FRAME_NONE)
                bad(1, "%s: page %#llx of its memory is a free frame", d->name,
                    (unsigned long long)off);
            if (o)
                *o = 4;
        }
    }
}

/* Channels: the parking table holds exactly the live capabilities queued
 * messages carry. */
static void check_channels(void)
{
    set_clear(&objs);
    for (int i = 0; i < ncaps; i++) {
        bool fresh;
        if (caps[i].obj->type != KOBJ_CHANNEL)
            continue;
        uint32_t *seen = set_get(&objs, (uint64_t)(uintptr_t)caps[i].obj, &fresh);
        if (!seen || !fresh)
            continue;
        channel_t *c = (channel_t *)caps[i].obj;
        if (c->count > c->len || c->head >= c->len) {
            bad(0, "channel %p: count %u head %u of %u", (void *)c, c->count, c->head, c->len);
            continue;
        }
        uint32_t carried = 0;
        for (uint32_t k = 0; k < c->count; k++) {
            ipc_msg_t *m = &c->ring[(c->head + k) % c->len];
            kobj_t *o;
            if (m->len > IPC_MSG_MAX)
                bad(0, "channel %p: message of %u bytes", (void *)c, m->len);
            /* A capability that died in transit stays named by its message
             * until the receiver takes it (it is dropped then: the harness
             * checks that recv does not fail on it, finding 4). */
            if (m->cap && cap_lookup(c->parking, m->cap, KOBJ_ANY, 0, &o) == CAP_OK)
                carried++;
        }
        if (cap_table_count(c->parking) != carried)
            bad(0, "channel %p: %u parked capabilities for %u carried", (void *)c,
                cap_table_count(c->parking), carried);
    }
}

bool kinv_check(domsys_t *sys, bool quiescent, unsigned skip, kinv_report_t *r)
{
    skip_mask = skip;
    rep = r;
    failed = false;
    /* A channel whose last capability went waits for ipc_reap (only
     * domsys_fini runs it); what it still has in transit lives on. */
    for (channel_t *c = sys->reap; c; c = c->reap_next)
        if (cap_table_count(c->parking))
            bad(KINV_DEAD_CHANNEL, "a dead channel keeps %u capabilities in transit (until shutdown)",
                cap_table_count(c->parking));
    check_caps(sys);
    check_buffers(sys, quiescent);
    check_domains(sys, quiescent);
    check_channels();
    return !failed;
}

bool kinv_check_reset(domain_t *d, unsigned skip, kinv_report_t *r)
{
    skip_mask = skip;
    rep = r;
    failed = false;
    int i;
    for (i = 0; i < MAX_DOMS && init[i].d != d; i++)
        ;
    if (i == MAX_DOMS || !d->inst)
        return true;
    wasm_memory_t *mem = wasm_instance_memory(d->inst, 0);
    if (mem && wasm_memory_size(mem) != init[i].mem)
        bad(0, "%s after reset: memory of %llu bytes, %llu at init", d->name,
            (unsigned long long)wasm_memory_size(mem), (unsigned long long)init[i].mem);
    if (d->nmaps != init[i].nmaps)
        bad(1, "%s after reset: %d overlays, %d at init", d->name, d->nmaps, init[i].nmaps);
    uint32_t n = cap_table_handles(d->caps, hbuf, CAP_MAX_HANDLES);
    for (uint32_t k = 0; k < n && k < CAP_MAX_HANDLES; k++) {
        bool known = false;
        for (uint32_t j = 0; j < d->sup.ninit_caps && !known; j++)
            known = d->sup.init_caps[j] == hbuf[k];
        for (int j = 0; j < d->nnames && !known; j++)
            known = d->names[j].h == hbuf[k];
        if (!known)
            bad(1, "%s after reset: holds %#x, acquired after init (%u handles)", d->name, hbuf[k], n);
    }
    return !failed;
}
