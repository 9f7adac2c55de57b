/* NMEA 0183 GGA and RMC sentences (nmea.h). */
#include "nmea.h"

#define MAX_FIELDS 24

typedef struct field {
    const char *p;
    uint32_t n;
} field_t;

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* n digits at p as a number (n <= 9). */
static bool digits(const char *p, uint32_t n, uint32_t *v)
{
    uint32_t x = 0;
    if (n == 0 || n > 9)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        x = x * 10 + (uint32_t)(p[i] - '0');
    }
    *v = x;
    return true;
}

/* The fraction after a '.' (at most 12 digits, all digits) scaled to
 * `places` decimal places, truncated. An empty fraction is 0. */
static bool fraction(const char *p, uint32_t n, uint32_t places, uint32_t *v)
{
    uint32_t x = 0;
    if (n > 12)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!is_digit(p[i]))
            return false;
    for (uint32_t i = 0; i < places; i++)
        x = x * 10 + (i < n ? (uint32_t)(p[i] - '0') : 0);
    *v = x;
    return true;
}

/* Splits f at its '.': whole part and fraction (fraction length 0 when
 * there is none). */
static void split_dot(field_t f, field_t *whole, field_t *frac)
{
    uint32_t i = 0;
    while (i < f.n && f.p[i] != '.')
        i++;
    whole->p = f.p, whole->n = i;
    frac->p = f.p + i + (i < f.n), frac->n = i < f.n ? f.n - i - 1 : 0;
}

/* hhmmss[.fff]: milliseconds of the day. */
static bool parse_time(field_t f, uint32_t *ms)
{
    field_t w, fr;
    uint32_t hh, mm, ss, frac;
    split_dot(f, &w, &fr);
    if (w.n != 6 || !digits(w.p, 2, &hh) || !digits(w.p + 2, 2, &mm) || !digits(w.p + 4, 2, &ss) ||
        hh > 23 || mm > 59 || ss > 60 || !fraction(fr.p, fr.n, 3, &frac))
        return false;
    *ms = ((hh * 60 + mm) * 60 + ss) * 1000 + frac;
    return true;
}

/* Latitude ddmm.mmmm (deg_digits 2) or longitude dddmm.mmmm (3) with its
 * hemisphere letter: degrees * 10^7. */
static bool parse_angle(field_t f, field_t hemi, uint32_t deg_digits, char pos, char neg,
                        int32_t *out)
{
    field_t w, fr;
    uint32_t deg, min, frac;
    split_dot(f, &w, &fr);
    if (w.n != deg_digits + 2 || !digits(w.p, deg_digits, &deg) || !digits(w.p + deg_digits, 2, &min) ||
        min > 59 || !fraction(fr.p, fr.n, 6, &frac) || hemi.n != 1 ||
        (hemi.p[0] != pos && hemi.p[0] != neg))
        return false;
    uint32_t limit = deg_digits == 2 ? 90 : 180;
    /* minutes in millionths: 60,000,000 per degree; 10^7 / 6e7 = 1/6 */
    uint64_t e7 = (uint64_t)deg * 10000000u + ((uint64_t)min * 1000000u + frac) / 6u;
    if (e7 > (uint64_t)limit * 10000000u)
        return false;
    *out = hemi.p[0] == neg ? -(int32_t)e7 : (int32_t)e7;
    return true;
}

/* [-]d+[.d*] metres, |x| < 100 km: decimetres. */
static bool parse_alt(field_t f, int32_t *dm)
{
    bool minus = f.n > 0 && f.p[0] == '-';
    field_t g = {f.p + minus, f.n - minus}, w, fr;
    uint32_t m, d;
    split_dot(g, &w, &fr);
    if (!digits(w.p, w.n, &m) || w.n > 6 || m >= 100000 || !fraction(fr.p, fr.n, 1, &d))
        return false;
    *dm = (int32_t)(m * 10 + d) * (minus ? -1 : 1);
    return true;
}

static bool field_is(field_t f, const char *s)
{
    uint32_t i = 0;
    for (; s[i]; i++)
        if (i >= f.n || f.p[i] != s[i])
            return false;
    return i == f.n;
}

