/*
 * privbench [N] [MS]: the lease figures of `make bench-privacy`
 * (docs/privacy.md). Holds one long GPS lease (so the device stays on and
 * what is measured is the lease, not the device's start), then takes N
 * (default 1000) coarse leases of MS (default 20) milliseconds one after
 * the other; for each, reads in a loop until the read fails and takes the
 * time from the lease's end (the grant's end_ns) to that failure, with
 * the fine clock (bin/privbench.caps grants it). After each end it counts
 * the bytes of the lease's page still visible where it was mapped (leaked
 * bytes: none should be). Then it drops the fine clock and measures the
 * step of the clock every program gets. Prints
 *   privacy: leases N, revoke-to-fail max M us p99 Q us, leaked bytes L, coarse clock R us
 * and an exit status 0 when every lease ended in a failed read.
 */
#include <sensor.h>
#include <stdbool.h>

#define MAXN 5000

static uint8_t anchor_page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static sensor_lease_t anchor, lease;
static uint32_t lat_ns[MAXN];

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

ATH_EXPORT("_start") int32_t _start(void)
{
    char args[32];
    int32_t n = ath_args(args, sizeof args), at = 0;
    uint32_t count = arg_num(args, n, &at, 1000), ms = arg_num(args, n, &at, 20);
    if (count == 0 || count > MAXN || ms == 0 || ms > 1000) {
        ath_print("usage: privbench [N 1..5000] [MS 1..1000]\n");
        return 1;
    }
    int32_t e = sensor_open(&anchor, "privbench", SENSOR_GPS, SENSOR_COARSE, 3600000, "bench anchor",
                            anchor_page);
    if (e < 0) {
        ath_print("privbench: no anchor lease: ");
        ath_print(ath_strerror(e));
        ath_print("\n");
        return 1;
    }
    uint32_t done = 0, leaked = 0, late = 0;
    uint64_t late_ok = 0;
    sensor_fix_t f;
    for (uint32_t i = 0; i < count; i++) {
        if ((e = sensor_open(&lease, "privbench", SENSOR_GPS, SENSOR_COARSE, ms, "bench", page)) ==
            ATH_EEXPIRED) {
            late++;             /* ended before it reached us (a host stall): not a sample */
            i--;
            if (late > count)
                break;
            continue;
        }
        if (e < 0) {
            ath_print("privbench: lease ");
            ath_print_int(i);
            ath_print(": ");
            ath_print(ath_strerror(e));
            ath_print("\n");
            break;
        }
        uint64_t ok_at = 0, t;
        while ((e = sensor_read_fix(&lease, &f)) >= 0 || e == ATH_EEMPTY)
            ok_at = (uint64_t)ath_uptime_ns();
        t = (uint64_t)ath_uptime_ns();
        uint64_t end = lease.grant.end_ns;
        if (ok_at > end && ok_at - end > late_ok)
            late_ok = ok_at - end;      /* a read that worked after the end */
        lat_ns[done++] = t > end ? (uint32_t)(t - end < 0xffffffffu ? t - end : 0xffffffffu) : 0;
        if (e != ATH_EEXPIRED) {
            ath_print("privbench: a read failed with ");
            ath_print(ath_strerror(e));
            ath_print(", not lease expired\n");
            break;
        }
        for (int k = 0; k < (int)sizeof(sensor_page_t); k++)
            leaked += page[k] != 0;
        sensor_close(&lease);
    }
    sensor_close(&anchor);
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
    sort(lat_ns, done);
    uint32_t p99 = done ? lat_ns[(done * 99 + 99) / 100 - 1] : 0;
    ath_print("privbench: median ");
    ath_print_int(done ? lat_ns[done / 2] / 1000 : 0);
    ath_print(" us; a read still worked up to ");
    ath_print_int((int64_t)(late_ok / 1000));
    ath_print(" us after an end (the kernel's lease reaper had not run yet)");
    ath_print("; leases that ended before delivery (not samples) ");
    ath_print_int(late);
    ath_print("\n");
    ath_print("privacy: leases ");
    ath_print_int(done);
    ath_print(", revoke-to-fail max ");
    ath_print_int(done ? lat_ns[done - 1] / 1000 : 0);
    ath_print(" us p99 ");
    ath_print_int(p99 / 1000);
    ath_print(" us, leaked bytes ");
    ath_print_int(leaked);
    ath_print(", coarse clock ");
    ath_print_int((int64_t)(step / 1000));
    ath_print(" us\n");
    return done == count && leaked == 0 ? 0 : 1;
}
