/*
 * Devices as capabilities (kernel/core/dev.c): what a driver domain holds
 * to own a device, and the console hand-off to the serial driver domain.
 * docs/drivers.md explains the model and the host calls.
 *
 *  - irq: one interrupt line. When it fires the kernel masks it, counts it
 *    and wakes the waiter; the driver services the device and acknowledges
 *    (dev_irq_ack), which unmasks it. Rights: CAP_R_RECV to wait,
 *    CAP_R_SEND to acknowledge.
 *  - mmio: a page-aligned physical register range. Mapping it puts the
 *    device pages (uncached, MMU_DEVICE) over the driver's linear memory at
 *    a page-aligned offset it picks, so it uses plain loads and stores; the
 *    memory pages that were there come back on unmap or when the
 *    capability goes (revoke, delete, domain end). Right: CAP_R_MAP.
 *  - ioport: an x86 I/O port range; port I/O only inside it, addressed
 *    relative to its base. Rights: CAP_R_READ (in), CAP_R_WRITE (out).
 *    Creating one fails where the ISA has no I/O space.
 *
 * Functions returning int return 0 (or a count) or a negative error code of
 * kern/cap.h / kern/ipc.h.
 */
#ifndef KERN_DEV_H
#define KERN_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/cap.h>
#include <kern/domain.h>
#include <kern/sched.h>

/* ------------------------------------------------------------ the registry */

/* Transports (docs/devices.md). */
enum { DEV_VIRTIO_MMIO = 1, DEV_VIRTIO_MMIO_LEGACY = 2, DEV_VIRTIO_PCI = 3 };

#define DEV_MAX_DEVICES 32
#define DEV_INFO_WORDS 10

/* A device the port's transports lead to (kernel/core/devices.c). */
typedef struct device {
    char name[12];              /* KIND<n>: blk0, rng0, ... */
    const char *kind;           /* "blk", "rng", "gpu", "input", "serial", "net", "virtio" */
    int transport;
    uint32_t virtio_id;         /* virtio device ID */
    uint64_t phys, size;        /* register window: the mmio slot, or the BAR of the
                                   virtio-pci structures (page aligned) */
    unsigned irq;               /* interrupt number (0: unknown) */
    uint32_t bdf;               /* PCI: bus << 8 | device << 3 | function */
    uint32_t common, notify, isr, devcfg, notify_mult;   /* PCI: offsets in the window */
    volatile uint8_t *regs;     /* the kernel's mapping of the window */
} device_t;

/* Finds the devices (virtio-mmio slots, PCI bus 0), names them and prints
 * "athanor: devices: ..."; once at boot, before the manifest is read. */
void dev_scan(void);
/* Adds a device found another way (host tests: a fake one); the copy, or
 * NULL when the registry is full. dev_forget_all empties it. */
const device_t *dev_register(const device_t *dv);
void dev_forget_all(void);
/* The device named name (blk0), or NULL. */
const device_t *dev_find(const char *name);
/* Another device whose registers share a page with dv's, or NULL: its
 * mmio is then not granted (a page is the unit of mapping). */
const device_t *dev_sharing_page(const device_t *dv);
/* Stops the device touching memory: virtio reset (status 0) and, on PCI,
 * Bus Master Enable cleared. Before the kernel frees or reuses pages the
 * device could write. */
void dev_quiesce(const device_t *dv);
/* PCI: memory space and bus mastering on (on) or bus mastering off. */
void dev_bus_master(const device_t *dv, bool on);
/* What the dev_info host call gives the driver, n words of: transport,
 * virtio ID, irq, window size, common, notify, isr, device-config offsets,
 * notify_off_multiplier, where the registers start in the first page.
 * Returns how many words were written. */
int dev_info_fill(const device_t *dv, uint32_t *out, int n);

/* ------------------------------------------------------------ irq */

typedef struct dev_irq {
    kobj_t obj;                 /* KOBJ_IRQ */
    unsigned irq;               /* the interrupt controller's number */
    waitq_t waiters;
    uint32_t pending;           /* fired since the last wait took them */
    bool kicked;                /* dev_irq_kick since the last wait */
    bool masked;                /* by the handler, until acknowledged */
    uint64_t count;             /* interrupts taken, in all */
} dev_irq_t;

/* An irq object for line irq (refs = 1): installs the kernel's handler and
 * unmasks the line (the device itself stays quiet until its driver
 * enables its interrupts). NULL when out of memory or irq is taken. */
