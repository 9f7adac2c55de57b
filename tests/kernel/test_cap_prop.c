/*
 * Property tests of kernel/core/cap.c: long random sequences of install,
 * derive, lease, transfer, delete, revoke, lease end, tick and table
 * destruction over several tables, each checked against a reference model
 * the test keeps (a plain array of nodes with parent indices).
 *
 * After every operation the result code must be the model's; every few
 * operations, and at the end, the whole state is compared:
 *  - every live model capability resolves to its object with its rights;
 *    rights never exceed the parent's along any derivation path;
 *  - no capability survives the removal of an ancestor: every handle that
 *    died fails, with the precise reason while its slot still remembers it;
 *  - forged handles never succeed unless they are exactly a live handle;
 *  - handle values are never reissued by a table;
 *  - on_revoke ran exactly once per capability that left a table, and at
 *    the end every object was freed exactly once with no kernel memory left.
 */
#include "unit.h"
#include "captest.h"
#include "kshim.h"

#define NT     4          /* tables */
#define TMAX   96         /* max handles per table: small, so tables fill up */
#define MAXN   12000      /* model nodes (capabilities ever made) */
#define MAXO   800        /* objects */
#define MAXD   12000      /* dead handles remembered */

typedef struct mnode {
    int table;
    cap_handle_t h;
    int obj;
    uint32_t rights;
    int parent;           /* node index, -1 for a root; parent < own index */
    bool alive;
    cap_lease_t lease;    /* 0 unless a lease */
    bool timed;
    uint64_t end;
} mnode_t;

typedef struct mdead {
    int table, epoch;
    cap_handle_t h;
    int err;
} mdead_t;

typedef struct model {
    uint64_t rng;
    cap_space_t sp;
    cap_table_t *t[NT];
    int epoch[NT];
    int count[NT];
    cap_handle_t last[NT][TMAX];   /* last handle issued per slot (this epoch) */
    bool last_alive[NT][TMAX];
    mnode_t n[MAXN];
    int nn;
    tobj_t *o[MAXO];
    int want_revokes[MAXO];
    int no;
    uint32_t tmax;        /* this run's table limit, <= TMAX */
    mdead_t d[MAXD];
    int nd;
    uint64_t now;
    bool mark[MAXN];
    char fail[200];       /* first mismatch, for the report */
    long seen[16];        /* results by -code: the run must reach them all */
    int deepest;
} model_t;

static uint64_t rnd(model_t *m)
{
    m->rng ^= m->rng << 13;
    m->rng ^= m->rng >> 7;
    m->rng ^= m->rng << 17;
    return m->rng * 0x2545F4914F6CDD1Dull;
}

static int pick(model_t *m, int n)
{
    return (int)(rnd(m) % (uint64_t)n);
}

static void saw(model_t *m, int code)
{
    if (code <= 0 && code > -16)
        m->seen[-code]++;
}

static bool mfail(model_t *m, const char *what, long a, long b)
{
    if (!m->fail[0])
        snprintf(m->fail, sizeof m->fail, "%s (%ld vs %ld)", what, a, b);
    return false;
}

/* A random live node, or -1. */
static int pick_alive(model_t *m)
{
    for (int tries = 0; tries < 64 && m->nn; tries++) {
        int i = m->nn - 1 - pick(m, m->nn < 400 ? m->nn : 400);
        if (m->n[i].alive)
            return i;
    }
    for (int i = m->nn - 1; i >= 0; i--)
        if (m->n[i].alive)
            return i;
    return -1;
}

/* A rights mask to ask for: usually a subset of `have`, sometimes the same
 * marker, sometimes one right too many, rarely malformed. */
static uint32_t pick_mask(model_t *m, uint32_t have)
{
    int k = pick(m, 20);
    if (k < 4)
        return CAP_R_SAME;
    if (k == 4)
        return have | (1u << pick(m, 10));
    if (k == 5 && pick(m, 4) == 0)
        return CAP_R_ALL + 1;
    uint32_t r = 0;
    for (int b = 0; b < 10; b++)
        if ((have >> b & 1) && pick(m, 16) != 0)
            r |= 1u << b;
    return r;
}

