/*
 * The file service domain (docs/storage.md): an ext2 file system on the
 * disk behind the block driver's endpoint blk.io, served on the endpoint
 * fs.root, read and write (protocol: sdk/include/fsproto.h).
 *
 * Requests name paths below a directory: handle 0, the root the endpoint
 * stands for (there "/" and ".." stay at the root, as in a chroot), or a
 * directory handle FS_OPEN gave, below which nothing leads out: "..",
 * absolute paths and symlinks that would leave it fail with FS_EESCAPE
 * (EXT2_BENEATH). Handles name open files and directories in a table of
 * NHANDLES entries, each with a generation, so a closed or stale handle
 * (its file deleted) is refused rather than reused.
 *
 * A call through a badged capability (the kernel mints them for the WASI
 * programs it runs, one per preopened directory: docs/storage.md) stands
 * for the directory whose handle the badge is: everything is resolved
 * beneath it, handle 0 included, and only handles opened under that badge
 * (and the badge's own) are taken.
 *
 * Capabilities: blk.io (to call), fs.root (served), nothing else.
 *
 * Block I/O is zero-copy into the block cache: a buffer of EXT2_CACHE
 * pages is mapped over the cache's blocks and lent to the driver for each
 * block read or written, whose device moves the block in place. Other
 * transfers (the superblock at mount, runs of file blocks ext2_read reads
 * past the cache) go through a 32 KiB bounce buffer, one driver call per
 * 32 KiB. After
 * every request that changed something
 * the cache is written back (ext2_writeback: in order, frees last);
 * FS_SYNC also flushes the device.
 */
#include <athanor.h>
#include <fsproto.h>

#include "ext2.h"

#define SECTOR 512
#define IO_BYTES (64 * SECTOR)  /* the most one block-driver call moves */
#define NHANDLES 64
#define BLK_EROFS (-102)
#define BLK_ENODEV (-103)

/* Results (negative), beyond the ATH_E* codes: the ext2 errors - 200. */
#define FS_ERR(e) ((e) - 200)

static uint8_t io_page[IO_BYTES] __attribute__((aligned(ATH_PAGE)));   /* the bounce buffer */
static ext2_t fs;
static ath_handle_t blk = -1, iobuf = -1, cachebuf = -1;
static bool mounted;
static uint32_t time_base;

typedef struct node {
    uint32_t ino;
    uint16_t gen;
    uint8_t used, flags;    /* FS_O_WRITE when open for writing */
    uint32_t scope;         /* the endpoint (and badge) it was opened through: only that one takes it */
} node_t;
static node_t nodes[NHANDLES];

#ifdef __wasm__
#define BULK __attribute__((target("bulk-memory")))
#else
#define BULK
#endif

/* memory.copy (Wasm bulk memory): the page moves at memory speed. */
BULK static void copy(void *d, const void *s, uint32_t n)
{
    __builtin_memcpy(d, s, n);
}

/* One call to the block driver: op on sectors [sector, sector + n) of
 * buffer b, from byte at of it. */
static int blk_call_at(ath_handle_t b, int64_t op, uint64_t sector, uint32_t n, uint32_t at,
                       uint32_t rights)
{
    int64_t r = -1, a2 = (int64_t)n | (int64_t)at << 32;
    int32_t e = ath_call_lend(blk, b, rights, op, (int64_t)sector, a2, &r);
    if (e == ATH_ESTALE || e == ATH_EREVOKED) {
        /* the driver was restarted: its endpoint was issued again */
        if ((blk = ath_cap_find("blk.io")) < 0)
            return blk;
        e = ath_call_lend(blk, b, rights, op, (int64_t)sector, a2, &r);
    }
    return e < 0 ? e : (int)r;
}

/* One call to the block driver: op on sectors [sector, sector + n) of io_page. */
static int blk_call(int64_t op, uint64_t sector, uint32_t n, uint32_t rights)
{
    return blk_call_at(iobuf, op, sector, n, 0, rights);
}

/* Where whole sectors at p lie in the cache's buffer: the byte offset, or
 * -1 when p is not a run of them there (or there is no such buffer). */
