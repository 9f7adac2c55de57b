/*
 * The file service domain (docs/storage.md), read side: an ext2 file
 * system on the disk behind the block driver's endpoint blk.io, served on
 * the endpoint fs.root. Requests name paths below the directory the
 * endpoint stands for (the root, for fs.root): "/", ".." and symlinks
 * never lead above it (ext2_resolve). Stateless: every request carries
 * its path, so there are no file handles to forge.
 *
 * Capabilities: blk.io (to call), fs.root (served), nothing else.
 *
 * Block reads go through a one-page buffer this domain owns and lends
 * writable to the driver for each call.
 */
#include <athanor.h>

#include "ext2.h"

#define SECTOR 512
#define IO_BYTES 4096
#define PATH_MAX_LEN 1024

/* Results (negative), beyond the ATH_E* codes: the ext2 errors - 200. */
#define FS_ERR(e) ((e) - 200)

enum { OP_STAT = 0, OP_READ = 1, OP_LIST = 2 };

static uint8_t io_page[IO_BYTES] __attribute__((aligned(ATH_PAGE)));
static uint8_t req_page[16 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ext2_t fs;
static ath_handle_t blk = -1, iobuf = -1;
static bool mounted;
static int32_t mount_err;

/* Sectors [sector, sector + n) (n <= 8) into io_page. */
static int blk_read(uint64_t sector, uint32_t n)
{
    int64_t r = -1;
    int32_t e = ath_call_lend(blk, iobuf, ATH_R_READ | ATH_R_WRITE, 0, (int64_t)sector, n, &r);
    if (e == ATH_ESTALE || e == ATH_EREVOKED) {
        /* the driver was restarted: its endpoint was issued again */
        if ((blk = ath_cap_find("blk.io")) < 0)
            return blk;
        e = ath_call_lend(blk, iobuf, ATH_R_READ | ATH_R_WRITE, 0, (int64_t)sector, n, &r);
    }
    return e < 0 ? e : (int)r;
}

/* ext2's device: any byte range, through whole sectors. */
static int dev_read(void *ctx, uint64_t off, void *buf, uint32_t len)
{
    (void)ctx;
    uint8_t *out = buf;
    while (len) {
        uint64_t sector = off / SECTOR;
        uint32_t skip = (uint32_t)(off % SECTOR);
        uint32_t n = (skip + len + SECTOR - 1) / SECTOR;
        if (n > IO_BYTES / SECTOR)
            n = IO_BYTES / SECTOR;
        if (blk_read(sector, n) != 0)
            return -1;
        uint32_t got = n * SECTOR - skip;
        if (got > len)
            got = len;
        for (uint32_t i = 0; i < got; i++)
            out[i] = ((volatile uint8_t *)io_page)[skip + i];
        out += got;
        off += got;
        len -= got;
    }
    return 0;
}

static int32_t ensure_mounted(void)
{
    if (mounted)
        return 0;
    if (blk < 0 && (blk = ath_cap_find("blk.io")) < 0)
        return blk;
    if (iobuf < 0) {
        if ((iobuf = ath_buf_new(1)) < 0)
            return iobuf;
        int32_t e = ath_buf_map(iobuf, (uint32_t)(uintptr_t)io_page);
        if (e < 0)
            return e;
    }
    int e = ext2_mount(&fs, dev_read, 0);
    if (e) {
        mount_err = FS_ERR(e);
        return mount_err;
    }
    mounted = true;
    ath_print("fs: ext2 mounted: ");
    ath_print_int(fs.block_size);
    ath_print("-byte blocks, ");
    ath_print_int(fs.blocks_count);
    ath_print(" blocks, ");
    ath_print_int(fs.inodes_count);
    ath_print(" inodes\n");
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

/* Endpoint fs.root: op(code, path_len, arg, lent) with the path in the
 * first path_len bytes of the lent buffer (mapped readable; writable for
 * READ and LIST, which put their answer there):
 *   STAT (0): the file's size << 8 | type (1 file, 2 directory, 7 symlink)
 *   READ (1): up to the buffer's first page of bytes from offset arg: how many
 *   LIST (2): entry number arg of the directory: its name in the buffer,
 *             result its length | type << 16; FS_ERR(ENOENT) past the end.
 * Errors: ATH_E* (bad request), FS_ERR(EXT2_E*) (file system). */
ATH_EXPORT("op") int64_t op(int64_t code, int64_t path_len, int64_t arg, int64_t lent)
{
    int32_t e = ensure_mounted();
    if (e < 0)
        return e;
    if (path_len < 0 || path_len > PATH_MAX_LEN || code < 0 || code > OP_LIST)
        return ATH_EINVAL;
    int64_t info = ath_cap_info((ath_handle_t)lent);
    uint32_t need = ATH_R_READ | ATH_R_MAP | (code != OP_STAT ? ATH_R_WRITE : 0);
    if (info < 0)
        return info;
    if ((info >> 32) != 3 || ((uint32_t)info & need) != need)
        return ATH_ERIGHTS;
    if ((e = ath_buf_map((ath_handle_t)lent, (uint32_t)(uintptr_t)req_page)) < 0)
        return e;
    char path[PATH_MAX_LEN];
    for (int64_t i = 0; i < path_len; i++)
        path[i] = (char)((volatile uint8_t *)req_page)[i];
    ext2_inode_t in;
    int64_t r = ext2_resolve(&fs, EXT2_ROOT, path, (uint32_t)path_len, &in);
    if (r == 0) {
        if (code == OP_STAT) {
            uint8_t t = ext2_is_dir(&in) ? 2 : ext2_is_link(&in) ? 7 : 1;
            r = (int64_t)(in.size << 8 | t);
        } else if (code == OP_READ) {
            if (ext2_is_dir(&in))
                r = FS_ERR(EXT2_EISDIR);
            else if (arg < 0)
                r = ATH_EINVAL;
            else
                r = ext2_read(&fs, &in, (uint64_t)arg, (void *)req_page, ATH_PAGE);
            if (r < 0 && r > -100)
                r = FS_ERR(r);
        } else {
            nth_t n = {(uint32_t)arg, 0, 0, {0}, 0, false};
            r = arg < 0 ? ATH_EINVAL : ext2_readdir(&fs, &in, nth_rec, &n);
            if (r >= 0 && !n.found) {
                r = FS_ERR(EXT2_ENOENT);
            } else if (r >= 0) {
                for (uint32_t i = 0; i < n.len; i++)
                    ((volatile uint8_t *)req_page)[i] = (uint8_t)n.name[i];
                r = (int64_t)n.len | (int64_t)n.type << 16;
            } else if (r > -100) {
                r = FS_ERR(r);
            }
        }
    } else {
        r = FS_ERR(r);
    }
    ath_buf_unmap((ath_handle_t)lent);
    return r;
}
