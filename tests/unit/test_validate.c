/*
 * Unit tests for the validator/compiler (compile.c): valid function bodies
 * load, invalid ones are rejected with a "code section, offset 0x..: reason"
 * error whose offset lies inside the offending function body.
 */
#include "unit.h"
#include "wasm_builder.h"

#include <stdlib.h>

#include <wasm/wasm.h>

static wasm_runtime_t *vrt(void)
{
    static wasm_runtime_t *rt;
    if (!rt)
        rt = wasm_runtime_new(NULL);
    return rt;
}

/*
 * Adds a function (params)->(results) with `locals` and `body` to m (which
 * may already hold memories, globals, ...), loads the module and checks the
 * outcome: want == NULL means it must load; otherwise loading must fail in
 * the code section, at an offset inside the body, with `want` in the message.
 * Frees m.
 */
static bool check_body(wmod_t *m, const char *params, const char *results, const char *locals,
                       const uint8_t *body, size_t n, const char *want)
{
    uint32_t t = wm_type(m, params, results);
    wm_func(m, t, locals, body, n);
    wb_t bin;
    wm_finish(m, &bin);
    wm_free(m);
    wasm_error_t err;
    memset(&err, 0, sizeof err);
    wasm_module_t *mod = wasm_module_load(vrt(), bin.b, bin.n, &err);
    bool ok;
    if (!want) {
        ok = mod != NULL;
        if (!ok)
            fprintf(stderr, "  unexpected error: %s\n", err.message);
    } else {
        const uint8_t *at = memmem(bin.b, bin.n, body, n);
        size_t lo = at ? (size_t)(at - bin.b) : 0, hi = lo + n;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "code section, offset 0x%x: ", err.offset);
        ok = !mod && at && err.section && !strcmp(err.section, "code") && err.offset >= lo &&
             err.offset <= hi && !strncmp(err.message, prefix, strlen(prefix)) &&
             strstr(err.message, want);
        if (!ok)
            fprintf(stderr, "  want \"%s\" in body [0x%zx,0x%zx], got %s: %s\n", want, lo, hi,
                    mod ? "success" : "error", err.message);
    }
    wasm_module_free(mod);
    wb_free(&bin);
    return ok;
}

/* A module with no other definitions. */
static bool body(const char *params, const char *results, const char *locals,
                 const uint8_t *code, size_t n, const char *want)
{
    wmod_t m;
    wm_init(&m);
    return check_body(&m, params, results, locals, code, n, want);
}

#define VALID(p, r, l, ...) body(p, r, l, CODE(__VA_ARGS__), NULL)
#define INVALID(want, p, r, l, ...) body(p, r, l, CODE(__VA_ARGS__), want)

TEST(validate_accepts_simple_bodies)
{
    CHECK(VALID("ii", "i", "", W_LGET, 0, W_LGET, 1, W_I32_ADD, W_END));
    CHECK(VALID("", "", "", W_END));
    CHECK(VALID("I", "I", "i", W_LGET, 0, W_LGET, 1, W_I64_EXTEND_I32_S, W_I64_ADD, W_END));
    /* loop that counts a local down to zero */
    CHECK(VALID("i", "i", "", W_LOOP, W_VOID, W_LGET, 0, W_I32_CONST, 1, W_I32_SUB, W_LTEE, 0,
                W_BR_IF, 0, W_END, W_LGET, 0, W_END));
    /* if/else with a result */
    CHECK(VALID("i", "I", "", W_LGET, 0, W_IF, W_T_I64, W_I64_CONST, 1, W_ELSE, W_I64_CONST, 2,
                W_END, W_END));
}

TEST(validate_type_mismatch_i32_add_on_i64)
{
    CHECK(INVALID("type mismatch", "II", "i", "", W_LGET, 0, W_LGET, 1, W_I32_ADD, W_END));
    CHECK(INVALID("type mismatch", "iI", "i", "", W_LGET, 0, W_LGET, 1, W_I32_ADD, W_END));
    /* wrong function result type */
    CHECK(INVALID("type mismatch", "I", "i", "", W_LGET, 0, W_END));
}

