# Storage: the ext2 reader's libFuzzer target and its seed images.
#
#   make fuzz-ext2             fuzz the ext2 code (read and write paths) for FUZZ_SECONDS (default 60)
#   make build/fuzz/fuzz_ext2  just build it
#
# Seeds are small images mke2fs builds from a tree (no root needed): 1 KiB
# and 4 KiB blocks, with files, a directory chain and symlinks.
EXT2_FUZZ := $(BUILD)/fuzz/fuzz_ext2
EXT2_SEEDS := $(BUILD)/fuzz/ext2-seeds
$(EXT2_FUZZ): tests/fuzz/fuzz_ext2.c user/services/fs/ext2.c user/services/fs/ext2.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=undefined -fsanitize=fuzzer -Iuser/services/fs \
	    tests/fuzz/fuzz_ext2.c user/services/fs/ext2.c -o $@

$(EXT2_SEEDS)/stamp: tests/fuzz/make_ext2_seeds.sh
	bash tests/fuzz/make_ext2_seeds.sh $(EXT2_SEEDS)
	@touch $@

.PHONY: fuzz-ext2
fuzz-ext2: $(EXT2_FUZZ) $(EXT2_SEEDS)/stamp
	@mkdir -p $(BUILD)/fuzz/ext2-corpus
	$(EXT2_FUZZ) -max_len=262272 -timeout=10 -artifact_prefix=$(BUILD)/fuzz/ext2- \
	    -max_total_time=$(or $(FUZZ_SECONDS),60) $(BUILD)/fuzz/ext2-corpus $(EXT2_SEEDS)

# The system disk: an ext2 image mke2fs builds (no root needed) from
# user/disk/ plus the tree DISK=<dir> names (mounted at /), 16 MiB.
#
#   make disk         build it          make print-disk   print its path
#
# `make run` attaches it (and an entropy device) on every ARCH: virtio-pci
# on x86_64, virtio-mmio on aarch64 (pinned to slots 0 and 8: no shared
# page) and riscv64 (docs/devices.md).
DISK_IMG := $(BUILD)/disk/azoth.img
# The terminal's console font (docs/display.md), from Debian's
# console-setup-linux, uncompressed into fonts/ of the disk.
DISK_FONT := /usr/share/consolefonts/Lat15-Terminus16.psf.gz
# The WASI programs the system ships in /bin (`run wc` finds /bin/wc.wasm).
DISK_PROGRAMS = $(LANG_PROGRAMS) $(SENSOR_PROGRAMS)
DISK_TREE := $(BUILD)/disk/tree
.PHONY: disk print-disk
disk: $(DISK_PROGRAMS)
	@rm -rf $(DISK_TREE) && mkdir -p $(DISK_TREE)/bin
	@cp -R user/disk/. $(DISK_TREE)/
	@cp $(DISK_PROGRAMS) $(DISK_TREE)/bin/
	@if [ -n "$(DISK)" ]; then \
	     [ -d "$(DISK)" ] || { echo "disk: DISK=$(DISK) is not a directory" >&2; exit 1; }; \
	     cp -R "$(DISK)"/. $(DISK_TREE)/; fi
	@[ -f $(DISK_FONT) ] || { echo "disk: $(DISK_FONT) missing: bash scripts/setup.sh (console-setup-linux)" >&2; exit 1; }
	@mkdir -p $(DISK_TREE)/fonts && zcat $(DISK_FONT) > $(DISK_TREE)/fonts/Lat15-Terminus16.psf
	@rm -f $(DISK_IMG)
	@E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b 1024 -d $(DISK_TREE) $(DISK_IMG) 16M >/dev/null
	@[ "$(QUIET)" = 1 ] || echo "disk: $(DISK_IMG)"
print-disk:
	@echo $(DISK_IMG)

