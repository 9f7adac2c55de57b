/*
 * Domains: a Wasm instance, its capability table, limits and the names of
 * what the manifest granted it. The manifest reader is in here too: it is
 * the only place a domain's initial capabilities come from.
 * docs/domains.md describes the model and the manifest format.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/timer.h>
#include <kern/cap.h>
#include <kern/dev.h>
#include <kern/domain.h>
#include <kern/ipc.h>
#include <kern/kernel.h>
#include <kern/supervise.h>
#include <wasm/wasm.h>

/* A named object of the manifest: an endpoint or a channel, with the root
 * capability its defining domain holds (grants derive from it). */
typedef struct domsys_obj {
    struct domsys_obj *next;
    char name[DOMAIN_NAME_MAX];
    kobj_type_t type;
    domain_t *owner;
    cap_handle_t root;
    kobj_t *obj;
} domsys_obj_t;


/* Copies s into out[cap]; false if it does not fit. */
static bool str_copy(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap)
        return false;
    memcpy(out, s, n + 1);
    return true;
}

bool domsys_init(domsys_t *sys, wasm_runtime_t *rt,
                 bool (*find_file)(const char *, const uint8_t **, size_t *))
{
    memset(sys, 0, sizeof *sys);
    cap_space_init(&sys->space);
    kobj_init(&sys->fine_clock, KOBJ_CLOCK, NULL);     /* lives as long as sys */
    /* The coarse clock's key: the fine clock's low bits when the system
     * comes up, which no domain has seen (none runs yet), mixed with the
     * system's address. */
    sys->clock_key = timer_now_ns() * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)sys;
    sys->rt = rt;
    sys->find_file = find_file;
    sys->boot_ex = wasm_exec_new(rt);
    return sys->boot_ex != NULL;
}

static void domain_obj_unref(kobj_t *o)
{
    (void)o;    /* a domain is freed by domsys_fini, not by its last capability */
}

static const kobj_ops_t domain_ops = {NULL, domain_obj_unref};

domain_t *domain_create(domsys_t *sys, const char *name, const domain_limits_t *lim, int prio)
{
    return domain_create_with(sys, name, lim, prio, NULL);
}

domain_t *domain_create_with(domsys_t *sys, const char *name, const domain_limits_t *lim,
                             int prio, wasm_linker_t *linker)
{
    if (domain_find(sys, name))
        return NULL;
    domain_t *d = kmalloc(sizeof *d);
    if (!d)
        return NULL;
    kobj_init(&d->obj, KOBJ_DOMAIN, &domain_ops);
    d->sys = sys;
    d->lim = lim ? *lim : DOMAIN_DEFAULT_LIMITS;
    d->prio = prio;
    d->state = DOMAIN_NEW;
    str_copy(d->entry, sizeof d->entry, "_start");
    d->caps = cap_table_create(&sys->space, d->lim.max_handles ? d->lim.max_handles : 1, d);
    d->linker = linker ? linker : hostcall_linker(d);
    if (!str_copy(d->name, sizeof d->name, name) || !d->caps || !d->linker) {
        if (d->caps)
            cap_table_destroy(d->caps);
        if (d->linker)
            wasm_linker_free(d->linker);
        kfree(d);
        return NULL;
    }
    d->next = sys->list;
    sys->list = d;
    sys->ndomains++;
    return d;
}

/* Wasm pages of memory a domain without mem= may have. */
#define DEFAULT_MEM_PAGES 65536u

