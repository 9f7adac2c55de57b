/*
 * Azoth Wasm engine: public API.
 *
 * The engine is freestanding C11. It reaches its platform only through
 * <wasm/platform.h>. It holds no global mutable state: everything hangs off a
 * runtime (wasm_runtime_t), a module, an instance or an execution context
 * (wasm_exec_t), so several cores can run instances at once, each with its
 * own wasm_exec_t.
 *
 * Values cross this API as 64-bit cells (uint64_t):
 *   i32  low 32 bits, upper bits zero      f32  IEEE bits in the low 32 bits
 *   i64  all 64 bits                       f64  IEEE bits
 *   funcref    (uint64_t)(uintptr_t)wasm_func_t *, 0 is null
 *   externref  an opaque host word, 0 is null
 *   v128 TWO consecutive cells: bytes 0..7 (lanes in memory order), then 8..15
 * so argument and result arrays (wasm_call, host functions) hold one cell per
 * value, two per v128.
 *
 * Names (import module/field, export names) are byte strings with an
 * explicit length; they may contain any valid UTF-8, including NUL.
 */
#ifndef WASM_WASM_H
#define WASM_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wasm_runtime wasm_runtime_t;
typedef struct wasm_module wasm_module_t;
typedef struct wasm_instance wasm_instance_t;
typedef struct wasm_exec wasm_exec_t;
typedef struct wasm_func wasm_func_t;
typedef struct wasm_table wasm_table_t;
typedef struct wasm_memory wasm_memory_t;
typedef struct wasm_global wasm_global_t;
typedef struct wasm_linker wasm_linker_t;

/* Value types use their binary encodings. */
typedef enum wasm_valtype {
    WASM_I32 = 0x7F,
    WASM_I64 = 0x7E,
    WASM_F32 = 0x7D,
    WASM_F64 = 0x7C,
    WASM_V128 = 0x7B, /* two cells, see above */
    WASM_FUNCREF = 0x70,
    WASM_EXTERNREF = 0x6F,
} wasm_valtype_t;

typedef enum wasm_extern_kind {
    WASM_EXTERN_FUNC = 0,
    WASM_EXTERN_TABLE = 1,
    WASM_EXTERN_MEMORY = 2,
    WASM_EXTERN_GLOBAL = 3,
} wasm_extern_kind_t;

/* Trap kinds. WASM_OK (0) means no trap. */
typedef enum wasm_trap_kind {
    WASM_OK = 0,
    WASM_TRAP_UNREACHABLE,        /* unreachable executed */
    WASM_TRAP_OOB_MEMORY,         /* out of bounds memory access */
    WASM_TRAP_OOB_TABLE,          /* out of bounds table access */
    WASM_TRAP_INT_OVERFLOW,       /* integer overflow (div/trunc) */
    WASM_TRAP_DIV_ZERO,           /* integer divide by zero */
    WASM_TRAP_INVALID_CONVERSION, /* invalid conversion to integer (NaN) */
    WASM_TRAP_INDIRECT_MISMATCH,  /* call_indirect type mismatch */
    WASM_TRAP_UNINITIALIZED_ELEM, /* call_indirect through a null entry */
    WASM_TRAP_NULL_REF,           /* null reference */
    WASM_TRAP_STACK_EXHAUSTED,    /* call depth / value stack / native stack */
    WASM_TRAP_INTERRUPTED,        /* wasm_exec_interrupt() was called */
    WASM_TRAP_OUT_OF_FUEL,        /* fuel limit reached */
    WASM_TRAP_HOST,               /* a host function reported an error */
    WASM_TRAP_EXIT,               /* a host function asked to exit (proc_exit) */
    WASM_TRAP_KIND_COUNT
} wasm_trap_kind_t;

/* "i32", "f64", "funcref", ...; "unknown" for anything else. */
const char *wasm_valtype_name(uint8_t type);

/* Short human readable name, e.g. "integer divide by zero". */
const char *wasm_trap_kind_name(wasm_trap_kind_t kind);

