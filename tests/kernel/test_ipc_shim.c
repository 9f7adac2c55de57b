/*
 * The kernel services IPC needs, for host tests (weak, so a later shim of
 * the same function wins): console, clock, interrupts, and an "MMU" over a
 * memfd: a physical frame is an offset in it, mmu_map maps it with mmap.
 * A page the shim did not map (an engine linear memory page) is adopted on
 * mmu_translate: its bytes move into a fresh frame mapped in its place, so
 * restoring it later puts back exactly what was there.
 */

#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <fcntl.h>
#include <kern/sched.h>
#include <kern/sysctl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ipctest.h"

#define W __attribute__((weak))
#define SHIM_FRAMES 65536
#define SHIM_MAPS 65536
#define SHIM_SLOTS (2 * SHIM_MAPS)   /* a power of two: load at most 1/2 */

static int memfd = -1;
static uint8_t *direct;                  /* the whole memfd, mapped once: frames are zeroed here */
static uint64_t next_frame = 4096;       /* 0 means "none" */
static uint64_t free_list[SHIM_FRAMES];
static int nfree;
static struct { uintptr_t va; uint64_t pa; } maps[SHIM_SLOTS];   /* va 0: free */
static int nmaps;
long ipc_shim_frames_live;
/* What each frame is (ipc_shim_frame_state), like the kernel's pmm: a
 * double free or a free of a frame never handed out panics. Frames a
 * linear memory adopted (mmu_translate) go back to the free list when the
 * world goes down. Slots of maps[] ever filled are listed so that going
 * down clears only those (the table is 2 MiB; the fuzzers go down often). */
static uint8_t frame_state[SHIM_FRAMES * 4];
static uint64_t adopted[SHIM_FRAMES];
static int nadopted;
static uint32_t touched[SHIM_SLOTS];
static int ntouched;
static bool touched_lost;

W void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}
W uint64_t timer_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
W bool cpu_irq_save(void) { return false; }
W void cpu_irq_restore(bool was) { (void)was; }
W const char *arch_name(void) { return "hosted-test"; }
W uint32_t kwasm_engine(void) { return 0; }   /* WASM_ENGINE_DEFAULT */
/* The device side of the machine (kernel/core/dev.c's): no interrupt
 * controller, no port I/O, no serial console; the console bytes dev.c would
 * send to the UART go nowhere (kprintf below keeps the log). test_dev.c
 * replaces these with fakes it can observe. */
W void irq_set_handler(unsigned irq, irq_handler_t fn, void *arg) { (void)irq, (void)fn, (void)arg; }
W void irq_attach(unsigned irq, irq_handler_t fn, void *arg) { (void)irq, (void)fn, (void)arg; }
W void irq_mask(unsigned irq) { (void)irq; }
W void irq_unmask(unsigned irq) { (void)irq; }
W bool arch_io_supported(void) { return false; }
W uint32_t arch_io_in(uint16_t port, int size) { (void)port, (void)size; return 0; }
W void arch_io_out(uint16_t port, int size, uint32_t v) { (void)port, (void)size, (void)v; }
W bool arch_console_device(uint64_t *phys, unsigned *irq, int *kind)
{
    (void)phys, (void)irq, (void)kind;
    return false;
}
W void console_putc(char c) { (void)c; }
W void thread_exit(void) { abort(); }
/* The supervisor's threads (supervise.c) do not run in the IPC bench. */
W thread_t *thread_create(struct domain *d, const char *name, int prio, void (*fn)(void *),
                          void *arg, size_t stack_size)
{
    (void)d, (void)name, (void)prio, (void)fn, (void)arg, (void)stack_size;
    return NULL;
}
W void sched_sleep_ns(uint64_t ns) { (void)ns; }
/* No scheduler: no current thread, nothing blocks, nobody to wake (a test
 * that wants waits, test_dev.c, or a fuzzer that simulates threads, defines
 * its own). */
W thread_t *thread_current(void) { return NULL; }
W bool thread_cancel_wait(thread_t *t) { (void)t; return false; }
W bool waitq_wait(waitq_t *q, uint64_t deadline) { (void)q, (void)deadline; return false; }
W int waitq_wake_one(waitq_t *q) { (void)q; return 0; }
W int waitq_wake_all(waitq_t *q) { (void)q; return 0; }
/* Driver threads (dev.c) are never made here (thread_create above). */
W int loader_run_entry(struct domain *d, const char *tag, uint64_t *res)
{
    (void)d, (void)tag, (void)res;
    return -1;
}

