/*
 * snap [-l] [-w] [-t SECONDS] FILE: one camera frame into FILE as a binary
 * PPM (P6), through a lease of SECONDS (default 5): full (320x240) or,
 * with -l, low resolution (80x60, each pixel the mean of a 4x4 block,
 * reduced by the broker before this program sees it). -w: after writing,
 * reads on until the lease ends and reports how the next read failed.
 *
 * An SDK program (docs/privacy.md); its capabilities are bin/snap.caps:
 * sensor.request, its box, and the file service for FILE.
 */
#include <fsproto.h>
#include <sensor.h>
#include <stdbool.h>

#define MS 1000000ll
#define IO_PAGES 16
#define LEASE_PAGES (1 + SENSOR_PAGES(SENSOR_CAM_BYTES))

static uint8_t area[LEASE_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t io[IO_PAGES * ATH_PAGE] __attribute__((aligned(ATH_PAGE)));
static uint8_t ppm[32 + SENSOR_CAM_BYTES];
static sensor_lease_t lease;

static bool word(const char *a, int32_t n, const char *w)
{
    int32_t i = 0;
    for (; w[i]; i++)
        if (i >= n || a[i] != w[i])
            return false;
    return i == n;
}

static int32_t put_uint(uint8_t *p, uint32_t v)
{
    char t[12];
    int32_t n = 0, k = 0;
    do
        t[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n)
        p[k++] = (uint8_t)t[--n];
    return k;
}

static void say_end(int32_t e, uint32_t reads)
{
    ath_print("snap: camera: lease ended, the next read failed: ");
    ath_print(ath_strerror(e));
    ath_print(" (after ");
    ath_print_int(reads);
    ath_print(" reads)\n");
}

ATH_EXPORT("_start") int32_t _start(void)
{
    char args[128];
    int32_t n = ath_args(args, sizeof args - 1);
    bool low = false, wait_end = false;
    uint32_t secs = 5;
    char path[100];
    int32_t plen = 0;
    for (int32_t i = 0; i < n;) {
        int32_t j = i;
        while (j < n && args[j] != ' ')
            j++;
        if (word(args + i, j - i, "-l"))
            low = true;
        else if (word(args + i, j - i, "-w"))
            wait_end = true;
        else if (word(args + i, j - i, "-t") && j < n) {
            uint32_t v = 0;
            int32_t k = j + 1;
            while (k < n && args[k] >= '0' && args[k] <= '9' && v < 100000)
                v = v * 10 + (uint32_t)(args[k++] - '0');
            secs = v;
            j = k;
        } else if (!plen && j - i < (int32_t)sizeof path) {
            for (int32_t k = i; k < j; k++)
                path[plen++] = args[k];
        } else {
            plen = -1;
        }
        i = j + 1;
    }
    if (plen <= 0 || secs == 0 || secs > SENSOR_MAX_MS / 1000) {
        ath_print("usage: snap [-l] [-w] [-t SECONDS] FILE (SECONDS 1..3600)\n");
        return 1;
    }
    path[plen] = 0;
    ath_handle_t fs = ath_cap_find("fs.root"), iob = ath_buf_new(IO_PAGES);
    ath_handle_t idle = ath_cap_find("box.snap");   /* nobody notifies the box: a sleep */
    if (fs < 0 || iob < 0 || ath_buf_map(iob, (uint32_t)(uintptr_t)io) < 0) {
        ath_print("snap: no file service\n");
        return 1;
    }
    int32_t e = sensor_open(&lease, "snap", SENSOR_CAM, low ? SENSOR_LOW : SENSOR_FULL, secs * 1000,
                            "take a picture", area);
    if (e < 0) {
        ath_print("snap: no lease of the camera: ");
        ath_print(e == ATH_ERIGHTS ? "refused" : ath_strerror(e));
        ath_print("\n");
        return 1;
    }
    /* the header's room is fixed: the frame goes after it, then moves up */
    uint32_t w, h, frame, reads = 1;
    const uint32_t room = 32;
    while ((e = sensor_read_frame(&lease, ppm + room, SENSOR_CAM_BYTES, &w, &h, &frame)) == ATH_EEMPTY)
        ath_wait(idle, 20 * MS), reads++;
    if (e < 0) {
        say_end(e, reads);
        return 1;
    }
    uint32_t bytes = (uint32_t)e;
    int32_t k = 0;
    uint8_t hdr[32];
    hdr[k++] = 'P', hdr[k++] = '6', hdr[k++] = '\n';
    k += put_uint(hdr + k, w);
    hdr[k++] = ' ';
    k += put_uint(hdr + k, h);
    hdr[k++] = '\n';
    k += put_uint(hdr + k, 255);
    hdr[k++] = '\n';
    __builtin_memmove(ppm + k, ppm + room, bytes);
    __builtin_memcpy(ppm, hdr, (uint32_t)k);
    if (!wait_end)
        sensor_close(&lease);       /* done with the camera before the disk */
    int32_t wr = ath_fs_write_file(fs, iob, io, sizeof io, path, ppm, (uint32_t)k + bytes);
    if (wr < 0) {
        ath_print("snap: cannot write the file: ");
        ath_print(ath_strerror(wr));
        ath_print("\n");
        return 1;
    }
    ath_print("snap: ");
    ath_print(path);
    ath_print(": ");
    ath_print_int(w);
    ath_print("x");
    ath_print_int(h);
    ath_print(low ? " (low)" : " (full)");
    ath_print(", frame ");
    ath_print_int(frame);
    ath_print(", ");
    ath_print_int(wr);
    ath_print(" bytes\n");
    if (wait_end) {
        while ((e = sensor_read_frame(&lease, ppm, SENSOR_CAM_BYTES, &w, &h, &frame)) >= 0 || e == ATH_EEMPTY)
            reads++, ath_wait(idle, 50 * MS);
        say_end(e, reads);
        sensor_close(&lease);
    }
    return 0;
}
