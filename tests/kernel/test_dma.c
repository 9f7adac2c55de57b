/*
 * DMA memory and the device registry on the host (kernel/core/dev.c,
 * devices.c): a driver domain (tests/kernel/ipc/dmadrv.wat) holding only
 * the capabilities its manifest grants for a fake device tries what a
 * hostile driver would: map twice, over a buffer, past its memory, read
 * bus addresses it was not given, pass the capability on, outgrow its
 * memory limit. The device must be quiesced (virtio status 0; PCI bus
 * mastering off) whenever the pages leave the driver: unmap, reset, end.
 */
#include <kern/supervise.h>
#include <arch/mmu.h>
#include <kern/dev.h>
#include <kern/kernel.h>
#include "ipctest.h"

#include <stdarg.h>
#include <stdlib.h>

/* A fake PCI configuration space of one function: its command register. */
static uint32_t pci_cmd;
bool arch_pci_present(void) { return false; }   /* dev_scan finds nothing here */
uint32_t arch_pci_read32(uint32_t bdf, uint32_t off) { (void)bdf; return off == 4 ? pci_cmd : 0; }
void arch_pci_write32(uint32_t bdf, uint32_t off, uint32_t v) { (void)bdf; if (off == 4) pci_cmd = v; }

/* The fake device: its window is a frame (what mmio maps), its registers
 * as the kernel sees them a separate page (what dev_quiesce writes). */
typedef struct fake {
    device_t dv;
    uint8_t *regs;
} fake_t;

static const device_t *fake_up(fake_t *f, const char *name, int transport)
{
    memset(f, 0, sizeof *f);
    f->regs = calloc(1, 4096);
    strcpy(f->dv.name, name);
    f->dv.kind = "blk";
    f->dv.transport = transport;
    f->dv.virtio_id = 2;
    f->dv.phys = pmm_alloc();
    f->dv.size = 4096;
    f->dv.irq = 9;
    f->dv.common = 0x100;
    f->dv.notify = 0x200;
    f->dv.isr = 0x300;
    f->dv.devcfg = 0x400;
    f->dv.notify_mult = 4;
    f->dv.regs = f->regs;
    dev_forget_all();
    return dev_register(&f->dv);
}

static void fake_down(fake_t *f)
{
    dev_forget_all();
    pmm_free(f->dv.phys);
    free(f->regs);
}

/* The virtio status register the kernel resets (mmio 0x70; PCI: common
 * configuration + 20). */
static uint8_t *status_of(fake_t *f)
{
    return f->dv.transport == DEV_VIRTIO_PCI ? f->regs + f->dv.common + 20 : f->regs + 0x70;
}

#define DMA_WORLD                       \
    "client client.wasm\n"              \
    "drv dmadrv.wasm mem=8\n"           \
    "    dma  blk0 pages=4\n"           \
    "    mmio blk0\n"                   \
    "    irq  blk0\n"                   \
    "big dmadrv.wasm mem=4\n"           \
    "    dma  blk0 pages=65\n"          \
    "full dmadrv.wasm mem=4\n"          \
    "    dma  blk0 pages=64\n"          \
    "odd dmadrv.wasm\n"                 \
    "    dma  blk0 pages=0\n"           \
    "    dma  blk0 pages=1025\n"         \
    "    dma  blk0\n"                   \
    "    dma  nosuch pages=1\n"         \
    "    dma  blk0 pages=1 when=nosuch\n"

