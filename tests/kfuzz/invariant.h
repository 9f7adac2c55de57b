/*
 * Kernel invariants, checked from outside (tests/kfuzz/invariant.c): the
 * multi-domain fuzzer (fuzz_multi.c) calls kinv_check after every step.
 * The checker only reads kernel state (domain list, capability tables,
 * objects, the shim's frames and page table); docs/capabilities.md and
 * docs/faults.md list what it checks, in their "Invariants the fuzzer
 * checks" sections.
 *
 * A violation names the known finding it is a symptom of (docs/faults.md
 * lists them), or 0 for a new one; a mask of findings to ignore lets a run
 * get past known ones (KFUZZ_KNOWN in fuzz_multi.c).
 */
#ifndef KFUZZ_INVARIANT_H
#define KFUZZ_INVARIANT_H

#include <stdbool.h>
#include <stddef.h>

#include <kern/domain.h>

/* Findings the issue does not list get numbers from 10 (findings-kfuzz.md
 * in the session's notes; docs/faults-injection.md). */
#define KINV_DEAD_CHANNEL 10    /* a dropped channel keeps what it carries */

typedef struct kinv_report {
    int finding;            /* known finding (docs/faults.md), 0: new */
    char why[256];
} kinv_report_t;

/* Records each domain's post-init state (memory size, mappings) for
 * kinv_check_reset; call once the world is up. */
void kinv_note_init(domsys_t *sys);

/* Checks every invariant of sys. quiescent: no call or blocked thread is
 * in progress (no lend may be open, no domain active). Violations of
 * findings in skip (bit n: finding n) are ignored. true if all hold, else
 * the first violation is in *r. */
bool kinv_check(domsys_t *sys, bool quiescent, unsigned skip, kinv_report_t *r);

/* Right after a successful reset or restart of d: it is back to its
 * post-init memory size, mappings and capabilities. */
bool kinv_check_reset(domain_t *d, unsigned skip, kinv_report_t *r);

#endif
