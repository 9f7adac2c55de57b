#!/usr/bin/env bash
# Benchmark harness: runs every bench program natively, under the Azoth
# engine's compiled tier and its interpreter, under both again built without
# safe points, and under Node (V8), interleaved (native, compiled, interp,
# compiled-nosp, interp-nosp, node, compiled-scalar, native, ...) so machine
# noise hits all of them alike. The Wasm is the -msimd128 build
# ($BENCH_DIR/wasm-simd/: native code may use SSE2, so the Wasm may use
# v128; docs/bench.md); the compiled tier also runs the scalar build
# ($BENCH_DIR/wasm/, the c_scal column and its geomean line). Prints, per program, the median time of each variant and the
# ratios to native, then geometric means, ending with the line
#   bench: compiled Gc x native, interpreter Gi x native, node Gn x native (geomean)
#
# Each run is timed by bench/harness/timeit around fork..wait, by two clocks:
#   wall  monotonic wall clock: what a user sees, including process start,
#         module load/compile and instantiation (the default, BENCH_CLOCK);
#   cpu   the child's user+system CPU time (all its threads): less disturbed
#         by other load on a shared machine.
# The table uses BENCH_CLOCK; the summary gives the geometric means by both.
#
# Environment:
#   BENCH_RUNS=5          runs of each variant per program (median taken)
#   BENCH_ONLY="a b"      run only these programs
#   BENCH_NAMES="a b"     the programs (make bench passes mk/bench.mk's list;
#                         default: every bench/*.c)
#   BENCH_TIMEOUT=120     seconds before a single run is killed
#   BENCH_DIR=build/bench where `make bench` put native/ and wasm/ builds
#   BENCH_ENGINE=build/azoth-wasm (make bench passes its snapshot)
#   BENCH_NOSP=build/bench/azoth-wasm-nosp
#   BENCH_NODE_FLAGS=""   extra node flags (e.g. --no-liftoff)
#   BENCH_CLOCK=wall      wall | cpu: the clock of the table
#   BENCH_WASM_DIR=wasm-simd  the builds of the main table, under $BENCH_DIR
#                         (wasm: the scalar builds, as before -msimd128)
#   BENCH_SIMD_ONLY=1     only the SIMD table (make bench-simd)
#   BENCH_SIMD="blend matmul"  programs also built with -msimd128 into
#                         $BENCH_DIR/wasm-simd/: a second table runs them on
#                         both tiers (c_: compiled, i_: interpreter) against
#                         their scalar builds and native
# Exit status: 0 when every run printed the native output, 1 otherwise.
set -u
cd "$(dirname "$0")/.."

RUNS=${BENCH_RUNS:-5}
TIMEOUT=${BENCH_TIMEOUT:-120}
DIR=${BENCH_DIR:-build/bench}
ENGINE=${BENCH_ENGINE:-build/azoth-wasm}
NOSP=${BENCH_NOSP:-build/bench/azoth-wasm-nosp}
NODE_FLAGS=${BENCH_NODE_FLAGS:-}
CLOCK=${BENCH_CLOCK:-wall}
WDIR=${BENCH_WASM_DIR:-wasm-simd}
TIMEIT=$DIR/timeit
case $CLOCK in wall) OTHER=cpu ;; cpu) OTHER=wall ;; *) echo "bench: BENCH_CLOCK is wall or cpu"; exit 1 ;; esac
# Outputs and ratios go to a directory of this run's own: others may run
# the benchmarks in the same checkout at the same time. Kept on failure.
mkdir -p "$DIR"
OUT=$(mktemp -d "$DIR/run.XXXXXX") || exit 1
trap 'rm -rf "$OUT"; exit 130' INT TERM
if [ ! -x "$TIMEIT" ]; then
    cc -O2 -o "$TIMEIT" bench/harness/timeit.c || { echo "bench: cannot build timeit"; exit 1; }
fi

