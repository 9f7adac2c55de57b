;; A template domain in WAT (docs/sdk-wat.md): one endpoint handler and a
;; start function. Copy it to user/KIND/NAME/main.wat, rename, and give it
;; an entry in the manifest:
;;
;;   NAME  KIND/NAME.wasm  mem=2
;;       endpoint NAME.op handler=op
;;
;; Memory: page 0 (64 KiB) is the module's own; a buffer lent to a handler
;; is mapped at 64 KiB, the last page of a memory that cannot grow, so a
;; buffer larger than 16 pages does not fit there (buf_map fails) instead
;; of covering the module's data.
(module
  (import "athanor" "debug_print" (func $debug_print (param i32 i32)))
  (import "athanor" "buf_map"     (func $buf_map     (param i32 i32) (result i32)))
  (import "athanor" "buf_unmap"   (func $buf_unmap   (param i32) (result i32)))
  (memory (export "memory") 2 2)
  (data (i32.const 16) "template: ready\n")
  (global $calls (mut i64) (i64.const 0))

  ;; Runs once when the domain is loaded (before its snapshot).
  (func $init
    (call $debug_print (i32.const 16) (i32.const 16)))
  (start $init)

  ;; op(a0, a1, a2, lent): a0 + a1 and the number of calls so far in the
  ;; high 32 bits. Handlers always take four i64 and return one i64;
  ;; a negative result is read as an error code by C callers.
  (func (export "op") (param $a0 i64) (param $a1 i64) (param $a2 i64) (param $lent i64) (result i64)
    (global.set $calls (i64.add (global.get $calls) (i64.const 1)))
    (i64.or (i64.shl (global.get $calls) (i64.const 32))
            (i64.and (i64.add (local.get $a0) (local.get $a1)) (i64.const 0xffffffff))))
)
