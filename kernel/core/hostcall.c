/*
 * The host-call ABI: the "athanor" import module every domain links
 * against. Each function takes and returns i32/i64 only; pointers are
 * offsets into the caller's linear memory 0; failures are negative codes
 * (kern/cap.h and kern/ipc.h). Only a broken pointer in a call that cannot
 * report an error (debug_print) traps. docs/hostcalls.md lists them all.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <kern/cap.h>
#include <kern/dev.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/supervise.h>
#include <kern/sysctl.h>
#include <wasm/wasm.h>

#include "core.h"

#include "hostcall.h"

uint8_t *hostcall_guest(wasm_call_ctx_t *ctx, uint64_t ptr, uint64_t len)
{
    wasm_memory_t *mem = wasm_call_ctx_memory(ctx);
    uint32_t p = (uint32_t)ptr, n = (uint32_t)len;
    if (!mem || (uint64_t)p + n > wasm_memory_size(mem))
        return NULL;
    return wasm_memory_data(mem) + p;
}

static wasm_trap_kind_t hc_debug_print(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)u;
    const uint8_t *p = hostcall_guest(ctx, c[0], c[1]);
    if (!p)
        return wasm_call_ctx_fail(ctx, "debug_print: buffer outside memory");
    kprintf("%.*s", (int)(uint32_t)c[1], (const char *)p);
    return WASM_OK;
}

/* Copies s into the guest buffer c[0], cap c[1] (truncated); result:
 * strlen(s), or IPC_EFAULT. */
static wasm_trap_kind_t copy_out(wasm_call_ctx_t *ctx, uint64_t *c, const char *s)
{
    size_t n = strlen(s);
    uint32_t cap = (uint32_t)c[1];
    uint8_t *p = hostcall_guest(ctx, c[0], cap);
    if (!p)
        return RET(IPC_EFAULT), WASM_OK;
    memcpy(p, s, n < cap ? n : cap);
    RET(n);
    return WASM_OK;
}

static wasm_trap_kind_t hc_arch(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)u;
    return copy_out(ctx, c, arch_name());
}

static wasm_trap_kind_t hc_args(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    return copy_out(ctx, c, ((domain_t *)u)->args);
}

/* Coarse (1 ms) unless the domain holds the fine clock: a timer is the
 * instrument of every timing side channel (docs/privacy.md). */
static wasm_trap_kind_t hc_uptime(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    c[0] = domain_clock_ns(u, timer_now_ns());
    return WASM_OK;
}

/* ------------------------------------------------------------ capabilities */

static wasm_trap_kind_t hc_cap_find(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    cap_handle_t h;
    const uint8_t *p = hostcall_guest(ctx, c[0], c[1]);
    int e = p ? domain_cap_find(u, (const char *)p, (uint32_t)c[1], &h) : IPC_EFAULT;
    RET(e ? e : (int32_t)h);
    return WASM_OK;
}

static wasm_trap_kind_t hc_cap_info(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    uint32_t rights;
    kobj_type_t type;
    int e = cap_info(((domain_t *)u)->caps, (cap_handle_t)c[0], &rights, &type);
    c[0] = e ? (uint64_t)(int64_t)e : (uint64_t)type << 32 | rights;
    return WASM_OK;
}

static wasm_trap_kind_t hc_cap_dup(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    cap_table_t *t = ((domain_t *)u)->caps;
    cap_handle_t h;
    int e = cap_derive(t, (cap_handle_t)c[0], (uint32_t)c[1], t, &h);
    RET(e ? e : (int32_t)h);
    return WASM_OK;
}

/* cap_lease(h, rights, duration_ns): a lease derived from h into the
 * caller's own table (rights only shrink), revoked duration_ns from now
 * (the kernel's lease reaper ends it); it may be moved like any capability. */
static wasm_trap_kind_t hc_cap_lease(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    cap_table_t *t = ((domain_t *)u)->caps;
    cap_handle_t h;
    uint64_t now = timer_now_ns(), end = now + c[2];
    int e = cap_derive_lease(t, (cap_handle_t)c[0], (uint32_t)c[1], t, end < now ? UINT64_MAX : end,
                             &h, NULL);
    domsys_t *sys = ((domain_t *)u)->sys;
    if (!e && end >= now && end < sys->reap_at) {
        bool on = cpu_irq_save();
        sys->reap_at = end;                 /* the reaper sleeps past it: wake it */
        waitq_wake_one(&sys->reaper);
        cpu_irq_restore(on);
    }
    RET(e ? e : (int32_t)h);
    return WASM_OK;
}

/* A channel whose last capability went cannot free what it carries inside
 * the cap call (kern/ipc.h: ipc_reap): every host call that can drop a
 * capability reaps on its way out, so nothing in transit outlives it. */
static wasm_trap_kind_t hc_cap_drop(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    domain_t *d = u;
    int e = cap_delete(d->caps, (cap_handle_t)c[0]);
    if (e == CAP_OK)
        domain_note_drop(d, (cap_handle_t)c[0]);   /* a reset gives a manifest grant back */
    RET(e);
    ipc_reap(d->sys);
    return WASM_OK;
}

