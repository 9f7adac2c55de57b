/*
 * Capabilities: handle tables, the derivation tree, leases.
 * Contracts are in kern/cap.h; the design and its reasons in
 * docs/capabilities.md.
 *
 * A table is an array of slots, allocated in chunks of CHUNK so that slots
 * never move (tree links point at them) and memory follows use. A live slot
 * is one capability and one node of the derivation tree: parent, first
 * child, siblings. The tree crosses tables; walks over it are iterative,
 * using those links only, so they need neither a stack nor memory.
 */
#include <kern/cap.h>
#include <kern/kernel.h>

#define CHUNK_SHIFT 6
#define CHUNK       (1u << CHUNK_SHIFT)
#define NO_SLOT     0xffffffffu
#define NO_HEAP     0xffffffffu

struct cap_slot {
    kobj_t *obj;                /* NULL when free */
    uint32_t gen;               /* the occupant's generation; when free, the next one's */
    uint32_t rights;
    cap_table_t *table;
    struct cap_slot *parent;    /* NULL for a root capability */
    struct cap_slot *child;     /* first child */
    struct cap_slot *prev, *next;   /* siblings */
    cap_lease_t lease;          /* 0 unless a lease */
    uint64_t end_ns;            /* timed leases */
    uint32_t heap_idx;          /* NO_HEAP unless queued as a timed lease */
    uint32_t idx;               /* own index in table */
    uint32_t next_free;         /* free-list link */
    int32_t dead;               /* what handles of generation gen-1 get */
    uint64_t badge;             /* 0, or what an endpoint's server sees of calls through it */
};

struct cap_table {
    cap_space_t *space;
    struct cap_slot **chunks;   /* max / CHUNK pointers, each NULL until used */
    void *owner;
    uint32_t max;               /* handle limit */
    uint32_t fresh;             /* slots [0, fresh) have been used at least once */
    uint32_t count;             /* live capabilities */
    uint32_t free_head, free_tail;  /* FIFO of free slots below fresh */
};

/* ------------------------------------------------------------ errors, objects */

const char *cap_strerror(int err)
{
    switch (err) {
    case CAP_OK: return "ok";
    case CAP_EINVAL: return "malformed handle or argument";
    case CAP_ESTALE: return "stale handle";
    case CAP_EREVOKED: return "capability revoked";
    case CAP_EEXPIRED: return "lease ended";
    case CAP_ETYPE: return "wrong object type";
    case CAP_ERIGHTS: return "insufficient rights";
    case CAP_ENOSPACE: return "handle table full";
    case CAP_ENOMEM: return "out of kernel memory";
    case CAP_ENOENT: return "no such lease";
    case CAP_EBUSY: return "capability call from an object callback";
    }
    return "unknown capability error";
}

void kobj_init(kobj_t *o, kobj_type_t type, const kobj_ops_t *ops)
{
    o->type = (uint16_t)type;
    o->refs = 1;
    o->ops = ops;
}

void kobj_ref(kobj_t *o)
{
    o->refs++;
}

void kobj_unref(kobj_t *o)
{
    if (--o->refs == 0 && o->ops && o->ops->on_unref)
        o->ops->on_unref(o);
}

/* ------------------------------------------------------------ slots */

static struct cap_slot *slot_at(const cap_table_t *t, uint32_t i)
{
    return &t->chunks[i >> CHUNK_SHIFT][i & (CHUNK - 1)];
}

static cap_handle_t handle_of(const struct cap_slot *s)
{
    return s->gen << CAP_INDEX_BITS | s->idx;
}

/* A free slot of t, counted as live; its generation is already set. Prefers
 * the slot freed longest ago, so a slot's generation advances as slowly as
 * the table's churn allows. */
static int slot_alloc(cap_table_t *t, struct cap_slot **out)
{
    struct cap_slot *s;
    if (t->free_head != NO_SLOT) {
        s = slot_at(t, t->free_head);
        t->free_head = s->next_free;
        if (t->free_head == NO_SLOT)
            t->free_tail = NO_SLOT;
    } else {
        uint32_t i = t->fresh, base = i & ~(CHUNK - 1);
        if (i == t->max)
            return CAP_ENOSPACE;
        if (!t->chunks[i >> CHUNK_SHIFT]) {
            uint32_t n = t->max - base < CHUNK ? t->max - base : CHUNK;
            struct cap_slot *c = kmalloc(n * sizeof *c);
            if (!c)
                return CAP_ENOMEM;
            t->chunks[i >> CHUNK_SHIFT] = c;
        }
        s = slot_at(t, i);
        s->gen = 1;
        s->idx = i;
        s->table = t;
        s->dead = CAP_ESTALE;
        t->fresh++;
    }
    s->heap_idx = NO_HEAP;
    s->badge = 0;
    t->count++;
    *out = s;
    return CAP_OK;
}

