/*
 * The machine under kernel/core/sched.c for host tests: a fake clock that
 * moves only when a test thread "works" (sched_test_work) or the CPU idles
 * (cpu_idle jumps to the next tick or to the one-shot timer_set_oneshot
 * asked for), an interrupt flag, kernel stacks from malloc, the real
 * x86_64 context switch (kernel/arch/x86_64/context.S, renamed
 * asm_context_*) wrapped with ASan's fiber annotations, and a fake
 * Wasm exec whose safe point (sched_test_safepoint) calls the hook the
 * scheduler installs, as the engine does at a loop back-edge.
 */
#include "schedtest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/kernel.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHIM_ASAN 1
#include <sanitizer/common_interface_defs.h>
#endif
#endif

uint64_t sched_test_now = 1000 * SCHED_TEST_MS;   /* the fake clock */
uint64_t sched_test_limit = 3600000 * SCHED_TEST_MS;
static uint64_t period = SCHED_TEST_MS;
static uint64_t oneshot = UINT64_MAX;   /* timer_set_oneshot's pending interrupt */
static bool irq_on = true;

uint64_t timer_now_ns(void) { return sched_test_now; }
void timer_set_periodic(uint64_t ns) { period = ns ? ns : SCHED_TEST_MS; }
void timer_set_oneshot(uint64_t at)
{
    if (at < oneshot)
        oneshot = at;
}

void cpu_irq_enable(void) { irq_on = true; }
void cpu_irq_disable(void) { irq_on = false; }
bool cpu_irq_save(void)
{
    bool was = irq_on;
    irq_on = false;
    return was;
}
void cpu_irq_restore(bool was) { irq_on = was; }

/* The next timer interrupt after now: the next multiple of the period or
 * the pending one-shot, whichever comes first. */
static uint64_t next_interrupt(void)
{
    uint64_t next = (sched_test_now / period + 1) * period;
    return oneshot < next ? (oneshot > sched_test_now ? oneshot : sched_test_now) : next;
}

/* The timer interrupts up to t: each one at its own time. */
static void tick_to(uint64_t t)
{
    for (uint64_t next = next_interrupt(); next <= t; next = next_interrupt()) {
        sched_test_now = next;
        if (oneshot <= next)
            oneshot = UINT64_MAX;
        bool was = irq_on;
        irq_on = false;
        sched_tick(next);
        irq_on = was;
    }
    sched_test_now = t;
}

void sched_test_work(uint64_t ns)
{
    if (sched_test_now + ns > sched_test_limit)
        panic("sched test: the fake clock passed its limit (a thread never ran?)");
    tick_to(sched_test_now + ns);
}

/* Nothing ready: sleep to the next timer interrupt, which it delivers. */
void cpu_idle(void)
{
    irq_on = true;
    uint64_t next = next_interrupt();
    sched_test_work(next > sched_test_now ? next - sched_test_now : 0);
}

__attribute__((noreturn)) void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ stacks */

void sched_test_main_stack(uintptr_t *lo, uintptr_t *hi);   /* mainstack.c */

static uintptr_t cur_lo, cur_hi, next_lo, next_hi;
long sched_test_stacks;

void *kstack_alloc(size_t size)
{
    uint8_t *p = aligned_alloc(4096, size);
    if (!p)
        return NULL;
    sched_test_stacks++;
    return p + size;
}

void vm_release(void *va, size_t size)
{
    (void)size;
    sched_test_stacks--;
    free(va);
}

void kstack_current(uintptr_t *lo, uintptr_t *hi)
{
    if (!cur_hi)         /* the test's own (main) stack */
        sched_test_main_stack(&cur_lo, &cur_hi);
    *lo = cur_lo;
    *hi = cur_hi;
}

void kstack_set_current(uintptr_t lo, uintptr_t hi)
{
    next_lo = lo;
    next_hi = hi;
}

/* ------------------------------------------------------------ switching */

void asm_context_init(uintptr_t *sp, uintptr_t top, void (*entry)(void *), void *arg);
void asm_context_switch(uintptr_t *save_sp, uintptr_t new_sp);

typedef struct first { void (*entry)(void *); void *arg; } first_t;

static void first_run(void *p)
{
    first_t f = *(first_t *)p;
    free(p);
#ifdef SHIM_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    f.entry(f.arg);
}

void arch_context_init(uintptr_t *sp, uintptr_t top, void (*entry)(void *), void *arg)
{
    first_t *f = malloc(sizeof *f);
    if (!f)
        panic("sched test: out of memory");
    f->entry = entry;
    f->arg = arg;
    asm_context_init(sp, top, first_run, f);
}

void arch_context_switch(uintptr_t *save_sp, uintptr_t new_sp)
{
    uintptr_t lo = cur_lo, hi = cur_hi;
    cur_lo = next_lo;
    cur_hi = next_hi;
#ifdef SHIM_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, (void *)next_lo, next_hi - next_lo);
#endif
    asm_context_switch(save_sp, new_sp);
#ifdef SHIM_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
    cur_lo = lo;
    cur_hi = hi;
}

/* ------------------------------------------------------------ fake exec */

struct wasm_exec {
    volatile bool irq;
    wasm_safepoint_fn_t hook;
    void *user;
};

wasm_exec_t *sched_test_exec_new(void) { return calloc(1, sizeof(wasm_exec_t)); }
void sched_test_exec_free(wasm_exec_t *ex) { free(ex); }
bool sched_test_exec_interrupted(wasm_exec_t *ex) { return ex->irq; }
void wasm_exec_interrupt(wasm_exec_t *ex) { ex->irq = true; }
void wasm_exec_clear_interrupt(wasm_exec_t *ex) { ex->irq = false; }
void wasm_exec_set_safepoint_hook(wasm_exec_t *ex, wasm_safepoint_fn_t fn, void *user)
{
    ex->hook = fn;
    ex->user = user;
}

wasm_trap_kind_t sched_test_safepoint(wasm_exec_t *ex)
{
    if (!ex->irq)
        return WASM_OK;
    if (!ex->hook)
        return WASM_TRAP_INTERRUPTED;
    return ex->hook(ex, ex->user);
}
