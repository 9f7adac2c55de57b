/* Less common calls under a preopened /sandbox: poll, fcntl flags, isatty,
 * times, hard links, fallocate, fsync, fadvise, sched_yield, renumber,
 * chdir with relative paths, and a 1 MiB file written and read back. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/libc.h>

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            printf("FAIL %d: %s (errno %d: %s)\n", __LINE__, #c, errno,           \
                   strerror(errno));                                              \
            exit(1);                                                              \
        }                                                                         \
    } while (0)

static void polling(void)
{
    struct pollfd p[2] = {{.fd = 1, .events = POLLOUT}, {.fd = 0, .events = POLLIN}};
    int n = poll(p, 2, 1000);
    printf("poll stdout/stdin: n=%d out=%d in=%d\n", n, !!(p[0].revents & POLLOUT),
           !!(p[1].revents & POLLIN));
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK(poll(NULL, 0, 15) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long d = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    /* read on a clock of resolution r (Azoth's coarse clock: 1 ms with
     * edges at random), a 15 ms wait may read up to r short */
    struct timespec res;
    long long r = clock_getres(CLOCK_MONOTONIC, &res) == 0 ? res.tv_sec * 1000000000LL + res.tv_nsec : 0;
    printf("poll timeout 15ms: %s\n", d >= 15000000LL - r ? "ok" : "too short");
    CHECK(sched_yield() == 0);
    printf("isatty(1) with stdout redirected: %d\n", isatty(1));
}

static void flags_and_times(void)
{
    int fd = open("/sandbox/f.txt", O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    int fl = fcntl(fd, F_GETFL);
    printf("accmode rdwr: %d append: %d\n", (fl & O_ACCMODE) == O_RDWR, !!(fl & O_APPEND));
    CHECK(fcntl(fd, F_SETFL, fl | O_APPEND) == 0);
    printf("append after F_SETFL: %d\n", !!(fcntl(fd, F_GETFL) & O_APPEND));
    CHECK(write(fd, "abc", 3) == 3);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "def", 3) == 3);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("size after appends: %lld\n", (long long)st.st_size);
    struct timespec ts[2] = {{1000000000, 5}, {1234567890, 0}};
    CHECK(futimens(fd, ts) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("futimens mtime: %lld\n", (long long)st.st_mtim.tv_sec);
    struct timespec ts2[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
    CHECK(utimensat(AT_FDCWD, "/sandbox/f.txt", ts2, 0) == 0);
    CHECK(stat("/sandbox/f.txt", &st) == 0);
    printf("utimensat mtime: %lld atime kept: %d\n", (long long)st.st_mtim.tv_sec,
           st.st_atim.tv_sec == 1000000000);
    CHECK(posix_fallocate(fd, 0, 4096) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("fallocate size: %lld\n", (long long)st.st_size);
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
    CHECK(fsync(fd) == 0);
    CHECK(fdatasync(fd) == 0);
    CHECK(close(fd) == 0);
}

static void links_and_renumber(void)
{
    struct stat st;
    CHECK(link("/sandbox/f.txt", "/sandbox/g.txt") == 0);
    CHECK(stat("/sandbox/g.txt", &st) == 0);
    printf("hard link nlink: %d\n", (int)st.st_nlink);
    int a = open("/sandbox/f.txt", O_RDONLY), b = open("/sandbox/g.txt", O_RDONLY);
    CHECK(a >= 0 && b >= 0);
    CHECK(lseek(a, 3, SEEK_SET) == 3);
    CHECK(__wasi_fd_renumber(a, b) == 0);
    char buf[4] = {0};
    CHECK(read(b, buf, 3) == 3);
    printf("read after renumber: %s\n", buf);
    printf("old fd closed: %s\n", read(a, buf, 1) < 0 && errno == EBADF ? "yes" : "no");
    close(b);
    CHECK(unlink("/sandbox/g.txt") == 0);
    CHECK(unlink("/sandbox/f.txt") == 0);
}

static void relative_paths(void)
{
    CHECK(mkdir("/sandbox/sub", 0755) == 0);
    CHECK(chdir("/sandbox/sub") == 0);
    FILE *f = fopen("rel.txt", "w");
    CHECK(f);
    fputs("relative\n", f);
    fclose(f);
    struct stat st;
    printf("relative create visible: %s\n", stat("/sandbox/sub/rel.txt", &st) == 0 ? "yes" : "no");
    printf("../sub/rel.txt: %s\n", stat("../sub/rel.txt", &st) == 0 ? "ok" : strerror(errno));
    CHECK(unlink("rel.txt") == 0);
    CHECK(chdir("/sandbox") == 0);
    CHECK(rmdir("sub") == 0);
}

static void big_file(void)
{
    size_t n = 1 << 20;
    unsigned char *p = malloc(n), *q = malloc(n);
    CHECK(p && q);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + (i >> 9));
    int fd = open("/sandbox/big.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, p, n) == (ssize_t)n);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, q + got, n - got);
        CHECK(r > 0);
        got += (size_t)r;
    }
    printf("1 MiB round trip: %s\n", memcmp(p, q, n) ? "differs" : "ok");
    close(fd);
    CHECK(unlink("/sandbox/big.bin") == 0);
    free(p);
    free(q);
}

int main(void)
{
    polling();
    flags_and_times();
    links_and_renumber();
    relative_paths();
    big_file();
    printf("misc ok\n");
    return 0;
}