/* Empties s (already out of the tree and the lease queue). Handles of the
 * old generation will get `reason`. A slot whose generation would wrap is
 * retired for good rather than let an old handle name a new capability. */
static void slot_free(struct cap_slot *s, int reason)
{
    cap_table_t *t = s->table;
    s->obj = NULL;
    s->rights = 0;
    s->parent = s->child = s->prev = s->next = NULL;
    s->lease = 0;
    s->dead = reason;
    s->gen++;
    t->count--;
    if (s->gen > CAP_GEN_MAX)
        return;
    s->next_free = NO_SLOT;
    if (t->free_tail == NO_SLOT)
        t->free_head = s->idx;
    else
        slot_at(t, t->free_tail)->next_free = s->idx;
    t->free_tail = s->idx;
}

/* The live slot h names in t, or why there is none. */
static int resolve(cap_table_t *t, cap_handle_t h, struct cap_slot **out)
{
    uint32_t i = CAP_HANDLE_INDEX(h), g = CAP_HANDLE_GEN(h);
    if (!t || g == 0 || i >= t->max)
        return CAP_EINVAL;
    if (i >= t->fresh)
        return CAP_ESTALE;
    struct cap_slot *s = slot_at(t, i);
    if (s->obj && s->gen == g) {
        *out = s;
        return CAP_OK;
    }
    /* The generation just before the slot's current one died for a
     * reason we still know; older ones are merely stale. */
    if (g + 1 == s->gen)
        return s->dead;
    return CAP_ESTALE;
}

/* The rights a derivation or transfer from `have` asking for `mask` gets. */
static int narrow(uint32_t have, uint32_t mask, uint32_t *out)
{
    if (mask == CAP_R_SAME) {
        *out = have;
        return CAP_OK;
    }
    if (mask & ~CAP_R_ALL)
        return CAP_EINVAL;
    if (mask & ~have)
        return CAP_ERIGHTS;
    *out = mask;
    return CAP_OK;
}

/* ------------------------------------------------------------ timed-lease queue */

static void heap_set(cap_space_t *sp, uint32_t i, struct cap_slot *s)
{
    sp->heap[i] = s;
    s->heap_idx = i;
}

static void heap_up(cap_space_t *sp, uint32_t i)
{
    struct cap_slot *s = sp->heap[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (sp->heap[p]->end_ns <= s->end_ns)
            break;
        heap_set(sp, i, sp->heap[p]);
        i = p;
    }
    heap_set(sp, i, s);
}

static void heap_down(cap_space_t *sp, uint32_t i)
{
    struct cap_slot *s = sp->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= sp->nheap)
            break;
        if (c + 1 < sp->nheap && sp->heap[c + 1]->end_ns < sp->heap[c]->end_ns)
            c++;
        if (s->end_ns <= sp->heap[c]->end_ns)
            break;
        heap_set(sp, i, sp->heap[c]);
        i = c;
    }
    heap_set(sp, i, s);
}

/* Room for one more timed lease, so that queuing it cannot fail later. */
static int heap_reserve(cap_space_t *sp)
{
    if (sp->nheap < sp->capheap)
        return CAP_OK;
    uint32_t n = sp->capheap ? sp->capheap * 2 : 16;
    struct cap_slot **h = kmalloc(n * sizeof *h);
    if (!h)
        return CAP_ENOMEM;
    if (sp->nheap)
        __builtin_memcpy(h, sp->heap, sp->nheap * sizeof *h);
    kfree(sp->heap);
    sp->heap = h;
    sp->capheap = n;
    return CAP_OK;
}

static void heap_remove(cap_space_t *sp, struct cap_slot *s)
{
    uint32_t i = s->heap_idx;
    struct cap_slot *last = sp->heap[--sp->nheap];
    s->heap_idx = NO_HEAP;
    if (i == sp->nheap)
        return;
    heap_set(sp, i, last);
    heap_up(sp, i);
    heap_down(sp, last->heap_idx);
}

/* ------------------------------------------------------------ derivation tree */

