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
 * is raised to the top. We keep a copy of each window's pixels (its
 * backing store) so that a window raised, or one that uncovers another,
 * is redrawn without asking its owner.
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
 * The screen is a buffer of ours (the frame), lent read-only to the driver
 * for each flush. When the driver faults, is killed or restarted, present
 * still succeeds (a dropped frame); once the driver answers again (it says
 * so: the device was set up again), the whole frame is flushed: the screen
 * comes back exactly as it was.
 */
#include "display.h"

#define BUFFER_TYPE 3
#define SCR_MAX_W 1024
#define SCR_MAX_H 768
#define FRAME_PAGES (SCR_MAX_W * SCR_MAX_H * 4 / ATH_PAGE)
#define FULL 3
#define SEP 4                   /* the bar between the tiles */
#define BORDER 2                /* the floating window's frame */
#define WIN_W 320
#define WIN_H 240
#define FOCUSED 0x3070c0u
#define IDLE 0x404040u

static uint32_t frame[FRAME_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
/* Small damages go to the driver in a buffer of their own (gpu.fb op 2):
 * it maps 16 pages instead of the whole frame. */
#define STAGE_PAGES 16
static uint32_t stage[STAGE_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
/* The backing stores: the tiles share the screen's width but the bar's,
 * the floating window has its own. */
static uint32_t store[SCR_MAX_W * SCR_MAX_H + WIN_W * WIN_H];
static ath_handle_t frame_buf = -1, stage_buf = -1, gpu = -1;
uint32_t sw, sh;
static uint32_t split;  /* the screen; the bar is [split - SEP, split) */
window_t win[NWIN];
static int z[NWIN] = {0, 1, 2}; /* stacking order, bottom first */
static int focus;
bool up;
static bool redraw_all;
static uint32_t shown, dropped;

/* The privacy indicator: right to left, gps (blue), microphone (orange),
 * camera (green), DOT pixels square, DOT_GAP from the edges and apart. */
#define DOT 12
#define DOT_GAP 4
static uint32_t dots;
static const uint32_t dot_colour[3] = {0x3090ffu, 0xff9000u, 0x00c000u};
static void draw_dots(rect_t r);

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

static void fill(rect_t r, uint32_t c)
{
    for (uint32_t j = r.y; j < r.y + r.h; j++)
        for (uint32_t i = r.x; i < r.x + r.w; i++)
            frame[j * sw + i] = c;
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

/* Copies the part r (screen coordinates) of window w's backing store into
 * the frame. */
static void blit(const window_t *w, rect_t r)
{
    r = clip(r, content(w));
    for (uint32_t j = r.y; j < r.y + r.h; j++)
        __builtin_memcpy(&frame[j * sw + r.x], &w->pix[(j - w->y) * w->w + r.x - w->x], r.w * 4);
}

/* Composes rectangle r of the screen: the desk and the bar, then each
 * shown window from the bottom up, with its frame. When one window covers
 * r and nothing above it touches r, only its pixels are copied. */
void compose(rect_t r)
{
    for (int i = NWIN - 1; i >= 0; i--) {
        const window_t *w = &win[z[i]];
        rect_t o = clip(r, outer(w));
        if (!w->shown || o.w == 0)
            continue;
        rect_t c = clip(r, content(w));
        if (c.x == r.x && c.y == r.y && c.w == r.w && c.h == r.h) {
            blit(w, r);
            draw_dots(r);
            return;
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
    draw_dots(r);
}

static rect_t dot_rect(int k)
{
    return (rect_t){sw - (DOT + DOT_GAP) * (uint32_t)(k + 1), DOT_GAP, DOT, DOT};
}

/* The indicator's dots over rectangle r of the frame. */
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
    win[0] = (window_t){0, 0, split - SEP, sh, store, false, true};
    win[1] = (window_t){split, 0, sw - split, sh, store + (split - SEP) * sh, false, true};
    win[2] = (window_t){(split - ww / 2) & ~7u, (sh - wh) / 2, ww, wh, store + (sw - SEP) * sh, true,
                        false};
    compose((rect_t){0, 0, sw, sh});
}

static void find_gpu(void)
{
    if (gpu >= 0)
        ath_cap_drop(gpu);
    gpu = ath_cap_find("gpu.fb");
}

/* Asks the driver to show rectangle r of the frame; the whole frame
 * instead when the driver lost the screen. A failed flush is a dropped
 * frame, and the next one redraws everything. */
void flush(rect_t r)
{
    int64_t res = -1;
    for (int tries = 0; tries < 2; tries++) {
        if (redraw_all)
            r = (rect_t){0, 0, sw, sh};
        bool small = r.w * r.h * 4 <= sizeof stage;
        if (small)
            for (uint32_t j = 0; j < r.h; j++)
                __builtin_memcpy(&stage[j * r.w], &frame[(r.y + j) * sw + r.x], r.w * 4);
        int32_t e = ath_call_lend(gpu, small ? stage_buf : frame_buf, ATH_R_READ, small ? 2 : 1,
                                  r.x | (int64_t)r.y << 16, r.w | (int64_t)r.h << 16, &res);
        if (e == ATH_ESTALE || e == ATH_EREVOKED) {
            find_gpu();             /* re-issued by a restart: find it again */
            continue;
        }
        if (e < 0 || res < 0)
            break;
        if (res == 1 && !redraw_all) {  /* the device was set up again */
            redraw_all = true;
            continue;
        }
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
    if (frame_buf < 0) {
        if ((frame_buf = ath_buf_new(FRAME_PAGES)) < 0)
            return frame_buf;
        if ((e = ath_buf_map(frame_buf, (uint32_t)(uintptr_t)frame)) < 0)
            return e;
        if ((stage_buf = ath_buf_new(STAGE_PAGES)) < 0)
            return stage_buf;
        if ((e = ath_buf_map(stage_buf, (uint32_t)(uintptr_t)stage)) < 0)
            return e;
    }
    layout();
    up = redraw_all = true;
    return 0;
}

/* Copies rectangle (x, y, w, h) of the surface lent as buf, of sw_ x sh_
 * words, to dst (rows dst_w words apart, at dst_x, dst_y). */
static int32_t take(ath_handle_t buf, uint32_t sw_, uint32_t sh_, uint32_t x, uint32_t y,
                    uint32_t w, uint32_t h, uint32_t *dst, uint32_t dst_w, uint32_t dst_x,
                    uint32_t dst_y)
{
    if (buf == frame_buf || buf == stage_buf)
        return ATH_ERIGHTS;
    int64_t info = ath_cap_info(buf);
    if (info < 0 || (info >> 32) != BUFFER_TYPE || !((uint32_t)info & ATH_R_READ))
        return ATH_ERIGHTS;
    uint32_t pages = (sw_ * sh_ * 4 + ATH_PAGE - 1) / ATH_PAGE;
    uint32_t got;
    int32_t at = ath_lend_map(buf, pages, &got);
    if (at >= 0 && got != pages)
        ath_buf_unmap(buf);         /* smaller than the surface */
    if (at < 0 || got != pages)
        return ATH_ERIGHTS;
    const uint32_t *src = (const uint32_t *)(uintptr_t)at;
    for (uint32_t j = 0; j < h; j++)
        __builtin_memcpy(&dst[(dst_y + j) * dst_w + dst_x], &src[(y + j) * sw_ + x], w * 4);
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
    if (op != 1 || xy < 0 || wh < 0 || xy >> 32 || wh >> 32)
        return ATH_EINVAL;
    uint32_t x = (uint32_t)xy & 0xffff, y = (uint32_t)xy >> 16;
    uint32_t w = (uint32_t)wh & 0xffff, h = (uint32_t)wh >> 16;
    if (w == 0 || h == 0 || x >= s.w || y >= s.h || w > s.w - x || h > s.h - y)
        return ATH_EINVAL;
    rect_t r = {s.x + x, s.y + y, w, h};
    int32_t e;
    if (n == FULL) {            /* straight into the frame, over everything */
        if ((e = take((ath_handle_t)lent, s.w, s.h, x, y, w, h, frame, sw, x, y)) < 0)
            return e;
        draw_dots(r);           /* the indicator stays on top */
    } else {
        window_t *wn = &win[n];
        if ((e = take((ath_handle_t)lent, s.w, s.h, x, y, w, h, wn->pix, wn->w, x, y)) < 0)
            return e;
        if (!wn->shown) {       /* a floating window appears, frame and all */
            wn->shown = true;
            r = outer(wn);
        }
        compose(r);
    }
    flush(r);
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
    rect_t all = {0, 0, sw, sh};
    compose(all);
    flush(all);
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
    compose(r);
    flush(r);
    return 0;
}