TEST(validate_stack_underflow)
{
    CHECK(INVALID("type mismatch", "", "i", "", W_I32_CONST, 1, W_I32_ADD, W_END));
    CHECK(INVALID("type mismatch", "", "", "", W_DROP, W_END));
    CHECK(INVALID("type mismatch", "", "i", "", W_END));
    /* a block cannot pop values from outside it */
    CHECK(INVALID("type mismatch", "", "", "", W_I32_CONST, 1, W_BLOCK, W_VOID, W_DROP, W_END,
                  W_DROP, W_END));
}

TEST(validate_block_result_counts)
{
    /* block (result i32) with no value */
    CHECK(INVALID("type mismatch", "", "i", "", W_BLOCK, W_T_I32, W_END, W_END));
    /* block (result i32) with two values */
    CHECK(INVALID("type mismatch", "", "i", "", W_BLOCK, W_T_I32, W_I32_CONST, 1, W_I32_CONST, 2,
                  W_END, W_END));
    /* void block leaving a value */
    CHECK(INVALID("type mismatch", "", "", "", W_BLOCK, W_VOID, W_I32_CONST, 1, W_END, W_END));
    /* if (result i32) without else */
    CHECK(INVALID("type mismatch", "i", "i", "", W_LGET, 0, W_IF, W_T_I32, W_I32_CONST, 1, W_END,
                  W_END));
    /* function leaving two values for one result */
    CHECK(INVALID("type mismatch", "", "i", "", W_I32_CONST, 1, W_I32_CONST, 2, W_END));
}

TEST(validate_multi_value_block_types)
{
    wmod_t m;
    wm_init(&m);
    uint32_t bt = wm_type(&m, "i", "ii");  /* type 0: [i32] -> [i32 i32] */
    (void)bt;
    CHECK(check_body(&m, "", "i", "", CODE(W_I32_CONST, 5, W_BLOCK, 0, W_I32_CONST, 6, W_END,
                                           W_I32_ADD, W_END), NULL));
    wm_init(&m);
    wm_type(&m, "i", "ii");
    /* the block produces only one of its two results */
    CHECK(check_body(&m, "", "i", "", CODE(W_I32_CONST, 5, W_BLOCK, 0, W_END, W_END),
                     "type mismatch"));
    wm_init(&m);
    wm_type(&m, "i", "ii");
    /* missing block parameter */
    CHECK(check_body(&m, "", "", "", CODE(W_BLOCK, 0, W_I32_CONST, 6, W_END, W_DROP, W_DROP,
                                          W_END), "type mismatch"));
    /* block type index out of range */
    CHECK(INVALID("unknown type", "", "", "", W_BLOCK, 9, W_END, W_END));
}

TEST(validate_br_unknown_label)
{
    CHECK(INVALID("unknown label", "", "", "", W_BLOCK, W_VOID, W_BR, 2, W_END, W_END));
    CHECK(INVALID("unknown label", "", "", "", W_BR, 1, W_END));
    CHECK(INVALID("unknown label", "i", "", "", W_LGET, 0, W_BR_IF, 1, W_END));
    CHECK(VALID("", "", "", W_BLOCK, W_VOID, W_BR, 1, W_END, W_END));
}

TEST(validate_br_table_arity)
{
    /* labels 0 (arity 0) and 1 (arity 1) disagree */
    CHECK(INVALID("type mismatch", "", "i", "", W_BLOCK, W_T_I32, W_BLOCK, W_VOID, W_I32_CONST,
                  1, W_I32_CONST, 0, W_BR_TABLE, 1, 0, 1, W_END, W_I32_CONST, 0, W_END, W_END));
    /* same arity, different types */
    CHECK(INVALID("type mismatch", "", "i", "", W_BLOCK, W_T_I32, W_BLOCK, W_T_I64, W_I32_CONST,
                  1, W_I32_CONST, 0, W_BR_TABLE, 1, 0, 1, W_END, W_DROP, W_I32_CONST, 0, W_END,
                  W_END));
    /* consistent labels */
    CHECK(VALID("i", "i", "", W_BLOCK, W_T_I32, W_BLOCK, W_T_I32, W_I32_CONST, 7, W_LGET, 0,
                W_BR_TABLE, 1, 0, 1, W_END, W_END, W_END));
    /* a label out of range */
    CHECK(INVALID("unknown label", "i", "", "", W_BLOCK, W_VOID, W_LGET, 0, W_BR_TABLE, 1, 0,
                  5, W_END, W_END));
}

