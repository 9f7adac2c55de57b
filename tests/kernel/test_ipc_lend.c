/*
 * Lend exclusivity (docs/ipc.md): a writable lend needs the buffer to
 * itself. Lends are nested through a call-back: the server's "lent" op 3
 * calls the client's cli.relend while the first lend still runs, and
 * relend lends the same buffer again to a third domain's hlp.add (add4,
 * whose result is 7 + the lent handle). A second domain holding a mapping
 * of the buffer (a manifest grant) also blocks a writable lend.
 */
#include "ipctest.h"

#define LEND_MANIFEST                                       \
    "server server.wasm prio=3\n"                           \
    "    endpoint srv.lent handler=lent\n"                  \
    "    endpoint cli.relend\n"                             \
    "client client.wasm prio=7\n"                           \
    "    endpoint srv.lent\n"                               \
    "    endpoint hlp.add\n"                                \
    "    endpoint cli.relend handler=relend\n"              \
    "    buffer buf pages=2\n"                              \
    "    buffer one pages=1\n"                              \
    "    channel hbox\n"                                    \
    "helper server.wasm prio=3\n"                           \
    "    endpoint hlp.add handler=add4\n"                   \
    "    channel hbox recv\n"                               \
    "    buffer buf\n"

#define RW (CAP_R_READ | CAP_R_WRITE)

static cap_handle_t named(domain_t *d, const char *n)
{
    cap_handle_t h = 0;
    domain_cap_find(d, n, strlen(n), &h);
    return h;
}

/* The client lends buf with `outer` rights to srv.lent (op 3), which has
 * the client lend it again with `inner` rights to hlp.add: the inner result. */
static int64_t nested(ipc_world_t *w, uint32_t outer, uint32_t inner)
{
    cap_handle_t b = named(w->client, "buf");
    uint64_t args[6] = {named(w->client, "srv.lent"), b, outer,
                        b | (uint64_t)inner << 32, named(w->client, "hlp.add"), 3};
    return ipc_invoke(w, w->client, "do_lend", args);
}

/* A lend straight to hlp.add: add4(7, 0, 0, handle) or the error. */
static int64_t direct(ipc_world_t *w, uint32_t rights)
{
    uint64_t args[6] = {named(w->client, "hlp.add"), named(w->client, "buf"), rights, 7, 0, 0};
    return ipc_invoke(w, w->client, "do_lend", args);
}

TEST(ipc_lend_exclusive_while_lent)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, LEND_MANIFEST));
    CHECK(domain_find(&w.sys, "helper") != NULL);
    /* read-only lends may overlap: the inner one reaches add4 */
    CHECK(nested(&w, CAP_R_READ, CAP_R_READ) > 7);
    /* but nothing writable while a lend runs, and nothing during a writable one */
    CHECK_EQ(nested(&w, CAP_R_READ, RW), IPC_ELENT);
    CHECK_EQ(nested(&w, RW, CAP_R_READ), IPC_ELENT);
    CHECK_EQ(nested(&w, RW, RW), IPC_ELENT);
    /* each lend ended with its call: the buffer is free again */
    CHECK(direct(&w, RW) > 7);
    CHECK(direct(&w, CAP_R_READ) > 7);
    /* a lent buffer cannot move, read-only lend or not */
    cap_handle_t b = named(w.client, "buf"), box = named(w.client, "hbox");
    CHECK(box != 0);
    uint64_t args[6] = {named(w.client, "srv.lent"), b, CAP_R_READ,
                        b | 1ull << 62, box, 3};
    CHECK_EQ(ipc_invoke(&w, w.client, "do_lend", args), IPC_ELENT);
    args[2] = RW;
    CHECK_EQ(ipc_invoke(&w, w.client, "do_lend", args), IPC_ELENT);
    CHECK_EQ(ipc_send(w.client->caps, box, "m", 1, b), 0);    /* not lent: it moves */
    CHECK_EQ(buf_map(w.client, w.client->caps, b, 131072), CAP_ESTALE);
    ipc_world_down(&w);
}

TEST(ipc_lend_writable_needs_no_foreign_mapping)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, LEND_MANIFEST));
    domain_t *h = domain_find(&w.sys, "helper");
    CHECK(h != NULL);
    cap_handle_t hb = named(h, "buf"), cb = named(w.client, "buf");
    CHECK(hb != 0);
    /* the lender's own mapping does not count */
    CHECK_EQ(buf_map(w.client, w.client->caps, cb, 131072), 0);
    CHECK(direct(&w, RW) > 7);
    /* another domain's mapping does: read-only lends only */
    CHECK_EQ(buf_map(h, h->caps, hb, 196608), 0);
    CHECK_EQ(direct(&w, RW), IPC_ELENT);
    CHECK(direct(&w, CAP_R_READ) > 7);
    CHECK_EQ(buf_unmap(h->caps, hb), 0);
    CHECK(direct(&w, RW) > 7);
    ipc_world_down(&w);
}

