/*
 * Unit tests for util.c (reader, UTF-8, formatting, errors) and decode.c
 * (hand-assembled valid and malformed modules).
 *
 * Built into build/san/unit_tests with the whole engine, and also into
 * build/decode_unit (mk/decode.mk) with only decode.c + util.c and a stub
 * type interner: DECODE_STUB_RUNTIME then means "no runtime available".
 */
#include "unit.h"

#include <stdarg.h>
#include <stdlib.h>

#include <wasm/platform.h>

#include "module.h"

/* ------------------------------------------------------------ helpers */

static wasmi_reader_t rd(const void *bytes, size_t n, wasm_error_t *err)
{
    wasmi_reader_t r;
    memset(&r, 0, sizeof r);
    r.base = r.p = bytes;
    r.end = r.base + n;
    r.section = "test";
    r.err = err;
    return r;
}

#define RD(lit, err) rd(lit, sizeof lit - 1, err)

/* A growable byte buffer for assembling modules. */
typedef struct buf {
    uint8_t b[4096];
    size_t n;
} buf_t;

static void put(buf_t *bf, const void *p, size_t n)
{
    if (bf->n + n <= sizeof bf->b) {
        memcpy(bf->b + bf->n, p, n);
        bf->n += n;
    }
}

#define PUT(bf, lit) put(bf, lit, sizeof lit - 1)

static void leb(buf_t *bf, uint32_t v)
{
    do {
        uint8_t c = v & 0x7F;
        v >>= 7;
        if (v)
            c |= 0x80;
        put(bf, &c, 1);
    } while (v);
}

/* Appends section `id` with the given payload. */
static void section(buf_t *mod, uint8_t id, const void *body, size_t n)
{
    put(mod, &id, 1);
    leb(mod, (uint32_t)n);
    put(mod, body, n);
}

#define SECTION(mod, id, lit) section(mod, id, lit, sizeof lit - 1)

static void header(buf_t *mod)
{
    mod->n = 0;
    PUT(mod, "\0asm\1\0\0\0");
}

static wasm_runtime_t *test_rt(void)
{
#ifdef DECODE_STUB_RUNTIME
    return NULL;
#else
    static wasm_runtime_t *rt;
    if (!rt)
        rt = wasm_runtime_new(NULL);
    return rt;
#endif
}

/* Decodes a copy of bytes into m (which the caller releases). */
static bool decode(const void *bytes, size_t n, wasm_module_t *m, wasm_error_t *err)
{
    memset(m, 0, sizeof *m);
    memset(err, 0, sizeof *err);
    m->rt = test_rt();
    m->bytes = wasm_plat_alloc(n ? n : 1);
    memcpy(m->bytes, bytes, n);
    m->len = n;
    return wasmi_decode(m, err);
}

/* True when the module is rejected with a message containing `want` and
 * naming the section (or "module"). */
static bool rejects(const buf_t *mod, const char *section, const char *want)
{
    wasm_module_t m;
    wasm_error_t err;
    char prefix[64];
    bool ok = decode(mod->b, mod->n, &m, &err);

    wasmi_module_release(&m);
    if (ok) {
        fprintf(stderr, "  accepted; expected \"%s\"\n", want);
        return false;
    }
    snprintf(prefix, sizeof prefix, "%s%s, offset 0x", section ? section : "module",
             section ? " section" : "");
    if (strncmp(err.message, prefix, strlen(prefix)) != 0 || !strstr(err.message, want) ||
        (section && (!err.section || strcmp(err.section, section) != 0))) {
        fprintf(stderr, "  got \"%s\"; expected \"%s...%s\"\n", err.message, prefix, want);
        return false;
    }
    return true;
}

static bool accepts(const buf_t *mod)
{
    wasm_module_t m;
    wasm_error_t err;
    bool ok = decode(mod->b, mod->n, &m, &err);

    wasmi_module_release(&m);
    if (!ok)
        fprintf(stderr, "  rejected: %s\n", err.message);
    return ok;
}

/* ------------------------------------------------------------ reader */

TEST(rd_u32_values)
{
    wasm_error_t err;
    uint32_t v;
    wasmi_reader_t r = RD("\x00\x7f\x80\x01\xff\xff\xff\xff\x0f\x80\x80\x80\x80\x00\xe5\x8e\x26",
                         &err);

    CHECK(wasmi_rd_u32(&r, &v) && v == 0);
    CHECK(wasmi_rd_u32(&r, &v) && v == 127);
    CHECK(wasmi_rd_u32(&r, &v) && v == 128);
    CHECK(wasmi_rd_u32(&r, &v) && v == 0xFFFFFFFFu);
    CHECK(wasmi_rd_u32(&r, &v) && v == 0);  /* padded zero, 5 bytes: allowed */
    CHECK(wasmi_rd_u32(&r, &v) && v == 624485);
    CHECK(r.p == r.end && !r.failed);
}

TEST(rd_u32_errors)
{
    wasm_error_t err;
    uint32_t v;
    wasmi_reader_t r = RD("\x80\x80\x80\x80\x80\x00", &err);

    CHECK(!wasmi_rd_u32(&r, &v) && r.failed);
    CHECK(strstr(err.message, "integer representation too long"));
    CHECK(strstr(err.message, "test section, offset 0x0:"));
    r = RD("\xff\xff\xff\xff\x1f", &err);
    CHECK(!wasmi_rd_u32(&r, &v) && strstr(err.message, "integer too large"));
    r = RD("\x82\x80\x80\x80\x70", &err);
    CHECK(!wasmi_rd_u32(&r, &v) && strstr(err.message, "integer too large"));
    r = RD("\x80\x80", &err);
    CHECK(!wasmi_rd_u32(&r, &v) && strstr(err.message, "unexpected end"));
    r = RD("", &err);
    CHECK(!wasmi_rd_u32(&r, &v) && strstr(err.message, "unexpected end"));
}

