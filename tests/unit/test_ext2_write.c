/*
 * The ext2 write side (user/services/fs/ext2.c) against images mke2fs
 * builds at test time (1 KiB blocks with 128-byte inodes, 4 KiB blocks
 * with 256-byte inodes): create, write (direct, indirect and double
 * indirect blocks, holes), truncate, unlink, mkdir, rmdir, rename (files
 * and directories, across directories, replacing), hard and symbolic
 * links, timestamps. After each step the image goes to a file and
 * `e2fsck -fn` must find it clean, and `debugfs` must show what was
 * written. Then the failures: a full disk (ENOSPC), no inodes left, a
 * read-only device (EROFS, nothing changes), a device failing writes
 * (EIO, no crash, clean once it works again), and paths that try to leave
 * their start directory (EXT2_EESCAPE).
 */
#include "unit.h"

#include <ext2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct wimg {
    uint8_t *p;
    size_t len;
    int fail_writes;        /* < 0: never; else writes left before EIO */
    bool ro;
    long writes, flushes, reads;
} wimg_t;

static int w_read(void *ctx, uint64_t off, void *buf, uint32_t len)
{
    wimg_t *m = ctx;
    if (off > m->len || len > m->len - off)
        return -1;
    memcpy(buf, m->p + off, len);
    m->reads++;
    return 0;
}

static int w_write(void *ctx, uint64_t off, const void *buf, uint32_t len)
{
    wimg_t *m = ctx;
    if (m->ro)
        return EXT2_EROFS;
    if (m->fail_writes == 0)
        return EXT2_EIO;
    if (m->fail_writes > 0)
        m->fail_writes--;
    if (off > m->len || len > m->len - off)
        return EXT2_EIO;
    memcpy(m->p + off, buf, len);
    m->writes++;
    return 0;
}

static int w_flush(void *ctx)
{
    ((wimg_t *)ctx)->flushes++;
    return 0;
}

static char tmpdir[64];

/* An image of block size bs, inode size isz, inodes (0: default). */
static bool wbuild(wimg_t *m, int bs, int isz, int inodes, const char *size)
{
    char cmd[2048], path[128];
    memset(m, 0, sizeof *m);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/azoth-ext2w-XXXXXX");
    if (!mkdtemp(tmpdir))
        return false;
    char nopt[32] = "";
    if (inodes)
        snprintf(nopt, sizeof nopt, "-N %d", inodes);
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir -p tree/dir/sub tree/out && printf 'hello, ext2\\n' > tree/hello.txt && "
             "printf 'deep\\n' > tree/dir/sub/deep.txt && ln -s ../../hello.txt tree/dir/sub/up && "
             "ln -s /hello.txt tree/dir/abs && "
             "E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b %d -I %d %s -m 0 -d tree img %s >/dev/null",
             tmpdir, bs, isz, nopt, size);
    if (system(cmd) != 0)
        return false;
    snprintf(path, sizeof path, "%s/img", tmpdir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    m->len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    m->p = malloc(m->len);
    bool ok = fread(m->p, 1, m->len, f) == m->len;
    fclose(f);
    m->fail_writes = -1;
    m->ro = false;
    return ok;
}

static void wdone(wimg_t *m)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("  (could not remove %s)\n", tmpdir);
    free(m->p);
}

/* The image to its file, then e2fsck -fn: true when clean. */
static bool fsck_clean(const wimg_t *m)
{
    char path[128], cmd[256];
    snprintf(path, sizeof path, "%s/img", tmpdir);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(m->p, 1, m->len, f) != m->len) {
        if (f)
            fclose(f);
        return false;
    }
    fclose(f);
    snprintf(cmd, sizeof cmd, "e2fsck -fn %s >%s/fsck.log 2>&1", path, tmpdir);
    int st = system(cmd);
    if (st != 0) {
        snprintf(cmd, sizeof cmd, "cat %s/fsck.log", tmpdir);
        if (system(cmd) != 0)
            printf("  (no e2fsck log)\n");
    }
    return st == 0;
}

/* debugfs -R REQUEST on the image file (written by fsck_clean): its
 * output (stdout) into out. */
