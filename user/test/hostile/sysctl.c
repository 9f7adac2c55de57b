/*
 * sysctl.wasm: the system-control host calls (kern/sysctl.h) in the hands
 * of domains that must not have them. Each entry returns 0 when every
 * abuse was refused, else the number of the check that wrongly succeeded.
 *   run       holds only its own endpoint grant: every sys_* call and
 *             console_write, with no handle, a forged one, its endpoint,
 *             must fail and do nothing
 *   readonly  holds "system sys rights=read": the read calls work, with
 *             bad pointers and indexes refused; every call needing write
 *             or control fails with ERIGHTS, and it cannot widen its rights
 *   control   holds "system sys rights=control": bad names, pointers,
 *             lengths and handles given to sys_domain, sys_run, sys_wait
 *             and sys_power are refused (nothing is run or powered off)
 */
#include <athanor.h>

static char buf[256];

/* Every call on handle h must fail: 0, or base + the failing call. */
static int refused(ath_handle_t h, int base)
{
    if (ath_sys_dom(h, 0, buf, sizeof buf) >= 0)
        return base + 1;
    if (ath_sys_cap(h, 0, 0, buf, sizeof buf) >= 0)
        return base + 2;
    if (ath_sys_log(h, buf, sizeof buf) >= 0)
        return base + 3;
    if (ath_sys_stat(h, ATH_STAT_FRAMES) >= 0)
        return base + 4;
    if (ath_sys_domain(h, "svc", 3) >= 0)
        return base + 5;
    if (ath_sys_power(h, 0) >= 0 || ath_sys_power(h, 1) >= 0)
        return base + 6;
    if (ath_sys_ready(h) >= 0)
        return base + 7;
    if (ath_console_write(h, "x", 1) >= 0)
        return base + 8;
    if (ath_sys_run(h, "hello", 5, "", 0) >= 0 || ath_sys_wait(h, h, 0) >= 0)
        return base + 9;
    return 0;
}

ATH_EXPORT("run") int32_t run(void)
{
    ath_handle_t ep = ath_cap_find("svc.echo");
    if (ep < 0)
        return 1;
    int r;
    if ((r = refused(0, 10)) || (r = refused(-1, 20)) || (r = refused(ep, 30)) ||
        (r = refused(ep + 1, 40)) || (r = refused(ep + (7 << 14), 50)))
        return r;
    /* The wrong type is reported as such, not as a missing right. */
    if (ath_sys_dom(ep, 0, buf, sizeof buf) != ATH_ETYPE)
        return 60;
    return 0;
}

ATH_EXPORT("readonly") int32_t readonly(void)
{
    ath_handle_t s = ath_cap_find("sys");
    if (s < 0)
        return 1;
    /* Reading works: its own line and its own capability among them ... */
    static const char me[] = "sysctl.readonly ";
    int32_t i, n;
    for (i = 0; (n = ath_sys_dom(s, i, buf, sizeof buf)) > 0; i++) {
        int k = 0;
        while (me[k] && buf[k] == me[k])
            k++;
        if (!me[k])
            break;
    }
    if (n <= 0 || ath_sys_cap(s, i, 0, buf, sizeof buf) <= 0 ||
        ath_sys_stat(s, ATH_STAT_FRAMES) <= 0 || ath_sys_log(s, buf, sizeof buf) < 0)
        return 2;
    /* ... within bounds: bad pointers, lengths, indexes and keys. */
    if (ath_sys_dom(s, 0, (char *)0xfffffff0u, 64) != ATH_EFAULT ||
        ath_sys_dom(s, 0, buf, 0x7fffffff) != ATH_EFAULT)
        return 3;
    if (ath_sys_dom(s, 100000, buf, sizeof buf) != ATH_ENOENT ||
        ath_sys_dom(s, -1, buf, sizeof buf) != ATH_ENOENT)
        return 4;
    if (ath_sys_cap(s, 0, 100000, buf, sizeof buf) != ATH_ENOENT ||
        ath_sys_cap(s, 100000, 0, buf, sizeof buf) != ATH_ENOENT)
        return 5;
    if (ath_sys_log(s, (char *)0xffff0000u, 0x10000) != ATH_EFAULT)
        return 6;
    if (ath_sys_stat(s, -1) != ATH_EINVAL || ath_sys_stat(s, ATH_STAT_PROMISED) < 0 ||
        ath_sys_stat(s, ATH_STAT_PROMISED + 1) != ATH_EINVAL)
        return 7;
    /* A zero-length buffer gets the length, nothing written. */
    if (ath_sys_dom(s, 0, buf + sizeof buf, 0) <= 0)
        return 8;
    /* What needs write or control is refused. */
    if (ath_sys_power(s, 0) != ATH_ERIGHTS || ath_sys_power(s, 1) != ATH_ERIGHTS)
        return 9;
    if (ath_sys_domain(s, "svc", 3) != ATH_ERIGHTS || ath_sys_ready(s) != ATH_ERIGHTS)
        return 10;
    if (ath_console_write(s, "x", 1) != ATH_ERIGHTS)
        return 11;
    if (ath_sys_run(s, "hello", 5, "", 0) != ATH_ERIGHTS || ath_sys_wait(s, s, 0) != ATH_ERIGHTS)
        return 13;
    /* No way to more rights: no derive right, and a lease is a derive. */
    if (ath_cap_dup(s, ATH_R_READ | ATH_R_CONTROL) >= 0 || ath_cap_dup(s, ATH_R_READ) >= 0 ||
        ath_cap_lease(s, ATH_R_CONTROL, 1000000) >= 0)
        return 12;
    return 0;
}

