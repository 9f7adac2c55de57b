/*
 * The virtio-input driver domain (docs/display.md): reads the keyboard
 * input0 and hands each event to the input service (input.event). It
 * holds input0.mmio, input0.irq, input0.dma and the endpoint input.event;
 * nothing of the display.
 *
 * DMA area: page 0 the event queue's rings, page 1 the event buffers
 * (EVENTS of 8 bytes: le16 type, le16 code, le32 value, as Linux evdev),
 * all handed to the device at start and handed back after each is read.
 * The status queue (LEDs) is not used.
 *
 * Its _start runs on the driver thread the kernel gives a device domain
 * and never returns while the device works.
 */
#include <virtio.h>

#define MS 1000000ll
#define EVENTS 64

typedef struct event {
    uint16_t type, code;
    uint32_t value;
} event_t;

static uint8_t window[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[2 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static vio_t dev;
static vq_t q;
static ath_handle_t svc = -1;
static uint32_t events, bad;

static volatile event_t *slot(int i)
{
    return (volatile event_t *)(dma_area + ATH_PAGE) + i;
}

/* Hands event buffer i to the device. */
static void give(int i)
{
    vq_buf_t b = {vio_bus(&dev, (const void *)slot(i)), sizeof(event_t), true};
    vq_add(&q, &b, 1, (void *)slot(i));
}

static void deliver(const volatile event_t *e)
{
    int64_t r;
    int32_t err = ath_call(svc, e->type, e->code, (int32_t)e->value, 0, &r);
    if (err == ATH_ESTALE || err == ATH_EREVOKED) {     /* the service restarted */
        svc = ath_cap_find("input.event");
        ath_call(svc, e->type, e->code, (int32_t)e->value, 0, &r);
    }
}

ATH_EXPORT("_start") void _start(void)
{
    uint64_t features;
    int32_t e = vio_open(&dev, "input0", window, sizeof window, dma_area, sizeof dma_area);
    if (e >= 0 && (dev.info.virtio_id != 18 || dev.dma_bytes < sizeof dma_area))
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_negotiate(&dev, 0, &features);
    if (e >= 0)
        e = vio_queue(&dev, 0, &q, 0, EVENTS);
    svc = ath_cap_find("input.event");
    if (e < 0 || svc < 0) {
        ath_print("vkbd: no usable input device input0, or no input.event (");
        ath_print_int(e < 0 ? e : svc);
        ath_print("); exiting\n");
        return;
    }
    for (int i = 0; i < q.size; i++)
        give(i);
    vq_interrupts(&q, true);
    vio_ready(&dev);
    vio_notify(&dev, 0);
    ath_print("vkbd: input0 up\n");
    /* The device drops a batch of events when it finds too few buffers:
     * each one goes back to it as soon as its event is copied out, before
     * the (slower) deliveries. */
    for (;;) {
        static event_t got[EVENTS];
        uint32_t len;
        volatile event_t *ev;
        int n = 0, given = 0;
        while (given < EVENTS && (ev = vq_get(&q, &len)) != 0) {
            if (len == sizeof(event_t))
                got[n++] = *ev;
            else
                bad++;
            give((int)(ev - slot(0)));
            given++;
        }
        if (given && vq_should_notify(&q))
            vio_notify(&dev, 0);
        for (int i = 0; i < n; i++)
            deliver(&got[i]);
        events += (uint32_t)n;
        if (given == 0)
            vio_wait(&dev, 100 * MS);     /* the ring is read on every wake-up */
    }
}
