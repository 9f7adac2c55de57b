#!/usr/bin/env bash
# The display, headless (docs/display.md). For each architecture (default
# x86_64 aarch64 riscv64, or the ones named as arguments) boot the product
# kernel in QEMU with the devices `make run` adds (disk, entropy,
# virtio-gpu at 1024x768, virtio keyboard), -display none, a QMP socket, and the serial
# console on a pipe; type at the shell and take QMP screendumps (PPM),
# checked pixel by pixel with build/dispcheck:
#   the screen is 1024x768; the shell's banner and prompt drawn with the
#   disk's PSF font (fonts/Lat15-Terminus16.psf) at the top left, exactly;
#   the bar between the tiles;
#   `run testcard`: its colour bars and checkerboard in the right-hand tile,
#   the 64x64 damage it presented second, and none of what it painted
#   outside that damage;
#   `run testcard hostile`: every hostile present refused (exit status 0),
#   and the screen unchanged by them but for the one pixel it presented
#   properly at the end;
#   the GPU driver killed, the shell used while it is dead (its lines stay
#   off the screen: dropped frames), then restarted (the kernel resets the
#   device as the driver's DMA pages leave it): the next screendump shows the right-hand tile exactly
#   as before and the terminal with the lines typed meanwhile;
#   a shell command typed on the virtio keyboard with QMP send-key (after
#   keys that make no byte, Caps Lock on and off, a word cleared with
#   Ctrl-U; Shift for capitals and '!'): its echo and output on the screen;
#   `run testcard storm` stopped with Ctrl-C after a second (killed in the
#   middle of a frame, most likely inside the compositor or the driver),
#   then `run testcard`: the card drawn exactly as before;
#   `run dispbench hostile`: calls straight to the GPU driver with bad ops,
#   rectangles, buffer sizes and forged handles, all refused, the screen
#   unchanged;
#   `run dispbench rect`: a rectangle low in a whole frame lent straight
#   to the GPU driver shows that rectangle's rows, exactly;
#   `run monitor 2`: the system monitor's title and its own line (the newest
#   domain first) drawn in the disk's font;
#   a WASI program and the display's files (tests/display/wdisp.c, on a
#   copy of the system disk): without --display it has no /display; with
#   it, everything the display service must refuse is refused with its
#   error (reading, other names, bad PPM headers, bytes out of order or
#   past the picture, a fifth open file), and its 64x48 picture is shown
#   in the tile at 4x, exactly;
#   poweroff: QEMU ends by itself, status 0.
# Logs and screendumps: build/display-tests/.
set -u
cd "$(dirname "$0")/../.."

