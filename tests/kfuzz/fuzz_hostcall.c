/*
 * libFuzzer target: the host-call ABI. Two domains run hc.wasm, which
 * imports every athanor host call (tests/kfuzz/gen_hostcalls.sh); the
 * input is a program of up to 64 host calls made by domain "fz": a call
 * number, then seven arguments, each picked by a selector byte among small
 * numbers, the handles its manifest granted, pointers to the capability
 * names in its memory and their lengths, page offsets, boundary values and
 * raw words. The server "srv" handles endpoint calls, traps on 13 and
 * makes host calls itself on 7 (calls nested inside calls). ASan + UBSan;
 * no kernel allocation may outlive the world.
 */
#include "kworld.h"

#include <kern/ipc.h>
#include <stdlib.h>
#include <string.h>

static const char manifest[] =
    "srv hc.wasm prio=3\n"
    "    endpoint srv.h handler=h\n"
    "    endpoint srv.t handler=h\n"
    "    channel box rights=send\n"
    "fz hc.wasm prio=5 queue=4\n"
    "    endpoint srv.h\n"
    "    endpoint srv.t rights=call\n"
    "    channel box recv\n"
    "    channel out\n"
    "    buffer buf pages=2\n";

static const char *const names[] = {"srv.h", "srv.t", "box", "out", "buf", "nope"};
#define NNAMES 6
#define NAMES_AT 1024u   /* where the names sit in fz's memory, 16 bytes apart */

typedef struct in {
    const uint8_t *p;
    size_t n;
} in_t;

static uint8_t byte(in_t *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static uint64_t word(in_t *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | byte(in);
    return v;
}

static uint64_t arg(in_t *in, const int32_t *h)
{
    static const uint64_t edge[] = {0, 1, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 65536,
                                    65535, 131072, 4096, 4095, 1ull << 32, 64, 65};
    uint8_t sel = byte(in), v = byte(in);
    switch (sel % 8) {
    case 0: return (uint64_t)(int64_t)(int8_t)v;
    case 1: return (uint64_t)(int64_t)h[v % NNAMES];
    case 2: return NAMES_AT + 16u * (v % NNAMES);
    case 3: return strlen(names[v % NNAMES]) + (v >> 7);
    case 4: return 4096ull * (v % 40);
    case 5: return edge[v % (sizeof edge / sizeof edge[0])];
    case 6: return v % 4 ? 0 : 1000;   /* timeouts: none, or 1 us */
    default: return word(in);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    kworld_init((*argv)[0]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ipc_world_t w;
    in_t in = {data, size};
    kworld_up(&w, manifest, sizeof manifest - 1);
    domain_t *fz = domain_find(&w.sys, "fz");
    wasm_func_t *f = fz && fz->inst ? wasm_instance_func(fz->inst, "hc") : NULL;
    wasm_memory_t *mem = f ? wasm_instance_memory(fz->inst, 0) : NULL;
    if (!mem)
        abort();   /* the fixed world must come up */
    int32_t h[NNAMES];
    for (int i = 0; i < NNAMES; i++) {
        memcpy(wasm_memory_data(mem) + NAMES_AT + 16u * i, names[i], strlen(names[i]));
        cap_handle_t got = 0;
        h[i] = domain_cap_find(fz, names[i], strlen(names[i]), &got) ? -1 : (int32_t)got;
    }
    for (int step = 0; step < 64 && in.n; step++) {
        uint64_t args[8], r[1] = {0};
        args[0] = byte(&in);
        for (int i = 1; i < 8; i++)
            args[i] = arg(&in, h);
        wasm_exec_set_fuel(w.ex, 1000000);
        wasm_call(w.ex, f, args, r, NULL);
    }
    kworld_down(&w);
    return 0;
}
