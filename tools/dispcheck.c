/*
 * dispcheck: the display tests' host tool (tests/groups/66-display.sh,
 * docs/display.md). QEMU's QMP socket and the PPM files its screendump
 * writes:
 *
 *   dispcheck qmp SOCKET JSON...       sends each command after the
 *                                      capabilities handshake; prints each
 *                                      answer; status 1 on an "error"
 *   dispcheck size PPM                 prints "W H"
 *   dispcheck pixel PPM X Y            prints the pixel as RRGGBB
 *   dispcheck rect PPM X Y W H RRGGBB  every pixel of the rectangle is that
 *   dispcheck text PPM FONT X Y FG BG STRING
 *                                      the string drawn with the PSF font at
 *                                      pixel (X, Y), FG on BG, exactly
 *   dispcheck same PPM1 PPM2 [X Y W H] the two images (or that rectangle of
 *                                      them) are identical
 *
 * Status 0 when the check holds, 1 when not (with the first difference on
 * stderr), 2 for bad usage or an unreadable file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <psf.h>

typedef struct img {
    int w, h;
    uint8_t *rgb;
} img_t;

static int die(const char *what, const char *arg)
{
    fprintf(stderr, "dispcheck: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    exit(2);
}

/* A binary PPM (P6, maxval 255), as QEMU writes it. */
static img_t load(const char *path)
{
    img_t im = {0, 0, NULL};
    FILE *f = fopen(path, "rb");
    int maxv = 0;
    if (!f)
        die("cannot open", path);
    if (fscanf(f, "P6 %d %d %d", &im.w, &im.h, &maxv) != 3 || maxv != 255 || im.w <= 0 ||
        im.h <= 0 || im.w > 16384 || im.h > 16384 || fgetc(f) == EOF)
        die("not a P6 PPM of maxval 255", path);
    size_t n = (size_t)im.w * im.h * 3;
    if (!(im.rgb = malloc(n)) || fread(im.rgb, 1, n, f) != n)
        die("PPM shorter than its header says", path);
    fclose(f);
    return im;
}

static uint32_t px(const img_t *im, int x, int y)
{
    const uint8_t *p = im->rgb + ((size_t)y * im->w + x) * 3;
    return (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
}

static long num(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno || *end || v < 0)
        die("not a number", s);
    return v;
}

static uint32_t colour(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 16);
    if (*end || strlen(s) != 6)
        die("not a colour RRGGBB", s);
    return (uint32_t)v;
}

static void inside(const img_t *im, long x, long y, long w, long h)
{
    if (x + w > im->w || y + h > im->h)
        die("rectangle outside the image", NULL);
}

/* ---- QMP: one JSON object a line from QEMU. */

static int readline_fd(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = read(fd, buf + n, 1);
        if (r <= 0)
            return -1;
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = 0;
    return (int)n;
}

/* Reads lines until an answer ("return" or "error"); events are skipped. */
static int answer(int fd, char *buf, size_t cap)
{
    for (;;) {
        if (readline_fd(fd, buf, cap) < 0)
            die("QMP connection closed", NULL);
        if (strstr(buf, "\"return\"") || strstr(buf, "\"error\""))
            return strstr(buf, "\"error\"") ? 1 : 0;
    }
}

static int qmp(int argc, char **argv)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    static char buf[1 << 16];
    if (argc < 3 || strlen(argv[2]) >= sizeof sa.sun_path)
        die("usage: qmp SOCKET JSON...", NULL);
    strcpy(sa.sun_path, argv[2]);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("cannot connect to the QMP socket", argv[2]);
    if (readline_fd(fd, buf, sizeof buf) < 0 || !strstr(buf, "\"QMP\""))
        die("no QMP greeting", NULL);
    const char *caps = "{\"execute\":\"qmp_capabilities\"}\n";
    if (write(fd, caps, strlen(caps)) < 0 || answer(fd, buf, sizeof buf))
        die("QMP capabilities refused", buf);
    int bad = 0;
    for (int i = 3; i < argc; i++) {
        if (write(fd, argv[i], strlen(argv[i])) < 0 || write(fd, "\n", 1) < 0)
            die("QMP write failed", NULL);
        bad |= answer(fd, buf, sizeof buf);
        printf("%s\n", buf);
    }
    close(fd);
    return bad;
}

