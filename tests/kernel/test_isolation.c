/*
 * Isolation regression tests: one or more per hole of the host-call review
 * (docs/faults.md, "Isolation invariants"), each a hostile sequence a
 * domain holding only its own capabilities can run. The domains are
 * tests/kernel/ipc/iso.wat (thin wrappers over the host calls, and abusive
 * handlers). Waits are made real with ktest_wait_hook: the hook does what
 * other threads would do while the caller sleeps.
 */
#include <kern/supervise.h>
#include <arch/timer.h>
#include <kern/dev.h>
#include <kern/kernel.h>
#include "ipctest.h"

#include <stdarg.h>

#define MS 1000000ull

static bool world(ipc_world_t *w, const char *m)
{
    bool ok = ipc_world_up(w, m);
    if (!ok)
        fprintf(stderr, "isolation world: log:\n%s", w->log);
    return ok;
}

static domain_t *dom(ipc_world_t *w, const char *name)
{
    domain_t *d = domain_find(&w->sys, name);
    return d && d->state == DOMAIN_READY ? d : NULL;
}

static uint32_t mem_pages(domain_t *d)
{
    return (uint32_t)(wasm_memory_size(wasm_instance_memory(d->inst, 0)) / 65536);
}

/* ------------------------------------------------------------ shared code */

/* Domains of one file share its translated code, never its state: each
 * has its own memory and globals, one's fault, restart and kill leave the
 * other's alone. */
TEST(iso_shared_module_keeps_state_apart)
{
    ipc_world_t w;
    CHECK(world(&w, "p iso.wasm restart=always\n"
                    "    endpoint p.boom handler=h_boom\n"
                    "q iso.wasm\n"
                    "client client.wasm\n"
                    "    endpoint p.boom\n"));
    domain_t *p = dom(&w, "p"), *q = dom(&w, "q"), *c = dom(&w, "client");
    CHECK(p && q && c);
    CHECK(wasm_instance_module(p->inst) == wasm_instance_module(q->inst));
    CHECK(wasm_instance_module(c->inst) != wasm_instance_module(p->inst));
    CHECK(wasm_instance_memory(p->inst, 0) != wasm_instance_memory(q->inst, 0));
    CHECK_EQ(ipc_run(&w, p, "st", 2, (int64_t)4096, (int64_t)0x1234), 0);
    CHECK_EQ(ipc_run(&w, q, "ld", 1, (int64_t)4096), 0);
    CHECK_EQ(ipc_run(&w, q, "grow", 1, (int64_t)1), 1);
    CHECK_EQ(mem_pages(p), 1);
    CHECK_EQ(mem_pages(q), 2);
    /* p faults and is restarted from its snapshot: q keeps its memory */
    CHECK_EQ(ipc_run(&w, q, "st", 2, (int64_t)65536, (int64_t)0x5678), 0);
    CHECK_EQ(ipc_client_call(&w, "p.boom", 0, 0, 0, 0), IPC_ETRAP);
    CHECK_EQ(p->state, DOMAIN_READY);
    CHECK_EQ(ipc_run(&w, p, "ld", 1, (int64_t)4096), 0);
    CHECK_EQ(ipc_run(&w, q, "ld", 1, (int64_t)65536), 0x5678);
    /* p is killed: q's code runs on */
    domain_kill(p);
    CHECK_EQ(p->state, DOMAIN_STOPPED);
    CHECK_EQ(ipc_run(&w, q, "ld", 1, (int64_t)65536), 0x5678);
    ipc_world_down(&w);     /* the module goes with the last domain (ASan: no use after free) */
}

/* ------------------------------------------------------------ 1: reset */

#define RESET_WORLD                                         \
    "owner iso.wasm\n"                                      \
    "    buffer buf pages=1\n"                              \
    "x iso.wasm restart=always handles=512\n"               \
    "    endpoint x.boom handler=h_boom\n"                  \
    "    buffer buf rights=read,map,derive\n"               \
    "client client.wasm\n"                                  \
    "    endpoint x.boom\n"

/* A read-only holder maps the buffer in grown memory, parks handles past
 * slot 256 (one mapped too), traps: the reset must unmap both, drop every
 * handle acquired since init and leave the owner's frame alone. */
