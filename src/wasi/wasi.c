/*
 * WASI preview1 layer: the context, guest memory access, registration of
 * the imports, and the calls that touch no file descriptor (args, environ,
 * clocks, poll, random, proc_*). File descriptors are in wasi_fd.c, paths
 * in wasi_path.c.
 */
#include "wasi_impl.h"

/* ------------------------------------------------------------ helpers */

size_t wasi_strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* A NUL-terminated copy of s[0..n); NULL if out of memory. */
char *wasi_strndup(const char *s, size_t n)
{
    char *p = wasm_plat_alloc(n + 1);
    if (p)
        __builtin_memcpy(p, s, n);
    return p;
}

/* Guest memory is little-endian whatever the host is: store byte by byte. */
void wasi_st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void wasi_st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void wasi_st64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t wasi_ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t wasi_ld64(const uint8_t *p)
{
    return (uint64_t)wasi_ld32(p) | (uint64_t)wasi_ld32(p + 4) << 32;
}

/* Linear memory never moves and a host call cannot grow it, so one look at
 * its base and size holds for the whole call. */
void wasi_enter(wasi_call_t *k, wasm_call_ctx_t *ctx, void *user)
{
    wasm_memory_t *m = wasm_call_ctx_memory(ctx);
    k->w = ((wasi_bind_t *)user)->w;
    k->be = k->w->be;
    k->bctx = k->be->ctx;
    k->mem = m ? wasm_memory_data(m) : NULL;
    k->memsize = m ? wasm_memory_size(m) : 0;
}

wasm_trap_kind_t wasi_ret(uint64_t *c, uint16_t err)
{
    c[0] = err;
    return WASM_OK;
}

uint8_t *wasi_mem(const wasi_call_t *k, uint32_t ptr, uint64_t len)
{
    if (!k->mem || (uint64_t)ptr + len > k->memsize)
        return NULL;
    return k->mem + ptr;
}

bool wasi_put32(const wasi_call_t *k, uint32_t ptr, uint32_t v)
{
    uint8_t *p = wasi_mem(k, ptr, 4);
    if (p)
        wasi_st32(p, v);
    return p != NULL;
}

bool wasi_put64(const wasi_call_t *k, uint32_t ptr, uint64_t v)
{
    uint8_t *p = wasi_mem(k, ptr, 8);
    if (p)
        wasi_st64(p, v);
    return p != NULL;
}

bool wasi_get32(const wasi_call_t *k, uint32_t ptr, uint32_t *v)
{
    uint8_t *p = wasi_mem(k, ptr, 4);
    if (p)
        *v = wasi_ld32(p);
    return p != NULL;
}

/* ------------------------------------------------------------ context */

/* Packs n strings into one NUL-separated buffer. */
static bool pack_strings(uint32_t n, const char *const *v, char **buf, uint32_t *len)
{
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += wasi_strlen(v[i]) + 1;
    if (total > UINT32_MAX)
        return false;
    *buf = wasm_plat_alloc(total ? total : 1);
    if (!*buf)
        return false;
    size_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t l = wasi_strlen(v[i]) + 1;
        __builtin_memcpy(*buf + at, v[i], l);
        at += l;
    }
    *len = (uint32_t)total;
    return true;
}

static bool add_preopen(wasi_t *w, const wasi_preopen_t *p)
{
    uint32_t fd;
    if (wasi_fd_alloc(w, &fd) != WASI_ESUCCESS)
        return false;
    wasi_fd_t *f = &w->fds[fd];
    size_t n = wasi_strlen(p->guest_path);
    f->preopen = wasi_strndup(p->guest_path, n);
    if (!f->preopen)
        return false;
    f->preopen_len = (uint32_t)n;
    f->kind = WASI_FD_DIR;
    f->filetype = WASI_FILETYPE_DIRECTORY;
    f->handle = p->handle;
    f->rights = WASI_RIGHTS_DIR_BASE;
    f->rights_inh = WASI_RIGHTS_DIR_BASE | WASI_RIGHTS_FILE;
    return true;
}

static void add_console(wasi_t *w, uint32_t fd)
{
    wasi_fd_t *f = &w->fds[fd];
    f->kind = WASI_FD_CONSOLE;
    f->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
    if (w->be->console_filetype)
        f->filetype = w->be->console_filetype(w->be->ctx, (int)fd);
    f->stream = (int)fd;
    f->rights = (fd == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE) |
                WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_FD_FILESTAT_GET |
                WASI_RIGHT_FD_FDSTAT_SET_FLAGS;
}

