/*
 * IPC: endpoints (synchronous calls by thread migration), channels
 * (bounded queues and counting signals) and buffers (page-granular memory
 * objects with Rust-like ownership). docs/ipc.md has the rules and why.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/supervise.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <wasm/wasm.h>

#include "overlay.h"

/* The scheduler may not be linked in (early boot tests, host tests that
 * do not need it): without it nothing ever blocks, waits time out at once. */
#pragma weak thread_current
#pragma weak waitq_wait
#pragma weak waitq_wake_one
#pragma weak waitq_wake_all

static const char *const ipc_errs[] = {
    "bad pointer", "server trapped", "server stopped", "server busy", "timed out",
    "queue full", "queue empty", "message too long", "buffer lent or borrowed",
    "bad map place", "domain limit reached",
};

const char *ipc_strerror(int err)
{
    if (err <= IPC_EFAULT && err >= IPC_ELIMIT)
        return ipc_errs[IPC_EFAULT - err];
    return cap_strerror(err);
}

static int buffer_movable(cap_table_t *t, cap_handle_t h);

static thread_t *current(void)
{
    return thread_current ? thread_current() : NULL;
}

static uint64_t deadline_of(uint64_t timeout_ns)
{
    if (timeout_ns == IPC_FOREVER)
        return 0;
    uint64_t now = timer_now_ns();
    return now + timeout_ns < now ? 0 : now + timeout_ns;
}

/* Blocks on q until woken or the deadline (0: none); false on timeout or
 * when there is no scheduler. Interrupts must be off (was: their state). */
static bool block_on(waitq_t *q, uint64_t deadline, bool was)
{
    if (!waitq_wait || !current()) {
        cpu_irq_restore(was);
        return false;
    }
    return waitq_wait(q, deadline);
}

static void wake_one(waitq_t *q)
{
    if (waitq_wake_one && q->head)
        waitq_wake_one(q);
}

/* ------------------------------------------------------------ endpoints */

static void endpoint_unref(kobj_t *o)
{
    kfree(o);
}

const kobj_ops_t endpoint_ops = {NULL, endpoint_unref};

endpoint_t *endpoint_create(domain_t *server, const char *handler)
{
    size_t n = strlen(handler);
    endpoint_t *ep = n < DOMAIN_NAME_MAX ? kmalloc(sizeof *ep) : NULL;
    if (!ep)
        return NULL;
    kobj_init(&ep->obj, KOBJ_ENDPOINT, &endpoint_ops);
    ep->server = server;
    memcpy(ep->handler, handler, n + 1);
    return ep;
}

/* The handler must be (i64, i64, i64, i64) -> i64. */
static bool resolve(endpoint_t *ep)
{
    const uint8_t *p, *r;
    uint32_t np, nr;
    wasm_func_t *f = wasm_instance_func(ep->server->inst, ep->handler);
    if (!f)
        return false;
    wasm_func_type(f, &p, &np, &r, &nr);
    if (np != 4 || nr != 1 || r[0] != WASM_I64)
        return false;
    for (uint32_t i = 0; i < 4; i++)
        if (p[i] != WASM_I64)
            return false;
    ep->fn = f;
    return true;
}

/* Claims server s for one call. A non-reentrant server that is busy makes
 * the caller wait (up to the deadline), unless the caller's own thread holds
 * it (a cycle: waiting would never end) or it must not wait. */
static int enter(domain_t *s, uint64_t timeout_ns)
{
    if (s->flags & DOMAIN_REENTRANT) {
        s->active++;
        return 0;
    }
    thread_t *me = current();
    uint64_t deadline = 0;
    bool first = true;
    while (s->active) {
        if (timeout_ns == 0 || s->holder == me)
            return IPC_EBUSY;
        if (first)
            deadline = deadline_of(timeout_ns), first = false;
        bool was = cpu_irq_save();
        if (!s->active) {
            cpu_irq_restore(was);
            break;
        }
        if (!block_on(&s->callers, deadline, was))
            return me ? IPC_ETIMEDOUT : IPC_EBUSY;
    }
    s->active = 1;
    s->holder = me;
    return 0;
}

static void leave(domain_t *s)
{
    s->active--;
    if (!(s->flags & DOMAIN_REENTRANT)) {
        s->holder = NULL;
        wake_one(&s->callers);
    }
}

