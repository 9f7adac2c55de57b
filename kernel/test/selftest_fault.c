/*
 * Self-tests of fault containment (docs/faults.md): instant reset of a snapshotted
 * instance through the kernel's copy-on-write page-fault path, with its
 * cost per dirtied MiB, and with the allocator exhausted. Prints "selftest reset: ok (...)" or why not.
 */
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/kernel.h>
#include <wasm/wasm.h>

#include "core.h"
#include "ktest.h"

/* tests/kernel/reset.wat: memory 32 pages, a mutable global (7), a table
 * whose slot 0 holds $get; poke(addr, v) stores v and sets the global. */
const uint8_t reset_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x12, 0x04, 0x60,
    0x00, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x60, 0x00, 0x00, 0x03, 0x07, 0x06, 0x00, 0x01, 0x02, 0x00, 0x03,
    0x00, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x05, 0x03, 0x01, 0x00, 0x20,
    0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x07, 0x0b, 0x07, 0x28, 0x06, 0x01,
    0x6d, 0x02, 0x00, 0x04, 0x70, 0x6f, 0x6b, 0x65, 0x00, 0x01, 0x04, 0x70,
    0x65, 0x65, 0x6b, 0x00, 0x02, 0x01, 0x67, 0x00, 0x03, 0x06, 0x74, 0x63,
    0x6c, 0x65, 0x61, 0x72, 0x00, 0x04, 0x05, 0x74, 0x63, 0x61, 0x6c, 0x6c,
    0x00, 0x05, 0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00, 0x0a,
    0x32, 0x06, 0x04, 0x00, 0x23, 0x00, 0x0b, 0x0d, 0x00, 0x20, 0x00, 0x20,
    0x01, 0x36, 0x02, 0x00, 0x20, 0x01, 0x24, 0x00, 0x0b, 0x07, 0x00, 0x20,
    0x00, 0x28, 0x02, 0x00, 0x0b, 0x04, 0x00, 0x23, 0x00, 0x0b, 0x08, 0x00,
    0x41, 0x00, 0xd0, 0x70, 0x26, 0x00, 0x0b, 0x07, 0x00, 0x41, 0x00, 0x11,
    0x00, 0x00, 0x0b
};
const size_t reset_wasm_len = sizeof reset_wasm;

static uint64_t call1(wasm_exec_t *ex, wasm_instance_t *inst, const char *name, uint64_t a,
                      uint64_t b, wasm_trap_kind_t *k)
{
    uint64_t args[2] = {a, b}, r = 0;
    wasm_func_t *f = wasm_instance_func(inst, name);
    *k = f ? wasm_call(ex, f, args, &r, NULL) : WASM_TRAP_HOST;
    return r;
}

/* Dirties 1 MiB by Wasm stores (one fault per page) and 1 page from the
 * kernel, clears the table slot, then resets and checks everything is back.
 * The memory is zero at the snapshot but one page (KEPT): the zero pages
 * give their frames back at the snapshot (they map the shared zero frame),
 * each written one takes one frame, and the reset gives them back. */
#define KEPT (2 * PAGE_SIZE + 5)

/* Pages of mem that map the shared zero frame (other threads may take
 * frames meanwhile, so the test counts mappings, not free frames). */
static size_t zero_pages(wasm_memory_t *mem)
{
    size_t n = 0;
    uintptr_t base = (uintptr_t)wasm_memory_data(mem);
    for (uint64_t off = 0; off < wasm_memory_size(mem); off += PAGE_SIZE)
        n += vm_is_zero_frame(mmu_translate(base + off));
    return n;
}

