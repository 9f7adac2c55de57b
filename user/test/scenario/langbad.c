/*
 * Scenario "lang_hostile": hostile input to the product components in
 * other languages (docs/languages.md). Each bad call gets its error code,
 * never a trap, and each component answers correctly afterwards:
 *   rng (Rust):     fill with a bad length, a read-only lend, a3 naming no
 *                   buffer (a plain call), a 17-page buffer (larger than
 *                   its room: must not be mapped over its memory);
 *   zero (WAT):     a bad length, a read-only lend, a 17-page buffer;
 *   log (Rust):     a bad length, a 17-page buffer;
 *   sysmon (AS):    a read-only lend, a bad length, a3 naming no buffer.
 */
#include "scn.h"

#define NAME "lang_hostile"

static int64_t lend(const char *ep, ath_handle_t buf, uint32_t rights, int64_t a0)
{
    ath_handle_t h = ath_cap_find(ep);
    int64_t r = 0;
    int32_t e = h < 0 ? h : ath_call_lend(h, buf, rights, a0, 0, 0, &r);
    return e ? e : r;
}

static int64_t call(const char *ep, int64_t a0, int64_t a3)
{
    ath_handle_t h = ath_cap_find(ep);
    int64_t r = 0;
    int32_t e = h < 0 ? h : ath_call(h, a0, 0, 0, a3, &r);
    return e ? e : r;
}

static const char *failed;
static int64_t got;

static void expect(const char *what, int64_t r, int64_t want)
{
    if (!failed && r != want)
        failed = what, got = r;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    const uint32_t RW = ATH_R_READ | ATH_R_WRITE;
    ath_handle_t small = ath_buf_new(1), big = ath_buf_new(17);
    if (small < 0 || big < 0)
        return scn_fail(NAME, "buf_new", small < 0 ? small : big);
    expect("rng.fill len 4097", lend("rng.fill", small, RW, 4097), ATH_EINVAL);
    expect("rng.fill len -1", lend("rng.fill", small, RW, -1), ATH_EINVAL);
    expect("rng.fill read-only", lend("rng.fill", small, ATH_R_READ, 16), ATH_ERIGHTS);
    expect("rng.fill 17 pages", lend("rng.fill", big, RW, 16), ATH_EMAPPED);
    for (int64_t h = 0; h < 8; h++) {
        int64_t r = call("rng.fill", 16, h);
        expect("rng.fill, a3 not a lent buffer", r < 0 && r != ATH_ETRAP, 1);
    }
    expect("rng.fill after all that", lend("rng.fill", small, RW, 4096), 4096);
    expect("rng.next after all that", call("rng.next", 0, 0) >= 0, 1);

    expect("zero.fill len 65537", lend("zero.fill", small, RW, 65537), ATH_EINVAL);
    expect("zero.fill read-only", lend("zero.fill", small, ATH_R_READ, 16), ATH_ERIGHTS);
    expect("zero.fill 17 pages", lend("zero.fill", big, RW, 16), ATH_EMAPPED);
    expect("zero.fill, a3 not a buffer", call("zero.fill", 16, 1) < 0, 1);
    expect("zero.fill after all that", lend("zero.fill", small, RW, 4096), 4096);

    expect("log.write len 5000", lend("log.write", small, ATH_R_READ, 5000), ATH_EINVAL);
    expect("log.write 17 pages", lend("log.write", big, ATH_R_READ, 16), ATH_EMAPPED);
    expect("log.write, a3 not a buffer", call("log.write", 16, 1) < 0, 1);

    expect("sysmon.report read-only", lend("sysmon.report", small, ATH_R_READ, 4096), ATH_ERIGHTS);
    expect("sysmon.report len 4097", lend("sysmon.report", small, RW, 4097), ATH_EINVAL);
    expect("sysmon.report, a3 not a buffer", call("sysmon.report", 4096, 1) < 0, 1);
    expect("sysmon.report 17 pages", lend("sysmon.report", big, RW, 4096), ATH_EMAPPED);
    expect("sysmon.report after all that", lend("sysmon.report", small, RW, 4096) > 0, 1);
    expect("sysmon.faults", call("sysmon.faults", 0, 0) >= 0, 1);
    if (failed)
        return scn_fail(NAME, failed, got);
    return scn_ok(NAME);
}