static int64_t in_cache(const void *p, uint64_t off, uint32_t len)
{
    uintptr_t a = (uintptr_t)p, base = (uintptr_t)fs.cdata;
    if (cachebuf < 0 || off % SECTOR || len % SECTOR || len == 0 || len > EXT2_MAX_BLOCK ||
        a < base || a - base + len > sizeof fs.cdata || (a - base) % SECTOR)
        return -1;
    return (int64_t)(a - base);
}

/* ext2's device: any byte range, through whole sectors. */
static int dev_read(void *ctx, uint64_t off, void *buf, uint32_t len)
{
    (void)ctx;
    int64_t at = in_cache(buf, off, len);
    if (at >= 0)    /* a cache block: the device writes it in place */
        return blk_call_at(cachebuf, 0, off / SECTOR, len / SECTOR, (uint32_t)at,
                           ATH_R_READ | ATH_R_WRITE) == 0 ? 0 : -1;
    uint8_t *out = buf;
    while (len) {
        uint64_t sector = off / SECTOR;
        uint32_t skip = (uint32_t)(off % SECTOR);
        uint32_t n = (skip + len + SECTOR - 1) / SECTOR;
        if (n > IO_BYTES / SECTOR)
            n = IO_BYTES / SECTOR;
        if (blk_call(0, sector, n, ATH_R_READ | ATH_R_WRITE) != 0)
            return -1;
        uint32_t got = n * SECTOR - skip;
        if (got > len)
            got = len;
        copy(out, io_page + skip, got);
        out += got;
        off += got;
        len -= got;
    }
    return 0;
}

/* Whole sectors only (the cache writes whole blocks). */
static int dev_write(void *ctx, uint64_t off, const void *buf, uint32_t len)
{
    (void)ctx;
    const uint8_t *in = buf;
    if (off % SECTOR || len % SECTOR)
        return EXT2_EIO;
    int64_t at = in_cache(buf, off, len);
    if (at >= 0) {  /* a cache block: the device reads it in place */
        int r = blk_call_at(cachebuf, 1, off / SECTOR, len / SECTOR, (uint32_t)at, ATH_R_READ);
        return r == BLK_EROFS ? EXT2_EROFS : r != 0 ? EXT2_EIO : 0;
    }
    while (len) {
        uint32_t n = len < IO_BYTES ? len : IO_BYTES;
        copy(io_page, in, n);
        int r = blk_call(1, off / SECTOR, n / SECTOR, ATH_R_READ);
        if (r == BLK_EROFS)
            return EXT2_EROFS;
        if (r != 0)
            return EXT2_EIO;
        in += n;
        off += n;
        len -= n;
    }
    return 0;
}

static int dev_flush(void *ctx)
{
    (void)ctx;
    int r = blk_call(2, 0, 0, ATH_R_READ);
    return r == 0 ? 0 : r == BLK_EROFS ? EXT2_EROFS : EXT2_EIO;
}

/* A freed inode: handles to it go stale. */
static void forget(void *arg, uint32_t ino)
{
    (void)arg;
    for (int i = 0; i < NHANDLES; i++)
        if (nodes[i].used && nodes[i].ino == ino)
            nodes[i].used = 0, nodes[i].gen++;
}

