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
#include <vconsole.h>

#include "nmea.h"

#define MS 1000000ll

/* DMA: the console's pages (sdk/include/vconsole.h), one page of 1 KiB
 * buffers for the port. */
#define DATA_PAGES 1
#define DMA_PAGES VCONS_DMA_PAGES(DATA_PAGES)

static uint8_t window[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[DMA_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static vcons_t con;
static nmea_t nmea;
static ath_handle_t fix_ch = -1, dev_ch = -1, dma_h = -1;
static uint32_t seq, sent, dropped_full;
static char devname[24] = "serial0";


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
        ath_printf("gps: dropped input: bad checksum %u, malformed %u, too long %u, noise bytes %u\n",
                   (unsigned)nmea.bad_checksum, (unsigned)nmea.bad_format, (unsigned)nmea.too_long,
                   (unsigned)nmea.noise);
        reported_bad = bad;
        last_report_ms = now;
    }
}

static uint64_t last_data;
static bool quiet_said;

static void got_data(void *arg, const uint8_t *p, uint32_t n)
{
    (void)arg;
    feed(p, n);
    last_data = (uint64_t)ath_uptime_ns(), quiet_said = false;
}

/* One session with the device: from reset until it is taken away (the
 * broker revoked our access) or fails. */
static void session(ath_handle_t mmio, ath_handle_t irq)
{
    int32_t e = vcons_start(&con, mmio, irq, dma_h, window, sizeof window, dma_area, DATA_PAGES, 1024,
                            "gps", "org.azoth.gps");
    if (e < 0) {
        ath_printf("gps: no usable virtio-console device (%d); waiting for another\n", e);
        return;
    }
    ath_printf("gps: device %s up\n", devname);
    last_data = (uint64_t)ath_uptime_ns();
    quiet_said = false;
    /* on the device's interrupt; the timeout only paces the check for a
     * stream that stopped */
    while (vcons_poll(&con, 1000 * MS, got_data, 0) >= 0) {
        send_newest();
        if (con.port >= 0 && !quiet_said && (uint64_t)ath_uptime_ns() - last_data > 5000 * MS) {
            ath_printf("gps: no data on the port for 5 s (the stream stopped)\n");
            quiet_said = true;
        }
    }
    vcons_stop(&con);
    ath_printf("gps: device access revoked; fixes sent %u, dropped (broker busy) %u\n", (unsigned)sent,
               (unsigned)dropped_full);
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
        ath_printf("gps: no DMA memory for %s; exiting\n", devname);
        return;
    }
    if (dev_ch < 0) {           /* the device granted directly */
        if (h[1] >= 0 && h[2] >= 0)
            session(h[1], h[2]);
        return;
    }
    ath_printf("gps: waiting for the broker to hand over %s\n", devname);
    for (;;) {
        /* the broker sends the registers and the interrupt */
        ath_handle_t mmio, irq;
        int32_t r = vcons_await_device(dev_ch, &mmio, &irq);
        if (r < 0) {
            ath_printf("gps: device channel: %s; exiting\n", ath_strerror(r));
            return;
        }
        session(mmio, irq);
    }
}
