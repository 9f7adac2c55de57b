/* Unit tests of kernel/core/cap.c, one operation at a time. */
#include "unit.h"
#include "captest.h"
#include "kshim.h"

/* A space with `n` tables of `max` handles and one object installed in
 * table 0 with all rights (creator reference already dropped). */
typedef struct fix {
    cap_space_t sp;
    cap_table_t *t[4];
    int n;
    tobj_t *o;
    cap_handle_t root;
    long live0;
} fix_t;

static void fix_up(fix_t *f, int n, uint32_t max)
{
    f->live0 = kshim_live();
    cap_space_init(&f->sp);
    f->n = n;
    for (int i = 0; i < n; i++)
        f->t[i] = cap_table_create(&f->sp, max, &f->t[i]);
    f->o = tobj_new();
    cap_install(f->t[0], &f->o->k, CAP_R_ALL, &f->root);
    kobj_unref(&f->o->k);
}

/* Destroys everything; true if every object went exactly once with no
 * callback complaint and no kernel memory is left. */
static bool fix_down(fix_t *f)
{
    for (int i = 0; i < f->n; i++)
        cap_table_destroy(f->t[i]);
    cap_space_fini(&f->sp);
    bool ok = f->o->unrefs == 1 && f->o->bad == 0 && f->o->k.refs == 0;
    free(f->o);
    return ok && kshim_live() == f->live0;
}

static int lookup(cap_table_t *t, cap_handle_t h)
{
    kobj_t *o;
    return cap_lookup(t, h, KOBJ_ANY, 0, &o);
}

static uint32_t rights_of(cap_table_t *t, cap_handle_t h)
{
    uint32_t r = 0xdead;
    cap_info(t, h, &r, NULL);
    return r;
}

TEST(cap_strerror_all)
{
    for (int e = CAP_EBUSY; e <= CAP_OK; e++) {
        CHECK(cap_strerror(e) != NULL);
        CHECK(strcmp(cap_strerror(e), "unknown capability error") != 0);
        for (int d = CAP_EBUSY; d < e; d++)
            CHECK(strcmp(cap_strerror(e), cap_strerror(d)) != 0);
    }
    CHECK(strcmp(cap_strerror(-99), "unknown capability error") == 0);
}

TEST(cap_install_lookup)
{
    fix_t f;
    fix_up(&f, 1, 8);
    kobj_t *o = NULL;
    kobj_type_t ty;
    CHECK(f.root != 0);
    CHECK_EQ(cap_lookup(f.t[0], f.root, KOBJ_TEST, CAP_R_READ | CAP_R_MAP, &o), CAP_OK);
    CHECK(o == &f.o->k);
    CHECK_EQ(f.o->k.refs, 1);
    CHECK_EQ(cap_lookup(f.t[0], f.root, KOBJ_BUFFER, 0, &o), CAP_ETYPE);
    CHECK_EQ(cap_info(f.t[0], f.root, NULL, &ty), CAP_OK);
    CHECK_EQ(ty, KOBJ_TEST);
    CHECK_EQ(cap_table_count(f.t[0]), 1);
    CHECK(cap_table_owner(f.t[0]) == &f.t[0]);

    cap_handle_t h;
    tobj_t *x = tobj_new();
    CHECK_EQ(cap_install(f.t[0], &x->k, CAP_R_READ, &h), CAP_OK);
    CHECK(h != f.root && h != 0);
    CHECK_EQ(cap_lookup(f.t[0], h, KOBJ_TEST, CAP_R_READ, &o), CAP_OK);
    CHECK_EQ(cap_lookup(f.t[0], h, KOBJ_TEST, CAP_R_READ | CAP_R_WRITE, &o), CAP_ERIGHTS);
    CHECK_EQ(cap_install(f.t[0], &x->k, CAP_R_ALL + 1, &h), CAP_EINVAL);
    CHECK_EQ(cap_install(f.t[0], NULL, 0, &h), CAP_EINVAL);
    kobj_t bogus;
    kobj_init(&bogus, KOBJ_ANY, NULL);
    CHECK_EQ(cap_install(f.t[0], &bogus, 0, &h), CAP_EINVAL);
    kobj_unref(&x->k);
    CHECK_EQ(x->unrefs, 0);
    cap_table_destroy(f.t[0]);
    f.n = 0;
    CHECK_EQ(x->unrefs, 1);
    CHECK_EQ(x->revokes, 1);
    free(x);
    CHECK(fix_down(&f));
}

