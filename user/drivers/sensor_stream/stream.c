/*
 * The microphone and camera driver domains (docs/privacy.md): one module,
 * run as two domains, each holding only its own device. A virtio-console
 * device (virtio-serial, multiport) whose port org.azoth.mic or
 * org.azoth.camera QEMU feeds from a host file is the stand-in:
 *
 *   mic     s16le PCM, 16 kHz, mono: handed to the broker in blocks of
 *           100 ms (SENSOR_MIC_BLOCK bytes) on the endpoint mic.data;
 *   camera  binary PPM frames ("P6 320 240 255" headers, RGB): each whole
 *           320x240 frame handed to the broker on camera.data, with its
 *           low version (camlow.h) made a row at a time as the rows come;
 *           a frame of another size, a bad header or a lost sync is
 *           dropped with its reason in the log.
 *
 * Capabilities: DEV.dma (its own, manifest), the channel KIND.dev on which
 * the broker hands it the device's registers and interrupt only while a
 * lease is active (physical revocation), and the endpoint KIND.data. No
 * file system, no other device, no console beyond its log.
 *
 * ARG: "DEVICE KIND" (serial1 mic, serial2 camera).
 */
#include <camlow.h>
#include <sensor.h>
#include <vconsole.h>

#define MS 1000000ll
#define DATA_PAGES 4                    /* port buffers: 16 x 1 KiB */
#define DMA_PAGES VCONS_DMA_PAGES(DATA_PAGES)
#define HDR_MAX 32                      /* the longest PPM header taken */
#define CHUNK_PAGES SENSOR_CAM_LENT_PAGES   /* a frame and its low version */

