/*
 * The display service (docs/display.md): a compositor of windows in
 * z-order. Each surface is a window of the screen, served on an endpoint
 * of its own (surf.term: handler s0, surf.app: s1, surf.win: s3; surf.full:
 * s2, the whole screen drawn over the windows, for the bench), so holding
 * the endpoint is what lets a domain draw there and nowhere else. The
 * application owns the surface's pixels: a buffer of its own, in its own
 * linear memory, lent read-only to us for each present.
 *
 * The windows: surf.term and surf.app are the two tiles (the left three
 * quarters, the rest), with a 4-pixel bar between them whose half beside
 * the focused tile is blue; surf.win floats over both (320x240 at 1024x768,
 * a 2-pixel frame, blue when focused), shown from its first present. The
 * stacking order starts term, app, win (bottom to top); the focused window
 * is raised to the top. We keep a copy of each pixel window's pixels (its
 * backing store) so that a window raised, or one that uncovers another,
 * is redrawn without asking its owner. surf.term is a text window: its
 * owner (the terminal) lends a font once and then character cells, and we
 * draw them; we keep the font and the cells, no pixels.
 *
 * surf.* interface (a call; a0 the op):
 *
 *   0 info                          -> width | height << 16 of the surface
 *   1 present (x | y << 16, w | h << 16, lent surface)
 *                                   -> 0 (also when the frame was dropped
 *                                      because the GPU driver is down)
 *   2 stats                         -> frames shown | dropped << 32
 *
 * The surface is width x height words 0x00RRGGBB, rows width words apart,
 * in exactly the pages that takes; present copies rectangle (x, y, w, h)
 * of it into the window's backing store, composes that part of the screen
 * from the windows in stacking order and asks the GPU driver (gpu.fb) to
 * show it. Errors: ATH_EINVAL (bad op or rectangle), ATH_ERIGHTS (not a
 * readable buffer of exactly the surface's pages, or not lent),
 * ATH_ESTOPPED (no screen).
 *
 * surf.term (the text window) takes no present (op 1: ATH_EINVAL) but:
 *
 *   3 font (len, 0, lent font)      -> cols | rows << 16, the grid that
 *                                      fits the window; the text blank,
 *                                      the cursor home. len bytes (1..64
 *                                      KiB) of a PSF font, in a buffer of
 *                                      exactly the pages they take
 *   4 text (first | n << 16, cursor, lent cells)
 *                                   -> 0: n characters from the start of
 *                                      the buffer (exactly TEXT_PAGES) into
 *                                      cells first .. first + n - 1 (row *
 *                                      cols + col), the cursor to cell
 *                                      cursor; that part of the window is
 *                                      drawn again
 *
 * Errors: ATH_EINVAL (a bad length or font, cells or cursor off the grid),
 * ATH_ERIGHTS (not a readable buffer of exactly those pages), ATH_ENOENT
 * (op 4 before any font: a restarted service, whose owner sends it again).
 *
 * focus.ctl (held by the input service only; the one thing input may ask
 * of the display, and it carries no pixels):
 *
 *   0 info                          -> screen width | height << 16
 *   1 click (x | y << 16)           the window under screen pixel (x, y),
 *                                   if any, takes the focus and is raised
 *   2 next                          the next shown window takes the focus
 *                                   and is raised (the key chord)
 *   3 focus                         nothing changes
 *
 * ops 1..3 answer with the focused window: index (0 term, 1 app, 2 win) |
 * x << 4 | y << 16 | w << 28 | h << 40, its content on the screen (12 bits
 * each). Errors: ATH_EINVAL (op, a point off the screen), ATH_ESTOPPED.
 *
 * privacy.dot (held by the sensor broker only; docs/privacy.md): the
 * privacy indicator, a dot per sensor with a live lease in the top
 * right-hand corner, drawn over every window and surf.full:
 *
 *   dot(mask: 1 gps, 2 microphone, 4 camera) -> 0; ATH_EINVAL, ATH_ESTOPPED
 *
 * disp.files (the shell, with derive; the WASI programs it runs with
 * --display): the tile and the floating window as write-only files
 * taking PPM pictures, files.c.
 *
 * The screen is the device's: we keep no frame. Each damage is composed a
 * band of rows at a time into a buffer of ours, lent read-only to the
 * driver for that band (gpu.fb op 4). When the driver faults, is killed
 * or restarted, present still succeeds (a dropped frame); once the driver
 * answers again (it says so: the device was set up again), the whole
 * screen is composed and sent again: it comes back exactly as it was.
 */
