/* The call-cost bench's C server (bench/lang): op(a, b, c, d) = a + b + c + d,
 * counting the calls; the same in Rust (benchrs.rs) and AssemblyScript
 * (benchas.ts). */
#include <athanor.h>

static int64_t calls;

ATH_EXPORT("op") int64_t op(int64_t a, int64_t b, int64_t c, int64_t d)
{
    calls++;
    return a + b + c + d;
}
