/* mandel: Mandelbrot set escape counts over a grid in single precision
 * (float), with a data-dependent inner loop. f32 arithmetic and branch heavy. */
#include <stdint.h>
#include <stdio.h>

#define W     1600
#define H     1400
#define ITERS 200

static int escape(float cr, float ci)
{
    float zr = 0.0f, zi = 0.0f;
    int n = 0;
    while (n < ITERS && zr * zr + zi * zi <= 4.0f) {
        float t = zr * zr - zi * zi + cr;
        zi = 2.0f * zr * zi + ci;
        zr = t;
        n++;
    }
    return n;
}

int main(void)
{
    uint64_t sum = 0;
    uint32_t h = 0;
    for (int y = 0; y < H; y++) {
        float ci = -1.2f + 2.4f * (float)y / H;
        for (int x = 0; x < W; x++) {
            int n = escape(-2.1f + 3.0f * (float)x / W, ci);
            sum += (uint64_t)n;
            h = (h ^ (uint32_t)n) * 16777619u;
        }
    }
    printf("mandel %llu %08x\n", (unsigned long long)sum, (unsigned)h);
    return 0;
}
