// virtio 1.x for AssemblyScript drivers (docs/languages.md, docs/devices.md):
// the two transports the ports offer (virtio-mmio version 2 on aarch64 and
// riscv64, modern virtio-pci on x86_64) behind one class, and split
// virtqueues. Written over the SDK's device host calls (mmio, irq, dma);
// the same model as the C library (sdk/include/virtio.h, virtq.h), which an
// AssemblyScript module cannot link.
//
// Everything is made once at start (`new VirtioDevice("input0")`, `new
// Virtq()` at top level): open, negotiate, queue and the hot path (add,
// get, notify, wait) allocate nothing. What the device writes is checked
// before use: a used entry naming a descriptor out of range or not in
// flight is counted in `bad` and skipped.
import { Mmio, Irq, Dma, Room, devInfo, uptimeNs, EINVAL, ENOENT, PAGE } from "./athanor";

export const VIRTIO_MMIO: u32 = 1;
export const VIRTIO_PCI: u32 = 3;
export const F_VERSION_1: u64 = <u64>1 << 32;

const S_ACK: u32 = 1, S_DRIVER: u32 = 2, S_DRIVER_OK: u32 = 4, S_FEATURES_OK: u32 = 8,
  S_FAILED: u32 = 128;

// virtio-mmio (version 2) registers.
const MM_DEV_FEAT = 0x010, MM_DEV_FEAT_SEL = 0x014, MM_DRV_FEAT = 0x020, MM_DRV_FEAT_SEL = 0x024,
  MM_QUEUE_SEL = 0x030, MM_QUEUE_NUM_MAX = 0x034, MM_QUEUE_NUM = 0x038, MM_QUEUE_READY = 0x044,
  MM_QUEUE_NOTIFY = 0x050, MM_INT_STATUS = 0x060, MM_INT_ACK = 0x064, MM_STATUS = 0x070,
  MM_DESC = 0x080, MM_AVAIL = 0x090, MM_USED = 0x0a0, MM_CONFIG = 0x100;
// virtio-pci common configuration (virtio 1.2, 4.1.4.3).
const PC_DEV_FEAT_SEL = 0, PC_DEV_FEAT = 4, PC_DRV_FEAT_SEL = 8, PC_DRV_FEAT = 12,
  PC_STATUS = 20, PC_QUEUE_SEL = 22, PC_QUEUE_SIZE = 24, PC_QUEUE_ENABLE = 28,
  PC_QUEUE_NOTIFY_OFF = 30, PC_QUEUE_DESC = 32, PC_QUEUE_AVAIL = 40, PC_QUEUE_USED = 48;

// What dev_info writes (ath_dev_info_t).
const infoArea = memory.data(40);

/** The most queues a device may use here. */
export const MAX_QUEUES = 8;

/** A virtio device: its NAME.mmio, NAME.irq and NAME.dma capabilities. */
export class VirtioDevice {
  mmio: Mmio;
  irq: Irq;
  dma: Dma;
  // dev_info (ath_dev_info_t): transport, virtio ID, irq, window size,
  // the virtio-pci structure offsets, notify_off_multiplier, first.
  transport: u32 = 0;
  virtioId: u32 = 0;
  size: u32 = 0;
  common: i32 = 0;
  notifyBase: u32 = 0;
  isr: i32 = 0;
  devcfg: i32 = 0;
  notifyMult: u32 = 0;
  /** The DMA pages: where they are in our memory, their bus address, size. */
  dmaAt: usize = 0;
  dmaBus: u64 = 0;
  dmaBytes: i32 = 0;
  /** The features negotiate agreed on. */
  features: u64 = 0;
  notifyOff: StaticArray<u16> = new StaticArray<u16>(MAX_QUEUES);

  constructor(name: string) {
    // At start (string concatenation allocates).
    this.mmio = new Mmio(name + ".mmio");
    this.irq = new Irq(name + ".irq");
    this.dma = new Dma(name + ".dma");
  }

  private pci(): bool { return this.transport == VIRTIO_PCI; }

