/*
 * virtio 1.x devices for driver domains (docs/devices.md): one transport
 * interface over the two the ports offer (virtio-mmio version 2 and modern
 * virtio-pci), feature negotiation, queue setup over DMA pages and
 * interrupts. The rings themselves are sdk/include/virtq.h.
 *
 * A driver for device DEV holds DEV.mmio, DEV.irq and DEV.dma (granted by
 * the manifest: docs/drivers.md) and nothing else.
 */
#ifndef VIRTIO_H
#define VIRTIO_H

#include <athanor.h>
#include <virtq.h>

#define VIRTIO_F_VERSION_1 (1ull << 32)

enum {
    VIRTIO_S_ACK = 1, VIRTIO_S_DRIVER = 2, VIRTIO_S_DRIVER_OK = 4, VIRTIO_S_FEATURES_OK = 8,
    VIRTIO_S_NEEDS_RESET = 64, VIRTIO_S_FAILED = 128,
};

#define VIO_MAX_QUEUES 8

typedef struct vio {
    ath_dev_info_t info;
    volatile uint8_t *regs;         /* the register window in our memory */
    ath_handle_t mmio, irq, dma;
    uint8_t *dma_mem;               /* the DMA pages in our memory */
    uint64_t dma_bus;               /* their bus address (contiguous) */
    uint32_t dma_bytes;
    uint16_t notify_off[VIO_MAX_QUEUES];   /* virtio-pci: per queue */
} vio_t;

/* Takes device dev ("blk0"): finds dev.mmio, dev.irq and dev.dma, maps the
 * registers at window (page aligned, window_bytes long) and the DMA pages
 * at dma_area (page aligned, dma_bytes long; the grant may be smaller).
 * Returns 0 or a negative ATH_E* (ATH_ENOENT: not granted; ATH_EINVAL: not
 * a modern virtio device, or the window is too small). */
int32_t vio_open(vio_t *v, const char *dev, void *window, uint32_t window_bytes,
                 void *dma_area, uint32_t dma_bytes);
/* The same with the three capabilities given by handle (a driver that
 * receives its device from another domain, docs/privacy.md). */
int32_t vio_open_caps(vio_t *v, ath_handle_t mmio, ath_handle_t irq, ath_handle_t dma,
                      void *window, uint32_t window_bytes, void *dma_area, uint32_t dma_bytes);
/* Reset, ACKNOWLEDGE, DRIVER, then offers want & what the device has (plus
 * VERSION_1, which it must have) and checks FEATURES_OK. The features
 * agreed are in *got. ATH_EINVAL when the device refuses. */
int32_t vio_negotiate(vio_t *v, uint64_t want, uint64_t *got);
/* Sets queue idx up over the DMA page at dma_off (page aligned) with at
 * most max entries (the device's limit may be lower). */
int32_t vio_queue(vio_t *v, uint16_t idx, vq_t *q, uint32_t dma_off, uint16_t max);
/* DRIVER_OK: the device is live. */
void vio_ready(vio_t *v);
/* The device status register; vio_reset writes 0 and waits for it. */
uint8_t vio_status(vio_t *v);
void vio_reset(vio_t *v);
/* Tells the device queue idx has new requests. */
void vio_notify(vio_t *v, uint16_t idx);
/* Waits up to timeout_ns for the device's interrupt, reads (and so
 * clears) its interrupt status and acknowledges the line. Returns the
 * interrupt status bits (1: used ring, 2: configuration), 0 on timeout. */
int32_t vio_wait(vio_t *v, int64_t timeout_ns);
/* Device-specific configuration, read as 32-bit words at off. */
uint32_t vio_config32(vio_t *v, uint32_t off);
/* Writes one byte of the device-specific configuration at off (a selector,
 * as virtio-input's select and subsel). */
void vio_config_set8(vio_t *v, uint32_t off, uint8_t x);
/* Bus address of a byte in the DMA area (p inside it). */
uint64_t vio_bus(const vio_t *v, const void *p);

#endif
