/*
 * The microphone and camera stand-ins' data (docs/privacy.md), for the
 * privacy tests and make bench-privacy:
 *
 *   sensordata wav FILE            the test WAV: 2 s of s16le, 16 kHz, mono:
 *                                  1 s of loud noise (uniform in +-8192: RMS
 *                                  -17 dBFS), 1 s of quiet noise (+-64: -59 dBFS)
 *   sensordata frames FILE         the camera's stream: binary PPM frames,
 *                                  four 320x240 test patterns and, between the
 *                                  second and the third, one 320x200 frame
 *                                  (the wrong size: the driver drops it)
 *   sensordata feed RATE CHUNK FILE [SKIP]
 *                                  FILE (from byte SKIP) to stdout, round and
 *                                  round, CHUNK bytes at a time at RATE bytes a
 *                                  second, until stdout closes. A pipe is made
 *                                  as small as Linux allows (one page), and a
 *                                  feeder held up (nobody reads: the device is
 *                                  stopped) does not catch up after: what QEMU
 *                                  finds when the device starts is at most a
 *                                  page and a chunk from before, as a real
 *                                  sensor's small hardware FIFO would hold
 *   sensordata checkwav REC SRC    REC is a WAV file (16 kHz, s16le, mono) whose
 *                                  samples are a contiguous stretch of SRC's,
 *                                  played round and round: prints where
 *   sensordata checkppm SNAP FRAMES [low]
 *                                  SNAP is a P6 file equal to one of FRAMES'
 *                                  320x240 frames (low: its 80x60 4x4 block means)
 *   sensordata checkshot SHOT X Y FRAMES [low]
 *                                  the 320x240 pixels of SHOT (a screendump, P6)
 *                                  from (X, Y) are one of FRAMES' frames (low:
 *                                  its 4x4 block means, each shown as 4x4 pixels)
 *   sensordata checksum SUM FRAMES [low]
 *                                  SUM (8 hex digits) is the FNV-1a (32 bits) of
 *                                  the RGB bytes of one of FRAMES' 320x240 frames
 *                                  (low: of its 4x4 block means), as the SDK test
 *                                  programs print it (rsmedia, asmedia)
 *
 * Exit status 0 when the check holds, 1 with the reason otherwise.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W 320
#define H 240
#define FRAME (W * H * 3)
#define NFRAMES 4

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 20, len = 0;
    uint8_t *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + len, 1, cap - len, f)) > 0)
        if ((len += k) == cap)
            b = realloc(b, cap *= 2);
    fclose(f);
    if (!b) {
        fprintf(stderr, "%s: out of memory\n", path);
        exit(1);
    }
    *n = len;
    return b;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v), put16(p + 2, v >> 16); }

static int make_wav(const char *path)
{
    enum { RATE = 16000, N = 2 * RATE };
    static uint8_t b[44 + 2 * N];
    memcpy(b, "RIFF", 4), put32(b + 4, 36 + 2 * N), memcpy(b + 8, "WAVEfmt ", 8);
    put32(b + 16, 16), put16(b + 20, 1), put16(b + 22, 1), put32(b + 24, RATE), put32(b + 28, 2 * RATE);
    put16(b + 32, 2), put16(b + 34, 16), memcpy(b + 36, "data", 4), put32(b + 40, 2 * N);
    uint32_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        int amp = i < RATE ? 8192 : 64;
        int v = (int)((x >> 8) % (uint32_t)(2 * amp)) - amp;
        put16(b + 44 + 2 * i, (uint32_t)(uint16_t)(int16_t)v);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, sizeof b, f) != sizeof b || fclose(f)) {
        perror(path);
        return 1;
    }
    return 0;
}

static uint8_t pixel(int f, int x, int y, int c)
{
    return (uint8_t)(c == 0 ? x * 255 / (W - 1) : c == 1 ? (y + 60 * f) % H * 255 / (H - 1) : ((x / 8) ^ (y / 8)) * 16 + 64 * f);
}

static int make_frames(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    for (int k = 0; k < NFRAMES; k++) {
        if (k == 2) {                   /* the wrong size */
            fprintf(f, "P6\n320 200\n255\n");
            for (int i = 0; i < 320 * 200 * 3; i++)
                fputc(i * 7 & 255, f);
        }
        fprintf(f, "P6\n%d %d\n255\n", W, H);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < 3; c++)
                    fputc(pixel(k, x, y, c), f);
    }
    return fclose(f) ? 1 : 0;
}

