/*
 * The server of scenario "lend_ro_write": write(v, ..., lent) maps a
 * buffer lent read-only and writes v into it, then spins until the kernel
 * stops the call; read(off, ..., lent) maps it and returns its byte at off.
 */
#include "scn.h"

static uint8_t lentpg[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

ATH_EXPORT("write") int64_t write_lent(int64_t v, int64_t a1, int64_t a2, int64_t lent)
{
    (void)a1, (void)a2;
    if (ath_buf_map((ath_handle_t)lent, (uint32_t)(uintptr_t)lentpg) != 0)
        return -3;
    for (volatile uint64_t n = 0; n < (1ull << 40); n++)
        ((volatile uint8_t *)lentpg)[n & (ATH_PAGE - 1)] = (uint8_t)v;
    return 0;
}

ATH_EXPORT("read") int64_t read_lent(int64_t off, int64_t a1, int64_t a2, int64_t lent)
{
    (void)a1, (void)a2;
    if (ath_buf_map((ath_handle_t)lent, (uint32_t)(uintptr_t)lentpg) != 0)
        return -3;
    return ((volatile uint8_t *)lentpg)[off & (ATH_PAGE - 1)];
}
