/*
 * libFuzzer target: the display service's files (user/services/display/
 * files.c, export `files`; docs/display.md "WASI programs"), compiled
 * hosted and driven with a sequence of file-protocol calls decoded from
 * the input (tests/fuzz/dispfiles.h): opens of app, win, other names and
 * the directory, writes in and out of order with bytes from the input,
 * stats, listings, closes, from three badges and none, on forged handles.
 *
 * The harness stands in for the rest of the service and for the kernel:
 * the windows (backing stores malloc'ed at their exact sizes, so ASan
 * sees any write outside them; the text window has none), start(),
 * outer(), redraw() (each rectangle recorded and checked on the screen),
 * ath_call_badge() (the badge this call carries) and the lent buffer:
 * ath_lend_map() maps a buffer of 1-16 pages in the low 2 GiB (files.c
 * turns the mapping's 32-bit offset into a pointer), ending at a page
 * that is never accessible, and refuses a buffer larger than max_pages
 * as the SDK does; outside the mapping the pages are poisoned for ASan
 * (so a read before the map or after the unmap is a report).
 *
 * After every call the result is checked against a model of the
 * protocol kept here: the exact result (or, for a handle, one of the
 * free ones of its kind); a handle answers only to its badge; the header
 * checked by ref_header(), a rule written here from the documented one
 * (it shares nothing with files.c's parser): a valid prefix is never
 * refused and a bad header is refused at the latest at its last
 * separator; the pixels after a valid header drawn into a copy of each
 * backing store (on black, magnified by the largest whole factor up to 4
 * that fits, cut), compared with the real ones when a picture is
 * finished and at the end; the
 * window redrawn (outer(), once) exactly when the w*h*3-th pixel byte
 * came; after FS_EINVAL every write refused until the close; what stat
 * and readdir put in the buffer. At the end every handle is closed and
 * the handle table must be whole again (4 files, 8 directory handles).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sanitizer/asan_interface.h>

#include "display.h"
#include <fsproto.h>

#include "dispfiles.h"

int64_t files(int64_t a0, int64_t a1, int64_t a2, int64_t lent);

/* The handle layout (files.c's comment): files DDIR + 1..NFILES, the
 * directory's handles DDIR + DIRS + 0..NDIRS-1. */
#define DDIR (2ull << 40)
#define NFILES 4
#define DIRS 64
#define NDIRS 8
#define BORDER 2
#define PAGES 16                /* FS_LEND_PAGES: what files.c maps */
#define LEND_ID 77
#define MAX_BYTES (3u << 20)    /* pixel bytes written per input, at most */

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_dispfiles: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* ---- the rest of the display service */

window_t win[NWIN];
uint32_t sw, sh;
bool up;
static int start_fails;         /* start() calls still to fail */
static uint32_t cfg[4];         /* tile w, h; floating window w, h */
static int starts;              /* start() calls in this files() call */
static rect_t redraws[4];
static int nredraws;

/* Backing store k (copy 1: the model's) of n pixels, malloc'ed at that
 * size; kept while the size stays (fresh memory on every input is slow). */
static uint32_t *store(int k, int copy, uint32_t n)
{
    static uint32_t *p[3][2], size[3][2];
    if (!p[k][copy] || size[k][copy] != n) {
        free(p[k][copy]);
        p[k][copy] = malloc((size_t)n * 4);
        size[k][copy] = n;
    }
    return p[k][copy];
}

int32_t start(void)
{
    starts++;
    if (up)
        fail("start() called with the screen up");
    if (start_fails > 0) {
        start_fails--;
        return ATH_ESTOPPED;
    }
    sw = cfg[2] + 2 * BORDER + cfg[0] + 8;
    sw = sw < 64 ? 64 : sw;
    sh = cfg[1] > cfg[3] + 2 * BORDER ? cfg[1] : cfg[3] + 2 * BORDER;
    sh = sh < 64 ? 64 : sh;
    win[0] = (window_t){0, 0, 8, sh, 0, false, true, true};
    win[1] = (window_t){sw - cfg[0], 0, cfg[0], cfg[1], 0, false, true, false};
    win[2] = (window_t){BORDER, BORDER, cfg[2], cfg[3], 0, true, false, false};
    for (int k = 1; k < 3; k++) {
        win[k].pix = store(k, 0, win[k].w * win[k].h);
        for (uint32_t i = 0; i < win[k].w * win[k].h; i++)
            win[k].pix[i] = (i * 2654435761u + (uint32_t)k) & 0xffffff;  /* what was there */
    }
    up = true;
    return 0;
}

rect_t outer(const window_t *w)
{
    if (w->floating)
        return (rect_t){w->x - BORDER, w->y - BORDER, w->w + 2 * BORDER, w->h + 2 * BORDER};
    return (rect_t){w->x, w->y, w->w, w->h};
}

