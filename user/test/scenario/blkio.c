/*
 * Scenario "blkio": a client of the block driver domain's endpoint blk.io
 * (docs/storage.md), holding only that endpoint. It waits for the driver
 * (its selftest runs first), asks the capacity, reads sector 0 (the boot
 * test's disk marker) into a buffer lent writable, writes two sectors and
 * reads them back, flushes, moves 16 sectors across a page boundary and
 * at an offset into the buffer (the device reads and writes the lent
 * pages themselves: zero-copy), and checks that bad requests are refused:
 * a count over 64 or of 0, more sectors than the buffer holds past the
 * offset, an offset not on a sector, a sector past the end or negative,
 * an unknown op, no buffer, a read into a buffer lent read-only (the
 * kernel refuses the driver the pages' addresses for the device to
 * write), a channel in place of a buffer. A 17-page buffer (more than a
 * driver could map in its window) is fine: nothing is mapped.
 * Then it kills the driver (calls fail), restarts it (its thread runs its
 * entry again and sets the device up; the flushed sectors read back) and
 * resets it.
 * Without a disk (blk0 absent: the driver never starts) it reports the
 * skip.
 */
#include "scn.h"

#define NAME "blkio"
#define FAIL(why, v) scn_fail(NAME, why, v)
#define BLK_ENODEV (-103)    /* the driver has no device (virtio_blk.c) */