TEST(rd_s32_values)
{
    wasm_error_t err;
    int32_t v;
    wasmi_reader_t r = RD("\x7f\x40\x3f\xc0\x00\x80\x80\x80\x80\x78\xff\xff\xff\xff\x07"
                         "\xff\xff\xff\xff\x7f\x80\x7f",
                         &err);

    CHECK(wasmi_rd_s32(&r, &v) && v == -1);
    CHECK(wasmi_rd_s32(&r, &v) && v == -64);
    CHECK(wasmi_rd_s32(&r, &v) && v == 63);
    CHECK(wasmi_rd_s32(&r, &v) && v == 64);
    CHECK(wasmi_rd_s32(&r, &v) && v == INT32_MIN);
    CHECK(wasmi_rd_s32(&r, &v) && v == INT32_MAX);
    CHECK(wasmi_rd_s32(&r, &v) && v == -1);  /* 5-byte -1 */
    CHECK(wasmi_rd_s32(&r, &v) && v == -128);
    CHECK(r.p == r.end);
}

TEST(rd_s32_errors)
{
    wasm_error_t err;
    int32_t v;
    wasmi_reader_t r = RD("\xff\xff\xff\xff\x4f", &err);

    CHECK(!wasmi_rd_s32(&r, &v) && strstr(err.message, "integer too large"));
    r = RD("\x80\x80\x80\x80\x08", &err);  /* +2^31: does not fit */
    CHECK(!wasmi_rd_s32(&r, &v) && strstr(err.message, "integer too large"));
    r = RD("\xff\xff\xff\xff\xff\x7f", &err);
    CHECK(!wasmi_rd_s32(&r, &v) && strstr(err.message, "integer representation too long"));
}

TEST(rd_s33_s64)
{
    wasm_error_t err;
    int64_t v;
    wasmi_reader_t r = RD("\x40\xff\xff\xff\xff\x0f\x80\x80\x80\x80\x70", &err);

    CHECK(wasmi_rd_s33(&r, &v) && v == -64);
    CHECK(wasmi_rd_s33(&r, &v) && v == 0xFFFFFFFFll);
    CHECK(wasmi_rd_s33(&r, &v) && v == -0x100000000ll);
    r = RD("\x80\x80\x80\x80\x20", &err);
    CHECK(!wasmi_rd_s33(&r, &v) && strstr(err.message, "integer too large"));

    r = RD("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00"
           "\x7f",
           &err);
    CHECK(wasmi_rd_s64(&r, &v) && v == INT64_MIN);
    CHECK(wasmi_rd_s64(&r, &v) && v == INT64_MAX);
    CHECK(wasmi_rd_s64(&r, &v) && v == -1);
    r = RD("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", &err);
    CHECK(!wasmi_rd_s64(&r, &v) && strstr(err.message, "integer too large"));
    r = RD("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x41", &err);
    CHECK(!wasmi_rd_s64(&r, &v) && strstr(err.message, "integer too large"));
    r = RD("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", &err);
    CHECK(!wasmi_rd_s64(&r, &v) && strstr(err.message, "integer representation too long"));
}

TEST(rd_fixed_bytes_name)
{
    wasm_error_t err;
    uint32_t a;
    uint64_t b;
    const uint8_t *p;
    const char *name;
    uint32_t len;
    wasmi_reader_t r = RD("\x78\x56\x34\x12\x01\x02\x03\x04\x05\x06\x07\x08\x03xyz\x02\xc3\xa9",
                         &err);

    CHECK(wasmi_rd_fixed32(&r, &a) && a == 0x12345678u);
    CHECK(wasmi_rd_fixed64(&r, &b) && b == 0x0807060504030201ull);
    CHECK(wasmi_rd_name(&r, &name, &len) && len == 3 && memcmp(name, "xyz", 3) == 0);
    CHECK(wasmi_rd_name(&r, &name, &len) && len == 2);
    CHECK(!wasmi_rd_bytes(&r, 1, &p) && strstr(err.message, "unexpected end"));

    r = RD("\x02\xc0\x80", &err);
    CHECK(!wasmi_rd_name(&r, &name, &len) && strstr(err.message, "malformed UTF-8 encoding"));
    r = RD("\x05" "ab", &err);
    CHECK(!wasmi_rd_name(&r, &name, &len) && strstr(err.message, "length out of bounds"));
    r = RD("\x01\x02\x03", &err);
    CHECK(!wasmi_rd_fixed32(&r, &a) && strstr(err.message, "unexpected end"));
}

TEST(rd_first_error_wins)
{
    wasm_error_t err;
    uint32_t v;
    uint8_t c;
    wasmi_reader_t r = RD("\x41\x80\x80\x80\x80\x80\x00", &err);

    CHECK(wasmi_rd_u8(&r, &c) && c == 0x41);
    CHECK(!wasmi_rd_u32(&r, &v));
    CHECK(strstr(err.message, "offset 0x1: integer representation too long"));
    CHECK(!wasmi_rd_u8(&r, &c));
    CHECK(!wasmi_rd_fail(&r, "something else"));
    CHECK(strstr(err.message, "integer representation too long"));
    CHECK_EQ(err.offset, 1);
    CHECK(err.section && strcmp(err.section, "test") == 0);
}

