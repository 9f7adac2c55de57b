/*
 * Supervision host tests (docs/faults.md): restart
 * policies and back-off on the supervisor's clock, fault logging, stale
 * handles after a fault, instant reset exactness and cost, the watchdog,
 * heartbeats, per-domain limits and the domain-control host calls. The
 * victim is tests/kernel/ipc/sup.wat. Time is a fake clock: this file's
 * timer_now_ns overrides the shim's weak one while fake_ns is non-zero.
 */
#include <kern/supervise.h>
#include "ipctest.h"

#include <time.h>

#define MS 1000000ull

uint64_t fake_ns;       /* also the fake clock of test_privacy.c */

uint64_t timer_now_ns(void)
{
    struct timespec ts;
    if (fake_ns)
        return fake_ns;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A world of victim (sup.wasm, with vwords on its line), client and what
 * extra adds; the fake clock starts at 1 s. */
static bool sup_world(ipc_world_t *w, const char *vwords, const char *extra)
{
    static char m[2048];
    fake_ns = 1000 * MS;
    snprintf(m, sizeof m,
             "victim sup.wasm %s\n"
             "    endpoint v.ok handler=ok\n"
             "    endpoint v.boom handler=boom\n"
             "    endpoint v.spin handler=spin\n"
             "    endpoint v.mutate handler=mutate\n"
             "    endpoint v.state handler=state\n"
             "    endpoint v.dirty handler=dirty\n"
             "    endpoint v.grow handler=grow\n"
             "client client.wasm\n"
             "    endpoint v.ok\n"
             "    endpoint v.boom\n"
             "    endpoint v.spin\n"
             "    endpoint v.mutate\n"
             "    endpoint v.state\n"
             "    endpoint v.dirty\n"
             "    endpoint v.grow\n"
             "%s",
             vwords, extra);
    bool ok = ipc_world_up(w, m);
    w->server = domain_find(&w->sys, "victim");
    if (!w->server || w->server->state != DOMAIN_READY)
        fprintf(stderr, "sup world: no victim; log:\n%s", w->log);
    return ok && w->server && w->server->state == DOMAIN_READY;
}

static void sup_down(ipc_world_t *w)
{
    ipc_world_down(w);
    fake_ns = 0;
}

/* Calls export name of domain d (a, 0, 0, 0). */
static int64_t run(ipc_world_t *w, domain_t *d, const char *name, int64_t a, int64_t b)
{
    uint64_t args[4] = {(uint64_t)a, (uint64_t)b, 0, 0};
    return ipc_invoke(w, d, name, args);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

TEST(sup_restart_always_backs_off)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "restart=always", ""));
    domain_t *v = w.server;
    /* first fault: restarted at once */
    CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
    sup_tick(&w.sys, fake_ns);
    CHECK_EQ(v->state, DOMAIN_READY);
    CHECK_EQ(v->sup.restarts, 1);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 41, 0, 0, 0), 42);
    /* second: 10 ms of back-off, third: 20 ms */
    uint64_t waits[2] = {10, 20};
    for (int i = 0; i < 2; i++) {
        uint64_t t0 = fake_ns;
        CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
        CHECK_EQ(v->state, DOMAIN_FAULTED);
        CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), IPC_ESTOPPED);
        CHECK_EQ(sup_tick(&w.sys, t0 + waits[i] * MS - 1), 0);
        CHECK_EQ(v->state, DOMAIN_FAULTED);
        fake_ns = t0 + waits[i] * MS + 1;
        CHECK_EQ(sup_tick(&w.sys, fake_ns), 1);
        CHECK_EQ(v->state, DOMAIN_READY);
        CHECK_EQ(v->sup.restarts, 2 + i);
        CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), 2);
    }
    CHECK_EQ(v->sup.backoff_ms, 40);
    CHECK_EQ(v->sup.faults, 3);
    /* every fault and restart logged, with the trap kind and a backtrace */
    CHECK_EQ(count(w.log, "athanor: domain victim fault: unreachable"), 3);
    CHECK_EQ(count(w.log, "athanor: domain victim restarted (#"), 3);
    CHECK_EQ(count(w.log, "  at #0 boom (func "), 3);
    sup_down(&w);
}

