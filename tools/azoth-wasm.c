/*
 * azoth-wasm: run WASI preview1 command modules on the Azoth engine.
 *
 *   azoth-wasm run [--engine=interp|compiled] [--bounds=guard|explicit] [--dir HOST[::GUEST]]...
 *                  [--env K=V]... [--fuel N] prog.wasm [args...]
 *   azoth-wasm validate prog.wasm
 *
 * Exit status: the guest's proc_exit code (0 if _start returns); 1 when the
 * module cannot be read, loaded, linked or has no _start; 2 for a usage
 * error; 134 when the guest traps (like a native program that aborts), 130
 * when Ctrl-C interrupted it (a second Ctrl-C kills the runner). An
 * error is one line on stderr, "azoth-wasm: prog.wasm: <message>"; a trap
 * adds its backtrace on the lines after it.
 */
#include <wasm/wasm.h>

#include "wasi/wasi.h"
#include "wasi/wasi_posix.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_LOAD 1
#define EXIT_USAGE 2
#define EXIT_TRAP 134
#define EXIT_INTERRUPTED 130

/* The running guest, for the SIGINT handler. */
static wasm_exec_t *volatile running;

/* First Ctrl-C: the guest traps at its next safe point and we print where
 * it was. A second one (say, the guest is blocked reading stdin) kills. */
static void on_sigint(int sig)
{
    if (running)
        wasm_exec_interrupt(running);
    signal(sig, SIG_DFL);
}

typedef struct options {
    const char *prog;            /* path of the module */
    int argc;                    /* guest argv, argv[0] = prog */
    const char **argv;
    int envc;
    const char **envp;
    int ndirs;
    wasi_preopen_t *dirs;
    char **dir_specs;            /* strdup'd --dir arguments, guest names point in */
    uint64_t fuel;
    wasm_engine_t engine;        /* --engine=interp|compiled */
    wasm_bounds_t bounds;        /* --bounds=guard (the default where possible) or explicit */
} options_t;

static void usage(void)
{
    fprintf(stderr,
            "usage: azoth-wasm run [--engine=interp|compiled] [--bounds=guard|explicit] "
            "[--dir HOST[::GUEST]]... "
            "[--env K=V]... [--fuel N] prog.wasm [args...]\n"
            "       azoth-wasm validate prog.wasm\n");
    exit(EXIT_USAGE);
}

static void die(const char *prog, const char *msg, int status)
{
    fprintf(stderr, "azoth-wasm: %s: %s\n", prog, msg);
    exit(status);
}

/* Reads a whole file; exits with one line on failure. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path, strerror(errno), EXIT_LOAD);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf)
            die(path, "out of memory", EXIT_LOAD);
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    if (ferror(f))
        die(path, strerror(errno), EXIT_LOAD);
    fclose(f);
    *len = n;
    return buf;
}

/* --dir HOST or HOST::GUEST: opens HOST, names it GUEST (default HOST). */
static void add_dir(options_t *o, const char *spec)
{
    char *host = strdup(spec);
    char *sep = strstr(host, "::");
    const char *guest = host;
    if (sep) {
        *sep = 0;
        guest = sep + 2;
    }
    if (!*host || !*guest)
        usage();
    wasi_preopen_t *p = &o->dirs[o->ndirs];
    uint16_t e = wasi_posix_open_dir(host, &p->handle);
    if (e != WASI_ESUCCESS) {
        char msg[300];
        snprintf(msg, sizeof msg, "cannot open directory: %s", wasi_errno_name(e));
        die(host, msg, EXIT_LOAD);
    }
    p->guest_path = guest;
    o->dir_specs[o->ndirs++] = host;
}