int ipc_call_endpoint(endpoint_t *ep, wasm_exec_t *ex, const uint64_t args[4],
                      uint64_t timeout_ns, uint64_t *result)
{
    domain_t *s = ep->server;
    if (!s || s->state != DOMAIN_READY || (!ep->fn && !resolve(ep)))
        return IPC_ESTOPPED;
    int e = enter(s, timeout_ns);
    if (e)
        return e;
    if (s->state != DOMAIN_READY) {     /* it faulted while we waited */
        leave(s);
        return IPC_ESTOPPED;
    }
    s->calls++;
    /* The handler runs on the caller's exec: its frames sit above the
     * caller's, and a trap unwinds only them. */
    sup_run_begin(s, ex);
    wasm_trap_kind_t k = wasm_call(ex, ep->fn, args, result, s->sup.trap);
    sup_run_end(s);
    leave(s);
    if (s->ro_kill) {   /* it wrote to a read-only lend (the write went to scratch) */
        s->ro_kill = false;
        wasm_exec_clear_interrupt(ex);
        s->traps++;
        domain_fault(s, WASM_TRAP_HOST, "write to a read-only lent page");
        return IPC_ETRAP;
    }
    if (k == WASM_OK)
        return 0;
    /* Out of fuel or interrupted: the caller's budget or an interrupt aimed
     * at the caller, unless the supervisor stopped s (sup.killed). Those
     * are the caller's: its host call stops it (finish_call in hostcall.c,
     * or its interrupt flag at its next safe point). */
    if (!s->sup.killed && (k == WASM_TRAP_OUT_OF_FUEL || k == WASM_TRAP_INTERRUPTED))
        return IPC_ETRAP;
    s->traps++;
    domain_fault(s, k, "trapped in a call");    /* contained: kern/supervise.h */
    return IPC_ETRAP;
}

int ipc_call(cap_table_t *caller, wasm_exec_t *ex, cap_handle_t h, const uint64_t args[4],
             uint64_t timeout_ns, uint64_t *result)
{
    kobj_t *o;
    int e = cap_lookup(caller, h, KOBJ_ENDPOINT, CAP_R_CALL, &o);
    if (e)
        return e;
    return ipc_call_endpoint((endpoint_t *)o, ex, args, timeout_ns, result);
}

/* ------------------------------------------------------------ channels */

static void channel_unref(kobj_t *o)
{
    channel_t *c = (channel_t *)o;
    /* Its parking table cannot be destroyed inside a cap call: defer. */
    c->reap_next = c->sys->reap;
    c->sys->reap = c;
}

const kobj_ops_t channel_ops = {NULL, channel_unref};

channel_t *channel_create(domsys_t *sys, uint32_t qlen)
{
    channel_t *c = qlen ? kmalloc(sizeof *c) : NULL;
    if (!c)
        return NULL;
    kobj_init(&c->obj, KOBJ_CHANNEL, &channel_ops);
    c->sys = sys;
    c->len = qlen;
    c->ring = kmalloc(qlen * sizeof *c->ring);
    c->parking = cap_table_create(&sys->space, qlen, c);
    if (!c->ring || !c->parking) {
        if (c->parking)
            cap_table_destroy(c->parking);
        kfree(c->ring);
        kfree(c);
        return NULL;
    }
    return c;
}

void ipc_reap(domsys_t *sys)
{
    while (sys->reap) {
        channel_t *c = sys->reap;
        sys->reap = c->reap_next;
        cap_table_destroy(c->parking);
        kfree(c->ring);
        kfree(c);
    }
}

int ipc_send(cap_table_t *from, cap_handle_t ch, const void *msg, uint32_t len, cap_handle_t cap)
{
    kobj_t *o;
    int e = cap_lookup(from, ch, KOBJ_CHANNEL, CAP_R_SEND, &o);
    if (e)
        return e;
    channel_t *c = (channel_t *)o;
    if (len > IPC_MSG_MAX)
        return IPC_EMSGSIZE;
    if (c->count == c->len)
        return IPC_EFULL;
    if (cap && (e = buffer_movable(from, cap)))
        return e;
    /* A channel in a channel's queue could end up holding itself (or two
     * channels each other): a cycle nothing would ever free. */
    kobj_t *moved;
    if (cap && cap_lookup(from, cap, KOBJ_CHANNEL, 0, &moved) == CAP_OK)
        return CAP_ETYPE;
    ipc_msg_t *m = &c->ring[(c->head + c->count) % c->len];
    m->cap = 0;
    if (cap && (e = cap_transfer(from, cap, c->parking, CAP_R_SAME, &m->cap)) != CAP_OK)
        return e;
    m->len = len;
    memcpy(m->data, msg, len);
    c->count++;
    wake_one(&c->waiters);
    return 0;
}

