# The hosted port: the kernel as a Linux process (testing aid, no QEMU).
#   make ARCH=hosted KTEST=1 kernel && build/kernel/hosted-test/athanor.elf
ARCH_TRIPLE   := x86_64-linux-gnu
ARCH_CFLAGS   := -fno-pie
ARCH_NO_PORT_IO := 1
ARCH_SRC      := $(KARCH)/hosted.c $(KARCH)/context.S
ARCH_LDSCRIPT :=
ARCH_IMAGE    := $(KERNEL_ELF)
ARCH_LINK      = clang -no-pie -o $@ $(KOBJ)
QEMU_CMD      :=
# The port's own file needs libc headers; the core keeps -nostdlibinc.
ARCH_PORT_CFLAGS = $(filter-out -nostdlibinc -ffreestanding,$(KCFLAGS)) -D_GNU_SOURCE
