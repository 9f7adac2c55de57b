/*
 * The GPS driver's NMEA 0183 parser (user/drivers/gps/nmea.c): GGA and RMC
 * fixes to the last digit, every field's range, checksums, and a stream
 * cut anywhere, flooded with noise or with sentences too long.
 */
#include "unit.h"

#include <nmea.h>
#include <stdlib.h>

/* "$" body "*HH" with the right checksum, into out. */
static size_t with_sum(char *out, const char *body)
{
    uint8_t s = 0;
    for (const char *p = body; *p; p++)
        s ^= (uint8_t)*p;
    return (size_t)snprintf(out, 128, "$%s*%02X", body, s);
}

static int parse(const char *body, nmea_fix_t *fix)
{
    char s[128];
    size_t n = with_sum(s, body);
    return nmea_sentence(s, n, fix);
}

TEST(nmea_gga_fix)
{
    nmea_fix_t f;
    CHECK_EQ(parse("GPGGA,123519.25,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,", &f), NMEA_GGA);
    /* 48 deg 7.038 min = 48.1173 deg; 11 deg 31.000 min = 11.516666 deg */
    CHECK_EQ(f.lat_e7, 481173000);
    CHECK_EQ(f.lon_e7, 115166666);
    CHECK_EQ(f.alt_dm, 5454);
    CHECK_EQ(f.sats, 8);
    CHECK_EQ(f.time_ms, (12 * 3600 + 35 * 60 + 19) * 1000 + 250);
    CHECK_EQ(f.kind, NMEA_GGA);
    /* south and west are negative; the GN talker is read too */
    CHECK_EQ(parse("GNGGA,000000,3351.5000,S,15112.7500,W,2,12,1.0,-3.5,M,,M,,", &f), NMEA_GGA);
    CHECK_EQ(f.lat_e7, -338583333);
    CHECK_EQ(f.lon_e7, -1512125000);
    CHECK_EQ(f.alt_dm, -35);
    /* quality 0: no fix */
    CHECK_EQ(parse("GPGGA,123519,,,,,0,00,,,M,,M,,", &f), NMEA_E_NOFIX);
}

TEST(nmea_rmc_fix)
{
    nmea_fix_t f;
    CHECK_EQ(parse("GPRMC,225446,A,4916.4500,N,12311.1200,W,000.5,054.7,191194,020.3,E", &f), NMEA_RMC);
    CHECK_EQ(f.lat_e7, 492741666);
    CHECK_EQ(f.lon_e7, -1231853333);
    CHECK_EQ(f.time_ms, (22 * 3600 + 54 * 60 + 46) * 1000);
    CHECK_EQ(f.kind, NMEA_RMC);
    CHECK_EQ(parse("GPRMC,225446,V,,,,,,,191194,,", &f), NMEA_E_NOFIX);
    /* the extremes are fixes; past them is not */
    CHECK_EQ(parse("GPRMC,235960.999,A,9000.0000,S,18000.0000,E,0,0,010100,,", &f), NMEA_RMC);
    CHECK_EQ(f.lat_e7, -900000000);
    CHECK_EQ(f.lon_e7, 1800000000);
    CHECK_EQ(parse("GPRMC,000000,A,9000.0001,N,00000.0000,E,0,0,010100,,", &f), NMEA_E_FORMAT);
    CHECK_EQ(parse("GPRMC,000000,A,0000.0000,N,18000.0001,E,0,0,010100,,", &f), NMEA_E_FORMAT);
}

TEST(nmea_bad_fields)
{
    nmea_fix_t f;
    const char *bad[] = {
        "GPGGA,123519,4807.038,X,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",    /* hemisphere */
        "GPGGA,123519,4860.000,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",    /* 60 minutes */
        "GPGGA,123519,807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",     /* 3 digits */
        "GPGGA,123519,4807.0a8,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",    /* a letter */
        "GPGGA,243519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",    /* hour 24 */
        "GPGGA,12351,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",     /* short time */
        "GPGGA,123519,4807.038,N,01131.000,E,9,08,0.9,545.4,M,46.9,M,,",    /* quality 9 */
        "GPGGA,123519,4807.038,N,01131.000,E,1,108,0.9,545.4,M,46.9,M,,",   /* 108 sats */
        "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,100000,M,46.9,M,,",   /* 100 km up */
        "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,F,46.9,M,,",    /* feet */
        "GPGGA,123519,4807.038,N,01131.000,E,1,08",                          /* cut short */
        "GPGGA,123519,,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",             /* no latitude */
        "GPGGA,123519,4807.0380000000000001,N,01131.000,E,1,08,0.9,545.4,M,,M,,", /* 17 decimals */
        "GP,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",       /* address */
        "gpGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",    /* lower case */
        "GPRMC,225446,A,4916.45,N,12311.12,W",                               /* too few */
        "GPRMC,225446,X,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E",   /* status */
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",                            /* fields */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = parse(bad[i], &f);
        if (r != NMEA_E_FORMAT)
            fprintf(stderr, "  case %zu: %d\n", i, r);
        CHECK_EQ(r, NMEA_E_FORMAT);
    }
    CHECK_EQ(parse("GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00", &f), NMEA_E_OTHER);
}

