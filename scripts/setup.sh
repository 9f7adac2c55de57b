#!/usr/bin/env bash
# Installs what building and testing Azoth needs on Debian 12. Idempotent:
# when everything is present it touches neither the network nor apt.
#
#   clang lld make             the C toolchain (engine, tools, kernel later)
#   libclang-rt-14-dev         ASan, UBSan, LeakSanitizer and libFuzzer runtimes
#   wabt                       wat2wasm / wast2json: test modules, the spec suite
#   wasi-libc libclang-rt-14-dev-wasm32
#                              clang --target=wasm32-wasi for test programs
#   binaryen                   wasm-opt, for benchmarks and module tooling
#   nodejs                     reference Wasm engine for benchmarks (only when
#                              no node is on PATH: Debian's is older)
#   qemu-system-x86 qemu-system-arm qemu-system-misc
#                              boots the kernel on x86_64, aarch64, riscv64
#   grub-pc-bin grub-common xorriso mtools
#                              `make iso`: the bootable x86_64 ISO (grub-mkrescue)
#   gdb-multiarch              `make debug` on aarch64 and riscv64
#   qemu-user libc6-dev-arm64-cross libgcc-12-dev-arm64-cross libc6-dev-riscv64-cross
#   libgcc-12-dev-riscv64-cross binutils-riscv64-linux-gnu
#                              the hosted runners cross-built for aarch64 and riscv64
#                              (clang --target=...-linux-gnu; ld.lld, GNU ld for
#                              riscv64) and run under qemu-user: the compiled
#                              tier's aarch64 and riscv64 back ends (mk/xarch.mk)
#   e2fsprogs                  mke2fs -d / e2fsck / debugfs: ext2 disk images for tests
#   console-setup-linux        the terminal's console font (Lat15-Terminus16.psf.gz),
#                              copied into the system disk by `make disk`
#   rustc libstd-rust-dev-wasm32
#                              Rust domains (wasm32-unknown-unknown) and WASI
#                              programs (wasm32-wasi), called as /usr/bin/rustc
#   npm (only if no npm is installed)
#                              installs the pinned AssemblyScript compiler into
#                              sdk/assemblyscript/node_modules (npm ci)
set -eu
cd "$(dirname "$0")/.."

# The AssemblyScript compiler from the npm registry, at the version
# sdk/assemblyscript/package-lock.json pins (after the Debian packages).
as_setup() {
    [ -x sdk/assemblyscript/node_modules/.bin/asc ] && return 0
    echo "setup: npm ci in sdk/assemblyscript (assemblyscript)"
    (cd sdk/assemblyscript && npm ci --no-audit --no-fund --loglevel=error)
}

pkgs=(clang lld make wabt wasi-libc libclang-rt-14-dev libclang-rt-14-dev-wasm32
      binaryen qemu-system-x86 qemu-system-arm qemu-system-misc
      grub-pc-bin grub-common xorriso mtools gdb-multiarch e2fsprogs rustc libstd-rust-dev-wasm32
      console-setup-linux qemu-user libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
      libc6-dev-riscv64-cross libgcc-12-dev-riscv64-cross binutils-riscv64-linux-gnu)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
    s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$s" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all dependencies present"
    as_setup
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
as_setup
echo "setup: done"
