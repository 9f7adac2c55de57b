/*
 * Devices as capabilities: irq, mmio and io-port kernel objects, their host
 * calls, the manifest's device lines, and the console hand-off to the
 * serial driver domain (kern/dev.h; docs/drivers.md).
 *
 * Locking: one CPU; the state an interrupt handler touches (an irq's
 * counters and wait queue, the console queue) is changed with interrupts
 * off.
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/dev.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <wasm/wasm.h>

#include "core.h"
#include "hostcall.h"
#include "overlay.h"

#define DEV_MAX_IRQS 32
#define DEV_MMIO_MAX (1u << 20)

/* Lines with an irq object: a line has at most one owner. */
static dev_irq_t *irq_owner[DEV_MAX_IRQS];

/* ------------------------------------------------------------ irq */

/* Interrupt context: mask the line until the driver has serviced the
 * device (level-triggered lines would fire again at once otherwise). */
void dev_irq_raise(dev_irq_t *q)
{
    bool on = cpu_irq_save();
    irq_mask(q->irq);
    q->masked = true;
    q->pending++;
    q->count++;
    waitq_wake_one(&q->waiters);
    cpu_irq_restore(on);
}

static void irq_fired(unsigned irq, void *arg)
{
    (void)irq;
    dev_irq_raise(arg);
}

void dev_irq_kick(dev_irq_t *q)
{
    bool on = cpu_irq_save();
    q->kicked = true;
    waitq_wake_one(&q->waiters);
    cpu_irq_restore(on);
}

static void irq_unref(kobj_t *o)
{
    dev_irq_t *q = (dev_irq_t *)o;
    irq_mask(q->irq);
    irq_set_handler(q->irq, NULL, NULL);
    for (int i = 0; i < DEV_MAX_IRQS; i++)
        if (irq_owner[i] == q)
            irq_owner[i] = NULL;
    kfree(q);
}

/* A capability to the line left a table (revoked, deleted, its holder
 * gone): the line stays masked until a holder acknowledges it again, so a
 * driver whose access was taken away (docs/privacy.md) leaves no interrupt
 * running behind it. */
static void irq_revoke(kobj_t *o, cap_table_t *holder, cap_handle_t h)
{
    (void)holder, (void)h;
    dev_irq_t *q = (dev_irq_t *)o;
    bool on = cpu_irq_save();
    irq_mask(q->irq);
    q->masked = true;
    cpu_irq_restore(on);
}

static const kobj_ops_t irq_ops = {irq_revoke, irq_unref};

dev_irq_t *dev_irq_create(unsigned irq)
{
    int free_slot = -1;
    for (int i = 0; i < DEV_MAX_IRQS; i++) {
        if (irq_owner[i] && irq_owner[i]->irq == irq)
            return NULL;
        if (!irq_owner[i] && free_slot < 0)
            free_slot = i;
    }
    dev_irq_t *q = free_slot >= 0 ? kmalloc(sizeof *q) : NULL;
    if (!q)
        return NULL;
    kobj_init(&q->obj, KOBJ_IRQ, &irq_ops);
    q->irq = irq;
    irq_owner[free_slot] = q;
    irq_attach(irq, irq_fired, q);
    return q;
}

int dev_irq_wait(cap_table_t *t, cap_handle_t h, uint64_t timeout_ns)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_IRQ, CAP_R_RECV, &o);
    if (e)
        return e;
    dev_irq_t *q = (dev_irq_t *)o;
    uint64_t deadline = timeout_ns == IPC_FOREVER ? 0 : timer_now_ns() + timeout_ns;
    if (deadline == 0 && timeout_ns != IPC_FOREVER)
        deadline = 1;
    kobj_ref(o);    /* the capability may go while we sleep */
    bool on = cpu_irq_save();
    if (!q->pending && !q->kicked && timeout_ns) {
        waitq_wait(&q->waiters, deadline);
        cpu_irq_save();
    }
    int n = (int)q->pending;
    q->pending = 0;
    q->kicked = false;
    cpu_irq_restore(on);
    kobj_unref(o);
    /* authority is re-checked after a wait: the line may have been taken
     * away meanwhile */
    kobj_t *again;
    if ((e = cap_lookup(t, h, KOBJ_IRQ, CAP_R_RECV, &again)) == 0 && again != o)
        e = CAP_ESTALE;
    return e ? e : n;
}

int dev_irq_ack(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_IRQ, CAP_R_SEND, &o);
    if (e)
        return e;
    dev_irq_t *q = (dev_irq_t *)o;
    bool on = cpu_irq_save();
    if (q->masked) {
        q->masked = false;
        irq_unmask(q->irq);
    }
    cpu_irq_restore(on);
    return 0;
}

/* ------------------------------------------------------------ mmio */

