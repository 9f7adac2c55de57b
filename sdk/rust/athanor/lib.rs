//! The Athanor Rust SDK for domains (docs/languages.md): safe wrappers over
//! the `athanor` host calls (docs/hostcalls.md) for `no_std` modules built
//! with Debian's rustc for wasm32-unknown-unknown. No crate from a registry.
//!
//! Ownership is in the types:
//! - every capability is an owned handle ([`Cap`] and the typed wrappers
//!   around it) that is dropped from the domain's table when it goes out of
//!   scope, unless given away with `into_raw`;
//! - a buffer ([`Buffer`]) is *moved* by value ([`Channel::send_buffer`]
//!   takes it), *lent shared* (read-only) with `&Buffer`
//!   ([`Endpoint::call_lend_read`]) and *lent exclusive* (writable) with
//!   `&mut Buffer` ([`Endpoint::call_lend_write`]); a mapping
//!   ([`Mapping`]) borrows the buffer mutably, so a mapped buffer can be
//!   neither lent nor moved until the mapping is dropped (unmapped);
//! - device registers ([`Regs`]) borrow the page they are mapped over.
//!
//! A panic prints its message and traps (`unreachable`): the kernel faults
//! this domain only, and its restart policy applies (docs/faults.md).
#![no_std]

use core::fmt;

/// The raw imports of the `athanor` module, as the kernel defines them.
pub mod raw {
    #[link(wasm_import_module = "athanor")]
    extern "C" {
        pub fn debug_print(p: *const u8, len: i32);
        pub fn arch(p: *mut u8, cap: i32) -> i32;
        pub fn args(p: *mut u8, cap: i32) -> i32;
        pub fn uptime_ns() -> i64;
        pub fn cap_find(name: *const u8, len: i32) -> i32;
        pub fn cap_info(h: i32) -> i64;
        pub fn cap_dup(h: i32, rights: i32) -> i32;
        pub fn cap_lease(h: i32, rights: i32, duration_ns: i64) -> i32;
        pub fn cap_drop(h: i32) -> i32;
        pub fn cap_revoke(h: i32) -> i32;
        pub fn call(ep: i32, a0: i64, a1: i64, a2: i64, a3: i64, out: *mut i64) -> i32;
        pub fn call_timeout(ep: i32, a0: i64, a1: i64, a2: i64, a3: i64, out: *mut i64,
                            timeout_ns: i64) -> i32;
        pub fn call_lend(ep: i32, buf: i32, rights: i32, a0: i64, a1: i64, a2: i64,
                         out: *mut i64) -> i32;
        pub fn call_badge() -> i64;
        pub fn send(ch: i32, p: *const u8, len: i32, cap: i32) -> i32;
        pub fn recv(ch: i32, p: *mut u8, cap: i32, got: *mut i32, timeout_ns: i64) -> i32;
        pub fn notify(ch: i32) -> i32;
        pub fn wait(ch: i32, timeout_ns: i64) -> i64;
        pub fn buf_new(pages: i32) -> i32;
        pub fn buf_map(buf: i32, offset: i32) -> i32;
        pub fn buf_unmap(buf: i32) -> i32;
        pub fn heartbeat() -> i32;
        pub fn irq_wait(irq: i32, timeout_ns: i64) -> i32;
        pub fn irq_ack(irq: i32) -> i32;
        pub fn mmio_map(mmio: i32, offset: i32) -> i32;
        pub fn mmio_unmap(mmio: i32) -> i32;
        pub fn io_in(io: i32, off: i32, size: i32) -> i64;
        pub fn io_out(io: i32, off: i32, size: i32, v: i32) -> i32;
        pub fn dev_info(mmio: i32, p: *mut u32, len: i32) -> i32;
        pub fn dma_map(dma: i32, offset: i32) -> i32;
        pub fn dma_unmap(dma: i32) -> i32;
        pub fn dma_addr(dma: i32, page: i32) -> i64;
        pub fn buf_dma(buf: i32, dma: i32, page: i32, dev_writes: i32) -> i64;
        pub fn buf_undma(buf: i32) -> i32;
        pub fn console_attach(irq: i32) -> i32;
        pub fn console_read(p: *mut u8, cap: i32) -> i32;
        pub fn console_input(p: *const u8, len: i32) -> i32;
    }
}

// ------------------------------------------------------------ errors

/// A host call's failure: the negative code of docs/hostcalls.md.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Error(pub i32);

impl Error {
    pub const EINVAL: Error = Error(-1);
    pub const ESTALE: Error = Error(-2);
    pub const EREVOKED: Error = Error(-3);
    pub const EEXPIRED: Error = Error(-4);
    pub const ETYPE: Error = Error(-5);
    pub const ERIGHTS: Error = Error(-6);
    pub const ENOSPACE: Error = Error(-7);
    pub const ENOMEM: Error = Error(-8);
    pub const ENOENT: Error = Error(-9);
    pub const EFAULT: Error = Error(-11);
    pub const ETRAP: Error = Error(-12);
    pub const ESTOPPED: Error = Error(-13);
    pub const EBUSY: Error = Error(-14);
    pub const ETIMEDOUT: Error = Error(-15);
    pub const EFULL: Error = Error(-16);
    pub const EEMPTY: Error = Error(-17);
    pub const EMSGSIZE: Error = Error(-18);
    pub const ELENT: Error = Error(-19);
    pub const EMAPPED: Error = Error(-20);
    pub const ELIMIT: Error = Error(-21);

