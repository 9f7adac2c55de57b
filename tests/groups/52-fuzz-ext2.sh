#!/usr/bin/env bash
# Fuzzing the ext2 reader, briefly: its seed images once, then
# EXT2_FUZZ_SECONDS (default 20) of libFuzzer on mutated images under
# ASan + UBSan. One test: passes when no input crashed, hung or leaked. A
# failing input is kept as build/fuzz/ext2-crash-* and its replay printed.
set -u
cd "$(dirname "$0")/../.."
. tests/fuzz-brief.sh
fz=build/fuzz
if ! make -s $fz/fuzz_ext2 $fz/ext2-seeds/stamp >&2; then
    echo "fuzz-ext2: build failed" >&2
elif fuzz_brief fuzz-ext2 fuzz_ext2 ext2 262272 "${EXT2_FUZZ_SECONDS:-20}" $fz/ext2-seeds; then
    echo "fuzz-ext2: 1 passed, 0 failed"
    exit 0
fi
echo "fuzz-ext2: 0 passed, 1 failed"
exit 1