ARCHES=${*:-x86_64 aarch64 riscv64}
OUT=build/display-tests
WAIT=${SHELL_WAIT:-60}
FONT=build/disk/tree/fonts/Lat15-Terminus16.psf
CHECK=build/dispcheck
FG=d0d0d0
BG=000000
mkdir -p "$OUT"
pass=0
fail=0
report=()
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# The serial console: start_qemu, wait_prompt, type_cmd, stop_qemu.
. tests/qemu-serial.sh
# screendump to $OUT/$a-$1.ppm (and .png for people).
shot() {
    rm -f "$OUT/$a-$1.ppm"
    $CHECK qmp "$SOCK" "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$PWD/$OUT/$a-$1.ppm\"}}" \
        "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$PWD/$OUT/$a-$1.png\",\"format\":\"png\"}}" \
        >"$OUT/$a-qmp.log" 2>&1 && [ -s "$OUT/$a-$1.ppm" ]
}
# Types $1 and Enter on the virtio keyboard (QMP send-key, one command a
# key; capitals and !,.- with shift as the US layout has them).
kbd_type() {
    local s=$1 i c k cmds=()
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [a-z0-9]) k="{\"type\":\"qcode\",\"data\":\"$c\"}" ;;
        [A-Z]) k="{\"type\":\"qcode\",\"data\":\"shift\"},{\"type\":\"qcode\",\"data\":\"${c,}\"}" ;;
        ' ') k='{"type":"qcode","data":"spc"}' ;;
        ',') k='{"type":"qcode","data":"comma"}' ;;
        '.') k='{"type":"qcode","data":"dot"}' ;;
        '-') k='{"type":"qcode","data":"minus"}' ;;
        '!') k='{"type":"qcode","data":"shift"},{"type":"qcode","data":"1"}' ;;
        *) echo "kbd_type: no key for '$c'" >&2; return 1 ;;
        esac
        cmds+=("{\"execute\":\"send-key\",\"arguments\":{\"keys\":[$k]}}")
    done
    cmds+=('{"execute":"send-key","arguments":{"keys":[{"type":"qcode","data":"ret"}]}}')
    # First: keys that make no byte (F1, F12, Alt, Meta, Caps Lock twice),
    # and a word then Ctrl-U, which the shell's editor clears.
    local pre=() q
    for q in f1 f12 alt meta_l caps_lock caps_lock x y z; do
        pre+=("{\"execute\":\"send-key\",\"arguments\":{\"keys\":[{\"type\":\"qcode\",\"data\":\"$q\"}]}}")
    done
    pre+=('{"execute":"send-key","arguments":{"keys":[{"type":"qcode","data":"ctrl"},{"type":"qcode","data":"u"}]}}')
    cmds=("${pre[@]}" "${cmds[@]}")
    $CHECK qmp "$SOCK" "${cmds[@]}" >"$OUT/$a-keys.log" 2>&1
}
# The tablet (QMP input-send-event): the pointer to screen pixel ($1, $2)
# of 1024x768 (QEMU's axes are 0..32767), then the left button pressed and
# released.
click() {
    local vx=$(($1 * 32)) vy=$((($2 * 32768 + 767) / 768))
    $CHECK qmp "$SOCK" "{\"execute\":\"input-send-event\",\"arguments\":{\"events\":[{\"type\":\"abs\",\"data\":{\"axis\":\"x\",\"value\":$vx}},{\"type\":\"abs\",\"data\":{\"axis\":\"y\",\"value\":$vy}}]}}" \
        '{"execute":"input-send-event","arguments":{"events":[{"type":"btn","data":{"down":true,"button":"left"}}]}}' \
        '{"execute":"input-send-event","arguments":{"events":[{"type":"btn","data":{"down":false,"button":"left"}}]}}' \
        >>"$OUT/$a-pointer.log" 2>&1
}
# Keys pressed together (QMP send-key qcodes).
key_chord() {
    local k= q
    for q; do k="$k${k:+,}{\"type\":\"qcode\",\"data\":\"$q\"}"; done
    $CHECK qmp "$SOCK" "{\"execute\":\"send-key\",\"arguments\":{\"keys\":[$k]}}" >>"$OUT/$a-pointer.log" 2>&1
}
tap() { key_chord "$1"; }
# shot_until NAME CHECK...: screendumps NAME until CHECK (its "@" replaced
# by the file) holds, for 10 s at most (the screen changes on another
# thread than the one QMP answers on).
shot_until() {
    local name=$1 i
    shift
    for ((i = 0; i < 40; i++)); do
        shot "$name" && "${@/#@/$OUT/$a-$name.ppm}" 2>>"$OUT/$a-check.log" && return 0
        sleep 0.25
    done
    return 1
}
# Text row r (0-based) of the terminal reads $2 (the font's 8x16 cells).
row_is() {
    $CHECK text "$OUT/$a-$1.ppm" "$FONT" 0 $(($2 * 16)) $FG $BG "$3" 2>>"$OUT/$a-check.log"
}

# The test card (user/apps/testcard) in the right-hand tile at x = 768,
# 256x768: eight bars 32 wide over y < 576 (the 64x64 damage 0x123456 at
# tile (16,16)), a checkerboard of 8x8 squares below.
card_ok() {
    local p=$OUT/$a-$1.ppm i c
    local bars=(ffffff ffff00 00ffff 00ff00 ff00ff ff0000 0000ff 000000)
    for i in 0 1 2 3 4 5 6 7; do
        c=${bars[$i]}
        $CHECK rect "$p" $((768 + 32 * i)) 80 32 496 "$c" 2>>"$OUT/$a-check.log" || return 1
        $CHECK rect "$p" $((768 + 32 * i)) 0 32 16 "$c" 2>>"$OUT/$a-check.log" || return 1
    done
    $CHECK rect "$p" 784 16 64 64 123456 2>>"$OUT/$a-check.log" &&
        $CHECK rect "$p" 768 16 16 64 ffffff 2>>"$OUT/$a-check.log" &&
        $CHECK rect "$p" 848 16 16 64 00ffff 2>>"$OUT/$a-check.log" &&
        $CHECK rect "$p" 768 576 8 8 202020 2>>"$OUT/$a-check.log" &&
        $CHECK rect "$p" 776 576 8 8 e0e0e0 2>>"$OUT/$a-check.log" &&
        $CHECK rect "$p" 1016 752 8 8 e0e0e0 2>>"$OUT/$a-check.log"
}