static int feed(long rate, long chunk, const char *path, long skip)
{
    size_t n;
    uint8_t *b = slurp(path, &n);
    if (skip < 0 || (size_t)skip >= n || rate <= 0 || chunk <= 0)
        return 1;
    fcntl(1, F_SETPIPE_SZ, 4096);       /* not a pipe: nothing to do */
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t at = (size_t)skip;
    for (uint64_t sent = 0;; sent += (uint64_t)chunk) {
        /* steady: chunk k leaves at k * chunk / rate seconds */
        double due = (double)sent / (double)rate;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
        if (due > el) {
            struct timespec d = {(time_t)(due - el), (long)((due - el - (double)(time_t)(due - el)) * 1e9)};
            nanosleep(&d, NULL);
        } else if (el - due > (double)chunk / (double)rate) {
            /* held up: go on from now, no burst to catch up */
            sent = (uint64_t)(el * (double)rate);
        }
        for (long k = 0; k < chunk; k++) {
            if (putchar(b[at]) == EOF)
                return 0;
            if (++at == n)
                at = (size_t)skip;
        }
        if (fflush(stdout))
            return 0;
    }
}

static int check_wav(const char *rec, const char *src)
{
    size_t nr, ns;
    uint8_t *r = slurp(rec, &nr), *s = slurp(src, &ns);
    if (nr < 44 || memcmp(r, "RIFF", 4) || memcmp(r + 8, "WAVEfmt ", 8) || memcmp(r + 36, "data", 4) ||
        r[20] != 1 || r[22] != 1 || (r[24] | r[25] << 8) != 16000 || r[34] != 16) {
        printf("%s: not a 16 kHz s16le mono WAV file\n", rec);
        return 1;
    }
    size_t data = (size_t)(r[40] | r[41] << 8 | r[42] << 16 | (uint32_t)r[43] << 24);
    if (data != nr - 44 || data == 0 || data % 2) {
        printf("%s: data size %zu, file %zu\n", rec, data, nr);
        return 1;
    }
    const uint8_t *pcm = s + 44;
    size_t np = ns - 44;
    for (size_t start = 0; start < np; start += 2) {
        size_t i = 0;
        while (i < data && r[44 + i] == pcm[(start + i) % np])
            i++;
        if (i == data) {
            printf("%s: %zu samples, the source's from sample %zu on\n", rec, data / 2, start / 2);
            return 0;
        }
    }
    printf("%s: its %zu samples are no stretch of the source\n", rec, data / 2);
    return 1;
}

static int check_ppm(const char *snap, const char *frames, int low)
{
    size_t n, nf;
    uint8_t *p = slurp(snap, &n), *f = slurp(frames, &nf);
    int w = low ? W / 4 : W, h = low ? H / 4 : H, hl = 0;
    char want[32];
    snprintf(want, sizeof want, "P6\n%d %d\n255\n", w, h);
    hl = (int)strlen(want);
    if (n != (size_t)hl + (size_t)(w * h * 3) || memcmp(p, want, (size_t)hl)) {
        printf("%s: not a %dx%d P6 file (%zu bytes)\n", snap, w, h, n);
        return 1;
    }
    /* each good frame of the stream: its header, then its pixels */
    const char *hdr = "P6\n320 240\n255\n";
    size_t hlen = strlen(hdr);
    int k = 0;
    for (size_t at = 0; at + hlen + FRAME <= nf;) {
        if (memcmp(f + at, hdr, hlen)) {
            at++;
            continue;
        }
        const uint8_t *fr = f + at + hlen;
        int same = 1;
        for (int y = 0; y < h && same; y++)
            for (int x = 0; x < w && same; x++)
                for (int c = 0; c < 3 && same; c++) {
                    int v;
                    if (low) {
                        int sum = 0;
                        for (int dy = 0; dy < 4; dy++)
                            for (int dx = 0; dx < 4; dx++)
                                sum += fr[((y * 4 + dy) * W + x * 4 + dx) * 3 + c];
                        v = (sum + 8) / 16;
                    } else {
                        v = fr[(y * W + x) * 3 + c];
                    }
                    same = p[hl + (y * w + x) * 3 + c] == v;
                }
        if (same) {
            printf("%s: %dx%d, frame %d of the stream%s\n", snap, w, h, k, low ? " (4x4 means)" : "");
            return 0;
        }
        k++;
        at += hlen + FRAME;
    }
    printf("%s: %dx%d, equal to none of the stream's %d frames\n", snap, w, h, k);
    return 1;
}

/* SHOT's 320x240 pixels at (x0, y0) against each good frame (low: its
 * means magnified 4x). */
