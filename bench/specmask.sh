#!/usr/bin/env bash
# The cost of the speculation clamp on bounds checks (docs/privacy.md):
# every bench program under the engine as built (masked) and under one built
# with -DWASM_NO_SPEC_MASK, alternating, BENCH_RUNS (default 5) times each;
# per program the median CPU time of each and their ratio, then the geomean
# (BENCH_FLAGS=--bounds=explicit measures the compiled tier's masks, which
# guard regions, the x86_64 default, do without):
#   specmask: masked / unmasked = R (geomean of N programs, median of K runs)
set -u
DIR=${BENCH_DIR:-build/bench}
MASKED=$DIR/azoth-wasm
PLAIN=$DIR/azoth-wasm-nomask
RUNS=${BENCH_RUNS:-5}
FLAGS=${BENCH_FLAGS:-}   # e.g. --bounds=explicit: the compiled tier's masks
T=$DIR/timeit
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
logsum=0 n=0
printf '%-10s %10s %10s %7s\n' program masked_ms plain_ms ratio
for w in "$DIR"/wasm/*.wasm; do
    p=$(basename "$w" .wasm)
    m=() q=()
    for ((i = 0; i < RUNS; i++)); do
        m+=("$("$T" /dev/null /dev/null 120 "$MASKED" run $FLAGS "$w" | awk '{print $2}')")
        q+=("$("$T" /dev/null /dev/null 120 "$PLAIN" run $FLAGS "$w" | awk '{print $2}')")
    done
    mm=$(printf '%s\n' "${m[@]}" | median) qq=$(printf '%s\n' "${q[@]}" | median)
    r=$(awk -v a="$mm" -v b="$qq" 'BEGIN {printf "%.3f", (b > 0) ? (a / b) : 1}')
    printf '%-10s %10s %10s %7s\n' "$p" "$mm" "$qq" "$r"
    logsum=$(awk -v s="$logsum" -v r="$r" 'BEGIN {print s + log(r)}')
    n=$((n + 1))
done
awk -v s="$logsum" -v n="$n" -v k="$RUNS" \
    'BEGIN {printf "specmask: masked / unmasked = %.3f (geomean of %d programs, median of %d runs)\n", exp(s / n), n, k}'
