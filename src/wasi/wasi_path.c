/*
 * WASI preview1 layer: guest paths, the path_* calls and fd_readdir.
 *
 * Every guest path is resolved lexically here before the backend sees it:
 * "." components vanish, ".." removes the previous component, and a path
 * that is absolute or whose ".." would climb above the directory handle is
 * refused with WASI_ENOTCAPABLE. Symbolic links inside the tree are the
 * backend's to contain.
 */
#include "wasi_impl.h"

/* ------------------------------------------------------- normalisation */

/* Appends component s[0..n) to out (length *len), handling "." and "..". */
static uint16_t push_component(char *out, size_t *len, const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '.'))
        return WASI_ESUCCESS;
    if (n == 2 && s[0] == '.' && s[1] == '.') {
        if (*len == 0)
            return WASI_ENOTCAPABLE;
        while (*len > 0 && out[*len - 1] != '/')
            (*len)--;
        if (*len > 0)
            (*len)--;                       /* the separator before it */
        return WASI_ESUCCESS;
    }
    if (*len > 0)
        out[(*len)++] = '/';
    __builtin_memcpy(out + *len, s, n);
    *len += n;
    return WASI_ESUCCESS;
}

/* Normalises s[0..n) into out (room for n + 2 bytes); see the file comment.
 * A trailing slash is kept, since it asks for a directory. */
static uint16_t normalise(const char *s, size_t n, char *out)
{
    size_t len = 0, i = 0;
    if (n == 0)
        return WASI_ENOENT;
    if (s[0] == '/')
        return WASI_ENOTCAPABLE;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        uint16_t e = push_component(out, &len, s + i, j - i);
        if (e != WASI_ESUCCESS)
            return e;
        i = j + 1;
    }
    if (len == 0)
        out[len++] = '.';
    else if (s[n - 1] == '/')
        out[len++] = '/';
    out[len] = 0;
    return WASI_ESUCCESS;
}

uint16_t wasi_path(const wasi_call_t *k, uint32_t ptr, uint32_t len, char **out)
{
    const uint8_t *p = wasi_mem(k, ptr, len);
    if (!p)
        return WASI_EFAULT;
    if (len > WASI_MAX_PATH)
        return WASI_ENAMETOOLONG;
    for (uint32_t i = 0; i < len; i++)
        if (p[i] == 0)
            return WASI_EINVAL;            /* a NUL would cut the path short */
    char *buf = wasm_plat_alloc((size_t)len + 2);
    if (!buf)
        return WASI_ENOMEM;
    uint16_t e = normalise((const char *)p, len, buf);
    if (e != WASI_ESUCCESS) {
        wasm_plat_free(buf);
        return e;
    }
    *out = buf;
    return WASI_ESUCCESS;
}

/* The directory fd fd, if it holds every right in need (the PATH_* rights
 * of the operation): a directory whose rights were dropped cannot be used to
 * reach anything below it. */
uint16_t wasi_dirfd(wasi_t *w, uint32_t fd, uint64_t need, wasi_fd_t **out)
{
    wasi_fd_t *f = wasi_fd_get(w, fd);
    if (!f)
        return WASI_EBADF;
    if (f->kind != WASI_FD_DIR)
        return WASI_ENOTDIR;
    if ((f->rights & need) != need)
        return WASI_ENOTCAPABLE;
    *out = f;
    return WASI_ESUCCESS;
}

/* Directory handle and normalised path for a (fd, guest path) pair; the
 * directory fd must hold the rights in need. */
static uint16_t resolve(const wasi_call_t *k, uint32_t fd, uint64_t need, uint32_t ptr,
                        uint32_t len, int64_t *dir, char **path)
{
    wasi_fd_t *f;
    uint16_t e = wasi_dirfd(k->w, fd, need, &f);
    if (e != WASI_ESUCCESS)
        return e;
    *dir = f->handle;
    return wasi_path(k, ptr, len, path);
}

/* --------------------------------------------------------------- open */

/* Rights that mean the file must be opened for writing. */
#define WRITE_RIGHTS (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | \
                      WASI_RIGHT_FD_FILESTAT_SET_SIZE | WASI_RIGHT_FD_DATASYNC)

