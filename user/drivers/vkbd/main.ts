// vkbd: the virtio-input keyboard driver, in AssemblyScript (docs/display.md,
// docs/languages.md). It reads the keyboard input0 and hands each event to
// the input service (input.event). It holds input0.mmio, input0.irq,
// input0.dma (2 pages) and the endpoint input.event; nothing of the display.
// The transport and the split virtqueue are sdk/assemblyscript/virtio.ts.
//
// DMA: page 0 the event queue's rings, page 1 the event buffers (8 bytes
// each: le16 type, le16 code, le32 value, as Linux evdev), all handed to
// the device at start and each handed back as soon as its event is copied
// out. The status queue (LEDs) is not used.
//
// Its _start runs on the thread the kernel gives a device domain and does
// not return while the device works. Everything is made at start (top
// level): the loop allocates nothing.
//
// With the manifest word `drill`, Alt+SysRq+C aborts the driver (a fault
// drill, like Linux's sysrq crash): the kernel faults this domain only, the
// supervisor restarts it, and the restarted driver sets the device up again
// (tests/groups/66-display.sh types it with QMP send-key).
import {
  Endpoint, Room, capFind, argsHas, put, putInt, endLine, println,
  EINVAL, ESTALE, EREVOKED, MS, PAGE,
} from "../../../sdk/assemblyscript/athanor";
import { VirtioDevice, Virtq } from "../../../sdk/assemblyscript/virtio";

const EVENTS = 64;
const EVENT = 8;
const VIRTIO_ID_INPUT: u32 = 18;
const EV_KEY: u32 = 1;
const KEY_C: u32 = 46, KEY_LEFTALT: u32 = 56, KEY_SYSRQ: u32 = 99, KEY_RIGHTALT: u32 = 100;

const dev = new VirtioDevice("input0");
const q = new Virtq();
const svc = new Endpoint("input.event");
const drill = argsHas("drill");
const got = memory.data(EVENTS * EVENT);     // the events of one batch, copied out
let events: u32 = 0;
let bad: u32 = 0;
let alt: u32 = 0;                             // bit 0 left, bit 1 right
let sysrq = false;
// Last: nothing grows memory after the rooms.
const window = new Room(1);                   // the register window (up to 64 KiB)
const dmaRoom = new Room(1);                  // the 2 DMA pages

function slot(i: i32): usize {
  return dev.dmaAt + PAGE + <usize>(i * EVENT);
}

// Hands event buffer i to the device.
function give(i: i32): void {
  q.buf(dev.bus(slot(i)), EVENT, true);
  q.add(i);
}

function deliver(type: u32, code: u32, value: i32): void {
  svc.call(type, code, value, 0);
  if (svc.err == ESTALE || svc.err == EREVOKED) {   // the input service restarted
    svc.h = capFind("input.event");
    svc.call(type, code, value, 0);
  }
}

function watch(type: u32, code: u32, value: i32): void {
  if (type != EV_KEY) return;
  const down = value != 0;
  if (code == KEY_LEFTALT) alt = down ? alt | 1 : alt & ~1;
  else if (code == KEY_RIGHTALT) alt = down ? alt | 2 : alt & ~2;
  else if (code == KEY_SYSRQ) sysrq = down;
  // A failed assert is an abort: athAbort prints it and traps.
  else assert(!(code == KEY_C && value == 1 && alt != 0 && sysrq), "Alt+SysRq+C, the fault drill");
}

export function _start(): void {
  let e = dev.open(window, dmaRoom);
  if (e >= 0 && (dev.virtioId != VIRTIO_ID_INPUT || dev.dmaBytes < 2 * PAGE)) e = EINVAL;
  if (e >= 0) e = dev.negotiate(0);
  if (e >= 0) e = dev.queue(0, q, 0, EVENTS);
  if (e < 0 || svc.h < 0) {
    put("vkbd: no usable input device input0, or no input.event (");
    putInt(e < 0 ? e : svc.h);
    put("); exiting");
    endLine();
    return;
  }
  for (let i = 0; i < q.size; i++) give(i);
  q.interrupts(true);
  dev.ready();
  dev.notify(0);
  println(drill ? "vkbd: input0 up (assemblyscript; drill: Alt+SysRq+C aborts)"
                : "vkbd: input0 up (assemblyscript)");
  // The device drops a batch of events when it finds too few buffers: each
  // goes back to it as soon as its event is copied out, before the (slower)
  // deliveries.
  for (;;) {
    let n = 0, given = 0;
    while (given < EVENTS) {
      const t = q.get();
      if (t < 0) break;
      if (q.len == EVENT) {
        memory.copy(got + <usize>(n * EVENT), slot(t), EVENT);
        n++;
      } else {
        bad++;
      }
      give(t);
      given++;
    }
    if (given > 0 && q.shouldNotify()) dev.notify(0);
    for (let i = 0; i < n; i++) {
      const p = got + <usize>(i * EVENT);
      const type = <u32>load<u16>(p), code = <u32>load<u16>(p, 2), value = load<i32>(p, 4);
      if (drill) watch(type, code, value);
      deliver(type, code, value);
    }
    events += n;
    if (given == 0) dev.wait(100 * MS);   // the ring is read on every wake-up
  }
}
