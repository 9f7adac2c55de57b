;; A WASI program whose start function never ends (tests/groups/66-wasi-os.sh):
;; the shell must stay usable, and Ctrl-C must stop it.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $spin (loop $l (br $l)))
  (start $spin)
  (func (export "_start") (call $exit (i32.const 3))))
