/*
 * The sensor broker domain (docs/privacy.md). Apps never see a sensor
 * driver: they ask here for a lease (sensor, precision, duration, purpose);
 * the policy file (/etc/sensors.policy on the system disk, or the text the
 * shell sets) or the person at the shell decides; an approved lease is a
 * kernel lease of a buffer capability (read, map) that ends at its time
 * whatever the app does, delivered on the app's box channel. The broker
 * keeps the buffer current at the granted precision, can end a lease
 * early (the shell's revoke), and zeroes the pages before letting them go.
 *
 * Three sensors: the GPS (fixes on the channel gps.fix), the microphone
 * and the camera (blocks and frames their drivers lend on calls to
 * mic.data and camera.data). The microphone's level and the camera's low
 * resolution are computed here, so the app of such a lease never sees
 * the samples or the full frame.
 *
 * Physical revocation: each sensor device's registers and interrupt are
 * the broker's (manifest); its driver gets derived copies (on gps.dev,
 * mic.dev, camera.dev) only while a lease of that sensor is active. When
 * the last one ends the broker revokes them: the kernel resets the
 * device, unmaps its registers from the driver and masks the line
 * (kernel/core/dev.c). A status line on the console says which sensors
 * are live and for whom.
 *
 * Threads: the broker's own thread (it holds device capabilities, so the
 * kernel starts its _start) only calls the broker's endpoint sensor.tick
 * and waits; all the work is in handlers, which the kernel runs one at a
 * time (the domain is not reentrant). _start keeps nothing on the shadow
 * stack, so it cannot collide with a handler running on another thread.
 */
#include <fsproto.h>
#include <sensor.h>

#include "policy.h"

#define MS 1000000ll
#define MAX_LEASES 16
#define MAX_PER_APP 4
#define ASK_TIMEOUT (30000 * MS)
#define TICK_MAX (100 * MS)
#define ARENA_PAGES 160             /* every lease's pages: 640 KiB */
#define MAX_PENDING 8               /* questions open at the shell */
#define ASK_TICK (20 * MS)          /* how often answers are looked for meanwhile */
#define NSENSORS 3

typedef struct lease {
    bool used;
    uint64_t id, end_ns;
    uint32_t sensor, precision;
    char app[SENSOR_NAME];
    ath_handle_t buf;               /* the root of the app's lease (ours) */
    ath_handle_t lease;             /* the kernel lease (ours); the app's copy derives from it */
    uint32_t at, npages;            /* its pages in the arena */
    bool held;                      /* camera, a WASI file: its frame is being read (no new one) */
} lease_t;

static lease_t leases[MAX_LEASES];
/* The leases' buffers are mapped over these pages (sensor_lease_pages
 * each, first fit); used[] marks the taken ones. */
static uint8_t arena[ARENA_PAGES][ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static bool arena_used[ARENA_PAGES];
static uint8_t req_page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint64_t next_id = 1;
static uint32_t next_ask = 1;

static policy_t policy;
static bool policy_loaded;

static bool init_done;
static ath_handle_t fix_ch = -1, ask_ch = -1, answer_ch = -1, fs_root = -1, dot_ep = -1;
static int32_t dot_shown = -1;       /* the mask the display last took */

/* A sensor device and its driver. */
typedef struct sdev {
    uint32_t sensor;
    const char *dev_name, *mmio_name, *irq_name;   /* the driver's channel; our roots */
    ath_handle_t dev_ch, mmio_root, irq_root;
    bool live;                      /* the driver holds the device */
    bool hand_failed;               /* handing it over failed: not again until leases change */
    uint64_t live_since, last_data_at, silent_after;
    char shown[200];                /* the indicator line last printed */
} sdev_t;

static sdev_t devs[NSENSORS] = {
    {SENSOR_GPS, "gps.dev", "serial0.mmio", "serial0.irq", -1, -1, -1, false, false, 0, 0, 3000 * MS, {0}},
    {SENSOR_MIC, "mic.dev", "serial1.mmio", "serial1.irq", -1, -1, -1, false, false, 0, 0, 3000 * MS, {0}},
    {SENSOR_CAM, "camera.dev", "serial2.mmio", "serial2.irq", -1, -1, -1, false, false, 0, 0, 3000 * MS, {0}},
};
static sensor_fix_t last_fix;
static uint32_t bad_msgs, bad_said;      /* malformed messages on gps.fix */
static uint32_t nfixes;

/* The thread's state: statics only (see above). */
static ath_handle_t tick_ep = -1;
static int64_t tick_wait;
static const char tick_name[] = "sensor.tick";

static void indicator(void);
static bool answers(uint64_t now);
static void wfiles_ended(uint64_t id, int32_t why);

static void init(void)
{
    if (init_done)
        return;
    init_done = true;
    fix_ch = ath_cap_find("gps.fix");
    for (int s = 0; s < NSENSORS; s++) {
        devs[s].dev_ch = ath_cap_find(devs[s].dev_name);
        devs[s].mmio_root = ath_cap_find(devs[s].mmio_name);
        devs[s].irq_root = ath_cap_find(devs[s].irq_name);
    }
    ask_ch = ath_cap_find("sensor.ask");
    answer_ch = ath_cap_find("sensor.answer");
    fs_root = ath_cap_find("fs.root");
    dot_ep = ath_cap_find("privacy.dot");
    indicator();
}

static int32_t copy_str(char *d, int32_t at, int32_t cap, const char *s)
{
    while (*s && at < cap - 1)
        d[at++] = *s++;
    d[at] = 0;
    return at;
}

static int32_t copy_uint(char *d, int32_t at, int32_t cap, uint64_t v)
{
    char t[24];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n && at < cap - 1)
        d[at++] = t[--n];
    d[at] = 0;
    return at;
}

