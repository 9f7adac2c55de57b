/*
 * WASI programs from the file system (kern/wasiprog.h, docs/wasi.md
 * "Inside Athanor"): the kernel backend of the WASI layer (src/wasi) and
 * the program slots.
 *
 * A program's domain holds exactly: one capability of the file service
 * per preopened directory, each derived (call only) from the one the
 * launching domain passed with a badge, the directory's handle, so the
 * service resolves everything through it beneath that directory
 * (docs/storage.md); while it is being set up, the unbadged one as well
 * (to read the program file and open the directories), dropped before it
 * runs;
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

#include "fsproto.h"
#include "wasi.h"

#define MS 1000000ull
#define FS_TIMEOUT (10000 * MS)
#define AGAIN_TRIES 2000            /* FS_EAGAIN asked again every 20 ms: 40 s */
#define PROG_FILE_MAX (64u << 20)   /* a program file's size limit */
#define PROG_MEM_PAGES 1024         /* 64 MiB of linear memory and buffers */
#define PROG_FILES 32               /* open files and directories per program */
#define PROG_ARGS 64
#define PROG_PREOPENS 8

#define IO_PAGES 16                 /* the buffer lent to the file service (its limit) */
#define HCAPS (PROG_FILES + PROG_PREOPENS + 8)  /* file-service handles and their capabilities */
#define IN_QUEUE 64                 /* stdin's channel: messages of up to 64 bytes */
#define IO_BYTES (IO_PAGES * PAGE_SIZE)

typedef struct kfile {
    bool used, dir;
    uint64_t fsh;               /* the file service's handle */
    uint64_t pos;
    uint16_t fdflags;
} kfile_t;

typedef struct slot {
    domain_t *d;                /* NULL until first used */
    int idx;                    /* in slots[] */
    bool busy;                  /* holds a program */
    wasi_bind_t bind;           /* the WASI functions' context: this run's */
    wasi_backend_t be;
    cap_handle_t fs, rng, buf;  /* in d's table (rng 0: none; fs 0 once it runs) */
    struct {
        uint64_t fsh;           /* a file-service handle the program uses ... */
        cap_handle_t cap;       /* ... and the capability it was opened through (0: free) */
    } hcap[HCAPS];
    cap_handle_t rbuf;          /* a one-page buffer for rng.get, which maps one page */
    cap_handle_t in;            /* its stdin: a channel it receives on (wasiprog_stdin) */
    uint8_t in_buf[IPC_MSG_MAX];
    uint32_t in_len, in_off;
    bool in_eof;
    uint8_t *rio;
    uint8_t *io[IO_PAGES];      /* the buffer's pages, the kernel's view */
    wasm_exec_t *ex;            /* the exec the program runs on */
    wasm_exec_t *io_ex;         /* the one its requests run on (below) */
    wasm_trap_t *trap;
    int64_t start_exit;         /* >= 0: it exited with this in its start function */
    bool deferred;              /* its start function runs on its own thread (wasiprog_run) */
    kfile_t files[PROG_FILES];
} slot_t;

/* Each slot is allocated the first time a program needs it and kept
 * (its domain and bindings point into it): a system that runs no program
 * spends no memory on them. */
static slot_t *slots[WASIPROG_SLOTS];

uint64_t wasiprog_epoch_ns;
bool wasiprog_frame_stderr;

#define ERR_BEGIN "\x1b]azoth;err\x07"
#define ERR_END "\x1b]azoth;out\x07"

static slot_t *slot_of(const domain_t *d)
{
    for (int i = 0; i < WASIPROG_SLOTS; i++)
        if (slots[i] && slots[i]->d == d && d)
            return slots[i];
    return NULL;
}

bool wasiprog_is(const domain_t *d)
{
    return slot_of(d) != NULL;
}

/* ------------------------------------------------------------ the file service */

/* File-service errors (sdk/include/fsproto.h) and kernel codes as WASI
 * errnos. An escape from a directory handle is notcapable, as the hosted
 * runner (openat2 RESOLVE_BENEATH) and wasmtime answer. */
static uint16_t fs_errno(int64_t e)
{
    switch (e) {
    case FS_EIO: case FS_ECORRUPT: return WASI_EIO;
    case FS_ENOENT: return WASI_ENOENT;
    case FS_ENOTDIR: return WASI_ENOTDIR;
    case FS_EISDIR: return WASI_EISDIR;
    case FS_ELOOP: return WASI_ELOOP;
    case FS_ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case FS_EUNSUPP: return WASI_ENOTSUP;
    case FS_EINVAL: return WASI_EINVAL;
    case FS_EEXIST: return WASI_EEXIST;
    case FS_ENOTEMPTY: return WASI_ENOTEMPTY;
    case FS_ENOSPC: return WASI_ENOSPC;
    case FS_EROFS: return WASI_EROFS;
    case FS_EESCAPE: return WASI_ENOTCAPABLE;
    case FS_EFBIG: return WASI_EFBIG;
    case FS_EBUSY: return WASI_EBUSY;
    case FS_EMLINK: return WASI_EMLINK;
    case FS_EBADF: return WASI_EBADF;
    case FS_ENFILE: return WASI_ENFILE;
    case FS_EAGAIN: return WASI_EAGAIN;
    case FS_ENODEV: return WASI_ENODEV;
    case CAP_EINVAL: return WASI_EINVAL;
    case CAP_ERIGHTS: return WASI_EACCES;
    case CAP_EEXPIRED: return WASI_ETIMEDOUT;   /* a sensor lease's time came */
    case CAP_EREVOKED: return WASI_ECANCELED;   /* ended early (the shell's revoke) */
    case CAP_ENOMEM: case IPC_ELIMIT: return WASI_ENOMEM;
    default: return WASI_EIO;       /* the service stopped, trapped, timed out */
    }
}

