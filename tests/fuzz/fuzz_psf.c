/*
 * libFuzzer target: the PSF font parser (sdk/lib/psf.c) on mutated
 * fonts: parse, then read every pixel of the glyph of every character
 * (ASan checks each read stays inside the input).
 */
#include <stddef.h>
#include <stdint.h>

#include <psf.h>

static volatile unsigned sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    psf_t f;
    if (size > (1u << 20) || psf_parse(&f, data, (uint32_t)size) != 0)
        return 0;
    unsigned on = 0;
    for (uint32_t c = 0; c < PSF_MAP; c++) {
        const uint8_t *g = psf_glyph(&f, c);
        for (uint32_t y = 0; y < f.height; y++)
            for (uint32_t x = 0; x < f.width; x++)
                on += (unsigned)psf_pixel(&f, g, x, y);
    }
    sink = on;                  /* every read used */
    return 0;
}
