# Host tests of portable kernel code (ASan + UBSan): the tests listed in
# KTEST_SRC linked with the kernel sources every hosted build links
# (KHOST_KSRC, in the top Makefile), which are compiled the way the kernel
# compiles them (freestanding, no libc headers).
#
#   build/san/kernel_tests [name-substring]     (tests/groups/20-kernel-host.sh)

KTEST_KSRC   := $(KHOST_KSRC)
KTEST_SRC    := $(addprefix tests/kernel/,kshim.c test_cap.c test_cap_prop.c test_dev.c \
                  test_dev_limits.c test_dma.c test_ipc.c test_ipc_buf.c test_ipc_lend.c \
                  test_ipc_ro.c test_ipc_shim.c test_isolation.c test_privacy.c test_supervise.c) \
                tests/unit/main.c
KTEST_KCFLAGS := -std=c11 $(WARN) -ffreestanding -nostdlibinc -fno-strict-aliasing \
                 -Ikernel/include -Itests/kernel/include -Iinclude
KTEST_KOBJ   := $(patsubst kernel/%.c,$(SAN)/obj/ktest/%.o,$(KTEST_KSRC))

$(SAN)/obj/ktest/%.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KTEST_KCFLAGS) $(SANFLAGS) $(DEPFLAGS) -c $< -o $@

# IPC tests run Wasm domains: the engine, and tests/kernel/include's layout.h.
KTEST_FLAGS := $(HOST_CFLAGS) -Ikernel/include -Itests/kernel/include -Iinclude -Itests/unit \
               -DUNIT_SUITE='"kernel-host"' $(SANFLAGS)
$(SAN)/kernel_tests: $(KTEST_SRC) $(KTEST_KOBJ) $(SAN)/libazothwasm.a
	$(call unlisted,$(KTEST_SRC),$(wildcard tests/kernel/*.c))
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(KTEST_FLAGS),$(KTEST_SRC))
	$(CC) $(KTEST_FLAGS) $(KTEST_SRC) $(KTEST_KOBJ) $(SAN)/libazothwasm.a -o $@
TOOLS += $(SAN)/kernel_tests

# The scheduler (with the test harness's join points, kernel/test/join.c)
# on a fake machine (tests/kernel/sched/: clock, interrupts,
# stacks, a stand-in exec) with the real x86_64 context switch, renamed so
# the shim can wrap it with ASan's fiber annotations. The host is x86_64.
SCHED_TEST_SRC := $(addprefix tests/kernel/sched/,mainstack.c shim.c test_sched.c) tests/unit/main.c \
                  tests/kernel/kshim.c

$(SAN)/obj/ktest/sched_context.o: kernel/arch/x86_64/context.S
	@mkdir -p $(dir $@)
	$(CC) -c -Darch_context_switch=asm_context_switch -Darch_context_init=asm_context_init $< -o $@

SCHED_TEST_KOBJ := $(SAN)/obj/ktest/core/sched.o $(SAN)/obj/ktest/test/join.o $(SAN)/obj/ktest/sched_context.o

SCHED_TEST_FLAGS := $(HOST_CFLAGS) -Ikernel/include -Itests/kernel/include -Itests/kernel -Ikernel/test \
                    -Itests/unit -Iinclude -DUNIT_SUITE='"sched-host"' $(SANFLAGS)
$(SAN)/sched_tests: $(SCHED_TEST_SRC) $(SCHED_TEST_KOBJ)
	$(call unlisted,$(SCHED_TEST_SRC),$(wildcard tests/kernel/sched/*.c))
	@mkdir -p $(dir $@)
	$(call cc_deps,$(CC) $(SCHED_TEST_FLAGS),$(SCHED_TEST_SRC))
	$(CC) $(SCHED_TEST_FLAGS) $(SCHED_TEST_SRC) $(SCHED_TEST_KOBJ) -o $@
TOOLS += $(SAN)/sched_tests

-include $(KTEST_KOBJ:.o=.d) $(SAN)/obj/ktest/core/sched.d $(SAN)/obj/ktest/test/join.d \
         $(SAN)/kernel_tests.d $(SAN)/sched_tests.d