/* The model's answer for narrowing `have` by `mask`, worked out right by
 * right from the rule in docs/capabilities.md rather than with the
 * kernel's mask arithmetic (a model must not share the code it checks):
 * "same" keeps every right; a bit that names no right makes the request
 * invalid; asking for a right not held is refused; otherwise the new
 * capability has exactly the rights asked for. */
static int mnarrow(uint32_t have, uint32_t mask, uint32_t *out)
{
    static const uint32_t named[] = {CAP_R_READ, CAP_R_WRITE, CAP_R_MAP, CAP_R_CALL,
                                     CAP_R_SEND, CAP_R_RECV, CAP_R_DERIVE, CAP_R_TRANSFER,
                                     CAP_R_REVOKE, CAP_R_CONTROL};
    if (mask == CAP_R_SAME) {
        *out = have;
        return CAP_OK;
    }
    bool unknown = false, lacking = false;
    uint32_t got = 0;
    for (int b = 0; b < 32; b++) {
        uint32_t bit = 1u << b;
        if (!(mask & bit))
            continue;
        bool is_right = false;
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
            is_right |= named[i] == bit;
        if (!is_right)
            unknown = true;
        else if (!(have & bit))
            lacking = true;
        else
            got |= bit;
    }
    if (unknown)
        return CAP_EINVAL;
    if (lacking)
        return CAP_ERIGHTS;
    *out = got;
    return CAP_OK;
}

/* Records a new handle in table ti; checks it was never issued before. */
static bool issue(model_t *m, int ti, cap_handle_t h)
{
    uint32_t i = CAP_HANDLE_INDEX(h);
    if (h == 0 || i >= m->tmax)
        return mfail(m, "bad handle issued", h, 0);
    if (m->last[ti][i] && CAP_HANDLE_GEN(h) <= CAP_HANDLE_GEN(m->last[ti][i]))
        return mfail(m, "handle value reissued", h, m->last[ti][i]);
    m->last[ti][i] = h;
    m->last_alive[ti][i] = true;
    m->count[ti]++;
    return true;
}

static void bury(model_t *m, int ti, cap_handle_t h, int err)
{
    uint32_t i = CAP_HANDLE_INDEX(h);
    if (m->last[ti][i] == h)
        m->last_alive[ti][i] = false;
    m->count[ti]--;
    if (m->nd < MAXD)
        m->d[m->nd++] = (mdead_t){ti, m->epoch[ti], h, err};
}

static int new_node(model_t *m, int ti, cap_handle_t h, int obj, uint32_t rights, int parent)
{
    if (m->nn == MAXN)
        return -1;
    mnode_t *n = &m->n[m->nn];
    *n = (mnode_t){ti, h, obj, rights, parent, true, 0, false, 0};
    int depth = 0;
    for (int j = parent; j >= 0; j = m->n[j].parent)
        depth++;
    if (depth > m->deepest)
        m->deepest = depth;
    return m->nn++;
}

/* Marks root's subtree (root included) in m->mark: a child always comes
 * after its parent in m->n, so one forward pass finds it all. */
static void mark_tree(model_t *m, int root)
{
    for (int i = 0; i < m->nn; i++)
        m->mark[i] = i == root ||
                     (i > root && m->n[i].alive && m->n[i].parent >= 0 && m->mark[m->n[i].parent]);
}

static void kill_node(model_t *m, int i, int err)
{
    mnode_t *n = &m->n[i];
    n->alive = false;
    m->want_revokes[n->obj]++;
    bury(m, n->table, n->h, err);
}

/* The model's removal: root (if self_err) and every descendant. */
static void mremove(model_t *m, int root, int self_err, int below_err)
{
    mark_tree(m, root);
    for (int i = m->nn - 1; i > root; i--)
        if (m->mark[i])
            kill_node(m, i, below_err);
    if (self_err)
        kill_node(m, root, self_err);
}