    /// What the code means, in words.
    pub fn as_str(self) -> &'static str {
        const S: [&str; 22] = [
            "ok", "invalid argument", "stale handle", "revoked", "lease expired",
            "wrong type", "missing right", "table full", "out of memory", "no such entry",
            "busy", "bad pointer", "server trapped", "server stopped", "server busy",
            "timed out", "queue full", "queue empty", "message too long",
            "buffer lent or borrowed", "bad map place", "domain limit reached",
        ];
        if self.0 <= 0 && self.0 >= -21 { S[(-self.0) as usize] } else { "unknown error" }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub type Result<T> = core::result::Result<T, Error>;

fn check(r: i32) -> Result<i32> {
    if r < 0 { Err(Error(r)) } else { Ok(r) }
}

fn check64(r: i64) -> Result<i64> {
    if r < 0 { Err(Error(r as i32)) } else { Ok(r) }
}

/// Rights (CAP_R_*).
pub mod rights {
    pub const READ: u32 = 1 << 0;
    pub const WRITE: u32 = 1 << 1;
    pub const MAP: u32 = 1 << 2;
    pub const CALL: u32 = 1 << 3;
    pub const SEND: u32 = 1 << 4;
    pub const RECV: u32 = 1 << 5;
    pub const DERIVE: u32 = 1 << 6;
    pub const TRANSFER: u32 = 1 << 7;
    pub const REVOKE: u32 = 1 << 8;
    pub const CONTROL: u32 = 1 << 9;
    /// cap_dup: the same rights.
    pub const SAME: u32 = 0xffff_ffff;
}

/// Timeouts are nanoseconds; FOREVER waits without end, 0 does not wait.
pub const FOREVER: i64 = -1;
pub const MSG_MAX: usize = 64;
pub const PAGE: usize = 4096;

// ------------------------------------------------------------ console, clock

/// Bytes to the console.
pub fn print_bytes(b: &[u8]) {
    unsafe { raw::debug_print(b.as_ptr(), b.len() as i32) }
}

pub fn print(s: &str) {
    print_bytes(s.as_bytes())
}

/// A line assembled on the stack (no allocation), written out whole:
/// `write!`/`writeln!` target for the [`println!`] macro.
pub struct Line {
    buf: [u8; 160],
    len: usize,
}

impl Line {
    pub const fn new() -> Line {
        Line { buf: [0; 160], len: 0 }
    }
    pub fn flush(&mut self) {
        print_bytes(&self.buf[..self.len]);
        self.len = 0;
    }
}

impl fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.len > 0 {
            self.flush();
        }
    }
}

/// `println!("x = {}", x)`: one console line, formatted on the stack.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let mut l = $crate::Line::new();
        let _ = writeln!(l, $($arg)*);
    }};
}

/// The kernel clock, nanoseconds since boot.
pub fn uptime_ns() -> u64 {
    unsafe { raw::uptime_ns() as u64 }
}

/// The ISA name ("x86_64", ...) into buf; the part written.
pub fn arch(buf: &mut [u8]) -> &str {
    let n = unsafe { raw::arch(buf.as_mut_ptr(), buf.len() as i32) };
    let n = if n < 0 { 0 } else { (n as usize).min(buf.len()) };
    core::str::from_utf8(&buf[..n]).unwrap_or("?")
}

/// This domain's manifest ARGs into buf; the part written.
pub fn args(buf: &mut [u8]) -> &[u8] {
    let n = unsafe { raw::args(buf.as_mut_ptr(), buf.len() as i32) };
    let n = if n < 0 { 0 } else { (n as usize).min(buf.len()) };
    &buf[..n]
}

/// Tells the supervisor this domain is alive (`heartbeat=MS` domains).
pub fn heartbeat() -> Result<()> {
    check(unsafe { raw::heartbeat() }).map(|_| ())
}

// ------------------------------------------------------------ capabilities

/// An owned capability handle: dropped from this domain's table (with what
/// was derived from it) when it goes out of scope.
#[derive(Debug)]
pub struct Cap {
    h: i32,
}

impl Cap {
    /// The capability the manifest granted under `name`.
    pub fn find(name: &str) -> Result<Cap> {
        check(unsafe { raw::cap_find(name.as_ptr(), name.len() as i32) }).map(|h| Cap { h })
    }
    /// Takes ownership of a raw handle (one this domain holds, e.g. received).
    /// # Safety
    /// Nothing else may own `h`: it is dropped with the Cap.
    pub unsafe fn from_raw(h: i32) -> Cap {
        Cap { h }
    }
    pub fn raw(&self) -> i32 {
        self.h
    }
    /// Gives the handle up without dropping it.
    pub fn into_raw(self) -> i32 {
        let h = self.h;
        core::mem::forget(self);
        h
    }
    /// (object type, rights).
    pub fn info(&self) -> Result<(u32, u32)> {
        let v = check64(unsafe { raw::cap_info(self.h) })?;
        Ok(((v >> 32) as u32, v as u32))
    }
    /// A new handle derived from this one with a subset of its rights.
    pub fn dup(&self, rights: u32) -> Result<Cap> {
        check(unsafe { raw::cap_dup(self.h, rights as i32) }).map(|h| Cap { h })
    }
    /// A lease: derived, revoked by the kernel `duration_ns` from now.
    pub fn lease(&self, rights: u32, duration_ns: i64) -> Result<Cap> {
        check(unsafe { raw::cap_lease(self.h, rights as i32, duration_ns) }).map(|h| Cap { h })
    }
    /// Deletes what was derived from this handle.
    pub fn revoke(&self) -> Result<()> {
        check(unsafe { raw::cap_revoke(self.h) }).map(|_| ())
    }
}

impl Drop for Cap {
    fn drop(&mut self) {
        unsafe { raw::cap_drop(self.h) };
    }
}

macro_rules! typed_cap {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug)]
        pub struct $name(pub Cap);
        impl $name {
            /// The capability of this kind the manifest granted under `name`.
            pub fn find(name: &str) -> Result<$name> {
                Cap::find(name).map($name)
            }
            pub fn cap(&self) -> &Cap {
                &self.0
            }
        }
    };
}

typed_cap!(
    /// An endpoint: calls run the server's handler on this thread.
    Endpoint
);
typed_cap!(
    /// A channel: messages of at most 64 bytes (carrying one capability
    /// each, moved), and a signal count.
    Channel
);
typed_cap!(
    /// An interrupt line (docs/drivers.md).
    Irq
);
typed_cap!(
    /// A device's register window, to map into this domain's memory.
    Mmio
);
typed_cap!(
    /// A range of x86 I/O ports.
    IoPort
);
typed_cap!(
    /// A device's DMA memory: physically contiguous pages the kernel
    /// allocated at the grant (docs/devices.md).
    Dma
);

// ------------------------------------------------------------ calls

