# Unit tests: every tests/unit/*.c, linked against the sanitized engine,
# and the portable pieces of modules: the split virtqueues (sdk/lib/virtq.c),
# the ext2 reader (user/services/fs/ext2.c), the PSF font parser
# (sdk/lib/psf.c, in the SDK for every domain that draws text), the GPS
# driver's NMEA parser (user/drivers/gps/nmea.c) and the sensor broker's
# request and policy decoding (user/services/sensors/policy.c).
UNIT_SRC := $(wildcard tests/unit/*.c) sdk/lib/virtq.c user/services/fs/ext2.c sdk/lib/psf.c \
            user/drivers/gps/nmea.c user/services/sensors/policy.c
$(SAN)/unit_tests: $(UNIT_SRC) $(wildcard tests/unit/*.h) sdk/include/virtq.h user/services/fs/ext2.h \
                   sdk/include/psf.h user/drivers/gps/nmea.h user/services/sensors/policy.h \
                   $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Isdk/include -Iuser/services/fs -Iuser/drivers/gps \
	    -Iuser/services/sensors $(SANFLAGS) $(UNIT_SRC) $(SAN)/libazothwasm.a -pthread -o $@
TOOLS += $(SAN)/unit_tests
