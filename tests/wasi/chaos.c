/* Calls WASI functions many times with hostile arguments (pointers at and
 * past the end of memory, huge lengths, odd fds and flags) under a scratch
 * --dir. The last page of memory is grown for the purpose, so those writes
 * land in it and never in the heap. Whatever the errno, the host must not crash and the sanitizers must
 * stay quiet. poll_oneoff, proc_exit and fd_close of 0-3 are left out (they
 * would sleep, stop the run or lose the console/preopen). Fixed seed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))
typedef uint32_t u32;
typedef uint64_t u64;
WASI("args_get") int32_t w_args_get(u32, u32);
WASI("environ_sizes_get") int32_t w_environ_sizes_get(u32, u32);
WASI("clock_res_get") int32_t w_clock_res_get(u32, u32);
WASI("clock_time_get") int32_t w_clock_time_get(u32, u64, u32);
WASI("fd_advise") int32_t w_fd_advise(u32, u64, u64, u32);
WASI("fd_fdstat_get") int32_t w_fd_fdstat_get(u32, u32);
WASI("fd_fdstat_set_flags") int32_t w_fd_fdstat_set_flags(u32, u32);
WASI("fd_filestat_get") int32_t w_fd_filestat_get(u32, u32);
WASI("fd_pread") int32_t w_fd_pread(u32, u32, u32, u64, u32);
WASI("fd_prestat_get") int32_t w_fd_prestat_get(u32, u32);
WASI("fd_prestat_dir_name") int32_t w_fd_prestat_dir_name(u32, u32, u32);
WASI("fd_pwrite") int32_t w_fd_pwrite(u32, u32, u32, u64, u32);
WASI("fd_read") int32_t w_fd_read(u32, u32, u32, u32);
WASI("fd_readdir") int32_t w_fd_readdir(u32, u32, u32, u64, u32);
WASI("fd_seek") int32_t w_fd_seek(u32, u64, u32, u32);
WASI("fd_tell") int32_t w_fd_tell(u32, u32);
WASI("fd_write") int32_t w_fd_write(u32, u32, u32, u32);
WASI("path_create_directory") int32_t w_path_create_directory(u32, u32, u32);
WASI("path_filestat_get") int32_t w_path_filestat_get(u32, u32, u32, u32, u32);
WASI("path_open") int32_t w_path_open(u32, u32, u32, u32, u32, u64, u64, u32, u32);
WASI("path_readlink") int32_t w_path_readlink(u32, u32, u32, u32, u32, u32);
WASI("path_remove_directory") int32_t w_path_remove_directory(u32, u32, u32);
WASI("path_rename") int32_t w_path_rename(u32, u32, u32, u32, u32, u32);
WASI("path_symlink") int32_t w_path_symlink(u32, u32, u32, u32, u32);
WASI("path_unlink_file") int32_t w_path_unlink_file(u32, u32, u32);
WASI("random_get") int32_t w_random_get(u32, u32);
WASI("fd_renumber") int32_t w_fd_renumber(u32, u32);

static u64 state = 0x9e3779b97f4a7c15ull;

static u64 next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* Scratch area with plausible contents: short paths, iovecs into it. */
static char scratch[4096 + 256];     /* offsets < 4096, lengths < 256 */

static u32 ptr(void)
{
    u32 end = (u32)__builtin_wasm_memory_size(0) * 65536u;
    switch (next() % 8) {
    case 0: return 0;
    case 1: return end - (u32)(next() % 64);
    case 2: return end + (u32)(next() % 64);
    case 3: return 0xffffffffu - (u32)(next() % 64);
    case 4: case 5: return (u32)(uintptr_t)scratch + 16 * (u32)(next() % 256);  /* a name */
    default: return (u32)(uintptr_t)scratch + (u32)(next() % 4096);
    }
}

static u32 len(void)
{
    switch (next() % 6) {
    case 0: return 0;
    case 1: return 0xffffffffu - (u32)(next() % 4);
    case 2: return 0x80000000u;
    case 3: return 1 + (u32)(next() % 8);         /* a name's length, give or take */
    default: return (u32)(next() % 64);
    }
}