impl Endpoint {
    /// Runs the handler with four arguments; its result.
    pub fn call(&self, a0: i64, a1: i64, a2: i64, a3: i64) -> Result<i64> {
        let mut out = 0i64;
        check(unsafe { raw::call(self.0.h, a0, a1, a2, a3, &mut out) })?;
        Ok(out)
    }
    /// The same, waiting at most `timeout_ns` for a busy server.
    pub fn call_timeout(&self, a: [i64; 4], timeout_ns: i64) -> Result<i64> {
        let mut out = 0i64;
        check(unsafe { raw::call_timeout(self.0.h, a[0], a[1], a[2], a[3], &mut out, timeout_ns) })?;
        Ok(out)
    }
    /// A call lending `buf` read-only (shared): the handler gets it as a3
    /// ([`Lent`]); while the call runs nobody can write it.
    pub fn call_lend_read(&self, buf: &Buffer, a0: i64, a1: i64, a2: i64) -> Result<i64> {
        let mut out = 0i64;
        check(unsafe { raw::call_lend(self.0.h, buf.0.h, rights::READ as i32, a0, a1, a2, &mut out) })?;
        Ok(out)
    }
    /// A call lending `buf` writable (exclusive): `&mut` proves no mapping
    /// or other lend of it is alive here.
    pub fn call_lend_write(&self, buf: &mut Buffer, a0: i64, a1: i64, a2: i64) -> Result<i64> {
        let mut out = 0i64;
        let r = (rights::READ | rights::WRITE) as i32;
        check(unsafe { raw::call_lend(self.0.h, buf.0.h, r, a0, a1, a2, &mut out) })?;
        Ok(out)
    }
}

impl Channel {
    /// Queues msg (at most 64 bytes).
    pub fn send(&self, msg: &[u8]) -> Result<()> {
        check(unsafe { raw::send(self.0.h, msg.as_ptr(), msg.len() as i32, 0) }).map(|_| ())
    }
    /// Queues msg moving cap with it; on failure the capability comes back.
    pub fn send_cap(&self, msg: &[u8], cap: Cap) -> core::result::Result<(), (Error, Cap)> {
        let r = unsafe { raw::send(self.0.h, msg.as_ptr(), msg.len() as i32, cap.h) };
        if r < 0 {
            return Err((Error(r), cap));
        }
        core::mem::forget(cap);
        Ok(())
    }
    /// Moves a buffer to the receiver: it is no longer ours (unless the
    /// send fails, then it comes back).
    pub fn send_buffer(&self, msg: &[u8], buf: Buffer) -> core::result::Result<(), (Error, Buffer)> {
        self.send_cap(msg, buf.0).map_err(|(e, c)| (e, Buffer(c)))
    }
    /// The oldest message into buf: its length and the capability it
    /// carried (owned now), waiting at most timeout_ns.
    pub fn recv(&self, buf: &mut [u8], timeout_ns: i64) -> Result<(usize, Option<Cap>)> {
        let mut got = 0i32;
        let n = check(unsafe {
            raw::recv(self.0.h, buf.as_mut_ptr(), buf.len() as i32, &mut got, timeout_ns)
        })?;
        Ok((n as usize, if got > 0 { Some(Cap { h: got }) } else { None }))
    }
    /// Signal count + 1.
    pub fn notify(&self) -> Result<()> {
        check(unsafe { raw::notify(self.0.h) }).map(|_| ())
    }
    /// The signal count (reset to 0); 0 on timeout.
    pub fn wait(&self, timeout_ns: i64) -> Result<u64> {
        check64(unsafe { raw::wait(self.0.h, timeout_ns) }).map(|v| v as u64)
    }
}

// ------------------------------------------------------------ buffers

/// Page-aligned room in this domain's memory for one device window:
/// `static mut PAGE: Pages<1> = Pages::new();`.
#[repr(C, align(4096))]
pub struct Pages<const N: usize>(pub [[u8; PAGE]; N]);

impl<const N: usize> Pages<N> {
    pub const fn new() -> Self {
        Pages([[0; PAGE]; N])
    }
}

/// Room for buffer mappings at the end of linear memory, grown for it
/// (`memory.grow`). A mapping covers as many pages as the buffer has, so
/// room anywhere else would let a larger buffer than expected cover this
/// domain's own data; at the end of memory a buffer larger than the room
/// does not fit and buf_map fails (EMAPPED). Grow no memory after making
/// a Room.
pub struct Room {
    at: usize,
    len: usize,
}

impl Room {
    /// `wasm_pages` of 64 KiB (16 buffer pages each) at the end of memory.
    pub fn new(wasm_pages: usize) -> Result<Room> {
        let old = core::arch::wasm32::memory_grow(0, wasm_pages);
        if old == usize::MAX {
            return Err(Error::ENOMEM);
        }
        Ok(Room { at: old * 65536, len: wasm_pages * 65536 })
    }
    pub fn len(&self) -> usize {
        self.len
    }
}

fn map_at<'a>(h: i32, room: &'a mut Room) -> Result<Mapping<'a>> {
    check(unsafe { raw::buf_map(h, room.at as i32) })?;
    let bytes = unsafe { core::slice::from_raw_parts_mut(room.at as *mut u8, room.len) };
    Ok(Mapping { h, bytes })
}

/// A buffer of pages (an owned capability).
#[derive(Debug)]
pub struct Buffer(pub Cap);

impl Buffer {
    /// A new buffer of `pages` zeroed pages, all rights.
    pub fn new(pages: u32) -> Result<Buffer> {
        check(unsafe { raw::buf_new(pages as i32) }).map(|h| Buffer(Cap { h }))
    }
    pub fn find(name: &str) -> Result<Buffer> {
        Cap::find(name).map(Buffer)
    }
    /// Maps the buffer at the start of `room` (EMAPPED when larger) and
    /// gives the room's bytes, the buffer's first; the mapping lives as
    /// long as both borrows.
    pub fn map<'a>(&'a mut self, room: &'a mut Room) -> Result<Mapping<'a>> {
        map_at(self.0.h, room)
    }
}

/// A buffer mapped into this domain's memory; unmapped on drop (the pages
/// it covered come back).
pub struct Mapping<'a> {
    h: i32,
    bytes: &'a mut [u8],
}

impl<'a> core::ops::Deref for Mapping<'a> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.bytes
    }
}

impl<'a> core::ops::DerefMut for Mapping<'a> {
    fn deref_mut(&mut self) -> &mut [u8] {
        self.bytes
    }
}

impl<'a> Drop for Mapping<'a> {
    fn drop(&mut self) {
        unsafe { raw::buf_unmap(self.h) };
    }
}

/// Object types (cap_info's high half).
pub const TYPE_BUFFER: u32 = 3;

/// A buffer lent to this server for the length of one call (the handler's
/// a3). Not owned: the kernel takes it back when the call returns.
pub struct Lent {
    h: i32,
    rights: u32,
}

