#!/usr/bin/env bash
# Mutation testing (docs/testing.md): plants one-line bugs, one at a time,
# in a scratch copy of the tree and checks that the relevant tests fail.
#
#   scripts/mutate.sh [name-substring ...]     (make mutate [MUTATE_ONLY=...])
#   scripts/mutate.sh --check [name-substring ...]   (make mutate-check)
#
# --check plants nothing and runs nothing: it checks that each mutation can
# be planted in the working tree as it stands (its file where it says, its
# text found as the planting finds it, a `to` that differs, known test
# kinds, a name of its own) and ends
# `mutate: N mutations checked, E errors` (status 0 iff E is 0). The tests
# run it (tests/groups/12-mutation-list.sh), so a change that moves a
# mutation's text fails at once instead of at the next `make mutate`.
#
# The mutations are tests/mutations.txt: blocks of
#   name  <unique name>
#   file  <path>          (if it moved, the one file with that base name is used)
#   near  <text>          (optional; occurs exactly once: then `from` is its
#                          first occurrence after this text)
#   from  <text>          (else must occur exactly once in the file)
#   to    <text>          (what it becomes)
#   test  <kind[:arg]> ...
# Test kinds (each builds what it runs first; a build failure is an error,
# not a catch):
#   unit[:filter]    build/san/unit_tests [filter]
#   khost[:filter]   build/san/kernel_tests [filter]
#   sched            build/san/sched_tests
#   wasi             tests/groups/40-wasi.sh
#   spec:a,b,...     scripts/spec.sh a b ... (the ASan runner: it shares the
#                    sanitized engine with unit, so a mutant compiles once)
#   spec-interp:...  the same on the interpreter (ENGINE=interp; the compiled
#                    tier is the default where there is one)
#   spec-explicit:.. the same on the compiled tier with explicit bounds checks
#                    (BOUNDS=explicit; guard regions are the x86_64 default)
#   spec-a64:a,b,... the same files on the aarch64 runner under qemu-aarch64
#                    (mk/xarch.mk), compiled tier, explicit bounds checks and
#                    then guard regions
#   spec-rv64:a,b,.. the same on the riscv64 runner under qemu-riscv64
#   unit-a64[:filter] the unit tests on the aarch64 runner under qemu-aarch64
#   regress          tests/spec/regress.wast on the ASan runner, compiled tier
#   regress-sse2     tests/spec/regress.wast on the optimised runner under
#                    qemu-x86_64 -cpu qemu64 (no SSSE3, no SSE4.1: the x86_64
#                    back end's SSE2-only forms), compiled tier
#   regress-a64      tests/spec/regress.wast on the aarch64 runner, compiled tier
#   kspec            tests/groups/35-kspec-host.sh
#   faults           tests/groups/70-faults.sh
#   kfuzz            the kernel fuzz targets over their regression inputs and seeds, once
#   boot             tests/groups/60-boot.sh x86_64
#   display          tests/groups/66-display.sh x86_64 (the product kernel)
#   dispfuzz         tests/groups/53-fuzz-dispfiles.sh (the display's files.c
#                    under libFuzzer: its seeds, regression inputs, 10 s)
#   privacy          tests/groups/67-privacy.sh x86_64 (the product kernel, the GPS fed)
#   lang             tests/groups/65-lang.sh x86_64 (SDKs, tutorial, the AS virtqueue, boots)
#   shell            tests/groups/65-shell.sh x86_64 (the product kernel and the system disk)
#   wasios           tests/groups/66-wasi-os.sh x86_64 (WASI programs from disk, make run CMD=, the shell)
# Before the mutations every kind in use runs on the unmutated copy and must
# pass (else nothing is measured). Per mutation: caught (a test failed or
# timed out), MISSED, or ERROR (the text is not in the file or not unique,
# the file is gone, or the mutant does not build). Last line:
#   mutate: C caught, M missed[, E errors]
# Exit status 0 iff nothing was missed and nothing was an error.
# Variables: MUTATE_DIR (scratch, default /tmp/azoth-mutate), MUTATE_LIST,
# MUTATE_TIMEOUT (seconds per test command, default 900).
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
list=${MUTATE_LIST:-$src/tests/mutations.txt}
dir=${MUTATE_DIR:-/tmp/azoth-mutate}
limit=${MUTATE_TIMEOUT:-900}
[ -f "$list" ] || { echo "mutate: no mutation list $list" >&2; exit 2; }

# ------------------------------------------------------------ the list