void redraw(rect_t r)
{
    if (!up || r.w == 0 || r.h == 0 || r.x + r.w > sw || r.y + r.h > sh || r.x + r.w < r.x ||
        r.y + r.h < r.y)
        fail("redraw of %u,%u %ux%u: not on the %ux%u screen", r.x, r.y, r.w, r.h, sw, sh);
    if (nredraws == 4)
        fail("more than 4 redraws in one call");
    redraws[nredraws++] = r;
}

/* ---- the kernel: the badge and the lent buffer */

static int64_t cur_badge;
static bool trace;              /* DISPFILES_TRACE=1: each call to stderr */
static uint8_t *region;         /* a guard page, PAGES pages, a guard page, below 2 GiB */
static uint32_t lend_pages;     /* the lent buffer's (0: none lent) */
static bool mapped;

int64_t ath_call_badge(void)
{
    return cur_badge;
}

static uint8_t *lend_at(void)
{
    return region + (size_t)(1 + PAGES - lend_pages) * ATH_PAGE;
}

/* The region's pages are poisoned for ASan except while files.c has the
 * buffer mapped (or the harness fills or reads it): any access outside
 * that is a report, and the page after the buffer is never accessible. */
static void protect(uint8_t *p, size_t len, int prot)
{
    if (prot == PROT_NONE)
        ASAN_POISON_MEMORY_REGION(p, len);
    else
        ASAN_UNPOISON_MEMORY_REGION(p, len);
}

int32_t ath_lend_map(ath_handle_t buf, uint32_t max_pages, uint32_t *pages)
{
    if (max_pages == 0 || max_pages > 16 * 64)
        return ATH_EINVAL;
    if (buf != LEND_ID || lend_pages == 0)
        return ATH_EINVAL;      /* no such buffer */
    if (mapped)
        return ATH_EMAPPED;
    if (lend_pages > max_pages)
        return ATH_EINVAL;      /* larger than the window: it does not map */
    protect(lend_at(), (size_t)lend_pages * ATH_PAGE, PROT_READ | PROT_WRITE);
    mapped = true;
    *pages = lend_pages;
    return (int32_t)(uintptr_t)lend_at();
}

int32_t ath_buf_unmap(ath_handle_t buf)
{
    if (buf != LEND_ID || !mapped)
        fail("buf_unmap(%d) of a buffer not mapped", buf);
    protect(lend_at(), (size_t)lend_pages * ATH_PAGE, PROT_NONE);
    mapped = false;
    return 0;
}

/* Lends a buffer of `pages` (0 none; more than PAGES: a buffer that does
 * not map), its first n bytes from src, the rest `fill`. */
static int64_t lend(uint32_t pages, const uint8_t *src, uint32_t n, uint8_t fill)
{
    if (pages == 0) {
        lend_pages = 0;
        return -1;
    }
    if (pages > PAGES) {
        lend_pages = pages;
        return LEND_ID;
    }
    lend_pages = pages;
    uint8_t *p = lend_at();
    size_t len = (size_t)pages * ATH_PAGE;
    protect(p, len, PROT_READ | PROT_WRITE);
    n = n < len ? n : (uint32_t)len;
    if (n)
        memcpy(p, src, n);
    memset(p + n, fill, len - n);
    protect(p, len, PROT_NONE);
    return LEND_ID;
}

/* ---- the reference header rule (docs/display.md): "P6", then width,
 * height and maxval as decimal numbers of 1 to 5 digits, one whitespace
 * byte (space, tab, CR, LF) before each and after the last; width
 * 1..1024, height 1..768, maxval 255. */
enum { REF_MORE, REF_DONE, REF_BAD };

static bool ref_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* digits digits of value v so far: can more digits (up to 5 in all) or
 * none (complete) make it lo..hi? */
static bool ref_num_ok(uint64_t v, uint32_t digits, bool complete, uint64_t lo, uint64_t hi)
{
    if (digits > 5)
        return false;
    if (complete)
        return digits >= 1 && v >= lo && v <= hi;
    uint64_t p = 1;
    for (uint32_t k = 0; digits + k <= 5; k++, p *= 10)
        if (v * p <= hi && v * p + p - 1 >= lo && digits + k >= 1)
            return true;
    return false;
}

/* The header so far, s[0..n): REF_MORE (a prefix of a valid one),
 * REF_DONE (a whole valid one), REF_BAD. *ends: the header is over, valid
 * or not: its last byte is the separator after a third number, or a byte
 * no header has there (not "P6", not a digit or a single separator). A
 * bad header must be refused by then (a number out of range may be found
 * at its end: files.c checks them there). */