wasi_t *wasi_new(wasm_runtime_t *rt, const wasi_config_t *cfg)
{
    wasi_t *w = wasm_plat_alloc(sizeof *w);
    if (!w)
        return NULL;
    w->rt = rt;
    w->be = cfg->backend;
    w->argc = cfg->argc;
    w->envc = cfg->envc;
    w->nfds = 8 + cfg->npreopens;
    w->fds = wasm_plat_alloc(w->nfds * sizeof *w->fds);
    if (!w->fds || !pack_strings(cfg->argc, cfg->argv, &w->args, &w->args_len) ||
        !pack_strings(cfg->envc, cfg->envp, &w->env, &w->env_len))
        goto fail;
    for (uint32_t fd = 0; fd < 3; fd++)
        add_console(w, fd);
    for (uint32_t i = 0; i < cfg->npreopens; i++)
        if (!add_preopen(w, &cfg->preopens[i]))
            goto fail;
    return w;
fail:
    wasi_free(w);
    return NULL;
}

void wasi_free(wasi_t *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; w->fds && i < w->nfds; i++)
        wasi_fd_release(w, &w->fds[i]);
    wasm_plat_free(w->fds);
    wasm_plat_free(w->args);
    wasm_plat_free(w->env);
    wasm_plat_free(w);
}

/* ------------------------------------------------------ args, environ */

/* Writes count pointers at vec and the strings at buf (args_get/environ_get). */
static uint16_t put_strings(const wasi_call_t *k, uint32_t vec, uint32_t buf,
                            uint32_t count, const char *s, uint32_t len)
{
    uint8_t *pv = wasi_mem(k, vec, (uint64_t)count * 4);
    uint8_t *pb = wasi_mem(k, buf, len);
    if (!pv || !pb)
        return WASI_EFAULT;
    __builtin_memcpy(pb, s, len);
    uint32_t at = 0;
    for (uint32_t i = 0; i < count; i++) {
        wasi_st32(pv + 4 * i, buf + at);
        at += (uint32_t)wasi_strlen(s + at) + 1;
    }
    return WASI_ESUCCESS;
}

static uint16_t put_sizes(const wasi_call_t *k, uint32_t pcount, uint32_t plen,
                          uint32_t count, uint32_t len)
{
    if (!wasi_mem(k, pcount, 4) || !wasi_mem(k, plen, 4))
        return WASI_EFAULT;
    wasi_put32(k, pcount, count);
    wasi_put32(k, plen, len);
    return WASI_ESUCCESS;
}

WASI_HOST(wasi_sys_args_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, put_strings(&k, A32(0), A32(1), k.w->argc, k.w->args, k.w->args_len));
}

WASI_HOST(wasi_sys_args_sizes_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, put_sizes(&k, A32(0), A32(1), k.w->argc, k.w->args_len));
}

WASI_HOST(wasi_sys_environ_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, put_strings(&k, A32(0), A32(1), k.w->envc, k.w->env, k.w->env_len));
}

WASI_HOST(wasi_sys_environ_sizes_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, put_sizes(&k, A32(0), A32(1), k.w->envc, k.w->env_len));
}

/* ------------------------------------------------------ clocks, random */

WASI_HOST(wasi_sys_clock_res_get)
{
    wasi_call_t k;
    uint64_t ns = 0;
    wasi_enter(&k, ctx, user);
    if (!k.be->clock_res)
        return wasi_ret(c, WASI_ENOSYS);
    if (!wasi_mem(&k, A32(1), 8))
        return wasi_ret(c, WASI_EFAULT);
    uint16_t e = k.be->clock_res(k.bctx, A32(0), &ns);
    if (e == WASI_ESUCCESS)
        wasi_put64(&k, A32(1), ns);
    return wasi_ret(c, e);
}

WASI_HOST(wasi_sys_clock_time_get)
{
    wasi_call_t k;
    uint64_t ns = 0;
    wasi_enter(&k, ctx, user);
    if (!k.be->clock_time)
        return wasi_ret(c, WASI_ENOSYS);
    if (!wasi_mem(&k, A32(2), 8))
        return wasi_ret(c, WASI_EFAULT);
    uint16_t e = k.be->clock_time(k.bctx, A32(0), &ns);
    if (e == WASI_ESUCCESS)
        wasi_put64(&k, A32(2), ns);
    return wasi_ret(c, e);
}