dev_irq_t *dev_irq_create(unsigned irq);
/* Waits up to timeout_ns (0: do not wait; IPC_FOREVER) for the line to
 * fire. Returns how many times it fired since the last wait (the line is
 * then masked until dev_irq_ack), or 0 on timeout or kick. */
int dev_irq_wait(cap_table_t *t, cap_handle_t h, uint64_t timeout_ns);
int dev_irq_ack(cap_table_t *t, cap_handle_t h);
/* Wakes the waiter without an interrupt (its wait returns 0): the kernel
 * has work for the driver. Safe from interrupt context. */
void dev_irq_kick(dev_irq_t *q);
/* The software side of an interrupt, as the kernel handler runs it: for
 * tests that have no device (the hosted build). */
void dev_irq_raise(dev_irq_t *q);

/* ------------------------------------------------------------ mmio */

#define DEV_MMIO_MAX_MAPS 4

typedef struct dev_mmio_map {
    domain_t *dom;              /* whose linear memory */
    cap_table_t *holder;        /* and under which capability */
    cap_handle_t h;
    uint32_t offset;
    uint64_t *saved;            /* the frames the memory had there */
} dev_mmio_map_t;

typedef struct dev_mmio {
    kobj_t obj;                 /* KOBJ_MMIO */
    uint64_t phys;              /* page aligned */
    uint32_t first;             /* where the registers start in the first page */
    uint32_t npages;
    dev_mmio_map_t maps[DEV_MMIO_MAX_MAPS];
    uint32_t nmaps;
    const device_t *dev;        /* the registry's device, or NULL (the console) */
} dev_mmio_t;

/* The pages covering [phys, phys+size) (refs = 1); NULL when out of memory
 * or size is 0 or over 1 MiB. */
dev_mmio_t *dev_mmio_create(uint64_t phys, uint64_t size);
/* Maps mmio h (CAP_R_MAP) into d's linear memory at offset: page aligned,
 * inside the memory, not over another mapping. One mapping per
 * capability. Returns where in the first page the registers start (the
 * device's physical address modulo the page size), >= 0. */
int dev_mmio_map(domain_t *d, cap_table_t *t, cap_handle_t h, uint32_t offset);
int dev_mmio_unmap(cap_table_t *t, cap_handle_t h);

/* ------------------------------------------------------------ dma */

#define DEV_DMA_MAX_PAGES 1024    /* 4 MiB: a 1024x768 framebuffer and its queues */

/* Pages a device may read and write: physically contiguous frames the
 * kernel allocated, charged to a domain's memory limit, mapped (once)
 * into the holder's linear memory; their bus addresses are readable.
 * Rights: CAP_R_MAP (dma_map), CAP_R_READ (dma_addr). The device is
 * quiesced (dev_quiesce) whenever the mapping leaves the driver (unmap,
 * revoke, delete, reset, end) and before the frames are freed. */
typedef struct dev_dma {
    kobj_t obj;                 /* KOBJ_DMA */
    const device_t *dev;        /* quiesced before the pages go (NULL: none) */
    domain_t *payer;            /* charged for the pages */
    uint64_t phys;              /* bus address = physical address (no IOMMU) */
    uint32_t npages;
    bool mapped;
    dev_mmio_map_t map;         /* the one mapping, when mapped */
} dev_dma_t;

/* npages (1..DEV_DMA_MAX_PAGES) contiguous zeroed frames for device dv,
 * charged to payer (refs = 1). NULL with *err set (CAP_EINVAL, IPC_ELIMIT
 * over payer's memory limit, CAP_ENOMEM). */
dev_dma_t *dev_dma_create(const device_t *dv, domain_t *payer, uint32_t npages, int *err);
/* Maps dma h (CAP_R_MAP) at offset of d's linear memory (page aligned,
 * inside, over no other mapping); one mapping per object. PCI: turns bus
 * mastering on. Returns 0. */
