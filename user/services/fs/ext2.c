/* ext2, read and write (ext2.h). Layout facts: the ext2 specification
 * ("The Second Extended File System", Poirier) and e2fsprogs' on-disk
 * format; all fields little-endian. */
#include "ext2.h"

#define SB_OFF 1024
#define EXT2_MAGIC 0xef53
#define INCOMPAT_FILETYPE 0x0002
#define RO_COMPAT_KNOWN 0x0003  /* sparse_super, large_file */
#define RO_COMPAT_LARGE_FILE 0x0002
#define INDEX_FL 0x1000         /* hashed directory (dir_index) */
#define MAX_SYMLINKS 8
#define MAX_COMPONENTS 64
#define MAX_LINKS 32000

/* Write classes, written in this order (ext2.h). */
enum { C_ALLOC = 0, C_DATA = 1, C_INODE = 2, C_DIR = 3, NCLASS = 4 };

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void st16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* memory.fill and memory.copy in the service (Wasm bulk memory, which the
 * engine has): a byte loop costs the file path more than the device. */
#ifdef __wasm__
#define BULK __attribute__((target("bulk-memory")))
#else
#define BULK
#endif

BULK static void zero(void *d, uint32_t n)
{
    __builtin_memset(d, 0, n);
}

BULK static void copy(void *d, const void *s, uint32_t n)
{
    __builtin_memcpy(d, s, n);
}

static bool same(const char *a, const char *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* ---- the block cache ---- */

static int dev_write(ext2_t *fs, int i)
{
    int e = fs->write(fs->ctx, (uint64_t)fs->cb[i].blk * fs->block_size, fs->cdata[i], fs->block_size);
    if (e == EXT2_EROFS) {
        /* Nothing can be written: forget every change, so what is served
         * is what the disk holds. */
        fs->rw = false;
        for (int k = 0; k < EXT2_CACHE; k++)
            if (fs->cb[k].dirty)
                fs->cb[k].valid = 0, fs->cb[k].dirty = 0;
        fs->npend_blk = fs->npend_ino = 0;
        return EXT2_EROFS;
    }
    if (e < 0)
        return EXT2_EIO;
    fs->cb[i].dirty = 0;
    return EXT2_OK;
}

/* Writes the dirty blocks of the classes below cls. */
static int write_below(ext2_t *fs, int cls)
{
    for (int c = 0; c < cls; c++)
        for (int i = 0; i < EXT2_CACHE; i++)
            if (fs->cb[i].valid && fs->cb[i].dirty == c + 1) {
                int e = dev_write(fs, i);
                if (e)
                    return e;
            }
    return EXT2_OK;
}

/* The cache slot holding block b, or -1. hint[] remembers the slot each
 * block was last found in (by its low bits): most lookups take one
 * compare instead of a walk over every slot. A hint is only a guess,
 * checked before use. */
static int cslot(ext2_t *fs, uint32_t b)
{
    int i = fs->hint[b % EXT2_HINTS];
    if (i < EXT2_CACHE && fs->cb[i].valid && fs->cb[i].blk == b)
        return i;
    for (i = 0; i < EXT2_CACHE; i++)
        if (fs->cb[i].valid && fs->cb[i].blk == b) {
            fs->hint[b % EXT2_HINTS] = (uint8_t)i;
            return i;
        }
    return -1;
}

/* Block b in the cache (zeroed instead of read when fresh): its bytes, or
 * 0 with *err set. A pointer stays good until the next cget. */
static uint8_t *cget_raw(ext2_t *fs, uint32_t b, bool fresh, int *err)
{
    int victim = cslot(fs, b);
    if (victim >= 0) {
        fs->cb[victim].used = ++fs->tick;
        if (fresh)
            zero(fs->cdata[victim], fs->block_size);
        return fs->cdata[victim];
    }
    victim = 0;     /* the first free slot, else the least recently used */
    for (int i = 1; i < EXT2_CACHE; i++)
        if (!fs->cb[victim].valid)
            break;
        else if (!fs->cb[i].valid || fs->cb[i].used < fs->cb[victim].used)
            victim = i;
    ext2_cblock_t *v = &fs->cb[victim];
    if (v->valid && v->dirty) {
        int e = write_below(fs, v->dirty - 1);
        if (!e && v->valid && v->dirty)
            e = dev_write(fs, victim);
        if (e) {
            *err = e;
            return 0;
        }
    }
    v->valid = 0;
    if (fresh) {
        zero(fs->cdata[victim], fs->block_size);
    } else if (fs->read(fs->ctx, (uint64_t)b * fs->block_size, fs->cdata[victim], fs->block_size) < 0) {
        *err = EXT2_EIO;
        return 0;
    }
    v->blk = b;
    v->valid = 1;
    v->dirty = 0;
    v->used = ++fs->tick;
    fs->hint[b % EXT2_HINTS] = (uint8_t)victim;
    return fs->cdata[victim];
}

/* A block of the file system proper (not 0, inside the disk). */
static uint8_t *cget(ext2_t *fs, uint32_t b, int *err)
{
    if (b == 0 || b >= fs->blocks_count) {
        *err = EXT2_ECORRUPT;
        return 0;
    }
    return cget_raw(fs, b, false, err);
}

/* Marks cached block b dirty in class cls (the earliest class wins). */
static void dirty(ext2_t *fs, uint32_t b, int cls)
{
    int i = cslot(fs, b);
    if (i >= 0 && (!fs->cb[i].dirty || fs->cb[i].dirty > cls + 1))
        fs->cb[i].dirty = (uint8_t)(cls + 1);
}

/* ---- mount ---- */

int ext2_mount(ext2_t *fs, ext2_read_fn read, void *ctx)
{
    uint8_t sb[1024];
    zero(fs, sizeof *fs);
    fs->read = read;
    fs->ctx = ctx;
    if (read(ctx, SB_OFF, sb, sizeof sb) < 0)
        return EXT2_EIO;
    if (le16(sb + 56) != EXT2_MAGIC)
        return EXT2_ECORRUPT;
    uint32_t log = le32(sb + 24);
    if (log > 2)
        return EXT2_EUNSUPP;        /* blocks over 4 KiB */
    fs->block_size = 1024u << log;
    fs->inodes_count = le32(sb + 0);
    fs->blocks_count = le32(sb + 4);
    fs->first_data_block = le32(sb + 20);
    fs->blocks_per_group = le32(sb + 32);
    fs->inodes_per_group = le32(sb + 40);
    fs->rev = le32(sb + 76);
    fs->inode_size = fs->rev >= 1 ? le16(sb + 88) : 128;
    fs->first_ino = fs->rev >= 1 ? le32(sb + 84) : 11;
    fs->incompat = fs->rev >= 1 ? le32(sb + 96) : 0;
    fs->ro_compat = fs->rev >= 1 ? le32(sb + 100) : 0;
    if (fs->rev > 1)
        return EXT2_EUNSUPP;
    if (fs->incompat & ~(uint32_t)INCOMPAT_FILETYPE)
        return EXT2_EUNSUPP;        /* compression, journal recovery, extents, ... */
    if (fs->blocks_count == 0 || fs->inodes_count == 0 || fs->blocks_per_group == 0 ||
        fs->inodes_per_group == 0 || fs->first_data_block >= fs->blocks_count ||
        fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u) ||
        fs->blocks_per_group > 8 * fs->block_size || fs->inodes_per_group > 8 * fs->block_size ||
        fs->inode_size < 128 || fs->inode_size > fs->block_size ||
        (fs->inode_size & (fs->inode_size - 1)) || fs->first_ino < 11 ||
        fs->first_ino > fs->inodes_count)
        return EXT2_ECORRUPT;
    fs->ngroups = (fs->blocks_count - fs->first_data_block + fs->blocks_per_group - 1) /
                  fs->blocks_per_group;
    if ((uint64_t)fs->ngroups * fs->inodes_per_group < fs->inodes_count)
        return EXT2_ECORRUPT;
    fs->gd_block = fs->first_data_block + 1;
    /* the descriptor table must fit the disk */
    uint64_t gd_end = fs->gd_block + ((uint64_t)fs->ngroups * 32 + fs->block_size - 1) / fs->block_size;
    if (gd_end > fs->blocks_count)
        return EXT2_ECORRUPT;
    fs->gd_end = (uint32_t)gd_end;
    fs->sb_block = SB_OFF / fs->block_size;
    fs->sb_off = SB_OFF % fs->block_size;
    return EXT2_OK;
}

