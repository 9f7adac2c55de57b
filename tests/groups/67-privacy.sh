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
#   run --sensors /bin/wsensor.wasm /sensors/gps/coarse/2 -w  a WASI
#                        program (tests/privacy/wsensor.c, wasi-libc only)
#                        reads the GPS as a file: the coarse fix, then the
#                        read after the lease's end fails; exact asked at
#                        the shell, y: the exact fix, the lease ends with
#                        the file; without --sensors no /sensors
#   run locate -t 3, then run locate -t 30 left unanswered: the first
#                        lease expires and the device stops while the
#                        question is open (the broker does not wait for the
#                        person); then y: a fix
#   kill, restart gps    during a lease: the broker hands the device over
#                        again when the driver stays silent; a new lease
#                        gets its fix; revoke ends both
#   run privbench 20 20  a short make bench-privacy: 20 leases (GPS,
#                        microphone, camera in turn), each read until it
#                        failed, no byte of them left visible
# The microphone and the camera (a virtio-serial device each, fed the
# build's test WAV and frame stream: make sensor-data):
# record and snap are WASI programs (user/wasi/, run --sensors [--dir /]):
#   run record -l 3      a level-only lease: the loud and the quiet second
#                        of the WAV as -17 and -59 dBFS, then the lease
#                        expires and the next read fails; the device was
#                        live, then stopped, the driver lost it
#   run record -w 1 /rec.wav  a raw lease: 1 s written as a WAV file, its
#                        samples a stretch of the fed ones (checked on the
#                        disk image after poweroff), the next read after
#                        the lease's end fails
#   run snap -t 3 -w /snap.ppm  a full frame, equal to one fed; the read
#                        after the lease's end fails
#   run snap -l /low.ppm the low resolution frame: 80x60, each pixel the
#                        mean of a 4x4 block of a fed frame
#   run --sensors /bin/wsensor.wasm /sensors/mic/level/2 -s  the WASI
#                        program reads the microphone's level file as a
#                        stream: only level lines, then the lease's end
#   run --sensors --dir / /bin/wsensor.wasm /sensors/camera/low/3 -f /wlow.ppm
#                        the low frame read whole as a PPM file, copied to
#                        the disk (checked there like low.ppm)
#   run rsmedia mic level 3, run rsmedia camera full 3  the Rust SDK's
#                        microphone and camera leases (sensor::Lease::
#                        read_stream, read_frame), run asmedia mic raw 3,
#                        run asmedia camera low 3  the AssemblyScript SDK's
#                        (SensorLease.readStream, readFrame): the loud and the
#                        quiet second's levels (raw: computed by the program
#                        from the samples), a frame whose FNV-1a is a fed
#                        frame's (full) or its 4x4 means' (low), each read
#                        until the lease expires;
#   the fed 320x200 frame dropped by the camera driver with its reason;
#   caps mic, caps camera: each driver holds its own DMA memory, its device
#                        channel and its endpoint to the broker, nothing
#                        else (no file system, no other sensor), as
#                        user/manifest.txt says
#   poweroff             status 0
# A second, short boot with the display, the GPS, the microphone and the
# camera: the indicator's blue dot in the screen's top right-hand corner
# while locate's lease is live (QMP screendump), the tile's black there
# after the lease ended; the camera's green dot there while asmedia's
# lease is live; `run --sensors --display --dir / snap -l` shows
# its frame in the floating window (4x: the screendump's 320x240 there are
# a fed frame's 4x4 means), and without --display it draws nothing (not
# on aarch64: its four register pages hold the disk and the three sensors,
# none is left for the GPU).
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

# A screendump over QMP to $OUT/$a-NAME.ppm (the indicator's session).
shot() {
    rm -f "$OUT/$a-$1.ppm"
    build/dispcheck qmp "$SOCK" "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$PWD/$OUT/$a-$1.ppm\"}}" \
        >"$OUT/$a-qmp.log" 2>&1 && [ -s "$OUT/$a-$1.ppm" ]
}
# The corner is black again (the broker takes the dot away just after
# logging the lease's end).
dot_gone() {
    shot dot-off && build/dispcheck rect "$OUT/$a-dot-off.ppm" 1008 4 12 12 000000 2>"$OUT/$a-dot.check"
}

