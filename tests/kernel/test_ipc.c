/*
 * IPC host tests: domains from a manifest, calls between them (thread
 * migration on one exec), a server trapping mid-call, busy and stopped
 * servers, channel queue limits and signals. The Wasm modules are
 * tests/kernel/ipc/ (.wat), built by mk/ipc.mk into build/san/ipc/.
 */
#include <kern/supervise.h>
#include "ipctest.h"

#include <stdlib.h>

TEST(ipc_manifest_grants_exactly)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    cap_handle_t h;
    CHECK_EQ(domain_cap_find(w.client, "srv.add", 7, &h), 0);
    uint32_t rights;
    kobj_type_t type;
    CHECK_EQ(cap_info(w.client->caps, h, &rights, &type), 0);
    CHECK_EQ(type, KOBJ_ENDPOINT);
    CHECK_EQ(rights, CAP_R_CALL);
    CHECK_EQ(domain_cap_find(w.client, "nothing", 7, &h), CAP_ENOENT);
    /* client: srv.add, srv.boom, srv.ping, srv.self, srv.lent, cli.pong (its own), inbox, srvbox, buf */
    CHECK_EQ(cap_table_count(w.client->caps), 9);
    CHECK_EQ(w.client->lim.queue_len, 4);
    CHECK_EQ(w.client->prio, 7);
    ipc_world_down(&w);
}

TEST(ipc_call_between_domains)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    CHECK_EQ(ipc_client_call(&w, "srv.add", 1, 2, 3, 4), 10);
    /* server.ping calls back into the client (pong = 2a), then adds 1 */
    CHECK_EQ(ipc_client_call(&w, "srv.ping", 21, 0, 0, 0), 43);
    /* a non-reentrant server calling itself would wait for itself */
    CHECK_EQ(ipc_client_call(&w, "srv.self", 0, 0, 0, 0), IPC_EBUSY);
    CHECK_EQ(w.server->active, 0);
    ipc_world_down(&w);
}

/* On a thread, a non-reentrant server calling itself is a cycle: the call
 * fails at once with EBUSY, without waiting; waiting for the server would
 * wait for itself (here the armed wait hook would run and time out). */
static int self_waits;
static bool self_wait(waitq_t *q, void *arg)
{
    (void)q, (void)arg;
    self_waits++;
    return false;
}

TEST(ipc_self_call_on_a_thread_is_busy_not_a_wait)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    self_waits = 0;
    ktest_wait_hook = self_wait;        /* a thread: thread_current() is not NULL */
    CHECK_EQ(ipc_client_call(&w, "srv.self", 0, 0, 0, 0), IPC_EBUSY);
    ktest_wait_hook = NULL;
    CHECK_EQ(self_waits, 0);
    CHECK_EQ(w.server->active, 0);
    CHECK_EQ(ipc_client_call(&w, "srv.add", 1, 2, 3, 4), 10);
    ipc_world_down(&w);
}

TEST(ipc_server_trap_returns_error)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(ipc_client_call(&w, "srv.boom", 0, 0, 0, 0), IPC_ETRAP);
        CHECK_EQ(w.server->active, 0);
        /* contained: restarted at once the first time, after its back-off
         * later (kern/supervise.h); the supervisor's clock runs on */
        sup_tick(&w.sys, UINT64_MAX);
        CHECK_EQ(w.server->state, DOMAIN_READY);
        /* both still work */
        CHECK_EQ(ipc_client_call(&w, "srv.add", i, 1, 1, 1), i + 3);
        CHECK_EQ(ipc_client_local(&w, 5), 5 + 1 + 2 + 3);
    }
    CHECK_EQ(w.server->traps, 3);
    ipc_world_down(&w);
}