/* ---- text: the string drawn with a PSF font */

static int text(int argc, char **argv)
{
    if (argc != 9)
        die("usage: text PPM FONT X Y FG BG STRING", NULL);
    img_t im = load(argv[2]);
    FILE *f = fopen(argv[3], "rb");
    static uint8_t fb[1 << 20];
    if (!f)
        die("cannot open", argv[3]);
    size_t n = fread(fb, 1, sizeof fb, f);
    fclose(f);
    psf_t font;
    if (psf_parse(&font, fb, (uint32_t)n) < 0)
        die("not a PSF font", argv[3]);
    long x0 = num(argv[4]), y0 = num(argv[5]);
    uint32_t fg = colour(argv[6]), bg = colour(argv[7]);
    const char *s = argv[8];
    inside(&im, x0, y0, (long)strlen(s) * font.width, font.height);
    for (size_t i = 0; s[i]; i++) {
        const uint8_t *g = psf_glyph(&font, (uint8_t)s[i]);
        for (uint32_t y = 0; y < font.height; y++)
            for (uint32_t x = 0; x < font.width; x++) {
                int gx = (int)(x0 + i * font.width + x), gy = (int)(y0 + y);
                uint32_t want = psf_pixel(&font, g, x, y) ? fg : bg, got = px(&im, gx, gy);
                if (got != want) {
                    fprintf(stderr, "dispcheck: '%c' (character %zu): pixel (%d,%d) is %06x, want %06x\n",
                            s[i], i, gx, gy, got, want);
                    return 1;
                }
            }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage: dispcheck qmp|size|pixel|rect|text|same ...", NULL);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "qmp"))
        return qmp(argc, argv);
    if (!strcmp(cmd, "text"))
        return text(argc, argv);
    if (argc < 3)
        die("missing PPM", NULL);
    img_t im = load(argv[2]);
    if (!strcmp(cmd, "size") && argc == 3) {
        printf("%d %d\n", im.w, im.h);
        return 0;
    }
    if (!strcmp(cmd, "pixel") && argc == 5) {
        long x = num(argv[3]), y = num(argv[4]);
        inside(&im, x, y, 1, 1);
        printf("%06x\n", px(&im, (int)x, (int)y));
        return 0;
    }
    if (!strcmp(cmd, "rect") && argc == 8) {
        long x = num(argv[3]), y = num(argv[4]), w = num(argv[5]), h = num(argv[6]);
        uint32_t c = colour(argv[7]);
        inside(&im, x, y, w, h);
        for (long j = y; j < y + h; j++)
            for (long i = x; i < x + w; i++)
                if (px(&im, (int)i, (int)j) != c) {
                    fprintf(stderr, "dispcheck: pixel (%ld,%ld) is %06x, want %06x\n", i, j,
                            px(&im, (int)i, (int)j), c);
                    return 1;
                }
        return 0;
    }
    if (!strcmp(cmd, "same") && (argc == 4 || argc == 8)) {
        img_t b = load(argv[3]);
        if (b.w != im.w || b.h != im.h) {
            fprintf(stderr, "dispcheck: sizes differ: %dx%d, %dx%d\n", im.w, im.h, b.w, b.h);
            return 1;
        }
        long x = 0, y = 0, w = im.w, h = im.h;
        if (argc == 8)
            x = num(argv[4]), y = num(argv[5]), w = num(argv[6]), h = num(argv[7]);
        inside(&im, x, y, w, h);
        for (long j = y; j < y + h; j++)
            for (long i = x; i < x + w; i++)
                if (px(&im, (int)i, (int)j) != px(&b, (int)i, (int)j)) {
                    fprintf(stderr, "dispcheck: pixel (%ld,%ld): %06x, %06x\n", i, j,
                            px(&im, (int)i, (int)j), px(&b, (int)i, (int)j));
                    return 1;
                }
        return 0;
    }
    die("bad command or arguments", cmd);
    return 2;
}
