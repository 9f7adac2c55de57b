#!/usr/bin/env bash
# make bench-display [ARCH=...] [FRAMES=60]: boots the product kernel in
# QEMU (TCG) with `make run`'s devices and -display none, runs the program
# dispbench from the shell (user/apps/dispbench) and prints its figures as
#   display: full-frame F fps, driver-only G fps, present 64x64 P us
# (docs/display.md). One run; the figures are noisy on a shared machine.
set -u
cd "$(dirname "$0")/.."
a=${1:-x86_64}
frames=${2:-60}
out=build/bench-display
mkdir -p "$out"
make -s ARCH="$a" kernel disk >"$out/build.log" 2>&1 || { tail "$out/build.log" >&2; exit 1; }
OUT=$out
WAIT=600                        # one answer: the whole bench run
QEMU_TIMEOUT=600
. tests/qemu-serial.sh
start_qemu "$out/$a.log" $(make -s ARCH="$a" print-run) $(make -s ARCH="$a" print-run-devs) -display none
wait_prompt 0 || { echo "bench-display: no prompt (log $out/$a.log)" >&2; kill "$QPID"; exit 1; }
type_cmd "run dispbench $frames\r"
printf 'poweroff\r' >&3
stop_qemu
line=$(tr -d '\r' <"$out/$a.log" | grep -m1 '^dispbench: full-frame')
[ -n "$line" ] || { echo "bench-display: no figures (log $out/$a.log)" >&2; exit 1; }
echo "display ($a, $frames frames, QEMU TCG): ${line#dispbench: }"
echo "display: ${line#dispbench: }"