/* The map of holder t under h, or NULL. */
static dev_mmio_map_t *mmio_find(dev_mmio_t *r, cap_table_t *t, cap_handle_t h)
{
    for (uint32_t i = 0; i < r->nmaps; i++)
        if (r->maps[i].holder == t && r->maps[i].h == h)
            return &r->maps[i];
    return NULL;
}

/* Puts back the frames the memory had under map m; forgets the range. */
static void mmio_unmap_one(dev_mmio_t *r, dev_mmio_map_t *m)
{
    domain_t *d = m->dom;
    size_t len = (size_t)r->npages * PAGE_SIZE;
    uintptr_t va = overlay_va(d, m->offset);
    mmu_unmap(va, len);
    overlay_restore(d, m->offset, m->saved, r->npages);
    overlay_untrack(d, m->offset, m->saved);
    *m = r->maps[--r->nmaps];
}

/* A capability left its table: its mapping leaves the memory with it. A
 * registry device whose registers are taken from a driver is stopped
 * first (virtio reset, bus mastering off: dev_quiesce), so it neither
 * raises interrupts nor writes memory for a driver that lost it
 * (docs/privacy.md, physical revocation). */
static void mmio_revoke(kobj_t *o, cap_table_t *holder, cap_handle_t h)
{
    dev_mmio_t *r = (dev_mmio_t *)o;
    dev_mmio_map_t *m = mmio_find(r, holder, h);
    if (m) {
        if (r->dev)
            dev_quiesce(r->dev);
        mmio_unmap_one(r, m);
    }
}

static void mmio_unref(kobj_t *o)
{
    kfree(o);
}

static const kobj_ops_t mmio_ops = {mmio_revoke, mmio_unref};

dev_mmio_t *dev_mmio_create(uint64_t phys, uint64_t size)
{
    uint64_t lo = ALIGN_DOWN(phys, PAGE_SIZE), hi = ALIGN_UP(phys + size, PAGE_SIZE);
    if (size == 0 || size > DEV_MMIO_MAX || hi <= lo)
        return NULL;
    dev_mmio_t *r = kmalloc(sizeof *r);
    if (!r)
        return NULL;
    kobj_init(&r->obj, KOBJ_MMIO, &mmio_ops);
    r->phys = lo;
    r->first = (uint32_t)(phys - lo);
    r->npages = (uint32_t)((hi - lo) / PAGE_SIZE);
    return r;
}

int dev_mmio_map(domain_t *d, cap_table_t *t, cap_handle_t h, uint32_t offset)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_MMIO, CAP_R_MAP, &o);
    if (e)
        return e;
    dev_mmio_t *r = (dev_mmio_t *)o;
    uint64_t len = (uint64_t)r->npages * PAGE_SIZE;
    if (mmio_find(r, t, h))
        return IPC_EMAPPED;
    if (r->nmaps == DEV_MMIO_MAX_MAPS)
        return IPC_ELIMIT;
    if ((e = overlay_place_ok(d, offset, len)))
        return e;
    dev_mmio_map_t *m = &r->maps[r->nmaps];
    if (!(m->saved = kmalloc(r->npages * sizeof *m->saved)))
        return CAP_ENOMEM;
    uintptr_t va = overlay_va(d, offset);
    overlay_save(d, offset, m->saved, r->npages);
    mmu_unmap(va, len);
    if (!mmu_map(va, r->phys, len, MMU_READ | MMU_WRITE | MMU_DEVICE))
        panic("mmio_map: cannot map device pages into %s", d->name);
    m->dom = d;
    m->holder = t;
    m->h = h;
    m->offset = offset;
    r->nmaps++;
    overlay_track(d, offset, len, o, t, h);
    return (int)r->first;
}

int dev_mmio_unmap(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_MMIO, 0, &o);
    if (e)
        return e;
    dev_mmio_t *r = (dev_mmio_t *)o;
    dev_mmio_map_t *m = mmio_find(r, t, h);
    if (!m)
        return IPC_EMAPPED;
    mmio_unmap_one(r, m);
    return 0;
}

/* ------------------------------------------------------------ dma */

/* The device stops, then the memory's own pages come back under m. */
static void dma_unmap_one(dev_dma_t *b)
{
    dev_mmio_map_t *m = &b->map;
    domain_t *d = m->dom;
    size_t len = (size_t)b->npages * PAGE_SIZE;
    uintptr_t va = overlay_va(d, m->offset);
    if (b->dev)
        dev_quiesce(b->dev);
    mmu_unmap(va, len);
    overlay_restore(d, m->offset, m->saved, b->npages);
    overlay_untrack(d, m->offset, m->saved);
    b->mapped = false;
}

static void dma_revoke(kobj_t *o, cap_table_t *holder, cap_handle_t h)
{
    dev_dma_t *b = (dev_dma_t *)o;
    if (b->mapped && b->map.holder == holder && b->map.h == h)
        dma_unmap_one(b);
}

/* Last reference: nothing maps the pages any more; the device is stopped
 * once more (it may have been restarted by a driver that then lost the
 * capability without a mapping) before the frames go back. */
