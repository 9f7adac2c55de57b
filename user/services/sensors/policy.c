/* Request decoding and the policy file (policy.h). */
#include "policy.h"

/* Must agree with sdk/include/sensor.h. */
enum { GPS = 1, MIC = 2, CAM = 3, MAX_MS = 3600000, REQ_BYTES = 64 };

bool policy_name_ok(const char *s, size_t n)
{
    if (n == 0 || n >= POLICY_NAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

int req_decode(int64_t a0, int64_t a1, const uint8_t *b, size_t n, req_t *r)
{
    if (a0 < 0 || a0 >> 16 || a1 < 1 || a1 > MAX_MS || n < REQ_BYTES)
        return -1;
    uint32_t sensor = (uint32_t)a0 & 0xff, precision = (uint32_t)(a0 >> 8) & 0xff;
    if (sensor < GPS || sensor > CAM || precision > 1)
        return -1;
    /* the app's name, NUL-padded to 24 bytes */
    size_t len = 0;
    while (len < POLICY_NAME && b[len])
        len++;
    if (!policy_name_ok((const char *)b, len))
        return -1;
    for (size_t i = len; i < POLICY_NAME; i++)
        if (b[i])
            return -1;
    /* the purpose, 40 bytes, NUL-padded */
    const uint8_t *p = b + POLICY_NAME;
    size_t plen = 0;
    while (plen < 40 && p[plen])
        plen++;
    for (size_t i = 0; i < 40; i++)
        if (i < plen ? (p[i] < 0x20 || p[i] > 0x7e) : p[i] != 0)
            return -1;
    for (size_t i = 0; i < POLICY_NAME; i++)
        r->app[i] = (char)b[i];
    for (size_t i = 0; i < 40; i++)
        r->purpose[i] = (char)p[i];
    r->purpose[40] = 0;
    r->sensor = sensor, r->precision = precision, r->ms = (uint32_t)a1;
    return 0;
}

static bool word_is(const char *w, size_t n, const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (i >= n || w[i] != s[i])
            return false;
    return i == n;
}

static int sensor_of(const char *w, size_t n)
{
    return word_is(w, n, "*") ? (int)POLICY_ANY : word_is(w, n, "gps") ? GPS
         : word_is(w, n, "mic") ? MIC : word_is(w, n, "camera") ? CAM : -1;
}

static int precision_of(const char *w, size_t n)
{
    if (word_is(w, n, "*"))
        return POLICY_ANY;
    if (word_is(w, n, "exact") || word_is(w, n, "raw") || word_is(w, n, "full"))
        return 0;
    if (word_is(w, n, "coarse") || word_is(w, n, "level") || word_is(w, n, "low"))
        return 1;
    return -1;
}

int policy_parse(policy_t *p, const char *t, size_t n)
{
    p->n = 0;
    size_t i = 0;
    int line = 0;
    while (i < n) {
        line++;
        size_t end = i;
        while (end < n && t[end] != '\n')
            end++;
        const char *w[6];
        size_t wl[6];
        int nw = 0;
        bool bad = false;
        for (size_t j = i; j < end && !bad;) {
            if (t[j] == '#')
                break;
            if (t[j] == ' ' || t[j] == '\t' || t[j] == '\r') {
                j++;
                continue;
            }
            size_t k = j;
            while (k < end && t[k] != ' ' && t[k] != '\t' && t[k] != '\r' && t[k] != '#')
                k++;
            if (nw == 6)
                bad = true;
            else
                w[nw] = t + j, wl[nw] = k - j, nw++;
            j = k;
        }
        i = end + 1;
        if (nw == 0 && !bad)
            continue;
        policy_rule_t r = {{0}, 0, 0, 0, 0};
        int s = nw >= 3 ? sensor_of(w[1], wl[1]) : -1;
        int pr = nw >= 3 ? precision_of(w[2], wl[2]) : -1;
        bool app_ok = nw >= 1 && (word_is(w[0], wl[0], "*") || policy_name_ok(w[0], wl[0]));
        if (bad || nw < 4 || nw > 5 || !app_ok || s < 0 || pr < 0 || p->n == POLICY_RULES) {
            p->n = 0;
            return -line;
        }
        if (word_is(w[3], wl[3], "allow"))
            r.decision = POLICY_ALLOW;
        else if (word_is(w[3], wl[3], "deny"))
            r.decision = POLICY_DENY;
        else if (word_is(w[3], wl[3], "ask"))
            r.decision = POLICY_ASK;
        else {
            p->n = 0;
            return -line;
        }
        if (nw == 5) {
            uint32_t v = 0;
            if (wl[4] == 0 || wl[4] > 7) {
                p->n = 0;
                return -line;
            }
            for (size_t j = 0; j < wl[4]; j++) {
                if (w[4][j] < '0' || w[4][j] > '9') {
                    p->n = 0;
                    return -line;
                }
                v = v * 10 + (uint32_t)(w[4][j] - '0');
            }
            r.max_s = v;
        }
        for (size_t j = 0; j < wl[0]; j++)
            r.app[j] = w[0][j];
        r.sensor = (uint8_t)s, r.precision = (uint8_t)pr;
        p->rule[p->n++] = r;
    }
    return (int)p->n;
}

static bool same_name(const char *a, const char *b)
{
    for (int i = 0; i < POLICY_NAME; i++) {
        if (a[i] != b[i])
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

int policy_decide(const policy_t *p, const req_t *r)
{
    for (uint32_t i = 0; i < p->n && i < POLICY_RULES; i++) {
        const policy_rule_t *x = &p->rule[i];
        if (!(x->app[0] == '*' && !x->app[1]) && !same_name(x->app, r->app))
            continue;
        if (x->sensor != POLICY_ANY && x->sensor != r->sensor)
            continue;
        if (x->precision != POLICY_ANY && x->precision != r->precision)
            continue;
        if (x->decision == POLICY_ALLOW && x->max_s && (uint64_t)r->ms > (uint64_t)x->max_s * 1000)
            return POLICY_ASK;
        return x->decision;
    }
    return POLICY_ASK;
}

const char *policy_decision_name(int d)
{
    return d == POLICY_ALLOW ? "allow" : d == POLICY_DENY ? "deny" : "ask";
}
