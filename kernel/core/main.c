/*
 * kmain: brings the machine layer up in order, builds the domains the boot
 * image's manifest names (loader.c, docs/domains.md), prints the boot line,
 * runs init and starts the console driver domain.
 *
 * The product kernel then runs the shell domain (user/apps/shell, docs/
 * shell.md) on a thread of its own and waits for it to ask for a power-off
 * or a reboot (sys_power; "athanor.once" on the command line: the shell
 * powers off once at its prompt). Without a shell domain it keeps the
 * console until "poweroff" is typed. A test kernel (make KTEST=1: -DATHANOR_TEST, the
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
#include <kern/domain.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/sysctl.h>
#include <kern/wasiprog.h>
#include <wasm/wasm.h>

#include "core.h"
#ifdef ATHANOR_TEST
#include "ktest.h"
#endif

#define STAGE2_STACK (256u * 1024u)

typedef struct stage2 {
    int failures;
    const char *cmdline;
} stage2_t;

/* ------------------------------------------------------------ sysctl */

#define MS 1000000ull

static volatile int power_req = -1;     /* sys_power: -1 none, 0 off, 1 reboot */
static volatile int power_status;       /* sys_halt: the status to power off with */
static bool console_once;               /* athanor.once */
static char run_cmd[1024];              /* athanor.cmd=HEX, decoded */
static size_t run_cmd_len;

static uint64_t plat_stat(int key)
{
    switch (key) {
    case SYS_STAT_FRAMES: return pmm_total_count();
    case SYS_STAT_FREE: return pmm_free_count();
    case SYS_STAT_HEAP: return heap_bytes();
    case SYS_STAT_BOOTIMG: return bootimg_size();
    case SYS_STAT_PROMISED: return pmm_promised_count();
    default: return 0;
    }
}

static void plat_power(int how)
{
    power_req = how;
}

/* The command's output is framed by two markers the host side cuts at
 * (scripts/run-cmd.sh): with athanor.quiet (make run QUIET=1) everything
 * before the first (firmware banners) and from the second on goes; the
 * first also tells it the command runs (its stdin may flow), the second
 * carries the status. */
#define CMD_BEGIN "\x1b]azoth;begin\x07"

static bool cmd_framed;

static void plat_halt(int status)
{
    if (cmd_framed) {
        char end[32] = "\x1b]azoth;end;";
        size_t n = strlen(end);
        if (status >= 100)
            end[n++] = (char)('0' + status / 100);
        if (status >= 10)
            end[n++] = (char)('0' + status / 10 % 10);
        end[n++] = (char)('0' + status % 10);
        end[n++] = '\x07';
        kcons_out(end, (uint32_t)n);
        cmd_framed = false;
        wasiprog_frame_stderr = false;
    }
    power_status = status;
    power_req = 0;
}

