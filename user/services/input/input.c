/*
 * The input service (docs/display.md): turns key events from the keyboard
 * driver (input.event) into the bytes a terminal sends, and delivers them
 * to the owner of the focused surface: the terminal's shell, through its
 * channel console.in (send only), as the serial console driver does. It
 * holds that channel and nothing of the display; the display service
 * holds nothing of input. Focus is fixed on the terminal.
 *
 * input.event(type, code, value): Linux evdev; type 1 (EV_KEY), value 1
 * press, 2 repeat, 0 release; other types are ignored. US layout: letters,
 * digits, punctuation, Shift, Ctrl (Ctrl-letter: the control byte), Caps
 * Lock, Enter (\r), Backspace (0x7f), Tab, Escape, arrows, Home, End,
 * Delete (their escape sequences). Returns the bytes sent (0 for a key
 * that makes none), ATH_EINVAL for a code out of range.
 */
#include <athanor.h>
#include <stdbool.h>

#define EV_KEY 1
enum { K_LCTRL = 29, K_LSHIFT = 42, K_RSHIFT = 54, K_CAPS = 58, K_RCTRL = 97 };

/* Keys 0..57: unshifted and shifted characters, 0 for none. */
static const char plain[58] = {
    0, 0x1b, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f, '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0,
    'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\',
    'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' '};
static const char shifted[58] = {
    0, 0x1b, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f, '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,
    'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|',
    'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' '};

static ath_handle_t out = -1;
static bool shift_l, shift_r, ctrl_l, ctrl_r, caps;
static uint32_t sent, dropped;

static int32_t send(const char *p, int32_t n)
{
    if (out < 0 && (out = ath_cap_find("console.in")) < 0)
        return out;
    int32_t e = ath_send(out, p, n, 0);
    if (e == ATH_ESTALE || e == ATH_EREVOKED) {
        out = ath_cap_find("console.in");
        e = ath_send(out, p, n, 0);
    }
    if (e < 0) {
        dropped++;              /* the shell's queue is full: typed too fast */
        return e;
    }
    sent += (uint32_t)n;
    return n;
}

ATH_EXPORT("event") int64_t event(int64_t type, int64_t code, int64_t value, int64_t a3)
{
    (void)a3;
    if (type != EV_KEY)
        return 0;
    if (code < 0 || code > 767)
        return ATH_EINVAL;
    bool down = value != 0;
    switch (code) {
    case K_LSHIFT: shift_l = down; return 0;
    case K_RSHIFT: shift_r = down; return 0;
    case K_LCTRL: ctrl_l = down; return 0;
    case K_RCTRL: ctrl_r = down; return 0;
    case K_CAPS: if (value == 1) caps = !caps; return 0;
    }
    if (!down)
        return 0;
    const char *seq = 0;
    switch (code) {
    case 103: seq = "\x1b[A"; break;   /* up */
    case 108: seq = "\x1b[B"; break;   /* down */
    case 106: seq = "\x1b[C"; break;   /* right */
    case 105: seq = "\x1b[D"; break;   /* left */
    case 102: seq = "\x1b[H"; break;   /* home */
    case 107: seq = "\x1b[F"; break;   /* end */
    case 111: seq = "\x1b[3~"; break;  /* delete */
    case 96: seq = "\r"; break;        /* keypad enter */
    }
    if (seq)
        return send(seq, ath_strlen(seq));
    if (code >= 58)
        return 0;
    bool shift = shift_l || shift_r;
    char c = shift ? shifted[code] : plain[code];
    if (caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c = (char)(c ^ 0x20);
    if ((ctrl_l || ctrl_r) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c = (char)(c & 0x1f);
    return c ? send(&c, 1) : 0;
}

/* input.stats: bytes sent | dropped << 32. */
ATH_EXPORT("stats") int64_t stats(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    return sent | (int64_t)dropped << 32;
}
