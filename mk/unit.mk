# Unit tests: every tests/unit/*.c, linked against the sanitized engine.
UNIT_SRC := $(wildcard tests/unit/*.c)
$(SAN)/unit_tests: $(UNIT_SRC) $(wildcard tests/unit/*.h) $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) $(UNIT_SRC) $(SAN)/libazothwasm.a -pthread -o $@
TOOLS += $(SAN)/unit_tests
