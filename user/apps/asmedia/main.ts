// asmedia mic|camera [raw|level|full|low] [SECONDS]: the microphone or the
// camera in AssemblyScript on the SDK's SensorLease (readStream,
// readFrame: sdk/assemblyscript/athanor.ts). A program the shell runs
// (`run asmedia mic raw 2`); its capabilities are bin/asmedia.caps:
// sensor.request and its box.
//
// It asks the broker (docs/privacy.md) for a lease of SECONDS (default 2)
// at the precision asked (mic: level, camera: low by default) and reads
// until the lease ends:
//   asmedia: levels (dBFS): -17 -17 ...    (mic level: the figures; mic
//                raw: the level of each 1,600 samples it read)
//   asmedia: camera: 320x240 frame 7, fnv1a 1234abcd   (its first frame:
//                the FNV-1a of its bytes; the test finds it among the fed
//                frames': build/sensordata checksum)
//   asmedia: camera: lease ended, the next read failed: lease expired (...)
// Exit status 0 when data came and the lease ended in a failed read.
import {
  SensorLease, Room, args, put, putBytes, putInt, putU64, endLine, println, strerror,
  SENSOR_MIC, SENSOR_CAM, SENSOR_COARSE, SENSOR_EXACT, SENSOR_CAM_BYTES, EEMPTY, EEXPIRED, ERIGHTS, MS,
} from "../../../sdk/assemblyscript/athanor";

const argBuf = memory.data(64);
const room = new Room(4);               // the largest lease: a full frame, 58 pages
const frameRoom = new Room(4);          // where readFrame copies a frame
const lease = new SensorLease("asmedia", room);
const buf = memory.data(3200);
const hex = memory.data(8);

function word(i: i32, j: i32, w: string): bool {
  if (j - i != w.length) return false;
  for (let k = 0; k < w.length; k++) if (<i32>load<u8>(argBuf + i + k) != w.charCodeAt(k)) return false;
  return true;
}

function usage(): i32 {
  println("usage: asmedia mic|camera [raw|level|full|low] [SECONDS 1..3600]");
  return 1;
}

let shown = 0;
// The figures, ten a line.
function level(v: i32): void {
  if (shown % 10 == 0) {
    if (shown > 0) endLine();
    put("asmedia: levels (dBFS):");
  }
  put(" ");
  putInt(v);
  shown++;
}

function dbfs(sumSq: f64, n: i32): i32 {
  const ms = sumSq / <f64>n;
  if (ms <= 0) return -100;
  const d = <i32>Math.round(10 * Math.log10(ms / (32768.0 * 32768.0)));
  return d < -100 ? -100 : d > 0 ? 0 : d;
}

function mic(raw: bool): i32 {
  let bytes: u64 = 0, reads = 0, e: i32, sumSq: f64 = 0, samples = 0, half = -1;
  while ((e = lease.readStream(buf, 3200)) >= 0) {
    reads++;
    if (e == 0) { lease.box.wait(20 * MS); continue; }
    bytes += <u64>e;
    for (let i = 0; i < e; i++) {
      const b = <i32>load<u8>(buf + i);
      if (!raw) { level(<i32><i8>b); continue; }
      if (half < 0) { half = b; continue; }     // s16le: the low byte waits for the high one
      const s = <f64><i16>(half | b << 8);
      half = -1;
      sumSq += s * s;
      if (++samples == 1600) { level(dbfs(sumSq, samples)); sumSq = 0; samples = 0; }
    }
  }
  if (shown > 0) endLine();
  put("asmedia: mic: lease ended, the next read failed: ");
  put(strerror(e));
  put(" (after ");
  putU64(bytes);
  put(" bytes, ");
  putInt(lease.lost);
  put(" lost, ");
  putInt(reads);
  put(" reads)");
  endLine();
  return bytes > 0 && e == EEXPIRED ? 0 : 1;
}

function camera(): i32 {
  const dst = frameRoom.at;
  let frames = 0, last: i64 = -1, e: i32;
  while ((e = lease.readFrame(dst, <u32>SENSOR_CAM_BYTES)) >= 0 || e == EEMPTY) {
    if (e == EEMPTY || <i64>lease.frame == last) { lease.box.wait(20 * MS); continue; }
    if (frames == 0) {
      let h: u32 = 2166136261;
      for (let i = 0; i < e; i++) h = (h ^ <u32>load<u8>(dst + i)) * 16777619;
      put("asmedia: camera: ");
      putInt(lease.width);
      put("x");
      putInt(lease.height);
      put(" frame ");
      putInt(lease.frame);
      put(", fnv1a ");
      for (let k = 0; k < 8; k++) {          // hex digits, without allocating
        const d = (h >> <u32>(28 - 4 * k)) & 15;
        store<u8>(hex + k, d < 10 ? 48 + d : 87 + d);
      }
      putBytes(hex, 8);
      endLine();
    }
    frames++;
    last = lease.frame;
  }
  put("asmedia: camera: lease ended, the next read failed: ");
  put(strerror(e));
  put(" (after ");
  putInt(frames);
  put(" frames)");
  endLine();
  return frames > 0 && e == EEXPIRED ? 0 : 1;
}

export function _start(): i32 {
  const n = min(args(argBuf, 64), 64);
  let sensor: u32 = 0, precision = SENSOR_COARSE, secs: u32 = 2;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && load<u8>(argBuf + j) != 32) j++;
    if (word(i, j, "mic")) sensor = SENSOR_MIC;
    else if (word(i, j, "camera")) sensor = SENSOR_CAM;
    else if (word(i, j, "raw") || word(i, j, "full")) precision = SENSOR_EXACT;
    else if (word(i, j, "level") || word(i, j, "low")) precision = SENSOR_COARSE;
    else if (j > i && j - i <= 4) {
      let v: u32 = 0;
      for (let k = i; k < j; k++) {
        const c = <u32>load<u8>(argBuf + k);
        if (c < 48 || c > 57) return usage();
        v = v * 10 + c - 48;
      }
      secs = v;
    } else if (j > i) return usage();
    i = j + 1;
  }
  if (sensor == 0 || secs == 0 || secs > 3600) return usage();
  const e = lease.open(sensor, precision, secs * 1000, "sdk test (assemblyscript)");
  if (e < 0) {
    put("asmedia: no lease of the ");
    put(sensor == SENSOR_MIC ? "mic" : "camera");
    put(": ");
    put(e == ERIGHTS ? "refused" : strerror(e));
    endLine();
    return 1;
  }
  const r = sensor == SENSOR_MIC ? mic(precision == SENSOR_EXACT) : camera();
  lease.close();
  return r;
}