#define WASM_TRAP_MAX_FRAMES 32

typedef struct wasm_frame_info {
    const wasm_instance_t *instance;
    uint32_t func_index;      /* index in the instance's function space */
    const char *name;         /* from the name section or export; may be NULL */
    uint32_t name_len;
    uint32_t code_offset;     /* byte offset of the function body in the module */
} wasm_frame_info_t;

typedef struct wasm_trap {
    wasm_trap_kind_t kind;
    int32_t exit_code;        /* for WASM_TRAP_EXIT */
    char message[160];        /* for WASM_TRAP_HOST, or a detail line */
    uint32_t nframes;         /* innermost first; truncated to WASM_TRAP_MAX_FRAMES */
    wasm_frame_info_t frames[WASM_TRAP_MAX_FRAMES];
} wasm_trap_t;

/* Writes "kind\n  at #0 name (func N)\n..." into buf, NUL terminated. */
size_t wasm_trap_format(const wasm_trap_t *trap, char *buf, size_t cap);

/* Load/link errors: one line naming the section, the byte offset and the reason,
 * e.g. "code section, offset 0x2f: type mismatch: i32.add expects i32". */
typedef struct wasm_error {
    const char *section;      /* static string, e.g. "code", or NULL */
    uint32_t offset;          /* byte offset in the module, or 0 */
    char message[240];        /* the whole line */
} wasm_error_t;

/* ---------------------------------------------------------------- runtime */

/* Execution tier of the functions of modules loaded afterwards. */
typedef enum wasm_engine {
    WASM_ENGINE_DEFAULT = 0,     /* compiled where the platform has it, else interpreted */
    WASM_ENGINE_INTERP = 1,
    WASM_ENGINE_COMPILED = 2,    /* falls back to the interpreter where not available */
} wasm_engine_t;

/* How compiled code checks memory bounds. Guard regions reserve 8 GiB of
 * address space per memory (any 32-bit address plus 32-bit offset) and let a
 * fault in the unmapped part become an out-of-bounds trap; explicit checks
 * compare every access with the memory's size. The interpreter always
 * checks explicitly. */
typedef enum wasm_bounds {
    WASM_BOUNDS_DEFAULT = 0,     /* guard regions on 64-bit hosts with the compiled tier */
    WASM_BOUNDS_EXPLICIT = 1,
} wasm_bounds_t;

typedef struct wasm_config {
    uint32_t max_call_depth;     /* wasm frames per exec context; default 20000 */
    uint32_t value_stack_cells;  /* 64-bit cells per exec context; default 1M */
    uint32_t max_memory_pages;   /* per memory, 64 KiB pages; default 65536 */
    uint32_t max_table_elems;    /* per table; default 10M */
    uint32_t engine;             /* wasm_engine_t; default: compiled where available */
    uint32_t bounds;             /* wasm_bounds_t; default: guard regions where possible */
} wasm_config_t;

/* NULL config gives the defaults. Returns NULL if out of memory. */
wasm_runtime_t *wasm_runtime_new(const wasm_config_t *config);
/* Chooses the tier for modules loaded from now on (per domain in the kernel);
 * returns the tier in effect: WASM_ENGINE_COMPILED only where available. */
wasm_engine_t wasm_runtime_set_engine(wasm_runtime_t *rt, wasm_engine_t engine);
/* Debugging the compiled tier: compile only the defined functions whose
 * index (in the function index space) is in [lo, hi); others interpret. */
void wasm_runtime_set_jit_filter(wasm_runtime_t *rt, uint32_t lo, uint32_t hi);
/* How many of a module's defined functions run compiled and interpreted. */
void wasm_module_tiers(const wasm_module_t *m, uint32_t *compiled, uint32_t *interpreted);
/* Debugging: the module's machine code (the whole sealed region, *code and
 * *size), or false when the compiled tier did not compile it. */
