// The Athanor AssemblyScript SDK (docs/languages.md): the `athanor` host
// calls (docs/hostcalls.md) and thin wrappers for AssemblyScript domains.
//
// Built with `asc --runtime stub` (mk/lang.mk): a bump allocator that never
// frees and no garbage collector, so nothing runs behind a driver's back.
// Nothing in this file allocates after start-up: strings are written
// through one static scratch area, and handles are plain i32 values kept
// in classes made once at start (a driver's hot path allocates nothing).
//
// Errors: every wrapper returns the host call's result; negative is an
// error code (the E* constants). abort() (a failed assert, an array index
// out of range, `throw`) prints the message and traps (`unreachable`): the
// kernel faults this domain only and restarts it by its manifest policy.

// ------------------------------------------------------------ raw imports

@external("athanor", "debug_print") declare function ath_debug_print(p: usize, len: i32): void;
@external("athanor", "arch") declare function ath_arch(p: usize, cap: i32): i32;
@external("athanor", "args") declare function ath_args(p: usize, cap: i32): i32;
@external("athanor", "uptime_ns") declare function ath_uptime_ns(): i64;
@external("athanor", "cap_find") declare function ath_cap_find(name: usize, len: i32): i32;
@external("athanor", "cap_info") declare function ath_cap_info(h: i32): i64;
@external("athanor", "cap_dup") declare function ath_cap_dup(h: i32, rights: u32): i32;
@external("athanor", "cap_lease") declare function ath_cap_lease(h: i32, rights: u32, ns: i64): i32;
@external("athanor", "cap_drop") declare function ath_cap_drop(h: i32): i32;
@external("athanor", "cap_revoke") declare function ath_cap_revoke(h: i32): i32;
@external("athanor", "call") declare function ath_call(ep: i32, a0: i64, a1: i64, a2: i64, a3: i64, out: usize): i32;
@external("athanor", "call_timeout") declare function ath_call_timeout(ep: i32, a0: i64, a1: i64, a2: i64, a3: i64, out: usize, ns: i64): i32;
@external("athanor", "call_lend") declare function ath_call_lend(ep: i32, buf: i32, rights: u32, a0: i64, a1: i64, a2: i64, out: usize): i32;
@external("athanor", "call_badge") declare function ath_call_badge(): i64;
@external("athanor", "buf_dma") declare function ath_buf_dma(buf: i32, dma: i32, page: i32, devWrites: i32): i64;
@external("athanor", "buf_undma") declare function ath_buf_undma(buf: i32): i32;
@external("athanor", "send") declare function ath_send(ch: i32, p: usize, len: i32, cap: i32): i32;
@external("athanor", "recv") declare function ath_recv(ch: i32, p: usize, cap: i32, got: usize, ns: i64): i32;
@external("athanor", "notify") declare function ath_notify(ch: i32): i32;
@external("athanor", "wait") declare function ath_wait(ch: i32, ns: i64): i64;
@external("athanor", "buf_new") declare function ath_buf_new(pages: i32): i32;
@external("athanor", "buf_map") declare function ath_buf_map(buf: i32, offset: usize): i32;
@external("athanor", "buf_unmap") declare function ath_buf_unmap(buf: i32): i32;
@external("athanor", "heartbeat") declare function ath_heartbeat(): i32;
@external("athanor", "dom_info") declare function ath_dom_info(h: i32, index: i32, p: usize, cap: i32): i32;
@external("athanor", "irq_wait") declare function ath_irq_wait(irq: i32, ns: i64): i32;
@external("athanor", "irq_ack") declare function ath_irq_ack(irq: i32): i32;
@external("athanor", "mmio_map") declare function ath_mmio_map(mmio: i32, offset: usize): i32;
@external("athanor", "mmio_unmap") declare function ath_mmio_unmap(mmio: i32): i32;
@external("athanor", "io_in") declare function ath_io_in(io: i32, off: u32, size: u32): i64;
@external("athanor", "dev_info") declare function ath_dev_info(mmio: i32, p: usize, len: i32): i32;
@external("athanor", "dma_map") declare function ath_dma_map(dma: i32, offset: usize): i32;
@external("athanor", "dma_unmap") declare function ath_dma_unmap(dma: i32): i32;
@external("athanor", "dma_addr") declare function ath_dma_addr(dma: i32, page: i32): i64;
@external("athanor", "io_out") declare function ath_io_out(io: i32, off: u32, size: u32, v: u32): i32;

