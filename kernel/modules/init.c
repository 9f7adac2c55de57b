/*
 * init.wasm: the first module the kernel runs. It greets through the
 * athanor host calls, proving that the same bytes run on every ISA.
 */
#define IMPORT(name) __attribute__((import_module("athanor"), import_name(name)))

IMPORT("debug_print") void debug_print(const char *p, int len);
IMPORT("arch") int arch(char *buf, int cap);

static int length(const char *s)
{
    int n = 0;
    while (s[n])
        n++;
    return n;
}

static void print(const char *s)
{
    debug_print(s, length(s));
}

__attribute__((export_name("_start"))) void _start(void)
{
    char name[32];
    int n = arch(name, (int)sizeof name - 1);
    name[n < 31 ? n : 31] = 0;
    print("init: hello from init.wasm on ");
    print(name);
    print("\n");
}
