/*
 * The server of scenario "trap": op(0) counts, op(1) traps half way
 * through (after touching a scratch word, never the counter), op(2)
 * returns a constant that nothing writes.
 */
#include "scn.h"

static int64_t counter;
static volatile int64_t kept = 1234;
static volatile int64_t scratch;

ATH_EXPORT("op") int64_t op(int64_t kind, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a1, (void)a2, (void)a3;
    if (kind == 0)
        return ++counter;
    if (kind == 1) {
        scratch = 99;
        __builtin_trap();
    }
    return kept;
}
