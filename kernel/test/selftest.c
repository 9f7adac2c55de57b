/*
 * In-kernel self-tests. Each prints "selftest <name>: ok" or
 * "selftest <name>: FAILED: <reason>"; selftest_run returns the number
 * that failed.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/trap.h>
#include <wasm/wasm.h>

#include "core.h"
#include "internal.h"   /* the engine's wasm_func_t: a compiled entry's address */
#include "ktest.h"

/* A test returns NULL on success or a reason. */
typedef const char *(*selftest_fn)(void);

static const char *test_frames(void)
{
    size_t before = pmm_free_count();
    if (pmm_bitmap_free() != before)
        return "the bitmap's free frames and the free count differ";
    uint64_t pa[64];
    for (int i = 0; i < 64; i++) {
        pa[i] = pmm_alloc();
        if (!pa[i])
            return "pmm_alloc returned 0";
        if (pa[i] % 4096)
            return "frame not 4 KiB aligned";
        const uint8_t *v = phys_to_virt(pa[i]);
        for (int j = 0; j < 4096; j += 512)
            if (v[j])
                return "frame not zeroed";
        for (int j = 0; j < i; j++)
            if (pa[j] == pa[i])
                return "same frame handed out twice";
    }
    if (pmm_free_count() != before - 64)
        return "free count did not drop by 64";
    for (int i = 0; i < 64; i++)
        pmm_free(pa[i]);
    if (pmm_free_count() != before)
        return "free count not restored";
    uint64_t c = pmm_alloc_contig(16);
    if (!c || c % 4096)
        return "pmm_alloc_contig(16) failed";
    if (pmm_free_count() != before - 16)
        return "contiguous allocation miscounted";
    for (int i = 0; i < 16; i++)
        pmm_free(c + (uint64_t)i * 4096);
    return pmm_free_count() == before ? NULL : "free count after contig";
}

static const char *test_pagetables(void)
{
    uint8_t *va = vm_reserve(PAGE_SIZE, PAGE_SIZE);
    uint64_t pa = pmm_alloc();
    if (!va || !pa)
        return "out of address space or frames";
    if (mmu_translate((uintptr_t)va) != (uint64_t)-1)
        return "fresh reservation already mapped";
    if (!mmu_map((uintptr_t)va, pa, PAGE_SIZE, MMU_READ | MMU_WRITE))
        return "mmu_map failed";
    if (mmu_map((uintptr_t)va, pa, PAGE_SIZE, MMU_READ | MMU_WRITE))
        return "mmu_map accepted an already mapped page";
    if (mmu_translate((uintptr_t)va + 123) != pa + 123)
        return "mmu_translate disagrees";
    for (int i = 0; i < 64; i++)
        ((volatile uint32_t *)va)[i * 16] = 0xA5A50000u + (uint32_t)i;
    const volatile uint32_t *phys = phys_to_virt(pa);
    for (int i = 0; i < 64; i++)
        if (phys[i * 16] != 0xA5A50000u + (uint32_t)i)
            return "write through the mapping not seen in the physical map";
    mmu_unmap((uintptr_t)va, PAGE_SIZE);
    if (mmu_translate((uintptr_t)va) != (uint64_t)-1)
        return "still mapped after mmu_unmap";
    pmm_free(pa);
    vm_release(va, PAGE_SIZE);
    return NULL;
}

/* The reservation table grows a page at a time (vm.c): 400 reservations
 * each split a free segment, so the table crosses several of its pages;
 * every one must be distinct, usable and given back, in two orders.
 * Interrupts stay off, so no other thread reserves meanwhile. */
static const char *vmtable_rounds(void)
{
    enum { N = 400 };
    static uint8_t *va[N];
    size_t before = vm_reserved_bytes();
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            if (!(va[i] = vm_reserve(PAGE_SIZE, PAGE_SIZE)))
                return "vm_reserve failed";
            for (int j = 0; j < i; j++)    /* each is its page and a guard below */
                if ((uintptr_t)(va[i] > va[j] ? va[i] - va[j] : va[j] - va[i]) < 2 * PAGE_SIZE)
                    return "reservations overlap";
        }
        if (vm_reserved_bytes() != before + (size_t)N * 2 * PAGE_SIZE)
            return "reserved bytes miscounted";
        for (int i = 0; i < N; i += 37) {
            if (!vm_commit(va[i], PAGE_SIZE, MMU_READ | MMU_WRITE))
                return "vm_commit failed";
            *(volatile uint32_t *)va[i] = 0x5A5A0000u + (uint32_t)i;
        }
        for (int i = 0; i < N; i += 37)
            if (*(volatile uint32_t *)va[i] != 0x5A5A0000u + (uint32_t)i)
                return "committed page lost its word";
        /* Round 0: every other one, then the rest (holes, then merges);
         * round 1: from the top down. */
        for (int k = 0; k < N; k++) {
            int i = round == 0 ? (k < N / 2 ? 2 * k : 2 * (k - N / 2) + 1) : N - 1 - k;
            vm_release(va[i], PAGE_SIZE);
        }
        if (vm_reserved_bytes() != before)
            return "reserved bytes not back after release";
    }
    return NULL;
}