bool domain_load(domain_t *d, const char *file, const uint8_t *bytes, size_t len)
{
    wasm_error_t err = {0};
    static wasm_trap_t trap;   /* 5 KiB: off the stack; the manifest is read by one thread */
    d->state = DOMAIN_DEAD;
    /* Domains of the same file share its translated code (one copy of the
     * compiled functions; their instances, memories and tables are their own). */
    d->mod = NULL;
    /* Its tier (engine=): the runtime's setting for this load only; a
     * module is shared only with domains of the same tier. */
    wasm_runtime_t *rt = d->sys->rt;
    wasm_engine_t tier = (wasm_engine_t)(d->engine ? d->engine : kwasm_engine());
    if (wasm_runtime_set_engine(rt, tier) != WASM_ENGINE_COMPILED &&
        d->engine == WASM_ENGINE_COMPILED)
        kprintf("athanor: module %s (%s): engine=compiled: no compiled tier on %s, interpreted\n",
                d->name, file, arch_name());
    d->mod = wasm_module_reuse(d->sys->kept, rt, bytes, len);
    for (domain_t *e = d->sys->list; e && !d->mod; e = e->next)
        if (e != d && e->mod)
            d->mod = wasm_module_reuse(e->mod, rt, bytes, len);
    if (!d->mod)
        d->mod = wasm_module_load(rt, bytes, len, &err);
    wasm_runtime_set_engine(rt, (wasm_engine_t)kwasm_engine());
    if (!d->mod) {
        kprintf("athanor: module %s (%s): skipped: invalid: %s\n", d->name, file, err.message);
        return false;
    }
    trap.kind = WASM_OK;
    /* Its limits hold from the first allocation: the declared memory and
     * tables, and what a start function grows, are charged to them. */
    /* Pages the manifest already charged (dma lines) leave less room. */
    uint64_t limit = d->lim.mem_pages ? d->lim.mem_pages : DEFAULT_MEM_PAGES;
    uint64_t bufs = (d->buf_pages * PAGE_SIZE + 65535) / 65536;
    if (bufs >= limit) {
        kprintf("athanor: module %s (%s): skipped: its device memory fills its memory limit\n",
                d->name, file);
        wasm_module_free(d->mod);
        d->mod = NULL;
        return false;
    }
    d->inst = wasm_instantiate_limited(d->mod, d->linker, d->sys->boot_ex,
                                       (uint32_t)(limit - bufs), d->lim.table_elems, &err, &trap);
    if (!d->inst) {
        if (trap.kind != WASM_OK)
            kprintf("athanor: module %s (%s): skipped: start trapped: %s\n", d->name, file,
                    wasm_trap_kind_name(trap.kind));
        else
            kprintf("athanor: module %s (%s): skipped: link: %s\n", d->name, file, err.message);
        wasm_module_free(d->mod);
        d->mod = NULL;
        return false;
    }
    d->state = DOMAIN_READY;
    sup_loaded(d);      /* the post-init snapshot instant resets go back to */
    kprintf("athanor: module %s (%s, %zu bytes) loaded\n", d->name, file, len);
    return true;
}

/* The runtime's default when the manifest sets no mem= (64 KiB pages). */

/* Linear memory may grow into what the buffers it made leave of its limit. */
static void domain_set_mem_limit(domain_t *d)
{
    uint64_t limit = d->lim.mem_pages ? d->lim.mem_pages : DEFAULT_MEM_PAGES;
    uint64_t bufs = (d->buf_pages * PAGE_SIZE + 65535) / 65536;
    if (d->inst)
        wasm_instance_set_memory_limit(d->inst, (uint32_t)(bufs < limit ? limit - bufs : 0));
}

static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t domain_clock_ns(domain_t *d, uint64_t now_ns)
{
    kobj_t *o;
    if (d->clock_h && cap_lookup(d->caps, d->clock_h, KOBJ_CLOCK, CAP_R_READ, &o) == CAP_OK)
        return now_ns;
    /* Rounding alone lets a domain find where the real clock crosses an
     * interval (spin until the reading changes) and then time anything by
     * counting loop iterations from there. Here interval n's reading
     * becomes n * Q only at a secret point of the interval, different for
     * each n; before that point it still reads (n - 1) * Q. */
    uint64_t n = now_ns / CLOCK_COARSE_NS, base = n * CLOCK_COARSE_NS;
    uint64_t edge = mix64(d->sys->clock_key ^ n) % CLOCK_COARSE_NS;
    if (now_ns - base >= edge)
        return base;
    return n ? base - CLOCK_COARSE_NS : 0;
}