// ------------------------------------------------------------ constants

export const EINVAL = -1, ESTALE = -2, EREVOKED = -3, EEXPIRED = -4, ETYPE = -5,
  ERIGHTS = -6, ENOSPACE = -7, ENOMEM = -8, ENOENT = -9, EFAULT = -11, ETRAP = -12,
  ESTOPPED = -13, EBUSY = -14, ETIMEDOUT = -15, EFULL = -16, EEMPTY = -17,
  EMSGSIZE = -18, ELENT = -19, EMAPPED = -20, ELIMIT = -21;

export const R_READ: u32 = 1, R_WRITE: u32 = 2, R_MAP: u32 = 4, R_CALL: u32 = 8,
  R_SEND: u32 = 16, R_RECV: u32 = 32, R_DERIVE: u32 = 64, R_TRANSFER: u32 = 128,
  R_REVOKE: u32 = 256, R_CONTROL: u32 = 512;

export const FOREVER: i64 = -1;
export const PAGE: i32 = 4096;
export const MS: i64 = 1000000;

// ------------------------------------------------------------ console

// The scratch area text is assembled in: static, made once at start.
const LINE_MAX = 256;
const line = memory.data(LINE_MAX);
let lineLen = 0;

function flush(): void {
  if (lineLen > 0) ath_debug_print(line, lineLen);
  lineLen = 0;
}

function putByte(b: i32): void {
  if (lineLen == LINE_MAX) flush();
  store<u8>(line + lineLen, b);
  lineLen++;
}

/** Appends s (ASCII; other characters as '?') to the current line. */
export function put(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    putByte(c < 128 ? c : 63);
  }
}

/** Appends v in decimal. */
export function putInt(v: i64): void {
  if (v < 0) {
    putByte(45);
    // -v overflows for the smallest i64: print its digits unsigned.
    putU64(<u64>0 - <u64>v);
  } else {
    putU64(<u64>v);
  }
}

export function putU64(u: u64): void {
  const digits = memory.data(24);
  let i = 24;
  do {
    i--;
    store<u8>(digits + i, <i32>(u % 10) + 48);
    u /= 10;
  } while (u != 0);
  for (; i < 24; i++) putByte(load<u8>(digits + i));
}

/** Appends the bytes [p, p+len) of linear memory. */
export function putBytes(p: usize, len: i32): void {
  for (let i = 0; i < len; i++) putByte(load<u8>(p + i));
}

/** Ends the current line ('\n') and writes it to the console. */
export function endLine(): void {
  putByte(10);
  flush();
}

/** One whole line to the console. */
export function println(s: string): void {
  put(s);
  endLine();
}

export function uptimeNs(): i64 {
  return ath_uptime_ns();
}

/** This domain's ARGs (the manifest's words, or a program's arguments)
 * into [p, p+cap): their length. */
export function args(p: usize, cap: i32): i32 {
  return ath_args(p, cap);
}

/** Whether word is one of the space-separated ARGs (at most 256 bytes of
 * them are looked at). Allocates nothing. */
export function argsHas(word: string): bool {
  const a = memory.data(256);
  let n = ath_args(a, 256);
  if (n > 256) n = 256;
  const w = word.length;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && load<u8>(a + j) != 32) j++;
    if (j - i == w) {
      let k = 0;
      while (k < w && <i32>load<u8>(a + i + k) == word.charCodeAt(k)) k++;
      if (k == w) return true;
    }
    i = j + 1;
  }
  return false;
}

export function heartbeat(): i32 {
  return ath_heartbeat();
}