WASI_HOST(wasi_sys_random_get)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    uint8_t *p = wasi_mem(&k, A32(0), A32(1));
    if (!p)
        return wasi_ret(c, WASI_EFAULT);
    if (!k.be->random)
        return wasi_ret(c, WASI_ENOSYS);
    return wasi_ret(c, A32(1) ? k.be->random(k.bctx, p, A32(1)) : WASI_ESUCCESS);
}

/* ------------------------------------------------------------- poll */

enum { SUB_SIZE = 48, EVENT_SIZE = 32 };
enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

/* Nanoseconds until a clock subscription fires (0 if already due). */
static uint16_t sub_delay(const wasi_call_t *k, const uint8_t *s, uint64_t *delay)
{
    uint32_t id = wasi_ld32(s + 16);
    uint64_t timeout = wasi_ld64(s + 24);
    uint16_t flags = (uint16_t)(s[40] | s[41] << 8);
    *delay = timeout;
    if (!(flags & 1))                      /* relative */
        return WASI_ESUCCESS;
    uint64_t now;
    if (!k->be->clock_time)
        return WASI_ENOSYS;
    uint16_t e = k->be->clock_time(k->bctx, id, &now);
    if (e != WASI_ESUCCESS)
        return e;
    *delay = timeout > now ? timeout - now : 0;
    return WASI_ESUCCESS;
}

static void put_event(uint8_t *ev, const uint8_t *sub, uint16_t err, uint8_t type)
{
    __builtin_memset(ev, 0, EVENT_SIZE);
    __builtin_memcpy(ev, sub, 8);          /* userdata */
    wasi_st16(ev + 8, err);
    ev[10] = type;
}

/* Errno for an fd subscription: ready at once unless the fd is bad. */
static uint16_t fd_event_err(wasi_t *w, const uint8_t *s)
{
    return wasi_fd_get(w, wasi_ld32(s + 16)) ? WASI_ESUCCESS : WASI_EBADF;
}

/* A read subscription on stdin (a console fd of stream 0) that the
 * backend can wait for. */
static bool sub_stdin(const wasi_call_t *k, const uint8_t *s)
{
    if (s[8] != EV_FD_READ || !k->be->stdin_wait)
        return false;
    wasi_fd_t *f = wasi_fd_get(k->w, wasi_ld32(s + 16));
    return f && f->kind == WASI_FD_CONSOLE && f->stream == 0;
}

/* The earliest clock deadline among n subscriptions (UINT64_MAX if none),
 * whether any subscription waits on an fd that is ready at once (files,
 * the console's output), and whether any waits for stdin. */
static uint64_t earliest(const wasi_call_t *k, const uint8_t *in, uint32_t n, bool *any_fd,
                         bool *any_in)
{
    uint64_t min = UINT64_MAX;
    *any_fd = *any_in = false;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = in + (size_t)i * SUB_SIZE;
        uint64_t d;
        if (sub_stdin(k, s))
            *any_in = true;
        else if (s[8] != EV_CLOCK)
            *any_fd = true;
        else if (sub_delay(k, s, &d) == WASI_ESUCCESS && d < min)
            min = d;
    }
    return min;
}

/* Writes the events due once `waited` ns have passed (stdin's when
 * in_ready); returns their count. */
static uint32_t due_events(const wasi_call_t *k, const uint8_t *in, uint32_t n, uint8_t *out,
                           uint64_t waited, bool in_ready)
{
    uint32_t nev = 0;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = in + (size_t)i * SUB_SIZE;
        uint8_t *ev = out + (size_t)nev * EVENT_SIZE;
        uint64_t d = 0;
        if (s[8] == EV_CLOCK) {
            uint16_t e = sub_delay(k, s, &d);
            if (e == WASI_ESUCCESS && d > waited)
                continue;
            put_event(ev, s, e, EV_CLOCK);
        } else if (sub_stdin(k, s)) {
            if (!in_ready)
                continue;
            put_event(ev, s, WASI_ESUCCESS, s[8]);
        } else if (s[8] == EV_FD_READ || s[8] == EV_FD_WRITE) {
            put_event(ev, s, fd_event_err(k->w, s), s[8]);
        } else {
            put_event(ev, s, WASI_EINVAL, s[8]);
        }
        nev++;
    }
    return nev;
}

/* Files and the console's output are always reported ready; stdin when
 * the backend says it has bytes or its end (without stdin_wait: always).
 * A poll with nothing ready sleeps until the earliest clock fires or, with
 * stdin among the subscriptions, stdin becomes ready. */
