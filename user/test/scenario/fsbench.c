/*
 * make bench-fs (mk/storage.mk): the file path against the raw block
 * driver, side by side in one boot ("athanor.bench-fs" on a test kernel's
 * command line runs this domain's entry, kernel/test/scenario.c). It
 * holds fs.root and blk.io. It writes a 16 MiB file through the file
 * service in 64 KiB requests and syncs (write), reads it back the same way
 * (read: the service's 48-block cache holds none of it by then), and after
 * each 64 KiB read as many sectors straight from the block driver, 32 KiB
 * a call, the most one call moves (raw read): the two reads take turns. Prints the line
 *   fs: read R MB/s, write W MB/s, raw read D MB/s, read/raw P%
 * Times from the fine clock (manifest: clock fine).
 */
#include "scn.h"

#include <fsproto.h>

#define NAME "fsbench"
#define FAIL(why, v) scn_fail(NAME, why, v)
#define TOTAL (16ll << 20)
#define CHUNK (16 * ATH_PAGE)

static uint8_t page[CHUNK] __attribute__((aligned(ATH_PAGE)));
static ath_handle_t ep, blk, buf;

static int64_t call(int op, int64_t h, int64_t a1, int64_t a2)
{
    int64_t r = -1;
    int32_t e = ath_call_lend(ep, buf, ATH_R_READ | ATH_R_WRITE, FS_A0(op, h), a1, a2, &r);
    return e ? e : r;
}

/* MB/s (10^6 bytes) in tenths, from bytes and ns: printed with RATE. */
static int64_t tenths(int64_t bytes, int64_t ns)
{
    int64_t us = ns / 1000;
    return us > 0 ? bytes * 10 / us : 0;        /* bytes per us = MB/s */
}
#define RATE "%lld.%lld MB/s"
#define RATE_OF(t) (long long)((t) / 10), (long long)((t) % 10)

/* Appends tag, the NUL-terminated s and a NUL at spec[*n]. */
static void spec_add(char *spec, int32_t *n, char tag, const char *s)
{
    spec[(*n)++] = tag;
    while (*s)
        spec[(*n)++] = *s++;
    spec[(*n)++] = 0;
}

static void sort3(int64_t *v)
{
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (v[j] < v[i]) {
                int64_t t = v[i];
                v[i] = v[j], v[j] = t;
            }
}

/* Runs bin/fsrate.wasm of the disk reading file (absolute) passes times;
 * the ns from its launch to its exit, or < 0 with the failure reported. */
static int64_t wasi_read(ath_handle_t sys, const char *file, const char *passes)
{
    static char spec[512];
    int32_t n = 0;
    spec_add(spec, &n, 'p', "/bin/fsrate.wasm");
    spec_add(spec, &n, 'a', "fsrate");
    spec_add(spec, &n, 'a', "-r");
    spec_add(spec, &n, 'a', file);
    spec_add(spec, &n, 'a', passes);
    spec_add(spec, &n, 'd', "/");
    for (int k = 0; k < 240; k++)       /* room for a reason on failure */
        spec[n++] = 0;
    int64_t a = ath_uptime_ns();
    ath_handle_t p = ath_sys_wasi(sys, ep, 0, spec, n);
    if (p < 0) {
        ath_printf("fsbench: sys_wasi: %s\n", spec);
        return -FAIL("the WASI program did not start", p);
    }
    int64_t st = ath_sys_wait(sys, p, 60000 * SCN_MS);
    if (st != 0)
        return -FAIL("the WASI program's status", st);
    return ath_uptime_ns() - a;
}

/* The WASI leg, three rounds: the program bin/fsrate.wasm of the disk
 * reads the file in 64 KiB reads (program -> WASI layer -> kernel backend
 * -> file service -> block driver) once and then twice, each timed from
 * its launch to its exit: the difference is one read of the file without
 * the program's load; then as many bytes are read raw from the block
 * driver. Medians of each. Prints
 *   fs: wasi read R MB/s, raw read D MB/s, wasi read/raw P% (median of 3 rounds)
 * 0, or the scenario's failure. */