static const char *test_vmtable(void)
{
    bool was = cpu_irq_save();
    const char *why = vmtable_rounds();
    cpu_irq_restore(was);
    return why;
}

static uint8_t pattern_byte(size_t i, size_t size)
{
    return (uint8_t)(i * 7 + size);
}

static const char *test_heap(void)
{
    static const size_t sizes[] = {1, 8, 15, 16, 17, 100, 500, 1000, 1024, 1025,
                                   3000, 4096, 10000, 70000};
    enum { N = sizeof sizes / sizeof sizes[0], ROUNDS = 8 };
    uint8_t *p[N * ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < N; i++) {
            size_t s = sizes[i];
            uint8_t *q = p[r * N + i] = kmalloc(s);
            if (!q)
                return "kmalloc returned NULL";
            if ((uintptr_t)q % 16)
                return "allocation not 16-byte aligned";
            for (size_t j = 0; j < s; j++)
                if (q[j])
                    return "kmalloc memory not zeroed";
            for (size_t j = 0; j < s; j++)
                q[j] = pattern_byte(j, s);
        }
    for (int k = 0; k < N * ROUNDS; k++) {
        size_t s = sizes[k % N];
        for (size_t j = 0; j < s; j++)
            if (p[k][j] != pattern_byte(j, s))
                return "heap objects overlap (pattern corrupted)";
    }
    for (int k = 0; k < N * ROUNDS; k += 2)
        kfree(p[k]);
    for (int k = 1; k < N * ROUNDS; k += 2) {
        size_t s = sizes[k % N], ns = s * 3 + 5;
        uint8_t *q = krealloc(p[k], ns);
        if (!q)
            return "krealloc returned NULL";
        for (size_t j = 0; j < s; j++)
            if (q[j] != pattern_byte(j, s))
                return "krealloc lost the contents";
        kfree(q);
    }
    return NULL;
}

static const char *test_timer(void)
{
    uint64_t t0 = timer_now_ns(), t1 = t0, ticks0 = timer_ticks();
    for (int i = 0; i < 1000; i++) {
        uint64_t t = timer_now_ns();
        if (t < t1)
            return "clock went backwards";
        t1 = t;
    }
    timer_set_periodic(1000000);
    cpu_irq_enable();
    /* Every wake-up is some interrupt; wait for five ticks, but give up
     * after a second of clock time so a dead timer is a failure. */
    while (timer_ticks() - ticks0 < 5 && timer_now_ns() - t0 < 1000000000ull)
        cpu_idle();
    uint64_t dt = timer_now_ns() - t0;
    uint64_t dticks = timer_ticks() - ticks0;
    /* The tick keeps running (interrupts on) through the Wasm tests, so
     * they also prove the FP state survives interrupts. */
    if (dticks < 5)
        return "fewer than 5 ticks of 1 ms in a second";
    if (dt < 3 * 1000000ull)
        return "clock advanced less than 3 ms during 5 ticks of 1 ms";
    kprintf("selftest timer: %llu ticks in %llu us\n", (unsigned long long)dticks,
            (unsigned long long)(dt / 1000));
    return NULL;
}

/* The faulting access is followed by an asm goto that may jump to the
 * resume label, so the compiler keeps the label reachable. Registers at
 * the label are those at the fault, which can differ from what the
 * compiler assumes at the asm goto: code after a label reads only
 * globals (volatile) and the frame. */
#define RESUMABLE(label) __asm__ goto("" :::: label)

static volatile uint8_t sink;
static uint8_t *volatile guard_top;

static const char *test_fault_breakpoint(void)
{
    trap_expect(TRAP_BREAKPOINT, 0);
    arch_fault_selftest_breakpoint();
    return trap_seen == 1 ? NULL : "breakpoint not reported to trap_exception";
}