static wasm_trap_kind_t hc_cap_revoke(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(cap_revoke(((domain_t *)u)->caps, (cap_handle_t)c[0]));
    ipc_reap(((domain_t *)u)->sys);
    return WASM_OK;
}

/* ------------------------------------------------------------ calls */

/* Stores the call's result at out (checked after the call, which never
 * touched the caller's memory) and returns the error code. */
static wasm_trap_kind_t finish_call(wasm_call_ctx_t *ctx, uint64_t *c, int e, uint64_t out,
                                    uint64_t r)
{
    uint8_t *p;
    /* The handler ran on the caller's exec, so on the caller's budget: if
     * that ran out in there, the caller stops too (its next safe point
     * would otherwise wrap the spent fuel around to unlimited). */
    if (wasm_exec_fuel(wasm_call_ctx_exec(ctx)) == 0)
        return WASM_TRAP_OUT_OF_FUEL;
    /* It left too little stack for the handler: its own exhaustion. */
    if (e == IPC_ESTACK)
        return WASM_TRAP_STACK_EXHAUSTED;
    if (e == 0 && !(p = hostcall_guest(ctx, out, 8)))
        e = IPC_EFAULT;
    if (e == 0)
        memcpy(p, &r, 8);
    RET(e);
    return WASM_OK;
}

static wasm_trap_kind_t hc_call(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    /* The handler's frames go on this exec's stack, where c lives: copy. */
    uint64_t r = 0, out = c[5], a[4] = {c[1], c[2], c[3], c[4]};
    int e = ipc_call(((domain_t *)u)->caps, wasm_call_ctx_exec(ctx), (cap_handle_t)c[0], a,
                     IPC_FOREVER, &r);
    return finish_call(ctx, c, e, out, r);
}

static wasm_trap_kind_t hc_call_timeout(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    uint64_t r = 0, out = c[5], a[4] = {c[1], c[2], c[3], c[4]};
    int e = ipc_call(((domain_t *)u)->caps, wasm_call_ctx_exec(ctx), (cap_handle_t)c[0], a,
                     c[6], &r);
    return finish_call(ctx, c, e, out, r);
}

/* call_lend(ep, buf, rights, a0, a1, a2, out) */
static wasm_trap_kind_t hc_call_lend(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    uint64_t r = 0, out = c[6], a[3] = {c[3], c[4], c[5]};
    int e = ipc_call_lend(((domain_t *)u)->caps, wasm_call_ctx_exec(ctx), (cap_handle_t)c[0],
                          (cap_handle_t)c[1], (uint32_t)c[2], a, IPC_FOREVER, &r);
    return finish_call(ctx, c, e, out, r);
}

/* ------------------------------------------------------------ channels */

static wasm_trap_kind_t hc_send(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    const uint8_t *p = hostcall_guest(ctx, c[1], c[2]);
    int e = p ? ipc_send(((domain_t *)u)->caps, (cap_handle_t)c[0], p, (uint32_t)c[2],
                         (cap_handle_t)c[3])
              : IPC_EFAULT;
    RET(e);
    return WASM_OK;
}

/* Where a received message goes: checked when recv is about to take it,
 * after any wait (the memory may have shrunk meanwhile). */
typedef struct recv_dest {
    wasm_call_ctx_t *ctx;
    uint64_t ptr, cap, hptr;
    uint8_t *hp;
} recv_dest_t;

static void *recv_place(void *arg, uint32_t n)
{
    recv_dest_t *r = arg;
    (void)n;
    uint8_t *p = hostcall_guest(r->ctx, r->ptr, r->cap);
    r->hp = r->hptr ? hostcall_guest(r->ctx, r->hptr, 4) : NULL;
    return !p || (r->hptr && !r->hp) ? NULL : p;
}

/* recv(ch, ptr, cap, handle_ptr, timeout_ns) -> length */
static wasm_trap_kind_t hc_recv(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    cap_handle_t got = 0;
    recv_dest_t r = {ctx, c[1], c[2], c[3], NULL};
    /* Checked now too, so a bad pointer fails before any wait. */
    int e = !recv_place(&r, 0) ? IPC_EFAULT
          : ipc_recv_to(((domain_t *)u)->caps, (cap_handle_t)c[0], recv_place, &r, (uint32_t)c[2],
                        &got, c[4]);
    uint8_t *hp = r.hp;
    if (e >= 0 && hp)
        memcpy(hp, &got, 4);
    else if (e >= 0 && got)
        cap_delete(((domain_t *)u)->caps, got);   /* nowhere to say it: drop it */
    ipc_reap(((domain_t *)u)->sys);
    RET(e);
    return WASM_OK;
}

static wasm_trap_kind_t hc_notify(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(ipc_notify(((domain_t *)u)->caps, (cap_handle_t)c[0]));
    return WASM_OK;
}

/* call_badge() -> the badge of the capability the running call into this
 * domain came through (0: none, or no call running) */
static wasm_trap_kind_t hc_call_badge(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    c[0] = ((domain_t *)u)->call_badge;
    return WASM_OK;
}

