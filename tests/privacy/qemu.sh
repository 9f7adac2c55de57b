# Sourced by tests/groups/67-privacy.sh and bench/privacy.sh: QEMU with
# the serial console on a FIFO ($OUT/in.fifo, fd 3), a disk with a sensor
# policy, and the GPS stand-in (a virtio-serial port fed NMEA sentences).
# The caller sets OUT and WAIT (seconds for any one answer).

start_qemu() {     # log, command...
    LOG=$1
    shift
    rm -f "$OUT/in.fifo" "$LOG"
    mkfifo "$OUT/in.fifo"
    timeout -k 5 300 "$@" <"$OUT/in.fifo" >"$LOG" 2>&1 &
    QPID=$!
    exec 3>"$OUT/in.fifo"
}

# Waits until the log past size $1 holds $2 (default the prompt).
wait_for() {
    local since=${1:-0} want=${2:-'azoth$ '} i
    for ((i = 0; i < WAIT * 20; i++)); do
        # kernel lines (the broker's, the driver's) may follow the prompt
        if [ "$(stat -c %s "$LOG" 2>/dev/null || echo 0)" -gt "$since" ] &&
           tail -c +$((since + 1)) "$LOG" | tr -d '\r' | grep -qF -- "$want"; then
            return 0
        fi
        kill -0 "$QPID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# Types $1 and waits for $2 (default the prompt); the output since is in
# $OUT/last (\r removed).
type_cmd() {
    local size
    size=$(stat -c %s "$LOG")
    printf "$1" >&3
    wait_for "$size" "${2:-azoth\$ }" || { echo "(no '${2:-prompt}' after $(printf %q "$1"))" >"$OUT/last"; return 1; }
    tail -c +$((size + 1)) "$LOG" | tr -d '\r' >"$OUT/last"
}

stop_qemu() {
    exec 3>&-
    wait "$QPID"
    ST=$?
    rm -f "$OUT/in.fifo"
    [ -n "${FEED:-}" ] && kill "$FEED" 2>/dev/null
    wait 2>/dev/null
}

# An ext2 image whose /etc/sensors.policy holds the rules given.
make_disk() {      # image rule...
    local img=$1 tree="$1.tree"
    shift
    rm -rf "$tree" "$img" && mkdir -p "$tree/etc" &&
        printf '%s\n' '# written by tests/privacy/qemu.sh' "$@" >"$tree/etc/sensors.policy" &&
        E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b 1024 -d "$tree" "$img" 4M >/dev/null
}

# The GPS stand-in: one sentence every 50 ms, round and round, into the
# FIFO QEMU reads (opened by QEMU first; written early, it is held).
feed_gps() {       # fifo base
    rm -f "$1.in" "$1.out"
    mkfifo "$1.in" "$1.out"
    (while :; do
        while IFS= read -r l; do printf '%s\n' "$l" || exit 0; sleep 0.05; done <tests/privacy/gps.nmea
    done) >"$1.in" 2>/dev/null &
    FEED=$!
}

dev_args() {       # arch disk fifo
    local drive="-drive if=none,id=d0,file=$2,format=raw" gps="-chardev pipe,id=gps,path=$3"
    local port="-device virtserialport,bus=vser0.0,chardev=gps,name=org.azoth.gps"
    case $1 in
    x86_64) echo "$drive -device virtio-blk-pci,drive=d0,disable-legacy=on $gps -device virtio-serial-pci,disable-legacy=on,id=vser0 $port" ;;
    aarch64) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $gps -device virtio-serial-device,bus=virtio-mmio-bus.8,id=vser0 $port" ;;
    *) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $gps -device virtio-serial-device,bus=virtio-mmio-bus.1,id=vser0 $port" ;;
    esac
}