static void tree_link(struct cap_slot *parent, struct cap_slot *c)
{
    c->parent = parent;
    c->prev = NULL;
    c->next = parent->child;
    if (parent->child)
        parent->child->prev = c;
    parent->child = c;
}

static void tree_unlink(struct cap_slot *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else if (c->parent)
        c->parent->child = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->parent = c->prev = c->next = NULL;
}

/* Removes s, which has no children, from everything, then tells its object.
 * The callbacks run with the space marked busy. */
static void remove_leaf(struct cap_slot *s, int reason)
{
    cap_table_t *t = s->table;
    cap_space_t *sp = t->space;
    kobj_t *obj = s->obj;
    cap_handle_t h = handle_of(s);
    tree_unlink(s);
    if (s->heap_idx != NO_HEAP)
        heap_remove(sp, s);
    slot_free(s, reason);
    sp->busy = true;
    if (obj->ops && obj->ops->on_revoke)
        obj->ops->on_revoke(obj, t, h);
    kobj_unref(obj);
    sp->busy = false;
}

/* Removes every descendant of root, leaves first (post-order). Each step
 * either goes down to a child or removes a leaf and goes back up, so the
 * walk is linear and needs no stack. */
static void remove_below(struct cap_slot *root, int reason)
{
    struct cap_slot *cur = root;
    for (;;) {
        while (cur->child)
            cur = cur->child;
        if (cur == root)
            return;
        struct cap_slot *up = cur->parent;
        remove_leaf(cur, reason);
        cur = up;
    }
}

static void remove_tree(struct cap_slot *s, int self_reason, int below_reason)
{
    remove_below(s, below_reason);
    remove_leaf(s, self_reason);
}

/* ------------------------------------------------------------ spaces and tables */

/* Every mutating call starts here: callbacks must not re-enter, whatever
 * handle they pass. */
static int enter(cap_table_t *t)
{
    if (!t)
        return CAP_EINVAL;
    return t->space->busy ? CAP_EBUSY : CAP_OK;
}

void cap_space_init(cap_space_t *s)
{
    __builtin_memset(s, 0, sizeof *s);
}

void cap_space_fini(cap_space_t *s)
{
    kfree(s->heap);
    __builtin_memset(s, 0, sizeof *s);
}

cap_table_t *cap_table_create(cap_space_t *s, uint32_t max_handles, void *owner)
{
    if (!s || max_handles == 0 || max_handles > CAP_MAX_HANDLES || s->busy)
        return NULL;
    cap_table_t *t = kmalloc(sizeof *t);
    if (!t)
        return NULL;
    uint32_t nchunks = (max_handles + CHUNK - 1) / CHUNK;
    t->chunks = kmalloc(nchunks * sizeof *t->chunks);
    if (!t->chunks) {
        kfree(t);
        return NULL;
    }
    t->space = s;
    t->owner = owner;
    t->max = max_handles;
    t->fresh = t->count = 0;
    t->free_head = t->free_tail = NO_SLOT;
    s->ntables++;
    return t;
}

int cap_table_destroy(cap_table_t *t)
{
    int err = enter(t);
    if (err)
        return err;
    /* Removing a subtree may free slots of t below i: they stay free. */
    for (uint32_t i = 0; i < t->fresh; i++) {
        struct cap_slot *s = slot_at(t, i);
        if (s->obj)
            remove_tree(s, CAP_ESTALE, CAP_EREVOKED);
    }
    for (uint32_t c = 0; c < (t->max + CHUNK - 1) / CHUNK; c++)
        kfree(t->chunks[c]);
    kfree(t->chunks);
    t->space->ntables--;
    kfree(t);
    return CAP_OK;
}

void *cap_table_owner(const cap_table_t *t)
{
    return t->owner;
}

uint32_t cap_table_count(const cap_table_t *t)
{
    return t->count;
}

uint32_t cap_table_handles(const cap_table_t *t, cap_handle_t *out, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->fresh; i++) {
        const struct cap_slot *s = slot_at(t, i);
        if (s->obj && n < max)
            out[n] = handle_of(s);
        n += s->obj != NULL;
    }
    return n;
}

int cap_parent(cap_table_t *t, cap_handle_t h, cap_table_t **ptable, cap_handle_t *ph)
{
    struct cap_slot *s;
    int err = resolve(t, h, &s);
    if (err)
        return err;
    if (!s->parent)
        return CAP_ENOENT;
    *ptable = s->parent->table;
    *ph = handle_of(s->parent);
    return CAP_OK;
}

/* ------------------------------------------------------------ operations */

