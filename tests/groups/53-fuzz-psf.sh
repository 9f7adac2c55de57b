#!/usr/bin/env bash
# Fuzzing the PSF font parser (sdk/lib/psf.c), briefly: a few seed fonts, then
# PSF_FUZZ_SECONDS (default 10) of libFuzzer on mutated fonts under
# ASan + UBSan. One test: passes when no input crashed, hung or leaked. A
# failing input is kept as build/fuzz/psf-crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
. tests/fuzz-brief.sh
fz=build/fuzz
if ! make -s $fz/fuzz_psf $fz/psf-seeds/stamp >&2; then
    echo "fuzz-psf: build failed" >&2
elif fuzz_brief fuzz-psf fuzz_psf psf 65536 "${PSF_FUZZ_SECONDS:-10}" $fz/psf-seeds; then
    echo "fuzz-psf: 1 passed, 0 failed"
    exit 0
fi
echo "fuzz-psf: 0 passed, 1 failed"
exit 1