TEST(iso_reset_unmaps_everything)
{
    ipc_world_t w;
    CHECK(world(&w, RESET_WORLD));
    domain_t *o = dom(&w, "owner"), *x = dom(&w, "x");
    CHECK(o && x);
    int64_t ob = ipc_handle(o, "buf"), xb = ipc_handle(x, "buf");
    uint32_t init_count = cap_table_count(x->caps);
    CHECK_EQ(ipc_run(&w, o, "buf_map", 2, ob, (int64_t)32768), 0);
    CHECK_EQ(ipc_run(&w, o, "st", 2, (int64_t)32768, (int64_t)0x11111111), 0);
    long frames0 = ipc_shim_frames_live;
    CHECK_EQ(ipc_run(&w, x, "grow", 1, (int64_t)2), 1);
    CHECK_EQ(ipc_run(&w, x, "buf_map", 2, xb, (int64_t)65536), 0);
    CHECK_EQ(ipc_run(&w, x, "ld", 1, (int64_t)65536), 0x11111111);
    int64_t last = 0;
    for (int i = 0; i < 400; i++)
        CHECK((last = ipc_run(&w, x, "dup", 2, xb, (int64_t)(CAP_R_READ | CAP_R_MAP))) > 0);
    CHECK_EQ(cap_table_count(x->caps), init_count + 400);
    CHECK_EQ(ipc_run(&w, x, "buf_map", 2, last, (int64_t)(65536 + 32768)), 0);
    CHECK_EQ(x->nmaps, 2);
    /* trap in its own handler: fault, restart at once, reset */
    CHECK_EQ(ipc_client_call(&w, "x.boom", 0, 0, 0, 0), IPC_ETRAP);
    CHECK_EQ(x->state, DOMAIN_READY);
    CHECK_EQ(x->sup.restarts, 1);
    CHECK_EQ(x->nmaps, 0);
    CHECK_EQ(cap_table_count(x->caps), init_count);
    CHECK_EQ(mem_pages(x), 1);
    /* it grows again: fresh zeroed pages of its own, not the buffer's frame */
    CHECK_EQ(ipc_run(&w, x, "grow", 1, (int64_t)2), 1);
    CHECK_EQ(ipc_run(&w, x, "ld", 1, (int64_t)65536), 0);
    CHECK_EQ(ipc_run(&w, x, "st", 2, (int64_t)65536, (int64_t)0x5A5A5A5A), 0);
    CHECK_EQ(ipc_run(&w, o, "ld", 1, (int64_t)32768), 0x11111111);
    /* the buffer's frame is still owned once: the read-only grant still maps */
    CHECK_EQ(ipc_run(&w, x, "buf_map", 2, xb, (int64_t)(65536 + 65536)), 0);
    CHECK_EQ(ipc_run(&w, x, "ld", 1, (int64_t)(65536 + 65536)), 0x11111111);
    CHECK_EQ(ipc_run(&w, x, "buf_unmap", 1, xb), 0);
    CHECK(ipc_shim_frames_live >= frames0);
    ipc_world_down(&w);   /* no double free, no foreign frame freed */
}