/* Copies between the lent buffer's pages (not contiguous) and p. */
static void io_put(slot_t *s, uint32_t off, const void *p, uint32_t n)
{
    for (const uint8_t *q = p; n;) {
        uint32_t k = PAGE_SIZE - off % PAGE_SIZE < n ? PAGE_SIZE - off % PAGE_SIZE : n;
        memcpy(s->io[off / PAGE_SIZE] + off % PAGE_SIZE, q, k);
        q += k, off += k, n -= k;
    }
}

static void io_get(slot_t *s, uint32_t off, void *p, uint32_t n)
{
    for (uint8_t *q = p; n;) {
        uint32_t k = PAGE_SIZE - off % PAGE_SIZE < n ? PAGE_SIZE - off % PAGE_SIZE : n;
        memcpy(q, s->io[off / PAGE_SIZE] + off % PAGE_SIZE, k);
        q += k, off += k, n -= k;
    }
}

/* A call from the program's domain to endpoint ep, lending buf with
 * rights (0: nothing lent). It runs on an exec of the slot's own, not the
 * program's: stopping the program (Ctrl-C, a kill) takes its exec's fuel,
 * which would stop the server's handler half way through its request and
 * leave the server's state torn; this way the request finishes and the
 * program stops when it is back in its own code. The thread keeps the
 * program's exec attached: a preemption asked meanwhile waits for the
 * program's next safe point (the handler itself blocks only on I/O). */
static int io_call(slot_t *s, cap_handle_t ep, cap_handle_t buf, uint32_t rights, uint64_t a[4],
                   uint64_t *r)
{
    return rights ? ipc_call_lend(s->d->caps, s->io_ex, ep, buf, rights, a, FS_TIMEOUT, r)
                  : ipc_call(s->d->caps, s->io_ex, ep, a, FS_TIMEOUT, r);
}

/* The capability to reach fs handle h through: while the program is set
 * up the unbadged one; then the badged one h was opened under (h 0: any,
 * for FS_SYNC); 0 when there is none. */
static cap_handle_t cap_for(slot_t *s, uint64_t h)
{
    if (s->fs)
        return s->fs;
    for (int i = 0; i < HCAPS; i++)
        if (s->hcap[i].cap && (s->hcap[i].fsh == h || !h))
            return s->hcap[i].cap;
    return 0;
}

/* Remembers that fs handle h goes through capability c (c 0: forgets h). */
static bool hcap_set(slot_t *s, uint64_t h, cap_handle_t c)
{
    int free = -1;
    for (int i = 0; i < HCAPS; i++) {
        if (s->hcap[i].cap && s->hcap[i].fsh == h) {
            s->hcap[i].cap = c;
            return true;
        }
        if (!s->hcap[i].cap && free < 0)
            free = i;
    }
    if (!c)
        return true;
    if (free < 0)
        return false;
    s->hcap[free].fsh = h;
    s->hcap[free].cap = c;
    return true;
}

/* One request: op on fs handle h (0: the root), the buffer lent with
 * rights (0: not lent). The result (>= 0) or a negative code. */
static int64_t fs_call(slot_t *s, uint32_t op, uint64_t h, int64_t a1, int64_t a2, uint32_t rights)
{
    uint64_t r = 0, a[4] = {op | h << 8, (uint64_t)a1, (uint64_t)a2, 0};
    cap_handle_t c = cap_for(s, h);
    if (!c)
        return FS_EBADF;
    int e = io_call(s, c, s->buf, rights, a, &r);
    if (!e && op == FS_OPEN && (int64_t)r > 0 && !hcap_set(s, r, c)) {
        a[0] = FS_CLOSE | r << 8;       /* no room to remember it: not opened */
        io_call(s, c, s->buf, 0, a, &r);
        return FS_ENFILE;
    }
    if (op == FS_CLOSE)
        hcap_set(s, h, 0);
    return e ? e : (int64_t)r;
}

/* Two handles reached through different capabilities (two preopened
 * directories): the file service cannot relate them. */
static bool apart(slot_t *s, uint64_t h1, uint64_t h2)
{
    return cap_for(s, h1) != cap_for(s, h2);
}

/* A request naming path (n bytes, into the buffer first) below h. */
static int64_t fs_path_call(slot_t *s, uint32_t op, uint64_t h, const char *path, uint32_t flags,
                            int64_t a2, uint32_t rights)
{
    size_t n = strlen(path);
    if (n > FS_PATH_MAX)
        return FS_ENAMETOOLONG;
    io_put(s, 0, path, (uint32_t)n);
    return fs_call(s, op, h, (int64_t)(n | (uint64_t)flags << 32), a2, rights);
}

static kfile_t *file_of(slot_t *s, int64_t h)
{
    return h >= 1 && h <= PROG_FILES && s->files[h - 1].used ? &s->files[h - 1] : NULL;
}

/* The fs_stat_t the service left in the buffer, as WASI's filestat. */
static void get_stat(slot_t *s, wasi_filestat_t *st)
{
    uint8_t b[56];
    io_get(s, 0, b, sizeof b);
    uint64_t v[7];
    for (int i = 0; i < 7; i++) {
        v[i] = 0;
        for (int k = 7; k >= 0; k--)
            v[i] = v[i] << 8 | b[8 * i + k];
    }
    uint32_t mode = (uint32_t)v[5], type = mode & 0xf000;
    memset(st, 0, sizeof *st);
    st->ino = v[0];
    st->size = v[1];
    st->atim = v[2] * 1000000000ull;
    st->mtim = v[3] * 1000000000ull;
    st->ctim = v[4] * 1000000000ull;
    st->nlink = v[5] >> 32;
    st->filetype = type == 0x4000 ? WASI_FILETYPE_DIRECTORY : type == 0x8000 ? WASI_FILETYPE_REGULAR_FILE
                 : type == 0xa000 ? WASI_FILETYPE_SYMBOLIC_LINK : WASI_FILETYPE_UNKNOWN;
}

