#!/usr/bin/env bash
# Boot tests: for each architecture (default x86_64 aarch64 riscv64, or the
# ones named as arguments) build the test-mode kernel (make KTEST=1), boot
# it in QEMU (software emulation, under timeout; stdin gets one line once
# the console driver domain is up, /dev/null in the other boots) and
# check its console:
#   every "selftest <name>: ok" line, every "scenario <name>: ok" line
#   (the manifest's scenario domains: calls both ways, a server trapping,
#   buffers moved and lent, a lease expiring), the kspec line (0 failed), init's
#   hello, the "booted in" line, each broken module reported in one line
#   and skipped, the line fed on stdin echoed by the console driver domain,
#   the poweroff status 0 line, and for x86_64 the
#   isa-debug-exit code (QEMU exits with 1 for status 0); then a second boot
#   with "athanor.crash" on the command line must report the unexpected
#   fault (registers, backtrace) and panic with poweroff status 2; for
#   x86_64 also the GRUB ISO boot (skipped only without grub-mkrescue or
#   xorriso: a failing `make iso` fails); and, in the
#   default run, the hosted port (the core as a Linux process).
# A missing port counts all of its checks as failed. Logs: build/boot-tests/.
set -u
cd "$(dirname "$0")/../.."

ARCHES=${*:-x86_64 aarch64 riscv64}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
OUT=build/boot-tests
SELFTESTS="memcpy frames pagetables vmtable heap timer breakpoint guardpage wx wasm jit reset
 sched_sleep sched_oneshot sched_priority sched_timeout sched_wake sched_fp sched_preempt sched_cpu"
# The in-kernel spec run (build/modules/spec.bin) must pass at least this
# many commands: a blob that shrank fails. Raise it when the suite grows.
KSPEC_MIN=54040
# Ports whose kernel must compile (docs/compiler.md): Wasm runs compiled by
# default there. Wherever the kernel says its kspec ran compiled, kspec
# runs a second time on the interpreter ("kspec interp") and must pass too.
JIT_ARCHES="x86_64 aarch64 riscv64"
# Scenario domains of the boot manifest (user/test/scenario/).
SCENARIOS="call trap buffer lease lend_ro_write blkio fsread fswrite fscrash fskill fsdir fsbadge rngget"
# Modules in other languages (docs/languages.md): a Rust panic and an
# AssemblyScript abort contained and restarted (user/test/scenario/langs.c);
# hostile input to the components in those languages (langbad.c).
SCENARIOS="$SCENARIOS langs lang_hostile"
# The virtio-rng driver in Rust reads rng0 (user/test/scenario/vrng.c).
SCENARIOS="$SCENARIOS vrng"
# Hostile modules (user/test/hostile/, run by kernel/test/hostile.c):
# each must print "hostile NAME: contained" (its expected trap, the
# neighbour answered every probe); bad.* must also be rejected at load in
# exactly one "skipped: invalid" line.
HOSTILE="loop spin bomb recurse recurse.big flood forge forge.ptr oob.load oob.load_huge oob.store
 oob.copy oob.fill oob.init oob.table_get oob.table_set oob.table_copy oob.table_init
 oob.indirect escape.reach escape.wrap escape.grow escape.indirect escape.brtable sysctl sysctl.readonly sysctl.control confuse confuse.null bad.truncated bad.hugecount bad.leb_big bad.leb_long
 bad.brtable bad.locals bad.memlimit"
mkdir -p "$OUT"
pass=0
fail=0
report=()
UART_LINE="hello athanor"

# Writes UART_LINE to stdout once log $1 shows the console driver domain
# up (firmware would eat earlier input), giving up after 30 s.
feed_uart() {
    for _ in $(seq 300); do grep -q '^athanor: console handed to domain' "$1" 2>/dev/null && break; sleep 0.1; done
    printf '%s\n' "$UART_LINE"
}

