/*
 * Scenario "fsdir": a client holding only fs.docs, the file service's
 * directory endpoint for /docs of the boot test's disk (the fs domain's
 * ARG dir0=/docs, docs/storage.md). It reads below it (a file, a relative
 * link), and everything that would lead above fails with FS_EESCAPE:
 * "..", absolute paths, links it makes pointing out (relative and
 * absolute), a rename out, ".." from a handle it opened. Handles are the
 * endpoint's own: every other handle value (scenario fswrite leaves one
 * open on fs.root) is refused with FS_EBADF.
 */
#include "scn.h"

#include <fsproto.h>
#include <stdbool.h>

#define NAME "fsdir"
#define FAIL(why, v) scn_fail(NAME, why, v)

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t ep, buf;

static int64_t slen(const char *s)
{
    int64_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int64_t fsp(int op, int64_t h, const char *p1, const char *p2, uint32_t hi, int64_t a2)
{
    int64_t n1 = slen(p1), n2 = p2 ? slen(p2) : 0, r = -1;
    for (int64_t i = 0; i < n1; i++)
        page[i] = (uint8_t)p1[i];
    for (int64_t i = 0; i < n2; i++)
        page[n1 + i] = (uint8_t)p2[i];
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h), FS_LEN2(n1, p2 ? n2 : hi), a2, &r);
    return e ? e : r;
}

static bool same(const char *s, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (!s[i] || page[i] != (uint8_t)s[i])
            return false;
    return s[n] == 0;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t tick = ath_cap_find("fsdir.tick");
    ep = ath_cap_find("fs.docs");
    buf = ath_buf_new(1);
    int64_t r = -1;
    if (ath_cap_find("fs.root") >= 0)
        return FAIL("this scenario must not hold fs.root", 0);
    if (ep < 0 || tick < 0 || buf < 0 || ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : tick);
    for (int i = 0; i < 100; i++) {
        if ((r = fsp(FS_STAT, 0, "", 0, 0, 0)) >= 0 || r == FS_ENODEV)
            break;     /* the disk is up, or there is none */
        ath_wait(tick, 50 * SCN_MS);
    }
    if (r < 0) {
        ath_printf("scenario " NAME ": ok (skipped: no ext2 disk: %lld)\n", (long long)r);
        return 0;
    }
    if ((r & 0xff) != 2)
        return FAIL("the endpoint's root is not a directory", r);
    if ((r = fsp(FS_READ, 0, "sub/deep.txt", 0, 0, 0)) != 5 || !same("deep\n", 5))
        return FAIL("read sub/deep.txt", r);
    if ((r = fsp(FS_READ, 0, "link", 0, 0, 0)) != 5 || !same("deep\n", 5))
        return FAIL("read through a link inside", r);
    static const char *const out[] = {"../hello.txt", "/hello.txt", "sub/../../hello.txt", "/", "..",
                                      "./sub/../.."};
    for (unsigned i = 0; i < sizeof out / sizeof out[0]; i++)
        if ((r = fsp(FS_STAT, 0, out[i], 0, 0, 0)) != FS_EESCAPE)
            return FAIL("a path above the endpoint's directory must fail", (int64_t)i * 1000 + r);
    if ((r = fsp(FS_SYMLINK, 0, "../hello.txt", "out", 0, 0)) != 0 ||
        (r = fsp(FS_SYMLINK, 0, "/hello.txt", "abs", 0, 0)) != 0)
        return FAIL("make links", r);
    if ((r = fsp(FS_READ, 0, "out", 0, 0, 0)) != FS_EESCAPE || (r = fsp(FS_READ, 0, "abs", 0, 0, 0)) != FS_EESCAPE ||
        (r = fsp(FS_OPEN, 0, "out", 0, FS_O_CREAT | FS_O_WRITE, 0)) != FS_EESCAPE)
        return FAIL("a link pointing out must not be followed", r);
    if ((r = fsp(FS_RENAME, 0, "sub/deep.txt", "../stolen.txt", 0, 0)) != FS_EESCAPE ||
        (r = fsp(FS_LINK, 0, "sub/deep.txt", "/stolen.txt", 0, 0)) != FS_EESCAPE ||
        (r = fsp(FS_MKDIR, 0, "../x", 0, 0, 0)) != FS_EESCAPE)
        return FAIL("rename, link or mkdir out", r);
    if ((r = fsp(FS_UNLINK, 0, "out", 0, 0, 0)) != 0 || (r = fsp(FS_UNLINK, 0, "abs", 0, 0, 0)) != 0)
        return FAIL("unlink the links", r);
    int64_t hd = fsp(FS_OPEN, 0, "sub", 0, FS_O_DIRECTORY, 0);
    if (hd <= 0)
        return FAIL("open sub", hd);
    if ((r = fsp(FS_STATAT, hd, "deep.txt", 0, 0, 0)) != 0 || (r = fsp(FS_STATAT, hd, "..", 0, 0, 0)) != FS_EESCAPE)
        return FAIL("below the handle yes, above it no", r);
    /* Every other handle value is refused (fswrite left one open on fs.root). */
    for (int64_t gen = 0; gen < 256; gen++)
        for (int64_t idx = 1; idx <= 64; idx++) {
            if (idx > 8 && gen > 3)
                break;              /* the first slots are the busy ones */
            int64_t h = idx | gen << 8;
            if (h == hd)
                continue;
            if ((r = fsp(FS_STATAT, h, "", 0, 0, 0)) != FS_EBADF)
                return FAIL("a handle not opened through this endpoint must be refused", h * 1000 + r);
        }
    fsp(FS_CLOSE, hd, 0, 0, 0, 0);
    return scn_ok(NAME);
}