int dev_dma_map(domain_t *d, cap_table_t *t, cap_handle_t h, uint32_t offset);
/* Quiesces the device, then puts the memory's own pages back. */
int dev_dma_unmap(cap_table_t *t, cap_handle_t h);
/* The bus address of page i of dma h (CAP_R_READ), in *addr. */
int dev_dma_addr(cap_table_t *t, cap_handle_t h, uint32_t i, uint64_t *addr);
/* Zero-copy I/O: the bus address of page i of buffer buf of t (a buffer
 * moved or lent to t's domain), for the device of dma (CAP_R_READ, in the
 * same table). buf needs CAP_R_MAP and CAP_R_WRITE when the device will
 * write the page (dev_writes), CAP_R_READ otherwise; a buffer lent
 * writable to another holder, or lent read-only when the device would
 * write, is refused (IPC_ELENT). The buffer is pinned to that device
 * under buf (buf_pin_t) until dev_buf_undma or the capability goes. */
int dev_buf_dma(cap_table_t *t, cap_handle_t buf, cap_handle_t dma, uint32_t i, bool dev_writes,
                uint64_t *addr);
/* The device is done with buf's pages: its pins under buf go (no
 * quiesce). Returns how many there were. */
int dev_buf_undma(cap_table_t *t, cap_handle_t buf);
/* Stops the device of dma object o (a dev_dma_t) if it has one. */
void dev_dma_stop(kobj_t *o);

/* ------------------------------------------------------------ io ports */

typedef struct dev_ioport {
    kobj_t obj;                 /* KOBJ_IOPORT */
    uint16_t base;
    uint32_t count;
} dev_ioport_t;

/* Ports [base, base+count) (refs = 1); NULL without an I/O space
 * (arch_io_supported), for an empty or wrapping range, or out of memory. */
dev_ioport_t *dev_ioport_create(uint16_t base, uint32_t count);
/* size 1, 2 or 4 bytes at base + off; [off, off+size) inside the range. */
int dev_io_in(cap_table_t *t, cap_handle_t h, uint32_t off, int size, uint32_t *v);
int dev_io_out(cap_table_t *t, cap_handle_t h, uint32_t off, int size, uint32_t v);

/* ------------------------------------------------------------ glue */

struct wasm_linker;
/* Defines the device host calls (irq_wait, irq_ack, mmio_map, mmio_unmap,
 * io_in, io_out, console_*) in l, module "athanor", for domain d. Called
 * by hostcall_linker. */
bool dev_hostcalls_define(struct wasm_linker *l, domain_t *d);

/* A manifest capability line of a device kind, "irq NAME", "mmio NAME" or
 * "ioport NAME" with [rights=R]: NAME is a device the port reported
 * ("console"). Grants d a root capability to a new object under NAME.
 * Returns false if kind is not a device kind (the caller reports it);
 * true otherwise, problems printed as "manifest:LINE: ...". */
bool dev_manifest_line(domain_t *d, int lineno, const char *kind, const char *s, const char *end);

/* ------------------------------------------------------------ the console */

/* Every byte the kernel prints goes through here (printk.c). Before the
 * hand-off: the early console. After it: a queue the console driver
 * domain drains (it is kicked at each newline). */
void kcons_putc(char c);
/* Panic path: drains the queue to the early console and prints there from
 * now on, whatever the driver is doing. Also used before power-off. */
void kcons_release(void);
/* True once a driver domain owns the console. */
bool kcons_handed_off(void);
/* Lines the driver delivered as input (console_input), for the consumer:
 * copies the oldest complete line (without its newline, NUL-terminated,
 * truncated to cap) and returns its length, or -1 when none. */
int kcons_getline(char *buf, size_t cap);
/* Program output (WASI fds 1 and 2): n bytes for the console, not kept in
 * the kernel log, waiting up to 2 s for room. Returns the bytes queued. */
uint32_t kcons_out(const void *p, uint32_t n);

/* Starts the domains the manifest marked as drivers (a thread each
 * running its entry); returns how many. */
int dev_start_drivers(domsys_t *sys);

/* Boot (kmain's stage 2): starts the driver domains of sys (the boot
 * manifest's entries with device lines, loaded by domsys_load_manifest)
 * and waits for the console driver to take the console. Returns 1 when a
 * driver domain owns the console, 0 when no driver could start (no console
 * device a driver can own), -1 when it failed. */
int dev_console_start(domsys_t *sys);
/* The console driver domain's name, its interrupt line and how often it
 * fired; NULL before the hand-off. */
const char *dev_console_driver(unsigned *irq, uint64_t *fired);
/* Lets the driver write out what is queued (up to a second), then takes the
 * console back (kcons_release). */
void dev_console_stop(void);

#endif