static int ref_header(const uint8_t *s, uint32_t n, uint32_t *w, uint32_t *h, bool *ends)
{
    static const uint64_t lo[3] = {1, 1, 255}, hi[3] = {1024, 768, 255};
    uint64_t v[3] = {0, 0, 0};
    uint32_t digits[3] = {0, 0, 0}, seps = 0;
    bool bad = false;
    *ends = false;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        *ends = false;
        if (i < 2) {
            if (c != "P6"[i])
                return *ends = true, REF_BAD;
            continue;
        }
        if (seps == 4)
            return *ends = true, REF_BAD;   /* never asked: the header ended */
        if (ref_ws(c)) {
            if (seps > 0 && digits[seps - 1] == 0)
                return *ends = true, REF_BAD;   /* two separators */
            seps++;
            *ends = seps == 4;
        } else if (c >= '0' && c <= '9' && seps >= 1) {
            uint32_t k = seps - 1;
            digits[k]++;
            if (v[k] < 1000000)
                v[k] = v[k] * 10 + (uint64_t)(c - '0');
        } else {
            return *ends = true, REF_BAD;
        }
    }
    for (uint32_t k = 0; k < 3 && k < seps; k++)
        bad |= !ref_num_ok(v[k], digits[k], seps > k + 1, lo[k], hi[k]);
    if (bad)
        return REF_BAD;
    if (seps < 4)
        return REF_MORE;
    *w = (uint32_t)v[0], *h = (uint32_t)v[1];
    return REF_DONE;
}

/* ---- the model */

typedef struct mfile {
    bool open, bad;
    int64_t badge;
    int wn;
    uint64_t pos;
    uint8_t hdr[32];
    uint32_t nhdr;
    bool doomed;                /* the header is bad: refused by its end at the latest */
    uint32_t w, h, scale, px, npart;
    uint8_t part[3];
} mfile_t;

static mfile_t mf[NFILES];
static int64_t mdir[NDIRS];     /* the badge holding it, 0 free */
static bool m_up, m_shown2;
static int m_fails;
static uint32_t *shadow[3];     /* what each backing store must hold */

static struct known {
    uint64_t h;
    int64_t badge;
} known[32];
static int nknown;

static bool is_file_h(uint64_t h)
{
    return h > DDIR && h <= DDIR + NFILES;
}
static bool is_dir_h(uint64_t h)
{
    return h >= DDIR + DIRS && h < DDIR + DIRS + NDIRS;
}
static mfile_t *mfile_of(uint64_t h, int64_t b)
{
    mfile_t *f = is_file_h(h) ? &mf[h - DDIR - 1] : 0;
    return f && f->open && f->badge == b ? f : 0;
}
static bool mdir_of(uint64_t h, int64_t b)
{
    return is_dir_h(h) && mdir[h - DDIR - DIRS] == b;
}

static void remember(uint64_t h, int64_t b)
{
    if (nknown < 32)
        known[nknown++] = (struct known){h, b};
}

/* ---- the input */

static const uint8_t *in;
static size_t in_len, in_at;
static uint32_t bytes_out;      /* pixel bytes generated so far */

static uint8_t get8(void)
{
    return in_at < in_len ? in[in_at++] : 0;
}
static uint16_t get16(void)
{
    uint16_t v = get8();
    return (uint16_t)(v | get8() << 8);
}
static uint64_t get64(void)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)get8() << (8 * i);
    return v;
}

static uint64_t forged(uint8_t b)
{
    static const uint64_t fixed[] = {
        0, DDIR - 1, DDIR, DDIR + 1, DDIR + 2, DDIR + 3, DDIR + 4, DDIR + 5, DDIR + DIRS - 1,
        DDIR + DIRS, DDIR + DIRS + 1, DDIR + DIRS + 7, DDIR + DIRS + 8, 1, 2, (1ull << 56) - 1,
        DDIR + 1 + (1ull << 32), DDIR + DIRS + (1ull << 48),
    };
    uint32_t i = (uint32_t)(b - DF_FORGED);
    if (i < sizeof fixed / sizeof fixed[0])
        return fixed[i];
    return get64() & ((1ull << 56) - 1);
}

/* A handle field: the handle and the badge that holds it (1 if none). */
static uint64_t handle_of(uint8_t b, int64_t *owner)
{
    *owner = 1;
    if (b == 0)
        return 0;
    if (b >= DF_FORGED || nknown == 0)
        return b >= DF_FORGED ? forged(b) : 0;
    const struct known *k = &known[(b - 1) % nknown];
    *owner = k->badge;
    return k->h;
}

static int64_t badge_of(uint8_t who, int64_t owner)
{
    static const int64_t fixed[4] = {0, 1, 2, 3};
    who &= 7;
    return who < DF_NOBADGE ? owner : fixed[who - DF_NOBADGE];
}

static uint32_t lend_pages_of(uint8_t b)
{
    if (b == DF_LEND_NONE)
        return 0;
    if (b == DF_LEND_BIG)
        return PAGES + 1;
    return b < DF_LEND_NONE ? 1u + b : 1;
}

/* ---- a call and its checks */