/* ------------------------------------------------------------ UTF-8 */

static bool utf8(const char *s)
{
    return wasmi_utf8_valid((const uint8_t *)s, (uint32_t)strlen(s));
}

TEST(utf8_valid_and_invalid)
{
    CHECK(wasmi_utf8_valid((const uint8_t *)"", 0));
    CHECK(wasmi_utf8_valid((const uint8_t *)"a\0b", 3));
    CHECK(utf8("plain"));
    CHECK(utf8("\xc2\x80\xdf\xbf"));             /* U+0080, U+07FF */
    CHECK(utf8("\xe0\xa0\x80\xef\xbf\xbf"));     /* U+0800, U+FFFF */
    CHECK(utf8("\xed\x9f\xbf\xee\x80\x80"));     /* U+D7FF, U+E000 */
    CHECK(utf8("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf")); /* U+10000, U+10FFFF */
    CHECK(!utf8("\x80"));                       /* lone continuation */
    CHECK(!utf8("\xc0\x80"));                   /* overlong NUL */
    CHECK(!utf8("\xc1\xbf"));
    CHECK(!utf8("\xe0\x9f\xbf"));               /* overlong 3-byte */
    CHECK(!utf8("\xed\xa0\x80"));               /* surrogate U+D800 */
    CHECK(!utf8("\xf0\x8f\xbf\xbf"));           /* overlong 4-byte */
    CHECK(!utf8("\xf4\x90\x80\x80"));           /* U+110000 */
    CHECK(!utf8("\xf5\x80\x80\x80"));
    CHECK(!utf8("\xff"));
    CHECK(!utf8("\xe2\x82"));                   /* truncated */
    CHECK(!utf8("\xe2\x28\xa1"));               /* bad continuation */
    CHECK(!utf8("\xf0\x90\x80"));
}

/* ------------------------------------------------------------ fmt */

static size_t fmt(char *buf, size_t cap, const char *f, ...)
{
    va_list ap;
    size_t n;
    va_start(ap, f);
    n = wasmi_vfmt(buf, cap, f, ap);
    va_end(ap);
    return n;
}

TEST(fmt_conversions)
{
    char b[128];
    int x = 0;

    CHECK(fmt(b, sizeof b, "%s|%.*s|%c|%d|%d|%u|%x", "ab", 3, "wxyz", 'q', -42, INT32_MIN,
              4000000000u, 0xbeefu) > 0);
    CHECK(strcmp(b, "ab|wxy|q|-42|-2147483648|4000000000|beef") == 0);
    wasmi_fmt(b, sizeof b, "%lld %llu %llx %zu %%", (long long)INT64_MIN, 18446744073709551615ull,
             0x123456789abcdefull, (size_t)77);
    CHECK(strcmp(b, "-9223372036854775808 18446744073709551615 123456789abcdef 77 %") == 0);
    wasmi_fmt(b, sizeof b, "%p", (void *)&x);
    char want[64];
    snprintf(want, sizeof want, "0x%llx", (unsigned long long)(uintptr_t)&x);
    CHECK(strcmp(b, want) == 0);
    wasmi_fmt(b, sizeof b, "[%08x][%4d][%-3d][%s]", 0xabcu, 7, 5, (const char *)NULL);
    CHECK(strcmp(b, "[00000abc][   7][5  ][(null)]") == 0);
    wasmi_fmt(b, sizeof b, "%.*s|", 0, "abc");
    CHECK(strcmp(b, "|") == 0);
}

TEST(fmt_truncates)
{
    char b[8];

    memset(b, 'X', sizeof b);
    CHECK_EQ(wasmi_fmt(b, sizeof b, "hello %s", "world"), 11);
    CHECK(strcmp(b, "hello w") == 0);
    CHECK_EQ(wasmi_fmt(b, 1, "abc"), 3);
    CHECK(b[0] == '\0');
    b[0] = 'Z';
    CHECK_EQ(wasmi_fmt(b, 0, "abc%d", 12), 5);
    CHECK(b[0] == 'Z');
    CHECK_EQ(wasmi_fmt(b, sizeof b, "%d", 1234567), 7);
    CHECK(strcmp(b, "1234567") == 0);
}