int ext2_mount_rw(ext2_t *fs, ext2_read_fn read, ext2_write_fn write, ext2_flush_fn flush, void *ctx)
{
    int e = ext2_mount(fs, read, ctx);
    if (e)
        return e;
    fs->write = write;
    fs->flush = flush;
    /* Features this code cannot keep right (checksums, huge files, ...):
     * read-only. */
    fs->rw = write && !(fs->ro_compat & ~(uint32_t)RO_COMPAT_KNOWN);
    return EXT2_OK;
}

static uint8_t *sb_get(ext2_t *fs, int *err)
{
    uint8_t *p = cget_raw(fs, fs->sb_block, false, err);
    return p ? p + fs->sb_off : 0;
}

uint32_t ext2_wtime(ext2_t *fs)
{
    int e;
    uint8_t *sb = sb_get(fs, &e);
    return sb ? le32(sb + 48) : 0;
}

uint32_t ext2_free_blocks(ext2_t *fs)
{
    int e;
    uint8_t *sb = sb_get(fs, &e);
    return sb ? le32(sb + 12) : 0;
}

/* Group g's descriptor (32 bytes in the cache); *blk its block. */
static uint8_t *gd_get(ext2_t *fs, uint32_t g, uint32_t *blk, int *err)
{
    uint64_t off = (uint64_t)g * 32;
    *blk = fs->gd_block + (uint32_t)(off / fs->block_size);
    uint8_t *p = cget(fs, *blk, err);
    return p ? p + off % fs->block_size : 0;
}

/* ---- inodes ---- */

static uint8_t *inode_raw(ext2_t *fs, uint32_t ino, uint32_t *blk, int *err)
{
    if (ino == 0 || ino > fs->inodes_count) {
        *err = EXT2_ECORRUPT;
        return 0;
    }
    uint32_t g = (ino - 1) / fs->inodes_per_group, idx = (ino - 1) % fs->inodes_per_group;
    uint32_t gdb;
    uint8_t *gd = gd_get(fs, g, &gdb, err);
    if (!gd)
        return 0;
    uint32_t table = le32(gd + 8);
    uint64_t table_bytes = (uint64_t)fs->inodes_per_group * fs->inode_size;
    if (table == 0 || table >= fs->blocks_count ||
        table + (table_bytes + fs->block_size - 1) / fs->block_size > fs->blocks_count) {
        *err = EXT2_ECORRUPT;
        return 0;
    }
    uint64_t off = (uint64_t)idx * fs->inode_size;
    *blk = table + (uint32_t)(off / fs->block_size);
    uint8_t *p = cget(fs, *blk, err);
    return p ? p + off % fs->block_size : 0;
}

static uint64_t max_blocks(ext2_t *fs)
{
    uint64_t per = fs->block_size / 4;
    return 12 + per + per * per + per * per * per;
}

int ext2_inode(ext2_t *fs, uint32_t ino, ext2_inode_t *out)
{
    int e = EXT2_OK;
    uint32_t blk;
    uint8_t *raw = inode_raw(fs, ino, &blk, &e);
    if (!raw)
        return e;
    zero(out, sizeof *out);
    out->ino = ino;
    out->mode = le16(raw + 0);
    out->size = le32(raw + 4);
    out->atime = le32(raw + 8);
    out->ctime = le32(raw + 12);
    out->mtime = le32(raw + 16);
    out->dtime = le32(raw + 20);
    out->links = le16(raw + 26);
    out->sectors = le32(raw + 28);
    out->flags = le32(raw + 32);
    for (int i = 0; i < 15; i++)
        out->blocks[i] = le32(raw + 40 + 4 * i);
    if (fs->rev >= 1 && (out->mode & 0xf000) == 0x8000)
        out->size |= (uint64_t)le32(raw + 108) << 32;
    /* a size no block map of this file system can reach */
    if (out->size > max_blocks(fs) * fs->block_size)
        return EXT2_ECORRUPT;
    /* a directory or link has no holes: it cannot be larger than the disk
     * (a file can: a sparse one) */
    if ((out->mode & 0xf000) != 0x8000 && out->size > (uint64_t)fs->blocks_count * fs->block_size)
        return EXT2_ECORRUPT;
    if (out->flags & 0x00080000)
        return EXT2_EUNSUPP;        /* extents (ext4) */
    return EXT2_OK;
}

int ext2_put_inode(ext2_t *fs, const ext2_inode_t *in)
{
    if (!fs->rw)
        return EXT2_EROFS;
    int e = EXT2_OK;
    uint32_t blk;
    uint8_t *raw = inode_raw(fs, in->ino, &blk, &e);
    if (!raw)
        return e;
    st16(raw + 0, in->mode);
    st32(raw + 4, (uint32_t)in->size);
    st32(raw + 8, in->atime);
    st32(raw + 12, in->ctime);
    st32(raw + 16, in->mtime);
    st32(raw + 20, in->dtime);
    st16(raw + 26, in->links);
    st32(raw + 28, in->sectors);
    st32(raw + 32, in->flags);
    for (int i = 0; i < 15; i++)
        st32(raw + 40 + 4 * i, in->blocks[i]);
    if (fs->rev >= 1 && (in->mode & 0xf000) == 0x8000)
        st32(raw + 108, (uint32_t)(in->size >> 32));
    dirty(fs, blk, C_INODE);
    return EXT2_OK;
}

/* ---- allocation ---- */

/* Is block b one of the file system's own (superblock, descriptors, a
 * group's bitmaps or inode table)? Guards against a bitmap that says so. */
static bool is_meta(ext2_t *fs, uint32_t g, uint32_t b)
{
    if (b < fs->gd_end)
        return true;
    uint32_t gdb;
    int e;
    uint8_t *gd = gd_get(fs, g, &gdb, &e);
    if (!gd)
        return true;
    uint32_t it = le32(gd + 8);
    uint64_t itb = ((uint64_t)fs->inodes_per_group * fs->inode_size + fs->block_size - 1) / fs->block_size;
    return b == le32(gd) || b == le32(gd + 4) || (b >= it && b < it + itb);
}

/* Adds delta to a 16-bit group count (offset at) and the superblock's
 * 32-bit count (offset sat; 0: none). */
static int count(ext2_t *fs, uint32_t g, uint32_t at, uint32_t sat, int delta)
{
    int e = EXT2_OK;
    uint32_t gdb;
    uint8_t *gd = gd_get(fs, g, &gdb, &e);
    if (!gd)
        return e;
    uint32_t v = le16(gd + at);
    if ((delta < 0 && v == 0) || (delta > 0 && v == 0xffff))
        return EXT2_ECORRUPT;
    st16(gd + at, v + (uint32_t)delta);
    dirty(fs, gdb, C_ALLOC);
    if (sat) {
        uint8_t *sb = sb_get(fs, &e);
        if (!sb)
            return e;
        v = le32(sb + sat);
        if (!(delta < 0 && v == 0))
            st32(sb + sat, v + (uint32_t)delta);
        dirty(fs, fs->sb_block, C_ALLOC);
    }
    return EXT2_OK;
}

/* Finds and sets a clear bit among the first n of bitmap block bm: its
 * index, or -1. */
