/*
 * The PSF font parser (sdk/lib/psf.c): the terminal's font from
 * Debian (console-setup-linux's Lat15-Terminus16, PSF1 with a Unicode
 * table) when it is installed, small PSF1 and PSF2 fonts built here (with
 * and without tables, UTF-8 sequences), then bad fonts: every truncation
 * and every header byte changed must give an error or a font whose
 * glyphs lie inside the bytes (ASan checks each read), never a crash.
 */
#include "unit.h"

#include <psf.h>
#include <stdlib.h>

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* Reads every pixel of every mapped glyph: ASan catches a read outside. */
static unsigned touch(const psf_t *f)
{
    unsigned on = 0;
    for (uint32_t c = 0; c < PSF_MAP; c++) {
        const uint8_t *g = psf_glyph(f, c);
        for (uint32_t y = 0; y < f->height; y++)
            for (uint32_t x = 0; x < f->width; x++)
                on += (unsigned)psf_pixel(f, g, x, y);
    }
    return on;
}

TEST(psf_debian_terminus)
{
    FILE *p = popen("zcat /usr/share/consolefonts/Lat15-Terminus16.psf.gz 2>/dev/null", "r");
    static uint8_t buf[1 << 16];
    size_t n = p ? fread(buf, 1, sizeof buf, p) : 0;
    if (p)
        pclose(p);
    if (n == 0) {
        printf("    (skipped: console-setup-linux not installed)\n");
        return;
    }
    psf_t f;
    CHECK_EQ(psf_parse(&f, buf, (uint32_t)n), 0);
    CHECK_EQ(f.width, 8);
    CHECK_EQ(f.height, 16);
    CHECK_EQ(f.nglyphs, 256);
    /* Every printable ASCII character has a glyph of its own. */
    for (uint32_t c = 0x20; c < 0x7f; c++)
        CHECK(f.map[c] != 0xffff);
    CHECK(f.map['A'] != f.map['B']);
    /* A space is empty, an 'H' is not. */
    const uint8_t *sp = psf_glyph(&f, ' '), *h = psf_glyph(&f, 'H');
    unsigned on_sp = 0, on_h = 0;
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 8; x++)
            on_sp += (unsigned)psf_pixel(&f, sp, x, y), on_h += (unsigned)psf_pixel(&f, h, x, y);
    CHECK_EQ(on_sp, 0);
    CHECK(on_h > 10);
    CHECK(touch(&f) > 0);
}

/* PSF1, 256 glyphs of 8x4; glyph i's rows are all i; table: glyph 1
 * draws 'A' and 'a', glyph 2 a sequence only, glyph 3 'B'. */
static size_t make_psf1(uint8_t *b, int table)
{
    size_t n = 0;
    b[n++] = 0x36, b[n++] = 0x04, b[n++] = table ? 2 : 0, b[n++] = 4;
    for (int g = 0; g < 256; g++)
        for (int r = 0; r < 4; r++)
            b[n++] = (uint8_t)g;
    if (table) {
        uint16_t t[] = {0xffff, 'A', 'a', 0xffff, 0xfffe, 'C', 'D', 0xffff, 'B', 0xffff};
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
            b[n++] = (uint8_t)t[i], b[n++] = (uint8_t)(t[i] >> 8);
        for (int g = 4; g < 256; g++)
            b[n++] = 0xff, b[n++] = 0xff;
    }
    return n;
}

TEST(psf1_with_and_without_table)
{
    static uint8_t b[8192];
    psf_t f;
    size_t n = make_psf1(b, 0);
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), 0);
    CHECK_EQ(f.map['A'], 'A');
    CHECK_EQ(psf_glyph(&f, 'A')[0], 'A');
    n = make_psf1(b, 1);
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), 0);
    CHECK_EQ(f.map['A'], 1);
    CHECK_EQ(f.map['a'], 1);
    CHECK_EQ(f.map['B'], 3);
    CHECK_EQ(f.map['C'], 0xffff);           /* only in a sequence */
    CHECK_EQ(psf_glyph(&f, 'B')[0], 3);
    CHECK_EQ(psf_glyph(&f, 'Z')[0], 0);     /* no glyph, no '?': glyph 0 */
    CHECK_EQ(psf_glyph(&f, 0x1234)[0], 0);
}

