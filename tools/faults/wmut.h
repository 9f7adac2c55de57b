/*
 * Code mutation for fault injection (tools/faults/wmut.c): a module's code
 * section decoded into instruction streams, one instruction of one
 * function changed by a fault model, and the module encoded again.
 */
#ifndef FAULTS_WMUT_H
#define FAULTS_WMUT_H

#include <stddef.h>
#include <stdint.h>

typedef enum wmut_kind {
    WMUT_BRANCH,       /* br_if / if condition negated (i32.eqz inserted) */
    WMUT_COMPARE,      /* a comparison swapped for its negation */
    WMUT_CONST,        /* an i32/i64 constant corrupted */
    WMUT_OFFSET,       /* a load/store memarg offset corrupted */
    WMUT_NOP,          /* an instruction replaced by an equivalent-arity no-op */
    WMUT_UNREACHABLE,  /* an instruction replaced by unreachable */
    WMUT_KINDS
} wmut_kind_t;

typedef struct wmut_insn {
    uint32_t off, len;     /* in the module's bytes */
    uint8_t op;            /* first opcode byte */
    uint32_t sub;          /* 0xFC sub-opcode */
    int64_t imm;           /* const value or memarg offset */
    uint32_t align;        /* memarg alignment */
} wmut_insn_t;

typedef struct wmut_func {
    uint32_t size_off, size_len;   /* the body's size LEB in the module */
    uint32_t body, end;            /* body bytes [body, end) */
    uint32_t first, count;         /* its instructions in wmut_t.insn */
} wmut_func_t;

typedef struct wmut {
    const uint8_t *bytes;
    size_t len;
    uint32_t code_off, code_size_len, code_end;   /* the code section payload */
    wmut_func_t *fn;
    uint32_t nfn;
    wmut_insn_t *insn;
    uint32_t ninsn;
    uint32_t nsites;       /* faults go into insn[0, nsites) (decode: all) */
} wmut_t;

/* Decodes bytes (kept, not copied); false when the module is not one the
 * decoder understands. */
int wmut_decode(wmut_t *m, const uint8_t *bytes, size_t len);
void wmut_free(wmut_t *m);

/* Applies one fault of kind k chosen by the random word r: writes the new
 * module to out (cap bytes; len + 32 is enough) and returns its length, or
 * 0 when the module has no site for k. *site gets the instruction index. */
size_t wmut_apply(const wmut_t *m, wmut_kind_t k, uint64_t r, uint8_t *out, size_t cap,
                  uint32_t *site);
const char *wmut_kind_name(wmut_kind_t k);

#endif
