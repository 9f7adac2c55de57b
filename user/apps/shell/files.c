/*
 * The shell's file commands (docs/shell.md): ls, cat, cp, mv, rm, mkdir,
 * rmdir, sync, echo's redirections and the completion of paths, all
 * through the file service's endpoint fs.root (protocol:
 * sdk/include/fsproto.h, docs/storage.md) with a 4-page buffer lent for
 * each call. Paths are from the root of the disk (a leading "/" is
 * optional). After a command that changed something the shell asks the
 * service to sync, so a power-off right after loses nothing.
 */
#include "shell.h"

#include <fsproto.h>

#define CHUNK (4 * ATH_PAGE)

static uint8_t page[CHUNK] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t ep = -1, buf = -1;

static const char *fs_strerror(int64_t e)
{
    switch (e) {
    case FS_EIO: return "I/O error";
    case FS_ECORRUPT: return "the file system is corrupt";
    case FS_ENOENT: return "no such file or directory";
    case FS_ENOTDIR: return "not a directory";
    case FS_EISDIR: return "is a directory";
    case FS_ELOOP: return "too many symbolic links";
    case FS_ENAMETOOLONG: return "name too long";
    case FS_EUNSUPP: return "unsupported file system feature";
    case FS_EINVAL: return "invalid argument";
    case FS_EEXIST: return "file exists";
    case FS_ENOTEMPTY: return "directory not empty";
    case FS_ENOSPC: return "no space left on the disk";
    case FS_EROFS: return "read-only file system";
    case FS_EESCAPE: return "the path leaves its directory";
    case FS_EFBIG: return "file too large";
    case FS_EBUSY: return "busy";
    case FS_EMLINK: return "too many links";
    case FS_EBADF: return "bad file handle";
    case FS_ENFILE: return "too many open files";
    }
    return ath_strerror((int32_t)e);
}

static void fail(const char *cmd, const char *what, int64_t e)
{
    puts_(cmd);
    puts_(": ");
    if (what) {
        puts_(what);
        puts_(": ");
    }
    puts_(fs_strerror(e));
    puts_("\n");
}

/* The endpoint and the buffer, found and made once. */
static bool ready(const char *cmd)
{
    if (ep < 0 && (ep = ath_cap_find("fs.root")) < 0) {
        puts_(cmd);
        puts_(": no file service (fs.root is not granted)\n");
        return false;
    }
    if (buf < 0) {
        ath_handle_t b = ath_buf_new(CHUNK / ATH_PAGE);
        if (b < 0 || ath_buf_map(b, (uint32_t)(uintptr_t)page) < 0) {
            fail(cmd, "buffer", b < 0 ? b : ATH_EMAPPED);
            return false;
        }
        buf = b;
    }
    return true;
}

static int32_t slen(const char *s) { return ath_strlen(s); }

/* One call: op on handle h, path (and path2) in the buffer. */
static int64_t call(int op, int64_t h, const char *p1, const char *p2, uint32_t hi, int64_t a2)
{
    int32_t n1 = p1 ? slen(p1) : 0, n2 = p2 ? slen(p2) : 0;
    if (n1 + n2 > FS_PATH_MAX * 2)
        return FS_ENAMETOOLONG;
    for (int32_t i = 0; i < n1; i++)
        page[i] = (uint8_t)p1[i];
    for (int32_t i = 0; i < n2; i++)
        page[n1 + i] = (uint8_t)p2[i];
    int64_t r = -1;
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h),
                              FS_LEN2(n1, p2 ? (uint32_t)n2 : hi), a2, &r);
    return e < 0 ? e : r;
}

/* op on handle h with a1, a2 (data in the buffer). */
static int64_t hcall(int op, int64_t h, int64_t a1, int64_t a2)
{
    int64_t r = -1;
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h), a1, a2, &r);
    return e < 0 ? e : r;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* stat of path (following links unless nofollow): 0 and *mode, *size. */
