/*
 * The manifest and the modules it names.
 *
 * Manifest (entry "manifest" of the boot image, text): one module per line,
 *     NAME FILE [ARG...]
 * fields separated by spaces or tabs; '#' starts a comment; blank lines are
 * ignored. FILE names an entry of the boot image. ARGs are free-form words
 * the module can read with athanor.args; "entry=EXPORT" names the export
 * run for the module called "init" (default _start). Errors are reported
 * as "manifest:LINE: reason" and the line is skipped.
 *
 * Each module is validated and instantiated against the "athanor" host
 * module; a module that fails is reported in one line and skipped.
 *
 * Host functions (import module "athanor"):
 *     debug_print(ptr: i32, len: i32)          bytes to the console
 *     arch(ptr: i32, cap: i32) -> i32          the ISA name; its length
 *     args(ptr: i32, cap: i32) -> i32          this module's ARGs; length
 *     uptime_ns() -> i64                       the kernel clock
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <wasm/wasm.h>

#include "core.h"

#define MAX_MODULES 16
#define MAX_FIELD 64

struct kmodule {
    char name[MAX_FIELD], file[MAX_FIELD], entry[MAX_FIELD];
    char args[256];
    wasm_module_t *mod;
    wasm_instance_t *inst;
};

static kmodule_t mods[MAX_MODULES];
static int nmods;
static wasm_runtime_t *rt;
static wasm_exec_t *ex;
static wasm_linker_t *linker;

static kmodule_t *module_of(wasm_call_ctx_t *ctx)
{
    wasm_instance_t *inst = wasm_call_ctx_instance(ctx);
    for (int i = 0; i < nmods; i++)
        if (mods[i].inst == inst)
            return &mods[i];
    return NULL;
}

/* The guest range [ptr, ptr+len) of the caller's memory, or NULL. */
static uint8_t *guest_range(wasm_call_ctx_t *ctx, uint64_t ptr, uint64_t len)
{
    wasm_memory_t *mem = wasm_call_ctx_memory(ctx);
    uint32_t p = (uint32_t)ptr, n = (uint32_t)len;
    if (!mem || (uint64_t)p + n > wasm_memory_size(mem))
        return NULL;
    return wasm_memory_data(mem) + p;
}

static wasm_trap_kind_t host_debug_print(wasm_call_ctx_t *ctx, uint64_t *c, void *user)
{
    (void)user;
    const uint8_t *p = guest_range(ctx, c[0], c[1]);
    if (!p)
        return wasm_call_ctx_fail(ctx, "debug_print: buffer outside memory");
    kprintf("%.*s", (int)(uint32_t)c[1], (const char *)p);
    return WASM_OK;
}

/* Copies s into the guest buffer (truncated to cap); result: strlen(s). */
static wasm_trap_kind_t copy_out(wasm_call_ctx_t *ctx, uint64_t *c, const char *s)
{
    size_t n = strlen(s);
    uint32_t cap = (uint32_t)c[1];
    uint8_t *p = guest_range(ctx, c[0], cap);
    if (!p)
        return wasm_call_ctx_fail(ctx, "buffer outside memory");
    memcpy(p, s, n < cap ? n : cap);
    c[0] = (uint32_t)n;
    return WASM_OK;
}

static wasm_trap_kind_t host_arch(wasm_call_ctx_t *ctx, uint64_t *c, void *user)
{
    (void)user;
    return copy_out(ctx, c, arch_name());
}

static wasm_trap_kind_t host_args(wasm_call_ctx_t *ctx, uint64_t *c, void *user)
{
    (void)user;
    kmodule_t *m = module_of(ctx);
    return copy_out(ctx, c, m ? m->args : "");
}

static wasm_trap_kind_t host_uptime(wasm_call_ctx_t *ctx, uint64_t *c, void *user)
{
    (void)ctx;
    (void)user;
    c[0] = timer_now_ns();
    return WASM_OK;
}

static bool define(wasm_linker_t *l, wasm_runtime_t *r, const char *name, uint32_t np,
                   uint32_t nr, wasm_valtype_t rt0, wasm_host_fn_t fn)
{
    static const wasm_valtype_t two_i32[2] = {WASM_I32, WASM_I32};
    wasm_func_t *f = wasm_func_new_host(r, two_i32, np, &rt0, nr, fn, NULL, name);
    wasm_extern_t e = {.kind = WASM_EXTERN_FUNC, .u.func = f};
    return f && wasm_linker_define(l, "athanor", 7, name, (uint32_t)strlen(name), e);
}

/* A linker holding the "athanor" host module. */
wasm_linker_t *kwasm_linker(wasm_runtime_t *r)
{
    wasm_linker_t *l = wasm_linker_new(r);
    if (!l || !define(l, r, "debug_print", 2, 0, WASM_I32, host_debug_print) ||
        !define(l, r, "arch", 2, 1, WASM_I32, host_arch) ||
        !define(l, r, "args", 2, 1, WASM_I32, host_args) ||
        !define(l, r, "uptime_ns", 0, 1, WASM_I64, host_uptime))
        return NULL;
    return l;
}

/* Copies the next field of [*p, end) into out (cap bytes); false if none
 * or too long (then *p is past the field anyway). */
static bool next_field(const char **p, const char *end, char *out, size_t cap, bool *too_long)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    const char *f = s;
    while (s < end && *s != ' ' && *s != '\t' && *s != '\r')
        s++;
    *p = s;
    if (s == f)
        return false;
    if ((size_t)(s - f) >= cap) {
        *too_long = true;
        return false;
    }
    memcpy(out, f, (size_t)(s - f));
    out[s - f] = 0;
    return true;
}

