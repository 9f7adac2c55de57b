/*
 * PC Screen Font (PSF1 and PSF2) console fonts, as Debian's kbd and
 * console-setup ship them (uncompressed): the header, the glyph bitmaps
 * and the Unicode table that says which glyph draws which character.
 * Pure parsing, no host calls, in the C SDK (libathanor.a): the display
 * service (user/services/display: the terminal's text window), the system
 * monitor (user/apps/monitor) and the
 * host tools and tests (tools/dispcheck.c, tests/unit/test_psf.c,
 * tests/fuzz/fuzz_psf.c) use the same code.
 *
 * Every size in the file is checked against the bytes there are before
 * use; a bad file gives a negative PSF_E*, never a read out of bounds.
 */
#ifndef PSF_H
#define PSF_H

#include <stdint.h>

enum { PSF_EMAGIC = -1, PSF_ESHORT = -2, PSF_EHEADER = -3 };

#define PSF_MAX_W 32
#define PSF_MAX_H 64
#define PSF_MAP 256             /* characters mapped: Latin-1 */

typedef struct psf {
    const uint8_t *glyphs;      /* nglyphs bitmaps of charsize bytes */
    uint32_t nglyphs, width, height, charsize, stride;  /* stride: bytes a row */
    uint16_t map[PSF_MAP];      /* character -> glyph, 0xffff: none */
} psf_t;

/* Parses the font in data (len bytes, which must outlive f). 0 or PSF_E*. */
int psf_parse(psf_t *f, const uint8_t *data, uint32_t len);
/* The bitmap of character ch (its glyph, else '?''s, else glyph 0): height
 * rows of stride bytes, the leftmost pixel the top bit of each row's first
 * byte. */
const uint8_t *psf_glyph(const psf_t *f, uint32_t ch);
/* Whether pixel (x, y) of glyph g is set. */
int psf_pixel(const psf_t *f, const uint8_t *g, uint32_t x, uint32_t y);
/* Draws character ch, fg on bg, with its top left at (x, y) of an image of
 * 32-bit pixels, stride pixels a row (the caller keeps it inside). */
void psf_draw(const psf_t *f, uint32_t *pix, uint32_t stride, uint32_t x, uint32_t y, uint32_t ch,
              uint32_t fg, uint32_t bg);

#endif
