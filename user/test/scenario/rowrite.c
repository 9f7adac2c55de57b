/*
 * Scenario "lend_ro_write": a read-only lend is enforced in a call. We lend
 * a buffer read-only to rosrv, whose write(v, ..., lent) maps it and
 * stores v into it, then spins: the store must end the call with ATH_ETRAP
 * (the spin ends at its next safe point, even one taken for a
 * preemption), our bytes stay as they were, and a later read-only lend to
 * the restarted server (read(off, ..., lent)) works again.
 */
#include "scn.h"

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

#define FAIL(why, v) scn_fail("lend_ro_write", why, v)

/* The named endpoint, re-found when the server restart made h stale. */
static ath_handle_t refind(ath_handle_t h, const char *name)
{
    int64_t info = ath_cap_info(h);
    return info < 0 ? ath_cap_find(name) : h;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t b = ath_buf_new(1), wr = ath_cap_find("rosrv.write"), rd = ath_cap_find("rosrv.read");
    int64_t r = 0;
    int32_t e;
    if (b < 0 || wr < 0 || rd < 0)
        return FAIL("buffer or rosrv capabilities missing", b < 0 ? b : wr < 0 ? wr : rd);
    if ((e = ath_buf_map(b, (uint32_t)(uintptr_t)page)) != 0)
        return FAIL("map", e);
    for (int i = 0; i < ATH_PAGE; i++)
        ((volatile uint8_t *)page)[i] = (uint8_t)(i * 3);
    if ((e = ath_call_lend(wr, b, ATH_R_READ, 55, 0, 0, &r)) != ATH_ETRAP)
        return FAIL("a write to a read-only lend should give ETRAP", e ? e : r);
    for (int i = 0; i < ATH_PAGE; i++)
        if (((volatile uint8_t *)page)[i] != (uint8_t)(i * 3))
            return FAIL("the lender's bytes changed at", i);
    if ((rd = refind(rd, "rosrv.read")) < 0)
        return FAIL("rosrv.read not re-issued after the restart", rd);
    if ((e = ath_call_lend(rd, b, ATH_R_READ, 7, 0, 0, &r)) != 0 || r != 21)
        return FAIL("a later read-only lend", e ? e : r);
    return scn_ok("lend_ro_write");
}
