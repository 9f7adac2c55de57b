/*
 * lang_check MODULE: the tutorial's driver (docs/writing-a-driver.md,
 * docs/tutorial/) run on the hosted kernel core. A client domain calls the
 * module's ticks.ms twice and ticks.calls once through endpoints the
 * manifest grants; the times must lie within the kernel clock's readings
 * before and after (the coarse clock may still read the millisecond before:
 * it steps at a secret point of each one, docs/privacy.md), in order, and the count
 * must be 2. MODULE is read relative to build/san/ipc/ (the shim's folder).
 * Prints "lang_check MODULE: ok" or the failure; the thread's result is
 * non-NULL on failure.
 */
#include "../kernel/ipctest.h"

#include <stdio.h>

uint64_t timer_now_ns(void);   /* the shim's clock, what uptime_ns reads */

void *lang_check_run(void *arg)
{
    const char *mod = arg;
    char manifest[512];
    snprintf(manifest, sizeof manifest,
             "client client.wasm\n"
             "    endpoint ticks.ms\n"
             "    endpoint ticks.calls\n"
             "ticks %s mem=2\n"
             "    endpoint ticks.ms handler=ms\n"
             "    endpoint ticks.calls handler=calls\n", mod);
    ipc_world_t w;
    if (!ipc_world_up(&w, manifest)) {
        printf("lang_check %s: FAILED: the world did not come up\n%s", mod, w.log);
        return (void *)1;
    }
    domain_t *d = domain_find(&w.sys, "ticks");
    int64_t t0 = (int64_t)(timer_now_ns() / 1000000);
    int64_t a = ipc_client_call(&w, "ticks.ms", 0, 0, 0, 0);
    int64_t b = ipc_client_call(&w, "ticks.ms", 0, 0, 0, 0);
    int64_t t1 = (int64_t)(timer_now_ns() / 1000000);
    int64_t n = ipc_client_call(&w, "ticks.calls", 0, 0, 0, 0);
    const char *why = !d || d->state != DOMAIN_READY ? "the module is not ready"
                    : a < t0 - 1 || b > t1 ? "ticks.ms is not the kernel clock"
                    : b < a ? "ticks.ms went back"
                    : n != 2 ? "ticks.calls is not 2" : NULL;
    if (why)
        printf("lang_check %s: FAILED: %s (ms %lld, %lld; calls %lld)\n%s", mod, why,
               (long long)a, (long long)b, (long long)n, w.log);
    else
        printf("lang_check %s: ok (ms %lld, %lld; calls %lld)\n", mod, (long long)a,
               (long long)b, (long long)n);
    ipc_world_down(&w);
    return why ? (void *)1 : NULL;
}
