# Sourced by the brief libFuzzer groups (tests/groups/52-fuzz-ext2.sh,
# 53-fuzz-psf.sh, 53-fuzz-dispfiles.sh, 53-fuzz-privacy.sh):
#
#   fuzz_brief LABEL TARGET PREFIX MAX_LEN SECONDS INPUT_DIR...
#
# runs build/fuzz/TARGET (built by the caller) for SECONDS over its corpus
# build/fuzz/PREFIX-corpus and the input directories (seeds, regression
# inputs), under the sanitizers it was built with; its log is
# build/fuzz/PREFIX.log. Status 0 when no input crashed, hung, leaked or
# ran out of memory (libFuzzer's DONE line goes to stderr). Otherwise the
# log's tail and, for each failing input libFuzzer kept (build/fuzz/
# PREFIX-crash-*, -leak-*, -timeout-*, -oom-*, -slow-unit-*), the command
# that replays it, on stderr with LABEL in front; status 1.
fuzz_brief() {
    local label=$1 target=$2 prefix=$3 maxlen=$4 secs=$5 fz=build/fuzz before f
    shift 5
    local kept="^$prefix-(crash|leak|timeout|oom|slow-unit)-"
    mkdir -p "$fz/$prefix-corpus"
    before=$(ls $fz | grep -E "$kept" | sort)
    if "$fz/$target" -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$fz/$prefix-" \
           -max_total_time="$secs" -print_final_stats=1 "$fz/$prefix-corpus" "$@" \
           >"$fz/$prefix.log" 2>&1; then
        grep -E '^#[0-9]+[[:space:]]+DONE' "$fz/$prefix.log" | sed "s/^/$label: /" >&2
        return 0
    fi
    tail -n 40 "$fz/$prefix.log" >&2
    for f in $(comm -13 <(echo "$before") <(ls $fz | grep -E "$kept" | sort)); do
        echo "$label: failing input kept as $fz/$f; replay with: $fz/$target $fz/$f" >&2
    done
    return 1
}