TEST(dma_manifest_grants_and_limits)
{
    fake_t f;
    ipc_world_t w;
    CHECK(fake_up(&f, "blk0", DEV_VIRTIO_MMIO) != NULL);
    CHECK(ipc_world_up(&w, DMA_WORLD));
    domain_t *drv = domain_find(&w.sys, "drv"), *big = domain_find(&w.sys, "big");
    CHECK(drv && big);
    /* 65 pages > mem=4 (256 KiB); 64 leave no room for its own memory */
    CHECK(strstr(w.log, "big: dma blk0: over the domain's memory limit") != NULL);
    CHECK(strstr(w.log, "module full (dmadrv.wasm): skipped: its device memory fills") != NULL);
    CHECK(ipc_handle(big, "blk0.dma") < 0);
    CHECK(strstr(w.log, "odd: dma blk0: needs pages=N") != NULL);
    CHECK(strstr(w.log, "odd: dma nosuch: this machine has no such device") != NULL);
    CHECK_EQ(drv->buf_pages, 4);                   /* charged to the driver */
    int64_t h = ipc_handle(drv, "blk0.dma");
    CHECK(h >= 0 && ipc_handle(drv, "blk0.mmio") >= 0 && ipc_handle(drv, "blk0.irq") >= 0);
    int64_t a0 = ipc_run(&w, drv, "dma_addr", 2, h, (int64_t)0);
    CHECK(a0 > 0 && a0 % 4096 == 0);
    CHECK_EQ(ipc_run(&w, drv, "dma_addr", 2, h, (int64_t)3), a0 + 3 * 4096);   /* contiguous */
    CHECK_EQ(ipc_run(&w, drv, "dma_addr", 2, h, (int64_t)4), CAP_EINVAL);
    CHECK_EQ(ipc_run(&w, drv, "dma_addr", 2, h, (int64_t)0xffffffff), CAP_EINVAL);
    CHECK_EQ(ipc_run(&w, drv, "dma_addr", 2, (int64_t)ipc_handle(drv, "blk0.mmio"), (int64_t)0),
             CAP_ETYPE);
    /* the capability stays with its payer: no copy, no move */
    CHECK_EQ(ipc_run(&w, drv, "dup", 2, h, (int64_t)CAP_R_READ), CAP_ERIGHTS);
    /* its memory may not grow into what the DMA pages use */
    CHECK_EQ(ipc_run(&w, drv, "grow", 1, (int64_t)3), 4);   /* 7 of 8: one holds the DMA pages */
    CHECK_EQ(ipc_run(&w, drv, "grow", 1, (int64_t)1), -1);
    ipc_world_down(&w);
    fake_down(&f);
}

TEST(dma_map_hostile_places)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_MMIO);
    CHECK(ipc_world_up(&w, DMA_WORLD));
    domain_t *drv = domain_find(&w.sys, "drv");
    int64_t h = ipc_handle(drv, "blk0.dma");
    CHECK_EQ(ipc_run(&w, drv, "st", 2, (int64_t)65536, (int64_t)0x600d), 0);
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)(65536 + 8)), IPC_EMAPPED);   /* unaligned */
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)(4 * 65536 - 4096)), IPC_EMAPPED); /* past the end */
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)0xfffff000), IPC_EMAPPED);
    int64_t b = ipc_run(&w, drv, "buf_new", 1, (int64_t)1);
    CHECK(b > 0);
    CHECK_EQ(ipc_run(&w, drv, "buf_map", 2, b, (int64_t)(2 * 65536)), 0);
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)(2 * 65536 - 4096)), IPC_EMAPPED); /* over it */
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)65536), 0);
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)(3 * 65536)), IPC_EMAPPED);  /* once */
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)65536), 0);      /* the DMA pages, zeroed */
    CHECK_EQ(ipc_run(&w, drv, "st", 2, (int64_t)(65536 + 4096), (int64_t)0x1234), 0);
    /* the bytes are in the frame whose bus address the driver reads */
    uintptr_t va = (uintptr_t)wasm_memory_data(wasm_instance_memory(drv->inst, 0)) + 65536 + 4096;
    CHECK_EQ((int64_t)mmu_translate(va), ipc_run(&w, drv, "dma_addr", 2, h, (int64_t)1));
    *status_of(&f) = 0xf;                            /* the driver started the device */
    CHECK_EQ(ipc_run(&w, drv, "dma_unmap", 1, h), 0);
    CHECK_EQ(*status_of(&f), 0);                     /* reset before the pages left */
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)65536), 0x600d);   /* its own page is back */
    CHECK_EQ(ipc_run(&w, drv, "dma_unmap", 1, h), IPC_EMAPPED);
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)(3 * 65536)), 0);
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)(3 * 65536 + 4096)), 0x1234);   /* same pages */
    ipc_world_down(&w);
    fake_down(&f);
}

