//! The log service, in Rust (sdk/rust). Any domain granted log.write
//! lends it a buffer read-only with text in it:
//!
//!   log.write (len, _, _, buf) -> lines printed
//!
//! It prints each line of the first len bytes (at most 4096) as
//! "log: [MS.mmm] text", bytes outside printable ASCII shown as '?', an
//! over-long line cut at 120 characters. log.count () -> lines so far.
#![no_std]
#![no_main]

use athanor::{println, Error, Lent, Room};

static mut ROOM: Option<Room> = None;
static mut LINES: i64 = 0;

fn print_line(t: u64, text: &[u8]) {
    let mut l = [b'?'; 120];
    let n = text.len().min(l.len());
    for (d, &c) in l.iter_mut().zip(&text[..n]) {
        if (0x20..0x7f).contains(&c) {
            *d = c;
        }
    }
    let s = core::str::from_utf8(&l[..n]).unwrap_or("?");
    println!("log: [{}.{:03}] {}", t / 1_000_000, t / 1000 % 1000, s);
}

#[no_mangle]
pub extern "C" fn write(len: i64, _: i64, _: i64, a3: i64) -> i64 {
    if !(0..=4096).contains(&len) {
        return Error::EINVAL.0 as i64;
    }
    let room = unsafe { &mut ROOM };
    if room.is_none() {
        match Room::new(1) {
            Ok(r) => *room = Some(r),
            Err(e) => return e.0 as i64,
        }
    }
    let mut lent = match Lent::from_arg(a3) {
        Ok(l) => l,
        Err(e) => return e.0 as i64,
    };
    let m = match lent.map(room.as_mut().unwrap()) {
        Ok(m) => m,
        Err(e) => return e.0 as i64,
    };
    let t = athanor::uptime_ns();
    let mut n = 0;
    for line in m[..len as usize].split(|&c| c == b'\n') {
        if !line.is_empty() {
            print_line(t, line);
            n += 1;
        }
    }
    unsafe { LINES += n };
    n
}

#[no_mangle]
pub extern "C" fn count(_: i64, _: i64, _: i64, _: i64) -> i64 {
    unsafe { LINES }
}
