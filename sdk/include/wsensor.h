/*
 * Sensors for WASI programs (docs/privacy.md, "WASI programs: sensors as
 * files"): a program the shell runs with `run --sensors` has the
 * directory /sensors, whose files the sensor broker serves; opening one
 * is a lease request, the file is the lease. This header is the lease
 * code the sensor programs share (user/wasi/record, user/wasi/snap), for
 * wasi-libc alone: nothing of athanor.h, the program holds no capability.
 *
 *   fd = wsensor_open("mic", "raw", 4);          the policy or the person decides
 *   wsensor_read(fd, buf, n, &pos)               a stream, in order
 *   wsensor_read_frame(fd, buf, cap, &w, &h)     a frame, whole
 *   wsensor_strerror(errno)                      "lease expired", "revoked", ...
 */
#ifndef WSENSOR_H
#define WSENSOR_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The microphone's raw stream: s16le, 16 kHz, mono. */
#define WSENSOR_MIC_RATE 16000
/* The camera's frames: RGB; low resolution 80x60 (4x4 block means). */
#define WSENSOR_CAM_W 320
#define WSENSOR_CAM_H 240
#define WSENSOR_PPM_MAX (32 + WSENSOR_CAM_W * WSENSOR_CAM_H * 3)
/* A level file: one line of this many bytes per 100 ms block (" -17\n"). */
#define WSENSOR_LEVEL_LINE 5

/* Asks for a lease of sensor ("gps", "mic", "camera") at precision
 * ("exact"/"coarse", "raw"/"level", "full"/"low") for seconds (1..3600):
 * a file descriptor, or -1 with errno (EACCES: refused by the policy;
 * ENOENT: no such sensor or precision, or no /sensors: run --sensors). A
 * request the shell asks the person about opens at once; the first read
 * waits for the answer. */
static inline int wsensor_open(const char *sensor, const char *precision, unsigned seconds)
{
    char path[64];
    int n = snprintf(path, sizeof path, "/sensors/%s/%s/%u", sensor, precision, seconds);
    if (n < 0 || n >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return open(path, O_RDONLY);
}

/* What a sensor file's error means, in the words of the SDK's own API
 * (athanor.h's ath_strerror): its end (the time came, or it was revoked
 * at the shell or by the broker), a refusal, or the system's message. */
static inline const char *wsensor_strerror(int e)
{
    switch (e) {
    case ETIMEDOUT: return "lease expired";
    case ECANCELED: return "revoked";
    case EACCES: return "refused";
    case ENOTCAPABLE: return "no /sensors (run --sensors)";
    default: return strerror(e);
    }
}

/* A stream file (the microphone): up to n bytes from *pos on, which it
 * advances. The broker answers only when some have come (the read is just
 * slow meanwhile), so this returns more than 0, or -1 with errno: the
 * lease's end (ETIMEDOUT, ECANCELED), or EIO when the program fell so far
 * behind that the lease's ring (2 s of raw samples) overwrote *pos. */
static inline ssize_t wsensor_read(int fd, void *buf, size_t n, uint64_t *pos)
{
    ssize_t r = pread(fd, buf, n, (off_t)*pos);
    if (r > 0)
        *pos += (uint64_t)r;
    return r;
}

/* A frame file (the camera): the whole PPM file (P6) from offset 0 into
 * buf (cap bytes), all of it from one frame (the broker holds the frame
 * until the read reaches the end). Its size, with the width and height,
 * the pixels at buf + *data; or -1 with errno (the lease's end, EFBIG when
 * cap is too small, EILSEQ for a header that is not a P6 one). */
static inline ssize_t wsensor_read_frame(int fd, uint8_t *buf, size_t cap, unsigned *w, unsigned *h,
                                         size_t *data)
{
    size_t have = 0;
    for (;;) {
        if (have == cap) {
            errno = EFBIG;
            return -1;
        }
        ssize_t r = pread(fd, buf + have, cap - have, (off_t)have);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        have += (size_t)r;
    }
    /* "P6" WS width WS height WS 255 one-whitespace, then the pixels */
    unsigned v[3] = {0, 0, 0};
    size_t i = 2;
    if (have < 2 || buf[0] != 'P' || buf[1] != '6')
        goto bad;
    for (int k = 0; k < 3; k++) {
        if (i >= have || (buf[i] != ' ' && buf[i] != '\n'))
            goto bad;
        i++;
        size_t digits = 0;
        for (; i < have && buf[i] >= '0' && buf[i] <= '9' && digits < 5; i++, digits++)
            v[k] = v[k] * 10 + (unsigned)(buf[i] - '0');
        if (!digits)
            goto bad;
    }
    if (i >= have || v[2] != 255 || v[0] > WSENSOR_CAM_W || v[1] > WSENSOR_CAM_H ||
        have - (i + 1) != (size_t)v[0] * v[1] * 3)
        goto bad;
    *w = v[0], *h = v[1], *data = i + 1;
    return (ssize_t)have;
bad:
    errno = EILSEQ;
    return -1;
}

#endif
