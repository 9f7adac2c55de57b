//! gpsfix [exact|coarse] [SECONDS] [-w]: where the GPS says we are, in
//! Rust on the SDK's sensor API (sdk/rust/athanor: `sensor::Client`,
//! `Lease::read_fix`). A program the shell runs (`run gpsfix`); its
//! capabilities are bin/gpsfix.caps: sensor.request and its box.
//!
//! It asks the sensor broker (docs/privacy.md) for a lease of SECONDS
//! (default 10) at the precision asked (default coarse); the policy or the
//! person at the shell decides. It waits for the first fix and prints
//!
//!   gpsfix: 48.858400 N 2.294500 E, 35.0 m, 9 satellites, 12:00:00 UTC (exact)
//!
//! (coarse: the centre of the 0.01 degree cell, without altitude and
//! satellites). With -w it
//! reads on until the lease ends and prints how the next read failed.
//! Exit status 0 when a fix was printed (and, with -w, the lease ended), 1
//! otherwise. Nothing is allocated: the crate has no allocator.
#![no_std]
#![no_main]

use athanor::sensor::{self, Fix};
use athanor::{args, println, Error, Room};

const MS: i64 = 1_000_000;

/// |e7| as "D.DDDDDD" and the hemisphere letter.
struct Deg(i32, char, char);

impl core::fmt::Display for Deg {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        let a = (self.0 as i64).unsigned_abs();
        write!(f, "{}.{:06} {}", a / 10_000_000, a % 10_000_000 / 10, if self.0 < 0 { self.2 } else { self.1 })
    }
}

fn print_fix(f: &Fix) {
    let t = f.time_ms / 1000;
    let when = (t / 3600, t / 60 % 60, t % 60);
    if f.precision as u32 == sensor::COARSE || f.kind != sensor::KIND_GGA {
        println!("gpsfix: {} {}, {:02}:{:02}:{:02} UTC ({})", Deg(f.lat_e7, 'N', 'S'),
                 Deg(f.lon_e7, 'E', 'W'), when.0, when.1, when.2,
                 if f.precision as u32 == sensor::COARSE { "coarse, 0.01 degree cell" } else { "exact, no altitude" });
    } else {
        let dm = f.alt_dm.unsigned_abs();
        println!("gpsfix: {} {}, {}{}.{} m, {} satellites, {:02}:{:02}:{:02} UTC (exact)",
                 Deg(f.lat_e7, 'N', 'S'), Deg(f.lon_e7, 'E', 'W'), if f.alt_dm < 0 { "-" } else { "" },
                 dm / 10, dm % 10, f.sats, when.0, when.1, when.2);
    }
}

fn usage() -> i32 {
    println!("usage: gpsfix [exact|coarse] [SECONDS] [-w]   (SECONDS 1..3600, default 10)");
    1
}

#[no_mangle]
pub extern "C" fn _start() -> i32 {
    let mut buf = [0u8; 64];
    let (mut precision, mut secs, mut wait_end) = (sensor::COARSE, 10u32, false);
    for w in args(&mut buf).split(|&c| c == b' ').filter(|w| !w.is_empty()) {
        match w {
            b"exact" => precision = sensor::EXACT,
            b"coarse" => precision = sensor::COARSE,
            b"-w" => wait_end = true,
            _ if w.len() <= 4 && w.iter().all(u8::is_ascii_digit) => {
                secs = w.iter().fold(0, |v, &c| v * 10 + (c - b'0') as u32)
            }
            _ => return usage(),
        }
    }
    if secs == 0 || secs > sensor::MAX_MS / 1000 {
        return usage();
    }
    let mut room = match Room::new(1) {
        Ok(r) => r,
        Err(e) => {
            println!("gpsfix: no memory for the lease: {}", e);
            return 1;
        }
    };
    let client = match sensor::Client::new("gpsfix") {
        Ok(c) => c,
        Err(e) => {
            println!("gpsfix: no sensor broker or box: {}", e);
            return 1;
        }
    };
    let lease = match client.open(sensor::GPS, precision, secs * 1000, "print a fix (rust)", &mut room) {
        Ok(l) => l,
        Err(e) => {
            println!("gpsfix: no lease of the gps: {}", if e == Error::ERIGHTS { "refused" } else { e.as_str() });
            return 1;
        }
    };
    let sleep = |ms: i64| client.idle(ms * MS);
    // The first fix: the device starts when the lease does. An exact one
    // from a GGA sentence (altitude, satellites) is waited for up to a
    // second; the receiver sends one every few fixes.
    let mut reads = 0u32;
    let fix = loop {
        match lease.read_fix() {
            Err(Error::EEMPTY) => sleep(20),
            Err(e) => {
                println!("gpsfix: gps: lease ended before a fix: {}", e);
                return 1;
            }
            Ok(f) if f.kind == sensor::KIND_GGA || f.precision as u32 == sensor::COARSE || reads >= 50 => break f,
            Ok(_) => sleep(20),
        }
        reads += 1;
    };
    print_fix(&fix);
    if !wait_end {
        return 0;                   // the lease is given up as it drops
    }
    reads = 1;
    let e = loop {
        match lease.read_fix() {
            Ok(_) | Err(Error::EEMPTY) => {
                reads += 1;
                sleep(10);
            }
            Err(e) => break e,
        }
    };
    println!("gpsfix: gps: lease {} ended, the next read failed: {} (after {} reads)", lease.grant().id, e, reads);
    0
}