int domain_charge(domain_t *d, uint64_t pages)
{
    uint64_t limit = (uint64_t)(d->lim.mem_pages ? d->lim.mem_pages : DEFAULT_MEM_PAGES) * 65536;
    wasm_memory_t *mem = d->inst ? wasm_instance_memory(d->inst, 0) : NULL;
    uint64_t used = (mem ? wasm_memory_size(mem) : 0) + d->buf_pages * PAGE_SIZE;
    if (pages > limit / PAGE_SIZE || used + pages * PAGE_SIZE > limit)
        return IPC_ELIMIT;
    d->buf_pages += pages;
    domain_set_mem_limit(d);
    return 0;
}

void domain_uncharge(domain_t *d, uint64_t pages)
{
    d->buf_pages -= pages < d->buf_pages ? pages : d->buf_pages;
    domain_set_mem_limit(d);
}

void domain_unlist(domain_t *d)
{
    domsys_t *sys = d->sys;
    for (domain_t **pp = &sys->list; *pp; pp = &(*pp)->next)
        if (*pp == d) {
            *pp = d->next;
            d->next = NULL;
            sys->ndomains--;
            return;
        }
}

void domain_relist(domain_t *d)
{
    domsys_t *sys = d->sys;
    for (domain_t *e = sys->list; e; e = e->next)
        if (e == d)
            return;
    d->next = sys->list;
    sys->list = d;
    sys->ndomains++;
}

domain_t *domain_find(domsys_t *sys, const char *name)
{
    for (domain_t *d = sys->list; d; d = d->next)
        if (str_eq(d->name, name))
            return d;
    return NULL;
}

domain_t *domain_of_instance(domsys_t *sys, const wasm_instance_t *inst)
{
    for (domain_t *d = sys->list; d; d = d->next)
        if (d->inst == inst)
            return d;
    return NULL;
}

void domain_stop(domain_t *d)
{
    if (d->state == DOMAIN_READY)
        d->state = DOMAIN_STOPPED;
}

void domain_start(domain_t *d)
{
    if (d->state == DOMAIN_STOPPED)
        d->state = DOMAIN_READY;
}

int domain_name_cap(domain_t *d, const char *name, cap_handle_t h)
{
    if (d->nnames == DOMAIN_MAX_NAMES)
        return IPC_ELIMIT;
    domain_name_t *n = &d->names[d->nnames];
    if (!str_copy(n->name, sizeof n->name, name))
        return CAP_EINVAL;
    n->h = h;
    d->nnames++;
    return CAP_OK;
}

int domain_grant_root(domain_t *d, const char *name, kobj_t *obj, uint32_t rights,
                      cap_handle_t *out)
{
    cap_handle_t h;
    int e = cap_install(d->caps, obj, rights, &h);
    if (e == CAP_OK && name && (e = domain_name_cap(d, name, h)) != CAP_OK)
        cap_delete(d->caps, h);
    if (e == CAP_OK && out)
        *out = h;
    return e;
}

int domain_cap_find(domain_t *d, const char *name, size_t len, cap_handle_t *out)
{
    for (int i = 0; i < d->nnames; i++) {
        const char *n = d->names[i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0) {
            *out = d->names[i].h;
            return CAP_OK;
        }
    }
    return CAP_ENOENT;
}

static void domain_free(domain_t *d)
{
    sup_forget(d);
    if (d->inst)
        wasm_instance_free(d->inst);
    if (d->mod)
        wasm_module_free(d->mod);
    if (d->linker)
        wasm_linker_free(d->linker);
    kfree(d);
}

void domsys_keep_module(domsys_t *sys, wasm_module_t *m)
{
    if (sys->kept)
        wasm_module_free(sys->kept);
    sys->kept = m;
}

void domsys_fini(domsys_t *sys)
{
    /* Tables first: buffers unmap from instances that still exist, and
     * endpoints lose their last references. */
    for (domain_t *d = sys->list; d; d = d->next) {
        cap_table_destroy(d->caps);
        d->caps = NULL;
    }
    while (sys->objs) {
        domsys_obj_t *o = sys->objs;
        sys->objs = o->next;
        kfree(o);
    }
    ipc_reap(sys);
    while (sys->list) {
        domain_t *d = sys->list;
        sys->list = d->next;
        domain_free(d);
    }
    if (sys->boot_ex)
        wasm_exec_free(sys->boot_ex);
    domsys_keep_module(sys, NULL);
    cap_space_fini(&sys->space);
}

