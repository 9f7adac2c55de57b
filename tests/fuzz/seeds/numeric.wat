;; Arithmetic that traps or has edge cases.
(module
  (func (export "div0") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
  (func (export "ovf") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "rem") (result i64) (i64.rem_s (i64.const 0x8000000000000000) (i64.const -1)))
  (func (export "trunc") (result i32) (i32.trunc_f32_s (f32.const nan)))
  (func (export "trunc_big") (result i64) (i64.trunc_f64_u (f64.const 1e30)))
  (func (export "sat") (result i32) (i32.trunc_sat_f64_s (f64.const -1e300)))
  (func (export "shifts") (result i64)
    (i64.rotl (i64.shl (i64.const 1) (i64.const 65)) (i64.const -1)))
  (func (export "floats") (result f64)
    (f64.nearest (f64.copysign (f64.sqrt (f64.const -0)) (f64.const -1))))
  (func (export "ext") (result i64) (i64.extend32_s (i64.extend8_s (i64.const 0x80))))
  (func (export "unreachable") (unreachable)))