static int32_t ensure_mounted(void)
{
    if (mounted)
        return 0;
    if (blk < 0 && (blk = ath_cap_find("blk.io")) < 0)
        return blk;
    /* A boot without a disk: said at once, rather than as I/O errors. */
    int64_t cap = 0;
    if (ath_call(blk, 3, 0, 0, 0, &cap) == 0 && cap == BLK_ENODEV)
        return FS_ENODEV;
    if (iobuf < 0) {
        if ((iobuf = ath_buf_new(IO_BYTES / ATH_PAGE)) < 0)
            return iobuf;
        int32_t e = ath_buf_map(iobuf, (uint32_t)(uintptr_t)io_page);
        if (e < 0)
            return e;
    }
    if (cachebuf < 0) {
        /* Over the cache's blocks (page aligned: EXT2_CACHE_ALIGN). Without
         * it (no memory) blocks go through io_page, one copy each. */
        ath_handle_t c = ath_buf_new(EXT2_CACHE);
        if (c >= 0 && ath_buf_map(c, (uint32_t)(uintptr_t)fs.cdata) == 0)
            cachebuf = c;
        else if (c >= 0)
            ath_cap_drop(c);
    }
    int e = ext2_mount_rw(&fs, dev_read, dev_write, dev_flush, 0);
    if (e)
        return FS_ERR(e);
    fs.on_free = forget;
    /* A read-only device: known now, rather than at the first write (the
     * superblock's sectors written back as they are). */
    if (fs.rw && blk_call(0, 2, 2, ATH_R_READ | ATH_R_WRITE) == 0 &&
        blk_call(1, 2, 2, ATH_R_READ) == BLK_EROFS)
        fs.rw = false;
    /* No real-time clock: time goes on from the disk's last write. */
    time_base = ext2_wtime(&fs);
    mounted = true;
    ath_printf("fs: ext2 mounted: %u-byte blocks, %u blocks, %u inodes, %s\n", (unsigned)fs.block_size,
               (unsigned)fs.blocks_count, (unsigned)fs.inodes_count, fs.rw ? "read-write" : "read-only");
    return 0;
}

/* ---- handles */

/* A scope: endpoint ep (0 fs.root, 1.. a directory endpoint), and the
 * badge of the capability the call came through (a directory handle, or
 * 0). */
#define SCOPE(ep, badge) ((uint32_t)(ep) | (uint32_t)(badge) << 3)
#define BADGE_MAX 0xffffff  /* a handle: index | generation << 8 */

static int64_t node_new(uint32_t ino, uint8_t flags, uint32_t scope)
{
    for (int i = 0; i < NHANDLES; i++)
        if (!nodes[i].used) {
            nodes[i].used = 1;
            nodes[i].ino = ino;
            nodes[i].flags = flags;
            nodes[i].scope = scope;
            return (int64_t)(i + 1) | (int64_t)nodes[i].gen << 8;
        }
    return FS_ENFILE;
}

/* Handle h (not 0) as a caller in scope presents it: its node, or 0. */
static node_t *node_get(int64_t h, uint32_t scope)
{
    int64_t i = (h & 0xff) - 1;
    if (i < 0 || i >= NHANDLES || !nodes[i].used || (h >> 8) != nodes[i].gen || nodes[i].scope != scope)
        return 0;
    return &nodes[i];
}

/* ---- requests */

static int64_t err(int e) { return e < 0 ? FS_ERR(e) : e; }

typedef struct req {
    int64_t a1, a2;
    uint32_t start;         /* the start directory's inode */
    uint32_t root;          /* the endpoint's directory */
    uint32_t scope;         /* SCOPE(endpoint, badge) */
    int64_t badge;          /* the caller's badge: a directory handle of the endpoint, or 0 */
    int flags;              /* EXT2_BENEATH below a handle or a directory endpoint */
    node_t *node;           /* the handle's node (0 for the root) */
    uint8_t *win;           /* the lent buffer, mapped */
    uint32_t wlen;
} req_t;

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_stat(uint8_t *p, const ext2_inode_t *in)
{
    put64(p + 0, in->ino);
    put64(p + 8, in->size);
    put64(p + 16, in->atime);
    put64(p + 24, in->mtime);
    put64(p + 32, in->ctime);
    put64(p + 40, in->mode | (uint64_t)in->links << 32);
    put64(p + 48, in->sectors);
}

/* The path of len bytes at the start of the buffer, copied out (the
 * client may change the buffer while we work). */
static int path_of(const req_t *r, uint32_t at, int64_t len, char *out)
{
    if (len < 0 || len > FS_PATH_MAX || at + (uint64_t)len > r->wlen)
        return ATH_EINVAL;
    for (int64_t i = 0; i < len; i++)
        out[i] = (char)r->win[at + i];
    return 0;
}

typedef struct nth {
    uint32_t want, at;
    uint8_t type;
    char name[EXT2_NAME_MAX + 1];
    uint32_t len;
    bool found;
} nth_t;

static bool nth_rec(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len)
{
    (void)ino;
    nth_t *n = arg;
    if (n->at++ != n->want)
        return true;
    for (uint32_t i = 0; i < len; i++)
        n->name[i] = name[i];
    n->len = len;
    n->type = type;
    n->found = true;
    return false;
}

