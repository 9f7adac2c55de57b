/*
 * The inputs of fuzz_dispfiles (tests/fuzz/fuzz_dispfiles.c), shared with
 * its seed generator (tests/fuzz/dispfiles_seeds.c). Bytes past the end
 * of an input read as 0.
 *
 * Byte 0, the set-up: bits 0-1 how many start() calls fail first (the
 * screen not found yet: ATH_ESTOPPED); bits 2-3 the layout, 0 the
 * 1024x768 screen (the tile 256x768, the floating window 320x240), else
 * four bytes follow: the tile's width and height (1 + b % 96) and the
 * floating window's (1 + b % 80, 1 + b % 60).
 *
 * Then operations, each an op byte (% DF_NOPS) and its fields:
 *
 *   DF_OPEN    who dir name flags lend [len bytes: name DF_NAME_BYTES]
 *   DF_WRITE   who handle off len lend [off's] n bytes[n] [len's]
 *   DF_HEADER  who handle magic seps(2) w(2) h(2) maxval zeros split
 *   DF_FILL    who handle count(2) value step
 *   DF_FINISH  who handle value step
 *   DF_FSTAT   who handle lend
 *   DF_READDIR who handle cookie lend
 *   DF_CLOSE   who handle
 *   DF_PREAD   who handle
 *   DF_OTHER   who handle op a1 a2
 *
 * who (& 7): 0-3 the badge the handle was opened with (badge 1 for one
 * never returned), 4 no badge, 5-7 badges 1, 2, 3. handle and dir: 0 the
 * handle 0 (the endpoint's directory), 1..DF_FORGED-1 the ((b - 1) %
 * n)-th handle files() returned in this input (open or closed since),
 * DF_FORGED and up a forged one (fuzz_dispfiles.c, forged()).
 * Two-byte fields are little-endian.
 */
#ifndef DISPFILES_H
#define DISPFILES_H

enum { DF_OPEN, DF_WRITE, DF_HEADER, DF_FILL, DF_FINISH, DF_FSTAT, DF_READDIR, DF_CLOSE,
       DF_PREAD, DF_OTHER, DF_NOPS };

/* who */
enum { DF_OWNER = 0, DF_NOBADGE = 4, DF_B1 = 5, DF_B2 = 6, DF_B3 = 7 };
#define DF_FORGED 0xc0

/* name (& 7) */
enum { DF_NAME_APP, DF_NAME_WIN, DF_NAME_DOT, DF_NAME_BYTES, DF_NAME_AP, DF_NAME_APPX,
       DF_NAME_EMPTY, DF_NAME_DOTDOT };

/* flags: the byte with FS_O_WRITE flipped (0: a plain open for writing) */

/* lend: 0 one page, 1..15 that many pages + 1, 16 no buffer, 17 a
 * 17-page buffer (more than files.c maps), else one page */
#define DF_LEND_NONE 16
#define DF_LEND_BIG 17

/* off (& 3): 0 -1 (the end), 1 the file's position as the model has it,
 * 2 that + (int8_t) the next byte, 3 the next 8 bytes */
/* len (& 3): 0 n, 1 n + the next byte, 2 1 << 40, 3 the next 8 bytes */

/* DF_HEADER: "P6" SEP W SEP H SEP MAXVAL SEP written at the end, in two
 * writes cut at split % (its length + 1). magic (& 7): 0-3 "P6", 4 "P3",
 * 5 "p6", 6 "P5", 7 "P6P6"; each separator 4 bits of seps (& 15): 0-7 ' ',
 * 8 '\n', 9 '\t', 10 '\r', 11 '\v', 12 '\f', 13 "  ", 14 '#', 15 none;
 * w, h as they are below 0x8000, else (b - 0x8000) % 1100 and % 800
 * (near the bounds); maxval 0 means 255, else the
 * byte; zeros: 2 bits per number, leading zeros (0-3). */

#endif