/* The back-off doubles from 10 ms and stops at 5 s (docs/faults.md): a
 * domain that keeps faulting is restarted every 5 s, not ever more rarely. */
TEST(sup_restart_backoff_capped_at_5s)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "restart=always", ""));
    domain_t *v = w.server;
    CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
    sup_tick(&w.sys, fake_ns);
    CHECK_EQ(v->sup.restarts, 1);
    uint64_t wait = 10;
    for (int i = 0; i < 12; i++) {
        uint64_t t0 = fake_ns;
        CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
        CHECK_EQ(sup_tick(&w.sys, t0 + wait * MS - 1), 0);
        fake_ns = t0 + wait * MS + 1;
        CHECK_EQ(sup_tick(&w.sys, fake_ns), 1);
        CHECK_EQ(v->state, DOMAIN_READY);
        wait = wait * 2 > 5000 ? 5000 : wait * 2;
        CHECK_EQ(v->sup.backoff_ms, wait);
    }
    CHECK_EQ(wait, 5000);       /* 10 * 2^9 > 5000: the cap was reached */
    CHECK_EQ(v->sup.restarts, 13);
    sup_down(&w);
}

TEST(sup_restart_limit_then_faulted)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "restart=2", ""));
    domain_t *v = w.server;
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
        sup_tick(&w.sys, fake_ns += MS);
        CHECK_EQ(v->state, DOMAIN_READY);
        CHECK_EQ(v->sup.restarts, i + 1);
    }
    CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
    CHECK_EQ(sup_tick(&w.sys, fake_ns += 60000 * MS), 0);
    CHECK_EQ(v->state, DOMAIN_FAULTED);
    CHECK_EQ(v->sup.restarts, 2);
    CHECK_EQ(v->sup.faults, 3);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), IPC_ESTOPPED);
    CHECK(strstr(w.log, "athanor: domain victim: not restarted (policy limit reached, 2 restarts)"));
    /* the client is untouched */
    CHECK_EQ(ipc_client_local(&w, 1), 7);
    sup_down(&w);
}

TEST(sup_restart_never)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "restart=never", ""));
    domain_t *v = w.server;
    CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
    CHECK_EQ(sup_tick(&w.sys, UINT64_MAX), 0);
    CHECK_EQ(v->state, DOMAIN_FAULTED);
    CHECK_EQ(v->sup.restarts, 0);
    CHECK_EQ(v->sup.faults, 1);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), IPC_ESTOPPED);
    CHECK(strstr(w.log, "athanor: domain victim: not restarted (policy never, 0 restarts)"));
    CHECK_EQ(ipc_client_local(&w, 1), 7);
    sup_down(&w);
}

TEST(sup_stale_handle_after_fault)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "restart=always", ""));
    cap_handle_t old, fresh;
    CHECK_EQ(domain_cap_find(w.client, "v.ok", 4, &old), 0);
    CHECK_EQ(ipc_client_call(&w, "v.boom", 0, 0, 0, 0), IPC_ETRAP);
    sup_tick(&w.sys, fake_ns);
    CHECK_EQ(w.server->state, DOMAIN_READY);
    uint64_t args[4] = {1, 2, 3, 4}, r = 0;
    CHECK_EQ(ipc_call(w.client->caps, w.ex, old, args, 0, &r), CAP_EREVOKED);
    CHECK_EQ(domain_cap_find(w.client, "v.ok", 4, &fresh), 0);
    CHECK(fresh != old);
    CHECK_EQ(ipc_call(w.client->caps, w.ex, fresh, args, 0, &r), 0);
    CHECK_EQ(r, 2);
    sup_down(&w);
}

