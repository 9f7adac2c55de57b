;; Regressions the engine once got wrong, run by group 30-spec on both
;; tiers (every assertion must pass).
;;
;; A branch carrying [v128, x] out of a block whose stack holds an i32 below
;; the branch's operands: the label's homes come from the label's types, so
;; x lands after the whole v128 (it once overwrote the v128's high half).
(module
  (func (export "f") (param i32) (result v128 funcref)
    i32.const 1
    loop (result i32)
      v128.const i32x4 1 2 3 4
      ref.null func
      local.get 0
      br_if 1
      drop
      drop
      i32.const 64
    end
    drop drop
    v128.const i32x4 5 6 7 8
    ref.null func)
  (func (export "g") (param i32) (result v128 i32)
    i32.const 1
    loop (result i32)
      v128.const i32x4 1 2 3 4
      i32.const 9
      local.get 0
      br_if 1
      drop
      drop
      i32.const 64
    end
    drop drop
    v128.const i32x4 5 6 7 8
    i32.const 10))
(assert_return (invoke "f" (i32.const 1)) (v128.const i32x4 1 2 3 4) (ref.null func))
(assert_return (invoke "f" (i32.const 0)) (v128.const i32x4 5 6 7 8) (ref.null func))
(assert_return (invoke "g" (i32.const 1)) (v128.const i32x4 1 2 3 4) (i32.const 9))
(assert_return (invoke "g" (i32.const 0)) (v128.const i32x4 5 6 7 8) (i32.const 10))

;; The compiled tier keeps v128 values in registers from one v128 op to the
;; next (docs/compiler.md, "SIMD on x86_64" and "SIMD on aarch64"): a value
;; must reach its cells before a branch target (here the MOV128 before the
;; loop's first op), and with more values live than registers the least
;; recently used go to their cells and come back (on aarch64 eight
;; registers; "many" keeps eleven live, then shuffles from two of them).
(module
  (func (export "loop") (param v128 i32) (result v128)
    (local v128)
    local.get 0
    local.set 2
    loop
      local.get 2
      local.get 2
      i32x4.add
      local.set 2
      local.get 1
      i32.const 1
      i32.sub
      local.tee 1
      br_if 0
    end
    local.get 2)
  (func (export "many") (param v128) (result v128 v128)
    (local v128 v128 v128 v128 v128 v128 v128 v128 v128 v128)
    local.get 0 local.get 0 i32x4.add local.set 1
    local.get 1 local.get 0 i32x4.add local.set 2
    local.get 2 local.get 0 i32x4.add local.set 3
    local.get 3 local.get 0 i32x4.add local.set 4
    local.get 4 local.get 0 i32x4.add local.set 5
    local.get 5 local.get 0 i32x4.add local.set 6
    local.get 6 local.get 0 i32x4.add local.set 7
    local.get 7 local.get 0 i32x4.add local.set 8
    local.get 8 local.get 0 i32x4.add local.set 9
    local.get 9 local.get 0 i32x4.add local.set 10
    local.get 1 local.get 2 i32x4.add local.get 3 i32x4.add local.get 4 i32x4.add
    local.get 5 i32x4.add local.get 6 i32x4.add local.get 7 i32x4.add
    local.get 8 i32x4.add local.get 9 i32x4.add local.get 10 i32x4.add
    local.tee 0
    local.get 0
    local.get 1
    i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23))
(assert_return (invoke "loop" (v128.const i32x4 1 2 3 4) (i32.const 3)) (v128.const i32x4 8 16 24 32))
(assert_return (invoke "many" (v128.const i32x4 1 2 3 4))
  (v128.const i32x4 65 130 195 260) (v128.const i32x4 65 2 130 4))

;; v128 slots kept in registers over a whole function (jit_x64_simd.c,
;; vpin_choose): a v128 parameter and locals carried around a loop, read and
;; written by the ops that address their frame cells (replace_lane,
;; extract_lane, any_true, a lane load, v128 globals, an op run out of line
;; by the executor), across a call to a function that keeps its own v128 in
;; the same register (slot registers are saved whole) and across a call to C
;; (memory.grow). The expected values are wabt's (wasm-interp).
(module
  (memory 1)
  (global $g (mut v128) (v128.const i32x4 0 0 0 0))
  (func $inner (param $n i32) (result i32)
    (local $acc v128) (local $i i32)
    (loop $l
      (local.set $acc (i32x4.add (local.get $acc) (i32x4.splat (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32x4.extract_lane 3 (local.get $acc)))
  (func $pinned (param $v v128) (result i64)
    (local $acc v128) (local $i i32) (local $s i64) (local $w v128)
    (loop $l
      (local.set $acc (i32x4.add (local.get $acc) (local.get $v)))
      (local.set $w (i32x4.replace_lane 1 (local.get $acc) (local.get $i)))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $w)))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (v128.any_true (local.get $acc)))))
      (local.set $w (i8x16.shl (local.get $w) (i32.const 1)))
      (global.set $g (local.get $w))
      (local.set $w (i64x2.add (global.get $g) (local.get $w)))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (call $inner (i32.const 5)))))
      (drop (memory.grow (i32.const 0)))
      (v128.store (i32.const 16) (local.get $w))
      (local.set $w (v128.load32_lane 2 (i32.const 16) (local.get $acc)))
      (local.set $s (i64.add (local.get $s) (i64x2.extract_lane 1 (local.get $w))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))
    (i64.add (local.get $s) (i64x2.extract_lane 0 (local.get $acc))))
  (func (export "pinned") (param v128) (result i64)
    (call $pinned (local.get 0))))