/* ------------------------------------------------------------ operations */

static bool op_install(model_t *m)
{
    int ti = pick(m, NT);
    if (m->no == MAXO)
        return true;
    tobj_t *o = tobj_new();
    uint32_t rights = pick(m, 4) ? CAP_R_ALL : (uint32_t)rnd(m) & CAP_R_ALL;
    cap_handle_t h;
    int want = m->count[ti] == (int)m->tmax ? CAP_ENOSPACE : CAP_OK;
    int got = cap_install(m->t[ti], &o->k, rights, &h);
    m->o[m->no++] = o;
    kobj_unref(&o->k);      /* freed now if the install failed */
    saw(m, got);
    if (got != want)
        return mfail(m, "install", got, want);
    if (got == CAP_OK && (!issue(m, ti, h) || new_node(m, ti, h, m->no - 1, rights, -1) < 0))
        return false;
    return true;
}

/* kind 0: derive, 1: timed lease, 2: event lease. */
static bool op_derive(model_t *m, int kind)
{
    int p = pick_alive(m), ti = pick(m, NT);
    if (p < 0)
        return true;
    mnode_t *pn = &m->n[p];
    uint32_t mask = pick_mask(m, pn->rights), rights = 0;
    int want = !(pn->rights & CAP_R_DERIVE) ? CAP_ERIGHTS : mnarrow(pn->rights, mask, &rights);
    if (want == CAP_OK && m->count[ti] == (int)m->tmax)
        want = CAP_ENOSPACE;
    uint64_t end = m->now + (uint64_t)pick(m, 3000);
    cap_handle_t h;
    cap_lease_t lease = 0;
    int got;
    if (kind == 0)
        got = cap_derive(m->t[pn->table], pn->h, mask, m->t[ti], &h);
    else if (kind == 1)
        got = cap_derive_lease(m->t[pn->table], pn->h, mask, m->t[ti], end, &h, &lease);
    else
        got = cap_derive_lease_event(m->t[pn->table], pn->h, mask, m->t[ti], &h, &lease);
    saw(m, got);
    if (got != want)
        return mfail(m, "derive", got, want);
    if (got != CAP_OK)
        return true;
    if (!issue(m, ti, h))
        return false;
    int c = new_node(m, ti, h, pn->obj, rights, p);
    if (c < 0)
        return false;
    if (kind && lease == 0)
        return mfail(m, "lease id 0", kind, 0);
    m->n[c].lease = lease;
    m->n[c].timed = kind == 1;
    m->n[c].end = end;
    return true;
}

static bool op_transfer(model_t *m)
{
    int s = pick_alive(m), ti = pick(m, NT);
    if (s < 0)
        return true;
    mnode_t *sn = &m->n[s];
    uint32_t mask = pick_mask(m, sn->rights), rights = 0;
    int want = !(sn->rights & CAP_R_TRANSFER) ? CAP_ERIGHTS : mnarrow(sn->rights, mask, &rights);
    if (want == CAP_OK && m->count[ti] == (int)m->tmax)
        want = CAP_ENOSPACE;
    cap_handle_t h;
    int got = cap_transfer(m->t[sn->table], sn->h, m->t[ti], mask, &h);
    saw(m, got);
    if (got != want)
        return mfail(m, "transfer", got, want);
    if (got != CAP_OK)
        return true;
    /* a move revokes everything derived from what moved */
    mremove(m, s, 0, CAP_EREVOKED);
    m->want_revokes[sn->obj]++;
    bury(m, sn->table, sn->h, CAP_ESTALE);
    if (!issue(m, ti, h))
        return false;
    sn->table = ti;
    sn->h = h;
    sn->rights = rights;
    return true;
}

