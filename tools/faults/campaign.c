/*
 * The fault campaign's core (campaign.h, docs/faults-injection.md):
 * portable C over the kernel's domain system, built into the hosted
 * campaign and into test kernels (-DCAMP_KERNEL).
 */
#include "campaign.h"

#include <kern/cap.h>
#include <kern/ipc.h>
#include <kern/supervise.h>

#ifdef CAMP_KERNEL
#include <kern/kernel.h>
#else
#include <string.h>
#endif

#define FUEL 2000000000      /* safe points per call: a backstop (compiled code runs 20M in a few ms); hangs are the watchdog's */

const char *const camp_out_name[OUT_KINDS] = {
    "ran clean", "wrong answers (undetected)", "trapped and restarted",
    "wrong answer caught by a self-check", "self-check failed on a right answer",
    "restarted, trapped again", "rejected at load", "restart failed", "no site",
};

/* The domain system: the driver (its code: the current mutant) and a
 * client holding an endpoint capability for each handler. restart=N: the
 * supervisor restarts at once, every time (no back-off). With self-checks
 * each endpoint also runs the driver's check (check=, blkdrv.c *_ck). */
#define DRV_LINE "blkdrv blkdrv.wasm mem=32 restart=1000000000 budget=20\n"
#define EP(h, ck) "    endpoint blk." h " handler=" h ck "\n"
#define DRV_EPS(c1, c2, c3, c4, c5, c6) \
    EP("init", c1) EP("blk_write", c2) EP("blk_read", c3) EP("tx_put", c4) \
    EP("tx_drain", c5) EP("status", c6)
#define CLIENT \
    "client client.wasm\n" \
    "    endpoint blk.init\n" \
    "    endpoint blk.blk_write\n" \
    "    endpoint blk.blk_read\n" \
    "    endpoint blk.tx_put\n" \
    "    endpoint blk.tx_drain\n" \
    "    endpoint blk.status\n"
static const char manifest_plain[] = DRV_LINE DRV_EPS("", "", "", "", "", "") CLIENT;
static const char manifest_checked[] = DRV_LINE
    DRV_EPS(" check=init_ck", " check=blk_write_ck", " check=blk_read_ck", " check=tx_put_ck",
            " check=tx_drain_ck", " check=status_ck") CLIENT;
static const uint8_t empty_module[] = {0, 'a', 's', 'm', 1, 0, 0, 0};

/* One workload step: handler and arguments. */
static const struct { const char *h; int64_t a, b; } work[CAMP_NWORK] = {
    {"init", 0, 0},      {"blk_write", 3, 77}, {"blk_read", 0, 16}, {"tx_put", 'A', 0},
    {"tx_put", 'z', 0},  {"tx_drain", 8, 0},   {"blk_write", 16, 1}, {"blk_read", 10, 10},
    {"blk_write", 15, 5}, {"blk_read", 15, 1}, {"tx_drain", 1, 0},  {"status", 0, 0},
};
static const char *const handlers[] = {"init", "blk_write", "blk_read", "tx_put", "tx_drain",
                                       "status"};
#define NHANDLERS (sizeof handlers / sizeof handlers[0])

static bool eq(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && !memcmp(a, b, n);
}

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* The driver's code for the next load (domsys_t.find_file has no context). */
static const uint8_t *cur_code;
static size_t cur_len;

static bool files(const char *n, const uint8_t **d, size_t *l)
{
    if (eq(n, "blkdrv.wasm"))
        *d = cur_code, *l = cur_len;
    else if (eq(n, "client.wasm"))
        *d = empty_module, *l = sizeof empty_module;
    else
        return false;
    return true;
}

/* The client's current handle for handler h (re-issued after each fault,
 * so looked up as athanor.cap_find would), or 0. */
static cap_handle_t handle(camp_world_t *w, const char *h)
{
    char name[32] = "blk.";
    size_t n = strlen(h);
    cap_handle_t c = 0;
    if (n > sizeof name - 5)
        return 0;
    memcpy(name + 4, h, n);
    domain_cap_find(w->cli, name, 4 + n, &c);
    return c;
}

/* Loads bytes as the driver's code through the kernel's domain_load
 * (instantiate, snapshot): 0 ready, or OUT_REJECT. The endpoints stay;
 * their cached functions are resolved again. */
static int drv_load(camp_world_t *w, const uint8_t *bytes, size_t len)
{
    domain_t *d = w->drv;
    for (size_t i = 0; i < NHANDLERS; i++) {
        kobj_t *o;
        if (cap_lookup(w->cli->caps, handle(w, handlers[i]), KOBJ_ENDPOINT, CAP_R_CALL, &o) == CAP_OK)
            ((endpoint_t *)o)->fn = NULL;
    }
    if (d->inst)
        wasm_instance_free(d->inst);
    if (d->mod)
        wasm_module_free(d->mod);
    d->inst = NULL, d->mod = NULL, d->state = DOMAIN_DEAD;
    return domain_load(d, "blkdrv.wasm", bytes, len) ? 0 : OUT_REJECT;
}

/* A client call through the endpoint capability for handler h: 0 or an error. */
static int call(camp_world_t *w, const char *h, int64_t a, int64_t b, int64_t *res)
{
    uint64_t args[4] = {(uint64_t)a, (uint64_t)b, 0, 0}, r = 0;
    wasm_exec_set_fuel(w->ex, FUEL);
    int e = ipc_call(w->cli->caps, w->ex, handle(w, h), args, 0, &r);
    *res = (int64_t)r;
    return e;
}