static int64_t take_bit(ext2_t *fs, uint32_t bm, uint32_t n, int *err)
{
    uint8_t *p = cget(fs, bm, err);
    if (!p)
        return -2;
    for (uint32_t i = 0; i < n; i++)
        if (!(p[i / 8] & (1 << (i % 8)))) {
            p[i / 8] |= (uint8_t)(1 << (i % 8));
            dirty(fs, bm, C_ALLOC);
            return i;
        }
    return -1;
}

/* A free block, zeroed in the cache (class C_DATA), near group goal. */
static int64_t alloc_block(ext2_t *fs, uint32_t goal)
{
    for (uint32_t k = 0; k < fs->ngroups; k++) {
        uint32_t g = (goal + k) % fs->ngroups, gdb;
        int e = EXT2_OK;
        uint8_t *gd = gd_get(fs, g, &gdb, &e);
        if (!gd)
            return e;
        if (le16(gd + 12) == 0)
            continue;
        uint32_t bm = le32(gd + 0);
        uint32_t first = fs->first_data_block + g * fs->blocks_per_group;
        uint32_t n = fs->blocks_count - first;
        if (n > fs->blocks_per_group)
            n = fs->blocks_per_group;
        int64_t i = take_bit(fs, bm, n, &e);
        if (i == -2)
            return e;
        if (i < 0)
            continue;
        uint32_t b = first + (uint32_t)i;
        if (is_meta(fs, g, b))
            return EXT2_ECORRUPT;   /* the bitmap offers the file system's own blocks */
        if ((e = count(fs, g, 12, 12, -1)))
            return e;
        uint8_t *p = cget_raw(fs, b, true, &e);
        if (!p)
            return e;
        dirty(fs, b, C_DATA);
        return b;
    }
    return EXT2_ENOSPC;
}

/* A free inode near group goal, zeroed on disk image (in the cache). */
static int64_t alloc_inode(ext2_t *fs, uint32_t goal, bool dir)
{
    for (uint32_t k = 0; k < fs->ngroups; k++) {
        uint32_t g = (goal + k) % fs->ngroups, gdb;
        int e = EXT2_OK;
        uint8_t *gd = gd_get(fs, g, &gdb, &e);
        if (!gd)
            return e;
        if (le16(gd + 14) == 0)
            continue;
        uint32_t bm = le32(gd + 4);
        uint32_t n = fs->inodes_per_group;
        if ((uint64_t)g * n + n > fs->inodes_count)
            n = fs->inodes_count - g * n;
        uint8_t *p = cget(fs, bm, &e);
        if (!p)
            return e;
        int64_t found = -1;
        for (uint32_t i = 0; i < n && found < 0; i++) {
            uint32_t ino = g * fs->inodes_per_group + i + 1;
            if (ino >= fs->first_ino && !(p[i / 8] & (1 << (i % 8)))) {
                p[i / 8] |= (uint8_t)(1 << (i % 8));
                dirty(fs, bm, C_ALLOC);
                found = ino;
            }
        }
        if (found < 0)
            continue;
        if ((e = count(fs, g, 14, 16, -1)) || (dir && (e = count(fs, g, 16, 0, 1))))
            return e;
        uint32_t blk;
        uint8_t *raw = inode_raw(fs, (uint32_t)found, &blk, &e);
        if (!raw)
            return e;
        zero(raw, fs->inode_size);
        if (fs->inode_size > 128)
            st16(raw + 128, 32);    /* i_extra_isize: the fields ext4 defines */
        dirty(fs, blk, C_INODE);
        return found;
    }
    return EXT2_ENOSPC;
}

/* Clears bit i of bitmap bm: true if it was set. */
static bool clear_bit(ext2_t *fs, uint32_t bm, uint32_t i, int *err)
{
    uint8_t *p = cget(fs, bm, err);
    if (!p || !(p[i / 8] & (1 << (i % 8))))
        return false;
    p[i / 8] &= (uint8_t) ~(1 << (i % 8));
    dirty(fs, bm, C_ALLOC);
    return true;
}

/* Puts the deferred frees into the bitmaps. */
static int apply_frees(ext2_t *fs)
{
    int e = EXT2_OK;
    while (fs->npend_blk) {
        uint32_t b = fs->pend_blk[fs->npend_blk - 1];
        uint32_t g = (b - fs->first_data_block) / fs->blocks_per_group, gdb;
        uint8_t *gd = gd_get(fs, g, &gdb, &e);
        if (!gd)
            return e;
        uint32_t bm = le32(gd);
        if (clear_bit(fs, bm, (b - fs->first_data_block) % fs->blocks_per_group, &e) &&
            (e = count(fs, g, 12, 12, 1)))
            return e;
        if (e)
            return e;
        fs->npend_blk--;
    }
    while (fs->npend_ino) {
        uint32_t w = fs->pend_ino[fs->npend_ino - 1], ino = w & 0x7fffffff;
        uint32_t g = (ino - 1) / fs->inodes_per_group, gdb;
        uint8_t *gd = gd_get(fs, g, &gdb, &e);
        if (!gd)
            return e;
        uint32_t bm = le32(gd + 4);
        if (clear_bit(fs, bm, (ino - 1) % fs->inodes_per_group, &e)) {
            if ((e = count(fs, g, 14, 16, 1)))
                return e;
            if ((w >> 31) && (e = count(fs, g, 16, 0, -1)))
                return e;
        }
        if (e)
            return e;
        fs->npend_ino--;
    }
    return EXT2_OK;
}

int ext2_writeback(ext2_t *fs)
{
    if (!fs->write)
        return EXT2_OK;
    int e = write_below(fs, NCLASS);
    if (e)
        return e;
    if (!fs->npend_blk && !fs->npend_ino)
        return EXT2_OK;
    if ((e = apply_frees(fs)))
        return e;
    return write_below(fs, NCLASS);
}

int ext2_sync(ext2_t *fs)
{
    int e = EXT2_OK;
    uint8_t *sb = fs->rw ? sb_get(fs, &e) : 0;
    if (sb && le32(sb + 48) != fs->now) {
        st32(sb + 48, fs->now);     /* s_wtime */
        dirty(fs, fs->sb_block, C_ALLOC);
    }
    e = ext2_writeback(fs);
    if (e || !fs->flush)
        return e;
    e = fs->flush(fs->ctx);
    return e == EXT2_EROFS ? EXT2_OK : e < 0 ? EXT2_EIO : EXT2_OK;
}

static int free_block(ext2_t *fs, ext2_inode_t *in, uint32_t b)
{
    if (b < fs->first_data_block || b >= fs->blocks_count)
        return EXT2_ECORRUPT;
    if (fs->npend_blk == sizeof fs->pend_blk / sizeof fs->pend_blk[0]) {
        /* the list is full: what points to them first, then the bitmaps */
        int e = ext2_put_inode(fs, in);
        if (e || (e = ext2_writeback(fs)))
            return e;
    }
    fs->pend_blk[fs->npend_blk++] = b;
    if (in->sectors >= fs->block_size / 512)
        in->sectors -= fs->block_size / 512;
    return EXT2_OK;
}

static int free_inode(ext2_t *fs, uint32_t ino, bool dir)
{
    if (fs->npend_ino == sizeof fs->pend_ino / sizeof fs->pend_ino[0]) {
        int e = ext2_writeback(fs);
        if (e)
            return e;
    }
    fs->pend_ino[fs->npend_ino++] = ino | (dir ? 1u << 31 : 0);
    if (fs->on_free)
        fs->on_free(fs->on_free_arg, ino);
    return EXT2_OK;
}

/* ---- block maps ---- */

/* The disk block holding file block n of in: 0 for a hole (allocated,
 * with in updated, when alloc), or < 0. */
