;; Runs forever: only fuel stops these.
(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (result i32) (local i32)
    (loop $l
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $l (i32.ne (local.get 0) (i32.const -1))))
    (local.get 0))
  (func $rec (export "recurse") (param i32) (result i32)
    (call $rec (i32.add (local.get 0) (i32.const 1))))
  (func $a (export "mutual") (call $b))
  (func $b (call $a)))
