/*
 * JSON parser: recursive descent over a byte buffer, see json.h.
 */
#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *start, *p, *end;
    char *err;
    size_t cap;
    bool failed;
    int depth;
} parser_t;

/* A growable byte buffer for decoded strings. */
typedef struct buf {
    char *data;
    size_t len, cap;
} buf_t;

static bool parse_value(parser_t *ps, json_t *out);

/* Records the first error with its line and column; always returns false. */
static bool fail(parser_t *ps, const char *fmt, ...)
{
    if (ps->failed)
        return false;
    ps->failed = true;
    if (ps->cap == 0)
        return false;
    size_t line = 1, col = 1;
    for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    int n = snprintf(ps->err, ps->cap, "line %zu, column %zu: ", line, col);
    if (n < 0 || (size_t)n >= ps->cap)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->cap - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static void skip_ws(parser_t *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool buf_put(buf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return false;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
    return true;
}

/* Appends code point cp (<= 0x10FFFF) as UTF-8. */
static bool buf_utf8(buf_t *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return buf_put(b, u, n);
}

/* Reads the 4 hex digits after "\u". */
static bool parse_hex4(parser_t *ps, uint32_t *out)
{
    if (ps->end - ps->p < 4)
        return fail(ps, "truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return fail(ps, "bad hex digit in \\u escape");
    }
    *out = v;
    return true;
}

/* A \u escape, joining a surrogate pair. Lone surrogates are errors: they
 * cannot be encoded in UTF-8. */
static bool parse_unicode(parser_t *ps, buf_t *b)
{
    uint32_t hi, lo;
    if (!parse_hex4(ps, &hi))
        return false;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return fail(ps, "lone low surrogate");
    if (hi < 0xD800 || hi > 0xDBFF)
        return buf_utf8(b, hi) || fail(ps, "out of memory");
    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
        return fail(ps, "lone high surrogate");
    ps->p += 2;
    if (!parse_hex4(ps, &lo))
        return false;
    if (lo < 0xDC00 || lo > 0xDFFF)
        return fail(ps, "bad low surrogate");
    return buf_utf8(b, 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)) ||
           fail(ps, "out of memory");
}

static bool parse_escape(parser_t *ps, buf_t *b)
{
    if (ps->p >= ps->end)
        return fail(ps, "unterminated string");
    char c = *ps->p++, o;
    switch (c) {
    case '"': o = '"'; break;
    case '\\': o = '\\'; break;
    case '/': o = '/'; break;
    case 'b': o = '\b'; break;
    case 'f': o = '\f'; break;
    case 'n': o = '\n'; break;
    case 'r': o = '\r'; break;
    case 't': o = '\t'; break;
    case 'u': return parse_unicode(ps, b);
    default: return fail(ps, "bad escape '\\%c'", c);
    }
    return buf_put(b, &o, 1) || fail(ps, "out of memory");
}

/* Parses a string starting at '"'. On success *out owns a NUL-terminated
 * buffer (never NULL, even for ""). Raw bytes >= 0x20 pass through as is. */
static bool parse_string(parser_t *ps, char **out, size_t *len)
{
    buf_t b = {0};
    ps->p++;
    if (!buf_put(&b, "", 0))
        return fail(ps, "out of memory");
    for (;;) {
        if (ps->p >= ps->end) {
            free(b.data);
            return fail(ps, "unterminated string");
        }
        const char *run = ps->p;
        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
               (unsigned char)*ps->p >= 0x20)
            ps->p++;
        bool ok = buf_put(&b, run, (size_t)(ps->p - run)) || fail(ps, "out of memory");
        if (ok && ps->p < ps->end) {
            char c = *ps->p;
            if (c == '"') {
                ps->p++;
                *out = b.data;
                *len = b.len;
                return true;
            }
            if (c == '\\') {
                ps->p++;
                ok = parse_escape(ps, &b);
            } else {
                ok = fail(ps, "control character in string");
            }
        }
        if (!ok) {
            free(b.data);
            return false;
        }
    }
}

static bool is_digit(parser_t *ps)
{
    return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static void skip_digits(parser_t *ps)
{
    while (is_digit(ps))
        ps->p++;
}

/* Checks the JSON number grammar, then converts with strtod. */
static bool parse_number(parser_t *ps, json_t *out)
{
    const char *s = ps->p;
    if (*ps->p == '-')
        ps->p++;
    if (!is_digit(ps))
        return fail(ps, "expected a digit");
    if (*ps->p == '0')
        ps->p++;
    else
        skip_digits(ps);
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!is_digit(ps))
            return fail(ps, "expected a digit after '.'");
        skip_digits(ps);
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!is_digit(ps))
            return fail(ps, "expected a digit in exponent");
        skip_digits(ps);
    }
    size_t n = (size_t)(ps->p - s);
    out->type = JSON_NUMBER;
    out->str = malloc(n + 1);
    if (!out->str)
        return fail(ps, "out of memory");
    memcpy(out->str, s, n);
    out->str[n] = 0;
    out->len = n;
    out->num = strtod(out->str, NULL);
    return true;
}

