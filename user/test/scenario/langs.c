/*
 * Scenario "langs": fault containment for modules in other languages
 * (docs/languages.md). A Rust server that panics (lang/rspanic) and an
 * AssemblyScript server that aborts (lang/asabort) each fault only their
 * own domain: the caller gets ETRAP, a neighbour in the same language (the
 * rng driver, Rust; the timer driver, AssemblyScript) keeps answering, and
 * the faulted server is restarted from its snapshot (its call count back
 * to 0) and answers again.
 */
#include "scn.h"

static ath_handle_t tick;

/* Calls NAME (a0) until it answers, through a fresh handle after the
 * re-issue, for up to 2 s: 0 and *r, or the last error. */
static int32_t call_again(const char *name, int64_t a0, int64_t *r)
{
    int32_t e = ATH_ESTOPPED;
    for (int i = 0; i < 200; i++) {
        ath_handle_t ep = ath_cap_find(name);
        e = ep < 0 ? ep : ath_call(ep, a0, 0, 0, 0, r);
        if (e == 0)
            return 0;
        ath_wait(tick, 10 * SCN_MS);
    }
    return e;
}

/* One drill: srv's boom must trap, neighbour must answer, srv must come back. */
static int drill(const char *lang, const char *ok, const char *boom, const char *count,
                 int64_t boom_arg, const char *neighbour)
{
    ath_handle_t e_ok = ath_cap_find(ok), e_boom = ath_cap_find(boom), e_nb = ath_cap_find(neighbour);
    int64_t r = 0;
    int32_t e;
    if (e_ok < 0 || e_boom < 0 || e_nb < 0)
        return scn_fail("langs", lang, e_ok < 0 ? e_ok : e_boom < 0 ? e_boom : e_nb);
    if ((e = ath_call(e_ok, 41, 0, 0, 0, &r)) != 0 || r != 42)
        return scn_fail("langs", "ok before the fault", e ? e : r);
    if ((e = ath_call(e_boom, boom_arg, 0, 0, 0, &r)) != ATH_ETRAP)
        return scn_fail("langs", "a panic/abort should give ETRAP", e);
    if ((e = ath_call(e_nb, 0, 0, 0, 0, &r)) != 0 || r < 0)
        return scn_fail("langs", "the neighbour stopped answering", e ? e : r);
    if ((e = call_again(ok, 1, &r)) != 0 || r != 2)
        return scn_fail("langs", "not restarted after the fault", e ? e : r);
    if ((e = call_again(count, 0, &r)) != 0 || r != 1)
        return scn_fail("langs", "restarted without a reset (calls since the snapshot)", e ? e : r);
    ath_printf("scenario langs: %s fault contained, restarted\n", lang);
    return 0;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    if ((tick = ath_cap_find("langs.tick")) < 0)
        return scn_fail("langs", "langs.tick not granted", tick);
    if (drill("rust panic", "rspanic.ok", "rspanic.boom", "rspanic.count", 7, "rng.next") ||
        drill("assemblyscript abort", "asabort.ok", "asabort.boom", "asabort.count", 1, "timer.now"))
        return 1;
    return scn_ok("langs");
}
