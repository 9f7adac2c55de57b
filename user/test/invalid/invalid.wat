;; invalid.wasm: decodes but fails validation (i32.add of an i64), to prove
;; an invalid module is reported in one line and skipped.
(module
  (func (export "_start") (result i32)
    i64.const 1
    i32.const 2
    i32.add))
