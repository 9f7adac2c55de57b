# The WebAssembly spec-suite runner.
#
#   make build/spec_runner        optimised runner (links build/libazothwasm.a)
#   make build/san/spec_runner    the same under ASan + UBSan
#   make build/spec_json_test     unit tests of the runner's JSON parser
#   make spec                     converts and runs the 90 core .wast files
#                                 (WASM_TESTSUITE=..., SPEC_RUNNER=..., SPEC_TEXT=wat2wasm)
SPEC_SRC := tests/spec/runner.c tests/spec/spectest.c tests/spec/json.c kernel/test/spectest.c
SPEC_HDR := tests/spec/json.h tests/spec/spec.h include/wasm/wasm.h kernel/test/spectest.h

$(BUILD)/spec_runner: $(SPEC_SRC) $(SPEC_HDR) $(BUILD)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ikernel/test $(OPT) $(SPEC_SRC) $(BUILD)/libazothwasm.a -o $@
$(SAN)/spec_runner: $(SPEC_SRC) $(SPEC_HDR) $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ikernel/test $(SANFLAGS) $(SPEC_SRC) $(SAN)/libazothwasm.a -o $@
$(BUILD)/spec_json_test: tests/spec/json_test.c tests/spec/json.c tests/spec/json.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) tests/spec/json_test.c tests/spec/json.c -o $@

TOOLS += $(BUILD)/spec_runner $(BUILD)/spec_json_test

spec: $(BUILD)/spec_runner
	WASM_TESTSUITE="$(WASM_TESTSUITE)" bash scripts/spec.sh

# libFuzzer target for the JSON parser (not part of `make`):
#   make build/spec_json_fuzz && build/spec_json_fuzz -max_total_time=60 build/spec/json
$(BUILD)/spec_json_fuzz: tests/spec/json_fuzz.c tests/spec/json.c tests/spec/json.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined tests/spec/json_fuzz.c \
	    tests/spec/json.c -o $@
