/*
 * dispbench: the display bench (make bench-display, docs/display.md).
 * Run from the shell (`run dispbench [FRAMES]`); its capabilities
 * (bin/dispbench.caps): surf.full (the whole screen through the display
 * service), gpu.fb (the driver directly, for the side-by-side figure) and
 * the fine clock. Prints one line:
 *
 *   dispbench: full-frame F fps, driver-only G fps, present 64x64 P us
 *
 * full-frame: FRAMES presents of the whole 1024x768 surface, app ->
 * compositor -> driver -> device, two frames drawn beforehand presented in
 * turn. driver-only: the same frames lent straight to the driver (the
 * compositor skipped). present 64x64: the mean of 8 x FRAMES presents of a
 * 64x64 damage through the compositor. The three are interleaved, round by
 * round, and timed call by call.
 *
 * `run dispbench hostile`: calls the GPU driver must refuse (bad ops,
 * rectangles, buffer sizes, forged handles), and calls to the display
 * service's focus.ctl (which dispbench holds for this test alone, as the
 * input service does) it must refuse or answer without a change: bad ops,
 * points off the screen; a click on the bar between the tiles (no
 * window) moves no focus; and input.event (held for this test alone,
 * as the input drivers do) with keys and axis values out of range refused,
 * an unknown event type ignored; exit status = how many were not refused.
 *
 * `run dispbench rect`: a frame whose 16-row bands each have their own
 * colour (band k: rect_colour(k)), lent straight to the driver with the
 * rectangle x 800..927, y 400..463 only (gpu.fb op 1): the driver must
 * take those rows from the right pages of the frame (the rectangle's first
 * byte lies 400 pages in), so the screen shows bands 25 to 28 there.
 *
 * `run dispbench drill`: arms the GPU driver's drill (gpu.fb op 3: its
 * next flush faults after the transfer, before the flush) and presents
 * frame A on surf.full: the driver faults in the middle of that frame, the
 * compositor drops it (exit status 0 when it counted exactly one dropped
 * frame). `run dispbench frame`: frame A presented once, for comparison.
 */
#include <athanor.h>
#include <stdbool.h>

#define PAGES 768

static uint32_t fa[PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
static uint32_t fb[PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));

/* fixed point: v / 1000 with three decimals is too much; one decimal:
 * "%lld.%lld" with TENTHS(v). */
#define TENTHS(v) (long long)((v) / 10), (long long)((v) % 10)

static int fails;

static void refused(const char *what, int32_t e, int64_t r)
{
    if (e < 0 || r < 0)
        return;
    fails++;
    ath_printf("dispbench: hostile: %s: accepted\n", what);
}

/* The text window (surf.term, held for this test alone): fonts and cells
 * it must refuse, each changing nothing (the terminal's text stays, the
 * font too). Returns how many forged handles it accepted. */