impl Lent {
    /// The handler's a3 as a lent buffer. A plain call (not call_lend) can
    /// put any number there, so it is checked: a handle of a buffer in this
    /// domain's table, else ETYPE (or the cap_info error).
    pub fn from_arg(a3: i64) -> Result<Lent> {
        let h = a3 as i32;
        if h as i64 != a3 {
            return Err(Error::ESTALE);
        }
        let v = check64(unsafe { raw::cap_info(h) })?;
        if (v >> 32) as u32 != TYPE_BUFFER {
            return Err(Error::ETYPE);
        }
        Ok(Lent { h, rights: v as u32 })
    }
    /// Whether it was lent writable.
    pub fn writable(&self) -> bool {
        self.rights & rights::WRITE != 0
    }
    /// Maps it at the start of `room` for the rest of the call.
    pub fn map<'a>(&'a mut self, room: &'a mut Room) -> Result<Mapping<'a>> {
        map_at(self.h, room)
    }
}

// ------------------------------------------------------------ devices

impl Irq {
    /// Waits for the line: the number of interrupts since the last wait
    /// (0 on timeout). The line stays masked until [`Irq::ack`].
    pub fn wait(&self, timeout_ns: i64) -> Result<u32> {
        check(unsafe { raw::irq_wait(self.0.h, timeout_ns) }).map(|n| n as u32)
    }
    pub fn ack(&self) -> Result<()> {
        check(unsafe { raw::irq_ack(self.0.h) }).map(|_| ())
    }
}

impl Mmio {
    /// Maps the device's registers over `page`; the registers start at the
    /// returned window's offset 0.
    pub fn map<'a>(&'a mut self, page: &'a mut Pages<1>) -> Result<Regs<'a>> {
        let at = page.0.as_mut_ptr() as *mut u8;
        let off = check(unsafe { raw::mmio_map(self.0.h, at as i32) })? as usize;
        Ok(Regs { h: self.0.h, base: unsafe { at.add(off) }, len: PAGE - off.min(PAGE),
                  _page: core::marker::PhantomData })
    }
}

/// Device registers mapped into this domain's memory: volatile accesses,
/// bounds-checked (an offset past the window panics). Unmapped on drop.
pub struct Regs<'a> {
    h: i32,
    base: *mut u8,
    len: usize,
    _page: core::marker::PhantomData<&'a mut Pages<1>>,
}

impl<'a> Regs<'a> {
    pub fn read8(&self, off: usize) -> u8 {
        assert!(off < self.len);
        unsafe { core::ptr::read_volatile(self.base.add(off)) }
    }
    pub fn write8(&mut self, off: usize, v: u8) {
        assert!(off < self.len);
        unsafe { core::ptr::write_volatile(self.base.add(off), v) }
    }
    pub fn read32(&self, off: usize) -> u32 {
        assert!(off % 4 == 0 && off + 4 <= self.len);
        unsafe { core::ptr::read_volatile(self.base.add(off) as *const u32) }
    }
    pub fn write32(&mut self, off: usize, v: u32) {
        assert!(off % 4 == 0 && off + 4 <= self.len);
        unsafe { core::ptr::write_volatile(self.base.add(off) as *mut u32, v) }
    }
}

impl<'a> Drop for Regs<'a> {
    fn drop(&mut self) {
        unsafe { raw::mmio_unmap(self.h) };
    }
}

impl Mmio {
    /// How to drive the device behind a registry mmio capability
    /// (dev_info, docs/devices.md): the words written into `out`.
    pub fn info(&self, out: &mut [u32]) -> Result<usize> {
        check(unsafe { raw::dev_info(self.0.h, out.as_mut_ptr(), (out.len() * 4) as i32) })
            .map(|n| n as usize)
    }
}

impl Dma {
    /// Maps the DMA pages at the start of `room` (EMAPPED when they do not
    /// fit); unmapped on drop, and the kernel resets the device first.
    pub fn map<'a>(&'a mut self, room: &'a mut Room) -> Result<DmaMap<'a>> {
        check(unsafe { raw::dma_map(self.0.h, room.at as i32) })?;
        let bytes = unsafe { core::slice::from_raw_parts_mut(room.at as *mut u8, room.len) };
        Ok(DmaMap { h: self.0.h, bytes })
    }
    /// The bus address of page `page` (what the device is given).
    pub fn addr(&self, page: u32) -> Result<u64> {
        check64(unsafe { raw::dma_addr(self.0.h, page as i32) }).map(|a| a as u64)
    }
}

/// DMA memory mapped into this domain; unmapped (the device quiesced by
/// the kernel first) on drop.
pub struct DmaMap<'a> {
    h: i32,
    bytes: &'a mut [u8],
}

impl<'a> core::ops::Deref for DmaMap<'a> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.bytes
    }
}

impl<'a> core::ops::DerefMut for DmaMap<'a> {
    fn deref_mut(&mut self) -> &mut [u8] {
        self.bytes
    }
}

impl<'a> Drop for DmaMap<'a> {
    fn drop(&mut self) {
        unsafe { raw::dma_unmap(self.h) };
    }
}

impl IoPort {
    /// Reads `size` (1, 2, 4) bytes at port offset `off`.
    pub fn read(&self, off: u32, size: u32) -> Result<u32> {
        check64(unsafe { raw::io_in(self.0.h, off as i32, size as i32) }).map(|v| v as u32)
    }
    pub fn write(&self, off: u32, size: u32, v: u32) -> Result<()> {
        check(unsafe { raw::io_out(self.0.h, off as i32, size as i32, v as i32) }).map(|_| ())
    }
}

/// The console hand-off, for the console driver (docs/drivers.md).
pub mod console {
    use super::*;
    /// Takes the console, its interrupt being `irq`.
    pub fn attach(irq: &Irq) -> Result<()> {
        check(unsafe { raw::console_attach(irq.0.h) }).map(|_| ())
    }
    /// What the kernel queued for output; the bytes read.
    pub fn read(buf: &mut [u8]) -> Result<usize> {
        check(unsafe { raw::console_read(buf.as_mut_ptr(), buf.len() as i32) }).map(|n| n as usize)
    }
    /// A typed line handed to the kernel.
    pub fn input(line: &[u8]) -> Result<()> {
        check(unsafe { raw::console_input(line.as_ptr(), line.len() as i32) }).map(|_| ())
    }
}

// ------------------------------------------------------------ virtio

