/*
 * A tiny helper to assemble Wasm binaries in C for the unit tests, so they
 * need no external tools at run time.
 *
 *   wb_t        a growable byte buffer with LEB128 writers.
 *   wmod_t      a module under construction: one buffer per section plus
 *               counts; wm_finish() lays the sections out in binary order.
 *
 * Types are written as short strings, one letter per value type:
 *   i i32  I i64  f f32  F f64  r funcref  e externref  v v128
 * Function bodies are raw bytes that include the final `end` (0x0B), so
 * tests can also build truncated or over-long bodies. CODE(...) turns a
 * byte list into the (pointer, length) pair the functions take.
 */
#ifndef AZOTH_WASM_BUILDER_H
#define AZOTH_WASM_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include <wasm/wasm.h>

#define CODE(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

typedef struct wb {
    uint8_t *b;
    size_t n, cap;
} wb_t;

void wb_byte(wb_t *w, uint8_t v);
void wb_bytes(wb_t *w, const void *p, size_t n);
void wb_u32(wb_t *w, uint32_t v);          /* unsigned LEB128 */
void wb_s64(wb_t *w, int64_t v);           /* signed LEB128 (also for i32) */
void wb_name(wb_t *w, const char *s);      /* length-prefixed string */
void wb_free(wb_t *w);
uint8_t wb_valtype(char c);                /* 'i' -> 0x7F, ... */

enum { WM_NSEC = 13 };

typedef struct wmod {
    wb_t sec[WM_NSEC];        /* payloads (without counts) by section id */
    uint32_t count[WM_NSEC];
    wb_t names;               /* function-name map entries */
    uint32_t nnames;
    uint32_t nfuncs;          /* function index space so far */
    uint32_t start;
    int has_start, datacount; /* datacount < 0: no data count section */
} wmod_t;

void wm_init(wmod_t *m);
void wm_free(wmod_t *m);
uint32_t wm_type(wmod_t *m, const char *params, const char *results);
uint32_t wm_import_func(wmod_t *m, const char *mod, const char *name, uint32_t type);
void wm_import_global(wmod_t *m, const char *mod, const char *name, char type, int mut);
void wm_import_memory(wmod_t *m, const char *mod, const char *name, uint32_t min);
void wm_import_table(wmod_t *m, const char *mod, const char *name, uint32_t min);
/* A function with `locals` (one letter per local) and a body ending in end. */
uint32_t wm_func(wmod_t *m, uint32_t type, const char *locals, const uint8_t *body, size_t n);
/* A function whose code entry (local groups + body) is given raw. */
uint32_t wm_func_raw(wmod_t *m, uint32_t type, const uint8_t *entry, size_t n);
void wm_memory(wmod_t *m, uint32_t min, uint32_t max, int has_max);
void wm_table(wmod_t *m, char elem, uint32_t min, uint32_t max, int has_max);
/* init is a constant expression including its end. */
void wm_global(wmod_t *m, char type, int mut, const uint8_t *init, size_t n);
void wm_export(wmod_t *m, const char *name, wasm_extern_kind_t kind, uint32_t index);
void wm_start(wmod_t *m, uint32_t func);
/* Raw segment bodies (without the vector count), one call per segment. */
void wm_elem(wmod_t *m, const uint8_t *seg, size_t n);
void wm_data(wmod_t *m, const uint8_t *seg, size_t n);
void wm_datacount(wmod_t *m, uint32_t n);
void wm_name(wmod_t *m, uint32_t func, const char *name);
/* The finished binary in out (caller frees with wb_free). */
void wm_finish(wmod_t *m, wb_t *out);
/* wm_finish + wasm_module_load; frees nothing. */
wasm_module_t *wm_load(wmod_t *m, wasm_runtime_t *rt, wasm_error_t *err);

