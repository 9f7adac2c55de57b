/*
 * The internal code: what compile.c emits and interp.c runs.
 *
 * A function's code is an array of 32-bit words. Each instruction is one
 * opcode word followed by its operands. In threaded builds the opcode word is
 * replaced, once the function is translated, by the offset of its handler
 * from the interpreter's base label, so dispatch is one load and one
 * indirect jump. Operands are:
 *   slot   index of a 64-bit cell in the frame: locals first (params
 *          included), then one cell per operand-stack position;
 *   imm    a 32-bit immediate (64-bit ones take two words, low first);
 *   target absolute word index in the function's code.
 * The numeric ops keep the order of the Wasm opcodes 0x45..0xC4 so the
 * compiler maps them by arithmetic; their operands are d a (unary) or
 * d a b (binary), d the destination slot.
 *
 * X(name, words) lists every op with its operand word count (-1: variable).
 */
#ifndef WASM_OPS_H
#define WASM_OPS_H

#define WASM_NUMERIC_OPS(X)                                                              \
    X(I32_EQZ, 2) X(I32_EQ, 3) X(I32_NE, 3) X(I32_LT_S, 3) X(I32_LT_U, 3)                \
    X(I32_GT_S, 3) X(I32_GT_U, 3) X(I32_LE_S, 3) X(I32_LE_U, 3) X(I32_GE_S, 3)           \
    X(I32_GE_U, 3)                                                                       \
    X(I64_EQZ, 2) X(I64_EQ, 3) X(I64_NE, 3) X(I64_LT_S, 3) X(I64_LT_U, 3)                \
    X(I64_GT_S, 3) X(I64_GT_U, 3) X(I64_LE_S, 3) X(I64_LE_U, 3) X(I64_GE_S, 3)           \
    X(I64_GE_U, 3)                                                                       \
    X(F32_EQ, 3) X(F32_NE, 3) X(F32_LT, 3) X(F32_GT, 3) X(F32_LE, 3) X(F32_GE, 3)        \
    X(F64_EQ, 3) X(F64_NE, 3) X(F64_LT, 3) X(F64_GT, 3) X(F64_LE, 3) X(F64_GE, 3)        \
    X(I32_CLZ, 2) X(I32_CTZ, 2) X(I32_POPCNT, 2)                                         \
    X(I32_ADD, 3) X(I32_SUB, 3) X(I32_MUL, 3) X(I32_DIV_S, 3) X(I32_DIV_U, 3)            \
    X(I32_REM_S, 3) X(I32_REM_U, 3) X(I32_AND, 3) X(I32_OR, 3) X(I32_XOR, 3)             \
    X(I32_SHL, 3) X(I32_SHR_S, 3) X(I32_SHR_U, 3) X(I32_ROTL, 3) X(I32_ROTR, 3)          \
    X(I64_CLZ, 2) X(I64_CTZ, 2) X(I64_POPCNT, 2)                                         \
    X(I64_ADD, 3) X(I64_SUB, 3) X(I64_MUL, 3) X(I64_DIV_S, 3) X(I64_DIV_U, 3)            \
    X(I64_REM_S, 3) X(I64_REM_U, 3) X(I64_AND, 3) X(I64_OR, 3) X(I64_XOR, 3)             \
    X(I64_SHL, 3) X(I64_SHR_S, 3) X(I64_SHR_U, 3) X(I64_ROTL, 3) X(I64_ROTR, 3)          \
    X(F32_ABS, 2) X(F32_NEG, 2) X(F32_CEIL, 2) X(F32_FLOOR, 2) X(F32_TRUNC, 2)           \
    X(F32_NEAREST, 2) X(F32_SQRT, 2)                                                     \
    X(F32_ADD, 3) X(F32_SUB, 3) X(F32_MUL, 3) X(F32_DIV, 3) X(F32_MIN, 3) X(F32_MAX, 3)  \
    X(F32_COPYSIGN, 3)                                                                   \
    X(F64_ABS, 2) X(F64_NEG, 2) X(F64_CEIL, 2) X(F64_FLOOR, 2) X(F64_TRUNC, 2)           \
    X(F64_NEAREST, 2) X(F64_SQRT, 2)                                                     \
    X(F64_ADD, 3) X(F64_SUB, 3) X(F64_MUL, 3) X(F64_DIV, 3) X(F64_MIN, 3) X(F64_MAX, 3)  \
    X(F64_COPYSIGN, 3)                                                                   \
    X(I32_WRAP_I64, 2) X(I32_TRUNC_F32_S, 2) X(I32_TRUNC_F32_U, 2)                       \
    X(I32_TRUNC_F64_S, 2) X(I32_TRUNC_F64_U, 2) X(I64_EXTEND_I32_S, 2)                   \
    X(I64_EXTEND_I32_U, 2) X(I64_TRUNC_F32_S, 2) X(I64_TRUNC_F32_U, 2)                   \
    X(I64_TRUNC_F64_S, 2) X(I64_TRUNC_F64_U, 2)                                          \
    X(F32_CONVERT_I32_S, 2) X(F32_CONVERT_I32_U, 2) X(F32_CONVERT_I64_S, 2)              \
    X(F32_CONVERT_I64_U, 2) X(F32_DEMOTE_F64, 2)                                         \
    X(F64_CONVERT_I32_S, 2) X(F64_CONVERT_I32_U, 2) X(F64_CONVERT_I64_S, 2)              \
    X(F64_CONVERT_I64_U, 2) X(F64_PROMOTE_F32, 2)                                        \
    X(I32_REINTERPRET_F32, 2) X(I64_REINTERPRET_F64, 2) X(F32_REINTERPRET_I32, 2)        \
    X(F64_REINTERPRET_I64, 2)                                                            \
    X(I32_EXTEND8_S, 2) X(I32_EXTEND16_S, 2) X(I64_EXTEND8_S, 2) X(I64_EXTEND16_S, 2)    \
    X(I64_EXTEND32_S, 2)                                                                 \
    /* 0xFC 0..7 */                                                                      \
    X(I32_TRUNC_SAT_F32_S, 2) X(I32_TRUNC_SAT_F32_U, 2) X(I32_TRUNC_SAT_F64_S, 2)        \
    X(I32_TRUNC_SAT_F64_U, 2) X(I64_TRUNC_SAT_F32_S, 2) X(I64_TRUNC_SAT_F32_U, 2)        \
    X(I64_TRUNC_SAT_F64_S, 2) X(I64_TRUNC_SAT_F64_U, 2)

