# Unit tests: every tests/unit/*.c, linked against the sanitized engine,
# and the portable pieces of modules: the split virtqueues (sdk/lib/virtq.c)
# the ext2 reader (user/services/fs/ext2.c) and the terminal's PSF font
# parser (user/apps/term/psf.c).
UNIT_SRC := $(wildcard tests/unit/*.c) sdk/lib/virtq.c user/services/fs/ext2.c user/apps/term/psf.c
$(SAN)/unit_tests: $(UNIT_SRC) $(wildcard tests/unit/*.h) sdk/include/virtq.h user/services/fs/ext2.h \
                   user/apps/term/psf.h \
                   $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Isdk/include -Iuser/services/fs -Iuser/apps/term $(SANFLAGS) $(UNIT_SRC) $(SAN)/libazothwasm.a -pthread -o $@
TOOLS += $(SAN)/unit_tests
