/*
 * WASI preview1 layer: the descriptor table and the fd_* calls.
 *
 * fds 0-2 are the console, then the preopened directories, then whatever
 * path_open returns (always the lowest free number, like POSIX).
 */
#include "wasi_impl.h"

/* ------------------------------------------------------------ the table */

wasi_fd_t *wasi_fd_get(wasi_t *w, uint32_t fd)
{
    if (fd >= w->nfds || w->fds[fd].kind == WASI_FD_FREE)
        return NULL;
    return &w->fds[fd];
}

uint16_t wasi_fd_alloc(wasi_t *w, uint32_t *fd)
{
    for (uint32_t i = 0; i < w->nfds; i++)
        if (w->fds[i].kind == WASI_FD_FREE) {
            *fd = i;
            return WASI_ESUCCESS;
        }
    if (w->nfds >= WASI_MAX_FDS)
        return WASI_EMFILE;
    uint32_t n = w->nfds * 2 > WASI_MAX_FDS ? WASI_MAX_FDS : w->nfds * 2;
    wasi_fd_t *p = wasm_plat_realloc(w->fds, w->nfds * sizeof *p, n * sizeof *p);
    if (!p)
        return WASI_ENOMEM;
    *fd = w->nfds;
    w->fds = p;
    w->nfds = n;
    return WASI_ESUCCESS;
}

void wasi_fd_release(wasi_t *w, wasi_fd_t *f)
{
    if ((f->kind == WASI_FD_FILE || f->kind == WASI_FD_DIR) && w->be->close)
        w->be->close(w->be->ctx, f->handle);
    wasm_plat_free(f->preopen);
    __builtin_memset(f, 0, sizeof *f);
}

/* The open fd fd, if it has every right in need; else the errno. */
static uint16_t fd_lookup(wasi_t *w, uint32_t fd, uint64_t need, wasi_fd_t **out)
{
    wasi_fd_t *f = wasi_fd_get(w, fd);
    if (!f)
        return WASI_EBADF;
    if ((f->rights & need) != need)
        return WASI_ENOTCAPABLE;
    *out = f;
    return WASI_ESUCCESS;
}

/* Like fd_lookup, but the fd must also be a file or directory the backend holds. */
static uint16_t fd_file(wasi_t *w, uint32_t fd, uint64_t need, wasi_fd_t **out)
{
    uint16_t e = fd_lookup(w, fd, need, out);
    if (e == WASI_ESUCCESS && (*out)->kind == WASI_FD_CONSOLE)
        return WASI_ESPIPE;
    return e;
}

uint16_t wasi_put_filestat(const wasi_call_t *k, uint32_t ptr, const wasi_filestat_t *st)
{
    uint8_t *p = wasi_mem(k, ptr, 64);
    if (!p)
        return WASI_EFAULT;
    __builtin_memset(p, 0, 64);
    wasi_st64(p + 0, st->dev);
    wasi_st64(p + 8, st->ino);
    p[16] = st->filetype;
    wasi_st64(p + 24, st->nlink);
    wasi_st64(p + 32, st->size);
    wasi_st64(p + 40, st->atim);
    wasi_st64(p + 48, st->mtim);
    wasi_st64(p + 56, st->ctim);
    return WASI_ESUCCESS;
}

/* ------------------------------------------------------------- I/O */

