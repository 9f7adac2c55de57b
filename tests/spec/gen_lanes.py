# The lane-op module of tests/spec/regress.wast ("lanes", "mem"):
#   python3 tests/spec/gen_lanes.py
# prints it. Twelve v128 accumulators live across a loop, so the compiled
# tier keeps them in XMM registers from xmm2 up into xmm8-xmm15; on them,
# every lane of every shape: extract_lane (signed and unsigned), replace_lane
# (integers from general registers; floats from XMM registers, loaded or
# extracted), load*_lane and store*_lane, any_true, all_true, bitmask, float
# splats, extracted floats stored. Lanes hold NaNs with payloads (the
# 0x7fc0.. and 0xff80.. lanes): extracts and inserts must keep their bits.
# The expected values in regress.wast are wabt's (spectest-interp).
# Generates the lane-op regression module for tests/spec/regress.wast.
N = 12
shapes = [  # (name, lanes, extract ops, replace op, scalar type)
    ("i8x16", 16, ["extract_lane_s", "extract_lane_u"], "i32"),
    ("i16x8", 8, ["extract_lane_s", "extract_lane_u"], "i32"),
    ("i32x4", 4, ["extract_lane"], "i32"),
    ("i64x2", 2, ["extract_lane"], "i64"),
    ("f32x4", 4, ["extract_lane"], "f32"),
    ("f64x2", 2, ["extract_lane"], "f64"),
]
def mix(e):  # s = s*31 + e (e: i64)
    return f"      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) {e}))"
def to64(ty, e):
    return {"i32": f"(i64.extend_i32_u {e})", "i64": e,
            "f32": f"(i64.extend_i32_u (i32.reinterpret_f32 {e}))",
            "f64": f"(i64.reinterpret_f64 {e})"}[ty]
def scalar(ty, salt):
    base = f"(i32.add (i32.mul (local.get $i) (i32.const {0x9E3779B1 + salt * 7919 & 0x7fffffff})) (i32.const {salt * 0x01010101 & 0x7fffffff}))"
    return {"i32": base, "i64": f"(i64.rotl (i64.extend_i32_u {base}) (i64.const {salt % 64}))",
            "f32": f"(f32.reinterpret_i32 {base})",
            "f64": f"(f64.reinterpret_i64 (i64.rotl (i64.extend_i32_u {base}) (i64.const {salt % 64 + 1})))"}[ty]
body = []
k = 0
for pas, mul in ((0, 1), (1, 5)):
    for si, (sh, lanes, ex, ty) in enumerate(shapes):
        for L in range(lanes):
            a = (L * mul + si + 3 * pas) % N
            for op in ex:
                rty = ty
                body.append(mix(to64(rty, f"({sh}.{op} {L} (local.get $a{a}))")))
            # replace lane L of another accumulator
            b = (a + 7) % N
            sc = scalar(ty, k)
            if ty in ("f32", "f64") and k % 3 == 1:   # a float from memory, in an XMM register
                sc = f"({ty}.load offset={L * 4} (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 63)))"
            elif ty in ("f32", "f64") and k % 3 == 2:   # a lane of another vector
                sc = f"({sh}.extract_lane {(L + 1) % lanes} (local.get $a{(b + 2) % N}))"
            body.append(f"      (local.set $a{b} ({sh}.replace_lane {L} (local.get $a{b}) {sc}))")
            k += 1
    # lane loads and stores, every lane of every size
    for n, lanes in ((8, 16), (16, 8), (32, 4), (64, 2)):
        for L in range(lanes):
            a = (L * mul + n + pas) % N
            addr = f"(i32.and (i32.add (local.get $i) (i32.const {L * 8 + n})) (i32.const 127))"
            body.append(f"      (local.set $a{a} (v128.load{n}_lane {L} {addr} (local.get $a{a})))")
            b = (a + 5) % N
            addr2 = f"(i32.add (i32.and (i32.mul (local.get $i) (i32.const {L + 3})) (i32.const 127)) (i32.const 128))"
            body.append(f"      (v128.store{n}_lane {L} {addr2} (local.get $a{b}))")
    # tests
    for a in range(N):
        m = f"(v128.and (local.get $a{a}) (v128.const i32x4 0x{0x01 << (a % 8):02x} 0 0x{0x80 >> (a % 8):02x}00 0))"
        body.append(mix(f"(i64.extend_i32_u (v128.any_true (local.get $a{a})))"))
        body.append(mix(f"(i64.extend_i32_u (v128.any_true {m}))"))
        for sh in ("i8x16", "i16x8", "i32x4", "i64x2"):
            body.append(mix(f"(i64.extend_i32_u ({sh}.all_true (local.get $a{a})))"))
            body.append(mix(f"(i64.extend_i32_u ({sh}.bitmask (local.get $a{a})))"))
    # float splats from an extracted lane, from a load
    for a in range(N):
        b = (a + 3) % N
        if a % 2:
            body.append(f"      (local.set $a{b} (i64x2.add (local.get $a{b}) (f64x2.splat (f64x2.extract_lane {a % 2} (local.get $a{a})))))")
        else:
            body.append(f"      (local.set $a{b} (i32x4.add (local.get $a{b}) (f32x4.splat (f32x4.extract_lane {a % 4} (local.get $a{a})))))")
    for a in range(0, N, 3):
        body.append(f"      (local.set $a{a} (i32x4.add (local.get $a{a}) (f32x4.splat (f32.load offset=4 (i32.and (local.get $i) (i32.const 63))))))")
        body.append(f"      (local.set $a{a} (i64x2.add (local.get $a{a}) (f64x2.splat (f64.load offset=8 (i32.and (local.get $i) (i32.const 63))))))")
    # extracted floats stored from their register
    for a in range(N):
        body.append(f"      (f64.store offset=256 (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 120)) (f64x2.extract_lane {a % 2} (local.get $a{a})))")
        body.append(f"      (f32.store offset=400 (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 60)) (f32x4.extract_lane {(a * 3) % 4} (local.get $a{a})))")
    for a in range(N):   # keep every accumulator moving
        body.append(f"      (local.set $a{a} (i32x4.add (local.get $a{a}) (local.get $a{(a + 1) % N})))")

locals_ = " ".join(f"(local $a{a} v128)" for a in range(N))
out = []
out.append("(module")
out.append("  (memory 1)")
out.append('  (func (export "lanes") (param $v v128) (param $n i32) (result i64)')
out.append(f"    (local $i i32) (local $s i64) {locals_}")
for a in range(N):
    out.append(f"    (local.set $a{a} (i32x4.add (local.get $v) (v128.const i32x4 {a} {a * 0x01010101} {0x7fc00000 + a} {0xff800001 - a})))")
out.append("    (loop $l")
out += body
out.append("      (local.set $i (i32.add (local.get $i) (i32.const 1)))")
out.append("      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))")
fold = "(local.get $s)"
for a in range(N):
    fold = f"(i64.add (i64.mul {fold} (i64.const 31)) (i64.add (i64x2.extract_lane 0 (local.get $a{a})) (i64x2.extract_lane 1 (local.get $a{a}))))"
out.append(f"    {fold})")
# memory checksum
out.append('  (func (export "mem") (result i64) (local $p i32) (local $s i64)')
out.append("    (loop $l")
out.append("      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 31)) (i64.load (local.get $p))))")
out.append("      (local.set $p (i32.add (local.get $p) (i32.const 8)))")
out.append("      (br_if $l (i32.lt_u (local.get $p) (i32.const 512))))")
out.append("    (local.get $s)))")
print("\n".join(out))