/// The C SDK's virtio library (sdk/include/virtio.h, virtq.h, docs/devices.md)
/// behind a Rust interface: both transports (virtio-mmio, virtio-pci), feature
/// negotiation, split virtqueues on DMA pages. The C code is linked into this
/// crate (libathrs.a: the C SDK and sdk/rust/glue.c); its structures are
/// opaque storage here, their sizes checked against the C ones before use.
pub mod virtio {
    use super::*;

    /// Feature bit every modern device must offer.
    pub const F_VERSION_1: u64 = 1 << 32;
    pub const MMIO: u32 = 1;
    pub const MMIO_LEGACY: u32 = 2;
    pub const PCI: u32 = 3;

    /// A device (C `vio_t`).
    #[repr(C, align(8))]
    pub struct Device([u8; 128]);
    /// A split virtqueue (C `vq_t`).
    #[repr(C, align(8))]
    pub struct Queue([u8; 1024]);

    /// One buffer of a descriptor chain (C `vq_buf_t`): a bus address, its
    /// length, whether the device writes it.
    #[repr(C)]
    pub struct Buf {
        pub addr: u64,
        pub len: u32,
        pub write: bool,
    }

    #[link(name = "athrs", kind = "static")]
    extern "C" {
        fn athrs_vio_size() -> u32;
        fn athrs_vq_size() -> u32;
        fn athrs_vio_info(v: *const Device) -> *const u32;
        fn athrs_vio_dma_bus(v: *const Device) -> u64;
        fn athrs_vio_dma_bytes(v: *const Device) -> u32;
        fn vio_open(v: *mut Device, dev: *const u8, window: *mut u8, window_bytes: u32,
                    dma: *mut u8, dma_bytes: u32) -> i32;
        fn vio_negotiate(v: *mut Device, want: u64, got: *mut u64) -> i32;
        fn vio_queue(v: *mut Device, idx: u16, q: *mut Queue, dma_off: u32, max: u16) -> i32;
        fn vio_ready(v: *mut Device);
        fn vio_notify(v: *mut Device, idx: u16);
        fn vio_wait(v: *mut Device, timeout_ns: i64) -> i32;
        fn vio_config32(v: *mut Device, off: u32) -> u32;
        fn vio_bus(v: *const Device, p: *const u8) -> u64;
        fn vq_add(q: *mut Queue, bufs: *const Buf, n: i32, token: *mut u8) -> i32;
        fn vq_should_notify(q: *const Queue) -> bool;
        fn vq_get(q: *mut Queue, len: *mut u32) -> *mut u8;
        fn vq_interrupts(q: *mut Queue, on: bool);
        fn vq_in_flight(q: *const Queue) -> i32;
    }

    fn sizes_ok() -> bool {
        unsafe {
            athrs_vio_size() as usize <= core::mem::size_of::<Device>()
                && athrs_vq_size() as usize <= core::mem::size_of::<Queue>()
        }
    }

    impl Device {
        pub const fn new() -> Device {
            Device([0; 128])
        }
        /// Opens device `name` (its NAME.mmio, NAME.irq, NAME.dma
        /// capabilities): maps its registers over `window` and its DMA pages
        /// over `dma`, both static page-aligned areas of this module. The
        /// areas stay mapped for the life of the domain.
        pub fn open<const W: usize, const D: usize>(&mut self, name: &str,
                                                     window: &'static mut Pages<W>,
                                                     dma: &'static mut Pages<D>) -> Result<()> {
            if !sizes_ok() {
                return Err(Error::EINVAL);
            }
            let mut n = [0u8; 32];
            if name.len() >= n.len() {
                return Err(Error::EINVAL);
            }
            n[..name.len()].copy_from_slice(name.as_bytes());
            check(unsafe {
                vio_open(self, n.as_ptr(), window.0.as_mut_ptr() as *mut u8, (W * PAGE) as u32,
                         dma.0.as_mut_ptr() as *mut u8, (D * PAGE) as u32)
            })
            .map(|_| ())
        }
        fn info(&self, word: usize) -> u32 {
            unsafe { *athrs_vio_info(self).add(word) }
        }
        pub fn transport(&self) -> u32 {
            self.info(0)
        }
        /// The virtio device ID (2 block, 4 entropy, ...).
        pub fn virtio_id(&self) -> u32 {
            self.info(1)
        }
        pub fn irq(&self) -> u32 {
            self.info(2)
        }
        pub fn dma_bus(&self) -> u64 {
            unsafe { athrs_vio_dma_bus(self) }
        }
        pub fn dma_bytes(&self) -> u32 {
            unsafe { athrs_vio_dma_bytes(self) }
        }
        /// Reset, ACKNOWLEDGE, DRIVER, the features in `want` (VERSION_1
        /// required), FEATURES_OK checked: the features agreed.
        pub fn negotiate(&mut self, want: u64) -> Result<u64> {
            let mut got = 0u64;
            check(unsafe { vio_negotiate(self, want, &mut got) })?;
            Ok(got)
        }
        /// Sets queue `idx` up on the DMA page at `dma_off`, at most `max`
        /// entries.
        pub fn queue(&mut self, idx: u16, q: &mut Queue, dma_off: u32, max: u16) -> Result<()> {
            check(unsafe { vio_queue(self, idx, q, dma_off, max) }).map(|_| ())
        }
        pub fn ready(&mut self) {
            unsafe { vio_ready(self) }
        }
        pub fn notify(&mut self, idx: u16) {
            unsafe { vio_notify(self, idx) }
        }
        /// Waits for the interrupt (ISR read and acknowledged): the ISR bits,
        /// 0 on timeout.
        pub fn wait(&mut self, timeout_ns: i64) -> i32 {
            unsafe { vio_wait(self, timeout_ns) }
        }
        pub fn config32(&mut self, off: u32) -> u32 {
            unsafe { vio_config32(self, off) }
        }
        /// The bus address of `p`, a place inside the DMA pages.
        pub fn bus(&self, p: *const u8) -> u64 {
            unsafe { vio_bus(self, p) }
        }
    }

