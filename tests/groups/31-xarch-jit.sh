#!/usr/bin/env bash
# The compiled tier's aarch64 and riscv64 back ends (src/wasm/jit_a64.c,
# src/wasm/jit_rv64.c) on this x86_64 machine: the hosted runners
# cross-built for each (mk/xarch.mk) and run under qemu-user. Per
# architecture:
#   1. the unit tests on the default tier, compiled (traps and backtraces,
#      fuel, interrupts from another thread, stack exhaustion, host calls);
#      optimised, there are no sanitizer runtimes for the targets here
#   2. the whole spec suite (core + proposals) on the compiled tier with
#      explicit bounds checks, pinned as in 30-spec; no function of the
#      tail-call and multi-memory files may be left interpreted; then the
#      engine's regressions (tests/spec/regress.wast)
#   3. the suite's memory-access files again with guard regions (an access
#      past the memory faults; the SIGSEGV handler resumes at the trap stub),
#      the SIMD ones too but simd_align (its 40 memories exhaust qemu-user's
#      -R 256G at 8 GiB each)
#   4. the differential fuzzer: the recipes of past mismatches
#      (tests/fuzz/regress-diff/), modules with explicit checks, and fewer
#      with guard regions (each costs qemu-user a slow 8 GiB mapping), and a
#      few whose function imports come from a second instance (-x: calls and
#      tail calls across instances)
# An architecture whose emulator or cross C library is missing is skipped
# with the reason (scripts/setup.sh installs them). Last line: "xarch-jit:
# P passed, F failed[, S skipped]", one count per part and architecture.
set -u
cd "$(dirname "$0")/../.." || exit 1
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { echo "xarch-jit: $*" >&2; fail=$((fail + 1)); }
declare -A pin=([core]=52799 [tail-call]=108 [extended-const]=266 [multi-memory]=867)

for arch in aarch64 riscv64; do
    echo "--- $arch" >&2
    if ! command -v "qemu-$arch" >/dev/null || [ ! -e "/usr/$arch-linux-gnu/lib/libc.so.6" ]; then
        echo "xarch-jit: $arch skipped (no qemu-$arch or $arch cross C library)"
        skip=$((skip + 1))
        continue
    fi
    q=build/$arch/q
    if ! make -s "$q/unit_tests" "$q/spec_runner" "$q/fuzz/diff_fuzz" >&2; then
        bad "$arch: cross build failed"
        continue
    fi

    # 1. unit tests
    out=$($q/unit_tests 2>&1); rc=$?
    echo "$out" | grep -E "FAIL|^unit:" | tail -5
    [ $rc -eq 0 ] && echo "$out" | grep -qE "^unit: [0-9]+ passed, 0 failed$" && ok ||
        bad "$arch: unit tests failed"

    # 2. the whole suite, explicit bounds; each group pinned (30-spec's counts)
    out=$(SPEC_RUNNER=$q/spec_runner SPEC_SHOW=${SPEC_SHOW:-5} ENGINE=compiled BOUNDS=explicit \
          bash scripts/spec.sh 2>&1); rc=$?
    echo "$out" | grep -E "^[a-z0-9_.-]+\.wast:[0-9]+: |RUNNER DIED|^group |^spec:" | tail -8
    good=1
    [ $rc -eq 0 ] || good=0
    for g in "${!pin[@]}"; do
        got=$(echo "$out" | sed -nE "s/^group $g: ([0-9]+) passed, .*/\1/p" | tail -1)
        if [ -z "$got" ] || [ "$got" -lt "${pin[$g]}" ]; then
            echo "xarch-jit: $arch: spec group $g passed ${got:-no} commands, pinned at least ${pin[$g]}" >&2
            good=0
        fi
    done
    # tail calls and multiple memories compiled: no function of their files interpreted
    read -r nc ni < <(cat build/spec/log/tail-call/*.log build/spec/log/multi-memory/*.log |
        sed -nE 's/.*functions by tier: ([0-9]+) compiled, ([0-9]+) interpreted$/\1 \2/p' |
        awk '{c += $1; i += $2; n++} END {print (n ? c : "none"), (n ? i : "none")}')
    echo "$arch: tail-call and multi-memory functions: $nc compiled, $ni interpreted"
    if [ "$ni" != 0 ] || [ "$nc" = none ] || [ "$nc" -lt 200 ]; then
        echo "xarch-jit: $arch: tail-call/multi-memory functions fell back to the interpreter" >&2
        good=0
    fi
    [ $good = 1 ] && ok || bad "$arch: spec suite (explicit bounds) failed"

    # 2b. the engine's regressions (tests/spec/regress.wast), compiled
    mkdir -p build/spec/selftest
    out=$(wast2json --enable-tail-call tests/spec/regress.wast -o build/spec/selftest/regress-$arch.json &&
          $q/spec_runner --engine=compiled build/spec/selftest/regress-$arch.json 2>&1)
    echo "$out" | tail -1
    echo "$out" | tail -1 | grep -qE '^regress.wast: [1-9][0-9]* passed, 0 failed, 0 skipped$' && ok ||
        bad "$arch: regress.wast failed"

    # 3. memory accesses with guard regions
    out=$(SPEC_RUNNER=$q/spec_runner ENGINE=compiled bash scripts/spec.sh address align \
          float_memory load memory memory_grow memory_redundancy memory_trap store \
          simd_address simd_load simd_store simd_load_splat simd_load_zero simd_load_extend \
          simd_load8_lane simd_load16_lane simd_load32_lane simd_load64_lane simd_store8_lane \
          simd_store16_lane simd_store32_lane simd_store64_lane 2>&1); rc=$?
    echo "$out" | tail -1
    [ $rc -eq 0 ] && ok || bad "$arch: spec memory files (guard regions) failed"

    # 4. differential fuzzing
    for run in "-b $(echo tests/fuzz/regress-diff/*.bin)" "-n 1500 -s 21 -b" "-n 10 -s 22" \
               "-x -n 200 -s 23 -b"; do
        out=$($q/fuzz/diff_fuzz -q $run 2>&1); rc=$?
        echo "$out" | tail -2
        # the back end must have compiled most functions, or agreeing proves little
        read -r nc ni < <(echo "$out" |
            sed -nE 's/^diff-fuzz: ([0-9]+) functions compiled, ([0-9]+) interpreted.*/\1 \2/p')
        if [ $rc -eq 0 ] && echo "$out" | grep -q ", 0 mismatches$" && [ "${nc:-0}" -gt "${ni:-0}" ]; then
            ok
        else
            bad "$arch: diff-fuzz $run: mismatches, or too few functions compiled (${nc:-?} vs ${ni:-?})"
        fi
    done
done
line="xarch-jit: $pass passed, $fail failed"
[ $skip -gt 0 ] && line="$line, $skip skipped"
echo "$line"
[ $fail -eq 0 ]