enum { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

/* One transfer on one buffer, console or backend. */
static uint16_t io_one(const wasi_call_t *k, wasi_fd_t *f, int op, uint8_t *buf, size_t len,
                       uint64_t off, size_t *n)
{
    const wasi_backend_t *be = k->be;
    if (f->kind == WASI_FD_CONSOLE) {
        if (op == IO_PREAD || op == IO_PWRITE)
            return WASI_ESPIPE;
        if (op == IO_READ)
            return be->console_read ? be->console_read(k->bctx, buf, len, n) : WASI_ENOSYS;
        return be->console_write ? be->console_write(k->bctx, f->stream, buf, len, n)
                                 : WASI_ENOSYS;
    }
    if (f->kind == WASI_FD_DIR)
        return WASI_EISDIR;
    switch (op) {
    case IO_READ: return be->read ? be->read(k->bctx, f->handle, buf, len, n) : WASI_ENOSYS;
    case IO_WRITE: return be->write ? be->write(k->bctx, f->handle, buf, len, n) : WASI_ENOSYS;
    case IO_PREAD:
        return be->pread ? be->pread(k->bctx, f->handle, buf, len, off, n) : WASI_ENOSYS;
    default:
        return be->pwrite ? be->pwrite(k->bctx, f->handle, buf, len, off, n) : WASI_ENOSYS;
    }
}

/* Scatter/gather over a guest iovec array. Every iovec is checked before any
 * byte moves; a short transfer ends the loop, and an error after some bytes
 * moved reports the bytes instead. */
static uint16_t io_vec(const wasi_call_t *k, uint32_t fd, int op, uint32_t iovs, uint32_t niov,
                       uint64_t off, uint32_t out)
{
    wasi_fd_t *f;
    bool rd = op == IO_READ || op == IO_PREAD;
    uint64_t need = rd ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    if (op == IO_PREAD || op == IO_PWRITE)
        need |= WASI_RIGHT_FD_SEEK;
    uint16_t e = fd_lookup(k->w, fd, need, &f);
    if (e != WASI_ESUCCESS)
        return e;
    uint8_t *v = wasi_mem(k, iovs, (uint64_t)niov * 8);
    if (!v || !wasi_mem(k, out, 4))
        return WASI_EFAULT;
    for (uint32_t i = 0; i < niov; i++)
        if (!wasi_mem(k, wasi_ld32(v + 8 * i), wasi_ld32(v + 8 * i + 4)))
            return WASI_EFAULT;
    uint64_t total = 0;
    for (uint32_t i = 0; i < niov; i++) {
        uint32_t len = wasi_ld32(v + 8 * i + 4);
        if (len == 0)
            continue;
        if (total + len > UINT32_MAX)
            break;
        uint8_t *buf = wasi_mem(k, wasi_ld32(v + 8 * i), len);
        size_t n = 0;
        e = io_one(k, f, op, buf, len, off + total, &n);
        if (e != WASI_ESUCCESS) {
            if (total == 0)
                return e;
            break;
        }
        total += n;
        if (n < len)
            break;
    }
    wasi_put32(k, out, (uint32_t)total);
    return WASI_ESUCCESS;
}

WASI_HOST(wasi_sys_fd_read)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, io_vec(&k, A32(0), IO_READ, A32(1), A32(2), 0, A32(3)));
}

WASI_HOST(wasi_sys_fd_write)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, io_vec(&k, A32(0), IO_WRITE, A32(1), A32(2), 0, A32(3)));
}

WASI_HOST(wasi_sys_fd_pread)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, io_vec(&k, A32(0), IO_PREAD, A32(1), A32(2), A64(3), A32(4)));
}

WASI_HOST(wasi_sys_fd_pwrite)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, io_vec(&k, A32(0), IO_PWRITE, A32(1), A32(2), A64(3), A32(4)));
}

/* ------------------------------------------------------ seek, close, sync */

static uint16_t do_seek(const wasi_call_t *k, uint32_t fd, int64_t off, uint32_t whence,
                        uint32_t out, uint64_t need)
{
    wasi_fd_t *f;
    uint64_t pos = 0;
    uint16_t e = fd_file(k->w, fd, need, &f);
    if (e != WASI_ESUCCESS)
        return e;
    if (whence > WASI_WHENCE_END)
        return WASI_EINVAL;
    if (!wasi_mem(k, out, 8))
        return WASI_EFAULT;
    if (!k->be->seek)
        return WASI_ENOSYS;
    e = k->be->seek(k->bctx, f->handle, off, (int)whence, &pos);
    if (e == WASI_ESUCCESS)
        wasi_put64(k, out, pos);
    return e;
}

WASI_HOST(wasi_sys_fd_seek)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    uint64_t need = WASI_RIGHT_FD_SEEK;
    /* A zero move from the current position is a tell. */
    if (A64(1) == 0 && A32(2) == WASI_WHENCE_CUR)
        need = WASI_RIGHT_FD_TELL;
    return wasi_ret(c, do_seek(&k, A32(0), (int64_t)A64(1), A32(2), A32(3), need));
}