static int64_t bmap(ext2_t *fs, ext2_inode_t *in, uint64_t n, bool alloc)
{
    uint64_t per = fs->block_size / 4;
    uint32_t goal = (in->ino - 1) / fs->inodes_per_group;
    uint32_t *slot;
    int depth;
    if (n < 12) {
        slot = &in->blocks[n], depth = 0;
    } else if ((n -= 12) < per) {
        slot = &in->blocks[12], depth = 1;
    } else if ((n -= per) < per * per) {
        slot = &in->blocks[13], depth = 2;
    } else {
        n -= per * per;
        if (n >= per * per * per)
            return alloc ? EXT2_EFBIG : EXT2_ECORRUPT;
        slot = &in->blocks[14], depth = 3;
    }
    uint32_t b = *slot;
    if (b >= fs->blocks_count)
        return EXT2_ECORRUPT;
    if (b == 0) {
        if (!alloc)
            return 0;
        int64_t nb = alloc_block(fs, goal);
        if (nb < 0)
            return nb;
        b = *slot = (uint32_t)nb;
        in->sectors += fs->block_size / 512;
    }
    for (int d = depth; d > 0; d--) {
        uint64_t span = 1;
        for (int i = 1; i < d; i++)
            span *= per;
        uint32_t at = (uint32_t)(4 * ((n / span) % per));
        n %= span;
        int e = EXT2_OK;
        uint8_t *p = cget(fs, b, &e);
        if (!p)
            return e;
        uint32_t next = le32(p + at);
        if (next >= fs->blocks_count)
            return EXT2_ECORRUPT;
        if (next == 0) {
            if (!alloc)
                return 0;
            int64_t nb = alloc_block(fs, goal);
            if (nb < 0)
                return nb;
            next = (uint32_t)nb;
            in->sectors += fs->block_size / 512;
            if (!(p = cget(fs, b, &e)))
                return e;
            st32(p + at, next);
            dirty(fs, b, C_DATA);
        }
        b = next;
    }
    return b;
}

/* The block-map entries of file blocks n and on, from n >= 12 to the end
 * of the indirect block that maps n: that block's bytes, with *idx n's
 * entry in it. NULL for a hole on the way (*err EXT2_OK) or an error.
 * Good until the next cget. */
static const uint8_t *map_leaf(ext2_t *fs, const ext2_inode_t *in, uint64_t n, uint32_t *idx, int *err)
{
    uint64_t per = fs->block_size / 4;
    uint32_t b;
    int depth;
    *err = EXT2_OK;
    if ((n -= 12) < per) {
        b = in->blocks[12], depth = 1;
    } else if ((n -= per) < per * per) {
        b = in->blocks[13], depth = 2;
    } else {
        n -= per * per;
        if (n >= per * per * per) {
            *err = EXT2_ECORRUPT;
            return 0;
        }
        b = in->blocks[14], depth = 3;
    }
    for (int d = depth; d > 0; d--) {
        if (b >= fs->blocks_count)
            *err = EXT2_ECORRUPT;
        if (b == 0 || b >= fs->blocks_count)
            return 0;
        const uint8_t *p = cget(fs, b, err);
        if (!p || d == 1) {
            *idx = (uint32_t)(n % per);
            return p;
        }
        uint64_t span = d == 3 ? per * per : per;
        b = le32(p + 4 * ((n / span) % per));
        n %= span;
    }
    return 0;
}

/* How many of the n blocks from b on come before the first the cache
 * holds dirty (newer than the disk; a clean one equals the disk's). */
static uint32_t clean_run(const ext2_t *fs, uint32_t b, uint32_t n)
{
    for (int i = 0; i < EXT2_CACHE; i++)
        if (fs->cb[i].valid && fs->cb[i].dirty && fs->cb[i].blk >= b && fs->cb[i].blk - b < n)
            n = fs->cb[i].blk - b;
    return n;
}

/* File block n of in is disk block b, and up to max whole blocks are
 * wanted: reads the blocks from b on that follow it on the disk and that
 * the cache does not hold dirty (up to EXT2_RUN_MAX) with one device read
 * into out, none of them cached (a streamed file would only push the
 * metadata out), and returns how many; 0 when b is dirty in the cache, or
 * < 0. The entries come from one block-map array at a time (the inode's,
 * then each indirect block's), not from a walk per block. */
static int64_t read_run(ext2_t *fs, const ext2_inode_t *in, uint64_t n, uint32_t b, uint32_t max, uint8_t *out)
{
    if (b >= fs->blocks_count)
        return EXT2_ECORRUPT;
    if (max > EXT2_RUN_MAX)
        max = EXT2_RUN_MAX;
    uint32_t run = 1;
    const uint8_t *leaf = 0;
    uint32_t idx = 0, per = fs->block_size / 4;
    while (run < max) {
        uint64_t k = n + run;
        uint32_t nb;
        if (k < 12) {
            nb = in->blocks[k];
        } else {
            if (!leaf || ++idx == per) {
                int e;
                if (!(leaf = map_leaf(fs, in, k, &idx, &e))) {
                    if (e)
                        return e;
                    break;      /* a hole */
                }
            }
            nb = le32(leaf + 4 * idx);
        }
        if (nb != b + run || nb >= fs->blocks_count)
            break;
        run++;
    }
    if ((run = clean_run(fs, b, run)) == 0)
        return 0;
    if (fs->read(fs->ctx, (uint64_t)b * fs->block_size, out, run * fs->block_size) < 0)
        return EXT2_EIO;
    return run;
}

int64_t ext2_read(ext2_t *fs, const ext2_inode_t *in, uint64_t off, void *buf, uint32_t len)
{
    uint8_t *out = buf;
    if (ext2_is_link(in) && in->size < 60)
        return EXT2_EINVAL;         /* a fast symlink has no blocks */
    if (off >= in->size)
        return 0;
    if (len > in->size - off)
        len = (uint32_t)(in->size - off);
    ext2_inode_t tmp = *in;         /* bmap without alloc does not change it */
    uint32_t done = 0;
    int64_t run;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t in_block = (uint32_t)(pos % fs->block_size);
        uint32_t n = fs->block_size - in_block;
        if (n > len - done)
            n = len - done;
        int64_t b = bmap(fs, &tmp, pos / fs->block_size, false);
        if (b < 0)
            return b;
        if (b == 0) {
            zero(out + done, n);
        } else if (n == fs->block_size && (run = read_run(fs, &tmp, pos / fs->block_size, (uint32_t)b,
                                                          (len - done) / fs->block_size, out + done)) != 0) {
            if (run < 0)
                return run;
            n = (uint32_t)run * fs->block_size;
        } else {
            int e = EXT2_OK;
            uint8_t *p = cget(fs, (uint32_t)b, &e);
            if (!p)
                return e;
            copy(out + done, p + in_block, n);
        }
        done += n;
    }
    return done;
}

static uint64_t max_size(ext2_t *fs)
{
    uint64_t m = max_blocks(fs) * fs->block_size;
    if (!(fs->ro_compat & RO_COMPAT_LARGE_FILE) && m > 0x7fffffffu)
        m = 0x7fffffffu;
    return m;
}

/* Zeroes file bytes [from, end of its block) if the block is there. */
static int zero_tail(ext2_t *fs, ext2_inode_t *in, uint64_t from)
{
    uint32_t at = (uint32_t)(from % fs->block_size);
    if (at == 0)
        return EXT2_OK;
    int64_t b = bmap(fs, in, from / fs->block_size, false);
    if (b <= 0)
        return (int)b;
    int e = EXT2_OK;
    uint8_t *p = cget(fs, (uint32_t)b, &e);
    if (!p)
        return e;
    zero(p + at, fs->block_size - at);
    dirty(fs, (uint32_t)b, C_DATA);
    return EXT2_OK;
}

