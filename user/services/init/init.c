/*
 * init.wasm: the first domain the kernel runs. It greets through the
 * athanor host calls (the C SDK, sdk/include/athanor.h), proving that the
 * same bytes run on every ISA.
 */
#include <athanor.h>

ATH_EXPORT("_start") void _start(void)
{
    char name[32];
    ath_arch_name(name, (int32_t)sizeof name);
    ath_print("init: hello from init.wasm on ");
    ath_print(name);
    ath_print("\n");
}
