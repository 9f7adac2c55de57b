/* The kernel fuzz targets' world (kworld.h). Files a manifest may name:
 * hc.wasm (every host call, tests/kfuzz/gen_hostcalls.sh), short.wasm (it,
 * cut short) and junk.wasm (not a module). */
#include "kworld.h"

#include "kshim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *hc;
static size_t hc_len;
static const uint8_t junk[] = "\0asm\1\0\0\0\1\xff\xff\xff\xff\x0f";
static long live_before;

void kworld_init(const char *argv0)
{
    if (hc)
        return;
    char path[4096];
    const char *slash = strrchr(argv0, '/');
    int dir = slash ? (int)(slash - argv0) : 1;
    snprintf(path, sizeof path, "%.*s/hc.wasm", dir, slash ? argv0 : ".");
    FILE *f = fopen(path, "rb");
    hc = malloc(1 << 16);
    if (!f || !hc || !(hc_len = fread(hc, 1, 1 << 16, f))) {
        fprintf(stderr, "kfuzz: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
}

static bool find(const char *name, const uint8_t **data, size_t *len)
{
    if (!strcmp(name, "hc.wasm"))
        *data = hc, *len = hc_len;
    else if (!strcmp(name, "short.wasm"))
        *data = hc, *len = hc_len / 2;
    else if (!strcmp(name, "junk.wasm"))
        *data = junk, *len = sizeof junk - 1;
    else
        return false;
    return true;
}

bool kworld_up(ipc_world_t *w, const char *text, size_t len)
{
    /* Small stacks: the defaults (8 MiB of value stack per exec, zeroed)
     * would cost more than everything the input does. */
    wasm_config_t cfg = {.max_call_depth = 1000, .value_stack_cells = 1u << 16,
                         .max_memory_pages = 256, .max_table_elems = 10000};
    return kworld_up_cfg(w, text, len, &cfg);
}

bool kworld_up_cfg(ipc_world_t *w, const char *text, size_t len, const wasm_config_t *cfg)
{
    memset(w, 0, sizeof *w);
    live_before = kshim_live();
    w->log = ipc_shim_log();
    if (!(w->rt = wasm_runtime_new(cfg)) || !domsys_init(&w->sys, w->rt, find) ||
        !(w->ex = wasm_exec_new(w->rt)))
        abort();
    domsys_load_manifest(&w->sys, text, len);
    return true;
}

static wasm_module_t *kept;        /* hc.wasm on kept_rt */
static wasm_runtime_t *kept_rt;

bool kworld_up_in(ipc_world_t *w, wasm_runtime_t *rt, const char *text, size_t len)
{
    memset(w, 0, sizeof *w);
    live_before = kshim_live();
    w->log = ipc_shim_log();
    w->rt = rt;
    if (!domsys_init(&w->sys, rt, find))
        abort();
    if (kept && kept_rt == rt)
        domsys_keep_module(&w->sys, wasm_module_reuse(kept, rt, hc, hc_len));
    domsys_load_manifest(&w->sys, text, len);
    if (!kept)
        for (domain_t *d = w->sys.list; d && !kept; d = d->next)
            if ((kept = wasm_module_reuse(d->mod, rt, hc, hc_len)))
                kept_rt = rt;
    return true;
}

void kworld_forget(wasm_runtime_t *rt)
{
    if (kept && kept_rt == rt) {
        wasm_module_free(kept);
        kept = NULL;
        kept_rt = NULL;
    }
}

void kworld_down_keep(ipc_world_t *w)
{
    w->rt = NULL;   /* the caller's: ipc_world_down frees only what is left */
    kworld_down(w);
}

void kworld_down(ipc_world_t *w)
{
    ipc_world_down(w);
    if (kshim_live() != live_before) {
        fprintf(stderr, "kfuzz: %ld kernel allocations leaked\n", kshim_live() - live_before);
        abort();
    }
}
