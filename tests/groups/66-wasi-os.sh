#!/usr/bin/env bash
# WASI programs inside Athanor (docs/wasi.md, "Inside Athanor"), on each
# architecture (default x86_64 aarch64 riscv64, or those named as
# arguments). The project's WASI test programs (tests/wasi, built by
# 40-wasi into build/wasi-tests/) go onto the system disk under /t with
# `make run DISK=<tree>`, and each case runs as
#   make run ARCH=<arch> DISK=<tree> CMD="<command>" QUIET=1 </dev/null
# whose status and output must be the program's: the expected stdout of
# tests/wasi/NAME.out where the program writes no stderr, exit statuses
# (proc_exit, return from main, proc_exit in a start function, a trap:
# 134), bad modules (garbage, an unknown import, no _start: status 1 and
# one line saying why), hostile pointers in the WASI calls (fault.c: every
# bad pointer gives EFAULT, the program goes on), 100,000 calls with
# random arguments (chaos.c: the kernel survives), socket calls on
# descriptors that are not sockets; stdin.c reading make run's standard
# input; files.c, misc.c, rights.c and escape.c against directories of
# the disk (--dir), with e2fsck -fn on the image after each and debugfs
# on what they left; the Rust wc from /bin on a file of the disk, and
# tests/wasi-os/rsstd.rs (Rust's std: args, env, read_dir, read,
# metadata, write, rename, remove, clocks, sleep, HashMap, stdin, exit).
# Then the shell, typed at on the serial console: `run --dir / wc FILE`
# prints the counts and "exit status 0", a WASI trap leaves the shell at
# its prompt, what is typed while a program runs is its stdin (Ctrl-D its
# end), Ctrl-C stops a program in the middle of its file I/O
# (tests/wasi-os/ioloop.c) and the file service goes on, ps lists no
# program domain afterwards, the disk is e2fsck-clean after the session.
#
# WASI_OS_FULL=1 (make wasi-os-test) runs every case on every
# architecture; the default runs the whole list on x86_64 and a subset on
# the others (QEMU is software-emulated). Not run here, with the reason:
# interrupt and fuel (azoth-wasm options), minimal (a host program).
set -u
cd "$(dirname "$0")/../.."

ARCHES=${*:-x86_64 aarch64 riscv64}
OUT=build/wasi-os
T=$OUT/tree
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
mkdir -p "$OUT"
WAIT=60                         # seconds for any one answer
. tests/qemu-serial.sh

# The test programs (40-wasi builds them; built here if it did not run).
if ! ls build/wasi-tests/hello.wasm >/dev/null 2>&1; then
    bash tests/groups/40-wasi.sh >/dev/null 2>&1