static int64_t stat_of(int64_t h, const char *path, bool nofollow, uint32_t *mode, uint64_t *size)
{
    int64_t r = call(FS_STATAT, h, path, 0, nofollow ? FS_O_NOFOLLOW : 0, 0);
    if (r < 0)
        return r;
    *mode = (uint32_t)get64(page + 40);
    *size = get64(page + 8);
    return 0;
}

static bool is_dir(uint32_t mode) { return (mode & 0xf000) == 0x4000; }

void fs_sync_quiet(void)
{
    if (ep >= 0 && buf >= 0)
        hcall(FS_SYNC, 0, 0, 0);
}

/* ---- ls */

static void entry_line(int64_t h, const char *name, uint32_t mode, uint64_t size)
{
    uint32_t t = mode & 0xf000;
    putn(t == 0x4000 ? "d" : t == 0xa000 ? "l" : "-", 1);
    char b[24];
    int i = sizeof b;
    uint64_t v = size;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    for (int pad = 11 - ((int)sizeof b - i); pad > 0; pad--)
        putn(" ", 1);
    putn(b + i, (int32_t)sizeof b - i);
    puts_("  ");
    puts_(name);
    if (t == 0x4000)
        puts_("/");
    if (t == 0xa000) {
        int64_t n = call(FS_READLINK, h, name, 0, 0, 0);
        if (n > 0) {
            puts_(" -> ");
            putn((const char *)page, (int32_t)n);
        }
    }
    puts_("\n");
}

static void ls_one(const char *path, bool header)
{
    uint32_t mode;
    uint64_t size;
    int64_t r = stat_of(0, path, false, &mode, &size);
    if (r < 0) {
        fail("ls", path, r);
        return;
    }
    if (!is_dir(mode)) {
        entry_line(0, path, mode, size);
        return;
    }
    int64_t h = call(FS_OPEN, 0, path, 0, FS_O_DIRECTORY, 0);
    if (h < 0) {
        fail("ls", path, h);
        return;
    }
    if (header) {
        puts_(path);
        puts_(":\n");
    }
    /* Entries a page of dirents at a time; each then stat'ed through the
     * directory's handle (the buffer is reused, so names are copied out). */
    uint64_t cookie = 0;
    for (int rounds = 0; rounds < 100000; rounds++) {
        int64_t n = hcall(FS_READDIR, h, (int64_t)cookie, 0);
        if (n < 0) {
            fail("ls", path, n);
            break;
        }
        if (n == 0)
            break;
        static char names[64][256];
        static uint64_t next[64];
        int k = 0;
        for (int64_t at = 0; at + 24 <= n && k < 64;) {
            uint32_t nl = (uint32_t)get64(page + at + 16);
            if (nl > 255 || at + 24 + nl > n)
                break;
            for (uint32_t c = 0; c < nl; c++)
                names[k][c] = (char)page[at + 24 + c];
            names[k][nl] = 0;
            next[k] = get64(page + at);
            k++;
            at += 24 + nl;
        }
        if (k == 0)
            break;
        for (int i = 0; i < k; i++) {
            cookie = next[i];
            if ((names[i][0] == '.' && !names[i][1]) ||
                (names[i][0] == '.' && names[i][1] == '.' && !names[i][2]))
                continue;
            if ((r = stat_of(h, names[i], true, &mode, &size)) < 0)
                fail("ls", names[i], r);
            else
                entry_line(h, names[i], mode, size);
        }
        flush();
    }
    hcall(FS_CLOSE, h, 0, 0);
}

void c_ls(int argc, char **argv)
{
    if (!ready("ls"))
        return;
    if (argc < 2)
        ls_one("/", false);
    for (int i = 1; i < argc; i++)
        ls_one(argv[i], argc > 2);
}

/* ---- cat */

