# x86_64 port of the Athanor kernel: included by mk/kernel.mk when ARCH=x86_64.
# QEMU boots the ELF directly through its multiboot loader (the multiboot
# header's address fields: QEMU does not load ELF64 multiboot images).
X86_DIR         := kernel/arch/x86_64
ARCH_TRIPLE     := x86_64-unknown-none-elf
ARCH_CFLAGS     := -mcmodel=kernel -mno-red-zone -fno-pic -fno-pie \
                   -fno-asynchronous-unwind-tables
ARCH_SRC        := $(addprefix $(X86_DIR)/,acpi.c apic.c console.c cpu.c mmu.c pci.c start.c timer.c \
                     trap.c boot.S context.S entry.S)
ARCH_LDSCRIPT   := $(X86_DIR)/kernel.ld
ARCH_LDFLAGS    := -z norelro --no-pie
ARCH_IMAGE      := $(KERNEL_ELF)
QEMU_CMD        := qemu-system-x86_64 -M q35 -m 256M -nographic -no-reboot \
                   -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel
QEMU_DEBUG_FLAGS := -s -S
# For `make iso`: the GRUB configuration (multiboot /boot/athanor.elf).
ARCH_GRUB_CFG   := $(X86_DIR)/grub.cfg