typedef struct fill {
    uint8_t *out;
    uint32_t cap, used, at;
    uint64_t from;
} fill_t;

static uint8_t wasi_type(uint8_t t)
{
    return t == 1 ? 4 : t == 2 ? 3 : t == 7 ? 7 : 0;
}

static bool fill_rec(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len)
{
    fill_t *f = arg;
    if (f->at++ < f->from)
        return true;
    if (f->cap - f->used < 24 + len)
        return false;
    uint8_t *p = f->out + f->used;
    put64(p, f->at);
    put64(p + 8, ino);
    put64(p + 16, len | (uint64_t)wasi_type(type) << 32);
    for (uint32_t i = 0; i < len; i++)
        p[24 + i] = (uint8_t)name[i];
    f->used += 24 + len;
    return true;
}

/* Handle h (not 0) as request r presents it: a node opened in its scope,
 * or under a badge the badge's own directory. */
static node_t *req_node(const req_t *r, int64_t h)
{
    if (r->badge && h == r->badge)
        return node_get(h, r->scope & 7);
    return node_get(h, r->scope);
}

static int64_t do_op(uint32_t code, req_t *r)
{
    char path[FS_PATH_MAX], path2[FS_PATH_MAX];
    ext2_inode_t in;
    int e;
    uint32_t plen = (uint32_t)r->a1, pfl = (uint32_t)((uint64_t)r->a1 >> 32);
    switch (code) {
    case FS_STAT:
    case FS_READ:
    case FS_LIST:
        if ((e = path_of(r, 0, r->a1, path)))
            return e;
        if ((e = ext2_resolve_at(&fs, r->start, path, plen, r->flags, &in)))
            return err(e);
        if (code == FS_STAT) {
            uint8_t t = ext2_is_dir(&in) ? 2 : ext2_is_link(&in) ? 7 : 1;
            return (int64_t)(in.size << 8 | t);
        }
        if (r->a2 < 0)
            return ATH_EINVAL;
        if (code == FS_READ) {
            if (ext2_is_dir(&in))
                return FS_EISDIR;
            return err((int)ext2_read(&fs, &in, (uint64_t)r->a2, r->win, ATH_PAGE));
        } else {
            nth_t n = {(uint32_t)r->a2, 0, 0, {0}, 0, false};
            if ((e = ext2_readdir(&fs, &in, nth_rec, &n)) < 0)
                return err(e);
            if (!n.found)
                return FS_ENOENT;
            for (uint32_t i = 0; i < n.len; i++)
                r->win[i] = (uint8_t)n.name[i];
            return (int64_t)n.len | (int64_t)n.type << 16;
        }
    case FS_OPEN: {
        if ((e = path_of(r, 0, plen, path)))
            return e;
        if (pfl & ~(uint32_t)(FS_O_CREAT | FS_O_EXCL | FS_O_TRUNC | FS_O_DIRECTORY | FS_O_NOFOLLOW | FS_O_WRITE))
            return ATH_EINVAL;
        int fl = r->flags | (pfl & FS_O_NOFOLLOW ? EXT2_NOFOLLOW : 0);
        e = ext2_resolve_at(&fs, r->start, path, plen, fl, &in);
        if (e == EXT2_ENOENT && (pfl & FS_O_CREAT) && !(pfl & FS_O_DIRECTORY))
            e = ext2_create(&fs, r->start, path, plen, fl, 0x81a4, &in);
        else if (e == EXT2_OK && (pfl & FS_O_CREAT) && (pfl & FS_O_EXCL))
            e = EXT2_EEXIST;
        if (e)
            return err(e);
        if ((pfl & FS_O_DIRECTORY) && !ext2_is_dir(&in))
            return FS_ENOTDIR;
        if ((pfl & (FS_O_WRITE | FS_O_TRUNC)) && ext2_is_dir(&in))
            return FS_EISDIR;
        if ((pfl & FS_O_TRUNC) && ext2_is_reg(&in) && (e = ext2_truncate(&fs, &in, 0)))
            return err(e);
        return node_new(in.ino, (uint8_t)(pfl & FS_O_WRITE), r->scope);
    }
    case FS_CLOSE:
        if (!r->node)
            return FS_EBADF;
        r->node->used = 0;
        r->node->gen++;
        return 0;
    case FS_PREAD:
    case FS_PWRITE:
    case FS_FSTAT:
    case FS_TRUNCATE:
    case FS_READDIR:
    case FS_SETTIMES:
        if (!r->node && code != FS_FSTAT && code != FS_READDIR)
            return FS_EBADF;
        if ((e = ext2_inode(&fs, r->node ? r->node->ino : r->start, &in)))
            return err(e);
        if ((code == FS_PWRITE || code == FS_TRUNCATE) && !(r->node->flags & FS_O_WRITE))
            return FS_EBADF;
        if (code == FS_FSTAT) {
            if (r->wlen < sizeof(fs_stat_t))
                return ATH_EINVAL;
            put_stat(r->win, &in);
            return 0;
        }
        if (code == FS_READDIR) {
            if (r->a1 < 0)
                return ATH_EINVAL;
            fill_t f = {r->win, r->wlen, 0, 0, (uint64_t)r->a1};
            if ((e = ext2_readdir(&fs, &in, fill_rec, &f)) < 0)
                return err(e);
            return f.used;
        }
        if (code == FS_TRUNCATE)
            return r->a1 < 0 ? ATH_EINVAL : err(ext2_truncate(&fs, &in, (uint64_t)r->a1));
        if (code == FS_SETTIMES) {
            if (r->a1 < -2 || r->a2 < -2 || r->a1 > 0xffffffffll || r->a2 > 0xffffffffll)
                return ATH_EINVAL;
            if (r->a1 != -1)
                in.atime = r->a1 == -2 ? fs.now : (uint32_t)r->a1;
            if (r->a2 != -1)
                in.mtime = r->a2 == -2 ? fs.now : (uint32_t)r->a2;
            in.ctime = fs.now;
            return err(ext2_put_inode(&fs, &in));
        }
        if (ext2_is_dir(&in))
            return FS_EISDIR;
        if (r->a2 < 0 || r->a2 > r->wlen || r->a1 < -1 || (r->a1 == -1 && code == FS_PREAD))
            return ATH_EINVAL;
        if (code == FS_PREAD)
            return err((int)ext2_read(&fs, &in, (uint64_t)r->a1, r->win, (uint32_t)r->a2));
        return err((int)ext2_write(&fs, &in, r->a1 == -1 ? in.size : (uint64_t)r->a1, r->win,
                                   (uint32_t)r->a2));
    case FS_STATAT:
        if ((e = path_of(r, 0, plen, path)))
            return e;
        if (pfl & ~(uint32_t)FS_O_NOFOLLOW)
            return ATH_EINVAL;
        if ((e = ext2_resolve_at(&fs, r->start, path, plen, r->flags | (pfl ? EXT2_NOFOLLOW : 0), &in)))
            return err(e);
        if (r->wlen < sizeof(fs_stat_t))
            return ATH_EINVAL;
        put_stat(r->win, &in);
        return 0;
    case FS_MKDIR:
    case FS_UNLINK:
    case FS_RMDIR:
    case FS_READLINK:
        if ((e = path_of(r, 0, r->a1, path)))
            return e;
        if (code == FS_MKDIR)
            return err(ext2_create(&fs, r->start, path, plen, r->flags, 0x41ed, &in));
        if (code == FS_UNLINK)
            return err(ext2_unlink(&fs, r->start, path, plen, r->flags));
        if (code == FS_RMDIR)
            return err(ext2_rmdir(&fs, r->start, path, plen, r->flags));
        if ((e = ext2_resolve_at(&fs, r->start, path, plen, r->flags | EXT2_NOFOLLOW, &in)))
            return err(e);
        if (!ext2_is_link(&in))
            return FS_EINVAL;
        int64_t n = ext2_readlink(&fs, &in, path2, sizeof path2);
        if (n < 0)
            return err((int)n);
        if ((uint64_t)n > r->wlen)
            return FS_ENAMETOOLONG;
        for (int64_t i = 0; i < n; i++)
            r->win[i] = (uint8_t)path2[i];
        return n;
    case FS_RENAME:
    case FS_LINK:
    case FS_SYMLINK: {
        uint32_t l1 = plen, l2 = pfl;
        if ((e = path_of(r, 0, l1, path)) || (e = path_of(r, l1, l2, path2)))
            return e;
        if (code == FS_SYMLINK)
            return err(ext2_symlink(&fs, r->start, path2, l2, r->flags, path, l1));
        /* the second directory: a2, a handle or 0 */
        uint32_t start2 = r->root;
        int flags = r->flags;
        if (r->a2) {
            node_t *n2 = req_node(r, r->a2);
            if (!n2)
                return FS_EBADF;
            start2 = n2->ino;
            flags = EXT2_BENEATH;
        }
        if (code == FS_RENAME)
            return err(ext2_rename(&fs, r->start, path, l1, start2, path2, l2, flags));
        return err(ext2_link(&fs, r->start, path, l1, start2, path2, l2, flags));
    }
    case FS_SYNC:
        return err(ext2_sync(&fs));
    }
    return ATH_EINVAL;
}