static size_t plat_cmd(char *buf, size_t cap)
{
    memcpy(buf, run_cmd, run_cmd_len < cap ? run_cmd_len : cap);
    if (run_cmd_len && !cmd_framed) {
        kcons_out(CMD_BEGIN, sizeof CMD_BEGIN - 1);
        cmd_framed = true;
        wasiprog_frame_stderr = true;
    }
    return run_cmd_len;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* athanor.cmd=HEX on the command line: the command `make run CMD=` gives
 * the shell, hex-encoded so that any byte survives the boot loaders. A
 * malformed or overlong one is dropped with a line saying so. */
static void read_epoch(const char *cmdline)
{
    static const char key[] = "athanor.epoch=";
    for (const char *p = cmdline; *p; p++)
        if ((p == cmdline || p[-1] == ' ') && !memcmp(p, key, sizeof key - 1)) {
            uint64_t v = 0;
            for (p += sizeof key - 1; *p >= '0' && *p <= '9' && v < 100000000000ull; p++)
                v = v * 10 + (uint64_t)(*p - '0');
            wasiprog_epoch_ns = v * 1000000000ull;
            return;
        }
}

/* athanor.engine=interp|compiled: the default tier of the kernel's Wasm
 * (domains without engine= in the manifest, docs/compiler.md). */
static void read_engine(const char *cmdline)
{
    static const char key[] = "athanor.engine=";
    for (const char *p = cmdline; *p; p++)
        if ((p == cmdline || p[-1] == ' ') && !memcmp(p, key, sizeof key - 1)) {
            p += sizeof key - 1;
            size_t n = 0;
            while (p[n] && p[n] != ' ')
                n++;
            if (n == 6 && !memcmp(p, "interp", 6))
                kwasm_set_engine(WASM_ENGINE_INTERP);
            else if (n == 8 && !memcmp(p, "compiled", 8))
                kwasm_set_engine(WASM_ENGINE_COMPILED);
            else
                kprintf("athanor: athanor.engine=%.*s: not interp or compiled, ignored\n", (int)n, p);
            return;
        }
}

static void read_cmd(const char *cmdline)
{
    read_epoch(cmdline);
    read_engine(cmdline);
    static const char key[] = "athanor.cmd=";
    const char *p = cmdline;
    for (; *p; p++)
        if ((p == cmdline || p[-1] == ' ') && !memcmp(p, key, sizeof key - 1))
            break;
    if (!*p)
        return;
    p += sizeof key - 1;
    size_t n = 0;
    for (; p[0] && p[0] != ' '; p += 2) {
        int hi = hexval(p[0]), lo = p[1] ? hexval(p[1]) : -1;
        if (hi < 0 || lo < 0 || n == sizeof run_cmd || (hi == 0 && lo == 0)) {
            kprintf("athanor: athanor.cmd: malformed or too long, ignored\n");
            return;
        }
        run_cmd[n++] = (char)(hi << 4 | lo);
    }
    run_cmd_len = n;
}

static bool plat_ready(void)
{
    kprintf("athanor: shell ready in %llu ms\n", (unsigned long long)(timer_now_ns() / MS));
    return console_once;
}

#define PROG_STACK (256u * 1024u)

/* A program's thread (sys_run): its entry, then the status for sys_wait. */
static void prog_thread(void *arg)
{
    sysctl_prog_t *p = arg;
    char tag[DOMAIN_NAME_MAX + 16];
    size_t n = strlen(p->d->name);
    memcpy(tag, p->d->name, n);
    memcpy(tag + n, ": trapped", 10);
    uint64_t res = 0;
    if (p->wasi) {
        p->status = wasiprog_run(p->d);
    } else {
        int r = loader_run_entry(p->d, tag, &res);
        p->status = r < 0 ? -1 : (int64_t)(uint32_t)res;
    }
    p->done = true;
    thread_exit();
}

static bool plat_spawn(domain_t *d, sysctl_prog_t *p)
{
    return thread_create(d, d->name, d->prio, prog_thread, p, PROG_STACK) != NULL;
}

static const sysctl_platform_t platform = {
    plat_stat, klog_tail, plat_power, plat_ready, plat_spawn,
    wasiprog_launch, wasiprog_unload, wasiprog_stdin, plat_cmd, plat_halt,
};

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
    kprintf("athanor: memory: %zu KiB of %zu KiB in use (heap %zu KiB, compiled code %zu KiB), "
            "boot image %zu bytes\n", used, pmm_total_count() * 4, heap_bytes() / 1024,
            kwasm_code_bytes() / 1024, bootimg_size());
}

#ifndef ATHANOR_TEST
#define SHELL_STACK (256u * 1024u)
#define SHELL_RUNS 5

/* The shell's thread: runs its entry; when it traps (the fault is
 * contained and its restart policy applies) runs it again once restarted,
 * up to SHELL_RUNS times. When it returns, or gives up, it asks for a
 * power-off (status 0 after an exit, 1 after repeated faults). */
