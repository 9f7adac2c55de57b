# The display (docs/display.md): the host tool of the display tests
# (QMP client, PPM checks; tools/dispcheck.c), on the terminal's PSF parser.
$(BUILD)/dispcheck: tools/dispcheck.c sdk/lib/psf.c sdk/include/psf.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) -Isdk/include tools/dispcheck.c sdk/lib/psf.c -o $@
TOOLS += $(BUILD)/dispcheck

# The PSF parser's libFuzzer target (tests/fuzz/fuzz_psf.c); seeds: the
# terminal's font and the fonts the unit test builds are enough to start.
#   make fuzz-psf              fuzz it for FUZZ_SECONDS (default 60)
PSF_FUZZ := $(BUILD)/fuzz/fuzz_psf
$(PSF_FUZZ): tests/fuzz/fuzz_psf.c sdk/lib/psf.c sdk/include/psf.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=undefined -fsanitize=fuzzer -Isdk/include \
	    tests/fuzz/fuzz_psf.c sdk/lib/psf.c -o $@
$(BUILD)/fuzz/psf-seeds/stamp:
	@mkdir -p $(dir $@)
	@zcat $(DISK_FONT) > $(dir $@)terminus16.psf 2>/dev/null || true
	@printf '\066\004\000\001' > $(dir $@)tiny.psf; head -c 256 /dev/zero >> $(dir $@)tiny.psf
	@printf '\162\265\112\206\000\000\000\000\040\000\000\000\000\000\000\000\001\000\000\000\001\000\000\000\001\000\000\000\010\000\000\000\377' > $(dir $@)psf2.psf
	@touch $@
.PHONY: fuzz-psf
fuzz-psf: $(PSF_FUZZ) $(BUILD)/fuzz/psf-seeds/stamp
	@mkdir -p $(BUILD)/fuzz/psf-corpus
	$(PSF_FUZZ) -max_len=65536 -timeout=10 -artifact_prefix=$(BUILD)/fuzz/psf- \
	    -max_total_time=$(or $(FUZZ_SECONDS),60) $(BUILD)/fuzz/psf-corpus $(BUILD)/fuzz/psf-seeds

# The display as files for WASI programs (user/services/display/files.c):
# a libFuzzer target (tests/fuzz/fuzz_dispfiles.c) that drives the file
# protocol with calls decoded from its input (tests/fuzz/dispfiles.h) and
# checks each result against a model and a reference header rule; seeds
# written by tests/fuzz/dispfiles_seeds.c (valid and invalid PPM streams),
# regression inputs in tests/fuzz/dispfiles-regress.
#   make fuzz-dispfiles        fuzz it for FUZZ_SECONDS (default 60)
DISPFILES_FUZZ := $(BUILD)/fuzz/fuzz_dispfiles
$(DISPFILES_FUZZ): tests/fuzz/fuzz_dispfiles.c tests/fuzz/dispfiles.h user/services/display/files.c \
                   user/services/display/display.h sdk/include/athanor.h sdk/include/fsproto.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -Isdk/include -Iuser/services/display \
	    tests/fuzz/fuzz_dispfiles.c user/services/display/files.c -o $@
$(BUILD)/fuzz/dispfiles_seeds: tests/fuzz/dispfiles_seeds.c tests/fuzz/dispfiles.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) $< -o $@
$(BUILD)/fuzz/dispfiles-seeds/stamp: $(BUILD)/fuzz/dispfiles_seeds
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	$< $(dir $@)
	@touch $@
.PHONY: fuzz-dispfiles
fuzz-dispfiles: $(DISPFILES_FUZZ) $(BUILD)/fuzz/dispfiles-seeds/stamp
	@mkdir -p $(BUILD)/fuzz/dispfiles-corpus
	$(DISPFILES_FUZZ) -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=$(BUILD)/fuzz/dispfiles- -print_final_stats=1 \
	    -max_total_time=$(or $(FUZZ_SECONDS),60) $(BUILD)/fuzz/dispfiles-corpus \
	    $(BUILD)/fuzz/dispfiles-seeds $(wildcard tests/fuzz/dispfiles-regress)

# make bench-display [ARCH=...] [FRAMES=60] [RUNS=1] [VS=<kernel ELF>]:
# the display figures in QEMU (bench/display.sh), ending with
#   display: full-frame F fps, driver-only G fps, present 64x64 P us
# (medians when RUNS > 1; VS: another kernel booted in turn, for ratios).
.PHONY: bench-display
bench-display:
	@bash bench/display.sh $(ARCH) $(or $(FRAMES),60) $(or $(RUNS),1) $(VS)
