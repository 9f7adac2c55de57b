//! bars: eight horizontal colour bars in the right-hand tile of the screen,
//! in Rust on the SDK's display API (sdk/rust/athanor: `display::Surface`).
//! A program the shell runs (`run bars`); its one capability is surf.app
//! (bin/bars.caps).
//!
//! The tile (W x H) gets eight bars, each H/8 tall, top to bottom: red,
//! green, blue, yellow, cyan, magenta, white, grey (0x808080), presented
//! whole. Then presents the compositor must refuse (past the right edge,
//! past the bottom, at the edge) and one the SDK refuses before any call
//! (empty). Prints `bars: WxH ok` (or what went wrong) and exits with the
//! number of failures.
#![no_std]
#![no_main]

use athanor::display::Surface;
use athanor::{println, Error, Room};

const COLOURS: [u32; 8] = [0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0x00ffff, 0xff00ff, 0xffffff, 0x808080];

#[no_mangle]
pub extern "C" fn _start() -> i32 {
    // 1 MiB of room: a 256x1024 tile.
    let mut room = match Room::new(16) {
        Ok(r) => r,
        Err(e) => {
            println!("bars: no memory for the surface: {}", e);
            return 100;
        }
    };
    let mut s = match Surface::open("surf.app", &mut room) {
        Ok(s) => s,
        Err(e) => {
            println!("bars: no surface (surf.app): {}", e);
            return 100;
        }
    };
    let (w, h) = (s.width(), s.height());
    let band = h / 8;
    for (i, &c) in COLOURS.iter().enumerate() {
        s.fill(0, i as u32 * band, w, if i == 7 { h - 7 * band } else { band }, c);
    }
    let mut fails = 0;
    if let Err(e) = s.present(0, 0, w, h) {
        println!("bars: present the whole surface: {}", e);
        fails += 1;
    }
    let refused = [("past the right edge", s.present(w - 4, 0, 8, 8)),
                   ("past the bottom", s.present(0, h - 4, 8, 8)),
                   ("at the edge", s.present(w, 0, 1, 1)),
                   ("empty", s.present(0, 0, 0, 8))];
    for (what, r) in refused {
        if r != Err(Error::EINVAL) {
            println!("bars: present {}: {:?}, want EINVAL", what, r);
            fails += 1;
        }
    }
    match s.stats() {
        Ok((shown, _)) if shown > 0 => {}
        r => {
            println!("bars: stats: {:?}", r);
            fails += 1;
        }
    }
    println!("bars: {}x{} {}", w, h, if fails == 0 { "ok" } else { "FAILED" });
    fails
}
