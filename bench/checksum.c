/* checksum: table-driven CRC-32 (reflected, poly 0xEDB88320) and
 * Adler-32 over a generated buffer, repeated. Table lookup, shift and
 * modulo heavy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BUF    (1 << 20)
#define PASSES 100

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t adler32(uint32_t adler, const uint8_t *p, size_t n)
{
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (n > 0) {
        /* 5552 is the largest run that cannot overflow b before the modulo. */
        size_t run = n < 5552 ? n : 5552;
        n -= run;
        while (run--) { a += *p++; b += a; }
        a %= 65521; b %= 65521;
    }
    return b << 16 | a;
}

int main(void)
{
    uint8_t *buf = malloc(BUF);
    uint32_t x = 1;
    for (int i = 0; i < BUF; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; buf[i] = (uint8_t)x; }
    crc_init();
    uint32_t c = 0, a = 1;
    for (int p = 0; p < PASSES; p++) {
        buf[p * 4099 % BUF] ^= (uint8_t)(c ^ a);
        c = crc32(c, buf, BUF);
        a = adler32(a, buf, BUF);
    }
    printf("checksum %08x %08x\n", (unsigned)c, (unsigned)a);
    free(buf);
    return 0;
}