(assert_return (invoke "pinned" (v128.const i32x4 3 0x01020304 0x80000001 7)) (i64.const 7262537797704134534))
(assert_return (invoke "pinned" (v128.const i32x4 0 0 0 0)) (i64.const 5950))

;; Shifts by constant counts between v128 ops (jit_x64_simd.c: the count's
;; CONST32 stays inside the chain of v128 ops and the shift takes the
;; immediate form), counts at and beyond the lane width masked as Wasm
;; masks them. The expected value is wabt's (wasm-interp).
(module
  (func $k (export "kshift") (param v128) (result v128)
    local.get 0
    i32.const 17
    i16x8.shr_s
    i32.const 33
    i32x4.shl
    i32.const 65
    i64x2.shr_u
    i32.const 3
    i16x8.shl
    i32.const 31
    i32x4.shr_s
    i32.const 4
    i32x4.shr_u
    i64.const 7
    drop
    i32.const 64
    i64x2.shl
    local.get 0
    i32.const 9
    i16x8.shr_u
    v128.xor))
(assert_return (invoke "kshift" (v128.const i32x4 0x80017fff 0xfedcba98 0x01234567 0x89abcdef))
  (v128.const i32x4 0x0040003f 0x0f80ffa2 0x00000022 0x00440066))

;; v128 values in XMM registers by live range (jit_ra.c, JL_V128): operand-
;; stack temporaries between scalar ops, across calls to compiled code and to
;; C (memory.grow), across ops run out of line (popcnt), joined at branch
;; targets (if/else, a loop), selected, patched lane by lane in place, and
;; binary ops whose result shares a register with an operand (commutative or
;; not, negated compares). The expected values are wabt's (spectest-interp).
(module
  (memory 1)
  (func $clob (param $x v128) (result v128)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local.set $a (i32x4.add (local.get $x) (v128.const i32x4 1 1 1 1)))
    (local.set $b (i32x4.mul (local.get $a) (local.get $a)))
    (local.set $c (i16x8.sub (local.get $b) (local.get $x)))
    (local.set $d (v128.xor (local.get $c) (local.get $a)))
    (i64x2.add (local.get $d) (i16x8.mul (local.get $b) (local.get $c))))
  (func $mix (export "mix") (param $v v128) (param $n i32) (result i64)
    (local $acc v128) (local $t v128) (local $i i32) (local $s i64) (local $p i32)
    (loop $l
      ;; temporaries on the operand stack with scalar ops between them
      (local.set $p (i32.and (i32.mul (local.get $i) (i32.const 16)) (i32.const 1023)))
      (v128.store (local.get $p)
        (i16x8.add
          (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23
            (local.get $v) (v128.const i32x4 0 0 0 0))
          (i16x8.shl
            (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31
              (v128.load offset=16 (local.get $p)) (v128.const i32x4 0 0 0 0))
            (i32.const 1))))
      (local.set $t (i32x4.sub (v128.load (local.get $p)) (local.get $acc)))
      (local.set $acc
        (i8x16.narrow_i16x8_u
          (i16x8.shr_u (i16x8.add (local.get $t) (v128.const i16x8 2 2 2 2 2 2 2 2)) (i32.const 2))
          (local.get $acc)))
      ;; a v128 live across calls (compiled, and C through memory.grow) and
      ;; an op run out of line
      (local.set $t (call $clob (local.get $t)))
      (drop (memory.grow (i32.const 0)))
      (local.set $acc (i32x4.add (local.get $acc) (i8x16.popcnt (local.get $t))))
      ;; joined at a branch target
      (if (i32.and (local.get $i) (i32.const 1))
        (then (local.set $t (i16x8.sub (local.get $t) (local.get $acc))))
        (else (local.set $t (i64x2.sub (local.get $acc) (local.get $t)))))
      (local.set $acc (v128.bitselect (local.get $acc) (local.get $t) (local.get $v)))
      (local.set $t (select (result v128) (local.get $t) (local.get $acc) (i32.and (local.get $i) (i32.const 2))))
      ;; lane ops on register values, in place
      (local.set $t (i32x4.replace_lane 2 (local.get $t) (local.get $i)))
      (local.set $t (v128.load8_lane 5 (local.get $p) (local.get $t)))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 1 (local.get $t))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 0 (local.get $t))))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (i8x16.extract_lane_u 7 (local.get $acc)))))
      ;; compares, negated, non-commutative
      (local.set $acc (v128.or (i32x4.ne (local.get $acc) (local.get $t))
                               (i8x16.sub_sat_u (local.get $t) (i16x8.max_s (local.get $acc) (local.get $v)))))
      (local.set $acc (i64x2.shr_s (local.get $acc) (i32.const 60)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (local.get $s)
      (i64.add (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc)))))
  ;; i64x2.shr_s by constant counts (the pool form), masked as Wasm masks them
  (func (export "kshr") (param v128) (result v128)
    (v128.xor
      (v128.xor (i64x2.shr_s (local.get 0) (i32.const 0)) (i64x2.shr_s (local.get 0) (i32.const 1)))
      (v128.xor
        (v128.xor (i64x2.shr_s (local.get 0) (i32.const 63)) (i64x2.shr_s (local.get 0) (i32.const 64)))
        (i64x2.shr_s (local.get 0) (i32.const 127)))))
  ;; a v128 local read before it is written (zero at the entry), a parameter
  ;; loaded whole
  (func (export "entry") (param v128 i32) (result v128)
    (local $z v128)
    (loop $l
      (local.set $z (i32x4.add (local.get $z) (local.get 0)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br_if $l (local.get 1)))
    (local.get $z)))
