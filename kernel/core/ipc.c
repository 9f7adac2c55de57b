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

static const char *const ipc_errs[] = {
    "bad pointer", "server trapped", "server stopped", "server busy", "timed out",
    "queue full", "queue empty", "message too long", "buffer lent or borrowed",
    "bad map place", "domain limit reached", "caller's stack too low for a call",
};

const char *ipc_strerror(int err)
{
    if (err <= IPC_EFAULT && err >= IPC_ESTACK)
        return ipc_errs[IPC_EFAULT - err];
    return cap_strerror(err);
}

static int buf_movable(cap_table_t *t, cap_handle_t h);

/* No thread before the scheduler runs (and in host tests without one):
 * then nothing ever blocks, waits time out at once. */
static thread_t *current(void)
{
    return thread_current();
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
    if (!current()) {
        cpu_irq_restore(was);
        return false;
    }
    return waitq_wait(q, deadline);
}

static void wake_one(waitq_t *q)
{
    if (q->head)
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
    ep->check[0] = 0;
    ep->fn = ep->check_fn = NULL;
    return ep;
}

bool endpoint_set_check(endpoint_t *ep, const char *check)
{
    size_t n = strlen(check);
    if (n >= DOMAIN_NAME_MAX)
        return false;
    memcpy(ep->check, check, n + 1);
    ep->fn = ep->check_fn = NULL;
    return true;
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
    wasm_func_t *c = NULL;
    if (ep->check[0]) {     /* (i64 x 5) -> i32 */
        c = wasm_instance_func(ep->server->inst, ep->check);
        if (!c)
            return false;
        wasm_func_type(c, &p, &np, &r, &nr);
        if (np != 5 || nr != 1 || r[0] != WASM_I32)
            return false;
        for (uint32_t i = 0; i < 5; i++)
            if (p[i] != WASM_I64)
                return false;
    }
    ep->fn = f;
    ep->check_fn = c;
    return true;
}

/* Claims server s for one call. A non-reentrant server that is busy makes
 * the caller wait (up to the deadline), unless the caller's own thread holds
 * it (a cycle: waiting would never end) or it must not wait. */
static int enter(domain_t *s, uint64_t timeout_ns, bool *waited)
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
        *waited = true;
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

/* A lend riding on a call: buffer h of the caller's table, lent with rights. */
typedef struct lend {
    cap_handle_t h;
    uint32_t rights;
    buf_t *b;                /* referenced by the caller for the call */
} lend_t;

static int lend_check(buf_t *b, domain_t *lender, bool writable);

/* The caller's capabilities still name what it looked up before waiting:
 * the wait may have lasted past a revoke, a lease's end or a delete. */
static int reauthorise(cap_table_t *t, cap_handle_t h, endpoint_t *ep, const lend_t *lend)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_ENDPOINT, CAP_R_CALL, &o);
    if (!e && o != &ep->obj)
        e = CAP_ESTALE;
    if (!e && lend && !(e = cap_lookup(t, lend->h, KOBJ_BUFFER, CAP_R_DERIVE | lend->rights, &o)) &&
        o != &lend->b->obj)
        e = CAP_ESTALE;
    return e;
}

/* The call path. ep (and lend->b) are referenced by the caller for the
 * whole call: the handler, or another thread while this one waits, may
 * delete the capabilities they were found through. t/h (t may be NULL for
 * a kernel call) are re-checked after any wait. */