static bool op_delete(model_t *m, bool revoke)
{
    int s = pick_alive(m);
    if (s < 0)
        return true;
    mnode_t *sn = &m->n[s];
    int want = revoke && !(sn->rights & CAP_R_REVOKE) ? CAP_ERIGHTS : CAP_OK;
    int got = revoke ? cap_revoke(m->t[sn->table], sn->h) : cap_delete(m->t[sn->table], sn->h);
    saw(m, got);
    if (got != want)
        return mfail(m, revoke ? "revoke" : "delete", got, want);
    if (got == CAP_OK)
        mremove(m, s, revoke ? 0 : CAP_ESTALE, CAP_EREVOKED);
    return true;
}

static bool op_lease_end(model_t *m)
{
    int p = pick_alive(m);
    if (p < 0)
        return true;
    mnode_t *pn = &m->n[p];
    /* one of p's live leases, or any lease id ever given (often dead or
     * not p's), or nonsense */
    int c = -1, k = pick(m, 3);
    cap_lease_t lease = rnd(m) % 50000;
    for (int i = p + 1; i < m->nn && k == 0; i++)
        if (m->n[i].alive && m->n[i].parent == p && m->n[i].lease && (c < 0 || pick(m, 2)))
            c = i;
    if (c >= 0)
        lease = m->n[c].lease;
    else if (k == 1 && m->nn)
        lease = m->n[pick(m, m->nn)].lease;
    int want = !(pn->rights & CAP_R_REVOKE) ? CAP_ERIGHTS : CAP_ENOENT;
    if (want == CAP_ENOENT)
        for (int i = p + 1; i < m->nn; i++)
            if (lease && m->n[i].alive && m->n[i].parent == p && m->n[i].lease == lease)
                c = i, want = CAP_OK;
    int got = cap_lease_end(m->t[pn->table], pn->h, lease);
    saw(m, got);
    if (got != want)
        return mfail(m, "lease_end", got, want);
    if (got == CAP_OK)
        mremove(m, c, CAP_EEXPIRED, CAP_EEXPIRED);
    return true;
}

static bool op_tick(model_t *m)
{
    m->now += (uint64_t)pick(m, 400);
    /* How many the kernel counts depends on which of two nested due leases
     * it ends first; between one and all of them. */
    int expired = 0;
    for (int i = 0; i < m->nn; i++)
        expired += m->n[i].alive && m->n[i].timed && m->n[i].end <= m->now;
    for (int i = 0; i < m->nn; i++)
        if (m->n[i].alive && m->n[i].timed && m->n[i].end <= m->now)
            mremove(m, i, CAP_EEXPIRED, CAP_EEXPIRED);
    size_t got = cap_tick(&m->sp, m->now);
    if ((got == 0) != (expired == 0) || got > (size_t)expired)
        return mfail(m, "tick count", (long)got, expired);
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < m->nn; i++)
        if (m->n[i].alive && m->n[i].timed && m->n[i].end < next)
            next = m->n[i].end;
    if (cap_next_deadline(&m->sp) != next)
        return mfail(m, "next deadline", (long)cap_next_deadline(&m->sp), (long)next);
    return true;
}

/* A domain dies: its table goes with everything derived from its
 * capabilities; a fresh table takes its place. */
static bool op_destroy(model_t *m)
{
    int ti = pick(m, NT);
    for (int i = 0; i < m->nn; i++)
        if (m->n[i].alive && m->n[i].table == ti)
            mremove(m, i, CAP_ESTALE, CAP_EREVOKED);
    int got = cap_table_destroy(m->t[ti]);
    if (got != CAP_OK)
        return mfail(m, "destroy", got, CAP_OK);
    m->t[ti] = cap_table_create(&m->sp, m->tmax, NULL);
    m->epoch[ti]++;
    __builtin_memset(m->last[ti], 0, sizeof m->last[ti]);
    __builtin_memset(m->last_alive[ti], 0, sizeof m->last_alive[ti]);
    if (m->count[ti] != 0)
        return mfail(m, "count after destroy", m->count[ti], 0);
    return m->t[ti] != NULL;
}

/* ------------------------------------------------------------ checks */

