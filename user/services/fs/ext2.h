/*
 * ext2 (revision 0 and 1, 1 KiB to 4 KiB blocks), read and write: the
 * on-disk code the file service domain uses (docs/storage.md). Portable C
 * with no library: it builds for wasm32 (the service) and for the host
 * (unit tests, the libFuzzer target tests/fuzz/fuzz_ext2.c).
 *
 * Every on-disk value is checked before it is used: block numbers against
 * the block count, inode numbers against the inode count, directory
 * records against their block, sizes against what the blocks can hold, and
 * every walk is bounded (path depth, symlinks followed, blocks per read),
 * so a corrupt or hostile image gives EXT2_ECORRUPT, never a crash or a
 * hang.
 *
 * Writes go through a block cache (EXT2_CACHE blocks, write-back). Dirty
 * blocks are written in classes, in order: bitmaps, group descriptors and
 * superblock first, then file data and new blocks, then inode tables, then
 * changed directory blocks, so that a crash between two writes leaves at
 * worst an allocated block or inode nobody points to, never a pointer to
 * something not yet allocated or initialised. Frees are deferred: blocks
 * and inodes go back to the bitmaps only after what pointed to them is on
 * the device. ext2_writeback() writes the cache in that order,
 * ext2_sync() also flushes the device.
 */
#ifndef EXT2_H
#define EXT2_H

#include <stdbool.h>
#include <stdint.h>

enum {
    EXT2_OK = 0,
    EXT2_EIO = -1,          /* the device failed */
    EXT2_ECORRUPT = -2,     /* the image contradicts itself */
    EXT2_ENOENT = -3,
    EXT2_ENOTDIR = -4,
    EXT2_EISDIR = -5,
    EXT2_ELOOP = -6,        /* too many symlinks */
    EXT2_ENAMETOOLONG = -7,
    EXT2_EUNSUPP = -8,      /* a feature this code does not have */
    EXT2_EINVAL = -9,
    EXT2_EEXIST = -10,
    EXT2_ENOTEMPTY = -11,
    EXT2_ENOSPC = -12,      /* no free block or inode */
    EXT2_EROFS = -13,       /* read-only device or file system */
    EXT2_EESCAPE = -14,     /* the path leads out of its start directory */
    EXT2_EFBIG = -15,
    EXT2_EBUSY = -16,       /* removing the start directory */
    EXT2_EMLINK = -17,
};

#define EXT2_ROOT 2
#define EXT2_MAX_BLOCK 4096
#define EXT2_NAME_MAX 255
#define EXT2_PATH_MAX 1024
#define EXT2_CACHE 48
/* The most blocks ext2_read moves in one device read (uncached, consecutive). */
#define EXT2_RUN_MAX 256
#define EXT2_HINTS 64       /* cache lookup hints, by block number's low bits */
/* Where the cache's blocks start: on a page in the file service (a
 * buffer is mapped over them, so the block driver's device reads and
 * writes them in place, docs/storage.md); anywhere on the host. */
#ifdef __wasm__
#define EXT2_CACHE_ALIGN 4096
#else
#define EXT2_CACHE_ALIGN 16
#endif

/* Path flags (ext2_resolve_at and the name operations). */
#define EXT2_NOFOLLOW 1     /* a symlink as the last component is the result */
#define EXT2_BENEATH 2      /* "..", "/" or a link above the start: EXT2_EESCAPE */

/* Device: len bytes at byte offset off. read: 0 or < 0 (an I/O error).
 * write: 0, EXT2_EIO or EXT2_EROFS. flush: the same. */
typedef int (*ext2_read_fn)(void *ctx, uint64_t off, void *buf, uint32_t len);
typedef int (*ext2_write_fn)(void *ctx, uint64_t off, const void *buf, uint32_t len);
typedef int (*ext2_flush_fn)(void *ctx);

typedef struct ext2_inode {
    uint32_t ino;
    uint16_t mode;          /* type in the top 4 bits (0x4000 dir, 0x8000 file, 0xa000 link) */
    uint16_t links;
    uint64_t size;
    uint32_t atime, ctime, mtime, dtime;
    uint32_t sectors;       /* i_blocks: 512-byte units held, indirect blocks included */
    uint32_t blocks[15];    /* 12 direct, single, double, triple indirect */
    uint32_t flags;
} ext2_inode_t;

typedef struct ext2_cblock {
    uint32_t blk, used;
    uint8_t valid, dirty;   /* dirty: 0 clean, else 1 + its write class */
} ext2_cblock_t;

