//! A fault drill in Rust (test image only): a server whose `boom` handler
//! panics (an index out of bounds the compiler cannot see coming). The
//! panic prints its message and traps; the kernel faults this domain only
//! and restarts it from its snapshot (tests: scenario langs).
//!
//!   rspanic.ok (a)     -> a + 1, counting the calls
//!   rspanic.boom (i)   -> panics for i >= 4
//!   rspanic.count ()   -> ok calls since the last (re)start
#![no_std]
#![no_main]

static mut CALLS: i64 = 0;
static TABLE: [i64; 4] = [1, 2, 3, 4];

#[no_mangle]
pub extern "C" fn ok(a: i64, _: i64, _: i64, _: i64) -> i64 {
    unsafe { CALLS += 1 };
    a + 1
}

#[no_mangle]
pub extern "C" fn boom(i: i64, _: i64, _: i64, _: i64) -> i64 {
    TABLE[i as usize]
}

#[no_mangle]
pub extern "C" fn count(_: i64, _: i64, _: i64, _: i64) -> i64 {
    unsafe { CALLS }
}

// The SDK's panic handler (print, trap) is linked in through this use.
#[allow(unused_imports)]
use athanor as _;