progs=${BENCH_ONLY:-${BENCH_NAMES:-$(ls bench/*.c | sed 's|bench/||; s|\.c$||')}}
have_engine=0; [ -x "$ENGINE" ] && have_engine=1
have_nosp=0;   [ -x "$NOSP" ] && have_nosp=1
have_node=0;   command -v node >/dev/null && have_node=1
have_scal=0;   [ $have_engine = 1 ] && [ "$WDIR" != wasm ] && have_scal=1
[ $have_engine = 1 ] || echo "warning: no engine at $ENGINE: engine columns skipped" >&2
[ $have_nosp = 1 ] || [ "${BENCH_SIMD_ONLY:-0}" = 1 ] ||
    echo "warning: no $NOSP: safe-point cost not measured" >&2
[ $have_node = 1 ] || echo "warning: node not found: node columns skipped" >&2
if [ $have_nosp = 1 ] && ! grep -rqs WASM_NO_SAFEPOINTS src/wasm; then
    echo "warning: src/wasm never tests WASM_NO_SAFEPOINTS: both engine builds are the same" >&2
fi
variants="native"
[ $have_engine = 1 ] && variants="$variants compiled interp"
[ $have_nosp = 1 ] && variants="$variants cnosp nosp"
[ $have_node = 1 ] && variants="$variants node"
[ $have_scal = 1 ] && variants="$variants cscal"
ALL="native compiled interp cnosp nosp node cscal"

failures=0

# run_one VARIANT PROG RUN CMD...: runs CMD under timeit, keeping its stdout
# and stderr in $OUT; prints "WALL_MS CPU_MS", or "fail" when CMD exits
# non-zero, traps or times out.
run_one() {
    local o="$OUT/$2.$1.$3"; shift 3
    "$TIMEIT" "$o.stdout" "$o.stderr" "$TIMEOUT" "$@" || echo fail
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
    cmp -s "$o.stdout" "$OUT/$2.native.1.stdout" && return 0
    failures=$((failures + 1))
    {
        echo "MISMATCH: $2 under $1 (run $3)"
        echo "  expected: $(head -c 300 "$OUT/$2.native.1.stdout")"
        echo "  got:      $(head -c 300 "$o.stdout")"
        [ -s "$o.stderr" ] && echo "  stderr:   $(head -c 600 "$o.stderr")"
    } >&2
    return 1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'; }

# net A FA B FB: (A - FA) / (B - FB), the ratio net of fixed costs.
net() {
    awk -v a="$1" -v fa="$2" -v b="$3" -v fb="$4" 'BEGIN {
        if (a == "-" || fa == "-" || b == "-" || fb == "-" || b - fb <= 0 || a - fa <= 0) print "-"
        else printf "%.2f\n", (a - fa) / (b - fb) }'
}

# measure PROG NATIVE WASM SCALAR: runs every variant RUNS times, interleaved,
# and sets wall_V and cpu_V for V in $ALL (median ms, or "-"); SCALAR is the
# build without -msimd128 that cscal runs ("-": none).
measure() {
    local p=$1 nat=$2 wasm=$3 scal=$4 r v t
    local -A tw=() tc=()
    for r in $(seq 1 "$RUNS"); do
        for v in $variants; do
            case $v in
            native) t=$(run_one native "$p" "$r" "$nat") ;;
            compiled) t=$(run_one compiled "$p" "$r" "$ENGINE" run --engine=compiled "$wasm") ;;
            interp) t=$(run_one interp "$p" "$r" "$ENGINE" run --engine=interp "$wasm") ;;
            cnosp)  t=$(run_one cnosp "$p" "$r" "$NOSP" run --engine=compiled "$wasm") ;;
            nosp)   t=$(run_one nosp "$p" "$r" "$NOSP" run --engine=interp "$wasm") ;;
            node)   t=$(run_one node "$p" "$r" node --no-warnings $NODE_FLAGS bench/node-wasi.mjs "$wasm") ;;
            cscal)  [ -f "$scal" ] || continue
                    t=$(run_one cscal "$p" "$r" "$ENGINE" run --engine=compiled "$scal") ;;
            esac
            if [ "$t" = fail ] || [ -z "$t" ]; then
                failures=$((failures + 1))
                echo "FAILED: $p under $v (run $r): $(head -c 600 "$OUT/$p.$v.$r.stderr")" >&2
                [ $v = native ] && break 2
                continue
            fi
            [ $v = native ] || check "$v" "$p" "$r" || continue
            tw[$v]="${tw[$v]:-} ${t% *}"
            tc[$v]="${tc[$v]:-} ${t#* }"
        done
    done
    for v in $ALL; do
        printf -v "wall_$v" '%s' "$(echo "${tw[$v]:-}" | tr ' ' '\n' | grep . | median)"
        printf -v "cpu_$v" '%s' "$(echo "${tc[$v]:-}" | tr ' ' '\n' | grep . | median)"
    done
}

# get CLOCK VARIANT: the median just measured.
get() { local n="$1_$2"; echo "${!n}"; }

# BENCH_SIMD_ONLY=1 (make bench-simd): only the SIMD table below.
if [ "${BENCH_SIMD_ONLY:-0}" != 1 ]; then
# The fixed cost of each variant (start, load/compile, print a line, exit),
# measured first so the summary can also give ratios net of it.
declare -A fix=()
for c in wall cpu; do for v in $ALL; do fix[$c.$v]=-; done; done
if [ -x "$DIR/native/baseline/empty" ] && [ -f "$DIR/$WDIR/baseline/empty.wasm" ]; then
    measure empty "$DIR/native/baseline/empty" "$DIR/$WDIR/baseline/empty.wasm" "$DIR/wasm/baseline/empty.wasm"
    for c in wall cpu; do for v in $ALL; do fix[$c.$v]=$(get $c $v); done; done
fi

printf '%-10s %9s %9s %8s %9s %8s %9s %8s %9s %8s %7s %7s\n' program native_ms comp_ms comp/nat \
    c_scal_ms scal/nat interp_ms int/nat node_ms node/nat sp_comp sp_int
for c in wall cpu; do : >"$OUT/ratios.$c"; done
for p in $progs; do
    nat=$DIR/native/$p; wasm=$DIR/$WDIR/$p.wasm; scal=$DIR/wasm/$p.wasm
    if [ ! -x "$nat" ] || [ ! -f "$wasm" ]; then
        echo "MISSING: $p (run 'make bench' to build $nat and $wasm)" >&2
        failures=$((failures + 1)); continue
    fi
    if [ $have_scal = 1 ] && [ ! -f "$scal" ]; then
        echo "MISSING: $p (run 'make bench' to build $scal)" >&2
        failures=$((failures + 1))
    fi
    measure "$p" "$nat" "$wasm" "$scal"
    for c in wall cpu; do
        n=$(get $c native); k=$(get $c compiled); e=$(get $c interp); d=$(get $c node)
        ks=$(get $c cnosp); s=$(get $c nosp); cs=$(get $c cscal)
        # columns: 2 comp/nat 3 int/nat 4 node/nat 5 sp_comp 6 sp_int 7-9 net of fixed cost
        # 10 scal/nat (the compiled tier on the scalar build)
        echo "$p $(ratio "$k" "$n") $(ratio "$e" "$n") $(ratio "$d" "$n")" \
            "$(ratio "$k" "$ks") $(ratio "$e" "$s")" \
            "$(net "$k" "${fix[$c.compiled]}" "$n" "${fix[$c.native]}")" \
            "$(net "$e" "${fix[$c.interp]}" "$n" "${fix[$c.native]}")" \
            "$(net "$d" "${fix[$c.node]}" "$n" "${fix[$c.native]}")" \
            "$(ratio "$cs" "$n")" >>"$OUT/ratios.$c"
    done
    n=$(get $CLOCK native); k=$(get $CLOCK compiled); e=$(get $CLOCK interp); d=$(get $CLOCK node)
    ks=$(get $CLOCK cnosp); s=$(get $CLOCK nosp); cs=$(get $CLOCK cscal)
    printf '%-10s %9s %9s %8s %9s %8s %9s %8s %9s %8s %7s %7s\n' "$p" "$n" "$k" "$(ratio "$k" "$n")" \
        "$cs" "$(ratio "$cs" "$n")" "$e" "$(ratio "$e" "$n")" "$d" "$(ratio "$d" "$n")" \
        "$(ratio "$k" "$ks")" "$(ratio "$e" "$s")"
done

# geomean CLOCK COLUMN: geometric mean of the numeric entries of a column.
geomean() {
    awk -v c="$2" '$c != "-" && $c > 0 { s += log($c); n++ }
        END { if (n) printf "%.2f (%d programs)\n", exp(s / n), n; else print "-" }' "$OUT/ratios.$1"
}
g() { geomean "$1" "$2" | awk '{ print $1 }'; }
echo
echo "geomean compiled/native: $(geomean "$CLOCK" 2)"
echo "geomean interp/native:   $(geomean "$CLOCK" 3)"
echo "geomean node/native:     $(geomean "$CLOCK" 4)"
echo "geomean compiled/native, scalar Wasm (built without -msimd128): $(geomean "$CLOCK" 10)"
echo "geomean safe-point cost (engine / engine without safe points): compiled $(g "$CLOCK" 5)," \
    "interpreter $(g "$CLOCK" 6)"
echo "fixed cost (empty program), ms: native ${fix[$CLOCK.native]}, compiled ${fix[$CLOCK.compiled]}," \
    "interp ${fix[$CLOCK.interp]}, node ${fix[$CLOCK.node]}"
echo "geomean net of fixed cost: compiled/native $(g "$CLOCK" 7), interp/native $(g "$CLOCK" 8)," \
    "node/native $(g "$CLOCK" 9)"
echo "by $OTHER clock: compiled/native $(g $OTHER 2), interp/native $(g $OTHER 3)," \
    "node/native $(g $OTHER 4), compiled/native on the scalar Wasm $(g $OTHER 10)"
echo "Wasm of the table: $DIR/$WDIR (c_scal: $DIR/wasm, the builds without -msimd128)"
echo "runs per variant: $RUNS (medians shown); times are whole-process $CLOCK-clock ms"
fi

# SIMD: the same program built with and without -msimd128, under both tiers
# of the engine (interleaved with native), so the ratio is what v128 code
# gains or loses on each.
if [ $have_engine = 1 ] && [ -n "${BENCH_SIMD:-}" ]; then
    echo
    printf '%-10s %9s | %10s %10s %11s %9s | %10s %10s %11s %9s\n' simd native_ms \
        c_scalar c_simd simd/scalar simd/nat i_scalar i_simd simd/scalar simd/nat
    for p in $BENCH_SIMD; do
        nat=$DIR/native/$p; sw=$DIR/wasm/$p.wasm; vw=$DIR/wasm-simd/$p.wasm
        if [ ! -x "$nat" ] || [ ! -f "$sw" ] || [ ! -f "$vw" ]; then
            echo "MISSING: $p (run 'make bench' to build $vw)" >&2
            failures=$((failures + 1)); continue
        fi
        declare -A st=()
        for r in $(seq 1 "$RUNS"); do
            for v in native cscalar csimd iscalar isimd; do
                case $v in
                native)  t=$(run_one native "$p" "$r" "$nat") ;;
                cscalar) t=$(run_one cscalar "$p" "$r" "$ENGINE" run --engine=compiled "$sw") ;;
                csimd)   t=$(run_one csimd "$p" "$r" "$ENGINE" run --engine=compiled "$vw") ;;
                iscalar) t=$(run_one iscalar "$p" "$r" "$ENGINE" run --engine=interp "$sw") ;;
                isimd)   t=$(run_one isimd "$p" "$r" "$ENGINE" run --engine=interp "$vw") ;;
                esac
                if [ "$t" = fail ] || [ -z "$t" ]; then
                    failures=$((failures + 1))
                    echo "FAILED: $p under $v (run $r): $(head -c 600 "$OUT/$p.$v.$r.stderr")" >&2
                    continue
                fi
                [ $v = native ] || check "$v" "$p" "$r" || continue
                if [ $CLOCK = wall ]; then st[$v]="${st[$v]:-} ${t% *}"; else st[$v]="${st[$v]:-} ${t#* }"; fi
            done
        done
        declare -A md=()
        for v in native cscalar csimd iscalar isimd; do
            md[$v]=$(echo "${st[$v]:-}" | tr ' ' '\n' | grep . | median)
        done
        printf '%-10s %9s | %10s %10s %11s %9s | %10s %10s %11s %9s\n' "$p" "${md[native]}" \
            "${md[cscalar]}" "${md[csimd]}" "$(ratio "${md[csimd]}" "${md[cscalar]}")" \
            "$(ratio "${md[csimd]}" "${md[native]}")" \
            "${md[iscalar]}" "${md[isimd]}" "$(ratio "${md[isimd]}" "${md[iscalar]}")" \
            "$(ratio "${md[isimd]}" "${md[native]}")"
        unset st md
    done
fi
if [ "${BENCH_SIMD_ONLY:-0}" = 1 ]; then
    echo "runs per variant: $RUNS (medians shown); times are whole-process $CLOCK-clock ms"
else
    echo "bench: compiled $(g "$CLOCK" 2)x native, interpreter $(g "$CLOCK" 3)x native," \
        "node $(g "$CLOCK" 4)x native (geomean)"
fi
if [ $failures -ne 0 ]; then
    echo "bench: $failures failed or mismatched runs (outputs kept in $OUT)"
    exit 1
fi
rm -rf "$OUT"
