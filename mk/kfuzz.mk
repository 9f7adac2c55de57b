# libFuzzer targets for kernel code (docs/faults-injection.md): the manifest parser
# and the host-call ABI (tests/kfuzz/). The portable kernel sources, the
# host-test shim and the engine (mk/fuzz.mk's objects) with coverage and
# ASan + UBSan.
#
#   make kfuzz [KFUZZ_SECONDS=60]     the targets, KFUZZ_SECONDS each
#   make kfuzz-multi [FUZZ_SECONDS=60] [KFUZZ_KNOWN=1,2]
#                                      the multi-domain host-call fuzzer with
#                                      the kernel invariants (docs/faults.md),
#                                      skipping the known findings listed
#   build/kfuzz/fuzz_hostcall CRASH    replay (the others alike;
#                                      KFUZZ_TRACE=1 prints fuzz_multi's steps)
# `make fuzz` runs them after the engine target.
KFUZZ_DIR   := $(BUILD)/kfuzz
KFUZZ_BINS  := $(KFUZZ_DIR)/fuzz_manifest $(KFUZZ_DIR)/fuzz_hostcall $(KFUZZ_DIR)/fuzz_multi
KFUZZ_KSRC  := $(KHOST_KSRC)
KFUZZ_KOBJ  := $(patsubst kernel/%.c,$(KFUZZ_DIR)/obj/%.o,$(KFUZZ_KSRC))
KFUZZ_SHIM  := tests/kfuzz/kworld.c tests/kernel/test_ipc_shim.c tests/kernel/kshim.c \
               tools/faults/fstub.c
KFUZZ_SECONDS ?= 60
KFUZZ_FLAGS := -timeout=10 -rss_limit_mb=4096 -artifact_prefix=$(KFUZZ_DIR)/

$(KFUZZ_DIR)/obj/%.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KTEST_KCFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

# Kept between builds (intermediate files of a pattern chain otherwise go).
.SECONDARY: $(KFUZZ_KOBJ)

$(KFUZZ_DIR)/hc.wat: tests/kfuzz/gen_hostcalls.sh kernel/core/hostcall.c kernel/core/supervise.c \
                     kernel/core/sysctl.c
	@mkdir -p $(dir $@)
	sh $^ > $@
$(KFUZZ_DIR)/hc.wasm: $(KFUZZ_DIR)/hc.wat
	wat2wasm $< -o $@

KFUZZ_CFLAGS := $(HOST_CFLAGS) -Ikernel/include -Itests/kernel/include -Itests/kernel -Itests/unit $(FUZZ_SAN)
$(KFUZZ_DIR)/fuzz_%: tests/kfuzz/fuzz_%.c $(KFUZZ_SHIM) $(KFUZZ_KOBJ) $(FUZZ_OBJ) $(KFUZZ_DIR)/hc.wasm
	$(call cc_deps,$(CC) $(KFUZZ_CFLAGS),$< $(KFUZZ_SHIM))
	$(CC) $(KFUZZ_CFLAGS) -fsanitize=fuzzer $< $(KFUZZ_SHIM) $(KFUZZ_KOBJ) $(FUZZ_OBJ) -o $@

# fuzz_multi links the engine without coverage instrumentation (still
# ASan + UBSan): its coverage is the kernel's, and each input instantiates
# several modules, which costs half as much uninstrumented.
# Its runtime keeps the host functions of 64 worlds (fuzz_multi.c), which
# libFuzzer's per-input leak check would take for leaks and run LSan after
# every input; kernel allocations are checked by kworld_down instead.
# The invariant checker runs after every step: it is compiled without
# coverage (its comparisons would cost a third of its time and steer the
# fuzzer toward the checker instead of the kernel).
KFUZZ_MULTI := tests/kfuzz/fuzz_multi.c $(KFUZZ_DIR)/invariant.o
$(KFUZZ_DIR)/invariant.o: tests/kfuzz/invariant.c
	@mkdir -p $(dir $@)
	$(CC) $(KFUZZ_CFLAGS) $(DEPFLAGS) -c $< -o $@
