/* The bounds of the test's own stack (the boot thread's), apart from shim.c
 * because <pthread.h> and <kern/sched.h> both declare sched_yield. */
#include <pthread.h>
#include <stdint.h>

void sched_test_main_stack(uintptr_t *lo, uintptr_t *hi)
{
    pthread_attr_t a;
    void *addr = 0;
    size_t size = 0;
    pthread_getattr_np(pthread_self(), &a);
    pthread_attr_getstack(&a, &addr, &size);
    pthread_attr_destroy(&a);
    *lo = (uintptr_t)addr;
    *hi = (uintptr_t)addr + size;
}
