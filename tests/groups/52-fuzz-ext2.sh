#!/usr/bin/env bash
# Fuzzing the ext2 reader, briefly: its seed images once, then
# EXT2_FUZZ_SECONDS (default 20) of libFuzzer on mutated images under
# ASan + UBSan. One test: passes when no input crashed, hung or leaked. A
# failing input is kept as build/fuzz/ext2-crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
fz=build/fuzz
secs=${EXT2_FUZZ_SECONDS:-20}
if ! make -s $fz/fuzz_ext2 $fz/ext2-seeds/stamp >&2; then
    echo "fuzz-ext2: build failed" >&2
    echo "fuzz-ext2: 0 passed, 1 failed"
    exit 1
fi
mkdir -p $fz/ext2-corpus
before=$(ls $fz | grep -E '^ext2-(crash|leak|timeout|oom|slow-unit)-' | sort)
if $fz/fuzz_ext2 -max_len=262272 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$fz/ext2- \
       -max_total_time="$secs" -print_final_stats=1 $fz/ext2-corpus $fz/ext2-seeds \
       >$fz/ext2.log 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' $fz/ext2.log | sed 's/^/fuzz-ext2: /' >&2
    echo "fuzz-ext2: 1 passed, 0 failed"
    exit 0
fi
tail -n 40 $fz/ext2.log >&2
for f in $(comm -13 <(echo "$before") <(ls $fz | grep -E '^ext2-(crash|leak|timeout|oom|slow-unit)-' | sort)); do
    echo "fuzz-ext2: failing input kept as $fz/$f; replay with: $fz/fuzz_ext2 $fz/$f" >&2
done
echo "fuzz-ext2: 0 passed, 1 failed"
exit 1
