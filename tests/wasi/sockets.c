/* The socket calls on descriptors that are not sockets: as wasmtime
 * answers, notsock on an open descriptor (stdin, stdout, a preopen),
 * badf on one that is not open. */
#include <stdio.h>
#include <wasi/api.h>

static const char *name(__wasi_errno_t e)
{
    return e == __WASI_ERRNO_NOTSOCK ? "notsock" : e == __WASI_ERRNO_BADF ? "badf"
         : e == 0 ? "ok" : "other";
}

int main(void)
{
    static const __wasi_fd_t fds[] = {0, 1, 3, 77, 0xffffffffu};
    for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        __wasi_fd_t fd = fds[i], got;
        char b[8];
        __wasi_iovec_t iov = {(uint8_t *)b, sizeof b};
        __wasi_ciovec_t ciov = {(const uint8_t *)b, sizeof b};
        __wasi_size_t n;
        __wasi_roflags_t ro;
        printf("fd %u: accept %s, recv %s, send %s, shutdown %s\n", (unsigned)fd,
               name(__wasi_sock_accept(fd, 0, &got)), name(__wasi_sock_recv(fd, &iov, 1, 0, &n, &ro)),
               name(__wasi_sock_send(fd, &ciov, 1, 0, &n)),
               name(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD)));
    }
    return 0;
}
