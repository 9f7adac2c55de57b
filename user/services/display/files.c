/*
 * The display as files (docs/display.md, "WASI programs"): endpoint
 * disp.files, in the file service's protocol (fsproto.h), for the WASI
 * programs the shell runs with --display (the kernel derives the program
 * a copy of the shell's and preopens it as /display). A WASI program has
 * no other way to the screen: its linker has only the WASI calls. Two
 * files, write only:
 *
 *   app   the right-hand tile (what surf.app draws)
 *   win   the floating window (what surf.win draws; shown from its first
 *         picture)
 *
 * What is written to one is a binary PPM (P6, one whitespace byte (space,
 * tab, CR, LF) between the fields and after the last, numbers of at most 5
 * digits, maxval 255, 1..1024 x 1..768), in order.
 * Once its last pixel has come, the picture is shown at the window's top
 * left corner, on black, magnified by the largest whole factor up to 4
 * that fits (a camera's 80x60 low frame at 4x fills the floating window's
 * 320x240), cut where it does not fit. Nothing can be read back: opening
 * for reading is refused (ATH_ERIGHTS: "Permission denied"), so a program
 * given the display learns nothing of what others drew.
 *
 * Each program's copy of the endpoint carries a badge the kernel set (its
 * slot); a handle answers only to the program that opened it, and a call
 * without a badge is refused (ATH_EINVAL).
 *
 * Errors: FS_ENOENT (another name), ATH_ERIGHTS (not opened for writing),
 * FS_EINVAL (not such a PPM file, bytes past its end or out of order: the
 * picture is dropped, and the file refuses every write until closed),
 * FS_EBADF, FS_ENFILE (NFILES open), FS_EUNSUPP (other ops), ATH_ESTOPPED
 * (no screen).
 */
#include "display.h"
#include <fsproto.h>

/* Handles: a file's DDIR + 1 + k, the directory's DDIR + DIRS + k (each
 * open of "." gets one of its own: the kernel forgets which capability
 * a handle goes through when it is closed), apart from every other
 * service's (the kernel keeps one table of a program's handles). */
#define DDIR (2ull << 40)
#define NFILES 4
#define DIRS 64
#define NDIRS 8
#define HDR_MAX 32
#define MAX_SCALE 4
#define PPM_MAX_W 1024
#define PPM_MAX_H 768

typedef struct dfile {
    bool used, bad;
    uint64_t badge;             /* the program's (the kernel's badge on its copy) */
    int wn;                     /* the window: 1 app, 2 win */
    uint64_t pos;               /* bytes taken */
    char hdr[HDR_MAX];
    uint32_t nhdr;
    uint32_t w, h, scale;       /* w 0: the header is not complete */
    uint32_t px;                /* pixels taken */
    uint8_t part[3];
    uint32_t npart;
} dfile_t;

static dfile_t dfiles[NFILES];
static uint64_t dirs_open[NDIRS];   /* the badge of the program holding it, 0: free */
static uint64_t badge;              /* the caller's */

static bool is_dir(uint64_t h)
{
    return h >= DDIR + DIRS && h < DDIR + DIRS + NDIRS && dirs_open[h - DDIR - DIRS] == badge;
}
static const char *const names[2] = {"app", "win"};

static dfile_t *dfile_of(uint64_t h)
{
    if (h <= DDIR || h > DDIR + NFILES)
        return 0;
    dfile_t *f = &dfiles[h - DDIR - 1];
    return f->used && f->badge == badge ? f : 0;
}

/* A number of the header from *i: its value, or -1. */
static int32_t hdr_num(const dfile_t *f, uint32_t *i)
{
    int32_t v = 0, digits = 0;
    while (*i < f->nhdr && f->hdr[*i] >= '0' && f->hdr[*i] <= '9' && digits < 5)
        v = v * 10 + (f->hdr[(*i)++] - '0'), digits++;
    return digits ? v : -1;
}

static bool space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* The header so far: 1 complete (f->w, h, scale set), 0 more bytes
 * needed, -1 not such a header. */
