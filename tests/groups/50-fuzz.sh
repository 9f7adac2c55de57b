#!/usr/bin/env bash
# Fuzzing, briefly: every seed once, then about FUZZ_GROUP_SECONDS (default
# 50) of libFuzzer. One test: passes when no input crashed, hung or leaked.
# A failing input is kept as build/fuzz/crash-* (or leak-*, timeout-*, oom-*)
# and the command that replays it is printed.
set -u
cd "$(dirname "$0")/../.."
fz=build/fuzz
secs=${FUZZ_GROUP_SECONDS:-50}
flags=(-max_len=65536 -timeout=10 -rss_limit_mb=4096 -artifact_prefix=$fz/)

fail() {
    echo "fuzz: $1" >&2
    echo "fuzz: 0 passed, 1 failed"
    exit 1
}

make -s $fz/fuzz_wasm $fz/seeds.stamp >&2 || fail "build failed"
mkdir -p $fz/corpus
before=$(ls $fz | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sort)

# Every seed once: a crash here is a regression on a known-good module.
if ! $fz/fuzz_wasm "${flags[@]}" -runs=0 $fz/seeds >$fz/seeds.log 2>&1; then
    tail -n 40 $fz/seeds.log >&2
    status=seeds
else
    echo "fuzz: $(ls $fz/seeds | wc -l) seeds ran clean" >&2
    $fz/fuzz_wasm "${flags[@]}" -max_total_time="$secs" -print_final_stats=1 \
        $fz/corpus $fz/seeds >$fz/fuzz.log 2>&1
    st=$?
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' $fz/fuzz.log >&2
    [ $st -eq 0 ] && status=ok || { tail -n 60 $fz/fuzz.log >&2; status=fuzz; }
fi

if [ "$status" = ok ]; then
    echo "fuzz: 1 passed, 0 failed"
    exit 0
fi
new=$(comm -13 <(echo "$before") <(ls $fz | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sort))
for f in $new; do
    echo "fuzz: failing input kept as $fz/$f; replay with: $fz/fuzz_wasm $fz/$f" >&2
done
[ -n "$new" ] || echo "fuzz: no input saved; see $fz/$status.log" >&2
echo "fuzz: 0 passed, 1 failed"
exit 1