int64_t ext2_write(ext2_t *fs, ext2_inode_t *in, uint64_t off, const void *buf, uint32_t len)
{
    const uint8_t *src = buf;
    if (!fs->rw)
        return EXT2_EROFS;
    if (ext2_is_dir(in))
        return EXT2_EISDIR;
    if (!ext2_is_reg(in))
        return EXT2_EINVAL;
    if (off > max_size(fs) || len > max_size(fs) - off)
        return EXT2_EFBIG;
    int e = EXT2_OK;
    if (off > in->size && (e = zero_tail(fs, in, in->size)))
        return e;
    uint32_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t in_block = (uint32_t)(pos % fs->block_size);
        uint32_t n = fs->block_size - in_block;
        if (n > len - done)
            n = len - done;
        int64_t b = bmap(fs, in, pos / fs->block_size, true);
        if (b < 0) {
            e = (int)b;
            break;
        }
        if (b == 0) {
            e = EXT2_ECORRUPT;
            break;
        }
        uint8_t *p = n == fs->block_size ? cget_raw(fs, (uint32_t)b, true, &e) : cget(fs, (uint32_t)b, &e);
        if (!p)
            break;
        copy(p + in_block, src + done, n);
        dirty(fs, (uint32_t)b, C_DATA);
        done += n;
    }
    if (done) {
        if (off + done > in->size)
            in->size = off + done;
        in->mtime = in->ctime = fs->now;
    }
    int pe = ext2_put_inode(fs, in);
    if (done)
        return done;
    return e ? e : pe;
}

/* Frees the blocks of the subtree *slot (depth 0: a data block) that hold
 * file blocks >= keep; base is the subtree's first file block. */
static int trunc_tree(ext2_t *fs, ext2_inode_t *in, uint32_t *slot, int depth, uint64_t base, uint64_t keep)
{
    uint32_t b = *slot;
    if (b == 0)
        return EXT2_OK;
    if (b >= fs->blocks_count)
        return EXT2_ECORRUPT;
    uint64_t per = fs->block_size / 4, span = 1;
    for (int i = 1; i < depth; i++)
        span *= per;
    if (depth > 0 && base + span * per <= keep)
        return EXT2_OK;
    for (uint64_t i = 0; depth > 0 && i < per; i++) {
        uint64_t cb = base + i * span;
        if (cb + span <= keep)
            continue;
        int e = EXT2_OK;
        uint8_t *p = cget(fs, b, &e);
        if (!p)
            return e;
        uint32_t child = le32(p + 4 * i), c = child;
        if (c == 0)
            continue;
        if ((e = trunc_tree(fs, in, &c, depth - 1, cb, keep)))
            return e;
        if (c != child) {
            if (!(p = cget(fs, b, &e)))
                return e;
            st32(p + 4 * i, c);
            dirty(fs, b, C_DATA);
        }
    }
    if (base >= keep) {
        int e = free_block(fs, in, b);
        if (e)
            return e;
        *slot = 0;
    }
    return EXT2_OK;
}

/* Frees every block of in past the first keep file blocks. */
static int free_from(ext2_t *fs, ext2_inode_t *in, uint64_t keep)
{
    uint64_t per = fs->block_size / 4;
    int e = EXT2_OK;
    for (int i = 0; i < 12 && !e; i++)
        e = trunc_tree(fs, in, &in->blocks[i], 0, (uint64_t)i, keep);
    if (!e)
        e = trunc_tree(fs, in, &in->blocks[12], 1, 12, keep);
    if (!e)
        e = trunc_tree(fs, in, &in->blocks[13], 2, 12 + per, keep);
    if (!e)
        e = trunc_tree(fs, in, &in->blocks[14], 3, 12 + per + per * per, keep);
    return e;
}

int ext2_truncate(ext2_t *fs, ext2_inode_t *in, uint64_t size)
{
    if (!fs->rw)
        return EXT2_EROFS;
    if (ext2_is_dir(in))
        return EXT2_EISDIR;
    if (!ext2_is_reg(in))
        return EXT2_EINVAL;
    if (size > max_size(fs))
        return EXT2_EFBIG;
    int e = EXT2_OK;
    if (size < in->size) {
        uint64_t keep = (size + fs->block_size - 1) / fs->block_size;
        e = free_from(fs, in, keep);
        if (!e)
            e = zero_tail(fs, in, size);
    } else if (size > in->size) {
        e = zero_tail(fs, in, in->size);
    }
    if (e)
        return e;
    in->size = size;
    in->mtime = in->ctime = fs->now;
    return ext2_put_inode(fs, in);
}

/* ---- directories ---- */

#define REC(n) (8 + (((uint32_t)(n) + 3) & ~3u))

static uint8_t type_of(ext2_t *fs, uint16_t mode)
{
    if (!(fs->incompat & INCOMPAT_FILETYPE))
        return 0;
    switch (mode & 0xf000) {
    case 0x8000: return 1;
    case 0x4000: return 2;
    case 0x2000: return 3;
    case 0x6000: return 4;
    case 0x1000: return 5;
    case 0xc000: return 6;
    case 0xa000: return 7;
    }
    return 0;
}

/* Checks the record at pos of a directory block: its rec_len, or < 0. */
static int check_rec(ext2_t *fs, const uint8_t *blk, uint32_t pos)
{
    if (fs->block_size - pos < 8)
        return EXT2_ECORRUPT;
    const uint8_t *r = blk + pos;
    uint32_t rec = le16(r + 4), nlen = r[6];
    if (rec < 8 || rec % 4 || rec > fs->block_size - pos || nlen + 8 > rec || le32(r) > fs->inodes_count)
        return EXT2_ECORRUPT;
    return (int)rec;
}

/* Walks directory dir's records: fn(arg, ino, type, name, len) -> go on?
 * Each record is checked against its block. */
static int walk_dir(ext2_t *fs, const ext2_inode_t *dir, ext2_dir_fn fn, void *arg)
{
    if (!ext2_is_dir(dir))
        return EXT2_ENOTDIR;
    if (dir->size % fs->block_size)
        return EXT2_ECORRUPT;
    ext2_inode_t tmp = *dir;
    int count = 0;
    for (uint64_t blk = 0; blk < dir->size / fs->block_size; blk++) {
        int64_t b = bmap(fs, &tmp, blk, false);
        if (b < 0)
            return (int)b;
        if (b == 0)
            return EXT2_ECORRUPT;   /* directories have no holes */
        uint32_t pos = 0;
        while (pos < fs->block_size) {
            int e = EXT2_OK;
            const uint8_t *p = cget(fs, (uint32_t)b, &e);   /* fn may have used the cache */
            if (!p)
                return e;
            int rec = check_rec(fs, p, pos);
            if (rec < 0)
                return rec;
            const uint8_t *r = p + pos;
            uint32_t ino = le32(r);
            uint8_t nlen = r[6], type = r[7];
            if (fs->rev == 0)
                type = 0;           /* revision 0: the high byte of a 16-bit name length */
            if (ino != 0 && nlen > 0) {
                char name[EXT2_NAME_MAX + 1];
                copy(name, r + 8, nlen);
                name[nlen] = 0;
                count++;
                if (!fn(arg, ino, type, name, nlen))
                    return count;
            }
            pos += (uint32_t)rec;
        }
    }
    return count;
}

/* Where a name is in a directory. */
typedef struct slot {
    uint32_t blk, pos, prev;    /* prev: the record before it in its block, or pos */
    uint32_t ino;
} slot_t;

