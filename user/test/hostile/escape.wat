;; escape.wasm: what compiled code could get wrong when it tries to reach
;; outside its memory or its code (docs/compiler.md, "The kernel"; the
;; kernel compiles it where the port has a compiled tier). Each export is
;; one attempt, one domain each in the manifest. Memory: 1 page, may grow
;; to 2; table: 2 slots.
(module
  (type $v (func (result i32)))
  (memory 1 2)
  (table $t 2 funcref)
  (func $seven (result i32) (i32.const 7))
  (elem (i32.const 0) $seven)
  ;; The farthest address a Wasm access can name: 4 GiB - 1 plus a 4 GiB - 1
  ;; offset, 8 bytes wide: the last byte of the guard region's reach.
  (func (export "reach") (result i32)
    (i64.store offset=0xffffffff (i32.const -1) (i64.const -1)) (i32.const 0))
  ;; -8 as an address is 4 GiB - 8, never base - 8: addresses are unsigned.
  (func (export "wrap") (result i32)
    (i64.store (i32.const -8) (i64.const -1)) (i32.const 0))
  ;; Grown memory is usable up to its new end and no further: the store at
  ;; the old end succeeds, the one at the new end traps.
  (func (export "grow_edge") (result i32)
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 1)) (then (return (i32.const 1))))
    (i32.store (i32.const 65536) (i32.const 42))
    (if (i32.ne (i32.load (i32.const 65536)) (i32.const 42)) (then (return (i32.const 2))))
    (i32.store (i32.const 131072) (i32.const 42))
    (i32.const 3))
  ;; An index far past the table's end is a trap, not a jump.
  (func (export "indirect_far") (result i32)
    (call_indirect $t (type $v) (i32.const 0x7fffffff)))
;; br_table with a huge index takes its default, never a target past
  ;; the table: returns 0 only if every out-of-range index did.
  (func $pick (param $i i32) (result i32)
    (block $default
      (block $one
        (block $zero
          (br_table $zero $one $default (local.get $i)))
        (return (i32.const 0)))
      (return (i32.const 1)))
    (i32.const 2))
  (func (export "brtable_far") (result i32)
    (i32.or
      (i32.or (i32.ne (call $pick (i32.const 3)) (i32.const 2))
              (i32.ne (call $pick (i32.const 0x7fffffff)) (i32.const 2)))
      (i32.or (i32.ne (call $pick (i32.const 0x80000000)) (i32.const 2))
              (i32.ne (call $pick (i32.const -1)) (i32.const 2))))))
