#!/usr/bin/env bash
# WASI preview1 layer and the azoth-wasm runner (ASan + UBSan build).
#
# Builds tests/wasi/*.c with clang --target=wasm32-wasi -O2 and
# tests/wasi/*.wat with wat2wasm into build/wasi-tests/, runs each case under
# build/san/azoth-wasm and compares exit status, stdout (tests/wasi/NAME.out)
# and, where it matters, stderr and the host files left behind.
set -u
cd "$(dirname "$0")/../.."

OUT=build/wasi-tests
RUN=${AZOTH_WASM:-build/san/azoth-wasm}   # AZOTH_WASM=build/azoth-wasm tries the optimised one
pass=0
fail=0

make -s "$RUN" build/san/wasi-fakebackend >&2 || { echo "wasi: 0 passed, 1 failed"; exit 1; }
mkdir -p "$OUT"

# ------------------------------------------------------------ test programs

build_ok=1
for src in tests/wasi/*.c; do
    [ "$src" = tests/wasi/fakebackend.c ] && continue    # a host program
    wasm="$OUT/$(basename "$src" .c).wasm"
    if [ ! -f "$wasm" ] || [ "$src" -nt "$wasm" ]; then
        clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror "$src" -o "$wasm" >&2 ||
            { echo "FAIL build $src" >&2; build_ok=0; rm -f "$wasm"; }
    fi
done
for src in tests/wasi/*.wat; do
    wasm="$OUT/$(basename "$src" .wat).wasm"
    if [ ! -f "$wasm" ] || [ "$src" -nt "$wasm" ]; then
        wat2wasm --debug-names "$src" -o "$wasm" >&2 || { echo "FAIL build $src" >&2; build_ok=0; }
    fi
done
if [ $build_ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi

# ------------------------------------------------------------ helpers

# run NAME STATUS [--stdin FILE] CMD...: runs CMD, sets ok=1 if the status
# is STATUS, stdout matches tests/wasi/NAME.out (if present) and the
# sanitizers stayed quiet. Output goes to $OUT/NAME.{stdout,stderr}.
run() {
    local name=$1 want=$2 in=/dev/null
    shift 2
    if [ "$1" = "--stdin" ]; then in=$2; shift 2; fi
    timeout 120 "$@" <"$in" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr"
    local got=$?
    ok=1
    if [ "$got" != "$want" ]; then
        echo "FAIL $name: exit status $got, want $want" >&2
        ok=0
    fi
    if [ -f "tests/wasi/$name.out" ] &&
        ! diff -u "tests/wasi/$name.out" "$OUT/$name.stdout" >"$OUT/$name.diff"; then
        echo "FAIL $name: stdout differs:" >&2
        head -20 "$OUT/$name.diff" >&2
        ok=0
    fi
    if grep -q "Sanitizer\|runtime error:" "$OUT/$name.stderr"; then
        echo "FAIL $name: sanitizer report:" >&2
        head -20 "$OUT/$name.stderr" >&2
        ok=0
    fi
}

# expect CONDITION MESSAGE: a further check on the current case.
expect() {
    if ! eval "$1"; then
        echo "FAIL $name: $2" >&2
        ok=0
    fi
}

record() {
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

stderr_lines() { wc -l <"$OUT/$name.stderr"; }
stderr_first() { head -1 "$OUT/$name.stderr"; }

# ------------------------------------------------------------ programs

name=hello; run $name 0 $RUN run $OUT/hello.wasm
expect '[ "$(cat $OUT/hello.stderr)" = "hello, stderr" ]' "stderr is not 'hello, stderr'"
record

name=args; run $name 0 $RUN run $OUT/args.wasm a "b c" "" "ü"; record
name=environ; run $name 0 $RUN run --env FOO=bar --env X=1=2 $OUT/environ.wasm; record

name=exit-code; run $name 7 $RUN run $OUT/exitcode.wasm 7
expect '[ "$(cat $OUT/$name.stdout)" = exiting ]' "output before exit lost"
expect '[ ! -s $OUT/$name.stderr ]' "unexpected stderr"
record
name=exit-return; run $name 3 $RUN run $OUT/exitcode.wasm 0 3; record
name=exit-zero; run $name 0 $RUN run $OUT/exitcode.wasm; record
name=exit-in-start; run $name 42 $RUN run $OUT/startexit.wasm; record

name=clock; run $name 0 $RUN run $OUT/clock.wasm; record
name=random; run $name 0 $RUN run $OUT/random.wasm; record
name=stdin; run $name 0 --stdin tests/wasi/stdin.txt $RUN run $OUT/stdin.wasm; record

# Files: a fresh host directory seen as /sandbox; empty again at the end.
rm -rf "$OUT/sandbox" && mkdir -p "$OUT/sandbox"
name=files; run $name 0 $RUN run --dir "$OUT/sandbox::/sandbox" $OUT/files.wasm
expect '[ -z "$(ls -A $OUT/sandbox)" ]' "host sandbox not empty afterwards"
record

# Escapes: nothing outside box/ may be read, created, moved or removed.
E="$OUT/escape"
rm -rf "$E" && mkdir -p "$E/box"
echo secret >"$E/secret.txt"
echo inside >"$E/box/inside.txt"
ln -s ../secret.txt "$E/box/up"
ln -s "$PWD/$E/secret.txt" "$E/box/abs"
name=escape; run $name 0 $RUN run --dir "$E/box::/sandbox" $OUT/escape.wasm
expect '[ "$(ls $E)" = "box
secret.txt" ]' "files appeared or vanished outside the sandbox: $(ls $E | tr '\n' ' ')"
expect '[ "$(ls $E/box)" = "abs
inside.txt
up" ]' "sandbox contents changed: $(ls $E/box | tr '\n' ' ')"
record

# The same without openat2 (old kernels): links are refused, not followed.
name=escape-walk
AZOTH_WASI_NO_OPENAT2=1 run $name 0 $RUN run --dir "$E/box::/sandbox" $OUT/escape.wasm
expect '[ "$(ls $E)" = "box
secret.txt" ]' "files appeared or vanished outside the sandbox: $(ls $E | tr '\n' ' ')"
record

rm -rf "$OUT/sandbox2" && mkdir -p "$OUT/sandbox2"
name=fault; run $name 0 $RUN run --dir "$OUT/sandbox2::/sandbox" $OUT/fault.wasm; record

rm -rf "$OUT/sandbox3" && mkdir -p "$OUT/sandbox3"
name=misc; run $name 0 $RUN run --dir "$OUT/sandbox3::/sandbox" $OUT/misc.wasm
expect '[ -z "$(ls -A $OUT/sandbox3)" ]' "host sandbox not empty afterwards"
record

# Rights: without its right every call fails with notcapable, and nothing is
# created, removed or truncated below a directory lacking the right.
rm -rf "$OUT/rights-dir" && mkdir -p "$OUT/rights-dir"
name=rights; run $name 0 $RUN run --dir "$OUT/rights-dir::/sandbox" $OUT/rights.wasm
expect '[ "$(ls -A $OUT/rights-dir | tr "\n" " ")" = "a.txt sub " ]' \
    "sandbox holds: $(ls -A $OUT/rights-dir | tr '\n' ' ')"
expect '[ "$(cat $OUT/rights-dir/a.txt)" = hello ] && [ -z "$(ls -A $OUT/rights-dir/sub)" ]' \
    "a.txt or sub/ changed"
record

# Hostile arguments: the host must survive with the sanitizers quiet.
rm -rf "$OUT/chaos-dir" && mkdir -p "$OUT/chaos-dir"
name=chaos; run $name 0 $RUN run --dir "$OUT/chaos-dir::/sandbox" $OUT/chaos.wasm; record

# Socket calls on descriptors that are not sockets: notsock, or badf.
rm -rf "$OUT/sock-dir" && mkdir -p "$OUT/sock-dir"
name=sockets; run $name 0 $RUN run --dir "$OUT/sock-dir::/sandbox" $OUT/sockets.wasm; record

# The layer on a backend with console, clock and random only.
name=minimal; run $name 0 build/san/wasi-fakebackend $OUT/minimal.wasm; record

# ------------------------------------------------------------ runner errors

name=trap; run $name 134 $RUN run $OUT/trap.wasm
expect '[ "$(cat $OUT/$name.stdout)" = "before trap" ]' "stdout before the trap lost"
expect 'stderr_first | grep -q "^azoth-wasm: $OUT/trap.wasm: trap: unreachable"' \
    "first stderr line: $(stderr_first)"
expect '[ $(stderr_lines) -ge 2 ]' "no backtrace lines"
record

name=backtrace; run $name 134 $RUN run $OUT/backtrace.wasm
expect '[ $(stderr_lines) = 4 ]' "want the trap line and 3 frames: $(cat $OUT/$name.stderr)"
expect 'sed -n 2p $OUT/$name.stderr | grep -q "#0.*inner" &&
        sed -n 3p $OUT/$name.stderr | grep -q "#1.*outer" &&
        sed -n 4p $OUT/$name.stderr | grep -q "#2.*_start"' "frames: $(cat $OUT/$name.stderr)"
record

name=fuel; run $name 134 $RUN run --fuel 100000 $OUT/spin.wasm
expect 'stderr_first | grep -q "^azoth-wasm: $OUT/spin.wasm: trap: .*fuel"' \
    "first stderr line: $(stderr_first)"
record

# Ctrl-C: the guest traps at a safe point, status 130, with a backtrace.
name=interrupt
$RUN run $OUT/spin.wasm </dev/null >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" &
spin_pid=$!
sleep 1
kill -INT $spin_pid
wait $spin_pid
got=$?
ok=1
expect '[ $got = 130 ]' "exit status $got, want 130"
expect 'stderr_first | grep -q "^azoth-wasm: $OUT/spin.wasm: trap: interrupted"' \
    "first stderr line: $(stderr_first)"
record

name=missing; run $name 1 $RUN run $OUT/no-such-file.wasm
expect '[ "$(cat $OUT/$name.stderr)" = "azoth-wasm: $OUT/no-such-file.wasm: No such file or directory" ]' \
    "stderr: $(cat $OUT/$name.stderr)"
record

printf 'this is not a wasm module at all\n' >"$OUT/garbage.wasm"
name=garbage; run $name 1 $RUN run $OUT/garbage.wasm
expect '[ $(stderr_lines) = 1 ] && stderr_first | grep -q "^azoth-wasm: $OUT/garbage.wasm: ."' \
    "stderr: $(cat $OUT/$name.stderr)"
record

head -c 200 "$OUT/hello.wasm" >"$OUT/truncated.wasm"
name=truncated; run $name 1 $RUN run $OUT/truncated.wasm
expect '[ $(stderr_lines) = 1 ] && stderr_first | grep -q "^azoth-wasm: $OUT/truncated.wasm: ."' \
    "stderr: $(cat $OUT/$name.stderr)"
record

name=nostart; run $name 1 $RUN run $OUT/nostart.wasm
expect '[ "$(cat $OUT/$name.stderr)" = "azoth-wasm: $OUT/nostart.wasm: no _start function exported" ]' \
    "stderr: $(cat $OUT/$name.stderr)"
record

name=badimport; run $name 1 $RUN run $OUT/badimport.wasm
expect '[ $(stderr_lines) = 1 ] && stderr_first | grep -q "^azoth-wasm: $OUT/badimport.wasm: .*no_such_call"' \
    "stderr: $(cat $OUT/$name.stderr)"
record

name=baddir; run $name 1 $RUN run --dir $OUT/no-such-dir $OUT/hello.wasm
expect '[ $(stderr_lines) = 1 ]' "stderr: $(cat $OUT/$name.stderr)"
record

name=usage; run $name 2 $RUN; record
name=usage-option; run $name 2 $RUN run --bogus $OUT/hello.wasm; record

name=validate; run $name 0 $RUN validate $OUT/hello.wasm
expect '[ "$(cat $OUT/$name.stdout)" = ok ]' "stdout: $(cat $OUT/$name.stdout)"
record
name=validate-bad; run $name 1 $RUN validate $OUT/garbage.wasm
expect '[ $(stderr_lines) = 1 ]' "stderr: $(cat $OUT/$name.stderr)"
record

echo "wasi: $pass passed, $fail failed"
[ $fail = 0 ]