static uint8_t window[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t dma_area[DMA_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t chunk[CHUNK_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static vcons_t con;
static bool camera;
static char devname[24] = "serial1", kind[16] = "mic", port_name[32];
static ath_handle_t data_ep = -1, dev_ch = -1, dma_h = -1, chunk_buf = -1;
static uint32_t want;                   /* the bytes of one block or frame */
static uint32_t have;                   /* of it in chunk */
static uint32_t low_rows;               /* camera: rows of the low frame made */
static uint32_t seq, sent, refused;
static uint32_t bad_size, bad_header, sync_lost;   /* dropped, by reason */

/* The camera's parse state: reading a header (hdr), a frame (have), or
 * skipping a frame of the wrong size (skip bytes left). */
static char hdr[HDR_MAX];
static uint32_t nhdr, skip;
static bool in_frame;

/* A whole block or frame goes to the broker, lent read-only for the call. */
static void deliver(void)
{
    int64_t r = -1;
    ath_buf_unmap(chunk_buf);
    int64_t a0 = camera ? SENSOR_CAM_W | SENSOR_CAM_H << 16 : SENSOR_MIC_BLOCK;
    int32_t e = ath_call_lend(data_ep, chunk_buf, ATH_R_READ, a0, ++seq, 0, &r);
    ath_buf_map(chunk_buf, (uint32_t)(uintptr_t)chunk);
    if (e < 0 || r < 0)
        refused++;
    else
        sent++;
}

static uint32_t last_said_ms, said_bad;

/* The reasons frames were dropped, at most one line a second. */
static void report(void)
{
    uint32_t bad = bad_size + bad_header + sync_lost;
    uint32_t now = (uint32_t)(ath_uptime_ns() / MS);
    if (bad == said_bad || now - last_said_ms < 1000)
        return;
    ath_printf("%s: dropped input: frames of the wrong size %u, bad headers %u, sync lost %u\n", kind,
               (unsigned)bad_size, (unsigned)bad_header, (unsigned)sync_lost);
    said_bad = bad, last_said_ms = now;
}

/* A number of the header from *i: its value, or -1. */
static int32_t hdr_num(uint32_t *i)
{
    while (*i < nhdr && (hdr[*i] == ' ' || hdr[*i] == '\n' || hdr[*i] == '\t' || hdr[*i] == '\r'))
        (*i)++;
    int32_t v = 0, digits = 0;
    while (*i < nhdr && hdr[*i] >= '0' && hdr[*i] <= '9' && digits < 5)
        v = v * 10 + (hdr[(*i)++] - '0'), digits++;
    return digits ? v : -1;
}

/* The header so far: 1 when complete (then *w, *h, *max), 0 when more
 * bytes are needed, -1 when it cannot be one. */
static int parse_header(int32_t *w, int32_t *h, int32_t *max)
{
    if ((nhdr >= 1 && hdr[0] != 'P') || (nhdr >= 2 && hdr[1] != '6'))
        return -1;
    /* complete: "P6", three numbers, and one whitespace byte after the last */
    uint32_t i = 2;
    *w = hdr_num(&i), *h = hdr_num(&i), *max = hdr_num(&i);
    if (*max >= 0 && i < nhdr)
        return hdr[i] == ' ' || hdr[i] == '\n' || hdr[i] == '\t' || hdr[i] == '\r' ? 1 : -1;
    return nhdr >= HDR_MAX ? -1 : 0;
}

static void camera_byte(uint8_t b)
{
    hdr[nhdr++] = (char)b;
    int32_t w, h, max;
    int r = parse_header(&w, &h, &max);
    if (r == 0)
        return;
    if (r < 0) {
        /* not a header: drop bytes up to the next 'P' */
        if (nhdr > 1 || hdr[0] != 'P')
            sync_lost++;
        uint32_t k = 1;
        while (k < nhdr && hdr[k] != 'P')
            k++;
        for (uint32_t j = k; j < nhdr; j++)
            hdr[j - k] = hdr[j];
        nhdr -= k;
        return;
    }
    nhdr = 0;
    if (w == SENSOR_CAM_W && h == SENSOR_CAM_H && max == 255) {
        in_frame = true, have = low_rows = 0;
    } else if (w > 0 && h > 0 && max > 0 && max < 256 && w <= 4096 && h <= 4096) {
        bad_size++;
        skip = (uint32_t)w * (uint32_t)h * 3;      /* drop it, keep the sync */
    } else {
        bad_header++;
    }
}

static void got_data(void *arg, const uint8_t *p, uint32_t n)
{
    (void)arg;
    while (n) {
        if (!camera || in_frame) {
            uint32_t k = want - have < n ? want - have : n;
            __builtin_memcpy(chunk + have, p, k);
            have += k, p += k, n -= k;
            /* the low frame's rows as soon as their four rows are in:
             * the work comes with the data, a little each interrupt */
            while (camera && low_rows < CAMLOW_OUT_H && have >= (low_rows + 1) * CAMLOW_BLOCK * CAMLOW_ROW) {
                camlow_row(chunk + low_rows * CAMLOW_BLOCK * CAMLOW_ROW,
                           chunk + SENSOR_CAM_BYTES + low_rows * CAMLOW_OUT_ROW);
                low_rows++;
            }
            if (have == want) {
                deliver();
                have = low_rows = 0, in_frame = false;
            }
        } else if (skip) {
            uint32_t k = skip < n ? skip : n;
            skip -= k, p += k, n -= k;
        } else {
            camera_byte(*p++);
            n--;
        }
    }
}

/* One session with the device: from reset until it is taken away. */
static void session(ath_handle_t mmio, ath_handle_t irq)
{
    int32_t e = vcons_start(&con, mmio, irq, dma_h, window, sizeof window, dma_area, DATA_PAGES, 1024,
                            kind, port_name);
    if (e < 0) {
        ath_printf("%s: no usable virtio-console device (%d); waiting for another\n", kind, e);
        return;
    }
    ath_printf("%s: device %s up\n", kind, devname);
    have = low_rows = nhdr = skip = 0, in_frame = false;   /* a new stream: nothing half read counts */
    uint64_t last_data = (uint64_t)ath_uptime_ns();
    bool quiet_said = false;
    int32_t r;
    /* on the device's interrupt; the timeout (1 s) only paces the report
     * of dropped input and the check for a stream that stopped */
    while ((r = vcons_poll(&con, 1000 * MS, got_data, 0)) >= 0) {
        uint64_t now = (uint64_t)ath_uptime_ns();
        if (r > 0)
            last_data = now, quiet_said = false;
        report();
        if (con.port >= 0 && !quiet_said && now - last_data > 5000 * MS) {
            ath_printf("%s: no data on the port for 5 s (the stream stopped)\n", kind);
            quiet_said = true;
        }
    }
    vcons_stop(&con);
    ath_printf("%s: device access revoked; %s sent %u, refused %u\n", kind, camera ? "frames" : "blocks",
               (unsigned)sent, (unsigned)refused);
}

static ath_handle_t find(const char *a, const char *b)
{
    char name[48];
    int32_t n = 0;
    for (; *a && n < 40; a++)
        name[n++] = *a;
    for (; *b && n < 47; b++)
        name[n++] = *b;
    return ath_cap_find_n(name, n);
}

ATH_EXPORT("_start") void _start(void)
{
    char args[40];
    int32_t n = ath_args(args, sizeof args - 1), i = 0, k = 0;
    while (i < n && args[i] != ' ' && k < (int32_t)sizeof devname - 1)
        devname[k++] = args[i++];
    if (k)
        devname[k] = 0;
    while (i < n && args[i] == ' ')
        i++;
    for (k = 0; i < n && k < (int32_t)sizeof kind - 1;)
        kind[k++] = args[i++];
    if (k)
        kind[k] = 0;
    camera = kind[0] == 'c';
    if (!camera && (kind[0] != 'm' || kind[1] != 'i' || kind[2] != 'c' || kind[3])) {
        ath_printf("%s: ARG must be \"DEVICE mic\" or \"DEVICE camera\"; exiting\n", kind);
        return;
    }
    k = 0;
    for (const char *s = "org.azoth."; *s; s++)
        port_name[k++] = *s;
    for (const char *s = kind; *s; s++)
        port_name[k++] = *s;
    port_name[k] = 0;
    want = camera ? SENSOR_CAM_BYTES : SENSOR_MIC_BLOCK;
    dma_h = find(devname, ".dma");
    data_ep = find(kind, ".data");
    dev_ch = find(kind, ".dev");
    chunk_buf = ath_buf_new((int32_t)(camera ? SENSOR_CAM_LENT_PAGES : SENSOR_PAGES(want)));
    if (dma_h < 0 || data_ep < 0 || dev_ch < 0 || chunk_buf < 0 ||
        ath_buf_map(chunk_buf, (uint32_t)(uintptr_t)chunk) < 0) {
        ath_printf("%s: missing its DMA memory, channels or buffer; exiting\n", kind);
        return;
    }
    ath_printf("%s: waiting for the broker to hand over %s\n", kind, devname);
    for (;;) {
        ath_handle_t mmio, irq;
        int32_t r = vcons_await_device(dev_ch, &mmio, &irq);
        if (r < 0) {
            ath_printf("%s: device channel: %s; exiting\n", kind, ath_strerror(r));
            return;
        }
        session(mmio, irq);
    }
}