    impl Queue {
        pub const fn new() -> Queue {
            Queue([0; 1024])
        }
        /// Adds a chain; `token` comes back from `get` when the device is
        /// done with it. The first descriptor's index, or a negative error.
        pub fn add(&mut self, bufs: &[Buf], token: usize) -> i32 {
            unsafe { vq_add(self, bufs.as_ptr(), bufs.len() as i32, token as *mut u8) }
        }
        pub fn should_notify(&self) -> bool {
            unsafe { vq_should_notify(self) }
        }
        /// A finished chain: (token, bytes the device wrote), or None.
        pub fn get(&mut self) -> Option<(usize, u32)> {
            let mut len = 0u32;
            let t = unsafe { vq_get(self, &mut len) };
            if t.is_null() { None } else { Some((t as usize, len)) }
        }
        pub fn interrupts(&mut self, on: bool) {
            unsafe { vq_interrupts(self, on) }
        }
        pub fn in_flight(&self) -> i32 {
            unsafe { vq_in_flight(self) }
        }
    }
}

// ------------------------------------------------------------ sensors

/// The sensor broker (docs/privacy.md; the C side is sdk/include/sensor.h):
/// an app asks `sensor.request` for a lease, which arrives on its box
/// (channel `box.APP`, receive only, granted by bin/APP.caps). The lease is
/// a buffer whose first page the broker keeps current at the granted
/// precision; the kernel takes it out of every table (and unmaps it) at the
/// lease's end, so a read after the end fails, never returns stale bytes.
pub mod sensor {
    use super::*;

    pub const GPS: u32 = 1;
    pub const MIC: u32 = 2;
    pub const CAM: u32 = 3;
    /// GPS precisions: exact, or the centre of a 0.01 degree cell.
    pub const EXACT: u32 = 0;
    pub const COARSE: u32 = 1;
    /// Microphone precisions: the samples (s16le, 16 kHz, mono), or one
    /// loudness figure a 100 ms block (its RMS in whole dBFS, -100..0).
    pub const RAW: u32 = EXACT;
    pub const LEVEL: u32 = COARSE;
    /// Camera precisions: the 320x240 RGB frame, or 80x60, each pixel the
    /// rounded mean of a 4x4 block.
    pub const FULL: u32 = EXACT;
    pub const LOW: u32 = COARSE;
    pub const MIC_RATE: u32 = 16_000;
    pub const CAM_W: u32 = 320;
    pub const CAM_H: u32 = 240;
    /// A full frame's bytes (RGB), and a low one's.
    pub const CAM_BYTES: usize = 320 * 240 * 3;
    pub const CAM_LOW_BYTES: usize = CAM_BYTES / 16;
    /// Where a microphone or camera lease's data starts (after its header page).
    const DATA_OFF: usize = PAGE;
    const MIC_RING: usize = 16 * PAGE;

    /// The pages of a lease's buffer: the room `Client::open` maps it in
    /// must hold them (C `sensor_lease_pages`).
    pub const fn lease_pages(sensor: u32, precision: u32) -> usize {
        match sensor {
            MIC => 1 + if precision == LEVEL { 1 } else { MIC_RING / PAGE },
            CAM => 1 + if precision == LOW { (CAM_LOW_BYTES + PAGE - 1) / PAGE } else { (CAM_BYTES + PAGE - 1) / PAGE },
            _ => 1,
        }
    }
    /// The longest lease: one hour.
    pub const MAX_MS: u32 = 3_600_000;
    /// A GPS fix's kind: the sentence it came from. GGA has the altitude
    /// and the satellites, RMC neither (0).
    pub const KIND_GGA: u8 = 1;
    pub const KIND_RMC: u8 = 2;
    const NAME: usize = 24;
    const PURPOSE: usize = 40;
    /// How long open waits for the decision (the broker waits 30 s for an answer).
    const SENSOR_DECIDE_MS: i64 = 40_000;

