//! Rust's standard library on WASI inside Athanor (tests/groups/66-wasi-os.sh):
//! arguments, environment, a directory listing, reading a file, its
//! metadata, writing, renaming and removing a file and a directory, the
//! clocks, a sleep, a HashMap (random_get seeds it), stdin at its end,
//! stderr, an exit status. The directory is a --dir preopen.
use std::collections::HashMap;
use std::env;
use std::fs;
use std::io::{self, Read};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = env::args().collect();
    println!("args: {:?}", &args[1..]);
    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    println!("env: {:?}", vars);
    let dir = &args[1];
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| {
            let e = e.expect("entry");
            let slash = if e.file_type().expect("file_type").is_dir() { "/" } else { "" };
            format!("{}{}", e.file_name().to_string_lossy(), slash)
        })
        .collect();
    names.sort();
    println!("read_dir: {:?}", names);
    let path = format!("{}/words.txt", dir);
    println!("read: {:?}", fs::read_to_string(&path).expect("read"));
    let md = fs::metadata(&path).expect("metadata");
    println!("metadata: len {}, file {}, dir {}", md.len(), md.is_file(), md.is_dir());
    match fs::read_to_string(format!("{}/missing.txt", dir)) {
        Ok(_) => println!("missing: found?"),
        Err(e) => println!("missing: {:?}", e.kind()),
    }
    let newp = format!("{}/new.txt", dir);
    let newdir = format!("{}/newdir", dir);
    let moved = format!("{}/moved.txt", newdir);
    fs::write(&newp, b"written by rust\n").expect("write");
    println!("write, read back: {:?}", fs::read_to_string(&newp).expect("read new"));
    fs::create_dir(&newdir).expect("create_dir");
    fs::rename(&newp, &moved).expect("rename");
    println!("renamed: {}", fs::metadata(&moved).map(|m| m.len()).unwrap_or(0));
    fs::remove_file(&moved).expect("remove_file");
    fs::remove_dir(&newdir).expect("remove_dir");
    println!("cleaned up: {}", fs::metadata(&newdir).is_err() && fs::metadata(&newp).is_err());
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).expect("epoch").as_secs();
    println!("realtime after 2020: {}", secs > 1_577_836_800);
    let t = Instant::now();
    std::thread::sleep(Duration::from_millis(20));
    println!("slept 20 ms: {}", t.elapsed() >= Duration::from_millis(20));
    let mut m = HashMap::new();
    m.insert("azoth", 1);
    println!("hashmap: {}", m["azoth"]);
    let mut s = String::new();
    io::stdin().read_to_string(&mut s).expect("stdin");
    println!("stdin: {} bytes", s.len());
    eprintln!("to stderr");
    std::process::exit(3);
}