/* A reset (what a restart does after a fault) takes the mapping away and
 * the device is stopped first; the pages stay the driver's, unmoved. */
TEST(dma_reset_quiesces_pci)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_PCI);
    CHECK(ipc_world_up(&w, DMA_WORLD));
    domain_t *drv = domain_find(&w.sys, "drv");
    int64_t h = ipc_handle(drv, "blk0.dma");
    pci_cmd = 0x2;
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)65536), 0);
    CHECK_EQ(pci_cmd & 0x6, 0x6);                    /* memory space + bus master on */
    CHECK_EQ(ipc_run(&w, drv, "st", 2, (int64_t)65536, (int64_t)0xfeed), 0);
    *status_of(&f) = 0xf;
    CHECK(domain_reset(drv) >= 0);
    CHECK_EQ(*status_of(&f), 0);
    CHECK_EQ(pci_cmd & 0x4, 0);                      /* bus master off */
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)65536), 0);   /* its own (reset) page */
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, h, (int64_t)65536), 0);   /* granted at init: kept */
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)65536), 0xfeed);
    CHECK_EQ(pci_cmd & 0x4, 0x4);
    ipc_world_down(&w);
    fake_down(&f);
}

/* The world ends with the pages mapped: the device is stopped and every
 * frame goes back. */
TEST(dma_end_frees_after_quiesce)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_MMIO);
    long frames0 = ipc_shim_frames_live;
    CHECK(ipc_world_up(&w, "client client.wasm\ndrv dmadrv.wasm mem=8\n    dma blk0 pages=8\n"));
    domain_t *drv = domain_find(&w.sys, "drv");
    CHECK_EQ(ipc_run(&w, drv, "dma_map", 2, ipc_handle(drv, "blk0.dma"), (int64_t)65536), 0);
    *status_of(&f) = 0xf;
    ipc_world_down(&w);
    CHECK_EQ(*status_of(&f), 0);
    CHECK_EQ(ipc_shim_frames_live, frames0);
    fake_down(&f);
}

TEST(dev_info_and_shared_pages)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_PCI);
    device_t other = f.dv, alone = f.dv;
    strcpy(other.name, "rng0");
    other.phys = f.dv.phys + 0x200;                  /* same page as blk0 */
    other.irq = 10;
    dev_register(&other);
    strcpy(alone.name, "blk1");
    alone.phys = pmm_alloc();
    alone.irq = 11;
    dev_register(&alone);
    CHECK(ipc_world_up(&w, "client client.wasm\ndrv dmadrv.wasm\n    mmio blk0\n"
                           "    mmio rng0\n    mmio blk1\n    irq blk1\n"));
    domain_t *drv = domain_find(&w.sys, "drv");
    CHECK(strstr(w.log, "drv: mmio rng0: its registers share a page with another device"));
    CHECK(strstr(w.log, "drv: mmio blk0: its registers share a page with another device"));
    int64_t m = ipc_handle(drv, "blk1.mmio");
    CHECK(m >= 0 && ipc_handle(drv, "rng0.mmio") < 0 && ipc_handle(drv, "blk0.mmio") < 0);
    CHECK_EQ(ipc_run(&w, drv, "dev_info", 3, m, (int64_t)1024, (int64_t)40), 10);
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)1024), DEV_VIRTIO_PCI);
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)1028), 2);
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)1032), 11);                /* irq */
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)(1024 + 4 * 5)), 0x200);   /* notify */
    CHECK_EQ(ipc_run(&w, drv, "dev_info", 3, m, (int64_t)2048, (int64_t)8), 2);   /* truncated */
    CHECK_EQ(ipc_run(&w, drv, "ld", 1, (int64_t)2056), 0);
    CHECK_EQ(ipc_run(&w, drv, "dev_info", 3, m, (int64_t)(4 * 65536 - 4), (int64_t)40), IPC_EFAULT);
    CHECK_EQ(ipc_run(&w, drv, "dev_info", 3, (int64_t)ipc_handle(drv, "blk1.irq"), (int64_t)0,
                 (int64_t)40), CAP_ETYPE);
    ipc_world_down(&w);
    pmm_free(alone.phys);
    fake_down(&f);
}

