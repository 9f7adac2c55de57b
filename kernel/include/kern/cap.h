/*
 * Capabilities: typed kernel objects reached through per-domain handle
 * tables. Portable kernel code (kernel/core/cap.c): no architecture, no libc,
 * only kmalloc/kfree. docs/capabilities.md explains the rules and the why.
 *
 *  - A kernel object embeds a kobj_t header (type, reference count, ops).
 *  - A capability is an entry in one cap_table_t: (object, rights), named in
 *    that table by a 32-bit handle = generation << CAP_INDEX_BITS | index.
 *    Handles are never 0; a freed slot's generation advances, so stale or
 *    forged handles fail instead of naming a newer capability.
 *  - Rights only shrink. Every capability but a root one (cap_install)
 *    records the capability it was derived from; cap_revoke removes every
 *    capability derived from one, transitively, in any table.
 *  - A lease is a derived capability with an end: a time (cap_tick) or an
 *    event the parent's holder signals (cap_lease_end).
 *
 * All tables that can exchange capabilities belong to one cap_space_t (the
 * kernel has one). Calls are not thread-safe: the caller serialises every
 * call on one space (a lock per space). Object callbacks run inside cap
 * calls and must not call mutating cap_* functions on the same space (they
 * get CAP_EBUSY); defer such work.
 *
 * Functions returning int return CAP_OK (0) or a negative cap_err_t.
 */
#ifndef KERN_CAP_H
#define KERN_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ errors */

typedef enum cap_err {
    CAP_OK = 0,
    CAP_EINVAL = -1,      /* malformed argument: handle 0, index out of range, bad rights bits */
    CAP_ESTALE = -2,      /* no capability under this handle (generation mismatch, moved, deleted) */
    CAP_EREVOKED = -3,    /* the capability was revoked (an ancestor was revoked or deleted) */
    CAP_EEXPIRED = -4,    /* the capability was a lease (or derived from one) that ended */
    CAP_ETYPE = -5,       /* the object is not of the expected type */
    CAP_ERIGHTS = -6,     /* the capability lacks a needed right, or more rights were asked */
    CAP_ENOSPACE = -7,    /* the destination table is full */
    CAP_ENOMEM = -8,      /* kernel memory exhausted */
    CAP_ENOENT = -9,      /* no such lease under this parent (ended, or never existed) */
    CAP_EBUSY = -10,      /* called from an object callback on the same space */
} cap_err_t;

/* A short description of err ("stale handle", ...); never NULL. */
const char *cap_strerror(int err);

/* ------------------------------------------------------------ objects */

typedef enum kobj_type {
    KOBJ_ANY = 0,         /* only as a cap_lookup argument: any type */
    KOBJ_ENDPOINT,        /* synchronous call target */
    KOBJ_CHANNEL,         /* asynchronous send/notify queue */
    KOBJ_BUFFER,          /* page-granular memory object */
    KOBJ_IRQ,             /* one interrupt line */
    KOBJ_MMIO,            /* a physical device register range */
    KOBJ_IOPORT,          /* an x86 I/O port range */
    KOBJ_TIMER,           /* a one-shot/periodic timer */
    KOBJ_DOMAIN,          /* control of a domain (start, stop, limits) */
    KOBJ_CLOCK,           /* the fine clock: uptime_ns at full resolution */
    KOBJ_SYSTEM,          /* the system: domains, kernel log, power (kern/sysctl.h) */
    KOBJ_TEST,            /* host tests only */
    KOBJ_DMA,             /* device-visible memory (kern/dev.h) */
    KOBJ_NTYPES
} kobj_type_t;

typedef struct kobj kobj_t;
typedef struct cap_table cap_table_t;
typedef uint32_t cap_handle_t;

/* Per-type callbacks; either may be NULL. Both run inside cap calls (see
 * the top comment) and must not fail.
 *   on_revoke(obj, holder, h): the capability h to obj has just left the
 *     holder table (deleted, revoked, lease ended, moved out, table
 *     destroyed). Exactly one call per capability that leaves a table. A
 *     buffer unmaps the pages it mapped into the holder's domain here.
 *   on_unref(obj): the last reference went; free the object. */
