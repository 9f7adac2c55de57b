/*
 * Domains (kernel/core/domain.c): a domain is one Wasm instance with its own
 * linear memory, capability table (kern/cap.h), threads and limits. All
 * domains of a kernel live in one domain system (domsys_t), which owns the
 * capability space, the engine runtime and the named objects the manifest
 * declares. docs/domains.md describes the model and the manifest entries.
 *
 * A domain starts with exactly the capabilities its manifest entry grants;
 * it finds them by name (athanor.cap_find) since handle values are not
 * guessable. Calls are not thread-safe across CPUs: the caller serialises
 * (one CPU, or the big kernel lock).
 */
#ifndef KERN_DOMAIN_H
#define KERN_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/cap.h>
#include <kern/sched.h>

struct wasm_runtime;
struct wasm_module;
struct wasm_instance;
struct wasm_exec;
struct wasm_func;
struct wasm_linker;

#define DOMAIN_NAME_MAX 32
#define DOMAIN_ARGS_MAX 256
#define DOMAIN_MAX_NAMES 32       /* named capabilities per domain */
#define DOMAIN_MAX_MAPS 16        /* buffer mappings per domain */

typedef struct domain_limits {
    uint32_t mem_pages;     /* max linear memory plus the buffers it makes, in
                               64 KiB pages (0: runtime default) */
    uint32_t cpu_share;     /* percent of the CPU its threads may use (100: no cap) */
    uint32_t max_handles;   /* capability table size */
    uint32_t queue_len;     /* length of the channels it receives on */
    uint32_t table_elems;   /* elements of all its own tables together */
} domain_limits_t;

#define DOMAIN_DEFAULT_TABLE_ELEMS 4096
#define DOMAIN_DEFAULT_LIMITS ((domain_limits_t){0, 100, 64, 16, DOMAIN_DEFAULT_TABLE_ELEMS})

typedef enum domain_state {
    DOMAIN_NEW,             /* created, not instantiated */
    DOMAIN_READY,           /* instantiated: callable */
    DOMAIN_STOPPED,         /* stopped by its controller: calls fail with IPC_ESTOPPED */
    DOMAIN_DEAD,            /* failed to instantiate */
    DOMAIN_FAULTED,         /* trapped or hung: calls fail with IPC_ESTOPPED until the
                               supervisor restarts it (kern/supervise.h) */
} domain_state_t;

/* Restart policies (manifest word restart=, docs/domains.md). */
typedef enum domain_policy {
    DOMAIN_RESTART_BACKOFF, /* restart=always: at once, then back off exponentially */
    DOMAIN_RESTART_LIMIT,   /* restart=N: up to N times, then stay FAULTED */
    DOMAIN_RESTART_NEVER,   /* restart=never */
} domain_policy_t;

/* Supervision state (kernel/core/supervise.c owns it). */
typedef struct domain_sup {
    domain_policy_t policy;
    uint32_t max_restarts;          /* for DOMAIN_RESTART_LIMIT */
    uint32_t budget_ms;             /* longest run without returning (0: none) */
    uint32_t heartbeat_ms;          /* declared heartbeat period (0: none) */
    uint32_t restarts, faults, hangs, resets;
    int last_trap;                  /* wasm_trap_kind_t of the last fault */
    uint64_t backoff_ms, restart_at, last_beat, cpu_ns;
    uint64_t fault_at;              /* clock at the last fault */
    const char *last_why;           /* its context (domain_fault's why) */
    uint64_t run_since;             /* a call into it is running since (0: none) */
    struct wasm_exec *run_ex;       /* ... on this exec */
    struct thread *run_thread;      /* ... by this thread */
    bool killed;                    /* the watchdog or a kill stopped that run (its
                                       exec's fuel set to 1: killed_fuel was left) */
    uint64_t killed_fuel;
    struct wasm_exec *entry_ex;     /* its entry export runs on this exec (loader_run_entry) */
    struct thread *entry_thread;    /* ... by this thread */
    bool entry_stop;                /* a kill or a fault stopped that run (fuel set to 1) */
    bool restart_pending;           /* restart asked while that run was ending */
    waitq_t restarted;              /* its entry thread waits here for a restart */
    bool snap;                      /* snapshot taken after init */
    cap_handle_t *init_caps;        /* its handles at the snapshot */
    uint32_t ninit_caps;
    struct wasm_trap *trap;         /* details of the last trap */
    uint64_t log_since;             /* start of the current log window */
    uint32_t log_n, log_quiet;      /* reports logged / left out in it */
} domain_sup_t;

#define DOMAIN_REENTRANT 1u /* handlers may run on several threads at once */

