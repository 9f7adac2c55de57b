/*
 * The Azoth shell (docs/shell.md): a Wasm domain at the prompt "azoth$ ".
 * It reads what is typed from its channel console.in (the console driver
 * sends the bytes as they arrive), edits the line itself (backspace,
 * left/right, home/end, history with up/down, Ctrl-C, Ctrl-U, tab
 * completion of commands, domain names and paths) and writes through
 * console_write. Its authority is its manifest entry's: the channel, the
 * system capability "sys" (read, write, control: kern/sysctl.h) and the
 * file service's fs.root (the file commands: files.c).
 */
#include "shell.h"

#include <fsproto.h>

#define LINE_MAX 240
#define HIST_MAX 16
#define ARGV_MAX 64
#define OUT_MAX 1024
#define MS 1000000ll

static ath_handle_t sys = -1, in = -1, fsroot = -1, rng = -1;
static int64_t last_status;     /* of the last run: the status make run CMD= ends with */
static bool stopping;           /* poweroff or reboot asked: no more prompts */

/* ------------------------------------------------------------ output */

static char obuf[OUT_MAX];
static int32_t olen;

/* The terminal on the screen (docs/display.md), when the manifest grants
 * term.write: it gets the same bytes, in a page of ours lent read-only. */
static ath_handle_t term = -1, tbuf = -1;
static char tpage[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static void mirror(void)
{
    int64_t r;
    if (term < 0 || olen == 0)
        return;
    for (int32_t i = 0; i < olen; i++)
        tpage[i] = obuf[i];
    int32_t e = ath_call_lend(term, tbuf, ATH_R_READ, olen, 0, 0, &r);
    if (e == ATH_ESTALE || e == ATH_EREVOKED) {    /* re-issued by a restart */
        term = ath_cap_find("term.write");
        ath_call_lend(term, tbuf, ATH_R_READ, olen, 0, 0, &r);
    }
}

void flush(void)
{
    mirror();
    for (int32_t done = 0; done < olen;) {
        int32_t n = ath_console_write(sys, obuf + done, olen - done);
        if (n <= 0)
            break;
        done += n;
    }
    olen = 0;
}

void putn(const char *s, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        if (olen == OUT_MAX)
            flush();
        obuf[olen++] = s[i];
    }
}

void puts_(const char *s)
{
    putn(s, ath_strlen(s));
}

void putu(uint64_t v)
{
    char b[24];
    int i = sizeof b;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    putn(b + i, (int32_t)sizeof b - i);
}

/* s left-aligned in a field of w columns (at least one space after);
 * w 0: the last column, no padding. */
static void putcol(const char *s, int32_t w)
{
    int32_t n = ath_strlen(s);
    puts_(s);
    if (w == 0)
        return;
    do
        putn(" ", 1);
    while (++n < w);
}

static bool streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static bool prefix(const char *p, int32_t n, const char *s)
{
    for (int32_t i = 0; i < n; i++)
        if (s[i] != p[i])
            return false;
    return true;
}

/* Splits s (in place) at spaces; returns the number of words (<= max).
 * '...' and "..." quote spaces (the quotes go); an unclosed quote runs to
 * the end of the line. quoted[i] (when given): word i had quotes (its
 * wildcards are not expanded). */
static int split_q(char *s, char **w, bool *quoted, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s == ' ' || *s == '\t')
            *s++ = 0;
        if (!*s)
            break;
        char *o = s, q = 0;
        if (quoted)
            quoted[n] = false;
        w[n++] = o;
        for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
            if (!q && (*s == '\'' || *s == '"')) {
                q = *s;
                if (quoted)
                    quoted[n - 1] = true;
            } else if (q && *s == q)
                q = 0;
            else
                *o++ = *s;
        }
        if (*s)
            s++;
        *o = 0;
    }
    return n;
}

static int split(char *s, char **w, int max)
{
    return split_q(s, w, 0, max);
}

static uint64_t parse_u(const char *s)
{
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

/* ------------------------------------------------------------ domains */

/* The index-th domain's line, split into fields; the count, or < 0. */
static int dom_fields(int32_t index, char *line, int32_t cap, char **f)
{
    int32_t n = ath_sys_dom(sys, index, line, cap - 1);
    if (n < 0)
        return n;
    line[n < cap - 1 ? n : cap - 1] = 0;
    return split(line, f, 8);
}

/* The index of the domain named name, or -1. */
static int32_t dom_index(const char *name)
{
    char line[160], *f[8];
    for (int32_t i = 0; dom_fields(i, line, sizeof line, f) > 0; i++)
        if (streq(f[0], name))
            return i;
    return -1;
}

static void err(const char *cmd, const char *what, int32_t e)
{
    puts_(cmd);
    puts_(": ");
    if (what) {
        puts_(what);
        puts_(": ");
    }
    puts_(ath_strerror(e));
    puts_("\n");
}

/* ------------------------------------------------------------ commands */

typedef struct cmd {
    const char *name, *args, *help;
    void (*fn)(int argc, char **argv);
    bool domain_arg;            /* tab completes domain names */
} cmd_t;

static const cmd_t cmds[];

static void c_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    puts_("Commands:\n");
    for (const cmd_t *c = cmds; c->name; c++) {
        char both[48];
        int32_t n = 0;
        for (const char *s = c->name; *s; s++)
            both[n++] = *s;
        if (*c->args) {
            both[n++] = ' ';
            for (const char *s = c->args; *s && n < 46; s++)
                both[n++] = *s;
        }
        both[n] = 0;
        puts_("  ");
        putcol(both, 18);
        puts_(c->help);
        puts_("\n");
    }
    puts_("Keys: left/right, home/end, up/down (history), tab (complete), "
          "backspace, Ctrl-U (clear), Ctrl-C (cancel).\n");
}

