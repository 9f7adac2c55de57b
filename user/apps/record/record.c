/*
 * record SECONDS FILE: SECONDS (1..10) of the microphone into FILE as a
 * WAV file (s16le, 16 kHz, mono), through a raw lease of SECONDS + 3 s.
 * record -l SECONDS: a level-only lease of SECONDS: prints the loudness
 * of each 100 ms block (whole dBFS), ten to a line, until the lease ends,
 * and how the next read failed.
 * -w (with FILE): after writing, reads on until the lease ends and
 * reports how the next read failed (the boot test's check).
 *
 * An SDK program (docs/privacy.md); its capabilities are bin/record.caps:
 * sensor.request, its box, and the file service for FILE.
 */
#include <fsproto.h>
#include <sensor.h>
#include <stdbool.h>

#define MS 1000000ll
#define MAX_S 10
#define WAV_HDR 44
#define IO_PAGES 16

static uint8_t area[SENSOR_MIC_RING + ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t io[IO_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t wav[WAV_HDR + MAX_S * SENSOR_MIC_RATE * 2];
static sensor_lease_t lease;
static ath_handle_t idle;

static bool word(const char *a, int32_t n, const char *w)
{
    int32_t i = 0;
    for (; w[i]; i++)
        if (i >= n || a[i] != w[i])
            return false;
    return i == n;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

/* The canonical 44-byte header of a PCM WAV file of n data bytes. */
static void wav_header(uint8_t *h, uint32_t n)
{
    __builtin_memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + n);
    __builtin_memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put32(h + 20, 1 | 1 << 16);                     /* PCM, one channel */
    put32(h + 24, SENSOR_MIC_RATE);
    put32(h + 28, SENSOR_MIC_RATE * 2);             /* bytes a second */
    put32(h + 32, 2 | 16 << 16);                    /* block align, bits */
    __builtin_memcpy(h + 36, "data", 4);
    put32(h + 40, n);
}

static int32_t fail(const char *what, int32_t e)
{
    ath_print("record: ");
    ath_print(what);
    ath_print(ath_strerror(e));
    ath_print("\n");
    return 1;
}

/* Reads until the lease ends: the error that ended it. */
static int32_t until_end(uint32_t *reads)
{
    int32_t e;
    uint32_t lost = 0;
    uint8_t scratch[256];
    while ((e = sensor_read_stream(&lease, scratch, sizeof scratch, &lost)) >= 0) {
        (*reads)++;
        ath_wait(idle, 20 * MS);
    }
    return e;
}

static int32_t levels(uint32_t secs)
{
    int32_t e = sensor_open(&lease, "record", SENSOR_MIC, SENSOR_LEVEL, secs * 1000, "show how loud it is", area);
    if (e < 0)
        return fail("no lease of the mic: ", e == ATH_ERIGHTS ? ATH_ERIGHTS : e);
    uint32_t lost = 0, n = 0, reads = 0;
    int8_t lv[16];
    char line[96];
    int32_t k = 0;
    while ((e = sensor_read_stream(&lease, (uint8_t *)lv, sizeof lv, &lost)) >= 0) {
        reads++;
        for (int32_t i = 0; i < e; i++) {
            if (k == 0)
                for (const char *s = "record: levels (dBFS):"; *s; s++)
                    line[k++] = *s;
            line[k++] = ' ';
            int32_t v = lv[i];
            if (v < 0)
                line[k++] = '-', v = -v;
            if (v >= 100)
                line[k++] = (char)('0' + v / 100);
            if (v >= 10)
                line[k++] = (char)('0' + v / 10 % 10);
            line[k++] = (char)('0' + v % 10);
            if (++n % 10 == 0) {
                line[k++] = '\n';
                ath_debug_print(line, k);
                k = 0;
            }
        }
        if (e == 0)
            ath_wait(idle, 20 * MS);
    }
    if (k) {
        line[k++] = '\n';
        ath_debug_print(line, k);
    }
    ath_print("record: mic: lease ended, the next read failed: ");
    ath_print(ath_strerror(e));
    ath_print(" (after ");
    ath_print_int(n);
    ath_print(" levels, ");
    ath_print_int(reads);
    ath_print(" reads)\n");
    sensor_close(&lease);
    return n ? 0 : 1;
}

ATH_EXPORT("_start") int32_t _start(void)
{
    char args[128];
    int32_t n = ath_args(args, sizeof args - 1);
    bool level = false, wait_end = false;
    uint32_t secs = 0;
    char path[100];
    int32_t plen = 0;
    for (int32_t i = 0; i < n;) {
        int32_t j = i;
        while (j < n && args[j] != ' ')
            j++;
        if (word(args + i, j - i, "-l"))
            level = true;
        else if (word(args + i, j - i, "-w"))
            wait_end = true;
        else if (args[i] >= '0' && args[i] <= '9' && !secs) {
            for (int32_t k = i; k < j && secs <= 100; k++)
                secs = args[k] >= '0' && args[k] <= '9' ? secs * 10 + (uint32_t)(args[k] - '0') : 1000;
        } else if (!plen && j - i < (int32_t)sizeof path) {
            for (int32_t k = i; k < j; k++)
                path[plen++] = args[k];
        } else {
            plen = -1;
        }
        i = j + 1;
    }
    if (secs < 1 || secs > MAX_S || plen < 0 || (level ? plen > 0 : plen == 0)) {
        ath_print("usage: record [-w] SECONDS FILE | record -l SECONDS (SECONDS 1..10)\n");
        return 1;
    }
    path[plen] = 0;
    idle = ath_cap_find("box.record");          /* nobody notifies the box: a sleep */
    if (level)
        return levels(secs);
    ath_handle_t fs = ath_cap_find("fs.root"), iob = ath_buf_new(IO_PAGES);
    if (fs < 0 || iob < 0 || ath_buf_map(iob, (uint32_t)(uintptr_t)io) < 0)
        return fail("no file service: ", fs < 0 ? fs : iob < 0 ? iob : ATH_EMAPPED);
    int32_t e = sensor_open(&lease, "record", SENSOR_MIC, SENSOR_RAW, (secs + 3) * 1000,
                            "record to a file", area);
    if (e < 0)
        return fail("no lease of the mic: ", e);
    uint32_t want = secs * SENSOR_MIC_RATE * 2, have = 0, lost = 0;
    while (have < want) {
        e = sensor_read_stream(&lease, wav + WAV_HDR + have, want - have, &lost);
        if (e < 0) {
            ath_print("record: mic: lease ended after ");
            ath_print_int(have);
            ath_print(" bytes: ");
            ath_print(ath_strerror(e));
            ath_print("\n");
            return 1;
        }
        have += (uint32_t)e;
        if (e == 0)
            ath_wait(idle, 20 * MS);
    }
    if (!wait_end)
        sensor_close(&lease);       /* done with the microphone before the disk */
    wav_header(wav, want);
    int32_t w = ath_fs_write_file(fs, iob, io, sizeof io, path, wav, WAV_HDR + want);
    if (w < 0)
        return fail("cannot write the file: ", w);
    ath_print("record: ");
    ath_print(path);
    ath_print(": ");
    ath_print_int(secs);
    ath_print(" s of 16 kHz s16le mono, ");
    ath_print_int(w);
    ath_print(" bytes, lost ");
    ath_print_int(lost);
    ath_print("\n");
    if (wait_end) {
        uint32_t reads = 0;
        e = until_end(&reads);
        ath_print("record: mic: lease ended, the next read failed: ");
        ath_print(ath_strerror(e));
        ath_print("\n");
        sensor_close(&lease);
    }
    return lost ? 1 : 0;
}
