(module
  (memory (export "m") 32)
  (global $g (mut i32) (i32.const 7))
  (table 2 funcref)
  (elem (i32.const 0) $get)
  (func $get (result i32) global.get $g)
  (func (export "poke") (param i32 i32)
    local.get 0 local.get 1 i32.store
    local.get 1 global.set $g)
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load)
  (func (export "g") (result i32) global.get $g)
  (func (export "tclear") (table.set 0 (i32.const 0) (ref.null func)))
  (func (export "tcall") (result i32) (call_indirect (result i32) (i32.const 0))))
