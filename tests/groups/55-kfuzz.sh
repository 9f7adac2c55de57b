#!/usr/bin/env bash
# Kernel fuzzing, briefly (issue 5 item 7): the manifest parser (its seeds
# once, then KFUZZ_GROUP_SECONDS, default 20) and the host-call ABI (the
# same), under ASan + UBSan with a kernel-allocation leak check. Two tests;
# a failing input is kept as build/kfuzz/crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
kf=build/kfuzz
secs=${KFUZZ_GROUP_SECONDS:-20}
flags=(-timeout=10 -rss_limit_mb=4096 -artifact_prefix=$kf/ -print_final_stats=1
       -max_total_time="$secs")
if ! make -s $kf/fuzz_manifest $kf/fuzz_hostcall $kf/seeds.stamp >&2; then
    echo "kfuzz: build failed" >&2
    echo "kfuzz: 0 passed, 2 failed"
    exit 1
fi
pass=0 fail=0
run() {   # name, binary, args...
    local name=$1 bin=$2
    shift 2
    local before
    before=$(ls $kf | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sort)
    if "$bin" "${flags[@]}" "$@" >$kf/$name.log 2>&1; then
        grep -E '^#[0-9]+[[:space:]]+DONE' $kf/$name.log | sed "s/^/kfuzz: $name: /" >&2
        pass=$((pass + 1))
    else
        tail -n 40 $kf/$name.log >&2
        for f in $(comm -13 <(echo "$before") <(ls $kf | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | sort)); do
            echo "kfuzz: $name: failing input kept as $kf/$f; replay with: $bin $kf/$f" >&2
        done
        fail=$((fail + 1))
    fi
}
run manifest $kf/fuzz_manifest -max_len=4096 $kf/corpus/manifest $kf/seeds/manifest
run hostcall $kf/fuzz_hostcall -max_len=2048 $kf/corpus/hostcall tests/kfuzz/regress
echo "kfuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
