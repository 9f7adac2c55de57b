/*
 * spec2bin: packs wast2json outputs into one blob for the in-kernel spec
 * runner (kernel/test/kspec.c). The format is in docs/kspec.md and
 * kernel/include/kern/kspec.h.
 *
 *   spec2bin [-q] -o out.bin file.json ...
 *
 * Each file.json is what `wast2json x.wast -o dir/x.json` wrote; the module
 * files it names are read from the same directory. Text-format modules
 * (assert_malformed on "quote" modules) are left out: the engine reads
 * binary only. What is left out is counted on stderr (each one with -v).
 *
 * Every integer is written little-endian byte by byte, so the blob is the
 * same on any host.
 */
#include "json.h"

#include <kern/kspec.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    uint8_t *data;
    size_t len, cap;
} out_t;

typedef struct conv {
    out_t o;
    const char *dir;         /* directory of the JSON file being converted */
    const char *src;         /* its .wast name, for messages */
    int line;
    bool verbose;
    long skipped, commands, modules;
} conv_t;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "spec2bin: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

/* ------------------------------------------------------------ output */

static void put(out_t *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 1 << 16;
        while (cap < o->len + n)
            cap *= 2;
        o->data = realloc(o->data, cap);
        if (!o->data)
            die("out of memory");
        o->cap = cap;
    }
    if (n)
        memcpy(o->data + o->len, p, n);
    o->len += n;
}

static void put_u8(out_t *o, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(o, &b, 1);
}

static void put_u32(out_t *o, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(o, b, 4);
}

static void put_u64(out_t *o, uint64_t v)
{
    put_u32(o, (uint32_t)v);
    put_u32(o, (uint32_t)(v >> 32));
}

