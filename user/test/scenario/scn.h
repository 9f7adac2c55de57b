/*
 * What the scenario domains share (user/test/scenario/): the report
 * lines the boot test reads. A scenario's entry prints "scenario NAME: ok"
 * or "scenario NAME: FAILED: reason" and returns 0 when it passed.
 */
#ifndef SCN_H
#define SCN_H

#include <athanor.h>

#define SCN_MS 1000000ll

static inline int scn_ok(const char *name)
{
    ath_printf("scenario %s: ok\n", name);
    return 0;
}

/* why, then the value got (an error code is named too). */
static inline int scn_fail(const char *name, const char *why, int64_t got)
{
    int named = got < 0 && got >= ATH_ELIMIT;
    ath_printf("scenario %s: FAILED: %s (got %lld%s%s)\n", name, why, (long long)got, named ? ": " : "",
               named ? ath_strerror((int32_t)got) : "");
    return 1;
}

/* Calls endpoint ep; the error code, or 0 and *r its result. */
static inline int32_t scn_call(ath_handle_t ep, int64_t a0, int64_t a1, int64_t *r)
{
    return ath_call(ep, a0, a1, 0, 0, r);
}

#endif
