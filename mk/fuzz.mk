# libFuzzer target: load, validate, instantiate and run arbitrary bytes.
#
#   make fuzz                 fuzz for FUZZ_SECONDS (default 60), then the
#                             kernel targets of mk/kfuzz.mk as long each
#   make build/fuzz/fuzz_wasm just build it
#
# The engine is compiled again here with coverage instrumentation and
# ASan + UBSan; new inputs go to build/fuzz/corpus, the seeds (spec suite
# modules and tests/fuzz/seeds/*.wat) to build/fuzz/seeds, crashes to
# build/fuzz/crash-*.
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_BIN   := $(FUZZ_DIR)/fuzz_wasm
FUZZ_SAN   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
FUZZ_OBJ   := $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(ENGINE_SRC) $(HOSTED_SRC))
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
              -artifact_prefix=$(FUZZ_DIR)/

$(FUZZ_DIR)/obj/wasm/%.o: src/wasm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@
$(FUZZ_DIR)/obj/hosted/%.o: src/hosted/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

FUZZ_SRC   := tests/fuzz/fuzz_wasm.c tests/fuzz/gen.c
$(FUZZ_BIN): $(FUZZ_SRC) $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(HOST_CFLAGS) $(FUZZ_SAN),$(FUZZ_SRC))
	$(CC) $(HOST_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(FUZZ_SRC) $(FUZZ_OBJ) -o $@
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN).d

$(FUZZ_DIR)/seeds.stamp: tests/fuzz/make_seeds.sh $(wildcard tests/fuzz/seeds/*.wat) \
                         $(wildcard tests/fuzz/regress/*.wasm)
	WASM_TESTSUITE=$(WASM_TESTSUITE) bash tests/fuzz/make_seeds.sh $(FUZZ_DIR)/seeds
	@touch $@

fuzz-seeds: $(FUZZ_DIR)/seeds.stamp

fuzz: $(FUZZ_BIN) $(FUZZ_DIR)/seeds.stamp
	@mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_BIN) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds
	@$(MAKE) --no-print-directory kfuzz-run KFUZZ_SECONDS=$(FUZZ_SECONDS)

.PHONY: fuzz-seeds
TOOLS += $(FUZZ_BIN)

# Differential fuzzer (tests/fuzz/diff.c): gen.c's modules on the compiled
# tier and the interpreter, compared call by call.
#   make diff-fuzz DIFF_MODULES=100000 DIFF_SEED=1
#   build/fuzz/diff_fuzz build/fuzz/diff-S-N.bin     replays a mismatch
DIFF_MODULES ?= 100000
DIFF_SEED ?= 1
$(FUZZ_DIR)/diff_fuzz: tests/fuzz/diff.c tests/fuzz/gen.c tests/fuzz/gen.h $(BUILD)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) tests/fuzz/diff.c tests/fuzz/gen.c $(BUILD)/libazothwasm.a -o $@
$(FUZZ_DIR)/diff_fuzz_san: tests/fuzz/diff.c tests/fuzz/gen.c tests/fuzz/gen.h $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) tests/fuzz/diff.c tests/fuzz/gen.c $(SAN)/libazothwasm.a -o $@

diff-fuzz: $(FUZZ_DIR)/diff_fuzz
	$(FUZZ_DIR)/diff_fuzz -n $(DIFF_MODULES) -s $(DIFF_SEED)

.PHONY: diff-fuzz
TOOLS += $(FUZZ_DIR)/diff_fuzz
