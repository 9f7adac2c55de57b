# WASI preview1 layer (freestanding, like the engine), its Linux backend and
# the azoth-wasm command-line runner.
#
#   build/azoth-wasm        optimised
#   build/san/azoth-wasm    ASan + UBSan (what tests/groups/40-wasi.sh runs)

WASI_SRC := $(addprefix src/wasi/,wasi.c wasi_fd.c wasi_path.c)
WASI_OBJ     := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(WASI_SRC)) $(BUILD)/obj/hosted/wasi_posix.o
WASI_SAN_OBJ := $(patsubst src/%.c,$(SAN)/obj/%.o,$(WASI_SRC)) $(SAN)/obj/hosted/wasi_posix.o

$(BUILD)/obj/wasi/%.o: src/wasi/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -Isrc/wasi $(OPT) $(DEPFLAGS) -c $< -o $@
$(SAN)/obj/wasi/%.o: src/wasi/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -Isrc/wasi $(SANFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/azoth-wasm: tools/azoth-wasm.c $(WASI_OBJ) $(BUILD)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) $(DEPFLAGS) tools/azoth-wasm.c $(WASI_OBJ) $(BUILD)/libazothwasm.a -o $@
$(SAN)/azoth-wasm: tools/azoth-wasm.c $(WASI_SAN_OBJ) $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) $(DEPFLAGS) tools/azoth-wasm.c $(WASI_SAN_OBJ) $(SAN)/libazothwasm.a -o $@

TOOLS += $(BUILD)/azoth-wasm $(SAN)/azoth-wasm

# A host test of the layer with its own fake backend (tests/groups/40-wasi.sh).
$(SAN)/wasi-fakebackend: tests/wasi/fakebackend.c $(WASI_SAN_OBJ) $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) $(DEPFLAGS) tests/wasi/fakebackend.c $(WASI_SAN_OBJ) $(SAN)/libazothwasm.a -o $@
TOOLS += $(SAN)/wasi-fakebackend
-include $(patsubst %.o,%.d,$(WASI_OBJ) $(WASI_SAN_OBJ)) $(BUILD)/azoth-wasm.d $(SAN)/azoth-wasm.d \
         $(SAN)/wasi-fakebackend.d

# WASI programs inside Athanor (docs/wasi.md): every case of
# tests/groups/66-wasi-os.sh on every architecture (the test group runs a
# subset on aarch64 and riscv64).
.PHONY: wasi-os-test
wasi-os-test:
	WASI_OS_FULL=1 bash tests/groups/66-wasi-os.sh $(WASI_OS_ARCHES)

# WASI file speed inside Athanor (docs/wasi.md): bench/wasi-fs/fsrate.c
# writes, syncs and reads back a WASI_FS_MIB (default 8) MiB file on the
# system disk through make run CMD=; ends with the line
#   wasi-fs: write W MB/s, read R MB/s (N MiB, 64 KiB requests)
# to set beside make bench-fs (the same path without the WASI leg).
.PHONY: bench-wasi-fs
bench-wasi-fs:
	@mkdir -p $(BUILD)/bench-wasi-fs/tree/bin $(BUILD)/bench-wasi-fs/tree/tmp
	@clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror bench/wasi-fs/fsrate.c \
	    -o $(BUILD)/bench-wasi-fs/tree/bin/fsrate.wasm
	@$(MAKE) -s run ARCH=$(ARCH) DISK=$(BUILD)/bench-wasi-fs/tree \
	    CMD="--dir /tmp fsrate /tmp $(or $(WASI_FS_MIB),8)" QUIET=1 </dev/null
