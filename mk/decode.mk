# The binary decoder's private tools (the unit tests proper are in mk/unit.mk).
#
#   make build/decode_check        decoder-only checker over spec-suite JSON
#   make decode-check              runs it over the decoder-relevant .wast files
#   make build/decode_unit         unit tests of util.c + decode.c alone (no rest of engine)
DECODE_OBJ := $(SAN)/obj/wasm/decode.o $(SAN)/obj/wasm/util.o $(SAN)/obj/wasm/snapshot.o \
              $(SAN)/obj/hosted/platform.o
DECODE_WAST := binary binary-leb128 custom names utf8-custom-section-id utf8-import-field \
               utf8-import-module utf8-invalid-encoding data elem exports imports global \
               memory table start type func

$(BUILD)/decode_check: tests/unit/decode_check.c $(DECODE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) $(DEPFLAGS) -DDECODE_CHECK_MAIN tests/unit/decode_check.c \
	    $(DECODE_OBJ) -o $@
TOOLS += $(BUILD)/decode_check

DECODE_UNIT_SRC := tests/unit/main.c tests/unit/test_decode.c tests/unit/decode_check.c
$(BUILD)/decode_unit: $(DECODE_UNIT_SRC) $(DECODE_OBJ)
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(HOST_CFLAGS) -DDECODE_STUB_RUNTIME,$(DECODE_UNIT_SRC))
	$(CC) $(HOST_CFLAGS) $(SANFLAGS) -DDECODE_STUB_RUNTIME $(DECODE_UNIT_SRC) $(DECODE_OBJ) -o $@
-include $(BUILD)/decode_check.d $(BUILD)/decode_unit.d

.PHONY: decode-check
decode-check: $(BUILD)/decode_check
	@rm -rf $(BUILD)/decode-json && mkdir -p $(BUILD)/decode-json
	@for f in $(DECODE_WAST); do \
	    wast2json --enable-all $(WASM_TESTSUITE)/$$f.wast -o $(BUILD)/decode-json/$$f.json \
	        || exit 1; done
	$(BUILD)/decode_check $(V) $(patsubst %,$(BUILD)/decode-json/%.json,$(DECODE_WAST))