names=() files=() nears=() froms=() tos=() tests=()
parse() {
    local key val n=-1 line
    while IFS= read -r line || [ -n "$line" ]; do
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        key=${line%% *}
        val=${line#"$key"}
        val=${val#"${val%%[! ]*}"}          # leading blanks go
        case $key in
            name) n=$((n + 1)); names[n]=$val; files[n]=""; nears[n]=""; froms[n]=""; tos[n]=""
                  tests[n]="" ;;
            near) nears[n]=$val ;;
            file) files[n]=$val ;;
            from) froms[n]=$val ;;
            to) tos[n]=$val ;;
            test) tests[n]="${tests[n]} $val" ;;
            *) echo "mutate: $list: unknown key '$key'" >&2; exit 2 ;;
        esac
    done <"$list"
}
parse
for i in "${!names[@]}"; do
    if [ -z "${files[i]}" ] || [ -z "${froms[i]}" ] || [ -z "${tests[i]// /}" ]; then
        echo "mutate: ${names[i]}: needs file, from and test" >&2
        exit 2
    fi
done

# selected I [substring ...]: mutation I is one of those asked for.
selected() {
    local i=$1 p
    shift
    [ $# -eq 0 ] && return 0
    for p in "$@"; do [[ ${names[i]} == *"$p"* ]] && return 0; done
    return 1
}

# The test kinds build() and run() below know.
known_kinds=" unit khost sched wasi spec spec-interp spec-explicit spec-a64 spec-rv64 unit-a64 \
regress regress-sse2 regress-a64 kspec faults kfuzz boot display dispfuzz privacy lang shell \
wasios "

# locate I [check]: mutation I's file (in f, found again by its base name if it
# moved) and its text split where the mutant is planted: head (kept as is)
# and body (whose first `from` becomes `to`; with `check`, only where a
# near text needs them). Else an ERROR line and status 1.
locate() {
    local i=$1 name=${names[$1]} near=${nears[$1]} from=${froms[$1]} base found n
    f=${files[i]}
    if [ ! -f "$f" ]; then
        base=$(basename "$f")
        found=$(find . -path ./build -prune -o -path ./.git -prune -o -name "$base" -type f -print)
        if [ "$(echo "$found" | grep -c .)" = 1 ] && [ "${2:-}" = check ]; then
            echo "ERROR   $name: $f moved to ${found#./} (update its file line)"
            return 1
        elif [ "$(echo "$found" | grep -c .)" = 1 ]; then
            echo "mutate: $name: $f moved to ${found#./}" >&2
            f=${found#./}
        else
            echo "ERROR   $name: $f is gone (and no single file named $base)"
            return 1
        fi
    fi
    head="" body=""
    if [ -n "$near" ] || [ "${2:-}" != check ]; then
        body=$(cat "$f"; echo x)
        body=${body%x}
    fi
    if [ -n "$near" ]; then
        n=$(grep -oF -- "$near" "$f" | wc -l)
        if [ "$n" != 1 ]; then
            echo "ERROR   $name: the near text occurs $n times in $f (want exactly once): $near"
            return 1
        fi
        head=${body%%"$near"*}$near
        body=${body#*"$near"}
        n=0
        [[ $body == *"$from"* ]] && n=1
    else
        n=$(grep -oF -- "$from" "$f" | wc -l)
    fi
    if [ "$n" != 1 ]; then
        echo "ERROR   $name: the text occurs $n times in $f (want exactly once${near:+ after the near text}): $from"
        return 1
    fi
}

if [ "${1:-}" = --check ]; then
    shift
    cd "$src" || exit 2
    N=0 E=0
    for i in "${!names[@]}"; do
        selected "$i" "$@" || continue
        N=$((N + 1))
        ok=1
        locate "$i" check || ok=0
        if [ "${froms[i]}" = "${tos[i]}" ]; then
            echo "ERROR   ${names[i]}: from and to are the same text"
            ok=0
        fi
        for t in ${tests[i]}; do
            [[ $known_kinds == *" ${t%%:*} "* ]] && continue
            echo "ERROR   ${names[i]}: unknown test kind ${t%%:*}"
            ok=0
        done
        [ $ok = 1 ] || E=$((E + 1))
    done
    for d in $(printf '%s\n' "${names[@]}" | sort | uniq -d); do
        echo "ERROR   $d: the name is used more than once"
        E=$((E + 1))
    done
    echo "mutate: $N mutations checked, $E errors"
    [ $E -eq 0 ]
    exit
fi

# ------------------------------------------------------------ the scratch copy

echo "mutate: copying $src to $dir/azoth" >&2
rm -rf "$dir/azoth" && mkdir -p "$dir/azoth" || exit 2
(cd "$src" && tar -c --exclude=./.git --exclude=./build .) | (cd "$dir/azoth" && tar -x) || exit 2
# Built objects are reused when present (make rebuilds what a mutant changes).
[ -d "$src/build" ] && (cd "$src" && tar -c build) | (cd "$dir/azoth" && tar -x)
ln -sfn "$(cd "$src/.." && pwd)/shared" "$dir/shared"
cd "$dir/azoth" || exit 2
log=$dir/log
mkdir -p "$log"

# ------------------------------------------------------------ test kinds

# Mutants are built without optimisation (same sanitizers): the engine's
# interpreter then compiles in seconds instead of most of a minute, and a
# planted bug is the same bug at any -O. Group scripts that run make again
# find these targets up to date.
fast=(OPT="-O0 -g0" SANFLAGS="-O0 -g0 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
      FUZZ_SAN="-O0 -g0 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined")

# build KIND: makes what KIND runs; output to $log/build.log.
build() {
    local t
    case $1 in
        unit) t=build/san/unit_tests ;;
        khost) t=build/san/kernel_tests ;;
        sched) t=build/san/sched_tests ;;
        wasi) t="build/san/azoth-wasm build/san/wasi-fakebackend" ;;
        spec|spec-interp|spec-explicit|regress) t=build/san/spec_runner ;;
        spec-a64) t=build/aarch64/q/spec_runner ;;
        spec-rv64) t=build/riscv64/q/spec_runner ;;
        unit-a64) t=build/aarch64/q/unit_tests ;;
        regress-a64) t=build/aarch64/q/spec_runner ;;
        regress-sse2) t=build/spec_runner ;;
        kspec) t="build/spec2bin build/modules/spec.bin build/kspec_host build/san/kspec_host" ;;
        faults) t="build/faults/faults build/faults/blkdrv.wasm" ;;
        kfuzz) t="build/kfuzz/fuzz_manifest build/kfuzz/fuzz_hostcall build/kfuzz/seeds.stamp" ;;
        dispfuzz) t="build/fuzz/fuzz_dispfiles build/fuzz/dispfiles-seeds/stamp" ;;
        boot) nice make -s -j2 ARCH=x86_64 KTEST=1 kernel >"$log/build.log" 2>&1; return ;;
        display) nice make -s -j2 ARCH=x86_64 kernel disk build/dispcheck >"$log/build.log" 2>&1; return ;;
        privacy) nice make -s -j2 ARCH=x86_64 kernel >"$log/build.log" 2>&1; return ;;
        shell) nice make -s -j2 ARCH=x86_64 kernel disk >"$log/build.log" 2>&1; return ;;
        lang) nice make -s -j2 lang-sdk build/lang-tests/virtq.wasm >"$log/build.log" 2>&1; return ;;
        wasios) nice make -s -j2 ARCH=x86_64 kernel disk >"$log/build.log" 2>&1; return ;;
        *) echo "unknown test kind $1" >"$log/build.log"; return 1 ;;
    esac
    nice make -s -j2 "${fast[@]}" $t >"$log/build.log" 2>&1
}

