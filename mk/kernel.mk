# The Athanor kernel: the portable core (kernel/core), the Wasm engine
# (src/wasm, unchanged) and one port (kernel/arch/$(ARCH)), cross-compiled
# with clang and linked with ld.lld; the boot image (mk/user.mk: the same
# bytes for every ARCH) is embedded by kernel/core/bootimg.c. The product
# kernel embeds build/modules/boot.img (user/manifest.txt); a test kernel
# (KTEST=1) also links the test harness (kernel/test/) and embeds
# build/modules/boot-test.img (user/test/manifest.txt, the spec subset).
#
#   make [ARCH=x86_64|aarch64|riscv64] kernel   build/kernel/$(ARCH)/athanor.elf
#   make ARCH=... run          boot it in QEMU, serial console on the terminal
#   make ARCH=... debug        QEMU stopped at reset with a GDB stub on :1234
#   make ARCH=... boot-test    this ARCH's boot tests (test-mode kernel in QEMU)
#   make iso                   x86_64: a GRUB ISO (build/kernel/x86_64/athanor.iso)
#   make ARCH=... KTEST=1 ...  the test kernel (-DATHANOR_TEST, kernel/test/
#                              linked in), built in build/kernel/$(ARCH)-test/
#   make ARCH=... size         the product kernel's sizes
#   make modules               the .wasm modules and the boot image alone
#
# Each port's kernel/arch/<isa>/arch.mk defines ARCH_TRIPLE, ARCH_CFLAGS,
# ARCH_SRC, ARCH_LDSCRIPT, ARCH_IMAGE, QEMU_CMD and QEMU_DEBUG_FLAGS. It may
# refer to $(KBUILD) (this build's directory) and $(KERNEL_ELF), and may set
# ARCH_LDFLAGS, ARCH_LINK to replace the whole link command,
# ARCH_PORT_CFLAGS to compile its own sources with other flags than KCFLAGS,
# and ARCH_NO_PORT_IO := 1 to link kernel/arch/common/noio.c (no port I/O).

ARCH     ?= x86_64
KTEST    ?=
KARCH    := kernel/arch/$(ARCH)
KBUILD   := $(BUILD)/kernel/$(ARCH)$(if $(filter 1,$(KTEST)),-test)
KERNEL_ELF := $(KBUILD)/athanor.elf
MODBUILD := $(BUILD)/modules
BOOTIMG  := $(MODBUILD)/boot$(if $(filter 1,$(KTEST)),-test).img
KPORT_OK := $(wildcard $(KARCH)/arch.mk)

QEMU_DEBUG_FLAGS := -s -S
ARCH_LDFLAGS :=
ifneq ($(KPORT_OK),)
include $(KARCH)/arch.mk
# A port that spelled its image's directory out still gets the test build's.
ARCH_IMAGE := $(subst $(BUILD)/kernel/$(ARCH)/,$(KBUILD)/,$(ARCH_IMAGE))
endif

KTEST_ON := $(filter 1,$(KTEST))
# Header dependencies: each object's .d file (-MD), read below.
KCFLAGS := -std=c11 --target=$(ARCH_TRIPLE) -ffreestanding -nostdlib -nostdlibinc \
           -fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing -fno-math-errno \
           -O2 -g -ffunction-sections -fdata-sections $(WARN) -MD -MP -Ikernel/include \
           -I$(KARCH)/include -Iinclude -Isrc/wasm \
           $(ARCH_CFLAGS) $(if $(KTEST_ON),-DATHANOR_TEST -Ikernel/test)

# The portable core, and the test harness test kernels add.
KCORE_SRC := $(addprefix kernel/core/,bootimg.c cap.c dev.c devices.c domain.c heap.c hostcall.c ipc.c \
               irq.c klib.c loader.c main.c overlay.c panic.c pmm.c printk.c sched.c stack.c \
               supervise.c sysctl.c time.c trap.c vm.c wasiprog.c wasm_platform.c)
# The WASI layer (docs/wasi.md), the same files the hosted runner links.
KWASI_SRC := $(addprefix src/wasi/,wasi.c wasi_fd.c wasi_path.c)
KTEST_HARNESS := $(addprefix kernel/test/,faultcamp.c hostile.c ipcbench.c jitbench.c join.c ktest.c kspec.c \
                   resetbench.c scenario.c selftest.c selftest_fault.c selftest_sched.c spectest.c)
