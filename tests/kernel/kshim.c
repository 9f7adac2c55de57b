/* kmalloc/kfree for host tests of kernel code: calloc/free with a count of
 * live blocks (leak checks) and failure injection (CAP_ENOMEM paths). */
#include "kshim.h"

#include <kern/kernel.h>
#include <stdlib.h>

static long live;
static long fail_after = -1;

void *kmalloc(size_t size)
{
    if (fail_after == 0)
        return NULL;
    if (fail_after > 0)
        fail_after--;
    void *p = calloc(1, size ? size : 1);
    if (p)
        live++;
    return p;
}

void kfree(void *p)
{
    if (p) {
        live--;
        free(p);
    }
}

long kshim_live(void)
{
    return live;
}

void kshim_fail_after(long n)
{
    fail_after = n;
}