/* The memfd is sized once for every frame the shim can hand out (sparse:
 * only frames written use memory) and mapped whole, so a frame is zeroed
 * with a memset rather than a system call per page (the fuzzers allocate
 * thousands of frames a second). */
#define SHIM_BYTES ((size_t)sizeof frame_state * PAGE_SIZE)
static void shim_setup(void)
{
    if (memfd >= 0)
        return;
    if ((memfd = memfd_create("ipc-shim", 0)) < 0 || ftruncate(memfd, (off_t)SHIM_BYTES) < 0)
        abort();
    direct = mmap(NULL, SHIM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, memfd, 0);
    if (direct == MAP_FAILED)
        abort();
}

/* Frames not handed out: freed ones and those never handed out. */
static size_t shim_available(void)
{
    return (size_t)nfree + (sizeof frame_state - next_frame / PAGE_SIZE);
}

/* Promises as the kernel's pmm keeps them: frames set aside that
 * pmm_alloc leaves alone and pmm_alloc_promised takes. */
long ipc_shim_promised;

W bool pmm_promise(size_t n)
{
    if (shim_available() < (size_t)ipc_shim_promised + n)
        return false;
    ipc_shim_promised += (long)n;
    return true;
}

W void pmm_unpromise(size_t n)
{
    if ((long)n > ipc_shim_promised)
        panic("pmm_unpromise: %zu frames, %ld promised\n", n, ipc_shim_promised);
    ipc_shim_promised -= (long)n;
}

static uint64_t shim_take(void);

W uint64_t pmm_alloc_promised(void)
{
    if (ipc_shim_promised <= 0)
        panic("pmm_alloc_promised: no promise to take a frame from\n");
    ipc_shim_promised--;
    return shim_take();
}

W uint64_t pmm_alloc(void)
{
    shim_setup();
    if (shim_available() <= (size_t)ipc_shim_promised)
        return 0;   /* out of frames (or all promised) */
    return shim_take();
}

static uint64_t shim_take(void)
{
    shim_setup();
    if (!nfree && next_frame / PAGE_SIZE >= sizeof frame_state)
        return 0;   /* out of frames */
    uint64_t pa;
    if (nfree) {
        pa = free_list[--nfree];
        memset(direct + pa, 0, PAGE_SIZE);
    } else {
        pa = next_frame;    /* never handed out since the memfd was emptied: zero */
        next_frame += PAGE_SIZE;
    }
    frame_state[pa / PAGE_SIZE] = SHIM_FRAME_USED;
    ipc_shim_frames_live++;
    return pa;
}

/* n fresh contiguous frames from the end of the memfd (freed ones are
 * reused one by one). */
W uint64_t pmm_alloc_contig(size_t n)
{
    shim_setup();
    uint64_t pa = next_frame;
    if (n == 0 || (pa / PAGE_SIZE) + n > sizeof frame_state)
        return 0;   /* out of frames */
    next_frame += n * PAGE_SIZE;     /* fresh frames: zero */
    for (size_t i = 0; i < n; i++) {
        frame_state[pa / PAGE_SIZE + i] = SHIM_FRAME_USED;   /* pmm_free checks it */
    }
    ipc_shim_frames_live += (long)n;
    return pa;
}

W void pmm_free(uint64_t pa)
{
    if (pa % PAGE_SIZE || pa == 0 || pa >= next_frame)
        panic("pmm_free: %#llx is not a frame we manage\n", (unsigned long long)pa);
    if (frame_state[pa / PAGE_SIZE] != SHIM_FRAME_USED)
        panic("pmm_free: double free of %#llx (%s)\n", (unsigned long long)pa,
              frame_state[pa / PAGE_SIZE] == SHIM_FRAME_ADOPTED ? "a linear memory's page" : "free");
    frame_state[pa / PAGE_SIZE] = SHIM_FRAME_FREE;
    if (nfree < SHIM_FRAMES)
        free_list[nfree++] = pa;
    ipc_shim_frames_live--;
}

int ipc_shim_frame_state(uint64_t pa)
{
    return pa % PAGE_SIZE || pa >= next_frame || pa == 0 ? SHIM_FRAME_NONE
                                                         : frame_state[pa / PAGE_SIZE];
}

/* The page table: va -> pa in an open-addressed hash (linear probing,
 * deletion by backward shift), so lookups cost the same however many pages
 * the test world has mapped. */
static uint32_t map_slot(uintptr_t va)
{
    uint64_t k = (uint64_t)(va / PAGE_SIZE) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(k >> 40) & (SHIM_SLOTS - 1);
}

static int map_find(uintptr_t va)
{
    for (uint32_t i = map_slot(va);; i = (i + 1) & (SHIM_SLOTS - 1)) {
        if (maps[i].va == va)
            return (int)i;
        if (!maps[i].va)
            return -1;
    }
}

