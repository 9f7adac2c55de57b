/*
 * System control: the KOBJ_SYSTEM object and the sys_* host calls
 * (kern/sysctl.h, docs/hostcalls.md, docs/shell.md). Each call first looks
 * up the capability the caller passes in its own table, of type
 * KOBJ_SYSTEM with the right the call needs; then it acts on the caller's
 * own domain system only. Lines written into guest memory are plain words
 * separated by single spaces, cut to the buffer (the result is the full
 * length, so a caller can tell it was cut).
 */
#include <arch/timer.h>
#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/supervise.h>
#include <kern/sysctl.h>
#include <wasm/wasm.h>

#include "hostcall.h"

static const kobj_ops_t system_ops = {NULL, NULL};
static kobj_t system_obj;
static bool system_up;
static const sysctl_platform_t *plat;

kobj_t *sysctl_object(void)
{
    if (!system_up) {
        kobj_init(&system_obj, KOBJ_SYSTEM, &system_ops);   /* its one reference is ours */
        system_up = true;
    }
    return &system_obj;
}

void sysctl_set_platform(const sysctl_platform_t *p)
{
    plat = p;
}

/* ------------------------------------------------------------ lines */

typedef struct out {
    char *p;
    uint32_t n, cap;
} out_t;

static void put_s(out_t *o, const char *s)
{
    for (; *s; s++, o->n++)
        if (o->n < o->cap)
            o->p[o->n] = *s;
}

static void put_u(out_t *o, uint64_t v)
{
    char b[24];
    int i = sizeof b - 1;
    b[i] = 0;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    put_s(o, b + i);
}

