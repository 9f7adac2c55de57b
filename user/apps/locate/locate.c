/*
 * locate [exact] [-t SECONDS] [-w]: prints where the GPS says we are, at
 * the precision the lease grants (coarse unless "exact": the centre of a
 * 0.01 degree cell). Asks the sensor broker (sdk/include/sensor.h) for a
 * lease of SECONDS (default 60); the policy or the person at the shell
 * decides. With -w it keeps reading until the lease ends and reports how
 * the next read failed (the boot test's check). Exit status 0 when a fix
 * was printed (and, with -w, the lease ended), 1 otherwise.
 *
 * An SDK program (docs/shell.md, "Programs"); its capabilities are
 * bin/locate.caps: sensor.request and its box.
 */
#include <sensor.h>
#include <stdbool.h>

#define MS 1000000ll

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static sensor_lease_t lease;

/* e7 (degrees x 10^7) as "D.DDDDDD N" into o (at least 24 bytes); o */
static const char *deg(char *o, int32_t e7, char pos, char neg)
{
    uint32_t a = (uint32_t)(e7 < 0 ? -(int64_t)e7 : e7);
    char t[24];
    int n = 0;
    uint32_t frac = (a % 10000000) / 10;         /* 6 decimals */
    for (int i = 0; i < 6; i++)
        t[n++] = (char)('0' + frac % 10), frac /= 10;
    t[n++] = '.';
    uint32_t w = a / 10000000;
    do
        t[n++] = (char)('0' + w % 10), w /= 10;
    while (w);
    int k = 0;
    while (n)
        o[k++] = t[--n];
    o[k++] = ' ';
    o[k++] = e7 < 0 ? neg : pos;
    o[k] = 0;
    return o;
}

static bool word(const char *a, int32_t n, const char *w)
{
    int32_t i = 0;
    for (; w[i]; i++)
        if (i >= n || a[i] != w[i])
            return false;
    return i == n;
}

ATH_EXPORT("_start") int32_t _start(void)
{
    char args[64];
    int32_t n = ath_args(args, sizeof args);
    uint32_t precision = SENSOR_COARSE, secs = 60;
    bool wait_end = false;
    for (int32_t i = 0; i < n;) {
        int32_t j = i;
        while (j < n && args[j] != ' ')
            j++;
        if (word(args + i, j - i, "exact"))
            precision = SENSOR_EXACT;
        else if (word(args + i, j - i, "coarse"))
            precision = SENSOR_COARSE;
        else if (word(args + i, j - i, "-w"))
            wait_end = true;
        else if (word(args + i, j - i, "-t") && j < n) {
            uint32_t v = 0;
            int32_t k = j + 1;
            while (k < n && args[k] >= '0' && args[k] <= '9' && v < 100000)
                v = v * 10 + (uint32_t)(args[k++] - '0');
            secs = v;
            j = k;
        } else {
            ath_print("usage: locate [exact] [-t SECONDS] [-w]\n");
            return 1;
        }
        i = j + 1;
    }
    if (secs == 0 || secs > SENSOR_MAX_MS / 1000) {
        ath_print("locate: SECONDS must be 1..3600\n");
        return 1;
    }
    int32_t e = sensor_open(&lease, "locate", SENSOR_GPS, precision, secs * 1000,
                            "print where we are", page);
    if (e < 0) {
        ath_printf("locate: no lease of the gps: %s\n", e == ATH_ERIGHTS ? "refused" : ath_strerror(e));
        return 1;
    }
    /* the first fix: the device starts when the lease does */
    sensor_fix_t f;
    ath_handle_t idle = ath_cap_find("box.locate");
    while ((e = sensor_read_fix(&lease, &f)) == ATH_EEMPTY)
        ath_wait(idle, 20 * MS);        /* nobody notifies the box: a 20 ms sleep */
    if (e < 0) {
        ath_printf("locate: gps: lease ended before a fix: %s\n", ath_strerror(e));
        return 1;
    }
    char lat[24], lon[24];
    ath_printf("locate: %s %s %s\n", deg(lat, f.lat_e7, 'N', 'S'), deg(lon, f.lon_e7, 'E', 'W'),
               f.precision == SENSOR_COARSE ? "(coarse, 0.01 degree cell)" : "(exact)");
    if (!wait_end) {
        sensor_close(&lease);
        return 0;
    }
    uint32_t reads = 1;
    while ((e = sensor_read_fix(&lease, &f)) >= 0 || e == ATH_EEMPTY) {
        reads++;
        ath_wait(idle, 10 * MS);
    }
    ath_printf("locate: gps: lease ended, the next read failed: %s (after %u reads)\n", ath_strerror(e),
               (unsigned)reads);
    sensor_close(&lease);
    return 0;
}
