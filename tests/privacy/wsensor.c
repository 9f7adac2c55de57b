/*
 * wsensor FILE [-w]: a WASI program (wasi-libc, nothing of Azoth's SDK)
 * reading a sensor as a file: run with --sensors, it has /sensors, and
 * opening /sensors/gps/coarse/5 asks the broker for a lease (the policy
 * or the person decides, docs/privacy.md). Prints the reading; with -w
 * reads again every 50 ms until a read fails and prints how. Built and
 * run by tests/groups/67-privacy.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        printf("usage: wsensor FILE [-w]\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        printf("wsensor: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
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