    /// What the broker granted: the lease id, when the kernel ends it
    /// (kernel clock, ns), the sensor and the precision.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Grant {
        pub id: u64,
        pub end_ns: u64,
        pub sensor: u32,
        pub precision: u32,
    }

    /// A position (C `sensor_fix_t`).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Fix {
        /// Degrees * 10^7.
        pub lat_e7: i32,
        pub lon_e7: i32,
        /// Decimetres (0 when coarse).
        pub alt_dm: i32,
        /// UTC time of day.
        pub time_ms: u32,
        /// The driver's fix counter.
        pub seq: u32,
        pub sats: u8,
        /// KIND_GGA or KIND_RMC.
        pub kind: u8,
        pub precision: u8,
    }

    /// An active lease, mapped at the start of the room it borrows; given
    /// up (unmapped, dropped) when it goes out of scope.
    pub struct Lease<'a> {
        cap: Cap,
        grant: Grant,
        page: *const u8,
        /// Microphone: the stream's bytes read so far.
        pos: core::cell::Cell<u64>,
        _room: core::marker::PhantomData<&'a mut Room>,
    }

    /// A camera frame `Lease::read_frame` copied: its size, the driver's
    /// frame number, its bytes (width x height x 3, RGB, rows top down).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Frame {
        pub width: u32,
        pub height: u32,
        pub frame: u32,
        pub bytes: usize,
    }

    /// An app's way to the broker: `sensor.request` and its box
    /// (`box.APP`), found by their manifest names. A Client does not drop
    /// them when it goes out of scope: dropping a handle found by its
    /// manifest name gives it up for good, and a program's next run (the
    /// same domain, reset) would find it gone.
    pub struct Client {
        ep: core::mem::ManuallyDrop<Endpoint>,
        boxc: core::mem::ManuallyDrop<Channel>,
        app: [u8; NAME],
        len: usize,
    }

    impl Client {
        /// The client of app `app` (1..23 bytes): ENOENT when the broker's
        /// endpoint or the box was not granted.
        pub fn new(app: &str) -> Result<Client> {
            if app.is_empty() || app.len() >= NAME {
                return Err(Error::EINVAL);
            }
            let ep = core::mem::ManuallyDrop::new(Endpoint::find("sensor.request")?);
            let mut name = [0u8; 4 + NAME];
            name[..4].copy_from_slice(b"box.");
            name[4..4 + app.len()].copy_from_slice(app.as_bytes());
            let box_name = core::str::from_utf8(&name[..4 + app.len()]).map_err(|_| Error::EINVAL)?;
            let boxc = core::mem::ManuallyDrop::new(Channel::find(box_name)?);
            let mut a = [0u8; NAME];
            a[..app.len()].copy_from_slice(app.as_bytes());
            Ok(Client { ep, boxc, app: a, len: app.len() })
        }

        /// Asks the broker for a lease of `sensor` at `precision` for `ms`
        /// milliseconds, for `purpose` (printable ASCII, at most 39 bytes
        /// kept). `room` (a page at least) is where the request is written
        /// and the lease mapped: `lease_pages(sensor, precision)` pages at
        /// least (ENOMEM when smaller). Errors: ERIGHTS (refused: the policy
        /// or the person at the shell), ENOENT (no such sensor), EINVAL,
        /// EBUSY, EEXPIRED (it ended on the way).
        pub fn open<'a>(&self, sensor: u32, precision: u32, ms: u32, purpose: &str,
                        room: &'a mut Room) -> Result<Lease<'a>> {
            if room.len() < lease_pages(sensor, precision) * PAGE {
                return Err(Error::ENOMEM);
            }
            let mut req = Buffer::new(1)?;
            {
                let mut m = req.map(room)?;
                m[..NAME + PURPOSE].fill(0);
                m[..self.len].copy_from_slice(&self.app[..self.len]);
                for (i, &c) in purpose.as_bytes().iter().take(PURPOSE - 1).enumerate() {
                    m[NAME + i] = if (32..127).contains(&c) { c } else { b'?' };
                }
            }
            let id = self.ep.call_lend_read(&req, (sensor | precision << 8) as i64, ms as i64, 0)?;
            drop(req);
            if id < 0 {
                return Err(Error(id as i32));
            }
            // the decision on the box: at once when the policy decided,
            // after the person's answer when the shell asked
            let until = uptime_ns() as i64 + SENSOR_DECIDE_MS * 1_000_000;
            let mut g = [0u8; 24];
            let (grant, cap) = loop {
                let left = until - uptime_ns() as i64;
                if left <= 0 {
                    return Err(Error::ETIMEDOUT);
                }
                let (n, cap) = self.boxc.recv(&mut g, left)?;
                let w = |i: usize| u32::from_le_bytes([g[i], g[i + 1], g[i + 2], g[i + 3]]);
                let grant = Grant {
                    id: w(0) as u64 | (w(4) as u64) << 32,
                    end_ns: w(8) as u64 | (w(12) as u64) << 32,
                    sensor: w(16),
                    precision: w(20),
                };
                if n == g.len() && grant.id == id as u64 {
                    break (grant, cap);
                }
                // an older request's: not ours (its cap, if any, is dropped here)
            };
            if grant.sensor == 0 {
                // refused: precision holds the error, negated
                return Err(if grant.precision != 0 { Error(-(grant.precision as i32)) } else { Error::ERIGHTS });
            }
            let cap = cap.ok_or(Error::EEXPIRED)?;  // the kernel drops a dead capability
            check(unsafe { raw::buf_map(cap.raw(), room.at as i32) })?;
            Ok(Lease { cap, grant, page: room.at as *const u8, pos: core::cell::Cell::new(0),
                       _room: core::marker::PhantomData })
        }

        /// Waits on the box up to `timeout_ns`: nobody signals it, so this
        /// is a sleep that needs no other capability.
        pub fn idle(&self, timeout_ns: i64) {
            let _ = self.boxc.wait(timeout_ns);
        }
    }

    impl<'a> Lease<'a> {
        pub fn grant(&self) -> &Grant {
            &self.grant
        }

        fn word(&self, off: usize) -> u32 {
            unsafe { core::ptr::read_volatile(self.page.add(off) as *const u32) }
        }

        fn byte(&self, off: usize) -> u8 {
            unsafe { core::ptr::read_volatile(self.page.add(off)) }
        }

        /// The newest fix at the lease's precision; EEMPTY (none yet), or the
        /// lease's end: EEXPIRED (its time came), EREVOKED (the broker or the
        /// person ended it). Nothing of a fix is returned after the end.
        pub fn read_fix(&self) -> Result<Fix> {
            self.cap.info()?;
            let mut f = Fix::default();
            let mut fixes;
            let mut tries = 0;
            loop {
                let s1 = self.word(0);
                core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
                fixes = self.word(12);
                f.lat_e7 = self.word(16) as i32;
                f.lon_e7 = self.word(20) as i32;
                f.alt_dm = self.word(24) as i32;
                f.time_ms = self.word(28);
                f.seq = self.word(32);
                f.sats = self.byte(36);
                f.kind = self.byte(37);
                f.precision = self.byte(38);
                core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
                let s2 = self.word(0);
                tries += 1;
                if (s1 == s2 && s1 & 1 == 0) || tries >= 10000 {
                    break;
                }
            }
            self.cap.info()?;              // it ended while we copied: f is dropped
            if fixes == 0 { Err(Error::EEMPTY) } else { Ok(f) }
        }

        fn data(&self, off: usize) -> u8 {
            self.byte(DATA_OFF + off)
        }

        /// The microphone's bytes that came since the last read (samples,
        /// or level figures: each an i8, dBFS), up to `dst.len()`, in order:
        /// their number (0: none yet). `lost` grows by what the lease's ring
        /// overwrote before it was read. The lease's end: EEXPIRED, EREVOKED
        /// (then `dst` holds nothing of them); EINVAL when the lease is no
        /// microphone's.
        pub fn read_stream(&self, dst: &mut [u8], lost: &mut u32) -> Result<usize> {
            self.cap.info()?;
            let (mut total, mut ring);
            let mut tries = 0;
            loop {
                let s1 = self.word(0);
                core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
                total = self.word(16) as u64 | (self.word(20) as u64) << 32;
                ring = self.word(24) as usize;
                core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
                let s2 = self.word(0);
                tries += 1;
                if (s1 == s2 && s1 & 1 == 0) || tries >= 10000 {
                    break;
                }
            }
            let mut pos = self.pos.get();
            if ring == 0 || ring > MIC_RING || total < pos {
                return Err(Error::EINVAL);
            }
            if total - pos > ring as u64 {
                *lost = lost.wrapping_add((total - pos - ring as u64) as u32);
                pos = total - ring as u64;
            }
            let mut n = core::cmp::min((total - pos) as usize, dst.len());
            for (i, d) in dst[..n].iter_mut().enumerate() {
                *d = self.data(((pos + i as u64) % ring as u64) as usize);
            }
            core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
            // what the broker wrote meanwhile may have lapped the start of it
            let after = self.word(16) as u64 | (self.word(20) as u64) << 32;
            if after > pos + ring as u64 {
                *lost = lost.wrapping_add(n as u32);
                pos += n as u64;
                n = 0;
            }
            if let Err(e) = self.cap.info() {
                dst[..n].fill(0);       // it ended while we copied
                self.pos.set(pos);
                return Err(e);
            }
            self.pos.set(pos + n as u64);
            Ok(n)
        }

        /// The camera's newest frame into `dst` (the full or the low one, as
        /// the lease was granted): its size and number. EEMPTY (none yet),
        /// EFULL (`dst` too small), EINVAL (no camera lease), or the lease's
        /// end: EEXPIRED, EREVOKED (then `dst` holds nothing of it).
        pub fn read_frame(&self, dst: &mut [u8]) -> Result<Frame> {
            self.cap.info()?;
            let mut f = Frame::default();
            let mut count;
            let mut tries = 0;
            loop {
                let s1 = self.word(0);
                core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
                count = self.word(12);
                f.width = self.word(28);
                f.height = self.word(32);
                f.frame = self.word(36);
                if f.width > CAM_W || f.height > CAM_H {
                    return Err(Error::EINVAL);
                }
                f.bytes = (f.width * f.height * 3) as usize;
                if f.bytes > dst.len() {
                    return Err(Error::EFULL);
                }
                for (i, d) in dst[..f.bytes].iter_mut().enumerate() {
                    *d = self.data(i);
                }
                core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
                let s2 = self.word(0);
                tries += 1;
                if (s1 == s2 && s1 & 1 == 0) || tries >= 1000 {
                    break;
                }
            }
            if let Err(e) = self.cap.info() {
                dst[..f.bytes].fill(0);  // it ended while we copied
                return Err(e);
            }
            if count == 0 { Err(Error::EEMPTY) } else { Ok(f) }
        }
    }

    impl<'a> Drop for Lease<'a> {
        fn drop(&mut self) {
            unsafe { raw::buf_unmap(self.cap.raw()) };
        }
    }

    /// "gps", "mic", "camera".
    pub fn name(sensor: u32) -> &'static str {
        match sensor {
            GPS => "gps",
            MIC => "mic",
            CAM => "camera",
            _ => "?",
        }
    }
}

