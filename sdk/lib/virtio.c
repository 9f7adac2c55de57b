/* virtio transports for driver domains (sdk/include/virtio.h). */
#include <virtio.h>

/* virtio-mmio (version 2) registers. */
enum {
    MM_MAGIC = 0x000, MM_VERSION = 0x004, MM_DEVICE_ID = 0x008,
    MM_DEV_FEAT = 0x010, MM_DEV_FEAT_SEL = 0x014, MM_DRV_FEAT = 0x020, MM_DRV_FEAT_SEL = 0x024,
    MM_QUEUE_SEL = 0x030, MM_QUEUE_NUM_MAX = 0x034, MM_QUEUE_NUM = 0x038, MM_QUEUE_READY = 0x044,
    MM_QUEUE_NOTIFY = 0x050, MM_INT_STATUS = 0x060, MM_INT_ACK = 0x064, MM_STATUS = 0x070,
    MM_DESC_LO = 0x080, MM_DESC_HI = 0x084, MM_AVAIL_LO = 0x090, MM_AVAIL_HI = 0x094,
    MM_USED_LO = 0x0a0, MM_USED_HI = 0x0a4, MM_CONFIG = 0x100,
};
/* virtio-pci common configuration (4.1.4.3). */
enum {
    PC_DEV_FEAT_SEL = 0, PC_DEV_FEAT = 4, PC_DRV_FEAT_SEL = 8, PC_DRV_FEAT = 12,
    PC_STATUS = 20, PC_QUEUE_SEL = 22, PC_QUEUE_SIZE = 24, PC_QUEUE_ENABLE = 28,
    PC_QUEUE_NOTIFY_OFF = 30, PC_QUEUE_DESC = 32, PC_QUEUE_AVAIL = 40, PC_QUEUE_USED = 48,
};

static uint32_t rd32(vio_t *v, uint32_t off) { return *(volatile uint32_t *)(v->regs + off); }
static void wr32(vio_t *v, uint32_t off, uint32_t x) { *(volatile uint32_t *)(v->regs + off) = x; }
static uint16_t rd16(vio_t *v, uint32_t off) { return *(volatile uint16_t *)(v->regs + off); }
static void wr16(vio_t *v, uint32_t off, uint16_t x) { *(volatile uint16_t *)(v->regs + off) = x; }
static uint8_t rd8(vio_t *v, uint32_t off) { return v->regs[off]; }
static void wr8(vio_t *v, uint32_t off, uint8_t x) { v->regs[off] = x; }

static bool is_pci(const vio_t *v) { return v->info.transport == ATH_VIRTIO_PCI; }

static ath_handle_t find2(const char *dev, const char *kind)
{
    char name[40];
    int32_t n = 0;
    for (const char *s = dev; *s && n < 24; s++)
        name[n++] = *s;
    name[n++] = '.';
    for (const char *s = kind; *s; s++)
        name[n++] = *s;
    return ath_cap_find_n(name, n);
}

int32_t vio_open(vio_t *v, const char *dev, void *window, uint32_t window_bytes,
                 void *dma_area, uint32_t dma_bytes)
{
    ath_handle_t mmio = find2(dev, "mmio"), irq = find2(dev, "irq"), dma = find2(dev, "dma");
    if (mmio < 0 || irq < 0 || dma < 0)
        return ATH_ENOENT;
    return vio_open_caps(v, mmio, irq, dma, window, window_bytes, dma_area, dma_bytes);
}

int32_t vio_open_caps(vio_t *v, ath_handle_t mmio, ath_handle_t irq, ath_handle_t dma,
                      void *window, uint32_t window_bytes, void *dma_area, uint32_t dma_bytes)
{
    v->mmio = mmio;
    v->irq = irq;
    v->dma = dma;
    int32_t n = ath_dev_info(v->mmio, &v->info, sizeof v->info);
    if (n < 0)
        return n;
    if (n < 10 || v->info.size > window_bytes ||
        (v->info.transport != ATH_VIRTIO_MMIO && v->info.transport != ATH_VIRTIO_PCI))
        return ATH_EINVAL;
    int32_t first = ath_mmio_map(v->mmio, (uint32_t)(uintptr_t)window);
    if (first < 0)
        return first;
    v->regs = (volatile uint8_t *)window + first;
    /* The grant's size: the pages dma_addr answers for. */
    uint32_t pages = 0;
    while (pages * ATH_PAGE < dma_bytes && ath_dma_addr(v->dma, pages) >= 0)
        pages++;
    if (pages == 0)
        return ATH_EINVAL;
    int32_t e = ath_dma_map(v->dma, (uint32_t)(uintptr_t)dma_area);
    if (e < 0)
        return e;
    v->dma_mem = dma_area;
    v->dma_bytes = pages * ATH_PAGE;
    v->dma_bus = (uint64_t)ath_dma_addr(v->dma, 0);
    return 0;
}

uint8_t vio_status(vio_t *v)
{
    return is_pci(v) ? rd8(v, v->info.common + PC_STATUS) : (uint8_t)rd32(v, MM_STATUS);
}

static void set_status(vio_t *v, uint8_t s)
{
    if (is_pci(v))
        wr8(v, v->info.common + PC_STATUS, s);
    else
        wr32(v, MM_STATUS, s);
}

void vio_reset(vio_t *v)
{
    set_status(v, 0);
    for (int i = 0; i < 1000000 && vio_status(v); i++)
        ;
}

