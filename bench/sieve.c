/* sieve: sieve of Eratosthenes over a byte array, repeated, counting
 * primes and summing a few. Memory store and branch heavy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT  8000000
#define ROUNDS 13

int main(void)
{
    uint8_t *comp = malloc(LIMIT + 1);
    uint64_t total = 0, sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        memset(comp, 0, LIMIT + 1);
        uint32_t lim = LIMIT - (uint32_t)r * 1000;
        for (uint32_t i = 2; (uint64_t)i * i <= lim; i++)
            if (!comp[i])
                for (uint32_t j = i * i; j <= lim; j += i) comp[j] = 1;
        for (uint32_t i = 2; i <= lim; i++)
            if (!comp[i]) { total++; sum += i & 0xff; }
    }
    printf("sieve %llu %llu\n", (unsigned long long)total, (unsigned long long)sum);
    free(comp);
    return 0;
}
