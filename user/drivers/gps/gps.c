/*
 * The GPS driver domain (docs/privacy.md): a virtio-console device
 * (virtio-serial, multiport) whose port named org.azoth.gps carries NMEA
 * 0183 sentences; QEMU feeds it from a host file, the stand-in for a GPS
 * receiver on a serial line. Fixes go to the sensor broker on the channel
 * gps.fix; malformed input is dropped with its reason in the log.
 *
 * Capabilities: DEV.dma (its own, manifest), the channel gps.fix (send),
 * and the device's registers and interrupt, which the broker hands over on
 * the channel gps.dev only while a lease is active and takes back
 * (revokes) when none is (physical revocation). Without gps.dev (a test
 * manifest) it uses DEV.mmio and DEV.irq granted directly.
 *
 * ARG: the device's name (default serial0).
 */
#include <sensor.h>
#include <virtio.h>

#include "nmea.h"

#define MS 1000000ll
#define PORT_NAME_WANTED "org.azoth.gps"
#define F_MULTIPORT (1ull << 1)

/* virtio-console control events (virtio 1.2, 5.3.6.2) */
enum {
    DEVICE_READY = 0, DEVICE_ADD = 1, DEVICE_REMOVE = 2, PORT_READY = 3, CONSOLE_PORT = 4,
    RESIZE = 5, PORT_OPEN = 6, PORT_NAME = 7,
};
enum { Q_CTRL_RX = 2, Q_CTRL_TX = 3 };
#define MAX_PORT 1                      /* ports 0 (virtconsole) and 1 (the first virtserialport) */
#define RXQ(p) ((p) == 0 ? 0 : 2 * ((p) + 1))

/* DMA: pages 0-3 rings (control rx, control tx, port 0 rx, port 1 rx),
 * page 4 control buffers (8 x 256 received, 8 x 16 sent), pages 5-6 the
 * two ports' data buffers (4 x 1 KiB each). */
#define DMA_PAGES 7
#define CTRL_BUFS 8
#define CTRL_LEN 256
#define DATA_BUFS 4
#define DATA_LEN 1024