static bool same_app(const char *a, const char *b)
{
    for (int i = 0; i < SENSOR_NAME; i++) {
        if (a[i] != b[i])
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

/* "privacy: gps live: locate (coarse), x (exact)" or "privacy: gps off
 * (...)", one line per sensor whose device this machine has, printed when
 * it changes. */
static void indicator(void)
{
    /* the dot in the screen's corner (the display service), a bit per
     * sensor with a live lease; sent when it changes (a display that is
     * slow is asked again at the next call here; one with no screen,
     * ATH_ESTOPPED, at the next change) */
    int32_t mask = 0;
    for (int i = 0; i < MAX_LEASES; i++)
        if (leases[i].used)
            mask |= 1 << (leases[i].sensor - 1);
    int64_t r = -1;
    if (dot_ep >= 0 && mask != dot_shown &&
        ath_call_timeout(dot_ep, mask, 0, 0, 0, &r, 200 * MS) == 0 && (r == 0 || r == ATH_ESTOPPED))
        dot_shown = mask;
    for (int s = 0; s < NSENSORS; s++) {
        sdev_t *d = &devs[s];
        d->hand_failed = false;
        if (d->mmio_root < 0)
            continue;
        char line[200];
        int32_t n = copy_str(line, 0, sizeof line, "privacy: ");
        n = copy_str(line, n, sizeof line, sensor_name(d->sensor));
        n = copy_str(line, n, sizeof line, " ");
        bool any = false;
        for (int i = 0; i < MAX_LEASES; i++) {
            lease_t *l = &leases[i];
            if (!l->used || l->sensor != d->sensor)
                continue;
            bool dup = false;       /* one mention per app and precision */
            for (int k = 0; k < i && !dup; k++)
                dup = leases[k].used && leases[k].sensor == d->sensor && leases[k].precision == l->precision &&
                      same_app(leases[k].app, l->app);
            if (dup)
                continue;
            n = copy_str(line, n, sizeof line, any ? ", " : "live: ");
            n = copy_str(line, n, sizeof line, l->app);
            n = copy_str(line, n, sizeof line, " (");
            n = copy_str(line, n, sizeof line, sensor_precision_name(l->sensor, l->precision));
            n = copy_str(line, n, sizeof line, ")");
            any = true;
        }
        if (!any)
            n = copy_str(line, n, sizeof line, "off (no lease; device stopped)");
        copy_str(line, n, sizeof line, "\n");
        bool same = true;
        for (int i = 0; i < (int)sizeof line && same; i++) {
            same = line[i] == d->shown[i];
            if (!line[i])
                break;
        }
        if (same)
            continue;
        for (int i = 0; i < (int)sizeof line; i++)
            d->shown[i] = line[i];
        ath_print(line);
    }
}

/* Each device goes to its driver only while some lease of its sensor is
 * active. */
static void physical(void)
{
    for (int s = 0; s < NSENSORS; s++) {
        sdev_t *d = &devs[s];
        bool want = false;
        for (int i = 0; i < MAX_LEASES; i++)
            want |= leases[i].used && leases[i].sensor == d->sensor;
        if (want == d->live || d->mmio_root < 0 || d->irq_root < 0 || d->dev_ch < 0)
            continue;
        if (want) {
            if (d->hand_failed)
                continue;           /* until the leases change */
            /* copies (children of our roots, so revocable), with transfer so
             * they can travel on the channel */
            ath_handle_t m = ath_cap_dup(d->mmio_root, ATH_R_MAP | ATH_R_TRANSFER);
            ath_handle_t q = ath_cap_dup(d->irq_root, ATH_R_RECV | ATH_R_SEND | ATH_R_TRANSFER);
            int32_t e1 = m < 0 ? m : ath_send(d->dev_ch, "mmio", 4, m);
            if (e1 == ATH_EREVOKED || e1 == ATH_ESTALE) {
                /* the driver was restarted: its channel was issued anew */
                d->dev_ch = ath_cap_find(d->dev_name);
                e1 = d->dev_ch < 0 ? d->dev_ch : ath_send(d->dev_ch, "mmio", 4, m);
            }
            int32_t e2 = q < 0 ? q : e1 < 0 ? e1 : ath_send(d->dev_ch, "irq", 3, q);
            if (e1 < 0 || e2 < 0) {
                ath_printf("sensors: cannot hand the %s device over: %s\n", sensor_name(d->sensor),
                           ath_strerror(e1 < 0 ? e1 : e2));
                ath_cap_revoke(d->mmio_root);
                ath_cap_revoke(d->irq_root);
                d->hand_failed = true;
                continue;
            }
        } else {
            /* every copy of the registers and the interrupt, wherever it went */
            ath_cap_revoke(d->mmio_root);
            ath_cap_revoke(d->irq_root);
            if (d->sensor == SENSOR_GPS) {
                /* and nothing of the last position stays here either */
                sensor_fix_t z = {0, 0, 0, 0, 0, 0, 0, 0, 0};
                last_fix = z;
                nfixes = 0;
            }
        }
        d->live = want;
        d->live_since = (uint64_t)ath_uptime_ns();
        d->silent_after = 3000 * MS;
    }
}

/* A driver holds its device but sends nothing (it was restarted after a
 * fault and waits for the device again, or the stream stopped): take the
 * device back and hand it over again, waiting twice as long each time
 * (up to a minute). */
static void watchdog(uint64_t now)
{
    for (int s = 0; s < NSENSORS; s++) {
        sdev_t *d = &devs[s];
        uint64_t since = d->last_data_at > d->live_since ? d->last_data_at : d->live_since;
        if (!d->live || now - since < d->silent_after)
            continue;
        ath_printf("privacy: no %s from the %s driver for %lld ms: handing it the device again\n",
                   d->sensor == SENSOR_GPS ? "fix" : "data", sensor_name(d->sensor),
                   (long long)((now - since) / MS));
        ath_cap_revoke(d->mmio_root);
        ath_cap_revoke(d->irq_root);
        d->live = false;
        uint64_t next = d->silent_after * 2 < 60000 * MS ? d->silent_after * 2 : 60000 * MS;
        physical();
        d->silent_after = next;
    }
}

/* The app's view of a fix at its precision. Coarse: the centre of the
 * 0.01 degree cell, no altitude. */
static sensor_fix_t reduce(sensor_fix_t f, uint32_t precision)
{
    if (precision == SENSOR_COARSE) {
        const int32_t cell = 100000;
        int32_t la = f.lat_e7 / cell - (f.lat_e7 % cell < 0);
        int32_t lo = f.lon_e7 / cell - (f.lon_e7 % cell < 0);
        f.lat_e7 = la * cell + cell / 2;
        f.lon_e7 = lo * cell + cell / 2;
        if (f.lon_e7 > 1800000000)
            f.lon_e7 = 1800000000;
        if (f.lat_e7 > 900000000)
            f.lat_e7 = 900000000;
        f.alt_dm = 0;
        f.sats = 0;
    }
    f.precision = (uint8_t)precision;
    return f;
}

static void publish(int i)
{
    lease_t *l = &leases[i];
    sensor_page_t *p = (sensor_page_t *)arena[l->at];
    p->seq++;                       /* odd: being written */
    __asm__ volatile("" ::: "memory");
    p->sensor = l->sensor;
    p->precision = l->precision;
    p->fixes = nfixes;
    p->fix = reduce(last_fix, l->precision);
    __asm__ volatile("" ::: "memory");
    p->seq++;
}

/* A lease ends: every copy the app made goes (the kernel already ended
 * them if the time came), the pages are zeroed and let go. */
static void end_lease(int i, const char *why)
{
    lease_t *l = &leases[i];
    ath_cap_revoke(l->buf);
    __builtin_memset(arena[l->at], 0, l->npages * ATH_PAGE);
    ath_buf_unmap(l->buf);
    ath_cap_drop(l->buf);
    for (uint32_t k = 0; k < l->npages; k++)
        arena_used[l->at + k] = false;
    ath_printf("privacy: lease %lld of %s to %s ended (%s)\n", (long long)l->id, sensor_name(l->sensor),
               l->app, why);
    l->used = false;
    wfiles_ended(l->id, why[0] == 'r' ? ATH_EREVOKED : ATH_EEXPIRED);
}

/* Takes new fixes, ends leases whose time came, moves the device. The
 * nanoseconds until the next thing to do. */
static int64_t housekeeping(void)
{
    init();
    sensor_fix_msg_t m;
    int32_t r;
    bool fresh = false;
    while (fix_ch >= 0 && (r = ath_recv(fix_ch, &m, sizeof m, 0, 0)) >= 0) {
        /* what the driver sends is checked like any input: the size, the
         * magic, the ranges (the coarse arithmetic relies on them) */
        if (r != (int32_t)sizeof m || m.magic != SENSOR_FIX_MAGIC || m.fix.lat_e7 < -900000000 ||
            m.fix.lat_e7 > 900000000 || m.fix.lon_e7 < -1800000000 || m.fix.lon_e7 > 1800000000 ||
            m.fix.time_ms >= 86401000u) {
            bad_msgs++;
            continue;
        }
        last_fix = m.fix, nfixes++, fresh = true;
    }
    if (bad_msgs != bad_said) {
        ath_printf("sensors: dropped malformed messages from the gps driver: %u\n", (unsigned)bad_msgs);
        bad_said = bad_msgs;
    }
    uint64_t now = (uint64_t)ath_uptime_ns();
    if (fresh)
        devs[0].last_data_at = now, devs[0].silent_after = 3000 * MS;
    int64_t next = TICK_MAX;
    bool changed = false;
    for (int i = 0; i < MAX_LEASES; i++) {
        if (!leases[i].used)
            continue;
        /* the kernel ends it (its lease reaper): we see it here */
        int64_t info = ath_cap_info(leases[i].lease);
        if (info < 0) {
            end_lease(i, info == ATH_EEXPIRED ? "expired" : "ended");
            changed = true;
            continue;
        }
        if (fresh && leases[i].sensor == SENSOR_GPS)
            publish(i);
        /* the kernel's reaper ends it at end_ns; our cleanup (zeroing,
         * the log line, the device) follows 2 ms later, off the app's way */
        int64_t left = now < leases[i].end_ns ? (int64_t)(leases[i].end_ns - now) + 2 * MS : MS;
        if (left < next)
            next = left;
    }
    if (changed)
        indicator();
    physical();
    watchdog(now);
    if (answers(now) && next > ASK_TICK)
        next = ASK_TICK;
    return next;
}

ATH_EXPORT("tick") int64_t tick(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    return housekeeping();
}

/* The policy file from the system disk, once. */
static void load_policy(void)
{
    if (policy_loaded)
        return;
    policy_loaded = true;
    policy.n = 0;
    if (fs_root < 0)
        return;
    static const char path[] = "etc/sensors.policy";
    ath_handle_t b = ath_buf_new(1);
    if (b < 0 || ath_buf_map(b, (uint32_t)(uintptr_t)req_page) < 0) {
        if (b >= 0)
            ath_cap_drop(b);
        return;
    }
    for (uint32_t i = 0; i < sizeof path - 1; i++)
        req_page[i] = (uint8_t)path[i];
    ath_buf_unmap(b);
    int64_t n = -1;
    int32_t e = ath_call_lend(fs_root, b, ATH_R_READ | ATH_R_WRITE, FS_READ, sizeof path - 1, 0, &n);
    if (e == 0 && n < 0) {
        ath_printf("sensors: no /etc/sensors.policy (%lld); every request is asked\n", (long long)n);
    }
    if (e == 0 && n > 0 && ath_buf_map(b, (uint32_t)(uintptr_t)req_page) >= 0) {
        int r = policy_parse(&policy, (const char *)req_page, (size_t)n);
        ath_buf_unmap(b);
        if (r < 0)
            ath_printf("sensors: policy /etc/sensors.policy: bad line %d; every request is asked\n", -r);
        else
            ath_printf("sensors: policy /etc/sensors.policy: %d rules\n", r);
    }
    ath_cap_drop(b);
}

/* Maps the buffer lent for this call at the top of our memory (one page
 * at most: a larger one is refused rather than laid over our data),
 * needing rights need; lent_mem points at it. 0 or an error. */
static volatile uint8_t *lent_mem;

static int32_t take_lent_pages(int64_t lent, uint32_t need, uint32_t max_pages, uint32_t *pages)
{
    int64_t info = ath_cap_info((ath_handle_t)lent);
    if (info < 0)
        return (int32_t)info;
    if ((info >> 32) != 3 || ((uint32_t)info & need) != need)
        return ATH_ERIGHTS;
    int32_t at = ath_lend_map((ath_handle_t)lent, max_pages, pages);
    if (at < 0)
        return at;
    lent_mem = (volatile uint8_t *)(uintptr_t)at;
    return 0;
}

static int32_t take_lent(int64_t lent, uint32_t need)
{
    uint32_t pages;
    return take_lent_pages(lent, need, 1, &pages);
}

/* ---- the microphone and the camera */

/* A new stream lease's first page: nothing yet. */
static void stream_start(lease_t *l)
{
    sensor_stream_t *h = (sensor_stream_t *)arena[l->at];
    h->seq = 0;
    h->sensor = l->sensor;
    h->precision = l->precision;
    h->count = 0;
    h->total = 0;
    h->ring = l->sensor == SENSOR_MIC ? (l->npages - 1) * ATH_PAGE : 0;
    h->width = h->height = h->frame = 0;
}

/* Appends n bytes to a microphone lease's ring. */
static void ring_put(lease_t *l, const uint8_t *p, uint32_t n)
{
    sensor_stream_t *h = (sensor_stream_t *)arena[l->at];
    uint8_t *data = arena[l->at] + SENSOR_DATA_OFF;
    h->seq++;                       /* odd: being written */
    __asm__ volatile("" ::: "memory");
    for (uint32_t i = 0; i < n; i++)
        data[(h->total + i) % h->ring] = p[i];
    h->total += n;
    h->count++;
    __asm__ volatile("" ::: "memory");
    h->seq++;
}

/* A block's loudness: its RMS in whole dBFS, -100..0 (full scale: a
 * square wave at 32768). */
static int8_t level_of(const uint8_t *p, uint32_t n)
{
    uint64_t sum = 0;
    uint32_t k = n / 2;
    for (uint32_t i = 0; i < k; i++) {
        int32_t v = (int16_t)(p[2 * i] | p[2 * i + 1] << 8);
        sum += (uint64_t)((int64_t)v * v);
    }
    uint64_t ms = k ? sum / k : 0;  /* mean square, full scale 2^30 */
    /* 10 log10(ms / 2^30), rounded: step down by 1 dB (x 0.794) from full
     * scale while the mean square is below the next step's midpoint */
    uint64_t ref = 1ull << 30;
    int db = 0;
    while (db > -100 && ms * 1000000 < ref * 891251)    /* 10^(-0.5/10) = 0.891251 */
        ref = ref * 794328 / 1000000, db--;             /* 10^(-1/10) = 0.794328 */
    return (int8_t)db;
}

static uint8_t block[SENSOR_MIC_BLOCK];

/* Endpoint mic.data (the microphone driver): one block of samples, lent
 * read-only. 0, ATH_ENOENT (no lease wants it), ATH_EINVAL (the size). */
ATH_EXPORT("mic_data") int64_t mic_data(int64_t len, int64_t seq, int64_t a2, int64_t lent)
{
    housekeeping();
    (void)seq;
    if (len != SENSOR_MIC_BLOCK || a2 != 0)
        return ATH_EINVAL;
    int32_t e = take_lent(lent, ATH_R_READ | ATH_R_MAP);
    if (e < 0)
        return e;
    for (uint32_t i = 0; i < SENSOR_MIC_BLOCK; i++)
        block[i] = lent_mem[i];
    ath_buf_unmap((ath_handle_t)lent);
    devs[1].last_data_at = (uint64_t)ath_uptime_ns(), devs[1].silent_after = 3000 * MS;
    int8_t level = level_of(block, SENSOR_MIC_BLOCK);
    int n = 0;
    for (int i = 0; i < MAX_LEASES; i++) {
        lease_t *l = &leases[i];
        if (!l->used || l->sensor != SENSOR_MIC)
            continue;
        if (l->precision == SENSOR_LEVEL)
            ring_put(l, (const uint8_t *)&level, 1);
        else
            ring_put(l, block, SENSOR_MIC_BLOCK);
        n++;
    }
    __builtin_memset(block, 0, sizeof block);
    return n ? 0 : ATH_ENOENT;
}

/* Endpoint camera.data (the camera driver): one 320x240 RGB frame and,
 * after it, its low version (the 4x4 block means, camlow.h), lent
 * read-only; each camera lease gets one or the other. The driver makes
 * the low frame a row at a time as the rows come off the device, so this
 * call is only copies: a frame-sized computation here ran at the
 * drivers' priority, and every app's read waited behind it (1.5 ms of
 * kernel clock on x86_64, 3.8 ms on riscv64: docs/privacy.md,
 * bench-privacy). The driver waits in the call, so the frame holds still
 * while we read it. */
ATH_EXPORT("camera_data") int64_t camera_data(int64_t size, int64_t frame, int64_t a2, int64_t lent)
{
    housekeeping();
    if (size != (SENSOR_CAM_W | SENSOR_CAM_H << 16) || a2 != 0)
        return ATH_EINVAL;
    uint32_t pages;
    int32_t e = take_lent_pages(lent, ATH_R_READ | ATH_R_MAP, SENSOR_CAM_LENT_PAGES, &pages);
    if (e < 0)
        return e;
    if (pages < SENSOR_CAM_LENT_PAGES) {
        ath_buf_unmap((ath_handle_t)lent);
        return ATH_EINVAL;
    }
    devs[2].last_data_at = (uint64_t)ath_uptime_ns(), devs[2].silent_after = 3000 * MS;
    const uint8_t *src = (const uint8_t *)lent_mem, *low = src + SENSOR_CAM_BYTES;
    int n = 0;
    for (int i = 0; i < MAX_LEASES; i++) {
        lease_t *l = &leases[i];
        if (!l->used || l->sensor != SENSOR_CAM)
            continue;
        n++;
        if (l->held)
            continue;               /* a program is reading its frame (sensor files) */
        sensor_stream_t *h = (sensor_stream_t *)arena[l->at];
        uint8_t *dst = arena[l->at] + SENSOR_DATA_OFF;
        h->seq++;
        __asm__ volatile("" ::: "memory");
        if (l->precision == SENSOR_LOW) {
            __builtin_memcpy(dst, low, SENSOR_CAM_LOW_BYTES);
            h->width = SENSOR_CAM_W / SENSOR_CAM_LOW, h->height = SENSOR_CAM_H / SENSOR_CAM_LOW;
        } else {
            __builtin_memcpy(dst, src, SENSOR_CAM_BYTES);
            h->width = SENSOR_CAM_W, h->height = SENSOR_CAM_H;
        }
        h->frame = (uint32_t)frame;
        h->count++;
        __asm__ volatile("" ::: "memory");
        h->seq++;
    }
    ath_buf_unmap((ath_handle_t)lent);
    return n ? 0 : ATH_ENOENT;
}

static void say_request(const req_t *r, const char *what)
{
    ath_printf("privacy: %s asks for %s (%s) for %lld s, purpose \"%s\": %s\n", r->app,
               sensor_name(r->sensor), sensor_precision_name(r->sensor, r->precision),
               (long long)((r->ms + 999) / 1000), r->purpose, what);
}

static ath_handle_t box_of(const char *app)
{
    char box[8 + SENSOR_NAME];
    int32_t n = copy_str(box, 0, sizeof box, "box.");
    n = copy_str(box, n, sizeof box, app);
    return ath_cap_find_n(box, n);
}

/* Requests the person at the shell decides. The broker does not wait for
 * the answer: request returns the lease id at once, the decision goes to
 * the app's box later (a grant, or a refusal), and meanwhile the broker
 * serves everything else (other requests, lease ends, revokes, data). */
typedef struct pending {
    bool used;
    uint32_t ask_id;                /* the question's id (sensor_ask_t) */
    uint64_t id, deadline;          /* the lease id promised; no answer by then: no */
    int file;                       /* a WASI program's file waits for it (wfiles), or -1 */
    req_t r;
} pending_t;
static pending_t pending[MAX_PENDING];

/* Room for a lease of r: a free slot (16 leases, 4 of this app's counting
 * its open questions) and a run of arena pages. 0, or ATH_EBUSY. */
static int32_t room_for(const req_t *r, int *slot, uint32_t *at)
{
    int mine = 0;
    *slot = -1;
    for (int i = 0; i < MAX_LEASES; i++) {
        if (!leases[i].used && *slot < 0)
            *slot = i;
        mine += leases[i].used && same_app(leases[i].app, r->app);
    }
    for (int i = 0; i < MAX_PENDING; i++)
        mine += pending[i].used && same_app(pending[i].r.app, r->app);
    if (*slot < 0 || mine >= MAX_PER_APP)
        return ATH_EBUSY;           /* one app cannot take every lease */
    uint32_t np = sensor_lease_pages(r->sensor, r->precision), run = 0;
    for (uint32_t k = 0; k < ARENA_PAGES && run < np; k++)
        if (arena_used[k])
            run = 0;
        else if (run++ == 0)
            *at = k;
    return run < np ? ATH_EBUSY : 0;    /* no room for its pages (camera leases are large) */
}

/* The lease id for r: a buffer of ours, a kernel lease of it, and a copy
 * of that moved to the app's box; or, for a WASI program's file (to_box
 * false), none: the broker reads its own lease page for the program and
 * sees the kernel end it. 0, or an error (nothing made); *slot_out the
 * lease's slot. */
static int32_t make_lease_to(const req_t *r, uint64_t id, bool to_box, int *slot_out)
{
    int slot;
    uint32_t at = 0, np = sensor_lease_pages(r->sensor, r->precision);
    ath_handle_t box_h = to_box ? box_of(r->app) : 0;
    int32_t e = box_h < 0 ? ATH_ENOENT : room_for(r, &slot, &at);
    if (e < 0)
        return e;
    lease_t *l = &leases[slot];
    ath_handle_t b = ath_buf_new((int32_t)np);
    if (b < 0)
        return b;
    if ((e = ath_buf_map(b, (uint32_t)(uintptr_t)arena[at])) < 0) {
        ath_cap_drop(b);
        return e;
    }
    uint64_t t0 = (uint64_t)ath_uptime_ns();
    /* read and map; derive and transfer too, so an app may share it with
     * a helper: every copy ends with the lease (the kernel's derivation
     * tree), which is the point */
    const uint32_t rights = ATH_R_READ | ATH_R_MAP | ATH_R_DERIVE | ATH_R_TRANSFER;
    ath_handle_t lh = ath_cap_lease(b, rights, (int64_t)r->ms * MS);
    /* the app gets a copy derived from the lease, which we keep: its end
     * ends the copy, and we see the kernel end it (cap_info: expired) */
    ath_handle_t ch = lh < 0 || !to_box ? lh : ath_cap_dup(lh, rights);
    if (ch < 0) {
        ath_cap_revoke(b);
        ath_buf_unmap(b);
        ath_cap_drop(b);
        return ch;
    }
    l->used = true;
    l->id = id;
    l->end_ns = t0 + (uint64_t)r->ms * MS;
    l->sensor = r->sensor;
    l->precision = r->precision;
    l->buf = b;
    l->lease = lh;
    l->at = at, l->npages = np;
    l->held = false;
    for (uint32_t k = 0; k < np; k++)
        arena_used[at + k] = true;
    for (int i = 0; i < SENSOR_NAME; i++)
        l->app[i] = r->app[i];
    if (r->sensor == SENSOR_GPS)
        publish(slot);
    else
        stream_start(l);
    sensor_grant_t g = {l->id, l->end_ns, l->sensor, l->precision};
    if (to_box && (e = ath_send(box_h, &g, sizeof g, ch)) < 0) {
        end_lease(slot, ath_strerror(e));           /* the app's box is full, ... */
        return e == ATH_EEXPIRED ? e : ATH_EBUSY;   /* expired: it ended before delivery */
    }
    *slot_out = slot;
    indicator();
    physical();
    return 0;
}

static int32_t make_lease(const req_t *r, uint64_t id)
{
    int slot;
    return make_lease_to(r, id, true, &slot);
}

/* ---- WASI programs: the sensors as files (endpoint sensor.files)
 *
 * A WASI program run with --sensors has a directory /sensors whose files
 * are served here, with the file service's protocol (fsproto.h) for what
 * the kernel's WASI backend asks: FS_OPEN of "SENSOR/PRECISION/SECONDS"
 * (gps/coarse/60, camera/low/5) is the request; FS_PREAD the reading: a
 * GPS fix as a line of text, a camera frame as a binary PPM file. The
 * program's name is the badge of its capability (the kernel packs up to 8
 * bytes of it). A file is the lease: the policy or the person decides;
 * until then, and until the first reading, reads answer FS_EAGAIN (the
 * backend asks again); a refusal reads ATH_ERIGHTS ("permission denied"),
 * the lease's end ATH_EEXPIRED or ATH_EREVOKED; closing the file ends it. */
#define WFILES 16
#define WDIR (1ull << 40)               /* the directory's handle; a file's: WDIR + 1 + index */
enum { WF_FREE, WF_ASKED, WF_GRANTED, WF_REFUSED, WF_ENDED };
typedef struct wfile {
    int state;
    uint64_t badge, id;
    int32_t err;                        /* why it was refused or ended */
    req_t r;
} wfile_t;
static wfile_t wfiles[WFILES];

static wfile_t *wfile_of(uint64_t h, uint64_t badge)
{
    if (h <= WDIR || h > WDIR + WFILES)
        return 0;
    wfile_t *f = &wfiles[h - WDIR - 1];
    return f->state != WF_FREE && f->badge == badge ? f : 0;
}

/* The lease behind a granted file: its slot, or -1 (it ended). */
static int wfile_lease(wfile_t *f)
{
    for (int i = 0; i < MAX_LEASES; i++)
        if (leases[i].used && leases[i].id == f->id)
            return i;
    return -1;
}

/* A decision for a file: granted (the lease made) or refused. */
static void wfile_decide(int k, bool yes)
{
    wfile_t *f = &wfiles[k];
    int slot;
    int32_t e = yes ? make_lease_to(&f->r, f->id, false, &slot) : ATH_ERIGHTS;
    f->state = e < 0 ? WF_REFUSED : WF_GRANTED;
    f->err = e;
}

/* A question answered (yes) or not: the lease, or a refusal on the box
 * (sensor 0, precision the error). */
static void decide(pending_t *p, bool yes, const char *why)
{
    p->used = false;
    say_request(&p->r, why);
    if (p->file >= 0) {
        if (wfiles[p->file].state == WF_ASKED && wfiles[p->file].id == p->id)
            wfile_decide(p->file, yes);
        return;                     /* else the program closed it meanwhile */
    }
    int32_t e = yes ? make_lease(&p->r, p->id) : ATH_ERIGHTS;
    if (e < 0) {
        sensor_grant_t g = {p->id, 0, 0, (uint32_t)-e};
        ath_handle_t box = box_of(p->r.app);
        if (box >= 0)
            ath_send(box, &g, sizeof g, 0);
    }
}

/* The shell's answers, and questions whose time ran out. Whether any is
 * still open. */
static bool answers(uint64_t now)
{
    sensor_answer_t a;
    int32_t n;
    while (answer_ch >= 0 && (n = ath_recv(answer_ch, &a, sizeof a, 0, 0)) >= 0) {
        for (int i = 0; i < MAX_PENDING && n == (int32_t)sizeof a; i++)
            if (pending[i].used && pending[i].ask_id == a.id)
                decide(&pending[i], a.yes == 1, a.yes == 1 ? "allowed" : "refused");
    }
    bool open = false;
    for (int i = 0; i < MAX_PENDING; i++) {
        if (pending[i].used && now >= pending[i].deadline)
            decide(&pending[i], false, "refused (no answer)");
        open |= pending[i].used;
    }
    return open;
}

/* What the policy or the person decides for r: the lease id (granted,
 * or asked: the decision follows), or an error (ATH_ERIGHTS: refused).
 * For an app the lease goes to its box; for a WASI program's file (file
 * >= 0) it stays with the file. */
static int64_t ask_or_decide(const req_t *r, int file)
{
    load_policy();
    int d = policy_decide(&policy, r);
    if (d == POLICY_ASK && ask_ch >= 0 && answer_ch >= 0) {
        pending_t *p = 0;
        for (int i = 0; i < MAX_PENDING && !p; i++)
            if (!pending[i].used)
                p = &pending[i];
        if (!p)
            return ATH_EBUSY;       /* 8 questions open */
        sensor_ask_t q;
        q.id = next_ask++;
        q.sensor = r->sensor;
        q.precision = r->precision;
        q.seconds = (r->ms + 999) / 1000;
        for (int i = 0; i < SENSOR_NAME; i++)
            q.app[i] = r->app[i];
        if (ath_send(ask_ch, &q, sizeof q, 0) < 0) {
            say_request(r, "refused (the shell cannot be asked)");
            return ATH_ERIGHTS;
        }
        p->used = true;
        p->ask_id = q.id;
        p->id = next_id++;
        p->deadline = (uint64_t)ath_uptime_ns() + ASK_TIMEOUT;
        p->file = file;
        p->r = *r;
        if (file >= 0)
            wfiles[file].state = WF_ASKED, wfiles[file].id = p->id;
        say_request(r, "asking at the shell");
        return (int64_t)p->id;      /* the answer goes to the box, or the file */
    }
    say_request(r, d == POLICY_ALLOW ? "allowed" : "refused");
    if (d != POLICY_ALLOW)
        return ATH_ERIGHTS;
    uint64_t id = next_id++;
    if (file >= 0) {
        wfiles[file].id = id;
        wfile_decide(file, true);
        return wfiles[file].state == WF_GRANTED ? (int64_t)id : wfiles[file].err;
    }
    int32_t e = make_lease(r, id);
    return e < 0 ? e : (int64_t)id;
}

/* Endpoint sensor.request (sensor.h). */
ATH_EXPORT("request") int64_t request(int64_t a0, int64_t a1, int64_t a2, int64_t lent)
{
    housekeeping();
    if (a2 != 0)
        return ATH_EINVAL;
    int32_t e = take_lent(lent, ATH_R_READ | ATH_R_MAP);
    if (e < 0)
        return e;
    uint8_t raw[sizeof(sensor_req_t)];
    for (uint32_t i = 0; i < sizeof raw; i++)
        raw[i] = lent_mem[i];
    ath_buf_unmap((ath_handle_t)lent);
    req_t r;
    if (req_decode(a0, a1, raw, sizeof raw, &r) < 0)
        return ATH_EINVAL;
    if (box_of(r.app) < 0)
        return ATH_ENOENT;
    int slot;
    uint32_t at;
    if ((e = room_for(&r, &slot, &at)) < 0)
        return e;
    return ask_or_decide(&r, -1);
}

/* A WASI program's file whose lease ended: its reads fail with why. */
static void wfiles_ended(uint64_t id, int32_t why)
{
    for (int k = 0; k < WFILES; k++)
        if (wfiles[k].state == WF_GRANTED && wfiles[k].id == id)
            wfiles[k].state = WF_ENDED, wfiles[k].err = why;
}

/* d (cap bytes) gets "48.855000 N 2.295000 E" and, exact, ", 35.0 m". */
static int32_t fix_text(char *d, int32_t cap, const sensor_fix_t *f)
{
    int32_t n = 0;
    for (int k = 0; k < 2; k++) {
        int32_t e7 = k ? f->lon_e7 : f->lat_e7;
        uint32_t a = (uint32_t)(e7 < 0 ? -(int64_t)e7 : e7);
        n = copy_uint(d, n, cap, a / 10000000);
        n = copy_str(d, n, cap, ".");
        char frac[7];
        uint32_t v = a % 10000000 / 10;
        for (int i = 5; i >= 0; i--)
            frac[i] = (char)('0' + v % 10), v /= 10;
        frac[6] = 0;
        n = copy_str(d, n, cap, frac);
        n = copy_str(d, n, cap, k ? (e7 < 0 ? " W" : " E") : (e7 < 0 ? " S " : " N "));
    }
    if (f->precision == SENSOR_EXACT && f->sats) {
        int32_t dm = f->alt_dm;
        n = copy_str(d, n, cap, dm < 0 ? ", -" : ", ");
        dm = dm < 0 ? -dm : dm;
        n = copy_uint(d, n, cap, (uint32_t)dm / 10);
        n = copy_str(d, n, cap, ".");
        n = copy_uint(d, n, cap, (uint32_t)dm % 10);
        n = copy_str(d, n, cap, " m");
    }
    return copy_str(d, n, cap, "\n");
}

/* "SENSOR/PRECISION/SECONDS" into r (the app and purpose already there). */
static bool wfile_path(const char *p, int32_t n, req_t *r)
{
    int32_t part[3] = {0, 0, 0}, len[3] = {0, 0, 0}, k = 0;
    for (int32_t i = 0; i < n; i++) {
        if (p[i] == '/') {
            if (++k > 2)
                return false;
            part[k] = i + 1;
        } else {
            len[k]++;
        }
    }
    if (k != 2)
        return false;
    r->sensor = 0;
    for (uint32_t sn = SENSOR_GPS; sn <= SENSOR_CAM; sn++) {
        const char *w = sensor_name(sn);
        int32_t wl = ath_strlen(w);
        bool same = wl == len[0];
        for (int32_t i = 0; same && i < wl; i++)
            same = p[part[0] + i] == w[i];
        if (same)
            r->sensor = sn;
    }
    if (r->sensor == 0)
        return false;
    r->precision = 2;
    for (uint32_t pr = 0; pr <= 1; pr++) {
        const char *w = sensor_precision_name(r->sensor, pr);
        int32_t wl = ath_strlen(w);
        bool same = wl == len[1];
        for (int32_t i = 0; same && i < wl; i++)
            same = p[part[1] + i] == w[i];
        if (same)
            r->precision = pr;
    }
    uint32_t secs = 0;
    for (int32_t i = 0; i < len[2]; i++) {
        char c = p[part[2] + i];
        if (c < '0' || c > '9' || secs > SENSOR_MAX_MS / 1000)
            return false;
        secs = secs * 10 + (uint32_t)(c - '0');
    }
    r->ms = secs * 1000;
    return r->precision <= 1 && secs >= 1 && secs <= SENSOR_MAX_MS / 1000;
}

/* A microphone file: the stream since the lease began, offset = position.
 * raw: the s16le samples; level: a 5-byte line per 100 ms block, the
 * figure right-aligned (" -17\n"). Up to want bytes into the lent buffer
 * (lent_mem). Bytes not there yet: FS_EAGAIN (the backend asks again: the
 * program sees a slow read); bytes the ring already overwrote (the
 * program fell 2 s behind): FS_EIO. */
#define LEVEL_LINE 5
static int64_t wfile_read_mic(const lease_t *l, uint64_t off, uint64_t want)
{
    const sensor_stream_t *h = (const sensor_stream_t *)arena[l->at];
    const uint8_t *data = arena[l->at] + SENSOR_DATA_OFF;
    bool level = l->precision == SENSOR_LEVEL;
    uint64_t total = h->total, size = level ? total * LEVEL_LINE : total;
    uint64_t first = level ? off / LEVEL_LINE : off;        /* the stream byte it starts in */
    if (off >= size)
        return FS_EAGAIN;
    if (total > h->ring && first < total - h->ring)
        return FS_EIO;              /* overwritten before it was read */
    if (want > size - off)
        want = size - off;
    for (uint64_t i = 0; i < want; i++) {
        uint64_t at = off + i;
        if (!level) {
            lent_mem[i] = data[at % h->ring];
            continue;
        }
        int v = (int8_t)data[(at / LEVEL_LINE) % h->ring];
        char line[LEVEL_LINE] = {' ', ' ', ' ', ' ', '\n'};
        uint32_t a = (uint32_t)(v < 0 ? -v : v), k = LEVEL_LINE - 2;
        do
            line[k--] = (char)('0' + a % 10), a /= 10;
        while (a);
        if (v < 0)
            line[k] = '-';
        lent_mem[i] = (uint8_t)line[at % LEVEL_LINE];
    }
    return (int64_t)want;
}

/* A camera file: the newest frame as a binary PPM file ("P6\n320 240\n255\n"
 * and the RGB rows; low: 80 60). A read from offset 0 holds the lease's
 * frame (camera_data passes it by) until a read reaches the file's end,
 * so that the pieces of one file come from one frame; then the next read
 * from 0 gives a newer one. No frame yet: FS_EAGAIN. Up to want bytes
 * into the lent buffer (lent_mem). */
static int64_t wfile_read_camera(lease_t *l, uint64_t off, uint64_t want)
{
    const sensor_stream_t *h = (const sensor_stream_t *)arena[l->at];
    const uint8_t *data = arena[l->at] + SENSOR_DATA_OFF;
    if (!h->count)
        return FS_EAGAIN;
    char hdr[24];
    int32_t hn = copy_str(hdr, 0, sizeof hdr, "P6\n");
    hn = copy_uint(hdr, hn, sizeof hdr, h->width);
    hn = copy_str(hdr, hn, sizeof hdr, " ");
    hn = copy_uint(hdr, hn, sizeof hdr, h->height);
    hn = copy_str(hdr, hn, sizeof hdr, "\n255\n");
    uint64_t size = (uint64_t)hn + (uint64_t)h->width * h->height * 3;
    if (off == 0)
        l->held = true;
    if (off >= size)
        return 0;
    if (want > size - off)
        want = size - off;
    if (off + want == size)
        l->held = false;            /* read to the end: the next frame may come */
    uint64_t i = 0;
    for (; i < want && off + i < (uint64_t)hn; i++)
        lent_mem[i] = (uint8_t)hdr[off + i];
    if (i < want)
        __builtin_memcpy((uint8_t *)lent_mem + i, data + (off + i - (uint64_t)hn), (uint32_t)(want - i));
    return (int64_t)want;
}

/* Endpoint sensor.files (above): the kernel's WASI backend, for a program
 * run with --sensors, through a capability badged with its name. */
ATH_EXPORT("files") int64_t files(int64_t a0, int64_t a1, int64_t a2, int64_t lent)
{
    housekeeping();
    uint64_t badge = (uint64_t)ath_call_badge();
    char app[SENSOR_NAME];
    int32_t an = 0;
    for (int i = 0; i < SENSOR_NAME; i++)
        app[i] = i < 8 ? (char)(badge >> 8 * i) : 0;
    while (an < 8 && app[an])
        an++;
    for (int i = an; i < 8; i++)
        if (app[i])
            return ATH_EINVAL;
    if (!policy_name_ok(app, (size_t)an))
        return ATH_EINVAL;          /* no badge: not a program the kernel runs */
    uint32_t op = (uint32_t)(a0 & 0xff);
    uint64_t h = (uint64_t)a0 >> 8;
    if (op == FS_OPEN) {
        uint32_t len = (uint32_t)a1, flags = (uint32_t)((uint64_t)a1 >> 32);
        char path[64];
        if (len == 0 || len >= sizeof path)
            return FS_ENOENT;
        uint32_t pages;
        int32_t e = take_lent_pages(lent, ATH_R_READ | ATH_R_MAP, FS_LEND_PAGES, &pages);
        if (e < 0)
            return e;
        for (uint32_t i = 0; i < len; i++)
            path[i] = (char)lent_mem[i];
        ath_buf_unmap((ath_handle_t)lent);
        if (len == 1 && path[0] == '.' && (h == 0 || h == WDIR))
            return (int64_t)WDIR;   /* the directory itself */
        if (h != WDIR)
            return FS_ENOENT;
        if (flags & (FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE | FS_O_DIRECTORY))
            return FS_EROFS;
        req_t r;
        __builtin_memset(&r, 0, sizeof r);
        for (int i = 0; i < SENSOR_NAME; i++)
            r.app[i] = app[i];
        copy_str(r.purpose, 0, sizeof r.purpose, "a WASI program's file");
        if (!wfile_path(path, (int32_t)len, &r))
            return FS_ENOENT;
        int k = -1, slot;
        uint32_t at;
        for (int i = 0; i < WFILES && k < 0; i++)
            if (wfiles[i].state == WF_FREE)
                k = i;
        if (k < 0)
            return FS_ENFILE;
        if ((e = room_for(&r, &slot, &at)) < 0)
            return e;
        wfiles[k].state = WF_ASKED;         /* taken; the decision sets it */
        wfiles[k].badge = badge;
        wfiles[k].r = r;
        int64_t got = ask_or_decide(&r, k);
        if (got < 0) {
            wfiles[k].state = WF_FREE;
            return got;
        }
        return (int64_t)(WDIR + 1 + (uint64_t)k);
    }
    if (op == FS_CLOSE) {
        if (h == WDIR)
            return 0;
        wfile_t *f = wfile_of(h, badge);
        if (!f)
            return FS_EBADF;
        int slot = f->state == WF_GRANTED ? wfile_lease(f) : -1;
        f->state = WF_FREE;
        if (slot >= 0) {
            end_lease(slot, "closed");
            indicator();
            physical();
        }
        return 0;
    }
    if (op == FS_FSTAT) {
        if (h != WDIR && !wfile_of(h, badge))
            return FS_EBADF;
        uint32_t pages;
        int32_t e = take_lent_pages(lent, ATH_R_WRITE | ATH_R_MAP, FS_LEND_PAGES, &pages);
        if (e < 0)
            return e;
        fs_stat_t st;
        __builtin_memset(&st, 0, sizeof st);
        st.ino = h;
        st.mode = h == WDIR ? 0x4000 | 0555 : 0x8000 | 0444;
        st.links = 1;
        for (uint32_t i = 0; i < sizeof st; i++)
            lent_mem[i] = ((const uint8_t *)&st)[i];
        ath_buf_unmap((ath_handle_t)lent);
        return 0;
    }
    if (op == FS_READDIR)
        return h == WDIR ? 0 : FS_ENOTDIR;  /* nothing listed: the names are requests */
    if (op != FS_PREAD)
        return FS_EUNSUPP;
    wfile_t *f = wfile_of(h, badge);
    if (!f)
        return h == WDIR ? FS_EISDIR : FS_EBADF;
    if (f->state == WF_ASKED)
        return FS_EAGAIN;           /* the person has not answered yet */
    if (f->state != WF_GRANTED)
        return f->err;
    int slot = wfile_lease(f);
    int64_t info = slot < 0 ? ATH_EEXPIRED : ath_cap_info(leases[slot].lease);
    if (info < 0)
        return info;                /* the kernel ended it; the broker cleans up next */
    if (a1 < 0 || a2 < 0)
        return FS_EINVAL;
    if (leases[slot].sensor != SENSOR_GPS) {
        uint32_t pages;
        int32_t e = take_lent_pages(lent, ATH_R_WRITE | ATH_R_MAP, FS_LEND_PAGES, &pages);
        if (e < 0)
            return e;
        uint64_t want = (uint64_t)a2 < (uint64_t)pages * ATH_PAGE ? (uint64_t)a2 : (uint64_t)pages * ATH_PAGE;
        int64_t r = leases[slot].sensor == SENSOR_MIC ? wfile_read_mic(&leases[slot], (uint64_t)a1, want)
                                                      : wfile_read_camera(&leases[slot], (uint64_t)a1, want);
        ath_buf_unmap((ath_handle_t)lent);
        return r;
    }
    const sensor_page_t *pg = (const sensor_page_t *)arena[leases[slot].at];
    if (!pg->fixes)
        return FS_EAGAIN;           /* no fix yet: the device has just started */
    char text[64];
    sensor_fix_t fx = pg->fix;
    int32_t n = fix_text(text, sizeof text, &fx);
    if (a1 >= n)
        return 0;
    int32_t want = a2 < n - a1 ? (int32_t)a2 : n - (int32_t)a1;
    uint32_t pages;
    int32_t e = take_lent_pages(lent, ATH_R_WRITE | ATH_R_MAP, FS_LEND_PAGES, &pages);
    if (e < 0)
        return e;
    for (int32_t i = 0; i < want; i++)
        lent_mem[i] = (uint8_t)text[a1 + i];
    ath_buf_unmap((ath_handle_t)lent);
    return want;
}

/* Endpoint sensor.admin (sensor.h): the shell's leases and revoke. */
ATH_EXPORT("admin") int64_t admin(int64_t op, int64_t arg, int64_t a2, int64_t lent)
{
    housekeeping();
    (void)a2;
    if (op == SENSOR_ADMIN_LIST) {
        int64_t k = arg;
        uint64_t now = (uint64_t)ath_uptime_ns();
        for (int i = 0; i < MAX_LEASES; i++) {
            lease_t *l = &leases[i];
            if (!l->used || k-- > 0)
                continue;
            int32_t e = take_lent(lent, ATH_R_WRITE | ATH_R_MAP);
            if (e < 0)
                return e;
            char line[96];
            int32_t n = copy_str(line, 0, sizeof line, sensor_name(l->sensor));
            n = copy_str(line, n, sizeof line, " ");
            n = copy_str(line, n, sizeof line, l->app);
            n = copy_str(line, n, sizeof line, " ");
            n = copy_str(line, n, sizeof line, sensor_precision_name(l->sensor, l->precision));
            n = copy_str(line, n, sizeof line, " ");
            n = copy_uint(line, n, sizeof line, l->end_ns > now ? (l->end_ns - now + 999999999) / 1000000000 : 0);
            for (int32_t j = 0; j < n; j++)
                lent_mem[j] = (uint8_t)line[j];
            ath_buf_unmap((ath_handle_t)lent);
            return n;
        }
        return ATH_ENOENT;
    }
    if (op == SENSOR_ADMIN_REVOKE) {
        /* arg: a sensor (0: all); the lent buffer: the app's name, NUL-padded */
        int32_t e = take_lent(lent, ATH_R_READ | ATH_R_MAP);
        if (e < 0)
            return e;
        char app[SENSOR_NAME];
        for (int i = 0; i < SENSOR_NAME; i++)
            app[i] = (char)lent_mem[i];
        ath_buf_unmap((ath_handle_t)lent);
        int32_t n = 0;
        while (n < SENSOR_NAME && app[n])
            n++;
        if (!policy_name_ok(app, (size_t)n) || arg < 0 || arg > SENSOR_CAM)
            return ATH_EINVAL;
        int count = 0;
        for (int i = 0; i < MAX_LEASES; i++) {
            lease_t *l = &leases[i];
            bool same = l->used && (arg == 0 || l->sensor == (uint32_t)arg);
            for (int j = 0; same && j <= n; j++)
                same = l->app[j] == app[j];
            if (same)
                end_lease(i, "revoked"), count++;
        }
        if (count) {
            indicator();
            physical();
        }
        return count ? count : ATH_ENOENT;
    }
    if (op == SENSOR_ADMIN_POLICY) {
        /* the policy text, arg bytes of the lent buffer's first page */
        if (arg < 0 || arg > ATH_PAGE)
            return ATH_EINVAL;
        int32_t e = take_lent(lent, ATH_R_READ | ATH_R_MAP);
        if (e < 0)
            return e;
        static char text[ATH_PAGE];
        for (int64_t i = 0; i < arg; i++)
            text[i] = (char)lent_mem[i];
        ath_buf_unmap((ath_handle_t)lent);
        policy_loaded = true;
        return policy_parse(&policy, text, (size_t)arg);
    }
    return ATH_EINVAL;
}

/* The broker's thread: a tick, then a wait for a fix or the next deadline. */
ATH_EXPORT("_start") void _start(void)
{
    tick_ep = ath_cap_find_n(tick_name, sizeof tick_name - 1);
    if (tick_ep < 0)
        return;
    for (;;) {
        if (ath_call(tick_ep, 0, 0, 0, 0, &tick_wait) < 0 || tick_wait <= 0 || tick_wait > TICK_MAX)
            tick_wait = TICK_MAX;
        if (fix_ch < 0)
            return;             /* no GPS: the handlers do the housekeeping */
        ath_wait(fix_ch, tick_wait);
    }
}