TEST(cap_malformed_and_forged)
{
    fix_t f;
    fix_up(&f, 1, 8);
    uint32_t idx = CAP_HANDLE_INDEX(f.root), gen = CAP_HANDLE_GEN(f.root);
    CHECK_EQ(lookup(f.t[0], 0), CAP_EINVAL);
    CHECK_EQ(lookup(f.t[0], idx), CAP_EINVAL);                         /* generation 0 */
    CHECK_EQ(lookup(f.t[0], gen << CAP_INDEX_BITS | 8), CAP_EINVAL);   /* past the limit */
    CHECK_EQ(lookup(f.t[0], gen << CAP_INDEX_BITS | 5), CAP_ESTALE);   /* never used */
    CHECK_EQ(lookup(f.t[0], (gen + 1) << CAP_INDEX_BITS | idx), CAP_ESTALE);
    CHECK_EQ(lookup(f.t[0], (gen + 7) << CAP_INDEX_BITS | idx), CAP_ESTALE);
    CHECK_EQ(lookup(NULL, f.root), CAP_EINVAL);
    CHECK_EQ(lookup(f.t[0], f.root), CAP_OK);
    CHECK(fix_down(&f));
}

TEST(cap_table_limits)
{
    cap_space_t sp;
    cap_space_init(&sp);
    CHECK(cap_table_create(&sp, 0, NULL) == NULL);
    CHECK(cap_table_create(&sp, CAP_MAX_HANDLES + 1, NULL) == NULL);
    cap_table_t *t = cap_table_create(&sp, CAP_MAX_HANDLES, NULL);
    CHECK(t != NULL);
    tobj_t *o = tobj_new();
    cap_handle_t h, first = 0;
    for (uint32_t i = 0; i < CAP_MAX_HANDLES; i++) {
        CHECK_EQ(cap_install(t, &o->k, CAP_R_ALL, &h), CAP_OK);
        if (!first)
            first = h;
    }
    CHECK_EQ(cap_install(t, &o->k, CAP_R_ALL, &h), CAP_ENOSPACE);
    CHECK_EQ(cap_derive(t, first, CAP_R_SAME, t, &h), CAP_ENOSPACE);
    CHECK_EQ(cap_table_count(t), CAP_MAX_HANDLES);
    CHECK_EQ(cap_delete(t, first), CAP_OK);
    CHECK_EQ(cap_install(t, &o->k, CAP_R_ALL, &h), CAP_OK);
    CHECK(h != first);
    CHECK_EQ(CAP_HANDLE_INDEX(h), CAP_HANDLE_INDEX(first));
    CHECK_EQ(lookup(t, first), CAP_ESTALE);
    CHECK_EQ(o->k.refs, CAP_MAX_HANDLES + 1);
    cap_table_destroy(t);
    CHECK_EQ(o->revokes, CAP_MAX_HANDLES + 1);
    kobj_unref(&o->k);
    CHECK_EQ(o->unrefs, 1);
    CHECK_EQ(o->bad, 0);
    free(o);
    cap_space_fini(&sp);
}

/* A slot whose generation would wrap is retired: no handle value repeats. */
TEST(cap_generation_retires_slot)
{
    fix_t f;
    fix_up(&f, 2, 1);
    cap_handle_t h, prev = 0;
    uint32_t n = 0;
    while (cap_install(f.t[1], &f.o->k, CAP_R_ALL, &h) == CAP_OK) {
        CHECK(h != 0);
        CHECK(CAP_HANDLE_GEN(h) == n + 1);
        CHECK_EQ(cap_delete(f.t[1], h), CAP_OK);
        CHECK_EQ(lookup(f.t[1], h), CAP_ESTALE);
        n++;
        prev = h;
    }
    CHECK_EQ(n, CAP_GEN_MAX);
    CHECK_EQ(CAP_HANDLE_GEN(prev), CAP_GEN_MAX);
    CHECK_EQ(cap_install(f.t[1], &f.o->k, CAP_R_ALL, &h), CAP_ENOSPACE);
    CHECK_EQ(cap_table_count(f.t[1]), 0);
    CHECK(fix_down(&f));
}