static u32 fd(void)
{
    static const u32 fds[] = {0, 1, 2, 3, 4, 5, 6, 7, 100, 0xffffffffu};
    return fds[next() % (sizeof fds / sizeof fds[0])];
}

static void fill_scratch(void)
{
    static const char *const names[] = {"a", "b/c", "..", "../x", "/", "a/../../b", ".", ""};
    for (u32 i = 0; i < sizeof scratch; i += 16) {
        const char *n = names[next() % 8];
        memcpy(scratch + i, n, strlen(n) + 1);
        if (next() % 3 == 0) {       /* an iovec instead */
            u32 v[2] = {(u32)(uintptr_t)scratch + (u32)(next() % 4000), (u32)(next() % 96)};
            memcpy(scratch + i, v, 8);
        }
    }
}

static void one(void)
{
    u32 f = fd();
    switch (next() % 27) {
    case 0: (void)w_args_get(ptr(), ptr()); break;
    case 1: (void)w_environ_sizes_get(ptr(), ptr()); break;
    case 2: (void)w_clock_res_get((u32)(next() % 6), ptr()); break;
    case 3: (void)w_clock_time_get((u32)(next() % 6), next(), ptr()); break;
    case 4: (void)w_fd_advise(f, next(), next(), (u32)(next() % 8)); break;
    case 5: (void)w_fd_fdstat_get(f, ptr()); break;
    case 6: if (f > 3) (void)w_fd_fdstat_set_flags(f, (u32)next()); break;
    case 7: (void)w_fd_filestat_get(f, ptr()); break;
    case 8: (void)w_fd_pread(f, ptr(), len() % 8, next() % 100, ptr()); break;
    case 9: (void)w_fd_prestat_get(f, ptr()); break;
    case 10: (void)w_fd_prestat_dir_name(f, ptr(), len()); break;
    case 11: if (f > 2) (void)w_fd_pwrite(f, ptr(), len() % 8, next() % 100, ptr()); break;
    case 12: if (f != 0) (void)w_fd_read(f, ptr(), len() % 8, ptr()); break;
    case 13: (void)w_fd_readdir(f, ptr(), len(), next() % 8, ptr()); break;
    case 14: if (f > 2) (void)w_fd_seek(f, next() % 200 - 100, (u32)(next() % 4), ptr()); break;
    case 15: (void)w_fd_tell(f, ptr()); break;
    case 16: if (f > 2) (void)w_fd_write(f, ptr(), len() % 8, ptr()); break;
    case 17: (void)w_path_create_directory(f, ptr(), len()); break;
    case 18: (void)w_path_filestat_get(f, (u32)(next() % 3), ptr(), len(), ptr()); break;
    case 19: {
        u32 out = 0;
        if (w_path_open(f, (u32)(next() % 3), ptr(), len() % 16, (u32)(next() % 20), next(),
                        next(), (u32)(next() % 40), (u32)(uintptr_t)&out) == 0 && out > 3 &&
            next() % 2)
            (void)w_fd_renumber(out, out);
        break;
    }
    case 20: (void)w_path_readlink(f, ptr(), len(), ptr(), len(), ptr()); break;
    case 21: (void)w_path_remove_directory(f, ptr(), len()); break;
    case 22: (void)w_path_rename(f, ptr(), len(), fd(), ptr(), len()); break;
    case 23: (void)w_path_symlink(ptr(), len(), f, ptr(), len()); break;
    case 24: (void)w_path_unlink_file(f, ptr(), len()); break;
    case 25: (void)w_random_get(ptr(), len()); break;
    default: if (f > 3) { u32 g = fd(); if (g > 3) (void)w_fd_renumber(f, g); } break;
    }
}

int main(void)
{
    /* Our own last page, so writes near the end of memory only hit it. */
    if (__builtin_wasm_memory_grow(0, 1) == (size_t)-1)
        return 1;
    for (int round = 0; round < 1000; round++) {
        fill_scratch();
        for (int i = 0; i < 100; i++)
            one();
    }
    printf("chaos survived\n");
    return 0;
}