static void dma_unref(kobj_t *o)
{
    dev_dma_t *b = (dev_dma_t *)o;
    if (b->dev)
        dev_quiesce(b->dev);
    for (uint32_t i = 0; i < b->npages; i++)
        pmm_free(b->phys + (uint64_t)i * PAGE_SIZE);
    if (b->payer)
        domain_uncharge(b->payer, b->npages);
    kfree(b);
}

static const kobj_ops_t dma_ops = {dma_revoke, dma_unref};

dev_dma_t *dev_dma_create(const device_t *dv, domain_t *payer, uint32_t npages, int *err)
{
    dev_dma_t *b = NULL;
    *err = npages == 0 || npages > DEV_DMA_MAX_PAGES ? CAP_EINVAL
         : payer ? domain_charge(payer, npages) : 0;
    if (*err)
        return NULL;
    uint64_t pa = pmm_alloc_contig(npages);
    if (!pa || !(b = kmalloc(sizeof *b))) {
        if (pa)
            for (uint32_t i = 0; i < npages; i++)
                pmm_free(pa + (uint64_t)i * PAGE_SIZE);
        if (payer)
            domain_uncharge(payer, npages);
        *err = CAP_ENOMEM;
        return NULL;
    }
    memset(b, 0, sizeof *b);
    kobj_init(&b->obj, KOBJ_DMA, &dma_ops);
    b->dev = dv;
    b->payer = payer;
    b->phys = pa;
    b->npages = npages;
    return b;
}

int dev_dma_map(domain_t *d, cap_table_t *t, cap_handle_t h, uint32_t offset)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_DMA, CAP_R_MAP, &o);
    if (e)
        return e;
    dev_dma_t *b = (dev_dma_t *)o;
    uint64_t len = (uint64_t)b->npages * PAGE_SIZE;
    if (b->mapped)
        return IPC_EMAPPED;
    if (cap_table_owner(t) != d)
        return CAP_ERIGHTS;
    if ((e = overlay_place_ok(d, offset, len)))
        return e;
    dev_mmio_map_t *m = &b->map;
    if (!(m->saved = kmalloc(b->npages * sizeof *m->saved)))
        return CAP_ENOMEM;
    uintptr_t va = overlay_va(d, offset);
    overlay_save(d, offset, m->saved, b->npages);
    mmu_unmap(va, len);
    if (!mmu_map(va, b->phys, len, MMU_READ | MMU_WRITE))
        panic("dma_map: cannot map DMA pages into %s", d->name);
    m->dom = d;
    m->holder = t;
    m->h = h;
    m->offset = offset;
    b->mapped = true;
    overlay_track(d, offset, len, o, t, h);
    if (b->dev)
        dev_bus_master(b->dev, true);
    return 0;
}

int dev_dma_unmap(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_DMA, 0, &o);
    if (e)
        return e;
    dev_dma_t *b = (dev_dma_t *)o;
    if (!b->mapped || b->map.holder != t || b->map.h != h)
        return IPC_EMAPPED;
    dma_unmap_one(b);
    return 0;
}

int dev_dma_addr(cap_table_t *t, cap_handle_t h, uint32_t i, uint64_t *addr)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_DMA, CAP_R_READ, &o);
    if (e)
        return e;
    dev_dma_t *b = (dev_dma_t *)o;
    if (i >= b->npages)
        return CAP_EINVAL;
    *addr = b->phys + (uint64_t)i * PAGE_SIZE;
    return 0;
}

void dev_dma_stop(kobj_t *o)
{
    dev_dma_t *b = (dev_dma_t *)o;
    if (b->dev)
        dev_quiesce(b->dev);
}

int dev_buf_dma(cap_table_t *t, cap_handle_t buf, cap_handle_t dma, uint32_t i, bool dev_writes,
                uint64_t *addr)
{
    kobj_t *bo, *dobj;
    int e = cap_lookup(t, buf, KOBJ_BUFFER, CAP_R_MAP | (dev_writes ? CAP_R_WRITE : CAP_R_READ), &bo);
    if (e || (e = cap_lookup(t, dma, KOBJ_DMA, CAP_R_READ, &dobj)))
        return e;
    buf_t *b = (buf_t *)bo;
    if (b->npages <= i)
        return CAP_EINVAL;
    /* The ownership rules of lends hold for devices too: while a writable
     * lend runs only its borrower's device may have the pages; while
     * read-only lends run no device may write them. */
    if ((b->rw_lent && (t != b->lend_to || buf != b->lend_h)) || (dev_writes && b->ro_lends))
        return IPC_ELENT;
    uint32_t k = 0;
    while (k < b->npins && !(b->pins[k].holder == t && b->pins[k].h == buf && b->pins[k].dma == dobj))
        k++;
    if (k == b->npins) {
        if (b->npins == BUF_MAX_PINS)
            return IPC_ELIMIT;
        b->pins[k] = (buf_pin_t){t, buf, dobj, dev_dma_stop};
        kobj_ref(dobj);
        b->npins++;
    }
    *addr = b->frames[i];
    return 0;
}