TEST(cap_derive_rights)
{
    fix_t f;
    fix_up(&f, 2, 16);
    cap_handle_t a, b, c;
    uint32_t rw = CAP_R_READ | CAP_R_WRITE | CAP_R_DERIVE;
    CHECK_EQ(cap_derive(f.t[0], f.root, rw, f.t[1], &a), CAP_OK);
    CHECK_EQ(rights_of(f.t[1], a), rw);
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_SAME, f.t[1], &b), CAP_OK);
    CHECK_EQ(rights_of(f.t[1], b), rw);
    /* Asking for more is an error, not a silent drop. */
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_READ | CAP_R_MAP, f.t[0], &c), CAP_ERIGHTS);
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_ALL + 1, f.t[0], &c), CAP_EINVAL);
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_READ, f.t[0], &c), CAP_OK);
    CHECK_EQ(rights_of(f.t[0], c), CAP_R_READ);
    /* No derive right, no derivation. */
    CHECK_EQ(cap_derive(f.t[0], c, CAP_R_READ, f.t[0], &b), CAP_ERIGHTS);
    CHECK_EQ(cap_derive(f.t[0], c, 0, f.t[0], &b), CAP_ERIGHTS);
    CHECK_EQ(f.o->k.refs, 4);
    CHECK_EQ(cap_table_count(f.t[1]), 2);
    CHECK(fix_down(&f));
}

TEST(cap_delete_and_revoke)
{
    fix_t f;
    fix_up(&f, 3, 16);
    cap_handle_t a, b, c, d;
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &a), CAP_OK);
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_SAME, f.t[2], &b), CAP_OK);
    CHECK_EQ(cap_derive(f.t[2], b, CAP_R_READ, f.t[0], &c), CAP_OK);
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_SAME, f.t[1], &d), CAP_OK);
    /* revoke needs the revoke right; keeps the capability itself */
    CHECK_EQ(cap_revoke(f.t[0], c), CAP_ERIGHTS);
    CHECK_EQ(cap_revoke(f.t[2], b), CAP_OK);
    CHECK_EQ(lookup(f.t[2], b), CAP_OK);
    CHECK_EQ(lookup(f.t[0], c), CAP_EREVOKED);
    CHECK_EQ(f.o->revokes, 1);
    CHECK_EQ(cap_revoke(f.t[2], b), CAP_OK);       /* nothing left below: fine */
    /* delete removes itself (stale) and what was derived (revoked) */
    CHECK_EQ(cap_delete(f.t[1], a), CAP_OK);
    CHECK_EQ(lookup(f.t[1], a), CAP_ESTALE);
    CHECK_EQ(lookup(f.t[2], b), CAP_EREVOKED);
    CHECK_EQ(lookup(f.t[1], d), CAP_EREVOKED);
    CHECK_EQ(cap_delete(f.t[1], a), CAP_ESTALE);
    CHECK_EQ(f.o->revokes, 4);
    CHECK_EQ(f.o->k.refs, 1);
    CHECK_EQ(cap_table_count(f.t[1]) + cap_table_count(f.t[2]), 0);
    /* a delete needs no right */
    CHECK_EQ(cap_derive(f.t[0], f.root, 0, f.t[1], &a), CAP_OK);
    CHECK_EQ(cap_delete(f.t[1], a), CAP_OK);
    CHECK(fix_down(&f));
}

