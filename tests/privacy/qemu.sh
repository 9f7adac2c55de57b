# Sourced by tests/groups/67-privacy.sh and bench/privacy.sh: QEMU with
# the serial console on a FIFO (tests/qemu-serial.sh), a disk with a sensor
# policy, and the sensor stand-ins: the GPS (a virtio-serial port fed NMEA
# sentences), the microphone and the camera (a virtio-serial device each,
# fed the build's test WAV and frame stream by build/sensordata, make
# sensor-data). The caller sets OUT and WAIT (seconds for any one answer).

. tests/qemu-serial.sh
# Kernel lines (the broker's, the driver's) may follow the prompt.
PROMPT_ANYWHERE=1

# After stop_qemu: the feeders go too.
stop_gps() {
    [ -n "${FEED:-}" ] && kill "$FEED" 2>/dev/null
    [ -n "${FEED_MIC:-}" ] && kill "$FEED_MIC" 2>/dev/null
    [ -n "${FEED_CAM:-}" ] && kill "$FEED_CAM" 2>/dev/null
    FEED= FEED_MIC= FEED_CAM=
    wait 2>/dev/null
}

# An ext2 image whose /etc/sensors.policy holds the rules given, and the
# files DISK_BIN names (if any) in /bin.
make_disk() {      # image rule...
    local img=$1 tree="$1.tree"
    shift
    rm -rf "$tree" "$img" && mkdir -p "$tree/etc" "$tree/bin" &&
        { [ -z "${DISK_BIN:-}" ] || cp $DISK_BIN "$tree/bin/"; } &&
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

# The microphone: the test WAV's samples (past its 44-byte header), 100 ms
# (3,200 bytes) every 100 ms. The camera: the frame stream, two 320x240
# frames a second, in 23,000-byte pieces.
feed_mic() {       # fifo base
    rm -f "$1.in" "$1.out"
    mkfifo "$1.in" "$1.out"
    build/sensordata feed 32000 3200 build/privacy/test.wav 44 >"$1.in" 2>/dev/null &
    FEED_MIC=$!
}
feed_cam() {       # fifo base
    rm -f "$1.in" "$1.out"
    mkfifo "$1.in" "$1.out"
    build/sensordata feed 460830 23000 build/privacy/frames.ppm >"$1.in" 2>/dev/null &
    FEED_CAM=$!
}

# A virtio-serial device NAME (id vserN) with one port org.azoth.NAME on
# the FIFO pair BASE; on the virt machines pinned to slot SLOT, each on a
# page of its own (docs/devices.md). Devices are named serial0, serial1,
# serial2 in the order the machine lists them: gps, mic, camera (riscv64's
# device tree lists the slots from the highest down: gps 3, mic 2, camera 1).
serial_dev() {     # arch n name base slot
    local bus="-device virtio-serial-pci,disable-legacy=on,id=vser$2"
    [ "$1" = x86_64 ] || bus="-device virtio-serial-device,bus=virtio-mmio-bus.$5,id=vser$2"
    echo "-chardev pipe,id=$3,path=$4 $bus -device virtserialport,bus=vser$2.0,chardev=$3,name=org.azoth.$3"
}

# The indicator's session: the disk, the GPS and the display (virtio-gpu
# at 1024x768, no keyboard: on aarch64 every device needs a register page
# of its own, and there are four); with mic and camera FIFOs, also the
# microphone and the camera (the camera is serial2 only after the other
# two), except on aarch64, whose four pages the disk and the three
# sensors fill. x86_64 has four PCI interrupt lines for five devices
# (line 20 + slot % 4; the default NIC holds slot 1): the GPU at slot 8
# shares the microphone's,
# which the GPU driver claims first (manifest order), so this session's
# microphone has no interrupt (it is only there to make the camera
# serial2; nothing here leases it).
dot_args() {       # arch disk gps-fifo [mic-fifo camera-fifo]
    local drive="-drive if=none,id=d0,file=$2,format=raw" gpu=xres=1024,yres=768 cam= n
    case $1 in
    x86_64)
        if [ $# -ge 5 ]; then
            for n in 0:gps:$3:3 1:mic:$4:4 2:camera:$5:5; do
                IFS=: read -r i name base slot <<<"$n"
                cam="$cam -chardev pipe,id=$name,path=$base -device virtio-serial-pci,disable-legacy=on,id=vser$i,addr=$slot"
                cam="$cam -device virtserialport,bus=vser$i.0,chardev=$name,name=org.azoth.$name"
            done
            echo "$drive -device virtio-blk-pci,drive=d0,disable-legacy=on,addr=2 $cam -device virtio-gpu-pci,$gpu,addr=8 -vga none"
        else
            echo "$drive -device virtio-blk-pci,drive=d0,disable-legacy=on $(serial_dev "$1" 0 gps "$3") -device virtio-gpu-pci,$gpu -vga none"
        fi ;;
    aarch64) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $(serial_dev "$1" 0 gps "$3" 8) -device virtio-gpu-device,$gpu,bus=virtio-mmio-bus.24" ;;
    *) [ $# -ge 5 ] && cam="$(serial_dev "$1" 1 mic "$4" 2) $(serial_dev "$1" 2 camera "$5" 1)"
        echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $(serial_dev "$1" 0 gps "$3" 3) $cam -device virtio-gpu-device,$gpu,bus=virtio-mmio-bus.4" ;;
    esac
}

dev_args() {       # arch disk gps-fifo [mic-fifo camera-fifo]
    local drive="-drive if=none,id=d0,file=$2,format=raw"
    case $1 in
    x86_64) echo "$drive -device virtio-blk-pci,drive=d0,disable-legacy=on $(serial_dev "$1" 0 gps "$3")" ;;
    aarch64) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $(serial_dev "$1" 0 gps "$3" 8)" ;;
    *) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 $(serial_dev "$1" 0 gps "$3" 3)" ;;
    esac
    [ $# -ge 5 ] || return 0
    case $1 in
    aarch64) echo "$(serial_dev "$1" 1 mic "$4" 16) $(serial_dev "$1" 2 camera "$5" 24)" ;;
    *) echo "$(serial_dev "$1" 1 mic "$4" 2) $(serial_dev "$1" 2 camera "$5" 1)" ;;
    esac
}

