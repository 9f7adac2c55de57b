#!/usr/bin/env bash
# The product image and its shell, typed at through the serial console
# (docs/shell.md). For each architecture (default x86_64 aarch64 riscv64,
# or the ones named as arguments) boot the product kernel in QEMU with the
# serial console on a pipe, wait for each prompt and type commands:
#   the ready line and the prompt; help; ps (a header, then a line per
#   domain starting with its name); kill of a driver then ps shows it
#   stopped, restart then ps shows it ready and restarted once; reset; caps;
#   mem, uptime, dmesg; run of programs (arguments and exit status, a
#   trap with its backtrace, Ctrl-C, a missing program: neither in the
#   boot image nor /bin/NAME.wasm on the disk); an unknown
#   command and an unknown domain; the file commands (ls, cat, mkdir,
#   echo > and >>, cp, mv, rm, rmdir, their errors, path completion; cd,
#   pwd, relative paths, wildcards, rm -r) on a
#   copy of the system disk, which e2fsck -fn and debugfs check after the
#   power-off; line
#   editing (backspace, left arrow, history, tab completion, Ctrl-C); 10,000
#   random bytes (control characters, escape sequences, overlong lines),
#   after which the shell still answers help and was never restarted;
#   poweroff ends QEMU with status 0.
# Also: `make run` with stdin not a terminal boots to the prompt and powers
# off with status 0, `make size` prints its line, and on x86_64 `make run`
# on a terminal (a pty, through script(1)) and `make iso` (GRUB) boot to
# the prompt. Logs: build/shell-tests/; the random bytes are kept there
# (fuzz-<arch>.bin) to replay a failure.
set -u
cd "$(dirname "$0")/../.."

ARCHES=${*:-x86_64 aarch64 riscv64}
OUT=build/shell-tests
WAIT=${SHELL_WAIT:-60}          # seconds for any one answer
mkdir -p "$OUT"
pass=0
fail=0
report=()
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# The serial console: start_qemu, wait_prompt, type_cmd, stop_qemu.
. tests/qemu-serial.sh

# Every product domain has its ps line in $OUT/last, ready, never restarted.
all_listed() {
    local d
    for d in shell uart pl011 init; do
        grep -Eq "^$d +ready +[0-9]+ +[0-9]+ +[0-9.]+ +0 +[0-9]+ *$" "$OUT/last" || return 1
    done
}

