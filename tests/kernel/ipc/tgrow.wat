;; A table that grows on request: grow(n) is table.grow's answer.
(module
  (table $t 10 funcref)
  (func (export "grow") (param i64) (result i64)
    (i64.extend_i32_s (table.grow $t (ref.null func) (i32.wrap_i64 (local.get 0))))))
