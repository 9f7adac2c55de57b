# IPC: the Wasm modules of the host tests (tests/kernel/ipc/*.wat, read at
# run time from build/san/ipc/) and the IPC benchmark (bench/ipc/).
#   make build/san/kernel_tests && build/san/kernel_tests ipc
#   make bench-ipc        prints the "ipc: call ... ns" line
IPC_TEST_WASM := $(patsubst tests/kernel/ipc/%.wat,$(SAN)/ipc/%.wasm,$(wildcard tests/kernel/ipc/*.wat))

$(SAN)/ipc/%.wasm: tests/kernel/ipc/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@

$(SAN)/kernel_tests: $(IPC_TEST_WASM)
