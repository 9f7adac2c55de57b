#!/usr/bin/env bash
# Fault injection, a small campaign (FAULTS_N, default 2000 injections) into
# the driver domain (docs/faults-injection.md). One test: passes when the
# campaign ran, trapped at least once and crashed the kernel zero times.
set -u
cd "$(dirname "$0")/../.."
n=${FAULTS_N:-2000}
fail() {
    echo "faults: $1" >&2
    echo "faults: 0 passed, 1 failed"
    exit 1
}
make -s build/faults/faults build/faults/blkdrv.wasm >&2 || fail "build failed"
out=$(build/faults/faults -m build/faults/blkdrv.wasm -n "$n" -s "${FAULTS_SEED:-1}")
st=$?
echo "$out" >&2
re="^faults: $n injected, 0 kernel crashes, ([0-9]+) traps, ([0-9]+) restarts, recovery p50 [0-9.]+ us p99 [0-9.]+ us$"
line=$(echo "$out" | tail -n 1)
[[ $st -eq 0 && $line =~ $re ]] || fail "campaign failed (status $st)"
[ "${BASH_REMATCH[1]}" -gt 0 ] || fail "no trap in $n injections: the model injects nothing"
echo "faults: 1 passed, 0 failed"
