#!/usr/bin/env bash
# Host tests of portable kernel code (ASan + UBSan): capabilities (unit and
# property tests against a reference model), IPC, supervision, devices
# (build/san/kernel_tests) and the scheduler on a fake clock
# (build/san/sched_tests). Last line: "kernel-host: P passed, F failed".
set -u
cd "$(dirname "$0")/../.."
make -s build/san/kernel_tests build/san/sched_tests >&2 || { echo "kernel-host: 0 passed, 1 failed"; exit 1; }
P=0 F=0
for t in build/san/kernel_tests build/san/sched_tests; do
    out=$($t)
    st=$?
    echo "$out" | sed '$d'
    last=$(echo "$out" | tail -1)
    echo "$last" >&2
    if [[ $last =~ :\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        P=$((P + BASH_REMATCH[1])) F=$((F + BASH_REMATCH[2]))
        [ $st -ne 0 ] && [ "${BASH_REMATCH[2]}" = 0 ] && F=$((F + 1))
    else
        echo "kernel-host: $t printed no summary (status $st)" >&2
        F=$((F + 1))
    fi
done
echo "kernel-host: $P passed, $F failed"
[ $F -eq 0 ]