  /** Maps the registers over window and the DMA pages over dmaRoom (both
   * Rooms made at start): 0, ENOENT (a capability not granted), EINVAL
   * (not a modern virtio device, a window or grant that does not fit). */
  open(window: Room, dmaRoom: Room): i32 {
    if (this.mmio.h < 0 || this.irq.h < 0 || this.dma.h < 0) return ENOENT;
    const w = infoArea;
    const n = devInfo(this.mmio.h, w, 40);
    if (n < 0) return n;
    if (n < 10) return EINVAL;
    this.transport = load<u32>(w);
    this.virtioId = load<u32>(w, 4);
    this.size = load<u32>(w, 12);
    this.common = <i32>load<u32>(w, 16);
    this.notifyBase = load<u32>(w, 20);
    this.isr = <i32>load<u32>(w, 24);
    this.devcfg = <i32>load<u32>(w, 28);
    this.notifyMult = load<u32>(w, 32);
    if ((this.transport != VIRTIO_MMIO && this.transport != VIRTIO_PCI) ||
        this.size == 0 || this.size > <u32>window.len)
      return EINVAL;
    const e = this.mmio.map(window.at, <i32>this.size);
    if (e < 0) return e;
    // The grant's size: the pages dma_addr answers for.
    let pages = 0;
    while ((pages + 1) * PAGE <= dmaRoom.len && this.dma.addr(pages) >= 0) pages++;
    if (pages == 0) return EINVAL;
    const m = this.dma.map(dmaRoom);
    if (m < 0) return m;
    this.dmaAt = dmaRoom.at;
    this.dmaBytes = pages * PAGE;
    this.dmaBus = <u64>this.dma.addr(0);
    return 0;
  }

  status(): u32 {
    return this.pci() ? <u32>this.mmio.read8(this.common + PC_STATUS) : this.mmio.read32(MM_STATUS);
  }

  private setStatus(s: u32): void {
    if (this.pci()) this.mmio.write8(this.common + PC_STATUS, <u8>s);
    else this.mmio.write32(MM_STATUS, s);
  }

  /** Status 0, waited for (at most about a second). */
  reset(): void {
    this.setStatus(0);
    const t0 = uptimeNs();  // a host call each round: the read is not hoisted
    while (this.status() != 0 && uptimeNs() - t0 < 1000000000) {}
  }

  private featRead(sel: u32): u32 {
    if (this.pci()) {
      this.mmio.write32(this.common + PC_DEV_FEAT_SEL, sel);
      return this.mmio.read32(this.common + PC_DEV_FEAT);
    }
    this.mmio.write32(MM_DEV_FEAT_SEL, sel);
    return this.mmio.read32(MM_DEV_FEAT);
  }

  private featWrite(sel: u32, f: u32): void {
    if (this.pci()) {
      this.mmio.write32(this.common + PC_DRV_FEAT_SEL, sel);
      this.mmio.write32(this.common + PC_DRV_FEAT, f);
    } else {
      this.mmio.write32(MM_DRV_FEAT_SEL, sel);
      this.mmio.write32(MM_DRV_FEAT, f);
    }
  }

  /** Reset, ACKNOWLEDGE, DRIVER, the features of want the device has
   * (VERSION_1 required), FEATURES_OK checked: 0 (agreed in .features) or
   * EINVAL. */
  negotiate(want: u64): i32 {
    this.reset();
    this.setStatus(S_ACK);
    this.setStatus(S_ACK | S_DRIVER);
    const have = <u64>this.featRead(0) | (<u64>this.featRead(1) << 32);
    const use = (want | F_VERSION_1) & have;
    if ((use & F_VERSION_1) == 0) {
      this.setStatus(S_FAILED);
      return EINVAL;
    }
    this.featWrite(0, <u32>use);
    this.featWrite(1, <u32>(use >> 32));
    this.setStatus(S_ACK | S_DRIVER | S_FEATURES_OK);
    if ((this.status() & S_FEATURES_OK) == 0) {
      this.setStatus(S_FAILED);
      return EINVAL;
    }
    this.features = use;
    return 0;
  }

  private write64(off: i32, v: u64): void {
    this.mmio.write32(off, <u32>v);
    this.mmio.write32(off + 4, <u32>(v >> 32));
  }