/* What each op needs lent: 0 nothing, 1 readable, 3 readable and writable. */
static const uint8_t lend_need[FS_NOPS] = {
    [FS_STAT] = 1, [FS_READ] = 3, [FS_LIST] = 3, [FS_OPEN] = 1, [FS_PREAD] = 3,
    [FS_PWRITE] = 1, [FS_FSTAT] = 3, [FS_STATAT] = 3, [FS_READDIR] = 3,
    [FS_MKDIR] = 1, [FS_UNLINK] = 1, [FS_RMDIR] = 1, [FS_RENAME] = 1, [FS_SYMLINK] = 1,
    [FS_READLINK] = 3, [FS_LINK] = 1,
};

/* Ops that change the file system: written back after each. */
static bool changes(uint32_t code)
{
    return code == FS_OPEN || code == FS_PWRITE || code == FS_TRUNCATE || code == FS_MKDIR ||
           code == FS_UNLINK || code == FS_RMDIR || code == FS_RENAME || code == FS_SYMLINK ||
           code == FS_LINK || code == FS_SETTIMES;
}

/* Directory endpoints: the manifest's "endpoint NAME handler=dirN" with
 * the ARG word "dirN=PATH" (N 0..3): the endpoint stands for directory
 * PATH, resolved at each request, and nothing leads above it (handle 0
 * there is EXT2_BENEATH too). A client granted only such an endpoint
 * reaches only that directory: this is the capability the kernel hands
 * out; handles opened through it are taken by it alone. */