# The main boot's devices (docs/devices.md): a 4 MiB ext2 disk mke2fs
# builds from a small tree (no root needed; docs/storage.md), whose boot
# block (sector 0, unused by ext2) starts with DISK_MARK, and an entropy
# device fed a file of known bytes; QEMU's blkdebug injects I/O errors on
# two sectors. On aarch64 the virtio-mmio slots are pinned so no two devices
# share a 4 KiB page.
DISK_MARK="AZOTH-TEST-DISK"
make_disk() {
    local tree="$1.tree"
    rm -rf "$tree" "$1" && mkdir -p "$tree/docs/sub" &&
        printf 'hello from the disk\n' >"$tree/hello.txt" &&
        printf 'deep\n' >"$tree/docs/sub/deep.txt" &&
        ln -s sub/deep.txt "$tree/docs/link" && ln -s loop "$tree/docs/loop" &&
        head -c 20000 /dev/zero | tr '\0' z >"$tree/docs/big" &&
        E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b 1024 -d "$tree" "$1" 4M >/dev/null &&
        printf '%s\n' "$DISK_MARK" | dd of="$1" conv=notrunc 2>/dev/null
}
dev_args() {
    local drive="-drive if=none,id=d0,file=blkdebug:$2.blkdebug:$2,format=raw -object rng-random,id=r0,filename=$2.rng"
    for _ in $(seq 1024); do printf 'AZOTH-RNG-BYTES!'; done >"$2.rng"
    # QEMU's blkdebug fails a read of sector 7000 and a write of 7001 (EIO).
    printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "7000"\n\n[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "7001"\n' >"$2.blkdebug"
    case $1 in
    x86_64) echo "$drive -device virtio-blk-pci,drive=d0,disable-legacy=on -device virtio-rng-pci,rng=r0,disable-legacy=on" ;;
    aarch64) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 -device virtio-rng-device,rng=r0,bus=virtio-mmio-bus.8" ;;
    *) echo "-global virtio-mmio.force-legacy=false $drive -device virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0 -device virtio-rng-device,rng=r0,bus=virtio-mmio-bus.1" ;;
    esac
}
# A second entropy device, rng1, fed the same known bytes, for the virtio-rng
# driver written in Rust (user/drivers/vrng, scenario vrng): whichever one a
# port names rng0, both drivers read the same pattern.
eval "dev_args_base() $(declare -f dev_args | tail -n +2)"
dev_args() {
    local r1="-object rng-random,id=r1,filename=$2.rng"
    case $1 in
    x86_64) echo "$(dev_args_base "$@") $r1 -device virtio-rng-pci,rng=r1,disable-legacy=on" ;;
    aarch64) echo "$(dev_args_base "$@") $r1 -device virtio-rng-device,rng=r1,bus=virtio-mmio-bus.16" ;;
    *) echo "$(dev_args_base "$@") $r1 -device virtio-rng-device,rng=r1,bus=virtio-mmio-bus.2" ;;
    esac
}

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# Checks one booted log; $1 arch, $2 log (\r stripped), $3 QEMU status.
check_log() {
    local a=$1 log=$2 st=$3 t
    for t in $SELFTESTS; do
        if grep -Eqx "selftest $t: ok( \(.*\))?" "$log"; then ok "$a selftest $t"
        else bad "$a selftest $t: $(grep -m1 "^selftest $t:" "$log" || echo 'no result line')"; fi
    done
    for t in $SCENARIOS; do
        if grep -qx "scenario $t: ok" "$log"; then ok "$a scenario $t"
        else bad "$a scenario $t: $(grep -m1 "^scenario $t:" "$log" || echo 'no result line')"; fi
    done
    for t in $HOSTILE; do
        if grep -q "^hostile $t: contained" "$log" && { [ "${t#bad.}" = "$t" ] ||
           [ "$(grep -c "^athanor: module $t (.*): skipped: invalid" "$log")" = 1 ]; }; then
            ok "$a hostile $t contained"
        else bad "$a hostile $t: $(grep -m1 "^hostile $t:" "$log" || echo 'no result line')"; fi
    done
    local kp
    kp=$(sed -nE 's/^kspec: ([0-9]+) passed, 0 failed$/\1/p' "$log" | head -1)
    if [ -n "$kp" ] && [ "$kp" -ge "$KSPEC_MIN" ]; then ok "$a kspec ($(grep -E '^kspec: [0-9]+ passed' "$log"))"
    else bad "$a kspec (want 0 failed, at least $KSPEC_MIN passed): $(grep -m1 -E '^kspec: [0-9]+ passed' "$log" || echo 'no summary line')"; fi
    # Compiled: every function of the blob (SIMD, tail calls and multiple
    # memories included: none falls back to the interpreter).
    local tier=none
    grep -Eq '^kspec: engine compiled, [1-9][0-9]* functions compiled, 0 interpreted$' "$log" && tier=compiled
    grep -q '^kspec: engine interp, 0 functions compiled' "$log" && tier=interp
    if [ $tier = compiled ] || { [ $tier = interp ] && [[ " $JIT_ARCHES " != *" $a "* ]]; }; then
        ok "$a kspec tier ($(grep -m1 '^kspec: engine' "$log" | sed 's/^kspec: //'))"
    else bad "$a kspec not on the expected tier: $(grep -m1 '^kspec: engine' "$log" || echo 'no engine line')"; fi
    kp=$(sed -nE 's/^kspec interp: ([0-9]+) passed, 0 failed$/\1/p' "$log" | head -1)
    if [ $tier = interp ]; then ok "$a kspec interp: the first run was interpreted"
    elif [ -n "$kp" ] && [ "$kp" -ge "$KSPEC_MIN" ] && grep -q '^kspec interp: engine interp, 0 functions compiled' "$log"; then
        ok "$a kspec on the interpreter ($(grep -E '^kspec interp: [0-9]+ passed' "$log"))"
    else bad "$a kspec interp (want 0 failed, at least $KSPEC_MIN passed): $(grep -m1 -E '^kspec interp: [0-9]+ passed' "$log" || echo 'no summary line')"; fi
    # engine= in the manifest: a bad value is refused in one clear line.
    if [ "$(grep -c '^manifest:[0-9]*: badengine: bad value in engine=fast (engine=interp or engine=compiled)$' "$log")" = 1 ]; then
        ok "$a manifest engine=fast refused"
    else bad "$a manifest engine=fast not refused in one line"; fi
    if grep -qx "init: hello from init.wasm on $a" "$log"; then ok "$a init hello"
    else bad "$a init hello"; fi
    if grep -Eqx "athanor [0-9.]+ $a: booted in [0-9]+ ms, [0-9]+ KiB free" "$log"; then ok "$a booted line"
    else bad "$a booted line"; fi
    for m in truncated invalid missing; do
        if [ "$(grep -c "^athanor: module $m (.*): skipped: " "$log")" = 1 ]; then ok "$a broken module '$m' skipped in one line"
        else bad "$a broken module '$m' not reported as skipped"; fi
    done
    # The line, and QEMU gone by itself (powered off, not killed by timeout).
    if grep -qx 'athanor: poweroff status 0' "$log" && [ "$st" != 124 ] && [ "$st" != 137 ]; then
        ok "$a poweroff status 0"
    else bad "$a poweroff status 0 ($(grep -m1 'poweroff status' "$log" || echo "no poweroff line"); qemu status $st)"; fi
    # The devices the port found, and the virtio-blk driver domain's checks
    # (several reads in flight, write + flush + read back, a refused read
    # past the end, interrupts), and its write on the disk after power-off.
    if grep -Eq "^athanor: devices: .*blk0 \(virtio-(pci|mmio) .*" "$log" &&
       grep -Eq "^athanor: devices: .*rng0 \(virtio-(pci|mmio) .*" "$log"; then ok "$a devices line (blk0, rng0)"
    else bad "$a devices line: $(grep -m1 '^athanor: devices:' "$log" || echo 'none')"; fi
    if grep -qx "vblk: selftest ok" "$log" && grep -qF "sector 0 reads \"$DISK_MARK\"" "$log" &&
       grep -Eq '^vblk: selftest: interrupts taken [1-9]' "$log"; then
        ok "$a virtio-blk driver domain ($(grep -m1 '^vblk: blk0:' "$log" | sed 's/^vblk: //'))"
    else bad "$a virtio-blk driver: $(grep '^vblk:' "$log" | tr '\n' '|' || echo 'no vblk lines')"; fi
    if grep -qx 'vblk: selftest: read sector 7000: -100, write sector 7001: -100' "$log"; then
        ok "$a device I/O errors (blkdebug) reported to the driver"
    else bad "$a device I/O errors: $(grep -m1 '^vblk: selftest: read sector 7000' "$log" || echo 'no line')"; fi
    if [ "$(dd if="$OUT/$a-disk.img" bs=512 skip=8191 count=1 2>/dev/null | head -c 17)" = "AZOTH-VBLK-WRITE " ]; then
        ok "$a disk write flushed and on the image after power-off"
    else bad "$a disk write not on the image"; fi
    if grep -q '^vrng: selftest: 16 bytes: AZOTH-RNG-BYTES!, interrupts [0-9]' "$log"; then
        ok "$a virtio-rng driver domain (the bytes the device was fed)"
    else bad "$a virtio-rng driver: $(grep -m1 '^vrng:' "$log" || echo 'no vrng line')"; fi
    if grep -q '^fs: ext2 mounted' "$log" && e2fsck -fn "$OUT/$a-disk.img" >"$OUT/$a-e2fsck.log" 2>&1; then
        ok "$a file service mounted the ext2 disk; e2fsck -fn clean afterwards"
    else bad "$a file service / e2fsck (log $OUT/$a-e2fsck.log): $(grep -m1 '^fs:' "$log" || echo 'no fs line')"; fi
    # What scenario fswrite wrote, read by debugfs from the image.
    if [ "$(debugfs -R 'cat /w/b.txt' "$OUT/$a-disk.img" 2>/dev/null)" = "$(printf 'hello, azoth\nmore')" ] &&
       debugfs -R 'stat /w/big' "$OUT/$a-disk.img" 2>/dev/null | grep -q 'Size: 102400$' &&
       ! debugfs -R 'stat /w/inner' "$OUT/$a-disk.img" 2>&1 | grep -q 'Inode:'; then
        ok "$a files the file service wrote, read back by debugfs"
    else bad "$a debugfs: /w/b.txt, /w/big and the removed /w/inner not as written"; fi
    # Scenario fscrash: the driver died mid-write; the file on the disk is
    # whole (the pattern the scenario wrote) and e2fsck (above) clean.
    if grep -q '^vblk: crashtest: trapping with a write in flight' "$log" &&
       debugfs -R 'dump /crash.bin /dev/stdout' "$OUT/$a-disk.img" 2>/dev/null |
       cmp -s - <(LC_ALL=C awk 'BEGIN{for(p=0;p<64;p++)for(i=0;i<4096;i++)printf "%c", (p*7+i*3+int(i/509))%256}'); then
        ok "$a block driver killed mid-write: restarted, the file whole on the disk ($(grep -m1 '^scenario fscrash: [0-9]' "$log" | sed 's/^scenario fscrash: //'))"
    else bad "$a block driver killed mid-write: /crash.bin on the image not as written"; fi
    # Scenario fskill: the driver was killed from another thread with
    # requests in flight (twice); the file is whole, e2fsck (above) clean.
    if grep -q '^scenario fskill: vblk killed [1-9][0-9]* time(s) with a request in flight' "$log" &&
       debugfs -R 'dump /kill.bin /dev/stdout' "$OUT/$a-disk.img" 2>/dev/null |
       cmp -s - <(LC_ALL=C awk 'BEGIN{for(p=0;p<64;p++)for(i=0;i<4096;i++)printf "%c", (p*11+i*3+int(i/509))%256}'); then
        ok "$a block driver killed mid-request from another thread: $(grep -m1 '^scenario fskill: vblk killed' "$log" | sed 's/^scenario fskill: //'), $(grep -m1 '^scenario fskill: [0-9]' "$log" | sed 's/^scenario fskill: //'); the file whole on the disk"
    else bad "$a block driver killed mid-request: $(grep -m1 '^scenario fskill:' "$log" || echo 'no fskill line'); /kill.bin on the image not as written?"; fi
    # The console driver domain (docs/drivers.md) echoed the line fed on stdin.
    # The line must come in by the receive interrupt (taken at least once),
    # not only by the driver's fallback poll after its wait times out.
    if grep -qx "uart: echo $UART_LINE" "$log" &&
       grep -qE '^selftest uart_echo: ok .*, irq [0-9]+ taken [1-9][0-9]* times\)' "$log"; then ok "$a uart echo (driver domain, by interrupt)"
    else bad "$a uart echo: $(grep -m1 '^selftest uart_echo:' "$log" || echo 'no uart_echo line')"; fi
    if [ "$a" = x86_64 ]; then
        if [ "$st" = 1 ]; then ok "$a isa-debug-exit code 1"
        else bad "$a isa-debug-exit: qemu exited with $st (want 1 = status 0)"; fi
    fi
}

