/*
 * kmain: brings the machine layer up in order, builds the domains the boot
 * image's manifest names (loader.c, docs/domains.md), prints the boot line,
 * runs init and starts the console driver domain.
 *
 * The product kernel then keeps the console until "poweroff" is typed (or
 * powers off at once with "athanor.once" on the command line) and powers
 * off with status 0. A test kernel (make KTEST=1: -DATHANOR_TEST, the
 * harness of kernel/test/ linked in) runs the self-tests, the in-kernel
 * spec subset, the scenario domains and the hostile modules instead and
 * powers off with status 0 if all passed, 1 otherwise.
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
#include <kern/sched.h>

#include "core.h"
#ifdef ATHANOR_TEST
#include "ktest.h"
#endif

#define STAGE2_STACK (256u * 1024u)

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

#ifndef ATHANOR_TEST
/* The product kernel: the console belongs to its driver domain until
 * "poweroff" is typed. */
static void console_wait_poweroff(void)
{
    char line[128];
    kprintf("athanor: type \"poweroff\" to stop\n");
    for (;;) {
        if (kcons_getline(line, sizeof line) >= 0 && str_has_word(line, "poweroff"))
            return;
        sched_sleep_ns(20u * 1000000u);
    }
}
#endif

/* Everything after the machine layer, on a kernel stack of our own. */
static void stage2(void *arg)
{
    stage2_t *st = arg;
    dev_scan();
    loader_run_manifest();
    print_boot_line();
    if (str_has_word(st->cmdline, "athanor.crash"))
        crash_on_purpose();
    if (!loader_run_init())
        st->failures++;
#ifdef ATHANOR_TEST
    if (str_has_word(st->cmdline, "athanor.bench"))   /* the IPC bench, then off */
        arch_poweroff(ipcbench_run());
    int console = dev_console_start(loader_domsys());
    st->failures += ktest_console(console);
    dev_console_stop();
    st->failures += ktest_run();
    timer_set_periodic(0);
    cpu_irq_disable();
#else
    int console = dev_console_start(loader_domsys());
    if (console < 0)
        st->failures++;
    else if (console > 0 && !str_has_word(st->cmdline, "athanor.once"))
        console_wait_poweroff();
    dev_console_stop();
#endif
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
    stage2_t st = {0, bi->cmdline ? bi->cmdline : ""};
    if (!bootimg_check())
        st.failures++;
    kstack_run(STAGE2_STACK, stage2, &st);
#ifdef ATHANOR_TEST
    kprintf("athanor: %s\n", st.failures ? "some tests FAILED" : "all tests passed");
    arch_poweroff(st.failures ? 1 : 0);
#else
    kprintf("athanor: powering off\n");
    arch_poweroff(st.failures ? 1 : 0);
#endif
}
