/*
 * IPC between domains (kernel/core/ipc.c), in three forms; docs/ipc.md
 * explains the rules and docs/hostcalls.md the Wasm side.
 *
 *  - call: an endpoint names a server domain's exported handler of type
 *    (i64, i64, i64, i64) -> i64. ipc_call runs it on the caller's thread
 *    and exec context (thread migration): no scheduler, no copy. A trap in
 *    the handler returns IPC_ETRAP to the caller; a stopped server gives
 *    IPC_ESTOPPED. A non-reentrant server runs one call at a time: other
 *    callers wait on its queue up to their timeout (IPC_ETIMEDOUT), or get
 *    IPC_EBUSY at once with timeout 0 or when waiting would deadlock.
 *  - send/notify: a channel is a bounded queue of small messages (up to
 *    IPC_MSG_MAX bytes, copied, optionally carrying one moved capability)
 *    plus a counting signal. Its length is its receiver's queue limit.
 *  - buffers: page-granular memory objects, mapped into a domain's linear
 *    memory at a page-aligned offset it picks; moved, lent read-only to
 *    many or lent writable to one for the length of a call. Never copied.
 *
 * Errors are the negative cap_err_t codes of kern/cap.h plus these.
 */
#ifndef KERN_IPC_H
#define KERN_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/cap.h>
#include <kern/domain.h>

typedef enum ipc_err {
    IPC_EFAULT = -11,      /* a pointer or range outside the caller's linear memory */
    IPC_ETRAP = -12,       /* the server trapped while handling the call */
    IPC_ESTOPPED = -13,    /* the server is stopped, dead, or has no such handler */
    IPC_EBUSY = -14,       /* the server is busy (timeout 0, or waiting would deadlock) */
    IPC_ETIMEDOUT = -15,   /* the wait ended without an answer */
    IPC_EFULL = -16,       /* the channel's queue is full */
    IPC_EEMPTY = -17,      /* nothing to receive (timeout 0) */
    IPC_EMSGSIZE = -18,    /* message longer than IPC_MSG_MAX */
    IPC_ELENT = -19,       /* the buffer is lent or borrowed: the operation would break ownership */
    IPC_EMAPPED = -20,     /* bad map place (unaligned, outside memory, already mapped) */
    IPC_ELIMIT = -21,      /* a domain limit was reached */
    IPC_ESTACK = -22,      /* the caller left less stack than a handler is promised */
} ipc_err_t;

/* What a handler may count on, whoever calls it (docs/ipc.md): a caller
 * whose exec has less left gets IPC_ESTACK (a host call traps the caller
 * with "call stack exhausted"); a handler that runs out with this much
 * has only itself to blame. */
#define IPC_ROOM_FRAMES 256
#define IPC_ROOM_CELLS 16384
#define IPC_ROOM_NATIVE 8192

/* A short description of any kernel error code (cap or ipc); never NULL. */
const char *ipc_strerror(int err);

#define IPC_MSG_MAX 64
#define IPC_FOREVER UINT64_MAX   /* as a timeout: no deadline */

/* ------------------------------------------------------------ endpoints */

typedef struct endpoint {
    kobj_t obj;                 /* KOBJ_ENDPOINT */
    domain_t *server;           /* NULL once the server is gone */
    char handler[DOMAIN_NAME_MAX];
    struct wasm_func *fn;       /* resolved on first use */
    char check[DOMAIN_NAME_MAX];   /* self-check export ("": none) */
    struct wasm_func *check_fn;    /* resolved with fn */
} endpoint_t;

/* An endpoint to server's export handler (refs = 1, the creator's). */
endpoint_t *endpoint_create(domain_t *server, const char *handler);
/* The server's optional self-check for this endpoint (manifest check=):
 * an export (i64 a0, a1, a2, a3, i64 answer) -> i32 run after each call
 * that returned; not 0 (or a trap) means it found its state or the answer
 * corrupt: the call ends IPC_ETRAP and the server is faulted ("self-check
 * failed") and reset like a trap. False when the name is too long. */
bool endpoint_set_check(endpoint_t *ep, const char *check);

/* The call path: looks h up in the caller's table (CAP_R_CALL), waits for
 * a non-reentrant server up to timeout_ns (0: do not wait), runs the handler
 * on ex. *result gets its value. caller may be NULL (a kernel call, using
 * the table given). */
int ipc_call(cap_table_t *caller, struct wasm_exec *ex, cap_handle_t h, const uint64_t args[4],
             uint64_t timeout_ns, uint64_t *result);

/* Runs endpoint ep's handler directly (no capability check). */
int ipc_call_endpoint(endpoint_t *ep, struct wasm_exec *ex, const uint64_t args[4],
                      uint64_t timeout_ns, uint64_t *result);

/* ------------------------------------------------------------ channels */

typedef struct ipc_msg {
    uint32_t len;
    cap_handle_t cap;           /* in the queue: a handle of the channel's own holding table */
    uint8_t data[IPC_MSG_MAX];
} ipc_msg_t;

typedef struct channel {
    kobj_t obj;                 /* KOBJ_CHANNEL */
    domsys_t *sys;
    struct channel *reap_next;  /* on sys->reap once unreferenced */
    cap_table_t *parking;       /* where moved capabilities wait in transit */
    uint32_t len, head, count;
    ipc_msg_t *ring;
    uint64_t signals;           /* notify count not yet taken by wait */
    waitq_t waiters;
    bool closed;
} channel_t;

/* A channel with a queue of qlen messages; capabilities in transit are
 * parked in a table of sys's space. */
channel_t *channel_create(domsys_t *sys, uint32_t qlen);

