/* A WASI program on a disk that fails some of its sectors (QEMU blkdebug,
 * tests/groups/66-wasi-os.sh): reading bad.txt (its first block fails to
 * read) and writing wbad.txt (its first block fails to write) must give
 * EIO, and the program goes on: good.txt beside them reads fine, and the
 * program exits 0 when every call did what it must. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fails;

static void expect_eio(const char *what, long r)
{
    if (r < 0 && errno == EIO) {
        printf("%s: EIO\n", what);
    } else {
        printf("%s: %ld (errno %d), not EIO\n", what, r, r < 0 ? errno : 0);
        fails++;
    }
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    char path[256], buf[1024];
    snprintf(path, sizeof path, "%s/bad.txt", dir);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("open bad.txt: errno %d\n", errno);
        return 1;
    }
    expect_eio("read bad.txt", (long)read(fd, buf, sizeof buf));
    expect_eio("read bad.txt again", (long)read(fd, buf, sizeof buf));
    close(fd);

    snprintf(path, sizeof path, "%s/good.txt", dir);
    fd = open(path, O_RDONLY);
    long n = fd < 0 ? -1 : (long)read(fd, buf, sizeof buf - 1);
    if (n < 0) {
        printf("read good.txt: errno %d\n", errno);
        fails++;
    } else {
        buf[n] = 0;
        printf("read good.txt: %s", buf);
    }
    if (fd >= 0)
        close(fd);

    snprintf(path, sizeof path, "%s/wbad.txt", dir);
    fd = open(path, O_RDWR);
    if (fd < 0) {
        printf("open wbad.txt: errno %d\n", errno);
        return 1;
    }
    memset(buf, 'x', sizeof buf);
    expect_eio("write wbad.txt", (long)pwrite(fd, buf, sizeof buf, 0));
    expect_eio("fsync wbad.txt", (long)fsync(fd));
    close(fd);
    printf("eio: %s\n", fails ? "FAILED" : "done");
    return fails ? 1 : 0;
}
