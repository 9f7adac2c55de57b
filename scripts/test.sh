#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test group
# (tests/groups/NN-name.sh, in name order) and ends with one line
#   N passed, N failed[, N skipped]
# Exit status 0 iff nothing failed.
#
# Each group prints `<group>: P passed, F failed[, S skipped]` as its last
# stdout line. A group that prints no such line, or exits non-zero while
# reporting no failure (a crash after its summary), counts as one failure.
# A group running past GROUP_TIMEOUT seconds (default 1800) is killed.
set -u
cd "$(dirname "$0")/.."

bash scripts/setup.sh || echo "test: setup failed; trying anyway" >&2

# Build everything up front on both cores; a broken tool only fails the
# groups that need it, which rebuild (and report) it themselves.
make -k -j2 tools || echo "test: some tools failed to build" >&2

timeout_s=${GROUP_TIMEOUT:-1800}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
names=() results=()
tp=0 tf=0 ts=0
re='^([A-Za-z0-9_.-]+): ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'

for g in tests/groups/*.sh; do
    name=$(basename "$g" .sh)
    echo "=== $name"
    start=$SECONDS
    timeout -k 10 "$timeout_s" bash "$g" </dev/null | tee "$log"
    st=${PIPESTATUS[0]}
    last=$(tail -n 1 "$log")
    p=0 f=0 s=0
    if [[ $last =~ $re ]]; then
        p=${BASH_REMATCH[2]} f=${BASH_REMATCH[3]} s=${BASH_REMATCH[5]:-0}
        if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
            echo "test: $name exited with status $st after reporting no failure" >&2
            f=1
        fi
    else
        echo "test: $name printed no summary line (status $st)" >&2
        f=1
    fi
    [ "$st" -eq 124 ] && echo "test: $name timed out after ${timeout_s}s" >&2
    names+=("$name")
    results+=("$(printf '%6d %6d %7d %6ds' "$p" "$f" "$s" $((SECONDS - start)))")
    tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
done

echo
echo "=== summary"
printf '%-24s %6s %6s %7s %7s\n' group passed failed skipped time
for i in "${!names[@]}"; do
    printf '%-24s %s\n' "${names[$i]}" "${results[$i]}"
done
line="$tp passed, $tf failed"
[ "$ts" -gt 0 ] && line="$line, $ts skipped"
echo "$line"
[ "$tf" -eq 0 ]
