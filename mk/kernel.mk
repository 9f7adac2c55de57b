# The Athanor kernel: the portable core (kernel/core), the Wasm engine
# (src/wasm, unchanged) and one port (kernel/arch/$(ARCH)), cross-compiled
# with clang and linked with ld.lld; the boot image (build/modules/boot.img,
# the same bytes for every ARCH) is embedded by kernel/core/bootimg.c.
#
#   make [ARCH=x86_64|aarch64|riscv64] kernel   build/kernel/$(ARCH)/athanor.elf
#   make ARCH=... run          boot it in QEMU, serial console on the terminal
#   make ARCH=... debug        QEMU stopped at reset with a GDB stub on :1234
#   make ARCH=... boot-test    this ARCH's boot tests (test-mode kernel in QEMU)
#   make iso                   x86_64: a GRUB ISO (build/kernel/x86_64/athanor.iso)
#   make ARCH=... KTEST=1 ...  the test-mode kernel (-DATHANOR_TEST), built in
#                              build/kernel/$(ARCH)-test/
#   make modules               the .wasm modules and the boot image alone
#
# Each port's kernel/arch/<isa>/arch.mk defines ARCH_TRIPLE, ARCH_CFLAGS,
# ARCH_SRC, ARCH_LDSCRIPT, ARCH_IMAGE, QEMU_CMD and QEMU_DEBUG_FLAGS. It may
# refer to $(KBUILD) (this build's directory) and $(KERNEL_ELF), and may set
# ARCH_LDFLAGS, ARCH_LINK to replace the whole link command, and
# ARCH_PORT_CFLAGS to compile its own sources with other flags than KCFLAGS.

ARCH     ?= x86_64
KTEST    ?=
KARCH    := kernel/arch/$(ARCH)
KBUILD   := $(BUILD)/kernel/$(ARCH)$(if $(filter 1,$(KTEST)),-test)
KERNEL_ELF := $(KBUILD)/athanor.elf
MODBUILD := $(BUILD)/modules
BOOTIMG  := $(MODBUILD)/boot.img
KPORT_OK := $(wildcard $(KARCH)/arch.mk)

QEMU_DEBUG_FLAGS := -s -S
ARCH_LDFLAGS :=
ifneq ($(KPORT_OK),)
include $(KARCH)/arch.mk
# A port that spelled its image's directory out still gets the test build's.
ARCH_IMAGE := $(subst $(BUILD)/kernel/$(ARCH)/,$(KBUILD)/,$(ARCH_IMAGE))
endif

KCFLAGS := -std=c11 --target=$(ARCH_TRIPLE) -ffreestanding -nostdlib -nostdlibinc \
           -fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing -fno-math-errno \
           -O2 -g $(WARN) -Ikernel/include -I$(KARCH)/include -Iinclude -Isrc/wasm \
           $(ARCH_CFLAGS) $(if $(filter 1,$(KTEST)),-DATHANOR_TEST)
KHDR    := $(wildcard kernel/include/*/*.h kernel/core/*.h $(KARCH)/include/*/*.h) $(ENGINE_HDR)

