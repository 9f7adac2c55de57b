// A fault drill in AssemblyScript (test image only): a server whose `boom`
// handler aborts (a failed assertion). The SDK's abort handler prints the
// message and traps; the kernel faults this domain only and restarts it
// from its snapshot (tests: scenario langs).
//
//   asabort.ok (a)    -> a + 1, counting the calls
//   asabort.boom (v)  -> aborts unless v == 0
//   asabort.count ()  -> ok calls since the last (re)start
import "../../../sdk/assemblyscript/athanor";

let calls: i64 = 0;

export function ok(a: i64, a1: i64, a2: i64, a3: i64): i64 {
  calls++;
  return a + 1;
}

export function boom(v: i64, a1: i64, a2: i64, a3: i64): i64 {
  assert(v == 0, "asabort: boom asked to fail");
  return 0;
}

export function count(a0: i64, a1: i64, a2: i64, a3: i64): i64 {
  return calls;
}
