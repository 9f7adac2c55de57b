/*
 * dev_mmio_create's limits (kern/dev.h): a region of 0 bytes or over 1 MiB
 * is refused; exactly 1 MiB, at any offset in its first page, is not.
 */
#include "ipctest.h"

#include <kern/dev.h>

TEST(dev_mmio_create_limits)
{
    uint64_t pa = 0x100000000ull;
    CHECK(dev_mmio_create(pa, 0) == NULL);
    CHECK(dev_mmio_create(pa, (1u << 20) + 1) == NULL);
    CHECK(dev_mmio_create(pa + 0x10, 1ull << 32) == NULL);
    dev_mmio_t *r = dev_mmio_create(pa, 1u << 20);
    CHECK(r && r->npages == 256 && r->first == 0);
    kobj_unref(&r->obj);
    r = dev_mmio_create(pa + 0x10, 1u << 20);    /* straddles one more page */
    CHECK(r && r->npages == 257 && r->first == 0x10);
    kobj_unref(&r->obj);
}