/* Puts an opened handle in the lowest free fd. */
static uint16_t install(wasi_t *w, int64_t h, uint8_t type, uint64_t rights, uint64_t inh,
                        uint16_t fdflags, uint32_t *fd)
{
    uint16_t e = wasi_fd_alloc(w, fd);
    if (e != WASI_ESUCCESS) {
        if (w->be->close)
            w->be->close(w->be->ctx, h);
        return e;
    }
    wasi_fd_t *f = &w->fds[*fd];
    f->kind = type == WASI_FILETYPE_DIRECTORY ? WASI_FD_DIR : WASI_FD_FILE;
    f->filetype = type;
    f->handle = h;
    f->rights = rights & WASI_RIGHTS_ALL;
    f->rights_inh = inh & WASI_RIGHTS_ALL;
    f->fdflags = fdflags;
    return WASI_ESUCCESS;
}

static uint16_t do_open(const wasi_call_t *k, uint32_t dirfd, uint32_t lookup, uint32_t ptr,
                        uint32_t len, uint32_t oflags, uint64_t rights, uint64_t inh,
                        uint32_t fdflags, uint32_t out)
{
    int64_t dir, h = 0;
    char *path;
    uint8_t type = WASI_FILETYPE_UNKNOWN;
    if (!wasi_mem(k, out, 4))
        return WASI_EFAULT;
    if (oflags > 15 || fdflags > 31)
        return WASI_EINVAL;
    /* The directory must allow opening (and creating, truncating) below it,
     * and the new fd gets no right the directory does not pass on. */
    uint64_t need = WASI_RIGHT_PATH_OPEN;
    if (oflags & WASI_O_CREAT)
        need |= WASI_RIGHT_PATH_CREATE_FILE;
    if (oflags & WASI_O_TRUNC)
        need |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
    wasi_fd_t *d;
    uint16_t e = wasi_dirfd(k->w, dirfd, need, &d);
    if (e != WASI_ESUCCESS)
        return e;
    if (((rights | inh) & WASI_RIGHTS_ALL & ~d->rights_inh) != 0)
        return WASI_ENOTCAPABLE;
    dir = d->handle;
    e = wasi_path(k, ptr, len, &path);
    if (e != WASI_ESUCCESS)
        return e;
    wasi_open_t how = {
        .oflags = (uint16_t)oflags, .fdflags = (uint16_t)fdflags,
        .read = (rights & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)) != 0,
        .write = (rights & WRITE_RIGHTS) != 0 || (oflags & WASI_O_TRUNC),
        .follow = (lookup & WASI_LOOKUP_SYMLINK_FOLLOW) != 0,
    };
    e = k->be->open ? k->be->open(k->bctx, dir, path, &how, &h, &type) : WASI_ENOSYS;
    wasm_plat_free(path);
    if (e != WASI_ESUCCESS)
        return e;
    /* As wasmtime: a directory is not opened for writing, and its fd holds
     * directory rights only (no read, write, seek or tell). */
    if (type == WASI_FILETYPE_DIRECTORY) {
        if (how.write) {
            if (k->be->close)
                k->be->close(k->bctx, h);
            return WASI_EISDIR;
        }
        rights &= WASI_RIGHTS_DIR_BASE;
    }
    uint32_t fd;
    e = install(k->w, h, type, rights, inh, (uint16_t)fdflags, &fd);
    if (e == WASI_ESUCCESS)
        wasi_put32(k, out, fd);
    return e;
}

WASI_HOST(wasi_sys_path_open)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, do_open(&k, A32(0), A32(1), A32(2), A32(3), A32(4), A64(5), A64(6),
                               A32(7), A32(8)));
}

/* ------------------------------------------------- one-path operations */

enum { OP_MKDIR, OP_RMDIR, OP_UNLINK };

static uint16_t one_path(const wasi_call_t *k, int op, uint32_t fd, uint32_t ptr, uint32_t len)
{
    static const uint64_t need[] = {
        [OP_MKDIR] = WASI_RIGHT_PATH_CREATE_DIRECTORY,
        [OP_RMDIR] = WASI_RIGHT_PATH_REMOVE_DIRECTORY,
        [OP_UNLINK] = WASI_RIGHT_PATH_UNLINK_FILE,
    };
    int64_t dir;
    char *path;
    uint16_t e = resolve(k, fd, need[op], ptr, len, &dir, &path);
    if (e != WASI_ESUCCESS)
        return e;
    const wasi_backend_t *be = k->be;
    switch (op) {
    case OP_MKDIR: e = be->mkdir ? be->mkdir(k->bctx, dir, path) : WASI_ENOSYS; break;
    case OP_RMDIR: e = be->rmdir ? be->rmdir(k->bctx, dir, path) : WASI_ENOSYS; break;
    default: e = be->unlink ? be->unlink(k->bctx, dir, path) : WASI_ENOSYS; break;
    }
    wasm_plat_free(path);
    return e;
}

