// upcase, a WASI program in AssemblyScript: copies standard input to
// standard output with ASCII letters upper-cased; with arguments, writes
// them upper-cased instead, one per line. Exit status 0, or 1 when a read
// or write fails. AssemblyScript has no WASI library of its own: the four
// wasi_snapshot_preview1 calls it needs are declared here. Built with
// --exportStart _start (its top-level code is the program), the stub
// runtime and "--use abort=" (an abort is a plain trap); it allocates
// nothing.
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: i32, iovs: usize, n: i32, nread: usize): i32;
@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: i32, iovs: usize, n: i32, nwritten: usize): i32;
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function args_sizes_get(argc: usize, size: usize): i32;
@external("wasi_snapshot_preview1", "args_get")
declare function args_get(argv: usize, buf: usize): i32;
@external("wasi_snapshot_preview1", "proc_exit")
declare function proc_exit(code: i32): void;

const BUF = 4096;
const buf = memory.data(BUF);
const iov = memory.data(8);
const cnt = memory.data(4);

function upper(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (c >= 97 && c <= 122) store<u8>(p + i, c - 32);
  }
}

// Writes [p, p+n) whole to stdout; false on an error.
function out(p: usize, n: i32): bool {
  while (n > 0) {
    store<u32>(iov, <u32>p);
    store<u32>(iov + 4, n);
    if (fd_write(1, iov, 1, cnt) != 0) return false;
    const w = load<i32>(cnt);
    p += w;
    n -= w;
  }
  return true;
}

function main(): i32 {
  const sizes = memory.data(8);
  if (args_sizes_get(sizes, sizes + 4) != 0) return 1;
  const argc = load<i32>(sizes), size = load<i32>(sizes + 4);
  if (argc > 1) {
    // argv pointers then the strings, all in the 4 KiB buffer
    if (argc * 4 + size > BUF) return 1;
    if (args_get(buf, buf + argc * 4) != 0) return 1;
    for (let i = 1; i < argc; i++) {
      const s = <usize>load<u32>(buf + i * 4);
      let n = 0;
      while (load<u8>(s + n) != 0) n++;
      store<u8>(s + n, 10);          // the NUL becomes the line end
      upper(s, n);
      if (!out(s, n + 1)) return 1;
    }
    return 0;
  }
  let n = 1;
  while (n > 0) {
    store<u32>(iov, <u32>buf);
    store<u32>(iov + 4, BUF);
    if (fd_read(0, iov, 1, cnt) != 0) return 1;
    n = load<i32>(cnt);
    upper(buf, n);
    if (!out(buf, n)) return 1;
  }
  return 0;
}

proc_exit(main());