static void parse_run(options_t *o, int argc, char **argv)
{
    int i = 0;
    o->dirs = calloc((size_t)argc + 1, sizeof *o->dirs);
    o->dir_specs = calloc((size_t)argc + 1, sizeof *o->dir_specs);
    o->envp = calloc((size_t)argc + 1, sizeof *o->envp);
    o->fuel = UINT64_MAX;
    while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
        const char *opt = argv[i++];
        if (!strcmp(opt, "--"))
            break;
        if (!strcmp(opt, "--engine=interp")) {
            o->engine = WASM_ENGINE_INTERP;
            continue;
        }
        if (!strcmp(opt, "--engine=compiled")) {
            o->engine = WASM_ENGINE_COMPILED;
            continue;
        }
        if (!strcmp(opt, "--bounds=guard") || !strcmp(opt, "--bounds=explicit")) {
            o->bounds = opt[9] == 'g' ? WASM_BOUNDS_DEFAULT : WASM_BOUNDS_EXPLICIT;
            continue;
        }
        if (i >= argc)
            usage();
        if (!strcmp(opt, "--dir"))
            add_dir(o, argv[i++]);
        else if (!strcmp(opt, "--env") && strchr(argv[i], '='))
            o->envp[o->envc++] = argv[i++];
        else if (!strcmp(opt, "--fuel")) {
            char *end;
            o->fuel = strtoull(argv[i++], &end, 0);
            if (*end)
                usage();
        } else
            usage();
    }
    if (i >= argc)
        usage();
    o->prog = argv[i];
    o->argc = argc - i;
    o->argv = (const char **)(argv + i);
}

static wasm_module_t *load(wasm_runtime_t *rt, const char *prog)
{
    size_t len;
    wasm_error_t err = {0};
    uint8_t *bytes = read_file(prog, &len);
    wasm_module_t *m = wasm_module_load(rt, bytes, len, &err);
    free(bytes);
    if (!m)
        die(prog, err.message[0] ? err.message : "invalid module", EXIT_LOAD);
    return m;
}

/* AZOTH_JIT_DUMP=FILE (debugging): the compiled tier's machine code of the
 * module into FILE, and FILE.map: a line "# base ADDRESS" (where the code
 * runs, to match a profiler's samples), then one line per compiled function:
 * its index and its entry's offset in FILE, in hex (tools/jitdump.sh
 * disassembles). */
static void dump_code(const wasm_module_t *m, const char *file)
{
    const uint8_t *code;
    size_t size;
    if (!file || !*file)
        return;
    if (!wasm_module_code(m, &code, &size)) {
        fprintf(stderr, "azoth-wasm: AZOTH_JIT_DUMP: no machine code for this module\n");
        return;
    }
    char map[4096];
    snprintf(map, sizeof map, "%s.map", file);
    FILE *f = fopen(file, "wb"), *g = fopen(map, "w");
    if (!f || !g || fwrite(code, 1, size, f) != size) {
        fprintf(stderr, "azoth-wasm: AZOTH_JIT_DUMP: cannot write %s\n", file);
    } else {
        int64_t off;
        fprintf(g, "# base %p\n", (const void *)code);
        for (uint32_t i = 0; (off = wasm_module_func_code(m, i)) != -2; i++)
            if (off >= 0)
                fprintf(g, "%u %llx\n", i, (unsigned long long)off);
    }
    if (f)
        fclose(f);
    if (g)
        fclose(g);
}

/* Prints "azoth-wasm: prog: trap: <kind>" and the backtrace. */
static void report_trap(const char *prog, const wasm_trap_t *trap)
{
    static char buf[8192];
    wasm_trap_format(trap, buf, sizeof buf);
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = 0;
    fprintf(stderr, "azoth-wasm: %s: trap: %s", prog, buf);
    if (trap->kind == WASM_TRAP_HOST && trap->message[0] && !strstr(buf, trap->message))
        fprintf(stderr, ": %s", trap->message);
    fputc('\n', stderr);
    if (nl && nl[1]) {
        size_t n = strlen(nl + 1);
        fputs(nl + 1, stderr);
        if (nl[n] != '\n')
            fputc('\n', stderr);
    }
    fflush(stderr);
}

