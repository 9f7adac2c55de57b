/*
 * WASI programs from the file system (kern/wasiprog.h, docs/wasi.md
 * "Inside Athanor"): the kernel backend of the WASI layer (src/wasi) and
 * the program slots.
 *
 * A program's domain holds exactly: a directory capability of the file
 * service (derived, call only, from the one the launching domain passed),
 * rng.get (call only) when it was given, and one page of buffer it lends
 * to those endpoints for each request. Its linker has only the
 * wasi_snapshot_preview1 functions, so the program itself cannot name a
 * capability: every call it makes goes through the WASI layer's checks
 * (guest pointers, lexical path confinement, rights) and then through
 * this backend, which acts with the domain's own capability table.
 *
 * File handles are local: the file service's protocol is stateless
 * (docs/storage.md), so an open file is its path below the directory
 * capability and a position. A preopened directory is a path prefix
 * (PATH of --dir); the layer has already refused absolute paths and ".."
 * above the directory fd, and the file service keeps symlinks below its
 * root. Without write operations in the file service every write fails
 * with EROFS.
 */
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/cap.h>
#include <kern/dev.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/supervise.h>
#include <kern/wasiprog.h>
#include <wasm/wasm.h>

#include "wasi.h"

#define MS 1000000ull
#define FS_PATH_MAX 1024            /* the file service's limit (docs/storage.md) */
#define FS_TIMEOUT (10000 * MS)
#define PROG_FILE_MAX (64u << 20)   /* a program file's size limit */
#define PROG_MEM_PAGES 1024         /* 64 MiB of linear memory and buffers */
#define PROG_FILES 32               /* open files and directories per program */
#define PROG_ARGS 64
#define PROG_PREOPENS 8

/* The file service's requests and errors (docs/storage.md). */
enum { FS_STAT = 0, FS_READ = 1, FS_LIST = 2 };

typedef struct kfile {
    bool used, dir;
    char *path;                 /* below the directory capability, no leading '/' ("": it) */
    uint32_t path_len;
    uint64_t pos;
    uint16_t fdflags;
} kfile_t;

typedef struct slot {
    domain_t *d;                /* NULL until first used */
    bool busy;                  /* holds a program */
    wasi_bind_t bind;           /* the WASI functions' context: this run's */
    wasi_backend_t be;
    cap_handle_t fs, rng, buf;  /* in d's table (rng 0: none) */
    uint8_t *io;                /* the buffer's page, the kernel's view */
    wasm_exec_t *ex;            /* the exec the program runs on */
    wasm_trap_t *trap;
    int64_t start_exit;         /* >= 0: it exited with this in its start function */
    kfile_t files[PROG_FILES];
} slot_t;

static slot_t slots[WASIPROG_SLOTS];

uint64_t wasiprog_epoch_ns;

static slot_t *slot_of(const domain_t *d)
{
    for (int i = 0; i < WASIPROG_SLOTS; i++)
        if (slots[i].d == d && d)
            return &slots[i];
    return NULL;
}

bool wasiprog_is(const domain_t *d)
{
    return slot_of(d) != NULL;
}

/* ------------------------------------------------------------ the file service */

/* Kernel and file-service error codes as WASI errnos. */
static uint16_t fs_errno(int64_t e)
{
    switch (e) {
    case -201: return WASI_EIO;
    case -202: return WASI_EIO;             /* corrupt image */
    case -203: return WASI_ENOENT;
    case -204: return WASI_ENOTDIR;
    case -205: return WASI_EISDIR;
    case -206: return WASI_ELOOP;
    case -207: return WASI_ENAMETOOLONG;
    case -208: return WASI_ENOTSUP;
    case CAP_EINVAL: return WASI_EINVAL;
    case CAP_ERIGHTS: return WASI_EACCES;
    case CAP_ENOMEM: return WASI_ENOMEM;
    case IPC_ELIMIT: return WASI_ENOMEM;
    default: return WASI_EIO;               /* the service stopped, trapped, timed out */
    }
}

/* One request on path (n bytes) with the buffer lent read+write: the
 * result (>= 0) or a negative code. */
static int64_t fs_op(slot_t *s, uint64_t op, const char *path, uint32_t n, int64_t arg)
{
    if (n > FS_PATH_MAX)
        return -207;
    memcpy(s->io, path, n);
    uint64_t r = 0, a[3] = {op, n, (uint64_t)arg};
    int e = ipc_call_lend(s->d->caps, s->ex, s->fs, s->buf, CAP_R_READ | CAP_R_WRITE, a, FS_TIMEOUT,
                          &r);
    return e ? e : (int64_t)r;
}