int cap_install(cap_table_t *t, kobj_t *obj, uint32_t rights, cap_handle_t *out)
{
    struct cap_slot *s;
    int err = enter(t);
    if (err)
        return err;
    if (!obj || obj->type == KOBJ_ANY || obj->type >= KOBJ_NTYPES || (rights & ~CAP_R_ALL))
        return CAP_EINVAL;
    if ((err = slot_alloc(t, &s)))
        return err;
    s->obj = obj;
    s->rights = rights;
    kobj_ref(obj);
    *out = handle_of(s);
    return CAP_OK;
}

int cap_lookup(cap_table_t *t, cap_handle_t h, kobj_type_t type, uint32_t need, kobj_t **obj)
{
    struct cap_slot *s;
    int err = resolve(t, h, &s);
    if (err)
        return err;
    if (type != KOBJ_ANY && s->obj->type != type)
        return CAP_ETYPE;
    if (need & ~s->rights)
        return CAP_ERIGHTS;
    *obj = s->obj;
    return CAP_OK;
}

int cap_info(cap_table_t *t, cap_handle_t h, uint32_t *rights, kobj_type_t *type)
{
    struct cap_slot *s;
    int err = resolve(t, h, &s);
    if (err)
        return err;
    if (rights)
        *rights = s->rights;
    if (type)
        *type = (kobj_type_t)s->obj->type;
    return CAP_OK;
}

int cap_lease_info(cap_table_t *t, cap_handle_t h, bool *is_lease, uint64_t *end_ns)
{
    struct cap_slot *s;
    int err = resolve(t, h, &s);
    if (err)
        return err;
    *is_lease = s->lease != 0;
    *end_ns = s->heap_idx != NO_HEAP ? s->end_ns : 0;
    return CAP_OK;
}

/* Mutating calls on two tables: both must exist, share a space, and not be
 * called from a callback. */
static int check_pair(cap_table_t *src, cap_table_t *dst)
{
    if (!src || !dst)
        return CAP_EINVAL;
    if (src->space->busy || dst->space->busy)
        return CAP_EBUSY;
    return src->space != dst->space ? CAP_EINVAL : CAP_OK;
}

/* The common part of the cap_derive family: *made is the new slot, a child
 * of h's, holding the rights asked for. */
static int derive(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
                  cap_handle_t *out, struct cap_slot **made)
{
    struct cap_slot *p, *c;
    uint32_t rights;
    int err = check_pair(src, dst);
    if (!err)
        err = resolve(src, h, &p);
    if (err)
        return err;
    if (!(p->rights & CAP_R_DERIVE))
        return CAP_ERIGHTS;
    if ((err = narrow(p->rights, mask, &rights)) || (err = slot_alloc(dst, &c)))
        return err;
    c->obj = p->obj;
    c->rights = rights;
    c->badge = p->badge;        /* a badge stays with everything derived */
    kobj_ref(c->obj);
    tree_link(p, c);
    *out = handle_of(c);
    if (made)
        *made = c;
    return CAP_OK;
}

int cap_derive(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
               cap_handle_t *out)
{
    return derive(src, h, mask, dst, out, NULL);
}

int cap_derive_badge(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
                     uint64_t badge, cap_handle_t *out)
{
    struct cap_slot *p, *c;
    int err = check_pair(src, dst);
    if (!err)
        err = resolve(src, h, &p);
    if (err)
        return err;
    if (badge == 0 || p->obj->type != KOBJ_ENDPOINT)
        return CAP_EINVAL;
    if (p->badge)
        return CAP_ERIGHTS;     /* a badge is set once: it only narrows */
    if ((err = derive(src, h, mask, dst, out, &c)))
        return err;
    c->badge = badge;
    return CAP_OK;
}

int cap_badge(cap_table_t *t, cap_handle_t h, uint64_t *badge)
{
    struct cap_slot *s;
    int err = resolve(t, h, &s);
    if (err)
        return err;
    *badge = s->badge;
    return CAP_OK;
}

int cap_derive_lease(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
                     uint64_t end_ns, cap_handle_t *out, cap_lease_t *lease)
{
    struct cap_slot *c;
    int err = check_pair(src, dst);
    if (err || (err = heap_reserve(src->space)) || (err = derive(src, h, mask, dst, out, &c)))
        return err;
    cap_space_t *sp = src->space;
    c->lease = ++sp->next_lease;
    c->end_ns = end_ns;
    heap_set(sp, sp->nheap++, c);
    heap_up(sp, c->heap_idx);
    if (lease)
        *lease = c->lease;
    return CAP_OK;
}

