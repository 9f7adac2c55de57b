#!/usr/bin/env bash
# Unit tests for the decoder, validator and interpreter (ASan + UBSan build).
set -u
make -s build/san/unit_tests >&2 || { echo "unit: 0 passed, 1 failed"; exit 1; }
build/san/unit_tests