# run KIND ARG: 0 when the tests pass; output to $log/run.log.
run() {
    local kind=$1 arg=$2
    case $kind in
        unit) timeout -k 5 "$limit" build/san/unit_tests $arg ;;
        khost) timeout -k 5 "$limit" build/san/kernel_tests $arg ;;
        sched) timeout -k 5 "$limit" build/san/sched_tests ;;
        wasi) timeout -k 5 "$limit" bash tests/groups/40-wasi.sh ;;
        spec) SPEC_RUNNER=build/san/spec_runner SPEC_SHOW=3 timeout -k 5 "$limit" bash scripts/spec.sh ${arg//,/ } ;;
        spec-interp) ENGINE=interp SPEC_RUNNER=build/san/spec_runner SPEC_SHOW=3 \
            timeout -k 5 "$limit" bash scripts/spec.sh ${arg//,/ } ;;
        spec-explicit) ENGINE=compiled BOUNDS=explicit SPEC_RUNNER=build/san/spec_runner SPEC_SHOW=3 \
            timeout -k 5 "$limit" bash scripts/spec.sh ${arg//,/ } ;;
        spec-a64|spec-rv64) a=aarch64; [ "$kind" = spec-rv64 ] && a=riscv64
            for b in explicit ""; do
                SPEC_RUNNER=build/$a/q/spec_runner ENGINE=compiled BOUNDS=$b SPEC_SHOW=3 \
                    timeout -k 5 "$limit" bash scripts/spec.sh ${arg//,/ } || return 1
            done ;;
        unit-a64) timeout -k 5 "$limit" build/aarch64/q/unit_tests $arg ;;
        regress) wast2json --enable-tail-call tests/spec/regress.wast -o "$log/regress.json" &&
            timeout -k 5 "$limit" build/san/spec_runner --engine=compiled "$log/regress.json" |
            tail -1 | grep -E ' 0 failed, 0 skipped$' ;;
        regress-sse2) wast2json --enable-tail-call tests/spec/regress.wast -o "$log/regress.json" &&
            timeout -k 5 "$limit" qemu-x86_64 -cpu qemu64 build/spec_runner --engine=compiled "$log/regress.json" |
            tail -1 | grep -E ' 0 failed, 0 skipped$' ;;
        regress-a64) wast2json --enable-tail-call tests/spec/regress.wast -o "$log/regress.json" &&
            timeout -k 5 "$limit" build/aarch64/q/spec_runner --engine=compiled "$log/regress.json" |
            tail -1 | grep -E ' 0 failed, 0 skipped$' ;;
        kspec) timeout -k 5 "$limit" bash tests/groups/35-kspec-host.sh ;;
        faults) FAULTS_N=2000 timeout -k 5 "$limit" bash tests/groups/70-faults.sh ;;
        kfuzz) timeout -k 5 "$limit" build/kfuzz/fuzz_hostcall -runs=0 tests/kfuzz/regress &&
               timeout -k 5 "$limit" build/kfuzz/fuzz_manifest -runs=0 build/kfuzz/seeds/manifest ;;
        boot) BOOT_TIMEOUT=120 timeout -k 5 "$limit" bash tests/groups/60-boot.sh x86_64 ;;
        display) timeout -k 5 "$limit" bash tests/groups/66-display.sh x86_64 ;;
        dispfuzz) timeout -k 5 "$limit" bash tests/groups/53-fuzz-dispfiles.sh ;;
        privacy) timeout -k 5 "$limit" bash tests/groups/67-privacy.sh x86_64 ;;
        shell) timeout -k 5 "$limit" bash tests/groups/65-shell.sh x86_64 ;;
        lang) timeout -k 5 "$limit" bash tests/groups/65-lang.sh x86_64 ;;
        wasios) timeout -k 5 "$limit" bash tests/groups/66-wasi-os.sh x86_64 ;;
    esac >"$log/run.log" 2>&1
}