ATH_EXPORT("control") int32_t control(void)
{
    ath_handle_t s = ath_cap_find("sys"), ep = ath_cap_find("svc.echo");
    if (s < 0 || ep < 0)
        return 1;
    static char big[400];
    for (int i = 0; i < (int)sizeof big; i++)
        big[i] = 'a';
    /* sys_domain: bad pointer, no name, a name too long, no such domain. */
    if (ath_sys_domain(s, (const char *)0xfffffff0u, 64) != ATH_EFAULT ||
        ath_sys_domain(s, "svc", 0) != ATH_ENOENT || ath_sys_domain(s, big, 300) != ATH_ENOENT ||
        ath_sys_domain(s, "nosuch", 6) != ATH_ENOENT || ath_sys_domain(s, "svc\0x", 5) != ATH_ENOENT)
        return 2;
    /* sys_run: only bin/NAME.wasm for a plain NAME, args bounded. */
    if (ath_sys_run(s, (const char *)0xfffffff0u, 8, "", 0) != ATH_EFAULT ||
        ath_sys_run(s, "hello", 5, (const char *)0xfffffff0u, 64) != ATH_EFAULT)
        return 3;
    if (ath_sys_run(s, "", 0, "", 0) != ATH_ENOENT || ath_sys_run(s, "../hello", 8, "", 0) != ATH_ENOENT ||
        ath_sys_run(s, "HELLO", 5, "", 0) != ATH_ENOENT || ath_sys_run(s, "nosuch", 6, "", 0) != ATH_ENOENT ||
        ath_sys_run(s, big, 300, "", 0) != ATH_ENOENT)
        return 4;
    if (ath_sys_run(s, "hello", 5, big, 300) != ATH_EINVAL)
        return 5;
    /* A domain of the manifest is not a program: not run, not waited on. */
    if (ath_sys_run(s, "svc", 3, "", 0) != ATH_EINVAL)
        return 6;
    ath_handle_t d = ath_sys_domain(s, "svc", 3);
    if (d < 0 || ath_sys_wait(s, d, 0) != ATH_EINVAL || ath_sys_wait(s, ep, 0) != ATH_ETYPE ||
        ath_sys_wait(s, 0, 0) >= 0 || ath_sys_wait(s, s, 0) != ATH_ETYPE)
        return 7;
    ath_cap_drop(d);
    /* sys_power: only 0 and 1 (neither is asked here). */
    if (ath_sys_power(s, 2) != ATH_EINVAL || ath_sys_power(s, -1) != ATH_EINVAL)
        return 8;
    /* control without read or write: those calls are refused. */
    if (ath_sys_dom(s, 0, buf, sizeof buf) != ATH_ERIGHTS || ath_console_write(s, "x", 1) != ATH_ERIGHTS)
        return 9;
    return 0;
}