for a in $ARCHES; do
    if ! make -s ARCH="$a" kernel >"$OUT/$a-build.log" 2>&1; then
        tail -n 20 "$OUT/$a-build.log" >&2
        bad "$a: product kernel build failed (log $OUT/$a-build.log)"
        continue
    fi
    size_line=$(make -s ARCH="$a" size)
    if [[ "$size_line" =~ ^kernel:\ text\ [0-9]+,\ rodata\ [0-9]+,\ data\+bss\ [0-9]+,\ boot\ image\ [0-9]+\ \(bytes\)$ ]]; then
        ok "$a make size: $size_line"
    else bad "$a make size: '$size_line'"; fi

    # make run, stdin not a terminal: to the prompt, then off by itself.
    timeout -k 5 120 make -s ARCH="$a" run </dev/null 2>&1 | tr -d '\r' >"$OUT/$a-once.log"
    st=${PIPESTATUS[0]}
    if [ "$st" = 0 ] && grep -q 'azoth\$ ' "$OUT/$a-once.log" &&
       grep -Eq '^athanor: shell ready in [0-9]+ ms$' "$OUT/$a-once.log"; then
        ok "$a make run < /dev/null: prompt, then poweroff status 0"
    else bad "$a make run < /dev/null (status $st, log $OUT/$a-once.log)"; fi

    # The system disk (make disk), a copy per architecture, checked after.
    make -s disk >/dev/null && cp "$(make -s print-disk)" "$OUT/$a-disk.img"
    cmd="$(make -s ARCH="$a" print-run) $(make -s ARCH="$a" print-run-devs DISK_IMG="$OUT/$a-disk.img")"
    start_qemu "$OUT/$a.log" $cmd
    if ! wait_prompt 0; then
        bad "$a: no prompt (log $OUT/$a.log)"
        kill "$QPID" 2>/dev/null
        stop_qemu
        continue
    fi
    wall_ms=$((($(date +%s%N) - T0) / 1000000))
    ready=$(tr -d '\r' <"$LOG" | grep -Eo '^athanor: shell ready in [0-9]+ ms$')
    if [ -n "$ready" ]; then ok "$a ${ready#athanor: } (wall ${wall_ms} ms from QEMU start to the prompt)"
    else bad "$a: no 'shell ready' line"; fi
    # The console driver and the other driver (stopped and restarted).
    if [ "$a" = aarch64 ]; then drv=pl011 other=uart; else drv=uart other=pl011; fi

    type_cmd 'help\r' && grep -q '^  poweroff' "$OUT/last" && grep -q '^  ps' "$OUT/last" &&
        ok "$a help" || bad "$a help: $(head -c 300 "$OUT/last")"
    if type_cmd 'ps\r' && sed -n 2p "$OUT/last" | grep -q '^NAME  *STATE  *PRIO  *MEM(KiB)  *CPU(ms)  *RESTARTS  *CAPS' &&
       all_listed; then
        ok "$a ps: header, one line per domain"
    else bad "$a ps: $(head -c 600 "$OUT/last")"; fi
    type_cmd "kill $other\r" && grep -q "^kill: $other stopped" "$OUT/last" &&
    type_cmd 'ps\r' && grep -Eq "^$other +stopped " "$OUT/last" &&
        ok "$a kill $other: ps shows it stopped" || bad "$a kill $other: $(head -c 400 "$OUT/last")"
    type_cmd "restart $other\r" && grep -q "^restart: $other restarted" "$OUT/last" &&
    type_cmd 'ps\r' && grep -Eq "^$other +ready +[0-9]+ +[0-9]+ +[0-9.]+ +1 " "$OUT/last" &&
        ok "$a restart $other: ps shows it ready, restarted once" || bad "$a restart $other: $(head -c 400 "$OUT/last")"
    type_cmd 'reset init\r' && grep -q '^reset: init reset to its snapshot (pages restored: [0-9]*)' "$OUT/last" &&
        ok "$a reset init" || bad "$a reset: $(head -c 300 "$OUT/last")"
    type_cmd "caps $drv\r" && grep -Eq '^[0-9]+ +irq ' "$OUT/last" && grep -Eq '^[0-9]+ +channel +----s----- +console.in +console.in@shell' "$OUT/last" &&
        ok "$a caps $drv: its irq, its send-only channel to the shell" || bad "$a caps: $(head -c 400 "$OUT/last")"
    type_cmd 'mem\r' && grep -Eq '^memory: [0-9]+ KiB in use of [0-9]+ KiB' "$OUT/last" &&
    type_cmd 'uptime\r' && grep -Eq '^up [0-9]+\.[0-9]{3} s$' "$OUT/last" &&
    type_cmd 'dmesg\r' && grep -q "athanor: console handed to domain $drv" "$OUT/last" &&
        ok "$a mem, uptime, dmesg" || bad "$a mem/uptime/dmesg: $(head -c 300 "$OUT/last")"
    type_cmd 'frobnicate now\r' && grep -q '^frobnicate: unknown command' "$OUT/last" &&
    type_cmd 'kill nosuch\r' && grep -q '^kill: nosuch: no such entry' "$OUT/last" &&
        ok "$a unknown command, unknown domain" || bad "$a errors: $(head -c 300 "$OUT/last")"
    # Programs of the boot image: arguments and exit status, a trap (the
    # trap and its backtrace printed, the shell stays), Ctrl-C stopping one
    # that never ends, a missing one, a manifest domain.
    type_cmd 'run hello one two three\r' && grep -qx '  arg 3: three' "$OUT/last" &&
        grep -qx 'run: hello: exit status 3' "$OUT/last" &&
        ok "$a run hello with arguments: exit status 3" || bad "$a run hello: $(head -c 400 "$OUT/last")"
    type_cmd 'run crash\r' && grep -q '^crash: trapped: out of bounds memory access' "$OUT/last" &&
        grep -q '^  at #0 ' "$OUT/last" && grep -q '^run: crash: trapped' "$OUT/last" &&
        ok "$a run crash: its trap and backtrace, the shell stays" || bad "$a run crash: $(head -c 400 "$OUT/last")"
    size=$(stat -c %s "$LOG")
    printf 'run spin\r' >&3
    for _ in $(seq 200); do tail -c +$((size + 1)) "$LOG" | grep -q '^spin: running' && break; sleep 0.05; done
    type_cmd '\x03' && grep -q '^run: spin: stopped' "$OUT/last" &&
    type_cmd 'run hello\r' && grep -qx 'run: hello: exit status 0' "$OUT/last" &&
        ok "$a run spin, Ctrl-C stops it; programs run again" || bad "$a run spin/Ctrl-C: $(head -c 400 "$OUT/last")"
    type_cmd 'run nosuch\r' && grep -q '^run: nosuch: no such program (/bin/nosuch.wasm: ' "$OUT/last" &&
    type_cmd "run $drv\r" && grep -q "^run: $drv: not a program" "$OUT/last" &&
        ok "$a run: a missing program, a manifest domain refused" || bad "$a run errors: $(head -c 300 "$OUT/last")"
    # Editing: backspace, left arrow + insert, history, tab, Ctrl-C.
    type_cmd 'echo helxo\x7f\x7flo\r' && grep -qx 'hello' "$OUT/last" &&
    type_cmd 'echo wrld\x1b[D\x1b[D\x1b[Do\r' && grep -qx 'world' "$OUT/last" &&
    type_cmd '\x1b[A\x1b[A\r' && grep -qx 'hello' "$OUT/last" &&
    type_cmd 'upt\t\r' && grep -Eq '^up [0-9]+\.[0-9]{3} s$' "$OUT/last" &&
    type_cmd "caps sh\t\r" && grep -Eq '^[0-9]+ +system +rw-------x +sys ' "$OUT/last" &&
    type_cmd 'frobnicate\x03' && grep -q '\^C' "$OUT/last" && ! grep -q 'unknown command' "$OUT/last" &&
        ok "$a line editing: backspace, left, history, tab, Ctrl-C" || bad "$a line editing: $(head -c 300 "$OUT/last")"
    # Files on the disk: ls and cat of a shipped file, mkdir, echo > and
    # >>, cp (to a name and into a directory), mv, rm, rmdir, the errors,
    # tab completion of a path; the image is checked after the power-off.
    type_cmd 'ls /\r' && grep -Eq '^- +[0-9]+  README.txt$' "$OUT/last" && grep -Eq '^d +[0-9]+  lost\+found/$' "$OUT/last" &&
    type_cmd 'cat /README.txt\r' && grep -q "^This is Azoth's disk" "$OUT/last" &&
        ok "$a ls, cat of a shipped file" || bad "$a ls/cat: $(head -c 400 "$OUT/last")"
    type_cmd 'mkdir /t\r' && type_cmd 'echo hello azoth > /t/a.txt\r' && type_cmd 'echo second line >>/t/a.txt\r' &&
    type_cmd 'cat /t/a.txt\r' && [ "$(sed -n '2,3p' "$OUT/last")" = "$(printf 'hello azoth\nsecond line')" ] &&
    type_cmd 'cp /t/a.txt /t/b.txt\r' && type_cmd 'mv /t/b.txt /t/c.txt\r' && type_cmd 'cp README.txt /t\r' &&
    type_cmd 'mkdir /t/sub\r' && type_cmd 'rmdir /t/sub\r' && type_cmd 'rm /t/a.txt\r' &&
    type_cmd 'ls /t\r' && grep -Eq '^- +24  c.txt$' "$OUT/last" && grep -q '  README.txt$' "$OUT/last" &&
        ! grep -q 'a.txt\|b.txt\|sub' "$OUT/last" &&
        ok "$a mkdir, echo > and >>, cat, cp, mv, rm, rmdir" || bad "$a file commands: $(head -c 400 "$OUT/last")"
    type_cmd 'cat /t/a.txt\r' && grep -q '^cat: /t/a.txt: no such file or directory' "$OUT/last" &&
    type_cmd 'rmdir /t\r' && grep -q '^rmdir: /t: directory not empty' "$OUT/last" &&
    type_cmd 'rm /t\r' && grep -q '^rm: /t: is a directory' "$OUT/last" &&
    type_cmd 'mkdir /README.txt\r' && grep -q '^mkdir: /README.txt: file exists' "$OUT/last" &&
    type_cmd 'cat /README.txt/x\r' && grep -q '^cat: /README.txt/x: not a directory' "$OUT/last" &&
    type_cmd 'cp /t /u\r' && grep -q '^cp: /t: is a directory' "$OUT/last" &&
    type_cmd 'cat\r' && grep -q '^usage: cat FILE' "$OUT/last" &&
    type_cmd 'echo x >\r' && grep -q '^usage: echo' "$OUT/last" &&
        ok "$a file command errors" || bad "$a file errors: $(head -c 400 "$OUT/last")"
    type_cmd 'cat /t/c\t\r' && grep -qx 'second line' "$OUT/last" &&
        ok "$a tab completes a path" || bad "$a path completion: $(head -c 300 "$OUT/last")"
    # The block driver killed: a write fails with an I/O error; restarted:
    # writes work again and the disk (checked after) stays clean.
    type_cmd 'kill vblk\r' && grep -q '^kill: vblk stopped' "$OUT/last" &&
    type_cmd 'echo during > /t/k.txt\r' && grep -q '^echo: /t/k.txt: I/O error' "$OUT/last" &&
    type_cmd 'restart vblk\r' && grep -q '^restart: vblk restarted' "$OUT/last" &&
    type_cmd 'echo after > /t/k.txt\r' && type_cmd 'cat /t/k.txt\r' && grep -qx 'after' "$OUT/last" &&
        ok "$a kill vblk: writes fail with an I/O error; restart vblk: they work again" ||
        bad "$a kill/restart vblk under the file service: $(head -c 300 "$OUT/last")"
    # The working directory, relative paths, wildcards (not inside quotes)
    # and rm -r; the disk is checked after the power-off.
    type_cmd 'cd /t\r' && type_cmd 'pwd\r' && grep -qx '/t' "$OUT/last" &&
    type_cmd 'mkdir d d/e\r' && type_cmd 'echo deep > d/e/f.txt\r' &&
    type_cmd 'cat ../t/./d/e/f.txt\r' && grep -qx 'deep' "$OUT/last" &&
    type_cmd 'echo *.txt\r' && grep -qx 'README.txt c.txt k.txt' "$OUT/last" &&
    type_cmd 'echo "*.txt" ?.txt nomatch*\r' && grep -qx '\*.txt c.txt k.txt nomatch\*' "$OUT/last" &&
    type_cmd 'cd d/e\r' && type_cmd 'cat f.txt\r' && grep -qx 'deep' "$OUT/last" &&
    type_cmd 'cd nowhere\r' && grep -q '^cd: nowhere: no such file or directory' "$OUT/last" &&
    type_cmd 'cd /README.txt\r' && grep -q '^cd: /README.txt: not a directory' "$OUT/last" &&
    type_cmd 'cd\r' && type_cmd 'pwd\r' && grep -qx '/' "$OUT/last" &&
    type_cmd 'rm -r /\r' && grep -q '^rm: refusing to remove the root directory' "$OUT/last" &&
    type_cmd 'rm -r t/d\r' && type_cmd 'ls t\r' && ! grep -q '  d/$' "$OUT/last" &&
        grep -q '  c.txt$' "$OUT/last" &&
    type_cmd 'cd /bin\r' && type_cmd 'run ../README.txt\r' &&
        grep -q '^run: ../README.txt: invalid module' "$OUT/last" && type_cmd 'cd\r' &&
        ok "$a cd, pwd, relative paths, wildcards, rm -r" || bad "$a cd/wildcards/rm -r: $(head -c 400 "$OUT/last")"
    # 10,000 random bytes, then two Ctrl-C (ending any escape sequence and
    # the line), a marker, and help. Without Ctrl-A: QEMU's -nographic console takes
    # it as its own escape key (Ctrl-A c is its monitor), not the guest's.
    head -c 12000 /dev/urandom | tr -d '\001' | head -c 10000 >"$OUT/fuzz-$a.bin"
    cat "$OUT/fuzz-$a.bin" >&3
    # The prompts the random bytes make can end the log at any time: wait
    # for a marker's own output line first.
    printf '\x03\x03echo fuzz done %s\r' "$a" >&3
    for ((i = 0; i < WAIT * 20; i++)); do
        tr -d '\r' <"$LOG" | grep -qx "fuzz done $a" && break
        sleep 0.05
    done
    if wait_prompt 0 && type_cmd 'help\r' && grep -q '^  poweroff' "$OUT/last" &&
       type_cmd 'ps\r' && grep -Eq '^shell +ready +[0-9]+ +[0-9]+ +[0-9.]+ +0 ' "$OUT/last"; then
        ok "$a 10,000 random bytes: the shell still answers help, never restarted"
    else bad "$a fuzz (bytes $OUT/fuzz-$a.bin): $(head -c 300 "$OUT/last")"; fi
    printf 'poweroff\r' >&3
    stop_qemu
    want=0
    [ "$a" = x86_64 ] && want=1     # isa-debug-exit: (0 << 1) | 1
    if [ "$ST" = "$want" ] && tr -d '\r' <"$LOG" | grep -qx 'athanor: poweroff status 0'; then
        ok "$a poweroff: status 0"
    else bad "$a poweroff (QEMU status $ST)"; fi
    # What the file commands left on the disk: clean, and as typed.
    img="$OUT/$a-disk.img"
    if e2fsck -fn "$img" >"$OUT/$a-e2fsck.log" 2>&1 &&
       [ "$(debugfs -R 'cat /t/c.txt' "$img" 2>/dev/null)" = "$(printf 'hello azoth\nsecond line')" ] &&
       [ "$(debugfs -R 'cat /t/k.txt' "$img" 2>/dev/null)" = after ] &&
       debugfs -R 'cat /t/README.txt' "$img" 2>/dev/null | cmp -s - user/disk/README.txt &&
       ! debugfs -R 'ls /t' "$img" 2>/dev/null | grep -q 'a.txt\|b.txt\|sub'; then
        ok "$a the disk after the file commands: e2fsck -fn clean, debugfs reads what was written"
    else bad "$a the disk after the file commands (e2fsck log $OUT/$a-e2fsck.log)"; fi
    report+=("$a: ${ready#athanor: }, wall ${wall_ms} ms to the prompt; $size_line")
