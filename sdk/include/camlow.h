/*
 * The camera's low resolution (docs/privacy.md): each pixel of the 80x60
 * frame is the rounded mean of a 4x4 block of the 320x240 RGB frame. The
 * camera driver makes it a row at a time as the rows come off the device
 * (camlow_row), so the work is spread over the device's interrupts
 * instead of being one burst at the end of each frame that every lower
 * priority thread (the apps) would wait behind; it hands the broker the
 * frame and its low version together (sdk/include/sensor.h, camera.data).
 * Freestanding: no host calls, so the unit tests check it on the host.
 */
#ifndef AZOTH_CAMLOW_H
#define AZOTH_CAMLOW_H

#include <stdint.h>

#define CAMLOW_W 320                    /* = SENSOR_CAM_W */
#define CAMLOW_H 240                    /* = SENSOR_CAM_H */
#define CAMLOW_BLOCK 4                  /* = SENSOR_CAM_LOW */
#define CAMLOW_ROW (CAMLOW_W * 3)       /* bytes of a row of the full frame */
#define CAMLOW_OUT_W (CAMLOW_W / CAMLOW_BLOCK)
#define CAMLOW_OUT_H (CAMLOW_H / CAMLOW_BLOCK)
#define CAMLOW_OUT_ROW (CAMLOW_OUT_W * 3)
#define CAMLOW_BYTES (CAMLOW_OUT_ROW * CAMLOW_OUT_H)

static inline uint64_t camlow_ld64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

/* lane i (16 bits) of w; the mean of four lane sums (16 bytes) */
#define CAMLOW_L(w, i) ((uint32_t)((w) >> 16 * (i)) & 0xffff)
#define CAMLOW_MEAN(a, b, c, d) ((uint8_t)(((a) + (b) + (c) + (d) + 8) >> 4))

/* One row of the low frame (out: CAMLOW_OUT_ROW bytes) from the four rows
 * of the full frame at rows (CAMLOW_ROW bytes apart). Little endian. 24
 * bytes at a time (8 pixels: two of the low frame), each a column of
 * three 64-bit words summed down the four rows in 16-bit lanes, even and
 * odd bytes apart (a lane holds at most 4 x 255), all in locals: about
 * an eighth of the loads of summing byte by byte and no stores but the
 * result. */
static inline void camlow_row(const uint8_t *rows, uint8_t *out)
{
    const uint64_t m = 0x00ff00ff00ff00ffull;
    for (uint32_t k = 0; k < CAMLOW_ROW; k += 24, out += 6) {
        uint64_t ea = 0, oa = 0, eb = 0, ob = 0, ec = 0, oc = 0;
        const uint8_t *r = rows + k;
        for (uint32_t dy = 0; dy < CAMLOW_BLOCK; dy++, r += CAMLOW_ROW) {
            uint64_t a = camlow_ld64(r), b = camlow_ld64(r + 8), c = camlow_ld64(r + 16);
            ea += a & m, oa += (a >> 8) & m;
            eb += b & m, ob += (b >> 8) & m;
            ec += c & m, oc += (c >> 8) & m;
        }
        /* byte j of the 24 is lane j/2 of e (j even) or o (j odd) of word j/8 */
        out[0] = CAMLOW_MEAN(CAMLOW_L(ea, 0), CAMLOW_L(oa, 1), CAMLOW_L(ea, 3), CAMLOW_L(ob, 0)); /* 0 3 6 9 */
        out[1] = CAMLOW_MEAN(CAMLOW_L(oa, 0), CAMLOW_L(ea, 2), CAMLOW_L(oa, 3), CAMLOW_L(eb, 1)); /* 1 4 7 10 */
        out[2] = CAMLOW_MEAN(CAMLOW_L(ea, 1), CAMLOW_L(oa, 2), CAMLOW_L(eb, 0), CAMLOW_L(ob, 1)); /* 2 5 8 11 */
        out[3] = CAMLOW_MEAN(CAMLOW_L(eb, 2), CAMLOW_L(ob, 3), CAMLOW_L(ec, 1), CAMLOW_L(oc, 2)); /* 12 15 18 21 */
        out[4] = CAMLOW_MEAN(CAMLOW_L(ob, 2), CAMLOW_L(ec, 0), CAMLOW_L(oc, 1), CAMLOW_L(ec, 3)); /* 13 16 19 22 */
        out[5] = CAMLOW_MEAN(CAMLOW_L(eb, 3), CAMLOW_L(oc, 0), CAMLOW_L(ec, 2), CAMLOW_L(oc, 3)); /* 14 17 20 23 */
    }
}

#endif