static void patch_u32(out_t *o, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        o->data[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void put_str(out_t *o, const char *s, size_t n)
{
    if (n > UINT32_MAX)
        die("string too long");
    put_u32(o, (uint32_t)n);
    put(o, s, n);
}

/* ------------------------------------------------------------ input */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char *data = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            data = realloc(data, cap);
            if (!data)
                die("out of memory");
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    *len = n;
    return data;
}

/* Writes the bytes of the module file a command names, as a string. */
static void put_module_file(conv_t *c, const json_t *cmd)
{
    const char *name = json_get_str(cmd, "filename", NULL);
    if (!name)
        die("%s:%d: command has no filename", c->src, c->line);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", c->dir, name);
    size_t len;
    char *bytes = slurp(path, &len);
    put_str(&c->o, bytes, len);
    free(bytes);
}

/* ------------------------------------------------------------ values */

static int val_type(const char *s)
{
    static const struct { const char *name; int t; } types[] = {
        {"i32", 0x7F}, {"i64", 0x7E}, {"f32", 0x7D}, {"f64", 0x7C},
        {"funcref", 0x70}, {"externref", 0x6F},
    };
    for (size_t i = 0; s && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(s, types[i].name) == 0)
            return types[i].t;
    return -1;
}

/* Converts {"type": T, "value": V} into the blob's value encoding. Returns
 * false (with why) for what the blob cannot carry, such as v128. */
static bool conv_val(const json_t *j, uint8_t *type, uint8_t *kind, uint64_t *bits,
                     char *why, size_t cap)
{
    const char *ts = json_get_str(j, "type", NULL);
    const char *vs = json_get_str(j, "value", NULL);
    int t = val_type(ts);
    *kind = KSPEC_EXACT;
    *bits = 0;
    if (t < 0)
        return snprintf(why, cap, "value type %s", ts ? ts : "?"), false;
    *type = (uint8_t)t;
    bool isfloat = t == 0x7D || t == 0x7C, isref = t == 0x70 || t == 0x6F;
    if (!vs) {
        *kind = KSPEC_ANY;
        return true;
    }
    if (isfloat && strcmp(vs, "nan:canonical") == 0)
        return *kind = KSPEC_NAN_CANON, true;
    if (isfloat && strcmp(vs, "nan:arithmetic") == 0)
        return *kind = KSPEC_NAN_ARITH, true;
    if (isref && strcmp(vs, "null") == 0)
        return true;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(vs, &end, 10);
    bool narrow = t == 0x7F || t == 0x7D;
    if (errno || end == vs || *end || vs[0] == '-' || (narrow && v > UINT32_MAX) ||
        t == 0x70)
        return snprintf(why, cap, "%s value '%s'", ts, vs), false;
    /* externref N is host word N+1, so that 0 stays null. */
    *bits = t == 0x6F ? (uint64_t)v + 1 : (uint64_t)v;
    return true;
}

/* A v128 {"type": "v128", "lane_type": L, "value": [lanes]} as its two
 * slots (kern/kspec.h). */
static bool put_v128(out_t *o, const json_t *j, char *why, size_t cap)
{
    static const char *const shapes[] = {"i8", "i16", "i32", "i64", "f32", "f64"};
    const char *ls = json_get_str(j, "lane_type", NULL);
    const json_t *vals = json_get(j, "value");
    int shape = 0;
    while (shape < 6 && (!ls || strcmp(ls, shapes[shape]) != 0))
        shape++;
    if (shape == 6)
        return snprintf(why, cap, "v128 lane type %s", ls ? ls : "?"), false;
    int bytes = shape == 4 ? 4 : shape == 5 ? 8 : 1 << shape, n = 16 / bytes;
    if (!vals || json_count(vals) != (size_t)n)
        return snprintf(why, cap, "v128 without %d lanes", n), false;
    uint8_t b[16] = {0}, mask = 0;
    for (int i = 0; i < n; i++) {
        const char *s = json_str(json_at(vals, (size_t)i), NULL);
        if (!s)
            return snprintf(why, cap, "v128 lane %d", i), false;
        if (shape >= 4 && strcmp(s, "nan:canonical") == 0) {
            mask |= (uint8_t)(KSPEC_NAN_CANON << (2 * i));
            continue;
        }
        if (shape >= 4 && strcmp(s, "nan:arithmetic") == 0) {
            mask |= (uint8_t)(KSPEC_NAN_ARITH << (2 * i));
            continue;
        }
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s || *end || s[0] == '-' || (bytes < 8 && v >> (8 * bytes)))
            return snprintf(why, cap, "v128 lane '%s'", s), false;
        for (int k = 0; k < bytes; k++)
            b[i * bytes + k] = (uint8_t)(v >> (8 * k));
    }
    uint64_t lo = 0, hi = 0;
    for (int k = 7; k >= 0; k--) {
        lo = lo << 8 | b[k];
        hi = hi << 8 | b[8 + k];
    }
    put_u8(o, 0x7B), put_u8(o, (uint8_t)shape), put_u64(o, lo);
    put_u8(o, 0x7B), put_u8(o, mask), put_u64(o, hi);
    return true;
}

/* Writes a count of slots and the values of a JSON array. */
static bool put_vals(out_t *o, const json_t *arr, char *why, size_t cap)
{
    size_t n = json_count(arr), count_at = o->len;
    uint32_t slots = 0;
    put_u32(o, 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t type, kind;
        uint64_t bits;
        const char *ts = json_get_str(json_at(arr, i), "type", NULL);
        if (ts && strcmp(ts, "v128") == 0) {
            if (!put_v128(o, json_at(arr, i), why, cap))
                return false;
            slots += 2;
            continue;
        }
        if (!conv_val(json_at(arr, i), &type, &kind, &bits, why, cap))
            return false;
        put_u8(o, type);
        put_u8(o, kind);
        put_u64(o, bits);
        slots++;
    }
    patch_u32(o, count_at, slots);
    return true;
}

