/*
 * The virtio-gpu driver domain (docs/display.md): a 2D scanout on the
 * device gpu0 through the SDK's virtio library, served on the endpoint
 * gpu.fb to the display service.
 *
 * Capabilities (granted by the manifest, nothing else): gpu0.mmio,
 * gpu0.irq, gpu0.dma.
 *
 * DMA area: page 0 the control queue's rings, page 1 the small commands
 * and all the answers (six slots: up to six commands of a flush travel
 * together), pages 2..8 the attach command with its list of memory
 * entries, page 9 the rest page (zeros). B8G8R8X8: a pixel is the word
 * 0x00RRGGBB.
 *
 * The resource (up to FB_MAX_W x FB_MAX_H) has no frame of ours behind
 * it: its backing at rest is the rest page alone (QEMU wants a backing
 * for SET_SCANOUT, and reads one only during a transfer). Each flush
 * attaches the lent buffer's own pages in its place, for that transfer
 * only, pinned with buf_dma for the call (only the pages the damaged rows
 * span, contiguous ones merged) and released with buf_undma (zero copy:
 * the driver neither maps nor copies the pixels): for op 1 a whole frame,
 * for op 4 a band of rows (the display service keeps no frame: it
 * composes each damage a band at a time).
 *
 * gpu.fb interface (a call; a0 the op):
 *
 *   0 info                          -> width | height << 16
 *   1 flush (x | y << 16, w | h << 16, lent frame)
 *                                   -> 0, or 1 when the device was set up
 *                                      again in this call (the screen lost
 *                                      what it showed: flush everything);
 *                                      the frame is width x height words,
 *                                      exactly the pages that takes
 *   4 flush (x | y << 16, w | h << 16, lent rows)
 *                                   the same from a band of the screen:
 *                                   the buffer holds rows y .. y + h - 1,
 *                                   row y at its byte 0, rows width words
 *                                   apart, the rectangle at column x; it
 *                                   must have every page the rectangle
 *                                   spans
 *   3 drill                         -> 0: the next flush faults this driver
 *                                      after its transfer to the device and
 *                                      before its flush (a fault in the
 *                                      middle of a frame, for the tests);
 *                                      ATH_EINVAL unless the manifest gave
 *                                      the word `drill`
 *
 * (op 2, a small damage copied into a stage of the driver's, is gone: the
 * compositor's bands are lent as op 4.) The device transfers the
 * rectangle only and flushes it to the scanout. Errors: ATH_EINVAL (bad
 * op or rectangle), ATH_ERIGHTS (no readable buffer of the right size),
 * GPU_EDEV (the device refused a command or did not answer in 2 s),
 * ATH_ESTOPPED (no device).
 *
 * A restart (fault, kill + restart, reset) brings the domain back to its
 * post-init snapshot, where nothing is set up; the kernel has reset the
 * device as the DMA pages left. The next call sets it up again.
 */
#include <virtio.h>

#define MS 1000000ll
#define BUFFER_TYPE 3           /* cap_info's object type of a buffer */
#define FB_MAX_W 1024
#define FB_MAX_H 768
#define FB_PAGES (FB_MAX_W * FB_MAX_H * 4 / ATH_PAGE)
#define LIST_PAGES 7            /* the attach command: 32 + 16 bytes an entry */
#define REST_PAGE (2 + LIST_PAGES)
#define DMA_PAGES (REST_PAGE + 1)
#define MAX_ENTRIES ((LIST_PAGES * ATH_PAGE - 32) / 16)
_Static_assert(FB_PAGES <= MAX_ENTRIES, "the attach list holds a whole frame");
#define RES_ID 1

enum { GPU_EDEV = -300 };

