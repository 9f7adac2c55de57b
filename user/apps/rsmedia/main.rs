//! rsmedia mic|camera [raw|level|full|low] [SECONDS]: the microphone or the
//! camera in Rust on the SDK's sensor API (sdk/rust/athanor:
//! `sensor::Client`, `Lease::read_stream`, `Lease::read_frame`). A program
//! the shell runs (`run rsmedia mic level 2`); its capabilities are
//! bin/rsmedia.caps: sensor.request and its box.
//!
//! It asks the broker (docs/privacy.md) for a lease of SECONDS (default 2)
//! at the precision asked (mic: level, camera: low by default) and reads
//! until the lease ends:
//!
//!   rsmedia: levels (dBFS): -17 -17 -17 ...      (mic level: the figures;
//!                 mic raw: the level of each 1,600 samples it read)
//!   rsmedia: camera: 80x60 frame 12, fnv1a 1234abcd   (its first frame:
//!                 the FNV-1a of its bytes, which the test finds among the
//!                 fed frames': build/sensordata checksum)
//!   rsmedia: mic: lease ended, the next read failed: lease expired (...)
//!
//! Exit status 0 when data came and the lease ended in a failed read.
//! Nothing is allocated: the crate has no allocator.
#![no_std]
#![no_main]

use athanor::sensor::{self, Lease};
use athanor::{args, println, Error, Line, Room};
use core::fmt::Write as _;

const MS: i64 = 1_000_000;
static mut FRAME: [u8; sensor::CAM_BYTES] = [0; sensor::CAM_BYTES];

fn usage() -> i32 {
    println!("usage: rsmedia mic|camera [raw|level|full|low] [SECONDS 1..3600]");
    1
}

/// 10 log10(mean square / full scale squared), rounded, -100..0: by
/// steps of 0.1 dB (no libm in no_std).
fn dbfs(sum_sq: f64, n: u32) -> i32 {
    let (ms, mut edge, step) = (sum_sq / n as f64, 32768.0 * 32768.0 * 0.944_060_876_285_923, 0.794_328_234_724_281_5);
    let mut d = 0;
    while ms < edge && d < 100 {
        edge *= step;       // the edge between d and d - 1 dB: full scale x 10^((d - 0.5) / 10)
        d += 1;
    }
    -d
}

/// Prints figures ten a line.
fn levels(l: &mut Line, n: &mut u32, v: i32) {
    if *n % 10 == 0 {
        if *n > 0 {
            let _ = writeln!(l);
            l.flush();
        }
        let _ = write!(l, "rsmedia: levels (dBFS):");
    }
    let _ = write!(l, " {}", v);
    *n += 1;
}

fn mic(lease: &Lease, raw: bool, sleep: &dyn Fn(i64)) -> i32 {
    let mut buf = [0u8; 3200];
    let (mut bytes, mut lost, mut reads, mut shown) = (0u64, 0u32, 0u32, 0u32);
    let (mut sum_sq, mut samples, mut odd) = (0f64, 0u32, None::<u8>);
    let mut line = Line::new();
    let e = loop {
        match lease.read_stream(&mut buf, &mut lost) {
            Ok(0) => sleep(20),
            Ok(n) => {
                bytes += n as u64;
                for &b in &buf[..n] {
                    if !raw {
                        levels(&mut line, &mut shown, b as i8 as i32);
                        continue;
                    }
                    // s16le samples, a byte may wait for its partner
                    match odd.take() {
                        None => odd = Some(b),
                        Some(lo) => {
                            let s = i16::from_le_bytes([lo, b]) as f64;
                            sum_sq += s * s;
                            samples += 1;
                            if samples == 1600 {
                                levels(&mut line, &mut shown, dbfs(sum_sq, samples));
                                sum_sq = 0.0;
                                samples = 0;
                            }
                        }
                    }
                }
            }
            Err(e) => break e,
        }
        reads += 1;
    };
    if shown > 0 {
        let _ = writeln!(line);
    }
    drop(line);
    println!("rsmedia: mic: lease ended, the next read failed: {} (after {} bytes, {} lost, {} reads)", e, bytes,
             lost, reads);
    if bytes > 0 && e == Error::EEXPIRED { 0 } else { 1 }
}

fn camera(lease: &Lease, sleep: &dyn Fn(i64)) -> i32 {
    let dst = unsafe { &mut *core::ptr::addr_of_mut!(FRAME) };
    let (mut frames, mut last) = (0u32, None);
    let e = loop {
        match lease.read_frame(dst) {
            Err(Error::EEMPTY) => sleep(20),
            Ok(f) if last != Some(f.frame) => {
                if frames == 0 {
                    let fnv = dst[..f.bytes].iter().fold(2_166_136_261u32, |h, &b| (h ^ b as u32).wrapping_mul(16_777_619));
                    println!("rsmedia: camera: {}x{} frame {}, fnv1a {:08x}", f.width, f.height, f.frame, fnv);
                }
                frames += 1;
                last = Some(f.frame);
            }
            Ok(_) => sleep(20),
            Err(e) => break e,
        }
    };
    println!("rsmedia: camera: lease ended, the next read failed: {} (after {} frames)", e, frames);
    if frames > 0 && e == Error::EEXPIRED { 0 } else { 1 }
}

#[no_mangle]
pub extern "C" fn _start() -> i32 {
    let mut buf = [0u8; 64];
    let (mut which, mut precision, mut secs) = (0u32, None, 2u32);
    for w in args(&mut buf).split(|&c| c == b' ').filter(|w| !w.is_empty()) {
        match w {
            b"mic" => which = sensor::MIC,
            b"camera" => which = sensor::CAM,
            b"raw" | b"full" => precision = Some(sensor::EXACT),
            b"level" | b"low" => precision = Some(sensor::COARSE),
            _ if w.len() <= 4 && w.iter().all(u8::is_ascii_digit) => {
                secs = w.iter().fold(0, |v, &c| v * 10 + (c - b'0') as u32)
            }
            _ => return usage(),
        }
    }
    if which == 0 || secs == 0 || secs > sensor::MAX_MS / 1000 {
        return usage();
    }
    let precision = precision.unwrap_or(sensor::COARSE);
    let pages = sensor::lease_pages(which, precision);
    let mut room = match Room::new((pages * athanor::PAGE + 65535) / 65536) {
        Ok(r) => r,
        Err(e) => {
            println!("rsmedia: no memory for the lease: {}", e);
            return 1;
        }
    };
    let client = match sensor::Client::new("rsmedia") {
        Ok(c) => c,
        Err(e) => {
            println!("rsmedia: no sensor broker or box: {}", e);
            return 1;
        }
    };
    let lease = match client.open(which, precision, secs * 1000, "sdk test (rust)", &mut room) {
        Ok(l) => l,
        Err(e) => {
            println!("rsmedia: no lease of the {}: {}", sensor::name(which),
                     if e == Error::ERIGHTS { "refused" } else { e.as_str() });
            return 1;
        }
    };
    let sleep = |ms: i64| client.idle(ms * MS);
    if which == sensor::MIC { mic(&lease, precision == sensor::RAW, &sleep) } else { camera(&lease, &sleep) }
}
