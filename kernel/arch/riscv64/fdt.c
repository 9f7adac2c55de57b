/*
 * Flattened device tree (DTB, devicetree specification v0.3 chapter 5):
 * big-endian header, memory reservation block, structure block of tokens,
 * strings block. Read-only; the blob is trusted to come from the firmware
 * but offsets are still bounds-checked so a bad one cannot run us off the
 * end.
 */
#include "fdt.h"

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* An integer of ncells (1 or 2) big-endian cells. */
uint64_t fdt_cells(const void *p, int ncells)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 0; i < ncells; i++)
        v = v << 32 | fdt_be32(b + 4 * i);
    return v;
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static uint32_t align4(uint32_t n) { return (n + 3) & ~3U; }

static uint32_t token(const fdt_t *f, uint32_t off)
{
    if (off + 4 > f->struct_size)
        return FDT_END;
    return fdt_be32(f->structs + off);
}

bool fdt_init(fdt_t *f, const void *blob)
{
    const uint8_t *b = blob;
    if (!b || fdt_be32(b) != FDT_MAGIC || fdt_be32(b + 20) < 16)
        return false;
    f->blob = b;
    f->total_size = fdt_be32(b + 4);
    uint32_t off_struct = fdt_be32(b + 8), off_strings = fdt_be32(b + 12);
    f->rsvmap_off = fdt_be32(b + 16);
    f->strings_size = fdt_be32(b + 32);
    f->struct_size = fdt_be32(b + 36);
    if (off_struct > f->total_size || f->struct_size > f->total_size - off_struct ||
        off_strings > f->total_size || f->strings_size > f->total_size - off_strings)
        return false;
    f->structs = b + off_struct;
    f->strings = (const char *)b + off_strings;
    return true;
}

/* Offset just past a BEGIN_NODE token and its padded name. */
static uint32_t node_body(const fdt_t *f, int node)
{
    uint32_t off = (uint32_t)node + 4;
    while (off < f->struct_size && f->structs[off])
        off++;
    return align4(off + 1);
}

int fdt_next_node(const fdt_t *f, int node, int *depth)
{
    uint32_t off = node < 0 ? 0 : node_body(f, node);
    for (;;) {
        switch (token(f, off)) {
        case FDT_BEGIN_NODE:
            (*depth)++;
            return (int)off;
        case FDT_END_NODE:
            (*depth)--;
            off += 4;
            break;
        case FDT_PROP:
            if (off + 12 > f->struct_size)
                return -1;
            off += 12 + align4(fdt_be32(f->structs + off + 4));
            break;
        case FDT_NOP:
            off += 4;
            break;
        default:
            return -1;
        }
    }
}

const char *fdt_node_name(const fdt_t *f, int node)
{
    return (const char *)f->structs + node + 4;
}

const void *fdt_prop(const fdt_t *f, int node, const char *name, int *len)
{
    uint32_t off = node_body(f, node);
    for (;;) {
        uint32_t t = token(f, off);
        if (t == FDT_NOP) {
            off += 4;
            continue;
        }
        if (t != FDT_PROP || off + 12 > f->struct_size)
            return 0;
        uint32_t plen = fdt_be32(f->structs + off + 4), nameoff = fdt_be32(f->structs + off + 8);
        if (plen > f->struct_size - off - 12)
            return 0;
        if (nameoff < f->strings_size && str_eq(f->strings + nameoff, name)) {
            if (len)
                *len = (int)plen;
            return f->structs + off + 12;
        }
        off += 12 + align4(plen);
    }
}

bool fdt_prop_u32(const fdt_t *f, int node, const char *name, uint32_t *v)
{
    int len;
    const void *p = fdt_prop(f, node, name, &len);
    if (!p || len != 4)
        return false;
    *v = fdt_be32(p);
    return true;
}

bool fdt_prop_u64(const fdt_t *f, int node, const char *name, uint64_t *v)
{
    int len;
    const void *p = fdt_prop(f, node, name, &len);
    if (!p || (len != 4 && len != 8))
        return false;
    *v = fdt_cells(p, len / 4);
    return true;
}

