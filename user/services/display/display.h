/*
 * The display service's shared state (display.c: the compositor;
 * files.c: the display as files for WASI programs). One thread at a time
 * runs any of it: the service is not reentrant.
 */
#ifndef DISPLAY_H
#define DISPLAY_H

#include <athanor.h>
#include <stdbool.h>

#define NWIN 3                  /* term, app, win; surf.full is no window */
#define DESK 0x000000u

typedef struct window {
    uint32_t x, y, w, h;        /* its content on the screen */
    uint32_t *pix;              /* its backing store, w x h words (pixel windows) */
    bool floating;              /* framed, over the tiles */
    bool shown;                 /* tiles always; floating after a present */
    bool text;                  /* drawn from character cells (surf.term) */
} window_t;

typedef struct rect {
    uint32_t x, y, w, h;
} rect_t;

extern window_t win[NWIN];      /* 0 term, 1 app, 2 win */
extern uint32_t sw, sh;         /* the screen */
extern bool up;                 /* start() found the screen */

/* Finds the GPU driver and the screen, lays the windows out: 0 or
 * ATH_ESTOPPED. */
int32_t start(void);
/* A window with its frame (the floating one's). */
rect_t outer(const window_t *w);
/* Composes rectangle r of the screen from the windows in stacking order
 * and asks the driver to show it, a band of rows at a time. */
void redraw(rect_t r);

#endif