static int find_slot(ext2_t *fs, const ext2_inode_t *dir, const char *name, uint32_t len, slot_t *s)
{
    if (!ext2_is_dir(dir))
        return EXT2_ENOTDIR;
    if (dir->size % fs->block_size)
        return EXT2_ECORRUPT;
    ext2_inode_t tmp = *dir;
    for (uint64_t blk = 0; blk < dir->size / fs->block_size; blk++) {
        int64_t b = bmap(fs, &tmp, blk, false);
        if (b < 0)
            return (int)b;
        if (b == 0)
            return EXT2_ECORRUPT;
        int e = EXT2_OK;
        const uint8_t *p = cget(fs, (uint32_t)b, &e);
        if (!p)
            return e;
        uint32_t pos = 0, prev = 0;
        while (pos < fs->block_size) {
            int rec = check_rec(fs, p, pos);
            if (rec < 0)
                return rec;
            const uint8_t *r = p + pos;
            if (le32(r) != 0 && r[6] == len && same((const char *)r + 8, name, len)) {
                *s = (slot_t){(uint32_t)b, pos, prev, le32(r)};
                return EXT2_OK;
            }
            prev = pos;
            pos += (uint32_t)rec;
        }
    }
    return EXT2_ENOENT;
}

int64_t ext2_lookup(ext2_t *fs, const ext2_inode_t *dir, const char *name, uint32_t len)
{
    if (len == 0 || len > EXT2_NAME_MAX)
        return len ? EXT2_ENAMETOOLONG : EXT2_ENOENT;
    slot_t s;
    int e = find_slot(fs, dir, name, len, &s);
    return e ? e : (int64_t)s.ino;
}

int ext2_readdir(ext2_t *fs, const ext2_inode_t *dir, ext2_dir_fn fn, void *arg)
{
    return walk_dir(fs, dir, fn, arg);
}

/* Adds name -> ino to directory dir (*dir updated and written). */
static int dir_add(ext2_t *fs, ext2_inode_t *dir, const char *name, uint32_t len, uint32_t ino, uint8_t type)
{
    uint32_t need = REC(len);
    uint64_t nblocks = dir->size / fs->block_size;
    int e = EXT2_OK;
    uint32_t at_blk = 0, at_pos = 0;
    for (uint64_t blk = 0; blk < nblocks && !at_blk; blk++) {
        int64_t b = bmap(fs, dir, blk, false);
        if (b < 0)
            return (int)b;
        if (b == 0)
            return EXT2_ECORRUPT;
        uint8_t *p = cget(fs, (uint32_t)b, &e);
        if (!p)
            return e;
        for (uint32_t pos = 0; pos < fs->block_size;) {
            int rec = check_rec(fs, p, pos);
            if (rec < 0)
                return rec;
            uint8_t *r = p + pos;
            uint32_t used = le32(r) ? REC(r[6]) : 0;
            if ((uint32_t)rec - used >= need) {
                if (used) {         /* split: the new record takes the slack */
                    st16(r + 4, used);
                    st16(r + used + 4, (uint32_t)rec - used);
                    at_pos = pos + used;
                } else {
                    at_pos = pos;
                }
                at_blk = (uint32_t)b;
                break;
            }
            pos += (uint32_t)rec;
        }
    }
    int cls = C_DIR;
    if (!at_blk) {                  /* a new block, one record filling it */
        if (nblocks + 1 > max_blocks(fs))
            return EXT2_EFBIG;
        int64_t b = bmap(fs, dir, nblocks, true);
        if (b <= 0)
            return b ? (int)b : EXT2_ECORRUPT;
        uint8_t *p = cget(fs, (uint32_t)b, &e);
        if (!p)
            return e;
        st16(p + 4, fs->block_size);
        dir->size += fs->block_size;
        at_blk = (uint32_t)b, at_pos = 0;
        cls = C_DATA;               /* on the disk before the inode pointing to it */
    }
    uint8_t *p = cget(fs, at_blk, &e);
    if (!p)
        return e;
    uint8_t *r = p + at_pos;
    st32(r, ino);
    r[6] = (uint8_t)len;
    r[7] = type;
    copy(r + 8, name, len);
    dirty(fs, at_blk, cls);
    dir->mtime = dir->ctime = fs->now;
    dir->flags &= ~(uint32_t)INDEX_FL;  /* any hash index is stale now */
    return ext2_put_inode(fs, dir);
}

/* Removes the record s of directory dir. */
static int dir_remove(ext2_t *fs, ext2_inode_t *dir, const slot_t *s)
{
    int e = EXT2_OK;
    uint8_t *p = cget(fs, s->blk, &e);
    if (!p)
        return e;
    if (s->pos == 0) {
        st32(p, 0);                 /* the first record of a block stays, empty */
    } else {
        uint8_t *prev = p + s->prev;
        st16(prev + 4, le16(prev + 4) + le16(p + s->pos + 4));
    }
    dirty(fs, s->blk, C_DIR);
    dir->mtime = dir->ctime = fs->now;
    dir->flags &= ~(uint32_t)INDEX_FL;
    return ext2_put_inode(fs, dir);
}

/* Points record s at ino (type). */
static int dir_set(ext2_t *fs, ext2_inode_t *dir, const slot_t *s, uint32_t ino, uint8_t type)
{
    int e = EXT2_OK;
    uint8_t *p = cget(fs, s->blk, &e);
    if (!p)
        return e;
    st32(p + s->pos, ino);
    p[s->pos + 7] = type;
    dirty(fs, s->blk, C_DIR);
    dir->mtime = dir->ctime = fs->now;
    return ext2_put_inode(fs, dir);
}

static bool not_dots(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len)
{
    (void)ino, (void)type;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return true;
    *(bool *)arg = false;
    return false;
}

static int dir_empty(ext2_t *fs, const ext2_inode_t *dir)
{
    bool empty = true;
    int e = walk_dir(fs, dir, not_dots, &empty);
    return e < 0 ? e : empty ? 1 : 0;
}

/* ---- paths ---- */

int64_t ext2_readlink(ext2_t *fs, const ext2_inode_t *in, char *buf, uint32_t cap)
{
    if (!ext2_is_link(in))
        return EXT2_EINVAL;
    if (in->size > cap)
        return EXT2_ENAMETOOLONG;
    if (in->size < 60) {            /* fast symlink: the target is in the block array */
        for (uint32_t i = 0; i < in->size; i++)
            buf[i] = (char)(in->blocks[i / 4] >> (8 * (i % 4)));
        return (int64_t)in->size;
    }
    ext2_inode_t tmp = *in;
    tmp.mode = 0x8000;              /* read its blocks like a file's */
    return ext2_read(fs, &tmp, 0, buf, (uint32_t)in->size);
}

int ext2_resolve_at(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags, ext2_inode_t *out)
{
    /* A work buffer holding what is left of the path; a symlink's target
     * is put in front of the rest. */
    char work[EXT2_PATH_MAX];
    uint32_t wlen = 0, links = 0, steps = 0;
    bool beneath = flags & EXT2_BENEATH;
    if (len > sizeof work)
        return EXT2_ENAMETOOLONG;
    copy(work, path, len);
    wlen = len;
    if (beneath && wlen > 0 && work[0] == '/')
        return EXT2_EESCAPE;
    /* the directory stack, for "..": never above where we started */
    uint32_t stack[MAX_COMPONENTS];
    int depth = 0;
    stack[0] = start;
    ext2_inode_t cur;
    int e = ext2_inode(fs, start, &cur);
    if (e)
        return e;
    uint32_t pos = 0;
    while (pos < wlen) {
        if (++steps > 4 * MAX_COMPONENTS)
            return EXT2_ELOOP;
        while (pos < wlen && work[pos] == '/')
            pos++;
        uint32_t s = pos;
        while (pos < wlen && work[pos] != '/')
            pos++;
        uint32_t n = pos - s;
        if (n == 0 || (n == 1 && work[s] == '.'))
            continue;
        if (!ext2_is_dir(&cur))
            return EXT2_ENOTDIR;
        if (n == 2 && work[s] == '.' && work[s + 1] == '.') {
            if (depth == 0 && beneath)
                return EXT2_EESCAPE;
            if (depth > 0)
                depth--;
            if ((e = ext2_inode(fs, stack[depth], &cur)))
                return e;
            continue;
        }
        int64_t ino = ext2_lookup(fs, &cur, work + s, n);
        if (ino < 0)
            return (int)ino;
        ext2_inode_t next;
        if ((e = ext2_inode(fs, (uint32_t)ino, &next)))
            return e;
        if (ext2_is_link(&next) && !(pos == wlen && (flags & EXT2_NOFOLLOW))) {
            if (++links > MAX_SYMLINKS)
                return EXT2_ELOOP;
            char target[EXT2_PATH_MAX];
            int64_t tl = ext2_readlink(fs, &next, target, sizeof target);
            if (tl < 0)
                return (int)tl;
            uint32_t rest = wlen - pos;
            if ((uint64_t)tl + 1 + rest > sizeof work)
                return EXT2_ENAMETOOLONG;
            /* work = target + "/" + rest */
            char tmp[EXT2_PATH_MAX];
            copy(tmp, work + pos, rest);
            copy(work, target, (uint32_t)tl);
            work[tl] = '/';
            copy(work + tl + 1, tmp, rest);
            wlen = (uint32_t)tl + 1 + rest;
            pos = 0;
            if (tl > 0 && work[0] == '/') {
                if (beneath)
                    return EXT2_EESCAPE;
                depth = 0;          /* absolute: from the start directory, our root */
                if ((e = ext2_inode(fs, stack[0], &cur)))
                    return e;
            }
            continue;
        }
        if (ext2_is_dir(&next)) {
            if (depth + 1 >= MAX_COMPONENTS)
                return EXT2_ENAMETOOLONG;
            stack[++depth] = (uint32_t)ino;
        }
        cur = next;
    }
    *out = cur;
    return EXT2_OK;
}