static void c_ps(int argc, char **argv)
{
    (void)argc, (void)argv;
    char line[160], *f[8];
    static const int w[] = {14, 9, 6, 10, 10, 10, 0};
    static const char *const head[] = {"NAME", "STATE", "PRIO", "MEM(KiB)", "CPU(ms)", "RESTARTS",
                                       "CAPS"};
    for (int i = 0; i < 7; i++)
        putcol(head[i], w[i]);
    puts_("\n");
    int n;
    for (int32_t i = 0; (n = dom_fields(i, line, sizeof line, f)) > 0; i++) {
        for (int k = 0; k < 7 && k < n; k++) {
            if (k == 4) {       /* CPU: microseconds to milliseconds */
                uint64_t us = parse_u(f[k]);
                char b[24];
                int j = sizeof b;
                b[--j] = 0;
                uint64_t ms = us / 1000, frac = (us % 1000) / 100;
                b[--j] = (char)('0' + frac);
                b[--j] = '.';
                do
                    b[--j] = (char)('0' + ms % 10);
                while ((ms /= 10) && j > 0);
                putcol(b + j, w[k]);
            } else {
                putcol(f[k], w[k]);
            }
        }
        puts_("\n");
    }
    if (n < 0 && n != ATH_ENOENT)
        err("ps", 0, n);
}

static void c_caps(int argc, char **argv)
{
    if (argc != 2) {
        puts_("usage: caps DOMAIN\n");
        return;
    }
    int32_t d = dom_index(argv[1]);
    if (d < 0) {
        err("caps", argv[1], ATH_ENOENT);
        return;
    }
    static const int w[] = {8, 10, 12, 16, 22, 0};
    static const char *const head[] = {"HANDLE", "KIND", "RIGHTS", "NAME", "TARGET", "LEASE"};
    for (int i = 0; i < 6; i++)
        putcol(head[i], w[i]);
    puts_("\n");
    char line[200], *f[8];
    int32_t n;
    for (int32_t i = 0; (n = ath_sys_cap(sys, d, i, line, sizeof line - 1)) >= 0; i++) {
        line[n < (int32_t)sizeof line - 1 ? n : (int32_t)sizeof line - 1] = 0;
        int k = split(line, f, 8);
        for (int j = 0; j < k && j < 6; j++)
            putcol(f[j], w[j]);
        puts_("\n");
    }
    if (n != ATH_ENOENT)
        err("caps", argv[1], n);
    puts_("rights: r read, w write, m map, c call, s send, v receive, d derive, "
          "t transfer, k revoke, x control\n");
}

/* kill / restart / reset: a control handle to the domain, then dom_*. */
static void control(int argc, char **argv, int what)
{
    if (argc != 2) {
        puts_("usage: ");
        puts_(argv[0]);
        puts_(" DOMAIN\n");
        return;
    }
    ath_handle_t h = ath_sys_domain(sys, argv[1], ath_strlen(argv[1]));
    if (h < 0) {
        err(argv[0], argv[1], h);
        return;
    }
    int64_t r = what == 0 ? ath_dom_kill(h) : what == 1 ? ath_dom_restart(h) : ath_dom_reset(h);
    ath_cap_drop(h);
    if (r < 0) {
        err(argv[0], argv[1], (int32_t)r);
        return;
    }
    puts_(argv[0]);
    puts_(": ");
    puts_(argv[1]);
    if (what == 0)
        puts_(" stopped (restart brings it back)\n");
    else if (what == 1)
        puts_(" restarted\n");
    else {
        puts_(" reset to its snapshot (pages restored: ");
        putu((uint64_t)r);
        puts_(")\n");
    }
}

static void c_kill(int argc, char **argv) { control(argc, argv, 0); }
static void c_restart(int argc, char **argv) { control(argc, argv, 1); }
static void c_reset(int argc, char **argv) { control(argc, argv, 2); }

static char logbuf[16384];

static void c_dmesg(int argc, char **argv)
{
    (void)argc, (void)argv;
    int32_t n = ath_sys_log(sys, logbuf, sizeof logbuf);
    if (n < 0) {
        err("dmesg", 0, n);
        return;
    }
    int32_t s = 0;
    if (n == (int32_t)sizeof logbuf)        /* cut: start at a line */
        while (s < n && logbuf[s++] != '\n')
            ;
    putn(logbuf + s, n - s);
}

static void kib(const char *label, uint64_t v)
{
    puts_(label);
    putu(v);
    puts_(" KiB");
}