typedef struct domain_name {
    char name[DOMAIN_NAME_MAX];
    cap_handle_t h;
    uint32_t init_rights;   /* its rights when the snapshot was taken (0: none then) */
    bool dropped;           /* the domain dropped it itself since (cap_drop) */
} domain_name_t;

typedef struct domsys domsys_t;

typedef struct domain {
    kobj_t obj;                     /* KOBJ_DOMAIN: its control capability */
    domsys_t *sys;
    struct domain *next;
    char name[DOMAIN_NAME_MAX];
    char args[DOMAIN_ARGS_MAX];     /* manifest words the module reads (athanor.args) */
    char entry[DOMAIN_NAME_MAX];    /* export its first thread runs */
    int prio;
    uint32_t flags;                 /* DOMAIN_REENTRANT */
    uint32_t engine;                /* wasm_engine_t of its module (manifest engine=) */
    domain_limits_t lim;
    domain_state_t state;
    struct wasm_module *mod;
    struct wasm_instance *inst;
    struct wasm_linker *linker;     /* "athanor", with this domain as user */
    cap_table_t *caps;
    domain_name_t names[DOMAIN_MAX_NAMES];
    int nnames;
    /* Calls in progress (handlers running on some thread). */
    uint32_t active;
    thread_t *holder;               /* the thread in a non-reentrant domain */
    waitq_t callers;                /* threads waiting for it to be free */
    uint64_t calls, traps;          /* statistics */
    uint64_t call_badge;            /* the badge of the capability the running call came through */
    /* Overlays (buffer and device mappings) in its linear memory:
     * [off, off+len) each, under capability map_h of map_holder to
     * map_obj (kernel/core/overlay.h). */
    uint32_t map_off[DOMAIN_MAX_MAPS], map_len[DOMAIN_MAX_MAPS];
    kobj_t *map_obj[DOMAIN_MAX_MAPS];
    cap_table_t *map_holder[DOMAIN_MAX_MAPS];
    cap_handle_t map_h[DOMAIN_MAX_MAPS];
    int nmaps;
    /* Its fine-clock capability (manifest `clock fine`), 0 if none: without
     * a live one its clock is coarse (CLOCK_COARSE_NS). */
    cap_handle_t clock_h;
    /* Pages (4 KiB) of buffers it made, charged to its memory limit. */
    uint64_t buf_pages;
    /* It wrote to a read-only buffer mapping (ipc_ro_write_fault): its
     * call ends in a trap, ipc_call_endpoint reports IPC_ETRAP. */
    volatile bool ro_kill;
    domain_sup_t sup;               /* restart policy, watchdog, snapshot */
} domain_t;

/* The kernel's set of domains. Fields are private to domain.c / ipc.c. */
/* The resolution of the clock a domain reads without a fine-clock
 * capability (docs/privacy.md): 1 ms, as browsers chose after Spectre. */
#define CLOCK_COARSE_NS 1000000ull

struct domsys {
    cap_space_t space;
    kobj_t fine_clock;              /* KOBJ_CLOCK: granted by `clock fine` */
    uint64_t clock_key;             /* where the coarse clock's edges fall (domain_clock_ns) */
    struct wasm_runtime *rt;
    struct wasm_exec *boot_ex;      /* runs start functions and kernel-made calls */
    domain_t *list;
    int ndomains;
    struct domsys_obj *objs;        /* named endpoints and channels */
    struct channel *reap;           /* channels to free (ipc_reap) */
    /* Finds a boot image file (bootimg_find on the kernel, a table in tests). */
    bool (*find_file)(const char *name, const uint8_t **data, size_t *len);
    /* The system-control object the manifest's "system" lines grant
     * (kern/sysctl.h); NULL: such lines are refused. */
    kobj_t *system;
    /* The lease reaper (loader.c) sleeps here until reap_at; a lease made
     * to end sooner wakes it (cap_lease), so a lease ends on time, not at
     * the reaper's next round (docs/privacy.md). */
    waitq_t reaper;
    uint64_t reap_at;
    /* A translation kept beside the domains' own (domsys_keep_module). */
    struct wasm_module *kept;
};

/* Sets up sys around the runtime rt (the caller keeps it). */
bool domsys_init(domsys_t *sys, struct wasm_runtime *rt,
                 bool (*find_file)(const char *, const uint8_t **, size_t *));
/* Destroys every domain and object; the runtime stays. */
void domsys_fini(domsys_t *sys);
/* Lends sys a reference to m (a module of sys's runtime), which a domain
 * loading the same bytes on the same tier shares instead of translating
 * them again; domsys_fini drops it. A loader that makes systems anew (the
 * kernel fuzzers, docs/faults-injection.md) keeps one translation across
 * them this way. */
void domsys_keep_module(domsys_t *sys, struct wasm_module *m);

