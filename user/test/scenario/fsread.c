/*
 * Scenario "fsread": a client of the file service holding only fs.root
 * (docs/storage.md). The boot test's disk is an ext2 image mke2fs built
 * from a tree (tests/groups/60-boot.sh): it stats, reads and lists files
 * there, through a symlink too, and checks that paths cannot leave the
 * root, that missing files and wrong types give errors, and that bad
 * requests are refused. Without a disk it reports the skip.
 */
#include "scn.h"

#include <stdbool.h>

#define NAME "fsread"
#define FAIL(why, v) scn_fail(NAME, why, v)
#define FS_ENOENT (-203)
#define FS_ENOTDIR (-204)
#define FS_EISDIR (-205)
#define FS_ELOOP (-206)
#define FS_ENODEV (-223)

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t ep, buf;

/* op on path; *r the result. */
static int32_t fsop(int64_t code, const char *path, int64_t arg, int64_t *r)
{
    int64_t n = 0;
    while (path[n])
        n++;
    for (int64_t i = 0; i < n; i++)
        page[i] = (uint8_t)path[i];
    return ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, code, n, arg, r);
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
    ath_handle_t tick = ath_cap_find("fsread.tick");
    ep = ath_cap_find("fs.root");
    buf = ath_buf_new(1);
    int64_t r = -1;
    int32_t e = -1;
    if (ep < 0 || tick < 0 || buf < 0 || ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : tick);
    /* Up to 5 s for the disk (the block driver checks it first). */
    for (int i = 0; i < 100; i++) {
        if ((e = fsop(0, "/", 0, &r)) == 0 && (r >= 0 || r == FS_ENODEV))
            break;     /* the disk is up, or there is none */
        ath_wait(tick, 50 * SCN_MS);
    }
    if (e != 0 || r < 0) {
        ath_printf("scenario " NAME ": ok (skipped: no ext2 disk: %lld)\n", (long long)(e ? e : r));
        return 0;
    }
    if ((r & 0xff) != 2)
        return FAIL("/ is not a directory", r);
    static const char hello[] = "hello from the disk\n";
    if ((e = fsop(1, "/hello.txt", 0, &r)) != 0 || r != (int64_t)sizeof hello - 1 || !same(hello, r))
        return FAIL("read /hello.txt", e ? e : r);
    if ((e = fsop(0, "hello.txt", 0, &r)) != 0 || r != (int64_t)((sizeof hello - 1) << 8 | 1))
        return FAIL("stat hello.txt", e ? e : r);
    if ((e = fsop(1, "docs/link", 0, &r)) != 0 || r != 5 || !same("deep\n", 5))
        return FAIL("read through a symlink", e ? e : r);
    if ((e = fsop(1, "hello.txt", 6, &r)) != 0 || r != 14 || page[0] != 'f')
        return FAIL("read at an offset", e ? e : r);
    /* a 20000-byte file in pieces of a page */
    int64_t total = 0;
    for (int i = 0; i < 10; i++) {
        if ((e = fsop(1, "docs/big", total, &r)) != 0 || r < 0)
            return FAIL("read docs/big", e ? e : r);
        if (r == 0)
            break;
        for (int64_t k = 0; k < r; k++)
            if (page[k] != 'z')
                return FAIL("docs/big holds something else at", total + k);
        total += r;
    }
    if (total != 20000)
        return FAIL("docs/big length", total);
    /* list / : find hello.txt and docs among the entries */
    int found = 0, entries = 0;
    for (int i = 0; i < 64; i++) {
        if ((e = fsop(2, "/", i, &r)) != 0)
            return FAIL("list /", e);
        if (r == FS_ENOENT)
            break;
        if (r < 0)
            return FAIL("list / entry", r);
        entries++;
        int64_t len = r & 0xffff;
        found += same("hello.txt", len) || same("docs", len);
    }
    if (found != 2 || entries < 5)
        return FAIL("list / (hello.txt and docs among them)", entries);
    /* confinement and errors */
    if ((e = fsop(1, "../../../hello.txt", 0, &r)) != 0 || r != 20)
        return FAIL("\"..\" above the root must stay at the root", e ? e : r);
    if ((e = fsop(1, "/nope", 0, &r)) != 0 || r != FS_ENOENT)
        return FAIL("a missing file", e ? e : r);
    if ((e = fsop(1, "/docs", 0, &r)) != 0 || r != FS_EISDIR)
        return FAIL("reading a directory", e ? e : r);
    if ((e = fsop(2, "/hello.txt", 0, &r)) != 0 || r != FS_ENOTDIR)
        return FAIL("listing a file", e ? e : r);
    if ((e = fsop(1, "docs/loop", 0, &r)) != 0 || r != FS_ELOOP)
        return FAIL("a symlink loop", e ? e : r);
    if ((e = fsop(0x7f, "/", 0, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("an unknown op", e ? e : r);
    if ((e = ath_call_lend(ep, buf, ATH_R_READ, 1, 10, 0, &r)) != 0 || r != ATH_ERIGHTS)
        return FAIL("a read into a buffer lent read-only", e ? e : r);
    if ((e = ath_call(ep, 0, 1, 0, 0, &r)) != 0 || r >= 0)
        return FAIL("a request without a buffer", e ? e : r);
    if ((e = ath_call_lend(ep, buf, ATH_R_READ, 0, 5000, 0, &r)) != 0 || r != ATH_EINVAL)
        return FAIL("a path longer than the limit", e ? e : r);
    return scn_ok(NAME);
}
