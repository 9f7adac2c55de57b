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

/* 8 bytes a step once the destination is aligned; when the source is not
 * aligned with it (a frame's bytes 7 off, after a 15-byte header), each
 * aligned word of the source is loaded once and the two words holding
 * the next 8 bytes are shifted together (little endian, as every port
 * is). A byte at a time it cost 6 instructions a byte, which a driver
 * copying a camera's frames paid at its priority (docs/privacy.md,
 * bench-privacy). The first load may take up to 7 bytes before s and no
 * load goes past s + n: the same 8-byte word, so the same page. Copying
 * forward, it may serve memmove when d < s: no store reaches a word of
 * the source not loaded yet. */
NO_BUILTIN void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    while (n && ((uintptr_t)dp & 7))
        *dp++ = *sp++, n--;
    uintptr_t off = (uintptr_t)sp & 7;
    if (off == 0) {
        for (; n >= 8; n -= 8, dp += 8, sp += 8)
            *(uint64_t *)dp = *(const uint64_t *)sp;
    } else if (n >= 16) {
        const uint64_t *ws = (const uint64_t *)(sp - off);
        unsigned lo = (unsigned)off * 8, hi = 64 - lo;
        uint64_t w = *ws++;
        for (; n >= 16; n -= 8, dp += 8, sp += 8) {
            uint64_t next = *ws++;
            *(uint64_t *)dp = w >> lo | next << hi;
            w = next;
        }
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
