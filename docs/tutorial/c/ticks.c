#include <athanor.h>

static int64_t calls;

/* ticks.ms: milliseconds since boot. Handlers take four i64 arguments. */
ATH_EXPORT("ms") int64_t ms(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    calls++;
    return ath_uptime_ns() / 1000000;
}

/* ticks.calls: how many ms calls were served. */
ATH_EXPORT("calls") int64_t count(int64_t a0, int64_t a1, int64_t a2, int64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    return calls;
}