KCORE_SRC := $(wildcard kernel/core/*.c)
KOBJ := $(patsubst kernel/core/%.c,$(KBUILD)/core/%.o,$(KCORE_SRC)) \
        $(patsubst src/wasm/%.c,$(KBUILD)/wasm/%.o,$(ENGINE_SRC)) \
        $(patsubst $(KARCH)/%,$(KBUILD)/arch/%.o,$(ARCH_SRC))

ARCH_LINK ?= ld.lld -nostdlib -z max-page-size=4096 $(ARCH_LDFLAGS) -T $(ARCH_LDSCRIPT) \
             -o $@ $(KOBJ)

$(KBUILD)/core/%.o: kernel/core/%.c $(KHDR)
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) -c $< -o $@
$(KBUILD)/core/bootimg.o: kernel/core/bootimg.c $(BOOTIMG) $(KHDR)
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) -DBOOTIMG_PATH='"$(abspath $(BOOTIMG))"' -c $< -o $@
$(KBUILD)/wasm/%.o: src/wasm/%.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) -c $< -o $@
$(KBUILD)/arch/%.c.o: $(KARCH)/%.c $(KHDR)
	@mkdir -p $(dir $@)
	clang $(or $(ARCH_PORT_CFLAGS),$(KCFLAGS)) -c $< -o $@
$(KBUILD)/arch/%.S.o: $(KARCH)/%.S $(KHDR)
	@mkdir -p $(dir $@)
	clang $(or $(ARCH_PORT_CFLAGS),$(KCFLAGS)) -c $< -o $@

$(KERNEL_ELF): $(KOBJ) $(ARCH_LDSCRIPT)
	$(ARCH_LINK)
	@echo "kernel: $@ ($$(stat -c %s $@) bytes)"

# ---------------------------------------------------------------- modules
# Built once for every ARCH: wasm32 bytes do not depend on the kernel's ISA.

# Every module is built against the C SDK (sdk/include/athanor.h) and its
# library ($(BUILD)/sdk/libathanor.a, whose rule is in mk/ipc.mk).
MOD_SDK_LIB := $(BUILD)/sdk/libathanor.a
WASM_CC := clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror \
           -Isdk/include -Wl,--no-entry
$(MODBUILD)/%.wasm: kernel/modules/%.c sdk/include/athanor.h $(MOD_SDK_LIB)
	@mkdir -p $(dir $@)
	$(WASM_CC) $< $(MOD_SDK_LIB) -o $@
$(MODBUILD)/%.wasm: kernel/modules/%.wat
	@mkdir -p $(dir $@)
	wat2wasm --no-check $< -o $@
# A module cut short in the middle of its code section.
$(MODBUILD)/corrupt.wasm: $(MODBUILD)/e2e.wasm
	head -c 200 $< > $@

$(BUILD)/mkbootimg: tools/mkbootimg.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) $< -o $@
TOOLS += $(BUILD)/mkbootimg

BOOT_MODULES := init.wasm e2e.wasm corrupt.wasm invalid.wasm \
                drivers/uart16550.wasm drivers/pl011.wasm $(HOSTILE_MODULES) \
                ipc/server.wasm ipc/client.wasm
# The scenario domains (kernel/modules/scenario/, run in test mode).
SCN_MODULES := $(addprefix scenario/,call.wasm callee.wasm trap.wasm trapsrv.wasm \
                 buffer.wasm reader.wasm bufpeer.wasm lease.wasm \
                 rowrite.wasm rosrv.wasm)
$(addprefix $(MODBUILD)/,$(SCN_MODULES)): kernel/modules/scenario/scn.h
BOOT_MODULES += $(SCN_MODULES)
# The in-kernel spec subset (mk/kspec.mk builds it) rides along when its
# rule exists.
BOOT_SPEC := $(if $(wildcard mk/kspec.mk),$(MODBUILD)/spec.bin)
$(BOOTIMG): $(BUILD)/mkbootimg kernel/modules/manifest.txt \
            $(addprefix $(MODBUILD)/,$(BOOT_MODULES)) $(BOOT_SPEC)
	$(BUILD)/mkbootimg $@ manifest=kernel/modules/manifest.txt \
	    $(foreach m,$(BOOT_MODULES),$(m)=$(MODBUILD)/$(m)) \
	    $(if $(BOOT_SPEC),spec.bin=$(BOOT_SPEC))

# ---------------------------------------------------------------- targets

.PHONY: kernel kernel-default modules run debug boot-test iso print-run kernel-port-check
modules: $(BOOTIMG)

kernel-port-check:
	@if [ -z "$(KPORT_OK)" ]; then \
	    echo "kernel: no port for ARCH=$(ARCH) ($(KARCH)/arch.mk missing)" >&2; exit 1; fi
kernel: kernel-port-check $(if $(KPORT_OK),$(KERNEL_ELF) $(ARCH_IMAGE))

# `make` builds the default ARCH's kernel when its port is there.
kernel-default:
	@if [ -n "$(KPORT_OK)" ]; then $(MAKE) --no-print-directory kernel; \
	 else echo "kernel: skipped, no port for ARCH=$(ARCH) yet" >&2; fi

# x86_64's isa-debug-exit makes QEMU exit with (status << 1) | 1: give
# `make run` the kernel's own status back.
# With stdin not a terminal (a file, a pipe, CI) the kernel is told to power
# off once init has run instead of waiting for "poweroff" on the console.
run: kernel
	@once=; [ -t 0 ] || once="-append athanor.once"; \
	 $(QEMU_CMD) $(ARCH_IMAGE) $$once; rc=$$?; \
	 if [ "$(ARCH)" = x86_64 ] && [ $$((rc % 2)) = 1 ]; then rc=$$((rc >> 1)); fi; \
	 exit $$rc

debug: kernel
	@echo "kernel: QEMU waits for GDB on :1234. In another terminal:"
	@gdb=gdb; [ "$(ARCH)" = x86_64 ] || gdb=gdb-multiarch; \
	 command -v $$gdb >/dev/null || echo "  (apt-get install $$gdb first)"; \
	 echo "  $$gdb -ex 'target remote :1234' $(KERNEL_ELF)"
	$(QEMU_CMD) $(ARCH_IMAGE) $(QEMU_DEBUG_FLAGS)

# The QEMU command line the boot test runs (one line, for scripts).
print-run:
	@echo "$(QEMU_CMD) $(ARCH_IMAGE)"

boot-test:
	bash tests/groups/60-boot.sh $(ARCH)

# x86_64: GRUB (multiboot) on an El Torito ISO, bootable as on a PC with
#   qemu-system-x86_64 -M q35 -m 256M -nographic -cdrom build/kernel/x86_64/athanor.iso
# The Debian packages grub-mkrescue needs are installed when missing.
ISO_DIR := $(BUILD)/kernel/x86_64$(if $(filter 1,$(KTEST)),-test)
ISO_PKGS := grub-pc-bin grub-common xorriso mtools
iso:
	@$(MAKE) --no-print-directory ARCH=x86_64 kernel
	@missing=$$(for p in $(ISO_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "iso: installing $$missing"; \
	    sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$sudo apt-get install -y --no-install-recommends $$missing >/dev/null || exit 1; \
	fi
	rm -rf $(ISO_DIR)/iso && mkdir -p $(ISO_DIR)/iso/boot/grub
	cp $(ISO_DIR)/athanor.elf $(ISO_DIR)/iso/boot/athanor.elf
	cp kernel/arch/x86_64/grub.cfg $(ISO_DIR)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $(ISO_DIR)/athanor.iso $(ISO_DIR)/iso 2>/dev/null
	@echo "iso: $(ISO_DIR)/athanor.iso"
