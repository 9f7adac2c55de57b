/*
 * The terminal on the screen (docs/display.md): draws the text the shell
 * writes into its surface (surf.term) with a PSF console font read from
 * the file system (fs.root, TERM_FONT) on first use, and presents the
 * rectangle that changed.
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
 * The text grid: cell (col, row) is at pixel (col * fw, row * fh) of the
 * surface, fw x fh the font's glyph size; the cursor is a 2-pixel bar at
 * the bottom of its cell. When the last row is full the surface scrolls
 * up one row.
 */
#include <athanor.h>
#include <stdbool.h>
#include <fsproto.h>
#include <psf.h>

#define BUFFER_TYPE 3
#define TERM_FONT "fonts/Lat15-Terminus16.psf"
#define FONT_MAX (64 * 1024)
#define SURF_PAGES 768
#define COLS_MAX 256
#define ROWS_MAX 128
#define FG 0xd0d0d0u
#define BG 0x000000u

static uint32_t pix[SURF_PAGES * ATH_PAGE / 4] __attribute__((aligned(ATH_PAGE)));
static uint8_t io[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));   /* fs.root's page */
static uint8_t font_bytes[FONT_MAX];
static psf_t font;
static ath_handle_t surf = -1, sbuf = -1, fs = -1, iobuf = -1;
static uint32_t w, h, cols, rows, col, row;
static bool up, failed;
static char grid[ROWS_MAX][COLS_MAX];
static int esc;                 /* 0 none, 1 after ESC, 2 in ESC [ */
static uint32_t param;
static uint32_t dx0, dy0, dx1, dy1;     /* damage, in pixels: [x0, x1) x [y0, y1) */
static uint32_t cur_c, cur_r;           /* the cell the cursor was last drawn in */

static void say(const char *a, int64_t n)
{
    ath_print("term: ");
    ath_print(a);
    ath_print_int(n);
    ath_print("\n");
}

static int32_t load_font(void)
{
    fs = ath_cap_find("fs.root");
    if (fs < 0)
        return fs;
    if ((iobuf = ath_buf_new(1)) < 0 || ath_buf_map(iobuf, (uint32_t)(uintptr_t)io) < 0)
        return ATH_ENOMEM;
    int32_t size = ath_fs_read_file(fs, iobuf, io, TERM_FONT, font_bytes, sizeof font_bytes);
    if (size < 0)
        return size;
    return psf_parse(&font, font_bytes, (uint32_t)size) < 0 ? ATH_EINVAL : 0;
}

static void damage(uint32_t x, uint32_t y, uint32_t cw, uint32_t ch)
{
    if (dx1 == 0) {
        dx0 = x, dy0 = y, dx1 = x + cw, dy1 = y + ch;
        return;
    }
    dx0 = x < dx0 ? x : dx0;
    dy0 = y < dy0 ? y : dy0;
    dx1 = x + cw > dx1 ? x + cw : dx1;
    dy1 = y + ch > dy1 ? y + ch : dy1;
}

/* Draws cell (c, r) from the grid, with the cursor bar if it is there. */
static void cell(uint32_t c, uint32_t r)
{
    uint32_t x0 = c * font.width, y0 = r * font.height;
    psf_draw(&font, pix, w, x0, y0, (uint8_t)grid[r][c], FG, BG);
    if (c == col && r == row) {     /* the cursor: its bottom two rows */
        cur_c = c, cur_r = r;
        for (uint32_t y = font.height > 2 ? font.height - 2 : 0; y < font.height; y++)
            for (uint32_t x = 0; x < font.width; x++)
                pix[(y0 + y) * w + x0 + x] = FG;
    }
    damage(x0, y0, font.width, font.height);
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
    uint32_t line = font.height * w, c = col, r = row;
    col = row = ROWS_MAX;           /* the cursor's old cell without it, */
    cell(cur_c, cur_r);             /* or its bar would move up with the text */
    col = c, row = r;
    __builtin_memmove(pix, pix + line, (rows - 1) * line * 4);
    __builtin_memmove(grid[0], grid[1], (rows - 1) * sizeof grid[0]);
    row = rows - 1;
    clear_cells(row, 0, cols);
    damage(0, 0, cols * font.width, rows * font.height);
}

static void newline(void)
{
    col = 0;
    if (++row == rows)
        scroll();
}

static void move_to(uint32_t c, uint32_t r)
{
    uint32_t oc = col, orow = row;
    col = c, row = r;
    cell(oc, orow);
    cell(col, row);
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
    uint32_t oc = col, orow = row;
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
        if (++col == cols)
            newline();
        break;
    }
    cell(oc, orow);             /* the character, or the old cursor gone */
    cell(col, row);
}

static int32_t start(void)
{
    int64_t r;
    int32_t e;
    surf = ath_cap_find("surf.term");
    if (surf < 0 || (e = ath_call(surf, 0, 0, 0, 0, &r)) < 0 || r < 0) {
        say("no surface (surf.term): ", surf < 0 ? surf : r);
        return ATH_ESTOPPED;
    }
    w = (uint32_t)r & 0xffff, h = (uint32_t)(r >> 16) & 0xffff;
    uint32_t pages = (w * h * 4 + ATH_PAGE - 1) / ATH_PAGE;
    if (pages > SURF_PAGES || (sbuf = ath_buf_new((int32_t)pages)) < 0 ||
        ath_buf_map(sbuf, (uint32_t)(uintptr_t)pix) < 0) {
        say("no memory for the surface: pages ", pages);
        return ATH_ESTOPPED;
    }
    if ((e = load_font()) < 0) {
        say("no font " TERM_FONT " on fs.root: ", e);
        return ATH_ESTOPPED;
    }
    cols = w / font.width, rows = h / font.height;
    cols = cols > COLS_MAX ? COLS_MAX : cols;
    rows = rows > ROWS_MAX ? ROWS_MAX : rows;
    for (uint32_t y = 0; y < rows; y++)
        for (uint32_t x = 0; x < cols; x++)
            grid[y][x] = ' ';
    ath_print("term: ");
    ath_print_int(cols);
    ath_print("x");
    ath_print_int(rows);
    ath_print(" characters, font " TERM_FONT "\n");
    up = true;
    return 0;
}

static void present(void)
{
    if (dx1 == 0)
        return;
    int64_t r;
    int32_t e = ath_call_lend(surf, sbuf, ATH_R_READ, 1, dx0 | (int64_t)dy0 << 16,
                              (dx1 - dx0) | (int64_t)(dy1 - dy0) << 16, &r);
    if (e == ATH_ESTALE || e == ATH_EREVOKED)
        surf = ath_cap_find("surf.term");
    dx0 = dy0 = dx1 = dy1 = 0;
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
        (ath_handle_t)lent == sbuf || (ath_handle_t)lent == iobuf)
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