/* Opcodes the tests use (binary encodings). */
enum {
    W_UNREACHABLE = 0x00, W_NOP = 0x01, W_BLOCK = 0x02, W_LOOP = 0x03, W_IF = 0x04,
    W_ELSE = 0x05, W_END = 0x0B, W_BR = 0x0C, W_BR_IF = 0x0D, W_BR_TABLE = 0x0E,
    W_RETURN = 0x0F, W_CALL = 0x10, W_CALL_INDIRECT = 0x11, W_DROP = 0x1A,
    W_SELECT = 0x1B, W_SELECT_T = 0x1C,
    W_LGET = 0x20, W_LSET = 0x21, W_LTEE = 0x22, W_GGET = 0x23, W_GSET = 0x24,
    W_TGET = 0x25, W_TSET = 0x26,
    W_I32_LOAD = 0x28, W_I64_LOAD = 0x29, W_I32_LOAD8_U = 0x2D, W_I32_STORE = 0x36,
    W_I64_STORE = 0x37, W_I32_STORE8 = 0x3A,
    W_MEM_SIZE = 0x3F, W_MEM_GROW = 0x40,
    W_I32_CONST = 0x41, W_I64_CONST = 0x42, W_F32_CONST = 0x43, W_F64_CONST = 0x44,
    W_I32_EQZ = 0x45, W_I32_EQ = 0x46, W_I32_LT_S = 0x48, W_I32_LT_U = 0x49,
    W_I32_GT_S = 0x4A, W_I32_LE_S = 0x4C,
    W_I32_CLZ = 0x67, W_I32_CTZ = 0x68, W_I32_POPCNT = 0x69,
    W_I32_ADD = 0x6A, W_I32_SUB = 0x6B, W_I32_MUL = 0x6C, W_I32_DIV_S = 0x6D,
    W_I32_DIV_U = 0x6E, W_I32_REM_S = 0x6F, W_I32_REM_U = 0x70, W_I32_AND = 0x71,
    W_I32_SHL = 0x74, W_I32_SHR_S = 0x75, W_I32_SHR_U = 0x76, W_I32_ROTL = 0x77,
    W_I32_ROTR = 0x78,
    W_I64_CLZ = 0x79, W_I64_CTZ = 0x7A, W_I64_ADD = 0x7C, W_I64_SUB = 0x7D,
    W_I64_MUL = 0x7E, W_I64_DIV_S = 0x7F, W_I64_DIV_U = 0x80, W_I64_REM_S = 0x81,
    W_I64_REM_U = 0x82, W_I64_SHL = 0x86, W_I64_SHR_S = 0x87, W_I64_SHR_U = 0x88,
    W_I64_ROTL = 0x89, W_I64_ROTR = 0x8A,
    W_F32_NEAREST = 0x90, W_F32_ADD = 0x92, W_F32_MIN = 0x96, W_F32_MAX = 0x97,
    W_F64_NEAREST = 0x9E, W_F64_MIN = 0xA4, W_F64_MAX = 0xA5,
    W_I32_TRUNC_F32_S = 0xA8, W_I32_TRUNC_F32_U = 0xA9, W_I32_TRUNC_F64_S = 0xAA,
    W_I64_TRUNC_F64_S = 0xB0, W_I64_EXTEND_I32_S = 0xAC,
    W_REF_NULL = 0xD0, W_REF_IS_NULL = 0xD1, W_REF_FUNC = 0xD2,
    W_FC = 0xFC, /* followed by a u32 sub-opcode */
    W_FC_I32_TRUNC_SAT_F32_S = 0, W_FC_I32_TRUNC_SAT_F32_U = 1,
    W_FC_I32_TRUNC_SAT_F64_S = 2, W_FC_I64_TRUNC_SAT_F64_S = 6,
    W_FC_MEMORY_INIT = 8, W_FC_DATA_DROP = 9, W_FC_MEMORY_COPY = 10,
    W_FC_MEMORY_FILL = 11, W_FC_TABLE_INIT = 12, W_FC_ELEM_DROP = 13,
    W_FC_TABLE_COPY = 14, W_FC_TABLE_GROW = 15, W_FC_TABLE_SIZE = 16, W_FC_TABLE_FILL = 17,
    W_VOID = 0x40, /* empty block type */
    W_T_I32 = 0x7F, W_T_I64 = 0x7E, W_T_F32 = 0x7D, W_T_F64 = 0x7C,
    W_T_FUNCREF = 0x70, W_T_EXTERNREF = 0x6F,
};

#endif
