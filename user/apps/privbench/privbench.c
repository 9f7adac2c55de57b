/*
 * privbench [N] [MS]: the lease figures of `make bench-privacy`
 * (docs/privacy.md). Holds one long lease of each sensor (GPS coarse,
 * microphone level, camera low: so the devices stay on and what is
 * measured is the lease, not a device's start), then takes N (default
 * 1000) leases of MS (default 20) milliseconds one after the other, the
 * GPS, the microphone and the camera in turn; for each, reads in a loop
 * until the read fails and takes the time from the lease's end (the
 * grant's end_ns) to that failure, with the fine clock (bin/privbench.caps
 * grants it). After each end it counts the bytes of the lease's pages
 * still visible where they were mapped (leaked bytes: none should be).
 * Then it drops the fine clock and measures the step of the clock every
 * program gets. Prints a line per sensor, then
 *   privacy: leases N, revoke-to-fail max M us p99 Q us, leaked bytes L, coarse clock R us
 * and an exit status 0 when every lease ended in a failed read.
 */
#include <sensor.h>
#include <stdbool.h>

#define MAXN 5000
#define NS 3                        /* sensors: GPS, microphone, camera */
#define MAXPAGES 8                  /* the largest lease here: camera low, 5 pages */

static const uint32_t sensors[NS] = {SENSOR_GPS, SENSOR_MIC, SENSOR_CAM};
static uint8_t anchor_pages[NS][MAXPAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t pages[MAXPAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t data[SENSOR_CAM_BYTES / SENSOR_CAM_LOW / SENSOR_CAM_LOW];
static sensor_lease_t anchor[NS], lease;
static uint32_t lat_ns[MAXN], lat_of[NS][MAXN];

static uint32_t arg_num(const char *a, int32_t n, int32_t *at, uint32_t dflt)
{
    while (*at < n && a[*at] == ' ')
        (*at)++;
    uint32_t v = 0;
    bool any = false;
    while (*at < n && a[*at] >= '0' && a[*at] <= '9' && v < 1000000)
        v = v * 10 + (uint32_t)(a[(*at)++] - '0'), any = true;
    return any ? v : dflt;
}

/* Shell sort: the figures once, at the end. */
static void sort(uint32_t *v, uint32_t n)
{
    for (uint32_t gap = n / 2; gap; gap /= 2)
        for (uint32_t i = gap; i < n; i++)
            for (uint32_t j = i; j >= gap && v[j - gap] > v[j]; j -= gap) {
                uint32_t t = v[j];
                v[j] = v[j - gap], v[j - gap] = t;
            }
}

static uint32_t p99_of(const uint32_t *v, uint32_t n)
{
    return n ? v[(n * 99 + 99) / 100 - 1] : 0;
}

/* One read of the lease's sensor: >= 0 or ATH_EEMPTY while it lasts. */
static int32_t read_once(sensor_lease_t *l, uint32_t sensor)
{
    if (sensor == SENSOR_GPS) {
        sensor_fix_t f;
        return sensor_read_fix(l, &f);
    }
    if (sensor == SENSOR_MIC) {
        uint32_t lost = 0;
        return sensor_read_stream(l, data, sizeof data, &lost);
    }
    uint32_t w, h, frame;
    return sensor_read_frame(l, data, sizeof data, &w, &h, &frame);
}

static void say_error(const char *what, uint32_t i, int32_t e)
{
    ath_printf("privbench: %s %u: %s\n", what, (unsigned)i, ath_strerror(e));
}

ATH_EXPORT("_start") int32_t _start(void)
{
    char args[32];
    int32_t n = ath_args(args, sizeof args), at = 0;
    uint32_t count = arg_num(args, n, &at, 1000), ms = arg_num(args, n, &at, 20);
    if (count == 0 || count > MAXN || ms == 0 || ms > 1000) {
        ath_print("usage: privbench [N 1..5000] [MS 1..1000]\n");
        return 1;
    }
    int32_t e;
    for (uint32_t s = 0; s < NS; s++)
        if ((e = sensor_open(&anchor[s], "privbench", sensors[s], SENSOR_COARSE, 3600000, "bench anchor",
                             anchor_pages[s])) < 0) {
            say_error("no anchor lease of sensor", sensors[s], e);
            return 1;
        }
    uint32_t done = 0, leaked = 0, late = 0, done_of[NS] = {0, 0, 0};
    uint64_t late_ok = 0;
    /* how much the feeders (on the host's clock) gave per second of kernel
     * clock: the anchor leases' counts of blocks and frames */
    volatile sensor_stream_t *mic_h = (volatile sensor_stream_t *)anchor_pages[1],
                             *cam_h = (volatile sensor_stream_t *)anchor_pages[2];
    uint32_t blocks0 = mic_h->count, frames0 = cam_h->count;
    uint64_t t0 = (uint64_t)ath_uptime_ns();
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = i % NS, sensor = sensors[s];
        if ((e = sensor_open(&lease, "privbench", sensor, SENSOR_COARSE, ms, "bench", pages)) == ATH_EEXPIRED) {
            late++;             /* ended before it reached us (a host stall): not a sample */
            i--;
            if (late > count)
                break;
            continue;
        }
        if (e < 0) {
            say_error("lease", i, e);
            break;
        }
        /* ok_at: when the last read that worked began (a read that began
         * before the end may return after it, when something preempted
         * us in between: that is no read after the end) */
        uint64_t ok_at = 0, began = (uint64_t)ath_uptime_ns(), t;
        while ((e = read_once(&lease, sensor)) >= 0 || e == ATH_EEMPTY)
            ok_at = began, began = (uint64_t)ath_uptime_ns();
        t = (uint64_t)ath_uptime_ns();
        uint64_t end = lease.grant.end_ns;
        if (ok_at > end && ok_at - end > late_ok)
            late_ok = ok_at - end;      /* a read begun after the end worked */
        uint32_t ns = t > end ? (uint32_t)(t - end < 0xffffffffu ? t - end : 0xffffffffu) : 0;
        lat_ns[done++] = ns;
        lat_of[s][done_of[s]++] = ns;
        if (e != ATH_EEXPIRED) {
            ath_printf("privbench: a read failed with %s, not lease expired\n", ath_strerror(e));
            break;
        }
        /* every page the lease mapped: the app's own (zero) pages are back */
        uint32_t np = sensor_lease_pages(sensor, SENSOR_COARSE);
        for (uint32_t k = 0; k < np * ATH_PAGE; k++)
            leaked += pages[k] != 0;
        sensor_close(&lease);
    }
    uint32_t blocks = mic_h->count - blocks0, frames = cam_h->count - frames0;
    uint64_t spent_ms = ((uint64_t)ath_uptime_ns() - t0) / 1000000;
    for (uint32_t s = 0; s < NS; s++)
        sensor_close(&anchor[s]);
    /* the clock a program without the fine clock sees: its smallest step */
    ath_cap_drop(ath_cap_find("clock.fine"));
    uint64_t step = ~0ull, prev = (uint64_t)ath_uptime_ns();
    for (int changes = 0; changes < 5;) {
        uint64_t now = (uint64_t)ath_uptime_ns();
        if (now != prev) {
            if (now - prev < step)
                step = now - prev;
            prev = now;
            changes++;
        }
    }
    for (uint32_t s = 0; s < NS; s++) {
        uint32_t m = done_of[s];
        sort(lat_of[s], m);
        ath_printf("privbench: %s leases %u, revoke-to-fail median %u us p99 %u us max %u us\n",
                   sensor_name(sensors[s]), (unsigned)m, (unsigned)(m ? lat_of[s][m / 2] / 1000 : 0),
                   (unsigned)(p99_of(lat_of[s], m) / 1000), (unsigned)(m ? lat_of[s][m - 1] / 1000 : 0));
    }
    ath_printf("privbench: %lld ms of kernel clock, microphone blocks %u, camera frames %u"
               " (fed on the host's clock: 10 and 2 a second)\n",
               (long long)spent_ms, (unsigned)blocks, (unsigned)frames);
    sort(lat_ns, done);
    ath_printf("privbench: median %u us; a read begun after an end still worked up to %lld us after it"
               " (the kernel's lease reaper had not run yet); leases that ended before delivery (not samples)"
               " %u\n",
               (unsigned)(done ? lat_ns[done / 2] / 1000 : 0), (long long)(late_ok / 1000), (unsigned)late);
    ath_printf("privacy: leases %u, revoke-to-fail max %u us p99 %u us, leaked bytes %u,"
               " coarse clock %lld us\n",
               (unsigned)done, (unsigned)(done ? lat_ns[done - 1] / 1000 : 0),
               (unsigned)(p99_of(lat_ns, done) / 1000), (unsigned)leaked, (long long)(step / 1000));
    return done == count && leaked == 0 ? 0 : 1;
}
