#!/usr/bin/env bash
# make bench-privacy [ARCH=x86_64|aarch64|riscv64] [PRIVACY_LEASES=1000]
# [PRIVACY_MS=20]: boots the product image in QEMU with the three sensor
# stand-ins (GPS, microphone, camera) and a disk whose policy lets
# privbench have coarse leases of each, runs `privbench N MS` at the shell
# (user/apps/privbench: N leases one after the other, the GPS, the
# microphone and the camera in turn, the time from each one's end to the
# app's first failed read,
# the lease pages' bytes left visible to the app, the coarse clock's step)
# and ends with its line:
#   privacy: leases N, revoke-to-fail max M us p99 Q us, leaked bytes L, coarse clock R us
# QEMU is software emulation (TCG) on a shared machine: the times are the
# kernel clock's, inside the guest. Logs: build/privacy-bench/.
set -u
cd "$(dirname "$0")/.."
a=${1:-x86_64}
N=${PRIVACY_LEASES:-1000}
MS=${PRIVACY_MS:-20}
OUT=build/privacy-bench
WAIT=${PRIVACY_WAIT:-300}
mkdir -p "$OUT"
. tests/privacy/qemu.sh

make -s ARCH="$a" kernel sensor-data >"$OUT/$a-build.log" 2>&1 || { tail -n 20 "$OUT/$a-build.log" >&2; exit 1; }
make_disk "$OUT/$a-disk.img" 'privbench gps coarse allow 3600' 'privbench mic level allow 3600' \
    'privbench camera low allow 3600' '* * * deny' || exit 1
FEED=
feed_gps "$OUT/$a-gps"
feed_mic "$OUT/$a-mic"
feed_cam "$OUT/$a-cam"
# Guest time: by default QEMU counts instructions (-icount, 1 ns each, no
# sleeping through idle time), so the figures are the kernel's own, not the
# host's scheduling of QEMU on a shared machine; PRIVACY_REALTIME=1 runs
# on the host's clock instead.
icount="-icount shift=0,sleep=off"
[ "${PRIVACY_REALTIME:-0}" = 1 ] && icount=
start_qemu "$OUT/$a.log" $(make -s ARCH="$a" print-run) $icount \
    $(dev_args "$a" "$OUT/$a-disk.img" "$OUT/$a-gps" "$OUT/$a-mic" "$OUT/$a-cam")
st=1
if wait_for 0 && type_cmd "run privbench $N $MS\r"; then
    line=$(grep -E '^privacy: leases ' "$OUT/last")
    grep -E '^privbench: ' "$OUT/last" >&2
    [ -n "$line" ] && grep -qx 'run: privbench: exit status 0' "$OUT/last" && st=0
fi
printf 'poweroff\r' >&3
stop_qemu; stop_gps
[ -n "${line:-}" ] || { echo "bench-privacy: no result (log $OUT/$a.log)" >&2; exit 1; }
echo "$line"
exit $st
