/*
 * A small JSON parser for the spec runner (hosted C).
 *
 * json_parse() builds a tree of json_t nodes from a complete document. It
 * accepts exactly RFC 8259 JSON: one value, optional surrounding whitespace,
 * no trailing commas, no comments. Strings are decoded (escapes, surrogate
 * pairs) into NUL-terminated byte buffers that keep an explicit length, since
 * a JSON string may contain \u0000. Nesting is limited to JSON_MAX_DEPTH.
 * Numbers keep their source text (so callers can re-parse them exactly) and a
 * double. Object members keep their order; duplicate keys are allowed and
 * json_get() returns the first.
 */
#ifndef SPEC_JSON_H
#define SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 256

typedef enum json_type {
    JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
} json_type_t;

typedef struct json json_t;
struct json {
    json_type_t type;
    char *str;          /* JSON_STRING: decoded bytes; JSON_NUMBER: source text */
    size_t len;         /* string bytes, or number of items / members */
    double num;         /* JSON_NUMBER */
    json_t *items;      /* JSON_ARRAY items, JSON_OBJECT member values */
    char *key;          /* set on object members: decoded key */
    size_t key_len;
};

/* Parses text[0..len). Returns NULL on error and writes a one-line reason
 * ("line 3, column 7: expected ':'") into err (cap bytes, may be 0). */
json_t *json_parse(const char *text, size_t len, char *err, size_t cap);
void json_free(json_t *v);

/* Lookups that tolerate NULL and wrong types (they return NULL / 0 / false). */
const json_t *json_get(const json_t *obj, const char *key);
size_t json_count(const json_t *v);                    /* items or members */
const json_t *json_at(const json_t *v, size_t i);
/* The bytes of a string value (len may be NULL), or NULL if v is not a string. */
const char *json_str(const json_t *v, size_t *len);
/* json_str(json_get(obj, key), len) */
const char *json_get_str(const json_t *obj, const char *key, size_t *len);
/* An integer member (a JSON number), or def when absent or not a number. */
long json_get_int(const json_t *obj, const char *key, long def);

#endif