/* The directory handle dir of s as a file-service handle. */
static uint16_t dir_of(slot_t *s, int64_t dir, uint64_t *fsh)
{
    kfile_t *d = file_of(s, dir);
    if (!d || !d->dir)
        return WASI_EBADF;
    *fsh = d->fsh;
    return WASI_ESUCCESS;
}

/* ------------------------------------------------------------ the backend */

/* stdin: the messages on the program's channel (the shell forwards what
 * is typed, or make run CMD='s standard input); an empty message is the
 * end. It waits in steps, so a kill ends a read that waits. */
static uint16_t be_console_read(void *ctx, void *buf, size_t len, size_t *nread)
{
    slot_t *s = ctx;
    *nread = 0;
    while (!s->in_eof && s->in_off == s->in_len && len) {
        if (!s->in || s->d->state != DOMAIN_READY || s->d->sup.killed)
            return s->in ? WASI_EINTR : WASI_ESUCCESS;
        cap_handle_t got = 0;
        int n = ipc_recv(s->d->caps, s->in, s->in_buf, sizeof s->in_buf, &got, 20 * MS);
        if (got)
            cap_delete(s->d->caps, got);
        if (n == IPC_ETIMEDOUT || n == IPC_EEMPTY)
            continue;
        if (n <= 0) {
            s->in_eof = true;           /* the end, or the channel is gone */
            break;
        }
        s->in_len = (uint32_t)n;
        s->in_off = 0;
    }
    size_t k = s->in_len - s->in_off < len ? s->in_len - s->in_off : len;
    memcpy(buf, s->in_buf + s->in_off, k);
    s->in_off += (uint32_t)k;
    *nread = k;
    return WASI_ESUCCESS;
}

/* poll_oneoff on stdin: waits up to ns for a message on the program's
 * channel (kept for the next read) or its end, in steps, so a kill ends
 * the wait. */
static uint16_t be_stdin_wait(void *ctx, uint64_t ns, bool *ready, uint64_t *waited)
{
    slot_t *s = ctx;
    uint64_t t0 = timer_now_ns(), end = ns > UINT64_MAX - t0 ? UINT64_MAX : t0 + ns;
    *ready = false;
    for (;;) {
        if (s->in_eof || s->in_off < s->in_len || !s->in) {
            *ready = true;
            break;
        }
        if (s->d->state != DOMAIN_READY || s->d->sup.killed)
            return WASI_EINTR;
        uint64_t now = timer_now_ns();
        uint64_t step = end > now ? (end - now < 20 * MS ? end - now : 20 * MS) : 0;
        cap_handle_t got = 0;
        int n = ipc_recv(s->d->caps, s->in, s->in_buf, sizeof s->in_buf, &got, step);
        if (got)
            cap_delete(s->d->caps, got);
        if (n == IPC_ETIMEDOUT || n == IPC_EEMPTY) {
            if (!step)
                break;          /* the time is up */
            continue;
        }
        if (n <= 0)
            s->in_eof = true;   /* the end, or the channel is gone */
        else
            s->in_len = (uint32_t)n, s->in_off = 0;
    }
    *waited = timer_now_ns() - t0;
    return WASI_ESUCCESS;
}

static uint16_t be_console_write(void *ctx, int stream, const void *buf, size_t len,
                                 size_t *nwritten)
{
    (void)ctx;
    size_t done = 0;
    bool framed = stream == 2 && wasiprog_frame_stderr && len;
    if (framed)
        kcons_out(ERR_BEGIN, sizeof ERR_BEGIN - 1);
    while (done < len) {
        uint32_t n = len - done > 4096 ? 4096 : (uint32_t)(len - done);
        uint32_t k = kcons_out((const uint8_t *)buf + done, n);
        done += k;
        if (k < n)
            break;
    }
    if (framed)
        kcons_out(ERR_END, sizeof ERR_END - 1);
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
        uint64_t a4[4] = {a[0], a[1], a[2], 0};
        int e = io_call(s, s->rng, s->rbuf, CAP_R_READ | CAP_R_WRITE, a4, &r);
        if (e || (int64_t)r <= 0 || r > n)
            return WASI_EIO;
        memcpy(out, s->rio, r);
        out += r;
        len -= r;
    }
    return WASI_ESUCCESS;
}

static uint16_t be_open(void *ctx, int64_t dir, const char *path, const wasi_open_t *how,
                        int64_t *handle, uint8_t *filetype)
{
    slot_t *s = ctx;
    uint64_t dh;
    kfile_t *f = NULL;
    uint16_t e = dir_of(s, dir, &dh);
    if (e)
        return e;
    for (int i = 0; i < PROG_FILES && !f; i++)
        if (!s->files[i].used)
            f = &s->files[i];
    if (!f)
        return WASI_ENFILE;
    uint32_t fl = (how->oflags & WASI_O_CREAT ? FS_O_CREAT : 0) |
                  (how->oflags & WASI_O_EXCL ? FS_O_EXCL : 0) |
                  (how->oflags & WASI_O_TRUNC ? FS_O_TRUNC : 0) |
                  (how->oflags & WASI_O_DIRECTORY ? FS_O_DIRECTORY : 0) |
                  (how->follow ? 0 : FS_O_NOFOLLOW) | (how->write ? FS_O_WRITE : 0);
    int64_t h = fs_path_call(s, FS_OPEN, dh, path, fl, 0, CAP_R_READ);
    if (h < 0)
        return fs_errno(h);
    wasi_filestat_t st;
    int64_t r = fs_call(s, FS_FSTAT, (uint64_t)h, 0, 0, CAP_R_READ | CAP_R_WRITE);
    if (r < 0) {
        fs_call(s, FS_CLOSE, (uint64_t)h, 0, 0, 0);
        return fs_errno(r);
    }
    get_stat(s, &st);
    if (st.filetype == WASI_FILETYPE_SYMBOLIC_LINK) {   /* O_NOFOLLOW on a link, as POSIX */
        fs_call(s, FS_CLOSE, (uint64_t)h, 0, 0, 0);
        return WASI_ELOOP;
    }
    *f = (kfile_t){true, st.filetype == WASI_FILETYPE_DIRECTORY, (uint64_t)h, 0, how->fdflags};
    *handle = f - s->files + 1;
    *filetype = st.filetype;
    return WASI_ESUCCESS;
}