static int parse_header(dfile_t *f)
{
    if ((f->nhdr >= 1 && f->hdr[0] != 'P') || (f->nhdr >= 2 && f->hdr[1] != '6'))
        return -1;
    uint32_t i = 2;
    int32_t v[3];
    for (int k = 0; k < 3; k++) {
        if (i >= f->nhdr)
            return f->nhdr >= HDR_MAX ? -1 : 0;
        if (!space(f->hdr[i++]))
            return -1;
        v[k] = hdr_num(f, &i);
        if (i >= f->nhdr)
            return f->nhdr >= HDR_MAX ? -1 : 0;
        if (v[k] < 0)
            return -1;
    }
    if (!space(f->hdr[i]) || v[0] < 1 || v[0] > PPM_MAX_W || v[1] < 1 || v[1] > PPM_MAX_H || v[2] != 255)
        return -1;
    const window_t *wn = &win[f->wn];
    f->w = (uint32_t)v[0], f->h = (uint32_t)v[1];
    f->scale = MAX_SCALE;
    while (f->scale > 1 && (f->w * f->scale > wn->w || f->h * f->scale > wn->h))
        f->scale--;
    return 1;
}

/* Pixel px of the picture, magnified, into the window's backing store. */
static void put_pixel(dfile_t *f, uint32_t c)
{
    const window_t *wn = &win[f->wn];
    uint32_t x = f->px % f->w * f->scale, y = f->px / f->w * f->scale;
    for (uint32_t dy = 0; dy < f->scale && y + dy < wn->h; dy++)
        for (uint32_t dx = 0; dx < f->scale && x + dx < wn->w; dx++)
            wn->pix[(y + dy) * wn->w + x + dx] = c;
    f->px++;
}

/* The picture is whole: the window shows it (a floating one appears). */
static void show(dfile_t *f)
{
    window_t *wn = &win[f->wn];
    wn->shown = true;
    rect_t r = outer(wn);
    redraw(r);
}

/* Takes n bytes of the file: 0, or FS_EINVAL (the file is bad from now). */
static int32_t take(dfile_t *f, const volatile uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (f->w == 0) {
            f->hdr[f->nhdr++] = (char)p[i];
            int r = parse_header(f);
            if (r < 0)
                return f->bad = true, FS_EINVAL;
            if (r > 0) {            /* a new picture: on black */
                window_t *wn = &win[f->wn];
                for (uint32_t k = 0; k < wn->w * wn->h; k++)
                    wn->pix[k] = DESK;
            }
            continue;
        }
        if (f->px == f->w * f->h)
            return f->bad = true, FS_EINVAL;    /* past the picture's end */
        f->part[f->npart++] = p[i];
        if (f->npart == 3) {
            put_pixel(f, (uint32_t)f->part[0] << 16 | (uint32_t)f->part[1] << 8 | f->part[2]);
            f->npart = 0;
            if (f->px == f->w * f->h)
                show(f);
        }
    }
    return 0;
}

/* The lent buffer mapped (at most FS_LEND_PAGES), its bytes, or < 0. */
static const volatile uint8_t *lent_map(int64_t lent, uint32_t *bytes)
{
    uint32_t pages;
    int32_t at = ath_lend_map((ath_handle_t)lent, FS_LEND_PAGES, &pages);
    if (at < 0)
        return 0;
    *bytes = pages * ATH_PAGE;
    return (const volatile uint8_t *)(uintptr_t)at;
}

static int64_t open_file(uint64_t h, int64_t a1, int64_t lent)
{
    uint32_t len = (uint32_t)a1, flags = (uint32_t)((uint64_t)a1 >> 32), room;
    char path[8];
    if (len == 0 || len >= sizeof path)
        return FS_ENOENT;
    const volatile uint8_t *p = lent_map(lent, &room);
    if (!p)
        return ATH_ERIGHTS;
    for (uint32_t i = 0; i < len && i < room; i++)
        path[i] = (char)p[i];
    ath_buf_unmap((ath_handle_t)lent);
    if (h != 0 && !is_dir(h))
        return dfile_of(h) ? FS_ENOTDIR : FS_EBADF;
    if (len == 1 && path[0] == '.') {   /* the directory itself */
        for (int k = 0; k < NDIRS; k++)
            if (!dirs_open[k]) {
                dirs_open[k] = badge;
                return (int64_t)(DDIR + DIRS + (uint64_t)k);
            }
        return FS_ENFILE;
    }
    int wn = -1;
    for (int k = 0; k < 2; k++)
        if (len == 3 && path[0] == names[k][0] && path[1] == names[k][1] && path[2] == names[k][2])
            wn = k + 1;
    if (h == 0 || wn < 0)
        return FS_ENOENT;
    if (flags & FS_O_DIRECTORY)
        return FS_ENOTDIR;
    if (flags & FS_O_EXCL)
        return FS_EEXIST;
    if (!(flags & FS_O_WRITE))
        return ATH_ERIGHTS;         /* the screen is not for reading */
    if (!up && start() < 0)
        return ATH_ESTOPPED;
    for (int k = 0; k < NFILES; k++)
        if (!dfiles[k].used) {
            dfiles[k] = (dfile_t){.used = true, .badge = badge, .wn = wn};
            return (int64_t)(DDIR + 1 + (uint64_t)k);
        }
    return FS_ENFILE;
}

