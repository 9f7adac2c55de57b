/*
 * Scenario "lease": a timed capability. We lease our callee.echo
 * capability for 50 ms, call through the lease, sleep past its end (on our
 * own channel), and the lease must fail with EEXPIRED while the capability
 * it came from still works.
 */
#include "scn.h"

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t ep = ath_cap_find("callee.echo"), tick = ath_cap_find("lease.tick");
    int64_t r = 0;
    int32_t e;
    if (ep < 0 || tick < 0)
        return scn_fail("lease", "callee.echo or lease.tick not granted", ep < 0 ? ep : tick);
    ath_handle_t l = ath_cap_lease(ep, ATH_R_CALL, 50 * SCN_MS);
    if (l < 0)
        return scn_fail("lease", "cap_lease", l);
    if ((e = scn_call(l, 41, 0, &r)) != 0 || r != 42)
        return scn_fail("lease", "a call through the lease before its end", e ? e : r);
    int64_t end = ath_uptime_ns() + 300 * SCN_MS;
    while (ath_uptime_ns() < end)
        ath_wait(tick, 100 * SCN_MS);
    if ((e = scn_call(l, 41, 0, &r)) != ATH_EEXPIRED)
        return scn_fail("lease", "a call through the lease after its end should give EEXPIRED", e);
    if ((e = scn_call(ep, 1, 0, &r)) != 0 || r != 2)
        return scn_fail("lease", "the capability the lease came from", e ? e : r);
    return scn_ok("lease");
}
