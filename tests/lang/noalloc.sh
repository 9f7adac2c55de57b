#!/usr/bin/env bash
# noalloc.sh MODULE.wasm: checks that no export of an AssemblyScript module
# (its handlers, a driver's _start loop) can reach the runtime's allocator
# (~lib/rt/: __new, __alloc, __renew ...) or grow memory: what it makes is
# made by its start function (top-level code) and by nothing after. The
# module must carry its function names (asc --debug). A call_indirect
# reachable from an export is refused too (its target cannot be told).
# Prints "noalloc: MODULE: N functions reachable from E exports, none allocates"
# or what reaches what; exit status 0 when nothing does.
set -u
m=$1
wasm-objdump -d "$m" >"$m.dis" 2>/dev/null && wasm-objdump -x -j Export "$m" >"$m.exp" 2>/dev/null ||
    { echo "noalloc: $m: wasm-objdump failed"; exit 2; }
awk -v mod="$(basename "$m")" -v expfile="$m.exp" '
    BEGIN {
        while ((getline l < expfile) > 0)
            if (l ~ /- func\[[0-9]+\]/) { match(l, /func\[[0-9]+\]/); n = substr(l, RSTART + 5, RLENGTH - 6); roots[n] = 1; nroots++ }
    }
    /^[0-9a-f]+ func\[[0-9]+\] </ {
        match($0, /func\[[0-9]+\]/); cur = substr($0, RSTART + 5, RLENGTH - 6)
        match($0, /<.*>/); name[cur] = substr($0, RSTART + 1, RLENGTH - 2); next
    }
    / call [0-9]+ </ { match($0, / call [0-9]+ /); t = substr($0, RSTART + 6, RLENGTH - 7); edges[cur] = edges[cur] " " t; next }
    / call_indirect / { if (index(bad[cur], "call_indirect") == 0) bad[cur] = bad[cur] " call_indirect"; next }
    / memory\.grow/ { if (index(bad[cur], "memory.grow") == 0) bad[cur] = bad[cur] " memory.grow"; next }
    END {
        # imports have no body: their names come from the call lines
        for (r in roots) { queue[++qn] = r; seen[r] = 1; via[r] = "" }
        for (i = 1; i <= qn; i++) {
            f = queue[i]
            k = split(edges[f], to, " ")
            for (j = 1; j <= k; j++) if (!(to[j] in seen)) { seen[to[j]] = 1; via[to[j]] = f; queue[++qn] = to[j] }
        }
        fails = 0
        for (f in seen) {
            why = bad[f]
            if (name[f] ~ /^~lib\/rt\//) why = why " the allocator"
            if (why == "") continue
            fails++
            path = name[f]; g = via[f]
            while (g != "") { path = name[g] " -> " path; g = via[g] }
            printf "noalloc: %s:%s reachable: %s\n", mod, why, path
        }
        if (!fails) printf "noalloc: %s: %d functions reachable from %d exports, none allocates\n", mod, qn, nroots
        exit fails ? 1 : 0
    }' "$m.dis"
