/*
 * The in-kernel spec-suite runner (kernel/test/kspec.c) and its blob format,
 * written by tools/spec2bin.c from wast2json outputs (docs/kspec.md).
 *
 * Blob: a 20-byte header, then a body of records. All integers are
 * little-endian, with no alignment.
 *   header  magic "AZKSPEC\0" (8), u32 version (1), u32 body length,
 *           u32 FNV-1a-32 of the body
 *   str     u32 length, bytes (no NUL); length 0 means "none" for names
 *   val     u8 type (a wasm_valtype_t byte), u8 kind (KSPEC_EXACT ...),
 *           u64 bits (i32/f32 in the low half; externref N is N+1, null 0)
 *           A v128 takes TWO val slots, both of type v128: the first has as
 *           kind its lane shape (KSPEC_I8X16 ...) and the low 8 bytes, the
 *           second as kind a NaN mask (2 bits per float lane, lane 0 lowest:
 *           0 exact, KSPEC_NAN_CANON, KSPEC_NAN_ARITH) and the high 8 bytes;
 *           so a list's slots are exactly the cells wasm_call takes.
 *   vals    u32 count of slots, val * count
 *   action  u8 KSPEC_INVOKE|KSPEC_GET, str module ($name or none),
 *           str field, vals args (none for GET)
 * Records: u8 op, then
 *   FILE                   str wast name, u32 commands that count
 *   MODULE                 u32 line, str $name, str wasm bytes
 *   REGISTER               u32 line, str as, str $name
 *   ACTION                 u32 line, action
 *   ASSERT_RETURN          u32 line, action, vals expected
 *   ASSERT_TRAP            u32 line, action, str text
 *   ASSERT_EXHAUSTION      u32 line, action, str text
 *   ASSERT_UNINSTANTIABLE  u32 line, str wasm bytes, str text
 *   ASSERT_UNLINKABLE      u32 line, str wasm bytes, str text
 *   ASSERT_INVALID         u32 line, str wasm bytes, str text
 *   ASSERT_MALFORMED       u32 line, str wasm bytes, str text
 *   END                    the last byte of the body
 * Commands belong to the latest FILE; each file starts with no modules and
 * a fresh "spectest" module. Every command but REGISTER counts as a test.
 */
#ifndef KERN_KSPEC_H
#define KERN_KSPEC_H

#include <stddef.h>
#include <stdint.h>

#define KSPEC_MAGIC "AZKSPEC\0"
#define KSPEC_VERSION 2
#define KSPEC_HEADER_SIZE 20

enum {
    KSPEC_END = 0,
    KSPEC_FILE,
    KSPEC_MODULE,
    KSPEC_REGISTER,
    KSPEC_ACTION,
    KSPEC_ASSERT_RETURN,
    KSPEC_ASSERT_TRAP,
    KSPEC_ASSERT_EXHAUSTION,
    KSPEC_ASSERT_UNINSTANTIABLE,
    KSPEC_ASSERT_UNLINKABLE,
    KSPEC_ASSERT_INVALID,
    KSPEC_ASSERT_MALFORMED,
    KSPEC_OP_COUNT
};

enum { KSPEC_INVOKE = 0, KSPEC_GET = 1 };

/* Value kinds: an exact bit pattern, a NaN class, or "any" (a missing
 * value: any non-null reference, any number). */
enum { KSPEC_EXACT = 0, KSPEC_NAN_CANON, KSPEC_NAN_ARITH, KSPEC_ANY };

/* Lane shapes of a v128 value (the kind of its first slot). */
enum { KSPEC_I8X16 = 0, KSPEC_I16X8, KSPEC_I32X4, KSPEC_I64X2, KSPEC_F32X4, KSPEC_F64X2 };

/* Runs every command of the blob through the engine, printing
 * "kspec FAIL <file>:<line>: ..." per failure, one line per file and last
 * "kspec: P passed, F failed". Returns F, or -1 if the blob is malformed
 * (then nothing runs and the last line is "kspec: 0 passed, 1 failed").
 * The blob may be unaligned and must stay valid during the call. */
int kspec_run(const uint8_t *blob, size_t len);
/* The same on one tier (a wasm_engine_t) with compiled code's bounds
 * checks (a wasm_bounds_t: the kernel passes its own choice, explicit
 * where its address space cannot give every memory 8 GiB):
 * WASM_ENGINE_DEFAULT is kspec_run; WASM_ENGINE_INTERP prefixes its lines
 * "kspec interp" and prints per-file lines only for files with failures.
 * Both end with a line "<tag>: engine compiled|interp, C functions
 * compiled, I interpreted" before the totals. */
int kspec_run_tier(const uint8_t *blob, size_t len, uint32_t engine, uint32_t bounds);

#endif
