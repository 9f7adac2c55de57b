;; Traps three calls deep; built with wat2wasm --debug-names for frame names.
(module
  (func $inner (param i32) (result i32) unreachable)
  (func $outer (result i32) (call $inner (i32.const 1)))
  (func (export "_start") (drop (call $outer))))
