/*
 * Azoth WASI preview1 layer.
 *
 * Implements the wasi_snapshot_preview1 imports on top of the public engine
 * API. Like the engine it is freestanding: it allocates through
 * <wasm/platform.h> and reaches the outside world only through a backend
 * (wasi_backend_t), a table of function pointers the host fills in. The
 * hosted build has a Linux backend (src/hosted/wasi_posix.c); the kernel
 * will provide its own.
 *
 * The layer owns the guest's file descriptor table, checks every guest
 * pointer against linear memory (a bad one yields WASI_EFAULT, never a host
 * crash) and resolves guest paths lexically: absolute paths and ".." that
 * climbs above the directory handle are refused with WASI_ENOTCAPABLE before
 * the backend sees them. Backends get paths that are relative, non-empty,
 * free of "." and ".." components, and NUL-terminated; a backend must still
 * make sure symbolic links cannot lead outside the directory handle it is
 * given (the Linux one uses openat2 RESOLVE_BENEATH).
 *
 * Typical use:
 *   wasi_t *w = wasi_new(rt, &config);
 *   wasi_define(w, linker);           // defines every preview1 import
 *   ... instantiate, call _start: proc_exit traps with WASM_TRAP_EXIT ...
 *   wasi_free(w);
 */
#ifndef WASI_WASI_H
#define WASI_WASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wasm/wasm.h>

/* ---------------------------------------------------- preview1 constants */

/* errno values, as the preview1 spec numbers them. */
enum {
    WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
    WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7,
    WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10, WASI_ECANCELED = 11,
    WASI_ECHILD = 12, WASI_ECONNABORTED = 13, WASI_ECONNREFUSED = 14,
    WASI_ECONNRESET = 15, WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17, WASI_EDOM = 18,
    WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22,
    WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26,
    WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30,
    WASI_EISDIR = 31, WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34,
    WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36, WASI_ENAMETOOLONG = 37,
    WASI_ENETDOWN = 38, WASI_ENETRESET = 39, WASI_ENETUNREACH = 40, WASI_ENFILE = 41,
    WASI_ENOBUFS = 42, WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45,
    WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49,
    WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53,
    WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55, WASI_ENOTRECOVERABLE = 56,
    WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59, WASI_ENXIO = 60,
    WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
    WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67,
    WASI_ERANGE = 68, WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71,
    WASI_ESTALE = 72, WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74, WASI_EXDEV = 75,
    WASI_ENOTCAPABLE = 76,
};

enum {
    WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2, WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

enum { WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1,
       WASI_CLOCK_PROCESS_CPUTIME = 2, WASI_CLOCK_THREAD_CPUTIME = 3 };

enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };

/* oflags, fdflags, fstflags, lookupflags */
enum { WASI_O_CREAT = 1, WASI_O_DIRECTORY = 2, WASI_O_EXCL = 4, WASI_O_TRUNC = 8 };
enum { WASI_FDFLAG_APPEND = 1, WASI_FDFLAG_DSYNC = 2, WASI_FDFLAG_NONBLOCK = 4,
       WASI_FDFLAG_RSYNC = 8, WASI_FDFLAG_SYNC = 16 };
enum { WASI_FST_ATIM = 1, WASI_FST_ATIM_NOW = 2, WASI_FST_MTIM = 4, WASI_FST_MTIM_NOW = 8 };
enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 };

/* rights (bit numbers from the spec) */
#define WASI_RIGHT_FD_DATASYNC            (1ull << 0)
#define WASI_RIGHT_FD_READ                (1ull << 1)
#define WASI_RIGHT_FD_SEEK                (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS    (1ull << 3)
#define WASI_RIGHT_FD_SYNC                (1ull << 4)
#define WASI_RIGHT_FD_TELL                (1ull << 5)
#define WASI_RIGHT_FD_WRITE               (1ull << 6)
#define WASI_RIGHT_FD_ADVISE              (1ull << 7)
#define WASI_RIGHT_FD_ALLOCATE            (1ull << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY  (1ull << 9)
#define WASI_RIGHT_PATH_CREATE_FILE       (1ull << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE       (1ull << 11)
#define WASI_RIGHT_PATH_LINK_TARGET       (1ull << 12)
#define WASI_RIGHT_PATH_OPEN              (1ull << 13)
#define WASI_RIGHT_FD_READDIR             (1ull << 14)
#define WASI_RIGHT_PATH_READLINK          (1ull << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE     (1ull << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET     (1ull << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET      (1ull << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define WASI_RIGHT_FD_FILESTAT_GET        (1ull << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE   (1ull << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES  (1ull << 23)
#define WASI_RIGHT_PATH_SYMLINK           (1ull << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY  (1ull << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE       (1ull << 26)
#define WASI_RIGHT_POLL_FD_READWRITE      (1ull << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN          (1ull << 28)
#define WASI_RIGHT_SOCK_ACCEPT            (1ull << 29)
#define WASI_RIGHTS_ALL                   ((1ull << 30) - 1)
/* What a directory fd holds, as wasmtime gives it: the path rights, readdir,
 * its own stat and times; no read, write, seek, tell or sync. A preopen has
 * these as its base rights and these plus WASI_RIGHTS_FILE as inheriting. */