/* Mappings never overlap, and adjacent ones are fine (overlay.c). */
TEST(ipc_buffer_mappings_do_not_overlap)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, LEND_MANIFEST));
    cap_handle_t b = named(w.client, "buf"), one = named(w.client, "one");
    CHECK(b && one);
    CHECK_EQ(buf_map(w.client, w.client->caps, b, 131072), 0);        /* pages 32, 33 */
    CHECK_EQ(buf_map(w.client, w.client->caps, one, 131072), IPC_EMAPPED);
    CHECK_EQ(buf_map(w.client, w.client->caps, one, 135168), IPC_EMAPPED);
    CHECK_EQ(buf_map(w.client, w.client->caps, one, 126976), 0);      /* page 31 */
    CHECK_EQ(buf_unmap(w.client->caps, one), 0);
    CHECK_EQ(buf_map(w.client, w.client->caps, one, 139264), 0);      /* page 34 */
    CHECK_EQ(buf_unmap(w.client->caps, one), 0);
    CHECK_EQ(buf_unmap(w.client->caps, b), 0);
    CHECK_EQ(buf_map(w.client, w.client->caps, one, 131072), 0);      /* free again */
    ipc_world_down(&w);
}

/* ------------------------------------------------------------ badges */

#define BADGE_MANIFEST                                      \
    "server server.wasm prio=3\n"                           \
    "    endpoint srv.badge handler=badge\n"                \
    "    endpoint srv.add handler=add4\n"                   \
    "client client.wasm prio=7\n"                           \
    "    endpoint srv.badge rights=call,derive,transfer\n"  \
    "    endpoint srv.add\n"                                \
    "    buffer buf pages=1\n"

/* client.do_call through handle h of its table: the result or the error. */
static int64_t call_h(ipc_world_t *w, cap_handle_t h)
{
    uint64_t args[6] = {h, 0, 0, 0, 0, 0};
    return ipc_invoke(w, w->client, "do_call", args);
}

/* The kernel badges an endpoint capability (wasiprog does, per preopened
 * directory); its server sees the badge in every call through it or
 * through anything derived from it or moved, and nobody can change it. */
TEST(ipc_badge_seen_by_server_and_kept)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, BADGE_MANIFEST));
    cap_table_t *ct = w.client->caps;
    cap_handle_t ep = named(w.client, "srv.badge"), b = 0, c = 0, moved = 0;
    uint32_t all = CAP_R_CALL | CAP_R_DERIVE | CAP_R_TRANSFER;
    CHECK_EQ(call_h(&w, ep), 0);                             /* no badge */
    CHECK_EQ(cap_derive_badge(ct, ep, all, ct, 0x1234, &b), CAP_OK);
    CHECK_EQ(call_h(&w, b), 0x1234);
    CHECK_EQ(w.server->call_badge, 0);                       /* only during the call */
    CHECK_EQ(call_h(&w, ep), 0);                             /* the original keeps none */
    /* derived, and the derived one moved: the badge goes along */
    CHECK_EQ(cap_derive(ct, b, all, ct, &c), CAP_OK);
    CHECK_EQ(call_h(&w, c), 0x1234);
    CHECK_EQ(cap_transfer(ct, c, w.server->caps, CAP_R_SAME, &moved), CAP_OK);
    uint64_t got = 0;
    CHECK_EQ(cap_badge(w.server->caps, moved, &got), CAP_OK);
    CHECK_EQ(got, 0x1234);
    /* set once, on endpoints, never 0 */
    CHECK_EQ(cap_derive_badge(ct, b, all, ct, 0x99, &c), CAP_ERIGHTS);
    CHECK_EQ(cap_derive_badge(ct, ep, all, ct, 0, &c), CAP_EINVAL);
    CHECK_EQ(cap_derive_badge(ct, named(w.client, "buf"), CAP_R_READ, ct, 5, &c), CAP_EINVAL);
    /* minting needs the derive right, as any derive */
    cap_handle_t weak = 0;
    CHECK_EQ(cap_derive(ct, ep, CAP_R_CALL, ct, &weak), CAP_OK);
    CHECK_EQ(cap_derive_badge(ct, weak, CAP_R_CALL, ct, 7, &c), CAP_ERIGHTS);
    /* a call with a lend through the badged capability: the same badge */
    uint64_t args[6] = {b, named(w.client, "buf"), CAP_R_READ, 0, 0, 0};
    CHECK_EQ(ipc_invoke(&w, w.client, "do_lend", args), 0x1234);
    /* gone with its parent */
    CHECK_EQ(cap_delete(ct, ep), CAP_OK);
    CHECK(call_h(&w, b) < 0);
    ipc_world_down(&w);
}
