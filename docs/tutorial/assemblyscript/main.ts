import { uptimeNs } from "../../../sdk/assemblyscript/athanor";

let served: i64 = 0;

// ticks.ms: milliseconds since boot.
export function ms(a0: i64, a1: i64, a2: i64, a3: i64): i64 {
  served++;
  return uptimeNs() / 1000000;
}

// ticks.calls: how many ms calls were served.
export function calls(a0: i64, a1: i64, a2: i64, a3: i64): i64 {
  return served;
}