TEST(validate_unreachable_polymorphism)
{
    CHECK(VALID("", "i", "", W_UNREACHABLE, W_I32_ADD, W_END));
    CHECK(VALID("", "", "", W_UNREACHABLE, W_I32_ADD, W_DROP, W_END));
    CHECK(VALID("", "I", "", W_BLOCK, W_VOID, W_BR, 0, W_I32_ADD, W_DROP, W_END, W_UNREACHABLE,
                W_END));
    CHECK(VALID("", "i", "", W_UNREACHABLE, W_SELECT, W_END));
    CHECK(VALID("", "i", "", W_I32_CONST, 1, W_RETURN, W_SELECT, W_END));
    CHECK(INVALID("type mismatch", "", "", "", W_BLOCK, W_VOID, W_BR, 0, W_I64_CONST, 0,
                  W_I32_ADD, W_DROP, W_END, W_END));
    CHECK(INVALID("type mismatch", "", "i", "", W_UNREACHABLE, W_I64_CONST, 0, W_END));
    /* after unreachable, a block still checks its own stack */
    CHECK(INVALID("type mismatch", "", "", "", W_UNREACHABLE, W_BLOCK, W_VOID, W_I32_ADD, W_DROP,
                  W_END, W_END));
}

TEST(validate_local_index_out_of_range)
{
    CHECK(INVALID("unknown local", "i", "i", "", W_LGET, 1, W_END));
    CHECK(INVALID("unknown local", "i", "", "I", W_I32_CONST, 0, W_LSET, 2, W_END));
    CHECK(INVALID("unknown local", "", "", "", W_I32_CONST, 0, W_LTEE, 0, W_DROP, W_END));
    CHECK(VALID("i", "I", "I", W_LGET, 1, W_END));
    /* a local of the wrong type */
    CHECK(INVALID("type mismatch", "i", "", "I", W_LGET, 0, W_LSET, 1, W_END));
}

TEST(validate_global_set_immutable)
{
    wmod_t m;
    wm_init(&m);
    wm_global(&m, 'i', 0, CODE(W_I32_CONST, 0, W_END));
    CHECK(check_body(&m, "", "", "", CODE(W_I32_CONST, 1, W_GSET, 0, W_END), "immutable"));
    wm_init(&m);
    wm_global(&m, 'i', 1, CODE(W_I32_CONST, 0, W_END));
    CHECK(check_body(&m, "", "", "", CODE(W_I32_CONST, 1, W_GSET, 0, W_END), NULL));
    wm_init(&m);
    wm_global(&m, 'i', 1, CODE(W_I32_CONST, 0, W_END));
    CHECK(check_body(&m, "", "", "", CODE(W_I64_CONST, 1, W_GSET, 0, W_END), "type mismatch"));
    CHECK(INVALID("unknown global", "", "i", "", W_GGET, 0, W_END));
}

TEST(validate_memory_ops_need_memory)
{
    CHECK(INVALID("unknown memory", "", "i", "", W_I32_CONST, 0, W_I32_LOAD, 2, 0, W_END));
    CHECK(INVALID("unknown memory", "", "", "", W_I32_CONST, 0, W_I32_CONST, 0, W_I32_STORE, 2,
                  0, W_END));
    CHECK(INVALID("unknown memory", "", "i", "", W_MEM_SIZE, 0, W_END));
    CHECK(INVALID("unknown memory", "", "i", "", W_I32_CONST, 1, W_MEM_GROW, 0, W_END));
    wmod_t m;
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    CHECK(check_body(&m, "", "i", "", CODE(W_I32_CONST, 0, W_I32_LOAD, 2, 0, W_END), NULL));
}

