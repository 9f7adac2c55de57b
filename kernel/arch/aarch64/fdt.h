/*
 * A small flattened-device-tree (DTB) reader: walks the structure block
 * once, handing each node to a callback with what is needed to decode its
 * "reg" property (the parent's #address-cells / #size-cells).
 */
#ifndef AARCH64_FDT_H
#define AARCH64_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fdt {
    const uint8_t *blob;
    uint32_t totalsize;
    const uint8_t *strct;        /* structure block */
    uint32_t strct_size;
    const char *strs;            /* strings block */
    uint32_t strs_size;
} fdt_t;

typedef struct fdt_node {
    const fdt_t *fdt;
    const char *name;            /* "uart@9000000"; "" for the root */
    int depth;                   /* root = 0 */
    uint32_t props;              /* offset of the node's first property token */
    uint32_t acells, scells;     /* the parent's #address-cells / #size-cells */
} fdt_node_t;

/* Checks the header of the blob at p; false if it is not a DTB. */
bool fdt_open(fdt_t *f, const void *p);

/* Calls fn for every node in document order until fn returns false. */
void fdt_walk(const fdt_t *f, bool (*fn)(const fdt_node_t *n, void *arg), void *arg);

/* The value of property name of node n (and its length), or NULL. */
const void *fdt_prop(const fdt_node_t *n, const char *name, uint32_t *len);
/* True when the "compatible" list of n contains compat. */
bool fdt_compatible(const fdt_node_t *n, const char *compat);
/* Entry i of n's "reg" property. */
bool fdt_reg(const fdt_node_t *n, int i, uint64_t *base, uint64_t *size);
/* Cell i of a property, big-endian decoded; 0 when out of range. */
uint32_t fdt_cell(const void *prop, uint32_t len, uint32_t i);
/* True when node name equals base, optionally followed by "@unit". */
bool fdt_name_is(const fdt_node_t *n, const char *base);

#endif