/** The message of an error code. */
export function strerror(e: i32): string {
  switch (e) {
    case EINVAL: return "invalid argument";
    case ESTALE: return "stale handle";
    case EREVOKED: return "revoked";
    case EEXPIRED: return "lease expired";
    case ETYPE: return "wrong type";
    case ERIGHTS: return "missing right";
    case ENOSPACE: return "table full";
    case ENOMEM: return "out of memory";
    case ENOENT: return "no such entry";
    case EFAULT: return "bad pointer";
    case ETRAP: return "server trapped";
    case ESTOPPED: return "server stopped";
    case EBUSY: return "server busy";
    case ETIMEDOUT: return "timed out";
    case EFULL: return "queue full";
    case EEMPTY: return "queue empty";
    case EMSGSIZE: return "message too long";
    case ELENT: return "buffer lent or borrowed";
    case EMAPPED: return "bad map place";
    case ELIMIT: return "domain limit reached";
  }
  return e >= 0 ? "ok" : "unknown error";
}

// ------------------------------------------------------------ capabilities

/** The handle the manifest granted under name (ASCII), or a negative code. */
export function capFind(name: string): i32 {
  const n = name.length < LINE_MAX ? name.length : LINE_MAX;
  const p = memory.data(LINE_MAX);
  for (let i = 0; i < n; i++) store<u8>(p + i, name.charCodeAt(i));
  return ath_cap_find(p, n);
}

export function capInfo(h: i32): i64 { return ath_cap_info(h); }
export function capDup(h: i32, rights: u32): i32 { return ath_cap_dup(h, rights); }
export function capLease(h: i32, rights: u32, ns: i64): i32 { return ath_cap_lease(h, rights, ns); }
export function capDrop(h: i32): i32 { return ath_cap_drop(h); }
export function capRevoke(h: i32): i32 { return ath_cap_revoke(h); }

// The 8 bytes a call's result lands in.
const out = memory.data(8);

/** An endpoint: make one at start (`const ep = new Endpoint("x.op")`) and
 * call it as often as needed; calls allocate nothing. */
export class Endpoint {
  h: i32;
  /** The last call's error code (0: it worked, result in the return value). */
  err: i32 = 0;
  constructor(name: string) { this.h = capFind(name); }
  call(a0: i64, a1: i64, a2: i64, a3: i64): i64 {
    this.err = ath_call(this.h, a0, a1, a2, a3, out);
    return this.err < 0 ? <i64>this.err : load<i64>(out);
  }
  callTimeout(a0: i64, a1: i64, a2: i64, a3: i64, ns: i64): i64 {
    this.err = ath_call_timeout(this.h, a0, a1, a2, a3, out, ns);
    return this.err < 0 ? <i64>this.err : load<i64>(out);
  }
  /** Lends buf for the call: R_READ (shared, read-only) or
   * R_READ | R_WRITE (exclusive); the handler gets it as a3. */
  callLend(buf: i32, rights: u32, a0: i64, a1: i64, a2: i64): i64 {
    this.err = ath_call_lend(this.h, buf, rights, a0, a1, a2, out);
    return this.err < 0 ? <i64>this.err : load<i64>(out);
  }
}

/** A channel: 64-byte messages, each able to move one capability. */
export class Channel {
  h: i32;
  /** The handle the last recv moved to us (0: none). */
  got: i32 = 0;
  constructor(name: string) { this.h = capFind(name); }
  send(p: usize, len: i32, cap: i32 = 0): i32 { return ath_send(this.h, p, len, cap); }
  recv(p: usize, cap: i32, ns: i64): i32 {
    const g = memory.data(4);
    store<i32>(g, 0);
    const n = ath_recv(this.h, p, cap, g, ns);
    this.got = load<i32>(g);
    return n;
  }
  notify(): i32 { return ath_notify(this.h); }
  wait(ns: i64): i64 { return ath_wait(this.h, ns); }
}

// ------------------------------------------------------------ buffers

/** Room for buffer mappings at the end of linear memory (memory.grow): a
 * buffer larger than the room does not fit there and buf_map fails, so a
 * mapping never covers this module's own data. Make it once at start and
 * grow no memory after it (the stub runtime grows memory only when it
 * allocates). */
export class Room {
  at: usize;
  len: i32;
  constructor(wasmPages: i32) {
    const old = memory.grow(wasmPages);
    this.at = old < 0 ? 0 : <usize>old << 16;
    this.len = old < 0 ? 0 : wasmPages << 16;
  }
}