KFUZZ_MFLAGS := -max_len=512 -detect_leaks=0
KFUZZ_EOBJ  := $(patsubst src/%.c,$(KFUZZ_DIR)/eng/%.o,$(ENGINE_SRC) $(HOSTED_SRC))
.SECONDARY: $(KFUZZ_EOBJ)
$(KFUZZ_DIR)/eng/wasm/%.o: src/wasm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(FUZZ_SAN) $(DEPFLAGS) -c $< -o $@
$(KFUZZ_DIR)/eng/hosted/%.o: src/hosted/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(FUZZ_SAN) $(DEPFLAGS) -c $< -o $@
$(KFUZZ_DIR)/fuzz_multi: $(KFUZZ_MULTI) $(KFUZZ_SHIM) $(KFUZZ_KOBJ) $(KFUZZ_EOBJ) $(KFUZZ_DIR)/hc.wasm
	$(call cc_deps,$(CC) $(KFUZZ_CFLAGS),$(KFUZZ_MULTI) $(KFUZZ_SHIM))
	$(CC) $(KFUZZ_CFLAGS) -fsanitize=fuzzer $(KFUZZ_MULTI) $(KFUZZ_SHIM) $(KFUZZ_KOBJ) $(KFUZZ_EOBJ) -o $@
-include $(patsubst %.o,%.d,$(KFUZZ_KOBJ) $(KFUZZ_EOBJ) $(KFUZZ_DIR)/invariant.o) $(addsuffix .d,$(KFUZZ_BINS))

$(KFUZZ_DIR)/seeds.stamp: $(wildcard tests/kfuzz/seeds/manifest/*) user/manifest.txt user/test/manifest.txt
	@mkdir -p $(KFUZZ_DIR)/seeds/manifest $(KFUZZ_DIR)/corpus/manifest $(KFUZZ_DIR)/corpus/hostcall \
	    $(KFUZZ_DIR)/corpus/multi
	cp $(wildcard tests/kfuzz/seeds/manifest/*) $(KFUZZ_DIR)/seeds/manifest/
	cp user/manifest.txt $(KFUZZ_DIR)/seeds/manifest/product.txt
	cp user/test/manifest.txt $(KFUZZ_DIR)/seeds/manifest/test.txt
	@touch $@

# Runs each target for $(KFUZZ_SECONDS); a failing input is kept as
# $(KFUZZ_DIR)/crash-* (or leak-*, timeout-*, oom-*).
kfuzz-run:
	$(KFUZZ_DIR)/fuzz_manifest $(KFUZZ_FLAGS) -max_len=4096 -max_total_time=$(KFUZZ_SECONDS) \
	    -print_final_stats=1 $(KFUZZ_DIR)/corpus/manifest $(KFUZZ_DIR)/seeds/manifest
	$(KFUZZ_DIR)/fuzz_hostcall $(KFUZZ_FLAGS) -max_len=2048 -max_total_time=$(KFUZZ_SECONDS) \
	    -print_final_stats=1 $(KFUZZ_DIR)/corpus/hostcall
	$(KFUZZ_DIR)/fuzz_multi $(KFUZZ_FLAGS) $(KFUZZ_MFLAGS) -max_total_time=$(KFUZZ_SECONDS) \
	    -print_final_stats=1 $(KFUZZ_DIR)/corpus/multi tests/kfuzz/seeds/multi

kfuzz: $(KFUZZ_BINS) $(KFUZZ_DIR)/seeds.stamp
	@$(MAKE) --no-print-directory kfuzz-run

# One process (the machine is shared); prints libFuzzer's final stats
# (stat::number_of_executed_units). Findings: $(KFUZZ_DIR)/crash-*.
kfuzz-multi: $(KFUZZ_DIR)/fuzz_multi $(KFUZZ_DIR)/seeds.stamp
	KFUZZ_KNOWN=$(KFUZZ_KNOWN) $(KFUZZ_DIR)/fuzz_multi $(KFUZZ_FLAGS) $(KFUZZ_MFLAGS) \
	    -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(KFUZZ_DIR)/corpus/multi \
	    tests/kfuzz/seeds/multi

fuzz: $(KFUZZ_BINS) $(KFUZZ_DIR)/seeds.stamp

.PHONY: kfuzz kfuzz-run kfuzz-multi
TOOLS += $(KFUZZ_BINS)