TEST(cap_transfer_moves)
{
    fix_t f;
    fix_up(&f, 3, 16);
    cap_handle_t a, b, c, m;
    uint32_t most = CAP_R_ALL & ~CAP_R_CONTROL;
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &a), CAP_OK);
    CHECK_EQ(cap_derive(f.t[1], a, most, f.t[2], &b), CAP_OK);
    CHECK_EQ(cap_derive(f.t[2], b, CAP_R_READ | CAP_R_WRITE | CAP_R_DERIVE, f.t[2], &c), CAP_OK);
    /* rights only shrink; the source handle goes stale; the holder is told */
    CHECK_EQ(cap_transfer(f.t[2], b, f.t[1], CAP_R_ALL + 1, &m), CAP_EINVAL);
    CHECK_EQ(cap_transfer(f.t[2], b, f.t[1], CAP_R_CONTROL, &m), CAP_ERIGHTS);
    CHECK_EQ(lookup(f.t[2], b), CAP_OK);
    CHECK_EQ(lookup(f.t[2], c), CAP_OK);
    /* a move takes access away: what the sender derived (c) is revoked */
    CHECK_EQ(cap_transfer(f.t[1], a, f.t[2], CAP_R_ALL, &m), CAP_OK);
    CHECK_EQ(lookup(f.t[1], a), CAP_ESTALE);
    CHECK_EQ(lookup(f.t[2], b), CAP_EREVOKED);
    CHECK_EQ(lookup(f.t[2], c), CAP_EREVOKED);
    CHECK_EQ(f.o->revokes, 3);
    CHECK(f.o->last_holder == f.t[1]);
    CHECK_EQ(cap_transfer(f.t[2], m, f.t[1], CAP_R_READ | CAP_R_TRANSFER | CAP_R_REVOKE | CAP_R_WRITE, &a), CAP_OK);
    CHECK_EQ(rights_of(f.t[1], a), CAP_R_READ | CAP_R_TRANSFER | CAP_R_REVOKE | CAP_R_WRITE);
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_READ, f.t[0], &m), CAP_ERIGHTS);
    /* the moved capability kept its place: revoking the root reaches it */
    CHECK_EQ(cap_revoke(f.t[0], f.root), CAP_OK);
    CHECK_EQ(lookup(f.t[1], a), CAP_EREVOKED);
    /* the transfer right is needed; a full destination leaves the source */
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_READ, f.t[1], &a), CAP_OK);
    CHECK_EQ(cap_transfer(f.t[1], a, f.t[2], CAP_R_SAME, &m), CAP_ERIGHTS);
    CHECK(fix_down(&f));
}

TEST(cap_transfer_full_destination)
{
    fix_t f;
    fix_up(&f, 2, 1);
    cap_handle_t h;
    tobj_t *x = tobj_new();
    CHECK_EQ(cap_install(f.t[1], &x->k, 0, &h), CAP_OK);
    kobj_unref(&x->k);
    CHECK_EQ(cap_transfer(f.t[0], f.root, f.t[1], CAP_R_SAME, &h), CAP_ENOSPACE);
    CHECK_EQ(lookup(f.t[0], f.root), CAP_OK);
    CHECK_EQ(f.o->revokes, 0);
    /* into the same table: a new handle, the old one stale */
    CHECK_EQ(cap_delete(f.t[1], h), CAP_OK);
    CHECK_EQ(x->unrefs, 1);
    free(x);
    CHECK_EQ(cap_transfer(f.t[0], f.root, f.t[0], CAP_R_SAME, &h), CAP_ENOSPACE);
    CHECK_EQ(cap_transfer(f.t[0], f.root, f.t[1], CAP_R_SAME, &h), CAP_OK);
    CHECK_EQ(cap_transfer(f.t[1], h, f.t[1], CAP_R_SAME, &h), CAP_ENOSPACE);
    CHECK(fix_down(&f));
}

TEST(cap_cross_space)
{
    fix_t f, g;
    fix_up(&f, 1, 4);
    fix_up(&g, 1, 4);
    cap_handle_t h;
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, g.t[0], &h), CAP_EINVAL);
    CHECK_EQ(cap_transfer(f.t[0], f.root, g.t[0], CAP_R_SAME, &h), CAP_EINVAL);
    CHECK_EQ(cap_derive_lease(f.t[0], f.root, CAP_R_SAME, g.t[0], 5, &h, NULL), CAP_EINVAL);
    CHECK(fix_down(&g));
    CHECK(fix_down(&f));
}

