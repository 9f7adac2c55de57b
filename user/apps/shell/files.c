/*
 * The shell's file commands (docs/shell.md): ls, cat, cp, mv, rm, mkdir,
 * rmdir, sync, echo's redirections and the completion of paths, all
 * through the file service's endpoint fs.root (protocol:
 * sdk/include/fsproto.h, docs/storage.md) with a 4-page buffer lent for
 * each call. A path that does not start with "/" is from the working
 * directory (cd, pwd; "/" at first), and ".", ".." and repeated "/" are
 * folded in the shell before the service sees the path. Words with * or ?
 * in their last component are expanded to the names they match
 * (fs_glob). After a command that changed something the shell asks the
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
    case FS_ENODEV: return "no disk";
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

/* ---- the working directory */

static char cwd[FS_PATH_MAX] = "/";

/* p made absolute (from cwd unless it starts with "/") and folded: "."
 * and empty components go, ".." takes the previous one off (at the root
 * it stays at the root). Into out (cap bytes); false when too long. */
static bool resolve(const char *p, char *out, int32_t cap)
{
    char tmp[2 * FS_PATH_MAX + 2];
    int32_t n = 0;
    if (p[0] != '/')
        for (const char *c = cwd; *c && n < (int32_t)sizeof tmp - 2; c++)
            tmp[n++] = *c;
    tmp[n++] = '/';
    for (const char *c = p; *c; c++) {
        if (n >= (int32_t)sizeof tmp - 1)
            return false;
        tmp[n++] = *c;
    }
    tmp[n] = 0;
    int32_t o = 0;
    out[o++] = '/';
    for (int32_t i = 0; i < n;) {
        while (i < n && tmp[i] == '/')
            i++;
        int32_t b = i;
        while (i < n && tmp[i] != '/')
            i++;
        int32_t len = i - b;
        if (len == 0 || (len == 1 && tmp[b] == '.'))
            continue;
        if (len == 2 && tmp[b] == '.' && tmp[b + 1] == '.') {
            while (o > 1 && out[o - 1] != '/')
                o--;
            if (o > 1)
                o--;                /* the '/' before it */
            continue;
        }
        if (o + (o > 1) + len >= cap)
            return false;
        if (o > 1)
            out[o++] = '/';
        for (int32_t k = 0; k < len; k++)
            out[o++] = tmp[b + k];
    }
    out[o] = 0;
    return true;
}

bool fs_abs(const char *p, char *out, int32_t cap)
{
    return resolve(p, out, cap);
}

/* resolve into one of four rotating buffers (a command holds at most
 * two at once); NULL, after saying why, when too long. */
static const char *abs_(const char *cmd, const char *p)
{
    static char b[4][FS_PATH_MAX];
    static int next;
    char *o = b[next++ & 3];
    if (!resolve(p, o, FS_PATH_MAX)) {
        fail(cmd, p, FS_ENAMETOOLONG);
        return 0;
    }
    return o;
}

void c_pwd(int argc, char **argv)
{
    (void)argc, (void)argv;
    puts_(cwd);
    puts_("\n");
}

void c_cd(int argc, char **argv)
{
    if (argc > 2) {
        puts_("usage: cd [DIR]\n");
        return;
    }
    if (!ready("cd"))
        return;
    const char *p = abs_("cd", argc < 2 ? "/" : argv[1]);
    uint32_t mode;
    uint64_t size;
    if (!p)
        return;
    int64_t r = stat_of(0, p, false, &mode, &size);
    if (r == 0 && !is_dir(mode))
        r = FS_ENOTDIR;
    if (r < 0) {
        fail("cd", argv[1], r);
        return;
    }
    int32_t i = 0;
    for (; p[i]; i++)
        cwd[i] = p[i];
    cwd[i] = 0;
}

void fs_sync_quiet(void)
{
    if (ep >= 0 && buf >= 0)
        hcall(FS_SYNC, 0, 0, 0);
}

/* ---- ls */

static void entry_line(int64_t h, const char *name, const char *shown, uint32_t mode,
                       uint64_t size)
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
    puts_(shown);
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