bool camp_world_up(camp_world_t *w, wasm_runtime_t *rt, wasm_exec_t *ex, const uint8_t *orig,
                   size_t len, bool checks)
{
    memset(w, 0, sizeof *w);
    w->ex = ex;
    w->checks = checks;
    w->orig = orig, w->orig_len = len;
    cur_code = orig, cur_len = len;
    if (!domsys_init(&w->sys, rt, files))
        return false;
    if (checks)
        domsys_load_manifest(&w->sys, manifest_checked, sizeof manifest_checked - 1);
    else
        domsys_load_manifest(&w->sys, manifest_plain, sizeof manifest_plain - 1);
    return (w->cli = domain_find(&w->sys, "client")) && (w->drv = domain_find(&w->sys, "blkdrv")) &&
           w->drv->state == DOMAIN_READY && w->drv->sup.snap;
}

bool camp_world_golden(camp_world_t *w)
{
    for (size_t s = 0; s < CAMP_NWORK; s++)
        if (call(w, work[s].h, work[s].a, work[s].b, &w->golden[s]))
            return false;
    return true;
}

void camp_world_down(camp_world_t *w)
{
    domsys_fini(&w->sys);
}

/* After the trapping call: the supervisor has logged the fault, re-issued
 * the driver's capabilities and reset it to its snapshot (domain_fault ->
 * domain_restart). The restarted driver must answer its first call
 * (status) exactly as right after its load (the reset undid the workload's
 * state); the time runs from the fault to that answer. The mutant's code
 * is what restarts, so the fault may come back (OUT_PERSIST). */
static int recover(camp_world_t *w, uint32_t restarts0, int64_t fresh, int out, camp_rec_t *rc)
{
    int64_t r;
    domain_t *d = w->drv;
    if (d->state != DOMAIN_READY || d->sup.restarts != restarts0 + 1)
        return OUT_NORECOVER;
    rc->restarts = 1;
    int e = call(w, "status", 0, 0, &r);
    uint64_t t = timer_now_ns();
    if (e == IPC_ETRAP) {
        rc->restarts = (uint8_t)(d->sup.restarts - restarts0);
        return OUT_PERSIST;
    }
    if (e || r != fresh)
        return OUT_NORECOVER;
    uint64_t ns = t - d->sup.fault_at;
    rc->recov_ns = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
    return out;
}

size_t camp_mutant(const wmut_t *m, uint64_t s, uint32_t i, uint8_t *buf, size_t cap,
                   uint8_t *kind, uint32_t *site)
{
    uint64_t r = mix(s ^ mix(i));
    for (int t = 0; t < WMUT_KINDS; t++) {
        *kind = (uint8_t)((r + (uint64_t)t) % WMUT_KINDS);
        size_t n = wmut_apply(m, (wmut_kind_t)*kind, mix(r), buf, cap, site);
        if (n)
            return n;
    }
    return 0;
}

/* The first call (status, which writes nothing) gives the state a reset
 * must bring back. */
camp_rec_t camp_inject(camp_world_t *w, const wmut_t *m, uint64_t seed, uint32_t i, uint8_t *buf)
{
    camp_rec_t rc = {i, OUT_NONE, 0, 0, OUT_NONE, 0};
    uint32_t site;
    size_t n = camp_mutant(m, seed, i, buf, w->orig_len + 64, &rc.kind, &site);
    if (!n)
        return rc;
    cur_code = buf, cur_len = n;
    if (drv_load(w, buf, n) == OUT_REJECT) {
        rc.out = OUT_REJECT;
        return rc;
    }
    int64_t fresh;
    uint32_t restarts0 = w->drv->sup.restarts;
    int e = call(w, "status", 0, 0, &fresh);
    if (e == IPC_ETRAP) {
        rc.out = OUT_PERSIST;     /* no state to compare with: it traps again */
        rc.restarts = (uint8_t)(w->drv->sup.restarts - restarts0);
        return rc;
    }
    rc.out = e ? OUT_WRONG : OUT_CLEAN;
    for (size_t s = 0; s < CAMP_NWORK; s++) {
        int64_t r;
        restarts0 = w->drv->sup.restarts;
        e = call(w, work[s].h, work[s].a, work[s].b, &r);
        if (e == IPC_ETRAP) {
            /* A self-check that failed: the kernel kept the handler's
             * answer in r (the client got IPC_ETRAP): was it wrong? */
            const char *why = w->drv->sup.last_why;
            int out = OUT_TRAP;
            if (why && eq(why, "self-check failed"))
                out = rc.out == OUT_WRONG || r != w->golden[s] ? OUT_DETECTED : OUT_FALSE;
            rc.out = (uint8_t)recover(w, restarts0, fresh, out, &rc);
            return rc;
        }
        if (e || r != w->golden[s])
            rc.out = OUT_WRONG;
    }
    return rc;
}

void camp_tally(camp_stats_t *st, const camp_rec_t *rc)
{
    st->injected += rc->out != OUT_NONE;
    st->out[rc->out]++;
    st->kind_out[rc->kind % WMUT_KINDS][rc->out]++;
    st->restarts += rc->restarts;
    st->cross[rc->plain_out % OUT_KINDS][rc->out]++;
    if (rc->out == OUT_TRAP || rc->out == OUT_DETECTED || rc->out == OUT_FALSE)
        st->recov[st->nrecov++] = rc->recov_ns;
}

uint64_t camp_traps(const camp_stats_t *st)
{
    return st->out[OUT_TRAP] + st->out[OUT_DETECTED] + st->out[OUT_FALSE] +
           st->out[OUT_PERSIST] + st->out[OUT_NORECOVER];
}

uint32_t camp_recov_pct(const camp_stats_t *st, uint32_t per_mille)
{
    if (!st->nrecov)
        return 0;
    size_t k = (size_t)(((uint64_t)per_mille * (st->nrecov - 1) + 500) / 1000);
    return st->recov[k];
}
