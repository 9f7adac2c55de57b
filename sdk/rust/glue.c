/*
 * What the Rust SDK's virtio bindings (sdk/rust/athanor/lib.rs, mod
 * virtio) need from the C virtio library beyond its functions: the sizes
 * of its structures (checked against the Rust side's opaque storage before
 * first use) and the fields a driver reads. Built into libathrs.a with the
 * C SDK (mk/lang.mk).
 */
#include <virtio.h>

uint32_t athrs_vio_size(void) { return sizeof(vio_t); }
uint32_t athrs_vq_size(void) { return sizeof(vq_t); }
const ath_dev_info_t *athrs_vio_info(const vio_t *v) { return &v->info; }
uint64_t athrs_vio_dma_bus(const vio_t *v) { return v->dma_bus; }
uint32_t athrs_vio_dma_bytes(const vio_t *v) { return v->dma_bytes; }