static void map_add(uintptr_t va, uint64_t pa)
{
    uint32_t i = map_slot(va);
    while (maps[i].va)
        i = (i + 1) & (SHIM_SLOTS - 1);
    maps[i].va = va;
    maps[i].pa = pa;
    nmaps++;
    if (ntouched < SHIM_SLOTS)
        touched[ntouched++] = i;
    else
        touched_lost = true;
}

/* Empties slot i, then moves back every later entry of the same probe run
 * whose home slot does not lie cyclically in (i, j]. */
static void map_forget(uintptr_t va)
{
    int f = map_find(va);
    if (f < 0)
        return;
    uint32_t i = (uint32_t)f, j = i;
    maps[i].va = 0;
    nmaps--;
    for (;;) {
        j = (j + 1) & (SHIM_SLOTS - 1);
        if (!maps[j].va)
            return;
        uint32_t h = map_slot(maps[j].va);
        if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
            continue;
        maps[i] = maps[j];
        maps[j].va = 0;
        i = j;
    }
}

/* One mmap per call: [pa, pa+size) is contiguous in the memfd. */
W bool mmu_map(uintptr_t va, uint64_t pa, size_t size, unsigned flags)
{
    shim_setup();
    int prot = PROT_READ | (flags & MMU_WRITE ? PROT_WRITE : 0);
    if (nmaps + (int)(size / PAGE_SIZE) > SHIM_MAPS)
        return false;
    for (size_t o = 0; o < size; o += PAGE_SIZE)
        if (map_find(va + o) >= 0)
            return false;
    if (mmap((void *)va, size, prot, MAP_SHARED | MAP_FIXED, memfd, (off_t)pa) == MAP_FAILED)
        return false;
    for (size_t o = 0; o < size; o += PAGE_SIZE)
        map_add(va + o, pa + o);
    return true;
}

/* No shared zero frame here: the engine's hosted platform keeps copies. */
W bool vm_is_zero_frame(uint64_t pa)
{
    (void)pa;
    return false;
}

/* Maps take effect at once here: nothing is left to flush. */
W void mmu_flush(uintptr_t va, size_t size)
{
    (void)va, (void)size;
}

W void mmu_unmap(uintptr_t va, size_t size)
{
    for (size_t o = 0; o < size; o += PAGE_SIZE)
        map_forget(va + o);
    mmap((void *)va, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

/* Restored pages are frames the linear memory now owns; they are freed by
 * nobody (the test process ends), so they do not count as live. */
W uint64_t mmu_translate(uintptr_t va)
{
    int i = map_find(va);
    if (i >= 0)
        return maps[i].pa;
    uint64_t pa = pmm_alloc();
    if (!pa)
        abort();
    ipc_shim_frames_live--;
    frame_state[pa / PAGE_SIZE] = SHIM_FRAME_ADOPTED;
    if (nadopted < SHIM_FRAMES)
        adopted[nadopted++] = pa;
    memcpy(direct + pa, (void *)va, PAGE_SIZE);
    if (!mmu_map(va, pa, PAGE_SIZE, MMU_READ | MMU_WRITE))
        abort();
    return pa;
}

/* What mmu_translate would say, without adopting anything: 0 for a page
 * the shim did not map. */
const uint8_t *ipc_shim_frame_bytes(uint64_t pa)
{
    return pa % PAGE_SIZE || pa >= next_frame || pa == 0 ? NULL : direct + pa;
}

uint64_t ipc_shim_lookup(uintptr_t va)
{
    int i = map_find(va & ~(uintptr_t)(PAGE_SIZE - 1));
    return i >= 0 ? maps[i].pa : 0;
}

/* The world went down: forget every mapping, and the frames linear
 * memories adopted are free again. */
static void shim_reset(void)
{
    if (touched_lost)
        memset(maps, 0, sizeof maps);
    else
        for (int i = 0; i < ntouched; i++)
            maps[touched[i]].va = 0;
    ntouched = 0;
    touched_lost = false;
    nmaps = 0;
    for (int i = 0; i < nadopted; i++)
        if (frame_state[adopted[i] / PAGE_SIZE] == SHIM_FRAME_ADOPTED && nfree < SHIM_FRAMES) {
            frame_state[adopted[i] / PAGE_SIZE] = SHIM_FRAME_FREE;
            free_list[nfree++] = adopted[i];
        }
    nadopted = 0;
    /* Every frame is free again: empty the memfd with one hole punch and
     * hand frames out from its start, already zero (a world's frames are
     * then never cleared twice; the fuzzers make thousands of worlds). */
    if (ipc_shim_frames_live == 0 && memfd >= 0 &&
        fallocate(memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)next_frame) == 0) {
        next_frame = 4096;
        nfree = 0;
    }
}

/* ------------------------------------------------------------ the test world */

#include "ipctest.h"

static char shim_log[16384];
static size_t shim_log_len;

void kvprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(shim_log + shim_log_len, sizeof shim_log - shim_log_len, fmt, ap2);
    va_end(ap2);
    if (n > 0)
        shim_log_len += (size_t)n < sizeof shim_log - shim_log_len ? (size_t)n
                                                                   : sizeof shim_log - shim_log_len - 1;
    if (getenv("IPC_TEST_VERBOSE"))
        vprintf(fmt, ap);
}