static int64_t call(int64_t badge, uint32_t op, uint64_t h, int64_t a1, int64_t a2, int64_t lent)
{
    cur_badge = badge;
    starts = nredraws = 0;
    int64_t r = files((int64_t)((uint64_t)op | h << 8), a1, a2, lent);
    if (trace)
        fprintf(stderr, "badge %lld op %u h %llx a1 %llx a2 %lld lent %lld/%u pages -> %lld%s\n",
                (long long)badge, op, (unsigned long long)h, (unsigned long long)a1, (long long)a2,
                (long long)lent, lend_pages, (long long)r, nredraws ? " (redraw)" : "");
    if (op != FS_OPEN && starts)
        fail("op %u called start()", op);
    if (mapped)
        fail("op %u returned %lld with the lent buffer still mapped", op, (long long)r);
    if (r < 0 && r != ATH_EINVAL && r != ATH_ERIGHTS && r != ATH_ESTOPPED && r != FS_ENOENT &&
        r != FS_ENOTDIR && r != FS_EISDIR && r != FS_EEXIST && r != FS_EINVAL && r != FS_EBADF &&
        r != FS_ENFILE && r != FS_EUNSUPP)
        fail("op %u returned %lld: not a documented error", op, (long long)r);
    return r;
}

static void expect(int64_t got, int64_t want, const char *what)
{
    if (got != want)
        fail("%s: returned %lld, the model says %lld", what, (long long)got, (long long)want);
}

static void no_redraw(const char *what)
{
    if (nredraws)
        fail("%s: redrew %d rectangles, no picture was finished", what, nredraws);
}

/* Draws pixel f->px (colour c) into the model's copy of its window. */
static void m_pixel(mfile_t *f, uint32_t c)
{
    const window_t *wn = &win[f->wn];
    uint32_t x0 = f->px % f->w * f->scale, y0 = f->px / f->w * f->scale;
    for (uint32_t y = y0; y < y0 + f->scale && y < wn->h; y++)
        for (uint32_t x = x0; x < x0 + f->scale && x < wn->w; x++)
            shadow[f->wn][y * wn->w + x] = c;
    f->px++;
}

static void compare_stores(const char *what)
{
    for (int k = 1; k < 3; k++)
        if (memcmp(win[k].pix, shadow[k], (size_t)win[k].w * win[k].h * 4) != 0) {
            uint32_t i = 0;
            while (win[k].pix[i] == shadow[k][i])
                i++;
            fail("%s: window %d pixel %u,%u is %06x, the model has %06x", what, k, i % win[k].w,
                 i / win[k].w, win[k].pix[i], shadow[k][i]);
        }
}

/* The model of a write of p[0..n) to f (n already cut to the buffer):
 * *may_fail / *must_fail for FS_EINVAL, and the pixels and the picture
 * shown. Returns how many pictures were finished (0 or 1); the model's
 * state is as after all n bytes unless it must fail. When it may fail
 * but need not, *after is the state had it failed (the bytes past the
 * failure are header bytes: nothing drawn). */
static int m_take(mfile_t *f, const uint8_t *p, uint32_t n, bool *may_fail, bool *must_fail)
{
    int shown = 0;
    *may_fail = *must_fail = false;
    for (uint32_t i = 0; i < n; i++) {
        if (f->w == 0) {
            if (f->nhdr == sizeof f->hdr) {
                *must_fail = true;  /* longer than any header: refused by now */
                return shown;
            }
            f->hdr[f->nhdr++] = p[i];
            uint32_t w, h;
            bool ends;
            int r = ref_header(f->hdr, f->nhdr, &w, &h, &ends);
            if (r == REF_BAD || f->doomed) {
                f->doomed = true;
                *may_fail = true;
                if (ends || f->nhdr == sizeof f->hdr) {
                    *must_fail = true;
                    return shown;
                }
                continue;
            }
            if (r == REF_DONE) {
                const window_t *wn = &win[f->wn];
                f->w = w, f->h = h;
                f->scale = 4;
                while (f->scale > 1 && (w * f->scale > wn->w || h * f->scale > wn->h))
                    f->scale--;
                for (uint32_t k = 0; k < wn->w * wn->h; k++)
                    shadow[f->wn][k] = DESK;
            }
            continue;
        }
        if (f->px == f->w * f->h) {
            *may_fail = *must_fail = true;
            return shown;
        }
        f->part[f->npart++] = p[i];
        if (f->npart == 3) {
            m_pixel(f, (uint32_t)f->part[0] << 16 | (uint32_t)f->part[1] << 8 | f->part[2]);
            f->npart = 0;
            if (f->px == f->w * f->h)
                shown++;
        }
    }
    return shown;
}

