/*
 * WASI programs from the file system (kernel/core/wasiprog.c, docs/wasi.md
 * "Inside Athanor"). A program is an unmodified wasm32-wasi module read
 * through a directory capability of the file service; it runs in a domain
 * of its own whose only import module is wasi_snapshot_preview1 (no
 * "athanor" calls), served by the WASI layer of src/wasi on a kernel
 * backend: the console for fds 0-2, the file service (over IPC, with the
 * program's own capabilities) for its preopened directories, rng.get for
 * random_get, the kernel clock (coarse, docs/privacy.md) for the clocks.
 *
 * Programs run in a fixed number of slots (WASIPROG_SLOTS): a slot's domain
 * is in the domain list from launch until its status is collected, then
 * its instance, module, capabilities and WASI context are freed.
 */
#ifndef KERN_WASIPROG_H
#define KERN_WASIPROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/cap.h>
#include <kern/domain.h>

#define WASIPROG_SLOTS 4
#define WASIPROG_SPEC_MAX 4096

/*
 * Makes a program domain as spec says, on behalf of domain `by`, which
 * holds the directory capability fs (an fs.root-style endpoint it may
 * derive from) and rng (the entropy endpoint, 0: none). spec is a list of
 * NUL-terminated fields, each starting with a tag letter:
 *   p PATH          the program file below fs (exactly one)
 *   a ARG           an argument (argv[0] first)
 *   e K=V           an environment variable
 *   d PATH[::GUEST] a preopened directory below fs, under the guest name
 *                   GUEST (default PATH)
 * On success *out is the domain, loaded and ready for wasiprog_run. On
 * failure returns a negative code and writes a one-line reason (NUL
 * terminated, cut to why_cap) into why.
 */
int wasiprog_launch(domain_t *by, cap_handle_t fs, cap_handle_t rng, const char *spec,
                    size_t len, domain_t **out, char *why, size_t why_cap);

/* The wall clock at kernel entry, ns since 1970 (athanor.epoch=SECONDS on
 * the command line, which make run passes: the kernel reads no RTC yet);
 * realtime is this plus the uptime. 0: realtime is the uptime. */
extern uint64_t wasiprog_epoch_ns;
/* make run CMD= (the command's output framed for scripts/run-cmd.sh):
 * what a program writes to stderr is framed too, ESC ] azoth;err BEL
 * before and ESC ] azoth;out BEL after, so the host side can send it to
 * its own stderr. */
extern bool wasiprog_frame_stderr;

/* Whether d is a program slot's domain. */
bool wasiprog_is(const domain_t *d);

/* Runs d's _start on the calling thread: the program's status (its
 * proc_exit code, 0 when _start returns), or -1 if it trapped or was
 * stopped (the trap is printed, with its backtrace). */
int64_t wasiprog_run(domain_t *d);

/* A send capability to d's stdin in to's table (*out): messages of up
 * to 64 bytes are what it reads, an empty one is the end. Revoked with
 * the program. */
int wasiprog_stdin(domain_t *d, domain_t *to, cap_handle_t *out);

/* Frees what the program held (instance, module, capabilities, WASI
 * context) and takes its domain out of the domain list; the slot is free
 * again. Not while it runs. */
void wasiprog_unload(domain_t *d);

#endif
