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

;; Lane ops straight on XMM registers (jit_x64_simd.c: lane_to_gpr,
;; lane_to_xmm, lane_from_gpr, lane_from_xmm; ptest / pcmpeqb for any_true):
;; every lane of every shape, on v128s held in xmm2-xmm15 and in xmm0, with
;; the SSE4.1 forms (pextr*, pinsr*, insertps) on this host and the SSE2
;; ones under QEMU's qemu64 CPU (tests/groups/30-spec.sh runs this file
;; there too). Generated by tests/spec/gen_lanes.py; the expected values
;; are wabt's (spectest-interp).
(module
  (memory 1)
  (func (export "lanes") (param $v v128) (param $n i32) (result i64)
    (local $i i32) (local $s i64) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128) (local $a8 v128) (local $a9 v128) (local $a10 v128) (local $a11 v128)
    (local.set $a0 (i32x4.add (local.get $v) (v128.const i32x4 0 0 2143289344 4286578689)))
    (local.set $a1 (i32x4.add (local.get $v) (v128.const i32x4 1 16843009 2143289345 4286578688)))
    (local.set $a2 (i32x4.add (local.get $v) (v128.const i32x4 2 33686018 2143289346 4286578687)))
    (local.set $a3 (i32x4.add (local.get $v) (v128.const i32x4 3 50529027 2143289347 4286578686)))
    (local.set $a4 (i32x4.add (local.get $v) (v128.const i32x4 4 67372036 2143289348 4286578685)))
    (local.set $a5 (i32x4.add (local.get $v) (v128.const i32x4 5 84215045 2143289349 4286578684)))
    (local.set $a6 (i32x4.add (local.get $v) (v128.const i32x4 6 101058054 2143289350 4286578683)))
    (local.set $a7 (i32x4.add (local.get $v) (v128.const i32x4 7 117901063 2143289351 4286578682)))
    (local.set $a8 (i32x4.add (local.get $v) (v128.const i32x4 8 134744072 2143289352 4286578681)))
    (local.set $a9 (i32x4.add (local.get $v) (v128.const i32x4 9 151587081 2143289353 4286578680)))
    (local.set $a10 (i32x4.add (local.get $v) (v128.const i32x4 10 168430090 2143289354 4286578679)))
    (local.set $a11 (i32x4.add (local.get $v) (v128.const i32x4 11 185273099 2143289355 4286578678)))
    (loop $l
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 0 (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 0 (local.get $a0)))))
      (local.set $a7 (i8x16.replace_lane 0 (local.get $a7) (i32.add (i32.mul (local.get $i) (i32.const 506952113)) (i32.const 0))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 1 (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 1 (local.get $a1)))))
      (local.set $a8 (i8x16.replace_lane 1 (local.get $a8) (i32.add (i32.mul (local.get $i) (i32.const 506960032)) (i32.const 16843009))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 2 (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 2 (local.get $a2)))))
      (local.set $a9 (i8x16.replace_lane 2 (local.get $a9) (i32.add (i32.mul (local.get $i) (i32.const 506967951)) (i32.const 33686018))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 3 (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 3 (local.get $a3)))))
      (local.set $a10 (i8x16.replace_lane 3 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 506975870)) (i32.const 50529027))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 4 (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 4 (local.get $a4)))))
      (local.set $a11 (i8x16.replace_lane 4 (local.get $a11) (i32.add (i32.mul (local.get $i) (i32.const 506983789)) (i32.const 67372036))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 5 (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 5 (local.get $a5)))))
      (local.set $a0 (i8x16.replace_lane 5 (local.get $a0) (i32.add (i32.mul (local.get $i) (i32.const 506991708)) (i32.const 84215045))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 6 (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 6 (local.get $a6)))))
      (local.set $a1 (i8x16.replace_lane 6 (local.get $a1) (i32.add (i32.mul (local.get $i) (i32.const 506999627)) (i32.const 101058054))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 7 (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 7 (local.get $a7)))))
      (local.set $a2 (i8x16.replace_lane 7 (local.get $a2) (i32.add (i32.mul (local.get $i) (i32.const 507007546)) (i32.const 117901063))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 8 (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 8 (local.get $a8)))))
      (local.set $a3 (i8x16.replace_lane 8 (local.get $a3) (i32.add (i32.mul (local.get $i) (i32.const 507015465)) (i32.const 134744072))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 9 (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 9 (local.get $a9)))))
      (local.set $a4 (i8x16.replace_lane 9 (local.get $a4) (i32.add (i32.mul (local.get $i) (i32.const 507023384)) (i32.const 151587081))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 10 (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 10 (local.get $a10)))))
      (local.set $a5 (i8x16.replace_lane 10 (local.get $a5) (i32.add (i32.mul (local.get $i) (i32.const 507031303)) (i32.const 168430090))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 11 (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 11 (local.get $a11)))))
      (local.set $a6 (i8x16.replace_lane 11 (local.get $a6) (i32.add (i32.mul (local.get $i) (i32.const 507039222)) (i32.const 185273099))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 12 (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 12 (local.get $a0)))))
      (local.set $a7 (i8x16.replace_lane 12 (local.get $a7) (i32.add (i32.mul (local.get $i) (i32.const 507047141)) (i32.const 202116108))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 13 (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 13 (local.get $a1)))))
      (local.set $a8 (i8x16.replace_lane 13 (local.get $a8) (i32.add (i32.mul (local.get $i) (i32.const 507055060)) (i32.const 218959117))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 14 (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 14 (local.get $a2)))))
      (local.set $a9 (i8x16.replace_lane 14 (local.get $a9) (i32.add (i32.mul (local.get $i) (i32.const 507062979)) (i32.const 235802126))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 15 (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 15 (local.get $a3)))))
      (local.set $a10 (i8x16.replace_lane 15 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 507070898)) (i32.const 252645135))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 0 (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 0 (local.get $a1)))))
      (local.set $a8 (i16x8.replace_lane 0 (local.get $a8) (i32.add (i32.mul (local.get $i) (i32.const 507078817)) (i32.const 269488144))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 1 (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 1 (local.get $a2)))))
      (local.set $a9 (i16x8.replace_lane 1 (local.get $a9) (i32.add (i32.mul (local.get $i) (i32.const 507086736)) (i32.const 286331153))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 2 (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 2 (local.get $a3)))))
      (local.set $a10 (i16x8.replace_lane 2 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 507094655)) (i32.const 303174162))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 3 (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 3 (local.get $a4)))))
      (local.set $a11 (i16x8.replace_lane 3 (local.get $a11) (i32.add (i32.mul (local.get $i) (i32.const 507102574)) (i32.const 320017171))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 4 (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 4 (local.get $a5)))))
      (local.set $a0 (i16x8.replace_lane 4 (local.get $a0) (i32.add (i32.mul (local.get $i) (i32.const 507110493)) (i32.const 336860180))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 5 (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 5 (local.get $a6)))))
      (local.set $a1 (i16x8.replace_lane 5 (local.get $a1) (i32.add (i32.mul (local.get $i) (i32.const 507118412)) (i32.const 353703189))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 6 (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 6 (local.get $a7)))))
      (local.set $a2 (i16x8.replace_lane 6 (local.get $a2) (i32.add (i32.mul (local.get $i) (i32.const 507126331)) (i32.const 370546198))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 7 (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 7 (local.get $a8)))))
      (local.set $a3 (i16x8.replace_lane 7 (local.get $a3) (i32.add (i32.mul (local.get $i) (i32.const 507134250)) (i32.const 387389207))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $a2)))))
      (local.set $a9 (i32x4.replace_lane 0 (local.get $a9) (i32.add (i32.mul (local.get $i) (i32.const 507142169)) (i32.const 404232216))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $a3)))))
      (local.set $a10 (i32x4.replace_lane 1 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 507150088)) (i32.const 421075225))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 2 (local.get $a4)))))
      (local.set $a11 (i32x4.replace_lane 2 (local.get $a11) (i32.add (i32.mul (local.get $i) (i32.const 507158007)) (i32.const 437918234))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $a5)))))
      (local.set $a0 (i32x4.replace_lane 3 (local.get $a0) (i32.add (i32.mul (local.get $i) (i32.const 507165926)) (i32.const 454761243))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 0 (local.get $a3))))
      (local.set $a10 (i64x2.replace_lane 0 (local.get $a10) (i64.rotl (i64.extend_i32_u (i32.add (i32.mul (local.get $i) (i32.const 507173845)) (i32.const 471604252))) (i64.const 28))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 1 (local.get $a4))))
      (local.set $a11 (i64x2.replace_lane 1 (local.get $a11) (i64.rotl (i64.extend_i32_u (i32.add (i32.mul (local.get $i) (i32.const 507181764)) (i32.const 488447261))) (i64.const 29))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 0 (local.get $a4))))))
      (local.set $a11 (f32x4.replace_lane 0 (local.get $a11) (f32.reinterpret_i32 (i32.add (i32.mul (local.get $i) (i32.const 507189683)) (i32.const 505290270)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 1 (local.get $a5))))))
      (local.set $a0 (f32x4.replace_lane 1 (local.get $a0) (f32.load offset=4 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 63)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 2 (local.get $a6))))))
      (local.set $a1 (f32x4.replace_lane 2 (local.get $a1) (f32x4.extract_lane 3 (local.get $a3))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 3 (local.get $a7))))))
      (local.set $a2 (f32x4.replace_lane 3 (local.get $a2) (f32.reinterpret_i32 (i32.add (i32.mul (local.get $i) (i32.const 507213440)) (i32.const 555819297)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.reinterpret_f64 (f64x2.extract_lane 0 (local.get $a5)))))
      (local.set $a0 (f64x2.replace_lane 0 (local.get $a0) (f64.load offset=0 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 63)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.reinterpret_f64 (f64x2.extract_lane 1 (local.get $a6)))))
      (local.set $a1 (f64x2.replace_lane 1 (local.get $a1) (f64x2.extract_lane 0 (local.get $a3))))
      (local.set $a8 (v128.load8_lane 0 (i32.and (i32.add (local.get $i) (i32.const 8)) (i32.const 127)) (local.get $a8)))
      (v128.store8_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a1))
      (local.set $a9 (v128.load8_lane 1 (i32.and (i32.add (local.get $i) (i32.const 16)) (i32.const 127)) (local.get $a9)))
      (v128.store8_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a2))
      (local.set $a10 (v128.load8_lane 2 (i32.and (i32.add (local.get $i) (i32.const 24)) (i32.const 127)) (local.get $a10)))
      (v128.store8_lane 2 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 5)) (i32.const 127)) (i32.const 128)) (local.get $a3))
      (local.set $a11 (v128.load8_lane 3 (i32.and (i32.add (local.get $i) (i32.const 32)) (i32.const 127)) (local.get $a11)))
      (v128.store8_lane 3 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 6)) (i32.const 127)) (i32.const 128)) (local.get $a4))
      (local.set $a0 (v128.load8_lane 4 (i32.and (i32.add (local.get $i) (i32.const 40)) (i32.const 127)) (local.get $a0)))
      (v128.store8_lane 4 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 127)) (i32.const 128)) (local.get $a5))
      (local.set $a1 (v128.load8_lane 5 (i32.and (i32.add (local.get $i) (i32.const 48)) (i32.const 127)) (local.get $a1)))
      (v128.store8_lane 5 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 127)) (i32.const 128)) (local.get $a6))
      (local.set $a2 (v128.load8_lane 6 (i32.and (i32.add (local.get $i) (i32.const 56)) (i32.const 127)) (local.get $a2)))
      (v128.store8_lane 6 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 9)) (i32.const 127)) (i32.const 128)) (local.get $a7))
      (local.set $a3 (v128.load8_lane 7 (i32.and (i32.add (local.get $i) (i32.const 64)) (i32.const 127)) (local.get $a3)))
      (v128.store8_lane 7 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 10)) (i32.const 127)) (i32.const 128)) (local.get $a8))
      (local.set $a4 (v128.load8_lane 8 (i32.and (i32.add (local.get $i) (i32.const 72)) (i32.const 127)) (local.get $a4)))
      (v128.store8_lane 8 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 11)) (i32.const 127)) (i32.const 128)) (local.get $a9))
      (local.set $a5 (v128.load8_lane 9 (i32.and (i32.add (local.get $i) (i32.const 80)) (i32.const 127)) (local.get $a5)))
      (v128.store8_lane 9 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 12)) (i32.const 127)) (i32.const 128)) (local.get $a10))
      (local.set $a6 (v128.load8_lane 10 (i32.and (i32.add (local.get $i) (i32.const 88)) (i32.const 127)) (local.get $a6)))
      (v128.store8_lane 10 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 13)) (i32.const 127)) (i32.const 128)) (local.get $a11))
      (local.set $a7 (v128.load8_lane 11 (i32.and (i32.add (local.get $i) (i32.const 96)) (i32.const 127)) (local.get $a7)))
      (v128.store8_lane 11 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 14)) (i32.const 127)) (i32.const 128)) (local.get $a0))
      (local.set $a8 (v128.load8_lane 12 (i32.and (i32.add (local.get $i) (i32.const 104)) (i32.const 127)) (local.get $a8)))
      (v128.store8_lane 12 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 15)) (i32.const 127)) (i32.const 128)) (local.get $a1))
      (local.set $a9 (v128.load8_lane 13 (i32.and (i32.add (local.get $i) (i32.const 112)) (i32.const 127)) (local.get $a9)))
      (v128.store8_lane 13 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 16)) (i32.const 127)) (i32.const 128)) (local.get $a2))
      (local.set $a10 (v128.load8_lane 14 (i32.and (i32.add (local.get $i) (i32.const 120)) (i32.const 127)) (local.get $a10)))
      (v128.store8_lane 14 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 17)) (i32.const 127)) (i32.const 128)) (local.get $a3))
      (local.set $a11 (v128.load8_lane 15 (i32.and (i32.add (local.get $i) (i32.const 128)) (i32.const 127)) (local.get $a11)))
      (v128.store8_lane 15 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 18)) (i32.const 127)) (i32.const 128)) (local.get $a4))
      (local.set $a4 (v128.load16_lane 0 (i32.and (i32.add (local.get $i) (i32.const 16)) (i32.const 127)) (local.get $a4)))
      (v128.store16_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a9))
      (local.set $a5 (v128.load16_lane 1 (i32.and (i32.add (local.get $i) (i32.const 24)) (i32.const 127)) (local.get $a5)))
      (v128.store16_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a10))
      (local.set $a6 (v128.load16_lane 2 (i32.and (i32.add (local.get $i) (i32.const 32)) (i32.const 127)) (local.get $a6)))
      (v128.store16_lane 2 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 5)) (i32.const 127)) (i32.const 128)) (local.get $a11))
      (local.set $a7 (v128.load16_lane 3 (i32.and (i32.add (local.get $i) (i32.const 40)) (i32.const 127)) (local.get $a7)))
      (v128.store16_lane 3 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 6)) (i32.const 127)) (i32.const 128)) (local.get $a0))
      (local.set $a8 (v128.load16_lane 4 (i32.and (i32.add (local.get $i) (i32.const 48)) (i32.const 127)) (local.get $a8)))
      (v128.store16_lane 4 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 127)) (i32.const 128)) (local.get $a1))
      (local.set $a9 (v128.load16_lane 5 (i32.and (i32.add (local.get $i) (i32.const 56)) (i32.const 127)) (local.get $a9)))
      (v128.store16_lane 5 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 127)) (i32.const 128)) (local.get $a2))
      (local.set $a10 (v128.load16_lane 6 (i32.and (i32.add (local.get $i) (i32.const 64)) (i32.const 127)) (local.get $a10)))
      (v128.store16_lane 6 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 9)) (i32.const 127)) (i32.const 128)) (local.get $a3))
      (local.set $a11 (v128.load16_lane 7 (i32.and (i32.add (local.get $i) (i32.const 72)) (i32.const 127)) (local.get $a11)))
      (v128.store16_lane 7 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 10)) (i32.const 127)) (i32.const 128)) (local.get $a4))
      (local.set $a8 (v128.load32_lane 0 (i32.and (i32.add (local.get $i) (i32.const 32)) (i32.const 127)) (local.get $a8)))
      (v128.store32_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a1))
      (local.set $a9 (v128.load32_lane 1 (i32.and (i32.add (local.get $i) (i32.const 40)) (i32.const 127)) (local.get $a9)))
      (v128.store32_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a2))
      (local.set $a10 (v128.load32_lane 2 (i32.and (i32.add (local.get $i) (i32.const 48)) (i32.const 127)) (local.get $a10)))
      (v128.store32_lane 2 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 5)) (i32.const 127)) (i32.const 128)) (local.get $a3))
      (local.set $a11 (v128.load32_lane 3 (i32.and (i32.add (local.get $i) (i32.const 56)) (i32.const 127)) (local.get $a11)))
      (v128.store32_lane 3 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 6)) (i32.const 127)) (i32.const 128)) (local.get $a4))
      (local.set $a4 (v128.load64_lane 0 (i32.and (i32.add (local.get $i) (i32.const 64)) (i32.const 127)) (local.get $a4)))
      (v128.store64_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a9))
      (local.set $a5 (v128.load64_lane 1 (i32.and (i32.add (local.get $i) (i32.const 72)) (i32.const 127)) (local.get $a5)))
      (v128.store64_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a10))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a0) (v128.const i32x4 0x01 0 0x8000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a1) (v128.const i32x4 0x02 0 0x4000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a2) (v128.const i32x4 0x04 0 0x2000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a3) (v128.const i32x4 0x08 0 0x1000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a4) (v128.const i32x4 0x10 0 0x0800 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a5) (v128.const i32x4 0x20 0 0x0400 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a6) (v128.const i32x4 0x40 0 0x0200 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a7) (v128.const i32x4 0x80 0 0x0100 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a8) (v128.const i32x4 0x01 0 0x8000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a9) (v128.const i32x4 0x02 0 0x4000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a10) (v128.const i32x4 0x04 0 0x2000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a11) (v128.const i32x4 0x08 0 0x1000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a11)))))
      (local.set $a3 (i32x4.add (local.get $a3) (f32x4.splat (f32x4.extract_lane 0 (local.get $a0)))))
      (local.set $a4 (i64x2.add (local.get $a4) (f64x2.splat (f64x2.extract_lane 1 (local.get $a1)))))
      (local.set $a5 (i32x4.add (local.get $a5) (f32x4.splat (f32x4.extract_lane 2 (local.get $a2)))))
      (local.set $a6 (i64x2.add (local.get $a6) (f64x2.splat (f64x2.extract_lane 1 (local.get $a3)))))
      (local.set $a7 (i32x4.add (local.get $a7) (f32x4.splat (f32x4.extract_lane 0 (local.get $a4)))))
      (local.set $a8 (i64x2.add (local.get $a8) (f64x2.splat (f64x2.extract_lane 1 (local.get $a5)))))
      (local.set $a9 (i32x4.add (local.get $a9) (f32x4.splat (f32x4.extract_lane 2 (local.get $a6)))))
      (local.set $a10 (i64x2.add (local.get $a10) (f64x2.splat (f64x2.extract_lane 1 (local.get $a7)))))
      (local.set $a11 (i32x4.add (local.get $a11) (f32x4.splat (f32x4.extract_lane 0 (local.get $a8)))))
      (local.set $a0 (i64x2.add (local.get $a0) (f64x2.splat (f64x2.extract_lane 1 (local.get $a9)))))
      (local.set $a1 (i32x4.add (local.get $a1) (f32x4.splat (f32x4.extract_lane 2 (local.get $a10)))))
      (local.set $a2 (i64x2.add (local.get $a2) (f64x2.splat (f64x2.extract_lane 1 (local.get $a11)))))
      (local.set $a0 (i32x4.add (local.get $a0) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a0 (i64x2.add (local.get $a0) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a3 (i32x4.add (local.get $a3) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a3 (i64x2.add (local.get $a3) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a6 (i32x4.add (local.get $a6) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a6 (i64x2.add (local.get $a6) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a9 (i32x4.add (local.get $a9) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a9 (i64x2.add (local.get $a9) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a0)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 0 (local.get $a0)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a1)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 3 (local.get $a1)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a2)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 2 (local.get $a2)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a3)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 1 (local.get $a3)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a4)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 0 (local.get $a4)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a5)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 3 (local.get $a5)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a6)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 2 (local.get $a6)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a7)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 1 (local.get $a7)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a8)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 0 (local.get $a8)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a9)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 3 (local.get $a9)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a10)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 2 (local.get $a10)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a11)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 1 (local.get $a11)))
      (local.set $a0 (i32x4.add (local.get $a0) (local.get $a1)))
      (local.set $a1 (i32x4.add (local.get $a1) (local.get $a2)))
      (local.set $a2 (i32x4.add (local.get $a2) (local.get $a3)))
      (local.set $a3 (i32x4.add (local.get $a3) (local.get $a4)))
      (local.set $a4 (i32x4.add (local.get $a4) (local.get $a5)))
      (local.set $a5 (i32x4.add (local.get $a5) (local.get $a6)))
      (local.set $a6 (i32x4.add (local.get $a6) (local.get $a7)))
      (local.set $a7 (i32x4.add (local.get $a7) (local.get $a8)))
      (local.set $a8 (i32x4.add (local.get $a8) (local.get $a9)))
      (local.set $a9 (i32x4.add (local.get $a9) (local.get $a10)))
      (local.set $a10 (i32x4.add (local.get $a10) (local.get $a11)))
      (local.set $a11 (i32x4.add (local.get $a11) (local.get $a0)))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 0 (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 0 (local.get $a3)))))
      (local.set $a10 (i8x16.replace_lane 0 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 507237197)) (i32.const 606348324))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 1 (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 1 (local.get $a8)))))
      (local.set $a3 (i8x16.replace_lane 1 (local.get $a3) (i32.add (i32.mul (local.get $i) (i32.const 507245116)) (i32.const 623191333))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 2 (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 2 (local.get $a1)))))
      (local.set $a8 (i8x16.replace_lane 2 (local.get $a8) (i32.add (i32.mul (local.get $i) (i32.const 507253035)) (i32.const 640034342))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 3 (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 3 (local.get $a6)))))
      (local.set $a1 (i8x16.replace_lane 3 (local.get $a1) (i32.add (i32.mul (local.get $i) (i32.const 507260954)) (i32.const 656877351))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 4 (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 4 (local.get $a11)))))
      (local.set $a6 (i8x16.replace_lane 4 (local.get $a6) (i32.add (i32.mul (local.get $i) (i32.const 507268873)) (i32.const 673720360))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 5 (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 5 (local.get $a4)))))
      (local.set $a11 (i8x16.replace_lane 5 (local.get $a11) (i32.add (i32.mul (local.get $i) (i32.const 507276792)) (i32.const 690563369))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 6 (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 6 (local.get $a9)))))
      (local.set $a4 (i8x16.replace_lane 6 (local.get $a4) (i32.add (i32.mul (local.get $i) (i32.const 507284711)) (i32.const 707406378))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 7 (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 7 (local.get $a2)))))
      (local.set $a9 (i8x16.replace_lane 7 (local.get $a9) (i32.add (i32.mul (local.get $i) (i32.const 507292630)) (i32.const 724249387))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 8 (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 8 (local.get $a7)))))
      (local.set $a2 (i8x16.replace_lane 8 (local.get $a2) (i32.add (i32.mul (local.get $i) (i32.const 507300549)) (i32.const 741092396))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 9 (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 9 (local.get $a0)))))
      (local.set $a7 (i8x16.replace_lane 9 (local.get $a7) (i32.add (i32.mul (local.get $i) (i32.const 507308468)) (i32.const 757935405))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 10 (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 10 (local.get $a5)))))
      (local.set $a0 (i8x16.replace_lane 10 (local.get $a0) (i32.add (i32.mul (local.get $i) (i32.const 507316387)) (i32.const 774778414))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 11 (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 11 (local.get $a10)))))
      (local.set $a5 (i8x16.replace_lane 11 (local.get $a5) (i32.add (i32.mul (local.get $i) (i32.const 507324306)) (i32.const 791621423))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 12 (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 12 (local.get $a3)))))
      (local.set $a10 (i8x16.replace_lane 12 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 507332225)) (i32.const 808464432))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 13 (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 13 (local.get $a8)))))
      (local.set $a3 (i8x16.replace_lane 13 (local.get $a3) (i32.add (i32.mul (local.get $i) (i32.const 507340144)) (i32.const 825307441))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 14 (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 14 (local.get $a1)))))
      (local.set $a8 (i8x16.replace_lane 14 (local.get $a8) (i32.add (i32.mul (local.get $i) (i32.const 507348063)) (i32.const 842150450))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_s 15 (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.extract_lane_u 15 (local.get $a6)))))
      (local.set $a1 (i8x16.replace_lane 15 (local.get $a1) (i32.add (i32.mul (local.get $i) (i32.const 507355982)) (i32.const 858993459))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 0 (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 0 (local.get $a4)))))
      (local.set $a11 (i16x8.replace_lane 0 (local.get $a11) (i32.add (i32.mul (local.get $i) (i32.const 507363901)) (i32.const 875836468))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 1 (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 1 (local.get $a9)))))
      (local.set $a4 (i16x8.replace_lane 1 (local.get $a4) (i32.add (i32.mul (local.get $i) (i32.const 507371820)) (i32.const 892679477))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 2 (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 2 (local.get $a2)))))
      (local.set $a9 (i16x8.replace_lane 2 (local.get $a9) (i32.add (i32.mul (local.get $i) (i32.const 507379739)) (i32.const 909522486))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 3 (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 3 (local.get $a7)))))
      (local.set $a2 (i16x8.replace_lane 3 (local.get $a2) (i32.add (i32.mul (local.get $i) (i32.const 507387658)) (i32.const 926365495))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 4 (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 4 (local.get $a0)))))
      (local.set $a7 (i16x8.replace_lane 4 (local.get $a7) (i32.add (i32.mul (local.get $i) (i32.const 507395577)) (i32.const 943208504))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 5 (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 5 (local.get $a5)))))
      (local.set $a0 (i16x8.replace_lane 5 (local.get $a0) (i32.add (i32.mul (local.get $i) (i32.const 507403496)) (i32.const 960051513))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 6 (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 6 (local.get $a10)))))
      (local.set $a5 (i16x8.replace_lane 6 (local.get $a5) (i32.add (i32.mul (local.get $i) (i32.const 507411415)) (i32.const 976894522))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_s 7 (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.extract_lane_u 7 (local.get $a3)))))
      (local.set $a10 (i16x8.replace_lane 7 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 507419334)) (i32.const 993737531))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $a5)))))
      (local.set $a0 (i32x4.replace_lane 0 (local.get $a0) (i32.add (i32.mul (local.get $i) (i32.const 507427253)) (i32.const 1010580540))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $a10)))))
      (local.set $a5 (i32x4.replace_lane 1 (local.get $a5) (i32.add (i32.mul (local.get $i) (i32.const 507435172)) (i32.const 1027423549))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 2 (local.get $a3)))))
      (local.set $a10 (i32x4.replace_lane 2 (local.get $a10) (i32.add (i32.mul (local.get $i) (i32.const 507443091)) (i32.const 1044266558))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $a8)))))
      (local.set $a3 (i32x4.replace_lane 3 (local.get $a3) (i32.add (i32.mul (local.get $i) (i32.const 507451010)) (i32.const 1061109567))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 0 (local.get $a6))))
      (local.set $a1 (i64x2.replace_lane 0 (local.get $a1) (i64.rotl (i64.extend_i32_u (i32.add (i32.mul (local.get $i) (i32.const 507458929)) (i32.const 1077952576))) (i64.const 0))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64x2.extract_lane 1 (local.get $a11))))
      (local.set $a6 (i64x2.replace_lane 1 (local.get $a6) (i64.rotl (i64.extend_i32_u (i32.add (i32.mul (local.get $i) (i32.const 507466848)) (i32.const 1094795585))) (i64.const 1))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 0 (local.get $a7))))))
      (local.set $a2 (f32x4.replace_lane 0 (local.get $a2) (f32.reinterpret_i32 (i32.add (i32.mul (local.get $i) (i32.const 507474767)) (i32.const 1111638594)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 1 (local.get $a0))))))
      (local.set $a7 (f32x4.replace_lane 1 (local.get $a7) (f32.load offset=4 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 63)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 2 (local.get $a5))))))
      (local.set $a0 (f32x4.replace_lane 2 (local.get $a0) (f32x4.extract_lane 3 (local.get $a2))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32.reinterpret_f32 (f32x4.extract_lane 3 (local.get $a10))))))
      (local.set $a5 (f32x4.replace_lane 3 (local.get $a5) (f32.reinterpret_i32 (i32.add (i32.mul (local.get $i) (i32.const 507498524)) (i32.const 1162167621)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.reinterpret_f64 (f64x2.extract_lane 0 (local.get $a8)))))
      (local.set $a3 (f64x2.replace_lane 0 (local.get $a3) (f64.load offset=0 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 63)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.reinterpret_f64 (f64x2.extract_lane 1 (local.get $a1)))))
      (local.set $a8 (f64x2.replace_lane 1 (local.get $a8) (f64x2.extract_lane 0 (local.get $a10))))
      (local.set $a9 (v128.load8_lane 0 (i32.and (i32.add (local.get $i) (i32.const 8)) (i32.const 127)) (local.get $a9)))
      (v128.store8_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a2))
      (local.set $a2 (v128.load8_lane 1 (i32.and (i32.add (local.get $i) (i32.const 16)) (i32.const 127)) (local.get $a2)))
      (v128.store8_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a7))
      (local.set $a7 (v128.load8_lane 2 (i32.and (i32.add (local.get $i) (i32.const 24)) (i32.const 127)) (local.get $a7)))
      (v128.store8_lane 2 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 5)) (i32.const 127)) (i32.const 128)) (local.get $a0))
      (local.set $a0 (v128.load8_lane 3 (i32.and (i32.add (local.get $i) (i32.const 32)) (i32.const 127)) (local.get $a0)))
      (v128.store8_lane 3 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 6)) (i32.const 127)) (i32.const 128)) (local.get $a5))
      (local.set $a5 (v128.load8_lane 4 (i32.and (i32.add (local.get $i) (i32.const 40)) (i32.const 127)) (local.get $a5)))
      (v128.store8_lane 4 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 127)) (i32.const 128)) (local.get $a10))
      (local.set $a10 (v128.load8_lane 5 (i32.and (i32.add (local.get $i) (i32.const 48)) (i32.const 127)) (local.get $a10)))
      (v128.store8_lane 5 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 127)) (i32.const 128)) (local.get $a3))
      (local.set $a3 (v128.load8_lane 6 (i32.and (i32.add (local.get $i) (i32.const 56)) (i32.const 127)) (local.get $a3)))
      (v128.store8_lane 6 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 9)) (i32.const 127)) (i32.const 128)) (local.get $a8))
      (local.set $a8 (v128.load8_lane 7 (i32.and (i32.add (local.get $i) (i32.const 64)) (i32.const 127)) (local.get $a8)))
      (v128.store8_lane 7 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 10)) (i32.const 127)) (i32.const 128)) (local.get $a1))
      (local.set $a1 (v128.load8_lane 8 (i32.and (i32.add (local.get $i) (i32.const 72)) (i32.const 127)) (local.get $a1)))
      (v128.store8_lane 8 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 11)) (i32.const 127)) (i32.const 128)) (local.get $a6))
      (local.set $a6 (v128.load8_lane 9 (i32.and (i32.add (local.get $i) (i32.const 80)) (i32.const 127)) (local.get $a6)))
      (v128.store8_lane 9 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 12)) (i32.const 127)) (i32.const 128)) (local.get $a11))
      (local.set $a11 (v128.load8_lane 10 (i32.and (i32.add (local.get $i) (i32.const 88)) (i32.const 127)) (local.get $a11)))
      (v128.store8_lane 10 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 13)) (i32.const 127)) (i32.const 128)) (local.get $a4))
      (local.set $a4 (v128.load8_lane 11 (i32.and (i32.add (local.get $i) (i32.const 96)) (i32.const 127)) (local.get $a4)))
      (v128.store8_lane 11 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 14)) (i32.const 127)) (i32.const 128)) (local.get $a9))
      (local.set $a9 (v128.load8_lane 12 (i32.and (i32.add (local.get $i) (i32.const 104)) (i32.const 127)) (local.get $a9)))
      (v128.store8_lane 12 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 15)) (i32.const 127)) (i32.const 128)) (local.get $a2))
      (local.set $a2 (v128.load8_lane 13 (i32.and (i32.add (local.get $i) (i32.const 112)) (i32.const 127)) (local.get $a2)))
      (v128.store8_lane 13 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 16)) (i32.const 127)) (i32.const 128)) (local.get $a7))
      (local.set $a7 (v128.load8_lane 14 (i32.and (i32.add (local.get $i) (i32.const 120)) (i32.const 127)) (local.get $a7)))
      (v128.store8_lane 14 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 17)) (i32.const 127)) (i32.const 128)) (local.get $a0))
      (local.set $a0 (v128.load8_lane 15 (i32.and (i32.add (local.get $i) (i32.const 128)) (i32.const 127)) (local.get $a0)))
      (v128.store8_lane 15 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 18)) (i32.const 127)) (i32.const 128)) (local.get $a5))
      (local.set $a5 (v128.load16_lane 0 (i32.and (i32.add (local.get $i) (i32.const 16)) (i32.const 127)) (local.get $a5)))
      (v128.store16_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a10))
      (local.set $a10 (v128.load16_lane 1 (i32.and (i32.add (local.get $i) (i32.const 24)) (i32.const 127)) (local.get $a10)))
      (v128.store16_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a3))
      (local.set $a3 (v128.load16_lane 2 (i32.and (i32.add (local.get $i) (i32.const 32)) (i32.const 127)) (local.get $a3)))
      (v128.store16_lane 2 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 5)) (i32.const 127)) (i32.const 128)) (local.get $a8))
      (local.set $a8 (v128.load16_lane 3 (i32.and (i32.add (local.get $i) (i32.const 40)) (i32.const 127)) (local.get $a8)))
      (v128.store16_lane 3 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 6)) (i32.const 127)) (i32.const 128)) (local.get $a1))
      (local.set $a1 (v128.load16_lane 4 (i32.and (i32.add (local.get $i) (i32.const 48)) (i32.const 127)) (local.get $a1)))
      (v128.store16_lane 4 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 127)) (i32.const 128)) (local.get $a6))
      (local.set $a6 (v128.load16_lane 5 (i32.and (i32.add (local.get $i) (i32.const 56)) (i32.const 127)) (local.get $a6)))
      (v128.store16_lane 5 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 127)) (i32.const 128)) (local.get $a11))
      (local.set $a11 (v128.load16_lane 6 (i32.and (i32.add (local.get $i) (i32.const 64)) (i32.const 127)) (local.get $a11)))
      (v128.store16_lane 6 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 9)) (i32.const 127)) (i32.const 128)) (local.get $a4))
      (local.set $a4 (v128.load16_lane 7 (i32.and (i32.add (local.get $i) (i32.const 72)) (i32.const 127)) (local.get $a4)))
      (v128.store16_lane 7 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 10)) (i32.const 127)) (i32.const 128)) (local.get $a9))
      (local.set $a9 (v128.load32_lane 0 (i32.and (i32.add (local.get $i) (i32.const 32)) (i32.const 127)) (local.get $a9)))
      (v128.store32_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a2))
      (local.set $a2 (v128.load32_lane 1 (i32.and (i32.add (local.get $i) (i32.const 40)) (i32.const 127)) (local.get $a2)))
      (v128.store32_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a7))
      (local.set $a7 (v128.load32_lane 2 (i32.and (i32.add (local.get $i) (i32.const 48)) (i32.const 127)) (local.get $a7)))
      (v128.store32_lane 2 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 5)) (i32.const 127)) (i32.const 128)) (local.get $a0))
      (local.set $a0 (v128.load32_lane 3 (i32.and (i32.add (local.get $i) (i32.const 56)) (i32.const 127)) (local.get $a0)))
      (v128.store32_lane 3 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 6)) (i32.const 127)) (i32.const 128)) (local.get $a5))
      (local.set $a5 (v128.load64_lane 0 (i32.and (i32.add (local.get $i) (i32.const 64)) (i32.const 127)) (local.get $a5)))
      (v128.store64_lane 0 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 3)) (i32.const 127)) (i32.const 128)) (local.get $a10))
      (local.set $a10 (v128.load64_lane 1 (i32.and (i32.add (local.get $i) (i32.const 72)) (i32.const 127)) (local.get $a10)))
      (v128.store64_lane 1 (i32.add (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 127)) (i32.const 128)) (local.get $a3))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a0) (v128.const i32x4 0x01 0 0x8000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a0)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a1) (v128.const i32x4 0x02 0 0x4000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a1)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a2) (v128.const i32x4 0x04 0 0x2000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a2)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a3) (v128.const i32x4 0x08 0 0x1000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a3)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a4) (v128.const i32x4 0x10 0 0x0800 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a4)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a5) (v128.const i32x4 0x20 0 0x0400 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a5)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a6) (v128.const i32x4 0x40 0 0x0200 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a6)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a7) (v128.const i32x4 0x80 0 0x0100 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a7)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a8) (v128.const i32x4 0x01 0 0x8000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a8)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a9) (v128.const i32x4 0x02 0 0x4000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a9)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a10) (v128.const i32x4 0x04 0 0x2000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a10)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (v128.any_true (v128.and (local.get $a11) (v128.const i32x4 0x08 0 0x1000 0))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i8x16.bitmask (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i16x8.bitmask (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i32x4.bitmask (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.all_true (local.get $a11)))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.extend_i32_u (i64x2.bitmask (local.get $a11)))))
      (local.set $a3 (i32x4.add (local.get $a3) (f32x4.splat (f32x4.extract_lane 0 (local.get $a0)))))
      (local.set $a4 (i64x2.add (local.get $a4) (f64x2.splat (f64x2.extract_lane 1 (local.get $a1)))))
      (local.set $a5 (i32x4.add (local.get $a5) (f32x4.splat (f32x4.extract_lane 2 (local.get $a2)))))
      (local.set $a6 (i64x2.add (local.get $a6) (f64x2.splat (f64x2.extract_lane 1 (local.get $a3)))))
      (local.set $a7 (i32x4.add (local.get $a7) (f32x4.splat (f32x4.extract_lane 0 (local.get $a4)))))
      (local.set $a8 (i64x2.add (local.get $a8) (f64x2.splat (f64x2.extract_lane 1 (local.get $a5)))))
      (local.set $a9 (i32x4.add (local.get $a9) (f32x4.splat (f32x4.extract_lane 2 (local.get $a6)))))
      (local.set $a10 (i64x2.add (local.get $a10) (f64x2.splat (f64x2.extract_lane 1 (local.get $a7)))))
      (local.set $a11 (i32x4.add (local.get $a11) (f32x4.splat (f32x4.extract_lane 0 (local.get $a8)))))
      (local.set $a0 (i64x2.add (local.get $a0) (f64x2.splat (f64x2.extract_lane 1 (local.get $a9)))))
      (local.set $a1 (i32x4.add (local.get $a1) (f32x4.splat (f32x4.extract_lane 2 (local.get $a10)))))
      (local.set $a2 (i64x2.add (local.get $a2) (f64x2.splat (f64x2.extract_lane 1 (local.get $a11)))))
      (local.set $a0 (i32x4.add (local.get $a0) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a0 (i64x2.add (local.get $a0) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a3 (i32x4.add (local.get $a3) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a3 (i64x2.add (local.get $a3) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a6 (i32x4.add (local.get $a6) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a6 (i64x2.add (local.get $a6) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a9 (i32x4.add (local.get $a9) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))
      (local.set $a9 (i64x2.add (local.get $a9) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a0)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 0 (local.get $a0)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a1)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 3 (local.get $a1)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a2)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 2 (local.get $a2)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a3)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 1 (local.get $a3)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a4)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 0 (local.get $a4)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a5)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 3 (local.get $a5)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a6)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 2 (local.get $a6)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a7)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 1 (local.get $a7)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a8)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 0 (local.get $a8)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a9)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 3 (local.get $a9)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 0 (local.get $a10)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 2 (local.get $a10)))
      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane 1 (local.get $a11)))
      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane 1 (local.get $a11)))
      (local.set $a0 (i32x4.add (local.get $a0) (local.get $a1)))
      (local.set $a1 (i32x4.add (local.get $a1) (local.get $a2)))
      (local.set $a2 (i32x4.add (local.get $a2) (local.get $a3)))
      (local.set $a3 (i32x4.add (local.get $a3) (local.get $a4)))
      (local.set $a4 (i32x4.add (local.get $a4) (local.get $a5)))
      (local.set $a5 (i32x4.add (local.get $a5) (local.get $a6)))
      (local.set $a6 (i32x4.add (local.get $a6) (local.get $a7)))
      (local.set $a7 (i32x4.add (local.get $a7) (local.get $a8)))
      (local.set $a8 (i32x4.add (local.get $a8) (local.get $a9)))
      (local.set $a9 (i32x4.add (local.get $a9) (local.get $a10)))
      (local.set $a10 (i32x4.add (local.get $a10) (local.get $a11)))
      (local.set $a11 (i32x4.add (local.get $a11) (local.get $a0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a0)) (i64x2.extract_lane 1 (local.get $a0)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a1)) (i64x2.extract_lane 1 (local.get $a1)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a2)) (i64x2.extract_lane 1 (local.get $a2)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a3)) (i64x2.extract_lane 1 (local.get $a3)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a4)) (i64x2.extract_lane 1 (local.get $a4)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a5)) (i64x2.extract_lane 1 (local.get $a5)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a6)) (i64x2.extract_lane 1 (local.get $a6)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a7)) (i64x2.extract_lane 1 (local.get $a7)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a8)) (i64x2.extract_lane 1 (local.get $a8)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a9)) (i64x2.extract_lane 1 (local.get $a9)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a10)) (i64x2.extract_lane 1 (local.get $a10)))) (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a11)) (i64x2.extract_lane 1 (local.get $a11)))))
  (func (export "mem") (result i64) (local $p i32) (local $s i64)
    (loop $l
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (i32.lt_u (local.get $p) (i32.const 512))))
    (local.get $s)))
