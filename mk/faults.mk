# Fault injection (docs/faults-injection.md): the campaign
# tool, built with ASan + UBSan over the portable kernel code and the
# host-test shim, and the driver domain it mutates.
#
#   make faults N=100000 [FAULTS_SEED=1] [FAULTS_JOBS=2] [FAULTS_CHECKS=1]
#   build/faults/faults -m build/faults/blkdrv.wasm -s SEED --one I -o m.wasm   (replay)
FAULTS_DIR  := $(BUILD)/faults
FAULTS_BIN  := $(FAULTS_DIR)/faults
FAULTS_DRV  := $(FAULTS_DIR)/blkdrv.wasm
FAULTS_DRVC := $(FAULTS_DIR)/blkdrv_ck.wasm
FAULTS_SRC  := tools/faults/faults.c tools/faults/campaign.c tools/faults/wmut.c tools/faults/fstub.c \
               tests/kernel/test_ipc_shim.c tests/kernel/kshim.c
FAULTS_KOBJ := $(patsubst kernel/%.c,$(SAN)/obj/ktest/%.o,$(KHOST_KSRC))
N ?= 1000
FAULTS_SEED ?= 1
FAULTS_JOBS ?= 1
FAULTS_CHECKS ?=

FAULTS_FLAGS := $(HOST_CFLAGS) -Ikernel/include -Itests/kernel/include -Itests/kernel -Itests/unit $(SANFLAGS)
$(FAULTS_BIN): $(FAULTS_SRC) $(FAULTS_KOBJ) $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(FAULTS_FLAGS),$(FAULTS_SRC))
	$(CC) $(FAULTS_FLAGS) $(FAULTS_SRC) $(FAULTS_KOBJ) $(SAN)/libazothwasm.a -o $@
-include $(FAULTS_BIN).d

$(FAULTS_DRV): tools/faults/blkdrv.c
	@mkdir -p $(dir $@)
	clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror -Wl,--no-entry $< -o $@

# The same driver with its self-checks (FAULTS_CHECKS=1).
$(FAULTS_DRVC): tools/faults/blkdrv.c
	@mkdir -p $(dir $@)
	clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror -Wl,--no-entry \
	    -DBLK_CHECKS $< -o $@

# Hosted unless ARCH is given; with ARCH, the same campaign inside a test
# kernel in QEMU (kernel/test/faultcamp.c), on the kernel's own supervisor,
# scheduler and page tables. Its whole console goes to build/faults-ARCH.log.
#   make faults ARCH=x86_64|aarch64|riscv64 N=1000 [FAULTS_SEED=1]
FAULTS_ARCH := $(if $(filter file undefined default,$(origin ARCH)),hosted,$(ARCH))
ifeq ($(FAULTS_ARCH),hosted)
faults: $(FAULTS_BIN) $(FAULTS_DRV) $(if $(filter 1,$(FAULTS_CHECKS)),$(FAULTS_DRVC))
	@ASAN_OPTIONS=detect_leaks=1 $(FAULTS_BIN) -m $(FAULTS_DRV) -n $(N) -s $(FAULTS_SEED) \
	    -j $(FAULTS_JOBS) $(if $(filter 1,$(FAULTS_CHECKS)),-C $(FAULTS_DRVC))
else
faults:
	@$(MAKE) --no-print-directory ARCH=$(FAULTS_ARCH) KTEST=1 faults-qemu-run
endif
.PHONY: faults faults-qemu-run
faults-qemu-run: kernel
	@timeout -k 5 3600 $(QEMU_CMD) $(ARCH_IMAGE) \
	    -append "athanor.faults=$(N) athanor.faults-seed=$(FAULTS_SEED)" </dev/null 2>&1 | \
	    tr -d '\r' >$(BUILD)/faults-$(ARCH).log; \
	grep -E '^(faults: (totals|[0-9]+ injected|FAILED|ok)|panic: )' $(BUILD)/faults-$(ARCH).log; \
	grep -Eq '^faults: ok( \(.*\))?$$' $(BUILD)/faults-$(ARCH).log || \
	    { echo "faults: the campaign failed or the kernel crashed ($(BUILD)/faults-$(ARCH).log)" >&2; \
	      exit 1; }

.PHONY: faults
TOOLS += $(FAULTS_BIN) $(FAULTS_DRV) $(FAULTS_DRVC)

# The reset bench (kernel/test/resetbench.c, docs/faults.md): reset of 1, 16
# and 256 dirtied pages against memcpy and a fresh instantiation, and 10,000
# trap -> restart -> answer cycles, on the kernel's clock. Hosted (the
# kernel as a Linux process) unless ARCH is given:
#   make bench-reset [ARCH=x86_64|aarch64|riscv64]
RESET_ARCH := $(if $(filter file undefined default,$(origin ARCH)),hosted,$(ARCH))
.PHONY: bench-reset bench-reset-run
bench-reset:
	@$(MAKE) --no-print-directory ARCH=$(RESET_ARCH) KTEST=1 bench-reset-run
# RESET_ICOUNT=1: QEMU with -icount shift=0,sleep=off, so the kernel's
# clock counts guest instructions (1 ns each) and the restart figures are
# the kernel's own, without the host's scheduling of QEMU; TLB flushes
# and memory traffic then cost QEMU's time only, not the clock's.
RESET_QEMU_FLAGS = $(if $(RESET_ICOUNT),-icount shift=0$(comma)sleep=off)
bench-reset-run: kernel
	@timeout -k 5 600 $(QEMU_CMD) $(ARCH_IMAGE) $(RESET_QEMU_FLAGS) -append athanor.bench-reset </dev/null 2>&1 | \
	    tr -d '\r' | grep -E '^reset|FAILED|panic'
