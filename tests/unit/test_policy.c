/*
 * The sensor broker's request decoding and policy file
 * (user/services/sensors/policy.c): the rules' order, wildcards, the
 * allow limit, and every malformed line and request refused.
 */
#include "unit.h"

#include <policy.h>

static req_t req(const char *app, uint32_t sensor, uint32_t precision, uint32_t ms)
{
    req_t r;
    memset(&r, 0, sizeof r);
    strcpy(r.app, app);
    r.sensor = sensor, r.precision = precision, r.ms = ms;
    return r;
}

TEST(policy_rules)
{
    policy_t p;
    const char *t = "# comment line\n"
                    "locate gps coarse allow 60   # up to a minute\n"
                    "locate gps exact deny\n"
                    "\n"
                    "record mic * ask\n"
                    "* camera low allow\n"
                    "* * * deny\n";
    CHECK_EQ(policy_parse(&p, t, strlen(t)), 5);
    req_t r = req("locate", 1, 1, 60000);
    CHECK_EQ(policy_decide(&p, &r), POLICY_ALLOW);
    r.ms = 60001;                               /* over the limit: asked */
    CHECK_EQ(policy_decide(&p, &r), POLICY_ASK);
    r = req("locate", 1, 0, 1000);
    CHECK_EQ(policy_decide(&p, &r), POLICY_DENY);
    r = req("record", 2, 0, 1000);
    CHECK_EQ(policy_decide(&p, &r), POLICY_ASK);
    r = req("snap", 3, 1, 3600000);
    CHECK_EQ(policy_decide(&p, &r), POLICY_ALLOW);
    r = req("snap", 3, 0, 1000);
    CHECK_EQ(policy_decide(&p, &r), POLICY_DENY);
    r = req("locatex", 1, 1, 1000);             /* names match whole */
    CHECK_EQ(policy_decide(&p, &r), POLICY_DENY);
    /* no file, an empty one: everything is asked */
    CHECK_EQ(policy_parse(&p, "", 0), 0);
    CHECK_EQ(policy_decide(&p, &r), POLICY_ASK);
    /* CRLF line ends and tabs */
    const char *crlf = "locate\tgps\tcoarse\tallow\r\n";
    CHECK_EQ(policy_parse(&p, crlf, strlen(crlf)), 1);
}

TEST(policy_bad_lines)
{
    policy_t p;
    const char *bad[] = {
        "locate gps coarse", "locate gps coarse maybe", "locate gps fine allow",
        "locate radar coarse allow", "Locate gps coarse allow", "locate gps coarse allow 60 70",
        "locate gps coarse allow x", "locate gps coarse allow 12345678", "a b c d e f g",
        "abcdefghijklmnopqrstuvwxyz gps coarse allow",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[200];
        snprintf(t, sizeof t, "* * * ask\n%s\n", bad[i]);
        CHECK_EQ(policy_parse(&p, t, strlen(t)), -2);
        CHECK_EQ(p.n, 0);
    }
    /* more rules than fit */
    char big[40 * 20] = "";
    for (int i = 0; i < POLICY_RULES + 1; i++)
        strcat(big, "* gps * ask\n");
    CHECK_EQ(policy_parse(&p, big, strlen(big)), -(POLICY_RULES + 1));
}

static void mk(uint8_t *b, const char *app, const char *purpose)
{
    memset(b, 0, 64);
    memcpy(b, app, strlen(app));
    memcpy(b + 24, purpose, strlen(purpose));
}

TEST(policy_requests)
{
    uint8_t b[64];
    req_t r;
    mk(b, "locate", "where am I");
    CHECK_EQ(req_decode(1 | 1 << 8, 60000, b, 64, &r), 0);
    CHECK(strcmp(r.app, "locate") == 0 && strcmp(r.purpose, "where am I") == 0);
    CHECK(r.sensor == 1 && r.precision == 1 && r.ms == 60000);
    CHECK_EQ(req_decode(1, 60000, b, 63, &r), -1);             /* short */
    CHECK_EQ(req_decode(0, 60000, b, 64, &r), -1);
    CHECK_EQ(req_decode(4, 60000, b, 64, &r), -1);
    CHECK_EQ(req_decode(1 | 2 << 8, 60000, b, 64, &r), -1);
    CHECK_EQ(req_decode(1 | 1 << 16, 60000, b, 64, &r), -1);
    CHECK_EQ(req_decode(1, 0, b, 64, &r), -1);
    CHECK_EQ(req_decode(1, 3600001, b, 64, &r), -1);
    CHECK_EQ(req_decode(1, 3600000, b, 64, &r), 0);
    b[30] = 0x7f;                                               /* DEL in the purpose */
    CHECK_EQ(req_decode(1, 1000, b, 64, &r), -1);
    mk(b, "locate", "");
    b[40] = 'x';                                                /* after the NUL */
    CHECK_EQ(req_decode(1, 1000, b, 64, &r), -1);
    mk(b, "loc ate", "x");
    CHECK_EQ(req_decode(1, 1000, b, 64, &r), -1);
    memset(b, 'a', 64);                                         /* no NUL anywhere */
    CHECK_EQ(req_decode(1, 1000, b, 64, &r), -1);
    mk(b, "abcdefghijklmnopqrstuvw", "");                       /* 23: the longest */
    CHECK_EQ(req_decode(1, 1000, b, 64, &r), 0);
    memset(b + 24, 'p', 40);                                    /* a purpose of exactly 40 */
    CHECK_EQ(req_decode(1, 1000, b, 64, &r), 0);
    CHECK_EQ(strlen(r.purpose), 40);
}
