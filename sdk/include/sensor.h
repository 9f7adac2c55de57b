/*
 * Sensors through the broker (docs/privacy.md): what apps, the shell and
 * the sensor drivers exchange with the sensor broker domain. Apps never
 * see a driver; they ask the broker for a lease and read what it grants.
 *
 *   sensor.request (endpoint): request(sensor | precision << 8, duration_ms,
 *       0, lent) with a buffer lent read-only holding a sensor_req_t. The
 *       answer: a lease id (> 0), or ATH_ERIGHTS (refused by the policy),
 *       ATH_EINVAL (a malformed request), ATH_ENOENT (no box for this
 *       app), ATH_EBUSY (16 leases, 4 of this app's, 8 questions open).
 *       The decision arrives on the app's box (channel box.APP, receive
 *       only), at once when the policy decided, after the person's answer
 *       when the shell asks (the broker serves everyone meanwhile): a
 *       sensor_grant_t with the id and a buffer capability (read, map)
 *       that is a kernel lease: it ends at end_ns whatever anyone does,
 *       and the broker or the shell can end it earlier; or a refusal, a
 *       sensor_grant_t with sensor 0 and no capability (precision: the
 *       error negated, ATH_ERIGHTS when the person said no).
 *   The buffer's first page is a sensor_page_t the broker keeps current
 *   at the granted precision.
 */
#ifndef SENSOR_H
#define SENSOR_H

#include <athanor.h>

enum { SENSOR_GPS = 1, SENSOR_MIC = 2, SENSOR_CAM = 3 };
/* GPS: exact, or coarse (the centre of a 0.01 degree cell: about 1.1 km
 * north-south, 1.1 km x cos(latitude) east-west). The microphone: raw
 * (the samples), or level (SENSOR_COARSE: one loudness figure a block).
 * The camera: full, or low resolution (SENSOR_COARSE). */
enum { SENSOR_EXACT = 0, SENSOR_COARSE = 1 };
enum { SENSOR_RAW = SENSOR_EXACT, SENSOR_LEVEL = SENSOR_COARSE };
enum { SENSOR_FULL = SENSOR_EXACT, SENSOR_LOW = SENSOR_COARSE };

/* The microphone: s16le, 16 kHz, mono; the driver hands the broker blocks
 * of 100 ms. level: one figure per block, its RMS in whole dBFS (-100..0). */
#define SENSOR_MIC_RATE 16000
#define SENSOR_MIC_BLOCK 3200           /* bytes: 1,600 samples, 100 ms */
#define SENSOR_MIC_RING (16 * ATH_PAGE) /* a raw lease's ring: 2.048 s */
/* The camera: RGB frames (3 bytes a pixel, rows top down), 320x240; low:
 * 80x60, each pixel the mean of a 4x4 block. */
#define SENSOR_CAM_W 320
#define SENSOR_CAM_H 240
#define SENSOR_CAM_LOW 4
#define SENSOR_CAM_BYTES (SENSOR_CAM_W * SENSOR_CAM_H * 3)
#define SENSOR_PAGES(bytes) (((bytes) + ATH_PAGE - 1) / ATH_PAGE)

#define SENSOR_MAX_MS 3600000       /* the longest lease: one hour */
#define SENSOR_DECIDE_MS 40000      /* an app waits this long for the decision */
#define SENSOR_NAME 24

typedef struct sensor_req {
    char app[SENSOR_NAME];          /* NUL-padded: the box it names is where the lease goes */
    char purpose[40];               /* NUL-padded, printable ASCII */
} sensor_req_t;

typedef struct sensor_grant {
    uint64_t id;                    /* the lease id request returned */
    uint64_t end_ns;                /* when the kernel ends it (kernel clock) */
    uint32_t sensor, precision;
} sensor_grant_t;

typedef struct sensor_fix {
    int32_t lat_e7, lon_e7;         /* degrees * 10^7 */
    int32_t alt_dm;                 /* decimetres (0 when coarse) */
    uint32_t time_ms;               /* UTC time of day */
    uint32_t seq;                   /* the driver's fix counter */
    uint8_t sats, kind, precision, pad;
} sensor_fix_t;

/* The lease buffer's first page. seq is odd while the broker writes. */
typedef struct sensor_page {
    volatile uint32_t seq;
    uint32_t sensor, precision, fixes;
    sensor_fix_t fix;
} sensor_page_t;