static uint8_t filetype_of(uint64_t t)
{
    return t == 2 ? WASI_FILETYPE_DIRECTORY : t == 7 ? WASI_FILETYPE_SYMBOLIC_LINK
         : t == 1 ? WASI_FILETYPE_REGULAR_FILE : WASI_FILETYPE_UNKNOWN;
}

/* dir's path joined with rel ("." is dir itself) into a new allocation. */
static uint16_t join(const kfile_t *dir, const char *rel, char **out, uint32_t *len)
{
    size_t dl = dir->path_len, rl = strlen(rel);
    if (rl == 1 && rel[0] == '.')
        rl = 0;
    size_t n = dl + (dl && rl ? 1 : 0) + rl;
    if (n > FS_PATH_MAX)
        return WASI_ENAMETOOLONG;
    char *p = kmalloc(n + 1);
    if (!p)
        return WASI_ENOMEM;
    memcpy(p, dir->path, dl);
    if (dl && rl)
        p[dl] = '/';
    memcpy(p + n - rl, rel, rl);
    p[n] = 0;
    *out = p;
    *len = (uint32_t)n;
    return WASI_ESUCCESS;
}

static kfile_t *file_of(slot_t *s, int64_t h)
{
    return h >= 1 && h <= PROG_FILES && s->files[h - 1].used ? &s->files[h - 1] : NULL;
}

static uint16_t stat_path(slot_t *s, const char *path, uint32_t n, wasi_filestat_t *st)
{
    int64_t r = fs_op(s, FS_STAT, path, n, 0);
    if (r < 0)
        return fs_errno(r);
    memset(st, 0, sizeof *st);
    st->filetype = filetype_of((uint64_t)r & 0xff);
    st->size = (uint64_t)r >> 8;
    st->nlink = 1;
    return WASI_ESUCCESS;
}

/* ------------------------------------------------------------ the backend */

static uint16_t be_console_read(void *ctx, void *buf, size_t len, size_t *nread)
{
    (void)ctx, (void)buf, (void)len;
    *nread = 0;                 /* stdin is at its end: the shell keeps the console's input */
    return WASI_ESUCCESS;
}

static uint16_t be_console_write(void *ctx, int stream, const void *buf, size_t len,
                                 size_t *nwritten)
{
    (void)ctx, (void)stream;
    size_t done = 0;
    while (done < len) {
        uint32_t n = len - done > 4096 ? 4096 : (uint32_t)(len - done);
        uint32_t k = kcons_out((const uint8_t *)buf + done, n);
        done += k;
        if (k < n)
            break;
    }
    *nwritten = done;
    return done || !len ? WASI_ESUCCESS : WASI_EIO;
}

static uint16_t be_clock_time(void *ctx, uint32_t clock, uint64_t *ns)
{
    slot_t *s = ctx;
    if (clock > WASI_CLOCK_THREAD_CPUTIME)
        return WASI_EINVAL;
    if (clock >= WASI_CLOCK_PROCESS_CPUTIME)
        *ns = domain_clock_ns(s->d, s->d->sup.cpu_ns);
    else if (clock == WASI_CLOCK_REALTIME)
        *ns = domain_clock_ns(s->d, timer_now_ns() + wasiprog_epoch_ns);
    else
        *ns = domain_clock_ns(s->d, timer_now_ns());
    return WASI_ESUCCESS;
}

static uint16_t be_clock_res(void *ctx, uint32_t clock, uint64_t *ns)
{
    slot_t *s = ctx;
    if (clock > WASI_CLOCK_THREAD_CPUTIME)
        return WASI_EINVAL;
    *ns = domain_clock_ns(s->d, 1) == 1 ? 1 : CLOCK_COARSE_NS;
    return WASI_ESUCCESS;
}

/* Sleeps in steps, so a kill (the shell's Ctrl-C) ends a long sleep. */
static uint16_t be_sleep(void *ctx, uint64_t ns)
{
    slot_t *s = ctx;
    uint64_t end = timer_now_ns() + ns;
    if (end < ns)
        end = UINT64_MAX;
    for (uint64_t now; (now = timer_now_ns()) < end;) {
        if (s->d->state != DOMAIN_READY || s->d->sup.killed)
            return WASI_EINTR;
        sched_sleep_ns(end - now < 20 * MS ? end - now : 20 * MS);
    }
    return WASI_ESUCCESS;
}