static void dbg(const char *req, char *out, size_t cap)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "debugfs -R '%s' %s/img 2>/dev/null", req, tmpdir);
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(out, 1, cap - 1, p) : 0;
    out[n] = 0;
    if (p)
        pclose(p);
}

static uint8_t pattern(uint64_t i) { return (uint8_t)(i * 7 + i / 251); }

static int64_t put(ext2_t *fs, const char *path, const void *data, uint32_t len)
{
    ext2_inode_t in;
    int e = ext2_create(fs, EXT2_ROOT, path, (uint32_t)strlen(path), 0, 0x81a4, &in);
    if (e)
        return e;
    return ext2_write(fs, &in, 0, data, len);
}

#define P(s) s, (uint32_t)strlen(s)

static void write_image(int bs, int isz)
{
    wimg_t m;
    ext2_t *fs = malloc(sizeof *fs);
    char out[8192], buf[4096];
    bool built = wbuild(&m, bs, isz, 0, "4M");
    CHECK(built);
    CHECK_EQ(ext2_mount_rw(fs, w_read, w_write, w_flush, &m), EXT2_OK);
    CHECK(fs->rw);
    ext2_set_time(fs, 1234567890);
    uint32_t free0 = ext2_free_blocks(fs);

    /* create + write, read back through the cache and through debugfs */
    CHECK_EQ(put(fs, "new.txt", "written by azoth\n", 17), 17);
    CHECK_EQ(put(fs, "new.txt", "x", 1), EXT2_EEXIST);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(m.flushes == 1);
    CHECK(fsck_clean(&m));
    dbg("cat /new.txt", out, sizeof out);
    CHECK(strcmp(out, "written by azoth\n") == 0);
    dbg("stat /new.txt", out, sizeof out);
    CHECK(strstr(out, "mtime: 0x499602d2") != NULL);  /* 1234567890 */

    /* a big file in odd pieces: direct, single and double indirect */
    uint32_t big = 300 * 1024 + 123;
    uint8_t *data = malloc(big);
    for (uint32_t i = 0; i < big; i++)
        data[i] = pattern(i);
    ext2_inode_t in;
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("dir/big"), 0, 0x81a4, &in), EXT2_OK);
    for (uint32_t off = 0; off < big;) {
        uint32_t n = big - off < 3333 ? big - off : 3333;
        CHECK_EQ(ext2_write(fs, &in, off, data + off, n), n);
        off += n;
    }
    CHECK_EQ(in.size, big);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    char cmd[256];
    snprintf(cmd, sizeof cmd, "dump /dir/big %s/big.out", tmpdir);
    dbg(cmd, out, sizeof out);
    snprintf(cmd, sizeof cmd, "%s/big.out", tmpdir);
    FILE *f = fopen(cmd, "rb");
    CHECK(f != NULL);
    uint8_t *back = malloc(big + 1);
    size_t got = fread(back, 1, big + 1, f);
    fclose(f);
    CHECK_EQ(got, big);
    CHECK(memcmp(back, data, big) == 0);
    /* overwrite in the middle, read back through the code */
    CHECK_EQ(ext2_write(fs, &in, 5000, "MIDDLE", 6), 6);
    CHECK_EQ(ext2_read(fs, &in, 4998, buf, 10), 10);
    CHECK(buf[0] == (char)pattern(4998) && memcmp(buf + 2, "MIDDLE", 6) == 0);

    /* truncate down (frees blocks, indirect ones too), then up: zeros */
    CHECK_EQ(ext2_truncate(fs, &in, 5003), EXT2_OK);
    CHECK_EQ(ext2_truncate(fs, &in, 9000), EXT2_OK);
    CHECK_EQ(ext2_read(fs, &in, 5000, buf, 4000), 4000);
    CHECK(memcmp(buf, "MID", 3) == 0 && buf[3] == 0 && buf[3999] == 0);
    /* a hole: write far past the end */
    CHECK_EQ(ext2_write(fs, &in, 100000, "end", 3), 3);
    CHECK_EQ(ext2_read(fs, &in, 99000, buf, 1003), 1003);
    CHECK(buf[0] == 0 && memcmp(buf + 1000, "end", 3) == 0);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    dbg("stat /dir/big", out, sizeof out);
    CHECK(strstr(out, "Size: 100003") != NULL);
    CHECK_EQ(ext2_truncate(fs, &in, 0), EXT2_OK);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));

    /* directories: mkdir, nested, files in them, rename across, rmdir */
    ext2_inode_t d;
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("a"), 0, 0x41ed, &d), EXT2_OK);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("a/b"), 0, 0x41ed, &d), EXT2_OK);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("a"), 0, 0x41ed, &d), EXT2_EEXIST);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("nosuch/x"), 0, 0x41ed, &d), EXT2_ENOENT);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("hello.txt/x"), 0, 0x81a4, &d), EXT2_ENOTDIR);
    CHECK_EQ(put(fs, "a/b/f", "file f", 6), 6);
    for (int i = 0; i < 120; i++) {     /* enough names to need a second directory block */
        char name[64];
        snprintf(name, sizeof name, "a/many-files-with-longish-names-%03d", i);
        CHECK_EQ(put(fs, name, name, (uint32_t)strlen(name)), (int64_t)strlen(name));
    }
    CHECK_EQ(ext2_rmdir(fs, EXT2_ROOT, P("a/b"), 0), EXT2_ENOTEMPTY);
    CHECK_EQ(ext2_rename(fs, EXT2_ROOT, P("a/b/f"), EXT2_ROOT, P("g"), 0), EXT2_OK);
    CHECK_EQ(ext2_rename(fs, EXT2_ROOT, P("a/b"), EXT2_ROOT, P("b2"), 0), EXT2_OK);
    CHECK_EQ(ext2_rename(fs, EXT2_ROOT, P("a"), EXT2_ROOT, P("b2/inside"), 0), EXT2_OK);
    CHECK_EQ(ext2_rename(fs, EXT2_ROOT, P("b2"), EXT2_ROOT, P("b2/inside/loop"), 0), EXT2_EINVAL);
    CHECK_EQ(ext2_rename(fs, EXT2_ROOT, P("g"), EXT2_ROOT, P("new.txt"), 0), EXT2_OK);  /* replaces */
    CHECK_EQ(ext2_rename(fs, EXT2_ROOT, P("new.txt"), EXT2_ROOT, P("b2"), 0), EXT2_EISDIR);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("empty"), 0, 0x41ed, &d), EXT2_OK);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("b2/x"), 0, 0x41ed, &d), EXT2_OK);
    CHECK_EQ(ext2_rename(fs, EXT2_ROOT, P("empty"), EXT2_ROOT, P("b2/x"), 0), EXT2_OK);  /* replaces a dir */
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    dbg("cat /new.txt", out, sizeof out);
    CHECK(strcmp(out, "file f") == 0);
    dbg("cat /b2/inside/many-files-with-longish-names-119", out, sizeof out);
    CHECK(strcmp(out, "a/many-files-with-longish-names-119") == 0);
    dbg("ls -l /b2", out, sizeof out);
    CHECK(strstr(out, "inside") != NULL);
    for (int i = 0; i < 120; i++) {
        char name[64];
        snprintf(name, sizeof name, "b2/inside/many-files-with-longish-names-%03d", i);
        CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, name, (uint32_t)strlen(name), 0), EXT2_OK);
    }
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("b2/inside"), 0), EXT2_EISDIR);
    CHECK_EQ(ext2_rmdir(fs, EXT2_ROOT, P("new.txt"), 0), EXT2_ENOTDIR);
    CHECK_EQ(ext2_rmdir(fs, EXT2_ROOT, P("b2/inside"), 0), EXT2_OK);
    CHECK_EQ(ext2_rmdir(fs, EXT2_ROOT, P("b2/x"), 0), EXT2_OK);
    CHECK_EQ(ext2_rmdir(fs, EXT2_ROOT, P("b2"), 0), EXT2_OK);
    CHECK_EQ(ext2_rmdir(fs, EXT2_ROOT, P("."), 0), EXT2_EINVAL);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    dbg("ls /", out, sizeof out);
    CHECK(strstr(out, "b2") == NULL && strstr(out, "new.txt") != NULL);

    /* links: hard, short and long symlinks */
    CHECK_EQ(ext2_link(fs, EXT2_ROOT, P("new.txt"), EXT2_ROOT, P("dir/hard"), 0), EXT2_OK);
    CHECK_EQ(ext2_symlink(fs, EXT2_ROOT, P("short"), 0, P("new.txt")), EXT2_OK);
    char target[300];
    memset(target, 'x', sizeof target);
    memcpy(target, "dir/", 4);
    CHECK_EQ(ext2_symlink(fs, EXT2_ROOT, P("long"), 0, target, 200), EXT2_OK);
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("short"), &in), EXT2_OK);
    CHECK_EQ(ext2_read(fs, &in, 0, buf, 100), 6);
    CHECK_EQ(ext2_resolve_at(fs, EXT2_ROOT, P("long"), EXT2_NOFOLLOW, &in), EXT2_OK);
    CHECK_EQ(ext2_readlink(fs, &in, buf, sizeof buf), 200);
    CHECK(memcmp(buf, target, 200) == 0);
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("new.txt"), 0), EXT2_OK);
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("dir/hard"), &in), EXT2_OK);
    CHECK_EQ(in.links, 1);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    dbg("cat /dir/hard", out, sizeof out);
    CHECK(strcmp(out, "file f") == 0);
    dbg("stat /long", out, sizeof out);
    CHECK(strstr(out, "Type: symlink") != NULL);
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("long"), 0), EXT2_OK);
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("short"), 0), EXT2_OK);
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("dir/hard"), 0), EXT2_OK);
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("dir/big"), 0), EXT2_OK);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    CHECK_EQ(ext2_free_blocks(fs), free0);   /* every block came back */

    /* a directory capability: nothing above its start is reachable */
    ext2_inode_t sub;
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("dir/sub"), &sub), EXT2_OK);
    int B = EXT2_BENEATH;
    CHECK_EQ(ext2_resolve_at(fs, sub.ino, P("deep.txt"), B, &in), EXT2_OK);
    CHECK_EQ(ext2_resolve_at(fs, sub.ino, P("../../hello.txt"), B, &in), EXT2_EESCAPE);
    CHECK_EQ(ext2_resolve_at(fs, sub.ino, P("/deep.txt"), B, &in), EXT2_EESCAPE);
    CHECK_EQ(ext2_resolve_at(fs, sub.ino, P("up"), B, &in), EXT2_EESCAPE);      /* ../../hello.txt */
    CHECK_EQ(ext2_resolve_at(fs, sub.ino, P("up"), B | EXT2_NOFOLLOW, &in), EXT2_OK);
    CHECK_EQ(ext2_resolve_at(fs, sub.ino, P("x/../deep.txt"), B, &in), EXT2_ENOENT);
    CHECK_EQ(ext2_create(fs, sub.ino, P("../escaped"), B, 0x81a4, &in), EXT2_EESCAPE);
    CHECK_EQ(ext2_create(fs, sub.ino, P("/escaped"), B, 0x81a4, &in), EXT2_EESCAPE);
    CHECK_EQ(ext2_create(fs, sub.ino, P("up/x"), B, 0x81a4, &in), EXT2_EESCAPE);
    CHECK_EQ(ext2_unlink(fs, sub.ino, P("../../hello.txt"), B), EXT2_EESCAPE);
    CHECK_EQ(ext2_rename(fs, sub.ino, P("deep.txt"), sub.ino, P("../deep.txt"), B), EXT2_EESCAPE);
    CHECK_EQ(ext2_rmdir(fs, sub.ino, P(".."), B), EXT2_EINVAL);
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("dir"), &d), EXT2_OK);
    CHECK_EQ(ext2_resolve_at(fs, d.ino, P("abs"), B, &in), EXT2_EESCAPE);       /* -> /hello.txt */
    CHECK_EQ(ext2_resolve_at(fs, d.ino, P("sub/../sub/deep.txt"), B, &in), EXT2_OK);
    CHECK_EQ(ext2_create(fs, sub.ino, P("inside"), B, 0x81a4, &in), EXT2_OK);
    CHECK_EQ(ext2_unlink(fs, sub.ino, P("up"), B), EXT2_OK);          /* the link itself, not its target */
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("hello.txt"), &in), EXT2_OK);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));

    free(back);
    free(data);
    wdone(&m);
    free(fs);
}

