/*
 * The input service (docs/display.md): turns events from the keyboard
 * and tablet drivers (input.event) into what the owner of the focused
 * surface receives, and sends it there:
 *
 *   surf.term's owner, the shell: the bytes a terminal sends, on its
 *     channel console.in (send only), as the serial console driver does;
 *     no pointer events (the shell has no use for them);
 *   surf.app's and surf.win's owners (the program run holding them): the
 *     channels in.app and in.win (send only; the program receives with
 *     `channel in.app rights=recv` in its bin/NAME.caps), 16-byte
 *     messages: key bytes, or the pointer in the surface's coordinates.
 *
 * Which surface has the focus, and where it is, only the display service
 * knows: we hold its focus.ctl (docs/display.md), which answers that and
 * changes the focus on a click or on Alt+Tab, and nothing else of the
 * display (no surface, no pixel); the display service holds nothing of
 * input.
 *
 * input.event(type, code, value): Linux evdev. EV_KEY (1): keys, value 1
 * press, 2 repeat, 0 release; BTN_LEFT, BTN_RIGHT, BTN_MIDDLE (0x110..
 * 0x112) the tablet's buttons. EV_ABS (3): ABS_X, ABS_Y in 0..32767 over
 * the screen. EV_SYN (0): the end of a packet; one with pointer events in
 * it is acted on then (the keyboard's packets end with one too): a
 * button pressed focuses (and raises) the window under the pointer, and
 * the packet goes to the focused window's owner when the pointer is over
 * it. US layout: letters, digits, punctuation, Shift, Ctrl (Ctrl-letter:
 * the control byte), Caps Lock, Enter (\r), Backspace (0x7f), Tab,
 * Escape, arrows, Home, End, Delete (their escape sequences); Alt+Tab
 * moves the focus to the next window. Returns the bytes sent (0 for a key
 * that makes none; for EV_SYN, 1 when a pointer message went out),
 * ATH_EINVAL for a key code or an axis value out of range. Other event
 * types are ignored.
 */
#include <athanor.h>
#include <stdbool.h>

#define EV_SYN 0
#define EV_KEY 1
#define EV_ABS 3
enum { K_TAB = 15, K_LCTRL = 29, K_LSHIFT = 42, K_RSHIFT = 54, K_LALT = 56, K_CAPS = 58,
       K_RCTRL = 97, K_RALT = 100, BTN_LEFT = 0x110, BTN_MIDDLE = 0x112 };
#define ABS_RANGE 32768

/* What goes to in.app and in.win: key bytes, or the pointer. */
enum { MSG_KEYS = 1, MSG_POINTER = 2 };
typedef struct in_msg {
    uint8_t kind, len;          /* MSG_KEYS: len bytes in keys */
    uint8_t buttons, pad;       /* MSG_POINTER: bit 0 left, 1 right, 2 middle */
    uint16_t x, y;              /* MSG_POINTER: in the surface */
    char keys[8];
} in_msg_t;

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

/* Each surface's owner: its channel (found by name). */
static const char *const owner[3] = {"console.in", "in.app", "in.win"};
static ath_handle_t out[3] = {-1, -1, -1}, ctl = -1;
static bool shift_l, shift_r, ctrl_l, ctrl_r, alt_l, alt_r, caps;
static uint32_t sent, dropped, pointer_sent;
/* The focused window, as the display service last said, and its content
 * on the screen; the screen's size; the pointer. */
static int focus;
static uint32_t fx, fy, fw, fh, scr_w, scr_h;
static uint32_t ax, ay, buttons, last_buttons;
static bool moved;              /* pointer events since the last EV_SYN */

/* Sends n bytes at p to the focused window's owner's channel. */
static int32_t deliver(int k, const void *p, int32_t n)
{
    if (out[k] < 0 && (out[k] = ath_cap_find(owner[k])) < 0)
        return out[k];
    int32_t e = ath_send(out[k], p, n, 0);
    if (e == ATH_ESTALE || e == ATH_EREVOKED) {
        out[k] = ath_cap_find(owner[k]);
        e = ath_send(out[k], p, n, 0);
    }
    if (e < 0) {
        dropped++;              /* the queue is full (typed too fast), or no one there */
        return e;
    }
    return n;
}

/* Asks the display service (focus.ctl op: 1 click, 2 next, 3 which) and
 * keeps its answer: the focused window and where it is. Asked for every
 * key and pointer packet, not cached across them: a display service
 * restarted meanwhile (its focus back on the terminal) is followed at
 * once. Without an answer (no display service) the terminal's shell has
 * the keyboard. */
