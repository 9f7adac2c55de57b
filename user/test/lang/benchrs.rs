//! The call-cost bench's Rust server (bench/lang): op(a, b, c, d) =
//! a + b + c + d, counting the calls; the same as benchc.c and benchas.ts.
#![no_std]
#![no_main]

#[allow(unused_imports)]
use athanor as _;

static mut CALLS: i64 = 0;

#[no_mangle]
pub extern "C" fn op(a: i64, b: i64, c: i64, d: i64) -> i64 {
    unsafe { CALLS += 1 };
    a.wrapping_add(b).wrapping_add(c).wrapping_add(d)
}