static uint16_t be_close(void *ctx, int64_t h)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    if (!f)
        return WASI_EBADF;
    int64_t r = fs_call(s, FS_CLOSE, f->fsh, 0, 0, 0);
    *f = (kfile_t){0};
    return r < 0 ? fs_errno(r) : WASI_ESUCCESS;
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
    for (uint32_t tries = 0; *n < len;) {
        if (off > INT64_MAX)
            return WASI_EINVAL;
        uint32_t want = len - *n < IO_BYTES ? (uint32_t)(len - *n) : IO_BYTES;
        int64_t r = fs_call(s, FS_PREAD, f->fsh, (int64_t)off, want, CAP_R_READ | CAP_R_WRITE);
        if (r == FS_EAGAIN && !*n && ++tries < AGAIN_TRIES) {
            /* not ready yet (a sensor's first reading, a decision at the
             * shell): asked again every 20 ms, up to 40 s */
            if (be_sleep(s, 20 * MS) != WASI_ESUCCESS)
                return WASI_EINTR;
            continue;
        }
        if (r < 0)
            return *n ? WASI_ESUCCESS : fs_errno(r);
        if (r == 0)
            break;
        if ((uint64_t)r > want)
            return WASI_EIO;
        io_get(s, 0, out + *n, (uint32_t)r);
        *n += (size_t)r;
        off += (uint64_t)r;
        if ((uint32_t)r < want)
            break;
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

/* Writes at off (UINT64_MAX: at the end); *end gets the offset after. */
static uint16_t write_at(slot_t *s, kfile_t *f, const void *buf, size_t len, uint64_t off,
                         size_t *n, uint64_t *end)
{
    const uint8_t *in = buf;
    *n = 0;
    if (f->dir)
        return WASI_EISDIR;
    while (*n < len) {
        uint32_t k = len - *n < IO_BYTES ? (uint32_t)(len - *n) : IO_BYTES;
        if (off != UINT64_MAX && off > INT64_MAX - k)
            return *n ? WASI_ESUCCESS : WASI_EFBIG;
        io_put(s, 0, in + *n, k);
        int64_t r = fs_call(s, FS_PWRITE, f->fsh, off == UINT64_MAX ? -1 : (int64_t)off, k, CAP_R_READ);
        if (r < 0)
            return *n ? WASI_ESUCCESS : fs_errno(r);
        if ((uint64_t)r > k)
            return WASI_EIO;
        *n += (size_t)r;
        if (off != UINT64_MAX)
            off += (uint64_t)r;
        if ((uint32_t)r < k)
            return *n ? WASI_ESUCCESS : WASI_ENOSPC;
    }
    if (off == UINT64_MAX) {        /* appended: the end is the file's size */
        wasi_filestat_t st;
        if (fs_call(s, FS_FSTAT, f->fsh, 0, 0, CAP_R_READ | CAP_R_WRITE) >= 0) {
            get_stat(s, &st);
            off = st.size;
        } else {
            off = f->pos + *n;
        }
    }
    *end = off;
    return WASI_ESUCCESS;
}

static uint16_t be_write(void *ctx, int64_t h, const void *buf, size_t len, size_t *n)
{
    kfile_t *f = file_of(ctx, h);
    uint64_t end;
    *n = 0;
    if (!f)
        return WASI_EBADF;
    uint16_t e = write_at(ctx, f, buf, len, f->fdflags & WASI_FDFLAG_APPEND ? UINT64_MAX : f->pos,
                          n, &end);
    if (!e && *n)
        f->pos = end;
    return e;
}

static uint16_t be_pwrite(void *ctx, int64_t h, const void *buf, size_t len, uint64_t off,
                          size_t *n)
{
    kfile_t *f = file_of(ctx, h);
    uint64_t end;
    *n = 0;
    return f ? write_at(ctx, f, buf, len, off, n, &end) : WASI_EBADF;
}

static uint16_t be_fstat(void *ctx, int64_t h, wasi_filestat_t *st)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    if (!f)
        return WASI_EBADF;
    int64_t r = fs_call(s, FS_FSTAT, f->fsh, 0, 0, CAP_R_READ | CAP_R_WRITE);
    if (r < 0)
        return fs_errno(r);
    get_stat(s, st);
    return WASI_ESUCCESS;
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
        uint16_t e = be_fstat(ctx, h, &st);
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

/* The service writes back after every change; a sync also flushes the
 * device. */
static uint16_t be_sync(void *ctx, int64_t h, bool data_only)
{
    (void)data_only;
    slot_t *s = ctx;
    if (!file_of(s, h))
        return WASI_EBADF;
    int64_t r = fs_call(s, FS_SYNC, 0, 0, 0, 0);
    return r < 0 ? fs_errno(r) : WASI_ESUCCESS;
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
    for (;;) {
        if (cookie > INT64_MAX)
            return WASI_EINVAL;
        int64_t r = fs_call(s, FS_READDIR, f->fsh, (int64_t)cookie, 0, CAP_R_READ | CAP_R_WRITE);
        if (r < 0)
            return fs_errno(r);
        if (r == 0)
            return WASI_ESUCCESS;
        if ((uint64_t)r > IO_BYTES)
            return WASI_EIO;
        for (uint32_t at = 0; at < (uint32_t)r;) {
            uint8_t b[24];
            if ((uint32_t)r - at < 24)
                return WASI_EIO;
            io_get(s, at, b, 24);
            uint64_t next = 0, ino = 0;
            for (int k = 7; k >= 0; k--) {
                next = next << 8 | b[k];
                ino = ino << 8 | b[8 + k];
            }
            uint32_t len = (uint32_t)b[16] | (uint32_t)b[17] << 8 | (uint32_t)b[18] << 16 |
                           (uint32_t)b[19] << 24;
            if (len == 0 || len > 255 || len > (uint32_t)r - at - 24 || next <= cookie)
                return WASI_EIO;
            io_get(s, at + 24, name, len);
            wasi_dirent_t de = {next, ino, b[20] <= 7 ? b[20] : WASI_FILETYPE_UNKNOWN};
            if (!emit(arg, &de, name, len))
                return WASI_ESUCCESS;
            cookie = next;
            at += 24 + len;
        }
    }
}

static uint16_t be_stat(void *ctx, int64_t dir, const char *path, bool follow, wasi_filestat_t *st)
{
    slot_t *s = ctx;
    uint64_t dh;
    uint16_t e = dir_of(s, dir, &dh);
    if (e)
        return e;
    int64_t r = fs_path_call(s, FS_STATAT, dh, path, follow ? 0 : FS_O_NOFOLLOW, 0,
                             CAP_R_READ | CAP_R_WRITE);
    if (r < 0)
        return fs_errno(r);
    get_stat(s, st);
    return WASI_ESUCCESS;
}

static uint16_t path_op(void *ctx, uint32_t op, int64_t dir, const char *path)
{
    slot_t *s = ctx;
    uint64_t dh;
    uint16_t e = dir_of(s, dir, &dh);
    if (e)
        return e;
    int64_t r = fs_path_call(s, op, dh, path, 0, 0, CAP_R_READ);
    return r < 0 ? fs_errno(r) : WASI_ESUCCESS;
}

static uint16_t be_mkdir(void *ctx, int64_t dir, const char *path)
{
    return path_op(ctx, FS_MKDIR, dir, path);
}

static uint16_t be_rmdir(void *ctx, int64_t dir, const char *path)
{
    return path_op(ctx, FS_RMDIR, dir, path);
}

static uint16_t be_unlink(void *ctx, int64_t dir, const char *path)
{
    return path_op(ctx, FS_UNLINK, dir, path);
}

static uint16_t be_truncate(void *ctx, int64_t h, uint64_t size)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    if (!f)
        return WASI_EBADF;
    if (size > INT64_MAX)
        return WASI_EFBIG;
    int64_t r = fs_call(s, FS_TRUNCATE, f->fsh, (int64_t)size, 0, 0);
    return r < 0 ? fs_errno(r) : WASI_ESUCCESS;
}