export function bufNew(pages: i32): i32 { return ath_buf_new(pages); }

/** Maps buffer (or lent handle) h at the start of room: 0 or an error. */
export function bufMap(h: i32, room: Room): i32 {
  return room.len == 0 ? ENOMEM : ath_buf_map(h, room.at);
}

export function bufUnmap(h: i32): i32 { return ath_buf_unmap(h); }

/** In a handler: the badge of the capability the call came through (0:
 * none; docs/ipc.md). */
export function callBadge(): i64 { return ath_call_badge(); }

/** Zero-copy I/O (docs/devices.md): the bus address of page `page` of a
 * buffer moved or lent to us, for the device of dma (devWrites: the device
 * writes it), pinned to that device until bufUndma; or an error. */
export function bufDma(buf: i32, dma: i32, page: i32, devWrites: bool): i64 {
  return ath_buf_dma(buf, dma, page, devWrites ? 1 : 0);
}
export function bufUndma(buf: i32): i32 { return ath_buf_undma(buf); }

export const TYPE_BUFFER: u32 = 3;

/** Checks a handler's a3 as a lent buffer: a plain call can put any number
 * there. Its rights (R_READ, R_WRITE ...) when it is a buffer in this
 * domain's table, else a negative code (ETYPE, or cap_info's error). */
export function lentRights(a3: i64): i64 {
  if (a3 != <i64><i32>a3) return ESTALE;
  const v = ath_cap_info(<i32>a3);
  if (v < 0) return v;
  if (<u32>(v >>> 32) != TYPE_BUFFER) return ETYPE;
  return v & 0xffffffff;
}

// ------------------------------------------------------------ supervision

/** dom_info: the line of a domain into [p, p+cap); its length or an error.
 * Through a domain control capability that domain only (index 0); through
 * the system capability (read) the index-th domain of the system. */
export function domInfo(h: i32, index: i32, p: usize, cap: i32): i32 {
  return ath_dom_info(h, index, p, cap);
}

// ------------------------------------------------------------ devices

export class Irq {
  h: i32;
  constructor(name: string) { this.h = capFind(name); }
  wait(ns: i64): i32 { return ath_irq_wait(this.h, ns); }
  ack(): i32 { return ath_irq_ack(this.h); }
}

/** Device registers: map() puts them over a page-aligned area of this
 * module's memory (a static page made at start, or a Room for a window of
 * several pages: bytes is the area's size); read/write are bounds-checked
 * (an offset outside the window aborts). */
export class Mmio {
  h: i32;
  base: usize = 0;
  len: i32 = 0;
  constructor(name: string) { this.h = capFind(name); }
  /** Maps the window at page (bytes of room there): 0 or an error. The
   * registers start at offset 0 of read/write. */
  map(page: usize, bytes: i32 = PAGE): i32 {
    const off = ath_mmio_map(this.h, page);
    if (off < 0) return off;
    this.base = page + off;
    this.len = bytes - off;
    return 0;
  }
  read8(off: i32): u8 { assert(off >= 0 && off < this.len); return load<u8>(this.base + off); }
  write8(off: i32, v: u8): void { assert(off >= 0 && off < this.len); store<u8>(this.base + off, v); }
  read16(off: i32): u16 { assert(off >= 0 && off + 2 <= this.len && (off & 1) == 0); return load<u16>(this.base + off); }
  write16(off: i32, v: u16): void { assert(off >= 0 && off + 2 <= this.len && (off & 1) == 0); store<u16>(this.base + off, v); }
  read32(off: i32): u32 { assert(off >= 0 && off + 4 <= this.len && (off & 3) == 0); return load<u32>(this.base + off); }
  write32(off: i32, v: u32): void { assert(off >= 0 && off + 4 <= this.len && (off & 3) == 0); store<u32>(this.base + off, v); }
  unmap(): i32 { this.len = 0; return ath_mmio_unmap(this.h); }
}

/** dev_info: how to drive the device behind a registry mmio handle; the
 * words written into [p, p+len). */
export function devInfo(mmio: i32, p: usize, len: i32): i32 { return ath_dev_info(mmio, p, len); }

/** A device's DMA memory (docs/devices.md): map it into a Room at the end
 * of memory, give the device dmaAddr(page). */