/* Does the string list (NUL-separated, len bytes) contain s? */
static bool strlist_has(const char *list, int len, const char *s)
{
    int i = 0;
    while (i < len) {
        if (str_eq(list + i, s))
            return true;
        while (i < len && list[i])
            i++;
        i++;
    }
    return false;
}

bool fdt_is_compatible(const fdt_t *f, int node, const char *compat)
{
    int len;
    const char *p = fdt_prop(f, node, "compatible", &len);
    return p && len > 0 && p[len - 1] == 0 && strlist_has(p, len, compat);
}

bool fdt_prop_is(const fdt_t *f, int node, const char *name, const char *value)
{
    int len;
    const char *p = fdt_prop(f, node, name, &len);
    return p && len > 0 && p[len - 1] == 0 && str_eq(p, value);
}

int fdt_find_compatible(const fdt_t *f, int after, const char *compat)
{
    int depth = 0;
    for (int n = fdt_next_node(f, after, &depth); n >= 0; n = fdt_next_node(f, n, &depth))
        if (fdt_is_compatible(f, n, compat))
            return n;
    return -1;
}

int fdt_find_phandle(const fdt_t *f, uint32_t phandle)
{
    int depth = -1;
    uint32_t v;
    for (int n = fdt_next_node(f, -1, &depth); n >= 0; n = fdt_next_node(f, n, &depth))
        if ((fdt_prop_u32(f, n, "phandle", &v) || fdt_prop_u32(f, n, "linux,phandle", &v)) &&
            v == phandle)
            return n;
    return -1;
}

/* Does node name match the len-byte path component c? "cpus" matches
 * "cpus" and "serial" matches "serial@10000000". */
static bool name_matches(const char *name, const char *c, int len)
{
    bool has_unit = false;
    for (int i = 0; i < len; i++) {
        if (name[i] != c[i])
            return false;
        has_unit |= c[i] == '@';
    }
    return name[len] == 0 || (name[len] == '@' && !has_unit);
}

static int child(const fdt_t *f, int parent, const char *c, int len)
{
    int depth = 0;
    for (int n = fdt_next_node(f, parent, &depth); n >= 0 && depth > 0;
         n = fdt_next_node(f, n, &depth))
        if (depth == 1 && name_matches(fdt_node_name(f, n), c, len))
            return n;
    return -1;
}

int fdt_path(const fdt_t *f, const char *path)
{
    if (*path != '/')
        return -1;
    int node = 0;
    while (node >= 0 && *path) {
        while (*path == '/')
            path++;
        if (!*path)
            break;
        int len = 0;
        while (path[len] && path[len] != '/')
            len++;
        node = child(f, node, path, len);
        path += len;
    }
    return node;
}

int fdt_parent(const fdt_t *f, int node)
{
    int stack[32], depth = -1;
    for (int n = fdt_next_node(f, -1, &depth); n >= 0; n = fdt_next_node(f, n, &depth)) {
        if (depth < 0 || depth >= 32)
            return -1;
        stack[depth] = n;
        if (n == node)
            return depth > 0 ? stack[depth - 1] : -1;
    }
    return -1;
}

bool fdt_reg(const fdt_t *f, int node, int i, uint64_t *addr, uint64_t *size)
{
    uint32_t ac = 2, sc = 1;
    int parent = fdt_parent(f, node);
    if (parent >= 0) {
        fdt_prop_u32(f, parent, "#address-cells", &ac);
        fdt_prop_u32(f, parent, "#size-cells", &sc);
    }
    if (ac < 1 || ac > 2 || sc > 2)
        return false;
    int len;
    const uint8_t *p = fdt_prop(f, node, "reg", &len);
    int stride = (int)(ac + sc) * 4;
    if (!p || i < 0 || (i + 1) * stride > len)
        return false;
    p += i * stride;
    *addr = fdt_cells(p, (int)ac);
    *size = sc ? fdt_cells(p + ac * 4, (int)sc) : 0;
    return true;
}

bool fdt_mem_rsv(const fdt_t *f, int i, uint64_t *addr, uint64_t *size)
{
    uint32_t off = f->rsvmap_off + 16 * (uint32_t)i;
    if (off + 16 > f->total_size)
        return false;
    *addr = fdt_cells(f->blob + off, 2);
    *size = fdt_cells(f->blob + off + 8, 2);
    return *addr || *size;
}
