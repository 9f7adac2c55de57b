#!/usr/bin/env bash
# Modules in other languages (docs/languages.md, mk/lang.mk):
#   - the Rust SDK's ownership forms are checked by the borrow checker:
#     lending or moving a mapped buffer, using a moved one, do not compile;
#   - the Rust SDK, the AssemblyScript compiler and the product modules
#     build; `make modules` lists each product module with its language and
#     size, with at least a driver and a service in Rust and in
#     AssemblyScript and a driver in WAT;
#   - the AssemblyScript product modules allocate only at start: no export
#     reaches the allocator or memory.grow (tests/lang/noalloc.sh);
#   - the WAT import list (sdk/wat/athanor.wat) names exactly the kernel's
#     host calls with their signatures; the WAT template builds and
#     validates;
#   - the tutorial (docs/writing-a-driver.md): every quoted file is the file
#     in docs/tutorial/, each of the four builds and runs on the hosted
#     kernel core (lang_check);
#   - WASI programs in Rust (std) and AssemblyScript run under azoth-wasm;
#   - the AssemblyScript virtqueue (sdk/assemblyscript/virtio.ts) against a
#     device played by tests/lang/virtq.ts, hostile entries included;
#   - the product kernel boots with these components on the hosted port and
#     in QEMU on x86_64, aarch64 and riscv64 (or the arches named as
#     arguments) and init's tour shows each one doing its work;
#   - the call-cost bench runs and its sums check (no timing asserted).
# (The fault drills, a Rust panic and an AssemblyScript abort, run in the
# test kernels: scenario langs in tests/groups/60-boot.sh.)
set -u
cd "$(dirname "$0")/../.."

ARCHES=${*:-x86_64 aarch64 riscv64}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
OUT=build/lang-tests
mkdir -p "$OUT"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# ------------------------------------------------------------ build, listing

if make -s lang-sdk >"$OUT/sdk.log" 2>&1; then ok "Rust SDK (/usr/bin/rustc) and asc build"
else bad "SDK build (log $OUT/sdk.log)"; fi

if make -s modules >"$OUT/modules.txt" 2>"$OUT/modules.err"; then
    ok "product modules build"
else
    bad "product modules build (log $OUT/modules.err)"
fi
listing_ok=1
while read -r word name lang bytes; do
    [ "$word" = module ] || continue
    f=build/modules/$name.wasm
    if [ ! -f "$f" ] || [ "$(stat -c %s "$f")" != "$bytes" ]; then
        listing_ok=0; echo "modules: $name: $bytes bytes listed, file $f differs" >&2
    fi
    case $lang in c|rust|assemblyscript|wat) ;; *) listing_ok=0; echo "modules: $name: language $lang" >&2 ;; esac
done <"$OUT/modules.txt"
[ "$(grep -c '^module ' "$OUT/modules.txt")" -ge 8 ] || listing_ok=0
if [ $listing_ok = 1 ]; then ok "make modules: 'module NAME LANGUAGE BYTES' for each, sizes match"
else bad "make modules listing ($OUT/modules.txt)"; fi
for want in "drivers/[^ ]* rust" "services/[^ ]* rust" "drivers/[^ ]* assemblyscript" \
            "services/[^ ]* assemblyscript" "drivers/[^ ]* wat" "drivers/vkbd assemblyscript" \
            "bin/gpsfix rust" "bin/bars rust" "bin/where assemblyscript" "bin/life assemblyscript"; do
    if grep -Eq "^module $want [0-9]+$" "$OUT/modules.txt"; then ok "product image has a ${want#*] }: $(grep -Em1 "^module $want " "$OUT/modules.txt" | cut -d' ' -f2)"
    else bad "product image lacks a module matching '$want'"; fi
done

