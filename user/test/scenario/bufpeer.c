/*
 * The peer of scenario "buffer": take() receives the buffer moved to it on
 * bufpeer.in and checks the sender's bytes; fill(v, ..., lent) maps a
 * buffer lent writable for the call and fills it with v; check() after
 * that call: the lent handle must fail and the pages be gone (0 if so).
 */
#include "scn.h"

static uint8_t got[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t filled[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t last_lent;

ATH_EXPORT("take") int64_t take(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    char msg[ATH_MSG_MAX];
    ath_handle_t b = 0;
    int32_t n = ath_recv(ath_cap_find("bufpeer.in"), msg, sizeof msg, &b, 0);
    if (n != 4 || b <= 0)
        return -2;
    if (ath_buf_map(b, (uint32_t)(uintptr_t)got) != 0)
        return -3;
    for (int i = 0; i < ATH_PAGE; i++)
        if (((volatile uint8_t *)got)[i] != (uint8_t)(i * 7))
            return -4;
    return 1;
}

ATH_EXPORT("fill") int64_t fill(int64_t v, int64_t a1, int64_t a2, int64_t lent)
{
    (void)a1, (void)a2;
    last_lent = (ath_handle_t)lent;
    if (ath_buf_map(last_lent, (uint32_t)(uintptr_t)filled) != 0)
        return -3;
    for (int i = 0; i < ATH_PAGE; i++)
        ((volatile uint8_t *)filled)[i] = (uint8_t)v;
    return 0;
}

ATH_EXPORT("check") int64_t check(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    if (ath_buf_map(last_lent, (uint32_t)(uintptr_t)filled) >= 0)
        return -5;
    if (((volatile uint8_t *)filled)[0] == 77)
        return -6;
    return 0;
}
