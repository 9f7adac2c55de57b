/*
 * Scenario "vrng": the virtio-rng driver written in Rust (user/drivers/vrng)
 * reads the machine's second entropy device rng1, which the boot test feeds
 * a file of the 16 bytes "AZOTH-RNG-BYTES!" repeated. Two reads of 64 bytes
 * and one of a page into a buffer lent writable must each be a run of that
 * pattern (the device's bytes, not ours); hostile requests (a bad length, a
 * read-only lend, a3 naming no buffer) get their error codes and the driver
 * answers after them. On a machine without rng1 (the hosted port) the
 * driver is never started: the scenario says so and passes; the boot test
 * requires "scenario vrng: ok" on the QEMU machines, which have the device.
 */
#include "scn.h"

#define NAME "vrng"

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static const char pat[] = "AZOTH-RNG-BYTES!";

/* Are the first n bytes of the buffer (mapped over page) a run of pat? */
static int is_pattern(ath_handle_t buf, int n)
{
    if (ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return 0;
    int k = 0;
    while (k < 16 && page[0] != (uint8_t)pat[k])
        k++;
    int ok = k < 16;
    for (int i = 0; ok && i < n; i++)
        ok = page[i] == (uint8_t)pat[(i + k) % 16];
    for (int i = 0; i < n; i++)
        page[i] = 0;        /* the next read must write them again */
    ath_buf_unmap(buf);
    return ok;
}

static int64_t lend(ath_handle_t ep, ath_handle_t buf, uint32_t rights, int64_t len)
{
    int64_t r = 0;
    int32_t e = ath_call_lend(ep, buf, rights, len, 0, 0, &r);
    return e ? e : r;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    const uint32_t RW = ATH_R_READ | ATH_R_WRITE;
    ath_handle_t ep = ath_cap_find("vrng.read"), buf = ath_buf_new(1);
    ath_handle_t tick = ath_cap_find("vrng.tick");
    int64_t r;
    if (ep < 0 || tick < 0 || buf < 0)
        return scn_fail(NAME, "vrng.read, vrng.tick not granted, or buf_new",
                        ep < 0 ? ep : tick < 0 ? tick : buf);
    /* The driver sets the device up on its own thread: wait up to 2 s. */
    for (int i = 0; i < 200 && (r = lend(ep, buf, RW, 64)) == ATH_ESTOPPED; i++)
        ath_wait(tick, 10 * SCN_MS);
    if (r == ATH_ESTOPPED) {
        ath_print("scenario vrng: skipped (no entropy device rng1 on this machine)\n");
        return 0;
    }
    if (r != 64 || !is_pattern(buf, 64))
        return scn_fail(NAME, "first read: 64 bytes of the device's pattern", r);
    if ((r = lend(ep, buf, RW, 64)) != 64 || !is_pattern(buf, 64))
        return scn_fail(NAME, "second read: 64 bytes of the device's pattern", r);
    if ((r = lend(ep, buf, RW, 0)) != ATH_EINVAL || (r = lend(ep, buf, RW, 4097)) != ATH_EINVAL)
        return scn_fail(NAME, "a bad length should give EINVAL", r);
    if ((r = lend(ep, buf, ATH_R_READ, 16)) != ATH_ERIGHTS)
        return scn_fail(NAME, "a read-only lend should give ERIGHTS", r);
    int64_t out = 0;
    int32_t e = ath_call(ep, 16, 0, 0, 1, &out);
    if (e != 0 || out >= 0)
        return scn_fail(NAME, "a3 naming no buffer should be refused", e ? e : out);
    if ((r = lend(ep, buf, RW, 4096)) != 4096 || !is_pattern(buf, 4096))
        return scn_fail(NAME, "a full page of the pattern after the bad requests", r);
    ath_cap_drop(buf);
    return scn_ok(NAME);
}