TEST(set_error_format)
{
    wasm_error_t err;

    wasmi_set_error(&err, "import", 0x2f, "unknown type %u", 9u);
    CHECK(strcmp(err.message, "import section, offset 0x2f: unknown type 9") == 0);
    CHECK(err.section && strcmp(err.section, "import") == 0);
    CHECK_EQ(err.offset, 0x2f);
    wasmi_set_error(&err, NULL, 0, "magic header not detected");
    CHECK(strcmp(err.message, "module, offset 0x0: magic header not detected") == 0);
    CHECK(err.section == NULL);
    wasmi_set_error(NULL, "x", 1, "no crash");
    char longs[400];
    memset(longs, 'a', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    wasmi_set_error(&err, "code", 1, "%s", longs);
    CHECK(strlen(err.message) == sizeof err.message - 1);
}

/* ------------------------------------------------------------ decode: valid */

TEST(decode_empty_module)
{
    wasm_module_t m;
    wasm_error_t err;

    CHECK(decode("\0asm\1\0\0\0", 8, &m, &err));
    CHECK(m.ntypes == 0 && m.nfuncs == 0 && m.nimports == 0 && !m.has_start);
    CHECK(m.declared_funcs != NULL && m.func_names != NULL);
    wasmi_module_release(&m);
    CHECK(m.bytes == NULL);
}

/* A module touching every section. */
static void full_module(buf_t *mod)
{
    buf_t names = {.n = 0}, sub = {.n = 0};

    header(mod);
    SECTION(mod, 1, "\x03\x60\x00\x00\x60\x02\x7f\x7e\x02\x7d\x7c\x60\x00\x00");
    SECTION(mod, 2, "\x03"
                    "\x03" "env" "\x01" "f" "\x00\x01"
                    "\x03" "env" "\x01" "t" "\x01\x70\x00\x01"
                    "\x03" "env" "\x01" "g" "\x03\x7f\x00");
    SECTION(mod, 3, "\x02\x00\x02");
    SECTION(mod, 4, "\x01\x6f\x01\x02\x05");
    SECTION(mod, 5, "\x01\x01\x01\x02");
    SECTION(mod, 6, "\x02\x7f\x01\x23\x00\x0b\x70\x00\xd2\x02\x0b");
    SECTION(mod, 7, "\x03\x04main\x00\x01\x03mem\x02\x00\x01g\x03\x01");
    SECTION(mod, 8, "\x01");
    SECTION(mod, 9, "\x04"
                    "\x00\x41\x00\x0b\x01\x01"
                    "\x05\x6f\x01\xd0\x6f\x0b"
                    "\x03\x00\x01\x00"
                    "\x06\x01\x41\x01\x0b\x6f\x01\xd0\x6f\x0b");
    SECTION(mod, 12, "\x02");
    SECTION(mod, 10, "\x02\x02\x00\x0b\x03\x00\x01\x0b");
    SECTION(mod, 11, "\x02\x00\x41\x10\x0b\x03" "abc" "\x01\x02" "hi");
    PUT(&names, "\x04name");
    PUT(&sub, "\x02\x01\x03one\x02\x03two");
    names.b[names.n++] = 1;
    leb(&names, (uint32_t)sub.n);
    put(&names, sub.b, sub.n);
    section(mod, 0, names.b, names.n);
}

static bool bit(const wasm_module_t *m, uint32_t f)
{
    return (m->declared_funcs[f / 8] >> (f % 8)) & 1;
}

TEST(decode_full_module)
{
    buf_t mod;
    wasm_module_t m;
    wasm_error_t err;

    full_module(&mod);
    CHECK(decode(mod.b, mod.n, &m, &err));
    CHECK_EQ(m.ntypes, 3);
    CHECK(m.types[1].nparams == 2 && m.types[1].nresults == 2);
    CHECK(memcmp(m.types[1].types, "\x7f\x7e\x7d\x7c", 4) == 0);
    CHECK(m.types[0].canon == m.types[2].canon && m.types[0].canon != m.types[1].canon);
    CHECK_EQ(m.nimports, 3);
    CHECK(m.imports[0].module_len == 3 && memcmp(m.imports[0].module, "env", 3) == 0);
    CHECK(m.imports[2].kind == WASM_EXTERN_GLOBAL && m.imports[2].u.global.type == WASM_I32);
    CHECK(m.nfunc_imports == 1 && m.ntable_imports == 1 && m.nmem_imports == 0 &&
          m.nglobal_imports == 1);
    CHECK_EQ(m.nfuncs, 3);
    CHECK(m.func_type[0] == 1 && m.func_type[1] == 0 && m.func_type[2] == 2);
    CHECK(m.defs[0].type_idx == 0 && m.defs[1].type_idx == 2);
    CHECK_EQ(m.ntables, 2);
    CHECK(m.tables[0].elem == WASM_FUNCREF && m.tables[0].lim.min == 1 && !m.tables[0].lim.has_max);
    CHECK(m.tables[1].elem == WASM_EXTERNREF && m.tables[1].lim.min == 2 &&
          m.tables[1].lim.max == 5 && m.tables[1].lim.has_max);
    CHECK(m.nmems == 1 && m.mems[0].min == 1 && m.mems[0].max == 2 && m.mems[0].has_max);
    CHECK_EQ(m.nglobals, 3);
    CHECK(m.globals[1].type == WASM_I32 && m.globals[1].mut);
    CHECK(m.global_inits[0].kind == WASM_CONST_GLOBAL_GET && m.global_inits[0].index == 0);
    CHECK(m.globals[2].type == WASM_FUNCREF && !m.globals[2].mut);
    CHECK(m.global_inits[1].kind == WASM_CONST_REF_FUNC && m.global_inits[1].index == 2);
    CHECK_EQ(m.nexports, 3);
    CHECK(m.exports[0].name_len == 4 && memcmp(m.exports[0].name, "main", 4) == 0);
    CHECK(m.exports[1].kind == WASM_EXTERN_MEMORY && m.exports[2].index == 1);
    CHECK(m.has_start && m.start == 1);
    CHECK_EQ(m.nelems, 4);
    CHECK(m.elems[0].mode == WASM_SEG_ACTIVE && m.elems[0].table == 0 &&
          m.elems[0].offset.kind == WASM_CONST_I32 && m.elems[0].count == 1 &&
          m.elems[0].items[0].kind == WASM_CONST_REF_FUNC && m.elems[0].items[0].index == 1);
    CHECK(m.elems[1].mode == WASM_SEG_PASSIVE && m.elems[1].type == WASM_EXTERNREF &&
          m.elems[1].items[0].kind == WASM_CONST_REF_NULL);
    CHECK(m.elems[2].mode == WASM_SEG_DECLARATIVE && m.elems[2].items[0].index == 0);
    CHECK(m.elems[3].mode == WASM_SEG_ACTIVE && m.elems[3].table == 1 &&
          m.elems[3].offset.value == 1);
    CHECK(m.has_datacount && m.datacount == 2);
    CHECK(m.defs[0].body_len == 2 && memcmp(m.bytes + m.defs[0].body_off, "\x00\x0b", 2) == 0);
    CHECK(m.defs[1].body_len == 3 && memcmp(m.bytes + m.defs[1].body_off, "\x00\x01\x0b", 3) == 0);
    CHECK_EQ(m.ndatas, 2);
    CHECK(m.datas[0].mode == WASM_SEG_ACTIVE && m.datas[0].mem == 0 &&
          m.datas[0].offset.value == 16 && m.datas[0].len == 3 &&
          memcmp(m.datas[0].bytes, "abc", 3) == 0);
    CHECK(m.datas[1].mode == WASM_SEG_PASSIVE && m.datas[1].len == 2);
    CHECK(bit(&m, 0) && bit(&m, 1) && bit(&m, 2));
    CHECK(m.func_names[0].name == NULL);
    CHECK(m.func_names[1].len == 3 && memcmp(m.func_names[1].name, "one", 3) == 0);
    CHECK(m.func_names[2].len == 3 && memcmp(m.func_names[2].name, "two", 3) == 0);
    wasmi_module_release(&m);
}

TEST(decode_const_values)
{
    buf_t mod;
    wasm_module_t m;
    wasm_error_t err;

    header(&mod);
    SECTION(&mod, 6, "\x04\x7f\x00\x41\x7f\x0b\x7e\x00\x42\x80\x7f\x0b"
                     "\x7d\x00\x43\x00\x00\x80\x3f\x0b"
                     "\x7c\x00\x44\x00\x00\x00\x00\x00\x00\xf0\xbf\x0b");
    CHECK(decode(mod.b, mod.n, &m, &err));
    CHECK(m.global_inits[0].value == 0xFFFFFFFFu);       /* i32 -1, zero-extended */
    CHECK(m.global_inits[1].value == (uint64_t)-128);
    CHECK(m.global_inits[2].value == 0x3f800000u);        /* 1.0f */
    CHECK(m.global_inits[3].value == 0xbff0000000000000ull); /* -1.0 */
    CHECK(m.global_inits[3].kind == WASM_CONST_F64 && m.global_inits[3].type == WASM_F64);
    wasmi_module_release(&m);
}

TEST(decode_declared_funcs_only_referenced)
{
    buf_t mod;
    wasm_module_t m;
    wasm_error_t err;

    header(&mod);
    SECTION(&mod, 1, "\x01\x60\x00\x00");
    SECTION(&mod, 3, "\x03\x00\x00\x00");
    SECTION(&mod, 7, "\x01\x01x\x00\x02");
    SECTION(&mod, 10, "\x03\x02\x00\x0b\x02\x00\x0b\x02\x00\x0b");
    CHECK(decode(mod.b, mod.n, &m, &err));
    CHECK(!bit(&m, 0) && !bit(&m, 1) && bit(&m, 2));
    wasmi_module_release(&m);
}

TEST(decode_custom_sections_anywhere)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 0, "\x01x");
    SECTION(&mod, 1, "\x01\x60\x00\x00");
    SECTION(&mod, 0, "\x03" "abc" "payload");
    SECTION(&mod, 3, "\x01\x00");
    SECTION(&mod, 0, "\x00");
    SECTION(&mod, 10, "\x01\x02\x00\x0b");
    SECTION(&mod, 0, "\x04name\x01\x7f");  /* broken name section: ignored */
    CHECK(accepts(&mod));
}