/* Two devices on one page (aarch64's virtio-mmio slots are eight to a
 * page): each may be granted only on a line that says `shared`, the
 * manifest's consent that its holder can reach the neighbour's registers. */
TEST(shared_pages_need_consent_on_each_line)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_MMIO);
    device_t other = f.dv;
    strcpy(other.name, "rng0");
    other.phys = f.dv.phys + 0x200;
    other.irq = 10;
    dev_register(&other);
    CHECK(ipc_world_up(&w, "client client.wasm\ndrv dmadrv.wasm\n    mmio blk0 shared\n"
                           "drv2 dmadrv.wasm\n    mmio rng0\ndrv3 dmadrv.wasm\n    mmio rng0 shared\n"
                           "    mmio blk0 sharedx\n"));
    CHECK(ipc_handle(domain_find(&w.sys, "drv"), "blk0.mmio") >= 0);
    CHECK(strstr(w.log, "drv2: mmio rng0: its registers share a page with another device"));
    CHECK(ipc_handle(domain_find(&w.sys, "drv2"), "rng0.mmio") < 0);
    CHECK(ipc_handle(domain_find(&w.sys, "drv3"), "rng0.mmio") >= 0);
    CHECK(strstr(w.log, "drv3: mmio blk0: bad word sharedx"));
    ipc_world_down(&w);
    fake_down(&f);
}

/* ------------------------------------------------------------ zero-copy */

/* A client lends its buffer to the driver's endpoint drv.io (dmadrv's
 * "io": asks a page's bus address of the lent buffer, keeps, releases or
 * traps with the pin); "other" holds a buffer and a DMA capability without
 * the read right; "nodma" holds no DMA capability at all. */
#define ZC_WORLD                            \
    "client client.wasm prio=7\n"           \
    "    endpoint drv.io\n"                 \
    "    buffer buf pages=2\n"              \
    "drv dmadrv.wasm mem=8\n"               \
    "    endpoint drv.io handler=io\n"      \
    "    dma  blk0 pages=4\n"               \
    "    mmio blk0\n"                       \
    "other dmadrv.wasm mem=8\n"             \
    "    dma  blk0 pages=1 rights=map\n"      \
    "    buffer mine pages=1\n"             \
    "nodma dmadrv.wasm\n"                   \
    "    buffer hers pages=1\n"

enum { ZC_KEEP = 0, ZC_DONE = 1, ZC_TRAP = 2 };

static buf_t *zc_buf(domain_t *d, const char *name)
{
    kobj_t *o = NULL;
    cap_lookup(d->caps, (cap_handle_t)ipc_handle(d, name), KOBJ_BUFFER, 0, &o);
    return (buf_t *)o;
}

/* The client lends buf with rights to drv.io: io(mode | dma << 8, page, writes). */
static int64_t zc_lend(ipc_world_t *w, uint32_t rights, int mode, uint32_t page, int writes)
{
    domain_t *drv = domain_find(&w->sys, "drv");
    uint64_t a0 = (uint64_t)mode | (uint64_t)ipc_handle(drv, "blk0.dma") << 8;
    uint64_t args[6] = {(uint64_t)ipc_handle(w->client, "drv.io"),
                        (uint64_t)ipc_handle(w->client, "buf"), rights, a0, page, (uint64_t)writes};
    return ipc_invoke(w, w->client, "do_lend", args);
}