TEST(sup_reset_exact)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "", ""));
    domain_t *v = w.server;
    int64_t init = 100 * 10000 + 0x55 * 10 + 1;
    CHECK_EQ(ipc_client_call(&w, "v.state", 0, 0, 0, 0), init);
    uint32_t ncaps = cap_table_count(v->caps);
    CHECK_EQ(ipc_client_call(&w, "v.mutate", 0, 0, 0, 0), 0);
    CHECK_EQ(ipc_client_call(&w, "v.state", 0, 0, 0, 0), 999 * 10000 + 0xAA * 10 + 2);
    /* a capability acquired after init */
    cap_handle_t own, extra;
    CHECK_EQ(domain_cap_find(v, "v.ok", 4, &own), 0);
    CHECK_EQ(cap_derive(v->caps, own, CAP_R_CALL, v->caps, &extra), 0);
    CHECK_EQ(cap_table_count(v->caps), ncaps + 1);
    CHECK(domain_reset(v) >= 1);
    CHECK_EQ(ipc_client_call(&w, "v.state", 0, 0, 0, 0), init);
    CHECK_EQ(cap_table_count(v->caps), ncaps);
    uint32_t rights;
    kobj_type_t type;
    CHECK(cap_info(v->caps, extra, &rights, &type) < 0);
    CHECK_EQ(cap_info(v->caps, own, &rights, &type), 0);
    CHECK_EQ(v->sup.resets, 1);
    sup_down(&w);
}

TEST(sup_reset_cost_follows_dirty_pages)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "", ""));
    domain_t *v = w.server;
    CHECK_EQ(ipc_client_call(&w, "v.dirty", 1, 0, 0, 0), 1);
    int64_t one = domain_reset(v);
    CHECK_EQ(ipc_client_call(&w, "v.dirty", 64, 0, 0, 0), 64);
    int64_t many = domain_reset(v);
    CHECK_EQ(one, 1);
    CHECK_EQ(many, 64);
    /* nothing dirtied: nothing restored */
    CHECK_EQ(domain_reset(v), 0);
    sup_down(&w);
}

/* Each safe point of the spinning call is 1 ms of the supervisor's clock. */
static wasm_trap_kind_t tick_hook(wasm_exec_t *ex, void *user)
{
    (void)ex;
    fake_ns += MS;
    sup_tick(user, fake_ns);
    return WASM_OK;
}

TEST(sup_watchdog_budget)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "budget=5 restart=never", ""));
    domain_t *v = w.server;
    wasm_exec_set_safepoint_hook(w.ex, tick_hook, &w.sys);
    wasm_exec_interrupt(w.ex);
    uint64_t t0 = fake_ns, fuel0 = wasm_exec_fuel(w.ex);
    int64_t r = ipc_client_call(&w, "v.spin", 0, 0, 0, 0);
    wasm_exec_clear_interrupt(w.ex);
    wasm_exec_set_safepoint_hook(w.ex, NULL, NULL);
    CHECK_EQ(r, IPC_ETRAP);
    CHECK(fake_ns - t0 >= 5 * MS && fake_ns - t0 <= 8 * MS);
    CHECK_EQ(v->sup.hangs, 1);
    CHECK_EQ(v->sup.faults, 1);
    CHECK_EQ(v->state, DOMAIN_FAULTED);
    CHECK(strstr(w.log, "athanor: domain victim hung: running over its 5 ms budget"));
    CHECK(strstr(w.log, "athanor: domain victim fault: CPU budget exceeded"));
    /* the caller keeps running, with its fuel back (not the 1 left by the
     * watchdog) */
    (void)fuel0;
    CHECK(wasm_exec_fuel(w.ex) > (1ull << 62));
    CHECK_EQ(ipc_client_local(&w, 1), 7);
    sup_down(&w);
}

