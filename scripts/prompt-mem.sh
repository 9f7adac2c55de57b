#!/usr/bin/env bash
# Memory in use at the prompt (docs/boot.md, "Size"): boots the product
# kernel of each architecture named (default all three) with `make run`'s
# devices, waits for the prompt, types `mem` and prints the kernel's
# ready line and the shell's answer. Usage: bash scripts/prompt-mem.sh [ARCH...]
set -u
cd "$(dirname "$0")/.."
OUT=build/prompt-mem
WAIT=${SHELL_WAIT:-90}
mkdir -p "$OUT"
. tests/qemu-serial.sh
for a in ${*:-x86_64 aarch64 riscv64}; do
    make -s ARCH="$a" kernel disk >/dev/null || { echo "$a: build failed"; continue; }
    cp "$(make -s print-disk)" "$OUT/$a-disk.img"
    cmd="$(make -s ARCH="$a" print-run) $(make -s ARCH="$a" print-run-devs DISK_IMG="$OUT/$a-disk.img")"
    start_qemu "$OUT/$a.log" $cmd
    if wait_prompt 0 && type_cmd 'ps\r' && cp "$OUT/last" "$OUT/$a-ps.txt" && type_cmd 'mem\r'; then
        echo "== $a: $(tr -d '\r' <"$LOG" | grep -Eo '^athanor: shell ready in [0-9]+ ms$')"
        grep -v '^azoth\$' "$OUT/last" | sed 1d
    else
        echo "== $a: no prompt or no answer (log $OUT/$a.log)"
    fi
    printf 'poweroff\r' >&3
    stop_qemu
done