# Cold code, compiled for size (-Oz) rather than speed: what runs once per
# boot, module load, program launch or shell command (the manifest and
# domain setup, device scan, printk, statistics, supervision, the WASI layer
# and program runner, the engine's decoder, instantiation and byte reader).
# The interpreter, IPC, capabilities, the scheduler, memory management,
# memcpy and the boot image's checksum (bootimg.c: -Os adds 10% to the boot)
# stay at -O2 (docs/boot.md, "Size", has the measurements). -Oz against
# -Os: 7-10 KiB less, a module load on the compiled tier 0.5% longer.
KCOLD_SRC := $(addprefix kernel/core/,devices.c dev.c domain.c loader.c main.c panic.c printk.c \
               supervise.c sysctl.c wasiprog.c) \
             $(KWASI_SRC) $(addprefix src/wasm/,decode.c instance.c util.c)
# Not cold but compiled for size as well: the x86_64 and aarch64 back ends
# of the compiled tier, its driver (jit.c) and the validator-translator
# (compile.c). At -O2 clang inlines the emitters into the one switch over
# the instructions (x86_64's back end: 85 KiB at -O2, 41 at -Os). Measured
# in the test kernel under QEMU with -icount shift=0 (athanor.bench-jit;
# docs/boot.md, "Size"): the machine code takes 6% (x86_64) and 10%
# (aarch64) more instructions, a load on the interpreter tier 9-13% more.
# Left at -O2: the riscv64 back end (-Os: +17%) and the register allocator
# (jit_ra.c, -Os: +12%).
KSIZE_SRC := $(addprefix src/wasm/,compile.c jit.c jit_buf.c jit_x64.c jit_a64.c)
# -O2 without loop unrolling and vectorisation: the register allocator,
# whose bitset loops run over a few words, and the engine's entry points
# (wasm_call, host calls), whose loops copy a few arguments. Measured as
# above: the machine code +0.7%, the IPC call 2% faster; 8 KiB less on
# x86_64, 2.5 KiB on aarch64 (riscv64 has no vectors: the same code).
KLOOP_SRC := $(addprefix src/wasm/,jit_ra.c runtime.c)
kopt = $(if $(filter $(1),$(KCOLD_SRC)),-Oz)$(if $(filter $(1),$(KSIZE_SRC)),-Os) \
       $(if $(filter $(1),$(KLOOP_SRC)),-fno-unroll-loops -fno-vectorize -fno-slp-vectorize)
# The fault campaign's core and mutator, shared with the hosted campaign (tools/faults/).
KTEST_FAULTS := tools/faults/campaign.c tools/faults/wmut.c
KOBJ := $(patsubst kernel/core/%.c,$(KBUILD)/core/%.o,$(KCORE_SRC)) \
        $(if $(ARCH_NO_PORT_IO),$(KBUILD)/common/noio.o) \
        $(if $(KTEST_ON),$(patsubst kernel/test/%.c,$(KBUILD)/test/%.o,$(KTEST_HARNESS))) \
        $(if $(KTEST_ON),$(patsubst tools/faults/%.c,$(KBUILD)/faults/%.o,$(KTEST_FAULTS))) \
        $(patsubst src/wasm/%.c,$(KBUILD)/wasm/%.o,$(ENGINE_SRC)) \
        $(patsubst src/wasi/%.c,$(KBUILD)/wasi/%.o,$(KWASI_SRC)) \
        $(patsubst $(KARCH)/%,$(KBUILD)/arch/%.o,$(ARCH_SRC))
-include $(KOBJ:.o=.d)
# The flags are here (the per-file -O level too): a change rebuilds the kernel.
$(KOBJ): mk/kernel.mk

# Each function and object in a section of its own, and the link keeps only
# those reached from the entry point (--gc-sections): what a kernel does not
# call (the register allocator on aarch64 and riscv64, whose back ends do
# not use it; engine and core functions only the hosted builds and tests
# call) is not linked in. docs/boot.md, "Size", has the figures.
ARCH_LINK ?= ld.lld -nostdlib -z max-page-size=4096 --gc-sections $(ARCH_LDFLAGS) -T $(ARCH_LDSCRIPT) \
             -o $@ $(KOBJ)

$(KBUILD)/core/%.o: kernel/core/%.c
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) $(call kopt,$<) -c $< -o $@
$(KBUILD)/common/%.o: kernel/arch/common/%.c
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) -c $< -o $@
$(KBUILD)/test/%.o: kernel/test/%.c
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) -Ikernel/core -Itools/faults -c $< -o $@
$(KBUILD)/faults/%.o: tools/faults/%.c
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) -DCAMP_KERNEL -c $< -o $@
$(KBUILD)/core/bootimg.o: kernel/core/bootimg.c $(BOOTIMG)
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) $(call kopt,$<) -DBOOTIMG_PATH='"$(abspath $(BOOTIMG))"' -c $< -o $@
$(KBUILD)/core/wasiprog.o: kernel/core/wasiprog.c
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) $(call kopt,$<) -Isrc/wasi -Isdk/include -c $< -o $@
$(KBUILD)/wasi/%.o: src/wasi/%.c
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) $(call kopt,$<) -Isrc/wasi -Isdk/include -c $< -o $@
$(KBUILD)/wasm/%.o: src/wasm/%.c
	@mkdir -p $(dir $@)
	clang $(KCFLAGS) $(call kopt,$<) -c $< -o $@