/* Parses one manifest line into a module slot; reports errors itself. */
static bool parse_line(int lineno, const char *s, const char *end, kmodule_t *m)
{
    bool too_long = false;
    char word[MAX_FIELD];
    const char *hash = s;
    while (hash < end && *hash != '#')
        hash++;
    end = hash;
    if (!next_field(&s, end, m->name, sizeof m->name, &too_long)) {
        if (too_long)
            kprintf("manifest:%d: name too long\n", lineno);
        return false;    /* blank or comment line: nothing to say */
    }
    if (!next_field(&s, end, m->file, sizeof m->file, &too_long)) {
        kprintf("manifest:%d: %s: %s\n", lineno, m->name, too_long ? "file name too long" : "missing file");
        return false;
    }
    __builtin_memcpy(m->entry, "_start", 7);
    size_t alen = 0;
    while (next_field(&s, end, word, sizeof word, &too_long)) {
        if (strncmp_k(word, "entry=", 6) == 0 && word[6]) {
            memcpy(m->entry, word + 6, strlen(word + 6) + 1);
            continue;
        }
        size_t wl = strlen(word);
        if (alen + wl + 2 > sizeof m->args) {
            too_long = true;
            break;
        }
        if (alen)
            m->args[alen++] = ' ';
        memcpy(m->args + alen, word, wl + 1);
        alen += wl;
    }
    if (too_long) {
        kprintf("manifest:%d: %s: argument too long\n", lineno, m->name);
        return false;
    }
    return true;
}

/* Validates and instantiates m; one line on failure. */
static bool load_module(int lineno, kmodule_t *m)
{
    const uint8_t *bytes;
    size_t len;
    wasm_error_t err = {0};
    wasm_trap_t trap;
    if (!bootimg_find(m->file, &bytes, &len)) {
        kprintf("athanor: module %s (%s): skipped: not in the boot image (manifest:%d)\n",
                m->name, m->file, lineno);
        return false;
    }
    m->mod = wasm_module_load(rt, bytes, len, &err);
    if (!m->mod) {
        kprintf("athanor: module %s (%s): skipped: invalid: %s\n", m->name, m->file, err.message);
        return false;
    }
    trap.kind = WASM_OK;
    m->inst = wasm_instantiate(m->mod, linker, ex, &err, &trap);
    if (!m->inst) {
        if (trap.kind != WASM_OK)
            kprintf("athanor: module %s (%s): skipped: start trapped: %s\n", m->name, m->file,
                    wasm_trap_kind_name(trap.kind));
        else
            kprintf("athanor: module %s (%s): skipped: link: %s\n", m->name, m->file, err.message);
        wasm_module_free(m->mod);
        m->mod = NULL;
        return false;
    }
    kprintf("athanor: module %s (%s, %zu bytes) loaded\n", m->name, m->file, len);
    return true;
}

int loader_run_manifest(void)
{
    const uint8_t *text;
    size_t len;
    if (!bootimg_find("manifest", &text, &len)) {
        kprintf("athanor: no manifest in the boot image\n");
        return 0;
    }
    rt = kwasm_runtime();
    ex = rt ? wasm_exec_new(rt) : NULL;
    linker = rt ? kwasm_linker(rt) : NULL;
    if (!ex || !linker) {
        kprintf("athanor: out of memory creating the Wasm runtime\n");
        return 0;
    }
    const char *s = (const char *)text, *end = s + len;
    int lineno = 0;
    while (s < end) {
        const char *eol = s;
        while (eol < end && *eol != '\n')
            eol++;
        lineno++;
        kmodule_t *m = &mods[nmods];
        memset(m, 0, sizeof *m);
        if (parse_line(lineno, s, eol, m)) {
            if (nmods == MAX_MODULES)
                kprintf("manifest:%d: %s: too many modules (max %d)\n", lineno, m->name, MAX_MODULES);
            else if (load_module(lineno, m))
                nmods++;
        }
        s = eol + 1;
    }
    return nmods;
}

/* Runs the entry of the module named "init"; false if it is missing or
 * traps (the trap is printed). */
bool loader_run_init(void)
{
    kmodule_t *m = NULL;
    for (int i = 0; i < nmods; i++)
        if (strncmp_k(mods[i].name, "init", MAX_FIELD) == 0)
            m = &mods[i];
    if (!m) {
        kprintf("athanor: no init module\n");
        return false;
    }
    wasm_func_t *f = wasm_instance_func(m->inst, m->entry);
    const uint8_t *pt, *rtypes;
    uint32_t np, nr;
    if (f)
        wasm_func_type(f, &pt, &np, &rtypes, &nr);
    if (!f || np != 0 || nr > 1) {
        kprintf("athanor: init: no export %s of type () -> () or () -> i32\n", m->entry);
        return false;
    }
    uint64_t res[1] = {0};
    static wasm_trap_t trap;   /* 5 KiB: keep it off the stack */
    wasm_trap_kind_t k = wasm_call(ex, f, NULL, res, &trap);
    if (k == WASM_TRAP_EXIT && trap.exit_code == 0)
        return true;
    if (k != WASM_OK) {
        static char buf[1024];
        wasm_trap_format(&trap, buf, sizeof buf);
        kprintf("athanor: init trapped: %s\n", buf);
        return false;
    }
    return true;
}
