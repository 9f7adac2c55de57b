/*
 * ext2, read side (revision 0 and 1, 1 KiB to 4 KiB blocks): the on-disk
 * parser the file service domain uses (docs/storage.md). Portable C with
 * no library: it builds for wasm32 (the service) and for the host (unit
 * tests, the libFuzzer target tests/fuzz/fuzz_ext2.c).
 *
 * Every on-disk value is checked before it is used: block numbers against
 * the block count, inode numbers against the inode count, directory
 * records against their block, sizes against what the blocks can hold, and
 * every walk is bounded (path depth, symlinks followed, blocks per read),
 * so a corrupt or hostile image gives EXT2_ECORRUPT, never a crash or a
 * hang. Nothing is written.
 */
#ifndef EXT2_H
#define EXT2_H

#include <stdbool.h>
#include <stdint.h>

enum {
    EXT2_OK = 0,
    EXT2_EIO = -1,          /* the device read failed */
    EXT2_ECORRUPT = -2,     /* the image contradicts itself */
    EXT2_ENOENT = -3,
    EXT2_ENOTDIR = -4,
    EXT2_EISDIR = -5,
    EXT2_ELOOP = -6,        /* too many symlinks */
    EXT2_ENAMETOOLONG = -7,
    EXT2_EUNSUPP = -8,      /* a feature this reader does not have */
    EXT2_EINVAL = -9,
};

#define EXT2_ROOT 2
#define EXT2_MAX_BLOCK 4096
#define EXT2_NAME_MAX 255

/* Reads len bytes at byte offset off of the device into buf: 0 or < 0. */
typedef int (*ext2_read_fn)(void *ctx, uint64_t off, void *buf, uint32_t len);

typedef struct ext2_inode {
    uint32_t ino;
    uint16_t mode;          /* type in the top 4 bits (0x4000 dir, 0x8000 file, 0xa000 link) */
    uint16_t links;
    uint64_t size;
    uint32_t atime, ctime, mtime;
    uint32_t blocks[15];    /* 12 direct, single, double, triple indirect */
    uint32_t flags;
} ext2_inode_t;

typedef struct ext2 {
    ext2_read_fn read;
    void *ctx;
    uint32_t block_size, inodes_count, blocks_count, first_data_block;
    uint32_t blocks_per_group, inodes_per_group, ngroups, inode_size, rev;
    uint32_t gd_block;      /* first block of the group descriptor table */
    /* one cached block (indirect blocks, directory blocks) */
    uint32_t cached;        /* its number, 0: none */
    uint8_t buf[EXT2_MAX_BLOCK];
} ext2_t;

/* Reads and checks the superblock. */
int ext2_mount(ext2_t *fs, ext2_read_fn read, void *ctx);
/* Inode ino (1..inodes_count), checked. */
int ext2_inode(ext2_t *fs, uint32_t ino, ext2_inode_t *out);
/* Up to len bytes of the file at off into buf: bytes read (0 at the end),
 * or < 0. Holes read as zeros. */
int64_t ext2_read(ext2_t *fs, const ext2_inode_t *in, uint64_t off, void *buf, uint32_t len);
/* Name (len bytes, no '/') in directory dir: its inode number, or < 0. */
int64_t ext2_lookup(ext2_t *fs, const ext2_inode_t *dir, const char *name, uint32_t len);
/* A path below directory start, which is its root: a leading "/", an
 * absolute symlink and ".." all stay at or below start (a directory
 * capability opens only below its directory). Symlinks are followed, at
 * most 8. Its inode in *out. */
int ext2_resolve(ext2_t *fs, uint32_t start, const char *path, uint32_t len, ext2_inode_t *out);
/* Calls fn for each entry of directory dir (including "." and ".."),
 * stopping when fn returns false. Returns entries seen, or < 0. */
typedef bool (*ext2_dir_fn)(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len);
int ext2_readdir(ext2_t *fs, const ext2_inode_t *dir, ext2_dir_fn fn, void *arg);

static inline bool ext2_is_dir(const ext2_inode_t *in) { return (in->mode & 0xf000) == 0x4000; }
static inline bool ext2_is_reg(const ext2_inode_t *in) { return (in->mode & 0xf000) == 0x8000; }
static inline bool ext2_is_link(const ext2_inode_t *in) { return (in->mode & 0xf000) == 0xa000; }

#endif
