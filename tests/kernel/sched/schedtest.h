/* Host tests of the scheduler (tests/kernel/sched/): the fake machine of
 * shim.c. */
#ifndef KTEST_SCHEDTEST_H
#define KTEST_SCHEDTEST_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/sched.h>
#include "ktest.h"        /* sched_join_t (kernel/test/join.c) */
#include <wasm/wasm.h>

#define SCHED_TEST_MS 1000000ull

extern uint64_t sched_test_now;     /* the fake clock, ns */
extern uint64_t sched_test_limit;   /* panic when the clock passes it */
extern long sched_test_stacks;      /* kernel stacks allocated, not released */

/* The running thread works ns of fake time; each 1 ms tick on the way is
 * delivered (sched_tick) as a timer interrupt would be. */
void sched_test_work(uint64_t ns);

/* A stand-in for a Wasm exec: interrupt flag plus the safe-point hook. */
wasm_exec_t *sched_test_exec_new(void);
void sched_test_exec_free(wasm_exec_t *ex);
bool sched_test_exec_interrupted(wasm_exec_t *ex);
/* What the engine does at a safe point: if interrupted, ask the hook. */
wasm_trap_kind_t sched_test_safepoint(wasm_exec_t *ex);

#endif
