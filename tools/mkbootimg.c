/*
 * mkbootimg: packs files into an Athanor boot image (format in
 * kernel/core/bootimg.c and docs/boot.md).
 *
 *   mkbootimg OUT NAME=FILE...
 *
 * The output depends only on the arguments and the file bytes, so it is
 * identical whichever host or target architecture builds it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 16
#define ENT 48
#define NAME 32

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mkbootimg OUT NAME=FILE...\n");
        return 2;
    }
    int n = argc - 2;
    uint8_t **data = calloc((size_t)n + 1, sizeof *data);
    size_t *lens = calloc((size_t)n + 1, sizeof *lens);
    size_t total = (HDR + (size_t)n * ENT + 15) & ~(size_t)15;
    for (int i = 0; i < n; i++) {
        char *eq = strchr(argv[i + 2], '=');
        if (!eq || eq == argv[i + 2] || eq - argv[i + 2] >= NAME) {
            fprintf(stderr, "mkbootimg: bad entry '%s' (want NAME=FILE, name < 32 bytes)\n",
                    argv[i + 2]);
            return 2;
        }
        data[i] = slurp(eq + 1, &lens[i]);
        if (!data[i]) {
            fprintf(stderr, "mkbootimg: cannot read %s\n", eq + 1);
            return 1;
        }
        total += (lens[i] + 15) & ~(size_t)15;
    }
    if (total > UINT32_MAX) {
        fprintf(stderr, "mkbootimg: image too large\n");
        return 1;
    }
    uint8_t *img = calloc(1, total);
    memcpy(img, "AZBOOT1", 8);
    wr32(img + 8, (uint32_t)n);
    wr32(img + 12, (uint32_t)total);
    size_t off = (HDR + (size_t)n * ENT + 15) & ~(size_t)15;
    for (int i = 0; i < n; i++) {
        uint8_t *e = img + HDR + (size_t)i * ENT;
        memcpy(e, argv[i + 2], (size_t)(strchr(argv[i + 2], '=') - argv[i + 2]));
        wr32(e + NAME, (uint32_t)off);
        wr32(e + NAME + 4, (uint32_t)lens[i]);
        wr32(e + NAME + 8, fnv1a(data[i], lens[i]));
        memcpy(img + off, data[i], lens[i]);
        off += (lens[i] + 15) & ~(size_t)15;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(img, 1, total, f) != total || fclose(f) != 0) {
        fprintf(stderr, "mkbootimg: cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
