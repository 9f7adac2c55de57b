# Driver domains (kernel/modules/drivers/): the serial console drivers,
# C compiled to wasm32 by the kernel.mk module rule, in the boot image
# (BOOT_MODULES in mk/kernel.mk names them; kernel/modules/manifest.txt
# grants them their devices).
#   make modules && wasm-objdump -x build/modules/drivers/uart16550.wasm
DRIVERS_HDR := kernel/modules/drivers/athanor_dev.h

$(BUILD)/modules/drivers/uart16550.wasm $(BUILD)/modules/drivers/pl011.wasm: $(DRIVERS_HDR)
