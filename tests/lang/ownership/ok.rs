// must build: each form in turn (map, unmap by drop, lend shared, lend
// exclusive, move), the way the borrow checker allows.
#![no_std]
#![no_main]
use athanor::{Buffer, Channel, Endpoint, Room};

#[no_mangle]
pub extern "C" fn f(_: i64, _: i64, _: i64, _: i64) -> i64 {
    let (ch, ep) = match (Channel::find("c"), Endpoint::find("x")) {
        (Ok(c), Ok(e)) => (c, e),
        _ => return -1,
    };
    let mut buf = match Buffer::new(1) {
        Ok(b) => b,
        Err(e) => return e.0 as i64,
    };
    let mut room = match Room::new(1) {
        Ok(r) => r,
        Err(e) => return e.0 as i64,
    };
    let first = match buf.map(&mut room) {
        Ok(mut m) => {
            m[0] = 7;
            m[0]
        } // unmapped here
        Err(e) => return e.0 as i64,
    };
    let a = ep.call_lend_read(&buf, 0, 0, 0).unwrap_or(0);
    let b = ep.call_lend_write(&mut buf, 0, 0, 0).unwrap_or(0);
    let _ = ch.send_buffer(b"take", buf);
    first as i64 + a + b
}
