#!/usr/bin/env bash
# Sensors, the broker and leases in the product image (docs/privacy.md),
# for each architecture (default x86_64 aarch64 riscv64, or the ones named
# as arguments): QEMU gets a virtio-serial device whose port
# org.azoth.gps is fed NMEA sentences from tests/privacy/gps.nmea at a
# steady rate (a FIFO, -chardev pipe), and a disk whose
# /etc/sensors.policy lets locate have a coarse fix for up to 5 s, denies
# it an exact one and asks for the rest. Typed at the shell:
#   run locate -t 2 -w   allowed by the policy: the coarse fix (the centre
#                        of the 0.01 degree cell of the fed position), the
#                        lease expires, the next read fails "lease expired";
#                        the console showed "gps live" then "gps off" and
#                        the driver lost the device (physical revocation)
#   run locate exact     denied by the policy
#   run locate -t 30     asked at the shell: answered n (refused), then y:
#                        a fix; `leases` lists "gps locate coarse N";
#                        `revoke locate` ends it, `leases` is empty
#   poweroff             status 0
# Logs: build/privacy-tests/.
set -u
cd "$(dirname "$0")/../.."

ARCHES=${*:-x86_64 aarch64 riscv64}
OUT=build/privacy-tests
WAIT=${PRIVACY_WAIT:-60}
mkdir -p "$OUT"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# The fed position 48 deg 51.504 min N, 2 deg 17.670 min E lies in the
# cell 48.85..48.86 N, 2.29..2.30 E: coarse answers its centre.
COARSE='locate: 48.855000 N 2.295000 E (coarse, 0.01 degree cell)'

start_qemu() {     # log, command...
    LOG=$1
    shift
    rm -f "$OUT/in.fifo" "$LOG"
    mkfifo "$OUT/in.fifo"
    timeout -k 5 300 "$@" <"$OUT/in.fifo" >"$LOG" 2>&1 &
    QPID=$!
    exec 3>"$OUT/in.fifo"
}

# Waits until the log past size $1 holds $2 (default the prompt).
wait_for() {
    local since=${1:-0} want=${2:-'azoth$ '} i
    for ((i = 0; i < WAIT * 20; i++)); do
        # kernel lines (the broker's, the driver's) may follow the prompt
        if [ "$(stat -c %s "$LOG" 2>/dev/null || echo 0)" -gt "$since" ] &&
           tail -c +$((since + 1)) "$LOG" | tr -d '\r' | grep -qF -- "$want"; then
            return 0
        fi
        kill -0 "$QPID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# Types $1 and waits for $2 (default the prompt); the output since is in
# $OUT/last (\r removed).
type_cmd() {
    local size
    size=$(stat -c %s "$LOG")
    printf "$1" >&3
    wait_for "$size" "${2:-azoth\$ }" || { echo "(no '${2:-prompt}' after $(printf %q "$1"))" >"$OUT/last"; return 1; }
    tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/last"
}

stop_qemu() {
    exec 3>&-
    wait "$QPID"
    ST=$?
    rm -f "$OUT/in.fifo"
    [ -n "${FEED:-}" ] && kill "$FEED" 2>/dev/null
    wait 2>/dev/null
}

make_disk() {      # image
    local tree="$1.tree"
    rm -rf "$tree" "$1" && mkdir -p "$tree/etc" &&
        printf '%s\n' '# the privacy boot test (tests/groups/67-privacy.sh)' \
            'locate gps coarse allow 5' 'locate gps exact deny' '* * * ask' >"$tree/etc/sensors.policy" &&
        E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b 1024 -d "$tree" "$1" 4M >/dev/null
}

# The GPS stand-in: one sentence every 50 ms, round and round, into the
# FIFO QEMU reads (opened by QEMU first; written early, it is held).
feed_gps() {       # fifo base
    rm -f "$1.in" "$1.out"
    mkfifo "$1.in" "$1.out"
    (while :; do
        while IFS= read -r l; do printf '%s\n' "$l" || exit 0; sleep 0.05; done <tests/privacy/gps.nmea
    done) >"$1.in" 2>/dev/null &
    FEED=$!
}

dev_args() {       # arch disk fifo
    local drive="-drive if=none,id=d0,file=$2,format=raw" gps="-chardev pipe,id=gps,path=$3"
    local port="-device virtserialport,bus=vser0.0,chardev=gps,name=org.azoth.gps"
    case $1 in
    x86_64) echo "$drive -device virtio-blk-pci,drive=d0,disable-legacy=on $gps -device virtio-serial-pci,disable-legacy=on,id=vser0 $port" ;;
    aarch64) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $gps -device virtio-serial-device,bus=virtio-mmio-bus.8,id=vser0 $port" ;;
    *) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $gps -device virtio-serial-device,bus=virtio-mmio-bus.1,id=vser0 $port" ;;
    esac
}