/* A microphone or camera lease's first page; the data follows it, at
 * SENSOR_DATA_OFF. seq is odd while the broker writes.
 *   mic: a ring of ring bytes: raw samples, or (level) one int8 dBFS
 *   figure per block; total counts what was written into it since the
 *   lease began (the newest byte is at (total - 1) % ring).
 *   camera: the newest frame, width x height RGB; count frames so far. */
typedef struct sensor_stream {
    volatile uint32_t seq;
    uint32_t sensor, precision;
    uint32_t count;                 /* blocks or frames published */
    uint64_t total;                 /* mic: bytes written into the ring */
    uint32_t ring;                  /* mic: the ring's size in bytes */
    uint32_t width, height;         /* camera */
    uint32_t frame;                 /* camera: the driver's frame number */
} sensor_stream_t;
#define SENSOR_DATA_OFF ATH_PAGE

/* The pages of a lease's buffer (what the app maps). */
static inline uint32_t sensor_lease_pages(uint32_t sensor, uint32_t precision)
{
    if (sensor == SENSOR_MIC)
        return 1 + (precision == SENSOR_LEVEL ? 1 : SENSOR_MIC_RING / ATH_PAGE);
    if (sensor == SENSOR_CAM)
        return 1 + (precision == SENSOR_LOW ? SENSOR_PAGES(SENSOR_CAM_BYTES / SENSOR_CAM_LOW / SENSOR_CAM_LOW)
                                            : SENSOR_PAGES(SENSOR_CAM_BYTES));
    return 1;
}

/* What the microphone and camera drivers hand the broker: a call on their
 * endpoint (mic.data, camera.data) lending a buffer read-only:
 *   mic.data(SENSOR_MIC_BLOCK, seq, 0, lent): one block of samples;
 *   camera.data(width | height << 16, frame, 0, lent): one frame, then
 *   at SENSOR_CAM_BYTES its low version (camlow.h: the driver makes it
 *   as the rows come, so no frame-sized burst of work waits for the
 *   frame's end), SENSOR_CAM_LENT_PAGES in all.
 * 0, or ATH_ENOENT (no lease wants it), ATH_EINVAL (a wrong size). */
#define SENSOR_CAM_LOW_BYTES (SENSOR_CAM_BYTES / SENSOR_CAM_LOW / SENSOR_CAM_LOW)
#define SENSOR_CAM_LENT_PAGES SENSOR_PAGES(SENSOR_CAM_BYTES + SENSOR_CAM_LOW_BYTES)

/* What the GPS driver sends the broker on gps.fix. */
#define SENSOR_FIX_MAGIC 0x58494647u       /* "GFIX" */
typedef struct sensor_fix_msg {
    uint32_t magic;
    sensor_fix_t fix;
} sensor_fix_msg_t;

/* The broker asks the shell (channel sensor.ask) and waits for the answer
 * (channel sensor.answer: the id, then 'y' or 'n'). */
typedef struct sensor_ask {
    uint32_t id, sensor, precision, seconds;
    char app[SENSOR_NAME];
} sensor_ask_t;
typedef struct sensor_answer {
    uint32_t id;
    uint32_t yes;
} sensor_answer_t;

/* sensor.admin (endpoint; the shell): admin(op, arg, 0, lent)
 *   SENSOR_ADMIN_LIST: the arg-th active lease as a line "SENSOR APP
 *   PRECISION SECONDS-LEFT" into the buffer lent writable; its length,
 *   ATH_ENOENT past the last.
 *   SENSOR_ADMIN_REVOKE: ends now every lease of the app named in the
 *   buffer lent read-only (NUL-padded) on sensor arg (0: every sensor);
 *   how many, or ATH_ENOENT.
 *   SENSOR_ADMIN_POLICY: the policy text (arg bytes of the buffer lent
 *   read-only) replaces the policy file; the number of rules, or -(line)
 *   of the first bad one (then every request is asked). */
enum { SENSOR_ADMIN_LIST = 1, SENSOR_ADMIN_REVOKE = 2, SENSOR_ADMIN_POLICY = 3 };

static inline const char *sensor_name(uint32_t s)
{
    return s == SENSOR_GPS ? "gps" : s == SENSOR_MIC ? "mic" : s == SENSOR_CAM ? "camera" : "?";
}
static inline const char *sensor_precision_name(uint32_t s, uint32_t p)
{
    if (s == SENSOR_GPS)
        return p == SENSOR_COARSE ? "coarse" : "exact";
    if (s == SENSOR_MIC)
        return p == SENSOR_COARSE ? "level" : "raw";
    return p == SENSOR_COARSE ? "low" : "full";
}