int ext2_resolve(ext2_t *fs, uint32_t start, const char *path, uint32_t len, ext2_inode_t *out)
{
    return ext2_resolve_at(fs, start, path, len, 0, out);
}

/* Splits path into its directory (resolved, into *dir) and last name
 * (*name, *nlen: not empty, not "." or ".."). */
static int parent(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags,
                  ext2_inode_t *dir, const char **name, uint32_t *nlen)
{
    if (len > EXT2_PATH_MAX)
        return EXT2_ENAMETOOLONG;
    while (len > 1 && path[len - 1] == '/')
        len--;
    uint32_t s = len;
    while (s > 0 && path[s - 1] != '/')
        s--;
    uint32_t n = len - s;
    if (n == 0 || (n == 1 && path[s] == '.') || (n == 2 && path[s] == '.' && path[s + 1] == '.'))
        return EXT2_EINVAL;
    if (n > EXT2_NAME_MAX)
        return EXT2_ENAMETOOLONG;
    int e = ext2_resolve_at(fs, start, path, s, flags & ~EXT2_NOFOLLOW, dir);
    if (e)
        return e;
    if (!ext2_is_dir(dir))
        return EXT2_ENOTDIR;
    *name = path + s;
    *nlen = n;
    return EXT2_OK;
}

/* One link fewer to in; at none, its blocks and itself are freed. */
static int drop_link(ext2_t *fs, ext2_inode_t *in)
{
    if (in->links > 0)
        in->links--;
    in->ctime = fs->now;
    bool dir = ext2_is_dir(in);
    if (dir && in->links == 1)
        in->links = 0;              /* only its own "." left */
    if (in->links > 0)
        return ext2_put_inode(fs, in);
    int e = EXT2_OK;
    if (!ext2_is_link(in) || in->size >= 60 || in->sectors)
        e = free_from(fs, in, 0);
    else
        for (int i = 0; i < 15; i++)
            in->blocks[i] = 0;
    if (e)
        return e;
    in->size = 0;
    in->dtime = fs->now;
    if ((e = ext2_put_inode(fs, in)))
        return e;
    return free_inode(fs, in->ino, dir);
}

/* A barrier: what was changed so far reaches the disk before what
 * follows. If the device fails (EIO) the operation still goes on in the
 * cache, which writes it all once the device works again (the error is
 * reported, *late); a read-only device undid everything (EROFS). */
static int barrier(ext2_t *fs, int *late)
{
    int e = write_below(fs, NCLASS);
    if (e == EXT2_EIO) {
        *late = e;
        return EXT2_OK;
    }
    return e;
}

int ext2_create(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags,
                uint16_t mode, ext2_inode_t *out)
{
    if (!fs->rw)
        return EXT2_EROFS;
    uint16_t type = mode & 0xf000;
    if (type != 0x8000 && type != 0x4000 && type != 0xa000)
        return EXT2_EINVAL;
    ext2_inode_t dir;
    const char *name;
    uint32_t nlen;
    int e = parent(fs, start, path, len, flags, &dir, &name, &nlen);
    if (e)
        return e;
    int64_t old = ext2_lookup(fs, &dir, name, nlen);
    if (old >= 0)
        return EXT2_EEXIST;
    if (old != EXT2_ENOENT)
        return (int)old;
    if (type == 0x4000 && dir.links >= MAX_LINKS)
        return EXT2_EMLINK;
    uint32_t goal = (dir.ino - 1) / fs->inodes_per_group;
    int64_t ino = alloc_inode(fs, goal, type == 0x4000);
    if (ino < 0)
        return (int)ino;
    ext2_inode_t in = {0};
    in.ino = (uint32_t)ino;
    in.mode = mode;
    in.links = type == 0x4000 ? 2 : 1;
    in.atime = in.ctime = in.mtime = fs->now;
    if (type == 0x4000) {
        int64_t b = bmap(fs, &in, 0, true);
        uint8_t *p = b > 0 ? cget(fs, (uint32_t)b, &e) : 0;
        if (!p) {
            e = b < 0 ? (int)b : e ? e : EXT2_ECORRUPT;
            goto undo;
        }
        st32(p, in.ino);            /* "." */
        st16(p + 4, 12);
        p[6] = 1;
        p[7] = type_of(fs, 0x4000);
        p[8] = '.';
        st32(p + 12, dir.ino);      /* ".." */
        st16(p + 16, fs->block_size - 12);
        p[18] = 2;
        p[19] = type_of(fs, 0x4000);
        p[20] = p[21] = '.';
        dirty(fs, (uint32_t)b, C_DATA);
        in.size = fs->block_size;
    }
    if ((e = ext2_put_inode(fs, &in)))
        goto undo;
    if ((e = dir_add(fs, &dir, name, nlen, in.ino, type_of(fs, mode))))
        goto undo;
    if (type == 0x4000) {
        dir.links++;
        if ((e = ext2_put_inode(fs, &dir)))
            return e;
    }
    if (out)
        *out = in;
    return EXT2_OK;
undo:
    /* nothing points to it: give back its block and itself */
    in.links = 0;
    if (free_from(fs, &in, 0) == EXT2_OK) {
        in.dtime = fs->now;
        in.size = 0;
        ext2_put_inode(fs, &in);
        free_inode(fs, in.ino, type == 0x4000);
    }
    return e;
}

int ext2_symlink(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags,
                 const char *target, uint32_t tlen)
{
    if (tlen == 0 || tlen >= fs->block_size || tlen >= EXT2_PATH_MAX)
        return tlen ? EXT2_ENAMETOOLONG : EXT2_EINVAL;
    ext2_inode_t in;
    int e = ext2_create(fs, start, path, len, flags, 0xa1ff, &in);
    if (e)
        return e;
    if (tlen < 60) {
        for (uint32_t i = 0; i < tlen; i++)
            in.blocks[i / 4] |= (uint32_t)(uint8_t)target[i] << (8 * (i % 4));
    } else {
        int64_t b = bmap(fs, &in, 0, true);
        uint8_t *p = b > 0 ? cget(fs, (uint32_t)b, &e) : 0;
        if (!p) {
            /* no block for the target: the link goes again */
            e = b < 0 ? (int)b : e ? e : EXT2_ECORRUPT;
            ext2_put_inode(fs, &in);
            ext2_unlink(fs, start, path, len, flags);
            return e;
        }
        copy(p, target, tlen);
        dirty(fs, (uint32_t)b, C_DATA);
    }
    in.size = tlen;
    return ext2_put_inode(fs, &in);
}