TEST(ext2_write_1k_blocks)
{
    write_image(1024, 128);
}

TEST(ext2_write_4k_blocks)
{
    write_image(4096, 256);
}

/* Reads of whole uncached blocks go to the device in runs (one read for
 * blocks that follow each other on the disk), and a block the cache holds
 * newer than the disk is read from the cache, never from the disk. */
static void read_runs(int bs, int isz)
{
    wimg_t m;
    ext2_t *fs = malloc(sizeof *fs);
    enum { SIZE = 700 * 1024 };     /* direct, indirect and, with 1 KiB blocks, double indirect */
    static uint8_t data[SIZE], got[SIZE];
    CHECK(wbuild(&m, bs, isz, 0, "4M"));
    CHECK_EQ(ext2_mount_rw(fs, w_read, w_write, w_flush, &m), EXT2_OK);
    for (uint32_t i = 0; i < SIZE; i++)
        data[i] = pattern(i);
    CHECK_EQ(put(fs, "big", data, SIZE), SIZE);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    /* Remount: the cache starts empty, so the file's blocks are on the disk only. */
    CHECK_EQ(ext2_mount_rw(fs, w_read, w_write, w_flush, &m), EXT2_OK);
    ext2_inode_t in;
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("big"), &in), EXT2_OK);
    /* Two blocks changed in the cache only (no writeback): the read must
     * return them, not the disk's older bytes. */
    static const uint8_t mark[5] = "MARK!";
    uint64_t at1 = 3ull * (uint64_t)bs + 17, at2 = (uint64_t)SIZE - 2 * (uint64_t)bs;
    CHECK_EQ(ext2_write(fs, &in, at1, mark, sizeof mark), (int64_t)sizeof mark);
    CHECK_EQ(ext2_write(fs, &in, at2, mark, sizeof mark), (int64_t)sizeof mark);
    memcpy(data + at1, mark, sizeof mark);
    memcpy(data + at2, mark, sizeof mark);
    long r0 = m.reads;
    uint32_t chunk = 64 * 1024, blocks = SIZE / (uint32_t)bs;
    for (uint32_t off = 0; off < SIZE; off += chunk) {
        uint32_t n = SIZE - off < chunk ? SIZE - off : chunk;
        CHECK_EQ(ext2_read(fs, &in, off, got + off, n), (int64_t)n);
    }
    CHECK(memcmp(got, data, SIZE) == 0);
    long reads = m.reads - r0;
    printf("  %d-byte blocks: %u blocks read in %ld device reads\n", bs, blocks, reads);
    CHECK(reads > 0 && reads * 4 < (long)blocks);
    /* Unaligned reads across block edges agree too. */
    for (uint32_t off = 1; off < SIZE; off += 40961) {
        uint32_t n = SIZE - off < 9000 ? SIZE - off : 9000;
        memset(got, 0, n);
        CHECK_EQ(ext2_read(fs, &in, off, got, n), (int64_t)n);
        CHECK(memcmp(got, data + off, n) == 0);
    }
    /* Two files grown a block at a time in turn: their blocks alternate
     * on the disk, so no run may pass a block of the other file. */
    ext2_inode_t a, b;
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("a"), 0, 0x81a4, &a), EXT2_OK);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("b"), 0, 0x81a4, &b), EXT2_OK);
    enum { NB = 20 };
    for (uint32_t k = 0; k < NB; k++) {
        memset(data, 'a' + (int)(k % 26), (size_t)bs);
        CHECK_EQ(ext2_write(fs, &a, (uint64_t)k * (uint64_t)bs, data, (uint32_t)bs), bs);
        memset(data, 'B', (size_t)bs);
        CHECK_EQ(ext2_write(fs, &b, (uint64_t)k * (uint64_t)bs, data, (uint32_t)bs), bs);
    }
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK_EQ(ext2_mount_rw(fs, w_read, w_write, w_flush, &m), EXT2_OK);
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("a"), &a), EXT2_OK);
    CHECK_EQ(ext2_read(fs, &a, 0, got, NB * (uint32_t)bs), (int64_t)NB * bs);
    for (uint32_t k = 0; k < NB; k++)
        CHECK(got[k * (uint32_t)bs] == 'a' + (int)(k % 26) && got[(k + 1) * (uint32_t)bs - 1] == 'a' + (int)(k % 26));
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    wdone(&m);
    free(fs);
}

