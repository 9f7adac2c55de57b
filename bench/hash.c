/* hash: FNV-1a over a buffer, plus an open-addressing hash table
 * (linear probing, multiplicative hash) with inserts and lookups.
 * Integer multiply and memory heavy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BUF    (1 << 20)
#define PASSES 60
#define SLOTS  (1 << 20)
#define KEYS   600000
#define LOOKUP_ROUNDS 6

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

static uint64_t mix(uint64_t k) { return (k * 0x9E3779B97F4A7C15ull) >> 44; }

static void insert(uint64_t *keys, uint32_t *vals, uint64_t k, uint32_t v)
{
    uint32_t i = (uint32_t)mix(k) & (SLOTS - 1);
    while (keys[i] != 0 && keys[i] != k) i = (i + 1) & (SLOTS - 1);
    keys[i] = k;
    vals[i] = v;
}

static uint32_t lookup(const uint64_t *keys, const uint32_t *vals, uint64_t k)
{
    uint32_t i = (uint32_t)mix(k) & (SLOTS - 1);
    while (keys[i] != 0) {
        if (keys[i] == k) return vals[i];
        i = (i + 1) & (SLOTS - 1);
    }
    return 0;
}

int main(void)
{
    uint8_t *buf = malloc(BUF);
    uint32_t x = 7;
    for (int i = 0; i < BUF; i++) { x = x * 1103515245u + 12345u; buf[i] = (uint8_t)(x >> 16); }
    uint32_t h = 0;
    for (int p = 0; p < PASSES; p++) { buf[p] ^= (uint8_t)h; h ^= fnv1a(buf, BUF); }

    uint64_t *keys = calloc(SLOTS, sizeof *keys);
    uint32_t *vals = calloc(SLOTS, sizeof *vals);
    uint64_t k = 1;
    for (uint32_t i = 0; i < KEYS; i++) { k = k * 6364136223846793005ull + 1442695040888963407ull; insert(keys, vals, k | 1, i); }
    uint64_t sum = 0;
    for (int r = 0; r < LOOKUP_ROUNDS; r++) {
        k = 1;
        for (uint32_t i = 0; i < KEYS; i++) {
            k = k * 6364136223846793005ull + 1442695040888963407ull;
            sum += lookup(keys, vals, k | 1) + lookup(keys, vals, k + 2 * (uint64_t)r + 2);
        }
    }
    printf("hash %08x %llu\n", (unsigned)h, (unsigned long long)sum);
    free(buf); free(keys); free(vals);
    return 0;
}
