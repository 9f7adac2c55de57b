;; Declares 1000 pages: refused at load when its mem= limit is lower.
(module (memory 1000) (func (export "h") (param i64 i64 i64 i64) (result i64) (i64.const 0)))
