#!/usr/bin/env bash
# Fault injection, a small campaign (FAULTS_N, default 2000 injections) into
# the driver domain through the kernel's supervisor (docs/faults-injection.md),
# then a smaller one (FAULTS_CK_N, default 300) with the driver's self-checks
# on. Passes when the campaign ran, trapped and restarted at least once and
# crashed the kernel zero times; and when the self-checks caught more than
# half of the faults that gave wrong answers without them. Then the same
# campaign inside a test kernel in QEMU on each architecture (FAULTS_QEMU_N,
# default 300; FAULTS_ARCHS, default all three): the kernel's own supervisor
# thread, scheduler and page tables; it passes when the kernel printed its
# summary line, trapped and restarted at least once, and gave back every
# frame and heap object ("faults: ok").
set -u
cd "$(dirname "$0")/../.."
n=${FAULTS_N:-2000}
nck=${FAULTS_CK_N:-300}
pass=0
fail=0
bad() { echo "faults: $1" >&2; fail=$((fail + 1)); }
make -s build/faults/faults build/faults/blkdrv.wasm build/faults/blkdrv_ck.wasm >&2 ||
    { echo "faults: build failed" >&2; echo "faults: 0 passed, 5 failed"; exit 1; }
re="faults: ([0-9]+) injected, 0 kernel crashes, ([0-9]+) traps, ([0-9]+) restarts, recovery p50 [0-9.]+ us p99 [0-9.]+ us$"

out=$(build/faults/faults -m build/faults/blkdrv.wasm -n "$n" -s "${FAULTS_SEED:-1}")
st=$?
echo "$out" >&2
line=$(echo "$out" | tail -n 1)
if [[ $st -ne 0 || ! $line =~ ^$re || ${BASH_REMATCH[1]} != "$n" ]]; then
    bad "campaign failed (status $st)"
elif [ "${BASH_REMATCH[2]}" -eq 0 ] || [ "${BASH_REMATCH[3]}" -eq 0 ]; then
    bad "no trap or no restart in $n injections"
else
    pass=$((pass + 1))
fi

out=$(build/faults/faults -m build/faults/blkdrv.wasm -C build/faults/blkdrv_ck.wasm -n "$nck" \
      -s "${FAULTS_SEED:-1}" 2>&1)
st=$?
echo "$out" | grep -E '^faults: (self-checks|totals|[0-9]+ injected)' >&2
ck='self-checks: of ([0-9]+) faults that gave wrong answers without them, ([0-9]+) were caught'
if [[ $st -ne 0 || ! $(echo "$out" | tail -n 1) =~ ^$re ]]; then
    bad "campaign with self-checks failed (status $st)"
elif [[ ! $out =~ $ck ]] || [ $((BASH_REMATCH[2] * 2)) -le "${BASH_REMATCH[1]}" ]; then
    bad "the self-checks caught half of the wrong answers or fewer"
else
    pass=$((pass + 1))
fi
qn=${FAULTS_QEMU_N:-300}
for arch in ${FAULTS_ARCHS:-x86_64 aarch64 riscv64}; do
    out=$(make -s faults ARCH="$arch" N="$qn" FAULTS_SEED="${FAULTS_SEED:-1}" 2>&1)
    st=$?
    echo "$out" | sed "s/^/$arch: /" >&2
    line=$(echo "$out" | grep -E "^$re" | tail -n 1)
    if [[ $st -ne 0 || ! $line =~ ^$re || ${BASH_REMATCH[1]} != "$qn" ]]; then
        bad "$arch: campaign in QEMU failed (status $st)"
    elif [ "${BASH_REMATCH[2]}" -eq 0 ] || [ "${BASH_REMATCH[3]}" -eq 0 ]; then
        bad "$arch: no trap or no restart in $qn injections in QEMU"
    else
        pass=$((pass + 1))
    fi
done
echo "faults: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