static bool put_action(out_t *o, const json_t *a, char *why, size_t cap)
{
    const char *type = json_get_str(a, "type", NULL);
    size_t mlen = 0, flen;
    const char *mod = json_get_str(a, "module", &mlen);
    const char *field = json_get_str(a, "field", &flen);
    if (!type || !field)
        return snprintf(why, cap, "malformed action"), false;
    if (strcmp(type, "invoke") == 0)
        put_u8(o, KSPEC_INVOKE);
    else if (strcmp(type, "get") == 0)
        put_u8(o, KSPEC_GET);
    else
        return snprintf(why, cap, "action type %s", type), false;
    put_str(o, mod ? mod : "", mod ? mlen : 0);
    put_str(o, field, flen);
    return put_vals(o, json_get(a, "args"), why, cap);
}

/* ------------------------------------------------------------ commands */

static void put_text(conv_t *c, const json_t *cmd)
{
    size_t n = 0;
    const char *t = json_get_str(cmd, "text", &n);
    put_str(&c->o, t ? t : "", t ? n : 0);
}

/* The record kind of a command on a module file, or -1. */
static int module_op(const json_t *cmd, const char *t)
{
    if (strcmp(t, "module") == 0)
        return KSPEC_MODULE;
    if (strcmp(t, "assert_unlinkable") == 0)
        return KSPEC_ASSERT_UNLINKABLE;
    if (strcmp(t, "assert_invalid") == 0)
        return KSPEC_ASSERT_INVALID;
    if (strcmp(t, "assert_malformed") == 0)
        return KSPEC_ASSERT_MALFORMED;
    if (strcmp(t, "assert_uninstantiable") == 0 ||
        (strcmp(t, "assert_trap") == 0 && !json_get(cmd, "action")))
        return KSPEC_ASSERT_UNINSTANTIABLE;
    return -1;
}

/* module, and the assertions on a module file. */
static void conv_module_cmd(conv_t *c, const json_t *cmd, int op)
{
    out_t *o = &c->o;
    put_u8(o, (unsigned)op);
    put_u32(o, (uint32_t)c->line);
    if (op == KSPEC_MODULE) {
        size_t n = 0;
        const char *name = json_get_str(cmd, "name", &n);
        put_str(o, name ? name : "", name ? n : 0);
        put_module_file(c, cmd);
        c->modules++;
        return;
    }
    put_module_file(c, cmd);
    put_text(c, cmd);
}

/* register and the commands on an action. Returns false (with why) for a
 * command the blob cannot carry. */
static bool conv_action_cmd(conv_t *c, const json_t *cmd, const char *t, char *why, size_t cap)
{
    out_t *o = &c->o;
    const json_t *act = json_get(cmd, "action");
    if (strcmp(t, "register") == 0) {
        size_t an = 0, nn = 0;
        const char *as = json_get_str(cmd, "as", &an);
        const char *name = json_get_str(cmd, "name", &nn);
        if (!as)
            return snprintf(why, cap, "register without \"as\""), false;
        put_u8(o, KSPEC_REGISTER);
        put_u32(o, (uint32_t)c->line);
        put_str(o, as, an);
        put_str(o, name ? name : "", name ? nn : 0);
        return true;
    }
    int op = strcmp(t, "action") == 0            ? KSPEC_ACTION
             : strcmp(t, "assert_return") == 0   ? KSPEC_ASSERT_RETURN
             : strcmp(t, "assert_trap") == 0     ? KSPEC_ASSERT_TRAP
             : strcmp(t, "assert_exhaustion") == 0 ? KSPEC_ASSERT_EXHAUSTION
                                                 : -1;
    if (op < 0)
        die("%s:%d: unknown command type %s", c->src, c->line, t);
    put_u8(o, (unsigned)op);
    put_u32(o, (uint32_t)c->line);
    if (!put_action(o, act, why, cap))
        return false;
    if (op == KSPEC_ASSERT_RETURN)
        return put_vals(o, json_get(cmd, "expected"), why, cap);
    if (op != KSPEC_ACTION)
        put_text(c, cmd);
    return true;
}

/* Writes one command record. Returns false (with why, output untouched) if
 * the command is left out. */
