/*
 * decode_check: runs the binary decoder alone over the modules of spec-suite
 * JSON files (made by `wast2json --enable-all X.wast -o dir/X.json`) and
 * checks accept/reject against the script:
 *   module, assert_unlinkable, assert_uninstantiable, assert_trap  -> must decode
 *   assert_malformed / assert_invalid (binary)                      -> must be rejected
 * A rejected-by-spec module the decoder accepts is reported as "deferred":
 * function bodies are validated later by the compiler, so these are expected
 * to be body-level problems; -v lists them with the spec's reason.
 *
 * Usage: decode_check [-v] X.json...   Last line: "decode_check: P passed, F failed, S skipped"
 *
 * Built two ways (mk/decode.mk): with DECODE_CHECK_MAIN (the tool) or with
 * DECODE_STUB_RUNTIME (a stand-in wasmi_rt_intern_type for the decoder-only
 * unit-test build); without either it is empty.
 */
#if defined(DECODE_CHECK_MAIN) || defined(DECODE_STUB_RUNTIME)
#include "module.h"

/* The decoder needs canonical type ids only to store them; any value will do
 * for checking accept/reject, but keep them distinct per shape. */
uint32_t wasmi_rt_intern_type(wasm_runtime_t *rt, const uint8_t *types, uint32_t np, uint32_t nr)
{
    uint32_t h = 2166136261u ^ np ^ (nr << 16);
    (void)rt;
    for (uint32_t i = 0; i < np + nr; i++)
        h = (h ^ types[i]) * 16777619u;
    return h & 0x7FFFFFFF;
}
#endif

#ifdef DECODE_CHECK_MAIN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm/platform.h>

static int verbose;
static int npass, nfail, nskip;

/* Copies the string value of "key" in a one-line JSON object into out. */
static int json_str(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    const char *p;
    size_t n = 0;

    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    p = strstr(line, pat);
    if (!p)
        return 0;
    p += strlen(pat);
    while (*p && *p != '"' && n + 1 < cap) {
        if (*p == '\\' && p[1])
            p++;
        out[n++] = *p++;
    }
    out[n] = '\0';
    return 1;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = wasm_plat_alloc(n > 0 ? (size_t)n : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        wasm_plat_free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

/* Decodes one module file; returns 1 accepted, 0 rejected, -1 unreadable. */
static int decode_file(const char *path, wasm_error_t *err)
{
    wasm_module_t m;
    int ok;

    memset(&m, 0, sizeof m);
    memset(err, 0, sizeof *err);
    m.bytes = read_file(path, &m.len);
    if (!m.bytes)
        return -1;
    ok = wasmi_decode(&m, err);
    wasmi_module_release(&m);
    return ok;
}

static void check_command(const char *dir, const char *json, const char *line)
{
    char type[64], file[256], mtype[32] = "binary", text[160] = "", path[600];
    wasm_error_t err;
    int want, got;

    if (!json_str(line, "type", type, sizeof type) ||
        !json_str(line, "filename", file, sizeof file))
        return;
    json_str(line, "module_type", mtype, sizeof mtype);
    json_str(line, "text", text, sizeof text);
    if (strcmp(mtype, "binary") != 0) {
        nskip++;
        return;
    }
    want = strcmp(type, "assert_malformed") != 0 && strcmp(type, "assert_invalid") != 0;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    got = decode_file(path, &err);
    if (got < 0) {
        printf("FAIL %s: cannot read %s\n", json, path);
        nfail++;
    } else if (want && !got) {
        printf("FAIL %s %s: rejected valid module: %s\n", json, file, err.message);
        nfail++;
    } else if (!want && got) {
        if (verbose)
            printf("DEFER %s %s (%s): \"%s\" accepted by the decoder\n", json, file, type, text);
        nskip++;
    } else {
        if (verbose > 1)
            printf("ok %s %s: %s | %s\n", json, file, text, got ? "" : err.message);
        npass++;
    }
}

static void check_json(const char *json)
{
    char dir[512], line[4096];
    const char *slash = strrchr(json, '/');
    FILE *f = fopen(json, "r");

    if (!f) {
        printf("FAIL cannot open %s\n", json);
        nfail++;
        return;
    }
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - json) : 1, slash ? json : ".");
    while (fgets(line, sizeof line, f))
        check_command(dir, json, line);
    fclose(f);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose++;
        else if (strcmp(argv[i], "-vv") == 0)
            verbose += 2;
        else
            check_json(argv[i]);
    }
    printf("decode_check: %d passed, %d failed, %d skipped\n", npass, nfail, nskip);
    return nfail ? 1 : 0;
}
#endif

/* Keeps the unit-test build's copy of this file a valid translation unit. */
typedef int decode_check_unused_t;