TEST(sup_heartbeat_missed)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "heartbeat=10 restart=never", ""));
    domain_t *v = w.server;
    uint64_t t0 = fake_ns;
    fake_ns = t0 + 15 * MS;
    CHECK_EQ(run(&w, v, "beat", 0, 0), 0);
    CHECK_EQ(sup_tick(&w.sys, t0 + 35 * MS), 0);
    CHECK_EQ(v->state, DOMAIN_READY);
    fake_ns = t0 + 30 * MS;
    CHECK_EQ(run(&w, v, "beat", 0, 0), 0);
    CHECK_EQ(sup_tick(&w.sys, t0 + 50 * MS), 0);
    CHECK_EQ(sup_tick(&w.sys, t0 + 51 * MS), 1);
    CHECK_EQ(v->state, DOMAIN_FAULTED);
    CHECK_EQ(v->sup.hangs, 1);
    CHECK(strstr(w.log, "athanor: domain victim fault: interrupted (missed heartbeats)"));
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), IPC_ESTOPPED);
    sup_down(&w);
}

TEST(sup_limits_contained)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "mem=22 handles=8 queue=2",
                    "other sup.wasm\n"
                    "    channel obox recv\n"
                    "    channel vbox\n"
                    "victim2 sup.wasm\n"
                    "    channel vbox recv\n"));
    domain_t *v = w.server, *o = domain_find(&w.sys, "other");
    CHECK(o != NULL);
    /* memory: 20 pages, limit 22 */
    CHECK_EQ(ipc_client_call(&w, "v.grow", 2, 0, 0, 0), 20);
    CHECK_EQ(ipc_client_call(&w, "v.grow", 1, 0, 0, 0), -1);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), 2);
    CHECK_EQ(v->state, DOMAIN_READY);
    CHECK_EQ(run(&w, o, "grow", 10, 0), 20);
    /* handles: 7 endpoints held; the 9th is refused */
    cap_handle_t own, h;
    CHECK_EQ(domain_cap_find(v, "v.ok", 4, &own), 0);
    CHECK_EQ(cap_table_count(v->caps), 7);
    CHECK_EQ(cap_derive(v->caps, own, CAP_R_CALL, v->caps, &h), 0);
    CHECK_EQ(cap_derive(v->caps, own, CAP_R_CALL, v->caps, &h), CAP_ENOSPACE);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), 2);
    CHECK_EQ(cap_derive(v->caps, own, CAP_R_CALL, w.client->caps, &h), 0);
    sup_down(&w);
}

TEST(sup_queue_limit_contained)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "",
                    "small sup.wasm queue=2\n"
                    "    channel sbox recv\n"
                    "big sup.wasm queue=8\n"
                    "    channel bbox recv\n"
                    "    channel sbox\n"
                    "sender sup.wasm\n"
                    "    channel sbox\n"
                    "    channel bbox\n"));
    domain_t *s = domain_find(&w.sys, "sender");
    CHECK(s != NULL);
    cap_handle_t sb, bb;
    CHECK_EQ(domain_cap_find(s, "sbox", 4, &sb), 0);
    CHECK_EQ(domain_cap_find(s, "bbox", 4, &bb), 0);
    CHECK_EQ(ipc_send(s->caps, sb, "a", 1, 0), 0);
    CHECK_EQ(ipc_send(s->caps, sb, "b", 1, 0), 0);
    CHECK_EQ(ipc_send(s->caps, sb, "c", 1, 0), IPC_EFULL);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(ipc_send(s->caps, bb, "x", 1, 0), 0);
    CHECK_EQ(ipc_send(s->caps, bb, "x", 1, 0), IPC_EFULL);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), 2);
    sup_down(&w);
}