static uint8_t window[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[DMA_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

typedef struct ctrl {
    uint32_t id;
    uint16_t event, value;
} ctrl_t;

static vio_t dev;
static vq_t ctrl_rx, ctrl_tx, rx[MAX_PORT + 1];
static bool ctrl_tx_busy[CTRL_BUFS];
static int port = -1;                   /* the GPS port, once named */
static bool port_open;
static nmea_t nmea;
static ath_handle_t fix_ch = -1, dev_ch = -1, dma_h = -1;
static uint32_t seq, sent, dropped_full;
static char devname[24] = "serial0";

static void say(const char *a, int64_t n, const char *b)
{
    ath_print("gps: ");
    ath_print(a);
    if (n >= 0)
        ath_print_int(n);
    ath_print(b);
}

static uint8_t *ctrl_rx_buf(int i) { return dma_area + 4 * ATH_PAGE + i * CTRL_LEN; }
static uint8_t *ctrl_tx_buf(int i) { return dma_area + 4 * ATH_PAGE + CTRL_BUFS * CTRL_LEN + i * 16; }
static uint8_t *data_buf(int p, int i) { return dma_area + (5 + p) * ATH_PAGE + i * DATA_LEN; }

/* Tokens are the buffers' addresses (never NULL). */
static void post_ctrl(int i)
{
    vq_buf_t b = {vio_bus(&dev, ctrl_rx_buf(i)), CTRL_LEN, true};
    vq_add(&ctrl_rx, &b, 1, ctrl_rx_buf(i));
}

static void post_data(int p, int i)
{
    vq_buf_t b = {vio_bus(&dev, data_buf(p, i)), DATA_LEN, true};
    vq_add(&rx[p], &b, 1, data_buf(p, i));
}

static void reap_tx(void)
{
    uint32_t len;
    uint8_t *t;
    while ((t = vq_get(&ctrl_tx, &len)) != 0)
        for (int i = 0; i < CTRL_BUFS; i++)
            if (t == ctrl_tx_buf(i))
                ctrl_tx_busy[i] = false;
}

static void send_ctrl(uint32_t id, uint16_t event, uint16_t value)
{
    reap_tx();
    for (int i = 0; i < CTRL_BUFS; i++) {
        if (ctrl_tx_busy[i])
            continue;
        ctrl_t *c = (ctrl_t *)ctrl_tx_buf(i);
        c->id = id, c->event = event, c->value = value;
        vq_buf_t b = {vio_bus(&dev, c), sizeof *c, false};
        if (vq_add(&ctrl_tx, &b, 1, c) < 0)
            return;
        ctrl_tx_busy[i] = true;
        if (vq_should_notify(&ctrl_tx))
            vio_notify(&dev, Q_CTRL_TX);
        return;
    }
    say("control queue full, message dropped", -1, "\n");
}

static void control(const uint8_t *m, uint32_t len)
{
    if (len < sizeof(ctrl_t))
        return;
    const ctrl_t *c = (const ctrl_t *)m;
    switch (c->event) {
    case DEVICE_ADD:
        send_ctrl(c->id, PORT_READY, c->id <= MAX_PORT);    /* ports we have queues for */
        break;
    case PORT_NAME: {
        uint32_t n = len - sizeof(ctrl_t), w = sizeof PORT_NAME_WANTED - 1;
        const char *name = (const char *)m + sizeof(ctrl_t);
        bool match = c->id <= MAX_PORT && (n == w || (n == w + 1 && name[w] == 0));
        for (uint32_t i = 0; match && i < w; i++)
            match = name[i] == PORT_NAME_WANTED[i];
        if (match && port < 0) {
            port = (int)c->id;
            send_ctrl(c->id, PORT_OPEN, 1);
            say("port " PORT_NAME_WANTED " is port ", port, ", opened\n");
        }
        break;
    }
    case PORT_OPEN:
        if ((int)c->id == port)
            port_open = c->value != 0;
        break;
    default:
        break;      /* CONSOLE_PORT, RESIZE, DEVICE_REMOVE: nothing to do for a sensor */
    }
}

static uint32_t last_report_ms, reported_bad;

static nmea_fix_t newest;
static bool have_newest;

/* The newest fix of what arrived goes to the broker (older ones of the
 * same batch are superseded; a full channel drops it, counted). */
static void send_newest(void)
{
    if (!have_newest || fix_ch < 0)
        return;
    nmea_fix_t f = newest;
    sensor_fix_msg_t m = {SENSOR_FIX_MAGIC,
                          {f.lat_e7, f.lon_e7, f.alt_dm, f.time_ms, ++seq, f.sats, f.kind, 0, 0}};
    if (ath_send(fix_ch, &m, sizeof m, 0) < 0)
        dropped_full++;
    else
        sent++, ath_notify(fix_ch);
    have_newest = false;
}

static void feed(const uint8_t *p, uint32_t n)
{
    nmea_fix_t f;
    if (nmea_feed(&nmea, p, n, &f) > 0)
        newest = f, have_newest = true;
    /* dropped input: its reasons, at most one line a second */
    uint32_t bad = nmea.bad_checksum + nmea.bad_format + nmea.too_long + nmea.noise;
    uint32_t now = (uint32_t)(ath_uptime_ns() / MS);
    if (bad != reported_bad && now - last_report_ms >= 1000) {
        say("dropped input: bad checksum ", nmea.bad_checksum, "");
        say(", malformed ", nmea.bad_format, "");
        ath_print(", too long ");
        ath_print_int(nmea.too_long);
        ath_print(", noise bytes ");
        ath_print_int(nmea.noise);
        ath_print("\n");
        reported_bad = bad;
        last_report_ms = now;
    }
}

/* One session with the device: from reset until it is taken away (the
 * broker revoked our access) or fails. */
static void session(ath_handle_t mmio, ath_handle_t irq)
{
    uint64_t features;
    int32_t e = vio_open_caps(&dev, mmio, irq, dma_h, window, sizeof window, dma_area, sizeof dma_area);
    if (e >= 0 && (dev.info.virtio_id != 3 || dev.dma_bytes < sizeof dma_area))
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_negotiate(&dev, F_MULTIPORT, &features);
    if (e >= 0 && !(features & F_MULTIPORT))
        e = ATH_EINVAL;
    if (e >= 0)
        e = vio_queue(&dev, Q_CTRL_RX, &ctrl_rx, 0, CTRL_BUFS);
    if (e >= 0)
        e = vio_queue(&dev, Q_CTRL_TX, &ctrl_tx, ATH_PAGE, CTRL_BUFS);
    for (int p = 0; p <= MAX_PORT && e >= 0; p++)
        e = vio_queue(&dev, (uint16_t)RXQ(p), &rx[p], (uint32_t)(2 + p) * ATH_PAGE, DATA_BUFS);
    if (e < 0) {
        say("no usable virtio-console device (", e, "); waiting for another\n");
        ath_dma_unmap(dma_h);
        return;
    }
    port = -1, port_open = false;
    for (int i = 0; i < CTRL_BUFS; i++)
        ctrl_tx_busy[i] = false, post_ctrl(i);
    for (int p = 0; p <= MAX_PORT; p++)
        for (int i = 0; i < DATA_BUFS; i++)
            post_data(p, i);
    vq_interrupts(&ctrl_rx, true);
    vio_ready(&dev);
    vio_notify(&dev, Q_CTRL_RX);
    for (int p = 0; p <= MAX_PORT; p++)
        vio_notify(&dev, (uint16_t)RXQ(p));
    send_ctrl(0, DEVICE_READY, 1);
    say("device ", -1, devname);
    ath_print(" up\n");
    uint64_t last_data = ath_uptime_ns();
    bool quiet_said = false;
    for (;;) {
        vio_wait(&dev, 100 * MS);
        if (ath_cap_info(mmio) < 0 || ath_cap_info(irq) < 0)
            break;              /* revoked: the kernel reset the device and unmapped it */
        uint32_t len;
        uint8_t *b;
        while ((b = vq_get(&ctrl_rx, &len)) != 0) {
            control(b, len <= CTRL_LEN ? len : CTRL_LEN);
            vq_buf_t again = {vio_bus(&dev, b), CTRL_LEN, true};
            vq_add(&ctrl_rx, &again, 1, b);
            vio_notify(&dev, Q_CTRL_RX);
        }
        for (int p = 0; p <= MAX_PORT; p++) {
            bool any = false;
            while ((b = vq_get(&rx[p], &len)) != 0) {
                if (p == port && len <= DATA_LEN) {
                    feed(b, len);
                    last_data = ath_uptime_ns(), quiet_said = false;
                }
                vq_buf_t again = {vio_bus(&dev, b), DATA_LEN, true};
                vq_add(&rx[p], &again, 1, b);
                any = true;
            }
            if (any)
                vio_notify(&dev, (uint16_t)RXQ(p));
        }
        send_newest();
        reap_tx();
        if (port >= 0 && !quiet_said && ath_uptime_ns() - last_data > 5000 * MS) {
            say("no data on the port for 5 s (the stream stopped)", -1, "\n");
            quiet_said = true;
        }
    }
    ath_dma_unmap(dma_h);
    ath_cap_drop(mmio);
    ath_cap_drop(irq);
    say("device access revoked; fixes sent ", sent, "");
    ath_print(", dropped (broker busy) ");
    ath_print_int(dropped_full);
    ath_print("\n");
}

ATH_EXPORT("_start") void _start(void)
{
    char args[24];
    int32_t n = ath_args(args, sizeof args - 1);
    if (n > 0) {
        for (int32_t i = 0; i < n; i++)
            devname[i] = args[i];
        devname[n] = 0;
    }
    char name[40];
    int32_t k = 0;
    for (const char *s = devname; *s; s++)
        name[k++] = *s;
    const char *suffix[] = {".dma", ".mmio", ".irq"};
    ath_handle_t h[3];
    for (int i = 0; i < 3; i++) {
        int32_t m = k;
        for (const char *s = suffix[i]; *s; s++)
            name[m++] = *s;
        h[i] = ath_cap_find_n(name, m);
    }
    dma_h = h[0];
    fix_ch = ath_cap_find("gps.fix");
    dev_ch = ath_cap_find("gps.dev");
    nmea_init(&nmea);
    if (dma_h < 0) {
        say("no DMA memory for ", -1, devname);
        ath_print("; exiting\n");
        return;
    }
    if (dev_ch < 0) {           /* the device granted directly */
        if (h[1] >= 0 && h[2] >= 0)
            session(h[1], h[2]);
        return;
    }
    say("waiting for the broker to hand over ", -1, devname);
    ath_print("\n");
    for (;;) {
        /* the broker sends the registers, then the interrupt */
        ath_handle_t mmio = 0, irq = 0;
        while (mmio <= 0 || irq <= 0) {
            char m[8];
            ath_handle_t got = 0;
            int32_t r = ath_recv(dev_ch, m, sizeof m, &got, ATH_FOREVER);
            if (r < 0) {
                say("device channel: ", -1, ath_strerror(r));
                ath_print("; exiting\n");
                return;
            }
            if (got <= 0)
                continue;
            int64_t info = ath_cap_info(got);
            uint32_t type = (uint32_t)(info >> 32);
            if (info >= 0 && type == 5 /* KOBJ_MMIO */ && mmio <= 0)
                mmio = got;
            else if (info >= 0 && type == 4 /* KOBJ_IRQ */ && irq <= 0)
                irq = got;
            else
                ath_cap_drop(got);
        }
        session(mmio, irq);
    }
}
