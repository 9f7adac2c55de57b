# The Wasm modules (user/: drivers, services, apps, and the test modules in
# user/test/) and the two boot images, built once for every ARCH: wasm32
# bytes do not depend on the kernel's ISA.
#
#   make modules           build/modules/boot.img       the product image
#   make KTEST=1 modules   build/modules/boot-test.img  the test kernels' image
#
# A module's name in the boot image (what a manifest's FILE names) is its
# path under build/modules/. A C module is one folder, user/KIND/NAME/:
# every .c in it is compiled against the C SDK (sdk/include/athanor.h and
# $(BUILD)/sdk/libathanor.a, whose rule is in mk/ipc.mk). The folder is
# its source list (docs/build.md says why); which modules exist is listed
# (PRODUCT_MODULES, TEST_MODULES below). The headers each one includes are
# tracked like the host programs' ($@.d, cc_deps in the top Makefile).
MOD_SDK_LIB := $(BUILD)/sdk/libathanor.a
WASM_CC := clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror \
           -Isdk/include -Wl,--no-entry
MOD_DEPS := $(MOD_SDK_LIB)
# A C module from the sources of its folder (and, for drivers, the
# drivers' shared header user/drivers/athanor_dev.h).
MOD_CC = $(call cc_deps,$(WASM_CC) -Wno-unused-command-line-argument $(1),$(filter %.c,$^)) && \
         $(WASM_CC) $(1) $(filter %.c,$^) $(MOD_SDK_LIB) -o $@

.SECONDEXPANSION:
# Product modules: drivers, services, apps.
$(MODBUILD)/drivers/%.wasm: $$(wildcard user/drivers/$$*/*.c) $(MOD_DEPS)
	@mkdir -p $(dir $@)
	$(call MOD_CC,-Iuser/drivers)
$(MODBUILD)/services/%.wasm: $$(wildcard user/services/$$*/*.c) $(MOD_DEPS)
	@mkdir -p $(dir $@)
	$(MOD_CC)
