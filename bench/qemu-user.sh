#!/usr/bin/env bash
# The compiled tier on another architecture, on this machine: every bench
# program as native code of that architecture, under the engine's compiled
# tier and under its interpreter, all three run by the same qemu-user
# (make bench-aarch64, mk/xarch.mk). Emulation slows everything, but each
# ratio compares code of the same architecture under the same emulator.
# Runs are interleaved (native, compiled, interp, native, ...) and timed by
# bench/harness/timeit; the table gives the median CPU time (user+system of
# the emulator; steadier than wall clock on a shared machine) and ratios to
# native, and the last line is
#   bench-ARCH: compiled Gc x native, interpreter Gi x native (geomean, qemu-user)
#
# BENCH_SIMD_ONLY=1 runs the SIMD comparison instead (below).
#
# Environment: BENCH_ARCH (aarch64), BENCH_RUNS (3), BENCH_ONLY / BENCH_NAMES,
# BENCH_TIMEOUT (600), BENCH_DIR (build/bench: the .wasm files and timeit),
# XBENCH_DIR (build/ARCH/bench: the native programs), XENGINE
# (build/ARCH/azoth-wasm), QEMU (the emulator command).
set -u
cd "$(dirname "$0")/.."

arch=${BENCH_ARCH:-aarch64}
RUNS=${BENCH_RUNS:-3}
TIMEOUT=${BENCH_TIMEOUT:-600}
DIR=${BENCH_DIR:-build/bench}
XDIR=${XBENCH_DIR:-build/$arch/bench}
ENGINE=${XENGINE:-build/$arch/azoth-wasm}
read -r -a qemu <<<"${QEMU:-qemu-$arch -R 256G -L /usr/$arch-linux-gnu}"
TIMEIT=$DIR/timeit
progs=${BENCH_ONLY:-${BENCH_NAMES:-$(ls bench/*.c | sed 's|bench/||; s|\.c$||')}}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/azoth-xbench.XXXXXX") || exit 1
trap 'rm -rf "$OUT"' EXIT

# run_one VARIANT PROG cmd...: prints the CPU ms, or "fail".
run_one() {
    local v=$1 p=$2 o="$OUT/$1-$2"
    shift 2
    local t
    t=$("$TIMEIT" "$o.out" "$o.err" "$TIMEOUT" "${qemu[@]}" "$@") || { echo fail; return; }
    echo "${t#* }"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

status=0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# BENCH_SIMD_ONLY=1 (make bench-simd-ARCH): the programs of BENCH_SIMD
# (blend matmul) built with and without -msimd128 ($DIR/wasm-simd/,
# $DIR/wasm/), on both tiers, interleaved with native; BASE_ENGINE (another
# build of azoth-wasm for ARCH, e.g. the engine before a change) adds its
# compiled tier's two runs, side by side; BENCH_SIMD_INTERP=0 leaves the
# interpreter out (under qemu it takes most of the time). Last line:
#   bench-simd-ARCH: compiled SIMD/scalar P1 R1, P2 R2 (qemu-user)
if [ "${BENCH_SIMD_ONLY:-0}" = 1 ]; then
    vars="native cscalar csimd"
    [ "${BENCH_SIMD_INTERP:-1}" = 1 ] && vars="$vars iscalar isimd"
    [ -n "${BASE_ENGINE:-}" ] && vars="$vars bscalar bsimd"
    printf '%-8s %8s | %9s %9s %8s | %9s %9s %8s' simd native c_scalar c_simd simd/sc \
        i_scalar i_simd simd/sc
    [ -n "${BASE_ENGINE:-}" ] && printf ' | %9s %9s %8s' base_c_sc base_c_simd simd/sc
    printf '\n'
    last="bench-simd-$arch: compiled SIMD/scalar"
    for p in ${BENCH_SIMD:-blend matmul}; do
        nat=$XDIR/native/$p sw=$DIR/wasm/$p.wasm vw=$DIR/wasm-simd/$p.wasm
        if [ ! -x "$nat" ] || [ ! -f "$sw" ] || [ ! -f "$vw" ]; then
            echo "$p: missing $nat, $sw or $vw" >&2
            status=1
            continue
        fi
        declare -A t=()
        for r in $(seq "$RUNS"); do
            for v in $vars; do
                case $v in
                native) x=$(run_one $v "$p" "$nat") ;;
                cscalar) x=$(run_one $v "$p" "$ENGINE" run --engine=compiled "$sw") ;;
                csimd) x=$(run_one $v "$p" "$ENGINE" run --engine=compiled "$vw") ;;
                iscalar) x=$(run_one $v "$p" "$ENGINE" run --engine=interp "$sw") ;;
                isimd) x=$(run_one $v "$p" "$ENGINE" run --engine=interp "$vw") ;;
                bscalar) x=$(run_one $v "$p" "$BASE_ENGINE" run --engine=compiled "$sw") ;;
                bsimd) x=$(run_one $v "$p" "$BASE_ENGINE" run --engine=compiled "$vw") ;;
                esac
                t[$v]="${t[$v]:-} $x"
                [ $v = native ] && continue
                cmp -s "$OUT/native-$p.out" "$OUT/$v-$p.out" || { echo "$p: $v output differs" >&2; status=1; }
            done
        done
        case "${t[*]}" in *fail*) echo "$p: a run failed" >&2; status=1; continue ;; esac
        declare -A md=()
        md[iscalar]=- md[isimd]=-
        for v in $vars; do md[$v]=$(echo "${t[$v]}" | median); done
        printf '%-8s %8s | %9s %9s %7sx | %9s %9s %7sx' "$p" "${md[native]}" "${md[cscalar]}" \
            "${md[csimd]}" "$(ratio "${md[csimd]}" "${md[cscalar]}")" "${md[iscalar]}" \
            "${md[isimd]}" "$([ "${md[isimd]}" = - ] && echo - || ratio "${md[isimd]}" "${md[iscalar]}")"
        [ -n "${BASE_ENGINE:-}" ] && printf ' | %9s %9s %7sx' "${md[bscalar]}" "${md[bsimd]}" \
            "$(ratio "${md[bsimd]}" "${md[bscalar]}")"
        printf '\n'
        last="$last $p $(ratio "${md[csimd]}" "${md[cscalar]}")"
        [ -n "${BASE_ENGINE:-}" ] && last="$last (base $(ratio "${md[bsimd]}" "${md[bscalar]}"))"
        unset t md
    done
    echo "runs per variant: $RUNS (medians of the emulator's CPU ms)"
    echo "$last (qemu-user)"
    exit $status
fi

printf '%-10s %10s %10s %10s %9s %9s\n' program "native ms" "compiled" "interp" compiled interp
sumc=0 sumi=0 n=0
for p in $progs; do
    nat=$XDIR/native/$p wasm=$DIR/wasm/$p.wasm
    if [ ! -x "$nat" ] || [ ! -f "$wasm" ]; then
        echo "$p: missing $nat or $wasm" >&2
        status=1
        continue
    fi
    tn="" tc="" ti=""
    for r in $(seq "$RUNS"); do
        tn+=" $(run_one native "$p" "$nat")"
        tc+=" $(run_one compiled "$p" "$ENGINE" run --engine=compiled "$wasm")"
        ti+=" $(run_one interp "$p" "$ENGINE" run --engine=interp "$wasm")"
        # every variant must print what the native program prints
        for v in compiled interp; do
            cmp -s "$OUT/native-$p.out" "$OUT/$v-$p.out" || { echo "$p: $v output differs" >&2; status=1; }
        done
    done
    case "$tn$tc$ti" in *fail*) echo "$p: a run failed" >&2; status=1; continue ;; esac
    mn=$(echo "$tn" | median) mc=$(echo "$tc" | median) mi=$(echo "$ti" | median)
    rc=$(awk -v a="$mc" -v b="$mn" 'BEGIN {printf "%.2f", a / b}')
    ri=$(awk -v a="$mi" -v b="$mn" 'BEGIN {printf "%.2f", a / b}')
    printf '%-10s %10s %10s %10s %8sx %8sx\n' "$p" "$mn" "$mc" "$mi" "$rc" "$ri"
    sumc=$(awk -v s="$sumc" -v r="$rc" 'BEGIN {print s + log(r)}')
    sumi=$(awk -v s="$sumi" -v r="$ri" 'BEGIN {print s + log(r)}')
    n=$((n + 1))
done
[ $n -gt 0 ] || { echo "bench-$arch: no program ran"; exit 1; }
awk -v a="$arch" -v c="$sumc" -v i="$sumi" -v n="$n" 'BEGIN {
    printf "bench-%s: compiled %.2fx native, interpreter %.2fx native (geomean, qemu-user)\n",
           a, exp(c / n), exp(i / n) }'
exit $status
