/*
 * Runtime objects shared by the engine's files: runtime, function, memory,
 * table, global, instance and execution context. Public code sees them only
 * as opaque pointers (wasm.h).
 *
 * Ownership: a runtime owns the host objects created through it (host
 * functions, memories, tables, globals made by wasm_*_new) and frees them
 * with itself. An instance owns the objects it defines; imported ones are
 * borrowed and must outlive it.
 */
#ifndef WASM_INTERNAL_H
#define WASM_INTERNAL_H

#include <wasm/platform.h>
#include <wasm/wasm.h>

#include "module.h"

#define WASM_LIKELY(x) __builtin_expect(!!(x), 1)
#define WASM_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Bounds checks against speculation (docs/privacy.md): after
 * `if (end > size) trap;` a CPU that mispredicts the branch runs ahead
 * with an out-of-range index and can leave a trace of what it read in the
 * cache. wasmi_spec_clamp(i, end, size) is i when end <= size and 0
 * otherwise, computed without a branch (a compare turned into a mask), so
 * even a speculated access stays inside the memory or table. The empty asm
 * hides the mask from the optimiser, which knows the check passed and would
 * otherwise drop it. -DWASM_NO_SPEC_MASK leaves it out (for measuring). */
static inline uint64_t wasmi_spec_clamp(uint64_t i, uint64_t end, uint64_t size)
{
#ifdef WASM_NO_SPEC_MASK
    (void)end, (void)size;
    return i;
#else
    uint64_t keep = (uint64_t)0 - (uint64_t)(end <= size);
    __asm__("" : "+r"(keep));
    return i & keep;
#endif
}

/* A host object on the runtime's list, freed with the runtime. */
typedef struct wasmi_hostobj {
    struct wasmi_hostobj *next;
    void (*release)(void *obj);
    void *obj;
} wasmi_hostobj_t;

typedef struct wasmi_canon_type {
    uint8_t *types;
    uint32_t nparams, nresults;
    uint32_t hash;
} wasmi_canon_type_t;

struct wasm_runtime {
    wasm_config_t cfg;
    wasmi_canon_type_t *canon;
    uint32_t ncanon, canon_cap;
    wasmi_hostobj_t *hostobjs;
    const int32_t *dispatch;   /* interpreter label offsets (threaded code) */
    uint32_t engine;           /* WASM_ENGINE_INTERP or _COMPILED, as in effect */
    uint32_t jit_lo, jit_hi;   /* compile only functions in [lo, hi) */
    bool guard;                /* memories get guard regions; compiled code relies on them */
    bool guard_decided;
    uint32_t cpu;              /* compiled tier: CPU features (jit_<arch>.c), probed once */
};

enum { WASM_FUNC_WASM, WASM_FUNC_HOST };

struct wasm_func {
    uint8_t kind;                 /* WASM_FUNC_* */
    uint32_t canon;               /* canonical type id */
    const wasmi_functype_t *type;
    /* wasm functions */
    wasm_instance_t *inst;
    const wasmi_funcdef_t *def;
    uint32_t index;               /* in inst's function index space */
    /* host functions */
    wasm_host_fn_t fn;
    void *user;
    const char *name;
    wasmi_functype_t own_type;     /* host functions own their type */
    void *native;                 /* compiled entry (jit.h), or NULL: interpreted */
};

/* Copy-on-write state of a snapshotted memory (snapshot.c). */
typedef struct wasmi_mem_snap {
    uint32_t pages;               /* Wasm pages at the snapshot */
    size_t psize;                 /* platform page size */
    uint64_t npages;              /* platform pages covered */
    bool frames;                  /* the platform swaps frames (wasm_plat_vm_private) */
    uint64_t *saved;              /* [npages] 0, or the written page's snapshot:
                                     a platform frame token, or a heap copy */
    uint64_t *dirty;              /* indices of written pages, in write order */
    uint64_t *tokens;             /* frames: [i] the token of page dirty[i] */
    uint64_t ndirty;
    uint8_t *cover;               /* [npages] 1: an overlay's frame is mapped there
                                     (wasm_memory_cover): not copy-on-write */
} wasmi_mem_snap_t;

struct wasm_memory {
    uint8_t *base;                /* reservation start; never moves */
    uint64_t size;                /* accessible bytes = pages * 64 KiB */
    uint32_t pages;
    uint32_t max_pages;           /* declared maximum, or the runtime limit */
    bool has_max;
    uint64_t reserved;            /* bytes reserved at base */
    bool guarded;                 /* reserved covers every 32-bit address + offset + 8 */
    wasmi_mem_snap_t *snap;        /* NULL unless snapshotted */
};

/* Snapshot of an instance's own globals, tables and segment state. */
typedef struct wasmi_inst_snap {
    uint64_t *globals;            /* [nglobals] (own ones meaningful) */
    uint32_t *table_size;         /* [ntables] */
    uint64_t **table_elems;       /* [ntables] copies of own tables */
    uint32_t *elem_len;           /* [nelems] */
    uint8_t *data_dropped;        /* [ndatas] */
} wasmi_inst_snap_t;

struct wasm_table {
    uint64_t *elems;
    uint32_t size, max, cap;
    bool has_max;
    uint8_t elem;                 /* WASM_FUNCREF / WASM_EXTERNREF */
};

struct wasm_global {
    uint64_t value;               /* a v128 keeps its low 64 bits here... */
    uint64_t hi;                  /* ...and its high 64 bits here (0 otherwise) */
    uint8_t type;
    bool mut;
};

