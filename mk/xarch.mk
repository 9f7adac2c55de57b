# The hosted runners cross-built for aarch64 and riscv64 and run under
# qemu-user, to test the compiled tier's back ends for those architectures
# (src/wasm/jit_a64.c, src/wasm/jit_rv64.c) on this x86_64 machine
# (docs/compiler.md). For ARCH in aarch64 riscv64:
#
#   make spec-ARCH        the whole spec suite (core + proposals) on the
#                         compiled tier (BOUNDS=explicit: explicit bounds
#                         checks instead of guard regions; SPEC_ARGS=...
#                         names files or groups as scripts/spec.sh takes them)
#   make diff-fuzz-ARCH   the differential fuzzer (DIFF_MODULES, DIFF_SEED;
#                         DIFF_FLAGS=-b for explicit bounds checks)
#   make bench-ARCH       the bench programs as native code of ARCH, on the
#                         compiled tier and on the interpreter, all under the
#                         same qemu-user (bench/qemu-user.sh; BENCH_RUNS). The
#                         native programs are built with -ffp-contract=off:
#                         clang fuses a*b+c into one instruction on these
#                         targets, which Wasm never does (the output would
#                         differ) and which qemu emulates slowly
#   make bench-simd-ARCH  the SIMD and scalar builds of BENCH_SIMD (blend matmul)
#                         on both tiers under qemu-user (BASE_ENGINE=path: also
#                         that azoth-wasm's compiled tier, side by side)
#   make unit-ARCH        the unit tests on the default tier (compiled),
#                         optimised: there are no sanitizer runtimes for the
#                         targets here
#
# The cross build is the ordinary build run again with BUILD=build/ARCH and
# CC for the target (clang with Debian's cross C library; ld.lld for aarch64,
# GNU ld for riscv64, whose start files need linker relaxation that lld 14
# lacks), so it has the same sources and flags as the native one. qemu-user
# runs it; each program gets a wrapper script beside it (build/ARCH/q/NAME)
# because scripts/spec.sh takes the runner as one path.
#
# qemu-user 7.2 keeps page tables for every page of guest address space it
# ever mapped: each 8 GiB guard reservation costs it about 50 MB that it
# never returns (-R confines the guest to a range it reuses, bounded), and
# 0.1 s to map. Guard regions are tested by the spec suite; long fuzz runs
# are cheaper with explicit checks (-b).
ifndef CROSS_ARCH
XARCH_CC_aarch64 := clang --target=aarch64-linux-gnu -fuse-ld=lld -Wno-unused-command-line-argument
XARCH_CC_riscv64 := clang --target=riscv64-linux-gnu
XARCH_QEMU_aarch64 := qemu-aarch64 -R 256G -L /usr/aarch64-linux-gnu
XARCH_QEMU_riscv64 := qemu-riscv64 -R 256G -L /usr/riscv64-linux-gnu

define xarch_rules
# Always handed to the sub-make, which knows what is up to date.
$(BUILD)/$(1)/spec_runner $(BUILD)/$(1)/fuzz/diff_fuzz $(BUILD)/$(1)/unit_tests \
$(BUILD)/$(1)/azoth-wasm $(patsubst %,$(BUILD)/$(1)/bench/native/%,$(BENCH_NAMES)): FORCE
	@$$(MAKE) --no-print-directory CROSS_ARCH=$(1) BUILD=$(BUILD)/$(1) CC='$(XARCH_CC_$(1))' \
	    BENCH_CFLAGS='$(BENCH_CFLAGS) -ffp-contract=off' $$@
$(BUILD)/$(1)/q/%: $(BUILD)/$(1)/%
	@mkdir -p $$(dir $$@)
	@printf '#!/bin/sh\nexec %s %s "$$$$@"\n' '$(XARCH_QEMU_$(1))' '$$(abspath $$<)' > $$@
	@chmod +x $$@

spec-$(1): $(BUILD)/$(1)/q/spec_runner
	WASM_TESTSUITE="$$(WASM_TESTSUITE)" SPEC_RUNNER=$$< ENGINE=compiled bash scripts/spec.sh $$(SPEC_ARGS)

diff-fuzz-$(1): $(BUILD)/$(1)/q/fuzz/diff_fuzz
	$$< -n $$(DIFF_MODULES) -s $$(DIFF_SEED) $$(DIFF_FLAGS)

unit-$(1): $(BUILD)/$(1)/q/unit_tests
	$$<

bench-$(1): $(BUILD)/$(1)/azoth-wasm $(patsubst %,$(BUILD)/$(1)/bench/native/%,$(BENCH_NAMES)) \
            $(BENCH_WASM) $(BENCH_DIR)/timeit
	BENCH_ARCH=$(1) BENCH_DIR=$(BENCH_DIR) XBENCH_DIR=$(BUILD)/$(1)/bench XENGINE=$$< \
	    QEMU='$(XARCH_QEMU_$(1))' BENCH_NAMES="$(BENCH_NAMES)" bash bench/qemu-user.sh

bench-simd-$(1): $(BUILD)/$(1)/azoth-wasm $(patsubst %,$(BUILD)/$(1)/bench/native/%,$(BENCH_SIMD)) \
                 $(patsubst %,$(BENCH_DIR)/wasm/%.wasm,$(BENCH_SIMD)) $(BENCH_SIMD_WASM) $(BENCH_DIR)/timeit
	BENCH_ARCH=$(1) BENCH_DIR=$(BENCH_DIR) XBENCH_DIR=$(BUILD)/$(1)/bench XENGINE=$$< \
	    QEMU='$(XARCH_QEMU_$(1))' BENCH_SIMD="$(BENCH_SIMD)" BENCH_SIMD_ONLY=1 \
	    BASE_ENGINE="$(BASE_ENGINE)" bash bench/qemu-user.sh

.PHONY: spec-$(1) diff-fuzz-$(1) unit-$(1) bench-$(1) bench-simd-$(1)
endef
$(foreach a,aarch64 riscv64,$(eval $(call xarch_rules,$(a))))

.PHONY: FORCE
FORCE:
else
# In the sub-make (BUILD is the cross build's): the unit tests, optimised.
XARCH_UNIT_FLAGS := $(HOST_CFLAGS) -Isdk/include -Iuser/services/fs -Iuser/drivers/gps \
                    -Iuser/services/sensors $(OPT)
$(BUILD)/unit_tests: $(UNIT_SRC) $(BUILD)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(XARCH_UNIT_FLAGS),$(UNIT_SRC))
	$(CC) $(XARCH_UNIT_FLAGS) $(UNIT_SRC) $(BUILD)/libazothwasm.a -pthread -o $@
-include $(BUILD)/unit_tests.d
endif