(assert_return (invoke "lanes" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98) (i32.const 20)) (i64.const 18039918817875556042))
(assert_return (invoke "mem") (i64.const 471932214960825803))

;; v128.const operands read from the constant pool by the binary op that
;; uses them, the constant never made in a register (jit_x64_simd.c:
;; kelide, kreader): as the second operand (and, add, sub, the swapped
;; lt_s, the negated ne, min_s), never as the first or as both; a constant
;; read twice, one read by a shuffle (zero lanes) and a bitselect, one live
;; across a loop's back edge; enough live v128s for xmm8-xmm15.
(module
  (func (export "kpool") (param $v v128) (param $n i32) (result v128)
    (local $i i32) (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $e v128) (local $f v128) (local $g v128) (local $h v128) (local $k v128)
    (local.set $a (local.get $v))
    (local.set $b (i32x4.add (local.get $v) (v128.const i32x4 1 2 3 4)))
    (local.set $c (i32x4.add (local.get $v) (v128.const i32x4 5 6 7 8)))
    (local.set $d (i32x4.add (local.get $v) (v128.const i32x4 9 10 11 12)))
    (local.set $e (i32x4.add (local.get $v) (v128.const i32x4 13 14 15 16)))
    (local.set $f (i32x4.add (local.get $v) (v128.const i32x4 17 18 19 20)))
    (local.set $g (i32x4.add (local.get $v) (v128.const i32x4 21 22 23 24)))
    (local.set $h (i32x4.add (local.get $v) (v128.const i32x4 25 26 27 28)))
    (local.set $k (v128.const i32x4 0x0f0f0f0f 0xf0f0f0f0 0x33333333 0xcccccccc))
    (loop $l
      (local.set $a (v128.and (local.get $a) (v128.const i32x4 0xff00ff00 0x00ff00ff 0x7fffffff 0xfffffffe)))
      (local.set $b (i8x16.add (local.get $b) (v128.const i32x4 0x01020304 0x05060708 0x090a0b0c 0x0d0e0f10)))
      (local.set $c (i16x8.sub (v128.const i32x4 0x11111111 0x22222222 0x33333333 0x44444444) (local.get $c)))
      (local.set $d (i32x4.lt_s (local.get $d) (v128.const i32x4 0 -1 100 0x80000000)))
      (local.set $e (i32x4.lt_s (v128.const i32x4 0 -1 100 0x80000000) (local.get $e)))
      (local.set $f (i8x16.ne (local.get $f) (v128.const i32x4 0 0 0x01010101 0)))
      (local.set $g (i16x8.min_s (local.get $g) (v128.const i32x4 0x7fff8000 0x00010002 0xfffe0003 0x12345678)))
      (local.set $h (i32x4.add (v128.const i32x4 3 3 3 3) (v128.const i32x4 3 3 3 3)))
      (local.set $h (i64x2.add (local.get $h)
        (i32x4.mul (local.get $a) (v128.const i32x4 7 7 7 7))))
      (local.set $a (i64x2.add (local.get $a)
        (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $b) (v128.const i32x4 0 0 0 0))))
      (local.set $b (v128.bitselect (local.get $c) (v128.const i32x4 0 0 0 0) (local.get $d)))
      (local.set $c (v128.xor (local.get $c) (local.get $k)))
      (local.set $d (i64x2.add (local.get $d) (local.get $e)))
      (local.set $e (v128.or (local.get $e) (local.get $f)))
      (local.set $f (i32x4.add (local.get $f) (local.get $g)))
      (local.set $g (i8x16.sub (local.get $g) (local.get $h)))
      (local.set $k (i32x4.add (local.get $k) (v128.const i32x4 1 1 1 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (v128.xor (v128.xor (v128.xor (local.get $a) (local.get $b)) (v128.xor (local.get $c) (local.get $d)))
      (v128.xor (v128.xor (v128.xor (local.get $e) (local.get $f)) (v128.xor (local.get $g) (local.get $h))) (local.get $k))))
  (func (export "ktwice") (param $v v128) (result v128)
    (v128.const i32x4 0x01010101 0x02020202 0x03030303 0x04040404)
    (local.set $v (i8x16.add (local.get $v) (local.tee 0 (local.get $v))))
    (local.get $v)
    (i8x16.sub)
    (i8x16.add (v128.const i32x4 0x10 0x20 0x30 0x40))))
(assert_return (invoke "kpool" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98) (i32.const 9)) (v128.const i32x4 0x0d190267 0x1fb920ba 0x0081005b 0xa5bd7196))
(assert_return (invoke "ktwice" (v128.const i32x4 0x01020304 0x80000001 7 0xfedcba98)) (v128.const i32x4 0xfffdfb09 0x02020220 0x03030325 0x084c9014))
;; Direct calls pass the leading scalar arguments in rax and rcx (x86_64,
;; docs/compiler.md "Calls"); every other way in (the entry trampoline,
;; call_indirect, return_call, return_call_indirect, an import) finds them in
;; their cells. Mixed types, i32 arguments with the high bits of a 64-bit
;; register set before, a v128 first (nothing in registers) or second, a
;; dead first parameter, more than eight locals zeroed (rep stosq), deep
;; recursion, and traps deep in the stack.
(module $args
  (type $ii (func (param i32 i32) (result i32)))
  (type $iii (func (param i32 i32 i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $ack $tak $sub2 $mixf)
  (func $ack (export "ack") (type $ii)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.add (local.get 1) (i32.const 1)))
      (else (if (result i32) (i32.eqz (local.get 1))
        (then (call $ack (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))
        (else (call $ack (i32.sub (local.get 0) (i32.const 1))
                         (call $ack (local.get 0) (i32.sub (local.get 1) (i32.const 1)))))))))
  (func $tak (export "tak") (type $iii)
    (if (result i32) (i32.ge_s (local.get 1) (local.get 0))
      (then (local.get 2))
      (else (call $tak
        (call $tak (i32.sub (local.get 0) (i32.const 1)) (local.get 1) (local.get 2))
        (call $tak (i32.sub (local.get 1) (i32.const 1)) (local.get 2) (local.get 0))
        (call $tak (i32.sub (local.get 2) (i32.const 1)) (local.get 0) (local.get 1))))))
  ;; the same through the table and through tail calls
  (func $ack_ind (export "ack_ind") (type $ii)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.add (local.get 1) (i32.const 1)))
      (else (if (result i32) (i32.eqz (local.get 1))
        (then (return_call_indirect (type $ii) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1) (i32.const 0)))
        (else (return_call $ack (i32.sub (local.get 0) (i32.const 1))
                 (call_indirect (type $ii) (local.get 0) (i32.sub (local.get 1) (i32.const 1)) (i32.const 0))))))))
  (func $tak_ind (export "tak_ind") (type $iii)
    (call_indirect (type $iii) (local.get 0) (local.get 1) (local.get 2) (i32.const 1)))
  ;; order: a - b, not b - a
  (func $sub2 (export "sub2") (type $ii) (i32.sub (local.get 0) (local.get 1)))
  (func (export "sub2_direct") (param i32 i32) (result i32 i32 i32)
    (call $sub2 (local.get 0) (local.get 1))
    (call_indirect (type $ii) (local.get 0) (local.get 1) (i32.const 2))
    (call $sub2 (i32.wrap_i64 (i64.const 0xffffffff00000007)) (local.get 1)))
  (func $sub2_tail (export "sub2_tail") (param i32 i32) (result i32)
    (return_call $sub2 (local.get 1) (local.get 0)))
  ;; mixed types: (i64, f32, f64, i32) -> f64, in registers and cells
  (func $mix (param i64 f32 f64 i32) (result f64)
    (f64.add (f64.add (f64.convert_i64_s (local.get 0)) (f64.promote_f32 (local.get 1)))
             (f64.mul (local.get 2) (f64.convert_i32_s (local.get 3)))))
  (func $mixf (param f64 i64) (result i64)
    (i64.sub (i64.trunc_f64_s (local.get 0)) (local.get 1)))
  (func (export "mix") (param i64 f32 f64 i32) (result f64 i64 i64)
    (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3))
    (call $mixf (local.get 2) (local.get 0))
    (call_indirect (param f64 i64) (result i64) (local.get 2) (local.get 0) (i32.const 3)))
  (func $fnan (param f32 f32) (result i32)
    (i32.xor (i32.reinterpret_f32 (local.get 0)) (i32.reinterpret_f32 (local.get 1))))
  (func (export "fnan") (param i32) (result i32)
    (call $fnan (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (i32.const 0x7fa00001))))
  ;; a v128 first (no register arguments) and second (only the first)
  (func $v1 (param v128 i32 i32) (result i32)
    (i32.sub (i32.add (i32x4.extract_lane 3 (local.get 0)) (local.get 1)) (local.get 2)))
  (func $v2 (param i32 v128 i32) (result i32)
    (i32.sub (i32.add (local.get 0) (i32x4.extract_lane 2 (local.get 1))) (local.get 2)))
  (func (export "vargs") (param i32 i32) (result i32 i32)
    (call $v1 (v128.const i32x4 1 2 3 1000) (local.get 0) (local.get 1))
    (call $v2 (local.get 0) (v128.const i32x4 1 2 300 4) (local.get 1)))
  ;; the first parameter dead, the second used; and more than eight locals
  (func $second (param i32 i32) (result i32) (i32.mul (local.get 1) (i32.const 3)))
  (func $many (param i32 i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i32)
    (local.set 2 (i64.extend_i32_u (local.get 0)))
    (local.set 11 (i64.extend_i32_u (i64.eqz (local.get 3))))
    (local.set 12 (i32.add (local.get 12) (local.get 1)))
    (if (i32.gt_u (local.get 0) (i32.const 0))
      (then (local.set 12 (i32.add (local.get 12)
        (call $many (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2)))))))
    (i32.add (i32.add (local.get 12) (i32.wrap_i64 (local.get 2)))
             (i32.wrap_i64 (i64.add (local.get 4) (local.get 11)))))
  (func (export "second_many") (param i32 i32) (result i32 i32)
    (call $second (local.get 0) (local.get 1))
    (call $many (local.get 0) (local.get 1)))
  ;; a trap deep in a recursion of direct calls with arguments in registers
  (func $down (export "down") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.div_u (i32.const 1) (local.get 1)))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)) (local.get 1))))))
  (func $forever (export "forever") (param i32 i32) (result i32)
    (i32.add (call $forever (local.get 1) (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))
(register "args" $args)
(assert_return (invoke "ack" (i32.const 2) (i32.const 3)) (i32.const 9))
(assert_return (invoke "ack" (i32.const 3) (i32.const 4)) (i32.const 125))
(assert_return (invoke "ack_ind" (i32.const 3) (i32.const 4)) (i32.const 125))
(assert_return (invoke "tak" (i32.const 18) (i32.const 12) (i32.const 6)) (i32.const 7))
(assert_return (invoke "tak" (i32.const 6) (i32.const 12) (i32.const 18)) (i32.const 18))
(assert_return (invoke "tak_ind" (i32.const 18) (i32.const 12) (i32.const 6)) (i32.const 7))
(assert_return (invoke "sub2" (i32.const 10) (i32.const 3)) (i32.const 7))
(assert_return (invoke "sub2_direct" (i32.const 10) (i32.const 3)) (i32.const 7) (i32.const 7) (i32.const 4))
(assert_return (invoke "sub2_tail" (i32.const 10) (i32.const 3)) (i32.const -7))
(assert_return (invoke "mix" (i64.const -5) (f32.const 1.5) (f64.const 2.25) (i32.const -4))
  (f64.const -12.5) (i64.const 7) (i64.const 7))
(assert_return (invoke "fnan" (i32.const 0xffc00002)) (i32.const 0x80600003))
(assert_return (invoke "vargs" (i32.const 50) (i32.const 7)) (i32.const 1043) (i32.const 343))
(assert_return (invoke "second_many" (i32.const 5) (i32.const 4)) (i32.const 12) (i32.const 75))
(assert_return (invoke "down" (i32.const 100) (i32.const 1)) (i32.const 101))
(assert_trap (invoke "down" (i32.const 200) (i32.const 0)) "integer divide by zero")
(assert_exhaustion (invoke "forever" (i32.const 0) (i32.const 1)) "call stack exhausted")

;; the same functions called through imports (an import is called through
;; its wasm_func_t: all arguments in cells)
(module
  (import "args" "ack" (func $ack (param i32 i32) (result i32)))
  (import "args" "tak" (func $tak (param i32 i32 i32) (result i32)))
  (import "args" "sub2" (func $sub2 (param i32 i32) (result i32)))
  (func $mine (param i32 i32) (result i32) (i32.sub (call $sub2 (local.get 0) (local.get 1)) (i32.const 1)))
  (func (export "via") (param i32 i32 i32) (result i32 i32 i32)
    (call $ack (local.get 0) (local.get 1))
    (call $tak (local.get 0) (local.get 1) (local.get 2))
    (call $mine (local.get 2) (local.get 0)))
  (func (export "via_tail") (param i32 i32) (result i32)
    (return_call $sub2 (local.get 1) (local.get 0))))
(assert_return (invoke "via" (i32.const 3) (i32.const 2) (i32.const 1)) (i32.const 29) (i32.const 2) (i32.const -3))
(assert_return (invoke "via_tail" (i32.const 3) (i32.const 20)) (i32.const 17))


;; Accesses whose address register was written by a 32-bit op since the last
;; join use it as their index without `mov eax, r32` (jit_x64.c, zx_after):
;; addresses from add, sub, mul, shifts, logic ops, constants, wraps and
;; loads, many live at once (so that r8-r10 and r15 hold some: REX.X), an
;; i32.add that wraps at 2^32, a wrap of an i64 with its upper half set, and
;; addresses carried over a join and a loop's back edge.
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f\20")
  (func (export "many") (param $p i32) (param $q i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $f i32) (local $g i32) (local $h i32) (local $s i32)
    (local.set $a (i32.add (local.get $p) (local.get $q)))
    (local.set $b (i32.sub (local.get $p) (local.get $q)))
    (local.set $c (i32.mul (local.get $p) (i32.const 3)))
    (local.set $d (i32.shl (local.get $q) (i32.const 2)))
    (local.set $e (i32.shr_u (local.get $p) (local.get $q)))
    (local.set $f (i32.and (i32.xor (local.get $p) (i32.const 0x13)) (i32.const 0x1f)))
    (local.set $g (i32.or (local.get $q) (i32.const 8)))
    (local.set $h (i32.wrap_i64 (i64.add (i64.const 0x7fffffff00000000) (i64.extend_i32_u (local.get $q)))))
    (local.set $s (i32.load8_u (local.get $a)))
    (local.set $s (i32.add (local.get $s) (i32.load8_u offset=1 (local.get $b))))
    (local.set $s (i32.add (local.get $s) (i32.load16_u (local.get $c))))
    (local.set $s (i32.add (local.get $s) (i32.load8_s offset=2 (local.get $d))))
    (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $e))))
    (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $f))))
    (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $g))))
    (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $h))))
    (i32.store8 offset=100 (local.get $a) (local.get $s))
    (i32.store8 offset=101 (local.get $b) (local.get $a))
    (i32.store8 offset=102 (local.get $c) (local.get $b))
    (i32.store8 offset=103 (local.get $d) (local.get $c))
    (i32.store8 offset=104 (local.get $e) (local.get $d))
    (i32.store8 offset=105 (local.get $f) (local.get $e))
    (i32.store8 offset=106 (local.get $g) (local.get $f))
    (i32.store8 offset=107 (local.get $h) (local.get $g))
    (i32.add (local.get $s)
      (i32.add (i32.load (i32.const 104)) (i32.load (i32.const 108)))))
  (func (export "wrap") (param $p i32) (result i32)
    ;; 0xfffffff0 + p wraps: the access is at p - 16, not past 4 GiB
    (i32.load8_u (i32.add (i32.const 0xfffffff0) (local.get $p))))
  (func (export "chase") (param $p i32) (result i32)
    ;; an address loaded from memory, used at once
    (i32.store (i32.const 200) (i32.const 12))
    (i32.load8_u offset=1 (i32.load (local.get $p))))
  (func (export "join") (param $p i32) (param $k i32) (result i32)
    (local $a i32)
    (if (local.get $k)
      (then (local.set $a (i32.add (local.get $p) (i32.const 1))))
      (else (local.set $a (i32.add (local.get $p) (i32.const 2)))))
    (i32.load8_u (local.get $a)))
  (func (export "loop") (param $n i32) (result i32)
    (local $a i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $a))))
      (local.set $a (i32.add (local.get $a) (i32.const 3)))
      (br_if $l (i32.lt_u (local.get $a) (local.get $n))))
    (i32.add (local.get $s) (i32.load8_u (local.get $a))))
  (func (export "oob") (param $p i32) (result i32)
    ;; the add wraps, the offset does not
    (i32.load8_u offset=0x8000 (i32.add (local.get $p) (i32.const 0x8000)))))
