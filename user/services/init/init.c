/*
 * init.wasm: the first domain the kernel runs. It greets through the
 * athanor host calls (the C SDK, sdk/include/athanor.h), proving that the
 * same bytes run on every ISA, then uses the services written in other
 * languages (docs/languages.md) once, printing what each did.
 */
#include <athanor.h>

#define MS 1000000ll

/* The page init's own buffer is mapped over. */
static uint8_t page[ATH_PAGE] __attribute__((aligned(ATH_PAGE)));

static void fail(const char *what, int64_t e)
{
    ath_printf("init: %s failed: %s (%lld)\n", what,
               e < 0 && e >= ATH_ELIMIT ? ath_strerror((int32_t)e) : "bad answer", (long long)e);
}

/* ep's result through a plain call, or the error. */
static int64_t call(const char *ep, int64_t a0)
{
    ath_handle_t h = ath_cap_find(ep);
    int64_t r = 0;
    int32_t e = h < 0 ? h : ath_call(h, a0, 0, 0, 0, &r);
    return e < 0 ? e : r;
}

static int64_t lend(const char *ep, ath_handle_t buf, uint32_t rights, int64_t a0)
{
    ath_handle_t h = ath_cap_find(ep);
    int64_t r = 0;
    int32_t e = h < 0 ? h : ath_call_lend(h, buf, rights, a0, 0, 0, &r);
    return e < 0 ? e : r;
}

static int count_nonzero(const uint8_t *p, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += p[i] != 0;
    return k;
}

/* The rng driver (Rust), the zero device (WAT), the timer driver
 * (AssemblyScript), the system monitor (AssemblyScript) and the log
 * service (Rust), each used for real. Absent services are skipped. */
static void tour(void)
{
    if (ath_cap_find("rng.next") < 0)
        return;
    int64_t a = call("rng.next", 0), b = call("rng.next", 0);
    if (a < 0 || b < 0 || a == b)
        fail("rng.next (rust)", a < 0 ? a : b);
    ath_handle_t buf = ath_buf_new(1);
    int64_t r;
    if (buf < 0 || (r = ath_buf_map(buf, (uint32_t)(uintptr_t)page)) < 0) {
        fail("buffer", buf < 0 ? buf : r);
        return;
    }
    ath_buf_unmap(buf);     /* a mapped buffer cannot be lent */
    r = lend("rng.fill", buf, ATH_R_READ | ATH_R_WRITE, 256);
    ath_buf_map(buf, (uint32_t)(uintptr_t)page);
    int nz = count_nonzero(page, 256);
    if (r != 256 || nz < 200)
        fail("rng.fill (rust)", r != 256 ? r : nz);
    else if (a >= 0 && b >= 0 && a != b)
        ath_printf("init: rng (rust driver): two draws differ, 256 bytes filled, %d non-zero\n", nz);
    ath_buf_unmap(buf);
    r = lend("zero.fill", buf, ATH_R_READ | ATH_R_WRITE, 4096);
    ath_buf_map(buf, (uint32_t)(uintptr_t)page);
    nz = count_nonzero(page, ATH_PAGE);
    ath_buf_unmap(buf);
    if (r != 4096 || nz != 0)
        fail("zero.fill (wat)", r != 4096 ? r : nz);
    else
        ath_printf("init: zero (wat driver): %lld bytes cleared\n", (long long)r);
    int64_t t0 = call("timer.now", 0), slept = call("timer.sleep", 2 * MS), t1 = call("timer.now", 0);
    if (t0 < 0 || slept < 2 * MS || t1 - t0 < 2 * MS)
        fail("timer.sleep (assemblyscript)", t0 < 0 ? t0 : slept);
    else
        ath_printf("init: timer (assemblyscript driver): slept %lld us of 2000\n", (long long)(slept / 1000));
    int64_t n = lend("sysmon.report", buf, ATH_R_READ | ATH_R_WRITE, 4096);
    int64_t lines = n > 0 ? lend("log.write", buf, ATH_R_READ, n) : n;
    if (n <= 0 || lines <= 0)
        fail("sysmon.report (assemblyscript) through log.write (rust)", n <= 0 ? n : lines);
    else
        ath_printf("init: sysmon (assemblyscript) reported %lld domains through log (rust)\n",
                   (long long)lines);
    ath_cap_drop(buf);
}

ATH_EXPORT("_start") void _start(void)
{
    char name[32];
    ath_arch_name(name, (int32_t)sizeof name);
    ath_printf("init: hello from init.wasm on %s\n", name);
    tour();
}