static const char *test_fault_guard(void)
{
    guard_top = kstack_alloc(4 * PAGE_SIZE);
    if (!guard_top)
        return "kstack_alloc failed";
    guard_top[-1] = 1;    /* the stack itself is mapped */
    trap_expect(TRAP_PAGE_FAULT, (uintptr_t)&&resumed);
    sink = *(volatile uint8_t *)(guard_top - 4 * PAGE_SIZE - 1);
    RESUMABLE(resumed);
    trap_disarm();
resumed:
    vm_release(guard_top - 4 * PAGE_SIZE, 4 * PAGE_SIZE);
    return trap_seen == 1 ? NULL : "reading the guard page below a kernel stack did not fault";
}

static const uint8_t wx_rodata[16] = {1, 2, 3};

/* Writes a byte back unchanged; true if that faulted. */
static bool write_faults(volatile uint8_t *p)
{
    uint8_t v = *p;
    trap_expect(TRAP_PAGE_FAULT, (uintptr_t)&&resumed);
    *p = v;
    RESUMABLE(resumed);
    trap_disarm();
resumed:
    return trap_seen == 1;
}

static const char *test_wx(void)
{
    if (!write_faults((volatile uint8_t *)(uintptr_t)&test_frames))
        return "kernel text is writable";
    if (!write_faults((volatile uint8_t *)(uintptr_t)wx_rodata))
        return "kernel rodata is writable";
    /* Executing data would need ISA-specific bytes: the seam has no
     * portable way, so NX on data is left to each port's own checks. */
    return NULL;
}

/* Calls export name of inst with up to two i32 args; false on a trap. */
static bool e2e_call(wasm_exec_t *ex, wasm_instance_t *inst, const char *name,
                     uint64_t a, uint64_t b, uint64_t *out, wasm_trap_kind_t *kind)
{
    wasm_func_t *f = wasm_instance_func(inst, name);
    uint64_t args[2] = {a, b};
    *kind = WASM_TRAP_HOST;
    if (!f)
        return false;
    *kind = wasm_call(ex, f, args, out, NULL);
    return *kind == WASM_OK;
}

static const char *e2e_checks(wasm_exec_t *ex, wasm_instance_t *inst)
{
    uint64_t r = 0;
    wasm_trap_kind_t k;
    if (!e2e_call(ex, inst, "prime_sum", 20000, 0, &r, &k) || r != 21171191)
        return "prime_sum(20000) != 21171191";
    if (!e2e_call(ex, inst, "basel", 1000, 0, &r, &k) || r != 0x4147f61092006d8dull)
        return "basel(1000) differs from the reference bits";
    if (!e2e_call(ex, inst, "grow", 0, 0, &r, &k) || r != 2496)
        return "memory.grow / new pages wrong";
    if (e2e_call(ex, inst, "divide", 1, 0, &r, &k) || k != WASM_TRAP_DIV_ZERO)
        return "1/0 did not trap with integer divide by zero";
    if (!e2e_call(ex, inst, "divide", 84, 2, &r, &k) || (uint32_t)r != 42)
        return "84/2 != 42 after a trap";
    return NULL;
}

static const char *test_wasm(void)
{
    const uint8_t *bytes;
    size_t len;
    if (!bootimg_find("test/e2e.wasm", &bytes, &len))
        return "e2e.wasm missing from the boot image";
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    if (!ex)
        return "cannot create a runtime";
    wasm_error_t err;
    wasm_trap_t *trap = kmalloc(sizeof *trap);
    wasm_module_t *m = wasm_module_load(rt, bytes, len, &err);
    const char *why = "module did not load";
    if (m) {
        wasm_instance_t *inst = wasm_instantiate(m, NULL, ex, &err, trap);
        why = inst ? e2e_checks(ex, inst) : "module did not instantiate";
        wasm_instance_free(inst);
        wasm_module_free(m);
    } else {
        kprintf("selftest wasm: %s\n", err.message);
    }
    kfree(trap);
    wasm_exec_free(ex);
    wasm_runtime_free(rt);
    return why;
}

/* (func (export "f") (param i32) (result i32)
 *   (if (result i32) (local.get 0)
 *     (then (i32.add (call 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
 *     (else (i32.const 0)))) */
const uint8_t depth_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x03, 0x02, 0x01, 0x00,
    0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00,
    0x0a, 0x16, 0x01, 0x14, 0x00, 0x20, 0x00, 0x04, 0x7f, 0x20, 0x00, 0x41, 0x01, 0x6b,
    0x10, 0x00, 0x41, 0x01, 0x6a, 0x05, 0x41, 0x00, 0x0b, 0x0b,
};
const size_t depth_wasm_len = sizeof depth_wasm;