/* Binary i32/i64 ops with an immediate right operand: d a imm (i64: imm is
 * sign-extended from 32 bits). Same order as the plain ones they shadow. */
#define WASM_IMM_OPS(X)                                                                  \
    X(I32_EQ_I, 3) X(I32_NE_I, 3) X(I32_LT_S_I, 3) X(I32_LT_U_I, 3) X(I32_GT_S_I, 3)     \
    X(I32_GT_U_I, 3) X(I32_LE_S_I, 3) X(I32_LE_U_I, 3) X(I32_GE_S_I, 3) X(I32_GE_U_I, 3) \
    X(I32_ADD_I, 3) X(I32_SUB_I, 3) X(I32_MUL_I, 3) X(I32_AND_I, 3) X(I32_OR_I, 3)       \
    X(I32_XOR_I, 3) X(I32_SHL_I, 3) X(I32_SHR_S_I, 3) X(I32_SHR_U_I, 3)                  \
    X(I64_ADD_I, 3) X(I64_SUB_I, 3) X(I64_MUL_I, 3) X(I64_AND_I, 3) X(I64_OR_I, 3)       \
    X(I64_XOR_I, 3) X(I64_SHL_I, 3) X(I64_SHR_S_I, 3) X(I64_SHR_U_I, 3)                  \
    X(I64_EQ_I, 3) X(I64_NE_I, 3) X(I64_LT_S_I, 3) X(I64_LT_U_I, 3) X(I64_GT_S_I, 3)     \
    X(I64_GT_U_I, 3) X(I64_LE_S_I, 3) X(I64_LE_U_I, 3) X(I64_GE_S_I, 3) X(I64_GE_U_I, 3)

/* Fused compare-and-branch: a b target (jump when the comparison holds), the
 * _I forms a imm target, EQZ/NEZ a target. Integer comparisons only, so a
 * branch-if-false can use the negated comparison. */