static void ls_one(const char *arg, bool header)
{
    uint32_t mode;
    uint64_t size;
    const char *path = abs_("ls", arg);
    if (!path)
        return;
    int64_t r = stat_of(0, path, false, &mode, &size);
    if (r < 0) {
        fail("ls", arg, r);
        return;
    }
    if (!is_dir(mode)) {
        entry_line(0, path, arg, mode, size);
        return;
    }
    int64_t h = call(FS_OPEN, 0, path, 0, FS_O_DIRECTORY, 0);
    if (h < 0) {
        fail("ls", arg, h);
        return;
    }
    if (header) {
        puts_(arg);
        puts_(":\n");
    }
    /* Entries a page of dirents at a time; each then stat'ed through the
     * directory's handle (the buffer is reused, so names are copied out). */
    uint64_t cookie = 0;
    for (int rounds = 0; rounds < 100000; rounds++) {
        int64_t n = hcall(FS_READDIR, h, (int64_t)cookie, 0);
        if (n < 0) {
            fail("ls", arg, n);
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
                entry_line(h, names[i], names[i], mode, size);
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
        ls_one(".", false);
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
        const char *path = abs_("cat", argv[i]);
        int64_t h = path ? call(FS_OPEN, 0, path, 0, 0, 0) : 0;
        if (!path)
            continue;
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
    const char *src = abs_("cp", argv[1]), *to = abs_("cp", argv[2]);
    if (!src || !to || !target("cp", src, to, dst, sizeof dst))
        return;
    uint32_t m1, m2;
    uint64_t s1, s2;
    int64_t r = stat_of(0, src, false, &m1, &s1);
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
    int64_t in = call(FS_OPEN, 0, src, 0, 0, 0);
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
    const char *src = abs_("mv", argv[1]), *to = abs_("mv", argv[2]);
    if (!src || !to || !target("mv", src, to, dst, sizeof dst))
        return;
    int64_t r = call(FS_RENAME, 0, src, dst, 0, 0);
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
        const char *path = abs_(argv[0], argv[i]);
        int64_t r = path ? call(op, 0, path, 0, 0, 0) : 0;
        if (r < 0)
            fail(argv[0], argv[i], r);
    }
    fs_sync_quiet();
}

/* The first entry of directory `tree` other than "." and "..", appended
 * to tree as "/NAME": its length, 0 when the directory is empty, or an
 * error. The names are read from the start each time: what was removed is
 * gone, so no position is kept across removals. */
static char tree[FS_PATH_MAX];

static int64_t first_entry(int32_t len)
{
    int64_t h = call(FS_OPEN, 0, tree, 0, FS_O_DIRECTORY | FS_O_NOFOLLOW, 0);
    if (h < 0)
        return h;
    int64_t found = 0;
    uint64_t cookie = 0;
    for (int rounds = 0; rounds < 100000 && !found; rounds++) {
        int64_t n = hcall(FS_READDIR, h, (int64_t)cookie, 0);
        if (n <= 0) {
            found = n;
            break;
        }
        int64_t at = 0;
        for (; at + 24 <= n && !found;) {
            uint32_t nl = (uint32_t)get64(page + at + 16);
            if (nl == 0 || nl > 255 || at + 24 + nl > n)
                break;
            const uint8_t *nm = page + at + 24;
            cookie = get64(page + at);
            at += 24 + nl;
            if ((nl == 1 && nm[0] == '.') || (nl == 2 && nm[0] == '.' && nm[1] == '.'))
                continue;
            if (len + 1 + (int32_t)nl >= FS_PATH_MAX) {
                found = FS_ENAMETOOLONG;
                break;
            }
            tree[len] = '/';
            for (uint32_t c = 0; c < nl; c++)
                tree[len + 1 + c] = (char)nm[c];
            tree[len + 1 + nl] = 0;
            found = len + 1 + nl;
        }
        if (at == 0 && !found)
            break;          /* a page with no whole entry: nothing more */
    }
    hcall(FS_CLOSE, h, 0, 0);
    return found;
}

/* Removes tree (len bytes) and, if it is a directory, everything below
 * it, depth first; symbolic links are removed, not followed. */
static int64_t rm_tree(int32_t len, int depth)
{
    uint32_t mode;
    uint64_t size;
    tree[len] = 0;
    int64_t r = stat_of(0, tree, true, &mode, &size);
    if (r < 0)
        return r;
    if (!is_dir(mode))
        return call(FS_UNLINK, 0, tree, 0, 0, 0);
    if (depth >= 64)
        return FS_ELOOP;
    for (int guard = 0; guard < 1000000; guard++) {
        int64_t n = first_entry(len);
        if (n <= 0) {
            tree[len] = 0;
            if (n < 0)
                return n;
            break;
        }
        if ((r = rm_tree((int32_t)n, depth + 1)) < 0) {
            fail("rm", tree, r);
            tree[len] = 0;
            return r;
        }
        tree[len] = 0;
    }
    return call(FS_RMDIR, 0, tree, 0, 0, 0);
}

void c_rm(int argc, char **argv)
{
    if (argc < 2 || (argv[1][0] == '-' && !(argv[1][1] == 'r' && !argv[1][2]))) {
        puts_("usage: rm FILE... | rm -r PATH...\n");
        return;
    }
    if (argv[1][0] != '-') {
        each(argc, argv, FS_UNLINK, "usage: rm FILE...\n");
        return;
    }
    if (argc < 3) {
        puts_("usage: rm -r PATH...\n");
        return;
    }
    if (!ready("rm"))
        return;
    for (int i = 2; i < argc; i++) {
        if (!resolve(argv[i], tree, sizeof tree)) {
            fail("rm", argv[i], FS_ENAMETOOLONG);
            continue;
        }
        if (tree[0] == '/' && !tree[1]) {
            puts_("rm: refusing to remove the root directory\n");
            continue;
        }
        int64_t r = rm_tree(ath_strlen(tree), 0);
        if (r < 0)
            fail("rm", argv[i], r);
    }
    fs_sync_quiet();
}
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
    const char *arg = path;
    if (!(path = abs_("echo", arg)))
        return;
    int64_t h = call(FS_OPEN, 0, path, 0, FS_O_CREAT | FS_O_WRITE | (append ? 0 : FS_O_TRUNC), 0);
    if (h < 0) {
        fail("echo", arg, h);
        return;
    }
    if (n > CHUNK)
        n = CHUNK;
    for (int32_t i = 0; i < n; i++)
        page[i] = (uint8_t)text[i];
    int64_t w = hcall(FS_PWRITE, h, append ? -1 : 0, n);
    if (w != n)
        fail("echo", arg, w < 0 ? w : FS_ENOSPC);
    hcall(FS_CLOSE, h, 0, 0);
    fs_sync_quiet();
}