TEST(dma_lent_buffer_bus_addresses)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_MMIO);
    CHECK(ipc_world_up(&w, ZC_WORLD));
    domain_t *drv = domain_find(&w.sys, "drv");
    w.client = domain_find(&w.sys, "client");
    buf_t *b = zc_buf(w.client, "buf");
    CHECK(b != NULL && b->npages == 2);
    uint32_t rw = CAP_R_READ | CAP_R_WRITE;
    /* the pages' own frames: nothing copied, nothing remapped */
    *status_of(&f) = 0xf;
    CHECK_EQ(zc_lend(&w, rw, ZC_DONE, 0, 1), (int64_t)b->frames[0]);
    CHECK_EQ(zc_lend(&w, rw, ZC_DONE, 1, 1), (int64_t)b->frames[1]);
    CHECK_EQ(b->npins, 0);
    CHECK_EQ(*status_of(&f), 0xf);          /* released in time: the device runs on */
    CHECK_EQ(zc_lend(&w, rw, ZC_DONE, 2, 1), CAP_EINVAL);   /* past the buffer */
    CHECK_EQ(zc_lend(&w, rw, ZC_DONE, 0xffffffffu, 0), CAP_EINVAL);
    /* lent read-only: the device may read it, not be told to write it */
    CHECK_EQ(zc_lend(&w, CAP_R_READ, ZC_DONE, 0, 1), CAP_ERIGHTS);
    CHECK_EQ(zc_lend(&w, CAP_R_READ, ZC_DONE, 1, 0), (int64_t)b->frames[1]);
    /* after the lend the handle is gone: no address, nothing to release */
    int64_t gone = ipc_run(&w, drv, "lent", 0);
    CHECK(ipc_run(&w, drv, "buf_dma", 4, gone, ipc_handle(drv, "blk0.dma"), (int64_t)0, (int64_t)0) < 0);
    CHECK(ipc_run(&w, drv, "buf_undma", 1, gone) < 0);
    /* a driver that never says the device is done: the lend's end stops
     * the device before the client has its pages back */
    CHECK_EQ(zc_lend(&w, rw, ZC_KEEP, 0, 1), (int64_t)b->frames[0]);
    CHECK_EQ(*status_of(&f), 0);
    CHECK_EQ(b->npins, 0);
    /* dying mid-request: the same */
    *status_of(&f) = 0xf;
    CHECK_EQ(zc_lend(&w, rw, ZC_TRAP, 1, 1), IPC_ETRAP);
    CHECK_EQ(*status_of(&f), 0);
    CHECK_EQ(b->npins, 0);
    CHECK_EQ(ipc_shim_frame_state(b->frames[1]), SHIM_FRAME_USED);   /* still the client's */
    ipc_world_down(&w);
    fake_down(&f);
}

TEST(dma_bus_addresses_need_the_rights)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_MMIO);
    CHECK(ipc_world_up(&w, ZC_WORLD));
    domain_t *drv = domain_find(&w.sys, "drv"), *other = domain_find(&w.sys, "other"),
             *nodma = domain_find(&w.sys, "nodma");
    int64_t dma = ipc_handle(drv, "blk0.dma"), mmio = ipc_handle(drv, "blk0.mmio");
    /* a DMA capability without the read right, no DMA capability at all,
     * another object where the DMA capability goes */
    int64_t mine = ipc_handle(other, "mine");
    CHECK_EQ(ipc_run(&w, other, "buf_dma", 4, mine, ipc_handle(other, "blk0.dma"), (int64_t)0,
                     (int64_t)0), CAP_ERIGHTS);
    mine = ipc_handle(nodma, "hers");
    CHECK_EQ(ipc_run(&w, nodma, "buf_dma", 4, mine, mine, (int64_t)0, (int64_t)0), CAP_ETYPE);
    CHECK(ipc_run(&w, nodma, "buf_dma", 4, mine, (int64_t)0x7fff, (int64_t)0, (int64_t)0) < 0);
    CHECK_EQ(ipc_run(&w, drv, "buf_dma", 4, mmio, dma, (int64_t)0, (int64_t)0), CAP_ETYPE);
    /* the client's buffer under a handle the driver does not hold */
    CHECK(ipc_run(&w, drv, "buf_dma", 4, ipc_handle(w.client, "buf"), dma, (int64_t)0,
                  (int64_t)0) < 0);
    ipc_world_down(&w);
    fake_down(&f);
}