typedef struct kobj_ops {
    void (*on_revoke)(kobj_t *obj, cap_table_t *holder, cap_handle_t h);
    void (*on_unref)(kobj_t *obj);
} kobj_ops_t;

struct kobj {
    uint16_t type;        /* kobj_type_t */
    uint32_t refs;        /* one per capability, plus kernel-internal users */
    const kobj_ops_t *ops;
};

/* refs = 1: the reference the creator holds; drop it with kobj_unref once
 * the object is installed (each capability takes its own reference). */
void kobj_init(kobj_t *o, kobj_type_t type, const kobj_ops_t *ops);
void kobj_ref(kobj_t *o);
void kobj_unref(kobj_t *o);   /* calls ops->on_unref at zero */

/* ------------------------------------------------------------ rights */

#define CAP_R_READ     (1u << 0)    /* read the object's data / state */
#define CAP_R_WRITE    (1u << 1)    /* modify it */
#define CAP_R_MAP      (1u << 2)    /* map it into a linear memory (buffer, mmio) */
#define CAP_R_CALL     (1u << 3)    /* call through an endpoint */
#define CAP_R_SEND     (1u << 4)    /* send / notify (channel, irq ack) */
#define CAP_R_RECV     (1u << 5)    /* receive / wait (channel, irq, timer) */
#define CAP_R_DERIVE   (1u << 6)    /* duplicate with equal or fewer rights, lease */
#define CAP_R_TRANSFER (1u << 7)    /* move to another table */
#define CAP_R_REVOKE   (1u << 8)    /* revoke what was derived from it, end leases */
#define CAP_R_CONTROL  (1u << 9)    /* administer (domain start/stop, timer set, irq mask) */
#define CAP_R_ALL      ((1u << 10) - 1)
/* As a rights mask: "the same rights as the source". */
#define CAP_R_SAME     0xffffffffu

/* ------------------------------------------------------------ handles */

#define CAP_INDEX_BITS 14                                /* max 16384 slots per table */
#define CAP_MAX_HANDLES (1u << CAP_INDEX_BITS)
#define CAP_GEN_MAX    ((1u << (32 - CAP_INDEX_BITS)) - 1) /* generations 1..CAP_GEN_MAX */
#define CAP_HANDLE_INDEX(h) ((h) & (CAP_MAX_HANDLES - 1))
#define CAP_HANDLE_GEN(h)   ((h) >> CAP_INDEX_BITS)

/* ------------------------------------------------------------ spaces and tables */

struct cap_slot;

/* The set of tables that exchange capabilities, and the timed-lease queue.
 * Fields are private to cap.c. */
typedef struct cap_space {
    struct cap_slot **heap;   /* timed leases, min-heap on end time */
    uint32_t nheap, capheap;
    uint64_t next_lease;      /* lease ids are never reused */
    uint32_t ntables;
    bool busy;                /* inside an object callback */
} cap_space_t;

typedef uint64_t cap_lease_t;     /* a lease id; never 0 */

void cap_space_init(cap_space_t *s);
/* Frees the lease queue; every table of s must have been destroyed. */
void cap_space_fini(cap_space_t *s);

/* A table of at most max_handles (1..CAP_MAX_HANDLES) capabilities; owner
 * is for the callbacks (cap_table_owner), e.g. the domain. NULL when out of
 * memory or max_handles is out of range. Slots are allocated lazily. */
cap_table_t *cap_table_create(cap_space_t *s, uint32_t max_handles, void *owner);
/* Deletes every capability of t (with all their descendants, anywhere),
 * then frees t. CAP_EBUSY (nothing done) from an object callback. */
int cap_table_destroy(cap_table_t *t);
void *cap_table_owner(const cap_table_t *t);
uint32_t cap_table_count(const cap_table_t *t);   /* live capabilities */
/* Writes up to max live handles of t to out (index order); returns how many
 * there are. For supervisors: what a domain held at its snapshot. */
uint32_t cap_table_handles(const cap_table_t *t, cap_handle_t *out, uint32_t max);

