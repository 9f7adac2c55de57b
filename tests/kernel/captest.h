/*
 * A test kernel object for the capability tests: counts the callbacks it
 * gets and checks, from inside on_revoke, that the capability has already
 * left the holder's table and that the space refuses re-entry.
 */
#ifndef KTEST_CAPTEST_H
#define KTEST_CAPTEST_H

#include <kern/cap.h>
#include <stdlib.h>

typedef struct tobj {
    kobj_t k;
    int revokes;          /* on_revoke calls */
    int unrefs;           /* on_unref calls (must end at exactly 1) */
    int bad;              /* callbacks that saw something wrong */
    cap_table_t *last_holder;
} tobj_t;

static void tobj_on_revoke(kobj_t *o, cap_table_t *holder, cap_handle_t h)
{
    tobj_t *t = (tobj_t *)o;
    kobj_t *got;
    t->revokes++;
    t->last_holder = holder;
    if (cap_lookup(holder, h, KOBJ_ANY, 0, &got) == CAP_OK || t->unrefs)
        t->bad++;
    if (cap_delete(holder, h) != CAP_EBUSY)
        t->bad++;
}

static void tobj_on_unref(kobj_t *o)
{
    tobj_t *t = (tobj_t *)o;
    if (t->unrefs++ || t->k.refs)
        t->bad++;
}

static const kobj_ops_t tobj_ops = {tobj_on_revoke, tobj_on_unref};

/* A fresh object; the creator's reference is the caller's to drop. Free the
 * memory with free() after on_unref has run. */
static inline tobj_t *tobj_new(void)
{
    tobj_t *t = calloc(1, sizeof *t);
    kobj_init(&t->k, KOBJ_TEST, &tobj_ops);
    return t;
}

#endif
