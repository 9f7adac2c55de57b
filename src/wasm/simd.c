/*
 * Fixed-width SIMD: runs one OP_SIMD instruction (simd.h has the layout).
 *
 * The interpreter calls wasmi_simd_exec out of line, so its own loop, which
 * every scalar instruction runs through, does not grow or lose registers to
 * 16-byte values. A v128 is kept in two frame cells and handled here as a
 * union of GNU vector types: clang turns the whole-vector operations into
 * SSE on x86_64 and NEON on aarch64, and into scalar code on riscv64 (no
 * vector extension assumed). Lane-wise loops are used where Wasm's rules
 * (saturation, NaN and signed-zero handling of min/max, rounding,
 * conversions) differ from what a vector operator would do. Lane 0 is the
 * lowest address, as Wasm wants, since all targets are little-endian.
 *
 * Float arithmetic (add, sub, mul, div, sqrt) is IEEE in every lane; NaN
 * results are whatever the hardware makes of them, which Wasm allows (a
 * canonical NaN for canonical inputs, an arithmetic NaN otherwise).
 */
#include "internal.h"
#include "numeric.h"
#include "simd.h"

typedef int8_t i8x16 __attribute__((vector_size(16)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef int16_t i16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int64_t i64x2 __attribute__((vector_size(16)));
typedef uint64_t u64x2 __attribute__((vector_size(16)));
typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x2 __attribute__((vector_size(16)));

/* Whole-vector operations use the vector members; lane loops use the array
 * members (indexing a vector member compiles to an insert through memory
 * per lane, with a store-forwarding stall each time). */
typedef union v128 {
    i8x16 i8; u8x16 u8; i16x8 i16; u16x8 u16; i32x4 i32; u32x4 u32;
    i64x2 i64; u64x2 u64; f32x4 f32; f64x2 f64;
    uint8_t b[16]; int8_t s8[16]; uint16_t w16[8]; int16_t s16[8];
    uint32_t w32[4]; int32_t s32[4]; uint64_t w64[2]; int64_t s64[2];
    float fl[4]; double db[2];
} v128_t;

/* a op b's NaN as SSE gives it (numeric.h) */
#define NANFIX32 r.u32 = wasmi_nan_first32(r.u32, a.u32, b.u32)
#define NANFIX64 r.u64 = wasmi_nan_first64(r.u64, a.u64, b.u64)

static inline v128_t ld(const uint64_t *fp, uint32_t s)
{
    v128_t v;
    __builtin_memcpy(&v, fp + s, 16);
    return v;
}

static inline void st(uint64_t *fp, uint32_t d, v128_t v)
{
    __builtin_memcpy(fp + d, &v, 16);
}

static inline int32_t sat(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

#define A ld(fp, ip[3])
#define B ld(fp, ip[4])
#define PUT(r) st(fp, ip[1], r)
/* Lane loops: r gets expr for every lane i of an n-lane shape. */
#define LANES(n, expr) for (uint32_t i = 0; i < (n); i++) { expr; }

/* The effective address of a memory operand (slot ip[as], offset ip[os]);
 * returns NULL (out of bounds) from wasmi_simd_exec when n bytes do not fit. */
#define EA(as, os, n)                                                   \
    uint64_t ea = (uint64_t)(uint32_t)fp[ip[as]] + ip[os];             \
    if (WASM_UNLIKELY(ea + (n) > memsize))                              \
        return NULL;                                                    \
    ea = wasmi_spec_clamp(ea, ea + (n), memsize)

const uint32_t *wasmi_simd_exec(const uint32_t *ip, uint64_t *fp, uint8_t *mem, uint64_t memsize)
{
    v128_t a, b, r;
    uint32_t sub = ip[2] & 0xFF, kind = ip[2] >> 8;   /* the kind is in bits 8.. (simd.h) */
    uint32_t words = wasmi_simd_words[kind], sh = 0;
    r.u64 = (u64x2){0, 0};
    /* The operands of the plain kinds are loaded here, so that one switch
     * (one indirect jump) serves every opcode; the memory and lane ops load
     * their own (their ip[3] may be an immediate). */
    a.u64 = b.u64 = (u64x2){0, 0};
    if (kind >= SK_TEST) {
        a = A;
        if (kind == SK_BINARY)
            b = B;
        else if (kind == SK_SHIFT)
            sh = (uint32_t)fp[ip[4]];   /* the shift count is an i32 cell */
    }
    switch (sub) {
    /* ---------------------------------------------------------- memory */
    case 0x00: { EA(3, 4, 16); __builtin_memcpy(&r, mem + ea, 16); PUT(r); return ip + 5; }
    case 0x01: { EA(3, 4, 8); LANES(8, r.s16[i] = (int8_t)mem[ea + i]); PUT(r); return ip + 5; }
    case 0x02: { EA(3, 4, 8); LANES(8, r.w16[i] = mem[ea + i]); PUT(r); return ip + 5; }
    case 0x03: case 0x04: {
        EA(3, 4, 8);
        int16_t h[4];
        __builtin_memcpy(h, mem + ea, 8);
        if (sub == 0x03)
            LANES(4, r.s32[i] = h[i])
        else
            LANES(4, r.w32[i] = (uint16_t)h[i])
        PUT(r);
        return ip + 5;
    }
    case 0x05: case 0x06: {
        EA(3, 4, 8);
        int32_t w[2];
        __builtin_memcpy(w, mem + ea, 8);
        if (sub == 0x05)
            LANES(2, r.s64[i] = w[i])
        else
            LANES(2, r.w64[i] = (uint32_t)w[i])
        PUT(r);
        return ip + 5;
    }
    case 0x07: case 0x08: case 0x09: case 0x0A: {
        uint32_t n = 1u << (sub - 0x07);
        EA(3, 4, n);
        for (uint32_t i = 0; i < 16; i += n)
            __builtin_memcpy(r.b + i, mem + ea, n);
        PUT(r);
        return ip + 5;
    }
    case 0x5C: case 0x5D: {
        uint32_t n = sub == 0x5C ? 4 : 8;
        EA(3, 4, n);
        __builtin_memcpy(r.b, mem + ea, n);
        PUT(r);
        return ip + 5;
    }
    case 0x0B: { EA(3, 5, 16); __builtin_memcpy(mem + ea, fp + ip[4], 16); return ip + 6; }
    case 0x54: case 0x55: case 0x56: case 0x57: {
        uint32_t n = 1u << (sub - 0x54);
        EA(3, 5, n);
        r = B;
        __builtin_memcpy(r.b + ip[6] * n, mem + ea, n);
        PUT(r);
        return ip + 7;
    }
    case 0x58: case 0x59: case 0x5A: case 0x5B: {
        uint32_t n = 1u << (sub - 0x58);
        EA(3, 5, n);
        b = B;
        __builtin_memcpy(mem + ea, b.b + ip[6] * n, n);
        return ip + 7;
    }
    /* ---------------------------------------------------------- constants, lanes */
    case 0x0C: __builtin_memcpy(fp + ip[1], ip + 3, 16); return ip + 7;
    case 0x0D: {
        const uint8_t *l = (const uint8_t *)(ip + 5);
        uint8_t t[32];
        __builtin_memcpy(t, fp + ip[3], 16);
        __builtin_memcpy(t + 16, fp + ip[4], 16);
        /* built in two registers: byte stores into r would stall the load
         * of r on store forwarding; the compiler checked l[i] < 32 */
        uint64_t lo = 0, hi = 0;
        for (uint32_t i = 0; i < 8; i++) {
            lo |= (uint64_t)t[l[i] & 31] << (8 * i);
            hi |= (uint64_t)t[l[i + 8] & 31] << (8 * i);
        }
        fp[ip[1]] = lo, fp[ip[1] + 1] = hi;
        return ip + 9;
    }
    case 0x0E: a = A, b = B; LANES(16, r.b[i] = b.b[i] < 16 ? a.b[b.b[i]] : 0) PUT(r); return ip + 5;
    case 0x0F: { uint8_t x = (uint8_t)fp[ip[3]]; LANES(16, r.b[i] = x) PUT(r); return ip + 4; }
    case 0x10: { uint16_t x = (uint16_t)fp[ip[3]]; LANES(8, r.w16[i] = x) PUT(r); return ip + 4; }
    case 0x11: case 0x13: { uint32_t x = (uint32_t)fp[ip[3]]; LANES(4, r.w32[i] = x) PUT(r); return ip + 4; }
    case 0x12: case 0x14: { uint64_t x = fp[ip[3]]; LANES(2, r.w64[i] = x) PUT(r); return ip + 4; }
    case 0x15: a = A; fp[ip[1]] = (uint32_t)(int32_t)a.s8[ip[4]]; return ip + 5;
    case 0x16: a = A; fp[ip[1]] = a.b[ip[4]]; return ip + 5;
    case 0x18: a = A; fp[ip[1]] = (uint32_t)(int32_t)a.s16[ip[4]]; return ip + 5;
    case 0x19: a = A; fp[ip[1]] = a.w16[ip[4]]; return ip + 5;
    case 0x1B: case 0x1F: a = A; fp[ip[1]] = a.w32[ip[4]]; return ip + 5;
    case 0x1D: case 0x21: a = A; fp[ip[1]] = a.w64[ip[4]]; return ip + 5;
    case 0x17: r = A; r.b[ip[5]] = (uint8_t)fp[ip[4]]; PUT(r); return ip + 6;
    case 0x1A: r = A; r.w16[ip[5]] = (uint16_t)fp[ip[4]]; PUT(r); return ip + 6;
    case 0x1C: case 0x20: r = A; r.w32[ip[5]] = (uint32_t)fp[ip[4]]; PUT(r); return ip + 6;
    case 0x1E: case 0x22: r = A; r.w64[ip[5]] = fp[ip[4]]; PUT(r); return ip + 6;
    /* ---------------------------------------------------------- comparisons */
    case 0x23: r.i8 = (i8x16)(a.u8 == b.u8); break;
    case 0x24: r.i8 = (i8x16)(a.u8 != b.u8); break;
    case 0x25: r.i8 = (i8x16)(a.i8 < b.i8); break;
    case 0x26: r.i8 = (i8x16)(a.u8 < b.u8); break;
    case 0x27: r.i8 = (i8x16)(a.i8 > b.i8); break;
    case 0x28: r.i8 = (i8x16)(a.u8 > b.u8); break;
    case 0x29: r.i8 = (i8x16)(a.i8 <= b.i8); break;
    case 0x2A: r.i8 = (i8x16)(a.u8 <= b.u8); break;
    case 0x2B: r.i8 = (i8x16)(a.i8 >= b.i8); break;
    case 0x2C: r.i8 = (i8x16)(a.u8 >= b.u8); break;
    case 0x2D: r.i16 = (i16x8)(a.u16 == b.u16); break;
    case 0x2E: r.i16 = (i16x8)(a.u16 != b.u16); break;
    case 0x2F: r.i16 = (i16x8)(a.i16 < b.i16); break;
    case 0x30: r.i16 = (i16x8)(a.u16 < b.u16); break;
    case 0x31: r.i16 = (i16x8)(a.i16 > b.i16); break;
    case 0x32: r.i16 = (i16x8)(a.u16 > b.u16); break;
    case 0x33: r.i16 = (i16x8)(a.i16 <= b.i16); break;
    case 0x34: r.i16 = (i16x8)(a.u16 <= b.u16); break;
    case 0x35: r.i16 = (i16x8)(a.i16 >= b.i16); break;
    case 0x36: r.i16 = (i16x8)(a.u16 >= b.u16); break;
    case 0x37: r.i32 = (i32x4)(a.u32 == b.u32); break;
    case 0x38: r.i32 = (i32x4)(a.u32 != b.u32); break;
    case 0x39: r.i32 = (i32x4)(a.i32 < b.i32); break;
    case 0x3A: r.i32 = (i32x4)(a.u32 < b.u32); break;
    case 0x3B: r.i32 = (i32x4)(a.i32 > b.i32); break;
    case 0x3C: r.i32 = (i32x4)(a.u32 > b.u32); break;
    case 0x3D: r.i32 = (i32x4)(a.i32 <= b.i32); break;
    case 0x3E: r.i32 = (i32x4)(a.u32 <= b.u32); break;
    case 0x3F: r.i32 = (i32x4)(a.i32 >= b.i32); break;
    case 0x40: r.i32 = (i32x4)(a.u32 >= b.u32); break;
    case 0x41: r.i32 = (i32x4)(a.f32 == b.f32); break;
    case 0x42: r.i32 = (i32x4)(a.f32 != b.f32); break;
    case 0x43: r.i32 = (i32x4)(a.f32 < b.f32); break;
    case 0x44: r.i32 = (i32x4)(a.f32 > b.f32); break;
    case 0x45: r.i32 = (i32x4)(a.f32 <= b.f32); break;
    case 0x46: r.i32 = (i32x4)(a.f32 >= b.f32); break;
    case 0x47: r.i64 = (i64x2)(a.f64 == b.f64); break;
    case 0x48: r.i64 = (i64x2)(a.f64 != b.f64); break;
    case 0x49: r.i64 = (i64x2)(a.f64 < b.f64); break;
    case 0x4A: r.i64 = (i64x2)(a.f64 > b.f64); break;
    case 0x4B: r.i64 = (i64x2)(a.f64 <= b.f64); break;
    case 0x4C: r.i64 = (i64x2)(a.f64 >= b.f64); break;
    case 0xD6: r.i64 = (i64x2)(a.u64 == b.u64); break;
    case 0xD7: r.i64 = (i64x2)(a.u64 != b.u64); break;
    case 0xD8: r.i64 = (i64x2)(a.i64 < b.i64); break;
    case 0xD9: r.i64 = (i64x2)(a.i64 > b.i64); break;
    case 0xDA: r.i64 = (i64x2)(a.i64 <= b.i64); break;
    case 0xDB: r.i64 = (i64x2)(a.i64 >= b.i64); break;
    /* ---------------------------------------------------------- bitwise */
    case 0x4D: r.u64 = ~a.u64; break;
    case 0x4E: r.u64 = a.u64 & b.u64; break;
    case 0x4F: r.u64 = a.u64 & ~b.u64; break;
    case 0x50: r.u64 = a.u64 | b.u64; break;
    case 0x51: r.u64 = a.u64 ^ b.u64; break;
    case 0x52: {
        v128_t x = ld(fp, ip[4]), m = ld(fp, ip[5]);
        r.u64 = (a.u64 & m.u64) | (x.u64 & ~m.u64);
        PUT(r);
        return ip + 6;
    }
    /* ---------------------------------------------------------- tests (-> i32) */
    case 0x53: fp[ip[1]] = (a.w64[0] | a.w64[1]) != 0; return ip + 4;
    case 0x63: case 0x83: case 0xA3: case 0xC3: {
        uint32_t all = 1;
        if (sub == 0x63)
            LANES(16, all &= a.b[i] != 0)
        else if (sub == 0x83)
            LANES(8, all &= a.w16[i] != 0)
        else if (sub == 0xA3)
            LANES(4, all &= a.w32[i] != 0)
        else
            LANES(2, all &= a.w64[i] != 0)
        fp[ip[1]] = all;
        return ip + 4;
    }
    case 0x64: case 0x84: case 0xA4: case 0xC4: {
        uint32_t m = 0;
        if (sub == 0x64)
            LANES(16, m |= (uint32_t)(a.b[i] >> 7) << i)
        else if (sub == 0x84)
            LANES(8, m |= (uint32_t)(a.w16[i] >> 15) << i)
        else if (sub == 0xA4)
            LANES(4, m |= (a.w32[i] >> 31) << i)
        else
            LANES(2, m |= (uint32_t)(a.w64[i] >> 63) << i)
        fp[ip[1]] = m;
        return ip + 4;
    }
    /* ---------------------------------------------------------- float <-> float */
    case 0x5E:
        LANES(2, r.fl[i] = (float)a.db[i])
        break;
    case 0x5F:
        LANES(2, r.db[i] = (double)a.fl[i])
        break;
    /* ---------------------------------------------------------- i8x16 */
    case 0x60: LANES(16, r.b[i] = a.s8[i] < 0 ? (uint8_t)(0u - a.b[i]) : a.b[i]) break;
    case 0x61: r.u8 = (u8x16){0} - a.u8; break;
    case 0x62: LANES(16, r.b[i] = (uint8_t)__builtin_popcount(a.b[i])) break;
    case 0x65:
        LANES(8, r.s8[i] = (int8_t)sat(a.s16[i], -128, 127))
        LANES(8, r.s8[i + 8] = (int8_t)sat(b.s16[i], -128, 127))
        break;
    case 0x66:
        LANES(8, r.b[i] = (uint8_t)sat(a.s16[i], 0, 255))
        LANES(8, r.b[i + 8] = (uint8_t)sat(b.s16[i], 0, 255))
        break;
    case 0x6B: r.u8 = a.u8 << (uint8_t)(sh & 7); break;
    case 0x6C: r.i8 = a.i8 >> (int8_t)(sh & 7); break;
    case 0x6D: r.u8 = a.u8 >> (uint8_t)(sh & 7); break;
    case 0x6E: r.u8 = a.u8 + b.u8; break;
    case 0x6F: LANES(16, r.s8[i] = (int8_t)sat(a.s8[i] + b.s8[i], -128, 127)) break;
    case 0x70: LANES(16, r.b[i] = (uint8_t)sat(a.b[i] + b.b[i], 0, 255)) break;
    case 0x71: r.u8 = a.u8 - b.u8; break;
    case 0x72: LANES(16, r.s8[i] = (int8_t)sat(a.s8[i] - b.s8[i], -128, 127)) break;
    case 0x73: LANES(16, r.b[i] = (uint8_t)sat(a.b[i] - b.b[i], 0, 255)) break;
    case 0x76: LANES(16, r.s8[i] = a.s8[i] < b.s8[i] ? a.s8[i] : b.s8[i]) break;
    case 0x77: LANES(16, r.b[i] = a.b[i] < b.b[i] ? a.b[i] : b.b[i]) break;
    case 0x78: LANES(16, r.s8[i] = a.s8[i] > b.s8[i] ? a.s8[i] : b.s8[i]) break;
    case 0x79: LANES(16, r.b[i] = a.b[i] > b.b[i] ? a.b[i] : b.b[i]) break;
    case 0x7B: LANES(16, r.b[i] = (uint8_t)((a.b[i] + b.b[i] + 1u) >> 1)) break;
    case 0x7C: LANES(8, r.s16[i] = (int16_t)(a.s8[2 * i] + a.s8[2 * i + 1])) break;
    case 0x7D: LANES(8, r.w16[i] = (uint16_t)(a.b[2 * i] + a.b[2 * i + 1])) break;
    case 0x7E: LANES(4, r.s32[i] = a.s16[2 * i] + a.s16[2 * i + 1]) break;
    case 0x7F: LANES(4, r.w32[i] = (uint32_t)a.w16[2 * i] + a.w16[2 * i + 1]) break;
    /* ---------------------------------------------------------- i16x8 */
    case 0x80: LANES(8, r.w16[i] = a.s16[i] < 0 ? (uint16_t)(0u - a.w16[i]) : a.w16[i]) break;
    case 0x81: r.u16 = (u16x8){0} - a.u16; break;
    case 0x82:
        LANES(8, r.s16[i] = (int16_t)sat((a.s16[i] * b.s16[i] + 0x4000) >> 15, -32768, 32767))
        break;
    case 0x85:
        LANES(4, r.s16[i] = (int16_t)sat(a.s32[i], -32768, 32767))
        LANES(4, r.s16[i + 4] = (int16_t)sat(b.s32[i], -32768, 32767))
        break;
    case 0x86:
        LANES(4, r.w16[i] = (uint16_t)sat(a.s32[i], 0, 65535))
        LANES(4, r.w16[i + 4] = (uint16_t)sat(b.s32[i], 0, 65535))
        break;
    case 0x87: LANES(8, r.s16[i] = a.s8[i]) break;
    case 0x88: LANES(8, r.s16[i] = a.s8[i + 8]) break;
    case 0x89: LANES(8, r.w16[i] = a.b[i]) break;
    case 0x8A: LANES(8, r.w16[i] = a.b[i + 8]) break;
    case 0x8B: r.u16 = a.u16 << (uint16_t)(sh & 15); break;
    case 0x8C: r.i16 = a.i16 >> (int16_t)(sh & 15); break;
    case 0x8D: r.u16 = a.u16 >> (uint16_t)(sh & 15); break;
    case 0x8E: r.u16 = a.u16 + b.u16; break;
    case 0x8F: LANES(8, r.s16[i] = (int16_t)sat(a.s16[i] + b.s16[i], -32768, 32767)) break;
    case 0x90: LANES(8, r.w16[i] = (uint16_t)sat(a.w16[i] + b.w16[i], 0, 65535)) break;
    case 0x91: r.u16 = a.u16 - b.u16; break;
    case 0x92: LANES(8, r.s16[i] = (int16_t)sat(a.s16[i] - b.s16[i], -32768, 32767)) break;
    case 0x93: LANES(8, r.w16[i] = (uint16_t)sat(a.w16[i] - b.w16[i], 0, 65535)) break;
    case 0x95: r.u16 = a.u16 * b.u16; break;
    case 0x96: LANES(8, r.s16[i] = a.s16[i] < b.s16[i] ? a.s16[i] : b.s16[i]) break;
    case 0x97: LANES(8, r.w16[i] = a.w16[i] < b.w16[i] ? a.w16[i] : b.w16[i]) break;
    case 0x98: LANES(8, r.s16[i] = a.s16[i] > b.s16[i] ? a.s16[i] : b.s16[i]) break;
    case 0x99: LANES(8, r.w16[i] = a.w16[i] > b.w16[i] ? a.w16[i] : b.w16[i]) break;
    case 0x9B: LANES(8, r.w16[i] = (uint16_t)((a.w16[i] + b.w16[i] + 1u) >> 1)) break;
    case 0x9C: LANES(8, r.s16[i] = (int16_t)(a.s8[i] * b.s8[i])) break;
    case 0x9D: LANES(8, r.s16[i] = (int16_t)(a.s8[i + 8] * b.s8[i + 8])) break;
    case 0x9E: LANES(8, r.w16[i] = (uint16_t)(a.b[i] * b.b[i])) break;
    case 0x9F: LANES(8, r.w16[i] = (uint16_t)(a.b[i + 8] * b.b[i + 8])) break;
    /* ---------------------------------------------------------- i32x4 */
    case 0xA0: LANES(4, r.w32[i] = a.s32[i] < 0 ? 0u - a.w32[i] : a.w32[i]) break;
    case 0xA1: r.u32 = (u32x4){0} - a.u32; break;
    case 0xA7: LANES(4, r.s32[i] = a.s16[i]) break;
    case 0xA8: LANES(4, r.s32[i] = a.s16[i + 4]) break;
    case 0xA9: LANES(4, r.w32[i] = a.w16[i]) break;
    case 0xAA: LANES(4, r.w32[i] = a.w16[i + 4]) break;
    case 0xAB: r.u32 = a.u32 << (sh & 31); break;
    case 0xAC: r.i32 = a.i32 >> (int32_t)(sh & 31); break;
    case 0xAD: r.u32 = a.u32 >> (sh & 31); break;
    case 0xAE: r.u32 = a.u32 + b.u32; break;
    case 0xB1: r.u32 = a.u32 - b.u32; break;
    case 0xB5: r.u32 = a.u32 * b.u32; break;
    case 0xB6: LANES(4, r.s32[i] = a.s32[i] < b.s32[i] ? a.s32[i] : b.s32[i]) break;
    case 0xB7: LANES(4, r.w32[i] = a.w32[i] < b.w32[i] ? a.w32[i] : b.w32[i]) break;
    case 0xB8: LANES(4, r.s32[i] = a.s32[i] > b.s32[i] ? a.s32[i] : b.s32[i]) break;
    case 0xB9: LANES(4, r.w32[i] = a.w32[i] > b.w32[i] ? a.w32[i] : b.w32[i]) break;
    case 0xBA:
        LANES(4, r.w32[i] = (uint32_t)((int64_t)a.s16[2 * i] * b.s16[2 * i] +
                                       (int64_t)a.s16[2 * i + 1] * b.s16[2 * i + 1]))
        break;
    case 0xBC: LANES(4, r.s32[i] = a.s16[i] * b.s16[i]) break;
    case 0xBD: LANES(4, r.s32[i] = a.s16[i + 4] * b.s16[i + 4]) break;
    case 0xBE: LANES(4, r.w32[i] = (uint32_t)a.w16[i] * b.w16[i]) break;
    case 0xBF: LANES(4, r.w32[i] = (uint32_t)a.w16[i + 4] * b.w16[i + 4]) break;
    /* ---------------------------------------------------------- i64x2 */
    case 0xC0: LANES(2, r.w64[i] = a.s64[i] < 0 ? 0u - a.w64[i] : a.w64[i]) break;
    case 0xC1: r.u64 = (u64x2){0, 0} - a.u64; break;
    case 0xC7: LANES(2, r.s64[i] = a.s32[i]) break;
    case 0xC8: LANES(2, r.s64[i] = a.s32[i + 2]) break;
    case 0xC9: LANES(2, r.w64[i] = a.w32[i]) break;
    case 0xCA: LANES(2, r.w64[i] = a.w32[i + 2]) break;
    case 0xCB: r.u64 = a.u64 << (uint64_t)(sh & 63); break;
    case 0xCC: r.i64 = a.i64 >> (int64_t)(sh & 63); break;
    case 0xCD: r.u64 = a.u64 >> (uint64_t)(sh & 63); break;
    case 0xCE: r.u64 = a.u64 + b.u64; break;
    case 0xD1: r.u64 = a.u64 - b.u64; break;
    case 0xD5: r.u64 = a.u64 * b.u64; break;
    case 0xDC: LANES(2, r.s64[i] = (int64_t)a.s32[i] * b.s32[i]) break;
    case 0xDD: LANES(2, r.s64[i] = (int64_t)a.s32[i + 2] * b.s32[i + 2]) break;
    case 0xDE: LANES(2, r.w64[i] = (uint64_t)a.w32[i] * b.w32[i]) break;
    case 0xDF: LANES(2, r.w64[i] = (uint64_t)a.w32[i + 2] * b.w32[i + 2]) break;
    /* ---------------------------------------------------------- f32x4 */
    case 0x67: LANES(4, r.fl[i] = wasmi_f32_ceil(a.fl[i])) break;
    case 0x68: LANES(4, r.fl[i] = wasmi_f32_floor(a.fl[i])) break;
    case 0x69: LANES(4, r.fl[i] = wasmi_f32_trunc(a.fl[i])) break;
    case 0x6A: LANES(4, r.fl[i] = wasmi_f32_nearest(a.fl[i])) break;
    case 0xE0: r.u32 = a.u32 & 0x7FFFFFFFu; break;
    case 0xE1: r.u32 = a.u32 ^ 0x80000000u; break;
    case 0xE3: LANES(4, r.fl[i] = __builtin_sqrtf(a.fl[i])) break;
    case 0xE4: r.f32 = a.f32 + b.f32; NANFIX32; break;
    case 0xE5: r.f32 = a.f32 - b.f32; NANFIX32; break;
    case 0xE6: r.f32 = a.f32 * b.f32; NANFIX32; break;
    case 0xE7: r.f32 = a.f32 / b.f32; NANFIX32; break;
    case 0xE8: LANES(4, r.fl[i] = wasmi_f32_min(a.fl[i], b.fl[i])) break;
    case 0xE9: LANES(4, r.fl[i] = wasmi_f32_max(a.fl[i], b.fl[i])) break;
    case 0xEA: LANES(4, r.w32[i] = b.fl[i] < a.fl[i] ? b.w32[i] : a.w32[i]) break;
    case 0xEB: LANES(4, r.w32[i] = a.fl[i] < b.fl[i] ? b.w32[i] : a.w32[i]) break;
    /* ---------------------------------------------------------- f64x2 */
    case 0x74: LANES(2, r.db[i] = wasmi_f64_ceil(a.db[i])) break;
    case 0x75: LANES(2, r.db[i] = wasmi_f64_floor(a.db[i])) break;
    case 0x7A: LANES(2, r.db[i] = wasmi_f64_trunc(a.db[i])) break;
    case 0x94: LANES(2, r.db[i] = wasmi_f64_nearest(a.db[i])) break;
    case 0xEC: r.u64 = a.u64 & 0x7FFFFFFFFFFFFFFFull; break;
    case 0xED: r.u64 = a.u64 ^ 0x8000000000000000ull; break;
    case 0xEF: LANES(2, r.db[i] = __builtin_sqrt(a.db[i])) break;
    case 0xF0: r.f64 = a.f64 + b.f64; NANFIX64; break;
    case 0xF1: r.f64 = a.f64 - b.f64; NANFIX64; break;
    case 0xF2: r.f64 = a.f64 * b.f64; NANFIX64; break;
    case 0xF3: r.f64 = a.f64 / b.f64; NANFIX64; break;
    case 0xF4: LANES(2, r.db[i] = wasmi_f64_min(a.db[i], b.db[i])) break;
    case 0xF5: LANES(2, r.db[i] = wasmi_f64_max(a.db[i], b.db[i])) break;
    case 0xF6: LANES(2, r.w64[i] = b.db[i] < a.db[i] ? b.w64[i] : a.w64[i]) break;
    case 0xF7: LANES(2, r.w64[i] = a.db[i] < b.db[i] ? b.w64[i] : a.w64[i]) break;
    /* ---------------------------------------------------------- conversions */
    case 0xF8: LANES(4, r.s32[i] = wasmi_sat_i32_s(a.fl[i])) break;
    case 0xF9: LANES(4, r.w32[i] = wasmi_sat_i32_u(a.fl[i])) break;
    case 0xFA: LANES(4, r.fl[i] = (float)a.s32[i]) break;
    case 0xFB: LANES(4, r.fl[i] = (float)a.w32[i]) break;
    case 0xFC: LANES(2, r.s32[i] = wasmi_sat_i32_s(a.db[i])) break;
    case 0xFD: LANES(2, r.w32[i] = wasmi_sat_i32_u(a.db[i])) break;
    case 0xFE: LANES(2, r.db[i] = (double)a.s32[i]) break;
    case 0xFF: LANES(2, r.db[i] = (double)a.w32[i]) break;
    default:
        /* the compiler emits only valid opcodes */
        return NULL;
    }
    PUT(r);
    return ip + words;
}
