/* sort: quicksort (median of three, insertion sort for small runs) of
 * PRNG integers, repeated over fresh arrays. Integer compare/swap heavy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N      400000
#define ROUNDS 7

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

static void isort(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void swap(int32_t *a, int i, int j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; }

static void qsort_i(int32_t *a, int n)
{
    while (n > 16) {
        int m = n / 2;
        if (a[m] < a[0]) swap(a, m, 0);
        if (a[n - 1] < a[0]) swap(a, n - 1, 0);
        if (a[n - 1] < a[m]) swap(a, n - 1, m);
        int32_t p = a[m];
        int i = 0, j = n - 1;
        for (;;) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i >= j) break;
            swap(a, i++, j--);
        }
        /* Recurse on the smaller side, loop on the larger: bounded depth. */
        if (j + 1 < n - j - 1) { qsort_i(a, j + 1); a += j + 1; n -= j + 1; }
        else { qsort_i(a + j + 1, n - j - 1); n = j + 1; }
    }
    isort(a, n);
}

int main(void)
{
    int32_t *a = malloc(N * sizeof *a);
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++) a[i] = (int32_t)next();
        qsort_i(a, N);
        for (int i = 1; i < N; i++)
            if (a[i - 1] > a[i]) { printf("sort: not sorted at %d\n", i); return 1; }
        for (int i = 0; i < N; i += 97) sum = sum * 31 + (uint32_t)a[i];
    }
    free(a);
    printf("sort %llu\n", (unsigned long long)sum);
    return 0;
}