#ifdef ATHANOR_TEST
/* Test kernel only, for a domain with the ARG word "badgetest" (scenario
 * fsbadge): ktest_badge(ep, badge) -> a copy of endpoint capability ep,
 * call only, badged as the kernel badges a WASI program's directories. */
static wasm_trap_kind_t hc_ktest_badge(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    domain_t *d = u;
    cap_handle_t out = 0;
    int e = str_has_word(d->args, "badgetest")
          ? cap_derive_badge(d->caps, (cap_handle_t)c[0], CAP_R_CALL, d->caps, c[1], &out)
          : CAP_ERIGHTS;
    RET(e ? e : (int32_t)out);
    return WASM_OK;
}
#endif

static wasm_trap_kind_t hc_wait(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    c[0] = (uint64_t)ipc_wait(((domain_t *)u)->caps, (cap_handle_t)c[0], c[1]);
    return WASM_OK;
}

/* ------------------------------------------------------------ buffers */

static wasm_trap_kind_t hc_buf_new(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    domain_t *d = u;
    uint32_t pages = (uint32_t)c[0];
    cap_handle_t h = 0;
    buf_t *b = NULL;
    /* Charged to its maker's memory limit before a frame is taken. */
    int e = pages == 0 || pages > 4096 ? CAP_EINVAL : domain_charge(d, pages);
    if (!e && !(b = buf_create(pages))) {
        domain_uncharge(d, pages);
        e = CAP_ENOMEM;
    }
    if (b) {
        b->payer = d;
        e = cap_install(d->caps, &b->obj, CAP_R_ALL, &h);
        kobj_unref(&b->obj);
    }
    RET(e ? e : (int32_t)h);
    return WASM_OK;
}

static wasm_trap_kind_t hc_buf_map(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    domain_t *d = u;
    RET(buf_map(d, d->caps, (cap_handle_t)c[0], (uint32_t)c[1]));
    return WASM_OK;
}

static wasm_trap_kind_t hc_buf_unmap(wasm_call_ctx_t *ctx, uint64_t *c, void *u)
{
    (void)ctx;
    RET(buf_unmap(((domain_t *)u)->caps, (cap_handle_t)c[0]));
    return WASM_OK;
}

/* ------------------------------------------------------------ the table */

static const hostcall_def_t calls[] = {
    {"debug_print", "ii:", hc_debug_print},
    {"arch", "ii:i", hc_arch},
    {"args", "ii:i", hc_args},
    {"uptime_ns", ":I", hc_uptime},
    {"cap_find", "ii:i", hc_cap_find},
    {"cap_info", "i:I", hc_cap_info},
    {"cap_dup", "ii:i", hc_cap_dup},
    {"cap_lease", "iiI:i", hc_cap_lease},
    {"cap_drop", "i:i", hc_cap_drop},
    {"cap_revoke", "i:i", hc_cap_revoke},
    {"call", "iIIIIi:i", hc_call},
    {"call_timeout", "iIIIIiI:i", hc_call_timeout},
    {"call_lend", "iiiIIIi:i", hc_call_lend},
    {"call_badge", ":I", hc_call_badge},
#ifdef ATHANOR_TEST
    {"ktest_badge", "iI:i", hc_ktest_badge},
#endif
    {"send", "iiii:i", hc_send},
    {"recv", "iiiiI:i", hc_recv},
    {"notify", "i:i", hc_notify},
    {"wait", "iI:I", hc_wait},
    {"buf_new", "i:i", hc_buf_new},
    {"buf_map", "ii:i", hc_buf_map},
    {"buf_unmap", "i:i", hc_buf_unmap},
};

bool hostcall_define(wasm_linker_t *l, domain_t *d, const hostcall_def_t *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        wasm_valtype_t t[2][8];
        uint32_t k[2] = {0, 0}, side = 0;
        for (const char *s = defs[i].sig; *s; s++) {
            if (*s == ':')
                side = 1;
            else
                t[side][k[side]++] = *s == 'I' ? WASM_I64 : WASM_I32;
        }
        const char *name = defs[i].name;
        wasm_func_t *f = wasm_func_new_host(d->sys->rt, t[0], k[0], t[1], k[1], defs[i].fn, d, name);
        wasm_extern_t e = {.kind = WASM_EXTERN_FUNC, .u.func = f};
        if (!f || !wasm_linker_define(l, "athanor", 7, name, (uint32_t)strlen(name), e))
            return false;
    }
    return true;
}

wasm_linker_t *hostcall_linker(domain_t *d)
{
    wasm_linker_t *l = wasm_linker_new(d->sys->rt);
    if (l && !hostcall_define(l, d, calls, sizeof calls / sizeof calls[0])) {
        wasm_linker_free(l);
        return NULL;
    }
    if (l && !sup_hostcalls_define(l, d)) {     /* heartbeat, dom_*: kern/supervise.h */
        wasm_linker_free(l);
        return NULL;
    }
    if (l && !sysctl_hostcalls_define(l, d)) {  /* sys_*: kern/sysctl.h */
        wasm_linker_free(l);
        return NULL;
    }
    return !l || dev_hostcalls_define(l, d) ? l : (wasm_linker_free(l), NULL);
}