TEST(nmea_checksums)
{
    nmea_fix_t f;
    char s[128];
    size_t n = with_sum(s, "GPRMC,225446,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E");
    CHECK_EQ(nmea_sentence(s, n, &f), NMEA_RMC);
    for (size_t i = 1; i < n; i++) {       /* any byte changed (the checksum included) */
        char t[128];
        memcpy(t, s, n);
        t[i] ^= 0x01;
        int r = nmea_sentence(t, n, &f);
        CHECK(r == NMEA_E_CHECKSUM || r == NMEA_E_FORMAT);
    }
    CHECK_EQ(nmea_sentence(s, n - 3, &f), NMEA_E_CHECKSUM);     /* none */
    CHECK_EQ(nmea_sentence(s, n - 1, &f), NMEA_E_CHECKSUM);     /* one digit */
    s[n - 1] = (char)(s[n - 1] | 0x20);                         /* lower-case hex */
    CHECK(nmea_sentence(s, n, &f) < 0 || s[n - 1] < 'a');
    CHECK_EQ(nmea_sentence("$", 1, &f), NMEA_E_CHECKSUM);
    CHECK_EQ(nmea_sentence("", 0, &f), NMEA_E_CHECKSUM);
    CHECK_EQ(nmea_sentence("$*00", 4, &f), NMEA_E_FORMAT);
}

TEST(nmea_stream)
{
    nmea_t p;
    nmea_fix_t f = {0, 0, 0, 0, 0, 0};
    char a[128], b[128], stream[1024];
    size_t na = with_sum(a, "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,");
    size_t nb = with_sum(b, "GPRMC,123520,A,4807.040,N,01131.002,E,0,0,230394,,");
    size_t n = (size_t)snprintf(stream, sizeof stream, "garbage\r\n%s\r\n$GPGGA,cut\r\n%s\n%s\r\n",
                                a, b, a);
    (void)na, (void)nb;
    /* fed whole, and one byte at a time: the same fixes and counts */
    for (int way = 0; way < 2; way++) {
        nmea_init(&p);
        int got = 0;
        if (way == 0)
            got = nmea_feed(&p, (const uint8_t *)stream, n, &f);
        else
            for (size_t i = 0; i < n; i++)
                got += nmea_feed(&p, (const uint8_t *)stream + i, 1, &f);
        CHECK_EQ(got, 3);
        CHECK_EQ(p.fixes, 3);
        CHECK_EQ(p.bad_checksum, 1);    /* the cut sentence */
        CHECK_EQ(p.noise, 7);
        CHECK_EQ(f.kind, NMEA_GGA);     /* the newest */
    }
    /* a sentence interrupted by the next '$' is counted and dropped */
    nmea_init(&p);
    char c[300];
    n = (size_t)snprintf(c, sizeof c, "$GPGGA,1235%s\r\n", a);
    CHECK_EQ(nmea_feed(&p, (const uint8_t *)c, n, &f), 1);
    CHECK_EQ(p.bad_checksum, 1);
}

TEST(nmea_flood)
{
    nmea_t p;
    nmea_fix_t f;
    nmea_init(&p);
    /* 1 MiB without a line end: one sentence too long, nothing kept past
     * NMEA_MAX, and the next good sentence still parses */
    static uint8_t big[1 << 20];
    memset(big, 'A', sizeof big);
    big[0] = '$';
    CHECK_EQ(nmea_feed(&p, big, sizeof big, &f), 0);
    CHECK_EQ(p.too_long, 1);
    CHECK(p.len <= NMEA_MAX);
    char a[128];
    size_t na = with_sum(a, "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,");
    CHECK_EQ(nmea_feed(&p, (const uint8_t *)"\n", 1, &f), 0);
    CHECK_EQ(nmea_feed(&p, (const uint8_t *)a, na, &f), 0);
    CHECK_EQ(nmea_feed(&p, (const uint8_t *)"\r\n", 2, &f), 1);
    CHECK_EQ(f.lat_e7, 481173000);
    /* random bytes: no crash, counts add up to what was seen */
    srand(7);
    for (int i = 0; i < (int)sizeof big; i++)
        big[i] = (uint8_t)(rand() % 8 == 0 ? "$,*\r\n0A."[rand() % 8] : rand());
    nmea_init(&p);
    nmea_feed(&p, big, sizeof big, &f);
    CHECK(p.len <= NMEA_MAX);
    CHECK(p.bad_checksum + p.bad_format + p.too_long + p.noise > 0);
}