  /** Sets queue idx up over the DMA page at dmaOff (page aligned), at most
   * max entries (the device's limit may be lower): 0 or EINVAL. */
  queue(idx: i32, q: Virtq, dmaOff: i32, max: i32): i32 {
    if (idx < 0 || idx >= MAX_QUEUES || dmaOff < 0 || (dmaOff & (PAGE - 1)) != 0 ||
        dmaOff + PAGE > this.dmaBytes)
      return EINVAL;
    const c = this.common;
    let limit: u32;
    if (this.pci()) {
      this.mmio.write16(c + PC_QUEUE_SEL, <u16>idx);
      limit = this.mmio.read16(c + PC_QUEUE_SIZE);
    } else {
      this.mmio.write32(MM_QUEUE_SEL, idx);
      limit = this.mmio.read32(MM_QUEUE_NUM_MAX);
    }
    let size = 1;
    while (<u32>(size * 2) <= limit && size * 2 <= max && size * 2 <= VQ_MAX) size *= 2;
    if (limit == 0 || !q.init(this.dmaAt + dmaOff, this.dmaBus + dmaOff, size)) return EINVAL;
    if (this.pci()) {
      this.mmio.write16(c + PC_QUEUE_SIZE, <u16>size);
      this.write64(c + PC_QUEUE_DESC, q.bus);
      this.write64(c + PC_QUEUE_AVAIL, q.bus + AVAIL_OFF);
      this.write64(c + PC_QUEUE_USED, q.bus + USED_OFF);
      unchecked(this.notifyOff[idx] = this.mmio.read16(c + PC_QUEUE_NOTIFY_OFF));
      this.mmio.write16(c + PC_QUEUE_ENABLE, 1);
    } else {
      this.mmio.write32(MM_QUEUE_NUM, size);
      this.write64(MM_DESC, q.bus);
      this.write64(MM_AVAIL, q.bus + AVAIL_OFF);
      this.write64(MM_USED, q.bus + USED_OFF);
      this.mmio.write32(MM_QUEUE_READY, 1);
    }
    return 0;
  }

  /** DRIVER_OK: the device is live. */
  ready(): void {
    this.setStatus(S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
  }

  /** Tells the device queue idx has new buffers. */
  notify(idx: i32): void {
    if (!this.pci()) {
      this.mmio.write32(MM_QUEUE_NOTIFY, idx);
      return;
    }
    const off = this.notifyBase + <u32>unchecked(this.notifyOff[idx & (MAX_QUEUES - 1)]) * this.notifyMult;
    if (off + 2 <= this.size) this.mmio.write16(<i32>off, <u16>idx);
  }

  /** Waits up to ns for the interrupt, reads (so clears) the interrupt
   * status and acknowledges the line: the status bits (1 used ring, 2
   * configuration), 0 on timeout. */
  wait(ns: i64): i32 {
    const n = this.irq.wait(ns);
    let isr: u32;
    if (this.pci()) {
      isr = this.mmio.read8(this.isr);
    } else {
      isr = this.mmio.read32(MM_INT_STATUS);
      this.mmio.write32(MM_INT_ACK, isr);
    }
    if (n > 0) this.irq.ack();
    return <i32>(isr & 3);
  }

  /** Device-specific configuration, a 32-bit word at off. */
  config32(off: i32): u32 {
    return this.mmio.read32((this.pci() ? this.devcfg : MM_CONFIG) + off);
  }

  /** The bus address of p, a place in the DMA pages. */
  bus(p: usize): u64 {
    assert(p >= this.dmaAt && p < this.dmaAt + <usize>this.dmaBytes);
    return this.dmaBus + <u64>(p - this.dmaAt);
  }
}

// ------------------------------------------------------------ split virtqueues

/** Queue size limit: the rings fit one 4 KiB page. */
export const VQ_MAX = 64;
const AVAIL_OFF = 1024, USED_OFF = 2048;
const F_NEXT: u16 = 1, F_WRITE: u16 = 2, AVAIL_F_NO_INTERRUPT: u16 = 1, USED_F_NO_NOTIFY: u16 = 1;

/** A split virtqueue on one DMA page: descriptors at 0, the driver's ring
 * at 1024, the device's at 2048. Its links are kept here, in memory the
 * device cannot write. */
export class Virtq {
  size: i32 = 0;
  at: usize = 0;
  bus: u64 = 0;
  freeHead: i32 = 0;
  nfree: i32 = 0;
  availIdx: u16 = 0;
  lastUsed: u16 = 0;
  /** Used entries the device got wrong (ignored). */
  bad: u32 = 0;
  /** The bytes the device wrote into the chain get() returned. */
  len: u32 = 0;
  next: StaticArray<u16> = new StaticArray<u16>(VQ_MAX);
  chain: StaticArray<u16> = new StaticArray<u16>(VQ_MAX);
  token: StaticArray<i32> = new StaticArray<i32>(VQ_MAX);
  // The chain add() queues: pushed with buf().
  private addrs: StaticArray<u64> = new StaticArray<u64>(VQ_MAX);
  private lens: StaticArray<u32> = new StaticArray<u32>(VQ_MAX);
  private writes: StaticArray<bool> = new StaticArray<bool>(VQ_MAX);
  private n: i32 = 0;

