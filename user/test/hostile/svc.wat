;; svc.wasm: the neighbour. Serves svc.echo while the hostile modules run;
;; the kernel's prober calls it every few ms and checks every answer.
(module
  (global $calls (mut i64) (i64.const 0))
  ;; echo(a, b, _, _) = a * 3 + b; counts its calls.
  (func (export "echo") (param i64 i64 i64 i64) (result i64)
    (global.set $calls (i64.add (global.get $calls) (i64.const 1)))
    (i64.add (i64.mul (local.get 0) (i64.const 3)) (local.get 1)))
  (func (export "calls") (result i64) (global.get $calls)))
