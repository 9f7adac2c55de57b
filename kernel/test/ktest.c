/*
 * The test kernel's run (kmain calls it when built with -DATHANOR_TEST):
 * the UART echo self-test while the console driver domain owns the
 * console, then, on the early console, the kernel self-tests, the
 * in-kernel spec subset, the scenario domains and the hostile modules.
 */
#include <arch/timer.h>
#include <kern/dev.h>
#include <kern/kernel.h>
#include <kern/kspec.h>
#include <kern/sched.h>
#include <wasm/wasm.h>

#include "core.h"
#include "ktest.h"

#define MS 1000000ull
#define ECHO_WAIT_MS 4000

/* One line typed on the console must come back from the driver (the boot
 * test feeds it once the driver is up). */
int ktest_console(int console)
{
    if (console < 0)
        return 1;
    if (console == 0) {
        kprintf("selftest uart_echo: skipped (no console device a driver can own)\n");
        return 0;
    }
    char line[128];
    uint64_t end = timer_now_ns() + ECHO_WAIT_MS * MS;
    int n = -1;
    while ((n = kcons_getline(line, sizeof line)) < 0 && timer_now_ns() < end)
        sched_sleep_ns(10 * MS);
    if (n < 0) {
        /* stdin may be empty (/dev/null): not a failure here; the boot
         * test that feeds a line checks for its echo itself. */
        kprintf("selftest uart_echo: skipped (no input line within %d ms)\n", ECHO_WAIT_MS);
        return 0;
    }
    unsigned irq = 0;
    uint64_t fired = 0;
    const char *drv = dev_console_driver(&irq, &fired);
    kprintf("selftest uart_echo: ok (driver %s echoed \"%s\", irq %u taken %llu times)\n",
            drv ? drv : "?", line, irq, (unsigned long long)fired);
    return 0;
}

/* The in-kernel spec subset (docs/kspec.md): its blob rides in the test
 * boot image. */
static int run_kspec(void)
{
    const uint8_t *blob;
    size_t len;
    if (!bootimg_find("spec.bin", &blob, &len)) {
        kprintf("kspec: spec.bin missing from the boot image\n");
        return 1;
    }
    int failures = kspec_run_tier(blob, len, WASM_ENGINE_DEFAULT, kwasm_bounds()) ? 1 : 0;
    /* Where the default tier is compiled, the interpreter gets its own
     * run: both tiers hold the pin (tests/groups/60-boot.sh). */
    wasm_runtime_t *rt = kwasm_runtime();
    bool compiled = rt && wasm_runtime_set_engine(rt, WASM_ENGINE_DEFAULT) == WASM_ENGINE_COMPILED;
    wasm_runtime_free(rt);
    if (compiled)
        failures += kspec_run_tier(blob, len, WASM_ENGINE_INTERP, kwasm_bounds()) ? 1 : 0;
    return failures;
}

int ktest_run(void)
{
    int failures = selftest_run();
    failures += run_kspec();
    failures += scenario_run();
    failures += hostile_run();
    return failures;
}