/* posix_fallocate: the file is at least off + len long afterwards (ext2
 * keeps the new range as a hole: reads give zeros, the blocks are taken
 * when written). */
static uint16_t be_allocate(void *ctx, int64_t h, uint64_t off, uint64_t len)
{
    wasi_filestat_t st;
    kfile_t *f = file_of(ctx, h);
    if (!f)
        return WASI_EBADF;
    if (f->dir)
        return WASI_EISDIR;
    if (off > INT64_MAX || len > INT64_MAX - off)
        return WASI_EFBIG;
    uint16_t e = be_fstat(ctx, h, &st);
    return e ? e : st.size >= off + len ? WASI_ESUCCESS : be_truncate(ctx, h, off + len);
}

/* WASI's times (ns, fst flags) as the service's (s; -1 keep, -2 now). */
static void fs_times(uint64_t atim, uint64_t mtim, uint16_t fst, int64_t *a, int64_t *m)
{
    *a = fst & WASI_FST_ATIM_NOW ? -2 : fst & WASI_FST_ATIM ? (int64_t)(atim / 1000000000ull) : -1;
    *m = fst & WASI_FST_MTIM_NOW ? -2 : fst & WASI_FST_MTIM ? (int64_t)(mtim / 1000000000ull) : -1;
    if (*a > 0xffffffffll)
        *a = 0xffffffffll;
    if (*m > 0xffffffffll)
        *m = 0xffffffffll;
}

static uint16_t be_futimes(void *ctx, int64_t h, uint64_t atim, uint64_t mtim, uint16_t fst)
{
    slot_t *s = ctx;
    kfile_t *f = file_of(s, h);
    int64_t a, m;
    if (!f)
        return WASI_EBADF;
    fs_times(atim, mtim, fst, &a, &m);
    int64_t r = fs_call(s, FS_SETTIMES, f->fsh, a, m, 0);
    return r < 0 ? fs_errno(r) : WASI_ESUCCESS;
}

static uint16_t be_utimes(void *ctx, int64_t dir, const char *path, bool follow, uint64_t atim,
                          uint64_t mtim, uint16_t fst)
{
    slot_t *s = ctx;
    uint64_t dh;
    int64_t a, m;
    uint16_t e = dir_of(s, dir, &dh);
    if (e)
        return e;
    int64_t h = fs_path_call(s, FS_OPEN, dh, path, follow ? 0 : FS_O_NOFOLLOW, 0, CAP_R_READ);
    if (h < 0)
        return fs_errno(h);
    fs_times(atim, mtim, fst, &a, &m);
    int64_t r = fs_call(s, FS_SETTIMES, (uint64_t)h, a, m, 0);
    fs_call(s, FS_CLOSE, (uint64_t)h, 0, 0, 0);
    return r < 0 ? fs_errno(r) : WASI_ESUCCESS;
}

/* Two paths in the buffer, one after the other: rename, link, symlink. */
static uint16_t two_paths(slot_t *s, uint32_t op, uint64_t h, const char *p1, const char *p2,
                          int64_t a2)
{
    size_t l1 = strlen(p1), l2 = strlen(p2);
    if (l1 > FS_PATH_MAX || l2 > FS_PATH_MAX)
        return WASI_ENAMETOOLONG;
    io_put(s, 0, p1, (uint32_t)l1);
    io_put(s, (uint32_t)l1, p2, (uint32_t)l2);
    int64_t r = fs_call(s, op, h, (int64_t)(l1 | (uint64_t)l2 << 32), a2, CAP_R_READ);
    return r < 0 ? fs_errno(r) : WASI_ESUCCESS;
}