static const char *state_name(domain_state_t s)
{
    static const char *const names[] = {"new", "ready", "stopped", "dead", "faulted"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static const char *type_name(int t)
{
    static const char *const names[KOBJ_NTYPES] = {
        [KOBJ_ANY] = "any", [KOBJ_ENDPOINT] = "endpoint", [KOBJ_CHANNEL] = "channel",
        [KOBJ_BUFFER] = "buffer", [KOBJ_IRQ] = "irq", [KOBJ_MMIO] = "mmio",
        [KOBJ_IOPORT] = "ioport", [KOBJ_TIMER] = "timer", [KOBJ_DOMAIN] = "domain",
        [KOBJ_CLOCK] = "clock", [KOBJ_SYSTEM] = "system", [KOBJ_TEST] = "test",
        [KOBJ_DMA] = "dma",
    };
    return (unsigned)t < KOBJ_NTYPES && names[t] ? names[t] : "?";
}

/* Rights as letters, one per right (r w m c s v d t k x; '-' if absent). */
static void put_rights(out_t *o, uint32_t r)
{
    static const char letters[] = "rwmcsvdtkx";
    char b[11];
    for (int i = 0; i < 10; i++)
        b[i] = (r & (1u << i)) ? letters[i] : '-';
    b[10] = 0;
    put_s(o, b);
}

/* ------------------------------------------------------------ host calls */

/* The system capability h of u with right need: 0 or an error. */
static int sys_check(domain_t *u, uint64_t h, uint32_t need)
{
    kobj_t *o;
    return cap_lookup(u->caps, (cap_handle_t)h, KOBJ_SYSTEM, need, &o);
}

/* The index-th domain of u's system, or NULL. */
static domain_t *nth_domain(domain_t *u, uint32_t index)
{
    domain_t *d = u->sys->list;
    for (uint32_t i = 0; d && i < index; i++)
        d = d->next;
    return d;
}

/* [ptr, ptr + cap) of the caller's memory as an out_t; false if outside. */
static bool guest_out(wasm_call_ctx_t *ctx, uint64_t ptr, uint64_t cap, out_t *o)
{
    uint8_t *p = hostcall_guest(ctx, ptr, cap);
    *o = (out_t){(char *)p, 0, (uint32_t)cap};
    return p != NULL;
}

/* sys_dom(sys, index, buf, cap) -> length of the index-th domain's line:
 * "NAME STATE PRIO MEM_KIB CPU_US RESTARTS CAPS FAULTS", ENOENT past the
 * last. */
static wasm_trap_kind_t hc_sys_dom(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    out_t o;
    int e = sys_check(u, c[0], CAP_R_READ);
    if (e)
        return RET(e), WASM_OK;
    if (!guest_out(ctx, c[2], c[3], &o))
        return RET(IPC_EFAULT), WASM_OK;
    domain_t *d = nth_domain(u, (uint32_t)c[1]);
    if (!d)
        return RET(CAP_ENOENT), WASM_OK;
    wasm_memory_t *m = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
    put_s(&o, d->name);
    put_s(&o, " ");
    put_s(&o, state_name(d->state));
    put_s(&o, " ");
    put_u(&o, (uint64_t)d->prio);
    put_s(&o, " ");
    put_u(&o, m ? wasm_memory_size(m) / 1024 : 0);
    put_s(&o, " ");
    put_u(&o, d->sup.cpu_ns / 1000);
    put_s(&o, " ");
    put_u(&o, d->sup.restarts);
    put_s(&o, " ");
    put_u(&o, d->caps ? cap_table_count(d->caps) : 0);
    put_s(&o, " ");
    put_u(&o, d->sup.faults);
    return RET(o.n), WASM_OK;
}

#define SYS_CAPS_MAX 256

/* sys_cap(sys, dom_index, i, buf, cap) -> length of the line about the
 * i-th live capability of that domain: "HANDLE TYPE RIGHTS NAME TARGET
 * LEASE" (NAME "-" when unnamed; TARGET the object's name@definer, the
 * domain's name, or "-"; LEASE "-", "event" or the ms left); ENOENT past
 * the last. */
static wasm_trap_kind_t hc_sys_cap(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    out_t o;
    int e = sys_check(u, c[0], CAP_R_READ);
    if (e)
        return RET(e), WASM_OK;
    if (!guest_out(ctx, c[3], c[4], &o))
        return RET(IPC_EFAULT), WASM_OK;
    domain_t *d = nth_domain(u, (uint32_t)c[1]);
    uint32_t i = (uint32_t)c[2];
    static cap_handle_t hs[SYS_CAPS_MAX];   /* one CPU, no sleep in between */
    uint32_t n = d && d->caps ? cap_table_handles(d->caps, hs, SYS_CAPS_MAX) : 0;
    if (!d || i >= n || i >= SYS_CAPS_MAX)
        return RET(CAP_ENOENT), WASM_OK;
    cap_handle_t h = hs[i];
    uint32_t rights = 0;
    kobj_type_t type = KOBJ_ANY;
    kobj_t *obj = NULL;
    bool lease = false;
    uint64_t end = 0;
    cap_info(d->caps, h, &rights, &type);
    cap_lookup(d->caps, h, KOBJ_ANY, 0, &obj);
    cap_lease_info(d->caps, h, &lease, &end);
    put_u(&o, h);
    put_s(&o, " ");
    put_s(&o, type_name(type));
    put_s(&o, " ");
    put_rights(&o, rights);
    put_s(&o, " ");
    const char *name = "-";
    for (int k = 0; k < DOMAIN_MAX_NAMES; k++)
        if (d->names[k].name[0] && d->names[k].h == h)
            name = d->names[k].name;
    put_s(&o, name);
    put_s(&o, " ");
    domain_t *owner = NULL;
    const char *oname = obj ? domsys_obj_name(d->sys, obj, &owner) : NULL;
    if (type == KOBJ_DOMAIN && obj) {
        put_s(&o, ((domain_t *)obj)->name);
    } else if (oname) {
        put_s(&o, oname);
        put_s(&o, "@");
        put_s(&o, owner->name);
    } else {
        put_s(&o, "-");
    }
    put_s(&o, " ");
    uint64_t now = timer_now_ns();
    if (!lease)
        put_s(&o, "-");
    else if (!end)
        put_s(&o, "event");
    else {
        put_u(&o, end > now ? (end - now) / 1000000u : 0);
        put_s(&o, "ms");
    }
    return RET(o.n), WASM_OK;
}

/* sys_log(sys, buf, cap) -> bytes: the tail of the kernel log. */
static wasm_trap_kind_t hc_sys_log(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    out_t o;
    int e = sys_check(u, c[0], CAP_R_READ);
    if (e)
        return RET(e), WASM_OK;
    if (!guest_out(ctx, c[1], c[2], &o))
        return RET(IPC_EFAULT), WASM_OK;
    if (!plat || !plat->log_tail)
        return RET(CAP_ENOENT), WASM_OK;
    return RET((int32_t)plat->log_tail(o.p, o.cap)), WASM_OK;
}

/* sys_stat(sys, key) -> the figure (i64 >= 0), or an error. */
static wasm_trap_kind_t hc_sys_stat(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    int e = sys_check(u, c[0], CAP_R_READ);
    int32_t key = (int32_t)c[1];
    if (!e && (key < 0 || key >= SYS_STAT_NKEYS))
        e = CAP_EINVAL;
    if (!e && key != SYS_STAT_UPTIME_NS && (!plat || !plat->stat))
        e = CAP_ENOENT;
    if (e)
        c[0] = (uint64_t)(int64_t)e;
    else
        c[0] = key == SYS_STAT_UPTIME_NS ? timer_now_ns() / 1000000u * 1000000u   /* 1 ms, as uptime_ns */
                                         : plat->stat(key);
    return WASM_OK;
}

/* sys_domain(sys, name, len) -> a new handle (in the caller's table) to the
 * named domain with rights control and read: for dom_kill, dom_restart,
 * dom_reset. The caller drops it when done. */
static wasm_trap_kind_t hc_sys_domain(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    domain_t *me = u;
    char name[DOMAIN_NAME_MAX];
    int e = sys_check(me, c[0], CAP_R_CONTROL);
    if (e)
        return RET(e), WASM_OK;
    const uint8_t *p = hostcall_guest(ctx, c[1], c[2]);
    uint32_t n = (uint32_t)c[2];
    if (!p)
        return RET(IPC_EFAULT), WASM_OK;
    if (n == 0 || n >= sizeof name)
        return RET(CAP_ENOENT), WASM_OK;
    memcpy(name, p, n);
    name[n] = 0;
    domain_t *d = strlen(name) == n ? domain_find(me->sys, name) : NULL;
    if (!d)
        return RET(CAP_ENOENT), WASM_OK;
    cap_handle_t h;
    e = cap_install(me->caps, &d->obj, CAP_R_CONTROL | CAP_R_READ, &h);
    return RET(e ? e : (int32_t)h), WASM_OK;
}

/* sys_power(sys, how): 0 power off, 1 reboot. Returns 0; the boot thread
 * does it. */
static wasm_trap_kind_t hc_sys_power(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    int e = sys_check(u, c[0], CAP_R_CONTROL);
    uint32_t how = (uint32_t)c[1];
    if (!e && how > 1)
        e = CAP_EINVAL;
    if (!e && (!plat || !plat->power))
        e = CAP_ENOENT;
    if (!e)
        plat->power((int)how);
    return RET(e), WASM_OK;
}

/* sys_ready(sys) -> 1 when the console is not interactive, else 0. */
static wasm_trap_kind_t hc_sys_ready(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    int e = sys_check(u, c[0], CAP_R_CONTROL);
    if (!e && (!plat || !plat->ready))
        e = CAP_ENOENT;
    return RET(e ? e : plat->ready() ? 1 : 0), WASM_OK;
}

/* ------------------------------------------------------------ programs */

#define SYS_PROGS 8
#define PROG_FILE_MAX (DOMAIN_NAME_MAX + 16)

static sysctl_prog_t progs[SYS_PROGS];

static sysctl_prog_t *prog_of(domain_t *d)
{
    for (int i = 0; i < SYS_PROGS; i++)
        if (progs[i].d == d)
            return &progs[i];
    return NULL;
}

/* A slot for a new program, or NULL (all SYS_PROGS in use). */
static sysctl_prog_t *prog_free_slot(void)
{
    return prog_of(NULL);
}

/* The program under h, a control handle in u's table, u holding the
 * system capability sys with control; NULL with *err set otherwise. */
static sysctl_prog_t *prog_by_handle(domain_t *u, uint64_t sys, uint64_t h, int *err)
{
    kobj_t *o;
    int e = sys_check(u, sys, CAP_R_CONTROL);
    if (!e)
        e = cap_lookup(u->caps, (cap_handle_t)h, KOBJ_DOMAIN, CAP_R_CONTROL, &o);
    sysctl_prog_t *p = e ? NULL : prog_of((domain_t *)o);
    *err = e ? e : p ? 0 : CAP_EINVAL;
    return p;
}

/* Gives me a control handle (control, read) to program p's domain in *h
 * and runs its entry on a thread of its own (plat->spawn). On an error
 * nothing is given and p is not running; the caller undoes the rest. */
static int prog_start(domain_t *me, sysctl_prog_t *p, cap_handle_t *h)
{
    int e = cap_install(me->caps, &p->d->obj, CAP_R_CONTROL | CAP_R_READ, h);
    if (e)
        return e;
    p->done = false;
    p->status = 0;
    p->running = true;
    if (!plat->spawn(p->d, p)) {
        p->running = false;
        cap_delete(me->caps, *h);
        return CAP_ENOMEM;
    }
    return 0;
}

/* Whether name is a program name: 1..24 of [a-z0-9_-]. */
static bool prog_name_ok(const char *name, uint32_t n)
{
    if (n == 0 || n > 24)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

#define PROG_CAPS_MAX 512

/* Whether text is capability lines only: every non-empty line indented,
 * no NUL (a line starting at column 0 would be a new domain entry). */
static bool caps_lines_ok(const uint8_t *p, size_t len)
{
    bool start = true;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == 0 || (start && p[i] != ' ' && p[i] != '\n'))
            return false;
        start = p[i] == '\n';
    }
    return true;
}

/* The program's domain, made from bin/NAME.wasm on its first run (one
 * manifest line, and the capability lines of bin/NAME.caps), reset to its snapshot before every later one; or NULL
 * with *err set. */
static domain_t *prog_domain(domain_t *me, const char *name, int *err)
{
    domsys_t *sys = me->sys;
    domain_t *d = domain_find(sys, name);
    if (d) {
        sysctl_prog_t *p = prog_of(d);
        if (!p) {
            *err = CAP_EINVAL;      /* a domain of the manifest, not a program */
            return NULL;
        }
        if (p->wasi || (p->running && !p->done)) {
            *err = IPC_EBUSY;
            return NULL;
        }
        bool ok = d->state == DOMAIN_READY ? domain_reset(d) >= 0 : domain_restart(d);
        *err = ok ? 0 : IPC_EBUSY;
        return ok ? d : NULL;
    }
    char file[PROG_FILE_MAX], line[2 * PROG_FILE_MAX + PROG_CAPS_MAX];
    size_t n = strlen(name), k = 0;
    const uint8_t *bytes;
    size_t len;
    memcpy(file, "bin/", 4);
    memcpy(file + 4, name, n);
    memcpy(file + 4 + n, ".wasm", 6);
    if (!sys->find_file || !sys->find_file(file, &bytes, &len)) {
        *err = CAP_ENOENT;
        return NULL;
    }
    sysctl_prog_t *slot = prog_free_slot();
    if (!slot) {
        *err = IPC_ELIMIT;
        return NULL;
    }
    memcpy(line + k, name, n), k += n;
    line[k++] = ' ';
    memcpy(line + k, file, n + 9), k += n + 9;
    memcpy(line + k, " restart=never prio=8", 21), k += 21;
    /* Its capabilities, if the image has bin/NAME.caps: capability lines
     * only (each indented), at most PROG_CAPS_MAX bytes. */
    memcpy(file + 4 + n, ".caps", 6);
    if (sys->find_file(file, &bytes, &len)) {
        if (len > PROG_CAPS_MAX || !caps_lines_ok(bytes, len)) {
            kprintf("sys_run: %s: not capability lines only, or over %d bytes\n", file,
                    PROG_CAPS_MAX);
            *err = CAP_EINVAL;
            return NULL;
        }
        line[k++] = '\n';
        memcpy(line + k, bytes, len), k += len;
    }
    if (domsys_load_manifest(sys, line, k) != 1 || !(d = domain_find(sys, name)) ||
        d->state != DOMAIN_READY) {
        *err = CAP_EINVAL;          /* reported by the loader */
        return NULL;
    }
    slot->d = d;
    *err = 0;
    return d;
}

/* sys_run(sys, name, nlen, args, alen) -> a control handle (control,
 * read) to the program's domain: bin/NAME.wasm of the boot image, its
 * entry _start run on a thread of its own, athanor.args giving args. */
static wasm_trap_kind_t hc_sys_run(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    domain_t *me = u;
    char name[DOMAIN_NAME_MAX];
    int e = sys_check(me, c[0], CAP_R_CONTROL);
    if (e)
        return RET(e), WASM_OK;
    uint32_t nlen = (uint32_t)c[2], alen = (uint32_t)c[4];
    const uint8_t *np = hostcall_guest(ctx, c[1], nlen), *ap = hostcall_guest(ctx, c[3], alen);
    if (!np || !ap)
        return RET(IPC_EFAULT), WASM_OK;
    if (!prog_name_ok((const char *)np, nlen))
        return RET(CAP_ENOENT), WASM_OK;
    if (alen >= DOMAIN_ARGS_MAX)
        return RET(CAP_EINVAL), WASM_OK;
    if (!plat || !plat->spawn)
        return RET(CAP_ENOENT), WASM_OK;
    memcpy(name, np, nlen);
    name[nlen] = 0;
    domain_t *d = prog_domain(me, name, &e);
    if (!d)
        return RET(e), WASM_OK;
    memcpy(d->args, ap, alen);
    d->args[alen] = 0;
    memcpy(d->entry, "_start", 7);
    cap_handle_t h;
    e = prog_start(me, prog_of(d), &h);
    return RET(e ? e : (int32_t)h), WASM_OK;
}

/* sys_wait(sys, h, timeout_ns) -> the program's status (>= 0: what its
 * entry returned; IPC_ETRAP: it trapped or was killed), IPC_ETIMEDOUT
 * while it runs. h: a control handle to a program. */
static wasm_trap_kind_t hc_sys_wait(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    int e;
    sysctl_prog_t *p = prog_by_handle(u, c[0], c[1], &e);
    if (e) {
        c[0] = (uint64_t)(int64_t)e;    /* an i64 result */
        return WASM_OK;
    }
    uint64_t end = timer_now_ns() + (c[2] > 10000000000ull ? 10000000000ull : c[2]);
    while (!p->done && timer_now_ns() < end)
        sched_sleep_ns(1000000u);
    if (!p->done) {
        c[0] = (uint64_t)(int64_t)IPC_ETIMEDOUT;
        return WASM_OK;
    }
    p->running = false;
    c[0] = (uint64_t)(p->status < 0 ? (int64_t)IPC_ETRAP : p->status);
    if (p->wasi) {              /* collected: the slot is free again */
        if (plat && plat->wasi_unload)
            plat->wasi_unload(p->d);
        p->d = NULL;
        p->wasi = false;
    }
    return WASM_OK;
}

#define WHY_MAX 240

/* sys_wasi(sys, fs, rng, spec, len) -> a control handle (control, read)
 * to a new domain running the WASI program spec names (kern/wasiprog.h:
 * NUL-terminated fields p PATH, a ARG, e K=V, d PATH[::GUEST]), read
 * through the caller's directory capability fs, with rng (0: none) behind
 * random_get; both need the derive right. Wait for it with sys_wait. On
 * failure the reason is written over spec as a NUL-terminated line. */
static wasm_trap_kind_t hc_sys_wasi(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    domain_t *me = u;
    int e = sys_check(me, c[0], CAP_R_CONTROL);
    if (e)
        return RET(e), WASM_OK;
    uint32_t len = (uint32_t)c[4];
    uint8_t *sp = hostcall_guest(ctx, c[3], len);
    if (!sp)
        return RET(IPC_EFAULT), WASM_OK;
    if (len == 0 || len > 4096)
        return RET(CAP_EINVAL), WASM_OK;
    if (!plat || !plat->wasi_launch || !plat->spawn)
        return RET(CAP_ENOENT), WASM_OK;
    if (!prog_free_slot())      /* fail early; the slot is taken after the launch */
        return RET(IPC_ELIMIT), WASM_OK;
    char *spec = kmalloc(len), why[WHY_MAX];
    if (!spec)
        return RET(CAP_ENOMEM), WASM_OK;
    memcpy(spec, sp, len);
    why[0] = 0;
    domain_t *d = NULL;
    e = plat->wasi_launch(me, (cap_handle_t)c[1], (cap_handle_t)c[2], spec, len, &d, why,
                          sizeof why);
    kfree(spec);
    /* The launch may have slept (file service calls): look again. */
    if (!e && !(sp = hostcall_guest(ctx, c[3], len)))
        e = IPC_EFAULT;
    if (e) {
        if (d)
            plat->wasi_unload(d);
        if ((sp = hostcall_guest(ctx, c[3], len))) {
            size_t n = strlen(why) < len - 1 ? strlen(why) : len - 1;
            memcpy(sp, why, n);
            sp[n] = 0;
        }
        return RET(e), WASM_OK;
    }
    /* Taken only now: the launch slept, and another thread may have
     * taken the slot that was free before it (nothing sleeps from here
     * to p->d = d). */
    sysctl_prog_t *p = prog_free_slot();
    if (!p) {
        plat->wasi_unload(d);
        return RET(IPC_ELIMIT), WASM_OK;
    }
    cap_handle_t h;
    p->d = d;
    p->wasi = true;
    if ((e = prog_start(me, p, &h))) {
        p->d = NULL;
        p->wasi = false;
        plat->wasi_unload(d);
        return RET(e), WASM_OK;
    }
    return RET((int32_t)h), WASM_OK;
}

/* sys_stdin(sys, h) -> a send handle to the stdin of the WASI program
 * under h (a control handle sys_wasi gave): each message is bytes it
 * reads, an empty one the end of its input. */
static wasm_trap_kind_t hc_sys_stdin(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    int e;
    sysctl_prog_t *p = prog_by_handle(u, c[0], c[1], &e);
    if (!e && !p->wasi)
        e = CAP_EINVAL;
    if (!e && (!plat || !plat->wasi_stdin))
        e = CAP_ENOENT;
    cap_handle_t h = 0;
    if (!e)
        e = plat->wasi_stdin(p->d, u, &h);
    return RET(e ? e : (int32_t)h), WASM_OK;
}

/* sys_cmd(sys, buf, cap) -> the length of the command the kernel command
 * line gave (athanor.cmd=), copied into buf cut to cap; 0: none. */
static wasm_trap_kind_t hc_sys_cmd(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    out_t o;
    int e = sys_check(u, c[0], CAP_R_CONTROL);
    if (e)
        return RET(e), WASM_OK;
    if (!guest_out(ctx, c[1], c[2], &o))
        return RET(IPC_EFAULT), WASM_OK;
    return RET(plat && plat->cmd ? (int32_t)plat->cmd(o.p, o.cap) : 0), WASM_OK;
}

/* sys_halt(sys, status): power off with exit status 0..255. */
static wasm_trap_kind_t hc_sys_halt(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    int e = sys_check(u, c[0], CAP_R_CONTROL);
    uint32_t status = (uint32_t)c[1];
    if (!e && status > 255)
        e = CAP_EINVAL;
    if (!e && (!plat || !plat->halt))
        e = CAP_ENOENT;
    if (!e)
        plat->halt((int)status);
    return RET(e), WASM_OK;
}

static const hostcall_def_t sys_calls[] = {
    {"sys_dom", "iiii:i", hc_sys_dom},
    {"sys_cap", "iiiii:i", hc_sys_cap},
    {"sys_log", "iii:i", hc_sys_log},
    {"sys_stat", "ii:I", hc_sys_stat},
    {"sys_domain", "iii:i", hc_sys_domain},
    {"sys_power", "ii:i", hc_sys_power},
    {"sys_ready", "i:i", hc_sys_ready},
    {"sys_run", "iiiii:i", hc_sys_run},
    {"sys_wait", "iiI:I", hc_sys_wait},
    {"sys_wasi", "iiiii:i", hc_sys_wasi},
    {"sys_stdin", "ii:i", hc_sys_stdin},
    {"sys_cmd", "iii:i", hc_sys_cmd},
    {"sys_halt", "ii:i", hc_sys_halt},
};

bool sysctl_hostcalls_define(wasm_linker_t *l, domain_t *d)
{
    return hostcall_define(l, d, sys_calls, sizeof sys_calls / sizeof sys_calls[0]);
}
