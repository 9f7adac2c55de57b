/*
 * Scenario "trap": the server (trapsrv) traps in the middle of a call. We
 * get ATH_ETRAP and keep running; the server still answers (restarted by
 * the kernel's supervision if its policy says so), its constant untouched.
 */
#include "scn.h"

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t ep = ath_cap_find("trapsrv.op");
    int64_t r = 0;
    int32_t e;
    if (ep < 0)
        return scn_fail("trap", "trapsrv.op not granted", ep);
    if ((e = scn_call(ep, 0, 0, &r)) != 0 || r != 1)
        return scn_fail("trap", "first count", e ? e : r);
    if ((e = scn_call(ep, 1, 0, &r)) != ATH_ETRAP)
        return scn_fail("trap", "a trapping handler should give ETRAP", e);
    /* The kernel faults only the server's domain and restarts it from its
     * post-init snapshot (docs/faults.md); handles to it are re-issued, so
     * the old one is stale and the name gives the new one. */
    e = scn_call(ep, 0, 0, &r);
    if (e != 0 && e != ATH_EREVOKED && e != ATH_ESTALE)
        return scn_fail("trap", "after the trap: the old handle", e);
    if (e != 0 && (ep = ath_cap_find("trapsrv.op")) < 0)
        return scn_fail("trap", "trapsrv.op not re-issued after the restart", ep);
    if ((e = scn_call(ep, 0, 0, &r)) != 0 || r < 1)
        return scn_fail("trap", "the server does not answer after the trap", e ? e : r);
    if ((e = scn_call(ep, 2, 0, &r)) != 0 || r != 1234)
        return scn_fail("trap", "the server's other state changed", e ? e : r);
    return scn_ok("trap");
}