static uint8_t page[2 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t big[17 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static int32_t io(ath_handle_t ep, ath_handle_t b, uint32_t rights, int64_t op, int64_t sector,
                  int64_t count, int64_t *r)
{
    if (b)
        return ath_call_lend(ep, b, rights, op, sector, count, r);
    return ath_call(ep, op, sector, count, 0, r);
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t ep = ath_cap_find("blk.io"), tick = ath_cap_find("blkio.tick");
    ath_handle_t b = ath_buf_new(2), small = ath_buf_new(1);
    int64_t r = -1, cap = -1;
    int32_t e;
    if (ep < 0 || tick < 0 || b < 0 || small < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : tick < 0 ? tick : b);
    /* Up to 5 s for the driver to finish its own checks; without a
     * device at all it says so at once (BLK_ENODEV). */
    for (int i = 0; i < 100; i++) {
        e = io(ep, 0, 0, 3, 0, 0, &cap);
        if (e == 0 && cap != ATH_ESTOPPED)
            break;
        ath_wait(tick, 50 * SCN_MS);
    }
    if (e != 0 || cap == ATH_ESTOPPED || cap == BLK_ENODEV) {
        ath_print("scenario " NAME ": ok (skipped: no disk blk0)\n");
        return 0;
    }
    if (cap < 16)
        return FAIL("capacity", cap);
    if ((e = ath_buf_map(b, (uint32_t)(uintptr_t)page)) != 0)
        return FAIL("map", e);
    volatile uint8_t *p = page;
    if ((e = io(ep, b, ATH_R_READ | ATH_R_WRITE, 0, 0, 1, &r)) != 0 || r != 0)
        return FAIL("read sector 0", e ? e : r);
    static const char mark[] = "AZOTH-TEST-DISK";
    for (int i = 0; mark[i]; i++)
        if (p[i] != (uint8_t)mark[i])
            return FAIL("sector 0 does not start with the marker at byte", i);
    /* Two sectors near the end (the driver's selftest owns the last). */
    int64_t at = cap - 4;
    for (int i = 0; i < 1024; i++)
        p[i] = (uint8_t)(i * 7 + 1);
    if ((e = io(ep, b, ATH_R_READ, 1, at, 2, &r)) != 0 || r != 0)
        return FAIL("write two sectors", e ? e : r);
    if ((e = io(ep, 0, 0, 2, 0, 0, &r)) != 0 || r != 0)
        return FAIL("flush", e ? e : r);
    for (int i = 0; i < 1024; i++)
        p[i] = 0;
    if ((e = io(ep, b, ATH_R_READ | ATH_R_WRITE, 0, at, 2, &r)) != 0 || r != 0)
        return FAIL("read back", e ? e : r);
    for (int i = 0; i < 1024; i++)
        if (p[i] != (uint8_t)(i * 7 + 1))
            return FAIL("read back differs at byte", i);
    /* 16 sectors from both pages, then read back at an offset: sector
     * at + 1 .. lands at byte 1536 of the buffer */
    for (int i = 0; i < 2 * ATH_PAGE; i++)
        p[i] = (uint8_t)(i * 13 + 5);
    int64_t at16 = cap - 40;
    if ((e = io(ep, b, ATH_R_READ, 1, at16, 16, &r)) != 0 || r != 0)
        return FAIL("write 16 sectors", e ? e : r);
    for (int i = 0; i < 2 * ATH_PAGE; i++)
        p[i] = 0;
    if ((e = io(ep, b, ATH_R_READ | ATH_R_WRITE, 0, at16 + 1, 13 | (int64_t)1536 << 32, &r)) != 0 || r != 0)
        return FAIL("read 13 sectors at an offset", e ? e : r);
    for (int i = 0; i < 2 * ATH_PAGE; i++) {
        uint8_t want = i < 1536 || i >= 1536 + 13 * 512 ? 0 : (uint8_t)((i - 1024) * 13 + 5);
        if (p[i] != want)
            return FAIL("the 13 sectors read at an offset differ at byte", i);
    }
    /* Bad requests. */
    uint32_t rw = ATH_R_READ | ATH_R_WRITE;
    if ((e = io(ep, b, rw, 0, 0, 65, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("a count over 64 must be refused", e ? e : r);
    if ((e = io(ep, b, rw, 0, 0, 0, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("a count of 0 must be refused", e ? e : r);
    if ((e = io(ep, b, rw, 0, 0, 17, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("17 sectors into a 2-page buffer must be refused", e ? e : r);
    if ((e = io(ep, b, rw, 0, 0, 2 | (int64_t)(2 * ATH_PAGE - 512) << 32, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("sectors past the buffer's end must be refused", e ? e : r);
    if ((e = io(ep, b, rw, 0, 0, 1 | (int64_t)100 << 32, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("an offset not on a sector must be refused", e ? e : r);
    if ((e = io(ep, b, rw, 0, cap - 1, 2, &r)) != 0 || r != -101)
        return FAIL("a read past the end must be refused", e ? e : r);
    if ((e = io(ep, b, rw, 0, -1, 1, &r)) != 0 || r != -101)
        return FAIL("a negative sector must be refused", e ? e : r);
    if ((e = io(ep, b, rw, 7, 0, 1, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("an unknown op must be refused", e ? e : r);
    if ((e = io(ep, 0, 0, 0, 0, 1, &r)) != 0 || r >= 0)
        return FAIL("a read without a buffer must fail", e ? e : r);
    if ((e = io(ep, small, ATH_R_READ, 0, 0, 8, &r)) != 0 || r != ATH_ERIGHTS)
        return FAIL("a read into a buffer lent read-only must be refused", e ? e : r);
    if ((e = io(ep, tick, ATH_R_READ, 1, at, 1, &r)) >= 0 && r >= 0)
        return FAIL("a channel lent as the buffer must be refused", e ? e : r);
    /* A 17-page buffer: the device writes its last page, nothing maps it. */
    ath_handle_t huge = ath_buf_new(17);
    if (huge < 0)
        return FAIL("buf_new(17)", huge);
    if ((e = io(ep, huge, rw, 0, 0, 1 | (int64_t)(16 * ATH_PAGE) << 32, &r)) != 0 || r != 0)
        return FAIL("a read into page 16 of a 17-page buffer", e ? e : r);
    if ((e = ath_buf_map(huge, (uint32_t)(uintptr_t)big)) != 0)
        return FAIL("map the 17-page buffer", e);
    for (int i = 0; mark[i]; i++)
        if (big[16 * ATH_PAGE + i] != (uint8_t)mark[i])
            return FAIL("page 16 of the big buffer lacks the marker at byte", i);
    ath_buf_unmap(huge);
    ath_cap_drop(huge);
    /* The driver still works after all that. */
    if ((e = io(ep, b, rw, 0, 0, 1, &r)) != 0 || r != 0 || p[0] != 'A')
        return FAIL("read sector 0 again", e ? e : r);
    /* Killed: calls fail; restarted: the device is set up again on the
     * next request (the kernel reset it when the DMA pages left the
     * driver) and the flushed bytes are still on the disk. */
    ath_handle_t drv = ath_cap_find("vblk");
    if (drv < 0)
        return FAIL("no control capability for vblk", drv);
    if ((e = ath_dom_kill(drv)) != 0)
        return FAIL("dom_kill", e);
    if ((e = io(ep, b, rw, 0, at, 2, &r)) == 0 && r >= 0)
        return FAIL("a call to the killed driver must fail", r);
    for (int i = 0; i < 100 && (e = ath_dom_restart(drv)) == ATH_EBUSY; i++)
        ath_wait(tick, 20 * SCN_MS);    /* its entry run ends at its next safe point */
    if (e != 0)
        return FAIL("dom_restart", e);
    if ((ep = ath_cap_find("blk.io")) < 0)
        return FAIL("blk.io not re-issued after the restart", ep);
    for (int i = 0; i < 1024; i++)
        p[i] = 0;
    /* Its thread runs _start again (set-up and selftest): until then
     * requests get ESTOPPED. */
    r = ATH_ESTOPPED;
    for (int i = 0; i < 250 && (e = io(ep, b, rw, 0, at, 2, &r)) == 0 && r == ATH_ESTOPPED; i++)
        ath_wait(tick, 20 * SCN_MS);
    if (e != 0 || r != 0)
        return FAIL("read after the restart", e ? e : r);
    for (int i = 0; i < 1024; i++)
        if (p[i] != (uint8_t)(i * 7 + 1))
            return FAIL("after the restart the flushed bytes differ at", i);
    /* a reset in between requests: the same again */
    if (ath_dom_reset(drv) < 0)
        return FAIL("dom_reset", 0);
    if ((ep = ath_cap_find("blk.io")) < 0)
        return FAIL("blk.io not re-issued after the reset", ep);
    p[0] = 0;
    r = ATH_ESTOPPED;
    for (int i = 0; i < 250 && (e = io(ep, b, rw, 0, 0, 1, &r)) == 0 && r == ATH_ESTOPPED; i++)
        ath_wait(tick, 20 * SCN_MS);    /* _start runs again */
    if (e != 0 || r != 0 || p[0] != 'A')
        return FAIL("read sector 0 after a reset", e ? e : r);
    return scn_ok(NAME);
}
