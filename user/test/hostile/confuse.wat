;; confuse.wasm: call_indirect type confusion. Slot 0 holds a function of
;; another type than the call says; slot 1 is empty.
(module
  (type $want (func (param i32) (result i32)))
  (table 2 funcref)
  (func $other (param i64 i64) (result i64) (local.get 0))
  (elem (i32.const 0) $other)
  (func (export "mismatch") (result i32)
    (call_indirect (type $want) (i32.const 41) (i32.const 0)))
  (func (export "null") (result i32)
    (call_indirect (type $want) (i32.const 41) (i32.const 1))))
