// The AssemblyScript split virtqueue (sdk/assemblyscript/virtio.ts, Virtq)
// against a device played by this test, as tests/unit/test_virtq.c does for
// the C one: chains as the device reads them, a full queue, completions out
// of order, and a hostile device (ids out of range, inside a chain, twice;
// links scribbled over; a used index run far ahead). A WASI program (run by
// tests/groups/65-lang.sh under azoth-wasm): it prints one line per failed
// check and "virtq (assemblyscript): N checks, F failed"; exit status F.
import { Virtq } from "../../sdk/assemblyscript/virtio";

@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: i32, iovs: usize, n: i32, nwritten: usize): i32;
@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: i32): void;

const page = memory.data(4096, 4096);
const line = memory.data(128);
const iov = memory.data(8);
const cnt = memory.data(4);
let checks = 0, failed = 0, at = 0;

function put(s: string): void {
  for (let i = 0; i < s.length && at < 127; i++) store<u8>(line + at++, s.charCodeAt(i));
}
function putNum(v: i64): void {
  if (v < 0) { put("-"); v = -v; }
  const d = memory.data(20);
  let n = 0;
  do { store<u8>(d + n++, <u8>(48 + v % 10)); v /= 10; } while (v != 0);
  while (n > 0 && at < 127) store<u8>(line + at++, load<u8>(d + --n));
}
function flush(): void {
  store<u8>(line + at++, 10);
  store<u32>(iov, <u32>line);
  store<u32>(iov, at, 4);
  fd_write(1, iov, 1, cnt);
  at = 0;
}
function eq(what: string, got: i64, want: i64): void {
  checks++;
  if (got == want) return;
  failed++;
  put("FAIL ");
  put(what);
  put(": got ");
  putNum(got);
  put(", want ");
  putNum(want);
  flush();
}

// The device's side: the next head the driver made available, or -1.
let seen: u16 = 0;
function devNext(q: Virtq): i32 {
  if (seen == load<u16>(page + 1024, 2)) return -1;
  const i = seen & <u16>(q.size - 1);
  seen++;
  return <i32>load<u16>(page + 1024 + 4 + <usize>(i * 2));
}
// The device completes id with len bytes written.
function devDone(q: Virtq, id: u32, len: u32): void {
  const i = load<u16>(page + 2048, 2);
  const e = page + 2048 + 4 + <usize>((i & <u16>(q.size - 1)) * 8);
  store<u32>(e, id);
  store<u32>(e, len, 4);
  store<u16>(page + 2048, i + 1, 2);
}
function desc(d: i32, off: usize): u64 {
  const p = page + <usize>(d * 16);
  return off == 0 ? load<u64>(p) : off == 8 ? <u64>load<u32>(p, 8) : <u64>load<u16>(p + off);
}

const q = new Virtq();

// Sizes.
eq("init size 0", q.init(page, 0x1000, 0) ? 1 : 0, 0);
eq("init size 3", q.init(page, 0x1000, 3) ? 1 : 0, 0);
eq("init size 128", q.init(page, 0x1000, 128) ? 1 : 0, 0);
eq("init size 64", q.init(page, 0x10000, 64) ? 1 : 0, 1);
eq("in flight after init", q.inFlight(), 0);

// A chain as the device sees it.
q.init(page, 0x8000, 8);
seen = 0;
q.buf(0x1000, 16, false);
q.buf(0x2000, 512, true);
q.buf(0x3000, 1, true);
let h = q.add(7);
eq("chain head made available", devNext(q), h);
eq("one chain only", devNext(q), -1);
let d = h;
for (let i = 0; i < 3; i++) {
  eq("desc addr", <i64>desc(d, 0), 0x1000 * (i + 1));
  eq("desc len", <i64>desc(d, 8), i == 0 ? 16 : i == 1 ? 512 : 1);
  eq("desc write flag", <i64>(desc(d, 12) & 2), i == 0 ? 0 : 2);
  eq("desc next flag", <i64>(desc(d, 12) & 1), i < 2 ? 1 : 0);
  d = <i32>desc(d, 14);
}
eq("nothing completed yet", q.get(), -1);
eq("in flight", q.inFlight(), 1);
devDone(q, <u32>h, 513);
eq("completed token", q.get(), 7);
eq("completed length", q.len, 513);
eq("in flight after", q.inFlight(), 0);
eq("nothing more", q.get(), -1);

// Full, then recycled out of order.
q.init(page, 0, 8);
seen = 0;
for (let k = 0; k < 2; k++) { q.buf(1, 1, false); q.buf(2, 2, true); q.buf(3, 3, true); eq("add 3", q.add(k) >= 0 ? 1 : 0, 1); }
q.buf(1, 1, false); q.buf(2, 2, true); q.buf(3, 3, true);
eq("3 more with 2 free", q.add(2), -1);
q.buf(1, 1, false); q.buf(2, 2, true);
eq("2 with 2 free", q.add(2) >= 0 ? 1 : 0, 1);
q.buf(1, 1, false);
eq("1 with none free", q.add(3), -1);
eq("an empty chain", q.add(3), -1);
const h0 = devNext(q), h1 = devNext(q), h2 = devNext(q);
devDone(q, <u32>h1, 0);
eq("out of order", q.get(), 1);
q.buf(1, 1, false); q.buf(2, 2, true); q.buf(3, 3, true);
eq("the freed chain serves again", q.add(4) >= 0 ? 1 : 0, 1);
devDone(q, <u32>h2, 0);
devDone(q, <u32>h0, 0);
eq("then the third", q.get(), 2);
eq("then the first", q.get(), 0);
eq("one in flight", q.inFlight(), 1);

// A hostile device.
q.init(page, 0, 8);
seen = 0;
q.buf(1, 1, false); q.buf(2, 2, true);
h = q.add(9);
eq("hostile: made available", devNext(q), h);
devDone(q, 8, 0);                    // out of range
devDone(q, 0xffffffff, 0);
devDone(q, <u32>(h + 64), 0);        // past the size, the head modulo 64
devDone(q, <u32>(h + 1), 0);         // inside the chain, not its head
devDone(q, <u32>h, 2);
devDone(q, <u32>h, 2);               // twice
for (let i = 0; i < 8; i++) store<u16>(page + <usize>(i * 16) + 14, 7);   // links scribbled
eq("hostile: the real completion", q.get(), 9);
eq("hostile: nothing else", q.get(), -1);
eq("hostile: bad entries counted", q.bad, 5);
let n = 0;
for (let i = 0; i < 8; i++) { q.buf(1, 1, false); if (q.add(20 + i) >= 0) n++; }
eq("hostile: every descriptor free once", n, 8);
q.buf(1, 1, false);
eq("hostile: then full", q.add(30), -1);
eq("hostile: in flight", q.inFlight(), 8);
store<u16>(page + 2048, load<u16>(page + 2048, 2) + 1000, 2);   // used index far ahead
n = 0;
while (q.get() >= 0) n++;
eq("hostile: a far used index gives at most the chains in flight", n <= 8 ? 1 : 0, 1);

// Suppression flags.
q.interrupts(false);
eq("no interrupts flag", load<u16>(page + 1024), 1);
q.interrupts(true);
eq("interrupts flag", load<u16>(page + 1024), 0);
store<u16>(page + 2048, 1);
eq("device asks no notify", q.shouldNotify() ? 1 : 0, 0);
store<u16>(page + 2048, 0);
eq("device asks notify", q.shouldNotify() ? 1 : 0, 1);

put("virtq (assemblyscript): ");
putNum(checks);
put(" checks, ");
putNum(failed);
put(" failed");
flush();
proc_exit(failed);
