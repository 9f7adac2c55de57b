/*
 * The Athanor C SDK for domains (Wasm modules built with clang
 * --target=wasm32 -nostdlib): the "athanor" host calls (docs/hostcalls.md)
 * and a few helpers on top (sdk/lib/athanor.c, built into libathanor.a).
 * Every call returns 0 / a value >= 0 on success, a negative ATH_E* code on
 * failure.
 */
#ifndef ATHANOR_H
#define ATHANOR_H

#include <stdint.h>

#ifdef __wasm__
#define ATH_IMPORT(name) __attribute__((import_module("athanor"), import_name(name)))
#define ATH_EXPORT(name) __attribute__((export_name(name)))
#else /* a hosted build of SDK code (the unit tests): the test defines the calls */
#define ATH_IMPORT(name)
#define ATH_EXPORT(name)
#endif

typedef int32_t ath_handle_t;

/* Error codes (kern/cap.h, kern/ipc.h). */
enum {
    ATH_EINVAL = -1, ATH_ESTALE = -2, ATH_EREVOKED = -3, ATH_EEXPIRED = -4, ATH_ETYPE = -5,
    ATH_ERIGHTS = -6, ATH_ENOSPACE = -7, ATH_ENOMEM = -8, ATH_ENOENT = -9,
    ATH_EFAULT = -11, ATH_ETRAP = -12, ATH_ESTOPPED = -13, ATH_EBUSY = -14,
    ATH_ETIMEDOUT = -15, ATH_EFULL = -16, ATH_EEMPTY = -17, ATH_EMSGSIZE = -18,
    ATH_ELENT = -19, ATH_EMAPPED = -20, ATH_ELIMIT = -21,
};

/* Rights (CAP_R_*). */
enum {
    ATH_R_READ = 1 << 0, ATH_R_WRITE = 1 << 1, ATH_R_MAP = 1 << 2, ATH_R_CALL = 1 << 3,
    ATH_R_SEND = 1 << 4, ATH_R_RECV = 1 << 5, ATH_R_DERIVE = 1 << 6, ATH_R_TRANSFER = 1 << 7,
    ATH_R_REVOKE = 1 << 8, ATH_R_CONTROL = 1 << 9,
};

#define ATH_FOREVER ((int64_t)-1)
#define ATH_MSG_MAX 64
#define ATH_PAGE 4096

/* ---- the raw host calls */
ATH_IMPORT("debug_print") void ath_debug_print(const char *p, int32_t len);
ATH_IMPORT("arch") int32_t ath_arch(char *buf, int32_t cap);
ATH_IMPORT("args") int32_t ath_args(char *buf, int32_t cap);
ATH_IMPORT("uptime_ns") int64_t ath_uptime_ns(void);
ATH_IMPORT("cap_find") ath_handle_t ath_cap_find_n(const char *name, int32_t len);
ATH_IMPORT("cap_info") int64_t ath_cap_info(ath_handle_t h);
ATH_IMPORT("cap_dup") ath_handle_t ath_cap_dup(ath_handle_t h, uint32_t rights);
/* A lease of h (rights masked) in our own table, revoked duration_ns from now. */
ATH_IMPORT("cap_lease") ath_handle_t ath_cap_lease(ath_handle_t h, uint32_t rights,
                                                   int64_t duration_ns);
ATH_IMPORT("cap_drop") int32_t ath_cap_drop(ath_handle_t h);
ATH_IMPORT("cap_revoke") int32_t ath_cap_revoke(ath_handle_t h);
ATH_IMPORT("call") int32_t ath_call(ath_handle_t ep, int64_t a0, int64_t a1, int64_t a2,
                                    int64_t a3, int64_t *result);
ATH_IMPORT("call_timeout") int32_t ath_call_timeout(ath_handle_t ep, int64_t a0, int64_t a1,
                                                    int64_t a2, int64_t a3, int64_t *result,
                                                    int64_t timeout_ns);
ATH_IMPORT("call_lend") int32_t ath_call_lend(ath_handle_t ep, ath_handle_t buf, uint32_t rights,
                                              int64_t a0, int64_t a1, int64_t a2, int64_t *result);
/* In an endpoint's handler: the badge of the capability the call came
 * through (0: none). Badges are set by the kernel only (docs/ipc.md). */
ATH_IMPORT("call_badge") int64_t ath_call_badge(void);
ATH_IMPORT("send") int32_t ath_send(ath_handle_t ch, const void *msg, int32_t len, ath_handle_t cap);
ATH_IMPORT("recv") int32_t ath_recv(ath_handle_t ch, void *buf, int32_t cap, ath_handle_t *got,
                                    int64_t timeout_ns);
ATH_IMPORT("notify") int32_t ath_notify(ath_handle_t ch);
ATH_IMPORT("wait") int64_t ath_wait(ath_handle_t ch, int64_t timeout_ns);
ATH_IMPORT("buf_new") ath_handle_t ath_buf_new(int32_t pages);
ATH_IMPORT("buf_map") int32_t ath_buf_map(ath_handle_t buf, uint32_t offset);
ATH_IMPORT("buf_unmap") int32_t ath_buf_unmap(ath_handle_t buf);