/* Revoking the roots makes every handle others hold to d's objects fail
 * (the generation of their slots advances); the same names are then
 * derived again, with the rights they had, for athanor.cap_find. */
int domain_reissue(domain_t *d)
{
    domsys_t *sys = d->sys;
    uint32_t *rights = kmalloc((size_t)sys->ndomains * DOMAIN_MAX_NAMES * sizeof *rights);
    int n = 0;
    if (!rights)
        return CAP_ENOMEM;
    for (domsys_obj_t *o = sys->objs; o; o = o->next) {
        if (o->owner != d)
            continue;
        int k = 0;
        for (domain_t *e = sys->list; e; e = e->next, k++)
            for (int i = 0; i < e->nnames; i++) {
                kobj_type_t t;
                uint32_t *r = &rights[k * DOMAIN_MAX_NAMES + i];
                if (e == d || !str_eq(e->names[i].name, o->name) ||
                    cap_info(e->caps, e->names[i].h, r, &t) != CAP_OK)
                    *r = 0;
            }
        cap_revoke(d->caps, o->root);
        k = 0;
        for (domain_t *e = sys->list; e; e = e->next, k++)
            for (int i = 0; i < e->nnames; i++) {
                uint32_t r = rights[k * DOMAIN_MAX_NAMES + i];
                if (r && cap_derive(d->caps, o->root, r, e->caps, &e->names[i].h) == CAP_OK)
                    n++;
            }
    }
    kfree(rights);
    return n;
}

/* ------------------------------------------------------------ the manifest */

static const struct { const char *name; uint32_t bit; } right_names[] = {
    {"read", CAP_R_READ},       {"write", CAP_R_WRITE},   {"map", CAP_R_MAP},
    {"call", CAP_R_CALL},       {"send", CAP_R_SEND},     {"recv", CAP_R_RECV},
    {"derive", CAP_R_DERIVE},   {"transfer", CAP_R_TRANSFER},
    {"revoke", CAP_R_REVOKE},   {"control", CAP_R_CONTROL}, {"all", CAP_R_ALL},
};

bool domain_parse_rights(const char *s, uint32_t *rights)
{
    uint32_t r = 0;
    while (*s) {
        const char *e = s;
        while (*e && *e != ',')
            e++;
        size_t n = (size_t)(e - s), i;
        for (i = 0; i < sizeof right_names / sizeof right_names[0]; i++)
            if (strlen(right_names[i].name) == n && memcmp(right_names[i].name, s, n) == 0)
                break;
        if (i == sizeof right_names / sizeof right_names[0])
            return false;
        r |= right_names[i].bit;
        s = *e ? e + 1 : e;
    }
    *rights = r;
    return r != 0;
}

#define MF_MAX_MODS 64
#define MF_MAX_DIRS 256
#define MF_FIELD 64

typedef struct mf_mod {
    domain_t *d;
    int lineno;
    char file[MF_FIELD];
} mf_mod_t;

/* One indented line: a definition (endpoint with handler=, channel with
 * recv, buffer) or a grant of a named object to the entry above. */
typedef struct mf_dir {
    int lineno;
    domain_t *d;
    kobj_type_t type;
    bool define;
    uint32_t rights, pages;
    char name[DOMAIN_NAME_MAX];
    char handler[DOMAIN_NAME_MAX];
    char check[DOMAIN_NAME_MAX];
} mf_dir_t;

typedef struct mf {
    domsys_t *sys;
    mf_mod_t mods[MF_MAX_MODS];
    mf_dir_t dirs[MF_MAX_DIRS];
    int nmods, ndirs;
} mf_t;

int manifest_word(const char **p, const char *end, char *out, size_t cap)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    const char *f = s;
    while (s < end && *s != ' ' && *s != '\t' && *s != '\r')
        s++;
    *p = s;
    out[0] = 0;
    if (s == f)
        return 0;
    if ((size_t)(s - f) >= cap)
        return -1;
    memcpy(out, f, (size_t)(s - f));
    out[s - f] = 0;
    return 1;
}

static int mf_word(const char **p, const char *end, char *out)
{
    return manifest_word(p, end, out, MF_FIELD);
}

