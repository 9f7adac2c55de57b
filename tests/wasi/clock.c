/* Realtime is after 2020, monotonic advances, sleeps last long enough.
 * Exits 1 if any line is not the good answer (tests/wasi/clock.out pins the
 * lines too), so a poll_oneoff that never sleeps fails. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>

static int bad;

static const char *yes(int ok, const char *good, const char *fault)
{
    bad += !ok;
    return ok ? good : fault;
}

static long long ns(clockid_t c)
{
    struct timespec t;
    if (clock_gettime(c, &t) != 0)
        return -1;
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
    struct timespec res;
    printf("realtime after 2020: %s\n", yes(time(NULL) > 1577836800, "yes", "no"));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday after 2020: %s\n", yes(tv.tv_sec > 1577836800, "yes", "no"));
    printf("monotonic res > 0: %s\n",
           yes(clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec || res.tv_nsec), "yes",
               "no"));
    /* A clock of resolution r (Azoth's coarse clock: 1 ms, its edges
     * placed at random) can read an interval up to r short. */
    long long r = res.tv_sec * 1000000000LL + res.tv_nsec;
    long long a = ns(CLOCK_MONOTONIC);
    struct timespec d = {0, 20 * 1000 * 1000};
    nanosleep(&d, NULL);
    long long b = ns(CLOCK_MONOTONIC);
    printf("nanosleep 20ms: %s\n", yes(b - a >= 20000000LL - r, "ok", "too short"));
    usleep(10000);
    long long c = ns(CLOCK_MONOTONIC);
    printf("usleep 10ms: %s\n", yes(c - b >= 10000000LL - r, "ok", "too short"));
    printf("cputime: %s\n", yes(ns(CLOCK_PROCESS_CPUTIME_ID) >= 0, "ok", "fail"));
    return bad != 0;
}