static int32_t wasi_rounds(const char *file)
{
    ath_handle_t sys = ath_cap_find("sys");
    int64_t wasi_ns[3], raw_ns[3], r = -1;
    char abs[32] = "/";
    for (int i = 0; file[i] && i < 30; i++)
        abs[i + 1] = file[i], abs[i + 2] = 0;
    if (sys < 0)
        return FAIL("no system capability", sys);
    for (int round = 0; round < 3; round++) {
        int64_t one = wasi_read(sys, abs, "1");
        int64_t two = one < 0 ? one : wasi_read(sys, abs, "2");
        if (two < 0)
            return 1;         /* reported */
        int64_t b = ath_uptime_ns();
        for (int64_t s = 0; s < TOTAL / 512; s += 64) {
            int32_t e = ath_call_lend(blk, buf, ATH_R_READ | ATH_R_WRITE, 0, s, 64, &r);
            if (e || r != 0)
                return FAIL("raw read", e ? e : r);
        }
        wasi_ns[round] = two - one;
        raw_ns[round] = ath_uptime_ns() - b;
    }
    sort3(wasi_ns);
    sort3(raw_ns);
    int64_t w = tenths(TOTAL, wasi_ns[1]), d = tenths(TOTAL, raw_ns[1]);
    ath_printf("fs: wasi read " RATE ", raw read " RATE ", wasi read/raw %lld%% (median of 3 rounds)\n",
               RATE_OF(w), RATE_OF(d), (long long)(wasi_ns[1] > 0 ? raw_ns[1] * 100 / wasi_ns[1] : 0));
    return 0;
}

ATH_EXPORT("scenario") int32_t scenario(void)
{
    ath_handle_t tick = ath_cap_find("fsbench.tick");
    ep = ath_cap_find("fs.root");
    blk = ath_cap_find("blk.io");
    buf = ath_buf_new(CHUNK / ATH_PAGE);
    int64_t r = -1;
    if (ep < 0 || blk < 0 || tick < 0 || buf < 0 || ath_buf_map(buf, (uint32_t)(uintptr_t)page) < 0)
        return FAIL("capabilities missing", ep < 0 ? ep : blk);
    static const char path[] = "bench.bin";
    for (int i = 0; i < 200; i++) {
        for (int k = 0; k < 9; k++)
            page[k] = (uint8_t)path[k];
        if ((r = call(FS_OPEN, 0, FS_LEN2(9, FS_O_CREAT | FS_O_TRUNC | FS_O_WRITE), 0)) > 0)
            break;
        ath_wait(tick, 50 * SCN_MS);
    }
    if (r <= 0)
        return FAIL("no file service (a disk with room for 16 MiB?)", r);
    int64_t h = r;
    for (int64_t i = 0; i < CHUNK; i++)
        page[i] = (uint8_t)(i * 7);
    int64_t t0 = ath_uptime_ns();
    for (int64_t off = 0; off < TOTAL; off += CHUNK)
        if ((r = call(FS_PWRITE, h, off, CHUNK)) != CHUNK)
            return FAIL("write", r);
    if ((r = call(FS_SYNC, 0, 0, 0)) != 0)
        return FAIL("sync", r);
    int64_t t1 = ath_uptime_ns();
    /* Read back, each 64 KiB of the file followed by the same number of
     * bytes from the block driver (64 sectors a call): the two paths
     * take turns, so a loaded host slows both alike. */
    int64_t read_ns = 0, raw_ns = 0;
    for (int64_t off = 0; off < TOTAL; off += CHUNK) {
        int64_t a = ath_uptime_ns();
        if ((r = call(FS_PREAD, h, off, CHUNK)) != CHUNK)
            return FAIL("read", r);
        int64_t b = ath_uptime_ns();
        for (int64_t i = 0; i < CHUNK; i += 4093)
            if (page[i] != (uint8_t)(i * 7))
                return FAIL("the file reads back different at", off + i);
        int64_t c = ath_uptime_ns();
        for (int64_t s = off / 512; s < (off + CHUNK) / 512; s += 64) {
            int32_t e = ath_call_lend(blk, buf, ATH_R_READ | ATH_R_WRITE, 0, s, 64, &r);
            if (e || r != 0)
                return FAIL("raw read", e ? e : r);
        }
        read_ns += b - a;
        raw_ns += ath_uptime_ns() - c;
    }
    call(FS_CLOSE, h, 0, 0);
    int32_t e = wasi_rounds(path);
    if (e)
        return e;
    int64_t rd = tenths(TOTAL, read_ns), wr = tenths(TOTAL, t1 - t0), raw = tenths(TOTAL, raw_ns);
    ath_printf("fs: read " RATE ", write " RATE ", raw read " RATE ", read/raw %lld%%\n", RATE_OF(rd),
               RATE_OF(wr), RATE_OF(raw), (long long)(read_ns > 0 ? raw_ns * 100 / read_ns : 0));
    ath_printf("fsbench: ns write %lld, read %lld, raw %lld\n", (long long)(t1 - t0), (long long)read_ns,
               (long long)raw_ns);
    return scn_ok(NAME);
}