const char *ipc_shim_log(void)
{
    shim_log_len = 0;
    shim_log[0] = 0;
    return shim_log;
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

#define SHIM_FILES 16
static struct { const char *name; uint8_t *bytes; size_t len; } files[SHIM_FILES];

static bool load_file(const char *name, const uint8_t **data, size_t *len)
{
    for (int i = 0; i < SHIM_FILES; i++) {
        if (!files[i].name) {
            char path[256];
            snprintf(path, sizeof path, "build/san/ipc/%s", name);
            FILE *f = fopen(path, "rb");
            if (!f)
                return false;
            files[i].bytes = malloc(1 << 20);
            files[i].len = fread(files[i].bytes, 1, 1 << 20, f);
            fclose(f);
            files[i].name = strdup(name);
        }
        if (strcmp(files[i].name, name) == 0) {
            *data = files[i].bytes;
            *len = files[i].len;
            return true;
        }
    }
    return false;
}

bool ipc_world_up(ipc_world_t *w, const char *manifest)
{
    memset(w, 0, sizeof *w);
    shim_log_len = 0;
    shim_log[0] = 0;
    w->log = shim_log;
    w->rt = wasm_runtime_new(NULL);
    if (!w->rt || !domsys_init(&w->sys, w->rt, load_file))
        return false;
    w->ex = wasm_exec_new(w->rt);
    w->sys.system = sysctl_object();    /* for "system" lines, as the loader does */
    domsys_load_manifest(&w->sys, manifest, strlen(manifest));
    w->server = domain_find(&w->sys, "server");
    w->client = domain_find(&w->sys, "client");
    if (w->server && w->server->state != DOMAIN_READY)
        w->server = NULL;
    if (!w->client || w->client->state != DOMAIN_READY)
        fprintf(stderr, "ipc test world: no client; log:\n%s", shim_log);
    return w->ex && w->client && w->client->state == DOMAIN_READY;
}

void ipc_world_down(ipc_world_t *w)
{
    domsys_fini(&w->sys);
    shim_reset();   /* the linear memories go: their addresses may come back */
    wasm_exec_free(w->ex);
    wasm_runtime_free(w->rt);
}

int64_t ipc_invoke(ipc_world_t *w, domain_t *d, const char *name, const uint64_t *args)
{
    wasm_func_t *f = wasm_instance_func(d->inst, name);
    uint64_t r[1] = {0};
    if (!f)
        return -1000;
    wasm_trap_kind_t k = wasm_call(w->ex, f, args, r, NULL);
    return k == WASM_OK ? (int64_t)r[0] : -2000 - (int64_t)k;
}

int64_t ipc_client_call(ipc_world_t *w, const char *ep, int64_t a, int64_t b, int64_t c, int64_t d)
{
    cap_handle_t h;
    if (domain_cap_find(w->client, ep, strlen(ep), &h))
        return -3000;
    uint64_t args[5] = {h, (uint64_t)a, (uint64_t)b, (uint64_t)c, (uint64_t)d};
    return ipc_invoke(w, w->client, "do_call", args);
}

int64_t ipc_client_local(ipc_world_t *w, int64_t a)
{
    uint64_t args[4] = {(uint64_t)a, 1, 2, 3};
    return ipc_invoke(w, w->client, "add4", args);
}

int64_t ipc_run(ipc_world_t *w, domain_t *d, const char *name, int n, ...)
{
    uint64_t a[8] = {0};
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n && i < 8; i++)
        a[i] = (uint64_t)va_arg(ap, int64_t);
    va_end(ap);
    return ipc_invoke(w, d, name, a);
}

int64_t ipc_handle(domain_t *d, const char *name)
{
    cap_handle_t h;
    return domain_cap_find(d, name, strlen(name), &h) ? -1 : (int64_t)h;
}
