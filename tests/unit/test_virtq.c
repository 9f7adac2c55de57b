/*
 * Split virtqueues (sdk/lib/virtq.c) against a device played by the test:
 * chains as the device sees them, the free list, a full queue, interrupt
 * and notify suppression, and a hostile device (used entries out of range,
 * not in flight, completed twice), then random add/complete sequences
 * that must keep every descriptor accounted for.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <virtq.h>

static _Alignas(4096) uint8_t page[VQ_PAGE];

/* The device side: the next available head, or -1. */
static int dev_next(vq_t *q, uint16_t *seen)
{
    if (*seen == q->avail[1])
        return -1;
    return q->avail[2 + ((*seen)++ & (q->size - 1))];
}

/* The device completes head with len bytes written. */
static void dev_done(vq_t *q, uint32_t head, uint32_t len)
{
    uint16_t i = q->used[1];
    vq_used_elem_t *e = (vq_used_elem_t *)(q->used + 2) + (i & (q->size - 1));
    e->id = head;
    e->len = len;
    q->used[1] = (uint16_t)(i + 1);
}

TEST(virtq_init_sizes)
{
    vq_t q;
    CHECK(!vq_init(&q, page, 0x1000, 0));
    CHECK(!vq_init(&q, page, 0x1000, 3));
    CHECK(!vq_init(&q, page, 0x1000, 128));
    CHECK(vq_init(&q, page, 0x10000, 64));
    CHECK_EQ(vq_desc_bus(&q), 0x10000);
    CHECK_EQ(vq_avail_bus(&q), 0x10000 + 1024);
    CHECK_EQ(vq_used_bus(&q), 0x10000 + 2048);
    CHECK_EQ(vq_in_flight(&q), 0);
}

TEST(virtq_chain_as_the_device_sees_it)
{
    vq_t q;
    int tok[2];
    uint16_t seen = 0;
    CHECK(vq_init(&q, page, 0x8000, 8));
    vq_buf_t b[3] = {{0x1000, 16, false}, {0x2000, 512, true}, {0x3000, 1, true}};
    int h = vq_add(&q, b, 3, &tok[0]);
    CHECK(h >= 0);
    CHECK_EQ(dev_next(&q, &seen), h);
    CHECK_EQ(dev_next(&q, &seen), -1);
    uint16_t d = (uint16_t)h;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(q.desc[d].addr, b[i].addr);
        CHECK_EQ(q.desc[d].len, b[i].len);
        CHECK_EQ(!!(q.desc[d].flags & VQ_DESC_F_WRITE), b[i].write);
        CHECK_EQ(!!(q.desc[d].flags & VQ_DESC_F_NEXT), i < 2);
        d = q.desc[d].next;
    }
    CHECK(vq_get(&q, NULL) == NULL);             /* nothing completed yet */
    CHECK_EQ(vq_in_flight(&q), 1);
    dev_done(&q, (uint32_t)h, 513);
    uint32_t len = 0;
    CHECK(vq_get(&q, &len) == &tok[0]);
    CHECK_EQ(len, 513);
    CHECK_EQ(vq_in_flight(&q), 0);
    CHECK(vq_get(&q, &len) == NULL);
}

TEST(virtq_full_and_recycled)
{
    vq_t q;
    int tok[8];
    uint16_t seen = 0;
    CHECK(vq_init(&q, page, 0, 8));
    vq_buf_t b[3] = {{1, 1, false}, {2, 2, true}, {3, 3, true}};
    CHECK(vq_add(&q, b, 3, &tok[0]) >= 0);
    CHECK(vq_add(&q, b, 3, &tok[1]) >= 0);
    CHECK_EQ(vq_add(&q, b, 3, &tok[2]), -1);     /* 2 descriptors left */
    CHECK(vq_add(&q, b, 2, &tok[2]) >= 0);
    CHECK_EQ(vq_add(&q, b, 1, &tok[3]), -1);
    CHECK_EQ(vq_add(&q, b, 0, &tok[3]), -1);
    CHECK_EQ(vq_add(&q, b, 1, NULL), -1);
    int h0 = dev_next(&q, &seen), h1 = dev_next(&q, &seen), h2 = dev_next(&q, &seen);
    dev_done(&q, (uint32_t)h1, 0);               /* out of order */
    CHECK(vq_get(&q, NULL) == &tok[1]);
    CHECK(vq_add(&q, b, 3, &tok[4]) >= 0);       /* the freed chain serves again */
    dev_done(&q, (uint32_t)h2, 0);
    dev_done(&q, (uint32_t)h0, 0);
    CHECK(vq_get(&q, NULL) == &tok[2]);
    CHECK(vq_get(&q, NULL) == &tok[0]);
    CHECK_EQ(vq_in_flight(&q), 1);
}

