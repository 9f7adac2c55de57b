/*
 * The engine's platform header implemented for a Linux process (the hosted
 * build). Linear memories are PROT_NONE reservations whose pages are made
 * readable and writable as they are committed; the kernel port does the same
 * with its own page tables.
 */
#include <wasm/platform.h>
#include <wasm/wasm.h>
#include <wasm/watch.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
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

/* Linux gives calloc's large blocks pages at first touch already. */
void *wasm_plat_stack_alloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void wasm_plat_stack_free(void *p, size_t size)
{
    (void)size;
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

/* Asking the C library for the stack is slow (a system call, and on the
 * main thread a read of /proc/self/maps), and every wasm_call asks: cache
 * the answer per thread. */
static __thread uintptr_t stack_lo, stack_hi;

void wasm_plat_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
    if (!stack_hi) {
        pthread_attr_t attr;
        void *addr = NULL;
        size_t size = 0;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &addr, &size);
            pthread_attr_destroy(&attr);
        }
        if (addr) {
            stack_lo = (uintptr_t)addr;
            stack_hi = (uintptr_t)addr + size;
        } else {
            /* Unknown: pretend 1 MiB below the current frame. */
            uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
            stack_lo = sp - (1u << 20);
            stack_hi = sp + 4096;
        }
    }
    *lo = stack_lo;
    *hi = stack_hi;
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

/* ------------------------------------------------------------ copy-on-write */

/* Watched ranges: write faults inside them go to the engine. A fixed table
 * guarded by a mutex for changes; the fault handler only reads it. */
#define MAX_WATCHES 256

static wasm_watch_t watches[MAX_WATCHES];
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction prev_segv;
static bool handler_installed;

/* Code regions of the compiled tier: a fault inside one is a Wasm memory
 * access out of bounds (a guard page), resumed at the region's trap stub. */
#define MAX_CODE 4096

static struct code_region {
    uintptr_t base, end;
} code_regions[MAX_CODE];

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    struct wasm_memory *m = wasm_watch_find(watches, MAX_WATCHES, (uintptr_t)si->si_addr);
    if (m && wasm_memory_write_fault(m, si->si_addr))
        return; /* retry the write */
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv)
    ucontext_t *ctx = uc;
#if defined(__x86_64__)
    uintptr_t pc = (uintptr_t)ctx->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    uintptr_t pc = (uintptr_t)ctx->uc_mcontext.pc;
#else
    uintptr_t pc = (uintptr_t)ctx->uc_mcontext.__gregs[REG_PC];
#endif
    for (int i = 0; i < MAX_CODE; i++) {
        struct code_region *r = &code_regions[i];
        if (r->base && pc >= r->base && pc < r->end) {
#if defined(__x86_64__)
            ctx->uc_mcontext.gregs[REG_RIP] = (greg_t)r->base;
#elif defined(__aarch64__)
            ctx->uc_mcontext.pc = r->base;
#else
            ctx->uc_mcontext.__gregs[REG_PC] = r->base;
#endif
            return;
        }
    }
#endif
    /* Not ours: behave as if we were never here. */
    if (prev_segv.sa_flags & SA_SIGINFO) {
        prev_segv.sa_sigaction(sig, si, uc);
    } else if (prev_segv.sa_handler != SIG_DFL && prev_segv.sa_handler != SIG_IGN) {
        prev_segv.sa_handler(sig);
    } else {
        signal(sig, SIG_DFL);
    }
}

bool wasm_plat_vm_protect(void *addr, size_t size, bool writable)
{
    return size == 0 || mprotect(addr, size, writable ? PROT_READ | PROT_WRITE : PROT_READ) == 0;
}

/* With watch_lock held. */
static void install_handler(void)
{
    if (!handler_installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_segv;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        handler_installed = sigaction(SIGSEGV, &sa, &prev_segv) == 0;
    }
}

bool wasm_plat_vm_watch(void *base, size_t size, struct wasm_memory *mem)
{
    pthread_mutex_lock(&watch_lock);
    install_handler();
    bool ok = handler_installed && wasm_watch_set(watches, MAX_WATCHES, base, size, mem);
    pthread_mutex_unlock(&watch_lock);
    return ok;
}

