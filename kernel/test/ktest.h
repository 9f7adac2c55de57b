/*
 * The test kernel's harness (kernel/test/, linked only into kernels built
 * with KTEST=1, i.e. -DATHANOR_TEST; docs/boot.md). Every function here
 * prints its own result lines ("selftest NAME: ok", "scenario NAME: ok",
 * "hostile NAME: contained", "kspec: P passed, F failed") and returns the
 * number of failures.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/sched.h>

/* ktest.c: what the test kernel runs once the console driver is up
 * (console: 1 a driver owns the console, 0 none can, -1 it failed). */
int ktest_console(int console);     /* the UART echo self-test */
int ktest_run(void);                /* everything else, console taken back */

/* join.c: a join point: threads signal it as they finish; another thread
 * waits for n signals (or a deadline, 0: none). Zero-initialised is ready. */
typedef struct sched_join {
    waitq_t q;
    volatile int done;
} sched_join_t;

void sched_join_signal(sched_join_t *j);
bool sched_join_wait(sched_join_t *j, int n, uint64_t deadline_ns);

/* selftest.c, selftest_sched.c, selftest_fault.c */
int selftest_run(void);
int selftest_sched(void);
int selftest_fault(void);
/* tests/kernel/reset.wat (selftest_fault.c): 32 pages, poke/peek/g/tclear/tcall. */
extern const uint8_t reset_wasm[];
extern const size_t reset_wasm_len;
/* selftest.c: f(n) recurses n deep and returns n (stack depth checks). */
extern const uint8_t depth_wasm[];
extern const size_t depth_wasm_len;

/* scenario.c: the manifest's scenario domains; one domain's entry run the
 * same way, by name ("athanor.bench-fs" runs fsbench): 0 when it passed. */
int scenario_run(void);
int scenario_run_named(const char *name, uint64_t wait_ms);

/* hostile.c: the boot image's hostile/manifest.txt (user/test/hostile/). */
int hostile_run(void);

/* ipcbench.c: "athanor.bench": prints the "ipc: ..." line; 0, or 1 on failure. */
int ipcbench_run(void);
/* jitbench.c: "athanor.bench-jit": load speed of both tiers ("jit: ..."
 * lines); 0, or 1 on failure. */
int jitbench_run(void);

/* resetbench.c: "athanor.bench-reset": reset, memcpy, instantiation and
 * restart figures, ending with the "reset: ..." line; 0, or 1 on failure. */
int resetbench_run(void);

/* faultcamp.c: "athanor.faults=N": the fault campaign on this kernel,
 * ending with the "faults: ..." line and "faults: ok"; 0, or 1 on failure;
 * -1 (nothing run) without athanor.faults= on the command line. */
int faultcamp_run(const char *cmdline);

#endif
