/* Run by fakebackend (tests/wasi/fakebackend.c), whose backend has a
 * console, a fixed clock and predictable "random" bytes, and no file
 * operations at all: those must fail with nosys (52). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))
WASI("path_open") int32_t raw_path_open(int32_t fd, int32_t dirflags, const char *path,
                                        int32_t path_len, int32_t oflags, int64_t rights,
                                        int64_t inheriting, int32_t fdflags, int32_t *out);
WASI("path_create_directory") int32_t raw_mkdir(int32_t fd, const char *path, int32_t len);
WASI("poll_oneoff") int32_t raw_poll_oneoff(void *in, void *out, uint32_t n, uint32_t *nout);

int main(int argc, char **argv)
{
    unsigned char r[8];
    int32_t fd;
    printf("argv[0]=%s argc=%d\n", argv[0], argc);
    printf("time=%lld\n", (long long)time(NULL));
    if (getentropy(r, sizeof r) == 0)
        printf("random=%02x%02x%02x%02x%02x%02x%02x%02x\n", r[0], r[1], r[2], r[3], r[4],
               r[5], r[6], r[7]);
    printf("path_open: %d\n", raw_path_open(3, 0, "x", 1, 0, 2, 2, 0, &fd));
    printf("mkdir: %d\n", raw_mkdir(3, "x", 1));
    printf("mkdir escaping: %d\n", raw_mkdir(3, "../x", 4));
    uint8_t sub[48] = {0}, ev[32];
    uint32_t n = 0;
    sub[24] = 1;                 /* relative clock, 1 ns: sleep is missing */
    printf("poll_oneoff: %d\n", raw_poll_oneoff(sub, ev, 1, &n));
    fprintf(stderr, "to stderr\n");
    fflush(stdout);
    exit(5);
}
