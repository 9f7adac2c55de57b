/*
 * A reader of scenario "buffer" (domains reader1 and reader2, the same
 * module): shared(off) maps the manifest's "shared" buffer read-only once
 * and returns its byte at off; peek(off, ..., lent) maps a buffer lent for
 * the call and returns its byte at off. A write right on either is a
 * failure (-2).
 */
#include "scn.h"

static uint8_t shared[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t peeked[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static int mapped;

static int writable(ath_handle_t h)
{
    int64_t info = ath_cap_info(h);
    return info < 0 || (info & ATH_R_WRITE);
}

ATH_EXPORT("shared") int64_t shared_at(int64_t off, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a1, (void)a2, (void)a3;
    ath_handle_t s = ath_cap_find("shared");
    if (s < 0 || writable(s))
        return -2;
    if (!mapped && ath_buf_map(s, (uint32_t)(uintptr_t)shared) != 0)
        return -3;
    mapped = 1;
    return ((volatile uint8_t *)shared)[off & (ATH_PAGE - 1)];
}

ATH_EXPORT("peek") int64_t peek(int64_t off, int64_t a1, int64_t a2, int64_t lent)
{
    (void)a1, (void)a2;
    if (writable((ath_handle_t)lent))
        return -2;
    if (ath_buf_map((ath_handle_t)lent, (uint32_t)(uintptr_t)peeked) != 0)
        return -3;
    return ((volatile uint8_t *)peeked)[off & (ATH_PAGE - 1)];
}
