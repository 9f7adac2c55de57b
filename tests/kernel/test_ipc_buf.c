/*
 * Buffers: mapped into linear memory without a copy, moved through a
 * channel (the sender loses mapping and capability), lent read-only or
 * writable for the length of a call; a random sequence of these never
 * breaks ownership: one holder, mappings only in the holder, and the pages
 * a domain had under a mapping come back when it goes.
 */
#include "ipctest.h"

#include <stdlib.h>

#define MAPOFF 131072u   /* where the client maps it (page 2 of 4) */
#define LENTOFF 65536u   /* where the server's "lent" handler maps it */

static uint8_t *mem_of(domain_t *d)
{
    return wasm_memory_data(wasm_instance_memory(d->inst, 0));
}

static cap_handle_t named(domain_t *d, const char *n)
{
    cap_handle_t h = 0;
    domain_cap_find(d, n, strlen(n), &h);
    return h;
}

static int64_t lend(ipc_world_t *w, cap_handle_t b, uint32_t rights, int64_t a0, int64_t op)
{
    uint64_t args[7] = {named(w->client, "srv.lent"), b, rights, (uint64_t)a0, 0, (uint64_t)op};
    return ipc_invoke(w, w->client, "do_lend", args);
}

TEST(ipc_buffer_map_lend_move)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    cap_handle_t b = named(w.client, "buf");
    uint8_t *cm = mem_of(w.client), *sm = mem_of(w.server);
    memset(cm + MAPOFF, 0xc1, 8192);
    memset(sm + LENTOFF, 0x5e, 8192);
    CHECK_EQ(buf_map(w.client, w.client->caps, b, MAPOFF + 1), IPC_EMAPPED);
    CHECK_EQ(buf_map(w.client, w.client->caps, b, 20 * 65536 - 4096), IPC_EMAPPED);
    CHECK_EQ(buf_map(w.client, w.client->caps, b, MAPOFF), 0);
    CHECK_EQ(buf_map(w.client, w.client->caps, b, 0), IPC_EMAPPED);   /* once per capability */
    CHECK_EQ(cm[MAPOFF], 0);                     /* the buffer's zeroed pages */
    ((uint64_t *)(cm + MAPOFF))[0] = 40;
    ((uint64_t *)(cm + MAPOFF))[1] = 2;
    /* read-only lend: the server sees the same frames */
    CHECK_EQ(lend(&w, b, CAP_R_READ, 0, 0), 42);
    CHECK_EQ(sm[LENTOFF], 0x5e);                 /* its own page is back */
    /* writable lend: the server's store lands in the client's mapping */
    CHECK_EQ(lend(&w, b, CAP_R_READ | CAP_R_WRITE, 100, 1), 102);
    CHECK_EQ(((uint64_t *)(cm + MAPOFF))[0], 100);
    /* move it to the server through srvbox */
    char m = 'b', got_msg;
    cap_handle_t got;
    CHECK_EQ(ipc_send(w.client->caps, named(w.client, "srvbox"), &m, 1, b), 0);
    CHECK_EQ(cm[MAPOFF], 0xc1);                  /* the client's pages are back */
    CHECK_EQ(buf_map(w.client, w.client->caps, b, MAPOFF), CAP_ESTALE);
    CHECK_EQ(ipc_recv(w.server->caps, named(w.server, "srvbox"), &got_msg, 1, &got, 0), 1);
    CHECK(got != 0);
    CHECK_EQ(buf_map(w.server, w.server->caps, got, 0), 0);
    CHECK_EQ(((uint64_t *)sm)[0], 100);          /* the same bytes, never copied */
    CHECK_EQ(cap_delete(w.server->caps, got), 0);
    CHECK_EQ(sm[0], 'c');                        /* "cli.pong" data is back */
    ipc_world_down(&w);
}

/* Random map / unmap / move / lend sequences against a one-line model:
 * who holds the buffer and whether (and where) it is mapped. */
TEST(ipc_buffer_ownership_property)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    srand(1234);
    domain_t *dom[2] = {w.client, w.server};
    const char *box[2] = {"srvbox", "inbox"};    /* holder i sends to the other on box[i] */
    cap_handle_t h = named(w.client, "buf");
    int holder = 0, mapped = -1;                 /* mapped: offset page, -1 none */
    for (int d = 0; d < 2; d++)
        for (uint32_t o = 0; o < 4 * 65536; o += 4096)
            mem_of(dom[d])[o + 7] = (uint8_t)(o >> 12 | d << 7);
    for (int step = 0; step < 2000; step++) {
        domain_t *me = dom[holder];
        int op = rand() % 4;
        if (op == 0 && mapped < 0) {
            int page = (rand() % 8) * 4 + 16;    /* 64 KiB .. 192 KiB */
            CHECK_EQ(buf_map(me, me->caps, h, (uint32_t)page * 4096), 0);
            mapped = page;
            mem_of(me)[page * 4096 + 9] = (uint8_t)step;
        } else if (op == 1 && mapped >= 0) {
            CHECK_EQ(buf_unmap(me->caps, h), 0);
            mapped = -1;
        } else if (op == 2) {
            char c = 'x', r;
            cap_handle_t nh;
            CHECK_EQ(ipc_send(me->caps, named(me, box[holder]), &c, 1, h), 0);
            CHECK_EQ(buf_unmap(me->caps, h), CAP_ESTALE);
            holder ^= 1;
            CHECK_EQ(ipc_recv(dom[holder]->caps, named(dom[holder], box[holder ^ 1]), &r, 1, &nh, 0), 1);
            h = nh;
            mapped = -1;
        } else if (op == 3 && holder == 0 && mapped != 16) {
            /* the server maps a lend at 64 KiB: the client must not be mapped there */
            int64_t r = lend(&w, h, CAP_R_READ | (rand() % 2 ? CAP_R_WRITE : 0), 5, 0);
            CHECK(r >= 0);
        }
        /* every page not under the mapping shows its own byte */
        for (int d = 0; d < 2; d++)
            for (uint32_t o = 0; o < 4 * 65536; o += 4096) {
                bool under = d == holder && mapped >= 0 && o / 4096 >= (uint32_t)mapped &&
                             o / 4096 < (uint32_t)mapped + 2;
                if (!under)
                    CHECK_EQ(mem_of(dom[d])[o + 7], (uint8_t)(o >> 12 | d << 7));
            }
        CHECK_EQ(cap_table_count(w.client->caps) + cap_table_count(w.server->caps), 17);
    }
    ipc_world_down(&w);
}
