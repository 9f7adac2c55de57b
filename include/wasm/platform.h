/*
 * The Wasm engine's only window on its platform.
 *
 * The engine calls nothing else: no libc function, no system call. The
 * hosted build implements this header on Linux (src/hosted/platform.c); the
 * kernel implements it on bare metal. The compiler may emit calls to memcpy,
 * memmove and memset: the platform provides those too, as every freestanding
 * C environment must.
 *
 * Required part: allocation, logging, time, stack bounds.
 * Virtual memory part: linear memories are reserved ranges of address space
 * whose pages are committed on demand. A linear memory never moves, so the
 * same mechanism can later map shared (IPC buffer) pages into it.
 */
#ifndef WASM_PLATFORM_H
#define WASM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zero-filled allocation; NULL when out of memory. */
void *wasm_plat_alloc(size_t size);
/* Like realloc; new bytes beyond old_size are zeroed. NULL on failure (p kept). */
void *wasm_plat_realloc(void *p, size_t old_size, size_t new_size);
void wasm_plat_free(void *p);
/* An execution context's value and control stacks: size bytes, zeroed,
 * that stay put (NULL when out of memory). A platform may give them
 * memory only as they are first touched, deep stacks being rare, but
 * must not fail then. */
void *wasm_plat_stack_alloc(size_t size);
void wasm_plat_stack_free(void *p, size_t size);

enum { WASM_LOG_DEBUG, WASM_LOG_INFO, WASM_LOG_WARN, WASM_LOG_ERROR };
void wasm_plat_log(int level, const char *msg);

/* Monotonic clock in nanoseconds. */
uint64_t wasm_plat_time_ns(void);

/* Bounds of the current thread's native stack: lo <= sp < hi. */
void wasm_plat_stack_bounds(uintptr_t *lo, uintptr_t *hi);

/* Page size for the calls below (a power of two, at most 64 KiB). */
size_t wasm_plat_page_size(void);
/* Reserves size bytes of address space, inaccessible; NULL on failure. */
void *wasm_plat_vm_reserve(size_t size);
/* Makes [addr, addr+size) readable and writable and zero-filled on first
 * touch. addr and size are page multiples inside a reservation. */
bool wasm_plat_vm_commit(void *addr, size_t size);
/* Returns [addr, addr+size) to the reserved, inaccessible state. */
void wasm_plat_vm_decommit(void *addr, size_t size);
/* Releases a whole reservation made by wasm_plat_vm_reserve. */
void wasm_plat_vm_release(void *addr, size_t size);

/* Copy-on-write part (optional: only instance snapshot/reset needs it).
 * vm_protect makes committed pages read-only or read-write again.
 * vm_watch asks the platform to hand write faults inside [base, base+size)
 * to wasm_memory_write_fault(mem, addr) (declared in wasm.h) and to retry
 * the faulting write when it returns true; mem NULL ends the watch. */
struct wasm_memory;
bool wasm_plat_vm_protect(void *addr, size_t size, bool writable);
bool wasm_plat_vm_watch(void *base, size_t size, struct wasm_memory *mem);

/* Executable memory part (optional: only the compiled tier needs it; without
 * it, or where it fails, the engine interprets). code_alloc maps size bytes
 * readable and writable; code_seal makes them readable and executable (never
 * both writable and executable) and does any instruction-cache maintenance;
 * code_free unmaps. The hosted platform's fault handler resumes a memory
 * access fault inside a code region at the region's first byte, where the
 * compiled tier keeps its out-of-bounds trap stub. */
void *wasm_plat_code_alloc(size_t size);
bool wasm_plat_code_seal(void *p, size_t size);
void wasm_plat_code_free(void *p, size_t size);
/* Optional, for profilers: called once per compiled function after its
 * module's code is sealed (name: the name section's, len 0 when none; index:
 * the function index). The hosted platform writes perf's map
 * /tmp/perf-PID.map when AZOTH_PERF_MAP=1; the default does nothing. */
void wasm_plat_code_symbol(const void *start, size_t size, const char *name, size_t len,
                           uint32_t index);

/* Private-frame part of copy-on-write (optional: a platform without it
 * returns false from vm_frames and the engine saves a copy of each written
 * page itself, and copies it back at reset).
 * vm_private gives the read-only page at addr a private writable frame
 * holding the same bytes (the copy happens here, at fault time) and returns
 * in *token (never 0) the frame the page had, which the caller now keeps.
 * vm_restore puts n pages back without copying: the page at
 * base + pages[i] * page size is pointed at the frame tokens[i] names,
 * read-only, and its private frame is freed; one TLB flush for them all.
 * vm_drop frees the frame a token names.
 * vm_promise sets aside n free frames for pages not written yet (false,
 * and nothing set aside, when there are not that many); vm_private takes
 * its frame from them and never fails for want of memory; vm_restore sets
 * aside again the n frames it frees; vm_unpromise gives n back. The
 * engine holds one for each page of a snapshot not written since. */
bool wasm_plat_vm_frames(void);
bool wasm_plat_vm_promise(size_t n);
void wasm_plat_vm_unpromise(size_t n);
bool wasm_plat_vm_private(void *addr, uint64_t *token);
void wasm_plat_vm_restore(void *base, const uint64_t *pages, const uint64_t *tokens, size_t n);
void wasm_plat_vm_drop(uint64_t token);
/* Zero pages (with private frames only): a page of zeros keeps no frame
 * of its own while it is not written.
 * vm_share_zero maps every read-only page of [addr, addr+size) whose bytes
 * are all zero to one shared read-only zero frame and frees its own;
 * returns how many. vm_private of such a page gives it a fresh zeroed
 * frame and a token that names the zero frame (vm_restore maps it back,
 * vm_drop keeps it); vm_protect making it writable gives it a frame too.
 * vm_commit_zero commits [addr, addr+size) as pages of the zero frame,
 * read-only (a watched range: their first write faults), false when out
 * of memory as vm_commit; vm_fill_zero gives such a page at addr a fresh
 * writable frame, which must not fail (false: not such a page). */
size_t wasm_plat_vm_share_zero(void *addr, size_t size);
bool wasm_plat_vm_commit_zero(void *addr, size_t size);
bool wasm_plat_vm_fill_zero(void *addr);

#endif
