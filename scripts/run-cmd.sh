#!/bin/bash
# `make run CMD="<command>" [QUIET=1]` (docs/wasi.md, "make run CMD="):
#   bash scripts/run-cmd.sh ARCH QEMU-COMMAND-LINE...
# with CMD (and QUIET) in the environment. Boots with the command on the
# kernel command line (athanor.cmd=, hex-encoded so that any byte gets
# through the boot loaders; athanor.once; athanor.epoch=, the wall clock
# for WASI's realtime clock; athanor.quiet with QUIET=1); the
# shell runs it and powers off with its status. The kernel frames the
# command's output with two markers, ESC ] azoth;begin BEL and
# ESC ] azoth;end;STATUS BEL; between them a program's stderr comes
# between ESC ] azoth;err BEL and ESC ] azoth;out BEL and goes to this
# script's stderr. This script takes them out of the stream
# (with QUIET=1 it also drops everything before the first and after the
# second: firmware banners, the kernel's lines) and exits with STATUS,
# which is also QEMU's own exit status (x86_64: isa-debug-exit, decoded;
# aarch64: semihosting; riscv64: QEMU's test finisher). With no
# end marker (the kernel crashed or was stopped) it exits with QEMU's
# status, or 1 when that says 0. The console sends LF as CR LF: the CR
# before each LF is taken out again, which gives back exactly the bytes
# the program wrote.
arch=$1
shift
# The shell reads "t COMMAND" (stdin is a terminal: typed keys go to the
# program) or "h COMMAND" (stdin is fed to the serial console hex-encoded,
# then '.', its end: any bytes get through the console's line discipline).
mode=h
[ -t 0 ] && mode=t
hex=$(printf '%s %s' "$mode" "$CMD" | od -An -v -tx1 | tr -d ' \n')
append="athanor.once athanor.epoch=$(date +%s) athanor.cmd=$hex"
[ "$QUIET" = 1 ] && append="$append athanor.quiet"
# aarch64: PSCI's power-off has no status; with semihosting the kernel
# exits QEMU with it (riscv64 uses QEMU's test finisher, x86_64 isa-debug-exit).
semi=
if [ "$arch" = aarch64 ]; then
    append="$append athanor.semihosting"
    semi="-semihosting-config enable=on,target=native"
fi
stfile=$(mktemp)
gofile=$(mktemp)
trap 'rm -f "$stfile" "$gofile"' EXIT
filter() {
QUIET="$QUIET" STFILE="$stfile" GOFILE="$gofile" perl -e '
    binmode STDIN; binmode STDOUT; binmode STDERR; $| = 1;
    select(STDERR); $| = 1; select(STDOUT);
    my ($quiet, $buf, $state, $err) = ($ENV{QUIET} eq "1", "", 0, 0);
    my $begin = "\e]azoth;begin\a";
    # The console (the kernel, the UART driver) sends LF as CR LF for
    # terminals and leaves every other byte alone: taking the CR before
    # each LF out gives back the bytes written exactly.
    sub out {
        (my $t = $_[0]) =~ s/\r\n/\n/g;
        if ($state == 1 && $err) { print STDERR $t } elsif ($state == 1 || !$quiet) { print $t }
    }
    while (1) {
        my $n = sysread(STDIN, my $chunk, 4096);
        $buf .= $chunk if $n;
        my $eof = !$n;
        while (1) {
            if ($state == 0) {
                my $i = index($buf, $begin);
                if ($i >= 0) {
                    out(substr($buf, 0, $i));
                    $buf = substr($buf, $i + length $begin);
                    $state = 1;
                    open(my $f, ">", $ENV{GOFILE}); print $f "go"; close $f;
                    next;
                }
            } elsif ($state == 1) {
                my $e = index($buf, "\e]azoth;end;");
                if ($buf =~ /\e\]azoth;(err|out)\a/ && ($e < 0 || $-[0] < $e)) {
                    out(substr($buf, 0, $-[0]));
                    $err = $1 eq "err";
                    $buf = substr($buf, $+[0]);
                    next;
                }
                if ($buf =~ /\e\]azoth;end;(\d{1,3})\a/) {
                    $err = 0;
                    out(substr($buf, 0, $-[0]));
                    open(my $f, ">", $ENV{STFILE}); print $f $1; close $f;
                    $buf = substr($buf, $+[0]);
                    $state = 2;
                    next;
                }
            }
            last;
        }
        # Keep a tail that may be the start of a marker.
        my $keep = $eof ? 0 : 24;
        $keep++ if !$eof && length($buf) > $keep && substr($buf, -$keep - 1, 1) eq "\r";
        if (length($buf) > $keep) {
            out(substr($buf, 0, length($buf) - $keep));
            $buf = substr($buf, length($buf) - $keep);
        }
        last if $eof;
    }
    open(my $g, ">>", $ENV{GOFILE}); print $g "end"; close $g;'
}
if [ $mode = h ]; then
    # stdin flows once the command runs (the first marker): bytes typed
    # into the console before the shell reads it are not its input.
    { while [ ! -s "$gofile" ]; do sleep 0.05; done
      [ "$(cat "$gofile")" = go ] && { od -An -v -tx1 | tr -d ' \n'; printf .; }
    } | "$@" $semi -append "$append" | filter
    rc=${PIPESTATUS[1]}
else
    "$@" $semi -append "$append" | filter
    rc=${PIPESTATUS[0]}
fi
if [ "$arch" = x86_64 ] && [ $((rc % 2)) = 1 ]; then rc=$((rc >> 1)); fi
st=$(cat "$stfile")
if [ -n "$st" ]; then
    # (isa-debug-exit carries 7 bits of status on x86_64)
    [ "$st" = "$rc" ] || { [ "$arch" = x86_64 ] && [ "$st" -ge 128 ]; } ||
        echo "run-cmd: QEMU exited with $rc, the kernel said $st" >&2
    exit "$st"
fi
[ "$rc" = 0 ] && rc=1
exit "$rc"
