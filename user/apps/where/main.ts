// where [exact] [SECONDS] [-w]: where the GPS says we are, in AssemblyScript on
// the SDK's SensorLease (sdk/assemblyscript/athanor.ts). A program the
// shell runs (`run where`); its capabilities are bin/where.caps:
// sensor.request and its box.
//
// It asks the sensor broker (docs/privacy.md) for a lease of SECONDS
// (default 10) at the precision asked (default coarse), waits for the
// first fix and prints
//   where: 48.855000 N 2.295000 E (coarse)
// With -w it reads on until the lease ends and prints how the next read
// failed and what is left of the fix (0: readFix clears it). Exit status 0
// when a fix was printed (and, with -w, the lease ended), 1 otherwise.
import {
  SensorLease, Room, args, put, putInt, putU64, endLine, println, strerror,
  SENSOR_GPS, SENSOR_EXACT, SENSOR_COARSE, EEMPTY, ERIGHTS, MS,
} from "../../../sdk/assemblyscript/athanor";

const argBuf = memory.data(64);
const room = new Room(1);
const lease = new SensorLease("where", room);

// |e7| as D.DDDDDD and the hemisphere letter.
function deg(e7: i32, pos: string, neg: string): void {
  const a: u64 = e7 < 0 ? <u64>(-(<i64>e7)) : <u64>e7;
  putU64(a / 10000000);
  put(".");
  const frac = a % 10000000 / 10;
  for (let d: u64 = 100000; d > 0; d /= 10) putU64(frac / d % 10);
  put(" ");
  put(e7 < 0 ? neg : pos);
}

function word(i: i32, j: i32, w: string): bool {
  if (j - i != w.length) return false;
  for (let k = 0; k < w.length; k++) if (<i32>load<u8>(argBuf + i + k) != w.charCodeAt(k)) return false;
  return true;
}

export function _start(): i32 {
  const n = min(args(argBuf, 64), 64);
  let precision = SENSOR_COARSE, secs: u32 = 10, waitEnd = false;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && load<u8>(argBuf + j) != 32) j++;
    if (word(i, j, "exact")) precision = SENSOR_EXACT;
    else if (word(i, j, "coarse")) precision = SENSOR_COARSE;
    else if (word(i, j, "-w")) waitEnd = true;
    else if (j > i && j - i <= 4) {
      let v: u32 = 0;
      for (let k = i; k < j; k++) {
        const c = <u32>load<u8>(argBuf + k);
        if (c < 48 || c > 57) { println("usage: where [exact] [SECONDS] [-w]"); return 1; }
        v = v * 10 + c - 48;
      }
      secs = v;
    } else if (j > i) { println("usage: where [exact] [SECONDS] [-w]"); return 1; }
    i = j + 1;
  }
  if (secs == 0 || secs > 3600) { println("usage: where [exact] [SECONDS] [-w]   (SECONDS 1..3600)"); return 1; }
  let e = lease.open(SENSOR_GPS, precision, secs * 1000, "print where we are (assemblyscript)");
  if (e < 0) {
    put("where: no lease of the gps: ");
    put(e == ERIGHTS ? "refused" : strerror(e));
    endLine();
    return 1;
  }
  // The first fix: the device starts when the lease does (nobody notifies
  // the box: waiting on it is a sleep).
  while ((e = lease.readFix()) == EEMPTY) lease.box.wait(20 * MS);
  if (e < 0) {
    put("where: lease ended before a fix: ");
    put(strerror(e));
    endLine();
    return 1;
  }
  put("where: ");
  deg(lease.latE7, "N", "S");
  put(" ");
  deg(lease.lonE7, "E", "W");
  put(lease.fixPrecision == SENSOR_COARSE ? " (coarse)" : " (exact)");
  endLine();
  if (!waitEnd) {
    lease.close();
    return 0;
  }
  let reads = 1;
  while ((e = lease.readFix()) >= 0 || e == EEMPTY) {
    reads++;
    lease.box.wait(10 * MS);
  }
  put("where: lease ");
  putU64(lease.id);
  put(" ended, the next read failed: ");
  put(strerror(e));
  put(" (after ");
  putInt(reads);
  put(" reads; the fix kept: ");
  putInt(lease.latE7);
  put(")");
  endLine();
  lease.close();
  return 0;
}
