/*
 * The seeds of fuzz_dispfiles (tests/fuzz/dispfiles.h): valid and invalid
 * PPM streams written to /display/app and /display/win as a WASI program
 * would (open ".", open the file from it, write, close), and the protocol
 * around them: out of order, past the end, other badges, forged handles,
 * a full table, stat and readdir, the screen not up yet.
 *
 *   dispfiles_seeds DIR      writes DIR/<name>.seed
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispfiles.h"

static uint8_t buf[4096];
static size_t n;
static const char *dir;

static void b(int v)
{
    buf[n++] = (uint8_t)v;
}
static void b16(unsigned v)
{
    b(v & 0xff), b(v >> 8);
}

static void start(int setup)
{
    n = 0;
    b(setup);
}
static void small(int aw, int ah, int ww, int wh)
{
    start(4);
    b(aw - 1), b(ah - 1), b(ww - 1), b(wh - 1);
}
static void save(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.seed", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* Handle fields: 0 the endpoint's directory, k + 1 the k-th returned. */
static void open_dot(int who)
{
    b(DF_OPEN), b(who), b(0), b(DF_NAME_DOT), b(0), b(0);
}
static void open_file(int who, int dirk, int name)
{
    b(DF_OPEN), b(who), b(dirk + 1), b(name), b(0), b(0);
    if (name == DF_NAME_BYTES)
        b(3), b('w'), b('i'), b('m');
}
static void write_bytes(int who, int k, const char *s, size_t len)
{
    b(DF_WRITE), b(who), b(k + 1), b(0), b(0), b(0), b((int)len);
    for (size_t i = 0; i < len; i++)
        b(s[i]);
}
static void header(int who, int k, int magic, unsigned seps, int w, int h, int maxval, int split)
{
    b(DF_HEADER), b(who), b(k + 1), b(magic), b16(seps), b16(w), b16(h), b(maxval), b(0), b(split);
}
static void finish(int who, int k)
{
    b(DF_FINISH), b(who), b(k + 1), b(0x40), b(7);
}
static void close_h(int who, int k)
{
    b(DF_CLOSE), b(who), b(k + 1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dispfiles_seeds DIR\n");
        return 2;
    }
    dir = argv[1];
    /* valid: a 2x2 picture on the tile, header and pixels in one write */
    start(0), open_dot(DF_B1), open_file(DF_OWNER, 0, DF_NAME_APP);
    write_bytes(DF_OWNER, 1, "P6 2 2 255\n\1\2\3\4\5\6\7\10\11\12\13\14", 23);
    b(DF_FSTAT), b(DF_OWNER), b(2), b(0), b(DF_CLOSE), b(DF_OWNER), b(2), close_h(DF_OWNER, 0);
    save("valid-app-2x2");
    /* valid: the camera's 80x60 at 4x in the floating window */
    start(0), open_dot(DF_B2), open_file(DF_OWNER, 0, DF_NAME_WIN);
    header(DF_OWNER, 1, 0, 0x8000, 80, 60, 0, 5), finish(DF_OWNER, 1);
    save("valid-win-80x60");
    /* valid: 1024x768 on the tile (cut), tab and CR separators */
    start(0), open_dot(DF_B3), open_file(DF_OWNER, 0, DF_NAME_APP);
    header(DF_OWNER, 1, 0, 0xa990, 1024, 768, 0, 0), finish(DF_OWNER, 1);
    save("valid-app-1024x768");
    /* small windows: scales 4, 3, 1 */
    small(40, 30, 21, 20), open_dot(DF_B1), open_file(DF_OWNER, 0, DF_NAME_WIN);
    open_file(DF_OWNER, 0, DF_NAME_APP);
    header(DF_OWNER, 1, 0, 0, 5, 5, 0, 3), finish(DF_OWNER, 1);
    header(DF_OWNER, 2, 0, 0, 13, 9, 0, 7), finish(DF_OWNER, 2);
    save("small-scales");
    /* cut: 400x300 in the floating window, 30x50 in a 21x20 one */
    start(0), open_dot(DF_B1), open_file(DF_OWNER, 0, DF_NAME_WIN);
    header(DF_OWNER, 1, 0, 0, 400, 300, 0, 0), finish(DF_OWNER, 1);
    save("cut-win-400x300");
    small(17, 9, 21, 20), open_dot(DF_B1), open_file(DF_OWNER, 0, DF_NAME_WIN);
    open_file(DF_OWNER, 0, DF_NAME_APP);
    header(DF_OWNER, 1, 0, 0, 30, 50, 0, 0), finish(DF_OWNER, 1);
    header(DF_OWNER, 2, 0, 0, 5, 3, 0, 0), finish(DF_OWNER, 2);
    save("cut-small");
    /* invalid headers: maxval 254, width 1025, height 769, width 0, P3,
     * two spaces, a comment, 6 digits, no last separator then a pixel */
    start(0), open_dot(DF_B1);
    static const struct { int magic; unsigned seps; int w, h, maxval; } bad[] = {
        {0, 0, 2, 2, 254}, {0, 0, 1025, 1, 0}, {0, 0, 1, 769, 0}, {0, 0, 0, 1, 0},
        {4, 0, 1, 1, 0}, {0, 0x00d0, 1, 1, 0}, {0, 0x0e00, 1, 1, 0}, {0, 0, 100000, 1, 0},
        {0, 0xf000, 1, 1, 0}, {7, 0, 1, 1, 0}, {0, 0xb000, 2, 2, 0}, {0, 0, 1, 1, 25},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        open_file(DF_OWNER, 0, i & 1 ? DF_NAME_WIN : DF_NAME_APP);
        header(DF_OWNER, 1 + (int)i, bad[i].magic, bad[i].seps, bad[i].w, bad[i].h, bad[i].maxval,
               (int)i * 3);
        write_bytes(DF_OWNER, 1 + (int)i, "\0\0\0", 3);
        close_h(DF_OWNER, 1 + (int)i);
    }
    save("invalid-headers");
    /* past the end, then every write refused until the close; out of order */
    start(0), open_dot(DF_B1), open_file(DF_OWNER, 0, DF_NAME_WIN);
    write_bytes(DF_OWNER, 1, "P6\n1\n1\n255\n\xff\0\xff\1", 15);
    write_bytes(DF_OWNER, 1, "", 0), close_h(DF_OWNER, 1);
    open_file(DF_OWNER, 0, DF_NAME_WIN);
    write_bytes(DF_OWNER, 2, "P6 1 1", 6);
    b(DF_WRITE), b(DF_OWNER), b(3), b(2), b(0), b(0), b(1), b(1), b(' ');   /* at pos + 1 */
    write_bytes(DF_OWNER, 2, " 255\n", 5);
    open_file(DF_OWNER, 0, DF_NAME_APP);    /* no buffer, one too big, 16 pages for 3 bytes */
    b(DF_WRITE), b(DF_OWNER), b(4), b(0), b(0), b(DF_LEND_NONE), b(2), b('P'), b('6');
    b(DF_WRITE), b(DF_OWNER), b(4), b(0), b(0), b(DF_LEND_BIG), b(2), b('P'), b('6');
    b(DF_WRITE), b(DF_OWNER), b(4), b(0), b(1 | 0x20 << 2), b(15), b(2), b('P'), b('6'), b(1);
    save("past-end-out-of-order");
    /* other badges and no badge on badge 1's handles; forged handles */
    start(0), open_dot(DF_B1), open_file(DF_OWNER, 0, DF_NAME_APP);
    write_bytes(DF_B2, 1, "P6 1 1 255\n", 11), write_bytes(DF_NOBADGE, 1, "P6", 2);
    b(DF_FSTAT), b(DF_B3), b(2), b(0), b(DF_READDIR), b(DF_B2), b(1), b(1), b(0);
    close_h(DF_B2, 1), close_h(DF_B2, 0), b(DF_PREAD), b(DF_B3), b(2);
    open_file(DF_B2, 0, DF_NAME_WIN);
    for (int f = DF_FORGED; f < DF_FORGED + 20; f++)
        b(DF_WRITE), b(DF_B1), b(f), b(0), b(0), b(0), b(1), b('P');
    write_bytes(DF_OWNER, 1, "P6 1 1 255\n\1\2\3", 14);
    save("badges-forged");
    /* the table: nine directory handles, five files; readdir, stat */
    start(0);
    for (int i = 0; i < 9; i++)
        open_dot(DF_B1 + i % 3);
    for (int i = 0; i < 5; i++)
        open_file(DF_OWNER, 0, i & 1);
    for (int c = 0; c < 5; c++)
        b(DF_READDIR), b(DF_OWNER), b(1), b(c), b(0);
    b(DF_READDIR), b(DF_OWNER), b(1), b(0), b(DF_LEND_NONE);
    b(DF_FSTAT), b(DF_OWNER), b(1), b(0), b(DF_FSTAT), b(DF_OWNER), b(10), b(DF_LEND_BIG);
    for (int op = 0; op < 3; op++) {      /* FS_SYNC, FS_LIST, 99; a1 and a2 */
        b(DF_OTHER), b(DF_OWNER), b(1), b((int[]){18, 2, 99}[op]);
        for (int i = 0; i < 16; i++)
            b(i == 15 ? 0x80 : 0);
    }
    save("table-full");
    /* the screen not up for the first two opens; names */
    start(2), open_dot(DF_B1);
    for (int nm = 0; nm < 8; nm++)
        open_file(DF_OWNER, 0, nm);
    for (int fl = 1; fl < 64; fl <<= 1)   /* flags, one at a time (32: no write) */
        b(DF_OPEN), b(DF_OWNER), b(1), b(DF_NAME_APP), b(fl), b(0);
    b(DF_OPEN), b(DF_OWNER), b(1), b(DF_NAME_WIN), b(0), b(DF_LEND_NONE);
    b(DF_OPEN), b(DF_OWNER), b(1), b(DF_NAME_WIN), b(0), b(DF_LEND_BIG);
    b(DF_OPEN), b(DF_OWNER), b(1), b(DF_NAME_WIN), b(0), b(15);
    save("not-up-names");
    return 0;
}