$(KBUILD)/arch/%.c.o: $(KARCH)/%.c
	@mkdir -p $(dir $@)
	clang $(or $(ARCH_PORT_CFLAGS),$(KCFLAGS)) -c $< -o $@
$(KBUILD)/arch/%.S.o: $(KARCH)/%.S
	@mkdir -p $(dir $@)
	clang $(or $(ARCH_PORT_CFLAGS),$(KCFLAGS)) -c $< -o $@

$(KERNEL_ELF): $(KOBJ) $(ARCH_LDSCRIPT)
	$(ARCH_LINK)
	@echo "kernel: $@ ($$(stat -c %s $@) bytes)"

# ---------------------------------------------------------------- targets

.PHONY: kernel kernel-default run debug boot-test iso print-run print-run-devs kernel-port-check size

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
# With CMD="<command>" (docs/wasi.md) the shell runs that command and
# powers off with its status (scripts/run-cmd.sh; QUIET=1: only its
# output), and make exits with that status: run-cmd saves it, then run's
# recipe hands it to $(run-exit), a function of the make extension
# tools/make-exit.c, as make has no other way to exit with it.
ifneq ($(and $(CMD),$(filter run,$(MAKECMDGOALS))),)
# (built while the makefiles are read: make 4.3 does not rebuild a loaded object)
MAKE_EXIT_SO := $(BUILD)/make_exit.so
MAKE_EXIT_ERR := $(shell [ $(MAKE_EXIT_SO) -nt tools/make-exit.c ] || { mkdir -p $(BUILD) && \
    $(CC) -shared -fPIC -O2 -Wall -Wextra -Werror tools/make-exit.c -o $(MAKE_EXIT_SO); } 2>&1)
load $(MAKE_EXIT_SO)
.PHONY: run-cmd
run-cmd: kernel disk
	@bash scripts/run-cmd.sh $(ARCH) $(QEMU_CMD) $(ARCH_IMAGE) $(RUN_DEV_ARGS); \
	 echo $$? > $(BUILD)/run.status
run: run-cmd
	@:$(run-exit $(file <$(BUILD)/run.status))
else
run: kernel disk
	@once="athanor.epoch=$$(date +%s)"; [ -t 0 ] || once="$$once athanor.once"; \
	 $(if $(RUN_WINDOW),$(subst -nographic,,$(QEMU_CMD)),$(QEMU_CMD)) \
	     $(ARCH_IMAGE) -append "$$once" $(RUN_DEV_ARGS) $(RUN_DISPLAY) $(RUN_QMP); rc=$$?; \
	 if [ "$(ARCH)" = x86_64 ] && [ $$((rc % 2)) = 1 ]; then rc=$$((rc >> 1)); fi; \
	 exit $$rc
endif

debug: kernel
	@echo "kernel: QEMU waits for GDB on :1234. In another terminal:"
	@gdb=gdb; [ "$(ARCH)" = x86_64 ] || gdb=gdb-multiarch; \
	 command -v $$gdb >/dev/null || echo "  (apt-get install $$gdb first)"; \
	 echo "  $$gdb -ex 'target remote :1234' $(KERNEL_ELF)"
	$(QEMU_CMD) $(ARCH_IMAGE) $(QEMU_DEBUG_FLAGS)

# The QEMU command line the boot test runs (one line, for scripts).
print-run:
	@echo "$(QEMU_CMD) $(ARCH_IMAGE)"
# The devices `make run` adds to it (disk, entropy, display), for scripts.
print-run-devs:
	@echo "$(RUN_DEV_ARGS)"

boot-test:
	bash tests/groups/60-boot.sh $(ARCH)

# The kernel's sizes from its sections: code, read-only data, data and
# bss, and the embedded boot image (bootimg_start..bootimg_end; some ports
# place it inside .rodata: it is not counted there).
size: kernel
	@s=$$(nm $(KERNEL_ELF) | awk '$$3 == "bootimg_start" {print $$1}'); \
	 e=$$(nm $(KERNEL_ELF) | awk '$$3 == "bootimg_end" {print $$1}'); \
	 size -A $(KERNEL_ELF) | awk -v b=$$(( (0x$${e#????????} - 0x$${s#????????}) & 0xffffffff )) '$$1 == ".text" {t += $$2} \
	    $$1 ~ /^\.(rodata|srodata|bootimg)/ {r += $$2} \
	    $$1 ~ /^\.(data|sdata|bss|sbss)/ {d += $$2} \
	    END {printf "kernel: text %d, rodata %d, data+bss %d, boot image %d (bytes)\n", t, r - b, d, b}'

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
