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
 *
 * With the ARG "killvblk" the same module is scenario "fskill": no piece
 * is marked; instead the test kernel's harness (kernel/test/scenario.c)
 * kills the block driver from a thread of its own whenever a request is
 * in flight in it (twice, restarting it 150 ms later each time), the
 * `kill vblk` a shell would type while the program writes. The client
 * sees I/O errors, retries, and the file must come out whole.
 */
#include "scn.h"

#include <fsproto.h>
#include <stdbool.h>

static const char *NAME = "fscrash";
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

static int64_t mult = 7;     /* fskill: 11 (its file tells apart from fscrash's) */

static uint8_t pat(int64_t piece, int64_t i) { return (uint8_t)(piece * mult + i * 3 + i / 509); }

static void fill(int64_t piece, bool mark)
{
    for (int64_t i = 0; i < ATH_PAGE; i++)
        page[i] = pat(piece, i);
    static const char m[16] = "AZOTH-CRASH-ME!!";
    for (int i = 0; mark && i < 16; i++)
        page[i] = (uint8_t)m[i];
}

/* Is word w among our ARG words? */
static bool arg_word(const char *w)
{
    char a[128];
    int32_t n = ath_args(a, sizeof a);
    int32_t wl = 0;
    while (w[wl])
        wl++;
    for (int32_t i = 0; i < n && i < (int32_t)sizeof a;) {
        int32_t st = i;
        while (i < n && i < (int32_t)sizeof a && a[i] != ' ')
            i++;
        bool same = i - st == wl;
        for (int32_t k = 0; same && k < wl; k++)
            same = a[st + k] == w[k];
        if (same)
            return true;
        while (i < n && i < (int32_t)sizeof a && a[i] == ' ')
            i++;
    }
    return false;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    bool killed = arg_word("killvblk");
    if (killed)
        NAME = "fskill", mult = 11;
    ath_handle_t tick = ath_cap_find(killed ? "fskill.tick" : "fscrash.tick");
    ep = ath_cap_find("fs.root");
    buf = ath_buf_new(1);
    int64_t r = -1;
    if (ep < 0 || tick < 0 || buf < 0 || ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : tick);
    const char *path = killed ? "kill.bin" : "crash.bin";
    int64_t plen = killed ? 8 : 9;
    for (int i = 0; i < 100; i++) {
        for (int k = 0; k < plen; k++)
            page[k] = (uint8_t)path[k];
        if ((r = call(FS_OPEN, 0, FS_LEN2(plen, FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE), 0)) > 0 ||
            r == FS_ENODEV)
            break;     /* the disk is up, or there is none */
        ath_wait(tick, 50 * SCN_MS);
    }
    if (r <= 0) {
        ath_printf("scenario %s: ok (skipped: no ext2 disk: %lld)\n", NAME, (long long)r);
        return 0;
    }
    int64_t h = r;
    int errors = 0, retries = 0;
    for (int64_t p = 0; p < PIECES; p++) {
        fill(p, !killed && p == CRASH_AT);
        r = call(FS_PWRITE, h, p * ATH_PAGE, ATH_PAGE);
        while (r != ATH_PAGE) {
            /* The driver died under us (or is being restarted): the
             * service kept the blocks; write the piece again, unmarked. */
            if (r != FS_EIO)
                return FAIL("a write failed other than with an I/O error", r);
            errors++;
            if (++retries > 250)
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
    ath_printf("scenario %s: %d I/O error(s) seen while the driver was restarted\n", NAME, errors);
    return scn_ok(NAME);
}
