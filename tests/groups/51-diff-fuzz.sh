#!/usr/bin/env bash
# Differential fuzzing, briefly: generated modules (tests/fuzz/gen.c) run on
# the compiled tier and the interpreter must agree on every result, trap,
# fuel count, memory byte and global (tests/fuzz/diff.c). The recipes of
# past mismatches (tests/fuzz/regress-diff/), 150 modules under ASan +
# UBSan, then 1500 on the optimised build, then 300 whose function imports
# come from a second instance of the module (-x: calls and tail calls across
# instances), then 300 under qemu-x86_64 -cpu qemu64 (the SSE2-only forms
# of the SIMD back end); `make diff-fuzz` runs long campaigns. Skipped where
# the host has no compiled tier.
set -u
cd "$(dirname "$0")/../.."
make -s build/fuzz/diff_fuzz build/fuzz/diff_fuzz_san >&2 ||
    { echo "diff-fuzz: 0 passed, 1 failed"; exit 1; }
pass=0 fail=0
# The x86_64 back end's SSE2-only forms (no SSSE3, no SSE4.1: QEMU's qemu64
# CPU, as the kernel's x86_64 port runs on): 300 modules on the optimised
# build under qemu-x86_64, explicit bounds checks (each guard region costs
# qemu-user a slow 8 GiB mapping).
sse2=()
if [ "$(uname -m)" = x86_64 ] && command -v qemu-x86_64 >/dev/null; then
    sse2=("qemu-x86_64 -cpu qemu64 build/fuzz/diff_fuzz -q -b -n 300 -s 14")
else
    echo "diff-fuzz: the SSE2-only run skipped (no qemu-x86_64 on an x86_64 host)"
fi
for run in "build/fuzz/diff_fuzz_san -q $(echo tests/fuzz/regress-diff/*.bin)" \
           "build/fuzz/diff_fuzz_san -q -n 150 -s 11" "build/fuzz/diff_fuzz -q -n 1500 -s 12" \
           "build/fuzz/diff_fuzz -q -x -n 300 -s 13" "${sse2[@]}"; do
    out=$($run 2>&1); rc=$?
    echo "$out" | tail -5
    if echo "$out" | grep -q "no compiled tier"; then
        echo "diff-fuzz: 0 passed, 0 failed, 1 skipped (no compiled tier on this host)"
        exit 0
    fi
    # -x: imports must have crossed to the peer instance, or it tested nothing more
    xl=$(echo "$out" | sed -nE 's/^diff-fuzz: ([0-9]+) function imports linked.*/\1/p')
    if [[ $run == *" -x "* ]] && [ "${xl:-0}" -lt 20 ]; then
        echo "diff-fuzz: -x linked ${xl:-no} imports to a second instance" >&2
        rc=1
    fi
    if [ $rc -eq 0 ] && echo "$out" | grep -q ", 0 mismatches$"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
done
echo "diff-fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