static int64_t do_write(int64_t badge, uint64_t h, int64_t off, int64_t len, uint32_t pages,
                        const uint8_t *src, uint32_t n, uint8_t fill)
{
    int64_t lent = lend(pages, src, n, fill);
    /* the bytes files.c will take, as lent */
    static uint8_t buf[PAGES * ATH_PAGE];
    uint32_t room = pages <= PAGES ? pages * ATH_PAGE : 0;
    uint32_t cp = n < room ? n : room;
    memcpy(buf, src, cp);
    memset(buf + cp, fill, room - cp);
    mfile_t *f = mfile_of(h, badge);
    int64_t r = call(badge, FS_PWRITE, h, off, len, lent);
    const char *what = "write";
    if (badge == 0) {
        expect(r, ATH_EINVAL, "write without a badge");
    } else if (!f) {
        expect(r, mdir_of(h, badge) ? FS_EISDIR : FS_EBADF, "write to no file of this badge");
    } else if (f->bad || (off != -1 && (uint64_t)off != f->pos) || len < 0) {
        expect(r, FS_EINVAL, f->bad ? "write after FS_EINVAL" : "write out of order");
        f->bad = true;
    } else if (room == 0) {
        expect(r, ATH_ERIGHTS, "write without a mappable buffer");
    } else {
        uint32_t take = (uint64_t)len < room ? (uint32_t)len : room;
        mfile_t before = *f;
        bool may, must;
        int shown = m_take(f, buf, take, &may, &must);
        if (r == FS_EINVAL && !may)
            fail("write of %u bytes at %llu refused (FS_EINVAL), the model takes them", take,
                 (unsigned long long)before.pos);
        if (r != FS_EINVAL && must)
            fail("write of %u bytes at %llu returned %lld, the model refuses them", take,
                 (unsigned long long)before.pos, (long long)r);
        if (r != FS_EINVAL)
            expect(r, take, what);
        if (r == FS_EINVAL) {
            if (!must) {        /* refused early in a bad header: nothing drawn either way */
                if (before.w != 0)
                    fail("model: an early refusal past the header");
                *f = before;
            }
            f->bad = true;
        } else {
            f->pos += take;
        }
        if (nredraws != shown)
            fail("write: %d redraws, the model finished %d pictures", nredraws, shown);
        if (shown) {
            rect_t o = outer(&win[f->wn]);
            if (memcmp(&o, &redraws[0], sizeof o) != 0)
                fail("picture finished: redrew %u,%u %ux%u, not window %d (%u,%u %ux%u)",
                     redraws[0].x, redraws[0].y, redraws[0].w, redraws[0].h, f->wn, o.x, o.y,
                     o.w, o.h);
            if (f->wn == 2)
                m_shown2 = true;
        }
        if (win[2].shown != m_shown2)
            fail("the floating window is %s", win[2].shown ? "shown" : "hidden");
        if (shown)
            compare_stores(what);
        return r;
    }
    no_redraw(what);
    return r;
}

static void op_open(void)
{
    uint8_t who = get8(), dsel = get8(), name = get8() & 7, flags8 = get8(), lsel = get8();
    int64_t owner;
    uint64_t h = handle_of(dsel, &owner);
    int64_t badge = badge_of(who, owner);
    uint8_t path[16];
    uint32_t len = 0;
    static const char *const fixed[8] = {"app", "win", ".", 0, "ap", "appx", "", ".."};
    if (name == DF_NAME_BYTES) {
        len = get8() % 12;
        for (uint32_t i = 0; i < len; i++)
            path[i] = get8();
    } else {
        len = (uint32_t)strlen(fixed[name]);
        memcpy(path, fixed[name], len);
    }
    uint32_t flags = flags8 ^ FS_O_WRITE, pages = lend_pages_of(lsel);
    int64_t lent = lend(pages, path, len, (uint8_t)flags8);
    int64_t r = call(badge, FS_OPEN, h, (int64_t)((uint64_t)len | (uint64_t)flags << 32), 0, lent);
    no_redraw("open");
    int64_t want;
    int kind = 0;               /* 1 a file handle, 2 a directory handle */
    int need_start = 0;
    int wn = len == 3 && !memcmp(path, "app", 3) ? 1 : len == 3 && !memcmp(path, "win", 3) ? 2 : 0;
    if (badge == 0)
        want = ATH_EINVAL;
    else if (len == 0 || len >= 8)
        want = FS_ENOENT;
    else if (pages == 0 || pages > PAGES)
        want = ATH_ERIGHTS;
    else if (h != 0 && !mdir_of(h, badge))
        want = mfile_of(h, badge) ? FS_ENOTDIR : FS_EBADF;
    else if (len == 1 && path[0] == '.') {
        kind = 2;
        want = FS_ENFILE;
        for (int k = 0; k < NDIRS; k++)
            if (!mdir[k])
                want = 0;
    } else if (h == 0 || !wn)
        want = FS_ENOENT;
    else if (flags & FS_O_DIRECTORY)
        want = FS_ENOTDIR;
    else if (flags & FS_O_EXCL)
        want = FS_EEXIST;
    else if (!(flags & FS_O_WRITE))
        want = ATH_ERIGHTS;
    else if (!m_up && m_fails > 0) {
        m_fails--;
        need_start = 1;
        want = ATH_ESTOPPED;
    } else {
        if (!m_up) {
            m_up = true;
            need_start = 1;
            for (int k = 1; k < 3; k++) {
                shadow[k] = store(k, 1, win[k].w * win[k].h);
                memcpy(shadow[k], win[k].pix, (size_t)win[k].w * win[k].h * 4);
            }
        }
        kind = 1;
        want = FS_ENFILE;
        for (int k = 0; k < NFILES; k++)
            if (!mf[k].open)
                want = 0;
    }
    if (starts != need_start)
        fail("open: start() called %d times, the model %d (result %lld)", starts, need_start,
             (long long)r);
    if (want != 0 || r < 0) {
        expect(r, want, "open");
        return;
    }
    uint64_t got = (uint64_t)r;
    if (kind == 2) {
        if (!is_dir_h(got) || mdir[got - DDIR - DIRS])
            fail("open of the directory returned %llx: not a free directory handle",
                 (unsigned long long)got);
        mdir[got - DDIR - DIRS] = badge;
    } else {
        if (!is_file_h(got) || mf[got - DDIR - 1].open)
            fail("open of %s returned %llx: not a free file handle", wn == 1 ? "app" : "win",
                 (unsigned long long)got);
        mf[got - DDIR - 1] = (mfile_t){.open = true, .badge = badge, .wn = wn};
    }
    remember(got, badge);
}

