# The spec-suite subset that runs inside the kernel (docs/kspec.md).
#
#   make build/spec2bin            the packer (hosted)
#   make build/modules/spec.bin    wast2json --enable-all on $(KSPEC_FILES) into
#                                  build/kspec/json/, then packed into one blob
#   make build/kspec_host          kernel/test/kspec.c on the host (and
#                                  build/san/kspec_host under ASan + UBSan)
#   make kspec-host                runs the blob on the host
#
# KSPEC_FILES (names in $(WASM_TESTSUITE), without .wast) may be overridden.
# The default is every core file (the non-SIMD ones first: integer/float/
# conversion/memory/call files first so a slow target shows those results
# soonest, then the 56 SIMD files) and the three proposal suites (tail-call,
# extended-const, multi-memory): 54,040 commands, 9-22 s of QEMU per
# architecture. KSPEC_SIMD=small leaves out the six largest SIMD files (float
# arithmetic, comparisons and pmin/pmax: 16,713 of the 25,976 SIMD commands)
# for a quicker run on a slow machine.
KSPEC_CORE := i32 i64 f32 f64 f32_cmp f64_cmp f32_bitwise f64_bitwise conversions \
               int_exprs float_exprs float_misc float_memory float_literals const \
               int_literals memory load store address memory_grow memory_size \
               memory_trap memory_redundancy endianness align call call_indirect \
               fac func func_ptrs return br br_if br_table loop block if labels \
               switch nop select stack unwind forward local_get local_set local_tee \
               global left-to-right traps unreachable start \
               memory_copy memory_fill memory_init bulk data elem table table-sub \
               table_copy table_fill table_get table_grow table_init table_set \
               table_size ref_func ref_is_null ref_null linking imports exports \
               binary binary-leb128 custom names type comments inline-module token \
               tokens skip-stack-guard-page unreached-invalid unreached-valid \
               utf8-custom-section-id utf8-import-field utf8-import-module \
               utf8-invalid-encoding
KSPEC_SIMD_BIG := simd_f32x4_arith simd_f32x4_cmp simd_f32x4_pmin_pmax \
                  simd_f64x2_arith simd_f64x2_cmp simd_f64x2_pmin_pmax
KSPEC_SIMD_ALL := $(patsubst $(WASM_TESTSUITE)/%.wast,%,$(wildcard $(WASM_TESTSUITE)/simd_*.wast))
KSPEC_SIMD_FILES := $(if $(filter small,$(KSPEC_SIMD)),\
                    $(filter-out $(KSPEC_SIMD_BIG),$(KSPEC_SIMD_ALL)),$(KSPEC_SIMD_ALL))
KSPEC_PROPOSALS := $(patsubst $(WASM_TESTSUITE)/%.wast,%,$(sort \
                   $(wildcard $(WASM_TESTSUITE)/proposals/tail-call/*.wast \
                              $(WASM_TESTSUITE)/proposals/extended-const/*.wast \
                              $(WASM_TESTSUITE)/proposals/multi-memory/*.wast)))
KSPEC_FILES ?= $(KSPEC_CORE) $(KSPEC_SIMD_FILES) $(KSPEC_PROPOSALS)
KSPEC_JSONDIR := $(BUILD)/kspec/json
KSPEC_JSON    := $(patsubst %,$(KSPEC_JSONDIR)/%.json,$(KSPEC_FILES))
KSPEC_CFLAGS  := -Ikernel/include -Itests/spec

$(BUILD)/spec2bin: tools/spec2bin.c tests/spec/json.c tests/spec/json.h \
                   kernel/include/kern/kspec.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(KSPEC_CFLAGS) $(OPT) tools/spec2bin.c tests/spec/json.c -o $@

# wast2json writes the .json and its module files (x.0.wasm ...) side by side.
# With --enable-all it reports function-reference typing "errors" in a few
# files yet converts them (status 0): its messages go to x.json.err.
$(KSPEC_JSONDIR)/%.json: $(WASM_TESTSUITE)/%.wast
	@mkdir -p $(dir $@)
	wast2json --enable-all $< -o $@ 2>$@.err || { cat $@.err >&2; rm -f $@; exit 1; }

$(BUILD)/modules/spec.bin: $(BUILD)/spec2bin $(KSPEC_JSON)
	@mkdir -p $(dir $@)
	$(BUILD)/spec2bin -o $@ $(KSPEC_JSON)

# The runner on the host: kspec.c is compiled as the kernel compiles it
# (freestanding, no libc headers); the driver supplies kprintf and kmalloc.
KSPEC_HOST_DEP := tests/spec/kspec_host.c kernel/include/kern/kspec.h \
                  kernel/include/kern/kernel.h include/wasm/wasm.h
KSPEC_OBJ_DEP  := kernel/include/kern/kspec.h kernel/include/kern/kernel.h include/wasm/wasm.h \
                  kernel/test/spectest.h
$(BUILD)/obj/kspec/%.o: kernel/test/%.c $(KSPEC_OBJ_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -Wunused-parameter -Ikernel/include $(OPT) -c $< -o $@
$(SAN)/obj/kspec/%.o: kernel/test/%.c $(KSPEC_OBJ_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -Wunused-parameter -Ikernel/include $(SANFLAGS) -c $< -o $@

$(BUILD)/kspec_host: $(KSPEC_HOST_DEP) $(BUILD)/obj/kspec/kspec.o $(BUILD)/obj/kspec/spectest.o \
                     $(BUILD)/libazothwasm.a
	$(CC) $(HOST_CFLAGS) $(KSPEC_CFLAGS) $(OPT) tests/spec/kspec_host.c \
	    $(BUILD)/obj/kspec/kspec.o $(BUILD)/obj/kspec/spectest.o $(BUILD)/libazothwasm.a -pthread -o $@
$(SAN)/kspec_host: $(KSPEC_HOST_DEP) $(SAN)/obj/kspec/kspec.o $(SAN)/obj/kspec/spectest.o \
                   $(SAN)/libazothwasm.a
	$(CC) $(HOST_CFLAGS) $(KSPEC_CFLAGS) $(SANFLAGS) tests/spec/kspec_host.c \
	    $(SAN)/obj/kspec/kspec.o $(SAN)/obj/kspec/spectest.o $(SAN)/libazothwasm.a -pthread -o $@

TOOLS += $(BUILD)/spec2bin $(BUILD)/kspec_host

.PHONY: kspec-host
kspec-host: $(BUILD)/kspec_host $(BUILD)/modules/spec.bin
	$(BUILD)/kspec_host $(BUILD)/modules/spec.bin

# The JSON inputs of the blob, in order (for tests/groups/35-kspec-host.sh).
.PHONY: kspec-json-list
kspec-json-list:
	@echo $(KSPEC_JSON)
