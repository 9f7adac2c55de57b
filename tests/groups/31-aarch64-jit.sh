#!/usr/bin/env bash
# The compiled tier's aarch64 back end (src/wasm/jit_a64.c) on this x86_64
# machine: the hosted runners cross-built for aarch64 (mk/xarch.mk) and run
# under qemu-aarch64.
#   1. the unit tests on the default tier, compiled (traps and backtraces,
#      fuel, interrupts from another thread, stack exhaustion, host calls);
#      optimised, there are no aarch64 sanitizer runtimes here
#   2. the whole spec suite (core + proposals) on the compiled tier with
#      explicit bounds checks, pinned as in 30-spec
#   3. the suite's memory-access files again with guard regions (an access
#      past the memory faults; the SIGSEGV handler resumes at the trap stub)
#   4. the differential fuzzer: modules with explicit checks, and fewer with
#      guard regions (each costs qemu-user a slow 8 GiB mapping)
# Skipped, with the reason, where qemu-aarch64 or the cross C library is
# missing (scripts/setup.sh installs both). Last line: "aarch64-jit: P
# passed, F failed[, S skipped]", one count per part.
set -u
cd "$(dirname "$0")/../.." || exit 1

if ! command -v qemu-aarch64 >/dev/null || [ ! -e /usr/aarch64-linux-gnu/lib/libc.so.6 ]; then
    echo "aarch64-jit: 0 passed, 0 failed, 1 skipped (no qemu-aarch64 or arm64 cross libc)"
    exit 0
fi
q=build/aarch64/q
make -s $q/unit_tests $q/spec_runner $q/fuzz/diff_fuzz >&2 ||
    { echo "aarch64-jit: 0 passed, 1 failed (cross build)"; exit 1; }
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "aarch64-jit: $*" >&2; fail=$((fail + 1)); }

# 1. unit tests
out=$($q/unit_tests 2>&1); rc=$?
echo "$out" | grep -E "FAIL|^unit:" | tail -5
[ $rc -eq 0 ] && echo "$out" | grep -qE "^unit: [0-9]+ passed, 0 failed$" && ok || bad "unit tests failed"

# 2. the whole suite, explicit bounds; each group pinned (30-spec's counts)
declare -A pin=([core]=52799 [tail-call]=108 [extended-const]=266 [multi-memory]=867)
out=$(SPEC_RUNNER=$q/spec_runner SPEC_SHOW=${SPEC_SHOW:-5} ENGINE=compiled BOUNDS=explicit \
      bash scripts/spec.sh 2>&1); rc=$?
echo "$out" | grep -vE ", 0 failed, [0-9]+ skipped$|^SKIP|^  [0-9]+ text-format" | tail -12
good=1
[ $rc -eq 0 ] || good=0
for g in "${!pin[@]}"; do
    got=$(echo "$out" | sed -nE "s/^group $g: ([0-9]+) passed, .*/\1/p" | tail -1)
    if [ -z "$got" ] || [ "$got" -lt "${pin[$g]}" ]; then
        echo "aarch64-jit: spec group $g passed ${got:-no} commands, pinned at least ${pin[$g]}" >&2
        good=0
    fi
done
[ $good = 1 ] && ok || bad "spec suite (explicit bounds) failed"

# 3. memory accesses with guard regions
out=$(SPEC_RUNNER=$q/spec_runner ENGINE=compiled bash scripts/spec.sh address align \
      float_memory load memory memory_grow memory_redundancy memory_trap store 2>&1); rc=$?
echo "$out" | tail -1
[ $rc -eq 0 ] && ok || bad "spec memory files (guard regions) failed"

# 4. differential fuzzing
for run in "-n 1500 -s 21 -b" "-n 10 -s 22"; do
    out=$($q/fuzz/diff_fuzz $run -q 2>&1); rc=$?
    echo "$out" | tail -2
    # the back end must have compiled most functions, or agreeing proves little
    read -r nc ni < <(echo "$out" | sed -nE 's/^diff-fuzz: ([0-9]+) functions compiled, ([0-9]+) interpreted.*/\1 \2/p')
    if [ $rc -eq 0 ] && echo "$out" | grep -q ", 0 mismatches$" && [ "${nc:-0}" -gt "${ni:-0}" ]; then
        ok
    else
        bad "diff-fuzz $run: mismatches, or too few functions compiled (${nc:-?} vs ${ni:-?})"
    fi
done
echo "aarch64-jit: $pass passed, $fail failed"
[ $fail -eq 0 ]