/* A buffer given to the driver outside a call (a derived capability): the
 * owner's revoke, a reset of the driver, a move, a lend elsewhere. */
TEST(dma_pins_end_with_the_capability)
{
    fake_t f;
    ipc_world_t w;
    fake_up(&f, "blk0", DEV_VIRTIO_PCI);
    long frames0 = ipc_shim_frames_live;
    CHECK(ipc_world_up(&w, ZC_WORLD));
    domain_t *drv = domain_find(&w.sys, "drv");
    w.client = domain_find(&w.sys, "client");
    cap_handle_t cb = (cap_handle_t)ipc_handle(w.client, "buf"), got = 0;
    buf_t *b = zc_buf(w.client, "buf");
    int64_t dma = ipc_handle(drv, "blk0.dma");
    uint32_t all = CAP_R_READ | CAP_R_WRITE | CAP_R_MAP;

    /* revoked by its owner while the device has it */
    CHECK_EQ(cap_derive(w.client->caps, cb, all, drv->caps, &got), CAP_OK);
    CHECK_EQ(ipc_run(&w, drv, "buf_dma", 4, (int64_t)got, dma, (int64_t)1, (int64_t)1),
             (int64_t)b->frames[1]);
    CHECK_EQ(ipc_run(&w, drv, "buf_dma", 4, (int64_t)got, dma, (int64_t)0, (int64_t)1),
             (int64_t)b->frames[0]);
    CHECK_EQ(b->npins, 1);                   /* one pin per capability and device */
    /* while a device of the driver has it, the owner cannot lend it elsewhere */
    CHECK_EQ(zc_lend(&w, CAP_R_READ, ZC_DONE, 0, 0), IPC_ELENT);
    *status_of(&f) = 0xf;
    CHECK_EQ(cap_revoke(w.client->caps, cb), CAP_OK);
    CHECK_EQ(*status_of(&f), 0);
    CHECK_EQ(b->npins, 0);
    CHECK(ipc_run(&w, drv, "buf_dma", 4, (int64_t)got, dma, (int64_t)0, (int64_t)0) < 0);

    /* released in time: the revoke leaves the device alone */
    CHECK_EQ(cap_derive(w.client->caps, cb, all, drv->caps, &got), CAP_OK);
    CHECK(ipc_run(&w, drv, "buf_dma", 4, (int64_t)got, dma, (int64_t)0, (int64_t)1) > 0);
    CHECK_EQ(ipc_run(&w, drv, "buf_undma", 1, (int64_t)got), 1);
    CHECK_EQ(ipc_run(&w, drv, "buf_undma", 1, (int64_t)got), 0);
    *status_of(&f) = 0xf;
    CHECK_EQ(cap_revoke(w.client->caps, cb), CAP_OK);
    CHECK_EQ(*status_of(&f), 0xf);

    /* a reset of the driver (what a restart does) */
    CHECK_EQ(cap_derive(w.client->caps, cb, all, drv->caps, &got), CAP_OK);
    CHECK(ipc_run(&w, drv, "buf_dma", 4, (int64_t)got, dma, (int64_t)0, (int64_t)1) > 0);
    CHECK(domain_reset(drv) >= 0);
    CHECK_EQ(*status_of(&f), 0);
    CHECK_EQ(b->npins, 0);

    /* the owner drops its buffer while the device has it: the device stops,
     * and the frames are freed only then (at the end, all of them back) */
    CHECK_EQ(cap_derive(w.client->caps, cb, all, drv->caps, &got), CAP_OK);
    CHECK(ipc_run(&w, drv, "buf_dma", 4, (int64_t)got, dma, (int64_t)0, (int64_t)1) > 0);
    uint64_t f0 = b->frames[0];
    *status_of(&f) = 0xf;
    CHECK_EQ(cap_delete(w.client->caps, cb), CAP_OK);
    CHECK_EQ(*status_of(&f), 0);
    CHECK_EQ(ipc_shim_frame_state(f0), SHIM_FRAME_FREE);
    ipc_world_down(&w);
    CHECK_EQ(ipc_shim_frames_live, frames0);
    fake_down(&f);
}