static uint32_t feat_read(vio_t *v, uint32_t sel)
{
    if (is_pci(v)) {
        wr32(v, v->info.common + PC_DEV_FEAT_SEL, sel);
        return rd32(v, v->info.common + PC_DEV_FEAT);
    }
    wr32(v, MM_DEV_FEAT_SEL, sel);
    return rd32(v, MM_DEV_FEAT);
}

static void feat_write(vio_t *v, uint32_t sel, uint32_t f)
{
    if (is_pci(v)) {
        wr32(v, v->info.common + PC_DRV_FEAT_SEL, sel);
        wr32(v, v->info.common + PC_DRV_FEAT, f);
    } else {
        wr32(v, MM_DRV_FEAT_SEL, sel);
        wr32(v, MM_DRV_FEAT, f);
    }
}

int32_t vio_negotiate(vio_t *v, uint64_t want, uint64_t *got)
{
    vio_reset(v);
    set_status(v, VIRTIO_S_ACK);
    set_status(v, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    uint64_t have = feat_read(v, 0) | (uint64_t)feat_read(v, 1) << 32;
    uint64_t use = (want | VIRTIO_F_VERSION_1) & have;
    if (!(use & VIRTIO_F_VERSION_1)) {
        set_status(v, VIRTIO_S_FAILED);
        return ATH_EINVAL;
    }
    feat_write(v, 0, (uint32_t)use);
    feat_write(v, 1, (uint32_t)(use >> 32));
    set_status(v, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
    if (!(vio_status(v) & VIRTIO_S_FEATURES_OK)) {
        set_status(v, VIRTIO_S_FAILED);
        return ATH_EINVAL;
    }
    *got = use;
    return 0;
}

int32_t vio_queue(vio_t *v, uint16_t idx, vq_t *q, uint32_t dma_off, uint16_t max)
{
    if (idx >= VIO_MAX_QUEUES || dma_off % ATH_PAGE || dma_off + ATH_PAGE > v->dma_bytes)
        return ATH_EINVAL;
    uint32_t c = v->info.common;
    uint32_t limit;
    if (is_pci(v)) {
        wr16(v, c + PC_QUEUE_SEL, idx);
        limit = rd16(v, c + PC_QUEUE_SIZE);
    } else {
        wr32(v, MM_QUEUE_SEL, idx);
        limit = rd32(v, MM_QUEUE_NUM_MAX);
    }
    uint16_t size = 1;
    while ((uint32_t)size * 2 <= limit && size * 2 <= max && size * 2 <= VQ_MAX)
        size = (uint16_t)(size * 2);
    if (limit == 0 || !vq_init(q, v->dma_mem + dma_off, v->dma_bus + dma_off, size))
        return ATH_EINVAL;
    uint64_t d = vq_desc_bus(q), a = vq_avail_bus(q), u = vq_used_bus(q);
    if (is_pci(v)) {
        wr16(v, c + PC_QUEUE_SIZE, size);
        wr32(v, c + PC_QUEUE_DESC, (uint32_t)d);
        wr32(v, c + PC_QUEUE_DESC + 4, (uint32_t)(d >> 32));
        wr32(v, c + PC_QUEUE_AVAIL, (uint32_t)a);
        wr32(v, c + PC_QUEUE_AVAIL + 4, (uint32_t)(a >> 32));
        wr32(v, c + PC_QUEUE_USED, (uint32_t)u);
        wr32(v, c + PC_QUEUE_USED + 4, (uint32_t)(u >> 32));
        v->notify_off[idx] = rd16(v, c + PC_QUEUE_NOTIFY_OFF);
        wr16(v, c + PC_QUEUE_ENABLE, 1);
    } else {
        wr32(v, MM_QUEUE_NUM, size);
        wr32(v, MM_DESC_LO, (uint32_t)d);
        wr32(v, MM_DESC_HI, (uint32_t)(d >> 32));
        wr32(v, MM_AVAIL_LO, (uint32_t)a);
        wr32(v, MM_AVAIL_HI, (uint32_t)(a >> 32));
        wr32(v, MM_USED_LO, (uint32_t)u);
        wr32(v, MM_USED_HI, (uint32_t)(u >> 32));
        wr32(v, MM_QUEUE_READY, 1);
    }
    return 0;
}

void vio_ready(vio_t *v)
{
    set_status(v, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
}

void vio_notify(vio_t *v, uint16_t idx)
{
    if (!is_pci(v)) {
        wr32(v, MM_QUEUE_NOTIFY, idx);
        return;
    }
    uint32_t off = v->info.notify + (uint32_t)v->notify_off[idx % VIO_MAX_QUEUES] * v->info.notify_mult;
    if (off + 2 <= v->info.size)
        wr16(v, off, idx);
}

int32_t vio_wait(vio_t *v, int64_t timeout_ns)
{
    int32_t n = ath_irq_wait(v->irq, timeout_ns);
    uint32_t isr;
    if (is_pci(v)) {
        isr = rd8(v, v->info.isr);          /* reading clears it */
    } else {
        isr = rd32(v, MM_INT_STATUS);
        wr32(v, MM_INT_ACK, isr);
    }
    if (n > 0)
        ath_irq_ack(v->irq);
    return (int32_t)(isr & 3);
}

uint32_t vio_config32(vio_t *v, uint32_t off)
{
    return rd32(v, (is_pci(v) ? v->info.devcfg : MM_CONFIG) + off);
}

void vio_config_set8(vio_t *v, uint32_t off, uint8_t x)
{
    wr8(v, (is_pci(v) ? v->info.devcfg : MM_CONFIG) + off, x);
}

uint64_t vio_bus(const vio_t *v, const void *p)
{
    return v->dma_bus + (uint64_t)((const uint8_t *)p - v->dma_mem);
}