/* Compiled frames live on the kernel stack: on a driver-sized stack
 * (128 KiB) a recursion the interpreter finishes (4,095 calls, under the
 * kernel's call-depth limit) must trap "stack exhausted" compiled, before
 * it reaches the stack's guard page, while a shallow one still runs. */
#define JIT_DEPTH_STACK (128u * 1024u)
#define JIT_DEPTH_DEEP 4095u
#define JIT_DEPTH_SHALLOW 500u

typedef struct jit_depth {
    sched_join_t join;
    const char *why;
} jit_depth_t;

static wasm_trap_kind_t depth_call(wasm_engine_t engine, uint32_t n, uint64_t *r)
{
    wasm_error_t err;
    wasm_trap_kind_t k = WASM_TRAP_HOST;
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    if (ex)
        wasm_runtime_set_engine(rt, engine);
    wasm_module_t *m = ex ? wasm_module_load(rt, depth_wasm, depth_wasm_len, &err) : NULL;
    wasm_instance_t *inst = m ? wasm_instantiate(m, NULL, ex, &err, NULL) : NULL;
    wasm_func_t *f = inst ? wasm_instance_func(inst, "f") : NULL;
    uint64_t a[1] = {n};
    *r = 0;
    if (f && (engine == WASM_ENGINE_INTERP || f->native))
        k = wasm_call(ex, f, a, r, NULL);
    wasm_instance_free(inst);
    wasm_module_free(m);
    if (ex)
        wasm_exec_free(ex);
    wasm_runtime_free(rt);
    return k;
}

static void jit_depth_thread(void *arg)
{
    jit_depth_t *d = arg;
    uint64_t r;
    if (depth_call(WASM_ENGINE_INTERP, JIT_DEPTH_DEEP, &r) != WASM_OK || r != JIT_DEPTH_DEEP)
        d->why = "the interpreter did not finish the deep recursion";
    else if (depth_call(WASM_ENGINE_COMPILED, JIT_DEPTH_SHALLOW, &r) != WASM_OK ||
             r != JIT_DEPTH_SHALLOW)
        d->why = "a shallow compiled recursion did not run";
    else if (depth_call(WASM_ENGINE_COMPILED, JIT_DEPTH_DEEP, &r) != WASM_TRAP_STACK_EXHAUSTED)
        d->why = "a compiled recursion deeper than the stack did not trap stack exhausted";
    sched_join_signal(&d->join);
    thread_exit();
}

static const char *jit_depth_checks(void)
{
    static jit_depth_t d;
    d = (jit_depth_t){0};
    if (!thread_create(NULL, "jitdepth", 4, jit_depth_thread, &d, JIT_DEPTH_STACK))
        return "no thread for the stack check";
    if (!sched_join_wait(&d.join, 1, timer_now_ns() + 30000000000ull))
        return "the stack check did not finish";
    return d.why;
}

/* The compiled tier's code pages (docs/compiler.md, "The kernel"): a
 * compiled function lies in a sealed code region, which kernel code (and
 * so compiled code, which runs in the same mode) cannot write, and which
 * is unmapped, its bytes counted off, when the module is freed. Where the
 * port has no back end the runtime interprets and there is nothing to
 * check. */
static const char *jit_checks(wasm_module_t *m, wasm_instance_t *inst, wasm_exec_t *ex,
                              uintptr_t *code)
{
    uint32_t nc, ni;
    wasm_module_tiers(m, &nc, &ni);
    if (nc == 0)
        return "the default tier is compiled but no function of e2e.wasm was";
    wasm_func_t *f = wasm_instance_func(inst, "prime_sum");
    uintptr_t pc = f ? (uintptr_t)f->native : 0, base, end;
    if (!pc)
        return "prime_sum was not compiled";
    if (!kwasm_code_region(pc, &base, &end) || mmu_translate(pc) == (uint64_t)-1)
        return "prime_sum's code is not in a mapped, sealed code region";
    if (!write_faults((volatile uint8_t *)pc) || !write_faults((volatile uint8_t *)base) ||
        !write_faults((volatile uint8_t *)(end - 1)))
        return "a compiled code page is writable";
    if (!write_faults(phys_to_virt(mmu_translate(pc))) ||
        !write_faults(phys_to_virt(mmu_translate(end - 1))))
        return "a compiled code page is writable through the physical map";
    *code = pc;
    const char *why = e2e_checks(ex, inst);
    return why ? why : jit_depth_checks();
}

