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
