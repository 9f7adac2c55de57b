/*
 * testcard: draws a colour test pattern into its surface (docs/display.md)
 * and presents it; the display boot test (tests/groups/66-display.sh)
 * checks exact pixels of the screen. Run from the shell: `run testcard`.
 * Its one capability is surf.app (bin/testcard.caps).
 *
 * The pattern, on a surface of W x H: eight vertical bars over the top
 * three quarters (white, yellow, cyan, green, magenta, red, blue, black,
 * each W/8 wide), a checkerboard of 8x8 squares (0x202020, 0xe0e0e0) below.
 * Then a second present of one 64x64 damage at (16, 16) filled 0x123456,
 * after the whole surface outside it was painted 0xff8000: only the damage
 * may reach the screen.
 *
 * `run testcard hostile`: hostile presents, each of which must be refused
 * and change nothing on the screen; exit status = how many were not.
 * `run testcard storm`: whole-surface presents until Ctrl-C, to be killed
 * in the middle of a frame.
 */
#include <athanor.h>
#include <stdbool.h>

#define MAX_PAGES 768
#define DAMAGE 0x123456u
#define OUTSIDE 0xff8000u

static uint32_t pix[MAX_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t surf, buf;
static uint32_t w, h, pages;
static int fails;

static const uint32_t bars[8] = {0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
                                 0xff00ff, 0xff0000, 0x0000ff, 0x000000};

static int64_t present(ath_handle_t b, int64_t x, int64_t y, int64_t pw, int64_t ph)
{
    int64_t r;
    int32_t e = ath_call_lend(surf, b, ATH_R_READ, 1, x | y << 16, pw | ph << 16, &r);
    return e < 0 ? e : r;
}

static void expect(const char *what, int64_t got, int64_t want)
{
    if (got == want)
        return;
    fails++;
    ath_printf("testcard: %s: got %lld, want %lld\n", what, (long long)got, (long long)want);
}

static void refused(const char *what, int64_t got)
{
    if (got < 0)
        return;
    fails++;
    ath_printf("testcard: %s: accepted (%lld)\n", what, (long long)got);
}

static void pattern(void)
{
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            pix[y * w + x] = y < h * 3 / 4 ? bars[x * 8 / w]
                             : ((x / 8 + y / 8) & 1) ? 0xe0e0e0 : 0x202020;
    expect("present whole surface", present(buf, 0, 0, w, h), 0);
    for (uint32_t i = 0; i < w * h; i++)
        pix[i] = OUTSIDE;
    for (uint32_t y = 16; y < 80; y++)
        for (uint32_t x = 16; x < 80; x++)
            pix[y * w + x] = DAMAGE;
    expect("present 64x64 damage", present(buf, 16, 16, 64, 64), 0);
}

static void hostile(void)
{
    int64_t r;
    /* Only surf.app was granted: the terminal's surface is out of reach. */
    expect("cap_find surf.term", ath_cap_find("surf.term"), ATH_ENOENT);
    for (uint32_t i = 0; i < w * h; i++)
        pix[i] = 0xee00ee;
    /* Rectangles outside the surface, empty, overflowing, negative. */
    refused("x + w past the edge", present(buf, w - 8, 0, 16, 16));
    refused("y + h past the edge", present(buf, 0, h - 8, 16, 16));
    refused("empty", present(buf, 0, 0, 0, 16));
    refused("x at the edge", present(buf, w, 0, 1, 1));
    refused("0xffff wide", present(buf, 0xffff, 0, 0xffff, 1));
    int32_t e = ath_call_lend(surf, buf, ATH_R_READ, 1, -1, 16 | 16 << 16, &r);
    refused("negative position", e < 0 ? e : r);
    e = ath_call_lend(surf, buf, ATH_R_READ, 1, (int64_t)1 << 40, 16 | 16 << 16, &r);
    refused("position past 32 bits", e < 0 ? e : r);
    e = ath_call_lend(surf, buf, ATH_R_READ, 9, 0, 16 | 16 << 16, &r);
    refused("unknown op", e < 0 ? e : r);
    /* Buffers of the wrong size: one page short, one page over. */
    ath_handle_t small = ath_buf_new((int32_t)pages - 1), big = ath_buf_new((int32_t)pages + 1);
    refused("buffer a page short", present(small, 0, 0, 16, 16));
    refused("buffer a page over", present(big, 0, 0, 16, 16));
    /* No lend: a3 names a capability in the compositor's table, which we
     * cannot see. Every guess must be refused: its own frame above all. */
    int accepted = 0;
    for (int32_t gen = 1; gen <= 3; gen++)
        for (int32_t slot = 0; slot < 64; slot++) {
            e = ath_call(surf, 1, 0, 16 | 16 << 16, (int64_t)(gen << 14 | slot), &r);
            if (e >= 0 && r >= 0)
                accepted++;
        }
    expect("forged handles accepted", accepted, 0);
    /* After all that, a proper present still works (at the very corner). */
    for (uint32_t i = 0; i < w * h; i++)
        pix[i] = bars[6];
    expect("present at the far corner", present(buf, w - 1, h - 1, 1, 1), 0);
}

ATH_EXPORT("_start") int _start(void)
{
    char args[32];
    int32_t n = ath_args(args, sizeof args);
    bool hostile_mode = n >= 7;
    for (int i = 0; hostile_mode && i < 7; i++)
        hostile_mode = args[i] == "hostile"[i];
    int64_t r;
    surf = ath_cap_find("surf.app");
    if (surf < 0 || ath_call(surf, 0, 0, 0, 0, &r) < 0 || r < 0) {
        ath_print("testcard: no surface (surf.app)\n");
        return 100;
    }
    w = (uint32_t)r & 0xffff, h = (uint32_t)(r >> 16) & 0xffff;
    pages = (w * h * 4 + ATH_PAGE - 1) / ATH_PAGE;
    if (pages > MAX_PAGES || (buf = ath_buf_new((int32_t)pages)) < 0 ||
        ath_buf_map(buf, (uint32_t)(uintptr_t)pix) < 0) {
        ath_print("testcard: no memory for the surface\n");
        return 101;
    }
    bool storm = n >= 5 && args[0] == 's' && args[1] == 't' && args[2] == 'o' && args[3] == 'r' &&
                 args[4] == 'm';
    if (storm) {
        /* Whole-surface presents, one colour after another, until stopped
         * (Ctrl-C kills us, most likely inside the compositor or the
         * driver, on this thread) or 100000 frames. */
        ath_print("testcard: storm\n");
        for (int32_t f = 0; f < 100000; f++) {
            if (f % 64 == 0)        /* nearly all the time goes to presents */
                for (uint32_t i = 0; i < w * h; i++)
                    pix[i] = bars[(f / 64) & 7];
            present(buf, 0, 0, w, h);
        }
        return 0;
    }
    if (hostile_mode)
        hostile();
    else
        pattern();
    ath_printf("testcard: %s %ux%u %s\n", hostile_mode ? "hostile" : "pattern", (unsigned)w, (unsigned)h,
               fails ? "FAILED" : "ok");
    return fails;
}