TEST(sup_control_hostcalls)
{
    ipc_world_t w;
    CHECK(sup_world(&w, "restart=never",
                    "ctl sup.wasm\n"
                    "    domain victim\n"
                    "    endpoint v.ok\n"
                    "    system sys rights=read\n"));
    domain_t *v = w.server, *c = domain_find(&w.sys, "ctl");
    CHECK(c != NULL && c->state == DOMAIN_READY);
    cap_handle_t h, ep;
    CHECK_EQ(domain_cap_find(c, "victim", 6, &h), 0);
    CHECK_EQ(domain_cap_find(c, "v.ok", 4, &ep), 0);
    /* dom_info through a control capability: that domain only */
    uint8_t *cm = wasm_memory_data(wasm_instance_memory(c->inst, 0));
    int64_t n = run(&w, c, "ctl_info", h, 0);
    CHECK(n > 0 && n < 200);
    cm[4096 + n] = 0;
    CHECK(strncmp((char *)cm + 4096, "victim ready cpu_us=", 20) == 0);
    CHECK(strstr((char *)cm + 4096, " restarts=0 faults=0 hangs=0 calls="));
    CHECK(strstr((char *)cm + 4096, " mem=1310720 "));
    CHECK_EQ(run(&w, c, "ctl_info", h, 1), CAP_ENOENT);
    CHECK_EQ(run(&w, c, "ctl_info", h, 2), CAP_ENOENT);
    /* through the system capability (read): every domain, in turn */
    cap_handle_t sys;
    CHECK_EQ(domain_cap_find(c, "sys", 3, &sys), 0);
    bool seen[3] = {false, false, false};
    int i;
    for (i = 0; i < 8; i++) {
        n = run(&w, c, "ctl_info", sys, i);
        if (n == CAP_ENOENT)
            break;
        CHECK(n > 0 && n < 200);
        cm[4096 + n] = 0;
        static const char *const who[3] = {"victim ready ", "ctl ready ", "client ready "};
        for (int k = 0; k < 3; k++)
            seen[k] |= strncmp((char *)cm + 4096, who[k], strlen(who[k])) == 0;
    }
    CHECK(seen[0] && seen[1] && seen[2]);
    CHECK_EQ(i, 3);
    /* kill: calls fail; restart: back */
    CHECK_EQ(run(&w, c, "ctl_kill", h, 0), 0);
    CHECK_EQ(v->state, DOMAIN_STOPPED);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), IPC_ESTOPPED);
    /* its capabilities were re-issued: the old endpoint handle is stale */
    uint64_t a4[4] = {1, 0, 0, 0}, r4;
    CHECK_EQ(ipc_call(c->caps, w.ex, ep, a4, 0, &r4), CAP_EREVOKED);
    CHECK_EQ(domain_cap_find(c, "v.ok", 4, &ep), 0);
    CHECK_EQ(run(&w, c, "ctl_restart", h, 0), 0);
    CHECK_EQ(v->state, DOMAIN_READY);
    CHECK_EQ(v->sup.restarts, 1);
    CHECK_EQ(ipc_client_call(&w, "v.ok", 1, 0, 0, 0), 2);
    /* reset: state back, pages restored */
    CHECK_EQ(ipc_client_call(&w, "v.mutate", 0, 0, 0, 0), 0);
    CHECK_EQ(run(&w, c, "ctl_reset", h, 0), 1);
    CHECK_EQ(ipc_client_call(&w, "v.state", 0, 0, 0, 0), 100 * 10000 + 0x55 * 10 + 1);
    /* refused without a control capability: the victim has none, and an
     * endpoint handle is not one */
    cap_handle_t vep;
    CHECK_EQ(domain_cap_find(v, "v.ok", 4, &vep), 0);
    CHECK_EQ(run(&w, v, "ctl_kill", vep, 0), CAP_ETYPE);
    CHECK_EQ(run(&w, c, "ctl_reset", ep, 0), CAP_ETYPE);
    CHECK(run(&w, v, "ctl_restart", h, 0) < 0);
    CHECK(run(&w, v, "ctl_info", h, 0) < 0);
    CHECK_EQ(v->state, DOMAIN_READY);
    CHECK_EQ(v->sup.restarts, 1);
    sup_down(&w);
}