static int64_t off_of(uint8_t m, mfile_t *f)
{
    uint64_t pos = f ? f->pos : 0;
    switch (m & 3) {
    case 0:
        return -1;
    case 1:
        return (int64_t)pos;
    case 2:
        return (int64_t)(pos + (uint64_t)(int64_t)(int8_t)get8());
    default:
        return (int64_t)get64();
    }
}

static void op_write(void)
{
    uint8_t who = get8(), hs = get8(), om = get8(), lm = get8(), ls = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    int64_t off = off_of(om, mfile_of(h, badge));
    uint8_t n = get8(), data[256];
    for (uint32_t i = 0; i < n; i++)
        data[i] = get8();
    int64_t len = (lm & 3) == 0   ? n
                  : (lm & 3) == 1 ? n + get8()
                  : (lm & 3) == 2 ? 1ll << 40
                                  : (int64_t)get64();
    do_write(badge, h, off, len, lend_pages_of(ls), data, n, (uint8_t)(lm >> 2));
}

static uint32_t put_num(char *s, uint32_t v, uint32_t zeros)
{
    return (uint32_t)sprintf(s, "%.*s%u", (int)zeros, "000", v);
}

static void op_header(void)
{
    uint8_t who = get8(), hs = get8(), magic = get8() & 7;
    uint16_t seps = get16(), w = get16(), hh = get16();
    w = w < 0x8000 ? w : (uint16_t)((w - 0x8000) % 1100);   /* near the bounds half the time */
    hh = hh < 0x8000 ? hh : (uint16_t)((hh - 0x8000) % 800);
    uint8_t maxval = get8(), zeros = get8(), split = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    static const char *const magics[8] = {"P6", "P6", "P6", "P6", "P3", "p6", "P5", "P6P6"};
    static const char *const sepv[16] = {" ", " ", " ", " ", " ", " ", " ", " ",
                                         "\n", "\t", "\r", "\v", "\f", "  ", "#", ""};
    char s[64];
    uint32_t n = (uint32_t)sprintf(s, "%s", magics[magic]);
    uint32_t v[3] = {w, hh, maxval ? maxval : 255};
    for (int k = 0; k < 3; k++) {
        n += (uint32_t)sprintf(s + n, "%s", sepv[(seps >> (4 * k)) & 15]);
        n += put_num(s + n, v[k], (zeros >> (2 * k)) & 3);
    }
    n += (uint32_t)sprintf(s + n, "%s", sepv[(seps >> 12) & 15]);
    uint32_t cut = split % (n + 1);
    if (cut)
        do_write(badge, h, -1, cut, 1, (const uint8_t *)s, cut, 0);
    if (cut < n)
        do_write(badge, h, -1, n - cut, 1, (const uint8_t *)s + cut, n - cut, 0);
}

static void fill_write(int64_t badge, uint64_t h, uint32_t count, uint8_t value, uint8_t step)
{
    static uint8_t data[PAGES * ATH_PAGE];
    for (uint32_t i = 0; i < count; i++)
        data[i] = (uint8_t)(value + i * step);
    bytes_out += count;
    do_write(badge, h, -1, count, (count + ATH_PAGE - 1) / ATH_PAGE, data, count, 0);
}

static void op_fill(void)
{
    uint8_t who = get8(), hs = get8();
    uint32_t count = (uint32_t)get16() + 1;
    uint8_t value = get8(), step = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    if (bytes_out + count > MAX_BYTES)
        return;
    fill_write(badge_of(who, owner), h, count, value, step);
}

/* Writes the rest of the picture (the model's count), 64 KiB at a time. */
static void op_finish(void)
{
    uint8_t who = get8(), hs = get8(), value = get8(), step = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    mfile_t *f = mfile_of(h, badge);
    uint64_t left = f && f->w ? (uint64_t)f->w * f->h * 3 - (uint64_t)f->px * 3 - f->npart : 3;
    while (left && bytes_out < MAX_BYTES) {
        uint32_t c = left < PAGES * ATH_PAGE ? (uint32_t)left : PAGES * ATH_PAGE;
        if (c > MAX_BYTES - bytes_out)
            c = MAX_BYTES - bytes_out;
        fill_write(badge, h, c, value, step);
        left -= c;
        if (!(f = mfile_of(h, badge)) || f->bad)
            break;
        value = (uint8_t)(value + c * step);
    }
}

