/*
 * The few libc routines the compiler, the engine and the kernel need.
 * Written plainly: the compiler turns the byte loops into something
 * reasonable at -O2, and these are not on any hot path that matters yet.
 */
#include <kern/kernel.h>

#include "core.h"

/* The compiler recognises these loops as memcpy/memset and would call
 * ourselves recursively; the attribute stops that. */
#define NO_BUILTIN __attribute__((no_builtin))

NO_BUILTIN void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
        for (; n >= 8; n -= 8, dp += 8, sp += 8)
            *(uint64_t *)dp = *(const uint64_t *)sp;
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

NO_BUILTIN void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp == sp || n == 0)
        return d;
    if (dp < sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

NO_BUILTIN void *memset(void *d, int c, size_t n)
{
    unsigned char *dp = d;
    if (((uintptr_t)dp & 7) == 0) {
        uint64_t w = (unsigned char)c * 0x0101010101010101ull;
        for (; n >= 8; n -= 8, dp += 8)
            *(uint64_t *)dp = w;
    }
    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strncmp_k(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
        if (!a[i])
            return 0;
    }
    return 0;
}

/* True when word appears in s as a whole space-separated token. */
bool str_has_word(const char *s, const char *word)
{
    size_t wl = strlen(word);
    while (s && *s) {
        while (*s == ' ')
            s++;
        size_t l = 0;
        while (s[l] && s[l] != ' ')
            l++;
        if (l == wl && strncmp_k(s, word, wl) == 0)
            return true;
        s += l;
    }
    return false;
}
