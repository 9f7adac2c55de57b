/*
 * A generator of valid WebAssembly modules for the fuzzer: Wasm 2.0 with
 * fixed-width SIMD, tail calls, extended constants and a second memory.
 *
 * Every choice it makes (how many functions, which instruction next, which
 * constant) is read from the input bytes; when they run out every choice is
 * 0, which always leads to a short, valid module. So any byte string is a
 * recipe for a valid module, and libFuzzer's mutations of the recipe move
 * through valid programs instead of mostly breaking the binary format.
 *
 * Generated code uses every numeric instruction, blocks with results,
 * branches (including br_table and branches out of loops, which may spin
 * until the fuel runs out), direct and indirect calls, recursion, memory
 * and table instructions, bulk operations, segments and globals; every
 * SIMD instruction (v128 params, results, locals, blocks and selects too),
 * return_call and return_call_indirect, memory indices on loads, stores and
 * memory.size/grow/copy/fill/init, i32/i64 add/sub/mul in global initialisers.
 */
#ifndef FUZZ_GEN_H
#define FUZZ_GEN_H

#include <stddef.h>
#include <stdint.h>

/* Builds a module from the recipe in[0..n). Returns a malloc'd binary and
 * its length in *len, or NULL if out of memory. */
uint8_t *fuzz_gen_module(const uint8_t *in, size_t n, size_t *len);

#endif