static int check_shot(const char *shot, int x0, int y0, const char *frames, int low)
{
    size_t n, nf;
    uint8_t *p = slurp(shot, &n), *f = slurp(frames, &nf);
    int sw, sh, mx, at = 0;
    if (sscanf((const char *)p, "P6 %d %d %d%n", &sw, &sh, &mx, &at) != 3 || mx != 255 || x0 < 0 || y0 < 0 ||
        x0 + W > sw || y0 + H > sh || (size_t)at + 1 + (size_t)sw * (size_t)sh * 3 > n) {
        printf("%s: not a P6 screendump holding 320x240 at %d,%d\n", shot, x0, y0);
        return 1;
    }
    const uint8_t *px = p + at + 1;
    const char *hdr = "P6\n320 240\n255\n";
    size_t hlen = strlen(hdr);
    int k = 0;
    for (size_t i = 0; i + hlen + FRAME <= nf;) {
        if (memcmp(f + i, hdr, hlen)) {
            i++;
            continue;
        }
        const uint8_t *fr = f + i + hlen;
        int same = 1;
        for (int y = 0; y < H && same; y++)
            for (int x = 0; x < W && same; x++)
                for (int c = 0; c < 3 && same; c++) {
                    int v = fr[(y * W + x) * 3 + c];
                    if (low) {
                        int sum = 0, bx = x / 4 * 4, by = y / 4 * 4;
                        for (int dy = 0; dy < 4; dy++)
                            for (int dx = 0; dx < 4; dx++)
                                sum += fr[((by + dy) * W + bx + dx) * 3 + c];
                        v = (sum + 8) / 16;
                    }
                    same = px[((size_t)(y0 + y) * (size_t)sw + (size_t)(x0 + x)) * 3 + c] == v;
                }
        if (same) {
            printf("%s: 320x240 at %d,%d: frame %d of the stream%s\n", shot, x0, y0, k,
                   low ? " (its 4x4 means, 4x)" : "");
            return 0;
        }
        k++;
        i += hlen + FRAME;
    }
    printf("%s: 320x240 at %d,%d: none of the stream's %d frames\n", shot, x0, y0, k);
    return 1;
}

/* The FNV-1a of each good frame of the stream (low: of its 4x4 means). */
static int check_sum(const char *sum, const char *frames, int low)
{
    size_t nf;
    uint8_t *f = slurp(frames, &nf);
    char *end;
    unsigned long want = strtoul(sum, &end, 16);
    if (strlen(sum) != 8 || *end) {
        printf("%s: not 8 hex digits\n", sum);
        return 1;
    }
    const char *hdr = "P6\n320 240\n255\n";
    size_t hlen = strlen(hdr);
    int w = low ? W / 4 : W, h = low ? H / 4 : H, k = 0;
    for (size_t at = 0; at + hlen + FRAME <= nf;) {
        if (memcmp(f + at, hdr, hlen)) {
            at++;
            continue;
        }
        const uint8_t *fr = f + at + hlen;
        uint32_t fnv = 2166136261u;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) {
                    int v = 0;
                    for (int dy = 0; dy < (low ? 4 : 1); dy++)
                        for (int dx = 0; dx < (low ? 4 : 1); dx++)
                            v += fr[((y * (low ? 4 : 1) + dy) * W + x * (low ? 4 : 1) + dx) * 3 + c];
                    fnv = (fnv ^ (uint32_t)(low ? (v + 8) / 16 : v)) * 16777619u;
                }
        if (fnv == want) {
            printf("checksum %s: %dx%d, frame %d of the stream%s\n", sum, w, h, k, low ? " (4x4 means)" : "");
            return 0;
        }
        k++;
        at += hlen + FRAME;
    }
    printf("checksum %s: %dx%d, that of none of the stream's %d frames\n", sum, w, h, k);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "wav"))
        return make_wav(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "frames"))
        return make_frames(argv[2]);
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "feed"))
        return feed(atol(argv[2]), atol(argv[3]), argv[4], argc == 6 ? atol(argv[5]) : 0);
    if (argc == 4 && !strcmp(argv[1], "checkwav"))
        return check_wav(argv[2], argv[3]);
    if ((argc == 4 || argc == 5) && !strcmp(argv[1], "checkppm"))
        return check_ppm(argv[2], argv[3], argc == 5 && !strcmp(argv[4], "low"));
    if ((argc == 6 || argc == 7) && !strcmp(argv[1], "checkshot"))
        return check_shot(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5], argc == 7 && !strcmp(argv[6], "low"));
    if ((argc == 4 || argc == 5) && !strcmp(argv[1], "checksum"))
        return check_sum(argv[2], argv[3], argc == 5 && !strcmp(argv[4], "low"));
    fprintf(stderr, "usage: sensordata wav FILE | frames FILE | feed RATE CHUNK FILE [SKIP] |\n"
                    "       checkwav REC SRC | checkppm SNAP FRAMES [low] |\n"
                    "       checkshot SHOT X Y FRAMES [low] | checksum SUM FRAMES [low]\n");
    return 2;
}