/* ------------------------------------------------------------ executable memory */

void *wasm_plat_code_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    pthread_mutex_lock(&watch_lock);
    install_handler();
    bool ok = false;
    for (int i = 0; i < MAX_CODE && handler_installed; i++)
        if (!code_regions[i].base) {
            code_regions[i].end = (uintptr_t)p + size;
            __atomic_store_n(&code_regions[i].base, (uintptr_t)p, __ATOMIC_RELEASE);
            ok = true;
            break;
        }
    pthread_mutex_unlock(&watch_lock);
    if (!ok) {
        munmap(p, size);
        return NULL;
    }
    return p;
}

bool wasm_plat_code_seal(void *p, size_t size)
{
    /* W^X: writable until now, executable from now on, never both */
    if (mprotect(p, size, PROT_READ | PROT_EXEC) != 0)
        return false;
#if defined(__riscv)
    /* every hart's instruction cache (the back end's fence.i covers only
     * its own): the C library's riscv_flush_icache system call */
    __builtin___clear_cache((char *)p, (char *)p + size);
#endif
    return true;
}

void wasm_plat_code_free(void *p, size_t size)
{
    if (!p)
        return;
    pthread_mutex_lock(&watch_lock);
    for (int i = 0; i < MAX_CODE; i++)
        if (code_regions[i].base == (uintptr_t)p) {
            __atomic_store_n(&code_regions[i].base, 0, __ATOMIC_RELEASE);
            break;
        }
    pthread_mutex_unlock(&watch_lock);
    munmap(p, size);
}

/* perf's map of JIT code (perf report then names compiled functions):
 * one "START SIZE name" line per function, written when AZOTH_PERF_MAP=1. */
void wasm_plat_code_symbol(const void *start, size_t size, const char *name, size_t len,
                           uint32_t index)
{
    static int fd = -2;
    pthread_mutex_lock(&watch_lock);
    if (fd == -2) {
        const char *e = getenv("AZOTH_PERF_MAP");
        fd = -1;
        if (e && strcmp(e, "1") == 0) {
            char path[64];
            snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        }
    }
    if (fd >= 0) {
        char line[320];
        int n = name && len ? snprintf(line, sizeof line, "%lx %zx wasm:%.*s\n", (unsigned long)start,
                                       size, (int)(len > 200 ? 200 : len), name)
                            : snprintf(line, sizeof line, "%lx %zx wasm:func%u\n",
                                       (unsigned long)start, size, index);
        if (n > 0 && write(fd, line, (size_t)n) < 0)
            fd = -1;
    }
    pthread_mutex_unlock(&watch_lock);
}

/* ------------------------------------------------------------ private frames */

/* No private frames here: linear memories are anonymous mappings, and
 * Linux swaps an anonymous page's frame for another only by system calls
 * (mremap a page away and back, or mmap a memfd page over it), each of
 * which costs more than copying the 4 KiB; the engine keeps copies. */
bool wasm_plat_vm_frames(void)
{
    return false;
}

bool wasm_plat_vm_promise(size_t n)
{
    (void)n;
    return true;
}

void wasm_plat_vm_unpromise(size_t n)
{
    (void)n;
}

bool wasm_plat_vm_private(void *addr, uint64_t *token)
{
    (void)addr, (void)token;
    return false;
}

void wasm_plat_vm_restore(void *base, const uint64_t *pages, const uint64_t *tokens, size_t n)
{
    (void)base, (void)pages, (void)tokens, (void)n;
}

void wasm_plat_vm_drop(uint64_t token)
{
    (void)token;
}

size_t wasm_plat_vm_share_zero(void *addr, size_t size)
{
    (void)addr, (void)size;
    return 0;
}

bool wasm_plat_vm_commit_zero(void *addr, size_t size)
{
    return wasm_plat_vm_commit(addr, size);
}

bool wasm_plat_vm_fill_zero(void *addr)
{
    (void)addr;
    return false;
}
