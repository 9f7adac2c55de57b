/*
 * Sensors through the broker (docs/privacy.md): what apps, the shell and
 * the sensor drivers exchange with the sensor broker domain. Apps never
 * see a driver; they ask the broker for a lease and read what it grants.
 *
 *   sensor.request (endpoint): request(sensor | precision << 8, duration_ms,
 *       0, lent) with a buffer lent read-only holding a sensor_req_t. The
 *       answer: a lease id (> 0), or ATH_ERIGHTS (refused, by the policy or
 *       by the person at the shell), ATH_EINVAL (a malformed request),
 *       ATH_ENOENT (no box for this app), ATH_EBUSY (16 leases, or 4 of
 *       this app's). The
 *       lease itself arrives on the app's box (channel box.APP, receive
 *       only): a sensor_grant_t with a buffer capability (read, map) that
 *       is a kernel lease: it ends at end_ns whatever anyone does, and the
 *       broker or the shell can end it earlier.
 *   The buffer's first page is a sensor_page_t the broker keeps current
 *   at the granted precision.
 */
#ifndef SENSOR_H
#define SENSOR_H

#include <athanor.h>

enum { SENSOR_GPS = 1, SENSOR_MIC = 2, SENSOR_CAM = 3 };
/* GPS: exact, or coarse (the centre of a 0.01 degree cell: about 1.1 km
 * north-south, 1.1 km x cos(latitude) east-west). */
enum { SENSOR_EXACT = 0, SENSOR_COARSE = 1 };

#define SENSOR_MAX_MS 3600000       /* the longest lease: one hour */
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
} sensor_lease_t;

/* Asks the broker for a lease of sensor at precision for ms milliseconds,
 * as app (its box: channel box.APP) for purpose. page: a page-aligned 4 KiB
 * area of the app's memory where the lease is mapped. 0, or ATH_ERIGHTS
 * (refused), ATH_ENOENT (no broker, no box, no such sensor), ... */
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
    ath_handle_t got = 0;
    e = ath_recv(box, &l->grant, sizeof l->grant, &got, 0);
    if (e != (int32_t)sizeof l->grant || l->grant.id != (uint64_t)r)
        return e < 0 ? e : ATH_EINVAL;
    if (got <= 0)
        return ATH_EEXPIRED;        /* it ended on the way (the kernel drops a dead capability) */
    l->cap = got;
    if ((e = ath_buf_map(got, (uint32_t)(uintptr_t)page)) < 0)
        return e;
    l->page = (volatile sensor_page_t *)page;
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

static inline void sensor_close(sensor_lease_t *l)
{
    ath_buf_unmap(l->cap);
    ath_cap_drop(l->cap);
}

#endif
