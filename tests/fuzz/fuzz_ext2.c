/*
 * libFuzzer target: the ext2 code (user/services/fs/ext2.c) on a mutated
 * image. Read side: mounts it, resolves a fixed set of paths (relative,
 * absolute, "..", through symlinks), lists the root and every directory it
 * finds one level down, and reads every file found, in odd-sized pieces.
 * Write side: the input's last SCRIPT bytes are an operation script run
 * on a writable copy of the rest (create, mkdir, write, truncate, unlink,
 * rmdir, rename, symlink, link, readdir, write-back, paths beneath a
 * directory), with the device failing writes after a count or read-only
 * when the script's first bytes say so; then a sync. Bounded: at most
 * 1 MiB read and 31 operations per input. Seeds: small images mke2fs
 * builds, with and without a script (mk/storage.mk).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ext2.h"

typedef struct img {
    const uint8_t *p;
    size_t len;
} img_t;

static int img_read(void *ctx, uint64_t off, void *buf, uint32_t len)
{
    const img_t *m = ctx;
    if (off > m->len || len > m->len - off)
        return -1;
    memcpy(buf, m->p + off, len);
    return 0;
}

static ext2_t fs;
static uint8_t chunk[777];
static uint64_t budget;

static void drain(const ext2_inode_t *in)
{
    uint64_t off = 0;
    while (budget > sizeof chunk) {
        int64_t n = ext2_read(&fs, in, off, chunk, sizeof chunk);
        if (n <= 0)
            return;
        off += (uint64_t)n;
        budget -= (uint64_t)n;
    }
}

typedef struct seen {
    uint32_t ino[32];
    int n;
} seen_t;

static bool note(void *arg, uint32_t ino, uint8_t type, const char *name, uint32_t len)
{
    (void)type, (void)name, (void)len;
    seen_t *s = arg;
    if (s->n < 32)
        s->ino[s->n++] = ino;
    return true;
}

#define SCRIPT 128

typedef struct wimg {
    uint8_t *p;
    size_t len;
    int fail_after;         /* writes left before EIO; < 0 never */
    int ro;
} wimg_t;

static int w_read(void *ctx, uint64_t off, void *buf, uint32_t len)
{
    const wimg_t *m = ctx;
    if (off > m->len || len > m->len - off)
        return -1;
    memcpy(buf, m->p + off, len);
    return 0;
}

static int w_write(void *ctx, uint64_t off, const void *buf, uint32_t len)
{
    wimg_t *m = ctx;
    if (m->ro)
        return EXT2_EROFS;
    if (m->fail_after == 0 || off > m->len || len > m->len - off)
        return EXT2_EIO;
    if (m->fail_after > 0)
        m->fail_after--;
    memcpy(m->p + off, buf, len);
    return 0;
}

static int w_flush(void *ctx)
{
    (void)ctx;
    return 0;
}

static ext2_t wfs;
static uint8_t wdata[16384];

static const char *const names[] = {
    "a", "b", "dir", "dir/c", "dir/sub", "dir/sub/d", "hello.txt", "big", "link", "../x", "/abs", "dir/sub/up/e",
    "a/", "new-long-name-for-a-directory-entry-that-takes-space",
};
#define NNAMES (sizeof names / sizeof names[0])

static uint32_t L(const char *s) { return (uint32_t)strlen(s); }