/* ---- the app's side (static: a program links what it uses) */

typedef struct sensor_lease {
    ath_handle_t cap;               /* the lease: a buffer capability, read and map */
    sensor_grant_t grant;
    volatile sensor_page_t *page;   /* where it is mapped */
    uint64_t pos;                   /* mic: the stream bytes read so far */
} sensor_lease_t;

/* Asks the broker for a lease of sensor at precision for ms milliseconds,
 * as app (its box: channel box.APP) for purpose. page: a page-aligned area
 * of the app's memory where the lease is mapped, sensor_lease_pages pages
 * (one for the GPS). 0, or ATH_ERIGHTS (refused), ATH_ENOENT (no broker,
 * no box, no such sensor), ... */
static inline int32_t sensor_open(sensor_lease_t *l, const char *app, uint32_t sensor,
                                  uint32_t precision, uint32_t ms, const char *purpose, void *page)
{
    char name[4 + SENSOR_NAME] = "box.";
    int32_t n = 4;
    for (const char *s = app; *s && n < 4 + SENSOR_NAME - 1; s++)
        name[n++] = *s;
    ath_handle_t ep = ath_cap_find("sensor.request"), box = ath_cap_find_n(name, n);
    if (ep < 0 || box < 0)
        return ATH_ENOENT;
    ath_handle_t rb = ath_buf_new(1);
    if (rb < 0)
        return rb;
    int32_t e = ath_buf_map(rb, (uint32_t)(uintptr_t)page);
    if (e < 0) {
        ath_cap_drop(rb);
        return e;
    }
    sensor_req_t *q = (sensor_req_t *)page;
    for (int i = 0; i < SENSOR_NAME; i++)
        q->app[i] = 0;
    for (int i = 0; i < 40; i++)
        q->purpose[i] = 0;
    for (int i = 0; app[i] && i < SENSOR_NAME - 1; i++)
        q->app[i] = app[i];
    for (int i = 0; purpose[i] && i < 39; i++)
        q->purpose[i] = purpose[i];
    ath_buf_unmap(rb);
    int64_t r = 0;
    e = ath_call_lend(ep, rb, ATH_R_READ, sensor | precision << 8, ms, 0, &r);
    ath_cap_drop(rb);
    if (e < 0)
        return e;
    if (r < 0)
        return (int32_t)r;
    /* the decision on the box: at once when the policy decided, after the
     * person's answer when the shell asked (the broker waits 30 s) */
    ath_handle_t got = 0;
    int64_t until = ath_uptime_ns() + SENSOR_DECIDE_MS * 1000000ll;
    for (;;) {
        int64_t left = until - ath_uptime_ns();
        e = left > 0 ? ath_recv(box, &l->grant, sizeof l->grant, &got, left) : ATH_ETIMEDOUT;
        if (e < 0)
            return e;
        if (e == (int32_t)sizeof l->grant && l->grant.id == (uint64_t)r)
            break;
        if (got > 0)
            ath_cap_drop(got);      /* an older request's: not ours */
        got = 0;
    }
    if (l->grant.sensor == 0)       /* refused (precision: the error) */
        return l->grant.precision ? -(int32_t)l->grant.precision : ATH_ERIGHTS;
    if (got <= 0)
        return ATH_EEXPIRED;        /* it ended on the way (the kernel drops a dead capability) */
    l->cap = got;
    if ((e = ath_buf_map(got, (uint32_t)(uintptr_t)page)) < 0)
        return e;
    l->page = (volatile sensor_page_t *)page;
    l->pos = 0;
    return 0;
}

/* The newest fix at the lease's precision: 0, ATH_EEMPTY (none yet), or
 * the lease's end: ATH_EEXPIRED (its time came), ATH_EREVOKED (the broker
 * or the person ended it). Nothing of a fix is returned after the end. */
static inline int32_t sensor_read_fix(sensor_lease_t *l, sensor_fix_t *out)
{
    int64_t info = ath_cap_info(l->cap);
    if (info < 0)
        return (int32_t)info;
    uint32_t s1, s2, fixes, tries = 0;
    do {
        s1 = l->page->seq;
        __asm__ volatile("" ::: "memory");
        fixes = l->page->fixes;
        *out = *(volatile sensor_fix_t *)&l->page->fix;
        __asm__ volatile("" ::: "memory");
        s2 = l->page->seq;
    } while ((s1 != s2 || (s1 & 1)) && ++tries < 10000);
    if ((info = ath_cap_info(l->cap)) < 0) {     /* it ended while we copied */
        sensor_fix_t z = {0, 0, 0, 0, 0, 0, 0, 0, 0};
        *out = z;
        return (int32_t)info;
    }
    return fixes ? 0 : ATH_EEMPTY;
}