static int text_hostile(ath_handle_t small)
{
    ath_handle_t st = ath_cap_find("surf.term");
    int64_t r;
    int32_t e;
    if (st < 0) {
        fails++;
        ath_print("dispbench: hostile: no surf.term\n");
        return 0;
    }
    ath_handle_t b1 = ath_buf_new(1), b2 = ath_buf_new(2), b7 = ath_buf_new(7),
                 b8 = ath_buf_new(8), b9 = ath_buf_new(9);
    e = ath_call_lend(st, b8, ATH_R_READ, 1, 0, 8 | 8 << 16, &r);
    refused("surf.term: a pixel present on the text window", e, r);
    e = ath_call_lend(st, b8, ATH_R_READ, 7, 0, 0, &r);
    refused("surf.term: unknown op", e, r);
    static const int64_t badlen[] = {0, -1, 65537, (int64_t)1 << 40};
    for (int i = 0; i < 4; i++) {
        e = ath_call_lend(st, b2, ATH_R_READ, 3, badlen[i], 0, &r);
        refused("surf.term: a font of a bad length", e, r);
    }
    e = ath_call_lend(st, small, ATH_R_READ, 3, 5000, 0, &r);
    refused("surf.term: a font in a buffer of more pages than its bytes", e, r);
    e = ath_call_lend(st, b1, ATH_R_READ, 3, 5000, 0, &r);
    refused("surf.term: a font longer than its buffer", e, r);
    e = ath_call_lend(st, b2, ATH_R_READ, 3, 5000, 0, &r);
    refused("surf.term: a font of zeros (no PSF)", e, r);
    /* A PSF2 header promising 32x64 glyphs it does not have. */
    static uint8_t psf2[32] __attribute__((aligned(ATH_PAGE)));
    if (ath_buf_map(b1, (uint32_t)(uintptr_t)psf2) == 0) {
        static const uint8_t hdr[32] = {0x72, 0xb5, 0x4a, 0x86, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0,
                                        0, 0, 1, 0, 0, 0, 1, 0, 0, 64, 0, 0, 0, 32, 0, 0, 0};
        __builtin_memcpy(psf2, hdr, sizeof hdr);
        e = ath_call_lend(st, b1, ATH_R_READ, 3, 4096, 0, &r);
        refused("surf.term: a PSF2 font shorter than its glyphs", e, r);
        ath_buf_unmap(b1);
    }
    static const int64_t bad[][2] = {{32768, 0}, {(int64_t)65535 << 16, 0}, {1 | 32767 << 16, 0},
                                     {-1, 0}, {(int64_t)1 << 32, 0}, {0, -1}, {0, 32768},
                                     {0, (int64_t)1 << 40}};
    for (int i = 0; i < 8; i++) {
        e = ath_call_lend(st, b8, ATH_R_READ, 4, bad[i][0], bad[i][1], &r);
        refused("surf.term: cells or a cursor off the grid", e, r);
    }
    e = ath_call_lend(st, b7, ATH_R_READ, 4, 0 | 1 << 16, 0, &r);
    refused("surf.term: cells in a buffer a page short", e, r);
    e = ath_call_lend(st, b9, ATH_R_READ, 4, 0 | 1 << 16, 0, &r);
    refused("surf.term: cells in a buffer a page over", e, r);
    int accepted = 0;
    for (int32_t gen = 1; gen <= 3; gen++)
        for (int32_t slot = 0; slot < 64; slot++) {
            e = ath_call(st, 4, 0 | 1 << 16, 0, (int64_t)(gen << 14 | slot), &r);
            accepted += e >= 0 && r >= 0;
            e = ath_call(st, 3, 5670, 0, (int64_t)(gen << 14 | slot), &r);
            accepted += e >= 0 && r >= 0;
        }
    ath_cap_drop(b1), ath_cap_drop(b2), ath_cap_drop(b7), ath_cap_drop(b8), ath_cap_drop(b9);
    return accepted;
}

/* The colour of the frame's 16-row band k in `run dispbench rect`, 0xRRGGBB
 * (tests/groups/66-display.sh computes the same). */
static uint32_t rect_colour(uint32_t k)
{
    return (k * 37 & 0xff) << 16 | (k * 91 & 0xff) << 8 | (255 - k * 5 % 256);
}

/* `run dispbench hostile`: calls the driver must refuse, each changing
 * nothing on the screen; exit status = how many it did not refuse. */
