// The timer driver, in AssemblyScript (sdk/assemblyscript): its device is
// the kernel clock. It serves
//
//   timer.now   ()      -> nanoseconds since boot
//   timer.sleep (ns)    -> blocks the caller ns (1 ns .. 1 s) on the
//                          driver's idle channel; the nanoseconds slept
//                          (EINVAL for a bad ns)
//   timer.stats ()      -> how many sleeps it served
//
// The domain is reentrant (manifest word): each sleeper waits on its own
// thread, so one sleeper does not hold up the others. Nothing here
// allocates after start: the channel object is made once, at start.
import { Channel, EINVAL, uptimeNs, println } from "../../../sdk/assemblyscript/athanor";

const idle = new Channel("timer.idle");
let sleeps: i64 = 0;

if (idle.h < 0) println("timer: no idle channel granted; sleep will fail");

export function now(a0: i64, a1: i64, a2: i64, a3: i64): i64 {
  return uptimeNs();
}

export function sleep(ns: i64, a1: i64, a2: i64, a3: i64): i64 {
  if (ns <= 0 || ns > 1000000000) return EINVAL;
  const t0 = uptimeNs();
  const end = t0 + ns;
  // Nobody signals the idle channel; a stray signal only ends a wait early,
  // so wait again for what is left.
  for (let t = t0; t < end; t = uptimeNs()) {
    const r = idle.wait(end - t);
    if (r < 0) return r;
  }
  sleeps++;
  return uptimeNs() - t0;
}

export function stats(a0: i64, a1: i64, a2: i64, a3: i64): i64 {
  return sleeps;
}
