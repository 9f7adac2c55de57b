/* poll() on stdin (WASI poll_oneoff with a clock and an fd_read on fd 0,
 * tests/groups/66-wasi-os.sh): waits in 300 ms steps until stdin has
 * bytes, says once that it is waiting, then reads the line and reports
 * how many timeouts came first. With input already there: none. */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    int timeouts = 0;
    for (;;) {
        struct pollfd p = {0, POLLIN, 0};
        int r = poll(&p, 1, 300);
        if (r < 0) {
            perror("poll");
            return 1;
        }
        if (r == 0) {
            if (timeouts++ == 0) {
                printf("pollin: waiting\n");
                fflush(stdout);
            }
            continue;
        }
        if (!(p.revents & POLLIN)) {
            printf("pollin: revents %d without POLLIN\n", p.revents);
            return 1;
        }
        /* Typed bytes come one by one: the line is read to its end (a
         * first read may see only its first byte). */
        char b[64];
        ssize_t n = 0, k;
        while (n < (ssize_t)sizeof b && (k = read(0, b + n, sizeof b - (size_t)n)) > 0) {
            n += k;
            if (b[n - 1] == '\n' || b[n - 1] == '\r')
                break;
        }
        printf("pollin: %s timeouts before input, read %zd bytes\n", timeouts ? "some" : "no", n);
        return n > 0 ? 0 : 1;
    }
}