static void c_mem(int argc, char **argv)
{
    (void)argc, (void)argv;
    int64_t frames = ath_sys_stat(sys, ATH_STAT_FRAMES), fr = ath_sys_stat(sys, ATH_STAT_FREE);
    int64_t heap = ath_sys_stat(sys, ATH_STAT_HEAP), img = ath_sys_stat(sys, ATH_STAT_BOOTIMG);
    int64_t prom = ath_sys_stat(sys, ATH_STAT_PROMISED);
    if (frames < 0 || fr < 0 || heap < 0 || img < 0 || prom < 0) {
        int64_t e = frames < 0 ? frames : fr < 0 ? fr : heap < 0 ? heap : img < 0 ? img : prom;
        err("mem", 0, (int32_t)e);
        return;
    }
    char line[160], *f[8];
    uint64_t doms = 0;
    for (int32_t i = 0; dom_fields(i, line, sizeof line, f) > 3; i++)
        doms += parse_u(f[3]);
    kib("memory: ", (uint64_t)(frames - fr) * 4);
    kib(" in use of ", (uint64_t)frames * 4);
    kib(", ", (uint64_t)fr * 4);
    kib(" free (", (uint64_t)prom * 4);
    puts_(" of it promised to pages not touched yet)\n");
    kib("  kernel heap ", (uint64_t)heap / 1024);
    kib(", domains' linear memory ", doms);
    puts_(", boot image ");
    putu((uint64_t)img);
    puts_(" bytes\n");
}

static void c_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    int64_t ns = ath_sys_stat(sys, ATH_STAT_UPTIME_NS);
    if (ns < 0) {
        err("uptime", 0, (int32_t)ns);
        return;
    }
    uint64_t ms = (uint64_t)ns / 1000000u;
    puts_("up ");
    putu(ms / 1000);
    puts_(".");
    char b[3] = {(char)('0' + ms % 1000 / 100), (char)('0' + ms % 100 / 10), (char)('0' + ms % 10)};
    putn(b, 3);
    puts_(" s\n");
}

static void power(const char *cmd, int how)
{
    fs_sync_quiet();            /* what was written is on the disk first */
    int32_t e = ath_sys_power(sys, how);
    if (e < 0)
        err(cmd, 0, e);
    else
        stopping = true;
}

static void c_poweroff(int argc, char **argv) { (void)argc, (void)argv; power("poweroff", 0); }
static void c_reboot(int argc, char **argv) { (void)argc, (void)argv; power("reboot", 1); }

/* How what arrives on the console reaches a program's stdin: typed at the
 * prompt or on make run CMD='s terminal (echoed, Enter as LF, Ctrl-D its
 * end, Ctrl-C stops it), or make run CMD='s standard input when it is not
 * a terminal: hex digits, '.' at its end (scripts/run-cmd.sh). */
enum { IN_TYPED, IN_HEX };
static int in_mode = IN_TYPED;

/* Bytes for the program's stdin not yet taken (its queue was full). */
static char fwd[ATH_MSG_MAX];
static int32_t nfwd, hexhi = -1;
static bool fwd_end;

/* Sends what waits for stdin h; false while its queue is full. */
static bool fwd_flush(ath_handle_t h)
{
    if (nfwd && ath_send(h, fwd, nfwd, 0) == ATH_EFULL)
        return false;
    nfwd = 0;
    if (fwd_end && ath_send(h, fwd, 0, 0) == ATH_EFULL)
        return false;
    fwd_end = false;
    return true;
}

/* One byte for stdin h (-1: its end); false when the queue is full and
 * the byte must wait (then it was not taken). */
static bool fwd_byte(ath_handle_t h, int c)
{
    if (nfwd == ATH_MSG_MAX && !fwd_flush(h))
        return false;
    if (c < 0)
        fwd_end = true;
    else
        fwd[nfwd++] = (char)c;
    return true;
}

/* Waits for the program under h, reading the console meanwhile: Ctrl-C
 * stops it; with stdin (a send handle, else < 0) what is typed goes to
 * the program. Its status, ATH_ETRAP (trapped), or 130 when stopped (what
 * a shell reports for SIGINT). */
static int64_t wait_prog(ath_handle_t h, bool *stopped, ath_handle_t stdin_h)
{
    int64_t st;
    static char pend[ATH_MSG_MAX];
    static int32_t npend, at;
    *stopped = false;
    npend = at = nfwd = 0;
    hexhi = -1;
    fwd_end = false;
    while ((st = ath_sys_wait(sys, h, 20 * MS)) == ATH_ETIMEDOUT) {
        sensor_prompt();                /* the program may be asking for a sensor */
        if (stdin_h >= 0 && !fwd_flush(stdin_h))
            continue;                   /* its queue is full: the console waits too */
        if (at == npend) {
            at = 0;
            npend = in >= 0 ? ath_recv(in, pend, sizeof pend, 0, 0) : 0;
            if (npend < 0)
                npend = 0;
        }
        for (; at < npend && !*stopped; at++) {
            unsigned char c = (unsigned char)pend[at];
            if (in_mode == IN_TYPED && c == 0x03) {
                puts_("^C\n");
                flush();
                ath_dom_kill(h);
                *stopped = true;
            } else if (stdin_h < 0) {
                continue;               /* no stdin: only Ctrl-C counts */
            } else if (in_mode == IN_HEX) {
                int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (c == '.' ? !fwd_byte(stdin_h, -1) : v >= 0 && hexhi >= 0 ? !fwd_byte(stdin_h, hexhi << 4 | v) : 0)
                    break;
                if (v >= 0)
                    hexhi = hexhi >= 0 ? -1 : v;
            } else {
                int b = c == '\r' ? '\n' : c == 0x04 ? -1 : c;
                if (!fwd_byte(stdin_h, b))
                    break;
                if (b >= 0) {
                    putn((const char *)&b, 1);
                    flush();
                }
            }
        }
        if (stdin_h >= 0)
            fwd_flush(stdin_h);
    }
    if (stdin_h >= 0)
        ath_cap_drop(stdin_h);
    ath_cap_drop(h);
    return st;
}