# The display (docs/display.md): virtio-gpu at 1024x768 (what the driver's
# frame holds), a virtio keyboard and a virtio tablet (the pointer). A window when the host has a display
# (DISPLAY set, not "none") and QEMU has its GTK front end (Debian's
# qemu-system-gui), else -display none: the screen still exists for QMP's
# screendump. QMP=<path>: a QMP socket. Only `make run` asks QEMU.
GPU_RES := xres=1024,yres=768
RUN_WINDOW :=
ifneq ($(filter-out none,$(DISPLAY)),)
ifneq ($(filter run,$(MAKECMDGOALS)),)
RUN_WINDOW := $(shell $(firstword $(QEMU_CMD)) -display help 2>/dev/null | grep -qx gtk && echo 1)
endif
endif
RUN_DISPLAY := $(if $(RUN_WINDOW),-serial mon:stdio -display gtk,-display none)
comma := ,
RUN_QMP := $(if $(QMP),-qmp unix:$(QMP)$(comma)server=on$(comma)wait=off)
# BLKDEBUG=<file>: the disk through QEMU's blkdebug with that rules file
# (injected I/O errors; tests/groups/66-wasi-os.sh).
RUN_DISK_FILE := $(if $(BLKDEBUG),blkdebug:$(BLKDEBUG):$(DISK_IMG),$(DISK_IMG))
RUN_DRIVE := -drive if=none,id=d0,file=$(RUN_DISK_FILE),format=raw \
             -object rng-random,id=r0,filename=/dev/urandom
ifeq ($(ARCH),x86_64)
RUN_DEV_ARGS := $(RUN_DRIVE) -device virtio-blk-pci,drive=d0,disable-legacy=on \
                -device virtio-rng-pci,rng=r0,disable-legacy=on \
                -device virtio-gpu-pci,$(GPU_RES) -vga none -device virtio-keyboard-pci \
                -device virtio-tablet-pci
else ifeq ($(ARCH),aarch64)
RUN_DEV_ARGS := -global virtio-mmio.force-legacy=false $(RUN_DRIVE) \
                -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 \
                -device virtio-rng-device,rng=r0,bus=virtio-mmio-bus.8 \
                -device virtio-gpu-device,$(GPU_RES),bus=virtio-mmio-bus.24 \
                -device virtio-keyboard-device,bus=virtio-mmio-bus.16 \
                -device virtio-tablet-device,bus=virtio-mmio-bus.17
else ifeq ($(ARCH),riscv64)
RUN_DEV_ARGS := -global virtio-mmio.force-legacy=false $(RUN_DRIVE) \
                -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 \
                -device virtio-rng-device,rng=r0,bus=virtio-mmio-bus.1 \
                -device virtio-gpu-device,$(GPU_RES),bus=virtio-mmio-bus.3 \
                -device virtio-keyboard-device,bus=virtio-mmio-bus.4 \
                -device virtio-tablet-device,bus=virtio-mmio-bus.2
endif

# make bench-fs [ARCH=x86_64|aarch64|riscv64]: the test kernel with
# "athanor.bench-fs" (kernel/test/scenario.c runs the domain fsbench,
# user/test/scenario/fsbench.c) on a fresh 48 MiB ext2 disk with 4 KiB
# blocks: 16 MiB written and read through the file service, and read raw
# from the block driver, in turns; then three rounds of a WASI program
# (bench/wasi-fs/fsrate.c, on the disk) reading the file against raw
# reads, in one boot. Prints
#   fs: wasi read R MB/s, raw read D MB/s, wasi read/raw P% (median of 3 rounds)
# and ends with the line
#   fs: read R MB/s, write W MB/s, raw read D MB/s, read/raw P%
BENCH_FS_IMG := $(BUILD)/bench-fs/disk.img
.PHONY: bench-fs bench-fs-run
bench-fs:
	@mkdir -p $(dir $(BENCH_FS_IMG))tree/bin && rm -f $(BENCH_FS_IMG)
	@clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror bench/wasi-fs/fsrate.c \
	    -o $(dir $(BENCH_FS_IMG))tree/bin/fsrate.wasm
	@mke2fs -q -t ext2 -b 4096 -m 0 -d $(dir $(BENCH_FS_IMG))tree $(BENCH_FS_IMG) 48M
	@$(MAKE) --no-print-directory KTEST=1 DISK_IMG=$(BENCH_FS_IMG) bench-fs-run
bench-fs-run: kernel
	@timeout -k 5 900 $(QEMU_CMD) $(ARCH_IMAGE) -append athanor.bench-fs $(RUN_DEV_ARGS) </dev/null 2>&1 | \
	    tr -d '\r' | grep -E '^fs: (read|wasi)|FAILED|panic'
