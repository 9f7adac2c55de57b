#!/usr/bin/env bash
# Disassembles the compiled tier's x86_64 code of a module (debugging; docs/compiler.md):
#   tools/jitdump.sh prog.wasm [FUNC...]    every compiled function, or only those indices
# The runner (AZOTH_WASM, default build/azoth-wasm) loads the module with
# AZOTH_JIT_DUMP and runs it with no fuel (it stops at the first safe point);
# each function is printed from its entry to the next one's.
set -eu
prog=$1; shift
runner=${AZOTH_WASM:-build/azoth-wasm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
AZOTH_JIT_DUMP=$tmp/code "$runner" run --fuel 1 "$prog" >/dev/null 2>&1 || true
[ -s "$tmp/code.map" ] || { echo "jitdump: no machine code for $prog" >&2; exit 1; }
size=$(stat -c %s "$tmp/code")
mapfile -t rows < <(while read -r i o; do echo "$i $((16#$o))"; done < <(grep -v '^#' "$tmp/code.map") | sort -n -k2)
for ((k = 0; k < ${#rows[@]}; k++)); do
    read -r fi start <<<"${rows[k]}"
    if ((k + 1 < ${#rows[@]})); then read -r _ stop <<<"${rows[k + 1]}"; else stop=$size; fi
    if (($# > 0)); then
        want=0
        for f in "$@"; do [ "$f" = "$fi" ] && want=1; done
        ((want)) || continue
    fi
    echo "== func $fi (offset $(printf '%#x' "$start"))"
    objdump -D -b binary -mi386:x86-64 -M intel --start-address="$start" --stop-address="$stop" \
        "$tmp/code" | tail -n +8
done