TEST(decode_bad_name_section_keeps_module)
{
    buf_t mod;
    wasm_module_t m;
    wasm_error_t err;

    header(&mod);
    SECTION(&mod, 1, "\x01\x60\x00\x00");
    SECTION(&mod, 3, "\x02\x00\x00");
    SECTION(&mod, 10, "\x02\x02\x00\x0b\x02\x00\x0b");
    /* Function 0 named "a", then an index out of range, then a bad name. */
    SECTION(&mod, 0, "\x04name\x01\x0a\x03\x00\x01" "a" "\x09\x01" "b" "\x01\x01\xff");
    CHECK(decode(mod.b, mod.n, &m, &err));
    CHECK(m.func_names[0].len == 1 && m.func_names[0].name[0] == 'a');
    CHECK(m.func_names[1].name == NULL);
    wasmi_module_release(&m);
}

/* ------------------------------------------------------------ decode: malformed */

TEST(decode_bad_header)
{
    buf_t mod = {.n = 0};
    wasm_module_t m;
    wasm_error_t err;

    CHECK(!decode("\0as", 3, &m, &err) && strstr(err.message, "unexpected end"));
    wasmi_module_release(&m);
    PUT(&mod, "\0asn\1\0\0\0");
    CHECK(rejects(&mod, NULL, "magic header not detected"));
    mod.n = 0;
    PUT(&mod, "\0asm\2\0\0\0");
    CHECK(rejects(&mod, NULL, "unknown binary version"));
    CHECK(!decode(mod.b, mod.n, &m, &err));
    CHECK(strcmp(err.message, "module, offset 0x4: unknown binary version 0x2") == 0);
    wasmi_module_release(&m);
    mod.n = 0;
    PUT(&mod, "\0asm\1\0\0");
    CHECK(rejects(&mod, NULL, "unexpected end"));
}