#define WASM_BRANCH_OPS(X)                                                               \
    X(BR_I32_EQ, 3) X(BR_I32_NE, 3) X(BR_I32_LT_S, 3) X(BR_I32_LT_U, 3)                  \
    X(BR_I32_GT_S, 3) X(BR_I32_GT_U, 3) X(BR_I32_LE_S, 3) X(BR_I32_LE_U, 3)              \
    X(BR_I32_GE_S, 3) X(BR_I32_GE_U, 3)                                                  \
    X(BR_I32_EQ_I, 3) X(BR_I32_NE_I, 3) X(BR_I32_LT_S_I, 3) X(BR_I32_LT_U_I, 3)          \
    X(BR_I32_GT_S_I, 3) X(BR_I32_GT_U_I, 3) X(BR_I32_LE_S_I, 3) X(BR_I32_LE_U_I, 3)      \
    X(BR_I32_GE_S_I, 3) X(BR_I32_GE_U_I, 3)                                              \
    X(BR_I64_EQ, 3) X(BR_I64_NE, 3) X(BR_I64_LT_S, 3) X(BR_I64_LT_U, 3)                  \
    X(BR_I64_GT_S, 3) X(BR_I64_GT_U, 3) X(BR_I64_LE_S, 3) X(BR_I64_LE_U, 3)              \
    X(BR_I64_GE_S, 3) X(BR_I64_GE_U, 3)                                                  \
    X(BR_I32_EQZ, 2) X(BR_I32_NEZ, 2) X(BR_I64_EQZ, 2) X(BR_I64_NEZ, 2)

