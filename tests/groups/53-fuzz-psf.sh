#!/usr/bin/env bash
# Fuzzing the PSF font parser (sdk/lib/psf.c), briefly: a few seed fonts, then
# PSF_FUZZ_SECONDS (default 10) of libFuzzer on mutated fonts under
# ASan + UBSan. One test: passes when no input crashed, hung or leaked. A
# failing input is kept as build/fuzz/psf-crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
fz=build/fuzz
secs=${PSF_FUZZ_SECONDS:-10}
if ! make -s $fz/fuzz_psf $fz/psf-seeds/stamp >&2; then
    echo "fuzz-psf: build failed" >&2
    echo "fuzz-psf: 0 passed, 1 failed"
    exit 1
fi
mkdir -p $fz/psf-corpus
before=$(ls $fz | grep -E '^psf-(crash|leak|timeout|oom|slow-unit)-' | sort)
if $fz/fuzz_psf -max_len=65536 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$fz/psf- \
       -max_total_time="$secs" -print_final_stats=1 $fz/psf-corpus $fz/psf-seeds \
       >$fz/psf.log 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' $fz/psf.log | sed 's/^/fuzz-psf: /' >&2
    echo "fuzz-psf: 1 passed, 0 failed"
    exit 0
fi
tail -n 40 $fz/psf.log >&2
for f in $(comm -13 <(echo "$before") <(ls $fz | grep -E '^psf-(crash|leak|timeout|oom|slow-unit)-' | sort)); do
    echo "fuzz-psf: failing input kept as $fz/$f; replay with: $fz/fuzz_psf $fz/$f" >&2
done
echo "fuzz-psf: 0 passed, 1 failed"
exit 1