#define WASI_RIGHTS_DIR_BASE (WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE | \
    WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN | \
    WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE | \
    WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_GET | \
    WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES | \
    WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK | \
    WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE)
/* The rights that make sense on a file. */
#define WASI_RIGHTS_FILE (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | \
    WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL | \
    WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE | \
    WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE | \
    WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)

/* --------------------------------------------------------------- backend */

/* What fd_filestat_get / path_filestat_get report. Times in ns since the epoch. */
typedef struct wasi_filestat {
    uint64_t dev, ino;
    uint8_t filetype;         /* WASI_FILETYPE_* */
    uint64_t nlink, size;
    uint64_t atim, mtim, ctim;
} wasi_filestat_t;

/* One directory entry, as readdir hands it to the layer. */
typedef struct wasi_dirent {
    uint64_t next;            /* cookie of the entry after this one */
    uint64_t ino;
    uint8_t type;             /* WASI_FILETYPE_* */
} wasi_dirent_t;

/* readdir calls this once per entry, in order; it returns false to stop. */
typedef bool (*wasi_dirent_fn)(void *arg, const wasi_dirent_t *d, const char *name,
                               uint32_t name_len);

/* How path_open wants a file opened. */
typedef struct wasi_open {
    uint16_t oflags;          /* WASI_O_* */
    uint16_t fdflags;         /* WASI_FDFLAG_* */
    bool read, write;         /* access wanted (neither: open for metadata/readdir only) */
    bool follow;              /* follow a symbolic link in the last component */
} wasi_open_t;

/*
 * The outside world. Every call takes ctx first and returns a WASI errno
 * (WASI_ESUCCESS on success). A NULL entry makes the matching WASI calls fail
 * with WASI_ENOSYS, so a minimal backend can fill in console, clocks and
 * random only. File handles are backend-defined 64-bit words; the layer
 * never interprets them. Directory handles come from wasi_preopen_t or from
 * open() of a directory.
 *
 * Path arguments are relative to a directory handle, already normalised by
 * the layer (see the top of this file); the backend must not let symbolic
 * links escape that directory.
 */
