/*
 * libFuzzer target for the GPS driver's NMEA parser (user/drivers/gps/
 * nmea.c): arbitrary bytes as a stream, fed in pieces whose sizes come from
 * the input, and as one sentence. Every fix must be in range.
 */
#include <nmea.h>
#include <stdlib.h>

static void check(const nmea_fix_t *f)
{
    if (f->lat_e7 < -900000000 || f->lat_e7 > 900000000 || f->lon_e7 < -1800000000 ||
        f->lon_e7 > 1800000000 || f->time_ms >= 86401000u || (f->kind != NMEA_GGA && f->kind != NMEA_RMC))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nmea_t p;
    nmea_fix_t f;
    nmea_init(&p);
    size_t i = 0, step = size ? data[0] % 97 + 1 : 1;
    while (i < size) {
        size_t n = size - i < step ? size - i : step;
        if (nmea_feed(&p, data + i, n, &f) > 0)
            check(&f);
        if (p.len > NMEA_MAX)
            abort();
        i += n;
    }
    if (nmea_sentence((const char *)data, size, &f) > 0)
        check(&f);
    return 0;
}
