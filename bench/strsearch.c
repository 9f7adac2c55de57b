/* strsearch: find every occurrence of several patterns in a generated
 * text, once with a naive scan and once with Boyer-Moore-Horspool; the
 * two counts must agree. Byte load and branch heavy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT (6 << 20)

static const char *pats[] = {"abcab", "cabbage", "aaaab", "bacaba", "dacdcabadca", "ddd"};
#define NPATS (int)(sizeof pats / sizeof pats[0])

static uint32_t naive(const char *t, size_t n, const char *p, size_t m)
{
    uint32_t c = 0;
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m && t[i + j] == p[j]) j++;
        c += j == m;
    }
    return c;
}

static uint32_t horspool(const char *t, size_t n, const char *p, size_t m)
{
    size_t skip[256];
    for (int i = 0; i < 256; i++) skip[i] = m;
    for (size_t i = 0; i + 1 < m; i++) skip[(uint8_t)p[i]] = m - 1 - i;
    uint32_t c = 0;
    for (size_t i = 0; i + m <= n; i += skip[(uint8_t)t[i + m - 1]]) {
        size_t j = m;
        while (j > 0 && t[i + j - 1] == p[j - 1]) j--;
        c += j == 0;
    }
    return c;
}

int main(void)
{
    char *t = malloc(TEXT);
    uint32_t x = 99;
    /* Skewed alphabet of 4 letters so matches and near-misses are common. */
    for (int i = 0; i < TEXT; i++) {
        x = x * 1664525u + 1013904223u;
        uint32_t v = x >> 24;
        t[i] = v < 110 ? 'a' : v < 180 ? 'b' : v < 230 ? 'c' : 'd';
    }
    uint64_t sum = 0;
    for (int k = 0; k < NPATS; k++) {
        size_t m = strlen(pats[k]);
        uint32_t a = naive(t, TEXT, pats[k], m), b = horspool(t, TEXT, pats[k], m);
        if (a != b) { printf("strsearch: mismatch on %s: %u vs %u\n", pats[k], a, b); return 1; }
        sum = sum * 1000003 + a;
    }
    printf("strsearch %llu\n", (unsigned long long)sum);
    free(t);
    return 0;
}
