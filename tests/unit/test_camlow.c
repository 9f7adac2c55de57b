/*
 * The camera's low resolution (sdk/include/camlow.h), which the camera
 * driver makes a row at a time: every pixel of the 80x60 frame against
 * the rounded mean of its 4x4 block summed byte by byte here, for random
 * frames, frames of one value (0, 255: the 16-bit lanes' largest sums)
 * and a frame whose every block sits on a rounding edge; and a row made
 * from rows in place, with the bytes around the output untouched.
 */
#include "unit.h"

#include <camlow.h>
#include <stdlib.h>

static uint8_t frame[CAMLOW_H * CAMLOW_ROW];
static uint8_t low[CAMLOW_BYTES + 2];

static int mean_of(int x, int y, int c)
{
    int sum = 0;
    for (int dy = 0; dy < CAMLOW_BLOCK; dy++)
        for (int dx = 0; dx < CAMLOW_BLOCK; dx++)
            sum += frame[(y * CAMLOW_BLOCK + dy) * CAMLOW_ROW + (x * CAMLOW_BLOCK + dx) * 3 + c];
    return (sum + 8) / 16;
}

/* The low frame made a row at a time; the pixels that differ from the
 * reference (and the guard bytes after it, which must stay 0xa5). */
static int wrong_pixels(void)
{
    memset(low, 0xa5, sizeof low);
    for (int y = 0; y < CAMLOW_OUT_H; y++)
        camlow_row(frame + y * CAMLOW_BLOCK * CAMLOW_ROW, low + y * CAMLOW_OUT_ROW);
    int wrong = low[CAMLOW_BYTES] != 0xa5 || low[CAMLOW_BYTES + 1] != 0xa5;
    for (int y = 0; y < CAMLOW_OUT_H; y++)
        for (int x = 0; x < CAMLOW_OUT_W; x++)
            for (int c = 0; c < 3; c++)
                wrong += low[y * CAMLOW_OUT_ROW + x * 3 + c] != mean_of(x, y, c);
    return wrong;
}

TEST(camlow_means)
{
    CHECK_EQ(CAMLOW_BYTES, 80 * 60 * 3);
    srand(15);
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < sizeof frame; i++)
            frame[i] = (uint8_t)rand();
        CHECK_EQ(wrong_pixels(), 0);
    }
    memset(frame, 255, sizeof frame);
    CHECK_EQ(wrong_pixels(), 0);
    CHECK_EQ(low[0], 255);
    memset(frame, 0, sizeof frame);
    CHECK_EQ(wrong_pixels(), 0);
    CHECK_EQ(low[CAMLOW_BYTES - 1], 0);
    /* sums of 16k + 7 and 16k + 8: round down, round up; per channel */
    for (int y = 0; y < CAMLOW_H; y++)
        for (int x = 0; x < CAMLOW_W; x++)
            for (int c = 0; c < 3; c++)
                frame[y * CAMLOW_ROW + x * 3 + c] =
                    (uint8_t)(100 + c + ((x % 4 == 0 && y % 4 == 0) ? 7 + ((x / 4 + c) & 1) : 0));
    CHECK_EQ(wrong_pixels(), 0);
    CHECK(low[0] != low[1] || low[1] != low[2]);
}
