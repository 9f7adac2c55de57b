/*
 * wdisp: a WASI program (wasi-libc, nothing of Azoth's SDK) drawing
 * through the display's files (docs/display.md, "WASI programs"), built
 * and run by tests/groups/66-display.sh:
 *   run /bin/wdisp.wasm            no /display without --display: says so
 *   run --display /bin/wdisp.wasm  everything a program might try that the
 *       display service must refuse, each with the error it must give, and
 *       then a 64x48 picture of four solid quarters (red, green, blue,
 *       white), which the tile shows at 4x: the test checks the screendump.
 * Prints a line per refusal that went wrong and ends with
 *   wdisp: N refused as they should be, W wrong; /display/app: 64x48 shown
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define W 64
#define H 48
static unsigned char pic[32 + W * H * 3];
static int refused, wrong;

static void expect(const char *what, int got, int want_errno)
{
    if (got < 0 && errno == want_errno) {
        refused++;
        return;
    }
    wrong++;
    printf("wdisp: %s: %s, not %s\n", what, got < 0 ? strerror(errno) : "worked", strerror(want_errno));
}

static int wopen(const char *p)
{
    return open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

/* A file whose first write is bytes (n of them): that write's result. */
static int first_write(const char *bytes, size_t n)
{
    int fd = wopen("/display/app");
    if (fd < 0)
        return -1;
    int r = (int)write(fd, bytes, n);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

static int picture(void)
{
    int n = sprintf((char *)pic, "P6\n%d %d\n255\n", W, H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            static const unsigned c[4] = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff};
            unsigned v = c[(y >= H / 2) * 2 + (x >= W / 2)];
            pic[n++] = (unsigned char)(v >> 16), pic[n++] = (unsigned char)(v >> 8), pic[n++] = (unsigned char)v;
        }
    return n;
}

int main(void)
{
    int fd = open("/display", O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("wdisp: no /display (%s)\n", strerror(errno));
        return 0;
    }
    close(fd);
    expect("open for reading", open("/display/app", O_RDONLY), EACCES);
    /* read-write opens (the service is asked only whether to write), but
     * reading is refused by the service itself */
    fd = open("/display/app", O_RDWR);
    char b[4];
    if (fd < 0)
        wrong++, printf("wdisp: open read-write: %s\n", strerror(errno));
    else
        expect("a read of a file opened read-write", (int)pread(fd, b, sizeof b, 0), EACCES), close(fd);
    expect("another name", wopen("/display/term"), ENOENT);
    expect("a longer name", wopen("/display/application"), ENOENT);
    expect("out of the directory", wopen("/display/../app"), ENOTCAPABLE);
    expect("exclusive create", open("/display/app", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    expect("a P5 header", first_write("P5\n2 2\n255\n", 11), EINVAL);
    expect("a zero width", first_write("P6\n0 2\n255\n", 11), EINVAL);
    expect("maxval 65535", first_write("P6\n2 2\n65535\n", 13), EINVAL);
    expect("2000 wide", first_write("P6\n2000 2\n255\n", 14), EINVAL);
    expect("a comment", first_write("P6\n# hi\n2 2\n255\n", 16), EINVAL);
    expect("a header of spaces", first_write("P6                                    ", 38), EINVAL);
    /* bytes out of order; past the picture's end; then every write refused */
    fd = wopen("/display/app");
    expect("a write at offset 100 first", (int)pwrite(fd, "P6\n1 1\n255\n", 11, 100), EINVAL);
    expect("then in order", (int)pwrite(fd, "P6\n1 1\n255\n", 11, 0), EINVAL);
    close(fd);
    fd = wopen("/display/app");
    expect("bytes past the picture", (int)write(fd, "P6\n1 1\n255\nabcd", 15), EINVAL);
    expect("reading a file opened to write", (int)read(fd, b, sizeof b), EBADF);
    close(fd);
    /* four files open at once, the fifth refused */
    int fds[5];
    for (int i = 0; i < 4; i++)
        fds[i] = wopen("/display/win");
    expect("a fifth file open", fds[4] = wopen("/display/app"), ENFILE);
    for (int i = 0; i < 4; i++)
        if (fds[i] >= 0)
            close(fds[i]);
        else
            wrong++, printf("wdisp: file %d of 4 not opened: %s\n", i + 1, strerror(errno));
    /* the picture, in pieces of 1000 bytes */
    int n = picture(), done = 0;
    fd = wopen("/display/app");
    while (fd >= 0 && done < n) {
        int k = (int)write(fd, pic + done, n - done < 1000 ? (size_t)(n - done) : 1000);
        if (k <= 0)
            break;
        done += k;
    }
    if (fd < 0 || done != n || close(fd) != 0) {
        printf("wdisp: the picture: %d of %d bytes: %s\n", done, n, strerror(errno));
        return 1;
    }
    printf("wdisp: %d refused as they should be, %d wrong; /display/app: %dx%d shown\n", refused, wrong, W, H);
    return wrong != 0;
}
