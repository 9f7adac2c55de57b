/*
 * Scenario "fsbadge": the file service's side of a badged capability, the
 * kind the kernel gives a WASI program for each preopened directory
 * (docs/storage.md). The scenario holds fs.root; it opens /docs and has
 * the test kernel badge a copy of fs.root with that handle (ktest_badge,
 * a host call of the test kernel for domains with the ARG badgetest).
 * Through the badged copy everything is beneath /docs, whatever the
 * request says: handle 0 is /docs ("hello.txt" of the root is not found,
 * "sub/deep.txt" is), "..", absolute paths and links made pointing out
 * (relative and absolute) fail with FS_EESCAPE; a handle opened through
 * fs.root is refused (FS_EBADF), also as a rename's second directory; a
 * handle opened through the badge works there and nowhere else; once
 * /docs's handle is closed the badge leads nowhere. Badges that are not
 * a directory handle of the service are refused, and a badged capability
 * cannot be badged again.
 */
#include "scn.h"

#include <fsproto.h>
#include <stdbool.h>

#define NAME "fsbadge"
#define FAIL(why, v) scn_fail(NAME, why, v)

ATH_IMPORT("ktest_badge") ath_handle_t ktest_badge(ath_handle_t ep, int64_t badge);

static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t buf;

static int64_t slen(const char *s)
{
    int64_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* op through ep on handle h with path p1 (and p2, or the flags hi). */
static int64_t fsp(ath_handle_t ep, int op, int64_t h, const char *p1, const char *p2, uint32_t hi,
                   int64_t a2)
{
    int64_t n1 = slen(p1), n2 = p2 ? slen(p2) : 0, r = -1;
    for (int64_t i = 0; i < n1; i++)
        page[i] = (uint8_t)p1[i];
    for (int64_t i = 0; i < n2; i++)
        page[n1 + i] = (uint8_t)p2[i];
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h), FS_LEN2(n1, p2 ? n2 : hi), a2, &r);
    return e ? e : r;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t tick = ath_cap_find("fsbadge.tick"), root = ath_cap_find("fs.root");
    buf = ath_buf_new(1);
    int64_t r = -1;
    if (root < 0 || tick < 0 || buf < 0 || ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", root < 0 ? root : tick);
    for (int i = 0; i < 100; i++) {
        if ((r = fsp(root, FS_STAT, 0, "", 0, 0, 0)) >= 0 || r == FS_ENODEV)
            break;     /* the disk is up, or there is none */
        ath_wait(tick, 50 * SCN_MS);
    }
    if (r < 0) {
        ath_printf("scenario " NAME ": ok (skipped: no ext2 disk: %lld)\n", (long long)r);
        return 0;
    }
    int64_t docs = fsp(root, FS_OPEN, 0, "docs", 0, FS_O_DIRECTORY, 0);
    int64_t top = fsp(root, FS_OPEN, 0, "", 0, FS_O_DIRECTORY, 0);
    int64_t file = fsp(root, FS_OPEN, 0, "hello.txt", 0, 0, 0);
    if (docs <= 0 || top <= 0 || file <= 0)
        return FAIL("open /docs, / and /hello.txt through fs.root", docs <= 0 ? docs : top <= 0 ? top : file);
    ath_handle_t b = ktest_badge(root, docs);
    if (b < 0)
        return FAIL("ktest_badge", b);
    /* handle 0 is /docs */
    if ((r = fsp(b, FS_STAT, 0, "hello.txt", 0, 0, 0)) != FS_ENOENT)
        return FAIL("the root's hello.txt must not be found through the badge", r);
    if ((r = fsp(b, FS_READ, 0, "sub/deep.txt", 0, 0, 0)) != 5)
        return FAIL("read sub/deep.txt through the badge", r);
    if ((r = fsp(b, FS_READ, docs, "link", 0, 0, 0)) != 5)
        return FAIL("read link through the badge's own handle", r);
    static const char *const out[] = {"../hello.txt", "/hello.txt", "sub/../../hello.txt", "/", "..",
                                      "./sub/../.."};
    for (unsigned i = 0; i < sizeof out / sizeof out[0]; i++)
        if ((r = fsp(b, FS_STAT, 0, out[i], 0, 0, 0)) != FS_EESCAPE)
            return FAIL("a path above the badge's directory must fail", (int64_t)i * 1000 + r);
    /* links made pointing out, relative and absolute: followed, they escape */
    if ((r = fsp(b, FS_SYMLINK, 0, "../hello.txt", "bout", 0, 0)) != 0)
        return FAIL("make a relative link out", r);
    if ((r = fsp(b, FS_SYMLINK, 0, "/hello.txt", "babs", 0, 0)) != 0)
        return FAIL("make an absolute link", r);
    if ((r = fsp(b, FS_READ, 0, "bout", 0, 0, 0)) != FS_EESCAPE ||
        (r = fsp(b, FS_READ, 0, "babs", 0, 0, 0)) != FS_EESCAPE)
        return FAIL("following a link out of the badge's directory must fail", r);
    if (fsp(b, FS_UNLINK, 0, "bout", 0, 0, 0) != 0 || fsp(b, FS_UNLINK, 0, "babs", 0, 0, 0) != 0)
        return FAIL("unlink the links", 0);
    /* fs.root's handles are not the badge's */
    if ((r = fsp(b, FS_STAT, top, "hello.txt", 0, 0, 0)) != FS_EBADF ||
        (r = fsp(b, FS_PREAD, file, 0, 0, 0, 16)) != FS_EBADF)
        return FAIL("a handle of fs.root used through the badge must be refused", r);
    if ((r = fsp(b, FS_RENAME, 0, "sub/deep.txt", "stolen", 0, top)) != FS_EBADF)
        return FAIL("a rename into a directory of fs.root through the badge must be refused", r);
    /* the badge's handles are its own */
    int64_t sub = fsp(b, FS_OPEN, 0, "sub", 0, FS_O_DIRECTORY, 0);
    if (sub <= 0)
        return FAIL("open sub through the badge", sub);
    if ((r = fsp(b, FS_READ, sub, "deep.txt", 0, 0, 0)) != 5)
        return FAIL("read through a handle the badge opened", r);
    if ((r = fsp(b, FS_STAT, sub, "../..", 0, 0, 0)) != FS_EESCAPE)
        return FAIL("'../..' from the badge's handle must escape", r);
    if ((r = fsp(root, FS_STAT, sub, "deep.txt", 0, 0, 0)) != FS_EBADF)
        return FAIL("the badge's handle used through fs.root must be refused", r);
    fsp(b, FS_CLOSE, sub, 0, 0, 0, 0);
    /* a badged capability is not badged again; a file's handle is no
     * directory, a value that is no handle leads nowhere */
    if ((r = ktest_badge(b, top)) != ATH_ERIGHTS)
        return FAIL("a badged capability must not take another badge", r);
    ath_handle_t fb = ktest_badge(root, file), nb = ktest_badge(root, 0x7654321);
    if (fb < 0 || nb < 0)
        return FAIL("ktest_badge (file, junk)", fb < 0 ? fb : nb);
    if ((r = fsp(fb, FS_STAT, 0, "", 0, 0, 0)) != FS_ENOTDIR)
        return FAIL("a badge that is a file's handle must not be a directory", r);
    if ((r = fsp(nb, FS_STAT, 0, "", 0, 0, 0)) != FS_EBADF)
        return FAIL("a badge that is no handle must be refused", r);
    /* /docs's handle closed: the badge leads nowhere */
    fsp(root, FS_CLOSE, docs, 0, 0, 0, 0);
    if ((r = fsp(b, FS_STAT, 0, "sub/deep.txt", 0, 0, 0)) != FS_EBADF)
        return FAIL("the badge must lead nowhere once its directory's handle is closed", r);
    fsp(root, FS_CLOSE, top, 0, 0, 0, 0);
    fsp(root, FS_CLOSE, file, 0, 0, 0, 0);
    return scn_ok(NAME);
}
