#!/usr/bin/env bash
# Builds the fuzzer's seed corpus in OUTDIR (default build/fuzz/seeds):
#  - every binary module wast2json extracts from the spec suite's top-level
#    .wast files (WASM_TESTSUITE, default ../shared/wasm-testsuite), except
#    the SIMD ones: the engine rejects v128 until SIMD lands;
#  - tests/fuzz/seeds/*.wat, converted with wat2wasm;
#  - tests/fuzz/regress/*.wasm, inputs that once failed (fixed crashers);
#  - FUZZ_GEN_SEEDS (default 64) random recipes for the target's module
#    generator (first byte non-zero: see fuzz_wasm.c);
#  - FUZZ_TTF_SEEDS (default 100) valid modules that binaryen's wasm-opt
#    -ttf makes out of random bytes: loops, calls, memory traffic, the kind
#    of code that byte mutations of other seeds rarely reach. Random each
#    build; a failing input is kept by libFuzzer, so that is no loss.
# Duplicates are removed at the end. A missing suite is not an error: the
# other seeds still make a corpus.
set -eu
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz/seeds}
suite=${WASM_TESTSUITE:-$(cd .. && pwd)/shared/wasm-testsuite}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"   # a fresh set: no stale modules from older runs
mkdir -p "$out"

nspec=0
if [ -d "$suite" ]; then
    for w in "$suite"/*.wast; do
        case $(basename "$w") in simd_*) continue ;; esac
        b=$(basename "$w" .wast)
        mkdir -p "$tmp/$b"
        if ! wast2json "$w" -o "$tmp/$b/$b.json" 2>/dev/null; then
            # Many spec modules are the same bytes: keep one of each.
(cd "$out" && sha1sum -- * | sort -k1,1 | awk 'seen[$1]++ { print $2 }' | xargs -r rm -f --)
echo "make_seeds: wast2json failed on $w (skipped)" >&2
            continue
        fi
        set -- "$tmp/$b"/*.wasm
        [ -e "$1" ] || continue
        cp "$@" "$out/"   # one cp per .wast: named <wast>.<n>.wasm, unique
        nspec=$((nspec + $#))
    done
else
    # Many spec modules are the same bytes: keep one of each.
(cd "$out" && sha1sum -- * | sort -k1,1 | awk 'seen[$1]++ { print $2 }' | xargs -r rm -f --)
echo "make_seeds: no spec suite at $suite; using tests/fuzz/seeds only" >&2
fi

nwat=0
for w in tests/fuzz/seeds/*.wat; do
    [ -e "$w" ] || continue
    wat2wasm "$w" -o "$out/seed-$(basename "$w" .wat).wasm"
    nwat=$((nwat + 1))
done
nreg=0
for w in tests/fuzz/regress/*.wasm; do
    [ -e "$w" ] || continue
    cp "$w" "$out/regress-$(basename "$w")"
    nreg=$((nreg + 1))
done

ngen=0
for i in $(seq 1 "${FUZZ_GEN_SEEDS:-64}"); do
    { printf '\001'; head -c $((64 + i * 64)) /dev/urandom; } >"$out/recipe-$i"
    ngen=$((ngen + 1))
done

# Wasm 2.0 less reference types: binaryen 108 writes typed function
# references for them, which a 2.0 validator rightly rejects.
nttf=0
ttf_features=(--mvp-features --enable-bulk-memory --enable-multivalue --enable-sign-ext
              --enable-nontrapping-float-to-int --enable-mutable-globals)
if command -v wasm-opt >/dev/null 2>&1; then
    for i in $(seq 1 "${FUZZ_TTF_SEEDS:-100}"); do
        head -c 16384 /dev/urandom >"$tmp/random.bin"
        wasm-opt -ttf "$tmp/random.bin" "${ttf_features[@]}" -o "$out/ttf-$i.wasm" \
            2>/dev/null || continue
        nttf=$((nttf + 1))
    done
fi
# Many spec modules are the same bytes: keep one of each.
(cd "$out" && sha1sum -- * | sort -k1,1 | awk 'seen[$1]++ { print $2 }' | xargs -r rm -f --)
echo "make_seeds: $nspec spec modules, $nwat .wat seeds, $nreg regressions, $ngen recipes, $nttf wasm-opt -ttf modules -> $(ls "$out" | wc -l) files in $out"
