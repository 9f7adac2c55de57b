#!/usr/bin/env bash
# The WebAssembly core spec suite (90 files, scripts/spec.sh), preceded by two
# checks of the runner itself: the JSON parser unit tests and a self-test
# script (tests/spec/selftest.wast) whose assertions are all wrong, so that a
# runner which passes everything is caught. Runs the ASan + UBSan runner
# unless SPEC_SAN=0 (then the optimised one).
# Last line: "spec: P passed, F failed, S skipped".
set -u
cd "$(dirname "$0")/../.." || exit 1
fail() { echo "spec: 0 passed, 1 failed, 0 skipped"; exit 1; }

runner=build/san/spec_runner
[ "${SPEC_SAN:-1}" = 0 ] && runner=build/spec_runner
make -s build/spec_json_test "$runner" >&2 || fail
build/spec_json_test | tail -1 >&2
[ "${PIPESTATUS[0]}" = 0 ] || { echo "spec: JSON parser unit tests failed" >&2; fail; }

mkdir -p build/spec/selftest
wast2json --no-check tests/spec/selftest.wast -o build/spec/selftest/selftest.json || fail
want="selftest.wast: 1 passed, 28 failed, 0 skipped"
got=$("$runner" build/spec/selftest/selftest.json 2>&1 | tail -1)
if [ "$got" != "$want" ]; then
    echo "spec: runner self-test: wanted \"$want\", got \"$got\"" >&2
    fail
fi
echo "runner self-test: ok ($want)" >&2

SPEC_RUNNER=$runner SPEC_SHOW=${SPEC_SHOW:-5} bash scripts/spec.sh
