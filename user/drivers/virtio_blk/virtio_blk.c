/*
 * The virtio-blk driver domain (docs/storage.md): drives the disk blk0
 * through the SDK's virtio library (sdk/include/virtio.h) and serves block
 * reads, writes and flushes on its endpoint blk.io.
 *
 * Capabilities (granted by the manifest, nothing else): blk0.mmio,
 * blk0.irq, blk0.dma.
 *
 * DMA area: page 0 the queue's rings, page 1 the request headers and
 * status bytes, pages 2.. one 4 KiB data page per request slot (the
 * selftest's). Requests of several slots are in flight at once; each
 * completes on the used ring, which the driver reads after the device's
 * interrupt (or a 100 ms timeout: the ring is checked either way).
 *
 * blk.io requests are zero-copy: the device reads and writes the client's
 * lent buffer itself, at the bus addresses the kernel gives for its pages
 * (ath_buf_dma), which stay pinned to the device until the request has
 * completed (ath_buf_undma). A request the device does not finish in time
 * resets the device (ath_dma_unmap quiesces it) before the lend ends.
 *
 * With the argument "selftest" it first checks the disk: several reads in
 * flight, a write + flush + read back of the last sector, a read past the
 * end that the device must refuse. With "crashtest" (the test image only)
 * it traps in the middle of a write whose data starts with CRASH_MARK,
 * after the device was given the request: a driver dying mid-write, which
 * scenario fscrash survives (docs/storage.md).
 */
#include <virtio.h>

#define MS 1000000ll
#define SECTOR 512
#define SLOTS 4
#define SLOT_BYTES 4096
#define DMA_BYTES ((2 + SLOTS) * ATH_PAGE)
#define MAX_SECTORS 64          /* per blk.io call: 32 KiB, at most 9 pages of a lent buffer */
#define MAX_SEGS (MAX_SECTORS * SECTOR / ATH_PAGE + 1)

enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4 };
enum { S_OK = 0, S_IOERR = 1, S_UNSUPP = 2 };
#define F_RO (1ull << 5)
#define F_FLUSH (1ull << 9)

/* Errors the endpoint returns (beyond the ATH_E* codes). */
enum { BLK_EIO = -100, BLK_ERANGE = -101, BLK_EROFS = -102, BLK_ENODEV = -103 };

typedef struct req_hdr {
    uint32_t type, reserved;
    uint64_t sector;
} req_hdr_t;

typedef struct slot {
    volatile req_hdr_t *hdr;
    volatile uint8_t *status;
    uint8_t *data;
    bool busy, done;
} slot_t;