/* A new domain (state DOMAIN_NEW) with its capability table; NULL when out
 * of memory or the name is taken. */
domain_t *domain_create(domsys_t *sys, const char *name, const domain_limits_t *lim, int prio);
/* As domain_create, with linker (the domain's from then on) for its
 * imports instead of the "athanor" host calls; NULL: those. */
domain_t *domain_create_with(domsys_t *sys, const char *name, const domain_limits_t *lim,
                             int prio, struct wasm_linker *linker);
/* Takes d out of the domain list (ps, the supervisor, domain_find no
 * longer see it) / puts it back. For the program slots (kern/wasiprog.h),
 * whose domains exist only while a program is there. */
void domain_unlist(domain_t *d);
void domain_relist(domain_t *d);
/* Validates and instantiates the module bytes (start function on the boot
 * exec); prints one line saying so or why not (file names the bytes). */
bool domain_load(domain_t *d, const char *file, const uint8_t *bytes, size_t len);
/* The tier (wasm_engine_t) of domains without engine= (wasm_platform.c;
 * athanor.engine= on the command line). */
uint32_t kwasm_engine(void);
domain_t *domain_find(domsys_t *sys, const char *name);
/* Stop: calls into it fail with IPC_ESTOPPED; start: callable again. */
void domain_stop(domain_t *d);
void domain_start(domain_t *d);

/* Installs a root capability to obj in d's table under name (visible to
 * cap_find). 0 or a negative error. */
int domain_grant_root(domain_t *d, const char *name, kobj_t *obj, uint32_t rights,
                      cap_handle_t *out);
/* Records name -> h in d's name table. */
int domain_name_cap(domain_t *d, const char *name, cap_handle_t h);
/* The handle granted to d under name, or CAP_ENOENT. */
int domain_cap_find(domain_t *d, const char *name, size_t len, cap_handle_t *out);

/* Charges pages (4 KiB) of buffer memory to d: linear memory and the
 * buffers it made stay within its mem limit together. 0 or IPC_ELIMIT
 * (nothing charged). */
int domain_charge(domain_t *d, uint64_t pages);
void domain_uncharge(domain_t *d, uint64_t pages);

/* The time d may see: the kernel clock itself if d holds a live
 * fine-clock capability; else a multiple of CLOCK_COARSE_NS that steps at
 * a point of each interval chosen by a keyed hash of the interval
 * (randomised clamping): monotonic, never ahead of the clock nor more than
 * two intervals behind, and its edges say nothing about where an interval
 * of the real clock begins (docs/privacy.md). */
uint64_t domain_clock_ns(domain_t *d, uint64_t now_ns);

/* The domain whose instance is inst, or NULL. */
domain_t *domain_of_instance(domsys_t *sys, const struct wasm_instance *inst);

/* ------------------------------------------------------------ the manifest */

/* Reads a manifest (format: docs/domains.md): creates every domain, its
 * objects and grants, instantiates the modules. Problems are printed as
 * "manifest:LINE: reason"; a broken entry is skipped, the rest goes on.
 * Returns the number of domains loaded. */
int domsys_load_manifest(domsys_t *sys, const char *text, size_t len);

/* The name of a manifest object (endpoint, channel, buffer) and its
 * defining domain, or NULL. */
const char *domsys_obj_name(domsys_t *sys, const kobj_t *obj, domain_t **owner);
/* cap_drop of handle h by d: a manifest grant it names is marked dropped. */
void domain_note_drop(domain_t *d, cap_handle_t h);
/* For a reset: the manifest grants of other domains' endpoints, channels
 * and buffers that d dropped itself since its snapshot are derived again
 * from their definers' roots, with the rights they had then (a grant that
 * was revoked, expired or moved away is not: only what d gave up). The
 * number given back. */
int domain_regrant_dropped(domain_t *d);

/* Revokes every capability derived from d's manifest objects and derives
 * them anew for the same holders, names and rights (after a fault). */
int domain_reissue(domain_t *d);

/* The next word (separated by spaces, tabs, CRs) of [*p, end) into
 * out[cap], NUL-terminated: 1 if found, 0 if none left, -1 if too long
 * (out is then ""). *p moves past it. The manifest's one splitter
 * (domain.c, and dev.c's device lines). */
int manifest_word(const char **p, const char *end, char *out, size_t cap);
/* A "key=value" word's value (not empty), or NULL when word is not one
 * for key. */
const char *manifest_key(const char *word, const char *key);
/* A decimal number up to 2^31 - 1 into *out; false if s is not one. */
bool manifest_num(const char *s, uint32_t *out);

/* Parses "rights=call,send" words: a CAP_R_* mask, or false. */
bool domain_parse_rights(const char *s, uint32_t *rights);

#endif
