/*
 * Scenario "buffer": the ownership rules of buffers, with no copy.
 *  - moved: a buffer we map and fill is sent (with its capability) to
 *    bufpeer; our handle then fails and its pages leave our memory; bufpeer
 *    maps it and sees what we wrote.
 *  - lent read-only to two readers: "shared" (the manifest's buffer, ours)
 *    is mapped read-only by reader1 and reader2 at once; both see what we
 *    write, and neither holds a write right.
 *  - lent writable to one for a call: bufpeer.fill maps the lent buffer and
 *    writes it; we see the bytes; after the call its handle fails and the
 *    pages are gone from its memory (bufpeer.check).
 */
#include "scn.h"

static uint8_t mine[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t shared[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t lent[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

#define OFF(p) ((uint32_t)(uintptr_t)(p))
#define FAIL(why, v) scn_fail("buffer", why, v)

static int moved(void)
{
    ath_handle_t b = ath_buf_new(1), ch = ath_cap_find("bufpeer.in"), take = ath_cap_find("bufpeer.take");
    int64_t r;
    int32_t e;
    if (b < 0 || ch < 0 || take < 0)
        return FAIL("move: no buffer or no bufpeer capabilities", b < 0 ? b : ch < 0 ? ch : take);
    if ((e = ath_buf_map(b, OFF(mine))) != 0)
        return FAIL("move: map", e);
    for (int i = 0; i < ATH_PAGE; i++)
        ((volatile uint8_t *)mine)[i] = (uint8_t)(i * 7);
    if ((e = ath_send(ch, "move", 4, b)) != 0)
        return FAIL("move: send with the buffer", e);
    if ((e = ath_buf_map(b, OFF(mine))) >= 0)
        return FAIL("move: the sender's handle still maps", e);
    if (((volatile uint8_t *)mine)[1] == 7)
        return FAIL("move: the pages are still in the sender's memory", 7);
    if ((e = scn_call(take, 0, 0, &r)) != 0 || r != 1)
        return FAIL("move: bufpeer did not see our bytes", e ? e : r);
    return 0;
}

static int shared_ro(void)
{
    ath_handle_t s = ath_cap_find("shared"), r1 = ath_cap_find("reader1.shared"),
                 r2 = ath_cap_find("reader2.shared");
    int64_t r;
    int32_t e;
    if (s < 0 || r1 < 0 || r2 < 0)
        return FAIL("shared: capabilities missing", s < 0 ? s : r1 < 0 ? r1 : r2);
    if ((e = ath_buf_map(s, OFF(shared))) != 0)
        return FAIL("shared: map", e);
    for (int round = 1; round <= 2; round++) {
        ((volatile uint8_t *)shared)[100] = (uint8_t)(40 + round);
        if ((e = scn_call(r1, 100, 0, &r)) != 0 || r != 40 + round)
            return FAIL("shared: reader1 does not see our byte", e ? e : r);
        if ((e = scn_call(r2, 100, 0, &r)) != 0 || r != 40 + round)
            return FAIL("shared: reader2 does not see our byte", e ? e : r);
    }
    return 0;
}

static int lent_rw(void)
{
    ath_handle_t b = ath_buf_new(1), fill = ath_cap_find("bufpeer.fill"),
                 check = ath_cap_find("bufpeer.check"), peek = ath_cap_find("reader1.peek");
    int64_t r;
    int32_t e;
    if (b < 0 || fill < 0 || check < 0 || peek < 0)
        return FAIL("lend: capabilities missing", b);
    if ((e = ath_buf_map(b, OFF(lent))) != 0)
        return FAIL("lend: map", e);
    ((volatile uint8_t *)lent)[5] = 9;
    if ((e = ath_call_lend(peek, b, ATH_R_READ, 5, 0, 0, &r)) != 0 || r != 9)
        return FAIL("lend: read-only lend to reader1", e ? e : r);
    if ((e = ath_call_lend(fill, b, ATH_R_READ | ATH_R_WRITE, 77, 0, 0, &r)) != 0 || r != 0)
        return FAIL("lend: writable lend to bufpeer", e ? e : r);
    if (((volatile uint8_t *)lent)[0] != 77 || ((volatile uint8_t *)lent)[4095] != 77)
        return FAIL("lend: the borrower's writes are not in our buffer", lent[0]);
    if ((e = scn_call(check, 0, 0, &r)) != 0 || r != 0)
        return FAIL("lend: the lend outlived the call (bufpeer.check)", e ? e : r);
    return 0;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    if (moved() || shared_ro() || lent_rw())
        return 1;
    return scn_ok("buffer");
}