static uint8_t window[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[DMA_BYTES] __attribute__((aligned(ATH_PAGE)));

static vio_t dev;
static vq_t q;
static slot_t slots[SLOTS];
static uint64_t features, capacity;
static uint32_t irqs, bad_status;
static bool up, crashtest;

/* A write whose data starts with these bytes kills the driver (crashtest). */
static const char CRASH_MARK[16] = "AZOTH-CRASH-ME!!";

/* Completes what the device has finished. */
static void reap(void)
{
    uint32_t len;
    slot_t *s;
    while ((s = vq_get(&q, &len)) != 0)
        s->done = true;
}

/* Waits for slot s to complete (interrupts, with a timeout as a backstop:
 * the ring is checked on every wake-up). False after ~5 s. */
static bool wait_done(slot_t *s)
{
    for (int i = 0; i < 50 && !s->done; i++) {
        reap();
        if (s->done)
            break;
        if (vio_wait(&dev, 100 * MS) & 1)
            irqs++;
        reap();
    }
    return s->done;
}

/* Starts a request on slot i: type, sector, and its data in nseg pieces
 * of bus memory (its own data page, or a client's lent pages). */
static bool submit_segs(int i, uint32_t type, uint64_t sector, const vq_buf_t *seg, int nseg)
{
    slot_t *s = &slots[i];
    vq_buf_t b[MAX_SEGS + 2];
    int n = 0;
    s->hdr->type = type;
    s->hdr->reserved = 0;
    s->hdr->sector = sector;
    *s->status = 0xff;
    s->done = false;
    b[n++] = (vq_buf_t){vio_bus(&dev, (const void *)s->hdr), sizeof(req_hdr_t), false};
    for (int k = 0; k < nseg; k++)
        b[n++] = seg[k];
    b[n++] = (vq_buf_t){vio_bus(&dev, (const void *)s->status), 1, true};
    if (vq_add(&q, b, n, s) < 0)
        return false;
    s->busy = true;
    if (vq_should_notify(&q))
        vio_notify(&dev, 0);
    return true;
}

/* Starts a request on slot i through its own data page (nbytes of it). */
static bool submit(int i, uint32_t type, uint64_t sector, uint32_t nbytes)
{
    vq_buf_t d = {vio_bus(&dev, slots[i].data), nbytes, type == T_IN};
    return submit_segs(i, type, sector, &d, nbytes ? 1 : 0);
}

/* Finishes slot i: 0, or BLK_EIO (device error / no answer). */
static int32_t finish(int i)
{
    slot_t *s = &slots[i];
    bool ok = wait_done(s);
    s->busy = false;
    if (!ok)
        return BLK_EIO;
    if (*s->status != S_OK) {
        bad_status++;
        return BLK_EIO;
    }
    return 0;
}

/* One synchronous request of up to SLOT_BYTES through slot 0. */
static int32_t rw(uint32_t type, uint64_t sector, uint32_t nbytes)
{
    if (!submit(0, type, sector, nbytes))
        return ATH_EBUSY;
    return finish(0);
}

static int32_t setup(void);

/* Sets the device up; on failure after the mappings, gives them back. */
static int32_t start(void)
{
    int32_t e = vio_open(&dev, "blk0", window, sizeof window, dma_area, sizeof dma_area);
    if (e < 0)
        return e;
    if ((e = setup()) < 0) {
        ath_dma_unmap(dev.dma);
        ath_mmio_unmap(dev.mmio);
    }
    return e;
}

static int32_t setup(void)
{
    int32_t e;
    if (dev.info.virtio_id != 2 || dev.dma_bytes < DMA_BYTES) {
        ath_print("vblk: not a block device, or too little DMA memory\n");
        return ATH_EINVAL;
    }
    if ((e = vio_negotiate(&dev, F_RO | F_FLUSH, &features)) < 0) {
        ath_print("vblk: feature negotiation failed\n");
        return e;
    }
    if ((e = vio_queue(&dev, 0, &q, 0, 16)) < 0) {
        ath_print("vblk: the request queue cannot be set up\n");
        return e;
    }
    for (int i = 0; i < SLOTS; i++) {
        slots[i].hdr = (volatile req_hdr_t *)(dma_area + ATH_PAGE + 32 * i);
        slots[i].status = dma_area + ATH_PAGE + 32 * i + 16;
        slots[i].data = dma_area + 2 * ATH_PAGE + SLOT_BYTES * i;
    }
    vq_interrupts(&q, true);
    vio_ready(&dev);
    capacity = vio_config32(&dev, 0) | (uint64_t)vio_config32(&dev, 4) << 32;
    return 0;
}

static int selftest(void)
{
    int fails = 0;
    /* Four reads in flight at once: sectors 0, 8, 16, 24. */
    for (int i = 0; i < SLOTS; i++)
        if (!submit(i, T_IN, (uint64_t)i * 8, SLOT_BYTES))
            fails++;
    int inflight = vq_in_flight(&q);
    for (int i = 0; i < SLOTS; i++)
        if (finish(i) != 0)
            fails++;
    char text[41];          /* sector 0's first printable bytes, at most 40 */
    int n = 0;
    while (n < 40 && slots[0].data[n] >= ' ' && slots[0].data[n] < 127)
        text[n] = (char)slots[0].data[n], n++;
    text[n] = 0;
    ath_printf("vblk: selftest: %d reads in flight, sector 0 reads \"%s\"\n", inflight, text);
    if (capacity && !(features & F_RO)) {
        /* Write the last sector, flush, read it back. */
        uint64_t last = capacity - 1;
        static const char pat[] = "AZOTH-VBLK-WRITE ";
        for (int i = 0; i < SECTOR; i++)
            slots[0].data[i] = (uint8_t)pat[i % (sizeof pat - 1)];
        int32_t w = rw(T_OUT, last, SECTOR);
        int32_t f = (features & F_FLUSH) ? rw(T_FLUSH, 0, 0) : 0;
        for (int i = 0; i < SECTOR; i++)
            slots[0].data[i] = 0;
        int32_t r = rw(T_IN, last, SECTOR);
        bool same = r == 0 && slots[0].data[0] == 'A' && slots[0].data[SECTOR - 1] ==
                                                           (uint8_t)pat[(SECTOR - 1) % (sizeof pat - 1)];
        ath_printf("vblk: selftest: write %d, flush %d, read back %d (%s bytes)\n", w, f, r,
                   same ? "same" : "DIFFERENT");
        if (w || f || !same)
            fails++;
    }
    /* Sectors 7000 (read) and 7001 (write): the boot test's disk goes
     * through QEMU's blkdebug, which fails them with EIO. The results are
     * printed for the test to check; they are not counted here (a disk
     * without the rules reads and writes them fine). */
    if (capacity > 7001) {
        int32_t re = rw(T_IN, 7000, SECTOR);
        for (int i = 0; i < SECTOR; i++)
            slots[0].data[i] = 0x5a;
        int32_t we = rw(T_OUT, 7001, SECTOR);
        ath_printf("vblk: selftest: read sector 7000: %d, write sector 7001: %d\n", re, we);
    }
    /* Past the end: the device must refuse. */
    int32_t e = rw(T_IN, capacity, SECTOR);
    ath_printf("vblk: selftest: read past the end: %d (%s)\n", e,
               e == BLK_EIO ? "I/O error, as it must" : "NOT refused");
    if (e != BLK_EIO)
        fails++;
    ath_printf("vblk: selftest: interrupts taken %u\n", (unsigned)irqs);
    if (fails)
        ath_printf("vblk: selftest: %d checks FAILED\n", fails);
    else
        ath_print("vblk: selftest ok\n");
    return fails;
}

/* The device did not finish a request in time: it may still read or
 * write the pages it was given. Reset it (the kernel quiesces it as the
 * DMA pages leave us) and give the registers back; the next request sets
 * it up again. */
static void give_up_device(void)
{
    ath_dma_unmap(dev.dma);
    ath_mmio_unmap(dev.mmio);
    up = false;
}

/* crashtest: does the data of the write lent as `lent` start with
 * CRASH_MARK? (Mapped only to look: the device takes the data from the
 * client's pages.) */
static bool crash_marked(ath_handle_t lent, uint32_t off)
{
    uint32_t pages = 0;
    int32_t at = ath_lend_map(lent, 64, &pages);
    if (at < 0)
        return false;
    bool mark = off + 16 <= pages * ATH_PAGE;
    for (int i = 0; mark && i < 16; i++)
        mark = ((const uint8_t *)(uintptr_t)at)[off + (uint32_t)i] == (uint8_t)CRASH_MARK[i];
    ath_buf_unmap(lent);
    return mark;
}

/* Endpoint blk.io: io(op, sector, count | offset << 32, lent) with op 0
 * read, 1 write, 2 flush, 3 capacity; count sectors (1..MAX_SECTORS) at
 * byte `offset` (a multiple of 512) of the buffer lent for the call (read:
 * writable). Returns 0 (capacity: the sector count) or a negative error.
 * Zero-copy: the device is given the lent pages' bus addresses. */
ATH_EXPORT("io") int64_t io(int64_t op, int64_t sector, int64_t count_off, int64_t lent)
{
    if (!up) {
        /* After a restart (a reset to the post-init snapshot: the kernel
         * reset the device and took the mappings away) the first request
         * sets the device up again. While _start is still doing that, the
         * registers are mapped already: not ready yet. */
        int32_t e = start();
        if (e == ATH_ENOENT)    /* no disk granted: this boot has none, for good */
            return BLK_ENODEV;
        if (e < 0)              /* _start is still at it */
            return e == ATH_EMAPPED ? ATH_ESTOPPED : e;
        up = true;
    }
    if (op == 3)
        return (int64_t)capacity;
    if (op == 2) {
        if (!(features & F_FLUSH))
            return 0;
        int32_t e = rw(T_FLUSH, 0, 0);
        if (e == BLK_EIO && !slots[0].done)
            give_up_device();
        return e;
    }
    int64_t count = (int64_t)(uint32_t)count_off;
    uint32_t off = (uint32_t)((uint64_t)count_off >> 32);
    if ((op != 0 && op != 1) || count <= 0 || count > MAX_SECTORS || off % SECTOR)
        return ATH_EINVAL;
    if (sector < 0 || (uint64_t)sector >= capacity || (uint64_t)count > capacity - (uint64_t)sector)
        return BLK_ERANGE;
    if (op == 1 && (features & F_RO))
        return BLK_EROFS;
    /* The lent pages' bus addresses, contiguous runs merged. The kernel
     * checks the capability: a buffer (lent or ours) with the right the
     * transfer needs (the device writing it for a read), the pages inside
     * it. */
    ath_handle_t b = (ath_handle_t)lent;
    uint32_t n = (uint32_t)count * SECTOR, first = off / ATH_PAGE, last = (off + n - 1) / ATH_PAGE;
    vq_buf_t seg[MAX_SEGS];
    int nseg = 0;
    for (uint32_t p = first; p <= last; p++) {
        int64_t a = ath_buf_dma(b, dev.dma, p, op == 0);
        if (a < 0) {
            ath_buf_undma(b);
            return a;
        }
        uint32_t lo = p == first ? off % ATH_PAGE : 0;
        uint32_t hi = p == last ? (off + n - 1) % ATH_PAGE + 1 : ATH_PAGE;
        if (nseg && seg[nseg - 1].addr + seg[nseg - 1].len == (uint64_t)a + lo)
            seg[nseg - 1].len += hi - lo;
        else
            seg[nseg++] = (vq_buf_t){(uint64_t)a + lo, hi - lo, op == 0};
    }
    if (op == 1 && crashtest && crash_marked(b, off) &&
        submit_segs(0, T_OUT, (uint64_t)sector, seg, nseg)) {
        ath_print("vblk: crashtest: trapping with a write in flight\n");
        __builtin_trap();
    }
    int32_t e = ATH_EBUSY;
    if (submit_segs(0, op == 1 ? T_OUT : T_IN, (uint64_t)sector, seg, nseg)) {
        e = finish(0);
        if (e == BLK_EIO && !slots[0].done)
            give_up_device();   /* before the pages go back to the client */
    }
    ath_buf_undma(b);
    return e;
}

ATH_EXPORT("_start") void _start(void)
{
    int32_t e = start();
    if (e < 0) {
        ath_printf("vblk: no usable disk blk0 (%d); exiting\n", e);
        return;
    }
    ath_printf("vblk: blk0: %lld sectors, %s, irq %u%s, DMA at 0x%016llx\n", (long long)capacity,
               dev.info.transport == ATH_VIRTIO_PCI ? "virtio-pci" : "virtio-mmio", (unsigned)dev.info.irq,
               features & F_RO ? ", read-only" : "", (unsigned long long)dev.dma_bus);
    char args[64];
    int32_t n = ath_args(args, sizeof args);
    static const char st[] = "selftest", ct[] = "crashtest";
    bool want = false;
    /* the words of the ARG string */
    for (int32_t i = 0; i < n && i < (int32_t)sizeof args;) {
        int32_t s = i;
        while (i < n && i < (int32_t)sizeof args && args[i] != ' ')
            i++;
        bool is_st = i - s == 8, is_ct = i - s == 9;
        for (int32_t k = 0; k < i - s; k++) {
            is_st &= k < 8 && args[s + k] == st[k];
            is_ct &= k < 9 && args[s + k] == ct[k];
        }
        want |= is_st;
        crashtest |= is_ct;
        while (i < n && i < (int32_t)sizeof args && args[i] == ' ')
            i++;
    }
    if (want)
        selftest();
    up = true;      /* blk.io serves from now on (the selftest used slot 0) */
}