static uint16_t be_random(void *ctx, void *buf, size_t len)
{
    slot_t *s = ctx;
    uint8_t *out = buf;
    if (!s->rng)
        return WASI_ENOSYS;
    while (len) {
        uint32_t n = len > PAGE_SIZE ? PAGE_SIZE : (uint32_t)len;
        uint64_t r = 0, a[3] = {n, 0, 0};
        int e = ipc_call_lend(s->d->caps, s->ex, s->rng, s->buf, CAP_R_READ | CAP_R_WRITE, a,
                              FS_TIMEOUT, &r);
        if (e || (int64_t)r <= 0 || r > n)
            return WASI_EIO;
        memcpy(out, s->io, r);
        out += r;
        len -= r;
    }
    return WASI_ESUCCESS;
}

static uint16_t be_open(void *ctx, int64_t dir, const char *path, const wasi_open_t *how,
                        int64_t *handle, uint8_t *filetype)
{
    slot_t *s = ctx;
    kfile_t *d = file_of(s, dir), *f = NULL;
    if (!d || !d->dir)
        return WASI_EBADF;
    char *full;
    uint32_t n;
    uint16_t e = join(d, path, &full, &n);
    if (e)
        return e;
    wasi_filestat_t st;
    e = stat_path(s, full, n, &st);
    if (e == WASI_ENOENT && (how->oflags & WASI_O_CREAT))
        e = WASI_EROFS;
    else if (!e && (how->oflags & WASI_O_CREAT) && (how->oflags & WASI_O_EXCL))
        e = WASI_EEXIST;
    else if (!e && (how->oflags & WASI_O_DIRECTORY) && st.filetype != WASI_FILETYPE_DIRECTORY)
        e = WASI_ENOTDIR;
    else if (!e && st.filetype == WASI_FILETYPE_DIRECTORY && how->write)
        e = WASI_EISDIR;
    else if (!e && (how->write || (how->oflags & WASI_O_TRUNC)))
        e = WASI_EROFS;
    for (int i = 0; !e && i < PROG_FILES && !f; i++)
        if (!s->files[i].used)
            f = &s->files[i];
    if (!e && !f)
        e = WASI_ENFILE;
    if (e) {
        kfree(full);
        return e;
    }
    *f = (kfile_t){true, st.filetype == WASI_FILETYPE_DIRECTORY, full, n, 0, how->fdflags};
    *handle = f - s->files + 1;
    *filetype = st.filetype;
    return WASI_ESUCCESS;
}

static uint16_t be_close(void *ctx, int64_t h)
{
    kfile_t *f = file_of(ctx, h);
    if (!f)
        return WASI_EBADF;
    kfree(f->path);
    *f = (kfile_t){0};
    return WASI_ESUCCESS;
}

static uint16_t be_pread(void *ctx, int64_t h, void *buf, size_t len, uint64_t off, size_t *n)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    uint8_t *out = buf;
    *n = 0;
    if (!f)
        return WASI_EBADF;
    if (f->dir)
        return WASI_EISDIR;
    while (*n < len) {
        if (off > INT64_MAX)
            return WASI_EINVAL;
        int64_t r = fs_op(s, FS_READ, f->path, f->path_len, (int64_t)off);
        if (r < 0)
            return *n ? WASI_ESUCCESS : fs_errno(r);
        if (r == 0)
            break;
        size_t k = (size_t)r < len - *n ? (size_t)r : len - *n;
        if (k > PAGE_SIZE)
            return WASI_EIO;
        memcpy(out + *n, s->io, k);
        *n += k;
        off += k;
    }
    return WASI_ESUCCESS;
}

static uint16_t be_read(void *ctx, int64_t h, void *buf, size_t len, size_t *n)
{
    kfile_t *f = file_of(ctx, h);
    if (!f)
        return WASI_EBADF;
    uint16_t e = be_pread(ctx, h, buf, len, f->pos, n);
    f->pos += *n;
    return e;
}

static uint16_t be_write(void *ctx, int64_t h, const void *buf, size_t len, size_t *n)
{
    (void)buf, (void)len;
    *n = 0;
    return file_of(ctx, h) ? WASI_EROFS : WASI_EBADF;
}