static uint16_t be_rename(void *ctx, int64_t dir, const char *path, int64_t newdir,
                          const char *newpath)
{
    slot_t *s = ctx;
    uint64_t dh, nh;
    uint16_t e = dir_of(s, dir, &dh);
    if (!e)
        e = dir_of(s, newdir, &nh);
    if (!e && apart(s, dh, nh))
        return WASI_EXDEV;
    return e ? e : two_paths(s, FS_RENAME, dh, path, newpath, (int64_t)nh);
}

static uint16_t be_link(void *ctx, int64_t dir, const char *path, bool follow, int64_t newdir,
                        const char *newpath)
{
    (void)follow;               /* the service links the entry itself */
    slot_t *s = ctx;
    uint64_t dh, nh;
    uint16_t e = dir_of(s, dir, &dh);
    if (!e)
        e = dir_of(s, newdir, &nh);
    if (!e && apart(s, dh, nh))
        return WASI_EXDEV;
    return e ? e : two_paths(s, FS_LINK, dh, path, newpath, (int64_t)nh);
}

static uint16_t be_symlink(void *ctx, const char *target, int64_t dir, const char *path)
{
    slot_t *s = ctx;
    uint64_t dh;
    uint16_t e = dir_of(s, dir, &dh);
    return e ? e : two_paths(s, FS_SYMLINK, dh, target, path, 0);
}

static uint16_t be_readlink(void *ctx, int64_t dir, const char *path, char *buf, size_t cap,
                            size_t *len)
{
    slot_t *s = ctx;
    uint64_t dh;
    uint16_t e = dir_of(s, dir, &dh);
    if (e)
        return e;
    int64_t r = fs_path_call(s, FS_READLINK, dh, path, 0, 0, CAP_R_READ | CAP_R_WRITE);
    if (r < 0)
        return fs_errno(r);
    if ((uint64_t)r > IO_BYTES)
        return WASI_EIO;
    *len = (size_t)r < cap ? (size_t)r : cap;
    io_get(s, 0, buf, (uint32_t)*len);
    return WASI_ESUCCESS;
}

static const wasi_backend_t backend_template = {
    .console_read = be_console_read,
    .stdin_wait = be_stdin_wait,
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
    .allocate = be_allocate,
    .futimes = be_futimes,
    .readdir = be_readdir,
    .stat = be_stat,
    .utimes = be_utimes,
    .mkdir = be_mkdir,
    .rmdir = be_rmdir,
    .unlink = be_unlink,
    .rename = be_rename,
    .link = be_link,
    .symlink = be_symlink,
    .readlink = be_readlink,
};

/* ------------------------------------------------------------ launching */

typedef struct spec {
    const char *prog;
    const char *argv[PROG_ARGS], *envp[PROG_ARGS], *dirs[PROG_PREOPENS];
    const char *sensors;        /* the sensors' directory's guest path, or NULL */
    const char *display;        /* the display's directory's guest path, or NULL */
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
        else if (tag == 's' && !sp->sensors && *v == '/')
            sp->sensors = v;
        else if (tag == 'g' && !sp->display && *v == '/')
            sp->display = v;
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
        if (!slots[i] && !(slots[i] = kmalloc(sizeof *slots[i])))
            return NULL;
        slot_t *s = slots[i];
        s->idx = i;
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
            lim.queue_len = IN_QUEUE;
            s->d = domain_create_with(sys, name, &lim, 8, l);
            if (!s->d)
                return NULL;
            s->d->sup.policy = DOMAIN_RESTART_NEVER;
            domain_unlist(s->d);
        }
        if (!s->trap)
            s->trap = kmalloc(sizeof *s->trap);
        if (!s->io_ex)
            s->io_ex = wasm_exec_new(sys->rt);
        if (!s->trap || !s->io_ex)
            return NULL;
        s->busy = true;
        return s;
    }
    return NULL;
}

/* Opens path below the file system's root (the directory capability
 * itself, handle 0): a file of s, in *fd. */
static uint16_t open_root(slot_t *s, const char *path, bool dir, int64_t *fd, uint8_t *type)
{
    kfile_t *root = NULL;
    for (int i = 0; i < PROG_FILES && !root; i++)
        if (!s->files[i].used)
            root = &s->files[i];
    if (!root)
        return WASI_ENFILE;
    *root = (kfile_t){true, true, 0, 0, 0};
    wasi_open_t how = {dir ? WASI_O_DIRECTORY : 0, 0, true, false, true};
    uint16_t e = be_open(s, root - s->files + 1, path, &how, fd, type);
    *root = (kfile_t){0};
    return e;
}

static const char *errno_text(uint16_t e)
{
    return e == WASI_ENOENT ? "No such file or directory" : e == WASI_ENOTDIR ? "Not a directory"
         : wasi_errno_name(e);
}

/* Reads the program file (path below the root) into a new allocation. */
static int read_file(slot_t *s, const char *path, uint8_t **out, size_t *len, char *why,
                     size_t cap)
{
    int64_t fd;
    uint8_t type;
    wasi_filestat_t st;
    uint16_t e = open_root(s, path, false, &fd, &type);
    if (!e && type != WASI_FILETYPE_REGULAR_FILE)
        e = WASI_EISDIR;
    if (!e)
        e = be_fstat(s, fd, &st);
    if (!e && st.size > PROG_FILE_MAX) {
        be_close(s, fd);
        return say(why, cap, "", "file too large"), CAP_ENOMEM;
    }
    uint8_t *p = e ? NULL : kmalloc(st.size ? st.size : 1);
    size_t got = 0;
    if (!e && !p) {
        be_close(s, fd);
        return say(why, cap, "", "out of memory"), CAP_ENOMEM;
    }
    if (!e) {
        e = be_pread(s, fd, p, st.size, 0, &got);
        if (!e && got != st.size)
            e = WASI_EIO;
    }
    if (fd > 0 && file_of(s, fd))
        be_close(s, fd);
    if (e) {
        kfree(p);
        return say(why, cap, "", errno_text(e)), CAP_ENOENT;
    }
    *out = p;
    *len = got;
    return 0;
}

