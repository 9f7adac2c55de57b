#!/usr/bin/env bash
# Runs the WebAssembly core spec suite through the engine.
#
#   scripts/spec.sh [name ...]     names like "i32" or "i32.wast"; default: the
#                                  90 top-level core files not named simd_*
#
# Variables:
#   WASM_TESTSUITE  suite directory (default ../shared/wasm-testsuite, relative
#                   to the repository root)
#   SPEC_RUNNER     runner binary (default build/spec_runner, built if missing)
#   SPEC_TEXT       wat2wasm (default): text-format modules under
#                   assert_malformed go through wat2wasm and pass if rejected;
#                   skip: they are skipped
#   SPEC_SHOW       failure lines shown per file (default 20; all are in the log)
#   SPEC_TIMEOUT    seconds per file before it is killed (default 300)
#
# Conversion output is cached in build/spec/json/ (redone when the .wast is
# newer); each file's full runner output is in build/spec/log/<name>.log.
# Each file runs in its own process: if it dies, the commands it had not
# finished count as failed. The last line is
#   spec: P passed, F failed, S skipped
# and the exit status is non-zero if anything failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

suite=${WASM_TESTSUITE:-../shared/wasm-testsuite}
runner=${SPEC_RUNNER:-build/spec_runner}
text=${SPEC_TEXT:-wat2wasm}
show=${SPEC_SHOW:-20}
limit=${SPEC_TIMEOUT:-300}
jsondir=build/spec/json
logdir=build/spec/log
mkdir -p "$jsondir" "$logdir"

if [ ! -d "$suite" ]; then
    echo "spec: no test suite at $suite (set WASM_TESTSUITE)" >&2
    echo "spec: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
if [ "$runner" = build/spec_runner ] && ! make -s build/spec_runner >&2; then
    echo "spec: cannot build build/spec_runner" >&2
    echo "spec: 0 passed, 1 failed, 0 skipped"
    exit 1
fi

# The file list: arguments, or every top-level core file but SIMD.
files=()
if [ $# -gt 0 ]; then
    for n in "$@"; do files+=("$suite/${n%.wast}.wast"); done
else
    for f in "$suite"/*.wast; do
        case $(basename "$f") in simd_*) ;; *) files+=("$f") ;; esac
    done
fi

P=0; F=0; S=0; T=0; M=0
skips=()
warnings=""
abnormal=0

# convert <wast> <json>: wast2json into the cache unless it is up to date.
convert() {
    if [ -s "$2" ] && [ ! "$1" -nt "$2" ]; then return 0; fi
    rm -f "$2"
    wast2json "$1" -o "$2" 2>"$2.err"
}

# run_one <wast>: runs one file, prints its lines and adds to P F S.
run_one() {
    local wast=$1 name json log prog total p f s rc line
    name=$(basename "$wast" .wast)
    json=$jsondir/$name.json
    log=$logdir/$name.log
    prog=$logdir/$name.progress
    if ! convert "$wast" "$json"; then
        echo "$name.wast: CONVERSION FAILED: $(head -1 "$json.err")"
        echo "$name.wast: 0 passed, 1 failed, 0 skipped"
        F=$((F + 1))
        return
    fi
    rm -f "$prog"
    # (The braces keep bash's own "Segmentation fault" report off the output.)
    { timeout -k 5 "$limit" "$runner" --text="$text" --progress "$prog" "$json" >"$log" 2>&1; } 2>/dev/null
    rc=$?
    line=$(grep -E "^$name\.wast: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" "$log" | tail -1)
    grep -E "^$name\.wast:[0-9]+: " "$log" | head -n "$show"
    local nfail
    nfail=$(grep -cE "^$name\.wast:[0-9]+: " "$log")
    while IFS= read -r l; do skips+=("$l"); done < <(grep '^SKIP ' "$log")
    while IFS= read -r l; do
        case $warnings in *"$l"*) ;; *) warnings+="$l"$'\n' ;; esac
    done < <(grep '^# WARNING' "$log")
    if [ -n "$line" ]; then
        read -r p f s <<<"$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/')"
        [ "$nfail" -gt "$show" ] && echo "  ... $((nfail - show)) more lines in $log"
        if [ "$rc" -gt 1 ]; then
            echo "$name.wast: WARNING: runner exited with status $rc after finishing (see $log)"
            abnormal=1
        fi
        echo "$line"
    else
        total=$(sed -nE 's/^# .*: ([0-9]+) commands .*$/\1/p' "$log" | head -1)
        local at cmd
        read -r p f s at cmd < <(cat "$prog" 2>/dev/null || echo "0 0 0 0 -")
        [ -z "$total" ] && total=$((p + f + s + 1))
        local why="exit status $rc"
        [ "$rc" = 124 ] && why="killed after ${limit}s"
        echo "$name.wast:$at: $cmd: RUNNER DIED ($why) after $p passed, $f failed, $s skipped;" \
             "the $((total - p - f - s)) commands not run count as failed"
        f=$((total - p - s))
        tail -3 "$log" | sed 's/^/    /'
        echo "$name.wast: $p passed, $f failed, $s skipped"
    fi
    P=$((P + p)); F=$((F + f)); S=$((S + s))
    local t m
    read -r t m < <(sed -nE 's/^# .*: ([0-9]+) commands \(([0-9]+) module\)$/\1 \2/p' "$log" | head -1)
    T=$((T + ${t:-0})); M=$((M + ${m:-0}))
}

for wast in "${files[@]}"; do
    if [ ! -f "$wast" ]; then
        echo "$(basename "$wast"): no such file"
        F=$((F + 1))
        continue
    fi
    run_one "$wast"
done

if [ ${#skips[@]} -gt 0 ]; then
    echo "skipped commands (${#skips[@]}):"
    printf '  %s\n' "${skips[@]}"
fi
[ -n "$warnings" ] && printf '%s' "$warnings"
echo "counted: $((T - M)) assert/action + $M module commands (register does not count)"
echo "spec: $P passed, $F failed, $S skipped"
[ "$F" -eq 0 ] && [ "$abnormal" -eq 0 ]