int dev_buf_undma(cap_table_t *t, cap_handle_t buf)
{
    kobj_t *o;
    int e = cap_lookup(t, buf, KOBJ_BUFFER, 0, &o);
    if (e)
        return e;
    buf_t *b = (buf_t *)o;
    uint32_t before = b->npins;
    buf_unpin(b, t, buf, false);
    return (int)(before - b->npins);
}

/* ------------------------------------------------------------ io ports */

static void ioport_unref(kobj_t *o)
{
    kfree(o);
}

static const kobj_ops_t ioport_ops = {NULL, ioport_unref};

dev_ioport_t *dev_ioport_create(uint16_t base, uint32_t count)
{
    if (!arch_io_supported() || count == 0 || base + count > 0x10000u)
        return NULL;
    dev_ioport_t *p = kmalloc(sizeof *p);
    if (!p)
        return NULL;
    kobj_init(&p->obj, KOBJ_IOPORT, &ioport_ops);
    p->base = base;
    p->count = count;
    return p;
}

/* The port for [off, off+size) of h, or a negative error. */
static int32_t io_port(cap_table_t *t, cap_handle_t h, uint32_t need, uint32_t off, int size)
{
    kobj_t *o;
    int e = cap_lookup(t, h, KOBJ_IOPORT, need, &o);
    if (e)
        return e;
    dev_ioport_t *p = (dev_ioport_t *)o;
    if ((size != 1 && size != 2 && size != 4) || off >= p->count || p->count - off < (uint32_t)size)
        return CAP_EINVAL;
    return p->base + (int32_t)off;
}

int dev_io_in(cap_table_t *t, cap_handle_t h, uint32_t off, int size, uint32_t *v)
{
    int32_t port = io_port(t, h, CAP_R_READ, off, size);
    if (port < 0)
        return port;
    *v = arch_io_in((uint16_t)port, size);
    return 0;
}

int dev_io_out(cap_table_t *t, cap_handle_t h, uint32_t off, int size, uint32_t v)
{
    int32_t port = io_port(t, h, CAP_R_WRITE, off, size);
    if (port < 0)
        return port;
    arch_io_out((uint16_t)port, size, v);
    return 0;
}

/* ------------------------------------------------------------ the console */

#define KCONS_OUT 8192
#define KCONS_IN 1024

static struct {
    domain_t *drv;              /* the driver domain, once handed off */
    dev_irq_t *irq;             /* kicked when there is output */
    char out[KCONS_OUT];
    uint32_t out_head, out_len;
    uint64_t dropped;
    char in[KCONS_IN];
    uint32_t in_len;
    bool released;
} kcons;

void kcons_putc(char c)
{
    bool on = cpu_irq_save();
    if (!kcons.drv || kcons.released) {
        console_putc(c);
    } else if (kcons.out_len == KCONS_OUT) {
        kcons.dropped++;
    } else {
        kcons.out[(kcons.out_head + kcons.out_len++) % KCONS_OUT] = c;
        if (c == '\n' || kcons.out_len == KCONS_OUT / 2)
            dev_irq_kick(kcons.irq);
    }
    cpu_irq_restore(on);
}

void kcons_release(void)
{
    bool on = cpu_irq_save();
    if (kcons.drv && !kcons.released) {
        kcons.released = true;
        for (; kcons.out_len; kcons.out_len--, kcons.out_head = (kcons.out_head + 1) % KCONS_OUT)
            console_putc(kcons.out[kcons.out_head]);
    }
    cpu_irq_restore(on);
}

bool kcons_handed_off(void)
{
    return kcons.drv && !kcons.released;
}

#define KCONS_WRITE_WAIT_MS 2000

/* Queues n bytes for the console without logging them, kicks the driver,
 * and waits (sleeping) for room while the queue is full, up to
 * KCONS_WRITE_WAIT_MS. Returns the bytes queued. */
static uint32_t kcons_write(const uint8_t *p, uint32_t n)
{
    uint32_t done = 0;
    uint64_t end = timer_now_ns() + KCONS_WRITE_WAIT_MS * 1000000ull;
    while (done < n) {
        bool on = cpu_irq_save();
        if (!kcons.drv || kcons.released) {
            for (; done < n; done++)
                console_putc((char)p[done]);
        }
        for (; done < n && kcons.out_len < KCONS_OUT; done++)
            kcons.out[(kcons.out_head + kcons.out_len++) % KCONS_OUT] = (char)p[done];
        if (kcons.drv && !kcons.released)
            dev_irq_kick(kcons.irq);
        cpu_irq_restore(on);
        if (done == n || timer_now_ns() >= end)
            break;
        sched_sleep_ns(1000000ull);
    }
    return done;
}

