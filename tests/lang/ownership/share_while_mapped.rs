// must fail: E0502 (a buffer mapped, then lent read-only while mapped)
#![no_std]
#![no_main]
use athanor::{Buffer, Endpoint, Room};

#[no_mangle]
pub extern "C" fn f(_: i64, _: i64, _: i64, _: i64) -> i64 {
    let ep = Endpoint::find("x").unwrap();
    let mut buf = Buffer::new(1).unwrap();
    let mut room = Room::new(1).unwrap();
    let m = buf.map(&mut room).unwrap();
    let r = ep.call_lend_read(&buf, 0, 0, 0);
    m[0] as i64 + r.unwrap_or(0)
}
