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
#   run gpsfix exact 2 -w  the Rust app (sdk/rust's sensor API): an exact
#                        fix the policy allows, read until the lease expires
#   run gpsfix 20        asked at the shell, y: the coarse fix; revoked
#   run where 2 -w       the AssemblyScript app (SensorLease): the coarse
#                        fix, read until the lease expires; where exact denied
#   run locate -t 30     asked at the shell: answered n (refused), then y:
#                        a fix; `leases` lists "gps locate coarse N";
#                        `revoke locate` ends it, `leases` is empty
#   kill, restart gps    during a lease: the broker hands the device over
#                        again when the driver stays silent; a new lease
#                        gets its fix; revoke ends both
#   run privbench 20 20  a short make bench-privacy: 20 leases, each read
#                        until it failed, no byte of them left visible
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

# QEMU with the serial console on a FIFO, the GPS fed, the disk: shared
# with make bench-privacy.
. tests/privacy/qemu.sh

for a in $ARCHES; do
    if ! make -s ARCH="$a" kernel >"$OUT/$a-build.log" 2>&1; then
        tail -n 20 "$OUT/$a-build.log" >&2
        bad "$a: product kernel build failed (log $OUT/$a-build.log)"
        continue
    fi
    make_disk "$OUT/$a-disk.img" 'locate gps coarse allow 5' 'locate gps exact deny' 'gpsfix gps exact allow 5' \
        'where gps coarse allow 5' 'where gps exact deny' \
        'privbench gps coarse allow 3600' '* * * ask' ||
        { bad "$a: disk image"; continue; }
    FEED=
    feed_gps "$OUT/$a-gps"
    cmd=$(make -s ARCH="$a" print-run)
    start_qemu "$OUT/$a.log" $cmd $(dev_args "$a" "$OUT/$a-disk.img" "$OUT/$a-gps")
    if ! wait_for 0; then
        bad "$a: no prompt (log $OUT/$a.log)"
        kill "$QPID" 2>/dev/null
        stop_qemu; stop_gps
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

    # the broker logs the lease's end when it notices it, which may come after
    # the app's failed read and the prompt: wait for the line (loaded machine)
    wait_for 0 'of gps to locate ended (expired)' || true
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

    # gpsfix, the same through the Rust SDK (sdk/rust: sensor::Client,
    # Lease::read_fix): an exact fix the policy allows, read until the
    # lease expires; a coarse one asked at the shell
    if type_cmd 'run gpsfix exact 2 -w\r' &&
       # exact: from a GGA sentence (altitude, satellites) if one came within
       # the program's second of waiting, else from an RMC one; which comes
       # first depends on the host's load, the precision does not
       grep -Eqx 'gpsfix: 48\.858[45][0-9]{2} N 2\.294[5-8][0-9]{2} E, (35\.0 m, 9 satellites, 12:00:0[0-9] UTC \(exact\)|12:00:0[0-9] UTC \(exact, no altitude\))' "$OUT/last" &&
       grep -Eqx 'gpsfix: gps: lease [0-9]+ ended, the next read failed: lease expired \(after [0-9]+ reads\)' "$OUT/last" &&
       grep -qx 'run: gpsfix: exit status 0' "$OUT/last"; then
        ok "$a gpsfix (rust): exact fix through the broker, lease expired, next read failed"
    else bad "$a gpsfix exact: $(grep -E '^(gpsfix|run):' "$OUT/last" | tr '\n' '|')"; fi
    if type_cmd 'run gpsfix 20\r' "? [y/N] " &&
       grep -qF "allow 'gpsfix' to read gps (coarse) for 20 s? [y/N] " "$OUT/last" && type_cmd 'y\r' &&
       grep -Eqx 'gpsfix: 48\.855000 N 2\.295000 E, 12:00:0[0-9] UTC \(coarse, 0\.01 degree cell\)' "$OUT/last" &&
       grep -qx 'run: gpsfix: exit status 0' "$OUT/last" && type_cmd 'revoke gpsfix\r' &&
       grep -qx 'revoke: 1 lease of gpsfix ended' "$OUT/last"; then
        ok "$a gpsfix (rust): asked at the shell, y: the coarse fix (cell centre, no altitude); revoked"
    else bad "$a gpsfix coarse: $(grep -E '^(gpsfix|run|revoke):' "$OUT/last" | tr '\n' '|')"; fi

    # where, the same through the AssemblyScript SDK (SensorLease)
    if type_cmd 'run where 2 -w\r' && grep -qx 'where: 48.855000 N 2.295000 E (coarse)' "$OUT/last" &&
       grep -Eqx 'where: lease [0-9]+ ended, the next read failed: lease expired \(after [0-9]+ reads; the fix kept: 0\)' "$OUT/last" &&
       grep -qx 'run: where: exit status 0' "$OUT/last"; then
        ok "$a where (assemblyscript): coarse fix through the broker, lease expired, next read failed, fix cleared"
    else bad "$a where: $(grep -E '^(where|run):' "$OUT/last" | tr '\n' '|')"; fi
    type_cmd 'run where exact\r' && grep -qx 'where: no lease of the gps: refused' "$OUT/last" &&
        grep -qx 'run: where: exit status 1' "$OUT/last" &&
        ok "$a where exact: denied by the policy" || bad "$a where exact: $(tr '\n' '|' <"$OUT/last")"

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

    # the driver restarted during a lease (its entry runs again and waits for
    # the device): the broker notices the silence, hands the device over
    # again, and the next app gets its fix
    if type_cmd 'run locate -t 60\r' "? [y/N] " && type_cmd 'y\r' && grep -qxF "$COARSE" "$OUT/last" &&
       type_cmd 'kill gps\r' && type_cmd 'restart gps\r' && since=$(stat -c %s "$LOG") &&
       wait_for "$since" ': handing it the device again' && wait_for "$since" 'is port 1, opened' &&
       type_cmd 'run locate -t 60\r' "? [y/N] " && type_cmd 'y\r' && grep -qxF "$COARSE" "$OUT/last" &&
       type_cmd 'revoke locate\r' && grep -qx 'revoke: 2 leases of locate ended' "$OUT/last"; then
        ok "$a gps driver restarted during a lease: device handed over again, fix, both leases revoked"
    else bad "$a driver restart: $(grep -E '^(locate|run|revoke|privacy|restart):' "$OUT/last" | tr '\n' '|')"; fi

    # a short make bench-privacy: 20 leases, each read until it fails
    if type_cmd 'run privbench 20 20\r' &&
       grep -Eqx 'privacy: leases 20, revoke-to-fail max [0-9]+ us p99 [0-9]+ us, leaked bytes 0, coarse clock 1000 us' "$OUT/last" &&
       grep -qx 'run: privbench: exit status 0' "$OUT/last"; then
        ok "$a privbench 20 leases: $(grep '^privacy: leases' "$OUT/last")"
    else bad "$a privbench: $(grep -E '^(privacy: leases|privbench|run):' "$OUT/last" | tr '\n' '|')"; fi

    printf 'poweroff\r' >&3
    stop_qemu; stop_gps
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