if ! make -s build/dispcheck disk >"$OUT/build.log" 2>&1 || [ ! -f "$FONT" ]; then
    tail -n 20 "$OUT/build.log" >&2
    bad "dispcheck / disk build failed (log $OUT/build.log)"
    echo "display: $pass passed, $fail failed"
    exit 1
fi
# The system disk's files and the WASI program that draws through the
# display's files (wasi-libc only), on a disk of this test's own.
DISK=$OUT/disk.img
rm -rf "$OUT/disk-tree" && cp -R build/disk/tree "$OUT/disk-tree" &&
    clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror tests/display/wdisp.c -o "$OUT/disk-tree/bin/wdisp.wasm" &&
    rm -f "$DISK" && E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b 1024 -d "$OUT/disk-tree" "$DISK" 16M ||
    bad "tests/display/wdisp.c or the test's disk (build/display-tests/disk.img)"

for a in $ARCHES; do
    rm -f "$OUT/$a-check.log"
    if ! make -s ARCH="$a" kernel >"$OUT/$a-build.log" 2>&1; then
        tail -n 20 "$OUT/$a-build.log" >&2
        bad "$a: product kernel build failed (log $OUT/$a-build.log)"
        continue
    fi
    SOCK=$OUT/$a.qmp
    rm -f "$SOCK"
    start_qemu "$OUT/$a.log" $(make -s ARCH="$a" print-run) $(make -s ARCH="$a" DISK_IMG="$DISK" print-run-devs) \
        -display none -qmp "unix:$SOCK,server=on,wait=off"
    if ! wait_prompt 0; then
        bad "$a: no prompt (log $OUT/$a.log)"
        kill "$QPID" 2>/dev/null
        stop_qemu
        continue
    fi
    wall_ms=$((($(date +%s%N) - T0) / 1000000))
    if shot boot && [ "$($CHECK size "$OUT/$a-boot.ppm")" = "1024 768" ]; then
        ok "$a screendump over QMP: 1024x768"
    else bad "$a screendump: $(cat "$OUT/$a-qmp.log") $($CHECK size "$OUT/$a-boot.ppm" 2>&1)"; fi
    if row_is boot 0 "Azoth shell. Type help for the commands." && row_is boot 1 'azoth$ '; then
        ok "$a the shell's banner and prompt on the screen, in the disk's PSF font"
    else bad "$a banner on the screen: $(tail -n 1 "$OUT/$a-check.log")"; fi
    if $CHECK rect "$OUT/$a-boot.ppm" 764 0 2 768 3070c0 2>>"$OUT/$a-check.log" &&
       $CHECK rect "$OUT/$a-boot.ppm" 766 0 2 768 404040 2>>"$OUT/$a-check.log"; then
        ok "$a the bar between the tiles (its half beside the terminal blue: the focus)"
    else bad "$a tile bar: $(tail -n 1 "$OUT/$a-check.log")"; fi

    type_cmd 'run testcard\r'
    if grep -qx 'testcard: pattern 256x768 ok' "$OUT/last" && grep -qx 'run: testcard: exit status 0' "$OUT/last" &&
       shot card && card_ok card; then
        ok "$a test card: bars, checkerboard, only the 64x64 damage of the second present"
    else bad "$a test card: $(grep testcard "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log" 2>/dev/null)"; fi
    if row_is card 1 'azoth$ run testcard' && row_is card 2 'run: testcard: exit status 0'; then
        ok "$a the shell's output on the screen as on the serial line"
    else bad "$a shell output on the screen: $(tail -n 1 "$OUT/$a-check.log")"; fi

    type_cmd 'run testcard hostile\r'
    if grep -qx 'testcard: hostile 256x768 ok' "$OUT/last" && grep -qx 'run: testcard: exit status 0' "$OUT/last"; then
        ok "$a hostile presents refused (bad rectangles, sizes, ops, forged handles, no lend, surf.term out of reach)"
    else bad "$a hostile presents: $(grep testcard "$OUT/last" | tr '\n' '|')"; fi
    if shot hostile && $CHECK same "$OUT/$a-card.ppm" "$OUT/$a-hostile.ppm" 768 0 256 767 2>>"$OUT/$a-check.log" &&
       $CHECK same "$OUT/$a-card.ppm" "$OUT/$a-hostile.ppm" 768 767 255 1 2>>"$OUT/$a-check.log" &&
       [ "$($CHECK pixel "$OUT/$a-hostile.ppm" 1023 767)" = 0000ff ]; then
        ok "$a the screen unchanged by the hostile presents (but the one proper pixel)"
    else bad "$a screen after hostile presents: $(tail -n 1 "$OUT/$a-check.log")"; fi

    # The GPU driver killed: the shell goes on (frames dropped), then the
    # driver restarted: the compositor redraws the whole screen.
    type_cmd 'kill vgpu\r' && type_cmd 'echo while the driver is dead\r'
    if grep -qx 'while the driver is dead' "$OUT/last" && shot dead &&
       $CHECK rect "$OUT/$a-dead.ppm" 0 112 764 32 000000 2>>"$OUT/$a-check.log"; then
        ok "$a GPU driver killed: the shell goes on, its new lines do not reach the screen (frames dropped)"
    else bad "$a GPU driver killed: $(tail -n 1 "$OUT/$a-check.log")"; fi
    type_cmd 'restart vgpu\r'
    if shot back && $CHECK same "$OUT/$a-hostile.ppm" "$OUT/$a-back.ppm" 768 0 256 768 2>>"$OUT/$a-check.log" &&
       row_is back 5 'azoth$ kill vgpu' && row_is back 8 'while the driver is dead' &&
       row_is back 10 'restart: vgpu restarted' && row_is hostile 0 "Azoth shell. Type help for the commands." &&
       $CHECK same "$OUT/$a-hostile.ppm" "$OUT/$a-back.ppm" 0 0 764 64 2>>"$OUT/$a-check.log"; then
        ok "$a GPU driver killed and restarted: the screen redrawn whole (tile identical, lines typed meanwhile shown)"
    else bad "$a GPU driver restart: $(tail -n 1 "$OUT/$a-check.log")"; fi

    # Restarted while it runs (no present failed meanwhile): the new driver
    # says the device was set up again, and the compositor flushes it all.
    type_cmd 'restart vgpu\r'
    if grep -qx 'restart: vgpu restarted' "$OUT/last" && shot rerun &&
       $CHECK same "$OUT/$a-hostile.ppm" "$OUT/$a-rerun.ppm" 768 0 256 768 2>>"$OUT/$a-check.log" &&
       $CHECK same "$OUT/$a-back.ppm" "$OUT/$a-rerun.ppm" 0 0 764 176 2>>"$OUT/$a-check.log" &&
       row_is rerun 11 'azoth$ restart vgpu'; then
        ok "$a GPU driver restarted while running: the device set up again, the whole screen flushed"
    else bad "$a GPU driver restart while running: $(tr '\n' '|' <"$OUT/last") $(tail -n 1 "$OUT/$a-check.log")"; fi

    # The keyboard (virtio-input driver, input service -> the shell): a
    # command typed with QMP send-key, its echo and output on the screen.
    size=$(stat -c %s "$LOG")
    kbd_type 'echo Typed on the KEYBOARD, 42!' && wait_prompt "$size" &&
        tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/last"
    if grep -qx 'Typed on the KEYBOARD, 42!' "$OUT/last" && shot keys &&
       row_is keys 13 'azoth$ echo Typed on the KEYBOARD, 42!' && row_is keys 14 'Typed on the KEYBOARD, 42!'; then
        ok "$a a command typed on the keyboard (QMP send-key): run, echoed and answered on the screen"
    else bad "$a keyboard: $(tr '\n' '|' <"$OUT/last" | tail -c 200) $(tail -n 1 "$OUT/$a-check.log")"; fi

    # The keyboard driver (AssemblyScript, user/drivers/vkbd) aborted by its
    # fault drill, Alt+SysRq+C typed on the keyboard: only its domain
    # faults, the supervisor restarts it, it sets the device up again and
    # the next command typed on the keyboard works.
    size=$(stat -c %s "$LOG")
    $CHECK qmp "$SOCK" '{"execute":"send-key","arguments":{"keys":[{"type":"qcode","data":"alt"},{"type":"qcode","data":"sysrq"},{"type":"qcode","data":"c"}]}}' \
        >"$OUT/$a-drill.log" 2>&1
    for _ in $(seq 600); do
        [ "$(tail -c +$((size + 1)) "$LOG" | tr -d '\r' | grep -c '^vkbd: input0 up')" -ge 1 ] && break
        sleep 0.05
    done
    tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/$a-drill.txt"
    size=$(stat -c %s "$LOG")
    kbd_type 'echo after the drill' && wait_prompt "$size" && tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/last"
    if grep -Eq '(^|azoth\$ )abort: Alt\+SysRq\+C, the fault drill at user/drivers/vkbd/main\.ts:[0-9]+:[0-9]+$' "$OUT/$a-drill.txt" &&
       grep -Eq '^athanor: domain vkbd restarted \(#1' "$OUT/$a-drill.txt" &&
       grep -q '^vkbd: input0 up (assemblyscript' "$OUT/$a-drill.txt" &&
       ! grep -Eq 'domain (input|shell|term|disp|vgpu) (restarted|fault)' "$OUT/$a-drill.txt" &&
       grep -qx 'after the drill' "$OUT/last" && type_cmd 'ps\r' &&
       grep -Eq '^vkbd +[a-z]+ +[0-9]+ +[0-9]+ +[0-9.]+ +1 ' "$OUT/last" &&
       grep -Eq '^input +[a-z]+ +[0-9]+ +[0-9]+ +[0-9.]+ +0 ' "$OUT/last"; then
        ok "$a keyboard driver (assemblyscript) aborted by Alt+SysRq+C: only it faulted, restarted, typing works again"
    else bad "$a keyboard fault drill: $(grep -E '^(abort|athanor: domain|vkbd)' "$OUT/$a-drill.txt" | tr '\n' '|') $(grep -E '^(vkbd|input) ' "$OUT/last" | tr '\n' '|')"; fi

    # An application killed in the middle of a frame (Ctrl-C during a storm
    # of presents: the kill lands on its thread, inside the compositor or
    # the driver most of the time): both serve the next one as before.
    size=$(stat -c %s "$LOG")
    printf 'run testcard storm\r' >&3
    for _ in $(seq 600); do grep -q 'testcard: storm' "$LOG" && break; sleep 0.05; done
    sleep 1
    printf '\003' >&3
    wait_prompt "$size" && tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/last"
    if grep -q 'run: testcard: ' "$OUT/last" && ! grep -q 'exit status 0' "$OUT/last" &&
       type_cmd 'run testcard\r' && grep -qx 'testcard: pattern 256x768 ok' "$OUT/last" &&
       shot storm && card_ok storm; then
        ok "$a an application killed mid-frame (Ctrl-C in a storm of presents): the next one is drawn exactly"
    else bad "$a app killed mid-frame: $(grep testcard "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # Hostile calls straight to the GPU driver (dispbench holds gpu.fb).
    type_cmd 'run dispbench hostile\r'
    if grep -qx 'dispbench: hostile ok' "$OUT/last" && grep -qx 'run: dispbench: exit status 0' "$OUT/last" &&
       shot drv && $CHECK same "$OUT/$a-storm.ppm" "$OUT/$a-drv.ppm" 764 0 260 768 2>>"$OUT/$a-check.log"; then
        ok "$a hostile calls to the GPU driver refused (ops, rectangles, buffer sizes, forged handles), screen unchanged"
    else bad "$a hostile driver calls: $(grep dispbench "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # The GPU driver faulted in the middle of a frame (its drill, armed by
    # dispbench: after the transfer to the device, before the flush): the
    # compositor drops that frame (surf.full's, which it does not keep:
    # no window), the supervisor restarts the driver (a new device set-up:
    # a black resource), the next present (the shell's line) redraws the
    # whole screen from the windows; the right-hand tile then equals what
    # it was before the dropped frame, and the same frame shown by a
    # healthy driver (run dispbench frame) does change it.
    # (the kernel's restart lines may come after the prompt: wait for them)
    size=$(stat -c %s "$LOG")
    printf 'run dispbench drill\r' >&3
    wait_for "$size" 'athanor: driver vgpu reset: running _start again'
    wait_for "$size" 'run: dispbench: exit status'
    tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/$a-drill-gpu.txt"
    type_cmd 'uptime\r'
    shot gpudrill
    type_cmd 'run dispbench frame\r'
    if grep -qx 'vgpu: drill: transfer done, faulting before the flush' "$OUT/$a-drill-gpu.txt" &&
       grep -Eq '^athanor: domain vgpu fault' "$OUT/$a-drill-gpu.txt" &&
       grep -qx 'dispbench: drill: frames dropped 1' "$OUT/$a-drill-gpu.txt" &&
       grep -qx 'run: dispbench: exit status 0' "$OUT/$a-drill-gpu.txt" &&
       grep -qx 'dispbench: frame: frames dropped 0' "$OUT/last" && shot gpuframe &&
       $CHECK same "$OUT/$a-drv.ppm" "$OUT/$a-gpudrill.ppm" 768 0 256 768 2>>"$OUT/$a-check.log" &&
       ! $CHECK same "$OUT/$a-gpudrill.ppm" "$OUT/$a-gpuframe.ppm" 768 0 256 768 2>/dev/null; then
        ok "$a GPU driver faulted mid-frame (after the transfer, before the flush): frame dropped, driver restarted, the whole screen redrawn from the windows exactly as before that frame"
    else bad "$a GPU driver mid-frame fault: $(grep -E 'vgpu|dispbench|domain' "$OUT/$a-drill-gpu.txt" "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # A rectangle of a whole frame lent straight to the driver (gpu.fb op
    # 1) whose first byte lies 400 pages into the frame: the screen shows
    # that rectangle's own rows (16-row bands, each its own colour, as
    # dispbench's rect_colour makes them), not rows of another offset.
    type_cmd 'run dispbench rect\r'
    rect_ok=1
    if grep -Eqx 'dispbench: rect: shown [01]' "$OUT/last" && grep -qx 'run: dispbench: exit status 0' "$OUT/last" &&
       shot rect; then
        for k in 25 26 27 28; do
            c=$(printf '%02x%02x%02x' $((k * 37 & 255)) $((k * 91 & 255)) $((255 - k * 5 % 256)))
            $CHECK rect "$OUT/$a-rect.ppm" 800 $((k * 16)) 128 16 "$c" 2>>"$OUT/$a-check.log" || rect_ok=0
        done
    else rect_ok=0; fi
    if [ $rect_ok = 1 ]; then
        ok "$a a rectangle 400 pages into a lent frame (gpu.fb op 1) shown from its own rows"
    else bad "$a rectangle of a lent frame: $(grep dispbench "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # The system monitor: two samples of every domain, drawn in the tile.
    type_cmd 'run monitor 2\r'
    if grep -Eqx 'monitor: [0-9]+ domains' "$OUT/last" && grep -qx 'run: monitor: exit status 0' "$OUT/last" &&
       shot monitor && $CHECK text "$OUT/$a-monitor.ppm" "$FONT" 768 0 $FG $BG "Azoth domains  cpu/mem" 2>>"$OUT/$a-check.log" &&
       $CHECK text "$OUT/$a-monitor.ppm" "$FONT" 768 28 $FG $BG "monitor" 2>>"$OUT/$a-check.log"; then
        ok "$a system monitor: $(grep -m1 '^monitor:' "$OUT/last" | sed 's/^monitor: //') listed and drawn"
    else bad "$a system monitor: $(grep monitor "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # Bars in Rust (user/apps/bars, the SDK's display::Surface): eight
    # bands of 96 rows; the presents it must see refused were refused.
    type_cmd 'run bars\r'
    cols=(ff0000 00ff00 0000ff ffff00 00ffff ff00ff ffffff 808080)
    bars_ok=1
    shot bars || bars_ok=0
    for i in 0 1 2 3 4 5 6 7; do
        $CHECK rect "$OUT/$a-bars.ppm" 768 $((i * 96)) 256 96 "${cols[$i]}" 2>>"$OUT/$a-check.log" || bars_ok=0
    done
    if [ $bars_ok = 1 ] && grep -qx 'bars: 256x768 ok' "$OUT/last" && grep -qx 'run: bars: exit status 0' "$OUT/last"; then
        ok "$a bars (rust, display::Surface): eight bands drawn exactly, bad presents refused"
    else bad "$a bars: $(grep -E '^(bars|run):' "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # Life in AssemblyScript (user/apps/life, the SDK's Surface): after 4
    # generations the glider moved one cell down and right, the blinker is
    # back in its row; only damages were presented after the first frame.
    type_cmd 'run life 4\r'
    life() {    # cell x y colour
        $CHECK rect "$OUT/$a-life.ppm" $((768 + $1 * 8)) $(($2 * 8)) 8 8 "$3" 2>>"$OUT/$a-check.log"
    }
    A=40c040 D=101828
    if grep -Eqx 'life: 4 generations, 8 alive, 5 presents, [0-9]+ frames shown' "$OUT/last" &&
       grep -qx 'run: life: exit status 0' "$OUT/last" && shot life &&
       life 2 1 $A && life 3 2 $A && life 1 3 $A && life 2 3 $A && life 3 3 $A &&
       life 1 0 $D && life 0 2 $D && life 1 2 $D && life 2 2 $D &&
       life 10 5 $A && life 11 5 $A && life 12 5 $A && life 11 4 $D && life 11 6 $D &&
       $CHECK rect "$OUT/$a-life.ppm" 768 64 256 704 $D 2>>"$OUT/$a-check.log"; then
        ok "$a life (assemblyscript, Surface): 4 generations drawn exactly in the tile"
    else bad "$a life: $(grep -E '^(life|run):' "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # A WASI program through the display's files (docs/display.md): none
    # without --display; with it, every hostile request refused, and its
    # picture (four quarters: red, green, blue, white) at 4x in the tile,
    # black below it.
    type_cmd 'run /bin/wdisp.wasm\r'
    if grep -qx 'wdisp: no /display (Capabilities insufficient)' "$OUT/last" &&
       grep -qx 'run: /bin/wdisp.wasm: exit status 0' "$OUT/last"; then
        ok "$a a WASI program run without --display has no /display"
    else bad "$a wdisp without --display: $(grep -E '^(wdisp|run):' "$OUT/last" | tr '\n' '|')"; fi
    type_cmd 'run --display /bin/wdisp.wasm\r'
    if grep -Eqx 'wdisp: [0-9]+ refused as they should be, 0 wrong; /display/app: 64x48 shown' "$OUT/last" &&
       grep -qx 'run: /bin/wdisp.wasm: exit status 0' "$OUT/last" && shot wdisp &&
       $CHECK rect "$OUT/$a-wdisp.ppm" 768 0 128 96 ff0000 2>>"$OUT/$a-check.log" &&
       $CHECK rect "$OUT/$a-wdisp.ppm" 896 0 128 96 00ff00 2>>"$OUT/$a-check.log" &&
       $CHECK rect "$OUT/$a-wdisp.ppm" 768 96 128 96 0000ff 2>>"$OUT/$a-check.log" &&
       $CHECK rect "$OUT/$a-wdisp.ppm" 896 96 128 96 ffffff 2>>"$OUT/$a-check.log" &&
       $CHECK rect "$OUT/$a-wdisp.ppm" 768 192 256 576 000000 2>>"$OUT/$a-check.log"; then
        ok "$a run --display: $(grep -Eo '[0-9]+ refused' "$OUT/last") with the right errors (reads, names, bad headers, out of order, past the end, a fifth file); the picture drawn at 4x in the tile, exactly"
    else bad "$a run --display wdisp: $(grep -E '^(wdisp|run):' "$OUT/last" | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi

    # The pointer and the windows (virtio-tablet -> vtab -> input, focus
    # from the display service's focus.ctl; user/apps/sketch on surf.win).
    type_cmd 'run sketch hostile\r'
    if grep -qx 'sketch: hostile ok' "$OUT/last" && grep -qx 'run: sketch: exit status 0' "$OUT/last"; then
        ok "$a hostile: a program holding surf.win and in.win (receive) draws nowhere else, sends no event, reaches no focus.ctl"
    else bad "$a sketch hostile: $(grep sketch "$OUT/last" | tr '\n' '|')"; fi
    shot w0
    size=$(stat -c %s "$LOG")
    printf 'run sketch 2\r' >&3
    wait_for "$size" 'sketch: window 320,240'
    # The floating window over both tiles, in its grey frame (the terminal
    # keeps the focus: the bar's left half blue).
    if shot_until w1 $CHECK rect "@" 608 264 320 240 204060 && $CHECK rect "$OUT/$a-w1.ppm" 606 262 324 2 404040 &&
       $CHECK rect "$OUT/$a-w1.ppm" 606 504 324 2 404040; then
        ok "$a surf.win: a floating window over both tiles, frame grey (the focus stays on the terminal)"
    else bad "$a floating window: $(tail -n 1 "$OUT/$a-check.log")"; fi
    # A click in it: focus and raise, and the click delivered to its owner.
    size=$(stat -c %s "$LOG")
    click 648 294
    wait_for "$size" 'sketch: click 40,30'
    tap x
    wait_for "$size" 'sketch: key 120'
    if log_holds "$size" 'sketch: key 120' && shot_until w2 $CHECK rect "@" 606 262 324 2 3070c0 &&
       $CHECK rect "$OUT/$a-w2.ppm" 648 294 8 8 ffcc00 && $CHECK rect "$OUT/$a-w2.ppm" 656 294 8 8 204060 &&
       $CHECK rect "$OUT/$a-w2.ppm" 764 0 4 262 404040 && grep -qx 'sketch: click 40,30' <(tail -c +$((size + 1)) "$LOG" | tr -d '\r'); then
        ok "$a click on the window (QMP input-send-event): it takes the focus (frame blue), its owner gets the click at (40,30) and paints there, a key goes to it"
    else bad "$a click on the window: $(tail -c +$((size + 1)) "$LOG" | tr -d '\r' | grep sketch | tr '\n' '|') $(tail -n 1 "$OUT/$a-check.log")"; fi
    # A click on the terminal raises it over the window's left part; Alt+Tab
    # then raises the right-hand tile (the window is hidden whole, the tile
    # redrawn from the compositor's copy), Alt+Tab again the window, exactly
    # as it was. (A redraw reaches the device in bands of rows, top to
    # bottom: each shot waits for the last band, where the bar shows below
    # the window.)
    click 100 700
    shot_until w3 $CHECK rect "@" 764 506 2 262 3070c0
    key_chord alt tab
    shot_until w4 $CHECK rect "@" 766 506 2 262 3070c0
    key_chord alt tab
    shot_until w5 $CHECK rect "@" 606 504 324 2 3070c0
    if $CHECK rect "$OUT/$a-w3.ppm" 800 264 128 240 204060 && $CHECK rect "$OUT/$a-w3.ppm" 928 262 2 244 404040 &&
       $CHECK same "$OUT/$a-w3.ppm" "$OUT/$a-w4.ppm" 0 0 764 768 &&
       $CHECK same "$OUT/$a-w0.ppm" "$OUT/$a-w4.ppm" 768 0 256 768 &&
       $CHECK same "$OUT/$a-w2.ppm" "$OUT/$a-w5.ppm" 608 264 320 240 &&
       ! tail -c +$((size + 1)) "$LOG" | tr -d '\r' | grep -q 'sketch: click 100'; then
        ok "$a z-order: a click raises the terminal over the window, Alt+Tab the tile (the window hidden, the tile exact) and the window (exact, from the compositor's copy); the click outside it never reached its owner"
    else bad "$a z-order: $(tail -n 1 "$OUT/$a-check.log")"; fi
    size=$(stat -c %s "$LOG")
    click 850 300
    wait_prompt "$size" && tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/last"
    key_chord alt tab
    size=$(stat -c %s "$LOG")
    kbd_type 'echo focus on the shell' && wait_prompt "$size" && tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/keys2"
    # (the terminal has scrolled by now: no cursor bar left behind on the
    # row above, the cell after the text blank)
    if grep -qx 'sketch: click 242,36' "$OUT/last" && grep -qx 'run: sketch: exit status 0' "$OUT/last" &&
       grep -qx 'focus on the shell' "$OUT/keys2" && shot back2 && row_is back2 46 'focus on the shell ' &&
       row_is back2 47 'azoth$ '; then
        ok "$a the second click ends sketch (status 0); Alt+Tab gives the keyboard back to the shell"
    else bad "$a sketch end / focus back: $(grep -E 'sketch|run:' "$OUT/last" | tr '\n' '|') $(tr '\n' '|' <"$OUT/keys2" | tail -c 100)"; fi

    # The display service restarted while the floating window has the
    # focus: its focus starts again on the terminal, and the input service,
    # which asks at every key, gives the keyboard back to the shell.
    click 850 400
    shot_until w6 $CHECK rect "@" 606 262 324 2 3070c0
    type_cmd 'restart disp\r'
    size=$(stat -c %s "$LOG")
    kbd_type 'echo keys after the compositor' && wait_prompt "$size" && tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/keys3"
    if grep -qx 'restart: disp restarted' "$OUT/last" && grep -qx 'keys after the compositor' "$OUT/keys3" &&
       shot disp2 && row_is disp2 46 'keys after the compositor '; then
        ok "$a the display service restarted while a program had the focus: the keyboard back to the shell, its lines on the screen"
    else bad "$a display service restart: $(tr '\n' '|' <"$OUT/last") $(tr '\n' '|' <"$OUT/keys3" | tail -c 120) $(tail -n 1 "$OUT/$a-check.log")"; fi

    printf 'poweroff\r' >&3
    stop_qemu
    want=$([ "$a" = x86_64 ] && echo 1 || echo 0)
    if [ "$ST" = "$want" ] && tr -d '\r' <"$LOG" | grep -qx 'athanor: poweroff status 0'; then
        ok "$a poweroff: status 0"
    else bad "$a poweroff (QEMU status $ST)"; fi
    report+=("$a: wall ${wall_ms} ms from QEMU start to the prompt on the screen; $(tr -d '\r' <"$LOG" | grep -m1 '^vgpu:')")
done

echo
for r in "${report[@]}"; do echo "report $r"; done
echo "display: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