for a in $ARCHES; do
    if ! make -s ARCH="$a" kernel >"$OUT/$a-build.log" 2>&1; then
        tail -n 20 "$OUT/$a-build.log" >&2
        bad "$a: product kernel build failed (log $OUT/$a-build.log)"
        continue
    fi
    make_disk "$OUT/$a-disk.img" || { bad "$a: disk image"; continue; }
    FEED=
    feed_gps "$OUT/$a-gps"
    cmd=$(make -s ARCH="$a" print-run)
    start_qemu "$OUT/$a.log" $cmd $(dev_args "$a" "$OUT/$a-disk.img" "$OUT/$a-gps")
    if ! wait_for 0; then
        bad "$a: no prompt (log $OUT/$a.log)"
        kill "$QPID" 2>/dev/null
        stop_qemu
        continue
    fi
    if tr -d '\r' <"$LOG" | grep -Eq '^athanor: devices: .*serial0 \(virtio-(pci|mmio) ' &&
       tr -d '\r' <"$LOG" | grep -qx 'privacy: gps off (no lease; device stopped)'; then
        ok "$a serial0 found, the GPS off until a lease"
    else bad "$a: devices line or indicator: $(tr -d '\r' <"$LOG" | grep -m1 '^athanor: devices:')"; fi

    # 1. the policy allows a coarse fix for 2 s; it expires; the read after fails
    if type_cmd 'run locate -t 2 -w\r' && grep -qxF "$COARSE" "$OUT/last" &&
       grep -Eq '^locate: gps: lease ended, the next read failed: lease expired \(after [0-9]+ reads\)$' "$OUT/last" &&
       grep -qx 'run: locate: exit status 0' "$OUT/last"; then
        ok "$a locate: coarse fix through the broker, lease expired, next read failed"
    else bad "$a locate -t 2 -w: $(grep -E '^(locate|run):' "$OUT/last" | tr '\n' '|')"; fi
    type_cmd 'leases\r' && ! grep -Eq '^(gps|mic|camera) ' "$OUT/last" &&
        ok "$a leases: none after the expiry" || bad "$a leases after expiry: $(tr '\n' '|' <"$OUT/last")"

    log=$(tr -d '\r' <"$LOG")
    if grep -qx 'privacy: gps live: locate (coarse)' <<<"$log" &&
       grep -Eq '^privacy: lease [0-9]+ of gps to locate ended \(expired\)$' <<<"$log" &&
       [ "$(grep -cx 'privacy: gps off (no lease; device stopped)' <<<"$log")" -ge 2 ] &&
       grep -Eq '(^|azoth\$ )gps: device access revoked; fixes sent [1-9]' <<<"$log"; then
        ok "$a indicator live then off; the driver lost the device at the lease's end"
    else bad "$a indicator / physical revocation: $(grep -E '^(privacy|gps):' <<<"$log" | tr '\n' '|')"; fi

    # 2. the policy denies an exact fix
    type_cmd 'run locate exact\r' && grep -qx 'locate: no lease of the gps: refused' "$OUT/last" &&
        grep -qx 'run: locate: exit status 1' "$OUT/last" &&
        ok "$a locate exact: denied by the policy" || bad "$a locate exact: $(tr '\n' '|' <"$OUT/last")"

    # 3. over the policy's 5 s: asked at the shell; n refuses, y allows
    if type_cmd 'run locate -t 30\r' "? [y/N] " &&
       grep -qF "allow 'locate' to read gps (coarse) for 30 s? [y/N] " "$OUT/last" &&
       type_cmd 'n\r' && grep -qx 'locate: no lease of the gps: refused' "$OUT/last"; then
        ok "$a approval prompt at the shell, answered n: refused"
    else bad "$a prompt (n): $(tr '\n' '|' <"$OUT/last")"; fi
    if type_cmd 'run locate -t 30\r' "? [y/N] " && type_cmd 'y\r' && grep -qxF "$COARSE" "$OUT/last" &&
       grep -qx 'run: locate: exit status 0' "$OUT/last"; then
        ok "$a approval prompt answered y: a coarse fix"
    else bad "$a prompt (y): $(tr '\n' '|' <"$OUT/last")"; fi
    if type_cmd 'leases\r' && grep -Eqx 'gps locate coarse (2[0-9]|30)' "$OUT/last"; then
        ok "$a leases: $(grep -E '^gps ' "$OUT/last")"
    else bad "$a leases: $(tr '\n' '|' <"$OUT/last")"; fi
    if type_cmd 'revoke locate\r' && grep -qx 'revoke: 1 lease of locate ended' "$OUT/last" &&
       type_cmd 'leases\r' && ! grep -Eq '^(gps|mic|camera) ' "$OUT/last" &&
       tr -d '\r' <"$LOG" | grep -Eq '^privacy: lease [0-9]+ of gps to locate ended \(revoked\)$'; then
        ok "$a revoke locate: the lease ended, leases empty"
    else bad "$a revoke: $(tr '\n' '|' <"$OUT/last")"; fi
    type_cmd 'revoke locate\r' && grep -qx 'revoke: locate: no lease' "$OUT/last" &&
        ok "$a revoke with no lease: an error" || bad "$a revoke again: $(tr '\n' '|' <"$OUT/last")"

    printf 'poweroff\r' >&3
    stop_qemu
    if [ "$ST" = 0 ] || { [ "$a" = x86_64 ] && [ "$ST" = 1 ]; }; then
        tr -d '\r' <"$LOG" | grep -qx 'athanor: poweroff status 0' && ok "$a poweroff status 0" ||
            bad "$a poweroff line"
    else bad "$a poweroff (QEMU status $ST)"; fi
    # nothing trapped or faulted on the way
    if tr -d '\r' <"$LOG" | grep -Eq 'trapped|panic|faults=[1-9]| fault: '; then
        bad "$a: a trap or fault: $(tr -d '\r' <"$LOG" | grep -m2 -E 'trapped|panic|faults=[1-9]' | tr '\n' '|')"
    else ok "$a no trap or fault"; fi
done
echo "privacy: $pass passed, $fail failed"
[ "$fail" = 0 ]