# AssemblyScript modules allocate only in their start function: rebuilt
# with names (--debug), no export reaches the allocator or memory.grow
# (tests/lang/noalloc.sh walks the call graph).
na_ok=1 na_n=0
rm -f "$OUT/noalloc.txt"
while read -r word name lang bytes; do
    [ "$word" = module ] && [ "$lang" = assemblyscript ] || continue
    src=user/${name/#bin\//apps/}/main.ts
    out=$OUT/noalloc-${name//\//-}.wasm
    na_n=$((na_n + 1))
    if ! sdk/assemblyscript/node_modules/.bin/asc "$src" --runtime stub -O3 --debug \
            --use abort=sdk/assemblyscript/athanor/athAbort -o "$out" >"$OUT/noalloc.log" 2>&1 ||
       ! bash tests/lang/noalloc.sh "$out" >>"$OUT/noalloc.txt"; then
        na_ok=0; echo "noalloc: $name: $(tail -n 3 "$OUT/noalloc.txt" "$OUT/noalloc.log" | tr '\n' ' ')" >&2
    fi
done <"$OUT/modules.txt"
if [ $na_ok = 1 ] && [ $na_n -ge 5 ]; then
    ok "AssemblyScript product modules ($na_n): no export reaches the allocator or memory.grow"
else bad "AssemblyScript allocation check ($na_n modules; $OUT/noalloc.txt)"; fi

# ------------------------------------------------------------ Rust ownership

# The buffer forms as types: each tests/lang/ownership/*.rs says on its
# first line "must build" or "must fail: E0NNN" (the borrow checker's
# error), and rustc must agree.
for f in tests/lang/ownership/*.rs; do
    want=$(head -n 1 "$f" | sed -n 's/^\/\/ must fail: \(E[0-9]*\).*/\1/p')
    got=$(/usr/bin/rustc --edition 2021 --target wasm32-unknown-unknown -C panic=abort --crate-type bin \
          --crate-name own --extern athanor=build/sdk/rust/libathanor.rlib --emit=metadata \
          -o "$OUT/own.rmeta" "$f" 2>&1); st=$?
    codes=$(echo "$got" | grep -oE '^error\[E[0-9]+\]' | grep -oE 'E[0-9]+' | sort -u | tr '\n' ' ')
    if [ -z "$want" ] && [ $st = 0 ]; then ok "ownership: $(basename "$f") builds"
    elif [ -n "$want" ] && [ $st != 0 ] && [ "$codes" = "$want " ]; then ok "ownership: $(basename "$f") refused ($want)"
    else bad "ownership: $(basename "$f"): status $st, errors [$codes], want [${want:-none}]"; fi
done

# ------------------------------------------------------------ WAT

# Each import of the list against the kernel's table entry {"name", "sig"}
# (i: i32, I: i64, params:results).
wat_ok=1
n=0
while read -r name sig; do
    n=$((n + 1))
    if ! grep -hq "{\"$name\", \"$sig\"" kernel/core/*.c; then
        wat_ok=0; echo "sdk/wat/athanor.wat: $name $sig is not a kernel host call" >&2
    fi
done < <(grep -o '(import "athanor" "[a-z_]*" *(func \$[a-z_]* *[^;]*' sdk/wat/athanor.wat | awk '{
    name = $3; gsub(/"/, "", name); p = ""; r = ""; side = "";
    for (i = 4; i <= NF; i++) {
        w = $i; gsub(/[()]/, "", w);
        if (w == "param") side = "p"; else if (w == "result") side = "r";
        else if (w == "i32" || w == "i64") { c = (w == "i32") ? "i" : "I"; if (side == "p") p = p c; else r = r c }
    }
    print name, p ":" r }')
# ... and every kernel host call is in the list (a new one must be added).
for k in $(grep -ho '{"[a-z_]*", "[iI]*:[iI]*", hc_' kernel/core/*.c | cut -d'"' -f2); do
    grep -q "(import \"athanor\" \"$k\"" sdk/wat/athanor.wat ||
        { wat_ok=0; echo "sdk/wat/athanor.wat: the kernel's host call $k is missing: add it" >&2; }
done
if [ $wat_ok = 1 ] && wat2wasm sdk/wat/athanor.wat -o "$OUT/athanor-imports.wasm"; then
    ok "sdk/wat/athanor.wat: $n imports, exactly the kernel's host calls with their signatures"
else
    bad "sdk/wat/athanor.wat import list ($n imports; see above)"
fi
make -s build/azoth-wasm >/dev/null 2>&1
if wat2wasm sdk/wat/template.wat -o "$OUT/template.wasm" && build/azoth-wasm validate "$OUT/template.wasm" >/dev/null; then
    ok "sdk/wat/template.wat builds and validates"
else bad "sdk/wat/template.wat"; fi

# ------------------------------------------------------------ the tutorial

# Every block opened by ```LANG docs/tutorial/... must be that file, whole.
doc=docs/writing-a-driver.md
quoted=0 same=1
while read -r f; do
    quoted=$((quoted + 1))
    awk -v f="$f" '$0 ~ "^```[a-z]+ " f "$" {on = 1; next} on && /^```$/ {exit} on {print}' "$doc" >"$OUT/quoted"
    if ! cmp -s "$OUT/quoted" "$f"; then same=0; echo "$doc: the block quoting $f differs from it" >&2; fi
done < <(grep -oE '^```[a-z]+ docs/tutorial/[^ ]+$' "$doc" 2>/dev/null | cut -d' ' -f2)
if [ "$quoted" -ge 4 ] && [ $same = 1 ]; then ok "$doc quotes its $quoted files exactly"
else bad "$doc: $quoted files quoted, all the same: $same"; fi
if make -s tutorial >"$OUT/tutorial.log" 2>&1; then
    for m in c rust as wat; do
        if build/lang-bench/lang_check ../../tutorial/ticks-$m.wasm >"$OUT/tutorial-$m.log" 2>&1; then
            ok "tutorial driver ($m) runs: $(cat "$OUT/tutorial-$m.log")"
        else bad "tutorial driver ($m): $(head -n 3 "$OUT/tutorial-$m.log")"; fi
    done
else
    bad "tutorial build (log $OUT/tutorial.log): 4 checks"; fail=$((fail + 3))
fi

# ------------------------------------------------------------ WASI programs

RUN=build/san/azoth-wasm
if make -s programs "$RUN" >"$OUT/programs.log" 2>&1; then
    mkdir -p "$OUT/d"
    printf 'one two\nthree\n' >"$OUT/d/a.txt"
    printf 'x\n\n  y z  \n' >"$OUT/d/b.txt"
    got=$($RUN run --dir "$OUT/d::/d" build/programs/wc.wasm /d/a.txt /d/b.txt 2>&1)
    want=$'2 3 14 /d/a.txt\n3 3 11 /d/b.txt\n5 6 25 total'
    if [ "$got" = "$want" ]; then ok "wc (Rust, std, wasm32-wasi) counts two files"
    else bad "wc: got [$got]"; fi
    got=$($RUN run --dir "$OUT/d::/d" build/programs/wc.wasm /d/none 2>&1); st=$?
    if [ $st = 1 ] && [[ $got == "wc: /d/none: No such file"* ]]; then ok "wc: a missing file is an error, status 1"
    else bad "wc missing file: status $st [$got]"; fi
    got=$(printf 'Hello, Azoth!\n' | $RUN run build/programs/upcase.wasm 2>&1); st=$?
    if [ $st = 0 ] && [ "$got" = 'HELLO, AZOTH!' ]; then ok "upcase (AssemblyScript, WASI) filters stdin"
    else bad "upcase stdin: status $st [$got]"; fi
    got=$($RUN run build/programs/upcase.wasm ab 'c d' 2>&1); st=$?
    if [ $st = 0 ] && [ "$got" = $'AB\nC D' ]; then ok "upcase: arguments"
    else bad "upcase args: status $st [$got]"; fi
else
    bad "WASI programs build (log $OUT/programs.log): 4 checks"; fail=$((fail + 3))
fi

# ------------------------------------------------------------ AssemblyScript virtqueue

if make -s build/lang-tests/virtq.wasm "$RUN" >"$OUT/virtq-build.log" 2>&1; then
    got=$($RUN run build/lang-tests/virtq.wasm 2>&1); st=$?
    if [ $st = 0 ] && [[ $got == "virtq (assemblyscript): "*" checks, 0 failed" ]]; then
        ok "AssemblyScript virtqueue against a hostile device: ${got#virtq (assemblyscript): }"
    else bad "AssemblyScript virtqueue: status $st [$(echo "$got" | tr '\n' '|')]"; fi
else bad "AssemblyScript virtqueue test build (log $OUT/virtq-build.log)"; fi

# ------------------------------------------------------------ product boots

# init's tour: each component did its work (user/services/init/init.c).
check_tour() {
    local a=$1 log=$2 st=$3
    local lines=("init: rng \\(rust driver\\): two draws differ, 256 bytes filled, [0-9]+ non-zero"
                 "init: zero \\(wat driver\\): 4096 bytes cleared"
                 "init: timer \(assemblyscript driver\): slept [0-9]+ us of 2000"
                 "init: sysmon \(assemblyscript\) reported [0-9]+ domains through log \(rust\)"
                 "log: \[[0-9]+\.[0-9]{3}\] rng ready .*")
    local l ok_all=1
    for l in "${lines[@]}"; do
        grep -Eqx "$l" "$log" || { ok_all=0; echo "$a: no line /$l/" >&2; }
    done
    # rng holds the fine clock (manifest), so its seed saw clock jitter.
    local d
    d=$(sed -n 's/^rng: seeded from clock jitter (\([0-9]*\) distinct intervals of 512)$/\1/p' "$log")
    [ "${d:-0}" -ge 64 ] || { ok_all=0; echo "$a: rng seed saw ${d:-no} distinct clock intervals (< 64)" >&2; }
    if [ $ok_all = 1 ] && ! grep -q 'init: .* failed' "$log" && grep -qx 'athanor: poweroff status 0' "$log" &&
       [ "$st" != 124 ]; then
        ok "$a product boot: rng (rust), zero (wat), timer + sysmon (assemblyscript), log (rust) at work"
    else
        bad "$a product boot (log $log, status $st): $(grep -m1 'init: .* failed' "$log")"
    fi
}

if make -s ARCH=hosted kernel >"$OUT/hosted-build.log" 2>&1; then
    timeout 60 build/kernel/hosted/athanor.elf athanor.once </dev/null >"$OUT/hosted.log" 2>&1
    check_tour hosted "$OUT/hosted.log" $?
else bad "hosted product kernel build (log $OUT/hosted-build.log)"; fi

for a in $ARCHES; do
    if ! make -s ARCH="$a" kernel >"$OUT/$a-build.log" 2>&1; then
        bad "$a product kernel build (log $OUT/$a-build.log)"
        continue
    fi
    cmd=$(make -s ARCH="$a" print-run)
    timeout -k 5 "$BOOT_TIMEOUT" $cmd -append athanor.once </dev/null 2>&1 | tr -d '\r' >"$OUT/$a.log"
    check_tour "$a" "$OUT/$a.log" "${PIPESTATUS[0]}"
done

# ------------------------------------------------------------ bench smoke

if make -s bench-lang >"$OUT/bench.log" 2>&1 && grep -q '^lang: call into C' "$OUT/bench.log"; then
    ok "bench-lang runs, every result checked ($(grep '^lang:' "$OUT/bench.log"))"
else bad "bench-lang (log $OUT/bench.log)"; fi

echo "lang: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