static int64_t write_file(uint64_t h, int64_t off, int64_t len, int64_t lent)
{
    dfile_t *f = dfile_of(h);
    if (!f)
        return is_dir(h) ? FS_EISDIR : FS_EBADF;
    if (f->bad || (off != -1 && (uint64_t)off != f->pos) || len < 0)
        return f->bad = true, FS_EINVAL;
    if (!up && start() < 0)
        return ATH_ESTOPPED;
    uint32_t room;
    const volatile uint8_t *p = lent_map(lent, &room);
    if (!p)
        return ATH_ERIGHTS;
    uint32_t n = (uint64_t)len < room ? (uint32_t)len : room;
    int32_t e = take(f, p, n);
    ath_buf_unmap((ath_handle_t)lent);
    if (e < 0)
        return e;
    f->pos += n;
    return n;
}

/* fs_stat_t of the directory or a file into the lent buffer. */
static int64_t stat_of(uint64_t h, int64_t lent)
{
    dfile_t *f = dfile_of(h);
    if (!is_dir(h) && !f)
        return FS_EBADF;
    uint32_t pages;
    int32_t at = ath_lend_map((ath_handle_t)lent, FS_LEND_PAGES, &pages);
    if (at < 0)
        return ATH_ERIGHTS;
    fs_stat_t st;
    __builtin_memset(&st, 0, sizeof st);
    st.ino = h;
    st.size = f ? f->pos : 0;
    st.mode = f ? 0x8000 | 0222 : 0x4000 | 0333;
    st.links = 1;
    volatile uint8_t *q = (volatile uint8_t *)(uintptr_t)at;
    for (uint32_t i = 0; i < sizeof st; i++)
        q[i] = ((const uint8_t *)&st)[i];
    ath_buf_unmap((ath_handle_t)lent);
    return 0;
}

/* The directory's entries from cookie on: app, win. */
static int64_t list(uint64_t h, int64_t cookie, int64_t lent)
{
    if (!is_dir(h))
        return dfile_of(h) ? FS_ENOTDIR : FS_EBADF;
    uint32_t pages, n = 0;
    int32_t at = ath_lend_map((ath_handle_t)lent, FS_LEND_PAGES, &pages);
    if (at < 0)
        return ATH_ERIGHTS;
    volatile uint8_t *q = (volatile uint8_t *)(uintptr_t)at;
    for (int64_t k = cookie < 0 ? 2 : cookie; k < 2; k++) {
        fs_dirent_t d = {(uint64_t)k + 1, DDIR + 1 + (uint64_t)k, 3, 4, {0, 0, 0}};
        for (uint32_t i = 0; i < sizeof d; i++)
            q[n++] = ((const uint8_t *)&d)[i];
        for (uint32_t i = 0; i < 3; i++)
            q[n++] = (uint8_t)names[k][i];
    }
    ath_buf_unmap((ath_handle_t)lent);
    return n;
}

ATH_EXPORT("files") int64_t files(int64_t a0, int64_t a1, int64_t a2, int64_t lent)
{
    uint32_t op = (uint32_t)(a0 & 0xff);
    uint64_t h = (uint64_t)a0 >> 8;
    badge = (uint64_t)ath_call_badge();
    if (badge == 0)
        return ATH_EINVAL;          /* not a program the kernel runs */
    switch (op) {
    case FS_OPEN:
        return open_file(h, a1, lent);
    case FS_PWRITE:
        return write_file(h, a1, a2, lent);
    case FS_FSTAT:
        return stat_of(h, lent);
    case FS_READDIR:
        return list(h, a1, lent);
    case FS_CLOSE: {
        dfile_t *f = dfile_of(h);
        if (f)
            f->used = false;        /* an unfinished picture is dropped */
        else if (is_dir(h))
            dirs_open[h - DDIR - DIRS] = 0;
        else
            return FS_EBADF;
        return 0;
    }
    case FS_SYNC:
        return 0;
    case FS_PREAD:
        return dfile_of(h) ? ATH_ERIGHTS : is_dir(h) ? FS_EISDIR : FS_EBADF;
    default:
        return FS_EUNSUPP;
    }
}
