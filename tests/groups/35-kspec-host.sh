#!/usr/bin/env bash
# The in-kernel spec runner (kernel/test/kspec.c) proven on the host, before
# any kernel boots: the blob build/modules/spec.bin (tools/spec2bin.c) runs
# through kspec.c and the hosted engine under ASan + UBSan. Checks of the
# runner itself come first:
#   blob       spec2bin gives the same bytes twice
#   selftest   tests/spec/selftest.wast (all assertions wrong) gives exactly
#              "kspec: 1 passed, 28 failed", so a runner that passes all is caught
#   badblob    a file that is not a blob is refused in one line
#   mutations  400 damaged blobs: no crash, damage the checksum covers refused
# Last line: "kspec-host: P passed, F failed" (the blob's tests plus the checks).
set -u
cd "$(dirname "$0")/../.." || exit 1
fail() { echo "kspec-host: 0 passed, 1 failed"; exit 1; }
make -s build/spec2bin build/modules/spec.bin build/kspec_host build/san/kspec_host >&2 || fail

P=0 F=0 dir=build/kspec/check
mkdir -p "$dir"
check() { # name, then a command that succeeds iff the check passes
    local name=$1; shift
    if "$@"; then P=$((P + 1)); echo "kspec-host check $name: ok" >&2
    else F=$((F + 1)); echo "kspec-host check $name: FAILED" >&2; fi
}

blob_same() {
    local json
    json=$(make -s kspec-json-list) &&
        build/spec2bin -o "$dir/again.bin" $json 2>/dev/null &&
        cmp "$dir/again.bin" build/modules/spec.bin >&2
}
selftest() {
    wast2json --no-check tests/spec/selftest.wast -o "$dir/selftest.json" &&
        build/spec2bin -o "$dir/self.bin" "$dir/selftest.json" 2>/dev/null || return 1
    local got
    got=$(build/san/kspec_host "$dir/self.bin" | tail -1)
    [ "$got" = "kspec: 1 passed, 28 failed" ] || { echo "selftest: got \"$got\"" >&2; return 1; }
}
badblob() {
    head -c 1000 /dev/urandom >"$dir/junk.bin"
    local out
    out=$(build/san/kspec_host "$dir/junk.bin")
    [ $? -ne 0 ] && [ "$out" = "kspec: bad blob: bad magic (not a spec2bin blob)
kspec: 0 passed, 1 failed" ]
}
mutations() {
    build/spec2bin -o "$dir/small.bin" build/kspec/json/fac.json build/kspec/json/call_indirect.json \
        build/kspec/json/memory_grow.json 2>/dev/null &&
        build/san/kspec_host -m 400 "$dir/small.bin" | tail -1 >&2
    [ "${PIPESTATUS[0]}" = 0 ]
}
check blob blob_same
check selftest selftest
check badblob badblob
check mutations mutations

# The blob itself, timed without sanitizers (it must stay well under 1 s
# here so that it stays well under 30 s under QEMU), then under ASan.
start=$(date +%s%N)
build/kspec_host build/modules/spec.bin >/dev/null
echo "kspec-host: optimised run took $((($(date +%s%N) - start) / 1000000)) ms" >&2
out=$(build/san/kspec_host build/modules/spec.bin)
st=$?
echo "$out" | grep -v '^kspec file ' | tail -n 25
last=$(echo "$out" | tail -1)
if [[ $last =~ ^kspec:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    P=$((P + BASH_REMATCH[1])) F=$((F + BASH_REMATCH[2]))
    [ "$st" -ne 0 ] && [ "${BASH_REMATCH[2]}" = 0 ] && F=$((F + 1))
else
    echo "kspec-host: the run printed no summary (status $st)" >&2
    F=$((F + 1))
fi
echo "kspec-host: $P passed, $F failed"
[ "$F" -eq 0 ]