const char *manifest_key(const char *word, const char *key)
{
    size_t n = strlen(key);
    return strlen(word) > n && memcmp(word, key, n) == 0 && word[n] == '=' ? word + n + 1 : NULL;
}

bool manifest_num(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (uint64_t)(*s - '0')) > 0x7fffffff)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* A module line's words after NAME FILE: limits, flags, the rest ARGs. */
static bool mf_module_word(domain_t *d, const char *w, domain_limits_t *lim, int lineno)
{
    const char *v;
    uint32_t n, *slot = NULL;
    if ((v = manifest_key(w, "entry")))
        return str_copy(d->entry, sizeof d->entry, v) ||
               (kprintf("manifest:%d: %s: entry name too long\n", lineno, d->name), false);
    if (str_eq(w, "reentrant")) {
        d->flags |= DOMAIN_REENTRANT;
        return true;
    }
    if ((v = manifest_key(w, "prio"))) {
        if (!manifest_num(v, &n) || n >= SCHED_PRIOS)
            goto bad;
        d->prio = (int)n;
        return true;
    }
    /* engine=interp|compiled: the tier of its module (docs/compiler.md);
     * without it, compiled where the port has a back end. */
    if ((v = manifest_key(w, "engine"))) {
        if (str_eq(v, "interp"))
            d->engine = WASM_ENGINE_INTERP;
        else if (str_eq(v, "compiled"))
            d->engine = WASM_ENGINE_COMPILED;
        else {
            kprintf("manifest:%d: %s: bad value in %s (engine=interp or engine=compiled)\n",
                    lineno, d->name, w);
            return false;
        }
        return true;
    }
    if ((v = manifest_key(w, "restart"))) {
        if (str_eq(v, "always"))
            d->sup.policy = DOMAIN_RESTART_BACKOFF;
        else if (str_eq(v, "never"))
            d->sup.policy = DOMAIN_RESTART_NEVER;
        else if (manifest_num(v, &n))
            d->sup.policy = DOMAIN_RESTART_LIMIT, d->sup.max_restarts = n;
        else
            goto bad;
        return true;
    }
    if ((v = manifest_key(w, "budget")))
        slot = &d->sup.budget_ms;
    else if ((v = manifest_key(w, "heartbeat")))
        slot = &d->sup.heartbeat_ms;
    else if ((v = manifest_key(w, "mem"))) slot = &lim->mem_pages;
    else if ((v = manifest_key(w, "cpu"))) slot = &lim->cpu_share;
    else if ((v = manifest_key(w, "handles"))) slot = &lim->max_handles;
    else if ((v = manifest_key(w, "queue"))) slot = &lim->queue_len;
    else if ((v = manifest_key(w, "tables"))) slot = &lim->table_elems;
    if (slot) {
        if (!manifest_num(v, &n) || (slot == &lim->max_handles && (n == 0 || n > CAP_MAX_HANDLES)) ||
            (slot == &lim->table_elems && n > 10000000) ||
            (slot == &lim->cpu_share && (n == 0 || n > 100)) ||
            (slot == &lim->queue_len && (n == 0 || n > 4096)))
            goto bad;
        *slot = n;
        return true;
    }
    size_t al = strlen(d->args), wl = strlen(w);
    if (al + wl + 2 > sizeof d->args) {
        kprintf("manifest:%d: %s: argument too long\n", lineno, d->name);
        return false;
    }
    if (al)
        d->args[al++] = ' ';
    memcpy(d->args + al, w, wl + 1);
    return true;
bad:
    kprintf("manifest:%d: %s: bad value in %s\n", lineno, d->name, w);
    return false;
}

