/* make bench-wasi-fs: a WASI program inside Athanor writes a file of
 * SIZE MiB (argument 2, default 8) in 64 KiB writes under the directory
 * named by argument 1, syncs it, reads it back in 64 KiB reads, checks
 * it and removes it: program -> WASI layer -> kernel backend -> file
 * service -> block driver. Prints one line:
 *   wasi-fs: write W MB/s, read R MB/s (N MiB, 64 KiB requests)
 * (the clock a program sees is coarse, 1 ms: runs of seconds). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static char buf[65536], back[65536];
    char path[256];
    long mib = argc > 2 ? atol(argv[2]) : 8;
    snprintf(path, sizeof path, "%s/fsrate.bin", argc > 1 ? argv[1] : ".");
    long n = mib * 16;
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0 || mib <= 0) {
        perror(path);
        return 1;
    }
    double t0 = now();
    for (long i = 0; i < n; i++) {
        memset(buf, (int)('a' + i % 26), sizeof buf);
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
            perror("write");
            return 1;
        }
    }
    fsync(fd);
    close(fd);
    double t1 = now();
    fd = open(path, O_RDONLY);
    for (long i = 0; i < n; i++) {
        memset(buf, (int)('a' + i % 26), sizeof buf);
        if (read(fd, back, sizeof back) != (ssize_t)sizeof back || memcmp(buf, back, sizeof buf)) {
            printf("wasi-fs: read back other bytes at block %ld\n", i);
            return 1;
        }
    }
    close(fd);
    double t2 = now();
    unlink(path);
    printf("wasi-fs: write %.2f MB/s, read %.2f MB/s (%ld MiB, 64 KiB requests)\n",
           (double)mib * 1048576 / 1e6 / (t1 - t0), (double)mib * 1048576 / 1e6 / (t2 - t1), mib);
    return 0;
}
