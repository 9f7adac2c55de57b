/* Shared by the kernel fuzz targets (tests/kfuzz/): a domain system over
 * the host-test shim (tests/kernel/test_ipc_shim.c), with the modules the
 * build put next to the fuzzer binary. */
#ifndef KFUZZ_KWORLD_H
#define KFUZZ_KWORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipctest.h"

struct wasm_config;
struct wasm_runtime;

/* Reads hc.wasm from the directory of argv0 (once). */
void kworld_init(const char *argv0);
/* A world built from manifest text; false when the runtime could not be made. */
bool kworld_up(ipc_world_t *w, const char *text, size_t len);
/* The same with the engine limits cfg. */
bool kworld_up_cfg(ipc_world_t *w, const char *text, size_t len, const struct wasm_config *cfg);
/* A world on runtime rt, which the caller keeps (with its execs) across
 * worlds: no exec of its own (w->ex is NULL). Tear it down with
 * kworld_down_keep, which leaves rt alone. The worlds made on one rt
 * share one translation of hc.wasm (domsys_keep_module): translating it
 * cost more than the rest of an input. */
bool kworld_up_in(ipc_world_t *w, struct wasm_runtime *rt, const char *text, size_t len);
void kworld_down_keep(ipc_world_t *w);
/* Drops the translation kept for rt; call before freeing rt. */
void kworld_forget(struct wasm_runtime *rt);
/* Tears it down; aborts when kernel allocations leaked. */
void kworld_down(ipc_world_t *w);

#endif