(assert_return (invoke "mix" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98) (i32.const 40)) (i64.const 5949914915151309213))
(assert_return (invoke "kshr" (v128.const i32x4 0x80017fff 0xfedcba98 0x01234567 0x89abcdef))
  (v128.const i32x4 0x4000bfff 0xff6e5d4c 0x8091a2b3 0xc4d5e6f7))
(assert_return (invoke "entry" (v128.const i32x4 1 2 3 0xffffffff) (i32.const 5)) (v128.const i32x4 5 10 15 -5))

;; Every kind of v128 result computed straight into its XMM register, with
;; enough v128 values live (6 and 12 accumulators) that those registers
;; include xmm8-xmm15 (encodings with REX.R/REX.B: constants from the pool,
;; shuffles, constant shifts, splats, loads, binary and unary ops). The
;; expected values are wabt's (spectest-interp).
(module
  (memory 1)
  (func (export "acc6") (param $v v128) (param $n i32) (result i64)
    (local $i i32) (local $s i64) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local.set $a0 (i32x4.add (local.get $v) (v128.const i32x4 0 1 0 7)))
    (local.set $a1 (i32x4.add (local.get $v) (v128.const i32x4 1 4 1 6)))
    (local.set $a2 (i32x4.add (local.get $v) (v128.const i32x4 2 7 4 5)))
    (local.set $a3 (i32x4.add (local.get $v) (v128.const i32x4 3 10 9 4)))
    (local.set $a4 (i32x4.add (local.get $v) (v128.const i32x4 4 13 16 3)))
    (local.set $a5 (i32x4.add (local.get $v) (v128.const i32x4 5 16 25 2)))
    (loop $l
      (local.set $a1 (i64x2.add (local.get $a1) (v128.const i32x4 0x11223344 0x55667788 0x99aabbcc 0xddeeff00)))
      (local.set $a4 (i64x2.add (local.get $a4) (v128.const i32x4 0 0 0 0)))
      (local.set $a1 (i64x2.add (local.get $a1) (v128.const i32x4 -1 -1 -1 -1)))
      (local.set $a4 (i64x2.add (local.get $a4) (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get $a3) (local.get $a0))))
      (local.set $a1 (i64x2.add (local.get $a1) (i8x16.shuffle 0 16 1 16 2 16 3 16 4 16 5 16 6 16 7 16 (local.get $a4) (v128.const i32x4 0 0 0 0))))
      (local.set $a4 (i64x2.add (local.get $a4) (i8x16.shuffle 16 0 16 1 16 2 16 3 16 4 16 5 16 6 16 7 (local.get $a5) (v128.const i32x4 0 0 0 0))))
      (local.set $a1 (i64x2.add (local.get $a1) (i64x2.shr_s (local.get $a0) (i32.const 7))))
      (local.set $a4 (i64x2.add (local.get $a4) (i64x2.shr_s (local.get $a1) (i32.const 0))))
      (local.set $a1 (i64x2.add (local.get $a1) (i16x8.splat (local.get $i))))
      (local.set $a4 (i64x2.add (local.get $a4) (i64x2.splat (i64.extend_i32_u (local.get $i)))))
      (local.set $a1 (i64x2.add (local.get $a1) (i32x4.splat (i32.wrap_i64 (local.get $s)))))
      (local.set $a4 (i64x2.add (local.get $a4) (v128.load (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 255)))))
      (local.set $a1 (i64x2.add (local.get $a1) (i32x4.sub (local.get $a0) (local.get $a3))))
      (local.set $a4 (i64x2.add (local.get $a4) (i16x8.sub (local.get $a2) (local.get $a1))))
      (local.set $a1 (i64x2.add (local.get $a1) (i8x16.ne (local.get $a2) (local.get $a1))))
      (local.set $a4 (i64x2.add (local.get $a4) (i32x4.lt_s (local.get $a3) (local.get $a0))))
      (local.set $a1 (i64x2.add (local.get $a1) (i8x16.narrow_i16x8_u (local.get $a4) (local.get $a5))))
      (local.set $a4 (i64x2.add (local.get $a4) (i32x4.abs (local.get $a5))))
      (local.set $a1 (i64x2.add (local.get $a1) (v128.not (local.get $a0))))
      (local.set $a4 (i64x2.add (local.get $a4) (i16x8.neg (local.get $a1))))
      (local.set $a1 (i64x2.add (local.get $a1) (i32x4.extend_high_i16x8_s (local.get $a2))))
      (local.set $a4 (i64x2.add (local.get $a4) (i64x2.extend_low_i32x4_u (local.get $a3))))
      (local.set $a1 (i64x2.add (local.get $a1) (i32x4.shl (local.get $a4) (i32.const 3))))
      (local.set $a4 (i64x2.add (local.get $a4) (i16x8.shr_s (local.get $a5) (local.get $i))))
      (local.set $a1 (i64x2.add (local.get $a1) (v128.bitselect (local.get $a0) (local.get $a3) (local.get $v))))
      (local.set $a4 (i64x2.add (local.get $a4) (select (result v128) (local.get $a1) (local.get $a2) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $a1 (i64x2.add (local.get $a1) (i32x4.replace_lane 3 (local.get $a2) (local.get $i))))
      (local.set $a4 (i64x2.add (local.get $a4) (v128.load16_lane 1 (i32.const 40) (local.get $a3))))
      (local.set $a1 (i64x2.add (local.get $a1) (i8x16.popcnt (local.get $a4))))
      (v128.store (i32.and (i32.mul (local.get $i) (i32.const 24)) (i32.const 255)) (local.get $a0))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 1 (local.get $a5))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a0)) (i64x2.extract_lane 1 (local.get $a0)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a1)) (i64x2.extract_lane 1 (local.get $a1)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a2)) (i64x2.extract_lane 1 (local.get $a2)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a3)) (i64x2.extract_lane 1 (local.get $a3)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a4)) (i64x2.extract_lane 1 (local.get $a4)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a5)) (i64x2.extract_lane 1 (local.get $a5)))))
  (func (export "acc12") (param $v v128) (param $n i32) (result i64)
    (local $i i32) (local $s i64) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128) (local $a10 v128) (local $a11 v128)
    (local.set $a0 (i32x4.add (local.get $v) (v128.const i32x4 0 1 0 7)))
    (local.set $a1 (i32x4.add (local.get $v) (v128.const i32x4 1 4 1 6)))
    (local.set $a2 (i32x4.add (local.get $v) (v128.const i32x4 2 7 4 5)))
    (local.set $a3 (i32x4.add (local.get $v) (v128.const i32x4 3 10 9 4)))
    (local.set $a4 (i32x4.add (local.get $v) (v128.const i32x4 4 13 16 3)))
    (local.set $a5 (i32x4.add (local.get $v) (v128.const i32x4 5 16 25 2)))
    (local.set $a6 (i32x4.add (local.get $v) (v128.const i32x4 6 19 36 1)))
    (local.set $a7 (i32x4.add (local.get $v) (v128.const i32x4 7 22 49 0)))
    (local.set $a8 (i32x4.add (local.get $v) (v128.const i32x4 8 25 64 -1)))
    (local.set $a9 (i32x4.add (local.get $v) (v128.const i32x4 9 28 81 -2)))
    (local.set $a10 (i32x4.add (local.get $v) (v128.const i32x4 10 31 100 -3)))
    (local.set $a11 (i32x4.add (local.get $v) (v128.const i32x4 11 34 121 -4)))
    (loop $l
      (local.set $a1 (i64x2.add (local.get $a1) (v128.const i32x4 0x11223344 0x55667788 0x99aabbcc 0xddeeff00)))
      (local.set $a4 (i64x2.add (local.get $a4) (v128.const i32x4 0 0 0 0)))
      (local.set $a7 (i64x2.add (local.get $a7) (v128.const i32x4 -1 -1 -1 -1)))
      (local.set $a10 (i64x2.add (local.get $a10) (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get $a3) (local.get $a6))))
      (local.set $a1 (i64x2.add (local.get $a1) (i8x16.shuffle 0 16 1 16 2 16 3 16 4 16 5 16 6 16 7 16 (local.get $a4) (v128.const i32x4 0 0 0 0))))
      (local.set $a4 (i64x2.add (local.get $a4) (i8x16.shuffle 16 0 16 1 16 2 16 3 16 4 16 5 16 6 16 7 (local.get $a5) (v128.const i32x4 0 0 0 0))))
      (local.set $a7 (i64x2.add (local.get $a7) (i64x2.shr_s (local.get $a6) (i32.const 7))))
      (local.set $a10 (i64x2.add (local.get $a10) (i64x2.shr_s (local.get $a7) (i32.const 0))))
      (local.set $a1 (i64x2.add (local.get $a1) (i16x8.splat (local.get $i))))
      (local.set $a4 (i64x2.add (local.get $a4) (i64x2.splat (i64.extend_i32_u (local.get $i)))))
      (local.set $a7 (i64x2.add (local.get $a7) (i32x4.splat (i32.wrap_i64 (local.get $s)))))
      (local.set $a10 (i64x2.add (local.get $a10) (v128.load (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 255)))))
      (local.set $a1 (i64x2.add (local.get $a1) (i32x4.sub (local.get $a0) (local.get $a3))))
      (local.set $a4 (i64x2.add (local.get $a4) (i16x8.sub (local.get $a8) (local.get $a1))))
      (local.set $a7 (i64x2.add (local.get $a7) (i8x16.ne (local.get $a2) (local.get $a1))))
      (local.set $a10 (i64x2.add (local.get $a10) (i32x4.lt_s (local.get $a3) (local.get $a6))))
      (local.set $a1 (i64x2.add (local.get $a1) (i8x16.narrow_i16x8_u (local.get $a4) (local.get $a11))))
      (local.set $a4 (i64x2.add (local.get $a4) (i32x4.abs (local.get $a5))))
      (local.set $a7 (i64x2.add (local.get $a7) (v128.not (local.get $a6))))
      (local.set $a10 (i64x2.add (local.get $a10) (i16x8.neg (local.get $a7))))
      (local.set $a1 (i64x2.add (local.get $a1) (i32x4.extend_high_i16x8_s (local.get $a8))))
      (local.set $a4 (i64x2.add (local.get $a4) (i64x2.extend_low_i32x4_u (local.get $a9))))
      (local.set $a7 (i64x2.add (local.get $a7) (i32x4.shl (local.get $a10) (i32.const 3))))
      (local.set $a10 (i64x2.add (local.get $a10) (i16x8.shr_s (local.get $a11) (local.get $i))))
      (local.set $a1 (i64x2.add (local.get $a1) (v128.bitselect (local.get $a0) (local.get $a3) (local.get $v))))
      (local.set $a4 (i64x2.add (local.get $a4) (select (result v128) (local.get $a1) (local.get $a8) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $a7 (i64x2.add (local.get $a7) (i32x4.replace_lane 3 (local.get $a2) (local.get $i))))
      (local.set $a10 (i64x2.add (local.get $a10) (v128.load16_lane 1 (i32.const 40) (local.get $a3))))
      (local.set $a1 (i64x2.add (local.get $a1) (i8x16.popcnt (local.get $a4))))
      (v128.store (i32.and (i32.mul (local.get $i) (i32.const 24)) (i32.const 255)) (local.get $a0))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 1 (local.get $a11))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a0)) (i64x2.extract_lane 1 (local.get $a0)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a1)) (i64x2.extract_lane 1 (local.get $a1)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a2)) (i64x2.extract_lane 1 (local.get $a2)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a3)) (i64x2.extract_lane 1 (local.get $a3)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a4)) (i64x2.extract_lane 1 (local.get $a4)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a5)) (i64x2.extract_lane 1 (local.get $a5)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a6)) (i64x2.extract_lane 1 (local.get $a6)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a7)) (i64x2.extract_lane 1 (local.get $a7)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a8)) (i64x2.extract_lane 1 (local.get $a8)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a9)) (i64x2.extract_lane 1 (local.get $a9)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a10)) (i64x2.extract_lane 1 (local.get $a10)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a11)) (i64x2.extract_lane 1 (local.get $a11))))))