/* Appends a zeroed node to a growing array of nodes. */
static json_t *push_item(parser_t *ps, json_t *v, size_t *cap)
{
    if (v->len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        json_t *items = realloc(v->items, ncap * sizeof *items);
        if (!items) {
            fail(ps, "out of memory");
            return NULL;
        }
        v->items = items;
        *cap = ncap;
    }
    json_t *it = &v->items[v->len++];
    memset(it, 0, sizeof *it);
    return it;
}

/* Parses '[' items ']' or '{' members '}' into out. */
static bool parse_container(parser_t *ps, json_t *out, bool object)
{
    char close = object ? '}' : ']';
    size_t cap = 0;
    out->type = object ? JSON_OBJECT : JSON_ARRAY;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return true;
    }
    for (;;) {
        json_t *it = push_item(ps, out, &cap);
        if (!it)
            return false;
        if (object) {
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"')
                return fail(ps, "expected a member name");
            if (!parse_string(ps, &it->key, &it->key_len))
                return false;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                return fail(ps, "expected ':'");
            ps->p++;
        }
        if (!parse_value(ps, it))
            return false;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return true;
        }
        return fail(ps, "expected ',' or '%c'", close);
    }
}

static bool parse_literal(parser_t *ps, const char *word, json_type_t type, json_t *out)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character");
    ps->p += n;
    out->type = type;
    return true;
}

static bool parse_value(parser_t *ps, json_t *out)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of input");
    if (ps->depth >= JSON_MAX_DEPTH)
        return fail(ps, "nesting deeper than %d", JSON_MAX_DEPTH);
    bool ok;
    ps->depth++;
    switch (*ps->p) {
    case '{': ok = parse_container(ps, out, true); break;
    case '[': ok = parse_container(ps, out, false); break;
    case '"':
        out->type = JSON_STRING;
        ok = parse_string(ps, &out->str, &out->len);
        break;
    case 't': ok = parse_literal(ps, "true", JSON_TRUE, out); break;
    case 'f': ok = parse_literal(ps, "false", JSON_FALSE, out); break;
    case 'n': ok = parse_literal(ps, "null", JSON_NULL, out); break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            ok = parse_number(ps, out);
        else
            ok = fail(ps, "unexpected character");
    }
    ps->depth--;
    return ok;
}

/* Frees what a node owns, not the node itself. */
static void release(json_t *v)
{
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->len; i++)
            release(&v->items[i]);
        free(v->items);
    }
    free(v->str);
    free(v->key);
}

json_t *json_parse(const char *text, size_t len, char *err, size_t cap)
{
    parser_t ps = {text, text, text + len, err, cap, false, 0};
    if (cap)
        err[0] = 0;
    json_t *root = calloc(1, sizeof *root);
    if (!root) {
        fail(&ps, "out of memory");
        return NULL;
    }
    bool ok = parse_value(&ps, root);
    if (ok) {
        skip_ws(&ps);
        if (ps.p != ps.end)
            ok = fail(&ps, "trailing characters after the value");
    }
    if (!ok) {
        release(root);
        free(root);
        return NULL;
    }
    return root;
}

void json_free(json_t *v)
{
    if (v) {
        release(v);
        free(v);
    }
}

const json_t *json_get(const json_t *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->len; i++)
        if (obj->items[i].key_len == n && memcmp(obj->items[i].key, key, n) == 0)
            return &obj->items[i];
    return NULL;
}

size_t json_count(const json_t *v)
{
    return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ? v->len : 0;
}

const json_t *json_at(const json_t *v, size_t i)
{
    return i < json_count(v) ? &v->items[i] : NULL;
}

const char *json_str(const json_t *v, size_t *len)
{
    if (!v || v->type != JSON_STRING)
        return NULL;
    if (len)
        *len = v->len;
    return v->str;
}

const char *json_get_str(const json_t *obj, const char *key, size_t *len)
{
    return json_str(json_get(obj, key), len);
}

long json_get_int(const json_t *obj, const char *key, long def)
{
    const json_t *v = json_get(obj, key);
    return v && v->type == JSON_NUMBER ? strtol(v->str, NULL, 10) : def;
}
