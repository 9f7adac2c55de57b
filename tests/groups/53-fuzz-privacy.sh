#!/usr/bin/env bash
# Fuzzing the privacy parsers briefly (docs/privacy.md): the GPS driver's
# NMEA parser (fuzz_nmea: a stream fed in pieces) and the sensor broker's
# request and policy decoding (fuzz_sensors), PRIVACY_FUZZ_SECONDS
# (default 10) of libFuzzer each, from their seeds, under ASan + UBSan.
# One test per target: passes when no input crashed, hung or leaked. A
# failing input is kept as build/fuzz/<target>-crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
. tests/fuzz-brief.sh
fz=build/fuzz
pass=0
fail=0
for t in nmea sensors; do
    if ! make -s $fz/fuzz_$t >&2; then
        echo "fuzz-privacy: fuzz_$t: build failed" >&2
        echo "FAIL fuzz_$t"
        fail=$((fail + 1))
    elif fuzz_brief "fuzz-privacy: $t" fuzz_$t $t 4096 "${PRIVACY_FUZZ_SECONDS:-10}" tests/fuzz/$t-seeds; then
        echo "ok   fuzz_$t"
        pass=$((pass + 1))
    else
        echo "FAIL fuzz_$t"
        fail=$((fail + 1))
    fi
done
echo "fuzz-privacy: $pass passed, $fail failed"
[ "$fail" = 0 ]