uint32_t kcons_out(const void *p, uint32_t n)
{
    return kcons_write(p, n);
}

/* Takes up to cap bytes of queued output into p. */
static uint32_t kcons_take(uint8_t *p, uint32_t cap)
{
    bool on = cpu_irq_save();
    uint32_t n = 0;
    for (; n < cap && kcons.out_len; n++, kcons.out_len--) {
        p[n] = (uint8_t)kcons.out[kcons.out_head];
        kcons.out_head = (kcons.out_head + 1) % KCONS_OUT;
    }
    cpu_irq_restore(on);
    return n;
}

/* Input from the driver; full lines wait for kcons_getline. */
static void kcons_input(const uint8_t *p, uint32_t n)
{
    bool on = cpu_irq_save();
    for (uint32_t i = 0; i < n && kcons.in_len < KCONS_IN; i++)
        kcons.in[kcons.in_len++] = p[i] == '\r' ? '\n' : (char)p[i];
    cpu_irq_restore(on);
}

int kcons_getline(char *buf, size_t cap)
{
    bool on = cpu_irq_save();
    int len = -1;
    for (uint32_t i = 0; i < kcons.in_len; i++)
        if (kcons.in[i] == '\n') {
            len = (int)i;
            break;
        }
    if (len >= 0 && cap) {
        size_t n = (size_t)len < cap - 1 ? (size_t)len : cap - 1;
        memcpy(buf, kcons.in, n);
        buf[n] = 0;
        kcons.in_len -= (uint32_t)len + 1;
        memmove(kcons.in, kcons.in + len + 1, kcons.in_len);
    }
    cpu_irq_restore(on);
    return len;
}

/* The driver domain d claims the console with an irq capability to the
 * console UART's line: holding that is what makes it the console driver. */
static int kcons_attach(domain_t *d, cap_handle_t irq_h)
{
    kobj_t *o;
    uint64_t phys;
    unsigned irq;
    int kind;
    int e = cap_lookup(d->caps, irq_h, KOBJ_IRQ, CAP_R_RECV, &o);
    if (e)
        return e;
    if (!arch_console_device(&phys, &irq, &kind) || ((dev_irq_t *)o)->irq != irq)
        return CAP_ERIGHTS;
    if (kcons.drv && kcons.drv != d)
        return IPC_EBUSY;
    kobj_ref(o);    /* kept for the kicks */
    bool on = cpu_irq_save();
    dev_irq_t *old = kcons.irq;     /* a restarted driver attaches again */
    kcons.drv = d;
    kcons.irq = (dev_irq_t *)o;
    kcons.released = false;
    cpu_irq_restore(on);
    if (old)
        kobj_unref(&old->obj);
    return 0;
}

/* ------------------------------------------------------------ host calls */

/* irq_wait(h, timeout_ns) -> times fired (0: timeout or kick) | error */
static wasm_trap_kind_t hc_irq_wait(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(dev_irq_wait(((domain_t *)u)->caps, (cap_handle_t)c[0], c[1]));
    return WASM_OK;
}

static wasm_trap_kind_t hc_irq_ack(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(dev_irq_ack(((domain_t *)u)->caps, (cap_handle_t)c[0]));
    return WASM_OK;
}

static wasm_trap_kind_t hc_mmio_map(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    domain_t *d = u;
    RET(dev_mmio_map(d, d->caps, (cap_handle_t)c[0], (uint32_t)c[1]));
    return WASM_OK;
}

static wasm_trap_kind_t hc_mmio_unmap(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(dev_mmio_unmap(((domain_t *)u)->caps, (cap_handle_t)c[0]));
    return WASM_OK;
}

/* io_in(h, off, size) -> value (i64, >= 0) | error */
static wasm_trap_kind_t hc_io_in(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    uint32_t v = 0;
    int e = dev_io_in(((domain_t *)u)->caps, (cap_handle_t)c[0], (uint32_t)c[1], (int)(uint32_t)c[2], &v);
    c[0] = e ? (uint64_t)(int64_t)e : v;
    return WASM_OK;
}

static wasm_trap_kind_t hc_io_out(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(dev_io_out(((domain_t *)u)->caps, (cap_handle_t)c[0], (uint32_t)c[1], (int)(uint32_t)c[2],
                   (uint32_t)c[3]));
    return WASM_OK;
}

static wasm_trap_kind_t hc_console_attach(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(kcons_attach(u, (cap_handle_t)c[0]));
    return WASM_OK;
}

/* console_read(ptr, cap) -> bytes of kernel output taken | error */
static wasm_trap_kind_t hc_console_read(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    uint8_t *p = hostcall_guest(ctx, c[0], c[1]);
    if (kcons.drv != u)
        return RET(CAP_ERIGHTS), WASM_OK;
    RET(p ? (int32_t)kcons_take(p, (uint32_t)c[1]) : IPC_EFAULT);
    return WASM_OK;
}