# ------------------------------------------------------------ baseline

kinds=()
for i in "${!names[@]}"; do
    selected "$i" "$@" || continue
    for t in ${tests[i]}; do
        case " ${kinds[*]} " in *" $t "*) ;; *) kinds+=("$t") ;; esac
    done
done
for t in "${kinds[@]}"; do
    kind=${t%%:*} arg=""
    [ "$kind" != "$t" ] && arg=${t#*:}
    if ! build "$kind"; then
        tail -n 20 "$log/build.log" >&2
        echo "mutate: baseline: $t does not build unmutated; nothing measured" >&2
        exit 2
    fi
    if ! run "$kind" "$arg"; then
        tail -n 20 "$log/run.log" >&2
        echo "mutate: baseline: $t fails unmutated; nothing measured" >&2
        exit 2
    fi
    echo "mutate: baseline $t passes" >&2
done

# ------------------------------------------------------------ mutations

C=0 M=0 E=0
missed=() errors=()
start=$SECONDS
for i in "${!names[@]}"; do
    selected "$i" "$@" || continue
    name=${names[i]} from=${froms[i]} to=${tos[i]}
    if ! locate "$i"; then
        E=$((E + 1)); errors+=("$name"); continue
    fi
    cp -p "$f" "$log/orig"
    printf '%s%s' "$head" "${body/"$from"/"$to"}" >"$f"
    verdict=missed by=""
    for t in ${tests[i]}; do
        kind=${t%%:*} arg=""
        [ "$kind" != "$t" ] && arg=${t#*:}
        if ! build "$kind"; then
            verdict=error by="$t: the mutant does not build"
            break
        fi
        run "$kind" "$arg"
        st=$?
        if [ $st -ne 0 ]; then
            verdict=caught by=$t
            [ $st = 124 ] && by="$t (timed out)"
            break
        fi
    done
    # Back to the original, newer than anything built from the mutant.
    cp "$log/orig" "$f"
    touch "$f"
    case $verdict in
        caught) C=$((C + 1)); echo "caught  $name (by $by)" ;;
        missed) M=$((M + 1)); missed+=("$name"); echo "MISSED  $name: $f: '$from' -> '$to' (ran:${tests[i]})" ;;
        error) E=$((E + 1)); errors+=("$name"); echo "ERROR   $name: $by"; tail -n 5 "$log/build.log" ;;
    esac
done

echo "mutate: $((SECONDS - start)) s for $((C + M + E)) mutations" >&2
[ ${#missed[@]} -gt 0 ] && echo "missed: ${missed[*]}"
[ ${#errors[@]} -gt 0 ] && echo "errors: ${errors[*]}"
line="mutate: $C caught, $M missed"
[ $E -gt 0 ] && line="$line, $E errors"
echo "$line"
[ $M -eq 0 ] && [ $E -eq 0 ]