// ------------------------------------------------------------ display

/// A surface of the display service (docs/display.md): holding the
/// endpoint `surf.NAME` is the right to draw in that tile. The pixels are
/// a buffer of this domain's, mapped in a [`Room`], words `0x00RRGGBB`,
/// rows `width` words apart; `present` lends the buffer read-only for the
/// call and the compositor copies the rectangle to the screen.
pub mod display {
    use super::*;

    pub const INFO: i64 = 0;
    pub const PRESENT: i64 = 1;
    pub const STATS: i64 = 2;

    /// The endpoint is not dropped with the Surface (a handle found by its
    /// manifest name, given up for good when dropped); the buffer is.
    pub struct Surface<'a> {
        ep: core::mem::ManuallyDrop<Endpoint>,
        buf: Buffer,
        width: u32,
        height: u32,
        px: &'a mut [u32],
    }

    impl<'a> Surface<'a> {
        /// Finds `surf.NAME` (`name`), asks its size, makes a buffer of
        /// exactly its pages and maps it at the start of `room` (ENOMEM when
        /// the room is smaller; ESTOPPED: no screen).
        pub fn open(name: &str, room: &'a mut Room) -> Result<Surface<'a>> {
            let ep = core::mem::ManuallyDrop::new(Endpoint::find(name)?);
            let r = ep.call(INFO, 0, 0, 0)?;
            if r < 0 {
                return Err(Error(r as i32));
            }
            let (width, height) = ((r & 0xffff) as u32, ((r >> 16) & 0xffff) as u32);
            if width == 0 || height == 0 {
                return Err(Error::ESTOPPED);
            }
            let bytes = width as usize * height as usize * 4;
            let pages = (bytes + PAGE - 1) / PAGE;
            if pages * PAGE > room.len() {
                return Err(Error::ENOMEM);
            }
            let buf = Buffer::new(pages as u32)?;
            check(unsafe { raw::buf_map(buf.0.raw(), room.at as i32) })?;
            let px = unsafe { core::slice::from_raw_parts_mut(room.at as *mut u32, bytes / 4) };
            Ok(Surface { ep, buf, width, height, px })
        }

        pub fn width(&self) -> u32 {
            self.width
        }

        pub fn height(&self) -> u32 {
            self.height
        }

        /// The pixels, row after row.
        pub fn pixels(&mut self) -> &mut [u32] {
            self.px
        }

        /// Rectangle (x, y, w, h) filled with `c`, clipped to the surface.
        pub fn fill(&mut self, x: u32, y: u32, w: u32, h: u32, c: u32) {
            let x1 = x.saturating_add(w).min(self.width);
            let y1 = y.saturating_add(h).min(self.height);
            for j in y.min(y1)..y1 {
                let row = (j * self.width) as usize;
                self.px[row + x.min(x1) as usize..row + x1 as usize].fill(c);
            }
        }

        /// Shows rectangle (x, y, w, h) of the surface on the screen.
        /// EINVAL: outside the surface or empty; ESTOPPED: no screen.
        pub fn present(&self, x: u32, y: u32, w: u32, h: u32) -> Result<()> {
            if w == 0 || h == 0 || x > 0xffff || y > 0xffff || w > 0xffff || h > 0xffff {
                return Err(Error::EINVAL);
            }
            let r = self.ep.call_lend_read(&self.buf, PRESENT, (x | y << 16) as i64,
                                           (w | h << 16) as i64)?;
            if r < 0 { Err(Error(r as i32)) } else { Ok(()) }
        }

        /// (frames shown, frames dropped while the GPU driver was down).
        pub fn stats(&self) -> Result<(u32, u32)> {
            let r = self.ep.call(STATS, 0, 0, 0)?;
            if r < 0 {
                return Err(Error(r as i32));
            }
            Ok((r as u32, (r >> 32) as u32))
        }
    }

    impl<'a> Drop for Surface<'a> {
        fn drop(&mut self) {
            unsafe { raw::buf_unmap(self.buf.0.raw()) };
        }
    }
}

// ------------------------------------------------------------ panics

/// A panic: the message on the console, then a trap. The kernel faults
/// this domain alone (the caller of a trapping handler gets ETRAP) and
/// restarts it by its manifest policy.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    let mut l = Line::new();
    let _ = writeln!(l, "panic: {}", info);
    l.flush();
    core::arch::wasm32::unreachable()
}
