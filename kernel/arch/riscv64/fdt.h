/*
 * A small read-only flattened-device-tree (DTB) parser for the riscv64
 * port. Nodes are named by their offset in the structure block; the root is
 * offset 0. Functions returning a node give -1 when there is none.
 */
#ifndef RV_FDT_H
#define RV_FDT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct fdt {
    const uint8_t *blob;
    const uint8_t *structs;
    const char *strings;
    uint32_t total_size, struct_size, strings_size, rsvmap_off;
} fdt_t;

/* Checks the header; false if blob is not a usable DTB (version >= 16). */
bool fdt_init(fdt_t *f, const void *blob);

/* The node after node in document order (depth-first), or -1; *depth is
 * updated (root = 0). Start with node = -1, *depth = -1 for the root. */
int fdt_next_node(const fdt_t *f, int node, int *depth);
const char *fdt_node_name(const fdt_t *f, int node);
/* Node by absolute path ("/cpus", "/soc/serial@10000000"); a path
 * component without '@' also matches names with a unit address. */
int fdt_path(const fdt_t *f, const char *path);
int fdt_parent(const fdt_t *f, int node);
/* First node after `after` (-1: from the start) compatible with compat. */
int fdt_find_compatible(const fdt_t *f, int after, const char *compat);
int fdt_find_phandle(const fdt_t *f, uint32_t phandle);

/* Property value of node itself (not its children); NULL if absent. */
const void *fdt_prop(const fdt_t *f, int node, const char *name, int *len);
bool fdt_prop_u32(const fdt_t *f, int node, const char *name, uint32_t *v);
/* One- or two-cell integer property. */
bool fdt_prop_u64(const fdt_t *f, int node, const char *name, uint64_t *v);
bool fdt_is_compatible(const fdt_t *f, int node, const char *compat);
bool fdt_prop_is(const fdt_t *f, int node, const char *name, const char *value);

/* Entry i of node's "reg", decoded with the parent's #address-cells and
 * #size-cells. */
bool fdt_reg(const fdt_t *f, int node, int i, uint64_t *addr, uint64_t *size);

/* Entry i of the memory reservation block. */
bool fdt_mem_rsv(const fdt_t *f, int i, uint64_t *addr, uint64_t *size);

uint32_t fdt_be32(const void *p);
uint64_t fdt_cells(const void *p, int ncells);

#endif
