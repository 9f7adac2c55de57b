/*
 * sketch: the floating window's program (docs/display.md). It paints its
 * surface (surf.win) dark blue, presents it (the window appears, over the
 * tiles) and then reads what the input service sends its owner on in.win:
 * each press of the left button paints an 8x8 square 0xffcc00 whose top
 * left corner is the pointer (clipped to the surface) and presents just
 * that square; each key byte is printed. `run sketch [N]` ends after N
 * clicks (default 1), or on the key q, or after 10 s without events
 * (exit status 1). Its capabilities (bin/sketch.caps): surf.win and
 * in.win (receive only).
 *
 * `run sketch hostile`: what a program holding only those can do: bad
 * presents on surf.win refused, in.win not writable, no other surface,
 * no focus.ctl, no gpu.fb, no input.event; exit status = how many were
 * not refused.
 */
#include <athanor.h>
#include <stdbool.h>

#define MAX_PAGES 128
#define PAPER 0x204060u
#define INK 0xffcc00u
#define DOT 8

enum { MSG_KEYS = 1, MSG_POINTER = 2 };
typedef struct in_msg {
    uint8_t kind, len, buttons, pad;
    uint16_t x, y;
    char keys[8];
} in_msg_t;

static uint32_t pix[MAX_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t surf, in, buf;
static uint32_t w, h;
static int fails;

static int64_t present(ath_handle_t b, int64_t x, int64_t y, int64_t pw, int64_t ph)
{
    int64_t r;
    int32_t e = ath_call_lend(surf, b, ATH_R_READ, 1, x | y << 16, pw | ph << 16, &r);
    return e < 0 ? e : r;
}

static void refused(const char *what, int64_t got)
{
    if (got < 0)
        return;
    fails++;
    ath_printf("sketch: %s %lld\n", what, (long long)got);
}

static int hostile(void)
{
    uint32_t pages = (w * h * 4 + ATH_PAGE - 1) / ATH_PAGE;
    refused("past the right edge accepted", present(buf, w - 4, 0, 8, 8));
    refused("past the bottom accepted", present(buf, 0, h - 4, 8, 8));
    refused("empty accepted", present(buf, 0, 0, 0, 8));
    refused("0xffff wide accepted", present(buf, 0, 0, 0xffff, 1));
    refused("negative accepted", present(buf, -1, 0, 8, 8));
    ath_handle_t shortb = ath_buf_new((int32_t)pages - 1), longb = ath_buf_new((int32_t)pages + 1);
    refused("a page short accepted", present(shortb, 0, 0, 8, 8));
    refused("a page over accepted", present(longb, 0, 0, 8, 8));
    int64_t r;
    refused("a plain call (no lend) accepted", ath_call(surf, 1, 0, 8 | 8 << 16, buf, &r) < 0 ? -1 : r);
    refused("an unknown op accepted", ath_call(surf, 9, 0, 0, 0, &r) < 0 ? -1 : r);
    in_msg_t m = {MSG_POINTER, 0, 1, 0, 1, 1, {0}};
    refused("a send on in.win accepted", ath_send(in, &m, sizeof m, 0));
    static const char *const none[] = {"surf.term", "surf.app", "surf.full", "focus.ctl", "gpu.fb",
                                       "input.event", "in.app", "console.in"};
    for (int i = 0; i < 8; i++) {
        ath_handle_t c = ath_cap_find(none[i]);
        if (c >= 0) {
            fails++;
            ath_printf("sketch: hostile: holds %s\n", none[i]);
        }
    }
    ath_print(fails ? "sketch: hostile FAILED\n" : "sketch: hostile ok\n");
    return fails;
}

static void dot(uint32_t x, uint32_t y)
{
    uint32_t dw = x + DOT > w ? w - x : DOT, dh = y + DOT > h ? h - y : DOT;
    for (uint32_t j = y; j < y + dh; j++)
        for (uint32_t i = x; i < x + dw; i++)
            pix[j * w + i] = INK;
    present(buf, x, y, dw, dh);
}

ATH_EXPORT("_start") int _start(void)
{
    char args[16];
    int32_t n = ath_args(args, sizeof args - 1);
    args[n > 0 ? n : 0] = 0;
    int64_t r;
    surf = ath_cap_find("surf.win");
    in = ath_cap_find("in.win");
    if (surf < 0 || in < 0 || ath_call(surf, 0, 0, 0, 0, &r) < 0 || r < 0) {
        ath_print("sketch: no surf.win or in.win\n");
        return 2;
    }
    w = (uint32_t)r & 0xffff, h = (uint32_t)(r >> 16) & 0xffff;
    uint32_t pages = (w * h * 4 + ATH_PAGE - 1) / ATH_PAGE;
    if (pages > MAX_PAGES || (buf = ath_buf_new((int32_t)pages)) < 0 ||
        ath_buf_map(buf, (uint32_t)(uintptr_t)pix) < 0) {
        ath_print("sketch: no memory for the surface\n");
        return 2;
    }
    for (uint32_t i = 0; i < w * h; i++)
        pix[i] = PAPER;
    if (args[0] == 'h')
        return hostile();
    present(buf, 0, 0, w, h);
    int clicks = 0, want = 0;
    for (int i = 0; args[i] >= '0' && args[i] <= '9'; i++)
        want = want * 10 + args[i] - '0';
    want = want ? want : 1;
    ath_printf("sketch: window %u,%u\n", (unsigned)w, (unsigned)h);
    uint8_t held = 0;
    for (;;) {
        in_msg_t m;
        ath_handle_t got = 0;
        int32_t len = ath_recv(in, &m, sizeof m, &got, 10000000000ll);
        if (got > 0)
            ath_cap_drop(got);      /* nothing comes with an event */
        if (len < 0) {
            ath_printf("sketch: no event, %d\n", len);
            return 1;
        }
        if (len != sizeof m)
            continue;
        if (m.kind == MSG_KEYS) {
            for (int i = 0; i < m.len && i < 8; i++) {
                ath_printf("sketch: key %u\n", (unsigned)(uint8_t)m.keys[i]);
                if (m.keys[i] == 'q')
                    return 0;
            }
        } else if (m.kind == MSG_POINTER) {
            if ((m.buttons & 1) && !(held & 1) && m.x < w && m.y < h) {
                dot(m.x, m.y);
                ath_printf("sketch: click %d,%d\n", m.x, m.y);
                if (++clicks == want)
                    return 0;
            }
            held = m.buttons;
        }
    }
}
