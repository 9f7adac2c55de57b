# riscv64 port of the Athanor kernel: QEMU virt, S-mode under OpenSBI.
# Included by mk/kernel.mk when ARCH=riscv64.

ARCH_TRIPLE   := riscv64-unknown-none-elf
# Hard float (the engine uses float and double); -mno-relax because lld and
# the higher-half layout do not want gp-relative relaxation. -fno-math-errno:
# sqrt/sqrtf become fsqrt instructions instead of calls to a libm we lack.
ARCH_CFLAGS   := -mcmodel=medany -march=rv64gc -mabi=lp64d -mno-relax -fno-math-errno
ARCH_DIR      := kernel/arch/riscv64
ARCH_SRC      := $(ARCH_DIR)/entry.S $(ARCH_DIR)/trapvec.S $(ARCH_DIR)/boot.c \
                 $(ARCH_DIR)/fdt.c $(ARCH_DIR)/console.c $(ARCH_DIR)/cpu.c \
                 $(ARCH_DIR)/mmu.c $(ARCH_DIR)/irq.c $(ARCH_DIR)/timer.c
ARCH_LDSCRIPT := $(ARCH_DIR)/kernel.ld
# QEMU loads the ELF at its physical (LMA) addresses and enters at the lowest one.
ARCH_IMAGE    := build/kernel/riscv64/athanor.elf
QEMU_CMD      := qemu-system-riscv64 -M virt -m 256M -smp 1 -nographic -no-reboot -bios default -kernel
QEMU_DEBUG_FLAGS := -s -S