#define NDIRS 4
static char dir_path[NDIRS][128];
static int32_t dir_len[NDIRS] = {-1, -1, -1, -1};

static void read_dirs(void)
{
    static bool done;
    char a[512];
    if (done)
        return;
    done = true;
    int32_t n = ath_args(a, sizeof a);
    for (int32_t i = 0; i < n;) {
        int32_t s = i;
        while (i < n && a[i] != ' ')
            i++;
        /* "dirN=PATH" */
        if (i - s > 5 && a[s] == 'd' && a[s + 1] == 'i' && a[s + 2] == 'r' && a[s + 3] >= '0' &&
            a[s + 3] < '0' + NDIRS && a[s + 4] == '=' && i - s - 5 < 128) {
            int k = a[s + 3] - '0';
            dir_len[k] = i - s - 5;
            for (int32_t j = 0; j < dir_len[k]; j++)
                dir_path[k][j] = a[s + 5 + j];
        }
        while (i < n && a[i] == ' ')
            i++;
    }
}

static int64_t serve(uint8_t ep, int64_t a0, int64_t a1, int64_t a2, int64_t lent);

/* Endpoint fs.root: op(FS_A0(code, handle), a1, a2, lent); the table in
 * sdk/include/fsproto.h and docs/storage.md. */
ATH_EXPORT("op") int64_t op(int64_t a0, int64_t a1, int64_t a2, int64_t lent)
{
    return serve(0, a0, a1, a2, lent);
}