static uint16_t be_pwrite(void *ctx, int64_t h, const void *buf, size_t len, uint64_t off,
                          size_t *n)
{
    (void)off;
    return be_write(ctx, h, buf, len, n);
}

static uint16_t be_fstat(void *ctx, int64_t h, wasi_filestat_t *st)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    return f ? stat_path(s, f->path, f->path_len, st) : WASI_EBADF;
}

static uint16_t be_seek(void *ctx, int64_t h, int64_t off, int whence, uint64_t *newoff)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    if (!f)
        return WASI_EBADF;
    if (f->dir)
        return WASI_ESPIPE;
    int64_t base = 0;
    if (whence == WASI_WHENCE_CUR) {
        base = (int64_t)f->pos;
    } else if (whence == WASI_WHENCE_END) {
        wasi_filestat_t st;
        uint16_t e = stat_path(s, f->path, f->path_len, &st);
        if (e)
            return e;
        base = (int64_t)st.size;
    } else if (whence != WASI_WHENCE_SET) {
        return WASI_EINVAL;
    }
    if ((off < 0 && base + off < 0) || (off > 0 && base > INT64_MAX - off))
        return WASI_EINVAL;
    f->pos = (uint64_t)(base + off);
    *newoff = f->pos;
    return WASI_ESUCCESS;
}

static uint16_t be_sync(void *ctx, int64_t h, bool data_only)
{
    (void)data_only;
    return file_of(ctx, h) ? WASI_ESUCCESS : WASI_EBADF;    /* nothing is ever dirty */
}

static uint16_t be_set_flags(void *ctx, int64_t h, uint16_t fdflags)
{
    kfile_t *f = file_of(ctx, h);
    if (!f)
        return WASI_EBADF;
    f->fdflags = fdflags;
    return WASI_ESUCCESS;
}

static uint16_t be_readdir(void *ctx, int64_t h, uint64_t cookie, wasi_dirent_fn emit, void *arg)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    if (!f)
        return WASI_EBADF;
    if (!f->dir)
        return WASI_ENOTDIR;
    char name[256];
    for (uint64_t i = cookie; i < INT32_MAX; i++) {
        int64_t r = fs_op(s, FS_LIST, f->path, f->path_len, (int64_t)i);
        if (r == -203)
            return WASI_ESUCCESS;           /* past the last entry */
        if (r < 0)
            return fs_errno(r);
        uint32_t len = (uint32_t)r & 0xffff;
        if (len == 0 || len > 255)
            return WASI_EIO;
        memcpy(name, s->io, len);
        wasi_dirent_t de = {i + 1, 0, filetype_of(((uint64_t)r >> 16) & 0xff)};
        if (!emit(arg, &de, name, len))
            return WASI_ESUCCESS;
    }
    return WASI_ESUCCESS;
}

static uint16_t be_stat(void *ctx, int64_t dir, const char *path, bool follow, wasi_filestat_t *st)
{
    (void)follow;               /* the file service follows every link */
    slot_t *s = ctx;
    kfile_t *d = file_of(s, dir);
    if (!d || !d->dir)
        return WASI_EBADF;
    char *full;
    uint32_t n;
    uint16_t e = join(d, path, &full, &n);
    if (!e) {
        e = stat_path(s, full, n, st);
        kfree(full);
    }
    return e;
}

/* What a read-only file system answers to every change. */
static uint16_t be_rofs_path(void *ctx, int64_t dir, const char *path)
{
    (void)path;
    kfile_t *d = file_of(ctx, dir);
    return d && d->dir ? WASI_EROFS : WASI_EBADF;
}

static uint16_t be_truncate(void *ctx, int64_t h, uint64_t size)
{
    (void)size;
    return file_of(ctx, h) ? WASI_EROFS : WASI_EBADF;
}

static uint16_t be_futimes(void *ctx, int64_t h, uint64_t atim, uint64_t mtim, uint16_t fst)
{
    (void)atim, (void)mtim, (void)fst;
    return file_of(ctx, h) ? WASI_EROFS : WASI_EBADF;
}

static uint16_t be_utimes(void *ctx, int64_t dir, const char *path, bool follow, uint64_t atim,
                          uint64_t mtim, uint16_t fst)
{
    (void)follow, (void)atim, (void)mtim, (void)fst;
    return be_rofs_path(ctx, dir, path);
}

