/* make bench-wasi-fs: a WASI program inside Athanor writes a file of
 * SIZE MiB (argument 2, default 8) in 64 KiB writes under the directory
 * named by argument 1, syncs it, reads it back in 64 KiB reads, checks
 * it and removes it: program -> WASI layer -> kernel backend -> file
 * service -> block driver. Each 64 KiB differs from the others by a
 * stamp on each of its 4 KiB pages, and the read checks the stamps and a
 * byte of the fill beside each: the program itself does little work per
 * request (a memset and memcmp of 64 KiB each, interpreted under TCG,
 * had cost more than the I/O). Prints one line:
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

/* fsrate -r FILE [PASSES]: only reads FILE to its end in 64 KiB reads,
 * PASSES times (default 1), and exits 0 (1 on an error): make bench-fs
 * times it from outside, one pass against two so the program's load
 * drops out, beside the block driver read raw
 * (user/test/scenario/fsbench.c). */
static int read_only(const char *path, int passes)
{
    static char back[65536];
    for (int p = 0; p < passes; p++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) {
            perror(path);
            return 1;
        }
        ssize_t r;
        long long total = 0;
        while ((r = read(fd, back, sizeof back)) > 0)
            total += r;
        close(fd);
        if (r < 0 || total == 0) {
            perror("read");
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static char buf[65536], back[65536];
    if ((argc == 3 || argc == 4) && !strcmp(argv[1], "-r"))
        return read_only(argv[2], argc == 4 ? atoi(argv[3]) : 1);
    char path[256];
    long mib = argc > 2 ? atol(argv[2]) : 8;
    snprintf(path, sizeof path, "%s/fsrate.bin", argc > 1 ? argv[1] : ".");
    long n = mib * 16;
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0 || mib <= 0) {
        perror(path);
        return 1;
    }
    for (size_t k = 0; k < sizeof buf; k++)
        buf[k] = (char)('a' + k % 26);
    double t0 = now();
    for (long i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof buf; k += 4096)
            buf[k] = (char)(i + (long)(k >> 12));
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
        if (read(fd, back, sizeof back) != (ssize_t)sizeof back) {
            printf("wasi-fs: short read at block %ld\n", i);
            return 1;
        }
        for (size_t k = 0; k < sizeof back; k += 4096)
            if (back[k] != (char)(i + (long)(k >> 12)) || back[k + 1] != (char)('a' + (k + 1) % 26)) {
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
