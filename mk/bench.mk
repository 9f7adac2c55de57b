# Benchmarks: `make bench` builds each program of BENCH_NAMES natively (clang -O2) and to
# wasm32-wasi (clang --target=wasm32-wasi -O2), builds the optimised engine
# and a second engine without safe points (-DWASM_NO_SAFEPOINTS), then runs
# bench/run.sh (BENCH_RUNS, BENCH_ONLY, ... : see that script), then prints
# the IPC line of `make bench-ipc` (mk/ipc.mk) after the engine table.
BENCH_DIR   := $(BUILD)/bench
BENCH_NAMES := blend checksum hash mandel matmul nbody recurse sieve sort strsearch
BENCH_NATIVE := $(patsubst %,$(BENCH_DIR)/native/%,$(BENCH_NAMES))
BENCH_WASM   := $(patsubst %,$(BENCH_DIR)/wasm/%.wasm,$(BENCH_NAMES))
# The main table runs the -msimd128 builds (native may use SSE2, so the Wasm
# may use the SIMD proposal: docs/bench.md, "Fairness"); the scalar builds
# above are run beside them on the compiled tier (the c_scal column).
BENCH_WASM_SIMD := $(patsubst %,$(BENCH_DIR)/wasm-simd/%.wasm,$(BENCH_NAMES))
BENCH_NOSP   := $(BENCH_DIR)/azoth-wasm-nosp
BENCH_CFLAGS := -O2 -Wall -Wextra -Werror

$(BENCH_DIR)/native/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< -o $@ -lm
$(BENCH_DIR)/wasm/%.wasm: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) --target=wasm32-wasi $(BENCH_CFLAGS) $< -o $@ -lm
# Every program is also built with -msimd128 (clang's auto-vectoriser then
# emits v128 code). `make bench-simd` runs these against their scalar builds
# on both tiers (`make bench` shows the compiled tier's scalar figures only).
BENCH_SIMD ?= blend matmul
BENCH_SIMD_WASM := $(patsubst %,$(BENCH_DIR)/wasm-simd/%.wasm,$(BENCH_SIMD))
$(BENCH_DIR)/wasm-simd/%.wasm: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) --target=wasm32-wasi -msimd128 $(BENCH_CFLAGS) $< -o $@ -lm

# The no-safe-point engine: azoth-wasm linked against engine objects compiled
# with WASM_NO_SAFEPOINTS. The WASI layer, its backend and the platform have
# no safe points, so their optimised objects (mk/wasi.mk) are reused.
# mk/wasi.mk is included after this file, so WASI_OBJ is only used in the
# recipe (expanded late), and built there by a sub-make.
# Helpers only safe points call become unused without them: not an error here.
BENCH_NOSP_WARN := -Wno-unused-function
BENCH_NOSP_OBJ := $(patsubst src/%.c,$(BENCH_DIR)/nosp/%.o,$(ENGINE_SRC))

$(BENCH_DIR)/nosp/wasm/%.o: src/wasm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(OPT) -DWASM_NO_SAFEPOINTS $(BENCH_NOSP_WARN) $(DEPFLAGS) -c $< -o $@
$(BENCH_NOSP): tools/azoth-wasm.c $(BENCH_NOSP_OBJ) $(BUILD)/obj/hosted/platform.o
	@mkdir -p $(dir $@)
	$(MAKE) --no-print-directory $(WASI_OBJ)
	$(CC) $(HOST_CFLAGS) $(OPT) $^ $(WASI_OBJ) -o $@

# Fixed-cost baseline (bench/baseline/empty.c), built by the rules above.
BENCH_BASE := $(BENCH_DIR)/native/baseline/empty $(BENCH_DIR)/wasm/baseline/empty.wasm \
              $(BENCH_DIR)/wasm-simd/baseline/empty.wasm

$(BENCH_DIR)/timeit: bench/harness/timeit.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $< -o $@