# Number of checks one arch contributes (for a missing port or build failure).
nchecks() {
    local n=$(($(echo $SELFTESTS $SCENARIOS  $HOSTILE | wc -w) + 21))
    [ "$1" = x86_64 ] && n=$((n + 1))
    echo $n
}

for a in $ARCHES; do
    if [ ! -f "kernel/arch/$a/arch.mk" ]; then
        n=$(nchecks "$a")
        echo "boot: ARCH=$a: port missing (kernel/arch/$a/arch.mk): $n checks failed" >&2
        echo "FAIL $a: port missing ($n checks)"
        fail=$((fail + n))
        continue
    fi
    if ! make -s ARCH="$a" KTEST=1 kernel >"$OUT/$a-build.log" 2>&1; then
        n=$(nchecks "$a")
        tail -n 20 "$OUT/$a-build.log" >&2
        echo "FAIL $a: build failed ($n checks; log $OUT/$a-build.log)"
        fail=$((fail + n))
        continue
    fi
    cmd=$(make -s ARCH="$a" KTEST=1 print-run)
    start=$(date +%s.%N)
    rm -f "$OUT/$a.log"
    make_disk "$OUT/$a-disk.img"
    feed_uart "$OUT/$a.log" | timeout -k 5 "$BOOT_TIMEOUT" $cmd $(dev_args "$a" "$OUT/$a-disk.img") 2>&1 |
        stdbuf -oL tr -d '\r' >"$OUT/$a.log"
    st=${PIPESTATUS[1]}
    secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?')
    [ "$st" = 124 ] && echo "boot: $a timed out after ${BOOT_TIMEOUT}s" >&2
    check_log "$a" "$OUT/$a.log" "$st"
    # An unexpected fault (athanor.crash on the command line): reported with
    # registers and a backtrace, then a clean panic and poweroff status 2.
    timeout -k 5 "$BOOT_TIMEOUT" $cmd -append athanor.crash </dev/null 2>&1 | tr -d '\r' >"$OUT/$a-crash.log"
    st=${PIPESTATUS[0]}
    want_st=$(case $a in x86_64) echo 5 ;; riscv64) echo 2 ;; *) echo 0 ;; esac)   # riscv64: the test finisher
    if grep -q '^EXCEPTION: .* at pc=' "$OUT/$a-crash.log" && grep -A1 '^backtrace:' "$OUT/$a-crash.log" | grep -q '#0 ' &&
       grep -q '^panic: unhandled exception' "$OUT/$a-crash.log" &&
       grep -qx 'athanor: poweroff status 2' "$OUT/$a-crash.log" && [ "$st" = "$want_st" ]; then
        ok "$a unexpected fault: register dump, backtrace, panic, poweroff status 2"
    else
        bad "$a unexpected fault not reported cleanly (qemu status $st, log $OUT/$a-crash.log)"
    fi
    elf=build/kernel/$a-test/athanor.elf
    # For humans: the crash's addresses with function names and lines.
    grep -oE '(#[0-9]+ |pc=)0x[0-9a-f]+' "$OUT/$a-crash.log" | grep -oE '0x[0-9a-f]+' | awk '!seen[$0]++' |
        llvm-addr2line -f -p -e "$elf" >"$OUT/$a-crash.sym" 2>/dev/null || true
    sizes=$(size -A "$elf" 2>/dev/null | awk '$1 == ".text" {t = $2} $1 ~ /^\.(rodata|bootimg)/ {r += $2}
        $1 == ".data" || $1 == ".bss" || $1 == ".sdata" || $1 == ".sbss" {d += $2}
        END {printf "text %d, rodata %d, data+bss %d bytes", t, r, d}')
    report+=("$(grep -m1 -E 'booted in' "$OUT/$a.log" | sed 's/^athanor [0-9.]* //') | $(grep -m1 '^athanor: memory:' "$OUT/$a.log" | sed 's/^athanor: memory: //') | kernel $sizes (rodata holds the boot image) | QEMU test run ${secs}s")
done

# x86_64 as a PC boots it: GRUB from an ISO. Skipped only when the tools
# are missing (grub-mkrescue, xorriso); any other build failure fails.
if [[ " $ARCHES " == *" x86_64 "* ]] && [ -f kernel/arch/x86_64/arch.mk ]; then
    if ! command -v grub-mkrescue >/dev/null || ! command -v xorriso >/dev/null; then
        echo "boot: x86_64 ISO skipped: grub-mkrescue or xorriso is not installed" >&2
        skipped=1
    elif make -s KTEST=1 iso >"$OUT/iso-build.log" 2>&1; then
        timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -M q35 -m 256M -nographic -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
            -cdrom build/kernel/x86_64-test/athanor.iso </dev/null 2>&1 | tr -d '\r' >"$OUT/iso.log"
        st=${PIPESTATUS[0]}
        if grep -qx 'athanor: poweroff status 0' "$OUT/iso.log" && [ "$st" = 1 ]; then ok "x86_64 GRUB ISO boots, tests pass"
        else bad "x86_64 GRUB ISO boot (qemu status $st, log $OUT/iso.log)"; fi
    else
        bad "x86_64 GRUB ISO: make iso failed (log $OUT/iso-build.log)"
    fi
fi

# The hosted port (the core as a Linux process, kernel/arch/hosted): one
# check, only in the default run.
if [ $# -eq 0 ]; then
    if make -s ARCH=hosted KTEST=1 kernel >"$OUT/hosted-build.log" 2>&1 &&
       timeout 60 build/kernel/hosted-test/athanor.elf </dev/null >"$OUT/hosted.log" 2>&1 &&
       grep -qx 'athanor: poweroff status 0' "$OUT/hosted.log"; then
        ok "hosted port: self-tests and kspec pass in a Linux process"
    else
        bad "hosted port (logs $OUT/hosted-build.log, $OUT/hosted.log)"
    fi
fi

echo
for r in "${report[@]}"; do echo "report $r"; done
if [ "${skipped:-0}" = 1 ]; then
    echo "boot: $pass passed, $fail failed, 1 skipped"
else
    echo "boot: $pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