void c_cat(int argc, char **argv)
{
    if (argc < 2) {
        puts_("usage: cat FILE...\n");
        return;
    }
    if (!ready("cat"))
        return;
    for (int i = 1; i < argc; i++) {
        int64_t h = call(FS_OPEN, 0, argv[i], 0, 0, 0);
        if (h < 0) {
            fail("cat", argv[i], h);
            continue;
        }
        for (uint64_t off = 0;;) {
            int64_t n = hcall(FS_PREAD, h, (int64_t)off, CHUNK);
            if (n < 0)
                fail("cat", argv[i], n);
            if (n <= 0)
                break;
            putn((const char *)page, (int32_t)n);
            flush();
            off += (uint64_t)n;
        }
        hcall(FS_CLOSE, h, 0, 0);
    }
}

/* ---- cp, mv */

/* dst, or dst/basename(src) when dst is a directory, into out. */
static bool target(const char *cmd, const char *src, const char *dst, char *out, int32_t cap)
{
    uint32_t mode;
    uint64_t size;
    int32_t n = 0;
    for (const char *s = dst; *s && n < cap - 1; s++)
        out[n++] = *s;
    out[n] = 0;
    if (stat_of(0, dst, false, &mode, &size) == 0 && is_dir(mode)) {
        int32_t e = slen(src);
        while (e > 1 && src[e - 1] == '/')
            e--;
        int32_t b = e;
        while (b > 0 && src[b - 1] != '/')
            b--;
        if (n > 0 && out[n - 1] != '/' && n < cap - 1)
            out[n++] = '/';
        if (n + (e - b) >= cap) {
            fail(cmd, dst, FS_ENAMETOOLONG);
            return false;
        }
        for (int32_t i = b; i < e; i++)
            out[n++] = src[i];
        out[n] = 0;
    }
    return true;
}

void c_cp(int argc, char **argv)
{
    if (argc != 3) {
        puts_("usage: cp SRC DST\n");
        return;
    }
    if (!ready("cp"))
        return;
    char dst[FS_PATH_MAX];
    if (!target("cp", argv[1], argv[2], dst, sizeof dst))
        return;
    uint32_t m1, m2;
    uint64_t s1, s2;
    int64_t r = stat_of(0, argv[1], false, &m1, &s1);
    if (r < 0) {
        fail("cp", argv[1], r);
        return;
    }
    if (is_dir(m1)) {
        fail("cp", argv[1], FS_EISDIR);
        return;
    }
    uint64_t ino = get64(page);
    if (stat_of(0, dst, false, &m2, &s2) == 0 && get64(page) == ino) {
        puts_("cp: ");
        puts_(argv[1]);
        puts_(" and ");
        puts_(dst);
        puts_(" are the same file\n");
        return;
    }
    int64_t in = call(FS_OPEN, 0, argv[1], 0, 0, 0);
    if (in < 0) {
        fail("cp", argv[1], in);
        return;
    }
    int64_t out = call(FS_OPEN, 0, dst, 0, FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE, 0);
    if (out < 0) {
        fail("cp", dst, out);
        hcall(FS_CLOSE, in, 0, 0);
        return;
    }
    for (uint64_t off = 0;;) {
        int64_t n = hcall(FS_PREAD, in, (int64_t)off, CHUNK);
        if (n < 0)
            fail("cp", argv[1], n);
        if (n <= 0)
            break;
        int64_t w = hcall(FS_PWRITE, out, (int64_t)off, n);
        if (w != n) {
            fail("cp", dst, w < 0 ? w : FS_ENOSPC);
            break;
        }
        off += (uint64_t)n;
    }
    hcall(FS_CLOSE, in, 0, 0);
    hcall(FS_CLOSE, out, 0, 0);
    fs_sync_quiet();
}

void c_mv(int argc, char **argv)
{
    if (argc != 3) {
        puts_("usage: mv SRC DST\n");
        return;
    }
    if (!ready("mv"))
        return;
    char dst[FS_PATH_MAX];
    if (!target("mv", argv[1], argv[2], dst, sizeof dst))
        return;
    int64_t r = call(FS_RENAME, 0, argv[1], dst, 0, 0);
    if (r < 0)
        fail("mv", argv[1], r);
    fs_sync_quiet();
}

