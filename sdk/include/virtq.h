/*
 * Split virtqueues (virtio 1.2, 2.7): the descriptor table, the driver's
 * (available) ring and the device's (used) ring, kept in memory the device
 * reads by bus address. Pure ring logic, no host calls: the same code runs
 * in driver domains (wasm32) and in the host unit tests. The transport
 * (sdk/include/virtio.h) tells the device where the rings are.
 *
 * Everything the device writes (used ring entries) is checked before use:
 * an id out of range or not in flight is counted in bad and skipped, so a
 * broken or hostile device cannot make the driver touch the wrong memory.
 */
#ifndef VIRTQ_H
#define VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#define VQ_MAX 64           /* queue size limit: the rings fit one 4 KiB page */
#define VQ_PAGE 4096

#define VQ_DESC_F_NEXT 1
#define VQ_DESC_F_WRITE 2
#define VQ_AVAIL_F_NO_INTERRUPT 1
#define VQ_USED_F_NO_NOTIFY 1

typedef struct vq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
} vq_desc_t;

typedef struct vq_used_elem {
    uint32_t id, len;
} vq_used_elem_t;

/* One buffer of a request: its bus address, length, and whether the
 * device writes it (else it reads it). */
typedef struct vq_buf {
    uint64_t addr;
    uint32_t len;
    bool write;
} vq_buf_t;

typedef struct vq {
    uint16_t size;                  /* a power of two, <= VQ_MAX */
    volatile vq_desc_t *desc;       /* size entries at offset 0 of the page */
    volatile uint16_t *avail;       /* flags, idx, ring[size], used_event: at 1024 */
    volatile uint16_t *used;        /* flags, idx, then elems: at 2048 */
    uint64_t bus;                   /* bus address of the page */
    uint16_t free_head, nfree;
    uint16_t avail_idx, last_used;
    uint16_t next[VQ_MAX];          /* the free list and chains, kept private */
    uint16_t chain[VQ_MAX];         /* descriptors in the chain headed here (0: not in flight) */
    void *token[VQ_MAX];
    uint32_t bad;                   /* used entries the device got wrong */
} vq_t;

/* Lays a queue of size (a power of two, 1..VQ_MAX) over page, a zeroed
 * 4 KiB page whose bus address is bus. False for a bad size. */
bool vq_init(vq_t *q, void *page, uint64_t bus, uint16_t size);
uint64_t vq_desc_bus(const vq_t *q);
uint64_t vq_avail_bus(const vq_t *q);
uint64_t vq_used_bus(const vq_t *q);

/* Queues a request of n buffers (a chain) with token (not NULL). Returns
 * its head descriptor, or -1 when there are fewer than n free (or n is 0
 * or over the size). The caller then notifies the device if
 * vq_should_notify. */
int vq_add(vq_t *q, const vq_buf_t *bufs, int n, void *token);
bool vq_should_notify(const vq_t *q);

/* The next completed request: its token (and the bytes the device wrote
 * in *len), its descriptors free again; NULL when none is waiting. */
void *vq_get(vq_t *q, uint32_t *len);

/* Interrupts on completion wanted (on) or not (polling): the driver's
 * suppression flag. */
void vq_interrupts(vq_t *q, bool on);

/* Requests in flight. */
int vq_in_flight(const vq_t *q);

#endif