/* The preopen dir ("PATH[::GUEST]"): a directory handle of s, below
 * which the file service confines every path. */
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
    char path[FS_PATH_MAX + 1];
    uint32_t n;
    if (!*po->guest_path || fs_path(dir, hl, path, sizeof path, &n))
        return say(why, cap, "bad --dir ", dir), CAP_EINVAL;
    int64_t fd = 0;
    uint8_t type;
    uint16_t e = open_root(s, n ? path : ".", true, &fd, &type);
    if (e) {
        say(why, cap, "--dir ", dir);
        size_t k = strlen(why);
        say(why + k, cap - k, ": ", errno_text(e));
        return e == WASI_ENOENT || e == WASI_ENOTDIR ? CAP_ENOENT : CAP_EINVAL;
    }
    po->handle = fd;
    return 0;
}

/* Opens the directory a service serves on endpoint c (a capability of the
 * program's) as preopen po at guest; on failure c goes. */
static int add_service_dir(slot_t *s, cap_handle_t c, const char *guest, wasi_preopen_t *po,
                           const char *flag, char *why, size_t cap)
{
    /* opened the way a --dir is, through c */
    cap_handle_t fs = s->fs;
    int64_t fd = 0;
    uint8_t type;
    s->fs = c;
    uint16_t we = open_root(s, ".", true, &fd, &type);
    s->fs = fs;
    if (we) {
        cap_delete(s->d->caps, c);
        say(why, cap, flag, errno_text(we));
        return CAP_EINVAL;
    }
    po->handle = fd;
    po->guest_path = guest;
    return 0;
}

/* The sensors' directory (docs/privacy.md, "WASI programs"): the
 * launcher's endpoint sensor.files, a copy badged with the program's name
 * (up to 8 bytes, little-endian: the broker's only word on who asks, and
 * only the kernel sets a badge), opened as a directory through that copy.
 * Everything the program opens below it goes to the sensor broker. */
static int add_sensors(slot_t *s, domain_t *by, const char *guest, wasi_preopen_t *po, char *why,
                       size_t cap)
{
    const char *nm = s->d->name;
    size_t nl = strlen(nm);
    uint64_t badge = 0;
    if (nl > 8)
        return say(why, cap, "--sensors: the program's name is over 8 characters: ", nm), CAP_EINVAL;
    for (size_t i = 0; i < nl; i++)
        badge |= (uint64_t)(uint8_t)nm[i] << 8 * i;
    cap_handle_t ep, c = 0;
    if (domain_cap_find(by, "sensor.files", 12, &ep))
        return say(why, cap, "", "--sensors: no sensor broker (sensor.files)"), CAP_ENOENT;
    int e = cap_derive_badge(by->caps, ep, CAP_R_CALL, s->d->caps, badge, &c);
    if (e)
        return say(why, cap, "", "--sensors: sensor.files without the derive right"), e;
    return add_service_dir(s, c, guest, po, "--sensors: ", why, cap);
}

/* The display's directory (docs/display.md, "WASI programs"): a copy
 * (call only) of the launcher's endpoint disp.files badged with the
 * program's slot (1 + its index: the display service tells programs'
 * files apart by it), opened as a directory: files that draw on the
 * screen, nothing to read back. */
