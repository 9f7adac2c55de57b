/*
 * The engine's platform header implemented for a Linux process (the hosted
 * build). Linear memories are PROT_NONE reservations whose pages are made
 * readable and writable as they are committed; the kernel port does the same
 * with its own page tables.
 */
#include <wasm/platform.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

void *wasm_plat_alloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void *wasm_plat_realloc(void *p, size_t old_size, size_t new_size)
{
    void *q = realloc(p, new_size ? new_size : 1);
    if (q && new_size > old_size)
        memset((char *)q + old_size, 0, new_size - old_size);
    return q;
}

void wasm_plat_free(void *p)
{
    free(p);
}

void wasm_plat_log(int level, const char *msg)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    const char *n = level >= 0 && level <= WASM_LOG_ERROR ? names[level] : "log";
    fprintf(stderr, "wasm %s: %s\n", n, msg);
}

uint64_t wasm_plat_time_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void wasm_plat_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstack(&attr, &addr, &size);
        pthread_attr_destroy(&attr);
    }
    if (!addr) {
        /* Unknown: pretend 1 MiB below the current frame. */
        uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
        *lo = sp - (1u << 20);
        *hi = sp + 4096;
        return;
    }
    *lo = (uintptr_t)addr;
    *hi = (uintptr_t)addr + size;
}

size_t wasm_plat_page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

void *wasm_plat_vm_reserve(size_t size)
{
    void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

bool wasm_plat_vm_commit(void *addr, size_t size)
{
    return size == 0 || mprotect(addr, size, PROT_READ | PROT_WRITE) == 0;
}

void wasm_plat_vm_decommit(void *addr, size_t size)
{
    if (size == 0)
        return;
    /* Drop the pages (they read back as zero if committed again). */
    mmap(addr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

void wasm_plat_vm_release(void *addr, size_t size)
{
    if (addr)
        munmap(addr, size);
}
