/* PSF1 / PSF2 console fonts (psf.h). */
#include <psf.h>

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void map_set(psf_t *f, uint32_t ch, uint32_t glyph)
{
    if (ch < PSF_MAP && f->map[ch] == 0xffff)
        f->map[ch] = (uint16_t)glyph;
}

/* PSF1's table: per glyph, 16-bit characters up to 0xffff; after 0xfffe
 * come sequences (several characters drawn as one), which we skip. */
static void table1(psf_t *f, const uint8_t *p, uint32_t len)
{
    uint32_t g = 0, i = 0;
    int seq = 0;
    while (g < f->nglyphs && i + 2 <= len) {
        uint32_t u = p[i] | (uint32_t)p[i + 1] << 8;
        i += 2;
        if (u == 0xffff)
            g++, seq = 0;
        else if (u == 0xfffe)
            seq = 1;
        else if (!seq)
            map_set(f, u, g);
    }
}

/* PSF2's table: per glyph, UTF-8 characters up to 0xff; 0xfe starts
 * sequences. Only characters below PSF_MAP are kept. */
static void table2(psf_t *f, const uint8_t *p, uint32_t len)
{
    uint32_t g = 0, i = 0;
    int seq = 0;
    while (g < f->nglyphs && i < len) {
        uint8_t b = p[i];
        if (b == 0xff) {
            g++, seq = 0, i++;
            continue;
        }
        if (b == 0xfe) {
            seq = 1, i++;
            continue;
        }
        uint32_t u, n;
        if (b < 0x80)
            u = b, n = 1;
        else if ((b & 0xe0) == 0xc0)
            u = b & 0x1f, n = 2;
        else if ((b & 0xf0) == 0xe0)
            u = b & 0x0f, n = 3;
        else if ((b & 0xf8) == 0xf0)
            u = b & 0x07, n = 4;
        else {
            i++;                /* a stray continuation byte: skipped */
            continue;
        }
        if (i + n > len)
            break;
        for (uint32_t k = 1; k < n; k++)
            u = u << 6 | (p[i + k] & 0x3f);
        i += n;
        if (!seq)
            map_set(f, u, g);
    }
}

int psf_parse(psf_t *f, const uint8_t *d, uint32_t len)
{
    uint64_t start, end;
    int has_table;
    for (uint32_t i = 0; i < PSF_MAP; i++)
        f->map[i] = 0xffff;
    if (len >= 4 && d[0] == 0x36 && d[1] == 0x04) {
        f->nglyphs = d[2] & 1 ? 512 : 256;
        has_table = (d[2] & 6) != 0;
        f->width = 8, f->stride = 1;
        f->height = f->charsize = d[3];
        start = 4;
    } else if (len >= 4 && le32(d) == 0x864ab572) {
        if (len < 32)
            return PSF_ESHORT;
        uint32_t hsize = le32(d + 8), flags = le32(d + 12);
        f->nglyphs = le32(d + 16), f->charsize = le32(d + 20);
        f->height = le32(d + 24), f->width = le32(d + 28);
        if (hsize < 32 || f->width == 0 || f->width > PSF_MAX_W || f->nglyphs == 0 ||
            f->nglyphs > 65535)
            return PSF_EHEADER;
        f->stride = (f->width + 7) / 8;
        if (f->height == 0 || f->height > PSF_MAX_H || f->charsize != f->height * f->stride)
            return PSF_EHEADER;
        has_table = flags & 1;
        start = hsize;
    } else {
        return PSF_EMAGIC;
    }
    if (f->height == 0 || f->height > PSF_MAX_H)
        return PSF_EHEADER;
    end = start + (uint64_t)f->nglyphs * f->charsize;
    if (end > len)
        return PSF_ESHORT;
    f->glyphs = d + start;
    if (has_table) {
        if (d[0] == 0x36)
            table1(f, d + end, len - (uint32_t)end);
        else
            table2(f, d + end, len - (uint32_t)end);
    } else {
        for (uint32_t c = 0; c < PSF_MAP && c < f->nglyphs; c++)
            f->map[c] = (uint16_t)c;
    }
    return 0;
}

const uint8_t *psf_glyph(const psf_t *f, uint32_t ch)
{
    uint32_t g = ch < PSF_MAP ? f->map[ch] : 0xffff;
    if (g == 0xffff)
        g = f->map['?'];
    if (g == 0xffff || g >= f->nglyphs)
        g = 0;
    return f->glyphs + (uint64_t)g * f->charsize;
}

int psf_pixel(const psf_t *f, const uint8_t *g, uint32_t x, uint32_t y)
{
    return (g[y * f->stride + x / 8] >> (7 - x % 8)) & 1;
}

void psf_draw(const psf_t *f, uint32_t *pix, uint32_t stride, uint32_t x, uint32_t y, uint32_t ch,
              uint32_t fg, uint32_t bg)
{
    const uint8_t *g = psf_glyph(f, ch);
    for (uint32_t j = 0; j < f->height; j++) {
        uint32_t *p = pix + (y + j) * stride + x;
        for (uint32_t i = 0; i < f->width; i++)
            p[i] = psf_pixel(f, g, i, j) ? fg : bg;
    }
}
