#![no_std]
#![no_main]

static mut CALLS: i64 = 0;

/// ticks.ms: milliseconds since boot.
#[no_mangle]
pub extern "C" fn ms(_: i64, _: i64, _: i64, _: i64) -> i64 {
    unsafe { CALLS += 1 };
    (athanor::uptime_ns() / 1_000_000) as i64
}

/// ticks.calls: how many ms calls were served.
#[no_mangle]
pub extern "C" fn calls(_: i64, _: i64, _: i64, _: i64) -> i64 {
    unsafe { CALLS }
}