static const char *reset_checks(wasm_exec_t *ex, wasm_instance_t *inst, uint64_t *ns, int64_t *pages)
{
    wasm_trap_kind_t k;
    const uint32_t mib = 1u << 20;
    wasm_memory_t *mem = wasm_instance_memory(inst, 0);
    wasm_memory_data(mem)[KEPT] = 0x33;
    size_t npages = wasm_memory_size(mem) / PAGE_SIZE;
    if (zero_pages(mem) != 0)
        return "pages share the zero frame before the snapshot";
    if (!wasm_instance_snapshot(inst))
        return "snapshot refused";
    if (zero_pages(mem) != npages - 1)
        return "the zero pages kept their frames at the snapshot";
    for (uint32_t a = 0; a < mib; a += (uint32_t)PAGE_SIZE)
        if (call1(ex, inst, "poke", a + 8, 0x5a5a0000u + a / PAGE_SIZE, &k), k != WASM_OK)
            return "store into a snapshotted page trapped";
    wasm_memory_data(mem)[mib + 3] = 0x77;      /* a kernel write faults too */
    if (zero_pages(mem) != npages - 1 - (mib / PAGE_SIZE + 1) + 1)   /* KEPT's page was not */
        return "a written zero page did not get a frame of its own";
    call1(ex, inst, "tclear", 0, 0, &k);
    if (call1(ex, inst, "peek", 8 + PAGE_SIZE, 0, &k) != 0x5a5a0001u)
        return "writes did not land";
    call1(ex, inst, "tcall", 0, 0, &k);
    if (k != WASM_TRAP_UNINITIALIZED_ELEM)
        return "table write did not land";
    uint64_t t0 = timer_now_ns();
    *pages = wasm_instance_reset(inst);
    *ns = timer_now_ns() - t0;
    if (*pages != (int64_t)(mib / PAGE_SIZE) + 1)
        return "reset restored an unexpected number of pages";
    if (zero_pages(mem) != npages - 1)
        return "the reset did not map the zero frame back";
    for (uint32_t a = 0; a < mib + PAGE_SIZE; a += 4)
        if (call1(ex, inst, "peek", a, 0, &k) != (a == (KEPT & ~3u) ? 0x33u << 8 * (KEPT & 3) : 0) ||
            k != WASM_OK)
            return "memory not back to its snapshot";
    if (call1(ex, inst, "g", 0, 0, &k) != 7 || call1(ex, inst, "tcall", 0, 0, &k) != 7 || k != WASM_OK)
        return "global or table not back to its snapshot";
    call1(ex, inst, "poke", 64, 1, &k);          /* protected again after the reset */
    if (k != WASM_OK || wasm_instance_reset(inst) != 1 || call1(ex, inst, "peek", 64, 0, &k) != 0)
        return "second round: page not copied on write again";
    return NULL;
}

/* Takes every free frame no promise holds, chained through their first
 * words; give_back frees the chain. */
static uint64_t exhaust(void)
{
    uint64_t head = 0, f;
    while ((f = pmm_alloc())) {
        *(uint64_t *)phys_to_virt(f) = head;
        head = f;
    }
    return head;
}

static void give_back(uint64_t head)
{
    while (head) {
        uint64_t next = *(uint64_t *)phys_to_virt(head);
        pmm_free(head);
        head = next;
    }
}

/* With no free frame left but promised ones, a write to a page of a
 * snapshot still gets its frame (from the snapshot's promise: a write fault
 * has nowhere to report a failure), by Wasm and by the kernel; and a
 * snapshot that cannot be promised its pages is refused, leaving the
 * instance as it was, writable. */