/* The handles acquired since init go however many there are. */
TEST(iso_reset_drops_all_new_handles)
{
    ipc_world_t w;
    CHECK(world(&w, RESET_WORLD));
    domain_t *x = dom(&w, "x");
    CHECK(x != NULL);
    int64_t xb = ipc_handle(x, "buf");
    uint32_t init_count = cap_table_count(x->caps);
    for (int i = 0; i < 401; i++)
        CHECK(ipc_run(&w, x, "dup", 2, xb, (int64_t)CAP_R_READ) > 0);
    CHECK(domain_reset(x) >= 0);
    CHECK_EQ(cap_table_count(x->caps), init_count);
    /* the post-init grant works as before */
    CHECK_EQ(ipc_run(&w, x, "buf_map", 2, xb, (int64_t)32768), 0);
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ 2: references */

#define SELF_WORLD                                          \
    "x iso.wasm\n"                                          \
    "    endpoint x.drop handler=h_drop\n"                  \
    "    endpoint x.ok handler=h_ok\n"                      \
    "client client.wasm\n"

/* Lending a buffer to its own endpoint whose handler deletes the buffer,
 * then the endpoint: the kernel must not touch either after the call. */
TEST(iso_lend_handler_deletes_buffer_and_endpoint)
{
    ipc_world_t w;
    CHECK(world(&w, SELF_WORLD));
    domain_t *x = dom(&w, "x");
    CHECK(x != NULL);
    long frames0 = ipc_shim_frames_live;
    int64_t ep = ipc_handle(x, "x.drop");
    int64_t b = ipc_run(&w, x, "buf_new", 1, (int64_t)1);
    CHECK(b > 0);
    /* the handler drops the lender's buffer handle (its last capability) */
    CHECK_EQ(ipc_run(&w, x, "lend", 6, ep, b, (int64_t)CAP_R_READ, b, (int64_t)0, (int64_t)0), 7);
    CHECK_EQ(ipc_run(&w, x, "info", 1, b), CAP_ESTALE);
    CHECK_EQ(ipc_shim_frames_live, frames0);     /* the buffer went with the lend */
    /* the handler drops the endpoint it is called through, then the buffer */
    b = ipc_run(&w, x, "buf_new", 1, (int64_t)1);
    CHECK_EQ(ipc_run(&w, x, "lend", 6, ep, b, (int64_t)(CAP_R_READ | CAP_R_WRITE), b, ep, (int64_t)0), 7);
    CHECK_EQ(ipc_run(&w, x, "info", 1, ep), CAP_ESTALE);
    CHECK_EQ(ipc_run(&w, x, "call", 5, ep, (int64_t)0, (int64_t)0, (int64_t)0, (int64_t)0), CAP_ESTALE);
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ waits */

/* What the other threads do while the caller waits. */
typedef struct during {
    ipc_world_t *w;
    domain_t *busy;         /* the server the caller waits for: freed */
    domain_t *reset;        /* a domain reset meanwhile */
    cap_table_t *send_from; /* a message sent meanwhile ... */
    cap_handle_t send_ch;
    uint64_t tick_to;       /* the lease clock moved meanwhile */
    cap_table_t *del_t;     /* a capability deleted meanwhile */
    cap_handle_t del_h;
    int calls;
} during_t;

static bool act(waitq_t *q, void *arg)
{
    during_t *d = arg;
    (void)q;
    d->calls++;
    ktest_wait_hook = NULL;     /* one round */
    if (d->del_t)
        cap_delete(d->del_t, d->del_h);
    if (d->tick_to)
        cap_tick(&d->w->sys.space, d->tick_to);
    if (d->reset)
        domain_reset(d->reset);
    if (d->send_from)
        ipc_send(d->send_from, d->send_ch, "hello", 5, 0);
    if (d->busy) {
        d->busy->active = 0;
        d->busy->holder = NULL;
    }
    return true;
}

#define WAIT_WORLD                                          \
    "s iso.wasm restart=never\n"                            \
    "    endpoint s.ok handler=h_ok\n"                      \
    "x iso.wasm restart=always\n"                           \
    "    endpoint s.ok rights=call,derive\n"                \
    "    channel x.in recv\n"                               \
    "client client.wasm\n"                                  \
    "    channel x.in\n"

/* 8: a lease that ends while its holder waits for a busy server does not
 * call; 2: nor does a capability deleted meanwhile (the endpoint is held by
 * reference, not read through a freed pointer). */
TEST(iso_call_reauthorised_after_wait)
{
    ipc_world_t w;
    CHECK(world(&w, WAIT_WORLD));
    domain_t *s = dom(&w, "s"), *x = dom(&w, "x");
    CHECK(s && x);
    int64_t ep = ipc_handle(x, "s.ok");
    CHECK_EQ(ipc_run(&w, x, "call", 5, ep, (int64_t)41, (int64_t)0, (int64_t)0, (int64_t)0), 42);
    uint64_t calls0 = s->calls;
    int64_t l = ipc_run(&w, x, "lease", 3, ep, (int64_t)CAP_R_CALL, (int64_t)(1000 * MS));
    CHECK(l > 0);
    during_t d = {.w = &w, .busy = s, .tick_to = timer_now_ns() + 2000 * MS};
    s->active = 1;                      /* another thread is in s */
    s->holder = (thread_t *)&d;
    ktest_wait_arg = &d;
    ktest_wait_hook = act;
    CHECK_EQ(ipc_run(&w, x, "call", 5, l, (int64_t)1, (int64_t)0, (int64_t)0, (int64_t)0), CAP_EEXPIRED);
    CHECK_EQ(d.calls, 1);
    CHECK_EQ(s->calls, calls0);         /* the handler never ran */
    CHECK_EQ(s->active, 0);
    /* the same with the capability deleted while waiting */
    int64_t c = ipc_run(&w, x, "dup", 2, ep, (int64_t)CAP_R_CALL);
    CHECK(c > 0);
    d = (during_t){.w = &w, .busy = s, .del_t = x->caps, .del_h = (cap_handle_t)c};
    s->active = 1;
    s->holder = (thread_t *)&d;
    ktest_wait_hook = act;
    CHECK_EQ(ipc_run(&w, x, "call", 5, c, (int64_t)1, (int64_t)0, (int64_t)0, (int64_t)0), CAP_ESTALE);
    CHECK_EQ(s->calls, calls0);
    CHECK_EQ(ipc_run(&w, x, "call", 5, ep, (int64_t)1, (int64_t)0, (int64_t)0, (int64_t)0), 2);
    ktest_wait_hook = NULL;
    ipc_world_down(&w);
}

/* 3: the receiver's memory shrinks (a reset) while it waits in recv: the
 * kernel must check the destination when the message comes, not before. */
/* A guest range is checked whole: one that starts inside the memory and
 * ends past it, or wraps, is IPC_EFAULT before anything else is looked at
 * (the kernel would read past the domain's memory otherwise). */
TEST(iso_guest_range_checked_to_its_end)
{
    ipc_world_t w;
    CHECK(world(&w, WAIT_WORLD));
    domain_t *x = dom(&w, "x");
    CHECK(x != NULL);
    int64_t ch = ipc_handle(x, "x.in");
    CHECK_EQ(ipc_run(&w, x, "size", 0), 1);
    CHECK_EQ(ipc_run(&w, x, "send", 4, ch, (int64_t)65536 - 4, (int64_t)16, (int64_t)0), IPC_EFAULT);
    CHECK_EQ(ipc_run(&w, x, "send", 4, ch, (int64_t)65536 - 1, (int64_t)2, (int64_t)0), IPC_EFAULT);
    CHECK_EQ(ipc_run(&w, x, "send", 4, ch, (int64_t)65536, (int64_t)1, (int64_t)0), IPC_EFAULT);
    CHECK_EQ(ipc_run(&w, x, "send", 4, ch, (int64_t)0xFFFFFFFF, (int64_t)2, (int64_t)0), IPC_EFAULT);
    /* ending exactly at the end is inside: past the range check */
    CHECK(ipc_run(&w, x, "send", 4, ch, (int64_t)65536 - 16, (int64_t)16, (int64_t)0) != IPC_EFAULT);
    ipc_world_down(&w);
}

/* A reset gives back the manifest grants the domain dropped itself (its
 * post-init set), under the name it finds them by; one its definer revoked
 * stays revoked. */
TEST(iso_reset_gives_back_a_dropped_grant_not_a_revoked_one)
{
    ipc_world_t w;
    CHECK(world(&w, WAIT_WORLD));
    domain_t *s = dom(&w, "s"), *x = dom(&w, "x");
    CHECK(s != NULL && x != NULL);
    int64_t h = ipc_handle(x, "s.ok");
    CHECK_EQ(ipc_run(&w, x, "call", 5, h, (int64_t)41, (int64_t)0, (int64_t)0, (int64_t)0), 42);
    CHECK_EQ(ipc_run(&w, x, "drop", 1, h), 0);
    CHECK(ipc_run(&w, x, "call", 5, h, (int64_t)41, (int64_t)0, (int64_t)0, (int64_t)0) < 0);
    CHECK(domain_reset(x) >= 0);
    int64_t h2 = ipc_handle(x, "s.ok");
    CHECK(h2 > 0);
    CHECK_EQ(ipc_run(&w, x, "call", 5, h2, (int64_t)41, (int64_t)0, (int64_t)0, (int64_t)0), 42);
    uint32_t rights = 0;
    kobj_type_t type;
    CHECK_EQ(cap_info(x->caps, (cap_handle_t)h2, &rights, &type), CAP_OK);
    CHECK_EQ(rights, CAP_R_CALL | CAP_R_DERIVE);      /* its manifest rights, no more */
    /* its definer revokes every grant of it: a reset does not undo that */
    CHECK_EQ(cap_revoke(s->caps, (cap_handle_t)ipc_handle(s, "s.ok")), CAP_OK);
    CHECK(ipc_run(&w, x, "call", 5, h2, (int64_t)41, (int64_t)0, (int64_t)0, (int64_t)0) < 0);
    /* dropping what is already gone is not a drop that a reset undoes */
    CHECK(ipc_run(&w, x, "drop", 1, h2) < 0);
    CHECK(domain_reset(x) >= 0);
    CHECK(cap_info(x->caps, (cap_handle_t)ipc_handle(x, "s.ok"), &rights, &type) != CAP_OK);
    ipc_world_down(&w);
}

TEST(iso_recv_destination_checked_after_wait)
{
    ipc_world_t w;
    CHECK(world(&w, WAIT_WORLD));
    domain_t *x = dom(&w, "x");
    CHECK(x != NULL);
    int64_t ch = ipc_handle(x, "x.in");
    cap_handle_t cli_ch;
    CHECK_EQ(domain_cap_find(w.client, "x.in", 4, &cli_ch), 0);
    CHECK_EQ(ipc_run(&w, x, "grow", 1, (int64_t)1), 1);
    during_t d = {.w = &w, .reset = x, .send_from = w.client->caps, .send_ch = cli_ch};
    ktest_wait_arg = &d;
    ktest_wait_hook = act;
    CHECK_EQ(ipc_run(&w, x, "recv", 5, ch, (int64_t)65536 + 100, (int64_t)64, (int64_t)0, (int64_t)IPC_FOREVER),
             IPC_EFAULT);
    CHECK_EQ(d.calls, 1);
    CHECK_EQ(mem_pages(x), 1);
    /* the message was not lost: a receive into valid memory gets it */
    CHECK_EQ(ipc_run(&w, x, "recv", 5, ch, (int64_t)100, (int64_t)64, (int64_t)0, (int64_t)0), 5);
    CHECK_EQ(ipc_run(&w, x, "ld", 1, (int64_t)100), 0x6c6c6568);   /* "hell" */
    ktest_wait_hook = NULL;
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ 4: channels */

#define CHAN_WORLD                                          \
    "r iso.wasm queue=2\n"                                  \
    "    channel r.in recv\n"                               \
    "x iso.wasm\n"                                          \
    "    channel r.in\n"

/* A copy attached to a message dies in transit (its parent deleted): the
 * message is delivered without it and the queue moves on. */
TEST(iso_dead_capability_does_not_wedge_channel)
{
    ipc_world_t w;
    CHECK(world(&w, CHAN_WORLD "client client.wasm\n"));
    domain_t *r = dom(&w, "r"), *x = dom(&w, "x");
    CHECK(r && x);
    int64_t xch = ipc_handle(x, "r.in"), rch = ipc_handle(r, "r.in");
    int64_t b = ipc_run(&w, x, "buf_new", 1, (int64_t)1);
    int64_t copy = ipc_run(&w, x, "dup", 2, b, (int64_t)(CAP_R_READ | CAP_R_TRANSFER));
    CHECK(b > 0 && copy > 0);
    CHECK_EQ(ipc_run(&w, x, "st", 2, (int64_t)200, (int64_t)0x41424344), 0);
    CHECK_EQ(ipc_run(&w, x, "send", 4, xch, (int64_t)200, (int64_t)4, copy), 0);
    CHECK_EQ(ipc_run(&w, x, "drop", 1, b), 0);          /* revokes the copy in transit */
    CHECK_EQ(ipc_run(&w, x, "send", 4, xch, (int64_t)200, (int64_t)4, (int64_t)0), 0);
    CHECK_EQ(ipc_run(&w, x, "send", 4, xch, (int64_t)200, (int64_t)4, (int64_t)0), IPC_EFULL);
    CHECK_EQ(ipc_run(&w, r, "st", 2, (int64_t)300, (int64_t)0x99), 0);
    CHECK_EQ(ipc_run(&w, r, "recv", 5, rch, (int64_t)100, (int64_t)64, (int64_t)300, (int64_t)0), 4);
    CHECK_EQ(ipc_run(&w, r, "ld", 1, (int64_t)300), 0);   /* no capability came */
    CHECK_EQ(ipc_run(&w, r, "ld", 1, (int64_t)100), 0x41424344);
    CHECK_EQ(ipc_run(&w, r, "recv", 5, rch, (int64_t)100, (int64_t)64, (int64_t)300, (int64_t)0), 4);
    CHECK_EQ(ipc_run(&w, r, "recv", 5, rch, (int64_t)100, (int64_t)64, (int64_t)300, (int64_t)0), IPC_EEMPTY);
    CHECK_EQ(ipc_run(&w, x, "send", 4, xch, (int64_t)200, (int64_t)4, (int64_t)0), 0);
    ipc_world_down(&w);
}

/* A reset drains a queue holding a dead capability too. */
TEST(iso_reset_drains_dead_capability)
{
    ipc_world_t w;
    CHECK(world(&w, CHAN_WORLD "client client.wasm\n"));
    domain_t *r = dom(&w, "r"), *x = dom(&w, "x");
    CHECK(r && x);
    int64_t xch = ipc_handle(x, "r.in"), rch = ipc_handle(r, "r.in");
    int64_t b = ipc_run(&w, x, "buf_new", 1, (int64_t)1);
    int64_t copy = ipc_run(&w, x, "dup", 2, b, (int64_t)(CAP_R_READ | CAP_R_TRANSFER));
    CHECK_EQ(ipc_run(&w, x, "send", 4, xch, (int64_t)200, (int64_t)4, copy), 0);
    CHECK_EQ(ipc_run(&w, x, "drop", 1, b), 0);
    CHECK(domain_reset(r) >= 0);
    CHECK_EQ(ipc_run(&w, r, "recv", 5, rch, (int64_t)100, (int64_t)64, (int64_t)0, (int64_t)0), IPC_EEMPTY);
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ 5: limits */

/* Buffers are charged to their maker's mem= limit, with its linear memory. */
TEST(iso_buffers_charged_to_memory_limit)
{
    ipc_world_t w;
    CHECK(world(&w, "x iso.wasm mem=4\nclient client.wasm\n"));
    domain_t *x = dom(&w, "x");
    CHECK(x != NULL);
    /* 1 page of memory (16 frames): 48 frames of buffers fit, not 49 */
    CHECK_EQ(ipc_run(&w, x, "buf_new", 1, (int64_t)49), IPC_ELIMIT);
    int64_t b = ipc_run(&w, x, "buf_new", 1, (int64_t)48);
    CHECK(b > 0);
    CHECK_EQ(ipc_run(&w, x, "buf_new", 1, (int64_t)1), IPC_ELIMIT);
    CHECK_EQ(ipc_run(&w, x, "grow", 1, (int64_t)1), -1);    /* the buffers took it */
    CHECK_EQ(ipc_run(&w, x, "drop", 1, b), 0);               /* uncharged when freed */
    CHECK_EQ(ipc_run(&w, x, "grow", 1, (int64_t)3), 1);
    CHECK_EQ(ipc_run(&w, x, "grow", 1, (int64_t)1), -1);
    CHECK_EQ(ipc_run(&w, x, "buf_new", 1, (int64_t)1), IPC_ELIMIT);
    ipc_world_down(&w);
}

/* mem= holds from instantiation: a declared memory over it is refused with
 * a clear line, and a start function cannot grow past it. */
TEST(iso_memory_limit_at_instantiation)
{
    ipc_world_t w;
    CHECK(world(&w, "big bigmem.wasm mem=16\n"
                    "sg startgrow.wasm mem=16\n"
                    "ok bigmem.wasm\n"
                    "client client.wasm\n"));
    CHECK(dom(&w, "big") == NULL);
    CHECK(strstr(w.log, "memory of 1000 pages exceeds the limit of 16") != NULL);
    domain_t *sg = dom(&w, "sg");
    CHECK(sg != NULL);
    CHECK_EQ(ipc_run(&w, sg, "got", 0), -1);
    CHECK_EQ(mem_pages(sg), 1);
    CHECK(dom(&w, "ok") != NULL);       /* no mem=: the runtime's limit */
    ipc_world_down(&w);
}

/* Tables share one budget per domain (tables=, default 4096 elements). */
TEST(iso_table_budget)
{
    ipc_world_t w;
    CHECK(world(&w, "t2 tables.wasm\n"
                    "t2b tables.wasm tables=6000\n"
                    "tg tgrow.wasm tables=100\n"
                    "client client.wasm\n"));
    CHECK(dom(&w, "t2") == NULL);
    CHECK(strstr(w.log, "tables too large (6000 elements, limit 4096)") != NULL);
    CHECK(dom(&w, "t2b") != NULL);
    domain_t *tg = dom(&w, "tg");
    CHECK(tg != NULL);
    CHECK_EQ(ipc_run(&w, tg, "grow", 1, (int64_t)91), -1);
    CHECK_EQ(ipc_run(&w, tg, "grow", 1, (int64_t)90), 10);
    CHECK_EQ(ipc_run(&w, tg, "grow", 1, (int64_t)1), -1);
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ 6: blame */

/* A caller that spent its stack before calling traps itself; the server
 * (restart=never) is not faulted. */
TEST(iso_stack_exhaustion_is_the_callers)
{
    ipc_world_t w;
    CHECK(world(&w, WAIT_WORLD));
    domain_t *s = dom(&w, "s"), *x = dom(&w, "x");
    CHECK(s && x);
    int64_t ep = ipc_handle(x, "s.ok");
    CHECK_EQ(ipc_run(&w, x, "deep", 2, (int64_t)100, ep), 2);
    int64_t r = ipc_run(&w, x, "deep", 2, (int64_t)19900, ep);
    CHECK_EQ(r, -2000 - (int64_t)WASM_TRAP_STACK_EXHAUSTED);
    CHECK_EQ(s->sup.faults, 0);
    CHECK_EQ(s->state, DOMAIN_READY);
    CHECK_EQ(ipc_run(&w, x, "call", 5, ep, (int64_t)1, (int64_t)0, (int64_t)0, (int64_t)0), 2);
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ 7: ownership */

#define MOVE_WORLD                                          \
    "r iso.wasm\n"                                          \
    "    channel r.in recv\n"                               \
    "x iso.wasm\n"                                          \
    "    channel r.in\n"                                    \
    "client client.wasm\n"

/* After a move the sender keeps nothing: copies it derived are revoked and
 * their mappings gone, so it can neither read nor write the receiver's data. */
TEST(iso_move_revokes_derived_copies)
{
    ipc_world_t w;
    CHECK(world(&w, MOVE_WORLD));
    domain_t *r = dom(&w, "r"), *x = dom(&w, "x");
    CHECK(r && x);
    int64_t xch = ipc_handle(x, "r.in"), rch = ipc_handle(r, "r.in");
    int64_t b = ipc_run(&w, x, "buf_new", 1, (int64_t)1);
    int64_t copy = ipc_run(&w, x, "dup", 2, b, (int64_t)(CAP_R_READ | CAP_R_WRITE | CAP_R_MAP));
    CHECK(b > 0 && copy > 0);
    CHECK_EQ(ipc_run(&w, x, "buf_map", 2, copy, (int64_t)32768), 0);
    CHECK_EQ(ipc_run(&w, x, "send", 4, xch, (int64_t)0, (int64_t)0, b), 0);
    CHECK_EQ(ipc_run(&w, x, "info", 1, copy), CAP_EREVOKED);
    CHECK_EQ(x->nmaps, 0);
    CHECK_EQ(ipc_run(&w, r, "recv", 5, rch, (int64_t)100, (int64_t)64, (int64_t)300, (int64_t)0), 0);
    int64_t rb = ipc_run(&w, r, "ld", 1, (int64_t)300);
    CHECK(rb > 0);
    CHECK_EQ(ipc_run(&w, r, "buf_map", 2, rb, (int64_t)32768), 0);
    CHECK_EQ(ipc_run(&w, r, "st", 2, (int64_t)32768, (int64_t)0x77), 0);
    CHECK_EQ(ipc_run(&w, x, "ld", 1, (int64_t)32768), 0);       /* its own page again */
    CHECK_EQ(ipc_run(&w, x, "st", 2, (int64_t)32768, (int64_t)0x66), 0);
    CHECK_EQ(ipc_run(&w, r, "ld", 1, (int64_t)32768), 0x77);
    ipc_world_down(&w);
}

#define LEND_WORLD                                          \
    "o iso.wasm\n"                                          \
    "    buffer buf pages=1\n"                              \
    "    endpoint o.self handler=h_map\n"                   \
    "    endpoint s.map2\n"                                 \
    "s iso.wasm\n"                                          \
    "    endpoint s.map2 handler=h_map2\n"                  \
    "    buffer buf\n"                                      \
    "client client.wasm\n"

/* Exactly one borrower at every map, not only at lend time: during a
 * writable lend only the lent capability maps; during a read-only lend no
 * capability maps writable, the lender's included. */
TEST(iso_lend_exclusive_at_every_map)
{
    ipc_world_t w;
    CHECK(world(&w, LEND_WORLD));
    domain_t *o = dom(&w, "o"), *s = dom(&w, "s");
    CHECK(o && s);
    int64_t ob = ipc_handle(o, "buf"), sb = ipc_handle(s, "buf");
    int64_t ep2 = ipc_handle(o, "s.map2"), self = ipc_handle(o, "o.self");
    /* s maps its own grant at 32768, the lent one at 49152 */
    int64_t r = ipc_run(&w, o, "lend", 6, ep2, ob, (int64_t)(CAP_R_READ | CAP_R_WRITE), sb,
                    (int64_t)32768, (int64_t)49152);
    CHECK_EQ((int32_t)(r >> 32), IPC_ELENT);
    CHECK_EQ((int32_t)r, 0);
    CHECK_EQ(s->nmaps, 0);              /* the lend's mapping ended with it */
    /* a read-only lend to itself: its handler maps the writable handle */
    CHECK_EQ(ipc_run(&w, o, "lend", 6, self, ob, (int64_t)CAP_R_READ, ob, (int64_t)32768, (int64_t)0),
             IPC_ELENT);
    CHECK_EQ(ipc_run(&w, o, "buf_map", 2, ob, (int64_t)32768), 0);   /* fine once it ended */
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ 9: devices */

/* A device mapping taken and given back under a snapshot: the page that
 * comes back is copy-on-write bookkept, so a later write does not survive
 * a reset. */
TEST(iso_mmio_unmap_keeps_reset_exact)
{
    ipc_world_t w;
    CHECK(world(&w, "x iso.wasm\nclient client.wasm\n"));
    domain_t *x = dom(&w, "x");
    CHECK(x != NULL);
    cap_table_t *t = x->caps;
    uint64_t dev = pmm_alloc();
    dev_mmio_t *m = dev_mmio_create(dev, 4096);
    cap_handle_t h;
    CHECK(m != NULL);
    CHECK_EQ(cap_install(t, &m->obj, CAP_R_MAP, &h), 0);
    kobj_unref(&m->obj);
    CHECK_EQ(dev_mmio_map(x, t, h, 8192), 0);
    CHECK_EQ(dev_mmio_unmap(t, h), 0);
    CHECK_EQ(ipc_run(&w, x, "st", 2, (int64_t)8192, (int64_t)0x1234), 0);
    CHECK(domain_reset(x) >= 0);
    CHECK_EQ(ipc_run(&w, x, "ld", 1, (int64_t)8192), 0);
    /* and one still mapped at the reset is unmapped by it */
    CHECK_EQ(dev_mmio_map(x, t, h, 8192), CAP_ESTALE);   /* h was not held at init */
    pmm_free(dev);
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ clocks */

/* A domain reads a 1 ms clock unless it holds the fine clock; dropping the
 * capability makes it coarse again. */
TEST(iso_coarse_clock_without_capability)
{
    ipc_world_t w;
    CHECK(world(&w, "c iso.wasm\n"
                    "f iso.wasm\n"
                    "    clock fine\n"
                    "bad iso.wasm\n"
                    "    clock precise\n"
                    "client client.wasm\n"));
    domain_t *c = dom(&w, "c"), *f = dom(&w, "f");
    CHECK(c && f);
    CHECK(strstr(w.log, "clock precise: only `clock fine` exists") != NULL);
    int fine = 0;
    for (int i = 0; i < 200; i++) {
        int64_t t = ipc_run(&w, c, "now", 0);
        CHECK(t > 0);
        CHECK_EQ(t % (int64_t)CLOCK_COARSE_NS, 0);
        fine += ipc_run(&w, f, "now", 0) % (int64_t)CLOCK_COARSE_NS != 0;
    }
    CHECK(fine > 0);
    int64_t h = ipc_handle(f, "clock.fine");
    CHECK(h > 0);
    CHECK_EQ(ipc_run(&w, f, "drop", 1, h), 0);
    for (int i = 0; i < 50; i++)
        CHECK_EQ(ipc_run(&w, f, "now", 0) % (int64_t)CLOCK_COARSE_NS, 0);
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ found by fuzz_multi */

/* N-10: a channel whose last capability goes frees what it carries at once
 * (not at shutdown): here a moved buffer, whose pages were charged to its
 * maker. */
TEST(iso_dropped_channel_frees_what_it_carries)
{
    ipc_world_t w;
    CHECK(world(&w, "a iso.wasm\n"
                    "    channel a.q recv\n"
                    "client client.wasm\n"));
    domain_t *a = dom(&w, "a");
    CHECK(a != NULL);
    long frames0 = ipc_shim_frames_live;
    int64_t q = ipc_handle(a, "a.q"), b = ipc_run(&w, a, "buf_new", 1, (int64_t)4);
    CHECK(b > 0);
    CHECK_EQ(a->buf_pages, 4);
    CHECK_EQ(ipc_run(&w, a, "send", 4, q, (int64_t)0, (int64_t)0, b), 0);
    CHECK_EQ(ipc_run(&w, a, "drop", 1, q), 0);
    CHECK_EQ(a->buf_pages, 0);
    CHECK_EQ(ipc_shim_frames_live, frames0);
    CHECK(w.sys.reap == NULL);
    ipc_world_down(&w);
}

/* N-11: a grant re-issued since init (its server faulted) is part of the
 * post-init set: the holder's reset keeps it. */
TEST(iso_reset_keeps_reissued_grants)
{
    ipc_world_t w;
    CHECK(world(&w, "b iso.wasm restart=always\n"
                    "    endpoint b.ok handler=h_ok\n"
                    "    endpoint b.boom handler=h_boom\n"
                    "a iso.wasm restart=always\n"
                    "    endpoint b.ok\n"
                    "client client.wasm\n"
                    "    endpoint b.boom\n"));
    domain_t *a = dom(&w, "a"), *b = dom(&w, "b");
    CHECK(a && b);
    int64_t h0 = ipc_handle(a, "b.ok");
    CHECK_EQ(ipc_run(&w, a, "call", 5, h0, (int64_t)1, (int64_t)0, (int64_t)0, (int64_t)0), 2);
    CHECK_EQ(ipc_client_call(&w, "b.boom", 0, 0, 0, 0), IPC_ETRAP);
    CHECK_EQ(b->state, DOMAIN_READY);
    int64_t h1 = ipc_handle(a, "b.ok");
    CHECK(h1 != h0);                     /* re-issued under a new handle */
    CHECK(domain_reset(a) >= 0);
    CHECK_EQ(ipc_handle(a, "b.ok"), h1);
    CHECK_EQ(ipc_run(&w, a, "call", 5, h1, (int64_t)41, (int64_t)0, (int64_t)0, (int64_t)0), 42);
    ipc_world_down(&w);
}

/* A manifest with more modules than the loader's table: the extra ones are
 * refused in one line each, nothing is written past the table (it used to
 * write the file name one entry past its end, into the capability lines). */
TEST(iso_manifest_too_many_modules)
{
    static char m[8192];
    size_t n = 0;
    n += (size_t)snprintf(m + n, sizeof m - n, "first iso.wasm\n    channel first.q recv\n");
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(m + n, sizeof m - n, "m%d iso.wasm\n", i);
    n += (size_t)snprintf(m + n, sizeof m - n, "client client.wasm\n    channel first.q\n");
    ipc_world_t w;
    ipc_world_up(&w, m);
    int refused = 0;
    for (const char *p = w.log; (p = strstr(p, "too many modules (max ")); p++)
        refused++;
    CHECK(refused >= 7);
    domain_t *f = dom(&w, "first");
    CHECK(f != NULL);
    CHECK(ipc_handle(f, "first.q") > 0);
    ipc_world_down(&w);
}
