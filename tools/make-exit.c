/*
 * A GNU make extension (`load`, make 4.x) with one function,
 * $(run-exit STATUS): make exits at once with that status. `make run
 * CMD=` (mk/kernel.mk, docs/wasi.md) uses it so that make's own exit
 * status is the program's, which make cannot otherwise give (a failed
 * recipe always makes it exit with 2).
 */
#include <gnumake.h>
#include <stdio.h>
#include <stdlib.h>

int plugin_is_GPL_compatible;

static char *run_exit(const char *name, unsigned int argc, char **argv)
{
    (void)name, (void)argc;
    char *end;
    long st = strtol(argv[0], &end, 10);
    if (end == argv[0] || st < 0 || st > 255)
        st = 1;
    fflush(stdout);
    fflush(stderr);
    exit((int)st);
}

int make_exit_gmk_setup(const gmk_floc *floc)
{
    (void)floc;
    gmk_add_function("run-exit", run_exit, 1, 1, 0);
    return 1;
}
