/*
 * libFuzzer target for the sensor broker's request decoding and policy
 * file (user/services/sensors/policy.c): the input's first 16 bytes are
 * the call's a0 and a1, the next 64 the lent request, the rest a policy
 * text; the decision must be one of the three.
 */
#include <policy.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static policy_t p;
    int64_t a[2] = {0, 0};
    if (size >= 16)
        memcpy(a, data, 16);
    const uint8_t *rq = size >= 80 ? data + 16 : NULL;
    const char *text = (const char *)data + (size >= 80 ? 80 : size);
    size_t tn = size >= 80 ? size - 80 : 0;
    int n = policy_parse(&p, text, tn);
    if (n > POLICY_RULES || (n < 0 && p.n != 0) || (n >= 0 && (uint32_t)n != p.n))
        abort();
    req_t r;
    if (rq && req_decode(a[0], a[1], rq, 64, &r) == 0) {
        if (!policy_name_ok(r.app, strlen(r.app)) || r.sensor < 1 || r.sensor > 3 || r.precision > 1 ||
            r.ms < 1 || r.ms > 3600000 || strlen(r.purpose) > 40)
            abort();
        int d = policy_decide(&p, &r);
        if (d != POLICY_ASK && d != POLICY_ALLOW && d != POLICY_DENY)
            abort();
    }
    return 0;
}
