/*
 * Compile speed: loads each module REPS times (decode, validate, translate
 * to internal code and, with --engine=compiled, to machine code) and prints
 * MB of Wasm per second for the interpreter's translation alone and with
 * the compiled tier, and the difference (the compiled tier's own speed).
 *
 *   loadspeed [-r REPS] file.wasm ...       (make bench-compile)
 */
#include <wasm/wasm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds to load bin reps times under engine e; -1 if it does not load. */
static double load_time(wasm_engine_t e, const uint8_t *bin, size_t len, int reps)
{
    wasm_config_t cfg = {.engine = e};
    wasm_runtime_t *rt = wasm_runtime_new(&cfg);
    if (!rt || wasm_runtime_set_engine(rt, e) != e)
        return -1;
    double best = 1e9;
    for (int r = 0; r < reps; r++) {
        wasm_error_t err;
        double t0 = now();
        wasm_module_t *m = wasm_module_load(rt, bin, len, &err);
        double t = now() - t0;
        if (!m)
            return -1;
        wasm_module_free(m);
        if (t < best)
            best = t;
    }
    wasm_runtime_free(rt);
    return best;
}

int main(int argc, char **argv)
{
    int reps = 5, i = 1;
    if (argc > 2 && !strcmp(argv[1], "-r")) {
        reps = atoi(argv[2]);
        i = 3;
    }
    double tb = 0, ti = 0, tc = 0;
    for (; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *bin = malloc((size_t)n + 1);
        if (!bin || fread(bin, 1, (size_t)n, f) != (size_t)n) {
            fclose(f);
            free(bin);
            continue;
        }
        fclose(f);
        double a = load_time(WASM_ENGINE_INTERP, bin, (size_t)n, reps);
        double b = load_time(WASM_ENGINE_COMPILED, bin, (size_t)n, reps);
        free(bin);
        if (a < 0 || b < 0)
            continue;
        printf("%-40s %8ld bytes  interp load %7.2f ms  compiled load %7.2f ms\n", argv[i], n,
               a * 1e3, b * 1e3);
        tb += (double)n;
        ti += a;
        tc += b;
    }
    if (tb == 0)
        return 1;
    printf("load-speed: %.1f MB of Wasm in total; interpreter load %.1f MB/s, compiled load "
           "%.1f MB/s, compiled tier alone %.1f MB/s\n",
           tb / 1e6, tb / 1e6 / ti, tb / 1e6 / tc, tc > ti ? tb / 1e6 / (tc - ti) : 0.0);
    return 0;
}