struct wasm_instance {
    wasm_runtime_t *rt;
    wasm_module_t *m;
    wasm_func_t **funcs;          /* [m->nfuncs] */
    wasm_func_t *own_funcs;       /* [ndefs] */
    wasm_table_t **tables;        /* [m->ntables] */
    wasm_table_t *own_tables;
    wasm_memory_t *mem;           /* memory 0 or NULL (the interpreter's fast path) */
    wasm_memory_t *own_mem;       /* the first memory it defines (== own_mems) or NULL */
    wasm_memory_t **mems;         /* [m->nmems] every memory, imports first */
    wasm_memory_t *own_mems;      /* [nmems - nmem_imports] */
    uint32_t nown_mems;
    wasm_global_t **globals;      /* [m->nglobals] */
    wasm_global_t *own_globals;
    uint64_t **elem_items;        /* [m->nelems] evaluated segments */
    uint32_t *elem_len;           /* 0 once dropped */
    uint8_t *data_dropped;        /* [m->ndatas] */
    uint32_t max_mem_pages, max_table_elems;
    uint32_t ntable_imports, ntables, nelems; /* copies: freeing needs no module */
    wasmi_inst_snap_t *snap;
};

/* The one form of a value in a cell: i32 and f32 zero-extended. Values from
 * outside Wasm (call arguments, host results, globals set by the host) are
 * brought to it; the compiled tier relies on it. */
static inline uint64_t wasmi_cell_canon(uint8_t type, uint64_t v)
{
    return type == WASM_I32 || type == WASM_F32 ? (uint32_t)v : v;
}

/* The same for the cells of n values of types t (a v128 takes two cells). */
static inline void wasmi_cells_canon(const uint8_t *t, uint32_t n, uint64_t *cells)
{
    for (uint32_t i = 0, c = 0; i < n; c += wasmi_cells(t[i]), i++)
        cells[c] = wasmi_cell_canon(t[i], cells[c]);
}

/* snapshot.c */
void wasmi_memory_snap_free(wasm_memory_t *mem);
void wasmi_instance_snap_free(wasm_instance_t *inst);

/* One wasm activation record on the control stack. */
typedef struct wasmi_ctl {
    const uint32_t *ip;           /* where to resume the caller */
    uint64_t *fp;                 /* caller's frame */
    wasm_func_t *func;            /* caller's function, NULL for the entry sentinel */
} wasmi_ctl_t;

struct wasm_call_ctx {
    wasm_exec_t *ex;
    wasm_instance_t *inst;
    wasm_trap_t *trap;
    int32_t exit_code;
};

struct wasm_exec {
    wasm_runtime_t *rt;
    uint64_t *stack, *stack_end;  /* value stack (cells) */
    uint64_t *sp;                 /* first free cell for a new entry */
    wasmi_ctl_t *ctl, *ctl_end;    /* control stack */
    wasmi_ctl_t *ctl_top;          /* first free record */
    volatile uint32_t interrupt;
    int64_t fuel;                 /* safe points left; <= 0 is exhausted; INT64_MAX unlimited */
    wasm_safepoint_fn_t hook;     /* called at a safe point when interrupted */
    void *hook_user;
    uintptr_t native_lo;          /* native stack low bound + margin */
    void *jit_sp;                 /* compiled code: native sp to unwind to on a trap */
    wasm_trap_t last_trap;        /* details of the latest trap */
    char host_msg[160];
    int32_t exit_code;
    size_t stack_bytes, ctl_bytes; /* as allocated (wasm_plat_stack_alloc) */
};

/* jit.c (jit.h has the rest) */
wasm_trap_kind_t wasmi_jit_enter(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp);

/* interp.c */
const int32_t *wasmi_interp_dispatch_table(void);
/* Runs f with its arguments at fp[0..); results land at fp[0..). */
wasm_trap_kind_t wasmi_interp(wasm_exec_t *ex, wasm_func_t *f, uint64_t *fp);
wasm_trap_kind_t wasmi_call_host(wasm_exec_t *ex, wasm_instance_t *caller, wasm_func_t *f,
                                uint64_t *cells);

/* simd.c: runs the OP_SIMD instruction at ip (simd.h); returns the next
 * instruction, or NULL for an out-of-bounds memory access. */
const uint32_t *wasmi_simd_exec(const uint32_t *ip, uint64_t *fp, uint8_t *mem, uint64_t memsize);

/* memx.c: runs the OP_MEMX instruction at ip (ops.h) on inst's memories. */
wasm_trap_kind_t wasmi_memx_exec(const uint32_t *ip, uint64_t *fp, wasm_instance_t *inst);

/* instance.c */
int64_t wasmi_memory_grow_to(wasm_memory_t *mem, uint32_t delta, uint32_t limit);
int64_t wasmi_table_grow_to(wasm_table_t *t, uint32_t delta, uint64_t init, uint32_t limit);
/* table.grow on inst's table index: own tables share inst->max_table_elems. */
int64_t wasmi_instance_table_grow(wasm_instance_t *inst, uint32_t table, uint32_t delta,
                                 uint64_t init);
bool wasmi_memory_init_obj(wasm_memory_t *mem, uint32_t min, uint32_t max, bool has_max,
                          uint32_t limit, bool guard);
/* Bytes a guarded memory reserves: 4 GiB of addresses + 4 GiB of offsets + slack. */
#define WASM_GUARD_RESERVE ((8ull << 30) + 65536u)
void wasmi_memory_release_obj(wasm_memory_t *mem);
bool wasmi_table_init_obj(wasm_table_t *t, uint8_t elem, uint32_t min, uint32_t max,
                         bool has_max);

/* runtime.c */
bool wasmi_rt_add_hostobj(wasm_runtime_t *rt, void *obj, void (*release)(void *));
const char *wasmi_func_name(const wasm_func_t *f, uint32_t *len);

#endif