typedef struct wasi_backend {
    void *ctx;

    /* Console. stream: 1 stdout, 2 stderr. read is stdin. */
    uint16_t (*console_read)(void *ctx, void *buf, size_t len, size_t *nread);
    uint16_t (*console_write)(void *ctx, int stream, const void *buf, size_t len,
                              size_t *nwritten);
    /* What stream 0, 1 or 2 is (WASI_FILETYPE_*), asked once by wasi_new.
     * NULL means a character device, i.e. a terminal: wasi-libc then line
     * buffers stdout, which is slow when it goes to a file or pipe. */
    uint8_t (*console_filetype)(void *ctx, int stream);
    /* poll_oneoff on stdin: waits up to ns (UINT64_MAX: no limit) for
     * stdin to have bytes or its end; *ready says which, *waited how long
     * it waited. NULL: stdin is always reported ready. */
    uint16_t (*stdin_wait)(void *ctx, uint64_t ns, bool *ready, uint64_t *waited);

    /* Clocks (WASI_CLOCK_*), in nanoseconds; sleep is relative. */
    uint16_t (*clock_time)(void *ctx, uint32_t clock, uint64_t *ns);
    uint16_t (*clock_res)(void *ctx, uint32_t clock, uint64_t *ns);
    uint16_t (*sleep)(void *ctx, uint64_t ns);
    /* Fills buf with cryptographically strong random bytes. */
    uint16_t (*random)(void *ctx, void *buf, size_t len);

    /* Open handles. */
    uint16_t (*open)(void *ctx, int64_t dir, const char *path, const wasi_open_t *how,
                     int64_t *handle, uint8_t *filetype);
    uint16_t (*close)(void *ctx, int64_t h);
    uint16_t (*read)(void *ctx, int64_t h, void *buf, size_t len, size_t *n);
    uint16_t (*write)(void *ctx, int64_t h, const void *buf, size_t len, size_t *n);
    uint16_t (*pread)(void *ctx, int64_t h, void *buf, size_t len, uint64_t off, size_t *n);
    uint16_t (*pwrite)(void *ctx, int64_t h, const void *buf, size_t len, uint64_t off,
                       size_t *n);
    uint16_t (*seek)(void *ctx, int64_t h, int64_t off, int whence, uint64_t *newoff);
    uint16_t (*sync)(void *ctx, int64_t h, bool data_only);
    uint16_t (*fstat)(void *ctx, int64_t h, wasi_filestat_t *st);
    uint16_t (*set_flags)(void *ctx, int64_t h, uint16_t fdflags);
    uint16_t (*truncate)(void *ctx, int64_t h, uint64_t size);
    uint16_t (*allocate)(void *ctx, int64_t h, uint64_t off, uint64_t len);
    /* atim/mtim are used as fstflags says (WASI_FST_*). */
    uint16_t (*futimes)(void *ctx, int64_t h, uint64_t atim, uint64_t mtim, uint16_t fst);
    /* Emits the entries of directory h from cookie on (0 is the first entry;
     * each entry's d->next is the cookie of the one after it). */
    uint16_t (*readdir)(void *ctx, int64_t h, uint64_t cookie, wasi_dirent_fn emit,
                        void *arg);

    /* Path operations, relative to directory handle dir. */
    uint16_t (*stat)(void *ctx, int64_t dir, const char *path, bool follow,
                     wasi_filestat_t *st);
    uint16_t (*utimes)(void *ctx, int64_t dir, const char *path, bool follow,
                       uint64_t atim, uint64_t mtim, uint16_t fst);
    uint16_t (*mkdir)(void *ctx, int64_t dir, const char *path);
    uint16_t (*rmdir)(void *ctx, int64_t dir, const char *path);
    uint16_t (*unlink)(void *ctx, int64_t dir, const char *path);
    uint16_t (*rename)(void *ctx, int64_t dir, const char *path, int64_t newdir,
                       const char *newpath);
    uint16_t (*link)(void *ctx, int64_t dir, const char *path, bool follow,
                     int64_t newdir, const char *newpath);
    /* Creates newpath as a symbolic link whose content is target (verbatim). */
    uint16_t (*symlink)(void *ctx, const char *target, int64_t dir, const char *path);
    /* Copies at most cap bytes of the link's content into buf (no NUL). */
    uint16_t (*readlink)(void *ctx, int64_t dir, const char *path, char *buf, size_t cap,
                         size_t *len);
} wasi_backend_t;

/* ---------------------------------------------------------------- layer */

/* A directory the guest sees as a preopen (fd 3, 4, ... in order). */
typedef struct wasi_preopen {
    int64_t handle;           /* backend directory handle; closed by wasi_free */
    const char *guest_path;   /* e.g. "/sandbox" or "."; copied */
} wasi_preopen_t;

typedef struct wasi_config {
    const wasi_backend_t *backend;   /* must outlive the wasi_t */
    uint32_t argc;
    const char *const *argv;         /* argv[0] is the program name; copied */
    uint32_t envc;
    const char *const *envp;         /* "KEY=VALUE" strings; copied */
    uint32_t npreopens;
    const wasi_preopen_t *preopens;
} wasi_config_t;

typedef struct wasi wasi_t;

/* Creates a WASI context: fds 0-2 are the console, then the preopens.
 * Host functions are created in rt on wasi_define. NULL if out of memory. */
wasi_t *wasi_new(wasm_runtime_t *rt, const wasi_config_t *config);
/* Closes every open handle (preopens included) and frees the context. The
 * host functions stay with the runtime: do not call them after this. */
void wasi_free(wasi_t *w);

/* Defines every wasi_snapshot_preview1 function in l. False if out of memory. */
bool wasi_define(wasi_t *w, wasm_linker_t *l);

/* What each host function's user word points at: the context it serves.
 * wasi_define binds the functions to one context; a host that runs one
 * program after another in the same place (the kernel's program slots)
 * makes the functions once with wasi_define_bound and points b->w at each
 * run's context in turn. b->w must be set whenever the instance can run. */
typedef struct wasi_bind {
    wasi_t *w;
} wasi_bind_t;
bool wasi_define_bound(wasm_runtime_t *rt, wasi_bind_t *b, wasm_linker_t *l);

/* Short name of a WASI errno, e.g. "noent" ("unknown" if out of range). */
const char *wasi_errno_name(uint16_t err);

#endif