TEST(validate_alignment_not_larger_than_natural)
{
    static const struct { uint8_t op, max; } ops[] = {
        {W_I32_LOAD, 2}, {W_I64_LOAD, 3}, {W_I32_LOAD8_U, 0},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        wmod_t m;
        const char *res = ops[i].op == W_I64_LOAD ? "I" : "i";
        wm_init(&m);
        wm_memory(&m, 1, 0, 0);
        CHECK(check_body(&m, "", res, "", CODE(W_I32_CONST, 0, ops[i].op, ops[i].max, 0, W_END),
                         NULL));
        wm_init(&m);
        wm_memory(&m, 1, 0, 0);
        CHECK(check_body(&m, "", res, "",
                         CODE(W_I32_CONST, 0, ops[i].op, (uint8_t)(ops[i].max + 1), 0, W_END),
                         "alignment"));
    }
    wmod_t m;
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    CHECK(check_body(&m, "", "", "",
                     CODE(W_I32_CONST, 0, W_I64_CONST, 0, W_I64_STORE, 4, 0, W_END),
                     "alignment"));
}

TEST(validate_ref_func_must_be_declared)
{
    /* function 0 refers to itself, undeclared */
    CHECK(INVALID("undeclared function", "", "", "", W_REF_FUNC, 0, W_DROP, W_END));
    CHECK(INVALID("unknown function", "", "", "", W_REF_FUNC, 3, W_DROP, W_END));
    /* declared by an export */
    wmod_t m;
    wm_init(&m);
    wm_export(&m, "f", WASM_EXTERN_FUNC, 0);
    CHECK(check_body(&m, "", "", "", CODE(W_REF_FUNC, 0, W_DROP, W_END), NULL));
    /* declared by a declarative element segment (flags 3, elemkind 0, [0]) */
    wm_init(&m);
    wm_elem(&m, CODE(3, 0, 1, 0));
    CHECK(check_body(&m, "", "", "", CODE(W_REF_FUNC, 0, W_DROP, W_END), NULL));
}

TEST(validate_memory_init_needs_data_count)
{
    /* memory.init 0 0 with a passive data segment but no data count section */
    wmod_t m;
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_data(&m, CODE(1, 2, 'h', 'i'));
    CHECK(check_body(&m, "", "", "",
                     CODE(W_I32_CONST, 0, W_I32_CONST, 0, W_I32_CONST, 2, W_FC,
                          W_FC_MEMORY_INIT, 0, 0, W_END),
                     "data count section required"));
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_data(&m, CODE(1, 2, 'h', 'i'));
    CHECK(check_body(&m, "", "", "", CODE(W_FC, W_FC_DATA_DROP, 0, W_END),
                     "data count section required"));
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_datacount(&m, 1);
    wm_data(&m, CODE(1, 2, 'h', 'i'));
    CHECK(check_body(&m, "", "", "",
                     CODE(W_I32_CONST, 0, W_I32_CONST, 0, W_I32_CONST, 2, W_FC,
                          W_FC_MEMORY_INIT, 0, 0, W_FC, W_FC_DATA_DROP, 0, W_END),
                     NULL));
    /* segment index beyond the data count */
    wm_init(&m);
    wm_memory(&m, 1, 0, 0);
    wm_datacount(&m, 1);
    wm_data(&m, CODE(1, 2, 'h', 'i'));
    CHECK(check_body(&m, "", "", "", CODE(W_FC, W_FC_DATA_DROP, 1, W_END),
                     "unknown data segment"));
}