static void op_fstat(void)
{
    uint8_t who = get8(), hs = get8(), ls = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    uint32_t pages = lend_pages_of(ls);
    int64_t lent = lend(pages, 0, 0, 0xee);
    int64_t r = call(badge, FS_FSTAT, h, 0, 0, lent);
    no_redraw("fstat");
    mfile_t *f = mfile_of(h, badge);
    bool d = mdir_of(h, badge);
    if (badge == 0)
        expect(r, ATH_EINVAL, "fstat without a badge");
    else if (!f && !d)
        expect(r, FS_EBADF, "fstat of no handle of this badge");
    else if (pages == 0 || pages > PAGES)
        expect(r, ATH_ERIGHTS, "fstat without a mappable buffer");
    else {
        expect(r, 0, "fstat");
        fs_stat_t st = {.ino = h, .size = f ? f->pos : 0, .mode = f ? 0x8000 | 0222 : 0x4000 | 0333,
                        .links = 1};
        uint8_t *p = lend_at();
        protect(p, ATH_PAGE, PROT_READ);
        if (memcmp(p, &st, sizeof st) != 0)
            fail("fstat: the record is not the model's");
        for (uint32_t i = sizeof st; i < ATH_PAGE; i++)
            if (p[i] != 0xee)
                fail("fstat: byte %u of the buffer written", i);
        protect(p, ATH_PAGE, PROT_NONE);
    }
}

static void op_readdir(void)
{
    uint8_t who = get8(), hs = get8(), cs = get8(), ls = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    int64_t cookie = cs < 0xf0 ? (int64_t)(cs % 5) - 1 : (int64_t)get64();
    uint32_t pages = lend_pages_of(ls);
    int64_t lent = lend(pages, 0, 0, 0xdd);
    int64_t r = call(badge, FS_READDIR, h, cookie, 0, lent);
    no_redraw("readdir");
    if (badge == 0)
        expect(r, ATH_EINVAL, "readdir without a badge");
    else if (!mdir_of(h, badge))
        expect(r, mfile_of(h, badge) ? FS_ENOTDIR : FS_EBADF, "readdir of no directory handle");
    else if (pages == 0 || pages > PAGES)
        expect(r, ATH_ERIGHTS, "readdir without a mappable buffer");
    else {
        uint8_t want[2 * (sizeof(fs_dirent_t) + 3)];
        uint32_t n = 0;
        for (int64_t k = cookie < 0 ? 2 : cookie; k < 2; k++) {
            fs_dirent_t e = {(uint64_t)k + 1, DDIR + 1 + (uint64_t)k, 3, 4, {0, 0, 0}};
            memcpy(want + n, &e, sizeof e);
            memcpy(want + n + sizeof e, k ? "win" : "app", 3);
            n += sizeof e + 3;
        }
        expect(r, n, "readdir");
        uint8_t *p = lend_at();
        protect(p, ATH_PAGE, PROT_READ);
        if (memcmp(p, want, n) != 0)
            fail("readdir: the entries are not the model's");
        for (uint32_t i = n; i < ATH_PAGE; i++)
            if (p[i] != 0xdd)
                fail("readdir: byte %u of the buffer written", i);
        protect(p, ATH_PAGE, PROT_NONE);
    }
}

static void m_close(int64_t badge, uint64_t h, int64_t r)
{
    no_redraw("close");
    mfile_t *f = mfile_of(h, badge);
    if (badge == 0) {
        expect(r, ATH_EINVAL, "close without a badge");
    } else if (f) {
        expect(r, 0, "close");
        f->open = false;
    } else if (mdir_of(h, badge)) {
        expect(r, 0, "close of a directory handle");
        mdir[h - DDIR - DIRS] = 0;
    } else {
        expect(r, FS_EBADF, "close of no handle of this badge");
    }
}

static void op_close(void)
{
    uint8_t who = get8(), hs = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    m_close(badge, h, call(badge, FS_CLOSE, h, 0, 0, lend(1, 0, 0, 0)));
}

static void op_pread(void)
{
    uint8_t who = get8(), hs = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    int64_t r = call(badge, FS_PREAD, h, 0, 16, lend(1, 0, 0, 0));
    no_redraw("pread");
    expect(r,
           badge == 0            ? ATH_EINVAL
           : mfile_of(h, badge)  ? ATH_ERIGHTS
           : mdir_of(h, badge)   ? FS_EISDIR
                                 : FS_EBADF,
           "pread");
}