bool wasm_module_code(const wasm_module_t *m, const uint8_t **code, size_t *size);
/* Debugging: the offset in that region of a function's entry (function index
 * space), -1 for an import or a function left interpreted, -2 past the
 * last function. */
int64_t wasm_module_func_code(const wasm_module_t *m, uint32_t func_index);
void wasm_runtime_free(wasm_runtime_t *rt);

/* ----------------------------------------------------------------- module */

/* Decodes, validates and translates a module. The bytes are copied; the
 * caller keeps ownership of its buffer. On failure returns NULL and fills err. */
wasm_module_t *wasm_module_load(wasm_runtime_t *rt, const uint8_t *bytes, size_t len,
                                wasm_error_t *err);
/* m again, with one more reference, if m was loaded in rt from exactly these
 * bytes with the tier rt uses now: what wasm_module_load would give, without
 * translating it twice. NULL otherwise. */
wasm_module_t *wasm_module_reuse(wasm_module_t *m, wasm_runtime_t *rt, const uint8_t *bytes,
                                 size_t len);
/* Drops a reference; the last frees the module (its instances must be gone). */
void wasm_module_free(wasm_module_t *m);

typedef struct wasm_import_desc {
    const char *module; uint32_t module_len;
    const char *name;   uint32_t name_len;
    wasm_extern_kind_t kind;
} wasm_import_desc_t;

typedef struct wasm_export_desc {
    const char *name; uint32_t name_len;
    wasm_extern_kind_t kind;
    uint32_t index;
} wasm_export_desc_t;

uint32_t wasm_module_import_count(const wasm_module_t *m);
void wasm_module_import(const wasm_module_t *m, uint32_t i, wasm_import_desc_t *out);
uint32_t wasm_module_export_count(const wasm_module_t *m);
/* Whether instantiating m runs a start function. */
bool wasm_module_has_start(const wasm_module_t *m);
void wasm_module_export(const wasm_module_t *m, uint32_t i, wasm_export_desc_t *out);

/* ------------------------------------------------------------ extern values */

typedef struct wasm_extern {
    wasm_extern_kind_t kind;
    union {
        wasm_func_t *func;
        wasm_table_t *table;
        wasm_memory_t *memory;
        wasm_global_t *global;
    } u;
} wasm_extern_t;

/* Host functions. cells[0..nparams) hold the arguments on entry; the function
 * writes its results to cells[0..nresults). It returns WASM_OK, or a trap
 * kind (WASM_TRAP_HOST with wasm_call_ctx_fail(), WASM_TRAP_EXIT with
 * wasm_call_ctx_exit()). */
typedef struct wasm_call_ctx wasm_call_ctx_t;
typedef wasm_trap_kind_t (*wasm_host_fn_t)(wasm_call_ctx_t *ctx, uint64_t *cells, void *user);

/* The calling instance's memory 0 (NULL if it has none). */
wasm_memory_t *wasm_call_ctx_memory(wasm_call_ctx_t *ctx);
wasm_instance_t *wasm_call_ctx_instance(wasm_call_ctx_t *ctx);
wasm_exec_t *wasm_call_ctx_exec(wasm_call_ctx_t *ctx);
wasm_trap_kind_t wasm_call_ctx_fail(wasm_call_ctx_t *ctx, const char *message);
wasm_trap_kind_t wasm_call_ctx_exit(wasm_call_ctx_t *ctx, int32_t code);

/* Host objects are owned by the runtime and freed with it. */
wasm_func_t *wasm_func_new_host(wasm_runtime_t *rt,
                                const wasm_valtype_t *params, uint32_t nparams,
                                const wasm_valtype_t *results, uint32_t nresults,
                                wasm_host_fn_t fn, void *user, const char *debug_name);
wasm_memory_t *wasm_memory_new(wasm_runtime_t *rt, uint32_t min_pages, uint32_t max_pages,
                               bool has_max);
