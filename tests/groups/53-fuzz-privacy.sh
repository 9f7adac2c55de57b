#!/usr/bin/env bash
# Fuzzing the privacy parsers briefly (docs/privacy.md): the GPS driver's
# NMEA parser (fuzz_nmea: a stream fed in pieces) and the sensor broker's
# request and policy decoding (fuzz_sensors), PRIVACY_FUZZ_SECONDS
# (default 10) of libFuzzer each, from their seeds, under ASan + UBSan.
# One test per target: passes when no input crashed, hung or leaked. A
# failing input is kept as build/fuzz/<target>-crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
fz=build/fuzz
secs=${PRIVACY_FUZZ_SECONDS:-10}
pass=0
fail=0
for t in nmea sensors; do
    if ! make -s $fz/fuzz_$t >&2; then
        echo "fuzz-privacy: fuzz_$t: build failed" >&2
        fail=$((fail + 1))
        continue
    fi
    mkdir -p $fz/$t-corpus
    before=$(ls $fz | grep -E "^$t-(crash|leak|timeout|oom|slow-unit)-" | sort)
    if $fz/fuzz_$t -max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$fz/$t- \
           -max_total_time="$secs" -print_final_stats=1 $fz/$t-corpus tests/fuzz/$t-seeds \
           >$fz/$t.log 2>&1; then
        grep -E '^#[0-9]+[[:space:]]+DONE' $fz/$t.log | sed "s/^/fuzz-privacy: $t: /" >&2
        echo "ok   fuzz_$t"
        pass=$((pass + 1))
        continue
    fi
    tail -n 40 $fz/$t.log >&2
    for f in $(comm -13 <(echo "$before") <(ls $fz | grep -E "^$t-(crash|leak|timeout|oom|slow-unit)-" | sort)); do
        echo "fuzz-privacy: failing input kept as $fz/$f; replay with: $fz/fuzz_$t $fz/$f" >&2
    done
    echo "FAIL fuzz_$t"
    fail=$((fail + 1))
done
echo "fuzz-privacy: $pass passed, $fail failed"
[ "$fail" = 0 ]