static void op_other(void)
{
    uint8_t who = get8(), hs = get8(), op = get8();
    int64_t owner;
    uint64_t h = handle_of(hs, &owner);
    int64_t badge = badge_of(who, owner);
    if (op == FS_OPEN || op == FS_PWRITE || op == FS_FSTAT || op == FS_READDIR || op == FS_CLOSE ||
        op == FS_PREAD)
        op = FS_SYNC;
    int64_t a1 = (int64_t)get64(), a2 = (int64_t)get64();
    int64_t r = call(badge, op, h, a1, a2, lend(1, 0, 0, 0));
    no_redraw("other op");
    expect(r, badge == 0 ? ATH_EINVAL : op == FS_SYNC ? 0 : FS_EUNSUPP, "other op");
}

/* ---- an input */

static void set_up(uint8_t c)
{
    start_fails = m_fails = c & 3;
    if (((c >> 2) & 3) == 0) {
        cfg[0] = 256, cfg[1] = 768, cfg[2] = 320, cfg[3] = 240;
    } else {
        cfg[0] = 1 + get8() % 96, cfg[1] = 1 + get8() % 96;
        cfg[2] = 1 + get8() % 80, cfg[3] = 1 + get8() % 60;
    }
}

/* Closes everything open, then checks the table is whole again: 8
 * directory handles and 4 files, no more. */
static void tear_down(void)
{
    if (m_up)
        compare_stores("at the end");
    for (int k = 0; k < NFILES; k++)
        if (mf[k].open)
            m_close(mf[k].badge, DDIR + 1 + (uint64_t)k,
                    call(mf[k].badge, FS_CLOSE, DDIR + 1 + (uint64_t)k, 0, 0, -1));
    for (int k = 0; k < NDIRS; k++)
        if (mdir[k])
            m_close(mdir[k], DDIR + DIRS + (uint64_t)k,
                    call(mdir[k], FS_CLOSE, DDIR + DIRS + (uint64_t)k, 0, 0, -1));
    start_fails = 0;
    uint64_t dh[NDIRS + 1], fh[NFILES + 1];
    for (int k = 0; k <= NDIRS; k++)
        dh[k] = (uint64_t)call(9, FS_OPEN, 0, 1, 0, lend(1, (const uint8_t *)".", 1, 0));
    for (int k = 0; k <= NFILES; k++)
        fh[k] = (uint64_t)call(9, FS_OPEN, dh[0], 3 | (int64_t)FS_O_WRITE << 32, 0,
                               lend(1, (const uint8_t *)"win", 3, 0));
    if ((int64_t)dh[NDIRS] != FS_ENFILE || (int64_t)fh[NFILES] != FS_ENFILE)
        fail("at the end: a %s open past the table's size returned %lld",
             (int64_t)dh[NDIRS] != FS_ENFILE ? "ninth directory" : "fifth file",
             (long long)((int64_t)dh[NDIRS] != FS_ENFILE ? dh[NDIRS] : fh[NFILES]));
    for (int k = 0; k < NDIRS; k++)
        if (!is_dir_h(dh[k]))
            fail("at the end: directory open %d returned %lld", k, (long long)dh[k]);
    for (int k = 0; k < NFILES; k++)
        if (!is_file_h(fh[k]))
            fail("at the end: file open %d returned %lld", k, (long long)fh[k]);
    for (int k = 0; k < NFILES; k++)
        expect(call(9, FS_CLOSE, fh[k], 0, 0, -1), 0, "close at the end");
    for (int k = 0; k < NDIRS; k++)
        expect(call(9, FS_CLOSE, dh[k], 0, 0, -1), 0, "close at the end");
    shadow[1] = shadow[2] = 0;
    memset(win, 0, sizeof win);
    memset(mf, 0, sizeof mf);
    memset(mdir, 0, sizeof mdir);
    up = m_up = m_shown2 = false;
    nknown = 0;
    bytes_out = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!region) {
        void *p = mmap((void *)0x10000000, (PAGES + 2) * ATH_PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == MAP_FAILED)
            p = mmap(0, (PAGES + 2) * ATH_PAGE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED || (uintptr_t)p + (PAGES + 2) * ATH_PAGE > 0x7fffffffu)
            fail("no buffer below 2 GiB");
        region = p;
        if (mprotect(region, ATH_PAGE, PROT_NONE) != 0 ||
            mprotect(region + (PAGES + 1) * ATH_PAGE, ATH_PAGE, PROT_NONE) != 0)
            fail("mprotect");
        ASAN_POISON_MEMORY_REGION(region + ATH_PAGE, PAGES * ATH_PAGE);
        trace = getenv("DISPFILES_TRACE") != 0;
    }
    in = data, in_len = size, in_at = 0;
    set_up(get8());
    for (int ops = 0; ops < 256 && in_at < in_len; ops++) {
        switch (get8() % DF_NOPS) {
        case DF_OPEN: op_open(); break;
        case DF_WRITE: op_write(); break;
        case DF_HEADER: op_header(); break;
        case DF_FILL: op_fill(); break;
        case DF_FINISH: op_finish(); break;
        case DF_FSTAT: op_fstat(); break;
        case DF_READDIR: op_readdir(); break;
        case DF_CLOSE: op_close(); break;
        case DF_PREAD: op_pread(); break;
        default: op_other(); break;
        }
    }
    tear_down();
    return 0;
}
