/*
 * Flattened device tree reader (Devicetree Specification, chapter 5: the
 * header, a structure block of big-endian tokens, a strings block).
 */
#include "fdt.h"

#define FDT_MAGIC       0xd00dfeed
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9
#define FDT_MAX_DEPTH   16

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static size_t slen_max(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

bool fdt_open(fdt_t *f, const void *p)
{
    const uint8_t *h = p;
    if (!p || be32(h) != FDT_MAGIC)
        return false;
    uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
    uint32_t size_strings = be32(h + 32), size_struct = be32(h + 36);
    if (be32(h + 20) < 16 || off_struct >= total || off_strings >= total ||
        size_struct > total - off_struct || size_strings > total - off_strings)
        return false;
    f->blob = h;
    f->totalsize = total;
    f->strct = h + off_struct;
    f->strct_size = size_struct;
    f->strs = (const char *)h + off_strings;
    f->strs_size = size_strings;
    return true;
}

/* Offset just past a token at off that carries a string (node name). */
static uint32_t skip_name(const fdt_t *f, uint32_t off)
{
    size_t n = slen_max((const char *)f->strct + off, f->strct_size - off);
    return (uint32_t)((off + n + 1 + 3) & ~(size_t)3);
}

/* Steps over the property token at off (which must be FDT_PROP); sets
 * *name, *val, *len. Returns the next offset, or 0 if malformed. */
static uint32_t next_prop(const fdt_t *f, uint32_t off, const char **name,
                          const void **val, uint32_t *len)
{
    if (off + 12 > f->strct_size)
        return 0;
    uint32_t l = be32(f->strct + off + 4), nameoff = be32(f->strct + off + 8);
    if (l > f->strct_size - off - 12 || nameoff >= f->strs_size)
        return 0;
    *name = f->strs + nameoff;
    *val = f->strct + off + 12;
    *len = l;
    return (off + 12 + l + 3) & ~3u;
}

const void *fdt_prop(const fdt_node_t *n, const char *name, uint32_t *len)
{
    const fdt_t *f = n->fdt;
    uint32_t off = n->props;
    while (off + 4 <= f->strct_size) {
        uint32_t tok = be32(f->strct + off);
        if (tok == FDT_NOP) {
            off += 4;
            continue;
        }
        if (tok != FDT_PROP)
            return NULL;
        const char *pname;
        const void *val;
        uint32_t l;
        off = next_prop(f, off, &pname, &val, &l);
        if (!off)
            return NULL;
        if (streq(pname, name)) {
            if (len)
                *len = l;
            return val;
        }
    }
    return NULL;
}

uint32_t fdt_cell(const void *prop, uint32_t len, uint32_t i)
{
    if (!prop || (i + 1) * 4 > len)
        return 0;
    return be32((const uint8_t *)prop + i * 4);
}

/* A property holding one cell, or dflt. */
static uint32_t prop_u32(const fdt_node_t *n, const char *name, uint32_t dflt)
{
    uint32_t len;
    const void *p = fdt_prop(n, name, &len);
    return p && len >= 4 ? be32(p) : dflt;
}

/* Calls fn for each node; a stack of #address-cells/#size-cells gives each
 * node its parent's values (properties precede subnodes in the blob). */
void fdt_walk(const fdt_t *f, bool (*fn)(const fdt_node_t *n, void *arg), void *arg)
{
    uint32_t acells[FDT_MAX_DEPTH + 1], scells[FDT_MAX_DEPTH + 1];
    int depth = 0;
    uint32_t off = 0;
    acells[0] = 2, scells[0] = 1;   /* the spec's defaults above the root */
    while (off + 4 <= f->strct_size) {
        uint32_t tok = be32(f->strct + off);
        if (tok == FDT_BEGIN_NODE) {
            if (depth >= FDT_MAX_DEPTH)
                return;
            fdt_node_t n = { f, (const char *)f->strct + off + 4, depth, 0,
                             acells[depth], scells[depth] };
            off = skip_name(f, off + 4);
            n.props = off;
            acells[depth + 1] = prop_u32(&n, "#address-cells", 2);
            scells[depth + 1] = prop_u32(&n, "#size-cells", 1);
            depth++;
            if (!fn(&n, arg))
                return;
        } else if (tok == FDT_PROP) {
            const char *name;
            const void *val;
            uint32_t len;
            off = next_prop(f, off, &name, &val, &len);
            if (!off)
                return;
        } else if (tok == FDT_END_NODE) {
            if (--depth < 0)
                return;
            off += 4;
        } else if (tok == FDT_NOP) {
            off += 4;
        } else {
            return;   /* FDT_END or garbage */
        }
    }
}

bool fdt_compatible(const fdt_node_t *n, const char *compat)
{
    uint32_t len;
    const char *p = fdt_prop(n, "compatible", &len);
    if (!p)
        return false;
    for (uint32_t i = 0; i < len;) {
        size_t l = slen_max(p + i, len - i);
        if (streq(p + i, compat))
            return true;
        i += (uint32_t)l + 1;
    }
    return false;
}

static uint64_t cells_value(const void *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++)
        v = v << 32 | be32((const uint8_t *)p + 4 * i);
    return v;
}

bool fdt_reg(const fdt_node_t *n, int i, uint64_t *base, uint64_t *size)
{
    uint32_t len;
    const uint8_t *p = fdt_prop(n, "reg", &len);
    uint32_t stride = (n->acells + n->scells) * 4;
    if (!p || i < 0 || n->acells > 2 || n->scells > 2 || stride == 0 ||
        (uint32_t)(i + 1) * stride > len)
        return false;
    p += (uint32_t)i * stride;
    *base = cells_value(p, n->acells);
    *size = cells_value(p + 4 * n->acells, n->scells);
    return true;
}

bool fdt_name_is(const fdt_node_t *n, const char *base)
{
    const char *s = n->name;
    while (*base && *s == *base)
        s++, base++;
    return !*base && (!*s || *s == '@');
}
