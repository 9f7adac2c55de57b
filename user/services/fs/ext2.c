/* ext2, read side (ext2.h). Layout facts: the ext2 specification
 * ("The Second Extended File System", Poirier) and e2fsprogs' on-disk
 * format; all fields little-endian. */
#include "ext2.h"

#define SB_OFF 1024
#define EXT2_MAGIC 0xef53
#define INCOMPAT_FILETYPE 0x0002
#define MAX_SYMLINKS 8
#define MAX_COMPONENTS 64

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void zero(void *d, uint32_t n)
{
    uint8_t *p = d;
    for (uint32_t i = 0; i < n; i++)
        p[i] = 0;
}

static void copy(void *d, const void *s, uint32_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    for (uint32_t i = 0; i < n; i++)
        dp[i] = sp[i];
}

static int dev_read(ext2_t *fs, uint64_t off, void *buf, uint32_t len)
{
    return fs->read(fs->ctx, off, buf, len) < 0 ? EXT2_EIO : EXT2_OK;
}

/* Block b into the cache; b must be a data block number (checked). */
static int load_block(ext2_t *fs, uint32_t b)
{
    if (b == 0 || b >= fs->blocks_count)
        return EXT2_ECORRUPT;
    if (fs->cached == b)
        return EXT2_OK;
    fs->cached = 0;
    int e = dev_read(fs, (uint64_t)b * fs->block_size, fs->buf, fs->block_size);
    if (e == EXT2_OK)
        fs->cached = b;
    return e;
}

int ext2_mount(ext2_t *fs, ext2_read_fn read, void *ctx)
{
    uint8_t sb[1024];
    zero(fs, sizeof *fs);
    fs->read = read;
    fs->ctx = ctx;
    if (dev_read(fs, SB_OFF, sb, sizeof sb))
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
    if (fs->rev > 1)
        return EXT2_EUNSUPP;
    if (fs->rev == 1 && (le32(sb + 96) & ~(uint32_t)INCOMPAT_FILETYPE))
        return EXT2_EUNSUPP;        /* compression, journal recovery, extents, ... */
    if (fs->blocks_count == 0 || fs->inodes_count == 0 || fs->blocks_per_group == 0 ||
        fs->inodes_per_group == 0 || fs->first_data_block >= fs->blocks_count ||
        fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u) ||
        fs->blocks_per_group > 8 * fs->block_size || fs->inode_size < 128 ||
        fs->inode_size > fs->block_size || (fs->inode_size & (fs->inode_size - 1)))
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
    return EXT2_OK;
}

int ext2_inode(ext2_t *fs, uint32_t ino, ext2_inode_t *out)
{
    if (ino == 0 || ino > fs->inodes_count)
        return EXT2_ECORRUPT;
    uint32_t g = (ino - 1) / fs->inodes_per_group, idx = (ino - 1) % fs->inodes_per_group;
    if (g >= fs->ngroups)
        return EXT2_ECORRUPT;
    uint8_t gd[32], raw[128];
    uint64_t gd_off = (uint64_t)fs->gd_block * fs->block_size + (uint64_t)g * 32;
    if (dev_read(fs, gd_off, gd, sizeof gd))
        return EXT2_EIO;
    uint32_t table = le32(gd + 8);
    uint64_t table_bytes = (uint64_t)fs->inodes_per_group * fs->inode_size;
    if (table == 0 || table >= fs->blocks_count ||
        table + (table_bytes + fs->block_size - 1) / fs->block_size > fs->blocks_count)
        return EXT2_ECORRUPT;
    uint64_t off = (uint64_t)table * fs->block_size + (uint64_t)idx * fs->inode_size;
    if (dev_read(fs, off, raw, sizeof raw))
        return EXT2_EIO;
    zero(out, sizeof *out);
    out->ino = ino;
    out->mode = le16(raw + 0);
    out->size = le32(raw + 4);
    out->atime = le32(raw + 8);
    out->ctime = le32(raw + 12);
    out->mtime = le32(raw + 16);
    out->links = le16(raw + 26);
    out->flags = le32(raw + 32);
    for (int i = 0; i < 15; i++)
        out->blocks[i] = le32(raw + 40 + 4 * i);
    if (fs->rev >= 1 && (out->mode & 0xf000) == 0x8000)
        out->size |= (uint64_t)le32(raw + 108) << 32;
    /* a size no block map of this file system can reach */
    uint64_t per = fs->block_size / 4;
    uint64_t max_blocks = 12 + per + per * per + per * per * per;
    if (out->size > max_blocks * fs->block_size || out->size > (uint64_t)fs->blocks_count * fs->block_size)
        return EXT2_ECORRUPT;
    if (out->flags & 0x00080000)
        return EXT2_EUNSUPP;        /* extents (ext4) */
    return EXT2_OK;
}

