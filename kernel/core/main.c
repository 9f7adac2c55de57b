/*
 * kmain: brings the machine layer up in order, builds the domains the boot
 * image's manifest names (loader.c, docs/domains.md), runs init, starts the
 * console driver domain, prints the boot line, and in test
 * mode runs the self-tests (the in-kernel spec subset, the scenario
 * domains) and powers off
 * with status 0 if all passed, 1 otherwise.
 *
 * Test mode: the kernel was built with -DATHANOR_TEST (make KTEST=1, as
 * boot-test does) or its command line contains the word "athanor.test".
 * Outside test mode the kernel powers off with status 0 once init returns.
 * "athanor.crash" on the command line faults on purpose after the boot line.
 */
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/boot.h>
#include <kern/dev.h>
#include <kern/kernel.h>

#if __has_include(<kern/kspec.h>)
#include <kern/kspec.h>
#define HAVE_KSPEC 1
#endif

#include "core.h"

#define STAGE2_STACK (256u * 1024u)

bool ktest_mode;

typedef struct stage2 {
    int failures;
    const char *cmdline;
} stage2_t;

/* "athanor.crash" on the command line: an unexpected page fault after the
 * boot line, to show (and let the boot test check) that it is reported
 * with registers and a backtrace and ends in a clean panic. */
static void crash_on_purpose(void)
{
    volatile uint8_t *p = vm_reserve(PAGE_SIZE, 0);
    kprintf("athanor: reading unmapped %p on purpose (athanor.crash)\n", (void *)p);
    (void)*p;
    kprintf("athanor: athanor.crash did not fault\n");
}

static void print_boot_line(void)
{
    uint64_t ms = timer_now_ns() / 1000000u;
    size_t free_kib = pmm_free_count() * 4;
    kprintf("athanor %s %s: booted in %llu ms, %zu KiB free\n", ATHANOR_VERSION, arch_name(),
            (unsigned long long)ms, free_kib);
    size_t used = (pmm_total_count() - pmm_free_count()) * 4;
    kprintf("athanor: memory: %zu KiB of %zu KiB in use (heap %zu KiB), boot image %zu bytes\n",
            used, pmm_total_count() * 4, heap_bytes() / 1024, bootimg_size());
}

/* The in-kernel spec subset, when its blob and its runner are there. */
static int run_kspec(void)
{
#ifdef HAVE_KSPEC
    const uint8_t *blob;
    size_t len;
    if (!bootimg_find("spec.bin", &blob, &len)) {
        kprintf("kspec: spec.bin missing from the boot image\n");
        return 1;
    }
    return kspec_run(blob, len) ? 1 : 0;
#else
    kprintf("kspec: not built into this kernel\n");
    return 0;
#endif
}

/* Everything after the machine layer, on a kernel stack of our own. */
static void stage2(void *arg)
{
    stage2_t *st = arg;
    loader_run_manifest();
    print_boot_line();
    if (str_has_word(st->cmdline, "athanor.crash"))
        crash_on_purpose();
    if (!loader_run_init())
        st->failures++;
    if (str_has_word(st->cmdline, "athanor.bench"))   /* the IPC bench, then off */
        arch_poweroff(ipcbench_run());
    dev_console_once = str_has_word(st->cmdline, "athanor.once");
    st->failures += dev_console_run(loader_domsys(), ktest_mode);   /* the console driver domain */
    if (!ktest_mode)
        return;
    st->failures += selftest_run();
    st->failures += run_kspec();
    st->failures += loader_run_scenarios();   /* the manifest's scenario domains */
    st->failures += hostile_run();            /* hostile.c: hostile modules contained */
    timer_set_periodic(0);
    cpu_irq_disable();
}

void kmain(boot_info_t *bi)
{
    console_init();
    kstack_boot((uintptr_t)__builtin_frame_address(0));
    kprintf("athanor %s %s: kernel entered\n", ATHANOR_VERSION, arch_name());
    cpu_init();
    pmm_init(bi);
    mmu_init();
    heap_init();
    irq_init();
    timer_init();
#ifdef ATHANOR_TEST
    ktest_mode = true;
#endif
    if (bi->cmdline && str_has_word(bi->cmdline, "athanor.test"))
        ktest_mode = true;
    stage2_t st = {0, bi->cmdline ? bi->cmdline : ""};
    if (!bootimg_check())
        st.failures++;
    kstack_run(STAGE2_STACK, stage2, &st);
    if (ktest_mode) {
        kprintf("athanor: %s\n", st.failures ? "some tests FAILED" : "all tests passed");
        arch_poweroff(st.failures ? 1 : 0);
    }
    kprintf("athanor: init finished, powering off\n");
    arch_poweroff(0);
}