static void ask_focus(int64_t op, int64_t xy)
{
    int64_t r = -1;
    if (ctl < 0)
        ctl = ath_cap_find("focus.ctl");
    int32_t e = ath_call(ctl, op, xy, 0, 0, &r);
    if (e == ATH_ESTALE || e == ATH_EREVOKED) {
        ctl = ath_cap_find("focus.ctl");
        e = ath_call(ctl, op, xy, 0, 0, &r);
    }
    if (e < 0 || r < 0 || (r & 15) > 2) {
        focus = 0;
        return;
    }
    focus = (int)(r & 15);
    fx = (uint32_t)(r >> 4) & 0xfff, fy = (uint32_t)(r >> 16) & 0xfff;
    fw = (uint32_t)(r >> 28) & 0xfff, fh = (uint32_t)(r >> 40) & 0xfff;
    if (scr_w == 0 && ath_call(ctl, 0, 0, 0, 0, &r) >= 0 && r > 0)
        scr_w = (uint32_t)r & 0xffff, scr_h = (uint32_t)(r >> 16) & 0xffff;
}

static int32_t send(const char *p, int32_t n)
{
    ask_focus(3, 0);            /* which window has the keyboard, now */
    int32_t e;
    if (focus == 0) {
        e = deliver(0, p, n);
    } else {
        in_msg_t m = {MSG_KEYS, (uint8_t)n, 0, 0, 0, 0, {0}};
        __builtin_memcpy(m.keys, p, (uint32_t)n);
        e = deliver(focus, &m, sizeof m);
    }
    if (e < 0)
        return e;
    sent += (uint32_t)n;
    return n;
}

/* The end of a pointer packet: a button pressed focuses the window under
 * the pointer; the packet goes to the focused window's owner (not the
 * shell's) when the pointer is over its content. */
static int64_t pointer(void)
{
    if (scr_w == 0)
        ask_focus(3, 0);
    if (scr_w == 0)
        return 0;               /* no screen: a pointer points nowhere */
    uint32_t px = ax * scr_w / ABS_RANGE, py = ay * scr_h / ABS_RANGE;
    if (buttons & ~last_buttons)
        ask_focus(1, px | (int64_t)py << 16);
    else
        ask_focus(3, 0);
    last_buttons = buttons;
    if (focus == 0 || px < fx || py < fy || px >= fx + fw || py >= fy + fh)
        return 0;
    in_msg_t m = {MSG_POINTER, 0, (uint8_t)buttons, 0, (uint16_t)(px - fx), (uint16_t)(py - fy), {0}};
    if (deliver(focus, &m, sizeof m) < 0)
        return 0;
    pointer_sent++;
    return 1;
}

ATH_EXPORT("event") int64_t event(int64_t type, int64_t code, int64_t value, int64_t a3)
{
    (void)a3;
    if (type == EV_SYN) {       /* the keyboard's packets end with one too */
        bool p = moved && code == 0;
        moved = moved && code != 0;
        return p ? pointer() : 0;
    }
    if (type == EV_ABS) {
        if (code > 1)
            return 0;           /* other axes: none on a tablet we use */
        if (value < 0 || value >= ABS_RANGE)
            return ATH_EINVAL;
        *(code == 0 ? &ax : &ay) = (uint32_t)value;
        moved = true;
        return 0;
    }
    if (type != EV_KEY)
        return 0;               /* EV_MSC, EV_LED, ...: nothing to do */
    if (code < 0 || code > 767)
        return ATH_EINVAL;
    bool down = value != 0;
    if (code >= BTN_LEFT && code <= BTN_MIDDLE) {
        uint32_t bit = 1u << (code - BTN_LEFT);
        buttons = down ? buttons | bit : buttons & ~bit;
        moved = true;
        return 0;
    }
    switch (code) {
    case K_LSHIFT: shift_l = down; return 0;
    case K_RSHIFT: shift_r = down; return 0;
    case K_LCTRL: ctrl_l = down; return 0;
    case K_RCTRL: ctrl_r = down; return 0;
    case K_LALT: alt_l = down; return 0;
    case K_RALT: alt_r = down; return 0;
    case K_CAPS: if (value == 1) caps = !caps; return 0;
    }
    if (!down)
        return 0;
    if (code == K_TAB && (alt_l || alt_r)) {
        ask_focus(2, 0);        /* Alt+Tab: the next window */
        return 0;
    }
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

/* input.stats: bytes sent | dropped << 32; op 1: pointer packets sent. */
ATH_EXPORT("stats") int64_t stats(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a1, (void)a2, (void)a3;
    return a0 == 1 ? pointer_sent : sent | (int64_t)dropped << 32;
}