static void run_report(const char *prog, int64_t st, bool stopped, bool quiet)
{
    last_status = st >= 0 ? st : stopped ? 130 : 134;
    if (quiet)
        return;
    puts_("run: ");
    puts_(prog);
    if (st >= 0) {
        puts_(": exit status ");
        putu((uint64_t)st);
        puts_("\n");
    } else if (st == ATH_ETRAP) {
        puts_(stopped ? ": stopped\n" : ": trapped (the kernel printed the trap above)\n");
    } else {
        puts_(": ");
        puts_(ath_strerror((int32_t)st));
        puts_("\n");
    }
}

static bool quiet_run;          /* make run CMD=: no status line */
static bool bare;               /* run_wasi of /bin/NAME.wasm for a bare NAME */

static bool has_char(const char *s, char c)
{
    for (; *s; s++)
        if (*s == c)
            return true;
    return false;
}

/* Adds field tag+s (NUL-terminated) to spec; false when it is full. */
static bool spec_add(char *spec, int32_t *n, int32_t cap, char tag, const char *s)
{
    int32_t l = ath_strlen(s);
    if (*n + l + 2 > cap)
        return false;
    spec[(*n)++] = tag;
    for (int32_t i = 0; i < l; i++)
        spec[(*n)++] = s[i];
    spec[(*n)++] = 0;
    return true;
}

#define SPEC_MAX 2048
#define WHY_ROOM 240

/* run --sensors: the program gets the directory /sensors, whose files
 * are sensor leases served by the broker (docs/privacy.md). run
 * --display: the directory /display, whose files app and win are the
 * screen's right-hand tile and floating window, write only (the display
 * service's disp.files, docs/display.md). Only when asked. */
static bool run_sensors, run_display;

/* A WASI program from the file system (docs/wasi.md): argv[0] is PROG as
 * given; path is the file. */
static void run_wasi(const char *path, int argc, char **argv, char **dirs, int ndirs,
                     char **envs, int nenvs)
{
    static char spec[SPEC_MAX];
    int32_t n = 0;
    bool ok = spec_add(spec, &n, SPEC_MAX, 'p', path);
    for (int i = 0; i < argc; i++)
        ok = ok && spec_add(spec, &n, SPEC_MAX, 'a', argv[i]);
    for (int i = 0; i < nenvs; i++)
        ok = ok && spec_add(spec, &n, SPEC_MAX, 'e', envs[i]);
    for (int i = 0; i < ndirs; i++)
        ok = ok && spec_add(spec, &n, SPEC_MAX, 'd', dirs[i]);
    if (run_sensors)
        ok = ok && spec_add(spec, &n, SPEC_MAX, 's', "/sensors");
    if (run_display)
        ok = ok && spec_add(spec, &n, SPEC_MAX, 'g', "/display");
    for (int32_t k = 0; ok && k < WHY_ROOM; k++)    /* room for the reason on failure */
        ok = n < SPEC_MAX ? (spec[n++] = 0, true) : false;
    if (!ok) {
        puts_("run: arguments too long\n");
        last_status = 2;
        return;
    }
    if (fsroot < 0) {
        puts_("run: ");
        puts_(argv[0]);
        puts_(": no file system capability\n");
        last_status = 1;
        return;
    }
    ath_handle_t h = ath_sys_wasi(sys, fsroot, rng > 0 ? rng : 0, spec, n);
    if (h < 0 && bare && h == ATH_ENOENT) {     /* a bare name: not in the image, not in /bin */
        puts_("run: ");
        puts_(argv[0]);
        puts_(": no such program (");
        puts_(path);
        puts_(": ");
        spec[SPEC_MAX - 1] = 0;
        puts_(spec);
        puts_(")\n");
        last_status = 1;
        return;
    }
    if (h < 0) {
        puts_("run: ");
        puts_(argv[0]);
        puts_(": ");
        spec[SPEC_MAX - 1] = 0;
        puts_(h == ATH_EINVAL || h == ATH_ENOENT || h == ATH_ELIMIT || h == ATH_ENOMEM ? spec
                                                                                      : ath_strerror(h));
        puts_("\n");
        last_status = 1;
        return;
    }
    flush();
    bool stopped;
    int64_t st = wait_prog(h, &stopped, ath_sys_stdin(sys, h));
    run_report(argv[0], st, stopped, quiet_run);
}

