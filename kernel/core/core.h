/*
 * Private interfaces between the files of the portable kernel core
 * (kernel/core/). Nothing here is part of the arch seam.
 */
#ifndef CORE_H
#define CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/boot.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uintptr_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uintptr_t)(a) - 1))

/* time.c: periodic ticks counted by timer_tick(). */
uint64_t timer_ticks(void);

/* klib.c */
int strncmp_k(const char *a, const char *b, size_t n);
bool str_has_word(const char *s, const char *word);

/* bootimg.c: the boot image embedded in the kernel (format: docs/boot.md). */
bool bootimg_check(void);               /* prints one line per problem */
bool bootimg_find(const char *name, const uint8_t **data, size_t *len);
size_t bootimg_size(void);
bool bootimg_entry(uint32_t i, const char **name, const uint8_t **data, size_t *len);   /* i-th, in order */

/* stack.c: kernel stacks and the bounds of the stack we run on. */
void kstack_run(size_t size, void (*fn)(void *), void *arg);
void kstack_current(uintptr_t *lo, uintptr_t *hi);
void kstack_boot(uintptr_t here);       /* kmain: where the boot stack is */
void kstack_set_current(uintptr_t lo, uintptr_t hi);   /* sched.c: on a switch */

/* vm.c */
size_t vm_reserved_bytes(void);

/* printk.c: the last at most cap bytes of the kernel log into buf. */
size_t klog_tail(char *buf, size_t cap);
extern bool klog_quiet;                 /* printk.c: athanor.quiet, the console stays silent */

/* heap.c */
size_t heap_bytes(void);
size_t heap_objects(void);

/* trap.c */
void trap_backtrace(uintptr_t fp);
void trap_disarm(void);             /* cancels a trap_expect */

/* loader.c: the boot manifest's domains (docs/domains.md). */
struct domsys;
int loader_run_manifest(void);          /* returns the number of domains loaded */
bool loader_run_init(void);             /* runs init's entry; false on trap */
struct domsys *loader_domsys(void);     /* the kernel's domains; NULL before the manifest */
/* Runs d's export entry, () -> () or () -> i32, on a new exec bound to
 * the calling thread. Returns 0 when it returned (*res its value, 0 if
 * none) or exited with status 0; otherwise prints why, prefixed by tag,
 * contains the fault (domain_fault) and returns -1. */
struct domain;
int loader_run_entry(struct domain *d, const char *tag, uint64_t *res);

/* wasm_platform.c: a runtime with the kernel's limits. */
struct wasm_runtime *kwasm_runtime(void);
/* The wasm_bounds_t the kernel's runtimes use (guard regions or explicit
 * checks, by the size of the VM range). */
uint32_t kwasm_bounds(void);
/* The default tier (a wasm_engine_t) of kwasm_runtime and of domains
 * without engine=; athanor.engine= on the command line sets it. */
void kwasm_set_engine(uint32_t engine);
uint32_t kwasm_engine(void);
/* A page fault at addr inside a snapshotted linear memory: true when the
 * engine made the page writable (copy-on-write) and the write may retry. */
bool kwasm_write_fault(uintptr_t addr);
/* Bytes of compiled Wasm code mapped (the compiled tier's code pages). */
size_t kwasm_code_bytes(void);
/* Whether pc is inside a sealed region of compiled code; its bounds. */
bool kwasm_code_region(uintptr_t pc, uintptr_t *base, uintptr_t *end);

#endif
