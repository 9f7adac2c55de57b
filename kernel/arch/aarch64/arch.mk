# aarch64 port of the Athanor kernel: QEMU virt, EL1, GICv2, generic timer,
# PSCI. Included by mk/kernel.mk when ARCH=aarch64.
A64_DIR          := kernel/arch/aarch64
ARCH_TRIPLE      := aarch64-unknown-none-elf
# FP/SIMD stays on (the engine uses float and double; the vectors save
# q0-q31). Small code model: the image and its data are within 4 GiB.
ARCH_CFLAGS      := -mcpu=cortex-a72 -fno-pic -fno-pie -fno-asynchronous-unwind-tables \
                    -mno-outline-atomics
ARCH_NO_PORT_IO := 1
ARCH_SRC         := $(A64_DIR)/entry.S $(A64_DIR)/vectors.S $(A64_DIR)/boot.c \
                    $(A64_DIR)/fdt.c $(A64_DIR)/console.c $(A64_DIR)/cpu.c \
                    $(A64_DIR)/trap.c $(A64_DIR)/mmu.c $(A64_DIR)/gic.c $(A64_DIR)/timer.c \
                    $(A64_DIR)/context.S
ARCH_LDSCRIPT    := $(A64_DIR)/kernel.ld
ARCH_LDFLAGS     := -z max-page-size=4096 -z norelro --no-pie
# QEMU loads the ELF at its physical (LMA) addresses and jumps to its
# entry (the physical address of _start), the DTB at the start of RAM.
ARCH_IMAGE        = $(KERNEL_ELF)
QEMU_CMD         := qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a72 -m 256M \
                    -nographic -no-reboot -kernel
QEMU_DEBUG_FLAGS := -s -S