int cap_derive_lease_event(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
                           cap_handle_t *out, cap_lease_t *lease)
{
    struct cap_slot *c;
    int err = derive(src, h, mask, dst, out, &c);
    if (err)
        return err;
    c->lease = ++src->space->next_lease;
    if (lease)
        *lease = c->lease;
    return CAP_OK;
}

int cap_lease_end(cap_table_t *parent_table, cap_handle_t parent_h, cap_lease_t lease)
{
    struct cap_slot *p, *c;
    int err = enter(parent_table);
    if (!err)
        err = resolve(parent_table, parent_h, &p);
    if (err)
        return err;
    if (!(p->rights & CAP_R_REVOKE))
        return CAP_ERIGHTS;
    /* Linear in p's children: leases are few per parent, and a slot index
     * in the id would go stale when the lease is moved. */
    for (c = p->child; c; c = c->next)
        if (lease && c->lease == lease)
            break;
    if (!c)
        return CAP_ENOENT;
    remove_tree(c, CAP_EEXPIRED, CAP_EEXPIRED);
    return CAP_OK;
}

size_t cap_tick(cap_space_t *s, uint64_t now_ns)
{
    size_t n = 0;
    if (s->busy)
        return 0;
    while (s->nheap && s->heap[0]->end_ns <= now_ns) {
        remove_tree(s->heap[0], CAP_EEXPIRED, CAP_EEXPIRED);
        n++;
    }
    return n;
}

uint64_t cap_next_deadline(const cap_space_t *s)
{
    return s->nheap ? s->heap[0]->end_ns : UINT64_MAX;
}

/* Puts n in s's place in the tree and the lease queue. */
static void tree_replace(struct cap_slot *s, struct cap_slot *n)
{
    n->parent = s->parent;
    n->prev = s->prev;
    n->next = s->next;
    if (s->prev)
        s->prev->next = n;
    else if (s->parent)
        s->parent->child = n;
    if (s->next)
        s->next->prev = n;
    n->child = s->child;
    for (struct cap_slot *c = n->child; c; c = c->next)
        c->parent = n;
    n->lease = s->lease;
    n->end_ns = s->end_ns;
    if (s->heap_idx != NO_HEAP)
        heap_set(s->table->space, s->heap_idx, n);
    s->parent = s->child = s->prev = s->next = NULL;
    s->heap_idx = NO_HEAP;
}

int cap_transfer(cap_table_t *src, cap_handle_t h, cap_table_t *dst, uint32_t mask,
                 cap_handle_t *out)
{
    struct cap_slot *s, *n;
    uint32_t rights;
    int err = check_pair(src, dst);
    if (!err)
        err = resolve(src, h, &s);
    if (err)
        return err;
    if (!(s->rights & CAP_R_TRANSFER))
        return CAP_ERIGHTS;
    if ((err = narrow(s->rights, mask, &rights)) || (err = slot_alloc(dst, &n)))
        return err;
    /* A move takes access away: what the sender derived from it (copies
     * it may have kept, leases it gave) is revoked, so only the receiver
     * holds it afterwards. The callbacks may not re-enter. */
    remove_below(s, CAP_EREVOKED);
    kobj_t *obj = s->obj;
    n->obj = obj;
    n->rights = rights;
    n->badge = s->badge;
    tree_replace(s, n);
    slot_free(s, CAP_ESTALE);
    /* The reference moved with the capability; only the holder changed. */
    src->space->busy = true;
    if (obj->ops && obj->ops->on_revoke)
        obj->ops->on_revoke(obj, src, h);
    src->space->busy = false;
    *out = handle_of(n);
    return CAP_OK;
}

int cap_delete(cap_table_t *t, cap_handle_t h)
{
    struct cap_slot *s;
    int err = enter(t);
    if (!err)
        err = resolve(t, h, &s);
    if (err)
        return err;
    remove_tree(s, CAP_ESTALE, CAP_EREVOKED);
    return CAP_OK;
}

int cap_revoke(cap_table_t *t, cap_handle_t h)
{
    struct cap_slot *s;
    int err = enter(t);
    if (!err)
        err = resolve(t, h, &s);
    if (err)
        return err;
    if (!(s->rights & CAP_R_REVOKE))
        return CAP_ERIGHTS;
    remove_below(s, CAP_EREVOKED);
    return CAP_OK;
}
