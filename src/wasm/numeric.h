/*
 * Wasm numeric semantics that C does not give directly, in freestanding C:
 * bit casts, rounding, min/max with NaN and signed-zero rules, and the
 * range checks of float-to-integer truncation. Each NaN result is produced
 * by arithmetic on a NaN operand, so it comes out quiet, as Wasm requires
 * of an "arithmetic NaN".
 */
#ifndef WASM_NUMERIC_H
#define WASM_NUMERIC_H

#include <stdint.h>

static inline float wasmi_f32(uint32_t b) { float f; __builtin_memcpy(&f, &b, 4); return f; }
static inline double wasmi_f64(uint64_t b) { double d; __builtin_memcpy(&d, &b, 8); return d; }
static inline uint32_t wasmi_f32_bits(float f) { uint32_t b; __builtin_memcpy(&b, &f, 4); return b; }
static inline uint64_t wasmi_f64_bits(double d) { uint64_t b; __builtin_memcpy(&b, &d, 8); return b; }

static inline float wasmi_f32_trunc(float x)
{
    if (x != x)
        return x + x;
    if (!(__builtin_fabsf(x) < 8388608.0f))   /* |x| >= 2^23: already integral */
        return x;
    return __builtin_copysignf((float)(int32_t)x, x);
}

static inline double wasmi_f64_trunc(double x)
{
    if (x != x)
        return x + x;
    if (!(__builtin_fabs(x) < 4503599627370496.0))  /* 2^52 */
        return x;
    return __builtin_copysign((double)(int64_t)x, x);
}

static inline float wasmi_f32_floor(float x)
{
    float t = wasmi_f32_trunc(x);
    return t > x ? t - 1.0f : t;
}

static inline double wasmi_f64_floor(double x)
{
    double t = wasmi_f64_trunc(x);
    return t > x ? t - 1.0 : t;
}

static inline float wasmi_f32_ceil(float x)
{
    float t = wasmi_f32_trunc(x);
    return t < x ? __builtin_copysignf(t + 1.0f, x) : t;
}

static inline double wasmi_f64_ceil(double x)
{
    double t = wasmi_f64_trunc(x);
    return t < x ? __builtin_copysign(t + 1.0, x) : t;
}

/* Round half to even: adding and subtracting 2^23 (2^52) rounds in the
 * current (round-to-nearest-even) mode, exactly, for smaller magnitudes. */
static inline float wasmi_f32_nearest(float x)
{
    if (x != x)
        return x + x;
    float a = __builtin_fabsf(x);
    if (!(a < 8388608.0f))
        return x;
    volatile float big = 8388608.0f;
    float r = (a + big) - big;
    return __builtin_copysignf(r, x);
}

static inline double wasmi_f64_nearest(double x)
{
    if (x != x)
        return x + x;
    double a = __builtin_fabs(x);
    if (!(a < 4503599627370496.0))
        return x;
    volatile double big = 4503599627370496.0;
    double r = (a + big) - big;
    return __builtin_copysign(r, x);
}

static inline float wasmi_f32_min(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return wasmi_f32(wasmi_f32_bits(a) | wasmi_f32_bits(b));
    return a < b ? a : b;
}

static inline float wasmi_f32_max(float a, float b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return wasmi_f32(wasmi_f32_bits(a) & wasmi_f32_bits(b));
    return a > b ? a : b;
}

static inline double wasmi_f64_min(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return wasmi_f64(wasmi_f64_bits(a) | wasmi_f64_bits(b));
    return a < b ? a : b;
}

static inline double wasmi_f64_max(double a, double b)
{
    if (a != a || b != b)
        return a + b;
    if (a == b)
        return wasmi_f64(wasmi_f64_bits(a) & wasmi_f64_bits(b));
    return a > b ? a : b;
}

/* Range checks for truncation to integers: true when x truncates to a
 * representable value. NaN fails every check. */
static inline bool wasmi_fits_i32_s(double x) { return x > -2147483649.0 && x < 2147483648.0; }
static inline bool wasmi_fits_i32_u(double x) { return x > -1.0 && x < 4294967296.0; }
static inline bool wasmi_fits_i64_s(double x)
{
    return x >= -9223372036854775808.0 && x < 9223372036854775808.0;
}
static inline bool wasmi_fits_i64_u(double x) { return x > -1.0 && x < 18446744073709551616.0; }

static inline int32_t wasmi_sat_i32_s(double x)
{
    if (x != x) return 0;
    if (x <= -2147483648.0) return INT32_MIN;
    if (x >= 2147483647.0) return INT32_MAX;
    return (int32_t)x;
}

static inline uint32_t wasmi_sat_i32_u(double x)
{
    if (x != x || x <= 0.0) return 0;
    if (x >= 4294967295.0) return UINT32_MAX;
    return (uint32_t)x;
}

static inline int64_t wasmi_sat_i64_s(double x)
{
    if (x != x) return 0;
    if (x < -9223372036854775808.0) return INT64_MIN;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    return (int64_t)x;
}

static inline uint64_t wasmi_sat_i64_u(double x)
{
    if (x != x || x <= -1.0) return 0;
    if (x >= 18446744073709551616.0) return UINT64_MAX;
    if (x < 0.0) return 0;
    return (uint64_t)x;
}

/* The NaN of a float lane op b, fixed on every host as SSE gives it: a
 * NaN in a propagates (quieted), else one in b, else the hardware's own
 * (an invalid operation). The spec allows any NaN there, but a lane
 * conversion or a reinterpret shows which, and the compiled tier (SSE on
 * x86_64, this code elsewhere) must agree with the interpreter bit for
 * bit; clang orders a vector add's operands as it likes (the differential
 * fuzzer's seed 6001, module 85253). r is a op b; a and b its operands. */
typedef uint32_t wasmi_u32x4 __attribute__((vector_size(16)));
typedef uint64_t wasmi_u64x2 __attribute__((vector_size(16)));
static inline wasmi_u32x4 wasmi_nan_first32(wasmi_u32x4 r, wasmi_u32x4 a, wasmi_u32x4 b)
{
    wasmi_u32x4 ma = (wasmi_u32x4)((a & 0x7FFFFFFFu) > 0x7F800000u);
    wasmi_u32x4 mb = (wasmi_u32x4)((b & 0x7FFFFFFFu) > 0x7F800000u);
    return (ma & (a | 0x00400000u)) | (~ma & ((mb & (b | 0x00400000u)) | (~mb & r)));
}
static inline wasmi_u64x2 wasmi_nan_first64(wasmi_u64x2 r, wasmi_u64x2 a, wasmi_u64x2 b)
{
    wasmi_u64x2 ma = (wasmi_u64x2)((a & 0x7FFFFFFFFFFFFFFFull) > 0x7FF0000000000000ull);
    wasmi_u64x2 mb = (wasmi_u64x2)((b & 0x7FFFFFFFFFFFFFFFull) > 0x7FF0000000000000ull);
    return (ma & (a | 0x0008000000000000ull)) |
           (~ma & ((mb & (b | 0x0008000000000000ull)) | (~mb & r)));
}

#endif
