/*
 * Scenario "fswrite": a client of the file service holding only fs.root
 * (docs/storage.md, sdk/include/fsproto.h), writing. On the boot test's
 * ext2 disk it makes a directory, creates, writes, appends to and reads
 * back files (one of 100 KiB through a 4-page buffer), renames and
 * removes, lists a directory through a handle, syncs. Then the hostile
 * part: through a directory handle, "..", absolute paths, symlinks that
 * point out (relative and absolute) and renames out all fail with
 * FS_EESCAPE; forged, closed and stale handles fail with FS_EBADF, as does
 * writing through a handle not open for writing; a buffer larger than the
 * service's window is refused. The boot test then checks the image with
 * e2fsck -fn and reads /w/b.txt and /w/big with debugfs.
 */
#include "scn.h"

#include <fsproto.h>
#include <stdbool.h>

#define NAME "fswrite"
#define FAIL(why, v) scn_fail(NAME, why, v)

static uint8_t page[4 * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t ep, buf;

static int64_t slen(const char *s)
{
    int64_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* op with handle h on path (in the buffer), a1's high word hi, a2; the
 * result (a call error as is). */
static int64_t fsp(int op, int64_t h, const char *path, uint32_t hi, int64_t a2)
{
    int64_t n = slen(path), r = -1;
    for (int64_t i = 0; i < n; i++)
        page[i] = (uint8_t)path[i];
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h), FS_LEN2(n, hi), a2, &r);
    return e ? e : r;
}

/* Two paths (rename, link, symlink): p1 then p2 in the buffer. */
static int64_t fs2(int op, int64_t h, const char *p1, const char *p2, int64_t h2)
{
    int64_t n1 = slen(p1), n2 = slen(p2), r = -1;
    for (int64_t i = 0; i < n1; i++)
        page[i] = (uint8_t)p1[i];
    for (int64_t i = 0; i < n2; i++)
        page[n1 + i] = (uint8_t)p2[i];
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ, FS_A0(op, h), FS_LEN2(n1, n2), h2, &r);
    return e ? e : r;
}

/* op on handle h with a1, a2 (data in the buffer). */
static int64_t fsh(int op, int64_t h, int64_t a1, int64_t a2)
{
    int64_t r = -1;
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h), a1, a2, &r);
    return e ? e : r;
}

static int64_t put(int64_t h, int64_t off, const char *s)
{
    int64_t n = slen(s);
    for (int64_t i = 0; i < n; i++)
        page[i] = (uint8_t)s[i];
    return fsh(FS_PWRITE, h, off, n);
}

static bool same(const char *s, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (!s[i] || page[i] != (uint8_t)s[i])
            return false;
    return s[n] == 0;
}

