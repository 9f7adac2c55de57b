/*
 * One named port of a virtio-console device (virtio-serial, multiport;
 * virtio 1.2, 5.3), read-only: what the sensor drivers use (docs/privacy.md).
 * QEMU names a port (-device virtserialport,name=...); the driver performs
 * the multiport handshake (DEVICE_READY, PORT_READY for ports 0 and 1,
 * PORT_OPEN once the port's name is the one wanted) and hands the bytes of
 * that port, and of no other, to its caller.
 *
 * DMA layout (the driver's dma grant, page aligned): pages 0-3 the rings
 * (control rx, control tx, port 0 rx, port 1 rx), page 4 the control
 * buffers, page 5 port 0's receive buffers (4 x 1 KiB), then port 1's:
 * data_pages pages cut into buffers of data_len bytes (at most 16).
 */
#ifndef VCONSOLE_H
#define VCONSOLE_H

#include <virtio.h>

#define VCONS_CTRL_BUFS 8
#define VCONS_BUFS_MAX 16
/* The DMA pages a console with data_pages pages of port 1 buffers needs. */
#define VCONS_DMA_PAGES(data_pages) (6 + (data_pages))

typedef struct vcons {
    vio_t dev;
    vq_t ctrl_rx, ctrl_tx, rx[2];
    bool ctrl_tx_busy[VCONS_CTRL_BUFS];
    const char *log;                /* the driver's name, for its log lines */
    const char *want;               /* the port's name */
    int port;                       /* its number once named, else -1 */
    bool open;                      /* the host side has it open */
    uint32_t data_len, nbufs;       /* port 1's receive buffers */
} vcons_t;

/* Called with each buffer that arrived on the wanted port. */
typedef void (*vcons_data_fn)(void *arg, const uint8_t *p, uint32_t n);

/* Takes the device (registers mmio, interrupt irq, DMA memory dma) from
 * reset to running: maps the registers at window and the DMA pages at
 * dma_area (VCONS_DMA_PAGES(data_pages) pages), negotiates multiport, sets
 * the queues up, posts every buffer and says DEVICE_READY. log names the
 * driver in its messages, want the port. 0, or < 0 (the DMA memory is
 * unmapped again: not a usable virtio-console). */
int32_t vcons_start(vcons_t *c, ath_handle_t mmio, ath_handle_t irq, ath_handle_t dma,
                    void *window, uint32_t window_bytes, void *dma_area, uint32_t data_pages,
                    uint32_t data_len, const char *log, const char *want);
/* Waits up to timeout_ns for the device, answers its control messages and
 * hands each buffer of the wanted port to fn. The bytes handed over (0 or
 * more), or ATH_EREVOKED once the registers or the interrupt were taken
 * away (the kernel reset the device and unmapped it). */
int32_t vcons_poll(vcons_t *c, int64_t timeout_ns, vcons_data_fn fn, void *arg);
/* Lets the device go: the DMA memory is unmapped (the device is reset
 * first), the registers and interrupt capabilities dropped. */
void vcons_stop(vcons_t *c);
/* A sensor driver's device comes from the broker (docs/privacy.md): waits
 * on channel ch until the broker has sent the registers and the interrupt
 * (anything else received is dropped). 0 with both, or the channel's
 * error. */
int32_t vcons_await_device(ath_handle_t ch, ath_handle_t *mmio, ath_handle_t *irq);

#endif
