# The display (docs/display.md): the host tool of the display tests
# (QMP client, PPM checks; tools/dispcheck.c), on the terminal's PSF parser.
$(BUILD)/dispcheck: tools/dispcheck.c user/apps/term/psf.c user/apps/term/psf.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) tools/dispcheck.c user/apps/term/psf.c -o $@
TOOLS += $(BUILD)/dispcheck