WASI_HOST(wasi_sys_poll_oneoff)
{
    wasi_call_t k;
    bool any_fd, any_in, in_ready = false;
    wasi_enter(&k, ctx, user);
    uint32_t n = A32(2);
    uint8_t *in = wasi_mem(&k, A32(0), (uint64_t)n * SUB_SIZE);
    uint8_t *out = wasi_mem(&k, A32(1), (uint64_t)n * EVENT_SIZE);
    if (!in || !out || !wasi_mem(&k, A32(3), 4))
        return wasi_ret(c, WASI_EFAULT);
    if (n == 0)
        return wasi_ret(c, WASI_EINVAL);
    uint64_t min = earliest(&k, in, n, &any_fd, &any_in);
    if (any_fd)
        min = 0;
    if (any_in) {
        uint64_t waited = 0;
        uint16_t e = k.be->stdin_wait(k.bctx, min, &in_ready, &waited);
        if (e != WASI_ESUCCESS)
            return wasi_ret(c, e);
        if (in_ready && waited < min)
            min = waited;       /* the clocks due by then */
    } else if (min != UINT64_MAX && min > 0) {
        if (!k.be->sleep)
            return wasi_ret(c, WASI_ENOSYS);
        k.be->sleep(k.bctx, min);
    }
    wasi_put32(&k, A32(3), due_events(&k, in, n, out, min, in_ready));
    return wasi_ret(c, WASI_ESUCCESS);
}

/* -------------------------------------------------------------- proc */

WASI_HOST(wasi_sys_proc_exit)
{
    return wasm_call_ctx_exit(ctx, (int32_t)A32(0));
}

WASI_HOST(wasi_sys_proc_raise)
{
    return wasi_ret(c, WASI_ENOSYS);
}

WASI_HOST(wasi_sys_sched_yield)
{
    return wasi_ret(c, WASI_ESUCCESS);
}

/* sock_accept, sock_recv, sock_send, sock_shutdown: no descriptor is a
 * socket here, so as wasmtime: a descriptor that is not open is badf, any
 * other notsock. */
WASI_HOST(wasi_sys_sock)
{
    wasi_call_t k;
    wasi_enter(&k, ctx, user);
    return wasi_ret(c, wasi_fd_get(k.w, A32(0)) ? WASI_ENOTSOCK : WASI_EBADF);
}

/* ------------------------------------------------------ registration */

/* sig: one letter per param (i = i32, I = i64), then ':' and the results. */
typedef struct wasi_import {
    const char *name;
    const char *sig;
    wasm_host_fn_t fn;
} wasi_import_t;

