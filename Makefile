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

ENGINE_SRC := $(addprefix src/wasm/,compile.c decode.c instance.c interp.c jit.c jit_buf.c jit_ra.c jit_x64.c jit_a64.c \
                jit_rv64.c memx.c \
                runtime.c simd.c snapshot.c util.c)
HOSTED_SRC := src/hosted/platform.c

# Sources are listed, never globbed: a listed file that is missing is a
# make error, a new file is built only once it is listed. Header
# dependencies come from the compiler: an object compiled from one source
# gets DEPFLAGS (its .d beside it); a program compiled and linked in one
# command from several sources first runs
# $(call cc_deps,COMPILER AND FLAGS,SOURCES), which writes $@.d with the
# headers of each of them. Each mk file reads the .d files of what it
# builds with -include (docs/build.md).
DEPFLAGS := -MD -MP
# A build tree made before header dependencies were tracked has objects
# without .d files, which no header change would ever rebuild: such a tree
# loses its objects once (everything is then rebuilt and tracked).
DEPS_MARK := $(BUILD)/.deps-tracked
$(shell if [ -d $(BUILD) ] && [ ! -e $(DEPS_MARK) ]; then find $(BUILD) -name '*.o' -delete; fi; \
        mkdir -p $(BUILD) && touch $(DEPS_MARK))
# A test folder's file missing from its list would never run: a test
# program's recipe starts with $(call unlisted,LIST,FILES IN THE FOLDER),
# which stops the build naming them.
unlisted = $(if $(filter-out $(1),$(2)),@echo "not in a source list (docs/build.md): $(filter-out $(1),$(2))" >&2; exit 1)
cc_deps = $(1) -MM -MP -MT $@ $(filter %.c,$(2)) > $@.d

ENGINE_OBJ     := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(ENGINE_SRC))
ENGINE_SAN_OBJ := $(patsubst src/%.c,$(SAN)/obj/%.o,$(ENGINE_SRC))

.PHONY: all test spec bench fuzz clean
all: tools kernel-default

$(BUILD)/obj/wasm/%.o: src/wasm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(OPT) $(DEPFLAGS) -c $< -o $@
$(SAN)/obj/wasm/%.o: src/wasm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) $(SANFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libazothwasm.a: $(ENGINE_OBJ) $(BUILD)/obj/hosted/platform.o
	ar rcs $@ $^
$(SAN)/libazothwasm.a: $(ENGINE_SAN_OBJ) $(SAN)/obj/hosted/platform.o
	ar rcs $@ $^

$(BUILD)/obj/hosted/%.o: src/hosted/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) $(DEPFLAGS) -c $< -o $@
$(SAN)/obj/hosted/%.o: src/hosted/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) $(DEPFLAGS) -c $< -o $@
-include $(patsubst %.o,%.d,$(ENGINE_OBJ) $(ENGINE_SAN_OBJ) $(BUILD)/obj/hosted/platform.o \
                              $(SAN)/obj/hosted/platform.o)

clean:
	rm -rf $(BUILD)

# The portable kernel sources every hosted build links (the host tests,
# the IPC bench, the kernel fuzzers, the fault-injection campaign, the
# language checks), one list for all of them. The machine pieces they call
# come from tests/kernel/test_ipc_shim.c (no devices, no scheduler), which
# each of them links too.
KHOST_KSRC := $(addprefix kernel/core/,cap.c dev.c devices.c domain.c hostcall.c ipc.c overlay.c \
                supervise.c sysctl.c)

# Each subsystem adds its own rules and appends to TOOLS / TEST_GROUPS.
TOOLS :=
include $(wildcard mk/*.mk)

tools: $(TOOLS)

test:
	bash scripts/test.sh
