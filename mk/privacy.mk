# Privacy (docs/privacy.md): the GPS driver's NMEA parser and the sensor
# broker's request and policy decoding, fuzzed on the host.
#
#   make fuzz-nmea             fuzz the NMEA parser for FUZZ_SECONDS (default 60)
#   make fuzz-sensors          fuzz the broker's decoding for FUZZ_SECONDS (default 60)
NMEA_FUZZ := $(BUILD)/fuzz/fuzz_nmea
$(NMEA_FUZZ): tests/fuzz/fuzz_nmea.c user/drivers/gps/nmea.c user/drivers/gps/nmea.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=undefined -fsanitize=fuzzer -Iuser/drivers/gps \
	    tests/fuzz/fuzz_nmea.c user/drivers/gps/nmea.c -o $@

.PHONY: fuzz-nmea
fuzz-nmea: $(NMEA_FUZZ)
	@mkdir -p $(BUILD)/fuzz/nmea-corpus
	$(NMEA_FUZZ) -max_len=4096 -timeout=10 -artifact_prefix=$(BUILD)/fuzz/nmea- \
	    -max_total_time=$(or $(FUZZ_SECONDS),60) $(BUILD)/fuzz/nmea-corpus tests/fuzz/nmea-seeds

SENSORS_FUZZ := $(BUILD)/fuzz/fuzz_sensors
$(SENSORS_FUZZ): tests/fuzz/fuzz_sensors.c user/services/sensors/policy.c user/services/sensors/policy.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=undefined -fsanitize=fuzzer -Iuser/services/sensors \
	    tests/fuzz/fuzz_sensors.c user/services/sensors/policy.c -o $@

.PHONY: fuzz-sensors
fuzz-sensors: $(SENSORS_FUZZ)
	@mkdir -p $(BUILD)/fuzz/sensors-corpus
	$(SENSORS_FUZZ) -max_len=4096 -timeout=10 -artifact_prefix=$(BUILD)/fuzz/sensors- \
	    -max_total_time=$(or $(FUZZ_SECONDS),60) $(BUILD)/fuzz/sensors-corpus tests/fuzz/sensors-seeds

# The host tests (tests/kernel/test_privacy.c) run the real broker module
# next to the IPC test modules.
$(SAN)/ipc/sensors.wasm: $(MODBUILD)/services/sensors.wasm
	@mkdir -p $(dir $@)
	cp $< $@
$(SAN)/kernel_tests: $(SAN)/ipc/sensors.wasm

# The lease figures in QEMU (bench/privacy.sh, user/apps/privbench): ends
# with "privacy: leases N, revoke-to-fail max M us p99 Q us, leaked bytes L,
# coarse clock R us".
.PHONY: bench-privacy
bench-privacy:
	bash bench/privacy.sh $(ARCH)

# record and snap: WASI programs in C (user/wasi/NAME/main.c, wasi-libc
# and sdk/include/wsensor.h) that read the microphone and the camera as
# files below /sensors; the system disk ships them in /bin (storage.mk).
SENSOR_PROGRAMS := $(BUILD)/programs/record.wasm $(BUILD)/programs/snap.wasm
$(SENSOR_PROGRAMS): $(BUILD)/programs/%.wasm: user/wasi/%/main.c sdk/include/wsensor.h
	@mkdir -p $(dir $@)
	clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Isdk/include $< -o $@

# The microphone's and the camera's stand-in data, the feeder that plays
# them into QEMU at a steady rate, and the checks of what record and snap
# wrote (tools/sensordata.c): the test WAV and the frame stream are made
# by the build (make sensor-data).
SENSORDATA := $(BUILD)/sensordata
$(SENSORDATA): tools/sensordata.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(OPT) $< -o $@
TOOLS += $(SENSORDATA)
$(BUILD)/privacy/test.wav: $(SENSORDATA)
	@mkdir -p $(dir $@)
	$(SENSORDATA) wav $@
$(BUILD)/privacy/frames.ppm: $(SENSORDATA)
	@mkdir -p $(dir $@)
	$(SENSORDATA) frames $@
.PHONY: sensor-data
sensor-data: $(BUILD)/privacy/test.wav $(BUILD)/privacy/frames.ppm