static bool check_forged(model_t *m)
{
    int ti = pick(m, NT);
    cap_handle_t h = (cap_handle_t)rnd(m);
    if (pick(m, 2))     /* plausible: a small generation and a used index */
        h = (uint32_t)pick(m, 8) << CAP_INDEX_BITS | (uint32_t)pick(m, TMAX);
    kobj_t *o;
    if (cap_lookup(m->t[ti], h, KOBJ_ANY, 0, &o) != CAP_OK)
        return true;
    for (int i = 0; i < m->nn; i++)
        if (m->n[i].alive && m->n[i].table == ti && m->n[i].h == h)
            return true;
    return mfail(m, "forged handle accepted", h, ti);
}

/* What a dead handle must get: its own death's reason while its slot still
 * remembers it (it was the last or next-to-last occupant), else stale. */
static int dead_want(model_t *m, const mdead_t *d)
{
    uint32_t i = CAP_HANDLE_INDEX(d->h);
    cap_handle_t last = m->last[d->table][i];
    uint32_t g = CAP_HANDLE_GEN(d->h), lg = CAP_HANDLE_GEN(last);
    if (last == d->h || (m->last_alive[d->table][i] && g + 1 == lg))
        return d->err;
    return CAP_ESTALE;
}

static bool check_all(model_t *m)
{
    int count[NT] = {0};
    for (int i = 0; i < m->nn; i++) {
        mnode_t *n = &m->n[i];
        if (!n->alive)
            continue;
        count[n->table]++;
        if (n->parent >= 0 && !m->n[n->parent].alive)
            return mfail(m, "model: orphan", i, n->parent);
        if (n->parent >= 0 && (n->rights & ~m->n[n->parent].rights))
            return mfail(m, "model: rights grew", i, n->parent);
        kobj_t *o = NULL;
        uint32_t r = 0;
        int got = cap_lookup(m->t[n->table], n->h, KOBJ_TEST, n->rights, &o);
        if (got != CAP_OK || o != &m->o[n->obj]->k)
            return mfail(m, "live handle lost", got, i);
        if (cap_info(m->t[n->table], n->h, &r, NULL) != CAP_OK || r != n->rights)
            return mfail(m, "rights differ", r, n->rights);
    }
    for (int ti = 0; ti < NT; ti++)
        if (count[ti] != m->count[ti] || (int)cap_table_count(m->t[ti]) != count[ti])
            return mfail(m, "table count", cap_table_count(m->t[ti]), count[ti]);
    for (int i = 0; i < m->nd; i++) {
        mdead_t *d = &m->d[i];
        if (d->epoch != m->epoch[d->table])
            continue;
        kobj_t *o;
        int got = cap_lookup(m->t[d->table], d->h, KOBJ_ANY, 0, &o), want = dead_want(m, d);
        saw(m, got);
        if (got != want)
            return mfail(m, "dead handle", got, want);
    }
    static int holders[MAXO];
    __builtin_memset(holders, 0, sizeof holders);
    for (int i = 0; i < m->nn; i++)
        holders[m->n[i].obj] += m->n[i].alive;
    for (int i = 0; i < m->no; i++) {
        if (m->o[i]->revokes != m->want_revokes[i] || m->o[i]->bad)
            return mfail(m, "on_revoke count", m->o[i]->revokes, m->want_revokes[i]);
        /* one reference per capability; freed exactly when none is left */
        if ((int)m->o[i]->k.refs != holders[i] || m->o[i]->unrefs != !holders[i])
            return mfail(m, "object references", m->o[i]->k.refs, holders[i]);
    }
    return true;
}

/* Growth phases (mostly derivations, deep trees, full tables) alternate
 * with churn phases (the whole mix). */