done

# x86_64: a boot whose shell types at one disk: $1 the image, $2 drive
# options, then the commands ($3...); each command's output in $OUT/disk-N.
disk_boot() {
    local img=$1 opt=$2 n=0
    shift 2
    start_qemu "$OUT/disk-boot.log" $(make -s ARCH=x86_64 print-run) \
        -drive if=none,id=d0,file="$img",format=raw$opt -device virtio-blk-pci,drive=d0,disable-legacy=on
    wait_prompt 0 || { kill "$QPID" 2>/dev/null; stop_qemu; return 1; }
    for c in "$@"; do
        type_cmd "$c\r" || break
        cp "$OUT/last" "$OUT/disk-$n"
        n=$((n + 1))
    done
    printf 'poweroff\r' >&3
    stop_qemu
    [ "$n" = $# ]
}

# x86_64: a read-only disk (the file service turns read-only: reads work,
# every write is refused, the image unchanged), a full one (no inode
# left: "no space left on the disk", still clean), make run on a terminal,
# and the GRUB ISO.
if [[ " $ARCHES " == *" x86_64 "* ]]; then
    rm -f "$OUT"/disk-[0-9]*
    make -s disk >/dev/null && cp "$(make -s print-disk)" "$OUT/ro-disk.img" && cp "$OUT/ro-disk.img" "$OUT/ro-before.img"
    if disk_boot "$OUT/ro-disk.img" ",readonly=on" 'cat /README.txt' 'mkdir /x' 'echo hi > /y' 'rm /README.txt' 'mv /README.txt /z' &&
       grep -q "^This is Azoth's disk" "$OUT/disk-0" && grep -q '^mkdir: /x: read-only file system' "$OUT/disk-1" &&
       grep -q '^echo: /y: read-only file system' "$OUT/disk-2" && grep -q '^rm: /README.txt: read-only file system' "$OUT/disk-3" &&
       grep -q '^mv: /README.txt: read-only file system' "$OUT/disk-4" && cmp -s "$OUT/ro-disk.img" "$OUT/ro-before.img"; then
        ok "x86_64 a read-only disk: reads work, writes refused (read-only file system), the image unchanged"
    else bad "x86_64 read-only disk (log $OUT/disk-boot.log)"; fi
    rm -f "$OUT/full-disk.img"
    mke2fs -q -t ext2 -b 1024 -N 16 -m 0 "$OUT/full-disk.img" 256k >/dev/null
    rm -f "$OUT"/disk-[0-9]*
    if disk_boot "$OUT/full-disk.img" "" 'echo 1 > /f1' 'echo 2 > /f2' 'echo 3 > /f3' 'echo 4 > /f4' 'echo 5 > /f5' \
           'echo 6 > /f6' 'echo 7 > /f7' 'ls /' &&
       grep -q '^echo: /f7: no space left on the disk' "$OUT/disk-6" && grep -q '  f1$' "$OUT/disk-7" &&
       e2fsck -fn "$OUT/full-disk.img" >"$OUT/full-e2fsck.log" 2>&1; then
        ok "x86_64 a full disk (no inode left): no space left on the disk, e2fsck -fn clean"
    else bad "x86_64 full disk (log $OUT/disk-boot.log, $OUT/full-e2fsck.log)"; fi

    if command -v script >/dev/null; then
        start_qemu "$OUT/pty.log" script -qefc "make -s ARCH=x86_64 run" /dev/null
        if wait_prompt 0; then
            printf 'poweroff\r' >&3
            stop_qemu
            if [ "$ST" = 0 ] && tr -d '\r' <"$LOG" | grep -q 'athanor: poweroff status 0'; then
                ok "x86_64 make run on a pty: the prompt, poweroff status 0"
            else bad "x86_64 make run on a pty: status $ST (log $OUT/pty.log)"; fi
        else
            kill "$QPID" 2>/dev/null; stop_qemu
            bad "x86_64 make run on a pty: no prompt (log $OUT/pty.log)"
        fi
    fi
    if make -s iso >"$OUT/iso-build.log" 2>&1; then
        start_qemu "$OUT/iso.log" qemu-system-x86_64 -M q35 -m 256M -nographic -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom build/kernel/x86_64/athanor.iso
        if wait_prompt 0; then
            printf 'poweroff\r' >&3
            stop_qemu
            if [ "$ST" = 1 ]; then ok "x86_64 make iso: GRUB boots to the prompt, poweroff status 0"
            else bad "x86_64 ISO: QEMU status $ST (log $OUT/iso.log)"; fi
        else
            kill "$QPID" 2>/dev/null; stop_qemu
            bad "x86_64 ISO: no prompt (log $OUT/iso.log)"
        fi
    else
        echo "shell: x86_64 ISO not built (see $OUT/iso-build.log): skipped" >&2
        skipped=1
    fi
fi

echo
for r in "${report[@]}"; do echo "report $r"; done
if [ "${skipped:-0}" = 1 ]; then echo "shell: $pass passed, $fail failed, 1 skipped"
else echo "shell: $pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