/* The directory of word's first b bytes (its path up to the last
 * component; none: the working directory), opened: a handle, or < 0. */
static int64_t open_dir_of(const char *word, int32_t b)
{
    char typed[FS_PATH_MAX], dir[FS_PATH_MAX];
    if (b >= (int32_t)sizeof typed)
        return FS_ENAMETOOLONG;
    for (int32_t i = 0; i < b; i++)
        typed[i] = word[i];
    typed[b] = 0;
    if (!resolve(b ? typed : ".", dir, sizeof dir))
        return FS_ENAMETOOLONG;
    return call(FS_OPEN, 0, dir, 0, FS_O_DIRECTORY, 0);
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
    int64_t h = open_dir_of(word, b);
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

/* ---- wildcards */

/* Does name (nl bytes) match pattern p (pl bytes): * any run, ? any one byte. */
static bool match(const char *p, int32_t pl, const char *name, int32_t nl)
{
    int32_t i = 0, j = 0, star = -1, mark = 0;
    while (j < nl) {
        if (i < pl && (p[i] == '?' || p[i] == name[j])) {
            i++, j++;
        } else if (i < pl && p[i] == '*') {
            star = i++;
            mark = j;
        } else if (star >= 0) {
            i = star + 1;
            j = ++mark;
        } else {
            return false;
        }
    }
    while (i < pl && p[i] == '*')
        i++;
    return i == pl;
}

static bool before(const char *a, const char *b)
{
    for (; *a && *a == *b; a++, b++)
        ;
    return (uint8_t)*a < (uint8_t)*b;
}

int fs_glob(const char *word, char *out, int32_t cap, char **v, int max)
{
    int32_t wl = slen(word), b = wl;
    while (b > 0 && word[b - 1] != '/')
        b--;
    bool wild = false;
    for (int32_t i = b; i < wl; i++)
        wild = wild || word[i] == '*' || word[i] == '?';
    for (int32_t i = 0; i < b; i++)
        if (word[i] == '*' || word[i] == '?')
            return 0;                   /* only the last component expands */
    if (!wild || max <= 0 || (ep < 0 && (ep = ath_cap_find("fs.root")) < 0) ||
        (buf < 0 && !ready("glob")))
        return 0;
    int64_t h = open_dir_of(word, b);
    if (h < 0)
        return 0;
    int found = 0;
    int32_t used = 0;
    uint64_t cookie = 0;
    for (int rounds = 0; rounds < 100000 && found < max; rounds++) {
        int64_t n = hcall(FS_READDIR, h, (int64_t)cookie, 0);
        if (n <= 0)
            break;
        int64_t at = 0;
        for (; at + 24 <= n && found < max;) {
            uint32_t nl = (uint32_t)get64(page + at + 16);
            if (nl == 0 || at + 24 + nl > n)
                break;
            const char *nm = (const char *)page + at + 24;
            cookie = get64(page + at);
            at += 24 + nl;
            /* names starting with "." only for a pattern that does */
            if ((nm[0] == '.' && word[b] != '.') || !match(word + b, wl - b, nm, (int32_t)nl))
                continue;
            if ((nl == 1 && nm[0] == '.') || (nl == 2 && nm[0] == '.' && nm[1] == '.'))
                continue;
            if (used + b + (int32_t)nl + 1 > cap)
                break;
            char *o = out + used;
            for (int32_t i = 0; i < b; i++)
                o[i] = word[i];
            for (uint32_t i = 0; i < nl; i++)
                o[b + i] = nm[i];
            o[b + nl] = 0;
            used += b + (int32_t)nl + 1;
            /* sorted as they come in */
            int k = found++;
            while (k > 0 && before(o, v[k - 1])) {
                v[k] = v[k - 1];
                k--;
            }
            v[k] = o;
        }
        if (at == 0)
            break;
    }
    hcall(FS_CLOSE, h, 0, 0);
    return found;
}