wasm_table_t *wasm_table_new(wasm_runtime_t *rt, wasm_valtype_t elem, uint32_t min,
                             uint32_t max, bool has_max);
wasm_global_t *wasm_global_new(wasm_runtime_t *rt, wasm_valtype_t type, bool mutable_,
                               uint64_t value);

/* The types come as their one-byte encodings (the wasm_valtype_t values). */
void wasm_func_type(const wasm_func_t *f,
                    const uint8_t **params, uint32_t *nparams,
                    const uint8_t **results, uint32_t *nresults);

uint8_t *wasm_memory_data(wasm_memory_t *mem);
uint64_t wasm_memory_size(const wasm_memory_t *mem);      /* bytes */
/* Returns the old size in pages, or -1 if the growth is refused. */
int64_t wasm_memory_grow(wasm_memory_t *mem, uint32_t delta_pages);

uint32_t wasm_table_size(const wasm_table_t *t);
bool wasm_table_get(const wasm_table_t *t, uint32_t i, uint64_t *out);
bool wasm_table_set(wasm_table_t *t, uint32_t i, uint64_t ref);

wasm_valtype_t wasm_global_type(const wasm_global_t *g);
uint64_t wasm_global_get(const wasm_global_t *g);
void wasm_global_set(wasm_global_t *g, uint64_t v);
/* A v128 global as two cells, low 64 bits first. */
void wasm_global_get_v128(const wasm_global_t *g, uint64_t out[2]);
void wasm_global_set_v128(wasm_global_t *g, const uint64_t v[2]);

/* ----------------------------------------------------------------- linker */

/* A linker maps (module, name) to extern values. Definitions are kept by
 * reference; the objects must outlive instances that import them. */
wasm_linker_t *wasm_linker_new(wasm_runtime_t *rt);
void wasm_linker_free(wasm_linker_t *l);
bool wasm_linker_define(wasm_linker_t *l, const char *module, uint32_t module_len,
                        const char *name, uint32_t name_len, wasm_extern_t ext);
/* Defines every export of inst under the module name. */
bool wasm_linker_define_instance(wasm_linker_t *l, const char *module, uint32_t module_len,
                                 wasm_instance_t *inst);

/* --------------------------------------------------------------- instances */

/* Resolves imports through the linker (NULL: no imports allowed), type-checks
 * them, builds the instance, applies active segments and runs the start
 * function on ex. Link errors fill err and return NULL (trap->kind == WASM_OK);
 * a trap during instantiation fills trap and returns NULL. */
wasm_instance_t *wasm_instantiate(wasm_module_t *m, wasm_linker_t *imports, wasm_exec_t *ex,
                                  wasm_error_t *err, wasm_trap_t *trap);
/* As wasm_instantiate, with the instance's limits (as wasm_instance_set_limits)
 * in force before anything is allocated: a declared memory or a sum of
 * declared table sizes over them is a link error, and the start function
 * cannot grow past them. The memory's address-space reservation is sized
 * to the limit. */
wasm_instance_t *wasm_instantiate_limited(wasm_module_t *m, wasm_linker_t *imports,
                                          wasm_exec_t *ex, uint32_t max_memory_pages,
                                          uint32_t max_table_elems, wasm_error_t *err,
                                          wasm_trap_t *trap);
void wasm_instance_free(wasm_instance_t *inst);

bool wasm_instance_export(wasm_instance_t *inst, const char *name, uint32_t name_len,
                          wasm_extern_t *out);
wasm_func_t *wasm_instance_func(wasm_instance_t *inst, const char *name);  /* NUL-terminated */
wasm_memory_t *wasm_instance_memory(wasm_instance_t *inst, uint32_t index);
const wasm_module_t *wasm_instance_module(const wasm_instance_t *inst);

/* Per-instance limits, checked on memory.grow / table.grow (and at
 * instantiation). 0 means "runtime default". max_table_elems bounds the sum
 * of the sizes of the instance's own tables (imported tables are their
 * owner's). */
