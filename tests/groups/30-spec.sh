#!/usr/bin/env bash
# The WebAssembly core spec suite (90 files, scripts/spec.sh), preceded by the
# runner's JSON parser unit tests. Runs the ASan + UBSan runner when
# SPEC_SAN=1 (about the same pass count, several times slower), else the
# optimised one. Last line: "spec: P passed, F failed, S skipped".
set -u
cd "$(dirname "$0")/../.." || exit 1
fail() { echo "spec: 0 passed, 1 failed, 0 skipped"; exit 1; }

make -s build/spec_json_test >&2 || fail
build/spec_json_test | tail -1 >&2

runner=build/spec_runner
[ "${SPEC_SAN:-0}" = 1 ] && runner=build/san/spec_runner
make -s "$runner" >&2 || fail
SPEC_RUNNER=$runner SPEC_SHOW=${SPEC_SHOW:-5} bash scripts/spec.sh