typedef struct ext2 {
    ext2_read_fn read;
    ext2_write_fn write;    /* 0: read-only */
    ext2_flush_fn flush;
    void *ctx;
    uint32_t block_size, inodes_count, blocks_count, first_data_block;
    uint32_t blocks_per_group, inodes_per_group, ngroups, inode_size, rev;
    uint32_t gd_block;      /* first block of the group descriptor table */
    uint32_t gd_end;        /* first block after it */
    uint32_t first_ino, incompat, ro_compat;
    uint32_t sb_block, sb_off;
    bool rw;                /* writes allowed (a writer, known features, device not read-only) */
    uint32_t now;           /* seconds, for timestamps (ext2_set_time) */
    /* called when an inode is freed (the service drops handles to it) */
    void (*on_free)(void *arg, uint32_t ino);
    void *on_free_arg;
    uint32_t tick;
    ext2_cblock_t cb[EXT2_CACHE];
    uint8_t hint[EXT2_HINTS];   /* a guess at the slot of a block (cslot) */
    uint32_t npend_blk, npend_ino;
    uint32_t pend_blk[128];
    uint32_t pend_ino[32];  /* ino | 1 << 31 for a directory */
    _Alignas(EXT2_CACHE_ALIGN) uint8_t cdata[EXT2_CACHE][EXT2_MAX_BLOCK];
} ext2_t;

/* Reads and checks the superblock; read-only. */
int ext2_mount(ext2_t *fs, ext2_read_fn read, void *ctx);
/* The same, writable when write is given and the image has no feature this
 * code cannot keep consistent (then it mounts read-only: fs->rw false). */
int ext2_mount_rw(ext2_t *fs, ext2_read_fn read, ext2_write_fn write, ext2_flush_fn flush, void *ctx);
static inline void ext2_set_time(ext2_t *fs, uint32_t secs) { fs->now = secs; }
/* The superblock's last write time (a base for a clock-less service). */
uint32_t ext2_wtime(ext2_t *fs);

/* Inode ino (1..inodes_count), checked. */
int ext2_inode(ext2_t *fs, uint32_t ino, ext2_inode_t *out);
/* Writes in's fields back to its inode (times, mode, size, links). */
int ext2_put_inode(ext2_t *fs, const ext2_inode_t *in);
/* Up to len bytes of the file at off into buf: bytes read (0 at the end),
 * or < 0. Holes read as zeros. */
int64_t ext2_read(ext2_t *fs, const ext2_inode_t *in, uint64_t off, void *buf, uint32_t len);
/* len bytes at off into regular file in (allocating blocks): bytes written
 * (fewer when the disk fills), or < 0. Updates *in and its inode. */
int64_t ext2_write(ext2_t *fs, ext2_inode_t *in, uint64_t off, const void *buf, uint32_t len);
/* Sets the size of regular file in (freeing or leaving holes). */
int ext2_truncate(ext2_t *fs, ext2_inode_t *in, uint64_t size);
/* Name (len bytes, no '/') in directory dir: its inode number, or < 0. */
int64_t ext2_lookup(ext2_t *fs, const ext2_inode_t *dir, const char *name, uint32_t len);
/* A path below directory start, which is its root: a leading "/", an
 * absolute symlink and ".." all stay at or below start (a directory
 * capability opens only below its directory); with EXT2_BENEATH they are
 * EXT2_EESCAPE instead. Symlinks are followed, at most 8 (the last
 * component not with EXT2_NOFOLLOW). Its inode in *out. */
int ext2_resolve(ext2_t *fs, uint32_t start, const char *path, uint32_t len, ext2_inode_t *out);
int ext2_resolve_at(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags,
                    ext2_inode_t *out);
/* Calls fn for each entry of directory dir (including "." and ".."),
 * stopping when fn returns false. Returns entries seen, or < 0. */
typedef bool (*ext2_dir_fn)(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len);
int ext2_readdir(ext2_t *fs, const ext2_inode_t *dir, ext2_dir_fn fn, void *arg);
/* The target of symlink in: its length (at most cap bytes), or < 0. */
int64_t ext2_readlink(ext2_t *fs, const ext2_inode_t *in, char *buf, uint32_t cap);

/* Name operations: paths below start, resolved as ext2_resolve_at with
 * flags (the last component is never followed). */
/* A new file (mode 0x8000 | perm) or directory (0x4000 | perm); *out its inode. */
int ext2_create(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags,
                uint16_t mode, ext2_inode_t *out);
int ext2_symlink(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags,
                 const char *target, uint32_t tlen);
int ext2_unlink(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags);
int ext2_rmdir(ext2_t *fs, uint32_t start, const char *path, uint32_t len, int flags);
int ext2_link(ext2_t *fs, uint32_t start1, const char *p1, uint32_t l1, uint32_t start2,
              const char *p2, uint32_t l2, int flags);
int ext2_rename(ext2_t *fs, uint32_t start1, const char *p1, uint32_t l1, uint32_t start2,
                const char *p2, uint32_t l2, int flags);

/* Writes every dirty block, in order (then the deferred frees). */
int ext2_writeback(ext2_t *fs);
/* ext2_writeback, then the device's flush: what was written survives a
 * power-off. */
int ext2_sync(ext2_t *fs);
/* Free blocks and inodes (the superblock's counts). */
uint32_t ext2_free_blocks(ext2_t *fs);

static inline bool ext2_is_dir(const ext2_inode_t *in) { return (in->mode & 0xf000) == 0x4000; }
static inline bool ext2_is_reg(const ext2_inode_t *in) { return (in->mode & 0xf000) == 0x8000; }
static inline bool ext2_is_link(const ext2_inode_t *in) { return (in->mode & 0xf000) == 0xa000; }

#endif
