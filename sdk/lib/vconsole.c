/* One named port of a virtio-console device (sdk/include/vconsole.h). */
#include <vconsole.h>

#define F_MULTIPORT (1ull << 1)
#define CTRL_LEN 256
#define PORT0_LEN 1024
#define PORT0_BUFS 4

/* virtio-console control events (virtio 1.2, 5.3.6.2) */
enum {
    DEVICE_READY = 0, DEVICE_ADD = 1, DEVICE_REMOVE = 2, PORT_READY = 3, CONSOLE_PORT = 4,
    RESIZE = 5, PORT_OPEN = 6, PORT_NAME = 7,
};
enum { Q_CTRL_RX = 2, Q_CTRL_TX = 3 };
#define MAX_PORT 1                      /* ports 0 (virtconsole) and 1 (the first virtserialport) */
#define RXQ(p) ((p) == 0 ? 0 : 2 * ((p) + 1))

typedef struct ctrl {
    uint32_t id;
    uint16_t event, value;
} ctrl_t;

static uint8_t *ctrl_rx_buf(vcons_t *c, int i) { return c->dev.dma_mem + 4 * ATH_PAGE + i * CTRL_LEN; }
static uint8_t *ctrl_tx_buf(vcons_t *c, int i)
{
    return c->dev.dma_mem + 4 * ATH_PAGE + VCONS_CTRL_BUFS * CTRL_LEN + i * 16;
}
static uint32_t buf_len(vcons_t *c, int p) { return p == 0 ? PORT0_LEN : c->data_len; }
static uint32_t buf_count(vcons_t *c, int p) { return p == 0 ? PORT0_BUFS : c->nbufs; }
static uint8_t *data_buf(vcons_t *c, int p, uint32_t i)
{
    return c->dev.dma_mem + (5 + p) * ATH_PAGE + i * buf_len(c, p);
}

/* Tokens are the buffers' addresses (never NULL). */
static void post(vcons_t *c, vq_t *q, uint8_t *b, uint32_t len)
{
    vq_buf_t d = {vio_bus(&c->dev, b), len, true};
    vq_add(q, &d, 1, b);
}

static void reap_tx(vcons_t *c)
{
    uint32_t len;
    uint8_t *t;
    while ((t = vq_get(&c->ctrl_tx, &len)) != 0)
        for (int i = 0; i < VCONS_CTRL_BUFS; i++)
            if (t == ctrl_tx_buf(c, i))
                c->ctrl_tx_busy[i] = false;
}

static void send_ctrl(vcons_t *c, uint32_t id, uint16_t event, uint16_t value)
{
    reap_tx(c);
    for (int i = 0; i < VCONS_CTRL_BUFS; i++) {
        if (c->ctrl_tx_busy[i])
            continue;
        ctrl_t *m = (ctrl_t *)ctrl_tx_buf(c, i);
        m->id = id, m->event = event, m->value = value;
        vq_buf_t b = {vio_bus(&c->dev, m), sizeof *m, false};
        if (vq_add(&c->ctrl_tx, &b, 1, m) < 0)
            return;
        c->ctrl_tx_busy[i] = true;
        if (vq_should_notify(&c->ctrl_tx))
            vio_notify(&c->dev, Q_CTRL_TX);
        return;
    }
    ath_printf("%s: control queue full, message dropped\n", c->log);
}

static void control(vcons_t *c, const uint8_t *m, uint32_t len)
{
    if (len < sizeof(ctrl_t))
        return;
    const ctrl_t *e = (const ctrl_t *)m;
    switch (e->event) {
    case DEVICE_ADD:
        send_ctrl(c, e->id, PORT_READY, e->id <= MAX_PORT);     /* ports we have queues for */
        break;
    case PORT_NAME: {
        uint32_t n = len - sizeof(ctrl_t), w = (uint32_t)ath_strlen(c->want);
        const char *name = (const char *)m + sizeof(ctrl_t);
        bool match = e->id <= MAX_PORT && (n == w || (n == w + 1 && name[w] == 0));
        for (uint32_t i = 0; match && i < w; i++)
            match = name[i] == c->want[i];
        if (match && c->port < 0) {
            c->port = (int)e->id;
            send_ctrl(c, e->id, PORT_OPEN, 1);
            ath_printf("%s: port %s is port %d, opened\n", c->log, c->want, c->port);
        }
        break;
    }
    case PORT_OPEN:
        if ((int)e->id == c->port)
            c->open = e->value != 0;
        break;
    default:
        break;      /* CONSOLE_PORT, RESIZE, DEVICE_REMOVE: nothing to do for a sensor */
    }
}