/* console_write(sys, ptr, len) -> bytes queued | error: output for the
 * console, not kept in the kernel log; needs a system capability with the
 * write right (kern/sysctl.h). */
static wasm_trap_kind_t hc_console_write(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    kobj_t *o;
    int e = cap_lookup(((domain_t *)u)->caps, (cap_handle_t)c[0], KOBJ_SYSTEM, CAP_R_WRITE, &o);
    if (e)
        return RET(e), WASM_OK;
    uint32_t n = (uint32_t)c[2];
    const uint8_t *p = hostcall_guest(ctx, c[1], n);
    RET(p ? (int32_t)kcons_write(p, n) : IPC_EFAULT);
    return WASM_OK;
}

/* console_input(ptr, len) -> 0 | error: received bytes for the consumer */
static wasm_trap_kind_t hc_console_input(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    const uint8_t *p = hostcall_guest(ctx, c[0], c[1]);
    if (kcons.drv != u)
        return RET(CAP_ERIGHTS), WASM_OK;
    if (p)
        kcons_input(p, (uint32_t)c[1]);
    RET(p ? 0 : IPC_EFAULT);
    return WASM_OK;
}

/* dev_info(mmio_h, ptr, len) -> words written | error: how to drive the
 * device behind an mmio capability of the registry (kern/dev.h). */
static wasm_trap_kind_t hc_dev_info(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    uint8_t *p = hostcall_guest(ctx, c[1], c[2]);
    kobj_t *o;
    int e = cap_lookup(((domain_t *)u)->caps, (cap_handle_t)c[0], KOBJ_MMIO, 0, &o);
    if (e)
        return RET(e), WASM_OK;
    const device_t *dv = ((dev_mmio_t *)o)->dev;
    if (!dv)
        return RET(CAP_EINVAL), WASM_OK;
    if (!p)
        return RET(IPC_EFAULT), WASM_OK;
    uint32_t w[DEV_INFO_WORDS];
    int n = dev_info_fill(dv, w, (int)((uint32_t)c[2] / 4));
    memcpy(p, w, (size_t)n * 4);
    RET(n);
    return WASM_OK;
}

static wasm_trap_kind_t hc_dma_map(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    domain_t *d = u;
    RET(dev_dma_map(d, d->caps, (cap_handle_t)c[0], (uint32_t)c[1]));
    return WASM_OK;
}

static wasm_trap_kind_t hc_dma_unmap(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(dev_dma_unmap(((domain_t *)u)->caps, (cap_handle_t)c[0]));
    return WASM_OK;
}

/* dma_addr(h, page) -> bus address (i64, >= 0) | error */
static wasm_trap_kind_t hc_dma_addr(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    uint64_t a = 0;
    int e = dev_dma_addr(((domain_t *)u)->caps, (cap_handle_t)c[0], (uint32_t)c[1], &a);
    c[0] = e ? (uint64_t)(int64_t)e : a;
    return WASM_OK;
}

/* buf_dma(buf, dma, page, dev_writes) -> bus address (i64, >= 0) | error */
static wasm_trap_kind_t hc_buf_dma(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    uint64_t a = 0;
    int e = dev_buf_dma(((domain_t *)u)->caps, (cap_handle_t)c[0], (cap_handle_t)c[1],
                        (uint32_t)c[2], (uint32_t)c[3] != 0, &a);
    c[0] = e ? (uint64_t)(int64_t)e : a;
    return WASM_OK;
}

static wasm_trap_kind_t hc_buf_undma(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(dev_buf_undma(((domain_t *)u)->caps, (cap_handle_t)c[0]));
    return WASM_OK;
}

static const hostcall_def_t dev_calls[] = {
    {"buf_dma", "iiii:I", hc_buf_dma},
    {"buf_undma", "i:i", hc_buf_undma},
    {"dma_map", "ii:i", hc_dma_map},
    {"dma_unmap", "i:i", hc_dma_unmap},
    {"dma_addr", "ii:I", hc_dma_addr},
    {"dev_info", "iii:i", hc_dev_info},
    {"irq_wait", "iI:i", hc_irq_wait},
    {"irq_ack", "i:i", hc_irq_ack},
    {"mmio_map", "ii:i", hc_mmio_map},
    {"mmio_unmap", "i:i", hc_mmio_unmap},
    {"io_in", "iii:I", hc_io_in},
    {"io_out", "iiii:i", hc_io_out},
    {"console_attach", "i:i", hc_console_attach},
    {"console_read", "ii:i", hc_console_read},
    {"console_input", "ii:i", hc_console_input},
    {"console_write", "iii:i", hc_console_write},
};

bool dev_hostcalls_define(wasm_linker_t *l, domain_t *d)
{
    return hostcall_define(l, d, dev_calls, ARRAY_LEN(dev_calls));
}

/* ------------------------------------------------------------ the manifest */

#define DEV_MAX_DRIVERS 8
#define DEV_WORD 48

