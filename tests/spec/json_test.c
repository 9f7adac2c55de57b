/*
 * Unit tests for the spec runner's JSON parser. Prints one line per failed
 * check and ends with "json: P passed, F failed".
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                    \
    } while (0)

static json_t *parse(const char *s)
{
    char err[128];
    return json_parse(s, strlen(s), err, sizeof err);
}

static bool rejects(const char *s)
{
    char err[128];
    json_t *v = json_parse(s, strlen(s), err, sizeof err);
    json_free(v);
    return v == NULL && err[0] != 0;
}

static void test_scalars(void)
{
    json_t *v = parse(" true ");
    CHECK(v && v->type == JSON_TRUE);
    json_free(v);
    v = parse("null");
    CHECK(v && v->type == JSON_NULL);
    json_free(v);
    v = parse("-12.5e2");
    CHECK(v && v->type == JSON_NUMBER && v->num == -1250.0 && strcmp(v->str, "-12.5e2") == 0);
    json_free(v);
    v = parse("0");
    CHECK(v && v->type == JSON_NUMBER && v->num == 0.0);
    json_free(v);
}

static void test_strings(void)
{
    size_t n;
    json_t *v = parse("\"a\\\"b\\\\c\\/\\n\\t\"");
    const char *s = json_str(v, &n);
    CHECK(s && n == 8 && memcmp(s, "a\"b\\c/\n\t", 8) == 0);
    json_free(v);
    v = parse("\"\\u0000x\\u00e9\\u20ac\\ud83d\\ude00\"");
    s = json_str(v, &n);
    CHECK(s && n == 1 + 1 + 2 + 3 + 4);
    CHECK(s && memcmp(s, "\0x\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", n) == 0);
    json_free(v);
    v = parse("\"\xef\xbb\xbf raw utf8 \xc3\x85\"");
    s = json_str(v, &n);
    CHECK(s && n == 15 && s[n] == 0);
    json_free(v);
    v = parse("\"\"");
    s = json_str(v, &n);
    CHECK(s && n == 0 && s[0] == 0);
    json_free(v);
}

static void test_containers(void)
{
    json_t *v = parse("{\"type\": \"module\", \"line\": 3, \"list\": [1, [], {}, \"x\"],"
                      " \"type\": \"dup\"}");
    CHECK(v && v->type == JSON_OBJECT && json_count(v) == 4);
    CHECK(strcmp(json_get_str(v, "type", NULL), "module") == 0);
    CHECK(json_get_int(v, "line", -1) == 3);
    CHECK(json_get_int(v, "missing", -1) == -1);
    CHECK(json_get_int(v, "type", -1) == -1);
    const json_t *l = json_get(v, "list");
    CHECK(json_count(l) == 4);
    CHECK(json_at(l, 1)->type == JSON_ARRAY && json_count(json_at(l, 1)) == 0);
    CHECK(json_at(l, 2)->type == JSON_OBJECT);
    CHECK(json_at(l, 4) == NULL);
    CHECK(json_get(l, "x") == NULL);
    CHECK(json_str(json_at(l, 0), NULL) == NULL);
    json_free(v);
    CHECK(json_get(NULL, "x") == NULL && json_count(NULL) == 0 && json_at(NULL, 0) == NULL);
}

static void test_errors(void)
{
    const char *bad[] = {
        "", "   ", "tru", "nul", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{1:2}",
        "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "\"tab\there\"", "01", "-", "1.", "1e", "+1", ".5", "[1] x", "{}}", "[", "{",
        "\"\\u00g0\"", "nan", "[\"a\",",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool ok = rejects(bad[i]);
        if (!ok)
            printf("accepted bad JSON #%zu: %s\n", i, bad[i]);
        CHECK(ok);
    }
    char err[64];
    json_t *v = json_parse("[1,\n  x]", 8, err, sizeof err);
    CHECK(!v && strncmp(err, "line 2, column 3:", 17) == 0);
    /* An embedded NUL ends nothing: the length decides. */
    v = json_parse("[1]\0", 4, err, sizeof err);
    CHECK(v == NULL);
    v = json_parse("[1]", 3, NULL, 0);
    CHECK(v != NULL);
    json_free(v);
}

static void test_depth(void)
{
    char deep[2 * JSON_MAX_DEPTH + 8];
    size_t n = 0;
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        deep[n++] = ']';
    deep[n] = 0;
    json_t *v = parse(deep);
    CHECK(v != NULL);
    json_free(v);
    memmove(deep + 1, deep, n + 1);
    deep[0] = '[';
    deep[n + 1] = ']';
    deep[n + 2] = 0;
    CHECK(rejects(deep));
}

int main(void)
{
    test_scalars();
    test_strings();
    test_containers();
    test_errors();
    test_depth();
    printf("json: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
