# Host tests of portable kernel code (ASan + UBSan): every tests/kernel/*.c
# linked with the kernel sources in KTEST_KSRC, which are compiled the way
# the kernel compiles them (freestanding, no libc headers). Later subsystems
# add their portable sources to KTEST_KSRC below (this file is included
# before or after theirs depending on names, so the list lives here).
#
#   build/san/kernel_tests [name-substring]     (tests/groups/20-kernel-host.sh)

KTEST_KSRC   := $(KHOST_KSRC) kernel/core/dev.c kernel/core/devices.c
KTEST_SRC    := $(wildcard tests/kernel/*.c) tests/unit/main.c
KTEST_HDR    := $(wildcard kernel/include/kern/*.h tests/kernel/*.h) tests/unit/unit.h
KTEST_KCFLAGS := -std=c11 $(WARN) -ffreestanding -nostdlibinc -fno-strict-aliasing \
                 -Ikernel/include -Itests/kernel/include -Iinclude
KTEST_KOBJ   := $(patsubst kernel/%.c,$(SAN)/obj/ktest/%.o,$(KTEST_KSRC))

$(SAN)/obj/ktest/%.o: kernel/%.c $(KTEST_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(KTEST_KCFLAGS) $(SANFLAGS) -c $< -o $@

# IPC tests run Wasm domains: the engine, and tests/kernel/include's layout.h.
$(SAN)/kernel_tests: $(KTEST_SRC) $(KTEST_HDR) $(KTEST_KOBJ) $(SAN)/libazothwasm.a
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ikernel/include -Itests/kernel/include -Iinclude -Itests/unit \
	    -DUNIT_SUITE='"kernel-host"' $(SANFLAGS) $(KTEST_SRC) $(KTEST_KOBJ) $(SAN)/libazothwasm.a -o $@
TOOLS += $(SAN)/kernel_tests

# The scheduler (with the test harness's join points, kernel/test/join.c)
# on a fake machine (tests/kernel/sched/: clock, interrupts,
# stacks, a stand-in exec) with the real x86_64 context switch, renamed so
# the shim can wrap it with ASan's fiber annotations. The host is x86_64.
SCHED_TEST_SRC := $(wildcard tests/kernel/sched/*.c) tests/unit/main.c tests/kernel/kshim.c
SCHED_TEST_HDR := $(wildcard tests/kernel/sched/*.h) $(KTEST_HDR)

$(SAN)/obj/ktest/sched_context.o: kernel/arch/x86_64/context.S
	@mkdir -p $(dir $@)
	$(CC) -c -Darch_context_switch=asm_context_switch -Darch_context_init=asm_context_init $< -o $@

SCHED_TEST_KOBJ := $(SAN)/obj/ktest/core/sched.o $(SAN)/obj/ktest/test/join.o $(SAN)/obj/ktest/sched_context.o

$(SAN)/sched_tests: $(SCHED_TEST_SRC) $(SCHED_TEST_HDR) $(SCHED_TEST_KOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Ikernel/include -Itests/kernel/include -Itests/kernel -Ikernel/test -Itests/unit \
	    -Iinclude -DUNIT_SUITE='"sched-host"' $(SANFLAGS) $(SCHED_TEST_SRC) $(SCHED_TEST_KOBJ) -o $@
TOOLS += $(SAN)/sched_tests