/* Domains granted a device: dev_start_drivers gives each a thread. */
static domain_t *drivers[DEV_MAX_DRIVERS];
static int ndrivers;

static const char *const cons_kinds[] = {"none", "16550-io", "16550-mmio", "pl011"};

/* when=K: does the console device match K ("16550" matches both)? */
static bool when_matches(const char *k, int kind)
{
    return str_eq(k, cons_kinds[kind]) ||
           (str_eq(k, "16550") && (kind == ARCH_CONS_16550_IO || kind == ARCH_CONS_16550_MMIO));
}

/* The object of kind for the console device, its default rights in *r. */
static kobj_t *console_object(const char *kind, uint64_t phys, unsigned irq, int ck, uint32_t *r)
{
    if (str_eq(kind, "irq")) {
        *r = CAP_R_RECV | CAP_R_SEND;
        return (kobj_t *)dev_irq_create(irq);
    }
    if (str_eq(kind, "mmio") && ck != ARCH_CONS_16550_IO) {
        *r = CAP_R_MAP;
        return (kobj_t *)dev_mmio_create(phys, ck == ARCH_CONS_PL011 ? PAGE_SIZE : 8);
    }
    if (str_eq(kind, "ioport") && ck == ARCH_CONS_16550_IO) {
        *r = CAP_R_READ | CAP_R_WRITE;
        return (kobj_t *)dev_ioport_create((uint16_t)phys, 8);
    }
    return NULL;
}

static void note_driver(domain_t *d)
{
    for (int i = 0; i < ndrivers; i++)
        if (drivers[i] == d)
            return;
    if (ndrivers < DEV_MAX_DRIVERS)
        drivers[ndrivers++] = d;
}

/* The object of kind for registry device dv, its default rights in *r;
 * NULL (and *why set) when it cannot be granted. */
static kobj_t *device_object(domain_t *d, const char *kind, const device_t *dv, uint32_t pages,
                             bool shared, uint32_t *r, const char **why)
{
    if (str_eq(kind, "dma")) {
        int e;
        *r = CAP_R_MAP | CAP_R_READ;
        dev_dma_t *b = dev_dma_create(dv, d, pages, &e);
        *why = e == CAP_EINVAL ? "needs pages=N (1..1024)"
             : e == IPC_ELIMIT ? "over the domain's memory limit" : "out of memory";
        return (kobj_t *)b;
    }
    if (str_eq(kind, "irq")) {
        *r = CAP_R_RECV | CAP_R_SEND;
        kobj_t *o = dv->irq ? (kobj_t *)dev_irq_create(dv->irq) : NULL;
        *why = dv->irq ? "its interrupt line is taken" : "its interrupt is unknown";
        return o;
    }
    if (str_eq(kind, "mmio")) {
        const device_t *other = dev_sharing_page(dv);
        *r = CAP_R_MAP;
        if (other && !shared) {
            *why = "its registers share a page with another device";
            return NULL;
        }
        dev_mmio_t *m = dev_mmio_create(dv->phys, dv->size);
        if (m)
            m->dev = dv;
        *why = "out of memory";
        return (kobj_t *)m;
    }
    *why = "no such capability for this device";
    return NULL;
}

bool dev_manifest_line(domain_t *d, int lineno, const char *kind, const char *s, const char *end)
{
    if (!str_eq(kind, "irq") && !str_eq(kind, "mmio") && !str_eq(kind, "ioport") &&
        !str_eq(kind, "dma"))
        return false;
    char dev[DEV_WORD], w[DEV_WORD], name[DOMAIN_NAME_MAX];
    uint32_t pages = 0;
    uint64_t phys = 0;
    unsigned irq = 0;
    int ck = ARCH_CONS_NONE;
    uint32_t rights = 0, want = CAP_R_SAME;
    bool shared = false;
    const char *why = "this machine has no such device";
    manifest_word(&s, end, dev, sizeof dev);     /* too long: "", no such device */
    bool cons = str_eq(dev, "console");
    bool have = cons ? arch_console_device(&phys, &irq, &ck) : false;
    const device_t *dv = cons ? NULL : dev_find(dev);
    int r;
    const char *v;
    while ((r = manifest_word(&s, end, w, sizeof w)) != 0) {
        if (r > 0 && (v = manifest_key(w, "when"))) {
            if (cons && (!have || !when_matches(v, ck)))
                return true;    /* for another machine: not an error */
            if (!cons && !dev_find(v))
                return true;    /* when=NAME: only where that device is */
        } else if (r > 0 && str_eq(kind, "dma") && (v = manifest_key(w, "pages")) &&
                   manifest_num(v, &pages)) {
            continue;
        } else if (r > 0 && str_eq(kind, "mmio") && str_eq(w, "shared")) {
            shared = true;      /* this page's other devices: consented to */
        } else if (r < 0 || !(v = manifest_key(w, "rights")) || !domain_parse_rights(v, &want)) {
            kprintf("manifest:%d: %s: %s %s: bad word %s\n", lineno, d->name, kind, dev,
                    r > 0 ? w : "(too long)");
            return true;
        }
    }
    kobj_t *o = have ? console_object(kind, phys, irq, ck, &rights)
              : dv ? device_object(d, kind, dv, pages, shared, &rights, &why) : NULL;
    if (str_eq(kind, "dma"))   /* the payer's alone: not passed on, not copied */
        want = (want == CAP_R_SAME ? rights : want) & (CAP_R_MAP | CAP_R_READ);
    size_t dl = strlen(dev), kl = strlen(kind);
    if (dl + 1 + kl >= DOMAIN_NAME_MAX) {
        kprintf("manifest:%d: %s: %s: no device named %s\n", lineno, d->name, kind, dev);
        if (o)
            kobj_unref(o);
        return true;
    }
    memcpy(name, dev, dl);
    name[dl] = '.';
    memcpy(name + dl + 1, kind, kl + 1);
    cap_handle_t h;
    int e = !o ? CAP_ENOENT
          : domain_grant_root(d, name, o, want == CAP_R_SAME ? rights : want, &h);
    if (o)
        kobj_unref(o);
    if (e) {
        kprintf("manifest:%d: %s: %s %s: %s\n", lineno, d->name, kind, dev,
                o ? ipc_strerror(e) : why);
        return true;
    }
    note_driver(d);
    return true;
}