int32_t vcons_start(vcons_t *c, ath_handle_t mmio, ath_handle_t irq, ath_handle_t dma,
                    void *window, uint32_t window_bytes, void *dma_area, uint32_t data_pages,
                    uint32_t data_len, const char *log, const char *want)
{
    uint32_t dma_bytes = VCONS_DMA_PAGES(data_pages) * ATH_PAGE;
    uint64_t features;
    c->log = log, c->want = want, c->port = -1, c->open = false;
    c->data_len = data_len;
    c->nbufs = data_len ? data_pages * ATH_PAGE / data_len : 0;
    if (c->nbufs > VCONS_BUFS_MAX)
        c->nbufs = VCONS_BUFS_MAX;
    int32_t e = c->nbufs ? vio_open_caps(&c->dev, mmio, irq, dma, window, window_bytes, dma_area, dma_bytes)
                         : ATH_EINVAL;
    if (e >= 0 && (c->dev.info.virtio_id != 3 || c->dev.dma_bytes < dma_bytes))
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_negotiate(&c->dev, F_MULTIPORT, &features);
    if (e >= 0 && !(features & F_MULTIPORT))
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_queue(&c->dev, Q_CTRL_RX, &c->ctrl_rx, 0, VCONS_CTRL_BUFS);
    if (e >= 0)
        e = vio_queue(&c->dev, Q_CTRL_TX, &c->ctrl_tx, ATH_PAGE, VCONS_CTRL_BUFS);
    for (int p = 0; p <= MAX_PORT && e >= 0; p++)
        e = vio_queue(&c->dev, (uint16_t)RXQ(p), &c->rx[p], (uint32_t)(2 + p) * ATH_PAGE,
                      (uint16_t)buf_count(c, p));
    if (e < 0) {
        ath_dma_unmap(dma);
        return e;
    }
    for (int i = 0; i < VCONS_CTRL_BUFS; i++)
        c->ctrl_tx_busy[i] = false, post(c, &c->ctrl_rx, ctrl_rx_buf(c, i), CTRL_LEN);
    for (int p = 0; p <= MAX_PORT; p++)
        for (uint32_t i = 0; i < buf_count(c, p); i++)
            post(c, &c->rx[p], data_buf(c, p, i), buf_len(c, p));
    vq_interrupts(&c->ctrl_rx, true);
    /* The line may be masked: the kernel masks it when a holder's
     * capability to it goes (the last session's, revoked with the device:
     * docs/privacy.md) until a holder acknowledges it. vio_wait
     * acknowledges only an interrupt it saw, so a new holder that did not
     * start by acknowledging would wait for interrupts that cannot come
     * (only a poll would move the data). */
    ath_irq_ack(irq);
    vio_ready(&c->dev);
    vio_notify(&c->dev, Q_CTRL_RX);
    for (int p = 0; p <= MAX_PORT; p++)
        vio_notify(&c->dev, (uint16_t)RXQ(p));
    send_ctrl(c, 0, DEVICE_READY, 1);
    return 0;
}

int32_t vcons_poll(vcons_t *c, int64_t timeout_ns, vcons_data_fn fn, void *arg)
{
    vio_wait(&c->dev, timeout_ns);
    if (ath_cap_info(c->dev.mmio) < 0 || ath_cap_info(c->dev.irq) < 0)
        return ATH_EREVOKED;    /* the kernel reset the device and unmapped it */
    uint32_t len, got = 0;
    uint8_t *b;
    while ((b = vq_get(&c->ctrl_rx, &len)) != 0) {
        control(c, b, len <= CTRL_LEN ? len : CTRL_LEN);
        post(c, &c->ctrl_rx, b, CTRL_LEN);
        vio_notify(&c->dev, Q_CTRL_RX);
    }
    for (int p = 0; p <= MAX_PORT; p++) {
        bool any = false;
        while ((b = vq_get(&c->rx[p], &len)) != 0) {
            if (p == c->port && len <= buf_len(c, p)) {
                fn(arg, b, len);
                got += len;
            }
            post(c, &c->rx[p], b, buf_len(c, p));
            any = true;
        }
        if (any)
            vio_notify(&c->dev, (uint16_t)RXQ(p));
    }
    reap_tx(c);
    return (int32_t)got;
}

void vcons_stop(vcons_t *c)
{
    ath_dma_unmap(c->dev.dma);
    ath_cap_drop(c->dev.mmio);
    ath_cap_drop(c->dev.irq);
}

int32_t vcons_await_device(ath_handle_t ch, ath_handle_t *mmio, ath_handle_t *irq)
{
    *mmio = *irq = 0;
    while (*mmio <= 0 || *irq <= 0) {
        char m[8];
        ath_handle_t got = 0;
        int32_t r = ath_recv(ch, m, sizeof m, &got, ATH_FOREVER);
        if (r < 0)
            return r;
        if (got <= 0)
            continue;
        int64_t info = ath_cap_info(got);
        uint32_t type = (uint32_t)(info >> 32);
        if (info >= 0 && type == 5 /* KOBJ_MMIO */ && *mmio <= 0)
            *mmio = got;
        else if (info >= 0 && type == 4 /* KOBJ_IRQ */ && *irq <= 0)
            *irq = got;
        else
            ath_cap_drop(got);
    }
    return 0;
}
