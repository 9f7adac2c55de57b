# The hosted runners cross-built for aarch64 and run under qemu-user, to
# test the compiled tier's aarch64 back end (src/wasm/jit_a64.c) on this
# x86_64 machine (docs/compiler.md):
#
#   make spec-aarch64        the whole spec suite (core + proposals) on the
#                            compiled tier (BOUNDS=explicit: explicit bounds
#                            checks instead of guard regions; SPEC_ARGS=...
#                            names files or groups as scripts/spec.sh takes them)
#   make diff-fuzz-aarch64   the differential fuzzer (DIFF_MODULES, DIFF_SEED;
#                            DIFF_FLAGS=-b for explicit bounds checks)
#   make bench-aarch64       the bench programs as aarch64 native code, on the
#                            compiled tier and on the interpreter, all under
#                            the same qemu-aarch64 (bench/qemu-user.sh; BENCH_RUNS)
#   make unit-aarch64        the unit tests on the default tier (compiled),
#                            optimised: there are no sanitizer runtimes for
#                            the target here
#
# The cross build is the ordinary build run again with BUILD=build/aarch64
# and CC for the target (clang, ld.lld, Debian's arm64 cross libc), so it has
# the same sources and flags as the native one. qemu-aarch64 runs it; each
# program gets a wrapper script beside it (build/aarch64/q/NAME) because
# scripts/spec.sh takes the runner as one path.
#
# qemu-user 7.2 keeps page tables for every page of guest address space it
# ever mapped: each 8 GiB guard reservation costs it about 50 MB that it
# never returns (-R confines the guest to a range it reuses, bounded), and
# 0.1 s to map. Guard regions are tested by the spec suite; long fuzz runs
# are cheaper with explicit checks (-b).
ifndef CROSS_ARCH
A64_BUILD := $(BUILD)/aarch64
A64_CC    := clang --target=aarch64-linux-gnu -fuse-ld=lld -Wno-unused-command-line-argument
QEMU_A64  := qemu-aarch64 -R 256G -L /usr/aarch64-linux-gnu

# Always handed to the sub-make, which knows what is up to date.
A64_BENCH := $(patsubst %,$(A64_BUILD)/bench/native/%,$(BENCH_NAMES))
$(A64_BUILD)/spec_runner $(A64_BUILD)/fuzz/diff_fuzz $(A64_BUILD)/unit_tests \
$(A64_BUILD)/azoth-wasm $(A64_BENCH): FORCE
	@$(MAKE) --no-print-directory CROSS_ARCH=aarch64 BUILD=$(A64_BUILD) CC='$(A64_CC)' $@
$(A64_BUILD)/q/%: $(A64_BUILD)/%
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(QEMU_A64)' '$(abspath $<)' > $@
	@chmod +x $@

spec-aarch64: $(A64_BUILD)/q/spec_runner
	WASM_TESTSUITE="$(WASM_TESTSUITE)" SPEC_RUNNER=$< ENGINE=compiled bash scripts/spec.sh $(SPEC_ARGS)

diff-fuzz-aarch64: $(A64_BUILD)/q/fuzz/diff_fuzz
	$< -n $(DIFF_MODULES) -s $(DIFF_SEED) $(DIFF_FLAGS)

unit-aarch64: $(A64_BUILD)/q/unit_tests
	$<

bench-aarch64: $(A64_BUILD)/azoth-wasm $(A64_BENCH) $(BENCH_WASM) $(BENCH_DIR)/timeit
	BENCH_ARCH=aarch64 BENCH_DIR=$(BENCH_DIR) XBENCH_DIR=$(A64_BUILD)/bench XENGINE=$< \
	    QEMU='$(QEMU_A64)' BENCH_NAMES="$(BENCH_NAMES)" bash bench/qemu-user.sh

.PHONY: spec-aarch64 diff-fuzz-aarch64 unit-aarch64 bench-aarch64 FORCE
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
