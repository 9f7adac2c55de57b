# Storage: the ext2 reader's libFuzzer target and its seed images.
#
#   make fuzz-ext2             fuzz the ext2 reader for FUZZ_SECONDS (default 60)
#   make build/fuzz/fuzz_ext2  just build it
#
# Seeds are small images mke2fs builds from a tree (no root needed): 1 KiB
# and 4 KiB blocks, with files, a directory chain and symlinks.
EXT2_FUZZ := $(BUILD)/fuzz/fuzz_ext2
EXT2_SEEDS := $(BUILD)/fuzz/ext2-seeds
$(EXT2_FUZZ): tests/fuzz/fuzz_ext2.c user/services/fs/ext2.c user/services/fs/ext2.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=undefined -fsanitize=fuzzer -Iuser/services/fs \
	    tests/fuzz/fuzz_ext2.c user/services/fs/ext2.c -o $@

$(EXT2_SEEDS)/stamp: tests/fuzz/make_ext2_seeds.sh
	bash tests/fuzz/make_ext2_seeds.sh $(EXT2_SEEDS)
	@touch $@

.PHONY: fuzz-ext2
fuzz-ext2: $(EXT2_FUZZ) $(EXT2_SEEDS)/stamp
	@mkdir -p $(BUILD)/fuzz/ext2-corpus
	$(EXT2_FUZZ) -max_len=262144 -timeout=10 -artifact_prefix=$(BUILD)/fuzz/ext2- \
	    -max_total_time=$(or $(FUZZ_SECONDS),60) $(BUILD)/fuzz/ext2-corpus $(EXT2_SEEDS)