static int hostile(ath_handle_t gpu, ath_handle_t frame, ath_handle_t small, uint32_t w, uint32_t h)
{
    int64_t r;
    int32_t e;
    int64_t full = w | (int64_t)h << 16;
    e = ath_call_lend(gpu, frame, ATH_R_READ, 7, 0, full, &r);
    refused("unknown op", e, r);
    e = ath_call_lend(gpu, frame, ATH_R_READ, 1, 1, full, &r);
    refused("frame one pixel past the right edge", e, r);
    e = ath_call_lend(gpu, frame, ATH_R_READ, 1, (int64_t)h << 16, 1 | 1 << 16, &r);
    refused("a row past the bottom", e, r);
    e = ath_call_lend(gpu, frame, ATH_R_READ, 1, 0, 0, &r);
    refused("empty rectangle", e, r);
    e = ath_call_lend(gpu, frame, ATH_R_READ, 1, -1, full, &r);
    refused("negative position", e, r);
    e = ath_call_lend(gpu, frame, ATH_R_READ, 1, 0, (int64_t)1 << 33, &r);
    refused("size past 32 bits", e, r);
    e = ath_call_lend(gpu, small, ATH_R_READ, 1, 0, 16 | 16 << 16, &r);
    refused("op 1 with a buffer smaller than the frame", e, r);
    ath_handle_t big = ath_buf_new(PAGES + 1);
    e = big < 0 ? 0 : ath_call_lend(gpu, big, ATH_R_READ, 1, 0, 16 | 16 << 16, &r);
    refused("op 1 with a buffer a page larger than the frame (or none to lend)", e, big < 0 ? 0 : r);
    ath_cap_drop(big);
    e = ath_call_lend(gpu, frame, ATH_R_READ, 2, 0, 16 | 16 << 16, &r);
    refused("op 2 (gone) with a buffer larger than 16 pages", e, r);
    e = ath_call_lend(gpu, small, ATH_R_READ, 2, 0, 256 | 256 << 16, &r);
    refused("op 2 (gone) with a rectangle larger than its buffer", e, r);
    e = ath_call_lend(gpu, small, ATH_R_READ, 4, 0, w | 64 << 16, &r);
    refused("op 4 with a buffer too small for the band's rows", e, r);
    e = ath_call_lend(gpu, small, ATH_R_READ, 4, (w - 8) | (int64_t)(h - 1) << 16, 9 | 1 << 16, &r);
    refused("op 4 with a band one pixel past the right edge", e, r);
    e = ath_call_lend(gpu, small, ATH_R_READ, 4, (int64_t)(h - 1) << 16, 1 | 2 << 16, &r);
    refused("op 4 with a band past the bottom", e, r);
    e = ath_call_lend(gpu, small, ATH_R_READ, 4, 0, 0, &r);
    refused("op 4 with an empty band", e, r);
    int accepted = 0;
    for (int32_t gen = 1; gen <= 3; gen++)
        for (int32_t slot = 0; slot < 64; slot++) {
            e = ath_call(gpu, 1, 0, full, (int64_t)(gen << 14 | slot), &r);
            accepted += e >= 0 && r >= 0;
            e = ath_call(gpu, 2, 0, 16 | 16 << 16, (int64_t)(gen << 14 | slot), &r);
            accepted += e >= 0 && r >= 0;
            e = ath_call(gpu, 4, 0, 16 | 16 << 16, (int64_t)(gen << 14 | slot), &r);
            accepted += e >= 0 && r >= 0;
        }
    if (accepted) {
        fails++;
        ath_print("dispbench: hostile: forged handles accepted\n");
    }
    accepted += text_hostile(small);
    ath_handle_t ctl = ath_cap_find("focus.ctl");
    int64_t before = -1;
    e = ath_call(ctl, 3, 0, 0, 0, &before);
    if (e < 0 || before < 0 || (before & 15) != 0) {
        fails++;
        ath_print("dispbench: hostile: focus.ctl op 3 did not name the terminal\n");
    }
    static const int64_t bad[][2] = {{-1, 0}, {4, 0}, {(int64_t)1 << 40, 0}, {1, -1},
                                     {1, (int64_t)1 << 32}, {1, 1024}, {1, (int64_t)768 << 16},
                                     {1, 0xffff | (int64_t)0xffff << 16}};
    for (int i = 0; i < 8; i++) {
        e = ath_call(ctl, bad[i][0], bad[i][1], 0, 0, &r);
        refused("focus.ctl: bad op or a point off the screen", e, r);
    }
    /* input.event as a driver gone bad would call it: out of range. */
    ath_handle_t ev = ath_cap_find("input.event");
    static const int64_t badev[][3] = {{3, 0, -1}, {3, 1, 32768}, {3, 0, (int64_t)1 << 40},
                                       {1, 768, 1}, {1, -1, 1}};
    for (int i = 0; i < 5; i++) {
        e = ath_call(ev, badev[i][0], badev[i][1], badev[i][2], 0, &r);
        refused("input.event: a key or an axis value out of range", e, r);
    }
    e = ath_call(ev, 9, 0, 0, 0, &r);
    if (e < 0 || r != 0) {
        fails++;
        ath_print("dispbench: hostile: input.event: an unknown event type not ignored\n");
    }
    e = ath_call(ctl, 1, 765 | (int64_t)100 << 16, 0, 0, &r);    /* the bar */
    if (e < 0 || r != before) {
        fails++;
        ath_print("dispbench: hostile: a click on the bar moved the focus\n");
    }
    ath_print(fails ? "dispbench: hostile FAILED\n" : "dispbench: hostile ok\n");
    return fails;
}

