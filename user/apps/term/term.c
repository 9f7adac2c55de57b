/*
 * The terminal on the screen (docs/display.md): keeps the text the shell
 * writes as a grid of character cells and hands the cells that changed to
 * the display service, which draws them (surf.term is a text window: the
 * terminal keeps no pixels). The font, a PSF console font read from the
 * file system (fs.root, TERM_FONT) on first use, is lent to the display
 * service once (surf.term op 3; again when the service has lost it).
 *
 * term.write interface: write(len, 0, 0, lent): the first len (1..4096)
 * bytes of the buffer lent read-only for the call, as the shell wrote them
 * to the serial console: printable Latin-1, \n (new line), \r, \b, \t, \a
 * (ignored), and the escape sequences the shell's line editor uses: ESC [ K
 * (clear to the end of the line), ESC [ n D / C (cursor left / right),
 * ESC [ 2 J (clear the screen), ESC [ H (home). Other bytes are dropped.
 * Returns len, or ATH_ESTOPPED (no surface or no font), ATH_EINVAL,
 * ATH_ERIGHTS (not a readable one-page buffer).
 *
 * The text grid: cols x rows cells (what fits the window in the font's
 * glyph size); the cursor is drawn by the display service as a 2-pixel
 * bar at the bottom of its cell. When the last row is full the text
 * scrolls up one row (all the cells are sent again).
 */
#include <athanor.h>
#include <stdbool.h>
#include <fsproto.h>

#define BUFFER_TYPE 3
#define TERM_FONT "fonts/Lat15-Terminus16.psf"
#define FONT_MAX (64 * 1024)
#define TEXT_PAGES 8             /* surf.term op 4: up to COLS_MAX x ROWS_MAX cells */
#define COLS_MAX 256
#define ROWS_MAX 128
#define FG 0xd0d0d0u
#define BG 0x000000u

static uint8_t text[TEXT_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));   /* lent: cells */
static uint8_t io[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));   /* fs.root's page */
static uint8_t font_bytes[FONT_MAX];
static uint8_t font_lent[FONT_MAX] __attribute__((aligned(ATH_PAGE)));  /* lent: the font */
static int32_t font_len;
static ath_handle_t surf = -1, tbuf = -1, fbuf = -1, fs = -1, iobuf = -1;
static uint32_t cols, rows, col, row;
static bool up, failed, font_sent;
static char grid[ROWS_MAX][COLS_MAX];
static int esc;                 /* 0 none, 1 after ESC, 2 in ESC [ */
static uint32_t param;
static uint32_t lo, hi;                 /* cells changed: [lo, hi) of row * cols + col */
static uint32_t sent_cursor;            /* the cursor's cell the display service has */

static int32_t load_font(void)
{
    fs = ath_cap_find("fs.root");
    if (fs < 0)
        return fs;
    if ((iobuf = ath_buf_new(1)) < 0 || ath_buf_map(iobuf, (uint32_t)(uintptr_t)io) < 0)
        return ATH_ENOMEM;
    int32_t size = ath_fs_read_file(fs, iobuf, io, TERM_FONT, font_bytes, sizeof font_bytes);
    if (size <= 0)
        return size < 0 ? size : ATH_EINVAL;
    /* The display service checks the font (it parses it): the buffer it
     * is lent in holds exactly its bytes' pages. */
    font_len = size;
    if ((fbuf = ath_buf_new((size + ATH_PAGE - 1) / ATH_PAGE)) < 0 ||
        ath_buf_map(fbuf, (uint32_t)(uintptr_t)font_lent) < 0)
        return ATH_ENOMEM;
    __builtin_memcpy(font_lent, font_bytes, (uint32_t)size);
    return 0;
}

/* Cell (c, r) changed. */
static void cell(uint32_t c, uint32_t r)
{
    uint32_t i = r * cols + c;
    if (lo >= hi)
        lo = i, hi = i + 1;
    else if (i < lo)
        lo = i;
    else if (i >= hi)
        hi = i + 1;
}

static void clear_cells(uint32_t r, uint32_t from, uint32_t to)
{
    for (uint32_t c = from; c < to; c++) {
        grid[r][c] = ' ';
        cell(c, r);
    }
}

static void scroll(void)
{
    __builtin_memmove(grid[0], grid[1], (rows - 1) * sizeof grid[0]);
    row = rows - 1;
    clear_cells(row, 0, cols);
    lo = 0, hi = cols * rows;   /* every cell moved */
}

static void newline(void)
{
    col = 0;
    if (++row == rows)
        scroll();
}

static void move_to(uint32_t c, uint32_t r)
{
    col = c, row = r;           /* the cursor goes with the next cells */
}

