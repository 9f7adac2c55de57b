/*
 * The WASI layer's backend for a Linux process. Handles are host fds.
 *
 * Containment: the layer already refuses absolute paths and ".." above the
 * directory handle. Here every path is opened with openat2(RESOLVE_BENEATH),
 * so a symbolic link inside the tree cannot lead out of it either. Where
 * openat2 is missing (ENOSYS) we walk the path component by component with
 * O_NOFOLLOW, i.e. symbolic links are refused rather than followed.
 * Operations on a name (mkdir, unlink, stat without following, ...) open
 * the parent directory that way and then use the *at() call on the last
 * component, which never follows a link in it.
 */
#include "wasi/wasi_posix.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ errno */

/* Private errno (Linux uses < 4096 values, none this high) for "the path
 * would leave the directory": openat2 says EXDEV, which rename also uses. */
#define E_ESCAPE 4000

uint16_t wasi_posix_errno(int err)
{
    switch (err) {
    case 0: return WASI_ESUCCESS;
    case E2BIG: return WASI_E2BIG;
    case EACCES: return WASI_EACCES;
    case EAGAIN: return WASI_EAGAIN;
    case EBADF: return WASI_EBADF;
    case EBUSY: return WASI_EBUSY;
    case EDQUOT: return WASI_EDQUOT;
    case EEXIST: return WASI_EEXIST;
    case EFAULT: return WASI_EFAULT;
    case EFBIG: return WASI_EFBIG;
    case EINTR: return WASI_EINTR;
    case EINVAL: return WASI_EINVAL;
    case EIO: return WASI_EIO;
    case EISDIR: return WASI_EISDIR;
    case ELOOP: return WASI_ELOOP;
    case EMFILE: return WASI_EMFILE;
    case EMLINK: return WASI_EMLINK;
    case ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case ENFILE: return WASI_ENFILE;
    case ENODEV: return WASI_ENODEV;
    case ENOENT: return WASI_ENOENT;
    case ENOMEM: return WASI_ENOMEM;
    case ENOSPC: return WASI_ENOSPC;
    case ENOSYS: return WASI_ENOSYS;
    case ENOTDIR: return WASI_ENOTDIR;
    case ENOTEMPTY: return WASI_ENOTEMPTY;
    case ENOTSUP: return WASI_ENOTSUP;
    case ENOTTY: return WASI_ENOTTY;
    case ENXIO: return WASI_ENXIO;
    case EOVERFLOW: return WASI_EOVERFLOW;
    case EPERM: return WASI_EPERM;
    case EPIPE: return WASI_EPIPE;
    case ERANGE: return WASI_ERANGE;
    case EROFS: return WASI_EROFS;
    case ESPIPE: return WASI_ESPIPE;
    case ETXTBSY: return WASI_ETXTBSY;
    case EXDEV: return WASI_EXDEV;
    case E_ESCAPE: return WASI_ENOTCAPABLE;
    default: return WASI_EIO;
    }
}

static uint16_t err_or_ok(int rc)
{
    return rc < 0 ? wasi_posix_errno(errno) : WASI_ESUCCESS;
}