/* ---- supervision (docs/faults.md), with a `domain NAME` control capability */
ATH_IMPORT("dom_kill") int32_t ath_dom_kill(ath_handle_t dom);
ATH_IMPORT("dom_restart") int32_t ath_dom_restart(ath_handle_t dom);
ATH_IMPORT("dom_reset") int64_t ath_dom_reset(ath_handle_t dom);

/* ---- device host calls (docs/drivers.md): for driver domains granted irq,
 * mmio or ioport capabilities, and the console hand-off */
ATH_IMPORT("irq_wait") int32_t ath_irq_wait(ath_handle_t irq, int64_t timeout_ns);
ATH_IMPORT("irq_ack") int32_t ath_irq_ack(ath_handle_t irq);
ATH_IMPORT("mmio_map") int32_t ath_mmio_map(ath_handle_t mmio, uint32_t offset);
ATH_IMPORT("mmio_unmap") int32_t ath_mmio_unmap(ath_handle_t mmio);
ATH_IMPORT("io_in") int64_t ath_io_in(ath_handle_t io, uint32_t off, uint32_t size);
ATH_IMPORT("io_out") int32_t ath_io_out(ath_handle_t io, uint32_t off, uint32_t size, uint32_t v);
/* The device behind an mmio capability of the registry (docs/devices.md):
 * up to len/4 words of ath_dev_info_t; returns how many were written. */
ATH_IMPORT("dev_info") int32_t ath_dev_info(ath_handle_t mmio, void *info, int32_t len);
/* DMA memory (docs/devices.md): map it into our memory (page aligned),
 * unmap it (the device is reset first), the bus address of page i. */
ATH_IMPORT("dma_map") int32_t ath_dma_map(ath_handle_t dma, uint32_t offset);
ATH_IMPORT("dma_unmap") int32_t ath_dma_unmap(ath_handle_t dma);
ATH_IMPORT("dma_addr") int64_t ath_dma_addr(ath_handle_t dma, uint32_t page);
/* Zero-copy I/O (docs/devices.md): the bus address of page `page` of a
 * buffer moved or lent to us, for the device of `dma`; dev_writes when
 * the device will write it (the buffer must be writable for us). The
 * pages stay pinned to that device until ath_buf_undma: if our capability
 * goes first (the lend ends, a revoke, a reset), the kernel resets the
 * device before the pages go back. */
ATH_IMPORT("buf_dma") int64_t ath_buf_dma(ath_handle_t buf, ath_handle_t dma, uint32_t page,
                                          int32_t dev_writes);
/* The device is done with buf's pages (its request completed). */
ATH_IMPORT("buf_undma") int32_t ath_buf_undma(ath_handle_t buf);
ATH_IMPORT("console_attach") int32_t ath_console_attach(ath_handle_t irq);
ATH_IMPORT("console_read") int32_t ath_console_read(char *buf, int32_t cap);
ATH_IMPORT("console_input") int32_t ath_console_input(const char *p, int32_t len);

/* What dev_info fills in. */
enum { ATH_VIRTIO_MMIO = 1, ATH_VIRTIO_MMIO_LEGACY = 2, ATH_VIRTIO_PCI = 3 };
typedef struct ath_dev_info {
    uint32_t transport;        /* ATH_VIRTIO_* */
    uint32_t virtio_id;        /* 2 block, 4 entropy, ... */
    uint32_t irq;
    uint32_t size;             /* the register window's bytes (whole pages) */
    uint32_t common, notify, isr, devcfg;   /* virtio-pci: structure offsets in the window */
    uint32_t notify_mult;      /* virtio-pci: notify_off_multiplier */
    uint32_t first;            /* where the registers start in the first page */
} ath_dev_info_t;

/* ---- supervision (docs/faults.md): dom_* need a control capability over
 * the domain (a manifest "domain NAME" line, or ath_sys_domain) */
ATH_IMPORT("heartbeat") int32_t ath_heartbeat(void);
ATH_IMPORT("dom_kill") int32_t ath_dom_kill(ath_handle_t dom);
ATH_IMPORT("dom_restart") int32_t ath_dom_restart(ath_handle_t dom);
ATH_IMPORT("dom_reset") int64_t ath_dom_reset(ath_handle_t dom);

/* ---- system control (docs/shell.md, kern/sysctl.h): for a domain granted
 * a "system" capability; each call needs the right named */
enum { ATH_STAT_FRAMES = 0, ATH_STAT_FREE, ATH_STAT_HEAP, ATH_STAT_BOOTIMG, ATH_STAT_UPTIME_NS,
       ATH_STAT_PROMISED };
/* read: one line about the index-th domain ("NAME STATE PRIO MEM_KIB CPU_US
 * RESTARTS CAPS FAULTS"); ATH_ENOENT past the last. Returns its length. */