int ipc_recv(cap_table_t *to, cap_handle_t ch, void *buf, uint32_t cap, cap_handle_t *got,
             uint64_t timeout_ns)
{
    kobj_t *o;
    int e = cap_lookup(to, ch, KOBJ_CHANNEL, CAP_R_RECV, &o);
    if (e)
        return e;
    channel_t *c = (channel_t *)o;
    uint64_t deadline = 0;
    while (c->count == 0) {
        if (timeout_ns == 0)
            return IPC_EEMPTY;
        if (!deadline)
            deadline = deadline_of(timeout_ns);
        bool was = cpu_irq_save();
        if (c->count) {
            cpu_irq_restore(was);
            break;
        }
        if (!block_on(&c->waiters, deadline, was))
            return IPC_ETIMEDOUT;
    }
    ipc_msg_t *m = &c->ring[c->head];
    *got = 0;
    if (m->cap && (e = cap_transfer(c->parking, m->cap, to, CAP_R_SAME, got)) != CAP_OK)
        return e;   /* the receiver's table is full: the message stays queued */
    memcpy(buf, m->data, m->len < cap ? m->len : cap);
    c->head = (c->head + 1) % c->len;
    c->count--;
    return (int)m->len;
}

int ipc_notify(cap_table_t *from, cap_handle_t ch)
{
    kobj_t *o;
    int e = cap_lookup(from, ch, KOBJ_CHANNEL, CAP_R_SEND, &o);
    if (e)
        return e;
    channel_t *c = (channel_t *)o;
    c->signals++;
    wake_one(&c->waiters);
    return 0;
}

int64_t ipc_wait(cap_table_t *t, cap_handle_t ch, uint64_t timeout_ns)
{
    kobj_t *o;
    int e = cap_lookup(t, ch, KOBJ_CHANNEL, CAP_R_RECV, &o);
    if (e)
        return e;
    channel_t *c = (channel_t *)o;
    uint64_t deadline = 0;
    while (c->signals == 0 && timeout_ns) {
        if (!deadline)
            deadline = deadline_of(timeout_ns);
        bool was = cpu_irq_save();
        if (c->signals) {
            cpu_irq_restore(was);
            break;
        }
        if (!block_on(&c->waiters, deadline, was))
            break;
    }
    int64_t n = (int64_t)c->signals;
    c->signals = 0;
    return n;
}

/* ------------------------------------------------------------ buffers */

static void buffer_free_frames(buffer_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        pmm_free(b->frames[i]);
    kfree(b->frames);
}

static void buffer_unref(kobj_t *o)
{
    buffer_t *b = (buffer_t *)o;
    buffer_free_frames(b, b->npages);
    kfree(b);
}

/* Maps n frames at va, one mmu_map per run of physically contiguous frames
 * (a fresh buffer is usually one run): fewer page-table walks and, on the
 * hosted shim, one mmap per run instead of one per page. */
static bool map_frames(uintptr_t va, const uint64_t *frames, uint32_t n, unsigned flags)
{
    for (uint32_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && frames[j] == frames[j - 1] + PAGE_SIZE; j++)
            ;
        if (!mmu_map(va + (uintptr_t)i * PAGE_SIZE, frames[i], (size_t)(j - i) * PAGE_SIZE, flags))
            return false;
    }
    return true;
}

/* The map of holder t under h, or NULL. */
static buf_map_t *buf_find(buffer_t *b, cap_table_t *t, cap_handle_t h)
{
    for (uint32_t i = 0; i < b->nmaps; i++)
        if (b->maps[i].holder == t && b->maps[i].h == h)
            return &b->maps[i];
    return NULL;
}

