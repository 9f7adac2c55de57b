#!/usr/bin/env bash
# The compiled tier's bench inside the kernel (make bench-jit-qemu,
# docs/compiler.md): one boot of the test kernel with athanor.bench-jit
# (load speed of both tiers over the boot image's modules, prime_sum on
# both, the deepest recursion on a driver's stack), then boot-to-init: the
# "booted in N ms" line of JIT_BOOTS boots per tier, alternating
# (athanor.engine=compiled / interp; athanor.bench-boot powers off right
# after init), and the median per tier. Arguments: the QEMU command and image.
set -u
boots=${JIT_BOOTS:-5}
run() { timeout -k 5 300 "$@" </dev/null 2>&1 | tr -d '\r'; }
run "$@" -append athanor.bench-jit | grep -E '^jit|FAILED|^panic'
declare -A ms
for i in $(seq "$boots"); do
    for e in compiled interp; do
        t=$(run "$@" -append "athanor.engine=$e athanor.bench-boot" |
            sed -nE 's/^athanor [0-9.]+ [a-z0-9_]+: booted in ([0-9]+) ms.*/\1/p')
        ms[$e]="${ms[$e]:-} ${t:-?}"
    done
done
for e in compiled interp; do
    med=$(echo ${ms[$e]} | tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '{a[NR]=$1} END {print NR ? a[int((NR+1)/2)] : "?"}')
    echo "jit: boot to init, athanor.engine=$e: median $med ms of $(echo ${ms[$e]} | sed 's/ /, /g') ms"
done
