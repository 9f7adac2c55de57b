/*
 * The virtio-rng (entropy) driver domain (docs/devices.md): fills buffers
 * with bytes from the device rng0 and serves them on the endpoint rng.get.
 *
 * Capabilities (granted by the manifest, nothing else): rng0.mmio,
 * rng0.irq, rng0.dma. DMA area: page 0 the queue's rings, page 1 the
 * buffer the device fills.
 *
 * With the argument "selftest" it prints the first 16 bytes it gets, a '.'
 * for each byte that is not printable ASCII (the boot test feeds the
 * device a known file).
 */
#include <virtio.h>

#define MS 1000000ll
#define BUFFER_TYPE 3           /* cap_info's object type of a buffer */

static uint8_t window[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[2 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static vio_t dev;
static vq_t q;
static bool up;
static uint32_t irqs;

/* Up to n (<= a page) bytes from the device into page 1: how many, or < 0. */
static int32_t fill(uint32_t n)
{
    static int token;
    uint8_t *p = dma_area + ATH_PAGE;
    vq_buf_t b = {vio_bus(&dev, p), n, true};
    if (vq_add(&q, &b, 1, &token) < 0)
        return ATH_EBUSY;
    if (vq_should_notify(&q))
        vio_notify(&dev, 0);
    for (int i = 0; i < 50; i++) {
        uint32_t len = 0;
        if (vq_get(&q, &len))
            return len <= n ? (int32_t)len : ATH_EINVAL;
        if (vio_wait(&dev, 100 * MS) & 1)
            irqs++;
    }
    return ATH_ETIMEDOUT;   /* the chain stays in flight: the queue is dead from here */
}

/* Endpoint rng.get: get(n, ...lent): n (1..4096) random bytes into the
 * buffer lent writable for the call; returns how many (the device may
 * give fewer). */
ATH_EXPORT("get") int64_t get(int64_t n, int64_t a1, int64_t a2, int64_t lent)
{
    (void)a1, (void)a2;
    if (!up)
        return ATH_ESTOPPED;
    if (n <= 0 || n > ATH_PAGE)
        return ATH_EINVAL;
    int64_t info = ath_cap_info((ath_handle_t)lent);
    uint32_t need = ATH_R_MAP | ATH_R_WRITE;
    if (info < 0)
        return info;
    if ((info >> 32) != BUFFER_TYPE || ((uint32_t)info & need) != need)
        return ATH_ERIGHTS;
    int32_t got = fill((uint32_t)n);
    if (got < 0)
        return got;
    /* At the top of memory, where a buffer over one page does not map (at
     * a fixed array it would cover this driver's own data past it). */
    uint32_t pages = 0;
    int32_t e = ath_lend_map((ath_handle_t)lent, 1, &pages);
    if (e < 0)
        return e;
    uint8_t *lent_page = (uint8_t *)(uintptr_t)e;
    for (int32_t i = 0; i < got; i++)
        lent_page[i] = dma_area[ATH_PAGE + i];
    ath_buf_unmap((ath_handle_t)lent);
    return got;
}

ATH_EXPORT("_start") void _start(void)
{
    uint64_t features;
    int32_t e = vio_open(&dev, "rng0", window, sizeof window, dma_area, sizeof dma_area);
    if (e >= 0 && (dev.info.virtio_id != 4 || dev.dma_bytes < sizeof dma_area))
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_negotiate(&dev, 0, &features);
    if (e >= 0)
        e = vio_queue(&dev, 0, &q, 0, 8);
    if (e < 0) {
        ath_printf("vrng: no usable entropy device rng0 (%d); exiting\n", e);
        return;
    }
    vq_interrupts(&q, true);
    vio_ready(&dev);
    char args[16];
    int32_t n = ath_args(args, sizeof args);
    static const char st[] = "selftest";
    bool want = n >= 8;
    for (int i = 0; want && i < 8; i++)
        want = args[i] == st[i];
    if (want) {
        int32_t got = fill(16);
        char text[17];          /* the bytes, a '.' for each not printable */
        int32_t n = 0;
        for (; n < got && n < 16; n++) {
            uint8_t c = dma_area[ATH_PAGE + n];
            text[n] = c >= ' ' && c < 127 ? (char)c : '.';
        }
        text[n] = 0;
        ath_printf("vrng: selftest: %d bytes: %s, interrupts %u\n", got, text, (unsigned)irqs);
    }
    up = true;
}
