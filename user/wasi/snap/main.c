/*
 * snap [-l] [-w] [-t SECONDS] FILE: one camera frame into FILE as a binary
 * PPM (P6), through a lease of SECONDS (default 5): full (320x240) or,
 * with -l, low resolution (80x60, each pixel the mean of a 4x4 block,
 * reduced by the broker before this program sees it). -w: after writing,
 * reads on (a frame every 50 ms) until the lease ends and reports how the
 * next read failed.
 *
 * A WASI program (wasi-libc and sdk/include/wsensor.h, docs/privacy.md):
 *   run --sensors --dir / snap -l /low.ppm
 * The lease is the file /sensors/camera/full/5 (or low/...): the broker
 * asks the policy or the person; FILE is written through the --dir
 * preopen. Given the display too (run --display: docs/display.md), it
 * also shows the frame in the screen's floating window by writing the
 * same PPM to /display/win (the low frame magnified 4x):
 *   run --sensors --display --dir / snap /snap.ppm
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wsensor.h>

static uint8_t ppm[WSENSOR_PPM_MAX];

/* The frame (n bytes of PPM) on the display when the program was given
 * it: /display/win. Without /display, nothing is said. */
static void show(size_t n)
{
    int fd = open("/display/win", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        if (errno != ENOENT && errno != ENOTCAPABLE)
            printf("snap: not shown on the display: %s\n", strerror(errno));
        return;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd, ppm + done, n - done);
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    int e = done == n ? 0 : errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (e)
        printf("snap: not shown on the display: %s\n", strerror(e));
    else
        printf("snap: shown on the display (/display/win)\n");
}

int main(int argc, char **argv)
{
    int low = 0, wait_end = 0, bad = 0;
    unsigned secs = 5;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-l") == 0)
            low = 1;
        else if (strcmp(argv[i], "-w") == 0)
            wait_end = 1;
        else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            secs = strspn(v, "0123456789") == strlen(v) && strlen(v) < 6 ? (unsigned)atoi(v) : 0;
        }
        else if (!path)
            path = argv[i];
        else
            bad = 1;
    }
    if (bad || !path || secs == 0 || secs > 3600) {
        printf("usage: snap [-l] [-w] [-t SECONDS] FILE (SECONDS 1..3600)\n");
        return 1;
    }
    int fd = wsensor_open("camera", low ? "low" : "full", secs);
    if (fd < 0) {
        printf("snap: no lease of the camera: %s\n", wsensor_strerror(errno));
        return 1;
    }
    unsigned w, h;
    size_t data;
    long reads = 1;
    ssize_t n = wsensor_read_frame(fd, ppm, sizeof ppm, &w, &h, &data);
    if (n < 0) {
        printf("snap: camera: the read failed: %s\n", wsensor_strerror(errno));
        return 1;
    }
    if (!wait_end)
        close(fd);              /* done with the camera before the disk */
    FILE *f = fopen(path, "wb");
    size_t wr = f ? fwrite(ppm, 1, (size_t)n, f) : 0;
    if (!f || wr != (size_t)n || fclose(f) != 0) {
        printf("snap: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("snap: %s: %ux%u (%s), %zu bytes\n", path, w, h, low ? "low" : "full", wr);
    show((size_t)n);
    if (wait_end) {
        while (wsensor_read_frame(fd, ppm, sizeof ppm, &w, &h, &data) >= 0) {
            reads++;
            usleep(50000);
        }
        printf("snap: camera: lease ended, the next read failed: %s (after %ld reads)\n",
               wsensor_strerror(errno), reads);
        close(fd);
    }
    return 0;
}