export class Dma {
  h: i32;
  constructor(name: string) { this.h = capFind(name); }
  map(room: Room): i32 { return room.len == 0 ? ENOMEM : ath_dma_map(this.h, room.at); }
  unmap(): i32 { return ath_dma_unmap(this.h); }
  addr(page: i32): i64 { return ath_dma_addr(this.h, page); }
}

export class IoPort {
  h: i32;
  constructor(name: string) { this.h = capFind(name); }
  read(off: u32, size: u32): i64 { return ath_io_in(this.h, off, size); }
  write(off: u32, size: u32, v: u32): i32 { return ath_io_out(this.h, off, size, v); }
}

// ------------------------------------------------------------ sensors

// The sensor broker (docs/privacy.md, sdk/include/sensor.h): an app asks
// sensor.request for a lease, which arrives on its box (channel box.APP,
// receive only: bin/APP.caps); the lease is a buffer whose first page the
// broker keeps current at the granted precision, and which the kernel takes
// away at the lease's end.
export const SENSOR_GPS: u32 = 1, SENSOR_MIC: u32 = 2, SENSOR_CAM: u32 = 3;
export const SENSOR_EXACT: u32 = 0, SENSOR_COARSE: u32 = 1;
/** The microphone: raw samples (s16le, 16 kHz, mono), or level (one
 * loudness figure a 100 ms block, its RMS in whole dBFS, -100..0). The
 * camera: full (320x240 RGB) or low (80x60, each pixel the rounded mean
 * of a 4x4 block). */
export const SENSOR_RAW: u32 = 0, SENSOR_LEVEL: u32 = 1, SENSOR_FULL: u32 = 0, SENSOR_LOW: u32 = 1;
export const SENSOR_CAM_W: u32 = 320, SENSOR_CAM_H: u32 = 240;
export const SENSOR_CAM_BYTES: i32 = 320 * 240 * 3, SENSOR_CAM_LOW_BYTES: i32 = 320 * 240 * 3 / 16;
const SENSOR_MIC_RING: u32 = 16 * PAGE;
/** Where a microphone or camera lease's data starts (after its header page). */
const SENSOR_DATA_OFF: usize = PAGE;

/** The pages of a lease's buffer: the room it maps in must hold them. */
export function sensorLeasePages(sensor: u32, precision: u32): i32 {
  if (sensor == SENSOR_MIC) return 1 + (precision == SENSOR_LEVEL ? 1 : <i32>SENSOR_MIC_RING / PAGE);
  if (sensor == SENSOR_CAM)
    return 1 + (precision == SENSOR_LOW ? (SENSOR_CAM_LOW_BYTES + PAGE - 1) / PAGE : (SENSOR_CAM_BYTES + PAGE - 1) / PAGE);
  return 1;
}
/** The longest lease, in milliseconds: one hour. */
export const SENSOR_MAX_MS: u32 = 3600000;
/** How long open waits for the decision (the broker waits 30 s for an answer). */
const SENSOR_DECIDE_MS: i64 = 40000;
const SENSOR_NAME = 24, SENSOR_PURPOSE = 40, SENSOR_GRANT = 24;

/** A lease of a sensor: make it at start (`new SensorLease("locate", room)`:
 * it finds sensor.request and box.locate), then open, readFix, close,
 * none of which allocates. The room (one buffer page at least) is where
 * the request is written and the lease mapped. */
export class SensorLease {
  ep: Endpoint;
  box: Channel;
  room: Room;
  app: string;
  /** The lease capability (a buffer: read, map), 0 when none. */
  cap: i32 = 0;
  /** The grant: lease id, when the kernel ends it (kernel clock), sensor,
   * precision. */
  id: u64 = 0;
  endNs: u64 = 0;
  sensor: u32 = 0;
  precision: u32 = 0;
  /** The newest fix readFix copied: degrees * 10^7, decimetres (0 when
   * coarse), UTC time of day, the driver's fix counter, satellites. */
  latE7: i32 = 0;
  lonE7: i32 = 0;
  altDm: i32 = 0;
  timeMs: u32 = 0;
  seq: u32 = 0;
  sats: u32 = 0;
  fixPrecision: u32 = 0;
  /** Microphone: the stream's bytes read so far, and those the lease's
   * ring overwrote before they were read (readStream). */
  pos: u64 = 0;
  lost: u32 = 0;
  /** Camera: the size and the driver's number of the frame readFrame
   * copied. */
  width: u32 = 0;
  height: u32 = 0;
  frame: u32 = 0;

