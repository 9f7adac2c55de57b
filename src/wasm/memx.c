/*
 * Multiple memories: the memory instructions on a memory other than 0.
 *
 * Memory 0 is what nearly every module uses; the interpreter keeps its base
 * and size in registers and has an inline handler per load and store. An
 * instruction naming another memory compiles to one OP_MEMX (ops.h), run
 * here out of line, so the single-memory path is unchanged:
 *
 *     MEMX d wop mem s0 s1 s2 off
 *
 * wop is the Wasm opcode: a load (d = [s0 + off]) or store ([s0 + off] = s1),
 * 0x3F memory.size (d), 0x40 memory.grow (d, delta s0), 0x108 memory.init
 * (segment off; s0 s1 s2 = dst src n), 0x10A memory.copy (dst memory mem,
 * source memory off; s0 s1 s2 = dst src n), 0x10B memory.fill (s0 s1 s2 =
 * dst value n).
 */
#include "internal.h"

wasm_trap_kind_t wasmi_memx_exec(const uint32_t *ip, uint64_t *fp, wasm_instance_t *inst)
{
    uint32_t wop = ip[2];
    wasm_memory_t *m = inst->mems[ip[3]];
    uint64_t *d = fp + ip[1];
    uint32_t a = (uint32_t)fp[ip[4]], b = (uint32_t)fp[ip[5]], n = (uint32_t)fp[ip[6]];
    switch (wop) {
    case 0x3F:
        *d = m->pages;
        return WASM_OK;
    case 0x40:
        *d = (uint32_t)wasmi_memory_grow_to(m, a, inst->max_mem_pages);
        return WASM_OK;
    case 0x108: {
        const wasmi_data_t *ds = &inst->m->datas[ip[7]];
        uint64_t len = inst->data_dropped[ip[7]] ? 0 : ds->len;
        if ((uint64_t)b + n > len || (uint64_t)a + n > m->size)
            return WASM_TRAP_OOB_MEMORY;
        if (n)
            __builtin_memcpy(m->base + a, ds->bytes + b, n);
        return WASM_OK;
    }
    case 0x10A: {
        wasm_memory_t *src = inst->mems[ip[7]];
        if ((uint64_t)b + n > src->size || (uint64_t)a + n > m->size)
            return WASM_TRAP_OOB_MEMORY;
        if (n)
            __builtin_memmove(m->base + wasmi_spec_clamp(a, (uint64_t)a + n, m->size),
                              src->base + wasmi_spec_clamp(b, (uint64_t)b + n, src->size), n);
        return WASM_OK;
    }
    case 0x10B:
        if ((uint64_t)a + n > m->size)
            return WASM_TRAP_OOB_MEMORY;
        if (n)
            __builtin_memset(m->base + wasmi_spec_clamp(a, (uint64_t)a + n, m->size), (int)(uint8_t)b, n);
        return WASM_OK;
    default:
        break;
    }
    /* Loads 0x28..0x35 and stores 0x36..0x3E: access width by opcode. */
    static const uint8_t width[23] = {4, 8, 4, 8, 1, 1, 2, 2, 1, 1, 2, 2, 4, 4,
                                      4, 8, 4, 8, 1, 2, 1, 2, 4};
    uint32_t w = width[wop - 0x28];
    uint64_t ea = (uint64_t)a + ip[7];
    if (ea + w > m->size)
        return WASM_TRAP_OOB_MEMORY;
    uint8_t *p = m->base + wasmi_spec_clamp(ea, ea + w, m->size);
    if (wop >= 0x36) {
        uint64_t v = fp[ip[5]];
        __builtin_memcpy(p, &v, w);   /* little-endian: the low w bytes */
        return WASM_OK;
    }
    uint64_t v = 0;
    __builtin_memcpy(&v, p, w);
    switch (wop) {
    case 0x28: case 0x2A: case 0x2D: case 0x2F: case 0x31: case 0x33: case 0x35:
        *d = v;                                 /* zero-extended */
        break;
    case 0x29: case 0x2B:
        *d = v;
        break;
    case 0x2C: *d = (uint32_t)(int32_t)(int8_t)v; break;
    case 0x2E: *d = (uint32_t)(int32_t)(int16_t)v; break;
    case 0x30: *d = (uint64_t)(int64_t)(int8_t)v; break;
    case 0x32: *d = (uint64_t)(int64_t)(int16_t)v; break;
    case 0x34: *d = (uint64_t)(int64_t)(int32_t)v; break;
    default: break;
    }
    return WASM_OK;
}
