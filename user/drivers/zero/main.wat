;; The zero device, hand-written in WAT (sdk/wat): like /dev/zero, it
;; clears the buffer a caller lends it writable.
;;
;;   zero.fill (len, _, _, buf) -> len: the first len (0 .. 65536) bytes of
;;                                 the buffer set to 0; EINVAL (-1) for a
;;                                 bad len, ERIGHTS (-6) for a read-only
;;                                 lend, ETYPE (-5) when a3 is not a
;;                                 buffer, the buf_map error otherwise
;;   zero.count ()              -> bytes cleared so far
;;
;; The buffer is mapped at 64 KiB, the last 64 KiB of a memory that cannot
;; grow: a buffer over 16 pages does not fit (EMAPPED), so a mapping never
;; covers this module's data.
(module
  (import "athanor" "buf_map"   (func $buf_map   (param i32 i32) (result i32)))
  (import "athanor" "buf_unmap" (func $buf_unmap (param i32) (result i32)))
  (import "athanor" "cap_info"  (func $cap_info  (param i32) (result i64)))
  (memory (export "memory") 2 2)
  (global $cleared (mut i64) (i64.const 0))

  (func (export "fill") (param $len i64) (param i64 i64) (param $buf i64) (result i64)
    (local $e i32) (local $info i64)
    (if (i64.gt_u (local.get $len) (i64.const 65536))
      (then (return (i64.const -1))))
    ;; cap_info: a negative error, or type << 32 | rights; 2 = write
    (local.set $info (call $cap_info (i32.wrap_i64 (local.get $buf))))
    (if (i64.lt_s (local.get $info) (i64.const 0)) (then (return (local.get $info))))
    ;; a plain call can put any number in a3: it must be a buffer (type 3)
    (if (i64.ne (i64.shr_u (local.get $info) (i64.const 32)) (i64.const 3))
      (then (return (i64.const -5))))
    (if (i64.eqz (i64.and (local.get $info) (i64.const 2)))
      (then (return (i64.const -6))))
    (local.set $e (call $buf_map (i32.wrap_i64 (local.get $buf)) (i32.const 65536)))
    (if (local.get $e) (then (return (i64.extend_i32_s (local.get $e)))))
    ;; a buffer smaller than len: the rest of the 64 KiB is our own memory
    (memory.fill (i32.const 65536) (i32.const 0) (i32.wrap_i64 (local.get $len)))
    (drop (call $buf_unmap (i32.wrap_i64 (local.get $buf))))
    (global.set $cleared (i64.add (global.get $cleared) (local.get $len)))
    (local.get $len))

  (func (export "count") (param i64 i64 i64 i64) (result i64)
    (global.get $cleared))
)
