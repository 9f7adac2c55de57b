#!/usr/bin/env bash
# make bench-display [ARCH=...] [FRAMES=60] [RUNS=1] [VS=<kernel ELF>]:
# boots the product kernel in QEMU (TCG) with `make run`'s devices and
# -display none, runs the program dispbench from the shell
# (user/apps/dispbench) and prints its figures, the last line
#   display: full-frame F fps, driver-only G fps, present 64x64 P us
# (docs/display.md). RUNS boots it that many times and the last line gives
# the medians. VS=<ELF>: another kernel for the same ARCH (say, the build
# of an earlier commit, copied aside) booted in turn with this one, run
# for run, so both see the same load; its medians and the ratios this /
# VS come first. The figures are noisy on a shared machine.
set -u
cd "$(dirname "$0")/.."
a=${1:-x86_64}
frames=${2:-60}
runs=${3:-1}
vs=${4:-}
out=build/bench-display
mkdir -p "$out"
make -s ARCH="$a" kernel disk >"$out/build.log" 2>&1 || { tail "$out/build.log" >&2; exit 1; }
[ -z "$vs" ] || [ -f "$vs" ] || { echo "bench-display: VS=$vs: no such kernel" >&2; exit 1; }
OUT=$out
WAIT=600                        # one answer: the whole bench run
QEMU_TIMEOUT=600
. tests/qemu-serial.sh
elf=build/kernel/$a/athanor.elf
# One boot of kernel $1: dispbench's figures (F G P) on stdout.
one() {
    start_qemu "$out/$a.log" $(make -s ARCH="$a" print-run | sed "s|$elf|$1|") \
        $(make -s ARCH="$a" print-run-devs) -display none
    wait_prompt 0 || { echo "bench-display: no prompt (log $out/$a.log)" >&2; kill "$QPID"; return 1; }
    type_cmd "run dispbench $frames\r"
    printf 'poweroff\r' >&3
    stop_qemu
    local line
    line=$(tr -d '\r' <"$out/$a.log" | grep -m1 '^dispbench: full-frame')
    [ -n "$line" ] || { echo "bench-display: no figures (log $out/$a.log)" >&2; return 1; }
    echo "display ($a, $frames frames, QEMU TCG, $1): ${line#dispbench: }" >&2
    echo "$line" | sed -E 's/.*full-frame ([0-9.]+) fps, driver-only ([0-9.]+) fps, present 64x64 ([0-9]+) us/\1 \2 \3/'
}
: >"$out/this.txt"
: >"$out/vs.txt"
for ((i = 0; i < runs; i++)); do
    one "$elf" >>"$out/this.txt" || exit 1
    [ -z "$vs" ] || one "$vs" >>"$out/vs.txt" || exit 1
done
# Medians of columns 1..3 of file $1.
med() {
    local c
    for c in 1 2 3; do
        cut -d' ' -f$c "$1" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
    done | paste -sd' '
}
read -r f g p <<<"$(med "$out/this.txt")"
if [ -n "$vs" ]; then
    read -r vf vg vp <<<"$(med "$out/vs.txt")"
    echo "display VS ($vs, medians of $runs): full-frame $vf fps, driver-only $vg fps, present 64x64 $vp us"
    awk -v f="$f" -v g="$g" -v p="$p" -v vf="$vf" -v vg="$vg" -v vp="$vp" 'BEGIN {
        printf "display: this / VS: full-frame %.2f, driver-only %.2f, present 64x64 %.2f\n", f / vf, g / vg, p / vp }'
fi
[ "$runs" = 1 ] || echo "display ($a, medians of $runs runs):"
echo "display: full-frame $f fps, driver-only $g fps, present 64x64 $p us"
