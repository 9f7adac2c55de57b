/*
 * The boot image: one archive, built on the host by tools/mkbootimg and
 * embedded in the kernel with .incbin in a section of its own (.bootimg).
 * Byte-identical on every architecture. Layout (all integers little endian,
 * see docs/boot.md):
 *
 *   0   "AZBOOT1\0"                     magic
 *   8   u32 count                       number of entries
 *   12  u32 total                       image size in bytes
 *   16  count x { char name[32];        NUL-terminated, NUL-padded
 *                 u32 offset, size;     from the image start
 *                 u32 hash;             FNV-1a 32 of the bytes
 *                 u32 zero; }
 *   ... entry bytes, each starting on a 16-byte boundary
 */
#include <kern/kernel.h>

#include "core.h"

#ifndef BOOTIMG_PATH
#error "BOOTIMG_PATH must name the boot image to embed"
#endif

__asm__(".pushsection .bootimg, \"a\"\n"
        ".balign 16\n"
        ".globl bootimg_start\n"
        "bootimg_start:\n"
        ".incbin \"" BOOTIMG_PATH "\"\n"
        ".globl bootimg_end\n"
        "bootimg_end:\n"
        ".popsection\n");

extern const uint8_t bootimg_start[], bootimg_end[];

#define BI_HDR 16
#define BI_ENT 48
#define BI_NAME 32

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

size_t bootimg_size(void)
{
    return (size_t)(bootimg_end - bootimg_start);
}

/* Checks the header and that every entry lies inside the image. */
static bool header_ok(uint32_t *count)
{
    size_t len = bootimg_size();
    if (len < BI_HDR || memcmp(bootimg_start, "AZBOOT1", 8) != 0)
        return false;
    uint32_t n = rd32(bootimg_start + 8);
    if (rd32(bootimg_start + 12) != len || n > (len - BI_HDR) / BI_ENT)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = bootimg_start + BI_HDR + (size_t)i * BI_ENT;
        uint32_t off = rd32(e + BI_NAME), size = rd32(e + BI_NAME + 4);
        if (e[BI_NAME - 1] != 0 || off > len || size > len - off)
            return false;
    }
    *count = n;
    return true;
}

bool bootimg_check(void)
{
    uint32_t n;
    if (!header_ok(&n)) {
        kprintf("bootimg: bad header (%zu bytes embedded)\n", bootimg_size());
        return false;
    }
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = bootimg_start + BI_HDR + (size_t)i * BI_ENT;
        uint32_t off = rd32(e + BI_NAME), size = rd32(e + BI_NAME + 4);
        if (fnv1a(bootimg_start + off, size) != rd32(e + BI_NAME + 8)) {
            kprintf("bootimg: entry %s: checksum mismatch\n", (const char *)e);
            ok = false;
        }
    }
    kprintf("bootimg: %u entries, %zu bytes\n", n, bootimg_size());
    return ok;
}

bool bootimg_entry(uint32_t i, const char **name, const uint8_t **data, size_t *len)
{
    uint32_t n;
    if (!header_ok(&n) || i >= n)
        return false;
    const uint8_t *e = bootimg_start + BI_HDR + (size_t)i * BI_ENT;
    *name = (const char *)e;
    *data = bootimg_start + rd32(e + BI_NAME);
    *len = rd32(e + BI_NAME + 4);
    return true;
}

bool bootimg_find(const char *name, const uint8_t **data, size_t *len)
{
    uint32_t n;
    if (!header_ok(&n))
        return false;
    size_t nl = strlen(name);
    if (nl >= BI_NAME)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = bootimg_start + BI_HDR + (size_t)i * BI_ENT;
        if (memcmp(e, name, nl + 1) == 0) {
            *data = bootimg_start + rd32(e + BI_NAME);
            *len = rd32(e + BI_NAME + 4);
            return true;
        }
    }
    return false;
}
