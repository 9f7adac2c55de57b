#!/usr/bin/env bash
# The mutation list (tests/mutations.txt, docs/testing.md) against the tree
# as it stands: every mutation can still be planted (its file there, its
# text found exactly once as `make mutate` finds it, a `to` that differs,
# known test kinds, a name of its own). Plants nothing and runs no tests
# (`scripts/mutate.sh --check`); a change that moves or rewrites a
# mutation's text fails here instead of at the next `make mutate`. One test.
set -u
cd "$(dirname "$0")/../.."
mkdir -p build
if bash scripts/mutate.sh --check >build/mutation-list.log 2>&1; then
    tail -n 1 build/mutation-list.log | sed 's/^mutate: /mutation-list: /' >&2
    echo "mutation-list: 1 passed, 0 failed"
    exit 0
fi
cat build/mutation-list.log >&2
echo "mutation-list: 0 passed, 1 failed"
exit 1