/* run [--dir PATH[::GUEST]]... [--env K=V]... [--sensors] [--display] PROG [ARGS]: a program of
 * the boot image (bin/PROG.wasm there: hello, crash, spin), else a WASI
 * program from the file system (PROG with a '/' or ending in .wasm: that
 * file; a bare name: /bin/PROG.wasm), waited for; Ctrl-C
 * typed meanwhile stops it. */
static void c_run(int argc, char **argv)
{
    char *dirs[8], *envs[32];
    int ndirs = 0, nenvs = 0, i = 1;
    run_sensors = run_display = false;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        bool dir = streq(argv[i], "--dir"), env = streq(argv[i], "--env");
        if (streq(argv[i], "--sensors") || streq(argv[i], "--display")) {
            run_sensors = run_sensors || argv[i][2] == 's';
            run_display = run_display || argv[i][2] == 'd';
            continue;
        }
        if ((!dir && !env) || i + 1 == argc || (dir && ndirs == 8) || (env && nenvs == 32) ||
            (env && !has_char(argv[i + 1], '='))) {
            puts_("run: bad option ");
            puts_(argv[i]);
            puts_("\nusage: run [--dir PATH[::GUEST]]... [--env K=V]... [--sensors] [--display] PROG [ARGS]\n");
            last_status = 2;
            return;
        }
        if (dir) {
            /* PATH[::GUEST] with PATH from the working directory; the
             * guest name stays what was typed */
            static char dbuf[8][2 * FS_PATH_MAX + 2];
            const char *d = argv[++i], *sep = d;
            while (*sep && !(sep[0] == ':' && sep[1] == ':'))
                sep++;
            char host[FS_PATH_MAX], *o = dbuf[ndirs];
            int32_t hl = (int32_t)(sep - d), k = 0;
            for (int32_t j = 0; j < hl && j < FS_PATH_MAX - 1; j++)
                host[j] = d[j];
            host[hl < FS_PATH_MAX - 1 ? hl : FS_PATH_MAX - 1] = 0;
            if (!fs_abs(host, o, FS_PATH_MAX)) {
                puts_("run: --dir ");
                puts_(d);
                puts_(": path too long\n");
                last_status = 2;
                return;
            }
            k = ath_strlen(o);
            const char *guest = *sep ? sep + 2 : d;
            o[k++] = ':', o[k++] = ':';
            for (const char *g = guest; *g && k < (int32_t)sizeof dbuf[0] - 1; g++)
                o[k++] = *g;
            o[k] = 0;
            dirs[ndirs++] = o;
        } else {
            envs[nenvs++] = argv[++i];
        }
    }
    if (i == argc) {
        puts_("usage: run [--dir PATH[::GUEST]]... [--env K=V]... [--sensors] [--display] PROG [ARGS]\n");
        last_status = 2;
        return;
    }
    const char *prog = argv[i];
    int32_t pl = ath_strlen(prog);
    bool file = has_char(prog, '/') || (pl > 5 && streq(prog + pl - 5, ".wasm"));
    if (file) {
        static char full[FS_PATH_MAX];
        if (!fs_abs(prog, full, sizeof full)) {
            puts_("run: ");
            puts_(prog);
            puts_(": path too long\n");
            last_status = 2;
            return;
        }
        run_wasi(full, argc - i, argv + i, dirs, ndirs, envs, nenvs);
        return;
    }
    char args[200];
    int32_t n = 0;
    for (int k = i + 1; k < argc; k++) {
        if (k > i + 1 && n < (int32_t)sizeof args)
            args[n++] = ' ';
        for (const char *s = argv[k]; *s && n < (int32_t)sizeof args; s++)
            args[n++] = *s;
    }
    ath_handle_t h = ndirs || nenvs ? ATH_ENOENT : ath_sys_run(sys, prog, pl, args, n);
    if (h == ATH_ENOENT && pl <= 64) {      /* not in the boot image: /bin on the disk */
        char path[80] = "/bin/";
        int32_t k = 5;
        for (int32_t j = 0; j < pl; j++)
            path[k++] = prog[j];
        char *ext = path + k;
        ext[0] = '.', ext[1] = 'w', ext[2] = 'a', ext[3] = 's', ext[4] = 'm', ext[5] = 0;
        bare = true;
        run_wasi(path, argc - i, argv + i, dirs, ndirs, envs, nenvs);
        bare = false;
        return;
    }
    if (h == ATH_EINVAL) {
        puts_("run: ");
        puts_(prog);
        puts_(": not a program (a domain of the manifest)\n");
        last_status = 1;
        return;
    }
    if (h < 0) {
        err("run", prog, h);
        last_status = 1;
        return;
    }
    flush();
    bool stopped;
    int64_t st = wait_prog(h, &stopped, -1);
    run_report(prog, st, stopped, false);
}

