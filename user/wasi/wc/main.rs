//! wc, a WASI program in Rust with its standard library (wasm32-wasi,
//! Debian's rustc and libstd-rust-dev-wasm32): counts the lines, words and
//! bytes of each file named, or of standard input, like wc(1).
//!
//!   azoth-wasm run --dir DIR::/d wc.wasm /d/a.txt /d/b.txt
use std::env;
use std::fs::File;
use std::io::{self, Read};
use std::process::ExitCode;

#[derive(Default, Clone, Copy)]
struct Counts {
    lines: u64,
    words: u64,
    bytes: u64,
}

fn count(mut r: impl Read) -> io::Result<Counts> {
    let mut c = Counts::default();
    let mut buf = [0u8; 8192];
    let mut in_word = false;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(c);
        }
        c.bytes += n as u64;
        for &b in &buf[..n] {
            if b == b'\n' {
                c.lines += 1;
            }
            let space = b.is_ascii_whitespace();
            if !space && !in_word {
                c.words += 1;
            }
            in_word = !space;
        }
    }
}

fn main() -> ExitCode {
    let names: Vec<String> = env::args().skip(1).collect();
    if names.is_empty() {
        return match count(io::stdin().lock()) {
            Ok(c) => {
                println!("{} {} {}", c.lines, c.words, c.bytes);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("wc: stdin: {}", e);
                ExitCode::FAILURE
            }
        };
    }
    let mut total = Counts::default();
    let mut status = ExitCode::SUCCESS;
    for n in &names {
        match File::open(n).and_then(count) {
            Ok(c) => {
                println!("{} {} {} {}", c.lines, c.words, c.bytes, n);
                total.lines += c.lines;
                total.words += c.words;
                total.bytes += c.bytes;
            }
            Err(e) => {
                eprintln!("wc: {}: {}", n, e);
                status = ExitCode::FAILURE;
            }
        }
    }
    if names.len() > 1 {
        println!("{} {} {} total", total.lines, total.words, total.bytes);
    }
    status
}