void wasm_instance_set_limits(wasm_instance_t *inst, uint32_t max_memory_pages,
                              uint32_t max_table_elems);
/* The memory limit alone, exactly: 0 means no growth at all. */
void wasm_instance_set_memory_limit(wasm_instance_t *inst, uint32_t max_memory_pages);

/* Snapshot and reset (zero unwanted persistence). wasm_instance_snapshot
 * records the instance's own memory, globals, tables and segment state;
 * it costs no copying: memory pages become copy-on-write. Later,
 * wasm_instance_reset puts the instance back exactly as it was, in time
 * proportional to the pages written since (each dirtied page is copied
 * back; memory grown since is released). Returns the number of platform
 * pages restored, or -1 without a snapshot. Needs the platform's
 * copy-on-write part. Do not reset an instance while it runs. An instance
 * that defines more than one memory cannot be snapshotted (returns false). */
bool wasm_instance_snapshot(wasm_instance_t *inst);
int64_t wasm_instance_reset(wasm_instance_t *inst);
/* For platforms: a write fault at addr inside a watched memory. Saves the
 * page and makes it writable; false when addr is not the engine's to fix. */
bool wasm_memory_write_fault(wasm_memory_t *mem, void *addr);
/* For platforms that map frames of their own over a memory's pages (device
 * registers, shared buffers): marks the page at addr covered (a write
 * fault there is the overlay's, never copy-on-write) or uncovered again.
 * Returns whether the page is still its snapshot's, read-only and not
 * written since: what the overlay saved must then go back read-only. False
 * for a memory without a snapshot or an address outside it. */
bool wasm_memory_cover(wasm_memory_t *mem, void *addr, bool covered);

/* ---------------------------------------------------------------- execution */

/* An execution context: value stack, call stack, interrupt flag, fuel.
 * One per thread of execution. */
wasm_exec_t *wasm_exec_new(wasm_runtime_t *rt);
void wasm_exec_free(wasm_exec_t *ex);

/* Calls f. args has nparams cells, results room for nresults cells.
 * Returns WASM_OK or the trap kind; trap (may be NULL) gets the details. */
wasm_trap_kind_t wasm_call(wasm_exec_t *ex, wasm_func_t *f, const uint64_t *args,
                           uint64_t *results, wasm_trap_t *trap);

/* Safe to call from another thread or a signal/interrupt handler: the running
 * code traps with WASM_TRAP_INTERRUPTED at its next safe point (loop
 * back-edge or function entry). The flag stays set until cleared. */
void wasm_exec_interrupt(wasm_exec_t *ex);
void wasm_exec_clear_interrupt(wasm_exec_t *ex);
/* A preemption point for schedulers: when the interrupt flag is set and a
 * hook is installed, the next safe point calls hook(ex, user) instead of
 * trapping. The hook may block or switch threads; it returns WASM_OK to
 * resume the code (normally after wasm_exec_clear_interrupt) or a trap kind
 * to stop it. NULL removes the hook. */
typedef wasm_trap_kind_t (*wasm_safepoint_fn_t)(wasm_exec_t *ex, void *user);
void wasm_exec_set_safepoint_hook(wasm_exec_t *ex, wasm_safepoint_fn_t fn, void *user);

/* Fuel: number of safe points the code may pass before WASM_TRAP_OUT_OF_FUEL.
 * UINT64_MAX (the default) means unlimited. */
void wasm_exec_set_fuel(wasm_exec_t *ex, uint64_t fuel);
uint64_t wasm_exec_fuel(const wasm_exec_t *ex);

/* Whether a call on ex (from the current native stack) has at least frames
 * call records, cells value-stack cells and native bytes of native stack
 * left: an embedder that runs another party's code on a caller's exec uses
 * it to tell whose fault a stack exhaustion is. */
bool wasm_exec_room(const wasm_exec_t *ex, uint32_t frames, uint32_t cells, uint32_t native);

#ifdef __cplusplus
}
#endif
#endif
