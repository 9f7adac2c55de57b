#!/usr/bin/env bash
# Host tests of portable kernel code: capabilities (unit and property tests
# against a reference model), later IPC and the scheduler. ASan + UBSan.
set -u
cd "$(dirname "$0")/../.."
make -s build/san/kernel_tests >&2 || { echo "kernel-host: 0 passed, 1 failed"; exit 1; }
build/san/kernel_tests