int nmea_sentence(const char *s, size_t n, nmea_fix_t *fix)
{
    if (n > NMEA_MAX)
        return NMEA_E_LONG;
    /* "$" body "*HH": the checksum is the XOR of the body's bytes */
    if (n < 4 || s[0] != '$' || s[n - 3] != '*')
        return NMEA_E_CHECKSUM;
    int h1 = hexval(s[n - 2]), h0 = hexval(s[n - 1]);
    uint8_t sum = 0;
    for (size_t i = 1; i < n - 3; i++) {
        if (s[i] == '*' || s[i] == '$' || (uint8_t)s[i] < 0x20 || (uint8_t)s[i] > 0x7e)
            return NMEA_E_FORMAT;
        sum ^= (uint8_t)s[i];
    }
    if (h1 < 0 || h0 < 0 || sum != (uint8_t)(h1 << 4 | h0))
        return NMEA_E_CHECKSUM;
    field_t f[MAX_FIELDS];
    uint32_t nf = 0;
    const char *p = s + 1, *end = s + n - 3;
    for (;;) {
        const char *q = p;
        while (q < end && *q != ',')
            q++;
        if (nf == MAX_FIELDS)
            return NMEA_E_FORMAT;
        f[nf].p = p, f[nf].n = (uint32_t)(q - p), nf++;
        if (q == end)
            break;
        p = q + 1;
    }
    /* the address: a two-letter talker and the sentence type */
    if (f[0].n != 5 || f[0].p[0] < 'A' || f[0].p[0] > 'Z' || f[0].p[1] < 'A' || f[0].p[1] > 'Z')
        return NMEA_E_FORMAT;
    field_t type = {f[0].p + 2, 3};
    nmea_fix_t x = {0, 0, 0, 0, 0, 0};
    if (field_is(type, "GGA")) {
        /* GGA,time,lat,N,lon,E,quality,sats,hdop,alt,M,... */
        uint32_t q, sats = 0;
        if (nf < 11 || !digits(f[6].p, f[6].n, &q) || f[6].n != 1 || q > 8)
            return NMEA_E_FORMAT;
        if (q == 0)
            return NMEA_E_NOFIX;
        if (!parse_time(f[1], &x.time_ms) || !parse_angle(f[2], f[3], 2, 'N', 'S', &x.lat_e7) ||
            !parse_angle(f[4], f[5], 3, 'E', 'W', &x.lon_e7) ||
            (f[7].n && (f[7].n > 2 || !digits(f[7].p, f[7].n, &sats))) ||
            (f[9].n && !parse_alt(f[9], &x.alt_dm)) || (f[10].n && !field_is(f[10], "M")))
            return NMEA_E_FORMAT;
        x.sats = (uint8_t)sats;
        x.kind = NMEA_GGA;
    } else if (field_is(type, "RMC")) {
        /* RMC,time,status,lat,N,lon,E,speed,course,date,... */
        if (nf < 10 || f[2].n != 1 || (f[2].p[0] != 'A' && f[2].p[0] != 'V'))
            return NMEA_E_FORMAT;
        if (f[2].p[0] == 'V')
            return NMEA_E_NOFIX;
        if (!parse_time(f[1], &x.time_ms) || !parse_angle(f[3], f[4], 2, 'N', 'S', &x.lat_e7) ||
            !parse_angle(f[5], f[6], 3, 'E', 'W', &x.lon_e7))
            return NMEA_E_FORMAT;
        x.kind = NMEA_RMC;
    } else {
        return NMEA_E_OTHER;
    }
    *fix = x;
    return x.kind;
}

void nmea_init(nmea_t *p)
{
    nmea_t z = {{0}, 0, false, false, 0, 0, 0, 0, 0, 0, 0};
    *p = z;
}

static void count(nmea_t *p, int r)
{
    switch (r) {
    case NMEA_GGA: case NMEA_RMC: p->fixes++; break;
    case NMEA_E_CHECKSUM: p->bad_checksum++; break;
    case NMEA_E_LONG: p->too_long++; break;
    case NMEA_E_OTHER: p->other++; break;
    case NMEA_E_NOFIX: p->nofix++; break;
    default: p->bad_format++; break;
    }
}

int nmea_feed(nmea_t *p, const uint8_t *bytes, size_t n, nmea_fix_t *fix)
{
    int got = 0;
    for (size_t i = 0; i < n; i++) {
        char c = (char)bytes[i];
        if (c == '$') {             /* a new sentence starts, whatever came before */
            if (p->in && !p->skip)
                count(p, NMEA_E_CHECKSUM);      /* cut short: no end, no checksum */
            p->in = true, p->skip = false, p->len = 0;
        }
        if (!p->in) {
            if (c != '\r' && c != '\n')
                p->noise++;
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (!p->skip) {
                nmea_fix_t x;
                int r = nmea_sentence(p->line, p->len, &x);
                count(p, r);
                if (r > 0)
                    *fix = x, got++;
            }
            p->in = false, p->skip = false, p->len = 0;
            continue;
        }
        if (p->skip)
            continue;
        if (p->len == NMEA_MAX) {
            count(p, NMEA_E_LONG);
            p->skip = true;
            continue;
        }
        p->line[p->len++] = c;
    }
    return got;
}

const char *nmea_reason(int e)
{
    switch (e) {
    case NMEA_GGA: return "GGA";
    case NMEA_RMC: return "RMC";
    case NMEA_E_CHECKSUM: return "bad checksum";
    case NMEA_E_FORMAT: return "malformed field";
    case NMEA_E_LONG: return "sentence too long";
    case NMEA_E_OTHER: return "sentence type not read";
    case NMEA_E_NOFIX: return "no fix";
    default: return "?";
    }
}
