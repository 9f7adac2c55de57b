;; flood.wasm: an IPC flood. Sends on svc.inbox (nobody receives) until
;; the queue limit refuses it: exactly the receiver's queue= (4) must go
;; in, every later send must get "queue full" (-16). Then notifies in bulk
;; and calls svc.echo in a tight loop until its CPU budget (fuel) ends it.
;; Any other answer is a failure: unreachable.
(module
  (import "athanor" "cap_find" (func $cap_find (param i32 i32) (result i32)))
  (import "athanor" "send" (func $send (param i32 i32 i32 i32) (result i32)))
  (import "athanor" "notify" (func $notify (param i32) (result i32)))
  (import "athanor" "call" (func $call (param i32 i64 i64 i64 i64 i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "svc.echo")
  (data (i32.const 32) "svc.inbox")
  (func (export "run") (result i32)
    (local $ep i32) (local $ch i32) (local $n i32) (local $e i32) (local $i i64)
    (local.set $ep (call $cap_find (i32.const 16) (i32.const 8)))
    (local.set $ch (call $cap_find (i32.const 32) (i32.const 9)))
    (if (i32.or (i32.le_s (local.get $ep) (i32.const 0)) (i32.le_s (local.get $ch) (i32.const 0)))
      (then unreachable))
    (block $full
      (loop $fill
        (local.set $e (call $send (local.get $ch) (i32.const 64) (i32.const 64) (i32.const 0)))
        (br_if $full (local.get $e))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $fill)))
    (if (i32.or (i32.ne (local.get $e) (i32.const -16)) (i32.ne (local.get $n) (i32.const 4)))
      (then unreachable))
    (local.set $n (i32.const 0))
    (loop $more
      (if (i32.ne (call $send (local.get $ch) (i32.const 64) (i32.const 8) (i32.const 0)) (i32.const -16))
        (then unreachable))
      (if (call $notify (local.get $ch)) (then unreachable))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $n) (i32.const 500))))
    ;; 0 or "server trapped" (-12: the budget ran out inside the handler).
    (loop $calls
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (local.set $e (call $call (local.get $ep) (local.get $i) (i64.const 1) (i64.const 0)
                               (i64.const 0) (i32.const 0)))
      (if (i32.and (i32.ne (local.get $e) (i32.const 0)) (i32.ne (local.get $e) (i32.const -12)))
        (then unreachable))
      (br $calls))
    (i32.const 0)))
