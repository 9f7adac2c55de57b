/*
 * libFuzzer target: the ext2 reader (user/services/fs/ext2.c) on a mutated
 * image. Mounts it, resolves a fixed set of paths (relative, absolute,
 * "..", through symlinks), lists the root and every directory it finds one
 * level down, and reads every file found, in odd-sized pieces. Bounded:
 * at most 1 MiB read per input. Seeds: small images mke2fs builds
 * (mk/storage.mk).
 */
#include <stddef.h>
#include <stdint.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
