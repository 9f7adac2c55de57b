#!/usr/bin/env bash
# Seed images for the ext2 fuzz target (tests/fuzz/fuzz_ext2.c): 64 KiB
# (1 KiB blocks) and 256 KiB (4 KiB blocks) ext2 images mke2fs builds from
# a small tree, each also with a 128-byte operation script appended (the
# target's write paths: tests/fuzz/fuzz_ext2.c).
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/tree/dir/sub"
printf 'hello, ext2\n' >"$tmp/tree/hello.txt"
printf 'deep\n' >"$tmp/tree/dir/sub/deep.txt"
head -c 20000 /dev/zero | tr '\0' z >"$tmp/tree/big"
ln -s dir/sub/deep.txt "$tmp/tree/link"
ln -s /hello.txt "$tmp/tree/abs"
ln -s loop "$tmp/tree/loop"
ln -s ../../.. "$tmp/tree/dir/sub/up"
for bs in 1024 4096; do
    size=64k
    [ $bs = 4096 ] && size=256k
    E2FSPROGS_FAKE_TIME=1000000000 mke2fs -q -t ext2 -b $bs -N 32 -m 0 -d "$tmp/tree" \
        -U 4e2a7e6c-1b2c-4d3e-8f90-a1b2c3d4e5f6 -E hash_seed=4e2a7e6c-1b2c-4d3e-8f90-a1b2c3d4e5f6 \
        "$tmp/img$bs" $size >/dev/null
    cp "$tmp/img$bs" "$out/ext2-$bs.img"
    for k in 1 2 3; do
        cp "$tmp/img$bs" "$out/ext2-$bs-ops$k.img"
        for i in $(seq 0 127); do
            printf "\\x$(printf %02x $(((i * (29 + 8 * k) + 11 * k + i / 7) % 256)))"
        done >>"$out/ext2-$bs-ops$k.img"
    done
done