int ext2_unlink(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags)
{
    if (!fs->rw)
        return EXT2_EROFS;
    ext2_inode_t dir, in;
    const char *name;
    uint32_t nlen;
    slot_t s;
    int e = parent(fs, start, path, len, flags, &dir, &name, &nlen);
    if (e || (e = find_slot(fs, &dir, name, nlen, &s)) || (e = ext2_inode(fs, s.ino, &in)))
        return e;
    if (ext2_is_dir(&in))
        return EXT2_EISDIR;
    int late = EXT2_OK;
    if ((e = dir_remove(fs, &dir, &s)) || (e = barrier(fs, &late)))
        return e;
    e = drop_link(fs, &in);
    return e ? e : late;
}

int ext2_rmdir(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags)
{
    if (!fs->rw)
        return EXT2_EROFS;
    ext2_inode_t dir, in;
    const char *name;
    uint32_t nlen;
    slot_t s;
    int e = parent(fs, start, path, len, flags, &dir, &name, &nlen);
    if (e || (e = find_slot(fs, &dir, name, nlen, &s)) || (e = ext2_inode(fs, s.ino, &in)))
        return e;
    if (!ext2_is_dir(&in))
        return EXT2_ENOTDIR;
    if (in.ino == start || in.ino == EXT2_ROOT)
        return EXT2_EBUSY;
    if ((e = dir_empty(fs, &in)) <= 0)
        return e < 0 ? e : EXT2_ENOTEMPTY;
    int late = EXT2_OK;
    if ((e = dir_remove(fs, &dir, &s)) || (e = barrier(fs, &late)))
        return e;
    if (dir.links > 2)
        dir.links--;
    if ((e = ext2_put_inode(fs, &dir)))
        return e;
    in.links = 1;                   /* drop_link: none left */
    e = drop_link(fs, &in);
    return e ? e : late;
}

int ext2_link(ext2_t *fs, uint32_t start1, const char *p1, uint32_t l1, uint32_t start2,
              const char *p2, uint32_t l2, int flags)
{
    if (!fs->rw)
        return EXT2_EROFS;
    ext2_inode_t in, dir;
    const char *name;
    uint32_t nlen;
    int e = ext2_resolve_at(fs, start1, p1, l1, flags | EXT2_NOFOLLOW, &in);
    if (e || (e = parent(fs, start2, p2, l2, flags, &dir, &name, &nlen)))
        return e;
    if (ext2_is_dir(&in))
        return EXT2_EISDIR;
    if (in.links >= MAX_LINKS)
        return EXT2_EMLINK;
    int64_t old = ext2_lookup(fs, &dir, name, nlen);
    if (old >= 0)
        return EXT2_EEXIST;
    if (old != EXT2_ENOENT)
        return (int)old;
    in.links++;
    in.ctime = fs->now;
    if ((e = ext2_put_inode(fs, &in)))
        return e;
    return dir_add(fs, &dir, name, nlen, in.ino, type_of(fs, in.mode));
}

/* Is directory ino an ancestor of (or) directory d? Walks ".." up. */
static int is_ancestor(ext2_t *fs, uint32_t ino, uint32_t d)
{
    for (int i = 0; i < 4096; i++) {
        if (d == ino)
            return 1;
        if (d == EXT2_ROOT)
            return 0;
        ext2_inode_t cur;
        int e = ext2_inode(fs, d, &cur);
        if (e)
            return e;
        int64_t up = ext2_lookup(fs, &cur, "..", 2);
        if (up < 0)
            return (int)up;
        if ((uint32_t)up == d)
            return EXT2_ECORRUPT;
        d = (uint32_t)up;
    }
    return EXT2_ECORRUPT;
}

int ext2_rename(ext2_t *fs, uint32_t start1, const char *p1, uint32_t l1, uint32_t start2,
                const char *p2, uint32_t l2, int flags)
{
    if (!fs->rw)
        return EXT2_EROFS;
    ext2_inode_t d1, d2, in, old;
    const char *n1, *n2;
    uint32_t len1, len2;
    slot_t s1, s2;
    int e = parent(fs, start1, p1, l1, flags, &d1, &n1, &len1);
    if (e || (e = parent(fs, start2, p2, l2, flags, &d2, &n2, &len2)))
        return e;
    if ((e = find_slot(fs, &d1, n1, len1, &s1)) || (e = ext2_inode(fs, s1.ino, &in)))
        return e;
    bool dir = ext2_is_dir(&in);
    if (dir && (in.ino == start1 || in.ino == start2 || in.ino == EXT2_ROOT))
        return EXT2_EBUSY;
    if (dir && d1.ino != d2.ino) {
        int a = is_ancestor(fs, in.ino, d2.ino);
        if (a)
            return a < 0 ? a : EXT2_EINVAL;     /* into itself */
    }
    int f = find_slot(fs, &d2, n2, len2, &s2);
    if (f && f != EXT2_ENOENT)
        return f;
    bool replace = f == EXT2_OK;
    if (replace) {
        if (s2.ino == in.ino)
            return EXT2_OK;         /* the same file */
        if ((e = ext2_inode(fs, s2.ino, &old)))
            return e;
        if (ext2_is_dir(&old) != dir)
            return dir ? EXT2_ENOTDIR : EXT2_EISDIR;
        if (ext2_is_dir(&old)) {
            if (old.ino == start1 || old.ino == start2 || old.ino == EXT2_ROOT)
                return EXT2_EBUSY;
            if ((e = dir_empty(fs, &old)) <= 0)
                return e < 0 ? e : EXT2_ENOTEMPTY;
        }
    }
    if (dir && !replace && d1.ino != d2.ino && d2.links >= MAX_LINKS)
        return EXT2_EMLINK;
    /* the new name first, then the old one goes: a crash between leaves
     * two names (one link too few), never none */
    if (replace)
        e = dir_set(fs, &d2, &s2, in.ino, type_of(fs, in.mode));
    else
        e = dir_add(fs, &d2, n2, len2, in.ino, type_of(fs, in.mode));
    int late = EXT2_OK;
    if (e || (e = barrier(fs, &late)))
        return e;
    if (d1.ino == d2.ino)
        d1 = d2;                    /* the copy dir_add updated */
    if ((e = find_slot(fs, &d1, n1, len1, &s1)) || (e = dir_remove(fs, &d1, &s1)))
        return e;
    if (d1.ino == d2.ino)
        d2 = d1;
    if (dir && d1.ino != d2.ino) {
        slot_t dd;
        if ((e = find_slot(fs, &in, "..", 2, &dd)) || (e = dir_set(fs, &in, &dd, d2.ino, type_of(fs, 0x4000))))
            return e;
        if (d1.links > 2)
            d1.links--;
        if ((e = ext2_put_inode(fs, &d1)))
            return e;
        if (!replace) {
            d2.links++;
            if ((e = ext2_put_inode(fs, &d2)))
                return e;
        }
    }
    in.ctime = fs->now;
    if ((e = ext2_put_inode(fs, &in)))
        return e;
    if (!replace)
        return late;
    if ((e = barrier(fs, &late)))
        return e;
    if (ext2_is_dir(&old)) {
        if (!(dir && d1.ino != d2.ino) && d2.links > 2) {
            /* the replaced directory's ".." no longer counts */
            if ((e = ext2_inode(fs, d2.ino, &d2)))
                return e;
            d2.links--;
            if ((e = ext2_put_inode(fs, &d2)))
                return e;
        }
        old.links = 1;
    }
    e = drop_link(fs, &old);
    return e ? e : late;
}
