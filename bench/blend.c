/* blend: an image filter over 8-bit RGBA pixels: alpha-blend two images,
 * a 1-2-1 horizontal blur, then a brightness clamp, repeated. Byte lanes
 * widened to 16 bits: the kind of loop clang vectorises with -msimd128
 * (make bench also runs it built that way, against this scalar build). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define W 1024
#define H 512
#define N (W * H * 4)
#define PASSES 40

static void blend(uint8_t *restrict out, const uint8_t *restrict a, const uint8_t *restrict b,
                  uint8_t alpha)
{
    uint16_t x = alpha, y = (uint16_t)(256 - alpha);
    for (int i = 0; i < N; i++)
        out[i] = (uint8_t)((a[i] * x + b[i] * y) >> 8);
}

static void blur(uint8_t *restrict out, const uint8_t *restrict in)
{
    for (int r = 0; r < H; r++) {
        const uint8_t *p = in + r * W * 4;
        uint8_t *q = out + r * W * 4;
        for (int i = 0; i < 4; i++) {
            q[i] = p[i];
            q[W * 4 - 4 + i] = p[W * 4 - 4 + i];
        }
        for (int i = 4; i < W * 4 - 4; i++)
            q[i] = (uint8_t)((p[i - 4] + 2 * p[i] + p[i + 4] + 2) >> 2);
    }
}

static void brighten(uint8_t *restrict p, uint8_t add)
{
    for (int i = 0; i < N; i++) {
        unsigned v = p[i] + add;
        p[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

int main(void)
{
    uint8_t *a = malloc(N), *b = malloc(N), *t = malloc(N), *u = malloc(N);
    if (!a || !b || !t || !u)
        return 1;
    uint32_t x = 2463534242u;
    for (int i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        a[i] = (uint8_t)x;
        b[i] = (uint8_t)(x >> 8);
    }
    uint32_t sum = 0;
    for (int p = 0; p < PASSES; p++) {
        blend(t, a, b, (uint8_t)(p * 7 + 13));
        blur(u, t);
        brighten(u, (uint8_t)(p & 31));
        for (int i = 0; i < N; i += 61)
            sum = sum * 31 + u[i];
        uint8_t *s = a; a = u; u = s;   /* feed the result back */
    }
    printf("blend %08x\n", (unsigned)sum);
    return 0;
}
