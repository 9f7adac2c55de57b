/*
 * The fault campaign's core (docs/faults-injection.md), one copy for both
 * places it runs: the hosted campaign (tools/faults/faults.c: child
 * processes, the watchdog's signal, replay) and the test kernels
 * (kernel/test/faultcamp.c, "athanor.faults=N" in QEMU). It holds the
 * world (a driver domain and a client in a kernel domain system), one
 * injection (mutate one instruction, load the mutant through domain_load,
 * run the workload, let the supervisor contain a trap, time the recovery
 * to the restarted driver's first answer) and the tally.
 *
 * The caller owns the runtime, the exec and the watchdog: hosted, a
 * SIGVTALRM that runs sup_tick at the exec's safe points; in a kernel, the
 * supervisor thread (sup_start), which preempts the campaign's thread like
 * any other.
 */
#ifndef FAULTS_CAMPAIGN_H
#define FAULTS_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/domain.h>
#include <wasm/wasm.h>

#include "wmut.h"

enum { OUT_CLEAN, OUT_WRONG, OUT_TRAP, OUT_DETECTED, OUT_FALSE, OUT_PERSIST, OUT_REJECT,
       OUT_NORECOVER, OUT_NONE, OUT_KINDS };
extern const char *const camp_out_name[OUT_KINDS];

#define CAMP_NWORK 12              /* calls in the workload */

typedef struct camp_rec {
    uint32_t i;
    uint8_t out, kind, restarts;
    uint8_t plain_out;     /* with self-checks: the same fault without them */
    uint32_t recov_ns;
} camp_rec_t;

typedef struct camp_world {
    wasm_exec_t *ex;
    domsys_t sys;
    domain_t *drv, *cli;
    bool checks;
    const uint8_t *orig;
    size_t orig_len;
    int64_t golden[CAMP_NWORK];
} camp_world_t;

typedef struct camp_stats {
    uint64_t out[OUT_KINDS], kind_out[WMUT_KINDS][OUT_KINDS];
    uint64_t injected, crashes, leaks, restarts;
    uint64_t cross[OUT_KINDS][OUT_KINDS];     /* [without self-checks][with] */
    uint32_t *recov;                          /* room for one per injection */
    size_t nrecov;
} camp_stats_t;

/* The kernel's clock (each place has its own). */
uint64_t timer_now_ns(void);

/* Loads the world on rt: the driver from orig (its self-checks on when
 * checks), the client. False when the unmutated driver does not load. */
bool camp_world_up(camp_world_t *w, wasm_runtime_t *rt, wasm_exec_t *ex, const uint8_t *orig,
                   size_t len, bool checks);
/* Runs the workload on the unmutated driver: the answers every mutant is
 * compared with (the watchdog should be running). */
bool camp_world_golden(camp_world_t *w);
void camp_world_down(camp_world_t *w);

/* The mutant of injection i (seed s) into buf (cap bytes: the driver's
 * length + 64): its length, or 0; *kind and *site say what was changed. */
size_t camp_mutant(const wmut_t *m, uint64_t s, uint32_t i, uint8_t *buf, size_t cap,
                   uint8_t *kind, uint32_t *site);
/* One injection into the world's driver: its record. buf must stay the
 * world's own (a loaded module may point into it until the next load). */
camp_rec_t camp_inject(camp_world_t *w, const wmut_t *m, uint64_t seed, uint32_t i, uint8_t *buf);

void camp_tally(camp_stats_t *st, const camp_rec_t *rc);
/* Traps counted in the summary line (every outcome that trapped). */
uint64_t camp_traps(const camp_stats_t *st);
/* The per_mille-th recovery time in ns, once the caller has sorted
 * st->recov (the host with qsort, a kernel with its own sort). */
uint32_t camp_recov_pct(const camp_stats_t *st, uint32_t per_mille);

#endif
