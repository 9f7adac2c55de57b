#!/usr/bin/env bash
# Benchmark harness: runs every bench program natively, under the Azoth
# engine, under the engine built without safe points, and under Node (V8),
# interleaved (native, engine, engine-nosp, node, native, ...) so machine
# noise hits all of them alike. Prints, per program, the median wall-clock
# time of each and the ratios to native, then geometric means.
#
# Times are whole-process wall clock (monotonic, bash $EPOCHREALTIME): what a
# user sees, including process start, module load/compile and instantiation.
#
# Environment:
#   BENCH_RUNS=5          runs of each variant per program (median taken)
#   BENCH_ONLY="a b"      run only these programs
#   BENCH_TIMEOUT=120     seconds before a single run is killed
#   BENCH_DIR=build/bench where `make bench` put native/ and wasm/ builds
#   BENCH_ENGINE=build/azoth-wasm
#   BENCH_NOSP=build/bench/azoth-wasm-nosp
#   BENCH_NODE_FLAGS=""   extra node flags (e.g. --no-liftoff)
# Exit status: 0 when every run printed the native output, 1 otherwise.
set -u
cd "$(dirname "$0")/.."

RUNS=${BENCH_RUNS:-5}
TIMEOUT=${BENCH_TIMEOUT:-120}
DIR=${BENCH_DIR:-build/bench}
ENGINE=${BENCH_ENGINE:-build/azoth-wasm}
NOSP=${BENCH_NOSP:-build/bench/azoth-wasm-nosp}
NODE_FLAGS=${BENCH_NODE_FLAGS:-}
OUT=$DIR/out
mkdir -p "$OUT"

progs=${BENCH_ONLY:-$(ls bench/*.c | sed 's|bench/||; s|\.c$||')}
have_engine=0; [ -x "$ENGINE" ] && have_engine=1
have_nosp=0;   [ -x "$NOSP" ] && have_nosp=1
have_node=0;   command -v node >/dev/null && have_node=1
[ $have_engine = 1 ] || echo "warning: no engine at $ENGINE: engine columns skipped" >&2
[ $have_nosp = 1 ] || echo "warning: no $NOSP: safe-point cost not measured" >&2
[ $have_node = 1 ] || echo "warning: node not found: node columns skipped" >&2
if [ $have_nosp = 1 ] && ! grep -rqs WASM_NO_SAFEPOINTS src/wasm; then
    echo "warning: src/wasm never tests WASM_NO_SAFEPOINTS: both engine builds are the same" >&2
fi

failures=0

# now_us: monotonic-enough wall clock in microseconds, without forking.
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# run_one VARIANT PROG RUN CMD...: runs CMD, stores its stdout, prints the
# elapsed milliseconds, or "fail" when it exits non-zero or times out.
run_one() {
    local variant=$1 prog=$2 run=$3; shift 3
    local o="$OUT/$prog.$variant.$run"
    local t0 t1 rc
    t0=$(now_us)
    timeout "$TIMEOUT" "$@" >"$o.stdout" 2>"$o.stderr"
    rc=$?
    t1=$(now_us)
    if [ $rc -ne 0 ]; then echo fail; return; fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }'
}

# median of the numbers on stdin, or "-" when there are none.
median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "-"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# check VARIANT PROG RUN: compares a run's stdout with native run 1.
check() {
    local o="$OUT/$2.$1.$3"
    if ! cmp -s "$o.stdout" "$OUT/$2.native.1.stdout"; then
        failures=$((failures + 1))
        {
            echo "MISMATCH: $2 under $1 (run $3)"
            echo "  expected: $(head -c 300 "$OUT/$2.native.1.stdout")"
            echo "  got:      $(head -c 300 "$o.stdout")"
            [ -s "$o.stderr" ] && echo "  stderr:   $(head -c 600 "$o.stderr")"
        } >&2
        return 1
    fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'; }

printf '%-10s %9s %9s %8s %9s %8s %9s %7s\n' program native_ms engine_ms eng/nat \
    node_ms node/nat nosp_ms sp_cost
ratios=$DIR/ratios.txt
: >"$ratios"
for p in $progs; do
    nat=$DIR/native/$p; wasm=$DIR/wasm/$p.wasm
    if [ ! -x "$nat" ] || [ ! -f "$wasm" ]; then
        echo "MISSING: $p (run 'make bench' to build $nat and $wasm)" >&2
        failures=$((failures + 1)); continue
    fi
    declare -A times=([native]="" [engine]="" [nosp]="" [node]="")
    for r in $(seq 1 "$RUNS"); do
        variants="native"
        [ $have_engine = 1 ] && variants="$variants engine"
        [ $have_nosp = 1 ] && variants="$variants nosp"
        [ $have_node = 1 ] && variants="$variants node"
        for v in $variants; do
            case $v in
            native) t=$(run_one native "$p" "$r" "$nat") ;;
            engine) t=$(run_one engine "$p" "$r" "$ENGINE" run "$wasm") ;;
            nosp)   t=$(run_one nosp "$p" "$r" "$NOSP" run "$wasm") ;;
            node)   t=$(run_one node "$p" "$r" node --no-warnings $NODE_FLAGS bench/node-wasi.mjs "$wasm") ;;
            esac
            if [ "$t" = fail ]; then
                failures=$((failures + 1))
                echo "FAILED: $p under $v (run $r): $(head -c 600 "$OUT/$p.$v.$r.stderr")" >&2
                [ $v = native ] && break 2
                continue
            fi
            [ $v = native ] || check "$v" "$p" "$r" || continue
            times[$v]="${times[$v]} $t"
        done
    done
    med() { echo "${times[$1]}" | tr ' ' '\n' | grep . | median; }
    n=$(med native); e=$(med engine); s=$(med nosp); d=$(med node)
    en=$(ratio "$e" "$n"); dn=$(ratio "$d" "$n"); sp=$(ratio "$e" "$s")
    printf '%-10s %9s %9s %8s %9s %8s %9s %7s\n' "$p" "$n" "$e" "$en" "$d" "$dn" "$s" "$sp"
    echo "$p $en $dn $sp" >>"$ratios"
    unset times
done

# geomean COLUMN: geometric mean of the numeric entries of a ratios column.
geomean() {
    awk -v c="$1" '$c != "-" && $c > 0 { s += log($c); n++ }
        END { if (n) printf "%.2f (%d programs)\n", exp(s / n), n; else print "-" }' "$ratios"
}
echo
echo "geomean engine/native: $(geomean 2)"
echo "geomean node/native:   $(geomean 3)"
echo "geomean safe-point cost (engine / engine without safe points): $(geomean 4)"
echo "runs per variant: $RUNS (medians shown); times are whole-process wall clock"
if [ $failures -ne 0 ]; then echo "bench: $failures failed or mismatched runs"; exit 1; fi