#include "display.h"
#include <psf.h>

#define BUFFER_TYPE 3
#define SCR_MAX_W 1024
#define SCR_MAX_H 768
#define FULL 3
#define SEP 4                   /* the bar between the tiles */
#define BORDER 2                /* the floating window's frame */
#define WIN_W 320
#define WIN_H 240
#define FOCUSED 0x3070c0u
#define IDLE 0x404040u
#define TEXT_FG 0xd0d0d0u       /* the text window's colours */
#define TEXT_BG 0x000000u

/* No frame: the device's resource is the screen. Each damage is composed
 * a band of rows at a time into this buffer (screen row band_y at its
 * start, rows sw words apart) and its pages are lent to the driver for
 * the band's transfer (gpu.fb op 4, zero copy). */
#define BAND_PAGES 64
static uint32_t band[BAND_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
static uint32_t band_y, band_rows;
/* The backing stores of the pixel windows: the right-hand tile (at most a
 * quarter of the width and the rounding) and the floating window. The
 * terminal's tile is a text window: its cells, no pixels. */
static uint32_t store[(SCR_MAX_W / 4 + 8) * SCR_MAX_H + WIN_W * WIN_H];
static ath_handle_t band_buf = -1, gpu = -1;
uint32_t sw, sh;
static uint32_t split;  /* the screen; the bar is [split - SEP, split) */
window_t win[NWIN];
static int z[NWIN] = {0, 1, 2}; /* stacking order, bottom first */
static int focus;
bool up;
static bool redraw_all;
static uint32_t shown, dropped;
/* surf.full's present: its lent surface, mapped for the call, drawn over
 * the windows in full_r (it is no window: nothing of it is kept). */
static const uint32_t *full_src;
static rect_t full_r;

/* The text window (surf.term, ops 3 and 4): a font the terminal lends
 * (PSF, parsed by the SDK's psf.c, every size checked against the bytes),
 * a grid of cols x rows character cells and the cursor's cell; drawn from
 * them wherever it is composed. */
#define FONT_MAX (64 * 1024)
#define COLS_MAX 256
#define ROWS_MAX 128
#define TEXT_PAGES (COLS_MAX * ROWS_MAX / ATH_PAGE)
static uint8_t font_bytes[FONT_MAX], font_new[FONT_MAX];
static psf_t font;
static bool has_font;
static uint8_t cells[COLS_MAX * ROWS_MAX];
static uint32_t cols, rows, cursor;

/* The privacy indicator: right to left, gps (blue), microphone (orange),
 * camera (green), DOT pixels square, DOT_GAP from the edges and apart. */
#define DOT 12
#define DOT_GAP 4
static uint32_t dots;
static const uint32_t dot_colour[3] = {0x3090ffu, 0xff9000u, 0x00c000u};
static void draw_dots(rect_t r);

/* Screen pixel (x, y) in the band. */
static inline uint32_t *px(uint32_t x, uint32_t y)
{
    return &band[(y - band_y) * sw + x];
}

/* The intersection of a and b (w or h 0: empty). */
static rect_t clip(rect_t a, rect_t b)
{
    uint32_t x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    uint32_t x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    uint32_t y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    if (x1 <= x0 || y1 <= y0)
        return (rect_t){0, 0, 0, 0};
    return (rect_t){x0, y0, x1 - x0, y1 - y0};
}

static bool same(rect_t a, rect_t b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

static void fill(rect_t r, uint32_t c)
{
    for (uint32_t j = r.y; j < r.y + r.h; j++) {
        uint32_t *p = px(r.x, j);
        for (uint32_t i = 0; i < r.w; i++)
            p[i] = c;
    }
}

static rect_t content(const window_t *w)
{
    return (rect_t){w->x, w->y, w->w, w->h};
}

/* A window with its frame. */
rect_t outer(const window_t *w)
{
    if (!w->floating)
        return content(w);
    return (rect_t){w->x - BORDER, w->y - BORDER, w->w + 2 * BORDER, w->h + 2 * BORDER};
}

/* Draws the part r (screen coordinates) of the text window w from its
 * cells: each pixel row of r crosses one row of cells, each cell a row of
 * its glyph; the cursor is the bottom two rows of its cell. */
static void draw_text(const window_t *w, rect_t r)
{
    r = clip(r, content(w));
    for (uint32_t j = r.y; j < r.y + r.h; j++) {
        uint32_t *p = px(r.x, j), ly = j - w->y;
        uint32_t cr = has_font ? ly / font.height : 0, gy = has_font ? ly % font.height : 0;
        if (!has_font || cr >= rows) {
            for (uint32_t i = 0; i < r.w; i++)
                p[i] = TEXT_BG;
            continue;
        }
        bool bar = cursor / cols == cr && gy + 2 >= font.height;
        for (uint32_t x = r.x; x < r.x + r.w;) {
            uint32_t lx = x - w->x, cc = lx / font.width, gx = lx % font.width;
            uint32_t n = font.width - gx < r.x + r.w - x ? font.width - gx : r.x + r.w - x;
            if (cc >= cols) {
                for (uint32_t i = 0; i < r.x + r.w - x; i++)
                    p[x - r.x + i] = TEXT_BG;
                break;
            }
            if (bar && cc == cursor % cols) {
                for (uint32_t i = 0; i < n; i++)
                    p[x - r.x + i] = TEXT_FG;
            } else {
                const uint8_t *g = psf_glyph(&font, cells[cr * cols + cc]);
                for (uint32_t i = 0; i < n; i++)
                    p[x - r.x + i] = psf_pixel(&font, g, gx + i, gy) ? TEXT_FG : TEXT_BG;
            }
            x += n;
        }
    }
}

/* Draws the part r (screen coordinates) of window w: its backing store,
 * or its cells for the text window. */
static void blit(const window_t *w, rect_t r)
{
    if (w->text) {
        draw_text(w, r);
        return;
    }
    r = clip(r, content(w));
    for (uint32_t j = r.y; j < r.y + r.h; j++)
        __builtin_memcpy(px(r.x, j), &w->pix[(j - w->y) * w->w + r.x - w->x], r.w * 4);
}

/* Composes rectangle r of the screen (inside the band): the desk and the
 * bar, then each shown window from the bottom up, with its frame, then
 * surf.full's surface during its present, then the indicator. When one
 * window covers r and nothing above it touches r, only its pixels are
 * drawn. */
static void compose_band(rect_t r)
{
    if (full_src && same(clip(r, full_r), r))
        goto full;
    for (int i = NWIN - 1; i >= 0; i--) {
        const window_t *w = &win[z[i]];
        rect_t o = clip(r, outer(w));
        if (!w->shown || o.w == 0)
            continue;
        if (same(clip(r, content(w)), r)) {
            blit(w, r);
            goto full;
        }
        break;                  /* the top window touching r does not cover it */
    }
    fill(r, DESK);
    fill(clip(r, (rect_t){split - SEP, 0, SEP / 2, sh}), focus == 0 ? FOCUSED : IDLE);
    fill(clip(r, (rect_t){split - SEP / 2, 0, SEP / 2, sh}), focus == 1 ? FOCUSED : IDLE);
    for (int i = 0; i < NWIN; i++) {
        const window_t *w = &win[z[i]];
        if (!w->shown)
            continue;
        if (w->floating)
            fill(clip(r, outer(w)), z[i] == focus ? FOCUSED : IDLE);
        blit(w, r);
    }
full:
    if (full_src) {
        rect_t f = clip(r, full_r);
        for (uint32_t j = f.y; j < f.y + f.h; j++)
            __builtin_memcpy(px(f.x, j), &full_src[j * sw + f.x], f.w * 4);
    }
    draw_dots(r);
}

static rect_t dot_rect(int k)
{
    return (rect_t){sw - (DOT + DOT_GAP) * (uint32_t)(k + 1), DOT_GAP, DOT, DOT};
}

/* The indicator's dots over rectangle r of the band. */
static void draw_dots(rect_t r)
{
    for (int k = 0; k < 3; k++)
        if (dots & 1u << k)
            fill(clip(r, dot_rect(k)), dot_colour[k]);
}

/* The tiles: surf.term on the left, three quarters of the width; surf.app
 * on the right; the bar between them. surf.win in the middle, over both. */
static void layout(void)
{
    split = (sw * 3 / 4) & ~7u;
    uint32_t ww = WIN_W < sw / 2 ? WIN_W : sw / 2, wh = WIN_H < sh / 2 ? WIN_H : sh / 2;
    win[0] = (window_t){0, 0, split - SEP, sh, 0, false, true, true};
    win[1] = (window_t){split, 0, sw - split, sh, store, false, true, false};
    win[2] = (window_t){(split - ww / 2) & ~7u, (sh - wh) / 2, ww, wh, store + (sw - split) * sh,
                        true, false, false};
}

static void find_gpu(void)
{
    if (gpu >= 0)
        ath_cap_drop(gpu);
    gpu = ath_cap_find("gpu.fb");
}

/* Composes rectangle r of the screen and asks the driver to show it, a
 * band at a time (the whole screen instead when the driver lost it). A
 * failed band is a dropped frame, and the next one redraws everything. */
void redraw(rect_t r)
{
    int64_t res = -1;
    for (int tries = 0; tries < 3; tries++) {
        if (redraw_all)
            r = (rect_t){0, 0, sw, sh};
        int32_t e = 0;
        for (uint32_t y = r.y; y < r.y + r.h && e == 0; y += band_rows) {
            rect_t b = {r.x, y, r.w, r.y + r.h - y < band_rows ? r.y + r.h - y : band_rows};
            band_y = y;
            compose_band(b);
            e = ath_call_lend(gpu, band_buf, ATH_R_READ, 4, b.x | (int64_t)b.y << 16,
                              b.w | (int64_t)b.h << 16, &res);
            if (e == 0 && res < 0)
                e = (int32_t)res;
            if (e == 0 && res == 1 && !redraw_all)
                e = 1;          /* the device was set up again: everything */
        }
        if (e == ATH_ESTALE || e == ATH_EREVOKED) {
            find_gpu();         /* re-issued by a restart: find it again */
            continue;
        }
        if (e == 1) {
            redraw_all = true;
            continue;
        }
        if (e < 0)
            break;
        redraw_all = false;
        shown++;
        return;
    }
    redraw_all = true;
    dropped++;
}

int32_t start(void)
{
    find_gpu();
    int64_t r;
    int32_t e = ath_call(gpu, 0, 0, 0, 0, &r);
    if (e < 0 || r < 0)
        return ATH_ESTOPPED;
    sw = (uint32_t)r & 0xffff, sh = (uint32_t)(r >> 16) & 0xffff;
    if (sw < 64 || sh < 64 || sw > SCR_MAX_W || sh > SCR_MAX_H)
        return ATH_ESTOPPED;
    if (band_buf < 0) {
        if ((band_buf = ath_buf_new(BAND_PAGES)) < 0)
            return band_buf;
        if ((e = ath_buf_map(band_buf, (uint32_t)(uintptr_t)band)) < 0)
            return e;
    }
    band_rows = BAND_PAGES * ATH_PAGE / 4 / sw;
    layout();
    up = redraw_all = true;
    return 0;
}

/* Maps the buffer lent as buf, which must be readable and exactly pages
 * long: its address, or ATH_ERIGHTS. */
static int32_t map_lent(ath_handle_t buf, uint32_t pages)
{
    if (buf == band_buf)
        return ATH_ERIGHTS;
    int64_t info = ath_cap_info(buf);
    if (info < 0 || (info >> 32) != BUFFER_TYPE || !((uint32_t)info & ATH_R_READ))
        return ATH_ERIGHTS;
    uint32_t got;
    int32_t at = ath_lend_map(buf, pages, &got);
    if (at >= 0 && got != pages)
        ath_buf_unmap(buf);         /* smaller than asked */
    if (at < 0 || got != pages)
        return ATH_ERIGHTS;
    return at;
}

/* The text window's cells (ci, n cells from cell ci) as a rectangle of
 * the screen: the cells' rows, the whole width unless they are in one. */
static rect_t cells_rect(uint32_t ci, uint32_t n)
{
    const window_t *w = &win[0];
    uint32_t r0 = ci / cols, r1 = (ci + n - 1) / cols;
    uint32_t c0 = r0 == r1 ? ci % cols : 0, c1 = r0 == r1 ? (ci + n - 1) % cols + 1 : cols;
    return (rect_t){w->x + c0 * font.width, w->y + r0 * font.height, (c1 - c0) * font.width,
                    (r1 - r0 + 1) * font.height};
}

static rect_t join(rect_t a, rect_t b)
{
    if (a.w == 0)
        return b;
    uint32_t x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    uint32_t x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
    uint32_t y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    return (rect_t){x0, y0, x1 - x0, y1 - y0};
}

/* surf.term op 3: the font, len bytes of the buffer lent (exactly the
 * pages they take). The text starts again: all blank, the cursor home. */
static int64_t set_font(int64_t len, ath_handle_t lent)
{
    if (len <= 0 || len > FONT_MAX)
        return ATH_EINVAL;
    int32_t at = map_lent(lent, (uint32_t)(len + ATH_PAGE - 1) / ATH_PAGE);
    if (at < 0)
        return at;
    __builtin_memcpy(font_new, (const void *)(uintptr_t)at, (uint32_t)len);
    ath_buf_unmap(lent);
    psf_t f;
    const window_t *w = &win[0];
    if (psf_parse(&f, font_new, (uint32_t)len) < 0 || f.width > w->w || f.height > w->h)
        return ATH_EINVAL;      /* the font in use stays */
    __builtin_memcpy(font_bytes, font_new, (uint32_t)len);
    psf_parse(&font, font_bytes, (uint32_t)len);
    cols = w->w / font.width, rows = w->h / font.height;
    cols = cols > COLS_MAX ? COLS_MAX : cols;
    rows = rows > ROWS_MAX ? ROWS_MAX : rows;
    __builtin_memset(cells, ' ', sizeof cells);
    cursor = 0;
    has_font = true;
    redraw(content(w));
    return cols | (int64_t)rows << 16;
}

/* surf.term op 4: n characters of the buffer lent (exactly TEXT_PAGES)
 * into the cells from cell ci on (row by row), the cursor to cell cur. */
static int64_t set_text(int64_t a1, int64_t cur, ath_handle_t lent)
{
    if (!has_font)
        return ATH_ENOENT;      /* the font first */
    uint32_t total = cols * rows;
    if (a1 < 0 || a1 >> 32 || cur < 0 || cur >= total)
        return ATH_EINVAL;
    uint32_t ci = (uint32_t)a1 & 0xffff, n = (uint32_t)a1 >> 16;
    if (ci > total || n > total - ci)
        return ATH_EINVAL;
    int32_t at = map_lent(lent, TEXT_PAGES);
    if (at < 0)
        return at;
    __builtin_memcpy(&cells[ci], (const void *)(uintptr_t)at, n);
    ath_buf_unmap(lent);
    rect_t r = n ? cells_rect(ci, n) : (rect_t){0, 0, 0, 0};
    if (cur != cursor) {
        r = join(r, cells_rect(cursor, 1));
        r = join(r, cells_rect((uint32_t)cur, 1));
        cursor = (uint32_t)cur;
    }
    if (r.w)
        redraw(r);
    return 0;
}

/* Copies rectangle (x, y, w, h) of the surface lent as buf, of sw_ x sh_
 * words, into window wn's backing store. */
static int32_t take(ath_handle_t buf, uint32_t sw_, uint32_t sh_, uint32_t x, uint32_t y,
                    uint32_t w, uint32_t h, window_t *wn)
{
    int32_t at = map_lent(buf, (sw_ * sh_ * 4 + ATH_PAGE - 1) / ATH_PAGE);
    if (at < 0)
        return at;
    const uint32_t *src = (const uint32_t *)(uintptr_t)at;
    for (uint32_t j = 0; j < h; j++)
        __builtin_memcpy(&wn->pix[(y + j) * wn->w + x], &src[(y + j) * sw_ + x], w * 4);
    ath_buf_unmap(buf);
    return 0;
}

static int64_t serve(int n, int64_t op, int64_t xy, int64_t wh, int64_t lent)
{
    if (!up && start() < 0)
        return ATH_ESTOPPED;
    rect_t s = n == FULL ? (rect_t){0, 0, sw, sh} : content(&win[n]);
    if (op == 0)
        return s.w | (int64_t)s.h << 16;
    if (op == 2)
        return shown | (int64_t)dropped << 32;
    if (n == 0)                 /* the text window takes text, not pixels */
        return op == 3 ? set_font(xy, (ath_handle_t)lent)
             : op == 4 ? set_text(xy, wh, (ath_handle_t)lent) : ATH_EINVAL;
    if (op != 1 || xy < 0 || wh < 0 || xy >> 32 || wh >> 32)
        return ATH_EINVAL;
    uint32_t x = (uint32_t)xy & 0xffff, y = (uint32_t)xy >> 16;
    uint32_t w = (uint32_t)wh & 0xffff, h = (uint32_t)wh >> 16;
    if (w == 0 || h == 0 || x >= s.w || y >= s.h || w > s.w - x || h > s.h - y)
        return ATH_EINVAL;
    rect_t r = {s.x + x, s.y + y, w, h};
    int32_t e;
    if (n == FULL) {            /* straight to the screen, over everything */
        int32_t at = map_lent((ath_handle_t)lent, (sw * sh * 4 + ATH_PAGE - 1) / ATH_PAGE);
        if (at < 0)
            return at;
        full_src = (const uint32_t *)(uintptr_t)at, full_r = r;
        redraw(r);
        full_src = 0;
        ath_buf_unmap((ath_handle_t)lent);
        return 0;
    }
    window_t *wn = &win[n];
    if ((e = take((ath_handle_t)lent, s.w, s.h, x, y, w, h, wn)) < 0)
        return e;
    if (!wn->shown) {           /* a floating window appears, frame and all */
        wn->shown = true;
        r = outer(wn);
    }
    redraw(r);
    return 0;
}
ATH_EXPORT("s0") int64_t s0(int64_t op, int64_t xy, int64_t wh, int64_t lent)
{
    return serve(0, op, xy, wh, lent);
}

ATH_EXPORT("s1") int64_t s1(int64_t op, int64_t xy, int64_t wh, int64_t lent)
{
    return serve(1, op, xy, wh, lent);
}

ATH_EXPORT("s2") int64_t s2(int64_t op, int64_t xy, int64_t wh, int64_t lent)
{
    return serve(FULL, op, xy, wh, lent);
}

ATH_EXPORT("s3") int64_t s3(int64_t op, int64_t xy, int64_t wh, int64_t lent)
{
    return serve(2, op, xy, wh, lent);
}

/* Window k takes the focus and goes to the top; the screen is composed
 * and shown again (frames, the bar, what k covered). */
static void raise(int k)
{
    int i = 0;
    while (z[i] != k)
        i++;
    for (; i < NWIN - 1; i++)
        z[i] = z[i + 1];
    z[NWIN - 1] = k;
    focus = k;
    redraw((rect_t){0, 0, sw, sh});
}

static int64_t describe(void)
{
    const window_t *w = &win[focus];
    return focus | (int64_t)w->x << 4 | (int64_t)w->y << 16 | (int64_t)w->w << 28 |
           (int64_t)w->h << 40;
}

ATH_EXPORT("focus") int64_t focus_ctl(int64_t op, int64_t xy, int64_t a2, int64_t a3)
{
    (void)a2, (void)a3;
    if (op < 0 || op > 3)
        return ATH_EINVAL;
    if (!up && start() < 0)
        return ATH_ESTOPPED;
    if (op == 0)
        return sw | (int64_t)sh << 16;
    if (op == 1) {
        uint32_t x = (uint32_t)xy & 0xffff, y = (uint32_t)(xy >> 16) & 0xffff;
        if (xy < 0 || xy >> 32 || x >= sw || y >= sh)
            return ATH_EINVAL;
        for (int i = NWIN - 1; i >= 0; i--) {    /* the topmost window there */
            rect_t o = outer(&win[z[i]]);
            if (win[z[i]].shown && x >= o.x && x < o.x + o.w && y >= o.y && y < o.y + o.h) {
                if (z[i] != focus || i != NWIN - 1)
                    raise(z[i]);
                break;
            }
        }
    } else if (op == 2) {
        int k = focus;
        do
            k = (k + 1) % NWIN;
        while (!win[k].shown);
        if (k != focus)
            raise(k);
    }
    return describe();
}

/* privacy.dot (above): which sensors have a live lease. */
ATH_EXPORT("dot") int64_t dot(int64_t mask, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a1, (void)a2, (void)a3;
    if (mask < 0 || mask > 7)
        return ATH_EINVAL;
    if (!up && start() < 0)
        return ATH_ESTOPPED;
    dots = (uint32_t)mask;
    rect_t r = {sw - (DOT + DOT_GAP) * 3, DOT_GAP, (DOT + DOT_GAP) * 3, DOT};
    redraw(r);
    return 0;
}
