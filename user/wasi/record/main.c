/*
 * record [-w] SECONDS FILE: SECONDS (1..10) of the microphone into FILE as
 * a WAV file (s16le, 16 kHz, mono), through a raw lease of SECONDS + 3 s.
 * record -l SECONDS: a level-only lease of SECONDS: prints the loudness of
 * each 100 ms block (whole dBFS), ten to a line, until the lease ends, and
 * how the next read failed. -w (with FILE): after writing, reads on until
 * the lease ends and reports how the next read failed.
 *
 * A WASI program (wasi-libc and sdk/include/wsensor.h, docs/privacy.md):
 *   run --sensors --dir / record 1 /rec.wav
 * The lease is the file /sensors/mic/raw/4 (or level/SECONDS): the broker
 * asks the policy or the person, and the program never holds the lease
 * itself; FILE is written through the --dir preopen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wsensor.h>

#define MAX_S 10
#define WAV_HDR 44

static unsigned char wav[WAV_HDR + MAX_S * WSENSOR_MIC_RATE * 2];

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> 8 * i);
}

/* The canonical 44-byte header of a PCM WAV file of n data bytes. */
static void wav_header(unsigned char *h, uint32_t n)
{
    memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + n);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put32(h + 20, 1 | 1 << 16);                     /* PCM, one channel */
    put32(h + 24, WSENSOR_MIC_RATE);
    put32(h + 28, WSENSOR_MIC_RATE * 2);            /* bytes a second */
    put32(h + 32, 2 | 16 << 16);                    /* block align, bits */
    memcpy(h + 36, "data", 4);
    put32(h + 40, n);
}

/* -l: the level lines, ten figures to a printed line. */
static int levels(unsigned secs)
{
    int fd = wsensor_open("mic", "level", secs);
    if (fd < 0) {
        printf("record: no lease of the mic: %s\n", wsensor_strerror(errno));
        return 1;
    }
    char buf[100 * WSENSOR_LEVEL_LINE], line[128];
    uint64_t pos = 0;
    long n = 0, reads = 0;
    int k = 0;
    ssize_t r;
    while ((r = wsensor_read(fd, buf, sizeof buf, &pos)) > 0) {
        reads++;
        for (ssize_t i = 0; i + WSENSOR_LEVEL_LINE <= r; i += WSENSOR_LEVEL_LINE) {
            if (k == 0)
                k = snprintf(line, sizeof line, "record: levels (dBFS):");
            k += snprintf(line + k, sizeof line - (size_t)k, " %d", atoi(buf + i));
            if (++n % 10 == 0) {
                printf("%s\n", line);
                k = 0;
            }
        }
    }
    int e = errno;
    if (k)
        printf("%s\n", line);
    printf("record: mic: lease ended, the next read failed: %s (after %ld levels, %ld reads)\n",
           wsensor_strerror(e), n, reads);
    close(fd);
    return n ? 0 : 1;
}

int main(int argc, char **argv)
{
    int level = 0, wait_end = 0;
    unsigned secs = 0;
    const char *path = NULL;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-l") == 0)
            level = 1;
        else if (strcmp(argv[i], "-w") == 0)
            wait_end = 1;
        else if (argv[i][0] >= '0' && argv[i][0] <= '9' && !secs)
            secs = strspn(argv[i], "0123456789") == strlen(argv[i]) && strlen(argv[i]) < 4
                       ? (unsigned)atoi(argv[i]) : 1000;
        else if (!path)
            path = argv[i];
        else
            bad = 1;
    }
    if (bad || secs < 1 || secs > MAX_S || (level ? path != NULL : path == NULL)) {
        printf("usage: record [-w] SECONDS FILE | record -l SECONDS (SECONDS 1..10)\n");
        return 1;
    }
    if (level)
        return levels(secs);
    int fd = wsensor_open("mic", "raw", secs + 3);
    if (fd < 0) {
        printf("record: no lease of the mic: %s\n", wsensor_strerror(errno));
        return 1;
    }
    uint32_t want = secs * WSENSOR_MIC_RATE * 2;
    uint64_t pos = 0;
    while (pos < want) {
        if (wsensor_read(fd, wav + WAV_HDR + pos, want - pos, &pos) < 0) {
            printf("record: mic: lease ended after %llu bytes: %s\n", (unsigned long long)pos,
                   wsensor_strerror(errno));
            return 1;
        }
    }
    if (!wait_end)
        close(fd);              /* done with the microphone before the disk */
    wav_header(wav, want);
    FILE *f = fopen(path, "wb");
    size_t w = f ? fwrite(wav, 1, WAV_HDR + want, f) : 0;
    if (!f || w != WAV_HDR + want || fclose(f) != 0) {
        printf("record: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("record: %s: %u s of 16 kHz s16le mono, %zu bytes\n", path, secs, w);
    if (wait_end) {
        static char scratch[4096];
        while (wsensor_read(fd, scratch, sizeof scratch, &pos) > 0)
            ;
        printf("record: mic: lease ended, the next read failed: %s\n", wsensor_strerror(errno));
        close(fd);
    }
    return 0;
}
