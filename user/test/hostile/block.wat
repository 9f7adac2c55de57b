;; block.wasm: waits on its own channel, which nobody signals, with no
;; timeout, again and again; only a kill stops it (kernel/test/hostile.c,
;; blocked=1: its thread must be blocked in the wait when the kill comes).
(module
  (import "athanor" "cap_find" (func $cap_find (param i32 i32) (result i32)))
  (import "athanor" "wait" (func $wait (param i32 i64) (result i64)))
  (memory 1)
  (data (i32.const 0) "block.q")
  (func (export "run") (result i32)
    (local $h i32)
    (local.set $h (call $cap_find (i32.const 0) (i32.const 7)))
    (if (i32.lt_s (local.get $h) (i32.const 0))
      (then (return (i32.const 1))))
    (loop $l
      (drop (call $wait (local.get $h) (i64.const -1)))
      (br $l))
    (i32.const 0)))
