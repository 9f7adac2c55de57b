#!/bin/sh
# Writes a Wasm text module importing every host call of the table in
# kernel/core/hostcall.c and the other files named (lines {"name", "sig", hc_fn}), for the host-call
# fuzzer (tests/kfuzz/fuzz_hostcall.c). Exports:
#   hc(n i32, a0..a6 i64) -> i64   calls host call number n (0 when n is out
#                                  of range), i32 arguments wrapped from i64
#   h(a, b, c, d i64) -> i64       an endpoint handler: 13 traps, 7 calls
#                                  hc(b, c, d, ...) from inside a call, else a+b
#   memory (2 pages)
# and, for the multi-domain fuzzer (tests/kfuzz/fuzz_multi.c):
#   hm(a, b, c, d i64) -> i64      an endpoint handler doing op a & 15:
#                                  0 a+b, 1 trap, 2 hc(b, c, d), 3 hc(b, d, c),
#                                  4 memory.grow(b), 5 store8 c at b, 6 load8 b,
#                                  7 spin (until fuel ends), 8 recurse b deep,
#                                  9 buf_map(d, b) then store8 c at b;
#                                  d is the lent buffer of a call_lend
#   dhc(depth i32, n i32, a0..a6 i64) -> i64   hc at the bottom of depth frames
#   grow(n i32) -> i64, st(addr i32, v i32), ld(addr i32) -> i64, boom(), spin()
# usage: gen_hostcalls.sh kernel/core/hostcall.c [kernel/core/supervise.c ...] > out.wat
awk '
BEGIN { n = 0; testonly = 0 }
# Host calls of test kernels only (#ifdef ATHANOR_TEST) are not in the
# hosted kernel the fuzzers link: a module importing them would not load.
/^#ifdef ATHANOR_TEST/ { testonly = 1 }
/^#endif/ { testonly = 0 }
!testonly && /^[ \t]*\{"[a-z_0-9]+", "[iI]*:[iI]?", hc_[a-z_0-9]+\},/ {
    split($0, q, "\"")
    name[n] = q[2]; sig[n] = q[4]
    if (name[n] == "buf_map") bm = n
    n++
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
    print "  (func $hm (export \"hm\") (param $a i64) (param $b i64) (param $c i64) (param $d i64) (result i64)"
    print "    (local $op i32) (local $r i64)"
    print "    (local.set $op (i32.and (i32.wrap_i64 (local.get $a)) (i32.const 15)))"
    print "    (if (i32.eq (local.get $op) (i32.const 1)) (then unreachable))"
    print "    (if (i32.eq (local.get $op) (i32.const 2))"
    print "      (then (return (call $hc (i32.wrap_i64 (local.get $b)) (local.get $c) (local.get $d)"
    print "                              (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))"
    print "    (if (i32.eq (local.get $op) (i32.const 3))"
    print "      (then (return (call $hc (i32.wrap_i64 (local.get $b)) (local.get $d) (local.get $c)"
    print "                              (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))"
    print "    (if (i32.eq (local.get $op) (i32.const 4))"
    print "      (then (return (i64.extend_i32_s (memory.grow (i32.wrap_i64 (local.get $b)))))))"
    print "    (if (i32.eq (local.get $op) (i32.const 5))"
    print "      (then (i64.store8 (i32.wrap_i64 (local.get $b)) (local.get $c)) (return (i64.const 0))))"
    print "    (if (i32.eq (local.get $op) (i32.const 6))"
    print "      (then (return (i64.load8_u (i32.wrap_i64 (local.get $b))))))"
    print "    (if (i32.eq (local.get $op) (i32.const 7)) (then (loop $l (br $l))))"
    print "    (if (i32.eq (local.get $op) (i32.const 8))"
    print "      (then (return (call $deep (i32.wrap_i64 (local.get $b))))))"
    if (bm != "") {
    print "    (if (i32.eq (local.get $op) (i32.const 9))"
    printf "      (then (local.set $r (i64.extend_i32_s (call $f%d (i32.wrap_i64 (local.get $d)) (i32.wrap_i64 (local.get $b)))))\n", bm
    print "            (i64.store8 (i32.wrap_i64 (local.get $b)) (local.get $c)) (return (local.get $r))))"
    }
    print "    (i64.add (local.get $a) (local.get $b)))"
    print "  (func $deep (param $n i32) (result i64)"
    print "    (if (result i64) (i32.le_s (local.get $n) (i32.const 0)) (then (i64.const 0))"
    print "      (else (i64.add (i64.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))))"
    print "  (func $dhc (export \"dhc\") (param $n i32) (param $k i32) (param $a0 i64) (param $a1 i64) (param $a2 i64)"
    print "        (param $a3 i64) (param $a4 i64) (param $a5 i64) (param $a6 i64) (result i64)"
    print "    (if (result i64) (i32.le_s (local.get $n) (i32.const 0))"
    print "      (then (call $hc (local.get $k) (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)"
    print "                      (local.get $a4) (local.get $a5) (local.get $a6)))"
    print "      (else (call $dhc (i32.sub (local.get $n) (i32.const 1)) (local.get $k) (local.get $a0) (local.get $a1)"
    print "                       (local.get $a2) (local.get $a3) (local.get $a4) (local.get $a5) (local.get $a6)))))"
    print "  (func (export \"grow\") (param $n i32) (result i64) (i64.extend_i32_s (memory.grow (local.get $n))))"
    print "  (func (export \"st\") (param $p i32) (param $v i32) (i32.store8 (local.get $p) (local.get $v)))"
    print "  (func (export \"ld\") (param $p i32) (result i64) (i64.load8_u (local.get $p)))"
    print "  (func (export \"boom\") unreachable)"
    print "  (func (export \"spin\") (loop $l (br $l)))"
    print "  (func (export \"_start\")))"
}' "$@"
