/* wasm_module_reuse (docs/domains.md): a loaded module is shared only with
 * exactly the same bytes, in the same runtime and tier. */
#include "unit.h"

#include <wasm/wasm.h>

/* Two modules of the same length, one custom-section byte apart. */
static const uint8_t mod_a[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 0, 3, 1, 'x', 'A'};
static const uint8_t mod_b[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 0, 3, 1, 'x', 'B'};

TEST(module_reuse_same_bytes_only)
{
    wasm_runtime_t *rt = wasm_runtime_new(NULL), *rt2 = wasm_runtime_new(NULL);
    CHECK(rt && rt2);
    wasm_module_t *m = wasm_module_load(rt, mod_a, sizeof mod_a, NULL);
    CHECK(m != NULL);
    CHECK(wasm_module_reuse(m, rt, mod_b, sizeof mod_b) == NULL);      /* other bytes */
    CHECK(wasm_module_reuse(m, rt, mod_a, sizeof mod_a - 1) == NULL);  /* other length */
    CHECK(wasm_module_reuse(m, rt2, mod_a, sizeof mod_a) == NULL);     /* other runtime */
    CHECK(wasm_module_reuse(m, rt, mod_a, sizeof mod_a) == m);         /* the same: shared */
    wasm_module_free(m);        /* one reference left: still usable */
    CHECK_EQ(wasm_module_export_count(m), 0);
    wasm_module_free(m);        /* the last (ASan: no leak, no double free) */
    wasm_runtime_free(rt);
    wasm_runtime_free(rt2);
}
