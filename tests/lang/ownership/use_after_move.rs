// must fail: E0382 (a buffer moved through a channel, then lent)
#![no_std]
#![no_main]
use athanor::{Buffer, Channel, Endpoint};

#[no_mangle]
pub extern "C" fn f(_: i64, _: i64, _: i64, _: i64) -> i64 {
    let ch = Channel::find("c").unwrap();
    let ep = Endpoint::find("x").unwrap();
    let buf = Buffer::new(1).unwrap();
    let _ = ch.send_buffer(b"take", buf);
    ep.call_lend_read(&buf, 0, 0, 0).unwrap_or(0)
}