/* Revoking a chain far deeper than any kernel stack would allow. */
TEST(cap_deep_chain)
{
    fix_t f;
    fix_up(&f, 4, CAP_MAX_HANDLES);
    cap_handle_t h = f.root, n;
    int len = 0;
    for (int i = 0; i < 4 * (int)CAP_MAX_HANDLES - 1; i++, len++) {
        if (cap_derive(f.t[i % 4], h, CAP_R_SAME, f.t[(i + 1) % 4], &n) != CAP_OK)
            break;
        h = n;
    }
    CHECK_EQ(len, 4 * CAP_MAX_HANDLES - 1);
    CHECK_EQ(cap_revoke(f.t[0], f.root), CAP_OK);
    CHECK_EQ(f.o->revokes, len);
    CHECK_EQ(lookup(f.t[(len) % 4], h), CAP_EREVOKED);
    CHECK(fix_down(&f));
}

/* A wide, bushy tree: every node derives several children. */
TEST(cap_wide_tree)
{
    fix_t f;
    fix_up(&f, 3, 4000);
    cap_handle_t hs[12000];
    int tb[12000], n = 1;
    hs[0] = f.root;
    tb[0] = 0;
    for (int i = 0; n < 11000; i++)
        for (int k = 0; k < 3 && n < 11000; k++, n++) {
            tb[n] = n % 3;
            CHECK_EQ(cap_derive(f.t[tb[i]], hs[i], CAP_R_SAME, f.t[tb[n]], &hs[n]), CAP_OK);
        }
    /* delete one inner node: exactly its subtree goes */
    CHECK_EQ(cap_delete(f.t[tb[1]], hs[1]), CAP_OK);
    int gone = 0;
    for (int i = 1; i < n; i++) {
        int j = i;
        while (j > 1)
            j = (j - 1) / 3;
        int want = j == 1 ? (i == 1 ? CAP_ESTALE : CAP_EREVOKED) : CAP_OK;
        CHECK_EQ(lookup(f.t[tb[i]], hs[i]), want);
        gone += want != CAP_OK;
    }
    CHECK_EQ(f.o->revokes, gone);
    CHECK(fix_down(&f));
}

TEST(cap_lease_timed)
{
    fix_t f;
    fix_up(&f, 2, 16);
    cap_handle_t a, b, c, d;
    cap_lease_t la, lb;
    CHECK_EQ(cap_next_deadline(&f.sp), UINT64_MAX);
    CHECK_EQ(cap_derive_lease(f.t[0], f.root, CAP_R_SAME, f.t[1], 1000, &a, &la), CAP_OK);
    CHECK_EQ(cap_derive_lease(f.t[0], f.root, CAP_R_READ, f.t[1], 500, &b, &lb), CAP_OK);
    CHECK(la != 0 && lb != 0 && la != lb);
    CHECK_EQ(cap_derive(f.t[1], a, CAP_R_SAME, f.t[0], &c), CAP_OK);
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &d), CAP_OK);
    CHECK_EQ(cap_next_deadline(&f.sp), 500);
    CHECK_EQ(cap_tick(&f.sp, 499), 0);
    CHECK_EQ(cap_tick(&f.sp, 500), 1);
    CHECK_EQ(lookup(f.t[1], b), CAP_EEXPIRED);
    CHECK_EQ(lookup(f.t[1], a), CAP_OK);
    CHECK_EQ(cap_next_deadline(&f.sp), 1000);
    /* a moved lease is still a lease; what was derived from it is revoked
     * by the move */
    CHECK_EQ(cap_transfer(f.t[1], a, f.t[0], CAP_R_SAME, &a), CAP_OK);
    CHECK_EQ(lookup(f.t[0], c), CAP_EREVOKED);
    CHECK_EQ(cap_tick(&f.sp, 5000), 1);
    CHECK_EQ(lookup(f.t[0], a), CAP_EEXPIRED);
    CHECK_EQ(lookup(f.t[1], d), CAP_OK);
    CHECK_EQ(cap_next_deadline(&f.sp), UINT64_MAX);
    /* ending it early, and a lease removed by a revoke leaves the queue */
    CHECK_EQ(cap_derive_lease(f.t[0], f.root, CAP_R_SAME, f.t[1], 9000, &a, &la), CAP_OK);
    CHECK_EQ(cap_lease_end(f.t[0], f.root, la), CAP_OK);
    CHECK_EQ(cap_lease_end(f.t[0], f.root, la), CAP_ENOENT);
    CHECK_EQ(cap_derive_lease(f.t[1], d, CAP_R_SAME, f.t[1], 7000, &a, &la), CAP_OK);
    CHECK_EQ(cap_delete(f.t[1], d), CAP_OK);
    CHECK_EQ(lookup(f.t[1], a), CAP_EREVOKED);
    CHECK_EQ(cap_next_deadline(&f.sp), UINT64_MAX);
    CHECK_EQ(cap_tick(&f.sp, UINT64_MAX), 0);
    CHECK(fix_down(&f));
}