/* Commands and responses (virtio 1.2, 5.7.6). */
enum {
    CMD_GET_DISPLAY_INFO = 0x0100, CMD_RESOURCE_CREATE_2D = 0x0101, CMD_SET_SCANOUT = 0x0103,
    CMD_RESOURCE_FLUSH = 0x0104, CMD_TRANSFER_TO_HOST_2D = 0x0105,
    CMD_RESOURCE_ATTACH_BACKING = 0x0106, CMD_RESOURCE_DETACH_BACKING = 0x0107,
    RESP_OK_NODATA = 0x1100, RESP_OK_DISPLAY_INFO = 0x1101,
};
#define FORMAT_B8G8R8X8 2

typedef struct hdr {
    uint32_t type, flags;
    uint64_t fence;
    uint32_t ctx;
    uint8_t ring, pad[3];
} hdr_t;

typedef struct rect {
    uint32_t x, y, w, h;
} rect_t;

typedef struct display_info {
    hdr_t hdr;
    struct {
        rect_t r;
        uint32_t enabled, flags;
    } pmodes[16];
} display_info_t;

typedef struct create_2d {
    hdr_t hdr;
    uint32_t resource, format, width, height;
} create_2d_t;

typedef struct mem_entry {
    uint64_t addr;
    uint32_t length, pad;
} mem_entry_t;

typedef struct attach {
    hdr_t hdr;
    uint32_t resource, nr_entries;
    mem_entry_t e[];            /* nr_entries of them */
} attach_t;

typedef struct detach {
    hdr_t hdr;
    uint32_t resource, pad;
} detach_t;

typedef struct set_scanout {
    hdr_t hdr;
    rect_t r;
    uint32_t scanout, resource;
} set_scanout_t;

typedef struct flush {
    hdr_t hdr;
    rect_t r;
    uint32_t resource, pad;
} flush_t;

typedef struct transfer {
    hdr_t hdr;
    rect_t r;
    uint64_t offset;
    uint32_t resource, pad;
} transfer_t;

/* A command slot: the command at cmd, the response at resp (page 1). */
typedef struct slot {
    uint8_t *cmd, *resp;
    bool done;
} slot_t;