static const wasi_import_t imports[] = {
    {"args_get", "ii:i", wasi_sys_args_get},
    {"args_sizes_get", "ii:i", wasi_sys_args_sizes_get},
    {"environ_get", "ii:i", wasi_sys_environ_get},
    {"environ_sizes_get", "ii:i", wasi_sys_environ_sizes_get},
    {"clock_res_get", "ii:i", wasi_sys_clock_res_get},
    {"clock_time_get", "iIi:i", wasi_sys_clock_time_get},
    {"fd_advise", "iIIi:i", wasi_sys_fd_advise},
    {"fd_allocate", "iII:i", wasi_sys_fd_allocate},
    {"fd_close", "i:i", wasi_sys_fd_close},
    {"fd_datasync", "i:i", wasi_sys_fd_datasync},
    {"fd_fdstat_get", "ii:i", wasi_sys_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii:i", wasi_sys_fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII:i", wasi_sys_fd_fdstat_set_rights},
    {"fd_filestat_get", "ii:i", wasi_sys_fd_filestat_get},
    {"fd_filestat_set_size", "iI:i", wasi_sys_fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi:i", wasi_sys_fd_filestat_set_times},
    {"fd_pread", "iiiIi:i", wasi_sys_fd_pread},
    {"fd_prestat_get", "ii:i", wasi_sys_fd_prestat_get},
    {"fd_prestat_dir_name", "iii:i", wasi_sys_fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi:i", wasi_sys_fd_pwrite},
    {"fd_read", "iiii:i", wasi_sys_fd_read},
    {"fd_readdir", "iiiIi:i", wasi_sys_fd_readdir},
    {"fd_renumber", "ii:i", wasi_sys_fd_renumber},
    {"fd_seek", "iIii:i", wasi_sys_fd_seek},
    {"fd_sync", "i:i", wasi_sys_fd_sync},
    {"fd_tell", "ii:i", wasi_sys_fd_tell},
    {"fd_write", "iiii:i", wasi_sys_fd_write},
    {"path_create_directory", "iii:i", wasi_sys_path_create_directory},
    {"path_filestat_get", "iiiii:i", wasi_sys_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi:i", wasi_sys_path_filestat_set_times},
    {"path_link", "iiiiiii:i", wasi_sys_path_link},
    {"path_open", "iiiiiIIii:i", wasi_sys_path_open},
    {"path_readlink", "iiiiii:i", wasi_sys_path_readlink},
    {"path_remove_directory", "iii:i", wasi_sys_path_remove_directory},
    {"path_rename", "iiiiii:i", wasi_sys_path_rename},
    {"path_symlink", "iiiii:i", wasi_sys_path_symlink},
    {"path_unlink_file", "iii:i", wasi_sys_path_unlink_file},
    {"poll_oneoff", "iiii:i", wasi_sys_poll_oneoff},
    {"proc_exit", "i:", wasi_sys_proc_exit},
    {"proc_raise", "i:i", wasi_sys_proc_raise},
    {"sched_yield", ":i", wasi_sys_sched_yield},
    {"random_get", "ii:i", wasi_sys_random_get},
    {"sock_accept", "iii:i", wasi_sys_sock},
    {"sock_recv", "iiiiii:i", wasi_sys_sock},
    {"sock_send", "iiiii:i", wasi_sys_sock},
    {"sock_shutdown", "ii:i", wasi_sys_sock},
};

/* Decodes a signature string into params/results; returns false if malformed. */
static bool parse_sig(const char *sig, wasm_valtype_t *p, uint32_t *np,
                      wasm_valtype_t *r, uint32_t *nr)
{
    wasm_valtype_t *out = p;
    uint32_t *n = np;
    *np = *nr = 0;
    for (; *sig; sig++) {
        if (*sig == ':') {
            out = r;
            n = nr;
            continue;
        }
        if (*n >= 16)
            return false;
        out[(*n)++] = *sig == 'I' ? WASM_I64 : WASM_I32;
    }
    return true;
}

static const char wasi_module_name[] = "wasi_snapshot_preview1";

bool wasi_define(wasi_t *w, wasm_linker_t *l)
{
    w->bind.w = w;
    return wasi_define_bound(w->rt, &w->bind, l);
}

bool wasi_define_bound(wasm_runtime_t *rt, wasi_bind_t *b, wasm_linker_t *l)
{
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
        const wasi_import_t *im = &imports[i];
        wasm_valtype_t p[16], r[16];
        uint32_t np, nr;
        if (!parse_sig(im->sig, p, &np, r, &nr))
            return false;
        wasm_func_t *f = wasm_func_new_host(rt, p, np, r, nr, im->fn, b, im->name);
        if (!f)
            return false;
        wasm_extern_t ext = {.kind = WASM_EXTERN_FUNC, .u.func = f};
        if (!wasm_linker_define(l, wasi_module_name, sizeof wasi_module_name - 1, im->name,
                                (uint32_t)wasi_strlen(im->name), ext))
            return false;
    }
    return true;
}

static const char *const errno_names[] = {
    "success", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport", "again",
    "already", "badf", "badmsg", "busy", "canceled", "child", "connaborted",
    "connrefused", "connreset", "deadlk", "destaddrreq", "dom", "dquot", "exist",
    "fault", "fbig", "hostunreach", "idrm", "ilseq", "inprogress", "intr", "inval",
    "io", "isconn", "isdir", "loop", "mfile", "mlink", "msgsize", "multihop",
    "nametoolong", "netdown", "netreset", "netunreach", "nfile", "nobufs", "nodev",
    "noent", "noexec", "nolck", "nolink", "nomem", "nomsg", "noprotoopt", "nospc",
    "nosys", "notconn", "notdir", "notempty", "notrecoverable", "notsock", "notsup",
    "notty", "nxio", "overflow", "ownerdead", "perm", "pipe", "proto",
    "protonosupport", "prototype", "range", "rofs", "spipe", "srch", "stale",
    "timedout", "txtbsy", "xdev", "notcapable",
};

const char *wasi_errno_name(uint16_t err)
{
    if (err < sizeof errno_names / sizeof errno_names[0])
        return errno_names[err];
    return "unknown";
}