static int add_display(slot_t *s, domain_t *by, const char *guest, wasi_preopen_t *po, char *why,
                       size_t cap)
{
    cap_handle_t ep, c = 0;
    if (domain_cap_find(by, "disp.files", 10, &ep))
        return say(why, cap, "", "--display: no display service (disp.files)"), CAP_ENOENT;
    int e = cap_derive_badge(by->caps, ep, CAP_R_CALL, s->d->caps, (uint64_t)s->idx + 1, &c);
    if (e)
        return say(why, cap, "", "--display: disp.files without the derive right"), e;
    return add_service_dir(s, c, guest, po, "--display: ", why, cap);
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
        memcpy(d->name, "wasi", 4), d->name[4] = (char)('0' + s->idx), d->name[5] = 0;
    d->state = DOMAIN_NEW;
    s->start_exit = -1;
    d->sup.killed = false;
    d->sup.cpu_ns = 0;
    d->sup.trap = s->trap;
    s->ex = sys->boot_ex;
    memset(s->files, 0, sizeof s->files);
    memset(s->hcap, 0, sizeof s->hcap);
    s->be = backend_template;
    s->be.ctx = s;
    s->fs = s->rng = s->buf = s->rbuf = s->in = 0;
    s->in_len = s->in_off = 0;
    s->in_eof = false;
    uint8_t *bytes = NULL;
    size_t blen = 0;
    wasi_preopen_t po[PROG_PREOPENS + 2];
    uint32_t npo = sp->ndirs;
    buf_t *b = NULL;
    /* Its capabilities: the directory, the entropy source, a buffer. */
    e = cap_derive(by->caps, fs, CAP_R_CALL, d->caps, &s->fs);
    if (!e && rng)
        e = cap_derive(by->caps, rng, CAP_R_CALL, d->caps, &s->rng);
    if (e) {
        say(why, why_cap, "", e == CAP_ERIGHTS ? "capability without the derive right"
                                                : "bad directory or entropy capability");
        goto fail;
    }
    if ((e = domain_charge(d, IO_PAGES)) || !(b = buf_create(IO_PAGES))) {
        if (!e)
            domain_uncharge(d, IO_PAGES), e = CAP_ENOMEM;
        say(why, why_cap, "", "out of memory");
        goto fail;
    }
    b->payer = d;
    e = cap_install(d->caps, &b->obj, CAP_R_ALL, &s->buf);
    for (int i = 0; i < IO_PAGES; i++)
        s->io[i] = phys_to_virt(b->frames[i]);
    kobj_unref(&b->obj);
    b = NULL;
    if (!e && s->rng) {
        if (!(e = domain_charge(d, 1)) && !(b = buf_create(1))) {
            domain_uncharge(d, 1);
            e = CAP_ENOMEM;
        }
        if (b) {
            b->payer = d;
            e = cap_install(d->caps, &b->obj, CAP_R_ALL, &s->rbuf);
            s->rio = phys_to_virt(b->frames[0]);
            kobj_unref(&b->obj);
        }
    }
    if (!e) {                   /* stdin */
        channel_t *ch = channel_create(sys, IN_QUEUE);
        e = ch ? domain_grant_root(d, NULL, &ch->obj, CAP_R_ALL, &s->in) : CAP_ENOMEM;
        if (ch)
            kobj_unref(&ch->obj);
    }
    if (e) {
        say(why, why_cap, "", "out of memory or handles");
        goto fail;
    }
    if ((e = read_file(s, path, &bytes, &blen, why, why_cap)))
        goto fail;
    for (uint32_t i = 0; i < sp->ndirs; i++)
        if ((e = add_dir(s, sp->dirs[i], &po[i], why, why_cap)))
            goto fail;
    /* Each preopen's own capability, badged with its handle; then the
     * unbadged one goes: the program's domain reaches only those
     * directories, whatever its requests say. */
    for (uint32_t i = 0; i < sp->ndirs; i++) {
        cap_handle_t c = 0;
        uint64_t fsh = s->files[po[i].handle - 1].fsh;
        if ((e = cap_derive_badge(by->caps, fs, CAP_R_CALL, d->caps, fsh, &c)) || !hcap_set(s, fsh, c)) {
            say(why, why_cap, "", "out of memory or handles");
            e = e ? e : CAP_ENOMEM;
            goto fail;
        }
    }
    if (sp->sensors && (e = add_sensors(s, by, sp->sensors, &po[npo++], why, why_cap)))
        goto fail;
    if (sp->display && (e = add_display(s, by, sp->display, &po[npo++], why, why_cap)))
        goto fail;
    cap_delete(d->caps, s->fs);
    s->fs = 0;
    wasi_config_t cfg = {&s->be, sp->argc, sp->argv, sp->envc, sp->envp, npo, po};
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
    /* Instantiated here, on the launcher's thread, on an exec of its own;
     * the memory limit holds from the first page. A module with a start
     * function is instantiated on the program's own thread instead
     * (wasiprog_run), where a start function that never ends can be
     * stopped like the program (Ctrl-C at the shell) rather than hold the
     * launcher forever. */
    wasm_exec_t *ex = wasm_exec_new(sys->rt);
    if (!ex) {
        e = CAP_ENOMEM;
        say(why, why_cap, "", "out of memory");
        goto fail;
    }
    s->ex = ex;
    s->trap->kind = WASM_OK;
    s->deferred = wasm_module_has_start(d->mod);
    if (s->deferred) {
        kfree(bytes);
        kfree(sp);
        d->state = DOMAIN_READY;
        domain_relist(d);
        *out = d;
        return 0;
    }
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

/* A deferred instantiation (a module with a start function), on the
 * program's thread and killable as its run is. True when the instance is
 * there with its _start; else *status is the program's (its exit in the
 * start function, 1 for a link error or no _start, -1 stopped or
 * trapped), the reason printed as the launcher would have. */
static bool instantiate_here(slot_t *s, domain_t *d, int64_t *status)
{
    wasm_exec_t *ex = s->ex;
    wasm_error_t err = {0};
    uint64_t limit = PROG_MEM_PAGES - (d->buf_pages * PAGE_SIZE + 65535) / 65536;
    thread_set_exec(thread_current(), ex);
    sup_run_begin(d, ex);
    d->inst = wasm_instantiate_limited(d->mod, d->linker, ex, (uint32_t)limit, d->lim.table_elems,
                                       &err, s->trap);
    bool killed = d->sup.killed;
    sup_run_end(d);
    thread_set_exec(thread_current(), NULL);
    *status = -1;
    if (!d->inst) {
        if (s->trap->kind == WASM_TRAP_EXIT)
            *status = (int64_t)(uint32_t)s->trap->exit_code;
        else if (killed || d->state == DOMAIN_STOPPED)
            kprintf("%s: stopped\n", d->name);
        else if (s->trap->kind != WASM_OK)
            kprintf("%s: start function trapped: %s\n", d->name, wasm_trap_kind_name(s->trap->kind));
        else
            kprintf("%s: link: %s\n", d->name, err.message), *status = 1;
        return false;
    }
    wasm_func_t *f = wasm_instance_func(d->inst, "_start");
    const uint8_t *pt, *rt;
    uint32_t np = 1, nr = 1;
    if (f)
        wasm_func_type(f, &pt, &np, &rt, &nr);
    if (!f || np || nr) {
        kprintf("%s: no export _start of type () -> ()\n", d->name);
        *status = 1;
        return false;
    }
    return true;
}

int64_t wasiprog_run(domain_t *d)
{
    slot_t *s = slot_of(d);
    if (s && s->start_exit >= 0)
        return s->start_exit;
    int64_t st;
    if (s && s->deferred && !d->inst && !instantiate_here(s, d, &st))
        return st;
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

int wasiprog_stdin(domain_t *d, domain_t *to, cap_handle_t *out)
{
    slot_t *s = slot_of(d);
    if (!s || !s->busy || !s->in)
        return CAP_EINVAL;
    return cap_derive(d->caps, s->in, CAP_R_SEND, to->caps, out);
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
    memset(s->io, 0, sizeof s->io);
    s->fs = s->rng = s->buf = s->rbuf = s->in = 0;
    s->rio = NULL;
    d->state = DOMAIN_DEAD;
    d->nnames = 0;
    s->busy = false;
}