/* NAME FILE [WORD...]: creates the domain (DOMAIN_NEW). */
static void mf_module_line(mf_t *m, int lineno, const char *s, const char *end)
{
    char name[MF_FIELD], file[MF_FIELD], w[MF_FIELD];
    int r = mf_word(&s, end, name);
    if (r <= 0) {
        if (r < 0)
            kprintf("manifest:%d: name too long\n", lineno);
        return;
    }
    if ((r = mf_word(&s, end, file)) <= 0) {
        kprintf("manifest:%d: %s: %s\n", lineno, name, r < 0 ? "file name too long" : "missing file");
        return;
    }
    /* Checked before anything is written to mods[]: a full table must not
     * be written one past its end. */
    if (m->nmods == MF_MAX_MODS) {
        kprintf("manifest:%d: %s: too many modules (max %d)\n", lineno, name, MF_MAX_MODS);
        return;
    }
    mf_mod_t *mm = &m->mods[m->nmods];
    memcpy(mm->file, file, sizeof file);
    domain_limits_t lim = DOMAIN_DEFAULT_LIMITS;
    domain_t tmp = {0};
    str_copy(tmp.name, sizeof tmp.name, name);
    str_copy(tmp.entry, sizeof tmp.entry, "_start");
    while ((r = mf_word(&s, end, w)) != 0)
        if (r < 0 || !mf_module_word(&tmp, w, &lim, lineno)) {
            if (r < 0)
                kprintf("manifest:%d: %s: argument too long\n", lineno, name);
            return;
        }
    domain_t *d = strlen(name) < DOMAIN_NAME_MAX ? domain_create(m->sys, name, &lim, tmp.prio) : NULL;
    if (!d) {
        kprintf("manifest:%d: %s: %s\n", lineno, name,
                domain_find(m->sys, name) ? "duplicate name" : "cannot create the domain");
        return;
    }
    d->flags = tmp.flags;
    d->engine = tmp.engine;
    d->sup = tmp.sup;
    memcpy(d->args, tmp.args, sizeof d->args);
    memcpy(d->entry, tmp.entry, sizeof d->entry);
    mm->d = d;
    mm->lineno = lineno;
    m->nmods++;
}

static const struct { const char *word; kobj_type_t type; uint32_t grant; } mf_kinds[] = {
    {"endpoint", KOBJ_ENDPOINT, CAP_R_CALL},
    {"channel", KOBJ_CHANNEL, CAP_R_SEND},
    {"buffer", KOBJ_BUFFER, CAP_R_READ | CAP_R_MAP},
    {"domain", KOBJ_DOMAIN, CAP_R_CONTROL},     /* control of a domain (kern/supervise.h) */
    {"clock", KOBJ_CLOCK, CAP_R_READ},          /* `clock fine`: the full-resolution clock */
    {"system", KOBJ_SYSTEM, CAP_R_READ},         /* the system (kern/sysctl.h) */
};

/* An indented line: KIND NAME [handler=EXPORT [check=EXPORT] | recv | pages=N] [rights=R]. */
static void mf_dir_line(mf_t *m, domain_t *d, int lineno, const char *s, const char *end)
{
    char kind[MF_FIELD], w[MF_FIELD];
    mf_dir_t *dr = &m->dirs[m->ndirs];
    size_t k;
    if (mf_word(&s, end, kind) <= 0)
        return;
    if (!d) {
        kprintf("manifest:%d: %s: no domain entry above\n", lineno, kind);
        return;
    }
    for (k = 0; k < sizeof mf_kinds / sizeof mf_kinds[0]; k++)
        if (str_eq(kind, mf_kinds[k].word))
            break;
    if (k == sizeof mf_kinds / sizeof mf_kinds[0]) {
        if (dev_manifest_line(d, lineno, kind, s, end))
            return;
        kprintf("manifest:%d: %s: unknown kind %s\n", lineno, d->name, kind);
        return;
    }
    if (m->ndirs == MF_MAX_DIRS) {
        kprintf("manifest:%d: %s: too many capability lines (max %d)\n", lineno, d->name, MF_MAX_DIRS);
        return;
    }
    memset(dr, 0, sizeof *dr);
    dr->lineno = lineno;
    dr->d = d;
    dr->type = mf_kinds[k].type;
    dr->rights = mf_kinds[k].grant;
    if (mf_word(&s, end, w) <= 0 || !str_copy(dr->name, sizeof dr->name, w)) {
        kprintf("manifest:%d: %s: %s needs a name (under %d bytes)\n", lineno, d->name, kind,
                DOMAIN_NAME_MAX);
        return;
    }
    int r;
    while ((r = mf_word(&s, end, w)) != 0) {
        const char *v;
        bool ok = r > 0;
        if (!ok)
            ;
        else if ((v = manifest_key(w, "rights")))
            ok = domain_parse_rights(v, &dr->rights);
        else if (dr->type == KOBJ_ENDPOINT && (v = manifest_key(w, "handler")))
            ok = dr->define = str_copy(dr->handler, sizeof dr->handler, v);
        else if (dr->type == KOBJ_ENDPOINT && (v = manifest_key(w, "check")))
            ok = str_copy(dr->check, sizeof dr->check, v);
        else if (dr->type == KOBJ_CHANNEL && str_eq(w, "recv"))
            dr->define = true;
        else if (dr->type == KOBJ_BUFFER && (v = manifest_key(w, "pages")))
            ok = dr->define = manifest_num(v, &dr->pages) && dr->pages > 0 && dr->pages <= 4096;
        else
            ok = false;
        if (!ok) {
            kprintf("manifest:%d: %s: %s %s: bad word %s\n", lineno, d->name, kind, dr->name,
                    r > 0 ? w : "(too long)");
            return;
        }
    }
    if (dr->check[0] && !dr->define) {
        kprintf("manifest:%d: %s: %s %s: check= needs handler=\n", lineno, d->name, kind, dr->name);
        return;
    }
    m->ndirs++;
}

