# Sourced by tests/groups/67-privacy.sh and bench/privacy.sh: QEMU with
# the serial console on a FIFO (tests/qemu-serial.sh), a disk with a sensor
# policy, and the GPS stand-in (a virtio-serial port fed NMEA sentences).
# The caller sets OUT and WAIT (seconds for any one answer).

. tests/qemu-serial.sh
# Kernel lines (the broker's, the driver's) may follow the prompt.
PROMPT_ANYWHERE=1

# After stop_qemu: the GPS feeder goes too.
stop_gps() {
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