static int call_run(endpoint_t *ep, wasm_exec_t *ex, cap_table_t *t, cap_handle_t h,
                    const lend_t *lend, uint64_t a[4], uint64_t timeout_ns, uint64_t *result)
{
    domain_t *s = ep->server;
    bool waited = false;
    if (!s || s->state != DOMAIN_READY || (!ep->fn && !resolve(ep)))
        return IPC_ESTOPPED;
    /* A handler may count on this much stack: a caller that left less
     * has exhausted its own stack, and the trap is its own. */
    if (!wasm_exec_room(ex, IPC_ROOM_FRAMES, IPC_ROOM_CELLS, IPC_ROOM_NATIVE))
        return IPC_ESTACK;
    int e = enter(s, timeout_ns, &waited);
    if (e)
        return e;
    if (waited && t && (e = reauthorise(t, h, ep, lend))) {
        leave(s);
        return e;
    }
    if (s->state != DOMAIN_READY) {     /* it faulted while we waited */
        leave(s);
        return IPC_ESTOPPED;
    }
    cap_handle_t lent = 0;
    if (lend) {
        bool writable = (lend->rights & CAP_R_WRITE) != 0;
        /* No derive, no transfer: the borrower cannot keep any of it. */
        if ((e = lend_check(lend->b, cap_table_owner(t), writable)) ||
            (e = cap_derive(t, lend->h, lend->rights | CAP_R_READ | CAP_R_MAP, s->caps, &lent))) {
            leave(s);
            return e;
        }
        if (writable) {
            lend->b->rw_lent = true;
            lend->b->lend_to = s->caps;
            lend->b->lend_h = lent;
        } else {
            lend->b->ro_lends++;
        }
        a[3] = lent;
    }
    s->calls++;
    /* What the server sees of the capability the call came through: its
     * badge (a kernel call's: none). */
    uint64_t badge = 0, outer_badge = s->call_badge;
    if (t)
        cap_badge(t, h, &badge);
    s->call_badge = badge;
    /* The handler runs on the caller's exec: its frames sit above the
     * caller's, and a trap unwinds only them. */
    sup_run_begin(s, ex);
    uint64_t req[5] = {a[0], a[1], a[2], a[3], 0}, bad = 0;
    wasm_trap_kind_t k = wasm_call(ex, ep->fn, a, result, s->sup.trap);
    if (k == WASM_OK && ep->check_fn) {     /* the server's self-check */
        req[4] = *result;
        k = wasm_call(ex, ep->check_fn, req, &bad, s->sup.trap);
    }
    sup_run_end(s);
    s->call_badge = outer_badge;
    if (lend) {
        /* The lend ends with the call: the derived capability goes, and
         * with it the borrower's mapping (buf_revoke). The handler may
         * have dropped it already. */
        cap_delete(s->caps, lent);
        if (lend->rights & CAP_R_WRITE) {
            lend->b->rw_lent = false;
            lend->b->lend_to = NULL;
            lend->b->lend_h = 0;
        } else {
            lend->b->ro_lends--;
        }
    }
    leave(s);
    if (s->ro_kill) {   /* it wrote to a read-only lend (the write went to scratch) */
        s->ro_kill = false;
        wasm_exec_clear_interrupt(ex);
        s->traps++;
        domain_fault(s, WASM_TRAP_HOST, "write to a read-only lent page");
        return IPC_ETRAP;
    }
    if (k == WASM_OK && (uint32_t)bad) {
        s->traps++;
        domain_fault(s, WASM_TRAP_HOST, "self-check failed");
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

int ipc_call_endpoint(endpoint_t *ep, wasm_exec_t *ex, const uint64_t args[4],
                      uint64_t timeout_ns, uint64_t *result)
{
    uint64_t a[4] = {args[0], args[1], args[2], args[3]};
    kobj_ref(&ep->obj);
    int e = call_run(ep, ex, NULL, 0, NULL, a, timeout_ns, result);
    kobj_unref(&ep->obj);
    return e;
}

int ipc_call(cap_table_t *caller, wasm_exec_t *ex, cap_handle_t h, const uint64_t args[4],
             uint64_t timeout_ns, uint64_t *result)
{
    kobj_t *o;
    int e = cap_lookup(caller, h, KOBJ_ENDPOINT, CAP_R_CALL, &o);
    if (e)
        return e;
    uint64_t a[4] = {args[0], args[1], args[2], args[3]};
    kobj_ref(o);
    e = call_run((endpoint_t *)o, ex, caller, h, NULL, a, timeout_ns, result);
    kobj_unref(o);
    return e;
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
    if (cap && (e = buf_movable(from, cap)))
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

/* The channel under ch in t with need, referenced, or an error. */
static int channel_get(cap_table_t *t, cap_handle_t ch, uint32_t need, channel_t **out)
{
    kobj_t *o;
    int e = cap_lookup(t, ch, KOBJ_CHANNEL, need, &o);
    if (e)
        return e;
    kobj_ref(o);
    *out = (channel_t *)o;
    return 0;
}

/* After a wait: t's capability ch still names c with need. */
static int channel_still(cap_table_t *t, cap_handle_t ch, uint32_t need, channel_t *c)
{
    kobj_t *o;
    int e = cap_lookup(t, ch, KOBJ_CHANNEL, need, &o);
    return e ? e : o != &c->obj ? CAP_ESTALE : 0;
}

static void *kernel_dest(void *arg, uint32_t len)
{
    (void)len;
    return arg;
}

int ipc_recv(cap_table_t *to, cap_handle_t ch, void *buf, uint32_t cap, cap_handle_t *got,
             uint64_t timeout_ns)
{
    return ipc_recv_to(to, ch, kernel_dest, buf, cap, got, timeout_ns);
}

int ipc_recv_to(cap_table_t *to, cap_handle_t ch, ipc_dest_fn dest, void *arg, uint32_t cap,
                cap_handle_t *got, uint64_t timeout_ns)
{
    channel_t *c;
    int e = channel_get(to, ch, CAP_R_RECV, &c);
    if (e)
        return e;
    uint64_t deadline = 0;
    bool waited = false;
    while (c->count == 0) {
        if (timeout_ns == 0) {
            e = IPC_EEMPTY;
            goto out;
        }
        if (!deadline)
            deadline = deadline_of(timeout_ns);
        bool was = cpu_irq_save();
        if (c->count) {
            cpu_irq_restore(was);
            break;
        }
        waited = true;
        if (!block_on(&c->waiters, deadline, was)) {
            e = IPC_ETIMEDOUT;
            goto out;
        }
    }
    if (waited && (e = channel_still(to, ch, CAP_R_RECV, c)))
        goto out;
    ipc_msg_t *m = &c->ring[c->head];
    /* The destination is resolved now, after any wait: a guest memory may
     * have shrunk meanwhile (a reset). Nothing is taken when it is gone. */
    uint8_t *p = dest(arg, m->len < cap ? m->len : cap);
    if (!p) {
        e = IPC_EFAULT;
        goto out;
    }
    *got = 0;
    if (m->cap) {
        e = cap_transfer(c->parking, m->cap, to, CAP_R_SAME, got);
        if (e == CAP_ENOSPACE || e == CAP_ENOMEM)
            goto out;   /* the receiver's table is full: the message stays queued */
        if (e) {
            /* It died in transit (revoked, its lease ended): the message
             * goes on without it; a dead capability must not wedge the queue. */
            cap_delete(c->parking, m->cap);
            *got = 0;
        }
    }
    memcpy(p, m->data, m->len < cap ? m->len : cap);
    c->head = (c->head + 1) % c->len;
    c->count--;
    e = (int)m->len;
out:
    kobj_unref(&c->obj);
    return e;
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
    channel_t *c;
    int e = channel_get(t, ch, CAP_R_RECV, &c);
    if (e)
        return e;
    uint64_t deadline = 0;
    bool waited = false;
    while (c->signals == 0 && timeout_ns) {
        if (!deadline)
            deadline = deadline_of(timeout_ns);
        bool was = cpu_irq_save();
        if (c->signals) {
            cpu_irq_restore(was);
            break;
        }
        waited = true;
        if (!block_on(&c->waiters, deadline, was))
            break;
    }
    int64_t n = (int64_t)c->signals;
    if (waited && (e = channel_still(t, ch, CAP_R_RECV, c)))
        n = e;      /* the signals stay for whoever may still take them */
    else
        c->signals = 0;
    kobj_unref(&c->obj);
    return n;
}

/* ------------------------------------------------------------ buffers */

static void buf_free_frames(buf_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        pmm_free(b->frames[i]);
    kfree(b->frames);
}

void buf_unpin(buf_t *b, cap_table_t *t, cap_handle_t h, bool quiesce)
{
    for (uint32_t i = 0; i < b->npins;) {
        buf_pin_t *p = &b->pins[i];
        if (t && (p->holder != t || p->h != h)) {
            i++;
            continue;
        }
        buf_pin_t pin = *p;
        *p = b->pins[--b->npins];
        if (quiesce)
            pin.stop(pin.dma);
        kobj_unref(pin.dma);
    }
}

static void buf_unref(kobj_t *o)
{
    buf_t *b = (buf_t *)o;
    /* Every pin goes with its capability, before the last reference; one
     * left here would be a device that may still write the frames. */
    buf_unpin(b, NULL, 0, true);
    if (b->payer)
        domain_uncharge(b->payer, b->npages);
    buf_free_frames(b, b->npages);
    kfree(b);
}

/* Maps n frames at va, one mmu_map per run of physically contiguous frames
 * (a fresh buffer is usually one run): fewer page-table walks and, on the
 * hosted shim, one mmap per run instead of one per page. Scattered frames
 * (a domain's own pages coming back) are mapped without a fence each and
 * fenced once at the end. */
static bool map_frames(uintptr_t va, const uint64_t *frames, uint32_t n, unsigned flags)
{
    bool one_run = true;
    for (uint32_t i = 1; i < n && one_run; i++)
        one_run = frames[i] == frames[i - 1] + PAGE_SIZE;
    unsigned f = one_run ? flags : flags | MMU_NOFENCE;
    bool ok = true;
    for (uint32_t i = 0, j; i < n && ok; i = j) {
        for (j = i + 1; j < n && frames[j] == frames[j - 1] + PAGE_SIZE; j++)
            ;
        ok = mmu_map(va + (uintptr_t)i * PAGE_SIZE, frames[i], (size_t)(j - i) * PAGE_SIZE, f);
    }
    if (!one_run)
        mmu_flush(va, (size_t)n * PAGE_SIZE);
    return ok;
}

/* The map of holder t under h, or NULL. */
static buf_map_t *buf_find(buf_t *b, cap_table_t *t, cap_handle_t h)
{
    for (uint32_t i = 0; i < b->nmaps; i++)
        if (b->maps[i].holder == t && b->maps[i].h == h)
            return &b->maps[i];
    return NULL;
}

/* Puts back the frames d had under map m, forgets the range. */
static void unmap_one(buf_t *b, buf_map_t *m)
{
    domain_t *d = m->dom;
    uintptr_t va = overlay_va(d, m->offset);
    mmu_unmap(va, (size_t)b->npages * PAGE_SIZE);
    if (m->sink)
        pmm_free(m->sink);
    else if (!m->writable)
        pmm_unpromise(1);
    overlay_restore(d, m->offset, m->saved, b->npages);
    overlay_untrack(d, m->offset, m->saved);
    *m = b->maps[--b->nmaps];
}

/* A capability to b left holder (or the holder's domain is reset): its
 * mapping (if any) leaves the memory. */
static void buf_revoke(kobj_t *o, cap_table_t *holder, cap_handle_t h)
{
    buf_t *b = (buf_t *)o;
    /* A device still given its pages under h stops first: the pages are
     * going back to their owner (or to be freed). */
    buf_unpin(b, holder, h, true);
    buf_map_t *m = buf_find(b, holder, h);
    if (m)
        unmap_one(b, m);
}

const kobj_ops_t buf_ops = {buf_revoke, buf_unref};

buf_t *buf_create(uint32_t npages)
{
    buf_t *b = npages ? kmalloc(sizeof *b) : NULL;
    if (!b)
        return NULL;
    memset(b, 0, sizeof *b);
    kobj_init(&b->obj, KOBJ_BUFFER, &buf_ops);
    b->frames = kmalloc((size_t)npages * sizeof *b->frames);
    for (uint32_t i = 0; b->frames && i < npages; i++)
        if (!(b->frames[i] = pmm_alloc())) {
            buf_free_frames(b, i);
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
    buf_t *b = (buf_t *)o;
    uint64_t len = (uint64_t)b->npages * PAGE_SIZE;
    if (buf_find(b, t, h))
        return IPC_EMAPPED;
    if (b->nmaps == BUF_MAX_MAPS)
        return IPC_ELIMIT;
    /* Ownership holds at every map, not only at lend time: while a
     * writable lend runs only the borrower maps it; while read-only lends
     * run nobody maps it writable. */
    if ((b->rw_lent && (t != b->lend_to || h != b->lend_h)) ||
        (b->ro_lends && (rights & CAP_R_WRITE)))
        return IPC_ELENT;
    if ((e = overlay_place_ok(d, offset, len)))
        return e;
    buf_map_t *m = &b->maps[b->nmaps];
    /* A read-only mapping keeps a frame promised for the writes a fault
     * sends aside (ipc_ro_write_fault): that fault cannot fail. */
    bool writable = (rights & CAP_R_WRITE) != 0;
    if (!writable && !pmm_promise(1))
        return CAP_ENOMEM;
    if (!(m->saved = kmalloc(b->npages * sizeof *m->saved))) {
        if (!writable)
            pmm_unpromise(1);
        return CAP_ENOMEM;
    }
    uintptr_t va = overlay_va(d, offset);
    overlay_save(d, offset, m->saved, b->npages);
    m->writable = writable;
    m->sink = 0;
    mmu_unmap(va, len);
    if (!map_frames(va, b->frames, b->npages, MMU_READ | (m->writable ? MMU_WRITE : 0)))
        panic("buf_map: cannot map a page into %s", d->name);
    m->dom = d;
    m->holder = t;
    m->h = h;
    m->offset = offset;
    b->nmaps++;
    overlay_track(d, offset, len, o, t, h);
    return 0;
}

int buf_unmap(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_BUFFER, 0, &o);
    if (e)
        return e;
    buf_t *b = (buf_t *)o;
    buf_map_t *m = buf_find(b, t, h);
    if (!m)
        return IPC_EMAPPED;
    unmap_one(b, m);
    return 0;
}

/* The read-only buffer mapping of sys over page va (its domain in *dp),
 * or NULL. */
static buf_map_t *ro_mapping_at(domsys_t *sys, uintptr_t va, domain_t **dp)
{
    for (domain_t *d = sys ? sys->list : NULL; d; d = d->next) {
        wasm_memory_t *mem = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
        uintptr_t base = mem ? (uintptr_t)wasm_memory_data(mem) : 0;
        for (int i = 0; mem && i < d->nmaps; i++) {
            if (va < base + d->map_off[i] || va >= base + d->map_off[i] + d->map_len[i])
                continue;
            if (d->map_obj[i]->type != KOBJ_BUFFER)
                return NULL;
            buf_map_t *m = buf_find((buf_t *)d->map_obj[i], d->map_holder[i], d->map_h[i]);
            *dp = d;
            return m && !m->writable ? m : NULL;
        }
    }
    return NULL;
}

bool ipc_ro_write_fault(domsys_t *sys, uintptr_t addr)
{
    uintptr_t va = addr & ~(uintptr_t)(PAGE_SIZE - 1);
    domain_t *d = NULL;
    buf_map_t *m = ro_mapping_at(sys, va, &d);
    /* A writable mapping never faults: a present page that did is read-only. */
    if (!m || !mmu_translate(va))
        return false;
    /* The writes go to the mapping's sink: the frame promised at the map,
     * one for all of its pages (the domain is stopped anyway; what it
     * wrote there is nobody's). */
    if (!m->sink)
        m->sink = pmm_alloc_promised();
    mmu_unmap(va, PAGE_SIZE);
    if (!mmu_map(va, m->sink, PAGE_SIZE, MMU_READ | MMU_WRITE))
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
 * mapping in another domain than the lender's. A read-only lend needs no
 * writer: no writable lend, no writable mapping in another domain. */
static int lend_check(buf_t *b, domain_t *lender, bool writable)
{
    if (b->rw_lent || (writable && b->ro_lends))
        return IPC_ELENT;
    /* A device another domain gave the pages to counts as a writer. */
    for (uint32_t i = 0; i < b->npins; i++)
        if (cap_table_owner(b->pins[i].holder) != lender)
            return IPC_ELENT;
    for (uint32_t i = 0; i < b->nmaps; i++)
        if (b->maps[i].dom != lender && (writable || b->maps[i].writable))
            return IPC_ELENT;
    return 0;
}

int ipc_call_lend(cap_table_t *caller, wasm_exec_t *ex, cap_handle_t ep, cap_handle_t buf,
                  uint32_t rights, const uint64_t args[3], uint64_t timeout_ns, uint64_t *result)
{
    kobj_t *eo, *bo;
    int e = cap_lookup(caller, ep, KOBJ_ENDPOINT, CAP_R_CALL, &eo);
    if (e || (e = cap_lookup(caller, buf, KOBJ_BUFFER, CAP_R_DERIVE | rights, &bo)))
        return e;
    if (rights & ~(CAP_R_READ | CAP_R_WRITE))
        return CAP_EINVAL;
    lend_t lend = {buf, rights, (buf_t *)bo};
    uint64_t a[4] = {args[0], args[1], args[2], 0};
    kobj_ref(eo);
    kobj_ref(bo);
    e = call_run((endpoint_t *)eo, ex, caller, ep, &lend, a, timeout_ns, result);
    kobj_unref(bo);
    kobj_unref(eo);
    return e;
}

/* A buffer that is lent, or whose pages a device was given, may not
 * move: the send refuses it. */
static int buf_movable(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    if (cap_lookup(t, h, KOBJ_BUFFER, 0, &o) != CAP_OK)
        return 0;
    buf_t *b = (buf_t *)o;
    return b->rw_lent || b->ro_lends || b->npins ? IPC_ELENT : 0;
}
