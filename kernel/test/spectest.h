/*
 * The reference interpreter's "spectest" module, which spec-suite modules
 * import from: print functions, globals 666 / 666.6, a table 10..20 and a
 * memory 1..2. One definition for the in-kernel runner (kspec.c) and the
 * hosted one (tests/spec/spectest.c, which prints): freestanding, the
 * engine's API only.
 */
#ifndef SPECTEST_H
#define SPECTEST_H

#include <stdbool.h>
#include <stdint.h>

#include <wasm/wasm.h>

/* One print function: its name and parameter types. */
typedef struct spectest_print {
    const char *name;
    wasm_valtype_t params[2];
    uint32_t nparams;
} spectest_print_t;

/* Defines the module in l; every print function runs print with its
 * spectest_print_t as the user pointer. */
bool spectest_define(wasm_runtime_t *rt, wasm_linker_t *l, wasm_host_fn_t print);

#endif