#define WASM_MISC_OPS(X)                                                                 \
    X(UNREACHABLE, 0)                                                                    \
    X(BR, 1)              /* target */                                                   \
    X(BR_TABLE, -1)       /* idx n t0 .. t(n-1) tdefault */                              \
    X(RETURN0, 0)                                                                        \
    X(RETURN1, 1)         /* src */                                                      \
    X(RETURN, 2)          /* src n: fp[0..n) = fp[src..src+n) */                         \
    X(CALL, 2)            /* funcidx base */                                             \
    X(CALL_INDIRECT, 4)   /* table canon elem base */                                    \
    /* Tail calls: the arguments at fp[base..) move to fp[0..) and the callee    */          \
    /* replaces the running function in place (no control record is pushed).    */          \
    X(RETURN_CALL, 2)     /* funcidx base */                                             \
    X(RETURN_CALL_INDIRECT, 4) /* table canon elem base */                               \
    X(SAFEPOINT, 0)                                                                      \
    X(MOV, 2)             /* d s */                                                      \
    X(CONST32, 2)         /* d imm */                                                    \
    X(CONST64, 3)         /* d lo hi */                                                  \
    X(SELECT, 4)          /* d a b cond */                                               \
    X(GLOBAL_GET, 2)      /* d idx */                                                    \
    X(GLOBAL_SET, 2)      /* s idx */                                                    \
    X(I32_LOAD, 3) X(I64_LOAD, 3) X(F32_LOAD, 3) X(F64_LOAD, 3)  /* d addr off */        \
    X(I32_LOAD8_S, 3) X(I32_LOAD8_U, 3) X(I32_LOAD16_S, 3) X(I32_LOAD16_U, 3)            \
    X(I64_LOAD8_S, 3) X(I64_LOAD8_U, 3) X(I64_LOAD16_S, 3) X(I64_LOAD16_U, 3)            \
    X(I64_LOAD32_S, 3) X(I64_LOAD32_U, 3)                                                \
    X(I32_STORE, 3) X(I64_STORE, 3) X(F32_STORE, 3) X(F64_STORE, 3) /* addr val off */   \
    X(I32_STORE8, 3) X(I32_STORE16, 3) X(I64_STORE8, 3) X(I64_STORE16, 3)                \
    X(I64_STORE32, 3)                                                                    \
    X(MEMORY_SIZE, 1)     /* d */                                                        \
    X(MEMORY_GROW, 2)     /* d delta */                                                  \
    X(MEMORY_INIT, 4)     /* seg dst src n */                                            \
    X(DATA_DROP, 1)       /* seg */                                                      \
    X(MEMORY_COPY, 3)     /* dst src n */                                                \
    X(MEMORY_FILL, 3)     /* dst val n */                                                \
    X(TABLE_GET, 3)       /* d table idx */                                              \
    X(TABLE_SET, 3)       /* table idx val */                                            \
    X(TABLE_SIZE, 2)      /* d table */                                                  \
    X(TABLE_GROW, 4)      /* d table init n */                                           \
    X(TABLE_FILL, 4)      /* table i val n */                                            \
    X(TABLE_COPY, 5)      /* dsttable srctable d s n */                                  \
    X(TABLE_INIT, 5)      /* table seg d s n */                                          \
    X(ELEM_DROP, 1)       /* seg */                                                      \
    X(REF_FUNC, 2)        /* d funcidx */                                                \
    X(REF_IS_NULL, 2)     /* d a */                                                      \
    /* v128 values take two cells (module.h, wasmi_cells); these move them. */              \
    X(MOV128, 2)          /* d s */                                                      \
    X(SELECT128, 4)       /* d a b cond */                                               \
    X(GLOBAL_GET128, 2)   /* d idx */                                                    \
    X(GLOBAL_SET128, 2)   /* s idx */                                                    \
    /* Every SIMD instruction (0xFD prefix) is one SIMD op run out of line by  */          \
    /* simd.c, so the scalar interpreter loop does not grow: d sub operands... */          \
    /* d is the result slot (unused by stores), sub the Wasm SIMD opcode; the  */          \
    /* operand words per kind are listed in simd.h.                            */          \
    X(SIMD, -1)                                                                          \
    /* Multiple memories: memory 0 uses the ops above (its base and size are */          \
    /* cached in the interpreter); any other memory goes out of line (memx.c). */          \
    /* wop is the Wasm opcode (0x28..0x40; 0x108 init, 0x10A copy, 0x10B fill). */          \
    X(MEMX, 7)            /* d wop mem s0 s1 s2 off */                                   \
    X(SIMD_M, -1)         /* mem, then the words of a SIMD memory access (simd.h) */ \
    /* The commonest SIMD instructions (on memory 0) have handlers of their  */          \
    /* own in the interpreter, with OP_SIMD's exact layout (d sub operands), */          \
    /* so the compiled tier reads them as OP_SIMD (jit.c).                   */          \
    X(V_LOAD, 4)          /* d sub addr off: v128.load */                                \
    X(V_STORE, 5)         /* 0 sub addr v off: v128.store */                             \
    X(V_CONST, 6)         /* d sub w0 w1 w2 w3 */                                        \
    X(V_SHUFFLE, 8)       /* d sub a b w0 w1 w2 w3: i8x16.shuffle */                     \
    X(V_SPLAT32, 3)       /* d sub a: i32x4/f32x4.splat */                               \
    X(V_SPLAT64, 3)       /* d sub a: i64x2/f64x2.splat */                               \
    X(V_EXTRACT32, 4)     /* d sub a lane: i32x4/f32x4.extract_lane */                   \
    X(V_EXTRACT64, 4)     /* d sub a lane: i64x2/f64x2.extract_lane */                   \
    X(V_AND, 4) X(V_ANDNOT, 4) X(V_OR, 4) X(V_XOR, 4)  /* d sub a b, and below */        \
    X(V_I8_ADD, 4) X(V_I8_SUB, 4) X(V_I16_ADD, 4) X(V_I16_SUB, 4) X(V_I16_MUL, 4)        \
    X(V_I32_ADD, 4) X(V_I32_SUB, 4) X(V_I32_MUL, 4) X(V_I64_ADD, 4) X(V_I64_SUB, 4)      \
    X(V_I64_MUL, 4) X(V_F32_ADD, 4) X(V_F32_SUB, 4) X(V_F32_MUL, 4) X(V_F32_DIV, 4)      \
    X(V_F64_ADD, 4) X(V_F64_SUB, 4) X(V_F64_MUL, 4) X(V_F64_DIV, 4)

#define WASM_ALL_OPS(X) WASM_NUMERIC_OPS(X) WASM_IMM_OPS(X) WASM_BRANCH_OPS(X) WASM_MISC_OPS(X)

enum wasmi_op {
#define WASM_OP_ENUM(name, n) OP_##name,
    WASM_ALL_OPS(WASM_OP_ENUM)
#undef WASM_OP_ENUM
    OP_COUNT
};

#endif
