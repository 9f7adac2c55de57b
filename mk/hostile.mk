# Hostile modules (kernel/modules/hostile/, issue 5 item 5): .wat built by
# the kernel.mk module rule, malformed modules written as commented hex
# (.hex -> .wasm with xxd), and their manifest. All ride in the boot image
# (kernel.mk adds HOSTILE_MODULES to BOOT_MODULES); the test-mode kernel
# runs them (kernel/core/hostile.c) and 60-boot.sh checks the
# "hostile <name>: contained" lines on every arch and the hosted port.
HOSTILE_WAT := $(wildcard kernel/modules/hostile/*.wat)
HOSTILE_HEX := $(wildcard kernel/modules/hostile/*.hex)
HOSTILE_MODULES := hostile/manifest.txt \
    $(patsubst kernel/modules/%.wat,%.wasm,$(HOSTILE_WAT)) \
    $(patsubst kernel/modules/%.hex,%.wasm,$(HOSTILE_HEX))

$(BUILD)/modules/hostile/%.wasm: kernel/modules/hostile/%.hex
	@mkdir -p $(dir $@)
	sed 's/#.*//' $< | xxd -r -p > $@

$(BUILD)/modules/hostile/manifest.txt: kernel/modules/hostile/manifest.txt
	@mkdir -p $(dir $@)
	cp $< $@
