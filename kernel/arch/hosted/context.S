/* The hosted port is a Linux x86_64 process: same ABI, same switch. */
#include "../x86_64/context.S"