WASI_HOST(wasi_sys_fd_tell)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, do_seek(&k, A32(0), 0, WASI_WHENCE_CUR, A32(1), WASI_RIGHT_FD_TELL));
}

WASI_HOST(wasi_sys_fd_close)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *f = wasi_fd_get(k.w, A32(0));
    if (!f)
        return wasi_ret(c, WASI_EBADF);
    wasi_fd_release(k.w, f);
    return wasi_ret(c, WASI_ESUCCESS);
}

static uint16_t do_sync(const wasi_call_t *k, uint32_t fd, bool data_only)
{
    wasi_fd_t *f;
    uint16_t e = fd_lookup(k->w, fd, data_only ? WASI_RIGHT_FD_DATASYNC : WASI_RIGHT_FD_SYNC, &f);
    if (e != WASI_ESUCCESS)
        return e;
    if (f->kind == WASI_FD_CONSOLE)
        return WASI_EINVAL;
    return k->be->sync ? k->be->sync(k->bctx, f->handle, data_only) : WASI_ENOSYS;
}

WASI_HOST(wasi_sys_fd_sync)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, do_sync(&k, A32(0), false));
}

WASI_HOST(wasi_sys_fd_datasync)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, do_sync(&k, A32(0), true));
}

WASI_HOST(wasi_sys_fd_advise)
{
    wasi_call_t k;
    wasi_fd_t *f;
    wasi_enter(&k, ctx, user);
    uint16_t e = fd_file(k.w, A32(0), WASI_RIGHT_FD_ADVISE, &f);
    if (e == WASI_ESUCCESS && A32(3) > 5)
        e = WASI_EINVAL;
    return wasi_ret(c, e);   /* advice is only a hint: accepting it is enough */
}

WASI_HOST(wasi_sys_fd_allocate)
{
    wasi_call_t k;
    wasi_fd_t *f;
    wasi_enter(&k, ctx, user);
    uint16_t e = fd_file(k.w, A32(0), WASI_RIGHT_FD_ALLOCATE, &f);
    if (e == WASI_ESUCCESS)
        e = k.be->allocate ? k.be->allocate(k.bctx, f->handle, A64(1), A64(2)) : WASI_ENOSYS;
    return wasi_ret(c, e);
}

/* Moves from onto to, closing what to held (preopens can be renumbered too). */
WASI_HOST(wasi_sys_fd_renumber)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *from = wasi_fd_get(k.w, A32(0)), *to = wasi_fd_get(k.w, A32(1));
    if (!from || !to)
        return wasi_ret(c, WASI_EBADF);
    if (from == to)
        return wasi_ret(c, WASI_ESUCCESS);
    wasi_fd_release(k.w, to);
    *to = *from;
    __builtin_memset(from, 0, sizeof *from);
    return wasi_ret(c, WASI_ESUCCESS);
}

/* ------------------------------------------------------------ metadata */

WASI_HOST(wasi_sys_fd_fdstat_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *f = wasi_fd_get(k.w, A32(0));
    uint8_t *p = wasi_mem(&k, A32(1), 24);
    if (!f)
        return wasi_ret(c, WASI_EBADF);
    if (!p)
        return wasi_ret(c, WASI_EFAULT);
    __builtin_memset(p, 0, 24);
    p[0] = f->filetype;
    wasi_st16(p + 2, f->fdflags);
    wasi_st64(p + 8, f->rights);
    wasi_st64(p + 16, f->rights_inh);
    return wasi_ret(c, WASI_ESUCCESS);
}

WASI_HOST(wasi_sys_fd_fdstat_set_flags)
{
    wasi_call_t k;
    wasi_fd_t *f;
    wasi_enter(&k, ctx, user);
    uint16_t flags = (uint16_t)A32(1);
    uint16_t e = fd_lookup(k.w, A32(0), WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &f);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    if (f->kind == WASI_FD_FILE) {
        if (!k.be->set_flags)
            return wasi_ret(c, WASI_ENOSYS);
        e = k.be->set_flags(k.bctx, f->handle, flags);
    }
    if (e == WASI_ESUCCESS)
        f->fdflags = flags;
    return wasi_ret(c, e);
}

