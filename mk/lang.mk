# Modules in other languages than C (docs/languages.md): Rust, AssemblyScript
# and hand-written WAT, beside the C rules of mk/user.mk (this file is read
# first, so a folder holding main.rs, main.ts or main.wat is built by these
# rules; one holding .c files by mk/user.mk's).
#
#   user/KIND/NAME/main.rs    Rust, no_std, on sdk/rust (Debian's rustc)
#   user/KIND/NAME/main.ts    AssemblyScript on sdk/assemblyscript (npm)
#   user/KIND/NAME/main.wat   WAT (wat2wasm), imports from sdk/wat/athanor.wat
#
#   make modules              also lists each module of the product image:
#                             "module NAME LANGUAGE BYTES"
#   make lang-sdk             the Rust SDK and the AssemblyScript compiler
#   make bench-lang           call cost of a C, a Rust and an AssemblyScript
#                             server, side by side (hosted kernel core)

# Debian's compiler by its path: a rustup toolchain earlier on PATH has no
# wasm32 standard library.
RUSTC ?= /usr/bin/rustc
RUST_FLAGS := --edition 2021 --target wasm32-unknown-unknown -C opt-level=s -C panic=abort \
              -C strip=debuginfo -D warnings
RUST_SDK := $(BUILD)/sdk/rust/libathanor.rlib
# A domain's Rust module: no main, exports its no_mangle functions; 64 KiB
# of stack (the default 1 MiB would be most of a small domain's memory).
RUST_MOD = $(RUSTC) $(RUST_FLAGS) --crate-type bin --crate-name $(subst -,_,$(notdir $(basename $@))) \
           -C link-arg=-zstack-size=65536 --extern athanor=$(RUST_SDK) $< -o $@

# The crate bundles libathrs.a: the C SDK (its virtio library) and the glue
# the Rust bindings use.
RUST_GLUE := $(BUILD)/sdk/rust/libathrs.a
$(BUILD)/sdk/rust/glue.o: sdk/rust/glue.c sdk/include/athanor.h sdk/include/virtio.h sdk/include/virtq.h
	@mkdir -p $(dir $@)
	clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror -Isdk/include -c $< -o $@
$(RUST_GLUE): $(BUILD)/sdk/rust/glue.o $(BUILD)/sdk/athanor.o $(BUILD)/sdk/virtio.o $(BUILD)/sdk/virtq.o
	rm -f $@
	llvm-ar-14 rcs $@ $^ 2>/dev/null || ar rcs $@ $^
$(RUST_SDK): sdk/rust/athanor/lib.rs $(RUST_GLUE)
	@mkdir -p $(dir $@)
	$(RUSTC) $(RUST_FLAGS) --crate-type rlib --crate-name athanor -L $(dir $(RUST_GLUE)) $< -o $@

# AssemblyScript: the compiler the setup script installed into the SDK
# folder (package.json pins its version); the stub runtime (no GC, never
# frees) and the SDK's abort handler (a trap).
AS_DIR := sdk/assemblyscript
ASC := $(AS_DIR)/node_modules/.bin/asc
AS_SDK := $(AS_DIR)/athanor.ts $(AS_DIR)/virtio.ts
AS_FLAGS := --runtime stub -O3 --use abort=$(AS_DIR)/athanor/athAbort
AS_MOD = $(ASC) $< $(AS_FLAGS) -o $@

$(ASC): $(AS_DIR)/package.json $(AS_DIR)/package-lock.json
	cd $(AS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: lang-sdk
lang-sdk: $(RUST_SDK) $(ASC)

# Product modules, one folder each.
define lang_rules
$(MODBUILD)/$(1)/%.wasm: user/$(1)/%/main.rs $(RUST_SDK)
	@mkdir -p $$(dir $$@)
	$$(RUST_MOD)
$(MODBUILD)/$(1)/%.wasm: user/$(1)/%/main.ts $(AS_SDK) $(ASC)
	@mkdir -p $$(dir $$@)
	$$(AS_MOD)
$(MODBUILD)/$(1)/%.wasm: user/$(1)/%/main.wat
	@mkdir -p $$(dir $$@)
	wat2wasm $$< -o $$@
endef
$(foreach k,drivers services apps,$(eval $(call lang_rules,$(k))))
# Programs the shell runs (bin/NAME.wasm from user/apps/NAME/).
$(MODBUILD)/bin/%.wasm: user/apps/%/main.rs $(RUST_SDK)
	@mkdir -p $(dir $@)
	$(RUST_MOD)
$(MODBUILD)/bin/%.wasm: user/apps/%/main.ts $(AS_SDK) $(ASC)
	@mkdir -p $(dir $@)
	$(AS_MOD)

# Test modules (user/test/lang/): one file each.
$(MODBUILD)/lang/%.wasm: user/test/lang/%.rs $(RUST_SDK)
	@mkdir -p $(dir $@)
	$(RUST_MOD)
$(MODBUILD)/lang/%.wasm: user/test/lang/%.ts $(AS_SDK) $(ASC)
	@mkdir -p $(dir $@)
	$(AS_MOD)
$(MODBUILD)/lang/%.wasm: user/test/lang/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@
$(MODBUILD)/lang/%.wasm: user/test/lang/%.c $(BUILD)/sdk/libathanor.a
	@mkdir -p $(dir $@)
	$(MOD_CC)

# WASI programs (user/wasi/NAME/): Rust with its standard library
# (wasm32-wasi), AssemblyScript on the WASI calls it declares. They run
# under azoth-wasm like the C ones: build/azoth-wasm run build/programs/wc.wasm
LANG_PROGRAMS := $(BUILD)/programs/wc.wasm $(BUILD)/programs/upcase.wasm
$(BUILD)/programs/%.wasm: user/wasi/%/main.rs
	@mkdir -p $(dir $@)
	$(RUSTC) --edition 2021 --target wasm32-wasi -C opt-level=s -C strip=debuginfo -D warnings $< -o $@
$(BUILD)/programs/%.wasm: user/wasi/%/main.ts $(ASC)
	@mkdir -p $(dir $@)
	$(ASC) $< --runtime stub -O3 --exportStart _start --use abort= -o $@
.PHONY: programs
programs: $(LANG_PROGRAMS)
# The AssemblyScript virtqueue against a hostile device played by the test
# (a WASI program; tests/groups/65-lang.sh runs it under azoth-wasm).
$(BUILD)/lang-tests/virtq.wasm: tests/lang/virtq.ts $(AS_SDK) $(ASC)
	@mkdir -p $(dir $@)
	$(ASC) $< --runtime stub -O3 --exportStart _start --use abort= -o $@

# The call-cost bench: the IPC bench's kernel objects and shim, the client
# of tests/kernel/ipc, the three servers.
LANG_BENCH_MODS := $(addprefix $(MODBUILD)/lang/,benchc.wasm benchrs.wasm benchas.wasm)
LANG_BENCH_SRC := bench/lang/lang_bench.c bench/ipc/main.c $(IPC_HOST_SHIM)
$(BUILD)/lang-bench/lang_bench: $(LANG_BENCH_SRC) $(IPC_BENCH_KOBJ) $(BUILD)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(IPC_HOST_FLAGS),$(LANG_BENCH_SRC))
	$(CC) $(IPC_HOST_FLAGS) $(LANG_BENCH_SRC) $(IPC_BENCH_KOBJ) $(BUILD)/libazothwasm.a -o $@