static void put(uint8_t b)
{
    if (esc == 1) {
        esc = b == '[' ? 2 : 0;
        param = 0;
        return;
    }
    if (esc == 2) {
        if (b >= '0' && b <= '9') {
            param = param < 1000 ? param * 10 + (b - '0') : param;
            return;
        }
        esc = 0;
        uint32_t n = param ? param : 1;
        if (b == 'K')
            clear_cells(row, col, cols);
        else if (b == 'D')
            move_to(n > col ? 0 : col - n, row);
        else if (b == 'C')
            move_to(col + n >= cols ? cols - 1 : col + n, row);
        else if (b == 'H')
            move_to(0, 0);
        else if (b == 'J' && param == 2)
            for (uint32_t r = 0; r < rows; r++)
                clear_cells(r, 0, cols);
        return;
    }
    switch (b) {
    case 0x1b: esc = 1; return;
    case '\n': newline(); break;
    case '\r': col = 0; break;
    case '\b': if (col) col--; break;
    case '\t': col = (col + 8) & ~7u; if (col >= cols) newline(); break;
    default:
        if (b < 0x20 || b == 0x7f)
            return;             /* \a and other controls: nothing to draw */
        grid[row][col] = (char)b;
        cell(col, row);
        if (++col == cols)
            newline();
        break;
    }
}

/* Lends the font to the display service (surf.term op 3): the grid's
 * size in cells, or an error. */
static int32_t send_font(void)
{
    int64_t r;
    int32_t e = ath_call_lend(surf, fbuf, ATH_R_READ, 3, font_len, 0, &r);
    if (e < 0 || r < 0)
        return e < 0 ? e : (int32_t)r;
    uint32_t c = (uint32_t)r & 0xffff, n = (uint32_t)(r >> 16) & 0xffff;
    if (c == 0 || n == 0 || c > COLS_MAX || n > ROWS_MAX || (up && (c != cols || n != rows)))
        return ATH_EINVAL;
    cols = c, rows = n;
    font_sent = true;
    lo = 0, hi = cols * rows;   /* its cells start blank: all of ours */
    sent_cursor = 0;
    return 0;
}

static int32_t start(void)
{
    int32_t e;
    surf = ath_cap_find("surf.term");
    if (surf < 0) {
        ath_printf("term: no surface (surf.term): %d\n", surf);
        return ATH_ESTOPPED;
    }
    if ((tbuf = ath_buf_new(TEXT_PAGES)) < 0 || ath_buf_map(tbuf, (uint32_t)(uintptr_t)text) < 0) {
        ath_printf("term: no memory for the text: pages %d\n", TEXT_PAGES);
        return ATH_ESTOPPED;
    }
    if ((e = load_font()) < 0) {
        ath_printf("term: no font " TERM_FONT " on fs.root: %d\n", e);
        return ATH_ESTOPPED;
    }
    if ((e = send_font()) < 0) {
        ath_printf("term: the display service refused the font (surf.term op 3): %d\n", e);
        return ATH_ESTOPPED;
    }
    for (uint32_t y = 0; y < rows; y++)
        for (uint32_t x = 0; x < cols; x++)
            grid[y][x] = ' ';
    ath_printf("term: %ux%u characters, font " TERM_FONT "\n", (unsigned)cols, (unsigned)rows);
    up = true;
    return 0;
}

/* Hands the changed cells and the cursor to the display service (surf.term
 * op 4). A service restarted (its endpoint re-issued, or its font gone)
 * gets the font and every cell again. */
static void present(void)
{
    for (int tries = 0; tries < 2; tries++) {
        if (surf < 0)
            surf = ath_cap_find("surf.term");
        if (!font_sent && send_font() < 0)
            return;
        uint32_t cur = row * cols + col;
        if (lo >= hi && cur == sent_cursor)
            return;
        uint32_t n = lo < hi ? hi - lo : 0, at = lo < hi ? lo : 0;
        for (uint32_t i = 0; i < n; i++)
            text[i] = (uint8_t)grid[(at + i) / cols][(at + i) % cols];
        int64_t r;
        int32_t e = ath_call_lend(surf, tbuf, ATH_R_READ, 4, at | (int64_t)n << 16, cur, &r);
        if (e == ATH_ESTALE || e == ATH_EREVOKED) {
            surf = ath_cap_find("surf.term");
            font_sent = false;
            continue;
        }
        if (e == 0 && r == ATH_ENOENT) {    /* the service lost the font */
            font_sent = false;
            continue;
        }
        lo = hi = 0;
        sent_cursor = cur;
        return;
    }
}

ATH_EXPORT("write") int64_t write(int64_t len, int64_t a1, int64_t a2, int64_t lent)
{
    (void)a1, (void)a2;
    if (!up) {
        if (failed)
            return ATH_ESTOPPED;
        if (start() < 0) {
            failed = true;
            return ATH_ESTOPPED;
        }
    }
    if (len <= 0 || len > ATH_PAGE)
        return ATH_EINVAL;
    int64_t info = ath_cap_info((ath_handle_t)lent);
    if (info < 0 || (info >> 32) != BUFFER_TYPE || !((uint32_t)info & ATH_R_READ) ||
        (ath_handle_t)lent == tbuf || (ath_handle_t)lent == fbuf || (ath_handle_t)lent == iobuf)
        return ATH_ERIGHTS;
    uint32_t got;
    int32_t at = ath_lend_map((ath_handle_t)lent, 1, &got);
    if (at < 0)
        return ATH_ERIGHTS;
    const uint8_t *text = (const uint8_t *)(uintptr_t)at;
    for (int64_t i = 0; i < len; i++)
        put(text[i]);
    ath_buf_unmap((ath_handle_t)lent);
    present();
    return len;
}
