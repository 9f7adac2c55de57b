/*
 * The port-I/O seam (<arch/cpu.h>) for ports without an I/O port space
 * (aarch64, riscv64, hosted): none is supported, so no io-port object can
 * be made and these are never reached with a valid capability. A port
 * links this file by setting ARCH_NO_PORT_IO := 1 in its arch.mk.
 */
#include <arch/cpu.h>

bool arch_io_supported(void)
{
    return false;
}

uint32_t arch_io_in(uint16_t port, int size)
{
    (void)port, (void)size;
    return 0;
}

void arch_io_out(uint16_t port, int size, uint32_t v)
{
    (void)port, (void)size, (void)v;
}