TEST(validate_select_reference_operands)
{
    CHECK(INVALID("type mismatch", "", "", "", W_REF_NULL, W_T_FUNCREF, W_REF_NULL, W_T_FUNCREF,
                  W_I32_CONST, 1, W_SELECT, W_DROP, W_END));
    CHECK(INVALID("type mismatch", "", "", "", W_REF_NULL, W_T_EXTERNREF, W_REF_NULL,
                  W_T_EXTERNREF, W_I32_CONST, 1, W_SELECT, W_DROP, W_END));
    CHECK(VALID("", "", "", W_REF_NULL, W_T_FUNCREF, W_REF_NULL, W_T_FUNCREF, W_I32_CONST, 1,
                W_SELECT_T, 1, W_T_FUNCREF, W_DROP, W_END));
    CHECK(VALID("", "I", "", W_I64_CONST, 1, W_I64_CONST, 2, W_I32_CONST, 1, W_SELECT, W_END));
    /* select operands of different types */
    CHECK(INVALID("type mismatch", "", "", "", W_I64_CONST, 1, W_I32_CONST, 2, W_I32_CONST, 1,
                  W_SELECT, W_DROP, W_END));
    /* typed select with two types */
    CHECK(INVALID("invalid result arity", "", "", "", W_I32_CONST, 1, W_I32_CONST, 2,
                  W_I32_CONST, 1, W_SELECT_T, 2, W_T_I32, W_T_I32, W_DROP, W_END));
}

/* A raw code entry: local groups given as (count, type) pairs. */
static bool raw_entry(const uint8_t *entry, size_t n, const char *want)
{
    wmod_t m;
    wm_init(&m);
    uint32_t t = wm_type(&m, "", "");
    wm_func_raw(&m, t, entry, n);
    wb_t bin;
    wm_finish(&m, &bin);
    wm_free(&m);
    wasm_error_t err;
    memset(&err, 0, sizeof err);
    wasm_module_t *mod = wasm_module_load(vrt(), bin.b, bin.n, &err);
    bool ok = want ? !mod && err.section && !strcmp(err.section, "code") &&
                         err.offset >= bin.n - n && err.offset <= bin.n && strstr(err.message, want)
                   : mod != NULL;
    if (!ok)
        fprintf(stderr, "  want \"%s\", got %s\n", want ? want : "success",
                mod ? "success" : err.message);
    wasm_module_free(mod);
    wb_free(&bin);
    return ok;
}

TEST(validate_too_many_locals)
{
    /* one group of 50001 i32 (LEB 0xD1 0x86 0x03) */
    CHECK(raw_entry(CODE(1, 0xD1, 0x86, 0x03, W_T_I32, W_END), "too many locals"));
    /* two groups of 2^31 each: the sum must not wrap around */
    CHECK(raw_entry(CODE(2, 0x80, 0x80, 0x80, 0x80, 0x08, W_T_I32, 0x80, 0x80, 0x80, 0x80, 0x08,
                         W_T_I64, W_END),
                    "too many locals"));
    /* 1000 locals in two groups is fine */
    CHECK(raw_entry(CODE(2, 0xF4, 0x03, W_T_I32, 0xF4, 0x03, W_T_F64, W_END), NULL));
    CHECK(raw_entry(CODE(1, 1, 0x55, W_END), "malformed value type"));
}

TEST(validate_truncated_body)
{
    CHECK(INVALID("unexpected end", "", "", "", W_I32_CONST, 1, W_DROP));
    CHECK(INVALID("unexpected end", "", "", "", W_BLOCK, W_VOID, W_END));
    /* an immediate cut short */
    CHECK(raw_entry(CODE(0, W_I32_CONST), "unexpected end"));
    CHECK(raw_entry(CODE(0, W_I32_CONST, 0x80), "unexpected end"));
}

TEST(validate_bytes_after_final_end)
{
    CHECK(INVALID("bytes after", "", "", "", W_END, W_NOP));
    CHECK(INVALID("bytes after", "", "i", "", W_I32_CONST, 1, W_END, W_END));
}

TEST(validate_misc_rejections)
{
    CHECK(INVALID("else without", "", "", "", W_ELSE, W_END));
    CHECK(INVALID("illegal opcode", "", "", "", 0xFF, W_END));
    CHECK(INVALID("unknown function", "", "", "", W_CALL, 1, W_END));
    CHECK(INVALID("unknown table", "", "", "", W_I32_CONST, 0, W_CALL_INDIRECT, 0, 0, W_END));
    /* call with the wrong argument type */
    CHECK(INVALID("type mismatch", "i", "", "", W_I64_CONST, 0, W_CALL, 0, W_END));
}