static bool conv_command(conv_t *c, const json_t *cmd, const char *t, char *why, size_t cap)
{
    size_t start = c->o.len;
    const char *mt = json_get_str(cmd, "module_type", NULL);
    if (mt && strcmp(mt, "binary") != 0)
        return snprintf(why, cap, "%s module", mt), false;
    const char *text = json_get_str(cmd, "text", NULL);
    if (strcmp(t, "assert_invalid") == 0 && text && strcmp(text, "multiple memories") == 0)
        return snprintf(why, cap, "Wasm 2.0 rule superseded by multiple memories"), false;
    int op = module_op(cmd, t);
    if (op >= 0) {
        conv_module_cmd(c, cmd, op);
        return true;
    }
    if (conv_action_cmd(c, cmd, t, why, cap))
        return true;
    c->o.len = start;
    return false;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Converts one wast2json output into a FILE record and its commands. */
static void conv_file(conv_t *c, const char *path)
{
    size_t len;
    char *text = slurp(path, &len), err[200], why[200];
    json_t *doc = json_parse(text, len, err, sizeof err);
    free(text);
    if (!doc)
        die("%s: %s", path, err);
    char *dir = strdup(path), *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    c->dir = slash ? dir : ".";
    const char *src = json_get_str(doc, "source_filename", NULL);
    c->src = base_name(src ? src : path);
    put_u8(&c->o, KSPEC_FILE);
    put_str(&c->o, c->src, strlen(c->src));
    size_t count_at = c->o.len;
    put_u32(&c->o, 0);
    uint32_t counted = 0;
    const json_t *cmds = json_get(doc, "commands");
    for (size_t i = 0; i < json_count(cmds); i++) {
        const json_t *cmd = json_at(cmds, i);
        const char *t = json_get_str(cmd, "type", NULL);
        c->line = (int)json_get_int(cmd, "line", 0);
        if (!t)
            die("%s:%d: command without a type", c->src, c->line);
        if (!conv_command(c, cmd, t, why, sizeof why)) {
            c->skipped++;
            if (c->verbose)
                fprintf(stderr, "spec2bin: %s:%d: %s left out: %s\n", c->src, c->line, t, why);
            continue;
        }
        counted += strcmp(t, "register") != 0;
    }
    patch_u32(&c->o, count_at, counted);
    c->commands += counted;
    json_free(doc);
    free(dir);
}

/* FNV-1a, 32 bits: catches a blob that was cut or damaged on the way. */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void usage(void)
{
    fprintf(stderr, "usage: spec2bin [-v] -o out.bin file.json ...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    conv_t c = {0};
    const char *outpath = NULL;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "-v") == 0)
            c.verbose = true;
        else if (strcmp(argv[first], "-o") == 0 && first + 1 < argc)
            outpath = argv[++first];
        else
            usage();
    }
    if (!outpath || first >= argc)
        usage();
    put(&c.o, KSPEC_MAGIC, 8);
    put_u32(&c.o, KSPEC_VERSION);
    put_u32(&c.o, 0);                       /* body length, patched below */
    put_u32(&c.o, 0);                       /* checksum, patched below */
    for (int i = first; i < argc; i++)
        conv_file(&c, argv[i]);
    put_u8(&c.o, KSPEC_END);
    size_t body = c.o.len - KSPEC_HEADER_SIZE;
    if (body > UINT32_MAX)
        die("blob too large");
    patch_u32(&c.o, 12, (uint32_t)body);
    patch_u32(&c.o, 16, fnv1a(c.o.data + KSPEC_HEADER_SIZE, body));
    FILE *f = fopen(outpath, "wb");
    if (!f || fwrite(c.o.data, 1, c.o.len, f) != c.o.len || fclose(f) != 0)
        die("%s: cannot write: %s", outpath, strerror(errno));
    fprintf(stderr, "spec2bin: %s: %d files, %ld commands (%ld modules), %ld left out, %zu bytes\n",
            outpath, argc - first, c.commands, c.modules, c.skipped, c.o.len);
    free(c.o.data);
    return 0;
}