/* ------------------------------------------------------------ driver threads */

#define DRIVER_STACK (128u * 1024u)

/* A driver's thread: runs its entry export (set-up, and for some a loop),
 * supervised by loader_run_entry: a trap is the domain's fault, a kill or a
 * fault elsewhere in the domain stops the run. Whenever the domain is
 * reset or restarted (by its supervisor after a fault, `restart` after a
 * kill, `reset`) its memory is back at its post-init snapshot, from before
 * its entry ran, and its device was reset, so the entry runs again from
 * the start. The thread ends with its domain. */
static void driver_thread(void *arg)
{
    domain_t *d = arg;
    char tag[DOMAIN_NAME_MAX + 16];
    size_t n = strlen(d->name);
    memcpy(tag, "driver ", 7);
    memcpy(tag + 7, d->name, n);
    memcpy(tag + 7 + n, ": trapped", 10);
    for (;;) {
        uint32_t resets = d->sup.resets;     /* a restart resets too */
        uint64_t res;
        int r = loader_run_entry(d, tag, &res);
        if (kcons.drv == d)
            kcons_release();
        if (r < 0 && d->state == DOMAIN_READY && d->sup.resets == resets)
            break;      /* no entry to run (or no memory): nothing to restart */
        for (;;) {      /* until reset or restarted (both wake restarted) */
            bool was = cpu_irq_save();
            if (d->state == DOMAIN_READY && d->sup.resets != resets) {
                cpu_irq_restore(was);
                break;
            }
            waitq_wait(&d->sup.restarted, 0);
        }
        kprintf("athanor: driver %s reset: running %s again\n", d->name, d->entry);
    }
    thread_exit();
}

int dev_start_drivers(domsys_t *sys)
{
    int n = 0;
    for (int i = 0; i < ndrivers; i++) {
        domain_t *d = drivers[i];
        if (d->sys != sys || d->state != DOMAIN_READY)
            continue;
        n += thread_create(d, d->name, d->prio, driver_thread, d, DRIVER_STACK) != NULL;
    }
    return n;
}

/* ------------------------------------------------------------ boot */

#define DEV_MS 1000000ull

/* Waits (sleeping, so the driver runs) until the output queue is empty,
 * up to ms milliseconds. */
static void kcons_drain(uint64_t ms)
{
    uint64_t end = timer_now_ns() + ms * DEV_MS;
    while (kcons.out_len && timer_now_ns() < end)
        sched_sleep_ns(5 * DEV_MS);
}

int dev_console_start(domsys_t *sys)
{
    if (!sys) {
        kprintf("dev: no domains\n");
        return -1;
    }
    if (dev_start_drivers(sys) == 0)
        return 0;
    /* The driver claims the console as soon as it has set the UART up. */
    for (int i = 0; i < 200 && !kcons_handed_off(); i++)
        sched_sleep_ns(5 * DEV_MS);
    if (!kcons_handed_off()) {
        kprintf("dev: the console driver did not take the console\n");
        return -1;
    }
    kprintf("athanor: console handed to domain %s\n", kcons.drv->name);
    return 1;
}

const char *dev_console_driver(unsigned *irq, uint64_t *fired)
{
    if (!kcons_handed_off())
        return NULL;
    *irq = kcons.irq->irq;
    *fired = kcons.irq->count;
    return kcons.drv->name;
}

void dev_console_stop(void)
{
    kcons_drain(1000);
    kcons_release();
}
