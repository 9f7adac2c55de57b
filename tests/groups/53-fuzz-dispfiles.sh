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
. tests/fuzz-brief.sh
fz=build/fuzz
regress=()
[ -d tests/fuzz/dispfiles-regress ] && regress=(tests/fuzz/dispfiles-regress)
if ! make -s $fz/fuzz_dispfiles $fz/dispfiles-seeds/stamp >&2; then
    echo "fuzz-dispfiles: build failed" >&2
elif fuzz_brief fuzz-dispfiles fuzz_dispfiles dispfiles 4096 "${DISPFILES_FUZZ_SECONDS:-10}" \
        $fz/dispfiles-seeds "${regress[@]}"; then
    echo "fuzz-dispfiles: 1 passed, 0 failed"
    exit 0
fi
echo "fuzz-dispfiles: 0 passed, 1 failed"
exit 1
