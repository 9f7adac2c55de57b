# Unit tests: every tests/unit/*.c, linked against the sanitized engine,
# and the SDK's portable pieces (sdk/lib/virtq.c: the split virtqueues).
UNIT_SRC := $(wildcard tests/unit/*.c) sdk/lib/virtq.c
$(SAN)/unit_tests: $(UNIT_SRC) $(wildcard tests/unit/*.h) sdk/include/virtq.h $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Isdk/include $(SANFLAGS) $(UNIT_SRC) $(SAN)/libazothwasm.a -pthread -o $@
TOOLS += $(SAN)/unit_tests