const char *domsys_obj_name(domsys_t *sys, const kobj_t *obj, domain_t **owner)
{
    for (domsys_obj_t *o = sys->objs; o; o = o->next)
        if (o->obj == obj) {
            *owner = o->owner;
            return o->name;
        }
    return NULL;
}

static domsys_obj_t *mf_obj_find(domsys_t *sys, const char *name)
{
    for (domsys_obj_t *o = sys->objs; o; o = o->next)
        if (str_eq(o->name, name))
            return o;
    return NULL;
}

void domain_note_drop(domain_t *d, cap_handle_t h)
{
    for (int i = 0; i < d->nnames; i++)
        if (d->names[i].h == h)
            d->names[i].dropped = true;
}

int domain_regrant_dropped(domain_t *d)
{
    int n = 0;
    for (int i = 0; i < d->nnames; i++) {
        domain_name_t *nm = &d->names[i];
        if (!nm->dropped)
            continue;
        nm->dropped = false;
        domsys_obj_t *o = mf_obj_find(d->sys, nm->name);
        cap_handle_t h;
        if (o && o->owner != d && nm->init_rights &&
            cap_derive(o->owner->caps, o->root, nm->init_rights, d->caps, &h) == CAP_OK) {
            nm->h = h;
            n++;
        }
    }
    return n;
}

/* A definition line: makes the object, gives its domain the root capability. */
static void mf_define(mf_t *m, mf_dir_t *dr)
{
    domsys_t *sys = m->sys;
    domain_t *d = dr->d;
    if (mf_obj_find(sys, dr->name)) {
        kprintf("manifest:%d: %s: %s defined twice\n", dr->lineno, d->name, dr->name);
        return;
    }
    domsys_obj_t *o = kmalloc(sizeof *o);
    kobj_t *obj = NULL;
    if (dr->type == KOBJ_ENDPOINT) {
        obj = (kobj_t *)endpoint_create(d, dr->handler);
        if (obj && dr->check[0])
            endpoint_set_check((endpoint_t *)obj, dr->check);
    }
    else if (dr->type == KOBJ_CHANNEL)
        obj = (kobj_t *)channel_create(sys, d->lim.queue_len);
    else
        obj = (kobj_t *)buf_create(dr->pages);
    int e = o && obj ? domain_grant_root(d, dr->name, obj, CAP_R_ALL, &o->root) : CAP_ENOMEM;
    if (obj)
        kobj_unref(obj);
    if (e != CAP_OK) {
        kprintf("manifest:%d: %s: %s: %s\n", dr->lineno, d->name, dr->name, ipc_strerror(e));
        kfree(o);
        return;
    }
    str_copy(o->name, sizeof o->name, dr->name);
    o->type = dr->type;
    o->owner = d;
    o->obj = obj;
    o->next = sys->objs;
    sys->objs = o;
}