TEST(decode_section_framing)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 13, "");
    CHECK(rejects(&mod, NULL, "malformed section id"));
    header(&mod);
    SECTION(&mod, 3, "\x00");
    SECTION(&mod, 1, "\x00");
    CHECK(rejects(&mod, NULL, "unexpected content after last section"));
    header(&mod);
    SECTION(&mod, 1, "\x00");
    SECTION(&mod, 1, "\x00");
    CHECK(rejects(&mod, NULL, "unexpected content after last section"));
    header(&mod);
    SECTION(&mod, 12, "\x00");
    SECTION(&mod, 9, "\x00");   /* element must come before datacount */
    CHECK(rejects(&mod, NULL, "unexpected content after last section"));
    header(&mod);
    SECTION(&mod, 1, "\x00\x00");
    CHECK(rejects(&mod, "type", "section size mismatch"));
    header(&mod);
    PUT(&mod, "\x01\x05\x00");
    CHECK(rejects(&mod, NULL, "length out of bounds"));
    header(&mod);
    SECTION(&mod, 0, "\x05" "ab");
    CHECK(rejects(&mod, "custom", "length out of bounds"));
    header(&mod);
    SECTION(&mod, 0, "\x02\xc0\x80");
    CHECK(rejects(&mod, "custom", "malformed UTF-8 encoding"));
}

TEST(decode_huge_counts_fail_fast)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 1, "\xff\xff\xff\xff\x0f\x60\x00\x00");
    CHECK(rejects(&mod, "type", "unexpected end"));
    header(&mod);
    SECTION(&mod, 1, "\x01\x60\xff\xff\xff\xff\x0f");
    CHECK(rejects(&mod, "type", "unexpected end"));
    header(&mod);
    SECTION(&mod, 2, "\x40\x00\x00\x04");  /* 64 imports claimed, 3 bytes left */
    CHECK(rejects(&mod, "import", "unexpected end"));
    header(&mod);
    SECTION(&mod, 11, "\x02\x01\x00");
    CHECK(rejects(&mod, "data", "unexpected end"));
    header(&mod);
    SECTION(&mod, 11, "\x01\x01\xff\xff\xff\xff\x0f");
    CHECK(rejects(&mod, "data", "unexpected end"));
}

TEST(decode_types_and_imports)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 1, "\x01\x61\x00\x00");
    CHECK(rejects(&mod, "type", "malformed function type"));
    header(&mod);
    /* v128 (0x7b) is a value type since SIMD; 0x7a is not */
    SECTION(&mod, 1, "\x01\x60\x01\x7a\x00");
    CHECK(rejects(&mod, "type", "malformed value type"));
    header(&mod);
    SECTION(&mod, 1, "\x01\x60\x00\x01\x40");
    CHECK(rejects(&mod, "type", "malformed value type"));
    header(&mod);
    SECTION(&mod, 2, "\x01\x00\x00\x04\x00");
    CHECK(rejects(&mod, "import", "malformed import kind"));
    header(&mod);
    SECTION(&mod, 2, "\x01\x00\x00\x00\x00");
    CHECK(rejects(&mod, "import", "unknown type 0"));
    header(&mod);
    SECTION(&mod, 2, "\x01\x00\x00\x03\x7f\x02");
    CHECK(rejects(&mod, "import", "malformed mutability"));
    header(&mod);
    SECTION(&mod, 2, "\x01\x01\xff\x00\x03\x7f\x00");
    CHECK(rejects(&mod, "import", "malformed UTF-8 encoding"));
    header(&mod);
    /* two memory imports: fine since multiple memories (limit: test_proposals.c) */
    SECTION(&mod, 2, "\x02\x00\x00\x02\x00\x00\x00\x00\x02\x00\x00");
    CHECK(accepts(&mod));
}

TEST(decode_tables_memories)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 4, "\x01\x7f\x00\x00");
    CHECK(rejects(&mod, "table", "malformed reference type"));
    header(&mod);
    SECTION(&mod, 4, "\x01\x70\x01\x02\x01");
    CHECK(rejects(&mod, "table", "size minimum must not be greater than maximum"));
    header(&mod);
    SECTION(&mod, 5, "\x01\x00\x81\x80\x04");
    CHECK(rejects(&mod, "memory", "memory size must be at most 65536 pages (4GiB)"));
    header(&mod);
    SECTION(&mod, 5, "\x01\x01\x00\x81\x80\x04");
    CHECK(rejects(&mod, "memory", "memory size must be at most 65536 pages"));
    header(&mod);
    SECTION(&mod, 5, "\x01\x01\x00\x80\x80\x04");   /* exactly 65536: fine */
    CHECK(accepts(&mod));
    header(&mod);
    SECTION(&mod, 5, "\x01\x02\x00");
    CHECK(rejects(&mod, "memory", "integer too large"));
    header(&mod);
    SECTION(&mod, 5, "\x02\x00\x00\x00\x00");
    CHECK(accepts(&mod));
    header(&mod);
    SECTION(&mod, 2, "\x01\x00\x00\x02\x00\x00");
    SECTION(&mod, 5, "\x01\x00\x00");
    CHECK(accepts(&mod));
}