fi
rm -rf "$T" && mkdir -p "$T/t" "$T/sandbox" "$T/data/sub" "$T/files" "$T/misc" "$T/rights" "$T/e/box"
# escape.c's tree, as 40-wasi builds it: nothing outside box/ may be reached.
echo secret >"$T/e/secret.txt"
echo inside >"$T/e/box/inside.txt"
ln -s ../secret.txt "$T/e/box/up"
ln -s /e/secret.txt "$T/e/box/abs"
cp build/wasi-tests/*.wasm "$T/t/" 2>/dev/null
printf 'one two\nthree\n' >"$T/data/words.txt"
# Rust's standard library on WASI (Debian's rustc, libstd-rust-dev-wasm32).
if [ ! -f "$OUT/rsstd.wasm" ] || [ tests/wasi-os/rsstd.rs -nt "$OUT/rsstd.wasm" ]; then
    ${RUSTC:-/usr/bin/rustc} --edition 2021 --target wasm32-wasi -C opt-level=s -C strip=debuginfo \
        -D warnings tests/wasi-os/rsstd.rs -o "$OUT/rsstd.wasm" >&2 || bad "rsstd.rs does not build"
fi
cp "$OUT/rsstd.wasm" "$T/t/" 2>/dev/null
clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror tests/wasi-os/ioloop.c -o "$T/t/ioloop.wasm" >&2 ||
    bad "ioloop.c does not build"
clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror tests/wasi-os/eio.c -o "$T/t/eio.wasm" >&2 ||
    bad "eio.c does not build"
clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror tests/wasi-os/pollin.c -o "$T/t/pollin.wasm" >&2 ||
    bad "pollin.c does not build"
wat2wasm tests/wasi-os/startloop.wat -o "$T/t/startloop.wasm" >&2 || bad "startloop.wat does not build"
printf 'x\n' >"$OUT/pollin.in"
# eio.c's files: the first block of bad.txt fails to read, of wbad.txt to
# write (QEMU blkdebug rules written once the image's blocks are known).
mkdir -p "$T/eio"
printf 'fine\n' >"$T/eio/good.txt"
head -c 3000 /dev/zero | tr '\0' b >"$T/eio/bad.txt"
head -c 2048 /dev/zero | tr '\0' w >"$T/eio/wbad.txt"
printf 'read bad.txt: EIO\nread bad.txt again: EIO\nread good.txt: fine\nwrite wbad.txt: EIO\nfsync wbad.txt: EIO\neio: done\n' >"$OUT/eio.expect"

# case ARCH NAME STATUS EXPECTED-STDOUT-FILE|- COMMAND [STDIN-FILE]
case_run() {
    local a=$1 name=$2 want=$3 exp=$4 cmd=$5 in=${6:-/dev/null}
    timeout -k 5 300 make -s ARCH="$a" run DISK="$T" CMD="$cmd" QUIET=1 <"$in" \
        >"$OUT/$a-$name.out" 2>"$OUT/$a-$name.err"
    local st=$?
    if [ "$st" != "$want" ]; then
        bad "$a $name: status $st, want $want ($(head -c 300 "$OUT/$a-$name.out" "$OUT/$a-$name.err" | tr '\n' ' '))"
        return 1
    fi
    if [ "$exp" != - ] && ! diff -u "$exp" "$OUT/$a-$name.out" >"$OUT/$a-$name.diff"; then
        bad "$a $name: output differs ($(head -c 400 "$OUT/$a-$name.diff" | tr '\n' ' '))"
        return 1
    fi
    return 0
}

# The disk after a case that wrote: e2fsck -fn finds it clean.
IMG=$(make -s print-disk)
fsck_ok() {
    e2fsck -fn "$IMG" >"$OUT/$1.fsck" 2>&1 || { bad "$1: e2fsck -fn: $(tail -3 "$OUT/$1.fsck" | tr '\n' ' ')"; return 1; }
}

printf 'hello, world\nline without newline at exit' >"$OUT/hello.expect"
# In the OS stdout is the serial console, a character device: a terminal.
sed 's/^isatty(1) with stdout redirected: 0$/isatty(1) with stdout redirected: 1/' tests/wasi/misc.out >"$OUT/misc.expect"
printf 'before trap\n' >"$OUT/trap.expect"
printf 'exiting\n' >"$OUT/exit.expect"
printf '2 3 14 /data/words.txt\n' >"$OUT/wc.expect"

for a in $ARCHES; do
    if ! make -s ARCH="$a" kernel disk >"$OUT/$a-build.log" 2>&1; then
        bad "$a: build failed (log $OUT/$a-build.log)"
        continue
    fi
    full=${WASI_OS_FULL:-0}
    [ "$a" = x86_64 ] && full=1
    t0=$(date +%s%N)
    n0=$pass

    if case_run "$a" hello 0 "$OUT/hello.expect" "/t/hello.wasm"; then
        [ "$(cat "$OUT/$a-hello.err")" = 'hello, stderr' ] &&
            ok "$a hello: stdout to make's stdout, stderr to its stderr, exit status 0" ||
            bad "$a hello: stderr was not make's stderr ($(head -c 200 "$OUT/$a-hello.err"))"
    fi
    case_run "$a" args 0 tests/wasi/args.out "/t/args.wasm a 'b c' '' ü" &&
        ok "$a args: quoted, empty and UTF-8 arguments"
    case_run "$a" exit 7 "$OUT/exit.expect" "/t/exitcode.wasm 7" &&
        ok "$a proc_exit(7): make's exit status 7, output before it kept"
    case_run "$a" trap 134 "$OUT/trap.expect" "/t/trap.wasm" &&
        ok "$a trap: status 134, output before it kept"
    case_run "$a" fault 0 tests/wasi/fault.out "--dir /sandbox /t/fault.wasm" &&
        ok "$a hostile pointers in every WASI call: EFAULT/EBADF, the program goes on"
    case_run "$a" wc 0 "$OUT/wc.expect" "--dir / wc /data/words.txt" &&
        ok "$a Rust wc from /bin through the file service"
    case_run "$a" stdin 0 tests/wasi/stdin.out "/t/stdin.wasm" tests/wasi/stdin.txt &&
        ok "$a stdin: make run's standard input is the program's"
    # make run's stdin reaches the program over the serial line once it
    # runs: it may come before the first 300 ms timeout or after, and in
    # pieces.
    if case_run "$a" pollin 0 - "/t/pollin.wasm" "$OUT/pollin.in"; then
        grep -Eqx 'pollin: (no|some) timeouts before input, read [12] bytes' "$OUT/$a-pollin.out" &&
            ok "$a poll_oneoff on stdin: make run's input reported ready, then read" ||
            bad "$a pollin: $(head -c 200 "$OUT/$a-pollin.out")"
    fi
    # (its last line goes to stderr: make's stderr)
    case_run "$a" rsstd 3 tests/wasi-os/rsstd.out "--dir /data::/data --env A=1 --env B=x=y /t/rsstd.wasm /data 'two words'" &&
        fsck_ok "$a-rsstd" && [ "$(cat "$OUT/$a-rsstd.err")" = 'to stderr' ] &&
        ok "$a Rust std: args, env, read_dir, read, metadata, NotFound, write, rename, remove, clocks, sleep, HashMap, stdin, stderr, exit(3); e2fsck clean"
    case_run "$a" files 0 tests/wasi/files.out "--dir /files::/sandbox /t/files.wasm" && fsck_ok "$a-files" &&
        [ -z "$(debugfs -R 'ls /files' "$IMG" 2>/dev/null | tr -s ' ' '\n' | grep -v '^$\|^[0-9(]\|^\.\{1,2\}$\|^[0-9]*)$')" ] &&
        ok "$a files: create, write, read back, seek, stat, truncate, append, readdir, rename, unlink, mkdir, rmdir, symlinks; e2fsck clean, nothing left"
    case_run "$a" escape 0 tests/wasi/escape.out "--dir /e/box::/sandbox /t/escape.wasm" && fsck_ok "$a-escape" &&
        [ "$(debugfs -R 'cat /e/secret.txt' "$IMG" 2>/dev/null)" = secret ] &&
        ok "$a escape: .., absolute paths and symlinks out of a --dir are notcapable (the file service's directory handles)"
    # Disk I/O errors (QEMU blkdebug, EIO on the first sector of bad.txt's
    # first block for reads, of wbad.txt's for writes; 1 KiB blocks): the
    # program gets EIO from each call and goes on; the image stays clean
    # and wbad.txt keeps its bytes. mke2fs -d places the files the same way
    # each time the image is built from the tree (checked after the run).
    if make -s ARCH="$a" disk DISK="$T" QUIET=1 >"$OUT/$a-eio.build" 2>&1 &&
        rb=$(debugfs -R 'bmap /eio/bad.txt 0' "$IMG" 2>/dev/null) && wb=$(debugfs -R 'bmap /eio/wbad.txt 0' "$IMG" 2>/dev/null) &&
        [ "${rb:-0}" -gt 0 ] && [ "${wb:-0}" -gt 0 ]; then
        printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n\n[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "%d"\n' \
            $((rb * 2)) $((wb * 2)) >"$OUT/$a-eio.blkdebug"
        timeout -k 5 300 make -s ARCH="$a" run DISK="$T" BLKDEBUG="$OUT/$a-eio.blkdebug" QUIET=1 \
            CMD="--dir /eio /t/eio.wasm /eio" </dev/null >"$OUT/$a-eio.out" 2>"$OUT/$a-eio.err"
        st=$?
        if [ "$st" = 0 ] && diff -u "$OUT/eio.expect" "$OUT/$a-eio.out" >"$OUT/$a-eio.diff" && fsck_ok "$a-eio" &&
            [ "$(debugfs -R 'bmap /eio/bad.txt 0' "$IMG" 2>/dev/null)" = "$rb" ] &&
            [ "$(debugfs -R 'cat /eio/wbad.txt' "$IMG" 2>/dev/null)" = "$(head -c 2048 /dev/zero | tr '\0' w)" ]; then
            ok "$a disk I/O errors (blkdebug on blocks $rb, $wb): read, write and fsync give EIO, the program goes on; e2fsck clean, the file unchanged"
        else bad "$a eio: status $st ($(head -c 400 "$OUT/$a-eio.diff" "$OUT/$a-eio.out" | tr '\n' ' '))"; fi
    else bad "$a eio: no image or no blocks for /eio (log $OUT/$a-eio.build)"; fi
    case_run "$a" garbage 1 - "/t/garbage.wasm" &&
        grep -q '^run: /t/garbage.wasm: invalid module: module, offset 0x0: magic header not detected$' "$OUT/$a-garbage.out" &&
        ok "$a garbage module: status 1, one line why"
    if [ "$full" = 1 ]; then
        case_run "$a" environ 0 tests/wasi/environ.out "--env FOO=bar --env X=1=2 /t/environ.wasm" &&
            ok "$a environ: --env"
        case_run "$a" exit-return 3 - "/t/exitcode.wasm 0 3" && ok "$a return 3 from main"
        case_run "$a" exit-zero 0 - "/t/exitcode.wasm" && ok "$a exit status 0"
        case_run "$a" exit-in-start 42 - "/t/startexit.wasm" && ok "$a proc_exit(42) in a start function"
        case_run "$a" clock 0 tests/wasi/clock.out "/t/clock.wasm" &&
            ok "$a clocks: realtime (athanor.epoch), monotonic, sleeps, CPU time"
        case_run "$a" random 0 tests/wasi/random.out "/t/random.wasm" &&
            ok "$a random_get through rng.get (virtio-rng)"
        case_run "$a" chaos 0 tests/wasi/chaos.out "--dir /sandbox /t/chaos.wasm" && fsck_ok "$a-chaos" &&
            ok "$a 100,000 WASI calls with random arguments: the kernel survives, e2fsck clean"
        # stdin's end (make run's </dev/null) reaches the program over the
        # serial line after it started, so its poll of stdout and stdin may
        # find stdin not ready yet: n=1 out=1 in=0 is as right as n=2 there.
        if case_run "$a" misc 0 - "--dir /misc::/sandbox /t/misc.wasm"; then
            if sed 's|^poll stdout/stdin: n=1 out=1 in=0$|poll stdout/stdin: n=2 out=1 in=1|' "$OUT/$a-misc.out" |
                diff -u "$OUT/misc.expect" - >"$OUT/$a-misc.diff"; then
                fsck_ok "$a-misc" &&
                    ok "$a misc: poll, fcntl flags, times, hard links, fallocate, renumber, chdir, a 1 MiB file"
            else bad "$a misc: output differs ($(head -c 400 "$OUT/$a-misc.diff" | tr '\n' ' '))"; fi
        fi
        case_run "$a" rights 0 tests/wasi/rights.out "--dir /rights::/sandbox /t/rights.wasm" && fsck_ok "$a-rights" &&
            [ "$(debugfs -R 'cat /rights/a.txt' "$IMG" 2>/dev/null)" = hello ] &&
            ok "$a rights: every call without its right is notcapable; a.txt intact (debugfs)"
        case_run "$a" sockets 0 tests/wasi/sockets.out "--dir /sandbox /t/sockets.wasm" &&
            ok "$a socket calls: notsock on open descriptors, badf on others"
        case_run "$a" backtrace 134 - "/t/backtrace.wasm" && ok "$a trap in a nested call: 134"
        case_run "$a" missing 1 - "/t/no-such-file.wasm" &&
            grep -q '^run: /t/no-such-file.wasm: No such file or directory$' "$OUT/$a-missing.out" &&
            ok "$a missing program: status 1, one line"
        case_run "$a" badimport 1 - "/t/badimport.wasm" &&
            grep -q 'unknown import' "$OUT/$a-badimport.out" && ok "$a unknown import: status 1"
        case_run "$a" nostart 1 - "/t/nostart.wasm" &&
            grep -q 'no export _start' "$OUT/$a-nostart.out" && ok "$a no _start: status 1"
        case_run "$a" truncated 1 - "/t/truncated.wasm" && ok "$a truncated module: status 1"
        case_run "$a" baddir 1 - "--dir /nowhere /t/hello.wasm" &&
            grep -q 'nowhere: No such file\|nowhere: noent' "$OUT/$a-baddir.out" && ok "$a --dir of a missing directory: status 1"
        case_run "$a" usage 2 - "--frob /t/hello.wasm" && ok "$a bad option: status 2"
    fi
    ms=$((($(date +%s%N) - t0) / 1000000))
    echo "     $a: $((pass - n0)) cases in $ms ms"

    # The shell, typed at: run with --dir, a trap, ps afterwards.
    cmd="$(make -s ARCH="$a" print-run) $(make -s ARCH="$a" print-run-devs)"
    start_qemu "$OUT/$a-shell.log" $cmd
    line_in_log() { tr -d '\r' 2>/dev/null <"$LOG" | grep -q "$1"; }
    lines_in_log() { [ "$(tr -d '\r' 2>/dev/null <"$LOG" | grep -c "$1")" -ge "$2" ]; }
    wait_line() { qemu_poll line_in_log "$1"; }           # a line matching $1 in the log
    wait_count() { qemu_poll lines_in_log "$1" "$2"; }    # $2 lines matching $1
    if wait_line 'azoth\$ '; then
        printf 'run --dir / wc /data/words.txt\r' >&3
        wait_line '^run: wc: exit status 0' && tr -d '\r' <"$LOG" | grep -q '^2 3 14 /data/words.txt$' &&
            ok "$a shell: run --dir / wc /data/words.txt, exit status 0" ||
            bad "$a shell run wc (log $LOG)"
        printf 'run /t/trap.wasm\r' >&3
        wait_line '^run: /t/trap.wasm: trapped' && tr -d '\r' <"$LOG" | grep -q '^trap: trap: unreachable' &&
            ok "$a shell: a WASI trap printed with its trap, the shell stays" ||
            bad "$a shell trap (log $LOG)"
        # What is typed while a program runs is its stdin; Ctrl-D ends it.
        printf 'run /t/stdin.wasm\r' >&3
        sleep 2
        printf 'abc\r\x04' >&3
        wait_line '^run: /t/stdin.wasm: exit status 0' && tr -d '\r' <"$LOG" | grep -q '^ABC$' &&
            tr -d '\r' <"$LOG" | grep -q 'bytes=4 lines=1' &&
            ok "$a shell: what is typed goes to the program's stdin, Ctrl-D ends it" ||
            bad "$a shell: stdin typed (log $LOG)"
        # Ctrl-C while the program's file requests run: the file service
        # must come out whole (it is not interrupted mid-request).
        printf 'run --dir /sandbox /t/ioloop.wasm /sandbox\r' >&3
        if wait_line '^ioloop: running'; then
            sleep 2
            printf '\x03' >&3
            wait_line '^run: /t/ioloop.wasm: stopped' &&
                printf 'run --dir / wc /data/words.txt\r' >&3 &&
                wait_count '^run: wc: exit status 0$' 2 && [ "$(tr -d '\r' <"$LOG" | grep -c '^2 3 14 /data/words.txt$')" = 2 ] &&
                ok "$a shell: Ctrl-C stops a program in the middle of its file I/O; the file service goes on" ||
                bad "$a shell: ioloop and Ctrl-C (log $LOG)"
        else bad "$a shell: ioloop did not start (log $LOG)"; fi
        # poll() on stdin waits (clock timeouts) until a line is typed.
        printf 'run /t/pollin.wasm\r' >&3
        if wait_line '^pollin: waiting'; then
            sleep 1
            printf 'hi\r' >&3
            wait_line '^run: /t/pollin.wasm: exit status 0' &&
                tr -d '\r' <"$LOG" | grep -q '^pollin: some timeouts before input, read 3 bytes$' &&
                ok "$a shell: poll_oneoff on stdin times out until a line is typed, then reports it ready" ||
                bad "$a shell: pollin (log $LOG)"
        else bad "$a shell: pollin did not wait (log $LOG)"; fi
        # A start function that never returns: the shell stays usable and
        # Ctrl-C stops the program.
        printf 'run /t/startloop.wasm\r' >&3
        sleep 2
        printf '\x03' >&3
        wait_line '^run: /t/startloop.wasm: stopped' &&
            printf 'echo after-startloop\r' >&3 && wait_line '^after-startloop$' &&
            ok "$a shell: a start function that loops is stopped by Ctrl-C; the shell goes on" ||
            bad "$a shell: startloop and Ctrl-C (log $LOG)"
        printf 'ps\r' >&3
        printf 'echo done-ps\r' >&3
        if wait_line '^done-ps$' && ! tr -d '\r' <"$LOG" | sed -n '/^NAME /,/^done-ps/p' | grep -Eq '^(wc|trap|ioloop|pollin|startloop|wasi[0-9]) '; then
            ok "$a shell: ps lists no program domain after the runs"
        else bad "$a shell ps (log $LOG)"; fi
        printf 'poweroff\r' >&3
    else
        bad "$a shell: no prompt (log $LOG)"
    fi
    stop_qemu
    fsck_ok "$a-shell" && ok "$a shell: e2fsck -fn clean after the session"
done

echo "wasi-os: $pass passed, $fail failed"
[ $fail = 0 ]