static uint8_t pat(int64_t i) { return (uint8_t)(i * 13 + i / 4093); }

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t tick = ath_cap_find("fswrite.tick");
    ep = ath_cap_find("fs.root");
    buf = ath_buf_new(4);
    int64_t r = -1;
    if (ep < 0 || tick < 0 || buf < 0 || ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : tick);
    for (int i = 0; i < 100; i++) {
        if ((r = fsp(FS_STAT, 0, "/", 0, 0)) >= 0 || r == FS_ENODEV)
            break;     /* the disk is up, or there is none */
        ath_wait(tick, 50 * SCN_MS);
    }
    if (r < 0) {
        ath_printf("scenario " NAME ": ok (skipped: no ext2 disk: %lld)\n", (long long)r);
        return 0;
    }
    /* a directory, a file created, written, appended to, read back */
    if ((r = fsp(FS_MKDIR, 0, "/w", 0, 0)) != 0)
        return FAIL("mkdir /w", r);
    if ((r = fsp(FS_MKDIR, 0, "/w", 0, 0)) != FS_EEXIST)
        return FAIL("mkdir /w twice", r);
    int64_t f = fsp(FS_OPEN, 0, "w/a.txt", FS_O_CREAT | FS_O_WRITE, 0);
    if (f <= 0)
        return FAIL("create w/a.txt", f);
    if ((r = put(f, 0, "hello, azoth\n")) != 13 || (r = put(f, -1, "more\n")) != 5)
        return FAIL("write w/a.txt", r);
    if ((r = fsh(FS_FSTAT, f, 0, 0)) != 0 || get64(page + 8) != 18 || (get64(page + 40) & 0xf000) != 0x8000)
        return FAIL("fstat w/a.txt (size 18, a file)", r ? r : (int64_t)get64(page + 8));
    if ((r = fsh(FS_PREAD, f, 0, 100)) != 18 || !same("hello, azoth\nmore\n", 18))
        return FAIL("read back w/a.txt", r);
    if ((r = fsh(FS_CLOSE, f, 0, 0)) != 0)
        return FAIL("close", r);
    if ((r = fsh(FS_PREAD, f, 0, 10)) != FS_EBADF)
        return FAIL("a closed handle must be refused", r);
    /* 100 KiB through a 4-page buffer, read back */
    int64_t big = fsp(FS_OPEN, 0, "w/big", FS_O_CREAT | FS_O_EXCL | FS_O_WRITE, 0);
    if (big <= 0)
        return FAIL("create w/big", big);
    for (int64_t off = 0; off < 102400; off += 4 * ATH_PAGE) {
        int64_t n = 102400 - off < 4 * ATH_PAGE ? 102400 - off : 4 * ATH_PAGE;
        for (int64_t i = 0; i < n; i++)
            page[i] = pat(off + i);
        if ((r = fsh(FS_PWRITE, big, off, n)) != n)
            return FAIL("write w/big", r);
    }
    for (int64_t off = 0; off < 102400; off += 4 * ATH_PAGE) {
        int64_t n = 102400 - off < 4 * ATH_PAGE ? 102400 - off : 4 * ATH_PAGE;
        if ((r = fsh(FS_PREAD, big, off, 4 * ATH_PAGE)) != n)
            return FAIL("read w/big", r);
        for (int64_t i = 0; i < n; i++)
            if (page[i] != pat(off + i))
                return FAIL("w/big differs at", off + i);
    }
    if ((r = fsp(FS_OPEN, 0, "w/big", FS_O_CREAT | FS_O_EXCL, 0)) != FS_EEXIST)
        return FAIL("exclusive create of an existing file", r);
    /* read-only handle: no writes, no truncation */
    int64_t ro = fsp(FS_OPEN, 0, "w/big", 0, 0);
    if (ro <= 0 || (r = put(ro, 0, "x")) != FS_EBADF || (r = fsh(FS_TRUNCATE, ro, 0, 0)) != FS_EBADF)
        return FAIL("writing through a read-only handle must be refused", ro <= 0 ? ro : r);
    fsh(FS_CLOSE, ro, 0, 0);
    /* a directory handle, and what it must not reach */
    int64_t d = fsp(FS_OPEN, 0, "w", FS_O_DIRECTORY, 0);
    if (d <= 0)
        return FAIL("open w as a directory", d);
    if ((r = fsp(FS_OPEN, d, "inner", FS_O_CREAT | FS_O_WRITE, 0)) <= 0)
        return FAIL("create inner below the handle", r);
    fsh(FS_CLOSE, r, 0, 0);
    if ((r = fsp(FS_STATAT, d, "inner", 0, 0)) != 0)
        return FAIL("stat inner below the handle", r);
    if ((r = fs2(FS_SYMLINK, 0, "../hello.txt", "w/out", 0)) != 0 ||
        (r = fs2(FS_SYMLINK, d, "/hello.txt", "abs", 0)) != 0 ||
        (r = fs2(FS_SYMLINK, d, "inner", "rel", 0)) != 0)
        return FAIL("symlinks", r);
    static const char *const escapes[] = {"../hello.txt", "/hello.txt", "out", "abs", "./../w/../../hello.txt",
                                          "rel/../../hello.txt"};
    for (unsigned i = 0; i < sizeof escapes / sizeof escapes[0]; i++)
        if ((r = fsp(FS_OPEN, d, escapes[i], 0, 0)) != FS_EESCAPE && r != FS_ENOTDIR)
            return FAIL("a path out of the directory handle must fail", (int64_t)i * 1000 + r);
    if ((r = fsp(FS_OPEN, d, "out", FS_O_CREAT | FS_O_WRITE, 0)) != FS_EESCAPE)
        return FAIL("creating through a link out", r);
    if ((r = fsp(FS_MKDIR, d, "../x", 0, 0)) != FS_EESCAPE || (r = fsp(FS_UNLINK, d, "../hello.txt", 0, 0)) != FS_EESCAPE ||
        (r = fsp(FS_RMDIR, d, "..", 0, 0)) != FS_EINVAL || (r = fsp(FS_STATAT, d, "..", 0, 0)) != FS_EESCAPE)
        return FAIL("mkdir/unlink/rmdir/stat above the handle", r);
    if ((r = fs2(FS_RENAME, d, "inner", "../stolen", d)) != FS_EESCAPE ||
        (r = fs2(FS_RENAME, d, "inner", "/stolen", 0)) != FS_EESCAPE ||
        (r = fs2(FS_LINK, d, "out", "../hello2", d)) != FS_EESCAPE)
        return FAIL("rename or link out of the handle", r);
    if ((r = fsp(FS_READLINK, d, "out", 0, 0)) != 12 || !same("../hello.txt", 12))
        return FAIL("readlink of the link (its text is no escape)", r);
    if ((r = fsp(FS_STATAT, d, "out", FS_O_NOFOLLOW, 0)) != 0 || (get64(page + 40) & 0xf000) != 0xa000)
        return FAIL("stat of the link itself", r);
    /* forged handles */
    int64_t forged[] = {d + 1, d + 256, d ^ 0x7f, 0x7fffffff, 64};
    for (unsigned i = 0; i < sizeof forged / sizeof forged[0]; i++)
        if ((r = fsp(FS_OPEN, forged[i], "inner", 0, 0)) != FS_EBADF)
            return FAIL("a forged handle must be refused", (int64_t)i * 1000 + r);
    if ((r = fsp(FS_OPEN, -1, "inner", 0, 0)) != ATH_EINVAL)
        return FAIL("a negative handle", r);
    /* list the directory through its handle: . .. a.txt big inner out abs rel */
    int found = 0;
    int64_t cookie = 0;
    for (int round = 0; round < 20; round++) {
        if ((r = fsh(FS_READDIR, d, cookie, 0)) < 0)
            return FAIL("readdir", r);
        if (r == 0)
            break;
        for (int64_t at = 0; at < r;) {
            uint32_t nl = (uint32_t)get64(page + at + 16);
            cookie = (int64_t)get64(page + at);
            const char *want[] = {"a.txt", "big", "inner", "out"};
            for (int k = 0; k < 4; k++)
                if (slen(want[k]) == nl) {
                    bool eq = true;
                    for (uint32_t c = 0; c < nl; c++)
                        eq &= page[at + 24 + c] == (uint8_t)want[k][c];
                    found += eq;
                }
            at += 24 + nl;
        }
    }
    if (found != 4)
        return FAIL("readdir found a.txt, big, inner, out", found);
    /* stale: a handle to a file removed */
    int64_t gone = fsp(FS_OPEN, d, "inner", FS_O_WRITE, 0);
    if (gone <= 0 || (r = fsp(FS_UNLINK, d, "inner", 0, 0)) != 0 || (r = put(gone, 0, "x")) != FS_EBADF)
        return FAIL("a handle to a removed file must go stale", gone <= 0 ? gone : r);
    /* rename, remove, rmdir of a non-empty directory */
    if ((r = fs2(FS_RENAME, 0, "w/a.txt", "w/b.txt", 0)) != 0)
        return FAIL("rename w/a.txt w/b.txt", r);
    if ((r = fsp(FS_STAT, 0, "w/a.txt", 0, 0)) != FS_ENOENT)
        return FAIL("the old name is gone", r);
    if ((r = fsp(FS_RMDIR, 0, "w", 0, 0)) != FS_ENOTEMPTY)
        return FAIL("rmdir of a non-empty directory", r);
    if ((r = fsp(FS_UNLINK, d, "rel", 0, 0)) != 0 || (r = fsp(FS_UNLINK, d, "abs", 0, 0)) != 0)
        return FAIL("unlink the links", r);
    if ((r = fsp(FS_MKDIR, 0, "w/sub", 0, 0)) != 0 || (r = fsp(FS_RMDIR, 0, "w/sub", 0, 0)) != 0)
        return FAIL("mkdir + rmdir w/sub", r);
    /* a buffer over the service's window */
    ath_handle_t huge = ath_buf_new(FS_LEND_PAGES + 1);
    if (huge < 0 || ath_call_lend(ep, huge, ATH_R_READ, FS_A0(FS_STAT, 0), 1, 0, &r) != 0 || r != ATH_EMAPPED)
        return FAIL("a buffer over 16 pages must be refused", huge < 0 ? huge : r);
    ath_cap_drop(huge);
    if ((r = fsh(FS_CLOSE, d, 0, 0)) != 0 || (r = fsh(FS_CLOSE, big, 0, 0)) != 0)
        return FAIL("close", r);
    if ((r = fsh(FS_SYNC, 0, 0, 0)) != 0)
        return FAIL("sync", r);
    /* One handle left open on purpose: scenario fsdir must not be able to
     * use it through its directory endpoint. */
    if ((r = fsp(FS_OPEN, 0, "w", FS_O_DIRECTORY, 0)) <= 0)
        return FAIL("open w (kept)", r);
    return scn_ok(NAME);
}
