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
