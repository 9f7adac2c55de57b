/*
 * libFuzzer target for the spec runner's JSON parser:
 *   clang -fsanitize=fuzzer,address,undefined tests/spec/json_fuzz.c tests/spec/json.c
 * Parses the input, walks the tree and frees it.
 */
#include "json.h"

#include <stdint.h>
#include <string.h>

static size_t walk(const json_t *v)
{
    size_t n = 1, len;
    if (json_str(v, &len))
        n += len;
    for (size_t i = 0; i < json_count(v); i++)
        n += walk(json_at(v, i));
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[100];
    json_t *v = json_parse((const char *)data, size, err, sizeof err);
    if (v) {
        walk(v);
        json_get(v, "commands");
        json_get_int(v, "line", 0);
    } else if (!err[0]) {
        __builtin_trap();  /* a rejection must say why */
    }
    json_free(v);
    return 0;
}