ATH_EXPORT("dir0") int64_t dir0(int64_t a0, int64_t a1, int64_t a2, int64_t lent) { return serve(1, a0, a1, a2, lent); }
ATH_EXPORT("dir1") int64_t dir1(int64_t a0, int64_t a1, int64_t a2, int64_t lent) { return serve(2, a0, a1, a2, lent); }
ATH_EXPORT("dir2") int64_t dir2(int64_t a0, int64_t a1, int64_t a2, int64_t lent) { return serve(3, a0, a1, a2, lent); }
ATH_EXPORT("dir3") int64_t dir3(int64_t a0, int64_t a1, int64_t a2, int64_t lent) { return serve(4, a0, a1, a2, lent); }

static int64_t serve(uint8_t ep, int64_t a0, int64_t a1, int64_t a2, int64_t lent)
{
    int32_t e = ensure_mounted();
    if (e < 0)
        return e;
    uint32_t code = (uint32_t)(a0 & 0xff);
    int64_t h = a0 >> 8;
    if (code >= FS_NOPS || h < 0 || h > 0x7fffffff)
        return ATH_EINVAL;
    req_t r = {a1, a2, EXT2_ROOT, EXT2_ROOT, SCOPE(ep, 0), 0, 0, 0, 0, 0};
    int64_t badge = ath_call_badge();
    if (badge && (badge < 0 || badge > BADGE_MAX))
        return FS_EBADF;
    if (ep) {
        read_dirs();
        ext2_inode_t d;
        if (dir_len[ep - 1] < 0)
            return ATH_ESTOPPED;            /* no directory named for this endpoint */
        if ((e = ext2_resolve(&fs, EXT2_ROOT, dir_path[ep - 1], (uint32_t)dir_len[ep - 1], &d)))
            return err(e);
        if (!ext2_is_dir(&d))
            return FS_ENOTDIR;
        r.start = r.root = d.ino;
        r.flags = EXT2_BENEATH;
    }
    if (badge) {
        /* The badge's directory, a handle of this endpoint's, is the root
         * of everything the caller names. */
        node_t *base = node_get(badge, SCOPE(ep, 0));
        ext2_inode_t d;
        if (!base)
            return FS_EBADF;
        if ((e = ext2_inode(&fs, base->ino, &d)))
            return err(e);
        if (!ext2_is_dir(&d))
            return FS_ENOTDIR;
        r.start = r.root = base->ino;
        r.flags = EXT2_BENEATH;
        r.scope = SCOPE(ep, badge);
        r.badge = badge;
    }
    if (h) {
        if (!(r.node = req_node(&r, h)))
            return FS_EBADF;
        r.start = r.node->ino;
        r.flags = EXT2_BENEATH;
    }
    ext2_set_time(&fs, time_base + (uint32_t)(ath_uptime_ns() / 1000000000));
    uint32_t need = lend_need[code];
    if (need) {
        /* The lent capability must be a buffer with the rights the op
         * needs; it is mapped at the top of memory, where no larger
         * buffer fits (ath_lend_map). */
        int64_t info = ath_cap_info((ath_handle_t)lent);
        uint32_t want = ATH_R_MAP | (need & 1 ? ATH_R_READ : 0) | (need & 2 ? ATH_R_WRITE : 0);
        if (info < 0)
            return info;
        if ((info >> 32) != 3 || ((uint32_t)info & want) != want)
            return ATH_ERIGHTS;
        uint32_t pages = 0;
        int32_t off = ath_lend_map((ath_handle_t)lent, FS_LEND_PAGES, &pages);
        if (off < 0)
            return off;
        r.win = (uint8_t *)(uintptr_t)off;
        r.wlen = pages * ATH_PAGE;
    }
    int64_t res = do_op(code, &r);
    if (need)
        ath_buf_unmap((ath_handle_t)lent);
    if (changes(code) && fs.rw) {
        int w = ext2_writeback(&fs);
        if (w && res >= 0) {
            node_t *n = code == FS_OPEN ? node_get(res, r.scope) : 0;
            if (n)                          /* the caller never sees the handle */
                n->used = 0, n->gen++;
            res = FS_ERR(w);
        }
    }
    return res;
}
