/* libathanor: small helpers over the athanor host calls (sdk/include/athanor.h). */
#include <athanor.h>

int32_t ath_strlen(const char *s)
{
    int32_t n = 0;
    while (s[n])
        n++;
    return n;
}

void ath_print(const char *s)
{
    ath_debug_print(s, ath_strlen(s));
}

void ath_print_int(int64_t v)
{
    char buf[24];
    int i = (int)sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do
        buf[--i] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        buf[--i] = '-';
    ath_debug_print(buf + i, (int32_t)sizeof buf - i);
}

ath_handle_t ath_cap_find(const char *name)
{
    return ath_cap_find_n(name, ath_strlen(name));
}

static const char *const errs[] = {
    "ok", "invalid argument", "stale handle", "revoked", "lease expired", "wrong type",
    "missing right", "table full", "out of memory", "no such entry", "busy",
    "bad pointer", "server trapped", "server stopped", "server busy", "timed out",
    "queue full", "queue empty", "message too long", "buffer lent or borrowed",
    "bad map place", "domain limit reached",
};

const char *ath_strerror(int32_t err)
{
    return err <= 0 && err >= ATH_ELIMIT ? errs[-err] : "unknown error";
}

int32_t ath_arch_name(char *buf, int32_t cap)
{
    int32_t n = ath_arch(buf, cap - 1);
    n = n < 0 ? 0 : n < cap - 1 ? n : cap - 1;
    buf[n] = 0;
    return n;
}

/* What the compiler emits calls to (struct copies, zeroed locals): built
 * with -fno-builtin, so these loops stay loops. */
void *memcpy(void *d, const void *s, __SIZE_TYPE__ n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    for (__SIZE_TYPE__ i = 0; i < n; i++)
        dp[i] = sp[i];
    return d;
}

void *memset(void *d, int c, __SIZE_TYPE__ n)
{
    uint8_t *dp = d;
    for (__SIZE_TYPE__ i = 0; i < n; i++)
        dp[i] = (uint8_t)c;
    return d;
}

/* The end of what the module's data and stack use (wasm-ld defines it). */
extern unsigned char __heap_base;

int32_t ath_lend_map(ath_handle_t buf, uint32_t max_pages, uint32_t *pages)
{
    uint32_t top = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    uint32_t want = max_pages * ATH_PAGE;
    if (max_pages == 0 || max_pages > 16 * 64)
        return ATH_EINVAL;
    /* a window of max_pages at the top of memory, above data and stack */
    while (top < want || top - want < (uint32_t)(uintptr_t)&__heap_base) {
        if (__builtin_wasm_memory_grow(0, 1) < 0)
            return ATH_ENOMEM;
        top += 65536u;
    }
    /* A buffer of n pages maps at top - k pages only when n <= k: the
     * smallest k that maps is n. Callers that want one size lend exactly
     * max_pages: one map that fails (one page short of room) and one that
     * holds settle that, with no search. */
    uint32_t lo = 1, hi = max_pages;
    int32_t e;
    if (max_pages > 1 && ath_buf_map(buf, top - (max_pages - 1) * ATH_PAGE) < 0) {
        if ((e = ath_buf_map(buf, top - want)) < 0)
            return e;           /* not a mappable buffer, or larger than the window */
        *pages = max_pages;
        return (int32_t)(top - want);
    }
    if (max_pages > 1)
        ath_buf_unmap(buf), hi = max_pages - 1;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (ath_buf_map(buf, top - mid * ATH_PAGE) == 0) {
            ath_buf_unmap(buf);
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if ((e = ath_buf_map(buf, top - lo * ATH_PAGE)) < 0)
        return e;
    *pages = lo;
    return (int32_t)(top - lo * ATH_PAGE);
}