# Both engines are removed first so a failed build leaves no stale binary.
# The engine is snapshotted into build/bench/ right before the no-safe-point
# build, so a rebuild of build/azoth-wasm by someone else during the run
# cannot make the two differ by more than the define.
bench: $(BENCH_NATIVE) $(BENCH_WASM) $(BENCH_WASM_SIMD) $(BENCH_BASE) $(BENCH_DIR)/timeit
	rm -f $(BENCH_DIR)/azoth-wasm $(BENCH_NOSP)
	-$(MAKE) --no-print-directory $(BUILD)/azoth-wasm && cp $(BUILD)/azoth-wasm $(BENCH_DIR)/azoth-wasm
	-$(MAKE) --no-print-directory $(BENCH_NOSP)
	BENCH_DIR=$(BENCH_DIR) BENCH_ENGINE=$(BENCH_DIR)/azoth-wasm \
	    BENCH_NAMES="$(BENCH_NAMES)" bash bench/run.sh
	-$(MAKE) --no-print-directory bench-ipc | grep '^ipc:'

# The SIMD table alone (bench/run.sh, BENCH_SIMD_ONLY): the BENCH_SIMD
# programs native, and their scalar and SIMD builds on both tiers.
.PHONY: bench-simd
bench-simd: $(patsubst %,$(BENCH_DIR)/native/%,$(BENCH_SIMD)) \
            $(patsubst %,$(BENCH_DIR)/wasm/%.wasm,$(BENCH_SIMD)) $(BENCH_SIMD_WASM) $(BENCH_DIR)/timeit
	rm -f $(BENCH_DIR)/azoth-wasm
	$(MAKE) --no-print-directory $(BUILD)/azoth-wasm && cp $(BUILD)/azoth-wasm $(BENCH_DIR)/azoth-wasm
	BENCH_DIR=$(BENCH_DIR) BENCH_ENGINE=$(BENCH_DIR)/azoth-wasm BENCH_SIMD="$(BENCH_SIMD)" \
	    BENCH_SIMD_ONLY=1 bash bench/run.sh

# The speculation clamp's cost: azoth-wasm without it, beside the normal one.
BENCH_NOMASK := $(BENCH_DIR)/azoth-wasm-nomask
BENCH_NOMASK_OBJ := $(patsubst src/%.c,$(BENCH_DIR)/nomask/%.o,$(ENGINE_SRC))
$(BENCH_DIR)/nomask/wasm/%.o: src/wasm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(OPT) -DWASM_NO_SPEC_MASK $(DEPFLAGS) -c $< -o $@
-include $(patsubst %.o,%.d,$(BENCH_NOSP_OBJ) $(BENCH_NOMASK_OBJ))
$(BENCH_NOMASK): tools/azoth-wasm.c $(BENCH_NOMASK_OBJ) $(BUILD)/obj/hosted/platform.o
	@mkdir -p $(dir $@)
	$(MAKE) --no-print-directory $(WASI_OBJ)
	$(CC) $(HOST_CFLAGS) $(OPT) $^ $(WASI_OBJ) -o $@
.PHONY: bench-specmask
bench-specmask: $(BENCH_WASM) $(BENCH_DIR)/timeit
	rm -f $(BENCH_DIR)/azoth-wasm $(BENCH_NOMASK)
	$(MAKE) --no-print-directory $(BUILD)/azoth-wasm && cp $(BUILD)/azoth-wasm $(BENCH_DIR)/azoth-wasm
	$(MAKE) --no-print-directory $(BENCH_NOMASK)
	BENCH_DIR=$(BENCH_DIR) bash bench/specmask.sh

# Compile speed of the compiled tier (MB of Wasm per second), on the bench
# programs and the largest spec-suite modules.
$(BENCH_DIR)/loadspeed: bench/harness/loadspeed.c $(BUILD)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) $< $(BUILD)/libazothwasm.a -o $@
bench-compile: $(BENCH_DIR)/loadspeed $(BENCH_WASM)
	$(BENCH_DIR)/loadspeed -r 5 $(BENCH_WASM) $$(ls -S build/wasi-tests/*.wasm 2>/dev/null | head -5)
.PHONY: bench-compile
