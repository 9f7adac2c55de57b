/*
 * The virtio-tablet driver domain (docs/display.md): a pointer with
 * absolute coordinates, virtio-input's tablet (QEMU's virtio-tablet-pci,
 * virtio-tablet-device), through the SDK's virtio library. It hands each
 * event to the input service (input.event) and holds nothing else:
 * input1.mmio, input1.irq, input1.dma (2 pages) and input.event. It knows
 * nothing of the screen; the input service places the pointer.
 *
 * The device named by its argument (default input1: the keyboard is
 * input0) must report absolute X and Y (its EV_BITS for EV_ABS, and the
 * ABS_INFO of both axes): anything else is refused, so the keyboard cannot
 * be driven by this driver by mistake.
 *
 * Events (Linux evdev, 8 bytes: le16 type, le16 code, le32 value) go to
 * input.event as (type, code, value), unchanged but for ABS_X and ABS_Y,
 * scaled from the device's [min, max] to [0, 32767]. A packet ends with
 * EV_SYN (SYN_REPORT); the input service acts on it then.
 *
 * DMA: page 0 the event queue's rings, page 1 the event buffers, all in
 * the device's hands but while their event is copied out. The thread (a
 * device domain's _start) does not return while the device works.
 *
 * No interrupt: it polls the used ring every POLL_MS, sleeping on a
 * channel of its own that nobody signals (vtab.tick). x86's q35 routes
 * the PCI devices' INTx to four lines, and a line has one owner
 * (docs/drivers.md): with the disk, the entropy device, the GPU and the
 * keyboard there is none left for the tablet. A pointer read 100 times a
 * second is smooth enough, and the same code runs on every machine.
 */
#include <virtio.h>

#define MS 1000000ll
#define EVENTS 64
#define EVENT 8
#define ABS_SCALE 32767
#define POLL_MS 10

enum { EV_SYN = 0, EV_ABS = 3, ABS_X = 0, ABS_Y = 1 };
enum { CFG_SELECT = 0, CFG_SUBSEL = 1, CFG_SIZE = 2, CFG_DATA = 8 };
enum { CFG_EV_BITS = 0x11, CFG_ABS_INFO = 0x12 };

static uint8_t window[16 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[2 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static vio_t dev;
static vq_t q;
static ath_handle_t svc = -1, tick = -1;
static int32_t amin[2], amax[2];
static uint32_t events, bad;
static uint8_t got[EVENTS * EVENT];

static uint8_t *slot(int i)
{
    return dma_area + ATH_PAGE + i * EVENT;
}

static void give(int i)
{
    vq_buf_t b = {vio_bus(&dev, slot(i)), EVENT, true};
    vq_add(&q, &b, 1, (void *)(uintptr_t)(i + 1));
}

/* The configuration's answer to (select, subsel): its size (0: none). */
static uint32_t cfg_select(uint8_t sel, uint8_t sub)
{
    vio_config_set8(&dev, CFG_SELECT, sel);
    vio_config_set8(&dev, CFG_SUBSEL, sub);
    return (vio_config32(&dev, 0) >> 16) & 0xff;
}

/* A tablet: EV_ABS events, and a range of at least 2 on X and Y. */
static bool is_tablet(void)
{
    if (cfg_select(CFG_EV_BITS, EV_ABS) == 0 || !(vio_config32(&dev, CFG_DATA) & 3))
        return false;
    for (int a = 0; a < 2; a++) {
        if (cfg_select(CFG_ABS_INFO, (uint8_t)a) < 8)
            return false;
        amin[a] = (int32_t)vio_config32(&dev, CFG_DATA);
        amax[a] = (int32_t)vio_config32(&dev, CFG_DATA + 4);
        if (amax[a] <= amin[a])
            return false;
    }
    return true;
}

static void deliver(uint32_t type, uint32_t code, int32_t value)
{
    if (type == EV_ABS && code <= ABS_Y) {
        int64_t v = value < amin[code] ? amin[code] : value > amax[code] ? amax[code] : value;
        value = (int32_t)((v - amin[code]) * ABS_SCALE / ((int64_t)amax[code] - amin[code]));
    }
    int64_t r;
    int32_t e = ath_call(svc, type, code, value, 0, &r);
    if (e == ATH_ESTALE || e == ATH_EREVOKED) {     /* the input service restarted */
        svc = ath_cap_find("input.event");
        ath_call(svc, type, code, value, 0, &r);
    }
}

ATH_EXPORT("_start") void _start(void)
{
    char name[16] = "input1";
    int32_t n = ath_args(name, sizeof name - 1);
    if (n > 0 && n < (int32_t)sizeof name)
        name[n] = 0;
    else
        __builtin_memcpy(name, "input1", 7);
    uint64_t features;
    svc = ath_cap_find("input.event");
    tick = ath_cap_find("vtab.tick");
    char cap[24];
    uint32_t k = 0;
    for (; name[k] && k < sizeof cap - 6; k++)
        cap[k] = name[k];
    __builtin_memcpy(cap + k, ".mmio", 6);
    ath_handle_t mmio = ath_cap_find(cap);
    __builtin_memcpy(cap + k, ".dma", 5);
    ath_handle_t dma = ath_cap_find(cap);
    int32_t e = mmio < 0 ? mmio : dma < 0 ? dma : tick < 0 ? tick : 0;
    if (e >= 0)
        e = vio_open_caps(&dev, mmio, -1, dma, window, sizeof window, dma_area, sizeof dma_area);
    if (e >= 0 && (dev.info.virtio_id != 18 || dev.dma_bytes < sizeof dma_area))
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_negotiate(&dev, 0, &features);
    if (e >= 0 && !is_tablet())
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_queue(&dev, 0, &q, 0, EVENTS);
    if (e < 0 || svc < 0) {
        ath_printf("vtab: no usable tablet %s, or no input.event (%d); exiting\n", name, e < 0 ? e : svc);
        return;
    }
    for (int i = 0; i < q.size; i++)
        give(i);
    vq_interrupts(&q, false);
    vio_ready(&dev);
    vio_notify(&dev, 0);
    ath_printf("vtab: %s up (tablet, x %d..%d, y %d..%d)\n", name, amin[0], amax[0], amin[1], amax[1]);
    /* Each buffer goes back to the device as soon as its event is copied
     * out, before the (slower) deliveries: the device drops a packet when
     * it finds too few buffers. */
    for (;;) {
        int k = 0, given = 0;
        void *t;
        uint32_t len;
        while (given < EVENTS && (t = vq_get(&q, &len)) != 0) {
            int i = (int)(uintptr_t)t - 1;
            if (len == EVENT)
                __builtin_memcpy(got + EVENT * k++, slot(i), EVENT);
            else
                bad++;
            give(i);
            given++;
        }
        if (given > 0 && vq_should_notify(&q))
            vio_notify(&dev, 0);
        for (int i = 0; i < k; i++) {
            const uint8_t *p = got + EVENT * i;
            uint32_t type = p[0] | (uint32_t)p[1] << 8, code = p[2] | (uint32_t)p[3] << 8;
            int32_t value = (int32_t)(p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                                      (uint32_t)p[7] << 24);
            deliver(type, code, value);
        }
        events += (uint32_t)k;
        if (given == 0)
            ath_wait(tick, POLL_MS * MS);
    }
}
