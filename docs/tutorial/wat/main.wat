(module
  (import "athanor" "uptime_ns" (func $uptime_ns (result i64)))
  (memory (export "memory") 1 1)
  (global $calls (mut i64) (i64.const 0))

  ;; ticks.ms: milliseconds since boot.
  (func (export "ms") (param i64 i64 i64 i64) (result i64)
    (global.set $calls (i64.add (global.get $calls) (i64.const 1)))
    (i64.div_u (call $uptime_ns) (i64.const 1000000)))

  ;; ticks.calls: how many ms calls were served.
  (func (export "calls") (param i64 i64 i64 i64) (result i64)
    (global.get $calls))
)
