/*
 * The ext2 reader (user/services/fs/ext2.c) against images e2fsprogs
 * builds at test time (mke2fs -d, no root needed), with 1 KiB and 4 KiB
 * blocks: files small and large (double indirect blocks), holes,
 * directories, relative, absolute and looping symlinks, ".." confined to
 * the start directory; then images corrupted field by field: each must
 * give an error, never a crash (ASan/UBSan) or a hang.
 */
#include "unit.h"

#include <ext2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct img {
    uint8_t *p;
    size_t len;
} img_t;

static int img_read(void *ctx, uint64_t off, void *buf, uint32_t len)
{
    img_t *m = ctx;
    if (off > m->len || len > m->len - off)
        return -1;
    memcpy(buf, m->p + off, len);
    return 0;
}

#define BIG (300 * 1024)

/* Builds an image with block size bs; false when mke2fs is missing. */
static bool build(img_t *m, int bs)
{
    char dir[] = "/tmp/azoth-ext2-XXXXXX", cmd[2048], path[600];
    if (!mkdtemp(dir))
        return false;
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir -p tree/dir/sub && printf 'hello, ext2\\n' > tree/hello.txt && "
             "printf 'deep\\n' > tree/dir/sub/deep.txt && "
             "head -c %d /dev/zero | tr '\\0' 'z' > tree/big && "
             "ln -s dir/sub/deep.txt tree/link && ln -s /hello.txt tree/abs && "
             "ln -s loop tree/loop && ln -s ../../.. tree/dir/sub/up && "
             "ln -s dir/sub/../../dir/sub/../../dir/sub/../../dir/sub/../../dir/sub/../../dir/sub/deep.txt tree/longlink && "
             "truncate -s 100000 tree/sparse && printf end >> tree/sparse && "
             "E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b %d -d tree -U 4e2a7e6c-1b2c-4d3e-8f90-a1b2c3d4e5f6 "
             "-E hash_seed=4e2a7e6c-1b2c-4d3e-8f90-a1b2c3d4e5f6 img 2M >/dev/null",
             dir, BIG, bs);
    int st = system(cmd);
    if (st != 0)
        printf("  mke2fs command failed (status %d): %s\n", st, cmd);
    snprintf(path, sizeof path, "%s/img", dir);
    FILE *f = st == 0 ? fopen(path, "rb") : NULL;
    if (f) {
        m->len = 2 * 1024 * 1024;
        m->p = malloc(m->len);
        m->len = fread(m->p, 1, m->len, f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return false;
    return f != NULL;
}

static int64_t cat(ext2_t *fs, const char *path, char *out, uint32_t cap)
{
    ext2_inode_t in;
    int e = ext2_resolve(fs, EXT2_ROOT, path, (uint32_t)strlen(path), &in);
    if (e)
        return e;
    int64_t n = ext2_read(fs, &in, 0, out, cap - 1);
    if (n >= 0)
        out[n] = 0;
    return n;
}

static bool count_rec(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len)
{
    (void)ino, (void)type, (void)name, (void)len;
    (*(int *)arg)++;
    return true;
}

static void check_image(int bs)
{
    img_t m;
    ext2_t *fs = malloc(sizeof *fs);
    bool built = build(&m, bs);
    CHECK(built);               /* e2fsprogs (Debian: e2fsprogs) builds it */
    if (!built) {
        free(fs);
        return;
    }
    CHECK_EQ(ext2_mount(fs, img_read, &m), EXT2_OK);
    CHECK_EQ(fs->block_size, (uint32_t)bs);
    char buf[512];
    CHECK_EQ(cat(fs, "hello.txt", buf, sizeof buf), 12);
    CHECK(strcmp(buf, "hello, ext2\n") == 0);
    CHECK_EQ(cat(fs, "/dir/sub/deep.txt", buf, sizeof buf), 5);
    CHECK_EQ(cat(fs, "link", buf, sizeof buf), 5);             /* relative symlink */
    CHECK(strcmp(buf, "deep\n") == 0);
    CHECK_EQ(cat(fs, "abs", buf, sizeof buf), 12);             /* absolute: from our root */
    CHECK_EQ(cat(fs, "longlink", buf, sizeof buf), 5);
    CHECK_EQ(cat(fs, "loop", buf, sizeof buf), EXT2_ELOOP);
    CHECK_EQ(cat(fs, "nope", buf, sizeof buf), EXT2_ENOENT);
    CHECK_EQ(cat(fs, "hello.txt/x", buf, sizeof buf), EXT2_ENOTDIR);
    CHECK_EQ(cat(fs, "../../hello.txt", buf, sizeof buf), 12); /* ".." stops at the root */
    /* confined to a start directory: nothing above it is reachable */
    ext2_inode_t sub, in;
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, "dir/sub", 7, &sub), EXT2_OK);
    CHECK_EQ(ext2_resolve(fs, sub.ino, "../../hello.txt", 15, &in), EXT2_ENOENT);
    CHECK_EQ(ext2_resolve(fs, sub.ino, "/hello.txt", 10, &in), EXT2_ENOENT);
    CHECK_EQ(ext2_resolve(fs, sub.ino, "up/hello.txt", 12, &in), EXT2_ENOENT);
    CHECK_EQ(ext2_resolve(fs, sub.ino, "/deep.txt", 9, &in), EXT2_OK);
    /* a big file through the indirect blocks, read in odd pieces */
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, "big", 3, &in), EXT2_OK);
    CHECK_EQ(in.size, BIG);
    uint64_t total = 0;
    bool all_z = true;
    for (;;) {
        int64_t n = ext2_read(fs, &in, total, buf, 333);
        CHECK(n >= 0);
        if (n <= 0)
            break;
        for (int64_t i = 0; i < n; i++)
            all_z &= buf[i] == 'z';
        total += (uint64_t)n;
    }
    CHECK_EQ(total, BIG);
    CHECK(all_z);
    /* a sparse file: zeros, then "end" */
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, "sparse", 6, &in), EXT2_OK);
    CHECK_EQ(ext2_read(fs, &in, 99990, buf, 100), 13);
    CHECK(buf[0] == 0 && memcmp(buf + 10, "end", 3) == 0);
    /* the root directory: . .. lost+found hello.txt dir big link abs loop longlink sparse */
    ext2_inode_t root;
    CHECK_EQ(ext2_inode(fs, EXT2_ROOT, &root), EXT2_OK);
    int n = 0;
    CHECK_EQ(ext2_readdir(fs, &root, count_rec, &n), 11);
    CHECK_EQ(n, 11);
    CHECK_EQ(ext2_read(fs, &root, 0, buf, 10) >= 0, true);    /* reading a directory is allowed */
    CHECK_EQ(ext2_inode(fs, 0, &in), EXT2_ECORRUPT);
    CHECK_EQ(ext2_inode(fs, fs->inodes_count + 1, &in), EXT2_ECORRUPT);

    /* Corruptions, one at a time, each on a fresh copy. */
    uint8_t *orig = malloc(m.len);
    memcpy(orig, m.p, m.len);
    struct { size_t off; uint32_t v; int width; int want_mount; } sb[] = {
        {1024 + 56, 0x1234, 2, EXT2_ECORRUPT},      /* magic */
        {1024 + 24, 7, 4, EXT2_EUNSUPP},            /* 128 KiB blocks */
        {1024 + 0, 0, 4, EXT2_ECORRUPT},            /* no inodes */
        {1024 + 4, 0, 4, EXT2_ECORRUPT},            /* no blocks */
        {1024 + 32, 0, 4, EXT2_ECORRUPT},           /* blocks per group 0 */
        {1024 + 40, 1, 4, EXT2_ECORRUPT},           /* too few inodes per group */
        {1024 + 88, 100, 2, EXT2_ECORRUPT},         /* inode size */
        {1024 + 96, 0x40, 4, EXT2_EUNSUPP},         /* extents */
        {1024 + 76, 5, 4, EXT2_EUNSUPP},            /* revision */
    };
    for (size_t i = 0; i < sizeof sb / sizeof sb[0]; i++) {
        memcpy(m.p, orig, m.len);
        for (int k = 0; k < sb[i].width; k++)
            m.p[sb[i].off + (size_t)k] = (uint8_t)(sb[i].v >> (8 * k));
        CHECK_EQ(ext2_mount(fs, img_read, &m), sb[i].want_mount);
    }
    /* Every byte of the group descriptors, the root inode and the root
     * directory block flipped in turn: whatever happens, no crash, and the
     * walks end. */
    memcpy(m.p, orig, m.len);
    CHECK_EQ(ext2_mount(fs, img_read, &m), EXT2_OK);
    CHECK_EQ(ext2_inode(fs, EXT2_ROOT, &root), EXT2_OK);
    size_t gd = (size_t)fs->gd_block * fs->block_size;
    size_t rootdir = (size_t)root.blocks[0] * fs->block_size;
    size_t spots[2] = {gd, rootdir};
    int errors = 0;
    for (int s = 0; s < 2; s++)
        for (size_t b = 0; b < 64; b++) {
            memcpy(m.p, orig, m.len);
            m.p[spots[s] + b] ^= 0xff;
            if (ext2_mount(fs, img_read, &m) != EXT2_OK) {
                errors++;
                continue;
            }
            errors += cat(fs, "dir/sub/deep.txt", buf, sizeof buf) < 0;
            int k = 0;
            if (ext2_inode(fs, EXT2_ROOT, &root) == EXT2_OK)
                errors += ext2_readdir(fs, &root, count_rec, &k) < 0;
        }
    CHECK(errors > 0);          /* some of those must have been noticed */
    /* the device failing */
    memcpy(m.p, orig, m.len);
    img_t cut = {m.p, 4096};
    CHECK_EQ(ext2_mount(fs, img_read, &cut), EXT2_OK);
    CHECK_EQ(cat(fs, "hello.txt", buf, sizeof buf), EXT2_EIO);
    free(orig);
    free(m.p);
    free(fs);
}

TEST(ext2_read_1k_blocks)
{
    check_image(1024);
}

TEST(ext2_read_4k_blocks)
{
    check_image(4096);
}