/* echo WORDS [> FILE | >> FILE] (also >FILE, >>FILE) */
static void c_echo(int argc, char **argv)
{
    const char *file = 0;
    bool append = false;
    int words = argc;
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '>') {
            append = argv[i][1] == '>';
            file = argv[i] + (append ? 2 : 1);
            int last = i;           /* the redirection ends the line */
            if (!*file) {
                file = i + 1 < argc ? argv[i + 1] : 0;
                last = i + 1;
            }
            if (!file || !*file || *file == '>' || last != argc - 1) {
                puts_("usage: echo WORDS [> FILE | >> FILE]\n");
                return;
            }
            words = i;
            break;
        }
    if (file) {
        static char text[LINE_MAX + 2];
        int32_t n = 0;
        for (int i = 1; i < words; i++) {
            if (i > 1)
                text[n++] = ' ';
            for (const char *s = argv[i]; *s && n < LINE_MAX; s++)
                text[n++] = *s;
        }
        text[n++] = '\n';
        fs_echo_to(file, text, n, append);
        return;
    }
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            puts_(" ");
        puts_(argv[i]);
    }
    puts_("\n");
}

static const cmd_t cmds[] = {
    {"help", "", "this list", c_help, false},
    {"ps", "", "the domains: state, priority, memory, CPU time, restarts, capabilities", c_ps, false},
    {"caps", "DOMAIN", "a domain's capabilities: kind, rights, name, target, lease left", c_caps,
     true},
    {"kill", "DOMAIN", "stop a domain (its calls fail until it is restarted)", c_kill, true},
    {"restart", "DOMAIN", "restart a domain from its snapshot", c_restart, true},
    {"reset", "DOMAIN", "reset a domain's memory to its snapshot (instant reset)", c_reset, true},
    {"dmesg", "", "the kernel log", c_dmesg, false},
    {"mem", "", "memory in use", c_mem, false},
    {"uptime", "", "time since the kernel started", c_uptime, false},
    {"run", "[--dir D] [--env K=V] [--sensors] [--display] PROG [ARGS]", "run a program: hello, crash, spin, or WASI from /bin or a path; Ctrl-C stops it", c_run, false},
    {"echo", "WORDS [> FILE]", "print the words (> FILE: into FILE, >> FILE: at its end)", c_echo, false},
    {"ls", "[PATH...]", "list directories: type, size, name", c_ls, false},
    {"cat", "FILE...", "print files", c_cat, false},
    {"cp", "SRC DST", "copy a file (DST may be a directory)", c_cp, false},
    {"mv", "SRC DST", "rename or move (DST may be a directory)", c_mv, false},
    {"rm", "[-r] FILE...", "remove files (-r: directories and all below them)", c_rm, false},
    {"mkdir", "DIR...", "make directories", c_mkdir, false},
    {"rmdir", "DIR...", "remove empty directories", c_rmdir, false},
    {"sync", "", "write everything to the disk", c_sync, false},
    {"cd", "[DIR]", "change the working directory (no DIR: /)", c_cd, false},
    {"pwd", "", "print the working directory", c_pwd, false},
    {"leases", "", "the active sensor leases: sensor, app, precision, seconds left", c_leases, false},
    {"revoke", "APP [SENSOR]", "end an app's sensor leases now", c_revoke, false},
    {"poweroff", "", "power the machine off", c_poweroff, false},
    {"reboot", "", "restart the machine", c_reboot, false},
    {0, 0, 0, 0, false},
};

/* Words with * or ? in their last component (not quoted) become the names
 * they match, sorted; a word that matches nothing stays as typed. */
static int expand(int argc, char **argv, const bool *quoted, char **out)
{
    static char names[4096];
    int n = 0;
    int32_t used = 0;
    for (int i = 0; i < argc && n < ARGV_MAX; i++) {
        int k = i == 0 || quoted[i] ? 0
              : fs_glob(argv[i], names + used, (int32_t)sizeof names - used, out + n, ARGV_MAX - n);
        if (k == 0) {
            out[n++] = argv[i];
            continue;
        }
        for (int j = 0; j < k; j++)
            used += ath_strlen(out[n + j]) + 1;
        n += k;
    }
    return n;
}

static void run_line(char *s)
{
    char *words[ARGV_MAX], *argv[ARGV_MAX];
    bool quoted[ARGV_MAX];
    int argc = split_q(s, words, quoted, ARGV_MAX);
    if (argc == 0)
        return;
    argc = expand(argc, words, quoted, argv);
    for (const cmd_t *c = cmds; c->name; c++)
        if (streq(c->name, argv[0])) {
            c->fn(argc, argv);
            return;
        }
    puts_(argv[0]);
    puts_(": unknown command (type help)\n");
}

/* ------------------------------------------------------------ the line editor */

static const char prompt[] = "azoth$ ";
static char line[LINE_MAX + 1];
static int32_t len, cur;
static char hist[HIST_MAX][LINE_MAX + 1];
static int32_t nhist, hpos;     /* hpos: history entry shown (nhist: the new line) */
static char saved[LINE_MAX + 1];    /* the new line while browsing history */

static void show_prompt(void)
{
    puts_(prompt);
}