static void run_script(const uint8_t *img, size_t n, const uint8_t *sc)
{
    wimg_t m = {malloc(n), n, sc[0] < 32 ? sc[1] : -1, sc[0] == 255};
    if (!m.p)
        return;
    memcpy(m.p, img, n);
    for (size_t i = 0; i < sizeof wdata; i++)
        wdata[i] = (uint8_t)(i * 31 + 7);
    if (ext2_mount_rw(&wfs, w_read, w_write, w_flush, &m) != EXT2_OK) {
        free(m.p);
        return;
    }
    ext2_set_time(&wfs, 1500000000);
    for (int i = 2; i + 4 <= SCRIPT; i += 4) {
        const uint8_t *o = sc + i;
        const char *p1 = names[o[1] % NNAMES], *p2 = names[o[2] % NNAMES];
        ext2_inode_t in, d;
        switch (o[0] % 14) {
        case 0: ext2_create(&wfs, EXT2_ROOT, p1, L(p1), 0, 0x81a4, &in); break;
        case 1: ext2_create(&wfs, EXT2_ROOT, p1, L(p1), 0, 0x41ed, &in); break;
        case 2:
            if (ext2_resolve(&wfs, EXT2_ROOT, p1, L(p1), &in) == EXT2_OK)
                ext2_write(&wfs, &in, (uint64_t)o[2] * 397, wdata, (uint32_t)o[3] * 61);
            break;
        case 3:
            if (ext2_resolve(&wfs, EXT2_ROOT, p1, L(p1), &in) == EXT2_OK)
                ext2_truncate(&wfs, &in, (uint64_t)o[2] * 211 + (uint64_t)o[3] * 70000);
            break;
        case 4: ext2_unlink(&wfs, EXT2_ROOT, p1, L(p1), 0); break;
        case 5: ext2_rmdir(&wfs, EXT2_ROOT, p1, L(p1), 0); break;
        case 6: ext2_rename(&wfs, EXT2_ROOT, p1, L(p1), EXT2_ROOT, p2, L(p2), 0); break;
        case 7: {
            char t[100];                /* a slow symlink (a block) or a fast one */
            memset(t, 'x', sizeof t);
            memcpy(t, p2, L(p2) < sizeof t ? L(p2) : sizeof t);
            ext2_symlink(&wfs, EXT2_ROOT, p1, L(p1), 0, o[3] & 1 ? p2 : t, o[3] & 1 ? L(p2) : sizeof t);
            break;
        }
        case 8: ext2_link(&wfs, EXT2_ROOT, p1, L(p1), EXT2_ROOT, p2, L(p2), 0); break;
        case 9:
            if (ext2_resolve(&wfs, EXT2_ROOT, p1, L(p1), &in) == EXT2_OK) {
                seen_t t = {{0}, 0};
                ext2_readdir(&wfs, &in, note, &t);
            }
            break;
        case 10: ext2_writeback(&wfs); break;
        case 11:
            if (ext2_resolve(&wfs, EXT2_ROOT, p1, L(p1), &d) == EXT2_OK)
                ext2_resolve_at(&wfs, d.ino, p2, L(p2), EXT2_BENEATH | (o[3] & EXT2_NOFOLLOW), &in);
            break;
        case 12:
            if (ext2_resolve(&wfs, EXT2_ROOT, p1, L(p1), &in) == EXT2_OK)
                ext2_read(&wfs, &in, (uint64_t)o[2] * 101, wdata, sizeof wdata);
            break;
        case 13:
            if (ext2_resolve(&wfs, EXT2_ROOT, p1, L(p1), &d) == EXT2_OK)
                ext2_create(&wfs, d.ino, p2, L(p2), EXT2_BENEATH, o[3] & 1 ? 0x41ed : 0x81a4, &in);
            break;
        }
    }
    ext2_sync(&wfs);
    free(m.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4096 + SCRIPT)
        run_script(data, size - SCRIPT, data + size - SCRIPT);
    static const char *const paths[] = {
        "hello.txt", "/dir/sub/deep.txt", "link", "abs", "loop", "../..", "dir/sub/up/hello.txt",
        "dir/../dir/./sub", "big", "nope/x",
    };
    img_t m = {data, size};
    budget = 1u << 20;
    if (ext2_mount(&fs, img_read, &m) != EXT2_OK)
        return 0;
    ext2_inode_t in, root;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (ext2_resolve(&fs, EXT2_ROOT, paths[i], (uint32_t)strlen(paths[i]), &in) == EXT2_OK)
            drain(&in);
    if (ext2_inode(&fs, EXT2_ROOT, &root) != EXT2_OK)
        return 0;
    seen_t s = {{0}, 0};
    ext2_readdir(&fs, &root, note, &s);
    for (int i = 0; i < s.n; i++) {
        if (ext2_inode(&fs, s.ino[i], &in) != EXT2_OK)
            continue;
        if (ext2_is_dir(&in)) {
            seen_t t = {{0}, 0};
            ext2_readdir(&fs, &in, note, &t);
            (void)ext2_lookup(&fs, &in, "deep.txt", 8);
        } else {
            drain(&in);
        }
    }
    return 0;
}