TEST(ipc_stopped_and_busy_server)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    domain_stop(w.server);
    CHECK_EQ(ipc_client_call(&w, "srv.add", 1, 1, 1, 1), IPC_ESTOPPED);
    domain_start(w.server);
    CHECK_EQ(ipc_client_call(&w, "srv.add", 1, 1, 1, 1), 4);
    /* busy: another call holds it (no scheduler here: waiting fails fast) */
    w.server->active = 1;
    w.server->holder = (thread_t *)&w;
    uint64_t args[4] = {1, 1, 1, 1}, r;
    cap_handle_t h;
    CHECK_EQ(domain_cap_find(w.client, "srv.add", 7, &h), 0);
    CHECK_EQ(ipc_call(w.client->caps, w.ex, h, args, 0, &r), IPC_EBUSY);
    w.server->active = 0;
    w.server->holder = NULL;
    CHECK_EQ(ipc_call(w.client->caps, w.ex, h, args, 0, &r), 0);
    CHECK_EQ(r, 4);
    /* a forged handle, a missing right */
    CHECK_EQ(ipc_call(w.client->caps, w.ex, h + (1u << CAP_INDEX_BITS), args, 0, &r), CAP_ESTALE);
    cap_handle_t inbox;
    CHECK_EQ(domain_cap_find(w.client, "inbox", 5, &inbox), 0);
    CHECK_EQ(ipc_call(w.client->caps, w.ex, inbox, args, 0, &r), CAP_ETYPE);
    ipc_world_down(&w);
}

TEST(ipc_channel_queue_limit)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    cap_handle_t tx, rx, got;
    CHECK_EQ(domain_cap_find(w.server, "inbox", 5, &tx), 0);
    CHECK_EQ(domain_cap_find(w.client, "inbox", 5, &rx), 0);
    char msg[IPC_MSG_MAX + 1], buf[IPC_MSG_MAX];
    for (int i = 0; i < 4; i++) {
        msg[0] = (char)('a' + i);
        CHECK_EQ(ipc_send(w.server->caps, tx, msg, 1, 0), 0);
    }
    CHECK_EQ(ipc_send(w.server->caps, tx, msg, 1, 0), IPC_EFULL);
    CHECK_EQ(ipc_send(w.server->caps, tx, msg, IPC_MSG_MAX + 1, 0), IPC_EMSGSIZE);
    /* the sender has no recv right */
    CHECK_EQ(ipc_recv(w.server->caps, tx, buf, sizeof buf, &got, 0), CAP_ERIGHTS);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(ipc_recv(w.client->caps, rx, buf, sizeof buf, &got, 0), 1);
        CHECK_EQ(buf[0], 'a' + i);
        CHECK_EQ(got, 0);
    }
    CHECK_EQ(ipc_recv(w.client->caps, rx, buf, sizeof buf, &got, 0), IPC_EEMPTY);
    CHECK_EQ(ipc_recv(w.client->caps, rx, buf, sizeof buf, &got, 1000), IPC_ETIMEDOUT);
    CHECK_EQ(ipc_notify(w.server->caps, tx), 0);
    CHECK_EQ(ipc_notify(w.server->caps, tx), 0);
    CHECK_EQ(ipc_wait(w.client->caps, rx, 0), 2);
    CHECK_EQ(ipc_wait(w.client->caps, rx, 0), 0);
    ipc_world_down(&w);
}

TEST(ipc_manifest_errors_by_line)
{
    ipc_world_t w;
    const char *bad =
        "server server.wasm prio=99\n"          /* 1: bad prio: skipped */
        "client client.wasm queue=2\n"          /* 2 */
        "    endpoint nowhere\n"                /* 3: no such endpoint */
        "    channel c recv bogus\n"            /* 4: bad word */
        "    widget w\n"                        /* 5: unknown kind */
        "    endpoint e handler=pong rights=fly\n" /* 6: bad rights */
        "client other.wasm\n";                  /* 7: duplicate */
    CHECK(ipc_world_up(&w, bad));
    CHECK(strstr(w.log, "manifest:1: server: bad value in prio=99"));
    CHECK(strstr(w.log, "manifest:3: client: no endpoint named nowhere"));
    CHECK(strstr(w.log, "manifest:4: client: channel c: bad word bogus"));
    CHECK(strstr(w.log, "manifest:5: client: unknown kind widget"));
    CHECK(strstr(w.log, "manifest:6: client: endpoint e: bad word rights=fly"));
    CHECK(strstr(w.log, "manifest:7: client: duplicate name"));
    CHECK(w.server == NULL);
    CHECK_EQ(cap_table_count(w.client->caps), 0);
    ipc_world_down(&w);
}