  constructor(app: string, room: Room) {
    this.ep = new Endpoint("sensor.request");
    this.box = new Channel("box." + app);   // at start: concatenation allocates
    this.room = room;
    this.app = app;
  }

  /** Asks for a lease of sensor at precision for ms milliseconds, for
   * purpose (printable ASCII, up to 39 characters): 0, or ERIGHTS
   * (refused: the policy, or the person at the shell), ENOENT (no broker,
   * no box, no such sensor), EINVAL, EBUSY, EEXPIRED (it ended on the
   * way). */
  open(sensor: u32, precision: u32, ms: u32, purpose: string): i32 {
    if (this.ep.h < 0 || this.box.h < 0) return ENOENT;
    if (this.room.len < sensorLeasePages(sensor, precision) * PAGE) return ENOMEM;
    if (this.cap > 0) return EBUSY;
    const rb = ath_buf_new(1);
    if (rb < 0) return rb;
    let e = ath_buf_map(rb, this.room.at);
    if (e < 0) { ath_cap_drop(rb); return e; }
    const q = this.room.at;
    memory.fill(q, 0, SENSOR_NAME + SENSOR_PURPOSE);
    for (let i = 0; i < this.app.length && i < SENSOR_NAME - 1; i++) store<u8>(q + i, this.app.charCodeAt(i));
    for (let i = 0; i < purpose.length && i < SENSOR_PURPOSE - 1; i++) {
      const c = purpose.charCodeAt(i);
      store<u8>(q + SENSOR_NAME + i, c >= 32 && c < 127 ? c : 63);
    }
    ath_buf_unmap(rb);
    const r = this.ep.callLend(rb, R_READ, <i64>(sensor | precision << 8), <i64>ms, 0);
    ath_cap_drop(rb);
    if (r < 0) return <i32>r;
    // the decision on the box: at once when the policy decided, after
    // the person's answer when the shell asked
    const g = memory.data(SENSOR_GRANT);
    const until = ath_uptime_ns() + SENSOR_DECIDE_MS * 1000000;
    for (;;) {
      const left = until - ath_uptime_ns();
      const n = left > 0 ? this.box.recv(g, SENSOR_GRANT, left) : ETIMEDOUT;
      if (n < 0) return n;
      if (n == SENSOR_GRANT && load<u64>(g) == <u64>r) break;
      if (this.box.got > 0) ath_cap_drop(this.box.got);   // an older request's: not ours
    }
    if (load<u32>(g, 16) == 0) {    // refused: precision holds the error, negated
      const why = load<u32>(g, 20);
      return why != 0 ? -<i32>why : ERIGHTS;
    }
    if (this.box.got <= 0) return EEXPIRED;   // the kernel drops a dead capability
    this.cap = this.box.got;
    this.id = load<u64>(g);
    this.endNs = load<u64>(g, 8);
    this.sensor = load<u32>(g, 16);
    this.precision = load<u32>(g, 20);
    this.pos = 0;
    this.lost = 0;
    e = ath_buf_map(this.cap, this.room.at);
    if (e < 0) { this.close(); return e; }
    return 0;
  }

  private clearFix(): void {
    this.latE7 = this.lonE7 = this.altDm = 0;
    this.timeMs = this.seq = this.sats = this.fixPrecision = 0;
  }