(assert_return (invoke "many" (i32.const 5) (i32.const 2)) (i32.const 0x5e002356))
(assert_return (invoke "wrap" (i32.const 20)) (i32.const 5))
(assert_return (invoke "chase" (i32.const 200)) (i32.const 14))
(assert_return (invoke "join" (i32.const 4) (i32.const 1)) (i32.const 6))
(assert_return (invoke "join" (i32.const 4) (i32.const 0)) (i32.const 7))
(assert_return (invoke "loop" (i32.const 31)) (i32.const 176))
(assert_trap (invoke "oob" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "oob" (i32.const 0xffff0000)) "out of bounds memory access")
(assert_trap (invoke "oob" (i32.const 0xffff7fff)) "out of bounds memory access")
(assert_return (invoke "oob" (i32.const 0xffff8000)) (i32.const 0))

;; A constant whose only reader is the next op, an i32 store, is stored as an
;; immediate (jit_x64.c, store_const): 32, 8 and 16 bits, wider constants
;; truncated, a constant read again after the store (kept), addresses in
;; r8-r15; and comparison results written straight into their registers.
(module
  (memory 1)
  (func (export "kst") (param $p i32) (result i64)
    (local $k i32)
    (i32.store (local.get $p) (i32.const 0x87654321))
    (i32.store8 offset=4 (local.get $p) (i32.const 0x1ff))
    (i32.store8 offset=5 (local.get $p) (i32.const 0))
    (i32.store16 offset=6 (local.get $p) (i32.const 0xabcd1234))
    (i32.store offset=8 (local.get $p) (local.tee $k (i32.const 77)))
    (i32.store offset=12 (local.get $p) (i32.const -1))
    (i64.add (i64.load (local.get $p))
      (i64.add (i64.load offset=8 (local.get $p)) (i64.extend_i32_u (local.get $k)))))
  (func (export "kst8") (param $p i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $f i32) (local $g i32)
    (local.set $a (i32.add (local.get $p) (i32.const 1)))
    (local.set $b (i32.add (local.get $p) (i32.const 2)))
    (local.set $c (i32.add (local.get $p) (i32.const 3)))
    (local.set $d (i32.add (local.get $p) (i32.const 4)))
    (local.set $e (i32.add (local.get $p) (i32.const 5)))
    (local.set $f (i32.add (local.get $p) (i32.const 6)))
    (local.set $g (i32.add (local.get $p) (i32.const 7)))
    (i32.store8 (local.get $a) (i32.const 0x11))
    (i32.store8 (local.get $b) (i32.const 0x22))
    (i32.store8 (local.get $c) (i32.const 0x33))
    (i32.store8 (local.get $d) (i32.const 0x44))
    (i32.store16 (local.get $e) (i32.const 0x5566))
    (i32.store8 (local.get $g) (i32.const 0x77))
    (i32.store8 (local.get $p) (i32.const 0x99))
    (i32.xor (i32.load (local.get $p))
      (i32.add (i32.load offset=4 (local.get $p))
        (i32.add (local.get $a) (i32.add (local.get $b) (i32.add (local.get $c)
          (i32.add (local.get $d) (i32.add (local.get $e) (i32.add (local.get $f) (local.get $g))))))))))
  (func (export "cmps") (param $x i32) (param $y i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $f i32) (local $g i32)
    (local.set $a (i32.lt_u (local.get $x) (local.get $y)))
    (local.set $b (i32.gt_s (local.get $x) (local.get $y)))
    (local.set $c (i32.eq (local.get $x) (local.get $y)))
    (local.set $d (i32.ne (local.get $x) (i32.const 5)))
    (local.set $e (i32.eqz (local.get $y)))
    (local.set $f (i64.lt_s (i64.extend_i32_s (local.get $x)) (i64.const 0)))
    (local.set $g (i32.ge_u (local.get $x) (i32.const 0x80000000)))
    (i32.store (local.get $a) (local.get $b))
    (i32.or (i32.shl (local.get $a) (i32.const 6))
      (i32.or (i32.shl (local.get $b) (i32.const 5))
        (i32.or (i32.shl (local.get $c) (i32.const 4))
          (i32.or (i32.shl (local.get $d) (i32.const 3))
            (i32.or (i32.shl (local.get $e) (i32.const 2))
              (i32.or (i32.shl (local.get $f) (i32.const 1)) (local.get $g)))))))))
