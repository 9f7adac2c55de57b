/*
 * Scenario "call": two domains calling each other through endpoints. This
 * domain calls callee.add; its handler calls back into this domain through
 * call.back before returning, so each direction crosses once.
 */
#include "scn.h"

static int64_t backs;

/* call.back: what callee.add asks of us. */
ATH_EXPORT("back") int64_t back(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a1, (void)a2, (void)a3;
    backs++;
    return a0 * 10;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t ep = ath_cap_find("callee.add");
    int64_t r = 0;
    int32_t e;
    if (ep < 0)
        return scn_fail("call", "callee.add not granted", ep);
    /* add(1, 2, 3, 4) = back(10) + 1 = 101 */
    if ((e = ath_call(ep, 1, 2, 3, 4, &r)) != 0)
        return scn_fail("call", "call -> callee.add", e);
    if (r != 101 || backs != 1)
        return scn_fail("call", "callee.add(1,2,3,4) via call.back should be 101", r);
    if ((e = ath_call(ep, 5, 5, 5, 5, &r)) != 0 || r != 201 || backs != 2)
        return scn_fail("call", "second round trip", e ? e : r);
    return scn_ok("call");
}