/* PSF2, 4 glyphs of 10x3 (2 bytes a row); table in UTF-8: glyph 0 'x',
 * glyph 1 U+00E9 (two bytes), glyph 2 a sequence, glyph 3 '?' and U+20AC. */
static size_t make_psf2(uint8_t *b, uint32_t hsize)
{
    memset(b, 0, hsize);
    le32(b, 0x864ab572), le32(b + 4, 0), le32(b + 8, hsize), le32(b + 12, 1);
    le32(b + 16, 4), le32(b + 20, 6), le32(b + 24, 3), le32(b + 28, 10);
    size_t n = hsize;
    for (int g = 0; g < 4; g++)
        for (int i = 0; i < 6; i++)
            b[n++] = (uint8_t)(0x10 * (g + 1));
    const uint8_t t[] = {'x', 0xff, 0xc3, 0xa9, 0xff, 0xfe, 'a', 'b', 0xff, '?', 0xe2, 0x82, 0xac, 0xff};
    memcpy(b + n, t, sizeof t);
    return n + sizeof t;
}

TEST(psf2_utf8_table)
{
    static uint8_t b[4096];
    psf_t f;
    size_t n = make_psf2(b, 32);
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), 0);
    CHECK_EQ(f.width, 10);
    CHECK_EQ(f.stride, 2);
    CHECK_EQ(f.map['x'], 0);
    CHECK_EQ(f.map[0xe9], 1);
    CHECK_EQ(f.map['a'], 0xffff);
    CHECK_EQ(f.map['?'], 3);
    CHECK_EQ(psf_glyph(&f, 'q')[0], 0x40);  /* unmapped: the '?' glyph */
    n = make_psf2(b, 48);                   /* a larger header is skipped */
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), 0);
    CHECK_EQ(psf_glyph(&f, 0xe9)[0], 0x20);
    touch(&f);
}

/* Every prefix, and every header byte set to each of a few values. */
static void mangle(const uint8_t *good, size_t n, size_t hdr)
{
    uint8_t *b = malloc(n);
    psf_t f;
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *c = malloc(cut ? cut : 1);     /* exactly cut bytes: ASan sees past them */
        memcpy(c, good, cut);
        if (psf_parse(&f, c, (uint32_t)cut) == 0)
            touch(&f);
        free(c);
    }
    static const uint8_t vals[] = {0, 1, 2, 7, 0x7f, 0x80, 0xfe, 0xff};
    for (size_t i = 0; i < hdr; i++)
        for (size_t v = 0; v < sizeof vals; v++) {
            memcpy(b, good, n);
            b[i] = vals[v];
            if (psf_parse(&f, b, (uint32_t)n) == 0)
                touch(&f);
        }
    free(b);
}

TEST(psf_bad_fonts_never_read_outside)
{
    static uint8_t b[8192];
    psf_t f;
    size_t n = make_psf1(b, 1);
    mangle(b, n, 4);
    n = make_psf2(b, 32);
    mangle(b, n, 32);
    CHECK_EQ(psf_parse(&f, b, 3), PSF_EMAGIC);
    CHECK_EQ(psf_parse(&f, b, 20), PSF_ESHORT);
    le32(b + 20, 7);                        /* charsize != height * stride */
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), PSF_EHEADER);
    make_psf2(b, 32);
    le32(b + 16, 0xffffffffu);              /* a glyph count past the bytes */
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), PSF_EHEADER);
    le32(b + 16, 60000);
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), PSF_ESHORT);
    make_psf2(b, 32);
    le32(b + 8, 0x7fffffff);                /* header size past the end */
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), PSF_ESHORT);
    b[0] = 0x36, b[1] = 0x04, b[2] = 0, b[3] = 0;   /* PSF1 of height 0 */
    CHECK_EQ(psf_parse(&f, b, (uint32_t)n), PSF_EHEADER);
}