ATH_IMPORT("sys_dom") int32_t ath_sys_dom(ath_handle_t sys, int32_t index, char *buf, int32_t cap);
/* read: one line about the i-th capability of the dom-th domain ("HANDLE
 * TYPE RIGHTS NAME TARGET LEASE"); ATH_ENOENT past the last. */
ATH_IMPORT("sys_cap") int32_t ath_sys_cap(ath_handle_t sys, int32_t dom, int32_t i, char *buf,
                                          int32_t cap);
/* read: the tail of the kernel log (at most cap bytes). */
ATH_IMPORT("sys_log") int32_t ath_sys_log(ath_handle_t sys, char *buf, int32_t cap);
/* read: a figure, ATH_STAT_*. */
ATH_IMPORT("sys_stat") int64_t ath_sys_stat(ath_handle_t sys, int32_t key);
/* control: a new handle (control, read) to the named domain, for dom_*. */
ATH_IMPORT("sys_domain") ath_handle_t ath_sys_domain(ath_handle_t sys, const char *name, int32_t len);
/* control: 0 power off, 1 reboot (done by the kernel once this returns). */
ATH_IMPORT("sys_power") int32_t ath_sys_power(ath_handle_t sys, int32_t how);
/* control: the shell is at its prompt; 1 when the console is not interactive. */
ATH_IMPORT("sys_ready") int32_t ath_sys_ready(ath_handle_t sys);
/* control: runs bin/NAME.wasm of the boot image (its _start, athanor.args
 * giving args) on a thread of its own; a control handle to it. */
ATH_IMPORT("sys_run") ath_handle_t ath_sys_run(ath_handle_t sys, const char *name, int32_t nlen,
                                               const char *args, int32_t alen);
/* control: waits up to timeout_ns for the program under h: its exit status
 * (>= 0), ATH_ETRAP if it trapped or was killed, ATH_ETIMEDOUT if running. */
ATH_IMPORT("sys_wait") int64_t ath_sys_wait(ath_handle_t sys, ath_handle_t h, int64_t timeout_ns);
/* control: a WASI program from the file system in a domain of its own
 * (docs/wasi.md): spec is NUL-terminated fields "pPATH", "aARG" (argv[0]
 * first), "eK=V", "dPATH[::GUEST]", "s/GUEST" (the sensors' directory:
 * the caller's sensor.files, badged with the program's name;
 * docs/privacy.md); the file and the preopened directories
 * are read through the directory capability fs, random_get through rng
 * (0: none); both need the derive right. A control handle for sys_wait; on
 * failure the reason is written over spec, NUL-terminated. */
ATH_IMPORT("sys_wasi") ath_handle_t ath_sys_wasi(ath_handle_t sys, ath_handle_t fs, ath_handle_t rng,
                                                 char *spec, int32_t len);
/* control: a send handle to the stdin of the WASI program under h: each
 * message (up to 64 bytes) is input it reads, an empty one its end. */
ATH_IMPORT("sys_stdin") ath_handle_t ath_sys_stdin(ath_handle_t sys, ath_handle_t h);
/* control: the command the kernel command line gave (make run CMD=), cut
 * to cap; its length, 0 when there is none. */
ATH_IMPORT("sys_cmd") int32_t ath_sys_cmd(ath_handle_t sys, char *buf, int32_t cap);
/* control: power off with exit status 0..255 (make run CMD= ends so). */
ATH_IMPORT("sys_halt") int32_t ath_sys_halt(ath_handle_t sys, int32_t status);
/* write: bytes to the console, not kept in the kernel log; bytes written. */
ATH_IMPORT("console_write") int32_t ath_console_write(ath_handle_t sys, const char *p, int32_t len);

/* ---- helpers (libathanor.a) */
int32_t ath_strlen(const char *s);
void ath_print(const char *s);                 /* a NUL-terminated string */
void ath_print_int(int64_t v);                 /* decimal */
/* A console line formatted here and printed with one debug_print (a text
 * over 256 bytes in parts), so no other domain's output lands inside it:
 * %s %c %d %i %u %x, flags - and 0, a width, lengths l and ll, %%. A line
 * printed in pieces with ath_print can have other domains' lines inside. */
void ath_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
ath_handle_t ath_cap_find(const char *name);   /* NUL-terminated name */
const char *ath_strerror(int32_t err);
/* memcpy and memset, for the calls the compiler emits. */
void *memcpy(void *d, const void *s, __SIZE_TYPE__ n);
void *memset(void *d, int c, __SIZE_TYPE__ n);
/* The ISA name into buf (cap bytes, NUL-terminated); its length. */
int32_t ath_arch_name(char *buf, int32_t cap);
/* Maps a buffer lent to this domain (at most max_pages) so that it ends at
 * the top of linear memory, above data and stack (growing memory when
 * needed): its offset, with its size in *pages, or < 0 (a bigger buffer
 * does not map: it could not cover this domain's own data). A server
 * should map what it is lent this way, never at a fixed array, which a
 * larger buffer would overlay past its end. */
int32_t ath_lend_map(ath_handle_t buf, uint32_t max_pages, uint32_t *pages);

#endif
