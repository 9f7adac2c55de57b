/*
 * Internals shared by the WASI layer's files (wasi.c, wasi_fd.c,
 * wasi_path.c). Freestanding: only the engine API and platform seam.
 */
#ifndef WASI_IMPL_H
#define WASI_IMPL_H

#include "wasi.h"

#include <wasm/platform.h>

#define WASI_MAX_FDS 1024
#define WASI_MAX_PATH 4096

enum { WASI_FD_FREE = 0, WASI_FD_CONSOLE, WASI_FD_FILE, WASI_FD_DIR };

typedef struct wasi_fd {
    uint8_t kind;             /* WASI_FD_* */
    uint8_t filetype;         /* WASI_FILETYPE_* */
    uint16_t fdflags;
    int stream;               /* console: 0 stdin, 1 stdout, 2 stderr */
    int64_t handle;           /* backend handle for files and directories */
    uint64_t rights, rights_inh;
    char *preopen;            /* guest name of a preopened directory, else NULL */
    uint32_t preopen_len;
} wasi_fd_t;

struct wasi {
    wasm_runtime_t *rt;
    wasi_bind_t bind;         /* what wasi_define's functions point at */
    const wasi_backend_t *be;
    uint32_t argc, envc;
    char *args, *env;         /* NUL-separated strings */
    uint32_t args_len, env_len;
    wasi_fd_t *fds;
    uint32_t nfds;            /* slots allocated */
};

/* One host call: the context and the caller's linear memory. */
typedef struct wasi_call {
    wasi_t *w;
    const wasi_backend_t *be;
    void *bctx;
    uint8_t *mem;
    uint64_t memsize;
} wasi_call_t;

#define WASI_HOST(name) \
    wasm_trap_kind_t name(wasm_call_ctx_t *ctx, uint64_t *c, void *user)
/* Arguments: i32 cells are the low 32 bits. */
#define A32(i) ((uint32_t)c[i])
#define A64(i) (c[i])

/* wasi.c: call set-up and guest memory access. */
void wasi_enter(wasi_call_t *k, wasm_call_ctx_t *ctx, void *user);
wasm_trap_kind_t wasi_ret(uint64_t *c, uint16_t err);
/* Host pointer for guest [ptr, ptr+len), or NULL if any byte is outside. */
uint8_t *wasi_mem(const wasi_call_t *k, uint32_t ptr, uint64_t len);
bool wasi_put32(const wasi_call_t *k, uint32_t ptr, uint32_t v);
bool wasi_put64(const wasi_call_t *k, uint32_t ptr, uint64_t v);
bool wasi_get32(const wasi_call_t *k, uint32_t ptr, uint32_t *v);
void wasi_st16(uint8_t *p, uint16_t v);
void wasi_st32(uint8_t *p, uint32_t v);
void wasi_st64(uint8_t *p, uint64_t v);
uint32_t wasi_ld32(const uint8_t *p);
uint64_t wasi_ld64(const uint8_t *p);
size_t wasi_strlen(const char *s);
char *wasi_strndup(const char *s, size_t n);

/* wasi_fd.c: the descriptor table. */
wasi_fd_t *wasi_fd_get(wasi_t *w, uint32_t fd);            /* NULL if not open */
uint16_t wasi_fd_alloc(wasi_t *w, uint32_t *fd);           /* lowest free slot */
void wasi_fd_release(wasi_t *w, wasi_fd_t *f);             /* closes the handle */
/* Encodes a filestat at guest address ptr (64 bytes). */
uint16_t wasi_put_filestat(const wasi_call_t *k, uint32_t ptr, const wasi_filestat_t *st);

/* wasi_path.c: guest path to normalised backend path. On success *out is an
 * allocation the caller frees with wasm_plat_free. */
uint16_t wasi_path(const wasi_call_t *k, uint32_t ptr, uint32_t len, char **out);
/* The directory fd fd if it holds every right in need (else notcapable). */
uint16_t wasi_dirfd(wasi_t *w, uint32_t fd, uint64_t need, wasi_fd_t **out);

/* Host functions, one per preview1 import. */
WASI_HOST(wasi_sys_args_get);
WASI_HOST(wasi_sys_args_sizes_get);
WASI_HOST(wasi_sys_environ_get);
WASI_HOST(wasi_sys_environ_sizes_get);
WASI_HOST(wasi_sys_clock_res_get);
WASI_HOST(wasi_sys_clock_time_get);
WASI_HOST(wasi_sys_poll_oneoff);
WASI_HOST(wasi_sys_proc_exit);
WASI_HOST(wasi_sys_proc_raise);
WASI_HOST(wasi_sys_sched_yield);
WASI_HOST(wasi_sys_random_get);
WASI_HOST(wasi_sys_sock);

WASI_HOST(wasi_sys_fd_advise);
WASI_HOST(wasi_sys_fd_allocate);
WASI_HOST(wasi_sys_fd_close);
WASI_HOST(wasi_sys_fd_datasync);
WASI_HOST(wasi_sys_fd_fdstat_get);
WASI_HOST(wasi_sys_fd_fdstat_set_flags);
WASI_HOST(wasi_sys_fd_fdstat_set_rights);
WASI_HOST(wasi_sys_fd_filestat_get);
WASI_HOST(wasi_sys_fd_filestat_set_size);
WASI_HOST(wasi_sys_fd_filestat_set_times);
WASI_HOST(wasi_sys_fd_pread);
WASI_HOST(wasi_sys_fd_prestat_get);
WASI_HOST(wasi_sys_fd_prestat_dir_name);
WASI_HOST(wasi_sys_fd_pwrite);
WASI_HOST(wasi_sys_fd_read);
WASI_HOST(wasi_sys_fd_readdir);
WASI_HOST(wasi_sys_fd_renumber);
WASI_HOST(wasi_sys_fd_seek);
WASI_HOST(wasi_sys_fd_sync);
WASI_HOST(wasi_sys_fd_tell);
WASI_HOST(wasi_sys_fd_write);

WASI_HOST(wasi_sys_path_create_directory);
WASI_HOST(wasi_sys_path_filestat_get);
WASI_HOST(wasi_sys_path_filestat_set_times);
WASI_HOST(wasi_sys_path_link);
WASI_HOST(wasi_sys_path_open);
WASI_HOST(wasi_sys_path_readlink);
WASI_HOST(wasi_sys_path_remove_directory);
WASI_HOST(wasi_sys_path_rename);
WASI_HOST(wasi_sys_path_symlink);
WASI_HOST(wasi_sys_path_unlink_file);

#endif