static const char *test_jit(void)
{
    const uint8_t *bytes;
    size_t len;
    if (!bootimg_find("test/e2e.wasm", &bytes, &len))
        return "e2e.wasm missing from the boot image";
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    if (!ex) {
        wasm_runtime_free(rt);
        return "cannot create a runtime";
    }
    const char *why = NULL;
    if (wasm_runtime_set_engine(rt, WASM_ENGINE_DEFAULT) == WASM_ENGINE_COMPILED) {
        wasm_error_t err;
        wasm_trap_t *trap = kmalloc(sizeof *trap);
        size_t before = kwasm_code_bytes();
        wasm_module_t *m = trap ? wasm_module_load(rt, bytes, len, &err) : NULL;
        wasm_instance_t *inst = m ? wasm_instantiate(m, NULL, ex, &err, trap) : NULL;
        uintptr_t code = 0;
        uint64_t code_pa = (uint64_t)-1;
        why = !m ? "module did not load" : !inst ? "module did not instantiate"
            : jit_checks(m, inst, ex, &code);
        if (m && kwasm_code_bytes() <= before)
            why = why ? why : "no code bytes counted for the module";
        if (code)
            code_pa = mmu_translate(code);
        wasm_instance_free(inst);
        wasm_module_free(m);
        if (!why && code && (kwasm_code_region(code, NULL, NULL) ||
                             mmu_translate(code) != (uint64_t)-1 || kwasm_code_bytes() != before))
            why = "a freed module's code is still mapped or counted";
        /* Back in the frame allocator, the frame is ordinary memory again. */
        if (!why && code_pa != (uint64_t)-1 && write_faults(phys_to_virt(code_pa)))
            why = "a freed module's code frame stays read-only in the physical map";
        kfree(trap);
    }
    wasm_exec_free(ex);
    wasm_runtime_free(rt);
    return why;
}

/* memcpy and memmove (kernel/core/klib.c) against a byte at a time:
 * every source and destination offset in two words, lengths 0..80,
 * copies apart and overlapping both ways; nothing around the
 * destination touched. */
static const char *test_memcpy(void)
{
    static unsigned char buf[256];
    static volatile unsigned char ref[256];     /* volatile: never turned into a memmove call */
    for (int so = 0; so < 16; so++)
        for (int dof = 0; dof < 16; dof++)
            for (int n = 0; n <= 80; n++)
                for (int kind = 0; kind < 2; kind++) {
                    for (int i = 0; i < 256; i++)
                        buf[i] = ref[i] = (unsigned char)(i * 37 + 11);
                    /* apart: source at 8, destination at 128; overlapping: both near 64 */
                    int s0 = kind ? 64 + so : 8 + so, d0 = kind ? 64 + dof : 128 + dof;
                    if (kind)
                        memmove(buf + d0, buf + s0, (size_t)n);
                    else
                        memcpy(buf + d0, buf + s0, (size_t)n);
                    if (d0 <= s0)
                        for (int i = 0; i < n; i++)
                            ref[d0 + i] = ref[s0 + i];
                    else
                        for (int i = n - 1; i >= 0; i--)
                            ref[d0 + i] = ref[s0 + i];
                    for (int i = 0; i < 256; i++)
                        if (buf[i] != ref[i])
                            return kind ? "memmove differs from a byte-by-byte copy"
                                        : "memcpy differs from a byte-by-byte copy";
                }
    return NULL;
}

static const struct {
    const char *name;
    selftest_fn fn;
} tests[] = {
    {"memcpy", test_memcpy},
    {"frames", test_frames},
    {"pagetables", test_pagetables},
    {"vmtable", test_vmtable},
    {"heap", test_heap},
    {"timer", test_timer},
    {"breakpoint", test_fault_breakpoint},
    {"guardpage", test_fault_guard},
    {"wx", test_wx},
    {"wasm", test_wasm},
    {"jit", test_jit},
};

int selftest_run(void)
{
    int failed = 0;
    for (size_t i = 0; i < ARRAY_LEN(tests); i++) {
        const char *why = tests[i].fn();
        if (why) {
            kprintf("selftest %s: FAILED: %s\n", tests[i].name, why);
            failed++;
        } else {
            kprintf("selftest %s: ok\n", tests[i].name);
        }
    }
    failed += selftest_sched();
    failed += selftest_fault();
    return failed;
}
