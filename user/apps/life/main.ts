// life [GENERATIONS]: Conway's Game of Life in the right-hand tile of the
// screen (docs/display.md), in AssemblyScript on the SDK's Surface
// (sdk/assemblyscript/athanor.ts). A program the shell runs (`run life`);
// its one capability is surf.app (bin/life.caps).
//
// The board is the tile in cells of 8x8 pixels (32 x 96 on the 256x768
// tile), wrapping at the edges, seeded with a glider at the top left (cells
// (1,0) (2,1) (0,2) (1,2) (2,2)) and a blinker (cells (10..12, 5)). After
// GENERATIONS steps (default 4, at most 100000) it prints
//   life: G generations, A alive, P presents, S frames shown
// and exits 0. Each step presents only the rectangle of the cells that
// changed (the damage); nothing is allocated after start.
import { Surface, Room, args, put, putInt, putU64, endLine, println, strerror } from "../../../sdk/assemblyscript/athanor";

const CELL = 8;
const ALIVE: u32 = 0x40c040, DEAD: u32 = 0x101828;
const MAX_W = 64, MAX_H = 128;       // cells: room for a 512x1024 tile

const surf = new Surface("surf.app");
const cur = memory.data(MAX_W * MAX_H);
const nxt = memory.data(MAX_W * MAX_H);
const argBuf = memory.data(64);
const room = new Room(32);           // last: 2 MiB for the surface's buffer
let gw = 0, gh = 0, presents = 0;

function cell(x: i32, y: i32, c: u32): void {
  surf.fill(x * CELL, y * CELL, CELL, CELL, c);
}

function seed(x: i32, y: i32): void {
  store<u8>(cur + <usize>(y * gw + x), 1);
}

// The number argument, or def (-1 when it is not a number).
function number(def: i32): i32 {
  const n = args(argBuf, 64);
  if (n <= 0) return def;
  let v = 0;
  for (let i = 0; i < n && i < 64; i++) {
    const c = <i32>load<u8>(argBuf + i);
    if (c < 48 || c > 57 || v > 100000) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

// One generation: nxt from cur, the changed cells drawn; the damage's
// bounding box presented. How many cells are alive.
function step(): i32 {
  let x0 = gw, y0 = gh, x1 = -1, y1 = -1, alive = 0;
  for (let y = 0; y < gh; y++) {
    const up = (y + gh - 1) % gh, down = (y + 1) % gh;
    for (let x = 0; x < gw; x++) {
      const l = (x + gw - 1) % gw, r = (x + 1) % gw;
      const n = <i32>load<u8>(cur + <usize>(up * gw + l)) + <i32>load<u8>(cur + <usize>(up * gw + x)) +
                <i32>load<u8>(cur + <usize>(up * gw + r)) + <i32>load<u8>(cur + <usize>(y * gw + l)) +
                <i32>load<u8>(cur + <usize>(y * gw + r)) + <i32>load<u8>(cur + <usize>(down * gw + l)) +
                <i32>load<u8>(cur + <usize>(down * gw + x)) + <i32>load<u8>(cur + <usize>(down * gw + r));
      const was = load<u8>(cur + <usize>(y * gw + x));
      const now: u8 = n == 3 || (n == 2 && was != 0) ? 1 : 0;
      store<u8>(nxt + <usize>(y * gw + x), now);
      alive += now;
      if (now != was) {
        cell(x, y, now != 0 ? ALIVE : DEAD);
        x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y);
      }
    }
  }
  memory.copy(cur, nxt, <usize>(gw * gh));
  if (x1 >= 0 && surf.present(x0 * CELL, y0 * CELL, (x1 - x0 + 1) * CELL, (y1 - y0 + 1) * CELL) == 0)
    presents++;
  return alive;
}

export function _start(): i32 {
  const gens = number(4);
  if (gens < 0 || gens > 100000) {
    println("usage: life [GENERATIONS]   (0..100000)");
    return 1;
  }
  const e = surf.open(room);
  if (e < 0) {
    put("life: no surface (surf.app): ");
    put(strerror(e));
    endLine();
    return 1;
  }
  gw = min(surf.width / CELL, MAX_W);
  gh = min(surf.height / CELL, MAX_H);
  memory.fill(cur, 0, MAX_W * MAX_H);
  seed(1, 0); seed(2, 1); seed(0, 2); seed(1, 2); seed(2, 2);
  seed(10, 5); seed(11, 5); seed(12, 5);
  surf.fill(0, 0, surf.width, surf.height, DEAD);
  let alive = 0;
  for (let y = 0; y < gh; y++)
    for (let x = 0; x < gw; x++)
      if (load<u8>(cur + <usize>(y * gw + x)) != 0) { cell(x, y, ALIVE); alive++; }
  if (surf.present(0, 0, surf.width, surf.height) == 0) presents++;
  for (let g = 0; g < gens; g++) alive = step();
  const st = surf.stats();
  put("life: ");
  putInt(gens);
  put(" generations, ");
  putInt(alive);
  put(" alive, ");
  putInt(presents);
  put(" presents, ");
  putU64(st < 0 ? 0 : <u64>(st & 0xffffffff));
  put(" frames shown");
  endLine();
  return 0;
}
