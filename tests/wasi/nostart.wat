;; A valid module without a _start export.
(module
  (memory (export "memory") 1)
  (func (export "main")))
