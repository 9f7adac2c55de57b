;; bomb.wasm: grows its memory until refused, touches every 4 KiB of it,
;; then writes one byte past the end. Its manifest limit (mem=) must be
;; what refused the growth: more pages than that is a failure (unreachable).
(module
  (memory 1)
  (func (export "run") (result i32)
    (local $a i32) (local $end i32)
    (block $full
      (loop $grow
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $grow)))
    (if (i32.gt_u (memory.size) (i32.const 16)) (then unreachable))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (loop $touch
      (i32.store8 (local.get $a) (i32.const 0xa5))
      (local.set $a (i32.add (local.get $a) (i32.const 4096)))
      (br_if $touch (i32.lt_u (local.get $a) (local.get $end))))
    (i32.store8 (local.get $end) (i32.const 1))
    (i32.const 0)))
