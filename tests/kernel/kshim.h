/*
 * The host stand-in for the kernel heap (tests/kernel/kshim.c): kmalloc is
 * calloc, kfree is free, plus what tests need to see and break it.
 */
#ifndef KTEST_KSHIM_H
#define KTEST_KSHIM_H

#include <stddef.h>

/* Allocations made and not yet freed through kmalloc/kfree. */
long kshim_live(void);
/* The next n kmalloc calls succeed, then every one fails until
 * kshim_fail_after(-1). */
void kshim_fail_after(long n);

#endif
