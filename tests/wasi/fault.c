/* Bad guest pointers and lengths must give errno 21 (fault), never crash
 * the host. Addresses just past the end of memory and near 4 GiB. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

WASI("fd_write") int32_t raw_fd_write(int32_t fd, uint32_t iovs, uint32_t n, uint32_t out);
WASI("fd_read") int32_t raw_fd_read(int32_t fd, uint32_t iovs, uint32_t n, uint32_t out);
WASI("args_sizes_get") int32_t raw_args_sizes_get(uint32_t a, uint32_t b);
WASI("args_get") int32_t raw_args_get(uint32_t a, uint32_t b);
WASI("environ_get") int32_t raw_environ_get(uint32_t a, uint32_t b);
WASI("random_get") int32_t raw_random_get(uint32_t buf, uint32_t len);
WASI("clock_time_get") int32_t raw_clock_time_get(uint32_t id, uint64_t prec, uint32_t out);
WASI("path_open") int32_t raw_path_open(int32_t fd, int32_t dirflags, uint32_t path,
                                        uint32_t path_len, int32_t oflags, int64_t rights,
                                        int64_t inheriting, int32_t fdflags, uint32_t out);
WASI("fd_prestat_dir_name") int32_t raw_prestat_dir_name(int32_t fd, uint32_t p, uint32_t n);
WASI("poll_oneoff") int32_t raw_poll_oneoff(uint32_t in, uint32_t out, uint32_t n,
                                            uint32_t nout);
WASI("fd_fdstat_get") int32_t raw_fdstat_get(int32_t fd, uint32_t out);
WASI("fd_close") int32_t raw_fd_close(int32_t fd);

static uint32_t mem_end(void)
{
    return (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
}

int main(void)
{
    uint32_t end = mem_end();
    uint32_t iov[2] = {(uint32_t)(uintptr_t)"x", 1};
    uint32_t bad_iov[2] = {end - 2, 8};
    uint32_t out;
    printf("fd_write iovs past end: %d\n", raw_fd_write(1, end - 4, 1, (uint32_t)(uintptr_t)&out));
    printf("fd_write iovs at 4G-8: %d\n", raw_fd_write(1, 0xfffffff8u, 1, (uint32_t)(uintptr_t)&out));
    printf("fd_write buffer past end: %d\n",
           raw_fd_write(1, (uint32_t)(uintptr_t)bad_iov, 1, (uint32_t)(uintptr_t)&out));
    printf("fd_write nwritten past end: %d\n", raw_fd_write(1, (uint32_t)(uintptr_t)iov, 1, end));
    printf("fd_write huge iov count: %d\n",
           raw_fd_write(1, (uint32_t)(uintptr_t)iov, 0x20000000u, (uint32_t)(uintptr_t)&out));
    printf("fd_read into 4G-1: %d\n", raw_fd_read(0, 0xffffffffu, 1, (uint32_t)(uintptr_t)&out));
    printf("args_sizes_get: %d\n", raw_args_sizes_get(end, end - 2));
    printf("args_get: %d\n", raw_args_get(end - 1, 16));
    printf("environ_get: %d\n", raw_environ_get(0xfffffffcu, 16));
    printf("random_get: %d\n", raw_random_get(end - 10, 11));
    printf("random_get len 4G: %d\n", raw_random_get(16, 0xffffffffu));
    printf("clock_time_get: %d\n", raw_clock_time_get(0, 1, end - 7));
    printf("path_open path past end: %d\n",
           raw_path_open(3, 0, end - 3, 10, 0, 0, 0, 0, (uint32_t)(uintptr_t)&out));
    printf("prestat_dir_name: %d\n", raw_prestat_dir_name(3, end - 1, 8));
    printf("poll_oneoff: %d\n", raw_poll_oneoff(end - 47, 16, 1, (uint32_t)(uintptr_t)&out));
    printf("fdstat_get: %d\n", raw_fdstat_get(1, end - 23));
    printf("fd_write bad fd: %d\n", raw_fd_write(99, (uint32_t)(uintptr_t)iov, 1, (uint32_t)(uintptr_t)&out));
    printf("fd_close bad fd: %d\n", raw_fd_close(1234567));
    printf("still alive\n");
    return 0;
}
