/* Runs every registered test; a test name on the command line runs only the
 * tests whose names contain it. Ends with "<suite>: P passed, F failed", the
 * suite named by UNIT_SUITE ("unit"; the kernel host tests build this same
 * file as "kernel-host"). */
#include "unit.h"

#include <stdlib.h>

#ifndef UNIT_SUITE
#define UNIT_SUITE "unit"
#endif
#define UNIT_MAX 1024

static struct { const char *name; unit_fn_t fn; } tests[UNIT_MAX];
static int ntests;
static bool current_failed;

void unit_register(const char *name, unit_fn_t fn)
{
    if (ntests == UNIT_MAX) {
        fprintf(stderr, UNIT_SUITE ": too many tests (max %d)\n", UNIT_MAX);
        exit(2);
    }
    tests[ntests].name = name;
    tests[ntests].fn = fn;
    ntests++;
}

void unit_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "  %s:%d: CHECK failed: %s\n", file, line, what);
    current_failed = true;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]))
            continue;
        current_failed = false;
        tests[i].fn();
        if (current_failed) {
            fprintf(stderr, "FAIL %s\n", tests[i].name);
            failed++;
        } else {
            passed++;
        }
    }
    printf(UNIT_SUITE ": %d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}