TEST(decode_globals_const_exprs)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 6, "\x01\x7f\x00\x42\x00\x0b");
    CHECK(rejects(&mod, "global", "type mismatch"));
    header(&mod);
    SECTION(&mod, 6, "\x01\x7f\x00\x0b");
    CHECK(rejects(&mod, "global", "type mismatch"));
    header(&mod);
    SECTION(&mod, 6, "\x01\x7f\x00\x41\x00\x41\x00\x0b");
    CHECK(rejects(&mod, "global", "type mismatch"));
    header(&mod);
    /* i32.add is constant since extended constants; i32.div_s is not */
    SECTION(&mod, 6, "\x01\x7f\x00\x41\x00\x41\x00\x6d\x0b");
    CHECK(rejects(&mod, "global", "constant expression required"));
    header(&mod);
    SECTION(&mod, 6, "\x01\x7f\x00\x01\x0b");
    CHECK(rejects(&mod, "global", "constant expression required"));
    header(&mod);
    SECTION(&mod, 6, "\x02\x7f\x00\x41\x00\x0b\x7f\x00\x23\x00\x0b");
    CHECK(rejects(&mod, "global", "unknown global 0"));
    header(&mod);
    SECTION(&mod, 2, "\x01\x00\x00\x03\x7f\x01");
    SECTION(&mod, 6, "\x01\x7f\x00\x23\x00\x0b");
    CHECK(rejects(&mod, "global", "constant expression required"));
    header(&mod);
    SECTION(&mod, 2, "\x01\x00\x00\x03\x7e\x00");
    SECTION(&mod, 6, "\x01\x7f\x00\x23\x00\x0b");
    CHECK(rejects(&mod, "global", "type mismatch"));
    header(&mod);
    SECTION(&mod, 6, "\x01\x70\x00\xd2\x00\x0b");
    CHECK(rejects(&mod, "global", "unknown function 0"));
    header(&mod);
    SECTION(&mod, 6, "\x01\x70\x00\xd0\x6f\x0b");
    CHECK(rejects(&mod, "global", "type mismatch"));
    header(&mod);
    SECTION(&mod, 6, "\x01\x7f\x00\x41\x00");
    CHECK(rejects(&mod, "global", "unexpected end"));
}

TEST(decode_exports_start)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 1, "\x01\x60\x00\x00");
    SECTION(&mod, 3, "\x01\x00");
    SECTION(&mod, 7, "\x02\x01" "a" "\x00\x00\x01" "a" "\x00\x00");
    SECTION(&mod, 10, "\x01\x02\x00\x0b");
    CHECK(rejects(&mod, "export", "duplicate export name"));
    wasm_module_t m;
    wasm_error_t err;
    CHECK(!decode(mod.b, mod.n, &m, &err));
    CHECK_EQ(err.offset, 0x19);  /* the second export */
    CHECK(strcmp(err.section, "export") == 0);
    wasmi_module_release(&m);

    header(&mod);
    SECTION(&mod, 7, "\x01\x01" "a" "\x00\x00");
    CHECK(rejects(&mod, "export", "unknown function 0"));
    header(&mod);
    SECTION(&mod, 7, "\x01\x01" "a" "\x02\x00");
    CHECK(rejects(&mod, "export", "unknown memory 0"));
    header(&mod);
    SECTION(&mod, 7, "\x01\x01" "a" "\x04\x00");
    CHECK(rejects(&mod, "export", "malformed export kind"));

    header(&mod);
    SECTION(&mod, 1, "\x01\x60\x01\x7f\x00");
    SECTION(&mod, 3, "\x01\x00");
    SECTION(&mod, 8, "\x00");
    SECTION(&mod, 10, "\x01\x02\x00\x0b");
    CHECK(rejects(&mod, "start", "start function"));
    header(&mod);
    SECTION(&mod, 8, "\x00");
    CHECK(rejects(&mod, "start", "unknown function 0"));
}

/* Many distinct export names stay fast and are all accepted. */
TEST(decode_many_exports)
{
    static buf_t mod, body;
    char name[8];

    header(&mod);
    body.n = 0;
    SECTION(&mod, 5, "\x01\x00\x00");
    leb(&body, 500);
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "e%d", i);
        leb(&body, (uint32_t)strlen(name));
        put(&body, name, strlen(name));
        PUT(&body, "\x02\x00");
    }
    section(&mod, 7, body.b, body.n);
    CHECK(accepts(&mod));
}

TEST(decode_elements)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 9, "\x01\x00\x41\x00\x0b\x00");
    CHECK(rejects(&mod, "element", "unknown table 0"));
    header(&mod);
    SECTION(&mod, 4, "\x01\x6f\x00\x01");
    SECTION(&mod, 9, "\x01\x00\x41\x00\x0b\x00");
    CHECK(rejects(&mod, "element", "type mismatch"));
    header(&mod);
    SECTION(&mod, 4, "\x01\x70\x00\x01");
    SECTION(&mod, 9, "\x01\x00\x42\x00\x0b\x00");
    CHECK(rejects(&mod, "element", "type mismatch"));
    header(&mod);
    SECTION(&mod, 4, "\x01\x70\x00\x01");
    SECTION(&mod, 9, "\x01\x00\x41\x00\x0b\x01\x00");
    CHECK(rejects(&mod, "element", "unknown function 0"));
    header(&mod);
    SECTION(&mod, 9, "\x01\x01\x01\x00");
    CHECK(rejects(&mod, "element", "malformed element kind"));
    header(&mod);
    SECTION(&mod, 9, "\x01\x08\x00");
    CHECK(rejects(&mod, "element", "malformed elements segment kind"));
    header(&mod);
    SECTION(&mod, 9, "\x01\x05\x70\x01\xd0\x6f\x0b");
    CHECK(rejects(&mod, "element", "type mismatch"));
    header(&mod);
    SECTION(&mod, 9, "\x01\x05\x70\x01\x41\x00\x0b");
    CHECK(rejects(&mod, "element", "type mismatch"));
    header(&mod);
    SECTION(&mod, 4, "\x01\x70\x00\x01");
    SECTION(&mod, 9, "\x01\x02\x01\x41\x00\x0b\x00\x00");
    CHECK(rejects(&mod, "element", "unknown table 1"));
    header(&mod);
    SECTION(&mod, 4, "\x02\x70\x00\x01\x70\x00\x01");
    SECTION(&mod, 9, "\x02\x02\x01\x41\x00\x0b\x00\x00\x07\x70\x00");
    CHECK(accepts(&mod));
}

