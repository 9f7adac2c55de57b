#!/usr/bin/env bash
# Runs the WebAssembly spec suite through the engine, in groups:
#   core            the 146 top-level core files (SIMD included)
#   tail-call, extended-const, multi-memory
#                   proposals/<group>/*.wast (wast2json/wat2wasm get the
#                   proposal's --enable-<group> flag)
#
#   scripts/spec.sh [name ...]     names like "i32", "simd_lane.wast" (core) or
#                                  "tail-call/return_call" (a proposal file), or
#                                  a group name; default: every group
#
# Variables:
#   WASM_TESTSUITE  suite directory (default ../shared/wasm-testsuite, relative
#                   to the repository root)
#   SPEC_RUNNER     runner binary (default build/spec_runner, built if missing)
#   SPEC_TEXT       skip (default): text-format modules (the `module quote`
#                   cases under assert_malformed) count as skipped, since
#                   the engine takes binary only; wat2wasm: they go through
#                   wat2wasm and pass if rejected (a test of wabt)
#   SPEC_SHOW       failure lines shown per file (default 20; all are in the log)
#   SPEC_TIMEOUT    seconds per file before it is killed (default 300)
#   ENGINE          interp or compiled: the tier under test (default: the
#                   engine's default, compiled where the host has it)
#   BOUNDS          explicit: compiled code checks memory bounds explicitly
#                   instead of relying on guard regions (default: guard
#                   regions where the host has them)
#
# Conversion output is cached in build/spec/json/ (redone when the .wast is
# newer; proposals in a subdirectory per group); each file's full runner
# output is in build/spec/log/[group/]<name>.log.
# Each file runs in its own process: if it dies, the commands it had not
# finished count as failed. Each group ends with
#   group G: P passed, F failed, S skipped
# and the last line is
#   spec: P passed, F failed, S skipped
# and the exit status is non-zero if anything failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

suite=${WASM_TESTSUITE:-../shared/wasm-testsuite}
runner=${SPEC_RUNNER:-build/spec_runner}
text=${SPEC_TEXT:-skip}
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

# The file list: "group<TAB>path" lines, from the arguments or every group.
proposals=(tail-call extended-const multi-memory)
entries=()
add_group() {
    local g=$1 f
    if [ "$g" = core ]; then
        for f in "$suite"/*.wast; do entries+=("core	$f"); done
    else
        for f in "$suite/proposals/$g"/*.wast; do entries+=("$g	$f"); done
    fi
}
if [ $# -gt 0 ]; then
    for n in "$@"; do
        case $n in
            core|tail-call|extended-const|multi-memory) add_group "$n" ;;
            */*) entries+=("${n%%/*}	$suite/proposals/${n%.wast}.wast") ;;
            *) entries+=("core	$suite/${n%.wast}.wast") ;;
        esac
    done
else
    add_group core
    for g in "${proposals[@]}"; do add_group "$g"; done
fi

# Files not run yet, with the reason (listed at the end, not counted).
pending_reason() {
    case $1 in
    esac
}
pending=()

P=0; F=0; S=0; T=0; M=0
skips=()
warnings=""
abnormal=0

# convert <wast> <json> [flag]: wast2json into the cache unless up to date.
convert() {
    if [ -s "$2" ] && [ ! "$1" -nt "$2" ]; then return 0; fi
    rm -f "$2"
    mkdir -p "$(dirname "$2")"
    wast2json ${3:+"$3"} "$1" -o "$2" 2>"$2.err"
}

# run_one <group> <wast>: runs one file, prints its lines and adds to P F S.
run_one() {
    local group=$1 wast=$2 name json log prog total p f s rc line sub="" flag=""
    name=$(basename "$wast" .wast)
    if [ "$group" != core ]; then sub=$group/; flag=--enable-$group; fi
    mkdir -p "$logdir/$sub"
    json=$jsondir/$sub$name.json
    log=$logdir/$sub$name.log
    prog=$logdir/$sub$name.progress
    if ! convert "$wast" "$json" "$flag"; then
        echo "$name.wast: CONVERSION FAILED: $(head -1 "$json.err")"
        echo "$name.wast: 0 passed, 1 failed, 0 skipped"
        F=$((F + 1))
        return
    fi
    rm -f "$prog"
    # (The braces keep bash's own "Segmentation fault" report off the output.)
    { timeout -k 5 "$limit" "$runner" ${ENGINE:+--engine="$ENGINE"} ${BOUNDS:+--bounds="$BOUNDS"} --text="$text" ${flag:+--wat-flag="$flag"} --progress "$prog" "$json" >"$log" 2>&1; } 2>/dev/null
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

# Per-group totals, printed when the group changes and at the end.
gname=""; gP=0; gF=0; gS=0; glines=()
group_line() {
    if [ -n "$gname" ]; then
        glines+=("group $gname: $((P - gP)) passed, $((F - gF)) failed, $((S - gS)) skipped")
        echo "${glines[-1]}"
    fi
    gP=$P; gF=$F; gS=$S
}
for e in "${entries[@]}"; do
    g=${e%%	*}; wast=${e#*	}
    if [ "$g" != "$gname" ]; then group_line; gname=$g; fi
    why=$(pending_reason "$g/$(basename "$wast")")
    if [ -n "$why" ]; then
        pending+=("$g/$(basename "$wast"): $why")
        continue
    fi
    if [ ! -f "$wast" ]; then
        echo "$(basename "$wast"): no such file"
        F=$((F + 1))
        continue
    fi
    run_one "$g" "$wast"
done
group_line

if [ ${#skips[@]} -gt 0 ]; then
    echo "skipped commands (${#skips[@]}; each is listed in its file's log), by reason:"
    printf '%s\n' "${skips[@]}" | sed -E 's/^SKIP [^:]*:[0-9]+: [^:]*: //' | sort | uniq -c |
        sed 's/^ */  /'
fi
[ -n "$warnings" ] && printf '%s' "$warnings"
if [ ${#pending[@]} -gt 0 ]; then
    echo "files not run (${#pending[@]}):"
    printf '  %s\n' "${pending[@]}"
fi
printf '%s\n' "${glines[@]}"
echo "counted: $((T - M)) assert/action + $M module commands (register does not count)"
echo "spec: $P passed, $F failed, $S skipped"
[ "$F" -eq 0 ] && [ "$abnormal" -eq 0 ]
