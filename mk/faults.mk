# Fault injection (docs/faults-injection.md): the campaign
# tool, built with ASan + UBSan over the portable kernel code and the
# host-test shim, and the driver domain it mutates.
#
#   make faults N=100000 [FAULTS_SEED=1] [FAULTS_JOBS=2]
#   build/faults/faults -m build/faults/blkdrv.wasm -s SEED --one I -o m.wasm   (replay)
FAULTS_DIR  := $(BUILD)/faults
FAULTS_BIN  := $(FAULTS_DIR)/faults
FAULTS_DRV  := $(FAULTS_DIR)/blkdrv.wasm
FAULTS_SRC  := tools/faults/faults.c tools/faults/wmut.c tools/faults/fstub.c \
               tests/kernel/test_ipc_shim.c tests/kernel/kshim.c
FAULTS_KOBJ := $(patsubst kernel/%.c,$(SAN)/obj/ktest/%.o,$(KHOST_KSRC))
N ?= 1000
FAULTS_SEED ?= 1
FAULTS_JOBS ?= 1

$(FAULTS_BIN): $(FAULTS_SRC) tools/faults/wmut.h $(FAULTS_KOBJ) $(SAN)/libazothwasm.a \
               $(wildcard kernel/include/kern/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ikernel/include -Itests/kernel/include -Itests/kernel -Itests/unit $(SANFLAGS) \
	    $(FAULTS_SRC) $(FAULTS_KOBJ) $(SAN)/libazothwasm.a -o $@

$(FAULTS_DRV): tools/faults/blkdrv.c
	@mkdir -p $(dir $@)
	clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror -Wl,--no-entry $< -o $@

faults: $(FAULTS_BIN) $(FAULTS_DRV)
	@ASAN_OPTIONS=detect_leaks=1 $(FAULTS_BIN) -m $(FAULTS_DRV) -n $(N) -s $(FAULTS_SEED) \
	    -j $(FAULTS_JOBS)

.PHONY: faults
TOOLS += $(FAULTS_BIN) $(FAULTS_DRV)
