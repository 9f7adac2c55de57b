/*
 * NMEA 0183 for the GPS driver domain (docs/privacy.md): a byte stream in,
 * position fixes out. Only GGA and RMC sentences are read; every sentence
 * must carry its checksum (*HH). Pure code, no host calls: the same file
 * runs in the driver (wasm32) and in the host unit tests and fuzzer.
 *
 * Anything malformed is dropped and counted by reason; nothing a stream
 * sends can make the parser read or write outside its own state.
 */
#ifndef NMEA_H
#define NMEA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NMEA_MAX 82             /* a sentence's characters, '$' to the checksum, by the standard */

enum {
    NMEA_GGA = 1, NMEA_RMC = 2,                 /* a fix was read */
    NMEA_E_CHECKSUM = -1,                       /* no "*HH", or the wrong one */
    NMEA_E_FORMAT = -2,                         /* a field out of range or malformed */
    NMEA_E_LONG = -3,                           /* over NMEA_MAX characters */
    NMEA_E_OTHER = -4,                          /* a sentence type we do not read */
    NMEA_E_NOFIX = -5,                          /* well formed, but the receiver has no fix */
};

typedef struct nmea_fix {
    int32_t lat_e7, lon_e7;     /* degrees * 10^7, north and east positive */
    int32_t alt_dm;             /* altitude above mean sea level, decimetres (GGA; 0 from RMC) */
    uint32_t time_ms;           /* UTC time of day, milliseconds */
    uint8_t sats;               /* satellites in use (GGA; 0 from RMC) */
    uint8_t kind;               /* NMEA_GGA or NMEA_RMC */
} nmea_fix_t;

typedef struct nmea {
    char line[NMEA_MAX + 1];
    uint32_t len;
    bool in, skip;              /* inside a sentence; dropping one too long */
    /* counts, by outcome */
    uint32_t fixes, bad_checksum, bad_format, too_long, other, nofix, noise;
} nmea_t;

void nmea_init(nmea_t *p);
/* One sentence, '$' to the end of its checksum (no line ending), n bytes:
 * NMEA_GGA / NMEA_RMC with *fix filled, or a negative NMEA_E_*. */
int nmea_sentence(const char *s, size_t n, nmea_fix_t *fix);
/* Feeds n bytes of the stream. Each complete sentence is parsed; the
 * newest fix, if any, goes to *fix. Returns how many fixes were read. */
int nmea_feed(nmea_t *p, const uint8_t *bytes, size_t n, nmea_fix_t *fix);
/* A short name of an outcome, for logs. */
const char *nmea_reason(int e);

#endif
