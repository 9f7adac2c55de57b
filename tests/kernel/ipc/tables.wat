;; Two tables of 3000 elements: over the default budget of 4096 together.
(module (table 3000 funcref) (table 3000 funcref))