.PHONY: bench-lang
bench-lang: $(BUILD)/lang-bench/lang_bench $(LANG_BENCH_MODS) $(IPC_TEST_WASM)
	$(BUILD)/lang-bench/lang_bench

# What the product image gains (mk/user.mk adds them to PRODUCT_MODULES),
# and the test image's fault drills (a Rust panic, an AssemblyScript abort)
# with the scenario that drives them.
LANG_PRODUCT_MODULES := drivers/rng.wasm drivers/vrng.wasm drivers/timer.wasm drivers/zero.wasm \
                        drivers/vkbd.wasm services/logd.wasm services/sysmon.wasm \
                        bin/gpsfix.wasm bin/gpsfix.caps bin/where.wasm bin/where.caps \
                        bin/rsmedia.wasm bin/rsmedia.caps bin/asmedia.wasm bin/asmedia.caps \
                        bin/life.wasm bin/life.caps bin/bars.wasm bin/bars.caps
LANG_TEST_MODULES := lang/rspanic.wasm lang/asabort.wasm scenario/langs.wasm scenario/langbad.wasm scenario/vrng.wasm

# The source language of product module $(1) (drivers/rng.wasm; a program
# bin/NAME.wasm is user/apps/NAME/).
lang_src = user/$(patsubst bin/%,apps/%,$(basename $(1)))
lang_of = $(strip $(if $(wildcard $(lang_src)/main.rs),rust,\
          $(if $(wildcard $(lang_src)/main.ts),assemblyscript,\
          $(if $(wildcard $(lang_src)/*.wat),wat,c))))

# `make modules`: the image, then one line per product module.
modules:
	@$(foreach m,$(filter %.wasm,$(PRODUCT_MODULES)),printf 'module %s %s %s\n' $(basename $(m)) $(call lang_of,$(m)) \
	    $$(stat -c %s $(MODBUILD)/$(m));)

# The tutorial's driver (docs/writing-a-driver.md), built from the files
# the document quotes, and the host program that runs each of them.
TUTORIAL_MODS := $(addprefix $(BUILD)/tutorial/,ticks-c.wasm ticks-rust.wasm ticks-as.wasm ticks-wat.wasm)
$(BUILD)/tutorial/ticks-c.wasm: docs/tutorial/c/ticks.c $(BUILD)/sdk/libathanor.a sdk/include/athanor.h
	@mkdir -p $(dir $@)
	$(WASM_CC) $< $(BUILD)/sdk/libathanor.a -o $@
$(BUILD)/tutorial/ticks-rust.wasm: docs/tutorial/rust/main.rs $(RUST_SDK)
	@mkdir -p $(dir $@)
	$(RUST_MOD)
$(BUILD)/tutorial/ticks-as.wasm: docs/tutorial/assemblyscript/main.ts $(AS_DIR)/athanor.ts $(ASC)
	@mkdir -p $(dir $@)
	$(AS_MOD)
$(BUILD)/tutorial/ticks-wat.wasm: docs/tutorial/wat/main.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@
LANG_CHECK_SRC := tests/lang/lang_check.c tests/lang/main.c $(IPC_HOST_SHIM)
$(BUILD)/lang-bench/lang_check: $(LANG_CHECK_SRC) $(IPC_BENCH_KOBJ) $(BUILD)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(IPC_HOST_FLAGS),$(LANG_CHECK_SRC))
	$(CC) $(IPC_HOST_FLAGS) $(LANG_CHECK_SRC) $(IPC_BENCH_KOBJ) $(BUILD)/libazothwasm.a -o $@
-include $(BUILD)/lang-bench/lang_bench.d $(BUILD)/lang-bench/lang_check.d
.PHONY: tutorial
tutorial: $(TUTORIAL_MODS) $(BUILD)/lang-bench/lang_check $(IPC_TEST_WASM)