/* Where h was derived from: the parent's table and its handle as the
 * parent's slot now reads (so a parent that is gone shows as a handle that
 * does not resolve). CAP_ENOENT for a root. Reads only: for invariant
 * checkers (tests/kfuzz/invariant.c). */
int cap_parent(cap_table_t *t, cap_handle_t h, cap_table_t **ptable, cap_handle_t *ph);

/* ------------------------------------------------------------ operations */

/* A root capability (no parent) to obj with the given rights (within
 * CAP_R_ALL); takes a reference to obj. */
int cap_install(cap_table_t *t, kobj_t *obj, uint32_t rights, cap_handle_t *out);

/* The hot path, O(1): the object under h if it is of type (KOBJ_ANY: any)
 * and has every right in need. Does not take a reference. */
int cap_lookup(cap_table_t *t, cap_handle_t h, kobj_type_t type, uint32_t need, kobj_t **obj);

/* Rights and type of h. */
int cap_info(cap_table_t *t, cap_handle_t h, uint32_t *rights, kobj_type_t *type);

/* Whether h is a lease: *end_ns gets its end time for a timed lease, 0
 * for an event lease or no lease (then *is_lease is false). */
int cap_lease_info(cap_table_t *t, cap_handle_t h, bool *is_lease, uint64_t *end_ns);

/* A new capability in dst, derived from h (which needs CAP_R_DERIVE), with
 * rights mask (CAP_R_SAME: h's rights). Asking for a right h lacks is
 * CAP_ERIGHTS: nothing is silently dropped. */
int cap_derive(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
               cap_handle_t *out);

/* As cap_derive, for an endpoint capability h without a badge: the new
 * capability carries badge (not 0), which the endpoint's server reads in
 * each call made through it or anything derived from it or moved
 * (ipc_call_badge), and which no holder can change. Kernel only: the
 * kernel mints badges for the domains it builds (kernel/core/wasiprog.c).
 * CAP_EINVAL for badge 0 or another object, CAP_ERIGHTS when h has one. */
int cap_derive_badge(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
                     uint64_t badge, cap_handle_t *out);
/* The badge of h (0: none). */
int cap_badge(cap_table_t *t, cap_handle_t h, uint64_t *badge);
/* As cap_derive, and the new capability is a lease ending at end_ns (on the
 * clock cap_tick is given) or, for _event, when the holder of h calls
 * cap_lease_end. *lease (if not NULL) gets the lease id; either kind can be
 * ended early with cap_lease_end. */
int cap_derive_lease(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
                     uint64_t end_ns, cap_handle_t *out, cap_lease_t *lease);
int cap_derive_lease_event(cap_table_t *src, cap_handle_t h, uint32_t mask, cap_table_t *dst,
                           cap_handle_t *out, cap_lease_t *lease);

/* Ends lease, derived directly from parent_h (which needs CAP_R_REVOKE):
 * the lease and its descendants go (their handles then fail with
 * CAP_EEXPIRED). */
int cap_lease_end(cap_table_t *parent_table, cap_handle_t parent_h, cap_lease_t lease);

/* Ends every timed lease with end_ns <= now_ns; returns how many. */
size_t cap_tick(cap_space_t *s, uint64_t now_ns);
/* The earliest timed-lease end, UINT64_MAX if none (to program the timer). */
uint64_t cap_next_deadline(const cap_space_t *s);

/* Moves h (which needs CAP_R_TRANSFER) to dst under a new handle; h becomes
 * stale. Everything derived from h is revoked first (a move takes access
 * away from the sender: no copy it kept survives); h keeps its place in the
 * derivation tree (parent, lease). Rights become h's & mask (a right h
 * lacks is CAP_ERIGHTS). */
int cap_transfer(cap_table_t *src, cap_handle_t h, cap_table_t *dst, uint32_t mask,
                 cap_handle_t *out);

/* Removes h and everything derived from it. Needs no right: a holder may
 * always drop what it holds. */
int cap_delete(cap_table_t *t, cap_handle_t h);

/* Removes everything derived from h (which needs CAP_R_REVOKE), in any
 * table, transitively; h stays. */
int cap_revoke(cap_table_t *t, cap_handle_t h);

#endif
