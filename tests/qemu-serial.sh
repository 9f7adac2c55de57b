# Sourced by the test groups and benches that type at Azoth's shell on
# the serial console (tests/groups/65-shell.sh, 66-display.sh,
# 66-wasi-os.sh, tests/privacy/qemu.sh, bench/display.sh): QEMU reads a
# FIFO, $OUT/in.fifo, kept open on fd 3, and writes $LOG. The caller sets OUT and WAIT (seconds for any
# one answer).
#
#   start_qemu LOG COMMAND...   QEMU in the background (QPID), T0 its start (ns),
#                               stopped after QEMU_TIMEOUT s (default 300)
#   wait_prompt [SIZE]          the log grew past SIZE and ends with a prompt
#   wait_for SIZE TEXT          the log past SIZE holds TEXT (a fixed string)
#   type_cmd KEYS [TEXT]        types KEYS (a printf format), waits for the
#                               next prompt (wait_prompt), or for TEXT after
#                               them (wait_for); what came since is in
#                               $OUT/last, \r removed
#   stop_qemu                   closes the console, waits for QEMU to end;
#                               its status in ST
#
# With PROMPT_ANYWHERE=1 a prompt counts wherever it is in the new output,
# not only at its end (kernel lines may follow it: tests/privacy/qemu.sh).

PROMPT='azoth$ '

start_qemu() {     # log, command...
    LOG=$1
    shift
    rm -f "$OUT/in.fifo" "$LOG"
    mkfifo "$OUT/in.fifo"
    T0=$(date +%s%N)
    timeout -k 5 "${QEMU_TIMEOUT:-300}" "$@" <"$OUT/in.fifo" >"$LOG" 2>&1 &
    QPID=$!
    exec 3>"$OUT/in.fifo"
}

# Polls $1 (a test of the log) every 50 ms for WAIT seconds; fails at once
# when QEMU has ended.
qemu_poll() {
    local i
    for ((i = 0; i < WAIT * 20; i++)); do
        "$@" && return 0
        kill -0 "$QPID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

log_size() {
    stat -c %s "$LOG" 2>/dev/null || echo 0
}

log_holds() {      # size text
    [ "$(log_size)" -gt "$1" ] && tail -c +$(($1 + 1)) "$LOG" | tr -d '\r' | grep -qF -- "$2"
}

log_ends_with_prompt() {   # size
    [ "$(log_size)" -gt "$1" ] && [ "$(tail -c ${#PROMPT} "$LOG" 2>/dev/null)" = "$PROMPT" ]
}

wait_for() {       # size text
    qemu_poll log_holds "${1:-0}" "${2:-$PROMPT}"
}

wait_prompt() {    # [size]
    if [ "${PROMPT_ANYWHERE:-0}" = 1 ]; then
        qemu_poll log_holds "${1:-0}" "$PROMPT"
    else
        qemu_poll log_ends_with_prompt "${1:-0}"
    fi
}

type_cmd() {       # keys [text]
    local size
    size=$(log_size)
    printf "$1" >&3
    if [ $# -gt 1 ]; then
        wait_for "$size" "$2"
    else
        wait_prompt "$size"
    fi || { echo "(no '${2:-prompt}' after $(printf %q "$1"))" >"$OUT/last"; return 1; }
    tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/last"
}

stop_qemu() {
    exec 3>&-
    wait "$QPID"
    ST=$?
    rm -f "$OUT/in.fifo"
}
