/*
 * Host test of the WASI layer with a backend of its own: a console that
 * captures output, a fixed clock, predictable random bytes and no file
 * operations. Shows the smallest backend the OS could start with, and that
 * missing entries become nosys. Usage: fakebackend minimal.wasm
 * Prints what the guest wrote, then "exit=N".
 */
#include <wasm/wasm.h>

#include "wasi/wasi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct console {
    char out[4096], err[4096];
    size_t nout, nerr;
} console_t;

static uint16_t fake_write(void *ctx, int stream, const void *buf, size_t len, size_t *n)
{
    console_t *c = ctx;
    char *dst = stream == 2 ? c->err : c->out;
    size_t *at = stream == 2 ? &c->nerr : &c->nout;
    size_t room = sizeof c->out - 1 - *at;
    *n = len < room ? len : room;
    memcpy(dst + *at, buf, *n);
    *at += *n;
    return WASI_ESUCCESS;
}

static uint16_t fake_read(void *ctx, void *buf, size_t len, size_t *n)
{
    *n = 0;                      /* stdin is always at its end */
    return WASI_ESUCCESS;
}

static uint16_t fake_time(void *ctx, uint32_t clock, uint64_t *ns)
{
    *ns = 1234567890ull * 1000000000ull;
    return clock <= WASI_CLOCK_MONOTONIC ? WASI_ESUCCESS : WASI_EINVAL;
}

static uint16_t fake_random(void *ctx, void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(0xa0 + i);
    return WASI_ESUCCESS;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static uint8_t buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    console_t con = {0};
    wasi_backend_t be = {.ctx = &con, .console_read = fake_read, .console_write = fake_write,
                         .clock_time = fake_time, .random = fake_random};
    wasi_preopen_t pre = {.handle = 99, .guest_path = "/fake"};
    const char *args[] = {"minimal", "one"};
    wasi_config_t cfg = {.backend = &be, .argc = 2, .argv = args, .npreopens = 1,
                         .preopens = &pre};
    wasm_error_t err = {0};
    wasm_trap_t trap = {0};
    size_t len;
    uint8_t *bytes = argc > 1 ? slurp(argv[1], &len) : NULL;
    if (!bytes)
        return fprintf(stderr, "usage: fakebackend prog.wasm\n"), 2;
    wasm_runtime_t *rt = wasm_runtime_new(NULL);
    wasm_module_t *m = wasm_module_load(rt, bytes, len, &err);
    wasi_t *w = wasi_new(rt, &cfg);
    wasm_linker_t *l = wasm_linker_new(rt);
    wasm_exec_t *ex = wasm_exec_new(rt);
    if (!m || !w || !l || !ex || !wasi_define(w, l))
        return fprintf(stderr, "fakebackend: setup failed: %s\n", err.message), 1;
    wasm_instance_t *inst = wasm_instantiate(m, l, ex, &err, &trap);
    wasm_func_t *start = inst ? wasm_instance_func(inst, "_start") : NULL;
    wasm_trap_kind_t k = start ? wasm_call(ex, start, NULL, NULL, &trap) : WASM_TRAP_HOST;
    printf("%.*s", (int)con.nout, con.out);
    printf("stderr: %.*s", (int)con.nerr, con.err);
    printf("exit=%d\n", k == WASM_TRAP_EXIT ? trap.exit_code : k == WASM_OK ? 0 : -1);
    if (inst)
        wasm_instance_free(inst);
    wasm_exec_free(ex);
    wasm_linker_free(l);
    wasm_module_free(m);
    wasi_free(w);                /* the fake has no close: handle 99 is just dropped */
    wasm_runtime_free(rt);
    return 0;
}
