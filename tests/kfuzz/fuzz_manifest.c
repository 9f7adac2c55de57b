/*
 * libFuzzer target: the domain manifest parser (domsys_load_manifest) on
 * arbitrary text, then one call into every endpoint the loaded domains
 * export, then the teardown; ASan + UBSan, and no kernel allocation may
 * outlive the domain system. Seeds: tests/kfuzz/seeds/manifest/.
 */
#include "kworld.h"

#include <kern/ipc.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    kworld_init((*argv)[0]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ipc_world_t w;
    kworld_up(&w, (const char *)data, size);
    /* Every capability a domain holds, called as it would call it. */
    for (domain_t *d = w.sys.list; d; d = d->next)
        for (int i = 0; i < d->nnames; i++) {
            uint64_t args[4] = {(uint64_t)i, 1, 2, 3}, r;
            wasm_exec_set_fuel(w.ex, 100000);
            ipc_call(d->caps, w.ex, d->names[i].h, args, 0, &r);
        }
    kworld_down(&w);
    return 0;
}
