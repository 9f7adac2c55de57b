/*
 * System control (kernel/core/sysctl.c, docs/shell.md): the KOBJ_SYSTEM
 * object and its "athanor" host calls, the authority a shell needs over the
 * whole system and nothing more. A domain gets it only from a manifest
 * line "system NAME [rights=R]" (default read):
 *   read     list the domains and their capabilities, read the kernel log
 *            and the memory figures (sys_dom, sys_cap, sys_log, sys_stat)
 *   write    write to the console (console_write, kernel/core/dev.c)
 *   control  a control capability over any domain (sys_domain: then
 *            dom_kill / dom_restart / dom_reset), power off and reboot
 *            (sys_power, sys_halt), announce the shell's prompt (sys_ready),
 *            run a program of the boot image or a WASI program from the
 *            file system and wait for it (sys_run, sys_wasi, sys_wait),
 *            read the command the kernel command line gave (sys_cmd)
 * Every call looks its capability up first; without one (or without the
 * right) it fails with ATH_ETYPE / ATH_ERIGHTS and does nothing.
 */
#ifndef KERN_SYSCTL_H
#define KERN_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/domain.h>

struct wasm_linker;

/* What only the kernel proper knows: memory figures, the log ring, power.
 * The hosted tests leave it unset (those calls then fail with ATH_ENOENT). */
struct sysctl_prog;

typedef struct sysctl_platform {
    /* key: SYS_STAT_*; returns the figure. */
    uint64_t (*stat)(int key);
    /* Copies the last at most cap bytes of the kernel log into buf. */
    size_t (*log_tail)(char *buf, size_t cap);
    /* Asks the boot thread to power off (how 0, status 0) or reboot (1). */
    void (*power)(int how);
    /* The shell is at its prompt: returns true when the console is not
     * interactive (athanor.once): the shell then powers off by itself. */
    bool (*ready)(void);
    /* Runs d's entry on a new thread; when it ends, sets p->status (its
     * result, or -1 if it trapped) and then p->done. False: no thread. */
    bool (*spawn)(domain_t *d, struct sysctl_prog *p);
    /* WASI programs from the file system (kern/wasiprog.h): make one as
     * wasiprog_launch does / free it once its status is collected. */
    int (*wasi_launch)(domain_t *by, cap_handle_t fs, cap_handle_t rng, const char *spec,
                       size_t len, domain_t **out, char *why, size_t why_cap);
    void (*wasi_unload)(domain_t *d);
    int (*wasi_stdin)(domain_t *d, domain_t *to, cap_handle_t *out);
    /* The command the kernel command line gave to run (athanor.cmd=HEX),
     * into buf (cap bytes): its full length, 0 when there is none. */
    size_t (*cmd)(char *buf, size_t cap);
    /* Asks the boot thread to power off with this exit status. */
    void (*halt)(int status);
} sysctl_platform_t;

/* A program started by sys_run (a domain made from bin/NAME.wasm). */
typedef struct sysctl_prog {
    domain_t *d;
    bool wasi;                      /* a WASI program (kern/wasiprog.h) */
    volatile bool running, done;
    volatile int64_t status;
} sysctl_prog_t;

enum {
    SYS_STAT_FRAMES = 0,    /* physical frames (4 KiB) in all */
    SYS_STAT_FREE,          /* of which free */
    SYS_STAT_HEAP,          /* kernel heap bytes in use */
    SYS_STAT_BOOTIMG,       /* boot image bytes */
    SYS_STAT_UPTIME_NS,     /* since kernel entry */
    SYS_STAT_PROMISED,      /* free frames promised to pages not touched yet (pmm_promise) */
    SYS_STAT_NKEYS
};

/* The one system object; sysctl_set_platform sets the kernel's hooks. */
kobj_t *sysctl_object(void);
void sysctl_set_platform(const sysctl_platform_t *p);

/* The sys_* host calls (and only them) into l for domain d. */
bool sysctl_hostcalls_define(struct wasm_linker *l, domain_t *d);

#endif