  /** The newest fix at the lease's precision into the fields: 0, EEMPTY
   * (none yet), or the lease's end: EEXPIRED (its time came), EREVOKED
   * (the broker or the person ended it). Nothing of a fix is kept after
   * the end: the fields are cleared. */
  readFix(): i32 {
    if (this.cap <= 0) return ESTALE;
    let info = ath_cap_info(this.cap);
    if (info < 0) { this.clearFix(); return <i32>info; }
    const p = this.room.at;
    let s1: u32, s2: u32, fixes: u32, tries = 0;
    do {
      s1 = load<u32>(p);
      ath_uptime_ns();        // a host call: the loads are not moved across it
      fixes = load<u32>(p, 12);
      this.latE7 = load<i32>(p, 16);
      this.lonE7 = load<i32>(p, 20);
      this.altDm = load<i32>(p, 24);
      this.timeMs = load<u32>(p, 28);
      this.seq = load<u32>(p, 32);
      this.sats = load<u8>(p, 36);
      this.fixPrecision = load<u8>(p, 38);
      ath_uptime_ns();
      s2 = load<u32>(p);
    } while ((s1 != s2 || (s1 & 1) != 0) && ++tries < 10000);
    if ((info = ath_cap_info(this.cap)) < 0) {   // it ended while we copied
      this.clearFix();
      return <i32>info;
    }
    return fixes != 0 ? 0 : EEMPTY;
  }

  /** The microphone's bytes that came since the last read (samples, or
   * level figures: each an i8, dBFS), up to cap of them to dst, in order:
   * their number (0: none yet); this.lost grows by what the lease's ring
   * overwrote before it was read. The lease's end: EEXPIRED, EREVOKED
   * (dst then holds nothing of them); EINVAL when it is no microphone's. */
  readStream(dst: usize, cap: u32): i32 {
    if (this.cap <= 0) return ESTALE;
    let info = ath_cap_info(this.cap);
    if (info < 0) return <i32>info;
    const p = this.room.at;
    let s1: u32, s2: u32, total: u64, ring: u32, tries = 0;
    do {
      s1 = load<u32>(p);
      ath_uptime_ns();        // a host call: the loads are not moved across it
      total = load<u64>(p, 16);
      ring = load<u32>(p, 24);
      ath_uptime_ns();
      s2 = load<u32>(p);
    } while ((s1 != s2 || (s1 & 1) != 0) && ++tries < 10000);
    if (ring == 0 || ring > SENSOR_MIC_RING || total < this.pos) return EINVAL;
    if (total - this.pos > <u64>ring) {
      this.lost += <u32>(total - this.pos - <u64>ring);
      this.pos = total - <u64>ring;
    }
    let n = total - this.pos < <u64>cap ? <u32>(total - this.pos) : cap;
    const data = p + SENSOR_DATA_OFF;
    for (let i: u32 = 0; i < n; i++) store<u8>(dst + i, load<u8>(data + <usize>((this.pos + i) % <u64>ring)));
    ath_uptime_ns();
    // what the broker wrote meanwhile may have lapped the start of it
    if (load<u64>(p, 16) > this.pos + <u64>ring) {
      this.lost += n;
      this.pos += n;
      n = 0;
    }
    if ((info = ath_cap_info(this.cap)) < 0) {   // it ended while we copied
      memory.fill(dst, 0, n);
      return <i32>info;
    }
    this.pos += n;
    return <i32>n;
  }

  /** The camera's newest frame (full or low, as granted) to dst (cap
   * bytes): its size in bytes, with this.width, height, frame; EEMPTY
   * (none yet), EFULL (cap too small), EINVAL (no camera lease), or the
   * lease's end: EEXPIRED, EREVOKED (dst then holds nothing of it). */
  readFrame(dst: usize, cap: u32): i32 {
    if (this.cap <= 0) return ESTALE;
    let info = ath_cap_info(this.cap);
    if (info < 0) return <i32>info;
    const p = this.room.at;
    let s1: u32, s2: u32, count: u32, bytes: u32 = 0, tries = 0;
    do {
      s1 = load<u32>(p);
      ath_uptime_ns();
      count = load<u32>(p, 12);
      this.width = load<u32>(p, 28);
      this.height = load<u32>(p, 32);
      this.frame = load<u32>(p, 36);
      if (this.width > SENSOR_CAM_W || this.height > SENSOR_CAM_H) return EINVAL;
      bytes = this.width * this.height * 3;
      if (bytes > cap) return EFULL;
      memory.copy(dst, p + SENSOR_DATA_OFF, bytes);
      ath_uptime_ns();
      s2 = load<u32>(p);
    } while ((s1 != s2 || (s1 & 1) != 0) && ++tries < 1000);
    if ((info = ath_cap_info(this.cap)) < 0) {   // it ended while we copied
      memory.fill(dst, 0, bytes);
      return <i32>info;
    }
    return count != 0 ? <i32>bytes : EEMPTY;
  }

