# IPC: the Wasm modules of the host tests (tests/kernel/ipc/*.wat, read at
# run time from build/san/ipc/) and the IPC benchmark (bench/ipc/).
#   make build/san/kernel_tests && build/san/kernel_tests ipc
#   make bench-ipc        prints the "ipc: call ... ns" line
IPC_TEST_WASM := $(patsubst tests/kernel/ipc/%.wat,$(SAN)/ipc/%.wasm,$(wildcard tests/kernel/ipc/*.wat))

$(SAN)/ipc/%.wasm: tests/kernel/ipc/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@

$(SAN)/kernel_tests: $(IPC_TEST_WASM)

# The bench: the same kernel sources and test shim, optimised, no sanitizer.
IPC_BENCH_DIR  := $(BUILD)/ipc-bench
IPC_BENCH_KSRC := $(KHOST_KSRC)
IPC_BENCH_KOBJ := $(patsubst kernel/core/%.c,$(IPC_BENCH_DIR)/%.o,$(IPC_BENCH_KSRC))

# Header dependencies from -MD (a stale object after a header change
# crashed the tutorial check once: lang_check links these objects).
$(IPC_BENCH_DIR)/%.o: kernel/core/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KTEST_KCFLAGS) -O2 -g $(DEPFLAGS) -c $< -o $@

# The host programs on these objects (this bench, mk/lang.mk's): the shim
# (tests/kernel/test_ipc_shim.c) and the kernel's allocator on calloc.
IPC_HOST_FLAGS := $(HOST_CFLAGS) -O2 -Ikernel/include -Itests/kernel/include -Iinclude -Itests/unit -pthread
IPC_HOST_SHIM  := tests/kernel/test_ipc_shim.c tests/kernel/kshim.c
IPC_BENCH_SRC  := bench/ipc/ipc_bench.c bench/ipc/main.c $(IPC_HOST_SHIM)
$(IPC_BENCH_DIR)/ipc_bench: $(IPC_BENCH_SRC) $(IPC_BENCH_KOBJ) $(BUILD)/libazothwasm.a $(IPC_TEST_WASM)
	$(call cc_deps,$(CC) $(IPC_HOST_FLAGS),$(IPC_BENCH_SRC))
	$(CC) $(IPC_HOST_FLAGS) $(IPC_BENCH_SRC) $(IPC_BENCH_KOBJ) $(BUILD)/libazothwasm.a -o $@
-include $(IPC_BENCH_KOBJ:.o=.d) $(IPC_BENCH_DIR)/ipc_bench.d
TOOLS += $(IPC_BENCH_DIR)/ipc_bench

.PHONY: bench-ipc
bench-ipc: $(IPC_BENCH_DIR)/ipc_bench
	$(IPC_BENCH_DIR)/ipc_bench

# The C SDK for modules: sdk/include/athanor.h + libathanor.a (wasm32): the
# host calls and helpers, the virtio library, the PSF font parser, reading
# a file through the file service.
SDK_LIB := $(BUILD)/sdk/libathanor.a
SDK_OBJ := $(patsubst %,$(BUILD)/sdk/%.o,athanor printf virtio virtq vconsole psf fsread)
$(BUILD)/sdk/%.o: sdk/lib/%.c
	@mkdir -p $(dir $@)
	clang --target=wasm32 -nostdlib -O2 -fno-builtin -Wall -Wextra -Werror -Isdk/include $(DEPFLAGS) -c $< -o $@
$(SDK_LIB): $(SDK_OBJ)
	rm -f $@; llvm-ar-14 rcs $@ $^ 2>/dev/null || ar rcs $@ $^
-include $(SDK_OBJ:.o=.d)
.PHONY: sdk
sdk: $(SDK_LIB)

# The IPC bench inside the kernel: the host tests' two modules ride in the
# test boot image (ipc/server.wasm, ipc/client.wasm; mk/user.mk) and
# "athanor.bench" on a test kernel's command line runs kernel/test/ipcbench.c
# after boot.
#   make ARCH=x86_64|aarch64|riscv64 KTEST=1 bench-ipc-qemu

# "athanor.bench-jit": kernel/test/jitbench.c, the compiled tier's load
# speed in the kernel, then boot to init on each tier (scripts/bench-jit.sh,
# docs/compiler.md).
#   make ARCH=x86_64|aarch64|riscv64 bench-jit-qemu [JIT_BOOTS=5]
.PHONY: bench-jit-qemu
ifeq ($(KTEST),1)
bench-jit-qemu: kernel
	@bash scripts/bench-jit.sh $(QEMU_CMD) $(ARCH_IMAGE)
else
bench-jit-qemu:
	@$(MAKE) --no-print-directory KTEST=1 bench-jit-qemu
endif

.PHONY: bench-ipc-qemu
ifeq ($(KTEST),1)
bench-ipc-qemu: kernel
	timeout -k 5 120 $(QEMU_CMD) $(ARCH_IMAGE) -append athanor.bench </dev/null 2>&1 | \
	    tr -d '\r' | grep -E '^ipc|FAILED|panic'
else
bench-ipc-qemu:
	@$(MAKE) --no-print-directory KTEST=1 bench-ipc-qemu
endif
