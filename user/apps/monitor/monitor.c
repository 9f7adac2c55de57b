/*
 * monitor: a live system monitor on the screen (docs/display.md). Run from
 * the shell: `run monitor [SECONDS]` (default: until Ctrl-C). Once a second
 * it lists every domain in the right-hand tile (surf.app): its name, its
 * memory in KiB and two bars, CPU (green: its share of the last second)
 * and memory (blue: its share of the largest domain's), in the terminal's
 * font read from the disk. Capabilities (bin/monitor.caps): surf.app,
 * fs.root (the font), timer.sleep, and the system capability with the
 * read right only (sys_dom: the domains' figures).
 */
#include <athanor.h>
#include <fsproto.h>
#include <psf.h>
#include <stdbool.h>

#define MAX_PAGES 768
#define NDOM 48
#define FONT "fonts/Lat15-Terminus16.psf"
#define FG 0xd0d0d0u
#define BG 0x000000u
#define CPU 0x20c040u
#define MEM 0x3070c0u
#define TRACK 0x202020u

static uint32_t pix[MAX_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
static uint8_t io[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t font_bytes[64 * 1024];
static psf_t font;
static uint32_t w, h;
static int64_t last_cpu[NDOM];

static void text(uint32_t x, uint32_t y, const char *s)
{
    for (; *s && x + font.width <= w; s++, x += font.width)
        psf_draw(&font, pix, w, x, y, (uint8_t)*s, FG, BG);
}

static void bar(uint32_t x, uint32_t y, uint32_t len, uint32_t full, uint32_t colour)
{
    for (uint32_t j = y; j < y + 6 && j < h; j++)
        for (uint32_t i = 0; i < len; i++)
            pix[j * w + x + i] = i < full ? colour : TRACK;
}

static int64_t field(const char *s, int n, char *name, int cap)
{
    int i = 0;
    for (int f = 0; f < n; f++) {
        while (s[i] && s[i] != ' ')
            i++;
        while (s[i] == ' ')
            i++;
    }
    int64_t v = 0;
    int k = 0;
    for (; s[i] && s[i] != ' '; i++) {
        if (name && k < cap - 1)
            name[k++] = s[i];
        v = v * 10 + (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : 0);
    }
    if (name)
        name[k] = 0;
    return v;
}

static void num(char *b, int64_t v)
{
    char t[24];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10);
    while ((v /= 10) && n < 20);
    while (n)
        *b++ = t[--n];
    *b = 0;
}

/* One frame: the figures since the last sample, elapsed_us long. */
static int draw(ath_handle_t sys, int64_t elapsed_us)
{
    char line[160], name[24], kib[24];
    int64_t mem[NDOM], cpu[NDOM], maxmem = 1;
    char names[NDOM][12];
    int n = 0;
    for (; n < NDOM; n++) {
        int32_t len = ath_sys_dom(sys, n, line, sizeof line - 1);
        if (len < 0)
            break;
        line[len < (int32_t)sizeof line - 1 ? len : (int32_t)sizeof line - 1] = 0;
        field(line, 0, name, sizeof names[0]);
        for (int i = 0; i < 12; i++)
            names[n][i] = name[i];
        mem[n] = field(line, 3, 0, 0);
        cpu[n] = field(line, 4, 0, 0);
        maxmem = mem[n] > maxmem ? mem[n] : maxmem;
    }
    for (uint32_t i = 0; i < w * h; i++)
        pix[i] = BG;
    text(0, 0, "Azoth domains  cpu/mem");
    uint32_t rowh = font.height + 8, barw = (w - 16) / 2;
    for (int i = 0; i < n && (uint32_t)(i + 2) * rowh < h; i++) {
        uint32_t y = (uint32_t)(i + 1) * rowh + 4;
        num(kib, mem[i]);
        text(0, y, names[i]);
        text(w - 8 * font.width, y, kib);
        int64_t d = elapsed_us > 0 && cpu[i] >= last_cpu[i] ? cpu[i] - last_cpu[i] : 0;
        uint32_t c = (uint32_t)(d * barw / (elapsed_us > 0 ? elapsed_us : 1));
        bar(0, y + font.height + 1, barw, c > barw ? barw : c, CPU);
        bar(barw + 16, y + font.height + 1, barw, (uint32_t)(mem[i] * barw / maxmem), MEM);
        last_cpu[i] = cpu[i];
    }
    return n;
}

ATH_EXPORT("_start") int _start(void)
{
    char args[16];
    int32_t na = ath_args(args, sizeof args);
    int64_t seconds = 0;
    for (int32_t i = 0; i < na && args[i] >= '0' && args[i] <= '9'; i++)
        seconds = seconds * 10 + (args[i] - '0');
    ath_handle_t surf = ath_cap_find("surf.app"), fs = ath_cap_find("fs.root");
    ath_handle_t sys = ath_cap_find("sys"), tmr = ath_cap_find("timer.sleep");
    int64_t r;
    if (surf < 0 || fs < 0 || sys < 0 || tmr < 0 || ath_call(surf, 0, 0, 0, 0, &r) < 0 || r < 0) {
        ath_print("monitor: missing a capability (surf.app, fs.root, sys, timer.sleep)\n");
        return 1;
    }
    w = (uint32_t)r & 0xffff, h = (uint32_t)(r >> 16) & 0xffff;
    uint32_t pages = (w * h * 4 + ATH_PAGE - 1) / ATH_PAGE;
    ath_handle_t sbuf = ath_buf_new((int32_t)pages), iobuf = ath_buf_new(1);
    if (pages > MAX_PAGES || sbuf < 0 || iobuf < 0 || ath_buf_map(sbuf, (uint32_t)(uintptr_t)pix) < 0 ||
        ath_buf_map(iobuf, (uint32_t)(uintptr_t)io) < 0) {
        ath_print("monitor: no memory for the surface\n");
        return 1;
    }
    int32_t size = ath_fs_read_file(fs, iobuf, io, FONT, font_bytes, sizeof font_bytes);
    if (size < 0 || psf_parse(&font, font_bytes, (uint32_t)size) < 0) {
        ath_print("monitor: no font " FONT "\n");
        return 1;
    }
    int64_t t = ath_uptime_ns();
    for (int64_t s = 0; seconds == 0 || s < seconds; s++) {
        int64_t now = ath_uptime_ns();
        int n = draw(sys, (now - t) / 1000);
        t = now;
        if (ath_call_lend(surf, sbuf, ATH_R_READ, 1, 0, w | (int64_t)h << 16, &r) < 0 || r < 0) {
            ath_print("monitor: present failed\n");
            return 1;
        }
        if (s == 0) {
            ath_printf("monitor: %d domains\n", n);
        }
        if (seconds == 0 || s + 1 < seconds)
            ath_call(tmr, 1000000000, 0, 0, 0, &r);
    }
    return 0;
}
