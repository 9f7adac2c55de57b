// The system monitor, in AssemblyScript (sdk/assemblyscript). It holds the
// system capability with the read right only, enough for dom_info to
// describe every domain of the system (state, CPU time, memory, restarts,
// faults, calls) and for nothing else, and serves
//
//   sysmon.report (len, _, _, buf) -> bytes: one line per domain, at most
//                                     len (<= 4096) bytes, into the buffer
//                                     lent writable (ERIGHTS read-only)
//   sysmon.faults ()               -> faults summed over every domain
//
// Nothing allocates after start: the stub runtime's bump allocator would
// take the Room (made last, at the end of memory) for free heap.
import {
  capFind, domInfo, lentRights, bufMap, bufUnmap, Room, println,
  EINVAL, ENOENT, ERIGHTS, R_WRITE,
} from "../../../sdk/assemblyscript/athanor";

const ctl = capFind("sys");
const line = memory.data(256);
const room = new Room(1);          // last: nothing grows memory after it

if (ctl < 0) println("sysmon: no system capability granted; reports will fail");

export function report(len: i64, a1: i64, a2: i64, a3: i64): i64 {
  if (len < 0 || len > 4096) return EINVAL;
  const r = lentRights(a3);
  if (r < 0) return r;
  if ((<u32>r & R_WRITE) == 0) return ERIGHTS;
  const buf = <i32>a3;
  const e = bufMap(buf, room);
  if (e < 0) return e;
  let at: i32 = 0;
  for (let i = 0; ; i++) {
    const n = domInfo(ctl, i, line, 255);
    if (n == ENOENT) break;
    if (n < 0) { at = n; break; }
    if (at + n + 1 > <i32>len) break;
    memory.copy(room.at + at, line, n);
    at += n;
    store<u8>(room.at + at, 10);
    at++;
  }
  bufUnmap(buf);
  return at;
}

// Does line[k..] start with key (ASCII)?
function at(k: i32, n: i32, key: string): bool {
  if (k + key.length > n) return false;
  for (let j = 0; j < key.length; j++)
    if (<i32>load<u8>(line + k + j) != key.charCodeAt(j)) return false;
  return true;
}

// The " faults=N" of each dom_info line, summed.
export function faults(a0: i64, a1: i64, a2: i64, a3: i64): i64 {
  let sum: i64 = 0;
  for (let i = 0; ; i++) {
    const n = domInfo(ctl, i, line, 255);
    if (n < 0) break;
    for (let k = 0; k < n; k++) {
      if (!at(k, n, " faults=")) continue;
      let v: i64 = 0;
      for (let j = k + 8; j < n; j++) {
        const c = <i32>load<u8>(line + j);
        if (c < 48 || c > 57) break;
        v = v * 10 + (c - 48);
      }
      sum += v;
    }
  }
  return sum;
}
