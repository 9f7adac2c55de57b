# Unit tests: the tests listed in UNIT_SRC, linked against the sanitized
# engine, and the portable pieces of modules: the split virtqueues
# (sdk/lib/virtq.c), the ext2 reader (user/services/fs/ext2.c), the PSF font
# parser (sdk/lib/psf.c, in the SDK for every domain that draws text), the
# console lines of the C SDK (sdk/lib/printf.c), the
# GPS driver's NMEA parser (user/drivers/gps/nmea.c) and the sensor broker's
# request and policy decoding (user/services/sensors/policy.c); the camera
# driver's low-resolution rows (sdk/include/camlow.h).
# (tests/unit/decode_check.c is mk/decode.mk's.)
UNIT_SRC := $(addprefix tests/unit/,main.c test_camlow.c test_cmp.c test_decode.c test_ext2.c test_ext2_write.c \
              test_interp.c test_nmea.c test_policy.c test_proposals.c test_psf.c test_reuse.c \
              test_printf.c test_simd_tiers.c \
              test_validate.c test_virtq.c wasm_builder.c) \
            sdk/lib/virtq.c user/services/fs/ext2.c sdk/lib/psf.c sdk/lib/printf.c \
            user/drivers/gps/nmea.c user/services/sensors/policy.c
UNIT_FLAGS := $(HOST_CFLAGS) -Isdk/include -Iuser/services/fs -Iuser/drivers/gps -Iuser/services/sensors \
              $(SANFLAGS)
$(SAN)/unit_tests: $(UNIT_SRC) $(SAN)/libazothwasm.a
	$(call unlisted,$(UNIT_SRC) tests/unit/decode_check.c,$(wildcard tests/unit/*.c))
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(UNIT_FLAGS),$(UNIT_SRC))
	$(CC) $(UNIT_FLAGS) $(UNIT_SRC) $(SAN)/libazothwasm.a -pthread -o $@
TOOLS += $(SAN)/unit_tests
-include $(SAN)/unit_tests.d