$(MODBUILD)/apps/%.wasm: $$(wildcard user/apps/$$*/*.c) $(MOD_DEPS)
	@mkdir -p $(dir $@)
	$(MOD_CC)
# A program's capabilities (sys_run: bin/NAME.caps, manifest capability
# lines), when its folder has NAME.caps.
$(MODBUILD)/bin/%.caps: user/apps/$$*/$$*.caps
	@mkdir -p $(dir $@)
	cp $< $@
# The display path copies whole rows of pixels: memory.copy (bulk memory).
DISPLAY_MODULES := drivers/virtio_gpu.wasm services/display.wasm apps/term.wasm bin/testcard.wasm \
                   bin/dispbench.wasm bin/monitor.wasm bin/sketch.wasm
$(addprefix $(MODBUILD)/,$(DISPLAY_MODULES)): WASM_CC += -mbulk-memory
# Programs the shell runs (run NAME: bin/NAME.wasm), also apps/NAME/.
$(MODBUILD)/bin/%.wasm: $$(wildcard user/apps/$$*/*.c) $(MOD_DEPS)
	@mkdir -p $(dir $@)
	$(MOD_CC)

# Test modules (user/test/): e2e and invalid (one folder each), the
# scenario domains (user/test/scenario/, one .c per module), the hostile
# modules (user/test/hostile/: .wat, C on the SDK, and malformed modules
# as commented hex, .hex -> .wasm with xxd).
$(MODBUILD)/test/e2e.wasm: user/test/e2e/e2e.c $(MOD_DEPS)
	@mkdir -p $(dir $@)
	$(MOD_CC)
$(MODBUILD)/test/invalid.wasm: user/test/invalid/invalid.wat
	@mkdir -p $(dir $@)
	wat2wasm --no-check $< -o $@
# A module cut short in the middle of its code section.
$(MODBUILD)/test/corrupt.wasm: $(MODBUILD)/test/e2e.wasm
	head -c 200 $< > $@
$(MODBUILD)/scenario/%.wasm: user/test/scenario/%.c $(MOD_DEPS)
	@mkdir -p $(dir $@)
	$(MOD_CC)
$(MODBUILD)/hostile/%.wasm: user/test/hostile/%.wat
	@mkdir -p $(dir $@)
	wat2wasm --no-check $< -o $@
$(MODBUILD)/hostile/%.wasm: user/test/hostile/%.c $(MOD_DEPS)
	@mkdir -p $(dir $@)
	$(MOD_CC)
$(MODBUILD)/hostile/%.wasm: user/test/hostile/%.hex
	@mkdir -p $(dir $@)
	sed 's/#.*//' $< | xxd -r -p > $@
# The IPC host tests' two modules, for the in-kernel IPC bench (mk/ipc.mk).
$(MODBUILD)/ipc/%.wasm: tests/kernel/ipc/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@

$(BUILD)/mkbootimg: tools/mkbootimg.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) $< -o $@
TOOLS += $(BUILD)/mkbootimg

# The sensors (docs/privacy.md): the GPS driver, the microphone and camera
# driver (one module, two domains), the broker, locate, and privbench
# (make bench-privacy); record and snap are WASI programs (privacy.mk).
# Frames and sample blocks are copied whole: memory.copy (bulk memory).
PRIVACY_MODULES := drivers/gps.wasm drivers/sensor_stream.wasm services/sensors.wasm \
                   bin/locate.wasm bin/locate.caps bin/privbench.wasm bin/privbench.caps
$(addprefix $(MODBUILD)/,drivers/sensor_stream.wasm services/sensors.wasm): \
    WASM_CC += -mbulk-memory

# The product image (user/manifest.txt): the console drivers, the
# services and the apps people use.
PRODUCT_MODULES := services/init.wasm drivers/uart16550.wasm drivers/pl011.wasm drivers/virtio_blk.wasm \
                   drivers/virtio_rng.wasm \
                   services/fs.wasm \
                   $(DISPLAY_MODULES) bin/testcard.caps bin/dispbench.caps bin/monitor.caps \
                   bin/sketch.caps services/input.wasm drivers/virtio_tablet.wasm \
                   $(PRIVACY_MODULES) \
                   apps/shell.wasm bin/hello.wasm bin/crash.wasm bin/spin.wasm \
                   $(LANG_PRODUCT_MODULES)

# The test kernels' image (user/test/manifest.txt): init and the drivers
# too, plus every test module and the in-kernel spec subset (mk/kspec.mk).
HOSTILE_MODULES := $(patsubst user/test/%.wat,%.wasm,$(wildcard user/test/hostile/*.wat)) \
                   $(patsubst user/test/%.hex,%.wasm,$(wildcard user/test/hostile/*.hex)) \
                   $(patsubst user/test/%.c,%.wasm,$(wildcard user/test/hostile/*.c))
SCN_MODULES := $(addprefix scenario/,call.wasm callee.wasm trap.wasm trapsrv.wasm \
                 buffer.wasm reader.wasm bufpeer.wasm lease.wasm rowrite.wasm rosrv.wasm blkio.wasm fsread.wasm fswrite.wasm fscrash.wasm fsbench.wasm fsdir.wasm fsbadge.wasm rngget.wasm)
TEST_MODULES := $(PRODUCT_MODULES) test/e2e.wasm test/corrupt.wasm test/invalid.wasm \
                $(HOSTILE_MODULES) $(SCN_MODULES) ipc/server.wasm ipc/client.wasm \
                $(LANG_TEST_MODULES) faults/blkdrv.wasm

# The fault campaign's driver (tools/faults/blkdrv.c) for "athanor.faults=N".
$(MODBUILD)/faults/blkdrv.wasm: tools/faults/blkdrv.c
	@mkdir -p $(dir $@)
	clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror -Wl,--no-entry $< -o $@

$(MODBUILD)/boot.img: $(BUILD)/mkbootimg user/manifest.txt $(addprefix $(MODBUILD)/,$(PRODUCT_MODULES))
	$(BUILD)/mkbootimg $@ manifest=user/manifest.txt \
	    $(foreach m,$(PRODUCT_MODULES),$(m)=$(MODBUILD)/$(m))
$(MODBUILD)/boot-test.img: $(BUILD)/mkbootimg user/test/manifest.txt user/test/hostile/manifest.txt \
                           $(addprefix $(MODBUILD)/,$(TEST_MODULES)) $(MODBUILD)/spec.bin
	$(BUILD)/mkbootimg $@ manifest=user/test/manifest.txt \
	    hostile/manifest.txt=user/test/hostile/manifest.txt \
	    $(foreach m,$(TEST_MODULES),$(m)=$(MODBUILD)/$(m)) spec.bin=$(MODBUILD)/spec.bin

.PHONY: modules
modules: $(BOOTIMG)
-include $(patsubst %,$(MODBUILD)/%.d,$(filter %.wasm,$(TEST_MODULES)))