/* Copies msg (len bytes) into the queue; if cap is not 0 it is moved out of
 * from (needs CAP_R_TRANSFER) with it. IPC_EFULL when the queue is full. */
int ipc_send(cap_table_t *from, cap_handle_t ch, const void *msg, uint32_t len, cap_handle_t cap);
/* Takes the oldest message: copies it to buf (cap bytes), moves any
 * capability into to (*got = its handle, else 0). Waits up to timeout_ns
 * (0: IPC_EEMPTY at once). Returns the message length. */
int ipc_recv(cap_table_t *to, cap_handle_t ch, void *buf, uint32_t cap, cap_handle_t *got,
             uint64_t timeout_ns);
/* As ipc_recv, into the place dest(arg, n) gives for the n bytes it copies,
 * asked after any wait and just before the message is taken (a guest
 * buffer is checked then); NULL: IPC_EFAULT, the message stays queued.
 * A capability that died in transit (revoked, lease ended) is dropped and
 * the message delivered without it (*got = 0). */
typedef void *(*ipc_dest_fn)(void *arg, uint32_t n);
int ipc_recv_to(cap_table_t *to, cap_handle_t ch, ipc_dest_fn dest, void *arg, uint32_t cap,
                cap_handle_t *got, uint64_t timeout_ns);
/* Adds one to the channel's signal count and wakes a waiter. */
int ipc_notify(cap_table_t *from, cap_handle_t ch);
/* Waits up to timeout_ns for the signal count to be non-zero; returns it
 * and resets it to 0 (0 on timeout, or a negative error). */
int64_t ipc_wait(cap_table_t *t, cap_handle_t ch, uint64_t timeout_ns);

/* ------------------------------------------------------------ buffers */

#define BUF_MAX_MAPS 8
#define BUF_MAX_PINS 4

/* A device told the bus addresses of a buffer's pages (dev_buf_dma), under
 * a holder's capability: until the holder says the device is done with
 * them (dev_buf_undma), the capability leaving its table (the lend's end,
 * a revoke, a delete, a move, a reset) first quiesces that device, so it
 * never writes the pages after they went back to their owner or were
 * freed (docs/devices.md). */
typedef struct buf_pin {
    cap_table_t *holder;
    cap_handle_t h;
    kobj_t *dma;                /* the dev_dma_t of the device (referenced) */
    void (*stop)(kobj_t *dma);  /* quiesces that device (dev.c's) */
} buf_pin_t;

typedef struct buf_map {
    domain_t *dom;              /* whose linear memory */
    cap_table_t *holder;        /* and under which capability */
    cap_handle_t h;
    uint32_t offset;            /* in the linear memory */
    uint64_t *saved;            /* the frames the domain had there */
    uint64_t sink;              /* read-only: where its writes went (ipc_ro_write_fault),
                                   0 while it holds the frame promised for that */
    bool writable;
} buf_map_t;

typedef struct buf {
    kobj_t obj;                 /* KOBJ_BUFFER */
    uint32_t npages;
    uint64_t *frames;           /* physical */
    buf_map_t maps[BUF_MAX_MAPS];
    uint32_t nmaps;
    uint32_t ro_lends;          /* read-only lends in progress */
    bool rw_lent;               /* a writable lend in progress ... */
    cap_table_t *lend_to;       /* ... to this table's capability lend_h, */
    cap_handle_t lend_h;        /* the only one that may map it meanwhile */
    domain_t *payer;            /* charged for its pages (NULL: the system) */
    buf_pin_t pins[BUF_MAX_PINS];
    uint32_t npins;
} buf_t;

/* A buffer of npages zeroed pages (refs = 1). */
buf_t *buf_create(uint32_t npages);
/* Maps buffer h of table t into d's linear memory at offset (page
 * aligned, inside the memory): writable if h has CAP_R_WRITE. The frames
 * the domain had there come back on unmap. One mapping per capability. */
int buf_map(domain_t *d, cap_table_t *t, cap_handle_t h, uint32_t offset);
int buf_unmap(cap_table_t *t, cap_handle_t h);
/* Drops b's pins under holder t's capability h (every one when t is
 * NULL), quiescing their devices first when quiesce is set. */
void buf_unpin(buf_t *b, cap_table_t *t, cap_handle_t h, bool quiesce);
/* A call that lends buffer buf (of the caller's table) to the server for
 * the length of the call: rights CAP_R_READ (shared, read-only) or
 * CAP_R_READ|CAP_R_WRITE (exclusive). The handler gets the lent handle (in
 * its own table) as its 4th argument; the lend ends when it returns. */
int ipc_call_lend(cap_table_t *caller, struct wasm_exec *ex, cap_handle_t ep, cap_handle_t buf,
                  uint32_t rights, const uint64_t args[3], uint64_t timeout_ns, uint64_t *result);

/* The page-fault path (trap_fixup): a write at addr inside a read-only
 * buffer mapping of one of sys's domains. The page gets a private scratch
 * frame, writable (the write lands there, the buffer stays intact, unmap
 * frees it), the domain is marked (ro_kill) and the exec running a call
 * into it interrupted. True when addr was such a page: retry the write. */
bool ipc_ro_write_fault(domsys_t *sys, uintptr_t addr);

/* Frees the objects whose last reference went inside a cap call (they
 * could not destroy their tables there). domsys_fini calls it. */
void ipc_reap(domsys_t *sys);

/* hostcall.c: a linker holding the "athanor" host module for domain d
 * (docs/hostcalls.md); its functions find d through their user word. */
struct wasm_linker *hostcall_linker(domain_t *d);

/* The kernel object ops of each type (for tests). */
extern const kobj_ops_t endpoint_ops, channel_ops, buf_ops;

#endif
