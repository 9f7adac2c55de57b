/*
 * The server side of scenarios "call" and "lease": callee.add calls back
 * into the caller's domain (endpoint call.back) and adds one to what it
 * says; callee.echo returns its argument plus one.
 */
#include "scn.h"

ATH_EXPORT("add") int64_t add(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    ath_handle_t back = ath_cap_find("call.back");
    int64_t r = -1;
    if (back < 0 || ath_call(back, a0 + a1 + a2 + a3, 0, 0, 0, &r) != 0)
        return -1;
    return r + 1;
}

ATH_EXPORT("echo") int64_t echo(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a1, (void)a2, (void)a3;
    return a0 + 1;
}
