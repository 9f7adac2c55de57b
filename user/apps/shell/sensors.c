/*
 * The shell's sensor commands (docs/privacy.md, docs/shell.md): leases,
 * revoke, and the approval prompt the sensor broker asks for while a
 * program runs. Capabilities: sensor.admin (call), sensor.ask (receive),
 * sensor.answer (send), all from the shell's manifest entry.
 */
#include "shell.h"

#include <sensor.h>

static ath_handle_t console_in = -1;

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
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


static ath_handle_t sensor_admin = -1, sensor_ask_ch = -1, sensor_answer_ch = -1;
static bool sensor_found;
static uint8_t sensor_page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t sensor_buf = -1;

static bool sensor_caps(void)
{
    if (!sensor_found) {
        sensor_found = true;
        sensor_admin = ath_cap_find("sensor.admin");
        sensor_ask_ch = ath_cap_find("sensor.ask");
        sensor_answer_ch = ath_cap_find("sensor.answer");
        sensor_buf = ath_buf_new(1);
        console_in = ath_cap_find("console.in");
    }
    return sensor_admin >= 0 && sensor_buf >= 0;
}

/* The broker asks (a program wants a sensor): the person answers. Only a
 * typed y or yes allows; anything else, or Ctrl-C, refuses. */
void sensor_prompt(void)
{
    sensor_ask_t q;
    if (!sensor_caps() || sensor_ask_ch < 0 ||
        ath_recv(sensor_ask_ch, &q, sizeof q, 0, 0) != (int32_t)sizeof q)
        return;
    q.app[SENSOR_NAME - 1] = 0;
    for (int i = 0; q.app[i]; i++)
        if (q.app[i] < 0x20 || q.app[i] > 0x7e)
            q.app[i] = '?';
    puts_("allow '");
    puts_(q.app);
    puts_("' to read ");
    puts_(sensor_name(q.sensor));
    puts_(" (");
    puts_(sensor_precision_name(q.sensor, q.precision));
    puts_(") for ");
    putu(q.seconds);
    puts_(" s? [y/N] ");
    flush();
    char ans[8];
    int32_t n = 0;
    bool done = false, cancel = false;
    int64_t end = ath_uptime_ns() + 30000 * 1000000ll;     /* the broker waits as long */
    while (!done) {
        char b[ATH_MSG_MAX];
        int64_t left = end - ath_uptime_ns();
        int32_t k = left > 0 ? ath_recv(console_in, b, sizeof b, 0, left) : ATH_ETIMEDOUT;
        if (k == ATH_ETIMEDOUT) {
            puts_(" (no answer: refused)");
            cancel = true;
            break;
        }
        if (k < 0)
            break;
        for (int32_t i = 0; i < k && !done; i++) {
            char c = b[i];
            if (c == '\r' || c == '\n') {
                done = true;
            } else if (c == 0x03) {
                cancel = done = true;
            } else if ((c == 0x7f || c == 0x08) && n > 0) {
                n--;
                puts_("\b \b");
            } else if (c >= 0x20 && c < 0x7f && n < (int32_t)sizeof ans - 1) {
                ans[n++] = c;
                putn(&c, 1);
            }
        }
        flush();
    }
    ans[n] = 0;
    puts_("\n");
    flush();
    sensor_answer_t a = {q.id, !cancel && (same(ans, "y") || same(ans, "yes"))};
    if (sensor_answer_ch >= 0)
        ath_send(sensor_answer_ch, &a, sizeof a, 0);
}

/* leases: the active sensor leases, SENSOR APP PRECISION SECONDS-LEFT. */
void c_leases(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (!sensor_caps()) {
        puts_("leases: no sensor broker\n");
        return;
    }
    for (int i = 0;; i++) {
        int64_t n = 0;
        int32_t e = ath_call_lend(sensor_admin, sensor_buf, ATH_R_READ | ATH_R_WRITE,
                                  SENSOR_ADMIN_LIST, i, 0, &n);
        if (e == 0 && n == ATH_ENOENT)
            return;
        if (e < 0 || n < 0 || n > 200) {
            err("leases", 0, e < 0 ? e : (int32_t)n);
            return;
        }
        if (ath_buf_map(sensor_buf, (uint32_t)(uintptr_t)sensor_page) < 0)
            return;
        putn((const char *)sensor_page, (int32_t)n);
        ath_buf_unmap(sensor_buf);
        puts_("\n");
    }
}

/* revoke APP [SENSOR]: ends the app's leases now (of one sensor, or all). */
void c_revoke(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        puts_("usage: revoke APP [gps|mic|camera]\n");
        return;
    }
    if (!sensor_caps()) {
        puts_("revoke: no sensor broker\n");
        return;
    }
    int64_t sensor = 0;
    if (argc == 3) {
        for (uint32_t s = SENSOR_GPS; s <= SENSOR_CAM; s++)
            if (same(argv[2], sensor_name(s)))
                sensor = s;
        if (!sensor) {
            puts_("revoke: ");
            puts_(argv[2]);
            puts_(": no such sensor\n");
            return;
        }
    }
    int32_t len = ath_strlen(argv[1]);
    if (len >= SENSOR_NAME || ath_buf_map(sensor_buf, (uint32_t)(uintptr_t)sensor_page) < 0) {
        err("revoke", argv[1], ATH_EINVAL);
        return;
    }
    for (int32_t i = 0; i < SENSOR_NAME; i++)
        sensor_page[i] = (uint8_t)(i < len ? argv[1][i] : 0);
    ath_buf_unmap(sensor_buf);
    int64_t n = 0;
    int32_t e = ath_call_lend(sensor_admin, sensor_buf, ATH_R_READ, SENSOR_ADMIN_REVOKE, sensor, 0, &n);
    if (e < 0 || n < 0) {
        if (e == 0 && n == ATH_ENOENT) {
            puts_("revoke: ");
            puts_(argv[1]);
            puts_(": no lease\n");
        } else {
            err("revoke", argv[1], e < 0 ? e : (int32_t)n);
        }
        return;
    }
    puts_("revoke: ");
    putu((uint64_t)n);
    puts_(n == 1 ? " lease of " : " leases of ");
    puts_(argv[1]);
    puts_(" ended\n");
}