TEST(cap_lease_event)
{
    fix_t f;
    fix_up(&f, 3, 16);
    cap_handle_t p, a, b, c;
    cap_lease_t la, lb;
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_ALL & ~CAP_R_REVOKE, f.t[1], &p), CAP_OK);
    CHECK_EQ(cap_derive_lease_event(f.t[1], p, CAP_R_READ | CAP_R_DERIVE, f.t[2], &a, &la), CAP_OK);
    CHECK_EQ(cap_derive_lease_event(f.t[1], p, CAP_R_READ, f.t[2], &b, &lb), CAP_OK);
    CHECK_EQ(cap_derive(f.t[2], a, CAP_R_READ, f.t[0], &c), CAP_OK);
    /* only the parent's holder, with the revoke right, ends it */
    CHECK_EQ(cap_lease_end(f.t[1], p, la), CAP_ERIGHTS);
    CHECK_EQ(cap_lease_end(f.t[2], a, la), CAP_ERIGHTS);
    CHECK_EQ(cap_transfer(f.t[1], p, f.t[1], CAP_R_SAME, &p), CAP_OK);
    CHECK_EQ(cap_lease_end(f.t[0], f.root, la), CAP_ENOENT);    /* not a direct child */
    cap_handle_t q;
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &q), CAP_OK);
    CHECK_EQ(cap_lease_end(f.t[1], q, la), CAP_ENOENT);
    CHECK_EQ(cap_lease_end(f.t[1], q, 0), CAP_ENOENT);
    CHECK_EQ(cap_delete(f.t[1], q), CAP_OK);
    /* give the parent the right back via a fresh derivation of the root */
    CHECK_EQ(cap_delete(f.t[1], p), CAP_OK);
    CHECK_EQ(lookup(f.t[2], a), CAP_EREVOKED);
    CHECK_EQ(lookup(f.t[2], b), CAP_EREVOKED);
    CHECK_EQ(lookup(f.t[0], c), CAP_EREVOKED);
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &p), CAP_OK);
    CHECK_EQ(cap_derive_lease_event(f.t[1], p, CAP_R_READ | CAP_R_DERIVE, f.t[2], &a, &la), CAP_OK);
    CHECK_EQ(cap_derive(f.t[2], a, CAP_R_READ, f.t[0], &c), CAP_OK);
    CHECK_EQ(cap_lease_end(f.t[1], p, la), CAP_OK);
    CHECK_EQ(lookup(f.t[2], a), CAP_EEXPIRED);
    CHECK_EQ(lookup(f.t[0], c), CAP_EEXPIRED);
    CHECK_EQ(lookup(f.t[1], p), CAP_OK);
    CHECK_EQ(cap_tick(&f.sp, UINT64_MAX), 0);
    CHECK(fix_down(&f));
}