  /** Lays the queue over the page at `at` (bus address bus), size a power
   * of two up to VQ_MAX; the page is cleared. */
  init(at: usize, bus: u64, size: i32): bool {
    if (size <= 0 || size > VQ_MAX || (size & (size - 1)) != 0) return false;
    memory.fill(at, 0, PAGE);
    this.at = at;
    this.bus = bus;
    this.size = size;
    this.freeHead = 0;
    this.nfree = size;
    this.availIdx = 0;
    this.lastUsed = 0;
    this.bad = 0;
    this.n = 0;
    for (let i = 0; i < size; i++) {
      unchecked(this.next[i] = <u16>(i + 1));
      unchecked(this.chain[i] = 0);
      unchecked(this.token[i] = 0);
    }
    return true;
  }

  /** Adds a buffer to the chain the next add() queues: bus address, length,
   * whether the device writes it (else reads it). */
  buf(addr: u64, len: u32, write: bool): void {
    assert(this.n < VQ_MAX);
    unchecked(this.addrs[this.n] = addr);
    unchecked(this.lens[this.n] = len);
    unchecked(this.writes[this.n] = write);
    this.n++;
  }

  /** Queues the chain made with buf() with token (any i32, given back by
   * get()): its head descriptor, or -1 when too few are free. The caller
   * then notifies the device if shouldNotify(). */
  add(token: i32): i32 {
    const n = this.n;
    this.n = 0;
    if (n <= 0 || n > this.nfree) return -1;
    const head = this.freeHead;
    let d = head;
    for (let i = 0; i < n; i++) {
      const p = this.at + <usize>(d * 16);
      store<u64>(p, unchecked(this.addrs[i]));
      store<u32>(p, unchecked(this.lens[i]), 8);
      const more = i + 1 < n;
      store<u16>(p, (unchecked(this.writes[i]) ? F_WRITE : 0) | (more ? F_NEXT : 0), 12);
      store<u16>(p, more ? unchecked(this.next[d]) : 0, 14);
      if (more) d = unchecked(this.next[d]);
    }
    this.freeHead = unchecked(this.next[d]);
    this.nfree -= n;
    unchecked(this.chain[head] = <u16>n);
    unchecked(this.token[head] = token);
    const avail = this.at + AVAIL_OFF;
    store<u16>(avail + 4 + <usize>((this.availIdx & <u16>(this.size - 1)) * 2), <u16>head);
    this.availIdx++;
    store<u16>(avail, this.availIdx, 2);   // after the entry it publishes
    return head;
  }

  shouldNotify(): bool {
    return (load<u16>(this.at + USED_OFF) & USED_F_NO_NOTIFY) == 0;
  }

  /** The next chain the device finished: its token (the bytes it wrote in
   * .len), its descriptors free again; -1 when none is waiting. */
  get(): i32 {
    const used = this.at + USED_OFF;
    for (;;) {
      const idx = load<u16>(used, 2);
      if (this.lastUsed == idx) return -1;
      const e = used + 4 + <usize>((this.lastUsed & <u16>(this.size - 1)) * 8);
      const id = load<u32>(e);
      const n = load<u32>(e, 4);
      this.lastUsed++;
      if (id >= <u32>this.size || unchecked(this.chain[id]) == 0) {
        this.bad++;          // not a chain in flight: ignore it
        continue;
      }
      let d = <i32>id;
      const c = <i32>unchecked(this.chain[id]);
      for (let i = 1; i < c; i++) d = unchecked(this.next[d]);
      unchecked(this.next[d] = <u16>this.freeHead);
      this.freeHead = <i32>id;
      this.nfree += c;
      unchecked(this.chain[id] = 0);
      this.len = n;
      return unchecked(this.token[id]);
    }
  }

  /** Interrupts on completion wanted (on) or not (polling). */
  interrupts(on: bool): void {
    store<u16>(this.at + AVAIL_OFF, on ? 0 : AVAIL_F_NO_INTERRUPT);
  }

  inFlight(): i32 {
    let k = 0;
    for (let i = 0; i < this.size; i++) if (unchecked(this.chain[i]) != 0) k++;
    return k;
  }
}