/* The microphone's newest bytes (samples, or level figures): up to cap
 * of what arrived since the last read, into dst. Their number (0: none
 * yet), or the lease's end (ATH_EEXPIRED, ATH_EREVOKED: dst holds nothing
 * of them then). *lost grows by what the ring overwrote before it was
 * read. */
static inline int32_t sensor_read_stream(sensor_lease_t *l, uint8_t *dst, uint32_t cap, uint32_t *lost)
{
    int64_t info = ath_cap_info(l->cap);
    if (info < 0)
        return (int32_t)info;
    volatile sensor_stream_t *h = (volatile sensor_stream_t *)l->page;
    const volatile uint8_t *data = (const volatile uint8_t *)l->page + SENSOR_DATA_OFF;
    uint32_t s1, s2, ring, tries = 0;
    uint64_t total;
    do {
        s1 = h->seq;
        __asm__ volatile("" ::: "memory");
        total = h->total, ring = h->ring;
        __asm__ volatile("" ::: "memory");
        s2 = h->seq;
    } while ((s1 != s2 || (s1 & 1)) && ++tries < 10000);
    if (ring == 0 || ring > (sensor_lease_pages(SENSOR_MIC, SENSOR_RAW) - 1) * ATH_PAGE || total < l->pos)
        return ATH_EINVAL;
    if (total - l->pos > ring) {
        *lost += (uint32_t)(total - l->pos - ring);
        l->pos = total - ring;
    }
    uint32_t n = total - l->pos < cap ? (uint32_t)(total - l->pos) : cap;
    for (uint32_t i = 0; i < n; i++)
        dst[i] = data[(l->pos + i) % ring];
    __asm__ volatile("" ::: "memory");
    /* what the broker wrote meanwhile may have lapped the start of it */
    uint64_t after = h->total;
    if (after > l->pos + ring) {
        *lost += n;
        l->pos += n;
        n = 0;
    }
    if ((info = ath_cap_info(l->cap)) < 0) {     /* it ended while we copied */
        for (uint32_t i = 0; i < n; i++)
            dst[i] = 0;
        return (int32_t)info;
    }
    l->pos += n;
    return (int32_t)n;
}

/* The camera's newest frame into dst (cap bytes): its size in bytes, with
 * its width, height and frame number; ATH_EEMPTY (none yet), ATH_EFULL
 * (cap too small), or the lease's end (then dst holds nothing of it). */
static inline int32_t sensor_read_frame(sensor_lease_t *l, uint8_t *dst, uint32_t cap, uint32_t *w,
                                        uint32_t *hgt, uint32_t *frame)
{
    int64_t info = ath_cap_info(l->cap);
    if (info < 0)
        return (int32_t)info;
    volatile sensor_stream_t *h = (volatile sensor_stream_t *)l->page;
    const volatile uint8_t *data = (const volatile uint8_t *)l->page + SENSOR_DATA_OFF;
    uint32_t s1, s2, count, bytes = 0, tries = 0;
    do {
        s1 = h->seq;
        __asm__ volatile("" ::: "memory");
        count = h->count, *w = h->width, *hgt = h->height, *frame = h->frame;
        bytes = *w * *hgt * 3;
        if (*w > SENSOR_CAM_W || *hgt > SENSOR_CAM_H)
            return ATH_EINVAL;
        if (bytes > cap)
            return ATH_EFULL;
        for (uint32_t i = 0; i < bytes; i++)
            dst[i] = data[i];
        __asm__ volatile("" ::: "memory");
        s2 = h->seq;
    } while ((s1 != s2 || (s1 & 1)) && ++tries < 1000);
    if ((info = ath_cap_info(l->cap)) < 0) {     /* it ended while we copied */
        for (uint32_t i = 0; i < bytes; i++)
            dst[i] = 0;
        return (int32_t)info;
    }
    return count ? (int32_t)bytes : ATH_EEMPTY;
}

static inline void sensor_close(sensor_lease_t *l)
{
    ath_buf_unmap(l->cap);
    ath_cap_drop(l->cap);
}

#endif
