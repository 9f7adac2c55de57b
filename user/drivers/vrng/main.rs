//! A virtio-rng driver in Rust (sdk/rust and its virtio bindings): drives
//! the entropy device its manifest ARG names (rng1 in the manifests; rng0
//! without an ARG; virtio ID 4) on virtio-mmio or virtio-pci and serves
//!
//!   vrng.read (len, _, _, buf) -> len: len (1 .. 4096) bytes from the
//!                                 device into the buffer lent writable
//!                                 (EINVAL bad len, ERIGHTS read-only lend,
//!                                 ETYPE when a3 is not a buffer, ESTOPPED
//!                                 before the device is up, ETIMEDOUT when
//!                                 it does not answer)
//!
//! Capabilities (manifest, nothing else): DEV.mmio, DEV.irq, DEV.dma
//! (2 pages). DMA page 0 holds the queue, page 1 the bytes the device
//! writes. One request at a time: the domain is not reentrant.
#![no_std]
#![no_main]

use athanor::virtio::{Buf, Device, Queue, F_VERSION_1, PCI};
use athanor::{println, Error, Lent, Pages, Room, PAGE};

const MS: i64 = 1_000_000;
const ENTROPY: u32 = 4;

static mut DEV: Device = Device::new();
static mut Q: Queue = Queue::new();
static mut WINDOW: Pages<4> = Pages::new();
static mut DMA: Pages<2> = Pages::new();
static mut ROOM: Option<Room> = None;
static mut UP: bool = false;

/// The device's name: the first manifest ARG, else rng0.
fn device_name(buf: &mut [u8; 16]) -> &str {
    let a = athanor::args(buf);
    let n = a.iter().position(|&c| c == b' ').unwrap_or(a.len());
    match core::str::from_utf8(&a[..n]) {
        Ok(s) if !s.is_empty() => s,
        _ => "rng0",
    }
}

fn start(name: &str) -> Result<(), Error> {
    let (dev, q) = unsafe { (&mut DEV, &mut Q) };
    dev.open(name, unsafe { &mut WINDOW }, unsafe { &mut DMA })?;
    if dev.virtio_id() != ENTROPY || (dev.dma_bytes() as usize) < 2 * PAGE {
        println!("vrng: {} is not an entropy device, or too little DMA memory", name);
        return Err(Error::EINVAL);
    }
    dev.negotiate(F_VERSION_1)?;
    dev.queue(0, q, 0, 8)?;
    q.interrupts(true);
    dev.ready();
    unsafe { ROOM = Some(Room::new(1)?) };
    Ok(())
}

/// One request: up to len bytes into DMA page 1; the bytes the device wrote.
fn fetch(len: u32) -> Result<u32, Error> {
    let (dev, q) = unsafe { (&mut DEV, &mut Q) };
    let data = unsafe { DMA.0[1].as_ptr() };
    let b = [Buf { addr: dev.bus(data), len, write: true }];
    if q.add(&b, 1) < 0 {
        return Err(Error::EBUSY);
    }
    if q.should_notify() {
        dev.notify(0);
    }
    // The interrupt, or a 100 ms timeout as a backstop: the used ring is
    // read on every wake-up; about 5 s in all.
    for _ in 0..50 {
        if let Some((1, n)) = q.get() {
            return Ok(n.min(len));
        }
        dev.wait(100 * MS);
    }
    Err(Error::ETIMEDOUT)
}

#[no_mangle]
pub extern "C" fn read(len: i64, _: i64, _: i64, a3: i64) -> i64 {
    if unsafe { !UP } {
        return Error::ESTOPPED.0 as i64;
    }
    if !(1..=PAGE as i64).contains(&len) {
        return Error::EINVAL.0 as i64;
    }
    let mut lent = match Lent::from_arg(a3) {
        Ok(l) => l,
        Err(e) => return e.0 as i64,
    };
    if !lent.writable() {
        return Error::ERIGHTS.0 as i64;
    }
    let mut got = 0usize;
    let want = len as usize;
    let mut m = match lent.map(unsafe { ROOM.as_mut().unwrap() }) {
        Ok(m) => m,
        Err(e) => return e.0 as i64,
    };
    // The device may give fewer bytes than asked: ask again for the rest.
    while got < want {
        match fetch((want - got) as u32) {
            Ok(n) => {
                let src = unsafe { &DMA.0[1][..n as usize] };
                m[got..got + n as usize].copy_from_slice(src);
                got += n as usize;
            }
            Err(e) => return e.0 as i64,
        }
    }
    len
}

#[no_mangle]
pub extern "C" fn _start() {
    let mut buf = [0u8; 16];
    let name = device_name(&mut buf);
    match start(name) {
        Ok(()) => {
            let dev = unsafe { &DEV };
            println!("vrng (rust): {}: virtio entropy device, {}, irq {}, DMA at {:#x}", name,
                     if dev.transport() == PCI { "virtio-pci" } else { "virtio-mmio" },
                     dev.irq(), dev.dma_bus());
            unsafe { UP = true };
        }
        Err(e) => println!("vrng (rust): no usable entropy device {} ({}); exiting", name, e),
    }
}