TEST(ext2_read_runs_1k_blocks)
{
    read_runs(1024, 128);
}

TEST(ext2_read_runs_4k_blocks)
{
    read_runs(4096, 256);
}

/* A full disk, no inodes left, a read-only device, a failing device. */
TEST(ext2_write_failures)
{
    wimg_t m;
    ext2_t *fs = malloc(sizeof *fs);
    char out[4096];
    CHECK(wbuild(&m, 1024, 128, 32, "1M"));
    CHECK_EQ(ext2_mount_rw(fs, w_read, w_write, w_flush, &m), EXT2_OK);
    ext2_set_time(fs, 1300000000);
    uint32_t free0 = ext2_free_blocks(fs);
    /* fill the disk */
    ext2_inode_t in;
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("fill"), 0, 0x81a4, &in), EXT2_OK);
    static uint8_t chunk[10000];
    memset(chunk, 'F', sizeof chunk);
    int64_t r;
    uint64_t total = 0;
    while ((r = ext2_write(fs, &in, total, chunk, sizeof chunk)) > 0)
        total += (uint64_t)r;
    CHECK_EQ(r, EXT2_ENOSPC);
    CHECK(total > 700 * 1024);
    CHECK_EQ(ext2_free_blocks(fs), 0);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("d"), 0, 0x41ed, &in), EXT2_ENOSPC);
    CHECK_EQ(ext2_symlink(fs, EXT2_ROOT, P("l"), 0, (const char *)chunk, 100), EXT2_ENOSPC);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));
    snprintf(out, sizeof out, "%llu", (unsigned long long)total);
    char st[4096];
    dbg("stat /fill", st, sizeof st);
    CHECK(strstr(st, out) != NULL);
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("fill"), 0), EXT2_OK);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK_EQ(ext2_free_blocks(fs), free0);
    CHECK(fsck_clean(&m));
    /* no inodes left (32 in all) */
    int made = 0;
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        int e = ext2_create(fs, EXT2_ROOT, name, (uint32_t)strlen(name), 0, 0x81a4, &in);
        if (e == EXT2_ENOSPC)
            break;
        CHECK_EQ(e, EXT2_OK);
        made++;
    }
    CHECK(made > 5 && made < 32);
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));

    /* a device failing writes: errors, no crash; clean once it works */
    m.fail_writes = 3;
    int errs = 0;
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        ext2_inode_t f;
        if (ext2_resolve(fs, EXT2_ROOT, name, (uint32_t)strlen(name), &f) == EXT2_OK)
            errs += ext2_write(fs, &f, 0, chunk, 5000) < 0;
        errs += ext2_sync(fs) == EXT2_EIO;
        errs += ext2_unlink(fs, EXT2_ROOT, name, (uint32_t)strlen(name), 0) == EXT2_EIO;
    }
    CHECK(errs > 0);
    m.fail_writes = -1;             /* the driver is back: what is cached gets written */
    CHECK_EQ(ext2_sync(fs), EXT2_OK);
    CHECK(fsck_clean(&m));

    /* a read-only device: EROFS, and the cache forgets the attempt */
    m.ro = true;
    uint8_t *before = malloc(m.len);
    memcpy(before, m.p, m.len);
    int e = ext2_create(fs, EXT2_ROOT, P("ro-file"), 0, 0x81a4, &in);
    if (e == EXT2_OK)
        e = ext2_sync(fs);
    CHECK_EQ(e, EXT2_EROFS);
    CHECK(!fs->rw);
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("ro-file"), &in), EXT2_ENOENT);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("again"), 0, 0x81a4, &in), EXT2_EROFS);
    CHECK_EQ(ext2_unlink(fs, EXT2_ROOT, P("hello.txt"), 0), EXT2_EROFS);
    CHECK_EQ(ext2_resolve(fs, EXT2_ROOT, P("hello.txt"), &in), EXT2_OK);
    CHECK(memcmp(before, m.p, m.len) == 0);
    /* mounted without a writer: read-only from the start */
    CHECK_EQ(ext2_mount(fs, w_read, &m), EXT2_OK);
    CHECK_EQ(ext2_create(fs, EXT2_ROOT, P("x"), 0, 0x81a4, &in), EXT2_EROFS);
    free(before);
    wdone(&m);
    free(fs);
}
