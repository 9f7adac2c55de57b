/*
 * e2e.wasm: the end-to-end self-test module. The kernel calls each export
 * and compares the result with the value the same bytes give under any
 * other correct engine (Node's V8 gave the constants in selftest.c). It
 * needs no host call; it uses the C SDK's export macro like every module.
 */
#include <athanor.h>

static unsigned char sieve[20000];

/* Sum of the primes below n (n <= 20000), with a sieve in linear memory. */
ATH_EXPORT("prime_sum") long long prime_sum(int n)
{
    long long sum = 0;
    for (int i = 0; i < n; i++)
        sieve[i] = 1;
    for (int i = 2; i < n; i++) {
        if (!sieve[i])
            continue;
        sum += i;
        for (int j = i * 2; j < n; j += i)
            sieve[j] = 0;
    }
    return sum;
}

/* Float and double arithmetic, sqrt and conversions. */
ATH_EXPORT("basel") double basel(int n)
{
    double s = 0;
    float f = 0;
    for (int k = 1; k <= n; k++) {
        s += 1.0 / ((double)k * k);
        f += 1.0f / ((float)k * (float)k);
    }
    double pi = __builtin_sqrt(6.0 * s);
    float pf = __builtin_sqrtf(6.0f * f);
    return pi + (double)pf * 1e-9 + (double)(long long)(pi * 1e6);
}

/* Grows memory by two pages, writes the new pages, returns the old page
 * count plus a checksum of what was read back. */
ATH_EXPORT("grow") int grow(void)
{
    int old = (int)__builtin_wasm_memory_grow(0, 2);
    if (old < 0)
        return -1;
    volatile unsigned char *p = (unsigned char *)(old * 65536);
    int sum = 0;
    for (int i = 0; i < 2 * 65536; i += 4096)
        p[i] = (unsigned char)(i >> 12);
    for (int i = 0; i < 2 * 65536; i += 4096)
        sum += p[i];
    return old * 1000 + sum;
}

/* Integer division edge: traps (the kernel expects "integer divide by zero"). */
ATH_EXPORT("divide") int divide(int a, int b)
{
    return a / b;
}
