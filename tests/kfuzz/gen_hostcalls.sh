#!/bin/sh
# Writes a Wasm text module importing every host call of the table in
# kernel/core/hostcall.c and the other files named (lines {"name", "sig", hc_fn}), for the host-call
# fuzzer (tests/kfuzz/fuzz_hostcall.c). Exports:
#   hc(n i32, a0..a6 i64) -> i64   calls host call number n (0 when n is out
#                                  of range), i32 arguments wrapped from i64
#   h(a, b, c, d i64) -> i64       an endpoint handler: 13 traps, 7 calls
#                                  hc(b, c, d, ...) from inside a call, else a+b
#   memory (2 pages)
# usage: gen_hostcalls.sh kernel/core/hostcall.c [kernel/core/supervise.c ...] > out.wat
awk '
BEGIN { n = 0 }
/^[ \t]*\{"[a-z_0-9]+", "[iI]*:[iI]?", hc_[a-z_0-9]+\},/ {
    split($0, q, "\"")
    name[n] = q[2]; sig[n] = q[4]; n++
}
END {
    print "(module"
    for (k = 0; k < n; k++) {
        split(sig[k], s, ":")
        ps = ""
        for (j = 1; j <= length(s[1]); j++) ps = ps (substr(s[1], j, 1) == "I" ? " i64" : " i32")
        rs = s[2] == "" ? "" : (s[2] == "I" ? " (result i64)" : " (result i32)")
        printf "  (import \"athanor\" \"%s\" (func $f%d%s%s))\n", name[k], k, ps == "" ? "" : " (param" ps ")", rs
    }
    print "  (memory (export \"memory\") 2)"
    print "  (func $hc (export \"hc\") (param $n i32) (param $a0 i64) (param $a1 i64) (param $a2 i64)"
    print "        (param $a3 i64) (param $a4 i64) (param $a5 i64) (param $a6 i64) (result i64)"
    for (k = 0; k < n; k++) {
        split(sig[k], s, ":")
        args = ""
        for (j = 1; j <= length(s[1]); j++)
            args = args (substr(s[1], j, 1) == "I" ? sprintf(" (local.get $a%d)", j - 1) \
                                                   : sprintf(" (i32.wrap_i64 (local.get $a%d))", j - 1))
        c = sprintf("(call $f%d%s)", k, args)
        if (s[2] == "") c = c " (i64.const 0)"
        else if (s[2] == "i") c = "(i64.extend_i32_s " c ")"
        printf "    (if (i32.eq (local.get $n) (i32.const %d)) (then (return %s)))\n", k, c
    }
    print "    (i64.const 0))"
    print "  (func (export \"h\") (param $a i64) (param $b i64) (param $c i64) (param $d i64) (result i64)"
    print "    (if (i64.eq (local.get $a) (i64.const 13)) (then unreachable))"
    print "    (if (i64.eq (local.get $a) (i64.const 7))"
    print "      (then (return (call $hc (i32.wrap_i64 (local.get $b)) (local.get $c) (local.get $d)"
    print "                              (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))"
    print "    (i64.add (local.get $a) (local.get $b)))"
    print "  (func (export \"_start\")))"
}' "$@"
