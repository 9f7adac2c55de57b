// must fail: E0505 (a buffer moved away while its mapping is alive)
#![no_std]
#![no_main]
use athanor::{Buffer, Channel, Room};

#[no_mangle]
pub extern "C" fn f(_: i64, _: i64, _: i64, _: i64) -> i64 {
    let ch = Channel::find("c").unwrap();
    let mut buf = Buffer::new(1).unwrap();
    let mut room = Room::new(1).unwrap();
    let m = buf.map(&mut room).unwrap();
    let _ = ch.send_buffer(b"take", buf);
    m[0] as i64
}
