/* Split virtqueues (sdk/include/virtq.h). */
#include <virtq.h>

#define AVAIL_OFF 1024
#define USED_OFF 2048

/* The ring indices are free-running 16-bit counters; entries are taken
 * modulo the size. The compiler barrier keeps the ring entry written
 * before the index that publishes it (and the index read before the
 * entry): the device sees the stores in program order on every machine
 * Azoth runs on (QEMU's devices run on the vCPU's exit for a notify). */
#define BARRIER() __asm__ volatile("" ::: "memory")

bool vq_init(vq_t *q, void *page, uint64_t bus, uint16_t size)
{
    if (size == 0 || size > VQ_MAX || (size & (size - 1)))
        return false;
    uint8_t *p = page;
    for (int i = 0; i < VQ_PAGE; i++)
        p[i] = 0;
    q->size = size;
    q->desc = (volatile vq_desc_t *)p;
    q->avail = (volatile uint16_t *)(p + AVAIL_OFF);
    q->used = (volatile uint16_t *)(p + USED_OFF);
    q->bus = bus;
    q->free_head = 0;
    q->nfree = size;
    q->avail_idx = 0;
    q->last_used = 0;
    q->bad = 0;
    for (uint16_t i = 0; i < size; i++) {
        q->next[i] = (uint16_t)(i + 1);
        q->chain[i] = 0;
        q->token[i] = 0;
    }
    return true;
}

uint64_t vq_desc_bus(const vq_t *q) { return q->bus; }
uint64_t vq_avail_bus(const vq_t *q) { return q->bus + AVAIL_OFF; }
uint64_t vq_used_bus(const vq_t *q) { return q->bus + USED_OFF; }

int vq_add(vq_t *q, const vq_buf_t *bufs, int n, void *token)
{
    if (n <= 0 || n > q->nfree || !token)
        return -1;
    uint16_t head = q->free_head, d = head;
    for (int i = 0; i < n; i++) {
        q->desc[d].addr = bufs[i].addr;
        q->desc[d].len = bufs[i].len;
        q->desc[d].flags = (uint16_t)((bufs[i].write ? VQ_DESC_F_WRITE : 0) |
                                      (i + 1 < n ? VQ_DESC_F_NEXT : 0));
        q->desc[d].next = i + 1 < n ? q->next[d] : 0;
        if (i + 1 < n)
            d = q->next[d];
    }
    q->free_head = q->next[d];
    q->nfree = (uint16_t)(q->nfree - n);
    q->chain[head] = (uint16_t)n;
    q->token[head] = token;
    q->avail[2 + (q->avail_idx & (q->size - 1))] = head;
    BARRIER();
    q->avail_idx++;
    q->avail[1] = q->avail_idx;
    BARRIER();
    return head;
}

bool vq_should_notify(const vq_t *q)
{
    return !(q->used[0] & VQ_USED_F_NO_NOTIFY);
}

void *vq_get(vq_t *q, uint32_t *len)
{
    for (;;) {
        uint16_t idx = q->used[1];
        BARRIER();
        if (q->last_used == idx)
            return 0;
        volatile vq_used_elem_t *e =
            (volatile vq_used_elem_t *)(q->used + 2) + (q->last_used & (q->size - 1));
        uint32_t id = e->id, n = e->len;
        q->last_used++;
        if (id >= q->size || !q->chain[id]) {
            q->bad++;       /* not a request in flight: ignore it */
            continue;
        }
        /* Free the chain: the private links, not the device-visible ones. */
        uint16_t d = (uint16_t)id;
        for (uint16_t i = 1; i < q->chain[id]; i++)
            d = q->next[d];
        q->next[d] = q->free_head;
        q->free_head = (uint16_t)id;
        q->nfree = (uint16_t)(q->nfree + q->chain[id]);
        q->chain[id] = 0;
        void *t = q->token[id];
        q->token[id] = 0;
        if (len)
            *len = n;
        return t;
    }
}

void vq_interrupts(vq_t *q, bool on)
{
    q->avail[0] = on ? 0 : VQ_AVAIL_F_NO_INTERRUPT;
}

int vq_in_flight(const vq_t *q)
{
    int n = 0;
    for (uint16_t i = 0; i < q->size; i++)
        n += q->chain[i] != 0;
    return n;
}