WASI_HOST(wasi_sys_path_create_directory)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, one_path(&k, OP_MKDIR, A32(0), A32(1), A32(2)));
}

WASI_HOST(wasi_sys_path_remove_directory)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, one_path(&k, OP_RMDIR, A32(0), A32(1), A32(2)));
}

WASI_HOST(wasi_sys_path_unlink_file)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, one_path(&k, OP_UNLINK, A32(0), A32(1), A32(2)));
}

WASI_HOST(wasi_sys_path_filestat_get)
{
    wasi_call_t k;
    int64_t dir;
    char *path;
    wasi_filestat_t st = {0};
    wasi_enter(&k, ctx, user);
    if (!wasi_mem(&k, A32(4), 64))
        return wasi_ret(c, WASI_EFAULT);
    uint16_t e = resolve(&k, A32(0), WASI_RIGHT_PATH_FILESTAT_GET, A32(2), A32(3), &dir, &path);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    bool follow = (A32(1) & WASI_LOOKUP_SYMLINK_FOLLOW) != 0;
    e = k.be->stat ? k.be->stat(k.bctx, dir, path, follow, &st) : WASI_ENOSYS;
    wasm_plat_free(path);
    if (e == WASI_ESUCCESS)
        e = wasi_put_filestat(&k, A32(4), &st);
    return wasi_ret(c, e);
}

WASI_HOST(wasi_sys_path_filestat_set_times)
{
    wasi_call_t k;
    int64_t dir;
    char *path;
    wasi_enter(&k, ctx, user);
    uint16_t fst = (uint16_t)A32(6);
    if (((fst & WASI_FST_ATIM) && (fst & WASI_FST_ATIM_NOW)) ||
        ((fst & WASI_FST_MTIM) && (fst & WASI_FST_MTIM_NOW)) || fst > 15)
        return wasi_ret(c, WASI_EINVAL);
    uint16_t e = resolve(&k, A32(0), WASI_RIGHT_PATH_FILESTAT_SET_TIMES, A32(2), A32(3), &dir,
                         &path);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    bool follow = (A32(1) & WASI_LOOKUP_SYMLINK_FOLLOW) != 0;
    e = k.be->utimes ? k.be->utimes(k.bctx, dir, path, follow, A64(4), A64(5), fst)
                     : WASI_ENOSYS;
    wasm_plat_free(path);
    return wasi_ret(c, e);
}

WASI_HOST(wasi_sys_path_readlink)
{
    wasi_call_t k;
    int64_t dir;
    char *path;
    size_t n = 0;
    wasi_enter(&k, ctx, user);
    uint8_t *buf = wasi_mem(&k, A32(3), A32(4));
    if (!buf || !wasi_mem(&k, A32(5), 4))
        return wasi_ret(c, WASI_EFAULT);
    uint16_t e = resolve(&k, A32(0), WASI_RIGHT_PATH_READLINK, A32(1), A32(2), &dir, &path);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    e = k.be->readlink ? k.be->readlink(k.bctx, dir, path, (char *)buf, A32(4), &n)
                       : WASI_ENOSYS;
    wasm_plat_free(path);
    if (e == WASI_ESUCCESS)
        wasi_put32(&k, A32(5), (uint32_t)(n > A32(4) ? A32(4) : n));
    return wasi_ret(c, e);
}

/* ------------------------------------------------- two-path operations */

WASI_HOST(wasi_sys_path_rename)
{
    wasi_call_t k;
    int64_t d1, d2;
    char *p1, *p2;
    wasi_enter(&k, ctx, user);
    uint16_t e = resolve(&k, A32(0), WASI_RIGHT_PATH_RENAME_SOURCE, A32(1), A32(2), &d1, &p1);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    e = resolve(&k, A32(3), WASI_RIGHT_PATH_RENAME_TARGET, A32(4), A32(5), &d2, &p2);
    if (e != WASI_ESUCCESS) {
        wasm_plat_free(p1);
        return wasi_ret(c, e);
    }
    e = k.be->rename ? k.be->rename(k.bctx, d1, p1, d2, p2) : WASI_ENOSYS;
    wasm_plat_free(p1);
    wasm_plat_free(p2);
    return wasi_ret(c, e);
}