static bool step(model_t *m, int i)
{
    int k = pick(m, 100);
    if ((i / 300) % 2 == 1 && k >= 48 && k < 93 && pick(m, 4))
        k = pick(m, 48);
    if (k < 10)
        return op_install(m);
    if (k < 35)
        return op_derive(m, 0);
    if (k < 43)
        return op_derive(m, 1);
    if (k < 48)
        return op_derive(m, 2);
    if (k < 60)
        return op_transfer(m);
    if (k < 70)
        return op_delete(m, false);
    if (k < 76)
        return op_delete(m, true);
    if (k < 83)
        return op_lease_end(m);
    if (k < 92)
        return op_tick(m);
    if (k < 93)
        return op_destroy(m);
    return check_forged(m);
}

/* One run of nops random operations from seed; true if all held. */
/* Totals over the runs of one test, to show the runs were not vacuous. */
static long total_seen[16];
static int total_deepest;

static bool run(uint64_t seed, int nops, uint32_t tmax)
{
    model_t *m = calloc(1, sizeof *m);
    m->tmax = tmax;
    long live0 = kshim_live();
    bool ok = true;
    m->rng = seed * 0x9E3779B97F4A7C15ull + 1;
    cap_space_init(&m->sp);
    for (int i = 0; i < NT; i++)
        m->t[i] = cap_table_create(&m->sp, tmax, NULL);
    for (int i = 0; i < nops && ok; i++)
        ok = step(m, i) && (i % 16 || check_all(m));
    ok = ok && check_all(m);
    for (int i = 0; i < m->nn; i++)
        if (m->n[i].alive)
            m->want_revokes[m->n[i].obj]++;     /* the tables go below */
    for (int i = 0; i < NT; i++)
        cap_table_destroy(m->t[i]);
    cap_space_fini(&m->sp);
    for (int i = 0; i < m->no; i++) {
        tobj_t *o = m->o[i];
        if (ok && (o->unrefs != 1 || o->k.refs != 0 || o->bad))
            ok = mfail(m, "object not freed exactly once", o->unrefs, i);
        if (ok && o->revokes != m->want_revokes[i])
            ok = mfail(m, "on_revoke count at the end", o->revokes, m->want_revokes[i]);
        free(o);
    }
    if (ok && kshim_live() != live0)
        ok = mfail(m, "kernel memory leaked", kshim_live() - live0, 0);
    if (!ok)
        fprintf(stderr, "  seed %llu: %s\n", (unsigned long long)seed, m->fail);
    for (int i = 0; i < 16; i++)
        total_seen[i] += m->seen[i];
    if (m->deepest > total_deepest)
        total_deepest = m->deepest;
    free(m);
    return ok;
}

TEST(cap_prop_random_sequences)
{
    __builtin_memset(total_seen, 0, sizeof total_seen);
    total_deepest = 0;
    /* KTEST_PROP_RUNS=n for a longer soak */
    uint64_t runs = getenv("KTEST_PROP_RUNS") ? strtoull(getenv("KTEST_PROP_RUNS"), NULL, 0) : 12;
    for (uint64_t seed = 1; seed <= runs; seed++)
        CHECK(run(seed, 4000, seed % 2 ? TMAX : 24 + (uint32_t)(seed % 64)));
    /* every outcome the model predicts was reached, many times */
    int codes[] = {CAP_OK, CAP_EINVAL, CAP_ESTALE, CAP_EREVOKED, CAP_EEXPIRED,
                   CAP_ERIGHTS, CAP_ENOSPACE, CAP_ENOENT};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (getenv("KTEST_VERBOSE"))
            fprintf(stderr, "  %-28s %ld\n", cap_strerror(codes[i]), total_seen[-codes[i]]);
        CHECK(total_seen[-codes[i]] >= 20);
    }
    if (getenv("KTEST_VERBOSE"))
        fprintf(stderr, "  deepest derivation chain %d\n", total_deepest);
    CHECK(total_deepest >= 8);
}

/* Fewer ops but many seeds: short histories hit different corners. */
TEST(cap_prop_many_short)
{
    for (uint64_t seed = 100; seed < 400; seed++)
        CHECK(run(seed, 150, 4 + (uint32_t)(seed % 16)));
}