/* The disk block holding file block n of in: 0 for a hole, or < 0. */
static int64_t map_block(ext2_t *fs, const ext2_inode_t *in, uint64_t n)
{
    uint64_t per = fs->block_size / 4;
    if (n < 12)
        return in->blocks[n] < fs->blocks_count ? in->blocks[n] : EXT2_ECORRUPT;
    n -= 12;
    int depth;
    uint32_t b;
    if (n < per) {
        depth = 1, b = in->blocks[12];
    } else if ((n -= per) < per * per) {
        depth = 2, b = in->blocks[13];
    } else {
        n -= per * per;
        if (n >= per * per * per)
            return EXT2_ECORRUPT;
        depth = 3, b = in->blocks[14];
    }
    for (int d = depth; d > 0; d--) {
        if (b == 0)
            return 0;
        int e = load_block(fs, b);
        if (e)
            return e;
        uint64_t span = 1;
        for (int i = 1; i < d; i++)
            span *= per;
        b = le32(fs->buf + 4 * ((n / span) % per));
        n %= span;
    }
    return b < fs->blocks_count ? b : EXT2_ECORRUPT;
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
    uint32_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t in_block = (uint32_t)(pos % fs->block_size);
        uint32_t n = fs->block_size - in_block;
        if (n > len - done)
            n = len - done;
        int64_t b = map_block(fs, in, pos / fs->block_size);
        if (b < 0)
            return b;
        if (b == 0) {
            zero(out + done, n);
        } else {
            int e = load_block(fs, (uint32_t)b);
            if (e)
                return e;
            copy(out + done, fs->buf + in_block, n);
        }
        done += n;
    }
    return done;
}

/* Walks directory dir's records: fn(arg, ino, type, name, len) -> stop?
 * Each record is checked against its block. */
typedef bool (*rec_fn)(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len);

static int walk_dir(ext2_t *fs, const ext2_inode_t *dir, rec_fn fn, void *arg)
{
    if (!ext2_is_dir(dir))
        return EXT2_ENOTDIR;
    if (dir->size % fs->block_size)
        return EXT2_ECORRUPT;
    int count = 0;
    for (uint64_t blk = 0; blk < dir->size / fs->block_size; blk++) {
        int64_t b = map_block(fs, dir, blk);
        if (b < 0)
            return (int)b;
        if (b == 0)
            return EXT2_ECORRUPT;   /* directories have no holes */
        int e = load_block(fs, (uint32_t)b);
        if (e)
            return e;
        uint32_t pos = 0;
        while (pos < fs->block_size) {
            if (fs->block_size - pos < 8)
                return EXT2_ECORRUPT;
            /* re-read the cached block: fn may not touch it, but stay safe */
            const uint8_t *r = fs->buf + pos;
            uint32_t ino = le32(r);
            uint16_t rec = le16(r + 4);
            uint8_t nlen = r[6], type = r[7];
            if (fs->rev == 0)
                type = 0;           /* revision 0: the high byte of a 16-bit name length */
            if (rec < 8 || rec % 4 || rec > fs->block_size - pos || (uint32_t)nlen + 8 > rec)
                return EXT2_ECORRUPT;
            if (ino > fs->inodes_count)
                return EXT2_ECORRUPT;
            if (ino != 0 && nlen > 0) {
                char name[EXT2_NAME_MAX + 1];
                copy(name, r + 8, nlen);
                name[nlen] = 0;
                count++;
                if (!fn(arg, ino, type, name, nlen))
                    return count;
                if (fs->cached != (uint32_t)b && (e = load_block(fs, (uint32_t)b)))
                    return e;
            }
            pos += rec;
        }
    }
    return count;
}

typedef struct find {
    const char *name;
    uint32_t len, ino;
} find_t;

static bool find_rec(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len)
{
    (void)type;
    find_t *f = arg;
    if (len != f->len)
        return true;
    for (uint32_t i = 0; i < len; i++)
        if (name[i] != f->name[i])
            return true;
    f->ino = ino;
    return false;
}

int64_t ext2_lookup(ext2_t *fs, const ext2_inode_t *dir, const char *name, uint32_t len)
{
    if (len == 0 || len > EXT2_NAME_MAX)
        return len ? EXT2_ENAMETOOLONG : EXT2_ENOENT;
    find_t f = {name, len, 0};
    int e = walk_dir(fs, dir, find_rec, &f);
    if (e < 0)
        return e;
    return f.ino ? (int64_t)f.ino : EXT2_ENOENT;
}

int ext2_readdir(ext2_t *fs, const ext2_inode_t *dir, ext2_dir_fn fn, void *arg)
{
    return walk_dir(fs, dir, fn, arg);
}

/* The target of symlink in into buf (at most cap bytes): its length. */
static int64_t read_link(ext2_t *fs, const ext2_inode_t *in, char *buf, uint32_t cap)
{
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

int ext2_resolve(ext2_t *fs, uint32_t start, const char *path, uint32_t len, ext2_inode_t *out)
{
    /* A work buffer holding what is left of the path; a symlink's target
     * is put in front of the rest. */
    char work[1024];
    uint32_t wlen = 0, links = 0, steps = 0;
    if (len > sizeof work)
        return EXT2_ENAMETOOLONG;
    copy(work, path, len);
    wlen = len;
    /* the directory stack, for "..": never above where we started */
    uint32_t stack[MAX_COMPONENTS];
    int depth = 0;
    uint32_t base = start;
    stack[0] = base;
    ext2_inode_t cur;
    int e = ext2_inode(fs, base, &cur);
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
        if (ext2_is_link(&next)) {
            if (++links > MAX_SYMLINKS)
                return EXT2_ELOOP;
            char target[1024];
            int64_t tl = read_link(fs, &next, target, sizeof target);
            if (tl < 0)
                return (int)tl;
            uint32_t rest = wlen - pos;
            if ((uint64_t)tl + 1 + rest > sizeof work)
                return EXT2_ENAMETOOLONG;
            /* work = target + "/" + rest */
            char tmp[1024];
            copy(tmp, work + pos, rest);
            copy(work, target, (uint32_t)tl);
            work[tl] = '/';
            copy(work + tl + 1, tmp, rest);
            wlen = (uint32_t)tl + 1 + rest;
            pos = 0;
            if (tl > 0 && work[0] == '/') {
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
