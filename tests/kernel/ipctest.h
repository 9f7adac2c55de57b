/* Shared by the IPC host tests (tests/kernel/test_ipc*.c): a domain system
 * built from a manifest over the modules of tests/kernel/ipc/. */
#ifndef KTEST_IPCTEST_H
#define KTEST_IPCTEST_H

#include "unit.h"

#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <wasm/wasm.h>

#define IPC_TEST_MANIFEST                                   \
    "# the IPC test world\n"                                \
    "server server.wasm prio=3\n"                           \
    "    endpoint srv.add handler=add4\n"                   \
    "    endpoint srv.boom handler=boom\n"                  \
    "    endpoint srv.ping handler=ping\n"                  \
    "    endpoint srv.self handler=selfcall\n"              \
    "    endpoint srv.lent handler=lent\n"                  \
    "    endpoint cli.pong\n"                               \
    "    channel inbox rights=send\n"                       \
    "    channel srvbox recv\n"                             \
    "client client.wasm prio=7 queue=4   # the caller\n"    \
    "    endpoint srv.add\n"                                \
    "    endpoint srv.boom rights=call\n"                   \
    "    endpoint srv.ping\n"                               \
    "    endpoint srv.self\n"                               \
    "    endpoint srv.lent\n"                               \
    "    endpoint cli.pong handler=pong\n"                  \
    "    channel inbox recv\n"                              \
    "    channel srvbox\n"                                  \
    "    buffer buf pages=2\n"

typedef struct ipc_world {
    wasm_runtime_t *rt;
    wasm_exec_t *ex;
    domsys_t sys;
    domain_t *server, *client;
    const char *log;          /* what the kernel printed since ipc_world_up */
} ipc_world_t;

bool ipc_world_up(ipc_world_t *w, const char *manifest);
void ipc_world_down(ipc_world_t *w);
/* client.do_call through its capability named ep: result or error code. */
int64_t ipc_client_call(ipc_world_t *w, const char *ep, int64_t a, int64_t b, int64_t c, int64_t d);
/* client.add4(a, 1, 2, 3), a call inside the client. */
int64_t ipc_client_local(ipc_world_t *w, int64_t a);
/* Calls export name of d with up to 6 i32/i64 cells; its single result. */
int64_t ipc_invoke(ipc_world_t *w, domain_t *d, const char *name, const uint64_t *args);

/* Calls export name of d with n i64 arguments (at most 8): its result, or
 * -1000 (no such export) / -2000 - trap kind. */
int64_t ipc_run(ipc_world_t *w, domain_t *d, const char *name, int n, ...);
/* d's handle for the capability the manifest named name, or -1. */
int64_t ipc_handle(domain_t *d, const char *name);

extern long ipc_shim_frames_live;
extern long ipc_shim_promised;      /* frames promised (pmm_promise) */

/* Armed by a test: every kernel wait calls it instead of sleeping (what
 * other threads do meanwhile); it returns whether the waiter was woken. */
typedef bool (*ktest_wait_fn)(waitq_t *q, void *arg);
extern ktest_wait_fn ktest_wait_hook;
extern void *ktest_wait_arg;

/* The shim's physical frames (test_ipc_shim.c), for invariant checkers. */
enum { SHIM_FRAME_NONE, SHIM_FRAME_USED, SHIM_FRAME_FREE, SHIM_FRAME_ADOPTED };
int ipc_shim_frame_state(uint64_t pa);      /* SHIM_FRAME_*: never handed out, pmm_alloc'd, freed,
                                               or a linear memory's page (mmu_translate) */
uint64_t ipc_shim_lookup(uintptr_t va);     /* the frame mapped at page va, 0 if none; adopts nothing */
const uint8_t *ipc_shim_frame_bytes(uint64_t pa);   /* a frame's bytes (used or freed), or NULL */
const char *ipc_shim_log(void);             /* empties what the kernel printed; the buffer it goes to */

#endif