/* ---- rm, mkdir, rmdir, sync */

static void each(int argc, char **argv, int op, const char *usage)
{
    if (argc < 2) {
        puts_(usage);
        return;
    }
    if (!ready(argv[0]))
        return;
    for (int i = 1; i < argc; i++) {
        int64_t r = call(op, 0, argv[i], 0, 0, 0);
        if (r < 0)
            fail(argv[0], argv[i], r);
    }
    fs_sync_quiet();
}

void c_rm(int argc, char **argv) { each(argc, argv, FS_UNLINK, "usage: rm FILE...\n"); }
void c_mkdir(int argc, char **argv) { each(argc, argv, FS_MKDIR, "usage: mkdir DIR...\n"); }
void c_rmdir(int argc, char **argv) { each(argc, argv, FS_RMDIR, "usage: rmdir DIR...\n"); }

void c_sync(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (!ready("sync"))
        return;
    int64_t r = hcall(FS_SYNC, 0, 0, 0);
    if (r < 0)
        fail("sync", 0, r);
}

/* ---- echo > FILE */

void fs_echo_to(const char *path, const char *text, int32_t n, bool append)
{
    if (!ready("echo"))
        return;
    int64_t h = call(FS_OPEN, 0, path, 0, FS_O_CREAT | FS_O_WRITE | (append ? 0 : FS_O_TRUNC), 0);
    if (h < 0) {
        fail("echo", path, h);
        return;
    }
    if (n > CHUNK)
        n = CHUNK;
    for (int32_t i = 0; i < n; i++)
        page[i] = (uint8_t)text[i];
    int64_t w = hcall(FS_PWRITE, h, append ? -1 : 0, n);
    if (w != n)
        fail("echo", path, w < 0 ? w : FS_ENOSPC);
    hcall(FS_CLOSE, h, 0, 0);
    fs_sync_quiet();
}

/* ---- completion */

int fs_complete(const char *word, int32_t wl, char (*names)[64], int max, int32_t *base)
{
    if (ep < 0 && (ep = ath_cap_find("fs.root")) < 0)
        return 0;
    if (buf < 0 && !ready("complete"))
        return 0;
    int32_t b = wl;
    while (b > 0 && word[b - 1] != '/')
        b--;
    *base = b;
    char dir[256];
    int32_t dn = b < 255 ? b : 255;
    for (int32_t i = 0; i < dn; i++)
        dir[i] = word[i];
    dir[dn] = 0;
    if (dn == 0)
        dir[0] = '/', dir[1] = 0;
    int64_t h = call(FS_OPEN, 0, dir, 0, FS_O_DIRECTORY, 0);
    if (h < 0)
        return 0;
    int found = 0;
    uint64_t cookie = 0;
    for (int rounds = 0; rounds < 1000 && found < max; rounds++) {
        int64_t n = hcall(FS_READDIR, h, (int64_t)cookie, 0);
        if (n <= 0)
            break;
        for (int64_t at = 0; at + 24 <= n && found < max;) {
            uint32_t nl = (uint32_t)get64(page + at + 16);
            uint8_t type = page[at + 20];
            if (at + 24 + nl > n)
                break;
            const char *nm = (const char *)page + at + 24;
            cookie = get64(page + at);
            at += 24 + nl;
            if ((nl == 1 && nm[0] == '.') || (nl == 2 && nm[0] == '.' && nm[1] == '.'))
                continue;
            if (nl + 2 > 64 || (int32_t)nl < wl - b)
                continue;
            bool match = true;
            for (int32_t i = 0; i < wl - b && match; i++)
                match = nm[i] == word[b + i];
            if (!match)
                continue;
            for (uint32_t i = 0; i < nl; i++)
                names[found][i] = nm[i];
            names[found][nl] = type == 3 ? '/' : 0;
            names[found][nl + 1] = 0;
            found++;
        }
    }
    hcall(FS_CLOSE, h, 0, 0);
    return found;
}