/* Exit status for the outcome of a call: exit code, 0, or a trap. */
static int outcome(const char *prog, wasm_trap_kind_t k, const wasm_trap_t *trap)
{
    if (k == WASM_OK)
        return 0;
    if (k == WASM_TRAP_EXIT)
        return trap->exit_code;
    report_trap(prog, trap);
    return k == WASM_TRAP_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_TRAP;
}

static int cmd_run(int argc, char **argv)
{
    options_t o = {0};
    wasi_backend_t be;
    wasm_error_t err = {0};
    static wasm_trap_t trap;
    parse_run(&o, argc, argv);
    wasi_posix_backend(&be);
    wasm_config_t rcfg = {.engine = o.engine, .bounds = o.bounds};
    wasm_runtime_t *rt = wasm_runtime_new(&rcfg);
    if (!rt)
        die(o.prog, "out of memory", EXIT_LOAD);
    if (o.engine == WASM_ENGINE_COMPILED && wasm_runtime_set_engine(rt, o.engine) != o.engine)
        die(o.prog, "no compiled tier on this host", EXIT_LOAD);
    /* AZOTH_JIT_FILTER=lo:hi compiles only functions lo..hi-1 (bisecting) */
    const char *flt = getenv("AZOTH_JIT_FILTER");
    if (flt) {
        unsigned lo = 0, hi = 0;
        if (sscanf(flt, "%u:%u", &lo, &hi) == 2)
            wasm_runtime_set_jit_filter(rt, lo, hi);
    }
    wasm_module_t *m = load(rt, o.prog);
    dump_code(m, getenv("AZOTH_JIT_DUMP"));
    wasi_config_t cfg = {
        .backend = &be, .argc = (uint32_t)o.argc, .argv = o.argv,
        .envc = (uint32_t)o.envc, .envp = o.envp,
        .npreopens = (uint32_t)o.ndirs, .preopens = o.dirs,
    };
    wasi_t *w = wasi_new(rt, &cfg);
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_exec_t *ex = wasm_exec_new(rt);
    if (!w || !l || !ex || !wasi_define(w, l))
        die(o.prog, "out of memory", EXIT_LOAD);
    wasm_exec_set_fuel(ex, o.fuel);
    running = ex;
    signal(SIGINT, on_sigint);
    int status;
    wasm_instance_t *inst = wasm_instantiate(m, l, ex, &err, &trap);
    if (!inst) {
        if (trap.kind == WASM_OK)
            die(o.prog, err.message[0] ? err.message : "instantiation failed", EXIT_LOAD);
        status = outcome(o.prog, trap.kind, &trap);
    } else {
        wasm_func_t *start = wasm_instance_func(inst, "_start");
        if (!start)
            die(o.prog, "no _start function exported", EXIT_LOAD);
        status = outcome(o.prog, wasm_call(ex, start, NULL, NULL, &trap), &trap);
        wasm_instance_free(inst);
    }
    signal(SIGINT, SIG_DFL);
    running = NULL;
    wasm_exec_free(ex);
    wasm_linker_free(l);
    wasm_module_free(m);
    wasi_free(w);
    wasm_runtime_free(rt);
    for (int i = 0; i < o.ndirs; i++)
        free(o.dir_specs[i]);
    free(o.dir_specs);
    free(o.dirs);
    free(o.envp);
    return status;
}

static int cmd_validate(int argc, char **argv)
{
    if (argc != 1)
        usage();
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    if (!rt)
        die(argv[0], "out of memory", EXIT_LOAD);
    wasm_module_t *m = load(rt, argv[0]);
    wasm_module_free(m);
    wasm_runtime_free(rt);
    printf("ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(argv[1], "validate"))
        return cmd_validate(argc - 2, argv + 2);
    usage();
}