TEST(decode_code_and_data)
{
    buf_t mod;

    header(&mod);
    SECTION(&mod, 1, "\x01\x60\x00\x00");
    SECTION(&mod, 3, "\x01\x00");
    CHECK(rejects(&mod, NULL, "function and code section have inconsistent lengths"));
    header(&mod);
    SECTION(&mod, 10, "\x01\x02\x00\x0b");
    CHECK(rejects(&mod, "code", "function and code section have inconsistent lengths"));
    header(&mod);
    SECTION(&mod, 1, "\x01\x60\x00\x00");
    SECTION(&mod, 3, "\x01\x00");
    SECTION(&mod, 10, "\x01\x05\x00\x0b");
    CHECK(rejects(&mod, "code", "unexpected end"));
    header(&mod);
    SECTION(&mod, 3, "\x01\x00");
    CHECK(rejects(&mod, "function", "unknown type 0"));
    header(&mod);
    SECTION(&mod, 12, "\x01");
    CHECK(rejects(&mod, NULL, "data count and data section have inconsistent lengths"));
    header(&mod);
    SECTION(&mod, 12, "\x01");
    SECTION(&mod, 11, "\x00");
    CHECK(rejects(&mod, "data", "data count and data section have inconsistent lengths"));
    header(&mod);
    SECTION(&mod, 12, "\x00");
    CHECK(accepts(&mod));
    header(&mod);
    SECTION(&mod, 11, "\x01\x00\x41\x00\x0b\x00");
    CHECK(rejects(&mod, "data", "unknown memory 0"));
    header(&mod);
    SECTION(&mod, 5, "\x01\x00\x00");
    SECTION(&mod, 11, "\x01\x02\x01\x41\x00\x0b\x00");
    CHECK(rejects(&mod, "data", "unknown memory 1"));
    header(&mod);
    SECTION(&mod, 5, "\x01\x00\x00");
    SECTION(&mod, 11, "\x01\x03\x00");
    CHECK(rejects(&mod, "data", "malformed data segment kind"));
    header(&mod);
    SECTION(&mod, 5, "\x01\x00\x00");
    SECTION(&mod, 11, "\x01\x00\x41\x00\x0b\x05" "abc");
    CHECK(rejects(&mod, "data", "unexpected end"));
    header(&mod);
    SECTION(&mod, 5, "\x01\x00\x00");
    SECTION(&mod, 11, "\x02\x02\x00\x41\x00\x0b\x01" "a" "\x01\x00");
    CHECK(accepts(&mod));
}

/* Where a prefix of mod of length n ends: -1 inside a section (or the
 * header), else the id of the section it ends just after (255: the header). */
static int prefix_end(const buf_t *mod, size_t n)
{
    if (n == 8)
        return 255;
    for (size_t pos = 8; pos < mod->n;) {
        size_t i = pos + 1, size = 0;
        int shift = 0;
        do {
            size |= (size_t)(mod->b[i] & 0x7f) << shift;
            shift += 7;
        } while (mod->b[i++] & 0x80);
        int id = mod->b[pos];
        pos = i + size;
        if (pos == n)
            return id;
    }
    return -1;
}

/* Every prefix of a valid module, and single-byte corruptions of it, must
 * decode or fail cleanly (ASan/UBSan watch for the rest). A prefix ending
 * inside a section fails with "unexpected end" or "length out of bounds" at
 * an offset within the prefix; one ending between sections loads when it
 * is a whole module (nothing declared whose section is missing), else fails
 * naming the missing section's counterpart. */
TEST(decode_prefixes_and_mutations)
{
    buf_t mod;
    wasm_module_t m;
    wasm_error_t err;

    full_module(&mod);
    bool past_data = false;
    for (size_t n = 0; n < mod.n; n++) {
        bool ok = decode(mod.b, n, &m, &err);
        wasmi_module_release(&m);
        int end = prefix_end(&mod, n);
        if (end < 0) {
            CHECK(!ok);
            CHECK(strstr(err.message, "unexpected end") || strstr(err.message, "length out of bounds"));
            CHECK(strncmp(err.message, "module, offset 0x", 17) == 0);
            CHECK(strtoul(err.message + 17, NULL, 16) <= n);
            continue;
        }
        past_data |= end == 11;
        /* header, types, imports: a whole module; after the function
         * section the code (then the data) is missing until the data ends */
        if (end == 255 || end == 1 || end == 2 || past_data) {
            if (!ok)
                fprintf(stderr, "  prefix %zu (after section %d): %s\n", n, end, err.message);
            CHECK(ok);
        } else {
            CHECK(!ok);
            CHECK(strstr(err.message, "function and code section have inconsistent lengths") ||
                  strstr(err.message, "data count and data section have inconsistent lengths"));
        }
    }
    CHECK(past_data);
    for (size_t i = 8; i < mod.n; i++) {
        static const uint8_t vals[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x0b, 0x60};
        for (size_t k = 0; k < sizeof vals; k++) {
            buf_t mut = mod;
            mut.b[i] = vals[k];
            bool ok = decode(mut.b, mut.n, &m, &err);
            CHECK(ok || err.message[0] != '\0');
            wasmi_module_release(&m);
        }
    }
}