/* Rights can only be dropped, never gained. */
WASI_HOST(wasi_sys_fd_fdstat_set_rights)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *f = wasi_fd_get(k.w, A32(0));
    if (!f)
        return wasi_ret(c, WASI_EBADF);
    if ((A64(1) & ~f->rights) || (A64(2) & ~f->rights_inh))
        return wasi_ret(c, WASI_ENOTCAPABLE);
    f->rights = A64(1);
    f->rights_inh = A64(2);
    return wasi_ret(c, WASI_ESUCCESS);
}

WASI_HOST(wasi_sys_fd_filestat_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *f;
    wasi_filestat_t st = {0};
    uint16_t e = fd_lookup(k.w, A32(0), WASI_RIGHT_FD_FILESTAT_GET, &f);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    if (!wasi_mem(&k, A32(1), 64))
        return wasi_ret(c, WASI_EFAULT);
    if (f->kind == WASI_FD_CONSOLE) {
        st.filetype = f->filetype;
        st.nlink = 1;
    } else {
        if (!k.be->fstat)
            return wasi_ret(c, WASI_ENOSYS);
        e = k.be->fstat(k.bctx, f->handle, &st);
        if (e != WASI_ESUCCESS)
            return wasi_ret(c, e);
    }
    return wasi_ret(c, wasi_put_filestat(&k, A32(1), &st));
}

WASI_HOST(wasi_sys_fd_filestat_set_size)
{
    wasi_call_t k;
    wasi_fd_t *f;
    wasi_enter(&k, ctx, user);
    uint16_t e = fd_file(k.w, A32(0), WASI_RIGHT_FD_FILESTAT_SET_SIZE, &f);
    if (e == WASI_ESUCCESS)
        e = k.be->truncate ? k.be->truncate(k.bctx, f->handle, A64(1)) : WASI_ENOSYS;
    return wasi_ret(c, e);
}

WASI_HOST(wasi_sys_fd_filestat_set_times)
{
    wasi_call_t k;
    wasi_fd_t *f;
    wasi_enter(&k, ctx, user);
    uint16_t fst = (uint16_t)A32(3);
    uint16_t e = fd_file(k.w, A32(0), WASI_RIGHT_FD_FILESTAT_SET_TIMES, &f);
    if (e != WASI_ESUCCESS)
        return wasi_ret(c, e);
    if (((fst & WASI_FST_ATIM) && (fst & WASI_FST_ATIM_NOW)) ||
        ((fst & WASI_FST_MTIM) && (fst & WASI_FST_MTIM_NOW)) || fst > 15)
        return wasi_ret(c, WASI_EINVAL);
    if (!k.be->futimes)
        return wasi_ret(c, WASI_ENOSYS);
    return wasi_ret(c, k.be->futimes(k.bctx, f->handle, A64(1), A64(2), fst));
}

/* ------------------------------------------------------------ preopens */

WASI_HOST(wasi_sys_fd_prestat_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *f = wasi_fd_get(k.w, A32(0));
    uint8_t *p = wasi_mem(&k, A32(1), 8);
    if (!f || !f->preopen)
        return wasi_ret(c, WASI_EBADF);
    if (!p)
        return wasi_ret(c, WASI_EFAULT);
    __builtin_memset(p, 0, 8);                 /* tag 0: a directory */
    wasi_st32(p + 4, f->preopen_len);
    return wasi_ret(c, WASI_ESUCCESS);
}

WASI_HOST(wasi_sys_fd_prestat_dir_name)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    wasi_fd_t *f = wasi_fd_get(k.w, A32(0));
    uint32_t len = A32(2);
    if (!f || !f->preopen)
        return wasi_ret(c, WASI_EBADF);
    uint8_t *p = wasi_mem(&k, A32(1), len);
    if (!p)
        return wasi_ret(c, WASI_EFAULT);
    if (len < f->preopen_len)
        return wasi_ret(c, WASI_ENAMETOOLONG);
    __builtin_memcpy(p, f->preopen, f->preopen_len);
    return wasi_ret(c, WASI_ESUCCESS);
}
