/*
 * The display service (docs/display.md): a tiling compositor. Each
 * surface is a tile of the screen, served on an endpoint of its own
 * (surf.term: handler s0, surf.app: handler s1; surf.full: handler s2, the
 * whole screen drawn over the tiles, for the bench), so holding the endpoint
 * is what lets a domain draw there and nowhere else. The application owns
 * the surface's pixels: a buffer of its own, in its own linear memory,
 * lent read-only to us for each present.
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
 * of it into the screen and asks the GPU driver (gpu.fb) to show that
 * rectangle. Errors: ATH_EINVAL (bad op or rectangle), ATH_ERIGHTS (not a
 * readable buffer of exactly the surface's pages, or not lent), ATH_ESTOPPED
 * (no screen).
 *
 * The screen is a buffer of ours (the frame), lent read-only to the driver
 * for each flush. When the driver faults, is killed or restarted, present
 * still succeeds (a dropped frame); once the driver answers again (it says
 * so: the device was set up again), the whole frame is flushed: the screen
 * comes back exactly as it was.
 */
#include <athanor.h>
#include <stdbool.h>

#define BUFFER_TYPE 3
#define SCR_MAX_W 1024
#define SCR_MAX_H 768
#define FRAME_PAGES (SCR_MAX_W * SCR_MAX_H * 4 / ATH_PAGE)
#define NSURF 3
#define SEP 4                   /* the bar between the tiles */
#define BAR_FOCUS 0x3070c0u
#define BAR_IDLE 0x404040u

typedef struct surface {
    uint32_t x, y, w, h;        /* its tile on the screen */
} surface_t;

static uint32_t frame[FRAME_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
/* Small damages go to the driver in a buffer of their own (gpu.fb op 2):
 * it maps 16 pages instead of the whole frame. */
#define STAGE_PAGES 16
static uint32_t stage[STAGE_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t frame_buf = -1, stage_buf = -1, gpu = -1;
static uint32_t sw, sh;         /* the screen */
static surface_t surf[NSURF];
static int focus;
static bool up, redraw_all;
static uint32_t shown, dropped;

static void fill(uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t c)
{
    for (uint32_t j = y; j < y + h; j++)
        for (uint32_t i = x; i < x + w; i++)
            frame[j * sw + i] = c;
}

/* The tiles: surf.term on the left, three quarters of the width; surf.app
 * on the right; a bar between them, coloured for the one with focus. */
static void layout(void)
{
    uint32_t split = (sw * 3 / 4) & ~7u;
    surf[0] = (surface_t){0, 0, split - SEP, sh};
    surf[1] = (surface_t){split, 0, sw - split, sh};
    surf[2] = (surface_t){0, 0, sw, sh};
    fill(split - SEP, 0, SEP, sh, focus == 0 ? BAR_FOCUS : BAR_IDLE);
}

static void find_gpu(void)
{
    if (gpu >= 0)
        ath_cap_drop(gpu);
    gpu = ath_cap_find("gpu.fb");
}

/* Asks the driver to show rectangle (x, y, w, h) of the frame; the whole
 * frame instead when the driver lost the screen. A failed flush is a
 * dropped frame, and the next one redraws everything. */
static void flush(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    int64_t r = -1;
    for (int tries = 0; tries < 2; tries++) {
        if (redraw_all)
            x = y = 0, w = sw, h = sh;
        bool small = w * h * 4 <= sizeof stage;
        if (small)
            for (uint32_t j = 0; j < h; j++)
                __builtin_memcpy(&stage[j * w], &frame[(y + j) * sw + x], w * 4);
        int32_t e = ath_call_lend(gpu, small ? stage_buf : frame_buf, ATH_R_READ, small ? 2 : 1,
                                  x | (int64_t)y << 16, w | (int64_t)h << 16, &r);
        if (e == ATH_ESTALE || e == ATH_EREVOKED) {
            find_gpu();             /* re-issued by a restart: find it again */
            continue;
        }
        if (e < 0 || r < 0)
            break;
        if (r == 1 && !redraw_all) {    /* the device was set up again */
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

static int32_t start(void)
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

/* Copies rectangle r of surface s, lent as buf, into the frame. */
static int32_t compose(const surface_t *s, ath_handle_t buf, uint32_t x, uint32_t y, uint32_t w,
                       uint32_t h)
{
    if (buf == frame_buf || buf == stage_buf)
        return ATH_ERIGHTS;
    int64_t info = ath_cap_info(buf);
    if (info < 0 || (info >> 32) != BUFFER_TYPE || !((uint32_t)info & ATH_R_READ))
        return ATH_ERIGHTS;
    uint32_t pages = (s->w * s->h * 4 + ATH_PAGE - 1) / ATH_PAGE;
    uint32_t got;
    int32_t at = ath_lend_map(buf, pages, &got);
    if (at >= 0 && got != pages)
        ath_buf_unmap(buf);         /* smaller than the surface */
    if (at < 0 || got != pages)
        return ATH_ERIGHTS;
    const uint32_t *src = (const uint32_t *)(uintptr_t)at;
    for (uint32_t j = y; j < y + h; j++)
        __builtin_memcpy(&frame[(s->y + j) * sw + s->x + x], &src[j * s->w + x], w * 4);
    ath_buf_unmap(buf);
    return 0;
}

static int64_t serve(int n, int64_t op, int64_t xy, int64_t wh, int64_t lent)
{
    if (!up && start() < 0)
        return ATH_ESTOPPED;
    const surface_t *s = &surf[n];
    if (op == 0)
        return s->w | (int64_t)s->h << 16;
    if (op == 2)
        return shown | (int64_t)dropped << 32;
    if (op != 1 || xy < 0 || wh < 0 || xy >> 32 || wh >> 32)
        return ATH_EINVAL;
    uint32_t x = (uint32_t)xy & 0xffff, y = (uint32_t)xy >> 16;
    uint32_t w = (uint32_t)wh & 0xffff, h = (uint32_t)wh >> 16;
    if (w == 0 || h == 0 || x >= s->w || y >= s->h || w > s->w - x || h > s->h - y)
        return ATH_EINVAL;
    int32_t e = compose(s, (ath_handle_t)lent, x, y, w, h);
    if (e < 0)
        return e;
    flush(s->x + x, s->y + y, w, h);
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
    return serve(2, op, xy, wh, lent);
}
