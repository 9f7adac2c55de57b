#!/bin/sh
# Throwaway: builds the port with a few core files and standalone_main.c.
set -e
cd "$(dirname "$0")/../../.."
O=build/a64sa; mkdir -p $O
CF="--target=aarch64-unknown-none-elf -ffreestanding -nostdlib -nostdlibinc -fno-stack-protector -fno-omit-frame-pointer -O2 -g -Wall -Wextra -Werror -std=c11 -mcpu=cortex-a72 -fno-pic -fno-pie -fno-asynchronous-unwind-tables -Ikernel/include -Ikernel/arch/aarch64/include -Iinclude -Isrc/wasm -DA64_STANDALONE"
OBJS=
for f in kernel/arch/aarch64/*.c kernel/arch/aarch64/*.S kernel/core/printk.c kernel/core/pmm.c kernel/core/klib.c kernel/core/panic.c kernel/core/trap.c kernel/core/irq.c kernel/core/time.c; do
  o=$O/$(echo $f | tr / _).o
  clang $CF -c $f -o $o
  OBJS="$OBJS $o"
done
ld.lld -T kernel/arch/aarch64/kernel.ld -z max-page-size=4096 -z norelro --no-pie -o $O/athanor.elf $OBJS
echo built $O/athanor.elf
