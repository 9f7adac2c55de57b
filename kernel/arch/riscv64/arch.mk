# riscv64 port of the Athanor kernel: QEMU virt, S-mode under OpenSBI.
# Included by mk/kernel.mk when ARCH=riscv64.

ARCH_TRIPLE   := riscv64-unknown-none-elf
# Hard float (the engine uses float and double); -mno-relax because lld and
# the higher-half layout do not want gp-relative relaxation.
ARCH_CFLAGS   := -mcmodel=medany -march=rv64gc -mabi=lp64d -mno-relax
RV64_DIR      := kernel/arch/riscv64
ARCH_NO_PORT_IO := 1
ARCH_SRC      := $(RV64_DIR)/entry.S $(RV64_DIR)/trapvec.S $(RV64_DIR)/boot.c \
                 $(RV64_DIR)/fdt.c $(RV64_DIR)/console.c $(RV64_DIR)/cpu.c \
                 $(RV64_DIR)/mmu.c $(RV64_DIR)/irq.c $(RV64_DIR)/timer.c \
                 $(RV64_DIR)/context.S
ARCH_LDSCRIPT := $(RV64_DIR)/kernel.ld
ARCH_LDFLAGS  := --no-pie
# QEMU loads the ELF at its physical (LMA) addresses and enters at the lowest one.
ARCH_IMAGE    := $(KERNEL_ELF)
QEMU_CMD      := qemu-system-riscv64 -M virt -m 256M -smp 1 -nographic -no-reboot -bios default -kernel
QEMU_DEBUG_FLAGS := -s -S
