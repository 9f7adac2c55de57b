/*
 * Scenario "fscrash": the block driver dies in the middle of a write loop
 * (docs/storage.md). A client of the file service holding only fs.root
 * writes a 256 KiB file in 4 KiB pieces; piece CRASH_AT starts with the
 * mark that makes the test image's block driver (ARG crashtest) trap with
 * that write in flight on the device. The kernel resets the device and
 * restarts the driver; the file service keeps the unwritten blocks and
 * reports the I/O error; the client sees it, writes that piece again
 * (without the mark) and goes on. At the end it syncs and reads the whole
 * file back. The boot test then runs e2fsck -fn on the image (clean) and
 * checks the file's size with debugfs.
 */
#include "scn.h"

#include <fsproto.h>
#include <stdbool.h>

#define NAME "fscrash"
#define FAIL(why, v) scn_fail(NAME, why, v)
#define PIECES 64
#define CRASH_AT 20

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t ep, buf;

static int64_t call(int op, int64_t h, int64_t a1, int64_t a2)
{
    int64_t r = -1;
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h), a1, a2, &r);
    return e ? e : r;
}

static uint8_t pat(int64_t piece, int64_t i) { return (uint8_t)(piece * 7 + i * 3 + i / 509); }

static void fill(int64_t piece, bool mark)
{
    for (int64_t i = 0; i < ATH_PAGE; i++)
        page[i] = pat(piece, i);
    static const char m[16] = "AZOTH-CRASH-ME!!";
    for (int i = 0; mark && i < 16; i++)
        page[i] = (uint8_t)m[i];
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t tick = ath_cap_find("fscrash.tick");
    ep = ath_cap_find("fs.root");
    buf = ath_buf_new(1);
    int64_t r = -1;
    if (ep < 0 || tick < 0 || buf < 0 || ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : tick);
    static const char path[] = "crash.bin";
    for (int i = 0; i < 100; i++) {
        for (int k = 0; k < 9; k++)
            page[k] = (uint8_t)path[k];
        if ((r = call(FS_OPEN, 0, FS_LEN2(9, FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE), 0)) > 0)
            break;
        ath_wait(tick, 50 * SCN_MS);
    }
    if (r <= 0) {
        ath_print("scenario " NAME ": ok (skipped: no ext2 disk: ");
        ath_print_int(r);
        ath_print(")\n");
        return 0;
    }
    int64_t h = r;
    int errors = 0, retries = 0;
    for (int64_t p = 0; p < PIECES; p++) {
        fill(p, p == CRASH_AT);
        r = call(FS_PWRITE, h, p * ATH_PAGE, ATH_PAGE);
        while (r != ATH_PAGE) {
            /* The driver died under us (or is being restarted): the
             * service kept the blocks; write the piece again, unmarked. */
            if (r != FS_EIO)
                return FAIL("a write failed other than with an I/O error", r);
            errors++;
            if (++retries > 50)
                return FAIL("the driver did not come back", r);
            ath_wait(tick, 20 * SCN_MS);
            fill(p, false);
            r = call(FS_PWRITE, h, p * ATH_PAGE, ATH_PAGE);
        }
    }
    if (errors == 0)
        return FAIL("the driver's death was not seen (no I/O error)", 0);
    if ((r = call(FS_SYNC, 0, 0, 0)) != 0)
        return FAIL("sync after the restart", r);
    for (int64_t p = 0; p < PIECES; p++) {
        if ((r = call(FS_PREAD, h, p * ATH_PAGE, ATH_PAGE)) != ATH_PAGE)
            return FAIL("read back", r);
        for (int64_t i = 0; i < ATH_PAGE; i++)
            if (page[i] != pat(p, i))
                return FAIL("the file differs at byte", p * ATH_PAGE + i);
    }
    call(FS_CLOSE, h, 0, 0);
    ath_print("scenario " NAME ": ");
    ath_print_int(errors);
    ath_print(" I/O error(s) seen while the driver was restarted\n");
    return scn_ok(NAME);
}