/* Many timed leases with random ends leave in order of their ends. */
TEST(cap_lease_queue_order)
{
    fix_t f;
    fix_up(&f, 1, 3000);
    enum { N = 2500 };
    static cap_handle_t h[N];
    static uint64_t end[N];
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        end[i] = x % 100000;
        CHECK_EQ(cap_derive_lease(f.t[0], f.root, CAP_R_SAME, f.t[0], end[i], &h[i], NULL), CAP_OK);
    }
    /* drop a third of them out of order first */
    for (int i = 0; i < N; i += 3)
        CHECK_EQ(cap_delete(f.t[0], h[i]), CAP_OK);
    for (uint64_t now = 0; now < 100000 + 997; now += 997) {
        cap_tick(&f.sp, now);
        uint64_t next = UINT64_MAX;
        for (int i = 0; i < N; i++) {
            int want = i % 3 == 0 ? CAP_ESTALE : end[i] <= now ? CAP_EEXPIRED : CAP_OK;
            CHECK_EQ(lookup(f.t[0], h[i]), want);
            if (want == CAP_OK && end[i] < next)
                next = end[i];
        }
        CHECK(cap_next_deadline(&f.sp) == next);
    }
    CHECK_EQ(cap_table_count(f.t[0]), 1);
    CHECK(fix_down(&f));
}

/* Object callbacks cannot re-enter the capability layer. */
TEST(cap_callbacks_busy)
{
    fix_t f;
    fix_up(&f, 2, 8);
    cap_handle_t a;
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &a), CAP_OK);
    CHECK_EQ(cap_delete(f.t[1], a), CAP_OK);
    CHECK_EQ(f.o->revokes, 1);
    CHECK_EQ(f.o->bad, 0);            /* tobj_on_revoke got CAP_EBUSY */
    f.sp.busy = true;
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &a), CAP_EBUSY);
    CHECK_EQ(cap_delete(f.t[0], f.root), CAP_EBUSY);
    CHECK_EQ(cap_revoke(f.t[0], f.root), CAP_EBUSY);
    CHECK_EQ(cap_transfer(f.t[0], f.root, f.t[1], CAP_R_SAME, &a), CAP_EBUSY);
    CHECK_EQ(cap_install(f.t[0], &f.o->k, 0, &a), CAP_EBUSY);
    CHECK_EQ(cap_table_destroy(f.t[1]), CAP_EBUSY);
    CHECK(cap_table_create(&f.sp, 4, NULL) == NULL);
    CHECK_EQ(lookup(f.t[0], f.root), CAP_OK);
    f.sp.busy = false;
    CHECK(fix_down(&f));
}

/* Out of kernel memory: the operation fails cleanly and changes nothing. */
TEST(cap_out_of_memory)
{
    fix_t f;
    fix_up(&f, 2, 200);
    cap_handle_t h;
    kshim_fail_after(0);
    CHECK(cap_table_create(&f.sp, 8, NULL) == NULL);
    kshim_fail_after(1);
    CHECK(cap_table_create(&f.sp, 8, NULL) == NULL);
    kshim_fail_after(0);
    /* table 1 has no slot chunk yet: needs memory */
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[1], &h), CAP_ENOMEM);
    /* the lease queue is empty: needs memory */
    CHECK_EQ(cap_derive_lease(f.t[0], f.root, CAP_R_SAME, f.t[0], 1, &h, NULL), CAP_ENOMEM);
    /* the first chunk of table 0 has room: no memory needed */
    CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[0], &h), CAP_OK);
    kshim_fail_after(-1);
    CHECK_EQ(cap_table_count(f.t[1]), 0);
    CHECK_EQ(cap_table_count(f.t[0]), 2);
    CHECK_EQ(f.o->k.refs, 2);
    /* past the first chunk of table 0 */
    for (int i = 0; i < 62; i++)
        CHECK_EQ(cap_derive(f.t[0], f.root, CAP_R_SAME, f.t[0], &h), CAP_OK);
    kshim_fail_after(0);
    CHECK_EQ(cap_install(f.t[0], &f.o->k, 0, &h), CAP_ENOMEM);
    kshim_fail_after(-1);
    CHECK_EQ(cap_install(f.t[0], &f.o->k, 0, &h), CAP_OK);
    CHECK(fix_down(&f));
}
