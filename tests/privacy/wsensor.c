/*
 * wsensor FILE [-w | -s | -f OUT]: a WASI program (wasi-libc, nothing of
 * Azoth's SDK) reading a sensor as a file: run with --sensors, it has
 * /sensors, and opening /sensors/gps/coarse/5 asks the broker for a lease
 * (the policy or the person decides, docs/privacy.md). Built and run by
 * tests/groups/67-privacy.sh.
 *   (none)  prints the first reading (a GPS fix's line);
 *   -w      and reads it again every 50 ms until a read fails, and how;
 *   -s      a stream (the microphone): reads on from where the last read
 *           ended until a read fails; prints what it read (level files:
 *           each distinct figure) and how the next read failed;
 *   -f OUT  a whole file (a camera frame as PPM) read from offset 0 to
 *           its end in 64 KiB pieces and copied to OUT (a --dir path);
 *           prints its header line and size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char piece[65536];

/* -s: the stream from offset 0 on. A level file is lines of 5 bytes. */
static int stream(int fd, const char *name)
{
    long long off = 0, reads = 0;
    int seen[101] = {0}, level = strstr(name, "/level/") != NULL;
    ssize_t n;
    while ((n = pread(fd, piece, sizeof piece, off)) >= 0) {
        reads++;
        for (ssize_t i = 0; level && i + 5 <= n; i += 5) {
            int v = atoi(piece + i);
            if (v < -100 || v > 0 || piece[i + 4] != '\n')
                printf("wsensor: a bad level line at %lld\n", off + i);
            else
                seen[-v] = 1;
        }
        off += n;
    }
    int err = errno;
    printf("wsensor: read %lld bytes in %lld reads", off, reads);
    if (level) {
        printf("; levels (dBFS):");
        for (int v = 0; v <= 100; v++)
            if (seen[v])
                printf(" %d", -v);
    }
    printf("\nwsensor: the next read failed: %s\n", strerror(err));
    return off > 0 ? 0 : 1;
}

/* -f OUT: the whole file, its pieces from one frame (the broker holds it). */
static int whole(int fd, const char *out)
{
    FILE *o = fopen(out, "wb");
    if (!o) {
        printf("wsensor: %s: %s\n", out, strerror(errno));
        return 1;
    }
    long long off = 0;
    ssize_t n;
    char head[32] = {0};
    while ((n = pread(fd, piece, sizeof piece, off)) > 0) {
        if (off == 0)
            memcpy(head, piece, n < 31 ? (size_t)n : 31);
        if (fwrite(piece, 1, (size_t)n, o) != (size_t)n) {
            printf("wsensor: %s: %s\n", out, strerror(errno));
            return 1;
        }
        off += n;
    }
    if (n < 0) {
        printf("wsensor: read at %lld: %s\n", off, strerror(errno));
        return 1;
    }
    fclose(o);
    int w = 0, h = 0, max = 0;
    if (sscanf(head, "P6 %d %d %d", &w, &h, &max) != 3) {
        printf("wsensor: not a PPM file\n");
        return 1;
    }
    printf("wsensor: %s: P6 %dx%d, %lld bytes\n", out, w, h, off);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: wsensor FILE [-w | -s | -f OUT]\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        printf("wsensor: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (argc > 2 && strcmp(argv[2], "-s") == 0)
        return stream(fd, argv[1]);
    if (argc > 3 && strcmp(argv[2], "-f") == 0)
        return whole(fd, argv[3]);
    char b[128];
    ssize_t n = pread(fd, b, sizeof b - 1, 0);
    if (n < 0) {
        printf("wsensor: read: %s\n", strerror(errno));
        return 1;
    }
    b[n] = 0;
    printf("wsensor: %s", b);
    if (argc > 2 && strcmp(argv[2], "-w") == 0) {
        long reads = 1;
        while (pread(fd, b, sizeof b - 1, 0) >= 0) {
            reads++;
            usleep(50000);
        }
        printf("wsensor: the next read failed: %s (after %ld reads)\n", strerror(errno), reads);
    }
    close(fd);
    return 0;
}