static uint16_t be_rename(void *ctx, int64_t dir, const char *path, int64_t newdir,
                          const char *newpath)
{
    (void)newpath;
    return file_of(ctx, newdir) ? be_rofs_path(ctx, dir, path) : WASI_EBADF;
}

static uint16_t be_link(void *ctx, int64_t dir, const char *path, bool follow, int64_t newdir,
                        const char *newpath)
{
    (void)follow;
    return be_rename(ctx, dir, path, newdir, newpath);
}

static uint16_t be_symlink(void *ctx, const char *target, int64_t dir, const char *path)
{
    (void)target;
    return be_rofs_path(ctx, dir, path);
}

static const wasi_backend_t backend_template = {
    .console_read = be_console_read,
    .console_write = be_console_write,
    .clock_time = be_clock_time,
    .clock_res = be_clock_res,
    .sleep = be_sleep,
    .random = be_random,
    .open = be_open,
    .close = be_close,
    .read = be_read,
    .write = be_write,
    .pread = be_pread,
    .pwrite = be_pwrite,
    .seek = be_seek,
    .sync = be_sync,
    .fstat = be_fstat,
    .set_flags = be_set_flags,
    .truncate = be_truncate,
    .futimes = be_futimes,
    .readdir = be_readdir,
    .stat = be_stat,
    .utimes = be_utimes,
    .mkdir = be_rofs_path,
    .rmdir = be_rofs_path,
    .unlink = be_rofs_path,
    .rename = be_rename,
    .link = be_link,
    .symlink = be_symlink,
};

/* ------------------------------------------------------------ launching */

typedef struct spec {
    const char *prog;
    const char *argv[PROG_ARGS], *envp[PROG_ARGS], *dirs[PROG_PREOPENS];
    uint32_t argc, envc, ndirs;
} spec_t;

static int parse_spec(const char *p, size_t len, spec_t *sp, const char **why)
{
    memset(sp, 0, sizeof *sp);
    if (len == 0 || p[len - 1] != 0)
        return *why = "malformed request", CAP_EINVAL;
    for (const char *end = p + len; p < end; p += strlen(p) + 1) {
        char tag = *p;
        const char *v = p + 1;
        if (tag == 0)
            continue;           /* padding: room for the reason on failure */
        if (tag == 'p' && !sp->prog && *v)
            sp->prog = v;
        else if (tag == 'a' && sp->argc < PROG_ARGS)
            sp->argv[sp->argc++] = v;
        else if (tag == 'e' && sp->envc < PROG_ARGS)
            sp->envp[sp->envc++] = v;
        else if (tag == 'd' && sp->ndirs < PROG_PREOPENS && *v)
            sp->dirs[sp->ndirs++] = v;
        else
            return *why = tag == 'a' || tag == 'e' || tag == 'd' ? "too many arguments, variables or directories"
                                                                 : "malformed request",
                   CAP_EINVAL;
    }
    if (!sp->prog)
        return *why = "no program named", CAP_EINVAL;
    return 0;
}

/* A path of the booted system ("/bin/wc.wasm", "data", "/") as a path
 * below the directory capability: no leading or doubled '/', no "." ; ".."
 * is refused. Into out (cap bytes). */
static int fs_path(const char *in, size_t n, char *out, size_t cap, uint32_t *len)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && in[i] == '/')
            i++;
        size_t j = i;
        while (j < n && in[j] != '/')
            j++;
        if (j - i == 2 && in[i] == '.' && in[i + 1] == '.')
            return CAP_EINVAL;
        if (j > i && !(j - i == 1 && in[i] == '.')) {
            if (k + (k ? 1 : 0) + (j - i) >= cap)
                return CAP_EINVAL;
            if (k)
                out[k++] = '/';
            memcpy(out + k, in + i, j - i);
            k += j - i;
        }
        i = j;
    }
    out[k] = 0;
    *len = (uint32_t)k;
    return 0;
}