/* A grant line: a capability derived from the definer's root. */
static void mf_grant(mf_t *m, mf_dir_t *dr)
{
    domain_t *d = dr->d;
    domsys_obj_t *o = mf_obj_find(m->sys, dr->name);
    cap_handle_t h;
    int e;
    if (dr->type == KOBJ_CLOCK) {
        e = str_eq(dr->name, "fine") ? domain_grant_root(d, "clock.fine", &m->sys->fine_clock,
                                                         dr->rights & CAP_R_READ, &d->clock_h)
                                     : CAP_ENOENT;
        if (e != CAP_OK)
            kprintf("manifest:%d: %s: clock %s: %s\n", dr->lineno, d->name, dr->name,
                    e == CAP_ENOENT ? "only `clock fine` exists" : ipc_strerror(e));
        return;
    }
    if (dr->type == KOBJ_DOMAIN) {
        domain_t *t = domain_find(m->sys, dr->name);
        e = t ? domain_grant_root(d, dr->name, &t->obj, dr->rights, NULL) : CAP_ENOENT;
        if (e != CAP_OK)
            kprintf("manifest:%d: %s: domain %s: %s\n", dr->lineno, d->name, dr->name, ipc_strerror(e));
        return;
    }
    if (dr->type == KOBJ_SYSTEM) {
        kobj_t *so = m->sys->system;
        e = so ? domain_grant_root(d, dr->name, so, dr->rights, NULL) : CAP_ENOENT;
        if (e != CAP_OK)
            kprintf("manifest:%d: %s: system %s: %s\n", dr->lineno, d->name, dr->name, ipc_strerror(e));
        return;
    }
    if (!o || o->type != dr->type) {
        kprintf("manifest:%d: %s: no %s named %s\n", dr->lineno, d->name,
                dr->type == KOBJ_ENDPOINT ? "endpoint" : dr->type == KOBJ_CHANNEL ? "channel" : "buffer",
                dr->name);
        return;
    }
    e = cap_derive(o->owner->caps, o->root, dr->rights, d->caps, &h);
    if (e == CAP_OK && (e = domain_name_cap(d, dr->name, h)) != CAP_OK)
        cap_delete(d->caps, h);
    if (e != CAP_OK)
        kprintf("manifest:%d: %s: %s: %s\n", dr->lineno, d->name, dr->name, ipc_strerror(e));
}

int domsys_load_manifest(domsys_t *sys, const char *text, size_t len)
{
    mf_t *m = kmalloc(sizeof *m);
    if (!m) {
        kprintf("manifest: out of memory\n");
        return 0;
    }
    m->sys = sys;
    const char *s = text, *end = text + len;
    domain_t *cur = NULL;
    for (int lineno = 1; s < end; lineno++) {
        const char *eol = s, *hash;
        while (eol < end && *eol != '\n')
            eol++;
        for (hash = s; hash < eol && *hash != '#'; hash++)
            ;
        if (s < hash && (*s == ' ' || *s == '\t')) {
            mf_dir_line(m, cur, lineno, s, hash);
        } else {
            int before = m->nmods;
            mf_module_line(m, lineno, s, hash);
            const char *t = s;
            char w[MF_FIELD];
            if (m->nmods > before)
                cur = m->mods[before].d;
            else if (mf_word(&t, hash, w) != 0)
                cur = NULL;    /* a broken entry: its capability lines go with it */
        }
        s = eol + 1;
    }
    for (int i = 0; i < m->ndirs; i++)
        if (m->dirs[i].define)
            mf_define(m, &m->dirs[i]);
    for (int i = 0; i < m->ndirs; i++)
        if (!m->dirs[i].define)
            mf_grant(m, &m->dirs[i]);
    int loaded = 0;
    for (int i = 0; i < m->nmods; i++) {
        mf_mod_t *mm = &m->mods[i];
        const uint8_t *bytes;
        size_t blen;
        if (!sys->find_file || !sys->find_file(mm->file, &bytes, &blen))
            kprintf("athanor: module %s (%s): skipped: not in the boot image (manifest:%d)\n",
                    mm->d->name, mm->file, mm->lineno);
        else
            loaded += domain_load(mm->d, mm->file, bytes, blen);
    }
    kfree(m);
    return loaded;
}
