#!/usr/bin/env bash
# Fuzzing the display's files for WASI programs (user/services/display/
# files.c: the PPM header and pixels, the handle table, badges), briefly:
# the seeds (build/fuzz/dispfiles-seeds, valid and invalid PPM streams and
# the protocol around them) and the regression inputs
# (tests/fuzz/dispfiles-regress), then DISPFILES_FUZZ_SECONDS (default 10)
# of libFuzzer under ASan + UBSan, every call checked against the
# harness's model (tests/fuzz/fuzz_dispfiles.c). One test: passes when no
# input crashed, hung, leaked or broke the model. A failing input is kept
# as build/fuzz/dispfiles-crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
fz=build/fuzz
secs=${DISPFILES_FUZZ_SECONDS:-10}
if ! make -s $fz/fuzz_dispfiles $fz/dispfiles-seeds/stamp >&2; then
    echo "fuzz-dispfiles: build failed" >&2
    echo "fuzz-dispfiles: 0 passed, 1 failed"
    exit 1
fi
mkdir -p $fz/dispfiles-corpus
regress=()
[ -d tests/fuzz/dispfiles-regress ] && regress=(tests/fuzz/dispfiles-regress)
before=$(ls $fz | grep -E '^dispfiles-(crash|leak|timeout|oom|slow-unit)-' | sort)
if $fz/fuzz_dispfiles -max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$fz/dispfiles- \
       -max_total_time="$secs" -print_final_stats=1 $fz/dispfiles-corpus $fz/dispfiles-seeds \
       "${regress[@]}" >$fz/dispfiles.log 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' $fz/dispfiles.log | sed 's/^/fuzz-dispfiles: /' >&2
    echo "fuzz-dispfiles: 1 passed, 0 failed"
    exit 0
fi
tail -n 40 $fz/dispfiles.log >&2
for f in $(comm -13 <(echo "$before") <(ls $fz | grep -E '^dispfiles-(crash|leak|timeout|oom|slow-unit)-' | sort)); do
    echo "fuzz-dispfiles: failing input kept as $fz/$f; replay with: $fz/fuzz_dispfiles $fz/$f" >&2
done
echo "fuzz-dispfiles: 0 passed, 1 failed"
exit 1
