/*
 * A read-only lend is enforced: the borrower's store into it faults, the
 * page-fault path (here a SIGSEGV handler standing in for trap_fixup) gives
 * the page a scratch frame, the call ends in IPC_ETRAP, the lender's bytes
 * stay intact and the scratch frame is freed when the lend ends.
 */
#include "ipctest.h"

#include <arch/mmu.h>
#include <kern/kernel.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define MAPOFF 131072u   /* where the client maps the buffer */

static ipc_world_t *fault_world;
static int faults;

/* Set by a test: the fault first takes every frame no promise holds. */
static uint64_t *exhaust_into, sink;
static size_t nexhausted, exhaust_max;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    faults++;
    while (exhaust_into && nexhausted < exhaust_max && (exhaust_into[nexhausted] = pmm_alloc()))
        nexhausted++;
    if (fault_world && ipc_ro_write_fault(&fault_world->sys, (uintptr_t)si->si_addr)) {
        sink = ipc_shim_lookup((uintptr_t)si->si_addr & ~(uintptr_t)(PAGE_SIZE - 1));
        return;     /* retried onto the sink page */
    }
    signal(sig, SIG_DFL);   /* not ours: crash as before */
}

static struct sigaction old_segv, old_bus;

/* Hands w's faults to on_segv (counted from 0) until release_faults. */
static void catch_faults(ipc_world_t *w)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    fault_world = w;
    faults = 0;
}

static void release_faults(void)
{
    fault_world = NULL;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
}

TEST(ipc_ro_lend_write_traps)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    cap_handle_t b = 0;
    domain_cap_find(w.client, "buf", 3, &b);
    cap_handle_t ep = 0;
    domain_cap_find(w.client, "srv.lent", 8, &ep);
    uint8_t *cm = wasm_memory_data(wasm_instance_memory(w.client->inst, 0));
    CHECK_EQ(buf_map(w.client, w.client->caps, b, MAPOFF), 0);
    ((uint64_t *)(cm + MAPOFF))[0] = 40;
    ((uint64_t *)(cm + MAPOFF))[1] = 2;
    long live = ipc_shim_frames_live;

    catch_faults(&w);
    /* op 1: the server stores a0 into the first word of the lent buffer */
    uint64_t args[7] = {ep, b, CAP_R_READ, 999, 0, 1};
    int64_t r = ipc_invoke(&w, w.client, "do_lend", args);
    release_faults();

    CHECK_EQ(r, IPC_ETRAP);
    CHECK_EQ(faults, 1);
    CHECK_EQ(((uint64_t *)(cm + MAPOFF))[0], 40);    /* the lender's page is intact */
    CHECK(!w.server || !w.server->ro_kill);
    CHECK_EQ(ipc_shim_frames_live, live);            /* the scratch frame went with the lend */
    CHECK(strstr(w.log, "read-only") != NULL);
    /* the server was restarted (its endpoint re-issued): a read-only lend
     * that only reads works again */
    domain_cap_find(w.client, "srv.lent", 8, &ep);
    uint64_t args2[7] = {ep, b, CAP_R_READ, 0, 0, 0};
    r = ipc_invoke(&w, w.client, "do_lend", args2);
    CHECK_EQ(r, 42);
    ipc_world_down(&w);
}

/* The same write with every frame not promised taken: the fault cannot
 * fail (it has no one to report to), so the mapping holds a promised frame
 * for its sink from the map on, and gives the promise back at the unmap. */
TEST(ipc_ro_lend_write_memory_exhausted)
{
    ipc_world_t w;
    CHECK(ipc_world_up(&w, IPC_TEST_MANIFEST));
    cap_handle_t b = 0;
    domain_cap_find(w.client, "buf", 3, &b);
    cap_handle_t ep = 0;
    domain_cap_find(w.client, "srv.lent", 8, &ep);
    uint8_t *cm = wasm_memory_data(wasm_instance_memory(w.client->inst, 0));
    long promised = ipc_shim_promised;
    CHECK_EQ(buf_map(w.client, w.client->caps, b, MAPOFF), 0);
    CHECK_EQ(ipc_shim_promised, promised);           /* a writable mapping needs no sink */
    ((uint64_t *)(cm + MAPOFF))[0] = 40;

    enum { MAXTAKE = 1 << 19 };
    uint64_t *taken = malloc(MAXTAKE * sizeof *taken);
    CHECK(taken != NULL);
    catch_faults(&w);
    /* The server's handler stores into its read-only mapping of the lent
     * buffer; the fault handler takes every frame left before the kernel
     * sees the fault. */
    exhaust_into = taken, nexhausted = 0, exhaust_max = MAXTAKE, sink = 0;
    uint64_t args[7] = {ep, b, CAP_R_READ, 999, 0, 1};
    int64_t r = ipc_invoke(&w, w.client, "do_lend", args);
    exhaust_into = NULL;
    release_faults();
    size_t n = nexhausted;
    for (size_t i = 0; i < n; i++)
        pmm_free(taken[i]);
    free(taken);
    CHECK(n > 0 && n < MAXTAKE);
    CHECK(sink != 0);                               /* the store went to a frame of its own */
    CHECK_EQ(ipc_shim_frame_state(sink), SHIM_FRAME_FREE);  /* freed with the mapping */

    CHECK_EQ(r, IPC_ETRAP);
    CHECK_EQ(faults, 1);
    CHECK_EQ(((uint64_t *)(cm + MAPOFF))[0], 40);    /* the lender's page is intact */
    CHECK_EQ(ipc_shim_promised, promised);           /* the sink went with the mapping */
    ipc_world_down(&w);
    CHECK_EQ(ipc_shim_promised, promised);
}
