/*
 * Fixed-width SIMD (the 0xFD prefix): what compile.c and simd.c share.
 *
 * Every SIMD instruction becomes one internal OP_SIMD instruction (ops.h):
 *
 *     SIMD d sub operands...
 *
 * d is the result slot (0 for stores), sub the Wasm SIMD opcode (so simd.c
 * switches on the numbering of the spec) with its SK_* kind in bits 8..15. A v128 lives in two cells
 * (module.h, wasmi_cells). The operand words after `sub`, by kind:
 *
 *     SK_LOAD       addr off              v128.load*, load splat, load zero
 *     SK_STORE      addr v off            v128.store
 *     SK_CONST      w0 w1 w2 w3           v128.const (16 bytes, low first)
 *     SK_SHUFFLE    a b w0 w1 w2 w3       i8x16.shuffle (16 lane bytes)
 *     SK_SPLAT      a                     scalar -> v128
 *     SK_EXTRACT    a lane                v128 -> scalar
 *     SK_REPLACE    a b lane              v128, scalar -> v128
 *     SK_LOADLANE   addr v off lane
 *     SK_STORELANE  addr v off lane
 *     SK_TEST       a                     v128 -> i32 (any_true, all_true, bitmask)
 *     SK_SHIFT      a b                   v128, i32 -> v128
 *     SK_UNARY      a
 *     SK_BINARY     a b
 *     SK_TERNARY    a b c                 v128.bitselect
 *
 * The only trap a SIMD instruction can raise is an out-of-bounds access.
 */
#ifndef WASM_SIMD_H
#define WASM_SIMD_H

#include <stdint.h>

enum {
    SK_BAD, SK_LOAD, SK_STORE, SK_CONST, SK_SHUFFLE, SK_SPLAT, SK_EXTRACT, SK_REPLACE,
    SK_LOADLANE, SK_STORELANE, SK_TEST, SK_SHIFT, SK_UNARY, SK_BINARY, SK_TERNARY,
};

/* Words of an OP_SIMD instruction of each kind, the op word included. */
static const uint8_t wasmi_simd_words[] = {
    [SK_BAD] = 3, [SK_LOAD] = 5, [SK_STORE] = 6, [SK_CONST] = 7, [SK_SHUFFLE] = 9,
    [SK_SPLAT] = 4, [SK_EXTRACT] = 5, [SK_REPLACE] = 6, [SK_LOADLANE] = 7,
    [SK_STORELANE] = 7, [SK_TEST] = 4, [SK_SHIFT] = 5, [SK_UNARY] = 4, [SK_BINARY] = 5,
    [SK_TERNARY] = 6,
};

typedef struct wasmi_simd_info {
    uint8_t kind;     /* SK_* */
    uint8_t size;     /* memory ops: bytes accessed (alignment bound) */
    uint8_t lanes;    /* lane ops: number of lanes (lane index bound) */
    uint8_t scalar;   /* splat/extract/replace: the scalar's value type */
} wasmi_simd_info_t;

/* Describes SIMD opcode sub; kind SK_BAD when there is no such opcode. */
static inline wasmi_simd_info_t wasmi_simd_describe(uint32_t sub)
{
    wasmi_simd_info_t d = {SK_BAD, 0, 0, 0};
    static const uint8_t scal[6] = {0x7F, 0x7F, 0x7F, 0x7E, 0x7D, 0x7C}; /* i32 i32 i32 i64 f32 f64 */
    static const uint8_t nl[6] = {16, 8, 4, 2, 4, 2};
    if (sub <= 0x0A) {
        static const uint8_t sz[11] = {16, 8, 8, 8, 8, 8, 8, 1, 2, 4, 8};
        d.kind = SK_LOAD, d.size = sz[sub];
    } else if (sub == 0x0B) {
        d.kind = SK_STORE, d.size = 16;
    } else if (sub == 0x0C) {
        d.kind = SK_CONST;
    } else if (sub == 0x0D) {
        d.kind = SK_SHUFFLE, d.lanes = 32;
    } else if (sub == 0x0E) {
        d.kind = SK_BINARY;
    } else if (sub <= 0x14) {
        d.kind = SK_SPLAT, d.scalar = scal[sub - 0x0F];
    } else if (sub <= 0x22) {
        /* extract_s, extract_u, replace for i8/i16; extract, replace after */
        static const struct { uint8_t kind, shape; } t[14] = {
            {SK_EXTRACT, 0}, {SK_EXTRACT, 0}, {SK_REPLACE, 0}, {SK_EXTRACT, 1},
            {SK_EXTRACT, 1}, {SK_REPLACE, 1}, {SK_EXTRACT, 2}, {SK_REPLACE, 2},
            {SK_EXTRACT, 3}, {SK_REPLACE, 3}, {SK_EXTRACT, 4}, {SK_REPLACE, 4},
            {SK_EXTRACT, 5}, {SK_REPLACE, 5},
        };
        d.kind = t[sub - 0x15].kind;
        d.lanes = nl[t[sub - 0x15].shape];
        d.scalar = scal[t[sub - 0x15].shape];
    } else if (sub <= 0x4C) {
        d.kind = SK_BINARY;                         /* comparisons */
    } else if (sub == 0x4D) {
        d.kind = SK_UNARY;
    } else if (sub <= 0x51) {
        d.kind = SK_BINARY;
    } else if (sub == 0x52) {
        d.kind = SK_TERNARY;
    } else if (sub == 0x53) {
        d.kind = SK_TEST;
    } else if (sub <= 0x5B) {
        d.kind = sub <= 0x57 ? SK_LOADLANE : SK_STORELANE;
        d.size = (uint8_t)(1u << ((sub - 0x54) & 3));
        d.lanes = (uint8_t)(16 / d.size);
    } else if (sub <= 0x5D) {
        d.kind = SK_LOAD, d.size = sub == 0x5C ? 4 : 8;
    } else if (sub <= 0xFF) {
        /* 0x5E..0xFF: u unary, b binary, t test, s shift, '.' reserved */
        static const char k[] =
            "uu"                /* 5e 5f demote, promote */
            "uuuttbbuuuusssbbbbbbuubbbbubuuuu"  /* 60..7f */
            "uubttbbuuuusssbbbbbbubbbbb.bbbbb"  /* 80..9f */
            "uu.tt..uuuusssb..b...bbbbbb.bbbb"  /* a0..bf */
            "uu.tt..uuuusssb..b...bbbbbbbbbbb"  /* c0..df */
            "uu.ubbbbbbbbuu.ubbbbbbbbuuuuuuuu"; /* e0..ff */
        switch (k[sub - 0x5E]) {
        case 'u': d.kind = SK_UNARY; break;
        case 'b': d.kind = SK_BINARY; break;
        case 't': d.kind = SK_TEST; break;
        case 's': d.kind = SK_SHIFT; break;
        default: break;
        }
    }
    return d;
}

#endif
