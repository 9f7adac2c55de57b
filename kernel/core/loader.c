/*
 * Boot through the domain manifest: the boot image's entry "manifest"
 * (format: docs/domains.md) names every domain of the system, init and
 * the drivers included; domsys_load_manifest (domain.c) builds them, each
 * with exactly the capabilities its entry grants. This file owns the one
 * domain system of the running kernel, runs init's entry, expires timed
 * leases (a reaper thread). The test kernel's scenario domains are run by
 * kernel/test/scenario.c.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/sched.h>
#include <kern/supervise.h>
#include <kern/sysctl.h>
#include <wasm/wasm.h>

#include "core.h"

#define MS 1000000ull
#define REAP_MAX_SLEEP (50 * MS)

static domsys_t boot_sys;
static bool boot_sys_ok;

domsys_t *loader_domsys(void)
{
    return boot_sys_ok ? &boot_sys : NULL;
}

/* Ends timed leases when they are due. The reaper sleeps until the
 * earliest lease end, which the scheduler turns into a one-shot timer
 * interrupt at that time (timer_set_oneshot), so a lease ends within an
 * interrupt's and a switch's time of its end, not at the next tick. A
 * lease made while the reaper sleeps wakes it when it ends before the
 * planned wake-up (hc_cap_lease). cap_tick gives up while a capability
 * operation is in progress (the space is busy): then it tries again
 * REAP_RETRY later. */
#define REAP_RETRY (50 * 1000ull)

static void lease_reaper(void *arg)
{
    domsys_t *sys = arg;
    for (;;) {
        uint64_t now = timer_now_ns(), next = cap_next_deadline(&sys->space);
        if (next <= now) {
            cap_tick(&sys->space, now);
            ipc_reap(sys);      /* channels whose last capability ended with a lease */
            next = cap_next_deadline(&sys->space);
        }
        if (next <= now)
            next = now + REAP_RETRY;    /* still due: the space was busy */
        if (next > now + REAP_MAX_SLEEP)
            next = now + REAP_MAX_SLEEP;
        /* until next, or until a lease made meanwhile ends sooner (cap_lease) */
        bool on = cpu_irq_save();
        uint64_t soon = cap_next_deadline(&sys->space);    /* a lease made since */
        if (soon < next && soon > now)
            next = soon;
        sys->reap_at = next;
        waitq_wait(&sys->reaper, next);
        cpu_irq_save();
        sys->reap_at = UINT64_MAX;
        cpu_irq_restore(on);
    }
}

int loader_run_manifest(void)
{
    const uint8_t *text;
    size_t len;
    if (!bootimg_find("manifest", &text, &len)) {
        kprintf("athanor: no manifest in the boot image\n");
        return 0;
    }
    wasm_runtime_t *rt = kwasm_runtime();
    if (!rt || !domsys_init(&boot_sys, rt, bootimg_find)) {
        kprintf("athanor: out of memory creating the Wasm runtime\n");
        return 0;
    }
    boot_sys_ok = true;
    boot_sys.system = sysctl_object();      /* for "system" lines: kern/sysctl.h */
    int n = domsys_load_manifest(&boot_sys, (const char *)text, len);
    if (!thread_create(NULL, "leases", SCHED_PRIOS - 1, lease_reaper, &boot_sys, 16u * 1024u))
        kprintf("athanor: cannot start the lease reaper\n");
    if (!sup_start(&boot_sys))      /* watchdog and restarts: kern/supervise.h */
        kprintf("athanor: cannot start the supervisor\n");
    return n;
}

int loader_run_entry(domain_t *d, const char *tag, uint64_t *res)
{
    wasm_func_t *f = d->inst ? wasm_instance_func(d->inst, d->entry) : NULL;
    const uint8_t *pt, *rtypes;
    uint32_t np = 0, nr = 0;
    if (f)
        wasm_func_type(f, &pt, &np, &rtypes, &nr);
    if (!f || np != 0 || nr > 1) {
        kprintf("%s: no export %s of type () -> () or () -> i32\n", tag, d->entry);
        return -1;
    }
    wasm_exec_t *ex = wasm_exec_new(d->sys->rt);
    wasm_trap_t *trap = kmalloc(sizeof *trap);   /* 5 KiB: off the stack */
    if (!ex || !trap) {
        kprintf("%s: out of memory\n", tag);
        if (ex)
            wasm_exec_free(ex);
        kfree(trap);
        return -1;
    }
    *res = 0;
    thread_set_exec(thread_current(), ex);
    d->sup.entry_ex = ex;
    d->sup.entry_thread = thread_current();
    d->sup.entry_stop = false;
    sup_run_begin(d, ex);
    wasm_trap_kind_t k = wasm_call(ex, f, NULL, res, trap);
    sup_run_end(d);
    bool stopped = d->sup.entry_stop;
    d->sup.entry_ex = NULL;
    d->sup.entry_thread = NULL;
    d->sup.entry_stop = false;
    if (d->sup.restart_pending) {   /* asked while the run was ending */
        d->sup.restart_pending = false;
        if (!domain_restart(d))
            kprintf("athanor: domain %s: the restart asked during its entry failed\n", d->name);
    }
    thread_set_exec(thread_current(), NULL);
    int r = 0;
    if (k == WASM_TRAP_EXIT && trap->exit_code == 0) {
        *res = 0;
    } else if (k != WASM_OK && stopped) {
        kprintf("athanor: domain %s: its entry stopped (%s)\n", d->name,
                d->state == DOMAIN_STOPPED ? "killed" : "a fault");
        r = -1;
    } else if (k != WASM_OK) {
        static char buf[512];
        wasm_trap_format(trap, buf, sizeof buf);
        kprintf("%s: %s\n", tag, buf);
        domain_fault(d, k, "its entry trapped");   /* contained: only d stops */
        r = -1;
    }
    kfree(trap);
    wasm_exec_free(ex);
    return r;
}

bool loader_run_init(void)
{
    domain_t *d = boot_sys_ok ? domain_find(&boot_sys, "init") : NULL;
    uint64_t res;
    if (!d || d->state != DOMAIN_READY) {
        kprintf("athanor: no init module\n");
        return false;
    }
    return loader_run_entry(d, "athanor: init trapped", &res) == 0;
}
