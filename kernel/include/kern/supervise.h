/*
 * Containment and supervision (kernel/core/supervise.c, docs/faults.md).
 *
 * A trap in a domain (any kind, or its CPU budget exceeded) ends only that
 * domain's activity: it becomes DOMAIN_FAULTED, calls into it fail with
 * IPC_ESTOPPED (the caller whose call trapped gets IPC_ETRAP, waiters wake
 * and get IPC_ESTOPPED), and every capability other domains hold to its
 * objects is revoked and re-issued, so stale handles fail and holders look
 * the name up again. Its restart policy (domain_sup_t, manifest restart=)
 * then decides: restart at once then back off exponentially, up to N
 * times, or never. A restart is an instant reset to the snapshot taken
 * after its init (wasm_instance_snapshot), erasing what it acquired since.
 * Every fault and restart is logged with the domain, the trap kind and the
 * Wasm backtrace. Everything here is defined in supervise.c.
 */
#ifndef KERN_SUPERVISE_H
#define KERN_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/domain.h>

struct wasm_exec;
struct wasm_linker;

/* Called by domain.c: after a successful load (snapshot, handles at init)
 * / before the domain is freed. */
void sup_loaded(domain_t *d);
void sup_forget(domain_t *d);

/* Called by ipc.c: a call into d runs on ex (watchdog, CPU time) / returned. */
void sup_run_begin(domain_t *d, struct wasm_exec *ex);
void sup_run_end(domain_t *d);

/* Contains a fault of d (kind: wasm_trap_kind_t; why: a short context).
 * Logs it (with d->sup.trap's backtrace), marks d FAULTED, re-issues the
 * capabilities to it and applies the restart policy. */
void domain_fault(domain_t *d, int kind, const char *why);

/* Instant reset: memory, globals and tables back to the post-init snapshot,
 * capabilities acquired since deleted, its receive queues drained. Returns
 * the number of pages restored, or -1 (no snapshot, or it is running). */
int64_t domain_reset(domain_t *d);
/* Reset (when it has a snapshot) and callable again; counts a restart. */
bool domain_restart(domain_t *d);
/* Stops d for good (until a restart): calls fail, capabilities re-issued. */
void domain_kill(domain_t *d);

/* athanor.heartbeat(): d is alive. */
void sup_heartbeat(domain_t *d);

/* The watchdog and the restart clock: interrupts calls over their budget,
 * faults domains that missed two heartbeats, restarts those whose back-off
 * ended. Returns the number of actions taken. */
int sup_tick(domsys_t *sys, uint64_t now_ns);
/* Starts the supervisor kernel thread (sup_tick every 10 ms). */
bool sup_start(domsys_t *sys);

/* The supervision host calls, heartbeat and dom_* (docs/hostcalls.md). */
bool sup_hostcalls_define(struct wasm_linker *l, domain_t *d);

#endif
