/*
 * The sensor broker's pure parts (docs/privacy.md): decoding a lease
 * request and the policy file that decides it. No host calls: the same
 * code runs in the broker (wasm32) and in the host unit tests and fuzzer.
 */
#ifndef SENSORS_POLICY_H
#define SENSORS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_RULES 32
#define POLICY_NAME 24          /* = SENSOR_NAME */

enum { POLICY_ASK = 0, POLICY_ALLOW = 1, POLICY_DENY = 2 };
#define POLICY_ANY 0xffu

typedef struct policy_rule {
    char app[POLICY_NAME];      /* "*" matches every app */
    uint8_t sensor, precision;  /* POLICY_ANY: every one */
    uint8_t decision;
    uint32_t max_s;             /* allow only up to this many seconds (0: no limit) */
} policy_rule_t;

typedef struct policy {
    policy_rule_t rule[POLICY_RULES];
    uint32_t n;
} policy_t;

/* A decoded request. */
typedef struct req {
    char app[POLICY_NAME];      /* 1..23 of [a-z0-9_-], NUL-terminated */
    char purpose[41];           /* printable ASCII, NUL-terminated */
    uint32_t sensor, precision, ms;
} req_t;

/* request(a0 = sensor | precision << 8, a1 = duration ms) with the lent
 * bytes (a sensor_req_t, n bytes of it readable): 0 and *r, or -1 when
 * anything is malformed (unknown sensor or precision, a duration outside
 * 1 ms..1 h, an app name that is not 1..23 of [a-z0-9_-] NUL-padded, a
 * purpose with a byte outside printable ASCII before its NUL padding). */
int req_decode(int64_t a0, int64_t a1, const uint8_t *bytes, size_t n, req_t *r);

/* Whether s (n bytes) is a good app name: 1..23 of [a-z0-9_-]. */
bool policy_name_ok(const char *s, size_t n);

/* Parses the policy text (n bytes): one rule a line,
 *   APP SENSOR PRECISION allow|deny|ask [MAX-SECONDS]
 * APP, SENSOR (gps mic camera) and PRECISION (exact coarse raw level full
 * low) may be "*"; '#' starts a comment. Returns the number of rules, or
 * -(line number) of the first bad line (the policy is then empty). */
int policy_parse(policy_t *p, const char *text, size_t n);

/* The first rule matching decides; an allow over its MAX-SECONDS asks
 * instead; no rule: ask. */
int policy_decide(const policy_t *p, const req_t *r);

const char *policy_decision_name(int d);

#endif