ATH_EXPORT("_start") int _start(void)
{
    char args[16];
    int32_t n = ath_args(args, sizeof args);
    int64_t frames = 0;
    for (int32_t i = 0; i < n && args[i] >= '0' && args[i] <= '9'; i++)
        frames = frames * 10 + (args[i] - '0');
    if (frames <= 0 || frames > 10000)
        frames = 60;
    ath_handle_t surf = ath_cap_find("surf.full"), gpu = ath_cap_find("gpu.fb");
    int64_t r = 0, wh = 0;
    int32_t e = surf < 0 ? surf : gpu < 0 ? gpu : ath_call(surf, 0, 0, 0, 0, &wh);
    if (e < 0 || wh < 0) {
        ath_printf("dispbench: no surf.full or gpu.fb: %lld\n", (long long)(e < 0 ? e : wh));
        return 1;
    }
    uint32_t w = (uint32_t)wh & 0xffff, h = (uint32_t)(wh >> 16) & 0xffff;
    if ((uint64_t)w * h * 4 != (uint64_t)PAGES * ATH_PAGE) {
        ath_printf("dispbench: the screen is not 1024x768: width %u\n", (unsigned)w);
        return 1;
    }
    ath_handle_t ba = ath_buf_new(PAGES), bb = ath_buf_new(PAGES);
    if (ba < 0 || bb < 0 || ath_buf_map(ba, (uint32_t)(uintptr_t)fa) < 0 ||
        ath_buf_map(bb, (uint32_t)(uintptr_t)fb) < 0) {
        ath_printf("dispbench: no memory for two frames: %d\n", ba < 0 ? ba : bb);
        return 1;
    }
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            fa[y * w + x] = (x ^ y) & 0xff;
            fb[y * w + x] = ((x + y) & 0xff) << 8;
        }
    int64_t full = w | (int64_t)h << 16;
    if (n >= 5 && (args[0] == 'd' || args[0] == 'f')) {
        int64_t before = 0, after = 0;
        ath_call(surf, 2, 0, 0, 0, &before);
        e = args[0] == 'd' ? ath_call(gpu, 3, 0, 0, 0, &r) : 0;
        if (e < 0 || r != 0) {
            ath_printf("dispbench: drill: the driver refused to arm: %lld\n", (long long)(e < 0 ? e : r));
            return 1;
        }
        e = ath_call_lend(surf, ba, ATH_R_READ, 1, 0, full, &r);
        ath_call(surf, 2, 0, 0, 0, &after);
        int64_t lost = (after >> 32) - (before >> 32);
        ath_printf("dispbench: %s: frames dropped %lld\n", args[0] == 'd' ? "drill" : "frame",
                   (long long)lost);
        return e < 0 || r != 0 || lost != (args[0] == 'd');
    }
    if (n >= 4 && args[0] == 'r' && args[1] == 'e') {
        for (uint32_t y = 0; y < h; y++)
            for (uint32_t x = 0; x < w; x++)
                fa[y * w + x] = rect_colour(y / 16);
        e = ath_call_lend(gpu, ba, ATH_R_READ, 1, 800 | (int64_t)400 << 16, 128 | 64 << 16, &r);
        ath_printf("dispbench: rect: %s %lld\n", e < 0 || r < 0 ? "refused" : "shown",
                   (long long)(e < 0 ? e : r));
        return e < 0 || r < 0;
    }
    if (n >= 7 && args[0] == 'h') {
        ath_handle_t small = ath_buf_new(16);
        return small < 0 ? 1 : hostile(gpu, ba, small, w, h);
    }
    /* One frame each way first: the device set up, everything mapped once. */
    e = ath_call_lend(surf, ba, ATH_R_READ, 1, 0, full, &r);
    if (e >= 0 && r >= 0)
        e = ath_call_lend(gpu, ba, ATH_R_READ, 1, 0, full, &r);
    if (e < 0 || r < 0) {
        ath_printf("dispbench: a present failed: %lld\n", (long long)(e < 0 ? e : r));
        return 1;
    }
    /* Interleaved, so that the machine's load weighs on all three alike:
     * each round one full frame through the compositor, the same frame to
     * the driver alone, eight 64x64 damages. */
    int64_t tf = 0, td = 0, ts = 0, small = frames * 8;
    for (int64_t i = 0; i < frames; i++) {
        ath_handle_t b = i & 1 ? bb : ba;
        int64_t t0 = ath_uptime_ns();
        if (ath_call_lend(surf, b, ATH_R_READ, 1, 0, full, &r) < 0 || r < 0)
            return 2;
        int64_t t1 = ath_uptime_ns();
        if (ath_call_lend(gpu, b, ATH_R_READ, 1, 0, full, &r) < 0 || r < 0)
            return 3;
        int64_t t2 = ath_uptime_ns();
        for (int64_t k = i * 8; k < i * 8 + 8; k++) {
            int64_t xy = (k * 64 % (w - 64)) | (int64_t)(k * 16 % (h - 64)) << 16;
            if (ath_call_lend(surf, b, ATH_R_READ, 1, xy, 64 | 64 << 16, &r) < 0 || r < 0)
                return 4;
        }
        int64_t t3 = ath_uptime_ns();
        tf += t1 - t0, td += t2 - t1, ts += t3 - t2;
    }
    int64_t full_fps = frames * 10000000000ll / (tf > 0 ? tf : 1),
            driver_fps = frames * 10000000000ll / (td > 0 ? td : 1);
    ath_printf("dispbench: full-frame %lld.%lld fps, driver-only %lld.%lld fps, present 64x64 %lld us\n",
               TENTHS(full_fps), TENTHS(driver_fps), (long long)(ts / small / 1000));
    return 0;
}
