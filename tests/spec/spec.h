/*
 * Shared declarations of the spec-suite runner (hosted C).
 */
#ifndef SPEC_SPEC_H
#define SPEC_SPEC_H

#include <stdbool.h>
#include <wasm/wasm.h>

/* Defines the "spectest" module of the reference interpreter in l:
 * print, print_i32, print_i64, print_f32, print_f64, print_i32_f32,
 * print_f64_f64, global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
 * global_f64 = 666.6, table (funcref, 10..20), memory (1..2 pages).
 * The print functions write their arguments to stdout when verbose, else
 * do nothing. Returns false if the engine refused to create an object. */
bool spec_define_spectest(wasm_runtime_t *rt, wasm_linker_t *l, bool verbose);

#endif