/* Redraws the whole line and puts the cursor back. */
static void redraw(void)
{
    puts_("\r");
    puts_(prompt);
    putn(line, len);
    puts_("\x1b[K");
    if (cur < len) {
        puts_("\x1b[");
        putu((uint64_t)(len - cur));
        puts_("D");
    }
}

static void set_line(const char *s)
{
    for (len = 0; s[len] && len < LINE_MAX; len++)
        line[len] = s[len];
    cur = len;
    redraw();
}

static void bell(void)
{
    puts_("\a");
}

static void insert(char c)
{
    if (len == LINE_MAX) {
        bell();
        return;
    }
    for (int32_t i = len; i > cur; i--)
        line[i] = line[i - 1];
    line[cur++] = c;
    len++;
    if (cur == len)
        putn(&c, 1);
    else
        redraw();
}

static void backspace(void)
{
    if (cur == 0)
        return;
    for (int32_t i = cur - 1; i < len - 1; i++)
        line[i] = line[i + 1];
    cur--;
    len--;
    if (cur == len)
        puts_("\b \b");
    else
        redraw();
}

static void delete_at(void)
{
    if (cur == len)
        return;
    cur++;
    backspace();
}

static void history(int dir)
{
    if (dir < 0 && hpos == 0)
        return;
    if (dir > 0 && hpos >= nhist)
        return;
    if (hpos == nhist) {        /* leaving the new line: keep it */
        for (int32_t i = 0; i < len; i++)
            saved[i] = line[i];
        saved[len] = 0;
    }
    hpos += dir;
    set_line(hpos == nhist ? saved : hist[hpos]);
}

static void remember(void)
{
    line[len] = 0;
    if (len == 0 || (nhist && streq(hist[nhist - 1], line)))
        return;
    if (nhist == HIST_MAX) {
        for (int i = 1; i < HIST_MAX; i++)
            for (int32_t k = 0; k <= LINE_MAX; k++)
                hist[i - 1][k] = hist[i][k];
        nhist--;
    }
    for (int32_t i = 0; i <= len; i++)
        hist[nhist][i] = line[i];
    nhist++;
}

/* Tab: completes the word before the cursor (a command name as the first
 * word; a domain name after a command that takes one). One match is
 * completed with a space after it; several are listed. */
static void complete(void)
{
    int32_t ws = cur;
    while (ws > 0 && line[ws - 1] != ' ')
        ws--;
    int32_t wl = cur - ws;
    bool first = true;
    for (int32_t i = 0; i < ws; i++)
        if (line[i] != ' ')
            first = false;
    const char *cand[32];
    int nc = 0;
    static char names[32][40];
    if (first) {
        for (const cmd_t *c = cmds; c->name && nc < 32; c++)
            if (prefix(line + ws, wl, c->name))
                cand[nc++] = c->name;
    } else {
        char cmdw[16];
        int32_t i = 0, k = 0;
        while (i < ws && line[i] == ' ')
            i++;
        while (i < ws && line[i] != ' ' && k < 15)
            cmdw[k++] = line[i++];
        cmdw[k] = 0;
        bool dom = false;
        for (const cmd_t *c = cmds; c->name; c++)
            if (streq(c->name, cmdw))
                dom = c->domain_arg;
        if (!dom) {
            /* a path: names in its directory, as whole words */
            static char found[32][64];
            static char full[32][LINE_MAX + 1];
            int32_t base = 0;
            int n = fs_complete(line + ws, wl, found, 32, &base);
            for (int j = 0; j < n; j++) {
                int32_t m = 0;
                for (; m < base && m < LINE_MAX; m++)
                    full[j][m] = line[ws + m];
                for (int32_t q = 0; found[j][q] && m < LINE_MAX; q++)
                    full[j][m++] = found[j][q];
                full[j][m] = 0;
                cand[nc++] = full[j];
            }
        }
        char l[160], *f[8];
        for (int32_t d = 0; dom && nc < 32 && dom_fields(d, l, sizeof l, f) > 0; d++)
            if (prefix(line + ws, wl, f[0])) {
                int32_t j = 0;
                for (; f[0][j] && j < 39; j++)
                    names[nc][j] = f[0][j];
                names[nc][j] = 0;
                cand[nc] = names[nc];
                nc++;
            }
    }
    if (nc == 0) {
        bell();
        return;
    }
    /* The longest common prefix of the candidates. */
    int32_t common = ath_strlen(cand[0]);
    for (int i = 1; i < nc; i++) {
        int32_t j = 0;
        while (j < common && cand[i][j] == cand[0][j])
            j++;
        common = j;
    }
    for (int32_t j = wl; j < common; j++)
        insert(cand[0][j]);
    if (nc == 1) {
        int32_t cl = ath_strlen(cand[0]);
        if (cl == 0 || cand[0][cl - 1] != '/')     /* a directory: go on typing below it */
            insert(' ');
        return;
    }
    if (common == wl) {
        puts_("\n");
        for (int i = 0; i < nc; i++) {
            puts_(cand[i]);
            puts_("  ");
        }
        puts_("\n");
        redraw();
    }
}