WASI_HOST(wasi_sys_path_link)
{
    wasi_call_t k;
    int64_t d1, d2;
    char *p1, *p2;
    wasi_enter(&k, ctx, user);
    uint16_t e = resolve(&k, A32(0), WASI_RIGHT_PATH_LINK_SOURCE, A32(2), A32(3), &d1, &p1);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    e = resolve(&k, A32(4), WASI_RIGHT_PATH_LINK_TARGET, A32(5), A32(6), &d2, &p2);
    if (e != WASI_ESUCCESS) {
        wasm_plat_free(p1);
        return wasi_ret(c, e);
    }
    bool follow = (A32(1) & WASI_LOOKUP_SYMLINK_FOLLOW) != 0;
    e = k.be->link ? k.be->link(k.bctx, d1, p1, follow, d2, p2) : WASI_ENOSYS;
    wasm_plat_free(p1);
    wasm_plat_free(p2);
    return wasi_ret(c, e);
}

/* The link's content is stored verbatim but must be relative: an absolute
 * target could never resolve inside the sandbox anyway. */
WASI_HOST(wasi_sys_path_symlink)
{
    wasi_call_t k;
    int64_t dir;
    char *path;
    wasi_enter(&k, ctx, user);
    const uint8_t *t = wasi_mem(&k, A32(0), A32(1));
    if (!t)
        return wasi_ret(c, WASI_EFAULT);
    if (A32(1) == 0)
        return wasi_ret(c, WASI_ENOENT);
    if (t[0] == '/')
        return wasi_ret(c, WASI_ENOTCAPABLE);
    char *target = wasi_strndup((const char *)t, A32(1));
    if (!target)
        return wasi_ret(c, WASI_ENOMEM);
    uint16_t e = wasi_strlen(target) != A32(1) ? WASI_EINVAL
                                               : resolve(&k, A32(2), WASI_RIGHT_PATH_SYMLINK, A32(3), A32(4),
                                                         &dir, &path);
    if (e == WASI_ESUCCESS) {
        e = k.be->symlink ? k.be->symlink(k.bctx, target, dir, path) : WASI_ENOSYS;
        wasm_plat_free(path);
    }
    wasm_plat_free(target);
    return wasi_ret(c, e);
}

/* ------------------------------------------------------------ readdir */

typedef struct readdir_state {
    uint8_t *buf;
    uint32_t cap, used;
} readdir_state_t;

/* Appends one dirent (24-byte header, then the name); the last entry may be
 * cut short, which tells the guest to retry with a bigger buffer. */
static bool emit_dirent(void *arg, const wasi_dirent_t *d, const char *name, uint32_t len)
{
    readdir_state_t *s = arg;
    uint8_t hdr[24] = {0};
    wasi_st64(hdr, d->next);
    wasi_st64(hdr + 8, d->ino);
    wasi_st32(hdr + 16, len);
    hdr[20] = d->type;
    uint32_t room = s->cap - s->used;
    uint32_t n = room < 24 ? room : 24;
    __builtin_memcpy(s->buf + s->used, hdr, n);
    s->used += n;
    room -= n;
    n = room < len ? room : len;
    __builtin_memcpy(s->buf + s->used, name, n);
    s->used += n;
    return s->used < s->cap;
}

WASI_HOST(wasi_sys_fd_readdir)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *f = wasi_fd_get(k.w, A32(0));
    readdir_state_t s = {wasi_mem(&k, A32(1), A32(2)), A32(2), 0};
    if (!f)
        return wasi_ret(c, WASI_EBADF);
    if (!s.buf || !wasi_mem(&k, A32(4), 4))
        return wasi_ret(c, WASI_EFAULT);
    if (f->kind != WASI_FD_DIR)
        return wasi_ret(c, WASI_ENOTDIR);
    if (!(f->rights & WASI_RIGHT_FD_READDIR))
        return wasi_ret(c, WASI_ENOTCAPABLE);
    if (!k.be->readdir)
        return wasi_ret(c, WASI_ENOSYS);
    uint16_t e = WASI_ESUCCESS;
    if (s.cap > 0)
        e = k.be->readdir(k.bctx, f->handle, A64(3), emit_dirent, &s);
    if (e == WASI_ESUCCESS)
        wasi_put32(&k, A32(4), s.used);
    return wasi_ret(c, e);
}
