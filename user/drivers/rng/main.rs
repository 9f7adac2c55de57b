//! The random-number driver, in Rust (sdk/rust): its device is the kernel
//! clock. At start it gathers entropy from the jitter of the clock across
//! small runs of work (the low bits of each interval), condenses it with
//! SplitMix64 into the state of a xoshiro256** generator, and serves:
//!
//!   rng.next ()               -> 63 random bits (never negative)
//!   rng.fill (len, _, _, buf) -> len: len (<= 4096) random bytes into
//!                                the buffer lent writable (EINVAL for a
//!                                bad len, ERIGHTS when lent read-only)
//!
//! It needs the fine clock (manifest line `clock fine`, docs/privacy.md):
//! a 1 ms clock shows no jitter, and it says so. Every call also stirs the
//! time of the call into the state. It has no
//! thread of its own: the first call seeds it (and after a restart, whose
//! reset brings back the unseeded memory, the first call seeds it again).
#![no_std]
#![no_main]

use athanor::{println, Error, Lent, Room};

static mut S: [u64; 4] = [0; 4];
static mut ROOM: Option<Room> = None;

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn draw() -> u64 {
    let s = unsafe { &mut S };
    let r = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    r
}

fn stir() {
    let s = unsafe { &mut S };
    s[0] ^= athanor::uptime_ns();
    draw();
}

/// Entropy from the clock: 512 intervals of a little work each, folded.
fn seed() -> u32 {
    let mut pool = 0u64;
    let mut distinct = 0u32;
    let mut last = 0u64;
    let mut sink = 1u64;
    for i in 0..512u64 {
        let t0 = athanor::uptime_ns();
        for k in 0..(i & 7) + 1 {
            sink = sink.wrapping_mul(6364136223846793005).wrapping_add(k);
        }
        let d = athanor::uptime_ns().wrapping_sub(t0);
        if d != last {
            distinct += 1;
        }
        last = d;
        pool = (pool.rotate_left(5) ^ d ^ (sink & 1)).wrapping_mul(0x100000001b3);
    }
    let mut x = pool ^ athanor::uptime_ns();
    let s = unsafe { &mut S };
    for w in s.iter_mut() {
        *w = splitmix(&mut x);
    }
    distinct
}

/// The first call seeds the generator and makes the room for lent buffers.
fn ready() -> Result<&'static mut Room, Error> {
    let room = unsafe { &mut ROOM };
    if room.is_none() {
        let d = seed();
        println!("rng: seeded from clock jitter ({} distinct intervals of 512)", d);
        if d < 64 {
            // A coarse clock (no `clock fine` in the manifest) has no jitter.
            println!("rng: WARNING: the clock is too coarse for jitter entropy");
        }
        *room = Some(Room::new(1)?);
    }
    Ok(room.as_mut().unwrap())
}

#[no_mangle]
pub extern "C" fn next(_: i64, _: i64, _: i64, _: i64) -> i64 {
    if let Err(e) = ready() {
        return e.0 as i64;
    }
    stir();
    (draw() >> 1) as i64
}

#[no_mangle]
pub extern "C" fn fill(len: i64, _: i64, _: i64, a3: i64) -> i64 {
    let mut lent = match Lent::from_arg(a3) {
        Ok(l) => l,
        Err(e) => return e.0 as i64,
    };
    if !lent.writable() {
        return Error::ERIGHTS.0 as i64;
    }
    if !(0..=4096).contains(&len) {
        return Error::EINVAL.0 as i64;
    }
    let room = match ready() {
        Ok(r) => r,
        Err(e) => return e.0 as i64,
    };
    let mut m = match lent.map(room) {
        Ok(m) => m,
        Err(e) => return e.0 as i64,
    };
    stir();
    for chunk in m[..len as usize].chunks_mut(8) {
        let r = draw().to_le_bytes();
        chunk.copy_from_slice(&r[..chunk.len()]);
    }
    len
}
