// The call-cost bench's AssemblyScript server (bench/lang): op(a, b, c, d)
// = a + b + c + d, counting the calls; the same as benchc.c and benchrs.rs.
import "../../../sdk/assemblyscript/athanor";

let calls: i64 = 0;

export function op(a: i64, b: i64, c: i64, d: i64): i64 {
  calls++;
  return a + b + c + d;
}
