/*
 * Scenario "rngget": a client of the entropy driver holding only rng.get.
 * The boot test feeds the device a file of "AZOTH-RNG-BYTES!" repeated, so
 * the bytes are known: 16 of them must be that pattern; bad requests (0 or
 * over a page, a buffer lent read-only, no buffer) are refused. Without
 * the device it reports the skip.
 *
 * Then it kills the driver (its control capability on vrng) and restarts
 * it: the restart puts vrng back at its post-init snapshot, before its
 * entry set the device up, so rng.get works again only because the
 * driver's thread runs the entry again (kernel/core/dev.c). The endpoint
 * handle was re-issued by the kill: it is looked up again.
 */
#include "scn.h"

#define NAME "rngget"
#define FAIL(why, v) scn_fail(NAME, why, v)

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t ep = ath_cap_find("rng.get"), tick = ath_cap_find("rngget.tick");
    ath_handle_t b = ath_buf_new(1);
    int64_t r = -1;
    int32_t e = -1;
    if (ep < 0 || tick < 0 || b < 0 || ath_buf_map(b, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : tick);
    for (int i = 0; i < 100; i++) {
        if ((e = ath_call_lend(ep, b, ATH_R_READ | ATH_R_WRITE, 16, 0, 0, &r)) == 0 &&
            r != ATH_ESTOPPED)
            break;
        ath_wait(tick, 50 * SCN_MS);
    }
    if (e != 0 || r == ATH_ESTOPPED) {
        ath_print("scenario " NAME ": ok (skipped: no entropy device rng0)\n");
        return 0;
    }
    static const char pat[] = "AZOTH-RNG-BYTES!";
    if (r != 16)
        return FAIL("16 bytes", r);
    for (int i = 0; i < 16; i++)
        if (page[i] != (uint8_t)pat[i])
            return FAIL("the device's bytes differ at", i);
    if ((e = ath_call_lend(ep, b, ATH_R_READ | ATH_R_WRITE, 0, 0, 0, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("0 bytes must be refused", e ? e : r);
    if ((e = ath_call_lend(ep, b, ATH_R_READ | ATH_R_WRITE, 4097, 0, 0, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("over a page must be refused", e ? e : r);
    if ((e = ath_call_lend(ep, b, ATH_R_READ, 16, 0, 0, &r)) != 0 || r != ATH_ERIGHTS)
        return FAIL("a buffer lent read-only must be refused", e ? e : r);
    ath_handle_t two = ath_buf_new(2);
    if (two < 0 || (e = ath_call_lend(ep, two, ATH_R_READ | ATH_R_WRITE, 16, 0, 0, &r)) != 0 || r != ATH_EMAPPED)
        return FAIL("a buffer over a page must be refused (it would cover the driver's data)", two < 0 ? two : e ? e : r);
    ath_cap_drop(two);
    if ((e = ath_call(ep, 16, 0, 0, 0, &r)) != 0 || r >= 0)
        return FAIL("no buffer must be refused", e ? e : r);
    if ((e = ath_call_lend(ep, b, ATH_R_READ | ATH_R_WRITE, 4096, 0, 0, &r)) != 0 || r != 4096)
        return FAIL("a whole page", e ? e : r);
    ath_handle_t drv = ath_cap_find("vrng");
    if (drv < 0)
        return FAIL("no control capability on vrng", drv);
    if ((e = ath_dom_kill(drv)) != 0)
        return FAIL("kill vrng", e);
    if ((e = ath_call_lend(ep, b, ATH_R_READ | ATH_R_WRITE, 16, 0, 0, &r)) == 0)
        return FAIL("a call into the killed driver must fail", r);
    for (int i = 0; i < 100 && (e = ath_dom_restart(drv)) == ATH_EBUSY; i++)
        ath_wait(tick, 20 * SCN_MS);    /* its entry run ends at its next safe point */
    if (e != 0)
        return FAIL("restart vrng", e);
    r = ATH_ESTOPPED;
    for (int i = 0; i < 100 && r == ATH_ESTOPPED; i++) {
        ath_wait(tick, 20 * SCN_MS);
        if ((ep = ath_cap_find("rng.get")) < 0)
            return FAIL("rng.get after the restart", ep);
        if ((e = ath_call_lend(ep, b, ATH_R_READ | ATH_R_WRITE, 16, 0, 0, &r)) != 0)
            return FAIL("a call after the restart", e);
    }
    if (r != 16)
        return FAIL("16 bytes after the restart (the entry ran again?)", r);
    int k = 0;
    while (k < 16 && (uint8_t)pat[k] != page[0])
        k++;
    for (int i = 0; i < 16; i++)
        if (k == 16 || page[i] != (uint8_t)pat[(k + i) % 16])
            return FAIL("the device's bytes after the restart differ at", i);
    return scn_ok(NAME);
}