/* Puts back the frames d had under map m, forgets the range. */
static void unmap_one(buffer_t *b, buf_map_t *m)
{
    domain_t *d = m->dom;
    uintptr_t va = overlay_va(d, m->offset);
    for (uint32_t i = 0; !m->writable && i < b->npages; i++) {
        uint64_t pa = mmu_translate(va + (uintptr_t)i * PAGE_SIZE);
        if (pa && pa != b->frames[i])     /* a scratch frame of ipc_ro_write_fault */
            pmm_free(pa);
    }
    mmu_unmap(va, (size_t)b->npages * PAGE_SIZE);
    if (!map_frames(va, m->saved, b->npages, MMU_READ | MMU_WRITE))
        panic("buf_unmap: cannot restore a page of %s", d->name);
    overlay_untrack(d, m->offset, m->saved);
    *m = b->maps[--b->nmaps];
}

/* A capability to b left holder: its mapping (if any) leaves the memory. */
static void buffer_revoke(kobj_t *o, cap_table_t *holder, cap_handle_t h)
{
    buffer_t *b = (buffer_t *)o;
    buf_map_t *m = buf_find(b, holder, h);
    if (m)
        unmap_one(b, m);
}

const kobj_ops_t buffer_ops = {buffer_revoke, buffer_unref};

buffer_t *buffer_create(uint32_t npages)
{
    buffer_t *b = npages ? kmalloc(sizeof *b) : NULL;
    if (!b)
        return NULL;
    kobj_init(&b->obj, KOBJ_BUFFER, &buffer_ops);
    b->frames = kmalloc((size_t)npages * sizeof *b->frames);
    for (uint32_t i = 0; b->frames && i < npages; i++)
        if (!(b->frames[i] = pmm_alloc())) {
            buffer_free_frames(b, i);
            b->frames = NULL;
        }
    if (!b->frames) {
        kfree(b);
        return NULL;
    }
    b->npages = npages;
    return b;
}

int buf_map(domain_t *d, cap_table_t *t, cap_handle_t h, uint32_t offset)
{
    kobj_t *o;
    uint32_t rights;
    int e = cap_lookup(t, h, KOBJ_BUFFER, CAP_R_MAP, &o);
    if (e || (e = cap_info(t, h, &rights, NULL)))
        return e;
    buffer_t *b = (buffer_t *)o;
    uint64_t len = (uint64_t)b->npages * PAGE_SIZE;
    if (buf_find(b, t, h))
        return IPC_EMAPPED;
    if (b->nmaps == BUF_MAX_MAPS)
        return IPC_ELIMIT;
    if ((e = overlay_place_ok(d, offset, len)))
        return e;
    buf_map_t *m = &b->maps[b->nmaps];
    if (!(m->saved = kmalloc(b->npages * sizeof *m->saved)))
        return CAP_ENOMEM;
    wasm_memory_t *mem = wasm_instance_memory(d->inst, 0);
    uintptr_t va = (uintptr_t)wasm_memory_data(mem) + offset;
    /* Under a snapshot the pages are write-protected and their first write
     * fault is copy-on-write, which would remap the buffer's frame
     * writable: settle it now (saved, dirty, writable: our frames), so a
     * fault in the mapping is its own (ipc_ro_write_fault). */
    for (uint32_t i = 0; i < b->npages; i++)
        wasm_memory_write_fault(mem, (void *)(va + (uintptr_t)i * PAGE_SIZE));
    overlay_save(va, m->saved, b->npages);
    m->writable = (rights & CAP_R_WRITE) != 0;
    mmu_unmap(va, len);
    if (!map_frames(va, b->frames, b->npages, MMU_READ | (m->writable ? MMU_WRITE : 0)))
        panic("buf_map: cannot map a page into %s", d->name);
    m->dom = d;
    m->holder = t;
    m->h = h;
    m->offset = offset;
    b->nmaps++;
    overlay_track(d, offset, len);
    return 0;
}

int buf_unmap(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_BUFFER, 0, &o);
    if (e)
        return e;
    buffer_t *b = (buffer_t *)o;
    buf_map_t *m = buf_find(b, t, h);
    if (!m)
        return IPC_EMAPPED;
    unmap_one(b, m);
    return 0;
}