static uint8_t filetype_of(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

static uint64_t ts_ns(struct timespec t)
{
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void filestat_of(const struct stat *s, wasi_filestat_t *st)
{
    st->dev = s->st_dev;
    st->ino = s->st_ino;
    st->filetype = filetype_of(s->st_mode);
    st->nlink = s->st_nlink;
    st->size = (uint64_t)s->st_size;
    st->atim = ts_ns(s->st_atim);
    st->mtim = ts_ns(s->st_mtim);
    st->ctim = ts_ns(s->st_ctim);
}

/* ------------------------------------------------------ contained open */

/* Fallback for kernels without openat2: one component at a time, never
 * following a symbolic link. */
static int walk_open(int dir, const char *path, int flags, mode_t mode)
{
    char *copy = strdup(path);
    if (!copy)
        return errno = ENOMEM, -1;
    size_t n = strlen(copy);
    if (n > 1 && copy[n - 1] == '/') {
        copy[--n] = 0;
        flags |= O_DIRECTORY;
    }
    int cur = dir;
    char *s = copy, *slash;
    while ((slash = strchr(s, '/')) != NULL) {
        *slash = 0;
        int next = openat(cur, s, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int saved = errno;
        if (cur != dir)
            close(cur);
        if (next < 0) {
            free(copy);
            return errno = saved, -1;
        }
        cur = next;
        s = slash + 1;
    }
    int fd = openat(cur, s, flags | O_NOFOLLOW, mode);
    int saved = errno;
    struct stat st;
    /* O_PATH | O_NOFOLLOW opens a link itself: refuse it like the rest. */
    if (fd >= 0 && (flags & O_PATH) && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
        close(fd);
        fd = -1;
        saved = ELOOP;
    }
    if (cur != dir)
        close(cur);
    free(copy);
    errno = saved;
    return fd;
}

/* 1: openat2 works, -1: it does not (ENOSYS, or AZOTH_WASI_NO_OPENAT2 is
 * set, which the tests use to exercise the fallback), 0: not known yet. */
static int have_openat2;

/* openat() that cannot resolve outside dir. */
static int beneath_open(int dir, const char *path, int flags, mode_t mode)
{
    if (have_openat2 == 0)
        have_openat2 = getenv("AZOTH_WASI_NO_OPENAT2") ? -1 : 1;
    if (have_openat2 > 0) {
        struct open_how how = {
            .flags = (uint64_t)flags | O_CLOEXEC,
            .mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0,
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dir, path, &how, sizeof how);
        if (fd < 0 && errno == EXDEV)
            errno = E_ESCAPE;
        if (fd >= 0 || errno != ENOSYS)
            return (int)fd;
        have_openat2 = -1;
    }
    return walk_open(dir, path, flags | O_CLOEXEC, mode);
}

/* Splits path into its parent (opened beneath dir) and last component.
 * *pfd is dir itself for a single-component path: close it only if != dir. */
static uint16_t open_parent(int dir, const char *path, int *pfd, const char **name)
{
    size_t n = strlen(path);
    size_t end = n > 1 && path[n - 1] == '/' ? n - 1 : n;  /* keep a trailing '/' */
    size_t i = end;
    while (i > 0 && path[i - 1] != '/')
        i--;
    *name = path + i;
    if (i == 0) {
        *pfd = dir;
        return WASI_ESUCCESS;
    }
    char *parent = strndup(path, i - 1);
    if (!parent)
        return WASI_ENOMEM;
    int fd = beneath_open(dir, parent, O_PATH | O_DIRECTORY, 0);
    int saved = errno;
    free(parent);
    if (fd < 0)
        return wasi_posix_errno(saved);
    *pfd = fd;
    return WASI_ESUCCESS;
}

static void close_parent(int dir, int pfd)
{
    if (pfd != dir)
        close(pfd);
}

/* ------------------------------------------------------------ console */

static uint16_t px_console_read(void *ctx, void *buf, size_t len, size_t *n)
{
    ssize_t r;
    do
        r = read(0, buf, len);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return wasi_posix_errno(errno);
    *n = (size_t)r;
    return WASI_ESUCCESS;
}

static uint16_t px_console_write(void *ctx, int stream, const void *buf, size_t len,
                                 size_t *n)
{
    ssize_t r;
    do
        r = write(stream == 2 ? 2 : 1, buf, len);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return wasi_posix_errno(errno);
    *n = (size_t)r;
    return WASI_ESUCCESS;
}

static uint8_t px_console_filetype(void *ctx, int stream)
{
    struct stat s;
    if (fstat(stream, &s) < 0)
        return WASI_FILETYPE_UNKNOWN;
    if (S_ISCHR(s.st_mode) && !isatty(stream))
        return WASI_FILETYPE_UNKNOWN;      /* /dev/null and the like: not a terminal */
    if (S_ISFIFO(s.st_mode))
        return WASI_FILETYPE_UNKNOWN;      /* WASI has no pipe type */
    return filetype_of(s.st_mode);
}

/* ------------------------------------------------------ clocks, random */

static bool host_clock(uint32_t id, clockid_t *out)
{
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC,
                                    CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
    if (id >= 4)
        return false;
    *out = ids[id];
    return true;
}

static uint16_t px_clock_time(void *ctx, uint32_t id, uint64_t *ns)
{
    clockid_t c;
    struct timespec t;
    if (!host_clock(id, &c))
        return WASI_EINVAL;
    if (clock_gettime(c, &t) < 0)
        return wasi_posix_errno(errno);
    *ns = ts_ns(t);
    return WASI_ESUCCESS;
}

static uint16_t px_clock_res(void *ctx, uint32_t id, uint64_t *ns)
{
    clockid_t c;
    struct timespec t;
    if (!host_clock(id, &c))
        return WASI_EINVAL;
    if (clock_getres(c, &t) < 0)
        return wasi_posix_errno(errno);
    *ns = ts_ns(t);
    return WASI_ESUCCESS;
}

static uint16_t px_sleep(void *ctx, uint64_t ns)
{
    struct timespec t = {.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
    while (nanosleep(&t, &t) < 0)
        if (errno != EINTR)
            return wasi_posix_errno(errno);
    return WASI_ESUCCESS;
}

static uint16_t px_random(void *ctx, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t r = getrandom(p, len, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return wasi_posix_errno(errno);
        }
        p += r;
        len -= (size_t)r;
    }
    return WASI_ESUCCESS;
}

/* ------------------------------------------------------------ handles */

static int open_flags(const wasi_open_t *how)
{
    int f = O_NOCTTY;
    if (how->read && how->write)
        f |= O_RDWR;
    else if (how->write)
        f |= O_WRONLY;
    else
        f |= O_RDONLY;
    if (how->oflags & WASI_O_CREAT) f |= O_CREAT;
    if (how->oflags & WASI_O_EXCL) f |= O_EXCL;
    if (how->oflags & WASI_O_TRUNC) f |= O_TRUNC;
    if (how->oflags & WASI_O_DIRECTORY) f |= O_DIRECTORY;
    if (how->fdflags & WASI_FDFLAG_APPEND) f |= O_APPEND;
    if (how->fdflags & WASI_FDFLAG_NONBLOCK) f |= O_NONBLOCK;
    if (how->fdflags & WASI_FDFLAG_DSYNC) f |= O_DSYNC;
    if (how->fdflags & WASI_FDFLAG_SYNC) f |= O_SYNC;
    if (how->fdflags & WASI_FDFLAG_RSYNC) f |= O_RSYNC;
    if (!how->follow) f |= O_NOFOLLOW;
    return f;
}

static uint16_t px_open(void *ctx, int64_t dir, const char *path, const wasi_open_t *how,
                        int64_t *handle, uint8_t *type)
{
    struct stat s;
    int flags = open_flags(how);
    int fd = beneath_open((int)dir, path, flags, 0666);
    if (fd < 0)
        return wasi_posix_errno(errno);
    if (fstat(fd, &s) < 0) {
        int saved = errno;
        close(fd);
        return wasi_posix_errno(saved);
    }
    *handle = fd;
    *type = filetype_of(s.st_mode);
    return WASI_ESUCCESS;
}

static uint16_t px_close(void *ctx, int64_t h)
{
    return err_or_ok(close((int)h));
}

static uint16_t io_result(ssize_t r, size_t *n)
{
    if (r < 0)
        return wasi_posix_errno(errno);
    *n = (size_t)r;
    return WASI_ESUCCESS;
}

static uint16_t px_read(void *ctx, int64_t h, void *buf, size_t len, size_t *n)
{
    return io_result(read((int)h, buf, len), n);
}

static uint16_t px_write(void *ctx, int64_t h, const void *buf, size_t len, size_t *n)
{
    return io_result(write((int)h, buf, len), n);
}

static uint16_t px_pread(void *ctx, int64_t h, void *buf, size_t len, uint64_t off, size_t *n)
{
    if (off > INT64_MAX)
        return WASI_EINVAL;
    return io_result(pread((int)h, buf, len, (off_t)off), n);
}

static uint16_t px_pwrite(void *ctx, int64_t h, const void *buf, size_t len, uint64_t off,
                          size_t *n)
{
    if (off > INT64_MAX)
        return WASI_EINVAL;
    return io_result(pwrite((int)h, buf, len, (off_t)off), n);
}

static uint16_t px_seek(void *ctx, int64_t h, int64_t off, int whence, uint64_t *pos)
{
    static const int w[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    off_t r = lseek((int)h, (off_t)off, w[whence]);
    if (r < 0)
        return wasi_posix_errno(errno);
    *pos = (uint64_t)r;
    return WASI_ESUCCESS;
}

static uint16_t px_sync(void *ctx, int64_t h, bool data_only)
{
    return err_or_ok(data_only ? fdatasync((int)h) : fsync((int)h));
}

static uint16_t px_fstat(void *ctx, int64_t h, wasi_filestat_t *st)
{
    struct stat s;
    if (fstat((int)h, &s) < 0)
        return wasi_posix_errno(errno);
    filestat_of(&s, st);
    return WASI_ESUCCESS;
}

/* Only APPEND and NONBLOCK can change on an open Linux fd. */
static uint16_t px_set_flags(void *ctx, int64_t h, uint16_t fdflags)
{
    int fl = fcntl((int)h, F_GETFL);
    if (fl < 0)
        return wasi_posix_errno(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (fdflags & WASI_FDFLAG_APPEND) fl |= O_APPEND;
    if (fdflags & WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
    return err_or_ok(fcntl((int)h, F_SETFL, fl));
}

static uint16_t px_truncate(void *ctx, int64_t h, uint64_t size)
{
    if (size > INT64_MAX)
        return WASI_EINVAL;
    return err_or_ok(ftruncate((int)h, (off_t)size));
}

static uint16_t px_allocate(void *ctx, int64_t h, uint64_t off, uint64_t len)
{
    if (off > INT64_MAX || len > INT64_MAX)
        return WASI_EINVAL;
    return wasi_posix_errno(posix_fallocate((int)h, (off_t)off, (off_t)len));
}

static void times_of(uint64_t atim, uint64_t mtim, uint16_t fst, struct timespec t[2])
{
    uint64_t v[2] = {atim, mtim};
    uint16_t set[2] = {WASI_FST_ATIM, WASI_FST_MTIM}, now[2] = {WASI_FST_ATIM_NOW,
                                                                WASI_FST_MTIM_NOW};
    for (int i = 0; i < 2; i++) {
        t[i].tv_sec = 0;
        if (fst & now[i])
            t[i].tv_nsec = UTIME_NOW;
        else if (fst & set[i]) {
            t[i].tv_sec = (time_t)(v[i] / 1000000000u);
            t[i].tv_nsec = (long)(v[i] % 1000000000u);
        } else
            t[i].tv_nsec = UTIME_OMIT;
    }
}

static uint16_t px_futimes(void *ctx, int64_t h, uint64_t atim, uint64_t mtim, uint16_t fst)
{
    struct timespec t[2];
    times_of(atim, mtim, fst, t);
    return err_or_ok(futimens((int)h, t));
}

static uint8_t dtype_of(int dirfd, const struct dirent *e)
{
    struct stat s;
    switch (e->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN:
        if (fstatat(dirfd, e->d_name, &s, AT_SYMLINK_NOFOLLOW) == 0)
            return filetype_of(s.st_mode);
        return WASI_FILETYPE_UNKNOWN;
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* Cookies are entry indexes: each call reopens the directory stream on a
 * duplicate of h and skips to the cookie. Quadratic for huge directories
 * read with tiny buffers, but stateless and robust. */
static uint16_t px_readdir(void *ctx, int64_t h, uint64_t cookie, wasi_dirent_fn emit,
                           void *arg)
{
    int fd = fcntl((int)h, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return wasi_posix_errno(errno);
    DIR *d = fdopendir(fd);
    if (!d) {
        int saved = errno;
        close(fd);
        return wasi_posix_errno(saved);
    }
    rewinddir(d);
    uint64_t index = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (index++ < cookie)
            continue;
        wasi_dirent_t de = {.next = index, .ino = e->d_ino, .type = dtype_of(fd, e)};
        if (!emit(arg, &de, e->d_name, (uint32_t)strlen(e->d_name)))
            break;
        errno = 0;
    }
    int saved = errno;
    closedir(d);
    return e == NULL ? wasi_posix_errno(saved) : WASI_ESUCCESS;
}

/* ------------------------------------------------------ path operations */

static uint16_t px_stat(void *ctx, int64_t dir, const char *path, bool follow,
                        wasi_filestat_t *st)
{
    struct stat s;
    int pfd, rc;
    const char *name;
    if (follow) {
        int fd = beneath_open((int)dir, path, O_PATH, 0);
        if (fd < 0)
            return wasi_posix_errno(errno);
        rc = fstat(fd, &s);
        int saved = errno;
        close(fd);
        errno = saved;
    } else {
        uint16_t e = open_parent((int)dir, path, &pfd, &name);
        if (e != WASI_ESUCCESS)
            return e;
        rc = fstatat(pfd, name, &s, AT_SYMLINK_NOFOLLOW);
        int saved = errno;
        close_parent((int)dir, pfd);
        errno = saved;
    }
    if (rc < 0)
        return wasi_posix_errno(errno);
    filestat_of(&s, st);
    return WASI_ESUCCESS;
}

/* Followed links are opened beneath dir first, then named through
 * /proc/self/fd so the *at() call cannot wander off. */
static uint16_t px_utimes(void *ctx, int64_t dir, const char *path, bool follow,
                          uint64_t atim, uint64_t mtim, uint16_t fst)
{
    struct timespec t[2];
    int pfd, rc;
    const char *name;
    times_of(atim, mtim, fst, t);
    if (follow) {
        char proc[64];
        int fd = beneath_open((int)dir, path, O_PATH, 0);
        if (fd < 0)
            return wasi_posix_errno(errno);
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        rc = utimensat(AT_FDCWD, proc, t, 0);
        int saved = errno;
        close(fd);
        errno = saved;
    } else {
        uint16_t e = open_parent((int)dir, path, &pfd, &name);
        if (e != WASI_ESUCCESS)
            return e;
        rc = utimensat(pfd, name, t, AT_SYMLINK_NOFOLLOW);
        int saved = errno;
        close_parent((int)dir, pfd);
        errno = saved;
    }
    return err_or_ok(rc);
}

enum { NAME_MKDIR, NAME_RMDIR, NAME_UNLINK };

static uint16_t name_op(int dir, const char *path, int op)
{
    int pfd, rc;
    const char *name;
    uint16_t e = open_parent(dir, path, &pfd, &name);
    if (e != WASI_ESUCCESS)
        return e;
    switch (op) {
    case NAME_MKDIR: rc = mkdirat(pfd, name, 0777); break;
    case NAME_RMDIR: rc = unlinkat(pfd, name, AT_REMOVEDIR); break;
    default: rc = unlinkat(pfd, name, 0); break;
    }
    int saved = errno;
    close_parent(dir, pfd);
    return rc < 0 ? wasi_posix_errno(saved) : WASI_ESUCCESS;
}

static uint16_t px_mkdir(void *ctx, int64_t dir, const char *path)
{
    return name_op((int)dir, path, NAME_MKDIR);
}

static uint16_t px_rmdir(void *ctx, int64_t dir, const char *path)
{
    return name_op((int)dir, path, NAME_RMDIR);
}

static uint16_t px_unlink(void *ctx, int64_t dir, const char *path)
{
    return name_op((int)dir, path, NAME_UNLINK);
}

static uint16_t px_rename(void *ctx, int64_t dir, const char *path, int64_t newdir,
                          const char *newpath)
{
    int p1, p2;
    const char *n1, *n2;
    uint16_t e = open_parent((int)dir, path, &p1, &n1);
    if (e != WASI_ESUCCESS)
        return e;
    e = open_parent((int)newdir, newpath, &p2, &n2);
    if (e == WASI_ESUCCESS) {
        e = err_or_ok(renameat(p1, n1, p2, n2));
        close_parent((int)newdir, p2);
    }
    close_parent((int)dir, p1);
    return e;
}

static uint16_t px_link(void *ctx, int64_t dir, const char *path, bool follow, int64_t newdir,
                        const char *newpath)
{
    int p1, p2;
    const char *n1, *n2;
    uint16_t e = open_parent((int)newdir, newpath, &p2, &n2);
    if (e != WASI_ESUCCESS)
        return e;
    if (follow) {
        char proc[64];
        int fd = beneath_open((int)dir, path, O_PATH, 0);
        if (fd < 0) {
            e = wasi_posix_errno(errno);
        } else {
            snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
            e = err_or_ok(linkat(AT_FDCWD, proc, p2, n2, AT_SYMLINK_FOLLOW));
            close(fd);
        }
    } else if ((e = open_parent((int)dir, path, &p1, &n1)) == WASI_ESUCCESS) {
        e = err_or_ok(linkat(p1, n1, p2, n2, 0));
        close_parent((int)dir, p1);
    }
    close_parent((int)newdir, p2);
    return e;
}

static uint16_t px_symlink(void *ctx, const char *target, int64_t dir, const char *path)
{
    int pfd;
    const char *name;
    uint16_t e = open_parent((int)dir, path, &pfd, &name);
    if (e != WASI_ESUCCESS)
        return e;
    e = err_or_ok(symlinkat(target, pfd, name));
    close_parent((int)dir, pfd);
    return e;
}

static uint16_t px_readlink(void *ctx, int64_t dir, const char *path, char *buf, size_t cap,
                            size_t *len)
{
    int pfd;
    const char *name;
    uint16_t e = open_parent((int)dir, path, &pfd, &name);
    if (e != WASI_ESUCCESS)
        return e;
    ssize_t r = readlinkat(pfd, name, buf, cap);
    e = r < 0 ? wasi_posix_errno(errno) : WASI_ESUCCESS;
    close_parent((int)dir, pfd);
    if (r >= 0)
        *len = (size_t)r;
    return e;
}

/* ------------------------------------------------------------ setup */

uint16_t wasi_posix_open_dir(const char *path, int64_t *handle)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return wasi_posix_errno(errno);
    *handle = fd;
    return WASI_ESUCCESS;
}

void wasi_posix_backend(wasi_backend_t *be)
{
    *be = (wasi_backend_t){
        .ctx = NULL,
        .console_read = px_console_read, .console_write = px_console_write,
        .console_filetype = px_console_filetype,
        .clock_time = px_clock_time, .clock_res = px_clock_res,
        .sleep = px_sleep, .random = px_random,
        .open = px_open, .close = px_close,
        .read = px_read, .write = px_write, .pread = px_pread, .pwrite = px_pwrite,
        .seek = px_seek, .sync = px_sync, .fstat = px_fstat, .set_flags = px_set_flags,
        .truncate = px_truncate, .allocate = px_allocate, .futimes = px_futimes,
        .readdir = px_readdir,
        .stat = px_stat, .utimes = px_utimes, .mkdir = px_mkdir, .rmdir = px_rmdir,
        .unlink = px_unlink, .rename = px_rename, .link = px_link,
        .symlink = px_symlink, .readlink = px_readlink,
    };
}