static void shell_thread(void *arg)
{
    domain_t *d = arg;
    uint64_t res = 0;
    int run;
    for (run = 0; run < SHELL_RUNS && power_req < 0; run++) {
        if (loader_run_entry(d, "athanor: shell trapped", &res) == 0)
            break;
        for (int i = 0; i < 200 && d->state != DOMAIN_READY; i++)
            sched_sleep_ns(10 * MS);
    }
    if (power_req < 0) {
        kprintf("athanor: the shell %s\n", run < SHELL_RUNS ? "exited" : "keeps faulting");
        power_req = run < SHELL_RUNS ? 0 : 2;
    }
    thread_exit();
}

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
    read_cmd(st->cmdline);
    dev_scan();
    loader_run_manifest();
    print_boot_line();
    if (str_has_word(st->cmdline, "athanor.crash"))
        crash_on_purpose();
    if (!loader_run_init())
        st->failures++;
#ifdef ATHANOR_TEST
    if (str_has_word(st->cmdline, "athanor.bench-reset"))   /* the reset bench, then off */
        arch_poweroff(resetbench_run());
    int faults = faultcamp_run(st->cmdline);   /* athanor.faults=N: the campaign, then off */
    if (faults >= 0)
        arch_poweroff(faults);
    if (str_has_word(st->cmdline, "athanor.bench-boot"))  /* boot to init, then off */
        arch_poweroff(0);
    if (str_has_word(st->cmdline, "athanor.bench-jit"))   /* the compile bench, then off */
        arch_poweroff(jitbench_run());
    if (str_has_word(st->cmdline, "athanor.bench-fs"))   /* the file bench, then off */
        arch_poweroff(scenario_run_named("fsbench", 600000));
    if (str_has_word(st->cmdline, "athanor.bench"))   /* the IPC bench, then off */
        arch_poweroff(ipcbench_run());
    int console = dev_console_start(loader_domsys());
    st->failures += ktest_console(console);
    dev_console_stop();
    st->failures += ktest_run();
    timer_set_periodic(0);
    cpu_irq_disable();
#else
    domsys_t *sys = loader_domsys();
    int console = dev_console_start(sys);
    domain_t *sh = sys ? domain_find(sys, "shell") : NULL;
    console_once = str_has_word(st->cmdline, "athanor.once");
    if (console < 0) {
        st->failures++;
    } else if (console > 0 && sh && sh->state == DOMAIN_READY &&
               thread_create(sh, "shell", sh->prio, shell_thread, sh, SHELL_STACK)) {
        while (power_req < 0)
            sched_sleep_ns(10 * MS);
        if (power_req == 2)
            st->failures++;
    } else if (console > 0 && !console_once) {
        console_wait_poweroff();
    }
    dev_console_stop();
#endif
}

void kmain(boot_info_t *bi)
{
    klog_quiet = bi->cmdline && str_has_word(bi->cmdline, "athanor.quiet");
    console_init();
    kstack_boot((uintptr_t)__builtin_frame_address(0));
    kprintf("athanor %s %s: kernel entered\n", ATHANOR_VERSION, arch_name());
    cpu_init();
    pmm_init(bi);
    mmu_init();
    if (pmm_boot_given())
        kprintf("pmm: %zu KiB of the image given back (boot page tables, guard pages)\n",
                pmm_boot_given() >> 10);
    heap_init();
    irq_init();
    timer_init();
    stage2_t st = {0, bi->cmdline ? bi->cmdline : ""};
    sysctl_set_platform(&platform);
    if (!bootimg_check())
        st.failures++;
    kstack_run(STAGE2_STACK, stage2, &st);
#ifdef ATHANOR_TEST
    kprintf("athanor: %s\n", st.failures ? "some tests FAILED" : "all tests passed");
    arch_poweroff(st.failures ? 1 : 0);
#else
    if (power_req == 1) {
        kprintf("athanor: rebooting\n");
        arch_reboot();
    }
    kprintf("athanor: powering off\n");
    arch_poweroff(st.failures ? 1 : power_status);
#endif
}