(assert_return (invoke "kst" (i32.const 16)) (i64.const 0x123400fe876543bb))
(assert_return (invoke "kst8" (i32.const 32)) (i32.const 0x447776d9))
(assert_return (invoke "cmps" (i32.const -3) (i32.const 4)) (i32.const 11))
(assert_return (invoke "cmps" (i32.const 7) (i32.const 0)) (i32.const 44))
(assert_return (invoke "cmps" (i32.const 5) (i32.const 5)) (i32.const 16))

;; generated by tests/spec/gen_pinned.py: a v128 pinned in a register (a
;; function too big for live ranges) read from its frame cells by global.set
(module binary
  "\00asm\01\00\00\00\01\06\01`\01\7f\01\7f\03\02\01\00\06\16\01{\01\fd\0c"
  "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\0b\07\0a\01\06pinned\00"
  "\00\0a\fa&\01\f7&\03\01{\01\7f\e9\fe\02~\fd\0c\01\00\00\00\02\00\00\00"
  "\03\00\00\00\04\00\00\00!\01\03@ \01\fd\0c\01\00\00\00\01\00\00\00\01\00"
  "\00\00\01\00\00\00\fd\ae\01!\01 \01$\00 \02A\01j\22\02 \00I\0d\00\0b \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03"
  "B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!\03 \03B\01|!"
  "\03 \03B\01|!\03#\00\fd\1b\03 \03\a7j\0b"
)
(assert_return (invoke "pinned" (i32.const 1)) (i32.const 705))
(assert_return (invoke "pinned" (i32.const 10)) (i32.const 714))
(assert_return (invoke "pinned" (i32.const 1000)) (i32.const 1704))