/* The domain name: the file's base name without ".wasm", [a-z0-9_-]. */
static void prog_name(const char *path, char *out, size_t cap)
{
    const char *b = path;
    for (const char *q = path; *q; q++)
        if (*q == '/')
            b = q + 1;
    size_t n = strlen(b), k = 0;
    if (n > 5 && !memcmp(b + n - 5, ".wasm", 5))
        n -= 5;
    for (size_t i = 0; i < n && k + 1 < cap && k < 24; i++) {
        char c = b[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[k++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ? c : '_';
    }
    if (!k)
        out[k++] = '_';
    out[k] = 0;
}

static void say(char *why, size_t cap, const char *a, const char *b)
{
    size_t k = 0;
    for (const char *s = a; s && *s && k + 1 < cap; s++)
        why[k++] = *s;
    for (const char *s = b; s && *s && k + 1 < cap; s++)
        why[k++] = *s;
    if (cap)
        why[k] = 0;
}

/* A free slot, its domain made on first use. */
static slot_t *slot_take(domsys_t *sys)
{
    for (int i = 0; i < WASIPROG_SLOTS; i++) {
        slot_t *s = &slots[i];
        if (s->busy)
            continue;
        if (!s->d) {
            char name[8] = "wasi0";
            name[4] = (char)('0' + i);
            wasm_linker_t *l = wasm_linker_new(sys->rt);
            if (!l || !wasi_define_bound(sys->rt, &s->bind, l)) {
                if (l)
                    wasm_linker_free(l);
                return NULL;
            }
            domain_limits_t lim = DOMAIN_DEFAULT_LIMITS;
            lim.mem_pages = PROG_MEM_PAGES;
            lim.max_handles = 8;
            s->d = domain_create_with(sys, name, &lim, 8, l);
            if (!s->d)
                return NULL;
            s->d->sup.policy = DOMAIN_RESTART_NEVER;
            domain_unlist(s->d);
            s->trap = kmalloc(sizeof *s->trap);
            if (!s->trap)
                return NULL;
        }
        s->busy = true;
        return s;
    }
    return NULL;
}

/* Reads the program file (path, n bytes) into a new allocation. */
static int read_file(slot_t *s, const char *path, uint32_t n, uint8_t **out, size_t *len,
                     char *why, size_t cap)
{
    wasi_filestat_t st;
    uint16_t e = stat_path(s, path, n, &st);
    if (e)
        return say(why, cap, "", e == WASI_ENOENT ? "No such file or directory" : wasi_errno_name(e)),
               CAP_ENOENT;
    if (st.filetype != WASI_FILETYPE_REGULAR_FILE)
        return say(why, cap, "", "not a file"), CAP_ENOENT;
    if (st.size > PROG_FILE_MAX)
        return say(why, cap, "", "file too large"), CAP_ENOMEM;
    uint8_t *p = kmalloc(st.size ? st.size : 1);
    if (!p)
        return say(why, cap, "", "out of memory"), CAP_ENOMEM;
    size_t got = 0;
    int fd = 0;
    for (int i = 0; i < PROG_FILES && !fd; i++)
        if (!s->files[i].used)
            fd = i + 1;
    s->files[fd - 1] = (kfile_t){true, false, (char *)path, n, 0, 0};
    e = be_pread(s, fd, p, st.size, 0, &got);
    s->files[fd - 1] = (kfile_t){0};
    if (e || got != st.size) {
        kfree(p);
        return say(why, cap, "read: ", e ? wasi_errno_name(e) : "short"), CAP_ENOENT;
    }
    *out = p;
    *len = got;
    return 0;
}

/* The preopen dir ("PATH[::GUEST]") as a directory handle of s. */
static int add_dir(slot_t *s, const char *dir, wasi_preopen_t *po, char *why, size_t cap)
{
    const char *sep = NULL;
    for (const char *q = dir; q[0] && q[1]; q++)
        if (q[0] == ':' && q[1] == ':') {
            sep = q;
            break;
        }
    size_t hl = sep ? (size_t)(sep - dir) : strlen(dir);
    po->guest_path = sep ? sep + 2 : dir;
    char *path = kmalloc(FS_PATH_MAX + 1);
    uint32_t n;
    if (!path)
        return say(why, cap, "", "out of memory"), CAP_ENOMEM;
    if (!*po->guest_path || fs_path(dir, hl, path, FS_PATH_MAX + 1, &n)) {
        kfree(path);
        return say(why, cap, "bad --dir ", dir), CAP_EINVAL;
    }
    wasi_filestat_t st;
    uint16_t e = stat_path(s, path, n, &st);
    if (!e && st.filetype != WASI_FILETYPE_DIRECTORY)
        e = WASI_ENOTDIR;
    kfile_t *f = NULL;
    for (int i = 0; !e && i < PROG_FILES && !f; i++)
        if (!s->files[i].used)
            f = &s->files[i];
    if (e || !f) {
        kfree(path);
        say(why, cap, "--dir ", dir);
        size_t k = strlen(why);
        say(why + k, cap - k, ": ", e ? wasi_errno_name(e) : "too many");
        return e == WASI_ENOENT || e == WASI_ENOTDIR ? CAP_ENOENT : CAP_EINVAL;
    }
    *f = (kfile_t){true, true, path, n, 0, 0};
    po->handle = f - s->files + 1;
    return 0;
}

int wasiprog_launch(domain_t *by, cap_handle_t fs, cap_handle_t rng, const char *spec,
                    size_t len, domain_t **out, char *why, size_t why_cap)
{
    domsys_t *sys = by->sys;
    spec_t *sp = kmalloc(sizeof *sp);
    const char *what = NULL;
    char path[FS_PATH_MAX + 1], name[DOMAIN_NAME_MAX];
    uint32_t plen;
    *out = NULL;
    if (!sp)
        return say(why, why_cap, "", "out of memory"), CAP_ENOMEM;
    int e = parse_spec(spec, len, sp, &what);
    if (e) {
        kfree(sp);
        return say(why, why_cap, "", what), e;
    }
    if (fs_path(sp->prog, strlen(sp->prog), path, sizeof path, &plen) || !plen) {
        kfree(sp);
        return say(why, why_cap, "", "bad program path"), CAP_EINVAL;
    }
    slot_t *s = slot_take(sys);
    if (!s) {
        kfree(sp);
        return say(why, why_cap, "", "too many programs running"), IPC_ELIMIT;
    }
    domain_t *d = s->d;
    prog_name(path, name, sizeof name);
    if (domain_find(sys, name))     /* a domain of that name runs: the slot's own name */
        name[0] = 0;
    if (name[0])
        memcpy(d->name, name, strlen(name) + 1);
    else
        memcpy(d->name, "wasi", 4), d->name[4] = (char)('0' + (s - slots)), d->name[5] = 0;
    d->state = DOMAIN_NEW;
    s->start_exit = -1;
    d->sup.killed = false;
    d->sup.cpu_ns = 0;
    d->sup.trap = s->trap;
    s->ex = sys->boot_ex;
    memset(s->files, 0, sizeof s->files);
    s->be = backend_template;
    s->be.ctx = s;
    s->fs = s->rng = s->buf = 0;
    uint8_t *bytes = NULL;
    size_t blen = 0;
    wasi_preopen_t po[PROG_PREOPENS];
    buffer_t *b = NULL;
    /* Its capabilities: the directory, the entropy source, a buffer. */
    e = cap_derive(by->caps, fs, CAP_R_CALL, d->caps, &s->fs);
    if (!e && rng)
        e = cap_derive(by->caps, rng, CAP_R_CALL, d->caps, &s->rng);
    if (e) {
        say(why, why_cap, "", e == CAP_ERIGHTS ? "capability without the derive right"
                                                : "bad directory or entropy capability");
        goto fail;
    }
    if ((e = domain_charge(d, 1)) || !(b = buffer_create(1))) {
        if (!e)
            domain_uncharge(d, 1), e = CAP_ENOMEM;
        say(why, why_cap, "", "out of memory");
        goto fail;
    }
    b->payer = d;
    e = cap_install(d->caps, &b->obj, CAP_R_ALL, &s->buf);
    s->io = phys_to_virt(b->frames[0]);
    kobj_unref(&b->obj);
    if (e) {
        say(why, why_cap, "", "out of handles");
        goto fail;
    }
    if ((e = read_file(s, path, plen, &bytes, &blen, why, why_cap)))
        goto fail;
    for (uint32_t i = 0; i < sp->ndirs; i++)
        if ((e = add_dir(s, sp->dirs[i], &po[i], why, why_cap)))
            goto fail;
    wasi_config_t cfg = {&s->be, sp->argc, sp->argv, sp->envc, sp->envp, sp->ndirs, po};
    if (!(s->bind.w = wasi_new(sys->rt, &cfg))) {
        e = CAP_ENOMEM;
        say(why, why_cap, "", "out of memory");
        goto fail;
    }
    /* The preopens' handles are the context's now (wasi_free closes them). */
    wasm_error_t err = {0};
    d->mod = wasm_module_load(sys->rt, bytes, blen, &err);
    if (!d->mod) {
        say(why, why_cap, "invalid module: ", err.message);
        e = CAP_EINVAL;
        goto fail;
    }
    /* A start function runs here, on the launcher's thread, on an exec of
     * its own; the memory limit holds from the first page. */
    wasm_exec_t *ex = wasm_exec_new(sys->rt);
    if (!ex) {
        e = CAP_ENOMEM;
        say(why, why_cap, "", "out of memory");
        goto fail;
    }
    s->ex = ex;
    s->trap->kind = WASM_OK;
    uint64_t limit = PROG_MEM_PAGES - (d->buf_pages * PAGE_SIZE + 65535) / 65536;
    d->inst = wasm_instantiate_limited(d->mod, d->linker, ex, (uint32_t)limit, d->lim.table_elems,
                                       &err, s->trap);
    if (!d->inst && s->trap->kind == WASM_TRAP_EXIT) {
        /* proc_exit in a start function: the program ran and ended there */
        s->start_exit = (int64_t)(uint32_t)s->trap->exit_code;
    } else if (!d->inst) {
        if (s->trap->kind != WASM_OK)
            say(why, why_cap, "start function trapped: ", wasm_trap_kind_name(s->trap->kind));
        else
            say(why, why_cap, "link: ", err.message);
        wasm_exec_free(ex);
        s->ex = NULL;
        e = CAP_EINVAL;
        goto fail;
    }
    s->ex = ex;
    wasm_func_t *f = d->inst ? wasm_instance_func(d->inst, "_start") : NULL;
    const uint8_t *pt, *rt;
    uint32_t np = 1, nr = 1;
    if (f)
        wasm_func_type(f, &pt, &np, &rt, &nr);
    if (d->inst && (!f || np || nr)) {
        say(why, why_cap, "", "no export _start of type () -> ()");
        e = CAP_EINVAL;
        goto fail;
    }
    kfree(bytes);
    kfree(sp);
    d->state = DOMAIN_READY;
    domain_relist(d);
    *out = d;
    return 0;
fail:
    kfree(bytes);
    kfree(sp);
    wasiprog_unload(d);
    return e;
}

int64_t wasiprog_run(domain_t *d)
{
    slot_t *s = slot_of(d);
    if (s && s->start_exit >= 0)
        return s->start_exit;
    if (!s || !d->inst)
        return -1;
    wasm_func_t *f = wasm_instance_func(d->inst, "_start");     /* checked at launch */
    if (!f)
        return -1;
    wasm_exec_t *ex = s->ex;
    uint64_t res = 0;
    thread_set_exec(thread_current(), ex);
    sup_run_begin(d, ex);
    wasm_trap_kind_t k = wasm_call(ex, f, NULL, &res, s->trap);
    bool killed = d->sup.killed;
    sup_run_end(d);
    thread_set_exec(thread_current(), NULL);
    if (k == WASM_OK)
        return 0;
    if (k == WASM_TRAP_EXIT)
        return (int64_t)(uint32_t)s->trap->exit_code;
    if (killed || d->state == DOMAIN_STOPPED) {
        kprintf("%s: stopped\n", d->name);
    } else {
        static char buf[1024];
        wasm_trap_format(s->trap, buf, sizeof buf);
        kprintf("%s: trap: %s\n", d->name, buf);
    }
    return -1;
}

void wasiprog_unload(domain_t *d)
{
    slot_t *s = slot_of(d);
    if (!s)
        return;
    domain_unlist(d);
    if (s->bind.w)
        wasi_free(s->bind.w);
    s->bind.w = NULL;
    for (int i = 0; i < PROG_FILES; i++)        /* what the context did not own */
        if (s->files[i].used)
            be_close(s, i + 1);
    cap_handle_t hs[16];
    uint32_t n = cap_table_handles(d->caps, hs, 16);
    for (uint32_t i = 0; i < n && i < 16; i++)
        cap_delete(d->caps, hs[i]);
    ipc_reap(d->sys);
    if (d->inst)
        wasm_instance_free(d->inst);
    if (d->mod)
        wasm_module_free(d->mod);
    if (s->ex && s->ex != d->sys->boot_ex)
        wasm_exec_free(s->ex);
    d->inst = NULL;
    d->mod = NULL;
    s->ex = NULL;
    s->io = NULL;
    s->fs = s->rng = s->buf = 0;
    d->state = DOMAIN_DEAD;
    d->nnames = 0;
    s->busy = false;
}
