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