# user/manifest.txt: the microphone and camera drivers' entries grant
# their own device's DMA memory, their device channel and their endpoint
# to the broker, and nothing else.
for d in mic:serial1 camera:serial2; do
    n=${d%%:*}
    got=$(awk -v n="$n" '/^[^ #]/ { on = $1 == n; next } on && NF { print $1, $2 }' user/manifest.txt | sort | tr '\n' ',')
    want=$(printf '%s\n' "dma ${d#*:}" "channel $n.dev" "endpoint $n.data" | sort | tr '\n' ',')
    [ "$got" = "$want" ] && ok "manifest: $n holds only ${want%,}" || bad "manifest: $n holds $got"
done
make -s sensor-data build/dispcheck build/programs/record.wasm build/programs/snap.wasm >"$OUT/sensor-data.log" 2>&1 ||
    bad "make sensor-data, record and snap (log $OUT/sensor-data.log)"
# the WASI program that reads a sensor as a file (wasi-libc, no SDK)
clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror tests/privacy/wsensor.c -o "$OUT/wsensor.wasm" ||
    bad "tests/privacy/wsensor.c does not build"

for a in $ARCHES; do
    if ! make -s ARCH="$a" kernel >"$OUT/$a-build.log" 2>&1; then
        tail -n 20 "$OUT/$a-build.log" >&2
        bad "$a: product kernel build failed (log $OUT/$a-build.log)"
        continue
    fi
    DISK_BIN="$OUT/wsensor.wasm build/programs/record.wasm build/programs/snap.wasm" make_disk "$OUT/$a-disk.img" 'locate gps coarse allow 5' 'locate gps exact deny' 'gpsfix gps exact allow 5' \
        'where gps coarse allow 5' 'where gps exact deny' \
        'privbench gps coarse allow 3600' 'privbench mic level allow 3600' 'privbench camera low allow 3600' \
        'record mic * allow 5' 'snap camera * allow 5' \
        'wsensor gps coarse allow 3' 'wsensor mic level allow 3' 'wsensor camera low allow 3' \
        'rsmedia mic level allow 3' 'rsmedia camera full allow 3' 'asmedia mic raw allow 3' \
        'asmedia camera low allow 3' '* * * ask' ||
        { bad "$a: disk image"; continue; }
    FEED=
    feed_gps "$OUT/$a-gps"
    feed_mic "$OUT/$a-mic"
    feed_cam "$OUT/$a-cam"
    cmd=$(make -s ARCH="$a" print-run)
    start_qemu "$OUT/$a.log" $cmd $(dev_args "$a" "$OUT/$a-disk.img" "$OUT/$a-gps" "$OUT/$a-mic" "$OUT/$a-cam")
    if ! wait_for 0; then
        bad "$a: no prompt (log $OUT/$a.log)"
        kill "$QPID" 2>/dev/null
        stop_qemu; stop_gps
        continue
    fi
    # the broker prints the indicator lines once its thread first runs,
    # which may come after the prompt on a loaded machine
    wait_for 0 'privacy: camera off (no lease; device stopped)' || true
    if tr -d '\r' <"$LOG" | grep -Eq '^athanor: devices: .*serial0 \(virtio-(pci|mmio) .*serial2 \(' &&
       tr -d '\r' <"$LOG" | grep -qx 'privacy: gps off (no lease; device stopped)' &&
       tr -d '\r' <"$LOG" | grep -qx 'privacy: mic off (no lease; device stopped)' &&
       tr -d '\r' <"$LOG" | grep -qx 'privacy: camera off (no lease; device stopped)'; then
        ok "$a serial0-2 found, the GPS, microphone and camera off until a lease"
    else bad "$a: devices line or indicator: $(tr -d '\r' <"$LOG" | grep -m1 '^athanor: devices:')"; fi

    # 1. the policy allows a coarse fix for 2 s; it expires; the read after fails
    # The broker's lines at the lease's end (2 ms after it) go to the same
    # console; locate and the broker print each line with one debug_print
    # (ath_printf), so they land between locate's lines, never inside one.
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
    # and the driver notices that it lost the device at its next wake-up
    # (it sleeps on the interrupt, which the revocation masked: up to 1 s)
    wait_for 0 'gps: device access revoked; fixes sent' || true
    log=$(tr -d '\r' <"$LOG")
    if grep -qx 'privacy: gps live: locate (coarse)' <<<"$log" &&
       grep -Eq 'privacy: lease [0-9]+ of gps to locate ended \(expired\)$' <<<"$log" &&
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

    # a WASI program (wasi-libc only) reads the GPS as a file below /sensors
    # (run --sensors): the policy allows a coarse fix for 2 s, the read after
    # the lease's end fails; exact is asked at the shell, y gives the exact
    # fix and closing the file ends the lease; without --sensors there is no
    # such directory
    if type_cmd 'run --sensors /bin/wsensor.wasm /sensors/gps/coarse/2 -w\r' &&
       grep -qx 'wsensor: 48.855000 N 2.295000 E' "$OUT/last" &&
       grep -Eqx 'wsensor: the next read failed: Operation timed out \(after [0-9]+ reads\)' "$OUT/last" &&
       grep -qx 'run: /bin/wsensor.wasm: exit status 0' "$OUT/last"; then
        ok "$a WASI program: a coarse fix from /sensors/gps/coarse/2, the read after the lease's end failed"
    else bad "$a WASI coarse: $(grep -E '^(wsensor|run):' "$OUT/last" | tr '\n' '|')"; fi
    if type_cmd 'run --sensors /bin/wsensor.wasm /sensors/gps/exact/20\r' "? [y/N] " &&
       grep -qF "allow 'wsensor' to read gps (exact) for 20 s? [y/N] " "$OUT/last" && type_cmd 'y\r' &&
       grep -Eqx 'wsensor: 48\.858[45][0-9]{2} N 2\.294[5-8][0-9]{2} E(, 35\.0 m)?' "$OUT/last" &&
       grep -qx 'run: /bin/wsensor.wasm: exit status 0' "$OUT/last" &&
       type_cmd 'leases\r' && ! grep -q '^gps wsensor ' "$OUT/last"; then
        ok "$a WASI program: asked at the shell, y: the exact fix; the file closed, the lease ended"
    else bad "$a WASI exact: $(tr '\n' '|' <"$OUT/last")"; fi
    if type_cmd 'run /bin/wsensor.wasm /sensors/gps/coarse/2\r' &&
       grep -qx 'wsensor: /sensors/gps/coarse/2: Capabilities insufficient' "$OUT/last"; then
        ok "$a WASI program without --sensors: no /sensors"
    else bad "$a WASI without --sensors: $(tr '\n' '|' <"$OUT/last")"; fi

    # the microphone and the camera as files: a level file read as a stream
    # (lines of the loud and the quiet second, never a sample) until the
    # lease's end; a low camera frame read whole as a PPM file and copied to
    # the disk (checked after poweroff: the 4x4 means of a fed frame)
    if type_cmd 'run --sensors /bin/wsensor.wasm /sensors/mic/level/2 -s\r' &&
       perl -0pi -e 's/mic: device access revoked; blocks sent \d+, refused \d+\n?//g' "$OUT/last" &&
       grep -Eqx 'wsensor: read [1-9][0-9]*[05] bytes in [0-9]+ reads; levels \(dBFS\):( -(1[6-9]|[2-5][0-9]|60))+' "$OUT/last" &&
       grep -qx 'wsensor: the next read failed: Operation timed out' "$OUT/last" &&
       grep -qx 'run: /bin/wsensor.wasm: exit status 0' "$OUT/last"; then
        ok "$a WASI program: $(grep '^wsensor: read' "$OUT/last" | cut -c10-) from /sensors/mic/level/2, then the lease's end"
    else bad "$a WASI mic level: $(grep -E '^(wsensor|run):' "$OUT/last" | tr '\n' '|')"; fi
    if type_cmd 'run --sensors --dir / /bin/wsensor.wasm /sensors/camera/low/3 -f /wlow.ppm\r' &&
       grep -qx 'wsensor: /wlow.ppm: P6 80x60, 14413 bytes' "$OUT/last" &&
       grep -qx 'run: /bin/wsensor.wasm: exit status 0' "$OUT/last"; then
        ok "$a WASI program: a low camera frame read whole from /sensors/camera/low/3 to /wlow.ppm"
    else bad "$a WASI camera low: $(grep -E '^(wsensor|run):' "$OUT/last" | tr '\n' '|')"; fi

    # a question open at the shell does not hold the broker up: a lease the
    # policy allowed (the program exits, its lease runs on for 3 s) ends, the
    # broker says so and stops the device while the person has not answered
    if type_cmd 'run locate -t 3\r' && grep -qxF "$COARSE" "$OUT/last" && since=$(log_size) &&
       type_cmd 'run locate -t 30\r' "? [y/N] " &&
       wait_for "$since" 'of gps to locate ended (expired)' &&
       wait_for "$since" 'privacy: gps off (no lease; device stopped)' &&
       ! tail -c +$((since + 1)) "$LOG" | grep -aq '^locate: ' &&
       type_cmd 'y\r' && grep -qxF "$COARSE" "$OUT/last" &&
       type_cmd 'revoke locate\r' && grep -qx 'revoke: 1 lease of locate ended' "$OUT/last"; then
        ok "$a while the prompt was open: another lease expired, the device stopped; then y: a fix"
    else bad "$a prompt open: $(tail -c +$((${since:-0} + 1)) "$LOG" | tr -d '\r' | grep -E '^(locate|run|privacy|allow)' | tr '\n' '|')"; fi

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
    # (its three long leases, which keep the devices on, are revoked after)
    if type_cmd 'run privbench 20 20\r' && line=$(grep '^privacy: leases' "$OUT/last") &&
       grep -Eqx 'privacy: leases 20, revoke-to-fail max [0-9]+ us p99 [0-9]+ us, leaked bytes 0, coarse clock 1000 us' <<<"$line" &&
       grep -qx 'run: privbench: exit status 0' "$OUT/last" &&
       type_cmd 'revoke privbench\r' && grep -qx 'revoke: 3 leases of privbench ended' "$OUT/last"; then
        ok "$a privbench 20 leases: $line"
    else bad "$a privbench: $(grep -E '^(privacy: leases|privbench|run):' "$OUT/last" | tr '\n' '|')"; fi

    # the microphone, level only: the WAV's loud second (-17 dBFS) and its
    # quiet one (-59), never a sample; the lease expires, the next read fails
    since=$(log_size)
    # The driver's log line at the lease's end goes to the same console
    # and may land inside record's last line: take it out before matching.
    if type_cmd 'run --sensors record -l 3\r' &&
       perl -0pi -e 's/mic: device access revoked; blocks sent \d+, refused \d+\n?//g' "$OUT/last" &&
       levels=$(sed -n 's/^record: levels (dBFS)://p' "$OUT/last" | tr ' ' '\n' | grep .) &&
       # every figure between the quiet and the loud one (a block may hold
       # the end of one and the start of the other), five or more of each
       ! grep -Evqx -- '-(1[6-9]|[2-5][0-9]|60)' <<<"$levels" &&
       [ "$(grep -Ecx -- '-1[6-8]' <<<"$levels")" -ge 5 ] && [ "$(grep -Ecx -- '-(58|59|60)' <<<"$levels")" -ge 5 ] &&
       grep -Eqx 'record: mic: lease ended, the next read failed: lease expired \(after [0-9]+ levels, [0-9]+ reads\)' "$OUT/last" &&
       grep -qx 'run: record: exit status 0' "$OUT/last"; then
        ok "$a record (WASI) -l: levels only (-17 and -59 dBFS), lease expired, next read failed"
    else bad "$a record -l: $(grep -E '^(record|run):' "$OUT/last" | tr '\n' '|')"; fi
    wait_for "$since" 'mic: device access revoked; blocks sent' || true
    log=$(tail -c +$((since + 1)) "$LOG" | tr -d '\r')
    if grep -qx 'privacy: mic live: record (level)' <<<"$log" &&
       grep -Eq '^privacy: lease [0-9]+ of mic to record ended \(expired\)$' <<<"$log" &&
       grep -qx 'privacy: mic off (no lease; device stopped)' <<<"$log" &&
       grep -Eq 'mic: device access revoked; blocks sent [1-9]' <<<"$log"; then
        ok "$a mic indicator live then off; the driver lost the device at the lease's end"
    else bad "$a mic indicator / physical revocation: $(grep -E '^(privacy|mic):' <<<"$log" | tr '\n' '|')"; fi
    # raw: a WAV file on the disk (checked after poweroff)
    if type_cmd 'run --sensors --dir / record -w 1 /rec.wav\r' &&
       grep -qx 'record: /rec.wav: 1 s of 16 kHz s16le mono, 32044 bytes' "$OUT/last" &&
       grep -qx 'record: mic: lease ended, the next read failed: lease expired' "$OUT/last" &&
       grep -qx 'run: record: exit status 0' "$OUT/last"; then
        ok "$a record (WASI): 1 s of raw samples to /rec.wav, lease expired, next read failed"
    else bad "$a record raw: $(grep -E '^(record|run):' "$OUT/last" | tr '\n' '|')"; fi
    # the camera: a full frame, then a low resolution one
    if type_cmd 'run --sensors --dir / snap -t 3 -w /snap.ppm\r' &&
       grep -qx 'snap: /snap.ppm: 320x240 (full), 230415 bytes' "$OUT/last" &&
       grep -Eqx 'snap: camera: lease ended, the next read failed: lease expired \(after [0-9]+ reads\)' "$OUT/last" &&
       grep -qx 'run: snap: exit status 0' "$OUT/last"; then
        ok "$a snap (WASI): a full frame to /snap.ppm, lease expired, next read failed"
    else bad "$a snap full: $(grep -E '^(snap|run):' "$OUT/last" | tr '\n' '|')"; fi
    if type_cmd 'run --sensors --dir / snap -l /low.ppm\r' &&
       grep -qx 'snap: /low.ppm: 80x60 (low), 14413 bytes' "$OUT/last" &&
       grep -qx 'run: snap: exit status 0' "$OUT/last"; then
        ok "$a snap (WASI) -l: a low resolution frame to /low.ppm"
    else bad "$a snap low: $(grep -E '^(snap|run):' "$OUT/last" | tr '\n' '|')"; fi
    # the microphone and the camera through the Rust and AssemblyScript SDKs
    for prog in 'rsmedia mic level' 'asmedia mic raw'; do
        p=${prog%% *}
        if type_cmd "run $prog 3\r" &&
           perl -0pi -e 's/mic: device access revoked; blocks sent \d+, refused \d+\n?//g' "$OUT/last" &&
           levels=$(sed -n "s/^$p: levels (dBFS)://p" "$OUT/last" | tr ' ' '\n' | grep .) &&
           ! grep -Evqx -- '-(1[6-9]|[2-5][0-9]|60)' <<<"$levels" &&
           [ "$(grep -Ecx -- '-1[6-8]' <<<"$levels")" -ge 5 ] && [ "$(grep -Ecx -- '-(58|59|60)' <<<"$levels")" -ge 5 ] &&
           grep -Eqx "$p: mic: lease ended, the next read failed: lease expired \(after [1-9][0-9]* bytes, 0 lost, [0-9]+ reads\)" "$OUT/last" &&
           grep -qx "run: $p: exit status 0" "$OUT/last"; then
            ok "$a $prog: $(wc -l <<<"$levels") levels (-17 and -59 dBFS), lease expired, next read failed"
        else bad "$a $prog: $(grep -E "^($p|run):" "$OUT/last" | tr '\n' '|')"; fi
    done
    for prog in 'rsmedia camera full' 'asmedia camera low'; do
        p=${prog%% *} low=
        [ "${prog##* }" = low ] && low=low
        if type_cmd "run $prog 3\r" &&
           sum=$(sed -En "s/^$p: camera: $([ -n "$low" ] && echo 80x60 || echo 320x240) frame [0-9]+, fnv1a ([0-9a-f]{8})\$/\\1/p" "$OUT/last") &&
           r=$(build/sensordata checksum "$sum" build/privacy/frames.ppm $low) &&
           grep -Eqx "$p: camera: lease ended, the next read failed: lease expired \(after [1-9][0-9]* frames\)" "$OUT/last" &&
           grep -qx "run: $p: exit status 0" "$OUT/last"; then
            ok "$a $prog: $r; lease expired, next read failed"
        else bad "$a $prog: ${r:-} $(grep -E "^($p|run):" "$OUT/last" | tr '\n' '|')"; fi
    done
    tr -d '\r' <"$LOG" | grep -Eq 'camera: dropped input: frames of the wrong size [1-9]' &&
        ok "$a camera driver: the 320x200 frame dropped with its reason" ||
        bad "$a camera driver: no drop of the wrong-size frame logged"
    # each sensor driver holds its own device, its channel and endpoint, nothing else
    for d in mic:serial1 camera:serial2; do
        n=${d%%:*}
        if type_cmd "caps $n\r" &&
           [ "$(awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $4 != "-" { print $4 }' "$OUT/last" | sort | tr '\n' ' ')" = \
             "$(printf '%s\n' "${d#*:}.dma" "$n.data" "$n.dev" | sort | tr '\n' ' ')" ]; then
            ok "$a caps $n: only ${d#*:}.dma, $n.dev, $n.data"
        else bad "$a caps $n: $(tr '\n' '|' <"$OUT/last")"; fi
    done

    printf 'poweroff\r' >&3
    stop_qemu; stop_gps
    # the privacy indicator on the screen: a second, short boot with the
    # display (QMP screendumps) and the GPS. While locate's 5 s lease is live the
    # top right-hand corner holds the GPS's blue dot (12x12 at x 1008, y 4);
    # after the lease ends it is the right-hand tile's black again
    SOCK=$OUT/$a.qmp
    rm -f "$SOCK"
    feed_gps "$OUT/$a-gps"
    cams=
    if [ "$a" != aarch64 ]; then
        feed_mic "$OUT/$a-mic"
        feed_cam "$OUT/$a-cam"
        cams="$OUT/$a-mic $OUT/$a-cam"
    fi
    start_qemu "$OUT/$a-dot.log" $cmd $(dot_args "$a" "$OUT/$a-disk.img" "$OUT/$a-gps" $cams) \
        -display none -qmp "unix:$SOCK,server=on,wait=off"
    if wait_for 0 && type_cmd 'run locate -t 5\r' && grep -qxF "$COARSE" "$OUT/last" && shot dot-live &&
       build/dispcheck rect "$OUT/$a-dot-live.ppm" 1008 4 12 12 3090ff 2>"$OUT/$a-dot.check" &&
       build/dispcheck rect "$OUT/$a-dot-live.ppm" 992 4 12 12 000000 2>>"$OUT/$a-dot.check" &&
       wait_for 0 'of gps to locate ended (expired)' && qemu_poll dot_gone; then
        ok "$a indicator: the GPS's dot in the screen's corner while the lease was live, gone after"
    else bad "$a indicator dot: $(cat "$OUT/$a-dot.check" 2>/dev/null | tr '\n' '|') (screendumps $OUT/$a-dot-*.ppm)"; fi
    # the camera's green dot (12x12 at x 976) while asmedia reads a frame,
    # beside no blue one (the GPS has no lease now)
    if [ "$a" != aarch64 ]; then
        size=$(log_size)
        printf 'run asmedia camera low 3\r' >&3
        if wait_for "$size" 'asmedia: camera: 80x60 frame' && shot cam-dot &&
           build/dispcheck rect "$OUT/$a-cam-dot.ppm" 976 4 12 12 00c000 2>"$OUT/$a-dot.check" &&
           build/dispcheck rect "$OUT/$a-cam-dot.ppm" 1008 4 12 12 000000 2>>"$OUT/$a-dot.check" &&
           wait_for "$size" 'run: asmedia: exit status 0' && wait_prompt "$size"; then
            ok "$a indicator: the camera's green dot in the corner while its lease is live"
        else bad "$a camera dot: $(cat "$OUT/$a-dot.check" 2>/dev/null | tr '\n' '|')"; fi
    fi
    # snap on the display: the floating window (320x240 at 608,264 of
    # 1024x768) shows its low frame at 4x; without --display, nothing (the
    # window's part over the right-hand tile stays as it was)
    if [ "$a" = aarch64 ]; then
        echo "skip $a snap on the display: the machine's four register pages hold the disk and the three sensors"
    elif shot snap-pre && type_cmd 'run --sensors --dir / snap -l /dlow.ppm\r' && ! grep -q 'display' "$OUT/last" &&
         shot snap-none && build/dispcheck same "$OUT/$a-snap-pre.ppm" "$OUT/$a-snap-none.ppm" 768 262 160 244 \
             2>"$OUT/$a-snapd.check" &&
         type_cmd 'run --sensors --display --dir / snap -l /dlow.ppm\r' &&
         grep -qx 'snap: /dlow.ppm: 80x60 (low), 14413 bytes' "$OUT/last" &&
         grep -qx 'snap: shown on the display (/display/win)' "$OUT/last" &&
         grep -qx 'run: snap: exit status 0' "$OUT/last" && shot snap-shown &&
         r=$(build/sensordata checkshot "$OUT/$a-snap-shown.ppm" 608 264 build/privacy/frames.ppm low); then
        ok "$a snap --display: its low frame in the floating window at 4x ($r); none without --display"
    else bad "$a snap on the display: $(grep -E '^(snap|run):' "$OUT/last" | tr '\n' '|') ${r:-} $(cat "$OUT/$a-snapd.check" 2>/dev/null)"; fi
    printf 'poweroff\r' >&3
    stop_qemu; stop_gps

    # what record and snap wrote, off the disk image
    for f in rec.wav snap.ppm low.ppm wlow.ppm; do
        rm -f "$OUT/$a-$f"
        debugfs -R "dump /$f $OUT/$a-$f" "$OUT/$a-disk.img" >/dev/null 2>&1
    done
    r=$(build/sensordata checkwav "$OUT/$a-rec.wav" build/privacy/test.wav) &&
        ok "$a $r" || bad "$a rec.wav: $r"
    r=$(build/sensordata checkppm "$OUT/$a-snap.ppm" build/privacy/frames.ppm) &&
        ok "$a $r" || bad "$a snap.ppm: $r"
    r=$(build/sensordata checkppm "$OUT/$a-low.ppm" build/privacy/frames.ppm low) &&
        ok "$a $r" || bad "$a low.ppm: $r"
    r=$(build/sensordata checkppm "$OUT/$a-wlow.ppm" build/privacy/frames.ppm low) &&
        ok "$a (WASI) $r" || bad "$a wlow.ppm: $r"
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