static void enter(void)
{
    puts_("\r\n");
    remember();
    line[len] = 0;
    static char copy[LINE_MAX + 1];
    for (int32_t i = 0; i <= len; i++)
        copy[i] = line[i];
    len = cur = 0;
    hpos = nhist;
    flush();                    /* the command line before what it makes the kernel say */
    run_line(copy);
    if (!stopping)
        show_prompt();
}

/* Escape sequences: ESC [ params final, ESC O final. */
enum { ST_NORMAL, ST_ESC, ST_CSI, ST_SS3 };
static int est;
static int32_t eparam, eplen;
static bool last_cr;

static void csi(char fin)
{
    switch (fin) {
    case 'A': history(-1); break;
    case 'B': history(1); break;
    case 'C':
        if (cur < len) {
            cur++;
            puts_("\x1b[C");
        }
        break;
    case 'D':
        if (cur > 0) {
            cur--;
            puts_("\x1b[D");
        }
        break;
    case 'H': cur = 0; redraw(); break;
    case 'F': cur = len; redraw(); break;
    case '~':
        if (eparam == 1 || eparam == 7) {
            cur = 0;
            redraw();
        } else if (eparam == 4 || eparam == 8) {
            cur = len;
            redraw();
        } else if (eparam == 3) {
            delete_at();
        }
        break;
    default: break;             /* anything else is ignored */
    }
}

static void feed(unsigned char c)
{
    bool cr = last_cr;
    last_cr = false;
    if (est == ST_ESC) {
        est = c == '[' ? ST_CSI : c == 'O' ? ST_SS3 : ST_NORMAL;
        eparam = eplen = 0;
        return;
    }
    if (est == ST_SS3) {
        est = ST_NORMAL;
        csi((char)c);
        return;
    }
    if (est == ST_CSI) {
        if (c >= '0' && c <= '9' && eplen < 8) {
            eparam = eparam * 10 + (c - '0');
            eplen++;
        } else if (c >= 0x40 && c <= 0x7e) {
            est = ST_NORMAL;
            csi((char)c);
        } else if (!(c == ';' || (c >= 0x20 && c <= 0x3f)) || ++eplen > 16) {
            est = ST_NORMAL;    /* malformed or overlong: dropped */
        }
        return;
    }
    switch (c) {
    case 0x1b: est = ST_ESC; break;
    case '\r': last_cr = true; enter(); break;
    case '\n':
        if (!cr)                /* CR LF is one Enter */
            enter();
        break;
    case 0x7f:
    case 0x08: backspace(); break;
    case 0x03:                  /* Ctrl-C: the line is dropped */
        puts_("^C\r\n");
        len = cur = 0;
        hpos = nhist;
        show_prompt();
        break;
    case 0x15: len = cur = 0; redraw(); break;     /* Ctrl-U */
    case 0x01: cur = 0; redraw(); break;           /* Ctrl-A */
    case 0x05: cur = len; redraw(); break;         /* Ctrl-E */
    case 0x04: delete_at(); break;                 /* Ctrl-D */
    case '\t': complete(); break;
    default:
        if (c >= 0x20 && c < 0x7f)
            insert((char)c);
        break;                  /* other control bytes and non-ASCII: ignored */
    }
}

ATH_EXPORT("_start") void _start(void)
{
    sys = ath_cap_find("sys");
    in = ath_cap_find("console.in");
    if (sys < 0 || in < 0) {
        ath_print("shell: no system capability or console channel granted; exiting\n");
        return;
    }
    if ((term = ath_cap_find("term.write")) >= 0 &&
        ((tbuf = ath_buf_new(1)) < 0 || ath_buf_map(tbuf, (uint32_t)(uintptr_t)tpage) < 0))
        term = -1;
    fsroot = ath_cap_find("fs.root");
    rng = ath_cap_find("rng.get");
    int32_t once = ath_sys_ready(sys);
    /* make run CMD=: "h COMMAND" (stdin comes hex-encoded) or "t COMMAND"
     * (a terminal), run as `run COMMAND`, then off. */
    static char cmd[1024 + 8] = "run ";
    int32_t clen = ath_sys_cmd(sys, cmd + 2, 1024);
    if (clen > 2 && clen <= 1024 && (cmd[2] == 'h' || cmd[2] == 't') && cmd[3] == ' ') {
        in_mode = cmd[2] == 'h' ? IN_HEX : IN_TYPED;
        cmd[2] = 'n', cmd[3] = ' ';
        cmd[2 + clen] = 0;
        quiet_run = true;
        run_line(cmd);
        flush();
        ath_sys_halt(sys, (int32_t)(last_status & 255));
        return;
    }
    puts_("Azoth shell. Type help for the commands.\n");
    show_prompt();
    flush();
    if (once == 1) {            /* not interactive (athanor.once): done */
        puts_("\n");
        flush();
        ath_sys_power(sys, 0);
        return;
    }
    for (;;) {
        char buf[ATH_MSG_MAX];
        int32_t n = ath_recv(in, buf, sizeof buf, 0, ATH_FOREVER);
        if (n < 0) {
            ath_print("shell: console channel: ");
            ath_print(ath_strerror(n));
            ath_print("; exiting\n");
            return;
        }
        for (int32_t i = 0; i < n; i++)
            feed((unsigned char)buf[i]);
        flush();
    }
}