(assert_return (invoke "acc6" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98) (i32.const 30)) (i64.const 2452490128261618871))
(assert_return (invoke "acc12" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98) (i32.const 30)) (i64.const 9788648017248309136))

;; A shuffle whose operand is a v128.const 0 reads no register for it
;; (jit_x64_simd.c, vzero) -- unless a branch brings another value between
;; the constant and the shuffle, as the loops' back edges do here (in
;; "zparam" the constant is the loop's parameter on the operand stack, the
;; slot the shuffle reads).
(module
  (func (export "zloop") (param $v v128) (result v128)
    (local $z v128) (local $i i32)
    (local.set $z (v128.const i32x4 0 0 0 0))
    (loop $l
      (local.set $z (i8x16.shuffle 16 0 18 2 20 4 22 6 24 8 26 10 28 12 30 14 (local.get $z) (local.get $v)))
      (local.set $v (i8x16.add (local.get $v) (local.get $v)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $z))
  (func (export "zparam") (param $v v128) (result v128)
    (local $i i32)
    (v128.const i32x4 0 0 0 0)
    (loop $l (param v128) (result v128)
      (local.get $v)
      (i8x16.shuffle 16 0 18 2 20 4 22 6 24 8 26 10 28 12 30 14)
      (local.set $v (i8x16.add (local.get $v) (local.get $v)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))))
(assert_return (invoke "zloop" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98)) (v128.const i32x4 0x04080810 0x00000204 0x00000e1c 0xb8703060))
(assert_return (invoke "zparam" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98)) (v128.const i32x4 0x04080810 0x00000204 0x00000e1c 0xb8703060))

;; bitselect with its operands in registers, with a zero second operand
;; (then a & c: sieve's counting loop), and with the result's register one
;; of the operands'; across a loop's back edge the zero is not assumed.
(module
  (func (export "bsel") (param $a v128) (param $m v128) (param $n i32) (result v128)
    (local $b v128) (local $r v128) (local $i i32)
    (loop $l
      (local.set $r (i64x2.add (local.get $r)
        (v128.bitselect (local.get $a) (v128.const i32x4 0 0 0 0) (local.get $m))))
      (local.set $r (i64x2.add (local.get $r)
        (v128.bitselect (local.get $r) (local.get $a) (local.get $m))))
      (local.set $m (v128.bitselect (local.get $m) (local.get $b) (local.get $r)))
      (local.set $b (v128.bitselect (local.get $a) (local.get $b) (local.get $b)))
      (local.set $a (i8x16.add (local.get $a) (local.get $r)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (v128.xor (v128.xor (local.get $r) (local.get $b)) (local.get $m)))
  (func (export "bzloop") (param $a v128) (param $m v128) (result v128)
    (local $i i32) (local $r v128)
    (local.get $a)
    (v128.const i32x4 0 0 0 0)
    (loop $l (param v128 v128) (result v128)
      (local.get $m)
      (v128.bitselect)
      (local.set $r)
      (local.set $a (i8x16.add (local.get $a) (local.get $a)))
      (local.get $a)
      (local.get $r)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3)))
      (v128.xor)))
)
(assert_return (invoke "bsel" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98)
  (v128.const i32x4 0xff00ff00 0x0ff00ff0 0xffffffff 0x12345678) (i32.const 9))
  (v128.const i32x4 0x65595b60 0x0000061f 0x00005cbb 0xedeecc58))
(assert_return (invoke "bzloop" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98)
  (v128.const i32x4 0xff00ff00 0x0ff00ff0 0xffffffff 0x12345678))
  (v128.const i32x4 0x0c101420 0x00000008 0x00000024 0xe0d090a0))
