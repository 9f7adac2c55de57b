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

# make bench-display [ARCH=...] [FRAMES=60] [RUNS=1] [VS=<kernel ELF>]:
# the display figures in QEMU (bench/display.sh), ending with
#   display: full-frame F fps, driver-only G fps, present 64x64 P us
# (medians when RUNS > 1; VS: another kernel booted in turn, for ratios).
.PHONY: bench-display
bench-display:
	@bash bench/display.sh $(ARCH) $(or $(FRAMES),60) $(or $(RUNS),1) $(VS)