static const char *exhausted_checks(wasm_exec_t *ex, wasm_instance_t *inst, wasm_instance_t *other)
{
    wasm_trap_kind_t k;
    wasm_memory_t *mem = wasm_instance_memory(inst, 0), *omem = wasm_instance_memory(other, 0);
    /* other's pages are all non-zero: its snapshot would free none of them,
     * and 16 free frames are enough for the snapshot's records but not for
     * the 32 frames to promise. */
    __builtin_memset(wasm_memory_data(omem), 0x11, (size_t)wasm_memory_size(omem));
    wasm_memory_data(omem)[KEPT] = 0x44;
    if (!wasm_instance_snapshot(inst))
        return "snapshot refused";
    uint64_t taken = exhaust(), spare = 0;
    for (int i = 0; i < 16 && taken; i++) {
        uint64_t next = *(uint64_t *)phys_to_virt(taken);
        *(uint64_t *)phys_to_virt(taken) = spare;
        spare = taken;
        taken = next;
    }
    const char *why = NULL;
    for (uint32_t a = 0; !why && a < 16 * PAGE_SIZE; a += (uint32_t)PAGE_SIZE)
        if (call1(ex, inst, "poke", a + 16, 0x600d0000u + a / PAGE_SIZE, &k), k != WASM_OK)
            why = "memory exhausted: a store into a snapshotted page trapped";
    if (!why)
        wasm_memory_data(mem)[20 * PAGE_SIZE] = 0x99;    /* a kernel write */
    if (!why && (call1(ex, inst, "peek", 16 + 3 * PAGE_SIZE, 0, &k) != 0x600d0003u ||
                 wasm_memory_data(mem)[20 * PAGE_SIZE] != 0x99))
        why = "memory exhausted: writes into snapshotted pages did not land";
    give_back(spare);
    if (!why && wasm_instance_snapshot(other))
        why = "memory short: a snapshot whose pages cannot be promised was taken";
    if (!why && (call1(ex, other, "poke", 5 * PAGE_SIZE, 0x5eed, &k), k != WASM_OK ||
                 call1(ex, other, "peek", 5 * PAGE_SIZE, 0, &k) != 0x5eed ||
                 call1(ex, other, "peek", 9 * PAGE_SIZE, 0, &k) != 0x11111111u ||
                 wasm_memory_data(omem)[KEPT] != 0x44))
        why = "a refused snapshot left the instance changed or not writable";
    give_back(taken);
    if (!why && wasm_instance_reset(inst) != 17)
        why = "memory exhausted: the reset restored an unexpected number of pages";
    return why;
}

static bool test_reset(void)
{
    wasm_error_t err;
    wasm_runtime_t *rt = kwasm_runtime();
    wasm_exec_t *ex = rt ? wasm_exec_new(rt) : NULL;
    /* On the default tier: where that is compiled, the copy-on-write
     * faults come from compiled stores (docs/compiler.md, "The kernel"). */
    bool compiled = ex && wasm_runtime_set_engine(rt, WASM_ENGINE_DEFAULT) == WASM_ENGINE_COMPILED;
    wasm_module_t *m = ex ? wasm_module_load(rt, reset_wasm, sizeof reset_wasm, &err) : NULL;
    wasm_instance_t *inst = m ? wasm_instantiate(m, NULL, ex, &err, NULL) : NULL;
    const char *why = inst ? NULL : "cannot instantiate reset.wasm";
    uint32_t nc = 0, ni = 0;
    if (m)
        wasm_module_tiers(m, &nc, &ni);
    if (!why && compiled && (nc == 0 || ni != 0))
        why = "the default tier is compiled but reset.wasm's functions are not all compiled";
    uint64_t ns = 0;
    int64_t pages = 0;
    if (!why)
        why = reset_checks(ex, inst, &ns, &pages);
    wasm_instance_t *other = why ? NULL : wasm_instantiate(m, NULL, ex, &err, NULL);
    if (!why)
        why = other ? exhausted_checks(ex, inst, other) : "cannot instantiate reset.wasm twice";
    if (other)
        wasm_instance_free(other);
    if (why)
        kprintf("selftest reset: %s\n", why);
    else
        kprintf("selftest reset: ok (%s, %lld pages dirtied, reset in %llu us, %llu us per dirtied MiB)\n",
                compiled ? "compiled" : "interpreted", (long long)pages, (unsigned long long)(ns / 1000),
                (unsigned long long)(ns * ((1u << 20) / PAGE_SIZE) / (uint64_t)pages / 1000));
    if (inst)
        wasm_instance_free(inst);
    if (m)
        wasm_module_free(m);
    if (ex)
        wasm_exec_free(ex);
    if (rt)
        wasm_runtime_free(rt);
    return why == NULL;
}

/* Returns the number of failed tests. */
int selftest_fault(void)
{
    return !test_reset();
}
