/*
 * The file service's protocol (endpoint fs.root; docs/storage.md has the
 * table). A call is op(a0, a1, a2, lent): a0 = FS_A0(op, handle), handle 0
 * the directory the endpoint stands for (the root, for fs.root) or a handle
 * FS_OPEN gave; paths are bytes in the lent buffer (no terminator).
 * Results >= 0, or < 0: ATH_E* (bad request) or FS_E* (file system).
 */
#ifndef FSPROTO_H
#define FSPROTO_H

#include <stdint.h>

#define FS_A0(op, h) ((int64_t)(op) | (int64_t)(h) << 8)
#define FS_LEN2(a, b) ((int64_t)(uint32_t)(a) | (int64_t)(b) << 32)

enum {
    FS_STAT = 0,        /* path                      -> size << 8 | type (1 file, 2 dir, 7 link) */
    FS_READ = 1,        /* path, offset              -> bytes read into the buffer */
    FS_LIST = 2,        /* path, index               -> name in the buffer; len | type << 16 */
    FS_OPEN = 3,        /* path | flags << 32        -> a handle */
    FS_CLOSE = 4,       /* (handle)                  -> 0 */
    FS_PREAD = 5,       /* offset, len               -> bytes read into the buffer */
    FS_PWRITE = 6,      /* offset (-1: the end), len -> bytes written from the buffer */
    FS_FSTAT = 7,       /* (handle)                  -> 0, fs_stat_t in the buffer */
    FS_STATAT = 8,      /* path | flags << 32        -> 0, fs_stat_t in the buffer */
    FS_READDIR = 9,     /* cookie                    -> bytes of entries in the buffer (0: end) */
    FS_TRUNCATE = 10,   /* size                      -> 0 */
    FS_MKDIR = 11,      /* path                      -> 0 */
    FS_UNLINK = 12,     /* path                      -> 0 */
    FS_RMDIR = 13,      /* path                      -> 0 */
    FS_RENAME = 14,     /* len1 | len2 << 32, handle2 -> 0; buffer: path1 then path2 */
    FS_SYMLINK = 15,    /* tlen | plen << 32         -> 0; buffer: target then path */
    FS_READLINK = 16,   /* path                      -> target length, target in the buffer */
    FS_LINK = 17,       /* as FS_RENAME              -> 0 */
    FS_SYNC = 18,       /*                           -> 0: everything written is on the disk */
    FS_SETTIMES = 19,   /* atime, mtime (s; -1 keep, -2 now) -> 0 */
    FS_NOPS
};

/* FS_OPEN and FS_STATAT flags (the high 32 bits of a1). */
enum {
    FS_O_CREAT = 1, FS_O_EXCL = 2, FS_O_TRUNC = 4, FS_O_DIRECTORY = 8,
    FS_O_NOFOLLOW = 16, FS_O_WRITE = 32,
};

/* Errors: the ext2 code's (user/services/fs/ext2.h) - 200, and the
 * service's own. */
enum {
    FS_EIO = -201, FS_ECORRUPT = -202, FS_ENOENT = -203, FS_ENOTDIR = -204,
    FS_EISDIR = -205, FS_ELOOP = -206, FS_ENAMETOOLONG = -207, FS_EUNSUPP = -208,
    FS_EINVAL = -209, FS_EEXIST = -210, FS_ENOTEMPTY = -211, FS_ENOSPC = -212,
    FS_EROFS = -213, FS_EESCAPE = -214, FS_EFBIG = -215, FS_EBUSY = -216,
    FS_EMLINK = -217,
    FS_EBADF = -220,    /* no such handle, a closed or stale one, or not open for writing */
    FS_ENFILE = -221,   /* the handle table is full */
    FS_EAGAIN = -222,   /* not ready yet (a sensor file's first reading, a decision at the
                           shell): the WASI backend asks again every 20 ms, up to 40 s */
    FS_ENODEV = -223,   /* no disk: the block driver has no device (this boot has none) */
};

/* FS_FSTAT / FS_STATAT record (little-endian, 56 bytes). */
typedef struct fs_stat {
    uint64_t ino, size;
    uint64_t atime, mtime, ctime;   /* seconds */
    uint32_t mode;                  /* ext2 mode: type 0xf000 (0x4000 dir, 0x8000 file, 0xa000 link), permissions */
    uint32_t links;
    uint64_t sectors;               /* 512-byte units held */
} fs_stat_t;

/* FS_READDIR entries: WASI's dirent layout (24 bytes, then the name). */
typedef struct fs_dirent {
    uint64_t next;                  /* the cookie of the next entry */
    uint64_t ino;
    uint32_t namelen;
    uint8_t type;                   /* WASI filetype: 3 directory, 4 regular file, 7 symlink, 0 other */
    uint8_t pad[3];
} fs_dirent_t;

#define FS_PATH_MAX 1024
#define FS_LEND_PAGES 16            /* the largest buffer the service maps */

/* Helper (libathanor.a): reads the whole regular file at path (below fs's
 * directory) into dst, at most cap bytes, through io, a one-page buffer of
 * ours (iobuf) mapped there. Its size, or < 0 (ATH_EFULL: larger than cap;
 * ATH_EINVAL: not a regular file, or it changed while read; FS_E*). */
int32_t ath_fs_read_file(int32_t fs, int32_t iobuf, uint8_t *io, const char *path, uint8_t *dst,
                         uint32_t cap);
/* Helper (libathanor.a): writes len bytes of src as the file at path
 * (created, or truncated), through io, a buffer of ours (iobuf, io_bytes
 * long, at most FS_LEND_PAGES pages) mapped there, and syncs it to the
 * disk. len, or < 0 (ATH_E*, FS_E*). */
int32_t ath_fs_write_file(int32_t fs, int32_t iobuf, uint8_t *io, uint32_t io_bytes, const char *path,
                          const uint8_t *src, uint32_t len);

#endif