static uint8_t window[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[DMA_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static vio_t dev;
static vq_t q;
#define NSLOTS 6
static slot_t slots[NSLOTS];    /* 0: in pages 2..5 (the attach list) */
static bool up, fresh;
static uint32_t width, height, irqs, frames;
static uint8_t *rest;           /* in dma_area: the rest page */
static bool armed;              /* op 3: the next show faults mid-frame */

static void zero(void *p, uint32_t n)
{
    uint8_t *b = p;
    for (uint32_t i = 0; i < n; i++)
        b[i] = 0;
}

/* Queues the command in slot s (clen bytes) with room for rlen bytes of
 * response. False when the queue is full. */
static bool submit(slot_t *s, uint32_t clen, uint32_t rlen)
{
    vq_buf_t b[2] = {{vio_bus(&dev, s->cmd), clen, false}, {vio_bus(&dev, s->resp), rlen, true}};
    ((hdr_t *)s->resp)->type = 0;
    s->done = false;
    if (vq_add(&q, b, 2, s) < 0)
        return false;
    if (vq_should_notify(&q))
        vio_notify(&dev, 0);
    return true;
}

/* Waits until every slot in flight completed (2 s at most). */
static bool wait_all(void)
{
    for (int i = 0; i < 20; i++) {
        uint32_t len;
        slot_t *s;
        while ((s = vq_get(&q, &len)) != 0)
            s->done = true;
        if (vq_in_flight(&q) == 0)
            return true;
        if (vio_wait(&dev, 100 * MS) & 1)
            irqs++;
    }
    return false;
}

/* One command through slot 0; the response type must be want. */
static int32_t command(uint32_t clen, uint32_t rlen, uint32_t want)
{
    if (!submit(&slots[0], clen, rlen) || !wait_all())
        return GPU_EDEV;
    return ((hdr_t *)slots[0].resp)->type == want ? 0 : GPU_EDEV;
}

static void *cmd0(uint32_t type, uint32_t len)
{
    zero(slots[0].cmd, len);
    ((hdr_t *)slots[0].cmd)->type = type;
    return slots[0].cmd;
}

static int32_t setup(void)
{
    uint64_t features;
    int32_t e;
    if (dev.info.virtio_id != 16 || dev.dma_bytes < DMA_PAGES * ATH_PAGE) {
        ath_print("vgpu: not a GPU, or too little DMA memory\n");
        return ATH_EINVAL;
    }
    if ((e = vio_negotiate(&dev, 0, &features)) < 0 || (e = vio_queue(&dev, 0, &q, 0, 16)) < 0) {
        ath_print("vgpu: the device refused the driver\n");
        return e;
    }
    /* Slot 0: the command in pages 2..5, its answer (up to a display
     * info) at the start of page 1; slots 1..: small commands and their
     * answers, 128 bytes each, past it. */
    slots[0] = (slot_t){dma_area + 2 * ATH_PAGE, dma_area + ATH_PAGE, false};
    for (int i = 1; i < NSLOTS; i++)
        slots[i] = (slot_t){dma_area + ATH_PAGE + 512 + 128 * i, dma_area + ATH_PAGE + 576 + 128 * i,
                            false};
    rest = dma_area + REST_PAGE * ATH_PAGE;
    vq_interrupts(&q, true);
    vio_ready(&dev);

    cmd0(CMD_GET_DISPLAY_INFO, sizeof(hdr_t));
    if ((e = command(sizeof(hdr_t), sizeof(display_info_t), RESP_OK_DISPLAY_INFO)) < 0)
        return e;
    display_info_t *di = (display_info_t *)slots[0].resp;
    width = di->pmodes[0].enabled ? di->pmodes[0].r.w : FB_MAX_W;
    height = di->pmodes[0].enabled ? di->pmodes[0].r.h : FB_MAX_H;
    if (width == 0 || width > FB_MAX_W)
        width = FB_MAX_W;
    if (height == 0 || height > FB_MAX_H)
        height = FB_MAX_H;

    create_2d_t *c = cmd0(CMD_RESOURCE_CREATE_2D, sizeof *c);
    c->resource = RES_ID, c->format = FORMAT_B8G8R8X8, c->width = width, c->height = height;
    if ((e = command(sizeof *c, sizeof(hdr_t), RESP_OK_NODATA)) < 0)
        return e;
    /* At rest the resource's backing is the rest page (QEMU wants one for
     * SET_SCANOUT); each flush swaps in what its transfer reads. */
    attach_t *a = cmd0(CMD_RESOURCE_ATTACH_BACKING, sizeof *a + sizeof(mem_entry_t));
    a->resource = RES_ID, a->nr_entries = 1;
    a->e[0] = (mem_entry_t){vio_bus(&dev, rest), ATH_PAGE, 0};
    if ((e = command(sizeof *a + sizeof(mem_entry_t), sizeof(hdr_t), RESP_OK_NODATA)) < 0)
        return e;
    set_scanout_t *s = cmd0(CMD_SET_SCANOUT, sizeof *s);
    s->r = (rect_t){0, 0, width, height}, s->scanout = 0, s->resource = RES_ID;
    return command(sizeof *s, sizeof(hdr_t), RESP_OK_NODATA);
}

/* Gives the device back: its mappings go (the kernel resets it first). */
static void stop(void)
{
    ath_dma_unmap(dev.dma);
    ath_mmio_unmap(dev.mmio);
    up = false;
}

/* Sets the device up; on failure gives it back. */
static int32_t start(void)
{
    int32_t e = vio_open(&dev, "gpu0", window, sizeof window, dma_area, sizeof dma_area);
    if (e < 0) {
        ath_printf("vgpu: gpu0 not opened: %d\n", e);
        return e;
    }
    if ((e = setup()) < 0) {
        stop();
        return e;
    }
    up = fresh = true;
    ath_printf("vgpu: gpu0 %ux%u scanout 0 up\n", (unsigned)width, (unsigned)height);
    return 0;
}

/* The commands of one flush, in flight at once; the device runs them in
 * order. Fills slot k with a command of type t, len bytes. */
static void *put_cmd(int k, uint32_t type, uint32_t len)
{
    zero(slots[k].cmd, len);
    ((hdr_t *)slots[k].cmd)->type = type;
    return slots[k].cmd;
}

static void put_detach(int k)
{
    ((detach_t *)put_cmd(k, CMD_RESOURCE_DETACH_BACKING, sizeof(detach_t)))->resource = RES_ID;
}

/* Shows rectangle r (n entries already in slot 0's attach command):
 * detach the rest page, attach the entries, transfer, detach them, attach
 * the rest page again, flush. off: the rectangle's byte offset in the
 * backing of the transfer. */
static int32_t show(rect_t r, uint32_t n, uint64_t off)
{
    uint32_t len[NSLOTS];
    int k = 1, m = 0, order[NSLOTS];
    attach_t *a = put_cmd(0, CMD_RESOURCE_ATTACH_BACKING, sizeof(attach_t));
    a->resource = RES_ID, a->nr_entries = n;
    put_detach(k);
    len[k] = sizeof(detach_t), order[m++] = k++;
    len[0] = sizeof(attach_t) + n * sizeof(mem_entry_t), order[m++] = 0;
    transfer_t *t = put_cmd(k, CMD_TRANSFER_TO_HOST_2D, sizeof(transfer_t));
    t->r = r, t->resource = RES_ID, t->offset = off;
    len[k] = sizeof(transfer_t), order[m++] = k++;
    int before_flush = m;
    put_detach(k);
    len[k] = sizeof(detach_t), order[m++] = k++;
    attach_t *b = put_cmd(k, CMD_RESOURCE_ATTACH_BACKING, sizeof(attach_t) + sizeof(mem_entry_t));
    b->resource = RES_ID, b->nr_entries = 1;
    b->e[0] = (mem_entry_t){vio_bus(&dev, rest), ATH_PAGE, 0};
    len[k] = sizeof(attach_t) + sizeof(mem_entry_t), order[m++] = k++;
    flush_t *f = put_cmd(k, CMD_RESOURCE_FLUSH, sizeof(flush_t));
    f->r = r, f->resource = RES_ID;
    len[k] = sizeof(flush_t), order[m++] = k++;
    if (armed) {                /* the drill: the transfer done, no flush */
        bool ok = true;
        for (int i = 0; i < before_flush && ok; i++)
            ok = submit(&slots[order[i]], len[order[i]], sizeof(hdr_t));
        if (ok && wait_all())
            ath_print("vgpu: drill: transfer done, faulting before the flush\n");
        __builtin_trap();
    }
    for (int i = 0; i < m; i++)
        if (!submit(&slots[order[i]], len[order[i]], sizeof(hdr_t)))
            return GPU_EDEV;
    if (!wait_all())
        return GPU_EDEV;
    for (int i = 0; i < m; i++)
        if (((hdr_t *)slots[order[i]].resp)->type != RESP_OK_NODATA)
            return GPU_EDEV;
    frames++;
    return 0;
}

/* A readable buffer lent for the call: the pages it must have. */
static int32_t check_lent(ath_handle_t lent)
{
    int64_t info = ath_cap_info(lent);
    if (info < 0)
        return (int32_t)info;
    if ((info >> 32) != BUFFER_TYPE || !((uint32_t)info & ATH_R_READ))
        return ATH_ERIGHTS;
    return 0;
}

/* op 1 and op 4: the pages of the lent buffer that rectangle r spans,
 * pinned to the device, as the attach command's entries (contiguous pages
 * merged); the rectangle's offset in them in *off. op 1: the buffer is the
 * frame (screen row y at y * width * 4), exactly width * height * 4
 * bytes: its last page pins, the one past it does not. op 4: the buffer
 * holds the rectangle's rows from its start (row r.y at byte 0, rows
 * width * 4 bytes apart): every page they span must pin. Returns the
 * entries, or an error with nothing left pinned. */
static int32_t pin_rows(ath_handle_t lent, rect_t r, bool frame, uint64_t *off)
{
    uint32_t pages = (width * height * 4 + ATH_PAGE - 1) / ATH_PAGE;
    int32_t e = check_lent(lent);
    if (e < 0)
        return e;
    if (frame && (ath_buf_dma(lent, dev.dma, pages - 1, 0) < 0 ||
                  ath_buf_dma(lent, dev.dma, pages, 0) != ATH_EINVAL)) {
        ath_buf_undma(lent);
        return ATH_ERIGHTS;     /* smaller or larger than the frame, or not ours to give */
    }
    uint64_t base = frame ? (uint64_t)r.y * width : 0;
    uint64_t first = (base + r.x) * 4;
    uint64_t last = (base + (uint64_t)(r.h - 1) * width + r.x + r.w) * 4;   /* past the end */
    uint32_t p0 = (uint32_t)(first / ATH_PAGE), p1 = (uint32_t)((last - 1) / ATH_PAGE);
    mem_entry_t *ent = ((attach_t *)slots[0].cmd)->e;
    uint32_t n = 0;
    for (uint32_t p = p0; p <= p1; p++) {
        int64_t bus = ath_buf_dma(lent, dev.dma, p, 0);
        if (bus < 0) {
            ath_buf_undma(lent);
            return ATH_ERIGHTS; /* op 4: a buffer too small for the rows */
        }
        if (n > 0 && ent[n - 1].addr + ent[n - 1].length == (uint64_t)bus)
            ent[n - 1].length += ATH_PAGE;
        else
            ent[n++] = (mem_entry_t){(uint64_t)bus, ATH_PAGE, 0};
    }
    *off = first - (uint64_t)p0 * ATH_PAGE;
    return (int32_t)n;
}

ATH_EXPORT("fb") int64_t fb_call(int64_t op, int64_t xy, int64_t wh, int64_t lent)
{
    int32_t e;
    if (op < 0 || op == 2 || op > 4)
        return ATH_EINVAL;      /* op 2 (a staged copy) is gone: bands go by op 4 */
    if (op == 3) {
        char args[8];
        int32_t n = ath_args(args, sizeof args);
        if (n != 5 || args[0] != 'd' || args[1] != 'r' || args[2] != 'i' || args[3] != 'l' ||
            args[4] != 'l')
            return ATH_EINVAL;
        armed = true;
        return 0;
    }
    if (!up && (e = start()) < 0)
        return e == ATH_ENOENT ? ATH_ESTOPPED : e;
    if (op == 0)
        return width | (int64_t)height << 16;
    if (xy < 0 || wh < 0 || xy >> 32 || wh >> 32)
        return ATH_EINVAL;
    rect_t r = {(uint32_t)xy & 0xffff, (uint32_t)xy >> 16, (uint32_t)wh & 0xffff, (uint32_t)wh >> 16};
    if (r.w == 0 || r.h == 0 || r.x >= width || r.y >= height || r.w > width - r.x ||
        r.h > height - r.y)
        return ATH_EINVAL;
    uint64_t off;
    int32_t n = pin_rows((ath_handle_t)lent, r, op == 1, &off);
    if (n <= 0)
        return n < 0 ? n : ATH_EINVAL;
    e = show(r, (uint32_t)n, off);
    ath_buf_undma((ath_handle_t)lent);     /* the device is done with the pages */
    if (e < 0) {
        /* The device refused or did not answer: it may have been reset
         * under us (by the kernel, when a lender with pages pinned to it
         * went away mid-flush: bus mastering is off too). Give it back;
         * the next call sets it up from the start. */
        stop();
        return e;
    }
    bool was = fresh;
    fresh = false;
    return was ? 1 : 0;
}

/* gpu.stats: frames shown, interrupts taken (for the bench and tests). */
ATH_EXPORT("stats") int64_t stats(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    return frames | (int64_t)irqs << 32;
}

/* The driver's thread (it holds a device) has nothing to do: the device
 * is set up by the first call, on the caller's thread, so that a call
 * never races a set-up of the boot thread's. */
ATH_EXPORT("_start") void _start(void)
{
}
