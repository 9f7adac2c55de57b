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
rm -f "$out/in.fifo" "$out/$a.log"
mkfifo "$out/in.fifo"
timeout -k 5 600 $(make -s ARCH="$a" print-run) $(make -s ARCH="$a" print-run-devs) -display none \
    <"$out/in.fifo" >"$out/$a.log" 2>&1 &
qpid=$!
exec 3>"$out/in.fifo"
# Waits for the log to end with a prompt, past byte $1.
prompt() {
    for _ in $(seq 6000); do
        [ "$(stat -c %s "$out/$a.log")" -gt "$1" ] && [ "$(tail -c 7 "$out/$a.log")" = 'azoth$ ' ] && return 0
        kill -0 $qpid 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
prompt 0 || { echo "bench-display: no prompt (log $out/$a.log)" >&2; kill $qpid; exit 1; }
size=$(stat -c %s "$out/$a.log")
printf 'run dispbench %s\r' "$frames" >&3
prompt "$size"
printf 'poweroff\r' >&3
exec 3>&-
wait $qpid
rm -f "$out/in.fifo"
line=$(tr -d '\r' <"$out/$a.log" | grep -m1 '^dispbench: full-frame')
[ -n "$line" ] || { echo "bench-display: no figures (log $out/$a.log)" >&2; exit 1; }
echo "display ($a, $frames frames, QEMU TCG): ${line#dispbench: }"
echo "display: ${line#dispbench: }"
