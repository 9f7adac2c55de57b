# Azoth top-level Makefile.
#
#   make            build the hosted tools (azoth-wasm, spec runner, unit tests)
#   make test       run every test group, ending with "N passed, N failed"
#   make spec       run the WebAssembly spec suite (WASM_TESTSUITE=path to override)
#   make bench      run the benchmarks (engine and Node vs native)
#   make fuzz       run the libFuzzer target (FUZZ_SECONDS=..., default 60)
#
# Build outputs go to build/ (optimised) and build/san/ (ASan + UBSan).

CC      := clang
BUILD   := build
SAN     := $(BUILD)/san
WASM_TESTSUITE ?= $(abspath ../shared/wasm-testsuite)

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
# The engine is freestanding: no libc headers reachable (-nostdlibinc keeps
# only the compiler's own stdint.h, stddef.h, stdarg.h, ...).
ENGINE_CFLAGS := -std=c11 $(WARN) -ffreestanding -nostdlibinc -fno-strict-aliasing -fno-math-errno \
                 -Iinclude -Isrc/wasm
HOST_CFLAGS   := -std=c11 $(WARN) -D_GNU_SOURCE -Iinclude -Isrc/wasm -Isrc
OPT     := -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer

ENGINE_SRC := $(wildcard src/wasm/*.c)
HOSTED_SRC := src/hosted/platform.c
ENGINE_HDR := $(wildcard include/wasm/*.h src/wasm/*.h)

ENGINE_OBJ     := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(ENGINE_SRC))
ENGINE_SAN_OBJ := $(patsubst src/%.c,$(SAN)/obj/%.o,$(ENGINE_SRC))

.PHONY: all test spec bench fuzz clean
all: tools kernel-default

$(BUILD)/obj/wasm/%.o: src/wasm/%.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(OPT) -c $< -o $@
$(SAN)/obj/wasm/%.o: src/wasm/%.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(SANFLAGS) -c $< -o $@

$(BUILD)/libazothwasm.a: $(ENGINE_OBJ) $(BUILD)/obj/hosted/platform.o
	ar rcs $@ $^
$(SAN)/libazothwasm.a: $(ENGINE_SAN_OBJ) $(SAN)/obj/hosted/platform.o
	ar rcs $@ $^

$(BUILD)/obj/hosted/%.o: src/hosted/%.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) -c $< -o $@
$(SAN)/obj/hosted/%.o: src/hosted/%.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) -c $< -o $@

clean:
	rm -rf $(BUILD)

# The portable kernel sources every hosted build links (the host tests,
# the IPC bench, the kernel fuzzers, the fault-injection campaign), one
# list for all of them; the host tests add dev.c (with their device stubs).
KHOST_KSRC := $(addprefix kernel/core/,cap.c domain.c hostcall.c ipc.c overlay.c supervise.c sysctl.c)

# Each subsystem adds its own rules and appends to TOOLS / TEST_GROUPS.
TOOLS :=
include $(wildcard mk/*.mk)

tools: $(TOOLS)

test:
	bash scripts/test.sh