  /** Gives the lease up (unmapped, dropped). */
  close(): void {
    if (this.cap <= 0) return;
    ath_buf_unmap(this.cap);
    ath_cap_drop(this.cap);
    this.cap = 0;
  }
}

// ------------------------------------------------------------ display

// A surface of the display service (docs/display.md): the endpoint
// surf.NAME is the right to draw in that tile. The pixels are a buffer of
// this domain's, mapped in a Room, words 0x00RRGGBB, rows width words
// apart; present lends it read-only for the call and the compositor copies
// the rectangle to the screen.
export const SURF_INFO = 0, SURF_PRESENT = 1, SURF_STATS = 2;

export class Surface {
  ep: Endpoint;
  buf: i32 = -1;
  width: i32 = 0;
  height: i32 = 0;
  /** Where pixel (0, 0) is in this module's memory. */
  pixels: usize = 0;

  /** At start: finds the endpoint (e.g. "surf.app"). */
  constructor(name: string) { this.ep = new Endpoint(name); }

  /** Asks the surface's size, makes a buffer of exactly its pages and maps
   * it at the start of room: 0, or ENOENT (no endpoint), ESTOPPED (no
   * screen), ENOMEM (the room is too small), a host call's error. */
  open(room: Room): i32 {
    if (this.ep.h < 0) return ENOENT;
    const r = this.ep.call(SURF_INFO, 0, 0, 0);
    if (r < 0) return <i32>r;
    const w = <i32>(r & 0xffff), h = <i32>((r >> 16) & 0xffff);
    if (w == 0 || h == 0) return ESTOPPED;
    const pages = (w * h * 4 + PAGE - 1) / PAGE;
    if (pages * PAGE > room.len) return ENOMEM;
    if (this.buf < 0) {
      const b = ath_buf_new(pages);
      if (b < 0) return b;
      const e = ath_buf_map(b, room.at);
      if (e < 0) { ath_cap_drop(b); return e; }
      this.buf = b;
    }
    this.width = w;
    this.height = h;
    this.pixels = room.at;
    return 0;
  }

  /** Rectangle (x, y, w, h) filled with c, clipped to the surface. */
  fill(x: i32, y: i32, w: i32, h: i32, c: u32): void {
    const x0 = max(x, 0), y0 = max(y, 0);
    const x1 = min(x + w, this.width), y1 = min(y + h, this.height);
    for (let j = y0; j < y1; j++) {
      const row = this.pixels + <usize>(j * this.width * 4);
      for (let i = x0; i < x1; i++) store<u32>(row + <usize>(i * 4), c);
    }
  }

  /** Shows rectangle (x, y, w, h) of the surface on the screen: 0, or
   * EINVAL (outside the surface, empty), ERIGHTS, ESTOPPED. */
  present(x: i32, y: i32, w: i32, h: i32): i32 {
    if (this.buf < 0) return ESTOPPED;
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x > 0xffff || y > 0xffff || w > 0xffff || h > 0xffff)
      return EINVAL;
    const r = this.ep.callLend(this.buf, R_READ, SURF_PRESENT, <i64>x | (<i64>y << 16),
                               <i64>w | (<i64>h << 16));
    return r < 0 ? <i32>r : 0;
  }

  /** Frames shown | dropped << 32 (the GPU driver down), or an error. */
  stats(): i64 {
    return this.ep.call(SURF_STATS, 0, 0, 0);
  }
}

// ------------------------------------------------------------ abort

/** The abort handler every module is built with (`--use abort=...`,
 * mk/lang.mk): the message and place, then a trap. */
export function athAbort(msg: string | null, file: string | null, lineNo: u32, col: u32): void {
  put("abort: ");
  put(msg !== null ? msg : "(no message)");
  put(" at ");
  put(file !== null ? file : "?");
  put(":");
  putU64(lineNo);
  put(":");
  putU64(col);
  endLine();
  unreachable();
}