/* The domain of sys with a buffer mapping over page va, or NULL. */
static domain_t *mapping_at(domsys_t *sys, uintptr_t va)
{
    for (domain_t *d = sys ? sys->list : NULL; d; d = d->next) {
        wasm_memory_t *mem = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
        uintptr_t base = mem ? (uintptr_t)wasm_memory_data(mem) : 0;
        for (int i = 0; mem && i < d->nmaps; i++)
            if (va >= base + d->map_off[i] && va < base + d->map_off[i] + d->map_len[i])
                return d;
    }
    return NULL;
}

bool ipc_ro_write_fault(domsys_t *sys, uintptr_t addr)
{
    uintptr_t va = addr & ~(uintptr_t)(PAGE_SIZE - 1);
    domain_t *d = mapping_at(sys, va);
    /* A writable mapping never faults: a present page that did is read-only. */
    if (!d || !mmu_translate(va))
        return false;
    uint64_t scratch = pmm_alloc();
    if (!scratch)
        return false;
    mmu_unmap(va, PAGE_SIZE);
    if (!mmu_map(va, scratch, PAGE_SIZE, MMU_READ | MMU_WRITE))
        panic("ipc_ro_write_fault: cannot map a scratch page into %s", d->name);
    d->ro_kill = true;
    if (d->sup.run_ex)     /* a call into d: stop it at its next safe point */
        wasm_exec_interrupt(d->sup.run_ex);
    return true;
}

/* d's system has a domain marked ro_kill whose running call is on ex
 * (kern/sched.h: the scheduler's safe-point hook asks). */
bool ipc_exec_killed(struct domain *d, struct wasm_exec *ex)
{
    for (domain_t *s = d && d->sys ? d->sys->list : NULL; s; s = s->next)
        if (s->ro_kill && s->sup.run_ex == ex)
            return true;
    return false;
}

/* A writable lend needs the buffer to itself: no lend in progress and no
 * mapping in another domain than the lender's. */
static int lend_check(buffer_t *b, domain_t *lender, bool writable)
{
    if (b->rw_lent || (writable && b->ro_lends))
        return IPC_ELENT;
    for (uint32_t i = 0; writable && i < b->nmaps; i++)
        if (b->maps[i].dom != lender)
            return IPC_ELENT;
    return 0;
}

int ipc_call_lend(cap_table_t *caller, wasm_exec_t *ex, cap_handle_t ep, cap_handle_t buf,
                  uint32_t rights, const uint64_t args[3], uint64_t timeout_ns, uint64_t *result)
{
    kobj_t *eo, *bo;
    bool writable = (rights & CAP_R_WRITE) != 0;
    int e = cap_lookup(caller, ep, KOBJ_ENDPOINT, CAP_R_CALL, &eo);
    if (e || (e = cap_lookup(caller, buf, KOBJ_BUFFER, CAP_R_DERIVE | rights, &bo)))
        return e;
    endpoint_t *p = (endpoint_t *)eo;
    buffer_t *b = (buffer_t *)bo;
    if (rights & ~(CAP_R_READ | CAP_R_WRITE))
        return CAP_EINVAL;
    if (!p->server || p->server->state != DOMAIN_READY)
        return IPC_ESTOPPED;
    if ((e = lend_check(b, cap_table_owner(caller), writable)))
        return e;
    cap_handle_t lent;
    /* No derive, no transfer: the borrower cannot keep any of it. */
    e = cap_derive(caller, buf, rights | CAP_R_READ | CAP_R_MAP, p->server->caps, &lent);
    if (e)
        return e;
    if (writable)
        b->rw_lent = true;
    else
        b->ro_lends++;
    uint64_t a[4] = {args[0], args[1], args[2], lent};
    e = ipc_call_endpoint(p, ex, a, timeout_ns, result);
    /* The lend ends with the call: the derived capability goes, and with it
     * the borrower's mapping (buffer_revoke). */
    cap_delete(p->server->caps, lent);
    if (writable)
        b->rw_lent = false;
    else
        b->ro_lends--;
    return e;
}

/* A buffer that is lent may not move: the send refuses it. */
static int buffer_movable(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    if (cap_lookup(t, h, KOBJ_BUFFER, 0, &o) != CAP_OK)
        return 0;
    buffer_t *b = (buffer_t *)o;
    return b->rw_lent || b->ro_lends ? IPC_ELENT : 0;
}