TEST(virtq_hostile_device)
{
    vq_t q;
    int tok[2];
    uint16_t seen = 0;
    CHECK(vq_init(&q, page, 0, 8));
    vq_buf_t b[2] = {{1, 1, false}, {2, 2, true}};
    int h = vq_add(&q, b, 2, &tok[0]);
    CHECK(h >= 0 && dev_next(&q, &seen) == h);
    dev_done(&q, 8, 0);                          /* out of range */
    dev_done(&q, 0xffffffffu, 0);
    dev_done(&q, (uint32_t)(h + 1), 0);          /* inside the chain, not its head */
    dev_done(&q, (uint32_t)h, 2);
    dev_done(&q, (uint32_t)h, 2);                /* twice */
    /* the device also scribbles on the links it may only read */
    for (int i = 0; i < 8; i++)
        q.desc[i].next = 7;
    CHECK(vq_get(&q, NULL) == &tok[0]);
    CHECK(vq_get(&q, NULL) == NULL);
    CHECK_EQ(q.bad, 4);
    /* every descriptor is still free exactly once */
    void *t[8];
    for (int i = 0; i < 8; i++)
        CHECK(vq_add(&q, b, 1, &t[i]) >= 0);
    CHECK_EQ(vq_add(&q, b, 1, &tok[1]), -1);
    CHECK_EQ(vq_in_flight(&q), 8);
    /* a used index that runs far ahead is only entries to check */
    q.used[1] = (uint16_t)(q.used[1] + 1000);
    int got = 0;
    while (vq_get(&q, NULL))
        got++;
    CHECK(got <= 8);
}

TEST(virtq_suppression_flags)
{
    vq_t q;
    CHECK(vq_init(&q, page, 0, 4));
    vq_interrupts(&q, false);
    CHECK_EQ(q.avail[0], VQ_AVAIL_F_NO_INTERRUPT);
    vq_interrupts(&q, true);
    CHECK_EQ(q.avail[0], 0);
    CHECK(vq_should_notify(&q));
    q.used[0] = VQ_USED_F_NO_NOTIFY;
    CHECK(!vq_should_notify(&q));
}

/* Random requests and completions, in and out of order: the free count
 * and the requests in flight always add up. */
TEST(virtq_random_sequences)
{
    srand(12);
    for (int round = 0; round < 200; round++) {
        vq_t q;
        uint16_t size = (uint16_t)(1u << (rand() % 7)), seen = 0;
        CHECK(vq_init(&q, page, 0, size));
        int pending[VQ_MAX], np = 0, flying = 0;
        static int tokens[VQ_MAX];
        for (int step = 0; step < 400; step++) {
            if (rand() % 2) {
                int n = 1 + rand() % 3;
                vq_buf_t b[3] = {{1, 1, false}, {2, 2, true}, {3, 3, true}};
                int before = q.nfree;
                int h = vq_add(&q, b, n, &tokens[step % VQ_MAX]);
                CHECK_EQ(h < 0, n > before);
                if (h >= 0) {
                    CHECK_EQ(dev_next(&q, &seen), h);
                    pending[np++] = h;
                    flying++;
                }
            } else if (np) {
                int k = rand() % np;
                dev_done(&q, (uint32_t)pending[k], 0);
                pending[k] = pending[--np];
                CHECK(vq_get(&q, NULL) != NULL);
                flying--;
            }
            CHECK_EQ(vq_in_flight(&q), flying);
        }
    }
}
